package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// decided evaluates both applications of the fixture, records their
// consensus (Lyon's above every threshold, Marseille's below the
// relevance threshold) and stores a decision granting Lyon 40 000 € and
// rejecting Marseille.
func (f *evalFixture) decided() *coopdec.Decision {
	t := f.e.t
	t.Helper()
	ctx := context.Background()
	for _, a := range f.assign() {
		if a.ApplicationID == f.lyonApp.ID {
			f.evaluate(a, 8, 6)
		} else {
			f.evaluate(a, 2, 6)
		}
	}
	for app, rel := range map[int64]coopdec.Score{f.lyonApp.ID: 8, f.marApp.ID: 3} {
		c := &coopdec.Consensus{ApplicationID: app, Comment: "Synthèse du comité d'évaluation.", Language: "fr",
			Scores: []coopdec.CriterionScore{{Criterion: "relevance", Score: rel, Comment: "Analyse des besoins du territoire."},
				{Criterion: "partnership", Score: 6, Comment: "Partenariat équilibré avec Rosario."}}}
		if err := f.e.db.RecordConsensus(ctx, f.account(f.officer), c, coopdec.Actor{UserID: f.officer.ID}); err != nil {
			t.Fatalf("RecordConsensus: %v", err)
		}
	}
	return f.decision(coopdec.DecisionEntry{ApplicationID: f.lyonApp.ID, Rank: 1, List: coopdec.ListMain, GrantedCents: 4_000_000,
		Shares: coopdec.SplitGrant(4_000_000, f.call.Funders)},
		coopdec.DecisionEntry{ApplicationID: f.marApp.ID, Rank: 2, List: coopdec.ListRejected})
}

func (f *evalFixture) decision(entries ...coopdec.DecisionEntry) *coopdec.Decision {
	f.e.t.Helper()
	d := &coopdec.Decision{CallID: f.call.ID, Entries: entries}
	if err := f.e.db.CreateDecision(context.Background(), d, coopdec.Actor{UserID: f.officer.ID}); err != nil {
		f.e.t.Fatalf("CreateDecision: %v", err)
	}
	return d
}

func decisionPath(d *coopdec.Decision, rest string) string {
	return fmt.Sprintf("/decisions/%d%s", d.ID, rest)
}

