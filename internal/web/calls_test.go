package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// pageFixture is a small world of calls: the Franco-Moroccan call (announced,
// not open), the Indian and Brazilian joint calls and the Mediterranean fund
// (open), and a draft co-managed by Brazil.
type pageFixture struct {
	e                                 *testEnv
	officer, indiaUser, brazilUser    *coopdec.User
	marseilleUser, lyonUser, pacaUser *coopdec.User
	joint, med                        *coopdec.Programme
	ministry, india, brazil, paca     *coopdec.Organisation
	morocco, indiaCall, brazilCall    *coopdec.Call
	medCall, draft                    *coopdec.Call
}

func newPageFixture(t *testing.T) *pageFixture {
	t.Helper()
	e := newTestEnv(t)
	ctx := context.Background()
	f := &pageFixture{e: e}
	f.officer = e.user("officer@example.org", coopdec.RoleOfficer)
	f.indiaUser = e.user("india@example.org", coopdec.RoleCoManager)
	f.brazilUser = e.user("brazil@example.org", coopdec.RoleCoManager)
	f.pacaUser = e.user("paca@example.org", coopdec.RoleCoManager)
	f.marseilleUser = e.user("marseille@example.org")
	f.lyonUser = e.user("lyon@example.org")

	f.ministry = e.org(&coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"})
	f.india = e.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministry of Housing and Urban Affairs", Country: "IN"})
	f.brazil = e.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Agência Brasileira de Cooperação", Country: "BR"})
	f.paca = e.org(&coopdec.Organisation{Kind: coopdec.OrgRegionalCouncil, Name: "Région Provence-Alpes-Côte d'Azur", Country: "FR", RegionCode: "93"})
	moroccoGov := e.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "DGCT Maroc", Country: "MA"})
	marseille := e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", RegionCode: "93"})
	lyon := e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", RegionCode: "84"})
	e.member(f.indiaUser, f.india, coopdec.MemberRoleMember)
	e.member(f.brazilUser, f.brazil, coopdec.MemberRoleMember)
	e.member(f.pacaUser, f.paca, coopdec.MemberRoleMember)
	e.member(f.marseilleUser, marseille, coopdec.MemberRoleMember)
	e.member(f.lyonUser, lyon, coopdec.MemberRoleMember)

	f.joint = &coopdec.Programme{Code: "joint-calls", Names: map[string]string{"fr": "Appels conjoints", "en": "Joint calls"}}
	f.med = &coopdec.Programme{Code: "med-fund", Names: map[string]string{"fr": "Fonds Méditerranée"}}
	for _, p := range []*coopdec.Programme{f.joint, f.med} {
		if err := e.db.CreateProgramme(ctx, p, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	now := e.db.Now()
	day := 24 * time.Hour
	mk := func(c *coopdec.Call) *coopdec.Call {
		t.Helper()
		if err := e.db.CreateCall(ctx, c, coopdec.Actor{}); err != nil {
			t.Fatalf("create %s: %v", c.Reference, err)
		}
		return c
	}
	docs := []string{"council_deliberation", "budget"}
	f.morocco = mk(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-MA-01", Status: coopdec.CallPublished,
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Appel franco-marocain", Summary: "Coopération avec le Maroc."}},
		CoManagers: []int64{moroccoGov.ID}, Themes: []string{"local_governance"},
		Rules:     coopdec.EligibilityRules{Countries: []string{"MA"}},
		PublishAt: now.Add(-5 * day), OpensAt: now.Add(20 * day), Deadline: now.Add(110 * day)})
	f.indiaCall = mk(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-IN-01", Status: coopdec.CallPublished,
		Texts: map[string]coopdec.CallText{
			"fr": {Title: "Appel franco-indien pour la coopération décentralisée", Summary: "Développement urbain et eau.", Body: "Contexte\n\nUn partenariat stratégique."},
			"en": {Title: "Indo-French call for decentralised cooperation", Summary: "Urban development and water."}},
		CoManagers: []int64{f.india.ID},
		Funders:    []coopdec.Funder{{OrganisationID: f.ministry.ID, EnvelopeCents: 50_000_000, ShareBP: 5000}, {OrganisationID: f.india.ID, EnvelopeCents: 50_000_000, ShareBP: 5000}},
		Themes:     []string{"urban_development", "water_sanitation"},
		Rules: coopdec.EligibilityRules{Countries: []string{"IN"}, PartnerCountries: []string{"IN"}, MaxGrantCents: 15_000_000,
			MaxFundersShareBP: 5000, MinOwnShareBP: 2500, MinDurationMonths: 12, MaxDurationMonths: 36, RequiredDocuments: docs},
		PublishAt: now.Add(-50 * day), OpensAt: now.Add(-35 * day), Deadline: now.Add(28 * day)})
	f.brazilCall = mk(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-BR-01", Status: coopdec.CallPublished,
		Texts: map[string]coopdec.CallText{
			"fr": {Title: "Appel franco-brésilien trilatéral en Afrique et en Haïti", Summary: "Coopération trilatérale."},
			"pt": {Title: "Edital franco-brasileiro trilateral na África e no Haiti"}},
		CoManagers: []int64{f.brazil.ID}, Themes: []string{"agriculture_food_security"},
		Rules:     coopdec.EligibilityRules{Countries: []string{"group:africa", "HT"}, PartnerCountries: []string{"BR"}, BeneficiaryCountries: []string{"group:africa", "HT"}},
		PublishAt: now.Add(-45 * day), OpensAt: now.Add(-30 * day), Deadline: now.Add(42 * day)})
	f.medCall = mk(&coopdec.Call{ProgrammeID: f.med.ID, Reference: "FRCDM-PACA-01", Status: coopdec.CallPublished,
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Fonds régional pour la Méditerranée", Summary: "Gouvernance locale et décentralisation."}},
		CoManagers: []int64{f.paca.ID},
		Funders:    []coopdec.Funder{{OrganisationID: f.ministry.ID, EnvelopeCents: 40_000_000, ShareBP: 5000}, {OrganisationID: f.paca.ID, EnvelopeCents: 40_000_000, ShareBP: 5000}},
		Themes:     []string{"decentralisation_support", "local_governance"},
		Rules: coopdec.EligibilityRules{Countries: []string{"group:mediterranean_fund"}, LeadRegion: "93",
			LeadTypes: []coopdec.AuthorityType{coopdec.AuthorityCommune, coopdec.AuthorityDepartement},
			Excluded:  []coopdec.Exclusion{{Country: "MA", RedirectCallID: f.morocco.ID}}, MaxGrantCents: 8_000_000},
		PublishAt: now.Add(-40 * day), OpensAt: now.Add(-30 * day), Deadline: now.Add(21 * day)})
	f.draft = mk(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-BR-02", Status: coopdec.CallDraft,
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Deuxième appel franco-brésilien en préparation"}},
		CoManagers: []int64{f.brazil.ID}})
	return f
}

