package coopdec

import (
	"testing"
	"time"
)

func TestCanViewApplication(t *testing.T) {
	submittedAt := time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	call := &Call{ID: 7, CoManagers: []int64{30}}
	other := &Call{ID: 8, CoManagers: []int64{40}}
	draft := &Application{ID: 1, CallID: 7, LeadOrganisationID: 10, Status: ApplicationDraft}
	submitted := &Application{ID: 2, CallID: 7, LeadOrganisationID: 10, Status: ApplicationSubmitted, SubmittedAt: submittedAt}
	withdrawnDraft := &Application{ID: 3, CallID: 7, LeadOrganisationID: 10, Status: ApplicationWithdrawn}
	withdrawn := &Application{ID: 4, CallID: 7, LeadOrganisationID: 10, Status: ApplicationWithdrawn, SubmittedAt: submittedAt}

	lead := &User{ID: 1, Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgFrenchAuthority}}}
	otherAuthority := &User{ID: 2, Memberships: []Membership{{OrganisationID: 11, OrganisationKind: OrgFrenchAuthority}}}
	officer := &User{ID: 3, Roles: []Role{RoleOfficer}}
	coManager := &User{ID: 4, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 30}}}
	otherCoManager := &User{ID: 5, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 40}}}
	memberNoRole := &User{ID: 6, Memberships: []Membership{{OrganisationID: 30}}}
	admin := &User{ID: 7, Roles: []Role{RoleAdmin}}
	evaluator := &User{ID: 8, Roles: []Role{RoleEvaluator}}

	tests := []struct {
		name string
		u    *User
		a    *Application
		c    *Call
		want bool
	}{
		{"lead member sees its draft", lead, draft, call, true},
		{"lead member sees it submitted", lead, submitted, call, true},
		{"lead member sees it withdrawn", lead, withdrawnDraft, call, true},
		{"other authority cannot see a draft", otherAuthority, draft, call, false},
		{"other authority cannot see it submitted", otherAuthority, submitted, call, false},
		{"officer cannot see a draft", officer, draft, call, false},
		{"officer sees it submitted", officer, submitted, call, true},
		{"officer sees it withdrawn after submission", officer, withdrawn, call, true},
		{"officer cannot see one withdrawn before submission", officer, withdrawnDraft, call, false},
		{"co-manager cannot see a draft", coManager, draft, call, false},
		{"co-manager sees it submitted", coManager, submitted, call, true},
		{"co-manager without its call cannot tell", coManager, submitted, nil, false},
		{"co-manager of another call cannot see it", otherCoManager, submitted, call, false},
		{"another call passed does not help", otherCoManager, submitted, other, false},
		{"co-manager's member without the role cannot see it", memberNoRole, submitted, call, false},
		{"admin sees a draft", admin, draft, call, true},
		{"admin sees it submitted", admin, submitted, call, true},
		{"evaluator role alone is not enough", evaluator, submitted, call, false},
		{"visitor", nil, submitted, call, false},
		{"no application", admin, nil, call, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanViewApplication(tt.u, tt.a, tt.c); got != tt.want {
				t.Errorf("CanViewApplication: got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestCanEditApplication(t *testing.T) {
	draft := &Application{ID: 1, CallID: 7, LeadOrganisationID: 10, Status: ApplicationDraft}
	submitted := &Application{ID: 2, CallID: 7, LeadOrganisationID: 10, Status: ApplicationSubmitted, SubmittedAt: time.Now()}
	withdrawn := &Application{ID: 3, CallID: 7, LeadOrganisationID: 10, Status: ApplicationWithdrawn}

	lead := &User{ID: 1, Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgFrenchAuthority, Role: MemberRoleMember}}}
	leadAdmin := &User{ID: 2, Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgFrenchAuthority, Role: MemberRoleAdmin}}}
	otherAuthority := &User{ID: 3, Memberships: []Membership{{OrganisationID: 11, OrganisationKind: OrgFrenchAuthority}}}
	officer := &User{ID: 4, Roles: []Role{RoleOfficer}}
	admin := &User{ID: 5, Roles: []Role{RoleAdmin}}

	tests := []struct {
		name string
		u    *User
		a    *Application
		want bool
	}{
		{"lead member edits its draft", lead, draft, true},
		{"lead organisation admin edits its draft", leadAdmin, draft, true},
		{"lead member cannot edit it submitted", lead, submitted, false},
		{"lead member cannot edit it withdrawn", lead, withdrawn, false},
		{"other authority cannot edit a draft", otherAuthority, draft, false},
		{"officer cannot edit a draft", officer, draft, false},
		{"officer cannot edit it submitted", officer, submitted, false},
		{"admin cannot edit a draft", admin, draft, false},
		{"visitor", nil, draft, false},
		{"no application", lead, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanEditApplication(tt.u, tt.a); got != tt.want {
				t.Errorf("CanEditApplication: got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestCanCreateApplication(t *testing.T) {
	opens := time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)
	deadline := time.Date(2026, time.April, 30, 12, 0, 0, 0, time.UTC)
	during := opens.Add(24 * time.Hour)
	published := &Call{ID: 7, Status: CallPublished, PublishAt: opens.Add(-24 * time.Hour), OpensAt: opens, Deadline: deadline}
	draft := &Call{ID: 8, Status: CallDraft, OpensAt: opens, Deadline: deadline}
	evaluation := &Call{ID: 9, Status: CallEvaluation, OpensAt: opens, Deadline: deadline}

	french := &User{ID: 1, Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgFrenchAuthority}}}
	foreign := &User{ID: 2, Memberships: []Membership{{OrganisationID: 11, OrganisationKind: OrgForeignAuthority}}}
	association := &User{ID: 3, Memberships: []Membership{{OrganisationID: 12, OrganisationKind: OrgAssociation}}}
	both := &User{ID: 4, Memberships: []Membership{
		{OrganisationID: 12, OrganisationKind: OrgAssociation}, {OrganisationID: 10, OrganisationKind: OrgFrenchAuthority}}}
	officer := &User{ID: 5, Roles: []Role{RoleOfficer}}
	admin := &User{ID: 6, Roles: []Role{RoleAdmin}}

	tests := []struct {
		name string
		u    *User
		c    *Call
		now  time.Time
		want bool
	}{
		{"French authority on an open call", french, published, during, true},
		{"member of several organisations, one French authority", both, published, during, true},
		{"at the opening instant", french, published, opens, true},
		{"before the opening", french, published, opens.Add(-time.Second), false},
		{"at the deadline", french, published, deadline, false},
		{"after the deadline", french, published, deadline.Add(time.Hour), false},
		{"draft call", french, draft, during, false},
		{"call under evaluation", french, evaluation, during, false},
		{"foreign authority", foreign, published, during, false},
		{"association", association, published, during, false},
		{"officer", officer, published, during, false},
		{"admin", admin, published, during, false},
		{"visitor", nil, published, during, false},
		{"no call", french, nil, during, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanCreateApplication(tt.u, tt.c, tt.now); got != tt.want {
				t.Errorf("CanCreateApplication: got %v; want %v", got, tt.want)
			}
		})
	}
}
