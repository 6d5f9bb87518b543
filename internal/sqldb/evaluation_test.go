package sqldb

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// evalEnv is flowEnv with Lyon's application submitted, its call under
// evaluation, four evaluators (two in the ministry's pool, two in the PACA
// region's) who declared their interests, and the call's grid set up.
type evalEnv struct {
	*flowEnv
	app        *coopdec.Application
	evaluators []*coopdec.User
	grid       coopdec.Grid
	setup      coopdec.EvaluationSetup
}

func newEvalEnv(t *testing.T) *evalEnv {
	t.Helper()
	e := &evalEnv{flowEnv: newFlowEnv(t)}
	e.app = e.mustCreateApplication(t, e.flowApplication())
	e.submit(t, e.app.ID)
	for i, email := range []string{"ev1@example.org", "ev2@example.org", "ev3@example.org", "ev4@example.org"} {
		u := mustCreateUser(t, e.db, email, "Évaluateur "+string(rune('A'+i)), coopdec.RoleEvaluator)
		u, err := e.db.UserByID(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.SaveDeclaration(t.Context(), u, &coopdec.Declaration{
			Organisations: []coopdec.DeclaredOrganisation{{Name: "Cabinet " + email, Role: "consultant", Current: true}},
		}, coopdec.Actor{}); err != nil {
			t.Fatalf("SaveDeclaration: got error %v; want nil", err)
		}
		e.evaluators = append(e.evaluators, u)
	}
	e.grid = evalGrid()
	e.setup = coopdec.EvaluationSetup{Pools: []coopdec.Pool{
		{Party: coopdec.Party(e.paca.ID), EvaluatorIDs: []int64{e.evaluators[2].ID, e.evaluators[3].ID}},
		{Party: coopdec.MinistryParty, EvaluatorIDs: []int64{e.evaluators[0].ID, e.evaluators[1].ID}},
	}}
	if err := e.db.SetEvaluationSetup(t.Context(), e.officer, e.call.ID, &e.grid, &e.setup, coopdec.Actor{}); err != nil {
		t.Fatalf("SetEvaluationSetup: got error %v; want nil", err)
	}
	exec(t, e.db, `UPDATE calls SET status = $1 WHERE id = $2`, string(coopdec.CallEvaluation), e.call.ID)
	return e
}

func evalGrid() coopdec.Grid {
	return coopdec.Grid{
		Criteria: []coopdec.Criterion{
			{Code: "relevance", Weight: 2, Threshold: 4, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Pertinence", Description: "Le projet répond-il aux besoins ?"},
				"pt": {Title: "Pertinência"},
			}},
			{Code: "partnership", Weight: 1, Texts: map[string]coopdec.CriterionText{"fr": {Title: "Partenariat"}}},
		},
		Threshold: 5,
		TieBreaks: []coopdec.TieBreak{{Kind: coopdec.TieBreakCriterion, Criterion: "relevance"}, {Kind: coopdec.TieBreakSubmission}},
	}
}

// assign runs the automatic assignment of the application and stores it.
func (e *evalEnv) assign(t *testing.T) []coopdec.Assignment {
	t.Helper()
	if err := e.db.CreateAssignments(t.Context(), e.officer, e.call.ID, e.plan(t), "", act(e.officer)); err != nil {
		t.Fatalf("CreateAssignments: got error %v; want nil", err)
	}
	return e.assignments(t)
}

