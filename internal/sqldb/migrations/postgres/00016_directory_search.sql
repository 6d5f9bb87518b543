-- +goose Up
-- Full-text search of the directory of labelled expertise: one row per
-- granted label, the French vector of its competencies (weight A) and
-- references (weight B). The storage code writes it from folded text
-- (coopdec.Fold) whenever a label is granted, revoked, expires or is
-- superseded by its renewal; whether a label is still valid is decided at
-- query time.
CREATE TABLE label_search (
    label_id BIGINT PRIMARY KEY REFERENCES label_applications (id) ON DELETE CASCADE,
    search   TSVECTOR NOT NULL
);
CREATE INDEX label_search_search ON label_search USING gin (search);

-- The directory's facets of a granted label (kind: theme, language,
-- country), so that filters and counts are SQL; the région comes from the
-- authority at query time.
CREATE TABLE label_facets (
    label_id BIGINT NOT NULL REFERENCES label_applications (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (label_id, kind, value)
);
CREATE INDEX label_facets_value ON label_facets (kind, value, label_id);
CREATE INDEX label_applications_granted ON label_applications (state, expires_at);

-- Labels granted before this migration. coopdec_unaccent does what
-- coopdec.Fold does to accents and ligatures, to_tsvector lowers and splits
-- on punctuation.
INSERT INTO label_search (label_id, search)
SELECT l.id,
    setweight(to_tsvector('french', coopdec_unaccent(
        COALESCE(l.competencies::jsonb ->> 'Description', '') || ' ' ||
        COALESCE(l.competencies::jsonb ->> 'Methods', ''))), 'A') ||
    setweight(to_tsvector('french', coopdec_unaccent(COALESCE(
        (SELECT string_agg(COALESCE(r ->> 'Title', '') || ' ' || COALESCE(r ->> 'Place', '') || ' ' ||
            COALESCE(r ->> 'Partners', '') || ' ' ||
            COALESCE(r ->> 'Results', ''), ' ')
         FROM jsonb_array_elements(CASE WHEN jsonb_typeof(l.evidence::jsonb) = 'array'
             THEN l.evidence::jsonb ELSE '[]'::jsonb END) r), ''))), 'B')
FROM label_applications l WHERE l.state = 'granted';

INSERT INTO label_facets (label_id, kind, value)
SELECT DISTINCT l.id, 'theme', t.value FROM label_applications l,
    jsonb_array_elements_text(CASE WHEN jsonb_typeof(l.competencies::jsonb -> 'Themes') = 'array'
        THEN l.competencies::jsonb -> 'Themes' ELSE '[]'::jsonb END) t(value)
WHERE l.state = 'granted' AND t.value <> '';
INSERT INTO label_facets (label_id, kind, value)
SELECT DISTINCT l.id, 'language', t.value FROM label_applications l,
    jsonb_array_elements_text(CASE WHEN jsonb_typeof(l.conditions::jsonb -> 'Languages') = 'array'
        THEN l.conditions::jsonb -> 'Languages' ELSE '[]'::jsonb END) t(value)
WHERE l.state = 'granted' AND t.value <> '';
INSERT INTO label_facets (label_id, kind, value)
SELECT DISTINCT l.id, 'country', r ->> 'Country' FROM label_applications l,
    jsonb_array_elements(CASE WHEN jsonb_typeof(l.evidence::jsonb) = 'array'
        THEN l.evidence::jsonb ELSE '[]'::jsonb END) r
WHERE l.state = 'granted' AND COALESCE(r ->> 'Country', '') <> '';

-- Full-text search of mission reports: the mission's place (country,
-- partner) and need (A), findings and recommendations (B), follow-up (C);
-- written with the report. Reports filed before this migration: their
-- folded search text already holds the three texts.
ALTER TABLE mission_reports ADD COLUMN search_vector TSVECTOR NOT NULL DEFAULT ''::tsvector;
UPDATE mission_reports r SET search_vector =
    setweight(to_tsvector('french', coopdec_unaccent(m.country || ' ' || m.partner_name || ' ' || m.need)), 'A') ||
    setweight(to_tsvector('french', r.search), 'B')
FROM mission_requests m WHERE m.id = r.mission_id;
CREATE INDEX mission_reports_search ON mission_reports USING gin (search_vector);

-- Who changed the PACT2 envelope, to what, and why.
CREATE TABLE programme_envelope_changes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    amount_cents BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    changed_by   BIGINT REFERENCES users (id),
    changed_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX programme_envelope_changes_programme ON programme_envelope_changes (programme_id, id);

-- +goose Down
DROP TABLE programme_envelope_changes;
DROP INDEX mission_reports_search;
ALTER TABLE mission_reports DROP COLUMN search_vector;
DROP INDEX label_applications_granted;
DROP TABLE label_facets;
DROP TABLE label_search;
