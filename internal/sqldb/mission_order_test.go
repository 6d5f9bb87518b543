package sqldb

import (
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// selectedMission makes a request of the embassy for Senegal, to which Lyon
// replies proposing Anne Urbaniste and Paul Ingénieur, selected by the
// officer.
func (e *missionEnv) selectedMission(t *testing.T) *coopdec.MissionRequest {
	t.Helper()
	ctx := t.Context()
	m := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	if err := e.db.CreateMissionRequest(ctx, e.viewer(t, e.embassy), m, coopdec.Actor{UserID: e.embassy.ID}); err != nil {
		t.Fatal(err)
	}
	off := e.viewer(t, e.officer)
	if _, err := e.db.InviteToMission(ctx, e.jobs, off, m.ID, []int64{e.lyon.ID}, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	reply := &coopdec.MissionReply{Interested: true, Experts: []coopdec.MissionExpert{
		{Name: "Anne Urbaniste", Role: "Cheffe de projet", Languages: []string{"fr"}},
		{Name: "Paul Ingénieur", Role: "Ingénieur", Languages: []string{"fr", "en"}}}}
	if err := e.db.ReplyToMission(ctx, e.jobs, e.viewer(t, e.lyonMember), m.ID, e.lyon.ID, reply, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SelectMissionReply(ctx, off, m.ID, reply.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	rec, err := e.db.MissionRequest(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &rec.Request
}

func (e *missionEnv) pact2(t *testing.T, envelope int64) int64 {
	t.Helper()
	p := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "PACT2"}}
	if err := e.db.CreateProgramme(t.Context(), p, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.ChangeProgrammeEnvelope(t.Context(), e.officer, p.ID, envelope, "Dotation de l'exercice", coopdec.Actor{}); err != nil {
		t.Fatalf("SetProgrammeEnvelope: got error %v; want nil", err)
	}
	return p.ID
}

func (e *missionEnv) senegalRate(t *testing.T) {
	t.Helper()
	r := &coopdec.AllowanceRate{Country: "sn", DailyCents: 20_000, ValidFrom: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := e.db.AddAllowanceRate(t.Context(), e.officer, r, coopdec.Actor{}); err != nil {
		t.Fatalf("AddAllowanceRate: got error %v; want nil", err)
	}
}

func sampleOrder() *coopdec.MissionOrder {
	return &coopdec.MissionOrder{Start: time.Date(2027, 4, 6, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 4, 15, 0, 0, 0, 0, time.UTC),
		Experts:     []coopdec.OrderExpert{{Name: "Anne Urbaniste", Days: 10}, {Name: "paul ingenieur", Days: 5}},
		TravelCents: 150_000, OtherCents: 50_000}
}

func TestAllowanceRates(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	e.senegalRate(t)
	later := &coopdec.AllowanceRate{Country: "SN", DailyCents: 25_000, ValidFrom: time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)}
	if err := e.db.AddAllowanceRate(ctx, e.embassy, later, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Fatalf("embassy adds a rate: got %v; want forbidden", err)
	}
	if err := e.db.AddAllowanceRate(ctx, e.officer, later, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	same := &coopdec.AllowanceRate{Country: "SN", DailyCents: 30_000, ValidFrom: later.ValidFrom}
	wantError(t, e.db.AddAllowanceRate(ctx, e.officer, same, coopdec.Actor{}), coopdec.ECONFLICT, "valid_from", "mission_order.rate.duplicate")
	list, err := e.db.AllowanceRates(ctx, "sn")
	if err != nil || len(list) != 2 || list[0].DailyCents != 25_000 || list[1].DailyCents != 20_000 {
		t.Fatalf("rates: got %+v, error %v; want 25,000 then 20,000", list, err)
	}
	if _, err := e.db.write.ExecContext(ctx, `UPDATE allowance_rates SET daily_cents = 1`); err == nil {
		t.Fatal("updating a rate: got nil error; want the table to refuse it")
	}
}

func TestMissionOrderFlow(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	m := e.selectedMission(t)
	off := e.viewer(t, e.officer)

	// No rate yet for Senegal.
	err := e.db.SaveMissionOrder(ctx, off, m.ID, sampleOrder(), coopdec.Actor{})
	wantError(t, err, coopdec.EINVALID, "country", "mission_order.rate.missing")
	e.senegalRate(t)
	wantError(t, e.db.SaveMissionOrder(ctx, e.viewer(t, e.embassy), m.ID, sampleOrder(), coopdec.Actor{}), coopdec.EFORBIDDEN, "", "")
	bad := sampleOrder()
	bad.Experts = append(bad.Experts, coopdec.OrderExpert{Name: "Inconnu", Days: 2})
	wantError(t, e.db.SaveMissionOrder(ctx, off, m.ID, bad, coopdec.Actor{}), coopdec.EINVALID, "experts.2.name", "mission_followup.order.expert_not_proposed")
	o := sampleOrder()
	if err := e.db.SaveMissionOrder(ctx, off, m.ID, o, coopdec.Actor{}); err != nil {
		t.Fatalf("SaveMissionOrder: got error %v; want nil", err)
	}
	if o.AllowanceCents != 300_000 || o.TotalCents != 500_000 {
		t.Fatalf("order: got allowances %d total %d; want 300,000 and 500,000", o.AllowanceCents, o.TotalCents)
	}
	got, err := e.db.MissionOrder(ctx, m.ID)
	if err != nil || got.TotalCents != 500_000 || got.State != coopdec.OrderDraft || len(got.Experts) != 2 {
		t.Fatalf("MissionOrder: got %+v, error %v", got, err)
	}

	prog := e.pact2(t, 400_000)
	if _, err := e.db.ApproveMissionOrder(ctx, e.embassy, m.ID, prog, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Fatalf("embassy approves: got %v; want forbidden", err)
	}
	_, err = e.db.ApproveMissionOrder(ctx, e.officer, m.ID, prog, coopdec.Actor{})
	wantError(t, err, coopdec.ECONFLICT, "programme_id", "mission_followup.envelope.insufficient")
	if err := e.db.ChangeProgrammeEnvelope(ctx, e.officer, prog, 1_000_000, "Dotation de l'exercice", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ApproveMissionOrder(ctx, e.officer, m.ID, prog, coopdec.Actor{UserID: e.officer.ID}); err != nil {
		t.Fatalf("ApproveMissionOrder: got error %v; want nil", err)
	}
	b, err := e.db.ProgrammeBalance(ctx, prog)
	if err != nil || b.CommittedCents != 500_000 || b.RemainingCents() != 500_000 {
		t.Fatalf("balance: got %+v, error %v; want 500,000 committed", b, err)
	}
	_, err = e.db.ApproveMissionOrder(ctx, e.officer, m.ID, prog, coopdec.Actor{})
	wantError(t, err, coopdec.ECONFLICT, "", "mission_followup.order.approved")
	wantError(t, e.db.SaveMissionOrder(ctx, off, m.ID, sampleOrder(), coopdec.Actor{}), coopdec.ECONFLICT, "", "mission_followup.order.approved")
	wantError(t, e.db.ChangeProgrammeEnvelope(ctx, e.officer, prog, 100, "Dotation de l'exercice", coopdec.Actor{}), coopdec.EINVALID, "amount_cents", "mission_followup.envelope.below_committed")
	if _, err := e.db.write.ExecContext(ctx, `DELETE FROM programme_ledger`); err == nil {
		t.Fatal("deleting from the ledger: got nil error; want the table to refuse it")
	}
}

// Approvals racing for an envelope that pays only some of them: exactly
// as many succeed as it can pay, the others are refused, and the ledger
// never goes over the envelope.
func TestMissionOrderApprovalConcurrent(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	e.senegalRate(t)
	off := e.viewer(t, e.officer)
	const n = 6
	var missions []int64
	for range n {
		m := e.selectedMission(t)
		if err := e.db.SaveMissionOrder(ctx, off, m.ID, sampleOrder(), coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		missions = append(missions, m.ID)
	}
	prog := e.pact2(t, 1_200_000) // pays two orders of 500,000
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i, id := range missions {
		wg.Go(func() {
			<-start
			_, errs[i] = e.db.ApproveMissionOrder(ctx, e.officer, id, prog, coopdec.Actor{})
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case coopdec.ErrorCode(err) != coopdec.ECONFLICT:
			t.Fatalf("approval: got error %v; want nil or conflict", err)
		}
	}
	b, err := e.db.ProgrammeBalance(ctx, prog)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 2 || b.CommittedCents != 1_000_000 {
		t.Fatalf("got %d approvals and %d committed; want 2 and 1,000,000", ok, b.CommittedCents)
	}
}
