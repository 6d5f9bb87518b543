-- +goose Up
-- The public record of funded projects, what /projets searches: one row per
-- application on the main list of its call's latest final decision, as
-- coopdec.NewPublicProject draws it (doc, JSON). The storage code writes it
-- in the transaction that publishes the decision, replacing the call's
-- earlier rows; the columns beside doc repeat what the filters and sorts
-- read. Decisions already final are indexed once the migrations have run
-- (IndexFundedProjects), since the text is folded in Go.
CREATE TABLE funded_projects (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id),
    call_id        INTEGER NOT NULL REFERENCES calls (id),
    decision_id    INTEGER NOT NULL REFERENCES decisions (id),
    programme_id   INTEGER NOT NULL,
    region_code    TEXT NOT NULL,
    year           INTEGER NOT NULL,
    published_at   TIMESTAMP NOT NULL,
    doc            TEXT NOT NULL
);
CREATE INDEX funded_projects_call ON funded_projects (call_id);
-- Newest first, and the filters on the project's own columns, without
-- reading the documents.
CREATE INDEX funded_projects_published ON funded_projects (published_at, application_id, programme_id, region_code, year);

CREATE TABLE funded_project_themes (
    theme          TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES funded_projects (application_id) ON DELETE CASCADE,
    PRIMARY KEY (theme, application_id)
);
CREATE INDEX funded_project_themes_application ON funded_project_themes (application_id);

CREATE TABLE funded_project_countries (
    country        TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES funded_projects (application_id) ON DELETE CASCADE,
    PRIMARY KEY (country, application_id)
);
CREATE INDEX funded_project_countries_application ON funded_project_countries (application_id);

-- Which decision each call's rows come from, a call whose main list is
-- empty included: what the indexing after migrations compares with
-- decision_publications.
CREATE TABLE funded_project_calls (
    call_id     INTEGER PRIMARY KEY REFERENCES calls (id),
    decision_id INTEGER NOT NULL REFERENCES decisions (id)
);

-- Full-text search: rowid = application_id; folded (coopdec.Fold) titles,
-- summaries, and the names around the project (lead, partners, call).
CREATE VIRTUAL TABLE funded_project_search USING fts5 (
    title,
    summary,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- +goose Down
DROP TABLE funded_project_search;
DROP TABLE funded_project_calls;
DROP TABLE funded_project_countries;
DROP TABLE funded_project_themes;
DROP TABLE funded_projects;
