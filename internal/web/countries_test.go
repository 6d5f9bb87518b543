package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// funded makes the fixture's decision final: Lyon's "Lyon à vélo avec
// Rosario" (urban development, in Argentina) is granted 40 000 €.
func (f *evalFixture) funded() {
	t := f.e.t
	t.Helper()
	ctx := context.Background()
	d := f.decided()
	for _, a := range []struct {
		u     *coopdec.User
		party coopdec.Party
	}{{f.officer, coopdec.MinistryParty}, {f.argentinaUser, coopdec.Party(f.argentina.ID)}} {
		if _, err := f.e.db.RecordApproval(ctx, f.account(a.u), d.ID, &coopdec.Approval{Party: a.party, Approved: true},
			coopdec.Actor{UserID: a.u.ID}); err != nil {
			t.Fatalf("RecordApproval(party %d): %v", a.party, err)
		}
	}
	if _, status, err := f.e.db.Decision(ctx, d.ID); err != nil || status != coopdec.DecisionFinal {
		t.Fatalf("decision: got %s, %v; want final", status, err)
	}
}

// priorityForm is the embassy's form with rows filled as given: theme,
// then French text, for each.
func priorityForm(version int, country string, rows ...string) url.Values {
	form := url.Values{"version": {fmt.Sprint(version)}, "country": {country}}
	for i := 0; i+1 < len(rows); i += 2 {
		n := fmt.Sprint(i/2 + 1)
		form.Set("priorities."+n+".theme", rows[i])
		form.Set("priorities."+n+".fr", rows[i+1])
	}
	return form
}

