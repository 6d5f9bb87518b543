package coopdec

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// ApplicationFacts is what is known of an application when its eligibility is
// checked: while it is drafted, at submission, or in a quick public check.
//
// The zero value of a field means "not known yet", so that a rule depending on
// it answers RuleUnknown rather than RuleFailed: empty strings, nil pointers
// and empty lists (a project always names at least one country, partner,
// beneficiary and theme, so an empty list is a form not filled in yet).
// Documents are the exception, because an application may well have none
// attached: nil means not known, an empty non-nil slice means none attached.
type ApplicationFacts struct {
	LeadKind          OrgKind       // the lead organisation's kind
	LeadAuthorityType AuthorityType // when the lead is a French local authority
	LeadRegion        string        // INSEE code of the lead's région, e.g. "93"

	Countries            []string // ISO codes of the countries of action
	Partners             []PartnerFact
	BeneficiaryCountries []string // ISO codes, for trilateral calls

	// Money in euro cents, nil when not entered.
	TotalCostCents      *int64 // the project's total cost; 0 counts as not entered
	GrantRequestedCents *int64 // asked of the call, all its funders together
	OwnCashCents        *int64 // the lead's own contribution in cash
	InKindCents         *int64 // the lead's own contribution in kind

	DurationMonths *int
	// Documents lists the codes of the documents attached; see above for nil.
	Documents []string
	// HasOverdueReports: whether the applicant is late with a report on an
	// earlier grant; nil when the applicant is not identified.
	HasOverdueReports *bool
	Themes            []string // theme codes
}

// PartnerFact is what is known of one partner: an empty Kind or Country is
// not known yet.
type PartnerFact struct {
	Kind      OrgKind
	Country   string // ISO code
	Confirmed bool   // the partner confirmed its part of the application
}

// RuleStatus is the outcome of one rule.
type RuleStatus string

const (
	RulePassed  RuleStatus = "passed"
	RuleFailed  RuleStatus = "failed"
	RuleUnknown RuleStatus = "unknown" // the facts it needs are not known yet
)

// RuleResult is the outcome of one rule of a call for one application, with a
// message saying what to change.
//
// Key names a message in the catalogues (locales/*/calls.json) and Args fill
// it. Args hold codes and raw numbers, never words: country and group codes
// ("MA", "group:africa"), INSEE région codes, theme, authority-type and
// document codes, amounts in cents (int64), shares in basis points (int) and
// durations in months (int). Renderers replace them by the reader's words
// (localized country names, "200 000 €", "10 %") with MessageArgs, or do the
// same themselves; the catalogue texts are written to read well once names
// are substituted. The keys and their args are listed in eligibilityArgKinds.
type RuleResult struct {
	// Rule is a stable code: countries, excluded_country, lead_type,
	// lead_region, partner, confirmations, beneficiary, max_grant,
	// funders_share, own_share, in_kind, duration, documents,
	// overdue_reports, themes.
	Rule   string
	Status RuleStatus
	Key    string
	Args   []any
	// Field names the application field to change: lead, countries,
	// partners, beneficiary_countries, total_cost, grant_requested,
	// own_cash, in_kind, duration_months, documents, themes; empty when the
	// fix lies outside the application (an overdue report).
	Field string
	// RedirectCallID is the call to apply to instead (excluded_country
	// with a redirect): renderers link to it.
	RedirectCallID int64
}

// Eligibility is the outcome of every rule a call sets, in a fixed order.
type Eligibility struct {
	Results []RuleResult
}

// Eligible reports whether every rule passed: an unknown fact is not enough.
func (e Eligibility) Eligible() bool {
	for _, r := range e.Results {
		if r.Status != RulePassed {
			return false
		}
	}
	return true
}

// Failed returns the rules that failed.
func (e Eligibility) Failed() []RuleResult { return e.with(RuleFailed) }

// Unknown returns the rules that cannot be decided yet.
func (e Eligibility) Unknown() []RuleResult { return e.with(RuleUnknown) }

func (e Eligibility) with(s RuleStatus) []RuleResult {
	var out []RuleResult
	for _, r := range e.Results {
		if r.Status == s {
			out = append(out, r)
		}
	}
	return out
}

// Result returns the outcome of one rule, when the call sets it.
func (e Eligibility) Result(rule string) (RuleResult, bool) {
	for _, r := range e.Results {
		if r.Rule == rule {
			return r, true
		}
	}
	return RuleResult{}, false
}

