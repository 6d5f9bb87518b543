package demo

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// pact2Counts is what the PACT2 demo holds, per kind and state.
type pact2Counts struct {
	labels, missions, proposals map[string]int
	priorityVersions            map[string]int
}

func (c pact2Counts) String() string {
	return fmt.Sprintf("labels %v, missions %v, proposals %v, priorities %v", c.labels, c.missions, c.proposals, c.priorityVersions)
}

func (c pact2Counts) equal(o pact2Counts) bool {
	eq := func(a, b map[string]int) bool {
		if len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if b[k] != v {
				return false
			}
		}
		return true
	}
	return eq(c.labels, o.labels) && eq(c.missions, o.missions) && eq(c.proposals, o.proposals) && eq(c.priorityVersions, o.priorityVersions)
}

func countPACT2(t *testing.T, db *sqldb.DB) pact2Counts {
	t.Helper()
	ctx := context.Background()
	c := pact2Counts{labels: map[string]int{}, missions: map[string]int{}, proposals: map[string]int{}, priorityVersions: map[string]int{}}
	for _, s := range coopdec.LabelStates {
		_, page, err := db.ListLabelApplications(ctx, sqldb.LabelFilter{State: s}, coopdec.NewPage(1, 1))
		if err != nil {
			t.Fatal(err)
		}
		if page.Total > 0 {
			c.labels[string(s)] = page.Total
		}
	}
	for _, s := range coopdec.MissionStates {
		_, page, err := db.ListMissionRequests(ctx, sqldb.MissionFilter{All: true, State: s}, coopdec.NewPage(1, 1))
		if err != nil {
			t.Fatal(err)
		}
		if page.Total > 0 {
			c.missions[string(s)] = page.Total
		}
	}
	for _, s := range coopdec.ProposalStates {
		_, page, err := db.ListMissionProposals(ctx, sqldb.ProposalFilter{All: true, State: s}, coopdec.NewPage(1, 1))
		if err != nil {
			t.Fatal(err)
		}
		if page.Total > 0 {
			c.proposals[string(s)] = page.Total
		}
	}
	for _, p := range pact2Priorities {
		cp, err := db.CountryPriorities(ctx, p.country)
		if err != nil {
			t.Fatal(err)
		}
		c.priorityVersions[p.country] = cp.Version
	}
	return c
}

