package main

// End-to-end tests of the applications: a member of Lyon goes from an empty
// draft to a submitted application with a confirmed Argentine partner and
// its receipt, which anyone can check; a budget that asks for more than the
// call's ceiling is explained as it is typed and cannot be submitted; the
// call's officer finds the application in the call's list. They reuse
// browser_test.go's harness: one server and one Chromium per test, axe-core
// on the pages they visit. The call they apply to is created through the
// API, so that the demo's calls stay as they are.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/demo"
)

// apiClient calls the server's JSON API with a token, for what the tests
// prepare or read outside the browser: the call they apply to, and the
// emails of the outbox.
type apiClient struct {
	t      *testing.T
	base   string
	token  string
	client *http.Client
}

// newAPIClient signs in as the demo account email and keeps its token.
func newAPIClient(t *testing.T, base, email string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, base: base, client: &http.Client{Timeout: 10 * time.Second}}
	var created struct {
		Token string `json:"token"`
	}
	c.call("POST", "/api/v1/auth/token", map[string]string{"email": email, "password": coopdec.DemoPassword, "name": "browser tests"},
		http.StatusCreated, &created)
	c.token = created.Token
	return c
}

// call sends body as JSON, wants the status, and decodes the answer into
// out unless it is nil.
func (c *apiClient) call(method, path string, body any, wantStatus int, out any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode != wantStatus {
		c.t.Fatalf("%s %s: status %d; want %d\n%s", method, path, resp.StatusCode, wantStatus, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: decoding %s: %v", method, path, data, err)
		}
	}
}

// orgID finds a demo organisation by kind, country and name.
func (c *apiClient) orgID(kind, country, name string) int64 {
	c.t.Helper()
	var page struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	q := url.Values{"type": {kind}, "per_page": {"100"}}
	if country != "" {
		q.Set("country", country)
	}
	c.call("GET", "/api/v1/organisations?"+q.Encode(), nil, http.StatusOK, &page)
	for _, o := range page.Items {
		if o.Name == name {
			return o.ID
		}
	}
	c.t.Fatalf("no organisation %q of kind %s in %s among %+v", name, kind, country, page.Items)
	return 0
}

// newestMail polls the outbox, through the API as an administrator, until
// an email to the address matches re, and returns the match and the
// subject. Emails are sent by background jobs, a moment after the action
// that asks for them.
func (c *apiClient) newestMail(to string, re *regexp.Regexp) (match, subject string) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var page struct {
			Items []struct {
				Subject string `json:"subject"`
				Text    string `json:"text"`
			} `json:"items"`
		}
		c.call("GET", "/api/v1/admin/outbox?"+url.Values{"to": {to}}.Encode(), nil, http.StatusOK, &page)
		for _, m := range page.Items { // newest first
			if s := re.FindString(m.Text); s != "" {
				return s, m.Subject
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no email to %s matching %s in the outbox after 15 s (%d emails to that address)", to, re, len(page.Items))
		}
		time.Sleep(50 * time.Millisecond) // polling interval, bounded by the deadline above
	}
}

// applicationCall is the open call the tests apply to.
type applicationCall struct {
	ID        int64
	Path      string
	Reference string
	Rosario   int64 // the Municipalidad de Rosario, a registered foreign authority in Argentina
}

// applicationCallRef is the reference of the call the tests apply to.
const applicationCallRef = "AAP-FR-AR-E2E"

