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
)

// The cancellation of a request from its page: the form for those who may
// cancel, the reason required, the invited authorities told in their
// language, and refusals to the others.
func TestMissionCancelPages(t *testing.T) {
	f := newMissionFixture(t)
	e := f.e
	e.startJobs()
	ctx := context.Background()
	mali := e.org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Mali", Country: "ML"})
	maliStaff := e.user("ambassade.ml@example.org", coopdec.RoleEmbassy)
	e.member(maliStaff, mali, coopdec.MemberRoleMember)
	maliC := e.client().login(maliStaff.Email)
	// Nantes's member reads English: the email comes in English.
	if err := e.db.SetLanguage(ctx, f.nantesMember.ID, "en", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}

	id := createdID(t, f.embassyC.post("/missions", missionForm("SN")))
	path := fmt.Sprintf("/missions/%d", id)
	ids := url.Values{"organisation_ids": {strconv.FormatInt(f.lyon.ID, 10), strconv.FormatInt(f.nantes.ID, 10)}}
	if res := f.officerC.post(path+"/invitations", ids); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d; want 303", res.StatusCode)
	}

	// The embassy that made it and the officer see the form; the invited
	// authority does not, and is refused.
	wantPage(t, f.embassyC.get(path), http.StatusOK, "Annuler la demande", `action="/missions/`+strconv.FormatInt(id, 10)+`/annulation"`)
	wantPage(t, f.officerC.get(path), http.StatusOK, "Annuler la demande")
	if b := wantPage(t, f.lyonC.get(path), http.StatusOK); strings.Contains(b, "/annulation") {
		t.Error("the invited authority is offered the cancellation")
	}
	reason := url.Values{"reason": {"La commune a obtenu un financement européen pour ce projet."}}
	if res := f.lyonC.post(path+"/annulation", reason); res.StatusCode != http.StatusForbidden {
		t.Errorf("authority cancels: got %d; want 403", res.StatusCode)
	}
	// Another embassy does not see the request at all.
	if res := maliC.post(path+"/annulation", reason); res.StatusCode != http.StatusNotFound {
		t.Errorf("another embassy cancels: got %d; want 404", res.StatusCode)
	}
	if res := f.anonymous.post(path+"/annulation", reason); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous cancels: got %d; want 401", res.StatusCode)
	}

	// Without a reason: the form again, the error on the field.
	b := wantPage(t, f.embassyC.post(path+"/annulation", url.Values{"reason": {"  "}}), http.StatusUnprocessableEntity, `id="reason-error"`)
	if !strings.Contains(b, `aria-invalid="true"`) {
		t.Error("the reason field is not marked invalid")
	}
	if rec, err := e.db.MissionRequest(ctx, id); err != nil || rec.Request.State != coopdec.MissionInvited {
		t.Fatalf("after a refused cancellation: got %+v, %v; want still invited", rec, err)
	}

	res := f.embassyC.post(path+"/annulation", reason)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?ok=cancelled" {
		t.Fatalf("cancel: got %d %s; want 303 to %s?ok=cancelled\n%s", res.StatusCode, res.Header.Get("Location"), path, body(t, res))
	}
	b = wantPage(t, f.embassyC.get(path+"?ok=cancelled"), http.StatusOK, "La demande est annulée", "Annulée",
		"Motif : La commune a obtenu un financement européen pour ce projet.")
	if strings.Contains(b, "/annulation") {
		t.Error("a cancelled request still offers the cancellation")
	}
	// The invited authorities read the reason too.
	wantPage(t, f.lyonC.get(path), http.StatusOK, "La commune a obtenu un financement européen")
	m := e.waitMail(f.lyonMember.Email, "La commune a obtenu un financement européen")
	if !strings.Contains(m.Subject, "annulée") || !strings.Contains(m.Text, "Métropole de Lyon") || !strings.Contains(m.Text, path) {
		t.Errorf("French email: got %q\n%s", m.Subject, m.Text)
	}
	m = e.waitMail(f.nantesMember.Email, "La commune a obtenu un financement européen")
	if !strings.Contains(m.Subject, "cancelled") || !strings.Contains(m.Text, "Reason:") {
		t.Errorf("English email: got %q\n%s", m.Subject, m.Text)
	}
	wantPage(t, f.officerC.post(path+"/annulation", reason), http.StatusConflict, "Cette demande est déjà annulée.")

	// The officer's request once an authority is selected: 409, said plainly.
	sel := createdID(t, f.officerC.post("/missions", missionForm("SN")))
	spath := fmt.Sprintf("/missions/%d", sel)
	if res := f.officerC.post(spath+"/invitations", url.Values{"organisation_ids": {strconv.FormatInt(f.lyon.ID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d; want 303\n%.1500s", res.StatusCode, body(t, res))
	}
	rep := &coopdec.MissionReply{Interested: true, Experts: []coopdec.MissionExpert{{Name: "Anne Urbaniste"}}}
	lyonMember, err := e.db.UserByID(ctx, f.lyonMember.ID) // with its memberships
	if err != nil {
		t.Fatal(err)
	}
	lv, err := e.db.MissionViewer(ctx, lyonMember)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ReplyToMission(ctx, nil, lv, sel, f.lyon.ID, rep, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	// The embassy follows the ministry's request in its country but did
	// not make it: no form, and a refusal.
	if b := wantPage(t, f.embassyC.get(spath), http.StatusOK); strings.Contains(b, "/annulation") {
		t.Error("the embassy is offered the cancellation of the ministry's request")
	}
	if res := f.embassyC.post(spath+"/annulation", reason); res.StatusCode != http.StatusForbidden {
		t.Errorf("embassy cancels the ministry's request: got %d; want 403", res.StatusCode)
	}
	if res := f.officerC.post(spath+"/selection", url.Values{"reply_id": {strconv.FormatInt(rep.ID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("select: got %d; want 303", res.StatusCode)
	}
	if b := wantPage(t, f.officerC.get(spath), http.StatusOK); strings.Contains(b, "/annulation") {
		t.Error("a selected request still offers the cancellation")
	}
	wantPage(t, f.officerC.post(spath+"/annulation", reason), http.StatusConflict, "une collectivité a été retenue")
}
