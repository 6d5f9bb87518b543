package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errProjectNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "project.not_found"}

// SortDecided sorts funded projects by their decision, newest first.
const SortDecided = "decided"

// ProjectFilter selects funded projects in the search. Empty fields select
// everything.
type ProjectFilter struct {
	Query       string   // full text: titles, summaries, lead, partners, call
	Country     string   // projects acting in this country
	Themes      []string // projects with any of these themes
	ProgrammeID int64
	RegionCode  string // the lead authority's région
	Year        int    // the decision's year, in Paris
	// Sort is SortRelevance (the default with a query) or SortDecided
	// (newest decision first, the default without).
	Sort string
}

// rankedProjects bounds the work of a relevance sort: the score is
// computed for the most recent matches only (by application, newest
// first), at most this many, and they come first, best first; older
// matches follow, newest first. A word found in most documents would
// otherwise have every one of them scored to show twenty, at a cost that
// grows with the record; a word found in fewer documents has all of them
// ranked.
const rankedProjects = 500

// SearchProjects returns a page of the funded projects matching f, as the
// public sees them. The query is read as SearchCalls reads it: folded,
// every word must match, the last may be the start of a word. By
// relevance, the rankedProjects most recent matches are ranked, then the
// others follow newest first; the total counts every match. Pages are
// chosen on the narrow columns; the documents are read for their rows
// only. The record changes only when a decision is published: the pages
// and documents are kept for as long as its version stays the same
// (projectCache), so their maps and slices are shared between readers:
// read them, never change them.
func (db *DB) SearchProjects(ctx context.Context, f ProjectFilter, page coopdec.Page) ([]coopdec.PublicProject, coopdec.Page, error) {
	page = coopdec.NewPage(page.Page, page.PerPage)
	var terms []string
	if strings.TrimSpace(f.Query) != "" {
		if terms = searchTerms(f.Query); len(terms) == 0 {
			return nil, page, nil
		}
	}
	sort := f.Sort
	if sort == "" || (sort == SortRelevance && terms == nil) {
		sort = SortDecided
		if terms != nil {
			sort = SortRelevance
		}
	}
	if sort != SortRelevance && sort != SortDecided {
		return nil, page, coopdec.FieldError("sort", "project.search.sort_invalid")
	}
	// The version first: a page read after it may be newer than it says,
	// never older, and a newer version makes it unused.
	var version int64
	if err := db.read.QueryRowContext(ctx, `SELECT version FROM funded_project_version`).Scan(&version); err != nil {
		return nil, page, translate(err)
	}
	key := projectSearchKey(terms, f, sort, page)
	ids, ok := db.selected.page(version, key, &page.Total)
	if !ok {
		var err error
		if ids, err = db.searchProjectIDs(ctx, terms, f, sort, &page); err != nil {
			return nil, page, err
		}
		db.selected.putPage(version, key, ids, page.Total)
	}
	if len(ids) == 0 {
		return nil, page, nil
	}
	out, err := db.projectDocs(ctx, version, ids)
	return out, page, err
}

// projectSearchKey names a search of funded projects in projectCache.
func projectSearchKey(terms []string, f ProjectFilter, sort string, page coopdec.Page) string {
	return fmt.Sprintf("%q|%s|%q|%d|%s|%d|%s|%d|%d", terms, strings.ToUpper(strings.TrimSpace(f.Country)), f.Themes,
		f.ProgrammeID, f.RegionCode, f.Year, sort, page.Page, page.PerPage)
}