// plan is the automatic assignment of the application, not stored.
func (e *evalEnv) plan(t *testing.T) *coopdec.AssignmentPlan {
	t.Helper()
	var decls []coopdec.Declaration
	for _, u := range e.evaluators {
		d, err := e.db.Declaration(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		decls = append(decls, d.WithMemberships(u))
	}
	plan, err := coopdec.Assign(coopdec.AssignmentRequest{Setup: &e.setup, Declarations: decls,
		Candidates: []coopdec.AssignmentCandidate{{Application: e.app, Lead: e.lyon}}})
	if err != nil {
		t.Fatalf("Assign: got error %v; want nil", err)
	}
	return plan
}

func (e *evalEnv) assignments(t *testing.T) []coopdec.Assignment {
	t.Helper()
	list, err := e.db.ListAssignments(t.Context(), AssignmentFilter{ApplicationID: e.app.ID})
	if err != nil {
		t.Fatalf("ListAssignments: got error %v; want nil", err)
	}
	return list
}

func (e *evalEnv) evaluator(id int64) *coopdec.User {
	for _, u := range e.evaluators {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (e *evalEnv) evaluations(t *testing.T) []coopdec.Evaluation {
	t.Helper()
	list, err := e.db.ListEvaluations(t.Context(), e.app.ID)
	if err != nil {
		t.Fatalf("ListEvaluations: got error %v; want nil", err)
	}
	return list
}

func fullScores(relevance, partnership coopdec.Score) []coopdec.CriterionScore {
	return []coopdec.CriterionScore{
		{Criterion: "relevance", Score: relevance, Comment: "Besoins bien analysés."},
		{Criterion: "partnership", Score: partnership, Comment: "Partenaires engagés."},
	}
}

func auditCount(t *testing.T, db *DB, action string) int {
	t.Helper()
	var n int
	if err := db.read.QueryRowContext(t.Context(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEvaluationSetupRoundTrip(t *testing.T) {
	e := newEvalEnv(t)
	g, s, err := e.db.EvaluationSetup(t.Context(), e.call.ID)
	if err != nil {
		t.Fatalf("EvaluationSetup: got error %v; want nil", err)
	}
	if !reflect.DeepEqual(*g, e.grid) {
		t.Errorf("grid: got %+v; want %+v", *g, e.grid)
	}
	if !reflect.DeepEqual(*s, e.setup) {
		t.Errorf("setup: got %+v; want %+v", *s, e.setup)
	}
	if s.PerApplication != 2 || s.DivergenceBP != coopdec.DefaultDivergenceBP || s.Pools[0].Party != coopdec.MinistryParty {
		t.Errorf("setup: got %+v; want the defaults and the ministry's pool first", *s)
	}

	// A bad grid and a bad set-up: every error at once, nothing stored.
	bad := evalGrid()
	bad.Criteria[1].Weight = 0
	badSetup := coopdec.EvaluationSetup{DivergenceBP: 20000, Pools: e.setup.Pools}
	err = e.db.SetEvaluationSetup(t.Context(), e.officer, e.call.ID, &bad, &badSetup, coopdec.Actor{})
	wantKeys(t, err, "criteria.1.weight:evaluation.grid.weight.range", "divergence_bp:assignment.divergence.range")
	if g, _, _ := e.db.EvaluationSetup(t.Context(), e.call.ID); !reflect.DeepEqual(*g, e.grid) {
		t.Errorf("after a refused change: got grid %+v; want %+v", *g, e.grid)
	}
	if err := e.db.SetEvaluationSetup(t.Context(), e.evaluators[0], e.call.ID, &e.grid, &e.setup, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("by an evaluator: got error %v; want EFORBIDDEN", err)
	}
	if _, _, err := e.db.EvaluationSetup(t.Context(), 9999); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("unknown call: got error %v; want ENOTFOUND", err)
	}
}

func TestDeclarationRoundTrip(t *testing.T) {
	e := newEvalEnv(t)
	u := e.evaluators[0]
	d := &coopdec.Declaration{
		Organisations: []coopdec.DeclaredOrganisation{{OrganisationID: e.stEtienne.ID, Name: "Saint-Étienne", Role: "agent", Current: false}},
		Links:         []coopdec.InterestLink{{Description: "Conjoint élu à Lyon", OrganisationIDs: []int64{e.lyon.ID}}},
	}
	if err := e.db.SaveDeclaration(t.Context(), u, d, coopdec.Actor{}); err != nil {
		t.Fatalf("SaveDeclaration: got error %v; want nil", err)
	}
	got, err := e.db.Declaration(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("Declaration: got error %v; want nil", err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("got %+v; want %+v", got, d)
	}
	if err := e.db.SaveDeclaration(t.Context(), e.lyonMember, &coopdec.Declaration{}, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("by a non-evaluator: got error %v; want EFORBIDDEN", err)
	}
	if _, err := e.db.Declaration(t.Context(), e.lyonMember.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("no declaration: got error %v; want ENOTFOUND", err)
	}
}

func TestAssignments(t *testing.T) {
	e := newEvalEnv(t)
	list := e.assign(t)
	if len(list) != 2 {
		t.Fatalf("got %d assignments; want 2", len(list))
	}
	if list[0].Party != coopdec.MinistryParty || list[1].Party != coopdec.Party(e.paca.ID) {
		t.Errorf("got parties %d, %d; want the ministry's then PACA's", list[0].Party, list[1].Party)
	}
	for _, as := range list {
		if !as.Active() || as.AssignedBy != 0 || as.CreatedAt.IsZero() || !as.ConfirmedAt.IsZero() {
			t.Errorf("got %+v; want active, automatic, unconfirmed", as)
		}
	}
	if byCall, err := e.db.ListAssignments(t.Context(), AssignmentFilter{CallID: e.call.ID}); err != nil || !reflect.DeepEqual(byCall, list) {
		t.Errorf("by call: got %+v, %v; want %+v", byCall, err, list)
	}
	if got := auditCount(t, e.db, coopdec.AuditAssignmentCreate); got != 2 {
		t.Errorf("got %d assignment audit events; want 2", got)
	}

	// The same evaluator cannot be given the application twice.
	again := &coopdec.AssignmentPlan{Assignments: []coopdec.Assignment{{ApplicationID: e.app.ID, EvaluatorID: list[0].EvaluatorID, Party: list[0].Party}}}
	if err := e.db.CreateAssignments(t.Context(), e.officer, e.call.ID, again, "", act(e.officer)); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("twice: got error %v; want ECONFLICT", err)
	}

	// The ministry's evaluator declares a conflict; an officer replaces them
	// with the other one from the ministry's pool.
	ministryEv := e.evaluator(list[0].EvaluatorID)
	err := e.db.EndAssignment(t.Context(), ministryEv, list[0].ID, coopdec.EndConflictDeclared, "", act(ministryEv))
	wantKeys(t, err, "reason:evaluation.text.required")
	if err := e.db.EndAssignment(t.Context(), e.evaluators[3], list[0].ID, coopdec.EndConflictDeclared, "Ancien employeur", act(e.evaluators[3])); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("by another evaluator: got error %v; want EFORBIDDEN", err)
	}
	if err := e.db.EndAssignment(t.Context(), ministryEv, list[0].ID, coopdec.EndConflictDeclared, "Ancien employeur du chef de projet", act(ministryEv)); err != nil {
		t.Fatalf("EndAssignment: got error %v; want nil", err)
	}
	if err := e.db.EndAssignment(t.Context(), ministryEv, list[0].ID, coopdec.EndConflictDeclared, "Encore", act(ministryEv)); coopdec.ErrorCode(err) == "" || err == nil {
		t.Errorf("ended twice: got error %v; want one", err)
	}
	other := e.evaluators[0]
	if other.ID == ministryEv.ID {
		other = e.evaluators[1]
	}
	r := &coopdec.Reassignment{ApplicationID: e.app.ID, FromEvaluatorID: ministryEv.ID, ToEvaluatorID: other.ID, Reason: "Conflit déclaré"}
	created, err := e.db.Reassign(t.Context(), e.officer, r, act(e.officer))
	if err != nil {
		t.Fatalf("Reassign: got error %v; want nil", err)
	}
	if created.Party != coopdec.MinistryParty || created.AssignedBy != e.officer.ID {
		t.Errorf("got %+v; want the ministry's party, assigned by the officer", created)
	}

	list = e.assignments(t)
	if len(list) != 3 {
		t.Fatalf("got %d assignments; want 3, the ended one still listed", len(list))
	}
	ended := list[0]
	if ended.Active() || ended.EndReason != coopdec.EndConflictDeclared || ended.EndNote != "Ancien employeur du chef de projet" {
		t.Errorf("ended: got %+v; want ended on a declared conflict, with its note", ended)
	}
	if list[2].ID != created.ID || !list[2].Active() || list[2].EvaluatorID != other.ID {
		t.Errorf("new: got %+v; want %+v", list[2], created)
	}

	// An officer ends PACA's assignment: a reason is required.
	err = e.db.EndAssignment(t.Context(), e.officer, list[1].ID, coopdec.EndReassigned, " ", act(e.officer))
	wantKeys(t, err, "reason:evaluation.text.required")
	if got := e.assignments(t)[1]; !got.Active() {
		t.Errorf("after a refused end: got %+v; want active", got)
	}
	if err := e.db.EndAssignment(t.Context(), e.officer, list[1].ID, coopdec.EndReassigned, "Indisponible", act(e.officer)); err != nil {
		t.Fatalf("EndAssignment: got error %v; want nil", err)
	}
	if got := e.assignments(t)[1]; got.Active() || got.EndReason != coopdec.EndReassigned || got.EndNote != "Indisponible" {
		t.Errorf("got %+v; want ended as reassigned", got)
	}
	if got := auditCount(t, e.db, coopdec.AuditAssignmentEnd); got != 2 {
		t.Errorf("got %d end audit events; want 2", got)
	}
}

func TestEvaluationLifecycle(t *testing.T) {
	e := newEvalEnv(t)
	list := e.assign(t)
	ev1, ev2 := e.evaluator(list[0].EvaluatorID), e.evaluator(list[1].EvaluatorID)

	draft := &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: []coopdec.CriterionScore{{Criterion: "relevance", Score: 7}}}
	if err := e.db.SaveEvaluation(t.Context(), ev1, draft); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Fatalf("before confirming: got error %v; want ECONFLICT", err)
	}
	if err := e.db.ConfirmNoConflict(t.Context(), ev1, list[0].ID, coopdec.Actor{}); err != nil {
		t.Fatalf("ConfirmNoConflict: got error %v; want nil", err)
	}
	// The set-up, the four declarations and the confirmation are in the
	// trail, each once.
	for action, want := range map[string]int{coopdec.AuditEvaluationSetup: 1, coopdec.AuditDeclarationSave: 4, coopdec.AuditNoConflictConfirm: 1} {
		if got := auditCount(t, e.db, action); got != want {
			t.Errorf("audit %s: got %d events; want %d", action, got, want)
		}
	}
	if err := e.db.ConfirmNoConflict(t.Context(), ev1, list[0].ID, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("confirmed twice: got error %v; want ECONFLICT", err)
	}
	if err := e.db.ConfirmNoConflict(t.Context(), ev1, list[1].ID, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("another's assignment: got error %v; want EFORBIDDEN", err)
	}
	if err := e.db.SaveEvaluation(t.Context(), ev1, draft); err != nil {
		t.Fatalf("SaveEvaluation: got error %v; want nil", err)
	}

	// Bad scores store nothing.
	bad := &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: []coopdec.CriterionScore{{Criterion: "relevance", Score: 11}, {Criterion: "budget", Score: 2}}}
	wantKeys(t, e.db.SaveEvaluation(t.Context(), ev1, bad), "scores.relevance.score:evaluation.score.range", "scores.1.criterion:evaluation.score.criterion.unknown")
	incomplete := &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: []coopdec.CriterionScore{{Criterion: "relevance", Score: 8, Comment: "Bien."}}}
	wantKeys(t, e.db.SubmitEvaluation(t.Context(), ev1, incomplete, act(ev1)), "scores.partnership.score:evaluation.score.required")
	got := e.evaluations(t)
	if len(got) != 1 || got[0].Submitted || !reflect.DeepEqual(got[0].Scores, draft.Scores) || got[0].ID != draft.ID {
		t.Fatalf("got %+v; want the draft only", got)
	}

	sub := &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(8, 6), Comment: "Solide."}
	if err := e.db.SubmitEvaluation(t.Context(), ev1, sub, act(ev1)); err != nil {
		t.Fatalf("SubmitEvaluation: got error %v; want nil", err)
	}
	got = e.evaluations(t)
	want := *sub
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) || !got[0].Submitted || got[0].SubmittedAt.IsZero() {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	if n := auditCount(t, e.db, coopdec.AuditEvaluationSubmit); n != 1 {
		t.Errorf("got %d submit audit events; want 1", n)
	}
	changed := evalGrid()
	changed.Criteria[0].Weight = 3
	if err := e.db.SetEvaluationSetup(t.Context(), e.officer, e.call.ID, &changed, &e.setup, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("grid change after a submission: got error %v; want ECONFLICT", err)
	}
	same := evalGrid()
	if err := e.db.SetEvaluationSetup(t.Context(), e.officer, e.call.ID, &same, &e.setup, coopdec.Actor{}); err != nil {
		t.Errorf("same grid after a submission: got error %v; want nil", err)
	}

	// Submitted: nothing changes it any more.
	for name, err := range map[string]error{
		"save":   e.db.SaveEvaluation(t.Context(), ev1, &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(2, 2)}),
		"submit": e.db.SubmitEvaluation(t.Context(), ev1, &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(2, 2)}, act(ev1)),
		"end":    e.db.EndAssignment(t.Context(), e.officer, list[0].ID, coopdec.EndReassigned, "Changement", act(e.officer)),
	} {
		if coopdec.ErrorCode(err) != coopdec.ECONFLICT {
			t.Errorf("%s after submitting: got error %v; want ECONFLICT", name, err)
		}
	}
	if _, err := e.db.write.ExecContext(t.Context(), `UPDATE evaluations SET comment = 'forged' WHERE id = $1`, sub.ID); err == nil {
		t.Errorf("direct update of a submitted evaluation: got no error; want the database to refuse")
	}
	if _, err := e.db.write.ExecContext(t.Context(), `DELETE FROM evaluations WHERE id = $1`, sub.ID); err == nil {
		t.Errorf("direct delete of a submitted evaluation: got no error; want the database to refuse")
	}
	if got := e.evaluations(t); !reflect.DeepEqual(got[0], want) {
		t.Errorf("after the attempts: got %+v; want %+v", got[0], want)
	}

	// Consensus waits for the second evaluation.
	consensus := &coopdec.Consensus{ApplicationID: e.app.ID, Scores: fullScores(7, 6), Comment: "Projet solide.", Language: "fr"}
	if err := e.db.RecordConsensus(t.Context(), e.officer, consensus, act(e.officer)); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("consensus with one evaluation pending: got error %v; want ECONFLICT", err)
	}
	if err := e.db.ConfirmNoConflict(t.Context(), ev2, list[1].ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SubmitEvaluation(t.Context(), ev2, &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(5, 4)}, act(ev2)); err != nil {
		t.Fatalf("SubmitEvaluation: got error %v; want nil", err)
	}
	if err := e.db.RecordConsensus(t.Context(), ev1, consensus, act(ev1)); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("consensus by an evaluator: got error %v; want EFORBIDDEN", err)
	}
	badConsensus := &coopdec.Consensus{ApplicationID: e.app.ID, Scores: fullScores(7, 6)}
	wantKeys(t, e.db.RecordConsensus(t.Context(), e.officer, badConsensus, act(e.officer)), "comment:evaluation.text.required")
	if _, err := e.db.Consensus(t.Context(), e.app.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("after a refused consensus: got error %v; want ENOTFOUND", err)
	}
	if err := e.db.RecordConsensus(t.Context(), e.pacaManager, consensus, act(e.pacaManager)); err != nil {
		t.Fatalf("RecordConsensus: got error %v; want nil", err)
	}
	gotC, err := e.db.Consensus(t.Context(), e.app.ID)
	if err != nil {
		t.Fatalf("Consensus: got error %v; want nil", err)
	}
	if !reflect.DeepEqual(gotC, consensus) || gotC.RecordedBy != e.pacaManager.ID {
		t.Errorf("got %+v; want %+v", gotC, consensus)
	}
	if n := auditCount(t, e.db, coopdec.AuditConsensusRecord); n != 1 {
		t.Errorf("got %d consensus audit events; want 1", n)
	}
}