func TestCountryPriorityPages(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	f.funded()
	embassy := f.as(f.embassyUser)

	// The embassy of Argentina opens its form: its country by default.
	b := f.pageText(embassy, "GET", "/ambassade/priorites", nil, http.StatusOK)
	for _, want := range []string{"Priorités de l'ambassade : Argentine", `name="priorities.1.theme"`, `name="priorities.3.fr"`,
		`<label for="priorities.1.fr">Texte en français`} {
		if !strings.Contains(b, want) {
			t.Errorf("form lacks %q", want)
		}
	}

	// Errors per field, in French; what was typed is kept.
	form := priorityForm(0, "AR", "water_sanitation", "", "education", "Écoles rurales", "education", "Encore")
	form.Set("priorities.2.es", strings.Repeat("a", coopdec.CountryPriorityTextMax+1))
	b = f.pageText(embassy, "POST", "/ambassade/priorites", form, http.StatusUnprocessableEntity)
	for _, want := range []string{"Décrivez cette priorité en français.", "Ce texte dépasse 2000 caractères.",
		"Ce thème est déjà celui de la priorité 2 : regroupez-les.", `href="#priorities.1.fr"`, "Écoles rurales",
		`id="priorities.1.fr" name="priorities.1.fr" rows="3" lang="fr" aria-invalid="true"`} {
		if !strings.Contains(b, want) {
			t.Errorf("re-shown form lacks %q", want)
		}
	}

	// Saved, blank rows skipped, in the order given.
	form = priorityForm(0, "AR", "water_sanitation", "Eau potable dans les quartiers", "", "", "culture", "Patrimoine de Rosario")
	form.Set("priorities.1.order", "2")
	form.Set("priorities.3.order", "1")
	form.Set("priorities.1.es", "Agua potable en los barrios")
	res := embassy.post("/ambassade/priorites", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/pays/AR?enregistre=1" {
		t.Fatalf("save: got %d to %q; want 303 to the country page", res.StatusCode, res.Header.Get("Location"))
	}
	cp, err := e.db.CountryPriorities(context.Background(), "AR")
	if err != nil || cp.Version != 1 || len(cp.Priorities) != 2 || cp.Priorities[0].Theme != "culture" {
		t.Fatalf("saved: got %+v, %v; want version 1, culture first", cp, err)
	}
	// A form made from version 0 after version 1 stands: kept, not saved.
	b = f.pageText(embassy, "POST", "/ambassade/priorites", priorityForm(0, "AR", "transport", "Tramways"), http.StatusConflict)
	if !strings.Contains(b, "modifiées entre-temps") || !strings.Contains(b, "Tramways") {
		t.Errorf("stale form: the message or the typed text is missing")
	}

	// Tunisia's priorities are not Argentina's embassy's to edit.
	f.pageText(embassy, "GET", "/ambassade/priorites?pays=TN", nil, http.StatusForbidden)
	f.pageText(embassy, "POST", "/ambassade/priorites", priorityForm(0, "TN", "education", "Écoles"), http.StatusForbidden)
	f.pageText(embassy, "GET", "/ambassade/priorites?pays=ZZ", nil, http.StatusNotFound)
	// Other users: an applicant, a co-manager, an evaluator.
	for _, u := range []*coopdec.User{f.lyonUser, f.argentinaUser, f.evaluators[0]} {
		f.pageText(f.as(u), "GET", "/ambassade/priorites?pays=AR", nil, http.StatusForbidden)
		f.pageText(f.as(u), "POST", "/ambassade/priorites", priorityForm(1, "AR", "education", "Écoles"), http.StatusForbidden)
	}
	// Anonymous readers are sent to log in.
	if res := e.client().get("/ambassade/priorites"); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous form: got %d; want a login", res.StatusCode)
	}
	if got, _ := e.db.CountryPriorities(context.Background(), "TN"); got.Version != 0 {
		t.Fatalf("Tunisia's priorities: got version %d; want none", got.Version)
	}

	// Officers choose a country, and may edit any.
	officer := f.as(f.officer)
	b = f.pageText(officer, "GET", "/ambassade/priorites", nil, http.StatusOK)
	if !strings.Contains(b, `<select id="pays" name="pays">`) {
		t.Errorf("officer without a country: no chooser")
	}
	f.pageText(officer, "GET", "/ambassade/priorites?pays=tn", nil, http.StatusOK)
	if res := officer.post("/ambassade/priorites", priorityForm(0, "TN", "local_governance", "Décentralisation")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("officer's save for Tunisia: got %d; want 303", res.StatusCode)
	}

	// The public country page: priorities, funded project, highlights.
	anon := e.client()
	b = f.pageText(anon, "GET", "/pays/AR", nil, http.StatusOK)
	p := plain(b)
	for _, want := range []string{"Argentine", "Culture", "Patrimoine de Rosario", "Eau potable dans les quartiers",
		"Lyon à vélo avec Rosario", "Municipalidad de Rosario",
		"Priorités sans collectivité engagée", "Actions des collectivités hors priorités", "Projet financé : Lyon"} {
		if !strings.Contains(p, want) {
			t.Errorf("country page lacks %q", want)
		}
	}
	if !strings.Contains(b, coopdec.FormatEuroCents("fr", 40_000_00)) {
		t.Errorf("country page lacks the grant")
	}
	if strings.Contains(b, "Modifier les priorités") || strings.Contains(b, "experience-title") || strings.Contains(b, "missions-title") {
		t.Errorf("anonymous country page: an edit link, or an empty section of labels or missions")
	}
	// In Spanish, the Spanish text, the French one otherwise, marked.
	es := e.client()
	es.post("/langue", url.Values{"lang": {"es"}})
	b = f.pageText(es, "GET", "/pays/AR", nil, http.StatusOK)
	if !strings.Contains(b, "Agua potable en los barrios") || !strings.Contains(b, `<span lang="fr">Patrimoine de Rosario</span>`) {
		t.Errorf("Spanish country page: the Spanish text or the marked French fallback is missing")
	}
	b = f.pageText(embassy, "GET", "/pays/AR", nil, http.StatusOK)
	if !strings.Contains(b, `href="/ambassade/priorites?pays=AR"`) {
		t.Errorf("the embassy's country page lacks its edit link")
	}
	f.pageText(anon, "GET", "/pays/ZZ", nil, http.StatusNotFound)

	// The list of countries.
	b = plain(f.pageText(anon, "GET", "/pays", nil, http.StatusOK))
	for _, want := range []string{"Argentine 2 1", "Tunisie 1 0"} {
		if !strings.Contains(b, want) {
			t.Errorf("country list lacks %q: %s", want, b)
		}
	}
	if b = plain(f.pageText(anon, "GET", "/pays?q=tunisie", nil, http.StatusOK)); strings.Contains(b, "Argentine") || !strings.Contains(b, "Tunisie") {
		t.Errorf("filtered country list: got %s; want Tunisia only", b)
	}
}

