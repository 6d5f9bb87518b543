package coopdec

import (
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the texts around an application.
const (
	withdrawalReasonMax   = 2000
	correctionReasonMax   = 4000
	correctionDueDays     = 90
	messageBodyMax        = 10_000
	messageAttachmentsMax = 10
)

// SamePartnerEntry reports whether two consortium entries describe the same
// commitment, so that a confirmation holds only for what the partner saw.
// Names compare as Fold writes them (case, accents, punctuation, spacing);
// Confirmed is ignored.
func SamePartnerEntry(a, b Partner) bool {
	return a.OrganisationID == b.OrganisationID &&
		Fold(a.Name) == Fold(b.Name) &&
		a.Kind == b.Kind &&
		strings.EqualFold(strings.TrimSpace(a.Country), strings.TrimSpace(b.Country)) &&
		a.Role == b.Role &&
		strings.TrimSpace(a.Contribution) == strings.TrimSpace(b.Contribution) &&
		a.ContributionCents == b.ContributionCents &&
		a.InKind == b.InKind
}

// samePartner reports whether two entries name the same partner, whatever
// they say of its commitment: by organisation when both are registered,
// otherwise by name and country.
func samePartner(a, b Partner) bool {
	if a.OrganisationID > 0 && b.OrganisationID > 0 {
		return a.OrganisationID == b.OrganisationID
	}
	return Fold(a.Name) == Fold(b.Name) &&
		strings.EqualFold(strings.TrimSpace(a.Country), strings.TrimSpace(b.Country))
}

// newerConfirmation orders invitations by CreatedAt, then ID for those made
// in the same instant.
func newerConfirmation(x, y *PartnerConfirmation) bool {
	if !x.CreatedAt.Equal(y.CreatedAt) {
		return x.CreatedAt.After(y.CreatedAt)
	}
	return x.ID > y.ID
}

// latestConfirmation returns the most recent invitation of list that match
// accepts, nil when none does.
func latestConfirmation(list []PartnerConfirmation, match func(*PartnerConfirmation) bool) *PartnerConfirmation {
	var latest *PartnerConfirmation
	for i := range list {
		c := &list[i]
		if match(c) && (latest == nil || newerConfirmation(c, latest)) {
			latest = c
		}
	}
	return latest
}

// ApplyConfirmations sets each partner's Confirmed from list, a's
// invitations: a partner is confirmed when the latest invitation showing its
// current entry was confirmed, so that changing an entry lapses its
// confirmation and changing it back restores it. An invitation naming
// another application than a is ignored.
func ApplyConfirmations(a *Application, list []PartnerConfirmation) {
	for i := range a.Partners {
		p := &a.Partners[i]
		c := latestConfirmation(list, func(c *PartnerConfirmation) bool {
			return (a.ID == 0 || c.ApplicationID == 0 || c.ApplicationID == a.ID) && SamePartnerEntry(c.PartnerEntry, *p)
		})
		p.Confirmed = c != nil && c.Status == ConfirmationConfirmed
	}
}

// ConfirmationState says where p's confirmation stands, among list, its
// application's invitations: the status of the latest invitation showing
// p's current entry, with that invitation (agreeing with
// ApplyConfirmations); otherwise ConfirmationLapsed with the latest
// invitation sent to the same partner for an entry since changed; or ""
// and nil when the partner was never invited.
func ConfirmationState(p Partner, list []PartnerConfirmation) (ConfirmationStatus, *PartnerConfirmation) {
	if c := latestConfirmation(list, func(c *PartnerConfirmation) bool { return SamePartnerEntry(c.PartnerEntry, p) }); c != nil {
		return c.Status, c
	}
	if c := latestConfirmation(list, func(c *PartnerConfirmation) bool { return samePartner(c.PartnerEntry, p) }); c != nil {
		return ConfirmationLapsed, c
	}
	return "", nil
}

// CheckSubmission decides whether u may submit a to c at now, given elig,
// the call's rules checked on a's facts. The caller builds those facts
// after ApplyConfirmations and with the documents attached, so that what
// is checked is what is submitted.
//
// It refuses, in this order: a user who may not edit a (EFORBIDDEN), or a
// member when a is no longer a draft (ECONFLICT); a call not open at now
// (ECONFLICT); the field errors of a.Validate(c), which normalises a; and
// then every rule not passed, failed or unknown, as Errors holding the
// rule's own Key, Args and Field (eligibility.* keys, whose args
// RuleResult.MessageArgs puts into words).
func CheckSubmission(u *User, a *Application, c *Call, now time.Time, elig Eligibility) error {
	if !CanEditApplication(u, a) {
		return editRefusal(u, a)
	}
	if CallStatusAt(c, now) != CallOpen {
		if c != nil && !c.Deadline.IsZero() && !now.Before(c.Deadline) {
			return Errorf(ECONFLICT, "application.submit.closed", c.Deadline)
		}
		return Errorf(ECONFLICT, "application.submit.not_open")
	}
	if err := a.Validate(c); err != nil {
		return err
	}
	var errs Errors
	for _, r := range elig.Results {
		if r.Status != RulePassed {
			errs = append(errs, &Error{Code: EINVALID, Key: r.Key, Args: r.Args, Field: r.Field})
		}
	}
	return errs.Err()
}

// editRefusal explains why CanEditApplication refused: the lead's members
// learn that the application has left the draft stage, anyone else only
// that they may not.
func editRefusal(u *User, a *Application) error {
	if a == nil {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if _, member := u.Membership(a.LeadOrganisationID); !member || a.Status == ApplicationDraft {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	switch a.Status {
	case ApplicationSubmitted:
		return Errorf(ECONFLICT, "application.already_submitted")
	case ApplicationWithdrawn:
		return Errorf(ECONFLICT, "application.withdrawn")
	}
	return Errorf(ECONFLICT, "application.not_draft")
}

// CanWithdrawApplication allows withdrawing an application: the members of
// its lead organisation, while it is a draft or submitted.
func CanWithdrawApplication(u *User, a *Application) bool {
	if a == nil || a.Status != ApplicationDraft && a.Status != ApplicationSubmitted {
		return false
	}
	_, ok := u.Membership(a.LeadOrganisationID)
	return ok
}

// CheckWithdrawal checks the reason given for a withdrawal, which officers
// and co-managers read: required, at most 2000 characters.
func CheckWithdrawal(reason string) error {
	if err := checkReason("reason", reason, withdrawalReasonMax); err != nil {
		return err
	}
	return nil
}

// checkReason requires a readable text of at most max characters.
func checkReason(field, s string, max int) *Error {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return FieldError(field, "application.reason.required")
	case !utf8.ValidString(s):
		return FieldError(field, "application.field.invalid_text")
	case utf8.RuneCountInString(s) > max:
		return FieldError(field, "application.reason.too_long", max)
	}
	return nil
}

// canManageCallApplications reports whether u handles c's applications:
// officers and administrators, and the co-managers of c.
func canManageCallApplications(u *User, c *Call) bool {
	if u.HasRole(RoleOfficer) || IsAdmin(u) {
		return true
	}
	return c != nil && u.HasRole(RoleCoManager) && callCoManagedBy(u, c)
}

// CanListCallApplications allows listing the applications to c: officers and
// administrators for every call (c may then be nil, for all calls), and
// c's co-managers for c. Drafts stay out of the list: CanViewApplication.
func CanListCallApplications(u *User, c *Call) bool {
	return canManageCallApplications(u, c)
}

// CanRequestCorrection allows asking the applicant to correct a, submitted
// to c: officers, administrators and c's co-managers.
func CanRequestCorrection(u *User, a *Application, c *Call) bool {
	if a == nil || a.Status != ApplicationSubmitted {
		return false
	}
	if c != nil && c.ID != a.CallID {
		c = nil // another call's co-managers have no say
	}
	return canManageCallApplications(u, c)
}

// CorrectableFields lists the top-level fields of an application a
// correction request may open, as ChangedTopFields names them.
var CorrectableFields = []string{
	"texts", "themes", "countries", "places", "activities", "duration_months",
	"results", "partners", "beneficiary_countries", "budget",
}

// Validate normalises a correction request (trims the reason, lower-cases
// fields and document codes, drops repeats, sets the status to open) and
// checks it before it is stored: a reason, something to correct among
// CorrectableFields and well-formed document codes, and a due date after now
// and within 90 days, so that the evaluation is not held up for long.
func (r *CorrectionRequest) Validate(now time.Time) error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }

	r.Reason = strings.TrimSpace(r.Reason)
	if err := checkReason("reason", r.Reason, correctionReasonMax); err != nil {
		errs = append(errs, err)
	}
	r.Fields = normCodes(r.Fields, strings.ToLower)
	r.Documents = normCodes(r.Documents, strings.ToLower)
	if len(r.Fields) == 0 && len(r.Documents) == 0 {
		add("fields", "application.correction.empty")
	}
	for _, f := range r.Fields {
		if !slices.Contains(CorrectableFields, f) {
			add("fields", "application.correction.field.unknown", f)
		}
	}
	for _, d := range r.Documents {
		if !callRulesValidCode(d) {
			add("documents", "application.correction.document.invalid", d)
		}
	}
	switch {
	case r.DueAt.IsZero():
		add("due_at", "application.correction.due.required")
	case !r.DueAt.After(now):
		add("due_at", "application.correction.due.past")
	case r.DueAt.Sub(now) > correctionDueDays*24*time.Hour:
		add("due_at", "application.correction.due.too_far", correctionDueDays)
	}
	if r.Status == "" {
		r.Status = CorrectionOpen
	}
	return errs.Err()
}