// TestSubmitEvaluationRace has saves and submissions of one evaluation
// race: one submission wins, and what it submitted is what stays.
func TestSubmitEvaluationRace(t *testing.T) {
	e := newEvalEnv(t)
	list := e.assign(t)
	ev := e.evaluator(list[0].EvaluatorID)
	if err := e.db.ConfirmNoConflict(t.Context(), ev, list[0].ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []*coopdec.Evaluation
		failed  []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(coopdec.Score(i+1), coopdec.Score(10-i))}
			var err error
			if i%2 == 0 {
				err = e.db.SubmitEvaluation(t.Context(), ev, x, act(ev))
			} else {
				err = e.db.SaveEvaluation(t.Context(), ev, x)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && i%2 == 0:
				winners = append(winners, x)
			case err != nil && coopdec.ErrorCode(err) != coopdec.ECONFLICT:
				failed = append(failed, err)
			}
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("got unexpected errors %v; want only ECONFLICT", failed)
	}
	if len(winners) != 1 {
		t.Fatalf("got %d successful submissions; want 1", len(winners))
	}
	got := e.evaluations(t)
	if len(got) != 1 || !reflect.DeepEqual(got[0], *winners[0]) {
		t.Errorf("got %+v; want the winning submission %+v", got, *winners[0])
	}
	if c := auditCount(t, e.db, coopdec.AuditEvaluationSubmit); c != 1 {
		t.Errorf("got %d submit audit events; want 1", c)
	}
}

