package sqldb

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/territoires"
)

func sampleTerritories() []coopdec.Territory {
	return []coopdec.Territory{
		{Kind: coopdec.TerritoryRegion, Code: "84", Name: "Auvergne-Rhône-Alpes", Region: "84", Population: 8_000_000},
		{Kind: coopdec.TerritoryDepartement, Code: "42", Name: "Loire", Region: "84", Department: "42", Population: 770_000},
		{Kind: coopdec.TerritoryDepartement, Code: "69", Name: "Rhône", Region: "84", Department: "69", Population: 1_900_000},
		{Kind: coopdec.TerritoryDepartement, Code: "91", Name: "Essonne", Region: "11", Department: "91", Population: 1_300_000},
		{Kind: coopdec.TerritoryEPCI, Code: "244200770", Name: "Saint-Étienne Métropole", SIREN: "244200770",
			Region: "84", Department: "42", Nature: "METRO", Population: 407_700},
		{Kind: coopdec.TerritoryCommune, Code: "42218", Name: "Saint-Étienne", SIREN: "214202186",
			Postcodes: []string{"42000", "42100"}, Region: "84", Department: "42", Population: 173_089},
		{Kind: coopdec.TerritoryCommune, Code: "42207", Name: "Saint-Étienne-le-Molard", SIREN: "214202079",
			Postcodes: []string{"42130"}, Region: "84", Department: "42", Population: 1_000},
		{Kind: coopdec.TerritoryCommune, Code: "69123", Name: "Lyon", SIREN: "216901231",
			Postcodes: []string{"69001", "69002", "69003", "69004", "69005", "69006", "69007", "69008", "69009"},
			Region:    "84", Department: "69", Population: 519_127},
		{Kind: coopdec.TerritoryCommune, Code: "69001", Name: "Affoux", SIREN: "216900019",
			Postcodes: []string{"69170"}, Region: "84", Department: "69", Population: 400},
		{Kind: coopdec.TerritoryCommune, Code: "91228", Name: "Évry-Courcouronnes", SIREN: "200091397",
			Postcodes: []string{"91000", "91080"}, Region: "11", Department: "91", Population: 66_000},
		{Kind: coopdec.TerritoryCommune, Code: "99999", Name: "Cent_Pour%Cent", Region: "84", Department: "69"},
		{Kind: coopdec.TerritoryDepartement, Code: "2A", Name: "Corse-du-Sud", Region: "94", Department: "2A", Population: 160_000},
		{Kind: coopdec.TerritoryCommune, Code: "2A004", Name: "Ajaccio", SIREN: "212000046",
			Postcodes: []string{"20000", "20090"}, Region: "94", Department: "2A", Population: 73_000},
	}
}

func codes(ts []coopdec.Territory) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

func TestUpsertTerritories(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ts := sampleTerritories()

	var calls []int
	ins, upd, same, err := db.UpsertTerritories(ctx, ts, func(done int) { calls = append(calls, done) })
	if err != nil {
		t.Fatal(err)
	}
	if ins != len(ts) || upd != 0 || same != 0 {
		t.Fatalf("first run: %d inserted, %d updated, %d unchanged", ins, upd, same)
	}
	if len(calls) == 0 || calls[len(calls)-1] != len(ts) {
		t.Errorf("progress calls %v", calls)
	}

	got, err := db.Territory(ctx, coopdec.TerritoryCommune, "42218")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(ts[5]) {
		t.Errorf("read back %+v; want %+v", got, ts[5])
	}
	if got, _ := db.Territory(ctx, coopdec.TerritoryDepartement, "42"); got.SIREN != "" || got.Postcodes != nil {
		t.Errorf("département 42 = %+v", got)
	}

	if ins, upd, same, err = db.UpsertTerritories(ctx, ts, nil); err != nil || ins != 0 || upd != 0 || same != len(ts) {
		t.Fatalf("second run: %d inserted, %d updated, %d unchanged, %v", ins, upd, same, err)
	}

	ts[7].Population++
	extra := coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: "01001", Name: "L'Abergement-Clémenciat", Region: "84", Department: "01"}
	if ins, upd, same, err = db.UpsertTerritories(ctx, append(ts[1:], extra), nil); err != nil || ins != 1 || upd != 1 || same != len(ts)-2 {
		t.Fatalf("third run: %d inserted, %d updated, %d unchanged, %v", ins, upd, same, err)
	}
	if got, _ := db.Territory(ctx, coopdec.TerritoryCommune, "69123"); got.Population != ts[7].Population {
		t.Errorf("Lyon population %d; want %d", got.Population, ts[7].Population)
	}
	// The région left out of the third run is kept.
	counts, err := db.TerritoryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[coopdec.TerritoryKind]int{"region": 1, "departement": 4, "epci": 1, "commune": 8}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %v; want %v", counts, want)
	}

	_, err = db.Territory(ctx, coopdec.TerritoryCommune, "00000")
	if coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("missing territory: %v", err)
	}
	if k, _ := coopdec.ErrorKey(err); k != "territory.not_found" {
		t.Errorf("missing territory key %q", k)
	}

	for _, bad := range [][]coopdec.Territory{
		{{Kind: "canton", Code: "1", Name: "A"}},
		{{Kind: coopdec.TerritoryCommune, Code: "", Name: "A"}},
		{{Kind: coopdec.TerritoryCommune, Code: "1", Name: " "}},
		{ts[0], ts[0]},
		{{Kind: coopdec.TerritoryCommune, Code: "01002", Name: "L'Abergement-de-Varey"}, {Kind: "canton", Code: "1", Name: "A"}},
	} {
		if _, _, _, err := db.UpsertTerritories(ctx, bad, nil); err == nil {
			t.Errorf("upsert %v: no error", bad)
		}
	}
	// A bad entry fails the whole upsert before any write.
	if _, err := db.Territory(ctx, coopdec.TerritoryCommune, "01002"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("valid entry of a failed upsert: %v", err)
	}
}

