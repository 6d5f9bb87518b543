package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// consensusPageData is what the consensus page of one application shows.
type consensusPageData struct {
	App              *coopdec.Application
	Title, TitleLang string
	Call             *coopdec.Call
	Nav              callNav
	Evaluations      []evaluationColumn
	Criteria         []consensusCriterion
	Divergence       coopdec.Divergence
	DivergencePct    string
	Pending          int // active assignments without a submitted evaluation
	CanRecord        bool
	Blocked          string
	Recorded         *coopdec.Consensus
	RecordedAt       instant
	RecordedBy       string
	Opinions         []opinionRow
	Languages        []choice
}

// evaluationColumn is one submitted evaluation, shown side by side.
type evaluationColumn struct {
	Evaluator string
	Party     string
	Total     string
	Comment   string
	Submitted instant
}

// consensusCriterion is one criterion with the evaluators' scores.
type consensusCriterion struct {
	Code        string
	Title       string
	TitleLang   string
	Description string
	Weight      int
	Threshold   string
	Scores      []criterionScoreView // one per evaluation column
}

type criterionScoreView struct {
	Score   string
	Comment string
}

// opinionRow is an embassy's opinion as the committee reads it.
type opinionRow struct {
	Embassy string
	Country string
	Value   string // favourable, reserved, unfavourable; "" while pending
	Comment string
	Due     instant
	Given   instant
}

func (s *Server) consensusPage(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.committeeApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderConsensus(w, r, a, c, http.StatusOK, nil)
}

