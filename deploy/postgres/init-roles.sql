-- Runs once, on the first start of an empty data volume, as the superuser
-- (POSTGRES_USER) via /docker-entrypoint-initdb.d. Later changes to this file
-- need `docker compose down -v` (which deletes the data) to take effect.
--
-- Two login roles:
--   tenantdesk_owner  owns the database and schema; used only by migrations
--                     (`tenantdesk-admin`, TD_DATABASE_OWNER_URL).
--   tenantdesk_app    what the services connect as (TD_DATABASE_URL). Not an
--                     owner and NOBYPASSRLS, so row-level security policies
--                     apply to it; it gets privileges only from migrations.
--
-- The passwords are development defaults matching docker-compose.yml.

\set ON_ERROR_STOP on

CREATE ROLE tenantdesk_owner
    WITH LOGIN PASSWORD 'tenantdesk_owner'
    CREATEDB NOCREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS;

CREATE ROLE tenantdesk_app
    WITH LOGIN PASSWORD 'tenantdesk_app'
    NOCREATEDB NOCREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS;

CREATE DATABASE tenantdesk OWNER tenantdesk_owner;

-- Only the two TenantDesk roles (and superusers) may connect.
REVOKE ALL ON DATABASE tenantdesk FROM PUBLIC;
GRANT CONNECT ON DATABASE tenantdesk TO tenantdesk_app;

\connect tenantdesk

-- The owner creates the objects; the app role may only look names up in the
-- schema. Table and sequence privileges for tenantdesk_app are granted by the
-- migrations, next to the tables and policies they concern.
ALTER SCHEMA public OWNER TO tenantdesk_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tenantdesk_app;
