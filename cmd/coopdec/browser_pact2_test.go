package main

// End-to-end tests of PACT2, the mobilisation of local authorities'
// expertise abroad. A member of Lyon applies for the label in the browser;
// the officer asks for changes, then grants it; the label is found in the
// public directory with a query typed without accents. The officer writes a
// mission request, invites Lyon, which proposes an expert; the officer
// selects that reply, and another authority cannot see the request. Each
// runs on SQLite and, when COOPDEC_TEST_DATABASE_URL is set, on PostgreSQL.
// They create what they need through the pages and the API, whatever the
// demo's PACT2 data holds.

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coopdec/coopdec/coopdec"
)

const (
	demoLyon      = "lyon@demo.coopdec.test"
	demoMarseille = "marseille@demo.coopdec.test"
	lyonName      = "Lyon" // the demo organisation's name
)

func TestBrowserLabelToDirectory(t *testing.T) {
	t.Parallel()
	browserLabelToDirectory(newSession(t, ""))
}

func TestBrowserLabelPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: label browser test on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	browserLabelToDirectory(newSession(t, postgresSchema(t, pgURL)))
}

func TestBrowserMissionRequestToSelection(t *testing.T) {
	t.Parallel()
	browserMissionToSelection(newSession(t, ""))
}

func TestBrowserMissionPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: mission browser test on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	browserMissionToSelection(newSession(t, postgresSchema(t, pgURL)))
}

var (
	labelPagePath   = regexp.MustCompile(`^/labels/(\d+)$`)
	missionPagePath = regexp.MustCompile(`^/missions/(\d+)\?ok=created$`)
)

// The words of Lyon's application the directory search finds, typed
// without their accents.
const (
	labelDescription = "Planification du développement urbain des quartiers fluviaux et réhabilitation des berges."
	labelQuery       = "developpement rehabilitation fluviaux"
	labelReference   = "Aménagement des berges du fleuve Rouge à Hanoï"
)

// closeOpenLabels ends, through the API, any application of Lyon still
// under way (the demo data may hold one), so that a new one can start:
// completed and submitted if need be, then refused by the officer.
func closeOpenLabels(t *testing.T, lyon, officer *apiClient, lyonID int64) {
	t.Helper()
	var list struct {
		Items []struct {
			ID             int64  `json:"id"`
			OrganisationID int64  `json:"organisation_id"`
			State          string `json:"state"`
		} `json:"items"`
	}
	lyon.call("GET", "/api/v1/label-applications?per_page=100", nil, http.StatusOK, &list)
	for _, a := range list.Items {
		if a.OrganisationID != lyonID || !coopdec.LabelState(a.State).Open() {
			continue
		}
		path := fmt.Sprintf("/api/v1/label-applications/%d", a.ID)
		if a.State != string(coopdec.LabelSubmitted) {
			lyon.call("PUT", path, map[string]any{
				"competencies": map[string]any{"themes": []string{"culture"}, "description": "Coopération culturelle.", "methods": "Échanges d'agents."},
				"references": []map[string]any{{"title": "Échanges culturels", "kind": "project", "country": "BR", "from_year": 2015,
					"results": "Deux festivals communs."}},
				"conditions": map[string]any{"staff": "Un agent.", "languages": []string{"fr"}, "min_duration_days": 3, "self_covered": "Les salaires."},
			}, http.StatusOK, nil)
			lyon.call("POST", path+"/submission", nil, http.StatusOK, nil)
		}
		officer.call("POST", path+"/review", map[string]string{"action": "refuse", "reason": "Remplacée par une nouvelle demande."}, http.StatusOK, nil)
	}
}

