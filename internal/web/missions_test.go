package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// missionFixture is an officer, the embassy in Senegal with one of its
// staff, and two French local authorities with one member each.
type missionFixture struct {
	e                         *testEnv
	officer, embassy          *coopdec.User
	lyonMember, nantesMember  *coopdec.User
	senegal, lyon, nantes     *coopdec.Organisation
	officerC, embassyC        *client
	lyonC, nantesC, anonymous *client
}

func newMissionFixture(t *testing.T) *missionFixture {
	t.Helper()
	e := newTestEnv(t)
	f := &missionFixture{e: e}
	f.senegal = e.org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Sénégal", Country: "SN"})
	f.lyon = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Métropole de Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityEPCI, SIREN: "200046977"})
	f.nantes = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Ville de Nantes", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "214401093"})
	f.officer = e.user("agent@diplomatie.gouv.fr", coopdec.RoleOfficer)
	f.embassy = e.user("ambassade.sn@example.org", coopdec.RoleEmbassy)
	e.member(f.embassy, f.senegal, coopdec.MemberRoleMember)
	f.lyonMember = e.user("lyon@example.org")
	e.member(f.lyonMember, f.lyon, coopdec.MemberRoleMember)
	f.nantesMember = e.user("nantes@example.org")
	e.member(f.nantesMember, f.nantes, coopdec.MemberRoleMember)
	f.officerC = e.client().login(f.officer.Email)
	f.embassyC = e.client().login(f.embassy.Email)
	f.lyonC = e.client().login(f.lyonMember.Email)
	f.nantesC = e.client().login(f.nantesMember.Email)
	f.anonymous = e.client()
	return f
}

func missionForm(country string) url.Values {
	return url.Values{"country": {country}, "partner_name": {"Commune de Saint-Louis"}, "themes": {"urban_development", "culture"},
		"need": {"Appui à la planification urbaine du centre historique."}, "from": {"2027-03-01"}, "to": {"2027-06-30"},
		"duration_days": {"10"}, "languages": {"fr, wo"}, "budget": {"15 000"}}
}

// wantPage fails unless res has status and its body contains every text.
func wantPage(t *testing.T, res *http.Response, status int, texts ...string) string {
	t.Helper()
	b := body(t, res)
	if res.StatusCode != status {
		t.Fatalf("%s: got status %d; want %d\n%.2000s", res.Request.URL.Path, res.StatusCode, status, b)
	}
	for _, x := range texts {
		if !strings.Contains(b, x) {
			t.Errorf("%s: page lacks %q", res.Request.URL.Path, x)
		}
	}
	return b
}

// createdID reads the request's ID from a redirect to its page.
func createdID(t *testing.T, res *http.Response) int64 {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("got status %d; want 303\n%.2000s", res.StatusCode, body(t, res))
	}
	loc := strings.TrimPrefix(res.Header.Get("Location"), "/missions/")
	id, err := strconv.ParseInt(strings.SplitN(loc, "?", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("Location %q: %v", res.Header.Get("Location"), err)
	}
	return id
}

