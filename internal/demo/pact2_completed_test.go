package demo

import (
	"context"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// The completed missions: ordered, approved against the PACT2 envelope,
// reported on and evaluated as each spec says, found by the search of
// reports, and not loaded twice.
func TestLoadPACT2Completed(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	db.Now = func() time.Time { return fixedNow }
	if err := Load(ctx, db, Options{}); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		p, err := db.ProgrammeByCode(ctx, "pact2")
		if err != nil {
			t.Fatal(err)
		}
		var committed int64
		for _, spec := range pact2Completed {
			l := &pact2Loader{db: db}
			m, err := l.findMission(ctx, spec.terms.Need)
			if err != nil || m == nil {
				t.Fatalf("request in %s: %v, %v", spec.terms.Country, m, err)
			}
			if m.State != coopdec.MissionSelected {
				t.Errorf("request in %s: %s; want selected", m.Country, m.State)
			}
			o, err := db.MissionOrder(ctx, m.ID)
			if err != nil {
				t.Fatalf("order in %s: %v", m.Country, err)
			}
			if o.State != coopdec.OrderApproved || o.ProgrammeID != p.ID || o.TotalCents > m.BudgetCents || o.AllowanceCents == 0 {
				t.Errorf("order in %s: %+v; want approved on PACT2, within %d cents, with allowances", m.Country, o, m.BudgetCents)
			}
			if !o.End.Before(fixedNow) {
				t.Errorf("order in %s ends %s; want a mission already carried out", m.Country, o.End.Format(time.DateOnly))
			}
			committed += o.TotalCents
			_, rerr := db.MissionReport(ctx, m.ID)
			_, eerr := db.MissionEvaluation(ctx, m.ID)
			switch {
			case spec.report == nil && coopdec.ErrorCode(rerr) != coopdec.ENOTFOUND:
				t.Errorf("mission in %s: report %v; want none yet", m.Country, rerr)
			case spec.report != nil && rerr != nil:
				t.Errorf("mission in %s: report: %v", m.Country, rerr)
			case spec.rating > 0 && eerr != nil:
				t.Errorf("mission in %s: evaluation: %v", m.Country, eerr)
			}
		}
		b, err := db.ProgrammeBalance(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.AmountCents != pact2EnvelopeCents || b.CommittedCents != committed {
			t.Errorf("envelope: %+v; want %d cents, %d committed", b, int64(pact2EnvelopeCents), committed)
		}
	}
	check()
	reports, page, err := db.SearchMissionReports(ctx, sqldb.MissionReportFilter{Query: "collecteurs", Country: "IN"}, coopdec.NewPage(1, 10))
	if err != nil || page.Total != 1 || reports[0].AuthorityName != "Métropole Européenne de Lille" {
		t.Errorf("search of reports in India: %+v (%d), %v; want Lille's", reports, page.Total, err)
	}
	reports, _, err = db.SearchMissionReports(ctx, sqldb.MissionReportFilter{}, coopdec.NewPage(1, 10))
	if err != nil || len(reports) != 2 {
		t.Errorf("every report: got %d, %v; want 2", len(reports), err)
	}

	// Loaded again later: nothing is ordered, reported or committed twice.
	db.Now = func() time.Time { return fixedNow.Add(26 * time.Hour) }
	if err := Load(ctx, db, Options{}); err != nil {
		t.Fatal(err)
	}
	check()
	rates, err := db.AllowanceRates(ctx, "")
	if err != nil || len(rates) != len(pact2Rates) {
		t.Errorf("rate table: %d lines, %v; want %d", len(rates), err, len(pact2Rates))
	}
}
