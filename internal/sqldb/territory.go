package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

var errTerritoryNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "territory.not_found"}

const territoryColumns = `kind, code, name, siren, population, postcodes, region_code, departement_code, nature`

const (
	// territoryBatch is the number of changed rows written per transaction:
	// large enough to amortize the commits, small enough not to hold
	// SQLite's single writer for long, since other requests wait behind it.
	territoryBatch = 2000
	// territoryChunk is the number of rows per INSERT statement (10
	// parameters each), which saves round trips on PostgreSQL.
	territoryChunk = 100
)

// territoryRow is a territory as stored, comparable with ==.
type territoryRow struct {
	name, siren, postcodes, region, dept, nature, search string
	population                                           int64
}

func territoryRowOf(t *coopdec.Territory) territoryRow {
	return territoryRow{name: t.Name, siren: t.SIREN, postcodes: strings.Join(t.Postcodes, " "),
		region: t.Region, dept: t.Department, nature: t.Nature, search: coopdec.Fold(t.Name), population: t.Population}
}

type territoryKey struct {
	kind coopdec.TerritoryKind
	code string
}

func validTerritoryKind(k coopdec.TerritoryKind) bool {
	switch k {
	case coopdec.TerritoryRegion, coopdec.TerritoryDepartement, coopdec.TerritoryEPCI, coopdec.TerritoryCommune:
		return true
	}
	return false
}

// UpsertTerritories makes the stored referential match ts: it reads every
// stored territory at once, then writes only those that are new or differ,
// in batches of territoryBatch rows per transaction, so that re-importing an
// unchanged referential writes nothing. It calls progress (when not nil)
// with the number of territories of ts handled so far. On error, batches
// already committed stay. Territories absent
// from ts are kept: organisations may still refer to a merged commune or a
// dissolved EPCI.
func (db *DB) UpsertTerritories(ctx context.Context, ts []coopdec.Territory, progress func(done int)) (inserted, updated, unchanged int, err error) {
	if progress == nil {
		progress = func(int) {}
	}
	stored, err := db.territoryRows(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	// Check and compare everything before writing, so that a bad entry
	// leaves the table as it was.
	seen := make(map[territoryKey]bool, len(ts))
	var changed []int // indexes in ts
	var rows []territoryRow
	for i := range ts {
		t := &ts[i]
		k := territoryKey{t.Kind, t.Code}
		// These are the importer's mistakes, not a user's: plain errors.
		if !validTerritoryKind(t.Kind) || t.Code == "" || strings.TrimSpace(t.Name) == "" {
			return 0, 0, 0, fmt.Errorf("sqldb: territory %d (%s %q): invalid kind, code or name", i, t.Kind, t.Code)
		}
		// A key twice in one statement is an error on PostgreSQL.
		if seen[k] {
			return 0, 0, 0, fmt.Errorf("sqldb: territory %d (%s %q): duplicate", i, t.Kind, t.Code)
		}
		seen[k] = true
		row := territoryRowOf(t)
		old, ok := stored[k]
		switch {
		case !ok:
			inserted++
		case old != row:
			updated++
		default:
			unchanged++
			continue
		}
		changed, rows = append(changed, i), append(rows, row)
	}
	for start := 0; start < len(changed); start += territoryBatch {
		end := min(start+territoryBatch, len(changed))
		if err := db.writeTerritories(ctx, ts, changed[start:end], rows[start:end]); err != nil {
			return 0, 0, 0, err
		}
		if end < len(changed) {
			progress(changed[end-1] + 1)
		}
	}
	progress(len(ts))
	return inserted, updated, unchanged, nil
}

// territoryRows returns every stored territory.
func (db *DB) territoryRows(ctx context.Context) (map[territoryKey]territoryRow, error) {
	rs, err := db.read.QueryContext(ctx, `SELECT kind, code, name, siren, population, postcodes,
		region_code, departement_code, nature, search FROM territories`)
	if err != nil {
		return nil, translate(err)
	}
	defer rs.Close()
	m := map[territoryKey]territoryRow{}
	for rs.Next() {
		var k territoryKey
		var r territoryRow
		var siren sql.NullString
		if err := rs.Scan(&k.kind, &k.code, &r.name, &siren, &r.population, &r.postcodes,
			&r.region, &r.dept, &r.nature, &r.search); err != nil {
			return nil, translate(err)
		}
		r.siren = siren.String
		m[k] = r
	}
	return m, translate(rs.Err())
}

// writeTerritories upserts ts[idx[i]] (as rows[i]) in one transaction.
func (db *DB) writeTerritories(ctx context.Context, ts []coopdec.Territory, idx []int, rows []territoryRow) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var full *sql.Stmt
		defer func() {
			if full != nil {
				full.Close()
			}
		}()
		args := make([]any, 0, 10*territoryChunk)
		for start := 0; start < len(idx); start += territoryChunk {
			end := min(start+territoryChunk, len(idx))
			args = args[:0]
			for j := start; j < end; j++ {
				t, r := &ts[idx[j]], &rows[j]
				args = append(args, string(t.Kind), t.Code, r.name, sql.NullString{String: r.siren, Valid: r.siren != ""},
					r.population, r.postcodes, r.region, r.dept, r.nature, r.search)
			}
			var err error
			if end-start == territoryChunk {
				if full == nil {
					if full, err = tx.PrepareContext(ctx, upsertTerritoriesSQL(territoryChunk)); err != nil {
						return err
					}
				}
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, upsertTerritoriesSQL(end-start), args...)
			}
			if err != nil {
				return fmt.Errorf("upsert territories: %w", err)
			}
		}
		return nil
	})
}

