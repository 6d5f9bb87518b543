package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The evaluators' API: their declaration of interests, their assignments,
// the conflict check, the application once confirmed, and their
// evaluations; and the evaluations of an application for those who may
// read them.

type apiEvDeclaredOrgDoc struct {
	OrganisationID *int64 `json:"organisation_id"`
	Name           string `json:"name"`
	Role           string `json:"role"`
	Current        bool   `json:"current"`
}

type apiEvOfficeDoc struct {
	Kind       string `json:"kind"`
	Code       string `json:"code"`
	Department string `json:"department"`
	Region     string `json:"region"`
	Title      string `json:"title"`
}

type apiEvLinkDoc struct {
	Description     string  `json:"description"`
	OrganisationIDs []int64 `json:"organisation_ids"`
}

type apiEvDeclarationDoc struct {
	Organisations []apiEvDeclaredOrgDoc `json:"organisations"`
	Offices       []apiEvOfficeDoc      `json:"offices"`
	Links         []apiEvLinkDoc        `json:"links"`
	UpdatedAt     *string               `json:"updated_at"`
}

// apiEvDeclarationWrite is what PUT /api/v1/me/declaration takes.
type apiEvDeclarationWrite struct {
	Organisations []apiEvDeclaredOrgDoc `json:"organisations"`
	Offices       []struct {
		Kind  string `json:"kind"`
		Code  string `json:"code"`
		Title string `json:"title"`
	} `json:"offices"`
	Links []apiEvLinkDoc `json:"links"`
}

func apiEvDeclarationOf(d *coopdec.Declaration) apiEvDeclarationDoc {
	doc := apiEvDeclarationDoc{Organisations: []apiEvDeclaredOrgDoc{}, Offices: []apiEvOfficeDoc{}, Links: []apiEvLinkDoc{}}
	if d == nil {
		return doc
	}
	for _, o := range d.Organisations {
		od := apiEvDeclaredOrgDoc{Name: o.Name, Role: o.Role, Current: o.Current}
		if o.OrganisationID > 0 {
			id := o.OrganisationID
			od.OrganisationID = &id
		}
		doc.Organisations = append(doc.Organisations, od)
	}
	for _, o := range d.Offices {
		doc.Offices = append(doc.Offices, apiEvOfficeDoc{Kind: string(o.Kind), Code: o.Code, Department: o.Department, Region: o.Region, Title: o.Title})
	}
	for _, l := range d.Links {
		ids := l.OrganisationIDs
		if ids == nil {
			ids = []int64{}
		}
		doc.Links = append(doc.Links, apiEvLinkDoc{Description: l.Description, OrganisationIDs: ids})
	}
	doc.UpdatedAt = apiTimeOrNull(d.UpdatedAt)
	return doc
}

func (s *Server) apiDeclarationGet(w http.ResponseWriter, r *http.Request) {
	if err := requireEvaluator(r); err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.db.Declaration(r.Context(), currentUser(r).ID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		d, err = nil, nil
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiEvDeclarationOf(d))
}

func (s *Server) apiDeclarationPut(w http.ResponseWriter, r *http.Request) {
	if err := requireEvaluator(r); err != nil {
		s.error(w, r, err)
		return
	}
	var req apiEvDeclarationWrite
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	d := &coopdec.Declaration{}
	for _, o := range req.Organisations {
		do := coopdec.DeclaredOrganisation{Name: o.Name, Role: o.Role, Current: o.Current}
		if o.OrganisationID != nil {
			do.OrganisationID = *o.OrganisationID
		}
		d.Organisations = append(d.Organisations, do)
	}
	for _, o := range req.Offices {
		d.Offices = append(d.Offices, coopdec.Office{Kind: coopdec.TerritoryKind(o.Kind), Code: o.Code, Title: o.Title})
	}
	for _, l := range req.Links {
		d.Links = append(d.Links, coopdec.InterestLink{Description: l.Description, OrganisationIDs: l.OrganisationIDs})
	}
	u := currentUser(r)
	if err := s.saveDeclaration(r, u, d, nil); err != nil {
		s.error(w, r, err)
		return
	}
	saved, err := s.db.Declaration(r.Context(), u.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiEvDeclarationOf(saved))
}

