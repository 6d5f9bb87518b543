package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// searchRef is the template markup the searches' themes and programmes
// were drawn by, the reference of themeChecks and idOptions.
var searchRef = template.Must(template.New("").Parse(`
{{define "themes"}}{{range $i, $t := .Data.Themes}}
    <div class="checkbox"><input type="checkbox" id="{{if eq $i 0}}theme{{else}}theme-{{$t.Code}}{{end}}" name="theme" value="{{$t.Code}}"{{if $.Data.Has "theme" $t.Code}} checked{{end}}>
      <label for="{{if eq $i 0}}theme{{else}}theme-{{$t.Code}}{{end}}">{{$.Data.ThemeName $t}}</label></div>
    {{end}}{{end}}
{{define "programmes"}}{{range .Data.Programmes}}<option value="{{.ID}}"{{if eq (print .ID) ($.Form.Get "programme")}} selected{{end}}>{{$.Data.ProgrammeName .}}</option>{{end}}{{end}}
`))

// searchPart is a part of a search page drawn in Go, and the name of the
// reference template that drew it.
type searchPart struct {
	name string
	got  template.HTML
}

// checkSearchParts holds each part equal to its reference, run on v.
func checkSearchParts(t *testing.T, ref *template.Template, v any, form url.Values, parts []searchPart) {
	t.Helper()
	for _, part := range parts {
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, part.name, v); err != nil {
			t.Fatal(err)
		}
		sameMarkup(t, fmt.Sprintf("%s, form %v", part.name, form), string(part.got), want.String())
	}
}

// TestProjectSearchHTMLAsTemplate holds the funded-project search's parts
// drawn in Go equal to the template markup they replace (below, as it
// was), escaping included.
func TestProjectSearchHTMLAsTemplate(t *testing.T) {
	ref := template.Must(template.Must(searchRef.Clone()).Parse(`
{{define "regions"}}{{range .Data.Regions}}<option value="{{.}}"{{if eq . ($.Form.Get "region")}} selected{{end}}>{{$.Data.RegionName .}}</option>{{end}}{{end}}
{{define "rows"}}{{$l := .Data.Labels}}
{{range .Data.Rows}}
<li class="call-card">
  <h3><a href="/projets/{{.ID}}"{{if .Fallback}} lang="{{.TitleLang}}"{{end}}>{{.Title}}</a></h3>
  <p class="call-meta">{{.Lead}}{{with .Region}} ({{.}}){{end}} · {{.Programme}} · {{$l.Year}} {{.Year}}</p>
  <dl class="call-facts">
    <dt>{{$l.Countries}}</dt><dd>{{.CountryNames}}</dd>
    {{if .Partners}}<dt>{{$l.Partners}}</dt><dd>{{.PartnerNames}}</dd>{{end}}
    {{if .Themes}}<dt>{{$l.Themes}}</dt><dd>{{.ThemeNames}}</dd>{{end}}
    <dt>{{$l.Granted}}</dt><dd>{{.Granted}}</dd>
  </dl>
</li>
{{end}}{{end}}`))
	row := func(id int64, title string, fallback bool, region string, partners, themes bool) projectSearchRow {
		r := projectSearchRow{fundedProjectRow: fundedProjectRow{ID: id, Title: title, TitleLang: "es", Fallback: fallback,
			Lead: `Lyon <"&'+>`, Region: region, Programme: "Appels conjoints", Year: 2025, Granted: "50 000,00 €"},
			CountryNames: "Argentine, Chili", PartnerNames: "Rosario (Argentine)", ThemeNames: "Eau"}
		if partners {
			r.Partners = []fundedPartnerRow{{Name: "Rosario"}}
		}
		if themes {
			r.Themes = []string{"Eau"}
		}
		return r
	}
	for _, form := range []url.Values{{}, {"theme": {"water_sanitation", "health"}, "programme": {"2"}, "region": {"84"}}} {
		d := &projectSearchData{callRef: callRef{refData{"fr"}}, form: form,
			Labels:     projectRowLabels{Year: "Année", Countries: "Pays", Partners: "Partenaires <&>", Themes: "Thèmes", Granted: "Accordé"},
			Themes:     append(coopdec.Themes(), coopdec.Theme{Code: `x"<y>&+'`}),
			Programmes: []coopdec.Programme{{ID: 1, Names: map[string]string{"fr": "Label"}}, {ID: 2, Names: map[string]string{"fr": `A & <B>`}}},
			Rows: []projectSearchRow{row(7, "Eau à Rosario", false, "Auvergne-Rhône-Alpes", true, true),
				row(9, `Agua <b>"potable"</b>`, true, "", false, false)}}
		v := map[string]any{"Data": d, "Form": form}
		checkSearchParts(t, ref, v, form, []searchPart{{"themes", d.ThemeChecks()}, {"programmes", d.ProgrammeOptions(form.Get("programme"))},
			{"regions", d.RegionOptions(form.Get("region"))}, {"rows", d.RowsHTML()}})
	}
}

