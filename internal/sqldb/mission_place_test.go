package sqldb

import (
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestMissionPlace(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	emb := e.viewer(t, e.embassy)

	// A request names its place; it reads back normalised, on its page
	// and in the list.
	m := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	m.Place = "  Saint-Louis,\n  Sénégal "
	if err := e.db.CreateMissionRequest(ctx, emb, m, coopdec.Actor{UserID: e.embassy.ID}); err != nil {
		t.Fatalf("CreateMissionRequest: got error %v; want nil", err)
	}
	rec, err := e.db.MissionRequest(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Request.Place != "Saint-Louis, Sénégal" {
		t.Errorf("place: got %q; want %q", rec.Request.Place, "Saint-Louis, Sénégal")
	}
	// One without a place reads back without one.
	n := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	if err := e.db.CreateMissionRequest(ctx, emb, n, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	list, _, err := e.db.ListMissionRequests(ctx, MissionFilter{All: true}, coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	places := map[int64]string{}
	for _, r := range list {
		places[r.ID] = r.Place
	}
	if len(places) != 2 || places[m.ID] != "Saint-Louis, Sénégal" || places[n.ID] != "" {
		t.Errorf("places in the list: got %v", places)
	}

	// Too long a place is refused on its field, and nothing is saved.
	long := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	long.Place = strings.Repeat("x", 301)
	wantError(t, e.db.CreateMissionRequest(ctx, emb, long, coopdec.Actor{}), coopdec.EINVALID, "place", "mission.place.too_long")
	if long.ID != 0 {
		t.Errorf("too long a place saved as request %d", long.ID)
	}

	// A proposal names its place too, and the request it becomes keeps it.
	p := &coopdec.MissionProposal{AuthorityID: e.lyon.ID, MissionTerms: missionTerms("SN")}
	p.Place = "Podor"
	if err := e.db.ProposeMission(ctx, e.lyonMember, p, coopdec.Actor{UserID: e.lyonMember.ID}); err != nil {
		t.Fatalf("ProposeMission: got error %v; want nil", err)
	}
	got, err := e.db.MissionProposal(ctx, p.ID)
	if err != nil || got.Place != "Podor" {
		t.Fatalf("proposal's place: got %+v, %v; want Podor", got, err)
	}
	reviewed, err := e.db.ReviewMissionProposal(ctx, e.officer, p.ID, true, "", coopdec.Actor{UserID: e.officer.ID})
	if err != nil {
		t.Fatal(err)
	}
	rec, err = e.db.MissionRequest(ctx, reviewed.RequestID)
	if err != nil || rec.Request.Place != "Podor" {
		t.Fatalf("request from the proposal: got %+v, %v; want place Podor", rec, err)
	}
	mine, _, err := e.db.ListMissionProposals(ctx, ProposalFilter{All: true}, coopdec.NewPage(1, 20))
	if err != nil || len(mine) != 1 || mine[0].Place != "Podor" {
		t.Fatalf("proposals listed: got %+v, %v; want one in Podor", mine, err)
	}
}
