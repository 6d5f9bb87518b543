package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// opinionRequestIDs lists the requests an embassy's list links to.
func opinionRequestIDs(b string) []int64 {
	var out []int64
	for _, m := range regexp.MustCompile(`<a href="/ambassade/avis/(\d+)">`).FindAllStringSubmatch(b, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, id)
	}
	return out
}

// pageText is a page's body with its entities decoded, for reading its
// French.
func (f *evalFixture) pageText(c *client, method, path string, form url.Values, want int) string {
	f.e.t.Helper()
	var res *http.Response
	if method == http.MethodPost {
		res = c.post(path, form)
	} else {
		res = c.get(path)
	}
	b := body(f.e.t, res)
	if res.StatusCode != want {
		f.e.t.Fatalf("%s %s: got status %d; want %d\n%s", method, path, res.StatusCode, want, pageExcerpt(b))
	}
	return html.UnescapeString(b)
}

// plain is a page's text without its tags, spaces collapsed.
func plain(b string) string {
	return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(b, " ")), " ")
}

// parisDay is the day, in Paris, d after the fixture's now.
func (f *evalFixture) parisDay(d time.Duration) string {
	return f.clock.now().Add(d).In(Paris).Format("2006-01-02")
}

// otherEmbassy registers the embassy of France in India with one staff
// member.
func (f *evalFixture) otherEmbassy() *coopdec.User {
	o := f.e.org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Inde", Country: "IN"})
	u := f.e.user("embassy.in@example.org", coopdec.RoleEmbassy)
	f.e.member(u, o, coopdec.MemberRoleMember)
	return u
}

