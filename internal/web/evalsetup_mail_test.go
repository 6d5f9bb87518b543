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

// mailsTo counts the emails sent to to so far.
func (f *evalFixture) mailsTo(to string) int {
	n := 0
	for _, m := range f.e.mail.Messages() {
		if m.To == to {
			n++
		}
	}
	return n
}

// activeOn returns the active assignment of evaluator on application app.
func activeOn(list []coopdec.Assignment, app, evaluator int64) (coopdec.Assignment, bool) {
	for _, as := range list {
		if as.ApplicationID == app && as.EvaluatorID == evaluator && as.Active() {
			return as, true
		}
	}
	return coopdec.Assignment{}, false
}

func TestAssignmentMails(t *testing.T) {
	f := newEvalFixture(t)
	ctx := context.Background()
	officer := f.as(f.officer)
	ev0, ev2, ev3 := f.evaluators[0], f.evaluators[2], f.evaluators[3]
	// One ministry evaluator takes both applications; Argentina's two
	// share them. Rosario's evaluator reads Spanish.
	f.setup.Pools[0].EvaluatorIDs = []int64{ev0.ID}
	if err := f.e.db.SetEvaluationSetup(ctx, f.account(f.officer), f.call.ID, &f.grid, &f.setup, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.e.db.SetLanguage(ctx, ev2.ID, "es", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	f.admitAll(officer)
	f.e.startJobs()

	// The automatic run: one email per evaluator, listing their new
	// applications, in their language, with the link to their list.
	f.postStatus(officer, f.setupPath("/affectations"), url.Values{}, http.StatusSeeOther)
	m := f.e.waitMail(ev0.Email, "2 dossier(s) à évaluer")
	for _, want := range []string{f.lyonApp.ReceiptNumber + " — Lyon à vélo avec Rosario",
		f.marApp.ReceiptNumber + " — Marseille et Rosario : l'eau pour tous", "/evaluateur\n", "conflit d'intérêts"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("email to the ministry's evaluator: missing %q\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.Subject, callTitle(f.call, "fr")) {
		t.Errorf("subject %q: the call is not named", m.Subject)
	}
	es := f.e.waitMail(ev2.Email, "1 solicitud(es) por evaluar")
	if !strings.Contains(es.Text, "ES ") || !strings.Contains(es.Text, "Buenos días") {
		t.Errorf("email in Spanish: got\n%s", es.Text)
	}
	f.e.waitMail(ev3.Email, "1 dossier(s) à évaluer")
	for _, u := range []*coopdec.User{ev0, ev2, ev3} {
		if n := f.mailsTo(u.Email); n != 1 {
			t.Errorf("%s: got %d emails; want 1", u.Email, n)
		}
	}
	if n := f.mailsTo(f.evaluators[1].Email); n != 0 {
		t.Errorf("an evaluator out of the pools got %d emails; want none", n)
	}

	// A reassignment: the new evaluator is told, with the officer's reason.
	list, err := f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: f.call.ID})
	if err != nil {
		t.Fatal(err)
	}
	from, ok := activeOn(list, f.lyonApp.ID, ev2.ID)
	if !ok {
		from, _ = activeOn(list, f.lyonApp.ID, ev3.ID)
	}
	to := ev2
	if from.EvaluatorID == ev2.ID {
		to = ev3
	}
	f.postStatus(officer, fmt.Sprintf("/affectations/%d/reaffectation", from.ID),
		url.Values{"to_evaluator_id": {strconv.FormatInt(to.ID, 10)}, "reason": {"Évaluateur indisponible en mai."}}, http.StatusSeeOther)
	subject := "Dossier à évaluer"
	if to.ID == ev2.ID {
		subject = "Solicitud por evaluar"
	}
	m = f.e.waitMail(to.Email, subject)
	for _, want := range []string{f.lyonApp.ReceiptNumber, "Évaluateur indisponible en mai.", "/evaluateur\n"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("reassignment email: missing %q\n%s", want, m.Text)
		}
	}

	// An extra evaluator on a divergent application is told why.
	list, err = f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{ApplicationID: f.marApp.ID})
	if err != nil {
		t.Fatal(err)
	}
	score := coopdec.Score(10)
	var onMar []int64
	for _, as := range list {
		if as.Active() {
			f.evaluate(as, score, score)
			score = 0
			onMar = append(onMar, as.EvaluatorID)
		}
	}
	extra := ev2
	if onMar[1] == ev2.ID || onMar[0] == ev2.ID {
		extra = ev3
	}
	before := f.mailsTo(extra.Email)
	c := f.e.apiContract()
	c.call("POST", fmt.Sprintf("/api/v1/applications/%d/extra-evaluator", f.marApp.ID), f.e.token(f.officer), nil, http.StatusCreated)
	mark := "évaluation supplémentaire"
	if extra.ID == ev2.ID {
		mark = "evaluación adicional"
	}
	m = f.e.waitMail(extra.Email, mark)
	if !strings.Contains(m.Text, f.marApp.ReceiptNumber) || f.mailsTo(extra.Email) != before+1 {
		t.Errorf("extra evaluator's email: got\n%s", m.Text)
	}
}
