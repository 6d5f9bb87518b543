-- +goose Up
-- Full-text search of the directory of labelled expertise: one row per
-- granted label (rowid = label_applications.id), its competencies and its
-- references. The storage code writes it folded (coopdec.Fold) whenever a
-- label is granted, revoked, expires or is superseded by its renewal;
-- whether a label is still valid is decided at query time.
CREATE VIRTUAL TABLE label_search USING fts5 (
    competencies,
    refs,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The directory's facets of a granted label (kind: theme, language,
-- country), so that filters and counts are SQL; the région comes from the
-- authority at query time.
CREATE TABLE label_facets (
    label_id INTEGER NOT NULL REFERENCES label_applications (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (label_id, kind, value)
);
CREATE INDEX label_facets_value ON label_facets (kind, value, label_id);
CREATE INDEX label_applications_granted ON label_applications (state, expires_at);

-- Labels granted before this migration. SQL cannot call coopdec.Fold:
-- FTS5 lowers and strips accents itself (remove_diacritics), so only the
-- ligatures Fold spells out are replaced here; punctuation separates
-- tokens in both.
INSERT INTO label_search (rowid, competencies, refs)
SELECT l.id,
    replace(replace(replace(replace(replace(
        COALESCE(json_extract(l.competencies, '$.Description'), '') || ' ' ||
        COALESCE(json_extract(l.competencies, '$.Methods'), ''),
        'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'ß', 'ss'),
    replace(replace(replace(replace(replace(
        COALESCE((SELECT group_concat(COALESCE(json_extract(r.value, '$.Title'), '') || ' ' ||
            COALESCE(json_extract(r.value, '$.Place'), '') || ' ' ||
            COALESCE(json_extract(r.value, '$.Partners'), '') || ' ' ||
            COALESCE(json_extract(r.value, '$.Results'), ''), ' ')
            FROM json_each(l.evidence) r WHERE json_type(l.evidence) = 'array'), ''),
        'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'ß', 'ss')
FROM label_applications l WHERE l.state = 'granted';

INSERT OR IGNORE INTO label_facets (label_id, kind, value)
SELECT l.id, 'theme', t.value FROM label_applications l, json_each(l.competencies, '$.Themes') t
WHERE l.state = 'granted' AND json_type(l.competencies, '$.Themes') = 'array' AND t.value <> '';
INSERT OR IGNORE INTO label_facets (label_id, kind, value)
SELECT l.id, 'language', t.value FROM label_applications l, json_each(l.conditions, '$.Languages') t
WHERE l.state = 'granted' AND json_type(l.conditions, '$.Languages') = 'array' AND t.value <> '';
INSERT OR IGNORE INTO label_facets (label_id, kind, value)
SELECT l.id, 'country', json_extract(r.value, '$.Country') FROM label_applications l, json_each(l.evidence) r
WHERE l.state = 'granted' AND json_type(l.evidence) = 'array' AND COALESCE(json_extract(r.value, '$.Country'), '') <> '';

-- Full-text search of mission reports (rowid = mission_id): the mission's
-- place (country, partner) and need, the findings and recommendations, the
-- follow-up; written with the report.
CREATE VIRTUAL TABLE mission_report_search USING fts5 (
    place,
    report,
    follow_up,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Reports filed before this migration: their folded search text already
-- holds findings, recommendations and follow-up together.
INSERT INTO mission_report_search (rowid, place, report, follow_up)
SELECT r.mission_id,
    replace(replace(replace(replace(replace(m.country || ' ' || m.partner_name || ' ' || m.need,
        'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'ß', 'ss'),
    r.search, ''
FROM mission_reports r JOIN mission_requests m ON m.id = r.mission_id;

-- Who changed the PACT2 envelope, to what, and why.
CREATE TABLE programme_envelope_changes (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    amount_cents BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    changed_by   INTEGER REFERENCES users (id),
    changed_at   TIMESTAMP NOT NULL
);
CREATE INDEX programme_envelope_changes_programme ON programme_envelope_changes (programme_id, id);

-- +goose Down
DROP TABLE programme_envelope_changes;
DROP TABLE mission_report_search;
DROP INDEX label_applications_granted;
DROP TABLE label_facets;
DROP TABLE label_search;
