package demo

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

func TestLoadEvaluation(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	db.Now = func() time.Time { return fixedNow }
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Blobs: blobs}
	if err := Load(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	first := evaluationCounts(t, db)
	// Loaded again later, nothing is added.
	db.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	if err := Load(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	if again := evaluationCounts(t, db); again != first {
		t.Errorf("after a second load: %v; want %v", again, first)
	}

	user := func(email string) *coopdec.User {
		t.Helper()
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return u
	}
	call := func(ref string) *coopdec.Call {
		t.Helper()
		c, err := db.CallByReference(ctx, ref)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		return c
	}

	// The additional Franco-Indian session: three submitted applications,
	// the call under evaluation, nothing set up yet.
	spring := call("AAP-FR-IN-02")
	if spring.Status != coopdec.CallEvaluation {
		t.Errorf("AAP-FR-IN-02: status %s; want %s", spring.Status, coopdec.CallEvaluation)
	}
	springApps, page, err := db.ListApplications(ctx, coopdec.ApplicationFilter{CallID: spring.ID, Status: coopdec.ApplicationSubmitted}, coopdec.NewPage(1, 10))
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || len(springApps) != 3 {
		t.Errorf("AAP-FR-IN-02: %d submitted applications; want 3", page.Total)
	}
	if g, _, err := db.EvaluationSetup(ctx, spring.ID); err == nil && g != nil && len(g.Criteria) > 0 {
		t.Errorf("AAP-FR-IN-02 has an evaluation grid already: %+v", g)
	}

	// The Franco-Indian call: a decision approved by the ministry, waiting
	// for the Indian co-manager, who may approve it.
	india := call("AAP-FR-IN-00")
	if india.Status != coopdec.CallEvaluation {
		t.Errorf("AAP-FR-IN-00: status %s; want %s", india.Status, coopdec.CallEvaluation)
	}
	d, status := callDecision(t, db, india.ID)
	approvals, err := db.ListApprovals(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if status != coopdec.DecisionPending || len(approvals) != 1 || approvals[0].Party != coopdec.MinistryParty || !approvals[0].Approved {
		t.Errorf("AAP-FR-IN-00 decision: %s, approvals %+v; want pending, approved by the ministry alone", status, approvals)
	}
	coManager := user("partner-india@demo.coopdec.test")
	indiaParty := coopdec.Party(india.CoManagers[0])
	ap := &coopdec.Approval{DecisionID: d.ID, Version: d.Version, Party: indiaParty, Approved: true}
	if err := coopdec.CheckApproval(coManager, india, d, ap, approvals); err != nil {
		t.Errorf("the Indian co-manager may not approve: %v", err)
	}
	lists := map[coopdec.ListKind]int{}
	for _, e := range d.Entries {
		lists[e.List]++
	}
	if lists[coopdec.ListMain] != 2 || lists[coopdec.ListReserve] != 2 || lists[coopdec.ListRejected] != 1 {
		t.Errorf("AAP-FR-IN-00 decision lists: %v; want 2 main, 2 reserve, 1 rejected", lists)
	}

	// Lyon–Pune's scores diverged: a third evaluator was added.
	apps, _, err := db.ListApplications(ctx, coopdec.ApplicationFilter{CallID: india.ID}, coopdec.NewPage(1, 50))
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != len(indiaApplications) {
		t.Fatalf("AAP-FR-IN-00: %d applications; want %d", len(apps), len(indiaApplications))
	}
	extras := 0
	assignments, err := db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: india.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, as := range assignments {
		if as.Extra {
			extras++
		}
	}
	if extras != 1 || len(assignments) != 2*len(indiaApplications)+1 {
		t.Errorf("AAP-FR-IN-00: %d assignments, %d extra; want %d, 1", len(assignments), extras, 2*len(indiaApplications)+1)
	}

	// No evaluator was assigned an application they have a conflict with;
	// the one who worked for Nantes has interests there.
	nantesEvaluator := user(evaluatorMinistry1)
	conflicted := 0
	for _, ref := range []string{"AAP-FR-IN-00", "FRCDM-PACA-00", "PACT2-MISSIONS-00"} {
		c := call(ref)
		list, err := db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, as := range list {
			a, err := db.Application(ctx, as.ApplicationID)
			if err != nil {
				t.Fatal(err)
			}
			lead, err := db.Organisation(ctx, a.LeadOrganisationID)
			if err != nil {
				t.Fatal(err)
			}
			decl, err := db.Declaration(ctx, as.EvaluatorID)
			if err != nil {
				t.Fatal(err)
			}
			u, err := db.UserByID(ctx, as.EvaluatorID)
			if err != nil {
				t.Fatal(err)
			}
			full := decl.WithMemberships(u)
			if cs := coopdec.Conflicts(&full, a, lead); len(cs) > 0 {
				t.Errorf("%s: %s assigned to %s despite %+v", ref, u.Email, a.ReceiptNumber, cs)
			}
		}
		for _, s := range apps {
			decl, err := db.Declaration(ctx, nantesEvaluator.ID)
			if err != nil {
				t.Fatal(err)
			}
			lead, err := db.Organisation(ctx, s.Application.LeadOrganisationID)
			if err != nil {
				t.Fatal(err)
			}
			full := decl.WithMemberships(nantesEvaluator)
			if len(coopdec.Conflicts(&full, &s.Application, lead)) > 0 {
				conflicted++
			}
		}
	}
	if conflicted == 0 {
		t.Error("no demo application conflicts with the former agent of Nantes; want the Nantes one to")
	}

	// The Mediterranean fund's decision is final: its grants are committed.
	med := call("FRCDM-PACA-00")
	if _, status := callDecision(t, db, med.ID); status != coopdec.DecisionFinal || med.Status != coopdec.CallDecided {
		t.Errorf("FRCDM-PACA-00: decision %s, call %s; want final, decided", status, med.Status)
	}
	balances, err := db.CallBalances(ctx, med.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range balances {
		if b.CommittedCents != 45_000*100 || b.RemainingCents != 15_000*100 {
			t.Errorf("FRCDM-PACA-00 funder %d: committed %d of %d cents; want 4 500 000 committed, 1 500 000 left", b.FunderOrganisationID, b.CommittedCents, b.AmountCents)
		}
	}
	if len(balances) != 2 {
		t.Errorf("FRCDM-PACA-00: %d balances; want 2", len(balances))
	}

	// PACT2's pilot session: an evaluation left as a draft.
	pact2 := call("PACT2-MISSIONS-00")
	papps, _, err := db.ListApplications(ctx, coopdec.ApplicationFilter{CallID: pact2.ID}, coopdec.NewPage(1, 10))
	if err != nil || len(papps) != 1 {
		t.Fatalf("PACT2-MISSIONS-00: %d applications, %v; want 1", len(papps), err)
	}
	evals, err := db.ListEvaluations(ctx, papps[0].Application.ID)
	if err != nil {
		t.Fatal(err)
	}
	drafter := user(evaluatorMinistry2)
	drafts := 0
	for _, ev := range evals {
		if !ev.Submitted {
			drafts++
			if ev.EvaluatorID != drafter.ID {
				t.Errorf("draft by user %d; want %s", ev.EvaluatorID, evaluatorMinistry2)
			}
		}
	}
	if len(evals) != 2 || drafts != 1 {
		t.Errorf("PACT2-MISSIONS-00: %d evaluations, %d drafts; want 2, 1", len(evals), drafts)
	}
}

// callDecision returns call callID's decision, found through the audit
// trail, which records its creation.
func callDecision(t *testing.T, db *sqldb.DB, callID int64) (*coopdec.Decision, coopdec.DecisionStatus) {
	t.Helper()
	ctx := context.Background()
	events, _, err := db.ListAudit(ctx, sqldb.AuditFilter{Action: coopdec.AuditDecisionCreate}, coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if !strings.HasPrefix(ev.Details, "call:"+strconv.FormatInt(callID, 10)+" ") {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(ev.Subject, "decision:"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		d, status, err := db.Decision(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return d, status
	}
	t.Fatalf("call %d has no decision", callID)
	return nil, ""
}

// evaluationCounts counts what the evaluation demo creates.
func evaluationCounts(t *testing.T, db *sqldb.DB) [3]int {
	t.Helper()
	ctx := context.Background()
	_, apps, err := db.ListApplications(ctx, coopdec.ApplicationFilter{}, coopdec.NewPage(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	assignments, err := db.ListAssignments(ctx, sqldb.AssignmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	_, decisions, err := db.ListAudit(ctx, sqldb.AuditFilter{Action: coopdec.AuditDecisionCreate}, coopdec.NewPage(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{apps.Total, len(assignments), decisions.Total}
}
