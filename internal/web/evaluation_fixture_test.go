package web

import (
	"context"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// evalFixture is the Franco-Argentine call of officerFixture, moved to
// evaluation, with what the evaluation, committee and decision pages work
// on: two submitted applications (Lyon's and Marseille's), four evaluators
// with their declarations (two in the ministry's pool, two in Argentina's),
// an evaluator of another pool, the embassy of France in Argentina and one
// of its staff, and the call's grid and set-up saved by the officer.
// Nothing is assigned yet: tests call assign when they need it.
type evalFixture struct {
	*officerFixture
	evaluators      []*coopdec.User // 0, 1: ministry pool; 2, 3: Argentina's
	outsider        *coopdec.User   // an evaluator in no pool of the call
	embassy         *coopdec.Organisation
	embassyUser     *coopdec.User
	lyonApp, marApp *coopdec.Application
	grid            coopdec.Grid
	setup           coopdec.EvaluationSetup
	clock           *appClock // 41 days on: the call closed after its deadline
}

func newEvalFixture(t *testing.T) *evalFixture {
	t.Helper()
	ctx := context.Background()
	f := &evalFixture{officerFixture: newOfficerFixture(t), clock: &appClock{}}
	e := f.e
	e.db.Now = f.clock.now
	for _, email := range []string{"eval.paris@example.org", "eval.nantes@example.org", "eval.rosario@example.org", "eval.cordoba@example.org"} {
		u := e.user(email, coopdec.RoleEvaluator)
		if err := e.db.SaveDeclaration(ctx, u, &coopdec.Declaration{EvaluatorID: u.ID,
			Organisations: []coopdec.DeclaredOrganisation{{Name: "Université " + email[5:10], Role: "enseignant", Current: true}}}, coopdec.Actor{}); err != nil {
			t.Fatalf("SaveDeclaration %s: %v", email, err)
		}
		f.evaluators = append(f.evaluators, u)
	}
	f.outsider = e.user("eval.outsider@example.org", coopdec.RoleEvaluator)
	f.embassy = e.org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Argentine", Country: "AR"})
	f.embassyUser = e.user("embassy.ar@example.org", coopdec.RoleEmbassy)
	e.member(f.embassyUser, f.embassy, coopdec.MemberRoleMember)

	f.lyonApp, _ = f.submitted(f.application(f.lyon, "Lyon à vélo avec Rosario"), f.lyonUser)
	f.marApp, _ = f.submitted(f.application(f.marseille, "Marseille et Rosario : l'eau pour tous"), f.marseilleUser)

	// The deadline passes; the call closes and goes to evaluation.
	f.clock.set(41 * 24 * time.Hour)
	for _, to := range []coopdec.CallStatus{coopdec.CallClosed, coopdec.CallEvaluation} {
		if err := e.db.SetCallStatus(ctx, f.call.ID, f.reloadCall().Status, to, coopdec.Actor{UserID: f.officer.ID}); err != nil {
			t.Fatalf("SetCallStatus → %s: %v", to, err)
		}
	}

	f.grid = coopdec.Grid{
		Criteria: []coopdec.Criterion{
			{Code: "relevance", Weight: 2, Threshold: 4, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Pertinence", Description: "Le projet répond-il aux besoins du territoire partenaire ?"},
				"es": {Title: "Pertinencia", Description: "¿Responde el proyecto a las necesidades del territorio socio?"}}},
			{Code: "partnership", Weight: 1, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Qualité du partenariat"}, "es": {Title: "Calidad de la asociación"}}},
		},
		Threshold: 5,
		TieBreaks: []coopdec.TieBreak{{Kind: coopdec.TieBreakCriterion, Criterion: "relevance"}, {Kind: coopdec.TieBreakSubmission}},
	}
	f.setup = coopdec.EvaluationSetup{Pools: []coopdec.Pool{
		{Party: coopdec.MinistryParty, EvaluatorIDs: []int64{f.evaluators[0].ID, f.evaluators[1].ID}},
		{Party: coopdec.Party(f.argentina.ID), EvaluatorIDs: []int64{f.evaluators[2].ID, f.evaluators[3].ID}},
	}}
	if err := e.db.SetEvaluationSetup(ctx, f.account(f.officer), f.call.ID, &f.grid, &f.setup, coopdec.Actor{}); err != nil {
		t.Fatalf("SetEvaluationSetup: %v", err)
	}
	f.call = f.reloadCall()
	return f
}

// assign runs the automatic assignment over the call's submitted
// applications and stores it, as the officer's button does.
func (f *evalFixture) assign() []coopdec.Assignment {
	t := f.e.t
	t.Helper()
	ctx := context.Background()
	var decls []coopdec.Declaration
	for _, u := range f.evaluators {
		d, err := f.e.db.Declaration(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		decls = append(decls, d.WithMemberships(f.account(u)))
	}
	plan, err := coopdec.Assign(coopdec.AssignmentRequest{Setup: &f.setup, Declarations: decls,
		Candidates: []coopdec.AssignmentCandidate{{Application: f.lyonApp, Lead: f.lyon}, {Application: f.marApp, Lead: f.marseille}}})
	if err != nil {
		t.Fatalf("Assign: %v", err)
	}
	if err := f.e.db.CreateAssignments(ctx, f.account(f.officer), f.call.ID, plan, "", coopdec.Actor{UserID: f.officer.ID}); err != nil {
		t.Fatalf("CreateAssignments: %v", err)
	}
	list, err := f.e.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: f.call.ID})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// evaluate confirms no conflict and submits a full evaluation of the
// assignment's application with both criteria scored as given.
func (f *evalFixture) evaluate(a coopdec.Assignment, relevance, partnership coopdec.Score) {
	t := f.e.t
	t.Helper()
	ctx := context.Background()
	u := f.account(&coopdec.User{ID: a.EvaluatorID})
	if err := f.e.db.ConfirmNoConflict(ctx, u, a.ID, coopdec.Actor{}); err != nil {
		t.Fatalf("ConfirmNoConflict: %v", err)
	}
	ev := &coopdec.Evaluation{ApplicationID: a.ApplicationID, EvaluatorID: u.ID, Comment: "Projet solide.",
		Scores: []coopdec.CriterionScore{
			{Criterion: "relevance", Score: relevance, Comment: "Besoins bien analysés."},
			{Criterion: "partnership", Score: partnership, Comment: "Partenaires engagés."}}}
	if err := f.e.db.SubmitEvaluation(ctx, u, ev, coopdec.Actor{UserID: u.ID}); err != nil {
		t.Fatalf("SubmitEvaluation: %v", err)
	}
}

func (f *evalFixture) reloadCall() *coopdec.Call {
	f.e.t.Helper()
	c, err := f.e.db.Call(context.Background(), f.call.ID)
	if err != nil {
		f.e.t.Fatal(err)
	}
	return c
}

func TestEvalFixture(t *testing.T) {
	f := newEvalFixture(t)
	list := f.assign()
	if len(list) != 4 {
		t.Fatalf("assignments: got %d; want 4 (two per application)", len(list))
	}
	for _, a := range list {
		f.evaluate(a, 8, 6)
	}
}
