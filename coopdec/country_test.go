package coopdec

import (
	"encoding/xml"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestCountryName(t *testing.T) {
	for _, tc := range []struct {
		code           string
		fr, en, es, pt string
	}{
		{"FR", "France", "France", "Francia", "França"},
		{"IN", "Inde", "India", "India", "Índia"},
		{"BR", "Brésil", "Brazil", "Brasil", "Brasil"},
		{"AR", "Argentine", "Argentina", "Argentina", "Argentina"},
		{"PS", "Territoires palestiniens", "Palestinian Territories", "Territorios Palestinos", "Territórios Palestinos"},
		{"TN", "Tunisie", "Tunisia", "Túnez", "Tunísia"},
		{"MA", "Maroc", "Morocco", "Marruecos", "Marrocos"},
		{"DZ", "Algérie", "Algeria", "Argelia", "Argélia"},
		{"EG", "Égypte", "Egypt", "Egipto", "Egito"},
		{"JO", "Jordanie", "Jordan", "Jordania", "Jordânia"},
		{"LB", "Liban", "Lebanon", "Líbano", "Líbano"},
		{"SY", "Syrie", "Syria", "Siria", "Síria"},
		{"TR", "Turquie", "Türkiye", "Turquía", "Turquia"},
		{"HT", "Haïti", "Haiti", "Haití", "Haiti"},
		{"CD", "République démocratique du Congo", "Democratic Republic of the Congo", "República Democrática del Congo", "República Democrática do Congo"},
		{"CG", "République du Congo", "Republic of the Congo", "República del Congo", "República do Congo"},
		{"CI", "Côte d’Ivoire", "Côte d’Ivoire", "Costa de Marfil", "Costa do Marfim"},
		{"MK", "Macédoine du Nord", "North Macedonia", "Macedonia del Norte", "Macedônia do Norte"},
		{"SZ", "Eswatini", "Eswatini", "Esuatini", "Essuatíni"},
		{"MZ", "Mozambique", "Mozambique", "Mozambique", "Moçambique"},
		{"XK", "Kosovo", "Kosovo", "Kosovo", "Kosovo"},
	} {
		c, ok := CountryByCode(tc.code)
		if !ok {
			t.Errorf("CountryByCode(%q) not found", tc.code)
			continue
		}
		for lang, want := range map[string]string{"fr": tc.fr, "en": tc.en, "es": tc.es, "pt": tc.pt} {
			if got := c.Name(lang); got != want {
				t.Errorf("%s.Name(%q) = %q; want %q", tc.code, lang, got, want)
			}
		}
	}
}

func TestCountryNameFallback(t *testing.T) {
	for _, lang := range []string{"", "de", "FR", "pt-BR", "ar"} {
		if got := (Country{Code: "EG"}).Name(lang); got != "Égypte" {
			t.Errorf("EG.Name(%q) = %q; want the French name", lang, got)
		}
	}
	for _, code := range []string{"ZZ", "EU", "", "fr"} {
		if got := (Country{Code: code}).Name("fr"); got != code {
			t.Errorf("Name of unknown code %q = %q; want the code itself", code, got)
		}
	}
}

func TestCountryNamesReadWell(t *testing.T) {
	for _, c := range Countries() {
		for _, lang := range refLangs {
			name := c.Name(lang)
			if name == "" || name == c.Code {
				t.Errorf("%s has no name in %s", c.Code, lang)
			}
			for _, bad := range []string{"&", "St. ", "R.A.S.", "RAE ", "SAR", " - "} {
				if strings.Contains(name, bad) {
					t.Errorf("%s.Name(%q) = %q reads badly (%q)", c.Code, lang, name, bad)
				}
			}
		}
	}
	// Names must tell countries apart in every language, or a select
	// box would show two identical entries.
	for _, lang := range refLangs {
		byName := map[string]string{}
		for _, c := range Countries() {
			n := c.Name(lang)
			if other, dup := byName[n]; dup {
				t.Errorf("%s and %s are both named %q in %s", other, c.Code, n, lang)
			}
			byName[n] = c.Code
		}
	}
}

func TestCountries(t *testing.T) {
	cs := Countries()
	if len(cs) != 250 {
		t.Errorf("len(Countries()) = %d; want 249 ISO codes plus XK", len(cs))
	}
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = c.Code
		if len(c.Code) != 2 || strings.ToUpper(c.Code) != c.Code {
			t.Errorf("bad code %q", c.Code)
		}
	}
	if !slices.IsSorted(codes) {
		t.Error("Countries() is not in code order")
	}
	if len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Error("Countries() has duplicates")
	}
	for _, code := range []string{"FR", "XK", "PS", "HT", "BQ", "SS", "CW", "SX"} {
		if !slices.Contains(codes, code) {
			t.Errorf("Countries() lacks %s", code)
		}
	}
	for _, code := range []string{"EU", "UN", "QO", "AN", "UK", "ZZ", "XA"} {
		if slices.Contains(codes, code) {
			t.Errorf("Countries() has reserved or withdrawn code %s", code)
		}
	}
	cs[0].Code = "ZZ"
	if Countries()[0].Code == "ZZ" {
		t.Error("Countries() shares its backing array")
	}
}

