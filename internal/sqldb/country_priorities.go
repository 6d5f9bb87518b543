package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errPrioritiesStale = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "country_priorities.stale"}

func countrySubject(code string) string { return "country:" + code }

// CountryPriorities returns a country's priorities as last saved; Version
// 0 and no priorities when its embassy never stated any.
func (db *DB) CountryPriorities(ctx context.Context, country string) (*coopdec.CountryPriorities, error) {
	cp, err := loadCountryPriorities(ctx, db.read, strings.ToUpper(country), 0)
	return cp, translate(err)
}

// CountryPriorityHistory returns every version of a country's priorities,
// newest first.
func (db *DB) CountryPriorityHistory(ctx context.Context, country string) ([]coopdec.CountryPriorities, error) {
	country = strings.ToUpper(country)
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM country_priority_versions WHERE country = $1
		ORDER BY version DESC`, country)
	if err != nil {
		return nil, translate(err)
	}
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		versions = append(versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	out := make([]coopdec.CountryPriorities, 0, len(versions))
	for _, v := range versions {
		cp, err := loadCountryPriorities(ctx, db.read, country, v)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *cp)
	}
	return out, nil
}

// loadCountryPriorities reads version v of a country's priorities, the
// latest when v is 0.
func loadCountryPriorities(ctx context.Context, q querier, country string, v int) (*coopdec.CountryPriorities, error) {
	cp := &coopdec.CountryPriorities{Country: country}
	query := `SELECT id, version, COALESCE(updated_by, 0), updated_at FROM country_priority_versions
		WHERE country = $1 AND version = $2`
	args := []any{country, v}
	if v == 0 {
		query = `SELECT id, version, COALESCE(updated_by, 0), updated_at FROM country_priority_versions
			WHERE country = $1 ORDER BY version DESC LIMIT 1`
		args = args[:1]
	}
	var id int64
	err := q.QueryRowContext(ctx, query, args...).Scan(&id, &cp.Version, &cp.UpdatedBy, &cp.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, nil
	}
	if err != nil {
		return nil, err
	}
	cp.UpdatedAt = cp.UpdatedAt.UTC()
	rows, err := q.QueryContext(ctx, `SELECT rank, theme, text_fr, text_en, text_es, text_pt FROM country_priority_items
		WHERE version_id = $1 ORDER BY rank`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p coopdec.CountryPriority
		var texts [4]string
		if err := rows.Scan(&p.Rank, &p.Theme, &texts[0], &texts[1], &texts[2], &texts[3]); err != nil {
			return nil, err
		}
		p.Texts = map[string]string{}
		for i, l := range []string{"fr", "en", "es", "pt"} {
			if texts[i] != "" {
				p.Texts[l] = texts[i]
			}
		}
		cp.Priorities = append(cp.Priorities, p)
	}
	return cp, rows.Err()
}

// SaveCountryPriorities validates cp and stores it as the country's next
// version, audited. base is the version the change was made from: when
// another was saved since, ECONFLICT, and nothing is lost. Whether the
// actor may (coopdec.CanEditCountryPriorities) is the caller's to decide.
func (db *DB) SaveCountryPriorities(ctx context.Context, cp *coopdec.CountryPriorities, base int, actor coopdec.Actor) error {
	if err := cp.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM country_priority_versions WHERE country = $1`,
			cp.Country).Scan(&last); err != nil {
			return err
		}
		if last != base {
			return errPrioritiesStale
		}
		var id int64
		// A concurrent save of the same version fails on the unique
		// (country, version) pair: a conflict, as above.
		if err := tx.QueryRowContext(ctx, `INSERT INTO country_priority_versions (country, version, updated_by, updated_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, cp.Country, last+1, nullID(actor.UserID), now).Scan(&id); err != nil {
			return err
		}
		themes := make([]string, 0, len(cp.Priorities))
		for _, p := range cp.Priorities {
			if _, err := tx.ExecContext(ctx, `INSERT INTO country_priority_items (version_id, rank, theme, text_fr, text_en,
				text_es, text_pt) VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, p.Rank, p.Theme,
				p.Texts["fr"], p.Texts["en"], p.Texts["es"], p.Texts["pt"]); err != nil {
				return err
			}
			themes = append(themes, p.Theme)
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditCountryPriorities, countrySubject(cp.Country),
			"version "+strconv.Itoa(last+1)+": "+strings.Join(themes, ", ")); err != nil {
			return err
		}
		cp.Version, cp.UpdatedBy, cp.UpdatedAt = last+1, actor.UserID, now
		return nil
	})
}

