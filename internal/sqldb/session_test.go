package sqldb

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// mustSessionAndToken opens a session and creates an API token for user.
func mustSessionAndToken(t *testing.T, db *DB, user int64) (session, secret string, tok coopdec.APIToken) {
	t.Helper()
	session, err := db.CreateSession(t.Context(), user, "", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err = db.CreateAPIToken(t.Context(), user, "ci", coopdec.Actor{UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	return session, secret, tok
}

// storedLastSeen reads a session's last_seen_at straight from the table.
func storedLastSeen(t *testing.T, db *DB, token string) time.Time {
	t.Helper()
	var at time.Time
	if err := db.read.QueryRowContext(t.Context(), `SELECT last_seen_at FROM sessions WHERE token_hash = $1`, hashToken(token)).Scan(&at); err != nil {
		t.Fatalf("reading last_seen_at: got error %v; want nil", err)
	}
	return at
}

func TestSessionCreateAndRead(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice", coopdec.RoleOfficer)

	tok, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", strings.Repeat("x", 400))
	if err != nil {
		t.Fatalf("CreateSession: got error %v; want nil", err)
	}
	if len(tok) < 40 {
		t.Fatalf("got token %q; want a long random secret", tok)
	}
	// Only the hash is stored.
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE token_hash = $1`, tok); n != 0 {
		t.Fatalf("got %d sessions stored under the secret itself; want 0", n)
	}
	var ip, ua string
	if err := db.read.QueryRowContext(ctx, `SELECT ip, user_agent FROM sessions WHERE token_hash = $1`, hashToken(tok)).Scan(&ip, &ua); err != nil {
		t.Fatal(err)
	}
	if ip != "192.0.2.1" || len(ua) != 300 {
		t.Fatalf("got ip %q, user agent of %d bytes; want 192.0.2.1 and 300", ip, len(ua))
	}

	got, s, err := db.SessionUser(ctx, tok)
	if err != nil {
		t.Fatalf("SessionUser: got error %v; want nil", err)
	}
	if got.ID != u.ID || !got.HasRole(coopdec.RoleOfficer) {
		t.Fatalf("got user %+v; want %d with role officer", got, u.ID)
	}
	if s.UserID != u.ID || !s.CreatedAt.Equal(clk.now) || !s.LastSeenAt.Equal(clk.now) {
		t.Fatalf("got session %+v; want user %d created and seen at %v", s, u.ID, clk.now)
	}

	for _, bad := range []string{"", "not-a-session", tok + "x"} {
		_, _, err := db.SessionUser(ctx, bad)
		wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")

	// every returns the instants every step from step to until (inclusive).
	every := func(step, until time.Duration) []time.Duration {
		var out []time.Duration
		for d := step; d <= until; d += step {
			out = append(out, d)
		}
		return out
	}
	tests := []struct {
		name  string
		uses  []time.Duration // instants after login when the session is used
		at    time.Duration   // instant after login when it is checked
		valid bool
	}{
		{"fresh", nil, 0, true},
		{"idle just under 30 minutes", nil, 30*time.Minute - time.Second, true},
		{"idle 30 minutes", nil, 30 * time.Minute, false},
		{"idle 2 hours", nil, 2 * time.Hour, false},
		{"kept alive by activity", []time.Duration{20 * time.Minute, 40 * time.Minute}, 65 * time.Minute, true},
		{"idle 30 minutes after activity", []time.Duration{20 * time.Minute}, 50 * time.Minute, false},
		{"active just under 12 hours", every(20*time.Minute, 11*time.Hour+40*time.Minute), 12*time.Hour - time.Second, true},
		{"active for 12 hours", every(20*time.Minute, 11*time.Hour+40*time.Minute), 12 * time.Hour, false},
		// Activity within the minute of slack is not written, so it does not
		// extend the session.
		{"activity within the first minute not recorded", []time.Duration{59 * time.Second}, 30 * time.Minute, false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := t0.Add(time.Duration(i) * 24 * time.Hour)
			clk.now = start
			tok, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
			if err != nil {
				t.Fatalf("CreateSession: got error %v; want nil", err)
			}
			for _, d := range tc.uses {
				clk.now = start.Add(d)
				if _, _, err := db.SessionUser(ctx, tok); err != nil {
					t.Fatalf("use at +%v: got error %v; want nil", d, err)
				}
			}
			clk.now = start.Add(tc.at)
			_, _, err = db.SessionUser(ctx, tok)
			if tc.valid {
				if err != nil {
					t.Fatalf("at +%v: got error %v; want a valid session", tc.at, err)
				}
				return
			}
			wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
			// An expired session is deleted, so moving the clock back cannot revive it.
			if n := count(t, db, `SELECT count(*) FROM sessions WHERE token_hash = $1`, hashToken(tok)); n != 0 {
				t.Fatalf("got %d rows for the expired session; want 0", n)
			}
			clk.now = start
			_, _, err = db.SessionUser(ctx, tok)
			wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
		})
	}
}

func TestSessionLastSeen(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	tok, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		at   time.Duration // since login
		want time.Duration // last seen, since login
	}{
		{30 * time.Second, 0},
		{60 * time.Second, 0},
		{61 * time.Second, 61 * time.Second},
		{90 * time.Second, 61 * time.Second},
		{3 * time.Minute, 3 * time.Minute},
	} {
		clk.now = t0.Add(tc.at)
		_, s, err := db.SessionUser(ctx, tok)
		if err != nil {
			t.Fatalf("at +%v: got error %v; want nil", tc.at, err)
		}
		want := t0.Add(tc.want)
		if !s.LastSeenAt.Equal(want) {
			t.Fatalf("at +%v: got last seen %v; want %v", tc.at, s.LastSeenAt, want)
		}
		if err := db.flushTouches(ctx); err != nil {
			t.Fatal(err)
		}
		if got := storedLastSeen(t, db, tok); !got.Equal(want) {
			t.Fatalf("at +%v: got stored last seen %v; want %v", tc.at, got, want)
		}
		if !s.CreatedAt.Equal(t0) {
			t.Fatalf("at +%v: got created %v; want %v", tc.at, s.CreatedAt, t0)
		}
	}
}

func TestSessionSubSecondClock(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	// A clock with nanoseconds and a zone other than UTC: stored times are
	// UTC microseconds, compared the same way on both databases.
	clk.now = time.Date(2025, time.March, 10, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	tok, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	_, s, err := db.SessionUser(ctx, tok)
	if err != nil {
		t.Fatalf("got error %v; want nil", err)
	}
	want := time.Date(2025, time.March, 10, 9, 0, 0, 123456000, time.UTC)
	if !s.CreatedAt.Equal(want) {
		t.Fatalf("got created %v; want %v", s.CreatedAt, want)
	}
	clk.advance(30*time.Minute - time.Microsecond)
	if _, _, err := db.SessionUser(ctx, tok); err != nil {
		t.Fatalf("a microsecond before the idle timeout: got error %v; want nil", err)
	}
}

func TestLoginReplacesSession(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")

	old, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	tok, err := db.CreateSession(ctx, u.ID, old, "192.0.2.1", "test")
	if err != nil {
		t.Fatalf("CreateSession: got error %v; want nil", err)
	}
	if tok == old {
		t.Fatalf("got the same token again; want a new one")
	}
	_, _, err = db.SessionUser(ctx, old)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	if _, _, err := db.SessionUser(ctx, tok); err != nil {
		t.Fatalf("new session: got error %v; want nil", err)
	}

	// A login sweeps the user's expired sessions, idle or too old.
	clk.advance(31 * time.Minute)
	keep, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID); n != 1 {
		t.Fatalf("got %d sessions after sweeping; want 1", n)
	}
	for range 36 { // used every 20 minutes for 12 hours
		clk.advance(20 * time.Minute)
		_, _, _ = db.SessionUser(ctx, keep)
	}
	if _, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE token_hash = $1`, hashToken(keep)); n != 0 {
		t.Fatalf("got %d rows for a 12-hour-old session; want 0", n)
	}
}

func TestDeleteSession(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	tok, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateSession(ctx, u.ID, "", "192.0.2.9", "test")
	if err != nil {
		t.Fatal(err)
	}
	actor := coopdec.Actor{UserID: u.ID, IP: "192.0.2.1"}
	for range 2 {
		if err := db.DeleteSession(ctx, tok, actor); err != nil {
			t.Fatalf("DeleteSession: got error %v; want nil", err)
		}
	}
	_, _, err = db.SessionUser(ctx, tok)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	if _, _, err := db.SessionUser(ctx, other); err != nil {
		t.Fatalf("the user's other session: got error %v; want nil", err)
	}
	// Logging out twice is audited once.
	if evs := wantAudit(t, db, coopdec.AuditLogout, userSubject(u.ID), u.ID, 1); evs[0].IP != "192.0.2.1" {
		t.Fatalf("got ip %q; want 192.0.2.1", evs[0].IP)
	}
}

func TestDisabledUserRefused(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	tok, secret, _ := mustSessionAndToken(t, db, u.ID)
	exec(t, db, `UPDATE users SET disabled_at = $1 WHERE id = $2`, db.now(), u.ID)

	got, err := db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisabledAt == nil || !got.DisabledAt.Equal(clk.now) {
		t.Fatalf("got disabled_at %v; want %v", got.DisabledAt, clk.now)
	}
	_, _, err = db.SessionUser(ctx, tok)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	_, err = db.APITokenUser(ctx, secret)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
}

func TestRecentLoginFailures(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	const alice, bob = "alice@example.org", "bob@example.org"
	const ip1, ip2 = "192.0.2.1", "198.51.100.7"

	type attempt struct {
		email, ip string
		success   bool
	}
	steps := []struct {
		name      string
		advance   time.Duration
		attempts  []attempt
		email, ip string
		byEmail   int
		byIP      int
	}{
		{"none yet", 0, nil, alice, ip1, 0, 0},
		{"three failures", time.Second, []attempt{{alice, ip1, false}, {alice, ip1, false}, {alice, ip2, false}}, alice, ip1, 3, 2},
		{"other address, same IP", time.Second, []attempt{{bob, ip1, false}}, alice, ip1, 3, 3},
		{"by the other IP", 0, nil, alice, ip2, 3, 1},
		{"bob", 0, nil, bob, ip2, 1, 1},
		{"10 minutes later", 10 * time.Minute, nil, alice, ip1, 3, 3},
		{"one more", time.Second, []attempt{{alice, ip1, false}}, alice, ip1, 4, 4},
		{"first ones out of the window", 5 * time.Minute, nil, alice, ip1, 1, 1},
		// A success clears the address's count but not the IP's.
		{"success", time.Second, []attempt{{alice, ip1, true}}, alice, ip1, 0, 1},
		{"failure after success", time.Second, []attempt{{alice, ip1, false}}, alice, ip1, 1, 2},
		{"bob unaffected by alice's success", 0, nil, bob, ip2, 0, 0},
		{"window over", 16 * time.Minute, nil, alice, ip1, 0, 0},
	}
	for _, st := range steps {
		clk.advance(st.advance)
		for _, a := range st.attempts {
			var id int64
			if a.success {
				id = u.ID
			}
			if err := db.RecordLoginAttempt(ctx, a.email, a.ip, a.success, id); err != nil {
				t.Fatalf("%s: RecordLoginAttempt: got error %v; want nil", st.name, err)
			}
		}
		byEmail, byIP, err := db.RecentLoginFailures(ctx, st.email, st.ip)
		if err != nil {
			t.Fatalf("%s: got error %v; want nil", st.name, err)
		}
		if byEmail != st.byEmail || byIP != st.byIP {
			t.Fatalf("%s: got %d by email, %d by IP; want %d, %d", st.name, byEmail, byIP, st.byEmail, st.byIP)
		}
	}

	// Every attempt is audited: failures by nobody, the success by the user.
	if got := len(wantAudit(t, db, coopdec.AuditLoginFailure, alice, 0, 5)); got != 5 {
		t.Fatalf("got %d failures; want 5", got)
	}
	wantAudit(t, db, coopdec.AuditLoginFailure, bob, 0, 1)
	if evs := wantAudit(t, db, coopdec.AuditLoginSuccess, alice, u.ID, 1); evs[0].IP != ip1 {
		t.Fatalf("got ip %q; want %q", evs[0].IP, ip1)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	other := mustCreateUser(t, db, "bob@example.org", "Bob")
	actor := coopdec.Actor{UserID: u.ID, IP: "192.0.2.1"}

	for _, tc := range []struct {
		name, key string
	}{
		{"", "token.name.required"},
		{"   ", "token.name.required"},
		{strings.Repeat("é", 81), "token.name.too_long"},
	} {
		_, _, err := db.CreateAPIToken(ctx, u.ID, tc.name, actor)
		wantError(t, err, coopdec.EINVALID, "name", tc.key)
	}

	secret, tok, err := db.CreateAPIToken(ctx, u.ID, "  CI pipeline ", actor)
	if err != nil {
		t.Fatalf("CreateAPIToken: got error %v; want nil", err)
	}
	if !strings.HasPrefix(secret, "cdk_") || len(secret) < 40 {
		t.Fatalf("got secret %q; want a long secret starting with cdk_", secret)
	}
	if tok.ID == 0 || tok.UserID != u.ID || tok.Name != "CI pipeline" || !tok.CreatedAt.Equal(clk.now) ||
		!tok.ExpiresAt.Equal(clk.now.Add(90*24*time.Hour)) {
		t.Fatalf("got token %+v; want CI pipeline of user %d expiring in 90 days", tok, u.ID)
	}
	var stored string
	if err := db.read.QueryRowContext(ctx, `SELECT token_hash FROM api_tokens WHERE id = $1`, tok.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == secret || strings.Contains(stored, secret[4:]) || stored != hashToken(secret) {
		t.Fatalf("got stored %q; want the hash of the secret, not the secret", stored)
	}
	wantAudit(t, db, coopdec.AuditTokenCreate, userSubject(u.ID), u.ID, 1)

	got, err := db.APITokenUser(ctx, secret)
	if err != nil {
		t.Fatalf("APITokenUser: got error %v; want nil", err)
	}
	if got.ID != u.ID {
		t.Fatalf("got user %d; want %d", got.ID, u.ID)
	}
	for _, bad := range []string{"", "cdk_", secret + "x", strings.TrimPrefix(secret, "cdk_"), stored} {
		_, err := db.APITokenUser(ctx, bad)
		wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	}

	// Expiry: valid until 90 days after creation.
	secret2, tok2, err := db.CreateAPIToken(ctx, u.ID, "expiring", actor)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(90*24*time.Hour - time.Second)
	if _, err := db.APITokenUser(ctx, secret2); err != nil {
		t.Fatalf("a second before expiry: got error %v; want nil", err)
	}
	clk.advance(24*time.Hour + time.Second) // 91 days
	_, err = db.APITokenUser(ctx, secret2)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")

	// A fresh token, then revoked.
	secret3, tok3, err := db.CreateAPIToken(ctx, u.ID, "revoked", actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.APITokenUser(ctx, secret3); err != nil {
		t.Fatalf("fresh token: got error %v; want nil", err)
	}
	// Another user cannot revoke it, and learns nothing.
	err = db.RevokeAPIToken(ctx, other.ID, tok3.ID, coopdec.Actor{UserID: other.ID})
	wantError(t, err, coopdec.ENOTFOUND, "", "token.not_found")
	if _, err := db.APITokenUser(ctx, secret3); err != nil {
		t.Fatalf("after another user's revocation attempt: got error %v; want nil", err)
	}
	err = db.RevokeAPIToken(ctx, u.ID, tok3.ID+1000, actor)
	wantError(t, err, coopdec.ENOTFOUND, "", "token.not_found")

	clk.advance(time.Hour)
	if err := db.RevokeAPIToken(ctx, u.ID, tok3.ID, actor); err != nil {
		t.Fatalf("RevokeAPIToken: got error %v; want nil", err)
	}
	_, err = db.APITokenUser(ctx, secret3)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	err = db.RevokeAPIToken(ctx, u.ID, tok3.ID, actor)
	wantError(t, err, coopdec.ENOTFOUND, "", "token.not_found")
	if evs := wantAudit(t, db, coopdec.AuditTokenRevoke, userSubject(u.ID), u.ID, 1); evs[0].Details != "token:"+itoa(int(tok3.ID)) {
		t.Fatalf("got details %q; want token:%d", evs[0].Details, tok3.ID)
	}

	list, err := db.ListAPITokens(ctx, u.ID)
	if err != nil {
		t.Fatalf("ListAPITokens: got error %v; want nil", err)
	}
	if len(list) != 3 || list[0].ID != tok3.ID || list[1].ID != tok2.ID || list[2].ID != tok.ID {
		t.Fatalf("got %+v; want tokens %d, %d, %d, newest first", list, tok3.ID, tok2.ID, tok.ID)
	}
	revokedAt := t0.Add(91*24*time.Hour + time.Hour)
	if list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(revokedAt) || list[0].LastUsedAt == nil {
		t.Fatalf("got revoked token %+v; want revoked at %v and used", list[0], revokedAt)
	}
	if list[1].RevokedAt != nil || list[1].LastUsedAt == nil || !list[1].LastUsedAt.Equal(t0.Add(90*24*time.Hour-time.Second)) {
		t.Fatalf("got expired token %+v; want last used a second before expiry, not revoked", list[1])
	}
	if list[2].LastUsedAt == nil || !list[2].LastUsedAt.Equal(t0) || list[2].Name != "CI pipeline" || !list[2].ExpiresAt.Equal(tok.ExpiresAt) {
		t.Fatalf("got first token %+v; want it used at %v", list[2], t0)
	}
	if list, err := db.ListAPITokens(ctx, other.ID); err != nil || len(list) != 0 {
		t.Fatalf("got %v, %v for another user; want none", list, err)
	}
}

// TestTouchesWritten: the marks of a session and an API token used are
// seen at once by their readers, written by a flush, never moved back over
// a later mark another server wrote, and written when the database closes.
func TestTouchesWritten(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	tok, secret, apiTok := mustSessionAndToken(t, db, u.ID)
	storedUsed := func() time.Time {
		t.Helper()
		var at time.Time
		if err := db.read.QueryRowContext(ctx, `SELECT last_used_at FROM api_tokens WHERE id = $1`, apiTok.ID).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}

	clk.now = t0.Add(2 * time.Minute)
	if _, s, err := db.SessionUser(ctx, tok); err != nil || !s.LastSeenAt.Equal(clk.now) {
		t.Fatalf("session used: got %v, %v; want last seen %v", s.LastSeenAt, err, clk.now)
	}
	if _, err := db.APITokenUser(ctx, secret); err != nil {
		t.Fatal(err)
	}
	// Half a minute later the session is seen as used then, not idle.
	clk.now = t0.Add(2*time.Minute + 30*time.Second)
	if _, s, err := db.SessionUser(ctx, tok); err != nil || !s.LastSeenAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("session used again: got %v, %v; want last seen %v", s.LastSeenAt, err, t0.Add(2*time.Minute))
	}
	if list, err := db.ListAPITokens(ctx, u.ID); err != nil || len(list) != 1 || list[0].LastUsedAt == nil ||
		!list[0].LastUsedAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("token list: got %+v, %v; want last used %v", list, err, t0.Add(2*time.Minute))
	}
	if err := db.flushTouches(ctx); err != nil {
		t.Fatal(err)
	}
	if got := storedLastSeen(t, db, tok); !got.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("after the flush: got stored last seen %v; want %v", got, t0.Add(2*time.Minute))
	}
	if got := storedUsed(); !got.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("after the flush: got stored last used %v; want %v", got, t0.Add(2*time.Minute))
	}

	// Another server marked the session later than this one's mark.
	clk.now = t0.Add(4 * time.Minute)
	if _, _, err := db.SessionUser(ctx, tok); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(5 * time.Minute)
	exec(t, db, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, later, hashToken(tok))
	if err := db.flushTouches(ctx); err != nil {
		t.Fatal(err)
	}
	if got := storedLastSeen(t, db, tok); !got.Equal(later) {
		t.Fatalf("over a later mark: got stored last seen %v; want %v", got, later)
	}

	// Closing writes the marks kept.
	clk.now = t0.Add(7 * time.Minute)
	if _, err := db.APITokenUser(ctx, secret); err != nil {
		t.Fatal(err)
	}
	db.stopTouches()
	if got := storedUsed(); !got.Equal(clk.now) {
		t.Fatalf("after closing: got stored last used %v; want %v", got, clk.now)
	}
}

// A mark is seen while it is being written, kept when the writing fails,
// and the latest of a pending and a written mark wins.
func TestMarksSeenWhileWritten(t *testing.T) {
	var m marks[string]
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	want := func(step string, k string, wantAt time.Time, wantOK bool) {
		t.Helper()
		if got, ok := m.seen(k); ok != wantOK || !got.Equal(wantAt) {
			t.Fatalf("%s: seen %v, %v; want %v, %v", step, got, ok, wantAt, wantOK)
		}
	}
	want("nothing taken", "a", time.Time{}, false)
	m.take("a", at(2))
	m.take("a", at(1)) // never backwards
	want("taken", "a", at(2), true)
	if w := m.begin(); len(w) != 1 || !w["a"].Equal(at(2)) {
		t.Fatalf("begin: got %v", w)
	}
	want("being written", "a", at(2), true)
	m.take("a", at(3))
	want("taken again while written", "a", at(3), true)
	m.end(true)
	want("after a failed writing", "a", at(3), true)
	m.begin()
	m.end(false)
	want("after a writing", "a", time.Time{}, false)

	stored := sql.NullTime{Time: at(5), Valid: true}
	for _, c := range []struct {
		kept time.Time
		ok   bool
		want sql.NullTime
	}{
		{at(4), true, stored},
		{at(6), true, sql.NullTime{Time: at(6), Valid: true}},
		{at(6), false, stored},
	} {
		if got := latest(stored, c.kept, c.ok); got != c.want {
			t.Errorf("latest(%v, %v, %v): got %v; want %v", stored, c.kept, c.ok, got, c.want)
		}
	}
	if got := latest(sql.NullTime{}, at(1), true); got != (sql.NullTime{Time: at(1), Valid: true}) {
		t.Errorf("latest of nothing stored: got %v", got)
	}
}
