package coopdec

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What follows the selection of an authority for a mission: the mission
// order (dates, experts, costs), approved by an officer against the
// programme's envelope; the report the authority files after the mission;
// the requester's evaluation.

// Bounds of the follow-up's fields.
const (
	reportTextMax         = 8000
	missionEvalCommentMax = 4000
	ProgrammeEnvelopeMax  = 1_000_000_000_00 // one billion euros
)

// OrderState is where a mission order stands.
type OrderState string

const (
	OrderDraft    OrderState = "draft"    // drawn up, may still change
	OrderApproved OrderState = "approved" // committed against the envelope: final
)

// MissionOrder fixes a selected mission's dates, experts and costs.
type MissionOrder struct {
	MissionID      int64
	Start, End     time.Time // days, UTC midnight
	Experts        []OrderExpert
	TravelCents    int64
	OtherCents     int64
	DailyCents     int64 // the rate the allowances were computed at
	AllowanceCents int64
	TotalCents     int64
	State          OrderState
	ProgrammeID    int64 // the envelope it is committed against, once approved
	CreatedBy      int64
	UpdatedAt      time.Time
	ApprovedBy     int64
	ApprovedAt     time.Time
}

// CanKeepAllowanceRates allows adding lines to the rate table: officers.
func CanKeepAllowanceRates(u *User) bool { return u.HasRole(RoleOfficer) }

// CanSeeAllowanceRates allows reading the rate table: officers and
// embassies' staff.
func CanSeeAllowanceRates(u *User) bool { return u.HasRole(RoleOfficer) || u.HasRole(RoleEmbassy) }

// CanSetProgrammeEnvelope allows setting a programme's envelope: officers.
func CanSetProgrammeEnvelope(u *User) bool { return u.HasRole(RoleOfficer) }

// CanSeeProgrammeEnvelope allows reading a programme's envelope: officers.
func CanSeeProgrammeEnvelope(u *User) bool { return u.HasRole(RoleOfficer) }

// CanSearchMissionReports allows the search of reports filed after
// missions: officers and embassies' staff, who follow missions, and the
// members of a labelled authority, so that the next mission to the same
// place starts from them. labelled lists the authorities holding a valid
// label (storage knows; among u's, enough).
func CanSearchMissionReports(u *User, labelled []int64) bool {
	if u == nil {
		return false
	}
	if u.HasRole(RoleOfficer) || u.HasRole(RoleEmbassy) {
		return true
	}
	return slices.ContainsFunc(labelled, func(id int64) bool { return IsLabelAuthorityMember(u, id) })
}

// CanSeeMissionOrder allows reading m's order: whoever may see the request
// and is not merely an invited authority: officers, the embassies, the
// authority the mission went to.
func CanSeeMissionOrder(v MissionViewer, m *MissionRequest) bool {
	if m == nil || v.User == nil {
		return false
	}
	if CanSeeMissionReplies(v, m) {
		return true
	}
	return m.AuthorityID != 0 && slices.Contains(AuthoritiesOf(v.User), m.AuthorityID)
}

