package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// aplFixture is a Franco-Argentine call that requires its partners'
// confirmation, the Marseille and Lyon local authorities, an officer and a
// co-manager of the Argentine government.
type aplFixture struct {
	e                        *testEnv
	call                     *coopdec.Call
	ministry, argentina      *coopdec.Organisation
	marseille, lyon          *coopdec.Organisation
	marseilleUser, colleague *coopdec.User
	lyonUser, officer, coMgr *coopdec.User
}

func newAplFixture(t *testing.T) *aplFixture {
	t.Helper()
	e := newTestEnv(t)
	ctx := context.Background()
	f := &aplFixture{e: e}
	f.officer = e.user("officer@example.org", coopdec.RoleOfficer)
	f.coMgr = e.user("cancilleria@example.org", coopdec.RoleCoManager)
	f.marseilleUser = e.user("agent@marseille.example.org")
	f.colleague = e.user("collegue@marseille.example.org")
	f.lyonUser = e.user("agent@lyon.example.org")
	f.ministry = e.org(&coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"})
	f.argentina = e.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Cancillería argentina", Country: "AR"})
	f.marseille = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", RegionCode: "93"})
	f.lyon = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", RegionCode: "84"})
	e.member(f.marseilleUser, f.marseille, coopdec.MemberRoleMember)
	e.member(f.colleague, f.marseille, coopdec.MemberRoleMember)
	e.member(f.lyonUser, f.lyon, coopdec.MemberRoleMember)
	e.member(f.coMgr, f.argentina, coopdec.MemberRoleMember)
	prog := &coopdec.Programme{Code: "joint-calls", Names: map[string]string{"fr": "Appels conjoints"}}
	if err := e.db.CreateProgramme(ctx, prog, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	now := e.db.Now()
	day := 24 * time.Hour
	f.call = &coopdec.Call{ProgrammeID: prog.ID, Reference: "AAP-FR-AR-01", Status: coopdec.CallPublished,
		Texts: map[string]coopdec.CallText{
			"fr": {Title: "Appel franco-argentin", Summary: "Coopération décentralisée avec l’Argentine."},
			"es": {Title: "Convocatoria franco-argentina", Summary: "Cooperación descentralizada."}},
		CoManagers: []int64{f.argentina.ID},
		Funders: []coopdec.Funder{{OrganisationID: f.ministry.ID, EnvelopeCents: 50_000_000, ShareBP: 5000},
			{OrganisationID: f.argentina.ID, EnvelopeCents: 50_000_000, ShareBP: 5000}},
		Themes: []string{"local_governance", "urban_development"},
		Rules: coopdec.EligibilityRules{Countries: []string{"AR"}, PartnerCountries: []string{"AR"}, PartnersMustConfirm: true,
			MaxGrantCents: 10_000_000, MaxFundersShareBP: 6000, MinOwnShareBP: 2000, MaxInKindOfOwnBP: 5000,
			MinDurationMonths: 12, MaxDurationMonths: 36, RequiredDocuments: []string{"council_deliberation"}},
		PublishAt: now.Add(-40 * day), OpensAt: now.Add(-30 * day), Deadline: now.Add(20 * day)}
	if err := e.db.CreateCall(ctx, f.call, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	return f
}

// content is a complete, eligible project for the call, except for the
// partner's confirmation and the documents.
func (f *aplFixture) content(a *coopdec.Application) {
	a.Texts = map[string]coopdec.ApplicationText{
		"fr": {Title: "Gouvernance des quartiers à Rosario", Summary: "Conseils de quartier et budgets participatifs.",
			Context: "Une ville de un million d’habitants.", Objectives: "Associer les habitants aux décisions.",
			Sustainability: "Un service municipal dédié."},
		"es": {Title: "Gobernanza barrial en Rosario", Summary: "Consejos barriales y presupuestos participativos."},
	}
	a.Themes = []string{"local_governance"}
	a.Countries = []string{"AR"}
	a.Places = []string{"Rosario", "Santa Fe"}
	a.DurationMonths = 24
	a.Activities = []coopdec.Activity{
		{Title: "Diagnostic", Description: "Ateliers « quartier par quartier ».", StartMonth: 1, EndMonth: 6},
		{Title: "Formation des agents", StartMonth: 7, EndMonth: 24},
	}
	a.Results = []coopdec.Result{{Indicator: "Conseils de quartier actifs", Unit: "conseils", Baseline: "0", Target: "12"}}
	a.Partners = []coopdec.Partner{{Name: "Municipalidad de Rosario", Kind: coopdec.OrgForeignAuthority, Country: "AR",
		Role: coopdec.RolePartner, Contribution: "Personnel et salles de réunion"}}
	a.Budget = coopdec.Budget{
		Expenses: []coopdec.ExpenseLine{
			{Category: coopdec.ExpenseStaff, Label: "Chef de projet", AmountCents: 5_000_000},
			{Category: coopdec.ExpenseTravel, Label: "Missions", AmountCents: 4_000_000},
			{Category: coopdec.ExpenseInKind, Label: "Mise à disposition d’agents", AmountCents: 1_000_000},
		},
		Financing: []coopdec.FinancingLine{
			{Source: coopdec.FundingGrant, FunderOrganisationID: f.ministry.ID, AmountCents: 2_500_000},
			{Source: coopdec.FundingGrant, FunderOrganisationID: f.argentina.ID, AmountCents: 2_500_000},
			{Source: coopdec.FundingOwnCash, Label: "Budget municipal", AmountCents: 3_000_000},
			{Source: coopdec.FundingOwnInKind, Label: "Agents", AmountCents: 1_000_000},
			{Source: coopdec.FundingOther, Label: "Métropole", AmountCents: 1_000_000},
		},
	}
}

// form is the application's form as the page would post it.
func aplForm(a *coopdec.Application) url.Values {
	v := aplFormValues(a)
	v.Set("content", "1")
	return v
}

// start creates a draft through the call's page and returns its ID.
func (f *aplFixture) start(c *client) int64 {
	f.e.t.Helper()
	res := c.post(fmt.Sprintf("/appels/%d/candidatures", f.call.ID), url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		f.e.t.Fatalf("start: got status %d; want 303\n%s", res.StatusCode, pageExcerpt(body(f.e.t, res)))
	}
	m := regexp.MustCompile(`^/candidatures/(\d+)\?ok=created$`).FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		f.e.t.Fatalf("start: got Location %q; want /candidatures/{id}?ok=created", res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (f *aplFixture) app(id int64) *coopdec.Application {
	f.e.t.Helper()
	a, err := f.e.db.Application(context.Background(), id)
	if err != nil {
		f.e.t.Fatal(err)
	}
	return a
}

// text reads a response's body as a reader would: HTML entities decoded.
func aplText(t *testing.T, res *http.Response) string {
	t.Helper()
	return html.UnescapeString(body(t, res))
}

func aplStatus(t *testing.T, what string, res *http.Response, want int) string {
	t.Helper()
	b := aplText(t, res)
	if res.StatusCode != want {
		t.Fatalf("%s: got status %d; want %d\n%s", what, res.StatusCode, want, pageExcerpt(b))
	}
	return b
}

func aplContains(t *testing.T, what, page string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(page, p) {
			t.Errorf("%s: the page lacks %q\n%s", what, p, pageExcerpt(page))
		}
	}
}

// postFile posts a multipart form with one file, as a browser does.
func (c *client) postFile(path string, form url.Values, field, name string, content []byte) *http.Response {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if field != "" {
		fw, err := w.CreateFormFile(field, name)
		if err != nil {
			c.e.t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.e.ts.URL)
	return c.do(req)
}

// postJSON posts a form the way the autosave script does.
func (c *client) postForJSON(path string, form url.Values) *http.Response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.e.ts.URL)
	return c.do(req)
}

var (
	smallPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	smallPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
)

// TestApplicantJourney goes from an empty draft to a submitted application
// with a confirmed Argentine partner and its receipt, by the pages alone.
func TestApplicantJourney(t *testing.T) {
	f := newAplFixture(t)
	e := f.e
	ctx := context.Background()
	c := e.client().login(f.marseilleUser.Email)

	page := aplStatus(t, "call page", c.get(fmt.Sprintf("/appels/%d", f.call.ID)), http.StatusOK)
	aplContains(t, "call page", page, "Déposer une candidature", fmt.Sprintf(`action="/appels/%d/candidatures"`, f.call.ID))

	id := f.start(c)
	a := f.app(id)
	if a.Status != coopdec.ApplicationDraft || a.LeadOrganisationID != f.marseille.ID || len(a.Budget.Financing) != 2 {
		t.Fatalf("new draft: got status %s, lead %d, %d financing lines; want a draft of Marseille with one grant line per funder",
			a.Status, a.LeadOrganisationID, len(a.Budget.Financing))
	}
	page = aplStatus(t, "empty draft", c.get(fmt.Sprintf("/candidatures/%d", id)), http.StatusOK)
	aplContains(t, "empty draft", page, `id="texts.fr.title"`, `id="texts.es.title"`, `id="eligibility-list"`,
		`src="/static/application.js"`, "Ajouter une activité", "Cancillería argentina", `aria-live="polite"`)

	// Fill in the form and save it.
	f.content(a)
	form := aplForm(a)
	form.Set("budget.expenses.0.amount_cents", "50 000,00") // typed the French way
	res := c.post(fmt.Sprintf("/candidatures/%d", id), form)
	aplStatus(t, "save", res, http.StatusSeeOther)
	a = f.app(id)
	if a.Version != 2 || a.Texts["fr"].Title != "Gouvernance des quartiers à Rosario" || a.Budget.Expenses[0].AmountCents != 5_000_000 ||
		len(a.Activities) != 2 || a.Partners[0].Name != "Municipalidad de Rosario" {
		t.Fatalf("saved draft: got version %d, %+v; want the form's content at version 2", a.Version, a)
	}
	page = aplStatus(t, "saved draft", c.get(fmt.Sprintf("/candidatures/%d?ok=saved", id)), http.StatusOK)
	aplContains(t, "saved draft", page, "Brouillon enregistré.", "Pièces manquantes : délibération", "pas encore invité à confirmer")

	// A real PDF is attached; a PNG named .pdf is refused and not stored.
	up := aplForm(a)
	up.Set("document_code", "council_deliberation")
	res = c.postFile(fmt.Sprintf("/candidatures/%d/pieces", id), up, "file", "délibération du conseil.pdf", smallPDF)
	aplStatus(t, "upload", res, http.StatusSeeOther)
	up.Set("document_code", aplOtherDocument)
	res = c.postFile(fmt.Sprintf("/candidatures/%d/pieces", id), up, "file", "budget.pdf", smallPNG)
	page = aplStatus(t, "fake PDF", res, http.StatusUnprocessableEntity)
	aplContains(t, "fake PDF", page, "se termine par .pdf, mais son contenu est un fichier .png", `href="#file"`)
	files, err := e.db.ListAttachments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].DocumentCode != "council_deliberation" || files[0].MediaType != "application/pdf" {
		t.Fatalf("attachments: got %+v; want the PDF only", files)
	}
	dl := c.get(fmt.Sprintf("/candidatures/%d/pieces/%d", id, files[0].ID))
	if got := body(t, dl); dl.StatusCode != http.StatusOK || got != string(smallPDF) ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: got status %d, disposition %q; want the PDF as an attachment", dl.StatusCode, dl.Header.Get("Content-Disposition"))
	}

	// The Argentine partner is invited in Spanish and confirms.
	e.startJobs()
	a = f.app(id)
	inv := aplForm(a)
	inv.Set("invite.0.email", "relaciones@rosario.example.org")
	inv.Set("invite.0.language", "es")
	res = c.post(fmt.Sprintf("/candidatures/%d/partenaires/0/invitation", id), inv)
	aplStatus(t, "invite", res, http.StatusSeeOther)
	m := e.waitMail("relaciones@rosario.example.org", "/confirmation/")
	// In Spanish, with the project's Spanish title.
	wantContains(t, "invitation", m.Subject+"\n"+m.Text, "Marseille le invita", "Gobernanza barrial en Rosario", "Papel: Socio",
		"(hora de París)")
	token := regexp.MustCompile(`/confirmation/(\S+)`).FindStringSubmatch(m.Text)[1]
	if _, err := e.db.RespondPartnerConfirmation(ctx, e.runner, token, coopdec.ConfirmationConfirmed,
		"Pablo Javkin, intendente", "", coopdec.Actor{}, nil); err != nil {
		t.Fatalf("partner's confirmation: %v", err)
	}
	page = aplStatus(t, "confirmed", c.get(fmt.Sprintf("/candidatures/%d", id)), http.StatusOK)
	aplContains(t, "confirmed", page, "confirmé par Pablo Javkin, intendente", "Toutes les règles de l’appel sont respectées.")

	// Submission, twice with the same key: one submission, one receipt.
	a = f.app(id)
	sub := aplForm(a)
	sub.Set("idempotency_key", "web-test-double-click")
	for i := range 2 {
		res = c.post(fmt.Sprintf("/candidatures/%d/depot", id), sub)
		aplStatus(t, fmt.Sprintf("submit %d", i+1), res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/candidatures/%d/recepisse?ok=submitted", id) {
			t.Fatalf("submit %d: got Location %q; want the receipt", i+1, loc)
		}
	}
	versions, err := e.db.ApplicationVersions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	a = f.app(id)
	if len(versions) != 1 || a.Status != coopdec.ApplicationSubmitted || a.ReceiptNumber == "" {
		t.Fatalf("after a double submit: got %d versions, status %s; want one submission", len(versions), a.Status)
	}
	rec, err := e.db.ApplicationReceipt(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	page = aplStatus(t, "receipt", c.get(fmt.Sprintf("/candidatures/%d/recepisse?ok=submitted", id)), http.StatusOK)
	aplContains(t, "receipt", page, rec.Number, rec.ContentSHA256, rec.Attachments[0].SHA256, "délibération du conseil.pdf",
		rec.SubmittedAt.In(Paris).Format("02/01/2006 15:04:05"), rec.SubmittedAt.UTC().Format("2006-01-02 15:04:05")+" UTC",
		"/recepisses/verification", "Votre candidature est déposée.")
	for _, u := range []*coopdec.User{f.marseilleUser, f.colleague} {
		m := e.waitMail(u.Email, rec.Number)
		wantContains(t, "receipt email to "+u.Email, m.Text, rec.ContentSHA256, "délibération du conseil.pdf: "+rec.Attachments[0].SHA256,
			e.ts.URL+fmt.Sprintf("/candidatures/%d/recepisse", id), e.ts.URL+"/recepisses/verification?", "number="+rec.Number)
	}

	// Frozen: the page is read only, with the receipt; the dashboard says so.
	page = aplStatus(t, "submitted page", c.get(fmt.Sprintf("/candidatures/%d", id)), http.StatusOK)
	aplContains(t, "submitted page", page, "son contenu est figé", fmt.Sprintf("/candidatures/%d/recepisse", id),
		fmt.Sprintf("/candidatures/%d/versions", id), "Municipalidad de Rosario")
	if strings.Contains(page, `id="application-form"`) {
		t.Error("submitted page: got the draft's form; want the application read only")
	}
	page = aplStatus(t, "dashboard", c.get("/candidatures"), http.StatusOK)
	aplContains(t, "dashboard", page, "Gouvernance des quartiers à Rosario", "AAP-FR-AR-01", "1 sur 1 ont confirmé", rec.Number)

	// Messages: the officer writes, the lead's members are told, and back.
	oc := e.client().login(f.officer.Email)
	page = aplStatus(t, "officer's view", oc.get(fmt.Sprintf("/candidatures/%d", id)), http.StatusOK)
	aplContains(t, "officer's view", page, fmt.Sprintf("/candidatures/%d/instruction", id))
	res = oc.postFile(fmt.Sprintf("/candidatures/%d/messages", id), url.Values{"body": {"Merci de préciser le calendrier."}}, "", "", nil)
	aplStatus(t, "officer's message", res, http.StatusSeeOther)
	m = e.waitMail(f.colleague.Email, "Merci de préciser le calendrier.")
	wantContains(t, "officer's message email", m.Text, rec.Number, e.ts.URL+fmt.Sprintf("/candidatures/%d/messages", id))
	res = c.postFile(fmt.Sprintf("/candidatures/%d/messages", id), url.Values{"body": {"Voici le calendrier détaillé."}},
		"files", "calendrier.pdf", smallPDF)
	aplStatus(t, "applicant's message", res, http.StatusSeeOther)
	e.waitMail(f.officer.Email, "Voici le calendrier détaillé.")
	e.waitMail(f.coMgr.Email, "Voici le calendrier détaillé.")
	page = aplStatus(t, "thread", c.get(fmt.Sprintf("/candidatures/%d/messages", id)), http.StatusOK)
	aplContains(t, "thread", page, "Merci de préciser le calendrier.", "Voici le calendrier détaillé.", "calendrier.pdf")
}

// TestApplicantConflictMerge: two people save the same draft from the same
// version; the second sees both versions field by field and chooses.
func TestApplicantConflictMerge(t *testing.T) {
	f := newAplFixture(t)
	alice := f.e.client().login(f.marseilleUser.Email)
	bob := f.e.client().login(f.colleague.Email)
	id := f.start(alice)
	base := f.app(id)
	f.content(base)

	mine := aplForm(base)
	mine.Set("texts.fr.title", "Titre d’Alice")
	aplStatus(t, "first save", alice.post(fmt.Sprintf("/candidatures/%d", id), mine), http.StatusSeeOther)

	theirs := aplForm(base) // still at version 1
	theirs.Set("texts.fr.title", "Titre de Bob")
	theirs.Set("texts.fr.summary", "Résumé de Bob")
	page := aplStatus(t, "stale save", bob.post(fmt.Sprintf("/candidatures/%d", id), theirs), http.StatusConflict)
	aplContains(t, "merge page", page, "Deux versions à réconcilier", "Leur version :", "Votre version :",
		"Titre d’Alice", "Titre de Bob", "Résumé de Bob", "Titre du projet (français)", `name="choice.texts.fr.title"`)
	if a := f.app(id); a.Texts["fr"].Title != "Titre d’Alice" || a.Version != 2 {
		t.Fatalf("after the stale save: got %q at version %d; want Alice's title kept at version 2", a.Texts["fr"].Title, a.Version)
	}

	// Bob keeps his title and Alice's summary.
	merge := url.Values{"merge": {"1"}, "version": {"2"},
		"mine.texts.fr.title": {"Titre de Bob"}, "choice.texts.fr.title": {"mine"},
		"mine.texts.fr.summary": {"Résumé de Bob"}, "choice.texts.fr.summary": {"theirs"}}
	res := bob.post(fmt.Sprintf("/candidatures/%d", id), merge)
	aplStatus(t, "merge", res, http.StatusSeeOther)
	a := f.app(id)
	if a.Texts["fr"].Title != "Titre de Bob" || a.Texts["fr"].Summary != base.Texts["fr"].Summary || a.Version != 3 {
		t.Fatalf("merged: got title %q, summary %q, version %d; want Bob's title, Alice's summary, version 3",
			a.Texts["fr"].Title, a.Texts["fr"].Summary, a.Version)
	}
	if len(a.Activities) != 2 || a.Budget.Expenses[0].AmountCents != 5_000_000 {
		t.Errorf("merged: got %+v; want the rest of the content kept", a)
	}

	// A stale form whose content is what is stored is no conflict.
	same := aplFormValues(a)
	same.Set("content", "1")
	same.Set("version", "1")
	aplStatus(t, "stale but same", alice.post(fmt.Sprintf("/candidatures/%d", id), same), http.StatusSeeOther)
}

// TestApplicantAutosave: the endpoint saves, explains, refuses bad values
// without storing anything, and reports a conflict.
func TestApplicantAutosave(t *testing.T) {
	f := newAplFixture(t)
	c := f.e.client().login(f.marseilleUser.Email)
	id := f.start(c)
	a := f.app(id)
	f.content(a)
	path := fmt.Sprintf("/candidatures/%d/brouillon", id)

	form := aplForm(a)
	form.Del("content") // the script's form has it; the endpoint does not need it
	res := c.postForJSON(path, form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("autosave: got status %d; want 200\n%s", res.StatusCode, body(t, res))
	}
	var got aplAutosaveAnswer
	decode(t, res, &got)
	if got.Version != 2 || !strings.HasPrefix(got.Message, "Enregistré à ") || len(got.Eligibility) == 0 || len(got.Totals) == 0 {
		t.Fatalf("autosave: got %+v; want version 2, the time, eligibility and totals", got)
	}
	var docs *aplRuleRow
	for i, r := range got.Eligibility {
		if r.Rule == "documents" {
			docs = &got.Eligibility[i]
		}
	}
	if docs == nil || docs.Status != "failed" || !strings.Contains(docs.Message, "délibération") || docs.Href != "#documents" {
		t.Errorf("autosave eligibility: got %+v; want the missing deliberation explained and linked", docs)
	}
	if len(got.Budget) != 0 {
		t.Errorf("autosave budget: got %+v; want no problem", got.Budget)
	}

	// Bad values: nothing is stored, each is explained.
	bad := aplForm(f.app(id))
	bad.Set("countries", "ZZ")
	bad.Set("budget.financing.2.amount_cents", "-300")
	res = c.postForJSON(path, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad autosave: got status %d; want 422", res.StatusCode)
	}
	got = aplAutosaveAnswer{}
	decode(t, res, &got)
	msgs, _ := json.Marshal(got.Errors)
	for _, want := range []string{`"field":"budget.financing.2.amount_cents"`, "Un montant ne peut pas être négatif"} {
		if !strings.Contains(string(msgs), want) {
			t.Errorf("bad autosave: got errors %s; want %s", msgs, want)
		}
	}
	bad.Set("budget.financing.2.amount_cents", "30 000")
	res = c.postForJSON(path, bad)
	got = aplAutosaveAnswer{}
	decode(t, res, &got)
	msgs, _ = json.Marshal(got.Errors)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(msgs), "Code pays inconnu : ZZ") ||
		!strings.Contains(string(msgs), `"field":"countries"`) {
		t.Errorf("unknown country: got %d %s; want 422 naming the country", res.StatusCode, msgs)
	}
	if a := f.app(id); a.Version != 2 || a.Countries[0] != "AR" {
		t.Fatalf("after bad autosaves: got version %d, countries %v; want nothing stored", a.Version, a.Countries)
	}

	// A stale autosave with other content: a conflict, nothing overwritten.
	stale := aplForm(f.app(id))
	stale.Set("version", "1")
	stale.Set("texts.fr.title", "Autre titre")
	res = c.postForJSON(path, stale)
	got = aplAutosaveAnswer{}
	decode(t, res, &got)
	if res.StatusCode != http.StatusConflict || !got.Conflict || !strings.Contains(got.Message, "modifiée ailleurs") {
		t.Fatalf("stale autosave: got %d %+v; want a conflict", res.StatusCode, got)
	}
	if a := f.app(id); a.Texts["fr"].Title == "Autre titre" {
		t.Fatal("stale autosave overwrote the stored draft")
	}
}

// TestApplicantBadInput: bad values are refused with a message next to
// their control and nothing stored; a budget that breaks a rule is
// explained; a submission out of bounds is refused with every reason.
func TestApplicantBadInput(t *testing.T) {
	f := newAplFixture(t)
	c := f.e.client().login(f.marseilleUser.Email)
	id := f.start(c)
	a := f.app(id)
	f.content(a)
	aplStatus(t, "save", c.post(fmt.Sprintf("/candidatures/%d", id), aplForm(a)), http.StatusSeeOther)
	a = f.app(id)

	for _, tc := range []struct {
		name, field, value, want string
	}{
		{"unknown country", "countries", "ZZ", "Code pays inconnu : ZZ"},
		{"month out of range", "activities.1.end", "500", "Indiquez un mois entre 1 et 120"},
		{"negative amount", "budget.expenses.1.amount_cents", "-20", "Un montant ne peut pas être négatif."},
		{"unreadable amount", "budget.expenses.1.amount_cents", "vingt", "Montant illisible"},
		{"partner's country", "partners.0.country", "XX", "Code pays inconnu : XX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := aplForm(a)
			form.Set(tc.field, tc.value)
			form.Set("texts.fr.summary", "Un résumé tapé qui ne doit pas se perdre.")
			page := aplStatus(t, tc.name, c.post(fmt.Sprintf("/candidatures/%d", id), form), http.StatusUnprocessableEntity)
			aplContains(t, tc.name, page, tc.want, `href="#`+tc.field+`"`, `id="`+tc.field+`-error"`,
				"Un résumé tapé qui ne doit pas se perdre.")
			if got := f.app(id); got.Version != a.Version {
				t.Fatalf("%s: got version %d; want nothing stored (%d)", tc.name, got.Version, a.Version)
			}
		})
	}

	// A budget that breaks the call's rules is explained next to it.
	broken := aplForm(a)
	broken.Set("budget.financing.0.amount_cents", "80 000") // the ministry's grant
	broken.Set("budget.financing.4.amount_cents", "60 000") // more than the expenses
	broken.Set("activities.1.end", "30")                    // beyond the 24 months
	aplStatus(t, "broken budget", c.post(fmt.Sprintf("/candidatures/%d", id), broken), http.StatusSeeOther)
	page := aplStatus(t, "broken budget page", c.get(fmt.Sprintf("/candidatures/%d", id)), http.StatusOK)
	aplContains(t, "broken budget page", page, "Le budget n'est pas équilibré", "Ministère (DAECT) finance 50",
		"dépasse le plafond de l'appel", `id="budget-checks"`)

	// Submitting it is refused, with every reason linked to its control.
	sub := aplForm(f.app(id))
	sub.Set("idempotency_key", "web-test-refused")
	page = aplStatus(t, "refused submission", c.post(fmt.Sprintf("/candidatures/%d/depot", id), sub), http.StatusUnprocessableEntity)
	aplContains(t, "refused submission", page, "La candidature n’a pas été déposée", "se termine après la fin du projet",
		`href="#activities.1.end"`, "n'est pas équilibré",
		// The summary names each field at fault.
		"Activité 2 — Mois de fin : ")
	if got := f.app(id); got.Status != coopdec.ApplicationDraft {
		t.Fatalf("refused submission: got status %s; want a draft still", got.Status)
	}

	// Add and remove rows without JavaScript.
	form := aplForm(f.app(id))
	form.Set("action", "add:results")
	res := c.post(fmt.Sprintf("/candidatures/%d", id), form)
	aplStatus(t, "add a row", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/candidatures/%d?ligne=results&n=1#results.1.indicator", id) {
		t.Fatalf("add a row: got Location %q", loc)
	}
	page = aplStatus(t, "with a new row", c.get(res.Header.Get("Location")), http.StatusOK)
	aplContains(t, "with a new row", page, `id="results.1.indicator"`)
	// A blank row shown is kept, and another added.
	form = aplForm(f.app(id))
	form.Set("results.1.indicator", "")
	form.Set("action", "add:results")
	res = c.post(fmt.Sprintf("/candidatures/%d", id), form)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/candidatures/%d?ligne=results&n=2#results.2.indicator", id) {
		t.Fatalf("add a second row: got Location %q", loc)
	}
	form = aplForm(f.app(id))
	form.Set("action", "remove:activities.0")
	aplStatus(t, "remove a row", c.post(fmt.Sprintf("/candidatures/%d", id), form), http.StatusSeeOther)
	if got := f.app(id); len(got.Activities) != 1 || got.Activities[0].Title != "Formation des agents" {
		t.Fatalf("remove a row: got %+v; want the second activity only", got.Activities)
	}
}

