-- Unresolved requests in the orders the lists read them, so that a page is read as it stands
-- in an index and the read stops after its rows, however many unresolved requests there are.
-- Without these, a list read every unresolved request of the tenant (or, for the support
-- queues, of every tenant) and sorted them, or walked the tenant's whole history.

-- A tenant's default view: newest first.
CREATE INDEX service_requests_tenant_open_created ON service_requests (tenant_id, created_at DESC, id DESC)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');
-- A tenant's list by last change.
CREATE INDEX service_requests_tenant_open_updated ON service_requests (tenant_id, updated_at DESC, id DESC)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');
-- The support queues across every tenant, most urgent first (a tenant's list by due time reads
-- service_requests_tenant_due, one queue's service_requests_queue).
CREATE INDEX service_requests_open_due ON service_requests (response_due_at, id)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');

-- The counts per status of one queue or one assignee (an engineer's "assigned to me"), in every
-- status: without these, counting them read the whole table (0.6 to 0.7 s for a million
-- requests, even for an engineer with none).
CREATE INDEX service_requests_queue_status ON service_requests (queue_id, status);
CREATE INDEX service_requests_assignee_status ON service_requests (assigned_to, status);

-- The support queues' counts per status, without a filter, are the counts kept per tenant
-- (migration 21) summed over every tenant, as the queues read every tenant's requests:
-- counting the rows took seconds for a million requests.
CREATE POLICY support_scope_read ON service_request_counts FOR SELECT USING ((SELECT tenantdesk_support_scope()));
-- The policies' functions are evaluated once per statement, not once per row (a subquery is
-- an init plan): summing 50,000 count rows took 40 to 100 ms with them evaluated per row,
-- 15 to 26 ms this way.
ALTER POLICY tenant_isolation ON service_request_counts USING (tenant_id = (SELECT tenantdesk_current_tenant()));
ALTER POLICY listed_tenants_read ON service_request_counts USING (tenant_id = ANY ((SELECT tenantdesk_read_tenants())::uuid[]));
