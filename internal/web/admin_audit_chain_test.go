package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

func TestAPIAuditVerification(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	for i := range 3 {
		if err := f.db.Audit(t.Context(), coopdec.Actor{UserID: f.officer.ID, IP: "192.0.2.7"}, coopdec.AuditTokenCreate,
			fmt.Sprintf("user:%d", f.officer.ID), fmt.Sprintf("token %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var want int64
	evs, page, err := f.db.ListAudit(t.Context(), sqldb.AuditFilter{}, coopdec.NewPage(1, 1))
	if err != nil || len(evs) == 0 {
		t.Fatalf("ListAudit: got %d events, %v; want some", len(evs), err)
	}
	want = int64(page.Total)

	var got struct {
		Intact   bool    `json:"intact"`
		Checked  int64   `json:"checked"`
		BrokenAt *int64  `json:"broken_at"`
		Problem  *string `json:"problem"`
	}
	c.call("GET", "/api/v1/admin/audit/verification", f.tAdmin, nil, http.StatusOK).decode(&got)
	if !got.Intact || got.Checked != want || got.BrokenAt != nil || got.Problem != nil {
		t.Fatalf("got %+v; want intact with %d events checked", got, want)
	}
	c.call("GET", "/api/v1/admin/audit/verification", f.tOfficer, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/admin/audit/verification", f.tMemberA, nil, http.StatusForbidden)
	c.anonymous("GET", "/api/v1/admin/audit/verification", nil)
}

func TestAdminAuditVerificationPage(t *testing.T) {
	e := newAdminEnv(t)
	admin := e.client().login("ada@example.org")
	b := body(t, admin.get("/admin/audit"))
	wantContains(t, "audit page", b, `<a href="/admin/audit/verification">Vérifier l&#39;intégrité du journal</a>`)

	evs, page, err := e.db.ListAudit(t.Context(), sqldb.AuditFilter{}, coopdec.NewPage(1, 1))
	if err != nil || len(evs) == 0 {
		t.Fatalf("ListAudit: got %d events, %v; want some", len(evs), err)
	}
	res := admin.get("/admin/audit/verification")
	wantStatus(t, "verification", res, http.StatusOK)
	wantContains(t, "verification", body(t, res), "<h1>Intégrité du journal d&#39;audit</h1>", `role="status"`,
		fmt.Sprintf("Chaîne intacte : %d événement(s) vérifié(s).", page.Total), `href="/admin/audit">Retour au journal d&#39;audit</a>`)

	wantStatus(t, "officer", e.client().login("olga@example.org").get("/admin/audit/verification"), http.StatusForbidden)
	wantStatus(t, "member", e.client().login("ana@example.org").get("/admin/audit/verification"), http.StatusForbidden)
	if res := e.client().get("/admin/audit/verification"); res.StatusCode == http.StatusOK {
		t.Fatalf("anonymous: got %d; want a refusal", res.StatusCode)
	}
}

// TestAuditVerificationBrokenPage renders a broken chain's page for each
// problem the storage reports: tampering itself is tested in sqldb and on
// the command line.
func TestAuditVerificationBrokenPage(t *testing.T) {
	e := newTestEnv(t)
	for _, tc := range []struct {
		problem sqldb.AuditProblem
		want    string
	}{
		{sqldb.AuditAltered, "l&#39;événement a été modifié après son enregistrement"},
		{sqldb.AuditUnlinked, "un événement a été supprimé juste avant lui"},
		{sqldb.AuditUnchained, "Il n&#39;a pas d&#39;empreinte"},
	} {
		v := &view{Lang: "fr", cat: e.srv.cat, Errors: map[string]string{}, Title: "auditchain.title",
			Data: &auditChainData{AuditVerification: sqldb.AuditVerification{Checked: 41, BrokenAt: 42, Problem: tc.problem},
				At: time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)}}
		var buf bytes.Buffer
		if err := e.srv.pages.byName["admin_audit_chain"].Execute(&buf, v); err != nil {
			t.Fatalf("%s: got error %v; want the page", tc.problem, err)
		}
		page := buf.String()
		wantContains(t, string(tc.problem), page, `role="alert"`, "Chaîne rompue à l&#39;événement n° 42.", tc.want,
			"41 événement(s) intact(s) avant lui.", `<time datetime="2026-03-01T11:00:00Z">01/03/2026 12:00</time>`)
		if strings.Contains(page, "Chaîne intacte") {
			t.Errorf("%s: got the intact message on a broken chain", tc.problem)
		}
	}
}
