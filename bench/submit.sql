-- The PostgreSQL work of filing one request, as the worker does it, statement for statement:
-- the draft's transaction, the submission's checks (a read-only transaction), then the
-- submission itself, one statement outside any transaction (sql/0020). Run by bench/submit with pgbench as
-- tenantdesk_app (row-level security on), with -D tenant="'<tenant id>'" -D admin="'<administrator
-- id>'" (quoted: pgbench substitutes variables as they are). The event body carries a "bench"
-- key, so bench/submit can delete the events pgbench leaves unpublished.
BEGIN;
SELECT set_config('tenantdesk.tenant_id', :tenant, true), set_config('tenantdesk.audience', 'customer', true),
       set_config('tenantdesk.read_tenant_ids', '', true), set_config('tenantdesk.support_scope', '', true);
SELECT 'enrollment'::text IS NULL OR EXISTS (SELECT 1 FROM support_categories WHERE code = 'enrollment'::text),
       'windows-autopilot'::text IS NULL OR EXISTS (
           SELECT 1 FROM support_features WHERE category_code = 'enrollment'::text AND code = 'windows-autopilot'::text),
       'device-stuck-at-esp'::text IS NULL OR EXISTS (
           SELECT 1 FROM support_symptoms WHERE category_code = 'enrollment'::text
           AND feature_code = 'windows-autopilot'::text AND code = 'device-stuck-at-esp'::text),
       NULL::uuid IS NULL OR EXISTS (SELECT 1 FROM suggestion_sessions WHERE id = NULL::uuid);
WITH r AS (
    INSERT INTO service_requests (
        id, tenant_id, category_code, feature_code, symptom_code, summary, details, severity, language,
        contact_name, contact_email, contact_phone, contact_method, contact_time_zone, contact_country,
        suggestion_session_id, requested_by, requested_by_name, requested_by_tenant, via_relationship, draft_expires_at)
    VALUES (
        gen_random_uuid(), tenantdesk_current_tenant(), 'enrollment', 'windows-autopilot', 'device-stuck-at-esp',
        'Autopilot devices stop at the Enrollment Status Page', 'Every new laptop stops at the ESP.', 'B', 'en', 'Bench',
        'bench@contoso.example', NULL, 'email', NULL, NULL, NULL, :admin, 'Bench', :tenant, NULL,
        now() + make_interval(days => 30))
    RETURNING *
), entry AS (
    INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_admin_id, actor_name, actor_side,
                                via_relationship, data)
    SELECT r.tenant_id, r.id, 'created', 'public', r.requested_by, 'Bench', 'customer', r.via_relationship, '{}'::jsonb
    FROM r
)
SELECT r.id, r.tenant_id, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, r.number,
       r.status, r.category_code, r.feature_code, r.symptom_code, r.summary, r.details, r.severity, r.language,
       r.contact_name, r.contact_email, r.contact_phone, r.contact_method, r.contact_time_zone, r.contact_country,
       r.suggestion_session_id, r.requested_by, r.requested_by_name, r.via_relationship, r.queue_id, r.assigned_to,
       r.assigned_to_name, r.plan, r.response_target_minutes, r.response_due_at, r.response_explanation::text AS explanation,
       r.first_response_at, r.submitted_at, r.resolved_at, r.resolution_summary, r.closed_at, r.draft_expires_at,
       r.created_at, r.updated_at, r.version, r.escalated_at, r.escalation_reason, r.last_public_message_at,
       r.last_public_message_side, quote_literal(r.id::text) AS rid
FROM r \gset
WITH c AS (SELECT * FROM support_categories WHERE code = 'enrollment'),
routed AS (SELECT tenantdesk_route_queue('enrollment', 'en', 'B') AS queue_id)
SELECT c.technical, c.languages, c.plans, q.id, k.id, k.name, k.time_zone, k.weekly_hours::text,
       ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(k.holidays) d), p.support_plan,
       (SELECT d.requires_phone FROM severity_definitions d WHERE d.severity = 'B'),
       (SELECT t.minutes FROM response_targets t WHERE t.plan = p.support_plan AND t.severity = 'B')
