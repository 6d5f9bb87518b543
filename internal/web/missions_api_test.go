package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func missionBody(country string) map[string]any {
	return map[string]any{"country": country, "partner_name": "Commune de Saint-Louis", "themes": []string{"urban_development"},
		"need": "Appui à la planification urbaine.", "from": "2027-03-01", "to": "2027-06-30", "duration_days": 10,
		"languages": []string{"fr", "wo"}, "budget_cents": 1_500_000}
}

func TestMissionAPIContract(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	e.startJobs()
	c := e.apiContract()
	officer, embassy, lyon, nantes := e.token(f.officer), e.token(f.embassy), e.token(f.lyonMember), e.token(f.nantesMember)

	c.anonymous("GET", "/api/v1/missions", nil)
	c.anonymous("POST", "/api/v1/missions", missionBody("SN"))
	c.anonymous("GET", "/api/v1/missions/1", nil)
	c.anonymous("POST", "/api/v1/missions/1/invitations", map[string]any{"organisation_ids": []int64{1}})
	c.anonymous("POST", "/api/v1/missions/1/replies", map[string]any{"organisation_id": 1, "interested": false})
	c.anonymous("POST", "/api/v1/missions/1/selection", map[string]any{"reply_id": 1})
	c.anonymous("GET", "/api/v1/mission-proposals", nil)
	c.anonymous("POST", "/api/v1/mission-proposals", missionBody("SN"))
	c.anonymous("POST", "/api/v1/mission-proposals/1/review", map[string]any{"decision": "accept"})

	// Requests: refused to an authority, to an embassy for another
	// country; bad input answered field by field, in French.
	c.call("POST", "/api/v1/missions", lyon, missionBody("SN"), http.StatusForbidden)
	r := c.call("POST", "/api/v1/missions", embassy, missionBody("ML"), http.StatusUnprocessableEntity)
	if p := r.problem(); len(p.Errors) != 1 || p.Errors[0].Field != "country" || !strings.Contains(p.Errors[0].Message, "son propre pays") {
		t.Errorf("embassy for Mali: got %+v", p)
	}
	bad := missionBody("SN")
	bad["from"], bad["duration_days"], bad["languages"] = "01/03/2027", 0, []string{"français"}
	r = c.call("POST", "/api/v1/missions", embassy, bad, http.StatusUnprocessableEntity)
	if got := r.fields(); !slices.Equal(got, []string{"from", "duration_days", "languages"}) {
		t.Errorf("bad request fields: got %v", got)
	}
	if msg := r.problem().Errors[0].Message; !strings.Contains(msg, "AAAA-MM-JJ") {
		t.Errorf("date message: got %q", msg)
	}
	var m apiMissionDoc
	c.call("POST", "/api/v1/missions", embassy, missionBody("SN"), http.StatusCreated).decode(&m)
	if m.State != "open" || m.EmbassyOrganisationID == nil || *m.EmbassyOrganisationID != f.senegal.ID {
		t.Fatalf("created: got %+v", m)
	}
	var mali apiMissionDoc
	c.call("POST", "/api/v1/missions", officer, missionBody("ML"), http.StatusCreated).decode(&mali)
	c.invalid("GET", "/api/v1/missions?state=nope", officer, nil, http.StatusUnprocessableEntity)
	var page apiPage[apiMissionDoc]
	c.call("GET", "/api/v1/missions", embassy, nil, http.StatusOK).decode(&page)
	if page.Total != 1 || page.Items[0].ID != m.ID {
		t.Errorf("embassy's list: got %+v", page)
	}
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d", mali.ID), embassy, nil, http.StatusNotFound)
	path := fmt.Sprintf("/api/v1/missions/%d", m.ID)

	// Invitations: officers only, French local authorities only.
	c.call("POST", path+"/invitations", embassy, map[string]any{"organisation_ids": []int64{f.lyon.ID}}, http.StatusForbidden)
	c.call("POST", path+"/invitations", officer, map[string]any{"organisation_ids": []int64{f.senegal.ID}}, http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/missions/999999/invitations", officer, map[string]any{"organisation_ids": []int64{f.lyon.ID}}, http.StatusNotFound)
	c.call("POST", path+"/invitations", officer, map[string]any{"organisation_ids": []int64{f.lyon.ID}}, http.StatusCreated)
	c.call("POST", path+"/invitations", officer, map[string]any{"organisation_ids": []int64{f.lyon.ID}}, http.StatusConflict)
	e.waitMail(f.lyonMember.Email, fmt.Sprintf("/missions/%d/reponse", m.ID))

	// Nantes was not invited: it does not see the request.
	c.call("GET", path, nantes, nil, http.StatusNotFound)
	reply := map[string]any{"organisation_id": f.nantes.ID, "interested": true,
		"experts": []map[string]any{{"name": "Anne Urbaniste", "role": "Cheffe de projet", "languages": []string{"fr", "en"}, "availability": "Avril"}}}
	c.call("POST", path+"/replies", nantes, reply, http.StatusNotFound)
	c.call("GET", "/api/v1/missions", nantes, nil, http.StatusOK).decode(&page)
	if page.Total != 0 {
		t.Errorf("Nantes's list: got %d requests; want 0", page.Total)
	}
	// Lyon's member may not reply for Nantes; an interested reply needs experts.
	c.call("POST", path+"/replies", lyon, reply, http.StatusForbidden)
	c.call("POST", path+"/replies", lyon, map[string]any{"organisation_id": f.lyon.ID, "interested": true}, http.StatusUnprocessableEntity)
	reply["organisation_id"] = f.lyon.ID
	var rep apiMissionReplyDoc
	c.call("POST", path+"/replies", lyon, reply, http.StatusCreated).decode(&rep)
	c.call("POST", path+"/replies", lyon, reply, http.StatusConflict)
	e.waitMail(f.embassy.Email, "Métropole de Lyon")
	var seen apiMissionDoc
	c.call("GET", path, lyon, nil, http.StatusOK).decode(&seen)
	if len(seen.Replies) != 1 || seen.Replies[0].Experts[0].Name != "Anne Urbaniste" {
		t.Errorf("Lyon reads its reply: got %+v", seen.Replies)
	}

	// Selection.
	c.call("POST", path+"/selection", embassy, map[string]any{"reply_id": rep.ID}, http.StatusForbidden)
	c.call("POST", path+"/selection", officer, map[string]any{"reply_id": rep.ID}, http.StatusOK).decode(&seen)
	if seen.State != "selected" || seen.AuthorityOrganisationID == nil || *seen.AuthorityOrganisationID != f.lyon.ID {
		t.Errorf("selected: got %+v", seen)
	}
	c.call("POST", path+"/selection", officer, map[string]any{"reply_id": rep.ID}, http.StatusConflict)
	c.call("POST", path+"/invitations", officer, map[string]any{"organisation_ids": []int64{f.nantes.ID}}, http.StatusConflict)
	c.call("POST", path+"/replies", lyon, reply, http.StatusConflict)

	// Proposals.
	prop := missionBody("MA")
	prop["organisation_id"] = f.lyon.ID
	c.call("POST", "/api/v1/mission-proposals", officer, prop, http.StatusForbidden)
	c.call("POST", "/api/v1/mission-proposals", nantes, prop, http.StatusUnprocessableEntity)
	var declined, accepted apiProposalDoc
	c.call("POST", "/api/v1/mission-proposals", lyon, prop, http.StatusCreated).decode(&declined)
	prop["country"] = "SN"
	c.call("POST", "/api/v1/mission-proposals", lyon, prop, http.StatusCreated).decode(&accepted)
	var props apiPage[apiProposalDoc]
	c.call("GET", "/api/v1/mission-proposals", nantes, nil, http.StatusOK).decode(&props)
	if props.Total != 0 {
		t.Errorf("Nantes's proposals: got %d; want 0", props.Total)
	}
	c.call("GET", "/api/v1/mission-proposals?state=pending", officer, nil, http.StatusOK).decode(&props)
	if props.Total != 2 {
		t.Errorf("pending proposals: got %d; want 2", props.Total)
	}
	review := func(id int64) string { return fmt.Sprintf("/api/v1/mission-proposals/%d/review", id) }
	c.call("POST", review(declined.ID), lyon, map[string]any{"decision": "accept"}, http.StatusForbidden)
	c.call("POST", review(999999), officer, map[string]any{"decision": "accept"}, http.StatusNotFound)
	r = c.call("POST", review(declined.ID), officer, map[string]any{"decision": "decline"}, http.StatusUnprocessableEntity)
	if got := r.fields(); !slices.Equal(got, []string{"reason"}) {
		t.Errorf("decline without reason: got fields %v", got)
	}
	c.call("POST", review(declined.ID), officer, map[string]any{"decision": "decline", "reason": "Hors des priorités."}, http.StatusOK).decode(&declined)
	if declined.State != "declined" || declined.Reason != "Hors des priorités." || declined.RequestID != nil {
		t.Errorf("declined: got %+v", declined)
	}
	c.call("POST", review(accepted.ID), officer, map[string]any{"decision": "accept"}, http.StatusOK).decode(&accepted)
	if accepted.State != "accepted" || accepted.RequestID == nil {
		t.Fatalf("accepted: got %+v", accepted)
	}
	c.call("POST", review(accepted.ID), officer, map[string]any{"decision": "decline", "reason": "Non."}, http.StatusConflict)
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d", *accepted.RequestID), lyon, nil, http.StatusOK).decode(&seen)
	if seen.AuthorityOrganisationID == nil || *seen.AuthorityOrganisationID != f.lyon.ID || seen.State != "selected" {
		t.Errorf("request from the proposal: got %+v", seen)
	}
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d", *accepted.RequestID), nantes, nil, http.StatusNotFound)

	// Cancellation: the embassy its own request, with a reason; not the
	// invited authority, not a request already selected.
	why := map[string]any{"reason": "La commune a reporté son projet."}
	c.anonymous("POST", "/api/v1/missions/1/cancel", why)
	var open apiMissionDoc
	c.call("POST", "/api/v1/missions", embassy, missionBody("SN"), http.StatusCreated).decode(&open)
	cancel := fmt.Sprintf("/api/v1/missions/%d/cancel", open.ID)
	c.call("POST", fmt.Sprintf("/api/v1/missions/%d/invitations", open.ID), officer, map[string]any{"organisation_ids": []int64{f.lyon.ID}}, http.StatusCreated)
	c.call("POST", cancel, lyon, why, http.StatusForbidden)
	c.call("POST", cancel, nantes, why, http.StatusNotFound)
	c.call("POST", fmt.Sprintf("/api/v1/missions/%d/cancel", mali.ID), embassy, why, http.StatusNotFound)
	r = c.call("POST", cancel, embassy, map[string]any{"reason": " "}, http.StatusUnprocessableEntity)
	if got := r.fields(); !slices.Equal(got, []string{"reason"}) {
		t.Errorf("cancel without reason: got fields %v", got)
	}
	c.call("POST", cancel, embassy, why, http.StatusOK).decode(&seen)
	if seen.State != "cancelled" || seen.Cancellation == nil || seen.Cancellation.Reason != "La commune a reporté son projet." {
		t.Errorf("cancelled: got %+v", seen)
	}
	e.waitMail(f.lyonMember.Email, "La commune a reporté son projet.")
	c.call("GET", fmt.Sprintf("/api/v1/missions/%d", open.ID), lyon, nil, http.StatusOK).decode(&seen)
	if seen.Cancellation == nil || seen.Cancellation.CancelledAt == "" {
		t.Errorf("the invited authority reads the cancellation: got %+v", seen.Cancellation)
	}
	c.call("POST", cancel, officer, why, http.StatusConflict)
	r = c.call("POST", path+"/cancel", officer, why, http.StatusConflict)
	if msg := r.problem().Detail; !strings.Contains(msg, "une collectivité a été retenue") {
		t.Errorf("cancelling a selected request: got %q; want it to say an authority was selected", msg)
	}

	missionCheckSeen(t, c)
}

// missionCheckSeen fails for every answer the missions document lists that
// the test did not see, but internal errors.
func missionCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "missions.json")
}
