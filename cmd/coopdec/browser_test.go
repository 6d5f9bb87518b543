package main

// End-to-end tests: the real server, started as `coopdec serve --demo`, driven
// by headless Chromium, with axe-core checking the accessibility of every page
// the tests visit. They run when Chromium is installed and skip otherwise,
// unless COOPDEC_REQUIRE_BROWSER=1 (CI), which turns a missing browser or
// axe-core into a failure. CI selects them with -run Browser.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coopdec/coopdec/coopdec"
)

// stepTimeout bounds each browser step (a page load, a click and the page
// that answers it, a script), so that a hang fails the test instead of
// blocking the run, while a test of many steps takes the time it needs on a
// loaded machine: a whole-session deadline of 60 s failed sound tests when the
// browser tests ran beside the other packages' on two cores.
const stepTimeout = 30 * time.Second

func requireBrowser() bool { return os.Getenv("COOPDEC_REQUIRE_BROWSER") == "1" }

// unavailable skips the test, or fails it when CI requires the browser.
func unavailable(t *testing.T, msg string) {
	t.Helper()
	if requireBrowser() {
		t.Fatal(msg + " (COOPDEC_REQUIRE_BROWSER=1)")
	}
	t.Skip(msg)
}

func findChromium() (string, error) {
	if os.Getenv("COOPDEC_BROWSER") == "skip" {
		return "", errors.New("browser tests skipped: COOPDEC_BROWSER=skip (they run in a step of their own)")
	}
	if p := os.Getenv("COOPDEC_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("browser tests skipped: COOPDEC_CHROMIUM=%s: %v", p, err)
		}
		return path, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("browser tests skipped: Chromium not found; install Debian's chromium (apt-get install chromium) or set COOPDEC_CHROMIUM")
}

// axeSource is axe-core's script: from COOPDEC_AXE_JS (CI), else from where
// .ci/run or npm put it.
var axeSource = sync.OnceValues(func() (string, error) {
	if p := os.Getenv("COOPDEC_AXE_JS"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("COOPDEC_AXE_JS: %v", err)
		}
		return string(b), nil
	}
	var candidates []string
	if dir, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "coopdec-ci", "npm", "node_modules", "axe-core", "axe.min.js"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".cache", "coopdec-ci", "npm", "node_modules", "axe-core", "axe.min.js"))
	}
	candidates = append(candidates,
		filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"),
		"/usr/local/lib/node_modules/axe-core/axe.min.js",
		"/usr/lib/node_modules/axe-core/axe.min.js",
		"/usr/share/nodejs/axe-core/axe.min.js",
	)
	for _, p := range candidates {
		if b, err := os.ReadFile(p); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("axe-core not found (set COOPDEC_AXE_JS, or run .ci/run once); looked in %s", strings.Join(candidates, ", "))
})

// syncBuffer collects the server's output, written from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startServer runs `coopdec serve --demo` in-process on a free port with its
// own data, waits until it is ready, and stops it gracefully at the end of
// the test. databaseURL selects PostgreSQL; "" is SQLite in a temporary folder.
func startServer(t *testing.T, databaseURL string) string {
	t.Helper()
	// Attachments go to a folder of the test's own, whatever the database.
	args := []string{"serve", "--demo", "--log-format", "text", "--blobs", t.TempDir()}
	wantDB := "sqlite"
	if databaseURL != "" {
		// The referential is imported by the SQLite tests; PostgreSQL starts
		// without it, to stay fast.
		args = append(args, "--database-url", databaseURL, "--referentiel", "")
		wantDB = "postgres"
	} else {
		args = append(args, "--database-url", "", "--data", seededDataDir(t), "--referentiel", referentielDir())
	}
	for attempt := 1; ; attempt++ {
		base, err := serve(t, args, wantDB)
		// The free port found can be taken by another process before serve
		// listens on it.
		if errors.Is(err, syscall.EADDRINUSE) && attempt < 3 {
			t.Logf("retrying on another port: %v", err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		return base
	}
}

// serve starts the server on a free port and waits for /readyz to say it
// is ready on the wanted database.
func serve(t *testing.T, args []string, wantDB string) (string, error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()

	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(slices.Clone(args), "--addr", addr), strings.NewReader(""), &out, &out)
	}()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("serve did not stop within 30 s of its context's end")
		}
	}

	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-done:
			cancel()
			return "", fmt.Errorf("serve ended before it was ready: %w\n%s", err, out.String())
		default:
		}
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			var ready struct{ Database string }
			derr := json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if derr != nil || ready.Database != wantDB {
					stop()
					return "", fmt.Errorf("/readyz says database %q (%v); want %q", ready.Database, derr, wantDB)
				}
				break
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("serve not ready at %s/readyz after 90 s (last: %v)\n%s", base, err, out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline above
	}

	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve did not stop cleanly: %v", err)
		}
		if t.Failed() {
			t.Logf("server output:\n%s", out.String())
		}
	})
	return base, nil
}

