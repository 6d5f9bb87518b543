package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The grid and set-up form works without JavaScript: it shows the stored
// criteria and three empty rows (fully empty rows are ignored), and its
// evaluator chooser is a search submitted with the form itself, so that
// nothing typed is lost while looking for an evaluator.

const (
	setupEmptyRows     = 3
	setupTieBreakSlots = 4
	setupChooserSize   = 20
	setupCriteriaRows  = 40 // rows read from a form, at most
)

// setupData is what the set-up page shows.
type setupData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Nav           callNav
	CanEdit       bool
	Stored        bool // a set-up is saved
	Langs         []string
	Criteria      []setupCriterion
	Threshold     string
	TieBreaks     []string // "", "submission", "smaller_request", "criterion:code"
	TieChoices    []setupChoice
	PerApp        string
	Divergence    string // in % of the scale
	Pools         []setupPool
	Query         string
	Found         []setupPerson
	More          bool // the search found more than it shows
	Searched      bool
}

type setupCriterion struct {
	Index     int
	Code      string
	Texts     []setupText
	Weight    string
	Threshold string
}

type setupText struct {
	Lang, Title, Description string
}

type setupChoice struct{ Value, Label string }

type setupPool struct {
	Index   int
	Party   coopdec.Party
	Name    string
	Members []setupPerson
	Share   string
}

type setupPerson struct {
	ID          int64
	Name, Email string
	Pool        int // index of the pool they sit in, -1: none
}

// Field reads a criterion's field name, for the template.
func (c setupCriterion) Field(name string) string {
	return fmt.Sprintf("criteria.%d.%s", c.Index, name)
}

// TextField names a criterion's text field in lang.
func (c setupCriterion) TextField(lang, name string) string {
	return fmt.Sprintf("criteria.%d.texts.%s.%s", c.Index, lang, name)
}

// Field names a pool's field.
func (p setupPool) Field(name string) string { return fmt.Sprintf("pools.%d.%s", p.Index, name) }

func (s *Server) evalSetupPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := s.newSetupData(r, c)
	g, setup, err := s.db.EvaluationSetup(r.Context(), c.ID)
	switch {
	case err == nil:
		d.Stored = true
	case coopdec.ErrorCode(err) == coopdec.ENOTFOUND:
		g, setup = &coopdec.Grid{}, &coopdec.EvaluationSetup{}
	default:
		s.error(w, r, err)
		return
	}
	if err := s.fillSetupForm(r.Context(), d, c, g, setup); err != nil {
		s.error(w, r, err)
		return
	}
	v := s.newView(r, "evalsetup.title", d)
	if err := s.searchEvaluators(r.Context(), d); err != nil {
		s.error(w, r, err)
		return
	}
	d.finish(v.T)
	if r.URL.Query().Get("ok") == "saved" {
		v.Flash = v.T("evalsetup.flash.saved")
	}
	s.render(w, r, http.StatusOK, "evalsetup_grid", v)
}

func (s *Server) newSetupData(r *http.Request, c *coopdec.Call) *setupData {
	lang := info(r).lang
	d := &setupData{Call: c, Nav: newCallNav(r, c, navEvaluation), Langs: callLanguages(c),
		CanEdit: coopdec.CanManageAssignments(currentUser(r), c)}
	t, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = t.Title, tl
	return d
}

// fillSetupForm writes g and setup into d, as the form shows them.
func (s *Server) fillSetupForm(ctx context.Context, d *setupData, c *coopdec.Call, g *coopdec.Grid, setup *coopdec.EvaluationSetup) error {
	lang := "fr"
	d.Criteria = nil
	for i, cr := range g.Criteria {
		row := setupCriterion{Index: i, Code: cr.Code, Weight: strconv.Itoa(cr.Weight)}
		if cr.Threshold > 0 {
			row.Threshold = coopdec.FormatScore(lang, cr.Threshold)
		}
		for _, l := range d.Langs {
			t := cr.Texts[l]
			row.Texts = append(row.Texts, setupText{Lang: l, Title: t.Title, Description: t.Description})
		}
		d.Criteria = append(d.Criteria, row)
	}
	if g.Threshold > 0 {
		d.Threshold = coopdec.FormatScore(lang, g.Threshold)
	}
	d.TieBreaks = nil
	for _, tb := range g.TieBreaks {
		v := string(tb.Kind)
		if tb.Kind == coopdec.TieBreakCriterion {
			v += ":" + tb.Criterion
		}
		d.TieBreaks = append(d.TieBreaks, v)
	}
	d.PerApp = strconv.Itoa(max(setup.PerApplication, 0))
	if setup.PerApplication == 0 {
		d.PerApp = strconv.Itoa(coopdec.DefaultEvaluatorsPerApplication)
	}
	bp := setup.DivergenceBP
	if bp == 0 {
		bp = coopdec.DefaultDivergenceBP
	}
	d.Divergence = formatPercent(bp)
	return s.fillSetupPools(ctx, d, c, setup.Pools)
}

