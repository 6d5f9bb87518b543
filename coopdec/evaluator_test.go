package coopdec

import (
	"testing"
	"time"
)

func TestScoreFromPoints(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want Score
		ok   bool
	}{
		{0, 0, true}, {3.5, 7, true}, {5, 10, true}, {4, 8, true},
		{5.5, 0, false}, {-0.5, 0, false}, {3.2, 0, false}, {3.75, 0, false}, {1e10, 0, false},
	} {
		got, err := ScoreFromPoints("scores.x.score", tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ScoreFromPoints(%v): got %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.Points() != tc.in {
			t.Errorf("Points(%v): got %v; want %v", got, got.Points(), tc.in)
		}
	}
}

func TestScoreChoices(t *testing.T) {
	got := ScoreChoices()
	if len(got) != 11 || got[0] != 0 || got[10] != ScoreMax {
		t.Errorf("ScoreChoices: got %v; want 0 to 10 half points", got)
	}
}

func TestStateOf(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	fresh := Assignment{ID: 1}
	confirmed := Assignment{ID: 1, ConfirmedAt: now}
	ended := Assignment{ID: 1, ConfirmedAt: now, EndedAt: now, EndReason: EndConflictDeclared}
	draft := &Evaluation{ID: 2}
	sent := &Evaluation{ID: 2, Submitted: true, SubmittedAt: now}
	for _, tc := range []struct {
		name string
		as   Assignment
		ev   *Evaluation
		want AssignmentState
	}{
		{"new", fresh, nil, StateToConfirm},
		{"confirmed", confirmed, nil, StateToScore},
		{"draft", confirmed, draft, StateDraft},
		{"submitted", confirmed, sent, StateSubmitted},
		{"ended", ended, nil, StateEnded},
		{"ended with a draft", ended, draft, StateEnded},
		{"submitted then ended", ended, sent, StateSubmitted},
	} {
		if got := StateOf(tc.as, tc.ev); got != tc.want {
			t.Errorf("%s: got %s; want %s", tc.name, got, tc.want)
		}
	}
}
