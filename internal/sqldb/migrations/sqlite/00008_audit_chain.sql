-- +goose Up
-- The audit trail becomes a hash chain: every event carries the hash of the
-- one before it (prev_hash) and its own (hash), both hex SHA-256 computed by
-- the storage (sqldb.auditHash). Events older than this migration have no
-- hash yet; the storage chains them, in id order, before the next append or
-- verification: the only change the trigger lets through is setting both
-- hashes of an unchained event, everything else unchanged. Only those
-- events, up to audit_chain_backfill.up_to, are ever chained afterwards: an
-- event added later without its hashes stays a broken link.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE TABLE audit_chain_backfill (up_to BIGINT NOT NULL);
INSERT INTO audit_chain_backfill (up_to) SELECT COALESCE(max(id), 0) FROM audit_events;

DROP TRIGGER audit_events_no_update;
DROP TRIGGER audit_events_no_delete;

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (OLD.hash IS NULL AND OLD.prev_hash IS NULL
    AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id
    AND NEW.action IS OLD.action AND NEW.subject IS OLD.subject
    AND NEW.ip IS OLD.ip AND NEW.details IS OLD.details)
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_chained BEFORE INSERT ON audit_events
WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'audit_events: a new event must carry prev_hash and hash (append it through the storage)');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_chained;
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
ALTER TABLE audit_events DROP COLUMN hash;
ALTER TABLE audit_events DROP COLUMN prev_hash;
DROP TABLE audit_chain_backfill;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd
