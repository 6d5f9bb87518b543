package sqldb

import (
	"context"
	"strconv"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestAdminSupport(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ada := &coopdec.User{Email: "ada@example.org", Name: "Ada", PasswordHash: "x", Roles: []coopdec.Role{coopdec.RoleAdmin}}
	ana := &coopdec.User{Email: "ana@example.org", Name: "Ana", PasswordHash: "x", Roles: []coopdec.Role{coopdec.RoleEvaluator}}
	bob := &coopdec.User{Email: "bob@example.org", Name: "Bob", PasswordHash: "x", Roles: []coopdec.Role{coopdec.RoleEvaluator, coopdec.RoleOfficer}}
	for _, u := range []*coopdec.User{ada, ana, bob} {
		if err := db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []*coopdec.Organisation{
		{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Inde", Country: "IN"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Rosario", Country: "AR"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Tlemcen", Country: "DZ"},
	} {
		if err := db.CreateOrganisation(ctx, o, coopdec.Actor{UserID: ada.ID}); err != nil {
			t.Fatal(err)
		}
	}

	total, byRole, err := db.UserCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || byRole[coopdec.RoleEvaluator] != 2 || byRole[coopdec.RoleOfficer] != 1 || byRole[coopdec.RoleAdmin] != 1 || byRole[coopdec.RoleEmbassy] != 0 {
		t.Errorf("UserCounts: got %d, %v; want 3 accounts, 2 evaluators, 1 officer, 1 admin", total, byRole)
	}

	byKind, err := db.OrganisationCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if byKind[coopdec.OrgForeignAuthority] != 2 || byKind[coopdec.OrgEmbassy] != 1 || len(byKind) != 2 {
		t.Errorf("OrganisationCounts: got %v; want 2 foreign authorities and 1 embassy", byKind)
	}

	names, err := db.UserNames(ctx, []int64{ana.ID, bob.ID, 99999})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[ana.ID] != "Ana" || names[bob.ID] != "Bob" {
		t.Errorf("UserNames: got %v; want Ana and Bob only", names)
	}
	if names, err := db.UserNames(ctx, nil); err != nil || len(names) != 0 {
		t.Errorf("UserNames(nil): got %v, %v; want an empty map", names, err)
	}

	// Ana's events: her account's creation and role, a grant by Ada, her
	// own login; not Bob's.
	if err := db.GrantRole(ctx, ana.ID, coopdec.RoleEmbassy, coopdec.Actor{UserID: ada.ID}); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, coopdec.Actor{UserID: ana.ID, IP: "192.0.2.1"}, coopdec.AuditLoginSuccess, ana.Email, ""); err != nil {
		t.Fatal(err)
	}
	events, err := db.UserAudit(ctx, ana, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		if e.ActorID != ana.ID && e.Subject != ana.Email && e.Subject != "user:"+strconv.FormatInt(ana.ID, 10) {
			t.Errorf("UserAudit: event %+v is not about Ana", e)
		}
		actions = append(actions, e.Action)
	}
	want := []string{coopdec.AuditLoginSuccess, coopdec.AuditRoleGrant, coopdec.AuditRoleGrant, coopdec.AuditUserCreate}
	if len(actions) != len(want) {
		t.Fatalf("UserAudit: got %v; want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("UserAudit: got %v; want %v, newest first", actions, want)
			break
		}
	}
	if events, _ := db.UserAudit(ctx, ana, 2); len(events) != 2 {
		t.Errorf("UserAudit with a limit of 2: got %d events", len(events))
	}
}
