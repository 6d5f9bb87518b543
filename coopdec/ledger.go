package coopdec

import (
	"strings"
	"time"
)

// Envelopes are ledgers: each funder's envelope for a call is its amount
// (Funder.EnvelopeCents) less what entries commit plus what they release.
// Entries are appended, never updated in place, so that the history of
// every euro stays readable. Storage calls CanCommit, CanRelease or
// PlanCommitments inside the transaction that appends the entries, after
// locking the call's envelopes, so that concurrent decisions cannot
// over-commit one.

// LedgerKind says how an entry moves an envelope.
type LedgerKind string

const (
	// LedgerCommit commits part of an envelope to a grant: a final
	// decision's share for one funder.
	LedgerCommit LedgerKind = "commit"
	// LedgerRelease gives money back to an envelope: a grant cancelled or
	// reduced.
	LedgerRelease LedgerKind = "release"
)

// Valid reports whether k is a known kind.
func (k LedgerKind) Valid() bool { return k == LedgerCommit || k == LedgerRelease }

const ledgerNoteMax = 2000

// LedgerEntry is one movement of a funder's envelope for a call.
type LedgerEntry struct {
	ID                   int64
	CallID               int64
	FunderOrganisationID int64
	Kind                 LedgerKind
	AmountCents          int64 // positive; Kind gives the direction
	DecisionID           int64 // the decision that committed it, 0 otherwise
	ApplicationID        int64 // the grant concerned
	Note                 string
	By                   int64 // user ID; 0 for the system
	At                   time.Time
}

// Validate trims the note and checks an entry before it is appended: a
// call, a funder, a known kind, a positive amount within bounds, an
// application, and a note for a release, which says why.
func (e *LedgerEntry) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if e.CallID <= 0 {
		add("call_id", "ledger.call.required")
	}
	if e.FunderOrganisationID <= 0 {
		add("funder_organisation_id", "ledger.funder.required")
	}
	if e.ApplicationID <= 0 {
		add("application_id", "ledger.application.required")
	}
	if !e.Kind.Valid() {
		add("kind", "ledger.kind.invalid")
	}
	if e.AmountCents <= 0 || e.AmountCents > callCentsMax {
		add("amount_cents", "ledger.amount.invalid", CentsArg(callCentsMax))
	}
	e.Note = strings.TrimSpace(e.Note)
	checkText("note", e.Note, ledgerNoteMax, e.Kind == LedgerRelease, add)
	return errs.Err()
}

// Envelope is one funder's envelope for a call.
type Envelope struct {
	CallID               int64
	FunderOrganisationID int64
	AmountCents          int64
}

// CallEnvelopes lists c's envelopes, in the order of its funders.
func CallEnvelopes(c *Call) []Envelope {
	if c == nil {
		return nil
	}
	out := make([]Envelope, len(c.Funders))
	for i, f := range c.Funders {
		out[i] = Envelope{CallID: c.ID, FunderOrganisationID: f.OrganisationID, AmountCents: f.EnvelopeCents}
	}
	return out
}

// Balance is where an envelope stands.
type Balance struct {
	Envelope
	CommittedCents int64 // every commitment
	ReleasedCents  int64 // every release
	// RemainingCents is the envelope less what is committed and not
	// released. It is negative when an amendment cut the envelope below
	// what was committed: nothing more can be committed then.
	RemainingCents int64
}

// NetCommittedCents is what the envelope pays for now.
func (b Balance) NetCommittedCents() int64 { return b.CommittedCents - b.ReleasedCents }

// EnvelopeBalance sums entries for env: entries of other envelopes are
// ignored, so storage may pass all of a call's.
func EnvelopeBalance(entries []LedgerEntry, env Envelope) Balance {
	b := Balance{Envelope: env}
	for _, e := range entries {
		if e.CallID != env.CallID || e.FunderOrganisationID != env.FunderOrganisationID {
			continue
		}
		switch e.Kind {
		case LedgerCommit:
			b.CommittedCents = satAdd(b.CommittedCents, e.AmountCents)
		case LedgerRelease:
			b.ReleasedCents = satAdd(b.ReleasedCents, e.AmountCents)
		}
	}
	b.RemainingCents = satAdd(env.AmountCents, -satAdd(b.CommittedCents, -b.ReleasedCents))
	return b
}

// CallBalances returns the balance of each of c's envelopes, in the order
// of its funders: the envelope dashboards' figures.
func CallBalances(c *Call, entries []LedgerEntry) []Balance {
	envs := CallEnvelopes(c)
	out := make([]Balance, len(envs))
	for i, env := range envs {
		out[i] = EnvelopeBalance(entries, env)
	}
	return out
}

