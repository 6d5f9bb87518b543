package coopdec

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The label of international expertise (label « expertise internationale »):
// a French local authority applies in three parts (competencies, evidence,
// conditions of mobilisation), the ministry's officers review, and a granted
// label is valid LabelValidityYears, with reminders before it expires.

// LabelValidityYears is how long a granted label is valid unless the
// deployment chooses another validity (serve --label-validity-years),
// between LabelValidityMinYears and LabelValidityMaxYears. Storage takes
// the validity as an argument.
const LabelValidityYears = 3

// Bounds of a deployment's label validity: a label reviewed more often
// than yearly is a burden, one left for over ten years no longer says much.
const (
	LabelValidityMinYears = 1
	LabelValidityMaxYears = 10
)

// CheckLabelValidityYears says whether years is an acceptable validity of
// a label, in words for the operator who configured it.
func CheckLabelValidityYears(years int) error {
	if years < LabelValidityMinYears || years > LabelValidityMaxYears {
		return fmt.Errorf("a label's validity must be %d to %d years; got %d", LabelValidityMinYears, LabelValidityMaxYears, years)
	}
	return nil
}

// LabelReminderDays are the reminders before a label expires, in days,
// the earliest first; each is sent once.
var LabelReminderDays = []int{90, 30}

// LabelState is where a label application stands.
type LabelState string

const (
	LabelDraft            LabelState = "draft"
	LabelSubmitted        LabelState = "submitted"
	LabelChangesRequested LabelState = "changes_requested"
	LabelGranted          LabelState = "granted"
	LabelRefused          LabelState = "refused"
	LabelRevoked          LabelState = "revoked"
	LabelExpired          LabelState = "expired"
)

// LabelStates lists the states in the order filters offer them.
var LabelStates = []LabelState{LabelDraft, LabelSubmitted, LabelChangesRequested, LabelGranted, LabelRefused, LabelRevoked, LabelExpired}

// Valid reports whether s is a known state.
func (s LabelState) Valid() bool { return slices.Contains(LabelStates, s) }

// Open reports whether an application in s is still under way: being
// written or under review.
func (s LabelState) Open() bool {
	return s == LabelDraft || s == LabelSubmitted || s == LabelChangesRequested
}

// LabelAction is an officer's act of review on a label.
type LabelAction string

const (
	LabelActionRequestChanges LabelAction = "request_changes"
	LabelActionGrant          LabelAction = "grant"
	LabelActionRefuse         LabelAction = "refuse"
	LabelActionRevoke         LabelAction = "revoke"
	LabelActionSubmit         LabelAction = "submit"
)

// LabelReviewActions are the actions of a review of a submitted application.
var LabelReviewActions = []LabelAction{LabelActionRequestChanges, LabelActionGrant, LabelActionRefuse}

// ReferenceKind says whether a reference is a project or a mission.
type ReferenceKind string

const (
	ReferenceProject ReferenceKind = "project"
	ReferenceMission ReferenceKind = "mission"
)

// LabelCompetencies is the first part: what the authority knows how to do.
type LabelCompetencies struct {
	Themes      []string // theme codes
	Description string
	Methods     string
}

// LabelReference is a past project or mission that evidences the
// competencies.
type LabelReference struct {
	Title   string
	Kind    ReferenceKind
	Country string // ISO 3166-1 alpha-2
	// Place is where in the country, a city or a region in free text
	// ("Pune", "Maharashtra"); the matching compares it folded.
	Place     string `json:",omitempty"`
	FromYear  int
	ToYear    int
	Partners  string
	Results   string
	Documents []string // names of the documents that support it
}

// LabelConditions is the third part: how the authority mobilises its
// staff.
type LabelConditions struct {
	Staff           string   // staff and profiles
	Languages       []string // ISO 639-1 codes
	MinDurationDays int
	MaxDurationDays int
	SelfCovered     string // what the authority covers itself
	// The stated availability, in days: experts can leave from
	// AvailableFrom to AvailableTo (a zero one leaves that side open),
	// except in the Unavailable windows.
	AvailableFrom time.Time         `json:",omitzero"`
	AvailableTo   time.Time         `json:",omitzero"`
	Unavailable   []ExpertiseWindow `json:",omitempty"`
}