// searchProjectIDs returns the IDs of a page of the funded projects
// matching f, in order, and sets the total of page.
func (db *DB) searchProjectIDs(ctx context.Context, terms []string, f ProjectFilter, sort string, page *coopdec.Page) ([]int64, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	match := ""
	if terms != nil && db.Dialect == SQLite {
		// The index's vocabulary is kept by public version, which a change
		// of the record raises too (bumpProjectVersion).
		version, err := db.publicVersion(ctx)
		if err != nil {
			return nil, err
		}
		if match, err = db.ftsMatch(ctx, version, "funded_project_search_terms", terms); err != nil {
			return nil, err
		}
	}

	// m is the matching documents. The filters on the themes and countries
	// read their narrow tables; those on the decision's columns read the
	// index funded_projects_published, which holds them, never the wide
	// rows. The unary plus keeps these lists from driving the query: the
	// full-text match does, or, without a query, the index in the order of
	// the page.
	m := db.projectMatches(terms, match, arg)
	plus := ""
	if db.Dialect == SQLite {
		plus = "+"
	}
	var subs []string
	if f.Country != "" {
		subs = append(subs, "SELECT application_id FROM funded_project_countries WHERE country = "+
			arg(strings.ToUpper(strings.TrimSpace(f.Country))))
	}
	if len(f.Themes) > 0 {
		subs = append(subs, "SELECT DISTINCT application_id FROM funded_project_themes WHERE theme IN ("+argList(f.Themes, arg)+")")
	}
	var fconds []string
	if f.ProgrammeID != 0 {
		fconds = append(fconds, "programme_id = "+arg(f.ProgrammeID))
	}
	if f.RegionCode != "" {
		fconds = append(fconds, "region_code = "+arg(f.RegionCode))
	}
	if f.Year != 0 {
		fconds = append(fconds, "year = "+arg(f.Year))
	}
	if len(fconds) > 0 {
		if m.joined {
			for _, c := range fconds {
				m.conds = append(m.conds, "f."+c)
			}
		} else {
			subs = append(subs, "SELECT application_id FROM funded_projects WHERE "+strings.Join(fconds, " AND "))
		}
	}
	for _, sub := range subs {
		m.conds = append(m.conds, plus+m.id+" IN ("+sub+")")
	}
	where := ""
	if len(m.conds) > 0 {
		where = " WHERE " + strings.Join(m.conds, " AND ")
	}
	count := "SELECT count(*) FROM " + m.from + where
	if terms == nil && len(fconds) == 0 && len(subs) > 0 {
		// Filters on narrow tables only: counted there.
		count = "SELECT count(*) FROM (" + subs[0] + ") x"
		for _, sub := range subs[1:] {
			count += " WHERE x.application_id IN (" + sub + ")"
		}
	}
	if err := db.read.QueryRowContext(ctx, count, args...).Scan(&page.Total); err != nil {
		return nil, translate(err)
	}
	if page.Total == 0 || page.Offset() >= page.Total {
		return nil, nil
	}

	// The ranked set holds whole pages, so that none straddles its end.
	ranked := (rankedProjects + page.PerPage - 1) / page.PerPage * page.PerPage
	var pick string
	switch {
	case sort == SortRelevance && page.Offset() < ranked:
		// Equal scores, rare, go by application, newest first: the
		// decision's date would cost a read of each wide row.
		pick = "SELECT r.id AS pid FROM (SELECT " + m.id + " AS id" + m.rankColumns + " FROM " + m.from + where +
			" ORDER BY " + m.id + " DESC LIMIT " + arg(ranked) + ") r ORDER BY " + m.rank("r") + " DESC, r.id DESC"
	case sort == SortRelevance:
		pick = "SELECT " + m.id + " AS pid FROM " + m.from + where + " ORDER BY " + m.id + " DESC"
	default:
		m.join()
		pick = "SELECT f.application_id AS pid FROM " + m.from + where + " ORDER BY f.published_at DESC, f.application_id DESC"
	}
	return queryIDs(ctx, db.read, pick+" LIMIT "+arg(page.PerPage)+" OFFSET "+arg(page.Offset()), args...)
}

