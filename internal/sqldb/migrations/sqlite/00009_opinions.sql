-- +goose Up
-- An application's opinion asked of the embassy posted in one of the
-- countries it concerns (coopdec.OpinionCountries), one request per
-- application and embassy. country is the embassy's, kept as asked.
CREATE TABLE opinion_requests (
    id                      INTEGER PRIMARY KEY,
    call_id                 INTEGER NOT NULL REFERENCES calls (id),
    application_id          INTEGER NOT NULL REFERENCES applications (id),
    country                 TEXT NOT NULL,
    embassy_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    due_at                  TIMESTAMP NOT NULL,
    note                    TEXT NOT NULL DEFAULT '',
    requested_by            INTEGER REFERENCES users (id),
    requested_at            TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX opinion_requests_pair ON opinion_requests (application_id, embassy_organisation_id);
CREATE INDEX opinion_requests_call ON opinion_requests (call_id, application_id);
CREATE INDEX opinion_requests_embassy ON opinion_requests (embassy_organisation_id, due_at);

-- The embassy's answer, one per request, final once given.
CREATE TABLE embassy_opinions (
    id                      INTEGER PRIMARY KEY,
    request_id              INTEGER NOT NULL UNIQUE REFERENCES opinion_requests (id),
    application_id          INTEGER NOT NULL REFERENCES applications (id),
    embassy_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    value                   TEXT NOT NULL,
    comment                 TEXT NOT NULL,
    given_by                INTEGER REFERENCES users (id),
    given_at                TIMESTAMP NOT NULL
);
CREATE INDEX embassy_opinions_application ON embassy_opinions (application_id);

-- +goose StatementBegin
CREATE TRIGGER embassy_opinions_final_update BEFORE UPDATE ON embassy_opinions
BEGIN
    SELECT RAISE(ABORT, 'an embassy opinion is final');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER embassy_opinions_final_delete BEFORE DELETE ON embassy_opinions
BEGIN
    SELECT RAISE(ABORT, 'an embassy opinion is final');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE embassy_opinions;
DROP TABLE opinion_requests;
