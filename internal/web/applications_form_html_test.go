package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// TestAplFieldHTML holds the controls drawn in Go equal to the
// application_input partial's, which pages no longer use: it is the
// markup's reference.
func TestAplFieldHTML(t *testing.T) {
	tmpl, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/partials/application_input.html")
	if err != nil {
		t.Fatal(err)
	}
	fields := []aplField{
		{Name: "texts.fr.title", Label: "Titre", Type: "text", Value: "Gouvernance", Required: true, ReqText: "obligatoire", Lang: "fr"},
		{Name: "texts.es.summary", Label: "Resumen", Type: "textarea", Value: "Línea 1\nLínea 2", Hint: "Quelques lignes", Lang: "es"},
		{Name: "texts.fr.context", Label: "Contexte", Type: "long", Value: `<script>"x" & 'y' + z</script>`, Error: "Trop long"},
		{Name: "activities.0.start", Label: "Début", Type: "months", Value: "1", Required: true, ReqText: "obligatoire", Focus: true},
		{Name: "results.0.target", Label: "Cible", Type: "decimal", Value: "12,5", Hint: "Un nombre", Error: "Pas un nombre"},
		{Name: "budget.expenses.0.amount_cents", Label: "Montant", Type: "money", Value: "50 000,00"},
		{Name: `x"><b>`, Label: `<i>label</i>`, Type: "text", Value: `"><img src=x>`, Hint: "h & h", Error: "e < e"},
	}
	for _, f := range fields {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "application_input", f); err != nil {
			t.Fatal(err)
		}
		if got, want := string(f.HTML()), buf.String(); got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", f.Name, got, want)
		}
	}
}

// aplSelected reads the options selected in each select of a page, by the
// select's ID.
func aplSelected(page string) map[string][]string {
	out := map[string][]string{}
	for _, m := range regexp.MustCompile(`(?s)<select id="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(page, -1) {
		out[m[1]] = []string{}
		for _, o := range regexp.MustCompile(`<option value="([^"]*)"[^>]*? selected>`).FindAllStringSubmatch(m[2], -1) {
			out[m[1]] = append(out[m[1]], o[1])
		}
	}
	return out
}

// TestApplicantPageSelected saves a draft whose partners and budget lines
// name kinds, countries, roles, categories, sources and organisations,
// and finds each of them selected, alone, in its row's select.
func TestApplicantPageSelected(t *testing.T) {
	f := newAplFixture(t)
	e := f.e
	rosario := e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Rosario", Country: "AR"})
	for i := range 5 {
		e.org(&coopdec.Organisation{Kind: coopdec.OrgUniversity, Name: fmt.Sprintf("Universidad %d", i), Country: "AR"})
	}
	c := e.client().login(f.marseilleUser.Email)
	id := f.start(c)
	a := f.app(id)
	f.content(a)
	a.Partners = []coopdec.Partner{
		{OrganisationID: rosario.ID, Name: "Municipalidad de Rosario", Kind: coopdec.OrgForeignAuthority, Country: "AR",
			Role: coopdec.RolePartner, Contribution: "Personnel"},
		{Name: "Universidad de Córdoba", Kind: coopdec.OrgUniversity, Country: "CL", Role: coopdec.RoleAssociated},
	}
	a.Budget.Financing = append(a.Budget.Financing,
		coopdec.FinancingLine{Source: coopdec.FundingPartner, PartnerOrganisationID: rosario.ID, Label: "Rosario", AmountCents: 500_000})
	path := fmt.Sprintf("/candidatures/%d", id)
	aplStatus(t, "save", c.post(path, aplForm(a)), http.StatusSeeOther)

	page := aplStatus(t, "saved draft", c.get(path), http.StatusOK)
	got := aplSelected(page)
	str := func(id int64) string { return strconv.FormatInt(id, 10) }
	want := map[string]string{
		"partners.0.organisation_id":                 str(rosario.ID),
		"partners.0.kind":                            string(coopdec.OrgForeignAuthority),
		"partners.0.country":                         "AR",
		"partners.0.role":                            string(coopdec.RolePartner),
		"partners.1.organisation_id":                 "",
		"partners.1.kind":                            string(coopdec.OrgUniversity),
		"partners.1.country":                         "CL",
		"partners.1.role":                            string(coopdec.RoleAssociated),
		"budget.expenses.0.category":                 string(coopdec.ExpenseStaff),
		"budget.expenses.1.category":                 string(coopdec.ExpenseTravel),
		"budget.expenses.2.category":                 string(coopdec.ExpenseInKind),
		"budget.financing.0.source":                  string(coopdec.FundingGrant),
		"budget.financing.0.funder_organisation_id":  str(f.ministry.ID),
		"budget.financing.1.funder_organisation_id":  str(f.argentina.ID),
		"budget.financing.2.source":                  string(coopdec.FundingOwnCash),
		"budget.financing.4.source":                  string(coopdec.FundingOther),
		"budget.financing.5.source":                  string(coopdec.FundingPartner),
		"budget.financing.5.partner_organisation_id": str(rosario.ID),
		"budget.financing.5.funder_organisation_id":  "",
	}
	for k, v := range want {
		sel, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: the page has no such select", k)
		case v == "" && len(sel) != 0:
			t.Errorf("%s: got %q selected; want none", k, sel)
		case v != "" && !slices.Equal(sel, []string{v}):
			t.Errorf("%s: got %q selected; want %q", k, sel, v)
		}
	}
	// The invitation's language is one, and the options are named.
	if sel := got["invite.0.language"]; len(sel) != 1 {
		t.Errorf("invite.0.language: got %q selected; want one", sel)
	}
	aplContains(t, "saved draft", page, `<option value="`+str(rosario.ID)+`" selected>Municipalidad de Rosario (Argentine)</option>`,
		`<option value="AR" selected>Argentine</option>`, `<option value="es" lang="es">Español</option>`)
}