func TestUpsertTerritoriesBatches(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	// More rows than a batch, and not a multiple of the chunk size.
	n := territoryBatch + territoryChunk + 7
	ts := make([]coopdec.Territory, n)
	for i := range ts {
		ts[i] = coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: fmt.Sprintf("%05d", i), Name: fmt.Sprintf("Commune %d", i),
			Postcodes: []string{fmt.Sprintf("%05d", i)}}
	}
	var calls []int
	if ins, _, _, err := db.UpsertTerritories(ctx, ts, func(done int) { calls = append(calls, done) }); err != nil || ins != n {
		t.Fatalf("%d inserted, %v", ins, err)
	}
	if !slices.Equal(calls, []int{territoryBatch, n}) {
		t.Errorf("progress calls %v", calls)
	}
	if counts, _ := db.TerritoryCounts(ctx); counts[coopdec.TerritoryCommune] != n {
		t.Errorf("counts %v", counts)
	}
	ts[n-1].Name = "Dernière"
	if ins, upd, same, err := db.UpsertTerritories(ctx, ts, nil); err != nil || ins != 0 || upd != 1 || same != n-1 {
		t.Fatalf("%d inserted, %d updated, %d unchanged, %v", ins, upd, same, err)
	}
}

func TestSearchTerritories(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if _, _, _, err := db.UpsertTerritories(ctx, sampleTerritories(), nil); err != nil {
		t.Fatal(err)
	}
	all := []coopdec.TerritoryKind(nil)
	communes := []coopdec.TerritoryKind{coopdec.TerritoryCommune}
	for _, tc := range []struct {
		q     string
		kinds []coopdec.TerritoryKind
		limit int
		want  []string
	}{
		// Word prefixes, exact name first, then by population.
		{"etienne", all, 0, []string{"244200770", "42218", "42207"}},
		{"saint-é", all, 0, []string{"244200770", "42218", "42207"}},
		{"Saint Étienne", all, 0, []string{"42218", "244200770", "42207"}},
		{"SAINT-ETIENNE", communes, 0, []string{"42218", "42207"}},
		{"saint-étienne", []coopdec.TerritoryKind{coopdec.TerritoryEPCI, coopdec.TerritoryDepartement}, 0, []string{"244200770"}},
		{"evry", all, 0, []string{"91228"}},
		{"courcouronnes", all, 0, []string{"91228"}},
		{"rhone", all, 0, []string{"69", "84"}},
		{"tienne", all, 0, nil}, // not the start of a word
		{"saint", all, 2, []string{"244200770", "42218"}},
		{"  ", all, 0, nil},
		{"--", all, 0, nil},
		// LIKE wildcards are no wildcards (folding makes them spaces).
		{"%", all, 0, nil},
		{"_", all, 0, nil},
		{"%tienne", all, 0, nil},
		{"_tienne", all, 0, nil},
		{"pour%c", all, 0, []string{"99999"}}, // "cent pour cent"
		{"cent_p", all, 0, []string{"99999"}},
		// Codes.
		{"42000", all, 0, []string{"42218"}},
		{"42 000", all, 0, []string{"42218"}},
		{"69001", all, 0, []string{"69001", "69123"}}, // INSEE code first, then postcode
		{"690", all, 0, []string{"69123", "69001"}},
		{"6900", communes, 0, []string{"69123", "69001"}},
		{"69", all, 0, []string{"69", "69123", "69001"}},
		{"42", []coopdec.TerritoryKind{coopdec.TerritoryDepartement}, 0, []string{"42"}},
		{"421", all, 0, []string{"42218", "42207"}},
		{"216901231", all, 0, []string{"69123"}},
		{"216 901 231", all, 0, []string{"69123"}},
		{"244200770", all, 0, []string{"244200770"}},
		{"244200770", communes, 0, nil},
		{"2A", all, 0, []string{"2A", "2A004"}}, // Corsica's codes have letters
		{"2a0", all, 0, []string{"2A004"}},
		{"2A004", all, 0, []string{"2A004"}},
		{"20090", all, 0, []string{"2A004"}}, // second postcode
		{"2009", all, 0, []string{"2A004"}},
		{"200", all, 0, []string{"2A004"}},
		{"2", all, 0, nil},
		{"2169012", all, 0, nil},
	} {
		got, err := db.SearchTerritories(ctx, tc.q, tc.kinds, tc.limit)
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		if c := codes(got); !slices.Equal(c, tc.want) && !(len(c) == 0 && len(tc.want) == 0) {
			t.Errorf("search %q %v: got %v; want %v", tc.q, tc.kinds, c, tc.want)
		}
	}

	got, err := db.SearchTerritories(ctx, "lyon", nil, 0)
	if err != nil || len(got) != 1 || got[0].SIREN != "216901231" || len(got[0].Postcodes) != 9 {
		t.Errorf("lyon: %+v, %v", got, err)
	}
}

