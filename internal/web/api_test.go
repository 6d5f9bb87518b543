package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
)

// apiFixture is a server with the people the API tests need: an
// administrator, a ministry officer, two French local authorities A and B
// with their members, and an account without any role or organisation.
type apiFixture struct {
	*testEnv
	c *apiContract

	admin, officer, adminA, memberA, memberB, plain *coopdec.User
	orgA, orgB                                      *coopdec.Organisation
	tAdmin, tOfficer, tAdminA, tMemberA, tMemberB   string
	tPlain                                          string
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	e := newTestEnv(t)
	f := &apiFixture{testEnv: e, c: e.apiContract()}
	f.admin = e.user("admin@example.org", coopdec.RoleAdmin)
	f.officer = e.user("officer@example.org", coopdec.RoleOfficer)
	f.adminA = e.user("admin.a@example.org")
	f.memberA = e.user("member.a@example.org")
	f.memberB = e.user("member.b@example.org")
	f.plain = e.user("plain@example.org")
	f.orgA = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84"})
	f.orgB = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", TerritoryCode: "13055", RegionCode: "93"})
	e.member(f.adminA, f.orgA, coopdec.MemberRoleAdmin)
	e.member(f.memberA, f.orgA, coopdec.MemberRoleMember)
	e.member(f.memberB, f.orgB, coopdec.MemberRoleMember)
	f.tAdmin, f.tOfficer, f.tAdminA = e.token(f.admin), e.token(f.officer), e.token(f.adminA)
	f.tMemberA, f.tMemberB, f.tPlain = e.token(f.memberA), e.token(f.memberB), e.token(f.plain)
	return f
}

// territories stores a few entries of the referential.
func (f *apiFixture) territories() {
	f.t.Helper()
	ts := []coopdec.Territory{
		{Kind: coopdec.TerritoryRegion, Code: "84", Name: "Auvergne-Rhône-Alpes", SIREN: "200053767", Region: "84", Population: 8_000_000},
		{Kind: coopdec.TerritoryDepartement, Code: "69", Name: "Rhône", Region: "84", Department: "69", Population: 1_900_000},
		{Kind: coopdec.TerritoryEPCI, Code: "200046977", Name: "Métropole de Lyon", SIREN: "200046977", Region: "84", Department: "69",
			Nature: "METRO", Population: 1_400_000},
		{Kind: coopdec.TerritoryCommune, Code: "69123", Name: "Lyon", SIREN: "216901231",
			Postcodes: []string{"69001", "69002", "69003"}, Region: "84", Department: "69", Population: 519_127},
		{Kind: coopdec.TerritoryCommune, Code: "31555", Name: "Toulouse", SIREN: "213105554",
			Postcodes: []string{"31000", "31100"}, Region: "76", Department: "31", Population: 504_078},
		{Kind: coopdec.TerritoryCommune, Code: "99999", Name: "Sans Siren", Region: "84", Department: "69"},
	}
	if _, _, _, err := f.db.UpsertTerritories(context.Background(), ts, nil); err != nil {
		f.t.Fatal(err)
	}
}

// lastLinkToken returns the secret at the end of the link in the last email
// sent to addr.
func (f *apiFixture) lastLinkToken(addr string) string {
	f.t.Helper()
	m, ok := f.mail.Last()
	if !ok || m.To != addr {
		f.t.Fatalf("no email sent to %s (last: %+v)", addr, m)
	}
	link := linkRE.FindString(m.Text)
	if link == "" {
		f.t.Fatalf("no link in the email to %s:\n%s", addr, m.Text)
	}
	return link[strings.LastIndexByte(link, '/')+1:]
}

const apiBadToken = "cdk_not-a-real-token"

