package sqldb

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// decisionEnv is applicationEnv with its call decided by every party (the
// ministry, Brazil and PACA), the ministry paying 60 % from 300 000 € and
// Brazil 40 % from 200 000 €, and a user acting for each party.
type decisionEnv struct {
	*applicationEnv
	officer, brazilManager, pacaManager *coopdec.User
}

func newDecisionEnv(t *testing.T) *decisionEnv {
	t.Helper()
	e := &decisionEnv{applicationEnv: newApplicationEnv(t)}
	c := e.mustCall(t, e.call.ID)
	c.DecisionRule = coopdec.DecisionAllParties
	if err := e.db.UpdateCall(t.Context(), c, e.actor, ""); err != nil {
		t.Fatalf("UpdateCall: got error %v; want nil", err)
	}
	e.call = e.mustCall(t, c.ID)
	e.officer = e.user(t, e.callEnv.officer.ID, 0)
	e.brazilManager = e.user(t, mustCreateUser(t, e.db, "abc@example.br", "ABC", coopdec.RoleCoManager).ID, e.brazil.ID)
	e.pacaManager = e.user(t, mustCreateUser(t, e.db, "paca@example.org", "Région Sud", coopdec.RoleCoManager).ID, e.paca.ID)
	return e
}

// user returns a user as sessions load it, a member of orgID when not 0.
func (e *decisionEnv) user(t *testing.T, id, orgID int64) *coopdec.User {
	t.Helper()
	if orgID != 0 {
		if err := e.db.AddMembership(t.Context(), id, orgID, coopdec.MemberRoleMember, e.actor); err != nil {
			t.Fatalf("AddMembership: got error %v; want nil", err)
		}
	}
	u, err := e.db.UserByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// decision stores a decision granting each amount to a new application of
// Lyon's, on the main list.
func (e *decisionEnv) decision(t *testing.T, grants ...int64) *coopdec.Decision {
	t.Helper()
	d := &coopdec.Decision{CallID: e.call.ID}
	for i, g := range grants {
		a := e.mustCreateApplication(t, e.fullApplication())
		d.Entries = append(d.Entries, coopdec.DecisionEntry{ApplicationID: a.ID, Rank: i + 1, List: coopdec.ListMain,
			GrantedCents: g, Shares: coopdec.SplitGrant(g, e.call.Funders)})
	}
	if err := e.db.CreateDecision(t.Context(), d, e.actor); err != nil {
		t.Fatalf("CreateDecision: got error %v; want nil", err)
	}
	return d
}

func (e *decisionEnv) approve(t *testing.T, u *coopdec.User, d *coopdec.Decision, p coopdec.Party, want coopdec.DecisionStatus) {
	t.Helper()
	got, err := e.db.RecordApproval(t.Context(), u, d.ID, &coopdec.Approval{Party: p, Approved: true}, act(u))
	if err != nil {
		t.Fatalf("RecordApproval(party %d): got error %v; want nil", p, err)
	}
	if got != want {
		t.Fatalf("RecordApproval(party %d): got %s; want %s", p, got, want)
	}
}

func (e *decisionEnv) balances(t *testing.T) []coopdec.Balance {
	t.Helper()
	bs, err := e.db.CallBalances(t.Context(), e.call.ID)
	if err != nil {
		t.Fatalf("CallBalances: got error %v; want nil", err)
	}
	return bs
}

func (e *decisionEnv) ledger(t *testing.T) []coopdec.LedgerEntry {
	t.Helper()
	entries, err := e.db.LedgerEntries(t.Context(), e.call.ID)
	if err != nil {
		t.Fatalf("LedgerEntries: got error %v; want nil", err)
	}
	return entries
}

func TestDecisionApprovedByEveryPartyCommits(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	d := e.decision(t, 10_000_000, 5_000_001)

	got, status, err := e.db.Decision(t.Context(), d.ID)
	if err != nil {
		t.Fatalf("Decision: got error %v; want nil", err)
	}
	if status != coopdec.DecisionPending || got.Version != 1 || len(got.Entries) != 2 || got.Entries[1].Shares[0].AmountCents != 3_000_001 {
		t.Fatalf("Decision: got %+v, %s; want version 1 pending with its entries", got, status)
	}

	e.approve(t, e.officer, d, coopdec.MinistryParty, coopdec.DecisionPending)
	e.approve(t, e.pacaManager, d, coopdec.Party(e.paca.ID), coopdec.DecisionPending)
	if n := len(e.ledger(t)); n != 0 {
		t.Fatalf("before the last approval: got %d ledger entries; want 0", n)
	}
	e.approve(t, e.brazilManager, d, coopdec.Party(e.brazil.ID), coopdec.DecisionFinal)

	if _, status, _ := e.db.Decision(t.Context(), d.ID); status != coopdec.DecisionFinal {
		t.Fatalf("got status %s; want final", status)
	}
	entries := e.ledger(t)
	if len(entries) != 4 {
		t.Fatalf("got %d ledger entries; want 4 (two grants, two funders)", len(entries))
	}
	for _, le := range entries {
		if le.Kind != coopdec.LedgerCommit || le.DecisionID != d.ID || le.By != e.brazilManager.ID {
			t.Fatalf("got entry %+v; want a commitment of decision %d by the last approver", le, d.ID)
		}
	}
	bs := e.balances(t)
	if bs[0].CommittedCents != 9_000_001 || bs[0].RemainingCents != 20_999_999 ||
		bs[1].CommittedCents != 6_000_000 || bs[1].RemainingCents != 14_000_000 {
		t.Fatalf("got balances %+v; want 9 000 001 and 6 000 000 committed", bs)
	}
	approvals, err := e.db.ListApprovals(t.Context(), d.ID)
	if err != nil || len(approvals) != 3 {
		t.Fatalf("ListApprovals: got %d, %v; want 3", len(approvals), err)
	}
	if evs := auditEvents(t, e.db, AuditFilter{Action: coopdec.AuditDecisionApprove}); len(evs) != 3 ||
		evs[0].ActorID != e.brazilManager.ID || evs[0].Subject != decisionSubject(d.ID) {
		t.Fatalf("got approval audit events %+v; want 3, the last by Brazil's co-manager", evs)
	}
	wantAudit(t, e.db, coopdec.AuditEnvelopeCommit, callSubject(e.call.ID), e.brazilManager.ID, 4)

	// A final decision takes no more answers.
	_, err = e.db.RecordApproval(t.Context(), e.officer, d.ID, &coopdec.Approval{Party: coopdec.MinistryParty, Approved: true}, e.actor)
	wantError(t, err, coopdec.ECONFLICT, "", "decision.final")
}

func TestDecisionRejectionSendsBack(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	d := e.decision(t, 10_000_000)
	e.approve(t, e.officer, d, coopdec.MinistryParty, coopdec.DecisionPending)

	_, err := e.db.RecordApproval(t.Context(), e.pacaManager, d.ID, &coopdec.Approval{Party: coopdec.Party(e.paca.ID)}, act(e.pacaManager))
	wantError(t, err, coopdec.EINVALID, "comment", "")

	got, err := e.db.RecordApproval(t.Context(), e.pacaManager, d.ID,
		&coopdec.Approval{Party: coopdec.Party(e.paca.ID), Comment: "  Le projet 2 doit être revu.  "}, act(e.pacaManager))
	if err != nil || got != coopdec.DecisionRejected {
		t.Fatalf("RecordApproval(rejection): got %s, %v; want rejected", got, err)
	}
	if _, status, _ := e.db.Decision(t.Context(), d.ID); status != coopdec.DecisionRejected {
		t.Fatalf("got status %s; want rejected", status)
	}
	_, err = e.db.RecordApproval(t.Context(), e.brazilManager, d.ID, &coopdec.Approval{Party: coopdec.Party(e.brazil.ID), Approved: true}, act(e.brazilManager))
	wantError(t, err, coopdec.ECONFLICT, "", "decision.rejected")
	if n := len(e.ledger(t)); n != 0 {
		t.Fatalf("got %d ledger entries; want 0", n)
	}
	ev := wantAudit(t, e.db, coopdec.AuditDecisionReject, decisionSubject(d.ID), e.pacaManager.ID, 1)
	if want := fmt.Sprintf("version 1 party %d: Le projet 2 doit être revu.", e.paca.ID); ev[0].Details != want {
		t.Fatalf("got audit details %q; want %q", ev[0].Details, want)
	}

	// The committee sends version 2, which every party approves anew.
	d2, err := e.db.ResubmitDecision(t.Context(), d.ID, d.Entries, e.actor)
	if err != nil || d2.Version != 2 {
		t.Fatalf("ResubmitDecision: got %+v, %v; want version 2", d2, err)
	}
	_, err = e.db.RecordApproval(t.Context(), e.officer, d.ID, &coopdec.Approval{Version: 1, Party: coopdec.MinistryParty, Approved: true}, e.actor)
	wantError(t, err, coopdec.ECONFLICT, "", "decision.version.stale")
	e.approve(t, e.officer, d, coopdec.MinistryParty, coopdec.DecisionPending)
	e.approve(t, e.pacaManager, d, coopdec.Party(e.paca.ID), coopdec.DecisionPending)
	e.approve(t, e.brazilManager, d, coopdec.Party(e.brazil.ID), coopdec.DecisionFinal)
	if n := len(e.ledger(t)); n != 2 {
		t.Fatalf("got %d ledger entries; want 2", n)
	}
	_, err = e.db.ResubmitDecision(t.Context(), d.ID, d.Entries, e.actor)
	wantError(t, err, coopdec.ECONFLICT, "", "decision.not_rejected")
}

func TestDecisionApprovalForbidden(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	d := e.decision(t, 10_000_000)
	cases := []struct {
		name  string
		u     *coopdec.User
		party coopdec.Party
	}{
		{"co-manager for the ministry", e.pacaManager, coopdec.MinistryParty},
		{"co-manager for another party", e.pacaManager, coopdec.Party(e.brazil.ID)},
		{"officer for a co-manager", e.officer, coopdec.Party(e.paca.ID)},
		{"organisation not a party", e.brazilManager, coopdec.Party(e.morocco.ID)},
	}
	for _, tc := range cases {
		_, err := e.db.RecordApproval(t.Context(), tc.u, d.ID, &coopdec.Approval{Party: tc.party, Approved: true}, act(tc.u))
		if coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
			t.Fatalf("%s: got %v; want %s", tc.name, err, coopdec.EFORBIDDEN)
		}
	}
	if approvals, err := e.db.ListApprovals(t.Context(), d.ID); err != nil || len(approvals) != 0 {
		t.Fatalf("ListApprovals: got %d, %v; want none", len(approvals), err)
	}
	_, _, err := e.db.Decision(t.Context(), d.ID+1000)
	wantError(t, err, coopdec.ENOTFOUND, "", "decision.not_found")
}

