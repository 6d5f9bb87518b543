package coopdec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ApplicationStatus is where an application stands.
type ApplicationStatus string

const (
	ApplicationDraft     ApplicationStatus = "draft"
	ApplicationSubmitted ApplicationStatus = "submitted"
	ApplicationWithdrawn ApplicationStatus = "withdrawn"
)

// Valid reports whether s is a known status.
func (s ApplicationStatus) Valid() bool {
	return s == ApplicationDraft || s == ApplicationSubmitted || s == ApplicationWithdrawn
}

// ApplicationText is what an application says in one language.
type ApplicationText struct {
	Title          string
	Summary        string
	Context        string
	Objectives     string
	Sustainability string
}

func (t ApplicationText) empty() bool { return t == ApplicationText{} }

// Activity is one activity of a project's timetable. Start and End are
// month numbers within the project, counted from its start: month 1 is the
// project's first month, and an activity runs from the beginning of its
// StartMonth to the end of its EndMonth, so 1 ≤ StartMonth ≤ EndMonth ≤
// DurationMonths. Month numbers rather than dates, because the project's
// start date is only known once the grant is decided. 0 means not entered.
type Activity struct {
	Title       string
	Description string
	StartMonth  int
	EndMonth    int
}

// Result is an expected result of a project with its indicator, as IATI
// describes results. Baseline and Target are decimal numbers written as
// strings ("12", "0.5", "-3.25"), so that they are kept exactly as entered
// and published as IATI's xsd:decimal values; a comma is accepted as the
// decimal separator and stored as a point. Baseline may be empty.
type Result struct {
	Indicator string
	Unit      string // e.g. "km", "people trained", "%"
	Baseline  string
	Target    string
}

// PartnerRole is a member's role in a consortium.
type PartnerRole string

const (
	RoleLeadPartner PartnerRole = "lead"        // the applicant
	RolePartner     PartnerRole = "partner"     // carries part of the project
	RoleBeneficiary PartnerRole = "beneficiary" // benefits from it (trilateral calls)
	RoleAssociated  PartnerRole = "associated"  // supports it
)

// PartnerRoles lists the roles in the order forms show them.
var PartnerRoles = []PartnerRole{RoleLeadPartner, RolePartner, RoleBeneficiary, RoleAssociated}

// Valid reports whether r is a known role.
func (r PartnerRole) Valid() bool { return slices.Contains(PartnerRoles, r) }

// Partner is a member of an application's consortium: a foreign local
// authority, the beneficiary of a trilateral project, a university, a
// research centre, a competitiveness cluster, an association… The lead may
// appear once, with the lead role, to describe its own contribution.
type Partner struct {
	// OrganisationID is 0 for an organisation not registered yet, named by
	// Name; it must register to confirm its part.
	OrganisationID int64
	Name           string
	Kind           OrgKind
	Country        string // ISO code
	Role           PartnerRole
	Contribution   string // what it brings, in words
	// ContributionCents is the partner's financial or valued contribution;
	// when not 0 it must match the budget's partner lines for it.
	ContributionCents int64
	InKind            bool // the contribution is made in kind
	Confirmed         bool // the partner confirmed its part
}

// Application is an application to a call for projects, by a lead French
// local authority with its consortium.
type Application struct {
	ID                 int64
	CallID             int64
	LeadOrganisationID int64
	Status             ApplicationStatus
	// Version increases with every change; storage refuses an update made
	// from an older version (optimistic concurrency).
	Version int

	// Texts: language → text; French always, plus each language the call
	// is published in (the partner's language).
	Texts                map[string]ApplicationText
	Themes               []string // theme codes
	Countries            []string // ISO codes of the countries of action
	Places               []string // towns, regions… in words
	Activities           []Activity
	DurationMonths       int
	Results              []Result
	Partners             []Partner
	BeneficiaryCountries []string // trilateral calls: ISO codes
	Budget               Budget

	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time // zero until submitted
	// ReceiptNumber is the submission number, empty until submitted.
	ReceiptNumber    string
	WithdrawnAt      time.Time // zero unless withdrawn
	WithdrawalReason string
}

// Limits of an application's fields.
const (
	appTitleMax       = 200
	appSummaryMax     = 2000
	appLongTextMax    = 20_000
	appThemesMax      = 10
	appCountriesMax   = 30
	appPlacesMax      = 50
	appPlaceMax       = 200
	appActivitiesMax  = 100
	appActivityMax    = 5000
	appResultsMax     = 50
	appIndicatorMax   = 300
	appUnitMax        = 50
	appDecimalMax     = 30
	appPartnersMax    = 50
	appNameMax        = 200
	appDurationMax    = 120
	appContribTextMax = 2000
)

var decimalRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Validate normalises an application (trims texts, upper-cases country
// codes, lower-cases themes, writes decimals with a point) and checks that
// it is complete and well formed for submission to c. It returns Errors
// with one FieldError per problem, named like the form's fields:
// texts.fr.title, themes, countries, places.3, activities.0.end,
// results.1.target, partners.2.country, budget.financing.0.amount_cents…
//
// The call's eligibility rules (countries allowed, partners and beneficiary
// required, money limits, duration, documents) are not checked here but by
// CheckEligibility on a.Facts, which explains them. c may be nil when the
// call is not known: the checks that need it are skipped.
func (a *Application) Validate(c *Call) error { return a.validate(c, true) }

// ValidateDraft checks what a draft may not hold even unfinished, so that
// autosave keeps everything else: unknown codes, negative or absurd numbers,
// texts too long, lists too long. Required fields, the timetable against the
// duration and the budget's balance wait for Validate.
func (a *Application) ValidateDraft(c *Call) error { return a.validate(c, false) }

func (a *Application) validate(c *Call, complete bool) error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	text := func(field, s string, max int, required bool) {
		switch {
		case s == "" && required:
			add(field, "application.field.required")
		case !utf8.ValidString(s):
			add(field, "application.field.invalid_text")
		case utf8.RuneCountInString(s) > max:
			add(field, "application.field.too_long", max)
		}
	}

	if c != nil && a.CallID != c.ID {
		add("call_id", "application.call.mismatch")
	}
	if a.LeadOrganisationID <= 0 {
		add("lead_organisation_id", "application.lead.required")
	}
	if a.Status == "" {
		a.Status = ApplicationDraft
	}
	if !a.Status.Valid() {
		add("status", "application.status.invalid", string(a.Status))
	}
	if a.Version < 0 {
		add("version", "application.version.invalid")
	}

	a.validateTexts(c, complete, add, text)
	a.validateCodes(c, complete, add)

	a.Places = trimAll(a.Places)
	if len(a.Places) > appPlacesMax {
		add("places", "application.list.too_long", appPlacesMax)
	}
	for i, p := range a.Places {
		text(fmt.Sprintf("places.%d", i), p, appPlaceMax, false)
	}

	switch {
	case a.DurationMonths < 0 || a.DurationMonths > appDurationMax:
		add("duration_months", "application.duration.range", appDurationMax)
	case a.DurationMonths == 0 && complete:
		add("duration_months", "application.field.required")
	}
	a.validateActivities(complete, add, text)
	a.validateResults(complete, add, text)
	a.validatePartners(complete, add, text)

	errs = append(errs, checkBudget(a.Budget, c, complete)...)
	a.validatePartnerLines(complete, add)
	return errs.Err()
}

type addFunc = func(field, key string, args ...any)
type textFunc = func(field, s string, max int, required bool)

// validateTexts requires the title, summary, context, objectives and
// sustainability in French, and the title and summary in every other
// language the call is published in: the partner's language.
func (a *Application) validateTexts(c *Call, complete bool, add addFunc, text textFunc) {
	required := map[string]bool{"fr": true}
	if c != nil {
		for l, t := range c.Texts {
			if ValidLanguage(l) && strings.TrimSpace(t.Title) != "" {
				required[l] = true
			}
		}
	}
	if a.Texts == nil {
		a.Texts = map[string]ApplicationText{}
	}
	langs := make([]string, 0, len(a.Texts)+len(required))
	for l := range a.Texts {
		langs = append(langs, l)
	}
	for l := range required {
		if _, ok := a.Texts[l]; !ok {
			langs = append(langs, l)
		}
	}
	slices.Sort(langs)
	for _, l := range langs {
		if !ValidLanguage(l) {
			add("texts", "application.texts.language", l)
			continue
		}
		t, ok := a.Texts[l]
		t.Title, t.Summary = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary)
		t.Context, t.Objectives = strings.TrimSpace(t.Context), strings.TrimSpace(t.Objectives)
		t.Sustainability = strings.TrimSpace(t.Sustainability)
		if ok {
			if t.empty() {
				delete(a.Texts, l)
			} else {
				a.Texts[l] = t
			}
		}
		p := "texts." + l + "."
		req := complete && required[l]
		full := req && l == "fr"
		text(p+"title", t.Title, appTitleMax, req)
		text(p+"summary", t.Summary, appSummaryMax, req)
		text(p+"context", t.Context, appLongTextMax, full)
		text(p+"objectives", t.Objectives, appLongTextMax, full)
		text(p+"sustainability", t.Sustainability, appLongTextMax, full)
	}
}