// LabelApplication is an authority's application for the label; once
// granted it is the label itself, until revoked or expired. A renewal is a
// new application whose RenewsID names the current label.
type LabelApplication struct {
	ID             int64
	OrganisationID int64
	RenewsID       int64
	State          LabelState
	Competencies   LabelCompetencies
	References     []LabelReference
	Conditions     LabelConditions

	Number      string // granted labels only, e.g. PACT2-LBL-2026-0042
	Reason      string // the last officer's request or reason
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time
	DecidedAt   time.Time
	GrantedAt   time.Time
	ExpiresAt   time.Time
}

// LabelReview is one step of an application's review history.
type LabelReview struct {
	Action LabelAction
	Reason string
	By     int64
	At     time.Time
}

// Limits of the form's texts and lists.
const (
	labelTextMax       = 10000
	labelShortMax      = 300
	labelReferencesMax = 30
	labelDocumentsMax  = 20
	labelDaysMax       = 365
	labelEarliestYear  = 1950
	labelWindowsMax    = 20
	// Availability dates lie from the year before the current one (a
	// window under way when the application was written) to the end of the
	// longest validity a label may have.
	labelDatesBefore = 1
	labelDatesAhead  = LabelValidityMaxYears
)

// LabelLanguages are the languages an authority may declare, ISO 639-1
// codes in the order the form offers them.
var LabelLanguages = []string{"fr", "en", "es", "pt", "ar", "de", "it", "ru", "zh", "hi", "ja", "vi", "sw", "wo", "ht", "mg", "ro", "pl", "tr", "fa", "he", "ko", "nl", "uk"}

// ValidLabelLanguage reports whether code is a two-letter ISO 639-1 code
// the platform knows.
func ValidLabelLanguage(code string) bool { return slices.Contains(LabelLanguages, code) }

// Normalize trims the texts and drops empty reference rows (the form has
// spare ones), so that what is stored is what was meant.
func (a *LabelApplication) Normalize() {
	c := &a.Competencies
	c.Description, c.Methods = strings.TrimSpace(c.Description), strings.TrimSpace(c.Methods)
	c.Themes = uniqueTrimmed(c.Themes, false)
	k := &a.Conditions
	k.Staff, k.SelfCovered = strings.TrimSpace(k.Staff), strings.TrimSpace(k.SelfCovered)
	k.Languages = uniqueTrimmed(k.Languages, true)
	k.AvailableFrom, k.AvailableTo = labelDay(k.AvailableFrom), labelDay(k.AvailableTo)
	var windows []ExpertiseWindow
	for _, w := range k.Unavailable {
		w.From, w.To = labelDay(w.From), labelDay(w.To)
		if !w.From.IsZero() || !w.To.IsZero() {
			windows = append(windows, w)
		}
	}
	k.Unavailable = windows
	refs := a.References[:0]
	for _, r := range a.References {
		r.Title, r.Partners, r.Results = strings.TrimSpace(r.Title), strings.TrimSpace(r.Partners), strings.TrimSpace(r.Results)
		r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
		r.Place = strings.Join(strings.Fields(r.Place), " ")
		r.Kind = ReferenceKind(strings.TrimSpace(string(r.Kind)))
		r.Documents = uniqueTrimmed(r.Documents, false)
		if r.Title == "" && r.Country == "" && r.Place == "" && r.FromYear == 0 && r.ToYear == 0 && r.Partners == "" && r.Results == "" && len(r.Documents) == 0 {
			continue
		}
		refs = append(refs, r)
	}
	a.References = refs
}

