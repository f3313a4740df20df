-- The data of bench/list: customer tenants beside the demo ones until there are :tenants, and
-- :per requests in each (1,000,000 with the defaults), a tenth of them open. Run as the schema
-- owner with psql -v tenants=10000 -v per=100. Requests are written as submitted or finished,
-- numbered from 1,000,001 in each tenant (apart from anything the demo filed), answered and
-- assigned, so that the SLA monitor and the assignment sweep leave them alone.
INSERT INTO tenants (id, kind, display_name, country, default_language, support_plan)
SELECT gen_random_uuid(), 'customer', 'Bench customer ' || g, 'JP', 'en', 'professional'
FROM generate_series(1, greatest(0, :tenants - (SELECT count(*) FROM tenants WHERE kind = 'customer'))) AS g;

INSERT INTO service_requests (
    id, tenant_id, number, status, category_code, summary, severity, language, contact_name, contact_email,
    contact_method, requested_by, requested_by_name, requested_by_tenant, plan, response_target_minutes,
    response_due_at, response_explanation, first_response_at, submitted_at, resolved_at, closed_at, created_at, updated_at,
    triaged_at, assigned_to, assigned_to_name, assigned_at)
SELECT gen_random_uuid(), t.id, 1000000 + g,
       (ARRAY['submitted', 'in_progress', 'waiting_for_customer', 'resolved', 'closed', 'closed', 'closed', 'closed',
              'closed', 'closed'])[1 + g % 10],
       'billing', 'Bench request ' || g, (ARRAY['A', 'B', 'C'])[1 + g % 3], 'en', 'Bench', 'bench@example.com', 'email',
       coalesce((SELECT a.id FROM admins a WHERE a.tenant_id = t.id LIMIT 1), t.id), 'Bench', t.id, 'professional', 240,
       now() - make_interval(mins => g * 97) + interval '4 hours',
       jsonb_build_object(
           'policy', 'professional plan, severity B: first response within 4 h',
           'clock', 'around the clock (no business-hours calendar configured)',
           'startedAt', to_char((now() - make_interval(mins => g * 97)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           'pausedMinutes', 0,
           'steps', jsonb_build_array('submitted ' || to_char(now() - make_interval(mins => g * 97), 'Dy YYYY-MM-DD HH24:MI'),
                                      'due ' || to_char(now() - make_interval(mins => g * 97) + interval '4 hours', 'Dy YYYY-MM-DD HH24:MI'))),
       now() - make_interval(mins => g * 97) + interval '30 minutes',
       now() - make_interval(mins => g * 97),
       CASE WHEN g % 10 >= 3 THEN now() - make_interval(mins => g * 97) + interval '1 day' END,
       CASE WHEN g % 10 >= 4 THEN now() - make_interval(mins => g * 97) + interval '2 days' END,
       now() - make_interval(mins => g * 97), now() - make_interval(mins => g * 97) + interval '1 hour',
       now() - make_interval(mins => g * 97), '00000000-0000-4000-8000-00000000be0c', 'Bench Engineer',
       now() - make_interval(mins => g * 97)
FROM (SELECT id FROM tenants WHERE kind = 'customer' ORDER BY created_at, id LIMIT :tenants) AS t
CROSS JOIN generate_series(1, :per) AS g;

ANALYZE tenants;
ANALYZE service_requests;