func TestDecisionApprovedNotifiesAndPublishes(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	ctx := context.Background()
	if err := e.db.SetLanguage(ctx, f.marseilleUser.ID, "es", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	e.startJobs()
	d := f.decided()
	api := e.apiContract()
	officerTok, argTok, indiaTok := e.token(f.officer), e.token(f.argentinaUser), e.token(f.indiaUser)

	// The Indian co-manager runs another call: neither page nor API.
	india := e.client().login(f.indiaUser.Email)
	for _, p := range []string{decisionPath(d, ""), fmt.Sprintf("/appels/%d/decisions", f.call.ID), fmt.Sprintf("/appels/%d/enveloppes", f.call.ID)} {
		if res := india.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s by India's co-manager: got %d; want 404", p, res.StatusCode)
		}
	}
	if res := india.post(decisionPath(d, "/approbation"), url.Values{"answer": {"approve"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("approval by India's co-manager: got %d; want 404", res.StatusCode)
	}
	api.call("GET", "/api/v1"+decisionPath(d, ""), indiaTok, nil, http.StatusNotFound)
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), indiaTok, map[string]any{"approved": true}, http.StatusNotFound)
	api.anonymous("GET", "/api/v1"+decisionPath(d, ""), nil)
	// Argentina's co-manager does not act for the ministry.
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), argTok, map[string]any{"approved": true, "party": 0}, http.StatusForbidden)

	// The ministry approves through the page; a second answer is refused.
	officer := e.client().login(f.officer.Email)
	page := body(t, officer.get(decisionPath(d, "")))
	for _, want := range []string{"Lyon à vélo avec Rosario", "Liste principale", "Non retenu", "J’approuve cette liste", `name="party" value="0"`, `class="call-nav"`} {
		if !strings.Contains(page, want) {
			t.Errorf("decision page lacks %q", want)
		}
	}
	res := officer.post(decisionPath(d, "/approbation"), url.Values{"answer": {"approve"}, "party": {"0"}, "version": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval by the ministry: got %d; want 303: %s", res.StatusCode, body(t, res))
	}
	res = officer.post(decisionPath(d, "/approbation"), url.Values{"answer": {"approve"}, "party": {"0"}, "version": {"1"}})
	if got := body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(got, "déjà répondu") {
		t.Errorf("second answer of the ministry: got %d; want 409 saying it already answered", res.StatusCode)
	}
	if bs, _ := e.db.CallBalances(ctx, f.call.ID); bs[0].CommittedCents != 0 {
		t.Fatalf("committed before the last approval: %+v", bs)
	}

	// Argentina approves through the API: the decision is final.
	var doc struct {
		Status      string  `json:"status"`
		PublishedAt *string `json:"published_at"`
		Parties     []struct {
			Answer *struct{ User string } `json:"answer"`
		} `json:"parties"`
	}
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), argTok, map[string]any{"approved": true, "comment": "De acuerdo."}, http.StatusCreated).decode(&doc)
	if doc.Status != "final" || doc.PublishedAt == nil || len(doc.Parties) != 2 || doc.Parties[1].Answer == nil {
		t.Fatalf("after Argentina's approval: got %+v; want final, published, both answers", doc)
	}
	bs, err := e.db.CallBalances(ctx, f.call.ID)
	if err != nil || bs[0].CommittedCents != 2_400_000 || bs[1].CommittedCents != 1_600_000 {
		t.Fatalf("balances: got %+v, %v; want 24 000 € and 16 000 € committed", bs, err)
	}

	// Each applicant is told, in their language, with the summary.
	m := e.waitMail(f.lyonUser.Email, "Projet retenu")
	for _, want := range []string{coopdec.FormatEuroCents("fr", 40_000_00), "Pertinence : 4 / 5", "Analyse des besoins du territoire.", "Moyenne pondérée"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("Lyon's email lacks %q:\n%s", want, m.Text)
		}
	}
	m = e.waitMail(f.marseilleUser.Email, "Proyecto no seleccionado")
	for _, want := range []string{"Pertinencia: 1,5 / 5", "umbral", "revisión", "30 días"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("Marseille's email lacks %q:\n%s", want, m.Text)
		}
	}

	// The public call page and the API list the selected project.
	anon := e.client()
	pub := body(t, anon.get(fmt.Sprintf("/appels/%d", f.call.ID)))
	for _, want := range []string{"Projets retenus", "Lyon à vélo avec Rosario", "Municipalidad de Rosario", coopdec.FormatEuroCents("fr", 40_000_00)} {
		if !strings.Contains(pub, want) {
			t.Errorf("public call page lacks %q", want)
		}
	}
	if strings.Contains(pub, "Marseille et Rosario") {
		t.Error("public call page lists the rejected project")
	}
	var sel struct {
		Items []struct {
			ApplicationID int64 `json:"application_id"`
			Lead          string
			GrantedCents  int64 `json:"granted_cents"`
			Partners      []struct{ Name, Country string }
		}
	}
	api.call("GET", fmt.Sprintf("/api/v1/calls/%d/selected-projects", f.call.ID), "", nil, http.StatusOK).decode(&sel)
	if len(sel.Items) != 1 || sel.Items[0].ApplicationID != f.lyonApp.ID || sel.Items[0].GrantedCents != 4_000_000 ||
		sel.Items[0].Lead != "Lyon" || len(sel.Items[0].Partners) != 1 || sel.Items[0].Partners[0].Country != "AR" {
		t.Errorf("selected projects: got %+v; want Lyon's project", sel)
	}

	// The lists of decisions.
	var list struct{ Items []struct{ Status string } }
	api.call("GET", fmt.Sprintf("/api/v1/calls/%d/decisions", f.call.ID), officerTok, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 || list.Items[0].Status != "final" {
		t.Errorf("call's decisions: got %+v; want the final one", list)
	}
	api.call("GET", fmt.Sprintf("/api/v1/calls/%d/decisions", f.call.ID), indiaTok, nil, http.StatusNotFound)
	if got := body(t, officer.get(fmt.Sprintf("/appels/%d/decisions", f.call.ID))); !strings.Contains(got, "Définitive") {
		t.Error("the list of decisions does not show the final one")
	}

	// The applicant sees the result and the summary on the application page.
	lyon := e.client().login(f.lyonUser.Email)
	got := body(t, lyon.get(fmt.Sprintf("/candidatures/%d", f.lyonApp.ID)))
	for _, want := range []string{"Projet retenu", "Synthèse de l’évaluation", "Pertinence", "Partenariat équilibré avec Rosario."} {
		if !strings.Contains(got, want) {
			t.Errorf("Lyon's application page lacks %q", want)
		}
	}
	mar := e.client().login(f.marseilleUser.Email)
	got = body(t, mar.get(fmt.Sprintf("/candidatures/%d", f.marApp.ID)))
	if !strings.Contains(got, "/recours") || !strings.Contains(got, "review_reason") {
		t.Errorf("Marseille's application page lacks the review form")
	}
}