// apiEvAssignmentDoc is an assignment as its evaluator reads it.
type apiEvAssignmentDoc struct {
	ID             int64                 `json:"id"`
	State          string                `json:"state"`
	Call           apiEvaluatorCallDoc   `json:"call"`
	Application    apiEvaluatorAppBrief  `json:"application"`
	CreatedAt      string                `json:"created_at"`
	ConfirmedAt    *string               `json:"confirmed_at"`
	EndedAt        *string               `json:"ended_at"`
	EndReason      *string               `json:"end_reason"`
	SubmittedAt    *string               `json:"submitted_at"`
	Lead           *apiEvaluatorLeadDoc  `json:"lead,omitempty"`
	Partners       []apiEvaluatorPartner `json:"partners,omitempty"`
	Criteria       []apiEvCriterionDoc   `json:"criteria,omitempty"`
	Evaluation     *apiEvEvaluationDoc   `json:"evaluation,omitempty"`
	ApplicationURL *string               `json:"application_url,omitempty"`
}

type apiEvaluatorCallDoc struct {
	ID        int64  `json:"id"`
	Reference string `json:"reference"`
	Title     string `json:"title"`
}

type apiEvaluatorAppBrief struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type apiEvaluatorLeadDoc struct {
	OrganisationID int64   `json:"organisation_id"`
	Name           string  `json:"name"`
	AuthorityType  *string `json:"authority_type"`
	TerritoryCode  *string `json:"territory_code"`
	RegionCode     *string `json:"region_code"`
}

type apiEvaluatorPartner struct {
	OrganisationID *int64 `json:"organisation_id"`
	Name           string `json:"name"`
	Role           string `json:"role"`
	Country        string `json:"country"`
}

