package sqldb

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// t0 is where every test clock starts.
var t0 = time.Date(2025, time.March, 10, 9, 0, 0, 0, time.UTC)

// testClock is a clock that stands still until a test moves it.
type testClock struct{ now time.Time }

func (c *testClock) advance(d time.Duration) { c.now = c.now.Add(d) }

// openClockDB opens a fresh database whose clock is a testClock set at t0.
func openClockDB(t *testing.T) (*DB, *testClock) {
	t.Helper()
	db := openTestDB(t)
	c := &testClock{now: t0}
	db.Now = func() time.Time { return c.now }
	return db, c
}

// mustCreateUser stores an account created by nobody in particular.
func mustCreateUser(t *testing.T, db *DB, email, name string, roles ...coopdec.Role) *coopdec.User {
	t.Helper()
	u := &coopdec.User{Email: email, Name: name, Language: "fr", PasswordHash: "hash-of-" + email, Roles: roles}
	if err := db.CreateUser(t.Context(), u, coopdec.Actor{}); err != nil {
		t.Fatalf("CreateUser(%q): got error %v; want nil", email, err)
	}
	return u
}

// wantError fails unless err is a *coopdec.Error with that code, field and
// (when not empty) key.
func wantError(t *testing.T, err error, code, field, key string) {
	t.Helper()
	var e *coopdec.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v; want *coopdec.Error {Code:%q Field:%q Key:%q}", err, code, field, key)
	}
	if e.Code != code || e.Field != field || (key != "" && e.Key != key) {
		t.Fatalf("got error {Code:%q Field:%q Key:%q}; want {Code:%q Field:%q Key:%q}", e.Code, e.Field, e.Key, code, field, key)
	}
}

// fieldErrors returns the *coopdec.Error values err carries.
func fieldErrors(err error) []*coopdec.Error {
	var es coopdec.Errors
	if errors.As(err, &es) {
		return es
	}
	var e *coopdec.Error
	if errors.As(err, &e) {
		return []*coopdec.Error{e}
	}
	return nil
}

// exec runs a statement straight on the database, bypassing the storage API.
func exec(t *testing.T, db *DB, query string, args ...any) {
	t.Helper()
	if _, err := db.write.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: got error %v; want nil", query, err)
	}
}

// count runs a SELECT count(*) query.
func count(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: got error %v; want nil", query, err)
	}
	return n
}

// auditEvents lists the audit events matching f, newest first.
func auditEvents(t *testing.T, db *DB, f AuditFilter) []coopdec.AuditEvent {
	t.Helper()
	evs, _, err := db.ListAudit(t.Context(), f, coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatalf("ListAudit(%+v): got error %v; want nil", f, err)
	}
	return evs
}

// wantAudit fails unless exactly n events have that action and subject, all
// by actorID.
func wantAudit(t *testing.T, db *DB, action, subject string, actorID int64, n int) []coopdec.AuditEvent {
	t.Helper()
	var got []coopdec.AuditEvent
	for _, e := range auditEvents(t, db, AuditFilter{Action: action}) {
		if e.Subject == subject {
			got = append(got, e)
		}
	}
	if len(got) != n {
		t.Fatalf("audit %s on %q: got %d events; want %d", action, subject, len(got), n)
	}
	for _, e := range got {
		if e.ActorID != actorID {
			t.Fatalf("audit %s on %q: got actor %d; want %d", action, subject, e.ActorID, actorID)
		}
	}
	return got
}

