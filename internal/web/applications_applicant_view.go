package web

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// What the application page shows around the form: the call and its
// deadline, the rule-by-rule eligibility, the budget's checks and totals,
// the documents, the partners' confirmations and the correction requests.

// Kinds of organisation a consortium lists, in the order forms show them.
var aplPartnerKinds = []coopdec.OrgKind{coopdec.OrgForeignAuthority, coopdec.OrgFrenchAuthority, coopdec.OrgUniversity,
	coopdec.OrgResearchCentre, coopdec.OrgCluster, coopdec.OrgAssociation, coopdec.OrgInternational, coopdec.OrgPartnerGovernment}

// aplRegisteredKinds are the kinds of registered organisation offered
// as partners.
var aplRegisteredKinds = []coopdec.OrgKind{coopdec.OrgForeignAuthority, coopdec.OrgUniversity, coopdec.OrgResearchCentre,
	coopdec.OrgCluster, coopdec.OrgAssociation}

// aplOtherDocument is the code of a file that is none of the call's required
// documents.
const aplOtherDocument = "other"

// aplMode says what the application page lets its reader do.
type aplMode int

const (
	aplRead       aplMode = iota // read only
	aplDraft                     // the draft's form
	aplCorrection                // the answer to an open correction request
)

// aplPageData is what the application pages show.
type aplPageData struct {
	refData
	t     func(key string, args ...any) string
	form  url.Values
	mode  aplMode
	names map[int64]string               // organisations by ID
	orgs  map[int64]coopdec.Organisation // those named by the application or its form
	opts  map[string][]aplOption         // the selects' options by list, once drawn

	App       *coopdec.Application
	Call      *coopdec.Call
	CallTitle string
	CallLang  string
	LeadName  string
	Title     string // the application's title in the reader's language, or a placeholder
	Untitled  bool
	Status    string // draft, submitted, withdrawn
	Deadline  instant
	Left      string
	CallOpen  bool
	Member    bool // the reader belongs to the lead organisation
	Manager   bool // the reader handles the call's applications
	Action    string
	Langs     []string // languages of the texts: French, then the call's others
	Rows      map[string][]int

	Themes        []coopdec.Theme
	Countries     []aplCountryChoice
	Beneficiaries []aplCountryChoice
	ShowBenef     bool
	Funders       []aplChoice
	Registered    []aplChoice
	Consortium    []aplChoice // partners with an organisation, for the partner lines
	OrgQuery      string      // the search narrowing Registered
	OrgFound      int         // organisations matching it, at most aplOrgChoicesMax
	OrgMore       bool        // more match than Registered offers

	Eligibility  []aplRuleRow
	RulesPassed  int
	RulesTotal   int
	Eligible     bool
	BudgetChecks []aplCheckRow
	Totals       []aplTotalRow

	Documents   []aplDocRow
	DocChoices  []aplDocChoice
	Attachments []aplFile
	Pending     []aplFile
	Partners    map[int]aplPartnerState

	SubmitKey     string
	SubmitRefused bool
	CanWithdraw   bool
	Withdrawn     instant
	Submitted     instant

	Corrections    []aplCorrectionRow
	Open           *aplCorrectionRow // the open request the reader may answer
	MessagesCount  int
	MessagesUnread bool

	Result *aplResult // the decision on the application, once published
}

// aplCountryChoice is a country offered in a list of checkboxes.
type aplCountryChoice struct {
	Code     string
	Name     string
	Eligible bool
}

// aplChoice is an organisation offered in a select.
type aplChoice struct {
	ID    int64
	Label string
}

// aplRuleRow is one eligibility rule in the reader's words, linked to the
// control that changes it.
type aplRuleRow struct {
	Rule        string `json:"rule"`
	Status      string `json:"status"`
	StatusLabel string `json:"label"`
	Message     string `json:"message"`
	Href        string `json:"href,omitempty"`
	LinkHref    string `json:"link_href,omitempty"`
	LinkText    string `json:"link_text,omitempty"`
}

// aplCheckRow is one problem of the budget as a whole, linked to its line.
type aplCheckRow struct {
	Field   string `json:"field"`
	Href    string `json:"href"`
	Message string `json:"message"`
}

// aplTotalRow is one total of the budget.
type aplTotalRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// aplDocRow is a required document and what is attached for it.
type aplDocRow struct {
	Code  string
	Name  string
	Files []string
}

