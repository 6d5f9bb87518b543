package sqldb

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// insertTerritory adds a row to the referential; an empty siren is stored as NULL.
func insertTerritory(t *testing.T, db *DB, kind coopdec.TerritoryKind, code, name, siren, region string) {
	t.Helper()
	exec(t, db, `INSERT INTO territories (kind, code, name, siren, region_code, search) VALUES ($1, $2, $3, $4, $5, $6)`,
		string(kind), code, name, nullString(siren), region, coopdec.Fold(name))
}

// mustCreateOrg stores an organisation created by actorID.
func mustCreateOrg(t *testing.T, db *DB, o *coopdec.Organisation, actorID int64) *coopdec.Organisation {
	t.Helper()
	if err := db.CreateOrganisation(t.Context(), o, coopdec.Actor{UserID: actorID, IP: "192.0.2.1"}); err != nil {
		t.Fatalf("CreateOrganisation(%q): got error %v; want nil", o.Name, err)
	}
	return o
}

func mustInvite(t *testing.T, db *DB, inv *coopdec.Invitation, actorID int64) string {
	t.Helper()
	tok, err := db.CreateInvitation(t.Context(), inv, coopdec.Actor{UserID: actorID, IP: "192.0.2.1"})
	if err != nil {
		t.Fatalf("CreateInvitation(%q): got error %v; want nil", inv.Email, err)
	}
	return tok
}