func (f *pageFixture) as(u *coopdec.User) *client { return f.e.client().login(u.Email) }

// page fetches a page and checks its status.
func (f *pageFixture) page(c *client, path string, want int) string {
	f.e.t.Helper()
	res := c.get(path)
	b := body(f.e.t, res)
	if res.StatusCode != want {
		f.e.t.Fatalf("GET %s: got status %d; want %d\n%s", path, res.StatusCode, want, pageExcerpt(b))
	}
	return b
}

func pageExcerpt(b string) string {
	if i := strings.Index(b, `<main`); i >= 0 {
		b = b[i:]
	}
	return b[:min(len(b), 3000)]
}

// pageRefs lists the references of the calls a search page shows, in order.
func pageRefs(b string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<span class="muted">([A-Z0-9-]+)</span>`).FindAllStringSubmatch(b, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCallSearchFilters(t *testing.T) {
	f := newPageFixture(t)
	anon := f.e.client()
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"everything public, newest first", "", []string{"AAP-FR-MA-01", "FRCDM-PACA-01", "AAP-FR-BR-01", "AAP-FR-IN-01"}},
		{"query, accents ignored", "q=cooperation+decentralisee", []string{"AAP-FR-IN-01"}},
		{"query in another language", "q=Indo-French", []string{"AAP-FR-IN-01"}},
		{"query with accents in the query", "q=Méditerranée", []string{"FRCDM-PACA-01"}},
		{"theme", "theme=water_sanitation", []string{"AAP-FR-IN-01"}},
		{"two themes", "theme=water_sanitation&theme=agriculture_food_security", []string{"AAP-FR-BR-01", "AAP-FR-IN-01"}},
		{"country in a group", "country=jo", []string{"FRCDM-PACA-01"}},
		{"country in two groups", "country=TN", []string{"FRCDM-PACA-01", "AAP-FR-BR-01"}},
		{"country of Africa", "country=SN", []string{"AAP-FR-BR-01"}},
		{"lead type", "lead_type=departement", []string{"AAP-FR-MA-01", "FRCDM-PACA-01", "AAP-FR-BR-01", "AAP-FR-IN-01"}},
		{"programme", fmt.Sprintf("programme=%d", f.med.ID), []string{"FRCDM-PACA-01"}},
		{"funder", fmt.Sprintf("organisation=%d", f.ministry.ID), []string{"FRCDM-PACA-01", "AAP-FR-IN-01"}},
		{"co-manager", fmt.Sprintf("organisation=%d", f.brazil.ID), []string{"AAP-FR-BR-01"}},
		{"forecast", "status=forecast", []string{"AAP-FR-MA-01"}},
		{"open, by deadline", "status=open&sort=deadline", []string{"FRCDM-PACA-01", "AAP-FR-IN-01", "AAP-FR-BR-01"}},
		{"deadline range", "deadline_from=" + f.e.db.Now().AddDate(0, 0, 25).In(Paris).Format("2006-01-02") +
			"&deadline_to=" + f.e.db.Now().AddDate(0, 0, 50).In(Paris).Format("2006-01-02"), []string{"AAP-FR-BR-01", "AAP-FR-IN-01"}},
		{"combined", fmt.Sprintf("status=open&theme=local_governance&country=EG&programme=%d&q=gouvernance", f.med.ID), []string{"FRCDM-PACA-01"}},
		{"combined, nothing", "status=forecast&country=IN", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := f.page(anon, "/appels?"+tc.query, http.StatusOK)
			if got := pageRefs(b); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestCallSearchPageShowsAndShares(t *testing.T) {
	f := newPageFixture(t)
	anon := f.e.client()
	b := f.page(anon, "/appels?status=open&theme=water_sanitation", http.StatusOK)
	for _, want := range []string{
		`value="water_sanitation" checked`, `value="open" checked`, // the form shows the search
		`Appel franco-indien pour la coopération décentralisée`, "encore 27 jours", "(heure de Paris)", `<time datetime="`,
		"Inde", "Assainissement et ressources en eau", "Appels conjoints", "call-badge-open",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	if strings.Contains(b, "Nouvel appel") {
		t.Error("the public is offered to create a call")
	}
	if b := f.page(f.as(f.officer), "/appels", http.StatusOK); !strings.Contains(b, `href="/appels/nouveau"`) {
		t.Error("an officer is not offered to create a call")
	}
	// In English the Indian call has its own title; the Moroccan one falls back.
	req, _ := http.NewRequest("GET", f.e.ts.URL+"/appels", nil)
	req.Header.Set("Accept-Language", "en")
	res := anon.do(req)
	b = body(t, res)
	if !strings.Contains(b, "Indo-French call for decentralised cooperation") || !strings.Contains(b, "Not available in your language: shown in French.") {
		t.Errorf("English search: titles or fallback notice missing\n%s", pageExcerpt(b))
	}
	if !strings.Contains(b, `lang="fr">Appel franco-marocain`) {
		t.Error("a French title in an English page is not marked lang=fr")
	}
}

