package sqldb

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
)

// TestAuditTrail runs every security action once and checks the trail, in
// order, with its actors.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("got error %v; want nil", err)
		}
	}

	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	as := coopdec.Actor{UserID: admin.ID, IP: "192.0.2.1"}
	clk.advance(time.Second)
	u := &coopdec.User{Email: "user@example.org", Name: "User", PasswordHash: "h"}
	must(db.CreateUser(ctx, u, as))
	uas := coopdec.Actor{UserID: u.ID, IP: "198.51.100.2"}
	us := userSubject(u.ID)
	must(db.GrantRole(ctx, u.ID, coopdec.RoleEvaluator, as))
	must(db.RevokeRole(ctx, u.ID, coopdec.RoleEvaluator, as))
	must(db.RecordLoginAttempt(ctx, "user@example.org", "198.51.100.2", false, 0))
	must(db.RecordLoginAttempt(ctx, "user@example.org", "198.51.100.2", true, u.ID))
	sess, err := db.CreateSession(ctx, u.ID, "", "198.51.100.2", "test")
	must(err)
	_, tok, err := db.CreateAPIToken(ctx, u.ID, "script", uas)
	must(err)
	must(db.RevokeAPIToken(ctx, u.ID, tok.ID, uas))
	must(db.SetPassword(ctx, u.ID, "h2", sess, uas))
	must(db.DeleteSession(ctx, sess, uas))
	reset, err := db.CreatePasswordReset(ctx, u.ID, "198.51.100.2")
	must(err)
	_, err = db.ResetPassword(ctx, reset, "h3", "198.51.100.2")
	must(err)
	org := &coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "Asso", Country: "FR"}
	must(db.CreateOrganisation(ctx, org, as))
	os := "organisation:" + itoa(int(org.ID))
	must(db.AddMembership(ctx, u.ID, org.ID, coopdec.MemberRoleAdmin, as))
	must(db.RemoveMembership(ctx, u.ID, org.ID, as))
	inv, err := db.CreateInvitation(ctx, &coopdec.Invitation{Email: "guest@example.org", OrganisationID: org.ID}, uas)
	must(err)
	guest := &coopdec.User{Name: "Guest", PasswordHash: "h"}
	must(db.AcceptInvitation(ctx, inv, guest, nil, "203.0.113.3"))
	gs := userSubject(guest.ID)
	must(db.Audit(ctx, coopdec.Actor{IP: "203.0.113.9"}, coopdec.AuditLoginThrottled, "x@example.org", "failures:10"))

	type ev struct {
		action, subject string
		actor           int64
		ip              string
	}
	want := []ev{
		{coopdec.AuditUserCreate, "admin@example.org", admin.ID, ""},
		{coopdec.AuditRoleGrant, userSubject(admin.ID), admin.ID, ""},
		{coopdec.AuditUserCreate, "user@example.org", admin.ID, "192.0.2.1"},
		{coopdec.AuditRoleGrant, us, admin.ID, "192.0.2.1"},
		{coopdec.AuditRoleRevoke, us, admin.ID, "192.0.2.1"},
		{coopdec.AuditLoginFailure, "user@example.org", 0, "198.51.100.2"},
		{coopdec.AuditLoginSuccess, "user@example.org", u.ID, "198.51.100.2"},
		{coopdec.AuditTokenCreate, us, u.ID, "198.51.100.2"},
		{coopdec.AuditTokenRevoke, us, u.ID, "198.51.100.2"},
		{coopdec.AuditPasswordChange, us, u.ID, "198.51.100.2"},
		{coopdec.AuditLogout, us, u.ID, "198.51.100.2"},
		{coopdec.AuditResetRequest, us, 0, "198.51.100.2"},
		{coopdec.AuditPasswordReset, us, u.ID, "198.51.100.2"},
		{coopdec.AuditOrganisationAdd, os, admin.ID, "192.0.2.1"},
		{coopdec.AuditMembershipAdd, us, admin.ID, "192.0.2.1"},
		{coopdec.AuditMembershipRemove, us, admin.ID, "192.0.2.1"},
		{coopdec.AuditInvitationCreate, "guest@example.org", u.ID, "198.51.100.2"},
		{coopdec.AuditUserCreate, "guest@example.org", u.ID, "203.0.113.3"},
		{coopdec.AuditMembershipAdd, gs, guest.ID, "203.0.113.3"},
		{coopdec.AuditInvitationAccept, "guest@example.org", guest.ID, "203.0.113.3"},
		{coopdec.AuditLoginThrottled, "x@example.org", 0, "203.0.113.9"},
	}
	events := auditEvents(t, db, AuditFilter{})
	var got []ev
	for i := len(events) - 1; i >= 0; i-- { // oldest first
		e := events[i]
		got = append(got, ev{e.Action, e.Subject, e.ActorID, e.IP})
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got trail\n%s; want\n%s", fmt.Sprint(got), fmt.Sprint(want))
	}
	if !events[len(events)-1].At.Equal(t0) || !events[0].At.Equal(clk.now) {
		t.Fatalf("got times %v…%v; want %v…%v", events[len(events)-1].At, events[0].At, t0, clk.now)
	}
	for i := 1; i < len(events); i++ {
		if events[i].ID >= events[i-1].ID {
			t.Fatalf("got ids %d then %d; want newest first", events[i-1].ID, events[i].ID)
		}
	}
	if events[0].Details != "failures:10" {
		t.Fatalf("got details %q; want failures:10", events[0].Details)
	}

	// Filters and paging.
	tests := []struct {
		name      string
		filter    AuditFilter
		page      coopdec.Page
		wantLen   int
		wantTotal int
	}{
		{"all, first page", AuditFilter{}, coopdec.NewPage(1, 5), 5, len(want)},
		{"all, last page", AuditFilter{}, coopdec.NewPage(5, 5), 1, len(want)},
		{"action", AuditFilter{Action: coopdec.AuditUserCreate}, coopdec.NewPage(1, 20), 3, 3},
		{"actor", AuditFilter{ActorID: u.ID}, coopdec.NewPage(1, 20), 8, 8},
		{"actor, paged", AuditFilter{ActorID: u.ID}, coopdec.NewPage(2, 3), 3, 8},
		{"action and actor", AuditFilter{Action: coopdec.AuditUserCreate, ActorID: admin.ID}, coopdec.NewPage(1, 20), 2, 2},
		{"unknown action", AuditFilter{Action: "nothing"}, coopdec.NewPage(1, 20), 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, page, err := db.ListAudit(ctx, tc.filter, tc.page)
			if err != nil {
				t.Fatalf("got error %v; want nil", err)
			}
			if len(evs) != tc.wantLen || page.Total != tc.wantTotal {
				t.Fatalf("got %d events of %d; want %d of %d", len(evs), page.Total, tc.wantLen, tc.wantTotal)
			}
			for _, e := range evs {
				if (tc.filter.Action != "" && e.Action != tc.filter.Action) || (tc.filter.ActorID != 0 && e.ActorID != tc.filter.ActorID) {
					t.Fatalf("got event %+v; want it to match %+v", e, tc.filter)
				}
			}
		})
	}
}

