package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// committeeOperations are the committee's operations, which
// TestCommitteeAPIContract drives through every documented answer.
var committeeOperations = []string{
	"GET /api/v1/applications/{id}/consensus",
	"PUT /api/v1/applications/{id}/consensus",
	"GET /api/v1/calls/{id}/funding-line",
	"POST /api/v1/calls/{id}/adjustments",
	"GET /api/v1/calls/{id}/committee-sessions",
	"POST /api/v1/calls/{id}/committee-sessions",
	"GET /api/v1/committee-sessions/{id}",
	"PUT /api/v1/committee-sessions/{id}",
	"POST /api/v1/calls/{id}/decisions",
}

func TestCommitteeAPIContract(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	ctx := context.Background()
	c := e.apiContract()
	officer, ar, india, lyon := e.token(f.officer), e.token(f.argentinaUser), e.token(f.indiaUser), e.token(f.lyonUser)
	call := fmt.Sprintf("/api/v1/calls/%d", f.call.ID)
	lyonConsensus := fmt.Sprintf("/api/v1/applications/%d/consensus", f.lyonApp.ID)
	scores := func(rel, part float64) map[string]any {
		return map[string]any{"comment": "Synthèse.", "language": "fr", "scores": []map[string]any{
			{"criterion": "relevance", "score": rel, "comment": "Pertinent."}, {"criterion": "partnership", "score": part, "comment": "Solide."}}}
	}

	// Consensus: not before the evaluations.
	c.call("PUT", lyonConsensus, officer, scores(4, 3), http.StatusConflict)
	f.committeeReady()
	c.anonymous("PUT", lyonConsensus, scores(4, 3))
	c.call("PUT", lyonConsensus, lyon, scores(4, 3), http.StatusForbidden)
	c.call("PUT", "/api/v1/applications/999999/consensus", officer, scores(4, 3), http.StatusNotFound)
	c.call("PUT", lyonConsensus, officer, map[string]any{"comment": "", "scores": []map[string]any{}}, http.StatusUnprocessableEntity)
	c.call("GET", lyonConsensus, ar, nil, http.StatusNotFound)
	c.call("PUT", lyonConsensus, ar, scores(4, 3), http.StatusOK)
	c.call("PUT", fmt.Sprintf("/api/v1/applications/%d/consensus", f.marApp.ID), officer, scores(3.5, 3), http.StatusOK)
	c.call("GET", lyonConsensus, officer, nil, http.StatusOK)
	c.call("GET", lyonConsensus, lyon, nil, http.StatusForbidden)
	c.anonymous("GET", lyonConsensus, nil)

	// Funding line.
	var line apiFundingLineDoc
	c.call("GET", call+"/funding-line", officer, nil, http.StatusOK).decode(&line)
	if len(line.Entries) != 2 || !line.CanSend || line.Entries[0].ApplicationID != f.lyonApp.ID {
		t.Fatalf("funding line: got %+v", line)
	}
	c.call("GET", call+"/funding-line", india, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/calls/999999/funding-line", officer, nil, http.StatusNotFound)
	c.anonymous("GET", call+"/funding-line", nil)

	// Adjustments.
	adj := map[string]any{"application_id": f.marApp.ID, "granted_cents": 3_500_000, "justification": "Le volet formation est réduit."}
	c.call("POST", call+"/adjustments", officer, adj, http.StatusCreated)
	c.call("POST", call+"/adjustments", officer, map[string]any{"application_id": f.marApp.ID, "granted_cents": 3_500_000, "justification": " "}, http.StatusUnprocessableEntity)
	c.call("POST", call+"/adjustments", india, adj, http.StatusForbidden)
	c.call("POST", "/api/v1/calls/999999/adjustments", officer, adj, http.StatusNotFound)
	c.anonymous("POST", call+"/adjustments", adj)

	// Sessions.
	session := map[string]any{"held_at": "2026-06-10T07:30:00Z", "participants": []string{"Mme Durand", "Sr. Pérez"}, "minutes": "Séance."}
	var s apiSessionDoc
	c.call("POST", call+"/committee-sessions", officer, session, http.StatusCreated).decode(&s)
	c.invalid("POST", call+"/committee-sessions", officer, map[string]any{"minutes": "Sans date."}, http.StatusUnprocessableEntity)
	c.call("POST", call+"/committee-sessions", india, session, http.StatusForbidden)
	c.call("POST", "/api/v1/calls/999999/committee-sessions", officer, session, http.StatusNotFound)
	c.anonymous("POST", call+"/committee-sessions", session)
	c.call("GET", call+"/committee-sessions", ar, nil, http.StatusOK)
	c.call("GET", call+"/committee-sessions", india, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/calls/999999/committee-sessions", officer, nil, http.StatusNotFound)
	c.anonymous("GET", call+"/committee-sessions", nil)
	sessionPath := fmt.Sprintf("/api/v1/committee-sessions/%d", s.ID)
	c.call("GET", sessionPath, ar, nil, http.StatusOK)
	c.call("GET", sessionPath, india, nil, http.StatusNotFound)
	c.anonymous("GET", sessionPath, nil)
	session["minutes"] = "Séance : deux projets classés."
	var edited apiSessionDoc
	c.call("PUT", sessionPath, ar, session, http.StatusOK).decode(&edited)
	if edited.Minutes != "Séance : deux projets classés." || edited.CreatedBy != f.officer.ID {
		t.Errorf("PUT session: got %+v", edited)
	}
	c.call("PUT", sessionPath, ar, map[string]any{"held_at": "2026-06-10T07:30:00Z", "participants": []string{strings.Repeat("x", 201)}}, http.StatusUnprocessableEntity)
	c.call("PUT", sessionPath, india, session, http.StatusNotFound)
	c.anonymous("PUT", sessionPath, session)

	// The decision: sent, refused while pending, resubmitted after a
	// rejection, final once both parties approve; then the minutes close.
	c.invalid("POST", call+"/decisions", officer, map[string]any{"session": 1}, http.StatusUnprocessableEntity)
	c.call("POST", call+"/decisions", india, nil, http.StatusForbidden)
	c.call("POST", "/api/v1/calls/999999/decisions", officer, nil, http.StatusNotFound)
	c.anonymous("POST", call+"/decisions", nil)
	var sent apiSentDecision
	c.call("POST", call+"/decisions", officer, map[string]any{"session_id": s.ID}, http.StatusCreated).decode(&sent)
	if sent.Version != 1 || len(sent.Entries) != 2 || sent.SessionID != s.ID {
		t.Fatalf("decision: got %+v", sent)
	}
	c.call("POST", call+"/decisions", officer, nil, http.StatusConflict)
	c.call("POST", call+"/adjustments", officer, adj, http.StatusConflict)
	if _, err := e.db.RecordApproval(ctx, f.account(f.argentinaUser), sent.ID, &coopdec.Approval{Party: coopdec.Party(f.argentina.ID),
		Comment: "Le classement doit être revu."}, coopdec.Actor{UserID: f.argentinaUser.ID}); err != nil {
		t.Fatalf("RecordApproval: %v", err)
	}
	c.call("POST", call+"/decisions", ar, nil, http.StatusCreated).decode(&sent)
	if sent.Version != 2 {
		t.Fatalf("resubmission: got version %d; want 2", sent.Version)
	}
	for _, a := range []struct {
		u     *coopdec.User
		party coopdec.Party
	}{{f.officer, coopdec.MinistryParty}, {f.argentinaUser, coopdec.Party(f.argentina.ID)}} {
		if _, err := e.db.RecordApproval(ctx, f.account(a.u), sent.ID, &coopdec.Approval{Party: a.party, Approved: true},
			coopdec.Actor{UserID: a.u.ID}); err != nil {
			t.Fatalf("RecordApproval: %v", err)
		}
	}
	c.call("POST", call+"/committee-sessions", officer, session, http.StatusConflict)
	c.call("PUT", sessionPath, officer, session, http.StatusConflict)
	c.call("POST", call+"/decisions", officer, nil, http.StatusConflict)

	committeeCheckSeen(t, c)
}

// committeeCheckSeen checks that every documented answer of the
// committee's operations but 500 was seen.
func committeeCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	doc := openAPIOperations(t)
	for _, op := range committeeOperations {
		statuses, ok := doc[op]
		if !ok {
			t.Errorf("%s is not documented", op)
			continue
		}
		for _, st := range statuses {
			if st != 500 && !c.seen[op][st] {
				t.Errorf("documented but never exercised: %s → %d", op, st)
			}
		}
	}
}

// openAPIOperations lists the documented statuses of each operation,
// "METHOD /path".
func openAPIOperations(t *testing.T) map[string][]int {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]int{}
	for p, item := range doc.Paths {
		for m, op := range item {
			for status := range op.Responses {
				var code int
				fmt.Sscan(status, &code)
				out[strings.ToUpper(m)+" "+p] = append(out[strings.ToUpper(m)+" "+p], code)
			}
		}
	}
	return out
}
