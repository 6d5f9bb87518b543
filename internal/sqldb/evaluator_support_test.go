package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestEvaluatorAssignments(t *testing.T) {
	e := newEvalEnv(t)
	list := e.assign(t)
	as := list[0]
	u := e.evaluator(as.EvaluatorID)

	got, page, err := e.db.EvaluatorAssignments(t.Context(), u.ID, coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatalf("EvaluatorAssignments: %v", err)
	}
	if page.Total != 1 || len(got) != 1 || got[0].ID != as.ID || got[0].CallID != e.call.ID || got[0].Evaluation != nil {
		t.Fatalf("got %+v (total %d); want assignment %d in call %d without evaluation", got, page.Total, as.ID, e.call.ID)
	}

	if err := e.db.ConfirmNoConflict(t.Context(), u, as.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveEvaluation(t.Context(), u, &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(8, 6)[:1]}); err != nil {
		t.Fatal(err)
	}
	got, _, err = e.db.EvaluatorAssignments(t.Context(), u.ID, coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	if ev := got[0].Evaluation; ev == nil || ev.Submitted || got[0].ConfirmedAt.IsZero() {
		t.Fatalf("after a draft: got %+v; want a confirmed assignment with a draft", got[0])
	}
	if st := coopdec.StateOf(got[0].Assignment, got[0].Evaluation); st != coopdec.StateDraft {
		t.Errorf("state: got %s; want draft", st)
	}

	one, err := e.db.AssignmentByID(t.Context(), as.ID)
	if err != nil || one.EvaluatorID != u.ID {
		t.Errorf("AssignmentByID: got %+v, %v; want evaluator %d", one, err, u.ID)
	}
	if _, err := e.db.AssignmentByID(t.Context(), as.ID+1000); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("unknown assignment: got %v; want ENOTFOUND", err)
	}
	p, err := e.db.EvaluationPanel(t.Context(), e.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Call.ID != e.call.ID || len(p.Assignments) != len(list) || len(p.Evaluations) != 1 {
		t.Errorf("EvaluationPanel: got call %d, %d assignments, %d evaluations; want %d, %d, 1",
			p.Call.ID, len(p.Assignments), len(p.Evaluations), e.call.ID, len(list))
	}
	if !coopdec.CanSeeApplicationAsEvaluator(u, p) {
		t.Error("the confirmed evaluator may not read the application")
	}

	// Bounded pages: the second page of one row is empty.
	got, page, err = e.db.EvaluatorAssignments(t.Context(), u.ID, coopdec.NewPage(2, 1))
	if err != nil || len(got) != 0 || page.Total != 1 {
		t.Errorf("page 2: got %d rows of %d, %v; want 0 of 1", len(got), page.Total, err)
	}
}
