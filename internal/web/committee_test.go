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

// committeeReady evaluates both applications (Lyon's scored higher than
// Marseille's by each evaluator), confirms their admissibility, and
// returns the fixture.
func (f *evalFixture) committeeReady() {
	t := f.e.t
	t.Helper()
	for _, a := range f.assign() {
		if a.ApplicationID == f.lyonApp.ID {
			f.evaluate(a, 9, 7)
		} else {
			f.evaluate(a, 8, 6)
		}
	}
	for _, app := range []*coopdec.Application{f.lyonApp, f.marApp} {
		if err := f.e.db.RecordAdmissibility(context.Background(), f.account(f.officer), &coopdec.Admissibility{ApplicationID: app.ID,
			Admissible: true, Reason: "Recevable."}, coopdec.Actor{UserID: f.officer.ID}); err != nil {
			t.Fatalf("RecordAdmissibility: %v", err)
		}
	}
}

// consensus records a consensus on app as the officer.
func (f *evalFixture) consensus(app *coopdec.Application, relevance, partnership coopdec.Score) {
	t := f.e.t
	t.Helper()
	c := &coopdec.Consensus{ApplicationID: app.ID, Comment: "Synthèse du comité.", Language: "fr", Scores: []coopdec.CriterionScore{
		{Criterion: "relevance", Score: relevance, Comment: "Pertinent."}, {Criterion: "partnership", Score: partnership, Comment: "Solide."}}}
	if err := f.e.db.RecordConsensus(context.Background(), f.account(f.officer), c, coopdec.Actor{UserID: f.officer.ID}); err != nil {
		t.Fatalf("RecordConsensus: %v", err)
	}
}

// getIn fetches a page with the browser asking for lang.
func (c *client) getIn(path, lang string) *http.Response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	req.Header.Set("Accept-Language", lang)
	return c.do(req)
}

func committeeStatus(t *testing.T, what string, res *http.Response, want int) string {
	t.Helper()
	b := body(t, res)
	if res.StatusCode != want {
		t.Fatalf("%s: got status %d; want %d\n%.3000s", what, res.StatusCode, want, b)
	}
	return b
}

