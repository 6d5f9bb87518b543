package coopdec

import (
	"strings"
	"testing"
	"time"
)

func validTerms() MissionTerms {
	return MissionTerms{Country: "sn", PartnerName: " Commune de Saint-Louis ", Themes: []string{"Urban_Development", "urban_development"},
		Need: "Planification urbaine.", From: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC),
		DurationDays: 10, Languages: []string{"FR", "wo"}, BudgetCents: 100_000}
}

func TestMissionTermsValidate(t *testing.T) {
	ok := validTerms()
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid terms: got %v; want nil", err)
	}
	if ok.Country != "SN" || ok.PartnerName != "Commune de Saint-Louis" || len(ok.Themes) != 1 || ok.Languages[0] != "fr" {
		t.Fatalf("normalised: got %+v", ok)
	}
	tests := []struct {
		name, field, key string
		edit             func(*MissionTerms)
	}{
		{"no country", "country", "mission.country.required", func(m *MissionTerms) { m.Country = "" }},
		{"unknown country", "country", "mission.country.invalid", func(m *MissionTerms) { m.Country = "XX" }},
		{"France", "country", "mission.country.invalid", func(m *MissionTerms) { m.Country = "FR" }},
		{"no partner", "partner_name", "mission.text.required", func(m *MissionTerms) { m.PartnerName = " " }},
		{"no theme", "themes", "mission.themes.required", func(m *MissionTerms) { m.Themes = nil }},
		{"unknown theme", "themes", "mission.themes.invalid", func(m *MissionTerms) { m.Themes = []string{"astrology"} }},
		{"no need", "need", "mission.text.required", func(m *MissionTerms) { m.Need = "" }},
		{"no start", "from", "mission.from.required", func(m *MissionTerms) { m.From = time.Time{} }},
		{"end before start", "to", "mission.to.before_from", func(m *MissionTerms) { m.To = m.From.AddDate(0, 0, -1) }},
		{"zero days", "duration_days", "mission.duration.invalid", func(m *MissionTerms) { m.DurationDays = 0 }},
		{"longer than window", "duration_days", "mission.duration.window", func(m *MissionTerms) { m.DurationDays = 11 }},
		{"no language", "languages", "mission.languages.required", func(m *MissionTerms) { m.Languages = nil }},
		{"bad language", "languages", "mission.languages.invalid", func(m *MissionTerms) { m.Languages = []string{"french"} }},
		{"unknown language", "languages", "mission.languages.invalid", func(m *MissionTerms) { m.Languages = []string{"qq"} }},
		{"no budget", "budget_cents", "mission.budget.invalid", func(m *MissionTerms) { m.BudgetCents = 0 }},
		{"place too long", "place", "mission.place.too_long", func(m *MissionTerms) { m.Place = strings.Repeat("é", 301) }},
		{"place unreadable", "place", "mission.text.invalid", func(m *MissionTerms) { m.Place = "Saint-Louis \xff" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validTerms()
			tt.edit(&m)
			errs, _ := m.Validate().(Errors)
			if len(errs) != 1 || errs[0].Field != tt.field || errs[0].Key != tt.key {
				t.Fatalf("got %v; want one error %s %s", errs, tt.field, tt.key)
			}
		})
	}
}

func TestMissionTermsPlace(t *testing.T) {
	tests := []struct {
		name, place, want string
	}{
		{"none", "", ""},
		{"blank", " \t ", ""},
		{"trimmed", "  Saint-Louis ", "Saint-Louis"},
		{"spaces collapsed", "Pune,\n   Maharashtra", "Pune, Maharashtra"},
		{"at the bound", strings.Repeat("é", 300), strings.Repeat("é", 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validTerms()
			m.Place = tt.place
			if err := m.Validate(); err != nil {
				t.Fatalf("got %v; want nil", err)
			}
			if m.Place != tt.want {
				t.Errorf("place: got %q; want %q", m.Place, tt.want)
			}
		})
	}
}