// validateCodes checks themes (known, and among the call's), countries of
// action and beneficiary countries (known codes, not France).
func (a *Application) validateCodes(c *Call, complete bool, add addFunc) {
	a.Themes = normCodes(a.Themes, strings.ToLower)
	switch {
	case len(a.Themes) == 0 && complete:
		add("themes", "application.field.required")
	case len(a.Themes) > appThemesMax:
		add("themes", "application.list.too_long", appThemesMax)
	}
	for _, t := range a.Themes {
		if _, ok := ThemeByCode(t); !ok {
			add("themes", "application.theme.unknown", t)
		} else if c != nil && len(c.Themes) > 0 && !slices.Contains(c.Themes, t) {
			add("themes", "application.theme.not_in_call", ThemeArg(t))
		}
	}

	countries := func(field string, list []string, max int, required bool) []string {
		list = normCodes(list, strings.ToUpper)
		switch {
		case len(list) == 0 && required:
			add(field, "application.field.required")
		case len(list) > max:
			add(field, "application.list.too_long", max)
		}
		for _, code := range list {
			switch _, ok := CountryByCode(code); {
			case !ok:
				add(field, "application.country.unknown", code)
			case code == "FR":
				add(field, "application.country.france")
			}
		}
		return list
	}
	a.Countries = countries("countries", a.Countries, appCountriesMax, complete)
	a.BeneficiaryCountries = countries("beneficiary_countries", a.BeneficiaryCountries, appCountriesMax, false)
}

func (a *Application) validateActivities(complete bool, add addFunc, text textFunc) {
	switch {
	case len(a.Activities) == 0 && complete:
		add("activities", "application.field.required")
	case len(a.Activities) > appActivitiesMax:
		add("activities", "application.list.too_long", appActivitiesMax)
	}
	for i := range a.Activities {
		ac := &a.Activities[i]
		p := fmt.Sprintf("activities.%d.", i)
		ac.Title, ac.Description = strings.TrimSpace(ac.Title), strings.TrimSpace(ac.Description)
		text(p+"title", ac.Title, appTitleMax, complete)
		text(p+"description", ac.Description, appActivityMax, false)
		month := func(field string, m int) bool {
			switch {
			case m < 0 || m > appDurationMax:
				add(p+field, "application.activity.month.range", appDurationMax)
			case m == 0:
				if complete {
					add(p+field, "application.field.required")
				}
			default:
				return true
			}
			return false
		}
		startOK, endOK := month("start", ac.StartMonth), month("end", ac.EndMonth)
		if !complete || !startOK || !endOK {
			continue
		}
		if ac.EndMonth < ac.StartMonth {
			add(p+"end", "application.activity.end_before_start", ac.StartMonth)
		} else if a.DurationMonths > 0 && ac.EndMonth > a.DurationMonths {
			add(p+"end", "application.activity.beyond_duration", a.DurationMonths)
		}
	}
}

func (a *Application) validateResults(complete bool, add addFunc, text textFunc) {
	switch {
	case len(a.Results) == 0 && complete:
		add("results", "application.field.required")
	case len(a.Results) > appResultsMax:
		add("results", "application.list.too_long", appResultsMax)
	}
	decimal := func(field, s string, required bool) string {
		s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
		switch {
		case s == "":
			if required {
				add(field, "application.field.required")
			}
		case len(s) > appDecimalMax || !decimalRE.MatchString(s):
			add(field, "application.result.decimal")
		}
		return s
	}
	for i := range a.Results {
		r := &a.Results[i]
		p := fmt.Sprintf("results.%d.", i)
		r.Indicator, r.Unit = strings.TrimSpace(r.Indicator), strings.TrimSpace(r.Unit)
		text(p+"indicator", r.Indicator, appIndicatorMax, complete)
		text(p+"unit", r.Unit, appUnitMax, false)
		r.Baseline = decimal(p+"baseline", r.Baseline, false)
		r.Target = decimal(p+"target", r.Target, complete)
	}
}

