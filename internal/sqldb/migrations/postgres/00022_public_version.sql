-- +goose Up
-- The version of what anonymous visitors see: the calls, the labelled
-- expertise and the authorities. Every change to these tables raises it,
-- in the transaction that makes the change, so that every server stops
-- serving the public pages it keeps (the web package's publicCache) as
-- soon as the change is committed. The funded projects have their own
-- version (funded_project_version).
CREATE TABLE public_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO public_version (id, version) VALUES (1, 0);

-- +goose StatementBegin
CREATE FUNCTION bump_public_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_version SET version = version + 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER territories_public AFTER INSERT OR UPDATE OR DELETE ON territories FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER organisations_public AFTER INSERT OR UPDATE OR DELETE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER programmes_public AFTER INSERT OR UPDATE OR DELETE ON programmes FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER programme_names_public AFTER INSERT OR UPDATE OR DELETE ON programme_names FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER calls_public AFTER INSERT OR UPDATE OR DELETE ON calls FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_texts_public AFTER INSERT OR UPDATE OR DELETE ON call_texts FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_co_managers_public AFTER INSERT OR UPDATE OR DELETE ON call_co_managers FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_funders_public AFTER INSERT OR UPDATE OR DELETE ON call_funders FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_themes_public AFTER INSERT OR UPDATE OR DELETE ON call_themes FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_countries_public AFTER INSERT OR UPDATE OR DELETE ON call_countries FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_lead_types_public AFTER INSERT OR UPDATE OR DELETE ON call_lead_types FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER call_amendments_public AFTER INSERT OR UPDATE OR DELETE ON call_amendments FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER label_applications_public AFTER INSERT OR UPDATE OR DELETE ON label_applications FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER label_numbers_public AFTER INSERT OR UPDATE OR DELETE ON label_numbers FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER label_facets_public AFTER INSERT OR UPDATE OR DELETE ON label_facets FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER mission_evaluations_public AFTER INSERT OR UPDATE OR DELETE ON mission_evaluations FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();

-- +goose Down
DROP TRIGGER territories_public ON territories;
DROP TRIGGER organisations_public ON organisations;
DROP TRIGGER programmes_public ON programmes;
DROP TRIGGER programme_names_public ON programme_names;
DROP TRIGGER calls_public ON calls;
DROP TRIGGER call_texts_public ON call_texts;
DROP TRIGGER call_co_managers_public ON call_co_managers;
DROP TRIGGER call_funders_public ON call_funders;
DROP TRIGGER call_themes_public ON call_themes;
DROP TRIGGER call_countries_public ON call_countries;
DROP TRIGGER call_lead_types_public ON call_lead_types;
DROP TRIGGER call_amendments_public ON call_amendments;
DROP TRIGGER label_applications_public ON label_applications;
DROP TRIGGER label_numbers_public ON label_numbers;
DROP TRIGGER label_facets_public ON label_facets;
DROP TRIGGER mission_evaluations_public ON mission_evaluations;
DROP FUNCTION bump_public_version();
DROP TABLE public_version;
