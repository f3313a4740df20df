-- A tenant's unresolved requests, newest first: the list's default view reads its page from
-- here, 51 rows, however many unresolved requests the tenant has. Without it, the list read
-- every unresolved request of the tenant and sorted them.
CREATE INDEX service_requests_tenant_open_created ON service_requests (tenant_id, created_at DESC, id DESC)
    WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer');
