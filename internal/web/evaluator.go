package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// evaluatorRoutes registers the evaluators' pages and API: declaration of interests, assignments, scoring.
func (s *Server) evaluatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /evaluateur", s.requireUser(s.evaluatorHome))
	mux.HandleFunc("GET /evaluateur/declaration", s.requireUser(s.evaluatorDeclarationPage))
	mux.HandleFunc("POST /evaluateur/declaration", s.requireUser(s.evaluatorDeclarationSave))
	mux.HandleFunc("GET /evaluateur/affectations/{id}", s.requireUser(s.evaluatorCasePage))
	mux.HandleFunc("POST /evaluateur/affectations/{id}/absence-de-conflit", s.requireUser(s.evaluatorConfirm))
	mux.HandleFunc("POST /evaluateur/affectations/{id}/conflit", s.requireUser(s.evaluatorConflict))
	mux.HandleFunc("POST /evaluateur/affectations/{id}/evaluation", s.requireUser(s.evaluatorSave(false)))
	mux.HandleFunc("POST /evaluateur/affectations/{id}/soumission", s.requireUser(s.evaluatorSave(true)))

	mux.HandleFunc("GET /api/v1/me/declaration", s.requireUser(s.apiDeclarationGet))
	mux.HandleFunc("PUT /api/v1/me/declaration", s.requireUser(s.apiDeclarationPut))
	mux.HandleFunc("GET /api/v1/me/assignments", s.requireUser(s.apiMyAssignments))
	mux.HandleFunc("GET /api/v1/assignments/{id}", s.requireUser(s.apiAssignmentGet))
	mux.HandleFunc("POST /api/v1/assignments/{id}/no-conflict", s.requireUser(s.apiAssignmentConfirm))
	mux.HandleFunc("POST /api/v1/assignments/{id}/conflict", s.requireUser(s.apiAssignmentConflict))
	mux.HandleFunc("GET /api/v1/assignments/{id}/application", s.requireUser(s.apiAssignmentApplication))
	mux.HandleFunc("PUT /api/v1/assignments/{id}/evaluation", s.requireUser(s.apiEvaluationSave(false)))
	mux.HandleFunc("POST /api/v1/assignments/{id}/evaluation/submission", s.requireUser(s.apiEvaluationSave(true)))
	mux.HandleFunc("GET /api/v1/applications/{id}/evaluations", s.requireUser(s.apiApplicationEvaluations))
}

var errAssignmentNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "assignment.not_found"}

// evalCase is one assignment as its evaluator works on it: the rules'
// panel, the call's grid and set-up, and the evaluator's own evaluation.
type evalCase struct {
	as    *coopdec.Assignment
	panel *coopdec.Panel
	grid  *coopdec.Grid
	setup *coopdec.EvaluationSetup
	own   *coopdec.Evaluation // nil when nothing is saved
	lead  *coopdec.Organisation
}

// requireEvaluator refuses whoever does not hold the evaluator role.
func requireEvaluator(r *http.Request) error {
	if !currentUser(r).HasRole(coopdec.RoleEvaluator) {
		return coopdec.Errorf(coopdec.EFORBIDDEN, "evaluator.forbidden")
	}
	return nil
}

// evaluatorCase loads the assignment of the path for its evaluator. An
// assignment of someone else is answered as missing: its existence tells
// who evaluates what.
func (s *Server) evaluatorCase(r *http.Request) (*evalCase, error) {
	ctx := r.Context()
	u := currentUser(r)
	id, err := apiPathID(r, "id", "assignment.not_found")
	if err != nil {
		return nil, err
	}
	as, err := s.db.AssignmentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if as.EvaluatorID != u.ID || !u.HasRole(coopdec.RoleEvaluator) {
		return nil, errAssignmentNotFound
	}
	ec := &evalCase{as: as}
	if ec.panel, err = s.db.EvaluationPanel(ctx, as.ApplicationID); err != nil {
		return nil, err
	}
	if ec.grid, ec.setup, err = s.db.EvaluationSetup(ctx, ec.panel.Call.ID); err != nil {
		return nil, err
	}
	for i := range ec.panel.Evaluations {
		if e := &ec.panel.Evaluations[i]; e.EvaluatorID == u.ID {
			ec.own = e
		}
	}
	if id := ec.panel.Application.LeadOrganisationID; id > 0 {
		if ec.lead, err = s.db.Organisation(ctx, id); err != nil {
			return nil, err
		}
	}
	return ec, nil
}

