package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/coopdec/coopdec/coopdec"
)

// The Franco-Indian call run from its submitted applications to a decision
// co-signed by the Indian co-manager: the demo's additional session
// AAP-FR-IN-02 has three applications submitted and nothing set up. The
// officer sets up the grid and the pools, confirms admissibility and runs
// the assignment in the browser; evaluators confirm they have no conflict
// and score (one in the browser, the others through the API); the officer
// records the consensus, sends the committee's list, and approves it; the
// Indian co-manager approves it in the browser, which makes it final: the
// envelopes are committed and the selected projects published.

const (
	springCallRef   = "AAP-FR-IN-02"
	demoOfficer     = "officer@demo.coopdec.test"
	demoIndia       = "partner-india@demo.coopdec.test"
	evalMinistry1   = "evaluator-ministry-1@demo.coopdec.test" // once worked for Nantes
	evalMinistry2   = "evaluator-ministry-2@demo.coopdec.test"
	evalIndia1      = "evaluator-india-1@demo.coopdec.test"
	evalIndia2      = "evaluator-india-2@demo.coopdec.test"
	strasbourgTitle = "Sauvegarde du patrimoine bâti du quartier français de Pondichéry"
)

func TestBrowserEvaluationToDecision(t *testing.T) {
	t.Parallel()
	browserEvaluationToDecision(newSession(t, ""))
}

func TestBrowserEvaluationPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: evaluation browser test on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	browserEvaluationToDecision(newSession(t, postgresSchema(t, pgURL)))
}

// evalApp is one application of the call as the API lists it.
type evalApp struct {
	ID    int64
	Title string
}