func TestAdmissibility(t *testing.T) {
	e := newEvalEnv(t)
	exec(t, e.db, `UPDATE applications SET eligible = $1 WHERE id = $2`, false, e.app.ID)

	ad := &coopdec.Admissibility{ApplicationID: e.app.ID, Admissible: true}
	wantKeys(t, e.db.RecordAdmissibility(t.Context(), e.officer, ad, act(e.officer)), "reason:evaluation.text.required")
	if _, err := e.db.Admissibility(t.Context(), e.app.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("after a refused decision: got error %v; want ENOTFOUND", err)
	}
	if err := e.db.RecordAdmissibility(t.Context(), e.pacaManager, ad, act(e.pacaManager)); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("by a co-manager: got error %v; want EFORBIDDEN", err)
	}
	ad.Reason = "  Pièce reçue hors délai pour une raison technique.  "
	if err := e.db.RecordAdmissibility(t.Context(), e.officer, ad, act(e.officer)); err != nil {
		t.Fatalf("RecordAdmissibility: got error %v; want nil", err)
	}
	got, err := e.db.Admissibility(t.Context(), e.app.ID)
	if err != nil {
		t.Fatalf("Admissibility: got error %v; want nil", err)
	}
	if !reflect.DeepEqual(got, ad) || !got.Overrides() || got.Reason != "Pièce reçue hors délai pour une raison technique." {
		t.Errorf("got %+v; want %+v, overriding", got, ad)
	}

	// Confirming the automatic result needs no reason; the latest stands.
	confirm := &coopdec.Admissibility{ApplicationID: e.app.ID, Admissible: false}
	if err := e.db.RecordAdmissibility(t.Context(), e.officer, confirm, act(e.officer)); err != nil {
		t.Fatalf("RecordAdmissibility: got error %v; want nil", err)
	}
	if got, _ := e.db.Admissibility(t.Context(), e.app.ID); got.Admissible || got.Overrides() {
		t.Errorf("got %+v; want the confirmation", got)
	}
	if n := auditCount(t, e.db, coopdec.AuditAdmissibility); n != 2 {
		t.Errorf("got %d admissibility audit events; want 2", n)
	}
}

