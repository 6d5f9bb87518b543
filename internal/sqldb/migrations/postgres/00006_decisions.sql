-- +goose Up
-- A committee's decision: the list every required party approves. A
-- rejection sends it back (status rejected); the committee sends the next
-- version of the same decision, approved anew. entries is the list as
-- JSON (coopdec.DecisionEntry). session_id names the committee session,
-- when there is one.
CREATE TABLE decisions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id    BIGINT NOT NULL REFERENCES calls (id),
    session_id BIGINT,
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL,
    entries    TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX decisions_call ON decisions (call_id, id);

-- One answer per party and version; party 0 is the ministry, otherwise the
-- co-managing organisation's ID.
CREATE TABLE decision_approvals (
    decision_id BIGINT NOT NULL REFERENCES decisions (id),
    version     INTEGER NOT NULL,
    party       BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    approved    BOOLEAN NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (decision_id, version, party)
);

-- The envelopes' ledger: entries are appended, never updated or deleted
-- (the triggers below refuse it), so that every euro's history stays.
CREATE TABLE envelope_ledger (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id                BIGINT NOT NULL REFERENCES calls (id),
    funder_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    application_id         BIGINT NOT NULL REFERENCES applications (id),
    decision_id            BIGINT REFERENCES decisions (id),
    kind                   TEXT NOT NULL CHECK (kind IN ('commit', 'release')),
    amount_cents           BIGINT NOT NULL CHECK (amount_cents > 0),
    note                   TEXT NOT NULL DEFAULT '',
    created_by             BIGINT REFERENCES users (id),
    at                     TIMESTAMPTZ NOT NULL
);
CREATE INDEX envelope_ledger_call ON envelope_ledger (call_id, id);
CREATE UNIQUE INDEX envelope_ledger_decision ON envelope_ledger (decision_id, funder_organisation_id, application_id, kind);

-- +goose StatementBegin
CREATE FUNCTION envelope_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'envelope_ledger is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER envelope_ledger_append_only BEFORE UPDATE OR DELETE ON envelope_ledger
    FOR EACH ROW EXECUTE FUNCTION envelope_ledger_append_only();
CREATE TRIGGER envelope_ledger_no_truncate BEFORE TRUNCATE ON envelope_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION envelope_ledger_append_only();

-- +goose Down
DROP TRIGGER envelope_ledger_no_truncate ON envelope_ledger;
DROP TRIGGER envelope_ledger_append_only ON envelope_ledger;
DROP FUNCTION envelope_ledger_append_only();
DROP TABLE envelope_ledger;
DROP TABLE decision_approvals;
DROP TABLE decisions;