// labelDay is t's calendar date at UTC midnight; availability is stated
// in whole days.
func labelDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func uniqueTrimmed(list []string, lower bool) []string {
	var out []string
	for _, s := range list {
		s = strings.TrimSpace(s)
		if lower {
			s = strings.ToLower(s)
		}
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks the application's content as of year (the current
// year). A draft may be incomplete but what it holds must be well formed;
// with complete set (submission) every part must be filled in.
func (a *LabelApplication) Validate(complete bool, year int) error {
	a.Normalize()
	var errs Errors
	c, k := a.Competencies, a.Conditions
	for _, t := range c.Themes {
		if _, ok := ThemeByCode(t); !ok {
			errs = append(errs, FieldError("themes", "label.themes.invalid", t))
		}
	}
	long := func(field, v string) {
		if utf8.RuneCountInString(v) > labelTextMax {
			errs = append(errs, FieldError(field, "label.text.too_long", labelTextMax))
		}
	}
	long("description", c.Description)
	long("methods", c.Methods)
	long("staff", k.Staff)
	long("self_covered", k.SelfCovered)
	for _, l := range k.Languages {
		if !ValidLabelLanguage(l) {
			errs = append(errs, FieldError("languages", "label.languages.invalid", l))
		}
	}
	if k.MinDurationDays < 0 || k.MinDurationDays > labelDaysMax {
		errs = append(errs, FieldError("min_days", "label.days.invalid", labelDaysMax))
	}
	if k.MaxDurationDays < 0 || k.MaxDurationDays > labelDaysMax {
		errs = append(errs, FieldError("max_days", "label.days.invalid", labelDaysMax))
	} else if k.MaxDurationDays > 0 && k.MaxDurationDays < k.MinDurationDays {
		errs = append(errs, FieldError("max_days", "label.days.order"))
	}
	errs = append(errs, k.validateAvailability(year)...)
	if len(a.References) > labelReferencesMax {
		errs = append(errs, FieldError("references", "label.references.too_many", labelReferencesMax))
	}
	for i, r := range a.References {
		n := i + 1
		f := func(name string) string { return fmt.Sprintf("ref%d_%s", i, name) }
		if r.Title == "" {
			errs = append(errs, FieldError(f("title"), "label.reference.title.required", n))
		} else if utf8.RuneCountInString(r.Title) > labelShortMax {
			errs = append(errs, FieldError(f("title"), "label.reference.title.too_long", n, labelShortMax))
		}
		if r.Kind != ReferenceProject && r.Kind != ReferenceMission {
			errs = append(errs, FieldError(f("kind"), "label.reference.kind.invalid", n))
		}
		if _, ok := CountryByCode(r.Country); !ok || r.Country == "FR" {
			errs = append(errs, FieldError(f("country"), "label.reference.country.invalid", n))
		}
		if utf8.RuneCountInString(r.Place) > labelShortMax {
			errs = append(errs, FieldError(f("place"), "label.reference.place.too_long", n, labelShortMax))
		}
		if r.FromYear < labelEarliestYear || r.FromYear > year {
			errs = append(errs, FieldError(f("from"), "label.reference.from.invalid", n, labelEarliestYear, year))
		}
		if r.ToYear != 0 && (r.ToYear < r.FromYear || r.ToYear > year+10) {
			errs = append(errs, FieldError(f("to"), "label.reference.to.invalid", n))
		}
		if utf8.RuneCountInString(r.Partners) > labelTextMax || utf8.RuneCountInString(r.Results) > labelTextMax {
			errs = append(errs, FieldError(f("results"), "label.text.too_long", labelTextMax))
		}
		if len(r.Documents) > labelDocumentsMax {
			errs = append(errs, FieldError(f("documents"), "label.reference.documents.too_many", n, labelDocumentsMax))
		}
		if complete && r.Results == "" {
			errs = append(errs, FieldError(f("results"), "label.reference.results.required", n))
		}
	}
	if complete {
		if len(c.Themes) == 0 {
			errs = append(errs, FieldError("themes", "label.themes.required"))
		}
		if c.Description == "" {
			errs = append(errs, FieldError("description", "label.description.required"))
		}
		if c.Methods == "" {
			errs = append(errs, FieldError("methods", "label.methods.required"))
		}
		if len(a.References) == 0 {
			errs = append(errs, FieldError("ref0_title", "label.references.required"))
		}
		if k.Staff == "" {
			errs = append(errs, FieldError("staff", "label.staff.required"))
		}
		if len(k.Languages) == 0 {
			errs = append(errs, FieldError("languages", "label.languages.required"))
		}
		if k.MinDurationDays == 0 {
			errs = append(errs, FieldError("min_days", "label.days.required"))
		}
		if k.SelfCovered == "" {
			errs = append(errs, FieldError("self_covered", "label.self_covered.required"))
		}
	}
	return errs.Err()
}

// validateAvailability checks the stated period and the unavailable
// windows of normalised conditions: each end within the dates a label may
// cover as of year, each end after its start.
func (k *LabelConditions) validateAvailability(year int) Errors {
	var errs Errors
	first := time.Date(year-labelDatesBefore, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(year+labelDatesAhead, 12, 31, 0, 0, 0, 0, time.UTC)
	inRange := func(t time.Time) bool { return !t.Before(first) && !t.After(last) }
	fromOK, toOK := true, true
	if !k.AvailableFrom.IsZero() && !inRange(k.AvailableFrom) {
		errs, fromOK = append(errs, FieldError("available_from", "label.available.range", first.Year(), last.Year())), false
	}
	if !k.AvailableTo.IsZero() && !inRange(k.AvailableTo) {
		errs, toOK = append(errs, FieldError("available_to", "label.available.range", first.Year(), last.Year())), false
	}
	if fromOK && toOK && !k.AvailableFrom.IsZero() && !k.AvailableTo.IsZero() && k.AvailableTo.Before(k.AvailableFrom) {
		errs = append(errs, FieldError("available_to", "label.available.order"))
	}
	if len(k.Unavailable) > labelWindowsMax {
		errs = append(errs, FieldError("unav0_from", "label.unavailable.too_many", labelWindowsMax))
	}
	for i, w := range k.Unavailable {
		n := i + 1
		f := func(name string) string { return fmt.Sprintf("unav%d_%s", i, name) }
		switch {
		case w.From.IsZero():
			errs = append(errs, FieldError(f("from"), "label.unavailable.from.required", n))
		case !inRange(w.From):
			errs = append(errs, FieldError(f("from"), "label.unavailable.range", n, first.Year(), last.Year()))
		}
		switch {
		case w.To.IsZero():
			errs = append(errs, FieldError(f("to"), "label.unavailable.to.required", n))
		case !inRange(w.To):
			errs = append(errs, FieldError(f("to"), "label.unavailable.range", n, first.Year(), last.Year()))
		case !w.From.IsZero() && w.To.Before(w.From):
			errs = append(errs, FieldError(f("to"), "label.unavailable.order", n))
		}
	}
	return errs
}

// Countries returns the countries of the references, each once, sorted.
func (a *LabelApplication) Countries() []string {
	var out []string
	for _, r := range a.References {
		if r.Country != "" && !slices.Contains(out, r.Country) {
			out = append(out, r.Country)
		}
	}
	slices.Sort(out)
	return out
}

// IsLabelAuthorityMember reports whether u belongs to organisation orgID as
// a French local authority.
func IsLabelAuthorityMember(u *User, orgID int64) bool {
	m, ok := u.Membership(orgID)
	return ok && m.OrganisationKind == OrgFrenchAuthority
}

// LabelAuthorities are the French local authorities u belongs to.
func LabelAuthorities(u *User) []Membership {
	if u == nil {
		return nil
	}
	var out []Membership
	for _, m := range u.Memberships {
		if m.OrganisationKind == OrgFrenchAuthority {
			out = append(out, m)
		}
	}
	return out
}

// CanReviewLabels reports whether u reviews label applications: the
// ministry's officers.
func CanReviewLabels(u *User) bool { return u.HasRole(RoleOfficer) }

// CanViewLabelApplication: the authority's members and the officers.
func CanViewLabelApplication(u *User, a *LabelApplication) bool {
	return IsLabelAuthorityMember(u, a.OrganisationID) || CanReviewLabels(u)
}

// CheckLabelCreate says whether u may start an application for orgID,
// given the authority's applications so far: one open application at a
// time; with a granted label, the new one renews it.
func CheckLabelCreate(u *User, orgID int64, existing []LabelApplication) (renews int64, err error) {
	if !IsLabelAuthorityMember(u, orgID) {
		return 0, Errorf(EFORBIDDEN, "label.forbidden.authority")
	}
	for _, x := range existing {
		if x.State.Open() {
			return 0, Errorf(ECONFLICT, "label.create.open_exists")
		}
		if x.State == LabelGranted {
			renews = x.ID
		}
	}
	return renews, nil
}

// CheckLabelEdit says whether u may change or submit a: a member of its
// authority, while it is a draft or changes were requested.
func CheckLabelEdit(u *User, a *LabelApplication) error {
	if !IsLabelAuthorityMember(u, a.OrganisationID) {
		if CanReviewLabels(u) {
			return Errorf(EFORBIDDEN, "label.forbidden.edit")
		}
		return Errorf(ENOTFOUND, "label.not_found")
	}
	if a.State != LabelDraft && a.State != LabelChangesRequested {
		return Errorf(ECONFLICT, "label.edit.closed")
	}
	return nil
}

// CheckLabelAction says whether u may take action on a with reason, and
// returns the state it leads to. Submission is the authority's; the rest
// are the officers'. Refusal, revocation and a request for changes need a
// reason.
func CheckLabelAction(u *User, a *LabelApplication, action LabelAction, reason string) (LabelState, error) {
	if action == LabelActionSubmit {
		if err := CheckLabelEdit(u, a); err != nil {
			return "", err
		}
		return LabelSubmitted, nil
	}
	if !CanReviewLabels(u) {
		if IsLabelAuthorityMember(u, a.OrganisationID) {
			return "", Errorf(EFORBIDDEN, "label.forbidden.review")
		}
		return "", Errorf(ENOTFOUND, "label.not_found")
	}
	var to LabelState
	switch action {
	case LabelActionRequestChanges, LabelActionGrant, LabelActionRefuse:
		if a.State != LabelSubmitted {
			return "", Errorf(ECONFLICT, "label.review.not_submitted")
		}
		to = map[LabelAction]LabelState{LabelActionRequestChanges: LabelChangesRequested,
			LabelActionGrant: LabelGranted, LabelActionRefuse: LabelRefused}[action]
	case LabelActionRevoke:
		if a.State != LabelGranted {
			return "", Errorf(ECONFLICT, "label.revoke.not_granted")
		}
		to = LabelRevoked
	default:
		return "", FieldError("action", "label.action.invalid")
	}
	if action != LabelActionGrant {
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return "", FieldError("reason", "label.reason.required")
		}
		if utf8.RuneCountInString(reason) > labelTextMax {
			return "", FieldError("reason", "label.text.too_long", labelTextMax)
		}
	}
	return to, nil
}

// LabelNumber formats the seq-th label granted in year.
func LabelNumber(year, seq int) string { return fmt.Sprintf("PACT2-LBL-%d-%04d", year, seq) }

// LabelExpiry is when a label granted at t for years expires.
func LabelExpiry(t time.Time, years int) time.Time {
	if years <= 0 {
		years = LabelValidityYears
	}
	return t.AddDate(years, 0, 0)
}

// LabelRemindersDue returns the reminders (days before expiry) due at now
// for a label expiring at expires and not yet sent: those whose day has
// come while the label is still valid. Only the nearest one needs an
// email; the others are past and are recorded as covered by it.
func LabelRemindersDue(expires, now time.Time, sent []int) []int {
	if !now.Before(expires) {
		return nil
	}
	var out []int
	for _, d := range LabelReminderDays {
		if slices.Contains(sent, d) {
			continue
		}
		if !now.Before(expires.AddDate(0, 0, -d)) {
			out = append(out, d)
		}
	}
	return out
}

// LabelHasExpired reports whether a granted label expiring at expires has
// expired at now.
func LabelHasExpired(expires, now time.Time) bool { return !now.Before(expires) }

// Audit actions of the label, listed in AuditActions.
const (
	AuditLabelSubmit         = "label.submit"
	AuditLabelRequestChanges = "label.request_changes"
	AuditLabelGrant          = "label.grant"
	AuditLabelRefuse         = "label.refuse"
	AuditLabelRevoke         = "label.revoke"
)

// LabelQuery searches the public directory of valid labels: words matched
// without regard to accents or case against the competencies and the
// references, and facets.
type LabelQuery struct {
	Text     string
	Theme    string
	Region   string // INSEE code of the authority's région
	Language string
	Country  string // of experience
}

// Validate checks the facets' values.
func (q *LabelQuery) Validate() error {
	var errs Errors
	q.Text = strings.TrimSpace(q.Text)
	q.Country = strings.ToUpper(strings.TrimSpace(q.Country))
	q.Language = strings.ToLower(strings.TrimSpace(q.Language))
	if utf8.RuneCountInString(q.Text) > labelShortMax {
		errs = append(errs, FieldError("q", "label.search.too_long", labelShortMax))
	}
	if _, ok := ThemeByCode(q.Theme); q.Theme != "" && !ok {
		errs = append(errs, FieldError("theme", "label.themes.invalid", q.Theme))
	}
	if q.Region != "" && !slices.Contains(Regions(), q.Region) {
		errs = append(errs, FieldError("region", "label.search.region.invalid"))
	}
	if q.Language != "" && !ValidLabelLanguage(q.Language) {
		errs = append(errs, FieldError("language", "label.languages.invalid", q.Language))
	}
	if _, ok := CountryByCode(q.Country); q.Country != "" && !ok {
		errs = append(errs, FieldError("country", "label.search.country.invalid"))
	}
	return errs.Err()
}

// LabelSearchItem is a valid label with its authority's région.
type LabelSearchItem struct {
	Label  *LabelApplication
	Region string
}

// LabelSearchText is what the text search reads of a label, folded.
func LabelSearchText(a *LabelApplication) string {
	parts := []string{a.Competencies.Description, a.Competencies.Methods}
	for _, r := range a.References {
		parts = append(parts, r.Title, r.Partners, r.Results)
	}
	return " " + Fold(strings.Join(parts, " "))
}

// FacetCount is how many labels a facet's value would keep.
type FacetCount struct {
	Value string
	Count int
}

// LabelFacets counts, per facet, the labels each value keeps given the
// other criteria.
type LabelFacets struct {
	Themes, Regions, Languages, Countries []FacetCount
}

// SearchLabels returns the indexes of the items q keeps, in their order,
// and the facets' counts.
func SearchLabels(items []LabelSearchItem, q LabelQuery) ([]int, LabelFacets) {
	words := strings.Fields(Fold(q.Text))
	var kept []int // the items the text keeps
	var values []LabelFacetValues
	for i, it := range items {
		text := LabelSearchText(it.Label)
		ok := true
		for _, w := range words {
			if !strings.Contains(text, " "+w) {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, i)
			values = append(values, LabelFacetValues{Themes: it.Label.Competencies.Themes, Region: it.Region,
				Languages: it.Label.Conditions.Languages, Countries: it.Label.Countries()})
		}
	}
	idx, facets := FilterLabelFacets(values, q)
	out := make([]int, 0, len(idx))
	for _, i := range idx {
		out = append(out, kept[i])
	}
	if len(out) == 0 {
		out = nil
	}
	return out, facets
}

// LabelFacetValues are a label's values under each facet of the directory.
type LabelFacetValues struct {
	Themes    []string
	Region    string
	Languages []string
	Countries []string
}

// FilterLabelFacets returns the indexes of the items whose facets pass q's
// (q's text is not read: the items are those the text keeps), in their
// order, and the facets' counts: for each facet, how many items each value
// keeps given the other facets, most first.
func FilterLabelFacets(items []LabelFacetValues, q LabelQuery) ([]int, LabelFacets) {
	type facet struct {
		want   string
		values func(it *LabelFacetValues) []string
		counts map[string]int
	}
	facets := []*facet{
		{q.Theme, func(it *LabelFacetValues) []string { return it.Themes }, map[string]int{}},
		{q.Region, func(it *LabelFacetValues) []string { return []string{it.Region} }, map[string]int{}},
		{q.Language, func(it *LabelFacetValues) []string { return it.Languages }, map[string]int{}},
		{q.Country, func(it *LabelFacetValues) []string { return it.Countries }, map[string]int{}},
	}
	var out []int
	for i := range items {
		it := &items[i]
		misses := 0
		missed := -1
		for j, f := range facets {
			if f.want != "" && !slices.Contains(f.values(it), f.want) {
				misses++
				missed = j
			}
		}
		if misses == 0 {
			out = append(out, i)
		}
		for j, f := range facets {
			if misses == 0 || (misses == 1 && missed == j) {
				for _, v := range f.values(it) {
					if v != "" {
						f.counts[v]++
					}
				}
			}
		}
	}
	sorted := func(m map[string]int) []FacetCount {
		list := make([]FacetCount, 0, len(m))
		for v, n := range m {
			list = append(list, FacetCount{v, n})
		}
		slices.SortFunc(list, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		return list
	}
	return out, LabelFacets{Themes: sorted(facets[0].counts), Regions: sorted(facets[1].counts),
		Languages: sorted(facets[2].counts), Countries: sorted(facets[3].counts)}
}
