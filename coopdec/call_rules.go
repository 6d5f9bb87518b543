package coopdec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a call's fields.
const (
	callReferenceMax = 64
	callTitleMax     = 200
	callSummaryMax   = 1000
	callBodyMax      = 100_000
	// callCentsMax bounds every amount of a call at ten billion euros, far
	// above any cooperation budget: a larger figure is a typing slip, and the
	// bound keeps the money arithmetic far from overflowing.
	callCentsMax int64 = 1_000_000_000_000
)

// inseeRegions names the 18 régions by their INSEE code (since 2016). Only a
// région can restrict a call's leads: the overseas collectivités with
// three-digit codes (975 Saint-Pierre-et-Miquelon…) are not régions.
var inseeRegions = map[string]string{
	"01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
	"11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté",
	"28": "Normandie", "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire",
	"53": "Bretagne", "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
	"93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}

// Regions lists the INSEE codes of the régions, in code order.
func Regions() []string { return slices.Sorted(maps.Keys(inseeRegions)) }

// RegionName names a région by its INSEE code, the code itself when
// unknown. Région names are proper nouns, the same in every language.
func RegionName(code string) string {
	if n, ok := inseeRegions[code]; ok {
		return n
	}
	return code
}

// Validate normalises a call (trims texts, upper-cases country codes,
// lower-cases groups and themes, fills the default status and decision
// rule) and checks it before it is stored. It returns Errors with one
// FieldError per problem, so the form shows them all. Field names follow the
// form: texts.fr.title, publish_at, funders.0.share_bp, rules.countries,
// rules.excluded.0.country, rules.max_grant_cents…
//
// A draft may lack its dates; any other status needs publication, opening
// and deadline.
func (c *Call) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }

	if c.ProgrammeID <= 0 {
		add("programme_id", "call.validation.programme.required")
	}
	c.Reference = strings.TrimSpace(c.Reference)
	if c.Reference == "" {
		add("reference", "call.reference.required")
	} else if utf8.RuneCountInString(c.Reference) > callReferenceMax {
		add("reference", "call.validation.reference.too_long", callReferenceMax)
	}
	c.validateTexts(add)

	if c.Status == "" {
		c.Status = CallDraft
	}
	if !validCallStatus(c.Status) {
		add("status", "call.validation.status.invalid", string(c.Status))
	}
	if c.DecisionRule == "" {
		c.DecisionRule = DecisionAllParties
	}
	if c.DecisionRule != DecisionAllParties && c.DecisionRule != DecisionMinistry {
		add("decision_rule", "call.validation.decision_rule.invalid")
	}
	for i, id := range c.CoManagers {
		switch {
		case id <= 0:
			add("co_managers", "call.validation.co_managers.invalid")
		case slices.Contains(c.CoManagers[:i], id):
			add("co_managers", "call.validation.co_managers.duplicate")
		}
	}

	c.validateDates(add)
	c.validateFunders(add)

	c.Themes = callRulesNormList(c.Themes, strings.ToLower)
	for i, t := range c.Themes {
		if _, ok := ThemeByCode(t); !ok {
			add("themes", "call.validation.themes.unknown", t)
		} else if slices.Contains(c.Themes[:i], t) {
			add("themes", "call.validation.themes.duplicate", t)
		}
	}
	c.Rules.validate(c.ID, add)
	return errs.Err()
}

func (c *Call) validateTexts(add func(string, string, ...any)) {
	langs := make([]string, 0, len(c.Texts))
	for l := range c.Texts {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	if fr, ok := c.Texts["fr"]; !ok || strings.TrimSpace(fr.Title) == "" {
		add("texts.fr.title", "call.validation.texts.fr.required")
	}
	for _, l := range langs {
		if !ValidLanguage(l) {
			add("texts", "call.validation.texts.language", l)
			continue
		}
		t := c.Texts[l]
		t.Title, t.Summary, t.Body = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary), strings.TrimSpace(t.Body)
		c.Texts[l] = t
		p := "texts." + l + "."
		if t.Title == "" && l != "fr" {
			add(p+"title", "call.validation.texts.title.required")
		}
		if utf8.RuneCountInString(t.Title) > callTitleMax {
			add(p+"title", "call.validation.texts.title.too_long", callTitleMax)
		}
		if utf8.RuneCountInString(t.Summary) > callSummaryMax {
			add(p+"summary", "call.validation.texts.summary.too_long", callSummaryMax)
		}
		if utf8.RuneCountInString(t.Body) > callBodyMax {
			add(p+"body", "call.validation.texts.body.too_long", callBodyMax)
		}
	}
}

