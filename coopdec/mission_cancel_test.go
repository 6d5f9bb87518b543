package coopdec

import (
	"strings"
	"testing"
)

func TestCheckMissionCancel(t *testing.T) {
	sn := Organisation{ID: 10, Kind: OrgEmbassy, Country: "SN"}
	ml := Organisation{ID: 11, Kind: OrgEmbassy, Country: "ML"}
	officer := MissionViewer{User: &User{ID: 1, Roles: []Role{RoleOfficer}}}
	embassySN := MissionViewer{User: &User{ID: 3, Roles: []Role{RoleEmbassy},
		Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgEmbassy}}}, Embassies: []Organisation{sn}}
	embassyML := MissionViewer{User: &User{ID: 6, Roles: []Role{RoleEmbassy},
		Memberships: []Membership{{OrganisationID: 11, OrganisationKind: OrgEmbassy}}}, Embassies: []Organisation{ml}}
	// A member of the embassy without the embassy role acts for nobody.
	noRole := MissionViewer{User: &User{ID: 7, Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgEmbassy}}},
		Embassies: []Organisation{sn}}
	lyon := MissionViewer{User: &User{ID: 4, Memberships: []Membership{{OrganisationID: 20, OrganisationKind: OrgFrenchAuthority}}}}

	terms := MissionTerms{Country: "SN", BudgetCents: 1_000_000}
	ministry := func(st MissionState) *MissionRequest {
		return &MissionRequest{ID: 1, MissionTerms: terms, State: st, CreatedBy: 1}
	}
	byEmbassy := func(st MissionState) *MissionRequest {
		return &MissionRequest{ID: 2, MissionTerms: terms, State: st, CreatedBy: 3, EmbassyID: 10}
	}
	selected := byEmbassy(MissionSelected)
	selected.AuthorityID, selected.SelectedReplyID = 20, 9
	// An accepted proposal is a request already given to its authority.
	fromProposal := ministry(MissionSelected)
	fromProposal.AuthorityID, fromProposal.ProposalID = 20, 5

	const why = "  Le partenaire a reporté son projet.  "
	tests := []struct {
		name     string
		v        MissionViewer
		m        *MissionRequest
		hasOrder bool
		reason   string
		code     string
		key      string
	}{
		{"officer, open request", officer, ministry(MissionOpen), false, why, "", ""},
		{"officer, embassy's request with replies", officer, byEmbassy(MissionReplied), false, why, "", ""},
		{"embassy, its own request", embassySN, byEmbassy(MissionInvited), false, why, "", ""},
		{"embassy, the ministry's request in its country", embassySN, ministry(MissionOpen), false, why, EFORBIDDEN, "error.forbidden"},
		{"another embassy", embassyML, byEmbassy(MissionOpen), false, why, EFORBIDDEN, "error.forbidden"},
		{"embassy member without the role", noRole, byEmbassy(MissionOpen), false, why, EFORBIDDEN, "error.forbidden"},
		{"an invited authority", lyon, byEmbassy(MissionInvited), false, why, EFORBIDDEN, "error.forbidden"},
		{"nobody", MissionViewer{}, ministry(MissionOpen), false, why, EFORBIDDEN, "error.forbidden"},
		{"no request", officer, nil, false, why, EFORBIDDEN, "error.forbidden"},
		{"already cancelled", officer, ministry(MissionCancelled), false, why, ECONFLICT, "mission.cancel.already"},
		{"authority selected", officer, selected, false, why, ECONFLICT, "mission.cancel.selected"},
		{"accepted proposal", officer, fromProposal, false, why, ECONFLICT, "mission.cancel.selected"},
		{"order drawn up", officer, ministry(MissionReplied), true, why, ECONFLICT, "mission.cancel.ordered"},
		{"no reason", officer, ministry(MissionOpen), false, "   ", EINVALID, "mission.text.required"},
		{"reason too long", officer, ministry(MissionOpen), false, strings.Repeat("x", missionCommentMax+1), EINVALID, "mission.text.too_long"},
		// Who may comes before what state the request is in: others do not
		// learn that it was selected.
		{"another embassy, selected", embassyML, selected, false, why, EFORBIDDEN, "error.forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := tt.reason
			err := CheckMissionCancel(tt.v, tt.m, tt.hasOrder, &reason)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				if reason != strings.TrimSpace(why) {
					t.Errorf("reason %q; want it trimmed", reason)
				}
				if !CanCancelMissionRequest(tt.v, tt.m) {
					t.Errorf("CanCancelMissionRequest: got false; want true")
				}
				return
			}
			key, _ := ErrorKey(err)
			if ErrorCode(err) != tt.code || key != tt.key {
				t.Fatalf("got %v (code %s, key %s); want %s %s", err, ErrorCode(err), key, tt.code, tt.key)
			}
			if tt.code == EINVALID {
				if errs, _ := err.(Errors); len(errs) != 1 || errs[0].Field != "reason" {
					t.Errorf("got %v; want one error on reason", err)
				}
			}
		})
	}
}
