-- +goose Up
-- An embassy's priorities for its country, saved whole: every save appends
-- a version, so earlier lists stay on record; the country's list is its
-- latest version. Texts per language, French required (by the domain).
CREATE TABLE country_priority_versions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (country, version)
);

CREATE TABLE country_priority_items (
    version_id BIGINT NOT NULL REFERENCES country_priority_versions (id),
    rank       INTEGER NOT NULL,
    theme      TEXT NOT NULL,
    text_fr    TEXT NOT NULL,
    text_en    TEXT NOT NULL DEFAULT '',
    text_es    TEXT NOT NULL DEFAULT '',
    text_pt    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, rank)
);
CREATE INDEX country_priority_items_theme ON country_priority_items (theme);

-- +goose Down
DROP TABLE country_priority_items;
DROP TABLE country_priority_versions;
