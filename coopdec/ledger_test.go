package coopdec

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// ledgerCall funds the Franco-Indian call: the ministry 100 000 €, India
// 50 000 €, half of each grant each.
func ledgerCall() *Call {
	return &Call{ID: evCallID, CoManagers: []int64{evIndia}, Funders: []Funder{
		{OrganisationID: 100, EnvelopeCents: 10_000_000, ShareBP: 5000},
		{OrganisationID: evIndia, EnvelopeCents: 5_000_000, ShareBP: 5000},
	}}
}

func commit(funder, app, amount int64) LedgerEntry {
	return LedgerEntry{CallID: evCallID, FunderOrganisationID: funder, Kind: LedgerCommit, AmountCents: amount, ApplicationID: app, DecisionID: 1}
}

func release(funder, app, amount int64) LedgerEntry {
	return LedgerEntry{CallID: evCallID, FunderOrganisationID: funder, Kind: LedgerRelease, AmountCents: amount, ApplicationID: app, Note: "Abandon."}
}

func TestEnvelopeBalance(t *testing.T) {
	c := ledgerCall()
	entries := []LedgerEntry{
		commit(100, 1, 3_000_000), commit(evIndia, 1, 3_000_000),
		commit(100, 2, 2_000_000), commit(evIndia, 2, 2_000_000),
		release(100, 2, 500_000),
		{CallID: 99, FunderOrganisationID: 100, Kind: LedgerCommit, AmountCents: 9_999_999}, // another call
	}
	bs := CallBalances(c, entries)
	want := []Balance{
		{Envelope: Envelope{evCallID, 100, 10_000_000}, CommittedCents: 5_000_000, ReleasedCents: 500_000, RemainingCents: 5_500_000},
		{Envelope: Envelope{evCallID, evIndia, 5_000_000}, CommittedCents: 5_000_000, RemainingCents: 0},
	}
	if !slices.Equal(bs, want) {
		t.Errorf("got %+v; want %+v", bs, want)
	}
	if bs[0].NetCommittedCents() != 4_500_000 {
		t.Errorf("net committed: got %d", bs[0].NetCommittedCents())
	}
	if got := RemainingByFunder(c, entries); !slices.Equal(got, []int64{5_500_000, 0}) {
		t.Errorf("RemainingByFunder: got %v", got)
	}
	if CallEnvelopes(nil) != nil || len(CallBalances(nil, entries)) != 0 {
		t.Error("no call: want no envelopes")
	}
	// An amendment cut India's envelope below what is committed.
	cut := EnvelopeBalance(entries, Envelope{evCallID, evIndia, 4_000_000})
	if cut.RemainingCents != -1_000_000 {
		t.Errorf("cut envelope: got %d remaining; want -1 000 000", cut.RemainingCents)
	}
}

func TestCanCommit(t *testing.T) {
	env := Envelope{evCallID, evIndia, 6_000_000}
	entries := []LedgerEntry{commit(evIndia, 1, 5_000_000)}
	for _, tc := range []struct {
		name    string
		entries []LedgerEntry
		env     Envelope
		amount  int64
		code    string
		args    string
	}{
		{"exactly what remains", entries, env, 1_000_000, "", ""},
		{"one cent more", entries, env, 1_000_001, ECONFLICT, fmt.Sprint([]any{evIndia, 1000001, 1000000})},
		{"after a release", append(slices.Clone(entries), release(evIndia, 1, 2_000_000)), env, 3_000_000, "", ""},
		{"an empty ledger, the whole envelope", nil, env, 6_000_000, "", ""},
		{"an envelope cut below the committed", entries, Envelope{evCallID, evIndia, 4_000_000}, 1, ECONFLICT, fmt.Sprint([]any{evIndia, 1, 0})},
		{"a zero envelope", nil, Envelope{evCallID, evIndia, 0}, 1, ECONFLICT, fmt.Sprint([]any{evIndia, 1, 0})},
		{"nothing", entries, env, 0, EINVALID, ""},
		{"negative", entries, env, -1, EINVALID, ""},
		{"absurd", nil, Envelope{evCallID, evIndia, 1 << 62}, callCentsMax + 1, EINVALID, ""},
	} {
		err := CanCommit(tc.entries, tc.env, tc.amount)
		if ErrorCode(err) != tc.code {
			t.Errorf("%s: got %v; want %q", tc.name, err, tc.code)
			continue
		}
		if tc.code == ECONFLICT {
			if key, args := ErrorKey(err); key != "ledger.envelope.exceeded" || fmt.Sprint(args) != tc.args {
				t.Errorf("%s: got %s %v; want ledger.envelope.exceeded %s", tc.name, key, args, tc.args)
			}
		}
	}
}

