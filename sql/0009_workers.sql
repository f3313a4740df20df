-- Work after submission: triage and assignment, first-response monitoring and escalation, and
-- the bookkeeping that makes queue consumers safe to run many times (messages already handled,
-- failures, dead letters).

-- Who works a queue: support engineers and managers of the vendor tenant, the languages they
-- answer in, and their shift as a business-hours calendar (NULL: always on shift).
CREATE TABLE support_queue_members (
    queue_id text NOT NULL REFERENCES support_queues (id) ON DELETE CASCADE,
    admin_id uuid NOT NULL,
    languages text[] NOT NULL CHECK (cardinality(languages) BETWEEN 1 AND 20),
    shift_calendar_id text REFERENCES support_calendars (id),
    active boolean NOT NULL DEFAULT true,
    -- When the queue last gave them a request (ties of open work go to the longest waiting).
    last_assigned_at timestamptz,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_id, admin_id)
);
CREATE INDEX support_queue_members_admin ON support_queue_members (admin_id);

-- The support manager a queue escalates breaches to.
ALTER TABLE support_queues ADD COLUMN manager_id uuid;

ALTER TABLE service_requests
    -- 75 % of the first-response target, counted like the target itself.
    ADD COLUMN response_warn_at timestamptz,
    ADD COLUMN triaged_at timestamptz,
    ADD COLUMN assigned_at timestamptz,
    ADD COLUMN sla_warned_at timestamptz,
    ADD COLUMN sla_breached_at timestamptz;
CREATE INDEX service_requests_sla_warn ON service_requests (response_warn_at)
    WHERE first_response_at IS NULL AND sla_warned_at IS NULL
      AND status IN ('submitted', 'in_progress', 'waiting_for_customer');
CREATE INDEX service_requests_sla_breach ON service_requests (response_due_at)
    WHERE first_response_at IS NULL AND sla_breached_at IS NULL
      AND status IN ('submitted', 'in_progress', 'waiting_for_customer');
CREATE INDEX service_requests_unassigned ON service_requests (queue_id, severity, response_due_at)
    WHERE assigned_to IS NULL AND status IN ('submitted', 'in_progress', 'waiting_for_customer');
CREATE INDEX service_requests_first_response ON service_requests (submitted_at) WHERE status <> 'draft';

