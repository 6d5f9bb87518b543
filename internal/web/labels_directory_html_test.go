package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
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

// TestDirectoryItemsAsTemplate holds the directory's result list, drawn in
// Go, equal to the template markup it replaces (below, as it was).
func TestDirectoryItemsAsTemplate(t *testing.T) {
	ref := template.Must(template.New("").Parse(`{{$d := .}}{{range $d.Items}}
  <li><h2><a href="/expertise/{{.OrganisationID}}">{{.OrganisationName}}</a></h2>
    <p>{{$d.RegionName .RegionCode}} — {{.Number}}</p>
    <p>{{range $i, $t := .Themes}}{{if $i}}, {{end}}{{$d.ThemeLabel $t}}{{end}}</p>
    <p>{{.Competencies.Description}}</p></li>
{{end}}`))
	item := func(id int64, name, region string, themes []string, desc string) sqldb.LabelListing {
		var l sqldb.LabelListing
		l.OrganisationID, l.OrganisationName, l.RegionCode, l.Number, l.Themes = id, name, region, "PACT2-LBL-2026-0042", themes
		l.Competencies.Description = desc
		return l
	}
	d := expertiseData{labelPageData: labelPageData{refData: refData{"fr"}}, Items: []sqldb.LabelListing{
		item(7, "Lyon", "84", []string{"water_sanitation", "health"}, "Eau <potable> & \"assainissement\" + 'déchets'"),
		item(9, `Saint-Étienne <Métropole>`, "", nil, ""), item(11, "Lille", "32", []string{`x"<y>`}, "Coopération")}}
	var want strings.Builder
	if err := ref.Execute(&want, d); err != nil {
		t.Fatal(err)
	}
	sameMarkup(t, "directory items", string(d.ItemsHTML()), want.String())
}
