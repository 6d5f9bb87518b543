-- +goose Up
-- A committee's decision: the list every required party approves. A
-- rejection sends it back (status rejected); the committee sends the next
-- version of the same decision, approved anew. entries is the list as
-- JSON (coopdec.DecisionEntry). session_id names the committee session,
-- when there is one.
CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,
    call_id    INTEGER NOT NULL REFERENCES calls (id),
    session_id INTEGER,
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL,
    entries    TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX decisions_call ON decisions (call_id, id);

-- One answer per party and version; party 0 is the ministry, otherwise the
-- co-managing organisation's ID.
CREATE TABLE decision_approvals (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    version     INTEGER NOT NULL,
    party       INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    approved    BOOLEAN NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (decision_id, version, party)
);

-- The envelopes' ledger: entries are appended, never updated or deleted
-- (the triggers below refuse it), so that every euro's history stays.
CREATE TABLE envelope_ledger (
    id                     INTEGER PRIMARY KEY,
    call_id                INTEGER NOT NULL REFERENCES calls (id),
    funder_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    application_id         INTEGER NOT NULL REFERENCES applications (id),
    decision_id            INTEGER REFERENCES decisions (id),
    kind                   TEXT NOT NULL CHECK (kind IN ('commit', 'release')),
    amount_cents           INTEGER NOT NULL CHECK (amount_cents > 0),
    note                   TEXT NOT NULL DEFAULT '',
    created_by             INTEGER REFERENCES users (id),
    at                     TIMESTAMP NOT NULL
);
CREATE INDEX envelope_ledger_call ON envelope_ledger (call_id, id);
CREATE UNIQUE INDEX envelope_ledger_decision ON envelope_ledger (decision_id, funder_organisation_id, application_id, kind);

-- +goose StatementBegin
CREATE TRIGGER envelope_ledger_no_update BEFORE UPDATE ON envelope_ledger
BEGIN
    SELECT RAISE(ABORT, 'envelope_ledger is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER envelope_ledger_no_delete BEFORE DELETE ON envelope_ledger
BEGIN
    SELECT RAISE(ABORT, 'envelope_ledger is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER envelope_ledger_no_delete;
DROP TRIGGER envelope_ledger_no_update;
DROP TABLE envelope_ledger;
DROP TABLE decision_approvals;
DROP TABLE decisions;
