package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// setupPath is the call's set-up page, with an optional tail.
func (f *evalFixture) setupPath(tail string) string {
	return fmt.Sprintf("/appels/%d/evaluation%s", f.call.ID, tail)
}

// postStatus posts a form and checks the status.
func (f *evalFixture) postStatus(c *client, path string, form url.Values, want int) string {
	f.e.t.Helper()
	res := c.post(path, form)
	b := body(f.e.t, res)
	if res.StatusCode != want {
		f.e.t.Fatalf("POST %s: got status %d; want %d\n%s", path, res.StatusCode, want, pageExcerpt(b))
	}
	return html.UnescapeString(b)
}

// read fetches a page, checks its status and returns its text unescaped.
func (f *evalFixture) read(c *client, path string, want int) string {
	f.e.t.Helper()
	return html.UnescapeString(f.page(c, path, want))
}

// setupForm is the set-up form as an officer fills it: two criteria in
// French and Spanish, an empty row, tie-breaks and both pools.
func (f *evalFixture) setupForm() url.Values {
	return url.Values{
		"criteria.0.code": {"impact"}, "criteria.0.texts.fr.title": {"Impact attendu"},
		"criteria.0.texts.es.title": {"Impacto esperado"}, "criteria.0.texts.es.description": {"¿Qué cambia para los habitantes?"},
		"criteria.0.weight": {"3"}, "criteria.0.threshold": {"2,5"},
		"criteria.1.code": {""}, "criteria.1.texts.fr.title": {""}, "criteria.1.weight": {""},
		"criteria.2.code": {"partnership"}, "criteria.2.texts.fr.title": {"Qualité du partenariat"},
		"criteria.2.texts.es.title": {"Calidad de la asociación"}, "criteria.2.weight": {"1"},
		"threshold":    {"3"},
		"tie_breaks.0": {"criterion:impact"}, "tie_breaks.1": {"smaller_request"}, "tie_breaks.2": {""},
		"per_application": {"2"}, "divergence_bp": {"25"},
		"pools.0.evaluator_ids": {strconv.FormatInt(f.evaluators[0].ID, 10), strconv.FormatInt(f.evaluators[1].ID, 10)},
		"pools.1.evaluator_ids": {strconv.FormatInt(f.evaluators[2].ID, 10), strconv.FormatInt(f.evaluators[3].ID, 10),
			strconv.FormatInt(f.outsider.ID, 10)},
		"action": {"save"},
	}
}

func TestEvalSetupPageRoundTrip(t *testing.T) {
	f := newEvalFixture(t)
	officer := f.as(f.officer)
	b := f.read(officer, f.setupPath(""), http.StatusOK)
	for _, want := range []string{`value="Pertinence"`, `value="Pertinencia"`, `lang="es"`, `name="criteria.4.code"`, "eval.paris", `aria-current="page"`} {
		if !strings.Contains(b, want) {
			t.Errorf("set-up page: missing %q", want)
		}
	}

	// The chooser searches without saving.
	form := f.setupForm()
	form.Set("action", "search")
	form.Set("q", "outsider")
	b = f.postStatus(officer, f.setupPath(""), form, http.StatusOK)
	if !strings.Contains(b, "eval.outsider@example.org") || strings.Contains(b, "eval.nantes@example.org</span>") {
		t.Errorf("search for outsider: the chooser should list the outsider alone")
	}
	if !strings.Contains(b, `value="Impacto esperado"`) {
		t.Errorf("search: what was typed is lost")
	}

	res := officer.post(f.setupPath(""), f.setupForm())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: got %d; want 303\n%s", res.StatusCode, pageExcerpt(body(t, res)))
	}
	g, s, err := f.e.db.EvaluationSetup(context.Background(), f.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Criteria) != 2 || g.Criteria[0].Code != "impact" || g.Criteria[0].Texts["es"].Title != "Impacto esperado" ||
		g.Criteria[0].Threshold != 5 || g.Criteria[0].Weight != 3 || g.Criteria[1].Code != "partnership" {
		t.Errorf("criteria: got %+v", g.Criteria)
	}
	if g.Threshold != 6 || len(g.TieBreaks) != 2 || g.TieBreaks[0] != (coopdec.TieBreak{Kind: coopdec.TieBreakCriterion, Criterion: "impact"}) ||
		g.TieBreaks[1].Kind != coopdec.TieBreakSmallerRequest {
		t.Errorf("threshold and tie-breaks: got %v %+v", g.Threshold, g.TieBreaks)
	}
	if s.DivergenceBP != 2500 || s.PerApplication != 2 || len(s.Pools) != 2 || len(s.Pools[1].EvaluatorIDs) != 3 {
		t.Errorf("set-up: got %+v", s)
	}
	events, _, err := f.e.db.ListAudit(t.Context(), sqldbAuditFilter(coopdec.AuditEvaluationSetup), coopdec.NewPage(1, 10))
	if err != nil || len(events) == 0 {
		t.Errorf("the set-up change is not in the audit trail (%v)", err)
	}
	b = f.read(officer, f.setupPath("?ok=saved"), http.StatusOK)
	if !strings.Contains(b, "sont enregistrés") || !strings.Contains(b, `value="25"`) || !strings.Contains(b, `value="2,5"`) {
		t.Errorf("page after saving: the flash or the saved values are missing")
	}

	// The Argentine co-manager reads, in Spanish texts too, but cannot change.
	ar := f.as(f.argentinaUser)
	b = f.read(ar, f.setupPath(""), http.StatusOK)
	if !strings.Contains(b, "Impacto esperado") || strings.Contains(b, `action="/appels/`+strconv.FormatInt(f.call.ID, 10)+`/evaluation" `) {
		t.Errorf("co-manager: the set-up should be shown read-only")
	}
	f.postStatus(ar, f.setupPath(""), f.setupForm(), http.StatusForbidden)
}