func userSubject(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

func TestCreateUser(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)

	u := &coopdec.User{Email: "alice@example.org", Name: "Alice Martin", Language: "en", PasswordHash: "h1",
		Roles: []coopdec.Role{coopdec.RoleOfficer, coopdec.RoleEvaluator}}
	actor := coopdec.Actor{UserID: admin.ID, IP: "192.0.2.10"}
	if err := db.CreateUser(ctx, u, actor); err != nil {
		t.Fatalf("CreateUser: got error %v; want nil", err)
	}
	if u.ID == 0 || u.ID == admin.ID {
		t.Fatalf("got id %d; want a new non-zero id", u.ID)
	}
	if !u.CreatedAt.Equal(clk.now) {
		t.Fatalf("got created_at %v; want %v", u.CreatedAt, clk.now)
	}
	got, err := db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: got error %v; want nil", err)
	}
	if got.Email != u.Email || got.Name != u.Name || got.Language != "en" || got.PasswordHash != "h1" ||
		!got.CreatedAt.Equal(clk.now) || got.DisabledAt != nil {
		t.Fatalf("got %+v; want the stored %+v", got, u)
	}
	if want := []coopdec.Role{coopdec.RoleEvaluator, coopdec.RoleOfficer}; !slices.Equal(got.Roles, want) {
		t.Fatalf("got roles %v; want %v", got.Roles, want)
	}
	if len(got.Memberships) != 0 {
		t.Fatalf("got memberships %v; want none", got.Memberships)
	}

	// The creation and each role are audited, by the acting admin.
	if evs := wantAudit(t, db, coopdec.AuditUserCreate, "alice@example.org", admin.ID, 1); evs[0].IP != "192.0.2.10" {
		t.Fatalf("got audit ip %q; want %q", evs[0].IP, "192.0.2.10")
	}
	grants := wantAudit(t, db, coopdec.AuditRoleGrant, userSubject(u.ID), admin.ID, 2)
	var details []string
	for _, e := range grants {
		details = append(details, e.Details)
	}
	slices.Sort(details)
	if want := []string{"evaluator", "officer"}; !slices.Equal(details, want) {
		t.Fatalf("got granted roles %v; want %v", details, want)
	}
	// Self-registration (no actor) is attributed to the new account.
	wantAudit(t, db, coopdec.AuditUserCreate, "admin@example.org", admin.ID, 1)

	for _, email := range []string{"alice@example.org", "ALICE@Example.org", " alice@example.org "} {
		t.Run("duplicate "+email, func(t *testing.T) {
			dup := &coopdec.User{Email: email, Name: "Other", PasswordHash: "h2"}
			err := db.CreateUser(ctx, dup, coopdec.Actor{})
			wantError(t, err, coopdec.EINVALID, "email", "user.email.taken")
		})
	}
	if n := count(t, db, `SELECT count(*) FROM users`); n != 2 {
		t.Fatalf("got %d users; want 2", n)
	}
	// A failed creation leaves no trace in the trail.
	wantAudit(t, db, coopdec.AuditUserCreate, "alice@example.org", admin.ID, 1)
}

func TestCreateUserNormalizesEmail(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	u := mustCreateUser(t, db, "  Bob.Dupont@Example.ORG ", "Bob")
	if u.Email != "bob.dupont@example.org" {
		t.Fatalf("got email %q; want %q", u.Email, "bob.dupont@example.org")
	}
	got, err := db.UserByEmail(t.Context(), "bob.dupont@example.org")
	if err != nil {
		t.Fatalf("UserByEmail: got error %v; want nil", err)
	}
	if got.ID != u.ID {
		t.Fatalf("got user %d; want %d", got.ID, u.ID)
	}
}

func TestUserLookup(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	alice := mustCreateUser(t, db, "alice@example.org", "Alice")
	mustCreateUser(t, db, "bob@example.org", "Bob")

	for _, tc := range []struct {
		email  string
		wantID int64
	}{
		{"alice@example.org", alice.ID},
		{"ALICE@EXAMPLE.ORG", alice.ID},
		{"  Alice@Example.org\t", alice.ID},
		{"alice@example.com", 0},
		{"", 0},
	} {
		u, err := db.UserByEmail(ctx, tc.email)
		if tc.wantID == 0 {
			wantError(t, err, coopdec.ENOTFOUND, "", "user.not_found")
			continue
		}
		if err != nil {
			t.Fatalf("UserByEmail(%q): got error %v; want nil", tc.email, err)
		}
		if u.ID != tc.wantID {
			t.Fatalf("UserByEmail(%q): got id %d; want %d", tc.email, u.ID, tc.wantID)
		}
	}

	u, err := db.UserByID(ctx, alice.ID)
	if err != nil || u.Email != "alice@example.org" {
		t.Fatalf("UserByID: got %v, %v; want alice", u, err)
	}
	_, err = db.UserByID(ctx, alice.ID+1000)
	wantError(t, err, coopdec.ENOTFOUND, "", "user.not_found")
}