// fillSetupPools shows one pool per party of c, with its members' names.
func (s *Server) fillSetupPools(ctx context.Context, d *setupData, c *coopdec.Call, pools []coopdec.Pool) error {
	names := s.partyNames(ctx, "fr", c)
	var ids []int64
	for _, p := range pools {
		ids = append(ids, p.EvaluatorIDs...)
	}
	people, err := s.db.UserNames(ctx, ids)
	if err != nil {
		return err
	}
	d.Pools = nil
	for i, party := range coopdec.CallParties(c) {
		sp := setupPool{Index: i, Party: party, Name: names[party]}
		for _, p := range pools {
			if p.Party != party {
				continue
			}
			for _, id := range p.EvaluatorIDs {
				sp.Members = append(sp.Members, setupPerson{ID: id, Name: people[id], Pool: i})
			}
			if p.PerApplication > 0 {
				sp.Share = strconv.Itoa(p.PerApplication)
			}
		}
		d.Pools = append(d.Pools, sp)
	}
	return nil
}

// finishSetupForm pads the criteria with empty rows and the tie-breaks
// with empty slots, and lists the tie-break choices.
func (d *setupData) finish(t func(string, ...any) string) {
	for range setupEmptyRows {
		row := setupCriterion{Index: len(d.Criteria)}
		for _, l := range d.Langs {
			row.Texts = append(row.Texts, setupText{Lang: l})
		}
		d.Criteria = append(d.Criteria, row)
	}
	for len(d.TieBreaks) < setupTieBreakSlots {
		d.TieBreaks = append(d.TieBreaks, "")
	}
	d.TieChoices = []setupChoice{{"", t("evalsetup.tie.none")}, {"submission", t("evalsetup.tie.submission")},
		{"smaller_request", t("evalsetup.tie.smaller_request")}}
	for _, cr := range d.Criteria {
		if cr.Code != "" {
			title := cr.Code
			if len(cr.Texts) > 0 && cr.Texts[0].Title != "" {
				title = cr.Texts[0].Title
			}
			d.TieChoices = append(d.TieChoices, setupChoice{"criterion:" + cr.Code, t("evalsetup.tie.criterion", title)})
		}
	}
}

// TieField names a tie-break slot.
func (d *setupData) TieField(i int) string { return "tie_breaks." + strconv.Itoa(i) }

// evalSetupSave saves the set-up, or runs the evaluator search of the
// form without saving (action=search).
func (s *Server) evalSetupSave(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	if !coopdec.CanManageAssignments(u, c) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	d := s.newSetupData(r, c)
	g, setup, raw, parseErr := parseSetupForm(r.PostForm, d.Langs, c)
	v := s.newView(r, "evalsetup.title", d)
	status := http.StatusOK
	if r.PostForm.Get("action") == "search" {
		d.Searched = true
	} else {
		err := parseErr
		if err == nil {
			err = s.saveSetup(r, c, g, setup)
			if err == nil {
				http.Redirect(w, r, "/appels/"+strconv.FormatInt(c.ID, 10)+"/evaluation?ok=saved", http.StatusSeeOther)
				return
			}
		} else {
			// Show every mistake at once: what did not parse, and what the
			// domain refuses in the rest.
			gc, sc := cloneGrid(g), cloneSetup(setup)
			err = joinErrors(parseErr, gc.Validate(), sc.Validate(c))
		}
		code := coopdec.ErrorCode(err)
		if code != coopdec.EINVALID && code != coopdec.ECONFLICT {
			s.error(w, r, err)
			return
		}
		v.addError(remapSetupFields(s.withPartyNames(r.Context(), err, s.partyNames(r.Context(), v.Lang, c))))
		status = statusOf(code)
	}
	if err := s.fillSetupForm(r.Context(), d, c, g, setup); err != nil {
		s.error(w, r, err)
		return
	}
	// Keep what was typed where parsing had to drop it.
	keepRawSetupValues(d, r.PostForm, raw)
	d.Query = strings.TrimSpace(r.PostForm.Get("q"))
	if err := s.searchEvaluators(r.Context(), d); err != nil {
		s.error(w, r, err)
		return
	}
	d.finish(v.T)
	s.render(w, r, status, "evalsetup_grid", v)
}

