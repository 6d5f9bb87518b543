package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The evaluators' pages: their list of evaluations, their declaration of
// interests, and each assignment, from the conflict check to the
// submitted evaluation.

const evaluatorPerPage = 20

// evaluatorHomeData is the list of an evaluator's assignments.
type evaluatorHomeData struct {
	Groups      []evaluatorCallGroup
	Pager       *pager
	Declared    instant // when the declaration was last saved; zero: never
	Flash       string
	StateCounts map[coopdec.AssignmentState]int
}

type evaluatorCallGroup struct {
	CallID    int64
	Reference string
	Title     string
	TitleLang string
	Rows      []evaluatorRow
}

type evaluatorRow struct {
	ID        int64
	Title     string
	TitleLang string
	State     string
	Assigned  instant
	Submitted instant
}

func (s *Server) evaluatorHome(w http.ResponseWriter, r *http.Request) {
	if err := requireEvaluator(r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	u := currentUser(r)
	lang := info(r).lang
	page := pageParam(r)
	page.PerPage = evaluatorPerPage
	rows, page, err := s.db.EvaluatorAssignments(ctx, u.ID, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &evaluatorHomeData{Pager: newPager(r, page)}
	if decl, err := s.db.Declaration(ctx, u.ID); err == nil {
		d.Declared = newInstant(decl.UpdatedAt)
	} else if coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		s.error(w, r, err)
		return
	}
	for _, row := range rows {
		c, err := s.db.Call(ctx, row.CallID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		a, err := s.db.Application(ctx, row.ApplicationID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if n := len(d.Groups); n == 0 || d.Groups[n-1].CallID != c.ID {
			text, tl := c.Text(lang)
			d.Groups = append(d.Groups, evaluatorCallGroup{CallID: c.ID, Reference: c.Reference, Title: text.Title, TitleLang: tl})
		}
		g := &d.Groups[len(d.Groups)-1]
		title, tl := evaluatorAppTitle(a, lang)
		er := evaluatorRow{ID: row.ID, Title: title, TitleLang: tl, State: string(coopdec.StateOf(row.Assignment, row.Evaluation)),
			Assigned: newInstant(row.CreatedAt)}
		if row.Evaluation != nil {
			er.Submitted = newInstant(row.Evaluation.SubmittedAt)
		}
		g.Rows = append(g.Rows, er)
	}
	v := s.newView(r, "evaluator.home.title", d)
	switch r.URL.Query().Get("ok") {
	case "conflict":
		v.Flash = v.T("evaluator.flash.conflict")
	}
	s.render(w, r, http.StatusOK, "evaluator_home", v)
}

// evaluatorAppTitle is an application's title in lang, or in French, with
// the language it is written in.
func evaluatorAppTitle(a *coopdec.Application, lang string) (string, string) {
	if t := strings.TrimSpace(a.Texts[lang].Title); t != "" {
		return t, lang
	}
	return a.Texts["fr"].Title, "fr"
}

// evaluatorCaseData is an assignment's page.
type evaluatorCaseData struct {
	refData
	ID            int64
	State         string
	CallRef       string
	CallTitle     string
	CallTitleLang string
	AppTitle      string
	AppTitleLang  string
	Lead          string
	LeadKind      string
	LeadTerritory string
	Partners      []evaluatorPartner
	Ended         instant
	EndReason     string
	EndNote       string
	NoDeclaration bool
	Reason        string // the conflict declared, as posted
	CanConfirm    bool
	CanRead       bool
	CanScore      bool
	Submitted     instant

	Content     *view // the application, read only, for the application_content partial
	AppID       int64
	Attachments []aplFile
	Criteria    []evaluatorCriterion
	Comment     string
	Total       string // the weighted average of the evaluator's scores, when complete
	Others      []evaluatorOther
	Divergence  string // the gap, when the evaluations diverge
}

type evaluatorPartner struct {
	Name    string
	Role    string
	Country string
}

// evaluatorCriterion is one criterion of the grid with the evaluator's
// score and comment (as saved, or as posted).
type evaluatorCriterion struct {
	Code        string
	Title       string
	Description string
	TextLang    string
	Weight      int
	Threshold   string
	Score       string // the form's value: "3.5"
	ScoreLabel  string // as the reader writes it: "3,5"
	Comment     string
	Options     []evaluatorOption
}

type evaluatorOption struct {
	Value    string
	Label    string
	Selected bool
}

// evaluatorOther is another evaluator's submitted evaluation.
type evaluatorOther struct {
	Number    int
	Submitted instant
	Rows      []evaluatorCriterion
	Comment   string
	Total     string
}

func (s *Server) evaluatorCasePage(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var flash string
	switch r.URL.Query().Get("ok") {
	case "confirmed":
		flash = "evaluator.flash.confirmed"
	case "saved":
		flash = "evaluator.flash.saved"
	case "submitted":
		flash = "evaluator.flash.submitted"
	}
	s.renderCase(w, r, http.StatusOK, ec, url.Values{}, nil, flash)
}

// renderCase shows an assignment's page; form, when not nil, is what was
// posted (the evaluation, or the conflict's reason), shown again with err.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, ec *evalCase, form url.Values, err error, flash string) {
	ctx := r.Context()
	u := currentUser(r)
	lang := info(r).lang
	p := ec.panel
	a, c := p.Application, p.Call
	d := &evaluatorCaseData{refData: refData{lang}, ID: ec.as.ID, State: string(ec.state()), AppID: a.ID}
	text, tl := c.Text(lang)
	d.CallRef, d.CallTitle, d.CallTitleLang = c.Reference, text.Title, tl
	d.AppTitle, d.AppTitleLang = evaluatorAppTitle(a, lang)
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	if ec.lead != nil {
		d.Lead = ec.lead.Name
		if ec.lead.AuthorityType != "" {
			d.LeadKind = t("orgs.authority_type." + string(ec.lead.AuthorityType))
		}
		d.LeadTerritory = s.leadTerritory(r, ec.lead)
	}
	for _, pt := range a.Partners {
		ep := evaluatorPartner{Name: pt.Name, Country: d.CountryName(pt.Country)}
		if pt.Role != "" {
			ep.Role = t("applicant.role." + string(pt.Role))
		}
		d.Partners = append(d.Partners, ep)
	}
	if !ec.as.Active() {
		d.Ended, d.EndReason, d.EndNote = newInstant(ec.as.EndedAt), string(ec.as.EndReason), ec.as.EndNote
	}
	d.CanConfirm = coopdec.CanConfirmNoConflict(u, p)
	if d.CanConfirm {
		if _, derr := s.db.Declaration(ctx, u.ID); coopdec.ErrorCode(derr) == coopdec.ENOTFOUND {
			d.NoDeclaration = true
		} else if derr != nil {
			s.error(w, r, derr)
			return
		}
	}
	d.CanRead = coopdec.CanSeeApplicationAsEvaluator(u, p)
	d.CanScore = coopdec.CanScore(u, p)
	d.Reason = form.Get("reason")
	var evForm url.Values
	if form.Has("comment") {
		evForm = form // the evaluation as posted
	}
	if ec.own != nil {
		d.Submitted = newInstant(ec.own.SubmittedAt)
	}
	if d.CanRead {
		apl := &aplPageData{refData: refData{lang}, t: t, form: url.Values{}, App: a, Call: c, Rows: map[string][]int{}}
		ids := []int64{a.LeadOrganisationID}
		for _, pt := range a.Partners {
			ids = append(ids, pt.OrganisationID)
		}
		for _, l := range a.Budget.Financing {
			ids = append(ids, l.FunderOrganisationID, l.PartnerOrganisationID)
		}
		orgs, oerr := s.db.OrganisationsByID(ctx, ids)
		if oerr != nil {
			s.error(w, r, oerr)
			return
		}
		apl.names = map[int64]string{}
		for id, o := range orgs {
			apl.names[id] = o.Name
		}
		apl.Totals = s.aplBudgetTotals(lang, a.Budget)
		if perr := s.aplPartnerStates(ctx, apl, a); perr != nil {
			s.error(w, r, perr)
			return
		}
		content := s.newView(r, "", apl)
		d.Content = content
		files, ferr := s.db.ListAttachments(ctx, a.ID)
		if ferr != nil {
			s.error(w, r, ferr)
			return
		}
		for _, f := range files {
			if f.MessageID != 0 || f.DocumentCode == "message" {
				continue // the thread between applicant and managers is theirs
			}
			d.Attachments = append(d.Attachments, s.aplFileRow(lang, f, apl.DocumentName))
		}
		d.Criteria, d.Comment = s.evaluatorCriteria(lang, ec.grid, ec.own, evForm)
		if ec.own != nil {
			if as := ec.grid.Assess(ec.own.Scores); as.Complete {
				d.Total = coopdec.FormatHundredths(lang, ec.grid.Hundredths(as.Total))
			}
		}
		// Others' evaluations, as the rules allow: once the reader's own
		// is submitted, never before.
		visible := visibleEvaluations(u, p)
		n := 0
		for _, ev := range visible {
			if ev.EvaluatorID == u.ID || !ev.Submitted {
				continue
			}
			n++
			o := evaluatorOther{Number: n, Submitted: newInstant(ev.SubmittedAt), Comment: ev.Comment}
			o.Rows, _ = s.evaluatorCriteria(lang, ec.grid, &ev, nil)
			if as := ec.grid.Assess(ev.Scores); as.Complete {
				o.Total = coopdec.FormatHundredths(lang, ec.grid.Hundredths(as.Total))
			}
			d.Others = append(d.Others, o)
		}
		if len(d.Others) > 0 {
			if dv := coopdec.Divergent(ec.grid, visible, ec.setup.DivergenceBP); dv.Divergent {
				d.Divergence = coopdec.FormatHundredths(lang, int64(dv.GapBP))
			}
		}
	}
	v := s.newView(r, "evaluator.case.title", d)
	if flash != "" {
		v.Flash = v.T(flash)
	}
	if err != nil {
		v.addError(err)
	}
	s.render(w, r, status, "evaluator_case", v)
}

// leadTerritory names the lead's territory from the referential, with its
// code, or its code alone when the referential lacks it.
func (s *Server) leadTerritory(r *http.Request, o *coopdec.Organisation) string {
	code := strings.TrimSpace(o.TerritoryCode)
	var kind coopdec.TerritoryKind
	switch o.AuthorityType {
	case coopdec.AuthorityRegion:
		kind = coopdec.TerritoryRegion
	case coopdec.AuthorityDepartement:
		kind = coopdec.TerritoryDepartement
	case coopdec.AuthorityCommune:
		kind = coopdec.TerritoryCommune
	case coopdec.AuthorityEPCI:
		kind = coopdec.TerritoryEPCI
	}
	lang := info(r).lang
	region := ""
	if o.RegionCode != "" {
		region = s.cat.T(lang, "evaluator.case.region", o.RegionCode)
		if t, err := s.db.Territory(r.Context(), coopdec.TerritoryRegion, o.RegionCode); err == nil {
			region = s.cat.T(lang, "evaluator.case.region", t.Name)
		}
	}
	switch {
	case code == "" && region == "":
		return ""
	case code == "":
		return region
	}
	name := code
	if kind != "" {
		if t, err := s.db.Territory(r.Context(), kind, code); err == nil {
			name = t.Name + " (" + code + ")"
		}
	}
	if region != "" {
		return name + ", " + region
	}
	return name
}

// evaluatorCriteria lists g's criteria in lang with the scores of ev, or
// those of form when it is not nil, and returns the overall comment.
func (s *Server) evaluatorCriteria(lang string, g *coopdec.Grid, ev *coopdec.Evaluation, form url.Values) ([]evaluatorCriterion, string) {
	var out []evaluatorCriterion
	comment := ""
	if ev != nil {
		comment = ev.Comment
	}
	if form != nil {
		comment = form.Get("comment")
	}
	for _, cr := range g.Criteria {
		text := cr.Text(lang)
		tl := lang
		if t, ok := cr.Texts[lang]; !ok || strings.TrimSpace(t.Title) == "" {
			tl = "fr"
		}
		ec := evaluatorCriterion{Code: cr.Code, Title: text.Title, Description: text.Description, TextLang: tl, Weight: cr.Weight}
		if cr.Threshold > 0 {
			ec.Threshold = coopdec.FormatScore(lang, cr.Threshold)
		}
		if ev != nil {
			for _, sc := range ev.Scores {
				if sc.Criterion == cr.Code {
					ec.Score, ec.ScoreLabel, ec.Comment = sc.Score.String(), coopdec.FormatScore(lang, sc.Score), sc.Comment
				}
			}
		}
		if form != nil {
			ec.Score = strings.TrimSpace(form.Get("scores." + cr.Code + ".score"))
			ec.Comment = form.Get("scores." + cr.Code + ".comment")
		}
		ec.Options = append(ec.Options, evaluatorOption{Value: "", Label: s.cat.T(lang, "evaluator.score.none"), Selected: ec.Score == ""})
		for _, sc := range coopdec.ScoreChoices() {
			ec.Options = append(ec.Options, evaluatorOption{Value: sc.String(), Label: coopdec.FormatScore(lang, sc),
				Selected: ec.Score == sc.String() || strings.ReplaceAll(ec.Score, ",", ".") == sc.String()})
		}
		out = append(out, ec)
	}
	return out, comment
}

func (s *Server) evaluatorConfirm(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.ConfirmNoConflict(r.Context(), currentUser(r), ec.as.ID, actor(r)); err != nil {
		s.caseError(w, r, ec, url.Values{}, err)
		return
	}
	http.Redirect(w, r, evaluatorCaseURL(ec.as.ID)+"?ok=confirmed", http.StatusSeeOther)
}

func (s *Server) evaluatorConflict(w http.ResponseWriter, r *http.Request) {
	ec, err := s.evaluatorCase(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	reason := r.PostFormValue("reason")
	u := currentUser(r)
	err = coopdec.CheckConflictDeclaration(u, ec.panel, reason)
	if err == nil {
		err = s.db.EndAssignment(r.Context(), u, ec.as.ID, coopdec.EndConflictDeclared, reason, actor(r))
	}
	if err != nil {
		s.caseError(w, r, ec, url.Values{"reason": {reason}}, err)
		return
	}
	http.Redirect(w, r, "/evaluateur?ok=conflict", http.StatusSeeOther)
}

// caseError shows the page again with err: a form's errors (422) or a
// refusal (403, 409), keeping what was posted.
func (s *Server) caseError(w http.ResponseWriter, r *http.Request, ec *evalCase, form url.Values, err error) {
	code := coopdec.ErrorCode(err)
	if code != coopdec.EINVALID && code != coopdec.ECONFLICT && code != coopdec.EFORBIDDEN {
		s.error(w, r, err)
		return
	}
	s.renderCase(w, r, statusOf(code), ec, form, err, "")
}

func evaluatorCaseURL(id int64) string {
	return "/evaluateur/affectations/" + strconv.FormatInt(id, 10)
}

// evaluatorSave saves the evaluation as a draft, or submits it: every
// criterion scored with a comment, and the evaluator's confirmation that
// submitting locks it.
func (s *Server) evaluatorSave(submit bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ec, err := s.evaluatorCase(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if err := r.ParseForm(); err != nil {
			s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "evaluator.form.invalid"))
			return
		}
		form := r.PostForm
		u := currentUser(r)
		if err := coopdec.CheckScore(u, ec.panel); err != nil {
			s.caseError(w, r, ec, form, err)
			return
		}
		ev, ferr := evaluationFromForm(ec.grid, ec.panel.Application.ID, form)
		if submit {
			var errs coopdec.Errors
			errors.As(ferr, &errs)
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
			if form.Get("confirm") == "" {
				errs = append(errs, coopdec.FieldError("confirm", "evaluator.submit.confirm"))
			}
			ferr = errs.Err()
		}
		if ferr != nil {
			s.caseError(w, r, ec, form, ferr)
			return
		}
		if submit {
			err = s.db.SubmitEvaluation(r.Context(), u, ev, actor(r))
		} else {
			err = s.db.SaveEvaluation(r.Context(), u, ev)
		}
		if err != nil {
			s.caseError(w, r, ec, form, err)
			return
		}
		ok := "saved"
		if submit {
			ok = "submitted"
		}
		http.Redirect(w, r, evaluatorCaseURL(ec.as.ID)+"?ok="+ok, http.StatusSeeOther)
	}
}

func containsField(errs coopdec.Errors, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}
