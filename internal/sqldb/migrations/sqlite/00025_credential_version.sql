-- +goose Up
-- The version of the credentials: sessions and API tokens with the
-- accounts they belong to. Every change a server must see at the next
-- request raises it, in the transaction that makes the change: a session
-- ended, a token revoked or its expiry moved, an account changed (its
-- name, language, password, disablement) or removed. The marks of use
-- (sessions.last_seen_at, api_tokens.last_used_at) and new credentials do
-- not: a server that has not kept a credential reads it anyway. Servers
-- keep the credentials they authenticate (credentialUser) while it is
-- unchanged.
CREATE TABLE credential_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO credential_version (id, version) VALUES (1, 0);

-- +goose StatementBegin
CREATE TRIGGER sessions_credential_update AFTER UPDATE OF token_hash, user_id, created_at ON sessions BEGIN
    UPDATE credential_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_credential_delete AFTER DELETE ON sessions BEGIN
    UPDATE credential_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER api_tokens_credential_update AFTER UPDATE OF token_hash, user_id, expires_at, revoked_at ON api_tokens BEGIN
    UPDATE credential_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER api_tokens_credential_delete AFTER DELETE ON api_tokens BEGIN
    UPDATE credential_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_credential_update AFTER UPDATE ON users BEGIN
    UPDATE credential_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_credential_delete AFTER DELETE ON users BEGIN
    UPDATE credential_version SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER sessions_credential_update;
DROP TRIGGER sessions_credential_delete;
DROP TRIGGER api_tokens_credential_update;
DROP TRIGGER api_tokens_credential_delete;
DROP TRIGGER users_credential_update;
DROP TRIGGER users_credential_delete;
DROP TABLE credential_version;
