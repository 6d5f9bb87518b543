package coopdec

import (
	"testing"
	"time"
)

func TestCandidateAdmissible(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name     string
		decision *Admissibility
		eligible *bool
		want     bool
	}{
		{"decision admits", &Admissibility{Admissible: true}, &no, true},
		{"decision refuses", &Admissibility{Admissible: false}, &yes, false},
		{"eligible without decision", nil, &yes, true},
		{"not eligible", nil, &no, false},
		{"unknown", nil, nil, false},
	}
	for _, tt := range tests {
		if got := CandidateAdmissible(tt.decision, tt.eligible); got != tt.want {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestCommitteeBoardFundingLine(t *testing.T) {
	g := &Grid{Criteria: []Criterion{{Code: "a", Weight: 1, Texts: map[string]CriterionText{"fr": {Title: "A"}}}}}
	c := &Call{ID: 1, Funders: []Funder{{OrganisationID: 10, EnvelopeCents: 1000, ShareBP: 10000}}}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &CommitteeBoard{Call: c, Grid: g, Remaining: []int64{1000},
		Candidates: []Candidate{
			{ApplicationID: 1, Admissible: true, Consensus: []CriterionScore{{Criterion: "a", Score: 8}}, RequestedCents: 800, SubmittedAt: at},
			{ApplicationID: 2, Admissible: true, Consensus: []CriterionScore{{Criterion: "a", Score: 6}}, RequestedCents: 500, SubmittedAt: at},
			{ApplicationID: 3, Admissible: true, RequestedCents: 100, SubmittedAt: at},
			{ApplicationID: 4, Admissible: false, RequestedCents: 100, SubmittedAt: at},
		},
		Adjustments: []Adjustment{{ApplicationID: 2, GrantedCents: 150}, {ApplicationID: 2, GrantedCents: 200}},
	}
	line, err := b.FundingLine()
	if err != nil {
		t.Fatal(err)
	}
	if e := line.Entry(2); e.List != ListMain || e.GrantedCents != 200 || !e.Adjusted {
		t.Errorf("the latest adjustment stands: got %+v", e)
	}
	if got := MissingConsensus(line); len(got) != 1 || got[0] != 3 {
		t.Errorf("MissingConsensus: got %v; want [3]", got)
	}
	officer := &User{ID: 1, Roles: []Role{RoleOfficer}}
	stranger := &User{ID: 2, Roles: []Role{RoleCoManager}}
	tests := []struct {
		name   string
		u      *User
		status DecisionStatus
		line   *FundingLine
		want   string
	}{
		{"stranger", stranger, "", line, EFORBIDDEN},
		{"consensus missing", officer, "", line, ECONFLICT},
		{"pending", officer, DecisionPending, line, ECONFLICT},
		{"final", officer, DecisionFinal, line, ECONFLICT},
		{"empty", officer, "", &FundingLine{}, ECONFLICT},
	}
	for _, tt := range tests {
		if got := ErrorCode(CheckSendDecision(tt.u, c, tt.line, tt.status)); got != tt.want {
			t.Errorf("CheckSendDecision %s: got %q; want %q", tt.name, got, tt.want)
		}
	}
	b.Candidates = b.Candidates[:2]
	line, _ = b.FundingLine()
	for _, st := range []DecisionStatus{"", DecisionRejected} {
		if err := CheckSendDecision(officer, c, line, st); err != nil {
			t.Errorf("CheckSendDecision after %q: got %v; want nil", st, err)
		}
	}
	if got := ErrorCode(CheckEditMinutes(officer, c, DecisionFinal)); got != ECONFLICT {
		t.Errorf("minutes once final: got %q; want ECONFLICT", got)
	}
	if err := CheckEditMinutes(officer, c, DecisionPending); err != nil {
		t.Errorf("minutes while pending: got %v; want nil", err)
	}
	adj := &Adjustment{ApplicationID: 1, GrantedCents: 700, Justification: "x"}
	if got := ErrorCode(CheckRecordAdjustment(officer, c, line, DecisionPending, adj)); got != ECONFLICT {
		t.Errorf("adjustment while pending: got %q; want ECONFLICT", got)
	}
	if err := CheckRecordAdjustment(officer, c, line, DecisionRejected, adj); err != nil {
		t.Errorf("adjustment after a rejection: got %v; want nil", err)
	}
	ap := []Approval{{Version: 1, Approved: false, Comment: "non"}, {Version: 2, Approved: true}, {Version: 2, Approved: false, Comment: "non"}}
	if got := RejectionsOf(ap, 2); len(got) != 1 || got[0].Version != 2 {
		t.Errorf("RejectionsOf: got %+v", got)
	}
}
