-- A list's text search asks tenantdesk_request_text_matches (migration 25) for the locations of
-- the matching rows. When they are too many to read by location, the function answered NULL (the
-- list's statement then matches the rows in turn) only after reading that many: for a word in
-- every one of a million requests, the support queues' search across every tenant read 250,000
-- locations in about a third of a second, once for the page and once for the counts. For that
-- search it now asks the planner first. When the search column's statistics put the matches at
-- more than twice that many, it answers NULL without reading them. Below that, or without
-- statistics yet, it reads them as before: the answer for the words of a few requests is the
-- same, and a NULL only makes the statement match the rows in turn, which finds the same rows.
-- A search in some tenants does not ask: the statistics cover every tenant, and the planner takes
-- a tenant's requests and their words as independent, so a word common elsewhere but rare in
-- those tenants would be taken for a common one there.

-- Whether the planner expects more than twice p_most requests (of every tenant) to match p_words.
-- VOLATILE because PostgreSQL allows EXPLAIN in volatile functions only; it reads no rows (the
-- calling function's snapshot, and so the locations it returns, are unaffected). Called by
-- tenantdesk_request_text_matches, as its owner: no grant, as the statistics cover every tenant.
CREATE FUNCTION tenantdesk_request_text_many(p_words tsquery, p_most bigint) RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = public, pg_temp
    AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM service_requests r WHERE r.search @@ $1' INTO plan USING p_words;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8 > 2 * p_most;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_request_text_many(tsquery, bigint) FROM PUBLIC;

-- As in migration 25, the search across every tenant asking the planner first. Up to 20,000
-- requests in all, the estimate could not pass twice the 10,000 it reads at most, and without
-- statistics (reltuples -1) there is nothing to ask: it is not asked.
CREATE OR REPLACE FUNCTION tenantdesk_request_text_matches(p_tenants uuid[], p_text text) RETURNS tid[]
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
    ELSE
        IF tenantdesk_support_scope() THEN
            tenants := p_tenants;
        ELSIF p_tenants IS NULL THEN
            RETURN '{}';
        ELSE
            tenants := ARRAY(
                SELECT t FROM unnest(p_tenants) t WHERE t = tenantdesk_current_tenant() OR t = ANY (tenantdesk_read_tenants()));
        END IF;
        requests := (SELECT coalesce(sum(c.count), 0) FROM service_request_counts c WHERE c.tenant_id = ANY (tenants));
    END IF;
    most := greatest(10000, requests / 4);
    IF tenants IS NULL THEN
        -- Every tenant: the statistics fit the search.
        IF requests > 2 * most AND tenantdesk_request_text_many(words, most) THEN
            RETURN NULL;
        END IF;
        found := ARRAY(SELECT r.ctid FROM service_requests r WHERE r.search @@ words LIMIT most + 1);
    ELSE
        -- Planned for these tenants on each call: a plan for any tenants would read the tenants'
        -- btree index apart (all of a large tenant's requests) instead of matching both columns in
        -- this index.
        EXECUTE 'SELECT ARRAY(SELECT r.ctid FROM service_requests r WHERE r.tenant_id = ANY ($1) AND r.search @@ $2 LIMIT $3)'
            INTO found USING tenants, words, most + 1;
    END IF;
    RETURN CASE WHEN cardinality(found) > most THEN NULL ELSE found END;
END
$$;
