-- +goose Up
-- Cooperation missions (coopdec.MissionRequest). Themes and languages are
-- stored as ",a,b," so that a filter on one code is a LIKE on both
-- databases; dates of the window are days, 2006-01-02.
CREATE TABLE mission_requests (
    id                        INTEGER PRIMARY KEY,
    country                   TEXT NOT NULL,
    partner_name              TEXT NOT NULL,
    partner_organisation_id   INTEGER REFERENCES organisations (id),
    themes                    TEXT NOT NULL,
    need                      TEXT NOT NULL,
    date_from                 TEXT NOT NULL,
    date_to                   TEXT NOT NULL,
    duration_days             INTEGER NOT NULL,
    languages                 TEXT NOT NULL,
    budget_cents              BIGINT NOT NULL,
    state                     TEXT NOT NULL,
    created_by                INTEGER REFERENCES users (id),
    embassy_organisation_id   INTEGER REFERENCES organisations (id),
    authority_organisation_id INTEGER REFERENCES organisations (id),
    selected_reply_id         INTEGER,
    proposal_id               INTEGER,
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL
);
CREATE INDEX mission_requests_country ON mission_requests (country, state);
CREATE INDEX mission_requests_embassy ON mission_requests (embassy_organisation_id);

CREATE TABLE mission_invitations (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES mission_requests (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    invited_by      INTEGER REFERENCES users (id),
    invited_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mission_invitations_pair ON mission_invitations (request_id, organisation_id);
CREATE INDEX mission_invitations_org ON mission_invitations (organisation_id);

-- One reply per invited authority; experts as a JSON array.
CREATE TABLE mission_replies (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES mission_requests (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    interested      BOOLEAN NOT NULL,
    experts         TEXT NOT NULL,
    comment         TEXT NOT NULL,
    replied_by      INTEGER REFERENCES users (id),
    replied_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mission_replies_pair ON mission_replies (request_id, organisation_id);

CREATE TABLE mission_proposals (
    id                      INTEGER PRIMARY KEY,
    organisation_id         INTEGER NOT NULL REFERENCES organisations (id),
    country                 TEXT NOT NULL,
    partner_name            TEXT NOT NULL,
    partner_organisation_id INTEGER REFERENCES organisations (id),
    themes                  TEXT NOT NULL,
    need                    TEXT NOT NULL,
    date_from               TEXT NOT NULL,
    date_to                 TEXT NOT NULL,
    duration_days           INTEGER NOT NULL,
    languages               TEXT NOT NULL,
    budget_cents            BIGINT NOT NULL,
    state                   TEXT NOT NULL,
    reason                  TEXT NOT NULL DEFAULT '',
    proposed_by             INTEGER REFERENCES users (id),
    proposed_at             TIMESTAMP NOT NULL,
    reviewed_by             INTEGER REFERENCES users (id),
    reviewed_at             TIMESTAMP,
    request_id              INTEGER REFERENCES mission_requests (id)
);
CREATE INDEX mission_proposals_org ON mission_proposals (organisation_id, proposed_at);
CREATE INDEX mission_proposals_state ON mission_proposals (state, proposed_at);

-- +goose Down
DROP TABLE mission_proposals;
DROP TABLE mission_replies;
DROP TABLE mission_invitations;
DROP TABLE mission_requests;
