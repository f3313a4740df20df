-- Service requests: drafts and submitted requests with their response targets, the timeline,
-- the message thread (public messages and support's internal notes), the self-help suggestion
-- sessions shown before submitting, and idempotency keys of creating calls.

-- Tenants a read-only transaction may see besides the bound one: a partner admin's list across
-- the customers whose delegation grants reading requests. Set with
-- set_config('tenantdesk.read_tenant_ids', 'uuid,uuid', true); empty when unset.
CREATE FUNCTION tenantdesk_read_tenants() RETURNS uuid[]
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting('tenantdesk.read_tenant_ids', true), ''), ',')::uuid[], '{}') $$;

-- Whether the transaction acts for the support organisation (set_config('tenantdesk.audience',
-- 'support', true)): only then are internal notes visible or writable.
CREATE FUNCTION tenantdesk_support_audience() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('tenantdesk.audience', true), '') = 'support' $$;

-- Human-friendly request numbers, per tenant, handed out at submission.
CREATE TABLE request_counters (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    last_number bigint NOT NULL DEFAULT 0
);

CREATE TABLE service_requests (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    number bigint,
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'in_progress', 'waiting_for_customer', 'resolved', 'closed')),
    category_code text REFERENCES support_categories (code),
    feature_code text,
    symptom_code text,
    summary text CHECK (length(summary) <= 200),
    details text CHECK (length(details) <= 20000),
    severity text CHECK (severity IN ('A', 'B', 'C')),
    language text CHECK (language ~ '^[a-z]{2,3}(-[a-z0-9]{2,8})*$'),
    contact_name text CHECK (length(contact_name) <= 200),
    contact_email text CHECK (length(contact_email) <= 254),
    contact_phone text CHECK (length(contact_phone) <= 40),
    contact_method text CHECK (contact_method IN ('email', 'phone')),
    contact_time_zone text CHECK (length(contact_time_zone) <= 64),
    contact_country text CHECK (contact_country ~ '^[A-Z]{2}$'),
    suggestion_session_id uuid,
    requested_by uuid NOT NULL,
    requested_by_name text NOT NULL,
    requested_by_tenant uuid NOT NULL,
    via_relationship uuid,
    queue_id text REFERENCES support_queues (id),
    assigned_to uuid,
    assigned_to_name text,
    plan text CHECK (plan IN ('premier', 'professional', 'trial')),
    response_target_minutes integer,
    response_due_at timestamptz,
    response_explanation jsonb,
    first_response_at timestamptz,
    submitted_at timestamptz,
    resolved_at timestamptz,
    resolution_summary text CHECK (length(resolution_summary) <= 5000),
    closed_at timestamptz,
    draft_expires_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (tenantdesk_search_vector(summary, details)) STORED,
    UNIQUE (tenant_id, number),
    FOREIGN KEY (category_code, feature_code) REFERENCES support_features (category_code, code),
    FOREIGN KEY (category_code, feature_code, symptom_code) REFERENCES support_symptoms (category_code, feature_code, code),
    CHECK (status = 'draft' OR (number IS NOT NULL AND submitted_at IS NOT NULL AND response_due_at IS NOT NULL))
);
CREATE INDEX service_requests_tenant_created ON service_requests (tenant_id, created_at DESC, id DESC);
CREATE INDEX service_requests_tenant_updated ON service_requests (tenant_id, updated_at DESC, id DESC);
CREATE INDEX service_requests_tenant_due ON service_requests (tenant_id, response_due_at, id)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');
CREATE INDEX service_requests_search ON service_requests USING gin (search);
CREATE INDEX service_requests_drafts ON service_requests (draft_expires_at) WHERE status = 'draft';

