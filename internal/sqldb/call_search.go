package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// Call search sorts.
const (
	SortRelevance = "relevance"
	SortDeadline  = "deadline"
	SortPublished = "published"
)

// maxQueryTerms is the most words of a query the search uses.
const maxQueryTerms = 32

// CallFilter selects calls in the search. Empty fields select everything.
type CallFilter struct {
	Query          string                // full text, over every language's titles, summaries and bodies
	Themes         []string              // calls with any of these themes
	Country        string                // calls where an action may take place in this country
	LeadType       coopdec.AuthorityType // calls this type of French local authority may lead
	ProgrammeID    int64
	OrganisationID int64                // calls this organisation co-manages or funds
	Statuses       []coopdec.CallStatus // as the dates make it now (coopdec.CallStatusAt)
	DeadlineFrom   time.Time            // deadline at or after
	DeadlineTo     time.Time            // deadline strictly before
	// PublicAfter and PublicUntil select the calls that first became public
	// strictly after, and at or before, these instants: public_at, that is
	// max(publish_at, the moment the call left draft).
	PublicAfter time.Time
	PublicUntil time.Time
	// Sort is SortRelevance (the default with a query), SortDeadline
	// (soonest first) or SortPublished (newest publication date first, the
	// default without).
	Sort string
	// IncludeDraftsFor lets the reader see drafts; nil: the public, no drafts.
	IncludeDraftsFor *DraftAccess
}

// DraftAccess says which drafts a reader may see: every draft (ministry
// officers), or those co-managed by one of the reader's organisations.
type DraftAccess struct {
	All             bool
	OrganisationIDs []int64
}

// DraftAccessFor returns the drafts u may see, as coopdec.CanViewCall
// allows (coopdec.CallDraftScope); nil for a visitor.
func DraftAccessFor(u *coopdec.User) *DraftAccess {
	if u == nil {
		return nil
	}
	all, orgIDs := coopdec.CallDraftScope(u)
	return &DraftAccess{All: all, OrganisationIDs: orgIDs}
}