// seededDataDir returns a fresh data folder for one server. The first call
// imports the territorial referential (tens of thousands of rows) into a
// template database; every server then starts from a copy, so the tests do
// not each pay for the import. `serve --demo` still runs its whole start-up
// on the copy.
func seededDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	tmpl, err := templateData()
	if err != nil {
		t.Fatalf("preparing the template database: %v", err)
	}
	if tmpl == "" {
		return dir
	}
	entries, err := os.ReadDir(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(tmpl, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// templateData prepares the template folder once: migrated, with the
// referential; "" when there is no referential to import.
func templateData() (string, error) {
	templateOnce.Do(func() {
		ref := referentielDir()
		if ref == "" {
			return
		}
		dir, err := os.MkdirTemp("", "coopdec-browser-template-")
		if err != nil {
			templateErr = err
			return
		}
		var out bytes.Buffer
		err = run(context.Background(), []string{"import", "territoires", "--quiet", "--database-url", "", "--data", dir, ref},
			strings.NewReader(""), &out, &out)
		if err != nil {
			os.RemoveAll(dir)
			templateErr = fmt.Errorf("%v\n%s", err, out.String())
			return
		}
		templateDir = dir
	})
	return templateDir, templateErr
}

func TestMain(m *testing.M) {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	os.Exit(code)
}

// browser is one headless Chromium with a fresh profile, driving one test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	axe       string // axe-core's source; "" when unavailable
	axeChecks int

	mu      sync.Mutex
	console []string // errors and exceptions the pages wrote to the console
}

// newSession starts a server (see startServer) and a browser for the test;
// without Chromium, it skips the test before starting anything.
func newSession(t *testing.T, databaseURL string) *browser {
	t.Helper()
	path, err := findChromium()
	if err != nil {
		unavailable(t, err.Error())
	}
	axe, err := axeSource()
	if err != nil {
		if requireBrowser() {
			t.Fatalf("%v (COOPDEC_REQUIRE_BROWSER=1)", err)
		}
		t.Logf("accessibility checks skipped: %v", err)
	}
	base := startServer(t, databaseURL)
	b := newBrowser(t, path, base)
	b.axe = axe
	return b
}

// newBrowser starts Chromium at path for the test and the server at base. The
// browser asks for French first, as most of the platform's users do.
func newBrowser(t *testing.T, path, base string) *browser {
	t.Helper()
	b := &browser{t: t, base: base}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("accept-lang", "fr-FR,fr"), // headless Chromium sends en-US otherwise
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// Start the browser with a context that has no deadline: the first run
	// binds the browser's life to its context.
	if err := chromedp.Do(browserCtx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	b.ctx = browserCtx

	consoleCtx, stopConsole := context.WithCancel(browserCtx)
	consoleDone := make(chan struct{})
	messages := chromedp.Console(consoleCtx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			// A page answered with an error status is logged as a failed
			// load; the tests ask for some (404, 401, 422) on purpose.
			expected := m.Source == "network" && strings.HasPrefix(m.URL, base) && !strings.Contains(m.URL, "/static/")
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !expected {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				b.mu.Unlock()
			}
		}
	}()

	t.Cleanup(func() {
		stopConsole()
		<-consoleDone
		cancelBrowser()
		cancelAlloc() // waits for Chromium to exit, before its profile folder goes
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, m := range b.console {
			t.Errorf("browser console: %s", m)
		}
		if b.axe != "" {
			t.Logf("axe-core checked %d pages", b.axeChecks)
		}
	})
	return b
}

// fatalf fails the test with where the browser is and what the page says.
func (b *browser) fatalf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if loc, err := chromedp.Run(b.step(), chromedp.Evaluate[string](`location.href`)); err == nil {
		text, _ := chromedp.Run(b.step(), chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ""`))
		msg += fmt.Sprintf("\npage %s:\n%s", loc, text)
	}
	b.t.Fatal(msg)
}

// step returns the context of one browser step: the browser's, bounded by
// stepTimeout.
func (b *browser) step() context.Context {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	b.t.Cleanup(cancel)
	return ctx
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.step(), steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// open loads a page of the site and checks the answer's status.
func (b *browser) open(path string, wantStatus int) {
	b.t.Helper()
	resp, err := chromedp.Run(b.step(), chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fatalf("opening %s: %v", path, err)
	}
	if resp.Status != int64(wantStatus) {
		b.fatalf("GET %s: status %d; want %d", path, resp.Status, wantStatus)
	}
}

// submit clicks a button that sends a form, waits for the page that answers,
// and returns its status.
func (b *browser) submit(button string) int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.step(), chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		b.fatalf("submitting with %s: %v", button, err)
	}
	return int(resp.Status)
}

// fill types into a field, after emptying it (chromedp's SetValue refuses
// the empty string).
func (b *browser) fill(field, value string) {
	b.t.Helper()
	sel, _ := json.Marshal(field)
	b.do("filling "+field,
		chromedp.WaitVisible(chromedp.CSS(field)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).value = ""`, sel)),
		chromedp.SendKeys(chromedp.CSS(field), value))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.step(), chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf("reading %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.step(), chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf("reading the value of %s: %v", sel, err)
	}
	return s
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.step(), chromedp.Evaluate[string](expr))
	if err != nil {
		b.fatalf("evaluating %s: %v", expr, err)
	}
	return s
}