func TestMissionPagesFlow(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	e.startJobs()

	// Anonymous visitors are sent to log in.
	if res := f.anonymous.get("/missions"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
		t.Fatalf("anonymous /missions: got %d %s; want 303 to /connexion", res.StatusCode, res.Header.Get("Location"))
	}
	if res := f.anonymous.post("/missions", missionForm("SN")); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous POST /missions: got %d; want 401", res.StatusCode)
	}

	// Validation messages in French, the data kept.
	wantPage(t, f.embassyC.post("/missions", url.Values{"partner_name": {"Commune de Saint-Louis"}, "budget": {"abc"}}),
		http.StatusUnprocessableEntity, "Choisissez le pays de la mission.", "Choisissez au moins un thème.",
		"Indiquez la date de début de la période.", "Indiquez au moins une langue de travail.", `value="Commune de Saint-Louis"`)
	wantPage(t, f.embassyC.post("/missions", missionForm("ML")), http.StatusUnprocessableEntity,
		"Une ambassade ne peut demander une mission que pour son propre pays.")
	// A local authority's member may not request.
	if res := f.lyonC.post("/missions", missionForm("SN")); res.StatusCode != http.StatusForbidden {
		t.Fatalf("authority requests: got %d; want 403", res.StatusCode)
	}

	id := createdID(t, f.embassyC.post("/missions", missionForm("SN")))
	path := fmt.Sprintf("/missions/%d", id)
	wantPage(t, f.embassyC.get(path+"?ok=created"), http.StatusOK, "Commune de Saint-Louis", "La demande de mission est enregistrée.")
	wantPage(t, f.embassyC.get("/missions?country=SN"), http.StatusOK, "Commune de Saint-Louis")
	// The officer's own request, for Mali, is not in the embassy's list.
	officerID := createdID(t, f.officerC.post("/missions", missionForm("ML")))
	b := wantPage(t, f.embassyC.get("/missions"), http.StatusOK)
	if strings.Contains(b, fmt.Sprintf("/missions/%d\"", officerID)) {
		t.Error("the embassy in Senegal lists the request for Mali")
	}
	if res := f.embassyC.get(fmt.Sprintf("/missions/%d", officerID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("embassy reads Mali's request: got %d; want 404", res.StatusCode)
	}
	wantPage(t, f.officerC.get("/missions?theme=culture&state=open"), http.StatusOK, "2 demande(s)")
	wantPage(t, f.officerC.get("/missions?state=nope"), http.StatusUnprocessableEntity, "Choisissez un état dans la liste.")

	// The officer finds Lyon by name and invites it; its member is told.
	wantPage(t, f.officerC.get(path+"?q=lyon"), http.StatusOK, "Métropole de Lyon", fmt.Sprintf(`value="%d"`, f.lyon.ID))
	wantPage(t, f.officerC.post(path+"/invitations", url.Values{"organisation_ids": {strconv.FormatInt(f.senegal.ID, 10)}}),
		http.StatusUnprocessableEntity, "n&#39;est pas une collectivité territoriale française")
	if res := f.embassyC.post(path+"/invitations", url.Values{"organisation_ids": {strconv.FormatInt(f.lyon.ID, 10)}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("embassy invites: got %d; want 403", res.StatusCode)
	}
	if res := f.officerC.post(path+"/invitations", url.Values{"organisation_ids": {strconv.FormatInt(f.lyon.ID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	m := e.waitMail(f.lyonMember.Email, path+"/reponse")
	if !strings.Contains(m.Subject, "Métropole de Lyon") || !strings.Contains(m.Text, "Appui à la planification urbaine") {
		t.Errorf("invitation email: got %q\n%s", m.Subject, m.Text)
	}

	// Nantes was not invited: nothing to see, nothing to reply.
	for _, p := range []string{path, path + "/reponse"} {
		if res := f.nantesC.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("Nantes GET %s: got %d; want 404", p, res.StatusCode)
		}
	}
	reply := url.Values{"organisation_id": {strconv.FormatInt(f.nantes.ID, 10)}, "interested": {"yes"},
		"expert_name_1": {"Anne Urbaniste"}, "expert_role_1": {"Cheffe de projet"}, "expert_languages_1": {"fr, en"},
		"expert_availability_1": {"Avril et mai"}}
	if res := f.nantesC.post(path+"/reponse", reply); res.StatusCode != http.StatusNotFound {
		t.Errorf("Nantes replies: got %d; want 404", res.StatusCode)
	}
	if b := wantPage(t, f.nantesC.get("/collectivite/missions"), http.StatusOK); strings.Contains(b, "Saint-Louis") {
		t.Error("Nantes's page lists the request it was not invited to")
	}
	// Lyon's member may not reply for Nantes.
	if res := f.lyonC.post(path+"/reponse", reply); res.StatusCode != http.StatusForbidden {
		t.Errorf("Lyon replies for Nantes: got %d; want 403", res.StatusCode)
	}
	wantPage(t, f.lyonC.get("/collectivite/missions"), http.StatusOK, "Commune de Saint-Louis", path+"/reponse")
	wantPage(t, f.lyonC.get(path+"/reponse"), http.StatusOK, "Réponse au nom de Métropole de Lyon.")
	reply.Set("organisation_id", strconv.FormatInt(f.lyon.ID, 10))
	wantPage(t, f.lyonC.post(path+"/reponse", url.Values{"organisation_id": reply["organisation_id"], "interested": {"yes"}}),
		http.StatusUnprocessableEntity, "Proposez au moins un expert.")
	if res := f.lyonC.post(path+"/reponse", reply); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Lyon replies: got %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	e.waitMail(f.embassy.Email, "Métropole de Lyon")
	wantPage(t, f.lyonC.get(path), http.StatusOK, "Anne Urbaniste")

	// The officer selects Lyon's reply.
	rec, err := e.db.MissionRequest(context.Background(), id)
	if err != nil || len(rec.Replies) != 1 {
		t.Fatalf("replies: got %v, %v", rec, err)
	}
	wantPage(t, f.officerC.get(path), http.StatusOK, "Anne Urbaniste", "Cheffe de projet", "Retenir Métropole de Lyon")
	if res := f.embassyC.post(path+"/selection", url.Values{"reply_id": {strconv.FormatInt(rec.Replies[0].ID, 10)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("embassy selects: got %d; want 403", res.StatusCode)
	}
	if res := f.officerC.post(path+"/selection", url.Values{"reply_id": {strconv.FormatInt(rec.Replies[0].ID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("select: got %d; want 303\n%s", res.StatusCode, body(t, res))
	}
	wantPage(t, f.embassyC.get(path), http.StatusOK, "Collectivité retenue (close)", "mission confiée à Métropole de Lyon")
	wantPage(t, f.officerC.post(path+"/selection", url.Values{"reply_id": {strconv.FormatInt(rec.Replies[0].ID, 10)}}),
		http.StatusConflict, "Cette demande est close")
}

func TestMissionProposalPages(t *testing.T) {
	f := newMissionFixture(t)
	if res := f.officerC.get("/missions/proposer"); res.StatusCode != http.StatusForbidden {
		t.Errorf("officer proposes: got %d; want 403", res.StatusCode)
	}
	wantPage(t, f.lyonC.get("/missions/proposer"), http.StatusOK, "Proposition au nom de Métropole de Lyon.")
	bad := missionForm("SN")
	bad.Set("to", "2027-02-01")
	wantPage(t, f.lyonC.post("/missions/proposer", bad), http.StatusUnprocessableEntity, "La fin de la période précède son début.")
	for _, country := range []string{"SN", "MA"} {
		form := missionForm(country)
		form.Set("organisation_id", strconv.FormatInt(f.lyon.ID, 10))
		if res := f.lyonC.post("/missions/proposer", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: got %d; want 303\n%s", res.StatusCode, body(t, res))
		}
	}
	if res := f.lyonC.get("/missions/propositions"); res.StatusCode != http.StatusForbidden {
		t.Errorf("member reviews: got %d; want 403", res.StatusCode)
	}
	list, _, err := f.e.db.ListMissionProposals(context.Background(), sqldb.ProposalFilter{All: true}, coopdec.NewPage(1, 10))
	if err != nil || len(list) != 2 {
		t.Fatalf("proposals: got %d, %v", len(list), err)
	}
	morocco, senegal := list[0], list[1]
	wantPage(t, f.officerC.get("/missions/propositions"), http.StatusOK, "2 proposition(s)", "Métropole de Lyon")
	wantPage(t, f.officerC.post(fmt.Sprintf("/missions/propositions/%d/examen", morocco.ID), url.Values{"decision": {"decline"}}),
		http.StatusUnprocessableEntity, "Ce champ est obligatoire.")
	if res := f.officerC.post(fmt.Sprintf("/missions/propositions/%d/examen", morocco.ID),
		url.Values{"decision": {"decline"}, "reason": {"Hors des priorités de l'ambassade."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decline: got %d", res.StatusCode)
	}
	reqID := createdID(t, f.officerC.post(fmt.Sprintf("/missions/propositions/%d/examen", senegal.ID), url.Values{"decision": {"accept"}}))
	wantPage(t, f.lyonC.get(fmt.Sprintf("/missions/%d", reqID)), http.StatusOK, "mission confiée à Métropole de Lyon")
	wantPage(t, f.lyonC.get("/collectivite/missions"), http.StatusOK, "Déclinée", "Hors des priorités de l&#39;ambassade.", "Acceptée")
	if res := f.nantesC.get(fmt.Sprintf("/missions/%d", reqID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("Nantes reads Lyon's mission: got %d; want 404", res.StatusCode)
	}
}