// state is where the assignment stands for its evaluator.
func (ec *evalCase) state() coopdec.AssignmentState { return coopdec.StateOf(*ec.as, ec.own) }

// visible returns the evaluations of the application u may read
// (coopdec.CanSeeEvaluation), their own included.
func visibleEvaluations(u *coopdec.User, p *coopdec.Panel) []coopdec.Evaluation {
	var out []coopdec.Evaluation
	for i := range p.Evaluations {
		if coopdec.CanSeeEvaluation(u, p, &p.Evaluations[i]) {
			out = append(out, p.Evaluations[i])
		}
	}
	return out
}

// evaluationFromForm reads an evaluation's form: per criterion of g, a
// score ("scores.<code>.score", "" when not scored) and a comment
// ("scores.<code>.comment"), and an overall comment. A comment on a
// criterion left without a score is refused rather than dropped.
func evaluationFromForm(g *coopdec.Grid, appID int64, form url.Values) (*coopdec.Evaluation, error) {
	ev := &coopdec.Evaluation{ApplicationID: appID, Comment: form.Get("comment")}
	var errs coopdec.Errors
	for _, cr := range g.Criteria {
		field := "scores." + cr.Code + "."
		raw, comment := strings.TrimSpace(form.Get(field+"score")), form.Get(field+"comment")
		if raw == "" {
			if strings.TrimSpace(comment) != "" {
				errs = append(errs, coopdec.FieldError(field+"score", "evaluator.score.choose"))
			}
			continue
		}
		sc, err := coopdec.ParseScore(field+"score", raw)
		var fe *coopdec.Error
		if errors.As(err, &fe) {
			errs = append(errs, fe)
			continue
		}
		ev.Scores = append(ev.Scores, coopdec.CriterionScore{Criterion: cr.Code, Score: sc, Comment: comment})
	}
	return ev, errs.Err()
}

// checkSubmitComplete refuses to submit ev when a criterion of g lacks its
// score or its comment, with a message per field, as Validate would once
// the form's own errors are out of the way.
func checkSubmitComplete(g *coopdec.Grid, ev *coopdec.Evaluation) error {
	probe := *ev
	probe.Scores = slices.Clone(ev.Scores)
	probe.Submitted = true
	return probe.Validate(g)
}

