package coopdec

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// This file holds the committee: the ranking of a call's applications by
// their consensus, the funding line drawn down the ranking within the
// funders' envelopes, the committee's adjustments, the decision every
// required party co-signs, and the applicants' review requests.

// Limits of the committee's texts.
const (
	justificationMax   = 4000
	approvalCommentMax = 4000
	minutesMax         = 100_000
	participantsMax    = 100
	reviewReasonMax    = 4000
	// ReviewWindow is how long after the notification of its rejection an
	// applicant may ask for a review: 30 days, counted from the instant of
	// the notification.
	ReviewWindow = 30 * 24 * time.Hour
)

// Candidate is an application as the committee ranks it.
type Candidate struct {
	ApplicationID int64
	Reference     string // its receipt number, for messages
	SubmittedAt   time.Time
	// Admissible is the officers' admissibility decision (Admissibility).
	Admissible bool
	// Consensus holds the consensus scores; nil while none is recorded.
	Consensus []CriterionScore
	// RequestedCents is the grant the application asks of all the call's
	// funders together.
	RequestedCents int64
}

// Ranked is a candidate in the committee's ranking.
type Ranked struct {
	Candidate
	Rank       int // 1 for the first
	Assessment Assessment
	// Fundable: admissible, with a complete consensus that reaches every
	// threshold of the grid.
	Fundable bool
}

// rankGroup sorts the applications with a complete consensus first, then
// the admissible ones still without, then the inadmissible ones.
func (r *Ranked) rankGroup() int64 {
	switch {
	case !r.Admissible:
		return 2
	case !r.Assessment.Complete:
		return 1
	}
	return 0
}

// RankApplications ranks cands on g. Admissible applications with a
// complete consensus come first, by weighted total, then in the grid's
// tie-break order, then by the earlier submission, then by the lower ID;
// then the admissible ones without a consensus, then the inadmissible ones,
// each by submission and ID. The ranking is a total order: it does not
// depend on the order of cands.
func RankApplications(g *Grid, cands []Candidate) []Ranked {
	out := make([]Ranked, len(cands))
	// keys holds, per candidate, values compared in turn, larger first.
	width := 2 + len(g.TieBreaks) + 2
	keys := make([]int64, len(cands)*width)
	for i, c := range cands {
		r := &out[i]
		r.Candidate = c
		if c.Consensus != nil {
			r.Assessment = g.Assess(c.Consensus)
		}
		r.Fundable = r.Admissible && r.Assessment.Passes()
		k := keys[i*width : (i+1)*width]
		group := r.rankGroup()
		k[0] = -group
		if group == 0 {
			k[1] = r.Assessment.Total
			for j, tb := range g.TieBreaks {
				switch tb.Kind {
				case TieBreakCriterion:
					s, ok := scoreOf(c.Consensus, tb.Criterion)
					if !ok {
						s = -1
					}
					k[2+j] = int64(s)
				case TieBreakSubmission:
					k[2+j] = earlierFirst(c.SubmittedAt)
				case TieBreakSmallerRequest:
					k[2+j] = -c.RequestedCents
				}
			}
		}
		k[width-2] = earlierFirst(c.SubmittedAt)
		k[width-1] = -c.ApplicationID
	}
	idx := make([]int, len(cands))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(x, y int) int {
		kx, ky := keys[x*width:(x+1)*width], keys[y*width:(y+1)*width]
		for j := range kx {
			if c := cmp.Compare(ky[j], kx[j]); c != 0 {
				return c
			}
		}
		return 0
	})
	sorted := make([]Ranked, len(out))
	for pos, i := range idx {
		sorted[pos] = out[i]
		sorted[pos].Rank = pos + 1
	}
	return sorted
}

// earlierFirst turns an instant into a key that sorts earlier instants
// first, larger keys first; an unknown instant comes last.
func earlierFirst(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return -t.UnixNano()
}

// ListKind is where the funding line puts an application.
type ListKind string

