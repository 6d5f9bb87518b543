package jobs

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// TestSweep seeds sessions, login attempts, password resets and invitations
// on both sides of each limit, through the storage methods with a moved
// clock, and checks that the sweep run at start removes exactly the expired
// ones.
func TestSweep(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) { db.Now = func() time.Time { return now.Add(-d) } }
	const day = 24 * time.Hour

	newUser := func(name string) int64 {
		t.Helper()
		at(60 * day)
		u := &coopdec.User{Email: name + "@example.org", Name: name, Language: "fr", PasswordHash: "hash"}
		if err := db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			t.Fatalf("CreateUser(%s): got error %v; want nil", name, err)
		}
		return u.ID
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.WritePool().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}

	// Sessions, one user each; the idle one and the one past the absolute
	// timeout go.
	sessions := map[string]struct {
		created, seen time.Duration // before now
		kept          bool
	}{
		"fresh":        {5 * time.Minute, 5 * time.Minute, true},
		"idle":         {coopdec.SessionIdleTimeout + time.Minute, coopdec.SessionIdleTimeout + time.Minute, false},
		"just idle":    {coopdec.SessionIdleTimeout, coopdec.SessionIdleTimeout, false},
		"long, active": {coopdec.SessionAbsoluteTimeout - time.Hour, 2 * time.Minute, true},
		"too long":     {coopdec.SessionAbsoluteTimeout + time.Minute, time.Minute, false},
	}
	sessionUser := map[int64]string{}
	for name, s := range sessions {
		uid := newUser(fmt.Sprint("session-", len(sessionUser)))
		sessionUser[uid] = name
		at(s.created)
		if _, err := db.CreateSession(ctx, uid, "", "192.0.2.1", "test"); err != nil {
			t.Fatal(err)
		}
		// Requests move last_seen_at forward; set it as they would have.
		exec(`UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2`, now.Add(-s.seen), uid)
	}

	// Login attempts: a day is kept.
	for _, a := range []struct {
		email string
		age   time.Duration
	}{{"old@example.org", day + time.Minute}, {"recent@example.org", day - time.Minute}} {
		at(a.age)
		if err := db.RecordLoginAttempt(ctx, a.email, "192.0.2.1", false, 0); err != nil {
			t.Fatal(err)
		}
	}

	// Password resets, one user each: kept until used or expired for 30 days.
	resets := map[string]bool{} // by user email: kept
	for _, p := range []struct {
		name    string
		age     time.Duration
		usedAgo time.Duration // 0: never used
		kept    bool
	}{
		{"reset-pending", 5 * time.Minute, 0, true},
		{"reset-expired-recently", 20 * day, 0, true},
		{"reset-expired-long-ago", 31 * day, 0, false},
		{"reset-used-recently", 29 * day, 29 * day, true},
		{"reset-used-long-ago", 31 * day, 31 * day, false},
	} {
		uid := newUser(p.name)
		at(p.age)
		tok, err := db.CreatePasswordReset(ctx, uid, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if p.usedAgo != 0 {
			at(p.usedAgo)
			if _, err := db.ResetPassword(ctx, tok, "new-hash", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		resets[p.name+"@example.org"] = p.kept
	}

	// Invitations: likewise.
	invitations := map[string]bool{}
	for _, i := range []struct {
		email string
		age   time.Duration
		kept  bool
	}{
		{"pending@example.org", day, true},
		{"expired-recently@example.org", 20 * day, true},
		{"expired-long-ago@example.org", 38 * day, false},
	} {
		at(i.age)
		if _, err := db.CreateInvitation(ctx, &coopdec.Invitation{Email: i.email, ForLocalAuthority: true}, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		invitations[i.email] = i.kept
	}
	// Accepting creates an account; the sweep only cares that it was used.
	for _, u := range []struct {
		email   string
		usedAgo time.Duration
		kept    bool
	}{{"used-recently@example.org", 29 * day, true}, {"used-long-ago@example.org", 31 * day, false}} {
		at(u.usedAgo + time.Hour)
		if _, err := db.CreateInvitation(ctx, &coopdec.Invitation{Email: u.email, ForLocalAuthority: true}, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE invitations SET used_at = $1 WHERE email = $2`, now.Add(-u.usedAgo), u.email)
		invitations[u.email] = u.kept
	}

	// The sweep runs as soon as the runner starts.
	db.Now = func() time.Time { return now }
	r := newTestRunner(t, db, Options{}, newProbeWorker(db))
	events := subscribe(t, r)
	start(t, r)
	ev := waitCompleted(t, events, SweepArgs{}.Kind(), 1)[0]

	var rep sqldb.SweepReport
	if err := json.Unmarshal(ev.Job.Output(), &rep); err != nil {
		t.Fatalf("sweep output %s: %v", ev.Job.Output(), err)
	}
	if want := (sqldb.SweepReport{Sessions: 3, LoginAttempts: 1, PasswordResets: 2, Invitations: 2}); rep != want {
		t.Fatalf("got sweep report %+v; want %+v", rep, want)
	}

	var keptSessions []string
	for uid, name := range sessionUser {
		if n := count(t, db, `SELECT count(*) FROM sessions WHERE user_id = $1`, uid); n == 1 {
			keptSessions = append(keptSessions, name)
		}
	}
	wantSessions := []string{}
	for name, s := range sessions {
		if s.kept {
			wantSessions = append(wantSessions, name)
		}
	}
	slices.Sort(keptSessions)
	slices.Sort(wantSessions)
	if !slices.Equal(keptSessions, wantSessions) {
		t.Errorf("got sessions %q kept; want %q", keptSessions, wantSessions)
	}

	if n := count(t, db, `SELECT count(*) FROM login_attempts WHERE email = $1`, "old@example.org"); n != 0 {
		t.Errorf("got %d login attempts older than a day; want 0", n)
	}
	if n := count(t, db, `SELECT count(*) FROM login_attempts WHERE email = $1`, "recent@example.org"); n != 1 {
		t.Errorf("got %d login attempts from the last day; want 1", n)
	}

	for email, kept := range resets {
		n := count(t, db, `SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = $1`, email)
		if got := n == 1; got != kept {
			t.Errorf("password reset of %s: got %d rows; want kept %v", email, n, kept)
		}
	}
	for email, kept := range invitations {
		n := count(t, db, `SELECT count(*) FROM invitations WHERE email = $1`, email)
		if got := n == 1; got != kept {
			t.Errorf("invitation for %s: got %d rows; want kept %v", email, n, kept)
		}
	}

	// Running it again finds nothing more to do.
	rep, err := db.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (sqldb.SweepReport{}) {
		t.Fatalf("got second sweep %+v; want nothing deleted", rep)
	}
}

func count(t *testing.T, db *sqldb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.WritePool().QueryRowContext(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
