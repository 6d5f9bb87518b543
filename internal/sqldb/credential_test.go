package sqldb

import (
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
func linksVersion(t *testing.T, db *DB) int64 {
	t.Helper()
	return int64(count(t, db, `SELECT version FROM user_links_version`))
}

// TestCredentialLinksFollowChanges checks that the roles and memberships
// kept for the users authenticated (db.links) are never used once changed:
// every change to them, made through the platform or by another server
// (here by plain SQL, which only the triggers see), is seen at the next
// request, by session and by token, and the credentials' own state
// (revocation, logout, expiry, a disabled account) is read at every
// request.
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

	// The credentials themselves are read at every request.
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