// callsByID reads the calls of ids, once each.
func (s *Server) callsByID(ctx context.Context, ids []int64) (map[int64]*coopdec.Call, error) {
	out := map[int64]*coopdec.Call{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		c, err := s.db.Call(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, nil
}

// declRow is one row of the declaration's form, by field.
type declRow map[string]string

func (row declRow) blank() bool {
	for k, v := range row {
		if k != "current" && k != "kind" && strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// declarationForm reads the declaration's form: rows numbered from 0 in
// each group, blank rows skipped. Each group's rows are renumbered, so
// that the domain's field names (organisations.2.name) name the rows the
// form shows again.
func declarationForm(form url.Values) (orgs, offices, links []declRow) {
	read := func(prefix string, fields ...string) []declRow {
		var out []declRow
		for i := 0; i < declarationRowsMax; i++ {
			row := declRow{}
			for _, f := range fields {
				row[f] = form.Get(prefix + "." + strconv.Itoa(i) + "." + f)
			}
			if !row.blank() {
				out = append(out, row)
			}
		}
		return out
	}
	return read("organisations", "organisation_id", "name", "role", "current"),
		read("offices", "kind", "code", "title"),
		read("links", "description", "organisation_ids")
}

// declarationRowsMax bounds the rows a form may send per group: the
// domain allows 50.
const declarationRowsMax = 60

// declarationOf turns the form's rows into a declaration; numbers that do
// not read are reported on their field.
func declarationOf(orgs, offices, links []declRow) (*coopdec.Declaration, coopdec.Errors) {
	d := &coopdec.Declaration{}
	var errs coopdec.Errors
	for i, row := range orgs {
		o := coopdec.DeclaredOrganisation{Name: row["name"], Role: row["role"], Current: row["current"] != ""}
		if v := strings.TrimSpace(row["organisation_id"]); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id < 1 {
				errs = append(errs, coopdec.FieldError("organisations."+strconv.Itoa(i)+".organisation_id", "evaluation.declaration.organisation.invalid"))
			}
			o.OrganisationID = id
		}
		d.Organisations = append(d.Organisations, o)
	}
	for _, row := range offices {
		d.Offices = append(d.Offices, coopdec.Office{Kind: coopdec.TerritoryKind(row["kind"]), Code: row["code"], Title: row["title"]})
	}
	for i, row := range links {
		l := coopdec.InterestLink{Description: row["description"]}
		for _, f := range strings.FieldsFunc(row["organisation_ids"], func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id < 1 {
				errs = append(errs, coopdec.FieldError("links."+strconv.Itoa(i)+".organisation_ids", "evaluation.declaration.organisation.invalid"))
				break
			}
			l.OrganisationIDs = append(l.OrganisationIDs, id)
		}
		d.Links = append(d.Links, l)
	}
	return d, errs
}

// placeOffices fills each office's département and région from the
// territorial referential, so that an office in a région covers its
// communes. Codes the referential does not know are kept as given.
func (s *Server) placeOffices(ctx context.Context, d *coopdec.Declaration) error {
	for i := range d.Offices {
		o := &d.Offices[i]
		if !slices.Contains(coopdec.TerritoryKinds, o.Kind) || strings.TrimSpace(o.Code) == "" {
			continue
		}
		t, err := s.db.Territory(ctx, o.Kind, strings.ToUpper(strings.TrimSpace(o.Code)))
		if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		o.Department, o.Region = t.Department, t.Region
	}
	return nil
}

// checkDeclaredOrganisations reads the registered organisations a
// declaration names: an unknown one is reported on its field.
func (s *Server) checkDeclaredOrganisations(ctx context.Context, d *coopdec.Declaration) (map[int64]coopdec.Organisation, coopdec.Errors, error) {
	var ids []int64
	for _, o := range d.Organisations {
		if o.OrganisationID > 0 {
			ids = append(ids, o.OrganisationID)
		}
	}
	for _, l := range d.Links {
		ids = append(ids, l.OrganisationIDs...)
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var errs coopdec.Errors
	for i, o := range d.Organisations {
		if _, ok := orgs[o.OrganisationID]; o.OrganisationID > 0 && !ok {
			errs = append(errs, coopdec.FieldError("organisations."+strconv.Itoa(i)+".organisation_id", "evaluation.declaration.organisation.invalid"))
		}
	}
	for i, l := range d.Links {
		for _, id := range l.OrganisationIDs {
			if _, ok := orgs[id]; !ok {
				errs = append(errs, coopdec.FieldError("links."+strconv.Itoa(i)+".organisation_ids", "evaluation.declaration.organisation.invalid"))
				break
			}
		}
	}
	return orgs, errs, nil
}

// saveDeclaration checks and stores u's declaration: the form's own
// errors, the registered organisations, then the domain's rules, all
// reported together.
func (s *Server) saveDeclaration(r *http.Request, u *coopdec.User, d *coopdec.Declaration, formErrs coopdec.Errors) error {
	ctx := r.Context()
	_, orgErrs, err := s.checkDeclaredOrganisations(ctx, d)
	if err != nil {
		return err
	}
	errs := append(formErrs, orgErrs...)
	if err := d.Validate(); err != nil {
		var list coopdec.Errors
		if !errors.As(err, &list) {
			return err
		}
		for _, e := range list {
			if !slices.ContainsFunc(errs, func(x *coopdec.Error) bool { return x.Field == e.Field }) {
				errs = append(errs, e)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.placeOffices(ctx, d); err != nil {
		return err
	}
	return s.db.SaveDeclaration(ctx, u, d, actor(r))
}
