-- +goose Up
-- Accent-insensitive search needs the unaccent extension. It is a trusted
-- extension (PostgreSQL 13+): the database owner, or any role with CREATE on
-- the database, may install it; otherwise operators must install it
-- beforehand (CREATE EXTENSION unaccent) or grant that privilege. It can
-- exist once per database, so tests that each run in their own schema share
-- it; the advisory lock makes concurrent first migrations wait for each other
-- instead of both trying to create it.
SELECT pg_advisory_xact_lock(7263001002);
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;

-- unaccent() is only STABLE (it reads its dictionary through search_path)
-- and its schema need not be on our search_path: this wrapper names the
-- extension's schema and dictionary explicitly, so it is truly immutable.
-- +goose StatementBegin
DO $$
DECLARE
    ext_schema text;
BEGIN
    SELECT n.nspname INTO ext_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent';
    EXECUTE format(
        'CREATE FUNCTION coopdec_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
        format('SELECT %I.unaccent(%L::regdictionary, $1)', ext_schema, quote_ident(ext_schema) || '.unaccent'));
END
$$;
-- +goose StatementEnd

CREATE TABLE programmes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- One row per language, as call_texts: French always.
CREATE TABLE programme_names (
    programme_id BIGINT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    lang         TEXT NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (programme_id, lang)
);

-- Timeline columns are NULL until set (a draft may have no dates yet).
-- rules holds coopdec.EligibilityRules as canonical JSON (TEXT, compared as
-- written); the tables below that repeat parts of it exist only for the
-- search filters. search is the French full-text vector of every language's
-- texts, computed by the storage code in the same transaction.
CREATE TABLE calls (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id  BIGINT NOT NULL REFERENCES programmes (id),
    reference     TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    decision_rule TEXT NOT NULL,
    publish_at    TIMESTAMPTZ,
    opens_at      TIMESTAMPTZ,
    deadline      TIMESTAMPTZ,
    evaluation_at TIMESTAMPTZ,
    results_at    TIMESTAMPTZ,
    -- When the call first became public: max(publish_at, the moment it left
    -- draft), NULL until then; what the digest calls new.
    public_at     TIMESTAMPTZ,
    rules         TEXT NOT NULL DEFAULT '{}',
    search        TSVECTOR NOT NULL DEFAULT ''::tsvector,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX calls_programme ON calls (programme_id);
CREATE INDEX calls_status_deadline ON calls (status, deadline);
CREATE INDEX calls_status_opens ON calls (status, opens_at);
CREATE INDEX calls_deadline ON calls (deadline);
CREATE INDEX calls_publish ON calls (publish_at);
CREATE INDEX calls_public ON calls (public_at);
CREATE INDEX calls_search ON calls USING gin (search);

CREATE TABLE call_texts (
    call_id BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    lang    TEXT NOT NULL,
    title   TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, lang)
);

-- position keeps the order the officer gave.
CREATE TABLE call_co_managers (
    call_id         BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (call_id, organisation_id)
);
CREATE INDEX call_co_managers_organisation ON call_co_managers (organisation_id);

CREATE TABLE call_funders (
    call_id         BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    position        INTEGER NOT NULL,
    envelope_cents  BIGINT NOT NULL DEFAULT 0,
    share_bp        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, organisation_id)
);
CREATE INDEX call_funders_organisation ON call_funders (organisation_id);

CREATE TABLE call_themes (
    call_id  BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    theme    TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (call_id, theme)
);
CREATE INDEX call_themes_theme ON call_themes (theme);

-- The countries where an action may take place, groups expanded, exclusions
-- removed, and "any" (no countries given) spelt out as every country but
-- France, so that the country filter is one lookup.
CREATE TABLE call_countries (
    call_id BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (call_id, country)
);
CREATE INDEX call_countries_country ON call_countries (country);

-- The types of French local authority that may lead, "any" spelt out.
CREATE TABLE call_lead_types (
    call_id        BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    authority_type TEXT NOT NULL,
    PRIMARY KEY (call_id, authority_type)
);
CREATE INDEX call_lead_types_type ON call_lead_types (authority_type);

CREATE TABLE call_amendments (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id   BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    at        TIMESTAMPTZ NOT NULL,
    author_id BIGINT REFERENCES users (id),
    reason    TEXT NOT NULL,
    changes   TEXT NOT NULL -- JSON: an array of coopdec.CallChange
);
CREATE INDEX call_amendments_call ON call_amendments (call_id, at);

-- +goose Down
DROP TABLE call_amendments;
DROP TABLE call_lead_types;
DROP TABLE call_countries;
DROP TABLE call_themes;
DROP TABLE call_funders;
DROP TABLE call_co_managers;
DROP TABLE call_texts;
DROP TABLE calls;
DROP TABLE programme_names;
DROP TABLE programmes;
-- The extension stays: other schemas of the database may use it.
DROP FUNCTION coopdec_unaccent(text);
