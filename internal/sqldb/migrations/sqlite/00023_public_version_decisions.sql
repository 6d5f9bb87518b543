-- +goose Up
-- A call's page lists the projects its published decision selected: the
-- decisions and their publication are public data too (see
-- 00022_public_version).
-- +goose StatementBegin
CREATE TRIGGER decisions_public_insert AFTER INSERT ON decisions BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decisions_public_update AFTER UPDATE ON decisions BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decisions_public_delete AFTER DELETE ON decisions BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decision_publications_public_insert AFTER INSERT ON decision_publications BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decision_publications_public_update AFTER UPDATE ON decision_publications BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decision_publications_public_delete AFTER DELETE ON decision_publications BEGIN
    UPDATE public_version SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER decisions_public_insert;
DROP TRIGGER decisions_public_update;
DROP TRIGGER decisions_public_delete;
DROP TRIGGER decision_publications_public_insert;
DROP TRIGGER decision_publications_public_update;
DROP TRIGGER decision_publications_public_delete;