const (
	ListMain     ListKind = "main"     // funded
	ListReserve  ListKind = "reserve"  // fundable, funded if money is freed
	ListRejected ListKind = "rejected" // not fundable
)

// FunderShare is what one funder pays of a grant.
type FunderShare struct {
	FunderOrganisationID int64
	AmountCents          int64
}

// SplitGrant splits total between funders by their shares, exactly: each
// pays its share rounded down, and the cents left go one each to the
// funders with the largest remainders, the first in the call's order on a
// tie. The parts add up to total when the shares add up to 100 %.
func SplitGrant(total int64, funders []Funder) []FunderShare {
	out := make([]FunderShare, len(funders))
	splitInto(out, total, funders)
	return out
}

func splitInto(out []FunderShare, total int64, funders []Funder) {
	var given int64
	var rems [8]int64 // remainders; calls have a handful of funders
	rem := rems[:0]
	for i, f := range funders {
		v := total * int64(f.ShareBP) // ≤ 10¹² × 10⁴: no overflow
		out[i] = FunderShare{FunderOrganisationID: f.OrganisationID, AmountCents: v / 10000}
		rem = append(rem, v%10000)
		given += v / 10000
	}
	for left := total - given; left > 0; left-- {
		best := -1
		for i, r := range rem {
			if r > 0 && (best < 0 || r > rem[best]) {
				best = i
			}
		}
		if best < 0 {
			return // shares below 100 %: Call.Validate refuses them
		}
		out[best].AmountCents++
		rem[best] = 0
	}
}

// FundingOptions tune DrawFundingLine.
type FundingOptions struct {
	// Remaining is what is left of each funder's envelope, in the order of
	// the call's funders (CallBalances); nil: the whole envelopes.
	Remaining []int64
	// Granted holds the committee's adjustments: application ID → amount
	// granted instead of the amount requested.
	Granted map[int64]int64
	// SkipUnaffordable: an application the envelopes cannot pay goes to the
	// reserve list and the walk goes on, so that a cheaper one further down
	// may be funded. By default the line stops at the first application the
	// envelopes cannot pay: no project is funded ahead of a better one.
	SkipUnaffordable bool
	// ReserveMax is the longest reserve list; 0: no limit. Fundable
	// applications beyond it are rejected.
	ReserveMax int
}

// LineEntry is an application on the funding line.
type LineEntry struct {
	Ranked
	List ListKind
	// Key and Args explain the list in the catalogue's words
	// (committee.line.*); MessageArgs puts the args in the reader's words.
	Key  string
	Args []any
	// GrantedCents is the grant on the main list, the amount the
	// application would get on the reserve list, 0 when rejected.
	GrantedCents int64
	Adjusted     bool          // the committee adjusted the amount
	Shares       []FunderShare // GrantedCents split between the funders
	// RemainingBefore is what was left of each envelope when the walk
	// reached the entry: what an adjustment of its amount may use.
	RemainingBefore []int64
}

// FundingLine is the committee's list: every application, ranked, on the
// main list, the reserve list or rejected.
type FundingLine struct {
	Funders   []Funder
	Entries   []LineEntry
	Remaining []int64 // what is left of each envelope once the main list is paid
	MainCents int64   // the main list's total
}

// Entry returns the line's entry for application id.
func (l *FundingLine) Entry(id int64) *LineEntry {
	for i := range l.Entries {
		if l.Entries[i].ApplicationID == id {
			return &l.Entries[i]
		}
	}
	return nil
}