func browserLabelToDirectory(b *browser) {
	t := b.t
	officer := newAPIClient(t, b.base, demoOfficer)
	lyon := newAPIClient(t, b.base, demoLyon)
	lyonID := officer.orgID(string(coopdec.OrgFrenchAuthority), "FR", lyonName)
	closeOpenLabels(t, lyon, officer, lyonID)

	// 1. Lyon's member starts an application from the label page.
	b.login(demoLyon, coopdec.DemoPassword, "/compte")
	b.open("/labels", http.StatusOK)
	b.checkA11y("my labels")
	start := fmt.Sprintf(`main form[action="/labels/nouveau"]:has(input[name=organisation_id][value="%d"]) button[type=submit]`, lyonID)
	if b.eval(fmt.Sprintf(`String(!!document.querySelector(%s))`, jsString(start))) != "true" {
		b.fatalf("the label page offers no button to start an application for %s", lyonName)
	}
	b.submit(start)
	m := labelPagePath.FindStringSubmatch(b.path())
	if m == nil {
		b.fatalf("after starting an application, at %s; want /labels/{id}", b.path())
	}
	labelPath := m[0]
	labelID := m[1]
	b.checkA11y("empty label application")

	// 2. The three parts, all but what the authority covers itself: the
	// submission is refused, the form shown again with the error.
	b.check("#theme-urban_development")
	b.check("#theme-water_sanitation")
	b.fill("#description", labelDescription)
	b.fill("#methods", "Missions courtes d'ingénieurs et d'urbanistes, ateliers avec les services techniques partenaires.")
	b.fill("#ref0_title", labelReference)
	b.do("choosing the reference's kind", chromedp.SetValue(chromedp.CSS("#ref0_kind"), "project"))
	b.fill("#ref0_country", "VN")
	b.fill("#ref0_from", "2018")
	b.fill("#ref0_to", "2022")
	b.fill("#ref0_partners", "Comité populaire de Hanoï")
	b.fill("#ref0_results", "Trois kilomètres de berges réaménagées, un plan de prévention des crues adopté.")
	b.fill("#staff", "Deux ingénieurs hydrauliciens et une urbaniste de la direction de l'aménagement.")
	b.check("#lang-fr")
	b.check("#lang-en")
	b.fill("#min_days", "5")
	b.fill("#max_days", "15")
	if status := b.submit(`main button[name=action][value=submit]`); status != http.StatusUnprocessableEntity {
		b.fatalf("submitting without the conditions of mobilisation: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	if got := b.plainText("#self_covered-error"); got == "" {
		b.fatalf("no error on the field self_covered after an incomplete submission")
	}
	if got := b.value("#ref0_title"); got != labelReference {
		t.Errorf("reference title %q after the error; want what was typed", got)
	}
	b.checkA11y("label application with an error")

	b.fill("#self_covered", "La Ville prend en charge les salaires de ses agents pendant les missions.")
	b.submit(`main button[name=action][value=submit]`)
	b.wantPath(labelPath + "?ok=submit")
	b.checkA11y("label application submitted")
	b.logout()

	// 3. The officer asks for changes, with a reason.
	const reason = "Précisez les méthodes : durée des missions et suivi à distance."
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open("/labels/instruction", http.StatusOK)
	b.checkA11y("label applications to review")
	b.open(labelPath, http.StatusOK)
	b.checkA11y("label application to review")
	if got := b.plainText("main"); !strings.Contains(got, labelReference) {
		b.fatalf("the officer does not see the reference %q:\n%s", labelReference, got)
	}
	b.fill("#reason", reason)
	b.submit(`main button[name=action][value=request_changes]`)
	b.wantPath(labelPath + "?ok=request_changes")
	b.checkA11y("label application, changes requested")
	b.logout()

	// 4. The member reads the reason, completes the methods and resubmits.
	b.login(demoLyon, coopdec.DemoPassword, "/compte")
	b.open(labelPath, http.StatusOK)
	if got := b.plainText("main"); !strings.Contains(got, reason) {
		b.fatalf("the member does not see the officer's reason:\n%s", got)
	}
	b.checkA11y("label application to complete")
	b.fill("#methods", "Missions de deux semaines d'ingénieurs et d'urbanistes, puis suivi à distance pendant six mois.")
	b.submit(`main button[name=action][value=submit]`)
	b.wantPath(labelPath + "?ok=submit")
	b.logout()

	// 5. The officer grants the label.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open(labelPath, http.StatusOK)
	b.submit(`main button[name=action][value=grant]`)
	b.wantPath(labelPath + "?ok=grant")
	b.checkA11y("label granted, officer")
	b.logout()

	// 6. The member sees the number and the expiry, three years on.
	b.login(demoLyon, coopdec.DemoPassword, "/compte")
	b.open(labelPath, http.StatusOK)
	b.checkA11y("label granted, member")
	facts := b.plainText("main dl")
	if !strings.Contains(facts, "Label accordé") {
		t.Errorf("granted application shows %q; want the state Label accordé", facts)
	}
	number := b.eval(`(dt => dt && dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : '')(Array.from(document.querySelectorAll('main dl dt')).find(dt => dt.textContent.includes('Numéro')))`)
	if number == "" {
		b.fatalf("no number among the granted label's facts: %q", facts)
	}
	if !strings.Contains(facts, parisDay(0)) && !strings.Contains(facts, parisDay(1)) {
		t.Errorf("granted label's facts %q; want the expiry %s (three years on)", facts, parisDay(0))
	}
	var granted struct {
		State     string  `json:"state"`
		Number    *string `json:"number"`
		ExpiresAt *string `json:"expires_at"`
	}
	lyon.call("GET", "/api/v1/label-applications/"+labelID, nil, http.StatusOK, &granted)
	if granted.State != string(coopdec.LabelGranted) || granted.Number == nil || *granted.Number != number || granted.ExpiresAt == nil {
		t.Errorf("the API shows the label as %+v; want granted, number %s, an expiry", granted, number)
	}
	b.open("/labels", http.StatusOK)
	if got := b.plainText("main table"); !strings.Contains(got, number) {
		t.Errorf("the member's list of labels %q does not show the number %s", got, number)
	}
	b.logout()

	// 7. A visitor finds the label in the directory, typing no accents, and
	// opens Lyon's profile.
	b.open("/expertise", http.StatusOK)
	b.checkA11y("expertise directory")
	b.fill("#q", labelQuery)
	if status := b.submit(`main form[action="/expertise"] button[type=submit]`); status != http.StatusOK {
		b.fatalf("searching the directory: status %d", status)
	}
	if p := b.path(); !strings.Contains(p, "q=developpement") {
		t.Errorf("the search's address %s does not hold the query (a search is shared by its URL)", p)
	}
	b.checkA11y("expertise directory, searched")
	results := b.plainText("main ul.results")
	if !strings.Contains(results, lyonName) || !strings.Contains(results, number) {
		b.fatalf("the directory searched for %q does not list %s's label %s:\n%s", labelQuery, lyonName, number, results)
	}
	profile := b.eval(fmt.Sprintf(`(li => li ? li.querySelector('a').getAttribute('href') : '')(Array.from(document.querySelectorAll('main ul.results > li')).find(li => li.textContent.includes(%s)))`, jsString(number)))
	if !strings.HasPrefix(profile, "/expertise/") {
		b.fatalf("the result for %s links to %q; want a profile /expertise/{id}", number, profile)
	}
	b.follow(fmt.Sprintf(`main ul.results a[href=%q]`, profile))
	b.wantPath(profile)
	b.checkA11y("expertise profile")
	page := b.plainText("main")
	for _, want := range []string{lyonName, number, labelReference} {
		if !strings.Contains(page, want) {
			t.Errorf("profile %s does not show %q:\n%s", profile, want, page)
		}
	}

	// A query that matches nothing lists nothing, and says so.
	b.open("/expertise?q=zzzzaucunresultat", http.StatusOK)
	if got := b.eval(`String(document.querySelectorAll('main ul.results > li').length)`); got != "0" {
		t.Errorf("a query matching nothing lists %s results", got)
	}
	b.checkA11y("expertise directory, no result")
}

// parisDay is the date in Paris three years and plus days from now, as
// the pages show it: a label granted today expires then (plus 1 covers a
// grant and a check on either side of midnight).
func parisDay(plus int) string {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	return time.Now().In(loc).AddDate(3, 0, plus).Format("02/01/2006")
}

func browserMissionToSelection(b *browser) {
	t := b.t
	officer := newAPIClient(t, b.base, demoOfficer)
	lyonID := officer.orgID(string(coopdec.OrgFrenchAuthority), "FR", lyonName)

	// 1. The officer writes the request; a first try without a budget is
	// refused with the error on the field.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open("/missions", http.StatusOK)
	b.checkA11y("mission requests")
	b.open("/missions/nouvelle", http.StatusOK)
	b.checkA11y("new mission request")
	b.do("choosing the country", chromedp.SetValue(chromedp.CSS("#country"), "TN"))
	b.fill("#partner_name", "Municipalité de Sousse")
	b.check("#theme-water_sanitation")
	b.check("#theme-urban_development")
	b.fill("#need", "Appui à la régie municipale de l'eau : diagnostic du réseau et plan de réduction des fuites.")
	b.setValue("#from", "2027-03-01")
	b.setValue("#to", "2027-03-31")
	b.fill("#duration_days", "10")
	b.fill("#languages", "fr, ar")
	if status := b.submit(`main form[action="/missions"] button[type=submit]`); status != http.StatusUnprocessableEntity {
		b.fatalf("a request without a budget: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	if got := b.value("#partner_name"); got != "Municipalité de Sousse" {
		t.Errorf("partner field %q after the error; want what was typed", got)
	}
	if b.eval(`String(document.querySelectorAll('main .field-error').length > 0)`) != "true" {
		b.fatalf("no error shown after a request without a budget")
	}
	b.checkA11y("new mission request with an error")
	b.fill("#budget", "25000")
	b.submit(`main form[action="/missions"] button[type=submit]`)
	m := missionPagePath.FindStringSubmatch(b.path())
	if m == nil {
		b.fatalf("after creating the request, at %s; want /missions/{id}?ok=created", b.path())
	}
	missionPath := "/missions/" + m[1]
	b.checkA11y("mission request created")

	// 2. The officer finds Lyon with the search and invites it.
	b.fill("#q", lyonName)
	b.submit(fmt.Sprintf(`main form[role=search][action^=%q] button[type=submit]`, missionPath))
	orgBox := fmt.Sprintf("#org-%d", lyonID)
	b.do("the search's results", chromedp.WaitVisible(chromedp.CSS(orgBox)))
	b.checkA11y("mission request, authorities found")
	b.check(orgBox)
	b.submit(`main form#invite button[type=submit]`)
	b.wantPath(missionPath + "?ok=invited")
	if got := b.plainText("#invitations + ul"); !strings.Contains(got, lyonName) {
		t.Errorf("invitations %q; want %s", got, lyonName)
	}
	b.checkA11y("mission request, Lyon invited")
	b.logout()

	// 3. Lyon's member finds the request and replies: interested, with an
	// expert. Forgetting to say whether Lyon is interested is an error.
	b.login(demoLyon, coopdec.DemoPassword, "/compte")
	b.open("/collectivite/missions", http.StatusOK)
	if got := b.plainText("main"); !strings.Contains(got, "Municipalité de Sousse") {
		b.fatalf("Lyon's missions do not list the request:\n%s", got)
	}
	b.checkA11y("my authority's missions")
	b.open(missionPath, http.StatusOK)
	b.checkA11y("mission request, invited authority")
	b.follow(fmt.Sprintf(`main a[href=%q]`, missionPath+"/reponse"))
	b.checkA11y("reply form")
	replyButton := fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/reponse")
	b.fill("#expert_name_1", "Claire Martin")
	b.fill("#expert_role_1", "Ingénieure, direction de l'eau")
	b.fill("#expert_languages_1", "fr, ar")
	b.fill("#expert_availability_1", "Tout le mois de mars 2027")
	if status := b.submit(replyButton); status != http.StatusUnprocessableEntity {
		b.fatalf("a reply that does not say whether Lyon is interested: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	if got := b.plainText("#interested-error"); got == "" {
		b.fatalf("no error on the question of interest")
	}
	if got := b.value("#expert_name_1"); got != "Claire Martin" {
		t.Errorf("expert's name %q after the error; want what was typed", got)
	}
	b.checkA11y("reply form with an error")
	b.check("#interested-yes")
	b.fill("#comment", "La régie de l'eau du Grand Lyon appuie la démarche.")
	b.submit(replyButton)
	b.wantPath(missionPath + "?ok=replied")
	b.checkA11y("mission request, replied")
	b.logout()

	// 4. Another authority's member is told the request does not exist.
	marseille := newAPIClient(t, b.base, demoMarseille)
	marseille.call("GET", "/api/v1"+missionPath, nil, http.StatusNotFound, nil)
	b.login(demoMarseille, coopdec.DemoPassword, "/compte")
	b.open(missionPath, http.StatusNotFound)
	b.checkA11y("mission request, another authority")
	b.open(missionPath+"/reponse", http.StatusNotFound)
	b.logout()

	// 5. The officer reads the reply and selects it.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open(missionPath, http.StatusOK)
	if got := b.plainText("main"); !strings.Contains(got, "Claire Martin") {
		b.fatalf("the officer does not see Lyon's expert:\n%s", got)
	}
	b.checkA11y("mission request with a reply")
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/selection"))
	b.wantPath(missionPath + "?ok=selected")
	if got := b.plainText("main"); !strings.Contains(got, "retenue") {
		t.Errorf("after the selection the page does not say Lyon is selected:\n%s", got)
	}
	b.checkA11y("mission request, reply selected")
	var mission struct {
		State           string `json:"state"`
		SelectedReplyID *int64 `json:"selected_reply_id"`
	}
	officer.call("GET", "/api/v1"+missionPath, nil, http.StatusOK, &mission)
	if mission.State != "selected" || mission.SelectedReplyID == nil {
		t.Errorf("request after the selection: state %q, selected reply %v; want selected with a reply", mission.State, mission.SelectedReplyID)
	}
}
