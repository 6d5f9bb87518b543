package sqldb

import (
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// projectDecision stores a decision on the call listing a new application
// of Lyon's per title, the first titles on the main list and the last on
// the reserve.
func (e *decisionEnv) projectDecision(t *testing.T, reserve int, titles ...string) (*coopdec.Decision, []int64) {
	t.Helper()
	d := &coopdec.Decision{CallID: e.call.ID}
	var ids []int64
	for i, title := range titles {
		a := e.fullApplication()
		fr := a.Texts["fr"]
		fr.Title = title
		a.Texts["fr"] = fr
		a = e.mustCreateApplication(t, a)
		ids = append(ids, a.ID)
		entry := coopdec.DecisionEntry{ApplicationID: a.ID, Rank: i + 1, List: coopdec.ListReserve}
		if i < len(titles)-reserve {
			g := int64(1_000_000 * (i + 1))
			entry.List, entry.GrantedCents, entry.Shares = coopdec.ListMain, g, coopdec.SplitGrant(g, e.call.Funders)
		}
		d.Entries = append(d.Entries, entry)
	}
	if err := e.db.CreateDecision(t.Context(), d, e.actor); err != nil {
		t.Fatalf("CreateDecision: got error %v; want nil", err)
	}
	return d, ids
}

func (e *decisionEnv) finalise(t *testing.T, d *coopdec.Decision) {
	t.Helper()
	e.approve(t, e.officer, d, coopdec.MinistryParty, coopdec.DecisionPending)
	e.approve(t, e.pacaManager, d, coopdec.Party(e.paca.ID), coopdec.DecisionPending)
	e.approve(t, e.brazilManager, d, coopdec.Party(e.brazil.ID), coopdec.DecisionFinal)
}

func searchIDs(t *testing.T, db *DB, f ProjectFilter, page coopdec.Page) ([]int64, coopdec.Page) {
	t.Helper()
	list, p, err := db.SearchProjects(t.Context(), f, page)
	if err != nil {
		t.Fatalf("SearchProjects(%+v): got error %v; want nil", f, err)
	}
	ids := []int64{}
	for _, x := range list {
		ids = append(ids, x.ApplicationID)
	}
	return ids, p
}

func TestSearchProjects(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	ctx := t.Context()
	if _, err := e.db.write.ExecContext(ctx, `UPDATE organisations SET region_code = '84' WHERE id = $1`, e.lyon.ID); err != nil {
		t.Fatal(err)
	}
	d, ids := e.projectDecision(t, 1, "Mobilités douces à Belo Horizonte", "Gestion de l'eau à Recife", "Œuvres d'art publiques")
	all := coopdec.NewPage(1, 20)
	if got, p := searchIDs(t, e.db, ProjectFilter{}, all); len(got) != 0 || p.Total != 0 {
		t.Fatalf("before the decision is final: got %v (total %d); want none", got, p.Total)
	}
	e.finalise(t, d)
	// A later decision still waiting for approvals shows nothing of its own.
	pending, pendingIDs := e.projectDecision(t, 0, "Mobilités en attente")
	_ = pending

	got, p := searchIDs(t, e.db, ProjectFilter{}, all)
	if want := []int64{ids[0], ids[1]}; !slices.Equal(slices.Sorted(slices.Values(got)), want) || p.Total != 2 {
		t.Fatalf("every funded project: got %v (total %d); want %v, the main list only", got, p.Total, want)
	}
	for _, tc := range []struct {
		name string
		f    ProjectFilter
		want []int64
	}{
		{"accents folded", ProjectFilter{Query: "MOBILITES"}, []int64{ids[0]}},
		{"accents in the query", ProjectFilter{Query: "gestión"}, []int64{ids[1]}},
		{"last word as a prefix", ProjectFilter{Query: "eau rec"}, []int64{ids[1]}},
		{"prefix of the only word", ProjectFilter{Query: "gest"}, []int64{ids[1]}},
		{"every word must match", ProjectFilter{Query: "eau mobilites"}, []int64{}},
		{"summary", ProjectFilter{Query: "ciclovias"}, []int64{ids[0], ids[1]}},
		{"partner's name", ProjectFilter{Query: "prefeitura"}, []int64{ids[0], ids[1]}},
		{"reserve is not funded", ProjectFilter{Query: "oeuvres"}, []int64{}},
		{"pending decision", ProjectFilter{Query: "attente"}, []int64{}},
		{"punctuation only", ProjectFilter{Query: "«»"}, []int64{}},
		{"quote in the query", ProjectFilter{Query: `l'eau "recife`}, []int64{ids[1]}},
		{"country", ProjectFilter{Country: "br"}, []int64{ids[0], ids[1]}},
		{"other country", ProjectFilter{Country: "AR"}, []int64{}},
		{"theme", ProjectFilter{Themes: []string{"water", "urban_development"}}, []int64{ids[0], ids[1]}},
		{"other theme", ProjectFilter{Themes: []string{"health"}}, []int64{}},
		{"programme", ProjectFilter{ProgrammeID: e.call.ProgrammeID}, []int64{ids[0], ids[1]}},
		{"other programme", ProjectFilter{ProgrammeID: e.med.ID}, []int64{}},
		{"région", ProjectFilter{RegionCode: "84"}, []int64{ids[0], ids[1]}},
		{"other région", ProjectFilter{RegionCode: "93"}, []int64{}},
		{"year", ProjectFilter{Year: 2025}, []int64{ids[0], ids[1]}},
		{"other year", ProjectFilter{Year: 2024}, []int64{}},
		{"query and filters", ProjectFilter{Query: "recife", Country: "BR", Year: 2025, RegionCode: "84"}, []int64{ids[1]}},
	} {
		got, p := searchIDs(t, e.db, tc.f, all)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || p.Total != len(tc.want) {
			t.Errorf("%s: got %v (total %d); want %v", tc.name, got, p.Total, tc.want)
		}
	}

	// Relevance: a title outweighs the call's and partners' names.
	got, _ = searchIDs(t, e.db, ProjectFilter{Query: "belo horizonte"}, all)
	if len(got) != 2 || got[0] != ids[0] {
		t.Errorf("relevance: got %v; want %d (title) first", got, ids[0])
	}
	// Newest decision first, then the highest ID; pages.
	got, p = searchIDs(t, e.db, ProjectFilter{Sort: SortDecided}, coopdec.NewPage(2, 1))
	if len(got) != 1 || got[0] != ids[0] || p.Total != 2 {
		t.Errorf("page 2 of 1: got %v (total %d); want [%d] of 2", got, p.Total, ids[0])
	}
	got, p = searchIDs(t, e.db, ProjectFilter{Query: "ciclovias"}, coopdec.NewPage(3, 1))
	if len(got) != 0 || p.Total != 2 {
		t.Errorf("past the last page: got %v (total %d); want none of 2", got, p.Total)
	}
	if _, _, err := e.db.SearchProjects(ctx, ProjectFilter{Sort: "price"}, all); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Errorf("unknown sort: got %v; want EINVALID", err)
	}

	// The record: what is public, nothing of the rest.
	pp, err := e.db.PublicProject(ctx, ids[0])
	if err != nil {
		t.Fatalf("PublicProject: got error %v; want nil", err)
	}
	if pp.LeadName != "Lyon" || pp.RegionCode != "84" || pp.GrantedCents != 1_000_000 || pp.CallReference != e.call.Reference ||
		pp.Year != 2025 || pp.DecisionID != d.ID || len(pp.Partners) != 2 || pp.Partners[0].Name != "Prefeitura de Belo Horizonte" ||
		pp.ProgrammeName("fr") == "" || !pp.DecidedAt.Equal(t0) {
		t.Errorf("PublicProject: got %+v", pp)
	}
	for _, id := range []int64{ids[2], pendingIDs[0], 999_999} {
		if _, err := e.db.PublicProject(ctx, id); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
			t.Errorf("PublicProject(%d), not funded: got %v; want ENOTFOUND", id, err)
		}
	}
}