func TestCanRelease(t *testing.T) {
	env := Envelope{evCallID, 100, 10_000_000}
	entries := []LedgerEntry{commit(100, 1, 3_000_000), commit(100, 2, 1_000_000), release(100, 1, 1_000_000)}
	for _, tc := range []struct {
		name   string
		app    int64
		amount int64
		code   string
	}{
		{"what is left of the grant", 1, 2_000_000, ""},
		{"part of it", 1, 1, ""},
		{"more than is left", 1, 2_000_001, ECONFLICT},
		{"a grant never committed", 3, 1, ECONFLICT},
		{"zero", 1, 0, EINVALID},
	} {
		if err := CanRelease(entries, env, tc.app, tc.amount); ErrorCode(err) != tc.code {
			t.Errorf("%s: got %v; want %q", tc.name, err, tc.code)
		}
	}
}

func TestLedgerEntryValidate(t *testing.T) {
	e := commit(100, 1, 1)
	if err := e.Validate(); err != nil {
		t.Errorf("commit: got %v", err)
	}
	r := release(100, 1, 1)
	r.Note = "  Projet abandonné.  "
	if err := r.Validate(); err != nil || r.Note != "Projet abandonné." {
		t.Errorf("release: got %v, %q", err, r.Note)
	}
	for _, tc := range []struct {
		name       string
		e          LedgerEntry
		field, key string
	}{
		{"no call", LedgerEntry{FunderOrganisationID: 1, ApplicationID: 1, Kind: LedgerCommit, AmountCents: 1}, "call_id", "ledger.call.required"},
		{"no funder", LedgerEntry{CallID: 1, ApplicationID: 1, Kind: LedgerCommit, AmountCents: 1}, "funder_organisation_id", "ledger.funder.required"},
		{"no application", LedgerEntry{CallID: 1, FunderOrganisationID: 1, Kind: LedgerCommit, AmountCents: 1}, "application_id", "ledger.application.required"},
		{"unknown kind", LedgerEntry{CallID: 1, FunderOrganisationID: 1, ApplicationID: 1, Kind: "update", AmountCents: 1}, "kind", "ledger.kind.invalid"},
		{"negative amount: direction is the kind's", LedgerEntry{CallID: 1, FunderOrganisationID: 1, ApplicationID: 1, Kind: LedgerCommit, AmountCents: -5}, "amount_cents", "ledger.amount.invalid"},
		{"release without a note", LedgerEntry{CallID: 1, FunderOrganisationID: 1, ApplicationID: 1, Kind: LedgerRelease, AmountCents: 5}, "note", "evaluation.text.required"},
		{"note too long", LedgerEntry{CallID: 1, FunderOrganisationID: 1, ApplicationID: 1, Kind: LedgerCommit, AmountCents: 5, Note: strings.Repeat("x", 2001)}, "note", "evaluation.text.too_long"},
	} {
		if err := tc.e.Validate(); !hasError(err, tc.field, tc.key) {
			t.Errorf("%s: got %v; want %s on %s", tc.name, err, tc.key, tc.field)
		}
	}
}

// ledgerDecision grants 40 000 € to application 1 and 20 000 € to 2.
func ledgerDecision(id int64) *Decision {
	c := ledgerCall()
	return &Decision{ID: id, CallID: evCallID, Version: 1, Entries: []DecisionEntry{
		{ApplicationID: 1, Rank: 1, List: ListMain, GrantedCents: 4_000_000, Shares: SplitGrant(4_000_000, c.Funders)},
		{ApplicationID: 3, Rank: 2, List: ListReserve},
		{ApplicationID: 2, Rank: 3, List: ListMain, GrantedCents: 2_000_001, Shares: SplitGrant(2_000_001, c.Funders)},
		{ApplicationID: 4, Rank: 4, List: ListRejected},
	}}
}

