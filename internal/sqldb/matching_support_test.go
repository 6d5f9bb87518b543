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
		Country: "ML", Place: "Ségou", FromYear: 2012, ToYear: 2013, Results: "Audit"},
		coopdec.LabelReference{Title: "Retour à Ségou", Kind: coopdec.ReferenceProject, Country: "ML", Place: "SÉGOU", FromYear: 2016, ToYear: 2017, Results: "Suivi"})
	lyon.References[0].Place = "Mopti"
	lyon.Conditions.AvailableFrom = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	lyon.Conditions.Unavailable = []coopdec.ExpertiseWindow{{From: time.Date(2026, 7, 14, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC)}}
	e.grantLabel(t, e.member, lyon)
	// The place and the availability are kept with the label.
	stored, err := e.db.LabelApplication(ctx, lyon.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.References[0].Place != "Mopti" || !stored.Conditions.AvailableFrom.Equal(lyon.Conditions.AvailableFrom) ||
		!stored.Conditions.AvailableTo.IsZero() || len(stored.Conditions.Unavailable) != 1 ||
		!stored.Conditions.Unavailable[0].To.Equal(lyon.Conditions.Unavailable[0].To) {
		t.Errorf("stored: got places %+v, conditions %+v", stored.References, stored.Conditions)
	}
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
	if a := p.Availability; a.MaxMissionDays != 15 || !a.From.Equal(lyon.Conditions.AvailableFrom) || !a.To.IsZero() ||
		len(a.Unavailable) != 1 || !a.Unavailable[0].From.Equal(lyon.Conditions.Unavailable[0].From) || len(p.PastRatings) != 0 {
		t.Errorf("availability %+v, ratings %v; want 15 days at most from 1 April, closed from 14 July to 31 August, no rating", p.Availability, p.PastRatings)
	}
	want := []coopdec.CountryExperience{{Country: "ML", Regions: []string{"Mopti", "Ségou"}, FromYear: 2012, ToYear: 2019, Missions: 1},
		{Country: "VN", FromYear: 2022, ToYear: 0, Missions: 1}}
	if len(p.Experience) != len(want) {
		t.Fatalf("experience: got %+v; want %+v", p.Experience, want)
	}
	for i := range want {
		g := p.Experience[i]
		if g.Country != want[i].Country || !slices.Equal(g.Regions, want[i].Regions) || g.FromYear != want[i].FromYear ||
			g.ToYear != want[i].ToYear || g.Missions != want[i].Missions {
			t.Errorf("experience %d: got %+v; want %+v", i, g, want[i])
		}
	}

	// The country page's view of the same labels.
	list, err := e.db.LabelledExperienceIn(ctx, e.db.now(), "ml")
	if err != nil || len(list) != 1 || list[0].OrganisationID != e.lyon.ID || len(list[0].Titles) != 3 || list[0].FromYear != 2012 {
		t.Fatalf("LabelledExperienceIn(ML): got %+v, %v; want Lyon with 3 references from 2012", list, err)
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

// TestExpertiseProfilesFeedMatching shows each factor the profiles now
// carry scoring in coopdec.RankExpertise: the place of a reference, the
// stated availability and the evaluation of a past mission.
func TestExpertiseProfilesFeedMatching(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	// Lyon carried out a mission in Senegal, reported on it and was rated 5.
	e.senegalRate(t)
	done := e.selectedMission(t)
	if err := e.db.SaveMissionOrder(ctx, e.viewer(t, e.officer), done.ID, sampleOrder(), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ApproveMissionOrder(ctx, e.officer, done.ID, e.pact2(t, 1_000_000), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	report := &coopdec.MissionReport{Findings: "Plan à réviser.", Recommendations: "Régie.", FollowUp: "Deuxième mission."}
	if err := e.db.FileMissionReport(ctx, e.viewer(t, e.lyonMember), done.ID, report, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.EvaluateMission(ctx, e.viewer(t, e.embassy), done.ID, &coopdec.MissionEvaluation{Rating: 5}, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}

	// Two labels alike but for the place of their Senegalese reference and
	// what they state of their availability.
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	label := func(org int64, place string, cond func(*coopdec.LabelConditions)) *coopdec.LabelApplication {
		a := &coopdec.LabelApplication{OrganisationID: org,
			Competencies: coopdec.LabelCompetencies{Themes: []string{"urban_development"}, Description: "Urbanisme", Methods: "Ateliers"},
			References: []coopdec.LabelReference{{Title: "Planification urbaine", Kind: coopdec.ReferenceMission, Country: "SN",
				Place: place, FromYear: 2020, ToYear: 2024, Results: "Plan directeur"}},
			Conditions: coopdec.LabelConditions{Staff: "2 urbanistes", Languages: []string{"fr"}, MinDurationDays: 5, SelfCovered: "Salaires"}}
		cond(&a.Conditions)
		return a
	}
	grant := func(member *coopdec.User, a *coopdec.LabelApplication) {
		t.Helper()
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
	grant(e.lyonMember, label(e.lyon.ID, "Saint-Louis", func(c *coopdec.LabelConditions) {
		c.AvailableFrom, c.AvailableTo = day(2027, 1, 1), day(2027, 12, 31)
	}))
	grant(e.nantesMbr, label(e.nantes.ID, "Dakar", func(c *coopdec.LabelConditions) {
		c.Unavailable = []coopdec.ExpertiseWindow{{From: day(2027, 3, 1), To: day(2027, 6, 30)}}
	}))

	now := e.db.now()
	profiles, err := e.db.ExpertiseProfiles(ctx, now)
	if err != nil {
		t.Fatalf("ExpertiseProfiles: %v", err)
	}
	byOrg := map[int64]coopdec.ExpertiseProfile{}
	for _, p := range profiles {
		byOrg[p.OrganisationID] = p
	}
	if got := byOrg[e.lyon.ID].PastRatings; !slices.Equal(got, []int{5}) {
		t.Fatalf("Lyon's ratings: got %v; want [5]", got)
	}
	if got := byOrg[e.nantes.ID].PastRatings; len(got) != 0 {
		t.Fatalf("Nantes' ratings: got %v; want none", got)
	}

	// rank returns each authority's match, and who ranks first.
	rank := func(region string, from, to time.Time) (map[int64]coopdec.ExpertiseMatch, int64) {
		t.Helper()
		req := coopdec.MatchRequest{Country: "SN", Region: region, Themes: []string{"urban_development"}, Languages: []string{"fr"},
			WindowFrom: from, WindowTo: to, DurationDays: 10}
		ranked := coopdec.RankExpertise(req, profiles, now, 0)
		if len(ranked) != 2 {
			t.Fatalf("ranked %d authorities; want 2", len(ranked))
		}
		out := map[int64]coopdec.ExpertiseMatch{}
		for _, m := range ranked {
			out[m.OrganisationID] = m
		}
		return out, ranked[0].OrganisationID
	}
	factor := func(m coopdec.ExpertiseMatch, key string) (coopdec.MatchFactor, bool) {
		for _, f := range m.Factors {
			if f.Key == key {
				return f, true
			}
		}
		return coopdec.MatchFactor{}, false
	}
	autumn, spring, next := day(2027, 9, 1), day(2027, 3, 1), day(2028, 2, 1)

	// The evaluated authority's rating shows in its explanation, and
	// lifts it when nothing else differs.
	r, first := rank("", autumn, autumn.AddDate(0, 0, 30))
	if f, ok := factor(r[e.lyon.ID], "matching.factor.ratings"); !ok || f.Points != f.Max || len(f.Args) != 2 ||
		f.Args[0] != coopdec.MatchTenthsArg(50) || f.Args[1] != 1 {
		t.Errorf("Lyon's rating factor: got %+v (found %v); want 5.0 from 1 evaluation, full points", f, ok)
	}
	if _, ok := factor(r[e.nantes.ID], "matching.factor.ratings_none"); !ok {
		t.Errorf("Nantes: no ratings_none factor in %+v", r[e.nantes.ID].Factors)
	}
	if first != e.lyon.ID || r[e.lyon.ID].Score <= r[e.nantes.ID].Score {
		t.Errorf("no place asked: Lyon %d, Nantes %d; want Lyon first on its rating", r[e.lyon.ID].Score, r[e.nantes.ID].Score)
	}

	// A mission in the place an authority worked ranks it higher, even
	// against a better rating.
	r, first = rank("dakar", autumn, autumn.AddDate(0, 0, 30))
	if f, ok := factor(r[e.nantes.ID], "matching.factor.region"); !ok || f.Points != f.Max || f.Args[0] != "Dakar" {
		t.Errorf("Nantes' region factor: got %+v (found %v); want Dakar, full points", f, ok)
	}
	if f, _ := factor(r[e.lyon.ID], "matching.factor.region_none"); f.Points != 0 {
		t.Errorf("Lyon's region factor: got %+v; want none", f)
	}
	if first != e.nantes.ID {
		t.Errorf("mission in Dakar: Nantes %d, Lyon %d; want Nantes first", r[e.nantes.ID].Score, r[e.lyon.ID].Score)
	}
	if r, first = rank("Saint Louis", autumn, autumn.AddDate(0, 0, 30)); first != e.lyon.ID || r[e.lyon.ID].Score-r[e.nantes.ID].Score != 15 {
		t.Errorf("mission in Saint-Louis: Lyon %d, Nantes %d; want Lyon first by the place's 10 points and the rating's 5", r[e.lyon.ID].Score, r[e.nantes.ID].Score)
	}

	// An unavailable window over the whole request blocks the authority,
	// and so does a request past the stated period.
	r, first = rank("dakar", spring, day(2027, 6, 30))
	if n := r[e.nantes.ID]; !slices.Equal(n.Blockers, []coopdec.MatchBlocker{coopdec.MatchUnavailable}) || first != e.lyon.ID {
		t.Errorf("spring: Nantes %+v; want blocked as unavailable and ranked after Lyon", n)
	}
	if f, ok := factor(r[e.lyon.ID], "matching.factor.availability_full"); !ok || f.Points != f.Max {
		t.Errorf("spring: Lyon's availability %+v (found %v); want full", f, ok)
	}
	r, first = rank("", next, next.AddDate(0, 0, 30))
	if l := r[e.lyon.ID]; !slices.Equal(l.Blockers, []coopdec.MatchBlocker{coopdec.MatchUnavailable}) || !r[e.nantes.ID].Suitable() || first != e.nantes.ID {
		t.Errorf("2028: Lyon %+v, Nantes %+v; want Lyon unavailable past its stated period, Nantes free", l, r[e.nantes.ID])
	}
	// A window partly closed lowers the score without blocking.
	r, _ = rank("", day(2027, 6, 25), day(2027, 7, 4))
	if f, ok := factor(r[e.nantes.ID], "matching.factor.availability"); !ok || f.Points != 4 || !r[e.nantes.ID].Suitable() {
		t.Errorf("late June: Nantes %+v; want 4 free days of 10, 4 points, not blocked", r[e.nantes.ID])
	}
}

// The profiles kept between calls follow every change: a label granted
// (or revoked) by any process, time passing the first expiry, a clock set
// back before they were built.
func TestExpertiseProfilesCacheFollowsChanges(t *testing.T) {
	t.Parallel()
	e := newLabelEnv(t)
	ctx := context.Background()
	count := func(at time.Time) int {
		t.Helper()
		p, err := e.db.ExpertiseProfiles(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return len(p)
	}
	now := e.db.now()
	if n := count(now); n != 0 {
		t.Fatalf("no label yet: %d profiles", n)
	}
	lyon := labelContent(e.lyon.ID)
	e.grantLabel(t, e.member, lyon)
	if n := count(now); n != 1 {
		t.Fatalf("after Lyon's grant: %d profiles, want 1", n)
	}
	if n := count(now); n != 1 {
		t.Fatalf("kept: %d profiles, want 1", n)
	}
	marseille := labelContent(e.marseille.ID)
	e.grantLabel(t, e.other, marseille)
	if n := count(e.db.now()); n != 2 {
		t.Fatalf("after Marseille's grant: %d profiles, want 2", n)
	}
	// Past the labels' expiry, nobody; set back, both again.
	if n := count(e.db.now().AddDate(coopdec.LabelValidityYears, 1, 0)); n != 0 {
		t.Fatalf("after expiry: %d profiles, want 0", n)
	}
	if n := count(e.db.now()); n != 2 {
		t.Fatalf("clock back: %d profiles, want 2", n)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, e.officer, marseille.ID, coopdec.LabelActionRevoke, "Motif de retrait", 0, act(e.officer), nil); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if n := count(e.db.now()); n != 1 {
		t.Fatalf("after the revocation: %d profiles, want 1", n)
	}
}
