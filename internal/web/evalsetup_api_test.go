package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// TestEvalSetupAPIContract drives every operation of the evaluation set-up
// through each answer its document lists, on the evaluation fixture.
func TestEvalSetupAPIContract(t *testing.T) {
	f := newEvalFixture(t)
	c := f.e.apiContract()
	officer, ar, india := f.e.token(f.officer), f.e.token(f.argentinaUser), f.e.token(f.indiaUser)
	call := fmt.Sprintf("/api/v1/calls/%d", f.call.ID)
	lyon := fmt.Sprintf("/api/v1/applications/%d", f.lyonApp.ID)
	ctx := context.Background()

	// Set-up.
	var doc apiSetupDoc
	c.call("GET", call+"/evaluation-setup", officer, nil, http.StatusOK).decode(&doc)
	c.anonymous("GET", call+"/evaluation-setup", nil)
	c.call("GET", call+"/evaluation-setup", india, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/calls/999999/evaluation-setup", officer, nil, http.StatusNotFound)
	put := map[string]any{"criteria": doc.Criteria, "threshold": doc.Threshold, "tie_breaks": doc.TieBreaks,
		"per_application": doc.PerApplication, "divergence_bp": doc.DivergenceBP,
		"pools": []map[string]any{
			{"party": 0, "evaluator_ids": doc.Pools[0].EvaluatorIDs},
			{"party": f.argentina.ID, "evaluator_ids": doc.Pools[1].EvaluatorIDs}}}
	c.call("PUT", call+"/evaluation-setup", officer, put, http.StatusOK)
	c.anonymous("PUT", call+"/evaluation-setup", put)
	c.call("PUT", call+"/evaluation-setup", ar, put, http.StatusForbidden)
	c.call("PUT", "/api/v1/calls/999999/evaluation-setup", officer, put, http.StatusNotFound)
	c.call("PUT", call+"/evaluation-setup", officer, map[string]any{"criteria": doc.Criteria, "divergence_bp": 20000,
		"pools": put["pools"]}, http.StatusUnprocessableEntity)

	// Admissibility.
	adm := call + "/admissibility"
	c.call("GET", adm+"?page=1&per_page=10", ar, nil, http.StatusOK)
	c.anonymous("GET", adm, nil)
	c.call("GET", adm, india, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/calls/999999/admissibility", officer, nil, http.StatusNotFound)
	c.invalid("GET", adm+"?page=0", officer, nil, http.StatusUnprocessableEntity)
	c.call("PUT", lyon+"/admissibility", officer, map[string]any{"admissible": true}, http.StatusOK)
	c.call("PUT", fmt.Sprintf("/api/v1/applications/%d/admissibility", f.marApp.ID), officer, map[string]any{"admissible": true}, http.StatusOK)
	c.anonymous("PUT", lyon+"/admissibility", map[string]any{"admissible": true})
	c.call("PUT", lyon+"/admissibility", ar, map[string]any{"admissible": true}, http.StatusForbidden)
	c.call("PUT", "/api/v1/applications/999999/admissibility", officer, map[string]any{"admissible": true}, http.StatusNotFound)
	c.call("PUT", lyon+"/admissibility", officer, map[string]any{"admissible": false}, http.StatusUnprocessableEntity)

	// Assignments: impossible while both ministry evaluators work for Lyon.
	asg := call + "/assignments"
	f.e.member(f.evaluators[0], f.lyon, coopdec.MemberRoleMember)
	f.e.member(f.evaluators[1], f.lyon, coopdec.MemberRoleMember)
	p := c.call("POST", asg, officer, nil, http.StatusConflict).problem()
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, "vivier du ministère") {
		t.Errorf("impossible assignment: got %+v", p)
	}
	if err := f.e.db.RemoveMembership(ctx, f.evaluators[1].ID, f.lyon.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	c.anonymous("POST", asg, nil)
	c.call("POST", asg, ar, nil, http.StatusForbidden)
	c.call("POST", "/api/v1/calls/999999/assignments", officer, nil, http.StatusNotFound)
	var made struct {
		Items []apiAssignmentDoc `json:"items"`
	}
	c.call("POST", asg, officer, nil, http.StatusCreated).decode(&made)
	c.call("POST", asg, officer, nil, http.StatusOK)
	c.call("GET", asg, ar, nil, http.StatusOK)
	c.anonymous("GET", asg, nil)
	c.call("GET", asg, india, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/calls/999999/assignments", officer, nil, http.StatusNotFound)
	c.invalid("GET", asg+"?application_id=abc", officer, nil, http.StatusUnprocessableEntity)

	// Reassignment.
	var lyonMinistry, lyonArgentina apiAssignmentDoc
	for _, as := range made.Items {
		if as.ApplicationID == f.lyonApp.ID && as.Party == 0 {
			lyonMinistry = as
		}
		if as.ApplicationID == f.lyonApp.ID && as.Party != 0 {
			lyonArgentina = as
		}
	}
	if lyonMinistry.EvaluatorID != f.evaluators[1].ID {
		t.Fatalf("Lyon's ministry evaluator: got %d; want the one without a conflict, %d", lyonMinistry.EvaluatorID, f.evaluators[1].ID)
	}
	re := fmt.Sprintf("/api/v1/assignments/%d/reassignment", lyonMinistry.ID)
	body := map[string]any{"to_evaluator_id": f.evaluators[0].ID, "reason": "Indisponible."}
	c.anonymous("POST", re, body)
	c.call("POST", re, ar, body, http.StatusForbidden)
	c.call("POST", "/api/v1/assignments/999999/reassignment", officer, body, http.StatusNotFound)
	c.invalid("POST", re, officer, map[string]any{"to_evaluator_id": f.evaluators[0].ID}, http.StatusUnprocessableEntity)
	// The evaluator who works for Lyon cannot take its application.
	p = c.call("POST", re, officer, body, http.StatusConflict).problem()
	if !strings.Contains(p.Detail, "Lyon") {
		t.Errorf("reassignment to a conflicted evaluator: got %q", p.Detail)
	}
	var moved apiAssignmentDoc
	c.call("POST", fmt.Sprintf("/api/v1/assignments/%d/reassignment", lyonArgentina.ID), officer,
		map[string]any{"to_evaluator_id": otherID(f, lyonArgentina.EvaluatorID), "reason": "Indisponible en mai."}, http.StatusCreated).decode(&moved)
	if moved.AssignedBy == nil || *moved.AssignedBy != f.officer.ID || moved.State != "awaiting" {
		t.Errorf("reassigned: got %+v", moved)
	}

	// Extra evaluator: only for a divergent application.
	extra := lyon + "/extra-evaluator"
	c.call("POST", extra, officer, nil, http.StatusConflict)
	list, err := f.e.db.ListAssignments(ctx, assignmentsOf(f.lyonApp.ID))
	if err != nil {
		t.Fatal(err)
	}
	scores := []coopdec.Score{10, 0}
	for _, as := range list {
		if as.Active() {
			f.evaluate(as, scores[0], scores[0])
			scores = scores[1:]
		}
	}
	// Every free evaluator is now taken or conflicted: no extra possible.
	p = c.call("POST", extra, officer, nil, http.StatusConflict).problem()
	if !strings.Contains(p.Detail, "évaluateur(s) supplémentaire(s)") {
		t.Errorf("impossible extra: got %q", p.Detail)
	}
	if err := f.e.db.RemoveMembership(ctx, f.evaluators[0].ID, f.lyon.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	c.anonymous("POST", extra, nil)
	c.call("POST", extra, ar, nil, http.StatusForbidden)
	c.call("POST", "/api/v1/applications/999999/extra-evaluator", officer, nil, http.StatusNotFound)
	c.call("POST", extra, officer, nil, http.StatusCreated).decode(&made)
	if len(made.Items) != 1 || !made.Items[0].Extra || made.Items[0].EvaluatorID != f.evaluators[0].ID {
		t.Errorf("extra: got %+v", made)
	}

	// The grid is locked once an evaluation is submitted.
	changed := map[string]any{"criteria": []map[string]any{{"code": "other", "weight": 1, "texts": map[string]any{"fr": map[string]string{"title": "Autre"}}}},
		"pools": put["pools"]}
	c.call("PUT", call+"/evaluation-setup", officer, changed, http.StatusConflict)

	// Evaluators.
	c.call("GET", "/api/v1/evaluators?q=eval&page=1&per_page=2", officer, nil, http.StatusOK)
	c.anonymous("GET", "/api/v1/evaluators", nil)
	c.call("GET", "/api/v1/evaluators", ar, nil, http.StatusForbidden)
	c.invalid("GET", "/api/v1/evaluators?page=0", officer, nil, http.StatusUnprocessableEntity)

	evalSetupCheckSeen(t, c)
}

// otherID is the other evaluator of the pool id sits in.
func otherID(f *evalFixture, id int64) int64 {
	pairs := [][2]int{{0, 1}, {2, 3}}
	for _, p := range pairs {
		if f.evaluators[p[0]].ID == id {
			return f.evaluators[p[1]].ID
		}
		if f.evaluators[p[1]].ID == id {
			return f.evaluators[p[0]].ID
		}
	}
	return 0
}

// evalSetupCheckSeen fails for every answer the area's document lists
// that the test did not see, but internal errors.
func evalSetupCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "evaluation_setup.json")
}

func assignmentsOf(appID int64) sqldb.AssignmentFilter {
	return sqldb.AssignmentFilter{ApplicationID: appID}
}