func TestCallSearchPagination(t *testing.T) {
	f := newPageFixture(t)
	anon := f.e.client()
	b := f.page(anon, "/appels?per_page=2&sort=deadline", http.StatusOK)
	if got := pageRefs(b); strings.Join(got, " ") != "FRCDM-PACA-01 AAP-FR-IN-01" {
		t.Errorf("page 1: got %v", got)
	}
	if !strings.Contains(b, `aria-current="page"`) || !strings.Contains(b, "page=2") || !strings.Contains(b, "sort=deadline") {
		t.Error("pagination links do not keep the search")
	}
	b = f.page(anon, "/appels?per_page=2&sort=deadline&page=2", http.StatusOK)
	if got := pageRefs(b); strings.Join(got, " ") != "AAP-FR-BR-01 AAP-FR-MA-01" {
		t.Errorf("page 2: got %v", got)
	}
}

func TestCallSearchBadParameters(t *testing.T) {
	f := newPageFixture(t)
	anon := f.e.client()
	for _, tc := range []struct{ query, field string }{
		{"theme=bogus", "theme"},
		{"country=XX", "country"},
		{"lead_type=kingdom", "lead_type"},
		{"programme=abc", "programme"},
		{"organisation=-1", "organisation"},
		{"status=maybe", "status"},
		{"deadline_from=31/12/2026", "deadline_from"},
		{"deadline_from=2026-12-31&deadline_to=2026-01-01", "deadline_to"},
		{"sort=price", "sort"},
	} {
		b := f.page(anon, "/appels?"+tc.query, http.StatusUnprocessableEntity)
		if !strings.Contains(b, `id="`+tc.field+`-error"`) || !strings.Contains(b, `href="#`+tc.field+`"`) {
			t.Errorf("%s: no error next to %s linked from the summary", tc.query, tc.field)
		}
		if strings.Contains(b, "search.") && strings.Contains(b, ">search.") {
			t.Errorf("%s: untranslated message", tc.query)
		}
	}
	b := f.page(anon, "/appels?page=0", http.StatusUnprocessableEntity)
	if strings.Contains(b, `href="#page"`) {
		t.Error("the page error links to a control that does not exist")
	}
}

func TestCallDrafts(t *testing.T) {
	f := newPageFixture(t)
	path := fmt.Sprintf("/appels/%d", f.draft.ID)
	f.page(f.e.client(), path, http.StatusNotFound)
	f.page(f.as(f.indiaUser), path, http.StatusNotFound)
	f.page(f.as(f.indiaUser), path+"/modifier", http.StatusNotFound)
	f.page(f.as(f.indiaUser), path+"/eligibilite", http.StatusNotFound)
	if b := f.page(f.as(f.officer), path, http.StatusOK); !strings.Contains(b, "Deuxième appel franco-brésilien") {
		t.Error("the officer does not see the draft")
	}
	b := f.page(f.as(f.brazilUser), path, http.StatusOK)
	if !strings.Contains(b, "call-badge-draft") || strings.Contains(b, `value="published"`) {
		t.Error("the co-manager does not see the draft, or is offered to publish it (the ministry's decision)")
	}
	if b := f.page(f.as(f.officer), path, http.StatusOK); !strings.Contains(b, `value="published"`) {
		t.Error("the officer is not offered to publish the draft")
	}
	// The search lists it only to them.
	if got := pageRefs(f.page(f.e.client(), "/appels?q=deuxieme", http.StatusOK)); len(got) != 0 {
		t.Errorf("public search shows %v", got)
	}
	if got := pageRefs(f.page(f.as(f.indiaUser), "/appels?q=deuxieme", http.StatusOK)); len(got) != 0 {
		t.Errorf("another co-manager's search shows %v", got)
	}
	if got := pageRefs(f.page(f.as(f.brazilUser), "/appels?q=deuxieme", http.StatusOK)); len(got) != 1 {
		t.Errorf("the co-manager's search shows %v", got)
	}
}

func TestCallPageExplainsRules(t *testing.T) {
	f := newPageFixture(t)
	anon := f.e.client()
	b := f.page(anon, fmt.Sprintf("/appels/%d", f.medCall.ID), http.StatusOK)
	for _, want := range []string{
		"Algérie, Égypte, Jordanie, Liban, Syrie, Territoires palestiniens, Tunisie, Turquie",
		fmt.Sprintf(`href="/appels/%d">Appel franco-marocain`, f.morocco.ID),
		"région Provence-Alpes-Côte d&#39;Azur", "80\u202f000\u00a0€", "400\u202f000\u00a0€", "50\u202f%",
		"Commune", "Région Provence-Alpes-Côte d&#39;Azur", "doivent les approuver",
		"Date limite de dépôt", "encore 20 jours", "(heure de Paris)", `data-local="chez vous :"`,
		"Aucun avenant", "Tester l&#39;éligibilité d&#39;un projet",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("call page lacks %q", want)
		}
	}
	if strings.Contains(b, "Modifier") {
		t.Error("the public is offered to edit")
	}
	b = f.page(anon, fmt.Sprintf("/appels/%d", f.indiaCall.ID), http.StatusOK)
	for _, want := range []string{"de 12 à 36 mois", "150\u202f000\u00a0€", "délibération de l&#39;assemblée", "budget prévisionnel",
		`hreflang="en"`, "Un partenariat stratégique."} {
		if !strings.Contains(b, want) {
			t.Errorf("Indian call page lacks %q", want)
		}
	}
	f.page(anon, "/appels/999999", http.StatusNotFound)
	f.page(anon, "/appels/abc", http.StatusNotFound)
}

