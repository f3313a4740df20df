-- The PostgreSQL work of one list read, as the worker does it for a tenant admin opening the
-- default view (unresolved requests, newest first, 50 a page, and the counts per status, from
-- the counts kept per tenant and status plus the admin's own drafts). Run
-- by bench/list with pgbench as tenantdesk_app (row-level security on), with
-- -D tenant=<tenant id> -D admin=<administrator id> in prepared mode (-M prepared, as the worker
-- runs this view), or with the ids quoted as literals in simple mode.
BEGIN;
SELECT set_config('tenantdesk.tenant_id', :tenant, true), set_config('tenantdesk.audience', 'customer', true),
       set_config('tenantdesk.read_tenant_ids', '', true), set_config('tenantdesk.support_scope', '', true);
SELECT r.id, r.tenant_id, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, r.number,
       r.status, r.category_code, r.feature_code, r.symptom_code, r.summary, r.details, r.severity, r.language,
       r.contact_name, r.contact_email, r.contact_phone, r.contact_method, r.contact_time_zone, r.contact_country,
       r.suggestion_session_id, r.requested_by, r.requested_by_name, r.via_relationship, r.queue_id, r.assigned_to,
       r.assigned_to_name, r.plan, r.response_target_minutes, r.response_due_at, NULL::text AS explanation,
       r.first_response_at, r.submitted_at, r.resolved_at, r.resolution_summary, r.closed_at, r.draft_expires_at,
       r.created_at, r.updated_at, r.version, r.escalated_at, r.escalation_reason, r.last_public_message_at,
       r.last_public_message_side,
       (extract(epoch FROM r.created_at) * 1000000)::bigint AS sort_key
FROM service_requests r
WHERE r.tenant_id = tenantdesk_current_tenant() AND (r.status <> 'draft' OR (r.requested_by = :admin AND r.draft_expires_at > now()))
  AND r.status = ANY('{submitted,in_progress,waiting_for_customer}')
ORDER BY r.created_at DESC, r.id DESC LIMIT 51;
SELECT c.status, sum(c.count)::int FROM service_request_counts c WHERE c.tenant_id = tenantdesk_current_tenant() AND c.count > 0
GROUP BY c.status
UNION ALL
SELECT r.status, count(*)::int FROM service_requests r
WHERE r.tenant_id = tenantdesk_current_tenant() AND r.status = 'draft' AND r.requested_by = :admin AND r.draft_expires_at > now()
GROUP BY r.status;
COMMIT;