func (a *Application) validatePartners(complete bool, add addFunc, text textFunc) {
	if len(a.Partners) > appPartnersMax {
		add("partners", "application.list.too_long", appPartnersMax)
	}
	for i := range a.Partners {
		pa := &a.Partners[i]
		p := fmt.Sprintf("partners.%d.", i)
		pa.Name, pa.Contribution = strings.TrimSpace(pa.Name), strings.TrimSpace(pa.Contribution)
		pa.Country = strings.ToUpper(strings.TrimSpace(pa.Country))
		switch {
		case pa.OrganisationID < 0:
			add(p+"organisation_id", "application.partner.organisation.invalid")
		case pa.OrganisationID > 0 && slices.ContainsFunc(a.Partners[:i], func(q Partner) bool { return q.OrganisationID == pa.OrganisationID }):
			add(p+"organisation_id", "application.partner.duplicate")
		}
		text(p+"name", pa.Name, appNameMax, complete && pa.OrganisationID == 0)
		text(p+"contribution", pa.Contribution, appContribTextMax, false)
		if pa.Kind != "" || complete {
			if !pa.Kind.Valid() {
				add(p+"kind", "application.partner.kind.invalid")
			}
		}
		switch _, ok := CountryByCode(pa.Country); {
		case pa.Country == "":
			if complete {
				add(p+"country", "application.field.required")
			}
		case !ok:
			add(p+"country", "application.country.unknown", pa.Country)
		case pa.Kind == OrgForeignAuthority && pa.Country == "FR":
			add(p+"country", "application.partner.foreign_in_france")
		case pa.Kind == OrgFrenchAuthority && pa.Country != "FR":
			add(p+"country", "application.partner.french_abroad")
		}
		switch {
		case pa.Role == "" && !complete:
		case !pa.Role.Valid():
			add(p+"role", "application.partner.role.invalid")
		case pa.Role == RoleLeadPartner && pa.OrganisationID != a.LeadOrganisationID:
			add(p+"role", "application.partner.role.lead")
		}
		switch {
		case pa.ContributionCents < 0:
			add(p+"contribution_cents", "budget.amount.negative")
		case pa.ContributionCents > budgetLineCentsMax:
			add(p+"contribution_cents", "budget.amount.too_large", CentsArg(budgetLineCentsMax))
		}
	}
}

// validatePartnerLines ties the budget's partner lines to the consortium:
// each names one of its partners, and a partner's declared contribution is
// what its lines add up to.
func (a *Application) validatePartnerLines(complete bool, add addFunc) {
	members := map[int64]bool{}
	for _, p := range a.Partners {
		if p.OrganisationID > 0 {
			members[p.OrganisationID] = true
		}
	}
	inBudget := map[int64]int64{}
	for i, f := range a.Budget.Financing {
		if f.Source != FundingPartner || f.PartnerOrganisationID <= 0 {
			continue
		}
		if !members[f.PartnerOrganisationID] {
			add(fmt.Sprintf("budget.financing.%d.partner_organisation_id", i), "budget.partner.unknown", OrganisationArg(f.PartnerOrganisationID))
		}
		inBudget[f.PartnerOrganisationID] = satAdd(inBudget[f.PartnerOrganisationID], f.AmountCents)
	}
	if !complete {
		return
	}
	for i, p := range a.Partners {
		if p.OrganisationID <= 0 || p.ContributionCents == 0 || p.Role == RoleLeadPartner {
			continue
		}
		if got := inBudget[p.OrganisationID]; got != p.ContributionCents {
			add(fmt.Sprintf("partners.%d.contribution_cents", i), "application.partner.contribution_mismatch",
				CentsArg(p.ContributionCents), CentsArg(got))
		}
	}
}

// Facts returns what the application says for CheckEligibility, so that the
// call's rules, its money rules included, are checked on the application as
// it stands. lead is the lead organisation (nil when not known), hasOverdue
// whether it is late with a report on an earlier grant (nil when not known),
// and documents the codes of the documents attached (nil when not known).
//
// The money comes from the budget: the total cost is the total of the
// expenses, the grant is what the grant lines ask of all the call's funders,
// own cash and in kind are the lead's own_cash and own_in_kind lines. A
// budget with no amount yet leaves them unknown. The lead's own entry among
// the partners is not a partner fact.
func (a *Application) Facts(lead *Organisation, hasOverdue *bool, documents []string) ApplicationFacts {
	f := ApplicationFacts{
		Countries:            slices.Clone(a.Countries),
		BeneficiaryCountries: slices.Clone(a.BeneficiaryCountries),
		Themes:               slices.Clone(a.Themes),
		Documents:            slices.Clone(documents),
		HasOverdueReports:    hasOverdue,
	}
	if lead != nil {
		f.LeadKind = lead.Kind
		f.LeadAuthorityType = lead.AuthorityType
		f.LeadRegion = lead.RegionCode
	}
	for _, p := range a.Partners {
		if p.Role == RoleLeadPartner {
			continue
		}
		f.Partners = append(f.Partners, PartnerFact{Kind: p.Kind, Country: p.Country, Confirmed: p.Confirmed})
	}
	if a.DurationMonths != 0 {
		d := a.DurationMonths
		f.DurationMonths = &d
	}
	// A budget whose lines are still at zero (a new draft's grant lines) says
	// nothing yet: its money rules wait rather than pass on zeros.
	if t := a.Budget.Totals(); t.ExpensesCents > 0 || t.FinancingCents > 0 {
		f.TotalCostCents = &t.ExpensesCents
		f.GrantRequestedCents = &t.GrantCents
		f.OwnCashCents = &t.OwnCashCents
		f.InKindCents = &t.OwnInKindCents
	}
	return f
}

// normCodes trims and cases codes, dropping blanks and duplicates, keeping
// the first occurrence's order.
func normCodes(list []string, norm func(string) string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = norm(strings.TrimSpace(s)); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func trimAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
