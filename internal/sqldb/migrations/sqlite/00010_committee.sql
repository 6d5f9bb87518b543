-- +goose Up
-- A call's committee sessions with their minutes (coopdec.CommitteeSession);
-- participants is a JSON array of names. The minutes may be edited until
-- the call's decision is final; every change is in the audit trail.
CREATE TABLE committee_sessions (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls (id),
    held_at      TIMESTAMP NOT NULL,
    participants TEXT NOT NULL DEFAULT '[]',
    minutes      TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_by   INTEGER REFERENCES users (id),
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX committee_sessions_call ON committee_sessions (call_id, held_at);

-- The committee's adjustments of granted amounts (coopdec.Adjustment),
-- appended: the latest for an application supersedes the earlier ones.
CREATE TABLE committee_adjustments (
    id             INTEGER PRIMARY KEY,
    call_id        INTEGER NOT NULL REFERENCES calls (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    granted_cents  INTEGER NOT NULL CHECK (granted_cents > 0),
    justification  TEXT NOT NULL,
    created_by     INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX committee_adjustments_call ON committee_adjustments (call_id, application_id, id);

-- +goose StatementBegin
CREATE TRIGGER committee_adjustments_no_update BEFORE UPDATE ON committee_adjustments
BEGIN
    SELECT RAISE(ABORT, 'committee_adjustments is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER committee_adjustments_no_delete BEFORE DELETE ON committee_adjustments
BEGIN
    SELECT RAISE(ABORT, 'committee_adjustments is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER committee_adjustments_no_delete;
DROP TRIGGER committee_adjustments_no_update;
DROP TABLE committee_adjustments;
DROP TABLE committee_sessions;
