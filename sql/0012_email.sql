-- E-mail notifications: one message per notification when the worker has an SMTP server
-- (TD_SMTP_URL), written in the transaction of the notification and sent afterwards, with
-- retries, so that nothing is lost when the SMTP server or the worker is away.
CREATE TABLE email_messages (
    id uuid PRIMARY KEY,
    -- The recipient's home tenant (row-level security), as for the notification.
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    recipient_id uuid NOT NULL,
    notification_id uuid NOT NULL,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'sent', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until timestamptz,
    last_error text,
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (notification_id)
);
CREATE INDEX email_messages_due ON email_messages (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX email_messages_created ON email_messages (created_at);

ALTER TABLE email_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_messages
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY owner_access ON email_messages TO CURRENT_USER USING (true) WITH CHECK (true);

-- Claims up to p_limit due messages across tenants, each with a lease and one more attempt.
CREATE FUNCTION tenantdesk_claim_email_messages(p_now timestamptz, p_limit integer, p_lease_ms integer)
    RETURNS TABLE (id uuid, tenant_id uuid, to_address text, subject text, body text, attempts integer)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    WITH picked AS (
        SELECT m.id FROM email_messages m
        WHERE m.status IN ('pending', 'retrying') AND m.next_attempt_at <= p_now
          AND (m.leased_until IS NULL OR m.leased_until <= p_now)
        ORDER BY m.next_attempt_at LIMIT p_limit
        FOR UPDATE SKIP LOCKED
    )
    UPDATE email_messages m
    SET leased_until = p_now + make_interval(secs => p_lease_ms / 1000.0), attempts = m.attempts + 1
    FROM picked WHERE m.id = picked.id
    RETURNING m.id, m.tenant_id, m.to_address, m.subject, m.body, m.attempts
$$;
REVOKE ALL ON FUNCTION tenantdesk_claim_email_messages(timestamptz, integer, integer) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION tenantdesk_claim_email_messages(timestamptz, integer, integer) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON email_messages TO tenantdesk_app;

-- Housekeeping: e-mails sent or given up, and webhook deliveries that succeeded, are kept 30
-- days; dead webhook deliveries 90 days (someone may still redeliver them).
CREATE FUNCTION tenantdesk_purge_deliveries(at timestamptz) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    mails bigint;
    hooks bigint;
BEGIN
    DELETE FROM email_messages WHERE status IN ('sent', 'dead') AND created_at < at - interval '30 days';
    GET DIAGNOSTICS mails = ROW_COUNT;
    DELETE FROM webhook_deliveries
    WHERE (status = 'succeeded' AND created_at < at - interval '30 days')
       OR (status = 'dead' AND created_at < at - interval '90 days');
    GET DIAGNOSTICS hooks = ROW_COUNT;
    RETURN mails + hooks;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_purge_deliveries(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_purge_deliveries(timestamptz) TO tenantdesk_app;
