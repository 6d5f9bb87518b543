package sqldb

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// linksOf describes a user's links as "role" and "organisation/kind/role".
func linksOf(u *coopdec.User) []string {
	var out []string
	for _, r := range u.Roles {
		out = append(out, string(r))
	}
	for _, m := range u.Memberships {
		out = append(out, m.OrganisationName+"/"+string(m.OrganisationKind)+"/"+string(m.Role))
	}
	return out
}

// linksVersion reads the version of the users' links.
func linksVersion(t *testing.T, db *DB) int64 { return versionOf(t, db, "user_links_version") }

// credentialVersion reads the version of the credentials.
func credentialVersion(t *testing.T, db *DB) int64 { return versionOf(t, db, "credential_version") }

// versionOf reads the version held by a one-row version table.
func versionOf(t *testing.T, db *DB, table string) int64 {
	t.Helper()
	return int64(count(t, db, `SELECT version FROM `+table))
}

// TestCredentialLinksFollowChanges checks that the roles and memberships
// kept for the users authenticated (db.links) are never used once changed:
// every change to them, made through the platform or by another server
// (here by plain SQL, which only the triggers see), is seen at the next
// request, by session and by token, and so is the credentials' own state
// (revocation, logout, expiry, a disabled account).
func TestCredentialLinksFollowChanges(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	zoe := mustCreateUser(t, db, "zoe@example.org", "Zoé", coopdec.RoleEvaluator)
	other := mustCreateUser(t, db, "yann@example.org", "Yann", coopdec.RoleEmbassy)
	lyon := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"}, admin.ID)
	sud := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgRegionalCouncil, Name: "Région Sud", Country: "FR"}, admin.ID)
	by := coopdec.Actor{UserID: admin.ID}
	if err := db.AddMembership(ctx, zoe.ID, lyon.ID, coopdec.MemberRoleMember, by); err != nil {
		t.Fatal(err)
	}
	session, secret, tok := mustSessionAndToken(t, db, zoe.ID)
	otherSession, otherSecret, _ := mustSessionAndToken(t, db, other.ID)

	// want checks what both credentials of zoe let in, twice: the first
	// read fills the links kept, the second uses them.
	want := func(step string, links ...string) {
		t.Helper()
		for range 2 {
			bySession, _, err := db.SessionUser(ctx, session)
			if err != nil || bySession.ID != zoe.ID || !slices.Equal(linksOf(bySession), links) {
				t.Fatalf("%s: by session got %v, %v; want %v", step, bySession, err, links)
			}
			byToken, err := db.APITokenUser(ctx, secret)
			if err != nil || byToken.ID != zoe.ID || !slices.Equal(linksOf(byToken), links) {
				t.Fatalf("%s: by token got %v, %v; want %v", step, byToken, err, links)
			}
		}
		if u, _, err := db.SessionUser(ctx, otherSession); err != nil || !slices.Equal(linksOf(u), []string{"embassy"}) {
			t.Fatalf("%s: the other user by session got %v, %v; want [embassy]", step, u, err)
		}
		if u, err := db.APITokenUser(ctx, otherSecret); err != nil || !slices.Equal(linksOf(u), []string{"embassy"}) {
			t.Fatalf("%s: the other user by token got %v, %v; want [embassy]", step, u, err)
		}
	}
	want("start", "evaluator", "Lyon/french_authority/member")
	if _, ok := db.links.get(linksVersion(t, db), zoe.ID); !ok {
		t.Fatal("the links of a user authenticated are not kept")
	}

	// A caller changing what it was handed changes nothing kept.
	u, err := db.APITokenUser(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	u.Roles[0], u.Memberships[0].Role = coopdec.RoleAdmin, coopdec.MemberRoleAdmin
	u.Roles = append(u.Roles, coopdec.RoleOfficer)
	want("after a caller changed its copy", "evaluator", "Lyon/french_authority/member")

	// Marks of use, new sessions and tokens leave the links kept alone.
	v := linksVersion(t, db)
	mustSessionAndToken(t, db, zoe.ID)
	clk.now = clk.now.Add(2 * time.Minute)
	want("two minutes later", "evaluator", "Lyon/french_authority/member")
	if err := db.flushTouches(ctx); err != nil {
		t.Fatal(err)
	}
	if got := linksVersion(t, db); got != v {
		t.Fatalf("credentials created and marked used raised the links' version from %d to %d", v, got)
	}

	steps := []struct {
		name  string
		apply func()
		links []string
	}{
		{"role revoked", func() {
			if err := db.RevokeRole(ctx, zoe.ID, coopdec.RoleEvaluator, by); err != nil {
				t.Fatal(err)
			}
		}, []string{"Lyon/french_authority/member"}},
		{"role granted", func() {
			if err := db.GrantRole(ctx, zoe.ID, coopdec.RoleOfficer, by); err != nil {
				t.Fatal(err)
			}
		}, []string{"officer", "Lyon/french_authority/member"}},
		{"role granted by another server", func() {
			exec(t, db, `INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, $2, $3)`, zoe.ID, "evaluator", clk.now)
		}, []string{"evaluator", "officer", "Lyon/french_authority/member"}},
		{"role revoked by another server", func() {
			exec(t, db, `DELETE FROM user_roles WHERE user_id = $1 AND role = $2`, zoe.ID, "officer")
		}, []string{"evaluator", "Lyon/french_authority/member"}},
		{"made admin of the authority", func() {
			if err := db.AddMembership(ctx, zoe.ID, lyon.ID, coopdec.MemberRoleAdmin, by); err != nil {
				t.Fatal(err)
			}
		}, []string{"evaluator", "Lyon/french_authority/admin"}},
		{"member again, by another server", func() {
			exec(t, db, `UPDATE memberships SET role = $1 WHERE user_id = $2`, "member", zoe.ID)
		}, []string{"evaluator", "Lyon/french_authority/member"}},
		{"joined a second organisation", func() {
			if err := db.AddMembership(ctx, zoe.ID, sud.ID, coopdec.MemberRoleMember, by); err != nil {
				t.Fatal(err)
			}
		}, []string{"evaluator", "Lyon/french_authority/member", "Région Sud/regional_council/member"}},
		{"authority renamed", func() {
			exec(t, db, `UPDATE organisations SET name = $1 WHERE id = $2`, "Métropole de Lyon", lyon.ID)
		}, []string{"evaluator", "Métropole de Lyon/french_authority/member", "Région Sud/regional_council/member"}},
		{"authority of another kind", func() {
			exec(t, db, `UPDATE organisations SET kind = $1 WHERE id = $2`, string(coopdec.OrgForeignAuthority), lyon.ID)
		}, []string{"evaluator", "Métropole de Lyon/foreign_authority/member", "Région Sud/regional_council/member"}},
		{"left the region", func() {
			if err := db.RemoveMembership(ctx, zoe.ID, sud.ID, by); err != nil {
				t.Fatal(err)
			}
		}, []string{"evaluator", "Métropole de Lyon/foreign_authority/member"}},
		{"authority removed", func() {
			exec(t, db, `DELETE FROM organisations WHERE id = $1`, lyon.ID)
		}, []string{"evaluator"}},
	}
	for _, s := range steps {
		s.apply()
		want(s.name, s.links...)
	}

	// The credentials themselves, kept or not, are refused once ended.
	if err := db.RevokeAPIToken(ctx, zoe.ID, tok.ID, by); err != nil {
		t.Fatal(err)
	}
	_, err = db.APITokenUser(ctx, secret)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	if err := db.DeleteSession(ctx, session, by); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.SessionUser(ctx, session)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")

	// A disabled account is refused at once, its links kept or not.
	if _, err := db.APITokenUser(ctx, otherSecret); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `UPDATE users SET disabled_at = $1 WHERE id = $2`, clk.now, other.ID)
	_, err = db.APITokenUser(ctx, otherSecret)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	_, _, err = db.SessionUser(ctx, otherSession)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")

	// Expiry is the server's clock against the credential read.
	s2, secret2, _ := mustSessionAndToken(t, db, zoe.ID)
	want2 := func(ok bool) {
		t.Helper()
		_, _, serr := db.SessionUser(ctx, s2)
		_, terr := db.APITokenUser(ctx, secret2)
		if (serr == nil) != ok || (terr == nil) != ok {
			t.Fatalf("got session error %v, token error %v; want valid %v", serr, terr, ok)
		}
	}
	want2(true)
	clk.now = clk.now.Add(coopdec.SessionIdleTimeout + coopdec.APITokenValidity)
	want2(false)
}

