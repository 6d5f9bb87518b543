package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The call form, one for creating and editing. Its controls are named and
// identified by the fields of Call.Validate (texts.fr.title, funders.0.share_bp,
// rules.excluded.0.country…), so that every error of the summary links to
// its control.

// Kinds of organisation that may co-manage or fund a call.
var (
	coManagerKinds = []coopdec.OrgKind{coopdec.OrgPartnerGovernment, coopdec.OrgRegionalCouncil, coopdec.OrgInternational}
	funderKinds    = []coopdec.OrgKind{coopdec.OrgMinistry, coopdec.OrgPartnerGovernment, coopdec.OrgRegionalCouncil, coopdec.OrgInternational}
)

// Where a Validate error that names no single control is shown.
var callFieldControls = map[string]string{
	"funders":                  "funders.0.share_bp",
	"texts":                    "texts.fr.title",
	"themes":                   "themes",
	"rules.lead_types":         "rules.lead_types",
	"rules.required_documents": "rules.required_documents",
	"status":                   "",
}

// callFormData is what the call form shows.
type callFormData struct {
	callRef
	form         url.Values
	Call         *coopdec.Call // nil for a new call
	Action       string
	Amendment    bool // the call is open or later: a change is an amendment
	Programmes   []coopdec.Programme
	CoManagers   []coopdec.Organisation
	Funders      []coopdec.Organisation
	Themes       []coopdec.Theme
	Documents    []string
	Calls        []callChoice // redirect targets
	FunderRows   []int
	ExcludedRows []int
	TextLangs    []string
	Groups       []coopdec.CountryGroup
	Conflict     bool // someone saved the call since the form was loaded
	docName      func(string) string
}

// callChoice is a call offered as a redirect target.
type callChoice struct {
	ID    int64
	Label string
}

// Has reports whether the form holds value under the repeatable name.
func (d *callFormData) Has(name, value string) bool { return slices.Contains(d.form[name], value) }

// DocumentName names a document code.
func (d *callFormData) DocumentName(code string) string { return d.docName(code) }

// GroupName names a country group in the reader's language.
func (d *callFormData) GroupName(g coopdec.CountryGroup) string { return g.Name(d.lang) }

// Field names a control of a numbered row, e.g. funders.0.share_bp.
func (d *callFormData) Field(prefix string, i int, name string) string {
	return prefix + "." + strconv.Itoa(i) + "." + name
}

// callFormView builds the form's view with its choices.
func (s *Server) callFormView(r *http.Request, c *coopdec.Call, form url.Values) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	d := &callFormData{callRef: callRef{refData{lang}}, form: form, Call: c, Action: "/appels",
		Themes: coopdec.Themes(), TextLangs: coopdec.Languages, Groups: coopdec.CountryGroups()}
	d.docName = func(code string) string { return s.documentName(lang, code) }
	title := "callpages.new.title"
	if c != nil {
		d.Action = "/appels/" + strconv.FormatInt(c.ID, 10)
		d.Amendment = coopdec.IsAmendment(c, s.db.Now())
		title = "callpages.edit.title"
	}
	var err error
	if d.Programmes, err = s.db.Programmes(ctx); err != nil {
		return nil, err
	}
	if d.CoManagers, err = s.db.OrganisationsOfKinds(ctx, coManagerKinds); err != nil {
		return nil, err
	}
	if d.Funders, err = s.db.OrganisationsOfKinds(ctx, funderKinds); err != nil {
		return nil, err
	}
	calls, _, err := s.db.SearchCalls(ctx, sqldb.CallFilter{IncludeDraftsFor: sqldb.DraftAccessFor(currentUser(r))},
		coopdec.NewPage(1, 100))
	if err != nil {
		return nil, err
	}
	for i := range calls {
		if c != nil && calls[i].ID == c.ID {
			continue
		}
		text, _ := calls[i].Text(lang)
		d.Calls = append(d.Calls, callChoice{ID: calls[i].ID, Label: calls[i].Reference + " — " + text.Title})
	}
	d.Documents = slices.Clone(callDocumentCodes)
	for _, doc := range form["rules.required_documents"] {
		if doc = strings.TrimSpace(doc); doc != "" && !slices.Contains(d.Documents, doc) {
			d.Documents = append(d.Documents, doc)
		}
	}
	d.FunderRows = formRows(form, "funders", "organisation_id", 3)
	d.ExcludedRows = formRows(form, "rules.excluded", "country", 2)
	v := s.newView(r, title, d)
	v.Form = form
	return v, nil
}

