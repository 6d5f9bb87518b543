-- +goose Up
-- A call's page lists the projects its published decision selected: the
-- decisions and their publication are public data too (see
-- 00022_public_version).
CREATE TRIGGER decisions_public AFTER INSERT OR UPDATE OR DELETE ON decisions FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER decision_publications_public AFTER INSERT OR UPDATE OR DELETE ON decision_publications FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();

-- +goose Down
DROP TRIGGER decisions_public ON decisions;
DROP TRIGGER decision_publications_public ON decision_publications;
