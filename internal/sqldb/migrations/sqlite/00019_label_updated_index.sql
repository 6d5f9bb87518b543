-- +goose Up
-- The matching's expertise profiles are kept while the labels stay the
-- same; their fingerprint reads the last change of any label on every
-- match, which without this index reads the whole table.
CREATE INDEX label_applications_updated ON label_applications (updated_at);

-- +goose Down
DROP INDEX label_applications_updated;