// createArgentineCall creates and publishes, through the API as the demo's
// officer, an open call run with Argentina's foreign ministry, in French
// and Spanish, that requires a confirmed Argentine local authority, every
// partner's confirmation and two documents. Its grants are shared half and
// half by the two ministries, up to 100 000 € and 50 % of the cost. The
// demo's Franco-Argentine call is closed.
func createArgentineCall(t *testing.T, base string) applicationCall {
	t.Helper()
	officer := newAPIClient(t, base, "officer@demo.coopdec.test")
	var programmes struct {
		Items []struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		} `json:"items"`
	}
	officer.call("GET", "/api/v1/programmes", nil, http.StatusOK, &programmes)
	var programme int64
	for _, p := range programmes.Items {
		if p.Code == "joint-calls" {
			programme = p.ID
		}
	}
	if programme == 0 {
		t.Fatalf("no joint-calls programme among %+v", programmes.Items)
	}
	ministry := officer.orgID("ministry", "FR", "Ministère de l'Europe et des Affaires étrangères — Délégation pour l'action extérieure des collectivités territoriales (DAECT)")
	argentina := officer.orgID("partner_government", "AR", "Ministerio de Relaciones Exteriores, Comercio Internacional y Culto")
	rosario := officer.orgID("foreign_authority", "AR", "Municipalidad de Rosario")

	now := time.Now().UTC()
	day := 24 * time.Hour
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	call := map[string]any{
		"programme_id": programme,
		"reference":    applicationCallRef,
		"texts": map[string]any{
			"fr": map[string]string{"title": "Appel à projets franco-argentin (tests de bout en bout)",
				"summary": "Coopération décentralisée entre collectivités françaises et gouvernements locaux argentins."},
			"es": map[string]string{"title": "Convocatoria franco-argentina (pruebas de extremo a extremo)",
				"summary": "Cooperación descentralizada entre colectividades francesas y gobiernos locales argentinos."},
		},
		"co_managers":   []int64{argentina},
		"decision_rule": "all_parties",
		"funders": []map[string]int64{
			{"organisation_id": ministry, "envelope_cents": 300_000 * 100, "share_bp": 5000},
			{"organisation_id": argentina, "envelope_cents": 300_000 * 100, "share_bp": 5000},
		},
		"themes":        []string{"local_governance", "urban_development", "culture"},
		"publish_at":    at(-2 * day),
		"opens_at":      at(-day),
		"deadline":      at(30 * day),
		"evaluation_at": at(40 * day),
		"results_at":    at(80 * day),
		"rules": map[string]any{
			"countries":             []string{"AR"},
			"partner_countries":     []string{"AR"},
			"max_grant_cents":       100_000 * 100,
			"max_funders_share_bp":  5000,
			"min_own_share_bp":      2500,
			"max_in_kind_of_own_bp": 5000,
			"min_duration_months":   12,
			"max_duration_months":   24,
			"required_documents":    []string{"council_deliberation", "letters_of_intent"},
			"no_overdue_reports":    true,
			"partners_must_confirm": true,
		},
	}
	var created struct {
		ID int64 `json:"id"`
	}
	officer.call("POST", "/api/v1/calls", call, http.StatusCreated, &created)
	var published struct {
		Status string `json:"status"`
	}
	officer.call("POST", fmt.Sprintf("/api/v1/calls/%d/status", created.ID), map[string]string{"status": "published"},
		http.StatusOK, &published)
	if published.Status != "open" {
		t.Fatalf("call %s published with status %q; want open (it opened yesterday)", applicationCallRef, published.Status)
	}
	return applicationCall{ID: created.ID, Path: fmt.Sprintf("/appels/%d", created.ID), Reference: applicationCallRef, Rosario: rosario}
}

// onePagePDF writes a small but real PDF, with a title, into dir, and
// returns its path and the SHA-256 the receipt should show for it.
func onePagePDF(t *testing.T, dir, name, title string) (path, sum string) {
	t.Helper()
	pdf := demo.PDF(title, name)
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(pdf)
	return path, hex.EncodeToString(h[:])
}

