-- A webhook a partner admin registers in a customer tenant through a delegation sends that
-- tenant's request events to an address of the partner's choosing. It now records the
-- relationship it was registered through, and the fan-out creates deliveries for it only while
-- that relationship is in force: active, and not past its end unless it renews itself (the rule
-- decisions apply by the clock). Once the relationship is terminated or expires, the partner's
-- endpoint receives nothing more. The webhook stays in the customer's list, where its admins can
-- see who registered it and delete it. Webhooks registered before this migration, and those of
-- the tenant's own admins, are not tied to a relationship and are delivered as before.
ALTER TABLE webhooks ADD COLUMN via_relationship uuid REFERENCES partner_relationships (id);

CREATE OR REPLACE FUNCTION tenantdesk_fan_out_event(p_tenant uuid, p_event_id text, p_event_type text, p_payload text)
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
      AND (w.via_relationship IS NULL OR EXISTS (
          SELECT 1 FROM partner_relationships r
          WHERE r.id = w.via_relationship AND r.status = 'active' AND r.ends_at IS NOT NULL
            AND (r.auto_extend OR r.ends_at > now())))
    ON CONFLICT (webhook_id, event_id) WHERE redelivery_of IS NULL DO NOTHING;
    GET DIAGNOSTICS v_created = ROW_COUNT;
    RETURN v_created;
END
$$;
