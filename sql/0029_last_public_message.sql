-- Who spoke last on a request's public thread, and when: a list row shows it, so that support
-- sees "the customer replied, waiting on us" without opening each request, and the lists can
-- filter on whose turn it is (`awaiting`). Internal notes do not count: the customer never sees
-- them. The worker writes both with each public message, in the update of the request that the
-- message makes anyway.
ALTER TABLE service_requests
    ADD COLUMN last_public_message_at timestamptz,
    ADD COLUMN last_public_message_side text CHECK (last_public_message_side IN ('customer', 'support')),
    ADD CHECK ((last_public_message_at IS NULL) = (last_public_message_side IS NULL));

-- The unresolved requests already there, the ones whose turn the lists filter on: their latest
-- public message. Resolved and closed ones show theirs from their next message (a reopening).
-- Each updated row is a new row version (its search column computed again): about 0.2 ms per
-- request with messages on a 2-core machine, so the few open ones rather than the whole history.
UPDATE service_requests r
SET last_public_message_at = m.created_at, last_public_message_side = m.author_side
FROM (
    SELECT DISTINCT ON (request_id) request_id, created_at, author_side
    FROM request_messages
    WHERE visibility = 'public'
    ORDER BY request_id, created_at DESC, id DESC
) m
WHERE m.request_id = r.id AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer');