// waitUntil waits until a script expression is true on the page: the
// autosave answers a few seconds after the last change.
func (b *browser) waitUntil(what, expr string) {
	b.t.Helper()
	_, err := chromedp.Run(b.step(), chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		b.fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// plainText reads an element's text with the no-break spaces of French
// numbers made plain, "" when the element is absent.
func (b *browser) plainText(sel string) string {
	b.t.Helper()
	return b.eval(fmt.Sprintf(`(e => e ? e.textContent.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim() : '')(document.querySelector(%s))`, jsString(sel)))
}

// ruleRows reads a list of eligibility rules: per rule, its class and text.
func (b *browser) ruleRows(list string) [][2]string {
	b.t.Helper()
	rows, err := chromedp.Run(b.step(), chromedp.Evaluate[[][2]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s), li => [li.className, li.textContent.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim()])`,
		jsString(list+" li.call-result"))))
	if err != nil {
		b.fatalf("reading the rules of %s: %v", list, err)
	}
	return rows
}

// ruleWith returns the class and text of the first rule of the list whose
// text holds part.
func (b *browser) ruleWith(list, part string) (class, text string) {
	b.t.Helper()
	for _, r := range b.ruleRows(list) {
		if strings.Contains(r[1], part) {
			return r[0], r[1]
		}
	}
	return "", ""
}

// jsString quotes s for a script.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ruleIs is a script expression: a rule of the list holds part and has the
// status's class.
func ruleIs(list, status, part string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).some(li => li.classList.contains(%s) && li.textContent.replace(/[\u00a0\u202f]/g, ' ').includes(%s))`,
		jsString(list+" li.call-result"), jsString("call-result-"+status), jsString(part))
}

// autosaved is a script expression: the draft's status says it was saved,
// and the page shows what the save answered, holding part.
func autosaved(sel, part string) string {
	return fmt.Sprintf(`document.getElementById('autosave-status').textContent.startsWith('Enregistré à') && (e => e && e.textContent.replace(/[\u00a0\u202f]/g, ' ').includes(%s))(document.querySelector(%s))`,
		jsString(part), jsString(sel))
}

// draftPath matches the address of a new draft.
var draftPath = regexp.MustCompile(`^/candidatures/(\d+)\?ok=created$`)

// startDraft opens the call's page, found in the search, and starts a draft
// with its button; it returns the draft's path.
func (b *browser) startDraft(call applicationCall) string {
	b.t.Helper()
	if got := b.callPaths()[call.Reference]; got != call.Path {
		b.fatalf("the search links %s to %q; want %s", call.Reference, got, call.Path)
	}
	b.open(call.Path, http.StatusOK)
	if got := b.text("header .call-badge"); got != "Ouvert" {
		b.t.Errorf("call's badge %q; want Ouvert", got)
	}
	const start = `form.apl-start button[type=submit]`
	if got := b.text(start); got != "Déposer une candidature" {
		b.t.Errorf("start button %q; want \"Déposer une candidature\"", got)
	}
	if status := b.submit(start); status != http.StatusOK {
		b.fatalf("starting a draft: status %d", status)
	}
	m := draftPath.FindStringSubmatch(b.path())
	if m == nil {
		b.fatalf("after starting a draft, at %s; want /candidatures/{id}?ok=created", b.path())
	}
	return "/candidatures/" + m[1]
}

// fillProject fills a draft's project but its budget and files: texts in
// French and in the call's other language, theme, country, timetable,
// result, and the Municipalidad de Rosario as partner.
func (b *browser) fillProject(call applicationCall, title, titleES string) {
	b.t.Helper()
	b.fill(byID("texts.fr.title"), title)
	b.fill(byID("texts.fr.summary"), "Conseils de quartier et budgets participatifs, avec la Municipalidad de Rosario.")
	b.fill(byID("texts.fr.context"), "Rosario compte un million d'habitants et six districts.")
	b.fill(byID("texts.fr.objectives"), "Associer les habitants aux décisions de leur quartier.")
	b.fill(byID("texts.fr.sustainability"), "Un service municipal de la participation, créé à Rosario.")
	b.fill(byID("texts.es.title"), titleES)
	b.fill(byID("texts.es.summary"), "Consejos barriales y presupuestos participativos, con la Ciudad de Lyon.")
	b.check(`input[name=themes][value=local_governance]`)
	b.check(`input[name=countries][value=AR]`)
	b.fill("#places", "Rosario")
	b.fill(byID("duration_months"), "24")
	b.fill(byID("activities.0.title"), "Diagnostic des six districts")
	b.fill(byID("activities.0.start"), "1")
	b.fill(byID("activities.0.end"), "6")
	b.fill(byID("results.0.indicator"), "Conseils de quartier actifs")
	b.fill(byID("results.0.unit"), "conseils")
	b.fill(byID("results.0.baseline"), "0")
	b.fill(byID("results.0.target"), "12")
	b.setValue(byID("partners.0.organisation_id"), strconv.FormatInt(call.Rosario, 10))
	b.setValue(byID("partners.0.role"), "partner")
	b.fill(byID("partners.0.contribution"), "Agents municipaux et salles de réunion")
}

// confirmationLink matches the link of a partner's invitation.
var confirmationLink = regexp.MustCompile(`https?://[^\s/]+/confirmation/[A-Za-z0-9_-]+`)

// TestBrowserApplicationToReceipt: a member of Lyon fills an empty draft
// on a Franco-Argentine call, attaches the required documents, invites the
// Municipalidad de Rosario in Spanish; its representative confirms from the
// email's link; the application is submitted, its receipt checked by
// anyone, and the call's officer lists and exports it.
func TestBrowserApplicationToReceipt(t *testing.T) {
	t.Parallel()
	browserApplicationToReceipt(newSession(t, ""))
}

func browserApplicationToReceipt(b *browser) {
	t := b.t
	t.Helper()
	call := createArgentineCall(t, b.base)
	dir := t.TempDir()
	deliberation, deliberationSum := onePagePDF(t, dir, "deliberation-conseil-municipal.pdf", "Deliberation du conseil municipal de Lyon")
	letter, letterSum := onePagePDF(t, dir, "lettre-intention-rosario.pdf", "Carta de intencion de la Municipalidad de Rosario")

	b.login("lyon@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	appPath := b.startDraft(call)
	if got := b.text(".notice.success[role=status]"); !strings.Contains(got, "brouillon est créé") {
		t.Errorf("flash %q; want the draft's creation", got)
	}
	if got := b.text("h1"); got != "Projet sans titre" {
		t.Errorf("empty draft's title %q; want the placeholder", got)
	}
	if got := b.text("#autosave-status"); !strings.HasPrefix(got, "Pensez à enregistrer") {
		t.Errorf("autosave status %q before any change", got)
	}
	b.checkA11y("empty draft")

	const title, titleES = "Quartiers participatifs à Rosario", "Barrios participativos en Rosario"
	b.fillProject(call, title, titleES)
	// Expenses of 80 000 €: half asked of the two funders, half Lyon's.
	b.setValue(byID("budget.expenses.0.category"), "staff")
	b.fill(byID("budget.expenses.0.label"), "Cheffe de projet")
	b.fill(byID("budget.expenses.0.amount_cents"), "50 000")
	if status := b.submit(`button[name=action][value="add:budget.expenses"]`); status != http.StatusOK {
		b.fatalf("adding an expense line: status %d", status)
	}
	b.setValue(byID("budget.expenses.1.category"), "travel")
	b.fill(byID("budget.expenses.1.label"), "Missions à Rosario")
	b.fill(byID("budget.expenses.1.amount_cents"), "30 000")
	b.fill(byID("budget.financing.0.amount_cents"), "20 000")
	b.fill(byID("budget.financing.1.amount_cents"), "20 000")
	if status := b.submit(`button[name=action][value="add:budget.financing"]`); status != http.StatusOK {
		b.fatalf("adding a financing line: status %d", status)
	}
	if got := b.value(byID("texts.fr.title")); got != title {
		t.Errorf("title %q after adding a line; want what was typed", got)
	}
	b.setValue(byID("budget.financing.2.source"), "own_cash")
	b.fill(byID("budget.financing.2.label"), "Budget municipal de Lyon")
	b.fill(byID("budget.financing.2.amount_cents"), "40 000")

	// The draft saves itself, and the budget's explanations follow.
	b.waitUntil("the autosave of the budget", autosaved("#budget-totals", "Total des financements80 000 €"))
	if got := b.plainText("#budget-checks"); got != "Le budget est équilibré et ses lignes sont cohérentes." {
		t.Errorf("budget checks %q; want the balanced budget", got)
	}
	money := b.ruleRows("#budget-rules")
	if len(money) != 4 {
		t.Errorf("money rules next to the budget %q; want 4", money)
	}
	for _, r := range money {
		if !strings.Contains(r[0], "call-result-passed") {
			t.Errorf("money rule %q is %s; want passed", r[1], r[0])
		}
	}
	t.Logf("autosave: %q", b.text("#autosave-status"))

	// The required documents, as PDF files.
	for _, doc := range []struct{ code, path string }{{"council_deliberation", deliberation}, {"letters_of_intent", letter}} {
		b.setValue("#document_code", doc.code)
		b.do("choosing "+doc.path, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{doc.path}))
		if status := b.submit(`button[formaction$="/pieces"]`); status != http.StatusOK {
			b.fatalf("uploading %s: status %d", doc.path, status)
		}
		b.wantPath(appPath + "?ok=uploaded")
		if got := b.text(".notice.success[role=status]"); got != "Fichier joint." {
			t.Errorf("flash %q after uploading %s", got, filepath.Base(doc.path))
		}
	}
	if got := b.plainText(`section[aria-labelledby="sec-documents"] table tbody`); strings.Count(got, "Fournie") != 2 ||
		!strings.Contains(got, filepath.Base(deliberation)) || !strings.Contains(got, filepath.Base(letter)) {
		t.Errorf("required documents %q; want both provided, with their files", got)
	}
	if class, text := b.ruleWith("#eligibility-list", "pièces exigées"); !strings.Contains(class, "passed") {
		t.Errorf("documents rule %q (%s); want passed", text, class)
	}

	// The partner's invitation, in Spanish: the language the page suggests
	// for Argentina.
	const partnerEmail = "relaciones.internacionales@rosario.test"
	if got := b.value(byID("invite.0.language")); got != "es" {
		t.Errorf("invitation language %q suggested for Argentina; want es", got)
	}
	b.fill(byID("invite.0.email"), partnerEmail)
	b.setValue(byID("invite.0.language"), "es")
	if status := b.submit(`button[formaction$="/partenaires/0/invitation"]`); status != http.StatusOK {
		b.fatalf("inviting the partner: status %d", status)
	}
	b.wantPath(appPath + "?ok=invited")
	if got := b.text(".notice.success[role=status]"); !strings.Contains(got, "Invitation envoyée") {
		t.Errorf("flash %q after the invitation", got)
	}
	if got := b.plainText("#partner-0 .apl-confirm-pending"); !strings.Contains(got, partnerEmail) {
		t.Errorf("partner's state %q; want pending, sent to %s", got, partnerEmail)
	}
	if class, text := b.ruleWith("#eligibility-list", "pas encore confirmé"); !strings.Contains(class, "unknown") {
		t.Errorf("partner rule %q (%s) before the answer; want unknown", text, class)
	}
	if got := b.text("h1"); got != title {
		t.Errorf("draft's title %q; want %q", got, title)
	}
	b.checkA11y("draft filled, partner invited")

	// The partner reads the email and answers from the link, without an
	// account, in a browser of its own.
	admin := newAPIClient(t, b.base, "admin@demo.coopdec.test")
	link, subject := admin.newestMail(partnerEmail, confirmationLink)
	if !strings.Contains(subject, "le invita a confirmar") || !strings.Contains(subject, titleES) {
		t.Errorf("invitation's subject %q; want it in Spanish, with the Spanish title", subject)
	}
	if u, err := url.Parse(link); err != nil || "http://"+u.Host != b.base {
		t.Errorf("invitation link %s; want one on this server (%s)", link, b.base)
	}
	chromium, err := findChromium()
	if err != nil {
		t.Fatal(err)
	}
	p := newBrowser(t, chromium, b.base)
	p.axe = b.axe
	resp, err := chromedp.Run(p.step(), chromedp.NavigateResponse(link))
	if err != nil || resp.Status != http.StatusOK {
		p.fatalf("opening the invitation link: %v (response %+v)", err, resp)
	}
	p.wantLang("es")
	if got := p.text("h1"); got != "Confirmar su participación en un proyecto" {
		t.Errorf("partner page's title %q; want it in Spanish", got)
	}
	facts := p.plainText(`section[aria-labelledby="project-title"] dl`)
	for _, want := range []string{titleES, "Lyon", "Convocatoria franco-argentina"} {
		if !strings.Contains(facts, want) {
			t.Errorf("project on the partner page %q; want %q in it", facts, want)
		}
	}
	if got := p.plainText(`section[aria-labelledby="part-title"] dl`); !strings.Contains(got, "Municipalidad de Rosario") ||
		!strings.Contains(got, "Agents municipaux") {
		t.Errorf("partner's part %q; want Rosario and its contribution", got)
	}
	p.checkA11y("partner page")
	const representative = "María González, secretaria de Relaciones Internacionales"
	p.check("#status")
	p.fill("#representative", representative)
	p.fill("#comment", "Con mucho gusto.")
	if status := p.submit(`main form[action^="/confirmation/"] button[type=submit]`); status != http.StatusOK {
		p.fatalf("confirming: status %d", status)
	}
	if got := p.path(); !strings.HasSuffix(got, "?ok=1") {
		t.Errorf("after confirming, at %s; want the link's page with ?ok=1", got)
	}
	if got := p.text(".notice.success[role=status]"); !strings.HasPrefix(got, "Gracias") {
		t.Errorf("partner's flash %q; want the thanks in Spanish", got)
	}
	if got := p.text(`section[aria-labelledby="answer-title"]`); !strings.Contains(got, "Usted confirmó su participación.") || !strings.Contains(got, representative) {
		t.Errorf("partner's answer %q; want the confirmation by %s", got, representative)
	}
	p.checkA11y("partner page, answered")

	// Back on the draft: the partner rule passes, and with it every rule.
	b.open(appPath, http.StatusOK)
	if class, text := b.ruleWith("#eligibility-list", "a confirmé sa participation"); !strings.Contains(class, "call-result-passed") {
		t.Errorf("partner rule %q (%s) after the confirmation; want passed", text, class)
	}
	if got := b.plainText("#partner-0 .apl-confirm-confirmed"); !strings.Contains(got, "María González") {
		t.Errorf("partner's state %q; want confirmed by its representative", got)
	}
	for _, r := range b.ruleRows("#eligibility-list") {
		if !strings.Contains(r[0], "call-result-passed") {
			t.Errorf("rule %q is %s; want every rule passed", r[1], r[0])
		}
	}
	if got := b.plainText("section.apl-submit"); !strings.Contains(got, "Toutes les règles de l’appel sont respectées.") {
		t.Errorf("submit section says %q; want every rule respected", got)
	}
	b.checkA11y("draft ready to submit")

	// Submission, and its receipt.
	if status := b.submit(`button.apl-submit-button`); status != http.StatusOK {
		b.fatalf("submitting: status %d", status)
	}
	b.wantPath(appPath + "/recepisse?ok=submitted")
	if got := b.text(".notice.success[role=status] .notice-title"); got != "Votre candidature est déposée." {
		t.Errorf("receipt's notice %q", got)
	}
	number := b.text(".apl-receipt-number")
	if !regexp.MustCompile(`^` + call.Reference + `-\d{4}-000001$`).MatchString(number) {
		t.Errorf("receipt number %q; want %s-YYYY-000001", number, call.Reference)
	}
	submittedAt := b.eval(`document.querySelector('.apl-receipt-facts time').getAttribute('datetime')`)
	at, err := time.Parse(time.RFC3339, submittedAt)
	if err != nil || time.Since(at) > time.Minute || time.Until(at) > 5*time.Second {
		t.Errorf("receipt time %q (%v); want the moment of submission", submittedAt, err)
	}
	parisTime := b.text(".apl-receipt-facts time")
	content := b.text(".apl-receipt-facts code.apl-hash")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(content) {
		t.Errorf("content's SHA-256 %q; want 64 hexadecimal digits", content)
	}
	files, err := chromedp.Run(b.step(), chromedp.Evaluate[map[string]string](
		`Object.fromEntries(Array.from(document.querySelectorAll('.apl-receipt tbody tr'), tr => [tr.querySelector('th').textContent.trim(), tr.querySelector('code').textContent.trim()]))`))
	if err != nil {
		b.fatalf("reading the receipt's files: %v", err)
	}
	wantFiles := map[string]string{filepath.Base(deliberation): deliberationSum, filepath.Base(letter): letterSum}
	if fmt.Sprint(files) != fmt.Sprint(wantFiles) {
		t.Errorf("receipt's files %v; want the SHA-256 of the files uploaded %v", files, wantFiles)
	}
	t.Logf("receipt %s at %s (Paris %s), content sha256 %s", number, submittedAt, parisTime, content)
	b.checkA11y("receipt page")

	// The applicant checks the receipt with the page's link, files included.
	b.follow(`.apl-receipt a[href^="/recepisses/verification?"]`)
	if got := b.value("#number"); got != number {
		t.Errorf("check form's number %q; want %s", got, number)
	}
	if status := b.submit(`main form[action="/recepisses/verification"] button[type=submit]`); status != http.StatusOK {
		b.fatalf("checking the receipt: status %d", status)
	}
	if got := b.text(".notice.success[role=status]"); !strings.Contains(got, "Le récépissé n° "+number+" correspond au dossier conservé.") ||
		!strings.Contains(got, "de 2 pièce(s) jointe(s)") {
		t.Errorf("receipt check %q; want a match, with both files hashed afresh", got)
	}

	// Anyone holding the receipt checks it, typing what it says.
	p.open("/recepisses/verification", http.StatusOK)
	p.fill("#number", number)
	p.fill("#submitted_at", parisTime)
	p.fill("#sha256", content)
	if status := p.submit(`main form[action="/recepisses/verification"] button[type=submit]`); status != http.StatusOK {
		p.fatalf("checking the receipt anonymously: status %d", status)
	}
	if got := p.text(".notice.success[role=status]"); !strings.Contains(got, number) || !strings.Contains(got, "correspond au dossier conservé") {
		t.Errorf("anonymous receipt check %q; want a match", got)
	}
	p.checkA11y("receipt check, match")

	// The receipt is sent by email too.
	if got, _ := admin.newestMail("lyon@demo.coopdec.test", regexp.MustCompile(regexp.QuoteMeta(number))); got != number {
		t.Errorf("receipt email holds %q; want %s", got, number)
	}

	browserOfficerList(b, call, appPath, number, title)
}

// browserOfficerList: the call's officer finds the submitted application in
// the call's list, with its receipt number, and exports the list.
func browserOfficerList(b *browser, call applicationCall, appPath, number, title string) {
	t := b.t
	t.Helper()
	b.logout()
	b.login("officer@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	b.open(call.Path, http.StatusOK)
	b.follow(fmt.Sprintf(`a[href=%q]`, call.Path+"/candidatures"))
	b.wantPath(call.Path + "/candidatures")
	rows, err := chromedp.Run(b.step(), chromedp.Evaluate[[][]string](
		`Array.from(document.querySelectorAll('table.officer-applications tbody tr'), tr => [tr.querySelector('th a').textContent.trim(), tr.querySelector('th a').getAttribute('href'), tr.textContent.replace(/\s+/g, ' ')])`))
	if err != nil {
		b.fatalf("reading the list: %v", err)
	}
	if len(rows) != 1 || rows[0][0] != number || rows[0][1] != appPath+"/instruction" ||
		!strings.Contains(rows[0][2], title) || !strings.Contains(rows[0][2], "Lyon") {
		t.Errorf("officer's list %q; want one row: %s, linked to %s/instruction, %q by Lyon", rows, number, appPath, title)
	}
	b.checkA11y("officer's list of applications")

	// The export links answer with the list, the CSV as French spreadsheets
	// expect it.
	csvLink := b.eval(`document.querySelector('a[href*="/candidatures.csv"]').getAttribute('href')`)
	xlsxLink := b.eval(`document.querySelector('a[href*="/candidatures.xlsx"]').getAttribute('href')`)
	if csvLink != call.Path+"/candidatures.csv" || xlsxLink != call.Path+"/candidatures.xlsx" {
		t.Errorf("export links %q and %q", csvLink, xlsxLink)
	}
	type download struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
		Text   string `json:"text"`
	}
	fetch := func(link string) download {
		d, err := chromedp.Run(b.step(), chromedp.Evaluate[download](fmt.Sprintf(`fetch(%s).then(r => r.arrayBuffer().then(buf => ({
			status: r.status, type: r.headers.get('Content-Type') || '',
			head: Array.from(new Uint8Array(buf.slice(0, 3)), x => x.toString(16).padStart(2, '0')).join(''),
			text: new TextDecoder().decode(buf),
		})))`, jsString(link)), chromedp.EvalAwaitPromise))
		if err != nil {
			b.fatalf("downloading %s: %v", link, err)
		}
		return d
	}
	csv := fetch(csvLink)
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Type, "text/csv") || csv.Head != "efbbbf" ||
		!strings.Contains(csv.Text, ";") || !strings.Contains(csv.Text, number) {
		t.Errorf("CSV export: status %d, type %q, first bytes %s; want 200, text/csv with a BOM, ';' and %s:\n%s",
			csv.Status, csv.Type, csv.Head, number, csv.Text)
	}
	xlsx := fetch(xlsxLink)
	if xlsx.Status != http.StatusOK || !strings.Contains(xlsx.Type, "spreadsheetml") || !strings.HasPrefix(xlsx.Head, "504b") {
		t.Errorf("XLSX export: status %d, type %q, first bytes %s; want 200, a spreadsheetml zip", xlsx.Status, xlsx.Type, xlsx.Head)
	}
}