// formRows numbers the rows of a repeated group: those filled, then one
// blank at least, and min in all.
func formRows(form url.Values, prefix, name string, least int) []int {
	n := 0
	for i := 0; i < 50; i++ {
		if form.Get(prefix+"."+strconv.Itoa(i)+"."+name) != "" {
			n = i + 1
		}
	}
	n = max(n+1, least)
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// callFormValues writes a call into the form's values.
func callFormValues(c *coopdec.Call) url.Values {
	f := url.Values{}
	f.Set("programme_id", strconv.FormatInt(c.ProgrammeID, 10))
	f.Set("reference", c.Reference)
	for lang, t := range c.Texts {
		f.Set("texts."+lang+".title", t.Title)
		f.Set("texts."+lang+".summary", t.Summary)
		f.Set("texts."+lang+".body", t.Body)
	}
	for _, id := range c.CoManagers {
		f.Add("co_managers", strconv.FormatInt(id, 10))
	}
	for i, fu := range c.Funders {
		p := "funders." + strconv.Itoa(i) + "."
		f.Set(p+"organisation_id", strconv.FormatInt(fu.OrganisationID, 10))
		f.Set(p+"envelope_cents", formatCentsInput(fu.EnvelopeCents))
		f.Set(p+"share_bp", formatBPInput(fu.ShareBP))
	}
	f["themes"] = slices.Clone(c.Themes)
	f.Set("publish_at", formatParisInput(c.PublishAt))
	f.Set("opens_at", formatParisInput(c.OpensAt))
	f.Set("deadline", formatParisInput(c.Deadline))
	f.Set("evaluation_at", formatParisInput(c.EvaluationAt))
	f.Set("results_at", formatParisInput(c.ResultsAt))
	r := c.Rules
	f.Set("rules.countries", strings.Join(r.Countries, ", "))
	for i, e := range r.Excluded {
		p := "rules.excluded." + strconv.Itoa(i) + "."
		f.Set(p+"country", e.Country)
		if e.RedirectCallID != 0 {
			f.Set(p+"redirect_call_id", strconv.FormatInt(e.RedirectCallID, 10))
		}
	}
	for _, t := range r.LeadTypes {
		f.Add("rules.lead_types", string(t))
	}
	f.Set("rules.lead_region", r.LeadRegion)
	f.Set("rules.partner_countries", strings.Join(r.PartnerCountries, ", "))
	f.Set("rules.beneficiary_countries", strings.Join(r.BeneficiaryCountries, ", "))
	f.Set("rules.max_grant_cents", formatCentsInput(r.MaxGrantCents))
	f.Set("rules.max_funders_share_bp", formatBPInput(r.MaxFundersShareBP))
	f.Set("rules.min_own_share_bp", formatBPInput(r.MinOwnShareBP))
	f.Set("rules.max_in_kind_of_own_bp", formatBPInput(r.MaxInKindOfOwnBP))
	if r.MinDurationMonths > 0 {
		f.Set("rules.min_duration_months", strconv.Itoa(r.MinDurationMonths))
	}
	if r.MaxDurationMonths > 0 {
		f.Set("rules.max_duration_months", strconv.Itoa(r.MaxDurationMonths))
	}
	f["rules.required_documents"] = slices.Clone(r.RequiredDocuments)
	if r.NoOverdueReports {
		f.Set("rules.no_overdue_reports", "1")
	}
	if r.PartnersMustConfirm {
		f.Set("rules.partners_must_confirm", "1")
	}
	f.Set("decision_rule", string(c.DecisionRule))
	f.Set("updated_at", c.UpdatedAt.UTC().Format(time.RFC3339Nano))
	return f
}

// splitCodes splits a list of country codes typed with commas or spaces.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' })
}

