package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestProjectPages(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	visitor := e.client()
	lyonPath := fmt.Sprintf("/projets/%d", f.lyonApp.ID)

	// Nothing before the decision is final.
	b := f.page(visitor, "/projets", http.StatusOK)
	for _, want := range []string{"0 projet(s) financé(s) trouvé(s).", "Aucun projet financé ne correspond à votre recherche",
		`<a href="/projets" aria-current="page">Projets financés</a>`, `<label for="q">Mots-clés</label>`} {
		if !strings.Contains(b, want) {
			t.Errorf("empty search lacks %q", want)
		}
	}
	d := f.decided()
	f.page(visitor, lyonPath, http.StatusNotFound)
	if b := f.page(visitor, "/projets?q=velo", http.StatusOK); strings.Contains(b, "Lyon à vélo") {
		t.Error("a decision waiting for approvals shows its projects")
	}
	for _, a := range []struct {
		u     *coopdec.User
		party coopdec.Party
	}{{f.officer, coopdec.MinistryParty}, {f.argentinaUser, coopdec.Party(f.argentina.ID)}} {
		if _, err := e.db.RecordApproval(t.Context(), f.account(a.u), d.ID, &coopdec.Approval{Party: a.party, Approved: true},
			coopdec.Actor{UserID: a.u.ID}); err != nil {
			t.Fatalf("RecordApproval(party %d): %v", a.party, err)
		}
	}

	granted := coopdec.FormatEuroCents("fr", 4_000_000)
	year := fmt.Sprint(f.clock.now().In(Paris).Year())
	b = f.page(visitor, "/projets", http.StatusOK)
	for _, want := range []string{"1 projet(s) financé(s) trouvé(s).", `<a href="` + lyonPath + `">Lyon à vélo avec Rosario</a>`,
		"Lyon (Auvergne-Rhône-Alpes)", "Municipalidad de Rosario (Argentine)", granted, "Décision " + year} {
		if !strings.Contains(b, want) {
			t.Errorf("search lacks %q", want)
		}
	}
	if strings.Contains(b, "Marseille et Rosario") {
		t.Error("the rejected application is listed")
	}
	// Accents, prefix and filters, in a shareable URL.
	for _, tc := range []struct {
		query string
		found bool
	}{
		{"?q=VELO+ros", true},
		{"?q=marseille", false},
		{"?country=ar&theme=urban_development&region=84&year=" + year + "&programme=" + fmt.Sprint(f.call.ProgrammeID), true},
		{"?region=93", false},
		{"?country=TN", false},
		{"?q=rosario&sort=relevance", true},
	} {
		b := f.page(visitor, "/projets"+tc.query, http.StatusOK)
		if got := strings.Contains(b, "Lyon à vélo avec Rosario"); got != tc.found {
			t.Errorf("/projets%s: found %v; want %v", tc.query, got, tc.found)
		}
		if !tc.found && !strings.Contains(b, "Aucun projet financé ne correspond à votre recherche. Retirez un filtre") {
			t.Errorf("/projets%s: no empty-result message", tc.query)
		}
	}

	// Invalid filters: a message per field, linked from the summary, in the
	// reader's language.
	b = f.page(visitor, "/projets?year=19&region=99&theme=space&sort=price", http.StatusUnprocessableEntity)
	for _, want := range []string{`<a href="#year">L&#39;année doit être un nombre de quatre chiffres entre 2000 et 2100.</a>`,
		`href="#region"`, "Région inconnue", `href="#theme"`, `href="#sort"`, `id="year" name="year"`, `aria-invalid="true"`,
		"Corrigez les filtres signalés"} {
		if !strings.Contains(b, want) {
			t.Errorf("invalid search lacks %q", want)
		}
	}
	for lang, want := range map[string]string{"en": "The year must be", "es": "El año debe", "pt": "O ano deve"} {
		res := visitor.getIn("/projets?year=abc", lang)
		if b := body(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, want) {
			t.Errorf("invalid year in %s: got %d; want 422 with %q", lang, res.StatusCode, want)
		}
	}
	res := visitor.getIn("/projets?q=zzzz", "es")
	if b := body(t, res); !strings.Contains(b, "Ningún proyecto financiado coincide") {
		t.Error("empty result in Spanish: message missing")
	}

	// The project's page: what is public, nothing else.
	b = f.page(visitor, lyonPath, http.StatusOK)
	for _, want := range []string{"<h1>Lyon à vélo avec Rosario</h1>", "Pistes cyclables et formation des agents.",
		fmt.Sprintf(`<a href="/organisations/%d">Lyon</a>`, f.lyon.ID), "Auvergne-Rhône-Alpes", "Municipalidad de Rosario",
		"<td>Argentine</td>", fmt.Sprintf(`<a href="/appels/%d">`, f.call.ID), granted, "<caption>"} {
		if !strings.Contains(b, want) {
			t.Errorf("project page lacks %q", want)
		}
	}
	for _, secret := range []string{"Ingénierie", "Terrains et personnel", "Chef de projet", "Budget municipal", "Une ville en croissance",
		"Synthèse du comité", "Analyse des besoins", "Partenariat équilibré"} {
		if strings.Contains(b, secret) {
			t.Errorf("project page shows %q", secret)
		}
	}
	f.page(visitor, fmt.Sprintf("/projets/%d", f.marApp.ID), http.StatusNotFound)
	f.page(visitor, "/projets/abc", http.StatusNotFound)
	// Spanish readers see the Spanish title.
	res = visitor.getIn(lyonPath, "es")
	if b := body(t, res); !strings.Contains(b, "ES Lyon à vélo avec Rosario") || !strings.Contains(b, "Ciclovías") {
		t.Error("project page in Spanish: want the Spanish text")
	}
}