func TestOpinionPages(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	e.startJobs()
	callPage := fmt.Sprintf("/appels/%d/avis", f.call.ID)
	officer := f.as(f.officer)

	b := f.pageText(officer, "GET", callPage, nil, http.StatusOK)
	for _, want := range []string{"Avis des ambassades", "Lyon à vélo avec Rosario", "Marseille et Rosario", "Argentine : non demandé",
		`aria-current="page"`, `name="due_date"`} {
		if !strings.Contains(b, want) && !strings.Contains(plain(b), want) {
			t.Errorf("call page: %q missing", want)
		}
	}

	// Denials: the Indian co-manager, an evaluator, an applicant, the
	// embassy's staff, anonymous.
	for _, u := range []*coopdec.User{f.indiaUser, f.evaluators[0], f.lyonUser, f.embassyUser} {
		f.pageText(f.as(u), "GET", callPage, nil, http.StatusNotFound)
		f.pageText(f.as(u), "POST", callPage, url.Values{"due_date": {f.parisDay(7 * 24 * time.Hour)}}, http.StatusNotFound)
	}
	if res := e.client().get(callPage); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
		t.Errorf("anonymous: got %d; want a redirect to the login page", res.StatusCode)
	}

	// Bad input, answered in French on the page, with the form kept.
	b = f.pageText(officer, "POST", callPage, url.Values{"due_date": {f.parisDay(-48 * time.Hour)}, "due_time": {"12:00"},
		"note": {"Gardez ceci"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "La date attendue de l'avis doit être dans le futur.") || !strings.Contains(b, "Gardez ceci") {
		t.Errorf("past due date: message or note missing\n%s", pageExcerpt(b))
	}
	b = f.pageText(officer, "POST", callPage, url.Values{"due_date": {""}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Indiquez la date à laquelle l'avis est attendu.") {
		t.Errorf("no due date: message missing\n%s", pageExcerpt(b))
	}
	b = f.pageText(officer, "POST", callPage, url.Values{"due_date": {f.parisDay(120 * 24 * time.Hour)}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "dans les 90 jours") {
		t.Errorf("too far: message missing\n%s", pageExcerpt(b))
	}

	// The officer asks for Lyon's application: its embassy's staff are told.
	res := officer.post(callPage, url.Values{"application": {strconv.FormatInt(f.lyonApp.ID, 10)},
		"due_date": {f.parisDay(7 * 24 * time.Hour)}, "due_time": {"18:00"}, "note": {"Le partenaire est-il connu du poste ?"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("request: got %d; want 303\n%s", res.StatusCode, pageExcerpt(body(t, res)))
	}
	m := e.waitMail("embassy.ar@example.org", "Lyon à vélo avec Rosario")
	if !strings.Contains(m.Subject, "Ambassade de France en Argentine") || !strings.Contains(m.Text, "Le partenaire est-il connu du poste ?") ||
		!strings.Contains(m.Text, "18:00") || strings.Contains(m.Text, "Marseille") {
		t.Errorf("email: got %q\n%s", m.Subject, m.Text)
	}
	b = f.pageText(officer, "GET", callPage+"?ok=requested&n=1", nil, http.StatusOK)
	if !strings.Contains(b, "1 demande(s) d'avis envoyée(s)") || !strings.Contains(plain(b), "Argentine : en attente") {
		t.Errorf("call page after the request: flash or state missing")
	}

	// The embassy's list and page.
	staff := f.as(f.embassyUser)
	b = f.pageText(staff, "GET", "/ambassade/avis", nil, http.StatusOK)
	ids := opinionRequestIDs(b)
	if len(ids) != 1 || !strings.Contains(b, "Lyon à vélo avec Rosario") {
		t.Fatalf("embassy list: got %v; want Lyon's request", ids)
	}
	f.pageText(staff, "GET", "/ambassade/avis?state=late", nil, http.StatusUnprocessableEntity)
	if b = f.pageText(staff, "GET", "/ambassade/avis?state=answered", nil, http.StatusOK); len(opinionRequestIDs(b)) != 0 {
		t.Error("answered filter: got a request; want none")
	}
	page := fmt.Sprintf("/ambassade/avis/%d", ids[0])
	b = f.pageText(staff, "GET", page, nil, http.StatusOK)
	for _, want := range []string{`lang="es"`, "ES Lyon à vélo avec Rosario", "Ciclovías y formación", "Municipalidad de Rosario",
		"Le partenaire est-il connu du poste ?", `type="radio"`} {
		if !strings.Contains(b, want) {
			t.Errorf("embassy page: %q missing", want)
		}
	}

	// Denials: another embassy, the officer and co-managers, an evaluator,
	// an applicant, anonymous.
	india := f.otherEmbassy()
	if b := f.pageText(f.as(india), "GET", "/ambassade/avis", nil, http.StatusOK); len(opinionRequestIDs(b)) != 0 {
		t.Error("another embassy's list: got a request; want none")
	}
	f.pageText(f.as(india), "GET", page, nil, http.StatusNotFound)
	f.pageText(f.as(india), "POST", page, url.Values{"value": {"favourable"}, "comment": {"Oui."}}, http.StatusNotFound)
	for _, u := range []*coopdec.User{f.officer, f.argentinaUser, f.indiaUser, f.evaluators[2], f.lyonUser} {
		f.pageText(f.as(u), "GET", "/ambassade/avis", nil, http.StatusForbidden)
		f.pageText(f.as(u), "GET", page, nil, http.StatusForbidden)
		f.pageText(f.as(u), "POST", page, url.Values{"value": {"favourable"}, "comment": {"Oui."}}, http.StatusForbidden)
	}
	if res := e.client().get(page); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: got %d; want a redirect to the login page", res.StatusCode)
	}

	// Bad opinions, in French.
	b = f.pageText(staff, "POST", page, url.Values{"comment": {"Sans avis"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Choisissez un avis : favorable, réservé ou défavorable.") || !strings.Contains(b, "Sans avis") {
		t.Errorf("no value: message or comment missing\n%s", pageExcerpt(b))
	}
	b = f.pageText(staff, "POST", page, url.Values{"value": {"reserved"}, "comment": {"  "}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Expliquez votre avis en quelques lignes : le comité le lit pour classer les dossiers.") {
		t.Errorf("no comment: field error missing\n%s", pageExcerpt(b))
	}

	res = staff.post(page, url.Values{"value": {"reserved"}, "comment": {"Partenaire peu connu du poste."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opinion: got %d; want 303\n%s", res.StatusCode, pageExcerpt(body(t, res)))
	}
	b = f.pageText(staff, "GET", page+"?ok=given", nil, http.StatusOK)
	if !strings.Contains(b, "Votre avis est enregistré") || !strings.Contains(b, "Réservé") || strings.Contains(b, `type="radio"`) {
		t.Error("embassy page after the opinion: flash, value missing or form still shown")
	}
	b = f.pageText(staff, "POST", page, url.Values{"value": {"favourable"}, "comment": {"Finalement oui."}}, http.StatusConflict)
	if !strings.Contains(b, "déjà été rendu") {
		t.Errorf("second opinion: message missing\n%s", pageExcerpt(b))
	}

	// The officer and the Argentine co-manager read it.
	for _, u := range []*coopdec.User{f.officer, f.argentinaUser} {
		b = f.pageText(f.as(u), "GET", callPage, nil, http.StatusOK)
		if !strings.Contains(plain(b), "Argentine : rendu : Réservé") || !strings.Contains(b, "Partenaire peu connu du poste.") {
			t.Errorf("%s: the opinion is missing from the call page", u.Email)
		}
	}
}

func TestOpinionAPI(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	e.startJobs()
	c := e.apiContract()
	officer, argentina, india := e.token(f.officer), e.token(f.argentinaUser), e.token(f.indiaUser)
	staff, evaluator, applicant := e.token(f.embassyUser), e.token(f.evaluators[0]), e.token(f.lyonUser)
	otherStaff := e.token(f.otherEmbassy())
	requests := fmt.Sprintf("/api/v1/calls/%d/opinion-requests", f.call.ID)
	due := f.clock.now().Add(10 * 24 * time.Hour).UTC().Format(time.RFC3339)
	ask := map[string]any{"application_ids": []int64{f.marApp.ID}, "due_at": due, "note": "Avis sur la gestion de l'eau."}

	c.anonymous("POST", requests, ask)
	for _, tok := range []string{india, staff, evaluator, applicant} {
		c.call("POST", requests, tok, ask, http.StatusForbidden)
		c.call("GET", requests, tok, nil, http.StatusForbidden)
	}
	p := c.call("POST", requests, officer, map[string]any{"due_at": "demain"}, http.StatusUnprocessableEntity).problem()
	if len(p.Errors) != 1 || p.Errors[0].Field != "due_at" || !strings.Contains(p.Errors[0].Message, "RFC 3339") {
		t.Errorf("bad date: got %+v", p)
	}
	past := f.clock.now().Add(-time.Hour).UTC().Format(time.RFC3339)
	p = c.call("POST", requests, officer, map[string]any{"due_at": past}, http.StatusUnprocessableEntity).problem()
	if len(p.Errors) != 1 || p.Errors[0].Message != "La date attendue de l'avis doit être dans le futur." {
		t.Errorf("past date: got %+v", p)
	}
	c.call("POST", requests, officer, map[string]any{"application_ids": []int64{999999}, "due_at": due}, http.StatusNotFound)

	var made apiList[apiOpinionRequestDoc]
	c.call("POST", requests, argentina, ask, http.StatusCreated).decode(&made)
	if len(made.Items) != 1 || made.Items[0].ApplicationID != f.marApp.ID || made.Items[0].Country != "AR" ||
		made.Items[0].State != "pending" || made.Items[0].Opinion != nil {
		t.Fatalf("requests made: got %+v", made.Items)
	}
	e.waitMail("embassy.ar@example.org", "Marseille et Rosario")
	c.call("POST", requests, officer, ask, http.StatusConflict)
	id := made.Items[0].ID
	one := fmt.Sprintf("/api/v1/opinion-requests/%d", id)

	var list apiPage[apiOpinionRequestDoc]
	c.call("GET", "/api/v1/opinion-requests", staff, nil, http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].ID != id {
		t.Errorf("embassy's requests: got %+v", list)
	}
	c.call("GET", "/api/v1/opinion-requests", otherStaff, nil, http.StatusOK).decode(&list)
	if list.Total != 0 {
		t.Errorf("another embassy's requests: got %d; want 0", list.Total)
	}
	c.call("GET", "/api/v1/opinion-requests?state=answered", officer, nil, http.StatusOK).decode(&list)
	if list.Total != 0 {
		t.Errorf("answered: got %d; want 0", list.Total)
	}
	c.invalid("GET", "/api/v1/opinion-requests?state=late", staff, nil, http.StatusUnprocessableEntity)
	for _, tok := range []string{india, argentina, evaluator, applicant} {
		c.call("GET", "/api/v1/opinion-requests", tok, nil, http.StatusForbidden)
	}
	c.anonymous("GET", "/api/v1/opinion-requests", nil)
	for _, tok := range []string{india, otherStaff, evaluator, applicant} {
		c.call("GET", one, tok, nil, http.StatusNotFound)
		c.call("PUT", one+"/opinion", tok, map[string]any{"value": "favourable", "comment": "Oui."}, http.StatusNotFound)
	}
	c.call("GET", one, argentina, nil, http.StatusOK)
	c.call("PUT", one+"/opinion", officer, map[string]any{"value": "favourable", "comment": "Oui."}, http.StatusForbidden)
	c.anonymous("PUT", one+"/opinion", map[string]any{"value": "favourable", "comment": "Oui."})

	p = c.call("PUT", one+"/opinion", staff, map[string]any{"value": "perhaps", "comment": ""}, http.StatusUnprocessableEntity).problem()
	if len(p.Errors) != 2 || p.Errors[0].Message != "Choisissez un avis : favorable, réservé ou défavorable." {
		t.Errorf("bad opinion: got %+v", p)
	}
	var doc apiOpinionRequestDoc
	c.call("PUT", one+"/opinion", staff, map[string]any{"value": "favourable", "comment": "Collectivités bien connues du poste."},
		http.StatusOK).decode(&doc)
	if doc.State != "answered" || doc.Opinion == nil || doc.Opinion.Value != "favourable" || doc.Opinion.GivenBy != f.embassyUser.ID {
		t.Errorf("opinion given: got %+v", doc)
	}
	c.call("PUT", one+"/opinion", staff, map[string]any{"value": "reserved", "comment": "Non."}, http.StatusConflict)

	// The call's managers read the application's opinions; nobody else.
	opinions := fmt.Sprintf("/api/v1/applications/%d/opinions", f.marApp.ID)
	for _, tok := range []string{officer, argentina} {
		var got apiList[apiOpinionRequestDoc]
		c.call("GET", opinions, tok, nil, http.StatusOK).decode(&got)
		if len(got.Items) != 1 || got.Items[0].Opinion == nil || got.Items[0].Opinion.Comment != "Collectivités bien connues du poste." {
			t.Errorf("application's opinions: got %+v", got.Items)
		}
	}
	c.call("GET", opinions, applicant, nil, http.StatusNotFound) // Lyon's member does not read Marseille's application
	c.call("GET", opinions, e.token(f.marseilleUser), nil, http.StatusForbidden)
	c.call("GET", opinions, india, nil, http.StatusNotFound)
	c.call("GET", opinions, evaluator, nil, http.StatusNotFound)
	c.call("GET", opinions, staff, nil, http.StatusNotFound)
	c.anonymous("GET", opinions, nil)
	c.call("GET", requests+"?state=answered", argentina, nil, http.StatusOK).decode(&list)
	if list.Total != 1 {
		t.Errorf("call's answered requests: got %d; want 1", list.Total)
	}
	c.invalid("GET", requests+"?state=late", argentina, nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/calls/999999/opinion-requests", officer, nil, http.StatusNotFound)
	c.anonymous("GET", requests, nil)
	c.anonymous("GET", one, nil)
	for _, prefix := range []string{"/api/v1/calls/{id}/opinion-requests", "/api/v1/opinion-requests", "/api/v1/applications/{id}/opinions"} {
		apiCheckSeen(t, c, prefix)
	}
}

func TestOpinionDueDate(t *testing.T) {
	f := newEvalFixture(t)
	e := f.e
	c := e.apiContract()
	officer, staff := e.token(f.officer), e.token(f.embassyUser)
	var made apiList[apiOpinionRequestDoc]
	c.call("POST", fmt.Sprintf("/api/v1/calls/%d/opinion-requests", f.call.ID), officer,
		map[string]any{"due_at": f.clock.now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated).decode(&made)
	if len(made.Items) != 2 {
		t.Fatalf("requests for every application: got %d; want 2", len(made.Items))
	}
	page := fmt.Sprintf("/ambassade/avis/%d", made.Items[0].ID)

	// Three days on, the due date has passed.
	f.clock.set((41 + 3) * 24 * time.Hour)
	b := f.pageText(f.as(f.embassyUser), "GET", page, nil, http.StatusOK)
	if strings.Contains(b, `type="radio"`) || !strings.Contains(b, "il ne peut plus être rendu") {
		t.Error("overdue page: the form is shown or the notice missing")
	}
	b = f.pageText(f.as(f.embassyUser), "POST", page, url.Values{"value": {"favourable"}, "comment": {"Trop tard ?"}}, http.StatusConflict)
	if !strings.Contains(b, "est passée : contactez les gestionnaires de l'appel.") {
		t.Errorf("overdue opinion: message missing\n%s", pageExcerpt(b))
	}
	p := c.call("PUT", fmt.Sprintf("/api/v1/opinion-requests/%d/opinion", made.Items[1].ID), staff,
		map[string]any{"value": "favourable", "comment": "Trop tard ?"}, http.StatusConflict).problem()
	if !strings.Contains(p.Detail, "est passée") {
		t.Errorf("overdue API: got %q", p.Detail)
	}
	var list apiPage[apiOpinionRequestDoc]
	c.call("GET", "/api/v1/opinion-requests?state=overdue", staff, nil, http.StatusOK).decode(&list)
	if list.Total != 2 {
		t.Errorf("overdue requests: got %d; want 2", list.Total)
	}
	b = f.pageText(f.as(f.embassyUser), "GET", "/ambassade/avis", nil, http.StatusOK)
	if !strings.Contains(b, "<strong>en retard</strong>") {
		t.Error("embassy list: overdue not flagged")
	}
	b = f.pageText(f.as(f.officer), "GET", fmt.Sprintf("/appels/%d/avis", f.call.ID), nil, http.StatusOK)
	if !strings.Contains(b, "<strong>en retard</strong>") {
		t.Error("call page: overdue not flagged")
	}
}

func TestOpinionNoEmbassy(t *testing.T) {
	f := newOfficerFixture(t)
	f.submitted(f.application(f.lyon, "Lyon et Rosario"), f.lyonUser)
	b := html.UnescapeString(f.page(f.as(f.officer), fmt.Sprintf("/appels/%d/avis", f.call.ID), http.StatusOK))
	if !strings.Contains(plain(b), "Argentine : aucune ambassade enregistrée pour ce pays") {
		t.Error("no embassy: not shown")
	}
	res := f.as(f.officer).post(fmt.Sprintf("/appels/%d/avis", f.call.ID), url.Values{
		"due_date": {time.Now().Add(7 * 24 * time.Hour).In(Paris).Format("2006-01-02")}})
	if b := html.UnescapeString(body(t, res)); res.StatusCode != http.StatusConflict || !strings.Contains(b, "Aucun avis à demander") {
		t.Errorf("nothing to ask: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
}