// assignmentNotice is a notice that writes one test job per assignment,
// naming its evaluator's email and language and its application's title.
func assignmentNotice(made []coopdec.Assignment, evaluators map[int64]DraftHolder, apps map[int64]*coopdec.Application) []Job {
	var out []Job
	for _, as := range made {
		ev := evaluators[as.EvaluatorID]
		out = append(out, Job{Args: testJob{What: fmt.Sprintf("%s %s %s extra:%v", ev.Email, ev.Language,
			apps[as.ApplicationID].Texts["fr"].Title, as.Extra)}})
	}
	return out
}

func TestCreateAssignmentsNotify(t *testing.T) {
	e := newEvalEnv(t)
	rec := &jobRecorder{}
	title := e.app.Texts["fr"].Title

	// A queue that fails undoes the assignments.
	rec.setFail(errors.New("queue down"))
	err := e.db.CreateAssignmentsNotify(t.Context(), rec, e.officer, e.call.ID, e.plan(t), "", act(e.officer), assignmentNotice)
	if err == nil {
		t.Fatal("with a failing queue: got nil; want an error")
	}
	if list := e.assignments(t); len(list) != 0 {
		t.Fatalf("with a failing queue: got %d assignments; want none", len(list))
	}
	if got := rec.committed(t, e.db); len(got) != 0 {
		t.Fatalf("with a failing queue: got jobs %q; want none", got)
	}

	rec.setFail(nil)
	exec(t, e.db, `UPDATE users SET language = 'es' WHERE id = $1`, e.evaluators[2].ID)
	exec(t, e.db, `UPDATE users SET language = 'es' WHERE id = $1`, e.evaluators[3].ID)
	if err := e.db.CreateAssignmentsNotify(t.Context(), rec, e.officer, e.call.ID, e.plan(t), "", act(e.officer), assignmentNotice); err != nil {
		t.Fatalf("CreateAssignmentsNotify: got error %v; want nil", err)
	}
	list := e.assignments(t)
	if len(list) != 2 {
		t.Fatalf("got %d assignments; want 2", len(list))
	}
	want := []string{
		e.evaluator(list[0].EvaluatorID).Email + " fr " + title + " extra:false",
		e.evaluator(list[1].EvaluatorID).Email + " es " + title + " extra:false",
	}
	if got := rec.committed(t, e.db); !reflect.DeepEqual(got, want) {
		t.Errorf("jobs: got %q; want %q", got, want)
	}

	// Nothing assigned, nothing sent: a refused run enqueues nothing.
	if err := e.db.CreateAssignmentsNotify(t.Context(), rec, e.officer, e.call.ID, e.plan(t), "", act(e.officer), assignmentNotice); err == nil {
		t.Error("assigning the same evaluators again: got nil; want an error")
	}
	if got := rec.committed(t, e.db); len(got) != 2 {
		t.Errorf("after a refused run: got jobs %q; want the 2 of the first run", got)
	}
}