func TestPlanCommitments(t *testing.T) {
	c := ledgerCall()
	got, err := PlanCommitments(c, ledgerDecision(1), nil, 7, evNow)
	if err != nil {
		t.Fatal(err)
	}
	want := []LedgerEntry{
		{CallID: evCallID, FunderOrganisationID: 100, Kind: LedgerCommit, AmountCents: 2_000_000, DecisionID: 1, ApplicationID: 1, By: 7, At: evNow},
		{CallID: evCallID, FunderOrganisationID: evIndia, Kind: LedgerCommit, AmountCents: 2_000_000, DecisionID: 1, ApplicationID: 1, By: 7, At: evNow},
		{CallID: evCallID, FunderOrganisationID: 100, Kind: LedgerCommit, AmountCents: 1_000_001, DecisionID: 1, ApplicationID: 2, By: 7, At: evNow},
		{CallID: evCallID, FunderOrganisationID: evIndia, Kind: LedgerCommit, AmountCents: 1_000_000, DecisionID: 1, ApplicationID: 2, By: 7, At: evNow},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	for i := range got {
		if err := got[i].Validate(); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}

	// Committing the same decision twice is refused.
	if _, err := PlanCommitments(c, ledgerDecision(1), got, 7, evNow); mustKey(err) != "ledger.decision.committed" || ErrorCode(err) != ECONFLICT {
		t.Errorf("twice: got %v", err)
	}

	// Two decisions planned on the same snapshot each fit India's 50 000 €
	// (30 000 € each), and both together do not: whichever transaction
	// commits second, holding the lock, sees the first's entries and is
	// refused. This is why storage must call PlanCommitments inside the
	// transaction that appends its result.
	first, err1 := PlanCommitments(c, ledgerDecision(1), nil, 7, evNow)
	_, err2 := PlanCommitments(c, ledgerDecision(2), nil, 7, evNow)
	if err1 != nil || err2 != nil {
		t.Fatalf("each alone: got %v, %v; want both to fit", err1, err2)
	}
	_, err = PlanCommitments(c, ledgerDecision(2), first, 7, evNow)
	errs := errorList(err)
	if len(errs) != 1 || errs[0].Code != ECONFLICT || errs[0].Key != "ledger.envelope.exceeded" ||
		fmt.Sprint(errs[0].Args) != fmt.Sprint([]any{evIndia, 3000000, 2000000}) {
		t.Fatalf("the second after the first: got %v; want India's envelope exceeded, 30 000 € asked of 20 000 € left", err)
	}

	// Both envelopes short: one error per funder.
	full := append(slices.Clone(first), commit(100, 9, 6_000_000), commit(evIndia, 9, 1))
	errs = errorList(func() error { _, err := PlanCommitments(c, ledgerDecision(2), full, 7, evNow); return err }())
	if len(errs) != 2 || errs[0].Args[0] != OrganisationArg(100) || errs[1].Args[0] != OrganisationArg(evIndia) {
		t.Errorf("both short: got %v; want one error per funder, in the call's order", errs)
	}

	other := ledgerDecision(3)
	other.CallID = 8
	if _, err := PlanCommitments(c, other, nil, 7, evNow); mustKey(err) != "ledger.decision.call" {
		t.Errorf("another call's decision: got %v", err)
	}
	stranger := ledgerDecision(4)
	stranger.Entries[0].Shares[1].FunderOrganisationID = 999
	if _, err := PlanCommitments(c, stranger, nil, 7, evNow); mustKey(err) != "ledger.funder.unknown" {
		t.Errorf("unknown funder: got %v", err)
	}
	odd := ledgerDecision(5)
	odd.Entries[2].Shares[0].AmountCents--
	if _, err := PlanCommitments(c, odd, nil, 7, evNow); mustKey(err) != "ledger.shares.mismatch" {
		t.Errorf("shares off by a cent: got %v", err)
	}
	none := &Decision{ID: 6, CallID: evCallID, Entries: []DecisionEntry{{ApplicationID: 1, List: ListRejected}}}
	if got, err := PlanCommitments(c, none, nil, 7, evNow); err != nil || len(got) != 0 {
		t.Errorf("nothing granted: got %v, %v; want no entry", got, err)
	}
}

// commitTooMuch returns the error of a commitment beyond an envelope, for
// TestEvaluationMessages.
func commitTooMuch() error {
	return CanCommit([]LedgerEntry{commit(evIndia, 1, 5_000_000)}, Envelope{evCallID, evIndia, 6_000_000}, 2_000_000)
}