// searchEvaluators fills the chooser: holders of the evaluator role whose
// name or address matches the query, the first few.
func (s *Server) searchEvaluators(ctx context.Context, d *setupData) error {
	if !d.CanEdit {
		return nil
	}
	users, page, err := s.db.ListUsers(ctx, sqldb.UserFilter{Query: d.Query, Role: coopdec.RoleEvaluator}, coopdec.NewPage(1, setupChooserSize))
	if err != nil {
		return err
	}
	d.More = page.Total > len(users)
	in := map[int64]int{}
	for _, p := range d.Pools {
		for _, m := range p.Members {
			in[m.ID] = p.Index
		}
	}
	d.Found = nil
	for _, u := range users {
		pool, ok := in[u.ID]
		if !ok {
			pool = -1
		}
		d.Found = append(d.Found, setupPerson{ID: u.ID, Name: u.Name, Email: u.Email, Pool: pool})
	}
	return nil
}

// parseSetupForm reads the form into a grid and a set-up; errors name the
// fields as the domain does, so that they are shown where they belong.
func parseSetupForm(f url.Values, langs []string, c *coopdec.Call) (*coopdec.Grid, *coopdec.EvaluationSetup, [][2]string, error) {
	var errs coopdec.Errors
	var raw [][2]string // each kept row's weight and threshold as typed
	g := &coopdec.Grid{}
	for i := range setupCriteriaRows {
		p := fmt.Sprintf("criteria.%d.", i)
		code := strings.TrimSpace(f.Get(p + "code"))
		weight := strings.TrimSpace(f.Get(p + "weight"))
		threshold := strings.TrimSpace(f.Get(p + "threshold"))
		texts := map[string]coopdec.CriterionText{}
		empty := code == "" && weight == "" && threshold == ""
		for _, l := range langs {
			t := coopdec.CriterionText{Title: f.Get(p + "texts." + l + ".title"), Description: f.Get(p + "texts." + l + ".description")}
			if strings.TrimSpace(t.Title+t.Description) != "" {
				texts[l], empty = t, false
			}
		}
		if empty {
			continue
		}
		if _, ok := texts["fr"]; !ok {
			texts["fr"] = coopdec.CriterionText{}
		}
		n := len(g.Criteria)
		q := fmt.Sprintf("criteria.%d.", n)
		cr := coopdec.Criterion{Code: code, Texts: texts}
		if w, err := strconv.Atoi(weight); err == nil {
			cr.Weight = w
		} else if weight != "" {
			errs = append(errs, coopdec.FieldError(q+"weight", "evalsetup.weight.invalid"))
		}
		if threshold != "" {
			sc, err := coopdec.ParseScore(q+"threshold", threshold)
			if err != nil {
				errs = append(errs, err.(*coopdec.Error))
			}
			cr.Threshold = sc
		}
		g.Criteria = append(g.Criteria, cr)
		raw = append(raw, [2]string{weight, threshold})
	}
	if t := strings.TrimSpace(f.Get("threshold")); t != "" {
		sc, err := coopdec.ParseScore("threshold", t)
		if err != nil {
			errs = append(errs, err.(*coopdec.Error))
		}
		g.Threshold = sc
	}
	for i := range setupTieBreakSlots {
		v := strings.TrimSpace(f.Get(fmt.Sprintf("tie_breaks.%d", i)))
		if v == "" {
			continue
		}
		kind, code, _ := strings.Cut(v, ":")
		g.TieBreaks = append(g.TieBreaks, coopdec.TieBreak{Kind: coopdec.TieBreakKind(kind), Criterion: code})
	}

	setup := &coopdec.EvaluationSetup{}
	if v := strings.TrimSpace(f.Get("per_application")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, coopdec.FieldError("per_application", "evalsetup.number.invalid"))
		}
		setup.PerApplication = n
	}
	if v := strings.TrimSpace(f.Get("divergence_bp")); v != "" {
		bp, ok := parsePercent(v)
		if !ok {
			errs = append(errs, coopdec.FieldError("divergence_bp", "evalsetup.divergence.invalid"))
		}
		setup.DivergenceBP = bp
	}
	for i, party := range coopdec.CallParties(c) {
		p := fmt.Sprintf("pools.%d.", i)
		pl := coopdec.Pool{Party: party}
		for _, v := range f[p+"evaluator_ids"] {
			id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || id <= 0 {
				errs = append(errs, coopdec.FieldError(p+"evaluator_ids", "assignment.pool.evaluator.invalid"))
				continue
			}
			if !slices.Contains(pl.EvaluatorIDs, id) {
				pl.EvaluatorIDs = append(pl.EvaluatorIDs, id)
			}
		}
		if v := strings.TrimSpace(f.Get(p + "per_application")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, coopdec.FieldError(p+"per_application", "evalsetup.number.invalid"))
			}
			pl.PerApplication = n
		}
		setup.Pools = append(setup.Pools, pl)
	}
	return g, setup, raw, errs.Err()
}

