-- Webhooks: a tenant's HTTP endpoints that receive its events, signed with a shared secret, and
-- every delivery with its attempts, so that an administrator can see what failed and redeliver.

CREATE TABLE webhooks (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    event_types text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
    -- The HMAC key of the signatures. Shown once (at creation or rotation), never again.
    secret text NOT NULL CHECK (length(secret) BETWEEN 16 AND 200),
    description text CHECK (length(description) <= 500),
    active boolean NOT NULL DEFAULT true,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id, created_at);

-- One delivery of one event to one webhook. `attempts` counts the requests sent; a delivery in
-- flight holds a lease (`leased_until`), so a worker that dies mid-request leaves it to be
-- tried again when the lease ends. A redelivery is a new row that names the original.
CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id text NOT NULL,
    event_type text NOT NULL,
    -- The exact body sent (signed again, with a fresh timestamp, on every attempt).
    payload text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'succeeded', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until timestamptz,
    last_attempt_at timestamptz,
    last_status_code integer,
    last_error text,
    last_duration_ms integer,
    delivered_at timestamptz,
    redelivery_of uuid REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, event_id) WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX webhook_deliveries_in_flight ON webhook_deliveries (webhook_id) WHERE leased_until IS NOT NULL;
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhooks
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY owner_access ON webhooks TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY owner_access ON webhook_deliveries TO CURRENT_USER USING (true) WITH CHECK (true);

-- Claims up to p_limit due deliveries, across tenants, for one dispatcher: at most one per
-- webhook, and none of a webhook that already has a delivery in flight (a receiver that hangs
-- holds one slot, not all). Each claimed row gets a lease and one more attempt. SECURITY DEFINER:
-- the dispatcher binds each row's tenant to record the outcome.
CREATE FUNCTION tenantdesk_claim_webhook_deliveries(p_now timestamptz, p_limit integer, p_lease_ms integer)
    RETURNS TABLE (id uuid, tenant_id uuid, webhook_id uuid, url text, secret text, event_id text, event_type text,
                   payload text, attempts integer)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    WITH candidates AS (
        SELECT DISTINCT ON (d.webhook_id) d.id, d.next_attempt_at
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= p_now AND w.active
          AND (d.leased_until IS NULL OR d.leased_until <= p_now)
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries f WHERE f.webhook_id = d.webhook_id AND f.leased_until > p_now)
        ORDER BY d.webhook_id, d.next_attempt_at, d.created_at
    ), picked AS (
        SELECT d.id FROM webhook_deliveries d JOIN candidates c ON c.id = d.id
        ORDER BY c.next_attempt_at LIMIT p_limit
        FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries d
    SET leased_until = p_now + make_interval(secs => p_lease_ms / 1000.0), attempts = d.attempts + 1, last_attempt_at = p_now
    FROM picked, webhooks w
    WHERE d.id = picked.id AND w.id = d.webhook_id
    RETURNING d.id, d.tenant_id, d.webhook_id, w.url, w.secret, d.event_id, d.event_type, d.payload, d.attempts
$$;
REVOKE ALL ON FUNCTION tenantdesk_claim_webhook_deliveries(timestamptz, integer, integer) FROM PUBLIC;

-- The notification feed also tells partners and customers of partner relationships that are
-- about to end: such a notification names the relationship instead of a request.
ALTER TABLE notifications ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE notifications ALTER COLUMN request_tenant_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN relationship_id uuid;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('message', 'status_changed', 'assigned', 'survey_requested', 'sla_breached', 'delegation_expiring'));
ALTER TABLE notifications ADD CONSTRAINT notifications_subject
    CHECK ((request_id IS NOT NULL AND request_tenant_id IS NOT NULL) OR relationship_id IS NOT NULL);

-- The active administrators of a tenant holding one of these roles (who hears of a relationship
-- about to end). SECURITY DEFINER: ids only.
CREATE FUNCTION tenantdesk_admins_with_roles(p_tenant uuid, p_roles text[])
    RETURNS TABLE (admin_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$ SELECT a.id FROM admins a WHERE a.tenant_id = p_tenant AND a.status = 'active' AND a.roles && p_roles $$;
REVOKE ALL ON FUNCTION tenantdesk_admins_with_roles(uuid, text[]) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION tenantdesk_claim_webhook_deliveries(timestamptz, integer, integer) TO tenantdesk_app;
GRANT EXECUTE ON FUNCTION tenantdesk_admins_with_roles(uuid, text[]) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhooks TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO tenantdesk_app;
