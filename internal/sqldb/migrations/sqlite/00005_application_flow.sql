-- +goose Up
-- Columns the officers' lists filter on, kept from the content on every
-- save: the French title folded (coopdec.Fold: lower case, no accents),
-- the countries and themes as ",MA,TN," so that a LIKE '%,MA,%' finds one,
-- and the last eligibility result (false once a rule failed; NULL: not
-- known yet, because a rule waits for a fact).
ALTER TABLE applications ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN countries TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN themes TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN eligible BOOLEAN;
ALTER TABLE applications ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE applications ADD COLUMN withdrawal_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX applications_call_submitted ON applications (call_id, submitted_at);

-- state: current (part of the application), pending (sent with a
-- correction not answered yet) or replaced (by a correction's answer).
-- message_id is set for a file attached to a message.
ALTER TABLE application_attachments ADD COLUMN state TEXT NOT NULL DEFAULT 'current';
ALTER TABLE application_attachments ADD COLUMN message_id INTEGER;
ALTER TABLE application_attachments ADD COLUMN correction_id INTEGER;
ALTER TABLE application_attachments ADD COLUMN uploaded_by INTEGER REFERENCES users (id);

-- Every version of a submitted application, whole: number 1 is the
-- submission, each answered correction adds one. Never updated.
CREATE TABLE application_versions (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    number         INTEGER NOT NULL,
    at             TIMESTAMP NOT NULL,
    author_id      INTEGER REFERENCES users (id),
    correction_id  INTEGER,
    content        TEXT NOT NULL,
    attachments    TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    PRIMARY KEY (application_id, number)
);

-- Submission numbers run per call and year.
CREATE TABLE receipt_counters (
    call_id INTEGER NOT NULL REFERENCES calls (id),
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (call_id, year)
);

-- A retried submission with the same key gets the first one's answer.
CREATE TABLE submission_keys (
    user_id        INTEGER NOT NULL REFERENCES users (id),
    key            TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- entry is the partner's consortium entry as shown to it (JSON).
CREATE TABLE partner_confirmations (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    token_hash     TEXT NOT NULL UNIQUE,
    entry          TEXT NOT NULL,
    email          TEXT NOT NULL,
    language       TEXT NOT NULL,
    status         TEXT NOT NULL,
    representative TEXT NOT NULL DEFAULT '',
    comment        TEXT NOT NULL DEFAULT '',
    invited_by     INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    responded_at   TIMESTAMP
);
CREATE INDEX partner_confirmations_application ON partner_confirmations (application_id, id);

CREATE TABLE correction_requests (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    reason         TEXT NOT NULL,
    fields         TEXT NOT NULL,
    documents      TEXT NOT NULL,
    due_at         TIMESTAMP NOT NULL,
    status         TEXT NOT NULL,
    requested_by   INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    answered_by    INTEGER REFERENCES users (id),
    answered_at    TIMESTAMP,
    version        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX correction_requests_application ON correction_requests (application_id, id);

CREATE TABLE application_messages (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    author_id      INTEGER REFERENCES users (id),
    from_applicant BOOLEAN NOT NULL,
    body           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX application_messages_application ON application_messages (application_id, id);

-- +goose Down
DROP TABLE application_messages;
DROP TABLE correction_requests;
DROP TABLE partner_confirmations;
DROP TABLE submission_keys;
DROP TABLE receipt_counters;
DROP TABLE application_versions;
ALTER TABLE application_attachments DROP COLUMN uploaded_by;
ALTER TABLE application_attachments DROP COLUMN correction_id;
ALTER TABLE application_attachments DROP COLUMN message_id;
ALTER TABLE application_attachments DROP COLUMN state;
DROP INDEX applications_call_submitted;
ALTER TABLE applications DROP COLUMN withdrawal_reason;
ALTER TABLE applications DROP COLUMN withdrawn_at;
ALTER TABLE applications DROP COLUMN eligible;
ALTER TABLE applications DROP COLUMN themes;
ALTER TABLE applications DROP COLUMN countries;
ALTER TABLE applications DROP COLUMN title;
