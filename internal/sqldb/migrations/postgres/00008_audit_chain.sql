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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.hash IS NULL OR NEW.prev_hash IS NULL THEN
            RAISE EXCEPTION 'audit_events: a new event must carry prev_hash and hash (append it through the storage)';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
        AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
        AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
        AND (NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.subject, NEW.ip, NEW.details)
            IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.action, OLD.subject, OLD.ip, OLD.details) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_events_chained BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_chained ON audit_events;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
ALTER TABLE audit_events DROP COLUMN hash;
ALTER TABLE audit_events DROP COLUMN prev_hash;
DROP TABLE audit_chain_backfill;