-- Messages a consumer has handled, recorded in the transaction of the effect: a redelivered
-- message finds its id here and changes nothing twice. Kept 7 days (housekeeping).
CREATE TABLE consumed_messages (
    consumer text NOT NULL,
    message_id text NOT NULL,
    consumed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX consumed_messages_at ON consumed_messages (consumed_at);

-- The last error of a message a consumer could not handle, so that its dead letter says why.
CREATE TABLE consumer_failures (
    consumer text NOT NULL,
    message_id text NOT NULL,
    attempts integer NOT NULL DEFAULT 1,
    last_error text NOT NULL,
    last_failed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Messages RabbitMQ dead-lettered (delivery limit reached, or rejected), kept for operators to
-- inspect and replay (tenantdesk-admin dead-letters).
CREATE TABLE dead_letters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id text NOT NULL,
    queue text NOT NULL,
    reason text NOT NULL,
    exchange text NOT NULL,
    routing_key text NOT NULL,
    content_type text,
    message_type text,
    headers jsonb NOT NULL DEFAULT '{}',
    body bytea NOT NULL,
    error text,
    attempts integer,
    -- How many times this message had been replayed before this death.
    replay integer NOT NULL DEFAULT 0,
    dead_at timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    replays integer NOT NULL DEFAULT 0,
    UNIQUE (queue, message_id, replay)
);
CREATE INDEX dead_letters_pending ON dead_letters (dead_at) WHERE replayed_at IS NULL;

-- First-response monitoring across tenants: marks up to p_limit open requests whose warning
-- (75 %) or breach (100 %) moment has passed and returns them. Rows are claimed with SKIP LOCKED
-- and marked in the caller's transaction, so monitors running at once never claim the same
-- request, and a claim rolled back (a crash before commit) is claimed again. A breach escalates
-- the request (internal) to its queue's manager. SECURITY DEFINER: it reads every tenant and
-- changes only these columns and the internal timeline entry.
CREATE FUNCTION tenantdesk_claim_sla_events(p_now timestamptz, p_limit integer)
    RETURNS TABLE (kind text, request_id uuid, tenant_id uuid, number bigint, severity text, queue_id text,
                   assigned_to uuid, requested_by uuid, manager_id uuid, due_at timestamptz)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
BEGIN
    RETURN QUERY
    WITH due AS (
        SELECT r.id FROM service_requests r
        WHERE r.first_response_at IS NULL AND r.sla_breached_at IS NULL AND r.response_due_at <= p_now
          AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer')
        ORDER BY r.response_due_at LIMIT p_limit FOR UPDATE SKIP LOCKED
    ), marked AS (
        UPDATE service_requests r SET sla_breached_at = p_now, sla_warned_at = coalesce(r.sla_warned_at, p_now),
            escalated_at = coalesce(r.escalated_at, p_now),
            escalation_reason = coalesce(r.escalation_reason, 'first-response target breached')
        FROM due WHERE r.id = due.id
        RETURNING r.id, r.tenant_id, r.number, r.severity, r.queue_id, r.assigned_to, r.requested_by, r.response_due_at
    )
    SELECT 'breach'::text, m.id, m.tenant_id, m.number, m.severity, m.queue_id, m.assigned_to, m.requested_by, q.manager_id,
           m.response_due_at
    FROM marked m LEFT JOIN support_queues q ON q.id = m.queue_id;

    RETURN QUERY
    WITH due AS (
        SELECT r.id FROM service_requests r
        WHERE r.first_response_at IS NULL AND r.sla_warned_at IS NULL AND r.response_warn_at <= p_now
          AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer')
        ORDER BY r.response_warn_at LIMIT p_limit FOR UPDATE SKIP LOCKED
    ), marked AS (
        UPDATE service_requests r SET sla_warned_at = p_now
        FROM due WHERE r.id = due.id
        RETURNING r.id, r.tenant_id, r.number, r.severity, r.queue_id, r.assigned_to, r.requested_by, r.response_due_at
    )
    SELECT 'warning'::text, m.id, m.tenant_id, m.number, m.severity, m.queue_id, m.assigned_to, m.requested_by, q.manager_id,
           m.response_due_at
    FROM marked m LEFT JOIN support_queues q ON q.id = m.queue_id;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_claim_sla_events(timestamptz, integer) FROM PUBLIC;

-- The open requests assigned to each of these engineers, across tenants (for least-loaded
-- assignment). SECURITY DEFINER: counts only.
CREATE FUNCTION tenantdesk_open_work(p_admins uuid[])
    RETURNS TABLE (admin_id uuid, open_requests bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT a.id, count(r.id) FROM unnest(p_admins) AS a(id)
    LEFT JOIN service_requests r ON r.assigned_to = a.id
        AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer')
    GROUP BY a.id
$$;
REVOKE ALL ON FUNCTION tenantdesk_open_work(uuid[]) FROM PUBLIC;

-- Unassigned open requests across tenants, severity A first, then by due time: what the
-- assignment sweep offers again when engineers come on shift.
CREATE FUNCTION tenantdesk_unassigned_requests(p_limit integer)
    RETURNS TABLE (request_id uuid, tenant_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT r.id, r.tenant_id FROM service_requests r
    WHERE r.assigned_to IS NULL AND r.triaged_at IS NOT NULL
      AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer')
    ORDER BY r.severity, r.response_due_at LIMIT p_limit
$$;
REVOKE ALL ON FUNCTION tenantdesk_unassigned_requests(integer) FROM PUBLIC;

-- Housekeeping: forgets handled message ids after 7 days (a redelivery comes within minutes).
CREATE FUNCTION tenantdesk_purge_consumed(at timestamptz) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    purged bigint;
BEGIN
    DELETE FROM consumed_messages WHERE consumed_at < at - interval '7 days';
    GET DIAGNOSTICS purged = ROW_COUNT;
    DELETE FROM consumer_failures WHERE last_failed_at < at - interval '30 days';
    RETURN purged;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_purge_consumed(timestamptz) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION tenantdesk_claim_sla_events(timestamptz, integer), tenantdesk_open_work(uuid[]),
    tenantdesk_unassigned_requests(integer), tenantdesk_purge_consumed(timestamptz) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON support_queue_members TO tenantdesk_app;
-- Support managers edit queues, members, routing rules and calendars through the API.
GRANT SELECT, INSERT, UPDATE ON support_queues, support_calendars TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON support_queue_routes TO tenantdesk_app;
GRANT SELECT, INSERT, DELETE ON consumed_messages TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON consumer_failures TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON dead_letters TO tenantdesk_app;
GRANT USAGE ON SEQUENCE dead_letters_id_seq TO tenantdesk_app;