func TestProjectAPI(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	f.funded()
	c := e.apiContract()
	lyonTok := e.token(f.lyonUser)

	var list apiPage[apiProjectDoc]
	c.call("GET", "/api/v1/projects?q=v%C3%A9lo", "", nil, http.StatusOK).decode(&list)
	if list.Total != 1 || len(list.Items) != 1 {
		t.Fatalf("search: got %+v; want Lyon's project", list)
	}
	p := list.Items[0]
	if p.ID != f.lyonApp.ID || p.Title != "Lyon à vélo avec Rosario" || p.TitleLang != "fr" || p.Lead.Name != "Lyon" ||
		p.Lead.RegionCode != "84" || p.Lead.RegionName != "Auvergne-Rhône-Alpes" || p.GrantedCents != 4_000_000 ||
		len(p.Partners) != 1 || p.Partners[0].Name != "Municipalidad de Rosario" || p.Partners[0].Country != "AR" ||
		p.Call.ID != f.call.ID || p.Programme.ID != f.call.ProgrammeID || len(p.Countries) != 1 || p.Countries[0].Code != "AR" ||
		len(p.Themes) != 1 || p.Themes[0].Code != "urban_development" || p.Year == 0 || p.DecidedAt.IsZero() {
		t.Errorf("project: got %+v", p)
	}
	c.call("GET", "/api/v1/projects?q=marseille", lyonTok, nil, http.StatusOK).decode(&list)
	if list.Total != 0 || len(list.Items) != 0 {
		t.Errorf("rejected application: got %+v; want none", list)
	}
	c.call("GET", "/api/v1/projects?region=84&country=AR&per_page=1&page=2", "", nil, http.StatusOK).decode(&list)
	if list.Total != 1 || len(list.Items) != 0 || list.Page != 2 || list.PerPage != 1 {
		t.Errorf("page 2: got %+v; want none of 1", list)
	}
	pb := c.call("GET", "/api/v1/projects?country=XX&theme=space&year=1999&region=00&sort=price&programme=x", "", nil,
		http.StatusUnprocessableEntity).problem()
	got := map[string]bool{}
	for _, fe := range pb.Errors {
		got[fe.Field] = true
	}
	for _, want := range []string{"country", "theme", "year", "region", "sort", "programme"} {
		if !got[want] {
			t.Errorf("invalid search: no error for %s in %+v", want, pb.Errors)
		}
	}

	var one apiProjectDoc
	c.call("GET", fmt.Sprintf("/api/v1/projects/%d?lang=es", f.lyonApp.ID), "", nil, http.StatusOK).decode(&one)
	if one.Title != "ES Lyon à vélo avec Rosario" || one.TitleLang != "es" || one.Granted != coopdec.FormatEuroCents("es", 4_000_000) {
		t.Errorf("project in Spanish: got %+v", one)
	}
	c.call("GET", fmt.Sprintf("/api/v1/projects/%d", f.marApp.ID), lyonTok, nil, http.StatusNotFound)
	c.call("GET", "/api/v1/projects/0", "", nil, http.StatusNotFound)
	c.invalid("GET", fmt.Sprintf("/api/v1/projects/%d?lang=xx", f.lyonApp.ID), "", nil, http.StatusUnprocessableEntity)
	apiCheckFragmentSeen(t, c, "projects.json")
}
