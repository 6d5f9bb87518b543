package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// adminEnv has an administrator, an officer and a local-authority member.
type adminEnv struct {
	*testEnv
	admin, officer, member *coopdec.User
	org                    *coopdec.Organisation
}

func newAdminEnv(t *testing.T) *adminEnv {
	e := &adminEnv{testEnv: newTestEnv(t)}
	e.admin = e.user("ada@example.org", coopdec.RoleAdmin)
	e.officer = e.user("olga@example.org", coopdec.RoleOfficer)
	e.org = e.testEnv.org(lyon())
	e.member = e.user("ana@example.org")
	e.testEnv.member(e.member, e.org, coopdec.MemberRoleAdmin)
	return e
}

func TestAdminDenied(t *testing.T) {
	e := newAdminEnv(t)
	user := fmt.Sprintf("/admin/utilisateurs/%d", e.member.ID)
	gets := []string{"/admin", "/admin/utilisateurs", user, "/admin/invitations", "/admin/audit", "/admin/outbox"}
	posts := map[string]url.Values{
		user + "/roles":                 {"role": {"admin"}},
		user + "/roles/officer/retrait": nil,
		"/admin/invitations":            {"email": {"x@example.org"}, "roles": {"admin"}},
	}

	anon := e.client()
	for _, p := range gets {
		res := anon.get(p)
		wantStatus(t, "anonymous GET "+p, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/connexion?next=") {
			t.Errorf("anonymous GET %s: redirected to %q; want the login page", p, loc)
		}
	}
	for p, form := range posts {
		wantStatus(t, "anonymous POST "+p, anon.post(p, form), http.StatusUnauthorized)
	}
	for _, email := range []string{"olga@example.org", "ana@example.org"} {
		c := e.client().login(email)
		for _, p := range gets {
			wantStatus(t, email+" GET "+p, c.get(p), http.StatusForbidden)
		}
		for p, form := range posts {
			wantStatus(t, email+" POST "+p, c.post(p, form), http.StatusForbidden)
		}
		if strings.Contains(body(t, c.get("/compte")), `href="/admin"`) {
			t.Errorf("%s sees the administration link", email)
		}
	}
	// Nothing changed.
	u, err := e.db.UserByID(t.Context(), e.member.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Roles) != 0 {
		t.Errorf("roles after refused grants: got %v; want none", u.Roles)
	}
	if n := len(e.mail.Messages()); n != 0 {
		t.Errorf("refused invitations sent %d emails", n)
	}
}