// SearchCalls returns a page of the calls matching f, with their titles
// and summaries, co-managers, funders and themes; the bodies, which no list
// shows, are left empty (Call reads them). A query is folded and split into words,
// all of which must match; the last may be the start of a word, as typed in
// a search box; words past the 32nd are ignored. Punctuation only matches
// nothing. Filters combine with AND; drafts are left out unless
// f.IncludeDraftsFor lets the reader see them.
func (db *DB) SearchCalls(ctx context.Context, f CallFilter, page coopdec.Page) ([]coopdec.Call, coopdec.Page, error) {
	page = coopdec.NewPage(page.Page, page.PerPage)
	// The version of the public data the kept values are read at.
	version, err := db.publicVersion(ctx)
	if err != nil {
		return nil, page, err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }

	with, from, score := "", "calls c", "0"
	if strings.TrimSpace(f.Query) != "" {
		terms := strings.Fields(coopdec.Fold(f.Query))
		if len(terms) == 0 {
			return nil, page, nil
		}
		// Bound the work a pasted page of text can ask for.
		terms = terms[:min(len(terms), maxQueryTerms)]
		match, err := db.ftsMatch(ctx, version, "call_search_terms", terms)
		if err != nil {
			return nil, page, err
		}
		with = db.callHits(terms, match, arg)
		from, score = "calls c JOIN hits h ON h.id = c.id", "h.score"
	}
	sort := f.Sort
	if sort == "" || (sort == SortRelevance && with == "") {
		sort = SortPublished
		if with != "" {
			sort = SortRelevance
		}
	}
	var order string
	switch sort {
	case SortRelevance:
		order = "score DESC, c.id"
	case SortDeadline:
		order = "c.deadline IS NULL, c.deadline, c.id"
	case SortPublished:
		// By the date the page shows: public_at, later for a call published
		// late, only decides what is new to the digest (PublicAfter).
		order = "c.publish_at IS NULL, c.publish_at DESC, c.id DESC"
	default:
		return nil, page, coopdec.FieldError("sort", "call.search.sort_invalid", f.Sort)
	}

	conds := []string{draftCondition(f.IncludeDraftsFor, db.now(), arg)}
	if len(f.Themes) > 0 {
		conds = append(conds, "c.id IN (SELECT call_id FROM call_themes WHERE theme IN ("+argList(f.Themes, arg)+"))")
	}
	if f.Country != "" {
		conds = append(conds, "c.id IN (SELECT call_id FROM call_countries WHERE country = "+
			arg(strings.ToUpper(strings.TrimSpace(f.Country)))+")")
	}
	if f.LeadType != "" {
		conds = append(conds, "c.id IN (SELECT call_id FROM call_lead_types WHERE authority_type = "+arg(string(f.LeadType))+")")
	}
	if f.ProgrammeID != 0 {
		conds = append(conds, "c.programme_id = "+arg(f.ProgrammeID))
	}
	if f.OrganisationID != 0 {
		p := arg(f.OrganisationID)
		conds = append(conds, "(c.id IN (SELECT call_id FROM call_co_managers WHERE organisation_id = "+p+
			") OR c.id IN (SELECT call_id FROM call_funders WHERE organisation_id = "+p+"))")
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		conds = append(conds, callStatusAt(arg(db.now()))+" IN ("+argList(statuses, arg)+")")
	}
	if !f.DeadlineFrom.IsZero() {
		conds = append(conds, "c.deadline >= "+arg(dbTime(f.DeadlineFrom)))
	}
	if !f.DeadlineTo.IsZero() {
		conds = append(conds, "c.deadline < "+arg(dbTime(f.DeadlineTo)))
	}
	if !f.PublicAfter.IsZero() {
		conds = append(conds, "c.public_at > "+arg(dbTime(f.PublicAfter)))
	}
	if !f.PublicUntil.IsZero() {
		conds = append(conds, "c.public_at <= "+arg(dbTime(f.PublicUntil)))
	}
	where := " WHERE " + strings.Join(conds, " AND ")

	// With a query, the total comes with the rows, counted over the matches
	// before the LIMIT, so that the full-text match runs once; a page past
	// the end has no row to bring it, and counts apart. Without, counting
	// apart costs less than keeping every row for the window.
	total := "count(*) OVER ()"
	if with == "" {
		total = "0"
		if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM "+from+where, args...).Scan(&page.Total); err != nil {
			return nil, page, translate(err)
		}
	}
	// The page is chosen on the narrow columns; its calls come from those
	// kept as lists show them (listCalls), read whole only when not kept.
	lim, off := arg(page.PerPage), arg(page.Offset())
	rows, err := db.read.QueryContext(ctx, with+"SELECT c.id AS id, "+score+" AS score, "+total+" AS total FROM "+from+where+
		" ORDER BY "+order+" LIMIT "+lim+" OFFSET "+off, args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var s float64
		var n int
		if err := rows.Scan(&id, &s, &n); err != nil {
			return nil, page, translate(err)
		}
		if with != "" {
			page.Total = n
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, page, translate(err)
	}
	rows.Close()
	if len(ids) == 0 && page.Offset() > 0 && with != "" {
		args = args[:len(args)-2]
		if err := db.read.QueryRowContext(ctx, with+"SELECT count(*) FROM "+from+where, args...).Scan(&page.Total); err != nil {
			return nil, page, translate(err)
		}
	}
	out, err := db.listCalls(ctx, version, ids)
	return out, page, err
}