// TestBrowserBudgetRuleExplained: a budget that asks for more grant than
// the call's ceiling is explained next to the budget and in the
// eligibility panel as it is typed, its submission is refused with that
// explanation, and the explanation goes once the grant is lowered.
func TestBrowserBudgetRuleExplained(t *testing.T) {
	t.Parallel()
	browserBudgetRuleExplained(newSession(t, ""))
}

func browserBudgetRuleExplained(b *browser) {
	t := b.t
	t.Helper()
	call := createArgentineCall(t, b.base)
	b.login("lyon@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	appPath := b.startDraft(call)
	// A project complete but for its files and its partner's answer, so
	// that the submission goes as far as the call's rules.
	b.fillProject(call, "Budget participatif à Rosario", "Presupuesto participativo en Rosario")
	if status := b.submit(`button[name=action][value="add:budget.financing"]`); status != http.StatusOK {
		b.fatalf("adding a financing line: status %d", status)
	}
	// Nothing asked yet: the ceiling waits for amounts, it is not broken.
	if class, text := b.ruleWith("#budget-rules", "plafond"); strings.Contains(class, "call-result-failed") {
		t.Errorf("grant ceiling rule %q (%s) with nothing asked yet; want it not failed", text, class)
	}

	// 300 000 € of expenses, 120 000 € asked: 40 % of the cost, within the
	// funders' share, but above the ceiling of 100 000 €. The page is not
	// reloaded: the explanation comes with the autosave's answer.
	b.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
	b.setValue(byID("budget.expenses.0.category"), "staff")
	b.fill(byID("budget.expenses.0.label"), "Équipe projet")
	b.fill(byID("budget.expenses.0.amount_cents"), "300 000")
	b.fill(byID("budget.financing.0.amount_cents"), "60 000")
	b.fill(byID("budget.financing.1.amount_cents"), "60 000")
	b.setValue(byID("budget.financing.2.source"), "own_cash")
	b.fill(byID("budget.financing.2.amount_cents"), "180 000")
	const overCeiling = "La subvention demandée (120 000 €) dépasse le plafond de l'appel : ramenez-la à 100 000 € au plus."
	const balanced = "Le budget est équilibré et ses lignes sont cohérentes."
	b.waitUntil("the ceiling's explanation next to the budget", ruleIs("#budget-rules", "failed", overCeiling)+" && "+autosaved("#budget-checks", balanced))
	if got := b.eval(`String(window.sameDocument === true)`); got != "true" {
		t.Errorf("the page was reloaded; want the explanation from the autosave")
	}
	if class, _ := b.ruleWith("#eligibility-list", overCeiling); !strings.Contains(class, "call-result-failed") {
		t.Errorf("eligibility panel %q; want the ceiling's explanation, failed", b.ruleRows("#eligibility-list"))
	}
	if class, text := b.ruleWith("#budget-rules", "couvre 40 %"); !strings.Contains(class, "call-result-passed") {
		t.Errorf("funders' share rule %q (%s); want 40 %%, passed", text, class)
	}
	b.checkA11y("draft with a grant above the ceiling")

	// Submitting is refused, with the same explanation, linked to the budget.
	if status := b.submit(`button.apl-submit-button`); status != http.StatusUnprocessableEntity {
		b.fatalf("submitting a grant above the ceiling: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	b.wantPath(appPath + "/depot")
	if got := b.text(`#sec-submit + .notice.error`); !strings.Contains(got, "n’a pas été déposée") {
		t.Errorf("submit section's notice %q; want the refusal", got)
	}
	link := b.eval(fmt.Sprintf(`(Array.from(document.querySelectorAll('#errors a')).find(a => a.textContent.replace(/[\u00a0\u202f]/g, ' ') === %s) || {getAttribute: () => ''}).getAttribute('href')`, jsString(overCeiling)))
	if link != "#budget" {
		t.Errorf("error summary %q; want the ceiling's explanation linked to #budget", b.plainText("#errors"))
	}
	if class, _ := b.ruleWith("#budget-rules", overCeiling); !strings.Contains(class, "call-result-failed") {
		t.Errorf("money rules after the refusal %q; want the ceiling's explanation", b.ruleRows("#budget-rules"))
	}
	if got := b.value(byID("budget.financing.0.amount_cents")); got != "60 000" {
		t.Errorf("grant line %q after the refusal; want what was typed", got)
	}
	b.checkA11y("submission refused")

	// Lowered to the ceiling, the rule passes as it is typed.
	b.fill(byID("budget.financing.0.amount_cents"), "50 000")
	b.fill(byID("budget.financing.1.amount_cents"), "50 000")
	b.fill(byID("budget.financing.2.amount_cents"), "200 000")
	b.waitUntil("the ceiling's rule passed", ruleIs("#budget-rules", "passed", "La subvention demandée (100 000 €) respecte le plafond de 100 000 €.")+
		" && "+autosaved("#budget-totals", "Total des financements300 000 €"))
	if class, _ := b.ruleWith("#eligibility-list", "respecte le plafond"); !strings.Contains(class, "call-result-passed") {
		t.Errorf("eligibility panel %q; want the ceiling's rule passed", b.ruleRows("#eligibility-list"))
	}
}

// TestBrowserApplicationsPostgres runs both scenarios on PostgreSQL, each
// with its server and schema, when COOPDEC_TEST_DATABASE_URL is set.
func TestBrowserApplicationsPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: application browser tests on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	t.Run("receipt", func(t *testing.T) {
		t.Parallel()
		browserApplicationToReceipt(newSession(t, postgresSchema(t, pgURL)))
	})
	t.Run("budget", func(t *testing.T) {
		t.Parallel()
		browserBudgetRuleExplained(newSession(t, postgresSchema(t, pgURL)))
	})
}