func TestAdminHome(t *testing.T) {
	e := newAdminEnv(t)
	if _, _, _, err := e.db.UpsertTerritories(t.Context(), []coopdec.Territory{
		{Kind: coopdec.TerritoryRegion, Code: "84", Name: "Auvergne-Rhône-Alpes"},
		{Kind: coopdec.TerritoryCommune, Code: "69123", Name: "Lyon", SIREN: "216901231"},
		{Kind: coopdec.TerritoryCommune, Code: "31555", Name: "Toulouse", SIREN: "213105554"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	res := e.client().login("ada@example.org").get("/admin")
	wantStatus(t, "dashboard", res, http.StatusOK)
	b := body(t, res)
	wantContains(t, "dashboard", b, "3 compte(s) au total", "1 organisation(s) au total", "3 territoire(s) chargé(s)",
		`<a href="/admin" aria-current="page">`,
		`<a href="/admin/utilisateurs?role=officer">agent du ministère</a></th><td>1</td>`,
		`<th scope="row">commune</th><td>2</td>`)
}

func TestAdminUsersListAndPagination(t *testing.T) {
	e := newAdminEnv(t)
	for i := 1; i <= 25; i++ {
		e.user(fmt.Sprintf("user%02d@example.org", i), coopdec.RoleEvaluator)
	}
	c := e.client().login("ada@example.org")
	userRow := regexp.MustCompile(`<th scope="row"><a href="/admin/utilisateurs/\d+">`)

	b := body(t, c.get("/admin/utilisateurs"))
	wantContains(t, "users page 1", b, "28 compte(s) trouvé(s)", "Page 1 sur 2")
	if n := len(userRow.FindAllString(b, -1)); n != 20 {
		t.Errorf("users page 1: got %d rows; want 20", n)
	}
	res := c.get("/admin/utilisateurs?role=evaluator&page=2")
	wantStatus(t, "evaluators page 2", res, http.StatusOK)
	b = body(t, res)
	if n := len(userRow.FindAllString(b, -1)); n != 5 {
		t.Errorf("evaluators page 2: got %d rows; want 5", n)
	}
	wantContains(t, "evaluators page 2", b, `<option value="evaluator" selected>`,
		`<a href="/admin/utilisateurs?page=2&amp;role=evaluator" aria-current="page">`)

	b = body(t, c.get("/admin/utilisateurs?q=OLGA"))
	wantContains(t, "search", b, "olga@example.org", "1 compte(s) trouvé(s)")

	res = c.get("/admin/utilisateurs?role=king")
	wantStatus(t, "unknown role", res, http.StatusUnprocessableEntity)
	wantContains(t, "unknown role", body(t, res), "Ce rôle n&#39;existe pas", `aria-describedby="role-error"`)
	wantStatus(t, "unknown user", c.get("/admin/utilisateurs/99999"), http.StatusNotFound)
	wantStatus(t, "bad user id", c.get("/admin/utilisateurs/abc"), http.StatusNotFound)
}

func TestAdminGrantRevokeAudited(t *testing.T) {
	e := newAdminEnv(t)
	c := e.client().login("ada@example.org")
	path := fmt.Sprintf("/admin/utilisateurs/%d", e.member.ID)
	subject := fmt.Sprintf("user:%d", e.member.ID)

	page := body(t, c.get(path))
	wantContains(t, "user page", page, "ana@example.org", "Lyon", "administrateur de l&#39;organisation",
		`<option value="evaluator">évaluateur</option>`)

	res := c.post(path+"/roles", url.Values{"role": {"evaluator"}})
	wantStatus(t, "grant", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != path+"?ok=granted" {
		t.Errorf("after the grant: redirected to %q; want %q", loc, path+"?ok=granted")
	}
	if u, _ := e.db.UserByID(t.Context(), e.member.ID); !u.HasRole(coopdec.RoleEvaluator) {
		t.Fatalf("the role was not granted")
	}
	page = body(t, c.get(path+"?ok=granted"))
	wantContains(t, "after the grant", page, "Rôle attribué", `action="`+path+`/roles/evaluator/retrait"`,
		"Attribution de rôle <code>role.grant</code>")

	res = c.post(path+"/roles/evaluator/retrait", nil)
	wantStatus(t, "revoke", res, http.StatusSeeOther)
	if u, _ := e.db.UserByID(t.Context(), e.member.ID); u.HasRole(coopdec.RoleEvaluator) {
		t.Fatalf("the role was not removed")
	}

	for _, action := range []string{coopdec.AuditRoleGrant, coopdec.AuditRoleRevoke} {
		events, _, err := e.db.ListAudit(t.Context(), sqldb.AuditFilter{Action: action, ActorID: e.admin.ID}, coopdec.NewPage(1, 10))
		if err != nil {
			t.Fatal(err)
		}
		var about []coopdec.AuditEvent
		for _, ev := range events {
			if ev.Subject == subject {
				about = append(about, ev)
			}
		}
		if len(about) != 1 || about[0].Details != "evaluator" || about[0].IP == "" {
			t.Errorf("audit %s by the admin on %s: got %+v; want one event for evaluator with the IP", action, subject, about)
		}
	}

	// Bad input is answered on the page.
	res = c.post(path+"/roles", url.Values{"role": {"king"}})
	wantStatus(t, "unknown role", res, http.StatusUnprocessableEntity)
	wantContains(t, "unknown role", body(t, res), "Rôle inconnu : king", `aria-invalid="true"`)
	res = c.post(path+"/roles", url.Values{})
	wantStatus(t, "no role", res, http.StatusUnprocessableEntity)
	wantContains(t, "no role", body(t, res), "Choisissez le rôle à attribuer")
	wantStatus(t, "revoke unknown role", c.post(path+"/roles/king/retrait", nil), http.StatusUnprocessableEntity)
	wantStatus(t, "grant to nobody", c.post("/admin/utilisateurs/99999/roles", url.Values{"role": {"evaluator"}}), http.StatusNotFound)

	// An administrator cannot remove their own administrator role.
	self := fmt.Sprintf("/admin/utilisateurs/%d", e.admin.ID)
	res = c.post(self+"/roles/admin/retrait", nil)
	wantStatus(t, "own admin role", res, http.StatusForbidden)
	wantContains(t, "own admin role", body(t, res), "Vous ne pouvez pas retirer votre propre rôle d&#39;administrateur")
	if u, _ := e.db.UserByID(t.Context(), e.admin.ID); !u.HasRole(coopdec.RoleAdmin) {
		t.Errorf("the administrator lost their role")
	}
}

// invitationOf reads the invitation behind the link of the last email.
func invitationOf(t *testing.T, e *testEnv, to string) *coopdec.Invitation {
	t.Helper()
	m, ok := e.mail.Last()
	if !ok || m.To != to {
		t.Fatalf("last email: got %+v; want one to %s", m, to)
	}
	token := strings.TrimPrefix(linkRE.FindString(m.Text), e.ts.URL+"/invitation/")
	inv, err := e.db.Invitation(t.Context(), token)
	if err != nil {
		t.Fatalf("invitation from the email: %v", err)
	}
	return inv
}

func TestAdminInvite(t *testing.T) {
	e := newAdminEnv(t)
	c := e.client().login("ada@example.org")
	orgID := fmt.Sprint(e.org.ID)

	// Finding the organisation fills in its number.
	page := body(t, c.get("/admin/invitations?org_q=lyo"))
	choose := fmt.Sprintf(`href="/admin/invitations?org_q=lyo&amp;organisation_id=%d#invitation-form"`, e.org.ID)
	wantContains(t, "search", page, choose)
	page = body(t, c.get("/admin/invitations?organisation_id="+orgID))
	wantContains(t, "chosen", page, `value="`+orgID+`"`, "Organisation choisie : Lyon")

	// Into an existing organisation.
	res := c.post("/admin/invitations", url.Values{"email": {"bea@example.org"}, "organisation_id": {orgID}, "member_role": {"admin"}})
	wantStatus(t, "into an organisation", res, http.StatusSeeOther)
	if inv := invitationOf(t, e.testEnv, "bea@example.org"); inv.OrganisationID != e.org.ID || inv.MemberRole != coopdec.MemberRoleAdmin {
		t.Errorf("invitation into Lyon: got %+v", inv)
	}
	wantContains(t, "confirmation", body(t, c.get(res.Header.Get("Location"))), "Invitation envoyée")

	// As the first member of a local authority.
	res = c.post("/admin/invitations", url.Values{"email": {"carl@example.org"}, "local_authority": {"1"}})
	wantStatus(t, "local authority", res, http.StatusSeeOther)
	if inv := invitationOf(t, e.testEnv, "carl@example.org"); !inv.ForLocalAuthority || inv.OrganisationID != 0 {
		t.Errorf("local-authority invitation: got %+v", inv)
	}

	// With platform roles.
	res = c.post("/admin/invitations", url.Values{"email": {"dora@example.org"}, "roles": {"officer", "evaluator"}})
	wantStatus(t, "roles", res, http.StatusSeeOther)
	if inv := invitationOf(t, e.testEnv, "dora@example.org"); len(inv.Roles) != 2 {
		t.Errorf("invitation with roles: got %+v", inv)
	}

	// Errors are shown next to the fields, with the values kept.
	for _, tc := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"no destination", url.Values{"email": {"eve@example.org"}},
			[]string{"Précisez l&#39;organisation que la personne rejoindra", `id="organisation_id-error"`, `value="eve@example.org"`}},
		{"both destinations", url.Values{"email": {"eve@example.org"}, "organisation_id": {orgID}, "local_authority": {"1"}},
			[]string{"pas les deux", `id="local_authority" name="local_authority" value="1" checked`}},
		{"not a number", url.Values{"email": {"eve@example.org"}, "organisation_id": {"Lyon"}},
			[]string{"Le numéro d&#39;organisation doit être un nombre entier positif", `value="Lyon"`}},
		{"unknown organisation", url.Values{"email": {"eve@example.org"}, "organisation_id": {"99999"}},
			[]string{"Cette organisation n&#39;existe pas", `aria-invalid="true"`}},
		{"bad address", url.Values{"email": {"eve"}, "roles": {"evaluator"}},
			[]string{"Cette adresse électronique n&#39;est pas valide", `value="evaluator" checked`}},
		{"unknown role", url.Values{"email": {"eve@example.org"}, "roles": {"king"}},
			[]string{"Rôle inconnu : king"}},
		{"existing account", url.Values{"email": {"ana@example.org"}, "roles": {"evaluator"}},
			[]string{"Cette adresse a déjà un compte"}},
	} {
		res := c.post("/admin/invitations", tc.form)
		wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
		wantContains(t, tc.name, body(t, res), tc.want...)
	}
	if n := len(e.mail.Messages()); n != 3 {
		t.Errorf("emails sent: got %d; want 3", n)
	}
}

func TestAdminAudit(t *testing.T) {
	e := newAdminEnv(t)
	c := e.client().login("ada@example.org")
	for i := 0; i < 25; i++ {
		if err := e.db.Audit(t.Context(), coopdec.Actor{UserID: e.officer.ID, IP: "192.0.2.7"}, coopdec.AuditTokenCreate,
			fmt.Sprintf("user:%d", e.officer.ID), fmt.Sprintf("token %02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	row := regexp.MustCompile(`<td><time datetime="[0-9T:Z-]+">\d\d/\d\d/\d{4} \d\d:\d\d</time></td>`)

	q := fmt.Sprintf("/admin/audit?action=token.create&actor=%d", e.officer.ID)
	res := c.get(q)
	wantStatus(t, "audit page 1", res, http.StatusOK)
	b := body(t, res)
	if n := len(row.FindAllString(b, -1)); n != 20 {
		t.Errorf("audit page 1: got %d rows; want 20", n)
	}
	wantContains(t, "audit page 1", b, "25 événement(s)", "Création de jeton d&#39;API <code>token.create</code>",
		">olga</a>", "192.0.2.7", "token 24", `<option value="token.create" selected>`)
	b = body(t, c.get(q+"&page=2"))
	if n := len(row.FindAllString(b, -1)); n != 5 {
		t.Errorf("audit page 2: got %d rows; want 5", n)
	}
	wantContains(t, "audit page 2", b, "token 00", "Page 2 sur 2")

	res = c.get("/admin/audit?action=drop.table")
	wantStatus(t, "unknown action", res, http.StatusUnprocessableEntity)
	wantContains(t, "unknown action", body(t, res), "Cette action n&#39;existe pas")
	res = c.get("/admin/audit?actor=olga")
	wantStatus(t, "bad actor", res, http.StatusUnprocessableEntity)
	wantContains(t, "bad actor", body(t, res), "Le numéro de l&#39;auteur doit être un nombre entier positif", `value="olga"`)
}

func TestAdminOutbox(t *testing.T) {
	e := newAdminEnv(t)
	for i := 0; i < 24; i++ {
		if err := e.db.AddOutbox(t.Context(), mail.Message{To: "bulk@example.org", Subject: fmt.Sprintf("Message %02d", i), Text: "…"}); err != nil {
			t.Fatal(err)
		}
	}
	text := "Bonjour <b>Ana</b>,\n\nOuvrez ce lien :\nhttp://127.0.0.1:8080/reinitialisation/abc_DEF-123?x=1&y=2\n"
	if err := e.db.AddOutbox(t.Context(), mail.Message{To: "ana@example.org", Subject: "Réinitialisation", Text: text}); err != nil {
		t.Fatal(err)
	}
	c := e.client().login("ada@example.org")
	mailRE := regexp.MustCompile(`<pre class="mail">`)

	b := body(t, c.get("/admin/outbox"))
	if n := len(mailRE.FindAllString(b, -1)); n != 20 {
		t.Errorf("outbox page 1: got %d messages; want 20", n)
	}
	// The text is printed verbatim, escaped: the link can be read back.
	wantContains(t, "outbox", b, "25 courriel(s)", "<h2 id=\"mail-25\">Réinitialisation</h2>",
		"<pre class=\"mail\">Bonjour &lt;b&gt;Ana&lt;/b&gt;,\n\nOuvrez ce lien :\nhttp://127.0.0.1:8080/reinitialisation/abc_DEF-123?x=1&amp;y=2\n</pre>")
	if n := len(mailRE.FindAllString(body(t, c.get("/admin/outbox?page=2")), -1)); n != 5 {
		t.Errorf("outbox page 2: got %d messages; want 5", n)
	}
	b = body(t, c.get("/admin/outbox?recipient=ANA@example.org"))
	wantContains(t, "filtered outbox", b, "1 courriel(s)", "Réinitialisation")
	if strings.Contains(b, "Message 00") {
		t.Errorf("the recipient filter let another recipient's message through")
	}
}

func TestEveryAuditActionHasALabel(t *testing.T) {
	e := newTestEnv(t)
	for _, a := range coopdec.AuditActions {
		if !e.srv.cat.Has("admin.audit.action." + a) {
			t.Errorf("audit action %q has no label in the catalogues", a)
		}
	}
}

func TestOutboxReadingIsAudited(t *testing.T) {
	e := newTestEnv(t)
	admin := e.user("admin@example.org", coopdec.RoleAdmin)
	e.client().login(admin.Email).get("/admin/outbox")
	events, _, err := e.db.ListAudit(t.Context(), sqldbAuditFilter(coopdec.AuditOutboxView), coopdec.NewPage(1, 10))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].ActorID != admin.ID {
		t.Fatalf("got %+v; want one outbox.view event by the administrator", events)
	}
}