// TestCountriesMatchIATI checks the list against the IATI Country codelist,
// which publications of funded projects must use.
func TestCountriesMatchIATI(t *testing.T) {
	b, err := os.ReadFile("../../shared/iati/codelists/Country.xml")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("IATI Country codelist not available")
	}
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []struct {
			Code   string `xml:"code"`
			Status string `xml:"status,attr"`
		} `xml:"codelist-items>codelist-item"`
	}
	if err := xml.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) < 200 {
		t.Fatalf("read only %d items from the IATI codelist", len(list.Items))
	}
	active := map[string]bool{}
	for _, it := range list.Items {
		if it.Status == "" || it.Status == "active" {
			active[it.Code] = true
		}
	}
	ours := map[string]bool{}
	for _, c := range Countries() {
		ours[c.Code] = true
		if !active[c.Code] {
			t.Errorf("%s is not an active IATI country code", c.Code)
		}
	}
	for code := range active {
		if !ours[code] {
			t.Errorf("active IATI country code %s is missing", code)
		}
	}
}

func TestCountryByCode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"FR", "FR", true},
		{"fr", "FR", true},
		{" Br ", "BR", true},
		{"ps", "PS", true},
		{"xk", "XK", true},
		{"", "", false},
		{"F", "", false},
		{"FRA", "", false},
		{"EU", "", false},
		{"UN", "", false},
		{"QO", "", false},
		{"AN", "", false},
		{"ZZ", "", false},
		{"group:africa", "", false},
	} {
		c, ok := CountryByCode(tc.in)
		if ok != tc.ok || c.Code != tc.want {
			t.Errorf("CountryByCode(%q) = %q, %v; want %q, %v", tc.in, c.Code, ok, tc.want, tc.ok)
		}
	}
}

func TestSortedCountries(t *testing.T) {
	index := func(cs []Country, code string) int {
		return slices.IndexFunc(cs, func(c Country) bool { return c.Code == code })
	}
	for _, tc := range []struct {
		lang  string
		order []string // codes that must appear in this order
	}{
		{"fr", []string{"DK", "EG", "EC", "ER", "ES", "FJ"}},       // Danemark, Égypte, Équateur, Érythrée, Espagne, Fidji
		{"fr", []string{"ZA", "AL", "DE", "AX", "ZM", "ZW"}},       // Afrique du Sud, Albanie, Allemagne, … Îles Åland among I, Zambie
		{"en", []string{"AF", "AX", "AL", "ZW"}},                   // Afghanistan, Åland Islands, Albania
		{"es", []string{"DK", "EC", "EG", "SV", "AE", "ER", "FJ"}}, // Dinamarca, Ecuador, Egipto, El Salvador, Emiratos, Eritrea, Fiyi
		{"pt", []string{"AF", "ZA", "AL", "DE"}},                   // Afeganistão, África do Sul, Albânia, Alemanha
		{"de", []string{"DK", "EG", "EC", "FJ"}},                   // French order
	} {
		cs := SortedCountries(tc.lang)
		if len(cs) != len(Countries()) {
			t.Fatalf("SortedCountries(%q) has %d countries", tc.lang, len(cs))
		}
		prev := -1
		for _, code := range tc.order {
			i := index(cs, code)
			if i <= prev {
				t.Errorf("SortedCountries(%q): %s (%s) at %d, before the previous one at %d", tc.lang, code, Country{code}.Name(tc.lang), i, prev)
			}
			prev = i
		}
	}
	if got := SortedCountries("fr")[0].Name("fr"); got != "Afghanistan" {
		t.Errorf("first French country = %q; want Afghanistan", got)
	}
	a := SortedCountries("en")
	a[0].Code = "ZZ"
	if SortedCountries("en")[0].Code == "ZZ" {
		t.Error("SortedCountries shares its cached slice")
	}
}

