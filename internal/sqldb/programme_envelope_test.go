package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestChangeProgrammeEnvelope(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	e.senegalRate(t)
	m := e.selectedMission(t)
	if err := e.db.SaveMissionOrder(ctx, e.viewer(t, e.officer), m.ID, sampleOrder(), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	prog := e.pact2(t, 1_000_000)
	o, err := e.db.ApproveMissionOrder(ctx, e.officer, m.ID, prog, coopdec.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, e.db.ChangeProgrammeEnvelope(ctx, e.officer, prog, o.TotalCents-1, "Réduction", coopdec.Actor{}),
		coopdec.EINVALID, "amount_cents", "mission_followup.envelope.below_committed")
	wantError(t, e.db.ChangeProgrammeEnvelope(ctx, e.officer, prog, 2_000_000, " ", coopdec.Actor{}),
		coopdec.EINVALID, "reason", "mission_followup.envelope.reason_required")
	wantError(t, e.db.ChangeProgrammeEnvelope(ctx, e.lyonMember, prog, 2_000_000, "x", coopdec.Actor{}), coopdec.EFORBIDDEN, "", "")
	wantError(t, e.db.ChangeProgrammeEnvelope(ctx, e.officer, prog+100, 2_000_000, "x", coopdec.Actor{}), coopdec.ENOTFOUND, "", "programme.not_found")
	if err := e.db.ChangeProgrammeEnvelope(ctx, e.officer, prog, 2_000_000, " Dotation complémentaire 2027 ", coopdec.Actor{UserID: e.officer.ID}); err != nil {
		t.Fatalf("ChangeProgrammeEnvelope: got %v; want nil", err)
	}
	b, err := e.db.ProgrammeBalance(ctx, prog)
	if err != nil || b.AmountCents != 2_000_000 || b.CommittedCents != o.TotalCents {
		t.Fatalf("balance: got %+v, %v", b, err)
	}
	changes, err := e.db.ProgrammeEnvelopeChanges(ctx, prog)
	if err != nil || len(changes) != 2 || changes[0].AmountCents != 2_000_000 || changes[0].Reason != "Dotation complémentaire 2027" || changes[0].By == "" {
		t.Fatalf("changes: got %+v, %v", changes, err)
	}
	ledger, err := e.db.ProgrammeLedger(ctx, prog)
	if err != nil || len(ledger) != 1 || ledger[0].MissionID != m.ID || ledger[0].AmountCents != o.TotalCents ||
		ledger[0].Country != "SN" || ledger[0].AuthorityName != "Métropole de Lyon" {
		t.Fatalf("ledger: got %+v, %v", ledger, err)
	}
}