// upsertTerritoriesSQL returns an upsert of n territories.
func upsertTerritoriesSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO territories (kind, code, name, siren, population, postcodes,
		region_code, departement_code, nature, search) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + itoa(10*i+j+1))
		}
		b.WriteByte(')')
	}
	b.WriteString(` ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name, siren = excluded.siren,
		population = excluded.population, postcodes = excluded.postcodes, region_code = excluded.region_code,
		departement_code = excluded.departement_code, nature = excluded.nature, search = excluded.search`)
	return b.String()
}

var (
	reDigits = regexp.MustCompile(`^[0-9]+$`)
	// reCorsica matches the start of a Corsican code (2A, 2B), which has
	// letters but is searched as a code too.
	reCorsica = regexp.MustCompile(`^2[AB][0-9]{0,3}$`)
)

// SearchTerritories finds territories for type-ahead. A query of digits is
// a code: 9 digits a SIREN, 5 an INSEE code or a postcode, 2 to 4 the start
// of a commune's INSEE code or postcode (or, for 2 and 3, a département
// code). Anything else is looked up by name, ignoring case, accents and
// punctuation, as the start of the name or of any word in it. Exact matches
// come first, then the most populated. kinds restricts the result (empty:
// every kind); limit is brought within 1..50, 10 by default.
func (db *DB) SearchTerritories(ctx context.Context, q string, kinds []coopdec.TerritoryKind, limit int) ([]coopdec.Territory, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 50)
	want := func(k coopdec.TerritoryKind) bool { return len(kinds) == 0 || slices.Contains(kinds, k) }
	const sel = `SELECT ` + territoryColumns + ` FROM territories WHERE `
	var query string
	var args []any
	compact := strings.ToUpper(strings.Join(strings.Fields(q), ""))
	switch n := len(compact); {
	case !reDigits.MatchString(compact) && !reCorsica.MatchString(compact):
		f := coopdec.Fold(q)
		if f == "" {
			return nil, nil
		}
		// Matching the start of any word cannot use an index, so this
		// scans the table (a few ms for the 36,000 territories on SQLite);
		// instr, much cheaper than LIKE, first rejects most rows.
		instr := "instr"
		if db.Dialect == Postgres {
			instr = "strpos" // same arguments and result
		}
		args = append(args, f, likeEscape(f))
		query = sel + instr + `(search, $1) > 0 AND (search LIKE $2 || '%' ESCAPE '\' OR search LIKE '% ' || $2 || '%' ESCAPE '\')` +
			kindIn(kinds, &args, !want(coopdec.TerritoryCommune)) +
			` ORDER BY CASE WHEN search = $1 THEN 0 ELSE 1 END, population DESC, name`
	case n == 9:
		args = append(args, compact)
		query = sel + `siren = $1` + kindIn(kinds, &args, false) + ` ORDER BY population DESC, name`
	case n >= 2 && n <= 5:
		// Each branch uses an index; they are disjoint, so UNION ALL needs
		// no deduplication. Codes and postcodes are made of digits, A and
		// B, which sort before Z in every collation: [$1, $2) holds the
		// values starting with $1. The first postcode of a commune is
		// found in territories_postcodes, the others by scanning the few
		// hundred communes with several (territories_postcodes_multi).
		args = append(args, compact)
		var branches []string
		if want(coopdec.TerritoryCommune) {
			args = append(args, compact+"Z")
			branches = append(branches,
				sel+`kind = 'commune' AND code >= $1 AND code < $2`,
				sel+`postcodes >= $1 AND postcodes < $2 AND NOT (kind = 'commune' AND code >= $1 AND code < $2)`,
				sel+`postcodes LIKE '% %' AND ' ' || postcodes LIKE '% ' || $1 || '%'
					AND NOT (postcodes >= $1 AND postcodes < $2) AND NOT (kind = 'commune' AND code >= $1 AND code < $2)`)
		}
		if n <= 3 && want(coopdec.TerritoryDepartement) {
			branches = append(branches, sel+`kind = 'departement' AND code = $1`)
		}
		if len(branches) == 0 {
			return nil, nil
		}
		query = `SELECT * FROM (` + strings.Join(branches, ` UNION ALL `) +
			`) AS m ORDER BY CASE WHEN code = $1 THEN 0 ELSE 1 END, population DESC, name`
	default:
		return nil, nil
	}
	args = append(args, limit)
	rs, err := db.read.QueryContext(ctx, query+` LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rs.Close()
	var out []coopdec.Territory
	for rs.Next() {
		t, err := scanTerritory(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, translate(rs.Err())
}

// kindIn returns the condition restricting kind to kinds (none when empty),
// appending its parameters to args. Unless indexable, it hides kind from
// SQLite's planner, which would otherwise walk the primary key through
// every commune and fetch each row, slower than scanning the table.
func kindIn(kinds []coopdec.TerritoryKind, args *[]any, indexable bool) string {
	if len(kinds) == 0 {
		return ""
	}
	ph := make([]string, len(kinds))
	for i, k := range kinds {
		*args = append(*args, string(k))
		ph[i] = "$" + itoa(len(*args))
	}
	col := "kind"
	if !indexable {
		col = "kind || ''"
	}
	return ` AND ` + col + ` IN (` + strings.Join(ph, ", ") + `)`
}

// Territory returns one territory, or a not-found error.
func (db *DB) Territory(ctx context.Context, kind coopdec.TerritoryKind, code string) (coopdec.Territory, error) {
	t, err := scanTerritory(db.read.QueryRowContext(ctx, `SELECT `+territoryColumns+
		` FROM territories WHERE kind = $1 AND code = $2`, string(kind), code))
	if errors.Is(err, sql.ErrNoRows) {
		return coopdec.Territory{}, errTerritoryNotFound
	}
	return t, err
}

// TerritoryCounts returns the number of stored territories of each kind.
func (db *DB) TerritoryCounts(ctx context.Context) (map[coopdec.TerritoryKind]int, error) {
	rs, err := db.read.QueryContext(ctx, `SELECT kind, COUNT(*) FROM territories GROUP BY kind`)
	if err != nil {
		return nil, translate(err)
	}
	defer rs.Close()
	m := map[coopdec.TerritoryKind]int{}
	for rs.Next() {
		var k coopdec.TerritoryKind
		var n int
		if err := rs.Scan(&k, &n); err != nil {
			return nil, translate(err)
		}
		m[k] = n
	}
	return m, translate(rs.Err())
}

func scanTerritory(s interface{ Scan(...any) error }) (coopdec.Territory, error) {
	var t coopdec.Territory
	var siren sql.NullString
	var postcodes string
	err := s.Scan(&t.Kind, &t.Code, &t.Name, &siren, &t.Population, &postcodes, &t.Region, &t.Department, &t.Nature)
	if errors.Is(err, sql.ErrNoRows) {
		return t, err
	}
	if err != nil {
		return t, translate(err)
	}
	t.SIREN = siren.String
	if postcodes != "" {
		t.Postcodes = strings.Fields(postcodes)
	}
	return t, nil
}
