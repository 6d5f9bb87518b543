-- +goose Up
-- query is the normalized query string of a search of calls, as the /appels
-- page and GET /api/v1/calls read it. last_sent_at is when the last digest
-- that listed this search was sent; calls published since then are new.
-- unsubscribed_at stops the digest and keeps the search.
CREATE TABLE saved_searches (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    query           TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    last_sent_at    TIMESTAMP,
    unsubscribed_at TIMESTAMP
);
CREATE INDEX saved_searches_user ON saved_searches (user_id);

-- Each digest carries a fresh one-click unsubscribe secret per search (only
-- its hash is stored, so an older one cannot be sent again); every secret
-- sent stays valid until its search is deleted or it is a year old.
CREATE TABLE saved_search_unsubscribe_tokens (
    token_hash      TEXT PRIMARY KEY,
    saved_search_id INTEGER NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX saved_search_unsubscribe_tokens_search ON saved_search_unsubscribe_tokens (saved_search_id);

-- +goose Down
DROP TABLE saved_search_unsubscribe_tokens;
DROP TABLE saved_searches;