func TestConsensusPageAndAPI(t *testing.T) {
	f := newEvalFixture(t)
	f.committeeReady()
	e := f.e
	path := fmt.Sprintf("/candidatures/%d/consensus", f.lyonApp.ID)

	officer := e.client().login(f.officer.Email)
	page := committeeStatus(t, "consensus page", officer.get(path), http.StatusOK)
	for _, want := range []string{"eval.paris", "Pertinence", "Qualité du partenariat", "Besoins bien analysés.", `name="score.relevance"`, "Cancillería argentina"} {
		if !strings.Contains(page, want) {
			t.Errorf("consensus page: missing %q", want)
		}
	}

	// A bad score is answered with the form and nothing is stored.
	form := url.Values{"score.relevance": {"4"}, "comment.relevance": {"Bien."}, "score.partnership": {"3,5"},
		"comment.partnership": {"Partenaires engagés."}, "comment": {"Projet solide, à soutenir."}, "language": {"es"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("score.relevance", "5,3")
	page = committeeStatus(t, "bad consensus", officer.post(path, bad), http.StatusUnprocessableEntity)
	if !strings.Contains(page, "demi-points") {
		t.Errorf("bad consensus: the page does not say what is wrong")
	}
	if _, err := e.db.Consensus(context.Background(), f.lyonApp.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("after a bad form: got %v; want no consensus", err)
	}
	res := officer.post(path, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("consensus: got status %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	got, err := e.db.Consensus(context.Background(), f.lyonApp.ID)
	if err != nil || got.Language != "es" || len(got.Scores) != 2 || got.Scores[1].Score != 7 {
		t.Fatalf("stored consensus: got %+v, %v", got, err)
	}

	// The Argentine co-manager reads it in Spanish, criteria in Spanish.
	ar := e.client().login(f.argentinaUser.Email)
	page = committeeStatus(t, "consensus page in Spanish", ar.getIn(path, "es"), http.StatusOK)
	for _, want := range []string{"Pertinencia", "Calidad de la asociación", "Registrar el consenso"} {
		if !strings.Contains(page, want) {
			t.Errorf("consensus page in Spanish: missing %q", want)
		}
	}

	c := e.apiContract()
	arToken := e.token(f.argentinaUser)
	api := fmt.Sprintf("/api/v1/applications/%d/consensus", f.marApp.ID)
	c.call("GET", api, arToken, nil, http.StatusNotFound)
	r := c.call("PUT", api, arToken, map[string]any{"comment": "Bon projet.", "language": "pt",
		"scores": []map[string]any{{"criterion": "relevance", "score": 3.5, "comment": "Correct."}}}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !contains(fields, "scores.partnership.score") {
		t.Errorf("incomplete consensus: got fields %v; want scores.partnership.score", fields)
	}
	c.invalid("PUT", api, arToken, map[string]any{"comment": "x", "scores": []map[string]any{{"criterion": "relevance", "score": 3.2, "comment": "x"}}}, http.StatusUnprocessableEntity)
	r = c.call("PUT", api, arToken, map[string]any{"comment": "Bon projet.", "language": "pt", "scores": []map[string]any{
		{"criterion": "relevance", "score": 4, "comment": "Correct."}, {"criterion": "partnership", "score": 3, "comment": "Correct."}}}, http.StatusOK)
	var doc apiConsensusDoc
	r.decode(&doc)
	if doc.Language != "pt" || doc.RecordedBy != f.argentinaUser.ID {
		t.Errorf("PUT consensus: got %+v", doc)
	}
	c.call("GET", api, e.token(f.officer), nil, http.StatusOK)

	// Denials: another call's co-manager, an evaluator, an applicant, anonymous.
	india := e.client().login(f.indiaUser.Email)
	committeeStatus(t, "India's co-manager", india.get(path), http.StatusNotFound)
	committeeStatus(t, "India's co-manager posts", india.post(path, form), http.StatusNotFound)
	c.call("PUT", api, e.token(f.indiaUser), map[string]any{"comment": "x", "scores": []map[string]any{}}, http.StatusNotFound)
	committeeStatus(t, "evaluator", e.client().login(f.evaluators[0].Email).get(path), http.StatusNotFound)
	committeeStatus(t, "applicant", e.client().login(f.lyonUser.Email).get(path), http.StatusNotFound)
	c.call("GET", fmt.Sprintf("/api/v1/applications/%d/consensus", f.lyonApp.ID), e.token(f.lyonUser), nil, http.StatusForbidden)
	c.call("GET", api, e.token(f.lyonUser), nil, http.StatusNotFound)
	c.anonymous("GET", api, nil)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCommitteeFundingLine(t *testing.T) {
	f := newEvalFixture(t)
	f.committeeReady()
	e := f.e
	ctx := context.Background()
	// Envelopes that pay one project: 40 000 € asked of each, 60/40.
	c := f.reloadCall()
	c.Funders[0].EnvelopeCents, c.Funders[1].EnvelopeCents = 3_000_000, 2_000_000
	c.Rules.MaxGrantCents = 5_000_000
	if err := e.db.UpdateCall(ctx, c, coopdec.Actor{UserID: f.officer.ID}, "Enveloppes révisées."); err != nil {
		t.Fatalf("UpdateCall: %v", err)
	}
	path := fmt.Sprintf("/appels/%d/comite", f.call.ID)
	officer := e.client().login(f.officer.Email)
	page := committeeStatus(t, "committee page", officer.get(path), http.StatusOK)
	if !strings.Contains(page, "Consensus manquant sur 2 candidature(s)") {
		t.Errorf("committee page: the missing consensus is not shown")
	}
	res := officer.post(path+"/decision", url.Values{})
	if b := body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "Le consensus manque") {
		t.Errorf("decision without consensus: got %d; want 409 saying the consensus is missing", res.StatusCode)
	}

	// Marseille's consensus is below the relevance threshold at first.
	f.consensus(f.lyonApp, 8, 6)
	f.consensus(f.marApp, 3, 10)
	cm := e.apiContract()
	token := e.token(f.officer)
	var line apiFundingLineDoc
	cm.call("GET", fmt.Sprintf("/api/v1/calls/%d/funding-line", f.call.ID), token, nil, http.StatusOK).decode(&line)
	if len(line.Entries) != 2 || line.Entries[0].ApplicationID != f.lyonApp.ID || line.Entries[1].List != "rejected" ||
		!strings.Contains(line.Entries[1].Reason, "Pertinence") {
		t.Fatalf("below the criterion threshold: got %+v", line.Entries)
	}

	// Equal totals (8×2+6 = 7×2+8): the tie-break puts the higher relevance first.
	f.consensus(f.marApp, 7, 8)
	f.consensus(f.lyonApp, 8, 6)
	cm.call("GET", fmt.Sprintf("/api/v1/calls/%d/funding-line", f.call.ID), token, nil, http.StatusOK).decode(&line)
	if line.Entries[0].ApplicationID != f.lyonApp.ID || line.Entries[0].List != "main" || line.Entries[1].List != "reserve" {
		t.Fatalf("tie-break and envelopes: got %+v", line.Entries)
	}
	if line.Funders[0].RemainingAfterCents != 600_000 || line.Funders[1].RemainingAfterCents != 400_000 || !line.CanSend {
		t.Errorf("envelopes after the main list: got %+v; want 6 000 € and 4 000 € left", line.Funders)
	}
	page = committeeStatus(t, "committee page", officer.get(path), http.StatusOK)
	for _, want := range []string{"Liste complémentaire", "Cancillería argentina", "Envoyer la décision"} {
		if !strings.Contains(page, want) {
			t.Errorf("committee page: missing %q", want)
		}
	}

	// Adjustments: a justification, no more than requested nor the envelope.
	adj := path + "/ajustements"
	id := fmt.Sprint(f.marApp.ID)
	page = committeeStatus(t, "adjustment without justification", officer.post(adj, url.Values{"application_id": {id}, "granted": {"9 000"}}), http.StatusUnprocessableEntity)
	if !strings.Contains(page, `href="#justification"`) {
		t.Errorf("adjustment without justification: no error linked to the field")
	}
	committeeStatus(t, "adjustment above the request", officer.post(adj, url.Values{"application_id": {id}, "granted": {"50 000"},
		"justification": {"Plus."}}), http.StatusUnprocessableEntity)
	r := cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/adjustments", f.call.ID), token,
		map[string]any{"application_id": f.marApp.ID, "granted_cents": 1_500_000, "justification": "Réduit."}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !contains(fields, "granted_cents") {
		t.Errorf("adjustment above the envelope: got fields %v", fields)
	}
	res = officer.post(adj, url.Values{"application_id": {id}, "granted": {"10 000"}, "justification": {"Le volet travaux est reporté."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adjustment: got %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	cm.call("GET", fmt.Sprintf("/api/v1/calls/%d/funding-line", f.call.ID), token, nil, http.StatusOK).decode(&line)
	if e1 := line.Entries[1]; e1.List != "main" || e1.GrantedCents != 1_000_000 || !e1.Adjusted || e1.Justification == "" {
		t.Errorf("after the adjustment: got %+v; want Marseille on the main list for 10 000 €", e1)
	}

	// Denials.
	india := e.client().login(f.indiaUser.Email)
	committeeStatus(t, "India's co-manager", india.get(path), http.StatusNotFound)
	committeeStatus(t, "India's co-manager adjusts", india.post(adj, url.Values{"application_id": {id}, "granted": {"1"}, "justification": {"x"}}), http.StatusNotFound)
	committeeStatus(t, "evaluator", e.client().login(f.evaluators[2].Email).get(path), http.StatusNotFound)
	committeeStatus(t, "applicant", e.client().login(f.marseilleUser.Email).get(path), http.StatusNotFound)
	for _, u := range []*coopdec.User{f.indiaUser, f.evaluators[0], f.marseilleUser} {
		cm.call("GET", fmt.Sprintf("/api/v1/calls/%d/funding-line", f.call.ID), e.token(u), nil, http.StatusForbidden)
		cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/adjustments", f.call.ID), e.token(u),
			map[string]any{"application_id": f.marApp.ID, "granted_cents": 100, "justification": "x"}, http.StatusForbidden)
		cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/decisions", f.call.ID), e.token(u), nil, http.StatusForbidden)
	}
	cm.anonymous("GET", fmt.Sprintf("/api/v1/calls/%d/funding-line", f.call.ID), nil)
	res = e.client().get(path)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: got %d; want a redirect to the login page", res.StatusCode)
	}
}

func TestCommitteeSessionsAndDecision(t *testing.T) {
	f := newEvalFixture(t)
	f.committeeReady()
	e := f.e
	ctx := context.Background()
	f.consensus(f.lyonApp, 8, 6)
	f.consensus(f.marApp, 7, 6)
	path := fmt.Sprintf("/appels/%d/comite", f.call.ID)
	officer := e.client().login(f.officer.Email)

	// Sessions: the page's form, then edited minutes.
	page := committeeStatus(t, "session without date", officer.post(path+"/seances", url.Values{"minutes": {"Ouverture."}}), http.StatusUnprocessableEntity)
	if !strings.Contains(page, `href="#held_at"`) {
		t.Errorf("session without date: no error linked to the date")
	}
	res := officer.post(path+"/seances", url.Values{"held_at": {"2026-06-10T09:30"}, "participants": {"Mme Durand\r\nSr. Pérez\r\n"},
		"minutes": {"Le comité examine les candidatures."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("session: got %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	sessionURL := res.Header.Get("Location")
	ar := e.client().login(f.argentinaUser.Email)
	page = committeeStatus(t, "session page", ar.get(sessionURL), http.StatusOK)
	if !strings.Contains(page, "Sr. Pérez") || !strings.Contains(page, "Le comité examine") {
		t.Errorf("session page: participants or minutes missing")
	}
	res = ar.post(sessionURL, url.Values{"held_at": {"2026-06-10T09:30"}, "participants": {"Mme Durand\nSr. Pérez"},
		"minutes": {"Le comité examine les candidatures et les classe."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("session edit: got %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	cm := e.apiContract()
	token := e.token(f.officer)
	var list struct {
		Items []apiSessionDoc `json:"items"`
	}
	cm.call("GET", fmt.Sprintf("/api/v1/calls/%d/committee-sessions", f.call.ID), token, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 || !strings.Contains(list.Items[0].Minutes, "les classe") || len(list.Items[0].Participants) != 2 {
		t.Fatalf("sessions: got %+v", list.Items)
	}
	sid := list.Items[0].ID
	cm.invalid("POST", fmt.Sprintf("/api/v1/calls/%d/committee-sessions", f.call.ID), token, map[string]any{"minutes": "x"}, http.StatusUnprocessableEntity)
	var sdoc apiSessionDoc
	cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/committee-sessions", f.call.ID), token,
		map[string]any{"held_at": "2026-06-20T08:00:00Z", "participants": []string{"M. Martin"}, "minutes": "Seconde séance."}, http.StatusCreated).decode(&sdoc)
	cm.call("PUT", fmt.Sprintf("/api/v1/committee-sessions/%d", sdoc.ID), e.token(f.argentinaUser),
		map[string]any{"held_at": "2026-06-20T08:00:00Z", "participants": []string{"M. Martin"}, "minutes": "Seconde séance, complétée."}, http.StatusOK)
	cm.call("GET", fmt.Sprintf("/api/v1/committee-sessions/%d", sid), e.token(f.indiaUser), nil, http.StatusNotFound)
	committeeStatus(t, "India's co-manager reads a session", e.client().login(f.indiaUser.Email).get(sessionURL), http.StatusNotFound)

	// The decision goes to the parties, once.
	res = officer.post(path+"/decision", url.Values{"session_id": {fmt.Sprint(sid)}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/decisions/") {
		t.Fatalf("decision: got %d to %q; want 303 to /decisions/…\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	var did int64
	fmt.Sscanf(res.Header.Get("Location"), "/decisions/%d", &did)
	d, status, err := e.db.Decision(ctx, did)
	if err != nil || status != coopdec.DecisionPending || d.Version != 1 || len(d.Entries) != 2 || d.SessionID != sid {
		t.Fatalf("decision stored: got %+v, %s, %v", d, status, err)
	}
	cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/decisions", f.call.ID), token, nil, http.StatusConflict)
	cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/adjustments", f.call.ID), token,
		map[string]any{"application_id": f.marApp.ID, "granted_cents": 100_000, "justification": "x"}, http.StatusConflict)

	// Argentina rejects it: the committee sees who and why, and sends a revised list.
	if _, err := e.db.RecordApproval(ctx, f.account(f.argentinaUser), did, &coopdec.Approval{Party: coopdec.Party(f.argentina.ID),
		Comment: "La subvention de Marseille doit être réduite."}, coopdec.Actor{UserID: f.argentinaUser.ID}); err != nil {
		t.Fatalf("RecordApproval: %v", err)
	}
	page = committeeStatus(t, "committee page after the rejection", officer.get(path), http.StatusOK)
	for _, want := range []string{"Cancillería argentina", "argentina", "doit être réduite", "Envoyer la liste révisée"} {
		if !strings.Contains(page, want) {
			t.Errorf("after the rejection: missing %q", want)
		}
	}
	cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/adjustments", f.call.ID), e.token(f.argentinaUser),
		map[string]any{"application_id": f.marApp.ID, "granted_cents": 3_000_000, "justification": "Réduite à la demande de l'Argentine."}, http.StatusCreated)
	var sent apiSentDecision
	cm.call("POST", fmt.Sprintf("/api/v1/calls/%d/decisions", f.call.ID), token, map[string]any{}, http.StatusCreated).decode(&sent)
	if sent.ID != did || sent.Version != 2 {
		t.Fatalf("resubmission: got %+v; want version 2 of decision %d", sent, did)
	}
	for _, en := range sent.Entries {
		if en.ApplicationID == f.marApp.ID && en.GrantedCents != 3_000_000 {
			t.Errorf("resubmission: Marseille granted %d; want 3 000 000", en.GrantedCents)
		}
	}
}