func TestCallPageLanguages(t *testing.T) {
	f := newPageFixture(t)
	anon := f.e.client()
	get := func(path, lang string) string {
		req, _ := http.NewRequest("GET", f.e.ts.URL+path, nil)
		req.Header.Set("Accept-Language", lang)
		res := anon.do(req)
		b := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return b
	}
	b := get(fmt.Sprintf("/appels/%d", f.brazilCall.ID), "es")
	if !strings.Contains(b, "no está disponible en su idioma") || !strings.Contains(b, `<h1 lang="fr">Appel franco-brésilien`) {
		t.Error("no fallback notice in Spanish for a call without Spanish text")
	}
	if !strings.Contains(b, `hreflang="pt"`) {
		t.Error("no link to the Portuguese text")
	}
	b = get(fmt.Sprintf("/appels/%d?lang=pt", f.brazilCall.ID), "es")
	if !strings.Contains(b, `<h1 lang="pt">Edital franco-brasileiro`) || strings.Contains(b, "no está disponible") {
		t.Error("?lang=pt does not show the Portuguese text")
	}
	b = get(fmt.Sprintf("/appels/%d", f.brazilCall.ID), "pt")
	if !strings.Contains(b, "Edital franco-brasileiro") || strings.Contains(b, "Não disponível") {
		t.Error("a Portuguese reader does not get the Portuguese text")
	}
}

func TestCallCanWeApply(t *testing.T) {
	f := newPageFixture(t)
	path := fmt.Sprintf("/appels/%d", f.medCall.ID)
	b := f.page(f.as(f.marseilleUser), path, http.StatusOK)
	if !regexp.MustCompile(`call-result-passed"><strong class="call-result-status">Respecté :</strong> La collectivité chef de file se trouve dans la région Provence-Alpes-Côte d&#39;Azur`).MatchString(b) {
		t.Errorf("Marseille: lead_region not passed\n%s", pageExcerpt(b))
	}
	if !strings.Contains(b, `call-result-passed"><strong class="call-result-status">Respecté :</strong> Type de collectivité chef de file admis`) {
		t.Error("Marseille: lead_type not passed")
	}
	b = f.page(f.as(f.lyonUser), path, http.StatusOK)
	if !strings.Contains(b, `call-result-failed"><strong class="call-result-status">Non respecté :</strong> Cet appel est réservé aux collectivités de la région Provence-Alpes-Côte d&#39;Azur ; la collectivité chef de file se trouve en région Auvergne-Rhône-Alpes`) {
		t.Errorf("Lyon: lead_region not failed\n%s", pageExcerpt(b))
	}
	// Visitors and co-managers get no panel results, only the simulator.
	if b := f.page(f.e.client(), path, http.StatusOK); strings.Contains(b, "call-result-") {
		t.Error("the public gets eligibility results")
	}
}

func TestCallEligibilitySimulator(t *testing.T) {
	f := newPageFixture(t)
	base := fmt.Sprintf("/appels/%d/eligibilite", f.medCall.ID)
	// Prefilled for a member of a local authority.
	b := f.page(f.as(f.marseilleUser), base, http.StatusOK)
	if !strings.Contains(b, `<option value="93" selected>`) || !strings.Contains(b, `<option value="commune" selected>`) {
		t.Error("the simulator is not prefilled with Marseille's facts")
	}
	q := url.Values{"lead_type": {"commune"}, "lead_region": {"93"}, "countries": {"MA"}, "grant_requested": {"90 000"}}
	b = f.page(f.e.client(), base+"?"+q.Encode(), http.StatusOK)
	for _, want := range []string{
		fmt.Sprintf(`href="/appels/%d"`, f.morocco.ID), "relève d&#39;un autre appel",
		"La subvention demandée (90\u202f000\u00a0€) dépasse le plafond", "Non respecté",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("simulator lacks %q", want)
		}
	}
	q = url.Values{"lead_type": {"commune"}, "lead_region": {"93"}, "countries": {"TN"}, "partner_countries": {"TN"}, "grant_requested": {"50 000,00"},
		"themes": {"local_governance"}}
	b = f.page(f.e.client(), base+"?"+q.Encode(), http.StatusOK)
	if !strings.Contains(b, "Le projet respecte toutes les conditions") {
		t.Errorf("an eligible project is not said eligible\n%s", pageExcerpt(b))
	}
	b = f.page(f.e.client(), base+"?total_cost=1.500&countries=ZZ", http.StatusUnprocessableEntity)
	if !strings.Contains(b, `id="total_cost-error"`) || !strings.Contains(b, `id="countries-error"`) {
		t.Error("bad simulator input is not shown next to its fields")
	}
}

// callForm is a valid new call as the form posts it.
func (f *pageFixture) callForm() url.Values {
	return url.Values{
		"programme_id":                      {fmt.Sprint(f.joint.ID)},
		"reference":                         {"AAP-FR-CN-01"},
		"texts.fr.title":                    {"Appel franco-chinois"},
		"texts.fr.summary":                  {"Coopération avec la Chine."},
		"texts.en.title":                    {""},
		"co_managers":                       {fmt.Sprint(f.india.ID)},
		"funders.0.organisation_id":         {fmt.Sprint(f.ministry.ID)},
		"funders.0.envelope_cents":          {"500 000,00"},
		"funders.0.share_bp":                {"100"},
		"themes":                            {"urban_development", "transport"},
		"rules.countries":                   {"CN"},
		"rules.partner_countries":           {"CN"},
		"rules.max_grant_cents":             {"100 000"},
		"rules.max_funders_share_bp":        {"50"},
		"rules.min_own_share_bp":            {"25"},
		"rules.min_duration_months":         {"12"},
		"rules.max_duration_months":         {"24"},
		"rules.required_documents":          {"budget"},
		"rules.partners_must_confirm":       {"1"},
		"decision_rule":                     {"all_parties"},
		"publish_at":                        {"2030-03-29T01:30"},
		"opens_at":                          {"2030-04-01T09:00"},
		"deadline":                          {"2030-06-30T12:00"},
		"rules.excluded.0.country":          {""},
		"rules.excluded.0.redirect_call_id": {""},
	}
}

