package coopdec

import (
	"testing"
	"time"
)

func TestPartiesToAnswer(t *testing.T) {
	c := &Call{ID: 1, CoManagers: []int64{7}}
	d := &Decision{ID: 3, CallID: 1, Version: 2}
	officer := &User{ID: 1, Roles: []Role{RoleOfficer}}
	partner := &User{ID: 2, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 7}}}
	other := &User{ID: 3, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 8}}}
	for _, tc := range []struct {
		name      string
		u         *User
		approvals []Approval
		want      int
	}{
		{"officer, nobody answered", officer, nil, 1},
		{"partner, nobody answered", partner, nil, 1},
		{"co-manager of another call", other, nil, 0},
		{"ministry answered this version", officer, []Approval{{Version: 2, Party: MinistryParty, Approved: true}}, 0},
		{"ministry answered an older version", officer, []Approval{{Version: 1, Party: MinistryParty, Approved: false}}, 1},
		{"rejected by the partner", officer, []Approval{{Version: 2, Party: 7, Approved: false}}, 0},
		{"final", partner, []Approval{{Version: 2, Party: MinistryParty, Approved: true}, {Version: 2, Party: 7, Approved: true}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PartiesToAnswer(tc.u, c, d, tc.approvals); len(got) != tc.want {
				t.Errorf("got %v; want %d parties", got, tc.want)
			}
		})
	}
	if got := PartiesToAnswer(officer, c, &Decision{ID: 4, CallID: 2, Version: 1}, nil); got != nil {
		t.Errorf("decision of another call: got %v; want none", got)
	}
}

func TestSelectedEntries(t *testing.T) {
	d := &Decision{Entries: []DecisionEntry{{ApplicationID: 1, Rank: 3, List: ListMain}, {ApplicationID: 2, Rank: 1, List: ListMain},
		{ApplicationID: 3, Rank: 2, List: ListReserve}, {ApplicationID: 4, Rank: 4, List: ListRejected}}}
	got := SelectedEntries(d)
	if len(got) != 2 || got[0].ApplicationID != 2 || got[1].ApplicationID != 1 {
		t.Errorf("got %+v; want applications 2 then 1", got)
	}
	if SelectedEntries(nil) != nil {
		t.Error("nil decision: want nothing")
	}
}

func TestReviewOpen(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a := &Application{ID: 5, LeadOrganisationID: 9}
	member := &User{ID: 1, Memberships: []Membership{{OrganisationID: 9}}}
	rejected := &DecisionEntry{ApplicationID: 5, List: ListRejected}
	for _, tc := range []struct {
		name     string
		u        *User
		entry    *DecisionEntry
		existing []ReviewRequest
		now      time.Time
		want     bool
	}{
		{"member, rejected, in time", member, rejected, nil, at.Add(24 * time.Hour), true},
		{"on the last instant", member, rejected, nil, ReviewDeadline(at), true},
		{"after 30 days", member, rejected, nil, ReviewDeadline(at).Add(time.Second), false},
		{"not a member", &User{ID: 2}, rejected, nil, at, false},
		{"selected", member, &DecisionEntry{ApplicationID: 5, List: ListMain}, nil, at, false},
		{"already asked", member, rejected, []ReviewRequest{{ApplicationID: 5}}, at, false},
		{"no decision", member, nil, nil, at, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReviewOpen(tc.u, a, tc.entry, at, tc.existing, tc.now); got != tc.want {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestCanSeeFunderEnvelopes(t *testing.T) {
	if !CanSeeFunderEnvelopes(&User{Roles: []Role{RoleOfficer}}, 4) {
		t.Error("officer: want allowed")
	}
	if !CanSeeFunderEnvelopes(&User{Memberships: []Membership{{OrganisationID: 4}}}, 4) {
		t.Error("member of the funder: want allowed")
	}
	if CanSeeFunderEnvelopes(&User{Memberships: []Membership{{OrganisationID: 5}}}, 4) || CanSeeFunderEnvelopes(nil, 4) {
		t.Error("others: want refused")
	}
}
