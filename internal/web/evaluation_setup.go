package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The officer's evaluation set-up of a call: its grid and pools
// (evalsetup_grid.go), the admissibility of its applications
// (evalsetup_admissibility.go), the assignment of evaluators
// (evalsetup_assignments.go), and the same through the API
// (api_evalsetup.go). Officers act; the call's co-managers read.

// evaluationSetupRoutes registers the officer's evaluation set-up: grid, pools, admissibility and assignments.
func (s *Server) evaluationSetupRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /appels/{id}/evaluation", s.requireUser(s.evalSetupPage))
	mux.HandleFunc("POST /appels/{id}/evaluation", s.requireUser(s.evalSetupSave))
	mux.HandleFunc("GET /appels/{id}/evaluation/recevabilite", s.requireUser(s.admissibilityPage))
	mux.HandleFunc("POST /appels/{id}/evaluation/recevabilite", s.requireUser(s.admissibilityConfirmAll))
	mux.HandleFunc("POST /candidatures/{id}/recevabilite", s.requireUser(s.admissibilityRecord))
	mux.HandleFunc("GET /appels/{id}/evaluation/affectations", s.requireUser(s.assignmentsPage))
	mux.HandleFunc("POST /appels/{id}/evaluation/affectations", s.requireUser(s.assignmentsRun))
	mux.HandleFunc("POST /affectations/{id}/reaffectation", s.requireUser(s.assignmentReassign))
	mux.HandleFunc("POST /candidatures/{id}/evaluateur-supplementaire", s.requireUser(s.assignmentExtra))

	mux.HandleFunc("GET /api/v1/calls/{id}/evaluation-setup", s.requireUser(s.apiEvalSetup))
	mux.HandleFunc("PUT /api/v1/calls/{id}/evaluation-setup", s.requireUser(s.apiEvalSetupPut))
	mux.HandleFunc("GET /api/v1/calls/{id}/admissibility", s.requireUser(s.apiAdmissibilityList))
	mux.HandleFunc("PUT /api/v1/applications/{id}/admissibility", s.requireUser(s.apiAdmissibilityPut))
	mux.HandleFunc("GET /api/v1/calls/{id}/assignments", s.requireUser(s.apiAssignmentList))
	mux.HandleFunc("POST /api/v1/calls/{id}/assignments", s.requireUser(s.apiAssignmentRun))
	mux.HandleFunc("POST /api/v1/assignments/{id}/reassignment", s.requireUser(s.apiReassign))
	mux.HandleFunc("POST /api/v1/applications/{id}/extra-evaluator", s.requireUser(s.apiExtraEvaluator))
	mux.HandleFunc("GET /api/v1/evaluators", s.requireUser(s.apiEvaluators))
}

// evalApplication loads the application of the path and its call for
// those who run the call's evaluation; anyone else gets deniedCode.
func (s *Server) evalApplication(r *http.Request, deniedCode string) (*coopdec.Application, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "application.not_found")
	if err != nil {
		return nil, nil, err
	}
	a, err := s.db.Application(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Call(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, err
	}
	if !coopdec.CanRunCommittee(currentUser(r), c) || a.Status == coopdec.ApplicationDraft {
		return nil, nil, coopdec.Errorf(deniedCode, "application.not_found")
	}
	return a, c, nil
}

// callLanguages lists the languages c is written in, French first.
func callLanguages(c *coopdec.Call) []string {
	out := []string{"fr"}
	for _, l := range []string{"en", "es", "pt"} {
		if _, ok := c.Texts[l]; ok {
			out = append(out, l)
		}
	}
	for l := range c.Texts {
		if !slices.Contains(out, l) && coopdec.ValidLanguage(l) {
			out = append(out, l)
		}
	}
	return out
}

// partyNames names c's parties in lang: the ministry, and each co-managing
// organisation by its name.
func (s *Server) partyNames(ctx context.Context, lang string, c *coopdec.Call) map[coopdec.Party]string {
	out := map[coopdec.Party]string{coopdec.MinistryParty: s.cat.T(lang, "evalsetup.party.ministry")}
	for _, id := range c.CoManagers {
		if o, err := s.db.Organisation(ctx, id); err == nil {
			out[coopdec.Party(id)] = o.Name
		} else {
			out[coopdec.Party(id)] = "#" + strconv.FormatInt(id, 10)
		}
	}
	return out
}

// withPartyNames replaces the organisations an error names by their
// names, which the catalogue's messages show: the call's parties from
// names, any other organisation as stored.
func (s *Server) withPartyNames(ctx context.Context, err error, names map[coopdec.Party]string) error {
	name := func(id coopdec.OrganisationArg) (string, bool) {
		if n, ok := names[coopdec.Party(id)]; ok {
			return n, true
		}
		if o, err := s.db.Organisation(ctx, int64(id)); err == nil {
			return o.Name, true
		}
		return "", false
	}
	one := func(e *coopdec.Error) *coopdec.Error {
		out := *e
		out.Args = slices.Clone(e.Args)
		for i, a := range out.Args {
			if id, ok := a.(coopdec.OrganisationArg); ok {
				if n, ok := name(id); ok {
					out.Args[i] = n
				}
			}
		}
		return &out
	}
	var list coopdec.Errors
	if errors.As(err, &list) {
		out := make(coopdec.Errors, len(list))
		for i, e := range list {
			out[i] = one(e)
		}
		return out
	}
	var e *coopdec.Error
	if errors.As(err, &e) {
		return one(e)
	}
	return err
}