func TestCreateInvitation(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	org := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgUniversity, Name: "Université de Lyon", Country: "FR"}, admin.ID)
	actor := coopdec.Actor{UserID: admin.ID, IP: "192.0.2.1"}

	invalid := []struct {
		name       string
		inv        coopdec.Invitation
		field, key string
	}{
		{"no email", coopdec.Invitation{OrganisationID: org.ID}, "email", "user.email.required"},
		{"bad email", coopdec.Invitation{Email: "not an address", OrganisationID: org.ID}, "email", "user.email.invalid"},
		{"no target", coopdec.Invitation{Email: "x@example.org"}, "organisation_id", "invitation.target.none"},
		{"two targets", coopdec.Invitation{Email: "x@example.org", OrganisationID: org.ID, ForLocalAuthority: true}, "organisation_id", "invitation.target.both"},
		{"bad member role", coopdec.Invitation{Email: "x@example.org", OrganisationID: org.ID, MemberRole: "owner"}, "member_role", "invitation.member_role.invalid"},
		{"bad role", coopdec.Invitation{Email: "x@example.org", Roles: []coopdec.Role{"king"}}, "roles", "role.invalid"},
		{"has an account", coopdec.Invitation{Email: "admin@example.org", OrganisationID: org.ID}, "email", "invitation.email.has_account"},
		{"has an account, other case", coopdec.Invitation{Email: " Admin@Example.ORG", Roles: []coopdec.Role{coopdec.RoleOfficer}}, "email", "invitation.email.has_account"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			inv := tc.inv
			_, err := db.CreateInvitation(ctx, &inv, actor)
			es := fieldErrors(err)
			if len(es) == 0 {
				t.Fatalf("got error %v; want %s on %s", err, tc.key, tc.field)
			}
			if es[0].Field != tc.field || es[0].Key != tc.key || es[0].Code != coopdec.EINVALID {
				t.Fatalf("got %+v; want {Code:%s Field:%s Key:%s}", es[0], coopdec.EINVALID, tc.field, tc.key)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM invitations`); n != 0 {
		t.Fatalf("got %d invitations; want 0", n)
	}

	inv := &coopdec.Invitation{Email: " New.Member@Example.org ", OrganisationID: org.ID, MemberRole: coopdec.MemberRoleAdmin,
		Roles: []coopdec.Role{coopdec.RoleEvaluator, coopdec.RoleOfficer}}
	tok, err := db.CreateInvitation(ctx, inv, actor)
	if err != nil {
		t.Fatalf("CreateInvitation: got error %v; want nil", err)
	}
	if tok == "" || inv.ID == 0 || inv.Email != "new.member@example.org" || inv.InvitedBy != admin.ID ||
		!inv.CreatedAt.Equal(clk.now) || !inv.ExpiresAt.Equal(clk.now.Add(7*24*time.Hour)) {
		t.Fatalf("got %+v; want a stored invitation by %d expiring in 7 days", inv, admin.ID)
	}
	if n := count(t, db, `SELECT count(*) FROM invitations WHERE token_hash = $1`, tok); n != 0 {
		t.Fatalf("got %d invitations stored under the secret itself; want 0", n)
	}
	if evs := wantAudit(t, db, coopdec.AuditInvitationCreate, "new.member@example.org", admin.ID, 1); evs[0].Details != "organisation:"+itoa(int(org.ID))+" roles:evaluator,officer" {
		t.Fatalf("got details %q; want the organisation and roles", evs[0].Details)
	}

	got, err := db.Invitation(ctx, tok)
	if err != nil {
		t.Fatalf("Invitation: got error %v; want nil", err)
	}
	if got.ID != inv.ID || got.Email != inv.Email || got.OrganisationID != org.ID || got.OrganisationName != "Université de Lyon" ||
		got.MemberRole != coopdec.MemberRoleAdmin || !slices.Equal(got.Roles, inv.Roles) || got.ForLocalAuthority ||
		got.InvitedBy != admin.ID || !got.CreatedAt.Equal(inv.CreatedAt) || !got.ExpiresAt.Equal(inv.ExpiresAt) {
		t.Fatalf("got %+v; want %+v", got, inv)
	}
	for _, bad := range []string{"", "nope", tok + "x"} {
		_, err := db.Invitation(ctx, bad)
		wantError(t, err, coopdec.ENOTFOUND, "", "invitation.invalid")
	}

	// Local-authority invitations carry neither organisation nor roles.
	latok := mustInvite(t, db, &coopdec.Invitation{Email: "maire@example.org", ForLocalAuthority: true}, admin.ID)
	got, err = db.Invitation(ctx, latok)
	if err != nil {
		t.Fatal(err)
	}
	if !got.ForLocalAuthority || got.OrganisationID != 0 || len(got.Roles) != 0 || got.MemberRole != coopdec.MemberRoleMember {
		t.Fatalf("got %+v; want a local-authority invitation", got)
	}
}

func TestInvitationExpiry(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	tok := mustInvite(t, db, &coopdec.Invitation{Email: "late@example.org", Roles: []coopdec.Role{coopdec.RoleOfficer}}, admin.ID)

	clk.advance(7*24*time.Hour - time.Second)
	if _, err := db.Invitation(ctx, tok); err != nil {
		t.Fatalf("a second before expiry: got error %v; want nil", err)
	}
	clk.advance(time.Second)
	_, err := db.Invitation(ctx, tok)
	wantError(t, err, coopdec.ENOTFOUND, "", "invitation.invalid")
	err = db.AcceptInvitation(ctx, tok, &coopdec.User{Name: "Late", PasswordHash: "h"}, nil, "192.0.2.5")
	wantError(t, err, coopdec.ENOTFOUND, "", "invitation.invalid")
	if _, err := db.UserByEmail(ctx, "late@example.org"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("got %v; want no account", err)
	}
}

func TestAcceptInvitation(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	org := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "Cités Unies France", Country: "FR"}, admin.ID)
	tok := mustInvite(t, db, &coopdec.Invitation{Email: "new@example.org", OrganisationID: org.ID, MemberRole: coopdec.MemberRoleAdmin,
		Roles: []coopdec.Role{coopdec.RoleEvaluator}}, admin.ID)

	clk.advance(time.Hour)
	u := &coopdec.User{Email: "ignored@example.org", Name: "Nadia", Language: "fr", PasswordHash: "h"}
	if err := db.AcceptInvitation(ctx, tok, u, nil, "192.0.2.5"); err != nil {
		t.Fatalf("AcceptInvitation: got error %v; want nil", err)
	}
	if u.ID == 0 || u.Email != "new@example.org" {
		t.Fatalf("got user %+v; want a new account for the invited address", u)
	}
	got, err := db.UserByEmail(ctx, "new@example.org")
	if err != nil {
		t.Fatalf("UserByEmail: got error %v; want nil", err)
	}
	if got.ID != u.ID || got.Name != "Nadia" || got.PasswordHash != "h" || !got.CreatedAt.Equal(clk.now) {
		t.Fatalf("got %+v; want the new account", got)
	}
	if want := []coopdec.Role{coopdec.RoleEvaluator}; !slices.Equal(got.Roles, want) {
		t.Fatalf("got roles %v; want %v", got.Roles, want)
	}
	wantMemberships := []coopdec.Membership{{OrganisationID: org.ID, OrganisationName: org.Name, OrganisationKind: coopdec.OrgAssociation, Role: coopdec.MemberRoleAdmin}}
	if !slices.Equal(got.Memberships, wantMemberships) {
		t.Fatalf("got memberships %+v; want %+v", got.Memberships, wantMemberships)
	}

	// The account is created on behalf of the inviter; the acceptance by the
	// new user.
	wantAudit(t, db, coopdec.AuditUserCreate, "new@example.org", admin.ID, 1)
	wantAudit(t, db, coopdec.AuditRoleGrant, userSubject(u.ID), admin.ID, 1)
	wantAudit(t, db, coopdec.AuditMembershipAdd, userSubject(u.ID), u.ID, 1)
	if evs := wantAudit(t, db, coopdec.AuditInvitationAccept, "new@example.org", u.ID, 1); evs[0].IP != "192.0.2.5" {
		t.Fatalf("got ip %q; want 192.0.2.5", evs[0].IP)
	}

	// Once only.
	_, err = db.Invitation(ctx, tok)
	wantError(t, err, coopdec.ENOTFOUND, "", "invitation.invalid")
	err = db.AcceptInvitation(ctx, tok, &coopdec.User{Name: "Again", PasswordHash: "h"}, nil, "192.0.2.6")
	wantError(t, err, coopdec.ENOTFOUND, "", "invitation.invalid")
	if n := count(t, db, `SELECT count(*) FROM users`); n != 2 {
		t.Fatalf("got %d users; want 2", n)
	}
}

func TestAcceptInvitationEmailTakenMeanwhile(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	tok := mustInvite(t, db, &coopdec.Invitation{Email: "twice@example.org", Roles: []coopdec.Role{coopdec.RoleOfficer}}, admin.ID)
	mustCreateUser(t, db, "twice@example.org", "Already")

	err := db.AcceptInvitation(ctx, tok, &coopdec.User{Name: "Twice", PasswordHash: "h"}, nil, "192.0.2.5")
	wantError(t, err, coopdec.EINVALID, "email", "user.email.taken")
	// The whole acceptance was rolled back: the invitation is still unused.
	if n := count(t, db, `SELECT count(*) FROM invitations WHERE used_at IS NULL`); n != 1 {
		t.Fatalf("got %d unused invitations; want 1", n)
	}
	wantAudit(t, db, coopdec.AuditInvitationAccept, "twice@example.org", 0, 0)
}

func TestAcceptLocalAuthorityInvitation(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	officer := mustCreateUser(t, db, "daect@diplomatie.gouv.fr", "Officer", coopdec.RoleOfficer)
	insertTerritory(t, db, coopdec.TerritoryCommune, "69123", "Lyon", "216901231", "84")
	insertTerritory(t, db, coopdec.TerritoryCommune, "01001", "L'Abergement-Clémenciat", "", "84")
	lyon := &coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: "69123", Name: "Lyon"}

	invite := func(email string) string {
		return mustInvite(t, db, &coopdec.Invitation{Email: email, ForLocalAuthority: true}, officer.ID)
	}

	// Refusals roll everything back and leave the invitation usable.
	tok := invite("maire@lyon.fr")
	for _, tc := range []struct {
		name       string
		authority  *coopdec.Territory
		field, key string
	}{
		{"no territory", nil, "territory", "signup.authority.required"},
		{"territory without SIREN", &coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: "01001"}, "territory", "territory.no_siren"},
		{"unknown territory", &coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: "99999"}, "territory", "territory.not_found"},
		{"wrong kind", &coopdec.Territory{Kind: coopdec.TerritoryDepartement, Code: "69123"}, "territory", "territory.not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.AcceptInvitation(ctx, tok, &coopdec.User{Name: "Maire", PasswordHash: "h"}, tc.authority, "192.0.2.5")
			wantError(t, err, coopdec.EINVALID, tc.field, tc.key)
			if _, err := db.Invitation(ctx, tok); err != nil {
				t.Fatalf("invitation after a refused acceptance: got error %v; want nil", err)
			}
			if _, err := db.UserByEmail(ctx, "maire@lyon.fr"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
				t.Fatalf("got %v; want no account", err)
			}
			if n := count(t, db, `SELECT count(*) FROM organisations`); n != 0 {
				t.Fatalf("got %d organisations; want 0", n)
			}
		})
	}

	// The first member registers the authority and administers it; the
	// caller's copy of the territory is not trusted.
	first := &coopdec.User{Name: "Maire", PasswordHash: "h"}
	if err := db.AcceptInvitation(ctx, tok, first, &coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: "69123", Name: "Forged", SIREN: "200046977"}, "192.0.2.5"); err != nil {
		t.Fatalf("AcceptInvitation: got error %v; want nil", err)
	}
	org, err := db.OrganisationBySIREN(ctx, "216901231")
	if err != nil {
		t.Fatalf("OrganisationBySIREN: got error %v; want nil", err)
	}
	want := coopdec.Organisation{ID: org.ID, Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84", CreatedAt: org.CreatedAt}
	if *org != want {
		t.Fatalf("got %+v; want %+v", *org, want)
	}
	u, err := db.UserByID(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := u.Membership(org.ID); !ok || m.Role != coopdec.MemberRoleAdmin || m.OrganisationKind != coopdec.OrgFrenchAuthority {
		t.Fatalf("got memberships %+v; want admin of %d", u.Memberships, org.ID)
	}
	if len(u.Roles) != 0 {
		t.Fatalf("got roles %v; want none", u.Roles)
	}
	wantAudit(t, db, coopdec.AuditOrganisationAdd, "organisation:"+itoa(int(org.ID)), first.ID, 1)

	// A second open invitation cannot pick an authority that has members:
	// nothing is created and the invitation stays usable.
	second := &coopdec.User{Name: "Adjoint", PasswordHash: "h"}
	open := invite("adjoint@lyon.fr")
	err = db.AcceptInvitation(ctx, open, second, lyon, "192.0.2.6")
	if e := (*coopdec.Error)(nil); !errors.As(err, &e) || e.Field != "territory" || e.Key != "signup.authority.has_members" {
		t.Fatalf("AcceptInvitation of an authority with members: got %v; want territory/signup.authority.has_members", err)
	}
	if _, err := db.UserByEmail(ctx, "adjoint@lyon.fr"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("the refused sign-up left an account: %v", err)
	}
	if _, err := db.Invitation(ctx, open); err != nil {
		t.Fatalf("the refused sign-up spent the invitation: %v", err)
	}
	// The second joins through an invitation from the authority itself, as a plain member.
	second = &coopdec.User{Name: "Adjoint", PasswordHash: "h"}
	byAdmin := mustInvite(t, db, &coopdec.Invitation{Email: "adjoint2@lyon.fr", OrganisationID: org.ID}, first.ID)
	if err := db.AcceptInvitation(ctx, byAdmin, second, nil, "192.0.2.6"); err != nil {
		t.Fatalf("AcceptInvitation: got error %v; want nil", err)
	}
	if n := count(t, db, `SELECT count(*) FROM organisations`); n != 1 {
		t.Fatalf("got %d organisations; want 1", n)
	}
	members, err := db.OrganisationMembers(ctx, org.ID)
	if err != nil {
		t.Fatalf("OrganisationMembers: got error %v; want nil", err)
	}
	wantMembers := []coopdec.OrgMember{
		{UserID: second.ID, Name: "Adjoint", Email: "adjoint2@lyon.fr", Role: coopdec.MemberRoleMember},
		{UserID: first.ID, Name: "Maire", Email: "maire@lyon.fr", Role: coopdec.MemberRoleAdmin},
	}
	if !slices.Equal(members, wantMembers) {
		t.Fatalf("got members %+v; want %+v", members, wantMembers)
	}

	// AuthorityFromTerritory finds the registered organisation.
	o, created, err := db.AuthorityFromTerritory(ctx, *lyon, coopdec.Actor{UserID: officer.ID})
	if err != nil || created || o.ID != org.ID {
		t.Fatalf("got %+v, created %v, %v; want the existing organisation %d", o, created, err, org.ID)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	other := mustCreateUser(t, db, "bob@example.org", "Bob")

	first, err := db.CreatePasswordReset(ctx, u.ID, "192.0.2.1")
	if err != nil {
		t.Fatalf("CreatePasswordReset: got error %v; want nil", err)
	}
	clk.advance(5 * time.Minute)
	second, err := db.CreatePasswordReset(ctx, u.ID, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	otherTok, err := db.CreatePasswordReset(ctx, other.ID, "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatalf("got the same secret twice; want two")
	}
	if n := count(t, db, `SELECT count(*) FROM password_resets WHERE token_hash = $1`, first); n != 0 {
		t.Fatalf("got %d resets stored under the secret itself; want 0", n)
	}
	for _, tok := range []string{first, second} {
		if id, err := db.PasswordResetUser(ctx, tok); err != nil || id != u.ID {
			t.Fatalf("PasswordResetUser: got %d, %v; want %d", id, err, u.ID)
		}
	}
	_, err = db.PasswordResetUser(ctx, "nope")
	wantError(t, err, coopdec.ENOTFOUND, "", "reset.invalid")
	wantAudit(t, db, coopdec.AuditResetRequest, userSubject(u.ID), 0, 2)

	var sessions []string
	for range 2 {
		s, err := db.CreateSession(ctx, u.ID, "", "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s)
	}
	otherSession, err := db.CreateSession(ctx, other.ID, "", "192.0.2.2", "test")
	if err != nil {
		t.Fatal(err)
	}

	// Using the first reset spends the second as well.
	id, err := db.ResetPassword(ctx, first, "new-hash", "192.0.2.3")
	if err != nil || id != u.ID {
		t.Fatalf("ResetPassword: got %d, %v; want %d", id, err, u.ID)
	}
	if got, _ := db.UserByID(ctx, u.ID); got.PasswordHash != "new-hash" {
		t.Fatalf("got hash %q; want new-hash", got.PasswordHash)
	}
	for _, tok := range []string{first, second} {
		_, err := db.PasswordResetUser(ctx, tok)
		wantError(t, err, coopdec.ENOTFOUND, "", "reset.invalid")
		_, err = db.ResetPassword(ctx, tok, "evil-hash", "203.0.113.1")
		wantError(t, err, coopdec.ENOTFOUND, "", "reset.invalid")
	}
	if got, _ := db.UserByID(ctx, u.ID); got.PasswordHash != "new-hash" {
		t.Fatalf("got hash %q; want new-hash", got.PasswordHash)
	}
	for _, s := range sessions {
		_, _, err := db.SessionUser(ctx, s)
		wantError(t, err, coopdec.EUNAUTHORIZED, "", "session.invalid")
	}
	if evs := wantAudit(t, db, coopdec.AuditPasswordReset, userSubject(u.ID), u.ID, 1); evs[0].IP != "192.0.2.3" {
		t.Fatalf("got ip %q; want 192.0.2.3", evs[0].IP)
	}

	// Another user's reset and session are untouched.
	if _, _, err := db.SessionUser(ctx, otherSession); err != nil {
		t.Fatalf("other user's session: got error %v; want nil", err)
	}
	if id, err := db.PasswordResetUser(ctx, otherTok); err != nil || id != other.ID {
		t.Fatalf("other user's reset: got %d, %v; want %d", id, err, other.ID)
	}

	// Valid for 15 minutes.
	clk.advance(15*time.Minute - time.Second) // 20 minutes after the first request
	if _, err := db.PasswordResetUser(ctx, otherTok); err != nil {
		t.Fatalf("a second before expiry: got error %v; want nil", err)
	}
	clk.advance(time.Second)
	_, err = db.PasswordResetUser(ctx, otherTok)
	wantError(t, err, coopdec.ENOTFOUND, "", "reset.invalid")
	_, err = db.ResetPassword(ctx, otherTok, "late-hash", "192.0.2.2")
	wantError(t, err, coopdec.ENOTFOUND, "", "reset.invalid")
	if got, _ := db.UserByID(ctx, other.ID); got.PasswordHash != "hash-of-bob@example.org" {
		t.Fatalf("got hash %q; want the original", got.PasswordHash)
	}
}

// TestPasswordResetConcurrentUse spends one reset secret from several
// requests at once: exactly one may set the password. (SQLite serializes
// write transactions; PostgreSQL's READ COMMITTED does not.)
func TestPasswordResetConcurrentUse(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	u := mustCreateUser(t, db, "alice@example.org", "Alice")
	for round := range 5 {
		tok, err := db.CreatePasswordReset(ctx, u.ID, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, err := db.ResetPassword(ctx, tok, "hash-"+itoa(i), "192.0.2.1")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		var ok int
		for err := range errs {
			switch coopdec.ErrorCode(err) {
			case "":
				ok++
			case coopdec.ENOTFOUND:
			default:
				t.Fatalf("round %d: got error %v; want nil or %s", round, err, coopdec.ENOTFOUND)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: got %d successful resets with one secret; want 1", round, ok)
		}
		wantAudit(t, db, coopdec.AuditPasswordReset, userSubject(u.ID), u.ID, round+1)
	}
}

// TestAcceptInvitationConcurrently accepts one invitation from several
// requests at once: exactly one account is created.
func TestAcceptInvitationConcurrently(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	tok := mustInvite(t, db, &coopdec.Invitation{Email: "new@example.org", Roles: []coopdec.Role{coopdec.RoleOfficer}}, admin.ID)
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			errs <- db.AcceptInvitation(ctx, tok, &coopdec.User{Name: "New", PasswordHash: "h"}, nil, "192.0.2.1")
		})
	}
	wg.Wait()
	close(errs)
	var ok int
	for err := range errs {
		switch coopdec.ErrorCode(err) {
		case "":
			ok++
		case coopdec.ENOTFOUND, coopdec.EINVALID: // already used, or the address just taken
		default:
			t.Fatalf("got error %v; want nil, %s or %s", err, coopdec.ENOTFOUND, coopdec.EINVALID)
		}
	}
	if ok != 1 {
		t.Fatalf("got %d accepted; want 1", ok)
	}
	if c := count(t, db, `SELECT count(*) FROM users WHERE email = $1`, "new@example.org"); c != 1 {
		t.Fatalf("got %d accounts; want 1", c)
	}
}

// TestAcceptLocalAuthorityConcurrently has the first members of one authority
// sign up at once: one registers it and administers it, the others are told
// to ask for an invitation from it.
func TestAcceptLocalAuthorityConcurrently(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	officer := mustCreateUser(t, db, "officer@example.org", "Officer", coopdec.RoleOfficer)
	insertTerritory(t, db, coopdec.TerritoryCommune, "69123", "Lyon", "216901231", "84")
	const n = 6
	var toks []string
	for i := range n {
		toks = append(toks, mustInvite(t, db, &coopdec.Invitation{Email: "m" + itoa(i) + "@lyon.fr", ForLocalAuthority: true}, officer.ID))
	}
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, tok := range toks {
		wg.Go(func() {
			errs <- db.AcceptInvitation(ctx, tok, &coopdec.User{Name: "Élu", PasswordHash: "h"},
				&coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: "69123"}, "192.0.2.1")
		})
	}
	wg.Wait()
	close(errs)
	var ok int
	for err := range errs {
		switch e := (*coopdec.Error)(nil); {
		case err == nil:
			ok++
		case errors.As(err, &e) && e.Key == "signup.authority.has_members":
		default:
			t.Fatalf("got error %v; want nil or signup.authority.has_members", err)
		}
	}
	if ok != 1 {
		t.Fatalf("got %d sign-ups accepted; want exactly 1", ok)
	}
	org, err := db.OrganisationBySIREN(ctx, "216901231")
	if err != nil {
		t.Fatal(err)
	}
	members, err := db.OrganisationMembers(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	var admins int
	for _, m := range members {
		if m.Role == coopdec.MemberRoleAdmin {
			admins++
		}
	}
	if len(members) != 1 || admins != 1 {
		t.Fatalf("got %d members, %d admins; want 1 and 1", len(members), admins)
	}
}
