-- +goose Up
-- The per-country table of daily allowances (coopdec.AllowanceRate): lines
-- are added from a date, never changed, so that past orders keep their rate.
CREATE TABLE allowance_rates (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country     TEXT NOT NULL,
    daily_cents BIGINT NOT NULL CHECK (daily_cents > 0),
    valid_from  TEXT NOT NULL,
    created_by  BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX allowance_rates_day ON allowance_rates (country, valid_from);

-- A programme's envelope for mission orders; its row is locked while an
-- order is committed against it.
CREATE TABLE programme_envelopes (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    updated_by   BIGINT REFERENCES users (id),
    updated_at   TIMESTAMPTZ NOT NULL
);

-- A selected mission's order (coopdec.MissionOrder); experts as JSON.
CREATE TABLE mission_orders (
    mission_id      BIGINT PRIMARY KEY REFERENCES mission_requests (id),
    date_start      TEXT NOT NULL,
    date_end        TEXT NOT NULL,
    experts         TEXT NOT NULL,
    travel_cents    BIGINT NOT NULL,
    other_cents     BIGINT NOT NULL,
    daily_cents     BIGINT NOT NULL,
    allowance_cents BIGINT NOT NULL,
    total_cents     BIGINT NOT NULL,
    state           TEXT NOT NULL,
    programme_id    BIGINT REFERENCES programmes (id),
    created_by      BIGINT REFERENCES users (id),
    updated_at      TIMESTAMPTZ NOT NULL,
    approved_by     BIGINT REFERENCES users (id),
    approved_at     TIMESTAMPTZ
);

-- What approved orders commit against programmes' envelopes: appended,
-- never updated or deleted; one commitment per order.
CREATE TABLE programme_ledger (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    mission_id   BIGINT NOT NULL REFERENCES mission_requests (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    created_by   BIGINT REFERENCES users (id),
    at           TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX programme_ledger_mission ON programme_ledger (mission_id);
CREATE INDEX programme_ledger_programme ON programme_ledger (programme_id, id);

-- +goose StatementBegin
CREATE FUNCTION mission_followup_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER programme_ledger_append_only BEFORE UPDATE OR DELETE ON programme_ledger
    FOR EACH ROW EXECUTE FUNCTION mission_followup_append_only();
CREATE TRIGGER programme_ledger_no_truncate BEFORE TRUNCATE ON programme_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION mission_followup_append_only();
CREATE TRIGGER allowance_rates_append_only BEFORE UPDATE OR DELETE ON allowance_rates
    FOR EACH ROW EXECUTE FUNCTION mission_followup_append_only();

-- The authority's report after the mission and the requester's evaluation.
-- search holds the report's texts folded (coopdec.Fold) for the search.
CREATE TABLE mission_reports (
    mission_id      BIGINT PRIMARY KEY REFERENCES mission_requests (id),
    findings        TEXT NOT NULL,
    recommendations TEXT NOT NULL,
    follow_up       TEXT NOT NULL,
    search          TEXT NOT NULL,
    filed_by        BIGINT REFERENCES users (id),
    filed_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE mission_evaluations (
    mission_id   BIGINT PRIMARY KEY REFERENCES mission_requests (id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT NOT NULL,
    evaluated_by BIGINT REFERENCES users (id),
    evaluated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE mission_evaluations;
DROP TABLE mission_reports;
DROP TRIGGER allowance_rates_append_only ON allowance_rates;
DROP TRIGGER programme_ledger_no_truncate ON programme_ledger;
DROP TRIGGER programme_ledger_append_only ON programme_ledger;
DROP FUNCTION mission_followup_append_only();
DROP TABLE programme_ledger;
DROP TABLE mission_orders;
DROP TABLE programme_envelopes;
DROP TABLE allowance_rates;
