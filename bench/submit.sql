-- The PostgreSQL work of filing one request, as the worker does it: the draft's transaction,
-- then the submission's. Run by bench/submit with pgbench as tenantdesk_app (row-level
-- security on), with -D tenant="'<tenant id>'" -D admin="'<administrator id>'" (quoted: pgbench
-- substitutes variables as they are).
BEGIN;
SELECT set_config('tenantdesk.tenant_id', :tenant, true), set_config('tenantdesk.audience', 'customer', true),
       set_config('tenantdesk.read_tenant_ids', '', true), set_config('tenantdesk.support_scope', '', true);
SELECT EXISTS (SELECT 1 FROM support_categories WHERE code = 'enrollment'),
       EXISTS (SELECT 1 FROM support_features WHERE category_code = 'enrollment' AND code = 'windows-autopilot'),
       EXISTS (SELECT 1 FROM support_symptoms WHERE category_code = 'enrollment' AND feature_code = 'windows-autopilot'
               AND code = 'device-stuck-at-esp');
INSERT INTO service_requests (id, tenant_id, category_code, feature_code, symptom_code, summary, details, severity, language,
                              contact_name, contact_email, contact_method, requested_by, requested_by_name,
                              requested_by_tenant, draft_expires_at)
VALUES (gen_random_uuid(), tenantdesk_current_tenant(), 'enrollment', 'windows-autopilot', 'device-stuck-at-esp',
        'Autopilot devices stop at the Enrollment Status Page', 'Every new laptop stops at the ESP.', 'B', 'en',
        'Bench', 'bench@contoso.example', 'email', :admin, 'Bench', :tenant, now() + interval '30 days')
RETURNING quote_literal(id::text) AS rid \gset
INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_admin_id, actor_name, actor_side, data)
VALUES (tenantdesk_current_tenant(), :rid, 'created', 'public', :admin, 'Bench', 'customer', '{}');
SELECT r.*, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) FROM service_requests r WHERE r.id = :rid;
SELECT c.technical, q.id, k.weekly_hours::text FROM support_categories c JOIN support_queues q ON q.id = c.queue_id
       LEFT JOIN support_calendars k ON k.id = q.calendar_id WHERE c.code = 'enrollment';
SELECT support_plan FROM tenants WHERE id = tenantdesk_current_tenant();
SELECT d.requires_phone, t.minutes FROM severity_definitions d JOIN response_targets t ON t.severity = d.severity
       AND t.plan = 'premier' WHERE d.severity = 'B';
COMMIT;
BEGIN;
SELECT set_config('tenantdesk.tenant_id', :tenant, true), set_config('tenantdesk.audience', 'customer', true),
       set_config('tenantdesk.read_tenant_ids', '', true), set_config('tenantdesk.support_scope', '', true);
SELECT r.*, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) FROM service_requests r
       WHERE r.id = :rid FOR UPDATE OF r;
SELECT c.technical, q.id, k.weekly_hours::text FROM support_categories c JOIN support_queues q ON q.id = c.queue_id
       LEFT JOIN support_calendars k ON k.id = q.calendar_id WHERE c.code = 'enrollment';
SELECT support_plan FROM tenants WHERE id = tenantdesk_current_tenant();
SELECT d.requires_phone, t.minutes FROM severity_definitions d JOIN response_targets t ON t.severity = d.severity
       AND t.plan = 'premier' WHERE d.severity = 'B';
INSERT INTO request_counters (tenant_id, last_number) VALUES (tenantdesk_current_tenant(), 1)
ON CONFLICT (tenant_id) DO UPDATE SET last_number = request_counters.last_number + 1 RETURNING last_number AS num \gset
UPDATE service_requests SET status = 'submitted', number = :num, plan = 'premier', queue_id = 'device-management-en',
       response_target_minutes = 120, response_due_at = now() + interval '2 hours', response_explanation = '{}'::jsonb,
       submitted_at = now(), draft_expires_at = NULL, version = version + 1, updated_at = now()
WHERE id = :rid;
INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_admin_id, actor_name, actor_side, data)
VALUES (tenantdesk_current_tenant(), :rid, 'submitted', 'public', :admin, 'Bench', 'customer', '{}');
SELECT r.*, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) FROM service_requests r WHERE r.id = :rid;
INSERT INTO outbox_events (routing_key, message_id, body) VALUES ('request.submitted', gen_random_uuid(), '{}'::jsonb);
COMMIT;
