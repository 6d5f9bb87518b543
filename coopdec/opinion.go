package coopdec

import (
	"slices"
	"strings"
	"time"
)

// The rules of embassies' opinions that OpinionRequest, EmbassyOpinion,
// CheckOpinion and CanSeeOpinion (evaluation.go) leave to their callers:
// where a request stands, who sends one, who reads one.

// opinionNoteMax bounds the officer's note to the embassy.
const opinionNoteMax = 4000

// OpinionState is where an application's opinion from one embassy stands.
type OpinionState string

const (
	OpinionNotRequested OpinionState = "not_requested"
	OpinionPending      OpinionState = "pending"  // requested, due date not passed
	OpinionOverdue      OpinionState = "overdue"  // requested, due date passed, no answer
	OpinionAnswered     OpinionState = "answered" // the embassy gave its opinion
)

// OpinionStates are the states a request can be in, as lists filter them.
var OpinionStates = []OpinionState{OpinionPending, OpinionOverdue, OpinionAnswered}

// Valid reports whether s is a state a request can be in.
func (s OpinionState) Valid() bool { return slices.Contains(OpinionStates, s) }

// OpinionStateAt tells where req stands at now, op being the opinion
// given in answer (nil while none is).
func OpinionStateAt(req *OpinionRequest, op *EmbassyOpinion, now time.Time) OpinionState {
	switch {
	case req == nil:
		return OpinionNotRequested
	case op != nil:
		return OpinionAnswered
	case now.After(req.DueAt):
		return OpinionOverdue
	}
	return OpinionPending
}

// CheckOpinionRequest decides whether u may ask embassy for its opinion on
// a, an application to c, with req and the note it carries, at now: c's
// managers only (EFORBIDDEN), on a submitted application (ECONFLICT), from
// the embassy of one of OpinionCountries(a) (ECONFLICT); then req and the
// note must be valid (EINVALID, every field at fault). The note is trimmed.
func CheckOpinionRequest(u *User, c *Call, a *Application, embassy *Organisation, req *OpinionRequest, note *string, now time.Time) error {
	if !CanRequestOpinion(u, c) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if a == nil || a.CallID != c.ID {
		return Errorf(ENOTFOUND, "application.not_found")
	}
	if a.Status != ApplicationSubmitted {
		return Errorf(ECONFLICT, "opinion.request.not_submitted")
	}
	if embassy == nil || embassy.Kind != OrgEmbassy || !slices.Contains(OpinionCountries(a), strings.ToUpper(embassy.Country)) {
		return Errorf(ECONFLICT, "opinion.request.wrong_embassy")
	}
	var errs Errors
	if err := req.Validate(now); err != nil {
		errs = append(errs, asErrorList(err)...)
	}
	if note != nil {
		*note = strings.TrimSpace(*note)
		checkText("note", *note, opinionNoteMax, false, func(field, key string, args ...any) {
			errs = append(errs, FieldError(field, key, args...))
		})
	}
	return errs.Err()
}

// asErrorList spreads err into its field errors.
func asErrorList(err error) Errors {
	switch e := err.(type) {
	case Errors:
		return e
	case *Error:
		return Errors{e}
	}
	return Errors{Errorf(EINTERNAL, "error.internal")}
}

// EmbassiesOf lists the embassies u gives opinions for: the organisations
// of the embassy kind u is a member of, when u holds the embassy role.
func EmbassiesOf(u *User) []int64 {
	if u == nil || !u.HasRole(RoleEmbassy) {
		return nil
	}
	var out []int64
	for _, m := range u.Memberships {
		if m.OrganisationKind == OrgEmbassy {
			out = append(out, m.OrganisationID)
		}
	}
	return out
}

// CanSeeOpinionRequest allows reading a request to embassyID about an
// application to c, and the opinion given in answer: the embassy's staff,
// officers and c's co-managers.
func CanSeeOpinionRequest(u *User, c *Call, embassyID int64) bool {
	if slices.Contains(EmbassiesOf(u), embassyID) {
		return true
	}
	return callManager(u, c)
}

// CanListAllOpinionRequests allows listing every call's opinion requests:
// officers. Embassy staff list their embassies' (EmbassiesOf).
func CanListAllOpinionRequests(u *User) bool { return u.HasRole(RoleOfficer) }
