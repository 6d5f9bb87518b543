-- +goose Up
-- The version of the credentials: sessions and API tokens with the
-- accounts they belong to. Every change a server must see at the next
-- request raises it, in the transaction that makes the change: a session
-- ended, a token revoked or its expiry moved, an account changed (its
-- name, language, password, disablement) or removed. The marks of use
-- (sessions.last_seen_at, api_tokens.last_used_at) and new credentials do
-- not: a server that has not kept a credential reads it anyway. Servers
-- keep the credentials they authenticate (credentialUser) while it is
-- unchanged. The triggers fire for each row changed, so that the sweeps
-- of expired sessions that find none leave the version alone.
CREATE TABLE credential_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO credential_version (id, version) VALUES (1, 0);

-- +goose StatementBegin
CREATE FUNCTION bump_credential_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE credential_version SET version = version + 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER sessions_credential AFTER UPDATE OF token_hash, user_id, created_at OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION bump_credential_version();
CREATE TRIGGER api_tokens_credential AFTER UPDATE OF token_hash, user_id, expires_at, revoked_at OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION bump_credential_version();
CREATE TRIGGER users_credential AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION bump_credential_version();

-- +goose Down
DROP TRIGGER sessions_credential ON sessions;
DROP TRIGGER api_tokens_credential ON api_tokens;
DROP TRIGGER users_credential ON users;
DROP FUNCTION bump_credential_version();
DROP TABLE credential_version;
