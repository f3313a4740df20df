-- Who spoke last on a request's public thread, and when: a list row shows it, so that support
-- sees "the customer replied, waiting on us" without opening each request, and the lists can
-- filter on whose turn it is (`awaiting`). Internal notes do not count: the customer never sees
-- them. Kept by a trigger, whoever writes the message (a worker of the previous release too).
ALTER TABLE service_requests
    ADD COLUMN last_public_message_at timestamptz,
    ADD COLUMN last_public_message_side text CHECK (last_public_message_side IN ('customer', 'support')),
    ADD CHECK ((last_public_message_at IS NULL) = (last_public_message_side IS NULL));

CREATE FUNCTION tenantdesk_note_public_message() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE public.service_requests
    SET last_public_message_at = NEW.created_at, last_public_message_side = NEW.author_side
    WHERE id = NEW.request_id
      AND (last_public_message_at IS NULL OR last_public_message_at <= NEW.created_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER request_messages_public_noted AFTER INSERT ON request_messages
    FOR EACH ROW WHEN (NEW.visibility = 'public') EXECUTE FUNCTION tenantdesk_note_public_message();

-- The requests already there: their latest public message.
UPDATE service_requests r
SET last_public_message_at = m.created_at, last_public_message_side = m.author_side
FROM (
    SELECT DISTINCT ON (request_id) request_id, created_at, author_side
    FROM request_messages
    WHERE visibility = 'public'
    ORDER BY request_id, created_at DESC, id DESC
) m
WHERE m.request_id = r.id;