// RemainingByFunder returns what is left of each of c's envelopes, in the
// order of its funders, as FundingOptions.Remaining takes it.
func RemainingByFunder(c *Call, entries []LedgerEntry) []int64 {
	bs := CallBalances(c, entries)
	out := make([]int64, len(bs))
	for i, b := range bs {
		out[i] = b.RemainingCents
	}
	return out
}

// CanCommit decides whether amount may be committed from env, whose entries
// so far are entries: a positive amount within bounds (EINVALID), no larger
// than what remains (ECONFLICT, saying what remains).
func CanCommit(entries []LedgerEntry, env Envelope, amount int64) error {
	if amount <= 0 || amount > callCentsMax {
		return FieldError("amount_cents", "ledger.amount.invalid", CentsArg(callCentsMax))
	}
	b := EnvelopeBalance(entries, env)
	if amount > b.RemainingCents {
		return Errorf(ECONFLICT, "ledger.envelope.exceeded", OrganisationArg(env.FunderOrganisationID), CentsArg(amount), CentsArg(max(b.RemainingCents, 0)))
	}
	return nil
}

// CanRelease decides whether amount may be released from env for
// applicationID: a positive amount (EINVALID), no larger than what env
// still pays for that application (ECONFLICT).
func CanRelease(entries []LedgerEntry, env Envelope, applicationID, amount int64) error {
	if amount <= 0 || amount > callCentsMax {
		return FieldError("amount_cents", "ledger.amount.invalid", CentsArg(callCentsMax))
	}
	var net int64
	for _, e := range entries {
		if e.CallID != env.CallID || e.FunderOrganisationID != env.FunderOrganisationID || e.ApplicationID != applicationID {
			continue
		}
		switch e.Kind {
		case LedgerCommit:
			net = satAdd(net, e.AmountCents)
		case LedgerRelease:
			net = satAdd(net, -e.AmountCents)
		}
	}
	if amount > net {
		return Errorf(ECONFLICT, "ledger.release.exceeds", CentsArg(amount), CentsArg(max(net, 0)))
	}
	return nil
}

// PlanCommitments returns the entries that commit d, a final decision of c,
// given entries, the call's ledger so far: one commitment per main-list
// grant and funder with a share, in the decision's order. It refuses
// (ECONFLICT) a decision already committed, and, with one error per funder
// concerned, a decision that would take any envelope below zero; and
// (EINVALID) shares that do not add up to their grant or name another
// funder than c's. Storage calls it in the transaction that makes d final
// and appends what it returns.
func PlanCommitments(c *Call, d *Decision, entries []LedgerEntry, by int64, at time.Time) ([]LedgerEntry, error) {
	if c == nil || d == nil || d.CallID != c.ID {
		return nil, Errorf(EINVALID, "ledger.decision.call")
	}
	for _, e := range entries {
		if e.DecisionID == d.ID && e.Kind == LedgerCommit && e.CallID == c.ID {
			return nil, Errorf(ECONFLICT, "ledger.decision.committed")
		}
	}
	funder := make(map[int64]int, len(c.Funders))
	for i, f := range c.Funders {
		funder[f.OrganisationID] = i
	}
	need := make([]int64, len(c.Funders))
	var out []LedgerEntry
	for _, de := range d.Entries {
		if de.List != ListMain {
			continue
		}
		var sum int64
		for _, s := range de.Shares {
			i, ok := funder[s.FunderOrganisationID]
			if !ok {
				return nil, Errorf(EINVALID, "ledger.funder.unknown", OrganisationArg(s.FunderOrganisationID))
			}
			if s.AmountCents < 0 || s.AmountCents > callCentsMax {
				return nil, Errorf(EINVALID, "ledger.amount.invalid", CentsArg(callCentsMax))
			}
			sum += s.AmountCents
			if s.AmountCents == 0 {
				continue
			}
			need[i] = satAdd(need[i], s.AmountCents)
			out = append(out, LedgerEntry{
				CallID: c.ID, FunderOrganisationID: s.FunderOrganisationID, Kind: LedgerCommit,
				AmountCents: s.AmountCents, DecisionID: d.ID, ApplicationID: de.ApplicationID, By: by, At: at,
			})
		}
		if sum != de.GrantedCents || de.GrantedCents <= 0 {
			return nil, Errorf(EINVALID, "ledger.shares.mismatch", CentsArg(de.GrantedCents), CentsArg(sum))
		}
	}
	var errs Errors
	for i, env := range CallEnvelopes(c) {
		if need[i] == 0 {
			continue
		}
		if b := EnvelopeBalance(entries, env); need[i] > b.RemainingCents {
			errs = append(errs, Errorf(ECONFLICT, "ledger.envelope.exceeded",
				OrganisationArg(env.FunderOrganisationID), CentsArg(need[i]), CentsArg(max(b.RemainingCents, 0))))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