func TestEvalSetupValidationMessages(t *testing.T) {
	f := newEvalFixture(t)
	officer := f.as(f.officer)
	form := f.setupForm()
	form.Set("criteria.0.texts.fr.title", "")
	form.Set("criteria.0.weight", "lourd")
	form.Set("criteria.2.threshold", "7")
	form.Set("divergence_bp", "beaucoup")
	form.Del("pools.1.evaluator_ids")
	b := f.postStatus(officer, f.setupPath(""), form, http.StatusUnprocessableEntity)
	for _, want := range []string{
		"Donnez un intitulé en français au critère",
		"Indiquez le poids par un nombre entier de 1 à 100.",
		"Une note va de 0 à 5, par demi-points",
		"Indiquez un pourcentage",
		"Ce vivier doit compter au moins 1 évaluateur(s)",
		`href="#criteria.0.weight"`, `id="criteria.0.weight-error"`, `value="lourd"`, `value="beaucoup"`, `value="Impacto esperado"`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("validation page: missing %q", want)
		}
	}
	g, _, err := f.e.db.EvaluationSetup(context.Background(), f.call.ID)
	if err != nil || g.Criteria[0].Code != "relevance" {
		t.Errorf("a refused form changed the stored grid: %+v, %v", g, err)
	}
}

