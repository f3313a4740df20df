-- Delegated partner administration, refresh tokens, API keys, login throttling, the append-only
-- audit log and the event outbox.

-- Tenants a relationship links are visible to each other (names and kinds for the lists of
-- either side); nothing else about them is.
CREATE TABLE partner_relationships (
    id uuid PRIMARY KEY,
    partner_tenant_id uuid NOT NULL REFERENCES tenants (id),
    customer_tenant_id uuid NOT NULL REFERENCES tenants (id),
    roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['tenant_admin', 'service_admin', 'read_only']),
    duration_days integer NOT NULL CHECK (duration_days BETWEEN 1 AND 730),
    auto_extend boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'approval_pending'
        CHECK (status IN ('approval_pending', 'active', 'expired', 'terminated', 'rejected')),
    requested_by uuid NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by uuid,
    decided_at timestamptz,
    starts_at timestamptz,
    ends_at timestamptz,
    extensions integer NOT NULL DEFAULT 0,
    ended_by uuid,
    ended_at timestamptz,
    CHECK (partner_tenant_id <> customer_tenant_id),
    -- Auto-extension never applies to the tenant-admin role.
    CHECK (NOT (auto_extend AND 'tenant_admin' = ANY (roles))),
    CHECK (status <> 'active' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL))
);
CREATE INDEX partner_relationships_partner ON partner_relationships (partner_tenant_id, customer_tenant_id);
CREATE INDEX partner_relationships_customer ON partner_relationships (customer_tenant_id);

-- Which partner admins act under a relationship, each with a subset of its roles.
CREATE TABLE relationship_assignments (
    relationship_id uuid NOT NULL REFERENCES partner_relationships (id),
    admin_id uuid NOT NULL REFERENCES admins (id),
    partner_tenant_id uuid NOT NULL REFERENCES tenants (id),
    customer_tenant_id uuid NOT NULL REFERENCES tenants (id),
    roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['tenant_admin', 'service_admin', 'read_only']),
    assigned_by uuid NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relationship_id, admin_id)
);
CREATE INDEX relationship_assignments_admin ON relationship_assignments (admin_id);

-- Expiry reminders sent (30, 7 and 1 days before the end); the key makes each one go out once
-- however many role services run.
CREATE TABLE relationship_reminders (
    relationship_id uuid NOT NULL REFERENCES partner_relationships (id),
    ends_at timestamptz NOT NULL,
    days_before integer NOT NULL CHECK (days_before IN (1, 7, 30)),
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relationship_id, ends_at, days_before)
);

-- Opaque refresh tokens, stored as SHA-256. A family is one login; reusing a rotated token
-- revokes the whole family.
CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    admin_id uuid NOT NULL REFERENCES admins (id),
    family_id uuid NOT NULL,
    api_key_id uuid,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- API keys for automation: named, scoped to some of the owner's roles, stored as SHA-256.
CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    admin_id uuid NOT NULL REFERENCES admins (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    roles text[] NOT NULL CHECK (cardinality(roles) > 0),
    key_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_keys_admin ON api_keys (admin_id);

-- Failed logins per account (a hash of the email) and per source address.
CREATE TABLE login_throttle (
    key_hash bytea PRIMARY KEY,
    failures integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    locked_until timestamptz
);

-- Every change, append-only. tenant_id is the tenant acted in; a change that concerns two
-- tenants (a partner relationship) is recorded in each.
CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_admin_id uuid,
    actor_tenant_id uuid,
    actor_email text,
    via_relationship_id uuid,
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    source_address text,
    request_id text
);
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, id DESC);

CREATE FUNCTION tenantdesk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_refuse_change();

-- Domain events written in the same transaction as the change they announce, published to
-- RabbitMQ after the commit (and again after a crash) by the service that wrote them.
CREATE TABLE outbox_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    routing_key text NOT NULL,
    message_id uuid NOT NULL UNIQUE,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX outbox_events_pending ON outbox_events (id) WHERE published_at IS NULL;

