-- +goose Up
-- An application's opinion asked of the embassy posted in one of the
-- countries it concerns (coopdec.OpinionCountries), one request per
-- application and embassy. country is the embassy's, kept as asked.
CREATE TABLE opinion_requests (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id                 BIGINT NOT NULL REFERENCES calls (id),
    application_id          BIGINT NOT NULL REFERENCES applications (id),
    country                 TEXT NOT NULL,
    embassy_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    due_at                  TIMESTAMPTZ NOT NULL,
    note                    TEXT NOT NULL DEFAULT '',
    requested_by            BIGINT REFERENCES users (id),
    requested_at            TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX opinion_requests_pair ON opinion_requests (application_id, embassy_organisation_id);
CREATE INDEX opinion_requests_call ON opinion_requests (call_id, application_id);
CREATE INDEX opinion_requests_embassy ON opinion_requests (embassy_organisation_id, due_at);

-- The embassy's answer, one per request, final once given.
CREATE TABLE embassy_opinions (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id              BIGINT NOT NULL UNIQUE REFERENCES opinion_requests (id),
    application_id          BIGINT NOT NULL REFERENCES applications (id),
    embassy_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    value                   TEXT NOT NULL,
    comment                 TEXT NOT NULL,
    given_by                BIGINT REFERENCES users (id),
    given_at                TIMESTAMPTZ NOT NULL
);
CREATE INDEX embassy_opinions_application ON embassy_opinions (application_id);

-- +goose StatementBegin
CREATE FUNCTION embassy_opinions_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an embassy opinion is final';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER embassy_opinions_no_change BEFORE UPDATE OR DELETE ON embassy_opinions
    FOR EACH ROW EXECUTE FUNCTION embassy_opinions_final();

-- +goose Down
DROP TABLE embassy_opinions;
DROP FUNCTION embassy_opinions_final();
DROP TABLE opinion_requests;