func TestCallCreate(t *testing.T) {
	f := newPageFixture(t)
	officer := f.as(f.officer)
	f.page(officer, "/appels/nouveau", http.StatusOK)
	f.page(f.as(f.indiaUser), "/appels/nouveau", http.StatusForbidden)
	f.page(f.as(f.marseilleUser), "/appels/nouveau", http.StatusForbidden)
	if res := f.as(f.indiaUser).post("/appels", f.callForm()); res.StatusCode != http.StatusForbidden {
		t.Errorf("co-manager create: got %d; want 403", res.StatusCode)
	}

	bad := f.callForm()
	bad.Set("texts.fr.title", "")
	bad.Set("funders.0.share_bp", "60")
	bad.Set("rules.max_grant_cents", "-5")
	bad.Set("rules.min_own_share_bp", "abc")
	bad.Set("deadline", "2030-03-31T02:30") // summer time starts that night
	bad.Set("rules.excluded.0.country", "group:africa")
	bad.Set("texts.es.summary", "Sin título")
	res := officer.post("/appels", bad)
	b := body(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got %d; want 422\n%s", res.StatusCode, pageExcerpt(b))
	}
	for _, field := range []string{"texts.fr.title", "funders.0.share_bp", "rules.max_grant_cents", "rules.min_own_share_bp",
		"deadline", "rules.excluded.0.country", "texts.es.title"} {
		if !strings.Contains(b, `href="#`+field+`"`) || !strings.Contains(b, `id="`+field+`-error"`) || !strings.Contains(b, `id="`+field+`"`) {
			t.Errorf("error on %s not linked to its control", field)
		}
	}
	if !strings.Contains(b, `value="AAP-FR-CN-01"`) || !strings.Contains(b, `value="500 000,00"`) || !strings.Contains(b, "Coopération avec la Chine.") {
		t.Error("the form lost what was typed")
	}

	res = officer.post("/appels", f.callForm())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d\n%s", res.StatusCode, pageExcerpt(body(t, res)))
	}
	loc := res.Header.Get("Location")
	b = f.page(officer, loc, http.StatusOK)
	if !strings.Contains(b, "créé en brouillon") || !strings.Contains(b, "call-badge-draft") {
		t.Error("no flash or draft badge after creation")
	}
	c, err := f.e.db.CallByReference(context.Background(), "AAP-FR-CN-01")
	if err != nil {
		t.Fatal(err)
	}
	if c.Funders[0].EnvelopeCents != 50_000_000 || c.Rules.MaxGrantCents != 10_000_000 || c.Rules.MinOwnShareBP != 2500 ||
		!c.Rules.PartnersMustConfirm {
		t.Errorf("amounts: got %+v %+v", c.Funders, c.Rules)
	}
	// 01:30 in Paris on 29 March 2030 is winter time, UTC+1.
	if got := c.PublishAt.UTC().Format(time.RFC3339); got != "2030-03-29T00:30:00Z" {
		t.Errorf("publish_at: got %s", got)
	}
	if got := c.Deadline.UTC().Format(time.RFC3339); got != "2030-06-30T10:00:00Z" {
		t.Errorf("deadline (summer time): got %s", got)
	}
	if _, ok := c.Texts["en"]; ok {
		t.Error("an empty English version was stored")
	}
}