// aplDocChoice is a document code offered for an upload.
type aplDocChoice struct {
	Code string
	Name string
}

// aplFile is a file as the pages list it.
type aplFile struct {
	coopdec.Attachment
	Document string
	Size     string
	Added    instant
}

// aplPartnerState is where a declared partner's confirmation stands.
type aplPartnerState struct {
	Status         string // "" (never invited), pending, confirmed, declined, lapsed
	Label          string
	Email          string
	Invited        instant
	Expires        instant
	Representative string
	Comment        string
	Language       string // the language suggested for the next invitation
	Lead           bool
}

// aplCorrectionRow is a correction request as the applicant reads it.
type aplCorrectionRow struct {
	coopdec.CorrectionRequest
	FieldNames []string
	DocNames   []string
	Due        instant
	Created    instant
	Answered   instant
	Overdue    bool
}

// aplLangText is an application's text in one language.
type aplLangText struct {
	Lang string
	coopdec.ApplicationText
}

// Texts lists the application's texts, French first.
func (d *aplPageData) Texts() []aplLangText {
	var out []aplLangText
	for _, l := range coopdec.Languages {
		if t, ok := d.App.Texts[l]; ok {
			out = append(out, aplLangText{Lang: l, ApplicationText: t})
		}
	}
	return out
}

// Val is a value of the form.
func (d *aplPageData) Val(name string) string { return d.form.Get(name) }

// Has reports whether the form holds value under the repeatable name.
func (d *aplPageData) Has(name, value string) bool { return slices.Contains(d.form[name], value) }

// Key names a control of a numbered row: activities.0.title.
func (d *aplPageData) Key(prefix string, i int, field string) string {
	return prefix + "." + strconv.Itoa(i) + "." + field
}

// Edits reports whether the form edits a top-level field: all of them on a
// draft, those a correction request opens on an answer.
func (d *aplPageData) Edits(top string) bool {
	switch d.mode {
	case aplDraft:
		return true
	case aplCorrection:
		return d.Open != nil && slices.Contains(d.Open.Fields, top)
	}
	return false
}

// Draft reports whether the page is the draft's form.
func (d *aplPageData) Draft() bool { return d.mode == aplDraft }

// Correcting reports whether the page holds a correction's answer form.
func (d *aplPageData) Correcting() bool { return d.mode == aplCorrection }

// UploadsInForm reports whether the answer to a correction request takes
// files, in its form.
func (d *aplPageData) UploadsInForm() bool {
	return d.mode == aplCorrection && d.Open != nil && len(d.Open.Documents) > 0
}

// MaxFileBytes is the largest file accepted, for the page's script.
func (d *aplPageData) MaxFileBytes() int64 { return coopdec.MaxAttachmentBytes }

// MaxFileMB is the largest file accepted, in megabytes.
func (d *aplPageData) MaxFileMB() int64 { return coopdec.MaxAttachmentBytes >> 20 }

// Row returns the rows of a group to show.
func (d *aplPageData) Row(prefix string) []int { return d.Rows[prefix] }

// Last reports whether i is the last row of a group, which gets the focus
// after "add a row".
func (d *aplPageData) Last(prefix string, i int) bool {
	rows := d.Rows[prefix]
	return len(rows) > 0 && rows[len(rows)-1] == i
}

// LangName names a language of the texts in the reader's language.
func (d *aplPageData) LangName(lang string) string { return d.t("applicant.lang." + lang) }

// ThemeName names a theme.
func (d *aplPageData) ThemeName(code string) string {
	if t, ok := coopdec.ThemeByCode(code); ok {
		return t.Name(d.lang)
	}
	return code
}

