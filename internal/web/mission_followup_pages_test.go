package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestMissionFollowupPages(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	ctx := t.Context()

	// The rate table: officers keep it, embassies read it, authorities do not.
	wantPage(t, f.officerC.post("/missions/indemnites", url.Values{"country": {"SN"}, "daily": {"abc"}, "valid_from": {"2027-01-01"}}),
		http.StatusUnprocessableEntity, `id="daily"`, `value="abc"`)
	wantStatus(t, "embassy adds a rate", f.embassyC.post("/missions/indemnites",
		url.Values{"country": {"SN"}, "daily": {"200"}, "valid_from": {"2027-01-01"}}), http.StatusForbidden)
	wantStatus(t, "officer adds a rate", f.officerC.post("/missions/indemnites",
		url.Values{"country": {"SN"}, "daily": {"200"}, "valid_from": {"2027-01-01"}}), http.StatusSeeOther)
	wantPage(t, f.embassyC.get("/missions/indemnites?pays=SN"), http.StatusOK, "Sénégal", "01/01/2027", "Sénégal</th><td>200")
	wantStatus(t, "authority reads the rates", f.lyonC.get("/missions/indemnites"), http.StatusForbidden)

	// A request for Senegal, Lyon invited, replying and selected.
	id := createdID(t, f.embassyC.post("/missions", missionForm("SN")))
	path := fmt.Sprintf("/missions/%d", id)
	wantStatus(t, "invite", f.officerC.post(path+"/invitations", url.Values{"organisation_ids": {strconv.FormatInt(f.lyon.ID, 10)}}), http.StatusSeeOther)
	wantStatus(t, "reply", f.lyonC.post(path+"/reponse", url.Values{"organisation_id": {strconv.FormatInt(f.lyon.ID, 10)}, "interested": {"yes"},
		"expert_name_1": {"Anne Urbaniste"}, "expert_role_1": {"Cheffe de projet"}, "expert_languages_1": {"fr"},
		"expert_availability_1": {"Avril"}}), http.StatusSeeOther)
	rec, err := e.db.MissionRequest(ctx, id)
	if err != nil || len(rec.Replies) != 1 {
		t.Fatalf("replies: %v %+v", err, rec)
	}
	wantStatus(t, "select", f.officerC.post(path+"/selection", url.Values{"reply_id": {strconv.FormatInt(rec.Replies[0].ID, 10)}}), http.StatusSeeOther)
	wantPage(t, f.lyonC.get(path), http.StatusOK, path+"/ordre", path+"/rapport")

	// The order: the officer draws it up; errors per field, the data kept.
	wantPage(t, f.officerC.get(path+"/ordre"), http.StatusOK, "Jours de Anne Urbaniste", `name="expert_days_0"`)
	wantPage(t, f.officerC.post(path+"/ordre", url.Values{"start": {"2027-04-06"}, "end": {"2027-04-05"}, "expert_days_0": {"2"},
		"travel": {"1 500"}, "other": {"x"}}), http.StatusUnprocessableEntity, `id="other-error"`, `value="1 500"`)
	wantPage(t, f.officerC.post(path+"/ordre", url.Values{"start": {"2027-04-06"}, "end": {"2027-04-05"}, "expert_days_0": {"2"}}),
		http.StatusUnprocessableEntity, "La date de fin précède la date de début.")
	order := url.Values{"start": {"2027-04-06"}, "end": {"2027-04-15"}, "expert_days_0": {"10"}, "travel": {"1 500"}, "other": {"500,00"}}
	wantStatus(t, "embassy saves the order", f.embassyC.post(path+"/ordre", order), http.StatusForbidden)
	wantStatus(t, "officer saves the order", f.officerC.post(path+"/ordre", order), http.StatusSeeOther)
	wantPage(t, f.lyonC.get(path+"/ordre"), http.StatusOK, "Ordre en projet", "2\u202f000", "4\u202f000", "15\u202f000")
	wantStatus(t, "Nantes reads the order", f.nantesC.get(path+"/ordre"), http.StatusNotFound)

	// Approval against the PACT2 envelope: officers only, within the balance.
	p := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "PACT2"}}
	if err := e.db.CreateProgramme(ctx, p, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	wantPage(t, f.officerC.post(path+"/ordre/approbation", nil), http.StatusConflict, "Aucune enveloppe")
	if err := e.db.ChangeProgrammeEnvelope(ctx, f.officer, p.ID, 300_000, "Dotation de l'exercice", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	wantPage(t, f.officerC.post(path+"/ordre/approbation", nil), http.StatusConflict, "il reste 3\u202f000")
	if err := e.db.ChangeProgrammeEnvelope(ctx, f.officer, p.ID, 1_000_000, "Dotation de l'exercice", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "embassy approves", f.embassyC.post(path+"/ordre/approbation", nil), http.StatusForbidden)
	wantStatus(t, "Lyon approves", f.lyonC.post(path+"/ordre/approbation", nil), http.StatusForbidden)
	wantStatus(t, "officer approves", f.officerC.post(path+"/ordre/approbation", nil), http.StatusSeeOther)
	wantPage(t, f.officerC.get(path+"/ordre?ok=approved"), http.StatusOK, "Ordre approuvé", "6\u202f000")

	// The report: Lyon's members only, once.
	report := url.Values{"findings": {"Le schéma d'assainissement est à réviser."}, "recommendations": {"Créer une régie des eaux."},
		"follow_up": {"Nouvelle mission en 2028."}}
	wantStatus(t, "Nantes files", f.nantesC.post(path+"/rapport", report), http.StatusNotFound)
	wantStatus(t, "embassy files", f.embassyC.post(path+"/rapport", report), http.StatusForbidden)
	wantPage(t, f.lyonC.get(path+"/rapport"), http.StatusOK, `name="findings"`)
	wantPage(t, f.lyonC.post(path+"/rapport", url.Values{"findings": {" "}, "recommendations": {"x"}}), http.StatusUnprocessableEntity,
		`id="findings-error"`)
	wantStatus(t, "Lyon files", f.lyonC.post(path+"/rapport", report), http.StatusSeeOther)
	wantStatus(t, "Lyon files again", f.lyonC.post(path+"/rapport", report), http.StatusConflict)

	// The evaluation: the requesting embassy only.
	wantStatus(t, "Lyon evaluates", f.lyonC.post(path+"/evaluation", url.Values{"rating": {"4"}}), http.StatusForbidden)
	wantPage(t, f.embassyC.get(path+"/rapport"), http.StatusOK, "régie des eaux", `type="radio"`)
	wantPage(t, f.embassyC.post(path+"/evaluation", url.Values{"rating": {"9"}}), http.StatusUnprocessableEntity, "Donnez une note de 1 à 5.")
	wantStatus(t, "embassy evaluates", f.embassyC.post(path+"/evaluation", url.Values{"rating": {"4"}, "comment": {"Très utile."}}), http.StatusSeeOther)
	wantPage(t, f.lyonC.get(path+"/rapport"), http.StatusOK, "Note : 4 sur 5", "Très utile.")

	// The search of reports, accents aside.
	wantPage(t, f.embassyC.get("/missions/rapports?q=REGIE&pays=SN"), http.StatusOK, "1 rapport(s)", "Métropole de Lyon", path+"/rapport")
	wantPage(t, f.officerC.get("/missions/rapports?q=introuvable"), http.StatusOK, "0 rapport(s)")
	wantPage(t, f.officerC.get("/missions/rapports?pays=ZZ"), http.StatusUnprocessableEntity, `id="pays-error"`)
	wantStatus(t, "Lyon searches", f.lyonC.get("/missions/rapports"), http.StatusForbidden)

	// Once Lyon holds a valid label, its members search the reports too;
	// Nantes, without one, still may not.
	grantLabel(t, e, f.lyonMember, f.lyon.ID, f.officer)
	wantPage(t, f.lyonC.get("/missions/rapports?q=schema+assainis"), http.StatusOK, "1 rapport(s)", path+"/rapport")
	wantStatus(t, "Nantes searches", f.nantesC.get("/missions/rapports"), http.StatusForbidden)

	// The envelope's page: officers only; never below what is committed,
	// always with a reason; the ledger lists the approved order.
	wantPage(t, f.officerC.get("/missions/indemnites"), http.StatusOK, `href="/missions/enveloppe"`)
	wantPage(t, f.officerC.get("/missions/enveloppe"), http.StatusOK, "10\u202f000", "4\u202f000", "6\u202f000",
		fmt.Sprintf("Mission n° %d", id), "Métropole de Lyon")
	for who, c := range map[string]*client{"embassy": f.embassyC, "Lyon": f.lyonC} {
		wantStatus(t, who+" reads the envelope", c.get("/missions/enveloppe"), http.StatusForbidden)
		wantStatus(t, who+" sets the envelope", c.post("/missions/enveloppe", url.Values{"amount": {"20 000"}, "reason": {"x"}}), http.StatusForbidden)
	}
	wantStatus(t, "anonymous reads the envelope", f.anonymous.get("/missions/enveloppe"), http.StatusSeeOther)
	wantPage(t, f.officerC.post("/missions/enveloppe", url.Values{"amount": {"3 000"}, "reason": {"Réduction"}}), http.StatusUnprocessableEntity,
		`id="amount-error"`, "ne peut pas être inférieure aux 4\u202f000", `value="3 000"`)
	wantPage(t, f.officerC.post("/missions/enveloppe", url.Values{"amount": {"20 000"}, "reason": {" "}}), http.StatusUnprocessableEntity,
		`id="reason-error"`, "Indiquez le motif")
	wantPage(t, f.officerC.post("/missions/enveloppe", url.Values{"amount": {""}, "reason": {"x"}}), http.StatusUnprocessableEntity,
		`id="amount-error"`)
	wantStatus(t, "officer raises the envelope", f.officerC.post("/missions/enveloppe",
		url.Values{"amount": {"20 000"}, "reason": {"Dotation complémentaire 2027"}}), http.StatusSeeOther)
	wantPage(t, f.officerC.get("/missions/enveloppe?ok=set"), http.StatusOK, "16\u202f000", "Dotation complémentaire 2027")
	if b, err := e.db.ProgrammeBalance(ctx, p.ID); err != nil || b.AmountCents != 2_000_000 {
		t.Errorf("envelope after the page: got %+v, %v; want 20 000 €", b, err)
	}
}

// grantLabel takes an application of orgID, made by member, through to a
// granted label.
func grantLabel(t *testing.T, e *testEnv, member *coopdec.User, orgID int64, officer *coopdec.User) {
	t.Helper()
	ctx := t.Context()
	u, err := e.db.UserByID(ctx, member.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := &coopdec.LabelApplication{OrganisationID: orgID,
		Competencies: coopdec.LabelCompetencies{Themes: []string{"water_sanitation"}, Description: "Régie publique de l'eau", Methods: "Compagnonnage"},
		References: []coopdec.LabelReference{{Title: "Eau potable à Saint-Louis", Kind: coopdec.ReferenceProject, Country: "SN",
			FromYear: 2015, Results: "12 forages"}},
		Conditions: coopdec.LabelConditions{Staff: "2 ingénieurs", Languages: []string{"fr"}, MinDurationDays: 5, SelfCovered: "Salaires"}}
	if err := e.db.CreateLabelApplication(ctx, u, a, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SubmitLabelApplication(ctx, u, a.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ReviewLabel(ctx, nil, officer, a.ID, coopdec.LabelActionGrant, "", coopdec.LabelValidityYears, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
}