func (c *Call) validateDates(add func(string, string, ...any)) {
	if c.Status != CallDraft {
		if c.PublishAt.IsZero() {
			add("publish_at", "call.validation.publish_at.required")
		}
		if c.OpensAt.IsZero() {
			add("opens_at", "call.validation.opens_at.required")
		}
		if c.Deadline.IsZero() {
			add("deadline", "call.validation.deadline.required")
		}
	}
	set := func(t time.Time) bool { return !t.IsZero() }
	if set(c.PublishAt) && set(c.OpensAt) && c.OpensAt.Before(c.PublishAt) {
		add("opens_at", "call.validation.opens_at.before_publication")
	}
	switch {
	case set(c.OpensAt) && set(c.Deadline) && !c.Deadline.After(c.OpensAt):
		add("deadline", "call.validation.deadline.before_opening")
	case !set(c.OpensAt) && set(c.PublishAt) && set(c.Deadline) && !c.Deadline.After(c.PublishAt):
		add("deadline", "call.validation.deadline.before_publication")
	}
	if set(c.EvaluationAt) && set(c.Deadline) && c.EvaluationAt.Before(c.Deadline) {
		add("evaluation_at", "call.validation.evaluation_at.before_deadline")
	}
	switch {
	case !set(c.ResultsAt):
	case set(c.EvaluationAt):
		if c.ResultsAt.Before(c.EvaluationAt) {
			add("results_at", "call.validation.results_at.before_evaluation")
		}
	case set(c.Deadline) && c.ResultsAt.Before(c.Deadline):
		add("results_at", "call.validation.results_at.before_deadline")
	}
}

// validateFunders checks each funder, that the shares split every grant
// exactly, and that the envelopes can pay for a grant at the ceiling. The
// latter is checked per funder, which is stricter than "the ceiling is not
// above the sum of the envelopes": with shares of 50 % each, a ceiling of
// 300 000 € needs 150 000 € in each envelope, and envelopes of 100 000 € and
// 1 000 000 € add up to enough while the first cannot pay its half.
func (c *Call) validateFunders(add func(string, string, ...any)) {
	if len(c.Funders) == 0 {
		return
	}
	sum, sharesOK, envelopesOK, allEnvelopes := 0, true, true, true
	var envelopes int64
	for i, f := range c.Funders {
		p := fmt.Sprintf("funders.%d.", i)
		switch {
		case f.OrganisationID <= 0:
			add(p+"organisation_id", "call.validation.funders.organisation.required")
		case slices.ContainsFunc(c.Funders[:i], func(g Funder) bool { return g.OrganisationID == f.OrganisationID }):
			add(p+"organisation_id", "call.validation.funders.duplicate")
		}
		switch {
		case f.EnvelopeCents < 0:
			add(p+"envelope_cents", "call.validation.amount.negative")
			envelopesOK = false
		case f.EnvelopeCents > callCentsMax:
			add(p+"envelope_cents", "call.validation.amount.too_large")
			envelopesOK = false
		case f.EnvelopeCents == 0:
			allEnvelopes = false
		default:
			envelopes += f.EnvelopeCents // at most 10¹² each: no overflow below 9 million funders
		}
		if f.ShareBP < 0 || f.ShareBP > 10000 {
			add(p+"share_bp", "call.validation.share.range")
			sharesOK = false
		} else {
			sum += f.ShareBP
		}
	}
	if !sharesOK {
		return
	}
	if sum != 10000 {
		add("funders", "call.validation.funders.shares.sum")
		return
	}
	ceiling := c.Rules.MaxGrantCents
	if !envelopesOK || ceiling <= 0 || ceiling > callCentsMax {
		return
	}
	if allEnvelopes && envelopes < ceiling {
		add("rules.max_grant_cents", "call.validation.max_grant.above_envelopes")
		return
	}
	for i, f := range c.Funders {
		if f.EnvelopeCents > 0 && mulCmp128(uint64(ceiling), uint64(f.ShareBP), uint64(f.EnvelopeCents), 10000) > 0 {
			add(fmt.Sprintf("funders.%d.envelope_cents", i), "call.validation.funders.envelope.insufficient")
		}
	}
}

