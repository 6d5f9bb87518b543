package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestMissionReportAndEvaluation(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	e.senegalRate(t)
	m := e.selectedMission(t)
	lyon, nantes, emb, off := e.viewer(t, e.lyonMember), e.viewer(t, e.nantesMbr), e.viewer(t, e.embassy), e.viewer(t, e.officer)
	report := func() *coopdec.MissionReport {
		return &coopdec.MissionReport{Findings: "Le schéma directeur d'assainissement est à réviser.",
			Recommendations: "Créer une régie des eaux.", FollowUp: "Deuxième mission en 2028."}
	}
	// Before the order is approved, the authority may not report.
	wantError(t, e.db.FileMissionReport(ctx, lyon, m.ID, report(), coopdec.Actor{}), coopdec.ECONFLICT, "", "mission_followup.report.no_order")
	if err := e.db.SaveMissionOrder(ctx, off, m.ID, sampleOrder(), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	prog := e.pact2(t, 1_000_000)
	if _, err := e.db.ApproveMissionOrder(ctx, e.officer, m.ID, prog, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	// The requester may not evaluate before the report.
	wantError(t, e.db.EvaluateMission(ctx, emb, m.ID, &coopdec.MissionEvaluation{Rating: 4}, coopdec.Actor{}), coopdec.ECONFLICT, "", "mission_followup.evaluation.no_report")
	// Another authority, the embassy, the officer may not file the report.
	for _, v := range []coopdec.MissionViewer{nantes, emb, off} {
		wantError(t, e.db.FileMissionReport(ctx, v, m.ID, report(), coopdec.Actor{}), coopdec.EFORBIDDEN, "", "")
	}
	wantError(t, e.db.FileMissionReport(ctx, lyon, m.ID, &coopdec.MissionReport{Recommendations: "x"}, coopdec.Actor{}), coopdec.EINVALID, "findings", "mission.text.required")
	if err := e.db.FileMissionReport(ctx, lyon, m.ID, report(), coopdec.Actor{UserID: e.lyonMember.ID}); err != nil {
		t.Fatalf("FileMissionReport: got error %v; want nil", err)
	}
	wantError(t, e.db.FileMissionReport(ctx, lyon, m.ID, report(), coopdec.Actor{}), coopdec.ECONFLICT, "", "mission_followup.report.already")

	for _, q := range []string{"SCHEMA assainissement", "regie", ""} {
		list, page, err := e.db.SearchMissionReports(ctx, MissionReportFilter{Query: q, Country: "sn"}, coopdec.NewPage(1, 20))
		if err != nil || len(list) != 1 || page.Total != 1 || list[0].AuthorityName != "Métropole de Lyon" {
			t.Fatalf("search %q: got %+v, %+v, error %v; want Lyon's report", q, list, page, err)
		}
	}
	for _, f := range []MissionReportFilter{{Query: "inondation"}, {Query: "regie", Country: "ML"}, {Query: "100%"}} {
		if list, _, err := e.db.SearchMissionReports(ctx, f, coopdec.NewPage(1, 20)); err != nil || len(list) != 0 {
			t.Fatalf("search %+v: got %d reports, error %v; want none", f, len(list), err)
		}
	}

	// Only the requester (the embassy that made the request) evaluates.
	for _, v := range []coopdec.MissionViewer{lyon, off} {
		wantError(t, e.db.EvaluateMission(ctx, v, m.ID, &coopdec.MissionEvaluation{Rating: 4}, coopdec.Actor{}), coopdec.EFORBIDDEN, "", "")
	}
	wantError(t, e.db.EvaluateMission(ctx, emb, m.ID, &coopdec.MissionEvaluation{Rating: 6}, coopdec.Actor{}), coopdec.EINVALID, "rating", "mission_followup.evaluation.rating_range")
	if err := e.db.EvaluateMission(ctx, emb, m.ID, &coopdec.MissionEvaluation{Rating: 4, Comment: " Très utile. "}, coopdec.Actor{}); err != nil {
		t.Fatalf("EvaluateMission: got error %v; want nil", err)
	}
	wantError(t, e.db.EvaluateMission(ctx, emb, m.ID, &coopdec.MissionEvaluation{Rating: 5}, coopdec.Actor{}), coopdec.ECONFLICT, "", "mission_followup.evaluation.already")
	ev, err := e.db.MissionEvaluation(ctx, m.ID)
	if err != nil || ev.Rating != 4 || ev.Comment != "Très utile." || ev.EvaluatedBy != e.embassy.ID {
		t.Fatalf("evaluation: got %+v, error %v", ev, err)
	}
}