// projectDocs returns the public records of the funded projects ids, in
// their order, from projectCache or else the database.
func (db *DB) projectDocs(ctx context.Context, version int64, ids []int64) ([]coopdec.PublicProject, error) {
	out := make([]coopdec.PublicProject, len(ids))
	var args []any
	var ps []string
	for i, id := range ids {
		if p, ok := db.selected.doc(version, id); ok {
			out[i] = p
			continue
		}
		args = append(args, id)
		ps = append(ps, "$"+itoa(len(args)))
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, "SELECT application_id, doc FROM funded_projects WHERE application_id IN ("+
		strings.Join(ps, ", ")+")", args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, translate(err)
		}
		i := slices.Index(ids, id)
		if err := json.Unmarshal([]byte(doc), &out[i]); err != nil {
			return nil, fmt.Errorf("sqldb: funded project %d: unable to read its record: %w", id, err)
		}
		db.selected.putDoc(version, out[i])
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// projectMatch is the set of funded projects a search reads: the FROM
// clause and conditions selecting them, and the expression of their ID.
type projectMatch struct {
	from  string
	conds []string
	id    string
	// joined says whether from has funded_projects as f, which the filters
	// on its columns and the sort by decision read.
	joined bool
	// rankColumns are the columns the ranked subquery adds for rank, which
	// returns the score of one of its rows (alias r), the higher the better.
	rankColumns string
	rank        func(r string) string
}

// join adds funded_projects as f after the full-text table, which stays
// the outer loop (SQLite reads a CROSS JOIN in the order written).
func (m *projectMatch) join() {
	if !m.joined {
		m.from += " CROSS JOIN funded_projects f ON f.application_id = " + m.id
		m.joined = true
	}
}

// projectMatches returns the funded projects whose text matches every
// term, as callHits reads a query, the terms reaching the database as
// parameters (match, their FTS5 query, on SQLite); every funded project
// without terms.
func (db *DB) projectMatches(terms []string, match string, arg func(any) string) projectMatch {
	if terms == nil {
		return projectMatch{from: "funded_projects f", id: "f.application_id", joined: true,
			rank: func(string) string { return "0" }}
	}
	if db.Dialect == Postgres {
		last := "to_tsquery('french', '''' || replace(replace(coopdec_unaccent(" + arg(terms[len(terms)-1]) +
			`), '\', '\\'), '''', '''''') || ''':*')`
		q := last
		if len(terms) > 1 {
			q = "plainto_tsquery('french', coopdec_unaccent(" + arg(strings.Join(terms[:len(terms)-1], " ")) + ")) && " + last
		}
		// ts_rank runs above the LIMIT, on the ranked rows only.
		return projectMatch{from: "funded_projects f CROSS JOIN (SELECT " + q + " AS q) q", conds: []string{"f.search @@ q.q"},
			id: "f.application_id", joined: true, rankColumns: ", f.search AS search, q.q AS q",
			rank: func(r string) string { return "ts_rank(" + r + ".search, " + r + ".q)" }}
	}
	// FTS5 scores the rows its query returns only, here under the LIMIT;
	// bm25 is lower for better matches; titles weigh most, then summaries.
	return projectMatch{from: "funded_project_search", id: "funded_project_search.rowid",
		conds:       []string{"funded_project_search MATCH " + arg(match)},
		rankColumns: ", -bm25(funded_project_search, 10.0, 4.0, 1.0) AS score",
		rank:        func(r string) string { return r + ".score" }}
}

// PublicProject returns what the public may see of a funded project, named
// by its application's ID; ENOTFOUND for any application that no final
// decision funds.
func (db *DB) PublicProject(ctx context.Context, applicationID int64) (*coopdec.PublicProject, error) {
	var doc string
	err := db.read.QueryRowContext(ctx, `SELECT doc FROM funded_projects WHERE application_id = $1`, applicationID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errProjectNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	p := &coopdec.PublicProject{}
	if err := json.Unmarshal([]byte(doc), p); err != nil {
		return nil, fmt.Errorf("sqldb: funded project %d: unable to read its record: %w", applicationID, err)
	}
	return p, nil
}

// IndexFundedProjects brings the public record of funded projects in step
// with the published decisions, for the calls whose latest final decision
// it does not reflect yet: those decided before the record existed. It
// runs after the migrations, and finds nothing to do once done. It returns
// how many calls it indexed.
func (db *DB) IndexFundedProjects(ctx context.Context) (int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.call_id, p.decision_id FROM decision_publications p
		WHERE NOT EXISTS (SELECT 1 FROM funded_project_calls i WHERE i.call_id = p.call_id AND i.decision_id = p.decision_id)
		AND NOT EXISTS (SELECT 1 FROM decision_publications n WHERE n.call_id = p.call_id
			AND (n.published_at > p.published_at OR (n.published_at = p.published_at AND n.decision_id > p.decision_id)))
		ORDER BY p.call_id`)
	if err != nil {
		return 0, translate(err)
	}
	type stale struct{ call, decision int64 }
	var list []stale
	for rows.Next() {
		var s stale
		if err := rows.Scan(&s.call, &s.decision); err != nil {
			rows.Close()
			return 0, translate(err)
		}
		list = append(list, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, translate(err)
	}
	for _, s := range list {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			// The call's lock, as a publication takes it; then the decision
			// must still be the latest one.
			c, err := db.loadCall(ctx, tx, s.call, true)
			if err != nil {
				return err
			}
			var id int64
			var at time.Time
			if err := tx.QueryRowContext(ctx, `SELECT decision_id, published_at FROM decision_publications WHERE call_id = $1
				ORDER BY published_at DESC, decision_id DESC LIMIT 1`, s.call).Scan(&id, &at); err != nil {
				return err
			}
			if id != s.decision {
				return nil
			}
			d, _, err := db.loadDecision(ctx, tx, id, false)
			if err != nil {
				return err
			}
			return db.indexFundedProjects(ctx, tx, c, d, at.UTC())
		})
		if err != nil {
			return 0, fmt.Errorf("sqldb: unable to index the funded projects of call %d: %w", s.call, err)
		}
	}
	return len(list), nil
}

// indexFundedProjects replaces, within tx, the public record of c's funded
// projects with the main list of d, its final decision published at at.
func (db *DB) indexFundedProjects(ctx context.Context, tx *sql.Tx, c *coopdec.Call, d *coopdec.Decision, at time.Time) error {
	if err := bumpProjectVersion(ctx, tx); err != nil {
		return err
	}
	if db.Dialect == SQLite {
		if _, err := tx.ExecContext(ctx, `DELETE FROM funded_project_search WHERE rowid IN
			(SELECT application_id FROM funded_projects WHERE call_id = $1)`, c.ID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM funded_projects WHERE call_id = $1`, c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO funded_project_calls (call_id, decision_id) VALUES ($1, $2)
		ON CONFLICT (call_id) DO UPDATE SET decision_id = excluded.decision_id`, c.ID, d.ID); err != nil {
		return err
	}
	entries := coopdec.FundedEntries(d)
	if len(entries) == 0 {
		return nil
	}
	programmes, err := db.loadProgrammesIn(ctx, tx, c.ProgrammeID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		a, err := db.loadApplication(ctx, tx, e.ApplicationID, false)
		if err != nil {
			return err
		}
		lead := &coopdec.Organisation{}
		if err := scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, a.LeadOrganisationID), lead); err != nil {
			return err
		}
		names, err := partnerNames(ctx, tx, a)
		if err != nil {
			return err
		}
		p, ok := coopdec.NewPublicProject(coopdec.ProjectSource{Call: c, ProgrammeNames: programmes, Decision: d, Entry: e,
			Application: a, Lead: lead, PartnerNames: names, DecidedAt: at, Year: at.In(paris).Year()})
		if !ok {
			continue
		}
		if err := db.insertFundedProject(ctx, tx, &p); err != nil {
			return err
		}
	}
	return nil
}

// bumpProjectVersion raises the version of the public record of funded
// projects within tx, the transaction that changes the record: every
// server then stops using the searches it keeps (projectCache). The
// public version is raised with it: the record is public data, also
// indexed where no trigger reaches (the full-text table, the record
// rebuilt for decisions published before it existed).
func bumpProjectVersion(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE funded_project_version SET version = version + 1`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE public_version SET version = version + 1`)
	return err
}

func (db *DB) insertFundedProject(ctx context.Context, tx *sql.Tx, p *coopdec.PublicProject) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO funded_projects (application_id, call_id, decision_id, programme_id, region_code,
		year, published_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.ApplicationID, p.CallID, p.DecisionID, p.ProgrammeID, p.RegionCode, p.Year, p.DecidedAt, string(doc)); err != nil {
		return err
	}
	for _, t := range slices.Compact(slices.Sorted(slices.Values(p.Themes))) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO funded_project_themes (theme, application_id) VALUES ($1, $2)`, t, p.ApplicationID); err != nil {
			return err
		}
	}
	for _, c := range slices.Compact(slices.Sorted(slices.Values(p.Countries))) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO funded_project_countries (country, application_id) VALUES ($1, $2)`, c, p.ApplicationID); err != nil {
			return err
		}
	}
	title, summary, body := projectSearchText(p)
	if db.Dialect == Postgres {
		_, err := tx.ExecContext(ctx, `UPDATE funded_projects SET search =
			setweight(to_tsvector('french', coopdec_unaccent($1)), 'A') ||
			setweight(to_tsvector('french', coopdec_unaccent($2)), 'B') ||
			setweight(to_tsvector('french', coopdec_unaccent($3)), 'D') WHERE application_id = $4`, title, summary, body, p.ApplicationID)
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO funded_project_search (rowid, title, summary, body) VALUES ($1, $2, $3, $4)`,
		p.ApplicationID, title, summary, body)
	return err
}