func TestEvalSetupAPI(t *testing.T) {
	f := newEvalFixture(t)
	c := f.e.apiContract()
	officer, ar := f.e.token(f.officer), f.e.token(f.argentinaUser)
	path := fmt.Sprintf("/api/v1/calls/%d/evaluation-setup", f.call.ID)

	var doc apiSetupDoc
	c.call("GET", path, officer, nil, http.StatusOK).decode(&doc)
	if len(doc.Criteria) != 2 || doc.Criteria[0].Texts["es"].Title != "Pertinencia" || doc.Criteria[0].Threshold != 2 || doc.DivergenceBP != 3000 {
		t.Errorf("GET: got %+v", doc)
	}
	if len(doc.Pools) != 2 || doc.Pools[1].PartyName != "Cancillería argentina" {
		t.Errorf("GET pools: got %+v", doc.Pools)
	}
	req := map[string]any{
		"criteria": []map[string]any{
			{"code": "impact", "weight": 2, "threshold": 3.5, "texts": map[string]any{
				"fr": map[string]string{"title": "Impact", "description": "Ce qui change."},
				"es": map[string]string{"title": "Impacto", "description": "Lo que cambia."}}},
		},
		"threshold":  2.5,
		"tie_breaks": []map[string]string{{"kind": "submission"}},
		"pools": []map[string]any{
			{"party": 0, "evaluator_ids": []int64{f.evaluators[0].ID, f.evaluators[1].ID}},
			{"party": f.argentina.ID, "evaluator_ids": []int64{f.evaluators[2].ID}},
		},
		"divergence_bp": 2000,
	}
	c.call("PUT", path, officer, req, http.StatusOK).decode(&doc)
	if doc.Criteria[0].Threshold != 3.5 || doc.Threshold != 2.5 || doc.PerApplication != 2 || doc.DivergenceBP != 2000 {
		t.Errorf("PUT: got %+v", doc)
	}
	g, _, _ := f.e.db.EvaluationSetup(context.Background(), f.call.ID)
	if g.Criteria[0].Texts["es"].Description != "Lo que cambia." {
		t.Errorf("stored: got %+v", g.Criteria)
	}

	// Bad input: every field named, in the reader's language.
	bad := map[string]any{
		"criteria":  []map[string]any{{"code": "Bad Code", "weight": 0, "threshold": 2.2, "texts": map[string]any{"fr": map[string]string{"title": ""}}}},
		"threshold": 6.0,
		"pools":     []map[string]any{{"party": 0, "evaluator_ids": []int64{}}},
	}
	fields := c.invalid("PUT", path, officer, bad, http.StatusUnprocessableEntity).fields()
	for _, want := range []string{"criteria.0.code", "criteria.0.weight", "criteria.0.threshold", "criteria.0.texts.fr.title"} {
		if !slices.Contains(fields, want) {
			t.Errorf("422: fields %v lack %s", fields, want)
		}
	}
	p := c.call("PUT", path, officer, map[string]any{"criteria": []map[string]any{}, "pools": []map[string]any{}}, http.StatusUnprocessableEntity).problem()
	if !strings.Contains(p.Detail, "Ajoutez au moins un critère") {
		t.Errorf("422 detail: got %q; want the French message", p.Detail)
	}

	// The co-manager reads but cannot change; others are refused.
	c.call("GET", path, ar, nil, http.StatusOK)
	c.call("PUT", path, ar, req, http.StatusForbidden)
	for _, u := range []*coopdec.User{f.indiaUser, f.evaluators[0], f.lyonUser} {
		tok := f.e.token(u)
		c.call("GET", path, tok, nil, http.StatusForbidden)
		c.call("PUT", path, tok, req, http.StatusForbidden)
	}
	c.anonymous("GET", path, nil)
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d/evaluation-setup", f.indiaCall.ID), officer, nil, http.StatusNotFound)

	// Evaluators for the pools: officers only, filtered.
	var page struct {
		Items []apiEvaluatorDoc `json:"items"`
		Total int               `json:"total"`
	}
	c.call("GET", "/api/v1/evaluators?q=rosario", officer, nil, http.StatusOK).decode(&page)
	if page.Total != 1 || page.Items[0].ID != f.evaluators[2].ID {
		t.Errorf("evaluators?q=rosario: got %+v", page)
	}
	c.call("GET", "/api/v1/evaluators", officer, nil, http.StatusOK).decode(&page)
	if page.Total != 5 {
		t.Errorf("evaluators: got %d; want 5", page.Total)
	}
	c.call("GET", "/api/v1/evaluators", ar, nil, http.StatusForbidden)
	c.invalid("GET", "/api/v1/evaluators?per_page=1000", officer, nil, http.StatusUnprocessableEntity)
}

// admitAll declares both applications admissible, as the officer's bulk
// button does.
func (f *evalFixture) admitAll(officer *client) {
	f.e.t.Helper()
	f.postStatus(officer, f.setupPath("/recevabilite"), url.Values{}, http.StatusSeeOther)
}

