package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// placeLabels grants Lyon and Nantes labels alike in all but the place of
// their one reference in Senegal: Lyon worked in Saint-Louis, Nantes in
// Dakar.
func placeLabels(t *testing.T, f *missionFixture) {
	t.Helper()
	year := f.e.db.Now().Year()
	label := func(member *coopdec.User, org *coopdec.Organisation, place string) {
		grantTestLabel(t, f.e, member, f.officer, &coopdec.LabelApplication{OrganisationID: org.ID,
			Competencies: coopdec.LabelCompetencies{Themes: []string{"urban_development"}, Description: "Urbanisme", Methods: "Compagnonnage"},
			References: []coopdec.LabelReference{{Title: "Planification urbaine", Kind: coopdec.ReferenceMission, Country: "SN",
				Place: place, FromYear: year - 3, ToYear: year - 1, Partners: "Commune", Results: "Plan adopté"}},
			Conditions: coopdec.LabelConditions{Staff: "2 urbanistes", Languages: []string{"fr"}, MinDurationDays: 5, MaxDurationDays: 30,
				SelfCovered: "Salaires"}})
	}
	label(f.lyonMember, f.lyon, "Saint-Louis")
	label(f.nantesMember, f.nantes, "Dakar")
}

// matchOrder returns the positions of Lyon's and Nantes's lines in a
// request's page.
func matchOrder(b string, f *missionFixture) (lyon, nantes int) {
	return strings.Index(b, fmt.Sprintf(`id="match-%d"`, f.lyon.ID)), strings.Index(b, fmt.Sprintf(`id="match-%d"`, f.nantes.ID))
}

