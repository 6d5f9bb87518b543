package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
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
	f.c.call("POST", fmt.Sprintf("/api/v1/admin/users/%d/roles", f.plain.ID), f.tAdmin, map[string]string{"role": "admin"}, http.StatusNoContent)
	twice("/api/v1/admin/users", f.tPlain, http.StatusOK)
	f.c.call("DELETE", fmt.Sprintf("/api/v1/admin/users/%d/roles/admin", f.plain.ID), f.tAdmin, nil, http.StatusNoContent)
	twice("/api/v1/admin/users", f.tPlain, http.StatusForbidden)
}

// TestAPIMemberRefusedExplained checks that a member's submission, let in
// on the application's head without reading it (apiMemberHead), is
// refused as before when storage refuses it, with the explanation (the
// application is then read for it), and that the others' files and
// submissions are still refused as before, none stored.
func TestAPIMemberRefusedExplained(t *testing.T) {
	f := newAppFixture(t)
	a := f.create(f.tMemberA, appWith(f.content(), "call_id", f.argCall.ID))
	p := f.c.call("POST", apiAppPath(a.ID, "/submit"), f.tMemberA, nil, http.StatusUnprocessableEntity).problem()
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
		if e.Message == "" {
			t.Errorf("refusal of field %q without a message", e.Field)
		}
	}
	if !slices.Contains(fields, "partners") || !slices.Contains(fields, "documents") || !strings.Contains(p.Detail, "Argentine") {
		t.Fatalf("refusal: got %+v; want the unconfirmed partner and the missing deliberation explained", p)
	}
	for _, who := range []struct {
		token string
		want  int
	}{{f.tMemberB, http.StatusNotFound}, {f.tPlain, http.StatusNotFound}, {f.tEvaluator, http.StatusNotFound},
		{f.tArgCoMgr, http.StatusNotFound}, {f.tAdmin, http.StatusForbidden}} {
		f.c.call("POST", apiAppPath(a.ID, "/submit"), who.token, nil, who.want)
		f.c.multipart(apiAppPath(a.ID, "/attachments"), who.token, map[string]string{"document_code": "council_deliberation"},
			[]appFile{{"file", "x.pdf", appPDF}}, who.want)
	}
	f.c.call("POST", apiAppPath(a.ID+1000, "/submit"), f.tMemberA, nil, http.StatusNotFound)
	if st := f.stored(a.ID); st.Status != coopdec.ApplicationDraft {
		t.Fatalf("refused submission: stored status %q; want draft", st.Status)
	}
	if list, err := f.db.ListAttachments(context.Background(), a.ID); err != nil || len(list) != 0 {
		t.Fatalf("refused files: got %v, %v; want none stored", list, err)
	}
}
