-- +goose Up
-- The publication of a final decision: when its applicants were notified,
-- from which their review window runs (coopdec.ReviewDeadline).
CREATE TABLE decision_publications (
    decision_id  BIGINT PRIMARY KEY REFERENCES decisions (id),
    call_id      BIGINT NOT NULL REFERENCES calls (id),
    version      INTEGER NOT NULL,
    published_by BIGINT REFERENCES users (id),
    published_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX decision_publications_call ON decision_publications (call_id, published_at);

-- A rejected applicant's request for a review, one per application, and
-- its outcome in a table of its own: neither is ever updated or deleted,
-- so that no request is lost.
CREATE TABLE review_requests (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    decision_id    BIGINT NOT NULL REFERENCES decisions (id),
    requested_by   BIGINT NOT NULL REFERENCES users (id),
    requested_at   TIMESTAMPTZ NOT NULL,
    reason         TEXT NOT NULL
);
CREATE INDEX review_requests_call ON review_requests (call_id, id);

CREATE TABLE review_outcomes (
    review_id  BIGINT PRIMARY KEY REFERENCES review_requests (id),
    outcome    TEXT NOT NULL CHECK (outcome IN ('upheld', 'revised')),
    comment    TEXT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TIMESTAMPTZ NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION reviews_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER review_requests_append_only BEFORE UPDATE OR DELETE ON review_requests
    FOR EACH ROW EXECUTE FUNCTION reviews_append_only();
CREATE TRIGGER review_requests_no_truncate BEFORE TRUNCATE ON review_requests
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_append_only();
CREATE TRIGGER review_outcomes_append_only BEFORE UPDATE OR DELETE ON review_outcomes
    FOR EACH ROW EXECUTE FUNCTION reviews_append_only();
CREATE TRIGGER review_outcomes_no_truncate BEFORE TRUNCATE ON review_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_append_only();

-- +goose Down
DROP TRIGGER review_outcomes_no_truncate ON review_outcomes;
DROP TRIGGER review_outcomes_append_only ON review_outcomes;
DROP TRIGGER review_requests_no_truncate ON review_requests;
DROP TRIGGER review_requests_append_only ON review_requests;
DROP FUNCTION reviews_append_only();
DROP TABLE review_outcomes;
DROP TABLE review_requests;
DROP TABLE decision_publications;
