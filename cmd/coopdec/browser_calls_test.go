package main

// End-to-end tests of the calls for projects: a visitor searches and
// filters, an officer creates, publishes and amends a call, local
// authorities read "Can we apply?", a member saves a search. They reuse
// browser_test.go's harness: one server and one Chromium per test, axe-core
// on every page.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coopdec/coopdec/coopdec"
)

// byID selects an element by id: the call form's ids hold dots
// (texts.fr.title), which a CSS #id would read as classes.
func byID(id string) string { return fmt.Sprintf(`[id=%q]`, id) }

// setValue sets a control's value with script, for the controls typing
// cannot fill reliably (datetime-local), and tells the page it changed.
func (b *browser) setValue(sel, value string) {
	b.t.Helper()
	s, _ := json.Marshal(sel)
	v, _ := json.Marshal(value)
	b.do("setting "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(e => { e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})) })(document.querySelector(%s))`, v, s)))
	if got := b.value(sel); got != value {
		b.fatalf("%s holds %q after setting %q", sel, got, value)
	}
}

// check ticks a checkbox, once.
func (b *browser) check(sel string) {
	b.t.Helper()
	s, _ := json.Marshal(sel)
	if b.eval(fmt.Sprintf(`String(document.querySelector(%s).checked)`, s)) == "true" {
		return
	}
	b.do("ticking "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// follow clicks a link, waits for the page it opens and wants it found.
func (b *browser) follow(link string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.step(), chromedp.Click(chromedp.CSS(link)))
	if err != nil {
		b.fatalf("following %s: %v", link, err)
	}
	if resp.Status != http.StatusOK {
		b.fatalf("following %s: status %d", link, resp.Status)
	}
}

// callCard is a result of the search as the page shows it.
type callCard struct {
	Ref, Title, Href, Status string
}

// callCards reads the results of the search page.
func (b *browser) callCards() []callCard {
	b.t.Helper()
	cards, err := chromedp.Run(b.step(), chromedp.Evaluate[[]callCard](`Array.from(document.querySelectorAll('.call-list .call-card'), li => ({
		Ref: li.querySelector('.call-meta .muted').textContent.trim(),
		Title: li.querySelector('h3 a').textContent.trim(),
		Href: li.querySelector('h3 a').getAttribute('href'),
		Status: li.querySelector('.call-badge').textContent.trim(),
	}))`))
	if err != nil {
		b.fatalf("reading the results: %v", err)
	}
	return cards
}

func cardRefs(cards []callCard) []string {
	refs := make([]string, len(cards))
	for i, c := range cards {
		refs[i] = c.Ref
	}
	return refs
}

// callPaths maps the references of the calls the reader can see to their
// pages' paths.
func (b *browser) callPaths() map[string]string {
	b.t.Helper()
	b.open("/appels?per_page=100", http.StatusOK)
	paths := map[string]string{}
	for _, c := range b.callCards() {
		paths[c.Ref] = c.Href
	}
	return paths
}

// searchButton sends the search form.
const searchButton = `form[role=search] button[type=submit]`

// TestBrowserCallsVisitorSearch: a visitor searches without accents,
// filters by status and country, reads the Mediterranean fund, follows its
// redirect for Morocco and reads a French-only call in English.
func TestBrowserCallsVisitorSearch(t *testing.T) {
	t.Parallel()
	browserCallsVisitorSearch(newSession(t, ""))
}

func browserCallsVisitorSearch(b *browser) {
	t := b.t
	t.Helper()
	b.open("/appels", http.StatusOK)
	b.wantLang("fr")
	b.checkA11y("call search")
	all := b.callCards()
	if len(all) == 0 {
		b.fatalf("the search page lists no call")
	}
	for _, c := range all {
		if c.Ref == "PACT2-MISSIONS-02" {
			t.Errorf("a visitor's search lists the draft PACT2-MISSIONS-02")
		}
	}

	// Without accents, the query still finds "coopération décentralisée".
	b.fill("#q", "cooperation decentralisee")
	if status := b.submit(searchButton); status != http.StatusOK {
		b.fatalf("searching: status %d", status)
	}
	if !strings.Contains(b.path(), "q=cooperation+decentralisee") {
		b.fatalf("search at %s; want the query in the address", b.path())
	}
	found := b.callCards()
	if len(found) == 0 {
		b.fatalf("no result for \"cooperation decentralisee\"")
	}
	for _, ref := range []string{"AAP-FR-IN-01", "AAP-FR-BR-01", "FRCDM-PACA-01"} {
		if !slices.Contains(cardRefs(found), ref) {
			t.Errorf("results %v for \"cooperation decentralisee\"; want %s among them", cardRefs(found), ref)
		}
	}
	if got := b.text(`.call-results p[role=status]`); !strings.Contains(got, fmt.Sprint(len(found))) {
		t.Errorf("result count %q; want it to say %d", got, len(found))
	}
	b.checkA11y("call search, query")

	// Open calls where an action may take place in Tunisia.
	b.check("#status-open")
	b.do("choosing Tunisia", chromedp.SetValue(chromedp.CSS("#country"), "TN"))
	if status := b.submit(searchButton); status != http.StatusOK {
		b.fatalf("filtering: status %d", status)
	}
	for _, want := range []string{"status=open", "country=TN"} {
		if !strings.Contains(b.path(), want) {
			t.Errorf("filtered search at %s; want %s in it", b.path(), want)
		}
	}
	if got := b.value("#country"); got != "TN" {
		t.Errorf("country menu %q after the search; want TN", got)
	}
	if got := b.eval(`String(document.getElementById('status-open').checked)`); got != "true" {
		t.Errorf("\"open\" unticked after the search")
	}
	filtered := b.callCards()
	t.Logf("open calls for Tunisia matching the query: %v", cardRefs(filtered))
	var med callCard
	for _, c := range filtered {
		if c.Ref == "FRCDM-PACA-01" {
			med = c
		}
		if c.Status != "Ouvert" {
			t.Errorf("%s shows status %q among the open calls", c.Ref, c.Status)
		}
	}
	if med.Href == "" {
		b.fatalf("results %v; want the Mediterranean fund FRCDM-PACA-01", cardRefs(filtered))
	}
	// India and Argentina are elsewhere, ISI@MED closed, Morocco forthcoming.
	for _, ref := range []string{"AAP-FR-IN-01", "AAP-FR-AR-01", "ISIMED-PNUD-01", "AAP-FR-MA-01"} {
		if slices.Contains(cardRefs(filtered), ref) {
			t.Errorf("results %v for open calls in Tunisia hold %s", cardRefs(filtered), ref)
		}
	}
	b.checkA11y("call search, filtered")

	// The Mediterranean fund's page, from its result.
	b.follow(fmt.Sprintf(`.call-card h3 a[href=%q]`, med.Href))
	b.wantPath(med.Href)
	if got := b.text("h1"); !strings.Contains(got, "Méditerranée") {
		t.Errorf("fund's title %q", got)
	}
	rules := b.text("ul.call-rules")
	if !strings.Contains(rules, "Maroc") {
		b.fatalf("rules %q; want them to explain Morocco's redirect", rules)
	}
	redirect := b.eval(`(Array.from(document.querySelectorAll('ul.call-rules li')).find(li => li.textContent.includes('Maroc') && li.querySelector('a')) || {querySelector: () => ({getAttribute: () => ''})}).querySelector('a').getAttribute('href')`)
	if redirect == "" {
		b.fatalf("the rule about Morocco has no link; rules:\n%s", rules)
	}
	b.checkA11y("call page, Mediterranean fund")

	b.follow(fmt.Sprintf(`ul.call-rules a[href=%q]`, redirect))
	b.wantPath(redirect)
	if got := b.text("h1"); !strings.Contains(got, "franco-marocain") {
		t.Errorf("redirect lands on %q; want the Franco-Moroccan call", got)
	}
	if got := b.text("header .call-meta"); !strings.Contains(got, "AAP-FR-MA-01") {
		t.Errorf("redirect lands on a call labelled %q; want AAP-FR-MA-01", got)
	}
	if n := b.eval(`String(document.querySelectorAll('.call-fallback').length)`); n != "0" {
		t.Errorf("fallback notice shown on the French call read in French")
	}
	b.checkA11y("call page, Franco-Moroccan call")

	// The call has no English text: in English, the page says it shows the
	// French one, marked as French.
	b.switchLanguage("en")
	if got := b.text(".call-fallback[role=note]"); !strings.Contains(got, "not available in your language") {
		t.Errorf("fallback notice %q; want the English notice", got)
	}
	if got := b.eval(`document.querySelector('h1').lang`); got != "fr" {
		t.Errorf("<h1 lang=%q> on the French text; want fr", got)
	}
	if got := b.text("#rules-title"); got == "" || strings.Contains(got, "Règles") {
		t.Errorf("rules heading %q; want the interface in English", got)
	}
	b.checkA11y("call page in English, French fallback")

	// The search in English marks the fallback on the card too.
	b.open("/appels?q=franco-marocain", http.StatusOK)
	b.wantLang("en")
	if got := b.text(".call-card .call-fallback"); !strings.Contains(got, "shown in French") {
		t.Errorf("card fallback %q", got)
	}
	if got := b.eval(`document.querySelector('.call-card h3 a').lang`); got != "fr" {
		t.Errorf("French title on an English page has lang=%q; want fr", got)
	}
	b.checkA11y("call search in English")

	// Switching the language keeps the search (switchLanguage checks the
	// address, query included).
	b.switchLanguage("fr")
	if got := b.value("#q"); got != "franco-marocain" {
		t.Errorf("query %q after switching the language; want it kept", got)
	}
}

// parisInput formats the day of t, at noon in Paris, for a datetime-local
// field: noon is never in a change of daylight saving time.
func parisInput(t time.Time) string {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return t.In(paris).Format("2006-01-02") + "T12:00"
}

// TestBrowserCallsOfficer: an officer creates a call, mistakes first,
// publishes it and amends it once open; the draft stays hidden from
// visitors.
func TestBrowserCallsOfficer(t *testing.T) {
	t.Parallel()
	browserCallsOfficer(newSession(t, ""))
}

func browserCallsOfficer(b *browser) {
	t := b.t
	t.Helper()
	b.login("officer@demo.coopdec.test", coopdec.DemoPassword, "/compte")

	b.open("/appels", http.StatusOK)
	b.follow(`main a[href="/appels/nouveau"]`)
	b.wantPath("/appels/nouveau")
	b.checkA11y("new call form")

	// Opened yesterday, so that once published the call is open and any
	// change is an amendment.
	now := time.Now()
	day := 24 * time.Hour
	const ref = "AAP-TEST-E2E-01"
	programme := b.eval(`(Array.from(document.querySelectorAll('#programme_id option')).find(o => o.textContent.includes('PACT2')) || {value: ''}).value`)
	if programme == "" {
		b.fatalf("no PACT2 programme in the menu")
	}
	b.do("choosing the programme", chromedp.SetValue(chromedp.CSS("#programme_id"), programme))
	b.fill("#reference", ref)
	b.fill(byID("texts.fr.title"), "Appel de test : jumelages numériques")
	b.fill(byID("texts.fr.summary"), "Un appel créé par les tests de bout en bout.")
	b.fill(byID("texts.fr.body"), "Premier paragraphe.\n\nSecond paragraphe.")
	funder := b.eval(`(o => (o.find(o => o.textContent.includes('DAECT')) || o.find(o => o.value !== '') || {value: ''}).value)(Array.from(document.getElementById('funders.0.organisation_id').options))`)
	if funder == "" {
		b.fatalf("no organisation to choose as funder")
	}
	b.do("choosing the funder", chromedp.SetValue(chromedp.CSS(byID("funders.0.organisation_id")), funder))
	b.fill(byID("funders.0.envelope_cents"), "100 000,00")
	b.fill(byID("funders.0.share_bp"), "100")
	b.check("#themes")
	b.check(byID("themes-local_governance"))
	b.setValue("#publish_at", parisInput(now.Add(-2*day)))
	b.setValue("#opens_at", parisInput(now.Add(-day)))
	b.setValue("#deadline", parisInput(now.Add(-3*day))) // the mistake: before the opening
	b.fill(byID("rules.countries"), "SN")
	b.check(byID("rules.lead_types"))
	b.check(byID("rules.lead_types-commune"))

	if status := b.submit(`form.call-form button[type=submit]`); status != http.StatusUnprocessableEntity {
		b.fatalf("deadline before the opening: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	b.wantPath("/appels") // the form's action answers with the form
	summary := b.text("#errors")
	if !strings.Contains(summary, "postérieure à l'ouverture") {
		t.Errorf("error summary %q; want the deadline's message", summary)
	}
	if n := b.eval(`String(document.querySelectorAll('#errors a').length)`); n != "1" {
		t.Errorf("error summary has %s links; want 1 (only the deadline is wrong):\n%s", n, summary)
	}
	if got := b.eval(`(document.querySelector('#errors a[href="#deadline"]') || {textContent: ''}).textContent`); !strings.Contains(got, "postérieure") {
		t.Errorf("no link from the summary to #deadline with the message (got %q)", got)
	}
	if got := b.text("#deadline-error"); !strings.Contains(got, "postérieure à l'ouverture") {
		t.Errorf("deadline error %q", got)
	}
	if got := b.eval(`document.getElementById('deadline').getAttribute('aria-invalid') || ''`); got != "true" {
		t.Errorf("deadline aria-invalid=%q; want true", got)
	}
	if got := b.eval(`document.getElementById('deadline').getAttribute('aria-describedby') || ''`); !strings.Contains(got, "deadline-error") {
		t.Errorf("deadline aria-describedby=%q; want deadline-error in it", got)
	}
	// What was typed stays.
	for sel, want := range map[string]string{
		"#reference":                     ref,
		byID("funders.0.envelope_cents"): "100 000,00",
		byID("rules.countries"):          "SN",
	} {
		if got := b.value(sel); got != want {
			t.Errorf("%s holds %q after the error; want %q", sel, got, want)
		}
	}
	if got := b.eval(`String(document.getElementById('themes-local_governance').checked)`); got != "true" {
		t.Errorf("a ticked theme is unticked after the error")
	}
	b.checkA11y("new call form with an error")
	// The summary's link leads to the field.
	b.do("following the summary's link", chromedp.Click(chromedp.CSS(`#errors a[href="#deadline"]`)))
	if got := b.eval(`location.hash`); got != "#deadline" {
		t.Errorf("after the summary's link, location.hash=%q", got)
	}

	b.setValue("#deadline", parisInput(now.Add(60*day)))
	if status := b.submit(`form.call-form button[type=submit]`); status != http.StatusOK {
		b.fatalf("creating the call: status %d", status)
	}
	callPath := strings.TrimSuffix(b.path(), "?ok=created")
	if !regexp.MustCompile(`^/appels/\d+$`).MatchString(callPath) || b.path() != callPath+"?ok=created" {
		b.fatalf("after creating, at %s; want /appels/{id}?ok=created", b.path())
	}
	if got := b.text(".notice.success[role=status]"); !strings.Contains(got, "brouillon") {
		t.Errorf("flash %q; want the draft's confirmation", got)
	}
	if got := b.text("header .call-badge"); got != "Brouillon" {
		t.Errorf("new call's badge %q; want Brouillon", got)
	}
	if got := b.text("h1"); got != "Appel de test : jumelages numériques" {
		t.Errorf("new call's title %q", got)
	}
	if got := b.text(".call-body"); !strings.Contains(got, "Second paragraphe.") {
		t.Errorf("call body %q", got)
	}
	funders := strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(b.text(`section[aria-labelledby="governance-title"] table`))
	if !strings.Contains(funders, "100 000 €") || !strings.Contains(funders, "100 %") {
		t.Errorf("funders table %q; want the envelope of 100 000 € and a share of 100 %%", funders)
	}
	b.checkA11y("draft call page")

	// A visitor gets a 404 on the draft, and no trace of it in the search.
	b.logout()
	b.open(callPath, http.StatusNotFound)
	b.checkA11y("draft call page, visitor")
	if _, ok := b.callPaths()[ref]; ok {
		t.Errorf("a visitor's search lists the draft %s", ref)
	}
	b.login("officer@demo.coopdec.test", coopdec.DemoPassword, "/compte")

	// Publication: its dates make it open at once.
	b.open(callPath, http.StatusOK)
	b.do("the publish button", chromedp.WaitVisible(chromedp.CSS(`form[action$="/statut"] button[value=published]`)))
	if status := b.submit(`form[action$="/statut"] button[value=published]`); status != http.StatusOK {
		b.fatalf("publishing: status %d", status)
	}
	b.wantPath(callPath + "?ok=status")
	if got := b.text("header .call-badge"); got != "Ouvert" {
		t.Errorf("published call's badge %q; want Ouvert (opened yesterday)", got)
	}
	if got := b.text(".notice.success[role=status]"); !strings.Contains(got, "statut") {
		t.Errorf("flash %q after publishing", got)
	}
	b.checkA11y("published call page")

	// Amendment: the deadline moves; the form asks for the reason first.
	b.follow(fmt.Sprintf(`main a[href=%q]`, callPath+"/modifier"))
	b.wantPath(callPath + "/modifier")
	if got := b.text(".notice[role=note]"); !strings.Contains(got, "avenant") {
		t.Errorf("edit page note %q; want the amendment's", got)
	}
	b.checkA11y("amendment form")
	oldDeadline := b.value("#deadline")
	newDeadline := parisInput(now.Add(75 * day))
	b.setValue("#deadline", newDeadline)
	if status := b.submit(`form.call-form button[type=submit]`); status != http.StatusUnprocessableEntity {
		b.fatalf("amendment without a reason: status %d; want %d", status, http.StatusUnprocessableEntity)
	}
	if got := b.eval(`(document.querySelector('#errors a[href="#reason"]') || {textContent: ''}).textContent`); !strings.Contains(got, "motif") {
		t.Errorf("summary link to #reason %q; want the reason's message", got)
	}
	if got := b.text("#reason-error"); !strings.Contains(got, "motif") {
		t.Errorf("reason error %q", got)
	}
	if got := b.eval(`document.getElementById('reason').getAttribute('aria-invalid') || ''`); got != "true" {
		t.Errorf("reason aria-invalid=%q; want true", got)
	}
	if got := b.value("#deadline"); got != newDeadline {
		t.Errorf("deadline %q after the error; want the new %q kept", got, newDeadline)
	}
	b.checkA11y("amendment form without a reason")

	const reason = "Report de la date limite à la demande des partenaires sénégalais."
	b.fill("#reason", reason)
	if status := b.submit(`form.call-form button[type=submit]`); status != http.StatusOK {
		b.fatalf("amending: status %d", status)
	}
	b.wantPath(callPath + "?ok=amended")
	amendments := b.text(`section[aria-labelledby="amendments-title"] table`)
	if !strings.Contains(amendments, reason) {
		t.Errorf("amendments %q; want the reason", amendments)
	}
	t.Logf("deadline %s → %s; amendment reads: %s", oldDeadline, newDeadline, amendments)
	if got := b.eval(`document.querySelector('.call-deadline time').getAttribute('datetime')`); !strings.HasPrefix(got, newDeadline[:len("2006-01-02")]) {
		t.Errorf("deadline on the page %q; want the new one, %s", got, newDeadline)
	}
	b.checkA11y("call page with an amendment")

	// The visitor sees the open call and its amendment.
	b.logout()
	b.open(callPath, http.StatusOK)
	if got := b.text(`section[aria-labelledby="amendments-title"]`); !strings.Contains(got, reason) {
		t.Errorf("visitor's amendments %q; want the reason", got)
	}
	if _, ok := b.callPaths()[ref]; !ok {
		t.Errorf("the published call %s is not in a visitor's search", ref)
	}
}

