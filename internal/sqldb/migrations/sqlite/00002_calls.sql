-- +goose Up
CREATE TABLE programmes (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- One row per language, as call_texts: French always.
CREATE TABLE programme_names (
    programme_id INTEGER NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    lang         TEXT NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (programme_id, lang)
);

-- Timeline columns are NULL until set (a draft may have no dates yet).
-- rules holds coopdec.EligibilityRules as canonical JSON; the tables below
-- that repeat parts of it exist only for the search filters.
CREATE TABLE calls (
    id            INTEGER PRIMARY KEY,
    programme_id  INTEGER NOT NULL REFERENCES programmes (id),
    reference     TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    decision_rule TEXT NOT NULL,
    publish_at    TIMESTAMP,
    opens_at      TIMESTAMP,
    deadline      TIMESTAMP,
    evaluation_at TIMESTAMP,
    results_at    TIMESTAMP,
    -- When the call first became public: max(publish_at, the moment it left
    -- draft), NULL until then; what the digest calls new.
    public_at     TIMESTAMP,
    rules         TEXT NOT NULL DEFAULT '{}',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX calls_programme ON calls (programme_id);
CREATE INDEX calls_status_deadline ON calls (status, deadline);
CREATE INDEX calls_status_opens ON calls (status, opens_at);
CREATE INDEX calls_deadline ON calls (deadline);
CREATE INDEX calls_publish ON calls (publish_at);
CREATE INDEX calls_public ON calls (public_at);

CREATE TABLE call_texts (
    call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    lang    TEXT NOT NULL,
    title   TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, lang)
);

-- position keeps the order the officer gave.
CREATE TABLE call_co_managers (
    call_id         INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (call_id, organisation_id)
);
CREATE INDEX call_co_managers_organisation ON call_co_managers (organisation_id);

CREATE TABLE call_funders (
    call_id         INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    position        INTEGER NOT NULL,
    envelope_cents  BIGINT NOT NULL DEFAULT 0,
    share_bp        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, organisation_id)
);
CREATE INDEX call_funders_organisation ON call_funders (organisation_id);

CREATE TABLE call_themes (
    call_id  INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    theme    TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (call_id, theme)
);
CREATE INDEX call_themes_theme ON call_themes (theme);

-- The countries where an action may take place, groups expanded, exclusions
-- removed, and "any" (no countries given) spelt out as every country but
-- France, so that the country filter is one lookup.
CREATE TABLE call_countries (
    call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (call_id, country)
);
CREATE INDEX call_countries_country ON call_countries (country);

-- The types of French local authority that may lead, "any" spelt out.
CREATE TABLE call_lead_types (
    call_id        INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    authority_type TEXT NOT NULL,
    PRIMARY KEY (call_id, authority_type)
);
CREATE INDEX call_lead_types_type ON call_lead_types (authority_type);

CREATE TABLE call_amendments (
    id        INTEGER PRIMARY KEY,
    call_id   INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    at        TIMESTAMP NOT NULL,
    author_id INTEGER REFERENCES users (id),
    reason    TEXT NOT NULL,
    changes   TEXT NOT NULL -- JSON: an array of coopdec.CallChange
);
CREATE INDEX call_amendments_call ON call_amendments (call_id, at);

-- Full-text search: one row per call (rowid = calls.id) holding the folded
-- (coopdec.Fold) reference, titles, summaries and bodies of every language.
-- The storage code writes it in the same transaction as the call, since the
-- folding happens in Go and the text spans several call_texts rows.
-- remove_diacritics is a second guard: folded text has no accents left.
CREATE VIRTUAL TABLE call_search USING fts5 (
    title,
    summary,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- +goose Down
DROP TABLE call_search;
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
