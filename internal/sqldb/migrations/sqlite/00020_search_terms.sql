-- +goose Up
-- The words of the full-text indexes, one row each: a search matches the
-- last word of its query as a whole word, rather than as the start of
-- longer ones, when the index holds no longer word it starts (ftsMatch).
CREATE VIRTUAL TABLE call_search_terms USING fts5vocab (call_search, row);
CREATE VIRTUAL TABLE funded_project_search_terms USING fts5vocab (funded_project_search, row);

-- The version of the public record of funded projects, raised by every
-- change to it: the search of funded projects keeps its results for as
-- long as it stays the same.
CREATE TABLE funded_project_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO funded_project_version (id, version) VALUES (1, 0);

-- +goose Down
DROP TABLE funded_project_version;
DROP TABLE funded_project_search_terms;
DROP TABLE call_search_terms;
