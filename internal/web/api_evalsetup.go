package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The evaluation set-up through the API: the same operations and rules as
// the pages. Scores are in points on the 0–5 scale by half points (3.5);
// a party is 0 for the ministry, else the co-managing organisation's ID.

type apiSetupText struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

type apiSetupCriterion struct {
	Code      string                  `json:"code"`
	Texts     map[string]apiSetupText `json:"texts"`
	Weight    int                     `json:"weight"`
	Threshold float64                 `json:"threshold"`
}

type apiSetupTieBreak struct {
	Kind      string `json:"kind"`
	Criterion string `json:"criterion,omitempty"`
}

type apiSetupPoolRequest struct {
	Party          int64   `json:"party"`
	EvaluatorIDs   []int64 `json:"evaluator_ids"`
	PerApplication int     `json:"per_application"`
}

type apiSetupPool struct {
	Party          int64   `json:"party"`
	PartyName      string  `json:"party_name"`
	EvaluatorIDs   []int64 `json:"evaluator_ids"`
	PerApplication int     `json:"per_application"`
}

type apiSetupRequest struct {
	Criteria       []apiSetupCriterion   `json:"criteria"`
	Threshold      float64               `json:"threshold"`
	TieBreaks      []apiSetupTieBreak    `json:"tie_breaks"`
	PerApplication int                   `json:"per_application"`
	DivergenceBP   int                   `json:"divergence_bp"`
	Pools          []apiSetupPoolRequest `json:"pools"`
}

type apiSetupDoc struct {
	CallID         int64               `json:"call_id"`
	Criteria       []apiSetupCriterion `json:"criteria"`
	Threshold      float64             `json:"threshold"`
	TieBreaks      []apiSetupTieBreak  `json:"tie_breaks"`
	PerApplication int                 `json:"per_application"`
	DivergenceBP   int                 `json:"divergence_bp"`
	Pools          []apiSetupPool      `json:"pools"`
}

func apiSetupOf(c *coopdec.Call, g *coopdec.Grid, s *coopdec.EvaluationSetup, names map[coopdec.Party]string) apiSetupDoc {
	d := apiSetupDoc{CallID: c.ID, Threshold: points(g.Threshold), PerApplication: s.PerApplication, DivergenceBP: s.DivergenceBP,
		Criteria: []apiSetupCriterion{}, TieBreaks: []apiSetupTieBreak{}, Pools: []apiSetupPool{}}
	for _, cr := range g.Criteria {
		ac := apiSetupCriterion{Code: cr.Code, Weight: cr.Weight, Threshold: points(cr.Threshold), Texts: map[string]apiSetupText{}}
		for l, t := range cr.Texts {
			ac.Texts[l] = apiSetupText{Title: t.Title, Description: t.Description}
		}
		d.Criteria = append(d.Criteria, ac)
	}
	for _, tb := range g.TieBreaks {
		d.TieBreaks = append(d.TieBreaks, apiSetupTieBreak{Kind: string(tb.Kind), Criterion: tb.Criterion})
	}
	for _, p := range s.Pools {
		ids := p.EvaluatorIDs
		if ids == nil {
			ids = []int64{}
		}
		d.Pools = append(d.Pools, apiSetupPool{Party: int64(p.Party), PartyName: names[p.Party], EvaluatorIDs: ids, PerApplication: p.PerApplication})
	}
	return d
}

