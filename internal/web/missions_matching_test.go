package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// grantTestLabel takes a label application of org, made by member, through
// to its label.
func grantTestLabel(t *testing.T, e *testEnv, member, officer *coopdec.User, a *coopdec.LabelApplication) {
	t.Helper()
	ctx := t.Context()
	member, err := e.db.UserByID(ctx, member.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateLabelApplication(ctx, member, a, coopdec.Actor{UserID: member.ID}); err != nil {
		t.Fatalf("CreateLabelApplication: %v", err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, member, a.ID, coopdec.Actor{UserID: member.ID}); err != nil {
		t.Fatalf("SubmitLabelApplication: %v", err)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, officer, a.ID, coopdec.LabelActionGrant, "", coopdec.LabelValidityYears,
		coopdec.Actor{UserID: officer.ID}, nil); err != nil {
		t.Fatalf("grant: %v", err)
	}
}

// matchingLabels grants Lyon a label that fits missionForm("SN") well
// (its themes, missions in Senegal, French and Wolof) and Nantes one that
// fits it less (one theme, experience in Mali only, French).
func matchingLabels(t *testing.T, f *missionFixture) {
	t.Helper()
	year := f.e.db.Now().Year()
	grantTestLabel(t, f.e, f.lyonMember, f.officer, &coopdec.LabelApplication{OrganisationID: f.lyon.ID,
		Competencies: coopdec.LabelCompetencies{Themes: []string{"urban_development", "culture"}, Description: "Urbanisme et patrimoine", Methods: "Compagnonnage"},
		References: []coopdec.LabelReference{
			{Title: "Plan de sauvegarde de Saint-Louis", Kind: coopdec.ReferenceMission, Country: "SN", FromYear: year - 4, ToYear: year - 1,
				Partners: "Commune de Saint-Louis", Results: "Plan adopté"},
			{Title: "Mission à Dakar", Kind: coopdec.ReferenceMission, Country: "SN", FromYear: year - 2, ToYear: year - 2,
				Partners: "Ville de Dakar", Results: "Schéma"}},
		Conditions: coopdec.LabelConditions{Staff: "3 urbanistes", Languages: []string{"fr", "wo"}, MinDurationDays: 5, MaxDurationDays: 30, SelfCovered: "Salaires"}})
	grantTestLabel(t, f.e, f.nantesMember, f.officer, &coopdec.LabelApplication{OrganisationID: f.nantes.ID,
		Competencies: coopdec.LabelCompetencies{Themes: []string{"culture", "water_sanitation"}, Description: "Culture et eau", Methods: "Jumelage"},
		References: []coopdec.LabelReference{{Title: "Eau potable à Mopti", Kind: coopdec.ReferenceProject, Country: "ML", FromYear: year - 10,
			ToYear: year - 8, Partners: "Commune de Mopti", Results: "12 forages"}},
		Conditions: coopdec.LabelConditions{Staff: "2 ingénieurs", Languages: []string{"fr"}, MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires"}})
}

type matchDoc struct {
	MissionID int64 `json:"mission_id"`
	Labelled  int
	Matches   []struct {
		Rank           int
		OrganisationID int64 `json:"organisation_id"`
		Name           string
		Score, Max     int
		Suitable       bool
		Invited        bool
		Factors        []struct {
			Key, Message string
			Points, Max  int
		}
	}
}

func TestMissionMatching(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	matchingLabels(t, f)
	id := createdID(t, f.embassyC.post("/missions", missionForm("SN")))
	page := fmt.Sprintf("/missions/%d", id)

	// The officer sees the ranking, Lyon first, explained in French, with a
	// box to tick per authority.
	b := wantPage(t, f.officerC.get(page), http.StatusOK, "Collectivités labellisées proposées",
		"Thématiques couvertes : ", "(2/2)", "Sénégal : 2 mission(s) déjà menée(s) dans le pays",
		"Aucune expérience déclarée dans le pays (Sénégal)", "Langues communes : ", "Aucune mission évaluée : note neutre",
		fmt.Sprintf(`name="organisation_ids" value="%d"`, f.lyon.ID), fmt.Sprintf(`name="organisation_ids" value="%d"`, f.nantes.ID))
	if i, j := strings.Index(b, `id="match-`+fmt.Sprint(f.lyon.ID)+`"`), strings.Index(b, `id="match-`+fmt.Sprint(f.nantes.ID)+`"`); i < 0 || j < 0 || i > j {
		t.Errorf("ranking on the page: Lyon at %d, Nantes at %d; want Lyon first", i, j)
	}

	// Ticking Lyon invites it through the invitation form; it is then marked.
	res := f.officerC.post(page+"/invitations", url.Values{"organisation_ids": {fmt.Sprint(f.lyon.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite from the ranking: got %d; want 303\n%.1500s", res.StatusCode, body(t, res))
	}
	b = wantPage(t, f.officerC.get(page), http.StatusOK, "déjà invitée")
	if strings.Contains(b, fmt.Sprintf(`name="organisation_ids" value="%d"`, f.lyon.ID)) {
		t.Errorf("Lyon, invited, still has a box to tick")
	}

	// The embassy that made the request sees the ranking, without boxes.
	b = wantPage(t, f.embassyC.get(page), http.StatusOK, "Collectivités labellisées proposées", "Thématiques couvertes")
	if strings.Contains(b, `name="organisation_ids"`) {
		t.Errorf("the embassy may not invite, yet the page offers boxes")
	}
	// An invited authority sees the request but not the ranking.
	b = wantPage(t, f.lyonC.get(page), http.StatusOK)
	if strings.Contains(b, "Collectivités labellisées proposées") || strings.Contains(b, "Thématiques couvertes") {
		t.Errorf("an authority's member sees the ranking")
	}
	wantPage(t, f.nantesC.get(page), http.StatusNotFound)

	// The API: same ranking and explanations; 403 to the invited
	// authority, 404 to another, 401 without a token.
	c := e.apiContract()
	api := fmt.Sprintf("/api/v1/missions/%d/matches", id)
	var doc matchDoc
	c.call("GET", api, e.token(f.officer), nil, http.StatusOK).decode(&doc)
	if doc.MissionID != id || doc.Labelled != 2 || len(doc.Matches) != 2 {
		t.Fatalf("matches: got %+v; want Lyon and Nantes", doc)
	}
	lyon, nantes := doc.Matches[0], doc.Matches[1]
	if lyon.OrganisationID != f.lyon.ID || nantes.OrganisationID != f.nantes.ID || lyon.Rank != 1 || nantes.Rank != 2 ||
		lyon.Score <= nantes.Score || lyon.Max != nantes.Max || !lyon.Suitable || !lyon.Invited || nantes.Invited {
		t.Fatalf("ranking: got %+v then %+v; want Lyon (invited) above Nantes", lyon, nantes)
	}
	sum, keys := 0, []string{}
	for _, fa := range lyon.Factors {
		sum += fa.Points
		keys = append(keys, fa.Key)
		if fa.Message == "" || strings.Contains(fa.Message, "matching.") || strings.Contains(fa.Message, "%!") {
			t.Errorf("factor %s: message %q", fa.Key, fa.Message)
		}
	}
	if sum != lyon.Score || !slices.Contains(keys, "matching.factor.country_missions") || !slices.Contains(keys, "matching.factor.themes") {
		t.Errorf("Lyon's factors: got %v adding up to %d; want themes and missions, adding up to %d", keys, sum, lyon.Score)
	}
	c.call("GET", api, e.token(f.embassy), nil, http.StatusOK)
	c.call("GET", api, e.token(f.lyonMember), nil, http.StatusForbidden)
	c.call("GET", api, e.token(f.nantesMember), nil, http.StatusNotFound)
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d/matches", id+1000), e.token(f.officer), nil, http.StatusNotFound)
	c.anonymous("GET", api, nil)
	matchingCheckSeen(t, c)

	// The country pages list the labelled authorities with experience there.
	anon := e.client()
	b = wantPage(t, anon.get("/pays/SN"), http.StatusOK, "Métropole de Lyon", "Plan de sauvegarde de Saint-Louis")
	if strings.Contains(b, "Ville de Nantes") {
		t.Errorf("Nantes, without experience in Senegal, is on its page")
	}
	wantPage(t, anon.get("/pays/ML"), http.StatusOK, "Ville de Nantes", "Eau potable à Mopti")
}

// matchingCheckSeen fails for every answer the matching document lists
// that the test did not see, but internal errors.
func matchingCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "matching.json")
}