// path is the current page's path and query.
func (b *browser) path() string { return b.eval(`location.pathname + location.search`) }

// lang is the page's <html lang>.
func (b *browser) lang() string { return b.eval(`document.documentElement.lang`) }

func (b *browser) wantPath(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.fatalf("at %s; want %s", got, want)
	}
}

func (b *browser) wantLang(want string) {
	b.t.Helper()
	if got := b.lang(); got != want {
		b.fatalf("<html lang=%q>; want %q", got, want)
	}
}

// login signs in through the form and checks where it lands.
func (b *browser) login(email, password, wantPath string) {
	b.t.Helper()
	b.open("/connexion", http.StatusOK)
	b.fill("#email", email)
	b.fill("#password", password)
	if status := b.submit(`main form[action="/connexion"] button[type=submit]`); status != http.StatusOK {
		b.fatalf("login as %s: status %d", email, status)
	}
	b.wantPath(wantPath)
}

// logout uses the button in the header.
func (b *browser) logout() {
	b.t.Helper()
	b.submit(`header form[action="/deconnexion"] button[type=submit]`)
	b.wantPath("/")
	b.do("the login link after logout", chromedp.WaitVisible(chromedp.CSS(`header a[href="/connexion"]`)))
}

// switchLanguage uses the form in the header and checks the page's language.
func (b *browser) switchLanguage(lang string) {
	b.t.Helper()
	before := b.path()
	b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS("#lang-select"), lang))
	b.submit(`form.lang-switch button[type=submit]`)
	b.wantPath(before)
	b.wantLang(lang)
}