func TestCountryGroups(t *testing.T) {
	groups := CountryGroups()
	if len(groups) != 3 {
		t.Fatalf("got %d groups; want 3", len(groups))
	}
	for _, g := range groups {
		if !slices.IsSorted(g.Countries) {
			t.Errorf("group %s is not sorted", g.Code)
		}
		if len(slices.Compact(slices.Clone(g.Countries))) != len(g.Countries) {
			t.Errorf("group %s has duplicates", g.Code)
		}
		for _, c := range g.Countries {
			if _, ok := CountryByCode(c); !ok {
				t.Errorf("group %s has unknown country %s", g.Code, c)
			}
		}
		for _, lang := range refLangs {
			if g.Name(lang) == "" {
				t.Errorf("group %s has no name in %s", g.Code, lang)
			}
		}
		if g.Name("en") == g.Name("fr") {
			t.Errorf("group %s: English name not translated", g.Code)
		}
		if g.Name("de") != g.Name("fr") {
			t.Errorf("group %s: no French fallback", g.Code)
		}
	}

	africa, _ := CountryGroupByCode("africa")
	if len(africa.Countries) != 54 {
		t.Errorf("africa has %d countries; want 54", len(africa.Countries))
	}
	fund, _ := CountryGroupByCode("mediterranean_fund")
	if want := []string{"DZ", "EG", "JO", "LB", "PS", "SY", "TN", "TR"}; !slices.Equal(fund.Countries, want) {
		t.Errorf("mediterranean_fund = %v; want the eight of the press release %v", fund.Countries, want)
	}
	sem, _ := CountryGroupByCode("south_east_mediterranean")
	for _, c := range fund.Countries {
		if !sem.Contains(c) {
			t.Errorf("%s is in the fund but not in south_east_mediterranean", c)
		}
	}
	for _, c := range sem.Countries {
		african := slices.Contains([]string{"DZ", "EG", "LY", "MA", "TN"}, c)
		if africa.Contains(c) != african {
			t.Errorf("africa.Contains(%s) = %v; want %v", c, !african, african)
		}
	}

	for _, tc := range []struct {
		country           string
		africa, sem, fund bool
	}{
		{"MA", true, true, false},
		{"ma", true, true, false},
		{"DZ", true, true, true},
		{"EG", true, true, true},
		{"TN", true, true, true},
		{"LY", true, true, false},
		{"PS", false, true, true},
		{"TR", false, true, true},
		{"IL", false, true, false},
		{"HT", false, false, false},
		{"MZ", true, false, false},
		{"ZA", true, false, false},
		{"SS", true, false, false},
		{"CV", true, false, false},
		{"EH", false, false, false},
		{"RE", false, false, false},
		{"CL", false, false, false},
		{"FR", false, false, false},
		{"ZZ", false, false, false},
		{"", false, false, false},
	} {
		if got := africa.Contains(tc.country); got != tc.africa {
			t.Errorf("africa.Contains(%q) = %v", tc.country, got)
		}
		if got := sem.Contains(tc.country); got != tc.sem {
			t.Errorf("south_east_mediterranean.Contains(%q) = %v", tc.country, got)
		}
		if got := fund.Contains(tc.country); got != tc.fund {
			t.Errorf("mediterranean_fund.Contains(%q) = %v", tc.country, got)
		}
	}
}

func TestCountryGroupByCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"africa", "africa", true},
		{"group:africa", "africa", true},
		{" Group:Mediterranean_Fund ", "mediterranean_fund", true},
		{"south_east_mediterranean", "south_east_mediterranean", true},
		{"europe", "", false},
		{"haiti", "", false},
		{"group:", "", false},
		{"", "", false},
	} {
		g, ok := CountryGroupByCode(tc.in)
		if ok != tc.ok || g.Code != tc.want {
			t.Errorf("CountryGroupByCode(%q) = %q, %v; want %q, %v", tc.in, g.Code, ok, tc.want, tc.ok)
		}
	}
	g, _ := CountryGroupByCode("mediterranean_fund")
	g.Countries[0] = "ZZ"
	if g, _ := CountryGroupByCode("mediterranean_fund"); g.Countries[0] != "DZ" {
		t.Error("CountryGroupByCode shares the group's slice")
	}
	CountryGroups()[0].Countries[0] = "ZZ"
	if g, _ := CountryGroupByCode("africa"); g.Countries[0] == "ZZ" {
		t.Error("CountryGroups shares the groups' slices")
	}
}

func TestExpandCountries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []string
		want    []string
		wantBad string
	}{
		{"none", nil, []string{}, ""},
		{"blanks ignored", []string{"", "  "}, []string{}, ""},
		{"countries sorted", []string{"TN", "br", "IN"}, []string{"BR", "IN", "TN"}, ""},
		{"duplicates", []string{"HT", "ht", " HT "}, []string{"HT"}, ""},
		{"fund", []string{"group:mediterranean_fund"}, []string{"DZ", "EG", "JO", "LB", "PS", "SY", "TN", "TR"}, ""},
		{"overlap", []string{"group:mediterranean_fund", "MA", "TN", "group:MEDITERRANEAN_FUND"},
			[]string{"DZ", "EG", "JO", "LB", "MA", "PS", "SY", "TN", "TR"}, ""},
		{"unknown country", []string{"FR", "ZZ"}, nil, "ZZ"},
		{"reserved code", []string{"EU"}, nil, "EU"},
		{"unknown group", []string{"group:europe"}, nil, "group:europe"},
		{"bare group code", []string{"africa"}, nil, "africa"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ExpandCountries(tc.in)
			if tc.wantBad != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != EINVALID || e.Field != "countries" || e.Key != "country.unknown" ||
					len(e.Args) != 1 || e.Args[0] != tc.wantBad {
					t.Fatalf("ExpandCountries(%q) error = %#v; want country.unknown for %q", tc.in, err, tc.wantBad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ExpandCountries(%q) = %v; want %v", tc.in, got, tc.want)
			}
		})
	}

	got, err := ExpandCountries([]string{"group:africa", "HT"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 55 || !slices.Contains(got, "HT") || !slices.Contains(got, "MZ") || !slices.IsSorted(got) {
		t.Errorf("Africa and Haiti expanded to %d codes: %v", len(got), got)
	}
}
