package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// callEligibilityData is what the eligibility simulator shows.
type callEligibilityData struct {
	callRef
	form      url.Values
	Call      *coopdec.Call
	Title     string
	Eligible  []coopdec.Country // the countries the call admits, first in the lists
	Others    []coopdec.Country
	Themes    []coopdec.Theme
	Documents []string
	Results   []resultRow
	Passed    bool
	Checked   bool // the reader submitted facts, or they were prefilled
	docName   func(string) string
}

// Has reports whether the form holds value under the repeatable name.
func (d *callEligibilityData) Has(name, value string) bool {
	return slices.Contains(d.form[name], value)
}

// DocumentName names a required document.
func (d *callEligibilityData) DocumentName(code string) string { return d.docName(code) }

// callEligibilityPage is a simulator: anyone enters the facts of a project
// and sees, rule by rule, whether the call would accept it. It changes
// nothing; a logged-in local authority finds its own facts filled in.
func (s *Server) callEligibilityPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	lang := info(r).lang
	q := r.URL.Query()
	text, _ := c.Text(lang)
	d := &callEligibilityData{callRef: callRef{refData{lang}}, form: q, Call: c, Title: text.Title}
	d.docName = func(code string) string { return s.documentName(lang, code) }
	// Excluded countries stay among the others: choosing one shows where
	// to apply instead.
	allowed := coopdec.EligibleCountries(c.Rules)
	for _, co := range coopdec.SortedCountries(lang) {
		if _, ok := slices.BinarySearch(allowed, co.Code); ok {
			d.Eligible = append(d.Eligible, co)
		} else if co.Code != "FR" {
			d.Others = append(d.Others, co)
		}
	}
	if len(d.Others) == 0 { // every country qualifies: one plain list
		d.Eligible, d.Others = nil, d.Eligible
	}
	for _, code := range c.Themes {
		if t, ok := coopdec.ThemeByCode(code); ok {
			d.Themes = append(d.Themes, t)
		}
	}
	d.Documents = c.Rules.RequiredDocuments

	// Prefill the reader's own authority on a first visit.
	if len(q) == 0 {
		if facts, ok, err := s.applicantFacts(ctx, currentUser(r)); err != nil {
			s.error(w, r, err)
			return
		} else if ok {
			q.Set("lead_type", string(facts.LeadAuthorityType))
			q.Set("lead_region", facts.LeadRegion)
		}
	}
	v := s.newView(r, "callpages.eligibility.title", d)
	v.Form = q

	facts, errs := eligibilityFacts(q)
	if len(errs) > 0 {
		for _, e := range errs {
			v.addError(e)
		}
		s.render(w, r, http.StatusUnprocessableEntity, "call_eligibility", v)
		return
	}
	targets, err := s.redirectTargets(ctx, currentUser(r), c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	el := coopdec.CheckEligibility(c.Rules, c.Themes, facts)
	d.Results, d.Passed, d.Checked = s.resultRows(lang, el, targets), el.Eligible(), len(q) > 0
	s.render(w, r, http.StatusOK, "call_eligibility", v)
}

// eligibilityFacts reads the simulator's form. Partners entered here are
// taken as foreign local authorities that confirmed their part: the
// simulator answers "would it be eligible", not "is the file complete".
func eligibilityFacts(q url.Values) (coopdec.ApplicationFacts, coopdec.Errors) {
	var f coopdec.ApplicationFacts
	var errs coopdec.Errors
	if lt := coopdec.AuthorityType(strings.TrimSpace(q.Get("lead_type"))); lt != "" {
		if !lt.Valid() {
			errs = append(errs, coopdec.FieldError("lead_type", "search.lead_type.invalid"))
		}
		f.LeadKind, f.LeadAuthorityType = coopdec.OrgFrenchAuthority, lt
	}
	if rg := strings.TrimSpace(q.Get("lead_region")); rg != "" {
		if !slices.Contains(coopdec.Regions(), rg) {
			errs = append(errs, coopdec.FieldError("lead_region", "call.validation.lead_region.invalid", rg))
		}
		f.LeadRegion = rg
		if f.LeadKind == "" {
			f.LeadKind = coopdec.OrgFrenchAuthority
		}
	}
	countries := func(name string) []string {
		var out []string
		for _, c := range q[name] {
			c = strings.ToUpper(strings.TrimSpace(c))
			if c == "" {
				continue
			}
			if _, ok := coopdec.CountryByCode(c); !ok {
				errs = append(errs, coopdec.FieldError(name, "country.unknown", c))
				continue
			}
			out = append(out, c)
		}
		return out
	}
	f.Countries = countries("countries")
	for _, c := range countries("partner_countries") {
		f.Partners = append(f.Partners, coopdec.PartnerFact{Kind: coopdec.OrgForeignAuthority, Country: c, Confirmed: true})
	}
	f.BeneficiaryCountries = countries("beneficiary_countries")
	money := func(name string) *int64 {
		v, ok, err := parseEuroCents(name, q.Get(name))
		if err != nil {
			errs = append(errs, err.(*coopdec.Error))
			return nil
		}
		if !ok {
			return nil
		}
		return &v
	}
	f.TotalCostCents = money("total_cost")
	f.GrantRequestedCents = money("grant_requested")
	f.OwnCashCents = money("own_cash")
	f.InKindCents = money("in_kind")
	if n, ok, err := parseMonths("duration_months", q.Get("duration_months")); err != nil {
		errs = append(errs, err.(*coopdec.Error))
	} else if ok {
		f.DurationMonths = &n
	}
	if q.Get("documents_given") != "" || len(q["documents"]) > 0 {
		f.Documents = []string{}
		for _, d := range q["documents"] {
			if d = strings.TrimSpace(d); d != "" {
				f.Documents = append(f.Documents, d)
			}
		}
	}
	switch q.Get("overdue") {
	case "no":
		b := false
		f.HasOverdueReports = &b
	case "yes":
		b := true
		f.HasOverdueReports = &b
	}
	for _, t := range q["themes"] {
		if t = strings.TrimSpace(t); t != "" {
			f.Themes = append(f.Themes, t)
		}
	}
	return f, errs
}

// In describes a control of the simulator.
func (d *callEligibilityData) In(v *view, name, label, typ, hint string) fieldView {
	return newFieldView(v, name, label, typ, hint, false)
}

// countrySelect is a choice of countries, those of the call first.
type countrySelect struct {
	Name, Label, Hint, Error string
	Multiple                 bool
	GroupCall, GroupOthers   string
	Eligible, Others         []countryOption
}

type countryOption struct {
	Code, Name string
	Selected   bool
}

// Select describes a choice of countries of the simulator.
func (d *callEligibilityData) Select(v *view, name, label string, multiple bool) countrySelect {
	cs := countrySelect{Name: name, Label: v.T(label), Error: v.Errors[name], Multiple: multiple,
		GroupCall: v.T("callpages.eligibility.group_call"), GroupOthers: v.T("callpages.eligibility.group_others")}
	if multiple {
		cs.Hint = v.T("callpages.eligibility.multiple.hint")
	}
	opt := func(c coopdec.Country) countryOption {
		return countryOption{Code: c.Code, Name: d.CountryName(c.Code), Selected: slices.Contains(d.form[name], c.Code)}
	}
	for _, c := range d.Eligible {
		cs.Eligible = append(cs.Eligible, opt(c))
	}
	for _, c := range d.Others {
		cs.Others = append(cs.Others, opt(c))
	}
	return cs
}
