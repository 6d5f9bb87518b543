package jobs

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// TestLabelExpiry grants a label, then moves the clock to 90 days, 30 days
// and past its expiry: each reminder reaches the authority's member once,
// in their language, and the label ends expired.
func TestLabelExpiry(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := t.Context()
	var offset atomic.Int64
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return base.Add(time.Duration(offset.Load())) }
	org := &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84"}
	if err := db.CreateOrganisation(ctx, org, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	mk := func(email, lang string, roles ...coopdec.Role) *coopdec.User {
		u := &coopdec.User{Email: email, Name: email, Language: lang, PasswordHash: "x", Roles: roles}
		if err := db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	member, officer := mk("agent@lyon.fr", "en"), mk("officer@example.org", "fr", coopdec.RoleOfficer)
	if err := db.AddMembership(ctx, member.ID, org.ID, coopdec.MemberRoleMember, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	member, _ = db.UserByID(ctx, member.ID)
	a := &coopdec.LabelApplication{OrganisationID: org.ID,
		Competencies: coopdec.LabelCompetencies{Themes: []string{"water_sanitation"}, Description: "Eau", Methods: "Compagnonnage"},
		References:   []coopdec.LabelReference{{Title: "Mopti", Kind: coopdec.ReferenceProject, Country: "ML", FromYear: 2015, Results: "Forages"}},
		Conditions:   coopdec.LabelConditions{Staff: "2 ingénieurs", Languages: []string{"fr"}, MinDurationDays: 5, SelfCovered: "Salaires"}}
	if err := db.CreateLabelApplication(ctx, member, a, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitLabelApplication(ctx, member, a.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	label, err := db.ReviewLabel(ctx, nil, officer, a.ID, coopdec.LabelActionGrant, "", coopdec.LabelValidityYears, coopdec.Actor{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	untilExpiry := label.ExpiresAt.Sub(base)
	offset.Store(int64(untilExpiry - 90*24*time.Hour))

	rec := &mail.Recorder{}
	r := newTestRunner(t, db, Options{Mail: rec, BaseURL: "https://coopdec.example/"}, newProbeWorker(db))
	events := subscribe(t, r)
	start(t, r)
	run := func(n int) {
		t.Helper()
		// In either order: the emails' jobs may finish before River
		// reports the job that enqueued them.
		waitCompletedAll(t, events, map[string]int{LabelExpiryArgs{}.Kind(): 1, MailArgs{}.Kind(): n})
	}
	// The job runs daily at a fixed hour; the test runs it now.
	again := func() {
		t.Helper()
		if _, err := r.client.Insert(ctx, LabelExpiryArgs{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	again()
	run(1)
	again() // the same day: nothing more
	waitCompleted(t, events, LabelExpiryArgs{}.Kind(), 1)
	offset.Store(int64(untilExpiry - 30*24*time.Hour))
	again()
	run(1)
	msgs := rec.Messages()
	if len(msgs) != 2 || !strings.Contains(msgs[0].Text, "in 90 days") || !strings.Contains(msgs[1].Text, "in 30 days") ||
		msgs[0].To != member.Email || !strings.Contains(msgs[0].Subject, label.Number) || !strings.Contains(msgs[1].Text, "https://coopdec.example/labels") {
		t.Fatalf("reminders: got %+v; want 90 then 30 days, in English, linking to the platform's labels", msgs)
	}
	offset.Store(int64(untilExpiry))
	again()
	waitCompleted(t, events, LabelExpiryArgs{}.Kind(), 1)
	cur, err := db.LabelApplication(ctx, a.ID)
	if err != nil || cur.State != coopdec.LabelExpired {
		t.Fatalf("after expiry: got %v, %v; want expired", cur, err)
	}
	if n := len(rec.Messages()); n != 2 {
		t.Errorf("emails after expiry: got %d; want 2", n)
	}
}
