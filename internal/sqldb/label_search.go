package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// The public directory of labelled expertise, searched in the database:
// the text through FTS5 (SQLite) or a tsvector (PostgreSQL), the facets'
// filters and counts in SQL, so that a search reads a page of labels, not
// all of them. The index holds the granted labels; whether one is still
// valid is decided at query time, so a label past its expiry leaves the
// directory before the daily job marks it expired.

// Facet kinds of label_facets.
const (
	facetTheme    = "theme"
	facetLanguage = "language"
	facetCountry  = "country"
)

// ftsHits returns a WITH clause's body (id, score) selecting the rows of
// an index whose text matches every folded term, the last as the start of
// a word; the higher the score the better. The terms reach the database as
// parameters, quoted for its query syntax, so no input is ever read as an
// operator. On PostgreSQL, vector is the tsvector column of table keyed by
// idColumn; on SQLite, table is the FTS5 table (rowid) and bm25Weights its
// columns' weights.
func (db *DB) ftsHits(table, idColumn, vector, bm25Weights string, terms []string, arg func(any) string) string {
	if db.Dialect == Postgres {
		// The last term as a prefix, both stemmed in French (a whole word
		// finds its inflections) and as typed (a stop word or a word cut
		// short still finds the words it begins).
		quoted := "'''' || replace(replace(coopdec_unaccent(" + arg(terms[len(terms)-1]) + `), '\', '\\'), '''', '''''') || ''':*'`
		last := "(to_tsquery('french', " + quoted + ") || to_tsquery('simple', " + quoted + "))"
		q := last
		if len(terms) > 1 {
			q = "plainto_tsquery('french', coopdec_unaccent(" + arg(strings.Join(terms[:len(terms)-1], " ")) + ")) && " + last
		}
		return "SELECT t." + idColumn + " AS id, ts_rank(t." + vector + ", q.q) AS score FROM " + table + " t, (SELECT " + q +
			" AS q) q WHERE t." + vector + " @@ q.q"
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	quoted[len(quoted)-1] += "*"
	// bm25 is lower for better matches.
	return "SELECT rowid AS id, -bm25(" + table + ", " + bm25Weights + ") AS score FROM " + table + " WHERE " + table +
		" MATCH " + arg(strings.Join(quoted, " "))
}

// searchTerms folds a query into the words a search looks for, at most
// maxQueryTerms of them.
func searchTerms(q string) []string {
	terms := strings.Fields(coopdec.Fold(q))
	return terms[:min(len(terms), maxQueryTerms)]
}

// labelIndexText returns the folded text a label is found by: its
// competencies (weighing most), then its references (title, place, partners, results).
func labelIndexText(a *coopdec.LabelApplication) (competencies, refs string) {
	parts := make([]string, 0, 4*len(a.References))
	for _, r := range a.References {
		parts = append(parts, r.Title, r.Place, r.Partners, r.Results)
	}
	return coopdec.Fold(a.Competencies.Description + " " + a.Competencies.Methods), coopdec.Fold(strings.Join(parts, " "))
}

// indexLabel brings a label's entry in the directory's index in step with
// it: written while it is granted, removed otherwise (revoked, expired,
// superseded). Callers run it in the transaction that changes the label.
func (db *DB) indexLabel(ctx context.Context, q querier, a *coopdec.LabelApplication) error {
	del := `DELETE FROM label_search WHERE label_id = $1`
	if db.Dialect != Postgres {
		del = `DELETE FROM label_search WHERE rowid = $1`
	}
	if _, err := q.ExecContext(ctx, del, a.ID); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM label_facets WHERE label_id = $1`, a.ID); err != nil {
		return err
	}
	// The text index has no trigger of its own (SQLite's full-text tables
	// take none): the public version is raised here.
	if _, err := q.ExecContext(ctx, `UPDATE public_version SET version = version + 1`); err != nil {
		return err
	}
	if a.State != coopdec.LabelGranted {
		return nil
	}
	comp, refs := labelIndexText(a)
	ins := `INSERT INTO label_search (rowid, competencies, refs) VALUES ($1, $2, $3)`
	if db.Dialect == Postgres {
		ins = `INSERT INTO label_search (label_id, search) VALUES ($1,
			setweight(to_tsvector('french', coopdec_unaccent($2)), 'A') ||
			setweight(to_tsvector('french', coopdec_unaccent($3)), 'B'))`
	}
	if _, err := q.ExecContext(ctx, ins, a.ID, comp, refs); err != nil {
		return err
	}
	for _, f := range []struct {
		kind   string
		values []string
	}{{facetTheme, a.Competencies.Themes}, {facetLanguage, a.Conditions.Languages}, {facetCountry, a.Countries()}} {
		var seen []string
		for _, v := range f.values {
			if v == "" || slices.Contains(seen, v) {
				continue
			}
			seen = append(seen, v)
			if _, err := q.ExecContext(ctx, `INSERT INTO label_facets (label_id, kind, value) VALUES ($1, $2, $3)`,
				a.ID, f.kind, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// SearchLabelDirectory returns the page of valid labels (granted, not past
// their expiry at the database's now) that q keeps, the total, and the
// facets' counts: for each facet, how many labels each value keeps given
// the text and the other facets. A text is folded and split into words, all
// of which must match, the last as the start of a word; results come by
// relevance, then by authority name; without text, by authority name. A
// text that folds to nothing (punctuation) does not filter. The listings
// hold what the directory shows (directoryListings), not whole labels.
//
// The text is matched and scored by the database's full-text index; the
// facets are filtered and counted on the index of the valid labels kept
// in memory (directoryIndex); the page's labels are read last.
func (db *DB) SearchLabelDirectory(ctx context.Context, q coopdec.LabelQuery, page coopdec.Page) ([]LabelListing, coopdec.Page, coopdec.LabelFacets, error) {
	page = coopdec.NewPage(page.Page, page.PerPage)
	version, err := db.publicVersion(ctx)
	if err != nil {
		return nil, page, coopdec.LabelFacets{}, err
	}
	idx, err := db.directoryIndexAt(ctx, version, db.now())
	if err != nil {
		return nil, page, coopdec.LabelFacets{}, err
	}
	var hits map[int64]float64
	if terms := searchTerms(q.Text); len(terms) > 0 {
		if hits, err = db.labelTextHits(ctx, version, terms); err != nil {
			return nil, page, coopdec.LabelFacets{}, translate(err)
		}
	}
	all, facets := idx.search(q, hits)
	page.Total = len(all)
	from := min(page.Offset(), len(all))
	ids := all[from:min(from+page.PerPage, len(all))]
	if len(ids) == 0 {
		return nil, page, facets, nil
	}
	list, err := db.directoryListings(ctx, ids)
	if err != nil {
		return nil, page, facets, translate(err)
	}
	// A label revoked since the index was read is left out.
	out := make([]LabelListing, 0, len(ids))
	for _, id := range ids {
		if l, ok := list[id]; ok {
			out = append(out, l)
		}
	}
	return out, page, facets, nil
}

// labelTextHits returns the labels whose indexed text matches the terms,
// with their scores (the higher the better). Scoring every label a common
// word matches is most of a directory search's time, and the same words
// come back with other filters and pages: the hits of the last words
// searched are kept by the public version (the caller's reading), which
// every change to the index raises (indexLabel). The map returned is
// shared: read it only.
func (db *DB) labelTextHits(ctx context.Context, version int64, terms []string) (map[int64]float64, error) {
	key := strings.Join(terms, " ")
	if hits, ok := db.labelHits.get(version, key); ok {
		return hits, nil
	}
	hits, err := db.readLabelTextHits(ctx, terms)
	if err == nil {
		db.labelHits.put(version, key, hits)
	}
	return hits, err
}

func (db *DB) readLabelTextHits(ctx context.Context, terms []string) (map[int64]float64, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	rows, err := db.read.QueryContext(ctx, db.ftsHits("label_search", "label_id", "search", "4.0, 1.0", terms, arg), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hits := map[int64]float64{}
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, err
		}
		hits[id] = score
	}
	return hits, rows.Err()
}

// directoryListings reads the valid labels ids as the directory shows them: the
// authority, the number, the expiry, the competencies, the languages and
// the countries of experience (from the index, which holds the label's),
// not the references or the review dates.
func (db *DB) directoryListings(ctx context.Context, ids []int64) (map[int64]LabelListing, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	countries := "group_concat(f.value, ' ')"
	if db.Dialect == Postgres {
		countries = "string_agg(f.value, ' ')"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, l.organisation_id, l.state, l.competencies, l.conditions,
		COALESCE(l.number, ''), l.granted_at, l.expires_at, o.name, o.region_code,
		COALESCE((SELECT `+countries+` FROM label_facets f WHERE f.label_id = l.id AND f.kind = 'country'), '')`+labelFrom+
		` WHERE l.id IN (`+argList(ids, arg)+`) AND l.state = 'granted'`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]LabelListing, len(ids))
	for rows.Next() {
		var r LabelRecord
		var state, comp, cond, countries string
		var granted, expires sql.NullTime
		if err := rows.Scan(&r.ID, &r.OrganisationID, &state, &comp, &cond, &r.Number, &granted, &expires,
			&r.OrganisationName, &r.RegionCode, &countries); err != nil {
			return nil, err
		}
		r.State = coopdec.LabelState(state)
		if err := json.Unmarshal([]byte(comp), &r.Competencies); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cond), &r.Conditions); err != nil {
			return nil, err
		}
		if granted.Valid {
			r.GrantedAt = granted.Time.UTC()
		}
		if expires.Valid {
			r.ExpiresAt = expires.Time.UTC()
		}
		l := LabelListing{LabelRecord: r, Themes: r.Competencies.Themes, Languages: r.Conditions.Languages}
		if cs := strings.Fields(countries); len(cs) > 0 {
			slices.Sort(cs)
			l.Countries = cs
		}
		out[r.ID] = l
	}
	return out, rows.Err()
}

