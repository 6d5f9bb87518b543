package coopdec

import (
	"encoding/xml"
	"errors"
	"os"
	"regexp"
	"slices"
	"testing"
)

func TestThemes(t *testing.T) {
	ts := Themes()
	if len(ts) != 18 {
		t.Errorf("got %d themes; want 14 for the joint calls, 1 for the Mediterranean fund and 3 for ISI@MED", len(ts))
	}
	code := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	dac := regexp.MustCompile(`^[1-9][0-9]{4}$`)
	codes := map[string]bool{}
	names := map[string]map[string]string{}
	for _, th := range ts {
		if !code.MatchString(th.Code) {
			t.Errorf("theme code %q is not snake_case", th.Code)
		}
		if codes[th.Code] {
			t.Errorf("theme code %q is not unique", th.Code)
		}
		codes[th.Code] = true
		for _, lang := range refLangs {
			n := th.Name(lang)
			if n == "" {
				t.Errorf("theme %s has no name in %s", th.Code, lang)
			}
			if names[lang] == nil {
				names[lang] = map[string]string{}
			}
			if other, dup := names[lang][n]; dup {
				t.Errorf("themes %s and %s share the %s name %q", other, th.Code, lang, n)
			}
			names[lang][n] = th.Code
		}
		if th.Name("de") != th.Name("fr") || th.Name("") != th.Name("fr") {
			t.Errorf("theme %s does not fall back to French", th.Code)
		}
		if len(th.Sectors) == 0 {
			t.Errorf("theme %s has no sector", th.Code)
		}
		for _, s := range th.Sectors {
			if !dac.MatchString(s) {
				t.Errorf("theme %s: sector %q is not a 5-digit DAC code", th.Code, s)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(th.Sectors)))) != len(th.Sectors) {
			t.Errorf("theme %s repeats a sector: %v", th.Code, th.Sectors)
		}
	}

	for _, tc := range []struct{ code, fr, en, es, pt, sector string }{
		{"economic_development", "Développement économique", "Economic development", "Desarrollo económico", "Desenvolvimento econômico", "25010"},
		{"local_governance", "Gouvernance locale", "Local governance", "Gobernanza local", "Governança local", "15185"},
		{"agriculture_food_security", "Agriculture et sécurité alimentaire", "Agriculture and food security", "Agricultura y seguridad alimentaria", "Agricultura e segurança alimentar", "43071"},
		{"water_sanitation", "Assainissement et ressources en eau", "Sanitation and water resources", "Saneamiento y recursos hídricos", "Saneamento e recursos hídricos", "14010"},
		{"education", "Éducation", "Education", "Educación", "Educação", "11110"},
		{"vocational_training", "Formation professionnelle", "Vocational training", "Formación profesional", "Formação profissional", "11330"},
		{"higher_education", "Enseignement supérieur", "Higher education", "Educación superior", "Ensino superior", "11420"},
		{"urban_development", "Développement urbain", "Urban development", "Desarrollo urbano", "Desenvolvimento urbano", "43030"},
		{"transport", "Transports", "Transport", "Transporte", "Transportes", "21010"},
		{"sustainable_development", "Développement durable", "Sustainable development", "Desarrollo sostenible", "Desenvolvimento sustentável", "41010"},
		{"tourism_ecotourism", "Tourisme et écotourisme", "Tourism and ecotourism", "Turismo y ecoturismo", "Turismo e ecoturismo", "33210"},
		{"culture", "Culture", "Culture", "Cultura", "Cultura", "16066"},
		{"heritage", "Patrimoine", "Heritage", "Patrimonio", "Patrimônio", "41040"},
		{"university_research", "Coopération universitaire et recherche", "University cooperation and research", "Cooperación universitaria e investigación", "Cooperação universitária e pesquisa", "43082"},
		{"decentralisation_support", "Gouvernance locale et appui institutionnel à la décentralisation et à la déconcentration",
			"Local governance and institutional support for decentralisation and deconcentration",
			"Gobernanza local y apoyo institucional a la descentralización y la desconcentración",
			"Governança local e apoio institucional à descentralização e à desconcentração", "15112"},
		{"ict_local_resources", "TIC pour la gestion des ressources locales et territoriales", "ICT for the management of local and territorial resources",
			"TIC para la gestión de los recursos locales y territoriales", "TIC para a gestão dos recursos locais e territoriais", "22040"},
		{"ict_local_economic_development", "TIC pour le développement économique local", "ICT for local economic development",
			"TIC para el desarrollo económico local", "TIC para o desenvolvimento econômico local", "22040"},
		{"ict_community_projects", "TIC pour le développement de projets communautaires", "ICT for community project development",
			"TIC para el desarrollo de proyectos comunitarios", "TIC para o desenvolvimento de projetos comunitários", "22040"},
	} {
		th, ok := ThemeByCode(tc.code)
		if !ok {
			t.Errorf("ThemeByCode(%q) not found", tc.code)
			continue
		}
		for lang, want := range map[string]string{"fr": tc.fr, "en": tc.en, "es": tc.es, "pt": tc.pt} {
			if got := th.Name(lang); got != want {
				t.Errorf("%s.Name(%q) = %q; want %q", tc.code, lang, got, want)
			}
		}
		if !slices.Contains(th.Sectors, tc.sector) {
			t.Errorf("theme %s lacks sector %s: %v", tc.code, tc.sector, th.Sectors)
		}
	}

	for _, code := range []string{"ict_local_resources", "ict_local_economic_development", "ict_community_projects"} {
		if th, _ := ThemeByCode(code); th.Sectors[0] != "22040" {
			t.Errorf("ISI@MED theme %s: first sector %s; want ICT 22040", code, th.Sectors[0])
		}
	}
}

func TestThemeByCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"culture", "culture", true},
		{" Local_Governance ", "local_governance", true},
		{"WATER_SANITATION", "water_sanitation", true},
		{"", "", false},
		{"water", "", false},
		{"développement économique", "", false},
		{"health", "", false},
	} {
		th, ok := ThemeByCode(tc.in)
		if ok != tc.ok || th.Code != tc.want {
			t.Errorf("ThemeByCode(%q) = %q, %v; want %q, %v", tc.in, th.Code, ok, tc.want, tc.ok)
		}
	}
	th, _ := ThemeByCode("culture")
	th.Sectors[0] = "99999"
	if th, _ := ThemeByCode("culture"); th.Sectors[0] == "99999" {
		t.Error("ThemeByCode shares the theme's slice")
	}
	Themes()[0].Sectors[0] = "99999"
	if Themes()[0].Sectors[0] == "99999" {
		t.Error("Themes shares the themes' slices")
	}
}

// TestThemeSectorsInIATI checks every sector against the DAC 5-digit codelist
// that IATI publications are validated with.
func TestThemeSectorsInIATI(t *testing.T) {
	b, err := os.ReadFile("../../shared/iati/codelists/Sector.xml")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("IATI Sector codelist not available")
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
		t.Fatalf("read only %d items from the IATI Sector codelist", len(list.Items))
	}
	status := map[string]string{}
	for _, it := range list.Items {
		status[it.Code] = it.Status
	}
	for _, th := range Themes() {
		for _, s := range th.Sectors {
			switch st, ok := status[s]; {
			case !ok:
				t.Errorf("theme %s: sector %s is not in the DAC codelist", th.Code, s)
			case st == "withdrawn":
				t.Errorf("theme %s: sector %s is withdrawn", th.Code, s)
			}
		}
	}
}
