-- The support catalogue: business-hours calendars, support queues, categories with their features
-- and symptoms, severity definitions, first-response targets per plan, and the self-help
-- knowledge base searched before a request is submitted. Platform-wide reference data (no tenant
-- rows): the services read it, operators edit it.

-- A queue's staffed hours. weekly_hours: {"mon": [["09:00", "18:00"]], ...}, keys mon..sun,
-- end exclusive; holidays: local dates on which nothing is open.
CREATE TABLE support_calendars (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,64}$'),
    name text NOT NULL,
    time_zone text NOT NULL,
    weekly_hours jsonb NOT NULL CHECK (jsonb_typeof(weekly_hours) = 'object'),
    holidays date[] NOT NULL DEFAULT '{}'
);

CREATE TABLE support_queues (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,64}$'),
    name text NOT NULL,
    -- Severity B and C targets run on this calendar; NULL: around the clock.
    calendar_id text REFERENCES support_calendars (id),
    -- The queue taking what no rule routes elsewhere.
    is_default boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX support_queues_one_default ON support_queues (is_default) WHERE is_default;

-- group_name: 'billing' (billing & product information), 'device-management', or 'more'.
CREATE TABLE support_categories (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{1,64}$'),
    name text NOT NULL,
    group_name text NOT NULL CHECK (group_name IN ('billing', 'device-management', 'more')),
    technical boolean NOT NULL,
    -- BCP 47 tags support is given in. Technical support: English and Japanese only.
    languages text[] NOT NULL CHECK (cardinality(languages) > 0),
    CHECK (NOT technical OR languages <@ ARRAY['en', 'ja']),
    -- Plans that cover the category.
    plans text[] NOT NULL CHECK (cardinality(plans) > 0 AND plans <@ ARRAY['premier', 'professional', 'trial']),
    queue_id text NOT NULL REFERENCES support_queues (id),
    position integer NOT NULL
);

CREATE TABLE support_features (
    category_code text NOT NULL REFERENCES support_categories (code),
    code text NOT NULL CHECK (code ~ '^[a-z0-9-]{1,64}$'),
    name text NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (category_code, code)
);

CREATE TABLE support_symptoms (
    category_code text NOT NULL,
    feature_code text NOT NULL,
    code text NOT NULL CHECK (code ~ '^[a-z0-9-]{1,64}$'),
    name text NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (category_code, feature_code, code),
    FOREIGN KEY (category_code, feature_code) REFERENCES support_features (category_code, code)
);

CREATE TABLE severity_definitions (
    severity text PRIMARY KEY CHECK (severity IN ('A', 'B', 'C')),
    name text NOT NULL,
    definition text NOT NULL,
    -- Someone must be reachable around the clock (a phone number is required).
    requires_phone boolean NOT NULL,
    around_the_clock boolean NOT NULL
);

-- First-response targets: minutes from submission to the first public response by support.
CREATE TABLE response_targets (
    plan text NOT NULL CHECK (plan IN ('premier', 'professional', 'trial')),
    severity text NOT NULL REFERENCES severity_definitions (severity),
    minutes integer NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (plan, severity)
);

-- Japanese has no word separators: runs of kana and CJK ideographs become overlapping bigrams
-- (a run of one character stays itself), which the 'simple' configuration indexes as words.
-- Other characters are left to the 'english' configuration. NFKC first, so that half-width
-- katakana and full-width letters match their usual forms.
CREATE FUNCTION tenantdesk_cjk_bigrams(input text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    output text := '';
    run text := '';
    ch text;
    code integer;
    i integer;
BEGIN
    input := normalize(input, NFKC);
    FOR i IN 1 .. length(input) + 1 LOOP
        ch := substr(input, i, 1);
        code := CASE WHEN ch = '' THEN 0 ELSE ascii(ch) END;
        IF code BETWEEN 12352 AND 12543      -- hiragana, katakana (with the prolonged sound mark)
           OR code = 12293                   -- iteration mark
           OR code BETWEEN 13312 AND 19903   -- CJK extension A
           OR code BETWEEN 19968 AND 40959   -- CJK unified ideographs
           OR code BETWEEN 63744 AND 64255   -- CJK compatibility ideographs
           OR code BETWEEN 131072 AND 201551 THEN -- CJK extensions B and later
            run := run || ch;
        ELSE
            IF length(run) = 1 THEN
                output := output || ' ' || run;
            ELSIF length(run) > 1 THEN
                FOR j IN 1 .. length(run) - 1 LOOP
                    output := output || ' ' || substr(run, j, 2);
                END LOOP;
            END IF;
            run := '';
        END IF;
    END LOOP;
    RETURN ltrim(output);
END
$$;

-- The search document of a text: English stems plus Japanese bigrams.
CREATE FUNCTION tenantdesk_search_vector(title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', tenantdesk_cjk_bigrams(coalesce(title, ''))), 'A')
        || setweight(to_tsvector('english', coalesce(body, '')), 'B')
        || setweight(to_tsvector('simple', tenantdesk_cjk_bigrams(coalesce(body, ''))), 'B')
$$;

-- A search query matching any of the words (English stems) or bigrams (Japanese) of the text;
-- ranking puts the documents matching more of them first. NULL when the text has no words.
CREATE FUNCTION tenantdesk_search_query(input text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT nullif(array_to_string(array_remove(ARRAY[
               CASE WHEN input ~ '[[:alnum:]]' THEN
                   nullif(replace(plainto_tsquery('english', input)::text, ' & ', ' | '), '') END,
               CASE WHEN tenantdesk_cjk_bigrams(coalesce(input, '')) <> '' THEN
                   replace(plainto_tsquery('simple', tenantdesk_cjk_bigrams(input))::text, ' & ', ' | ') END
           ], NULL), ' | '), '')::tsquery
$$;

CREATE TABLE kb_articles (
    id text PRIMARY KEY CHECK (id ~ '^KB[0-9]{4,8}$'),
    language text NOT NULL CHECK (language IN ('en', 'ja')),
    category_code text NOT NULL REFERENCES support_categories (code),
    feature_code text,
    symptom_code text,
    title text NOT NULL,
    body text NOT NULL,
    url text NOT NULL,
    CHECK (symptom_code IS NULL OR feature_code IS NOT NULL),
    search tsvector GENERATED ALWAYS AS (tenantdesk_search_vector(title, body)) STORED,
    FOREIGN KEY (category_code, feature_code) REFERENCES support_features (category_code, code),
    FOREIGN KEY (category_code, feature_code, symptom_code) REFERENCES support_symptoms (category_code, feature_code, code)
);
CREATE INDEX kb_articles_search ON kb_articles USING gin (search);
CREATE INDEX kb_articles_category ON kb_articles (category_code, feature_code);

GRANT SELECT ON support_calendars, support_queues, support_categories, support_features, support_symptoms,
    severity_definitions, response_targets, kb_articles TO tenantdesk_app;
GRANT EXECUTE ON FUNCTION tenantdesk_cjk_bigrams(text), tenantdesk_search_vector(text, text),
    tenantdesk_search_query(text) TO tenantdesk_app;