-- Row-level security.
ALTER TABLE partner_relationships ENABLE ROW LEVEL SECURITY;
ALTER TABLE partner_relationships FORCE ROW LEVEL SECURITY;
CREATE POLICY either_side ON partner_relationships
    USING (tenantdesk_current_tenant() IN (partner_tenant_id, customer_tenant_id))
    WITH CHECK (tenantdesk_current_tenant() IN (partner_tenant_id, customer_tenant_id));

ALTER TABLE relationship_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE relationship_assignments FORCE ROW LEVEL SECURITY;
-- Both sides read; only the partner assigns.
CREATE POLICY either_side_reads ON relationship_assignments FOR SELECT
    USING (tenantdesk_current_tenant() IN (partner_tenant_id, customer_tenant_id));
CREATE POLICY partner_inserts ON relationship_assignments FOR INSERT
    WITH CHECK (partner_tenant_id = tenantdesk_current_tenant());
CREATE POLICY partner_updates ON relationship_assignments FOR UPDATE
    USING (partner_tenant_id = tenantdesk_current_tenant())
    WITH CHECK (partner_tenant_id = tenantdesk_current_tenant());
CREATE POLICY partner_deletes ON relationship_assignments FOR DELETE
    USING (partner_tenant_id = tenantdesk_current_tenant());

ALTER TABLE relationship_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE relationship_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY either_side ON relationship_reminders
    USING (EXISTS (SELECT 1 FROM partner_relationships r WHERE r.id = relationship_id))
    WITH CHECK (EXISTS (SELECT 1 FROM partner_relationships r WHERE r.id = relationship_id));

-- The other side of a relationship sees the tenant's name and kind.
CREATE POLICY related_tenants ON tenants FOR SELECT
    USING (EXISTS (
        SELECT 1 FROM partner_relationships r
        WHERE (r.partner_tenant_id = tenants.id OR r.customer_tenant_id = tenants.id)));
-- A customer sees the partner admins acting in it.
CREATE POLICY assigned_partner_admins ON admins FOR SELECT
    USING (EXISTS (
        SELECT 1 FROM relationship_assignments ra
        WHERE ra.admin_id = admins.id AND ra.customer_tenant_id = tenantdesk_current_tenant()));
-- The platform operator's tenant list: bound with set_config('tenantdesk.platform', 'on', true)
-- only after the role service has authorized tenant.manage.
CREATE FUNCTION tenantdesk_platform_scope() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('tenantdesk.platform', true), '') = 'on' $$;
CREATE POLICY platform_scope ON tenants USING (tenantdesk_platform_scope()) WITH CHECK (tenantdesk_platform_scope());

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON refresh_tokens
    USING (tenant_id = tenantdesk_current_tenant()) WITH CHECK (tenant_id = tenantdesk_current_tenant());

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = tenantdesk_current_tenant()) WITH CHECK (tenant_id = tenantdesk_current_tenant());

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = tenantdesk_current_tenant()) WITH CHECK (tenant_id = tenantdesk_current_tenant());

CREATE POLICY owner_access ON partner_relationships TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON relationship_assignments TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON relationship_reminders TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON refresh_tokens TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON api_keys TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON audit_events TO CURRENT_USER USING (true) WITH CHECK (true);

