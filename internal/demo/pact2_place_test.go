package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// TestLoadPACT2Places: every demo request that names a place has it
// stored, and a labelled authority that worked there scores the matching's
// region factor, so that the demo's mission pages show it.
func TestLoadPACT2Places(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	db.Now = func() time.Time { return fixedNow }
	if err := Load(ctx, db, Options{}); err != nil {
		t.Fatal(err)
	}
	profiles, err := db.ExpertiseProfiles(ctx, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	specs := slices.Clone(pact2Requests)
	for _, c := range pact2Completed {
		specs = append(specs, c.missionSpec)
	}
	placed := 0
	for _, spec := range specs {
		if spec.terms.Place == "" {
			continue
		}
		placed++
		m, err := (&pact2Loader{db: db}).findMission(ctx, spec.terms.Need)
		if err != nil || m == nil {
			t.Fatalf("request in %s: %v, %v", spec.terms.Place, m, err)
		}
		if m.Place != spec.terms.Place {
			t.Errorf("request in %s: place %q", spec.terms.Place, m.Place)
		}
		ranked := coopdec.RankExpertise(coopdec.MatchRequest{Country: m.Country, Region: m.Place, Themes: m.Themes,
			Languages: m.Languages, WindowFrom: m.From, WindowTo: m.To, DurationDays: m.DurationDays}, profiles, fixedNow, 0)
		var worked []string
		for _, r := range ranked {
			if slices.ContainsFunc(r.Factors, func(f coopdec.MatchFactor) bool {
				return f.Key == "matching.factor.region" && f.Points == f.Max && f.Max > 0
			}) {
				worked = append(worked, r.Name)
			}
		}
		if len(worked) == 0 {
			t.Errorf("request in %s: no labelled authority scores the place", m.Place)
		}
	}
	if placed < 5 {
		t.Errorf("%d demo requests name a place; want most of them", placed)
	}
	proposals, _, err := db.ListMissionProposals(ctx, sqldb.ProposalFilter{All: true}, coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range proposals {
		if p.Place == "" {
			t.Errorf("proposal of %s to %s: no place", p.AuthorityName, p.PartnerName)
		}
	}
}

// TestLoadPACT2LabelValidity: the demo grants its labels for the validity
// the server is configured with, and those meant to expire soon still do.
func TestLoadPACT2LabelValidity(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	db.Now = func() time.Time { return fixedNow }
	if err := Load(ctx, db, Options{LabelValidityYears: 5}); err != nil {
		t.Fatal(err)
	}
	valid, err := db.ValidLabels(ctx, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	granted, expiring := 0, 0
	for _, spec := range pact2Labels {
		if spec.state == coopdec.LabelGranted {
			granted++
			if spec.expiringInDays > 0 {
				expiring++
			}
		}
	}
	soon := 0
	for _, l := range valid {
		if want := coopdec.LabelExpiry(l.GrantedAt, 5); !l.ExpiresAt.Equal(want) {
			t.Errorf("%s: granted %v, expires %v; want five years later, %v", l.OrganisationName, l.GrantedAt, l.ExpiresAt, want)
		}
		if l.ExpiresAt.Before(fixedNow.AddDate(0, 0, 90)) {
			soon++
		}
	}
	if len(valid) != granted || soon != expiring {
		t.Errorf("valid labels: %d, %d expiring within 90 days; want %d, %d", len(valid), soon, granted, expiring)
	}
}
