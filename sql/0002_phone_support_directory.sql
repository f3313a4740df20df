-- The phone-support directory: which number to call from which country, when, in which language.
-- Platform-wide reference data (no tenant rows); operators edit it with tenantdesk-admin.

CREATE TABLE phone_support_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    country_name text NOT NULL,
    phone_number text NOT NULL CHECK (phone_number ~ '^\+[0-9 ()-]{6,30}$'),
    hours text NOT NULL,
    languages text[] NOT NULL CHECK (cardinality(languages) > 0),
    notes text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (country, phone_number)
);

GRANT SELECT ON phone_support_lines TO tenantdesk_app;
