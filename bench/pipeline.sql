-- bench/pipeline's setup, run as the schema owner after `seed-demo`: four support engineers in
-- the vendor tenant who work every queue in English and Japanese, and bench_enqueue(), which
-- files submitted requests for Contoso Japan together with their request.submitted events in
-- the outbox, as a submission through the API would.
INSERT INTO tenants (id, kind, display_name, country)
VALUES ('7e1d0000-0000-4000-8000-00000000be01', 'vendor', 'Support', 'JP')
ON CONFLICT DO NOTHING;
INSERT INTO admins (id, tenant_id, name, email, roles)
SELECT ('7e1d0000-0000-4000-8000-0000000be1' || lpad(i::text, 2, '0'))::uuid, t.id, 'Engineer ' || i,
       'engineer' || i || '@bench.tenantdesk.test', '{support_engineer}'
FROM generate_series(1, 4) AS i, (SELECT id FROM tenants WHERE kind = 'vendor') AS t
ON CONFLICT DO NOTHING;
INSERT INTO support_queue_members (queue_id, admin_id, languages)
SELECT q.id, a.id, '{en,ja}' FROM support_queues q, admins a WHERE a.email LIKE 'engineer%@bench.tenantdesk.test'
ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION bench_enqueue(n integer, marker text) RETURNS void LANGUAGE sql AS $$
    WITH base AS (
        SELECT coalesce(max(number), 0) AS last FROM service_requests WHERE tenant_id = '7e1d0000-0000-4000-8000-0000000c0a01'
    ), filed AS (
        INSERT INTO service_requests (
            id, tenant_id, number, status, category_code, summary, severity, language, requested_by, requested_by_name,
            requested_by_tenant, queue_id, plan, response_target_minutes, response_due_at, response_warn_at, submitted_at)
        SELECT gen_random_uuid(), '7e1d0000-0000-4000-8000-0000000c0a01', base.last + i, 'submitted', 'billing', marker,
               (ARRAY['A', 'B', 'C'])[1 + i % 3], 'en', '7e1d0000-0000-4000-8000-0000000a0002', 'Cara',
               '7e1d0000-0000-4000-8000-0000000c0a01', 'billing', 'premier', 240, now() + interval '4 hours',
               now() + interval '3 hours', now()
        FROM base, generate_series(1, n) AS i
        RETURNING id, tenant_id, number, severity
    )
    INSERT INTO outbox_events (routing_key, message_id, body)
    SELECT 'request.submitted', gen_random_uuid(), jsonb_build_object(
        'requestID', id::text, 'tenantID', tenant_id::text, 'number', number, 'status', 'submitted', 'severity', severity,
        'category', 'billing', 'language', 'en', 'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
    FROM filed;
    -- Later submissions through the API number on from here.
    INSERT INTO request_counters (tenant_id, last_number)
    SELECT tenant_id, max(number) FROM service_requests WHERE tenant_id = '7e1d0000-0000-4000-8000-0000000c0a01' GROUP BY 1
    ON CONFLICT (tenant_id) DO UPDATE SET last_number = EXCLUDED.last_number;
$$;
