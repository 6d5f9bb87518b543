-- +goose Up
-- A call's evaluation set-up: the grid (coopdec.Grid: criteria with their
-- texts per language, weights, thresholds, tie-breaks) and the evaluators'
-- pools per party (coopdec.Pool), as JSON, read and written whole.
CREATE TABLE evaluation_setups (
    call_id         BIGINT PRIMARY KEY REFERENCES calls (id),
    grid            TEXT NOT NULL,
    per_application INTEGER NOT NULL,
    divergence_bp   INTEGER NOT NULL,
    pools           TEXT NOT NULL,
    updated_by      BIGINT REFERENCES users (id),
    updated_at      TIMESTAMPTZ NOT NULL
);

-- An evaluator's declaration of interests (coopdec.Declaration, JSON).
CREATE TABLE evaluator_declarations (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    content    TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Assignments are ended, never deleted: an ended one keeps its evaluator
-- away from the application. assigned_by is NULL for the automatic run.
CREATE TABLE evaluation_assignments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    evaluator_id   BIGINT NOT NULL REFERENCES users (id),
    party          BIGINT NOT NULL,
    extra          BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_by    BIGINT REFERENCES users (id),
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    confirmed_at   TIMESTAMPTZ,
    ended_at       TIMESTAMPTZ,
    end_reason     TEXT NOT NULL DEFAULT '',
    end_note       TEXT NOT NULL DEFAULT ''
);
-- One assignment per evaluator and application, ended or not.
CREATE UNIQUE INDEX evaluation_assignments_pair ON evaluation_assignments (application_id, evaluator_id);
CREATE INDEX evaluation_assignments_call ON evaluation_assignments (call_id, evaluator_id);

-- scores: []coopdec.CriterionScore as JSON, in half-points. Once
-- submitted_at is set the row never changes.
CREATE TABLE evaluations (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignment_id  BIGINT NOT NULL UNIQUE REFERENCES evaluation_assignments (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    evaluator_id   BIGINT NOT NULL REFERENCES users (id),
    scores         TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    submitted_at   TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX evaluations_application ON evaluations (application_id);

-- +goose StatementBegin
CREATE FUNCTION evaluations_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.submitted_at IS NOT NULL THEN
        RAISE EXCEPTION 'evaluation % is submitted', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER evaluations_locked BEFORE UPDATE OR DELETE ON evaluations
    FOR EACH ROW EXECUTE FUNCTION evaluations_locked();

-- The consensus on an application (coopdec.Consensus), one per
-- application, recorded again while the call is under evaluation.
CREATE TABLE evaluation_consensus (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    scores         TEXT NOT NULL,
    comment        TEXT NOT NULL,
    language       TEXT NOT NULL,
    recorded_by    BIGINT REFERENCES users (id),
    recorded_at    TIMESTAMPTZ NOT NULL
);

-- Admissibility decisions, appended: the latest stands. automatic is the
-- eligibility result when deciding (NULL: unknown).
CREATE TABLE admissibility_decisions (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    automatic      BOOLEAN,
    admissible     BOOLEAN NOT NULL,
    overrides      BOOLEAN NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    decided_by     BIGINT REFERENCES users (id),
    decided_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX admissibility_decisions_application ON admissibility_decisions (application_id, id);

-- +goose Down
DROP TABLE admissibility_decisions;
DROP TABLE evaluation_consensus;
DROP TRIGGER evaluations_locked ON evaluations;
DROP FUNCTION evaluations_locked();
DROP TABLE evaluations;
DROP TABLE evaluation_assignments;
DROP TABLE evaluator_declarations;
DROP TABLE evaluation_setups;