// CanAnswerCorrection decides whether u may answer r, a correction request
// on a, at now: a member of a's lead organisation, while a is submitted and
// r is open, until r's due date included.
func CanAnswerCorrection(u *User, a *Application, r *CorrectionRequest, now time.Time) error {
	if a == nil || r == nil || r.ApplicationID != a.ID {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if _, ok := u.Membership(a.LeadOrganisationID); !ok {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	switch {
	case a.Status == ApplicationWithdrawn:
		return Errorf(ECONFLICT, "application.withdrawn")
	case a.Status != ApplicationSubmitted || r.Status != CorrectionOpen:
		return Errorf(ECONFLICT, "application.correction.closed")
	case now.After(r.DueAt):
		return Errorf(ECONFLICT, "application.correction.overdue", r.DueAt)
	}
	return nil
}

// ApplyCorrection returns old with the fields r opens taken from proposed,
// so that an answer changes nothing else. When proposed changes a field r
// does not open, it returns nil and one EINVALID error per such top-level
// field instead. Both must be normalised alike (proposed through Validate or
// ValidateDraft) for unchanged text to compare equal; the caller checks the
// result with Validate, applies the confirmations again, and stores it as a
// new version.
func ApplyCorrection(old, proposed *Application, r *CorrectionRequest) (*Application, error) {
	if r == nil {
		r = &CorrectionRequest{}
	}
	var errs Errors
	for _, f := range ChangedTopFields(CompareApplications(old, proposed)) {
		if !slices.Contains(r.Fields, f) {
			errs = append(errs, FieldError(f, "application.correction.field.not_requested"))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	out := cloneApplication(old)
	src := cloneApplication(proposed)
	for _, f := range r.Fields {
		switch f {
		case "texts":
			out.Texts = src.Texts
		case "themes":
			out.Themes = src.Themes
		case "countries":
			out.Countries = src.Countries
		case "places":
			out.Places = src.Places
		case "activities":
			out.Activities = src.Activities
		case "duration_months":
			out.DurationMonths = src.DurationMonths
		case "results":
			out.Results = src.Results
		case "partners":
			out.Partners = src.Partners
		case "beneficiary_countries":
			out.BeneficiaryCountries = src.BeneficiaryCountries
		case "budget":
			out.Budget = src.Budget
		}
	}
	return out, nil
}

// cloneApplication copies a deeply, so that the copy shares no list or map.
func cloneApplication(a *Application) *Application {
	c := *a
	c.Texts = maps.Clone(a.Texts)
	c.Themes = slices.Clone(a.Themes)
	c.Countries = slices.Clone(a.Countries)
	c.Places = slices.Clone(a.Places)
	c.Activities = slices.Clone(a.Activities)
	c.Results = slices.Clone(a.Results)
	c.Partners = slices.Clone(a.Partners)
	c.BeneficiaryCountries = slices.Clone(a.BeneficiaryCountries)
	c.Budget.Expenses = slices.Clone(a.Budget.Expenses)
	c.Budget.Financing = slices.Clone(a.Budget.Financing)
	return &c
}

// CanMessage allows writing in a's thread: the members of its lead
// organisation at any stage; once a is submitted, officers, administrators
// and the co-managers of c, its call.
func CanMessage(u *User, a *Application, c *Call) bool {
	if a == nil {
		return false
	}
	if _, ok := u.Membership(a.LeadOrganisationID); ok {
		return true
	}
	if !applicationSubmitted(a) {
		return false
	}
	if c != nil && c.ID != a.CallID {
		c = nil
	}
	return canManageCallApplications(u, c)
}

// Validate trims a message's body and checks it: required, readable, at
// most 10 000 characters, with at most 10 attachments.
func (m *Message) Validate() error {
	var errs Errors
	m.Body = strings.TrimSpace(m.Body)
	switch {
	case m.Body == "":
		errs = append(errs, FieldError("body", "application.message.body.required"))
	case !utf8.ValidString(m.Body):
		errs = append(errs, FieldError("body", "application.field.invalid_text"))
	case utf8.RuneCountInString(m.Body) > messageBodyMax:
		errs = append(errs, FieldError("body", "application.message.body.too_long", messageBodyMax))
	}
	if len(m.Attachments) > messageAttachmentsMax {
		errs = append(errs, FieldError("attachments", "application.message.attachments.too_many", messageAttachmentsMax))
	}
	return errs.Err()
}