// springCall finds the demo's additional Franco-Indian session and its
// submitted applications.
func springCall(officer *apiClient) (int64, []evalApp) {
	officer.t.Helper()
	var calls struct {
		Items []struct {
			ID        int64  `json:"id"`
			Reference string `json:"reference"`
		} `json:"items"`
	}
	officer.call("GET", "/api/v1/calls?"+url.Values{"q": {springCallRef}, "per_page": {"100"}}.Encode(), nil, http.StatusOK, &calls)
	var id int64
	for _, c := range calls.Items {
		if c.Reference == springCallRef {
			id = c.ID
		}
	}
	if id == 0 {
		officer.t.Fatalf("no call %s among %+v", springCallRef, calls.Items)
	}
	var list struct {
		Items []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"items"`
	}
	officer.call("GET", fmt.Sprintf("/api/v1/calls/%d/applications?per_page=100", id), nil, http.StatusOK, &list)
	var apps []evalApp
	for _, a := range list.Items {
		apps = append(apps, evalApp{ID: a.ID, Title: a.Title})
	}
	if len(apps) != 3 {
		officer.t.Fatalf("call %s: %d applications; want the demo's 3", springCallRef, len(apps))
	}
	return id, apps
}

// evaluatorIDs returns the user IDs of the demo evaluators, by email.
func evaluatorIDs(officer *apiClient) map[string]int64 {
	officer.t.Helper()
	var page struct {
		Items []struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
		} `json:"items"`
	}
	officer.call("GET", "/api/v1/evaluators?per_page=100", nil, http.StatusOK, &page)
	ids := map[string]int64{}
	for _, e := range page.Items {
		ids[e.Email] = e.ID
	}
	for _, email := range []string{evalMinistry1, evalMinistry2, evalIndia1, evalIndia2} {
		if ids[email] == 0 {
			officer.t.Fatalf("evaluator %s not listed by /api/v1/evaluators: %+v", email, page.Items)
		}
	}
	return ids
}

func browserEvaluationToDecision(b *browser) {
	t := b.t
	officer := newAPIClient(t, b.base, demoOfficer)
	callID, apps := springCall(officer)
	evaluators := evaluatorIDs(officer)
	base := fmt.Sprintf("/appels/%d", callID)

	// 1. The officer sets up the grid, in French and English, and the two
	// parties' pools.
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	b.open(base+"/evaluation", http.StatusOK)
	b.checkA11y("evaluation set-up")
	for i, c := range []struct{ code, fr, en, weight, threshold string }{
		{"pertinence", "Pertinence pour le territoire indien", "Relevance to the Indian territory", "2", "2"},
		{"partenariat", "Qualité du partenariat", "Quality of the partnership", "1", ""},
	} {
		f := func(name string) string { return byID(fmt.Sprintf("criteria.%d.%s", i, name)) }
		b.fill(f("code"), c.code)
		b.fill(f("texts.fr.title"), c.fr)
		b.fill(f("texts.en.title"), c.en)
		b.fill(f("weight"), c.weight)
		if c.threshold != "" {
			b.fill(f("threshold"), c.threshold)
		}
	}
	b.fill("#threshold", "2,5")
	// The pools: the ministry's (first) and India's (second), chosen with
	// the evaluator search of the form.
	b.fill("#q", "demo.coopdec.test")
	b.submit(`button[name=action][value=search]`)
	for pool, emails := range [][]string{{evalMinistry1, evalMinistry2}, {evalIndia1, evalIndia2}} {
		for _, email := range emails {
			b.do("adding "+email, chromedp.Click(chromedp.CSS(
				fmt.Sprintf(`input[name="pools.%d.evaluator_ids"][value="%d"]`, pool, evaluators[email]))))
		}
	}
	if status := b.submit(`button[name=action][value=save]`); status != http.StatusOK {
		b.fatalf("saving the set-up: status %d", status)
	}
	if got := b.plainText("main"); !strings.Contains(got, "Meera Iyer") || !strings.Contains(got, "Bernard Lemoine") {
		b.fatalf("the set-up saved does not show the pools:\n%s", got)
	}

	// 2. Admissibility: every automatic result confirmed at once.
	b.open(base+"/evaluation/recevabilite", http.StatusOK)
	b.checkA11y("admissibility")
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, base+"/evaluation/recevabilite"))

	// 3. The automatic assignment: one evaluator of each party per
	// application, never the former agent of Nantes on Nantes' application.
	b.open(base+"/evaluation/affectations", http.StatusOK)
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, base+"/evaluation/affectations"))
	b.checkA11y("assignments")
	var assigned struct {
		Items []struct {
			ID            int64  `json:"id"`
			ApplicationID int64  `json:"application_id"`
			EvaluatorID   int64  `json:"evaluator_id"`
			Party         int64  `json:"party"`
			State         string `json:"state"`
		} `json:"items"`
	}
	officer.call("GET", fmt.Sprintf("/api/v1/calls/%d/assignments", callID), nil, http.StatusOK, &assigned)
	if len(assigned.Items) != 2*len(apps) {
		b.fatalf("%d assignments; want %d", len(assigned.Items), 2*len(apps))
	}
	nantes := appTitled(b, apps, "Ahmedabad")
	for _, a := range assigned.Items {
		if a.ApplicationID == nantes.ID && a.EvaluatorID == evaluators[evalMinistry1] {
			b.fatalf("the evaluator who worked for Nantes was assigned Nantes' application")
		}
	}
	b.logout()

	// 4. The evaluations. Each application gets the same scores from its
	// two evaluators, so that none diverges: Strasbourg first, then Nantes,
	// then Grenoble.
	scores := map[int64][2]float64{}
	for _, a := range apps {
		switch {
		case strings.Contains(a.Title, "Pondichéry"):
			scores[a.ID] = [2]float64{4.5, 4}
		case strings.Contains(a.Title, "Ahmedabad"):
			scores[a.ID] = [2]float64{4, 3.5}
		default:
			scores[a.ID] = [2]float64{3.5, 3}
		}
	}
	emailOf := map[int64]string{}
	for email, id := range evaluators {
		emailOf[id] = email
	}
	// Meera Iyer scores her first application in the browser, after the
	// other evaluator of that application has submitted through the API:
	// she must not see the other's scores before submitting hers.
	var mine, other int64
	var mineApp int64
	for _, a := range assigned.Items {
		if a.EvaluatorID == evaluators[evalIndia1] && mine == 0 {
			mine, mineApp = a.ID, a.ApplicationID
		}
	}
	for _, a := range assigned.Items {
		if a.ApplicationID == mineApp && a.ID != mine {
			other = a.ID
		}
	}
	if mine == 0 || other == 0 {
		b.fatalf("no assignment of %s with a second evaluator: %+v", evalIndia1, assigned.Items)
	}
	const otherComment = "Analyse des besoins convaincante, partenaires indiens très engagés."
	for _, a := range assigned.Items {
		if a.ID == mine {
			continue
		}
		ev := newAPIClient(t, b.base, emailOf[a.EvaluatorID])
		ev.call("POST", fmt.Sprintf("/api/v1/assignments/%d/no-conflict", a.ID), nil, http.StatusOK, nil)
		sc := scores[a.ApplicationID]
		ev.call("POST", fmt.Sprintf("/api/v1/assignments/%d/evaluation/submission", a.ID), map[string]any{
			"scores": []map[string]any{
				{"criterion": "pertinence", "score": sc[0], "comment": otherComment},
				{"criterion": "partenariat", "score": sc[1], "comment": "Rôles clairement répartis."},
			},
			"comment": "Projet solide et bien préparé.",
		}, http.StatusOK, nil)
	}

	b.login(evalIndia1, coopdec.DemoPassword, "/compte")
	b.open("/evaluateur", http.StatusOK)
	b.checkA11y("my evaluations")
	casePath := fmt.Sprintf("/evaluateur/affectations/%d", mine)
	b.open(casePath, http.StatusOK)
	b.checkA11y("assignment before confirming")
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, casePath+"/absence-de-conflit"))
	if strings.Contains(b.plainText("main"), otherComment) {
		b.fatalf("the other evaluator's comments show before %s submitted", evalIndia1)
	}
	b.checkA11y("scoring form")
	sc := scores[mineApp]
	b.setValue(byID("scores.pertinence.score"), fmt.Sprint(sc[0]))
	b.setValue(byID("scores.partenariat.score"), fmt.Sprint(sc[1]))
	b.fill(byID("scores.pertinence.comment"), "Le projet répond à une demande exprimée par la municipalité.")
	b.fill(byID("scores.partenariat.comment"), "Un partenariat ancien et actif.")
	b.fill("#comment", "Je recommande le financement.")
	b.check("#confirm")
	b.submit(fmt.Sprintf(`button[formaction=%q]`, casePath+"/soumission"))
	if got := b.plainText("main"); !strings.Contains(got, otherComment) {
		b.fatalf("after submitting, %s does not see the other evaluation:\n%s", evalIndia1, got)
	}
	b.logout()

	// 5. The consensus: the officer writes Strasbourg's in the browser, the
	// others through the API.
	strasbourg := appTitled(b, apps, "Pondichéry")
	b.login(demoOfficer, coopdec.DemoPassword, "/compte")
	consensusPath := fmt.Sprintf("/candidatures/%d/consensus", strasbourg.ID)
	b.open(consensusPath, http.StatusOK)
	b.checkA11y("consensus")
	b.fill(byID("scores.pertinence.score"), "4,5")
	b.fill(byID("scores.pertinence.comment"), "Un besoin réel, bien documenté par la municipalité de Pondichéry.")
	b.fill(byID("scores.partenariat.score"), "4")
	b.fill(byID("scores.partenariat.comment"), "Un partenariat ancien, des rôles clairs.")
	b.fill("#comment", "Un projet exemplaire de coopération patrimoniale.")
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, consensusPath))
	for _, a := range apps {
		if a.ID == strasbourg.ID {
			continue
		}
		sc := scores[a.ID]
		officer.call("PUT", fmt.Sprintf("/api/v1/applications/%d/consensus", a.ID), map[string]any{
			"scores": []map[string]any{
				{"criterion": "pertinence", "score": sc[0], "comment": "Besoin avéré."},
				{"criterion": "partenariat", "score": sc[1], "comment": "Partenariat solide."},
			},
			"comment":  "Évaluation consolidée par le comité.",
			"language": "fr",
		}, http.StatusOK, nil)
	}

	// 6. The committee: a session with its minutes, the ranking and the
	// funding line, and the list sent to the parties.
	b.open(base+"/comite", http.StatusOK)
	b.checkA11y("committee")
	b.setValue("#held_at", "2026-11-20T10:00")
	b.fill("#participants", "Délégation pour l'action extérieure des collectivités territoriales\nMinistry of Housing and Urban Affairs")
	b.fill("#minutes", "Le comité examine les trois dossiers et retient le classement proposé.")
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, base+"/comite/seances"))
	b.open(base+"/comite", http.StatusOK)
	line := b.plainText("main")
	if i, j := strings.Index(line, "Pondichéry"), strings.Index(line, "Ahmedabad"); i < 0 || j < 0 || i > j {
		b.fatalf("the ranking does not put Strasbourg–Puducherry before Nantes–Ahmedabad:\n%s", line)
	}
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, base+"/comite/decision"))
	decisionPath := b.path()
	if !strings.HasPrefix(decisionPath, "/decisions/") {
		b.fatalf("after sending the list, at %s; want its decision page", decisionPath)
	}
	b.checkA11y("decision pending")

	// 7. The ministry approves; the list waits for India.
	b.do("approving", chromedp.Click(chromedp.CSS(`input[name=answer][value=approve]`)))
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, decisionPath+"/approbation"))
	b.logout()

	// 8. The Indian co-manager approves in the browser: the decision is final.
	b.login(demoIndia, coopdec.DemoPassword, "/compte")
	b.open(decisionPath, http.StatusOK)
	b.checkA11y("decision for the Indian co-manager")
	b.do("approving", chromedp.Click(chromedp.CSS(`input[name=answer][value=approve]`)))
	b.fill("#comment", "Approved on behalf of the Ministry of Housing and Urban Affairs.")
	b.submit(fmt.Sprintf(`form[action=%q] button[type=submit]`, decisionPath+"/approbation"))
	if got := b.plainText("main"); !strings.Contains(got, "Approved on behalf") {
		b.fatalf("the Indian approval is not shown on the decision:\n%s", got)
	}
	var decision struct {
		Status string `json:"status"`
	}
	officer.call("GET", "/api/v1"+decisionPath, nil, http.StatusOK, &decision)
	if decision.Status != "final" {
		b.fatalf("decision %s: status %q after both approvals; want final", decisionPath, decision.Status)
	}
	// The envelopes show what the decision committed.
	b.open(base+"/enveloppes", http.StatusOK)
	b.checkA11y("envelopes")
	b.logout()

	// 9. The public call page lists the selected projects.
	b.open(base, http.StatusOK)
	if got := b.plainText("main"); !strings.Contains(got, strasbourgTitle) {
		b.fatalf("the public call page does not list the selected project %q:\n%s", strasbourgTitle, got)
	}
}

// appTitled finds the application whose title holds part.
func appTitled(b *browser, apps []evalApp, part string) evalApp {
	b.t.Helper()
	for _, a := range apps {
		if strings.Contains(a.Title, part) {
			return a
		}
	}
	b.fatalf("no application titled with %q among %+v", part, apps)
	return evalApp{}
}
