-- Submitting a draft. The request's number comes from its tenant's counter row, which stays
-- locked until the transaction commits: every other submission in that tenant waits for it.
-- This function takes the number and, in the same call, writes the submission, its timeline
-- entry and its event (outbox), and returns the submitted row, so the counter is held for this
-- one call and the commit instead of a string of round trips. Numbers stay gap-free: a
-- rolled-back submission gives its number back with everything else.
--
-- SECURITY INVOKER: row-level security applies as for the caller's own statements, under the
-- tenant bound to the transaction. The timeline entry's data and the event body come from the
-- caller without the number; the function adds it (`number`: text in the entry, as every entry's
-- data is text; a number in the event).
CREATE FUNCTION tenantdesk_submit_request(
    p_request uuid, p_plan text, p_queue text, p_target_minutes integer, p_due_at timestamptz, p_warn_at timestamptz,
    p_explanation jsonb, p_submitted_at timestamptz, p_actor uuid, p_actor_name text, p_actor_side text,
    p_via_relationship uuid, p_entry jsonb, p_event_key text, p_event_id uuid, p_event jsonb)
    RETURNS service_requests
    LANGUAGE plpgsql VOLATILE
    SET search_path = public, pg_temp
    AS $$
DECLARE
    v_number bigint;
    v_request service_requests;
BEGIN
    INSERT INTO request_counters (tenant_id, last_number) VALUES (tenantdesk_current_tenant(), 1)
    ON CONFLICT (tenant_id) DO UPDATE SET last_number = request_counters.last_number + 1
    RETURNING last_number INTO v_number;
    UPDATE service_requests SET
        status = 'submitted', number = v_number, plan = p_plan, queue_id = p_queue,
        response_target_minutes = p_target_minutes, response_due_at = p_due_at, response_warn_at = p_warn_at,
        response_explanation = p_explanation, submitted_at = p_submitted_at, draft_expires_at = NULL,
        version = version + 1, updated_at = now()
    WHERE id = p_request AND status = 'draft'
    RETURNING * INTO v_request;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'request % is not a draft of the bound tenant', p_request USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_admin_id, actor_name, actor_side,
                                via_relationship, data)
    VALUES (tenantdesk_current_tenant(), p_request, 'submitted', 'public', p_actor, p_actor_name, p_actor_side,
            p_via_relationship, jsonb_set(p_entry, '{number}', to_jsonb(v_number::text)));
    INSERT INTO outbox_events (routing_key, message_id, body)
    VALUES (p_event_key, p_event_id, jsonb_set(p_event, '{number}', to_jsonb(v_number)));
    RETURN v_request;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_submit_request(uuid, text, text, integer, timestamptz, timestamptz, jsonb, timestamptz,
    uuid, text, text, uuid, jsonb, text, uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_submit_request(uuid, text, text, integer, timestamptz, timestamptz, jsonb, timestamptz,
    uuid, text, text, uuid, jsonb, text, uuid, jsonb) TO tenantdesk_app;