func TestDecisionRejectionSendsItBack(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	d := f.decided()
	arg := e.client().login(f.argentinaUser.Email)
	res := arg.post(decisionPath(d, "/approbation"), url.Values{"answer": {"reject"}, "comment": {"  "}})
	if got := body(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, `href="#comment"`) {
		t.Fatalf("rejection without a comment: got %d; want 422 with the error linked to the comment", res.StatusCode)
	}
	res = arg.post(decisionPath(d, "/approbation"), url.Values{"answer": {"reject"}, "comment": {"Le montant pour Lyon est trop élevé."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rejection: got %d; want 303", res.StatusCode)
	}
	_, status, err := e.db.Decision(context.Background(), d.ID)
	if err != nil || status != coopdec.DecisionRejected {
		t.Fatalf("after the rejection: got %s, %v; want rejected", status, err)
	}
	got := body(t, arg.get(decisionPath(d, "")))
	for _, want := range []string{"renvoyée au comité", "Le montant pour Lyon est trop élevé.", "/comite"} {
		if !strings.Contains(got, want) {
			t.Errorf("decision page after the rejection lacks %q", want)
		}
	}
	if strings.Contains(got, "J’approuve cette liste") {
		t.Error("a rejected decision still offers the answer form")
	}
	// The ministry can no longer answer this version.
	api := e.apiContract()
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), e.token(f.officer), map[string]any{"approved": true}, http.StatusConflict)
}