func (r *EligibilityRules) validate(callID int64, add func(string, string, ...any)) {
	r.Countries = callRulesCountries(r.Countries, "rules.countries", add)
	r.PartnerCountries = callRulesCountries(r.PartnerCountries, "rules.partner_countries", add)
	if slices.Contains(r.PartnerCountries, "FR") {
		add("rules.partner_countries", "call.validation.partner_countries.france")
	}
	r.BeneficiaryCountries = callRulesCountries(r.BeneficiaryCountries, "rules.beneficiary_countries", add)

	for i := range r.Excluded {
		e := &r.Excluded[i]
		p := fmt.Sprintf("rules.excluded.%d.", i)
		e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
		_, known := CountryByCode(e.Country)
		switch {
		case strings.HasPrefix(strings.ToLower(e.Country), GroupPrefix):
			add(p+"country", "call.validation.excluded.group")
		case !known:
			add(p+"country", "country.unknown", e.Country)
		case slices.ContainsFunc(r.Excluded[:i], func(x Exclusion) bool { return x.Country == e.Country }):
			add(p+"country", "call.validation.excluded.duplicate", e.Country)
		case slices.Contains(r.Countries, e.Country) || slices.Contains(r.PartnerCountries, e.Country) ||
			slices.Contains(r.BeneficiaryCountries, e.Country):
			// Listed by its own code: a contradiction. Carving a country
			// out of a group ("group:south_east_mediterranean" but not
			// Morocco) is what exclusions are for, and is allowed.
			add(p+"country", "call.validation.excluded.required", e.Country)
		}
		switch {
		case e.RedirectCallID < 0:
			add(p+"redirect_call_id", "call.validation.excluded.redirect.invalid")
		case e.RedirectCallID != 0 && e.RedirectCallID == callID:
			add(p+"redirect_call_id", "call.validation.excluded.redirect.self")
		}
	}

	for i, t := range r.LeadTypes {
		switch {
		case !t.Valid():
			add("rules.lead_types", "call.validation.lead_types.invalid", string(t))
		case slices.Contains(r.LeadTypes[:i], t):
			add("rules.lead_types", "call.validation.lead_types.duplicate")
		}
	}
	r.LeadRegion = strings.TrimSpace(r.LeadRegion)
	if r.LeadRegion != "" {
		if _, ok := inseeRegions[r.LeadRegion]; !ok {
			add("rules.lead_region", "call.validation.lead_region.invalid", r.LeadRegion)
		}
	}

	switch {
	case r.MaxGrantCents < 0:
		add("rules.max_grant_cents", "call.validation.amount.negative")
	case r.MaxGrantCents > callCentsMax:
		add("rules.max_grant_cents", "call.validation.amount.too_large")
	}
	sharesOK := true
	for _, s := range []struct {
		field string
		bp    int
	}{
		{"rules.max_funders_share_bp", r.MaxFundersShareBP},
		{"rules.min_own_share_bp", r.MinOwnShareBP},
		{"rules.max_in_kind_of_own_bp", r.MaxInKindOfOwnBP},
	} {
		if s.bp < 0 || s.bp > 10000 {
			add(s.field, "call.validation.share.range")
			sharesOK = false
		}
	}
	// A budget is total = grant + own (cash + in kind) + other resources.
	// Own ≥ 100 % leaves no room for any grant. Funders' maximum + own
	// minimum > 100 % leaves room, but the announced maximum can never be
	// reached (funders get at most 100 % − own): the call would promise what
	// no budget can obtain, so it is refused as inconsistent. The in-kind
	// limit never conflicts: an own contribution may be all cash.
	switch {
	case !sharesOK:
	case r.MinOwnShareBP == 10000:
		add("rules.min_own_share_bp", "call.validation.own_share.full")
	case r.MaxFundersShareBP > 0 && r.MinOwnShareBP > 0 && r.MaxFundersShareBP+r.MinOwnShareBP > 10000:
		add("rules.max_funders_share_bp", "call.validation.shares.contradictory")
	}

	if r.MinDurationMonths < 0 {
		add("rules.min_duration_months", "call.validation.duration.negative")
	}
	if r.MaxDurationMonths < 0 {
		add("rules.max_duration_months", "call.validation.duration.negative")
	}
	if r.MinDurationMonths > 0 && r.MaxDurationMonths > 0 && r.MinDurationMonths > r.MaxDurationMonths {
		add("rules.max_duration_months", "call.validation.duration.order")
	}

	r.RequiredDocuments = callRulesNormList(r.RequiredDocuments, strings.ToLower)
	for i, d := range r.RequiredDocuments {
		switch {
		case !callRulesValidCode(d):
			add("rules.required_documents", "call.validation.documents.invalid", d)
		case slices.Contains(r.RequiredDocuments[:i], d):
			add("rules.required_documents", "call.validation.documents.duplicate", d)
		}
	}
}

