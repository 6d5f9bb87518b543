package coopdec

import "testing"

func TestCheckExtraEvaluator(t *testing.T) {
	officer := &User{ID: 1, Roles: []Role{RoleOfficer}}
	coManager := &User{ID: 2, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: evIndia}}}
	g := testGrid()
	setup := &EvaluationSetup{DivergenceBP: 3000}
	diverging := func() *Panel {
		p := evPanel()
		p.Evaluations[1].Submitted, p.Evaluations[1].Scores = true, scores(0, 0, 0)
		return p
	}
	closeScores := func() *Panel {
		p := evPanel()
		p.Evaluations[1].Submitted, p.Evaluations[1].Scores = true, scores(8, 6, 5)
		return p
	}
	closed := func() *Panel {
		p := diverging()
		p.Call.Status = CallDecided
		return p
	}
	for _, tc := range []struct {
		name  string
		u     *User
		p     *Panel
		setup *EvaluationSetup
		want  string
	}{
		{"officer, divergent", officer, diverging(), setup, ""},
		{"co-manager", coManager, diverging(), setup, EFORBIDDEN},
		{"anonymous", nil, diverging(), setup, EFORBIDDEN},
		{"not divergent", officer, closeScores(), setup, ECONFLICT},
		{"one evaluation only", officer, evPanel(), setup, ECONFLICT},
		{"wider gap", officer, diverging(), &EvaluationSetup{DivergenceBP: 9000}, ECONFLICT},
		{"call past evaluation", officer, closed(), setup, ECONFLICT},
		{"no set-up", officer, diverging(), nil, ENOTFOUND},
	} {
		err := CheckExtraEvaluator(tc.u, g, tc.setup, tc.p)
		if got := ErrorCode(err); err != nil && got != tc.want || err == nil && tc.want != "" {
			t.Errorf("%s: got %v; want %q", tc.name, err, tc.want)
		}
	}
}
