package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// directoryEnv holds granted labels of several authorities, written through
// the same index the review writes.
type directoryEnv struct {
	*labelEnv
	labels []LabelRecord // as granted, in creation order
}

// seedLabels grants n labels to n new authorities in one transaction:
// themes, languages, countries and texts drawn from rng, "développement"
// and "coopération" in most of them, as in real applications.
func seedLabels(tb testing.TB, db *DB, officer int64, n int, rng *rand.Rand) []LabelRecord {
	tb.Helper()
	ctx := context.Background()
	themes := []string{"water_sanitation", "local_governance", "culture", "heritage", "education", "transport"}
	langs := []string{"fr", "en", "es", "pt", "ar"}
	countries := []string{"SN", "ML", "VN", "BR", "TN", "LB", "IN", "AR", "MA", "BF"}
	regions := []string{"84", "93", "11", "75", "53"}
	common := []string{"développement", "coopération", "territoire", "service", "public", "formation", "gestion", "appui"}
	rare := []string{"assainissement", "cadastre", "patrimoine", "déchets", "irrigation", "mobilité", "œnologie", "tourisme",
		"numérique", "forages", "biodiversité", "urbanisme", "énergie", "santé", "jeunesse", "archives"}
	pick := func(list []string, k int) []string {
		p := rng.Perm(len(list))[:k]
		out := make([]string, k)
		for i, j := range p {
			out[i] = list[j]
		}
		return out
	}
	sentence := func() string {
		words := pick(rare, 3)
		for _, w := range common {
			if rng.IntN(10) < 7 {
				words = append(words, w)
			}
		}
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		return strings.Join(words, " ") + "."
	}
	var out []LabelRecord
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		for i := range n {
			name := fmt.Sprintf("Commune %04d", rng.IntN(10_000))
			region := regions[rng.IntN(len(regions))]
			org := &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: name, Country: "FR",
				AuthorityType: coopdec.AuthorityCommune, RegionCode: region}
			if err := db.createOrganisation(ctx, tx, org, coopdec.Actor{}); err != nil {
				return err
			}
			orgID := org.ID
			a := coopdec.LabelApplication{OrganisationID: orgID, State: coopdec.LabelGranted,
				Competencies: coopdec.LabelCompetencies{Themes: pick(themes, 1+rng.IntN(3)), Description: sentence(), Methods: sentence()},
				Conditions:   coopdec.LabelConditions{Staff: "2 agents", Languages: pick(langs, 1+rng.IntN(3)), MinDurationDays: 5, SelfCovered: "Salaires"},
				Number:       coopdec.LabelNumber(2020, i+1), CreatedBy: officer, GrantedAt: now, ExpiresAt: now.AddDate(3, 1, 0)}
			for _, c := range pick(countries, 1+rng.IntN(3)) {
				a.References = append(a.References, coopdec.LabelReference{Title: sentence(), Kind: coopdec.ReferenceProject,
					Country: c, FromYear: 2015, Partners: "Municipalité partenaire", Results: sentence()})
			}
			comp, ev, cond, err := labelParts(&a)
			if err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO label_applications (organisation_id, state, competencies, evidence,
				conditions, number, created_by, created_at, updated_at, granted_at, expires_at)
				VALUES ($1, 'granted', $2, $3, $4, $5, $6, $7, $7, $7, $8) RETURNING id`,
				orgID, comp, ev, cond, a.Number, officer, now, a.ExpiresAt).Scan(&a.ID); err != nil {
				return err
			}
			if err := db.indexLabel(ctx, tx, &a); err != nil {
				return err
			}
			out = append(out, LabelRecord{LabelApplication: a, OrganisationName: name, RegionCode: region})
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seeding %d labels: %v", n, err)
	}
	return out
}

func newDirectoryEnv(t *testing.T, n int) *directoryEnv {
	e := &directoryEnv{labelEnv: newLabelEnv(t)}
	e.labels = seedLabels(t, e.db, e.officer.ID, n, rand.New(rand.NewPCG(7, 11)))
	return e
}

func (e *directoryEnv) search(t *testing.T, q coopdec.LabelQuery, page coopdec.Page) ([]LabelListing, coopdec.Page, coopdec.LabelFacets) {
	t.Helper()
	if err := q.Validate(); err != nil {
		t.Fatalf("query %+v: %v", q, err)
	}
	list, p, f, err := e.db.SearchLabelDirectory(t.Context(), q, page)
	if err != nil {
		t.Fatalf("SearchLabelDirectory(%+v): got error %v", q, err)
	}
	return list, p, f
}

func listingIDs(list []LabelListing) []int64 {
	out := make([]int64, len(list))
	for i, l := range list {
		out[i] = l.ID
	}
	return out
}

// Without text, the database's filters and facets' counts are those of
// coopdec.SearchLabels over every valid label, for every facet alone and
// for combinations.
func TestLabelDirectoryFacetsAsDomain(t *testing.T) {
	e := newDirectoryEnv(t, 60)
	valid, err := e.db.ValidLabels(t.Context(), e.db.Now())
	if err != nil {
		t.Fatal(err)
	}
	items := make([]coopdec.LabelSearchItem, len(valid))
	for i := range valid {
		items[i] = coopdec.LabelSearchItem{Label: &valid[i].LabelApplication, Region: valid[i].RegionCode}
	}
	queries := []coopdec.LabelQuery{{}, {Theme: "education"}, {Region: "84"}, {Language: "es"}, {Country: "SN"},
		{Theme: "water_sanitation", Country: "ML"}, {Region: "93", Language: "fr", Theme: "local_governance"},
		{Theme: "education", Region: "11", Language: "ar", Country: "BR"}}
	for _, q := range queries {
		idx, want := coopdec.SearchLabels(items, q)
		list, page, got := e.search(t, q, coopdec.NewPage(1, 100))
		if page.Total != len(idx) || len(list) != len(idx) {
			t.Errorf("%+v: got total %d, %d listed; want %d", q, page.Total, len(list), len(idx))
			continue
		}
		wantIDs := make([]int64, len(idx))
		for i, j := range idx {
			wantIDs[i] = valid[j].ID
		}
		if gotIDs := listingIDs(list); !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%+v: got labels %v; want %v (by authority name)", q, gotIDs, wantIDs)
		}
		for name, pair := range map[string][2][]coopdec.FacetCount{"themes": {got.Themes, want.Themes},
			"regions": {got.Regions, want.Regions}, "languages": {got.Languages, want.Languages}, "countries": {got.Countries, want.Countries}} {
			if !slices.Equal(pair[0], pair[1]) {
				t.Errorf("%+v: %s facet: got %v; want %v", q, name, pair[0], pair[1])
			}
		}
	}
}

func TestLabelDirectoryText(t *testing.T) {
	e := newDirectoryEnv(t, 30)
	ctx := t.Context()
	lyon := e.grant(t) // "Régie publique de l'eau", "Eau potable à Mopti", "Schéma directeur"
	ids := func(q coopdec.LabelQuery) []int64 {
		list, page, _ := e.search(t, q, coopdec.NewPage(1, 100))
		if page.Total != len(list) {
			t.Errorf("%+v: got total %d with %d listed", q, page.Total, len(list))
		}
		return listingIDs(list)
	}
	only := []int64{lyon.ID}
	for _, q := range []string{"regie", "RÉGIE publique", "schema directeur", "mopti", "mop", "eau potable", "régie pub", "l'eau",
		"-mopti", "mopti*", `"mopti"`, "mopti;", "potable:*"} {
		if got := ids(coopdec.LabelQuery{Text: q}); !slices.Equal(got, only) {
			t.Errorf("text %q: got %v; want Lyon's label %v", q, got, only)
		}
	}
	for _, q := range []string{"mopti OR dakar", "NEAR(mopti eau)", "aeroport", "mopti AND", "regie NOT eau", "mopti) NOT (eau"} {
		if got := ids(coopdec.LabelQuery{Text: q}); len(got) != 0 {
			t.Errorf("text %q: got %v; want nothing, the operators read as words", q, got)
		}
	}
	all := len(e.labels) + 1
	for _, q := range []string{"*", `"`, "(", ":*", "&|!", "'"} {
		if _, page, _ := e.search(t, coopdec.LabelQuery{Text: q}, coopdec.NewPage(1, 5)); page.Total != all {
			t.Errorf("text %q: got total %d; want all %d, punctuation does not filter", q, page.Total, all)
		}
	}
	// Accents aside, both ways: the seeded texts hold "développement",
	// "énergie" and "œnologie" with their accents; Lyon's "Schéma".
	accented, plain := ids(coopdec.LabelQuery{Text: "développement"}), ids(coopdec.LabelQuery{Text: "developpement"})
	if len(accented) == 0 || !slices.Equal(accented, plain) {
		t.Errorf("développement: got %v, developpement %v; want the same labels, some", accented, plain)
	}
	if a, b := ids(coopdec.LabelQuery{Text: "Œnologie energie"}), ids(coopdec.LabelQuery{Text: "oenologie énergie"}); len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("œnologie énergie: got %v and %v; want the same labels, some", a, b)
	}
	// An unaccented text is found by an accented query.
	a := labelContent(e.marseille.ID)
	a.Competencies.Description = "Developpement economique et cooperation decentralisee"
	if err := e.db.CreateLabelApplication(ctx, e.other, a, act(e.other)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, e.other, a.ID, act(e.other)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, e.officer, a.ID, coopdec.LabelActionGrant, "", 3, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}
	if got := ids(coopdec.LabelQuery{Text: "coopération décentralisée"}); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("coopération décentralisée: got %v; want Marseille's %d", got, a.ID)
	}
	// A word searched before the grant finds the new label too: the hits
	// kept for it are not served after the index changed.
	if got := ids(coopdec.LabelQuery{Text: "developpement"}); !slices.Contains(got, a.ID) || len(got) != len(plain)+1 {
		t.Errorf("developpement after the grant: got %v; want %v and Marseille's %d", got, plain, a.ID)
	}
	// With text, by relevance: a match in the competencies comes before one
	// only in the references.
	list, _, _ := e.search(t, coopdec.LabelQuery{Text: "eau"}, coopdec.NewPage(1, 10))
	if len(list) < 2 || list[0].OrganisationID != e.lyon.ID {
		t.Errorf("eau: got %v; want Lyon first (in its description), Marseille's references after", listingIDs(list))
	}
	// Text and facets together; facets counted within the text's matches.
	_, page, f := e.search(t, coopdec.LabelQuery{Text: "mopti", Country: "VN"}, coopdec.NewPage(1, 10))
	if page.Total != 2 || !slices.Equal(f.Regions, []coopdec.FacetCount{{Value: "84", Count: 1}, {Value: "93", Count: 1}}) ||
		!slices.Contains(f.Countries, coopdec.FacetCount{Value: "ML", Count: 2}) {
		t.Errorf("mopti in VN: got total %d, facets %+v", page.Total, f)
	}
}

