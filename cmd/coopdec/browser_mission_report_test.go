package main

// End to end, a PACT2 mission from the ministry's request to its report:
// the officer writes a request for Senegal and invites Lyon from the
// ranking of labelled authorities; Lyon proposes an expert; the officer
// selects it, adds the day's allowance for Senegal to the rate table,
// costs the mission order and approves it against the PACT2 envelope;
// Lyon files its report, which Marseille may not read; the officer
// evaluates the mission and finds the report again through the search of
// reports. Each runs on SQLite and, when COOPDEC_TEST_DATABASE_URL is
// set, on PostgreSQL. It makes what it needs through the pages and the
// API, whatever the demo holds.

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/coopdec/coopdec/coopdec"
)

func TestBrowserMissionToReport(t *testing.T) {
	t.Parallel()
	browserMissionToReport(newSession(t, ""))
}

func TestBrowserMissionReportPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: mission report browser test on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	browserMissionToReport(newSession(t, postgresSchema(t, pgURL)))
}

// The words of the report that its search finds, typed without accents.
const (
	reportFindings = "Le réseau de Saint-Louis perd près de 40 % de l'eau produite ; les compteurs de quartier sont hors d'usage."
	reportQuery    = "compteurs hors d'usage"
)

// pact2Envelope makes room in the PACT2 envelope for the test's order,
// through the API, and returns the programme's ID and what it has
// committed.
func pact2Envelope(t *testing.T, officer *apiClient) (id, committed int64) {
	t.Helper()
	var list struct {
		Items []struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		} `json:"items"`
	}
	officer.call("GET", "/api/v1/programmes", nil, http.StatusOK, &list)
	for _, p := range list.Items {
		if p.Code == "pact2" {
			id = p.ID
		}
	}
	if id == 0 {
		t.Fatalf("no programme pact2 among %+v", list.Items)
	}
	var env struct {
		CommittedCents int64 `json:"committed_cents"`
		RemainingCents int64 `json:"remaining_cents"`
	}
	// Far above what the demo commits, far below the bound of an envelope.
	officer.call("PUT", fmt.Sprintf("/api/v1/programmes/%d/envelope", id),
		map[string]any{"amount_cents": 500_000_000_00, "reason": "Abondement pour les missions de l'année."}, http.StatusOK, &env)
	return id, env.CommittedCents
}

