package coopdec

import (
	"strings"
	"testing"
	"time"
)

func TestOpinionStateAt(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	req := &OpinionRequest{DueAt: now}
	for _, tc := range []struct {
		name string
		req  *OpinionRequest
		op   *EmbassyOpinion
		at   time.Time
		want OpinionState
	}{
		{"no request", nil, nil, now, OpinionNotRequested},
		{"before the due date", req, nil, now.Add(-time.Hour), OpinionPending},
		{"at the due date", req, nil, now, OpinionPending},
		{"after the due date", req, nil, now.Add(time.Second), OpinionOverdue},
		{"answered", req, &EmbassyOpinion{Value: OpinionReserved}, now.Add(time.Hour), OpinionAnswered},
	} {
		if got := OpinionStateAt(tc.req, tc.op, tc.at); got != tc.want {
			t.Errorf("%s: got %q; want %q", tc.name, got, tc.want)
		}
	}
	for _, s := range []OpinionState{OpinionPending, OpinionOverdue, OpinionAnswered} {
		if !s.Valid() {
			t.Errorf("%s: got invalid; want valid", s)
		}
	}
	for _, s := range []OpinionState{OpinionNotRequested, "", "late"} {
		if s.Valid() {
			t.Errorf("%q: got valid; want invalid", s)
		}
	}
}

func TestCheckOpinionRequest(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	call := &Call{ID: 1, CoManagers: []int64{20}}
	officer := &User{ID: 1, Roles: []Role{RoleOfficer}}
	coManager := &User{ID: 2, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 20}}}
	otherCoManager := &User{ID: 3, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 21}}}
	staff := &User{ID: 4, Roles: []Role{RoleEmbassy}, Memberships: []Membership{{OrganisationID: 30, OrganisationKind: OrgEmbassy}}}
	app := &Application{ID: 7, CallID: 1, Status: ApplicationSubmitted, Countries: []string{"AR"},
		Partners: []Partner{{Country: "FR", Role: RoleLeadPartner}, {Country: "uy", Role: RolePartner}}}
	draft := *app
	draft.Status = ApplicationDraft
	other := *app
	other.CallID = 2
	argentina := &Organisation{ID: 30, Kind: OrgEmbassy, Country: "AR"}
	uruguay := &Organisation{ID: 31, Kind: OrgEmbassy, Country: "UY"}
	india := &Organisation{ID: 32, Kind: OrgEmbassy, Country: "IN"}
	notEmbassy := &Organisation{ID: 33, Kind: OrgPartnerGovernment, Country: "AR"}
	due := now.Add(14 * 24 * time.Hour)
	long := strings.Repeat("é", opinionNoteMax+1)
	for _, tc := range []struct {
		name    string
		u       *User
		a       *Application
		embassy *Organisation
		due     time.Time
		note    string
		want    string // error code, then fields
	}{
		{"officer", officer, app, argentina, due, "  Sécurité des sites.  ", ""},
		{"co-manager, partner's country", coManager, app, uruguay, due, "", ""},
		{"co-manager of another call", otherCoManager, app, argentina, due, "", EFORBIDDEN},
		{"embassy staff", staff, app, argentina, due, "", EFORBIDDEN},
		{"anonymous", nil, app, argentina, due, "", EFORBIDDEN},
		{"another call's application", officer, &other, argentina, due, "", ENOTFOUND},
		{"draft", officer, &draft, argentina, due, "", ECONFLICT},
		{"country not concerned", officer, app, india, due, "", ECONFLICT},
		{"not an embassy", officer, app, notEmbassy, due, "", ECONFLICT},
		{"past due date", officer, app, argentina, now.Add(-time.Minute), "", EINVALID + " due_at"},
		{"no due date, long note", officer, app, argentina, time.Time{}, long, EINVALID + " due_at note"},
		{"too far", officer, app, argentina, now.Add(91 * 24 * time.Hour), "", EINVALID + " due_at"},
	} {
		req := &OpinionRequest{ApplicationID: tc.a.ID, EmbassyOrganisationID: tc.embassy.ID, DueAt: tc.due}
		note := tc.note
		err := CheckOpinionRequest(tc.u, call, tc.a, tc.embassy, req, &note, now)
		got := ErrorCode(err)
		if es, ok := err.(Errors); ok {
			for _, e := range es {
				got += " " + e.Field
			}
		}
		if got != tc.want {
			t.Errorf("%s: got %q (%v); want %q", tc.name, got, err, tc.want)
		}
		if err == nil && note != strings.TrimSpace(tc.note) {
			t.Errorf("%s: note %q not trimmed", tc.name, note)
		}
	}
}

func TestOpinionReaders(t *testing.T) {
	call := &Call{ID: 1, CoManagers: []int64{20}}
	staff := &User{ID: 4, Roles: []Role{RoleEmbassy}, Memberships: []Membership{{OrganisationID: 30, OrganisationKind: OrgEmbassy},
		{OrganisationID: 40, OrganisationKind: OrgFrenchAuthority}}}
	noRole := &User{ID: 5, Memberships: []Membership{{OrganisationID: 30, OrganisationKind: OrgEmbassy}}}
	for _, tc := range []struct {
		name    string
		u       *User
		embassy int64
		see     bool
		all     bool
		staffOf int
	}{
		{"the embassy's staff", staff, 30, true, false, 1},
		{"another embassy's staff", staff, 31, false, false, 1},
		{"member without the embassy role", noRole, 30, false, false, 0},
		{"officer", &User{Roles: []Role{RoleOfficer}}, 30, true, true, 0},
		{"co-manager", &User{Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 20}}}, 30, true, false, 0},
		{"co-manager of another call", &User{Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 21}}}, 30, false, false, 0},
		{"evaluator", &User{Roles: []Role{RoleEvaluator}}, 30, false, false, 0},
		{"anonymous", nil, 30, false, false, 0},
	} {
		if got := CanSeeOpinionRequest(tc.u, call, tc.embassy); got != tc.see {
			t.Errorf("%s: CanSeeOpinionRequest got %v; want %v", tc.name, got, tc.see)
		}
		if got := CanListAllOpinionRequests(tc.u); got != tc.all {
			t.Errorf("%s: CanListAllOpinionRequests got %v; want %v", tc.name, got, tc.all)
		}
		if got := len(EmbassiesOf(tc.u)); got != tc.staffOf {
			t.Errorf("%s: EmbassiesOf got %d; want %d", tc.name, got, tc.staffOf)
		}
	}
}
