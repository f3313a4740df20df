-- An engineer can give a request back to its queue (or a support manager can take it off them):
-- the request waits unassigned again, and the assignment sweep offers it to the queue's other
-- engineers. The one who had it is remembered here until someone else takes or is given the
-- request, so that the sweep does not hand it straight back. Nullable without a default: adding
-- it rewrites nothing.
ALTER TABLE service_requests ADD COLUMN released_from uuid;

COMMENT ON COLUMN service_requests.released_from IS
    'The engineer the request was last released from while it waits unassigned; the assignment sweep passes over them.';