// TestBrowserCallsPostgres runs the visitor's search and the officer's
// call on PostgreSQL, whose search and storage are their own SQL, when
// COOPDEC_TEST_DATABASE_URL is set. One browser does both, one after the
// other: the officer's call is a draft and then amended, which the
// visitor's expectations do not depend on.
func TestBrowserCallsPostgres(t *testing.T) {
	pgURL := os.Getenv("COOPDEC_TEST_DATABASE_URL")
	if pgURL == "" {
		t.Skip("COOPDEC_TEST_DATABASE_URL is not set: call browser tests on PostgreSQL skipped")
	}
	t.Parallel()
	if _, err := findChromium(); err != nil {
		unavailable(t, err.Error())
	}
	b := newSession(t, postgresSchema(t, pgURL))
	browserCallsVisitorSearch(b)
	browserCallsOfficer(b)
}

// applyResults reads the "Can we apply?" panel: its title and, per rule
// shown, its class and text.
func (b *browser) applyResults() (string, [][2]string) {
	b.t.Helper()
	title := b.text("#apply-title")
	rows, err := chromedp.Run(b.step(), chromedp.Evaluate[[][2]string](
		`Array.from(document.querySelectorAll('.call-apply li.call-result'), li => [li.className, li.textContent.trim()])`))
	if err != nil {
		b.fatalf("reading the eligibility panel: %v", err)
	}
	return title, rows
}