// grid reads the request as the domain's grid and set-up; scores that are
// not on the scale are field errors.
func (req *apiSetupRequest) grid() (*coopdec.Grid, *coopdec.EvaluationSetup, error) {
	var errs coopdec.Errors
	g := &coopdec.Grid{}
	for i, ac := range req.Criteria {
		cr := coopdec.Criterion{Code: ac.Code, Weight: ac.Weight, Texts: map[string]coopdec.CriterionText{}}
		for l, t := range ac.Texts {
			cr.Texts[l] = coopdec.CriterionText{Title: t.Title, Description: t.Description}
		}
		sc, err := scoreFromPoints(fmt.Sprintf("criteria.%d.threshold", i), ac.Threshold)
		if err != nil {
			errs = append(errs, err.(*coopdec.Error))
		}
		cr.Threshold = sc
		g.Criteria = append(g.Criteria, cr)
	}
	sc, err := scoreFromPoints("threshold", req.Threshold)
	if err != nil {
		errs = append(errs, err.(*coopdec.Error))
	}
	g.Threshold = sc
	for _, tb := range req.TieBreaks {
		g.TieBreaks = append(g.TieBreaks, coopdec.TieBreak{Kind: coopdec.TieBreakKind(tb.Kind), Criterion: tb.Criterion})
	}
	s := &coopdec.EvaluationSetup{PerApplication: req.PerApplication, DivergenceBP: req.DivergenceBP}
	for _, p := range req.Pools {
		s.Pools = append(s.Pools, coopdec.Pool{Party: coopdec.Party(p.Party), EvaluatorIDs: p.EvaluatorIDs, PerApplication: p.PerApplication})
	}
	return g, s, errs.Err()
}

func (s *Server) apiEvalSetup(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	g, setup, err := s.db.EvaluationSetup(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiSetupOf(c, g, setup, s.partyNames(r.Context(), info(r).lang, c)))
}

func (s *Server) apiEvalSetupPut(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	if !coopdec.CanManageAssignments(u, c) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var req apiSetupRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	names := s.partyNames(r.Context(), info(r).lang, c)
	g, setup, err := req.grid()
	if err != nil {
		gc, sc := cloneGrid(g), cloneSetup(setup)
		s.error(w, r, s.withPartyNames(r.Context(), joinErrors(err, gc.Validate(), sc.Validate(c)), names))
		return
	}
	if err := s.saveSetup(r, c, g, setup); err != nil {
		s.error(w, r, s.withPartyNames(r.Context(), err, names))
		return
	}
	writeJSON(w, http.StatusOK, apiSetupOf(c, g, setup, names))
}

// Admissibility.

type apiAdmissibilityDoc struct {
	ApplicationID int64  `json:"application_id"`
	Admissible    bool   `json:"admissible"`
	Automatic     *bool  `json:"automatic"`
	Overrides     bool   `json:"overrides"`
	Reason        string `json:"reason"`
	DecidedBy     int64  `json:"decided_by"`
	DecidedAt     string `json:"decided_at"`
}

func apiAdmissibilityOf(ad *coopdec.Admissibility) *apiAdmissibilityDoc {
	if ad == nil {
		return nil
	}
	return &apiAdmissibilityDoc{ApplicationID: ad.ApplicationID, Admissible: ad.Admissible, Automatic: ad.Automatic,
		Overrides: ad.Overrides(), Reason: ad.Reason, DecidedBy: ad.DecidedBy, DecidedAt: apiTime(ad.DecidedAt)}
}

type apiAdmissibilityItem struct {
	ApplicationID int64                `json:"application_id"`
	ReceiptNumber string               `json:"receipt_number"`
	Title         string               `json:"title"`
	LeadName      string               `json:"lead_name"`
	Eligible      *bool                `json:"eligible"`
	Decision      *apiAdmissibilityDoc `json:"decision"`
}

func (s *Server) apiAdmissibilityList(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	page := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	f := coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true, Status: coopdec.ApplicationSubmitted}
	list, p, err := s.db.ListApplications(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	items := []apiAdmissibilityItem{}
	for _, sum := range list {
		it := apiAdmissibilityItem{ApplicationID: sum.Application.ID, ReceiptNumber: sum.Application.ReceiptNumber,
			LeadName: sum.LeadName, Eligible: sum.Eligible}
		it.Title, _ = applicationTitleIn(&sum.Application, info(r).lang)
		ad, err := s.db.Admissibility(r.Context(), sum.Application.ID)
		switch {
		case err == nil:
			it.Decision = apiAdmissibilityOf(ad)
		case coopdec.ErrorCode(err) != coopdec.ENOTFOUND:
			s.error(w, r, err)
			return
		}
		items = append(items, it)
	}
	writeJSON(w, http.StatusOK, newAPIPage(items, p))
}

type apiAdmissibilityRequest struct {
	Admissible *bool  `json:"admissible"`
	Reason     string `json:"reason"`
}

