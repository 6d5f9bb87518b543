-- +goose Up
-- The public record of funded projects, what /projets searches: one row per
-- application on the main list of its call's latest final decision, as
-- coopdec.NewPublicProject draws it (doc, JSON). The storage code writes it
-- in the transaction that publishes the decision, replacing the call's
-- earlier rows; the columns beside doc repeat what the filters and sorts
-- read. search is the French full-text vector of the folded titles,
-- summaries and names around the project. Decisions already final are
-- indexed once the migrations have run (IndexFundedProjects), since the
-- text is folded in Go.
CREATE TABLE funded_projects (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    decision_id    BIGINT NOT NULL REFERENCES decisions (id),
    programme_id   BIGINT NOT NULL,
    region_code    TEXT NOT NULL,
    year           INTEGER NOT NULL,
    published_at   TIMESTAMPTZ NOT NULL,
    doc            TEXT NOT NULL,
    search         TSVECTOR NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX funded_projects_call ON funded_projects (call_id);
CREATE INDEX funded_projects_published ON funded_projects (published_at, application_id, programme_id, region_code, year);
CREATE INDEX funded_projects_search ON funded_projects USING gin (search);

CREATE TABLE funded_project_themes (
    theme          TEXT NOT NULL,
    application_id BIGINT NOT NULL REFERENCES funded_projects (application_id) ON DELETE CASCADE,
    PRIMARY KEY (theme, application_id)
);
CREATE INDEX funded_project_themes_application ON funded_project_themes (application_id);

CREATE TABLE funded_project_countries (
    country        TEXT NOT NULL,
    application_id BIGINT NOT NULL REFERENCES funded_projects (application_id) ON DELETE CASCADE,
    PRIMARY KEY (country, application_id)
);
CREATE INDEX funded_project_countries_application ON funded_project_countries (application_id);

-- Which decision each call's rows come from, a call whose main list is
-- empty included: what the indexing after migrations compares with
-- decision_publications.
CREATE TABLE funded_project_calls (
    call_id     BIGINT PRIMARY KEY REFERENCES calls (id),
    decision_id BIGINT NOT NULL REFERENCES decisions (id)
);

-- +goose Down
DROP TABLE funded_project_calls;
DROP TABLE funded_project_countries;
DROP TABLE funded_project_themes;
DROP TABLE funded_projects;
