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
CREATE TRIGGER user_roles_links_insert AFTER INSERT ON user_roles BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_roles_links_update AFTER UPDATE ON user_roles BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_roles_links_delete AFTER DELETE ON user_roles BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER memberships_links_insert AFTER INSERT ON memberships BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER memberships_links_update AFTER UPDATE ON memberships BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER memberships_links_delete AFTER DELETE ON memberships BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_links_update AFTER UPDATE OF id, name, kind ON organisations BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_links_delete AFTER DELETE ON organisations BEGIN
    UPDATE user_links_version SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER user_roles_links_insert;
DROP TRIGGER user_roles_links_update;
DROP TRIGGER user_roles_links_delete;
DROP TRIGGER memberships_links_insert;
DROP TRIGGER memberships_links_update;
DROP TRIGGER memberships_links_delete;
DROP TRIGGER organisations_links_update;
DROP TRIGGER organisations_links_delete;
DROP TABLE user_links_version;