func TestLabelDirectoryPagesAndValidity(t *testing.T) {
	e := newDirectoryEnv(t, 23)
	ctx := t.Context()
	var seen []int64
	for p := 1; p <= 3; p++ {
		list, page, _ := e.search(t, coopdec.LabelQuery{}, coopdec.NewPage(p, 10))
		if page.Total != 23 || page.Pages() != 3 || len(list) != []int{10, 10, 3}[p-1] {
			t.Fatalf("page %d: got %d listed, %+v; want 23 in 3 pages", p, len(list), page)
		}
		for i := 1; i < len(list); i++ {
			if a, b := list[i-1], list[i]; a.OrganisationName > b.OrganisationName ||
				(a.OrganisationName == b.OrganisationName && a.ID > b.ID) {
				t.Errorf("page %d: %q before %q; want by name", p, a.OrganisationName, b.OrganisationName)
			}
		}
		seen = append(seen, listingIDs(list)...)
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != 23 {
		t.Errorf("pages: got %d distinct labels; want 23", len(seen))
	}
	if list, page, _ := e.search(t, coopdec.LabelQuery{}, coopdec.NewPage(4, 10)); len(list) != 0 || page.Total != 23 {
		t.Errorf("past the last page: got %d listed, total %d; want none of 23", len(list), page.Total)
	}

	lyon := e.grant(t)
	has := func(q coopdec.LabelQuery) bool {
		list, _, _ := e.search(t, q, coopdec.NewPage(1, 100))
		return slices.Contains(listingIDs(list), lyon.ID)
	}
	if !has(coopdec.LabelQuery{Text: "mopti"}) {
		t.Fatal("granted label not found")
	}
	if got, err := e.db.ValidLabelsOf(ctx, e.lyon.ID); err != nil || len(got) != 1 || got[0].ID != lyon.ID ||
		!slices.Equal(got[0].Countries, []string{"ML", "VN"}) {
		t.Errorf("ValidLabelsOf(Lyon): got %+v, %v", got, err)
	}
	// Past its expiry, gone before the daily job runs; the job then drops
	// it from the index.
	e.move(lyon.ExpiresAt.Sub(e.db.Now()) + time.Minute)
	if has(coopdec.LabelQuery{Text: "mopti"}) || has(coopdec.LabelQuery{}) {
		t.Error("label past its expiry still listed")
	}
	if _, err := e.db.ValidLabelsOf(ctx, e.lyon.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("ValidLabelsOf(Lyon) after expiry: got %v; want ENOTFOUND", err)
	}
	if _, err := e.db.RunLabelClock(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := e.indexRows(t, lyon.ID); n != 0 {
		t.Errorf("expired label: got %d index rows; want 0", n)
	}

	// Revoked: gone at once, from the index too.
	e.move(0)
	revoked := e.labels[0]
	if _, err := e.db.ReviewLabel(ctx, nil, e.officer, revoked.ID, coopdec.LabelActionRevoke, "Fraude", 3, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}
	if list, page, _ := e.search(t, coopdec.LabelQuery{}, coopdec.NewPage(1, 100)); page.Total != 22 || slices.Contains(listingIDs(list), revoked.ID) {
		t.Errorf("after revocation: got total %d; want 22 without the revoked label", page.Total)
	}
	if n := e.indexRows(t, revoked.ID); n != 0 {
		t.Errorf("revoked label: got %d index rows; want 0", n)
	}
}

// With text and filters together, each facet's count is the total of the
// same search with that value chosen, and the listings show what the
// labels hold.
func TestLabelDirectoryFacetsAsTotals(t *testing.T) {
	e := newDirectoryEnv(t, 80)
	valid, err := e.db.ValidLabels(t.Context(), e.db.Now())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]LabelListing{}
	for _, l := range valid {
		byID[l.ID] = l
	}
	for _, q := range []coopdec.LabelQuery{{Text: "développement"}, {Text: "patrimoine", Theme: "culture"},
		{Text: "coop", Region: "84", Language: "en"}, {Text: "service public", Country: "SN", Theme: "education"},
		{Region: "93", Country: "BR"}} {
		list, page, f := e.search(t, q, coopdec.NewPage(1, 100))
		if page.Total == 0 || len(list) != page.Total {
			t.Errorf("%+v: got total %d, %d listed; want some, all listed", q, page.Total, len(list))
		}
		for _, l := range list {
			w := byID[l.ID]
			if l.OrganisationID != w.OrganisationID || l.OrganisationName != w.OrganisationName || l.RegionCode != w.RegionCode ||
				l.Number != w.Number || !l.ExpiresAt.Equal(w.ExpiresAt) || l.Competencies.Description != w.Competencies.Description ||
				!slices.Equal(l.Themes, w.Themes) || !slices.Equal(l.Languages, w.Languages) || !slices.Equal(l.Countries, w.Countries) {
				t.Errorf("%+v: label %d listed as %+v; want %+v", q, l.ID, l, w)
			}
		}
		for name, c := range map[string]struct {
			counts []coopdec.FacetCount
			with   func(coopdec.LabelQuery, string) coopdec.LabelQuery
		}{
			"theme":    {f.Themes, func(q coopdec.LabelQuery, v string) coopdec.LabelQuery { q.Theme = v; return q }},
			"region":   {f.Regions, func(q coopdec.LabelQuery, v string) coopdec.LabelQuery { q.Region = v; return q }},
			"language": {f.Languages, func(q coopdec.LabelQuery, v string) coopdec.LabelQuery { q.Language = v; return q }},
			"country":  {f.Countries, func(q coopdec.LabelQuery, v string) coopdec.LabelQuery { q.Country = v; return q }},
		} {
			if len(c.counts) == 0 {
				t.Errorf("%+v: no %s counted", q, name)
			}
			for _, fc := range c.counts {
				if _, p, _ := e.search(t, c.with(q, fc.Value), coopdec.NewPage(1, 1)); p.Total != fc.Count {
					t.Errorf("%+v: %s %s counted %d; the search with it finds %d", q, name, fc.Value, fc.Count, p.Total)
				}
			}
		}
	}
}

// indexRows counts the directory's index rows of label id.
func (e *directoryEnv) indexRows(t *testing.T, id int64) int {
	t.Helper()
	key := "rowid"
	if e.db.Dialect == Postgres {
		key = "label_id"
	}
	var n, f int
	if err := e.db.read.QueryRowContext(t.Context(), `SELECT count(*) FROM label_search WHERE `+key+` = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := e.db.read.QueryRowContext(t.Context(), `SELECT count(*) FROM label_facets WHERE label_id = $1`, id).Scan(&f); err != nil {
		t.Fatal(err)
	}
	return n + f
}

// The migration's filling of the index for labels granted before it finds
// what the storage code's index finds.
func TestLabelDirectoryMigrationFill(t *testing.T) {
	e := newDirectoryEnv(t, 40)
	e.grant(t)
	queries := []coopdec.LabelQuery{{Text: "developpement"}, {Text: "Développement coopération"}, {Text: "œnologie"},
		{Text: "oenologie energ"}, {Text: "regie pub"}, {Text: "municipalite partenaire"}, {Text: "schema"}, {Text: "biodiv"},
		{Text: "santé", Country: "SN"}, {Theme: "education", Language: "pt"}, {Region: "84", Country: "VN"}}
	before := make([][]int64, len(queries))
	facets := make([]coopdec.LabelFacets, len(queries))
	for i, q := range queries {
		list, _, f := e.search(t, q, coopdec.NewPage(1, 100))
		before[i], facets[i] = listingIDs(list), f
		slices.Sort(before[i])
	}
	fsys, _, err := e.db.migrations()
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, "00016_directory_search.sql")
	if err != nil {
		t.Fatal(err)
	}
	up := string(b)
	fill := up[strings.Index(up, "INSERT INTO label_search"):strings.Index(up, "-- Full-text search of mission reports")]
	stmts := []string{`DELETE FROM label_search`, `DELETE FROM label_facets`}
	for _, s := range strings.Split(fill, ";\n") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	for _, s := range stmts {
		if _, err := e.db.write.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for i, q := range queries {
		list, _, f := e.search(t, q, coopdec.NewPage(1, 100))
		got := listingIDs(list)
		slices.Sort(got)
		if len(before[i]) == 0 || !slices.Equal(got, before[i]) {
			t.Errorf("%+v: after the migration's fill got %v; want %v (some)", q, got, before[i])
		}
		if fmt.Sprint(f) != fmt.Sprint(facets[i]) {
			t.Errorf("%+v: after the migration's fill got facets %v; want %v", q, f, facets[i])
		}
	}
}

// BenchmarkLabelDirectorySearch searches 2,000 labels on SQLite with the
// issue's mix: common and rare words, prefixes, facets, page 2.
func BenchmarkLabelDirectorySearch(b *testing.B) {
	db := openTestDB(b)
	ctx := context.Background()
	officer := &coopdec.User{Email: "officer@diplomatie.gouv.fr", Name: "Officer", PasswordHash: "x", Roles: []coopdec.Role{coopdec.RoleOfficer}}
	if err := db.CreateUser(ctx, officer, coopdec.Actor{}); err != nil {
		b.Fatal(err)
	}
	seedLabels(b, db, officer.ID, 2000, rand.New(rand.NewPCG(1, 2)))
	queries := []struct {
		q    coopdec.LabelQuery
		page int
	}{
		{coopdec.LabelQuery{}, 1},
		{coopdec.LabelQuery{Text: "développement"}, 1},
		{coopdec.LabelQuery{Text: "cooperation"}, 2},
		{coopdec.LabelQuery{Text: "assainissement irrig"}, 1},
		{coopdec.LabelQuery{Text: "patrimoine", Theme: "culture"}, 1},
		{coopdec.LabelQuery{Region: "84", Language: "en"}, 2},
		{coopdec.LabelQuery{Text: "dével", Country: "SN"}, 1},
		{coopdec.LabelQuery{Text: "urbanisme mobilité", Region: "93", Language: "es", Country: "BR"}, 1},
	}
	for _, x := range queries {
		b.Run(fmt.Sprintf("%s/%s/%s/%s/%s/p%d", x.q.Text, x.q.Theme, x.q.Region, x.q.Language, x.q.Country, x.page), func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := db.SearchLabelDirectory(ctx, x.q, coopdec.NewPage(x.page, 20)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
