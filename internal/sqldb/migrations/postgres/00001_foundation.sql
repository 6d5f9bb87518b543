-- +goose Up
CREATE TABLE territories (
    kind             TEXT NOT NULL,
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    siren            TEXT,
    population       BIGINT NOT NULL DEFAULT 0,
    postcodes        TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL DEFAULT '',
    departement_code TEXT NOT NULL DEFAULT '',
    nature           TEXT NOT NULL DEFAULT '',
    search           TEXT NOT NULL,
    PRIMARY KEY (kind, code)
);
CREATE INDEX territories_search ON territories (search);
CREATE INDEX territories_siren ON territories (siren);
-- Postcode search (SearchTerritories): the first postcode of each commune,
-- then the few hundred communes with several.
CREATE INDEX territories_postcodes ON territories (postcodes);
CREATE INDEX territories_postcodes_multi ON territories (postcodes) WHERE postcodes LIKE '% %';

CREATE TABLE organisations (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    country        TEXT NOT NULL,
    authority_type TEXT NOT NULL DEFAULT '',
    siren          TEXT,
    territory_code TEXT NOT NULL DEFAULT '',
    region_code    TEXT NOT NULL DEFAULT '',
    local_id       TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    search         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organisations_siren ON organisations (siren) WHERE siren IS NOT NULL;
CREATE UNIQUE INDEX organisations_embassy ON organisations (country) WHERE kind = 'embassy';
CREATE INDEX organisations_kind_country ON organisations (kind, country);
CREATE INDEX organisations_search ON organisations (search);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    language      TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    search        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    disabled_at   TIMESTAMPTZ
);

CREATE TABLE user_roles (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    granted_by BIGINT REFERENCES users (id),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE memberships (
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE invitations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    email           TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE,
    member_role     TEXT NOT NULL DEFAULT 'member',
    roles           TEXT NOT NULL DEFAULT '',
    invited_by      BIGINT REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE TABLE login_attempts (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email   TEXT NOT NULL,
    ip      TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    success BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    actor_id BIGINT,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    ip       TEXT NOT NULL DEFAULT '',
    details  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_action ON audit_events (action);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE outbox (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body_text  TEXT NOT NULL,
    body_html  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_recipient ON outbox (recipient);

-- +goose Down
DROP TABLE outbox;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only;
DROP TABLE login_attempts;
DROP TABLE password_resets;
DROP TABLE invitations;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
DROP TABLE territories;
