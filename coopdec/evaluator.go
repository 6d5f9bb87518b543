package coopdec

// ScoreFromPoints reads a score given in points as a JSON number (3.5):
// on the scale and by half points, or the field error ParseScore gives.
func ScoreFromPoints(field string, points float64) (Score, error) {
	half := points * 2
	if half < 0 || half > float64(ScoreMax) || half != float64(int(half)) {
		return 0, FieldError(field, "evaluation.score.range")
	}
	return Score(int(half)), nil
}

// Points writes s in points, for JSON: 3.5.
func (s Score) Points() float64 { return float64(s) / 2 }

// ScoreChoices lists every score of the scale, from 0 to 5 by half points,
// in the order a form offers them.
func ScoreChoices() []Score {
	out := make([]Score, 0, ScoreMax+1)
	for s := Score(0); s <= ScoreMax; s++ {
		out = append(out, s)
	}
	return out
}

// AssignmentState is where an assignment stands, as the evaluator's and
// the officers' lists show it.
type AssignmentState string

const (
	// StateToConfirm: the evaluator has yet to confirm having no
	// conflict with the application.
	StateToConfirm AssignmentState = "to_confirm"
	// StateToScore: confirmed, nothing scored yet.
	StateToScore AssignmentState = "to_score"
	// StateDraft: a draft evaluation is saved.
	StateDraft AssignmentState = "draft"
	// StateSubmitted: the evaluation is submitted, and locked.
	StateSubmitted AssignmentState = "submitted"
	// StateEnded: a declared conflict or a reassignment ended the
	// assignment before its evaluation was submitted.
	StateEnded AssignmentState = "ended"
)

// AssignmentStates lists the states in the order an assignment goes
// through them.
var AssignmentStates = []AssignmentState{StateToConfirm, StateToScore, StateDraft, StateSubmitted, StateEnded}

// StateOf returns where as stands given ev, its evaluator's
// evaluation of the application (nil when there is none). A submitted
// evaluation stays submitted: an assignment cannot end once submitted.
func StateOf(as Assignment, ev *Evaluation) AssignmentState {
	switch {
	case ev != nil && ev.Submitted:
		return StateSubmitted
	case !as.Active():
		return StateEnded
	case as.ConfirmedAt.IsZero():
		return StateToConfirm
	case ev != nil:
		return StateDraft
	}
	return StateToScore
}
