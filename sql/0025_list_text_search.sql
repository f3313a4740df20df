-- A list's text search (q) read every request of the tenant. Under row-level security
-- PostgreSQL applies a condition whose operator is not leakproof only after the policies, and
-- the text-search match (@@) is not leakproof: it could not use the search index, and matched
-- the stored vector of each of the tenant's requests in turn, the counts per status over the
-- whole history included. For a tenant of 104,000 requests a search took about 220 ms in the
-- database, however rare the words.

-- 1. One index finds a tenant's requests by their words: GIN over (tenant_id, search), the
-- tenant's id through btree_gin (a trusted extension: the database's owner installs it). It
-- serves a search across every tenant (the support queues) as the former index on search alone
-- did, and replaces it.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX service_requests_tenant_search ON service_requests USING gin (tenant_id, search);
DROP INDEX service_requests_search;

-- 2. The requests of the given tenants whose words match a list's text, as row locations for
-- the list's statements to read (r.ctid = ANY (...): a TID scan, the rows read in table order);
-- NULL when they are more than a quarter of those tenants' requests (at least 10,000): reading
-- that many by location costs more than matching every request in turn, which the statements
-- then do instead.
-- SECURITY DEFINER, so that the match is an index condition. Its answer stays within what the
-- policies already let the caller read: in a support-scope transaction the given tenants (NULL:
-- every tenant); otherwise those of the given tenants it is bound to or listed for. The list's
-- statement reads the rows under the policies and applies every other condition itself.
-- STABLE, so the locations are those of the versions the calling statement's snapshot sees.
-- The text is matched as the lists did: English words, or Japanese and Chinese bigrams.
CREATE FUNCTION tenantdesk_request_text_matches(p_tenants uuid[], p_text text) RETURNS tid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    words tsquery := plainto_tsquery('english', p_text) || plainto_tsquery('simple', tenantdesk_cjk_bigrams(p_text));
    tenants uuid[];
    requests bigint;
    most bigint;
    found tid[];
BEGIN
    IF tenantdesk_support_scope() AND p_tenants IS NULL THEN
        requests := (SELECT c.reltuples::bigint FROM pg_class c WHERE c.oid = 'service_requests'::regclass);
        most := greatest(10000, requests / 4);
        found := ARRAY(SELECT r.ctid FROM service_requests r WHERE r.search @@ words LIMIT most + 1);
        RETURN CASE WHEN cardinality(found) > most THEN NULL ELSE found END;
    ELSIF tenantdesk_support_scope() THEN
        tenants := p_tenants;
    ELSIF p_tenants IS NULL THEN
        RETURN '{}';
    ELSE
        tenants := ARRAY(
            SELECT t FROM unnest(p_tenants) t WHERE t = tenantdesk_current_tenant() OR t = ANY (tenantdesk_read_tenants()));
    END IF;
    requests := (SELECT coalesce(sum(c.count), 0) FROM service_request_counts c WHERE c.tenant_id = ANY (tenants));
    most := greatest(10000, requests / 4);
    -- Planned for these tenants on each call: a plan for any tenants would read the tenants'
    -- btree index apart (all of a large tenant's requests) instead of matching both columns in
    -- this index.
    EXECUTE 'SELECT ARRAY(SELECT r.ctid FROM service_requests r WHERE r.tenant_id = ANY ($1) AND r.search @@ $2 LIMIT $3)'
        INTO found USING tenants, words, most + 1;
    RETURN CASE WHEN cardinality(found) > most THEN NULL ELSE found END;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_request_text_matches(uuid[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_request_text_matches(uuid[], text) TO tenantdesk_app;