func (s *Server) apiAdmissibilityPut(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.evalApplication(r, coopdec.ENOTFOUND)
	if err != nil {
		s.error(w, r, err)
		return
	}
	_ = c
	if !coopdec.CanDecideAdmissibility(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var req apiAdmissibilityRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if req.Admissible == nil {
		s.error(w, r, coopdec.FieldError("admissible", "evalsetup.adm.choice.required"))
		return
	}
	ad := &coopdec.Admissibility{ApplicationID: a.ID, Admissible: *req.Admissible, Reason: req.Reason}
	if err := s.db.RecordAdmissibility(r.Context(), currentUser(r), ad, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiAdmissibilityOf(ad))
}

// Assignments.

type apiAssignmentDoc struct {
	ID            int64   `json:"id"`
	ApplicationID int64   `json:"application_id"`
	EvaluatorID   int64   `json:"evaluator_id"`
	EvaluatorName string  `json:"evaluator_name"`
	Party         int64   `json:"party"`
	Extra         bool    `json:"extra"`
	State         string  `json:"state"`
	AssignedBy    *int64  `json:"assigned_by"`
	CreatedAt     string  `json:"created_at"`
	ConfirmedAt   *string `json:"confirmed_at"`
	EndedAt       *string `json:"ended_at"`
	EndReason     *string `json:"end_reason"`
	EndNote       *string `json:"end_note"`
}

func apiAssignmentOf(as coopdec.Assignment, ev *coopdec.Evaluation, names map[int64]string) apiAssignmentDoc {
	d := apiAssignmentDoc{ID: as.ID, ApplicationID: as.ApplicationID, EvaluatorID: as.EvaluatorID, EvaluatorName: names[as.EvaluatorID],
		Party: int64(as.Party), Extra: as.Extra, State: assignmentState(as, ev), CreatedAt: apiTime(as.CreatedAt),
		EndReason: apiOptional(string(as.EndReason)), EndNote: apiOptional(as.EndNote)}
	if as.AssignedBy != 0 {
		by := as.AssignedBy
		d.AssignedBy = &by
	}
	if !as.ConfirmedAt.IsZero() {
		d.ConfirmedAt = apiTimePtr(&as.ConfirmedAt)
	}
	if !as.EndedAt.IsZero() {
		d.EndedAt = apiTimePtr(&as.EndedAt)
	}
	return d
}

type apiLoadDoc struct {
	EvaluatorID   int64  `json:"evaluator_id"`
	EvaluatorName string `json:"evaluator_name"`
	Party         int64  `json:"party"`
	Load          int    `json:"load"`
}

type apiAssignmentListDoc struct {
	Items     []apiAssignmentDoc `json:"items"`
	Loads     []apiLoadDoc       `json:"loads"`
	Divergent []int64            `json:"divergent_application_ids"`
}

func (s *Server) apiAssignmentList(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	f := sqldb.AssignmentFilter{CallID: c.ID}
	if v := r.URL.Query().Get("application_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			s.error(w, r, coopdec.FieldError("application_id", "evalsetup.api.application_id.invalid"))
			return
		}
		f.ApplicationID = id
	}
	g, setup, err := s.db.EvaluationSetup(ctx, c.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ListAssignments(ctx, f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var ids []int64
	if setup != nil {
		for _, pl := range setup.Pools {
			ids = append(ids, pl.EvaluatorIDs...)
		}
	}
	for _, as := range list {
		ids = append(ids, as.EvaluatorID)
	}
	names, err := s.db.UserNames(ctx, ids)
	if err != nil {
		s.error(w, r, err)
		return
	}
	doc := apiAssignmentListDoc{Items: []apiAssignmentDoc{}, Loads: []apiLoadDoc{}, Divergent: []int64{}}
	evals := map[int64][]coopdec.Evaluation{}
	for _, as := range list {
		if _, ok := evals[as.ApplicationID]; !ok {
			es, err := s.db.ListEvaluations(ctx, as.ApplicationID)
			if err != nil {
				s.error(w, r, err)
				return
			}
			evals[as.ApplicationID] = es
			if g != nil && coopdec.Divergent(g, es, setup.DivergenceBP).Divergent {
				doc.Divergent = append(doc.Divergent, as.ApplicationID)
			}
		}
		var ev *coopdec.Evaluation
		for i, e := range evals[as.ApplicationID] {
			if e.EvaluatorID == as.EvaluatorID {
				ev = &evals[as.ApplicationID][i]
			}
		}
		doc.Items = append(doc.Items, apiAssignmentOf(as, ev, names))
	}
	if setup != nil {
		all := list
		if f.ApplicationID != 0 {
			if all, err = s.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: c.ID}); err != nil {
				s.error(w, r, err)
				return
			}
		}
		for _, pl := range setup.Pools {
			for _, id := range pl.EvaluatorIDs {
				n := 0
				for _, as := range all {
					if as.EvaluatorID == id && as.Active() {
						n++
					}
				}
				doc.Loads = append(doc.Loads, apiLoadDoc{EvaluatorID: id, EvaluatorName: names[id], Party: int64(pl.Party), Load: n})
			}
		}
	}
	writeJSON(w, http.StatusOK, doc)
}