// axeViolation is what the tests keep of an axe-core result.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target string `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(t => [].concat(t).join(' >>> ')).join(', '), html: n.html})),
})))`

// axeViolations runs axe-core on the current page, injecting it first.
func (b *browser) axeViolations(what string) []axeViolation {
	b.t.Helper()
	loaded, err := chromedp.Run(b.step(), chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err != nil {
		b.fatalf("axe on %s: %v", what, err)
	}
	if !loaded {
		if err := chromedp.Do(b.step(), chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
			b.fatalf("injecting axe-core into %s: %v", what, err)
		}
	}
	violations, err := chromedp.Run(b.step(), chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("axe on %s: %v", what, err)
	}
	return violations
}

// checkA11y runs axe-core on the current page and fails on serious and
// critical violations; lesser ones are logged.
func (b *browser) checkA11y(what string) {
	b.t.Helper()
	if b.axe == "" {
		return
	}
	violations := b.axeViolations(what)
	b.axeChecks++
	page := b.path()
	lang := b.lang()
	for _, v := range violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("\n    %s  %s", n.Target, n.HTML))
		}
		msg := fmt.Sprintf("accessibility, %s (%s, lang %s): %s [%s] %s (%s)%s",
			what, page, lang, v.ID, v.Impact, v.Help, v.HelpURL, strings.Join(nodes, ""))
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// TestBrowserLoginLogout: a member of Lyon signs in, sees the account, signs
// out with the header's button, and the account page then asks to sign in.
func TestBrowserLoginLogout(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")
	browserLoginLogout(b)
}

func browserLoginLogout(b *browser) {
	b.t.Helper()
	b.open("/connexion", http.StatusOK)
	b.wantLang("fr")
	b.checkA11y("login page")

	b.login("lyon@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	b.wantLang("fr")
	if got := b.text("h1"); got != "Mon compte" {
		b.t.Errorf("account page title %q; want %q", got, "Mon compte")
	}
	facts := b.text("dl.facts")
	for _, want := range []string{"lyon@demo.coopdec.test", "Julien Bernard", "Lyon"} {
		if !strings.Contains(facts, want) {
			b.t.Errorf("account facts %q; want them to contain %q", facts, want)
		}
	}
	b.checkA11y("account page")

	b.logout()
	b.open("/compte", http.StatusOK)
	b.wantPath("/connexion?next=%2Fcompte")
	if got := b.text(`main form[action="/connexion"] button[type=submit]`); got != "Se connecter" {
		b.t.Errorf("login button %q after the redirect; want %q", got, "Se connecter")
	}
}

// TestBrowserWrongPassword: a mistake says so and keeps the address typed.
func TestBrowserWrongPassword(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")
	b.open("/connexion", http.StatusOK)
	b.fill("#email", "lyon@demo.coopdec.test")
	b.fill("#password", "pas le bon mot de passe")
	status := b.submit(`main form[action="/connexion"] button[type=submit]`)
	if status != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d; want %d", status, http.StatusUnauthorized)
	}
	b.wantPath("/connexion")
	if got := b.text("#errors"); !strings.Contains(got, "Adresse ou mot de passe incorrect.") {
		t.Errorf("error box %q; want \"Adresse ou mot de passe incorrect.\"", got)
	}
	if got := b.value("#email"); got != "lyon@demo.coopdec.test" {
		t.Errorf("email field %q after the error; want the address typed", got)
	}
	if got := b.value("#password"); got != "" {
		t.Errorf("password field %q after the error; want it empty", got)
	}
	b.checkA11y("login page with an error")

	// The right password still works after one mistake.
	b.fill("#password", coopdec.DemoPassword)
	b.submit(`main form[action="/connexion"] button[type=submit]`)
	b.wantPath("/compte")
}

// The links of the emails the tests read in the outbox.
var (
	resetLink      = regexp.MustCompile(`https?://[^\s/]+/reinitialisation/[A-Za-z0-9_-]+`)
	invitationLink = regexp.MustCompile(`https?://[^\s/]+/invitation/[A-Za-z0-9_-]+`)
)