// TestCredentialsKeptFollowChanges checks that the sessions and tokens
// kept with their accounts (db.creds) are used while unchanged and never
// once changed, through the platform or by another server (plain SQL,
// which only the triggers see); that the marks of use neither raise
// their version nor are taken more than once a minute; and that a
// session kept is not refused as idle when another server has marked it
// used since.
func TestCredentialsKeptFollowChanges(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	zoe := mustCreateUser(t, db, "zoe@example.org", "Zoé", coopdec.RoleEvaluator)
	by := coopdec.Actor{UserID: admin.ID}
	session, secret, tok := mustSessionAndToken(t, db, zoe.ID)

	// both authenticates zoe by session and by token, twice each.
	both := func(step string, check func(*coopdec.User) bool) {
		t.Helper()
		for range 2 {
			u, _, err := db.SessionUser(ctx, session)
			if err != nil || u.ID != zoe.ID || !check(u) {
				t.Fatalf("%s: by session got %+v, %v", step, u, err)
			}
			if u, err = db.APITokenUser(ctx, secret); err != nil || u.ID != zoe.ID || !check(u) {
				t.Fatalf("%s: by token got %+v, %v", step, u, err)
			}
		}
	}
	named := func(name, lang string) func(*coopdec.User) bool {
		return func(u *coopdec.User) bool { return u.Name == name && u.Language == lang }
	}
	both("start", named("Zoé", "fr"))
	v := credentialVersion(t, db)
	for _, k := range []credentialKey{{sessionCredentials.name, hashToken(session)}, {tokenCredentials.name, hashToken(secret)}} {
		if _, ok := db.creds.get(v, k); !ok {
			t.Fatalf("the credential %s authenticated is not kept", k.table)
		}
	}

	// A caller changing the account it was handed changes nothing kept.
	u, err := db.APITokenUser(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	u.Name, u.Email = "Personne", "personne@example.org"
	both("after a caller changed its copy", named("Zoé", "fr"))

	// Marks of use: written with the others, they raise no version, and
	// the credential kept tells when it was last used, so that the next
	// mark waits a minute.
	clk.now = clk.now.Add(2 * time.Minute)
	both("two minutes later", named("Zoé", "fr"))
	if err := db.flushTouches(ctx); err != nil {
		t.Fatal(err)
	}
	if got := credentialVersion(t, db); got != v {
		t.Fatalf("marks of use raised the credentials' version from %d to %d", v, got)
	}
	clk.now = clk.now.Add(30 * time.Second)
	both("thirty seconds after the marks were written", named("Zoé", "fr"))
	db.touched.mu.Lock()
	pending := len(db.touched.sessions.pending) + len(db.touched.tokens.pending)
	db.touched.mu.Unlock()
	if pending != 0 {
		t.Fatalf("%d marks taken thirty seconds after the last ones; want none before a minute", pending)
	}

	// Changes to the account, through the platform or another server.
	if err := db.SetLanguage(ctx, zoe.ID, "en", by); err != nil {
		t.Fatal(err)
	}
	both("language changed", named("Zoé", "en"))
	exec(t, db, `UPDATE users SET name = $1 WHERE id = $2`, "Zoé Martin", zoe.ID)
	both("renamed by another server", named("Zoé Martin", "en"))

	// Another server's marks save a session kept as idle: 35 minutes
	// after this server's last mark, 10 after the other's.
	clk.now = clk.now.Add(25 * time.Minute)
	exec(t, db, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, clk.now, hashToken(session))
	clk.now = clk.now.Add(10 * time.Minute)
	if _, _, err := db.SessionUser(ctx, session); err != nil {
		t.Fatalf("a session used on another server 10 minutes ago: got %v; want it valid", err)
	}
	// A session idle for good is still refused and removed.
	clk.now = clk.now.Add(coopdec.SessionIdleTimeout + time.Minute)
	_, _, err = db.SessionUser(ctx, session)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE token_hash = $1`, hashToken(session)); n != 0 {
		t.Fatalf("an idle session refused is still stored (%d)", n)
	}

	// Ended by another server: revoked, expired, removed, disabled.
	s2, secret2, tok2 := mustSessionAndToken(t, db, zoe.ID)
	s3, secret3, _ := mustSessionAndToken(t, db, zoe.ID)
	for _, c := range []string{s2, s3} {
		if _, _, err := db.SessionUser(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{secret, secret2, secret3} {
		if _, err := db.APITokenUser(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	exec(t, db, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, clk.now, tok.ID)
	_, err = db.APITokenUser(ctx, secret)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	exec(t, db, `UPDATE api_tokens SET expires_at = $1 WHERE id = $2`, clk.now.Add(-time.Second), tok2.ID)
	_, err = db.APITokenUser(ctx, secret2)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	exec(t, db, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(s2))
	_, _, err = db.SessionUser(ctx, s2)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	exec(t, db, `UPDATE users SET disabled_at = $1 WHERE id = $2`, clk.now, zoe.ID)
	_, _, err = db.SessionUser(ctx, s3)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	_, err = db.APITokenUser(ctx, secret3)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
	exec(t, db, `UPDATE users SET disabled_at = NULL WHERE id = $1`, zoe.ID)
	if _, err := db.APITokenUser(ctx, secret3); err != nil {
		t.Fatalf("an account enabled again: got %v; want its token valid", err)
	}
	exec(t, db, `DELETE FROM users WHERE id = $1`, zoe.ID)
	_, _, err = db.SessionUser(ctx, s3)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	_, err = db.APITokenUser(ctx, secret3)
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "token.invalid")
}

// BenchmarkAPITokenUser authenticates requests by API token, each of
// 1,000 users in turn: what every request of the API costs before its
// handler, once the users' credentials and links are kept.
func BenchmarkAPITokenUser(b *testing.B) {
	db := openTestDB(b)
	ctx := b.Context()
	secrets := make([]string, 1000)
	for i := range secrets {
		u := &coopdec.User{Email: fmt.Sprintf("user%d@example.org", i), Name: "User", Language: "fr", PasswordHash: "x",
			Roles: []coopdec.Role{coopdec.RoleEvaluator}}
		if err := db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			b.Fatal(err)
		}
		secret, _, err := db.CreateAPIToken(ctx, u.ID, "bench", coopdec.Actor{UserID: u.ID})
		if err != nil {
			b.Fatal(err)
		}
		secrets[i] = secret
	}
	for _, s := range secrets {
		if _, err := db.APITokenUser(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; b.Loop(); i++ {
		if _, err := db.APITokenUser(ctx, secrets[i%len(secrets)]); err != nil {
			b.Fatal(err)
		}
	}
}