// apiWriteCreated answers with the assignments just made.
func (s *Server) apiWriteCreated(w http.ResponseWriter, r *http.Request, made []coopdec.Assignment) {
	var ids []int64
	for _, as := range made {
		ids = append(ids, as.EvaluatorID)
	}
	names, err := s.db.UserNames(r.Context(), ids)
	if err != nil {
		s.error(w, r, err)
		return
	}
	items := []apiAssignmentDoc{}
	for _, as := range made {
		items = append(items, apiAssignmentOf(as, nil, names))
	}
	status := http.StatusCreated
	if len(items) == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, newAPIList(items))
}

func (s *Server) apiAssignmentRun(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	made, err := s.runAssignment(r, c, nil, 0)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.apiWriteCreated(w, r, made)
}

func (s *Server) apiExtraEvaluator(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.evalApplication(r, coopdec.ENOTFOUND)
	if err != nil {
		s.error(w, r, err)
		return
	}
	made, err := s.extraEvaluator(r, a, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.apiWriteCreated(w, r, made)
}

type apiReassignRequest struct {
	ToEvaluatorID int64  `json:"to_evaluator_id"`
	Reason        string `json:"reason"`
}

func (s *Server) apiReassign(w http.ResponseWriter, r *http.Request) {
	as, c, err := s.managedAssignment(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req apiReassignRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	re := &coopdec.Reassignment{ApplicationID: as.ApplicationID, FromEvaluatorID: as.EvaluatorID, ToEvaluatorID: req.ToEvaluatorID, Reason: req.Reason}
	created, err := s.db.ReassignNotify(r.Context(), s.jobs, currentUser(r), re, actor(r), s.assignmentMails(c, strings.TrimSpace(re.Reason)))
	if err != nil {
		s.error(w, r, s.withPartyNames(r.Context(), err, nil))
		return
	}
	names, err := s.db.UserNames(r.Context(), []int64{created.EvaluatorID})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiAssignmentOf(*created, nil, names))
}

// Evaluators.

type apiEvaluatorDoc struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// apiEvaluators lists the holders of the evaluator role, for officers to
// build pools: filtered by name or address, a page at a time.
func (s *Server) apiEvaluators(w http.ResponseWriter, r *http.Request) {
	if !currentUser(r).HasRole(coopdec.RoleOfficer) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var errs coopdec.Errors
	page := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	users, p, err := s.db.ListUsers(r.Context(), sqldb.UserFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Role: coopdec.RoleEvaluator}, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	items := []apiEvaluatorDoc{}
	for _, u := range users {
		items = append(items, apiEvaluatorDoc{ID: u.ID, Name: u.Name, Email: u.Email})
	}
	writeJSON(w, http.StatusOK, newAPIPage(items, p))
}

// scoreFromPoints reads a score given in points (3.5): on the scale, by
// half points.
func scoreFromPoints(field string, pts float64) (coopdec.Score, error) {
	half := pts * 2
	if half < 0 || half > float64(coopdec.ScoreMax) || half != float64(int(half)) {
		return 0, coopdec.FieldError(field, "evaluation.score.range")
	}
	return coopdec.Score(int(half)), nil
}

func points(s coopdec.Score) float64 { return float64(s) / 2 }