func TestSearchTerritoriesLimit(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ts := make([]coopdec.Territory, 80)
	for i := range ts {
		ts[i] = coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: fmt.Sprintf("%05d", i), Name: fmt.Sprintf("Ville %d", i), Population: int64(i)}
	}
	if _, _, _, err := db.UpsertTerritories(ctx, ts, nil); err != nil {
		t.Fatal(err)
	}
	for limit, want := range map[int]int{0: 10, -1: 10, 1: 1, 50: 50, 1000: 50} {
		got, err := db.SearchTerritories(ctx, "ville", nil, limit)
		if err != nil || len(got) != want {
			t.Errorf("limit %d: %d results, %v; want %d", limit, len(got), err, want)
		}
		if len(got) > 0 && got[0].Code != "00079" {
			t.Errorf("limit %d: first %s; want the most populated", limit, got[0].Code)
		}
	}
}

// referential is the official referential, shared by the project's
// checkouts; tests that need it are skipped when it is absent.
const referential = "../../../shared/referentiel/decoupage-administratif-6.0.0"

func needReferential(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("full referential import skipped in short mode")
	}
	if _, err := os.Stat(referential); err != nil {
		tb.Skipf("referential not available: %v", err)
	}
}

func TestImportReferential(t *testing.T) {
	needReferential(t)
	ctx := context.Background()
	db := openTestDB(t)
	r, err := territoires.Import(ctx, db, referential, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first import (%s): %+v", db.Dialect, r)
	total := r.Regions + r.Departements + r.EPCI + r.Communes
	if r.Inserted != total || r.Updated != 0 || r.Communes < 30_000 {
		t.Errorf("first import: %+v", r)
	}
	r, err = territoires.Import(ctx, db, referential, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second import (%s): %+v", db.Dialect, r)
	if r.Inserted != 0 || r.Updated != 0 || r.Unchanged != total {
		t.Errorf("second import changed rows: %+v", r)
	}
	counts, err := db.TerritoryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[coopdec.TerritoryCommune] != r.Communes || counts[coopdec.TerritoryEPCI] != r.EPCI {
		t.Errorf("counts %v; report %+v", counts, r)
	}

	for q, want := range map[string]string{"lyon": "69123", "69001": "69123", "marseille": "13055", "216901231": "69123", "paris": "75056"} {
		start := time.Now()
		got, err := db.SearchTerritories(ctx, q, nil, 10)
		if err != nil || len(got) == 0 || !slices.Contains(codes(got), want) {
			t.Errorf("search %q: %v, %v; want %s among them", q, codes(got), err, want)
		}
		t.Logf("search %q: %d results in %s", q, len(got), time.Since(start))
	}
	if got, _ := db.SearchTerritories(ctx, "saint etienne", nil, 3); len(got) == 0 || got[0].Code != "42218" {
		t.Errorf("saint etienne: %v", codes(got))
	}
}

// BenchmarkSearchTerritories measures type-ahead searches over the whole
// referential (go test -run ^$ -bench SearchTerritories ./internal/sqldb).
func BenchmarkSearchTerritories(b *testing.B) {
	needReferential(b)
	ctx := context.Background()
	db := openTestDB(b)
	if _, err := territoires.Import(ctx, db, referential, nil); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"sai", "saint etienne", "lyon", "ville", "42000", "690", "69", "216901231"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.SearchTerritories(ctx, q, nil, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