// callRulesCountries normalises a list of country and group codes and reports
// unknown and repeated entries.
func callRulesCountries(list []string, field string, add func(string, string, ...any)) []string {
	list = callRulesNormList(list, func(s string) string {
		if strings.HasPrefix(strings.ToLower(s), GroupPrefix) {
			return strings.ToLower(s)
		}
		return strings.ToUpper(s)
	})
	for i, code := range list {
		if _, err := ExpandCountries([]string{code}); err != nil {
			add(field, "country.unknown", code)
		} else if slices.Contains(list[:i], code) {
			add(field, "call.validation.countries.duplicate", code)
		}
	}
	return list
}

// callRulesNormList trims and normalises entries, dropping the blank ones
// that forms send.
func callRulesNormList(list []string, norm func(string) string) []string {
	if list == nil {
		return nil
	}
	out := list[:0:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, norm(s))
		}
	}
	return out
}

// callRulesValidCode accepts codes such as "council_deliberation".
func callRulesValidCode(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func validCallStatus(s CallStatus) bool {
	switch s {
	case CallDraft, CallPublished, CallOpen, CallClosed, CallEvaluation, CallDecided, CallResults:
		return true
	}
	return false
}

// CallStatusAt returns c's status at now. Publication, opening and closing
// follow the clock: a published call is "published" before OpensAt, "open"
// from OpensAt until the Deadline, and "closed" from the Deadline on, the
// deadline instant itself being late. Draft, evaluation, decided and results
// are set by people and never change with time. A stored "open" or "closed"
// is only a cache of this, so that moving a deadline reopens a call.
func CallStatusAt(c *Call, now time.Time) CallStatus {
	if c == nil {
		return ""
	}
	switch c.Status {
	case CallPublished, CallOpen, CallClosed:
	default:
		return c.Status
	}
	switch {
	case c.OpensAt.IsZero() || now.Before(c.OpensAt):
		return CallPublished
	case c.Deadline.IsZero() || now.Before(c.Deadline):
		return CallOpen
	}
	return CallClosed
}

// CanTransition reports whether people may move a call from one status to
// another; from is the status at the time (CallStatusAt). The other moves
// (published → open → closed) belong to the clock, and nothing goes back:
// a published call is corrected by an amendment, not withdrawn to a draft.
func CanTransition(from, to CallStatus) bool {
	switch from {
	case CallDraft:
		return to == CallPublished
	case CallClosed:
		return to == CallEvaluation
	case CallEvaluation:
		return to == CallDecided
	case CallDecided:
		return to == CallResults
	}
	return false
}

// IsAmendment reports whether a change to c at now is an amendment, which
// needs a reason and is recorded: applicants may already have acted on the
// call once it is open.
func IsAmendment(c *Call, now time.Time) bool {
	if c == nil {
		return false
	}
	switch CallStatusAt(c, now) {
	case CallDraft, CallPublished:
		return false
	}
	return true
}

// callCoManagedBy reports whether u is a member of one of c's co-managers.
func callCoManagedBy(u *User, c *Call) bool {
	for _, id := range c.CoManagers {
		if _, ok := u.Membership(id); ok {
			return true
		}
	}
	return false
}

// CallDraftScope returns the drafts u may see, as a set, for storage to
// filter on: every draft (all: officers and administrators), or those
// co-managed by one of orgIDs, the organisations u belongs to. It is the set
// form of CanViewCall's draft branch, which uses it so that the two cannot
// drift. A visitor sees none: false and nil.
func CallDraftScope(u *User) (all bool, orgIDs []int64) {
	if u == nil {
		return false, nil
	}
	if u.HasRole(RoleOfficer) || IsAdmin(u) {
		return true, nil
	}
	for _, m := range u.Memberships {
		orgIDs = append(orgIDs, m.OrganisationID)
	}
	return false, orgIDs
}

// CanViewCall allows reading a call: everyone once it is published; while it
// is a draft, or before its publication date, the drafts CallDraftScope
// gives: officers, administrators and the members of its co-managers.
func CanViewCall(u *User, c *Call, now time.Time) bool {
	if c == nil {
		return false
	}
	// A call is public from its publication date; before, like a draft, only
	// the people who run it see it.
	if c.Status != CallDraft && !c.PublishAt.IsZero() && !now.Before(c.PublishAt) {
		return true
	}
	all, orgIDs := CallDraftScope(u)
	return all || slices.ContainsFunc(c.CoManagers, func(id int64) bool { return slices.Contains(orgIDs, id) })
}

// CanEditCall allows changing a call: officers, and co-managers of this call,
// that is users with the co_manager role who are members of one of its
// co-managing organisations. Once the call is open, a change is an amendment
// (IsAmendment).
func CanEditCall(u *User, c *Call) bool {
	if u == nil || c == nil {
		return false
	}
	return u.HasRole(RoleOfficer) || u.HasRole(RoleCoManager) && callCoManagedBy(u, c)
}

// CanCreateCall allows creating a call: officers.
func CanCreateCall(u *User) bool { return u.HasRole(RoleOfficer) }

// CanChangeCallStatus allows moving a call along its lifecycle by hand
// (publishing a draft, opening the evaluation, recording the decision,
// publishing the results): ministry officers only, along CanTransition.
// Publishing commits the ministry's money, and a decision needs every
// party's approval, which co-managers will give through the co-signed
// decision itself, never by moving the status alone.
func CanChangeCallStatus(u *User, from, to CallStatus) bool {
	return u.HasRole(RoleOfficer) && CanTransition(from, to)
}

// CheckCallChange refuses what an editor may not change in a call: a
// co-manager edits its texts, dates, themes and rules, but who runs and who
// funds the call, its programme, reference and decision rule are the
// ministry's to set. Officers may change everything.
func CheckCallChange(u *User, old, next *Call) error {
	if u.HasRole(RoleOfficer) {
		return nil
	}
	var errs Errors
	refuse := func(field string) { errs = append(errs, FieldError(field, "call.change.ministry_only")) }
	if !slices.Equal(old.CoManagers, next.CoManagers) {
		refuse("co_managers")
	}
	if !slices.Equal(old.Funders, next.Funders) {
		refuse("funders")
	}
	if old.ProgrammeID != next.ProgrammeID {
		refuse("programme_id")
	}
	if strings.TrimSpace(old.Reference) != strings.TrimSpace(next.Reference) {
		refuse("reference")
	}
	if orDefault(old.DecisionRule) != orDefault(next.DecisionRule) {
		refuse("decision_rule")
	}
	return errs.Err()
}

// orDefault is a decision rule with Validate's default applied.
func orDefault(r DecisionRule) DecisionRule {
	if r == "" {
		return DecisionAllParties
	}
	return r
}