// OrgName names an organisation by its ID.
func (d *aplPageData) OrgName(id int64) string {
	if n := d.names[id]; n != "" {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// PartnerName names a partner: its organisation's name when registered.
func (d *aplPageData) PartnerName(p coopdec.Partner) string {
	if p.Name != "" {
		return p.Name
	}
	if p.OrganisationID > 0 {
		return d.OrgName(p.OrganisationID)
	}
	return d.t("applicant.partner.unnamed")
}

// Money writes cents as euros in the reader's language.
func (d *aplPageData) Money(cents int64) string { return coopdec.FormatEuroCents(d.lang, cents) }

// DocumentName names a document code.
func (d *aplPageData) DocumentName(code string) string {
	if code == aplOtherDocument {
		return d.t("applicant.document.other")
	}
	if code == "message" {
		return d.t("applicant.document.message")
	}
	if n := d.t("eligibility.document." + code); n != "eligibility.document."+code {
		return n
	}
	return code
}

// PartnerAt is where the confirmation of the partner on row i stands, nil
// when the row is not a saved partner.
func (d *aplPageData) PartnerAt(i int) *aplPartnerState {
	if st, ok := d.Partners[i]; ok {
		return &st
	}
	return nil
}

// moneyRules are the eligibility rules on the budget's money.
var moneyRules = []string{"max_grant", "funders_share", "own_share", "in_kind"}

// MoneyRules are the call's money rules checked on the budget, shown next
// to it.
func (d *aplPageData) MoneyRules() []aplRuleRow {
	var out []aplRuleRow
	for _, r := range d.Eligibility {
		if slices.Contains(moneyRules, r.Rule) {
			out = append(out, r)
		}
	}
	return out
}

// aplField is one labelled control as the application_input partial draws
// it.
type aplField struct {
	Name     string
	Label    string
	Type     string // text, textarea, long (a large textarea), months, decimal, money
	Value    string
	Hint     string
	Error    string
	Required bool // required to submit
	ReqText  string
	Lang     string
	Focus    bool
}

// In is a control of the form, with its value and its error.
func (d *aplPageData) In(v *view, name, labelKey, typ, hintKey string, required bool) aplField {
	f := aplField{Name: name, Label: v.T(labelKey), Type: typ, Value: d.form.Get(name), Error: v.Errors[name], Required: required,
		ReqText: v.T("applicant.form.required_short")}
	if hintKey != "" {
		f.Hint = v.T(hintKey)
	}
	return f
}

// TextIn is a control of the texts in one language: required to submit
// are every French text and, in the call's other languages, the title and
// summary.
func (d *aplPageData) TextIn(v *view, lang, field string) aplField {
	typ := "long"
	switch field {
	case "title":
		typ = "text"
	case "summary":
		typ = "textarea"
	}
	required := lang == "fr" || field == "title" || field == "summary"
	f := d.In(v, "texts."+lang+"."+field, "applicant.field."+field, typ, "", required)
	f.Lang = lang
	if field == "summary" || field == "title" {
		f.Hint = v.T("applicant.field." + field + ".hint")
	}
	return f
}

// RowIn is a control of a numbered row.
func (d *aplPageData) RowIn(v *view, prefix string, i int, field, typ string, required bool) aplField {
	f := d.In(v, d.Key(prefix, i, field), "applicant.field."+prefix+"."+field, typ, "", required)
	f.Focus = d.Last(prefix, i) && d.form.Get("focus") == prefix
	return f
}

// aplViewOpts are what a handler adds to the application page.
type aplViewOpts struct {
	mode  aplMode
	extra map[string]int // blank rows to add per group
	// correction is the open request answered, in aplCorrection.
	correction *coopdec.CorrectionRequest
	// invitations are the partners' invitations read with the
	// application, when invitationsRead.
	invitations     []coopdec.PartnerConfirmation
	invitationsRead bool
}

// aplSubmitKey is an idempotency key for the submit button: the page
// carries it, so that a double click or a resent form submits once.
func aplSubmitKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "web-" + hex.EncodeToString(b)
}

// aplView builds the application page's view: a is the stored
// application, form what its form shows (a's values, or what was posted).
func (s *Server) aplView(r *http.Request, a *coopdec.Application, c *coopdec.Call, form url.Values, opts aplViewOpts) (*view, *aplPageData, error) {
	ctx := r.Context()
	lang := info(r).lang
	u := currentUser(r)
	now := s.db.Now()
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	d := &aplPageData{refData: refData{lang}, t: t, form: form, mode: opts.mode, App: a, Call: c,
		Status: string(a.Status), Rows: map[string][]int{}}
	_, d.Member = u.Membership(a.LeadOrganisationID)
	d.Manager = coopdec.CanListCallApplications(u, c)
	d.CallOpen = coopdec.CallStatusAt(c, now) == coopdec.CallOpen
	text, tl := c.Text(lang)
	d.CallTitle, d.CallLang = text.Title, tl
	d.Deadline, d.Left = newInstant(c.Deadline), s.timeLeft(lang, c.Deadline, now)
	d.Title = strings.TrimSpace(applicationTitle(a, lang))
	if d.Title == "" {
		d.Title, d.Untitled = t("applicant.untitled"), true
	}
	d.Submitted, d.Withdrawn = newInstant(a.SubmittedAt), newInstant(a.WithdrawnAt)
	d.Action = "/candidatures/" + strconv.FormatInt(a.ID, 10)
	d.CanWithdraw = coopdec.CanWithdrawApplication(u, a)

	d.Langs = []string{"fr"}
	for _, l := range coopdec.Languages {
		if l == "fr" {
			continue
		}
		_, inCall := c.Texts[l]
		_, inApp := a.Texts[l]
		if inCall && strings.TrimSpace(c.Texts[l].Title) != "" || inApp {
			d.Langs = append(d.Langs, l)
		}
	}

	// Organisations named on the page: the lead, the funders, partners.
	ids := []int64{a.LeadOrganisationID}
	for _, f := range c.Funders {
		ids = append(ids, f.OrganisationID)
	}
	for _, p := range a.Partners {
		ids = append(ids, p.OrganisationID)
	}
	for _, l := range a.Budget.Financing {
		ids = append(ids, l.FunderOrganisationID, l.PartnerOrganisationID)
	}
	// Those the form names on its rows (200 at most: a form is bounded).
	named := 0
	for key, vals := range form {
		if len(vals) == 0 || vals[0] == "" || named >= 200 {
			continue
		}
		if strings.HasPrefix(key, "partners.") && strings.HasSuffix(key, ".organisation_id") ||
			strings.HasPrefix(key, "budget.financing.") && strings.HasSuffix(key, ".partner_organisation_id") {
			if id, err := strconv.ParseInt(vals[0], 10, 64); err == nil && id > 0 {
				ids = append(ids, id)
				named++
			}
		}
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	d.names, d.orgs = map[int64]string{}, orgs
	for id, o := range orgs {
		d.names[id] = o.Name
	}
	d.LeadName = d.OrgName(a.LeadOrganisationID)
	for _, f := range c.Funders {
		d.Funders = append(d.Funders, aplChoice{ID: f.OrganisationID, Label: d.OrgName(f.OrganisationID)})
	}

	if a.Status != coopdec.ApplicationDraft {
		if err := s.aplCorrections(ctx, d, a, u, now); err != nil {
			return nil, nil, err
		}
		// The lead's members answer an open request on the page itself.
		if d.Open != nil && d.mode == aplRead {
			d.mode = aplCorrection
		}
		if d.mode == aplCorrection {
			if d.Open == nil {
				d.mode = aplRead
			} else {
				opts.correction = &d.Open.CorrectionRequest
			}
		}
	}
	if d.mode != aplRead {
		if err := s.aplFormChoices(ctx, d, a, c, opts); err != nil {
			return nil, nil, err
		}
	}

	facts, err := s.db.ApplicationFacts(ctx, a, c, sqldb.FactsRead{Lead: orgOrNil(orgs, a.LeadOrganisationID),
		Invitations: opts.invitations, InvitationsRead: opts.invitationsRead})
	if err != nil {
		return nil, nil, err
	}
	el := facts.Eligibility
	targets, err := s.redirectTargets(ctx, u, c)
	if err != nil {
		return nil, nil, err
	}
	d.Eligibility, d.RulesPassed = s.aplRuleRows(lang, el, targets)
	d.RulesTotal, d.Eligible = len(el.Results), el.Eligible()
	d.BudgetChecks = s.aplBudgetChecks(lang, a.Budget, c, d.OrgName)
	d.Totals = s.aplBudgetTotals(lang, a.Budget)

	files := facts.Attachments
	for _, f := range files {
		d.Attachments = append(d.Attachments, s.aplFileRow(lang, f, d.DocumentName))
	}
	for _, doc := range coopdec.RequiredDocuments(c, files) {
		row := aplDocRow{Code: doc.Code, Name: d.DocumentName(doc.Code)}
		for _, f := range doc.Files {
			row.Files = append(row.Files, f.Name)
		}
		d.Documents = append(d.Documents, row)
	}

	s.aplPartnerStatesFrom(d, a, facts.Confirmations)
	if coopdec.CanMessage(u, a, c) {
		if d.MessagesCount, err = s.db.MessageCount(ctx, a.ID); err != nil {
			return nil, nil, err
		}
	}
	d.SubmitKey = aplSubmitKey()
	if a.Status != coopdec.ApplicationDraft {
		if d.Result, err = s.applicationResultView(ctx, lang, u, a, c, now); err != nil {
			return nil, nil, err
		}
	}

	v := s.newView(r, "", d)
	v.Title = d.Title
	v.Form = form
	return v, d, nil
}

// aplFormChoices fills what the form offers: rows, themes, countries,
// organisations and documents.
func (s *Server) aplFormChoices(ctx context.Context, d *aplPageData, a *coopdec.Application, c *coopdec.Call, opts aplViewOpts) error {
	lang := d.lang
	for _, g := range aplGroups {
		d.Rows[g.Prefix] = g.rows(d.form, opts.extra[g.Prefix])
	}
	if len(c.Themes) > 0 {
		for _, code := range c.Themes {
			if th, ok := coopdec.ThemeByCode(code); ok {
				d.Themes = append(d.Themes, th)
			}
		}
	} else {
		d.Themes = coopdec.Themes()
	}
	for _, code := range d.form["themes"] {
		if th, ok := coopdec.ThemeByCode(code); ok && !slices.ContainsFunc(d.Themes, func(x coopdec.Theme) bool { return x.Code == code }) {
			d.Themes = append(d.Themes, th)
		}
	}
	d.Countries = aplCountryChoices(lang, coopdec.EligibleCountries(c.Rules), d.form["countries"])
	if len(c.Rules.BeneficiaryCountries) > 0 || len(d.form["beneficiary_countries"]) > 0 {
		d.ShowBenef = true
		var eligible []string
		if len(c.Rules.BeneficiaryCountries) > 0 {
			eligible = coopdec.EligibleCountries(coopdec.EligibilityRules{Countries: c.Rules.BeneficiaryCountries})
		}
		d.Beneficiaries = aplCountryChoices(lang, eligible, d.form["beneficiary_countries"])
	}
	if err := s.aplOrgChoices(ctx, d, a); err != nil {
		return err
	}
	// The partner lines name the consortium's registered partners, and
	// keep a partner they name already.
	var partnerIDs []string
	for _, i := range d.Rows["partners"] {
		partnerIDs = append(partnerIDs, d.form.Get(aplPartners.key(i, "organisation_id")))
	}
	for _, i := range d.Rows["budget.financing"] {
		partnerIDs = append(partnerIDs, d.form.Get(aplFinancing.key(i, "partner_organisation_id")))
	}
	for _, v := range partnerIDs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 || id == a.LeadOrganisationID {
			continue
		}
		if !slices.ContainsFunc(d.Consortium, func(o aplChoice) bool { return o.ID == id }) {
			d.Consortium = append(d.Consortium, aplChoice{ID: id, Label: d.OrgName(id)})
		}
	}
	codes := slices.Clone(c.Rules.RequiredDocuments)
	if opts.mode == aplCorrection && opts.correction != nil {
		codes = slices.Clone(opts.correction.Documents)
	} else {
		codes = append(codes, aplOtherDocument)
	}
	for _, code := range codes {
		d.DocChoices = append(d.DocChoices, aplDocChoice{Code: code, Name: d.DocumentName(code)})
	}
	return nil
}

// aplOrgChoicesMax bounds the registered organisations a partner's list
// offers: there may be thousands of foreign authorities, and every row
// repeats the list.
const aplOrgChoicesMax = 50

// aplFindPartners is the action of the partners' search button: save the
// form, then offer the organisations matching the search field.
const aplFindPartners = "find:partners"

// aplOrgChoices fills the partners' lists of registered organisations:
// the lead itself, the organisations the form names already, and at most
// aplOrgChoicesMax others matching the form's search field (the first
// by name when it is empty), all by name.
func (s *Server) aplOrgChoices(ctx context.Context, d *aplPageData, a *coopdec.Application) error {
	d.OrgQuery = strings.TrimSpace(d.form.Get("organisations"))
	found, more, err := s.db.OrganisationChoices(ctx, aplRegisteredKinds, d.OrgQuery, aplOrgChoicesMax)
	if err != nil {
		return err
	}
	d.OrgFound, d.OrgMore = len(found), more
	list := found
	seen := map[int64]bool{a.LeadOrganisationID: true}
	for _, o := range found {
		seen[o.ID] = true
	}
	for _, i := range d.Rows["partners"] {
		id, err := strconv.ParseInt(d.form.Get(aplPartners.key(i, "organisation_id")), 10, 64)
		if o, ok := d.orgs[id]; err == nil && ok && !seen[id] {
			seen[id] = true
			list = append(list, o)
		}
	}
	sorted := make([]aplChoice, 0, len(list))
	keys := make(map[int64]string, len(list))
	for _, o := range list {
		label := o.Name
		if o.Country != "" {
			label += " (" + coopdec.Country{Code: o.Country}.Name(d.lang) + ")"
		}
		sorted = append(sorted, aplChoice{ID: o.ID, Label: label})
		keys[o.ID] = coopdec.Fold(o.Name)
		d.names[o.ID] = o.Name
	}
	slices.SortStableFunc(sorted, func(x, y aplChoice) int {
		return cmp.Or(strings.Compare(keys[x.ID], keys[y.ID]), cmp.Compare(x.ID, y.ID))
	})
	// The lead may describe its own part, with the lead role.
	d.Registered = append(make([]aplChoice, 0, len(sorted)+1),
		aplChoice{ID: a.LeadOrganisationID, Label: d.t("applicant.partner.lead_self", d.OrgName(a.LeadOrganisationID))})
	d.Registered = append(d.Registered, sorted...)
	return nil
}

// OrgSearchNote says what the partners' lists hold after a search, empty
// when all the registered organisations are there.
func (d *aplPageData) OrgSearchNote() string {
	switch {
	case d.OrgMore:
		return d.t("applicant.partners.find.more", aplOrgChoicesMax)
	case d.OrgQuery != "" && d.OrgFound == 0:
		return d.t("applicant.partners.find.none", d.OrgQuery)
	case d.OrgQuery != "":
		return d.t("applicant.partners.find.found", d.OrgQuery, d.OrgFound)
	}
	return ""
}

// countryOptions draws the options of a country list, every country
// sorted by name, cur selected.
func (d *aplPageData) countryOptions(b *strings.Builder, cur string) {
	countryOptionsTo(b, d.lang, cur, "")
}

// aplCountryChoices lists the eligible countries, then those chosen that are
// not eligible (so that they can be unchecked); with no eligible list,
// every country.
func aplCountryChoices(lang string, eligible, chosen []string) []aplCountryChoice {
	var out []aplCountryChoice
	if len(eligible) == 0 {
		for _, c := range coopdec.SortedCountries(lang) {
			if c.Code != "FR" || slices.Contains(chosen, c.Code) {
				out = append(out, aplCountryChoice{Code: c.Code, Name: c.Name(lang), Eligible: true})
			}
		}
		return out
	}
	for _, c := range coopdec.SortedCountries(lang) {
		if slices.Contains(eligible, c.Code) {
			out = append(out, aplCountryChoice{Code: c.Code, Name: c.Name(lang), Eligible: true})
		}
	}
	for _, code := range chosen {
		if !slices.Contains(eligible, code) && !slices.ContainsFunc(out, func(x aplCountryChoice) bool { return x.Code == code }) {
			out = append(out, aplCountryChoice{Code: code, Name: coopdec.Country{Code: code}.Name(lang)})
		}
	}
	return out
}

// aplRuleHrefs links an eligibility rule's field to the control that changes
// it.
var aplRuleHrefs = map[string]string{
	"countries": "#countries", "partners": "#partners", "beneficiary_countries": "#beneficiary_countries",
	"total_cost": "#budget", "grant_requested": "#budget", "own_cash": "#budget", "in_kind": "#budget",
	"duration_months": "#duration_months", "documents": "#documents", "themes": "#themes",
}

// aplRuleRows puts an eligibility check in lang, and counts the rules
// passed.
func (s *Server) aplRuleRows(lang string, el coopdec.Eligibility, targets *redirectTargets) ([]aplRuleRow, int) {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	el = el.HideRedirects(targets.Visible)
	rows := make([]aplRuleRow, 0, len(el.Results))
	passed := 0
	for _, res := range el.Results {
		if res.Status == coopdec.RulePassed {
			passed++
		}
		row := aplRuleRow{Rule: res.Rule, Status: string(res.Status), Message: res.Message(lang, t),
			StatusLabel: t("callpages.result." + string(res.Status)), Href: aplRuleHrefs[res.Field]}
		if res.RedirectCallID != 0 {
			row.LinkHref = "/appels/" + strconv.FormatInt(res.RedirectCallID, 10)
			row.LinkText = t("callpages.result.redirect")
		}
		rows = append(rows, row)
	}
	return rows, passed
}

// aplBudgetChecks explains what the budget as a whole lacks, in lang.
func (s *Server) aplBudgetChecks(lang string, b coopdec.Budget, c *coopdec.Call, orgName func(int64) string) []aplCheckRow {
	out := []aplCheckRow{}
	for _, e := range coopdec.CheckBudget(b, c) {
		args := coopdec.LocalizeArgs(lang, e.Args, orgName)
		out = append(out, aplCheckRow{Field: e.Field, Href: "#" + aplControl(e.Field), Message: s.cat.T(lang, e.Key, args...)})
	}
	return out
}

// aplBudgetTotals sums the budget as the page shows it.
func (s *Server) aplBudgetTotals(lang string, b coopdec.Budget) []aplTotalRow {
	t := b.Totals()
	money := func(c int64) string { return coopdec.FormatEuroCents(lang, c) }
	share := func(part int64) string {
		if t.ExpensesCents <= 0 {
			return money(part)
		}
		bp := int(part * 10000 / t.ExpensesCents) // amounts are far below overflow
		return s.cat.T(lang, "applicant.budget.with_share", money(part), coopdec.FormatBasisPoints(lang, bp))
	}
	rows := []aplTotalRow{
		{"expenses", s.cat.T(lang, "applicant.budget.total.expenses"), money(t.ExpensesCents)},
		{"financing", s.cat.T(lang, "applicant.budget.total.financing"), money(t.FinancingCents)},
	}
	switch d := t.FinancingCents - t.ExpensesCents; {
	case d < 0:
		rows = append(rows, aplTotalRow{"gap", s.cat.T(lang, "applicant.budget.total.short"), money(-d)})
	case d > 0:
		rows = append(rows, aplTotalRow{"gap", s.cat.T(lang, "applicant.budget.total.over"), money(d)})
	}
	rows = append(rows,
		aplTotalRow{"grant", s.cat.T(lang, "applicant.budget.total.grant"), share(t.GrantCents)},
		aplTotalRow{"own", s.cat.T(lang, "applicant.budget.total.own"), share(t.OwnCashCents + t.OwnInKindCents)},
		aplTotalRow{"partners", s.cat.T(lang, "applicant.budget.total.partners"), money(t.PartnerCents)},
		aplTotalRow{"other", s.cat.T(lang, "applicant.budget.total.other"), money(t.OtherCents)},
	)
	return rows
}

func (s *Server) aplFileRow(lang string, f coopdec.Attachment, docName func(string) string) aplFile {
	return aplFile{Attachment: f, Document: docName(f.DocumentCode), Size: aplFormatSize(lang, f.SizeBytes), Added: newInstant(f.CreatedAt)}
}

// aplFormatSize writes a file's size in kilobytes or megabytes, with the
// units and decimal mark of lang.
func aplFormatSize(lang string, n int64) string {
	dec, b, kb, mb := ",", "B", "KB", "MB"
	switch lang {
	case "fr":
		b, kb, mb = "o", "ko", "Mo"
	case "en":
		dec = "."
	}
	switch {
	case n >= 1<<20:
		tenths := n * 10 / (1 << 20)
		return strconv.FormatInt(tenths/10, 10) + dec + strconv.FormatInt(tenths%10, 10) + "\u00a0" + mb
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + "\u00a0" + kb
	}
	return strconv.FormatInt(n, 10) + "\u00a0" + b
}

// aplPartnerStates says where each declared partner's confirmation
// stands, for the rows of the form that still show the stored partner.
func (s *Server) aplPartnerStates(ctx context.Context, d *aplPageData, a *coopdec.Application) error {
	list, err := s.db.ListPartnerConfirmations(ctx, a.ID)
	if err != nil {
		return err
	}
	s.aplPartnerStatesFrom(d, a, list)
	return nil
}

// aplPartnerStatesFrom is aplPartnerStates with the application's
// invitations read already.
func (s *Server) aplPartnerStatesFrom(d *aplPageData, a *coopdec.Application, list []coopdec.PartnerConfirmation) {
	d.Partners = map[int]aplPartnerState{}
	for i, p := range a.Partners {
		if d.mode == aplDraft && (strings.TrimSpace(d.form.Get(aplPartners.key(i, "name"))) != p.Name ||
			!strings.EqualFold(strings.TrimSpace(d.form.Get(aplPartners.key(i, "country"))), p.Country)) {
			continue // the row was changed or moved since it was saved
		}
		st := aplPartnerState{Lead: p.Role == coopdec.RoleLeadPartner, Language: aplPartnerLanguage(p.Country)}
		status, pc := coopdec.ConfirmationState(p, list)
		st.Status = string(status)
		if pc != nil {
			st.Email, st.Invited, st.Expires = pc.Email, newInstant(pc.CreatedAt), newInstant(pc.ExpiresAt)
			st.Representative, st.Comment, st.Language = pc.Representative, pc.Comment, pc.Language
		}
		switch status {
		case "":
			st.Label = d.t("applicant.partner.state.none")
		case coopdec.ConfirmationPending:
			st.Label = d.t("applicant.partner.state.pending", st.Email, st.Invited.Paris, st.Expires.Paris)
		case coopdec.ConfirmationConfirmed:
			st.Label = d.t("applicant.partner.state.confirmed", st.Representative, newInstant(pc.RespondedAt).Paris)
		case coopdec.ConfirmationDeclined:
			st.Label = d.t("applicant.partner.state.declined", st.Representative, newInstant(pc.RespondedAt).Paris)
		case coopdec.ConfirmationLapsed:
			st.Label = d.t("applicant.partner.state.lapsed")
			st.Comment = ""
		}
		if pc != nil && status == coopdec.ConfirmationPending && !pc.ExpiresAt.After(s.db.Now()) {
			st.Label = d.t("applicant.partner.state.expired", st.Email)
		}
		d.Partners[i] = st
	}
}

// aplPartnerLanguage guesses the language of a partner's invitation from its
// country; the applicant may choose another.
func aplPartnerLanguage(country string) string {
	switch strings.ToUpper(country) {
	case "BR", "PT", "AO", "MZ", "CV", "GW", "ST", "TL":
		return "pt"
	case "AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI", "PA", "PE", "PY", "SV", "UY", "VE":
		return "es"
	case "BE", "BF", "BI", "BJ", "CD", "CF", "CG", "CI", "CM", "DJ", "DZ", "GA", "GN", "HT", "KM", "LB", "LU", "MA", "MC",
		"MG", "ML", "MR", "NE", "RW", "SN", "TD", "TG", "TN", "CH":
		return "fr"
	}
	return "en"
}

// aplCorrections lists the correction requests, and the open one the
// reader may answer.
func (s *Server) aplCorrections(ctx context.Context, d *aplPageData, a *coopdec.Application, u *coopdec.User, now time.Time) error {
	list, err := s.db.ListCorrections(ctx, a.ID)
	if err != nil {
		return err
	}
	for i := len(list) - 1; i >= 0; i-- { // newest first
		cr := list[i]
		row := aplCorrectionRow{CorrectionRequest: cr, Due: newInstant(cr.DueAt), Created: newInstant(cr.CreatedAt),
			Answered: newInstant(cr.AnsweredAt), Overdue: cr.Status == coopdec.CorrectionOpen && now.After(cr.DueAt)}
		for _, f := range cr.Fields {
			row.FieldNames = append(row.FieldNames, d.t("applicant.section."+f))
		}
		for _, doc := range cr.Documents {
			row.DocNames = append(row.DocNames, d.DocumentName(doc))
		}
		d.Corrections = append(d.Corrections, row)
		if cr.Status == coopdec.CorrectionOpen && coopdec.CanAnswerCorrection(u, a, &cr, now) == nil {
			r := row
			d.Open = &r
		}
	}
	if d.Open != nil {
		pending, err := s.db.PendingAttachments(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, f := range pending {
			d.Pending = append(d.Pending, s.aplFileRow(d.lang, f, d.DocumentName))
		}
	}
	return nil
}

// orgOrNil is organisation id among orgs, nil when it is not there.
func orgOrNil(orgs map[int64]coopdec.Organisation, id int64) *coopdec.Organisation {
	if o, ok := orgs[id]; ok {
		return &o
	}
	return nil
}
