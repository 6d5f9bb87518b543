-- +goose Up
-- The version of what anonymous visitors see: the calls, the labelled
-- expertise and the authorities. Every change to these tables raises it,
-- in the transaction that makes the change, so that every server stops
-- serving the public pages it keeps (the web package's publicCache) as
-- soon as the change is committed. The funded projects have their own
-- version (funded_project_version).
CREATE TABLE public_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO public_version (id, version) VALUES (1, 0);
-- +goose StatementBegin
CREATE TRIGGER territories_public_insert AFTER INSERT ON territories BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER territories_public_update AFTER UPDATE ON territories BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER territories_public_delete AFTER DELETE ON territories BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_public_insert AFTER INSERT ON organisations BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_public_update AFTER UPDATE ON organisations BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_public_delete AFTER DELETE ON organisations BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programmes_public_insert AFTER INSERT ON programmes BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programmes_public_update AFTER UPDATE ON programmes BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programmes_public_delete AFTER DELETE ON programmes BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programme_names_public_insert AFTER INSERT ON programme_names BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programme_names_public_update AFTER UPDATE ON programme_names BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programme_names_public_delete AFTER DELETE ON programme_names BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER calls_public_insert AFTER INSERT ON calls BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER calls_public_update AFTER UPDATE ON calls BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER calls_public_delete AFTER DELETE ON calls BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_texts_public_insert AFTER INSERT ON call_texts BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_texts_public_update AFTER UPDATE ON call_texts BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_texts_public_delete AFTER DELETE ON call_texts BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_co_managers_public_insert AFTER INSERT ON call_co_managers BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_co_managers_public_update AFTER UPDATE ON call_co_managers BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_co_managers_public_delete AFTER DELETE ON call_co_managers BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_funders_public_insert AFTER INSERT ON call_funders BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_funders_public_update AFTER UPDATE ON call_funders BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_funders_public_delete AFTER DELETE ON call_funders BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_themes_public_insert AFTER INSERT ON call_themes BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_themes_public_update AFTER UPDATE ON call_themes BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_themes_public_delete AFTER DELETE ON call_themes BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_countries_public_insert AFTER INSERT ON call_countries BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_countries_public_update AFTER UPDATE ON call_countries BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_countries_public_delete AFTER DELETE ON call_countries BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_lead_types_public_insert AFTER INSERT ON call_lead_types BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_lead_types_public_update AFTER UPDATE ON call_lead_types BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_lead_types_public_delete AFTER DELETE ON call_lead_types BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_amendments_public_insert AFTER INSERT ON call_amendments BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_amendments_public_update AFTER UPDATE ON call_amendments BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER call_amendments_public_delete AFTER DELETE ON call_amendments BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_applications_public_insert AFTER INSERT ON label_applications BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_applications_public_update AFTER UPDATE ON label_applications BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_applications_public_delete AFTER DELETE ON label_applications BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_numbers_public_insert AFTER INSERT ON label_numbers BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_numbers_public_update AFTER UPDATE ON label_numbers BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_numbers_public_delete AFTER DELETE ON label_numbers BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_facets_public_insert AFTER INSERT ON label_facets BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_facets_public_update AFTER UPDATE ON label_facets BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER label_facets_public_delete AFTER DELETE ON label_facets BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mission_evaluations_public_insert AFTER INSERT ON mission_evaluations BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mission_evaluations_public_update AFTER UPDATE ON mission_evaluations BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mission_evaluations_public_delete AFTER DELETE ON mission_evaluations BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER territories_public_insert;
DROP TRIGGER territories_public_update;
DROP TRIGGER territories_public_delete;
DROP TRIGGER organisations_public_insert;
DROP TRIGGER organisations_public_update;
DROP TRIGGER organisations_public_delete;
DROP TRIGGER programmes_public_insert;
DROP TRIGGER programmes_public_update;
DROP TRIGGER programmes_public_delete;
DROP TRIGGER programme_names_public_insert;
DROP TRIGGER programme_names_public_update;
DROP TRIGGER programme_names_public_delete;
DROP TRIGGER calls_public_insert;
DROP TRIGGER calls_public_update;
DROP TRIGGER calls_public_delete;
DROP TRIGGER call_texts_public_insert;
DROP TRIGGER call_texts_public_update;
DROP TRIGGER call_texts_public_delete;
DROP TRIGGER call_co_managers_public_insert;
DROP TRIGGER call_co_managers_public_update;
DROP TRIGGER call_co_managers_public_delete;
DROP TRIGGER call_funders_public_insert;
DROP TRIGGER call_funders_public_update;
DROP TRIGGER call_funders_public_delete;
DROP TRIGGER call_themes_public_insert;
DROP TRIGGER call_themes_public_update;
DROP TRIGGER call_themes_public_delete;
DROP TRIGGER call_countries_public_insert;
DROP TRIGGER call_countries_public_update;
DROP TRIGGER call_countries_public_delete;
DROP TRIGGER call_lead_types_public_insert;
DROP TRIGGER call_lead_types_public_update;
DROP TRIGGER call_lead_types_public_delete;
DROP TRIGGER call_amendments_public_insert;
DROP TRIGGER call_amendments_public_update;
DROP TRIGGER call_amendments_public_delete;
DROP TRIGGER label_applications_public_insert;
DROP TRIGGER label_applications_public_update;
DROP TRIGGER label_applications_public_delete;
DROP TRIGGER label_numbers_public_insert;
DROP TRIGGER label_numbers_public_update;
DROP TRIGGER label_numbers_public_delete;
DROP TRIGGER label_facets_public_insert;
DROP TRIGGER label_facets_public_update;
DROP TRIGGER label_facets_public_delete;
DROP TRIGGER mission_evaluations_public_insert;
DROP TRIGGER mission_evaluations_public_update;
DROP TRIGGER mission_evaluations_public_delete;
DROP TABLE public_version;
