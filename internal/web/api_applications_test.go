package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// TestAPIApplicationsContract drives every applications operation through
// its documented answers, checking requests and responses against the
// document, and every documented status is seen.
func TestAPIApplicationsContract(t *testing.T) {
	f := newAppFixture(t)
	f.contractApplications()
	for _, prefix := range []string{"/api/v1/applications", "/api/v1/partner-confirmations", "/api/v1/receipts",
		"/api/v1/calls/{id}/applications"} {
		apiCheckSeen(t, f.c, prefix)
	}
}

// contractApplications goes from an empty draft to a submitted, corrected
// and withdrawn application, with every refusal on the way. Each refusal
// that comes from bad input checks that nothing stored changed.
func (f *appFixture) contractApplications() {
	t, c, bad := f.t, f.c, apiBadToken
	f.startJobs()
	full := f.content()

	// Creating.
	a := f.create(f.tMemberA, map[string]any{"call_id": f.argCall.ID,
		"texts": map[string]any{"fr": map[string]string{"title": "Mobilités douces à Rosario"}}})
	if a.Version != 1 || a.Status != "draft" || a.LeadOrganisationID != f.orgA.ID || a.CallID != f.argCall.ID {
		t.Fatalf("new draft: got %+v", a)
	}
	b := f.create(f.tMemberB, map[string]any{"call_id": f.argCall.ID, "countries": []string{"ar"}})
	if !slices.Equal(b.Countries, []string{"AR"}) {
		t.Errorf("countries of a new draft: got %v; want [AR], normalised", b.Countries)
	}
	newApp := map[string]any{"call_id": f.argCall.ID}
	c.call("POST", "/api/v1/applications", f.tPlain, newApp, http.StatusForbidden)
	c.call("POST", "/api/v1/applications", f.tArgCoMgr, newApp, http.StatusForbidden)
	later := &coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-AR-2027", Status: coopdec.CallPublished,
		Texts:     map[string]coopdec.CallText{"fr": {Title: "Appel franco-argentin 2027"}},
		PublishAt: time.Now().Add(-time.Hour), OpensAt: time.Now().AddDate(0, 1, 0), Deadline: time.Now().AddDate(0, 3, 0),
		Rules: coopdec.EligibilityRules{Countries: []string{"AR"}}}
	if err := f.db.CreateCall(context.Background(), later, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	c.call("POST", "/api/v1/applications", f.tMemberA, map[string]any{"call_id": later.ID}, http.StatusConflict)
	if p := c.call("POST", "/api/v1/applications", f.tMemberA, map[string]any{"call_id": 999999}, http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"call_id"}) {
		t.Errorf("unknown call: got %+v", p)
	}
	c.call("POST", "/api/v1/applications", f.tMemberA, map[string]any{"call_id": f.hiddenCall.ID}, http.StatusUnprocessableEntity) // a draft call
	c.invalid("POST", "/api/v1/applications", f.tMemberA, map[string]any{"texts": map[string]any{}}, http.StatusUnprocessableEntity)
	if p := c.call("POST", "/api/v1/applications", f.tMemberA, appWith(newApp, "countries", []string{"AR", "ZZ"}), http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"countries"}) || !strings.Contains(p.Errors[0].Message, "ZZ") {
		t.Errorf("unknown country: got %+v", p)
	}
	c.call("POST", "/api/v1/applications", f.tMemberA, appWith(newApp, "lead_organisation_id", f.orgB.ID), http.StatusUnprocessableEntity)
	c.anonymous("POST", "/api/v1/applications", newApp)
	var mine apiPage[apiApplicationSummary]
	c.call("GET", "/api/v1/applications?status=draft&call_id="+fmt.Sprint(f.argCall.ID)+"&page=1&per_page=10", f.tMemberA, nil, http.StatusOK).decode(&mine)
	if mine.Total != 1 || mine.Items[0].ID != a.ID || mine.Items[0].LeadOrganisation.Name != "Lyon" {
		t.Errorf("member A's applications: got %+v", mine)
	}
	c.invalid("GET", "/api/v1/applications?status=sent", f.tMemberA, nil, http.StatusUnprocessableEntity)
	c.anonymous("GET", "/api/v1/applications", nil)

	// Reading and saving a draft.
	ap := apiAppPath(a.ID, "")
	if r := c.call("GET", ap, f.tMemberA, nil, http.StatusOK); r.header.Get("ETag") != `"1"` {
		t.Errorf("ETag: got %q; want \"1\"", r.header.Get("ETag"))
	}
	for _, tok := range []string{f.tMemberB, f.tOfficer, f.tArgCoMgr, f.tEvaluator, f.tPlain} {
		c.call("GET", ap, tok, nil, http.StatusNotFound)
	}
	c.invalid("GET", "/api/v1/applications/abc", f.tMemberA, nil, http.StatusNotFound)
	c.anonymous("GET", ap, nil)

	var saved apiApplicationDoc
	c.call("PUT", ap, f.tMemberA, appWith(full, "version", 1), http.StatusOK).decode(&saved)
	if saved.Version != 2 || saved.Texts["es"].Title != "Movilidad sostenible en Rosario" || len(saved.Budget.Financing) != 3 {
		t.Fatalf("saved draft: got %+v", saved)
	}
	// A colleague saving from version 1 finds the change and can merge.
	stale := appWith(full, "version", 1, "places", []string{"Rosario", "Santa Fe"})
	r := c.call("PUT", ap, f.tAdminA, stale, http.StatusConflict)
	var conflict struct {
		problem
		Current *apiApplicationDoc `json:"current"`
	}
	r.decode(&conflict)
	if conflict.Code != "conflict" || conflict.Current == nil || conflict.Current.Version != 2 || conflict.Current.Texts["fr"].Context == "" {
		t.Fatalf("stale save: got %s", r.body)
	}
	if st := f.stored(a.ID); st.Version != 2 || len(st.Places) != 1 {
		t.Errorf("after a stale save: stored version %d, places %v; want 2, unchanged", st.Version, st.Places)
	}
	// Merged into the current document, sent back whole, with If-Match.
	var cur map[string]any
	_ = json.Unmarshal(mustJSON(t, conflict.Current), &cur)
	cur["places"] = []string{"Rosario", "Santa Fe"}
	delete(cur, "version")
	c.headers("PUT", ap, f.tAdminA, cur, map[string]string{"If-Match": `"2"`}, http.StatusOK).decode(&saved)
	if saved.Version != 3 || len(saved.Places) != 2 {
		t.Errorf("merged save: got version %d, places %v", saved.Version, saved.Places)
	}
	c.call("PUT", ap, f.tMemberA, full, http.StatusUnprocessableEntity) // no version
	c.call("PUT", ap, f.tMemberB, appWith(full, "version", 3), http.StatusNotFound)
	c.call("PUT", ap, f.tAdmin, appWith(full, "version", 3), http.StatusForbidden)
	c.call("PUT", ap, f.tOfficer, appWith(full, "version", 3), http.StatusNotFound)
	if p := c.call("PUT", ap, f.tMemberA, appWith(full, "version", 3, "countries", []string{"AR", "XX"}, "duration_months", -2),
		http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"countries", "duration_months"}) {
		t.Errorf("bad draft: got fields %v", appProblemFields(p))
	}
	c.invalid("PUT", ap, f.tMemberA, appWith(full, "version", 3, "duration_months", "two years"), http.StatusUnprocessableEntity)
	if st := f.stored(a.ID); st.Version != 3 || st.DurationMonths != 24 || !slices.Equal(st.Countries, []string{"AR"}) {
		t.Errorf("after refused saves: stored %+v; want version 3 unchanged", st)
	}
	c.anonymous("PUT", ap, appWith(full, "version", 3))

	// Eligibility, as stored and as typed.
	var el apiApplicationEligibilityDoc
	c.call("GET", apiAppPath(a.ID, "/eligibility"), f.tMemberA, nil, http.StatusOK).decode(&el)
	if el.Eligible || !el.Complete || ruleStatus(el, "documents") != "failed" || ruleStatus(el, "confirmations") != "unknown" ||
		el.Totals.ExpensesCents != 7_000_000 {
		t.Errorf("eligibility of the draft: got %+v", el)
	}
	c.call("GET", apiAppPath(a.ID, "/eligibility"), f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", apiAppPath(a.ID, "/eligibility"), nil)
	typed := appWith(full, "activities", []any{map[string]any{"title": "Travaux", "start_month": 7, "end_month": 30}},
		"budget", map[string]any{
			"expenses":  []any{map[string]any{"category": "staff", "label": "Chef de projet", "amount_cents": 7_000_000}},
			"financing": []any{map[string]any{"source": "grant", "funder_organisation_id": f.ministry.ID, "amount_cents": 12_000_000}}})
	c.call("POST", apiAppPath(a.ID, "/check"), f.tMemberA, typed, http.StatusOK).decode(&el)
	if el.Complete || !hasField(el.Budget, "budget.financing") || !hasField(el.Errors, "activities.0.end_month") ||
		ruleStatus(el, "max_grant") != "failed" || hasField(el.Errors, "budget.financing") {
		t.Errorf("check of a proposal: got %+v", el)
	}
	if msg := fieldMessage(el.Budget, "budget.financing"); !strings.Contains(msg, "70") || !strings.Contains(msg, "120") {
		t.Errorf("budget explanation: got %q; want the amounts in euros", msg)
	}
	c.call("POST", apiAppPath(a.ID, "/check"), f.tAdmin, typed, http.StatusForbidden)
	c.call("POST", apiAppPath(a.ID, "/check"), f.tMemberB, typed, http.StatusNotFound)
	c.invalid("POST", apiAppPath(a.ID, "/check"), f.tMemberA, map[string]any{"duration_months": "two"}, http.StatusUnprocessableEntity)
	c.anonymous("POST", apiAppPath(a.ID, "/check"), typed)
	if st := f.stored(a.ID); st.Version != 3 || len(st.Activities) != 2 {
		t.Errorf("a check saved something: stored %+v", st)
	}

	// Attachments.
	atts := apiAppPath(a.ID, "/attachments")
	var list apiAttachmentsDoc
	c.call("GET", atts, f.tMemberA, nil, http.StatusOK).decode(&list)
	if len(list.Required) != 1 || list.Required[0].State != "missing" || list.Required[0].Name == "council_deliberation" {
		t.Errorf("required documents: got %+v", list.Required)
	}
	var att apiAttachmentDoc
	c.multipart(atts, f.tMemberA, map[string]string{"document_code": "council_deliberation"},
		[]appFile{{"file", "Délibération du conseil.pdf", appPDF}}, http.StatusCreated).decode(&att)
	if att.SHA256 != coopdec.SHA256Hex(appPDF) || att.MediaType != "application/pdf" || att.Name != "Délibération du conseil.pdf" {
		t.Errorf("attached: got %+v", att)
	}
	if p := c.multipart(atts, f.tMemberA, map[string]string{"document_code": "budget"},
		[]appFile{{"file", "budget.pdf", appText}}, http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"file"}) {
		t.Errorf("wrong type: got %+v", p)
	}
	huge := append(slices.Clone(appPDF), make([]byte, coopdec.MaxAttachmentBytes)...)
	if p := c.multipart(atts, f.tMemberA, map[string]string{"document_code": "budget"},
		[]appFile{{"file", "budget.pdf", huge}}, http.StatusUnprocessableEntity).problem(); !strings.Contains(p.Detail, "20") {
		t.Errorf("oversize file: got %+v", p)
	}
	c.multipart(atts, f.tMemberA, map[string]string{"document_code": "Budget annexe!"}, []appFile{{"file", "plan.png", appPNG}},
		http.StatusUnprocessableEntity)
	c.multipart(atts, f.tMemberA, map[string]string{"document_code": "budget"}, nil, http.StatusUnprocessableEntity)
	c.multipart(atts, f.tMemberB, map[string]string{"document_code": "budget"}, []appFile{{"file", "plan.png", appPNG}}, http.StatusNotFound)
	c.multipart(atts, f.tAdmin, map[string]string{"document_code": "budget"}, []appFile{{"file", "plan.png", appPNG}}, http.StatusForbidden)
	c.multipart(atts, "", map[string]string{"document_code": "budget"}, []appFile{{"file", "plan.png", appPNG}}, http.StatusUnauthorized)
	c.call("GET", atts, f.tMemberA, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 || list.Required[0].State != "provided" || !slices.Equal(list.Required[0].AttachmentIDs, []int64{att.ID}) {
		t.Errorf("after refused files: got %+v; want the deliberation only", list)
	}
	c.call("GET", atts, f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", atts, nil)
	dl := c.call("GET", att.URL, f.tMemberA, nil, http.StatusOK)
	if !bytes.Equal(dl.body, appPDF) || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: got %q, %q", dl.body, dl.header.Get("Content-Disposition"))
	}
	c.call("GET", att.URL, f.tMemberB, nil, http.StatusNotFound)
	c.call("GET", apiAppPath(b.ID, fmt.Sprintf("/attachments/%d", att.ID)), f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", att.URL, nil)
	var png apiAttachmentDoc
	c.multipart(atts, f.tAdminA, map[string]string{"document_code": "site_plan"}, []appFile{{"file", "plan.png", appPNG}},
		http.StatusCreated).decode(&png)
	c.call("DELETE", png.URL, f.tMemberB, nil, http.StatusNotFound)
	c.call("DELETE", png.URL, f.tAdmin, nil, http.StatusForbidden)
	c.anonymous("DELETE", png.URL, nil)
	c.call("DELETE", png.URL, f.tMemberA, nil, http.StatusNoContent)
	c.call("DELETE", png.URL, f.tMemberA, nil, http.StatusNotFound)

	// The partner confirms, in Spanish.
	var states apiConfirmationsDoc
	c.call("GET", apiAppPath(a.ID, "/confirmations"), f.tMemberA, nil, http.StatusOK).decode(&states)
	if len(states.Partners) != 1 || states.Partners[0].State != "not_invited" || states.Partners[0].Name != "Municipalidad de Rosario" {
		t.Errorf("confirmations before the invitation: got %+v", states)
	}
	c.call("GET", apiAppPath(a.ID, "/confirmations"), f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", apiAppPath(a.ID, "/confirmations"), nil)
	inv := apiAppPath(a.ID, "/partners/0/invitations")
	partnerMail := "alcaldia@rosario.example.org"
	invite := map[string]any{"email": partnerMail, "language": "es", "version": 3}
	c.call("POST", inv, f.tMemberA, appWith(invite, "version", 2), http.StatusConflict)
	c.call("POST", apiAppPath(a.ID, "/partners/5/invitations"), f.tMemberA, invite, http.StatusUnprocessableEntity)
	c.invalid("POST", apiAppPath(a.ID, "/partners/x/invitations"), f.tMemberA, invite, http.StatusNotFound)
	c.invalid("POST", inv, f.tMemberA, appWith(invite, "language", "de"), http.StatusUnprocessableEntity)
	c.call("POST", inv, f.tAdmin, invite, http.StatusForbidden)
	c.call("POST", inv, f.tMemberB, invite, http.StatusNotFound)
	c.anonymous("POST", inv, invite)
	var pc apiConfirmationDoc
	c.call("POST", inv, f.tMemberA, invite, http.StatusCreated).decode(&pc)
	if pc.Status != "pending" || pc.Language != "es" || pc.Partner.Name != "Municipalidad de Rosario" {
		t.Errorf("invitation: got %+v", pc)
	}
	if m := f.waitMail(partnerMail, "/confirmation/"); !strings.Contains(m.Text, "Convocatoria franco-argentina") || !strings.Contains(m.Subject, "Lyon") {
		t.Errorf("the invitation is not in Spanish, or does not name the lead:\n%s\n%s", m.Subject, m.Text)
	}
	token := f.confirmationToken(partnerMail)
	pcPath := "/api/v1/partner-confirmations/" + token
	var pv apiPartnerInvitationDoc
	r = c.call("GET", pcPath, "", nil, http.StatusOK)
	r.decode(&pv)
	if !pv.Answerable || pv.Application.Title != "Movilidad sostenible en Rosario" || pv.Call.Title != "Convocatoria franco-argentina" ||
		pv.LeadOrganisation != "Lyon" || r.header.Get("Content-Language") != "es" {
		t.Errorf("the partner's view: got %+v (%s)", pv, r.header.Get("Content-Language"))
	}
	if r := c.call("GET", pcPath+"?lang=en", "", nil, http.StatusOK); r.header.Get("Content-Language") != "en" {
		t.Errorf("?lang=en: Content-Language %q", r.header.Get("Content-Language"))
	}
	c.call("GET", "/api/v1/partner-confirmations/pc_unknown", "", nil, http.StatusNotFound)
	c.call("GET", pcPath, bad, nil, http.StatusUnauthorized)
	if p := c.call("POST", pcPath, "", map[string]string{"status": "declined", "representative": "Ana Pérez"},
		http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"comment"}) || !strings.Contains(p.Detail, "rechaz") {
		t.Errorf("declining without a word: got %+v; want a Spanish message on comment", p)
	}
	c.invalid("POST", pcPath, "", map[string]string{"status": "maybe", "representative": "Ana Pérez"}, http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/partner-confirmations/pc_unknown", "", map[string]string{"status": "confirmed", "representative": "Ana Pérez"}, http.StatusNotFound)
	c.call("POST", pcPath, bad, map[string]string{"status": "confirmed", "representative": "Ana Pérez"}, http.StatusUnauthorized)
	c.call("POST", pcPath, "", map[string]string{"status": "confirmed", "representative": "Ana Pérez, intendenta"}, http.StatusOK).decode(&pv)
	if pv.Status != "confirmed" || pv.Answerable || !pv.Partner.Confirmed {
		t.Errorf("after confirming: got %+v", pv)
	}
	c.call("POST", pcPath, "", map[string]string{"status": "declined", "representative": "Otro", "comment": "No"}, http.StatusConflict)
	f.waitMail(f.memberA.Email, "Ana Pérez, intendenta")
	c.call("GET", apiAppPath(a.ID, "/confirmations"), f.tMemberA, nil, http.StatusOK).decode(&states)
	if states.Partners[0].State != "confirmed" || len(states.Items) != 1 {
		t.Errorf("confirmations after the answer: got %+v", states)
	}

	// Submission: refused while incomplete, then accepted once, with a receipt
	// emailed to the lead's members, each in their language.
	english := f.user("agent.en@example.org")
	f.member(english, f.orgA, coopdec.MemberRoleMember)
	if err := f.db.SetLanguage(context.Background(), english.ID, "en", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	sub := apiAppPath(a.ID, "/submit")
	broken := appWith(full, "version", 3, "activities", []any{map[string]any{"title": "Travaux", "start_month": 7, "end_month": 30}},
		"budget", map[string]any{
			"expenses": []any{map[string]any{"category": "staff", "label": "Chef de projet", "amount_cents": 4_000_000},
				map[string]any{"category": "in_kind", "label": "Terrains", "amount_cents": 1_000_000}},
			"financing": []any{map[string]any{"source": "grant", "funder_organisation_id": f.ministry.ID, "amount_cents": 3_000_000},
				map[string]any{"source": "partner", "partner_organisation_id": f.rosario.ID, "amount_cents": 1_000_000, "in_kind": true}}})
	c.call("PUT", ap, f.tMemberA, broken, http.StatusOK).decode(&saved)
	p := c.call("POST", sub, f.tMemberA, nil, http.StatusUnprocessableEntity).problem()
	if got := appProblemFields(p); !slices.Contains(got, "budget.financing") || !slices.Contains(got, "activities.0.end_month") {
		t.Errorf("submitting an unbalanced budget and a timetable beyond the duration: got %+v", p)
	}
	if st := f.stored(a.ID); st.Status != coopdec.ApplicationDraft || st.Version != saved.Version {
		t.Errorf("after a refused submission: got %s version %d; want the draft unchanged", st.Status, st.Version)
	}
	c.call("PUT", ap, f.tMemberA, appWith(full, "version", saved.Version), http.StatusOK).decode(&saved)
	c.call("POST", sub, f.tMemberB, nil, http.StatusNotFound)
	c.call("POST", sub, f.tAdmin, nil, http.StatusForbidden)
	c.call("POST", sub, f.tOfficer, nil, http.StatusNotFound)
	c.headers("POST", sub, f.tMemberA, nil, map[string]string{"If-Match": `"1"`}, http.StatusConflict)
	c.anonymous("POST", sub, nil)
	var receipt apiReceiptDoc
	key := map[string]string{"Idempotency-Key": "submit-a-1"}
	r = c.headers("POST", sub, f.tMemberA, map[string]int{"version": saved.Version}, key, http.StatusCreated)
	r.decode(&receipt)
	if !strings.HasPrefix(receipt.Number, "AAP-FR-AR-2026-") || len(receipt.SHA256) != 64 || len(receipt.Attachments) != 1 ||
		receipt.Attachments[0].SHA256 != coopdec.SHA256Hex(appPDF) || r.header.Get("Location") != apiAppPath(a.ID, "/receipt") {
		t.Fatalf("receipt: got %+v", receipt)
	}
	var again apiReceiptDoc
	c.headers("POST", sub, f.tMemberA, nil, key, http.StatusOK).decode(&again)
	if !sameReceipt(again, receipt) {
		t.Errorf("replayed submission: got %+v; want %+v", again, receipt)
	}
	if p := c.call("POST", sub, f.tMemberA, nil, http.StatusConflict).problem(); !strings.Contains(p.Detail, "déposée") {
		t.Errorf("submitting twice: got %+v", p)
	}
	// The emails link to the application's pages.
	pageURL := func(rest string) string { return fmt.Sprintf("%s/candidatures/%d%s", f.ts.URL, a.ID, rest) }
	for _, u := range []*coopdec.User{f.memberA, f.adminA} {
		m := f.waitMail(u.Email, receipt.Number)
		wantContains(t, "receipt email to "+u.Email, m.Subject+"\n"+m.Text, "Accusé de réception", receipt.SHA256, "heure de Paris",
			receipt.Attachments[0].Name+": "+receipt.Attachments[0].SHA256, pageURL("/recepisse"),
			f.ts.URL+"/recepisses/verification?")
	}
	m := f.waitMail(english.Email, receipt.Number)
	wantContains(t, "receipt email in English", m.Subject+"\n"+m.Text, "Acknowledgement of receipt", "Paris time", receipt.SHA256)
	// The deadline passed, B's draft can no longer be submitted.
	f.clock.set(40 * 24 * time.Hour)
	if p := c.call("POST", apiAppPath(b.ID, "/submit"), f.tMemberB, nil, http.StatusConflict).problem(); !strings.Contains(p.Detail, "date limite") {
		t.Errorf("after the deadline: got %+v", p)
	}
	f.clock.set(0)

	// Frozen once submitted.
	c.call("PUT", ap, f.tMemberA, appWith(full, "version", saved.Version+1), http.StatusConflict)
	c.call("DELETE", att.URL, f.tMemberA, nil, http.StatusConflict)
	c.multipart(atts, f.tMemberA, map[string]string{"document_code": "budget"}, []appFile{{"file", "plan.png", appPNG}}, http.StatusConflict)
	c.call("POST", inv, f.tMemberA, map[string]any{"email": partnerMail, "language": "es"}, http.StatusConflict)

	// The receipt, and its check by anyone.
	var rc apiReceiptDoc
	c.call("GET", apiAppPath(a.ID, "/receipt"), f.tMemberA, nil, http.StatusOK).decode(&rc)
	if !sameReceipt(rc, receipt) {
		t.Errorf("GET receipt: got %+v; want %+v", rc, receipt)
	}
	c.call("GET", apiAppPath(b.ID, "/receipt"), f.tMemberB, nil, http.StatusNotFound)
	c.call("GET", apiAppPath(a.ID, "/receipt"), f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", apiAppPath(a.ID, "/receipt"), nil)
	var verdict apiReceiptCheckDoc
	c.call("POST", "/api/v1/receipts/verify", "", receipt, http.StatusOK).decode(&verdict)
	if !verdict.Valid || len(verdict.Problems) != 0 {
		t.Errorf("verifying the receipt: got %+v", verdict)
	}
	c.call("POST", "/api/v1/receipts/verify", "", map[string]string{"number": receipt.Number, "submitted_at": receipt.SubmittedAt,
		"sha256": receipt.SHA256}, http.StatusOK).decode(&verdict)
	if !verdict.Valid {
		t.Errorf("verifying without the files: got %+v", verdict)
	}
	forged := receipt
	forged.SHA256 = strings.Repeat("0", 64)
	forged.Attachments = []apiAttachmentHashDoc{{Name: "autre.pdf", SHA256: receipt.Attachments[0].SHA256}}
	c.call("POST", "/api/v1/receipts/verify", "", forged, http.StatusOK).decode(&verdict)
	if verdict.Valid || len(verdict.Problems) != 3 {
		t.Errorf("a forged receipt: got %+v; want the content, a missing and an added file", verdict)
	}
	c.call("POST", "/api/v1/receipts/verify", "", appWith(map[string]any{"number": "AAP-0000-000000", "submitted_at": receipt.SubmittedAt,
		"sha256": receipt.SHA256}), http.StatusOK).decode(&verdict)
	if verdict.Valid || len(verdict.Problems) != 1 || verdict.Problems[0].Field != "number" {
		t.Errorf("an unknown number: got %+v", verdict)
	}
	c.call("POST", "/api/v1/receipts/verify", "", map[string]string{"number": " ", "submitted_at": receipt.SubmittedAt, "sha256": ""},
		http.StatusUnprocessableEntity)
	c.invalid("POST", "/api/v1/receipts/verify", "", map[string]string{"number": receipt.Number, "submitted_at": "hier", "sha256": receipt.SHA256},
		http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/receipts/verify", bad, receipt, http.StatusUnauthorized)

	// Officers and co-managers list what was submitted, never drafts.
	lp := fmt.Sprintf("/api/v1/calls/%d/applications", f.argCall.ID)
	for _, tok := range []string{f.tOfficer, f.tArgCoMgr, f.tAdmin} {
		var got apiPage[apiApplicationSummary]
		c.call("GET", lp, tok, nil, http.StatusOK).decode(&got)
		if got.Total != 1 || got.Items[0].ID != a.ID || got.Items[0].ReceiptNumber == nil || got.Items[0].Partners.Confirmed != 1 {
			t.Errorf("the call's applications: got %+v; want the submitted one only", got)
		}
	}
	var filtered apiPage[apiApplicationSummary]
	c.call("GET", lp+"?status=submitted&country=ar&theme=economic_development&eligible=yes&q=rosario&page=1&per_page=5", f.tOfficer,
		nil, http.StatusOK).decode(&filtered)
	if filtered.Total != 1 {
		t.Errorf("filtered list: got %+v", filtered)
	}
	for _, tok := range []string{f.tIndianCoMgr, f.tMemberA, f.tEvaluator, f.tPlain} {
		c.call("GET", lp, tok, nil, http.StatusForbidden)
	}
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d/applications", f.hiddenCall.ID), f.tArgCoMgr, nil, http.StatusNotFound)
	c.call("GET", "/api/v1/calls/999999/applications", f.tOfficer, nil, http.StatusNotFound)
	c.call("GET", lp+"?country=ZZ&theme=nope", f.tOfficer, nil, http.StatusUnprocessableEntity)
	c.invalid("GET", lp+"?eligible=perhaps", f.tOfficer, nil, http.StatusUnprocessableEntity)
	c.anonymous("GET", lp, nil)
	ex := lp + "/export"
	if r := c.call("GET", ex+"?format=csv&status=submitted", f.tArgCoMgr, nil, http.StatusOK); !bytes.HasPrefix(r.body, []byte("\ufeff")) ||
		!bytes.Contains(r.body, []byte(";")) {
		t.Errorf("CSV export: got %q", r.body)
	}
	if r := c.call("GET", ex+"?format=xlsx", f.tOfficer, nil, http.StatusOK); !bytes.HasPrefix(r.body, []byte("PK")) {
		t.Errorf("XLSX export: got %.20q", r.body)
	}
	c.call("GET", ex+"?format=csv", f.tIndianCoMgr, nil, http.StatusForbidden)
	c.call("GET", "/api/v1/calls/999999/applications/export?format=csv", f.tOfficer, nil, http.StatusNotFound)
	c.call("GET", ex+"?format=csv&country=ZZ", f.tOfficer, nil, http.StatusUnprocessableEntity)
	c.invalid("GET", ex+"?format=pdf", f.tOfficer, nil, http.StatusUnprocessableEntity)
	c.anonymous("GET", ex+"?format=csv", nil)

	// Messages, both ways, with files.
	mp := apiAppPath(a.ID, "/messages")
	var msg apiMessageDoc
	c.call("POST", mp, f.tMemberA, map[string]string{"body": "Le plan de financement est joint."}, http.StatusCreated).decode(&msg)
	if !msg.FromApplicant || msg.AuthorName != f.memberA.Name {
		t.Errorf("applicant's message: got %+v", msg)
	}
	for _, u := range []*coopdec.User{f.officer, f.argCoMgr} {
		m := f.waitMail(u.Email, "Le plan de financement est joint.")
		wantContains(t, "message email to "+u.Email, m.Text, f.memberA.Name, receipt.Number, pageURL("/messages"))
	}
	c.multipart(mp, f.tArgCoMgr, map[string]string{"body": "Merci, voici nos remarques."},
		[]appFile{{"files", "remarques.pdf", appPDF}, {"files", "carte.png", appPNG}}, http.StatusCreated).decode(&msg)
	if msg.FromApplicant || len(msg.Attachments) != 2 {
		t.Errorf("co-manager's message: got %+v", msg)
	}
	f.waitMail(f.adminA.Email, "Merci, voici nos remarques.")
	if p := c.multipart(mp, f.tArgCoMgr, map[string]string{"body": "Encore"}, []appFile{{"files", "a.pdf", appPDF}, {"files", "b.pdf", appText}},
		http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"files.1"}) {
		t.Errorf("a message with a bad file: got %+v", p)
	}
	c.call("POST", mp, f.tMemberA, map[string]string{"body": "   "}, http.StatusUnprocessableEntity)
	c.call("POST", apiAppPath(b.ID, "/messages"), f.tAdmin, map[string]string{"body": "Bonjour"}, http.StatusForbidden)
	c.call("POST", mp, f.tIndianCoMgr, map[string]string{"body": "Bonjour"}, http.StatusNotFound)
	c.anonymous("POST", mp, map[string]string{"body": "Bonjour"})
	var thread apiPage[apiMessageDoc]
	c.call("GET", mp+"?page=2&per_page=1", f.tMemberA, nil, http.StatusOK).decode(&thread)
	if thread.Total != 2 || len(thread.Items) != 1 || len(thread.Items[0].Attachments) != 2 {
		t.Fatalf("the thread: got %+v", thread)
	}
	if r := c.call("GET", thread.Items[0].Attachments[1].URL, f.tMemberA, nil, http.StatusOK); !bytes.Equal(r.body, appPNG) {
		t.Errorf("a message's file: got %q", r.body)
	}
	c.call("GET", mp, f.tMemberB, nil, http.StatusNotFound)
	c.call("GET", mp, f.tEvaluator, nil, http.StatusNotFound)
	c.invalid("GET", mp+"?per_page=0", f.tMemberA, nil, http.StatusUnprocessableEntity)
	c.anonymous("GET", mp, nil)

	// Corrections: asked by the call's managers, answered by the lead.
	cp := apiAppPath(a.ID, "/corrections")
	due := time.Now().Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339)
	ask := map[string]any{"reason": "Le budget des missions paraît sous-estimé.", "fields": []string{"budget"},
		"documents": []string{"council_deliberation"}, "due_at": due}
	c.call("POST", cp, f.tMemberA, ask, http.StatusForbidden)
	c.call("POST", cp, f.tIndianCoMgr, ask, http.StatusNotFound)
	c.call("POST", apiAppPath(b.ID, "/corrections"), f.tOfficer, ask, http.StatusNotFound)
	c.call("POST", cp, f.tOfficer, appWith(ask, "due_at", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)), http.StatusUnprocessableEntity)
	c.invalid("POST", cp, f.tOfficer, appWith(ask, "fields", []string{"colour"}), http.StatusUnprocessableEntity)
	c.anonymous("POST", cp, ask)
	var cr apiCorrectionDoc
	c.call("POST", cp, f.tArgCoMgr, ask, http.StatusCreated).decode(&cr)
	if cr.Status != "open" || !slices.Equal(cr.Fields, []string{"budget"}) {
		t.Errorf("correction request: got %+v", cr)
	}
	c.call("POST", cp, f.tOfficer, ask, http.StatusConflict)
	m = f.waitMail(f.memberA.Email, "Le budget des missions paraît sous-estimé.")
	wantContains(t, "correction email", m.Subject+"\n"+m.Text, "Demande de correction", receipt.Number,
		"Budget (dépenses et plan de financement)", pageURL(""))
	var crs apiList[apiCorrectionDoc]
	c.call("GET", cp, f.tMemberA, nil, http.StatusOK).decode(&crs)
	if len(crs.Items) != 1 {
		t.Errorf("corrections: got %+v", crs)
	}
	c.call("GET", cp, f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", cp, nil)
	newPDF := append(slices.Clone(appPDF), "% signée\n"...)
	c.multipart(atts, f.tMemberA, map[string]string{"document_code": "council_deliberation"},
		[]appFile{{"file", "Délibération du conseil.pdf", newPDF}}, http.StatusCreated)
	c.multipart(atts, f.tMemberA, map[string]string{"document_code": "budget"}, []appFile{{"file", "plan.png", appPNG}}, http.StatusConflict)
	c.call("GET", atts, f.tOfficer, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 || len(list.Pending) != 1 {
		t.Errorf("files during the correction: got %+v", list)
	}
	answer := apiAppPath(a.ID, fmt.Sprintf("/corrections/%d/answer", cr.ID))
	corrected := f.content()
	corrected["budget"].(map[string]any)["expenses"].([]any)[1] = map[string]any{"category": "travel", "label": "Missions", "amount_cents": 2_500_000}
	corrected["budget"].(map[string]any)["financing"].([]any)[1] = map[string]any{"source": "own_cash", "label": "Budget municipal", "amount_cents": 3_500_000}
	c.call("POST", answer, f.tOfficer, map[string]any{"answer": "Corrigé.", "application": corrected}, http.StatusForbidden)
	if p := c.call("POST", answer, f.tMemberA, map[string]any{"answer": "Corrigé.", "application": appWith(corrected, "places", []string{"Córdoba"})},
		http.StatusUnprocessableEntity).problem(); !slices.Equal(appProblemFields(p), []string{"places"}) {
		t.Errorf("answering beyond the request: got %+v", p)
	}
	c.call("POST", apiAppPath(a.ID, "/corrections/999999/answer"), f.tMemberA, map[string]any{"answer": "Corrigé."}, http.StatusNotFound)
	c.anonymous("POST", answer, map[string]any{"answer": "Corrigé."})
	var v2 apiVersionDoc
	c.call("POST", answer, f.tMemberA, map[string]any{"answer": "Missions réévaluées, délibération signée.", "application": corrected},
		http.StatusCreated).decode(&v2)
	if v2.Number != 2 || v2.Application == nil || v2.Application.Budget.Expenses[1].AmountCents != 2_500_000 {
		t.Errorf("the answer's version: got %+v", v2)
	}
	c.call("POST", answer, f.tMemberA, map[string]any{"answer": "Encore."}, http.StatusConflict)
	m = f.waitMail(f.argCoMgr.Email, "Missions réévaluées")
	wantContains(t, "answer email", m.Text, receipt.Number, "version 2", pageURL("/instruction"))
	var cr2 apiCorrectionDoc
	c.call("POST", cp, f.tOfficer, appWith(ask, "fields", []string{"texts"}, "documents", []string{}), http.StatusCreated).decode(&cr2)
	cancel := apiAppPath(a.ID, fmt.Sprintf("/corrections/%d/cancel", cr2.ID))
	c.call("POST", cancel, f.tMemberA, nil, http.StatusForbidden)
	c.call("POST", apiAppPath(a.ID, "/corrections/999999/cancel"), f.tOfficer, nil, http.StatusNotFound)
	c.call("POST", cancel, f.tIndianCoMgr, nil, http.StatusNotFound)
	c.anonymous("POST", cancel, nil)
	c.call("POST", cancel, f.tArgCoMgr, nil, http.StatusOK).decode(&cr2)
	if cr2.Status != "cancelled" {
		t.Errorf("cancelled correction: got %+v", cr2)
	}
	c.call("POST", cancel, f.tOfficer, nil, http.StatusConflict)
	m = f.waitMail(f.memberA.Email, "Demande de correction annulée")
	wantContains(t, "cancellation email", m.Text, receipt.Number, "Le budget des missions paraît sous-estimé.", pageURL(""))

	// Versions, and what changed.
	var vs apiList[apiVersionDoc]
	c.call("GET", apiAppPath(a.ID, "/versions"), f.tOfficer, nil, http.StatusOK).decode(&vs)
	if len(vs.Items) != 2 || vs.Items[0].Application != nil || vs.Items[1].CorrectionID == nil || *vs.Items[1].CorrectionID != cr.ID {
		t.Errorf("versions: got %+v", vs)
	}
	c.call("GET", apiAppPath(a.ID, "/versions"), f.tMemberB, nil, http.StatusNotFound)
	c.anonymous("GET", apiAppPath(a.ID, "/versions"), nil)
	var v1 apiVersionDoc
	c.call("GET", apiAppPath(a.ID, "/versions/1"), f.tMemberA, nil, http.StatusOK).decode(&v1)
	if v1.SHA256 != receipt.SHA256 || v1.Application.Budget.Expenses[1].AmountCents != 2_000_000 {
		t.Errorf("version 1: got %+v; want the submitted content", v1)
	}
	c.call("GET", apiAppPath(a.ID, "/versions/9"), f.tMemberA, nil, http.StatusNotFound)
	c.call("GET", apiAppPath(a.ID, "/versions/1"), f.tIndianCoMgr, nil, http.StatusNotFound)
	c.anonymous("GET", apiAppPath(a.ID, "/versions/1"), nil)
	var cmp apiCompareDoc
	c.call("GET", apiAppPath(a.ID, "/compare?from=1&to=2"), f.tOfficer, nil, http.StatusOK).decode(&cmp)
	if !slices.ContainsFunc(cmp.Changes, func(ch apiFieldChangeDoc) bool {
		return ch.Field == "budget.expenses.1.amount_cents" && ch.Old == "2000000" && ch.New == "2500000"
	}) || len(cmp.Attachments) != 1 || cmp.Attachments[0].New != coopdec.SHA256Hex(newPDF) {
		t.Errorf("comparison: got %+v", cmp)
	}
	c.call("GET", apiAppPath(a.ID, "/compare?from=1&to=9"), f.tOfficer, nil, http.StatusNotFound)
	c.invalid("GET", apiAppPath(a.ID, "/compare?from=1"), f.tOfficer, nil, http.StatusUnprocessableEntity)
	c.anonymous("GET", apiAppPath(a.ID, "/compare?from=1&to=2"), nil)
	// The receipt still holds: it names the submitted version.
	c.call("POST", "/api/v1/receipts/verify", "", receipt, http.StatusOK).decode(&verdict)
	if !verdict.Valid {
		t.Errorf("the receipt after a correction: got %+v", verdict)
	}

	// Withdrawal.
	wp := apiAppPath(a.ID, "/withdraw")
	c.call("POST", wp, f.tOfficer, map[string]string{"reason": "Doublon"}, http.StatusForbidden)
	c.call("POST", wp, f.tMemberB, map[string]string{"reason": "Doublon"}, http.StatusNotFound)
	c.call("POST", wp, f.tMemberA, map[string]string{"reason": " "}, http.StatusUnprocessableEntity)
	c.anonymous("POST", wp, map[string]string{"reason": "Doublon"})
	var withdrawn apiApplicationDoc
	c.call("POST", wp, f.tMemberA, map[string]string{"reason": "Le conseil municipal a renoncé au projet."}, http.StatusOK).decode(&withdrawn)
	if withdrawn.Status != "withdrawn" || withdrawn.WithdrawalReason == nil {
		t.Errorf("withdrawn: got %+v", withdrawn)
	}
	c.call("POST", wp, f.tMemberA, map[string]string{"reason": "Encore"}, http.StatusConflict)
	for _, u := range []*coopdec.User{f.officer, f.argCoMgr} {
		m := f.waitMail(u.Email, "Le conseil municipal a renoncé au projet.")
		wantContains(t, "withdrawal email to "+u.Email, m.Subject+"\n"+m.Text, "Candidature retirée", receipt.Number,
			pageURL("/instruction"))
	}
	c.call("POST", apiAppPath(b.ID, "/withdraw"), f.tMemberB, map[string]string{"reason": "Hors délai."}, http.StatusOK)
}

func ruleStatus(d apiApplicationEligibilityDoc, rule string) string {
	for _, r := range d.Results {
		if r.Rule == rule {
			return r.Status
		}
	}
	return ""
}

func hasField(list []problemField, field string) bool { return fieldMessage(list, field) != "" }

func fieldMessage(list []problemField, field string) string {
	for _, e := range list {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func sameReceipt(x, y apiReceiptDoc) bool {
	return x.Number == y.Number && x.SubmittedAt == y.SubmittedAt && x.SHA256 == y.SHA256 && slices.Equal(x.Attachments, y.Attachments)
}

var apiappKeyRE = regexp.MustCompile(`"(apiapp\.[a-z_.]+[a-z_])"`)

// TestAPIApplicationMessages checks that the catalogue has every message
// key the applications API names (its emails' are TestApplicationMails').
func TestAPIApplicationMessages(t *testing.T) {
	e := newTestEnv(t)
	files, _ := filepath.Glob("api_applications*.go")
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range apiappKeyRE.FindAllStringSubmatch(string(src), -1) {
			n++
			if !e.srv.cat.Has(m[1]) {
				t.Errorf("%s names %s, which the catalogue lacks", name, m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d keys: has the code's syntax changed?", n)
	}
}

// TestAPIApplicationLead checks who leads a new application: the user's only
// French local authority, or the one they name among several.
func TestAPIApplicationLead(t *testing.T) {
	f := newAppFixture(t)
	both := f.user("both@example.org")
	f.member(both, f.orgA, coopdec.MemberRoleMember)
	f.member(both, f.orgB, coopdec.MemberRoleMember)
	f.member(both, f.argentina, coopdec.MemberRoleMember)
	tok := f.token(both)
	newApp := map[string]any{"call_id": f.argCall.ID}
	p := f.c.call("POST", "/api/v1/applications", tok, newApp, http.StatusUnprocessableEntity).problem()
	if !slices.Equal(appProblemFields(p), []string{"lead_organisation_id"}) {
		t.Errorf("a member of two authorities naming neither: got %+v", p)
	}
	f.c.call("POST", "/api/v1/applications", tok, appWith(newApp, "lead_organisation_id", f.argentina.ID), http.StatusUnprocessableEntity)
	if a := f.create(tok, appWith(newApp, "lead_organisation_id", f.orgB.ID)); a.LeadOrganisationID != f.orgB.ID {
		t.Errorf("lead: got %d; want Marseille's %d", a.LeadOrganisationID, f.orgB.ID)
	}
}

// TestAPIApplicationNoLostUpdate saves one draft from the same version in
// many concurrent requests: exactly one is stored, every other is told of
// the conflict with the stored application.
func TestAPIApplicationNoLostUpdate(t *testing.T) {
	f := newAppFixture(t)
	a := f.create(f.tMemberA, map[string]any{"call_id": f.argCall.ID})
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			res := f.api("PUT", apiAppPath(a.ID, ""), f.tMemberA, map[string]any{"version": 1, "places": []string{fmt.Sprint("lieu ", i)}})
			statuses[i] = res.StatusCode
			if res.StatusCode == http.StatusConflict {
				var p struct {
					Current apiApplicationDoc `json:"current"`
				}
				if err := json.NewDecoder(res.Body).Decode(&p); err != nil || p.Current.Version < 2 {
					t.Errorf("conflict %d: current %+v, %v", i, p.Current, err)
				}
			}
		})
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
		default:
			t.Errorf("concurrent save: got status %d", s)
		}
	}
	if st := f.stored(a.ID); ok != 1 || st.Version != 2 {
		t.Errorf("concurrent saves: %d stored, version %d; want exactly one, version 2", ok, st.Version)
	}
}

// TestAPIApplicationSubmitOnce submits one application from many concurrent
// requests, some retrying with one key, others with keys of their own:
// one submission, one receipt.
func TestAPIApplicationSubmitOnce(t *testing.T) {
	f := newAppFixture(t)
	f.startJobs()
	a := f.create(f.tMemberA, appWith(f.content(), "call_id", f.argCall.ID))
	if err := f.db.AddAttachment(context.Background(), &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "council_deliberation",
		Name: "deliberation.pdf", MediaType: "application/pdf", SizeBytes: int64(len(appPDF)), SHA256: coopdec.SHA256Hex(appPDF)},
		coopdec.Actor{UserID: f.memberA.ID}); err != nil {
		t.Fatal(err)
	}
	f.c.call("POST", apiAppPath(a.ID, "/partners/0/invitations"), f.tMemberA, map[string]any{"email": "rosario@example.org", "language": "es"},
		http.StatusCreated)
	f.c.call("POST", "/api/v1/partner-confirmations/"+f.confirmationToken("rosario@example.org"), "",
		map[string]string{"status": "confirmed", "representative": "Ana Pérez"}, http.StatusOK)
	const n = 10
	var wg sync.WaitGroup
	type answer struct {
		status int
		number string
	}
	answers := make([]answer, n)
	for i := range n {
		wg.Go(func() {
			key := "same-key"
			if i%2 == 1 {
				key = fmt.Sprint("key-", i)
			}
			req, _ := http.NewRequest("POST", f.ts.URL+apiAppPath(a.ID, "/submit"), nil)
			req.Header.Set("Authorization", "Bearer "+f.tMemberA)
			req.Header.Set("Idempotency-Key", key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var rc apiReceiptDoc
			_ = json.NewDecoder(res.Body).Decode(&rc)
			answers[i] = answer{res.StatusCode, rc.Number}
		})
	}
	wg.Wait()
	created, numbers := 0, map[string]bool{}
	for i, an := range answers {
		switch an.status {
		case http.StatusCreated:
			created++
			numbers[an.number] = true
		case http.StatusOK:
			numbers[an.number] = true
			if i%2 == 1 {
				t.Errorf("request %d with a key of its own was answered as a replay", i)
			}
		case http.StatusConflict:
		default:
			t.Errorf("request %d: got status %d", i, an.status)
		}
	}
	if created != 1 || len(numbers) != 1 {
		t.Errorf("concurrent submissions: %d created, numbers %v; want one submission and one receipt", created, numbers)
	}
	vs, err := f.db.ApplicationVersions(context.Background(), a.ID)
	if err != nil || len(vs) != 1 {
		t.Errorf("versions after concurrent submissions: %d, %v; want 1", len(vs), err)
	}
}

// TestAPIApplicationDraftsPrivate checks that another authority, an
// evaluator and a co-manager learn nothing of a draft, whatever the route.
func TestAPIApplicationDraftsPrivate(t *testing.T) {
	f := newAppFixture(t)
	a := f.create(f.tMemberA, appWith(f.content(), "call_id", f.argCall.ID))
	att := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "budget.pdf", MediaType: "application/pdf",
		SizeBytes: int64(len(appPDF)), SHA256: coopdec.SHA256Hex(appPDF)}
	if err := f.db.AddAttachment(context.Background(), att, coopdec.Actor{UserID: f.memberA.ID}); err != nil {
		t.Fatal(err)
	}
	before := f.stored(a.ID)
	for _, tok := range []string{f.tMemberB, f.tOfficer, f.tArgCoMgr, f.tEvaluator, f.tPlain} {
		for _, rq := range []struct {
			method, path string
			body         any
		}{
			{"GET", "", nil}, {"PUT", "", appWith(f.content(), "version", 1)}, {"GET", "/eligibility", nil},
			{"POST", "/check", f.content()}, {"GET", "/attachments", nil}, {"GET", fmt.Sprintf("/attachments/%d", att.ID), nil},
			{"DELETE", fmt.Sprintf("/attachments/%d", att.ID), nil}, {"GET", "/confirmations", nil},
			{"POST", "/partners/0/invitations", map[string]string{"email": "x@example.org", "language": "es"}},
			{"POST", "/submit", nil}, {"GET", "/receipt", nil}, {"POST", "/withdraw", map[string]string{"reason": "x"}},
			{"GET", "/corrections", nil}, {"GET", "/versions", nil}, {"GET", "/messages", nil},
			{"POST", "/messages", map[string]string{"body": "x"}},
		} {
			res := f.api(rq.method, apiAppPath(a.ID, rq.path), tok, rq.body)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s by another reader: got %d; want 404", rq.method, rq.path, res.StatusCode)
			}
		}
		var list apiPage[apiApplicationSummary]
		decode(t, f.api("GET", "/api/v1/applications", tok, nil), &list)
		if list.Total != 0 {
			t.Errorf("another reader's list holds %+v", list.Items)
		}
	}
	after := f.stored(a.ID)
	files, _ := f.db.ListAttachments(context.Background(), a.ID)
	if after.Version != before.Version || after.Status != coopdec.ApplicationDraft || len(files) != 1 {
		t.Errorf("after others' attempts: version %d → %d, status %s, %d files", before.Version, after.Version, after.Status, len(files))
	}
}
