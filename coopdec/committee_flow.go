package coopdec

import "slices"

// This file holds the committee's working rules around the funding line:
// which applications it ranks and on what, which adjustment stands, and
// when the list may be sent to the parties.

// CommitteeBoard is what the committee of one call works on, as storage
// loads it: the call, its grid, its submitted applications as candidates,
// what is left of each envelope and the adjustments recorded so far.
type CommitteeBoard struct {
	Call       *Call
	Grid       *Grid
	Candidates []Candidate
	// Remaining is what is left of each funder's envelope, in the order of
	// the call's funders (RemainingByFunder).
	Remaining []int64
	// Adjustments holds every adjustment recorded on the call, oldest first.
	Adjustments []Adjustment
}

// CandidateAdmissible says whether an application goes to the committee
// as admissible: the officers' admissibility decision when there is one
// (decision, nil otherwise), else the automatic eligibility result, when
// known (eligible, nil while a rule waits for a fact).
func CandidateAdmissible(decision *Admissibility, eligible *bool) bool {
	if decision != nil {
		return decision.Admissible
	}
	return eligible != nil && *eligible
}

// CurrentAdjustments returns the adjustment standing for each application
// among all, oldest first: a later one supersedes the earlier ones.
func CurrentAdjustments(all []Adjustment) map[int64]Adjustment {
	out := make(map[int64]Adjustment, len(all))
	for _, a := range all {
		out[a.ApplicationID] = a
	}
	return out
}

// FundingLine draws b's funding line (DrawFundingLine) with the standing
// adjustments, within what is left of the envelopes.
func (b *CommitteeBoard) FundingLine() (*FundingLine, error) {
	if b == nil || b.Call == nil || b.Grid == nil {
		return nil, Errorf(EINVALID, "committee.funders.invalid")
	}
	granted := map[int64]int64{}
	for id, a := range CurrentAdjustments(b.Adjustments) {
		granted[id] = a.GrantedCents
	}
	return DrawFundingLine(b.Grid, b.Call.Funders, b.Candidates, FundingOptions{Remaining: b.Remaining, Granted: granted})
}

// MissingConsensus lists, in the line's order, the admissible applications
// the committee cannot rank for want of a consensus: as long as one is
// missing, the decision cannot be sent.
func MissingConsensus(line *FundingLine) []int64 {
	var out []int64
	for _, e := range line.Entries {
		if e.Admissible && !e.Assessment.Complete {
			out = append(out, e.ApplicationID)
		}
	}
	return out
}

// CheckCommitteeOpen decides whether c's committee may still change its
// list (adjust an amount, send the decision): not while the latest
// decision is waiting for the parties' approvals, nor once it is final
// (ECONFLICT). status is the latest decision's; "" when there is none.
func CheckCommitteeOpen(status DecisionStatus) error {
	switch status {
	case DecisionPending:
		return Errorf(ECONFLICT, "committee.decision.pending")
	case DecisionFinal:
		return Errorf(ECONFLICT, "committee.decision.final")
	}
	return nil
}

// CheckSendDecision decides whether u may send line, c's funding line, to
// the parties as its decision, the latest decision of c standing at
// status ("" when there is none): those who run c's committee
// (EFORBIDDEN otherwise), while the committee is open (CheckCommitteeOpen),
// once every admissible application has its consensus, with at least one
// application on the line (ECONFLICT otherwise).
func CheckSendDecision(u *User, c *Call, line *FundingLine, status DecisionStatus) error {
	if !CanRunCommittee(u, c) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if err := CheckCommitteeOpen(status); err != nil {
		return err
	}
	if line == nil || len(line.Entries) == 0 {
		return Errorf(ECONFLICT, "committee.decision.empty")
	}
	if missing := MissingConsensus(line); len(missing) > 0 {
		return Errorf(ECONFLICT, "committee.decision.consensus_missing", len(missing))
	}
	return nil
}

// CheckRecordAdjustment decides whether u may record adj on c's funding
// line, the latest decision of c standing at status: those who run c's
// committee (EFORBIDDEN), while it is open (ECONFLICT), with an adjustment
// CheckAdjustment accepts.
func CheckRecordAdjustment(u *User, c *Call, line *FundingLine, status DecisionStatus, adj *Adjustment) error {
	if !CanRunCommittee(u, c) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if err := CheckCommitteeOpen(status); err != nil {
		return err
	}
	return CheckAdjustment(adj, line)
}

// CheckEditMinutes decides whether u may record or edit a session of c's
// committee, the latest decision of c standing at status: those who run
// c's committee (EFORBIDDEN), until the decision is final (ECONFLICT).
func CheckEditMinutes(u *User, c *Call, status DecisionStatus) error {
	if !CanRunCommittee(u, c) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if status == DecisionFinal {
		return Errorf(ECONFLICT, "committee.session.final")
	}
	return nil
}

// RejectionsOf returns the rejections of version of a decision among
// approvals, in the order they were given: who sent it back, and why.
func RejectionsOf(approvals []Approval, version int) []Approval {
	var out []Approval
	for _, a := range approvals {
		if a.Version == version && !a.Approved {
			out = append(out, a)
		}
	}
	return slices.Clip(out)
}
