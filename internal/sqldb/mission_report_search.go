package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The search of mission reports, so that the next mission to the same
// place starts from them: FTS5 on SQLite, a tsvector on PostgreSQL, over
// the mission's place and need and the report's texts, accents aside.

// MissionReportFilter narrows the search of reports: words all found in
// their texts or their mission's place, accents and case aside, and a
// country.
type MissionReportFilter struct {
	Query   string
	Country string
}

// missionReportIndexText returns the folded texts a report is found by:
// its mission's place (country code and names, partner) and need, the
// findings and recommendations, the follow-up.
func missionReportIndexText(m *coopdec.MissionRequest, r *coopdec.MissionReport) (place, report, followUp string) {
	parts := []string{m.Country}
	if c, ok := coopdec.CountryByCode(m.Country); ok {
		parts = append(parts, c.Name("fr"), c.Name("en"))
	}
	parts = append(parts, m.PartnerName, m.Need)
	return coopdec.Fold(strings.Join(parts, " ")), coopdec.Fold(r.Findings + " " + r.Recommendations), coopdec.Fold(r.FollowUp)
}

// indexMissionReport writes the search entry of report r on mission m, in
// the transaction that files it.
func (db *DB) indexMissionReport(ctx context.Context, tx *sql.Tx, m *coopdec.MissionRequest, r *coopdec.MissionReport) error {
	place, report, followUp := missionReportIndexText(m, r)
	if db.Dialect == Postgres {
		_, err := tx.ExecContext(ctx, `UPDATE mission_reports SET search_vector =
			setweight(to_tsvector('french', coopdec_unaccent($1)), 'A') ||
			setweight(to_tsvector('french', coopdec_unaccent($2)), 'B') ||
			setweight(to_tsvector('french', coopdec_unaccent($3)), 'C') WHERE mission_id = $4`, place, report, followUp, m.ID)
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM mission_report_search WHERE rowid = $1`, m.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO mission_report_search (rowid, place, report, follow_up) VALUES ($1, $2, $3, $4)`,
		m.ID, place, report, followUp)
	return err
}

// SearchMissionReports lists the reports matching f, a page at a time: by
// relevance with a query (the place weighs most, then findings and
// recommendations), latest first otherwise. A query is folded and split
// into words, all of which must match, the last as the start of a word;
// punctuation only matches nothing.
func (db *DB) SearchMissionReports(ctx context.Context, f MissionReportFilter, page coopdec.Page) ([]MissionReportRecord, coopdec.Page, error) {
	page = coopdec.NewPage(page.Page, page.PerPage)
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	with, join, order := "", "", "r.filed_at DESC, r.mission_id DESC"
	if strings.TrimSpace(f.Query) != "" {
		terms := searchTerms(f.Query)
		if len(terms) == 0 {
			return nil, page, nil
		}
		table := "mission_report_search"
		if db.Dialect == Postgres {
			table = "mission_reports"
		}
		with = "WITH hits AS (" + db.ftsHits(table, "mission_id", "search_vector", "6.0, 3.0, 1.0", terms, arg) + ") "
		join, order = " JOIN hits h ON h.id = r.mission_id", "h.score DESC, "+order
	}
	cond := ""
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		cond = " WHERE m.country = " + arg(c)
	}
	if err := db.read.QueryRowContext(ctx, with+`SELECT COUNT(*)`+reportFrom+join+cond, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, with+`SELECT `+reportColumns+reportFrom+join+cond+` ORDER BY `+order+
		` LIMIT `+arg(page.PerPage)+` OFFSET `+arg(page.Offset()), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []MissionReportRecord
	for rows.Next() {
		var r MissionReportRecord
		if err := scanReport(rows, &r); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, r)
	}
	return out, page, translate(rows.Err())
}