// CheckMissionOrder decides whether v may draw up order o for m, whose
// selected reply is reply, and computes its cost with the rate table:
// officers (EFORBIDDEN); a request with a selected authority, an order not
// approved yet (ECONFLICT); dates in order, experts among those the reply
// proposed, days each within the order's dates, a cost within the
// request's ceiling (EINVALID). It fills the computed amounts into o.
func CheckMissionOrder(v MissionViewer, m *MissionRequest, reply *MissionReply, existing *MissionOrder, o *MissionOrder, rates []AllowanceRate) error {
	if m == nil || !CanManageMissionRequest(v, m) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if m.State != MissionSelected || reply == nil {
		return Errorf(ECONFLICT, "mission_followup.order.not_selected")
	}
	if existing != nil && existing.State == OrderApproved {
		return Errorf(ECONFLICT, "mission_followup.order.approved")
	}
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	switch {
	case o.Start.IsZero():
		add("start", "mission_order.start.required")
	case o.End.IsZero():
		add("end", "mission_followup.order.end_required")
	case o.End.Before(o.Start):
		add("end", "mission_followup.order.end_before_start")
	}
	span := 0
	if !o.Start.IsZero() && !o.End.IsZero() && !o.End.Before(o.Start) {
		span = int(dayNumber(o.End)-dayNumber(o.Start)) + 1
	}
	proposed := make([]string, 0, len(reply.Experts))
	for _, x := range reply.Experts {
		proposed = append(proposed, Fold(strings.TrimSpace(x.Name)))
	}
	seen := map[string]bool{}
	for i := range o.Experts {
		o.Experts[i].Name = strings.TrimSpace(o.Experts[i].Name)
		name := o.Experts[i].Name
		if name == "" {
			continue
		}
		f := Fold(name)
		p := "experts." + strconv.Itoa(i) + "."
		switch {
		case !slices.Contains(proposed, f):
			add(p+"name", "mission_followup.order.expert_not_proposed", name)
		case seen[f]:
			add(p+"name", "mission_followup.order.expert_twice", name)
		}
		seen[f] = true
		if span > 0 && o.Experts[i].Days > span {
			add(p+"days", "mission_followup.order.days_over_span", span)
		}
	}
	total, allowances, err := OrderCost(MissionOrderBudget{TravelCents: o.TravelCents, Experts: o.Experts,
		OtherCents: o.OtherCents, Country: m.Country, Start: o.Start}, rates)
	if err != nil {
		var es Errors
		var one *Error
		switch {
		case errors.As(err, &es):
			errs = append(errs, es...)
		case errors.As(err, &one):
			errs = append(errs, one)
		default:
			return err
		}
	}
	if len(errs) > 0 {
		return dedupFields(errs).Err()
	}
	if err := CheckOrderAgainstCeiling(total, m.BudgetCents); err != nil {
		return err
	}
	if r, ok := AllowanceRateOn(rates, m.Country, o.Start); ok {
		o.DailyCents = r.DailyCents
	}
	o.MissionID, o.AllowanceCents, o.TotalCents, o.State = m.ID, allowances, total, OrderDraft
	return nil
}

// ProgrammeBalance is where a programme's envelope stands: its amount and
// what approved orders committed against it.
type ProgrammeBalance struct {
	ProgrammeID    int64
	AmountCents    int64
	CommittedCents int64
}

// RemainingCents is what the envelope can still pay.
func (b ProgrammeBalance) RemainingCents() int64 { return b.AmountCents - b.CommittedCents }

// CheckEnvelopeAmount decides whether u may set a programme's envelope to
// amount when committed is already committed against it: officers
// (EFORBIDDEN); an amount within bounds, never below what is committed
// (EINVALID).
func CheckEnvelopeAmount(u *User, amount, committed int64) error {
	if !CanSetProgrammeEnvelope(u) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	switch {
	case amount < 0 || amount > ProgrammeEnvelopeMax:
		return FieldError("amount_cents", "mission_followup.envelope.amount_invalid", CentsArg(ProgrammeEnvelopeMax))
	case amount < committed:
		return FieldError("amount_cents", "mission_followup.envelope.below_committed", CentsArg(committed))
	}
	return nil
}

// envelopeReasonMax bounds the reason given for an envelope's change.
const envelopeReasonMax = 1000

// CheckEnvelopeChange decides whether u may set a programme's envelope to
// amount, with reason, from the officers' page: as CheckEnvelopeAmount,
// and a reason, kept with the change, is required.
func CheckEnvelopeChange(u *User, amount, committed int64, reason string) error {
	if err := CheckEnvelopeAmount(u, amount, committed); err != nil {
		return err
	}
	switch reason = strings.TrimSpace(reason); {
	case reason == "":
		return FieldError("reason", "mission_followup.envelope.reason_required")
	case len([]rune(reason)) > envelopeReasonMax:
		return FieldError("reason", "mission_followup.envelope.reason_too_long", envelopeReasonMax)
	}
	return nil
}

