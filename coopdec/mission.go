package coopdec

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Cooperation missions: a request by the ministry or an embassy for a French
// local authority's expertise abroad, the authorities invited to answer,
// their replies, the officer's selection; and the proposals authorities
// make on their own initiative, which the ministry reviews.

// Bounds of a mission's fields.
const (
	missionNeedMax       = 4000
	missionNameMax       = 200
	missionPlaceMax      = 300
	missionCommentMax    = 4000
	missionExpertsMax    = 20
	missionDurationMax   = 365
	missionLanguagesMax  = 10
	MissionBudgetMaxCent = 100_000_000_00 // one hundred million euros
	MissionInviteMax     = 50             // authorities invited at once
)

// MissionState is where a mission request stands.
type MissionState string

const (
	MissionOpen      MissionState = "open"      // created, nobody invited yet
	MissionInvited   MissionState = "invited"   // authorities invited, no reply yet
	MissionReplied   MissionState = "replied"   // at least one reply
	MissionSelected  MissionState = "selected"  // an authority chosen: closed
	MissionCancelled MissionState = "cancelled" // closed without a choice
)

// MissionStates lists the states, in the order filters offer them.
var MissionStates = []MissionState{MissionOpen, MissionInvited, MissionReplied, MissionSelected, MissionCancelled}

// Valid reports whether s is a known state.
func (s MissionState) Valid() bool { return slices.Contains(MissionStates, s) }

// Closed reports whether nothing more happens to a request in state s.
func (s MissionState) Closed() bool { return s == MissionSelected || s == MissionCancelled }

// MissionTerms are what a mission is about, as a request or a proposal
// states them.
type MissionTerms struct {
	Country      string // ISO 3166-1 alpha-2
	Place        string // where in the country: a city or a region, free text; optional
	PartnerName  string // the local partner institution
	PartnerOrgID int64  // the partner as a registered foreign organisation; 0 if not registered
	Themes       []string
	Need         string
	From, To     time.Time // window of dates, days (UTC midnight)
	DurationDays int
	Languages    []string // ISO 639-1
	BudgetCents  int64    // ceiling
}

// MissionDate reads a day in the form 2006-01-02.
func MissionDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

// Validate normalises t (trims texts, upper-cases the country, lower-cases
// themes and languages, drops duplicates) and checks every field, reporting
// each one at fault.
func (t *MissionTerms) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	t.Country = strings.ToUpper(strings.TrimSpace(t.Country))
	if t.Country == "" {
		add("country", "mission.country.required")
	} else if _, ok := CountryByCode(t.Country); !ok || t.Country == "FR" {
		add("country", "mission.country.invalid")
	}
	t.Place = strings.Join(strings.Fields(t.Place), " ")
	switch {
	case !utf8.ValidString(t.Place):
		add("place", "mission.text.invalid")
	case utf8.RuneCountInString(t.Place) > missionPlaceMax:
		add("place", "mission.place.too_long", missionPlaceMax)
	}
	t.PartnerName = strings.TrimSpace(t.PartnerName)
	checkMissionText("partner_name", t.PartnerName, missionNameMax, true, add)
	if t.PartnerOrgID < 0 {
		add("partner_organisation_id", "mission.partner.invalid")
	}
	t.Themes = missionCodes(t.Themes, strings.ToLower)
	if len(t.Themes) == 0 {
		add("themes", "mission.themes.required")
	}
	for _, th := range t.Themes {
		if _, ok := ThemeByCode(th); !ok {
			add("themes", "mission.themes.invalid", th)
			break
		}
	}
	t.Need = strings.TrimSpace(t.Need)
	checkMissionText("need", t.Need, missionNeedMax, true, add)
	switch {
	case t.From.IsZero():
		add("from", "mission.from.required")
	case t.To.IsZero():
		add("to", "mission.to.required")
	case t.To.Before(t.From):
		add("to", "mission.to.before_from")
	}
	switch {
	case t.DurationDays < 1 || t.DurationDays > missionDurationMax:
		add("duration_days", "mission.duration.invalid", missionDurationMax)
	case !t.From.IsZero() && !t.To.IsZero() && !t.To.Before(t.From) && t.DurationDays > int(t.To.Sub(t.From).Hours()/24)+1:
		add("duration_days", "mission.duration.window")
	}
	t.Languages = missionCodes(t.Languages, strings.ToLower)
	if len(t.Languages) == 0 {
		add("languages", "mission.languages.required")
	} else if !validLanguageCodes(t.Languages) {
		add("languages", "mission.languages.invalid")
	}
	if t.BudgetCents <= 0 || t.BudgetCents > MissionBudgetMaxCent {
		add("budget_cents", "mission.budget.invalid")
	}
	return errs.Err()
}