// formatPercent writes basis points as a percentage for the form: "30",
// "12,5".
func formatPercent(bp int) string {
	out := strconv.Itoa(bp / 100)
	if f := bp % 100; f != 0 {
		out += "," + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return out
}

// parsePercent reads a percentage with at most two decimals ("30",
// "12,5") as basis points.
func parsePercent(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	n, _ := strconv.Atoi(whole)
	for len(frac) < 2 {
		frac += "0"
	}
	m, _ := strconv.Atoi(frac)
	return n*100 + m, true
}

// keepRawSetupValues puts back what was typed in number fields that did
// not parse, so that the reader sees and fixes it.
func keepRawSetupValues(d *setupData, f url.Values, raw [][2]string) {
	for i := range d.Criteria {
		if i < len(raw) {
			d.Criteria[i].Weight, d.Criteria[i].Threshold = raw[i][0], raw[i][1]
		}
	}
	if v := strings.TrimSpace(f.Get("divergence_bp")); v != "" {
		if _, ok := parsePercent(v); !ok {
			d.Divergence = v
		}
	}
	if v := strings.TrimSpace(f.Get("per_application")); v != "" {
		d.PerApp = v
	}
	if v := strings.TrimSpace(f.Get("threshold")); v != "" {
		d.Threshold = v
	}
}

var tieBreakField = regexp.MustCompile(`^(tie_breaks\.\d+)\.(kind|criterion)$`)

// remapSetupFields names the form's controls in the errors: a tie-break
// is one select.
func remapSetupFields(err error) error {
	var list coopdec.Errors
	if !errors.As(err, &list) {
		var one *coopdec.Error
		if !errors.As(err, &one) {
			return err
		}
		list = coopdec.Errors{one}
	}
	out := make(coopdec.Errors, len(list))
	for i, e := range list {
		c := *e
		if m := tieBreakField.FindStringSubmatch(c.Field); m != nil {
			c.Field = m[1]
		}
		out[i] = &c
	}
	return out
}

// joinErrors merges field errors into one list.
func joinErrors(errs ...error) error {
	var out coopdec.Errors
	for _, err := range errs {
		var list coopdec.Errors
		var one *coopdec.Error
		switch {
		case err == nil:
		case errors.As(err, &list):
			out = append(out, list...)
		case errors.As(err, &one):
			out = append(out, one)
		}
	}
	return out.Err()
}

func cloneGrid(g *coopdec.Grid) *coopdec.Grid {
	out := *g
	out.Criteria = make([]coopdec.Criterion, len(g.Criteria))
	for i, cr := range g.Criteria {
		cr.Texts = mapsClone(cr.Texts)
		out.Criteria[i] = cr
	}
	out.TieBreaks = slices.Clone(g.TieBreaks)
	return &out
}

func mapsClone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func cloneSetup(s *coopdec.EvaluationSetup) *coopdec.EvaluationSetup {
	out := *s
	out.Pools = slices.Clone(s.Pools)
	return &out
}