// DrawFundingLine ranks cands on g (RankApplications) and walks down the
// ranking within the envelopes of funders, the call's: each fundable
// application's grant (the committee's amount, or the amount requested) is
// split between the funders (SplitGrant), and goes on the main list when
// every funder's remaining envelope pays its share, which is then taken
// from it; otherwise it goes on the reserve list (see FundingOptions for
// what follows). Applications that are not fundable, or ask for nothing,
// are rejected. Every entry says why.
//
// It returns EINVALID when the funders' shares do not make 100 %, when
// Remaining does not match the funders, or when an adjustment is not
// positive or above the amount requested.
func DrawFundingLine(g *Grid, funders []Funder, cands []Candidate, opt FundingOptions) (*FundingLine, error) {
	sum := 0
	for _, f := range funders {
		if f.ShareBP < 0 {
			sum = -1
			break
		}
		sum += f.ShareBP
	}
	if len(funders) == 0 || sum != 10000 {
		return nil, Errorf(EINVALID, "committee.funders.invalid")
	}
	remaining := make([]int64, len(funders))
	switch {
	case opt.Remaining == nil:
		for i, f := range funders {
			remaining[i] = f.EnvelopeCents
		}
	case len(opt.Remaining) != len(funders):
		return nil, Errorf(EINVALID, "committee.remaining.mismatch")
	default:
		copy(remaining, opt.Remaining)
	}

	ranked := RankApplications(g, cands)
	line := &FundingLine{Funders: slices.Clone(funders), Entries: make([]LineEntry, len(ranked))}
	nf := len(funders)
	shares := make([]FunderShare, len(ranked)*nf)
	before := make([]int64, len(ranked)*nf)
	stoppedAt, reserved := 0, 0
	var errs Errors
	for i, r := range ranked {
		e := &line.Entries[i]
		e.Ranked = r
		if !r.Fundable {
			e.List = ListRejected
			e.Key, e.Args = r.refusal(g)
			continue
		}
		amount := r.RequestedCents
		if v, ok := opt.Granted[r.ApplicationID]; ok {
			if v <= 0 || v > r.RequestedCents {
				errs = append(errs, Errorf(EINVALID, "committee.adjustment.invalid", r.Reference, CentsArg(v), CentsArg(r.RequestedCents)))
				continue
			}
			amount, e.Adjusted = v, v != r.RequestedCents
		}
		if amount <= 0 || amount > callCentsMax {
			e.List, e.Key = ListRejected, "committee.line.rejected.no_request"
			continue
		}
		e.GrantedCents = amount
		e.Shares = shares[i*nf : (i+1)*nf : (i+1)*nf]
		splitInto(e.Shares, amount, funders)
		e.RemainingBefore = before[i*nf : (i+1)*nf : (i+1)*nf]
		copy(e.RemainingBefore, remaining)

		if stoppedAt > 0 {
			e.List, e.Key, e.Args = ListReserve, "committee.line.reserve.below_line", []any{stoppedAt}
		} else if short := shortFunder(e.Shares, remaining); short >= 0 {
			e.List, e.Key = ListReserve, "committee.line.reserve.envelope"
			e.Args = []any{OrganisationArg(funders[short].OrganisationID), CentsArg(e.Shares[short].AmountCents), CentsArg(remaining[short])}
			if !opt.SkipUnaffordable {
				stoppedAt = r.Rank
			}
		} else {
			for j := range remaining {
				remaining[j] -= e.Shares[j].AmountCents
			}
			line.MainCents += amount
			e.List, e.Key, e.Args = ListMain, "committee.line.main", []any{CentsArg(amount)}
			if e.Adjusted {
				e.Key, e.Args = "committee.line.main.adjusted", []any{CentsArg(amount), CentsArg(r.RequestedCents)}
			}
			continue
		}
		reserved++
		if opt.ReserveMax > 0 && reserved > opt.ReserveMax {
			e.List, e.Key, e.Args = ListRejected, "committee.line.rejected.reserve_full", []any{opt.ReserveMax}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	line.Remaining = remaining
	return line, nil
}

// shortFunder returns the first funder whose remaining envelope cannot pay
// its share, -1 when all can.
func shortFunder(shares []FunderShare, remaining []int64) int {
	for j, s := range shares {
		if s.AmountCents > remaining[j] {
			return j
		}
	}
	return -1
}

// refusal says why r is not fundable.
func (r *Ranked) refusal(g *Grid) (string, []any) {
	switch {
	case !r.Admissible:
		return "committee.line.rejected.not_admissible", nil
	case !r.Assessment.Complete:
		return "committee.line.rejected.no_consensus", nil
	case len(r.Assessment.BelowCriteria) > 0:
		return "committee.line.rejected.below_criterion", []any{CriteriaArg(slices.Clone(r.Assessment.BelowCriteria))}
	}
	return "committee.line.rejected.below_overall", []any{g.Threshold}
}

// CriteriaArg is a message arg listing criteria by code; MessageArgs names
// them in the reader's language. On its own it prints the codes.
type CriteriaArg []string

func (c CriteriaArg) String() string { return strings.Join(c, ", ") }

// MessageArgs returns e.Args in the reader's words: criteria named in lang
// by g, scores written for lang, and amounts, shares and organisations as
// LocalizeArgs writes them (orgName may be nil).
func (e *LineEntry) MessageArgs(lang string, g *Grid, orgName func(id int64) string) []any {
	out := LocalizeArgs(lang, e.Args, orgName)
	for i, a := range out {
		switch v := a.(type) {
		case CriteriaArg:
			names := make([]string, len(v))
			for j, code := range v {
				names[j] = code
				if cr, ok := g.Criterion(code); ok {
					if t := cr.Text(lang).Title; t != "" {
						names[j] = t
					}
				}
			}
			out[i] = strings.Join(names, ", ")
		case Score:
			out[i] = FormatScore(lang, v)
		}
	}
	return out
}

// CanRunCommittee allows running c's committee (its ranking, funding line,
// adjustments and minutes) and drawing up its decision: officers and c's
// co-managers.
func CanRunCommittee(u *User, c *Call) bool { return callManager(u, c) }

// Adjustment is the committee's change of the amount granted to an
// application, with its written justification.
type Adjustment struct {
	ApplicationID int64
	GrantedCents  int64
	Justification string
	By            int64 // user ID
	At            time.Time
}

// CheckAdjustment trims adj's justification and checks adj against line,
// the funding line it changes: a justification, an application on the
// line and fundable, a positive amount no larger than the amount
// requested, and, for each funder, a share no larger than what its
// envelope had left when the walk reached the application.
func CheckAdjustment(adj *Adjustment, line *FundingLine) error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	adj.Justification = strings.TrimSpace(adj.Justification)
	checkText("justification", adj.Justification, justificationMax, true, add)
	e := line.Entry(adj.ApplicationID)
	switch {
	case e == nil:
		add("application_id", "committee.adjustment.unknown")
		return errs
	case !e.Fundable:
		return append(errs, Errorf(ECONFLICT, "committee.adjustment.not_fundable"))
	case adj.GrantedCents <= 0:
		add("granted_cents", "committee.adjustment.amount.positive")
		return errs
	case adj.GrantedCents > e.RequestedCents:
		add("granted_cents", "committee.adjustment.above_request", CentsArg(e.RequestedCents))
		return errs
	}
	if e.RemainingBefore == nil {
		return errs.Err()
	}
	for i, s := range SplitGrant(adj.GrantedCents, line.Funders) {
		if s.AmountCents > e.RemainingBefore[i] {
			add("granted_cents", "committee.adjustment.above_envelope",
				OrganisationArg(s.FunderOrganisationID), CentsArg(s.AmountCents), CentsArg(e.RemainingBefore[i]))
		}
	}
	return errs.Err()
}

// CommitteeSession is a meeting of a call's committee, with its minutes.
type CommitteeSession struct {
	ID           int64
	CallID       int64
	HeldAt       time.Time
	Participants []string // who attended, as the minutes name them
	Minutes      string
	CreatedBy    int64 // user ID
}

// Validate trims the session's texts and checks them: a date, at most 100
// participants named in at most 200 characters each, minutes of at most
// 100 000 characters.
func (s *CommitteeSession) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if s.HeldAt.IsZero() {
		add("held_at", "committee.session.date.required")
	}
	s.Participants = trimAll(s.Participants)
	if len(s.Participants) > participantsMax {
		add("participants", "committee.session.participants.too_many", participantsMax)
	}
	for _, p := range s.Participants {
		checkText("participants", p, declarationNameMax, false, add)
	}
	s.Minutes = strings.TrimSpace(s.Minutes)
	checkText("minutes", s.Minutes, minutesMax, false, add)
	return errs.Err()
}