// TestBrowserCallsCanWeApply: on the Mediterranean fund, reserved to leads
// in Provence-Alpes-Côte d'Azur, Marseille passes the region rule and Lyon
// fails it.
func TestBrowserCallsCanWeApply(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")
	med := b.callPaths()["FRCDM-PACA-01"]
	if med == "" {
		b.fatalf("the Mediterranean fund is not in the search")
	}
	b.open(med, http.StatusOK)
	if n := b.eval(`String(document.querySelectorAll('.call-apply li.call-result').length)`); n != "0" {
		t.Errorf("a visitor sees %s eligibility results; want none", n)
	}

	for _, tc := range []struct {
		email, class, text string
	}{
		{"marseille@demo.coopdec.test", "call-result-passed", "comme l'exige l'appel"},
		{"lyon@demo.coopdec.test", "call-result-failed", "se trouve en région Auvergne"},
	} {
		b.login(tc.email, coopdec.DemoPassword, "/compte")
		b.open(med, http.StatusOK)
		title, rows := b.applyResults()
		if title != "Pouvons-nous candidater ?" {
			t.Errorf("%s: panel title %q", tc.email, title)
		}
		var region []string
		for _, r := range rows {
			if strings.Contains(r[1], "région") && strings.Contains(r[1], "chef de file") {
				region = r[:]
			}
		}
		switch {
		case region == nil:
			t.Errorf("%s: no region rule among %q", tc.email, rows)
		case !strings.Contains(region[0], tc.class) || !strings.Contains(region[1], tc.text):
			t.Errorf("%s: region rule %q (%s); want %s with %q", tc.email, region[1], region[0], tc.class, tc.text)
		}
		b.checkA11y("call page, can we apply, " + tc.email)
		b.logout()
	}
}

