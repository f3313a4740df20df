-- Submitting a draft in one statement of its own, outside any explicit transaction, so that
-- PostgreSQL commits as soon as the statement ends. The tenant's counter row (see 0017) is then
-- held for the time PostgreSQL needs and no longer: not across a round trip to the worker for
-- the COMMIT, which on a busy machine waits for the worker to be scheduled while every other
-- submission in the tenant waits on the counter.
--
-- The worker reads the draft and computes the target beforehand, in a read-only transaction;
-- this function binds the tenant and audience for its own transaction, locks the draft, and
-- submits it only if it is still that draft (same version, still a draft, not expired).
-- Otherwise it returns no row and changes nothing: the worker reads again and decides anew.
-- Submitting after the suggestions records that they did not stop the request (the session's
-- outcome `continued`), in the same transaction.
--
-- SECURITY INVOKER: row-level security applies under the tenant it binds.
CREATE FUNCTION tenantdesk_submit_draft(
    p_tenant uuid, p_audience text, p_version integer, p_suggestion_session uuid,
    p_request uuid, p_plan text, p_queue text, p_target_minutes integer, p_due_at timestamptz, p_warn_at timestamptz,
    p_explanation jsonb, p_submitted_at timestamptz, p_actor uuid, p_actor_name text, p_actor_side text,
    p_via_relationship uuid, p_entry jsonb, p_event_key text, p_event_id uuid, p_event jsonb)
    RETURNS SETOF service_requests
    LANGUAGE plpgsql VOLATILE
    SET search_path = public, pg_temp
    AS $$
DECLARE
    v_request service_requests;
BEGIN
    PERFORM set_config('tenantdesk.tenant_id', p_tenant::text, true), set_config('tenantdesk.audience', p_audience, true);
    PERFORM 1 FROM service_requests
    WHERE id = p_request AND status = 'draft' AND version = p_version AND draft_expires_at > now()
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF p_suggestion_session IS NOT NULL THEN
        UPDATE suggestion_sessions SET outcome = 'continued', decided_at = now()
        WHERE id = p_suggestion_session AND outcome IS NULL;
    END IF;
    v_request := tenantdesk_submit_request(
        p_request, p_plan, p_queue, p_target_minutes, p_due_at, p_warn_at, p_explanation, p_submitted_at, p_actor,
        p_actor_name, p_actor_side, p_via_relationship, p_entry, p_event_key, p_event_id, p_event);
    RETURN NEXT v_request;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_submit_draft(uuid, text, integer, uuid, uuid, text, text, integer, timestamptz, timestamptz,
    jsonb, timestamptz, uuid, text, text, uuid, jsonb, text, uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_submit_draft(uuid, text, integer, uuid, uuid, text, text, integer, timestamptz, timestamptz,
    jsonb, timestamptz, uuid, text, text, uuid, jsonb, text, uuid, jsonb) TO tenantdesk_app;