func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	actor := coopdec.Actor{UserID: 0, IP: "192.0.2.1"}
	for _, s := range []string{"a", "b"} {
		if err := db.Audit(ctx, actor, coopdec.AuditLoginThrottled, s, ""); err != nil {
			t.Fatal(err)
		}
	}
	before := auditEvents(t, db, AuditFilter{})

	for _, q := range []string{
		`UPDATE audit_events SET action = 'tampered'`,
		`UPDATE audit_events SET details = 'x' WHERE subject = 'a'`,
		`DELETE FROM audit_events WHERE subject = 'a'`,
		`DELETE FROM audit_events`,
	} {
		t.Run(q, func(t *testing.T) {
			if _, err := db.write.ExecContext(ctx, q); err == nil {
				t.Fatalf("got no error; want the statement refused")
			}
			// Also inside a transaction, the way the storage writes.
			err := db.tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, q); return err })
			if err == nil {
				t.Fatalf("in a transaction: got no error; want the statement refused")
			}
		})
	}
	if after := auditEvents(t, db, AuditFilter{}); !slices.Equal(after, before) {
		t.Fatalf("got %+v; want the trail unchanged %+v", after, before)
	}
	// Appending still works after the refusals.
	if err := db.Audit(ctx, actor, coopdec.AuditLoginThrottled, "c", ""); err != nil {
		t.Fatalf("got error %v; want nil", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events`); n != 3 {
		t.Fatalf("got %d events; want 3", n)
	}
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	msgs := []mail.Message{
		{To: "a@example.org", Subject: "Invitation", Text: "Bonjour", HTML: "<p>Bonjour</p>"},
		{To: "b@example.org", Subject: "Réinitialisation", Text: "Lien"},
		{To: "a@example.org", Subject: "Rappel", Text: "Encore"},
		{To: "a@example.org", Subject: "Dernier rappel", Text: "Toujours"},
	}
	for _, m := range msgs {
		clk.advance(time.Minute)
		if err := db.AddOutbox(ctx, m); err != nil {
			t.Fatalf("AddOutbox: got error %v; want nil", err)
		}
	}

	tests := []struct {
		name      string
		recipient string
		page      coopdec.Page
		want      []string // subjects, newest first
		wantTotal int
	}{
		{"all", "", coopdec.NewPage(1, 20), []string{"Dernier rappel", "Rappel", "Réinitialisation", "Invitation"}, 4},
		{"all, first page", "", coopdec.NewPage(1, 3), []string{"Dernier rappel", "Rappel", "Réinitialisation"}, 4},
		{"all, second page", "", coopdec.NewPage(2, 3), []string{"Invitation"}, 4},
		{"recipient", "a@example.org", coopdec.NewPage(1, 20), []string{"Dernier rappel", "Rappel", "Invitation"}, 3},
		{"recipient, second page", "a@example.org", coopdec.NewPage(2, 2), []string{"Invitation"}, 3},
		{"other recipient", "b@example.org", coopdec.NewPage(1, 20), []string{"Réinitialisation"}, 1},
		{"nobody", "c@example.org", coopdec.NewPage(1, 20), nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, page, err := db.ListOutbox(ctx, tc.recipient, tc.page)
			if err != nil {
				t.Fatalf("got error %v; want nil", err)
			}
			var subjects []string
			for _, m := range got {
				subjects = append(subjects, m.Subject)
				if tc.recipient != "" && m.To != tc.recipient {
					t.Fatalf("got message to %q; want only %q", m.To, tc.recipient)
				}
			}
			if !slices.Equal(subjects, tc.want) || page.Total != tc.wantTotal {
				t.Fatalf("got %q of %d; want %q of %d", subjects, page.Total, tc.want, tc.wantTotal)
			}
		})
	}

	got, _, err := db.ListOutbox(ctx, "", coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	first := got[len(got)-1]
	if first.ID == 0 || first.Message != msgs[0] || !first.CreatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("got %+v; want %+v created at %v", first, msgs[0], t0.Add(time.Minute))
	}
}