-- Everything one authorization decision needs, in one round trip: the caller's current status
-- and roles, its API key's scope, the target tenant, and the caller's delegations into it.
-- SECURITY DEFINER (it reads across the two tenants), and it returns nothing but these facts.
-- PL/pgSQL, so each session plans the query once (an SQL function is planned at every call).
CREATE FUNCTION tenantdesk_authorization_facts(p_admin uuid, p_home uuid, p_target uuid, p_api_key uuid)
RETURNS TABLE (
    admin_active boolean, admin_roles text[], home_kind text, home_active boolean,
    target_kind text, target_active boolean, api_key_roles text[], api_key_valid boolean,
    delegations jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT
        coalesce(a.status = 'active', false), coalesce(a.roles, '{}'),
        h.kind, coalesce(h.status = 'active', false),
        t.kind, coalesce(t.status = 'active', false),
        k.roles,
        p_api_key IS NULL OR (k.id IS NOT NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())),
        coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                'id', r.id, 'status', r.status, 'ends_at', extract(epoch FROM r.ends_at),
                'auto_extend', r.auto_extend, 'roles', coalesce(ra.roles, '{}')))
            FROM partner_relationships r
            LEFT JOIN relationship_assignments ra ON ra.relationship_id = r.id AND ra.admin_id = p_admin
            WHERE r.partner_tenant_id = p_home AND r.customer_tenant_id = p_target), '[]'::jsonb)
    FROM (SELECT 1) one
    LEFT JOIN admins a ON a.id = p_admin AND a.tenant_id = p_home
    LEFT JOIN tenants h ON h.id = p_home
    LEFT JOIN tenants t ON t.id = p_target
    LEFT JOIN api_keys k ON k.id = p_api_key AND k.admin_id = p_admin;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_authorization_facts(uuid, uuid, uuid, uuid) FROM PUBLIC;

-- Claims the expiry reminders that are due, each once across role services; the caller
-- publishes them. SECURITY DEFINER: it scans every tenant.
CREATE FUNCTION tenantdesk_claim_relationship_reminders(p_now timestamptz)
RETURNS TABLE (relationship_id uuid, partner_tenant_id uuid, customer_tenant_id uuid, ends_at timestamptz, days_before integer)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    WITH due AS (
        -- Only the nearest threshold passed: a relationship approved for 5 days gets the 7-day
        -- reminder and later the 1-day one, never a 30-day one.
        SELECT r.id, r.partner_tenant_id, r.customer_tenant_id, r.ends_at,
            (SELECT min(x) FROM (VALUES (1), (7), (30)) AS t (x) WHERE r.ends_at - make_interval(days => x) <= p_now) AS days
        FROM partner_relationships r
        WHERE r.status = 'active' AND NOT r.auto_extend AND r.ends_at > p_now
          AND r.ends_at - interval '30 days' <= p_now
    ), claimed AS (
        INSERT INTO relationship_reminders (relationship_id, ends_at, days_before)
        SELECT id, ends_at, days FROM due
        ON CONFLICT DO NOTHING
        RETURNING relationship_reminders.relationship_id, relationship_reminders.ends_at, relationship_reminders.days_before
    )
    SELECT c.relationship_id, d.partner_tenant_id, d.customer_tenant_id, c.ends_at, c.days_before
    FROM claimed c JOIN due d ON d.id = c.relationship_id
$$;
REVOKE ALL ON FUNCTION tenantdesk_claim_relationship_reminders(timestamptz) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION tenantdesk_platform_scope() TO tenantdesk_app;
GRANT EXECUTE ON FUNCTION tenantdesk_authorization_facts(uuid, uuid, uuid, uuid) TO tenantdesk_app;
GRANT EXECUTE ON FUNCTION tenantdesk_claim_relationship_reminders(timestamptz) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON partner_relationships TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON relationship_assignments TO tenantdesk_app;
GRANT SELECT, INSERT ON relationship_reminders TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON refresh_tokens, api_keys TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO tenantdesk_app;
-- Append-only: the services may add and read audit events, never change or remove them.
GRANT SELECT, INSERT ON audit_events TO tenantdesk_app;
GRANT SELECT, INSERT, DELETE ON outbox_events TO tenantdesk_app;
GRANT UPDATE (published_at) ON outbox_events TO tenantdesk_app;
GRANT USAGE ON SEQUENCE audit_events_id_seq, outbox_events_id_seq TO tenantdesk_app;