// TestCallSearchHTMLAsTemplate holds the call search's parts drawn in Go
// equal to the template markup they replace (below, as it was), escaping
// included.
func TestCallSearchHTMLAsTemplate(t *testing.T) {
	ref := template.Must(template.Must(searchRef.Clone()).Parse(`
{{define "organisations"}}{{range .Data.Organisations}}<option value="{{.ID}}"{{if eq (print .ID) ($.Form.Get "organisation")}} selected{{end}}>{{.Name}}</option>{{end}}{{end}}
{{define "rows"}}{{$l := .Data.Labels}}
{{range .Data.Rows}}
<li class="call-card">
  <h3><a href="/appels/{{.ID}}"{{if .Fallback}} lang="{{.TitleLang}}"{{end}}>{{.Title}}</a></h3>
  {{if .Fallback}}<p class="call-fallback">{{$l.Fallback}}</p>{{end}}
  <p class="call-meta"><span class="call-badge call-badge-{{.Status}}">{{.StatusName}}</span> <span class="muted">{{.Reference}}</span> · {{.Programme}}</p>
  <dl class="call-facts">
    {{if .Deadline.ISO}}<dt>{{$l.Deadline}}</dt>
    <dd><time datetime="{{.Deadline.ISO}}">{{.DeadlineText}}</time>{{with .Left}} — <strong>{{.}}</strong>{{end}}</dd>{{end}}
    <dt>{{$l.Countries}}</dt><dd>{{.Countries}}</dd>
    {{if .Themes}}<dt>{{$l.Themes}}</dt><dd>{{.ThemeNames}}</dd>{{end}}
  </dl>
</li>
{{end}}{{end}}`))
	rows := []callRow{{ID: 3, Reference: "AAP-FR-AR-01", Title: "Appel <franco> & \"argentin\"", Programme: "Appels conjoints",
		Status: coopdec.CallOpen, StatusName: "Ouvert", Deadline: instant{ISO: "2026-03-31T10:00:00Z", Paris: "31/03/2026 12:00"},
		DeadlineText: "31 mars 2026, 12 h", Left: "encore 3 jours", Themes: []string{"water_sanitation"}, Countries: "Argentine",
		ThemeNames: "Eau"},
		{ID: 4, Reference: "FMED-2026", Title: "Convocatoria", TitleLang: "es", Fallback: true, Programme: "Fonds <Med>",
			Status: coopdec.CallClosed, StatusName: "Clos", Countries: "Maroc, Tunisie"}}
	for _, form := range []url.Values{{}, {"theme": {"health"}, "programme": {"1"}, "organisation": {"12"}}} {
		d := &callSearchData{callRef: callRef{refData{"fr"}}, form: form, Rows: rows,
			Labels:        callRowLabels{Fallback: "En français <faute>", Deadline: "Date limite", Countries: "Pays", Themes: "Thèmes"},
			Themes:        append(coopdec.Themes(), coopdec.Theme{Code: `x"<y>&+'`}),
			Programmes:    []coopdec.Programme{{ID: 1, Names: map[string]string{"fr": "Label"}}},
			Organisations: []coopdec.Organisation{{ID: 12, Name: `Région <Sud> & "co"`}, {ID: 13, Name: "UNDP"}}}
		v := map[string]any{"Data": d, "Form": form}
		checkSearchParts(t, ref, v, form, []searchPart{{"themes", d.ThemeChecks()}, {"programmes", d.ProgrammeOptions(form.Get("programme"))},
			{"organisations", d.OrganisationOptions(form.Get("organisation"))}, {"rows", d.RowsHTML()}})
	}
}
