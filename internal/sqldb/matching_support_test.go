package sqldb

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// grantLabel takes a's application through to its label, made by member.
func (e *labelEnv) grantLabel(t *testing.T, member *coopdec.User, a *coopdec.LabelApplication) {
	t.Helper()
	ctx := context.Background()
	if err := e.db.CreateLabelApplication(ctx, member, a, act(member)); err != nil {
		t.Fatalf("CreateLabelApplication: %v", err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, member, a.ID, act(member)); err != nil {
		t.Fatalf("SubmitLabelApplication: %v", err)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, e.officer, a.ID, coopdec.LabelActionGrant, "", coopdec.LabelValidityYears, act(e.officer), nil); err != nil {
		t.Fatalf("grant: %v", err)
	}
}

func TestExpertiseProfiles(t *testing.T) {
	t.Parallel()
	e := newLabelEnv(t)
	ctx := context.Background()
	lyon := labelContent(e.lyon.ID)
	lyon.References = append(lyon.References, coopdec.LabelReference{Title: "Mission à Ségou", Kind: coopdec.ReferenceMission,
		Country: "ML", FromYear: 2012, ToYear: 2013, Results: "Audit"})
	e.grantLabel(t, e.member, lyon)
	// Marseille's application stays a draft: no profile.
	draft := labelContent(e.marseille.ID)
	if err := e.db.CreateLabelApplication(ctx, e.other, draft, act(e.other)); err != nil {
		t.Fatal(err)
	}

	profiles, err := e.db.ExpertiseProfiles(ctx, e.db.now())
	if err != nil {
		t.Fatalf("ExpertiseProfiles: %v", err)
	}
	if len(profiles) != 1 {
		t.Fatalf("got %d profiles; want Lyon's only", len(profiles))
	}
	p := profiles[0]
	if p.OrganisationID != e.lyon.ID || p.Name != "Lyon" || p.RegionCode != "84" {
		t.Errorf("profile: got %d %q %q; want Lyon in 84", p.OrganisationID, p.Name, p.RegionCode)
	}
	if !slices.Equal(p.Themes, []string{"water_sanitation", "local_governance"}) || !slices.Equal(p.Languages, []string{"fr", "en"}) {
		t.Errorf("themes %v, languages %v", p.Themes, p.Languages)
	}
	if p.Availability.MaxMissionDays != 15 || !p.Availability.From.IsZero() || len(p.PastRatings) != 0 {
		t.Errorf("availability %+v, ratings %v; want 15 days at most, open dates, no rating", p.Availability, p.PastRatings)
	}
	want := []coopdec.CountryExperience{{Country: "ML", FromYear: 2012, ToYear: 2019, Missions: 1}, {Country: "VN", FromYear: 2022, ToYear: 0, Missions: 1}}
	if len(p.Experience) != len(want) {
		t.Fatalf("experience: got %+v; want %+v", p.Experience, want)
	}
	for i := range want {
		g := p.Experience[i]
		if g.Country != want[i].Country || g.FromYear != want[i].FromYear || g.ToYear != want[i].ToYear || g.Missions != want[i].Missions {
			t.Errorf("experience %d: got %+v; want %+v", i, g, want[i])
		}
	}

	// The country page's view of the same labels.
	list, err := e.db.LabelledExperienceIn(ctx, e.db.now(), "ml")
	if err != nil || len(list) != 1 || list[0].OrganisationID != e.lyon.ID || len(list[0].Titles) != 2 || list[0].FromYear != 2012 {
		t.Fatalf("LabelledExperienceIn(ML): got %+v, %v; want Lyon with 2 references from 2012", list, err)
	}
	if list, err := e.db.LabelledExperienceIn(ctx, e.db.now(), "SN"); err != nil || len(list) != 0 {
		t.Fatalf("LabelledExperienceIn(SN): got %+v, %v; want none", list, err)
	}

	// Expired labels no longer count.
	if profiles, err := e.db.ExpertiseProfiles(ctx, e.db.now().AddDate(4, 0, 0)); err != nil || len(profiles) != 0 {
		t.Fatalf("four years on: got %d profiles, %v; want none", len(profiles), err)
	}
}

func TestPublicMissionsIn(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	off := e.viewer(t, e.officer)
	chosen := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	pending := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	pending.PartnerName = "Région de Thiès"
	for _, m := range []*coopdec.MissionRequest{chosen, pending} {
		if err := e.db.CreateMissionRequest(ctx, off, m, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.InviteToMission(ctx, e.jobs, off, m.ID, []int64{e.lyon.ID}, coopdec.Actor{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	reply := &coopdec.MissionReply{Interested: true, Experts: []coopdec.MissionExpert{{Name: "Anne Urbaniste", Role: "Cheffe de projet", Languages: []string{"fr"}}}}
	if err := e.db.ReplyToMission(ctx, e.jobs, e.viewer(t, e.lyonMember), chosen.ID, e.lyon.ID, reply, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SelectMissionReply(ctx, off, chosen.ID, reply.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	list, err := e.db.PublicMissionsIn(ctx, "sn")
	if err != nil || len(list) != 1 {
		t.Fatalf("PublicMissionsIn: got %+v, %v; want the selected mission only", list, err)
	}
	got := list[0]
	if got.ID != chosen.ID || got.AuthorityName != "Métropole de Lyon" || got.PartnerName != "Commune de Saint-Louis" ||
		!slices.Equal(got.Themes, []string{"urban_development"}) || !got.From.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("PublicMissionsIn: got %+v", got)
	}
	if list, err := e.db.PublicMissionsIn(ctx, "ML"); err != nil || len(list) != 0 {
		t.Errorf("PublicMissionsIn(ML): got %+v, %v; want none", list, err)
	}
}
