-- Tenants, administrators, their login identities, and the keys that sign access tokens.
-- Owned by the migration role; the services connect as tenantdesk_app (no ownership, NOBYPASSRLS).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantdesk_app') THEN
        RAISE EXCEPTION 'role tenantdesk_app does not exist: create it before migrating (docs/operations.md)';
    END IF;
END
$$;

-- The tenant bound to the current transaction by set_config('tenantdesk.tenant_id', ..., true);
-- NULL when none is bound, which makes every tenant policy false.
CREATE FUNCTION tenantdesk_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('tenantdesk.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('customer', 'partner', 'vendor')),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    default_language text NOT NULL DEFAULT 'en',
    support_plan text NOT NULL DEFAULT 'professional' CHECK (support_plan IN ('premier', 'professional', 'trial')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now()
);
-- There is one vendor (the support organisation running this installation).
CREATE UNIQUE INDEX tenants_one_vendor ON tenants (kind) WHERE kind = 'vendor';

CREATE TABLE admins (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email text NOT NULL UNIQUE CHECK (email = lower(email)),
    roles text[] NOT NULL CHECK (cardinality(roles) > 0),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admins_tenant ON admins (tenant_id);

-- Email → admin for login, before any tenant is known. Holds no tenant data beyond the ids.
CREATE TABLE login_identities (
    email text PRIMARY KEY CHECK (email = lower(email)),
    admin_id uuid NOT NULL UNIQUE REFERENCES admins (id),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    password_hash text NOT NULL,
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- Ed25519 keys signing access tokens; the newest unretired one signs, all unretired ones verify.
CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    algorithm text NOT NULL DEFAULT 'EdDSA' CHECK (algorithm = 'EdDSA'),
    private_key bytea NOT NULL,
    public_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = tenantdesk_current_tenant())
    WITH CHECK (id = tenantdesk_current_tenant());

ALTER TABLE admins ENABLE ROW LEVEL SECURITY;
ALTER TABLE admins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON admins
    USING (tenant_id = tenantdesk_current_tenant())
    WITH CHECK (tenant_id = tenantdesk_current_tenant());

-- The role running migrations (the schema owner) administers the platform from the admin CLI
-- and sees every row; the services' role sees only the bound tenant's.
CREATE POLICY owner_access ON tenants TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_access ON admins TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT USAGE ON SCHEMA public TO tenantdesk_app;
GRANT EXECUTE ON FUNCTION tenantdesk_current_tenant() TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON tenants, admins TO tenantdesk_app;
GRANT SELECT, INSERT, UPDATE ON login_identities TO tenantdesk_app;
GRANT SELECT, INSERT ON signing_keys TO tenantdesk_app;
GRANT UPDATE (retired_at) ON signing_keys TO tenantdesk_app;