func TestCountryAPI(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	f.funded()
	api := e.apiContract()
	embassyTok, officerTok, lyonTok := e.token(f.embassyUser), e.token(f.officer), e.token(f.lyonUser)
	put := func(themes ...string) map[string]any {
		var list []map[string]any
		for _, th := range themes {
			list = append(list, map[string]any{"theme": th, "texts": map[string]string{"fr": "Priorité " + th, "pt": "Prioridade"}})
		}
		return map[string]any{"priorities": list}
	}

	// The embassy states Argentina's priorities; not Tunisia's.
	var doc struct {
		Version int `json:"version"`
		Items   []struct {
			Theme, Text string
		} `json:"items"`
	}
	api.call("PUT", "/api/v1/countries/ar/priorities", embassyTok, put("water_sanitation", "education"), http.StatusOK).decode(&doc)
	if doc.Version != 1 || len(doc.Items) != 2 || doc.Items[0].Text != "Priorité water_sanitation" {
		t.Fatalf("PUT: got %+v; want version 1 with two priorities", doc)
	}
	api.call("PUT", "/api/v1/countries/TN/priorities", embassyTok, put("education"), http.StatusForbidden)
	api.call("PUT", "/api/v1/countries/AR/priorities", lyonTok, put("education"), http.StatusForbidden)
	api.anonymous("PUT", "/api/v1/countries/AR/priorities", put("education"))
	api.call("PUT", "/api/v1/countries/ZZ/priorities", officerTok, put("education"), http.StatusNotFound)
	// Stale, then invalid: nothing saved, messages in French per field.
	stale := put("culture")
	stale["version"] = 0
	api.call("PUT", "/api/v1/countries/AR/priorities", embassyTok, stale, http.StatusConflict)
	bad := map[string]any{"priorities": []map[string]any{{"theme": "education", "texts": map[string]string{"es": "Escuelas"}},
		{"theme": "space", "texts": map[string]string{"fr": "Fusées"}}}}
	pb := api.call("PUT", "/api/v1/countries/AR/priorities", embassyTok, bad, http.StatusUnprocessableEntity).problem()
	got := map[string]string{}
	for _, fe := range pb.Errors {
		got[fe.Field] = fe.Message
	}
	if got["priorities.1.fr"] != "Décrivez cette priorité en français." || !strings.Contains(got["priorities.2.theme"], "n'est pas un thème du programme") {
		t.Errorf("problem fields: got %v", got)
	}
	// Officers may.
	api.call("PUT", "/api/v1/countries/TN/priorities", officerTok, put("local_governance"), http.StatusOK)

	// Anyone reads the synergies.
	var syn struct {
		Priorities struct {
			Version int `json:"version"`
		} `json:"priorities"`
		FundedProjects struct {
			Total int `json:"total"`
			Items []struct {
				Title        string `json:"title"`
				GrantedCents int64  `json:"granted_cents"`
				Lead         struct{ Name string }
			} `json:"items"`
		} `json:"funded_projects"`
		Highlights struct {
			Uncovered []struct{ Theme string } `json:"uncovered_priorities"`
			Outside   []struct {
				Kind, Name string
			} `json:"outside_priorities"`
		} `json:"highlights"`
	}
	api.call("GET", "/api/v1/countries/AR/synergies?lang=es", "", nil, http.StatusOK).decode(&syn)
	if syn.Priorities.Version != 1 || syn.FundedProjects.Total != 1 || syn.FundedProjects.Items[0].GrantedCents != 4_000_000 ||
		syn.FundedProjects.Items[0].Title != "ES Lyon à vélo avec Rosario" {
		t.Fatalf("synergies: got %+v; want version 1 and Lyon's project, titled in Spanish", syn)
	}
	var unc []string
	for _, u := range syn.Highlights.Uncovered {
		unc = append(unc, u.Theme)
	}
	if strings.Join(unc, ",") != "water_sanitation,education" || len(syn.Highlights.Outside) != 1 || syn.Highlights.Outside[0].Kind != "project" {
		t.Errorf("highlights: got %+v; want both priorities uncovered and Lyon's project outside", syn.Highlights)
	}
	api.call("GET", "/api/v1/countries/TN/synergies", embassyTok, nil, http.StatusOK)
	api.call("GET", "/api/v1/countries/ZZ/synergies", "", nil, http.StatusNotFound)
	api.invalid("GET", "/api/v1/countries/AR/synergies?per_page=500", "", nil, http.StatusUnprocessableEntity)
	countryCheckSeen(t, api)
}

// countryCheckSeen fails for every answer the countries document lists
// that the test did not see, but internal errors.
func countryCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "countries.json")
}
