-- +goose Up
-- The version of the public record of funded projects, raised by every
-- change to it: the search of funded projects keeps its results for as
-- long as it stays the same. (SQLite's migration also adds the words of
-- its full-text indexes, which PostgreSQL does not need.)
CREATE TABLE funded_project_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO funded_project_version (id, version) VALUES (1, 0);

-- +goose Down
DROP TABLE funded_project_version;