// callFromForm reads a call from the form. Errors are those of reading
// (amounts, percentages, dates): the caller validates the rest.
func callFromForm(f url.Values) (*coopdec.Call, coopdec.Errors) {
	var errs coopdec.Errors
	c := &coopdec.Call{Texts: map[string]coopdec.CallText{}}
	id := func(field string) int64 {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, coopdec.FieldError(field, "callpages.choice.invalid"))
			return 0
		}
		return n
	}
	c.ProgrammeID = id("programme_id")
	c.Reference = f.Get("reference")
	for _, lang := range coopdec.Languages {
		p := "texts." + lang + "."
		t := coopdec.CallText{Title: f.Get(p + "title"), Summary: f.Get(p + "summary"), Body: f.Get(p + "body")}
		// An optional language left blank is no version of the call.
		if lang == "fr" || strings.TrimSpace(t.Title+t.Summary+t.Body) != "" {
			c.Texts[lang] = t
		}
	}
	for _, v := range f["co_managers"] {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			n = -1 // Validate names the problem
		}
		c.CoManagers = append(c.CoManagers, n)
	}
	for i := 0; i < 50; i++ {
		p := "funders." + strconv.Itoa(i) + "."
		org, env, share := f.Get(p+"organisation_id"), f.Get(p+"envelope_cents"), f.Get(p+"share_bp")
		if strings.TrimSpace(org+env+share) == "" {
			continue
		}
		fu := coopdec.Funder{OrganisationID: id(p + "organisation_id")}
		var err error
		if fu.EnvelopeCents, _, err = parseEuroCents(p+"envelope_cents", env); err != nil {
			errs = append(errs, err.(*coopdec.Error))
		}
		if fu.ShareBP, _, err = parsePercentBP(p+"share_bp", share); err != nil {
			errs = append(errs, err.(*coopdec.Error))
		}
		c.Funders = append(c.Funders, fu)
	}
	c.Themes = slices.Clone(f["themes"])
	for _, d := range []struct {
		field string
		to    *time.Time
	}{
		{"publish_at", &c.PublishAt}, {"opens_at", &c.OpensAt}, {"deadline", &c.Deadline},
		{"evaluation_at", &c.EvaluationAt}, {"results_at", &c.ResultsAt},
	} {
		t, err := parseParisTime(d.field, f.Get(d.field))
		if err != nil {
			errs = append(errs, err.(*coopdec.Error))
		}
		*d.to = t
	}
	r := &c.Rules
	r.Countries = splitCodes(f.Get("rules.countries"))
	for i := 0; i < 50; i++ {
		p := "rules.excluded." + strconv.Itoa(i) + "."
		country, redirect := strings.TrimSpace(f.Get(p+"country")), strings.TrimSpace(f.Get(p+"redirect_call_id"))
		if country == "" && redirect == "" {
			continue
		}
		r.Excluded = append(r.Excluded, coopdec.Exclusion{Country: country, RedirectCallID: id(p + "redirect_call_id")})
	}
	for _, t := range f["rules.lead_types"] {
		if t = strings.TrimSpace(t); t != "" {
			r.LeadTypes = append(r.LeadTypes, coopdec.AuthorityType(t))
		}
	}
	r.LeadRegion = f.Get("rules.lead_region")
	r.PartnerCountries = splitCodes(f.Get("rules.partner_countries"))
	r.BeneficiaryCountries = splitCodes(f.Get("rules.beneficiary_countries"))
	var err error
	if r.MaxGrantCents, _, err = parseEuroCents("rules.max_grant_cents", f.Get("rules.max_grant_cents")); err != nil {
		errs = append(errs, err.(*coopdec.Error))
	}
	for _, p := range []struct {
		field string
		to    *int
	}{
		{"rules.max_funders_share_bp", &r.MaxFundersShareBP}, {"rules.min_own_share_bp", &r.MinOwnShareBP},
		{"rules.max_in_kind_of_own_bp", &r.MaxInKindOfOwnBP},
	} {
		if *p.to, _, err = parsePercentBP(p.field, f.Get(p.field)); err != nil {
			errs = append(errs, err.(*coopdec.Error))
		}
	}
	if r.MinDurationMonths, _, err = parseMonths("rules.min_duration_months", f.Get("rules.min_duration_months")); err != nil {
		errs = append(errs, err.(*coopdec.Error))
	}
	if r.MaxDurationMonths, _, err = parseMonths("rules.max_duration_months", f.Get("rules.max_duration_months")); err != nil {
		errs = append(errs, err.(*coopdec.Error))
	}
	r.RequiredDocuments = slices.Clone(f["rules.required_documents"])
	r.NoOverdueReports = f.Get("rules.no_overdue_reports") != ""
	r.PartnersMustConfirm = f.Get("rules.partners_must_confirm") != ""
	c.DecisionRule = coopdec.DecisionRule(f.Get("decision_rule"))
	if v := f.Get("updated_at"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			// A tampered stamp cannot prove the form is fresh.
			t = time.Unix(0, 0)
		}
		c.UpdatedAt = t
	}
	return c, errs
}