// TestBrowserPasswordReset: a forgotten password is reset through the link
// the outbox shows to administrators.
func TestBrowserPasswordReset(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")

	b.open("/mot-de-passe-oublie", http.StatusOK)
	b.checkA11y("forgotten password page")
	b.fill("#email", "lyon@demo.coopdec.test")
	if status := b.submit(`main form[action="/mot-de-passe-oublie"] button[type=submit]`); status != http.StatusOK {
		b.fatalf("asking for a reset: status %d", status)
	}
	if got := b.text(`main [role=status]`); !strings.Contains(got, "lien") {
		t.Errorf("confirmation %q; want the message that a link was sent", got)
	}
	b.checkA11y("forgotten password page, link sent")

	// The administrator reads the email in the outbox.
	b.login("admin@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	link := b.newestLink(resetLink)
	if u, err := url.Parse(link); err != nil || u.Host != strings.TrimPrefix(b.base, "http://") {
		t.Errorf("reset link %s; want one on this server (%s)", link, b.base)
	}
	b.logout()

	// A weak password is refused, with the error on the field.
	b.do("opening the reset link", chromedp.Navigate(link))
	b.wantLang("fr")
	b.checkA11y("reset page")
	b.fill("#password", "court")
	b.fill("#password_confirm", "court")
	if status := b.submit(`main form button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Errorf("weak password: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	if got := b.text("#password-error"); !strings.Contains(got, "12") {
		t.Errorf("password error %q; want the 12-character rule", got)
	}
	if got := b.eval(`document.getElementById('password').getAttribute('aria-invalid') || ''`); got != "true" {
		t.Errorf("password field aria-invalid=%q; want \"true\"", got)
	}
	if got := b.eval(`document.getElementById('password').getAttribute('aria-describedby') || ''`); !strings.Contains(got, "password-error") {
		t.Errorf("password field aria-describedby=%q; want it to name password-error", got)
	}
	b.checkA11y("reset page with an error")

	// Long enough, but it holds the address's "lyon": refused as personal.
	b.fill("#password", "une longue phrase de passe pour Lyon")
	b.fill("#password_confirm", "une longue phrase de passe pour Lyon")
	b.submit(`main form button[type=submit]`)
	if got := b.text("#password-error"); !strings.Contains(got, "adresse électronique") {
		t.Errorf("password error %q; want the rule against the name and address", got)
	}

	const newPassword = "la colline de Fourvière au printemps"
	b.fill("#password", newPassword)
	b.fill("#password_confirm", newPassword)
	b.submit(`main form button[type=submit]`)
	b.wantPath("/connexion?reset=1")
	if got := b.text(`main [role=status]`); !strings.Contains(got, "mot de passe a été changé") {
		t.Errorf("after the reset: %q; want the confirmation", got)
	}
	b.checkA11y("login page after a reset")

	// The link works once; the old password is gone; the new one opens.
	resp, err := chromedp.Run(b.step(), chromedp.NavigateResponse(link))
	if err != nil {
		b.fatalf("opening the used link: %v", err)
	}
	if resp.Status < 400 {
		t.Errorf("used reset link: status %d; want an error", resp.Status)
	}
	b.open("/connexion", http.StatusOK)
	b.fill("#email", "lyon@demo.coopdec.test")
	b.fill("#password", coopdec.DemoPassword)
	if status := b.submit(`main form[action="/connexion"] button[type=submit]`); status != http.StatusUnauthorized {
		t.Errorf("old password after the reset: status %d; want %d", status, http.StatusUnauthorized)
	}
	b.login("lyon@demo.coopdec.test", newPassword, "/compte")
	if got := b.text("dl.facts"); !strings.Contains(got, "lyon@demo.coopdec.test") {
		t.Errorf("account after the reset shows %q", got)
	}
}

// newestLink opens the outbox and reads the link of the newest email that
// has one that matches, reloading until it is there.
func (b *browser) newestLink(link *regexp.Regexp) string {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.open("/admin/outbox", http.StatusOK)
		texts, err := chromedp.Run(b.step(), chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('pre.mail'), e => e.textContent)`))
		if err != nil {
			b.fatalf("reading the outbox: %v", err)
		}
		for _, text := range texts { // newest first
			if l := link.FindString(text); l != "" {
				b.checkA11y("outbox")
				return l
			}
		}
		if time.Now().After(deadline) {
			b.fatalf("no link matching %s in the %d emails of the outbox after 10 s", link, len(texts))
		}
	}
}