func TestMissionReplyValidate(t *testing.T) {
	tests := []struct {
		name  string
		reply MissionReply
		key   string
	}{
		{"interested with expert", MissionReply{Interested: true, Experts: []MissionExpert{{Name: "Anne", Languages: []string{"fr"}}}}, ""},
		{"not interested", MissionReply{Comment: "Pas disponible."}, ""},
		{"interested without expert", MissionReply{Interested: true, Experts: []MissionExpert{{}}}, "mission.reply.experts.required"},
		{"expert without name", MissionReply{Interested: true, Experts: []MissionExpert{{Role: "Ingénieur"}}}, "mission.reply.expert.name.required"},
		{"not interested with experts", MissionReply{Experts: []MissionExpert{{Name: "Anne"}}}, "mission.reply.experts.not_interested"},
		{"bad language", MissionReply{Interested: true, Experts: []MissionExpert{{Name: "Anne", Languages: []string{"xyz"}}}}, "mission.languages.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.reply.Validate()
			key, _ := ErrorKey(err)
			if tt.key == "" && err != nil || tt.key != "" && key != tt.key {
				t.Fatalf("got %v; want %q", err, tt.key)
			}
		})
	}
}

func TestMissionPermissions(t *testing.T) {
	const senegal, mali, lyon, nantes = 1, 2, 10, 11
	embassies := []Organisation{{ID: senegal, Kind: OrgEmbassy, Country: "SN"}}
	officer := MissionViewer{User: &User{ID: 1, Roles: []Role{RoleOfficer}}}
	embassy := MissionViewer{User: &User{ID: 2, Roles: []Role{RoleEmbassy},
		Memberships: []Membership{{OrganisationID: senegal, OrganisationKind: OrgEmbassy}}}, Embassies: embassies}
	// A member of the embassy without the embassy role does not act for it.
	clerk := MissionViewer{User: &User{ID: 3, Memberships: []Membership{{OrganisationID: senegal, OrganisationKind: OrgEmbassy}}}, Embassies: embassies}
	lyonMember := MissionViewer{User: &User{ID: 4, Memberships: []Membership{{OrganisationID: lyon, OrganisationKind: OrgFrenchAuthority}}}}
	nantesMember := MissionViewer{User: &User{ID: 5, Memberships: []Membership{{OrganisationID: nantes, OrganisationKind: OrgFrenchAuthority}}}}
	anonymous := MissionViewer{}

	bySenegal := &MissionRequest{ID: 1, MissionTerms: MissionTerms{Country: "SN"}, EmbassyID: senegal, State: MissionInvited}
	forSenegal := &MissionRequest{ID: 2, MissionTerms: MissionTerms{Country: "SN"}, State: MissionOpen}
	forMali := &MissionRequest{ID: 3, MissionTerms: MissionTerms{Country: "ML"}, State: MissionOpen, EmbassyID: mali}
	invited := []int64{lyon}

	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"officer creates for Mali", CanCreateMissionRequest(officer, "ML"), true},
		{"embassy creates for its country", CanCreateMissionRequest(embassy, "SN"), true},
		{"embassy creates for another country", CanCreateMissionRequest(embassy, "ML"), false},
		{"clerk creates", CanCreateMissionRequest(clerk, "SN"), false},
		{"authority creates", CanCreateMissionRequest(lyonMember, "SN"), false},
		{"anonymous creates", CanCreateMissionRequest(anonymous, "SN"), false},
		{"officer lists", CanListMissionRequests(officer), true},
		{"embassy lists", CanListMissionRequests(embassy), true},
		{"authority lists", CanListMissionRequests(lyonMember), false},
		{"officer sees any", CanSeeMissionRequest(officer, forMali, nil), true},
		{"embassy sees its own", CanSeeMissionRequest(embassy, bySenegal, nil), true},
		{"embassy sees its country's", CanSeeMissionRequest(embassy, forSenegal, nil), true},
		{"embassy does not see Mali's", CanSeeMissionRequest(embassy, forMali, nil), false},
		{"invited authority sees", CanSeeMissionRequest(lyonMember, bySenegal, invited), true},
		{"other authority does not see", CanSeeMissionRequest(nantesMember, bySenegal, invited), false},
		{"authority the mission went to sees", CanSeeMissionRequest(nantesMember, &MissionRequest{AuthorityID: nantes}, nil), true},
		{"anonymous does not see", CanSeeMissionRequest(anonymous, forSenegal, nil), false},
		{"officer manages", CanManageMissionRequest(officer, bySenegal), true},
		{"embassy does not manage", CanManageMissionRequest(embassy, bySenegal), false},
		{"embassy reads replies", CanSeeMissionReplies(embassy, bySenegal), true},
		{"authority does not read all replies", CanSeeMissionReplies(lyonMember, bySenegal), false},
		{"member proposes for its authority", CanProposeMission(lyonMember.User, lyon), true},
		{"member proposes for another", CanProposeMission(lyonMember.User, nantes), false},
		{"officer reviews proposals", CanReviewMissionProposal(officer.User), true},
		{"member reviews proposals", CanReviewMissionProposal(lyonMember.User), false},
		{"member sees its proposal", CanSeeMissionProposal(lyonMember.User, &MissionProposal{AuthorityID: lyon}), true},
		{"member sees another's proposal", CanSeeMissionProposal(nantesMember.User, &MissionProposal{AuthorityID: lyon}), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v; want %v", tt.name, tt.got, tt.want)
		}
	}

	reply := func() *MissionReply {
		return &MissionReply{Interested: true, Experts: []MissionExpert{{Name: "Anne"}}}
	}
	replies := []struct {
		name      string
		v         MissionViewer
		m         *MissionRequest
		authority int64
		replied   bool
		code      string
	}{
		{"invited member replies", lyonMember, bySenegal, lyon, false, ""},
		{"twice", lyonMember, bySenegal, lyon, true, ECONFLICT},
		{"for another authority", lyonMember, bySenegal, nantes, false, EFORBIDDEN},
		{"not invited", nantesMember, bySenegal, nantes, false, ENOTFOUND},
		{"closed", lyonMember, &MissionRequest{ID: 1, State: MissionSelected}, lyon, false, ECONFLICT},
		{"officer for an authority", officer, bySenegal, lyon, false, EFORBIDDEN},
	}
	for _, tt := range replies {
		if got := ErrorCode(CheckMissionReply(tt.v, tt.m, tt.authority, invited, tt.replied, reply())); got != tt.code {
			t.Errorf("reply %s: got %q; want %q", tt.name, got, tt.code)
		}
	}
	sel := []struct {
		name string
		v    MissionViewer
		r    *MissionReply
		code string
	}{
		{"officer selects", officer, &MissionReply{RequestID: 1, Interested: true}, ""},
		{"embassy selects", embassy, &MissionReply{RequestID: 1, Interested: true}, EFORBIDDEN},
		{"reply to another request", officer, &MissionReply{RequestID: 2, Interested: true}, ENOTFOUND},
		{"not interested", officer, &MissionReply{RequestID: 1}, ECONFLICT},
	}
	for _, tt := range sel {
		if got := ErrorCode(CheckMissionSelect(tt.v, bySenegal, tt.r)); got != tt.code {
			t.Errorf("select %s: got %q; want %q", tt.name, got, tt.code)
		}
	}
	invite := []struct {
		name string
		orgs []Organisation
		code string
	}{
		{"authority", []Organisation{{ID: lyon, Kind: OrgFrenchAuthority}}, ""},
		{"none", nil, EINVALID},
		{"embassy", []Organisation{{ID: senegal, Kind: OrgEmbassy}}, EINVALID},
	}
	for _, tt := range invite {
		if got := ErrorCode(CheckMissionInvite(officer, bySenegal, tt.orgs)); got != tt.code {
			t.Errorf("invite %s: got %q; want %q", tt.name, got, tt.code)
		}
	}
	if got := ErrorCode(CheckMissionInvite(officer, &MissionRequest{State: MissionCancelled}, invite[0].orgs)); got != ECONFLICT {
		t.Errorf("invite on a cancelled request: got %q; want conflict", got)
	}
}

func TestProposalReview(t *testing.T) {
	pending := &MissionProposal{State: ProposalPending}
	reason := "  "
	if got := ErrorCode(CheckProposalReview(pending, false, &reason)); got != EINVALID {
		t.Errorf("decline without reason: got %q; want invalid", got)
	}
	reason = " Hors priorités "
	if err := CheckProposalReview(pending, false, &reason); err != nil || reason != "Hors priorités" {
		t.Errorf("decline: got %v %q", err, reason)
	}
	reason = ""
	if err := CheckProposalReview(pending, true, &reason); err != nil {
		t.Errorf("accept: got %v", err)
	}
	if got := ErrorCode(CheckProposalReview(&MissionProposal{State: ProposalAccepted}, true, &reason)); got != ECONFLICT {
		t.Errorf("review twice: got %q; want conflict", got)
	}
}
