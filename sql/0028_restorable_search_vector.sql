-- A database dump restores: pg_dump's script runs with an empty search_path, and computing a
-- stored search column while the rows are loaded called tenantdesk_search_vector, whose body
-- named tenantdesk_cjk_bigrams without its schema ("function tenantdesk_cjk_bigrams(text) does
-- not exist"). The same function, naming its schema; the stored columns do not change.
CREATE OR REPLACE FUNCTION tenantdesk_search_vector(title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT setweight(to_tsvector('pg_catalog.english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple', public.tenantdesk_cjk_bigrams(coalesce(title, ''))), 'A')
        || setweight(to_tsvector('pg_catalog.english', coalesce(body, '')), 'B')
        || setweight(to_tsvector('pg_catalog.simple', public.tenantdesk_cjk_bigrams(coalesce(body, ''))), 'B')
$$;
