-- Attachments of service requests (screenshots, logs, documents): stored in PostgreSQL with
-- their SHA-256, under the same row-level security as the messages (internal attachments are
-- visible to support only).

CREATE TABLE request_attachments (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    request_id uuid NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    media_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    content bytea NOT NULL,
    uploaded_by uuid NOT NULL,
    uploaded_by_name text NOT NULL,
    uploader_side text NOT NULL CHECK (uploader_side IN ('customer', 'support')),
    via_relationship uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (visibility = 'public' OR uploader_side = 'support'),
    CHECK (length(content) = size_bytes)
);
CREATE INDEX request_attachments_request ON request_attachments (request_id, created_at);
-- Content is read only on download; keep it out of line and uncompressed (most of it is
-- already compressed: images, archives).
ALTER TABLE request_attachments ALTER COLUMN content SET STORAGE EXTERNAL;

ALTER TABLE request_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_attachments
    USING (tenant_id = tenantdesk_current_tenant() AND (visibility = 'public' OR tenantdesk_support_audience()))
    WITH CHECK (tenant_id = tenantdesk_current_tenant() AND (visibility = 'public' OR tenantdesk_support_audience()));
CREATE POLICY owner_access ON request_attachments TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT SELECT, INSERT ON request_attachments TO tenantdesk_app;

-- The bytes attached to each request, internal ones included, for the per-request limit.
ALTER TABLE service_requests ADD COLUMN attachment_bytes bigint NOT NULL DEFAULT 0 CHECK (attachment_bytes >= 0);