// assignmentPlan plans the assignment of c's admissible applications, or,
// when app is not nil, of app alone with extra more evaluators. It reads
// the set-up, the call's assignments so far and the pooled evaluators'
// declarations with their memberships, so that no conflicted evaluator is
// ever proposed.
func (s *Server) assignmentPlan(ctx context.Context, c *coopdec.Call, app *coopdec.Application, extra int) (*coopdec.AssignmentPlan, error) {
	_, setup, err := s.db.EvaluationSetup(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	existing, err := s.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: c.ID})
	if err != nil {
		return nil, err
	}
	leads := map[int64]*coopdec.Organisation{}
	candidate := func(a *coopdec.Application) (coopdec.AssignmentCandidate, error) {
		cand := coopdec.AssignmentCandidate{Application: a}
		if a.LeadOrganisationID == 0 {
			return cand, nil
		}
		lead, ok := leads[a.LeadOrganisationID]
		if !ok {
			if lead, err = s.db.Organisation(ctx, a.LeadOrganisationID); err != nil {
				return cand, err
			}
			leads[a.LeadOrganisationID] = lead
		}
		cand.Lead = lead
		return cand, nil
	}
	var cands []coopdec.AssignmentCandidate
	if app != nil {
		cand, err := candidate(app)
		if err != nil {
			return nil, err
		}
		cand.Extra = extra
		cands = append(cands, cand)
	} else {
		apps, err := s.admissibleApplications(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			cand, err := candidate(a)
			if err != nil {
				return nil, err
			}
			cands = append(cands, cand)
		}
	}
	var decls []coopdec.Declaration
	for _, pl := range setup.Pools {
		for _, id := range pl.EvaluatorIDs {
			d, err := s.db.Declaration(ctx, id)
			if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
				continue // never assigned: Assign counts them as undeclared
			}
			if err != nil {
				return nil, err
			}
			u, err := s.db.UserByID(ctx, id)
			if err != nil {
				return nil, err
			}
			decls = append(decls, d.WithMemberships(u))
		}
	}
	return coopdec.Assign(coopdec.AssignmentRequest{Setup: setup, Candidates: cands, Declarations: decls, Existing: existing})
}

// admissibleApplications lists c's submitted applications whose standing
// admissibility decision admits them.
func (s *Server) admissibleApplications(ctx context.Context, c *coopdec.Call) ([]*coopdec.Application, error) {
	var out []*coopdec.Application
	f := coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true, Status: coopdec.ApplicationSubmitted}
	for page := 1; ; page++ {
		list, p, err := s.db.ListApplications(ctx, f, coopdec.NewPage(page, 100))
		if err != nil {
			return nil, err
		}
		for _, sum := range list {
			ad, err := s.db.Admissibility(ctx, sum.Application.ID)
			if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			if !ad.Admissible {
				continue
			}
			a, err := s.db.Application(ctx, sum.Application.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		if page >= p.Pages() {
			return out, nil
		}
	}
}

// runAssignment plans and stores the assignment of c's admissible
// applications (app nil) or of app's extra evaluators, as u; it returns
// the assignments made, with the parties' names in its errors.
func (s *Server) runAssignment(r *http.Request, c *coopdec.Call, app *coopdec.Application, extra int) ([]coopdec.Assignment, error) {
	ctx := r.Context()
	u := currentUser(r)
	if !coopdec.CanManageAssignments(u, c) {
		return nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	plan, err := s.assignmentPlan(ctx, c, app, extra)
	if err != nil {
		return nil, s.withPartyNames(ctx, err, s.partyNames(ctx, info(r).lang, c))
	}
	if len(plan.Assignments) == 0 {
		return nil, nil
	}
	if err := s.db.CreateAssignmentsNotify(ctx, s.jobs, u, c.ID, plan, "", actor(r), s.assignmentMails(c, "")); err != nil {
		return nil, err
	}
	return plan.Assignments, nil
}

// saveSetup stores c's grid and set-up as the reader; the storage records
// the change in the audit trail.
func (s *Server) saveSetup(r *http.Request, c *coopdec.Call, g *coopdec.Grid, setup *coopdec.EvaluationSetup) error {
	return s.db.SetEvaluationSetup(r.Context(), currentUser(r), c.ID, g, setup, actor(r))
}

// extraEvaluator adds one evaluator to a divergent application
// (coopdec.CheckExtraEvaluator).
func (s *Server) extraEvaluator(r *http.Request, a *coopdec.Application, c *coopdec.Call) ([]coopdec.Assignment, error) {
	ctx := r.Context()
	g, setup, err := s.db.EvaluationSetup(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	p := &coopdec.Panel{Call: c, Application: a}
	if p.Assignments, err = s.db.ListAssignments(ctx, sqldb.AssignmentFilter{ApplicationID: a.ID}); err != nil {
		return nil, err
	}
	if p.Evaluations, err = s.db.ListEvaluations(ctx, a.ID); err != nil {
		return nil, err
	}
	if err := coopdec.CheckExtraEvaluator(currentUser(r), g, setup, p); err != nil {
		return nil, err
	}
	return s.runAssignment(r, c, a, 1)
}
