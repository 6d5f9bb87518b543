package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestAssignmentWithCall(t *testing.T) {
	e := newEvalEnv(t)
	list := e.assign(t)
	as, callID, err := e.db.AssignmentWithCall(t.Context(), list[0].ID)
	if err != nil {
		t.Fatalf("AssignmentWithCall: %v", err)
	}
	if as.ID != list[0].ID || as.EvaluatorID != list[0].EvaluatorID || callID != e.app.CallID {
		t.Errorf("got assignment %d of evaluator %d in call %d; want %d of %d in %d",
			as.ID, as.EvaluatorID, callID, list[0].ID, list[0].EvaluatorID, e.app.CallID)
	}
	if _, _, err := e.db.AssignmentWithCall(t.Context(), list[len(list)-1].ID+1000); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("unknown assignment: got %v; want ENOTFOUND", err)
	}
}