func TestLoadPACT2(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	db.Now = func() time.Time { return fixedNow }
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Blobs: blobs}
	if err := Load(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	first := countPACT2(t, db)
	want := pact2Counts{
		labels:           map[string]int{"granted": 13, "submitted": 1, "changes_requested": 1, "refused": 1},
		missions:         map[string]int{"open": 2, "invited": 1, "replied": 1, "selected": 5},
		proposals:        map[string]int{"pending": 1, "accepted": 1, "declined": 1},
		priorityVersions: map[string]int{"IN": 1, "BR": 1, "AR": 1, "TN": 1, "LB": 1},
	}
	if !first.equal(want) {
		t.Errorf("after a load: %v; want %v", first, want)
	}
	// Loaded again later, nothing is added.
	db.Now = func() time.Time { return fixedNow.Add(26 * time.Hour) }
	if err := Load(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	if again := countPACT2(t, db); !again.equal(first) {
		t.Errorf("after a second load: %v; want %v", again, first)
	}
	db.Now = func() time.Time { return fixedNow }

	org := func(key string) int64 {
		t.Helper()
		for _, spec := range organisations {
			if spec.key != key {
				continue
			}
			o := spec.org
			var found *coopdec.Organisation
			var err error
			if o.SIREN != "" {
				found, err = db.OrganisationBySIREN(ctx, o.SIREN)
			} else {
				found, err = findByName(ctx, db, o)
			}
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			return found.ID
		}
		t.Fatalf("no organisation %s", key)
		return 0
	}

	// Every application is its authority's only one, in its state; every
	// granted label is valid: complete, numbered, not expired.
	valid, err := db.ValidLabels(ctx, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	number := regexp.MustCompile(`^PACT2-LBL-\d{4}-\d{4}$`)
	numbers := map[string]bool{}
	expiringSoon := 0
	for _, spec := range pact2Labels {
		list, err := db.LabelApplicationsOf(ctx, org(spec.org))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].State != spec.state {
			t.Errorf("%s: %d applications, first %+v; want one %s", spec.org, len(list), list, spec.state)
			continue
		}
		a := list[0]
		if spec.reason != "" && a.Reason != spec.reason {
			t.Errorf("%s: reason %q; want %q", spec.org, a.Reason, spec.reason)
		}
		if spec.state != coopdec.LabelGranted {
			continue
		}
		if !slices.ContainsFunc(valid, func(v sqldb.LabelListing) bool { return v.ID == a.ID }) {
			t.Errorf("%s: granted label %d not among the valid labels", spec.org, a.ID)
		}
		if !number.MatchString(a.Number) || numbers[a.Number] {
			t.Errorf("%s: number %q malformed or repeated", spec.org, a.Number)
		}
		numbers[a.Number] = true
		if !a.ExpiresAt.After(fixedNow) || !a.GrantedAt.Before(fixedNow.Add(time.Second)) {
			t.Errorf("%s: granted %v, expires %v; want granted by %v and valid", spec.org, a.GrantedAt, a.ExpiresAt, fixedNow)
		}
		if !a.ExpiresAt.Equal(coopdec.LabelExpiry(a.GrantedAt, coopdec.LabelValidityYears)) {
			t.Errorf("%s: expires %v; want three years after %v", spec.org, a.ExpiresAt, a.GrantedAt)
		}
		app := a.LabelApplication
		if err := app.Validate(true, a.SubmittedAt.Year()); err != nil {
			t.Errorf("%s: granted label incomplete: %v", spec.org, err)
		}
		if a.ExpiresAt.Before(fixedNow.AddDate(0, 0, 90)) {
			expiringSoon++
			if spec.expiringInDays == 0 {
				t.Errorf("%s: expires %v, within 90 days", spec.org, a.ExpiresAt)
			}
		}
	}
	if len(valid) != 13 || expiringSoon != 1 {
		t.Errorf("%d valid labels, %d expiring within 90 days; want 13, 1", len(valid), expiringSoon)
	}

	// The requests, each at its stage.
	requests, _, err := db.ListMissionRequests(ctx, sqldb.MissionFilter{All: true}, coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	byNeed := func(need string) *coopdec.MissionRequest {
		t.Helper()
		for i := range requests {
			if requests[i].Need == need {
				return &requests[i]
			}
		}
		t.Fatalf("no request %.40q…", need)
		return nil
	}
	stages := []coopdec.MissionState{coopdec.MissionOpen, coopdec.MissionOpen, coopdec.MissionInvited, coopdec.MissionReplied, coopdec.MissionSelected}
	for i, spec := range pact2Requests {
		m := byNeed(spec.terms.Need)
		if m.State != stages[i] {
			t.Errorf("request in %s: %s; want %s", m.Country, m.State, stages[i])
		}
		rec, err := db.MissionRequest(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Invitations) != len(spec.invite) || len(rec.Replies) != len(spec.replies) {
			t.Errorf("request in %s: %d invitations, %d replies; want %d, %d", m.Country, len(rec.Invitations), len(rec.Replies), len(spec.invite), len(spec.replies))
		}
		for _, r := range rec.Replies {
			if r.Interested && len(r.Experts) == 0 {
				t.Errorf("request in %s: interested reply without experts", m.Country)
			}
		}
		if spec.selects != "" && m.AuthorityID != org(spec.selects) {
			t.Errorf("request in %s went to %d; want %s", m.Country, m.AuthorityID, spec.selects)
		}
	}
	if m := byNeed(pact2Requests[1].terms.Need); m.EmbassyID != org("embassy-tn") || m.Country != "TN" {
		t.Errorf("the embassy's request: embassy %d, country %s; want the embassy in Tunisia's, TN", m.EmbassyID, m.Country)
	}
	proposals, _, err := db.ListMissionProposals(ctx, sqldb.ProposalFilter{All: true}, coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range pact2Proposals {
		i := slices.IndexFunc(proposals, func(p sqldb.ProposalRecord) bool { return p.Need == spec.terms.Need })
		if i < 0 {
			t.Fatalf("no proposal of %s", spec.org)
		}
		p := proposals[i]
		if p.State != spec.state || p.AuthorityID != org(spec.org) || p.Reason != spec.reason {
			t.Errorf("proposal of %s: %s by %d, reason %q; want %s, %q", spec.org, p.State, p.AuthorityID, p.Reason, spec.state, spec.reason)
		}
		if spec.state == coopdec.ProposalAccepted {
			m, err := db.MissionRequest(ctx, p.RequestID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Request.State != coopdec.MissionSelected || m.Request.AuthorityID != p.AuthorityID {
				t.Errorf("accepted proposal's request: %s to %d", m.Request.State, m.Request.AuthorityID)
			}
		}
	}

	// Each country page shows a priority nobody covers and work outside
	// the priorities, with the labels' experience, the missions and the
	// funded projects as the synergies weigh them.
	for _, p := range pact2Priorities {
		cp, err := db.CountryPriorities(ctx, p.country)
		if err != nil {
			t.Fatal(err)
		}
		in := coopdec.SynergyInput{Priorities: cp.Priorities}
		for _, pr := range cp.Priorities {
			if pr.Texts["fr"] == "" || pr.Texts["en"] == "" {
				t.Errorf("%s: priority %s without its French and English texts", p.country, pr.Theme)
			}
		}
		for _, v := range valid {
			if slices.Contains(v.Countries, p.country) {
				in.Experience = append(in.Experience, coopdec.AuthorityWork{OrganisationID: v.OrganisationID, Name: v.OrganisationName, Themes: v.Themes})
			}
		}
		for _, m := range requests {
			if m.Country == p.country {
				in.Missions = append(in.Missions, coopdec.AuthorityWork{OrganisationID: m.AuthorityID, Themes: m.Themes})
			}
		}
		funded, err := db.FundedProjects(ctx, p.country)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range funded {
			in.Projects = append(in.Projects, coopdec.AuthorityWork{OrganisationID: f.LeadID, Name: f.LeadName, Themes: f.Themes})
		}
		s := coopdec.AnalyseSynergies(in)
		last := cp.Priorities[len(cp.Priorities)-1]
		if !slices.ContainsFunc(s.Uncovered, func(u coopdec.CountryPriority) bool { return u.Theme == last.Theme }) {
			t.Errorf("%s: priority %s covered; want it uncovered (uncovered: %+v)", p.country, last.Theme, s.Uncovered)
		}
		if !slices.ContainsFunc(s.Outside, func(w coopdec.KindedWork) bool { return w.Kind == coopdec.WorkExperience }) {
			t.Errorf("%s: no labelled authority's experience outside the priorities", p.country)
		}
	}
}

// TestLoadPACT2EveryDay loads the PACT2 demo on the days the demo may be
// loaded on: past grants and windows of dates stay valid around a year's
// end and the changes of time.
func TestLoadPACT2EveryDay(t *testing.T) {
	for _, now := range testNows[1:] {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) {
			ctx := context.Background()
			db := sqldbtest.Open(t)
			db.Now = func() time.Time { return now }
			if err := Load(ctx, db, Options{}); err != nil {
				t.Fatal(err)
			}
			c := countPACT2(t, db)
			if c.labels["granted"] != 13 || c.missions["selected"] != 5 || c.proposals["declined"] != 1 {
				t.Errorf("%v", c)
			}
			valid, err := db.ValidLabels(ctx, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(valid) != 13 {
				t.Errorf("%d valid labels; want 13", len(valid))
			}
		})
	}
}