// projectSearchText returns the folded text a funded project is found by,
// in three parts of decreasing weight: titles; summaries; the names of
// its lead, partners and call, with the call's reference.
func projectSearchText(p *coopdec.PublicProject) (title, summary, body string) {
	var titles, summaries []string
	for _, l := range slices.Sorted(maps.Keys(p.Texts)) {
		titles = append(titles, coopdec.Fold(p.Texts[l].Title))
		summaries = append(summaries, coopdec.Fold(p.Texts[l].Summary))
	}
	names := []string{coopdec.Fold(p.LeadName), coopdec.Fold(p.CallReference)}
	for _, pt := range p.Partners {
		names = append(names, coopdec.Fold(pt.Name))
	}
	for _, l := range slices.Sorted(maps.Keys(p.CallTitles)) {
		names = append(names, coopdec.Fold(p.CallTitles[l]))
	}
	return strings.Join(titles, " "), strings.Join(summaries, " "), strings.Join(names, " ")
}

// loadProgrammesIn reads a programme's names within q.
func (db *DB) loadProgrammesIn(ctx context.Context, q querier, id int64) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT lang, name FROM programme_names WHERE programme_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var l, n string
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		out[l] = n
	}
	return out, rows.Err()
}

// partnerNames names the registered organisations of a's consortium.
func partnerNames(ctx context.Context, q querier, a *coopdec.Application) (map[int64]string, error) {
	var ids []any
	var ps []string
	for _, p := range a.Partners {
		if p.OrganisationID != 0 {
			ids = append(ids, p.OrganisationID)
			ps = append(ps, "$"+itoa(len(ids)))
		}
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM organisations WHERE id IN (`+strings.Join(ps, ", ")+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
