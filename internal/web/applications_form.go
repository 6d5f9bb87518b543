package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The application form: its controls are named and identified by the
// fields of Application.Validate (texts.fr.title, activities.0.end,
// budget.financing.2.amount_cents…), so that an error, a merge choice and a
// correction request all name a control. Amounts are typed in euros and
// read exactly into cents.

// aplGroup is a repeated group of the form: its rows are numbered, blank
// rows are dropped, and rows can be added and removed without JavaScript.
type aplGroup struct {
	Prefix string
	Fields []string
	Max    int // the most rows read; Validate refuses more anyway
}

var (
	aplActivities = aplGroup{"activities", []string{"title", "description", "start", "end"}, 150}
	aplResults    = aplGroup{"results", []string{"indicator", "unit", "baseline", "target"}, 100}
	aplPartners   = aplGroup{"partners", []string{"organisation_id", "name", "kind", "country", "role",
		"contribution", "contribution_cents", "in_kind"}, 100}
	aplExpenses  = aplGroup{"budget.expenses", []string{"category", "label", "amount_cents"}, coopdec.BudgetLinesMax + 50}
	aplFinancing = aplGroup{"budget.financing", []string{"source", "funder_organisation_id", "partner_organisation_id",
		"label", "amount_cents", "in_kind"}, coopdec.BudgetLinesMax + 50}
)

// aplGroups lists the repeated groups in the form's order.
var aplGroups = []aplGroup{aplActivities, aplResults, aplPartners, aplExpenses, aplFinancing}

func aplGroupByPrefix(prefix string) (aplGroup, bool) {
	for _, g := range aplGroups {
		if g.Prefix == prefix {
			return g, true
		}
	}
	return aplGroup{}, false
}

func (g aplGroup) key(i int, field string) string {
	return g.Prefix + "." + strconv.Itoa(i) + "." + field
}