// HideRedirects returns e with the redirects to calls the reader may not
// see (visible reports false: a draft, a call not published yet, a call that
// no longer exists) replaced by a plain exclusion, so that neither the link
// nor the message reveals a hidden call. e itself is not changed.
func (e Eligibility) HideRedirects(visible func(callID int64) bool) Eligibility {
	out := Eligibility{Results: slices.Clone(e.Results)}
	for i, r := range out.Results {
		if r.RedirectCallID == 0 || visible(r.RedirectCallID) {
			continue
		}
		r.RedirectCallID = 0
		r.Key = "eligibility.excluded_country.no_redirect"
		r.Args = slices.Clone(r.Args)
		if len(r.Args) > 1 {
			r.Args[1] = int64(0)
		}
		out.Results[i] = r
	}
	return out
}

// CheckEligibility checks an application's facts against a call's rules and
// themes. It is pure: the web pages, the API and the submission check all
// call it. It returns one result per rule the call sets, in the order of
// RuleResult.Rule's list; "countries" is always there, since a call without
// countries still requires the action to take place outside France.
func CheckEligibility(r EligibilityRules, themes []string, f ApplicationFacts) Eligibility {
	out := make([]RuleResult, 0, 15)
	countries := eligNormCodes(f.Countries)
	out = append(out, ruleCountries(r, countries))
	if len(r.Excluded) > 0 {
		out = append(out, ruleExcluded(r.Excluded, countries, f))
	}
	if len(r.LeadTypes) > 0 {
		out = append(out, ruleLeadType(r.LeadTypes, f))
	}
	if strings.TrimSpace(r.LeadRegion) != "" {
		out = append(out, ruleLeadRegion(strings.TrimSpace(r.LeadRegion), f))
	}
	if len(r.PartnerCountries) > 0 {
		out = append(out, rulePartner(r.PartnerCountries, f.Partners))
	}
	if r.PartnersMustConfirm {
		out = append(out, ruleConfirmations(f.Partners))
	}
	if len(r.BeneficiaryCountries) > 0 {
		out = append(out, ruleBeneficiary(r.BeneficiaryCountries, eligNormCodes(f.BeneficiaryCountries)))
	}
	if r.MaxGrantCents > 0 {
		out = append(out, ruleMaxGrant(r.MaxGrantCents, f))
	}
	if r.MaxFundersShareBP > 0 {
		out = append(out, ruleFundersShare(r.MaxFundersShareBP, f))
	}
	if r.MinOwnShareBP > 0 {
		out = append(out, ruleOwnShare(r.MinOwnShareBP, f))
	}
	if r.MaxInKindOfOwnBP > 0 {
		out = append(out, ruleInKind(r.MaxInKindOfOwnBP, f))
	}
	if r.MinDurationMonths > 0 || r.MaxDurationMonths > 0 {
		out = append(out, ruleDuration(r.MinDurationMonths, r.MaxDurationMonths, f.DurationMonths))
	}
	if len(r.RequiredDocuments) > 0 {
		out = append(out, ruleDocuments(r.RequiredDocuments, f.Documents))
	}
	if r.NoOverdueReports {
		out = append(out, ruleOverdue(f.HasOverdueReports))
	}
	if len(themes) > 0 {
		out = append(out, ruleThemes(themes, f.Themes))
	}
	return Eligibility{Results: out}
}

func eligResult(rule string, s RuleStatus, field, key string, args ...any) RuleResult {
	if len(args) == 0 {
		args = nil
	}
	return RuleResult{Rule: rule, Status: s, Field: field, Key: key, Args: args}
}