func TestReassignNotify(t *testing.T) {
	e := newEvalEnv(t)
	list := e.assign(t)
	from := list[0].EvaluatorID
	to := e.evaluators[0]
	if to.ID == from {
		to = e.evaluators[1]
	}
	exec(t, e.db, `UPDATE users SET language = 'pt' WHERE id = $1`, to.ID)
	rec := &jobRecorder{}
	r := &coopdec.Reassignment{ApplicationID: e.app.ID, FromEvaluatorID: from, ToEvaluatorID: to.ID, Reason: "Indisponible"}

	rec.setFail(errors.New("queue down"))
	if _, err := e.db.ReassignNotify(t.Context(), rec, e.officer, r, act(e.officer), assignmentNotice); err == nil {
		t.Fatal("with a failing queue: got nil; want an error")
	}
	if got := e.assignments(t); len(got) != 2 || !got[0].Active() {
		t.Fatalf("with a failing queue: got %+v; want the 2 assignments unchanged", got)
	}

	rec.setFail(nil)
	created, err := e.db.ReassignNotify(t.Context(), rec, e.officer, r, act(e.officer), assignmentNotice)
	if err != nil {
		t.Fatalf("ReassignNotify: got error %v; want nil", err)
	}
	if created.EvaluatorID != to.ID {
		t.Errorf("got %+v; want assigned to %d", created, to.ID)
	}
	want := []string{to.Email + " pt " + e.app.Texts["fr"].Title + " extra:false"}
	if got := rec.committed(t, e.db); !reflect.DeepEqual(got, want) {
		t.Errorf("jobs: got %q; want %q", got, want)
	}
}
