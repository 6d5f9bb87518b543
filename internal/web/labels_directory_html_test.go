package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// TestFacetOptionsAsTemplate holds the directory's facet options, drawn in
// Go, equal to what the template drew, escaping included.
func TestFacetOptionsAsTemplate(t *testing.T) {
	d := expertiseData{labelPageData: labelPageData{refData: refData{"fr"}}, Facets: coopdec.LabelFacets{
		Themes:    []coopdec.FacetCount{{Value: "water_sanitation", Count: 3}, {Value: `x"<y>&+'`, Count: 1}},
		Regions:   []coopdec.FacetCount{{Value: "93", Count: 12}, {Value: "84", Count: 0}},
		Languages: []coopdec.FacetCount{{Value: "es", Count: 2}, {Value: "pt", Count: 1}},
		Countries: []coopdec.FacetCount{{Value: "CI", Count: 4}, {Value: "MA", Count: 1}, {Value: "<b>", Count: 1}},
	}}
	old := template.Must(template.New("options").Parse(
		`{{range .List}}<option value="{{.Value}}"{{if eq .Value $.Cur}} selected{{end}}>{{call $.Name .Value}} ({{.Count}})</option>{{end}}`))
	for _, c := range []struct {
		kind string
		list []coopdec.FacetCount
		name func(string) string
	}{{"theme", d.Facets.Themes, d.ThemeLabel}, {"region", d.Facets.Regions, d.RegionName},
		{"language", d.Facets.Languages, d.LanguageName}, {"country", d.Facets.Countries, d.CountryName}} {
		for _, cur := range []string{"", c.list[0].Value, c.list[1].Value} {
			var want strings.Builder
			if err := old.Execute(&want, map[string]any{"List": c.list, "Cur": cur, "Name": c.name}); err != nil {
				t.Fatal(err)
			}
			if got := string(d.FacetOptions(c.kind, cur)); got != want.String() {
				t.Errorf("%s, %q selected:\ngot  %s\nwant %s", c.kind, cur, got, want.String())
			}
		}
	}
}
