-- +goose Up
-- content holds the application's editable parts (texts, themes, countries,
-- places, activities, results, partners, beneficiary countries, duration,
-- budget) as JSON: they are read and written whole, as the form does.
-- version increases with every change; an update names the version it was
-- made from and fails when another came first (optimistic concurrency).
-- receipt_number and content_sha256 are set on submission.
CREATE TABLE applications (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id              BIGINT NOT NULL REFERENCES calls (id),
    lead_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    status               TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    content              TEXT NOT NULL DEFAULT '{}',
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    submitted_at         TIMESTAMPTZ,
    receipt_number       TEXT UNIQUE,
    content_sha256       TEXT
);
CREATE INDEX applications_lead ON applications (lead_organisation_id, id);
CREATE INDEX applications_call_status ON applications (call_id, status);

-- Metadata only: the files are content-addressed blobs named by sha256.
CREATE TABLE application_attachments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    document_code  TEXT NOT NULL,
    name           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_attachments_application ON application_attachments (application_id);

-- +goose Down
DROP TABLE application_attachments;
DROP TABLE applications;
