-- The role service keeps the facts of recent authorization decisions in memory. Every change to
-- those facts, however it is made (a role service, the admin CLI, a job, a hand-written UPDATE),
-- notifies the channel `tenantdesk_authz` when its transaction commits; each role service
-- listens and drops what it holds. Columns that do not decide anything (an API key's
-- last-used time, a relationship's audit columns) do not notify.
CREATE FUNCTION tenantdesk_notify_authorization_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tenantdesk_authz', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER authorization_facts_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();
CREATE TRIGGER authorization_facts_updated AFTER UPDATE OF kind, status ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();

CREATE TRIGGER authorization_facts_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE ON admins
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();
CREATE TRIGGER authorization_facts_updated AFTER UPDATE OF tenant_id, roles, status ON admins
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();

CREATE TRIGGER authorization_facts_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();
CREATE TRIGGER authorization_facts_updated AFTER UPDATE OF admin_id, roles, expires_at, revoked_at ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();

CREATE TRIGGER authorization_facts_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE ON partner_relationships
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();
CREATE TRIGGER authorization_facts_updated
    AFTER UPDATE OF partner_tenant_id, customer_tenant_id, roles, status, ends_at, auto_extend ON partner_relationships
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();

CREATE TRIGGER authorization_facts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON relationship_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION tenantdesk_notify_authorization_change();

-- An API key's expiry is now returned rather than compared with now(): facts held in memory
-- are judged against the clock at each decision, like a relationship's end.
DROP FUNCTION tenantdesk_authorization_facts(uuid, uuid, uuid, uuid);
CREATE FUNCTION tenantdesk_authorization_facts(p_admin uuid, p_home uuid, p_target uuid, p_api_key uuid)
RETURNS TABLE (
    admin_active boolean, admin_roles text[], home_kind text, home_active boolean,
    target_kind text, target_active boolean, api_key_roles text[], api_key_valid boolean,
    api_key_expires_at double precision, delegations jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT
        coalesce(a.status = 'active', false), coalesce(a.roles, '{}'),
        h.kind, coalesce(h.status = 'active', false),
        t.kind, coalesce(t.status = 'active', false),
        k.roles,
        p_api_key IS NULL OR (k.id IS NOT NULL AND k.revoked_at IS NULL),
        extract(epoch FROM k.expires_at)::double precision,
        coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                'id', r.id, 'status', r.status, 'ends_at', extract(epoch FROM r.ends_at),
                'auto_extend', r.auto_extend, 'roles', coalesce(ra.roles, '{}')))
            FROM partner_relationships r
            LEFT JOIN relationship_assignments ra ON ra.relationship_id = r.id AND ra.admin_id = p_admin
            WHERE r.partner_tenant_id = p_home AND r.customer_tenant_id = p_target), '[]'::jsonb)
    FROM (SELECT 1) one
    LEFT JOIN admins a ON a.id = p_admin AND a.tenant_id = p_home
    LEFT JOIN tenants h ON h.id = p_home
    LEFT JOIN tenants t ON t.id = p_target
    LEFT JOIN api_keys k ON k.id = p_api_key AND k.admin_id = p_admin
$$;
REVOKE ALL ON FUNCTION tenantdesk_authorization_facts(uuid, uuid, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_authorization_facts(uuid, uuid, uuid, uuid) TO tenantdesk_app;