// TestApplicantClosedCall: after the deadline, submission is refused with
// the deadline, by the server's clock.
func TestApplicantClosedCall(t *testing.T) {
	f := newAplFixture(t)
	id := f.start(f.e.client().login(f.marseilleUser.Email))
	real := f.e.db.Now
	f.e.db.Now = func() time.Time { return real().Add(21 * 24 * time.Hour) }
	t.Cleanup(func() { f.e.db.Now = real })
	c := f.e.client().login(f.marseilleUser.Email)
	form := aplForm(f.app(id))
	form.Set("idempotency_key", "web-test-late")
	page := aplStatus(t, "late submission", c.post(fmt.Sprintf("/candidatures/%d/depot", id), form), http.StatusConflict)
	aplContains(t, "late submission", page, "La date limite de dépôt ("+f.call.Deadline.In(Paris).Format("02/01/2006 15:04")+") est passée")
}

// TestApplicantDenials: another local authority's member cannot read, change
// or download a draft, its files or its messages; nor can an officer read a
// draft.
func TestApplicantDenials(t *testing.T) {
	f := newAplFixture(t)
	owner := f.e.client().login(f.marseilleUser.Email)
	id := f.start(owner)
	a := f.app(id)
	f.content(a)
	up := aplForm(a)
	up.Set("document_code", "council_deliberation")
	aplStatus(t, "upload", owner.postFile(fmt.Sprintf("/candidatures/%d/pieces", id), up, "file", "d.pdf", smallPDF), http.StatusSeeOther)
	aplStatus(t, "message", owner.postFile(fmt.Sprintf("/candidatures/%d/messages", id), url.Values{"body": {"Note interne"}},
		"files", "note.pdf", smallPDF), http.StatusSeeOther)
	files, err := f.e.db.ListAttachments(context.Background(), id)
	if err != nil || len(files) != 1 {
		t.Fatalf("attachments: got %v, %v", files, err)
	}
	msgs, _, err := f.e.db.ListMessages(context.Background(), id, coopdec.NewPage(1, 10))
	if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("messages: got %v, %v", msgs, err)
	}
	version := f.app(id).Version

	for _, u := range []*coopdec.User{f.lyonUser, f.officer, f.coMgr} {
		c := f.e.client().login(u.Email)
		for _, path := range []string{
			fmt.Sprintf("/candidatures/%d", id), fmt.Sprintf("/candidatures/%d/pieces/%d", id, files[0].ID),
			fmt.Sprintf("/candidatures/%d/pieces/%d", id, msgs[0].Attachments[0].ID), fmt.Sprintf("/candidatures/%d/messages", id),
		} {
			if res := c.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s: got status %d; want 404", u.Email, path, res.StatusCode)
			}
		}
		form := aplForm(a)
		form.Set("texts.fr.title", "Piraté")
		for _, path := range []string{
			fmt.Sprintf("/candidatures/%d", id), fmt.Sprintf("/candidatures/%d/brouillon", id),
			fmt.Sprintf("/candidatures/%d/depot", id), fmt.Sprintf("/candidatures/%d/messages", id),
			fmt.Sprintf("/candidatures/%d/retrait", id), fmt.Sprintf("/candidatures/%d/pieces/%d/suppression", id, files[0].ID),
		} {
			if res := c.post(path, form); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s POST %s: got status %d; want 404", u.Email, path, res.StatusCode)
			}
		}
	}
	if got := f.app(id); got.Version != version || got.Status != coopdec.ApplicationDraft {
		t.Fatalf("after the denials: got version %d, status %s; want the draft untouched", got.Version, got.Status)
	}
	if files, _ := f.e.db.ListAttachments(context.Background(), id); len(files) != 1 {
		t.Fatalf("after the denials: got %d files; want 1", len(files))
	}
	// Lyon's dashboard does not list it.
	page := aplStatus(t, "Lyon's dashboard", f.e.client().login(f.lyonUser.Email).get("/candidatures"), http.StatusOK)
	if strings.Contains(page, fmt.Sprintf("/candidatures/%d", id)) {
		t.Error("Lyon's dashboard lists Marseille's draft")
	}
}