func browserMissionToReport(b *browser) {
	t := b.t
	officer := newAPIClient(t, b.base, demoOfficer)
	lyonID := officer.orgID(string(coopdec.OrgFrenchAuthority), "FR", lyonName)
	programmeID, committedBefore := pact2Envelope(t, officer)

	// 1. The officer writes the request.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open("/missions/nouvelle", http.StatusOK)
	b.do("choosing the country", chromedp.SetValue(chromedp.CSS("#country"), "SN"))
	b.fill("#place", "Saint-Louis")
	b.fill("#partner_name", "Commune de Saint-Louis")
	b.check("#theme-water_sanitation")
	b.check("#theme-urban_development")
	b.fill("#need", "Appui au service de l'eau de Saint-Louis : recherche des fuites et sectorisation du réseau.")
	b.setValue("#from", "2027-05-01")
	b.setValue("#to", "2027-06-30")
	b.fill("#duration_days", "10")
	b.fill("#languages", "fr")
	b.fill("#budget", "20000")
	b.submit(`main form[action="/missions"] button[type=submit]`)
	m := missionPagePath.FindStringSubmatch(b.path())
	if m == nil {
		b.fatalf("after creating the request, at %s; want /missions/{id}?ok=created", b.path())
	}
	missionPath := "/missions/" + m[1]

	// 2. Lyon is among the ranked labelled authorities, with its score
	// explained; the officer invites it from the ranking.
	row := fmt.Sprintf("#match-%d", lyonID)
	if got := b.plainText(row); !strings.Contains(got, lyonName) {
		b.fatalf("the ranking has no row for %s: %q", lyonName, got)
	} else if !strings.Contains(got, "sur place (Saint-Louis)") {
		t.Errorf("Lyon's row %q does not explain the place of the request", got)
	}
	b.checkA11y("mission request with its ranking")
	b.check(fmt.Sprintf("#match-org-%d", lyonID))
	b.submit(fmt.Sprintf(`main #matches form[action=%q] button[type=submit]`, missionPath+"/invitations"))
	b.wantPath(missionPath + "?ok=invited")
	if got := b.plainText(row); !strings.Contains(got, "invitée") {
		t.Errorf("after the invitation, Lyon's row %q does not say it is invited", got)
	}
	b.logout()

	// 3. Lyon replies with an expert.
	b.login(demoLyon, coopdec.DemoPassword, "/compte")
	b.open(missionPath+"/reponse", http.StatusOK)
	b.check("#interested-yes")
	b.fill("#expert_name_1", "Paul Girard")
	b.fill("#expert_role_1", "Ingénieur réseaux, régie de l'eau")
	b.fill("#expert_languages_1", "fr")
	b.fill("#expert_availability_1", "Mai et juin 2027")
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/reponse"))
	b.wantPath(missionPath + "?ok=replied")
	// Before the selection, the order is not Lyon's to read.
	b.open(missionPath+"/ordre", http.StatusForbidden)
	b.logout()

	// 4. The officer selects Lyon, then adds the day's allowance for
	// Senegal to the rate table.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open(missionPath, http.StatusOK)
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/selection"))
	b.wantPath(missionPath + "?ok=selected")
	// Selected: the request can no longer be cancelled.
	if b.eval(`String(!!document.querySelector('main form[action$="/annulation"]'))`) != "false" {
		t.Errorf("a selected request still offers its cancellation")
	}
	b.open("/missions/indemnites", http.StatusOK)
	b.checkA11y("allowance rates")
	b.do("choosing the rate's country", chromedp.SetValue(chromedp.CSS("#country"), "SN"))
	b.fill("#daily", "150")
	b.setValue("#valid_from", "2027-01-01")
	b.submit(`main form[method=post][action="/missions/indemnites"] button[type=submit]`)
	b.wantPath("/missions/indemnites?ok=rate&pays=SN")
	if got := b.plainText("main table"); !strings.Contains(got, "Sénégal") || !strings.Contains(got, "150 €") {
		t.Errorf("the rate table %q does not show the new line for Senegal at 150 €", got)
	}
	b.checkA11y("allowance rates, line added")

	// 5. The order: an expert's days over the order's dates are refused;
	// then the order is costed at the day's rate and approved.
	b.open(missionPath, http.StatusOK)
	b.follow(fmt.Sprintf(`main a[href=%q]`, missionPath+"/ordre"))
	b.checkA11y("mission order, empty")
	b.setValue("#start", "2027-05-10")
	b.setValue("#end", "2027-05-17")
	b.fill("#expert_days_0", "9")
	b.fill("#travel", "1200")
	b.fill("#other", "300")
	if status := b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/ordre")); status != http.StatusUnprocessableEntity {
		b.fatalf("nine days in an eight-day order: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	if got := b.plainText("#expert_days_0-error"); got == "" {
		b.fatalf("no error on the expert's days")
	}
	b.checkA11y("mission order with an error")
	b.fill("#expert_days_0", "8")
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/ordre"))
	b.wantPath(missionPath + "/ordre?ok=saved")
	// 8 days × 150 € + 1 200 € + 300 € = 2 700 €.
	cost := b.plainText("main table")
	for _, want := range []string{"Indemnités journalières1 200 €", "Total2 700 €"} {
		if !strings.Contains(strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(cost), want) {
			t.Errorf("the order's cost %q does not show %q", cost, want)
		}
	}
	b.checkA11y("mission order, drafted")
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/ordre/approbation"))
	b.wantPath(missionPath + "/ordre?ok=approved")
	b.checkA11y("mission order, approved")
	var env struct {
		CommittedCents int64 `json:"committed_cents"`
	}
	officer.call("GET", fmt.Sprintf("/api/v1/programmes/%d/envelope", programmeID), nil, http.StatusOK, &env)
	if got := env.CommittedCents - committedBefore; got != 2_700_00 {
		t.Errorf("the envelope committed %d cents more; want 270000 (the order's total)", got)
	}
	b.logout()

	// 6. Lyon files its report; Marseille, never invited, may not read it.
	marseille := newAPIClient(t, b.base, demoMarseille)
	marseille.call("POST", "/api/v1/missions/"+m[1]+"/report", map[string]string{"findings": "x", "recommendations": "y"},
		http.StatusNotFound, nil)
	b.login(demoLyon, coopdec.DemoPassword, "/compte")
	b.open(missionPath+"/rapport", http.StatusOK)
	b.checkA11y("mission report to file")
	b.fill("#findings", reportFindings)
	b.fill("#recommendations", "Remplacer les compteurs de quartier, puis sectoriser le réseau en six zones.")
	b.fill("#follow_up", "Un point à distance tous les trois mois avec la régie.")
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/rapport"))
	b.wantPath(missionPath + "/rapport?ok=filed")
	if b.eval(`String(!!document.querySelector('main form[action$="/evaluation"]'))`) != "false" {
		t.Errorf("the authority is offered to evaluate its own mission")
	}
	b.checkA11y("mission report filed")
	b.logout()
	b.login(demoMarseille, coopdec.DemoPassword, "/compte")
	b.open(missionPath+"/rapport", http.StatusNotFound)
	b.checkA11y("mission report, another authority")
	b.logout()

	// 7. The officer, who made the request, evaluates the mission.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open(missionPath+"/rapport", http.StatusOK)
	if got := b.plainText("main"); !strings.Contains(got, reportFindings) {
		b.fatalf("the officer does not read the report:\n%s", got)
	}
	b.check("#rating-4")
	b.fill("#comment", "Diagnostic clair ; la régie a lancé le remplacement des compteurs.")
	b.submit(fmt.Sprintf(`main form[action=%q] button[type=submit]`, missionPath+"/evaluation"))
	b.wantPath(missionPath + "/rapport?ok=evaluated")
	if got := b.plainText("main"); !strings.Contains(got, "Diagnostic clair") {
		t.Errorf("the evaluation is not shown after it was given:\n%s", got)
	}
	b.checkA11y("mission evaluated")

	// 8. The report is found by a search typed without accents, for its
	// country, and leads back to it.
	b.open("/missions/rapports", http.StatusOK)
	b.fill("#q", reportQuery)
	b.do("choosing the country", chromedp.SetValue(chromedp.CSS("#pays"), "SN"))
	if status := b.submit(`main form[action="/missions/rapports"] button[type=submit]`); status != http.StatusOK {
		b.fatalf("searching the reports: status %d", status)
	}
	b.checkA11y("reports searched")
	link := fmt.Sprintf(`main a[href=%q]`, missionPath+"/rapport")
	if b.eval(fmt.Sprintf(`String(!!document.querySelector(%s))`, jsString(link))) != "true" {
		b.fatalf("the search for %q in Senegal does not list the report:\n%s", reportQuery, b.plainText("main"))
	}
	b.follow(link)
	b.wantPath(missionPath + "/rapport")
	var found struct {
		Items []struct {
			MissionID int64 `json:"mission_id"`
		} `json:"items"`
	}
	officer.call("GET", "/api/v1/mission-reports?q=compteurs&country=SN", nil, http.StatusOK, &found)
	if len(found.Items) != 1 || fmt.Sprint(found.Items[0].MissionID) != m[1] {
		t.Errorf("the API's search of reports: %+v; want the mission %s", found.Items, m[1])
	}
}
