package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

func TestLoginLogout(t *testing.T) {
	e := newTestEnv(t)
	e.user("ana@example.org")
	c := e.client()
	if res := c.get("/compte"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous /compte: got %d; want 303 to the login page", res.StatusCode)
	}
	c.login("ana@example.org")
	res := c.get("/compte")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/compte after login: got %d; want 200", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control on an authenticated page: got %q; want no-store", cc)
	}
	if b := body(t, res); !strings.Contains(b, "ana@example.org") {
		t.Errorf("account page does not show the address")
	}
	if res := c.post("/deconnexion", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: got %d; want 303", res.StatusCode)
	}
	if res := c.get("/compte"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("/compte after logout: got %d; want 303", res.StatusCode)
	}
}

func TestLoginRenewsSession(t *testing.T) {
	e := newTestEnv(t)
	e.user("ana@example.org")
	c := e.client()
	c.login("ana@example.org")
	u, _ := url.Parse(e.ts.URL)
	first := c.http.Jar.Cookies(u)
	c.login("ana@example.org")
	second := c.http.Jar.Cookies(u)
	if len(first) == 0 || len(second) == 0 || first[0].Value == second[0].Value {
		t.Fatalf("the session identifier was not renewed on login")
	}
	if _, _, err := e.db.SessionUser(t.Context(), first[0].Value); err == nil {
		t.Errorf("the previous session still works after a new login")
	}
}

