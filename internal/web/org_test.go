package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// orgRowRE matches one organisation of the directory's results table.
var orgRowRE = regexp.MustCompile(`<th scope="row"><a href="/organisations/\d+">`)

func lyon() *coopdec.Organisation {
	return &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123"}
}

func toulouse() *coopdec.Organisation {
	return &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Toulouse", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "213105554"}
}

// wantStatus fails the test when res does not have the status.
func wantStatus(t *testing.T, what string, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: got status %d; want %d", what, res.StatusCode, want)
	}
}

func wantContains(t *testing.T, what, page string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(page, p) {
			t.Errorf("%s: page lacks %q", what, p)
		}
	}
}

func TestOrgDirectoryPagination(t *testing.T) {
	e := newTestEnv(t)
	for i := 1; i <= 25; i++ {
		e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: fmt.Sprintf("Municipalidad %02d", i), Country: "AR"})
	}
	e.org(lyon())
	c := e.client()

	res := c.get("/organisations?kind=foreign_authority")
	wantStatus(t, "directory page 1", res, http.StatusOK)
	b := body(t, res)
	if n := len(orgRowRE.FindAllString(b, -1)); n != 20 {
		t.Errorf("page 1: got %d organisations; want 20", n)
	}
	wantContains(t, "page 1", b, "25 organisation(s) trouvée(s)", "Page 1 sur 2",
		`href="/organisations?kind=foreign_authority&amp;page=2" rel="next"`,
		`<a href="/organisations?kind=foreign_authority" aria-current="page">`)
	if strings.Contains(b, "Lyon") {
		t.Errorf("the kind filter let a French authority through")
	}

	res = c.get("/organisations?kind=foreign_authority&page=2")
	wantStatus(t, "directory page 2", res, http.StatusOK)
	b = body(t, res)
	if n := len(orgRowRE.FindAllString(b, -1)); n != 5 {
		t.Errorf("page 2: got %d organisations; want 5", n)
	}
	wantContains(t, "page 2", b, "Page 2 sur 2", "Municipalidad 25", `rel="prev"`,
		`<a href="/organisations?kind=foreign_authority&amp;page=2" aria-current="page">`)
	if strings.Contains(b, `rel="next"`) {
		t.Errorf("the last page links to a next page")
	}

	// Past the end: a message and a way back, not an error.
	res = c.get("/organisations?kind=foreign_authority&page=9")
	wantStatus(t, "directory page 9", res, http.StatusOK)
	wantContains(t, "page 9", body(t, res), "Cette page n&#39;existe pas", "Aller à la dernière page")
}

