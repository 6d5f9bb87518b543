package coopdec

import (
	"slices"
	"time"
)

// The decision's life after the committee: who reads a call's decisions
// and envelopes, who may still answer a version, what the public sees of a
// final decision, and whether a rejected applicant may still ask for a
// review.

// CanSeeDecisions allows reading c's decisions and their answers: the
// parties that sign them (officers and c's co-managers).
func CanSeeDecisions(u *User, c *Call) bool { return callManager(u, c) }

// CanSeeCallEnvelopes allows reading the envelopes of c and their ledger:
// officers and c's co-managers.
func CanSeeCallEnvelopes(u *User, c *Call) bool { return callManager(u, c) }

// CanSeeFunderEnvelopes allows reading the envelopes an organisation
// funds across its calls: officers, and the organisation's members.
func CanSeeFunderEnvelopes(u *User, funderID int64) bool {
	if u == nil {
		return false
	}
	if u.HasRole(RoleOfficer) {
		return true
	}
	_, ok := u.Membership(funderID)
	return ok
}

// PartiesToAnswer lists the parties u acts for on c that have not
// answered d's current version, whose answers so far are approvals: empty
// once d is final or rejected, or when u acts for no party of c.
func PartiesToAnswer(u *User, c *Call, d *Decision, approvals []Approval) []Party {
	if c == nil || d == nil || d.CallID != c.ID {
		return nil
	}
	if DecisionState(RequiredParties(c), d.Version, approvals) != DecisionPending {
		return nil
	}
	var out []Party
	for _, p := range PartiesOf(u, c) {
		if !slices.ContainsFunc(approvals, func(a Approval) bool { return a.Version == d.Version && a.Party == p }) {
			out = append(out, p)
		}
	}
	return out
}

// SelectedEntries returns the main list of d, a final decision, in its
// order: the projects published on the call's page.
func SelectedEntries(d *Decision) []DecisionEntry {
	if d == nil {
		return nil
	}
	var out []DecisionEntry
	for _, e := range d.Entries {
		if e.List == ListMain {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y DecisionEntry) int { return x.Rank - y.Rank })
	return out
}

// ReviewOpen reports whether u may still ask for a review of the decision
// on a, its place entry in the decision notified at notifiedAt, at now:
// the conditions of CheckReviewRequest but the reason, which pages use to
// show the form.
func ReviewOpen(u *User, a *Application, entry *DecisionEntry, notifiedAt time.Time, existing []ReviewRequest, now time.Time) bool {
	if u == nil || a == nil || entry == nil || entry.ApplicationID != a.ID || entry.List != ListRejected || notifiedAt.IsZero() {
		return false
	}
	if _, ok := u.Membership(a.LeadOrganisationID); !ok {
		return false
	}
	if now.After(ReviewDeadline(notifiedAt)) {
		return false
	}
	return !slices.ContainsFunc(existing, func(x ReviewRequest) bool { return x.ApplicationID == a.ID })
}
