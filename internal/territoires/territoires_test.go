package territoires

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// referential is the official referential, shared by the projects'
// checkouts; tests that need it are skipped when it is absent.
const referential = "../../../shared/referentiel/decoupage-administratif-6.0.0"

func needReferential(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(referential, CommunesFile)); err != nil {
		t.Skipf("referential not available: %v", err)
	}
}

func find(ts []coopdec.Territory, kind coopdec.TerritoryKind, code string) (coopdec.Territory, bool) {
	for _, t := range ts {
		if t.Kind == kind && t.Code == code {
			return t, true
		}
	}
	return coopdec.Territory{}, false
}

func TestLoadReferential(t *testing.T) {
	needReferential(t)
	ts, err := Load(referential)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[coopdec.TerritoryKind]int{}
	for _, x := range ts {
		counts[x.Kind]++
		if x.Name == "" || x.Code == "" || x.Region == "" || x.Department == "" && x.Kind != coopdec.TerritoryRegion {
			t.Errorf("incomplete territory %+v", x)
		}
	}
	// The counts of version 6.0.0, collectivités d'outre-mer excluded.
	want := map[coopdec.TerritoryKind]int{
		coopdec.TerritoryRegion:      18,
		coopdec.TerritoryDepartement: 101,
		coopdec.TerritoryEPCI:        1255,
		coopdec.TerritoryCommune:     34875,
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d %s; want %d", counts[k], k, n)
		}
	}

	lyon, ok := find(ts, coopdec.TerritoryCommune, "69123")
	if !ok {
		t.Fatal("no Lyon")
	}
	wantPC := []string{"69001", "69002", "69003", "69004", "69005", "69006", "69007", "69008", "69009"}
	if lyon.Name != "Lyon" || lyon.SIREN != "216901231" || lyon.Population < 400_000 ||
		!slices.Equal(lyon.Postcodes, wantPC) || lyon.Department != "69" || lyon.Region != "84" {
		t.Errorf("Lyon = %+v", lyon)
	}
	for _, code := range []string{"200046977", "200054807"} { // Métropole de Lyon, Aix-Marseille-Provence
		m, ok := find(ts, coopdec.TerritoryEPCI, code)
		if !ok || m.SIREN != code || m.Population < 1_000_000 || m.Nature == "" {
			t.Errorf("EPCI %s = %+v, %v", code, m, ok)
		}
	}
	if m, _ := find(ts, coopdec.TerritoryEPCI, "200046977"); m.Nature != "MET69" || m.Department != "69" || m.Region != "84" {
		t.Errorf("Métropole de Lyon = %+v", m)
	}
	// Spans six départements; its seat, Paris, holds the most inhabitants.
	if m, _ := find(ts, coopdec.TerritoryEPCI, "200054781"); m.Department != "75" || m.Region != "11" {
		t.Errorf("Métropole du Grand Paris = %+v", m)
	}
	if r, _ := find(ts, coopdec.TerritoryRegion, "93"); r.Name != "Provence-Alpes-Côte d'Azur" || r.Population < 4_000_000 {
		t.Errorf("région 93 = %+v", r)
	}
	if r, ok := find(ts, coopdec.TerritoryRegion, "06"); !ok || r.Name != "Mayotte" {
		t.Errorf("région 06 = %+v", r)
	}
	if d, _ := find(ts, coopdec.TerritoryDepartement, "2A"); d.Name != "Corse-du-Sud" || d.Region != "94" {
		t.Errorf("département 2A = %+v", d)
	}
	// Arrondissements municipaux and communes déléguées are not communes;
	// the latter often share the code of their commune nouvelle.
	if _, ok := find(ts, coopdec.TerritoryCommune, "69381"); ok {
		t.Error("arrondissement 69381 should be left out")
	}
	if c, _ := find(ts, coopdec.TerritoryCommune, "01015"); c.Name != "Arboys en Bugey" {
		t.Errorf("commune 01015 = %+v; want the commune nouvelle, not the déléguée", c)
	}
	if _, ok := find(ts, coopdec.TerritoryCommune, "98818"); ok {
		t.Error("Nouméa (collectivité d'outre-mer) should be left out")
	}
}

