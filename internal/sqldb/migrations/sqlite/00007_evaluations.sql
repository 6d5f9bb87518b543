-- +goose Up
-- A call's evaluation set-up: the grid (coopdec.Grid: criteria with their
-- texts per language, weights, thresholds, tie-breaks) and the evaluators'
-- pools per party (coopdec.Pool), as JSON, read and written whole.
CREATE TABLE evaluation_setups (
    call_id         INTEGER PRIMARY KEY REFERENCES calls (id),
    grid            TEXT NOT NULL,
    per_application INTEGER NOT NULL,
    divergence_bp   INTEGER NOT NULL,
    pools           TEXT NOT NULL,
    updated_by      INTEGER REFERENCES users (id),
    updated_at      TIMESTAMP NOT NULL
);

-- An evaluator's declaration of interests (coopdec.Declaration, JSON).
CREATE TABLE evaluator_declarations (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    content    TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Assignments are ended, never deleted: an ended one keeps its evaluator
-- away from the application. assigned_by is NULL for the automatic run.
CREATE TABLE evaluation_assignments (
    id             INTEGER PRIMARY KEY,
    call_id        INTEGER NOT NULL REFERENCES calls (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    evaluator_id   INTEGER NOT NULL REFERENCES users (id),
    party          INTEGER NOT NULL,
    extra          BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_by    INTEGER REFERENCES users (id),
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    confirmed_at   TIMESTAMP,
    ended_at       TIMESTAMP,
    end_reason     TEXT NOT NULL DEFAULT '',
    end_note       TEXT NOT NULL DEFAULT ''
);
-- One assignment per evaluator and application, ended or not.
CREATE UNIQUE INDEX evaluation_assignments_pair ON evaluation_assignments (application_id, evaluator_id);
CREATE INDEX evaluation_assignments_call ON evaluation_assignments (call_id, evaluator_id);

-- scores: []coopdec.CriterionScore as JSON, in half-points. Once
-- submitted_at is set the row never changes.
CREATE TABLE evaluations (
    id             INTEGER PRIMARY KEY,
    assignment_id  INTEGER NOT NULL UNIQUE REFERENCES evaluation_assignments (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    evaluator_id   INTEGER NOT NULL REFERENCES users (id),
    scores         TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    submitted_at   TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX evaluations_application ON evaluations (application_id);

-- +goose StatementBegin
CREATE TRIGGER evaluations_locked_update BEFORE UPDATE ON evaluations
    WHEN OLD.submitted_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'evaluation is submitted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evaluations_locked_delete BEFORE DELETE ON evaluations
    WHEN OLD.submitted_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'evaluation is submitted');
END;
-- +goose StatementEnd

-- The consensus on an application (coopdec.Consensus), one per
-- application, recorded again while the call is under evaluation.
CREATE TABLE evaluation_consensus (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id),
    scores         TEXT NOT NULL,
    comment        TEXT NOT NULL,
    language       TEXT NOT NULL,
    recorded_by    INTEGER REFERENCES users (id),
    recorded_at    TIMESTAMP NOT NULL
);

-- Admissibility decisions, appended: the latest stands. automatic is the
-- eligibility result when deciding (NULL: unknown).
CREATE TABLE admissibility_decisions (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    automatic      BOOLEAN,
    admissible     BOOLEAN NOT NULL,
    overrides      BOOLEAN NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    decided_by     INTEGER REFERENCES users (id),
    decided_at     TIMESTAMP NOT NULL
);
CREATE INDEX admissibility_decisions_application ON admissibility_decisions (application_id, id);

-- +goose Down
DROP TABLE admissibility_decisions;
DROP TABLE evaluation_consensus;
DROP TRIGGER evaluations_locked_delete;
DROP TRIGGER evaluations_locked_update;
DROP TABLE evaluations;
DROP TABLE evaluation_assignments;
DROP TABLE evaluator_declarations;
DROP TABLE evaluation_setups;
