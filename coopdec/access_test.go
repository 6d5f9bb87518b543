package coopdec

import "testing"

func TestAccessRules(t *testing.T) {
	const lyon, marseille = 1, 2
	var (
		anon      *User
		nobody    = &User{ID: 1}
		lyonMem   = &User{ID: 2, Memberships: []Membership{{OrganisationID: lyon, Role: MemberRoleMember}}}
		lyonAdmin = &User{ID: 3, Memberships: []Membership{{OrganisationID: lyon, Role: MemberRoleAdmin}}}
		officer   = &User{ID: 4, Roles: []Role{RoleOfficer}}
		coManager = &User{ID: 5, Roles: []Role{RoleCoManager}}
		evaluator = &User{ID: 6, Roles: []Role{RoleEvaluator}}
		embassy   = &User{ID: 7, Roles: []Role{RoleEmbassy}}
		admin     = &User{ID: 8, Roles: []Role{RoleAdmin}}
	)
	type rule struct {
		name string
		fn   func(*User) bool
	}
	rules := []rule{
		{"CanAdminister", CanAdminister},
		{"CanGrantRole", CanGrantRole},
		{"CanViewOrganisationPrivate(lyon)", func(u *User) bool { return CanViewOrganisationPrivate(u, lyon) }},
		{"CanViewOrganisationPrivate(marseille)", func(u *User) bool { return CanViewOrganisationPrivate(u, marseille) }},
		{"CanEditOrganisation(lyon)", func(u *User) bool { return CanEditOrganisation(u, lyon) }},
		{"CanEditOrganisation(marseille)", func(u *User) bool { return CanEditOrganisation(u, marseille) }},
		{"CanInviteToOrganisation(lyon)", func(u *User) bool { return CanInviteToOrganisation(u, lyon) }},
		{"CanInviteToOrganisation(marseille)", func(u *User) bool { return CanInviteToOrganisation(u, marseille) }},
		{"CanCreateOrganisation", CanCreateOrganisation},
		{"CanInviteWithRole(officer)", func(u *User) bool { return CanInviteWithRole(u, []Role{RoleOfficer}) }},
		{"CanInviteWithRole(none)", func(u *User) bool { return CanInviteWithRole(u, nil) }},
	}
	users := []struct {
		name string
		u    *User
	}{
		{"anonymous", anon}, {"no role", nobody}, {"lyon member", lyonMem}, {"lyon admin", lyonAdmin},
		{"officer", officer}, {"co-manager", coManager}, {"evaluator", evaluator}, {"embassy", embassy}, {"admin", admin},
	}
	// want[rule][user], in the order of users above.
	want := map[string][]bool{
		"CanAdminister":                         {false, false, false, false, false, false, false, false, true},
		"CanGrantRole":                          {false, false, false, false, false, false, false, false, true},
		"CanViewOrganisationPrivate(lyon)":      {false, false, true, true, true, false, false, false, true},
		"CanViewOrganisationPrivate(marseille)": {false, false, false, false, true, false, false, false, true},
		"CanEditOrganisation(lyon)":             {false, false, false, true, false, false, false, false, true},
		"CanEditOrganisation(marseille)":        {false, false, false, false, false, false, false, false, true},
		"CanInviteToOrganisation(lyon)":         {false, false, false, true, false, false, false, false, true},
		"CanInviteToOrganisation(marseille)":    {false, false, false, false, false, false, false, false, true},
		"CanCreateOrganisation":                 {false, false, false, false, true, false, false, false, true},
		"CanInviteWithRole(officer)":            {false, false, false, false, false, false, false, false, true},
		"CanInviteWithRole(none)":               {false, true, true, true, true, true, true, true, true},
	}
	for _, r := range rules {
		for i, u := range users {
			if got := r.fn(u.u); got != want[r.name][i] {
				t.Errorf("%s for %s: got %v; want %v", r.name, u.name, got, want[r.name][i])
			}
		}
	}
}

func TestLoginDelay(t *testing.T) {
	for _, tc := range []struct {
		failures int
		delay    string
		refuse   bool
	}{
		{0, "0s", false}, {2, "0s", false}, {3, "250ms", false}, {4, "500ms", false},
		{6, "2s", false}, {7, "4s", false}, {9, "4s", false}, {10, "0s", true}, {50, "0s", true},
	} {
		d, refuse := LoginDelay(tc.failures)
		if d.String() != tc.delay || refuse != tc.refuse {
			t.Errorf("LoginDelay(%d) = %v, %v; want %s, %v", tc.failures, d, refuse, tc.delay, tc.refuse)
		}
	}
}

func TestSessionValid(t *testing.T) {
	start := mustTime("2026-11-25T08:00:00Z")
	for _, tc := range []struct {
		name          string
		lastSeen, now string
		want          bool
	}{
		{"fresh", "2026-11-25T08:00:00Z", "2026-11-25T08:10:00Z", true},
		{"idle 29 min", "2026-11-25T09:00:00Z", "2026-11-25T09:29:00Z", true},
		{"idle 30 min", "2026-11-25T09:00:00Z", "2026-11-25T09:30:00Z", false},
		{"active but 12 h old", "2026-11-25T19:59:00Z", "2026-11-25T20:00:00Z", false},
		{"active 11 h 59", "2026-11-25T19:50:00Z", "2026-11-25T19:59:00Z", true},
	} {
		if got := SessionValid(start, mustTime(tc.lastSeen), mustTime(tc.now)); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestCanJoinAuthorityBySignup(t *testing.T) {
	for _, tc := range []struct {
		members int
		want    bool
	}{{0, true}, {1, false}, {12, false}} {
		if got := CanJoinAuthorityBySignup(tc.members); got != tc.want {
			t.Errorf("CanJoinAuthorityBySignup(%d) = %v; want %v", tc.members, got, tc.want)
		}
	}
}

func TestCanInvite(t *testing.T) {
	const lyon = 1
	lyonAdmin := &User{ID: 1, Memberships: []Membership{{OrganisationID: lyon, Role: MemberRoleAdmin}}}
	lyonMember := &User{ID: 2, Memberships: []Membership{{OrganisationID: lyon, Role: MemberRoleMember}}}
	officer := &User{ID: 3, Roles: []Role{RoleOfficer}}
	admin := &User{ID: 4, Roles: []Role{RoleAdmin}}
	for _, tc := range []struct {
		name string
		u    *User
		inv  Invitation
		want bool
	}{
		{"Lyon's admin into Lyon", lyonAdmin, Invitation{OrganisationID: lyon}, true},
		{"Lyon's admin into Marseille", lyonAdmin, Invitation{OrganisationID: 2}, false},
		{"Lyon's member into Lyon", lyonMember, Invitation{OrganisationID: lyon}, false},
		{"Lyon's admin with a role", lyonAdmin, Invitation{OrganisationID: lyon, Roles: []Role{RoleEvaluator}}, false},
		{"officer, a new local authority", officer, Invitation{ForLocalAuthority: true}, true},
		{"Lyon's admin, a new local authority", lyonAdmin, Invitation{ForLocalAuthority: true}, false},
		{"officer into Lyon", officer, Invitation{OrganisationID: lyon}, false},
		{"admin with a role", admin, Invitation{Roles: []Role{RoleOfficer}}, true},
		{"anonymous", nil, Invitation{ForLocalAuthority: true}, false},
	} {
		if got := CanInvite(tc.u, &tc.inv); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}
