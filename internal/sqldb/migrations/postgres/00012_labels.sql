-- +goose Up
-- Applications for the label of international expertise; a granted
-- application is the label itself. The three parts are stored as JSON.
CREATE TABLE label_applications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    renews_id       BIGINT REFERENCES label_applications (id),
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'changes_requested', 'granted', 'refused', 'revoked', 'expired')),
    competencies    TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    conditions      TEXT NOT NULL,
    number          TEXT UNIQUE,
    reason          TEXT NOT NULL DEFAULT '',
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    submitted_at    TIMESTAMPTZ,
    decided_at      TIMESTAMPTZ,
    granted_at      TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ
);
CREATE INDEX label_applications_org ON label_applications (organisation_id, id);
CREATE INDEX label_applications_state ON label_applications (state, id);
-- One application under way per authority at a time.
CREATE UNIQUE INDEX label_applications_open ON label_applications (organisation_id)
    WHERE state IN ('draft', 'submitted', 'changes_requested');

-- Each step of the review, with its reason.
CREATE TABLE label_reviews (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES label_applications (id),
    action         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    by_user        BIGINT REFERENCES users (id),
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX label_reviews_application ON label_reviews (application_id, id);

-- The label numbers handed out, per year.
CREATE TABLE label_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Reminders before expiry, each sent once.
CREATE TABLE label_reminders (
    application_id BIGINT NOT NULL REFERENCES label_applications (id),
    days           INTEGER NOT NULL,
    sent_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, days)
);

-- +goose Down
DROP TABLE label_reminders;
DROP TABLE label_numbers;
DROP TABLE label_reviews;
DROP TABLE label_applications;
