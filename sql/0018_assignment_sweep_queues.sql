-- The assignment sweep's pages also name each request's queue and language: a round that found
-- nobody to take a request of one queue and language skips the others like it without opening
-- a transaction for each (a queue nobody staffs tonight would otherwise cost one transaction per
-- waiting request per round).
DROP FUNCTION tenantdesk_unassigned_requests_after(integer, text, timestamptz, uuid);
CREATE FUNCTION tenantdesk_unassigned_requests_after(p_limit integer, p_severity text, p_due timestamptz, p_id uuid)
    RETURNS TABLE (request_id uuid, tenant_id uuid, severity text, due_at timestamptz, queue_id text, language text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT r.id, r.tenant_id, coalesce(r.severity, 'Z'), coalesce(r.response_due_at, 'infinity'), r.queue_id, r.language
    FROM service_requests r
    WHERE r.assigned_to IS NULL AND r.triaged_at IS NOT NULL
      AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer')
      AND (p_id IS NULL OR (coalesce(r.severity, 'Z'), coalesce(r.response_due_at, 'infinity'), r.id) > (p_severity, p_due, p_id))
    ORDER BY coalesce(r.severity, 'Z'), coalesce(r.response_due_at, 'infinity'), r.id LIMIT p_limit
$$;
REVOKE ALL ON FUNCTION tenantdesk_unassigned_requests_after(integer, text, timestamptz, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_unassigned_requests_after(integer, text, timestamptz, uuid) TO tenantdesk_app;
