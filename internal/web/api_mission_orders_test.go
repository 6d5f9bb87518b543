package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestMissionFollowupAPIContract(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	c := e.apiContract()
	officer, embassy, lyon, nantes := e.token(f.officer), e.token(f.embassy), e.token(f.lyonMember), e.token(f.nantesMember)

	c.anonymous("GET", "/api/v1/allowance-rates", nil)
	c.anonymous("POST", "/api/v1/allowance-rates", map[string]any{"country": "SN", "daily_cents": 1, "valid_from": "2027-01-01"})
	c.anonymous("GET", "/api/v1/programmes/1/envelope", nil)
	c.anonymous("PUT", "/api/v1/programmes/1/envelope", map[string]any{"amount_cents": 1, "reason": "Dotation."})
	c.anonymous("POST", "/api/v1/missions/1/order", map[string]any{"start": "2027-04-06", "end": "2027-04-15", "experts": []any{}})
	c.anonymous("POST", "/api/v1/missions/1/order/approval", map[string]any{"programme_id": 1})
	c.anonymous("GET", "/api/v1/mission-reports", nil)
	c.anonymous("POST", "/api/v1/missions/1/report", map[string]any{"findings": "x", "recommendations": "y"})
	c.anonymous("POST", "/api/v1/missions/1/evaluation", map[string]any{"rating": 3})

	// The rate table: officers keep it, embassies read it.
	rate := map[string]any{"country": "SN", "daily_cents": 20_000, "valid_from": "2027-01-01"}
	c.call("POST", "/api/v1/allowance-rates", embassy, rate, http.StatusForbidden)
	c.call("POST", "/api/v1/allowance-rates", officer, map[string]any{"country": "XX", "daily_cents": 0, "valid_from": "01/01/2027"}, http.StatusUnprocessableEntity)
	var added apiAllowanceRateDoc
	c.call("POST", "/api/v1/allowance-rates", officer, rate, http.StatusCreated).decode(&added)
	if added.Country != "SN" || added.DailyCents != 20_000 || added.ValidFrom != "2027-01-01" {
		t.Errorf("rate added: got %+v", added)
	}
	r := c.call("POST", "/api/v1/allowance-rates", officer, rate, http.StatusConflict)
	if msg := r.problem().Errors; len(msg) > 0 && !strings.Contains(msg[0].Message, "existe déjà") {
		t.Errorf("duplicate rate: got %+v", r.problem())
	}
	c.call("GET", "/api/v1/allowance-rates", lyon, nil, http.StatusForbidden)
	var rates apiList[apiAllowanceRateDoc]
	c.call("GET", "/api/v1/allowance-rates?country=sn", embassy, nil, http.StatusOK).decode(&rates)
	if len(rates.Items) != 1 {
		t.Errorf("rates: got %+v", rates)
	}

	// A request selected on Lyon's reply.
	var m apiMissionDoc
	c.call("POST", "/api/v1/missions", embassy, missionBody("SN"), http.StatusCreated).decode(&m)
	path := fmt.Sprintf("/api/v1/missions/%d", m.ID)
	order := map[string]any{"start": "2027-04-06", "end": "2027-04-15", "travel_cents": 150_000, "other_cents": 50_000,
		"experts": []map[string]any{{"name": "Anne Urbaniste", "days": 10}, {"name": "Paul Ingénieur", "days": 5}}}
	c.call("POST", path+"/order", officer, order, http.StatusConflict)
	c.call("POST", path+"/invitations", officer, map[string]any{"organisation_ids": []int64{f.lyon.ID}}, http.StatusCreated)
	reply := map[string]any{"organisation_id": f.lyon.ID, "interested": true, "experts": []map[string]any{
		{"name": "Anne Urbaniste", "role": "Cheffe de projet", "languages": []string{"fr"}, "availability": "Avril"},
		{"name": "Paul Ingénieur", "role": "Ingénieur", "languages": []string{"fr"}, "availability": "Avril"}}}
	var rep apiMissionReplyDoc
	c.call("POST", path+"/replies", lyon, reply, http.StatusCreated).decode(&rep)
	c.call("POST", path+"/selection", officer, map[string]any{"reply_id": rep.ID}, http.StatusOK)

	// The order: officers only; Nantes does not see the request.
	c.call("POST", path+"/order", embassy, order, http.StatusForbidden)
	c.call("POST", path+"/order", nantes, order, http.StatusNotFound)
	bad := map[string]any{"start": "2027-04-06", "end": "2027-04-05", "experts": []map[string]any{{"name": "Jean Dupont", "days": 2}}}
	r = c.call("POST", path+"/order", officer, bad, http.StatusUnprocessableEntity)
	if got := r.fields(); len(got) != 2 || got[0] != "end" || got[1] != "experts.0.name" {
		t.Errorf("bad order fields: got %v", got)
	}
	var o apiMissionOrderDoc
	c.call("POST", path+"/order", officer, order, http.StatusOK).decode(&o)
	if o.AllowanceCents != 300_000 || o.TotalCents != 500_000 || o.State != "draft" {
		t.Errorf("order: got %+v", o)
	}

	// The programme's envelope: officers set it, never below what is committed.
	p := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "PACT2"}}
	if err := e.db.CreateProgramme(t.Context(), p, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	env := fmt.Sprintf("/api/v1/programmes/%d/envelope", p.ID)
	approval := map[string]any{"programme_id": p.ID}
	c.call("GET", env, officer, nil, http.StatusNotFound)
	c.call("POST", path+"/order/approval", officer, approval, http.StatusNotFound)
	setTo := func(cents int64, reason string) map[string]any {
		return map[string]any{"amount_cents": cents, "reason": reason}
	}
	c.call("PUT", env, embassy, setTo(400_000, "Dotation initiale."), http.StatusForbidden)
	c.call("PUT", "/api/v1/programmes/999999/envelope", officer, setTo(400_000, "Dotation initiale."), http.StatusNotFound)
	c.call("PUT", env, officer, setTo(-1, "Dotation initiale."), http.StatusUnprocessableEntity)
	// A change needs its reason, as on the envelope's page.
	r = c.invalid("PUT", env, officer, map[string]any{"amount_cents": 400_000}, http.StatusUnprocessableEntity)
	if p := r.problem(); len(p.Errors) != 1 || p.Errors[0].Field != "reason" || !strings.Contains(p.Errors[0].Message, "motif") {
		t.Errorf("no reason: got %+v; want the reason asked for", p)
	}
	c.call("PUT", env, officer, setTo(400_000, "  "), http.StatusUnprocessableEntity)
	c.call("PUT", env, officer, setTo(400_000, " Dotation initiale. "), http.StatusOK)
	c.call("GET", env, embassy, nil, http.StatusForbidden)

	// Approval: officers only, within the envelope.
	c.call("POST", path+"/report", lyon, map[string]any{"findings": "Constats.", "recommendations": "Recommandations."}, http.StatusConflict)
	c.call("POST", path+"/order/approval", embassy, approval, http.StatusForbidden)
	r = c.call("POST", path+"/order/approval", officer, approval, http.StatusConflict)
	if msg := r.problem(); !strings.Contains(msg.Detail+fmt.Sprint(msg.Errors), "reste") {
		t.Errorf("insufficient envelope: got %+v", msg)
	}
	c.call("PUT", env, officer, setTo(1_000_000, "Abondement pour la mission au Sénégal."), http.StatusOK)
	changes, err := e.db.ProgrammeEnvelopeChanges(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].AmountCents != 1_000_000 || changes[0].Reason != "Abondement pour la mission au Sénégal." ||
		changes[1].AmountCents != 400_000 || changes[1].Reason != "Dotation initiale." || changes[0].By == "" {
		t.Errorf("the envelope's history: got %+v; want both changes with their reasons", changes)
	}
	c.call("POST", path+"/order/approval", officer, approval, http.StatusOK).decode(&o)
	if o.State != "approved" || o.ProgrammeID == nil || *o.ProgrammeID != p.ID {
		t.Errorf("approved: got %+v", o)
	}
	var b apiEnvelopeDoc
	c.call("GET", env, officer, nil, http.StatusOK).decode(&b)
	if b.CommittedCents != 500_000 || b.RemainingCents != 500_000 {
		t.Errorf("envelope: got %+v", b)
	}

	// The report: Lyon's members only, once.
	report := map[string]any{"findings": "Le schéma d'assainissement est à réviser.", "recommendations": "Créer une régie des eaux.", "follow_up": "Nouvelle mission en 2028."}
	c.call("POST", path+"/evaluation", embassy, map[string]any{"rating": 4}, http.StatusConflict)
	c.call("POST", path+"/report", embassy, report, http.StatusForbidden)
	c.call("POST", path+"/report", nantes, report, http.StatusNotFound)
	c.call("POST", path+"/report", lyon, map[string]any{"findings": " ", "recommendations": "x"}, http.StatusUnprocessableEntity)
	c.call("POST", path+"/report", lyon, report, http.StatusCreated)

	// Search, accents aside.
	c.call("GET", "/api/v1/mission-reports", lyon, nil, http.StatusForbidden)
	c.invalid("GET", "/api/v1/mission-reports?page=0", officer, nil, http.StatusUnprocessableEntity)
	var reports apiPage[apiMissionReportDoc]
	c.call("GET", "/api/v1/mission-reports?q=REGIE+schema&country=SN", embassy, nil, http.StatusOK).decode(&reports)
	if reports.Total != 1 || reports.Items[0].OrganisationName != "Métropole de Lyon" {
		t.Errorf("search: got %+v", reports)
	}
	// A labelled authority's members search too; Nantes has no label.
	grantLabel(t, e, f.lyonMember, f.lyon.ID, f.officer)
	c.call("GET", "/api/v1/mission-reports?q=regie", lyon, nil, http.StatusOK).decode(&reports)
	if reports.Total != 1 {
		t.Errorf("search by labelled Lyon: got %+v", reports)
	}
	c.call("GET", "/api/v1/mission-reports", nantes, nil, http.StatusForbidden)

	// The evaluation: the requesting embassy only.
	c.call("POST", path+"/evaluation", lyon, map[string]any{"rating": 4}, http.StatusForbidden)
	c.call("POST", path+"/evaluation", nantes, map[string]any{"rating": 4}, http.StatusNotFound)
	c.call("POST", path+"/evaluation", embassy, map[string]any{"rating": 6}, http.StatusUnprocessableEntity)
	c.call("POST", path+"/evaluation", embassy, map[string]any{"rating": 4, "comment": "Très utile."}, http.StatusCreated)

	missionFollowupCheckSeen(t, c)
}

// missionFollowupCheckSeen fails for every status the fragment documents
// that the test did not get.
func missionFollowupCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "mission_orders.json")
}