// consensusPanel loads what the rules about a's evaluation look at.
func (s *Server) consensusPanel(ctx context.Context, a *coopdec.Application, c *coopdec.Call) (*coopdec.Panel, error) {
	as, err := s.db.ListAssignments(ctx, sqldb.AssignmentFilter{ApplicationID: a.ID})
	if err != nil {
		return nil, err
	}
	evs, err := s.db.ListEvaluations(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return &coopdec.Panel{Call: c, Application: a, Assignments: as, Evaluations: evs}, nil
}

func (s *Server) renderConsensus(w http.ResponseWriter, r *http.Request, a *coopdec.Application, c *coopdec.Call, status int, fail error) {
	ctx := r.Context()
	lang := info(r).lang
	t := func(k string, args ...any) string { return s.cat.T(lang, k, args...) }
	u := currentUser(r)
	g, setup, err := s.db.EvaluationSetup(ctx, c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p, err := s.consensusPanel(ctx, a, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &consensusPageData{App: a, Call: c, Nav: newCallNav(r, c, navCommittee)}
	d.Title, d.TitleLang = applicationTitleIn(a, lang)
	for _, l := range coopdec.Languages {
		d.Languages = append(d.Languages, choice{Value: l, Label: s.cat.T(l, "lang.self")})
	}
	party := map[int64]coopdec.Party{}
	for _, as := range p.Assignments {
		party[as.EvaluatorID] = as.Party
		if as.Active() {
			submitted := false
			for _, ev := range p.Evaluations {
				if ev.EvaluatorID == as.EvaluatorID && ev.Submitted {
					submitted = true
				}
			}
			if !submitted {
				d.Pending++
			}
		}
	}
	var shown []coopdec.Evaluation
	for i := range p.Evaluations {
		ev := &p.Evaluations[i]
		if !ev.Submitted || !coopdec.CanSeeEvaluation(u, p, ev) {
			continue
		}
		shown = append(shown, *ev)
		col := evaluationColumn{Comment: ev.Comment, Submitted: newInstant(ev.SubmittedAt),
			Total: coopdec.FormatHundredths(lang, g.Hundredths(g.Assess(ev.Scores).Total))}
		if eu, err := s.db.UserByID(ctx, ev.EvaluatorID); err == nil {
			col.Evaluator = eu.Name
		}
		if pt := party[ev.EvaluatorID]; pt == coopdec.MinistryParty {
			col.Party = t("committee.ui.party.ministry")
		} else if o, err := s.db.Organisation(ctx, int64(pt)); err == nil {
			col.Party = o.Name
		}
		d.Evaluations = append(d.Evaluations, col)
	}
	gap := 0
	if setup != nil {
		gap = setup.DivergenceBP
	}
	d.Divergence = coopdec.Divergent(g, shown, gap)
	d.DivergencePct = fmt.Sprintf("%d", (d.Divergence.GapBP+50)/100)
	for _, cr := range g.Criteria {
		tx := cr.Text(lang)
		row := consensusCriterion{Code: cr.Code, Title: tx.Title, Description: tx.Description, Weight: cr.Weight, TitleLang: lang}
		if _, ok := cr.Texts[lang]; !ok || strings.TrimSpace(cr.Texts[lang].Title) == "" {
			row.TitleLang = "fr"
		}
		if cr.Threshold > 0 {
			row.Threshold = coopdec.FormatScore(lang, cr.Threshold)
		}
		for _, ev := range shown {
			sv := criterionScoreView{Score: "—"}
			for _, sc := range ev.Scores {
				if sc.Criterion == cr.Code {
					sv = criterionScoreView{Score: coopdec.FormatScore(lang, sc.Score), Comment: sc.Comment}
				}
			}
			row.Scores = append(row.Scores, sv)
		}
		d.Criteria = append(d.Criteria, row)
	}
	if err := coopdec.CheckConsensus(u, p); err != nil {
		key, args := coopdec.ErrorKey(err)
		d.Blocked = t(key, localizeArgs(lang, key, args, t)...)
	} else {
		d.CanRecord = true
	}
	rec, err := s.db.Consensus(ctx, a.ID)
	switch {
	case err == nil:
		d.Recorded, d.RecordedAt = rec, newInstant(rec.RecordedAt)
		if ru, err := s.db.UserByID(ctx, rec.RecordedBy); err == nil {
			d.RecordedBy = ru.Name
		}
	case coopdec.ErrorCode(err) != coopdec.ENOTFOUND:
		s.error(w, r, err)
		return
	}
	ops, err := s.db.ListOpinions(ctx, a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, op := range ops {
		row := opinionRow{Embassy: op.EmbassyName, Country: coopdec.Country{Code: op.Country}.Name(lang), Due: newInstant(op.Request.DueAt)}
		if op.Opinion != nil && coopdec.CanSeeOpinion(u, c, op.Opinion) {
			row.Value, row.Comment, row.Given = string(op.Opinion.Value), op.Opinion.Comment, newInstant(op.Opinion.GivenAt)
		}
		d.Opinions = append(d.Opinions, row)
	}

	v := s.newView(r, "consensus.ui.title", d)
	v.Form = consensusForm(rec, s.applicantLanguage(ctx, a.ID))
	if fail != nil {
		v.addError(fail)
		v.Form = r.PostForm
	}
	if r.URL.Query().Get("ok") == "1" && fail == nil {
		v.Flash = v.T("consensus.ui.flash.recorded")
	}
	s.render(w, r, status, "consensus_form", v)
}

// applicantLanguage is the language of the application's lead members, the
// first one's; French when unknown.
func (s *Server) applicantLanguage(ctx context.Context, appID int64) string {
	team, err := s.db.ApplicationTeam(ctx, appID)
	if err == nil {
		for _, m := range team {
			if coopdec.ValidLanguage(m.Language) {
				return m.Language
			}
		}
	}
	return "fr"
}

// consensusForm fills the form with the recorded consensus, or leaves it
// empty in the applicant's language.
func consensusForm(c *coopdec.Consensus, lang string) url.Values {
	f := url.Values{"language": {lang}}
	if c == nil {
		return f
	}
	f.Set("language", c.Language)
	f.Set("comment", c.Comment)
	for _, sc := range c.Scores {
		f.Set("score."+sc.Criterion, coopdec.FormatScore("fr", sc.Score))
		f.Set("comment."+sc.Criterion, sc.Comment)
	}
	return f
}

// consensusFromForm reads the consensus form: score.<code> and
// comment.<code> per criterion of g, comment and language.
func consensusFromForm(appID int64, g *coopdec.Grid, f url.Values) (*coopdec.Consensus, coopdec.Errors) {
	c := &coopdec.Consensus{ApplicationID: appID, Comment: f.Get("comment"), Language: strings.TrimSpace(f.Get("language"))}
	var errs coopdec.Errors
	for _, cr := range g.Criteria {
		raw := strings.TrimSpace(f.Get("score." + cr.Code))
		if raw == "" {
			errs = append(errs, coopdec.FieldError("scores."+cr.Code+".score", "evaluation.score.required"))
			continue
		}
		sc, err := coopdec.ParseScore("scores."+cr.Code+".score", raw)
		if err != nil {
			errs = append(errs, asErrors(err)...)
			continue
		}
		c.Scores = append(c.Scores, coopdec.CriterionScore{Criterion: cr.Code, Score: sc, Comment: f.Get("comment." + cr.Code)})
	}
	return c, errs
}

func (s *Server) consensusSave(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.committeeApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	g, _, err := s.db.EvaluationSetup(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	cs, perrs := consensusFromForm(a.ID, g, r.PostForm)
	if len(perrs) > 0 {
		// Report the rest of the form's problems along with the scores'.
		if verr := cs.Validate(g); verr != nil {
			for _, e := range asErrors(verr) {
				if !strings.HasSuffix(e.Field, ".score") {
					perrs = append(perrs, e)
				}
			}
		}
		s.renderConsensus(w, r, a, c, http.StatusUnprocessableEntity, perrs)
		return
	}
	err = s.db.RecordConsensus(r.Context(), currentUser(r), cs, actor(r))
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d/consensus?ok=1", a.ID), http.StatusSeeOther)
	case coopdec.EINVALID, coopdec.ECONFLICT:
		s.renderConsensus(w, r, a, c, statusOf(coopdec.ErrorCode(err)), err)
	case coopdec.EFORBIDDEN:
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "application.not_found"))
	default:
		s.error(w, r, err)
	}
}