// ValidLabelsOf returns the labels of authority orgID valid at the
// database's now (one, but for the moment a renewal is granted), for its
// profile in the directory; ENOTFOUND when it has none.
func (db *DB) ValidLabelsOf(ctx context.Context, orgID int64) ([]LabelListing, error) {
	list, err := queryLabels(ctx, db.read, `SELECT `+labelColumns+labelFrom+
		` WHERE l.organisation_id = $1 AND l.state = 'granted' AND l.expires_at > $2 ORDER BY l.id`, orgID, db.now())
	if err != nil {
		return nil, translate(err)
	}
	if len(list) == 0 {
		return nil, &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "label.directory.not_found"}
	}
	return labelListings(list), nil
}

// LabelledAmong returns those of the organisations orgIDs that hold a label
// valid at now.
func (db *DB) LabelledAmong(ctx context.Context, orgIDs []int64, now time.Time) ([]int64, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	return queryIDs(ctx, db.read, `SELECT DISTINCT organisation_id FROM label_applications
		WHERE state = 'granted' AND expires_at > `+arg(now.UTC())+` AND organisation_id IN (`+argList(orgIDs, arg)+`)
		ORDER BY organisation_id`, args...)
}

func labelListings(list []LabelRecord) []LabelListing {
	out := make([]LabelListing, len(list))
	for i := range list {
		r := list[i]
		out[i] = LabelListing{LabelRecord: r, Themes: r.Competencies.Themes, Languages: r.Conditions.Languages, Countries: r.Countries()}
	}
	return out
}
