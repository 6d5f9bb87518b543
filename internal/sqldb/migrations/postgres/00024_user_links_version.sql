-- +goose Up
-- The version of every user's links: platform roles and memberships of
-- organisations (with the organisation's name and kind, which a
-- membership shows). Every change to them raises it, in the transaction
-- that makes the change, so that every server stops using the links it
-- keeps for the users it authenticates (credentialUser) as soon as the
-- change is committed. A new organisation has no member yet: only its
-- name, kind and removal count.
CREATE TABLE user_links_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO user_links_version (id, version) VALUES (1, 0);

-- +goose StatementBegin
CREATE FUNCTION bump_user_links_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_links_version SET version = version + 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER user_roles_links AFTER INSERT OR UPDATE OR DELETE ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION bump_user_links_version();
CREATE TRIGGER memberships_links AFTER INSERT OR UPDATE OR DELETE ON memberships FOR EACH STATEMENT EXECUTE FUNCTION bump_user_links_version();
CREATE TRIGGER organisations_links AFTER UPDATE OF id, name, kind OR DELETE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION bump_user_links_version();

-- +goose Down
DROP TRIGGER user_roles_links ON user_roles;
DROP TRIGGER memberships_links ON memberships;
DROP TRIGGER organisations_links ON organisations;
DROP FUNCTION bump_user_links_version();
DROP TABLE user_links_version;