-- The timeline: status and severity changes, submission, messages, assignment. Internal entries
-- are visible to support only.
CREATE TABLE request_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    request_id uuid NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    kind text NOT NULL,
    visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
    actor_admin_id uuid,
    actor_name text,
    actor_side text NOT NULL CHECK (actor_side IN ('customer', 'support', 'system')),
    via_relationship uuid,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE request_messages (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    request_id uuid NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
    author_admin_id uuid NOT NULL,
    author_name text NOT NULL,
    author_side text NOT NULL CHECK (author_side IN ('customer', 'support')),
    via_relationship uuid,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Only support writes internal notes.
    CHECK (visibility = 'public' OR author_side = 'support')
);
CREATE INDEX request_messages_request ON request_messages (request_id, created_at, id);

-- Self-help suggestions shown before submitting, and whether they helped (the deflection rate).
CREATE TABLE suggestion_sessions (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    admin_id uuid NOT NULL,
    category_code text NOT NULL REFERENCES support_categories (code),
    feature_code text,
    symptom_code text,
    language text NOT NULL,
    query text NOT NULL,
    article_ids text[] NOT NULL,
    outcome text CHECK (outcome IN ('helped', 'continued')),
    helpful_article_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz
);
CREATE INDEX suggestion_sessions_tenant ON suggestion_sessions (tenant_id, created_at);

-- Idempotency-Key of creating calls: the first response is stored with the effect, in the same
-- transaction; kept at least 24 hours.
CREATE TABLE idempotency_keys (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    admin_id uuid NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    operation text NOT NULL,
    request_hash bytea NOT NULL,
    state text NOT NULL CHECK (state IN ('in_flight', 'done')),
    response jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, admin_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Row-level security: the bound tenant reads and writes; a list may also read the tenants in
-- tenantdesk.read_tenant_ids; internal notes and internal timeline entries need the support audience.
ALTER TABLE request_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_counters
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());

ALTER TABLE service_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON service_requests
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY listed_tenants_read ON service_requests FOR SELECT
    USING (tenant_id = ANY (tenantdesk_read_tenants()));

ALTER TABLE request_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_events
    USING (tenant_id = tenantdesk_current_tenant() AND (visibility = 'public' OR tenantdesk_support_audience()))
    WITH CHECK (tenant_id = tenantdesk_current_tenant() AND (visibility = 'public' OR tenantdesk_support_audience()));

ALTER TABLE request_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_messages
    USING (tenant_id = tenantdesk_current_tenant() AND (visibility = 'public' OR tenantdesk_support_audience()))
    WITH CHECK (tenant_id = tenantdesk_current_tenant() AND (visibility = 'public' OR tenantdesk_support_audience()));

ALTER TABLE suggestion_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE suggestion_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON suggestion_sessions
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());

-- The schema owner (admin CLI, and the SECURITY DEFINER housekeeping below) sees every row.
CREATE POLICY owner_access ON request_counters TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON service_requests TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON request_events TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON request_messages TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON suggestion_sessions TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON idempotency_keys TO CURRENT_USER USING (true) WITH CHECK (true);

-- Housekeeping across tenants: deletes the drafts past their expiry and the idempotency keys
-- older than 24 hours; returns how many of each. SECURITY DEFINER: it scans every tenant, and
-- deletes nothing else.
CREATE FUNCTION tenantdesk_purge_expired(at timestamptz)
    RETURNS TABLE (drafts bigint, idempotency_keys bigint)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    purged_drafts bigint;
    purged_keys bigint;
BEGIN
    DELETE FROM service_requests WHERE status = 'draft' AND draft_expires_at < at;
    GET DIAGNOSTICS purged_drafts = ROW_COUNT;
    DELETE FROM idempotency_keys k WHERE k.created_at < at - interval '24 hours';
    GET DIAGNOSTICS purged_keys = ROW_COUNT;
    RETURN QUERY SELECT purged_drafts, purged_keys;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_purge_expired(timestamptz) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION tenantdesk_read_tenants(), tenantdesk_support_audience(),
    tenantdesk_purge_expired(timestamptz) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON request_counters TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON service_requests TO tenantdesk_app;
GRANT SELECT, INSERT ON request_events, request_messages TO tenantdesk_app;
GRANT USAGE ON SEQUENCE request_events_id_seq TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON suggestion_sessions TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO tenantdesk_app;