// TestAPIContract drives every operation of the document through its
// success and error answers, checking each request and response against
// the document; at the end, every documented status must have been seen.
func TestAPIContract(t *testing.T) {
	f := newAPIFixture(t)
	f.territories()
	cf := f.withCalls()
	cf.contractCalls()
	cf.withApplications().contractApplications()
	c := f.c
	bad := apiBadToken
	ctx := context.Background()

	// Operations.
	c.call("GET", "/healthz", "", nil, http.StatusOK)
	c.call("GET", "/readyz", "", nil, http.StatusOK)
	if r := c.call("GET", "/metrics", "", nil, http.StatusOK); !strings.Contains(string(r.body), "coopdec_http_requests_total") {
		t.Errorf("metrics lack coopdec_http_requests_total")
	}
	c.call("GET", "/api/v1/openapi.json", "", nil, http.StatusOK)
	c.call("GET", "/api/v1/openapi.json", bad, nil, http.StatusUnauthorized)

	// Tokens.
	var created apiTokenCreated
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword, "name": "script"},
		http.StatusCreated).decode(&created)
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": "not the password"}, http.StatusUnauthorized)
	c.invalid("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org"}, http.StatusUnprocessableEntity)
	c.invalid("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword, "name": strings.Repeat("n", 81)},
		http.StatusUnprocessableEntity)
	c.invalid("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword, "scope": "all"},
		http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/auth/token", bad, map[string]string{"email": "plain@example.org", "password": testPassword}, http.StatusUnauthorized)
	f.user("throttled@example.org")
	for range 10 {
		c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "throttled@example.org", "password": "wrong password 123"}, http.StatusUnauthorized)
	}
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "throttled@example.org", "password": testPassword}, http.StatusTooManyRequests)

	c.call("GET", "/api/v1/auth/tokens", created.Token, nil, http.StatusOK)
	c.anonymous("GET", "/api/v1/auth/tokens", nil)
	c.call("DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", created.ID), f.tMemberA, nil, http.StatusNotFound)
	c.invalid("DELETE", "/api/v1/auth/tokens/abc", f.tPlain, nil, http.StatusNotFound)
	c.anonymous("DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", created.ID), nil)
	c.call("DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", created.ID), f.tPlain, nil, http.StatusNoContent)

	// The current user.
	c.call("GET", "/api/v1/me", f.tMemberA, nil, http.StatusOK)
	c.anonymous("GET", "/api/v1/me", nil)
	c.call("PATCH", "/api/v1/me", f.tPlain, map[string]string{"language": "en", "name": "Plain Person"}, http.StatusOK)
	c.invalid("PATCH", "/api/v1/me", f.tPlain, map[string]string{"language": "de"}, http.StatusUnprocessableEntity)
	c.anonymous("PATCH", "/api/v1/me", map[string]string{"language": "en"})
	newPw := "une autre phrase de passe solide"
	c.call("POST", "/api/v1/me/password", f.tPlain, map[string]string{"current_password": "wrong", "password": newPw}, http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/me/password", f.tPlain, map[string]string{"current_password": testPassword, "password": newPw}, http.StatusNoContent)
	c.anonymous("POST", "/api/v1/me/password", map[string]string{"current_password": testPassword, "password": newPw})

	// Password resets.
	c.call("POST", "/api/v1/password-resets", "", map[string]string{"email": "member.a@example.org"}, http.StatusAccepted)
	reset := f.lastLinkToken("member.a@example.org")
	c.call("POST", "/api/v1/password-resets", "", map[string]string{"email": "not an address"}, http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/password-resets", bad, map[string]string{"email": "member.a@example.org"}, http.StatusUnauthorized)
	c.invalid("POST", "/api/v1/password-resets/"+reset, "", map[string]string{"password": "short"}, http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/password-resets/"+reset, bad, map[string]string{"password": newPw}, http.StatusUnauthorized)
	c.call("POST", "/api/v1/password-resets/"+reset, "", map[string]string{"password": newPw}, http.StatusNoContent)
	c.call("POST", "/api/v1/password-resets/"+reset, "", map[string]string{"password": newPw}, http.StatusNotFound)

	// Invitations.
	var inv apiInvitationCreated
	c.call("POST", "/api/v1/invitations", f.tAdmin, map[string]any{"email": "new.officer@example.org", "roles": []string{"officer"}},
		http.StatusCreated).decode(&inv)
	invToken := f.lastLinkToken("new.officer@example.org")
	c.call("POST", "/api/v1/invitations", f.tMemberA, map[string]any{"email": "x@example.org", "organisation_id": f.orgA.ID}, http.StatusForbidden)
	c.call("POST", "/api/v1/invitations", f.tAdmin, map[string]any{"email": "x@example.org", "organisation_id": 999999}, http.StatusNotFound)
	c.call("POST", "/api/v1/invitations", f.tAdmin, map[string]any{"email": "nope", "organisation_id": f.orgA.ID}, http.StatusUnprocessableEntity)
	c.anonymous("POST", "/api/v1/invitations", map[string]any{"email": "x@example.org", "organisation_id": f.orgA.ID})
	c.call("GET", "/api/v1/invitations/"+invToken, "", nil, http.StatusOK)
	c.call("GET", "/api/v1/invitations/nonsense", "", nil, http.StatusNotFound)
	c.call("GET", "/api/v1/invitations/"+invToken, bad, nil, http.StatusUnauthorized)
	c.invalid("POST", "/api/v1/invitations/"+invToken+"/accept", "", map[string]any{"name": "New Officer", "password": "short"},
		http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/invitations/"+invToken+"/accept", bad, map[string]any{"name": "New Officer", "password": newPw}, http.StatusUnauthorized)
	c.call("POST", "/api/v1/invitations/"+invToken+"/accept", "", map[string]any{"name": "New Officer", "password": newPw}, http.StatusCreated)
	c.call("POST", "/api/v1/invitations/"+invToken+"/accept", "", map[string]any{"name": "New Officer", "password": newPw}, http.StatusNotFound)

	// Organisations.
	c.call("GET", "/api/v1/organisations?type=french_authority&country=fr&q=lyon&page=1&per_page=5", "", nil, http.StatusOK)
	c.invalid("GET", "/api/v1/organisations?type=town_hall", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/organisations?country=ZZ", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/organisations", bad, nil, http.StatusUnauthorized)
	newOrg := map[string]any{"kind": "foreign_authority", "name": "Prefeitura de Belo Horizonte", "country": "BR", "local_id": "3106200",
		"website": "https://prefeitura.pbh.gov.br"}
	var org apiOrgDoc
	c.call("POST", "/api/v1/organisations", f.tOfficer, newOrg, http.StatusCreated).decode(&org)
	c.call("POST", "/api/v1/organisations", f.tMemberA, newOrg, http.StatusForbidden)
	c.call("POST", "/api/v1/organisations", f.tAdmin, map[string]any{"kind": "french_authority", "name": "Toulouse", "country": "FR",
		"authority_type": "commune", "siren": "213105555"}, http.StatusUnprocessableEntity)
	c.anonymous("POST", "/api/v1/organisations", newOrg)
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d", org.ID), "", nil, http.StatusOK)
	c.call("GET", "/api/v1/organisations/999999", "", nil, http.StatusNotFound)
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d", org.ID), bad, nil, http.StatusUnauthorized)
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d/members", f.orgA.ID), f.tMemberA, nil, http.StatusOK)
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d/members", f.orgA.ID), f.tMemberB, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/organisations/999999/members", f.tAdmin, nil, http.StatusNotFound)
	c.anonymous("GET", fmt.Sprintf("/api/v1/organisations/%d/members", f.orgA.ID), nil)

	// Reference data.
	c.call("GET", "/api/v1/territories?q=lyon&kind=commune,epci&limit=5", "", nil, http.StatusOK)
	c.invalid("GET", "/api/v1/territories?q=lyon&kind=canton", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/territories?q=lyon", bad, nil, http.StatusUnauthorized)
	c.call("GET", "/api/v1/countries?lang=pt", "", nil, http.StatusOK)
	c.invalid("GET", "/api/v1/countries?lang=de", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/countries", bad, nil, http.StatusUnauthorized)
	c.call("GET", "/api/v1/themes", "", nil, http.StatusOK)
	c.invalid("GET", "/api/v1/themes?lang=it", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/themes", bad, nil, http.StatusUnauthorized)

	// Administration.
	if err := f.db.AddOutbox(ctx, mail.Message{To: "someone@example.org", Subject: "Sujet", Text: "Texte"}); err != nil {
		t.Fatal(err)
	}
	c.call("GET", "/api/v1/admin/users?q=example&role=officer&page=1&per_page=10", f.tAdmin, nil, http.StatusOK)
	c.call("GET", "/api/v1/admin/users", f.tOfficer, nil, http.StatusForbidden)
	c.anonymous("GET", "/api/v1/admin/users", nil)
	c.invalid("GET", "/api/v1/admin/users?role=king", f.tAdmin, nil, http.StatusUnprocessableEntity)
	grant := fmt.Sprintf("/api/v1/admin/users/%d/roles", f.plain.ID)
	c.call("POST", grant, f.tAdmin, map[string]string{"role": "evaluator"}, http.StatusNoContent)
	c.call("POST", grant, f.tOfficer, map[string]string{"role": "evaluator"}, http.StatusForbidden)
	c.anonymous("POST", grant, map[string]string{"role": "evaluator"})
	c.call("POST", "/api/v1/admin/users/999999/roles", f.tAdmin, map[string]string{"role": "evaluator"}, http.StatusNotFound)
	c.invalid("POST", grant, f.tAdmin, map[string]string{"role": "king"}, http.StatusUnprocessableEntity)
	c.call("DELETE", grant+"/evaluator", f.tAdmin, nil, http.StatusNoContent)
	c.call("DELETE", grant+"/evaluator", f.tOfficer, nil, http.StatusForbidden)
	c.anonymous("DELETE", grant+"/evaluator", nil)
	c.call("DELETE", "/api/v1/admin/users/999999/roles/evaluator", f.tAdmin, nil, http.StatusNotFound)
	c.invalid("DELETE", grant+"/king", f.tAdmin, nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/admin/audit?action=role.grant&page=1", f.tAdmin, nil, http.StatusOK)
	c.call("GET", "/api/v1/admin/audit", f.tMemberA, nil, http.StatusForbidden)
	c.anonymous("GET", "/api/v1/admin/audit", nil)
	c.invalid("GET", "/api/v1/admin/audit?page=0", f.tAdmin, nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/admin/outbox?to=someone@example.org", f.tAdmin, nil, http.StatusOK)
	c.call("GET", "/api/v1/admin/outbox", f.tMemberA, nil, http.StatusForbidden)
	c.anonymous("GET", "/api/v1/admin/outbox", nil)
	c.invalid("GET", "/api/v1/admin/outbox?per_page=1000", f.tAdmin, nil, http.StatusUnprocessableEntity)

	// Saved searches.
	var saved apiSavedSearch
	c.call("POST", "/api/v1/saved-searches", f.tMemberA, map[string]string{"name": "Eau", "query": "q=eau&status=open"}, http.StatusCreated).decode(&saved)
	c.anonymous("POST", "/api/v1/saved-searches", map[string]string{"name": "Eau", "query": ""})
	c.call("POST", "/api/v1/saved-searches", f.tMemberA, map[string]string{"name": "Eau", "query": "theme=nope"}, http.StatusUnprocessableEntity)
	for i := 1; i < 20; i++ {
		c.call("POST", "/api/v1/saved-searches", f.tMemberA, map[string]string{"name": fmt.Sprint("n", i), "query": ""}, http.StatusCreated)
	}
	c.call("POST", "/api/v1/saved-searches", f.tMemberA, map[string]string{"name": "21", "query": ""}, http.StatusConflict)
	c.call("GET", "/api/v1/saved-searches", f.tMemberA, nil, http.StatusOK)
	c.anonymous("GET", "/api/v1/saved-searches", nil)
	savedPath := fmt.Sprintf("/api/v1/saved-searches/%d", saved.ID)
	c.call("DELETE", savedPath, f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("DELETE", savedPath, nil)
	c.call("DELETE", savedPath, f.tMemberA, nil, http.StatusNoContent)

	// Every answer the base document describes was seen, but those no test
	// can provoke; each area described in a fragment of openapi/ checks
	// its own.
	unprovoked := map[string]bool{"500": true, "503": true}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIBase, &doc); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for p, item := range doc.Paths {
		for m, op := range item {
			key := strings.ToUpper(m) + " " + p
			for status := range op.Responses {
				if unprovoked[status] {
					continue
				}
				var code int
				fmt.Sscan(status, &code)
				if !c.seen[key][code] {
					missing = append(missing, key+" → "+status)
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("documented but never exercised: %s", m)
	}
	for op := range c.seen {
		method, path, _ := strings.Cut(op, " ")
		if !slices.Contains(apiDocPaths(t)[path], method) {
			t.Errorf("exercised but undocumented: %s", op)
		}
	}
}

// TestReadyzWhileWarming: /readyz answers 503 "starting" while the start's
// warm-up runs, and 200 once it is done.
func TestReadyzWhileWarming(t *testing.T) {
	e := newTestEnv(t)
	e.srv.warming.Store(true)
	res := e.api("GET", "/readyz", "", nil)
	var ready struct{ Status, Database string }
	if err := json.NewDecoder(res.Body).Decode(&ready); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || ready.Status != "starting" {
		t.Fatalf("while warming: got %d %+v; want 503 starting", res.StatusCode, ready)
	}
	e.srv.StartWarm(context.Background())
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := e.api("GET", "/readyz", "", nil)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the warm-up: got %d; want 200", res.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