// DecisionEntry is one application's place in a decision.
type DecisionEntry struct {
	ApplicationID int64
	Rank          int
	List          ListKind
	GrantedCents  int64         // main list only; 0 otherwise
	Shares        []FunderShare // main list only
}

// DecisionEntries returns the line as a decision lists it.
func (l *FundingLine) DecisionEntries() []DecisionEntry {
	out := make([]DecisionEntry, len(l.Entries))
	for i, e := range l.Entries {
		out[i] = DecisionEntry{ApplicationID: e.ApplicationID, Rank: e.Rank, List: e.List}
		if e.List == ListMain {
			out[i].GrantedCents = e.GrantedCents
			out[i].Shares = slices.Clone(e.Shares)
		}
	}
	return out
}

// Decision is the list a committee sends to the parties for approval.
type Decision struct {
	ID        int64
	CallID    int64
	SessionID int64
	// Version is 1 for the first list; each list the committee sends again
	// after a rejection is the next version, approved anew.
	Version   int
	Entries   []DecisionEntry
	CreatedBy int64 // user ID
	CreatedAt time.Time
}

// DecisionStatus is where a decision stands.
type DecisionStatus string

const (
	DecisionPending  DecisionStatus = "pending"  // waiting for approvals
	DecisionRejected DecisionStatus = "rejected" // sent back to the committee
	DecisionFinal    DecisionStatus = "final"    // approved by every required party
)

