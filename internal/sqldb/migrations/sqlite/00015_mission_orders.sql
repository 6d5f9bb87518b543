-- +goose Up
-- The per-country table of daily allowances (coopdec.AllowanceRate): lines
-- are added from a date, never changed, so that past orders keep their rate.
CREATE TABLE allowance_rates (
    id          INTEGER PRIMARY KEY,
    country     TEXT NOT NULL,
    daily_cents INTEGER NOT NULL CHECK (daily_cents > 0),
    valid_from  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX allowance_rates_day ON allowance_rates (country, valid_from);

-- A programme's envelope for mission orders; its row is locked while an
-- order is committed against it.
CREATE TABLE programme_envelopes (
    programme_id INTEGER PRIMARY KEY REFERENCES programmes (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    updated_by   INTEGER REFERENCES users (id),
    updated_at   TIMESTAMP NOT NULL
);

-- A selected mission's order (coopdec.MissionOrder); experts as JSON.
CREATE TABLE mission_orders (
    mission_id      INTEGER PRIMARY KEY REFERENCES mission_requests (id),
    date_start      TEXT NOT NULL,
    date_end        TEXT NOT NULL,
    experts         TEXT NOT NULL,
    travel_cents    INTEGER NOT NULL,
    other_cents     INTEGER NOT NULL,
    daily_cents     INTEGER NOT NULL,
    allowance_cents INTEGER NOT NULL,
    total_cents     INTEGER NOT NULL,
    state           TEXT NOT NULL,
    programme_id    INTEGER REFERENCES programmes (id),
    created_by      INTEGER REFERENCES users (id),
    updated_at      TIMESTAMP NOT NULL,
    approved_by     INTEGER REFERENCES users (id),
    approved_at     TIMESTAMP
);

-- What approved orders commit against programmes' envelopes: appended,
-- never updated or deleted; one commitment per order.
CREATE TABLE programme_ledger (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    mission_id   INTEGER NOT NULL REFERENCES mission_requests (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    created_by   INTEGER REFERENCES users (id),
    at           TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX programme_ledger_mission ON programme_ledger (mission_id);
CREATE INDEX programme_ledger_programme ON programme_ledger (programme_id, id);

-- +goose StatementBegin
CREATE TRIGGER programme_ledger_no_update BEFORE UPDATE ON programme_ledger
BEGIN
    SELECT RAISE(ABORT, 'programme_ledger is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER programme_ledger_no_delete BEFORE DELETE ON programme_ledger
BEGIN
    SELECT RAISE(ABORT, 'programme_ledger is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER allowance_rates_no_update BEFORE UPDATE ON allowance_rates
BEGIN
    SELECT RAISE(ABORT, 'allowance_rates is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER allowance_rates_no_delete BEFORE DELETE ON allowance_rates
BEGIN
    SELECT RAISE(ABORT, 'allowance_rates is append-only');
END;
-- +goose StatementEnd

-- The authority's report after the mission and the requester's evaluation.
-- search holds the report's texts folded (coopdec.Fold) for the search.
CREATE TABLE mission_reports (
    mission_id      INTEGER PRIMARY KEY REFERENCES mission_requests (id),
    findings        TEXT NOT NULL,
    recommendations TEXT NOT NULL,
    follow_up       TEXT NOT NULL,
    search          TEXT NOT NULL,
    filed_by        INTEGER REFERENCES users (id),
    filed_at        TIMESTAMP NOT NULL
);

CREATE TABLE mission_evaluations (
    mission_id   INTEGER PRIMARY KEY REFERENCES mission_requests (id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT NOT NULL,
    evaluated_by INTEGER REFERENCES users (id),
    evaluated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE mission_evaluations;
DROP TABLE mission_reports;
DROP TRIGGER allowance_rates_no_delete;
DROP TRIGGER allowance_rates_no_update;
DROP TRIGGER programme_ledger_no_delete;
DROP TRIGGER programme_ledger_no_update;
DROP TABLE programme_ledger;
DROP TABLE mission_orders;
DROP TABLE programme_envelopes;
DROP TABLE allowance_rates;