// addCallErrors shows reading and validation errors on the form: a field
// that could not be read is not also reported by Validate.
func addCallErrors(v *view, parsed coopdec.Errors, err error) {
	seen := map[string]bool{}
	for _, e := range parsed {
		seen[e.Field] = true
		v.addError(e)
	}
	var list coopdec.Errors
	if err != nil && !errors.As(err, &list) {
		var e *coopdec.Error
		if errors.As(err, &e) {
			list = coopdec.Errors{e}
		}
	}
	for _, e := range list {
		if seen[e.Field] {
			continue
		}
		if ctl, ok := callFieldControls[e.Field]; ok {
			e = &coopdec.Error{Code: e.Code, Key: e.Key, Args: e.Args, Field: ctl}
		}
		v.addError(e)
	}
}

func (s *Server) callNewForm(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanCreateCall(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	form := url.Values{"decision_rule": {string(coopdec.DecisionAllParties)}}
	v, err := s.callFormView(r, nil, form)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "call_new", v)
}

func (s *Server) callCreate(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanCreateCall(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	c, parsed := callFromForm(r.PostForm)
	c.UpdatedAt = time.Time{}
	var err error
	if len(parsed) > 0 {
		err = c.Validate()
	} else {
		err = s.db.CreateCall(r.Context(), c, actor(r))
	}
	if len(parsed) == 0 && err == nil {
		http.Redirect(w, r, fmt.Sprintf("/appels/%d?ok=created", c.ID), http.StatusSeeOther)
		return
	}
	if err != nil && coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	v, verr := s.callFormView(r, nil, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	addCallErrors(v, parsed, err)
	s.render(w, r, http.StatusUnprocessableEntity, "call_new", v)
}

// editableCall loads the call of the path for its editors: not found when
// the reader may not see it, forbidden when they may see but not edit it.
func (s *Server) editableCall(r *http.Request) (*coopdec.Call, error) {
	c, err := s.viewableCall(r)
	if err != nil {
		return nil, err
	}
	if !coopdec.CanEditCall(currentUser(r), c) {
		return nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	return c, nil
}

func (s *Server) callEditForm(w http.ResponseWriter, r *http.Request) {
	c, err := s.editableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.callFormView(r, c, callFormValues(c))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "call_edit", v)
}

func (s *Server) callUpdate(w http.ResponseWriter, r *http.Request) {
	old, err := s.editableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	c, parsed := callFromForm(r.PostForm)
	c.ID, c.Status, c.CreatedAt = old.ID, old.Status, old.CreatedAt
	amendment := coopdec.IsAmendment(old, s.db.Now())
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if c.UpdatedAt.IsZero() {
		// Without the version the form was drawn from, a concurrent edit
		// would be overwritten unseen.
		parsed = append(parsed, coopdec.FieldError("updated_at", "call.changed"))
	}
	if err := coopdec.CheckCallChange(currentUser(r), old, c); err != nil {
		parsed = append(parsed, asErrors(err)...)
	}
	if len(parsed) > 0 {
		err = c.Validate()
		if amendment && reason == "" {
			parsed = append(parsed, coopdec.FieldError("reason", "call.amendment.reason_required"))
		}
	} else {
		err = s.updateCall(r.Context(), c, actor(r), reason)
	}
	if len(parsed) == 0 && err == nil {
		ok := "updated"
		if amendment {
			ok = "amended"
		}
		http.Redirect(w, r, fmt.Sprintf("/appels/%d?ok=%s", c.ID, ok), http.StatusSeeOther)
		return
	}
	code := coopdec.ErrorCode(err)
	if err != nil && code != coopdec.EINVALID && code != coopdec.ECONFLICT {
		s.error(w, r, err)
		return
	}
	v, verr := s.callFormView(r, old, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	status := http.StatusUnprocessableEntity
	if code == coopdec.ECONFLICT && len(parsed) == 0 {
		// Keep what was typed, but against the stored version: saving
		// again is a deliberate choice to overwrite.
		status = http.StatusConflict
		v.Form.Set("updated_at", old.UpdatedAt.UTC().Format(time.RFC3339Nano))
		v.Data.(*callFormData).Conflict = true
	}
	addCallErrors(v, parsed, err)
	s.render(w, r, status, "call_edit", v)
}

// callStatusChange moves a call along its lifecycle (publish a draft, start
// the evaluation…), only from the status the page showed: of two people
// publishing at once, the second is told the call changed.
func (s *Server) callStatusChange(w http.ResponseWriter, r *http.Request) {
	c, err := s.editableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := s.db.Now()
	current := coopdec.CallStatusAt(c, now)
	from := coopdec.CallStatus(r.PostFormValue("from"))
	to := coopdec.CallStatus(r.PostFormValue("to"))
	fail := func(status int, err error) {
		v, verr := s.callShowView(r, c)
		if verr != nil {
			s.error(w, r, verr)
			return
		}
		var list coopdec.Errors
		if !errors.As(err, &list) {
			list = coopdec.Errors{}
			var e *coopdec.Error
			if errors.As(err, &e) {
				list = append(list, e)
			}
		}
		for _, e := range list {
			// The status form has no control per field: the summary says it.
			v.addError(coopdec.Errorf(e.Code, e.Key, e.Args...))
		}
		if len(list) > 1 || len(list) == 1 && list[0].Field != "" {
			v.ErrorList = append([]formError{{Message: v.T("callpages.status.incomplete")}}, v.ErrorList...)
		}
		s.render(w, r, status, "call_show", v)
	}
	switch {
	case from != "" && from != current:
		fail(http.StatusConflict, coopdec.Errorf(coopdec.ECONFLICT, "call.status.changed"))
		return
	case coopdec.CanTransition(current, to) && !coopdec.CanChangeCallStatus(currentUser(r), current, to):
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "call.status.ministry_only"))
		return
	case !coopdec.CanTransition(current, to):
		fail(http.StatusUnprocessableEntity, coopdec.Errorf(coopdec.EINVALID, "callpages.status.not_allowed",
			v0(s, r, "callpages.status."+string(current)), v0(s, r, "callpages.status."+string(to))))
		return
	}
	if to == coopdec.CallPublished {
		// A published call needs its dates and valid rules: check them
		// as they will stand.
		check := *c
		check.Status = coopdec.CallPublished
		check.Texts = map[string]coopdec.CallText{}
		for k, t := range c.Texts {
			check.Texts[k] = t
		}
		if err := check.Validate(); err != nil {
			fail(http.StatusUnprocessableEntity, err)
			return
		}
	}
	if err := s.db.SetCallStatus(r.Context(), c.ID, c.Status, to, actor(r)); err != nil {
		switch coopdec.ErrorCode(err) {
		case coopdec.ECONFLICT:
			fail(http.StatusConflict, err)
		case coopdec.EINVALID:
			fail(http.StatusUnprocessableEntity, err)
		default:
			s.error(w, r, err)
		}
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/appels/%d?ok=status", c.ID), http.StatusSeeOther)
}

// v0 translates a key in the reader's language.
func v0(s *Server, r *http.Request, key string) string { return s.cat.T(info(r).lang, key) }

// fieldView is one labelled control, as the callinput partial draws it.
type fieldView struct {
	Name, Label, Type, Value, Hint, Error string
	Required                              bool
}

// newFieldView describes a control of v's form. typ is text, money,
// percent, months, datetime or textarea; hint is a catalogue key or empty.
func newFieldView(v *view, name, label, typ, hint string, required bool) fieldView {
	f := fieldView{Name: name, Label: v.T(label), Type: typ, Value: v.Form.Get(name), Error: v.Errors[name], Required: required}
	if hint != "" {
		f.Hint = v.T(hint)
	}
	return f
}

// In describes a control of the call form.
func (d *callFormData) In(v *view, name, label, typ, hint string) fieldView {
	required := name == "reference" || name == "texts.fr.title" || name == "reason"
	return newFieldView(v, name, label, typ, hint, required)
}

// InText describes a text control of one language's version of the call.
func (d *callFormData) InText(v *view, lang, part string) fieldView {
	typ := "text"
	if part != "title" {
		typ = "textarea"
	}
	return newFieldView(v, "texts."+lang+"."+part, "callpages.field.text."+part, typ, "", lang == "fr" && part == "title")
}

// Row describes a control of a numbered row (a funder, an exclusion).
func (d *callFormData) Row(v *view, prefix string, i int, name, label, typ, hint string) fieldView {
	return newFieldView(v, d.Field(prefix, i, name), label, typ, hint, false)
}