// eligNormCodes upper-cases and trims country codes, dropping blanks.
func eligNormCodes(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// eligExpand expands country codes and groups, skipping unknown entries (a
// validated call has none; an invalid one must not make anything eligible).
func eligExpand(codesOrGroups []string) []string {
	var out []string
	for _, c := range codesOrGroups {
		if cs, err := ExpandCountries([]string{c}); err == nil {
			out = append(out, cs...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func eligHas(sorted []string, code string) bool {
	_, ok := slices.BinarySearch(sorted, code)
	return ok
}

func eligExclusion(ex []Exclusion, code string) (Exclusion, bool) {
	for _, e := range ex {
		if strings.EqualFold(strings.TrimSpace(e.Country), code) {
			return e, true
		}
	}
	return Exclusion{}, false
}

// EligibleCountries returns the sorted ISO codes of the countries where a
// project may take place under r: its countries and groups expanded, or every
// country but France when it names none, less the excluded countries. The
// "countries" rule of CheckEligibility, the simulator's lists and the API
// all use it, so they agree.
func EligibleCountries(r EligibilityRules) []string {
	var list []string
	if len(r.Countries) == 0 {
		for _, c := range Countries() {
			if c.Code != "FR" {
				list = append(list, c.Code)
			}
		}
	} else {
		list = eligExpand(r.Countries)
	}
	list = slices.DeleteFunc(list, func(code string) bool {
		_, excluded := eligExclusion(r.Excluded, code)
		return excluded
	})
	if list == nil {
		list = []string{}
	}
	return list
}

func ruleCountries(r EligibilityRules, countries []string) RuleResult {
	const rule, field = "countries", "countries"
	abroad := len(r.Countries) == 0 // no list: anywhere but France
	if len(countries) == 0 {
		if abroad {
			return eligResult(rule, RuleUnknown, field, "eligibility.countries.unknown_abroad")
		}
		return eligResult(rule, RuleUnknown, field, "eligibility.countries.unknown", slices.Clone(r.Countries))
	}
	allowed := EligibleCountries(r)
	var bad []string
	eligible := 0
	for _, c := range countries {
		if _, ok := eligExclusion(r.Excluded, c); ok {
			continue // excluded_country says where to go instead
		}
		if eligHas(allowed, c) {
			eligible++
		} else if !slices.Contains(bad, c) {
			bad = append(bad, c)
		}
	}
	switch {
	case len(bad) > 0 && abroad:
		return eligResult(rule, RuleFailed, field, "eligibility.countries.france", bad)
	case len(bad) > 0:
		return eligResult(rule, RuleFailed, field, "eligibility.countries", bad, slices.Clone(r.Countries))
	case eligible == 0 && abroad:
		return eligResult(rule, RuleFailed, field, "eligibility.countries.none_abroad")
	case eligible == 0:
		return eligResult(rule, RuleFailed, field, "eligibility.countries.none", slices.Clone(r.Countries))
	}
	return eligResult(rule, RulePassed, field, "eligibility.countries.ok")
}

// ruleExcluded looks for an excluded country among the countries of action,
// the partners' countries and the beneficiaries: a project in Tunisia with a
// Moroccan partner belongs to the Franco-Moroccan call.
func ruleExcluded(ex []Exclusion, countries []string, f ApplicationFacts) RuleResult {
	const rule = "excluded_country"
	hit := func(code, field string) (RuleResult, bool) {
		e, ok := eligExclusion(ex, code)
		if !ok {
			return RuleResult{}, false
		}
		key := "eligibility.excluded_country"
		if e.RedirectCallID == 0 {
			key = "eligibility.excluded_country.no_redirect"
		}
		res := eligResult(rule, RuleFailed, field, key, code, e.RedirectCallID)
		res.RedirectCallID = e.RedirectCallID
		return res, true
	}
	for _, c := range countries {
		if res, ok := hit(c, "countries"); ok {
			return res
		}
	}
	known := len(countries) > 0 && len(f.Partners) > 0
	for _, p := range f.Partners {
		c := strings.ToUpper(strings.TrimSpace(p.Country))
		if c == "" {
			known = false
		} else if res, ok := hit(c, "partners"); ok {
			return res
		}
	}
	for _, c := range eligNormCodes(f.BeneficiaryCountries) {
		if res, ok := hit(c, "beneficiary_countries"); ok {
			return res
		}
	}
	codes := make([]string, len(ex))
	for i, e := range ex {
		codes[i] = strings.ToUpper(strings.TrimSpace(e.Country))
	}
	if !known {
		field := "countries"
		if len(countries) > 0 {
			field = "partners"
		}
		return eligResult(rule, RuleUnknown, field, "eligibility.excluded_country.unknown", codes)
	}
	return eligResult(rule, RulePassed, "countries", "eligibility.excluded_country.ok", codes)
}

func ruleLeadType(types []AuthorityType, f ApplicationFacts) RuleResult {
	const rule, field = "lead_type", "lead"
	allowed := make([]string, len(types))
	for i, t := range types {
		allowed[i] = string(t)
	}
	switch {
	case f.LeadKind != "" && f.LeadKind != OrgFrenchAuthority:
		return eligResult(rule, RuleFailed, field, "eligibility.lead_type.not_french_authority", allowed)
	case f.LeadAuthorityType == "":
		return eligResult(rule, RuleUnknown, field, "eligibility.lead_type.unknown", allowed)
	case !slices.Contains(types, f.LeadAuthorityType):
		return eligResult(rule, RuleFailed, field, "eligibility.lead_type", string(f.LeadAuthorityType), allowed)
	}
	return eligResult(rule, RulePassed, field, "eligibility.lead_type.ok", string(f.LeadAuthorityType))
}

func ruleLeadRegion(region string, f ApplicationFacts) RuleResult {
	const rule, field = "lead_region", "lead"
	got := strings.TrimSpace(f.LeadRegion)
	switch {
	case got == "":
		return eligResult(rule, RuleUnknown, field, "eligibility.lead_region.unknown", region)
	case got != region:
		return eligResult(rule, RuleFailed, field, "eligibility.lead_region", region, got)
	}
	return eligResult(rule, RulePassed, field, "eligibility.lead_region.ok", region)
}

// rulePartner requires a confirmed foreign local authority from one of the
// countries; one that has not confirmed yet leaves the rule unknown.
func rulePartner(want []string, partners []PartnerFact) RuleResult {
	const rule, field = "partner", "partners"
	if len(partners) == 0 {
		return eligResult(rule, RuleUnknown, field, "eligibility.partner.unknown", slices.Clone(want))
	}
	allowed := eligExpand(want)
	unconfirmed, undecided := "", false
	for _, p := range partners {
		c := strings.ToUpper(strings.TrimSpace(p.Country))
		if p.Kind == "" || c == "" {
			undecided = true
			continue
		}
		if p.Kind != OrgForeignAuthority || !eligHas(allowed, c) {
			continue
		}
		if p.Confirmed {
			return eligResult(rule, RulePassed, field, "eligibility.partner.ok", c)
		}
		if unconfirmed == "" {
			unconfirmed = c
		}
	}
	switch {
	case unconfirmed != "":
		return eligResult(rule, RuleUnknown, field, "eligibility.partner.unconfirmed", unconfirmed)
	case undecided:
		return eligResult(rule, RuleUnknown, field, "eligibility.partner.unknown", slices.Clone(want))
	}
	return eligResult(rule, RuleFailed, field, "eligibility.partner", slices.Clone(want))
}

// ruleConfirmations requires every partner's confirmation. Partners who
// have not answered leave it unknown rather than failed: the applicant can
// only wait for them, or remind them.
func ruleConfirmations(partners []PartnerFact) RuleResult {
	const rule, field = "confirmations", "partners"
	if len(partners) == 0 {
		return eligResult(rule, RuleUnknown, field, "eligibility.confirmations.unknown")
	}
	pending := 0
	for _, p := range partners {
		if !p.Confirmed {
			pending++
		}
	}
	if pending > 0 {
		return eligResult(rule, RuleUnknown, field, "eligibility.confirmations.pending", pending)
	}
	return eligResult(rule, RulePassed, field, "eligibility.confirmations.ok")
}

func ruleBeneficiary(want, got []string) RuleResult {
	const rule, field = "beneficiary", "beneficiary_countries"
	if len(got) == 0 {
		return eligResult(rule, RuleUnknown, field, "eligibility.beneficiary.unknown", slices.Clone(want))
	}
	allowed := eligExpand(want)
	for _, c := range got {
		if eligHas(allowed, c) {
			return eligResult(rule, RulePassed, field, "eligibility.beneficiary.ok", c)
		}
	}
	return eligResult(rule, RuleFailed, field, "eligibility.beneficiary", slices.Clone(want), slices.Compact(slices.Clone(got)))
}

func eligNegative(rule, field string) RuleResult {
	return eligResult(rule, RuleFailed, field, "eligibility.amount.negative")
}

func ruleMaxGrant(limit int64, f ApplicationFacts) RuleResult {
	const rule, field = "max_grant", "grant_requested"
	switch g := f.GrantRequestedCents; {
	case g == nil:
		return eligResult(rule, RuleUnknown, field, "eligibility.max_grant.unknown", limit)
	case *g < 0:
		return eligNegative(rule, field)
	case *g > limit:
		return eligResult(rule, RuleFailed, field, "eligibility.max_grant", limit, *g)
	default:
		return eligResult(rule, RulePassed, field, "eligibility.max_grant.ok", limit, *g)
	}
}

// ruleFundersShare: grant / total ≤ max, computed as grant × 10000 ≤ max ×
// total on 128 bits.
func ruleFundersShare(maxBP int, f ApplicationFacts) RuleResult {
	const rule = "funders_share"
	switch {
	case f.TotalCostCents == nil || *f.TotalCostCents == 0:
		return eligResult(rule, RuleUnknown, "total_cost", "eligibility.funders_share.unknown", maxBP)
	case f.GrantRequestedCents == nil:
		return eligResult(rule, RuleUnknown, "grant_requested", "eligibility.funders_share.unknown", maxBP)
	case *f.TotalCostCents < 0:
		return eligNegative(rule, "total_cost")
	case *f.GrantRequestedCents < 0:
		return eligNegative(rule, "grant_requested")
	}
	grant, total, m := uint64(*f.GrantRequestedCents), uint64(*f.TotalCostCents), uint64(maxBP)
	share := eligClampBP(mulDiv128(grant, 10000, total, true))
	if mulCmp128(grant, 10000, m, total) > 0 {
		return eligResult(rule, RuleFailed, "grant_requested", "eligibility.funders_share", maxBP, share, mulDiv128(m, total, 10000, false))
	}
	return eligResult(rule, RulePassed, "grant_requested", "eligibility.funders_share.ok", maxBP, share)
}

// ruleOwnShare: (cash + in kind) / total ≥ min.
func ruleOwnShare(minBP int, f ApplicationFacts) RuleResult {
	const rule = "own_share"
	switch {
	case f.TotalCostCents == nil || *f.TotalCostCents == 0:
		return eligResult(rule, RuleUnknown, "total_cost", "eligibility.own_share.unknown", minBP)
	case f.OwnCashCents == nil:
		return eligResult(rule, RuleUnknown, "own_cash", "eligibility.own_share.unknown", minBP)
	case f.InKindCents == nil:
		return eligResult(rule, RuleUnknown, "in_kind", "eligibility.own_share.unknown", minBP)
	case *f.TotalCostCents < 0:
		return eligNegative(rule, "total_cost")
	case *f.OwnCashCents < 0:
		return eligNegative(rule, "own_cash")
	case *f.InKindCents < 0:
		return eligNegative(rule, "in_kind")
	}
	// Two non-negative int64 add up without overflowing a uint64.
	own, total, m := uint64(*f.OwnCashCents)+uint64(*f.InKindCents), uint64(*f.TotalCostCents), uint64(minBP)
	share := eligClampBP(mulDiv128(own, 10000, total, false))
	if mulCmp128(own, 10000, m, total) < 0 {
		return eligResult(rule, RuleFailed, "own_cash", "eligibility.own_share", minBP, share, mulDiv128(m, total, 10000, true))
	}
	return eligResult(rule, RulePassed, "own_cash", "eligibility.own_share.ok", minBP, share)
}

// ruleInKind: in kind ≤ max × (cash + in kind). The message gives both ways
// out: the most in kind the cash allows, and the least cash the in kind needs.
func ruleInKind(maxBP int, f ApplicationFacts) RuleResult {
	const rule, field = "in_kind", "in_kind"
	switch {
	case f.InKindCents == nil:
		return eligResult(rule, RuleUnknown, field, "eligibility.in_kind.unknown", maxBP)
	case f.OwnCashCents == nil:
		return eligResult(rule, RuleUnknown, "own_cash", "eligibility.in_kind.unknown", maxBP)
	case *f.InKindCents < 0:
		return eligNegative(rule, field)
	case *f.OwnCashCents < 0:
		return eligNegative(rule, "own_cash")
	}
	kind, cash, m := uint64(*f.InKindCents), uint64(*f.OwnCashCents), uint64(maxBP)
	own := kind + cash
	share := 0
	if own > 0 {
		share = eligClampBP(mulDiv128(kind, 10000, own, true))
	}
	if m >= 10000 || mulCmp128(kind, 10000, m, own) <= 0 {
		return eligResult(rule, RulePassed, field, "eligibility.in_kind.ok", maxBP, share)
	}
	// kind × (10000 − m) ≤ m × cash
	return eligResult(rule, RuleFailed, field, "eligibility.in_kind", maxBP, share,
		mulDiv128(m, cash, 10000-m, false), mulDiv128(kind, 10000-m, m, true))
}

func ruleDuration(lo, hi int, d *int) RuleResult {
	const rule, field = "duration", "duration_months"
	switch {
	case d == nil:
		return eligResult(rule, RuleUnknown, field, "eligibility.duration.unknown")
	case *d <= 0:
		return eligResult(rule, RuleFailed, field, "eligibility.duration.invalid")
	case lo > 0 && *d < lo:
		return eligResult(rule, RuleFailed, field, "eligibility.duration.min", lo, *d)
	case hi > 0 && *d > hi:
		return eligResult(rule, RuleFailed, field, "eligibility.duration.max", hi, *d)
	}
	return eligResult(rule, RulePassed, field, "eligibility.duration.ok", *d)
}

func ruleDocuments(required, got []string) RuleResult {
	const rule, field = "documents", "documents"
	if got == nil {
		return eligResult(rule, RuleUnknown, field, "eligibility.documents.unknown", slices.Clone(required))
	}
	var missing []string
	for _, d := range required {
		if !slices.Contains(got, d) && !slices.Contains(missing, d) {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		return eligResult(rule, RuleFailed, field, "eligibility.documents", missing)
	}
	return eligResult(rule, RulePassed, field, "eligibility.documents.ok")
}

func ruleOverdue(overdue *bool) RuleResult {
	const rule = "overdue_reports"
	switch {
	case overdue == nil:
		return eligResult(rule, RuleUnknown, "", "eligibility.overdue_reports.unknown")
	case *overdue:
		return eligResult(rule, RuleFailed, "", "eligibility.overdue_reports")
	}
	return eligResult(rule, RulePassed, "", "eligibility.overdue_reports.ok")
}

// ruleThemes requires at least one of the project's themes among the call's:
// other themes describe the project and do no harm.
func ruleThemes(want, got []string) RuleResult {
	const rule, field = "themes", "themes"
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	if len(got) == 0 {
		return eligResult(rule, RuleUnknown, field, "eligibility.themes.unknown", slices.Clone(want))
	}
	for _, g := range got {
		for _, w := range want {
			if norm(g) == norm(w) {
				return eligResult(rule, RulePassed, field, "eligibility.themes.ok", norm(g))
			}
		}
	}
	return eligResult(rule, RuleFailed, field, "eligibility.themes", slices.Clone(want))
}

// mulCmp128 compares a×b with c×d exactly, on 128 bits.
func mulCmp128(a, b, c, d uint64) int {
	h1, l1 := bits.Mul64(a, b)
	h2, l2 := bits.Mul64(c, d)
	if h1 != h2 {
		if h1 < h2 {
			return -1
		}
		return 1
	}
	switch {
	case l1 < l2:
		return -1
	case l1 > l2:
		return 1
	}
	return 0
}

// mulDiv128 returns a×b/c rounded down (or up), computed on 128 bits. A
// quotient beyond int64, which only absurd amounts reach, is clamped to
// MaxInt64: it only feeds the advice of a message.
func mulDiv128(a, b, c uint64, up bool) int64 {
	hi, lo := bits.Mul64(a, b)
	if c == 0 || hi >= c {
		return math.MaxInt64
	}
	q, r := bits.Div64(hi, lo, c)
	if up && r != 0 {
		q++
	}
	if q == 0 && up && r != 0 || q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

func eligClampBP(v int64) int {
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(v)
}

// The kinds of message args, to turn codes and numbers into words.
type eligArgKind uint8

const (
	eaCountry   eligArgKind = iota + 1 // string: ISO code
	eaCountries                        // []string: ISO codes and "group:" codes
	eaRegion                           // string: INSEE région code
	eaAuthType                         // string: AuthorityType
	eaAuthTypes                        // []string: AuthorityType
	eaCents                            // int64: euro cents
	eaBP                               // int: basis points
	eaMonths                           // int
	eaDocuments                        // []string: document codes
	eaTheme                            // string: theme code
	eaThemes                           // []string: theme codes
	eaCallID                           // int64: a call, which renderers link to
	eaCount                            // int: a number of things, shown as is
)

// eligibilityArgKinds lists every message key CheckEligibility returns, with
// the kinds of its args in order. Keys absent take no args.
var eligibilityArgKinds = map[string][]eligArgKind{
	"eligibility.countries.ok":             nil,
	"eligibility.countries.unknown":        {eaCountries},              // allowed
	"eligibility.countries.unknown_abroad": nil,                        //
	"eligibility.countries":                {eaCountries, eaCountries}, // not eligible, allowed
	"eligibility.countries.france":         {eaCountries},              // the countries to remove (France, unknown codes)
	"eligibility.countries.none":           {eaCountries},              // allowed
	"eligibility.countries.none_abroad":    nil,

	"eligibility.excluded_country":             {eaCountry, eaCallID}, // the excluded country, the call that handles it
	"eligibility.excluded_country.no_redirect": {eaCountry, eaCallID}, // the excluded country, 0
	"eligibility.excluded_country.unknown":     {eaCountries},         // excluded countries
	"eligibility.excluded_country.ok":          {eaCountries},         // excluded countries

	"eligibility.lead_type":                      {eaAuthType, eaAuthTypes}, // the lead's type, allowed types
	"eligibility.lead_type.not_french_authority": {eaAuthTypes},             // allowed types
	"eligibility.lead_type.unknown":              {eaAuthTypes},             // allowed types
	"eligibility.lead_type.ok":                   {eaAuthType},              // the lead's type

	"eligibility.lead_region":         {eaRegion, eaRegion}, // required, the lead's
	"eligibility.lead_region.unknown": {eaRegion},           // required
	"eligibility.lead_region.ok":      {eaRegion},           // required

	"eligibility.partner":             {eaCountries}, // allowed partner countries
	"eligibility.partner.unknown":     {eaCountries}, // allowed partner countries
	"eligibility.partner.unconfirmed": {eaCountry},   // the partner's country
	"eligibility.partner.ok":          {eaCountry},   // the confirmed partner's country

	"eligibility.confirmations.pending": {eaCount}, // partners who have not confirmed
	"eligibility.confirmations.unknown": nil,
	"eligibility.confirmations.ok":      nil,

	"eligibility.beneficiary":         {eaCountries, eaCountries}, // allowed, the application's
	"eligibility.beneficiary.unknown": {eaCountries},              // allowed
	"eligibility.beneficiary.ok":      {eaCountry},                // the eligible beneficiary

	"eligibility.amount.negative": nil,

	"eligibility.max_grant":         {eaCents, eaCents}, // max, requested
	"eligibility.max_grant.unknown": {eaCents},          // max
	"eligibility.max_grant.ok":      {eaCents, eaCents}, // max, requested

	"eligibility.funders_share":         {eaBP, eaBP, eaCents}, // max, the application's (rounded up), the largest grant allowed
	"eligibility.funders_share.unknown": {eaBP},                // max
	"eligibility.funders_share.ok":      {eaBP, eaBP},          // max, the application's (rounded up)

	"eligibility.own_share":         {eaBP, eaBP, eaCents}, // min, the application's (rounded down), the least own contribution
	"eligibility.own_share.unknown": {eaBP},                // min
	"eligibility.own_share.ok":      {eaBP, eaBP},          // min, the application's (rounded down)

	"eligibility.in_kind":         {eaBP, eaBP, eaCents, eaCents}, // max, the application's (rounded up), the most in kind the cash allows, the least cash the in kind needs
	"eligibility.in_kind.unknown": {eaBP},                         // max
	"eligibility.in_kind.ok":      {eaBP, eaBP},                   // max, the application's (rounded up)

	"eligibility.duration.min":     {eaMonths, eaMonths}, // min, the application's
	"eligibility.duration.max":     {eaMonths, eaMonths}, // max, the application's
	"eligibility.duration.invalid": nil,
	"eligibility.duration.unknown": nil,
	"eligibility.duration.ok":      {eaMonths}, // the application's

	"eligibility.documents":         {eaDocuments}, // missing
	"eligibility.documents.unknown": {eaDocuments}, // required
	"eligibility.documents.ok":      nil,

	"eligibility.overdue_reports":         nil,
	"eligibility.overdue_reports.unknown": nil,
	"eligibility.overdue_reports.ok":      nil,

	"eligibility.themes":         {eaThemes}, // the call's
	"eligibility.themes.unknown": {eaThemes}, // the call's
	"eligibility.themes.ok":      {eaTheme},  // the first matching theme
}

// MessageArgs returns r.Args in the reader's words, for the catalogue message
// r.Key in lang: country, group, région and theme names, euros and
// percentages formatted for lang. t translates a catalogue key in lang (as
// the web view's T); it names authority types and documents, and may be nil
// (their codes are shown then). Args of other kinds are returned unchanged.
func (r RuleResult) MessageArgs(lang string, t func(key string, args ...any) string) []any {
	kinds := eligibilityArgKinds[r.Key]
	out := make([]any, len(r.Args))
	for i, a := range r.Args {
		out[i] = a
		if i >= len(kinds) {
			continue
		}
		switch kinds[i] {
		case eaCountry:
			if s, ok := a.(string); ok {
				out[i] = Country{Code: s}.Name(lang)
			}
		case eaCountries:
			if list, ok := a.([]string); ok {
				out[i] = eligCountryNames(lang, list)
			}
		case eaRegion:
			if s, ok := a.(string); ok {
				out[i] = RegionName(s)
			}
		case eaAuthType:
			if s, ok := a.(string); ok {
				out[i] = eligTranslated(t, "orgs.authority_type."+s, s)
			}
		case eaAuthTypes:
			if list, ok := a.([]string); ok {
				names := make([]string, len(list))
				for j, s := range list {
					names[j] = eligTranslated(t, "orgs.authority_type."+s, s)
				}
				out[i] = strings.Join(names, ", ")
			}
		case eaDocuments:
			if list, ok := a.([]string); ok {
				names := make([]string, len(list))
				for j, s := range list {
					names[j] = eligTranslated(t, "eligibility.document."+s, s)
				}
				out[i] = strings.Join(names, ", ")
			}
		case eaTheme:
			if s, ok := a.(string); ok {
				out[i] = eligThemeName(lang, s)
			}
		case eaThemes:
			if list, ok := a.([]string); ok {
				names := make([]string, len(list))
				for j, s := range list {
					names[j] = eligThemeName(lang, s)
				}
				out[i] = strings.Join(names, ", ")
			}
		case eaCents:
			if v, ok := a.(int64); ok {
				out[i] = FormatEuroCents(lang, v)
			}
		case eaBP:
			if v, ok := a.(int); ok {
				out[i] = FormatBasisPoints(lang, v)
			}
		}
	}
	return out
}

// Message renders r in lang with the catalogue translator t (see MessageArgs).
func (r RuleResult) Message(lang string, t func(key string, args ...any) string) string {
	return t(r.Key, r.MessageArgs(lang, t)...)
}

func eligTranslated(t func(string, ...any) string, key, fallback string) string {
	if t == nil {
		return fallback
	}
	if s := t(key); s != "" && s != key {
		return s
	}
	return fallback
}

func eligThemeName(lang, code string) string {
	if th, ok := ThemeByCode(code); ok {
		return th.Name(lang)
	}
	return code
}

// eligCountryNames names countries and groups in lang, sorted by name. Small
// groups (the Mediterranean fund's eight countries) are spelt out, since an
// applicant looks for a country; large ones (Africa) keep their name.
func eligCountryNames(lang string, list []string) string {
	const spellOut = 12
	var names []string
	for _, c := range list {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(c)), GroupPrefix) {
			g, ok := CountryGroupByCode(c)
			switch {
			case !ok:
				names = append(names, c)
			case len(g.Countries) <= spellOut:
				for _, m := range g.Countries {
					names = append(names, Country{Code: m}.Name(lang))
				}
			default:
				names = append(names, g.Name(lang))
			}
			continue
		}
		names = append(names, Country{Code: strings.ToUpper(strings.TrimSpace(c))}.Name(lang))
	}
	if len(names) > 1 {
		col := collate.New(language.Make(lang))
		slices.SortStableFunc(names, func(a, b string) int { return col.CompareString(a, b) })
		names = slices.Compact(names)
	}
	return strings.Join(names, ", ")
}

// FormatEuroCents writes an amount of euro cents as the readers of lang
// write euros: "200 000 €" and "1 234,50 €" in French, "€200,000" in English,
// "200.000 €" in Spanish, "€ 200.000" in (Brazilian) Portuguese. Whole
// amounts drop their cents.
func FormatEuroCents(lang string, cents int64) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = -u
	}
	whole, frac := u/100, u%100
	group, decimal, minGroup := "\u202f", ",", 4 // CLDR: fr groups with a narrow no-break space
	switch lang {
	case "en":
		group, decimal = ",", "."
	case "es":
		group, minGroup = ".", 5 // CLDR: Spanish leaves 4-digit numbers ungrouped
	case "pt":
		group = "."
	}
	digits := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if len(digits) >= minGroup {
		for i, d := range digits {
			if i > 0 && (len(digits)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(d)
		}
	} else {
		b.WriteString(digits)
	}
	num := b.String()
	if frac != 0 {
		num += decimal + strconv.FormatUint(frac/10, 10) + strconv.FormatUint(frac%10, 10)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	switch lang {
	case "en":
		return sign + "€" + num
	case "pt":
		return sign + "€\u00a0" + num
	default:
		return sign + num + "\u00a0€"
	}
}

// FormatBasisPoints writes a share in basis points as a percentage in lang:
// "12,5 %" in French and Spanish, "12.5%" in English, "12,5%" in Portuguese.
func FormatBasisPoints(lang string, bp int) string {
	neg := bp < 0
	u := uint64(bp)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u/100, 10)
	if f := u % 100; f != 0 {
		dec := ","
		if lang == "en" {
			dec = "."
		}
		s += dec + strings.TrimRight(strconv.FormatUint(f/10, 10)+strconv.FormatUint(f%10, 10), "0")
	}
	if neg {
		s = "-" + s
	}
	switch lang {
	case "en", "pt":
		return s + "%"
	case "es":
		return s + "\u00a0%"
	default:
		return s + "\u202f%"
	}
}