func TestAdmissibility(t *testing.T) {
	f := newEvalFixture(t)
	officer := f.as(f.officer)
	ctx := context.Background()
	b := f.read(officer, f.setupPath("/recevabilite"), http.StatusOK)
	if !strings.Contains(b, f.lyonApp.ReceiptNumber) || !strings.Contains(b, f.marApp.ReceiptNumber) || !strings.Contains(b, "À examiner") {
		t.Errorf("admissibility page: both applications should be listed, undecided")
	}
	lyon := fmt.Sprintf("/candidatures/%d/recevabilite", f.lyonApp.ID)
	// Overriding the automatic result needs a reason.
	b = f.postStatus(officer, lyon, url.Values{"admissible": {"no"}, "reason": {"  "}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Ce champ est obligatoire.") || !strings.Contains(b, fmt.Sprintf(`id="reason-%d-error"`, f.lyonApp.ID)) {
		t.Errorf("override without a reason: the error is not shown on the row's reason")
	}
	if _, err := f.e.db.Admissibility(ctx, f.lyonApp.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("a refused decision was stored: %v", err)
	}
	f.postStatus(officer, lyon, url.Values{"admissible": {"no"}, "reason": {"Le partenaire n'a pas signé."}}, http.StatusSeeOther)
	ad, err := f.e.db.Admissibility(ctx, f.lyonApp.ID)
	if err != nil || ad.Admissible || !ad.Overrides() || ad.Reason != "Le partenaire n'a pas signé." {
		t.Fatalf("override: got %+v, %v", ad, err)
	}
	// The bulk confirmation leaves decided applications alone.
	f.admitAll(officer)
	if ad, _ := f.e.db.Admissibility(ctx, f.lyonApp.ID); ad.Admissible {
		t.Errorf("bulk confirmation overrode the officer's decision")
	}
	if ad, err := f.e.db.Admissibility(ctx, f.marApp.ID); err != nil || !ad.Admissible || ad.Overrides() {
		t.Errorf("bulk confirmation: Marseille got %+v, %v", ad, err)
	}
	b = f.read(officer, f.setupPath("/recevabilite?ok=confirmed&n=1"), http.StatusOK)
	if !strings.Contains(b, "1 dossier(s) éligible(s) déclaré(s) recevable(s).") || !strings.Contains(b, "résultat automatique écarté") {
		t.Errorf("page after the bulk confirmation: flash or override mark missing")
	}

	// API: the same rules, in English for an English reader.
	c := f.e.apiContract()
	tok := f.e.token(f.officer)
	put := fmt.Sprintf("/api/v1/applications/%d/admissibility", f.marApp.ID)
	p := c.send(apiCall{method: "PUT", path: put, token: tok, body: map[string]any{"admissible": false},
		header: map[string]string{"Accept-Language": "en"}, want: http.StatusUnprocessableEntity}).problem()
	if len(p.Errors) != 1 || p.Errors[0].Field != "reason" {
		t.Errorf("override without a reason: got %+v", p)
	}
	var doc apiAdmissibilityDoc
	c.call("PUT", put, tok, map[string]any{"admissible": false, "reason": "Budget incohérent."}, http.StatusOK).decode(&doc)
	if doc.Admissible || !doc.Overrides || doc.Automatic == nil || !*doc.Automatic {
		t.Errorf("PUT: got %+v", doc)
	}
	var list struct {
		Items []apiAdmissibilityItem `json:"items"`
		Total int                    `json:"total"`
	}
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d/admissibility", f.call.ID), f.e.token(f.argentinaUser), nil, http.StatusOK).decode(&list)
	if list.Total != 2 || list.Items[0].Decision == nil {
		t.Errorf("GET admissibility: got %+v", list)
	}
	c.call("PUT", put, f.e.token(f.argentinaUser), map[string]any{"admissible": true}, http.StatusForbidden)
	c.call("PUT", put, f.e.token(f.indiaUser), map[string]any{"admissible": true}, http.StatusNotFound)
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d/admissibility", f.call.ID), f.e.token(f.indiaUser), nil, http.StatusForbidden)
	f.postStatus(f.as(f.argentinaUser), lyon, url.Values{"admissible": {"yes"}}, http.StatusForbidden)
	f.postStatus(f.as(f.argentinaUser), f.setupPath("/recevabilite"), url.Values{}, http.StatusForbidden)
}

func TestAutomaticAssignmentBalancedWithoutConflicts(t *testing.T) {
	f := newEvalFixture(t)
	ctx := context.Background()
	officer := f.as(f.officer)
	f.admitAll(officer)

	// Both ministry evaluators work for Lyon: its application cannot get a
	// ministry evaluator, and the officer is told why.
	f.e.member(f.evaluators[0], f.lyon, coopdec.MemberRoleMember)
	f.e.member(f.evaluators[1], f.lyon, coopdec.MemberRoleMember)
	b := f.postStatus(officer, f.setupPath("/affectations"), url.Values{}, http.StatusConflict)
	want := fmt.Sprintf("Le dossier %s doit recevoir 1 évaluateur(s) du vivier du ministère, mais seuls 0 peuvent le prendre : 2 sont en conflit d'intérêts", f.lyonApp.ReceiptNumber)
	if !strings.Contains(b, want) {
		t.Errorf("impossible assignment: missing %q\n%s", want, pageExcerpt(b))
	}
	if list, _ := f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: f.call.ID}); len(list) != 0 {
		t.Fatalf("a refused plan stored %d assignments", len(list))
	}

	// Only the first still works for Lyon: the second takes Lyon's.
	if err := f.e.db.RemoveMembership(ctx, f.evaluators[1].ID, f.lyon.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	f.postStatus(officer, f.setupPath("/affectations"), url.Values{}, http.StatusSeeOther)
	list, err := f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: f.call.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 {
		t.Fatalf("assignments: got %d; want 4", len(list))
	}
	perApp := map[int64]map[coopdec.Party]int{}
	load := map[int64]int{}
	for _, as := range list {
		if as.ApplicationID == f.lyonApp.ID && as.EvaluatorID == f.evaluators[0].ID {
			t.Errorf("the evaluator who works for Lyon is assigned Lyon's application")
		}
		if perApp[as.ApplicationID] == nil {
			perApp[as.ApplicationID] = map[coopdec.Party]int{}
		}
		perApp[as.ApplicationID][as.Party]++
		load[as.EvaluatorID]++
	}
	for app, parties := range perApp {
		if parties[coopdec.MinistryParty] != 1 || parties[coopdec.Party(f.argentina.ID)] != 1 {
			t.Errorf("application %d: got parties %v; want one evaluator from each", app, parties)
		}
	}
	for _, ev := range f.evaluators {
		if load[ev.ID] != 1 {
			t.Errorf("evaluator %s: load %d; want 1 (balanced)", ev.Email, load[ev.ID])
		}
	}
	b = f.read(officer, f.setupPath("/affectations?ok=assigned&n=4"), http.StatusOK)
	for _, want := range []string{"4 affectation(s) créée(s).", "attend la confirmation d'absence de conflit", "Cancillería argentina", `aria-current="page"`} {
		if !strings.Contains(b, want) {
			t.Errorf("assignments page: missing %q", want)
		}
	}

	// Nothing more to assign: the API says so with an empty list.
	c := f.e.apiContract()
	var items struct {
		Items []apiAssignmentDoc `json:"items"`
	}
	c.call("POST", fmt.Sprintf("/api/v1/calls/%d/assignments", f.call.ID), f.e.token(f.officer), nil, http.StatusOK).decode(&items)
	if len(items.Items) != 0 {
		t.Errorf("second run: got %d assignments; want none", len(items.Items))
	}
	var doc apiAssignmentListDoc
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d/assignments", f.call.ID), f.e.token(f.argentinaUser), nil, http.StatusOK).decode(&doc)
	if len(doc.Items) != 4 || len(doc.Loads) != 4 || doc.Items[0].State != "awaiting" {
		t.Errorf("GET assignments: got %+v", doc)
	}
}

