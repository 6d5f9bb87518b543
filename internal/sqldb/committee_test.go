package sqldb

import (
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// committeeReady evaluates the application twice, records the officers'
// admissibility and the consensus, and returns the committee.
func (e *evalEnv) committeeReady(t *testing.T, relevance, partnership coopdec.Score) {
	t.Helper()
	for _, as := range e.assign(t) {
		ev := e.evaluator(as.EvaluatorID)
		if err := e.db.ConfirmNoConflict(t.Context(), ev, as.ID, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := e.db.SubmitEvaluation(t.Context(), ev, &coopdec.Evaluation{ApplicationID: e.app.ID, Scores: fullScores(8, 6)}, act(ev)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.RecordAdmissibility(t.Context(), e.officer, &coopdec.Admissibility{ApplicationID: e.app.ID, Admissible: true,
		Reason: "Confirmée."}, act(e.officer)); err != nil {
		t.Fatal(err)
	}
	if err := e.db.RecordConsensus(t.Context(), e.officer, &coopdec.Consensus{ApplicationID: e.app.ID,
		Scores: fullScores(relevance, partnership), Comment: "Projet solide.", Language: "fr"}, act(e.officer)); err != nil {
		t.Fatal(err)
	}
}

func TestCommitteeLineAdjustmentAndDecision(t *testing.T) {
	e := newEvalEnv(t)
	if err := e.db.RecordAdmissibility(t.Context(), e.officer, &coopdec.Admissibility{ApplicationID: e.app.ID, Admissible: true,
		Reason: "Confirmée."}, act(e.officer)); err != nil {
		t.Fatal(err)
	}
	cm, err := e.db.Committee(t.Context(), e.call.ID)
	if err != nil {
		t.Fatalf("Committee: got error %v; want nil", err)
	}
	line, err := cm.FundingLine()
	if err != nil {
		t.Fatalf("FundingLine: got error %v; want nil", err)
	}
	if got := coopdec.MissingConsensus(line); len(got) != 1 || got[0] != e.app.ID {
		t.Fatalf("before the consensus: got missing %v; want [%d]", got, e.app.ID)
	}
	if _, err := e.db.SendDecision(t.Context(), e.officer, e.call.ID, 0, act(e.officer)); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Fatalf("decision without consensus: got error %v; want ECONFLICT", err)
	}

	e.committeeReady(t, 8, 6)
	cm, err = e.db.Committee(t.Context(), e.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	line, err = cm.FundingLine()
	if err != nil {
		t.Fatal(err)
	}
	entry := line.Entry(e.app.ID)
	if entry == nil || entry.List != coopdec.ListMain {
		t.Fatalf("after the consensus: got %+v; want the application on the main list", entry)
	}
	requested := entry.RequestedCents

	bad := &coopdec.Adjustment{ApplicationID: e.app.ID, GrantedCents: requested / 2}
	wantKeys(t, e.db.AddAdjustment(t.Context(), e.officer, e.call.ID, bad, act(e.officer)), "justification:evaluation.text.required")
	above := &coopdec.Adjustment{ApplicationID: e.app.ID, GrantedCents: requested + 1, Justification: "Plus."}
	wantKeys(t, e.db.AddAdjustment(t.Context(), e.officer, e.call.ID, above, act(e.officer)), "granted_cents:committee.adjustment.above_request")
	for _, v := range []int64{requested - 100, requested / 2} {
		adj := &coopdec.Adjustment{ApplicationID: e.app.ID, GrantedCents: v, Justification: "Le poste « missions » est réduit."}
		if err := e.db.AddAdjustment(t.Context(), e.pacaManager, e.call.ID, adj, act(e.pacaManager)); err != nil {
			t.Fatalf("AddAdjustment %d: got error %v; want nil", v, err)
		}
	}
	adjs, err := e.db.Adjustments(t.Context(), e.call.ID)
	if err != nil || len(adjs) != 2 {
		t.Fatalf("Adjustments: got %d, %v; want 2 kept", len(adjs), err)
	}
	if n := auditCount(t, e.db, coopdec.AuditCommitteeAdjustment); n != 2 {
		t.Errorf("got %d adjustment audit events; want 2", n)
	}
	if _, err := e.db.write.ExecContext(t.Context(), `UPDATE committee_adjustments SET granted_cents = 1`); err == nil {
		t.Errorf("update of an adjustment: got no error; want the database to refuse")
	}

	s := &coopdec.CommitteeSession{CallID: e.call.ID, HeldAt: time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC),
		Participants: []string{" Mme Durand ", "Sr. Pérez"}, Minutes: "Le comité classe les projets."}
	if err := e.db.CreateCommitteeSession(t.Context(), e.officer, s, act(e.officer)); err != nil {
		t.Fatalf("CreateCommitteeSession: got error %v; want nil", err)
	}
	if err := e.db.CreateCommitteeSession(t.Context(), e.moroccoManager, &coopdec.CommitteeSession{CallID: e.call.ID,
		HeldAt: s.HeldAt}, act(e.moroccoManager)); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("session by another call's co-manager: got error %v; want EFORBIDDEN", err)
	}

	d, err := e.db.SendDecision(t.Context(), e.officer, e.call.ID, s.ID, act(e.officer))
	if err != nil {
		t.Fatalf("SendDecision: got error %v; want nil", err)
	}
	if d.Version != 1 || len(d.Entries) != 1 || d.Entries[0].GrantedCents != requested/2 || d.SessionID != s.ID {
		t.Errorf("decision: got %+v; want version 1 granting %d", d, requested/2)
	}
	if _, err := e.db.SendDecision(t.Context(), e.officer, e.call.ID, 0, act(e.officer)); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("second decision while pending: got error %v; want ECONFLICT", err)
	}
	adj := &coopdec.Adjustment{ApplicationID: e.app.ID, GrantedCents: requested, Justification: "Retour."}
	if err := e.db.AddAdjustment(t.Context(), e.officer, e.call.ID, adj, act(e.officer)); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("adjustment while pending: got error %v; want ECONFLICT", err)
	}

	if _, err := e.db.RecordApproval(t.Context(), e.officer, d.ID, &coopdec.Approval{Party: coopdec.MinistryParty,
		Comment: "Le montant est trop faible."}, act(e.officer)); err != nil {
		t.Fatalf("RecordApproval: got error %v; want nil", err)
	}
	if err := e.db.AddAdjustment(t.Context(), e.officer, e.call.ID, adj, act(e.officer)); err != nil {
		t.Fatalf("adjustment after the rejection: got error %v; want nil", err)
	}
	d2, err := e.db.SendDecision(t.Context(), e.officer, e.call.ID, 0, act(e.officer))
	if err != nil {
		t.Fatalf("resubmission: got error %v; want nil", err)
	}
	if d2.ID != d.ID || d2.Version != 2 || d2.Entries[0].GrantedCents != requested || d2.SessionID != s.ID {
		t.Errorf("resubmission: got %+v; want version 2 of decision %d granting %d", d2, d.ID, requested)
	}
	if n := auditCount(t, e.db, coopdec.AuditDecisionResubmit); n != 1 {
		t.Errorf("got %d resubmission audit events; want 1", n)
	}

	s.Minutes = "Le comité classe les projets et réduit une subvention."
	s.Participants = []string{"Mme Durand"}
	if err := e.db.UpdateCommitteeSession(t.Context(), e.pacaManager, s, act(e.pacaManager)); err != nil {
		t.Fatalf("UpdateCommitteeSession: got error %v; want nil", err)
	}
	got, err := e.db.CommitteeSession(t.Context(), s.ID)
	if err != nil || got.Minutes != s.Minutes || len(got.Participants) != 1 || !got.HeldAt.Equal(s.HeldAt) {
		t.Errorf("CommitteeSession: got %+v, %v; want %+v", got, err, s)
	}
	list, err := e.db.ListCommitteeSessions(t.Context(), e.call.ID)
	if err != nil || len(list) != 1 {
		t.Errorf("ListCommitteeSessions: got %d, %v; want 1", len(list), err)
	}
	if n := auditCount(t, e.db, coopdec.AuditCommitteeSession); n != 2 {
		t.Errorf("got %d session audit events; want 2", n)
	}
}

// TestSendDecisionRace has the committee send its decision several times
// at once: one decision is created, the others are refused.
func TestSendDecisionRace(t *testing.T) {
	e := newEvalEnv(t)
	e.committeeReady(t, 8, 6)
	const n = 6
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := e.db.SendDecision(t.Context(), e.officer, e.call.ID, 0, act(e.officer))
			errs <- err
		}()
	}
	ok := 0
	for range n {
		switch err := <-errs; coopdec.ErrorCode(err) {
		case "":
			ok++
		case coopdec.ECONFLICT:
		default:
			t.Errorf("concurrent SendDecision: got error %v; want nil or ECONFLICT", err)
		}
	}
	var count int
	if err := e.db.read.QueryRowContext(t.Context(), `SELECT count(*) FROM decisions WHERE call_id = $1`, e.call.ID).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if ok != 1 || count != 1 {
		t.Errorf("got %d sent and %d stored; want 1 and 1", ok, count)
	}
}