// TestBrowserCallsSavedSearch: a member saves a filtered search and finds it
// on /recherches, whose link runs it again.
func TestBrowserCallsSavedSearch(t *testing.T) {
	t.Parallel()
	b := newSession(t, "")
	b.open("/appels", http.StatusOK)
	if n := b.eval(`String(document.querySelectorAll('form[action="/recherches"]').length)`); n != "0" {
		t.Errorf("a visitor sees the form to save a search")
	}

	b.login("lyon@demo.coopdec.test", coopdec.DemoPassword, "/compte")
	b.open("/appels", http.StatusOK)
	b.fill("#q", "eau")
	b.check("#status-open")
	if status := b.submit(searchButton); status != http.StatusOK {
		b.fatalf("searching: status %d", status)
	}
	t.Logf("open calls about \"eau\": %v", cardRefs(b.callCards()))
	b.checkA11y("call search, signed in")

	const name = "Eau et assainissement, appels ouverts"
	b.fill("#saved-name", name)
	if status := b.submit(`form[action="/recherches"] button[type=submit]`); status != http.StatusOK {
		b.fatalf("saving the search: status %d", status)
	}
	b.wantPath("/recherches?ok=saved")
	if got := b.text(".notice.success[role=status]"); !strings.Contains(got, "enregistrée") {
		t.Errorf("flash %q after saving", got)
	}
	table := b.text("main table")
	if !strings.Contains(table, name) || !strings.Contains(table, "eau") {
		t.Errorf("saved searches %q; want %q with its query", table, name)
	}
	b.checkA11y("saved searches")

	link := b.eval(fmt.Sprintf(`(Array.from(document.querySelectorAll('main table td a')).find(a => a.textContent === %q) || {getAttribute: () => ''}).getAttribute('href')`, name))
	if link == "" {
		b.fatalf("no link named %q on /recherches", name)
	}
	b.follow(fmt.Sprintf(`main table td a[href=%q]`, link))
	if got := b.value("#q"); got != "eau" {
		t.Errorf("saved search runs with q=%q; want eau", got)
	}
	if got := b.eval(`String(document.getElementById('status-open').checked)`); got != "true" {
		t.Errorf("saved search runs without the open filter (at %s)", b.path())
	}
}