func TestAssignmentAPIRunAndDenials(t *testing.T) {
	f := newEvalFixture(t)
	f.admitAll(f.as(f.officer))
	c := f.e.apiContract()
	path := fmt.Sprintf("/api/v1/calls/%d/assignments", f.call.ID)
	for _, u := range []*coopdec.User{f.argentinaUser, f.indiaUser, f.evaluators[0], f.lyonUser} {
		c.call("POST", path, f.e.token(u), nil, http.StatusForbidden)
	}
	c.anonymous("POST", path, nil)
	for _, u := range []*coopdec.User{f.indiaUser, f.evaluators[0], f.lyonUser} {
		c.call("GET", path, f.e.token(u), nil, http.StatusForbidden)
	}
	var items struct {
		Items []apiAssignmentDoc `json:"items"`
	}
	c.call("POST", path, f.e.token(f.officer), nil, http.StatusCreated).decode(&items)
	if len(items.Items) != 4 || items.Items[0].AssignedBy != nil {
		t.Fatalf("run: got %+v", items)
	}
	as := items.Items[0]
	re := fmt.Sprintf("/api/v1/assignments/%d/reassignment", as.ID)
	c.call("POST", re, f.e.token(f.argentinaUser), map[string]any{"to_evaluator_id": f.outsider.ID, "reason": "x"}, http.StatusForbidden)
	// Those who do not run the call do not learn the assignment exists.
	c.call("POST", re, f.e.token(f.evaluators[0]), map[string]any{"to_evaluator_id": f.outsider.ID, "reason": "x"}, http.StatusNotFound)
	c.call("POST", re, f.e.token(f.indiaUser), map[string]any{"to_evaluator_id": f.outsider.ID, "reason": "x"}, http.StatusNotFound)
}