// writeReferential writes a tiny, valid referential into a temporary folder,
// with the given files replaced.
func writeReferential(t *testing.T, replace map[string]string) string {
	t.Helper()
	files := map[string]string{
		RegionsFile: `[{"code":"84","nom":"Auvergne-Rhône-Alpes","zone":"metro"},
			{"code":"988","nom":"Nouvelle-Calédonie","zone":"com"}]`,
		DepartementsFile: `[{"code":"69","region":"84","nom":"Rhône","zone":"metro"},
			{"code":"42","region":"84","nom":"Loire","zone":"metro"}]`,
		CommunesFile: `[
			{"code":"69123","nom":"Lyon","type":"commune-actuelle","zone":"metro","departement":"69","region":"84",
			 "siren":"216901231","codesPostaux":["69002","69001"],"population":519127},
			{"code":"69381","nom":"Lyon 1er Arrondissement","type":"arrondissement-municipal","zone":"metro","departement":"69","region":"84"},
			{"code":"42218","nom":"Saint-Étienne","type":"commune-actuelle","zone":"metro","departement":"42","region":"84",
			 "siren":"214202186","codesPostaux":["42000","42100"],"population":173089},
			{"code":"98818","nom":"Nouméa","type":"commune-actuelle","zone":"com","departement":"988","region":"988"}]`,
		EPCIFile: `[{"code":"200046977","nom":"Métropole de Lyon","type":"MET69","populationMunicipale":1400000,
			"membres":[{"code":"69123","populationMunicipale":520000},{"code":"42218","populationMunicipale":170000}]}]`,
	}
	for k, v := range replace {
		files[k] = v
	}
	dir := t.TempDir()
	for name, body := range files {
		if body == "-" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadSmall(t *testing.T) {
	ts, err := Load(writeReferential(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range ts {
		got = append(got, string(x.Kind)+":"+x.Code)
	}
	want := []string{"region:84", "departement:69", "departement:42", "epci:200046977", "commune:69123", "commune:42218"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	if r := ts[0]; r.Population != 519127+173089 {
		t.Errorf("région population = %d", r.Population)
	}
	if e := ts[3]; e.Department != "69" || e.Region != "84" || e.SIREN != "200046977" || e.Nature != "MET69" || e.Population != 1400000 {
		t.Errorf("EPCI = %+v", e)
	}
	if c := ts[4]; !slices.Equal(c.Postcodes, []string{"69001", "69002"}) {
		t.Errorf("postcodes = %v", c.Postcodes)
	}
}

func TestLoadErrors(t *testing.T) {
	lyon := `{"code":"69123","nom":"Lyon","type":"commune-actuelle","zone":"metro","departement":"69","region":"84"`
	for _, tc := range []struct {
		name    string
		replace map[string]string
		want    string // substrings of the error, in order
	}{
		{"missing file", map[string]string{EPCIFile: "-"}, "territoires: open " + "|epci.json|no such file"},
		{"not an array", map[string]string{RegionsFile: `{"code":"84"}`}, "regions.json: not a JSON array"},
		{"empty", map[string]string{RegionsFile: `[]`}, "regions.json: no entry"},
		{"syntax", map[string]string{CommunesFile: `[` + lyon + `}, {"code": }]`}, "communes.json: entry 2: invalid character"},
		{"truncated", map[string]string{CommunesFile: `[` + lyon + `}`}, "communes.json: |entry"}, // Go versions differ on which entry the stray brace is blamed on
		{"trailing", map[string]string{RegionsFile: `[{"code":"84","nom":"A","zone":"metro"}] []`}, "regions.json: unexpected data"},
		{"wrong type", map[string]string{CommunesFile: `[` + lyon + `, "population": "many"}]`}, "communes.json: entry 1: json: cannot unmarshal string"},
		{"bad region code", map[string]string{RegionsFile: `[{"code":"8","nom":"A","zone":"metro"}]`}, `regions.json: entry 1: invalid code "8"`},
		{"unknown zone", map[string]string{RegionsFile: `[{"code":"84","nom":"A","zone":"mars"}]`}, `regions.json: entry 1: unknown zone "mars"`},
		{"no name", map[string]string{RegionsFile: `[{"code":"84","nom":" ","zone":"metro"}]`}, `regions.json: entry 1: code "84": missing name`},
		{"duplicate", map[string]string{DepartementsFile: `[{"code":"69","region":"84","nom":"Rhône","zone":"metro"},
			{"code":"69","region":"84","nom":"Rhône","zone":"metro"}]`}, `departements.json: entry 2: duplicate code "69"`},
		{"unknown région", map[string]string{DepartementsFile: `[{"code":"69","region":"99","nom":"Rhône","zone":"metro"}]`},
			`departements.json: entry 1: code "69": unknown région "99"`},
		{"unknown commune type", map[string]string{CommunesFile: `[{"code":"69123","nom":"Lyon","type":"ville","zone":"metro"}]`},
			`communes.json: entry 1: code "69123": unknown type "ville"`},
		{"bad SIREN", map[string]string{CommunesFile: `[` + lyon + `, "siren": "21690123"}]`}, `communes.json: entry 1: code "69123": invalid SIREN "21690123"`},
		{"bad postcode", map[string]string{CommunesFile: `[` + lyon + `, "codesPostaux": ["6900"]}]`}, `communes.json: entry 1: code "69123": invalid postcode "6900"`},
		{"unknown département", map[string]string{CommunesFile: `[{"code":"01001","nom":"A","type":"commune-actuelle","zone":"metro","departement":"01","region":"84"}]`},
			`communes.json: entry 1: code "01001": unknown département "01"`},
		{"bad EPCI code", map[string]string{EPCIFile: `[{"code":"2000","nom":"A","type":"CC","membres":[{"code":"69123"}]}]`}, `epci.json: entry 1: invalid code "2000"`},
		{"unknown member", map[string]string{EPCIFile: `[{"code":"200046977","nom":"A","type":"CC","membres":[{"code":"01001"}]}]`},
			`epci.json: entry 1: code "200046977": unknown member commune "01001"`},
		{"no member", map[string]string{EPCIFile: `[{"code":"200046977","nom":"A","type":"CC","membres":[]}]`}, `epci.json: entry 1: code "200046977": no member`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeReferential(t, tc.replace))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "territoires: ") {
				t.Errorf("error %q lacks the package prefix", msg)
			}
			rest := msg
			for _, part := range strings.Split(tc.want, "|") {
				i := strings.Index(rest, part)
				if i < 0 {
					t.Fatalf("error %q; want it to contain %q", msg, tc.want)
				}
				rest = rest[i+len(part):]
			}
		})
	}
}

// memStore records what Import sends it.
type memStore struct {
	got []coopdec.Territory
	err error
}

func (m *memStore) UpsertTerritories(_ context.Context, ts []coopdec.Territory, progress func(int)) (int, int, int, error) {
	if m.err != nil {
		return 0, 0, 0, m.err
	}
	m.got = ts
	for i := 1; i <= len(ts); i++ {
		progress(i)
	}
	return len(ts), 0, 0, nil
}

func TestImport(t *testing.T) {
	dir := writeReferential(t, nil)
	var out bytes.Buffer
	store := &memStore{}
	r, err := Import(context.Background(), store, dir, &out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Regions != 1 || r.Departements != 2 || r.EPCI != 1 || r.Communes != 2 || r.Inserted != 6 || len(store.got) != 6 || r.Elapsed <= 0 {
		t.Errorf("report %+v", r)
	}
	// Not a terminal: no redraw per territory, just the final state.
	if s := out.String(); !strings.Contains(s, "Import du référentiel territorial") || !strings.Contains(s, "6/6") ||
		strings.Count(s, "\r") > 4 || !strings.HasSuffix(s, "\n") {
		t.Errorf("progress output %q", s)
	}

	if _, err := Import(context.Background(), store, dir, nil); err != nil {
		t.Fatal(err)
	}

	store.err = errors.New("disk full")
	if _, err := Import(context.Background(), store, dir, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
	if _, err := Import(context.Background(), store, t.TempDir(), nil); err == nil {
		t.Error("importing an empty folder succeeded")
	}
}
