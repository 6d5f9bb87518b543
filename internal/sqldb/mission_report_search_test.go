package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// Reports are found by their texts and their mission's place, accents
// aside, the last word as a prefix, operators read as words.
func TestMissionReportSearch(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	e.senegalRate(t)
	m := e.selectedMission(t)
	off := e.viewer(t, e.officer)
	if err := e.db.SaveMissionOrder(ctx, off, m.ID, sampleOrder(), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ApproveMissionOrder(ctx, e.officer, m.ID, e.pact2(t, 1_000_000), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	rep := &coopdec.MissionReport{Findings: "Le développement du quartier nord dépend de l'œuvre de drainage.",
		Recommendations: "Former les agents municipaux.", FollowUp: "Deuxième mission: cadastre."}
	if err := e.db.FileMissionReport(ctx, e.viewer(t, e.lyonMember), m.ID, rep, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	count := func(q, country string) int {
		t.Helper()
		list, page, err := e.db.SearchMissionReports(ctx, MissionReportFilter{Query: q, Country: country}, coopdec.NewPage(1, 20))
		if err != nil {
			t.Fatalf("search %q: got error %v", q, err)
		}
		if len(list) != page.Total {
			t.Fatalf("search %q: got %d listed of %d", q, len(list), page.Total)
		}
		return page.Total
	}
	for _, q := range []string{"developpement", "DÉVELOPPEMENT quartier", "oeuvre", "Œuvre drain", "agents municip", "cadastre",
		"Sénégal", "senegal planification", "saint louis", "Saint-Louis", "SN", "-cadastre", `"cadastre"`, "cadastre*", "cadastre:*"} {
		if n := count(q, ""); n != 1 {
			t.Errorf("search %q: got %d; want the report", q, n)
		}
	}
	for _, q := range []string{"Dakar", "cadastre OR dakar", "NEAR(cadastre drainage) dakar", "drainage NOT nord", "!!!"} {
		if n := count(q, ""); n != 0 {
			t.Errorf("search %q: got %d; want none", q, n)
		}
	}
	if n := count("cadastre", "ML"); n != 0 {
		t.Errorf("search in Mali: got %d; want none", n)
	}
	if n := count("", "sn"); n != 1 {
		t.Errorf("every report in Senegal: got %d; want 1", n)
	}
}
