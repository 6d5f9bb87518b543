package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestMissionListLinks: the missions list leads whoever may search the
// reports to their search, and officers to the PACT2 envelope; an
// authority's members, whose list is /collectivite/missions, find the
// search there once their authority holds a label.
func TestMissionListLinks(t *testing.T) {
	f := newMissionFixture(t)
	const reports, envelope = `href="/missions/rapports"`, `href="/missions/enveloppe"`

	wantPage(t, f.officerC.get("/missions"), http.StatusOK, reports, envelope)
	b := wantPage(t, f.embassyC.get("/missions"), http.StatusOK, reports)
	if strings.Contains(b, envelope) {
		t.Errorf("the embassy's list links to the envelope, which only officers see")
	}

	for who, c := range map[string]*client{"Lyon": f.lyonC, "Nantes": f.nantesC} {
		if b := wantPage(t, c.get("/collectivite/missions"), http.StatusOK); strings.Contains(b, reports) || strings.Contains(b, envelope) {
			t.Errorf("%s, without a label, is offered the reports' search or the envelope", who)
		}
	}
	grantLabel(t, f.e, f.lyonMember, f.lyon.ID, f.officer)
	b = wantPage(t, f.lyonC.get("/collectivite/missions"), http.StatusOK, reports)
	if strings.Contains(b, envelope) {
		t.Errorf("labelled Lyon is offered the envelope")
	}
	wantStatus(t, "labelled Lyon follows the link", f.lyonC.get("/missions/rapports"), http.StatusOK)
	if b := wantPage(t, f.nantesC.get("/collectivite/missions"), http.StatusOK); strings.Contains(b, reports) {
		t.Errorf("Nantes, without a label, is offered the reports' search once Lyon has one")
	}
}