// PriorityCounts returns, per country whose latest priorities list any,
// how many they are.
func (db *DB) PriorityCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.country, COUNT(*) FROM country_priority_versions v
		JOIN country_priority_items i ON i.version_id = v.id
		WHERE v.version = (SELECT MAX(w.version) FROM country_priority_versions w WHERE w.country = v.country)
		GROUP BY v.country`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, translate(err)
		}
		out[c] = n
	}
	return out, translate(rows.Err())
}

// FundedProject is an application on the main list of its call's final
// decision, as a country page shows it.
type FundedProject struct {
	ApplicationID int64
	Titles        map[string]string // language → title
	LeadID        int64
	LeadName      string
	Partners      []coopdec.Partner
	Themes        []string
	Countries     []string
	CallID        int64
	CallReference string
	CallTitles    map[string]string // language → title
	GrantedCents  int64
	PublishedAt   time.Time
}

// Title returns the project's title in lang, else in French, with the
// language it is in.
func (p *FundedProject) Title(lang string) (string, string) { return textIn(p.Titles, lang) }

// CallTitle returns the call's title in lang, else in French.
func (p *FundedProject) CallTitle(lang string) (string, string) { return textIn(p.CallTitles, lang) }

func textIn(m map[string]string, lang string) (string, string) {
	if t := m[lang]; t != "" {
		return t, lang
	}
	for _, l := range coopdec.Languages {
		if t := m[l]; t != "" {
			return t, l
		}
	}
	return "", lang
}

// FundedProjects lists the projects funded in a country: the applications
// on the main list of each call's latest published (final) decision whose
// countries of action include country, the most recently decided first.
// Every one is returned: the pages paginate them, and the synergies weigh
// them all.
func (db *DB) FundedProjects(ctx context.Context, country string) ([]FundedProject, error) {
	country = strings.ToUpper(country)
	all, err := db.fundedProjects(ctx)
	if err != nil {
		return nil, translate(err)
	}
	var out []FundedProject
	for _, p := range all {
		if slices.Contains(p.Countries, country) {
			out = append(out, p)
		}
	}
	return out, nil
}

// FundedCounts returns, per country, how many funded projects act in it.
func (db *DB) FundedCounts(ctx context.Context) (map[string]int, error) {
	all, err := db.fundedProjects(ctx)
	if err != nil {
		return nil, translate(err)
	}
	out := map[string]int{}
	for _, p := range all {
		for _, c := range p.Countries {
			out[c]++
		}
	}
	return out, nil
}

// fundedProjects reads every funded project. A programme funds some dozens
// of projects a year, so reading them whole stays cheap.
func (db *DB) fundedProjects(ctx context.Context) ([]FundedProject, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.decision_id, p.published_at FROM decision_publications p
		WHERE NOT EXISTS (SELECT 1 FROM decision_publications n WHERE n.call_id = p.call_id
			AND (n.published_at > p.published_at OR (n.published_at = p.published_at AND n.decision_id > p.decision_id)))
		ORDER BY p.published_at DESC, p.decision_id DESC`)
	if err != nil {
		return nil, err
	}
	type pub struct {
		id int64
		at time.Time
	}
	var pubs []pub
	for rows.Next() {
		var p pub
		if err := rows.Scan(&p.id, &p.at); err != nil {
			rows.Close()
			return nil, err
		}
		pubs = append(pubs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []FundedProject
	for _, p := range pubs {
		d, _, err := db.loadDecision(ctx, db.read, p.id, false)
		if err != nil {
			return nil, err
		}
		ref, callTitles, err := callHeading(ctx, db.read, d.CallID)
		if err != nil {
			return nil, err
		}
		entries := slices.Clone(d.Entries)
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].Rank < entries[j].Rank })
		for _, e := range entries {
			if e.List != coopdec.ListMain {
				continue
			}
			a, err := db.loadApplication(ctx, db.read, e.ApplicationID, false)
			if err != nil {
				return nil, err
			}
			fp := FundedProject{ApplicationID: a.ID, Titles: map[string]string{}, LeadID: a.LeadOrganisationID,
				Partners: a.Partners, Themes: a.Themes, Countries: a.Countries, CallID: d.CallID, CallReference: ref,
				CallTitles: callTitles, GrantedCents: e.GrantedCents, PublishedAt: p.at.UTC()}
			for l, t := range a.Texts {
				if t.Title != "" {
					fp.Titles[l] = t.Title
				}
			}
			if err := db.read.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, a.LeadOrganisationID).
				Scan(&fp.LeadName); err != nil {
				return nil, err
			}
			out = append(out, fp)
		}
	}
	return out, nil
}

// callHeading reads a call's reference and its title per language.
func callHeading(ctx context.Context, q querier, callID int64) (string, map[string]string, error) {
	var ref string
	if err := q.QueryRowContext(ctx, `SELECT reference FROM calls WHERE id = $1`, callID).Scan(&ref); err != nil {
		return "", nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT lang, title FROM call_texts WHERE call_id = $1`, callID)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	titles := map[string]string{}
	for rows.Next() {
		var l, t string
		if err := rows.Scan(&l, &t); err != nil {
			return "", nil, err
		}
		titles[l] = t
	}
	return ref, titles, rows.Err()
}