func TestOrgDirectoryFilters(t *testing.T) {
	e := newTestEnv(t)
	e.org(lyon())
	e.org(toulouse())
	e.org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Brésil", Country: "BR"})
	e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Prefeitura de Belo Horizonte", Country: "BR"})
	c := e.client()

	for _, tc := range []struct {
		query string
		want  []string
		not   []string
	}{
		{"q=lyon", []string{"Lyon"}, []string{"Toulouse"}},
		{"q=2131", []string{"Toulouse"}, []string{"Lyon"}}, // SIREN prefix
		{"country=BR", []string{"Ambassade de France au Brésil", "Prefeitura de Belo Horizonte"}, []string{"Lyon"}},
		{"country=br&kind=embassy", []string{"Ambassade de France au Brésil"}, []string{"Prefeitura de Belo Horizonte"}},
		{"q=prefeitura+belo", []string{"Prefeitura de Belo Horizonte"}, []string{"Ambassade de France au Brésil"}},
	} {
		res := c.get("/organisations?" + tc.query)
		wantStatus(t, tc.query, res, http.StatusOK)
		b := body(t, res)
		for _, w := range tc.want {
			if !strings.Contains(b, ">"+w+"</a>") {
				t.Errorf("%s: %q missing from the results", tc.query, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(b, ">"+n+"</a>") {
				t.Errorf("%s: %q should not be listed", tc.query, n)
			}
		}
	}

	// Countries are named in the reader's language, and the select keeps
	// the choice.
	b := body(t, c.get("/organisations?country=BR"))
	wantContains(t, "country filter", b, `<option value="BR" selected>Brésil</option>`, "<td>Brésil</td>")

	// Bad values get a message, not a crash.
	res := c.get("/organisations?kind=castle")
	wantStatus(t, "unknown kind", res, http.StatusUnprocessableEntity)
	wantContains(t, "unknown kind", body(t, res), "Ce type d&#39;organisation n&#39;existe pas", `aria-describedby="kind-error"`)
	res = c.get("/organisations?country=ZZ")
	wantStatus(t, "unknown country", res, http.StatusUnprocessableEntity)
	wantContains(t, "unknown country", body(t, res), "Le pays « ZZ » est inconnu", `aria-invalid="true"`)
}

func TestOrgShowPrivacy(t *testing.T) {
	e := newTestEnv(t)
	a, b := e.org(lyon()), e.org(toulouse())
	ana := e.user("ana@example.org")
	e.member(ana, a, coopdec.MemberRoleAdmin)
	bob := e.user("bob@example.org")
	e.member(bob, b, coopdec.MemberRoleMember)
	e.user("olga@example.org", coopdec.RoleOfficer)
	pathA := fmt.Sprintf("/organisations/%d", a.ID)

	// The public sees the profile, not the members.
	res := e.client().get(pathA)
	wantStatus(t, "public profile", res, http.StatusOK)
	page := body(t, res)
	wantContains(t, "public profile", page, "<h1>Lyon</h1>", "Collectivité territoriale française", "216901231", "69123", "France")
	if strings.Contains(page, "ana@example.org") || strings.Contains(page, "Inviter un membre") {
		t.Errorf("the public sees the members or the invitation form")
	}

	// A member of A sees A's members and may invite (organisation admin).
	page = body(t, e.client().login("ana@example.org").get(pathA))
	wantContains(t, "member of A on A", page, "ana@example.org", "Inviter un membre", `action="`+pathA+`/invitations"`)

	// A member of B sees neither A's members nor its invitation form.
	page = body(t, e.client().login("bob@example.org").get(pathA))
	if strings.Contains(page, "ana@example.org") || strings.Contains(page, "Inviter un membre") {
		t.Errorf("a member of B sees A's members or invitation form")
	}

	// An officer sees the members but may not invite.
	page = body(t, e.client().login("olga@example.org").get(pathA))
	wantContains(t, "officer on A", page, "ana@example.org")
	if strings.Contains(page, "Inviter un membre") {
		t.Errorf("an officer is offered to invite into an organisation")
	}

	for _, p := range []string{"/organisations/abc", "/organisations/0", "/organisations/99999"} {
		wantStatus(t, p, e.client().get(p), http.StatusNotFound)
	}
}

func TestOrgInvite(t *testing.T) {
	e := newTestEnv(t)
	a, b := e.org(lyon()), e.org(toulouse())
	ana := e.user("ana@example.org")
	e.member(ana, a, coopdec.MemberRoleAdmin)
	bea := e.user("bea@example.org")
	e.member(bea, a, coopdec.MemberRoleMember)
	pathA := fmt.Sprintf("/organisations/%d", a.ID)
	pathB := fmt.Sprintf("/organisations/%d", b.ID)

	c := e.client().login("ana@example.org")
	res := c.post(pathA+"/invitations", url.Values{"email": {"Carla@Example.org"}, "member_role": {"admin"}})
	wantStatus(t, "invitation", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, pathA+"?ok=invited") {
		t.Errorf("after the invitation: redirected to %q; want the organisation's page", loc)
	}
	m, ok := e.mail.Last()
	if !ok || m.To != "carla@example.org" || !strings.Contains(m.Text, "Lyon") {
		t.Fatalf("invitation email: got %+v; want one to carla@example.org naming Lyon", m)
	}
	inv, err := e.db.Invitation(t.Context(), strings.TrimPrefix(linkRE.FindString(m.Text), e.ts.URL+"/invitation/"))
	if err != nil {
		t.Fatal(err)
	}
	if inv.OrganisationID != a.ID || inv.MemberRole != coopdec.MemberRoleAdmin {
		t.Errorf("invitation: got organisation %d role %s; want %d admin", inv.OrganisationID, inv.MemberRole, a.ID)
	}
	wantContains(t, "confirmation", body(t, c.get(pathA+"?ok=invited")), "Invitation envoyée")

	// Errors come back on the page with the values kept.
	res = c.post(pathA+"/invitations", url.Values{"email": {"not an address"}, "member_role": {"member"}})
	wantStatus(t, "bad address", res, http.StatusUnprocessableEntity)
	wantContains(t, "bad address", body(t, res), "Cette adresse électronique n&#39;est pas valide",
		`value="not an address"`, `aria-describedby="invite-hint email-error"`)
	res = c.post(pathA+"/invitations", url.Values{"email": {"bea@example.org"}, "member_role": {"member"}})
	wantStatus(t, "existing account", res, http.StatusUnprocessableEntity)
	wantContains(t, "existing account", body(t, res), "Cette adresse a déjà un compte")

	// Denials: into another organisation, as a plain member, anonymously.
	n := len(e.mail.Messages())
	wantStatus(t, "admin of A into B", c.post(pathB+"/invitations", url.Values{"email": {"x@example.org"}}), http.StatusForbidden)
	wantStatus(t, "plain member of A", e.client().login("bea@example.org").post(pathA+"/invitations",
		url.Values{"email": {"x@example.org"}}), http.StatusForbidden)
	wantStatus(t, "anonymous", e.client().post(pathA+"/invitations", url.Values{"email": {"x@example.org"}}), http.StatusUnauthorized)
	if len(e.mail.Messages()) != n {
		t.Errorf("a refused invitation sent an email")
	}
}

func TestOrgCreate(t *testing.T) {
	e := newTestEnv(t)
	e.user("olga@example.org", coopdec.RoleOfficer)
	c := e.client().login("olga@example.org")

	res := c.get("/organisations/nouvelle")
	wantStatus(t, "form", res, http.StatusOK)
	wantContains(t, "form", body(t, res), `<legend>Collectivité territoriale française</legend>`, `<option value="AR">Argentine</option>`)

	// A foreign local authority.
	res = c.post("/organisations", url.Values{"kind": {"foreign_authority"}, "name": {"Municipalidad de Rosario"},
		"country": {"AR"}, "local_id": {"AR-S-8200"}})
	wantStatus(t, "foreign authority", res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/organisations/") {
		t.Fatalf("after creation: redirected to %q; want the new organisation's page", loc)
	}
	wantContains(t, "new organisation", body(t, c.get(loc)), "L&#39;organisation est enregistrée", "Municipalidad de Rosario",
		"Argentine", "AR-S-8200", "Collectivité locale étrangère")

	// A French local authority, the country implied.
	res = c.post("/organisations", url.Values{"kind": {"french_authority"}, "name": {"Lyon"},
		"authority_type": {"commune"}, "siren": {"216 901 231"}})
	wantStatus(t, "French authority", res, http.StatusSeeOther)
	if o, err := e.db.OrganisationBySIREN(t.Context(), "216901231"); err != nil || o.Country != "FR" {
		t.Errorf("French authority: got %+v, %v; want it stored in FR", o, err)
	}

	// Every field error shows next to its field, with the values kept.
	res = c.post("/organisations", url.Values{"kind": {"french_authority"}, "name": {"Villeurbanne"},
		"country": {"FR"}, "siren": {"123456789"}})
	wantStatus(t, "bad French authority", res, http.StatusUnprocessableEntity)
	wantContains(t, "bad French authority", body(t, res), `value="Villeurbanne"`, `value="123456789"`,
		`id="siren-error"`, "Ce SIREN n&#39;existe pas", `id="authority_type-error"`, "Précisez le type de collectivité",
		`<option value="french_authority" selected>`)
	res = c.post("/organisations", url.Values{"kind": {"foreign_authority"}, "name": {""}, "country": {"FR"}})
	wantStatus(t, "bad foreign authority", res, http.StatusUnprocessableEntity)
	wantContains(t, "bad foreign authority", body(t, res), "Indiquez le nom de l&#39;organisation",
		"Une collectivité étrangère ne peut pas être en France")
	res = c.post("/organisations", url.Values{"kind": {"castle"}, "name": {"X"}, "country": {"FR"}})
	wantStatus(t, "unknown kind", res, http.StatusUnprocessableEntity)

	// One embassy per country.
	embassy := url.Values{"kind": {"embassy"}, "name": {"Ambassade de France en Inde"}, "country": {"IN"}}
	wantStatus(t, "embassy", c.post("/organisations", embassy), http.StatusSeeOther)
	res = c.post("/organisations", embassy)
	wantStatus(t, "second embassy", res, http.StatusUnprocessableEntity)
	wantContains(t, "second embassy", body(t, res), "Une ambassade est déjà enregistrée pour ce pays (IN)")
	// The same SIREN twice.
	res = c.post("/organisations", url.Values{"kind": {"french_authority"}, "name": {"Lyon bis"},
		"authority_type": {"commune"}, "siren": {"216901231"}})
	wantStatus(t, "SIREN taken", res, http.StatusUnprocessableEntity)
	wantContains(t, "SIREN taken", body(t, res), "déjà enregistrée avec le SIREN 216901231")
}

func TestOrgCreateDenied(t *testing.T) {
	e := newTestEnv(t)
	a := e.org(lyon())
	ana := e.user("ana@example.org")
	e.member(ana, a, coopdec.MemberRoleAdmin)
	e.user("eva@example.org", coopdec.RoleEvaluator)
	form := url.Values{"kind": {"foreign_authority"}, "name": {"Municipalidad de Rosario"}, "country": {"AR"}}

	res := e.client().get("/organisations/nouvelle")
	wantStatus(t, "anonymous form", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/connexion") {
		t.Errorf("anonymous form: redirected to %q; want the login page", loc)
	}
	wantStatus(t, "anonymous post", e.client().post("/organisations", form), http.StatusUnauthorized)
	for _, email := range []string{"ana@example.org", "eva@example.org"} {
		c := e.client().login(email)
		wantStatus(t, email+" form", c.get("/organisations/nouvelle"), http.StatusForbidden)
		wantStatus(t, email+" post", c.post("/organisations", form), http.StatusForbidden)
		if strings.Contains(body(t, c.get("/organisations")), "/organisations/nouvelle") {
			t.Errorf("%s is offered to register an organisation", email)
		}
	}
	if _, p, _ := e.db.SearchOrganisations(t.Context(), coopdec.OrgFilter{}, coopdec.NewPage(1, 20)); p.Total != 1 {
		t.Errorf("organisations after refused creations: got %d; want 1", p.Total)
	}
}

func TestPagerItems(t *testing.T) {
	for _, tc := range []struct {
		page, total int
		want        string
	}{
		{1, 0, "[1]"},
		{1, 45, "[1] 2 3"},
		{2, 200, "1 [2] 3 4 … 10"},
		{6, 200, "1 … 4 5 [6] 7 8 … 10"},
		{10, 200, "1 … 8 9 [10]"},
		{4, 200, "1 2 3 [4] 5 6 … 10"},
	} {
		p := &pager{Page: coopdec.Page{Page: tc.page, PerPage: 20, Total: tc.total}, path: "/x"}
		var parts []string
		for _, it := range p.Items() {
			switch {
			case it.Gap:
				parts = append(parts, "…")
			case it.Current:
				parts = append(parts, fmt.Sprintf("[%d]", it.Number))
			default:
				parts = append(parts, fmt.Sprint(it.Number))
			}
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("page %d of %d results: got %q; want %q", tc.page, tc.total, got, tc.want)
		}
	}
}

func TestOrgDirectoryInSpanish(t *testing.T) {
	e := newTestEnv(t)
	e.org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Brésil", Country: "BR"})
	c := e.client()
	c.post("/langue", url.Values{"lang": {"es"}, "next": {"/organisations"}})
	b := body(t, c.get("/organisations?country=br"))
	wantContains(t, "Spanish directory", b, `<html lang="es">`, "Directorio de organizaciones",
		`<option value="BR" selected>Brasil</option>`, "<td>Embajada de Francia</td>", "<td>Brasil</td>")
}