func TestMissionPlacePages(t *testing.T) {
	f := newMissionFixture(t)
	placeLabels(t, f)

	// Too long a place: the form comes back with the error on its field,
	// and what was typed kept.
	form := missionForm("SN")
	form.Set("place", strings.Repeat("Saint-Louis ", 30))
	b := wantPage(t, f.embassyC.post("/missions", form), http.StatusUnprocessableEntity,
		"Le lieu dépasse 300 caractères", `href="#place"`, `aria-describedby="place-hint place-error"`, `aria-invalid="true"`)
	if !strings.Contains(b, `name="place" maxlength="300" value="Saint-Louis Saint-Louis`) {
		t.Errorf("the typed place is not kept in the form")
	}

	// The request names its place; its page shows it, and the ranking
	// puts Lyon, which worked there, first, saying why.
	form.Set("place", "  Saint-Louis ")
	id := createdID(t, f.embassyC.post("/missions", form))
	page := fmt.Sprintf("/missions/%d", id)
	b = wantPage(t, f.officerC.get(page), http.StatusOK, "<dt>Lieu dans le pays</dt><dd>Saint-Louis</dd>",
		"A déjà travaillé sur place : Saint-Louis", "Pas d&#39;expérience déclarée sur place (Saint-Louis)")
	if lyon, nantes := matchOrder(b, f); lyon < 0 || nantes < 0 || lyon > nantes {
		t.Errorf("ranking for Saint-Louis: Lyon at %d, Nantes at %d; want Lyon first", lyon, nantes)
	}
	// The same request in Dakar puts Nantes first.
	form.Set("place", "dakar")
	b = wantPage(t, f.officerC.get(fmt.Sprintf("/missions/%d", createdID(t, f.embassyC.post("/missions", form)))), http.StatusOK,
		"A déjà travaillé sur place : Dakar")
	if lyon, nantes := matchOrder(b, f); lyon < 0 || nantes < 0 || nantes > lyon {
		t.Errorf("ranking for Dakar: Lyon at %d, Nantes at %d; want Nantes first", lyon, nantes)
	}
	// Without a place, the factor is left out.
	form.Del("place")
	b = wantPage(t, f.officerC.get(fmt.Sprintf("/missions/%d", createdID(t, f.embassyC.post("/missions", form)))), http.StatusOK)
	if strings.Contains(b, "sur place") || strings.Contains(b, "Lieu dans le pays</dt>") {
		t.Errorf("a request without a place shows one or scores it")
	}

	// The invited authority reads the place on the reply form.
	if res := f.officerC.post(page+"/invitations", url.Values{"organisation_ids": {fmt.Sprint(f.lyon.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d; want 303", res.StatusCode)
	}
	wantPage(t, f.lyonC.get(page+"/reponse"), http.StatusOK, "<dt>Lieu dans le pays</dt><dd>Saint-Louis</dd>")

	// A proposal names its place, which the officers' review shows.
	proposal := missionForm("SN")
	proposal.Set("organisation_id", fmt.Sprint(f.lyon.ID))
	proposal.Set("place", "Podor")
	if res := f.lyonC.post("/missions/proposer", proposal); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: got %d; want 303\n%.1500s", res.StatusCode, body(t, res))
	}
	wantPage(t, f.officerC.get("/missions/propositions"), http.StatusOK, "<dt>Lieu dans le pays</dt><dd>Podor</dd>")
	wantPage(t, f.lyonC.get("/missions/proposer"), http.StatusOK, `<label for="place">Lieu dans le pays</label>`)
}

func TestMissionPlaceAPI(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	placeLabels(t, f)
	c := e.apiContract()
	officer, embassy, lyon := e.token(f.officer), e.token(f.embassy), e.token(f.lyonMember)

	body := missionBody("SN")
	body["place"] = strings.Repeat("x", 301)
	r := c.invalid("POST", "/api/v1/missions", embassy, body, http.StatusUnprocessableEntity)
	if got := r.fields(); len(got) != 1 || got[0] != "place" {
		t.Errorf("too long a place: got fields %v; want place", got)
	}
	body["place"] = " Dakar "
	var m apiMissionDoc
	c.call("POST", "/api/v1/missions", embassy, body, http.StatusCreated).decode(&m)
	if m.Place != "Dakar" {
		t.Errorf("created: place %q; want Dakar", m.Place)
	}
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d", m.ID), officer, nil, http.StatusOK).decode(&m)
	if m.Place != "Dakar" {
		t.Errorf("read: place %q; want Dakar", m.Place)
	}

	// The ranking scores the place: Nantes, which worked in Dakar, first,
	// with the region factor's full points; Lyon none, said so.
	var doc matchDoc
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d/matches", m.ID), officer, nil, http.StatusOK).decode(&doc)
	if len(doc.Matches) != 2 || doc.Matches[0].OrganisationID != f.nantes.ID || doc.Matches[0].Score <= doc.Matches[1].Score {
		t.Fatalf("ranking: got %+v; want Nantes above Lyon", doc.Matches)
	}
	region := func(i int) (key, msg string, points, max int) {
		for _, fa := range doc.Matches[i].Factors {
			if strings.HasPrefix(fa.Key, "matching.factor.region") {
				return fa.Key, fa.Message, fa.Points, fa.Max
			}
		}
		return "", "", 0, 0
	}
	if key, msg, points, max := region(0); key != "matching.factor.region" || points != max || max == 0 || !strings.Contains(msg, "Dakar") {
		t.Errorf("Nantes's region factor: got %s %q %d/%d; want full points for Dakar", key, msg, points, max)
	}
	if key, _, points, _ := region(1); key != "matching.factor.region_none" || points != 0 {
		t.Errorf("Lyon's region factor: got %s %d; want region_none, 0", key, points)
	}

	// A proposal carries its place; the request it becomes keeps it.
	prop := missionBody("SN")
	prop["organisation_id"], prop["place"] = f.lyon.ID, "Saint-Louis"
	var p apiProposalDoc
	c.call("POST", "/api/v1/mission-proposals", lyon, prop, http.StatusCreated).decode(&p)
	if p.Place != "Saint-Louis" {
		t.Errorf("proposal: place %q; want Saint-Louis", p.Place)
	}
	c.call("POST", fmt.Sprintf("/api/v1/mission-proposals/%d/review", p.ID), officer, map[string]any{"decision": "accept"}, http.StatusOK).decode(&p)
	if p.RequestID == nil {
		t.Fatalf("accepted proposal: got %+v; want its request", p)
	}
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d", *p.RequestID), officer, nil, http.StatusOK).decode(&m)
	if m.Place != "Saint-Louis" {
		t.Errorf("request from the proposal: place %q; want Saint-Louis", m.Place)
	}
}