FROM c, routed JOIN support_queues q ON q.id = routed.queue_id
LEFT JOIN support_calendars k ON k.id = q.calendar_id
LEFT JOIN (SELECT support_plan FROM tenants WHERE id = tenantdesk_current_tenant()) p ON true;
COMMIT;
BEGIN;
SELECT set_config('tenantdesk.tenant_id', :tenant, true), set_config('tenantdesk.audience', 'customer', true),
       set_config('tenantdesk.read_tenant_ids', '', true), set_config('tenantdesk.support_scope', '', true);
SELECT r.id, r.tenant_id, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, r.number,
       r.status, r.category_code, r.feature_code, r.symptom_code, r.summary, r.details, r.severity, r.language,
       r.contact_name, r.contact_email, r.contact_phone, r.contact_method, r.contact_time_zone, r.contact_country,
       r.suggestion_session_id, r.requested_by, r.requested_by_name, r.via_relationship, r.queue_id, r.assigned_to,
       r.assigned_to_name, r.plan, r.response_target_minutes, r.response_due_at, r.response_explanation::text AS explanation,
       r.first_response_at, r.submitted_at, r.resolved_at, r.resolution_summary, r.closed_at, r.draft_expires_at,
       r.created_at, r.updated_at, r.version, r.escalated_at, r.escalation_reason, r.last_public_message_at,
       r.last_public_message_side
FROM service_requests r WHERE r.id = :rid AND (r.status <> 'draft' OR (NOT false AND r.requested_by = :admin AND r.draft_expires_at > now()));
WITH c AS (SELECT * FROM support_categories WHERE code = 'enrollment'),
routed AS (SELECT tenantdesk_route_queue('enrollment', 'en', 'B') AS queue_id)
SELECT c.technical, c.languages, c.plans, q.id, k.id, k.name, k.time_zone, k.weekly_hours::text,
       ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(k.holidays) d), p.support_plan,
       (SELECT d.requires_phone FROM severity_definitions d WHERE d.severity = 'B'),
       (SELECT t.minutes FROM response_targets t WHERE t.plan = p.support_plan AND t.severity = 'B')
FROM c, routed JOIN support_queues q ON q.id = routed.queue_id
LEFT JOIN support_calendars k ON k.id = q.calendar_id
LEFT JOIN (SELECT support_plan FROM tenants WHERE id = tenantdesk_current_tenant()) p ON true;
COMMIT;
SELECT r.id, r.tenant_id, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, r.number,
       r.status, r.category_code, r.feature_code, r.symptom_code, r.summary, r.details, r.severity, r.language,
       r.contact_name, r.contact_email, r.contact_phone, r.contact_method, r.contact_time_zone, r.contact_country,
       r.suggestion_session_id, r.requested_by, r.requested_by_name, r.via_relationship, r.queue_id, r.assigned_to,
       r.assigned_to_name, r.plan, r.response_target_minutes, r.response_due_at, r.response_explanation::text AS explanation,
       r.first_response_at, r.submitted_at, r.resolved_at, r.resolution_summary, r.closed_at, r.draft_expires_at,
       r.created_at, r.updated_at, r.version, r.escalated_at, r.escalation_reason, r.last_public_message_at,
       r.last_public_message_side
FROM tenantdesk_submit_draft(
    :tenant, 'customer', :version, NULL,
    :rid, 'premier', 'device-management-en', 120, now() + interval '2 hours', now() + interval '90 minutes', '{}'::jsonb,
    now(), :admin, 'Bench', 'customer', NULL, '{"severity": "B"}'::jsonb, 'request.submitted', gen_random_uuid(),
    '{"bench": true}'::jsonb) r;
