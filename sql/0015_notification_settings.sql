-- Each administrator's choice of which notifications also come by e-mail (the feed always has
-- them all). No row: every kind by e-mail. Kept in the administrator's home tenant.
CREATE TABLE notification_settings (
    admin_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    email boolean NOT NULL DEFAULT true,
    -- The kinds e-mailed; NULL: all of them.
    email_kinds text[] CHECK (email_kinds <@ ARRAY['message', 'status_changed', 'assigned', 'survey_requested', 'sla_breached',
                                                   'delegation_expiring']),
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE notification_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notification_settings
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());
CREATE POLICY owner_access ON notification_settings TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE ON notification_settings TO tenantdesk_app;