// CheckOrderApproval decides whether u may approve o against the envelope
// b: officers (EFORBIDDEN); a drafted order (ECONFLICT); an envelope that
// can pay its total (ECONFLICT, saying what remains).
func CheckOrderApproval(u *User, o *MissionOrder, b ProgrammeBalance) error {
	if !u.HasRole(RoleOfficer) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if o == nil {
		return Errorf(ECONFLICT, "mission_followup.order.missing")
	}
	if o.State == OrderApproved {
		return Errorf(ECONFLICT, "mission_followup.order.approved")
	}
	if o.TotalCents > b.RemainingCents() {
		return &Error{Code: ECONFLICT, Key: "mission_followup.envelope.insufficient",
			Args: []any{CentsArg(o.TotalCents), CentsArg(max(b.RemainingCents(), 0))}, Field: "programme_id"}
	}
	return nil
}

// MissionReport is what the authority reports after the mission.
type MissionReport struct {
	MissionID       int64
	Findings        string
	Recommendations string
	FollowUp        string
	FiledBy         int64
	FiledAt         time.Time
}

// Validate trims r's texts and checks them: findings and recommendations
// required, each within bounds.
func (r *MissionReport) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	r.Findings = strings.TrimSpace(r.Findings)
	r.Recommendations = strings.TrimSpace(r.Recommendations)
	r.FollowUp = strings.TrimSpace(r.FollowUp)
	checkMissionText("findings", r.Findings, reportTextMax, true, add)
	checkMissionText("recommendations", r.Recommendations, reportTextMax, true, add)
	checkMissionText("follow_up", r.FollowUp, reportTextMax, false, add)
	return errs.Err()
}

// CheckMissionReport decides whether v may file report r on m: members of
// the authority the mission went to (EFORBIDDEN); once its order is
// approved, and once only (ECONFLICT); texts valid (EINVALID).
func CheckMissionReport(v MissionViewer, m *MissionRequest, o *MissionOrder, filed bool, r *MissionReport) error {
	if m == nil || v.User == nil || m.AuthorityID == 0 || !slices.Contains(AuthoritiesOf(v.User), m.AuthorityID) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if o == nil || o.State != OrderApproved {
		return Errorf(ECONFLICT, "mission_followup.report.no_order")
	}
	if filed {
		return Errorf(ECONFLICT, "mission_followup.report.already")
	}
	return r.Validate()
}

// IsMissionRequester reports whether v made m: the embassy that made it,
// or the user who made it for the ministry.
func IsMissionRequester(v MissionViewer, m *MissionRequest) bool {
	if m == nil || v.User == nil {
		return false
	}
	if m.EmbassyID != 0 {
		id, ok := v.EmbassyFor(m.Country)
		return ok && id == m.EmbassyID
	}
	return m.CreatedBy == v.User.ID && v.officer()
}

// MissionEvaluation is the requester's evaluation of a mission.
type MissionEvaluation struct {
	MissionID   int64
	Rating      int // 1 to 5
	Comment     string
	EvaluatedBy int64
	EvaluatedAt time.Time
}

// CheckMissionEvaluation decides whether v may evaluate m: its requester
// (EFORBIDDEN); once the report is filed, and once only (ECONFLICT); a
// rating from 1 to 5 and a comment within bounds (EINVALID).
func CheckMissionEvaluation(v MissionViewer, m *MissionRequest, reported, evaluated bool, e *MissionEvaluation) error {
	if !IsMissionRequester(v, m) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if !reported {
		return Errorf(ECONFLICT, "mission_followup.evaluation.no_report")
	}
	if evaluated {
		return Errorf(ECONFLICT, "mission_followup.evaluation.already")
	}
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if e.Rating < 1 || e.Rating > 5 {
		add("rating", "mission_followup.evaluation.rating_range")
	}
	e.Comment = strings.TrimSpace(e.Comment)
	checkMissionText("comment", e.Comment, missionEvalCommentMax, false, add)
	return errs.Err()
}