// Five decisions of 200 000 € each (the ministry 120 000 €, Brazil
// 80 000 €) reach their last approval at once: the envelopes pay two.
func TestDecisionConcurrentFinalApprovalsNeverOverCommit(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	const n = 5
	ds := make([]*coopdec.Decision, n)
	for i := range ds {
		ds[i] = e.decision(t, 20_000_000)
		e.approve(t, e.officer, ds[i], coopdec.MinistryParty, coopdec.DecisionPending)
		e.approve(t, e.pacaManager, ds[i], coopdec.Party(e.paca.ID), coopdec.DecisionPending)
	}

	states := make([]coopdec.DecisionStatus, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ds {
		wg.Go(func() {
			<-start
			states[i], errs[i] = e.db.RecordApproval(t.Context(), e.brazilManager, ds[i].ID,
				&coopdec.Approval{Party: coopdec.Party(e.brazil.ID), Approved: true}, act(e.brazilManager))
		})
	}
	close(start)
	wg.Wait()

	committed := map[int64]bool{}
	for i, err := range errs {
		if err == nil {
			if states[i] != coopdec.DecisionFinal {
				t.Fatalf("decision %d: got %s; want final", i, states[i])
			}
			committed[ds[i].ID] = true
			continue
		}
		wantError(t, err, coopdec.ECONFLICT, "", "ledger.envelope.exceeded")
		if _, status, _ := e.db.Decision(t.Context(), ds[i].ID); status != coopdec.DecisionPending {
			t.Fatalf("refused decision %d: got status %s; want pending", i, status)
		}
		if approvals, _ := e.db.ListApprovals(t.Context(), ds[i].ID); len(approvals) != 2 {
			t.Fatalf("refused decision %d: got %d approvals; want the 2 before it", i, len(approvals))
		}
	}
	if len(committed) != 2 {
		t.Fatalf("got %d decisions committed; want 2", len(committed))
	}
	for _, le := range e.ledger(t) {
		if !committed[le.DecisionID] {
			t.Fatalf("got entry %+v of a refused decision", le)
		}
	}
	bs := e.balances(t)
	for _, b := range bs {
		if b.RemainingCents < 0 {
			t.Fatalf("got balance %+v; want the envelope never over-committed", b)
		}
	}
	if bs[0].CommittedCents != 24_000_000 || bs[1].CommittedCents != 16_000_000 {
		t.Fatalf("got committed %d and %d; want 24 000 000 and 16 000 000", bs[0].CommittedCents, bs[1].CommittedCents)
	}
}

func TestLedgerAppendOnly(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	d := e.decision(t, 10_000_000)
	e.approve(t, e.officer, d, coopdec.MinistryParty, coopdec.DecisionPending)
	e.approve(t, e.pacaManager, d, coopdec.Party(e.paca.ID), coopdec.DecisionPending)
	e.approve(t, e.brazilManager, d, coopdec.Party(e.brazil.ID), coopdec.DecisionFinal)

	for _, q := range []string{
		`UPDATE envelope_ledger SET amount_cents = 1`,
		`UPDATE envelope_ledger SET note = 'x' WHERE call_id = $1`,
		`DELETE FROM envelope_ledger WHERE call_id = $1`,
		`DELETE FROM envelope_ledger`,
	} {
		var args []any
		if len(q) > 0 && q[len(q)-1] == '1' && q[len(q)-2] == '$' {
			args = []any{e.call.ID}
		}
		if _, err := e.db.write.ExecContext(t.Context(), q, args...); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: got %v; want the database's refusal", q, err)
		}
	}
	entries := e.ledger(t)
	if len(entries) != 2 || entries[0].AmountCents+entries[1].AmountCents != 10_000_000 {
		t.Fatalf("got ledger %+v; want the two commitments untouched", entries)
	}
}