// listCalls returns the calls of ids, in order, as lists show them (texts
// without their bodies): those kept at version (the public version read
// before the IDs were chosen), the others read and kept. Each caller
// gets its own copies.
func (db *DB) listCalls(ctx context.Context, version int64, ids []int64) ([]coopdec.Call, error) {
	out := make([]coopdec.Call, len(ids))
	var missing []int64
	for i, id := range ids {
		if c, ok := db.callList.get(version, id); ok {
			out[i] = *c.Clone()
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+callColumns+` FROM calls c WHERE c.id IN (`+
		placeholders(1, len(missing))+`)`, anys(missing)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var read []*coopdec.Call
	for rows.Next() {
		c := &coopdec.Call{}
		if err := scanCall(rows, c); err != nil {
			return nil, translate(err)
		}
		read = append(read, c)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	rows.Close()
	if err := loadCallListChildren(ctx, db.read, read); err != nil {
		return nil, err
	}
	byID, _ := indexCalls(read)
	for i, id := range ids {
		if c, ok := byID[id]; ok {
			db.callList.put(version, id, c.Clone())
			out[i] = *c
		}
	}
	// A call deleted between the choice and the reading is left out.
	kept := out[:0]
	for _, c := range out {
		if c.ID != 0 {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// loadCallListChildren fills what a list shows of calls: their titles and
// summaries, co-managers, funders and themes, in one query whatever their
// number. A row is a text (kind 1), or a call's themes, co-managers and
// funders, each list in one string of position:values items (kind 2): the
// driver's cost grows with the rows and columns, not with their length.
func loadCallListChildren(ctx context.Context, q querier, calls []*coopdec.Call) error {
	if len(calls) == 0 {
		return nil
	}
	byID, ids := indexCalls(calls)
	in := `(` + placeholders(1, len(ids)) + `)`
	rows, err := q.QueryContext(ctx, `SELECT 1, call_id, lang, title, summary FROM call_texts WHERE call_id IN `+in+`
		UNION ALL SELECT 2, c.id,
			COALESCE((SELECT string_agg(CAST(position AS TEXT) || ':' || theme, ' ') FROM call_themes WHERE call_id = c.id), ''),
			COALESCE((SELECT string_agg(CAST(position AS TEXT) || ':' || CAST(organisation_id AS TEXT), ' ')
				FROM call_co_managers WHERE call_id = c.id), ''),
			COALESCE((SELECT string_agg(CAST(position AS TEXT) || ':' || CAST(organisation_id AS TEXT) || ':' ||
				CAST(envelope_cents AS TEXT) || ':' || CAST(share_bp AS TEXT), ' ') FROM call_funders WHERE call_id = c.id), '')
		FROM calls c WHERE c.id IN `+in, anys(ids)...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, id int64
		var themes, coManagers, funders string
		if err := rows.Scan(&kind, &id, &themes, &coManagers, &funders); err != nil {
			return translate(err)
		}
		c := byID[id]
		if kind == 1 {
			if c.Texts == nil {
				c.Texts = map[string]coopdec.CallText{}
			}
			c.Texts[themes] = coopdec.CallText{Title: coManagers, Summary: funders}
			continue
		}
		for _, v := range positioned(themes) {
			c.Themes = append(c.Themes, v[0])
		}
		for _, v := range positioned(coManagers) {
			n, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil {
				return fmt.Errorf("sqldb: call %d: co-manager %q: %w", id, v, err)
			}
			c.CoManagers = append(c.CoManagers, n)
		}
		for _, v := range positioned(funders) {
			var f coopdec.Funder
			var errs [3]error
			if len(v) == 3 {
				f.OrganisationID, errs[0] = strconv.ParseInt(v[0], 10, 64)
				f.EnvelopeCents, errs[1] = strconv.ParseInt(v[1], 10, 64)
				f.ShareBP, errs[2] = strconv.Atoi(v[2])
			}
			if err := errors.Join(errs[:]...); err != nil || len(v) != 3 {
				return fmt.Errorf("sqldb: call %d: funder %q: %v", id, v, err)
			}
			c.Funders = append(c.Funders, f)
		}
	}
	return translate(rows.Err())
}

// positioned reads a list written "position:value[:value…]" and separated
// by spaces, in any order: the values of each item, by position.
func positioned(s string) [][]string {
	if s == "" {
		return nil
	}
	type item struct {
		pos    int
		values []string
	}
	var items []item
	for f := range strings.FieldsSeq(s) {
		parts := strings.Split(f, ":")
		pos, _ := strconv.Atoi(parts[0])
		items = append(items, item{pos, parts[1:]})
	}
	slices.SortFunc(items, func(a, b item) int { return a.pos - b.pos })
	out := make([][]string, len(items))
	for i, it := range items {
		out[i] = it.values
	}
	return out
}

// callStatusAt is coopdec.CallStatusAt in SQL: the stored published, open
// or closed may lag behind the clock until the next sweep.
func callStatusAt(now string) string {
	return "(CASE WHEN c.status NOT IN ('published', 'open', 'closed') THEN c.status" +
		" WHEN c.opens_at IS NULL OR c.opens_at > " + now + " THEN 'published'" +
		" WHEN c.deadline IS NULL OR c.deadline > " + now + " THEN 'open' ELSE 'closed' END)"
}

func draftCondition(a *DraftAccess, now time.Time, arg func(any) string) string {
	if a != nil && a.All {
		return "1 = 1"
	}
	// As coopdec.CanViewCall: public from the publication date on.
	public := "(c.status <> " + arg(string(coopdec.CallDraft)) + " AND c.publish_at <= " + arg(now) + ")"
	if a == nil || len(a.OrganisationIDs) == 0 {
		return public
	}
	return "(" + public + " OR c.id IN (SELECT call_id FROM call_co_managers WHERE organisation_id IN (" +
		argList(a.OrganisationIDs, arg) + ")))"
}

func argList[T any](xs []T, arg func(any) string) string {
	ps := make([]string, len(xs))
	for i, x := range xs {
		ps[i] = arg(x)
	}
	return strings.Join(ps, ", ")
}

// callHits returns a WITH clause defining hits (id, score): the calls whose
// text matches every term, the higher the score the better. terms are
// folded words (letters and digits only); they reach the database as
// parameters, quoted for its query syntax, so no input is ever read as an
// operator. match is their FTS5 query on SQLite (ftsMatch).
func (db *DB) callHits(terms []string, match string, arg func(any) string) string {
	if db.Dialect == Postgres {
		// The last term as a prefix, quoted for to_tsquery after unaccent;
		// the others through plainto_tsquery, which takes any text. Both
		// stem in French, as the indexed text was.
		last := "to_tsquery('french', '''' || replace(replace(coopdec_unaccent(" + arg(terms[len(terms)-1]) +
			`), '\', '\\'), '''', '''''') || ''':*')`
		q := last
		if len(terms) > 1 {
			q = "plainto_tsquery('french', coopdec_unaccent(" + arg(strings.Join(terms[:len(terms)-1], " ")) + ")) && " + last
		}
		return "WITH hits AS (SELECT calls.id, ts_rank(calls.search, q.q) AS score FROM calls, (SELECT " + q +
			" AS q) q WHERE calls.search @@ q.q) "
	}
	// bm25 is lower for better matches; titles weigh most, then summaries.
	return "WITH hits AS (SELECT rowid AS id, -bm25(call_search, 10.0, 4.0, 1.0) AS score FROM call_search WHERE call_search MATCH " +
		arg(match) + ") "
}

// ftsMatch returns the FTS5 query of terms on SQLite, empty on PostgreSQL:
// every term a quoted phrase, all required, the last one the start of a
// word. That one is matched as a whole word when no indexed word extends
// it, which finds and scores the same rows without merging the lists of
// every word it starts; vocab is the index's fts5vocab table, version the
// public version the search read.
func (db *DB) ftsMatch(ctx context.Context, version int64, vocab string, terms []string) (string, error) {
	if db.Dialect == Postgres {
		return "", nil
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	last, prefix := terms[len(terms)-1], true
	if asciiWord(last) {
		var err error
		if prefix, err = db.vocabExtends(ctx, version, vocab, last); err != nil {
			return "", err
		}
	}
	if prefix {
		quoted[len(quoted)-1] += "*"
	}
	return strings.Join(quoted, " "), nil
}

// vocabExtends reports whether the full-text index whose fts5vocab table
// is vocab holds a word longer than word that starts with it. The answers
// are kept by public version (the caller's reading), which every change
// of the indexed texts raises (triggers, bumpProjectVersion): searches
// repeat their words.
func (db *DB) vocabExtends(ctx context.Context, version int64, vocab, word string) (bool, error) {
	key := vocab + " " + word
	if ok, kept := db.vocab.get(version, key); kept {
		return ok, nil
	}
	// The index's words are letters and digits, none below '0': those
	// that word starts, itself aside, lie in this range.
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM `+vocab+` WHERE term >= $1 AND term <= $2 LIMIT 1`,
		word+"\x01", word+"\U0010FFFF").Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		db.vocab.put(version, key, false)
		return false, nil
	case err != nil:
		return false, translate(err)
	}
	db.vocab.put(version, key, true)
	return true, nil
}

// asciiWord reports whether t is made of ASCII letters and digits only:
// one word of the full-text index, stored as it is.
func asciiWord(t string) bool {
	for _, r := range t {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return t != ""
}

// callSearchText returns the folded text a call is found by, in three
// parts of decreasing weight: reference and titles, summaries, bodies, each
// over every language.
func callSearchText(c *coopdec.Call) (title, summary, body string) {
	titles, summaries, bodies := []string{coopdec.Fold(c.Reference)}, []string{}, []string{}
	for _, lang := range slices.Sorted(maps.Keys(c.Texts)) {
		t := c.Texts[lang]
		titles = append(titles, coopdec.Fold(t.Title))
		summaries = append(summaries, coopdec.Fold(t.Summary))
		bodies = append(bodies, coopdec.Fold(t.Body))
	}
	return strings.Join(titles, " "), strings.Join(summaries, " "), strings.Join(bodies, " ")
}

// indexCallText brings the call's search entry in step with its texts:
// FTS5 row on SQLite, tsvector column on PostgreSQL. The folding happens in
// Go, on both, so that a query is folded the same way as the text.
func (db *DB) indexCallText(ctx context.Context, tx *sql.Tx, c *coopdec.Call) error {
	title, summary, body := callSearchText(c)
	if db.Dialect == Postgres {
		_, err := tx.ExecContext(ctx, `UPDATE calls SET search =
			setweight(to_tsvector('french', coopdec_unaccent($1)), 'A') ||
			setweight(to_tsvector('french', coopdec_unaccent($2)), 'B') ||
			setweight(to_tsvector('french', coopdec_unaccent($3)), 'D') WHERE id = $4`, title, summary, body, c.ID)
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM call_search WHERE rowid = $1`, c.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO call_search (rowid, title, summary, body) VALUES ($1, $2, $3, $4)`,
		c.ID, title, summary, body)
	return err
}
