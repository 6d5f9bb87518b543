-- +goose Up
-- A call's committee sessions with their minutes (coopdec.CommitteeSession);
-- participants is a JSON array of names. The minutes may be edited until
-- the call's decision is final; every change is in the audit trail.
CREATE TABLE committee_sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id      BIGINT NOT NULL REFERENCES calls (id),
    held_at      TIMESTAMPTZ NOT NULL,
    participants TEXT NOT NULL DEFAULT '[]',
    minutes      TEXT NOT NULL DEFAULT '',
    created_by   BIGINT REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_by   BIGINT REFERENCES users (id),
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX committee_sessions_call ON committee_sessions (call_id, held_at);

-- The committee's adjustments of granted amounts (coopdec.Adjustment),
-- appended: the latest for an application supersedes the earlier ones.
CREATE TABLE committee_adjustments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    granted_cents  BIGINT NOT NULL CHECK (granted_cents > 0),
    justification  TEXT NOT NULL,
    created_by     BIGINT REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX committee_adjustments_call ON committee_adjustments (call_id, application_id, id);

-- +goose StatementBegin
CREATE FUNCTION committee_adjustments_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'committee_adjustments is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER committee_adjustments_append_only BEFORE UPDATE OR DELETE ON committee_adjustments
    FOR EACH ROW EXECUTE FUNCTION committee_adjustments_append_only();

-- +goose Down
DROP TRIGGER committee_adjustments_append_only ON committee_adjustments;
DROP FUNCTION committee_adjustments_append_only();
DROP TABLE committee_adjustments;
DROP TABLE committee_sessions;