func checkMissionText(field, s string, max int, required bool, add func(field, key string, args ...any)) {
	switch {
	case s == "":
		if required {
			add(field, "mission.text.required")
		}
	case !utf8.ValidString(s):
		add(field, "mission.text.invalid")
	case utf8.RuneCountInString(s) > max:
		add(field, "mission.text.too_long", max)
	}
}

// missionCodes trims and cases codes, dropping empty ones and duplicates, in
// their first order.
func missionCodes(in []string, f func(string) string) []string {
	var out []string
	for _, c := range in {
		c = f(strings.TrimSpace(c))
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// validLanguageCodes reports whether each code is an ISO 639-1 code, and
// that there are not too many.
func validLanguageCodes(codes []string) bool {
	if len(codes) > missionLanguagesMax {
		return false
	}
	for _, c := range codes {
		if len(c) != 2 || c[0] < 'a' || c[0] > 'z' || c[1] < 'a' || c[1] > 'z' {
			return false
		}
		b, err := language.ParseBase(c)
		if err != nil || b.String() != c {
			return false
		}
	}
	return true
}

// MissionRequest asks for a French local authority's expertise abroad.
type MissionRequest struct {
	ID int64
	MissionTerms
	State     MissionState
	CreatedBy int64 // user
	// EmbassyID is the embassy the request was made by; 0 for the ministry.
	EmbassyID int64
	// AuthorityID is the authority the mission went to: the selected
	// reply's, or the proposer's for an accepted proposal.
	AuthorityID     int64
	SelectedReplyID int64
	ProposalID      int64 // the proposal it came from, if any
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// MissionInvitation invites a French local authority to reply to a request.
type MissionInvitation struct {
	ID          int64
	RequestID   int64
	AuthorityID int64
	InvitedBy   int64
	InvitedAt   time.Time
}

// MissionExpert is an expert an authority proposes for a mission.
type MissionExpert struct {
	Name         string   `json:"name"`
	Role         string   `json:"role"`
	Languages    []string `json:"languages"`
	Availability string   `json:"availability"`
}

// MissionReply is an invited authority's answer to a request.
type MissionReply struct {
	ID          int64
	RequestID   int64
	AuthorityID int64
	Interested  bool
	Experts     []MissionExpert
	Comment     string
	RepliedBy   int64
	RepliedAt   time.Time
}

// Validate normalises r and checks it: an interested authority proposes at
// least one expert; each expert has a name and valid languages.
func (r *MissionReply) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	r.Comment = strings.TrimSpace(r.Comment)
	checkMissionText("comment", r.Comment, missionCommentMax, false, add)
	var experts []MissionExpert
	for _, x := range r.Experts {
		x.Name, x.Role, x.Availability = strings.TrimSpace(x.Name), strings.TrimSpace(x.Role), strings.TrimSpace(x.Availability)
		x.Languages = missionCodes(x.Languages, strings.ToLower)
		if x.Name == "" && x.Role == "" && x.Availability == "" && len(x.Languages) == 0 {
			continue
		}
		experts = append(experts, x)
	}
	r.Experts = experts
	if !r.Interested && len(r.Experts) > 0 {
		add("experts", "mission.reply.experts.not_interested")
	}
	if r.Interested && len(r.Experts) == 0 {
		add("experts", "mission.reply.experts.required")
	}
	if len(r.Experts) > missionExpertsMax {
		add("experts", "mission.reply.experts.too_many", missionExpertsMax)
	}
	for _, x := range r.Experts {
		checkMissionText("experts", x.Name, missionNameMax, true, func(field, key string, args ...any) {
			add(field, "mission.reply.expert.name."+strings.TrimPrefix(key, "mission.text."), args...)
		})
		checkMissionText("experts", x.Role, missionNameMax, false, add)
		checkMissionText("experts", x.Availability, missionNameMax, false, add)
		if len(x.Languages) > 0 && !validLanguageCodes(x.Languages) {
			add("experts", "mission.languages.invalid")
		}
	}
	return dedupFields(errs).Err()
}

// dedupFields keeps one error per field and message.
func dedupFields(errs Errors) Errors {
	var out Errors
	for _, e := range errs {
		if !slices.ContainsFunc(out, func(o *Error) bool { return o.Field == e.Field && o.Key == e.Key }) {
			out = append(out, e)
		}
	}
	return out
}

// ProposalState is where a proposal stands.
type ProposalState string

const (
	ProposalPending  ProposalState = "pending"
	ProposalAccepted ProposalState = "accepted"
	ProposalDeclined ProposalState = "declined"
)

// ProposalStates lists the states of a proposal.
var ProposalStates = []ProposalState{ProposalPending, ProposalAccepted, ProposalDeclined}

// Valid reports whether s is a known state.
func (s ProposalState) Valid() bool { return slices.Contains(ProposalStates, s) }

// MissionProposal is a mission a French local authority proposes on its own
// initiative.
type MissionProposal struct {
	ID          int64
	AuthorityID int64
	MissionTerms
	State      ProposalState
	Reason     string // why it was declined
	ProposedBy int64
	ProposedAt time.Time
	ReviewedBy int64
	ReviewedAt time.Time
	RequestID  int64 // the request an accepted proposal became
}

// CheckProposalReview checks the ministry's review of p: pending only
// (ECONFLICT); a declined proposal needs a reason (EINVALID). The reason
// is trimmed.
func CheckProposalReview(p *MissionProposal, accept bool, reason *string) error {
	if p.State != ProposalPending {
		return Errorf(ECONFLICT, "mission.proposal.reviewed")
	}
	*reason = strings.TrimSpace(*reason)
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	checkMissionText("reason", *reason, missionCommentMax, !accept, add)
	return errs.Err()
}

// MissionViewer is a user with what the mission rules read about them: the
// embassies they act for (with the embassy role), with their countries.
type MissionViewer struct {
	User      *User
	Embassies []Organisation
}

// officer reports whether v is a ministry officer.
func (v MissionViewer) officer() bool { return v.User.HasRole(RoleOfficer) }

// EmbassyFor returns the embassy v acts for in country.
func (v MissionViewer) EmbassyFor(country string) (int64, bool) {
	if !v.User.HasRole(RoleEmbassy) {
		return 0, false
	}
	for _, o := range v.Embassies {
		if o.Kind == OrgEmbassy && strings.EqualFold(o.Country, country) && slices.Contains(EmbassiesOf(v.User), o.ID) {
			return o.ID, true
		}
	}
	return 0, false
}

// EmbassyCountries lists the countries of the embassies v acts for.
func (v MissionViewer) EmbassyCountries() []string {
	var out []string
	for _, o := range v.Embassies {
		if _, ok := v.EmbassyFor(o.Country); ok && !slices.Contains(out, strings.ToUpper(o.Country)) {
			out = append(out, strings.ToUpper(o.Country))
		}
	}
	return out
}

// AuthoritiesOf lists the French local authorities u is a member of.
func AuthoritiesOf(u *User) []int64 {
	if u == nil {
		return nil
	}
	var out []int64
	for _, m := range u.Memberships {
		if m.OrganisationKind == OrgFrenchAuthority {
			out = append(out, m.OrganisationID)
		}
	}
	return out
}

// CanListMissionRequests allows the list of requests: officers and
// embassies' staff.
func CanListMissionRequests(v MissionViewer) bool {
	return v.officer() || len(v.EmbassyCountries()) > 0
}

// CanCreateMissionRequest allows making a request for country: officers,
// and an embassy's staff for their own country.
func CanCreateMissionRequest(v MissionViewer, country string) bool {
	if v.officer() {
		return true
	}
	_, ok := v.EmbassyFor(country)
	return ok
}

// CanSeeMissionRequest allows reading m: officers; the embassy that made it
// and the embassy of its country; members of an authority invited to it or
// that it went to.
func CanSeeMissionRequest(v MissionViewer, m *MissionRequest, invited []int64) bool {
	if m == nil || v.User == nil {
		return false
	}
	if v.officer() {
		return true
	}
	if m.EmbassyID != 0 && slices.Contains(EmbassiesOf(v.User), m.EmbassyID) {
		return true
	}
	if _, ok := v.EmbassyFor(m.Country); ok {
		return true
	}
	for _, a := range AuthoritiesOf(v.User) {
		if a == m.AuthorityID || slices.Contains(invited, a) {
			return true
		}
	}
	return false
}

// CanManageMissionRequest allows inviting authorities to m and selecting a
// reply: officers.
func CanManageMissionRequest(v MissionViewer, m *MissionRequest) bool {
	return m != nil && v.officer()
}

// CanSeeMissionReplies allows reading every reply to m: those who made or
// follow the request (officers, the embassies), not the invited
// authorities, who read only their own.
func CanSeeMissionReplies(v MissionViewer, m *MissionRequest) bool {
	if m == nil || v.User == nil {
		return false
	}
	if v.officer() || (m.EmbassyID != 0 && slices.Contains(EmbassiesOf(v.User), m.EmbassyID)) {
		return true
	}
	_, ok := v.EmbassyFor(m.Country)
	return ok
}

// CheckMissionInvite decides whether v may invite the authorities to m:
// its managers (EFORBIDDEN), while open (ECONFLICT), French local
// authorities only, at least one and not too many (EINVALID).
func CheckMissionInvite(v MissionViewer, m *MissionRequest, authorities []Organisation) error {
	if !CanManageMissionRequest(v, m) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if m.State.Closed() {
		return Errorf(ECONFLICT, "mission.closed")
	}
	if len(authorities) == 0 {
		return FieldError("organisation_ids", "mission.invite.none")
	}
	if len(authorities) > MissionInviteMax {
		return FieldError("organisation_ids", "mission.invite.too_many", MissionInviteMax)
	}
	for _, o := range authorities {
		if o.Kind != OrgFrenchAuthority {
			return FieldError("organisation_ids", "mission.invite.not_authority", o.Name)
		}
	}
	return nil
}

// CheckMissionReply decides whether v may reply to m for authority: a
// member of that authority (EFORBIDDEN), invited to m (ENOTFOUND: others
// do not learn the request exists), while m is open to replies and the
// authority has not replied yet (ECONFLICT); then the reply must be valid.
func CheckMissionReply(v MissionViewer, m *MissionRequest, authority int64, invited []int64, replied bool, r *MissionReply) error {
	if m == nil || !CanSeeMissionRequest(v, m, invited) {
		return Errorf(ENOTFOUND, "mission.not_found")
	}
	if !slices.Contains(AuthoritiesOf(v.User), authority) {
		return Errorf(EFORBIDDEN, "mission.reply.not_member")
	}
	if !slices.Contains(invited, authority) {
		return Errorf(EFORBIDDEN, "mission.reply.not_invited")
	}
	if m.State.Closed() {
		return Errorf(ECONFLICT, "mission.closed")
	}
	if replied {
		return Errorf(ECONFLICT, "mission.reply.already")
	}
	return r.Validate()
}

// CheckMissionSelect decides whether v may select reply r for m: its
// managers (EFORBIDDEN), a reply to m (ENOTFOUND) from an interested
// authority, while m is not closed (ECONFLICT).
func CheckMissionSelect(v MissionViewer, m *MissionRequest, r *MissionReply) error {
	if !CanManageMissionRequest(v, m) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if r == nil || r.RequestID != m.ID {
		return Errorf(ENOTFOUND, "mission.reply.not_found")
	}
	if m.State.Closed() {
		return Errorf(ECONFLICT, "mission.closed")
	}
	if !r.Interested {
		return Errorf(ECONFLICT, "mission.select.not_interested")
	}
	return nil
}

// CanCancelMissionRequest allows cancelling m: officers any request, an
// embassy's staff the requests their embassy made.
func CanCancelMissionRequest(v MissionViewer, m *MissionRequest) bool {
	if m == nil || v.User == nil {
		return false
	}
	if v.officer() {
		return true
	}
	id, ok := v.EmbassyFor(m.Country)
	return ok && m.EmbassyID != 0 && id == m.EmbassyID
}

// CheckMissionCancel decides whether v may cancel m, giving reason: who
// may (EFORBIDDEN); only while no authority is selected and no order is
// drawn up, since by then an authority has committed to the mission
// (ECONFLICT); a reason, which the invited authorities are told
// (EINVALID). The reason is trimmed.
func CheckMissionCancel(v MissionViewer, m *MissionRequest, hasOrder bool, reason *string) error {
	if !CanCancelMissionRequest(v, m) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	switch {
	case m.State == MissionCancelled:
		return Errorf(ECONFLICT, "mission.cancel.already")
	case m.State == MissionSelected || m.AuthorityID != 0:
		return Errorf(ECONFLICT, "mission.cancel.selected")
	case hasOrder:
		return Errorf(ECONFLICT, "mission.cancel.ordered")
	}
	*reason = strings.TrimSpace(*reason)
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	checkMissionText("reason", *reason, missionCommentMax, true, add)
	return errs.Err()
}

// CanProposeMission allows proposing a mission for authority: its members.
func CanProposeMission(u *User, authority int64) bool {
	return authority != 0 && slices.Contains(AuthoritiesOf(u), authority)
}

// CanSeeMissionProposal allows reading p: officers and p's authority's
// members.
func CanSeeMissionProposal(u *User, p *MissionProposal) bool {
	if p == nil {
		return false
	}
	return u.HasRole(RoleOfficer) || slices.Contains(AuthoritiesOf(u), p.AuthorityID)
}

// CanReviewMissionProposal allows accepting or declining proposals:
// officers.
func CanReviewMissionProposal(u *User) bool { return u.HasRole(RoleOfficer) }

// Audit actions of missions.
const (
	AuditMissionRequest        = "mission.request"
	AuditMissionInvite         = "mission.invite"
	AuditMissionReply          = "mission.reply"
	AuditMissionSelect         = "mission.select"
	AuditMissionPropose        = "mission.propose"
	AuditMissionProposalReview = "mission.proposal_review"
	AuditMissionCancel         = "mission.cancel"
)