func TestReassignmentNeedsReasonAndIsAudited(t *testing.T) {
	f := newEvalFixture(t)
	ctx := context.Background()
	officer := f.as(f.officer)
	f.admitAll(officer)
	list := f.assign()
	var from coopdec.Assignment
	for _, as := range list {
		if as.ApplicationID == f.lyonApp.ID && as.Party == coopdec.MinistryParty {
			from = as
		}
	}
	to := f.evaluators[0]
	if from.EvaluatorID == to.ID {
		to = f.evaluators[1]
	}
	path := fmt.Sprintf("/affectations/%d/reaffectation", from.ID)
	b := f.postStatus(officer, path, url.Values{"to_evaluator_id": {strconv.FormatInt(to.ID, 10)}, "reason": {""}}, http.StatusUnprocessableEntity)
	if !strings.Contains(b, "Ce champ est obligatoire.") || !strings.Contains(b, fmt.Sprintf(`id="reason-%d-error"`, from.ID)) {
		t.Errorf("reassignment without a reason: error not shown on the row")
	}
	// An evaluator outside the pools is refused.
	b = f.postStatus(officer, path, url.Values{"to_evaluator_id": {strconv.FormatInt(f.outsider.ID, 10)}, "reason": {"Indisponible."}}, http.StatusConflict)
	if !strings.Contains(b, "ne figure dans aucun vivier") {
		t.Errorf("reassignment to an evaluator outside the pools: the refusal is not explained")
	}
	f.postStatus(f.as(f.argentinaUser), path, url.Values{"to_evaluator_id": {strconv.FormatInt(to.ID, 10)}, "reason": {"Indisponible."}}, http.StatusForbidden)
	f.postStatus(f.as(f.indiaUser), path, url.Values{"to_evaluator_id": {strconv.FormatInt(to.ID, 10)}, "reason": {"Indisponible."}}, http.StatusNotFound)

	f.postStatus(officer, path, url.Values{"to_evaluator_id": {strconv.FormatInt(to.ID, 10)}, "reason": {"Évaluateur indisponible en mai."}}, http.StatusSeeOther)
	now, err := f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{ApplicationID: f.lyonApp.ID})
	if err != nil {
		t.Fatal(err)
	}
	ended, created := false, false
	for _, as := range now {
		if as.ID == from.ID && as.EndReason == coopdec.EndReassigned && as.EndNote == "Évaluateur indisponible en mai." {
			ended = true
		}
		if as.EvaluatorID == to.ID && as.Active() && as.AssignedBy == f.officer.ID {
			created = true
		}
	}
	if !ended || !created {
		t.Errorf("after reassignment: got %+v", now)
	}
	events, _, err := f.e.db.ListAudit(ctx, sqldbAuditFilter(coopdec.AuditAssignmentEnd), coopdec.NewPage(1, 10))
	if err != nil || len(events) != 1 || !strings.Contains(events[0].Details, "Évaluateur indisponible en mai.") || events[0].ActorID != f.officer.ID {
		t.Errorf("audit of the reassignment: got %+v, %v", events, err)
	}
	b = f.read(officer, f.setupPath("/affectations"), http.StatusOK)
	if !strings.Contains(b, "réaffecté : Évaluateur indisponible en mai.") {
		t.Errorf("assignments page: the ended assignment and its reason are not shown")
	}

	// API: a reason is required too.
	c := f.e.apiContract()
	var back coopdec.Assignment
	for _, as := range now {
		if as.EvaluatorID == to.ID && as.Active() {
			back = as
		}
	}
	re := fmt.Sprintf("/api/v1/assignments/%d/reassignment", back.ID)
	tok := f.e.token(f.officer)
	fields := c.invalid("POST", re, tok, map[string]any{"to_evaluator_id": from.EvaluatorID}, http.StatusUnprocessableEntity).fields()
	if !slices.Contains(fields, "reason") {
		t.Errorf("reassignment without a reason: fields %v", fields)
	}
	// The one who was on the application cannot come back.
	c.call("POST", re, tok, map[string]any{"to_evaluator_id": from.EvaluatorID, "reason": "Retour."}, http.StatusConflict)
}