// TestApplicantWithdrawAndCorrection: a correction request is answered on
// the page, with only the fields it opens; a withdrawal needs a reason.
func TestApplicantWithdrawAndCorrection(t *testing.T) {
	f := newAplFixture(t)
	ctx := context.Background()
	tokens := make(chan string, 1)
	c := f.e.client().login(f.marseilleUser.Email)
	id := f.start(c)
	a := f.app(id)
	f.content(a)
	aplStatus(t, "save", c.post(fmt.Sprintf("/candidatures/%d", id), aplForm(a)), http.StatusSeeOther)
	a = f.app(id)
	if _, err := f.e.db.InvitePartner(ctx, f.e.runner, id, a.Version, 0, "p@rosario.example.org", "es", coopdec.Actor{},
		func(pc *coopdec.PartnerConfirmation, _ *coopdec.Application, token string) []sqldb.Job {
			tokens <- token
			return nil
		}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.db.RespondPartnerConfirmation(ctx, f.e.runner, <-tokens, coopdec.ConfirmationConfirmed, "Intendencia", "",
		coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	up := aplForm(a)
	up.Set("document_code", "council_deliberation")
	aplStatus(t, "upload", c.postFile(fmt.Sprintf("/candidatures/%d/pieces", id), up, "file", "d.pdf", smallPDF), http.StatusSeeOther)
	sub := aplForm(f.app(id))
	sub.Set("idempotency_key", "web-test-correction")
	aplStatus(t, "submit", c.post(fmt.Sprintf("/candidatures/%d/depot", id), sub), http.StatusSeeOther)

	officer, err := f.e.db.UserByID(ctx, f.officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	cr := &coopdec.CorrectionRequest{ApplicationID: id, Reason: "Précisez le résumé.", Fields: []string{"texts"},
		DueAt: f.e.db.Now().Add(10 * 24 * time.Hour)}
	if err := f.e.db.RequestCorrection(ctx, f.e.runner, officer, cr, coopdec.Actor{UserID: officer.ID}, nil); err != nil {
		t.Fatal(err)
	}
	page := aplStatus(t, "correction page", c.get(fmt.Sprintf("/candidatures/%d", id)), http.StatusOK)
	aplContains(t, "correction page", page, "Précisez le résumé.", "Répondre à la demande de correction",
		`id="texts.fr.summary"`, fmt.Sprintf(`action="/candidatures/%d/corrections/%d/reponse"`, id, cr.ID))
	if strings.Contains(page, `id="budget.expenses.0.amount_cents"`) {
		t.Error("correction page: got the budget's controls; want only the texts the request opens")
	}
	answer := aplFormValues(f.app(id))
	answer.Set("texts.fr.summary", "Un résumé plus précis.")
	answer.Set("answer", "")
	path := fmt.Sprintf("/candidatures/%d/corrections/%d/reponse", id, cr.ID)
	page = aplStatus(t, "answer without text", c.post(path, answer), http.StatusUnprocessableEntity)
	aplContains(t, "answer without text", page, "Expliquez ce que vous avez corrigé.", "Un résumé plus précis.")
	answer.Set("answer", "Résumé précisé.")
	aplStatus(t, "answer", c.post(path, answer), http.StatusSeeOther)
	got := f.app(id)
	if got.Texts["fr"].Summary != "Un résumé plus précis." || got.Budget.Expenses[0].AmountCents != 5_000_000 {
		t.Fatalf("answered: got %+v; want the new summary and the rest unchanged", got.Texts["fr"])
	}
	if vs, _ := f.e.db.ApplicationVersions(ctx, id); len(vs) != 2 {
		t.Fatalf("answered: got %d versions; want 2", len(vs))
	}
	f.e.startJobs()
	review := f.e.ts.URL + fmt.Sprintf("/candidatures/%d/instruction", id)
	for _, u := range []*coopdec.User{f.officer, f.coMgr} {
		m := f.e.waitMail(u.Email, "Résumé précisé.")
		wantContains(t, "answer email to "+u.Email, m.Subject+"\n"+m.Text, "Réponse à la demande de correction", got.ReceiptNumber,
			"version 2", review)
	}

	page = aplStatus(t, "withdraw without reason", c.post(fmt.Sprintf("/candidatures/%d/retrait", id), url.Values{"reason": {" "}}),
		http.StatusUnprocessableEntity)
	aplContains(t, "withdraw without reason", page, "Indiquez le motif.", `href="#reason"`)
	aplStatus(t, "withdraw", c.post(fmt.Sprintf("/candidatures/%d/retrait", id), url.Values{"reason": {"Projet reporté."}}),
		http.StatusSeeOther)
	if got := f.app(id); got.Status != coopdec.ApplicationWithdrawn || got.WithdrawalReason != "Projet reporté." {
		t.Fatalf("withdrawn: got %s %q", got.Status, got.WithdrawalReason)
	}
	// The call's managers were reading it: they are told.
	for _, u := range []*coopdec.User{f.officer, f.coMgr} {
		m := f.e.waitMail(u.Email, "Projet reporté.")
		wantContains(t, "withdrawal email to "+u.Email, m.Subject+"\n"+m.Text, "Candidature retirée", got.ReceiptNumber, review)
	}
}

func TestAplGroupRows(t *testing.T) {
	f := url.Values{
		"activities.0.title": {"A"}, "activities.1.title": {""}, "activities.2.title": {"C"}, "activities.2.end": {"4"},
		"activities.x.title": {"ignored"}, "activities.3.bogus": {"ignored"},
	}
	moved := aplActivities.compact(f)
	if moved[0] != 0 || moved[1] != -1 || moved[2] != 1 || f.Get("activities.1.title") != "C" || f.Get("activities.1.end") != "4" {
		t.Fatalf("compact: got %v %v", moved, f)
	}
	aplActivities.remove(f, 0)
	if f.Get("activities.0.title") != "C" || f.Has("activities.1.title") {
		t.Fatalf("remove: got %v", f)
	}
	for _, tc := range []struct {
		in   string
		ok   bool
		want aplRowAction
	}{
		{"add:budget.expenses", true, aplRowAction{Add: true, Group: aplExpenses}},
		{"remove:budget.financing.3", true, aplRowAction{Group: aplFinancing, Remove: 3}},
		{"remove:activities.-1", false, aplRowAction{}},
		{"add:nothing", false, aplRowAction{}},
		{"save", false, aplRowAction{}},
	} {
		got, ok := aplParseRowAction(tc.in)
		if ok != tc.ok || ok && (got.Add != tc.want.Add || got.Group.Prefix != tc.want.Group.Prefix || got.Remove != tc.want.Remove) {
			t.Errorf("aplParseRowAction(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