func TestDecisionEnvelopesNeverOverCommittedOverHTTP(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	ctx := context.Background()
	// Each decision grants 300 000 €, 180 000 € of it from the ministry's
	// 300 000 € envelope: only one of them can be paid.
	grant := int64(30_000_000)
	var ds []*coopdec.Decision
	for range 2 {
		ds = append(ds, f.decision(coopdec.DecisionEntry{ApplicationID: f.lyonApp.ID, Rank: 1, List: coopdec.ListMain,
			GrantedCents: grant, Shares: coopdec.SplitGrant(grant, f.call.Funders)}))
	}
	officer := e.client().login(f.officer.Email)
	for _, d := range ds {
		if res := officer.post(decisionPath(d, "/approbation"), url.Values{"answer": {"approve"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("ministry approval: got %d", res.StatusCode)
		}
	}
	tok := e.token(f.argentinaUser)
	statuses := make([]int, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := e.api("POST", "/api/v1"+decisionPath(d, "/approvals"), tok, map[string]any{"approved": true})
			statuses[i] = res.StatusCode
			res.Body.Close()
		}()
	}
	wg.Wait()
	created, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflict++
		}
	}
	if created != 1 || conflict != 1 {
		t.Fatalf("concurrent final approvals: got statuses %v; want one 201 and one 409", statuses)
	}
	bs, err := e.db.CallBalances(ctx, f.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.RemainingCents < 0 || b.CommittedCents > b.AmountCents {
			t.Errorf("envelope over-committed: %+v", b)
		}
	}
	if bs[0].CommittedCents != 18_000_000 {
		t.Errorf("ministry committed: got %d; want 18 000 000 (one decision)", bs[0].CommittedCents)
	}

	// The dashboards show the figures and the chart.
	got := body(t, officer.get(fmt.Sprintf("/appels/%d/enveloppes", f.call.ID)))
	for _, want := range []string{`role="img"`, "<title", coopdec.FormatEuroCents("fr", 300_000_00), coopdec.FormatEuroCents("fr", 180_000_00), coopdec.FormatEuroCents("fr", 120_000_00), "<caption>", "Engagement", `class="call-nav"`} {
		if !strings.Contains(got, want) {
			t.Errorf("call envelopes page lacks %q", want)
		}
	}
	api := e.apiContract()
	var env struct {
		Envelopes []struct {
			CommittedCents int64 `json:"committed_cents"`
			RemainingCents int64 `json:"remaining_cents"`
		}
		Ledger struct{ Total int }
	}
	api.call("GET", fmt.Sprintf("/api/v1/calls/%d/envelopes", f.call.ID), e.token(f.officer), nil, http.StatusOK).decode(&env)
	if len(env.Envelopes) != 2 || env.Envelopes[0].CommittedCents != 18_000_000 || env.Envelopes[0].RemainingCents != 12_000_000 || env.Ledger.Total != 2 {
		t.Errorf("call envelopes: got %+v", env)
	}
	api.invalid("GET", fmt.Sprintf("/api/v1/calls/%d/envelopes?per_page=500", f.call.ID), e.token(f.officer), nil, http.StatusUnprocessableEntity)
	api.call("GET", fmt.Sprintf("/api/v1/calls/%d/envelopes", f.call.ID), e.token(f.indiaUser), nil, http.StatusNotFound)

	// Argentina's members see its envelopes across calls; India's do not.
	arg := e.client().login(f.argentinaUser.Email)
	got = body(t, arg.get(fmt.Sprintf("/financeurs/%d/enveloppes", f.argentina.ID)))
	for _, want := range []string{"AAP-FR-AR-01", coopdec.FormatEuroCents("fr", 80_000_00), `role="img"`} {
		if !strings.Contains(got, want) {
			t.Errorf("funder envelopes page lacks %q", want)
		}
	}
	if res := e.client().login(f.indiaUser.Email).get(fmt.Sprintf("/financeurs/%d/enveloppes", f.argentina.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("Argentina's envelopes seen by India: got %d; want 404", res.StatusCode)
	}
	var page struct {
		Items []struct {
			RemainingCents int64 `json:"remaining_cents"`
		}
	}
	api.call("GET", fmt.Sprintf("/api/v1/funders/%d/envelopes", f.argentina.ID), e.token(f.argentinaUser), nil, http.StatusOK).decode(&page)
	if len(page.Items) != 1 || page.Items[0].RemainingCents != 8_000_000 {
		t.Errorf("Argentina's envelopes: got %+v; want 80 000 € remaining", page)
	}
	api.call("GET", fmt.Sprintf("/api/v1/funders/%d/envelopes", f.argentina.ID), e.token(f.indiaUser), nil, http.StatusNotFound)
}

