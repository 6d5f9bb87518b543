-- +goose Up
-- The publication of a final decision: when its applicants were notified,
-- from which their review window runs (coopdec.ReviewDeadline).
CREATE TABLE decision_publications (
    decision_id  INTEGER PRIMARY KEY REFERENCES decisions (id),
    call_id      INTEGER NOT NULL REFERENCES calls (id),
    version      INTEGER NOT NULL,
    published_by INTEGER REFERENCES users (id),
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX decision_publications_call ON decision_publications (call_id, published_at);

-- A rejected applicant's request for a review, one per application, and
-- its outcome in a table of its own: neither is ever updated or deleted,
-- so that no request is lost.
CREATE TABLE review_requests (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications (id),
    call_id        INTEGER NOT NULL REFERENCES calls (id),
    decision_id    INTEGER NOT NULL REFERENCES decisions (id),
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    requested_at   TIMESTAMP NOT NULL,
    reason         TEXT NOT NULL
);
CREATE INDEX review_requests_call ON review_requests (call_id, id);

CREATE TABLE review_outcomes (
    review_id  INTEGER PRIMARY KEY REFERENCES review_requests (id),
    outcome    TEXT NOT NULL CHECK (outcome IN ('upheld', 'revised')),
    comment    TEXT NOT NULL,
    decided_by INTEGER NOT NULL REFERENCES users (id),
    decided_at TIMESTAMP NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER review_requests_no_update BEFORE UPDATE ON review_requests
BEGIN
    SELECT RAISE(ABORT, 'review_requests is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER review_requests_no_delete BEFORE DELETE ON review_requests
BEGIN
    SELECT RAISE(ABORT, 'review_requests is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER review_outcomes_no_update BEFORE UPDATE ON review_outcomes
BEGIN
    SELECT RAISE(ABORT, 'review_outcomes is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER review_outcomes_no_delete BEFORE DELETE ON review_outcomes
BEGIN
    SELECT RAISE(ABORT, 'review_outcomes is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER review_outcomes_no_delete;
DROP TRIGGER review_outcomes_no_update;
DROP TRIGGER review_requests_no_delete;
DROP TRIGGER review_requests_no_update;
DROP TABLE review_outcomes;
DROP TABLE review_requests;
DROP TABLE decision_publications;
