-- Webhook fan-out in one call. The event's tenant is bound for the rest of the caller's
-- transaction (with no explicit transaction: for this statement alone), then one pending
-- delivery is added per active webhook of that tenant subscribed to the event type. A webhook
-- that already has its delivery of the event gets none (`webhook_deliveries_once`), so calling
-- again for the same event adds nothing: the fan-out needs no transaction and no record of the
-- events it handled. Returns how many deliveries it added.
--
-- SECURITY INVOKER: row-level security applies under the tenant it binds, as for the caller's own
-- statements.
CREATE FUNCTION tenantdesk_fan_out_event(p_tenant uuid, p_event_id text, p_event_type text, p_payload text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = public, pg_temp
    AS $$
DECLARE
    v_created integer;
BEGIN
    PERFORM set_config('tenantdesk.tenant_id', p_tenant::text, true);
    INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event_type, payload)
    SELECT gen_random_uuid(), w.tenant_id, w.id, p_event_id, p_event_type, p_payload
    FROM webhooks w
    WHERE w.active AND p_event_type = ANY (w.event_types)
    ON CONFLICT (webhook_id, event_id) WHERE redelivery_of IS NULL DO NOTHING;
    GET DIAGNOSTICS v_created = ROW_COUNT;
    RETURN v_created;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_fan_out_event(uuid, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_fan_out_event(uuid, text, text, text) TO tenantdesk_app;