type apiEvCriterionDoc struct {
	Code        string  `json:"code"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Language    string  `json:"language"`
	Weight      int     `json:"weight"`
	Threshold   float64 `json:"threshold"`
}

type apiEvScoreDoc struct {
	Criterion string  `json:"criterion"`
	Score     float64 `json:"score"`
	Comment   string  `json:"comment"`
}

type apiEvEvaluationDoc struct {
	ID            int64           `json:"id"`
	ApplicationID int64           `json:"application_id"`
	EvaluatorID   int64           `json:"evaluator_id"`
	Scores        []apiEvScoreDoc `json:"scores"`
	Comment       string          `json:"comment"`
	Submitted     bool            `json:"submitted"`
	SubmittedAt   *string         `json:"submitted_at"`
	UpdatedAt     string          `json:"updated_at"`
	// Average is the weighted average in points, once every criterion is
	// scored.
	Average *float64 `json:"average"`
}

func apiEvEvaluationOf(g *coopdec.Grid, e *coopdec.Evaluation) *apiEvEvaluationDoc {
	if e == nil {
		return nil
	}
	doc := &apiEvEvaluationDoc{ID: e.ID, ApplicationID: e.ApplicationID, EvaluatorID: e.EvaluatorID, Scores: []apiEvScoreDoc{},
		Comment: e.Comment, Submitted: e.Submitted, SubmittedAt: apiTimeOrNull(e.SubmittedAt), UpdatedAt: apiTime(e.UpdatedAt)}
	for _, sc := range e.Scores {
		doc.Scores = append(doc.Scores, apiEvScoreDoc{Criterion: sc.Criterion, Score: sc.Score.Points(), Comment: sc.Comment})
	}
	if a := g.Assess(e.Scores); a.Complete {
		avg := float64(g.Hundredths(a.Total)) / 100
		doc.Average = &avg
	}
	return doc
}

// apiEvAssignmentOf writes ec for its evaluator; full adds what the
// conflict check needs and, once confirmed, the grid and the evaluation.
func (s *Server) apiEvAssignmentOf(r *http.Request, ec *evalCase, full bool) apiEvAssignmentDoc {
	lang := info(r).lang
	p := ec.panel
	title, _ := evaluatorAppTitle(p.Application, lang)
	doc := apiEvAssignmentDoc{ID: ec.as.ID, State: string(ec.state()),
		Call:        apiEvaluatorCallDoc{ID: p.Call.ID, Reference: p.Call.Reference, Title: callTitle(p.Call, lang)},
		Application: apiEvaluatorAppBrief{ID: p.Application.ID, Title: title},
		CreatedAt:   apiTime(ec.as.CreatedAt), ConfirmedAt: apiTimeOrNull(ec.as.ConfirmedAt), EndedAt: apiTimeOrNull(ec.as.EndedAt),
		EndReason: apiOptional(string(ec.as.EndReason))}
	if ec.own != nil {
		doc.SubmittedAt = apiTimeOrNull(ec.own.SubmittedAt)
	}
	if !full {
		return doc
	}
	if ec.lead != nil {
		doc.Lead = &apiEvaluatorLeadDoc{OrganisationID: ec.lead.ID, Name: ec.lead.Name, AuthorityType: apiOptional(string(ec.lead.AuthorityType)),
			TerritoryCode: apiOptional(ec.lead.TerritoryCode), RegionCode: apiOptional(ec.lead.RegionCode)}
	}
	doc.Partners = []apiEvaluatorPartner{}
	for _, pt := range p.Application.Partners {
		ap := apiEvaluatorPartner{Name: pt.Name, Role: string(pt.Role), Country: pt.Country}
		if pt.OrganisationID > 0 {
			id := pt.OrganisationID
			ap.OrganisationID = &id
		}
		doc.Partners = append(doc.Partners, ap)
	}
	u := currentUser(r)
	if coopdec.CanSeeApplicationAsEvaluator(u, p) || ec.own != nil {
		for _, cr := range ec.grid.Criteria {
			text := cr.Text(lang)
			tl := lang
			if t, ok := cr.Texts[lang]; !ok || strings.TrimSpace(t.Title) == "" {
				tl = "fr"
			}
			doc.Criteria = append(doc.Criteria, apiEvCriterionDoc{Code: cr.Code, Title: text.Title, Description: text.Description,
				Language: tl, Weight: cr.Weight, Threshold: cr.Threshold.Points()})
		}
		doc.Evaluation = apiEvEvaluationOf(ec.grid, ec.own)
		if coopdec.CanSeeApplicationAsEvaluator(u, p) {
			url := "/api/v1/assignments/" + strconv.FormatInt(ec.as.ID, 10) + "/application"
			doc.ApplicationURL = &url
		}
	}
	return doc
}

func (s *Server) apiMyAssignments(w http.ResponseWriter, r *http.Request) {
	if err := requireEvaluator(r); err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	page := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	lang := info(r).lang
	rows, page, err := s.db.EvaluatorAssignments(ctx, currentUser(r).ID, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ids := make([]int64, 0, len(rows))
	for _, row := range rows {
		ids = append(ids, row.CallID)
	}
	calls, err := s.callsByID(ctx, ids)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiEvAssignmentDoc, 0, len(rows))
	for _, row := range rows {
		a, err := s.db.Application(ctx, row.ApplicationID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		c := calls[row.CallID]
		title, _ := evaluatorAppTitle(a, lang)
		doc := apiEvAssignmentDoc{ID: row.ID, State: string(coopdec.StateOf(row.Assignment, row.Evaluation)),
			Call:        apiEvaluatorCallDoc{ID: c.ID, Reference: c.Reference, Title: callTitle(c, lang)},
			Application: apiEvaluatorAppBrief{ID: a.ID, Title: title},
			CreatedAt:   apiTime(row.CreatedAt), ConfirmedAt: apiTimeOrNull(row.ConfirmedAt), EndedAt: apiTimeOrNull(row.EndedAt),
			EndReason: apiOptional(string(row.EndReason))}
		if row.Evaluation != nil {
			doc.SubmittedAt = apiTimeOrNull(row.Evaluation.SubmittedAt)
		}
		docs = append(docs, doc)
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

func (s *Server) apiAssignmentGet(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.apiEvAssignmentOf(r, ec, true))
}

func (s *Server) apiAssignmentConfirm(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.ConfirmNoConflict(r.Context(), currentUser(r), ec.as.ID, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	s.apiEvAssignmentReload(w, r)
}

// apiEvAssignmentReload answers with the assignment of the path as stored.
func (s *Server) apiEvAssignmentReload(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.apiEvAssignmentOf(r, ec, true))
}

func (s *Server) apiAssignmentConflict(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	err = coopdec.CheckConflictDeclaration(u, ec.panel, req.Reason)
	if err == nil {
		err = s.db.EndAssignment(r.Context(), u, ec.as.ID, coopdec.EndConflictDeclared, req.Reason, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.apiEvAssignmentReload(w, r)
}

// apiEvaluatorApplicationDoc is the application an evaluator reads, with
// its files.
type apiEvaluatorApplicationDoc struct {
	Application apiApplicationDoc  `json:"application"`
	Attachments []apiAttachmentDoc `json:"attachments"`
}

func (s *Server) apiAssignmentApplication(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanSeeApplicationAsEvaluator(currentUser(r), ec.panel) {
		key := "evaluation.conflict.unconfirmed"
		if !ec.as.Active() {
			key = "assignment.ended"
		}
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, key))
		return
	}
	files, err := s.db.ListAttachments(r.Context(), ec.panel.Application.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	kept := files[:0]
	for _, f := range files {
		if f.MessageID == 0 && f.DocumentCode != "message" {
			kept = append(kept, f)
		}
	}
	writeJSON(w, http.StatusOK, apiEvaluatorApplicationDoc{Application: apiApplicationOf(ec.panel.Application), Attachments: apiAttachmentsOf(kept)})
}

// apiEvEvaluationWrite is what the evaluation's PUT and submission take.
type apiEvEvaluationWrite struct {
	Scores  []apiEvScoreDoc `json:"scores"`
	Comment string          `json:"comment"`
}

func (s *Server) apiEvaluationSave(submit bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ec, err := s.evaluatorCase(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		u := currentUser(r)
		if err := coopdec.CheckScore(u, ec.panel); err != nil {
			s.error(w, r, err)
			return
		}
		var req apiEvEvaluationWrite
		if err := readJSON(w, r, &req); err != nil {
			s.error(w, r, err)
			return
		}
		ev := &coopdec.Evaluation{ApplicationID: ec.panel.Application.ID, Comment: req.Comment}
		var errs coopdec.Errors
		for _, sc := range req.Scores {
			field := "scores." + strings.ToLower(strings.TrimSpace(sc.Criterion)) + ".score"
			v, err := coopdec.ScoreFromPoints(field, sc.Score)
			var fe *coopdec.Error
			if errors.As(err, &fe) {
				errs = append(errs, fe)
				continue
			}
			ev.Scores = append(ev.Scores, coopdec.CriterionScore{Criterion: sc.Criterion, Score: v, Comment: sc.Comment})
		}
		if submit {
			if cerr := checkSubmitComplete(ec.grid, ev); cerr != nil {
				var list coopdec.Errors
				if errors.As(cerr, &list) {
					for _, e := range list {
						if !containsField(errs, e.Field) {
							errs = append(errs, e)
						}
					}
				}
			}
		}
		if err := errs.Err(); err != nil {
			s.error(w, r, err)
			return
		}
		if submit {
			err = s.db.SubmitEvaluation(r.Context(), u, ev, actor(r))
		} else {
			err = s.db.SaveEvaluation(r.Context(), u, ev)
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, apiEvEvaluationOf(ec.grid, ev))
	}
}

// apiEvEvaluationListDoc is the evaluations of an application a reader may
// see, with the divergence between them once two are visible.
type apiEvEvaluationListDoc struct {
	Items      []apiEvEvaluationDoc `json:"items"`
	Divergence *apiEvDivergenceDoc  `json:"divergence"`
}

type apiEvDivergenceDoc struct {
	GapBP     int  `json:"gap_bp"`
	Divergent bool `json:"divergent"`
}

// apiApplicationEvaluations lists the evaluations of an application the
// caller may read (coopdec.CanSeeEvaluation): the evaluators assigned to
// it (theirs, and the others' submitted ones once theirs is submitted),
// the officers and the co-managers of its call. Anyone else is refused.
func (s *Server) apiApplicationEvaluations(w http.ResponseWriter, r *http.Request) {
	id, err := apiApplicationID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	u := currentUser(r)
	p, err := s.db.EvaluationPanel(ctx, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	assigned := false
	for _, as := range p.Assignments {
		assigned = assigned || as.EvaluatorID == u.ID && as.Active() && u.HasRole(coopdec.RoleEvaluator)
	}
	if !assigned && !coopdec.CanRunCommittee(u, p.Call) {
		if coopdec.CanViewApplication(u, p.Application, p.Call) {
			s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		} else {
			s.error(w, r, errApplicationNotFound)
		}
		return
	}
	g, setup, err := s.db.EvaluationSetup(ctx, p.Call.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	visible := visibleEvaluations(u, p)
	doc := apiEvEvaluationListDoc{Items: []apiEvEvaluationDoc{}}
	submitted := 0
	for i := range visible {
		doc.Items = append(doc.Items, *apiEvEvaluationOf(g, &visible[i]))
		if visible[i].Submitted {
			submitted++
		}
	}
	if submitted >= 2 {
		dv := coopdec.Divergent(g, visible, setup.DivergenceBP)
		doc.Divergence = &apiEvDivergenceDoc{GapBP: dv.GapBP, Divergent: dv.Divergent}
	}
	writeJSON(w, http.StatusOK, doc)
}