func TestDecisionReviewRequest(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	for _, u := range []*coopdec.User{f.marseilleUser, f.argentinaUser} {
		if err := e.db.SetLanguage(context.Background(), u.ID, "es", coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	e.startJobs()
	d := f.decided()
	api := e.apiContract()
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), e.token(f.officer), map[string]any{"approved": true}, http.StatusCreated)
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), e.token(f.argentinaUser), map[string]any{"approved": true}, http.StatusCreated)

	// Lyon was selected: no review; Marseille's grounds are required.
	api.call("POST", fmt.Sprintf("/api/v1/applications/%d/review-requests", f.lyonApp.ID), e.token(f.lyonUser),
		map[string]any{"reason": "Pourquoi ?"}, http.StatusConflict)
	mar := e.client().login(f.marseilleUser.Email)
	res := mar.post(fmt.Sprintf("/candidatures/%d/recours", f.marApp.ID), url.Values{"review_reason": {" "}})
	if got := body(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, `href="#review_reason"`) {
		t.Fatalf("review without grounds: got %d; want 422 linked to the field", res.StatusCode)
	}
	res = mar.post(fmt.Sprintf("/candidatures/%d/recours", f.marApp.ID), url.Values{"review_reason": {"Nuestro diagnóstico no fue leído."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("review request: got %d; want 303", res.StatusCode)
	}
	api.call("POST", fmt.Sprintf("/api/v1/applications/%d/review-requests", f.marApp.ID), e.token(f.marseilleUser),
		map[string]any{"reason": "Otra vez."}, http.StatusConflict)

	// The call's officers and co-managers are told, each in their language,
	// with the link to the call's review requests; nobody else is.
	link := fmt.Sprintf("/appels/%d/recours", f.call.ID)
	m := e.waitMail(f.officer.Email, "Demande de réexamen")
	for _, want := range []string{f.marApp.ReceiptNumber, "Nuestro diagnóstico no fue leído.", link, "Appel franco-argentin"} {
		if !strings.Contains(m.Subject+m.Text, want) {
			t.Errorf("officer's email: missing %q\n%s", want, m.Text)
		}
	}
	m = e.waitMail(f.argentinaUser.Email, "Solicitud de revisión")
	if !strings.Contains(m.Text, link) || !strings.Contains(m.Text, "Convocatoria franco-argentina") {
		t.Errorf("co-manager's email in Spanish: got\n%s", m.Text)
	}
	for _, x := range e.mail.Messages() {
		if (strings.Contains(x.Subject, "réexamen") || strings.Contains(x.Subject, "revisión")) && x.To != f.officer.Email && x.To != f.argentinaUser.Email {
			t.Errorf("review request told %s; want the call's managers only", x.To)
		}
	}

	// India's co-manager sees nothing; the officer answers.
	if res := e.client().login(f.indiaUser.Email).get(fmt.Sprintf("/appels/%d/recours", f.call.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("review list by India: got %d; want 404", res.StatusCode)
	}
	var reviews struct {
		Items []struct{ ID int64 }
		Total int
	}
	api.call("GET", fmt.Sprintf("/api/v1/calls/%d/review-requests?pending=true", f.call.ID), e.token(f.officer), nil, http.StatusOK).decode(&reviews)
	if reviews.Total != 1 {
		t.Fatalf("pending reviews: got %+v; want one", reviews)
	}
	officer := e.client().login(f.officer.Email)
	if got := body(t, officer.get(fmt.Sprintf("/appels/%d/recours", f.call.ID))); !strings.Contains(got, "Nuestro diagnóstico no fue leído.") {
		t.Error("the officer's list lacks the request")
	}
	res = officer.post(fmt.Sprintf("/recours/%d/issue", reviews.Items[0].ID), url.Values{"outcome": {"upheld"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("outcome without comment: got %d; want 422", res.StatusCode)
	}
	api.call("PUT", fmt.Sprintf("/api/v1/review-requests/%d/outcome", reviews.Items[0].ID), e.token(f.indiaUser),
		map[string]any{"outcome": "upheld", "comment": "No."}, http.StatusNotFound)
	res = officer.post(fmt.Sprintf("/recours/%d/issue", reviews.Items[0].ID), url.Values{"outcome": {"upheld"},
		"outcome_comment": {"Le diagnostic a été relu ; la note est maintenue."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("outcome: got %d; want 303", res.StatusCode)
	}
	api.call("PUT", fmt.Sprintf("/api/v1/review-requests/%d/outcome", reviews.Items[0].ID), e.token(f.officer),
		map[string]any{"outcome": "revised", "comment": "Finalement."}, http.StatusConflict)
	e.waitMail(f.marseilleUser.Email, "decisión mantenida")
	n := 0
	for _, x := range e.mail.Messages() {
		if x.To == f.officer.Email && strings.Contains(x.Subject, "Demande de réexamen") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("officer: got %d review request emails; want 1 (refused requests send none)", n)
	}
}

func TestDecisionReviewTooLate(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	d := f.decided()
	api := e.apiContract()
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), e.token(f.officer), map[string]any{"approved": true}, http.StatusCreated)
	api.call("POST", "/api/v1"+decisionPath(d, "/approvals"), e.token(f.argentinaUser), map[string]any{"approved": true}, http.StatusCreated)
	f.clock.set(41*24*time.Hour + coopdec.ReviewWindow + time.Hour)
	mar := e.client().login(f.marseilleUser.Email)
	page := body(t, mar.get(fmt.Sprintf("/candidatures/%d", f.marApp.ID)))
	if strings.Contains(page, `name="review_reason"`) || !strings.Contains(page, "a expiré") {
		t.Error("after 30 days the page still offers the review form, or does not say the window closed")
	}
	res := mar.post(fmt.Sprintf("/candidatures/%d/recours", f.marApp.ID), url.Values{"review_reason": {"Trop tard ?"}})
	if got := body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(got, "Le délai pour demander un réexamen a expiré") {
		t.Errorf("late review request: got %d; want 409 saying the window closed", res.StatusCode)
	}
	p := api.call("POST", fmt.Sprintf("/api/v1/applications/%d/review-requests", f.marApp.ID), e.token(f.marseilleUser),
		map[string]any{"reason": "Trop tard ?"}, http.StatusConflict).problem()
	if !strings.Contains(p.Detail, "expiré") {
		t.Errorf("late review request through the API: got %q; want the deadline explained", p.Detail)
	}
}

// TestDecisionAPIContract drives every documented answer of the decisions'
// API, checked against the document.
func TestDecisionAPIContract(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	d := f.decided()
	c := e.apiContract()
	officer, arg, india, lyon, mar := e.token(f.officer), e.token(f.argentinaUser), e.token(f.indiaUser), e.token(f.lyonUser), e.token(f.marseilleUser)
	dp := "/api/v1" + decisionPath(d, "")
	calls := fmt.Sprintf("/api/v1/calls/%d", f.call.ID)
	funder := fmt.Sprintf("/api/v1/funders/%d/envelopes", f.argentina.ID)
	marReviews := fmt.Sprintf("/api/v1/applications/%d/review-requests", f.marApp.ID)

	c.anonymous("GET", dp, nil)
	c.anonymous("POST", dp+"/approvals", map[string]any{"approved": true})
	c.anonymous("GET", calls+"/envelopes", nil)
	c.anonymous("GET", funder, nil)
	c.anonymous("POST", marReviews, map[string]any{"reason": "x"})
	c.anonymous("GET", calls+"/review-requests", nil)
	c.anonymous("PUT", "/api/v1/review-requests/1/outcome", map[string]any{"outcome": "upheld", "comment": "x"})

	c.call("GET", "/api/v1/decisions/999999", officer, nil, http.StatusNotFound)
	c.call("GET", calls+"/selected-projects", "", nil, http.StatusOK)
	c.call("GET", "/api/v1/calls/999999/selected-projects", "", nil, http.StatusNotFound)
	c.call("GET", calls+"/envelopes", india, nil, http.StatusNotFound)
	c.invalid("GET", calls+"/envelopes?page=0", officer, nil, http.StatusUnprocessableEntity)
	c.call("GET", calls+"/envelopes", officer, nil, http.StatusOK)
	c.call("GET", funder, india, nil, http.StatusNotFound)
	c.invalid("GET", funder+"?per_page=0", arg, nil, http.StatusUnprocessableEntity)
	c.call("GET", funder, arg, nil, http.StatusOK)

	// Each reader is told the required parties they may still answer for.
	canAnswer := func(tok string) []int64 {
		var doc struct {
			CanAnswerFor []int64 `json:"can_answer_for"`
		}
		c.call("GET", dp, tok, nil, http.StatusOK).decode(&doc)
		return doc.CanAnswerFor
	}
	if got := canAnswer(officer); !slices.Equal(got, []int64{int64(coopdec.MinistryParty)}) {
		t.Errorf("officer can answer for %v; want the ministry", got)
	}
	if got := canAnswer(arg); !slices.Equal(got, []int64{f.argentina.ID}) {
		t.Errorf("Argentina's co-manager can answer for %v; want Argentina", got)
	}

	c.call("POST", dp+"/approvals", arg, map[string]any{"approved": false, "comment": " "}, http.StatusUnprocessableEntity)
	c.call("POST", dp+"/approvals", arg, map[string]any{"approved": true, "party": 0}, http.StatusForbidden)
	c.call("POST", "/api/v1/decisions/999999/approvals", officer, map[string]any{"approved": true}, http.StatusNotFound)
	c.call("POST", dp+"/approvals", officer, map[string]any{"approved": true}, http.StatusCreated)
	c.call("POST", dp+"/approvals", officer, map[string]any{"approved": true}, http.StatusConflict)
	if got, want := canAnswer(officer), []int64{}; !slices.Equal(got, want) || got == nil {
		t.Errorf("officer after answering: can answer for %v; want %v", got, want)
	}
	if got := canAnswer(arg); !slices.Equal(got, []int64{f.argentina.ID}) {
		t.Errorf("Argentina's co-manager before answering: can answer for %v; want Argentina", got)
	}
	c.call("POST", dp+"/approvals", arg, map[string]any{"approved": true, "version": 1}, http.StatusCreated)
	if got := canAnswer(arg); len(got) != 0 {
		t.Errorf("once final: can answer for %v; want none", got)
	}
	c.anonymous("GET", calls+"/decisions", nil)
	c.call("GET", calls+"/decisions", india, nil, http.StatusNotFound)
	c.call("GET", calls+"/decisions", arg, nil, http.StatusOK)

	c.call("POST", marReviews, india, map[string]any{"reason": "x"}, http.StatusNotFound)
	c.call("POST", marReviews, officer, map[string]any{"reason": "x"}, http.StatusForbidden)
	c.call("POST", marReviews, mar, map[string]any{"reason": " "}, http.StatusUnprocessableEntity)
	c.call("POST", fmt.Sprintf("/api/v1/applications/%d/review-requests", f.lyonApp.ID), lyon, map[string]any{"reason": "x"}, http.StatusConflict)
	var rv struct{ ID int64 }
	c.call("POST", marReviews, mar, map[string]any{"reason": "Nuestro diagnóstico no fue leído."}, http.StatusCreated).decode(&rv)

	c.call("GET", calls+"/review-requests", india, nil, http.StatusNotFound)
	c.invalid("GET", calls+"/review-requests?pending=maybe", officer, nil, http.StatusUnprocessableEntity)
	c.call("GET", calls+"/review-requests?pending=true", officer, nil, http.StatusOK)
	out := fmt.Sprintf("/api/v1/review-requests/%d/outcome", rv.ID)
	c.call("PUT", out, india, map[string]any{"outcome": "upheld", "comment": "No."}, http.StatusNotFound)
	c.call("PUT", out, officer, map[string]any{"outcome": "upheld", "comment": " "}, http.StatusUnprocessableEntity)
	c.call("PUT", out, arg, map[string]any{"outcome": "upheld", "comment": "Se mantiene la decisión."}, http.StatusOK)
	c.call("PUT", out, officer, map[string]any{"outcome": "revised", "comment": "Non."}, http.StatusConflict)

	for _, prefix := range []string{"/api/v1/decisions", "/api/v1/funders", "/api/v1/review-requests", "/api/v1/calls/{id}/envelopes",
		"/api/v1/calls/{id}/selected-projects", "/api/v1/calls/{id}/review-requests", "/api/v1/applications/{id}/review-requests"} {
		apiCheckSeen(t, c, prefix)
	}
}