// indexes returns the row numbers the form holds for g, in order.
func (g aplGroup) indexes(f url.Values) []int {
	seen := map[int]bool{}
	p := g.Prefix + "."
	for k := range f {
		rest, ok := strings.CutPrefix(k, p)
		if !ok {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		if !ok || !slices.Contains(g.Fields, field) {
			continue
		}
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= g.Max {
			continue
		}
		seen[i] = true
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

func (g aplGroup) blank(f url.Values, i int) bool {
	for _, field := range g.Fields {
		if strings.TrimSpace(f.Get(g.key(i, field))) != "" {
			return false
		}
	}
	return true
}

// compact renumbers g's rows from 0 in f, dropping blank rows, so that the
// form's numbers are the application's list indexes. It returns the new
// number of each old one (-1 for a dropped row).
func (g aplGroup) compact(f url.Values) map[int]int {
	moved := map[int]int{}
	type row map[string][]string
	var keep []row
	for _, i := range g.indexes(f) {
		blank := g.blank(f, i)
		r := row{}
		for _, field := range g.Fields {
			if vs, ok := f[g.key(i, field)]; ok {
				r[field] = vs
			}
			delete(f, g.key(i, field))
		}
		if blank {
			moved[i] = -1
			continue
		}
		moved[i] = len(keep)
		keep = append(keep, r)
	}
	for i, r := range keep {
		for field, vs := range r {
			f[g.key(i, field)] = vs
		}
	}
	return moved
}

// remove deletes row i of g from f and moves the rows after it up.
func (g aplGroup) remove(f url.Values, i int) {
	for _, field := range g.Fields {
		delete(f, g.key(i, field))
	}
	for _, j := range g.indexes(f) {
		if j < i {
			continue
		}
		for _, field := range g.Fields {
			if vs, ok := f[g.key(j, field)]; ok {
				f[g.key(j-1, field)] = vs
				delete(f, g.key(j, field))
			}
		}
	}
}

// blanks counts g's blank rows in f: "add a row" keeps them and adds one.
func (g aplGroup) blanks(f url.Values) int {
	n := 0
	for _, i := range g.indexes(f) {
		if g.blank(f, i) {
			n++
		}
	}
	return n
}

// rows lists the row numbers to show for g: those filled, then extra
// blank ones, and one blank row at least when the group is empty.
func (g aplGroup) rows(f url.Values, extra int) []int {
	n := 0
	if idx := g.indexes(f); len(idx) > 0 {
		n = idx[len(idx)-1] + 1
	}
	total := n + extra
	if total == 0 {
		total = 1
	}
	out := make([]int, total)
	for i := range out {
		out[i] = i
	}
	return out
}

// aplRowAction is what a button of the form asks besides saving: add a row to
// a group, or remove one.
type aplRowAction struct {
	Add    bool
	Group  aplGroup
	Remove int
}

// aplParseRowAction reads the action button: "add:activities",
// "remove:budget.expenses.3". ok is false for a plain save.
func aplParseRowAction(s string) (aplRowAction, bool) {
	switch {
	case strings.HasPrefix(s, "add:"):
		g, ok := aplGroupByPrefix(strings.TrimPrefix(s, "add:"))
		return aplRowAction{Add: true, Group: g}, ok
	case strings.HasPrefix(s, "remove:"):
		rest := strings.TrimPrefix(s, "remove:")
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			return aplRowAction{}, false
		}
		g, ok := aplGroupByPrefix(rest[:i])
		n, err := strconv.Atoi(rest[i+1:])
		if !ok || err != nil || n < 0 || n >= g.Max {
			return aplRowAction{}, false
		}
		return aplRowAction{Group: g, Remove: n}, true
	}
	return aplRowAction{}, false
}

// aplFormValues writes an application into the form's values.
func aplFormValues(a *coopdec.Application) url.Values {
	f := url.Values{}
	for lang, t := range a.Texts {
		p := "texts." + lang + "."
		f.Set(p+"title", t.Title)
		f.Set(p+"summary", t.Summary)
		f.Set(p+"context", t.Context)
		f.Set(p+"objectives", t.Objectives)
		f.Set(p+"sustainability", t.Sustainability)
	}
	f["themes"] = slices.Clone(a.Themes)
	f["countries"] = slices.Clone(a.Countries)
	f["beneficiary_countries"] = slices.Clone(a.BeneficiaryCountries)
	f.Set("places", strings.Join(a.Places, "\n"))
	f.Set("duration_months", aplMonthsInput(a.DurationMonths))
	for i, ac := range a.Activities {
		g := aplActivities
		f.Set(g.key(i, "title"), ac.Title)
		f.Set(g.key(i, "description"), ac.Description)
		f.Set(g.key(i, "start"), aplMonthsInput(ac.StartMonth))
		f.Set(g.key(i, "end"), aplMonthsInput(ac.EndMonth))
	}
	for i, r := range a.Results {
		g := aplResults
		f.Set(g.key(i, "indicator"), r.Indicator)
		f.Set(g.key(i, "unit"), r.Unit)
		f.Set(g.key(i, "baseline"), r.Baseline)
		f.Set(g.key(i, "target"), r.Target)
	}
	for i, p := range a.Partners {
		g := aplPartners
		f.Set(g.key(i, "organisation_id"), aplIDInput(p.OrganisationID))
		f.Set(g.key(i, "name"), p.Name)
		f.Set(g.key(i, "kind"), string(p.Kind))
		f.Set(g.key(i, "country"), p.Country)
		f.Set(g.key(i, "role"), string(p.Role))
		f.Set(g.key(i, "contribution"), p.Contribution)
		f.Set(g.key(i, "contribution_cents"), formatCentsInput(p.ContributionCents))
		if p.InKind {
			f.Set(g.key(i, "in_kind"), "1")
		}
	}
	for i, e := range a.Budget.Expenses {
		g := aplExpenses
		f.Set(g.key(i, "category"), string(e.Category))
		f.Set(g.key(i, "label"), e.Label)
		f.Set(g.key(i, "amount_cents"), aplAmountInput(e.AmountCents))
	}
	for i, l := range a.Budget.Financing {
		g := aplFinancing
		f.Set(g.key(i, "source"), string(l.Source))
		f.Set(g.key(i, "funder_organisation_id"), aplIDInput(l.FunderOrganisationID))
		f.Set(g.key(i, "partner_organisation_id"), aplIDInput(l.PartnerOrganisationID))
		f.Set(g.key(i, "label"), l.Label)
		f.Set(g.key(i, "amount_cents"), aplAmountInput(l.AmountCents))
		if l.InKind {
			f.Set(g.key(i, "in_kind"), "1")
		}
	}
	f.Set("version", strconv.Itoa(a.Version))
	return f
}

// aplAmountInput writes a budget amount; a line of 0 € shows 0, so that a
// line the applicant kept does not read as blank.
func aplAmountInput(cents int64) string {
	if cents == 0 {
		return "0"
	}
	return formatCentsInput(cents)
}

func aplMonthsInput(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func aplIDInput(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// aplFromForm reads an application's content from f, whose rows are
// compacted. The errors are those of reading (amounts, months, choices);
// ValidateDraft checks the rest.
func aplFromForm(f url.Values) (*coopdec.Application, coopdec.Errors) {
	var errs coopdec.Errors
	fail := func(err error) {
		var e *coopdec.Error
		if errors.As(err, &e) {
			errs = append(errs, e)
		}
	}
	id := func(field string) int64 {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, coopdec.FieldError(field, "applicant.choice.invalid"))
			return 0
		}
		return n
	}
	months := func(field string) int {
		n, _, err := parseMonths(field, f.Get(field))
		if err != nil {
			fail(err)
		}
		return n
	}
	money := func(field string) int64 {
		n, _, err := parseEuroCents(field, f.Get(field))
		if err != nil {
			fail(err)
		}
		return n
	}

	a := &coopdec.Application{Texts: map[string]coopdec.ApplicationText{}}
	for _, lang := range coopdec.Languages {
		p := "texts." + lang + "."
		t := coopdec.ApplicationText{Title: f.Get(p + "title"), Summary: f.Get(p + "summary"), Context: f.Get(p + "context"),
			Objectives: f.Get(p + "objectives"), Sustainability: f.Get(p + "sustainability")}
		if t != (coopdec.ApplicationText{}) {
			a.Texts[lang] = t
		}
	}
	a.Themes = aplNonBlank(f["themes"])
	a.Countries = aplNonBlank(f["countries"])
	a.BeneficiaryCountries = aplNonBlank(f["beneficiary_countries"])
	a.Places = aplNonBlank(strings.Split(strings.ReplaceAll(f.Get("places"), "\r\n", "\n"), "\n"))
	a.DurationMonths = months("duration_months")

	for _, i := range aplActivities.indexes(f) {
		g := aplActivities
		a.Activities = append(a.Activities, coopdec.Activity{Title: f.Get(g.key(i, "title")), Description: f.Get(g.key(i, "description")),
			StartMonth: months(g.key(i, "start")), EndMonth: months(g.key(i, "end"))})
	}
	for _, i := range aplResults.indexes(f) {
		g := aplResults
		a.Results = append(a.Results, coopdec.Result{Indicator: f.Get(g.key(i, "indicator")), Unit: f.Get(g.key(i, "unit")),
			Baseline: f.Get(g.key(i, "baseline")), Target: f.Get(g.key(i, "target"))})
	}
	for _, i := range aplPartners.indexes(f) {
		g := aplPartners
		a.Partners = append(a.Partners, coopdec.Partner{
			OrganisationID: id(g.key(i, "organisation_id")), Name: f.Get(g.key(i, "name")),
			Kind: coopdec.OrgKind(strings.TrimSpace(f.Get(g.key(i, "kind")))), Country: f.Get(g.key(i, "country")),
			Role:         coopdec.PartnerRole(strings.TrimSpace(f.Get(g.key(i, "role")))),
			Contribution: f.Get(g.key(i, "contribution")), ContributionCents: money(g.key(i, "contribution_cents")),
			InKind: f.Get(g.key(i, "in_kind")) != "",
		})
	}
	for _, i := range aplExpenses.indexes(f) {
		g := aplExpenses
		a.Budget.Expenses = append(a.Budget.Expenses, coopdec.ExpenseLine{
			Category: coopdec.ExpenseCategory(strings.TrimSpace(f.Get(g.key(i, "category")))),
			Label:    strings.TrimSpace(f.Get(g.key(i, "label"))), AmountCents: money(g.key(i, "amount_cents"))})
	}
	for _, i := range aplFinancing.indexes(f) {
		g := aplFinancing
		l := coopdec.FinancingLine{
			Source:               coopdec.FundingSource(strings.TrimSpace(f.Get(g.key(i, "source")))),
			FunderOrganisationID: id(g.key(i, "funder_organisation_id")), PartnerOrganisationID: id(g.key(i, "partner_organisation_id")),
			Label: strings.TrimSpace(f.Get(g.key(i, "label"))), AmountCents: money(g.key(i, "amount_cents")),
			InKind: f.Get(g.key(i, "in_kind")) != "",
		}
		// A select keeps its choice when the source changes: only the
		// choice that goes with the source counts.
		if l.Source != coopdec.FundingGrant {
			l.FunderOrganisationID = 0
		}
		if l.Source != coopdec.FundingPartner {
			l.PartnerOrganisationID = 0
		}
		if l.Source == coopdec.FundingGrant || l.Source == coopdec.FundingOwnCash || l.Source == coopdec.FundingOwnInKind {
			l.InKind = false
		}
		a.Budget.Financing = append(a.Budget.Financing, l)
	}
	if v, err := strconv.Atoi(strings.TrimSpace(f.Get("version"))); err == nil {
		a.Version = v
	} else {
		a.Version = -1 // a form without its version cannot prove it is fresh
	}
	return a, errs
}

func aplNonBlank(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// aplWithContent returns base with the content of from: what the form edits.
// Identity, status and dates stay base's.
func aplWithContent(base, from *coopdec.Application) *coopdec.Application {
	out := *base
	out.Texts, out.Themes, out.Countries, out.Places = from.Texts, from.Themes, from.Countries, from.Places
	out.Activities, out.DurationMonths, out.Results = from.Activities, from.DurationMonths, from.Results
	out.Partners, out.BeneficiaryCountries, out.Budget = from.Partners, from.BeneficiaryCountries, from.Budget
	return &out
}

// aplWithFields returns base with the top-level fields named taken from from:
// a correction's answer changes those only.
func aplWithFields(base, from *coopdec.Application, fields []string) *coopdec.Application {
	out := *base
	for _, f := range fields {
		switch f {
		case "texts":
			out.Texts = from.Texts
		case "themes":
			out.Themes = from.Themes
		case "countries":
			out.Countries = from.Countries
		case "places":
			out.Places = from.Places
		case "activities":
			out.Activities = from.Activities
		case "duration_months":
			out.DurationMonths = from.DurationMonths
		case "results":
			out.Results = from.Results
		case "partners":
			out.Partners = from.Partners
		case "beneficiary_countries":
			out.BeneficiaryCountries = from.BeneficiaryCountries
		case "budget":
			out.Budget = from.Budget
		}
	}
	return &out
}

// aplFieldControls says where an error that names no single control is
// shown: a list's first control or its fieldset. "" shows it in the
// summary only.
var aplFieldControls = map[string]string{
	"texts":                "",
	"call_id":              "",
	"lead_organisation_id": "",
	"lead":                 "",
	"status":               "",
	"version":              "",
	"idempotency_key":      "",
	"total_cost":           "budget",
	"grant_requested":      "budget",
	"own_cash":             "budget",
	"in_kind":              "budget",
	"attachments":          "file",
}

// aplControl returns the id of the control an error's field is shown
// against.
func aplControl(field string) string {
	if c, ok := aplFieldControls[field]; ok {
		return c
	}
	if strings.HasPrefix(field, "places.") {
		return "places"
	}
	if strings.HasPrefix(field, "attachments.") {
		return "file"
	}
	return field
}

// aplAddErrors shows reading and validation errors on the form, each
// against its control; a field that could not be read is not reported
// twice. rename maps fields of another form (an invitation's email);
// orgName names the organisations messages mention.
func aplAddErrors(v *view, parsed coopdec.Errors, err error, rename map[string]string, orgName func(int64) string) {
	seen := map[string]bool{}
	names := aplLabeler{lang: v.Lang, t: v.T}
	add := func(e *coopdec.Error) {
		field := aplControl(e.Field)
		if r, ok := rename[e.Field]; ok {
			field = r
		}
		args := e.Args
		if !strings.HasPrefix(e.Key, "eligibility.") {
			args = aplNamedArgs(args, orgName)
		}
		n := len(v.ErrorList)
		v.addError(&coopdec.Error{Code: e.Code, Key: e.Key, Args: args, Field: field})
		// The summary names the field, so that "This field is required"
		// twelve times still says which twelve; next to the field, its
		// label already does.
		if e.Field != "" && len(v.ErrorList) == n+1 {
			if label := names.label(e.Field); label != "" && !strings.HasPrefix(label, "applicant.") {
				v.ErrorList[n].Message = v.T("applicant.error.labelled", label, v.ErrorList[n].Message)
			}
		}
	}
	for _, e := range parsed {
		seen[e.Field] = true
		add(e)
	}
	if err == nil {
		return
	}
	var list coopdec.Errors
	if !errors.As(err, &list) {
		var e *coopdec.Error
		if !errors.As(err, &e) {
			v.addError(err)
			return
		}
		list = coopdec.Errors{e}
	}
	for _, e := range list {
		if !seen[e.Field] {
			add(e)
		}
	}
}

// aplNamedArgs replaces organisation IDs among a message's args by their
// names; the other args are put in words by the view.
func aplNamedArgs(args []any, orgName func(int64) string) []any {
	if orgName == nil {
		return args
	}
	out := slices.Clone(args)
	for i, a := range out {
		if id, ok := a.(coopdec.OrganisationArg); ok {
			out[i] = orgName(int64(id))
		}
	}
	return out
}
