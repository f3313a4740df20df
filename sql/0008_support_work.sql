-- The support side of service requests: the queue view across customer tenants, assignment,
-- escalation, severity changes (proposed by the customer, decided by support) and satisfaction
-- surveys.

-- Whether the transaction works the support queues (set_config('tenantdesk.support_scope',
-- 'all', true)): then every customer's requests may be read. The worker sets it only when the
-- gateway's decision allowed support.work in the vendor tenant.
CREATE FUNCTION tenantdesk_support_scope() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('tenantdesk.support_scope', true), '') = 'all' $$;

CREATE POLICY support_scope_read ON service_requests FOR SELECT USING (tenantdesk_support_scope());
CREATE POLICY support_scope_read ON tenants FOR SELECT USING (tenantdesk_support_scope());

ALTER TABLE service_requests
    ADD COLUMN escalated_at timestamptz,
    ADD COLUMN escalated_by uuid,
    ADD COLUMN escalation_reason text CHECK (length(escalation_reason) <= 2000),
    ADD COLUMN severity_rebaselined_at timestamptz;
CREATE INDEX service_requests_queue ON service_requests (queue_id, response_due_at)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');
CREATE INDEX service_requests_assignee ON service_requests (assigned_to, response_due_at)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');

-- Routing: the first rule (by position) whose set columns all match a request names its queue;
-- a request no rule matches goes to its category's queue. Rules are data, so the support
-- organisation changes routing without a release.
CREATE TABLE support_queue_routes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position integer NOT NULL,
    category_code text REFERENCES support_categories (code),
    category_group text CHECK (category_group IN ('billing', 'device-management', 'more')),
    language text,
    severity text CHECK (severity IN ('A', 'B', 'C')),
    queue_id text NOT NULL REFERENCES support_queues (id)
);
CREATE INDEX support_queue_routes_position ON support_queue_routes (position, id);
-- Japanese device-management requests go to the Tokyo queue (and its business hours).
INSERT INTO support_queue_routes (position, category_group, language, queue_id)
VALUES (100, 'device-management', 'ja', 'device-management-ja');
GRANT SELECT ON support_queue_routes TO tenantdesk_app;

-- The queue a request of this category, language and severity goes to (NULL arguments match
-- only rules that leave that column open); NULL for an unknown category.
CREATE FUNCTION tenantdesk_route_queue(p_category text, p_language text, p_severity text) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce((
        SELECT r.queue_id FROM support_queue_routes r
        WHERE (r.category_code IS NULL OR r.category_code = c.code)
          AND (r.category_group IS NULL OR r.category_group = c.group_name)
          AND (r.language IS NULL OR r.language = p_language)
          AND (r.severity IS NULL OR r.severity = p_severity)
        ORDER BY r.position, r.id LIMIT 1), c.queue_id)
    FROM support_categories c WHERE c.code = p_category
$$;
GRANT EXECUTE ON FUNCTION tenantdesk_route_queue(text, text, text) TO tenantdesk_app;

-- The name of an active administrator of the vendor tenant holding a support role; nothing for
-- anyone else. SECURITY DEFINER: the worker, bound to a customer tenant, checks an assignee.
CREATE FUNCTION tenantdesk_support_member(p_admin uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT a.name FROM admins a JOIN tenants t ON t.id = a.tenant_id
    WHERE a.id = p_admin AND t.kind = 'vendor' AND a.status = 'active'
      AND a.roles && ARRAY['support_engineer', 'support_manager']
$$;
REVOKE ALL ON FUNCTION tenantdesk_support_member(uuid) FROM PUBLIC;

-- Severity changes: support changes a severity at once; a customer proposes, support accepts
-- or declines. An accepted change re-baselines the first-response target.
CREATE TABLE severity_changes (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    request_id uuid NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    from_severity text NOT NULL CHECK (from_severity IN ('A', 'B', 'C')),
    to_severity text NOT NULL CHECK (to_severity IN ('A', 'B', 'C')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    status text NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined', 'applied')),
    requested_by uuid NOT NULL,
    requested_by_name text NOT NULL,
    requested_side text NOT NULL CHECK (requested_side IN ('customer', 'support')),
    via_relationship uuid,
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by uuid,
    decided_by_name text,
    decision_reason text CHECK (length(decision_reason) <= 2000),
    decided_at timestamptz,
    CHECK (from_severity <> to_severity)
);
CREATE INDEX severity_changes_request ON severity_changes (request_id, requested_at);
-- At most one open proposal per request.
CREATE UNIQUE INDEX severity_changes_one_proposal ON severity_changes (request_id) WHERE status = 'proposed';

-- Satisfaction: one answer per resolved request, by its requester.
CREATE TABLE request_surveys (
    request_id uuid PRIMARY KEY REFERENCES service_requests (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment text CHECK (length(comment) <= 5000),
    queue_id text,
    engineer_id uuid,
    engineer_name text,
    answered_by uuid NOT NULL,
    answered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_surveys_answered ON request_surveys (answered_at);

ALTER TABLE severity_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE severity_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON severity_changes
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY owner_access ON severity_changes TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE request_surveys ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_surveys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_surveys
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY support_scope_read ON request_surveys FOR SELECT USING (tenantdesk_support_scope());
-- The deflection figures read every tenant's suggestion sessions, in the support scope only.
CREATE POLICY support_scope_read ON suggestion_sessions FOR SELECT USING (tenantdesk_support_scope());
CREATE POLICY owner_access ON request_surveys TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT EXECUTE ON FUNCTION tenantdesk_support_scope(), tenantdesk_support_member(uuid) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON severity_changes TO tenantdesk_app;
GRANT SELECT, INSERT ON request_surveys TO tenantdesk_app;
