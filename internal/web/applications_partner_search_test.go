package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// TestApplicantPartnerSearch: with more registered organisations than a
// partner's list offers, the list holds the first ones by name; the search
// button saves the form and narrows the list, without JavaScript; a
// partner the application names stays offered and selected.
func TestApplicantPartnerSearch(t *testing.T) {
	f := newAplFixture(t)
	e := f.e
	for i := range aplOrgChoicesMax + 5 {
		e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: fmt.Sprintf("Municipio %02d", i), Country: "AR"})
	}
	recife := e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Prefeitura de Recife", Country: "BR"})
	c := e.client().login(f.marseilleUser.Email)
	id := f.start(c)
	path := fmt.Sprintf("/candidatures/%d", id)
	option := func(o int64) string { return fmt.Sprintf(`<option value="%d"`, o) }

	page := aplStatus(t, "draft", c.get(path), http.StatusOK)
	aplContains(t, "draft", page, `<label for="organisations">`, `name="action" value="find:partners"`, "Municipio 00",
		fmt.Sprintf("les %d premières organisations", aplOrgChoicesMax))
	if strings.Contains(page, "Prefeitura de Recife") || strings.Contains(page, fmt.Sprintf("Municipio %02d", aplOrgChoicesMax)) {
		t.Errorf("draft: the partners' list holds more than the first %d organisations", aplOrgChoicesMax)
	}

	form := aplForm(f.app(id))
	form.Set("action", "find:partners")
	form.Set("organisations", " récife ")
	res := c.post(path, form)
	aplStatus(t, "search", res, http.StatusSeeOther)
	if got, want := res.Header.Get("Location"), path+"?ok=saved&organisations=r%C3%A9cife#partner-search"; got != want {
		t.Fatalf("search: got Location %q; want %q", got, want)
	}
	page = aplStatus(t, "search results", c.get(path+"?organisations="+url.QueryEscape("récife")), http.StatusOK)
	aplContains(t, "search results", page, option(recife.ID)+">Prefeitura de Recife (Brésil)", `value="récife"`,
		"Organisations inscrites dont le nom contient « récife » : 1")
	if strings.Contains(page, "Municipio 00") {
		t.Error("search results: the list still holds organisations that do not match")
	}
	page = aplStatus(t, "no match", c.get(path+"?organisations=zzz"), http.StatusOK)
	aplContains(t, "no match", page, "Aucune organisation inscrite ne correspond à « zzz »")

	// Chosen, Recife stays in the list whatever the search.
	form = aplForm(f.app(id))
	form.Set("partners.0.organisation_id", fmt.Sprint(recife.ID))
	aplStatus(t, "save", c.post(path, form), http.StatusSeeOther)
	if a := f.app(id); a.Partners[0].OrganisationID != recife.ID {
		t.Fatalf("saved partner: got organisation %d; want %d", a.Partners[0].OrganisationID, recife.ID)
	}
	page = aplStatus(t, "chosen", c.get(path+"?organisations=municipio"), http.StatusOK)
	aplContains(t, "chosen", page, option(recife.ID)+" selected>Prefeitura de Recife")
}