// TestBrowserInvitation: an administrator invites a local authority; the
// invited person finds the commune with the type-ahead (the referential's
// data, through the page's script) and signs up.
func TestBrowserInvitation(t *testing.T) {
	t.Parallel()
	if referentielDir() == "" {
		t.Skip("the territorial referential is absent: no commune to find")
	}
	b := newSession(t, "")

	b.login("admin@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	b.open("/admin/invitations", http.StatusOK)
	b.checkA11y("invitation form")
	b.fill("#email", "elu@villeurbanne.test")
	b.do("ticking local authority", chromedp.Click(chromedp.CSS("#local_authority")))
	if status := b.submit(`main form[action="/admin/invitations"][method=post] button[type=submit]`); status != http.StatusOK {
		b.fatalf("sending the invitation: status %d", status)
	}
	b.wantPath("/admin/invitations?ok=1")
	b.checkA11y("invitation form, sent")
	link := b.newestLink(invitationLink)
	b.logout()

	b.do("opening the invitation", chromedp.Navigate(link))
	b.checkA11y("sign-up page")
	b.do("typing a commune", chromedp.SendKeys(chromedp.CSS("#q"), "Villeurbanne"))
	b.do("the type-ahead's results", chromedp.WaitVisible(chromedp.CSS(`#territory-results input[type=radio]`)))
	if got := b.text(`#territory-results .radio label`); !strings.Contains(got, "Villeurbanne") {
		b.fatalf("first result %q; want Villeurbanne", got)
	}
	b.checkA11y("sign-up page with results")
	b.do("choosing the commune", chromedp.Click(chromedp.CSS(`#territory-results input[type=radio]`)))
	b.fill("#name", "Camille Roux")
	b.fill("#password", "la colline de Fourvière au printemps")
	b.fill("#password_confirm", "la colline de Fourvière au printemps")
	b.submit(`main form[method=post] button[type=submit]`)
	b.wantPath("/compte?bienvenue=1")
	facts := b.text("dl.facts")
	for _, want := range []string{"Camille Roux", "elu@villeurbanne.test", "Villeurbanne"} {
		if !strings.Contains(facts, want) {
			t.Errorf("new account shows %q; want %q in it", facts, want)
		}
	}
	b.checkA11y("account page, welcome")
}

// TestBrowserLanguage: visitors switch the language with the header's form;
// an account keeps its own language across sessions.
func TestBrowserLanguage(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")

	const loginButton = `main form[action="/connexion"] button[type=submit]`
	b.open("/connexion", http.StatusOK)
	b.wantLang("fr")
	if got := b.text(loginButton); got != "Se connecter" {
		t.Errorf("French login button %q", got)
	}
	for _, tc := range []struct{ lang, button, title string }{
		{"en", "Sign in", "Sign in"},
		{"es", "Iniciar sesión", "Inicio de sesión"},
		{"pt", "Entrar", "Entrar"},
	} {
		b.switchLanguage(tc.lang)
		if got := b.text(loginButton); got != tc.button {
			t.Errorf("%s login button %q; want %q", tc.lang, got, tc.button)
		}
		if got := b.text("h1"); got != tc.title {
			t.Errorf("%s login title %q; want %q", tc.lang, got, tc.title)
		}
		if got := b.value("#lang-select"); got != tc.lang {
			t.Errorf("language menu shows %q; want %q", got, tc.lang)
		}
		b.checkA11y("login page")
	}

	// The visitor's choice stays for the next pages.
	b.open("/mot-de-passe-oublie", http.StatusOK)
	b.wantLang("pt")
	b.checkA11y("forgotten password page")

	// Signed in, the account's language rules; it is chosen on the account page.
	b.login("officer@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	t.Logf("signed in with no language on the account, after choosing pt as a visitor: the page is in %q", b.lang())
	b.do("the language form", chromedp.SetValue(chromedp.CSS("#language"), "es"))
	b.submit(`main form[action="/compte/langue"] button[type=submit]`)
	b.wantPath("/compte?ok=language")
	b.wantLang("es")
	if got := b.text("h1"); got != "Mi cuenta" {
		t.Errorf("account title %q in Spanish; want %q", got, "Mi cuenta")
	}
	if got := b.value("#language"); got != "es" {
		t.Errorf("account language menu %q; want es", got)
	}
	b.checkA11y("account page")

	b.logout()
	t.Logf("after logout the visitor's page is in %q", b.lang())
	b.login("officer@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	b.wantLang("es")
	if got := b.text("h1"); got != "Mi cuenta" {
		t.Errorf("account title %q after signing in again; want %q", got, "Mi cuenta")
	}

	// The header's form, used while signed in, changes the account's language.
	b.switchLanguage("en")
	if got := b.text("h1"); got != "My account" {
		t.Errorf("account title %q in English; want %q", got, "My account")
	}
	if got := b.value("#language"); got != "en" {
		t.Errorf("account language menu %q after the header switch; want en", got)
	}
	b.checkA11y("account page")
}

// TestBrowserAccessibility visits the main pages, as a visitor and as an
// administrator, in French and in English.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")
	visitorPages := []string{"/", "/organisations", "/connexion", "/mot-de-passe-oublie"}
	adminPages := []string{"/compte", "/admin", "/organisations", "/"}

	for _, lang := range []string{"fr", "en"} {
		if lang != "fr" {
			b.switchLanguage(lang)
		}
		for _, p := range visitorPages {
			b.open(p, http.StatusOK)
			b.wantLang(lang)
			b.checkA11y("visitor " + p)
		}
		b.open("/nexiste-pas", http.StatusNotFound)
		b.checkA11y("not found page")
	}

	b.login("admin@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	for _, lang := range []string{"en", "fr"} {
		if lang != b.lang() {
			b.switchLanguage(lang)
		}
		for _, p := range adminPages {
			b.open(p, http.StatusOK)
			b.wantLang(lang)
			b.checkA11y("administrator " + p)
		}
	}
	b.logout()
	b.open("/admin", http.StatusOK)
	b.wantPath("/connexion?next=%2Fadmin")

	// The checker itself finds what it should: an image without text and a
	// field without a label, added to the page.
	if b.axe != "" {
		b.do("spoiling the page", chromedp.Evaluate[chromedp.Void](
			`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/static/favicon.svg"><input type="text" name="x">')`))
		found := map[string]bool{}
		for _, v := range b.axeViolations("spoiled page") {
			found[v.ID] = true
		}
		if !found["image-alt"] || !found["label"] {
			t.Errorf("axe-core on a page with an unlabelled image and field found %v; want image-alt and label", found)
		}
	}
}

// TestBrowserPostgres runs the login scenario against PostgreSQL when
// COOPDEC_TEST_DATABASE_URL is set, in a schema of its own.
func TestBrowserPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: browser test on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	b := newSession(t, postgresSchema(t, pgURL))
	browserLoginLogout(b)
}

// postgresSchema creates an empty schema and returns a URL that uses it; the
// schema is dropped after the server stops.
func postgresSchema(t *testing.T, pgURL string) string {
	t.Helper()
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("browser_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