func TestLoginFailuresThrottledAndAudited(t *testing.T) {
	e := newTestEnv(t)
	e.user("ana@example.org")
	c := e.client()
	for i := 0; i < 10; i++ {
		res := c.post("/connexion", url.Values{"email": {"ana@example.org"}, "password": {"wrong password 123"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d; want 401", i, res.StatusCode)
		}
	}
	res := c.post("/connexion", url.Values{"email": {"ana@example.org"}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 10 failures, even the right password: got %d; want 429", res.StatusCode)
	}
	events, _, err := e.db.ListAudit(t.Context(), sqldbAuditFilter(coopdec.AuditLoginFailure), coopdec.NewPage(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 10 {
		t.Errorf("audited failures: got %d; want 10", len(events))
	}
	// Once the window has passed, the right password works again.
	e.db.Now = func() time.Time { return time.Now().Add(coopdec.LoginWindow + time.Minute) }
	c.login("ana@example.org")
}

func TestDemoPasswordOnlyInDemoMode(t *testing.T) {
	e := newTestEnv(t)
	u := e.user("demo@example.org")
	hash := mustHash(t, coopdec.DemoPassword)
	if err := e.db.SetPassword(t.Context(), u.ID, hash, "", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	res := c.post("/connexion", url.Values{"email": {"demo@example.org"}, "password": {coopdec.DemoPassword}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("demo password outside demo mode: got %d; want 401", res.StatusCode)
	}
	e.srv.demo = true
	res = c.post("/connexion", url.Values{"email": {"demo@example.org"}, "password": {coopdec.DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("demo password in demo mode: got %d; want 303", res.StatusCode)
	}
}

var linkRE = regexp.MustCompile(`https?://\S+`)

func TestPasswordResetFlow(t *testing.T) {
	e := newTestEnv(t)
	e.user("ana@example.org")
	c := e.client()
	res := c.post("/mot-de-passe-oublie", url.Values{"email": {"ana@example.org"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("reset request: got %d; want 200", res.StatusCode)
	}
	m, ok := e.mail.Last()
	if !ok || m.To != "ana@example.org" {
		t.Fatalf("no reset email sent to ana")
	}
	link := linkRE.FindString(m.Text)
	path := strings.TrimPrefix(link, e.ts.URL)
	if res := c.get(path); res.StatusCode != http.StatusOK {
		t.Fatalf("reset page: got %d; want 200", res.StatusCode)
	}
	// A weak password is refused with a message, and the link stays usable.
	res = c.post(path, url.Values{"password": {"short"}, "password_confirm": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("weak password: got %d; want 422", res.StatusCode)
	}
	newPw := "une toute nouvelle phrase secrète"
	res = c.post(path, url.Values{"password": {newPw}, "password_confirm": {newPw}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: got %d; want 303", res.StatusCode)
	}
	// The link works once.
	res = c.post(path, url.Values{"password": {newPw}, "password_confirm": {newPw}})
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("reusing the link: got %d; want 404", res.StatusCode)
	}
	res = c.post("/connexion", url.Values{"email": {"ana@example.org"}, "password": {newPw}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new password: got %d; want 303", res.StatusCode)
	}
	// An unknown address gets the same answer and no email.
	n := len(e.mail.Messages())
	if res := c.post("/mot-de-passe-oublie", url.Values{"email": {"nobody@example.org"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("unknown address: got %d; want 200", res.StatusCode)
	}
	if len(e.mail.Messages()) != n {
		t.Errorf("an email was sent for an unknown address")
	}
}

func TestPasswordResetLinkExpires(t *testing.T) {
	e := newTestEnv(t)
	e.user("ana@example.org")
	c := e.client()
	c.post("/mot-de-passe-oublie", url.Values{"email": {"ana@example.org"}})
	m, _ := e.mail.Last()
	path := strings.TrimPrefix(linkRE.FindString(m.Text), e.ts.URL)
	e.db.Now = func() time.Time { return time.Now().Add(16 * time.Minute) }
	if res := c.get(path); res.StatusCode != http.StatusNotFound {
		t.Fatalf("reset link after 16 minutes: got %d; want 404", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newTestEnv(t)
	res := e.client().get("/connexion")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: got %q; want %q", h, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: got %q; want frame-ancestors 'none' and no unsafe-inline", csp)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newTestEnv(t)
	e.user("ana@example.org")
	c := e.client()
	req, _ := http.NewRequest("POST", e.ts.URL+"/connexion", strings.NewReader("email=ana%40example.org&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: got %d; want 403", res.StatusCode)
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	if b := body(t, c.get("/connexion")); !strings.Contains(b, `lang="fr"`) {
		t.Fatalf("default page is not in French")
	}
	c.post("/langue", url.Values{"lang": {"es"}, "next": {"/connexion"}})
	if b := body(t, c.get("/connexion")); !strings.Contains(b, `<html lang="es">`) {
		t.Fatalf("after switching to Spanish, the page is not in Spanish")
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/connexion", nil)
	req.Header.Set("Accept-Language", "pt-BR,pt;q=0.9")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, res); !strings.Contains(b, `<html lang="pt">`) {
		t.Errorf("Accept-Language pt-BR: page is not in Portuguese")
	}
}

func TestGenericErrorPage(t *testing.T) {
	e := newTestEnv(t)
	res := e.client().get("/nope")
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("got %d; want 404", res.StatusCode)
	}
	if b := body(t, res); strings.Contains(b, "goroutine") || !strings.Contains(b, "<html") {
		t.Errorf("error page leaks internals or is not a page")
	}
}

func TestMetricsNameRoutes(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	c.get("/connexion")
	b := body(t, c.get("/metrics"))
	if !strings.Contains(b, `route="GET /connexion"`) {
		t.Errorf("metrics do not label requests by route pattern")
	}
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/appels?q=eau&status=open", "/appels?q=eau&status=open"},
		{"/compte", "/compte"},
		{"", "/compte"},
		{"https://evil.example/", "/compte"},
		{"//evil.example/", "/compte"},
		{"/\\evil.example", "/compte"},
		{"/\t/evil.example", "/compte"},
		{"/\n/evil.example", "/compte"},
		{"appels", "/compte"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// TestSignupCannotPickAnAuthorityWithMembers: an open local-authority
// invitation registers a new authority; it cannot be used to join one that
// already has members and reach their drafts.
func TestSignupCannotPickAnAuthorityWithMembers(t *testing.T) {
	e := newTestEnv(t)
	if _, _, _, err := e.db.UpsertTerritories(t.Context(), []coopdec.Territory{{Kind: coopdec.TerritoryCommune, Code: "69123",
		Name: "Lyon", SIREN: "216901231", Region: "84", Department: "69"}}, nil); err != nil {
		t.Fatal(err)
	}
	officer := e.user("officer@example.org", coopdec.RoleOfficer)
	signup := func(email string) *http.Response {
		token, err := e.db.CreateInvitation(t.Context(), &coopdec.Invitation{Email: email, ForLocalAuthority: true},
			coopdec.Actor{UserID: officer.ID})
		if err != nil {
			t.Fatal(err)
		}
		return e.client().post("/invitation/"+token, url.Values{"name": {"Élu de Lyon"}, "territory": {"commune:69123"},
			"password": {testPassword}, "password_confirm": {testPassword}})
	}
	if res := signup("maire@lyon.fr"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first member of Lyon: got %d; want 303", res.StatusCode)
	}
	res := signup("intrus@example.org")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("second open sign-up on Lyon: got %d; want 422", res.StatusCode)
	}
	if b := body(t, res); !strings.Contains(b, "a déjà des membres") {
		t.Errorf("the refusal does not say the authority already has members")
	}
	if _, err := e.db.UserByEmail(t.Context(), "intrus@example.org"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("the refused sign-up created an account")
	}
}

// TestAccountActionsDenied: account changes need a session, and a user
// cannot revoke another user's API token through the pages.
func TestAccountActionsDenied(t *testing.T) {
	e := newTestEnv(t)
	ana := e.user("ana@example.org")
	bob := e.user("bob@example.org")
	_, bobToken, err := e.db.CreateAPIToken(t.Context(), bob.ID, "outil de Bob", coopdec.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	for _, path := range []string{"/compte/langue", "/compte/mot-de-passe", "/compte/jetons",
		fmt.Sprintf("/compte/jetons/%d/revocation", bobToken.ID)} {
		if res := anon.post(path, url.Values{"language": {"en"}, "name": {"x"}}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous POST %s: got %d; want 401", path, res.StatusCode)
		}
	}
	c := e.client().login(ana.Email)
	if res := c.post(fmt.Sprintf("/compte/jetons/%d/revocation", bobToken.ID), nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("Ana revoking Bob's token: got %d; want 404", res.StatusCode)
	}
	tokens, err := e.db.ListAPITokens(t.Context(), bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 || tokens[0].RevokedAt != nil {
		t.Errorf("Bob's token was revoked by someone else")
	}
	// Her own token, created and revoked through the pages.
	if res := c.post("/compte/jetons", url.Values{"name": {"tableur"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("creating a token: got %d; want 200", res.StatusCode)
	}
	mine, _ := e.db.ListAPITokens(t.Context(), ana.ID)
	if len(mine) != 1 {
		t.Fatalf("got %d tokens for Ana; want 1", len(mine))
	}
	if res := c.post(fmt.Sprintf("/compte/jetons/%d/revocation", mine[0].ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoking her own token: got %d; want 303", res.StatusCode)
	}
}
