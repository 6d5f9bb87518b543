package web

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// TestAPIAccessFollowsLinks checks that what a token lets in follows its
// user's memberships and roles from the next request on, although the
// storage keeps them between requests: a member taken out of the
// authority no longer sees its draft, an admin whose role is revoked no
// longer administers. Each state is checked twice, the second time from
// what was kept.
func TestAPIAccessFollowsLinks(t *testing.T) {
	f := newAppFixture(t)
	ctx := context.Background()
	by := coopdec.Actor{UserID: f.admin.ID}
	a := f.create(f.tMemberA, map[string]any{"call_id": f.argCall.ID})
	draft := apiAppPath(a.ID, "")
	twice := func(path, token string, want int) {
		t.Helper()
		for range 2 {
			f.c.call("GET", path, token, nil, want)
		}
	}
	twice(draft, f.tMemberA, http.StatusOK)
	twice(draft, f.tMemberB, http.StatusNotFound)

	if err := f.db.RemoveMembership(ctx, f.memberA.ID, f.orgA.ID, by); err != nil {
		t.Fatal(err)
	}
	twice(draft, f.tMemberA, http.StatusNotFound)
	if err := f.db.AddMembership(ctx, f.memberA.ID, f.orgA.ID, coopdec.MemberRoleMember, by); err != nil {
		t.Fatal(err)
	}
	twice(draft, f.tMemberA, http.StatusOK)
	if err := f.db.AddMembership(ctx, f.memberB.ID, f.orgA.ID, coopdec.MemberRoleMember, by); err != nil {
		t.Fatal(err)
	}
	twice(draft, f.tMemberB, http.StatusOK)

	twice("/api/v1/admin/users", f.tPlain, http.StatusForbidden)
	f.c.call("POST", "/api/v1/admin/users/"+strconv.FormatInt(f.plain.ID, 10)+"/roles", f.tAdmin, map[string]string{"role": "admin"}, http.StatusNoContent)
	twice("/api/v1/admin/users", f.tPlain, http.StatusOK)
	f.c.call("DELETE", "/api/v1/admin/users/"+strconv.FormatInt(f.plain.ID, 10)+"/roles/admin", f.tAdmin, nil, http.StatusNoContent)
	twice("/api/v1/admin/users", f.tPlain, http.StatusForbidden)
}
