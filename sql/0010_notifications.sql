-- The notification feed: what concerns an administrator (a message or a status change on a
-- request they filed or work, an assignment, a survey to answer, a breach to handle), kept per
-- recipient in the recipient's home tenant.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    recipient_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('message', 'status_changed', 'assigned', 'survey_requested', 'sla_breached')),
    request_id uuid NOT NULL,
    request_tenant_id uuid NOT NULL,
    request_number bigint,
    summary text,
    detail text,
    source_message_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    UNIQUE (recipient_id, source_message_id, kind)
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notifications
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY owner_access ON notifications TO CURRENT_USER USING (true) WITH CHECK (true);

-- The home tenant of an active administrator (NULL otherwise): the notification consumer binds
-- it before writing a recipient's notification. SECURITY DEFINER: one id, nothing else.
CREATE FUNCTION tenantdesk_admin_home(p_admin uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$ SELECT a.tenant_id FROM admins a WHERE a.id = p_admin AND a.status = 'active' $$;
REVOKE ALL ON FUNCTION tenantdesk_admin_home(uuid) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION tenantdesk_admin_home(uuid) TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON notifications TO tenantdesk_app;
