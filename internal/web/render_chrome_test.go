package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
)

// TestChromeAsTemplate holds the page around the content, drawn in Go,
// equal to the layout_chrome partials it replaces: anonymous, signed in
// with each menu, in each language, with a title, a query to come back
// to, a message, errors linked to their fields, the demonstration's
// banner and hostile text.
func TestChromeAsTemplate(t *testing.T) {
	ref, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/partials/layout_chrome.html")
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t)
	users := []*coopdec.User{nil, {Name: "Agent"},
		{Name: "Évaluatrice", Roles: []coopdec.Role{coopdec.RoleEvaluator, coopdec.RoleEmbassy}},
		{Name: "Admin", Roles: []coopdec.Role{coopdec.RoleAdmin}}}
	for _, lang := range i18n.Supported {
		for i, u := range users {
			v := &view{Lang: lang, Languages: i18n.Supported, User: u, Path: "/appels", cat: e.srv.cat, Errors: map[string]string{}}
			switch i {
			case 1:
				v.Path, v.Title, v.Flash = "/candidatures", "applicant.nav", `Enregistré <b>"&'+</b>`
				v.Query = url.Values{"q": {"eau & assainissement"}, "page": {"2"}}
			case 2:
				v.Path, v.Demo, v.Version = "/evaluateur", true, "1.2.3"
				v.ErrorList = []formError{{Field: "budget.expenses.0.amount_cents", Message: "Montant <illisible>"},
					{Message: "Erreur sans champ"}, {Field: `x y/é"#`, Message: "Champ étrange"}}
			case 3:
				v.Path, v.Title, v.Version = "/admin", `nav.admin`, `<v>`
			}
			for _, part := range []struct {
				name string
				got  template.HTML
			}{{"layout_head", v.Head()}, {"layout_foot", v.Foot()}} {
				var want strings.Builder
				if err := ref.ExecuteTemplate(&want, part.name, v); err != nil {
					t.Fatal(err)
				}
				sameMarkup(t, fmt.Sprintf("%s, user %d, %s", lang, i, part.name), string(part.got), want.String())
			}
		}
	}
}