// Approval is one party's answer to a version of a decision.
type Approval struct {
	DecisionID int64
	Version    int
	Party      Party
	UserID     int64 // who answered for the party
	Approved   bool  // false: rejected, with a comment
	Comment    string
	At         time.Time
}

// RequiredParties lists the parties whose approval makes c's decisions
// final, as c's DecisionRule says: the ministry and every co-manager (the
// partner state of a joint call, the PACA region, UNDP) by default; the
// ministry alone under DecisionMinistry, the co-managers then advising.
func RequiredParties(c *Call) []Party {
	if c == nil {
		return nil
	}
	if c.DecisionRule == DecisionMinistry {
		return []Party{MinistryParty}
	}
	return CallParties(c)
}

// DecisionState says where version of a decision stands given approvals,
// its answers so far (answers to other versions are ignored, as are those of
// parties not in required): rejected as soon as a required party rejected
// it, final once every required party approved it, pending otherwise.
func DecisionState(required []Party, version int, approvals []Approval) DecisionStatus {
	if len(required) == 0 {
		return DecisionPending
	}
	approved := 0
	for _, p := range required {
		ok := false
		for _, a := range approvals {
			if a.Version != version || a.Party != p {
				continue
			}
			if !a.Approved {
				return DecisionRejected
			}
			ok = true
		}
		if ok {
			approved++
		}
	}
	if approved == len(required) {
		return DecisionFinal
	}
	return DecisionPending
}

// CheckApproval trims ap's comment and decides whether u may record ap, an
// answer to d, a decision of c, whose answers so far are existing. It
// refuses (EFORBIDDEN) a user who does not act for ap's party on c; then
// (ECONFLICT) an answer to another version, a decision already final or
// rejected, a party that already answered this version; then (EINVALID) a
// rejection without a comment, or a comment too long. Co-managers of a call
// decided by the ministry alone may answer: their answer is advice, which
// DecisionState does not count.
func CheckApproval(u *User, c *Call, d *Decision, ap *Approval, existing []Approval) error {
	if c == nil || d == nil || ap == nil || d.CallID != c.ID || !CanActFor(u, c, ap.Party) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if ap.Version != d.Version || ap.DecisionID != d.ID {
		return Errorf(ECONFLICT, "decision.version.stale")
	}
	switch DecisionState(RequiredParties(c), d.Version, existing) {
	case DecisionFinal:
		return Errorf(ECONFLICT, "decision.final")
	case DecisionRejected:
		return Errorf(ECONFLICT, "decision.rejected")
	}
	if slices.ContainsFunc(existing, func(x Approval) bool { return x.Version == d.Version && x.Party == ap.Party }) {
		return Errorf(ECONFLICT, "decision.already_answered")
	}
	ap.Comment = strings.TrimSpace(ap.Comment)
	var errs Errors
	checkText("comment", ap.Comment, approvalCommentMax, !ap.Approved, func(field, key string, args ...any) {
		errs = append(errs, FieldError(field, key, args...))
	})
	return errs.Err()
}

