package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/password"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// testEnv is a real server on a fresh database, with a recording mailer,
// attachments in a temporary folder and a job queue that is not worked
// until startJobs.
type testEnv struct {
	t      *testing.T
	db     *sqldb.DB
	mail   *mail.Recorder
	srv    *Server
	ts     *httptest.Server
	runner *jobs.Runner
	blobs  *blob.Local
}

const testPassword = "un mot de passe de test solide"

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	db := sqldbtest.Open(t)
	rec := &mail.Recorder{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := jobs.New(t.Context(), db, logger, jobs.Options{Mail: rec, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	if err := runner.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	srv, err := New(Config{DB: db, Mail: rec, Jobs: runner, Blobs: blobs, Logger: logger,
		BaseURL: ts.URL, Version: "test", NoLoginDelay: true})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	return &testEnv{t: t, db: db, mail: rec, srv: srv, ts: ts, runner: runner, blobs: blobs}
}

// startJobs works the job queue, so that enqueued emails reach e.mail.
func (e *testEnv) startJobs() {
	e.t.Helper()
	if err := e.runner.Start(e.t.Context()); err != nil {
		e.t.Fatal(err)
	}
}

// waitMail waits for an email to to arrive (the job queue sends them), and
// returns it; it fails the test after a few seconds.
func (e *testEnv) waitMail(to, contains string) mail.Message {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range e.mail.Messages() {
			if m.To == to && strings.Contains(m.Subject+"\n"+m.Text, contains) {
				return m
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no email to %s containing %q; got %+v", to, contains, e.mail.Messages())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hashOnce caches the hash of testPassword: argon2id is slow by design.
var testHash = func() string {
	h, err := password.Hash(testPassword)
	if err != nil {
		panic(err)
	}
	return h
}()

// user creates an account with roles.
func (e *testEnv) user(email string, roles ...coopdec.Role) *coopdec.User {
	e.t.Helper()
	u := &coopdec.User{Email: email, Name: strings.Split(email, "@")[0], PasswordHash: testHash, Roles: roles}
	if err := e.db.CreateUser(context.Background(), u, coopdec.Actor{}); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// org creates an organisation.
func (e *testEnv) org(o *coopdec.Organisation) *coopdec.Organisation {
	e.t.Helper()
	if err := e.db.CreateOrganisation(context.Background(), o, coopdec.Actor{}); err != nil {
		e.t.Fatal(err)
	}
	return o
}

// member adds u to org with a role.
func (e *testEnv) member(u *coopdec.User, org *coopdec.Organisation, role coopdec.MemberRole) {
	e.t.Helper()
	if err := e.db.AddMembership(context.Background(), u.ID, org.ID, role, coopdec.Actor{}); err != nil {
		e.t.Fatal(err)
	}
}

// client is a browser-like client with a cookie jar that sends same-origin
// headers the way a browser does on form posts.
type client struct {
	e    *testEnv
	http *http.Client
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login logs the client in with the test password and fails the test if it
// does not work.
func (c *client) login(email string) *client {
	c.e.t.Helper()
	res := c.post("/connexion", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: got status %d; want 303", email, res.StatusCode)
	}
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.e.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	c.e.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (c *client) get(path string) *http.Response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	return c.do(req)
}

// post sends a form the way a browser does from a page of the site.
func (c *client) post(path string, form url.Values) *http.Response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.e.ts.URL)
	return c.do(req)
}

// api sends a JSON request with an optional bearer token.
func (e *testEnv) api(method, path, token string, body any) *http.Response {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// token issues an API token for u directly in the database.
func (e *testEnv) token(u *coopdec.User) string {
	e.t.Helper()
	secret, _, err := e.db.CreateAPIToken(context.Background(), u.ID, "test", coopdec.Actor{})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, res *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