func TestGrantRevokeRole(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	u := mustCreateUser(t, db, "eva@example.org", "Eva")
	actor := coopdec.Actor{UserID: admin.ID, IP: "192.0.2.1"}
	subject := userSubject(u.ID)

	roles := func() []coopdec.Role {
		t.Helper()
		got, err := db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("UserByID: got error %v; want nil", err)
		}
		return got.Roles
	}

	for i := range 2 {
		if err := db.GrantRole(ctx, u.ID, coopdec.RoleEvaluator, actor); err != nil {
			t.Fatalf("GrantRole #%d: got error %v; want nil", i+1, err)
		}
	}
	if got, want := roles(), []coopdec.Role{coopdec.RoleEvaluator}; !slices.Equal(got, want) {
		t.Fatalf("got roles %v; want %v", got, want)
	}
	wantAudit(t, db, coopdec.AuditRoleGrant, subject, admin.ID, 1)
	var grantedBy int64
	if err := db.read.QueryRowContext(ctx, `SELECT granted_by FROM user_roles WHERE user_id = $1`, u.ID).Scan(&grantedBy); err != nil || grantedBy != admin.ID {
		t.Fatalf("got granted_by %d, %v; want %d", grantedBy, err, admin.ID)
	}

	err := db.GrantRole(ctx, u.ID, coopdec.Role("superuser"), actor)
	wantError(t, err, coopdec.EINVALID, "role", "role.invalid")

	if err := db.GrantRole(ctx, u.ID+1000, coopdec.RoleOfficer, actor); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("GrantRole to a missing user: got %v; want an %s error", err, coopdec.EINVALID)
	}

	for i := range 2 {
		if err := db.RevokeRole(ctx, u.ID, coopdec.RoleEvaluator, actor); err != nil {
			t.Fatalf("RevokeRole #%d: got error %v; want nil", i+1, err)
		}
	}
	if got := roles(); len(got) != 0 {
		t.Fatalf("got roles %v; want none", got)
	}
	if evs := wantAudit(t, db, coopdec.AuditRoleRevoke, subject, admin.ID, 1); evs[0].Details != "evaluator" {
		t.Fatalf("got revoke details %q; want %q", evs[0].Details, "evaluator")
	}
	// The admin keeps their own role.
	if a, _ := db.UserByID(ctx, admin.ID); !a.HasRole(coopdec.RoleAdmin) {
		t.Fatalf("got admin roles %v; want admin", a.Roles)
	}
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	mustCreateUser(t, db, "alice@example.org", "Alice Martin", coopdec.RoleAdmin)
	mustCreateUser(t, db, "bruno@mairie-lyon.fr", "Bruno Dupont", coopdec.RoleOfficer)
	mustCreateUser(t, db, "claire@example.org", "claire Dupont", coopdec.RoleOfficer, coopdec.RoleEvaluator)
	mustCreateUser(t, db, "david_petit@example.org", "David Petit")
	mustCreateUser(t, db, "eve@example.org", "Eve Durand")

	tests := []struct {
		name      string
		filter    UserFilter
		page      coopdec.Page
		wantNames []string
		wantTotal int
	}{
		{"all", UserFilter{}, coopdec.NewPage(1, 20),
			[]string{"Alice Martin", "Bruno Dupont", "claire Dupont", "David Petit", "Eve Durand"}, 5},
		{"first page", UserFilter{}, coopdec.NewPage(1, 2), []string{"Alice Martin", "Bruno Dupont"}, 5},
		{"second page", UserFilter{}, coopdec.NewPage(2, 2), []string{"claire Dupont", "David Petit"}, 5},
		{"last page", UserFilter{}, coopdec.NewPage(3, 2), []string{"Eve Durand"}, 5},
		{"past the end", UserFilter{}, coopdec.NewPage(4, 2), nil, 5},
		{"name, any case", UserFilter{Query: "DUPONT"}, coopdec.NewPage(1, 20), []string{"Bruno Dupont", "claire Dupont"}, 2},
		{"email part", UserFilter{Query: "mairie-lyon"}, coopdec.NewPage(1, 20), []string{"Bruno Dupont"}, 1},
		{"spaces trimmed", UserFilter{Query: "  eve  "}, coopdec.NewPage(1, 20), []string{"Eve Durand"}, 1},
		{"underscore is literal", UserFilter{Query: "d_p"}, coopdec.NewPage(1, 20), []string{"David Petit"}, 1},
		{"percent is literal", UserFilter{Query: "%"}, coopdec.NewPage(1, 20), nil, 0},
		{"backslash is literal", UserFilter{Query: `\`}, coopdec.NewPage(1, 20), nil, 0},
		{"role", UserFilter{Role: coopdec.RoleOfficer}, coopdec.NewPage(1, 20), []string{"Bruno Dupont", "claire Dupont"}, 2},
		{"role, paged", UserFilter{Role: coopdec.RoleOfficer}, coopdec.NewPage(2, 1), []string{"claire Dupont"}, 2},
		{"role and query", UserFilter{Query: "claire", Role: coopdec.RoleOfficer}, coopdec.NewPage(1, 20), []string{"claire Dupont"}, 1},
		{"role and query, no match", UserFilter{Query: "alice", Role: coopdec.RoleOfficer}, coopdec.NewPage(1, 20), nil, 0},
		{"role nobody holds", UserFilter{Role: coopdec.RoleEmbassy}, coopdec.NewPage(1, 20), nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			users, page, err := db.ListUsers(ctx, tc.filter, tc.page)
			if err != nil {
				t.Fatalf("got error %v; want nil", err)
			}
			var names []string
			for _, u := range users {
				names = append(names, u.Name)
			}
			if !slices.Equal(names, tc.wantNames) {
				t.Fatalf("got %q; want %q", names, tc.wantNames)
			}
			if page.Total != tc.wantTotal || page.Page != tc.page.Page || page.PerPage != tc.page.PerPage {
				t.Fatalf("got page %+v; want total %d on page %d of %d", page, tc.wantTotal, tc.page.Page, tc.page.PerPage)
			}
		})
	}

	// Listed users come with their roles.
	users, _, err := db.ListUsers(ctx, UserFilter{Query: "claire"}, coopdec.NewPage(1, 20))
	if err != nil || len(users) != 1 {
		t.Fatalf("got %v, %v; want claire", users, err)
	}
	if want := []coopdec.Role{coopdec.RoleEvaluator, coopdec.RoleOfficer}; !slices.Equal(users[0].Roles, want) {
		t.Fatalf("got roles %v; want %v", users[0].Roles, want)
	}
}

func TestSetLanguage(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "lea@example.org", "Léa")

	for _, tc := range []struct {
		lang    string
		wantErr bool
		want    string // stored afterwards
	}{
		{"en", false, "en"},
		{"pt", false, "pt"},
		{"xx", true, "pt"},
		{"EN", true, "pt"},
		{"fr-FR", true, "pt"},
		{"", false, ""},
	} {
		err := db.SetLanguage(ctx, u.ID, tc.lang, coopdec.Actor{UserID: u.ID})
		if tc.wantErr {
			wantError(t, err, coopdec.EINVALID, "language", "user.language.invalid")
		} else if err != nil {
			t.Fatalf("SetLanguage(%q): got error %v; want nil", tc.lang, err)
		}
		got, err := db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Language != tc.want {
			t.Fatalf("after SetLanguage(%q): got language %q; want %q", tc.lang, got.Language, tc.want)
		}
	}
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "paul@example.org", "Paul")
	other := mustCreateUser(t, db, "zoe@example.org", "Zoé")

	var toks []string
	for range 3 {
		tok, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
		if err != nil {
			t.Fatalf("CreateSession: got error %v; want nil", err)
		}
		toks = append(toks, tok)
	}
	otherTok, err := db.CreateSession(ctx, other.ID, "", "192.0.2.2", "test")
	if err != nil {
		t.Fatal(err)
	}

	actor := coopdec.Actor{UserID: u.ID, IP: "192.0.2.1"}
	if err := db.SetPassword(ctx, u.ID, "new-hash", toks[1], actor); err != nil {
		t.Fatalf("SetPassword: got error %v; want nil", err)
	}
	got, err := db.UserByID(ctx, u.ID)
	if err != nil || got.PasswordHash != "new-hash" {
		t.Fatalf("got hash %q, %v; want %q", got.PasswordHash, err, "new-hash")
	}
	for i, tok := range toks {
		_, _, err := db.SessionUser(ctx, tok)
		if i == 1 {
			if err != nil {
				t.Fatalf("kept session: got error %v; want nil", err)
			}
			continue
		}
		wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	}
	if _, _, err := db.SessionUser(ctx, otherTok); err != nil {
		t.Fatalf("another user's session: got error %v; want nil", err)
	}
	wantAudit(t, db, coopdec.AuditPasswordChange, userSubject(u.ID), u.ID, 1)

	// Without a session to keep (an admin reset), every session ends.
	if err := db.SetPassword(ctx, u.ID, "newer-hash", "", coopdec.Actor{UserID: other.ID}); err != nil {
		t.Fatalf("SetPassword: got error %v; want nil", err)
	}
	_, _, err = db.SessionUser(ctx, toks[1])
	wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID); n != 0 {
		t.Fatalf("got %d sessions; want 0", n)
	}
	if n := len(auditEvents(t, db, AuditFilter{Action: coopdec.AuditPasswordChange, ActorID: other.ID})); n != 1 {
		t.Fatalf("got %d password changes by the other user; want 1", n)
	}
}

func TestListUsersIgnoresAccents(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	mustCreateUser(t, db, "elodie@example.org", "Élodie Léger")
	for _, q := range []string{"Élodie", "elodie", "LEGER", "élodie léger"} {
		users, _, err := db.ListUsers(t.Context(), UserFilter{Query: q}, coopdec.NewPage(1, 20))
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 {
			t.Errorf("query %q: got %d users; want 1", q, len(users))
		}
	}
}

func TestSetNameKeepsSearchInStep(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	u := mustCreateUser(t, db, "ana@example.org", "Ana Martin")
	if err := db.SetName(t.Context(), u.ID, "Anaïs Lefèvre", coopdec.Actor{UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"lefevre": 1, "martin": 0, "ana@example": 1} {
		users, _, err := db.ListUsers(t.Context(), UserFilter{Query: q}, coopdec.NewPage(1, 20))
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != want {
			t.Errorf("query %q after renaming: got %d users; want %d", q, len(users), want)
		}
	}
	if err := db.SetName(t.Context(), 9999, "Personne", coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("renaming an unknown user: got %v; want not found", err)
	}
}

// TestUserLinksOfSeveral: the links of several users read together land on
// their own user, roles by name and memberships by organisation name, as
// they do for one user (a session's or a token's).
func TestUserLinksOfSeveral(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	zoe := mustCreateUser(t, db, "zoe@example.org", "Zoé", coopdec.RoleOfficer, coopdec.RoleEvaluator)
	yann := mustCreateUser(t, db, "yann@example.org", "Yann", coopdec.RoleEmbassy)
	mustCreateUser(t, db, "nadia@example.org", "Nadia")
	ministry := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"}, admin.ID)
	region := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgRegionalCouncil, Name: "Région Sud", Country: "FR"}, admin.ID)
	for _, m := range []struct {
		user, org int64
		role      coopdec.MemberRole
	}{{zoe.ID, region.ID, coopdec.MemberRoleAdmin}, {zoe.ID, ministry.ID, coopdec.MemberRoleMember}, {yann.ID, region.ID, coopdec.MemberRoleMember}} {
		if err := db.AddMembership(ctx, m.user, m.org, m.role, coopdec.Actor{UserID: admin.ID}); err != nil {
			t.Fatal(err)
		}
	}
	users, _, err := db.ListUsers(ctx, UserFilter{}, coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*coopdec.User{}
	for _, u := range users {
		byName[u.Name] = u
	}
	orgs := func(u *coopdec.User) []string {
		var out []string
		for _, m := range u.Memberships {
			out = append(out, m.OrganisationName+"/"+string(m.Role))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		roles []coopdec.Role
		orgs  []string
	}{
		{"Admin", []coopdec.Role{coopdec.RoleAdmin}, nil},
		{"Zoé", []coopdec.Role{coopdec.RoleEvaluator, coopdec.RoleOfficer}, []string{"Ministère (DAECT)/member", "Région Sud/admin"}},
		{"Yann", []coopdec.Role{coopdec.RoleEmbassy}, []string{"Région Sud/member"}},
		{"Nadia", nil, nil},
	} {
		u := byName[tc.name]
		if u == nil {
			t.Fatalf("%s not listed", tc.name)
		}
		if !slices.Equal(u.Roles, tc.roles) || !slices.Equal(orgs(u), tc.orgs) {
			t.Errorf("%s: got roles %v and memberships %v; want %v and %v", tc.name, u.Roles, orgs(u), tc.roles, tc.orgs)
		}
		one, err := db.UserByID(ctx, u.ID)
		if err != nil || !slices.Equal(one.Roles, tc.roles) || !slices.Equal(orgs(one), tc.orgs) {
			t.Errorf("%s alone: got %v, %v, %v; want %v and %v", tc.name, one.Roles, orgs(one), err, tc.roles, tc.orgs)
		}
		// A session's and a token's user come with the same links, read
		// with the credential (credentialUser).
		session, err := db.CreateSession(ctx, u.ID, "", "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := db.CreateAPIToken(ctx, u.ID, "test", coopdec.Actor{UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		bySession, _, err := db.SessionUser(ctx, session)
		if err != nil || bySession.ID != u.ID || bySession.Email != u.Email || !slices.Equal(bySession.Roles, tc.roles) ||
			!slices.Equal(orgs(bySession), tc.orgs) {
			t.Errorf("%s by session: got %+v, %v; want roles %v and memberships %v", tc.name, bySession, err, tc.roles, tc.orgs)
		}
		byToken, err := db.APITokenUser(ctx, token)
		if err != nil || byToken.ID != u.ID || byToken.Name != u.Name || !slices.Equal(byToken.Roles, tc.roles) ||
			!slices.Equal(orgs(byToken), tc.orgs) {
			t.Errorf("%s by token: got %+v, %v; want roles %v and memberships %v", tc.name, byToken, err, tc.roles, tc.orgs)
		}
	}
	if _, _, err := db.SessionUser(ctx, "no-such-session"); coopdec.ErrorCode(err) != coopdec.EUNAUTHORIZED {
		t.Errorf("unknown session: got %v; want EUNAUTHORIZED", err)
	}
	if _, err := db.APITokenUser(ctx, "no-such-token"); coopdec.ErrorCode(err) != coopdec.EUNAUTHORIZED {
		t.Errorf("unknown token: got %v; want EUNAUTHORIZED", err)
	}
}