// ReviewOutcome is the answer to a review request.
type ReviewOutcome string

const (
	ReviewUpheld  ReviewOutcome = "upheld"  // the decision stands
	ReviewRevised ReviewOutcome = "revised" // the application is evaluated again
)

// ReviewRequest is a rejected applicant's request for a review of the
// decision, with its outcome once decided.
type ReviewRequest struct {
	ID             int64
	ApplicationID  int64
	RequestedBy    int64 // user ID
	RequestedAt    time.Time
	Reason         string
	Outcome        ReviewOutcome // empty until decided
	OutcomeComment string
	DecidedBy      int64
	DecidedAt      time.Time
}

// ReviewDeadline is the last instant a review may be asked for after a
// notification at notifiedAt.
func ReviewDeadline(notifiedAt time.Time) time.Time { return notifiedAt.Add(ReviewWindow) }

// CheckReviewRequest trims r's reason and decides whether u may send r
// about a at now: a member of a's lead (EFORBIDDEN otherwise), for an
// application the final decision rejected (entry, its place in the
// decision), notified at notifiedAt, until ReviewDeadline included, once
// (existing are a's earlier requests) (ECONFLICT otherwise), with a
// reason of at most 4000 characters.
func CheckReviewRequest(u *User, a *Application, entry *DecisionEntry, notifiedAt time.Time, existing []ReviewRequest, r *ReviewRequest, now time.Time) error {
	if u == nil || a == nil || r == nil || r.ApplicationID != a.ID {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if _, ok := u.Membership(a.LeadOrganisationID); !ok {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	switch {
	case entry == nil || entry.ApplicationID != a.ID || entry.List != ListRejected:
		return Errorf(ECONFLICT, "review.not_rejected")
	case notifiedAt.IsZero():
		return Errorf(ECONFLICT, "review.not_notified")
	case now.After(ReviewDeadline(notifiedAt)):
		return Errorf(ECONFLICT, "review.too_late", ReviewDeadline(notifiedAt))
	case slices.ContainsFunc(existing, func(x ReviewRequest) bool { return x.ApplicationID == a.ID }):
		return Errorf(ECONFLICT, "review.already")
	}
	r.Reason = strings.TrimSpace(r.Reason)
	return checkEvalReason("reason", r.Reason, reviewReasonMax)
}

// CanDecideReview allows answering the review requests on c's
// applications: officers and c's co-managers.
func CanDecideReview(u *User, c *Call) bool { return callManager(u, c) }

// CheckReviewOutcome decides whether u may answer r, a review request on an
// application to c, with outcome and comment: officers and c's co-managers
// (EFORBIDDEN otherwise), once (ECONFLICT when r already has its outcome),
// upheld or revised, with a comment the applicant reads.
func CheckReviewOutcome(u *User, c *Call, r *ReviewRequest, outcome ReviewOutcome, comment string) error {
	if r == nil || !CanDecideReview(u, c) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if r.Outcome != "" {
		return Errorf(ECONFLICT, "review.decided")
	}
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if outcome != ReviewUpheld && outcome != ReviewRevised {
		add("outcome", "review.outcome.invalid")
	}
	checkText("outcome_comment", strings.TrimSpace(comment), reviewReasonMax, true, add)
	return errs.Err()
}
