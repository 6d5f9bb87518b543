package sqldb

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

type labelEnv struct {
	db              *DB
	lyon, marseille *coopdec.Organisation
	member, other   *coopdec.User
	officer         *coopdec.User
	offset          *atomic.Int64
}

func newLabelEnv(t *testing.T) *labelEnv {
	t.Helper()
	ctx := context.Background()
	e := &labelEnv{db: openTestDB(t), offset: &atomic.Int64{}}
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.db.Now = func() time.Time { return base.Add(time.Duration(e.offset.Load())) }
	e.lyon = &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84"}
	e.marseille = &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", TerritoryCode: "13055", RegionCode: "93"}
	for _, o := range []*coopdec.Organisation{e.lyon, e.marseille} {
		if err := e.db.CreateOrganisation(ctx, o, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email string, org *coopdec.Organisation, roles ...coopdec.Role) *coopdec.User {
		u := &coopdec.User{Email: email, Name: email, PasswordHash: "x", Roles: roles}
		if err := e.db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		if org != nil {
			if err := e.db.AddMembership(ctx, u.ID, org.ID, coopdec.MemberRoleMember, coopdec.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		u, err := e.db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.member = mk("agent@lyon.fr", e.lyon)
	e.other = mk("agent@marseille.fr", e.marseille)
	e.officer = mk("officer@diplomatie.gouv.fr", nil, coopdec.RoleOfficer)
	return e
}

func (e *labelEnv) move(d time.Duration) { e.offset.Store(int64(d)) }

func labelContent(org int64) *coopdec.LabelApplication {
	return &coopdec.LabelApplication{OrganisationID: org,
		Competencies: coopdec.LabelCompetencies{Themes: []string{"water_sanitation", "local_governance"}, Description: "Régie publique de l'eau", Methods: "Compagnonnage"},
		References: []coopdec.LabelReference{{Title: "Eau potable à Mopti", Kind: coopdec.ReferenceProject, Country: "ML", FromYear: 2015,
			ToYear: 2019, Partners: "Commune de Mopti", Results: "12 forages"}, {Title: "Mission à Hué", Kind: coopdec.ReferenceMission,
			Country: "VN", FromYear: 2022, Results: "Schéma directeur"}},
		Conditions: coopdec.LabelConditions{Staff: "2 ingénieurs", Languages: []string{"fr", "en"}, MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires"},
	}
}

// grant takes a new application of Lyon's through to its label.
func (e *labelEnv) grant(t *testing.T) *LabelRecord {
	t.Helper()
	ctx := context.Background()
	a := labelContent(e.lyon.ID)
	if err := e.db.CreateLabelApplication(ctx, e.member, a, act(e.member)); err != nil {
		t.Fatalf("CreateLabelApplication: %v", err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, e.member, a.ID, act(e.member)); err != nil {
		t.Fatalf("SubmitLabelApplication: %v", err)
	}
	r, err := e.db.ReviewLabel(ctx, nil, e.officer, a.ID, coopdec.LabelActionGrant, "", coopdec.LabelValidityYears, act(e.officer), nil)
	if err != nil {
		t.Fatalf("grant: %v", err)
	}
	return r
}

func TestLabelFlow(t *testing.T) {
	t.Parallel()
	e := newLabelEnv(t)
	ctx := context.Background()
	a := &coopdec.LabelApplication{OrganisationID: e.lyon.ID}
	if err := e.db.CreateLabelApplication(ctx, e.other, a, act(e.other)); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Fatalf("create for another authority: got %v; want forbidden", err)
	}
	if err := e.db.CreateLabelApplication(ctx, e.member, a, act(e.member)); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateLabelApplication(ctx, e.member, &coopdec.LabelApplication{OrganisationID: e.lyon.ID}, act(e.member)); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Fatalf("second open application: got %v; want conflict", err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, e.member, a.ID, act(e.member)); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("submit empty: got %v; want invalid", err)
	}
	full := labelContent(e.lyon.ID)
	full.ID = a.ID
	if err := e.db.UpdateLabelApplication(ctx, e.other, full); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("update by another authority: got %v; want not found", err)
	}
	if err := e.db.UpdateLabelApplication(ctx, e.member, full); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, e.member, a.ID, act(e.member)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, e.officer, a.ID, coopdec.LabelActionRequestChanges, "", 3, act(e.officer), nil); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("changes without a reason: got %v; want invalid", err)
	}
	var mails int
	notify := func(r *LabelRecord, team []DraftHolder) []Job {
		mails += len(team)
		return nil
	}
	r, err := e.db.ReviewLabel(ctx, nil, e.officer, a.ID, coopdec.LabelActionRequestChanges, "Précisez les résultats", 3, act(e.officer), notify)
	if err != nil || r.State != coopdec.LabelChangesRequested || mails != 1 {
		t.Fatalf("request changes: got %v, %v, %d mails; want changes_requested, 1 mail", r, err, mails)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, e.member, a.ID, act(e.member)); err != nil {
		t.Fatal(err)
	}
	r, err = e.db.ReviewLabel(ctx, nil, e.officer, a.ID, coopdec.LabelActionGrant, "", 3, act(e.officer), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Number != "PACT2-LBL-2026-0001" || !r.ExpiresAt.Equal(time.Date(2029, 3, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("granted: got %s expiring %v; want PACT2-LBL-2026-0001 on 2029-03-02", r.Number, r.ExpiresAt)
	}
	hist, err := e.db.LabelReviews(ctx, a.ID)
	if err != nil || len(hist) != 4 || hist[1].Reason != "Précisez les résultats" {
		t.Errorf("history: got %+v, %v", hist, err)
	}
	for _, action := range []string{coopdec.AuditLabelSubmit, coopdec.AuditLabelRequestChanges, coopdec.AuditLabelGrant} {
		evs, _, err := e.db.ListAudit(ctx, AuditFilter{Action: action}, coopdec.NewPage(1, 10))
		if err != nil || len(evs) == 0 {
			t.Errorf("audit %s: got %d events, %v", action, len(evs), err)
		}
	}
	valid, err := e.db.ValidLabels(ctx, e.db.Now())
	if err != nil || len(valid) != 1 || valid[0].RegionCode != "84" || !slices.Equal(valid[0].Countries, []string{"ML", "VN"}) ||
		!slices.Equal(valid[0].Languages, []string{"fr", "en"}) {
		t.Errorf("ValidLabels: got %+v, %v", valid, err)
	}
	// A renewal refers to the label and, once granted, ends it.
	renewal := labelContent(e.lyon.ID)
	if err := e.db.CreateLabelApplication(ctx, e.member, renewal, act(e.member)); err != nil || renewal.RenewsID != a.ID {
		t.Fatalf("renewal: got renews %d, %v; want %d", renewal.RenewsID, err, a.ID)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, e.member, renewal.ID, act(e.member)); err != nil {
		t.Fatal(err)
	}
	r2, err := e.db.ReviewLabel(ctx, nil, e.officer, renewal.ID, coopdec.LabelActionGrant, "", 3, act(e.officer), nil)
	if err != nil || r2.Number != "PACT2-LBL-2026-0002" {
		t.Fatalf("renewal granted: got %v, %v", r2, err)
	}
	old, _ := e.db.LabelApplication(ctx, a.ID)
	if old.State != coopdec.LabelExpired {
		t.Errorf("renewed label: got state %s; want expired", old.State)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, e.officer, renewal.ID, coopdec.LabelActionRevoke, " ", 3, act(e.officer), nil); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("revoke without reason: got %v; want invalid", err)
	}
	if r, err := e.db.ReviewLabel(ctx, nil, e.officer, renewal.ID, coopdec.LabelActionRevoke, "Manquement grave", 3, act(e.officer), nil); err != nil || r.State != coopdec.LabelRevoked {
		t.Fatalf("revoke: got %v, %v", r, err)
	}
	if valid, _ := e.db.ValidLabels(ctx, e.db.Now()); len(valid) != 0 {
		t.Errorf("ValidLabels after revocation: got %d; want 0", len(valid))
	}
	list, page, err := e.db.ListLabelApplications(ctx, LabelFilter{State: coopdec.LabelRevoked}, coopdec.NewPage(1, 10))
	if err != nil || page.Total != 1 || list[0].ID != renewal.ID {
		t.Errorf("ListLabelApplications revoked: got %d, %v", page.Total, err)
	}
}

func TestLabelClock(t *testing.T) {
	t.Parallel()
	e := newLabelEnv(t)
	ctx := context.Background()
	r := e.grant(t)
	var got []int
	remind := func(r *LabelRecord, days int, team []DraftHolder) []Job {
		got = append(got, days)
		return nil
	}
	day := 24 * time.Hour
	untilExpiry := r.ExpiresAt.Sub(e.db.Now())
	for _, step := range []struct {
		at      time.Duration
		want    []int
		expired int
	}{
		{0, nil, 0},
		{untilExpiry - 91*day, nil, 0},
		{untilExpiry - 90*day, []int{90}, 0},
		{untilExpiry - 89*day, []int{90}, 0},
		{untilExpiry - 30*day, []int{90, 30}, 0},
		{untilExpiry - 1*day, []int{90, 30}, 0},
		{untilExpiry, []int{90, 30}, 1},
	} {
		e.move(step.at)
		rep, err := e.db.RunLabelClock(ctx, nil, remind)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, step.want) || rep.Expired != step.expired {
			t.Errorf("at %v: got reminders %v, %d expired; want %v, %d", step.at, got, rep.Expired, step.want, step.expired)
		}
	}
	cur, _ := e.db.LabelApplication(ctx, r.ID)
	if cur.State != coopdec.LabelExpired {
		t.Errorf("state: got %s; want expired", cur.State)
	}
}
