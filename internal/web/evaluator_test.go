package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// attach stores a file on a submitted application, as if it had been
// attached before the submission, and returns its ID.
func (f *evalFixture) attach(a *coopdec.Application) int64 {
	t := f.e.t
	t.Helper()
	ctx := context.Background()
	info, err := f.e.blobs.Put(ctx, strings.NewReader("%PDF-1.4 budget prévisionnel"), coopdec.MaxAttachmentBytes)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := f.e.db.WritePool().QueryRowContext(ctx, `INSERT INTO application_attachments (application_id, document_code, name,
		media_type, size_bytes, sha256, created_at) VALUES ($1, 'budget', 'budget.pdf', 'application/pdf', $2, $3, $4) RETURNING id`,
		a.ID, info.Size, info.SHA256, time.Now().UTC()).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// assignmentsOf splits the assignments by application: Lyon's, then
// Marseille's.
func (f *evalFixture) assignmentsOf(list []coopdec.Assignment) (lyon, mar []coopdec.Assignment) {
	for _, a := range list {
		if a.ApplicationID == f.lyonApp.ID {
			lyon = append(lyon, a)
		} else {
			mar = append(mar, a)
		}
	}
	if len(lyon) != 2 || len(mar) != 2 {
		f.e.t.Fatalf("assignments: got %d for Lyon and %d for Marseille; want 2 each", len(lyon), len(mar))
	}
	return lyon, mar
}

func (f *evalFixture) evaluatorUser(id int64) *coopdec.User {
	for _, u := range f.evaluators {
		if u.ID == id {
			return u
		}
	}
	f.e.t.Fatalf("no evaluator %d", id)
	return nil
}

// post sends a form and checks the status.
func (f *evalFixture) post(c *client, path string, form url.Values, want int) (string, *http.Response) {
	f.e.t.Helper()
	res := c.post(path, form)
	b := html.UnescapeString(body(f.e.t, res))
	if res.StatusCode != want {
		f.e.t.Fatalf("POST %s: got status %d; want %d\n%s", path, res.StatusCode, want, pageExcerpt(b))
	}
	return b, res
}

func (f *evalFixture) text(c *client, path string, want int) string {
	f.e.t.Helper()
	return html.UnescapeString(f.page(c, path, want))
}

func caseURL(a coopdec.Assignment) string { return fmt.Sprintf("/evaluateur/affectations/%d", a.ID) }

func fullForm(relevance, partnership string) url.Values {
	return url.Values{
		"scores.relevance.score": {relevance}, "scores.relevance.comment": {"Diagnostic précis des besoins."},
		"scores.partnership.score": {partnership}, "scores.partnership.comment": {"Partenariat à consolider."},
		"comment": {"Un projet utile."},
	}
}

func TestEvaluatorPagesFrench(t *testing.T) {
	f := newEvalFixture(t)
	att := f.attach(f.lyonApp)
	lyon, mar := f.assignmentsOf(f.assign())
	mine, other := lyon[0], lyon[1]
	me := f.as(f.evaluatorUser(mine.EvaluatorID))
	download := fmt.Sprintf("/candidatures/%d/pieces/%d", f.lyonApp.ID, att)

	b := f.text(me, "/evaluateur", http.StatusOK)
	for _, want := range []string{"Mes évaluations", "Lyon à vélo avec Rosario", "Conflit d'intérêts à vérifier", "AAP-FR-AR-01", "mise à jour le"} {
		if !strings.Contains(b, want) {
			t.Errorf("my evaluations: missing %q", want)
		}
	}

	// Before confirming: what identifies the application, nothing more.
	b = f.text(me, caseURL(mine), http.StatusOK)
	for _, want := range []string{"Je confirme n'avoir aucun conflit", "Municipalidad de Rosario", "Lyon", "Argentine", "Déclarer un conflit"} {
		if !strings.Contains(b, want) {
			t.Errorf("before confirming: missing %q", want)
		}
	}
	for _, leak := range []string{"Pistes cyclables et formation", "budget.pdf", "Pertinence"} {
		if strings.Contains(b, leak) {
			t.Errorf("before confirming: the page shows %q", leak)
		}
	}
	f.page(me, download, http.StatusNotFound)
	f.post(me, caseURL(mine)+"/evaluation", fullForm("4", "3"), http.StatusConflict)

	_, res := f.post(me, caseURL(mine)+"/absence-de-conflit", nil, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != caseURL(mine)+"?ok=confirmed" {
		t.Errorf("after confirming: sent to %q", loc)
	}
	b = f.text(me, caseURL(mine)+"?ok=confirmed", http.StatusOK)
	for _, want := range []string{"Absence de conflit d'intérêts confirmée", "Pistes cyclables et formation", "budget.pdf", "Pertinence",
		"Le projet répond-il aux besoins du territoire partenaire ?", "Qualité du partenariat", `<option value="3.5">3,5</option>`, "Envoyer définitivement"} {
		if !strings.Contains(b, want) {
			t.Errorf("after confirming: missing %q", want)
		}
	}
	if res := me.get(download); res.StatusCode != http.StatusOK {
		t.Errorf("download after confirming: got %d; want 200", res.StatusCode)
	}

	// The other evaluator submits; nothing of it shows before mine is.
	f.evaluate(other, 8, 6)
	b = f.text(me, caseURL(mine), http.StatusOK)
	if strings.Contains(b, "Partenaires engagés.") || strings.Contains(b, "Besoins bien analysés.") || strings.Contains(b, "Les évaluations des autres évaluateurs") {
		t.Error("before submitting: the page shows the other evaluation")
	}

	// Validation: out of range, a comment without a score.
	form := fullForm("9", "")
	b, _ = f.post(me, caseURL(mine)+"/evaluation", form, http.StatusUnprocessableEntity)
	for _, want := range []string{"Une note va de 0 à 5", "Choisissez une note pour ce critère", "Diagnostic précis des besoins.", `href="#scores.relevance.score"`} {
		if !strings.Contains(b, want) {
			t.Errorf("invalid draft: missing %q", want)
		}
	}
	// A partial draft.
	draft := url.Values{"scores.relevance.score": {"3,5"}, "scores.relevance.comment": {"Diagnostic précis des besoins."}, "comment": {""}}
	f.post(me, caseURL(mine)+"/evaluation", draft, http.StatusSeeOther)
	b = f.text(me, caseURL(mine)+"?ok=saved", http.StatusOK)
	if !strings.Contains(b, `<option value="3.5" selected>3,5</option>`) || !strings.Contains(b, "Brouillon enregistré") {
		t.Errorf("draft: the page does not show the saved score\n%s", pageExcerpt(b))
	}
	if b := f.text(me, "/evaluateur", http.StatusOK); !strings.Contains(b, "Brouillon enregistré") {
		t.Error("my evaluations: the draft is not shown")
	}
	// Submitting: every criterion scored and justified, and confirmed.
	b, _ = f.post(me, caseURL(mine)+"/soumission", draft, http.StatusUnprocessableEntity)
	for _, want := range []string{"Notez ce critère", "Cochez la case"} {
		if !strings.Contains(b, want) {
			t.Errorf("incomplete submission: missing %q", want)
		}
	}
	form = fullForm("1", "1")
	form.Set("confirm", "1")
	f.post(me, caseURL(mine)+"/soumission", form, http.StatusSeeOther)
	b = f.text(me, caseURL(mine), http.StatusOK)
	for _, want := range []string{"Évaluation envoyée le", "Partenaires engagés.", "Les évaluations des autres évaluateurs", "Les évaluations divergent", "4/5"} {
		if !strings.Contains(b, want) {
			t.Errorf("after submitting: missing %q", want)
		}
	}
	if strings.Contains(b, "Enregistrer le brouillon") {
		t.Error("after submitting: the form is still there")
	}
	b, _ = f.post(me, caseURL(mine)+"/evaluation", fullForm("5", "5"), http.StatusConflict)
	if !strings.Contains(b, "verrouillée") || !strings.Contains(b, "Partenariat à consolider.") {
		t.Error("a change after submitting: not refused with a message")
	}
	evs, err := f.e.db.ListEvaluations(context.Background(), f.lyonApp.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.EvaluatorID == mine.EvaluatorID && (!ev.Submitted || ev.Scores[0].Score != 2) {
			t.Errorf("stored evaluation: got %+v; want submitted with 1/5", ev)
		}
	}

	// An evaluator of Marseille's application reads nothing of Lyon's,
	// even once confirmed on their own.
	marUser := f.as(f.evaluatorUser(mar[0].EvaluatorID))
	f.post(marUser, caseURL(mar[0])+"/absence-de-conflit", nil, http.StatusSeeOther)
	f.page(marUser, caseURL(mine), http.StatusNotFound)
	f.page(marUser, download, http.StatusNotFound)
	f.post(marUser, caseURL(mine)+"/absence-de-conflit", nil, http.StatusNotFound)

	// The outsider, India's co-manager and an applicant are refused.
	out := f.as(f.outsider)
	f.page(out, caseURL(mine), http.StatusNotFound)
	f.page(out, download, http.StatusNotFound)
	if b := f.text(out, "/evaluateur", http.StatusOK); !strings.Contains(b, "Aucun dossier ne vous est affecté") {
		t.Error("outsider: the list is not empty")
	}
	for _, u := range []*coopdec.User{f.indiaUser, f.lyonUser} {
		c := f.as(u)
		f.page(c, "/evaluateur", http.StatusForbidden)
		f.page(c, "/evaluateur/declaration", http.StatusForbidden)
		f.page(c, caseURL(mine), http.StatusNotFound)
	}
	f.page(f.as(f.indiaUser), download, http.StatusNotFound)
	if res := f.e.client().get(caseURL(mine)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: got %d; want a redirect to the login page", res.StatusCode)
	}
}

func TestEvaluatorPagesSpanish(t *testing.T) {
	f := newEvalFixture(t)
	_, mar := f.assignmentsOf(f.assign())
	as := mar[0]
	c := f.as(f.evaluatorUser(as.EvaluatorID))
	f.post(c, "/langue", url.Values{"lang": {"es"}, "next": {"/evaluateur"}}, http.StatusSeeOther)

	b := f.text(c, "/evaluateur", http.StatusOK)
	if !strings.Contains(b, "Mis evaluaciones") || !strings.Contains(b, "Conflicto de intereses por verificar") {
		t.Errorf("list in Spanish: got\n%s", pageExcerpt(b))
	}
	b = f.text(c, caseURL(as), http.StatusOK)
	if !strings.Contains(b, "Confirmo que no tengo ningún conflicto") || !strings.Contains(b, "Convocatoria franco-argentina") {
		t.Error("conflict check in Spanish: missing text")
	}
	f.post(c, caseURL(as)+"/absence-de-conflit", nil, http.StatusSeeOther)
	b = f.text(c, caseURL(as), http.StatusOK)
	for _, want := range []string{"Pertinencia", "¿Responde el proyecto a las necesidades del territorio socio?", "Calidad de la asociación", "Guardar el borrador"} {
		if !strings.Contains(b, want) {
			t.Errorf("scoring form in Spanish: missing %q", want)
		}
	}
	b, _ = f.post(c, caseURL(as)+"/evaluation", fullForm("6", "2"), http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Una nota va de 0 a 5") {
		t.Error("score out of range in Spanish: missing message")
	}
	form := fullForm("4,5", "2")
	form.Set("scores.partnership.comment", "")
	form.Set("confirm", "1")
	b, _ = f.post(c, caseURL(as)+"/soumission", form, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Este campo es obligatorio") {
		t.Error("missing comment in Spanish: missing message")
	}
	form = fullForm("4,5", "2")
	form.Set("confirm", "1")
	f.post(c, caseURL(as)+"/soumission", form, http.StatusSeeOther)
	b = f.text(c, caseURL(as)+"?ok=submitted", http.StatusOK)
	if !strings.Contains(b, "Evaluación enviada") || !strings.Contains(b, "4,5/5") {
		t.Errorf("submitted in Spanish: got\n%s", pageExcerpt(b))
	}
	// No other evaluation is submitted: none is shown.
	if strings.Contains(b, "Las evaluaciones de los demás evaluadores") {
		t.Error("the others' section shows without any other evaluation")
	}
}

func TestEvaluatorConflictPage(t *testing.T) {
	f := newEvalFixture(t)
	lyon, _ := f.assignmentsOf(f.assign())
	as := lyon[0]
	c := f.as(f.evaluatorUser(as.EvaluatorID))
	b, _ := f.post(c, caseURL(as)+"/conflit", url.Values{"reason": {"  "}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Ce champ est obligatoire") || !strings.Contains(b, `href="#reason"`) {
		t.Error("conflict without a reason: no message")
	}
	_, res := f.post(c, caseURL(as)+"/conflit", url.Values{"reason": {"Ma sœur dirige le service des mobilités de Lyon."}}, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/evaluateur?ok=conflict" {
		t.Errorf("after declaring: sent to %q", loc)
	}
	list, err := f.e.db.ListAssignments(context.Background(), sqldb.AssignmentFilter{ApplicationID: f.lyonApp.ID, EvaluatorID: as.EvaluatorID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Active() || list[0].EndReason != coopdec.EndConflictDeclared {
		t.Fatalf("assignment after the conflict: got %+v; want ended on a declared conflict", list)
	}
	b = f.text(c, "/evaluateur?ok=conflict", http.StatusOK)
	if !strings.Contains(b, "Conflit d'intérêts déclaré") || !strings.Contains(b, "Affectation terminée") {
		t.Error("list after the conflict: missing the ended state")
	}
	b = f.text(c, caseURL(as), http.StatusOK)
	if !strings.Contains(b, "Vous avez déclaré un conflit") || strings.Contains(b, "Je confirme n'avoir") || strings.Contains(b, "Pistes cyclables") {
		t.Error("page after the conflict: still offers the forms or shows the application")
	}
	f.post(c, caseURL(as)+"/absence-de-conflit", nil, http.StatusForbidden)
}

func TestEvaluatorDeclarationPage(t *testing.T) {
	f := newEvalFixture(t)
	u := f.evaluators[0]
	c := f.as(u)
	b := f.text(c, "/evaluateur/declaration", http.StatusOK)
	if !strings.Contains(b, "Université paris") || !strings.Contains(b, `name="offices.2.code"`) {
		t.Fatalf("declaration page: missing the saved organisation or the blank rows\n%s", pageExcerpt(b))
	}
	form := url.Values{
		"organisations.0.name": {"Université paris"}, "organisations.0.role": {"enseignant"}, "organisations.0.current": {"1"},
		"organisations.2.organisation_id": {fmt.Sprint(f.rosario.ID)}, "organisations.2.role": {"consultante"},
		"offices.0.kind": {"commune"}, "offices.0.code": {"69123"}, "offices.0.title": {"conseillère municipale"},
		"offices.1.kind": {"commune"}, "offices.1.code": {"lyon!"},
		"links.0.description": {"Mon frère travaille à Marseille."}, "links.0.organisation_ids": {"abc"},
	}
	b, _ = f.post(c, "/evaluateur/declaration", form, http.StatusUnprocessableEntity)
	for _, want := range []string{"Code de territoire invalide", "Organisation inconnue", `value="conseillère municipale"`, `href="#offices.1.code"`,
		"Organisation(s) inscrite(s) : Municipalidad de Rosario", `name="organisations.1.organisation_id"`} {
		if !strings.Contains(b, want) {
			t.Errorf("invalid declaration: missing %q", want)
		}
	}
	if d, err := f.e.db.Declaration(context.Background(), u.ID); err != nil || len(d.Offices) != 0 {
		t.Fatalf("invalid declaration: stored %+v, %v; want the old one kept", d, err)
	}
	form.Set("offices.1.code", "13055")
	form.Set("links.0.organisation_ids", fmt.Sprint(f.marseille.ID))
	_, res := f.post(c, "/evaluateur/declaration", form, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/evaluateur/declaration?ok=saved" {
		t.Errorf("after saving: sent to %q", loc)
	}
	d, err := f.e.db.Declaration(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Organisations) != 2 || d.Organisations[1].OrganisationID != f.rosario.ID || len(d.Offices) != 2 || d.Offices[1].Code != "13055" ||
		len(d.Links) != 1 || d.Links[0].OrganisationIDs[0] != f.marseille.ID {
		t.Errorf("stored declaration: got %+v", d)
	}
	if b := f.text(c, "/evaluateur/declaration?ok=saved", http.StatusOK); !strings.Contains(b, "Déclaration d'intérêts enregistrée") {
		t.Error("after saving: no confirmation")
	}
	// The conflict it declares now blocks Marseille's application.
	lyon, mar := f.assignmentsOf(f.assign())
	for _, as := range append(lyon, mar...) {
		if as.EvaluatorID == u.ID && as.ApplicationID == f.marApp.ID {
			t.Errorf("an evaluator linked to Marseille was given its application")
		}
	}
}

func TestEvaluatorAPI(t *testing.T) {
	f := newEvalFixture(t)
	att := f.attach(f.lyonApp)
	lyon, mar := f.assignmentsOf(f.assign())
	mine, other := lyon[0], lyon[1]
	c := f.e.apiContract()
	tok := f.e.token(f.evaluatorUser(mine.EvaluatorID))
	marTok := f.e.token(f.evaluatorUser(mar[0].EvaluatorID))
	outTok, indiaTok, lyonTok := f.e.token(f.outsider), f.e.token(f.indiaUser), f.e.token(f.lyonUser)
	officerTok, argTok := f.e.token(f.officer), f.e.token(f.argentinaUser)
	asPath := fmt.Sprintf("/api/v1/assignments/%d", mine.ID)
	evalsPath := fmt.Sprintf("/api/v1/applications/%d/evaluations", f.lyonApp.ID)
	download := fmt.Sprintf("/api/v1/applications/%d/attachments/%d", f.lyonApp.ID, att)

	c.anonymous("GET", "/api/v1/me/assignments", nil)
	c.anonymous("GET", asPath, nil)

	// Declaration.
	var decl apiEvDeclarationDoc
	c.call("GET", "/api/v1/me/declaration", tok, nil, http.StatusOK).decode(&decl)
	if len(decl.Organisations) != 1 || decl.UpdatedAt == nil {
		t.Errorf("declaration: got %+v; want the fixture's", decl)
	}
	c.call("GET", "/api/v1/me/declaration", outTok, nil, http.StatusOK).decode(&decl)
	if len(decl.Organisations) != 0 || decl.UpdatedAt != nil {
		t.Errorf("outsider's declaration: got %+v; want an empty one", decl)
	}
	c.call("GET", "/api/v1/me/declaration", indiaTok, nil, http.StatusForbidden)
	bad := map[string]any{"offices": []map[string]any{{"kind": "canton", "code": "69123"}},
		"links": []map[string]any{{"description": "", "organisation_ids": []int64{f.marseille.ID}}}}
	if got := c.call("PUT", "/api/v1/me/declaration", outTok, bad, http.StatusUnprocessableEntity).fields(); strings.Join(got, " ") != "offices.0.kind links.0.description" {
		t.Errorf("invalid declaration: fields %v", got)
	}
	good := map[string]any{"organisations": []map[string]any{{"organisation_id": f.rosario.ID, "name": "", "role": "conseil", "current": false}},
		"offices": []map[string]any{{"kind": "region", "code": "93", "title": "conseillère régionale"}}}
	c.call("PUT", "/api/v1/me/declaration", outTok, good, http.StatusOK).decode(&decl)
	if len(decl.Offices) != 1 || decl.Offices[0].Region != "" || decl.Organisations[0].OrganisationID == nil {
		t.Errorf("saved declaration: got %+v", decl)
	}

	// Assignments.
	var page struct {
		Items []apiEvAssignmentDoc `json:"items"`
		Total int                  `json:"total"`
	}
	c.call("GET", "/api/v1/me/assignments", tok, nil, http.StatusOK).decode(&page)
	if page.Total != 1 || page.Items[0].ID != mine.ID || page.Items[0].State != "to_confirm" {
		t.Errorf("my assignments: got %+v", page)
	}
	c.invalid("GET", "/api/v1/me/assignments?per_page=500", tok, nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/me/assignments", outTok, nil, http.StatusOK).decode(&page)
	if page.Total != 0 {
		t.Errorf("outsider's assignments: got %d", page.Total)
	}
	var doc apiEvAssignmentDoc
	c.call("GET", asPath, tok, nil, http.StatusOK).decode(&doc)
	if doc.Lead == nil || doc.Lead.Name != "Lyon" || len(doc.Partners) != 2 || doc.Criteria != nil || doc.Evaluation != nil {
		t.Errorf("assignment before confirming: got %+v", doc)
	}
	for _, who := range []string{outTok, indiaTok, marTok, lyonTok} {
		c.call("GET", asPath, who, nil, http.StatusNotFound)
		c.call("POST", asPath+"/no-conflict", who, nil, http.StatusNotFound)
		c.call("GET", asPath+"/application", who, nil, http.StatusNotFound)
	}
	c.call("GET", asPath+"/application", tok, nil, http.StatusForbidden)
	if res := f.e.api("GET", download, tok, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("download before confirming: got %d; want 404", res.StatusCode)
	}
	c.call("PUT", asPath+"/evaluation", tok, map[string]any{"scores": []any{}}, http.StatusConflict)

	c.call("POST", asPath+"/no-conflict", tok, nil, http.StatusOK).decode(&doc)
	if doc.State != "to_score" || len(doc.Criteria) != 2 || doc.Criteria[0].Title != "Pertinence" || doc.ApplicationURL == nil {
		t.Errorf("assignment after confirming: got %+v", doc)
	}
	c.call("POST", asPath+"/no-conflict", tok, nil, http.StatusConflict)
	var app apiEvaluatorApplicationDoc
	c.call("GET", asPath+"/application", tok, nil, http.StatusOK).decode(&app)
	if app.Application.ID != f.lyonApp.ID || len(app.Attachments) != 1 {
		t.Errorf("application: got %d with %d files", app.Application.ID, len(app.Attachments))
	}
	if res := f.e.api("GET", download, tok, nil); res.StatusCode != http.StatusOK {
		t.Errorf("download after confirming: got %d; want 200", res.StatusCode)
	}
	if res := f.e.api("GET", download, marTok, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("download by another application's evaluator: got %d; want 404", res.StatusCode)
	}

	// The other evaluator submits: nothing of it before mine is.
	f.evaluate(other, 8, 6)
	var list apiEvEvaluationListDoc
	c.call("GET", evalsPath, tok, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 0 || list.Divergence != nil {
		t.Errorf("evaluations before mine: got %+v; want none", list)
	}
	res := c.send(apiCall{method: "PUT", path: asPath + "/evaluation", token: tok, header: map[string]string{"Accept-Language": "es"},
		body: map[string]any{"scores": []map[string]any{{"criterion": "relevance", "score": 7}}}, want: http.StatusUnprocessableEntity, invalid: true})
	if p := res.problem(); len(p.Errors) != 1 || p.Errors[0].Field != "scores.relevance.score" || !strings.Contains(p.Errors[0].Message, "Una nota va de 0 a 5") {
		t.Errorf("score out of range: got %+v", p)
	}
	var ev apiEvEvaluationDoc
	c.call("PUT", asPath+"/evaluation", tok, map[string]any{"scores": []map[string]any{{"criterion": "relevance", "score": 3.5, "comment": "Bien."}}},
		http.StatusOK).decode(&ev)
	if ev.Submitted || len(ev.Scores) != 1 || ev.Scores[0].Score != 3.5 || ev.Average != nil {
		t.Errorf("draft: got %+v", ev)
	}
	c.call("GET", evalsPath, tok, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 || list.Items[0].EvaluatorID != mine.EvaluatorID {
		t.Errorf("evaluations with my draft: got %+v; want mine alone", list)
	}
	got := c.call("POST", asPath+"/evaluation/submission", tok, map[string]any{"scores": []map[string]any{{"criterion": "relevance", "score": 3.5}}},
		http.StatusUnprocessableEntity).fields()
	if strings.Join(got, " ") != "scores.relevance.comment scores.partnership.score" {
		t.Errorf("incomplete submission: fields %v", got)
	}
	full := map[string]any{"comment": "Utile.", "scores": []map[string]any{{"criterion": "relevance", "score": 1, "comment": "Flou."},
		{"criterion": "partnership", "score": 1.5, "comment": "Fragile."}}}
	c.call("POST", asPath+"/evaluation/submission", tok, full, http.StatusOK).decode(&ev)
	if !ev.Submitted || ev.SubmittedAt == nil || ev.Average == nil {
		t.Errorf("submitted: got %+v", ev)
	}
	p := c.call("PUT", asPath+"/evaluation", tok, full, http.StatusConflict).problem()
	if !strings.Contains(p.Detail, "verrouillée") {
		t.Errorf("change after submitting: got %q", p.Detail)
	}
	c.call("POST", asPath+"/evaluation/submission", tok, full, http.StatusConflict)
	c.call("POST", asPath+"/conflict", tok, map[string]any{"reason": "Trop tard."}, http.StatusConflict)
	c.call("GET", evalsPath, tok, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 2 || list.Divergence == nil || !list.Divergence.Divergent {
		t.Errorf("evaluations after mine: got %+v; want both, divergent", list)
	}
	c.call("GET", asPath, tok, nil, http.StatusOK).decode(&doc)
	if doc.State != "submitted" || doc.Evaluation == nil || !doc.Evaluation.Submitted {
		t.Errorf("assignment after submitting: got %+v", doc)
	}

	// The call's managers read the submitted ones; others are refused.
	for _, who := range []string{officerTok, argTok} {
		c.call("GET", evalsPath, who, nil, http.StatusOK).decode(&list)
		if len(list.Items) != 2 {
			t.Errorf("managers: got %d evaluations; want 2", len(list.Items))
		}
	}
	c.call("GET", evalsPath, lyonTok, nil, http.StatusForbidden)
	c.call("GET", evalsPath, indiaTok, nil, http.StatusNotFound)
	c.call("GET", evalsPath, outTok, nil, http.StatusNotFound)
	c.call("GET", evalsPath, marTok, nil, http.StatusNotFound)

	// Declaring a conflict ends the assignment, with a reason.
	marPath := fmt.Sprintf("/api/v1/assignments/%d", mar[0].ID)
	if got := c.call("POST", marPath+"/conflict", marTok, map[string]any{"reason": ""}, http.StatusUnprocessableEntity).fields(); len(got) != 1 || got[0] != "reason" {
		t.Errorf("conflict without a reason: fields %v", got)
	}
	c.call("POST", marPath+"/conflict", marTok, map[string]any{"reason": "J'ai conseillé Marseille sur ce projet."}, http.StatusOK).decode(&doc)
	if doc.State != "ended" || doc.EndReason == nil || *doc.EndReason != "conflict_declared" {
		t.Errorf("after the conflict: got %+v", doc)
	}
	c.call("POST", marPath+"/no-conflict", marTok, nil, http.StatusForbidden)
	c.call("GET", marPath+"/application", marTok, nil, http.StatusForbidden)
	c.call("POST", marPath+"/conflict", marTok, map[string]any{"reason": "Encore."}, http.StatusForbidden)
	c.call("PUT", marPath+"/evaluation", marTok, full, http.StatusForbidden)
	c.call("POST", marPath+"/evaluation/submission", marTok, full, http.StatusForbidden)
	for _, op := range [][2]string{{"POST", "/conflict"}, {"PUT", "/evaluation"}, {"POST", "/evaluation/submission"}} {
		var body any = full
		if op[1] == "/conflict" {
			body = map[string]any{"reason": "Aucun."}
		}
		c.call(op[0], asPath+op[1], outTok, body, http.StatusNotFound)
		c.anonymous(op[0], asPath+op[1], body)
	}
	c.anonymous("POST", asPath+"/no-conflict", nil)
	c.anonymous("GET", asPath+"/application", nil)
	c.anonymous("GET", evalsPath, nil)
	c.anonymous("GET", "/api/v1/me/declaration", nil)
	c.anonymous("PUT", "/api/v1/me/declaration", good)
	c.call("PUT", "/api/v1/me/declaration", indiaTok, good, http.StatusForbidden)
	c.call("GET", "/api/v1/me/assignments", indiaTok, nil, http.StatusForbidden)
	evaluatorCheckSeen(t, c)
}

// evaluatorCheckSeen fails for every documented status of the evaluators'
// operations that c never saw.
func evaluatorCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "evaluator.json")
}