func TestIndexFundedProjectsCatchesUp(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	ctx := t.Context()
	d, ids := e.projectDecision(t, 0, "Coopération hospitalière")
	e.finalise(t, d)
	if n, err := e.db.IndexFundedProjects(ctx); err != nil || n != 0 {
		t.Fatalf("IndexFundedProjects when in step: got %d, %v; want 0", n, err)
	}
	// As a database decided before the record existed.
	emptyFundedRecord(t, e.db)
	if got, _ := searchIDs(t, e.db, ProjectFilter{Query: "hospitaliere"}, coopdec.NewPage(1, 20)); len(got) != 0 {
		t.Fatalf("after emptying: got %v; want none", got)
	}
	if n, err := e.db.IndexFundedProjects(ctx); err != nil || n != 1 {
		t.Fatalf("IndexFundedProjects: got %d, %v; want 1 call", n, err)
	}
	if got, _ := searchIDs(t, e.db, ProjectFilter{Query: "hospitaliere", Country: "BR"}, coopdec.NewPage(1, 20)); !slices.Equal(got, ids) {
		t.Fatalf("after catching up: got %v; want %v", got, ids)
	}
	if n, err := e.db.IndexFundedProjects(ctx); err != nil || n != 0 {
		t.Fatalf("IndexFundedProjects again: got %d, %v; want 0", n, err)
	}
	// Migrating again does it too, and leaves the record as it is.
	if _, err := e.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got, p := searchIDs(t, e.db, ProjectFilter{}, coopdec.NewPage(1, 20)); !slices.Equal(got, ids) || p.Total != 1 {
		t.Fatalf("after Migrate: got %v; want %v", got, ids)
	}
}