func TestCallEditAmendment(t *testing.T) {
	f := newPageFixture(t)
	india := f.as(f.indiaUser)
	path := fmt.Sprintf("/appels/%d", f.indiaCall.ID)
	b := f.page(india, path+"/modifier", http.StatusOK)
	if !strings.Contains(b, `id="reason"`) || !strings.Contains(b, `name="updated_at"`) {
		t.Fatal("the edit form of an open call has no reason or no stamp")
	}
	form := pageFormValues(b)
	form.Set("deadline", f.indiaCall.Deadline.Add(7*24*time.Hour).In(Paris).Format("2006-01-02T15:04"))
	res := india.post(path, form)
	b = body(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `href="#reason"`) {
		t.Fatalf("amendment without reason: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	form.Set("reason", "Report demandé par le comité de pilotage")
	res = india.post(path, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("amendment: got %d\n%s", res.StatusCode, pageExcerpt(body(t, res)))
	}
	b = f.page(f.e.client(), path, http.StatusOK)
	if !strings.Contains(b, "Report demandé par le comité de pilotage") {
		t.Errorf("amendment not on the call page\n%s", pageExcerpt(b))
	}
	// The change reads in the reader's language, the deadline in Paris time.
	newDeadline := f.indiaCall.Deadline.Add(7 * 24 * time.Hour).Truncate(time.Minute) // as the form sent it
	changes := func(b string) string {
		m := regexp.MustCompile(`(?s)<ul class="call-changes">.*?</ul>`).FindString(b)
		if m == "" {
			t.Fatalf("no list of changes on the call page\n%s", pageExcerpt(b))
		}
		return m
	}
	fr := changes(b)
	for _, want := range []string{"Date limite de dépôt :", newDeadline.In(Paris).Format("02/01/2006 15:04") + " (heure de Paris)",
		`<time datetime="` + newDeadline.UTC().Format(time.RFC3339) + `">`} {
		if !strings.Contains(fr, want) {
			t.Errorf("French changes %q; want %q", fr, want)
		}
	}
	if strings.Contains(fr, "deadline") || strings.Contains(fr, "UTC") {
		t.Errorf("French changes %q; want no field code nor UTC", fr)
	}
	req, _ := http.NewRequest("GET", f.e.ts.URL+path, nil)
	req.Header.Set("Accept-Language", "en")
	en := changes(body(t, f.e.client().do(req)))
	if !strings.Contains(en, "Submission deadline:") || !strings.Contains(en, "(Paris time)") || strings.Contains(en, "Date limite") {
		t.Errorf("English changes %q; want English labels and Paris time", en)
	}
	// The same form again is stale.
	res = india.post(path, form)
	b = body(t, res)
	if res.StatusCode != http.StatusConflict || !strings.Contains(b, "modifié par quelqu&#39;un d&#39;autre") {
		t.Errorf("stale edit: got %d", res.StatusCode)
	}

	// The Indian co-manager may not edit the Brazilian call.
	bpath := fmt.Sprintf("/appels/%d", f.brazilCall.ID)
	f.page(india, bpath+"/modifier", http.StatusForbidden)
	if res := india.post(bpath, form); res.StatusCode != http.StatusForbidden {
		t.Errorf("edit of another call: got %d; want 403", res.StatusCode)
	}
	f.page(f.as(f.marseilleUser), path+"/modifier", http.StatusForbidden)
}

// formValues reads the inputs, selected options, checked boxes and textareas
// of the page's call form, as a browser would submit them.
func pageFormValues(page string) url.Values {
	v := url.Values{}
	attr := func(tag, name string) (string, bool) {
		m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return "", false
		}
		return pageUnescape(m[1]), true
	}
	for _, tag := range regexp.MustCompile(`<input[^>]*>`).FindAllString(page, -1) {
		name, ok := attr(tag, "name")
		if !ok || name == "lang" || name == "next" {
			continue
		}
		typ, _ := attr(tag, "type")
		val, _ := attr(tag, "value")
		if (typ == "checkbox" || typ == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		v.Add(name, val)
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(page, -1) {
		v.Add(m[1], pageUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(page, -1) {
		if m[1] == "lang" {
			continue
		}
		for _, o := range regexp.MustCompile(`<option value="([^"]*)" selected>`).FindAllStringSubmatch(m[2], -1) {
			v.Add(m[1], pageUnescape(o[1]))
		}
	}
	return v
}

func pageUnescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">", "&#43;", "+", "&amp;", "&").Replace(s)
}

func TestCallPublish(t *testing.T) {
	f := newPageFixture(t)
	officer := f.as(f.officer)
	path := fmt.Sprintf("/appels/%d", f.draft.ID)
	// The draft has no dates yet: publishing it says what is missing.
	res := officer.post(path+"/statut", url.Values{"from": {"draft"}, "to": {"published"}})
	b := body(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Indiquez la date de publication") {
		t.Fatalf("publish without dates: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	now := f.e.db.Now()
	c := f.draft
	c.PublishAt, c.OpensAt, c.Deadline = now.Add(-time.Hour), now.Add(24*time.Hour), now.Add(60*24*time.Hour)
	c.UpdatedAt = time.Time{}
	if err := f.e.db.UpdateCall(context.Background(), c, coopdec.Actor{}, ""); err != nil {
		t.Fatal(err)
	}
	if res := f.as(f.indiaUser).post(path+"/statut", url.Values{"from": {"draft"}, "to": {"published"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another co-manager publishing: got %d; want 404", res.StatusCode)
	}

	// Two officers publish at once: one wins, the other is told.
	other := f.as(f.officer)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, cl := range []*client{officer, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", f.e.ts.URL+path+"/statut", strings.NewReader("from=draft&to=published"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Origin", f.e.ts.URL)
			res, err := cl.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	wg.Wait()
	if !(codes[0] == http.StatusSeeOther && codes[1] == http.StatusConflict || codes[1] == http.StatusSeeOther && codes[0] == http.StatusConflict) {
		t.Errorf("concurrent publish: got %v; want one 303 and one 409", codes)
	}
	b = f.page(f.e.client(), path, http.StatusOK)
	if !strings.Contains(b, "call-badge-published") {
		t.Error("the published call is not public")
	}
	// A third attempt, from a stale page, is a conflict with a clear message.
	res = officer.post(path+"/statut", url.Values{"from": {"draft"}, "to": {"published"}})
	b = body(t, res)
	if res.StatusCode != http.StatusConflict || !strings.Contains(b, "Le statut de l&#39;appel a changé") {
		t.Errorf("stale publish: got %d", res.StatusCode)
	}
	// An impossible move is refused.
	res = officer.post(path+"/statut", url.Values{"from": {"published"}, "to": {"results"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("published → results: got %d; want 422", res.StatusCode)
	}
}

func TestParseEuroCents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		key  string
	}{
		{"500 000,00", 50_000_000, ""},
		{"500\u202f000,00\u00a0€", 50_000_000, ""},
		{"500000", 50_000_000, ""},
		{"1 234,5", 123_450, ""},
		{"1.234,56", 123_456, ""},
		{"1,234.56", 123_456, ""},
		{"1.000.000", 100_000_000, ""},
		{"1.5", 150, ""},
		{"1,5", 150, ""},
		{"0,07", 7, ""},
		{"1.500", 0, "callpages.money.ambiguous"},
		{"1,500", 0, "callpages.money.ambiguous"},
		{"1,2345", 0, "callpages.money.precision"},
		{"-5", 0, "call.validation.amount.negative"},
		{"abc", 0, "callpages.money.invalid"},
		{"12,", 0, "callpages.money.invalid"},
		{"1.2.3", 0, "callpages.money.invalid"},
		{"1,23,456", 0, "callpages.money.invalid"},
		{"1e6", 0, "callpages.money.invalid"},
		{"99999999999999999999", 0, "call.validation.amount.too_large"},
	} {
		got, _, err := parseEuroCents("f", tc.in)
		key, _ := coopdec.ErrorKey(err)
		if err == nil {
			key = ""
		}
		if got != tc.want || key != tc.key {
			t.Errorf("parseEuroCents(%q): got %d, %q; want %d, %q", tc.in, got, key, tc.want, tc.key)
		}
	}
	if _, ok, err := parseEuroCents("f", "  "); ok || err != nil {
		t.Error("blank is not 'not entered'")
	}
}

func TestParsePercentAndTime(t *testing.T) {
	for in, want := range map[string]int{"50": 5000, "12,5": 1250, "12.5 %": 1250, "33,33": 3333, "0": 0, "100": 10000} {
		if got, _, err := parsePercentBP("f", in); err != nil || got != want {
			t.Errorf("parsePercentBP(%q): got %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"-1", "abc", "12,345", "1,2,3"} {
		if _, _, err := parsePercentBP("f", in); err == nil {
			t.Errorf("parsePercentBP(%q): no error", in)
		}
	}
	// The hour skipped when summer time starts, and the hour repeated when it ends.
	if _, err := parseParisTime("f", "2030-03-31T02:30"); err == nil {
		t.Error("a time that does not exist in Paris was accepted")
	}
	got, err := parseParisTime("f", "2030-10-27T02:30")
	if err != nil || got.UTC().Format(time.RFC3339) != "2030-10-27T00:30:00Z" {
		t.Errorf("repeated hour: got %v, %v; want the summer-time one", got.UTC(), err)
	}
	if formatCentsInput(50_000_000) != "500 000" || formatCentsInput(123_450) != "1 234,50" || formatBPInput(1250) != "12,5" {
		t.Error("form formatting")
	}
}

// TestCallHiddenRedirect: a call that sends Morocco to a draft links to it
// only for those who may see the draft, on the call page and in the
// simulator alike.
func TestCallHiddenRedirect(t *testing.T) {
	f := newPageFixture(t)
	now := f.e.db.Now()
	c := &coopdec.Call{ProgrammeID: f.med.ID, Reference: "FRCDM-PACA-02", Status: coopdec.CallPublished,
		Texts: map[string]coopdec.CallText{"fr": {Title: "Fonds régional pour la Méditerranée, deuxième édition"}},
		Rules: coopdec.EligibilityRules{Countries: []string{"group:south_east_mediterranean"},
			Excluded: []coopdec.Exclusion{{Country: "MA", RedirectCallID: f.draft.ID}}},
		PublishAt: now.Add(-48 * time.Hour), OpensAt: now.Add(-24 * time.Hour), Deadline: now.Add(30 * 24 * time.Hour)}
	if err := f.e.db.CreateCall(context.Background(), c, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	link := fmt.Sprintf(`href="/appels/%d"`, f.draft.ID)
	q := url.Values{"countries": {"MA"}}
	pages := []string{fmt.Sprintf("/appels/%d", c.ID), fmt.Sprintf("/appels/%d/eligibilite?%s", c.ID, q.Encode())}
	for _, tc := range []struct {
		who  string
		c    *client
		want bool
	}{
		{"public", f.e.client(), false}, {"Indian co-manager", f.as(f.indiaUser), false},
		{"officer", f.as(f.officer), true}, {"Brazilian co-manager", f.as(f.brazilUser), true},
	} {
		for _, path := range pages {
			b := f.page(tc.c, path, http.StatusOK)
			if got := strings.Contains(b, link); got != tc.want {
				t.Errorf("%s, %s: link to the draft shown %v; want %v", tc.who, path, got, tc.want)
			}
			// The call page names the call to apply to; the simulator only links to it.
			if got := strings.Contains(b, "Deuxième appel franco-brésilien"); got != (tc.want && path == pages[0]) {
				t.Errorf("%s, %s: the draft's title shown %v", tc.who, path, got)
			}
		}
		b := f.page(tc.c, pages[1], http.StatusOK)
		if got := strings.Contains(b, "relève d&#39;un autre appel"); got != tc.want {
			t.Errorf("%s: simulator says another call handles Morocco: %v; want %v", tc.who, got, tc.want)
		}
	}
}

// TestCallFormUnreadable: a form that cannot be read is answered plainly,
// on creation as on edition, and creates nothing.
func TestCallFormUnreadable(t *testing.T) {
	f := newPageFixture(t)
	officer := f.as(f.officer)
	for _, path := range []string{"/appels", fmt.Sprintf("/appels/%d", f.indiaCall.ID)} {
		req, _ := http.NewRequest("POST", f.e.ts.URL+path, strings.NewReader("reference=%zz&texts.fr.title=Appel"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", f.e.ts.URL)
		res := officer.do(req)
		b := body(t, res)
		if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "illisible") {
			t.Errorf("POST %s unreadable: got %d; want 400 or 422 saying the form is unreadable\n%s", path, res.StatusCode, pageExcerpt(b))
		}
	}
}

// TestAmendmentChangeLines: each kind of change in the reader's words.
func TestAmendmentChangeLines(t *testing.T) {
	e := newTestEnv(t)
	names := changeNames{
		orgs:       map[int64]coopdec.Organisation{3: {ID: 3, Name: "Région Sud"}},
		programmes: []coopdec.Programme{{ID: 7, Names: map[string]string{"fr": "Appels conjoints", "en": "Joint calls"}}},
	}
	line := func(lang string, ch coopdec.CallChange) string {
		l := e.srv.changeLine(lang, ch, names)
		if l.Note != "" {
			return l.Label + " " + l.Note
		}
		return l.Label + " " + l.Old.Text + " → " + l.New.Text
	}
	nbsp := func(s string) string { return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s) }
	for _, tc := range []struct {
		lang string
		ch   coopdec.CallChange
		want string
	}{
		{"fr", coopdec.CallChange{Field: "deadline", Kind: coopdec.ChangeDate, Old: "2027-01-24T19:46:00Z", New: "2027-02-08T19:46:00Z"},
			"Date limite de dépôt 24/01/2027 20:46 (heure de Paris) → 08/02/2027 20:46 (heure de Paris)"},
		{"en", coopdec.CallChange{Field: "opens_at", Kind: coopdec.ChangeDate, Old: "", New: "2027-07-01T08:00:00Z"},
			"Applications open none → 01/07/2027 10:00 (Paris time)"},
		{"fr", coopdec.CallChange{Field: "funder.3.envelope", Kind: coopdec.ChangeMoney, Old: "30000000", New: "35000000"},
			"Enveloppe de Région Sud " + nbsp(coopdec.FormatEuroCents("fr", 30_000_000)) + " → " + nbsp(coopdec.FormatEuroCents("fr", 35_000_000))},
		{"en", coopdec.CallChange{Field: "funder.9.share", Kind: coopdec.ChangePercent, Old: "5000", New: "4050"},
			"Share of each grant funded by #9 " + nbsp(coopdec.FormatBasisPoints("en", 5000)) + " → " + nbsp(coopdec.FormatBasisPoints("en", 4050))},
		{"fr", coopdec.CallChange{Field: "funder.3", Kind: coopdec.ChangePlain, Old: "", New: "3"}, "Financeur néant → Région Sud"},
		{"fr", coopdec.CallChange{Field: "co_managers", Kind: coopdec.ChangeList, Old: "3", New: "3,9"}, "Cogestionnaires Région Sud → Région Sud, #9"},
		{"en", coopdec.CallChange{Field: "themes", Kind: coopdec.ChangeList, Old: "culture", New: "culture,water_sanitation"},
			"Themes " + themeName(t, "culture", "en") + " → " + themeName(t, "culture", "en") + ", " + themeName(t, "water_sanitation", "en")},
		{"fr", coopdec.CallChange{Field: "rules.excluded", Kind: coopdec.ChangeList, Old: "", New: "MA:12"},
			"Pays exclus néant → Maroc (renvoyé vers l'appel n° 12)"},
		{"en", coopdec.CallChange{Field: "rules.countries", Kind: coopdec.ChangeList, Old: "IN", New: "BR,IN"}, "Eligible countries of action India → Brazil, India"},
		{"fr", coopdec.CallChange{Field: "rules.lead_types", Kind: coopdec.ChangeList, Old: "region", New: "region,commune"},
			"Types de collectivité pouvant être chef de file " + e.srv.cat.T("fr", "orgs.authority_type.region") + " → " +
				e.srv.cat.T("fr", "orgs.authority_type.region") + ", " + e.srv.cat.T("fr", "orgs.authority_type.commune")},
		{"en", coopdec.CallChange{Field: "rules.no_overdue_reports", Kind: coopdec.ChangePlain, Old: "false", New: "true"},
			"Only for authorities up to date with their reports no → yes"},
		{"fr", coopdec.CallChange{Field: "rules.max_duration_months", Kind: coopdec.ChangePlain, Old: "24", New: ""}, "Durée maximale 24 mois → néant"},
		{"en", coopdec.CallChange{Field: "status", Kind: coopdec.ChangePlain, Old: "closed", New: "open"}, "Status Closed → Open"},
		{"en", coopdec.CallChange{Field: "programme", Kind: coopdec.ChangePlain, Old: "8", New: "7"}, "Programme #8 → Joint calls"},
		{"fr", coopdec.CallChange{Field: "decision_rule", Kind: coopdec.ChangePlain, Old: "all_parties", New: "ministry"},
			"Règle de décision toutes les parties → le ministère seul"},
		{"fr", coopdec.CallChange{Field: "text.en", Kind: coopdec.ChangeText, Old: "", New: "Call"}, "Version en anglais néant → Call"},
		{"en", coopdec.CallChange{Field: "text.fr.title", Kind: coopdec.ChangeText, Old: "Appel", New: "Appel 2027"}, "Title (French) Appel → Appel 2027"},
		{"fr", coopdec.CallChange{Field: "text.pt.body", Kind: coopdec.ChangeText, Old: "a", New: "b"}, "Texte complet (portugais) nouvelle rédaction"},
		{"fr", coopdec.CallChange{Field: "rules.something_new", Kind: coopdec.ChangePlain, Old: "a", New: "b"}, "rules.something_new a → b"},
	} {
		if got := nbsp(line(tc.lang, tc.ch)); got != tc.want {
			t.Errorf("%s %s: got %q; want %q", tc.lang, tc.ch.Field, got, tc.want)
		}
	}
	// Every rule has a label.
	for _, field := range []string{"countries", "excluded", "lead_types", "lead_region", "partner_countries", "beneficiary_countries",
		"max_grant", "max_funders_share", "min_own_share", "max_in_kind_of_own", "min_duration_months", "max_duration_months",
		"required_documents", "no_overdue_reports"} {
		if key := "callpages.change.rules." + field; e.srv.cat.T("en", key) == key {
			t.Errorf("no label for rules.%s", field)
		}
	}
}

func themeName(t *testing.T, code, lang string) string {
	t.Helper()
	th, ok := coopdec.ThemeByCode(code)
	if !ok {
		t.Fatalf("no theme %q", code)
	}
	return th.Name(lang)
}
