package coopdec

import "testing"

func TestCanSeeMissionMatches(t *testing.T) {
	embassy := func(id int64) *User {
		return &User{ID: 2, Roles: []Role{RoleEmbassy}, Memberships: []Membership{{OrganisationID: id, OrganisationKind: OrgEmbassy}}}
	}
	authority := &User{ID: 3, Memberships: []Membership{{OrganisationID: 30, OrganisationKind: OrgFrenchAuthority}}}
	fromEmbassy := &MissionRequest{ID: 1, EmbassyID: 10, AuthorityID: 30, MissionTerms: MissionTerms{Country: "SN"}}
	fromMinistry := &MissionRequest{ID: 2, MissionTerms: MissionTerms{Country: "SN"}}
	tests := []struct {
		name string
		v    MissionViewer
		m    *MissionRequest
		want bool
	}{
		{"officer", MissionViewer{User: &User{ID: 1, Roles: []Role{RoleOfficer}}}, fromMinistry, true},
		{"requesting embassy", MissionViewer{User: embassy(10)}, fromEmbassy, true},
		{"other embassy", MissionViewer{User: embassy(11)}, fromEmbassy, false},
		{"embassy on a ministry request", MissionViewer{User: embassy(10)}, fromMinistry, false},
		{"embassy member without the role", MissionViewer{User: &User{ID: 4, Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgEmbassy}}}}, fromEmbassy, false},
		{"authority chosen", MissionViewer{User: authority}, fromEmbassy, false},
		{"anonymous", MissionViewer{}, fromMinistry, false},
		{"no request", MissionViewer{User: &User{ID: 1, Roles: []Role{RoleOfficer}}}, nil, false},
	}
	for _, tt := range tests {
		if got := CanSeeMissionMatches(tt.v, tt.m); got != tt.want {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestPublicMission(t *testing.T) {
	for _, tt := range []struct {
		m    *MissionRequest
		want bool
	}{
		{&MissionRequest{State: MissionSelected, AuthorityID: 3}, true},
		{&MissionRequest{State: MissionSelected}, false},
		{&MissionRequest{State: MissionOpen}, false},
		{&MissionRequest{State: MissionInvited, AuthorityID: 3}, false},
		{&MissionRequest{State: MissionReplied}, false},
		{&MissionRequest{State: MissionCancelled}, false},
		{nil, false},
	} {
		if got := PublicMission(tt.m); got != tt.want {
			t.Errorf("PublicMission(%+v) = %v; want %v", tt.m, got, tt.want)
		}
	}
}