// BenchmarkSearchProjects searches a few thousand funded projects with
// the mix of queries a public search sees: common and rare words, a
// prefix, filters, a later page.
func BenchmarkSearchProjects(b *testing.B) {
	db := openTestDB(b)
	ctx := b.Context()
	if db.Dialect != SQLite {
		b.Skip("the benchmark measures the embedded database")
	}
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("COOPDEC_BENCH_PROJECTS")); err == nil && v > 0 {
		n = v // COOPDEC_BENCH_PROJECTS=50000: the growth of the cost with the matches
	}
	fillBenchProjects(b, db, n)
	for _, tc := range []struct {
		name string
		f    ProjectFilter
		page int
	}{
		{"common word", ProjectFilter{Query: "développement"}, 1}, // in every document
		{"common word page 3", ProjectFilter{Query: "développement"}, 3},
		{"word in one in sixteen", ProjectFilter{Query: "assainissement"}, 1},
		{"word being typed", ProjectFilter{Query: "cooperation sant"}, 1},
		{"rare word", ProjectFilter{Query: "réf 3131"}, 1},
		{"newest first", ProjectFilter{}, 1},
		{"newest first page 3", ProjectFilter{}, 3},
		{"country", ProjectFilter{Country: "SN"}, 1},
		{"query and filters", ProjectFilter{Query: "eau", Themes: []string{"water"}, Year: 2024}, 1},
		{"région and programme", ProjectFilter{RegionCode: "84", ProgrammeID: 2}, 2},
	} {
		// Searched afresh, as after a publication; then as kept.
		b.Run(tc.name+"/fresh", func(b *testing.B) {
			for b.Loop() {
				db.selected.projects = projectCache{}
				if _, _, err := db.SearchProjects(ctx, tc.f, coopdec.NewPage(tc.page, 20)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/kept", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.SearchProjects(ctx, tc.f, coopdec.NewPage(tc.page, 20)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fillBenchProjects stores n funded projects for the benchmarks: sixteen
// words spread over titles and summaries, eight countries, five themes.
func fillBenchProjects(tb testing.TB, db *DB, n int) {
	tb.Helper()
	ctx := tb.Context()
	// The records alone: the search reads no call, application or decision,
	// so the writer skips the references to them while filling.
	if _, err := db.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		tb.Fatal(err)
	}
	words := []string{"eau", "assainissement", "mobilité", "formation", "santé", "agriculture", "culture", "patrimoine",
		"énergie", "déchets", "tourisme", "jeunesse", "numérique", "gouvernance", "urbanisme", "climat"}
	countries := []string{"BR", "SN", "MA", "VN", "HT", "MG", "TN", "CM"}
	themes := []string{"water", "urban_development", "health", "culture", "education"}
	regions := []string{"84", "93", "11", "75", "76"}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= n; i++ {
			w1, w2 := words[i%len(words)], words[(i*7)%len(words)]
			p := coopdec.PublicProject{ApplicationID: int64(i), Texts: map[string]coopdec.ProjectText{
				"fr": {Title: fmt.Sprintf("Projet de coopération %s et %s n°%d", w1, w2, i),
					Summary: fmt.Sprintf("Développement local : %s, %s et renforcement des capacités des collectivités (réf. %d).", w1, w2, i*31)}},
				LeadName: fmt.Sprintf("Commune %d", i%700), RegionCode: regions[i%len(regions)], CallID: int64(1 + i%40),
				CallReference: fmt.Sprintf("AAP-%02d", i%40), ProgrammeID: int64(1 + i%4), Themes: []string{themes[i%len(themes)]},
				Countries: []string{countries[i%len(countries)]}, GrantedCents: int64(i) * 1000, DecisionID: int64(1 + i%40),
				DecidedAt: t0.AddDate(0, 0, -i%900), Year: t0.AddDate(0, 0, -i%900).Year(),
				Partners: []coopdec.ProjectPartner{{Name: fmt.Sprintf("Municipalité partenaire %d", i%900), Country: countries[i%len(countries)]}}}
			if err := db.insertFundedProject(ctx, tx, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
		tb.Fatal(err)
	}
}

// TestSearchProjectsRanksTheRecentMatches checks the bound of the relevance
// sort: the rankedProjects newest matches come first, best first, then the
// older ones, newest first; every match shows once over the pages, and
// the total counts them all.
func TestSearchProjectsRanksTheRecentMatches(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	// The records alone, without the calls, applications and decisions
	// they name.
	if db.Dialect == SQLite {
		if _, err := db.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			t.Fatal(err)
		}
	}
	const n = rankedProjects + 40
	// Application 10 (old) and n-5 (recent) have the word in their title;
	// the others in their summaries only. Even IDs act in Senegal.
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if db.Dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				return err
			}
		}
		for i := int64(1); i <= n; i++ {
			title, summary := fmt.Sprintf("Projet %d", i), "Un projet de coopération hydraulique"
			if i == 10 || i == n-5 {
				title = "Coopération hydraulique"
			}
			country := "BR"
			if i%2 == 0 {
				country = "SN"
			}
			p := coopdec.PublicProject{ApplicationID: i, CallID: 1, DecisionID: 1, ProgrammeID: 1, RegionCode: "84",
				Texts: map[string]coopdec.ProjectText{"fr": {Title: title, Summary: summary}}, Countries: []string{country},
				DecidedAt: t0, Year: 2025}
			if err := db.insertFundedProject(ctx, tx, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var all []int64
	for pg := 1; ; pg++ {
		ids, p := searchIDs(t, db, ProjectFilter{Query: "hydraulique"}, coopdec.NewPage(pg, 100))
		if p.Total != n {
			t.Fatalf("page %d: total %d; want %d", pg, p.Total, n)
		}
		if len(ids) == 0 {
			break
		}
		all = append(all, ids...)
	}
	if len(all) != n {
		t.Fatalf("got %d projects over the pages; want %d", len(all), n)
	}
	if all[0] != n-5 {
		t.Errorf("first: got %d; want %d, the recent title match", all[0], n-5)
	}
	if got, want := slices.Index(all, 10), rankedProjects+(n-rankedProjects-10); got != want {
		t.Errorf("old title match at %d; want %d, among the older matches by date", got, want)
	}
	rest := all[rankedProjects:]
	if !slices.IsSortedFunc(rest, func(a, b int64) int { return int(b - a) }) || slices.Max(rest) != n-rankedProjects {
		t.Errorf("after the ranked matches: got %v; want the older ones, newest first", rest)
	}
	seen := map[int64]bool{}
	for _, id := range all {
		if seen[id] {
			t.Fatalf("project %d shown twice", id)
		}
		seen[id] = true
	}
	// A filter bounds the ranked set among the matches it keeps: all of
	// Senegal's are ranked, the old title match first.
	ids, p := searchIDs(t, db, ProjectFilter{Query: "hydraulique", Country: "sn"}, coopdec.NewPage(1, 5))
	if p.Total != n/2 || len(ids) != 5 || ids[0] != 10 {
		t.Errorf("Senegal: got %v (total %d); want 5 of %d", ids, p.Total, n/2)
	}
	for _, id := range ids {
		if id%2 != 0 {
			t.Errorf("Senegal: got %d, in Brazil", id)
		}
	}
	// Newest decision first with a query reads every match.
	ids, _ = searchIDs(t, db, ProjectFilter{Query: "hydraulique", Sort: SortDecided}, coopdec.NewPage(1, 3))
	if !slices.Equal(ids, []int64{n, n - 1, n - 2}) {
		t.Errorf("sorted by decision: got %v; want the highest IDs (same date)", ids)
	}
}

// TestSearchProjectsFollowsTheRecord checks that the searches a server
// keeps end with the version of the record: a search made before the
// record catches up finds the projects after.
func TestSearchProjectsFollowsTheRecord(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	ctx := t.Context()
	d, ids := e.projectDecision(t, 0, "Coopération portuaire")
	e.finalise(t, d)
	f := ProjectFilter{Query: "portuaire"}
	if got, p := searchIDs(t, e.db, f, coopdec.NewPage(1, 20)); !slices.Equal(got, ids) || p.Total != 1 {
		t.Fatalf("published: got %v (total %d); want %v", got, p.Total, ids)
	}
	// As a database decided before the record existed: emptied behind the
	// storage code's back, which leaves the version as it was, so this
	// server forgets what it keeps.
	emptyFundedRecord(t, e.db)
	e.db.selected.projects = projectCache{}
	if got, p := searchIDs(t, e.db, f, coopdec.NewPage(1, 20)); len(got) != 0 || p.Total != 0 {
		t.Fatalf("emptied: got %v (total %d); want none", got, p.Total)
	}
	if n, err := e.db.IndexFundedProjects(ctx); err != nil || n != 1 {
		t.Fatalf("IndexFundedProjects: got %d, %v; want 1 call", n, err)
	}
	if got, p := searchIDs(t, e.db, f, coopdec.NewPage(1, 20)); !slices.Equal(got, ids) || p.Total != 1 {
		t.Fatalf("indexed again: got %v (total %d); want %v", got, p.Total, ids)
	}
}

// TestSearchProjectsWholeWord checks that the last word of a query is
// matched as a whole word only when no indexed word extends it, with the
// same results either way.
func TestSearchProjectsWholeWord(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	if db.Dialect != SQLite {
		t.Skip("PostgreSQL matches prefixes through its own index")
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	titles := []string{"Assainissement urbain", "Assainissements ruraux", "Réseau hydraulique", "Hydraulique villageoise"}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for i, title := range titles {
			p := coopdec.PublicProject{ApplicationID: int64(i + 1), CallID: 1, DecisionID: 1, ProgrammeID: 1, RegionCode: "84",
				Texts: map[string]coopdec.ProjectText{"fr": {Title: title}}, DecidedAt: t0, Year: 2025}
			if err := db.insertFundedProject(ctx, tx, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		terms []string
		match string
		ids   []int64
	}{
		{[]string{"hydraulique"}, `"hydraulique"`, []int64{4, 3}},
		{[]string{"reseau", "hydraulique"}, `"reseau" "hydraulique"`, []int64{3}},
		{[]string{"hydrau"}, `"hydrau"*`, []int64{4, 3}},
		{[]string{"assainissement"}, `"assainissement"*`, []int64{2, 1}},
		{[]string{"rural"}, `"rural"`, nil}, // "ruraux" does not start with it
		{[]string{"ruraux"}, `"ruraux"`, []int64{2}},
	} {
		version, err := db.publicVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		match, err := db.ftsMatch(ctx, version, "funded_project_search_terms", tc.terms)
		if err != nil || match != tc.match {
			t.Errorf("ftsMatch(%q): got %q, %v; want %q", tc.terms, match, err, tc.match)
		}
		got, _ := searchIDs(t, db, ProjectFilter{Query: strings.Join(tc.terms, " "), Sort: SortDecided}, coopdec.NewPage(1, 20))
		if !slices.Equal(got, tc.ids) && (len(got) != 0 || tc.ids != nil) {
			t.Errorf("SearchProjects(%q): got %v; want %v", tc.terms, got, tc.ids)
		}
	}
}

// emptyFundedRecord deletes the public record of funded projects behind
// the storage code's back, as a database decided before it existed.
func emptyFundedRecord(t *testing.T, db *DB) {
	t.Helper()
	for _, q := range []string{`DELETE FROM funded_project_calls`, `DELETE FROM funded_projects`} {
		if _, err := db.write.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	if db.Dialect == SQLite {
		if _, err := db.write.ExecContext(t.Context(), `DELETE FROM funded_project_search`); err != nil {
			t.Fatal(err)
		}
	}
}