func TestExtraEvaluatorForDivergence(t *testing.T) {
	f := newEvalFixture(t)
	ctx := context.Background()
	officer := f.as(f.officer)
	list := f.assign()
	high := true
	for _, as := range list {
		if as.ApplicationID != f.lyonApp.ID {
			continue
		}
		if high {
			f.evaluate(as, 10, 10)
		} else {
			f.evaluate(as, 0, 0)
		}
		high = false
	}
	b := f.read(officer, f.setupPath("/affectations"), http.StatusOK)
	if !strings.Contains(b, "Évaluations divergentes (écart de 100 % de l'échelle)") || !strings.Contains(b, "évaluation envoyée") {
		t.Errorf("assignments page: the divergence is not flagged")
	}
	c := f.e.apiContract()
	tok := f.e.token(f.officer)
	c.call("POST", fmt.Sprintf("/api/v1/applications/%d/extra-evaluator", f.marApp.ID), tok, nil, http.StatusConflict)
	f.postStatus(f.as(f.argentinaUser), fmt.Sprintf("/candidatures/%d/evaluateur-supplementaire", f.lyonApp.ID), url.Values{}, http.StatusForbidden)

	var doc apiAssignmentListDoc
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d/assignments?application_id=%d", f.call.ID, f.lyonApp.ID), tok, nil, http.StatusOK).decode(&doc)
	if !slices.Equal(doc.Divergent, []int64{f.lyonApp.ID}) || len(doc.Items) != 2 || doc.Items[0].State != "submitted" {
		t.Errorf("GET assignments: got %+v", doc)
	}

	f.postStatus(officer, fmt.Sprintf("/candidatures/%d/evaluateur-supplementaire", f.lyonApp.ID), url.Values{}, http.StatusSeeOther)
	now, _ := f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{ApplicationID: f.lyonApp.ID})
	extras := 0
	for _, as := range now {
		if as.Extra && as.Active() {
			extras++
		}
	}
	if len(now) != 3 || extras != 1 {
		t.Errorf("after the extra: got %+v; want a third, extra, assignment", now)
	}
}

func TestEvalSetupPagesDenied(t *testing.T) {
	f := newEvalFixture(t)
	f.assign()
	paths := []string{f.setupPath(""), f.setupPath("/recevabilite"), f.setupPath("/affectations")}
	res := f.e.client().get(paths[0])
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion?next=") {
		t.Errorf("anonymous: got %d %q; want a redirect to the login page", res.StatusCode, res.Header.Get("Location"))
	}
	if res := f.e.client().post(paths[2], url.Values{}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous POST: got %d; want 401", res.StatusCode)
	}
	for _, u := range []*coopdec.User{f.indiaUser, f.evaluators[0], f.lyonUser} {
		c := f.as(u)
		for _, p := range paths {
			f.page(c, p, http.StatusNotFound)
		}
		f.postStatus(c, paths[0], f.setupForm(), http.StatusNotFound)
		f.postStatus(c, paths[2], url.Values{}, http.StatusNotFound)
		f.postStatus(c, fmt.Sprintf("/candidatures/%d/recevabilite", f.lyonApp.ID), url.Values{"admissible": {"yes"}}, http.StatusNotFound)
	}
	ar := f.as(f.argentinaUser)
	for _, p := range paths {
		b := f.read(ar, p, http.StatusOK)
		for _, action := range []string{`method="post" action="` + p + `"`, "/reaffectation", `/recevabilite" novalidate`, "evaluateur-supplementaire"} {
			if strings.Contains(b, action) {
				t.Errorf("co-manager on %s: the page offers the action %s", p, action)
			}
		}
	}
	f.postStatus(ar, paths[2], url.Values{}, http.StatusForbidden)
	// Another call's pages are not the Indian co-manager's either way.
	f.page(f.as(f.indiaUser), fmt.Sprintf("/appels/%d/evaluation", f.indiaCall.ID), http.StatusOK)
}
