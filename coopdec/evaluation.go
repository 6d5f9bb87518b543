package coopdec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds a call's evaluation: its grid, the evaluators'
// declarations of interests and the conflicts they reveal, the individual
// evaluations and their divergence, the consensus, the officers'
// admissibility decision and the embassies' opinions, with who may do what.
//
// Scores are exact integers. A Score counts half-points of the 0–5 scale the
// evaluators use, so it runs from 0 to 10 and 7 means 3.5/5. A weighted
// total is Σ score × weight over the grid's criteria, in half-point×weight
// units: it runs from 0 to 10 × Σ weight, and ranking and thresholds compare
// totals exactly, never averages in floating point.

// Score is a score on the 0–5 scale in half-points: 0 to ScoreMax.
type Score int

// ScoreMax is 5/5 in half-points.
const ScoreMax Score = 10

// Limits of a grid and of what evaluators write.
const (
	criteriaMax             = 20
	criterionWeightMax      = 100
	criterionTitleMax       = 200
	criterionDescriptionMax = 2000
	evaluationCommentMax    = 5000
	declarationItemsMax     = 50
	declarationTextMax      = 2000
	declarationNameMax      = 200
	opinionCommentMax       = 4000
	opinionDueDaysMax       = 90
	admissibilityReasonMax  = 2000
	conflictReasonMax       = 2000
)

// Valid reports whether s is on the scale.
func (s Score) Valid() bool { return s >= 0 && s <= ScoreMax }

// String writes s in points with a decimal point, "3.5" or "4", for logs
// and messages; FormatScore writes it for a reader.
func (s Score) String() string {
	if s%2 == 0 {
		return strconv.Itoa(int(s) / 2)
	}
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	return sign + strconv.Itoa(int(s)/2) + ".5"
}

// FormatScore writes s in points as the readers of lang write decimals:
// "3,5" in French, Spanish and Portuguese, "3.5" in English.
func FormatScore(lang string, s Score) string {
	if lang == "en" {
		return s.String()
	}
	return strings.Replace(s.String(), ".", ",", 1)
}

// ParseScore reads a score in points as forms send it: "4", "3.5", "3,5",
// "3.0". Anything else, and a score off the scale or between half points,
// is refused.
func ParseScore(field, s string) (Score, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	whole, frac, hasFrac := strings.Cut(s, ".")
	bad := FieldError(field, "evaluation.score.range")
	if whole == "" || len(whole) > 2 || strings.Trim(whole, "0123456789") != "" {
		return 0, bad
	}
	n, _ := strconv.Atoi(whole)
	half := 0
	if hasFrac {
		switch strings.TrimRight(frac, "0") {
		case "":
			if frac == "" {
				return 0, bad // "3." is a slip
			}
		case "5":
			half = 1
		default:
			return 0, bad
		}
	}
	sc := Score(2*n + half)
	if !sc.Valid() {
		return 0, bad
	}
	return sc, nil
}

// CriterionText is what a criterion says in one language.
type CriterionText struct {
	Title       string
	Description string // what evaluators look for
}

// Criterion is one criterion of an evaluation grid.
type Criterion struct {
	// Code is a stable slug ("relevance", "partnership"), which tie-breaks
	// and scores name.
	Code   string
	Texts  map[string]CriterionText // language → text; French always
	Weight int                      // 1 to 100
	// Threshold is the least score this criterion needs for the application
	// to be fundable; 0: none.
	Threshold Score
}

// Text returns what cr says in lang, in French when it has no title in lang.
func (cr Criterion) Text(lang string) CriterionText {
	if t, ok := cr.Texts[lang]; ok && strings.TrimSpace(t.Title) != "" {
		return t
	}
	return cr.Texts["fr"]
}

// TieBreakKind names one way of ordering applications with equal totals.
type TieBreakKind string

const (
	// TieBreakCriterion puts the higher score on a named criterion first.
	TieBreakCriterion TieBreakKind = "criterion"
	// TieBreakSubmission puts the earlier submission first.
	TieBreakSubmission TieBreakKind = "submission"
	// TieBreakSmallerRequest puts the smaller grant requested first, so that
	// the envelopes fund more projects.
	TieBreakSmallerRequest TieBreakKind = "smaller_request"
)

// TieBreak is one step of a call's tie-break order.
type TieBreak struct {
	Kind      TieBreakKind
	Criterion string // the criterion's code, for TieBreakCriterion
}

// Grid is a call's evaluation grid: its criteria, the thresholds an
// application must reach to be fundable, and the order that breaks ties in
// the ranking.
type Grid struct {
	Criteria []Criterion
	// Threshold is the least weighted average, on the same half-point scale,
	// an application needs to be fundable: its total must be at least
	// Threshold × Σ weight. 0: none.
	Threshold Score
	// TieBreaks order applications with equal totals, in turn. Ties they
	// leave are broken by the earlier submission, then the lower application
	// ID, so that a ranking never depends on the order of its input.
	TieBreaks []TieBreak
}

// WeightSum returns Σ weight over g's criteria.
func (g *Grid) WeightSum() int64 {
	var w int64
	for _, cr := range g.Criteria {
		w += int64(cr.Weight)
	}
	return w
}

// MaxTotal returns the largest weighted total: 10 × Σ weight.
func (g *Grid) MaxTotal() int64 { return int64(ScoreMax) * g.WeightSum() }

// Hundredths returns the weighted average of total in hundredths of a point
// on the 0–5 scale, rounded half up: 347 for 3.47/5. It is for display only;
// ranking and thresholds compare exact totals.
func (g *Grid) Hundredths(total int64) int64 {
	w := g.WeightSum()
	if w <= 0 || total <= 0 {
		return 0
	}
	// total / w half-points = total × 50 / w hundredths of a point.
	return (total*100 + w) / (2 * w)
}

// FormatHundredths writes hundredths of a point as lang writes decimals:
// "3,47" in French, Spanish and Portuguese, "3.47" in English.
func FormatHundredths(lang string, h int64) string {
	sep := ","
	if lang == "en" {
		sep = "."
	}
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	return fmt.Sprintf("%s%d%s%02d", sign, h/100, sep, h%100)
}

// Criterion returns the criterion of g with code.
func (g *Grid) Criterion(code string) (Criterion, bool) {
	for _, cr := range g.Criteria {
		if cr.Code == code {
			return cr, true
		}
	}
	return Criterion{}, false
}

// Validate normalises a grid (trims texts, lower-cases codes) and checks
// it: 1 to 20 criteria with distinct codes, a French title each, weights
// from 1 to 100, thresholds on the scale, and tie-breaks that name known
// criteria once. Fields: criteria.0.code, criteria.0.texts.fr.title,
// criteria.0.weight, criteria.0.threshold, threshold, tie_breaks.0.kind…
func (g *Grid) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }

	switch {
	case len(g.Criteria) == 0:
		add("criteria", "evaluation.grid.criteria.required")
	case len(g.Criteria) > criteriaMax:
		add("criteria", "evaluation.grid.criteria.too_many", criteriaMax)
	}
	for i := range g.Criteria {
		cr := &g.Criteria[i]
		p := fmt.Sprintf("criteria.%d.", i)
		cr.Code = strings.ToLower(strings.TrimSpace(cr.Code))
		switch {
		case !callRulesValidCode(cr.Code):
			add(p+"code", "evaluation.grid.code.invalid")
		case slices.ContainsFunc(g.Criteria[:i], func(x Criterion) bool { return x.Code == cr.Code }):
			add(p+"code", "evaluation.grid.code.duplicate", cr.Code)
		}
		validateCriterionTexts(cr, p, add)
		if cr.Weight < 1 || cr.Weight > criterionWeightMax {
			add(p+"weight", "evaluation.grid.weight.range", criterionWeightMax)
		}
		if !cr.Threshold.Valid() {
			add(p+"threshold", "evaluation.score.range")
		}
	}
	if !g.Threshold.Valid() {
		add("threshold", "evaluation.score.range")
	}
	for i := range g.TieBreaks {
		tb := &g.TieBreaks[i]
		p := fmt.Sprintf("tie_breaks.%d.", i)
		tb.Criterion = strings.ToLower(strings.TrimSpace(tb.Criterion))
		switch tb.Kind {
		case TieBreakCriterion:
			if _, ok := g.Criterion(tb.Criterion); !ok {
				add(p+"criterion", "evaluation.grid.tie_break.criterion", tb.Criterion)
			}
		case TieBreakSubmission, TieBreakSmallerRequest:
			tb.Criterion = ""
		default:
			add(p+"kind", "evaluation.grid.tie_break.kind")
			continue
		}
		if slices.Contains(g.TieBreaks[:i], *tb) {
			add(p+"kind", "evaluation.grid.tie_break.duplicate")
		}
	}
	return errs.Err()
}

func validateCriterionTexts(cr *Criterion, p string, add addFunc) {
	if fr, ok := cr.Texts["fr"]; !ok || strings.TrimSpace(fr.Title) == "" {
		add(p+"texts.fr.title", "evaluation.grid.title.required")
	}
	langs := make([]string, 0, len(cr.Texts))
	for l := range cr.Texts {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		if !ValidLanguage(l) {
			add(p+"texts", "evaluation.grid.texts.language", l)
			continue
		}
		t := cr.Texts[l]
		t.Title, t.Description = strings.TrimSpace(t.Title), strings.TrimSpace(t.Description)
		cr.Texts[l] = t
		tp := p + "texts." + l + "."
		switch {
		case t.Title == "" && l != "fr":
			add(tp+"title", "evaluation.grid.title.missing")
		case !utf8.ValidString(t.Title) || !utf8.ValidString(t.Description):
			add(tp+"title", "evaluation.text.invalid")
		case utf8.RuneCountInString(t.Title) > criterionTitleMax:
			add(tp+"title", "evaluation.text.too_long", criterionTitleMax)
		}
		if utf8.RuneCountInString(t.Description) > criterionDescriptionMax {
			add(tp+"description", "evaluation.text.too_long", criterionDescriptionMax)
		}
	}
}

// CriterionScore is a score given on one criterion, with its comment.
type CriterionScore struct {
	Criterion string // the criterion's code
	Score     Score
	Comment   string
}

// scoreOf returns the score given on code among scores.
func scoreOf(scores []CriterionScore, code string) (Score, bool) {
	for _, s := range scores {
		if s.Criterion == code {
			return s.Score, true
		}
	}
	return 0, false
}

// Assessment is what a grid makes of a set of scores.
type Assessment struct {
	// Total is Σ score × weight over the criteria scored.
	Total int64
	// Complete: every criterion of the grid is scored.
	Complete bool
	// BelowCriteria lists the codes of the criteria scored below their
	// threshold, in the grid's order.
	BelowCriteria []string
	// BelowOverall: complete, and the total is below the grid's overall
	// threshold.
	BelowOverall bool
}

// Passes reports whether the scores are complete and reach every threshold.
func (a Assessment) Passes() bool {
	return a.Complete && len(a.BelowCriteria) == 0 && !a.BelowOverall
}

// Assess totals scores on g and checks them against its thresholds.
// Scores on criteria the grid lacks are ignored; Validate refuses them.
func (g *Grid) Assess(scores []CriterionScore) Assessment {
	a := Assessment{Complete: true}
	var weights int64
	for _, cr := range g.Criteria {
		weights += int64(cr.Weight)
		s, ok := scoreOf(scores, cr.Code)
		if !ok {
			a.Complete = false
			continue
		}
		a.Total += int64(s) * int64(cr.Weight)
		if s < cr.Threshold {
			a.BelowCriteria = append(a.BelowCriteria, cr.Code)
		}
	}
	a.BelowOverall = a.Complete && a.Total < int64(g.Threshold)*weights
	return a
}

// validateScores normalises and checks scores against g: known criteria
// scored once, on the scale, comments readable and not too long; complete
// requires every criterion scored with a comment. Fields are named by
// criterion: scores.relevance.score, scores.relevance.comment.
func validateScores(g *Grid, scores []CriterionScore, complete bool, add addFunc) {
	for i := range scores {
		s := &scores[i]
		s.Criterion = strings.ToLower(strings.TrimSpace(s.Criterion))
		s.Comment = strings.TrimSpace(s.Comment)
		p := "scores." + s.Criterion + "."
		if _, ok := g.Criterion(s.Criterion); !ok {
			add(fmt.Sprintf("scores.%d.criterion", i), "evaluation.score.criterion.unknown", s.Criterion)
			continue
		}
		if slices.ContainsFunc(scores[:i], func(x CriterionScore) bool { return x.Criterion == s.Criterion }) {
			add(p+"score", "evaluation.score.criterion.duplicate")
			continue
		}
		if !s.Score.Valid() {
			add(p+"score", "evaluation.score.range")
		}
		checkText(p+"comment", s.Comment, evaluationCommentMax, complete, add)
	}
	if !complete {
		return
	}
	for _, cr := range g.Criteria {
		if _, ok := scoreOf(scores, cr.Code); !ok {
			add("scores."+cr.Code+".score", "evaluation.score.required")
		}
	}
}

// checkText reports a text that is required and empty, unreadable, or
// longer than max characters.
func checkText(field, s string, max int, required bool, add addFunc) {
	switch {
	case s == "":
		if required {
			add(field, "evaluation.text.required")
		}
	case !utf8.ValidString(s):
		add(field, "evaluation.text.invalid")
	case utf8.RuneCountInString(s) > max:
		add(field, "evaluation.text.too_long", max)
	}
}

// Evaluation is one evaluator's evaluation of one application: a score and a
// comment per criterion, and an overall comment. Submitting locks it.
type Evaluation struct {
	ID            int64
	ApplicationID int64
	EvaluatorID   int64 // user ID
	Scores        []CriterionScore
	Comment       string
	Submitted     bool
	SubmittedAt   time.Time // zero until submitted
	UpdatedAt     time.Time
}

// Validate normalises e (trims comments, lower-cases criterion codes) and
// checks it against g. A draft may be partial; a submitted evaluation
// scores every criterion, with a comment on each.
func (e *Evaluation) Validate(g *Grid) error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	validateScores(g, e.Scores, e.Submitted, add)
	e.Comment = strings.TrimSpace(e.Comment)
	checkText("comment", e.Comment, evaluationCommentMax, false, add)
	return errs.Err()
}

// DefaultDivergenceBP is the default gap between two evaluations of one
// application that flags it: 30 % of the scale.
const DefaultDivergenceBP = 3000

// Divergence says how far apart an application's evaluations are.
type Divergence struct {
	// GapBP is the gap between the highest and the lowest weighted total, in
	// basis points of the largest total, rounded up.
	GapBP int
	// Divergent: the gap exceeds the call's limit, and an extra evaluator
	// may be added.
	Divergent bool
}

// Divergent compares the submitted, complete evaluations in evals on g: the
// application is divergent when the highest and the lowest weighted totals
// differ by more than gapBP basis points of the scale (the largest total);
// gapBP ≤ 0 means DefaultDivergenceBP. Comparing weighted totals rather than
// each criterion keeps a flag for disagreements on the project as a whole.
func Divergent(g *Grid, evals []Evaluation, gapBP int) Divergence {
	if gapBP <= 0 {
		gapBP = DefaultDivergenceBP
	}
	max := g.MaxTotal()
	if max <= 0 {
		return Divergence{}
	}
	var lo, hi int64
	n := 0
	for i := range evals {
		if !evals[i].Submitted {
			continue
		}
		a := g.Assess(evals[i].Scores)
		if !a.Complete {
			continue
		}
		if n == 0 || a.Total < lo {
			lo = a.Total
		}
		if n == 0 || a.Total > hi {
			hi = a.Total
		}
		n++
	}
	if n < 2 {
		return Divergence{}
	}
	gap := hi - lo // ≤ max ≤ 10 × 20 × 100: the products below cannot overflow
	return Divergence{
		GapBP:     int((gap*10000 + max - 1) / max),
		Divergent: gap*10000 > int64(gapBP)*max,
	}
}

// Consensus is the score and comments per criterion the call's officers and
// co-managers agree on for an application after its evaluations. It ranks
// the application, and becomes the evaluation summary its applicant
// receives with the result.
type Consensus struct {
	ApplicationID int64
	Scores        []CriterionScore
	Comment       string // the summary's general comment
	// Language is the language the comments are written in.
	Language   string
	RecordedBy int64 // user ID
	RecordedAt time.Time
}

// Validate normalises c and checks it against g: every criterion scored
// with a comment, since the applicant reads them, and a general comment.
func (c *Consensus) Validate(g *Grid) error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	validateScores(g, c.Scores, true, add)
	c.Comment = strings.TrimSpace(c.Comment)
	checkText("comment", c.Comment, evaluationCommentMax, true, add)
	c.Language = strings.TrimSpace(c.Language)
	if c.Language == "" {
		c.Language = "fr"
	}
	if !ValidLanguage(c.Language) {
		add("language", "evaluation.language.invalid", c.Language)
	}
	return errs.Err()
}

// Party is one of the parties that run a call and sign its decisions: the
// ministry, which acts through its officers whatever organisation they
// belong to, or a co-managing organisation (partner state, PACA region,
// UNDP), which acts through its members holding the co_manager role. The
// ministry is MinistryParty, 0; a co-manager is the party of its
// organisation's ID.
type Party int64

// MinistryParty is the ministry (DAECT).
const MinistryParty Party = 0

// CallParties lists the parties of c: the ministry first, then its
// co-managers in the call's order.
func CallParties(c *Call) []Party {
	if c == nil {
		return nil
	}
	out := make([]Party, 0, 1+len(c.CoManagers))
	out = append(out, MinistryParty)
	for _, id := range c.CoManagers {
		out = append(out, Party(id))
	}
	return out
}

// CanActFor reports whether u acts for party on c: officers for the
// ministry, the members of a co-managing organisation who hold the
// co_manager role for that organisation. Administrators act for no party.
func CanActFor(u *User, c *Call, party Party) bool {
	if u == nil || c == nil {
		return false
	}
	if party == MinistryParty {
		return u.HasRole(RoleOfficer)
	}
	if !u.HasRole(RoleCoManager) || !slices.Contains(c.CoManagers, int64(party)) {
		return false
	}
	_, ok := u.Membership(int64(party))
	return ok
}

// PartiesOf lists the parties u acts for on c, in CallParties' order.
func PartiesOf(u *User, c *Call) []Party {
	var out []Party
	for _, p := range CallParties(c) {
		if CanActFor(u, c, p) {
			out = append(out, p)
		}
	}
	return out
}

// callManager reports whether u runs c's evaluation: officers, and c's
// co-managers. Unlike the application lists, administrators are not
// included: scores are for the parties alone.
func callManager(u *User, c *Call) bool {
	return c != nil && (u.HasRole(RoleOfficer) || u.HasRole(RoleCoManager) && callCoManagedBy(u, c))
}

// Panel is what the rules about one application's evaluation look at: its
// call, the application, and the application's assignments and
// evaluations (all of them, active or not).
type Panel struct {
	Call        *Call
	Application *Application
	Assignments []Assignment
	Evaluations []Evaluation
}

// ok reports whether p is whole and consistent.
func (p *Panel) ok() bool {
	return p != nil && p.Call != nil && p.Application != nil && p.Application.CallID == p.Call.ID
}

// assignment returns userID's active assignment on p's application.
func (p *Panel) assignment(userID int64) *Assignment {
	for i := range p.Assignments {
		a := &p.Assignments[i]
		if a.EvaluatorID == userID && a.ApplicationID == p.Application.ID && a.Active() {
			return a
		}
	}
	return nil
}

// evaluation returns userID's evaluation of p's application.
func (p *Panel) evaluation(userID int64) *Evaluation {
	for i := range p.Evaluations {
		e := &p.Evaluations[i]
		if e.EvaluatorID == userID && e.ApplicationID == p.Application.ID {
			return e
		}
	}
	return nil
}

// assignedEvaluator returns u's active assignment on p's application when u
// holds the evaluator role.
func (p *Panel) assignedEvaluator(u *User) *Assignment {
	if u == nil || !p.ok() || !u.HasRole(RoleEvaluator) {
		return nil
	}
	return p.assignment(u.ID)
}

// CanConfirmNoConflict allows an evaluator to see what identifies an
// application (its title, lead and partners) and confirm having no
// conflict with it, or declare one: the evaluator assigned to it, before
// confirming.
func CanConfirmNoConflict(u *User, p *Panel) bool {
	as := p.assignedEvaluator(u)
	return as != nil && as.ConfirmedAt.IsZero()
}

// CheckNoConflict decides whether u may confirm having no conflict with p's
// application: CanConfirmNoConflict, and no conflict detectable from d,
// u's declaration, and lead, the application's lead organisation (nil when
// not known). A detectable conflict must be declared instead.
func CheckNoConflict(u *User, p *Panel, d *Declaration, lead *Organisation) error {
	if !CanConfirmNoConflict(u, p) {
		if as := p.assignedEvaluator(u); as != nil {
			return Errorf(ECONFLICT, "evaluation.conflict.already_confirmed")
		}
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if d == nil || d.EvaluatorID != u.ID {
		return Errorf(ECONFLICT, "evaluation.declaration.missing")
	}
	if cs := Conflicts(d, p.Application, lead); len(cs) > 0 {
		return &Error{Code: ECONFLICT, Key: cs[0].Key(), Args: cs[0].Args()}
	}
	return nil
}

// CheckConflictDeclaration decides whether u may declare a conflict with
// p's application, which ends the assignment: the evaluator assigned to it,
// before submitting, with a reason the officers read.
func CheckConflictDeclaration(u *User, p *Panel, reason string) error {
	as := p.assignedEvaluator(u)
	if as == nil {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if e := p.evaluation(u.ID); e != nil && e.Submitted {
		return Errorf(ECONFLICT, "evaluation.locked")
	}
	return checkEvalReason("reason", reason, conflictReasonMax)
}

// CanSeeApplicationAsEvaluator allows an evaluator to read p's application
// in full: the evaluator assigned to it, once they confirmed having no
// conflict with it. Officers and co-managers read it by CanViewApplication.
func CanSeeApplicationAsEvaluator(u *User, p *Panel) bool {
	as := p.assignedEvaluator(u)
	return as != nil && !as.ConfirmedAt.IsZero()
}

// CanSeeEvaluation allows reading ev, an evaluation of p's application.
//   - Its author always.
//   - Nobody else reads a draft: it is not an evaluation yet.
//   - Whoever is assigned to the application reads no one else's until
//     they have submitted their own, even an officer or a co-manager.
//   - Officers and the co-managers of the application's call read every
//     submitted evaluation.
//   - An evaluator assigned to the application reads the other submitted
//     evaluations once theirs is submitted.
func CanSeeEvaluation(u *User, p *Panel, ev *Evaluation) bool {
	if u == nil || ev == nil || !p.ok() || ev.ApplicationID != p.Application.ID {
		return false
	}
	if ev.EvaluatorID == u.ID {
		return true
	}
	if !ev.Submitted {
		return false
	}
	if p.assignment(u.ID) != nil {
		mine := p.evaluation(u.ID)
		return mine != nil && mine.Submitted
	}
	return callManager(u, p.Call)
}

// CheckScore decides whether u may write or submit a score on p's
// application: an evaluator assigned to it (EFORBIDDEN otherwise), while its
// call is under evaluation, once they confirmed having no conflict, and
// until they submit (ECONFLICT otherwise).
func CheckScore(u *User, p *Panel) error {
	if p.assignedEvaluator(u) == nil {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	switch {
	case p.Call.Status != CallEvaluation:
		return Errorf(ECONFLICT, "evaluation.call.not_in_evaluation")
	case p.assignment(u.ID).ConfirmedAt.IsZero():
		return Errorf(ECONFLICT, "evaluation.conflict.unconfirmed")
	}
	if e := p.evaluation(u.ID); e != nil && e.Submitted {
		return Errorf(ECONFLICT, "evaluation.locked")
	}
	return nil
}

// CanScore is CheckScore as a yes or no.
func CanScore(u *User, p *Panel) bool { return CheckScore(u, p) == nil }

// CheckConsensus decides whether u may record the consensus on p's
// application: officers and the co-managers of its call (EFORBIDDEN
// otherwise), while the call is under evaluation, once every active
// assignment's evaluation is submitted, at least one (ECONFLICT otherwise).
func CheckConsensus(u *User, p *Panel) error {
	if !p.ok() || !callManager(u, p.Call) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if p.Call.Status != CallEvaluation {
		return Errorf(ECONFLICT, "evaluation.call.not_in_evaluation")
	}
	pending, submitted := 0, 0
	for _, as := range p.Assignments {
		if as.ApplicationID != p.Application.ID || !as.Active() {
			continue
		}
		if e := p.evaluation(as.EvaluatorID); e != nil && e.Submitted {
			submitted++
		} else {
			pending++
		}
	}
	if pending > 0 || submitted == 0 {
		return Errorf(ECONFLICT, "evaluation.consensus.pending", pending)
	}
	return nil
}

// CanRecordConsensus is CheckConsensus as a yes or no.
func CanRecordConsensus(u *User, p *Panel) bool { return CheckConsensus(u, p) == nil }

// checkEvalReason requires a readable text of at most max characters.
func checkEvalReason(field, s string, max int) error {
	var errs Errors
	checkText(field, strings.TrimSpace(s), max, true, func(field, key string, args ...any) {
		errs = append(errs, FieldError(field, key, args...))
	})
	return errs.Err()
}

// Admissibility is an officer's decision on whether an application goes to
// evaluation: the automatic eligibility result confirmed, or overridden
// with a reason.
type Admissibility struct {
	ApplicationID int64
	// Automatic is the eligibility result when the officer decided: nil
	// while some rule could not be checked.
	Automatic  *bool
	Admissible bool
	Reason     string
	DecidedBy  int64 // user ID
	DecidedAt  time.Time
}

// Overrides reports whether the decision departs from the automatic
// result, or had none to follow.
func (ad *Admissibility) Overrides() bool {
	return ad.Automatic == nil || *ad.Automatic != ad.Admissible
}

// Validate trims the reason and requires one when the decision overrides
// the automatic result (Overrides).
func (ad *Admissibility) Validate() error {
	ad.Reason = strings.TrimSpace(ad.Reason)
	var errs Errors
	checkText("reason", ad.Reason, admissibilityReasonMax, ad.Overrides(), func(field, key string, args ...any) {
		errs = append(errs, FieldError(field, key, args...))
	})
	return errs.Err()
}

// CanDecideAdmissibility allows confirming or overriding the eligibility
// result of c's applications: ministry officers.
func CanDecideAdmissibility(u *User) bool { return u.HasRole(RoleOfficer) }

// DeclaredOrganisation is an organisation an evaluator works or worked for.
type DeclaredOrganisation struct {
	// OrganisationID is 0 for an organisation not registered, named by Name.
	OrganisationID int64
	Name           string
	Role           string // what the evaluator did there
	Current        bool
}

// Office is a public office an evaluator holds in a French territory. The
// territory is named as the referential names it (kind and code), with the
// département and région it lies in when known (Territory gives them), so
// that an office in a région is seen to cover its communes.
type Office struct {
	Kind       TerritoryKind
	Code       string // INSEE code, SIREN for an EPCI
	Department string // INSEE code of its département, when known
	Region     string // INSEE code of its région, when known
	Title      string // e.g. "conseillère municipale"
}

// InterestLink is a family or financial link an evaluator declares, with the
// organisations it concerns.
type InterestLink struct {
	Description     string
	OrganisationIDs []int64
}

// Declaration is an evaluator's declaration of interests, kept up to date by
// the evaluator and read before every assignment.
type Declaration struct {
	EvaluatorID   int64 // user ID
	Organisations []DeclaredOrganisation
	Offices       []Office
	Links         []InterestLink
	UpdatedAt     time.Time
}

// WithMemberships returns a copy of d that also lists the organisations u
// belongs to on the platform as current ones: an evaluator's own
// organisation is one they work for, declared or not.
func (d Declaration) WithMemberships(u *User) Declaration {
	out := d
	out.Organisations = slices.Clone(d.Organisations)
	if u == nil {
		return out
	}
	for _, m := range u.Memberships {
		if !slices.ContainsFunc(out.Organisations, func(o DeclaredOrganisation) bool { return o.OrganisationID == m.OrganisationID }) {
			out.Organisations = append(out.Organisations, DeclaredOrganisation{OrganisationID: m.OrganisationID, Name: m.OrganisationName, Current: true})
		}
	}
	return out
}

// Validate normalises a declaration and checks it: at most 50 entries of
// each kind; organisations named or registered; offices in territories of
// a known kind with a code; links described, naming registered
// organisations. Fields: organisations.0.name, offices.1.code,
// links.0.description…
func (d *Declaration) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	for _, l := range []struct {
		field string
		n     int
	}{{"organisations", len(d.Organisations)}, {"offices", len(d.Offices)}, {"links", len(d.Links)}} {
		if l.n > declarationItemsMax {
			add(l.field, "evaluation.declaration.too_many", declarationItemsMax)
		}
	}
	for i := range d.Organisations {
		o := &d.Organisations[i]
		p := fmt.Sprintf("organisations.%d.", i)
		o.Name, o.Role = strings.TrimSpace(o.Name), strings.TrimSpace(o.Role)
		switch {
		case o.OrganisationID < 0:
			add(p+"organisation_id", "evaluation.declaration.organisation.invalid")
		case o.OrganisationID > 0 && slices.ContainsFunc(d.Organisations[:i], func(x DeclaredOrganisation) bool { return x.OrganisationID == o.OrganisationID }):
			add(p+"organisation_id", "evaluation.declaration.organisation.duplicate")
		}
		checkText(p+"name", o.Name, declarationNameMax, o.OrganisationID == 0, add)
		checkText(p+"role", o.Role, declarationNameMax, false, add)
	}
	for i := range d.Offices {
		o := &d.Offices[i]
		p := fmt.Sprintf("offices.%d.", i)
		o.Code, o.Title = strings.ToUpper(strings.TrimSpace(o.Code)), strings.TrimSpace(o.Title)
		o.Department, o.Region = strings.ToUpper(strings.TrimSpace(o.Department)), strings.TrimSpace(o.Region)
		if !slices.Contains(TerritoryKinds, o.Kind) {
			add(p+"kind", "evaluation.declaration.office.kind")
		}
		if !validTerritoryCode(o.Code) {
			add(p+"code", "evaluation.declaration.office.code")
		}
		if o.Department != "" && !validTerritoryCode(o.Department) {
			add(p+"department", "evaluation.declaration.office.code")
		}
		if o.Region != "" {
			if _, ok := inseeRegions[o.Region]; !ok {
				add(p+"region", "evaluation.declaration.office.code")
			}
		}
		checkText(p+"title", o.Title, declarationNameMax, false, add)
	}
	for i := range d.Links {
		l := &d.Links[i]
		p := fmt.Sprintf("links.%d.", i)
		l.Description = strings.TrimSpace(l.Description)
		checkText(p+"description", l.Description, declarationTextMax, true, add)
		if len(l.OrganisationIDs) > declarationItemsMax {
			add(p+"organisation_ids", "evaluation.declaration.too_many", declarationItemsMax)
		}
		for j, id := range l.OrganisationIDs {
			if id <= 0 || slices.Contains(l.OrganisationIDs[:j], id) {
				add(p+"organisation_ids", "evaluation.declaration.organisation.invalid")
				break
			}
		}
	}
	return errs.Err()
}

// validTerritoryCode accepts INSEE codes and SIREN numbers: 1 to 9 digits
// or capitals (2A and 2B for Corsica).
func validTerritoryCode(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// ConflictReason says why an evaluator may not evaluate an application.
type ConflictReason string

const (
	// ConflictLead: the evaluator works or worked for the lead.
	ConflictLead ConflictReason = "lead"
	// ConflictPartner: the evaluator works or worked for a partner.
	ConflictPartner ConflictReason = "partner"
	// ConflictLink: a declared family or financial link concerns the lead
	// or a partner.
	ConflictLink ConflictReason = "link"
	// ConflictOffice: the evaluator holds office in the lead's territory,
	// in one that contains it, or in one it contains.
	ConflictOffice ConflictReason = "office"
)

// Conflict is one conflict of interest detected between an evaluator and an
// application.
type Conflict struct {
	Reason         ConflictReason
	OrganisationID int64  // the lead or partner concerned, 0 when not registered
	Name           string // the partner's name when it is not registered
	Territory      string // the office's code, for ConflictOffice
}

// Key returns the catalogue key that explains c.
func (c Conflict) Key() string { return "evaluation.conflict." + string(c.Reason) }

// Args returns the args of c's message: the organisation (OrganisationArg,
// or the name of one not registered), or the territory's code.
func (c Conflict) Args() []any {
	switch {
	case c.Reason == ConflictOffice:
		return []any{c.Territory}
	case c.OrganisationID > 0:
		return []any{OrganisationArg(c.OrganisationID)}
	}
	return []any{c.Name}
}

// Conflicts lists the conflicts of interest detectable between the
// evaluator who made d and a, whose lead organisation is lead (nil when not
// known: its territory is then not checked), in this order:
//   - an organisation d declares (WithMemberships adds the evaluator's
//     own) is a's lead or one of its partners, registered ones by ID, the
//     others by name (Fold);
//   - a family or financial link names the lead or a registered partner;
//   - d declares an office in the lead's territory, in a territory that
//     contains it (its département or région), or in one it contains (a
//     commune of a département that leads).
//
// Conflicts an evaluator declares for one application alone end their
// assignment to it; they are not found here.
func Conflicts(d *Declaration, a *Application, lead *Organisation) []Conflict {
	if d == nil || a == nil {
		return nil
	}
	var out []Conflict
	scanConflicts(newDeclIndex(d), newAppIndex(a, lead), func(c Conflict) bool {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
		return true
	})
	return out
}

// declIndex is a declaration ready for many applications.
type declIndex struct {
	orgs    map[int64]bool  // registered organisations declared
	names   map[string]bool // declared organisations' names, folded
	links   map[int64]bool  // organisations a link names
	offices []territoryPath
	codes   []string // the offices' codes, for messages
}

func newDeclIndex(d *Declaration) *declIndex {
	di := &declIndex{orgs: map[int64]bool{}, names: map[string]bool{}, links: map[int64]bool{}}
	for _, o := range d.Organisations {
		if o.OrganisationID > 0 {
			di.orgs[o.OrganisationID] = true
		}
		if strings.TrimSpace(o.Name) == "" {
			continue // Fold is costly, and most entries are registered
		}
		if n := Fold(o.Name); n != "" {
			di.names[n] = true
		}
	}
	for _, l := range d.Links {
		for _, id := range l.OrganisationIDs {
			if id > 0 {
				di.links[id] = true
			}
		}
	}
	for _, o := range d.Offices {
		di.offices = append(di.offices, officePath(o))
		di.codes = append(di.codes, o.Code)
	}
	return di
}

// appIndex is what the conflicts look at in an application.
type appIndex struct {
	lead         int64
	partners     []int64  // registered partners, the lead's own entry apart
	unregistered []string // unregistered partners' names
	folded       []string // the same, folded
	path         territoryPath
}

func newAppIndex(a *Application, lead *Organisation) *appIndex {
	ai := &appIndex{lead: a.LeadOrganisationID}
	for _, p := range a.Partners {
		switch {
		case p.Role == RoleLeadPartner:
		case p.OrganisationID > 0:
			ai.partners = append(ai.partners, p.OrganisationID)
		default:
			ai.unregistered = append(ai.unregistered, p.Name)
			ai.folded = append(ai.folded, Fold(p.Name))
		}
	}
	if lead != nil {
		ai.path = leadTerritoryPath(lead)
	}
	return ai
}

// scanConflicts calls emit with each conflict between di and ai, in the
// order Conflicts documents, until emit returns false. Conflicts lists
// them; Assign only asks whether there is one.
func scanConflicts(di *declIndex, ai *appIndex, emit func(Conflict) bool) {
	if ai.lead > 0 && di.orgs[ai.lead] && !emit(Conflict{Reason: ConflictLead, OrganisationID: ai.lead}) {
		return
	}
	for _, id := range ai.partners {
		if id != ai.lead && di.orgs[id] && !emit(Conflict{Reason: ConflictPartner, OrganisationID: id}) {
			return
		}
	}
	for i, n := range ai.folded {
		if n != "" && di.names[n] && !emit(Conflict{Reason: ConflictPartner, Name: ai.unregistered[i]}) {
			return
		}
	}
	if ai.lead > 0 && di.links[ai.lead] && !emit(Conflict{Reason: ConflictLink, OrganisationID: ai.lead}) {
		return
	}
	for _, id := range ai.partners {
		if di.links[id] && !emit(Conflict{Reason: ConflictLink, OrganisationID: id}) {
			return
		}
	}
	for i, op := range di.offices {
		if territoriesOverlap(op, ai.path) && !emit(Conflict{Reason: ConflictOffice, Territory: di.codes[i]}) {
			return
		}
	}
}

// hasConflict reports whether scanConflicts finds any.
func hasConflict(di *declIndex, ai *appIndex) bool {
	found := false
	scanConflicts(di, ai, func(Conflict) bool { found = true; return false })
	return found
}

// territoryRef names a territory by level and code: a région and a
// département may share a code (93 is PACA and Seine-Saint-Denis).
type territoryRef struct {
	kind TerritoryKind
	code string
}

// territoryPath is a territory followed by those it lies in, when known.
type territoryPath []territoryRef

// territoriesOverlap reports whether one territory is the other or lies in
// it.
func territoriesOverlap(x, y territoryPath) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	return slices.Contains(y, x[0]) || slices.Contains(x, y[0])
}

func officePath(o Office) territoryPath {
	p := territoryPath{{o.Kind, o.Code}}
	dept := o.Department
	if dept == "" && o.Kind == TerritoryCommune {
		dept = communeDepartment(o.Code)
	}
	if dept != "" && o.Kind != TerritoryDepartement && o.Kind != TerritoryRegion {
		p = append(p, territoryRef{TerritoryDepartement, dept})
	}
	if o.Region != "" && o.Kind != TerritoryRegion {
		p = append(p, territoryRef{TerritoryRegion, o.Region})
	}
	return p
}

// leadTerritoryPath is the lead's territory, its département (derived from
// a commune's INSEE code) and its région.
func leadTerritoryPath(o *Organisation) territoryPath {
	code := strings.ToUpper(strings.TrimSpace(o.TerritoryCode))
	if o.Kind != OrgFrenchAuthority || code == "" {
		return nil
	}
	var kind TerritoryKind
	switch o.AuthorityType {
	case AuthorityRegion:
		kind = TerritoryRegion
	case AuthorityDepartement:
		kind = TerritoryDepartement
	case AuthorityCommune:
		kind = TerritoryCommune
	default:
		kind = TerritoryEPCI // EPCI and other groupings are named by their SIREN
	}
	p := territoryPath{{kind, code}}
	if kind == TerritoryCommune {
		if d := communeDepartment(code); d != "" {
			p = append(p, territoryRef{TerritoryDepartement, d})
		}
	}
	if o.RegionCode != "" && kind != TerritoryRegion {
		p = append(p, territoryRef{TerritoryRegion, o.RegionCode})
	}
	return p
}

// communeDepartment derives a commune's département from its INSEE code:
// its first two characters (2A, 2B in Corsica), three overseas (971…976).
func communeDepartment(code string) string {
	if len(code) != 5 {
		return ""
	}
	if strings.HasPrefix(code, "97") {
		return code[:3]
	}
	return code[:2]
}

// OpinionValue is an embassy's opinion on an application.
type OpinionValue string

const (
	OpinionFavourable   OpinionValue = "favourable"
	OpinionReserved     OpinionValue = "reserved"
	OpinionUnfavourable OpinionValue = "unfavourable"
)

// OpinionValues lists the opinions in the order forms show them.
var OpinionValues = []OpinionValue{OpinionFavourable, OpinionReserved, OpinionUnfavourable}

// Valid reports whether v is a known opinion.
func (v OpinionValue) Valid() bool { return slices.Contains(OpinionValues, v) }

// OpinionRequest asks an embassy for its opinion on an application by a
// due date.
type OpinionRequest struct {
	ID                    int64
	ApplicationID         int64
	EmbassyOrganisationID int64
	DueAt                 time.Time
	RequestedBy           int64 // user ID
	RequestedAt           time.Time
}

// Validate checks a request before it is sent at now: an embassy, and a
// due date after now and within 90 days.
func (r *OpinionRequest) Validate(now time.Time) error {
	var errs Errors
	if r.EmbassyOrganisationID <= 0 {
		errs = append(errs, FieldError("embassy_organisation_id", "evaluation.opinion.embassy.required"))
	}
	switch {
	case r.DueAt.IsZero():
		errs = append(errs, FieldError("due_at", "evaluation.opinion.due.required"))
	case !r.DueAt.After(now):
		errs = append(errs, FieldError("due_at", "evaluation.opinion.due.past"))
	case r.DueAt.Sub(now) > opinionDueDaysMax*24*time.Hour:
		errs = append(errs, FieldError("due_at", "evaluation.opinion.due.too_far", opinionDueDaysMax))
	}
	return errs.Err()
}

// EmbassyOpinion is an embassy's opinion on an application.
type EmbassyOpinion struct {
	ID                    int64
	ApplicationID         int64
	EmbassyOrganisationID int64
	Value                 OpinionValue
	Comment               string
	AuthorID              int64 // user ID
	GivenAt               time.Time
}

// Validate trims the comment and checks the opinion: a known value, and a
// comment, which the committee reads.
func (o *EmbassyOpinion) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if !o.Value.Valid() {
		add("value", "evaluation.opinion.value.invalid")
	}
	o.Comment = strings.TrimSpace(o.Comment)
	checkText("comment", o.Comment, opinionCommentMax, true, add)
	return errs.Err()
}

// OpinionCountries lists the countries an application concerns, whose
// embassies give their opinion: its countries of action, its beneficiary
// countries (trilateral projects) and its foreign partners' countries,
// sorted, without France.
func OpinionCountries(a *Application) []string {
	if a == nil {
		return nil
	}
	var out []string
	add := func(code string) {
		code = strings.ToUpper(strings.TrimSpace(code))
		if code != "" && code != "FR" {
			out = append(out, code)
		}
	}
	for _, c := range a.Countries {
		add(c)
	}
	for _, c := range a.BeneficiaryCountries {
		add(c)
	}
	for _, p := range a.Partners {
		if p.Role != RoleLeadPartner {
			add(p.Country)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CanRequestOpinion allows asking an embassy for its opinion on c's
// applications: officers and c's co-managers.
func CanRequestOpinion(u *User, c *Call) bool { return callManager(u, c) }

// CanGiveOpinion allows u to give embassy's opinion on a, submitted: a
// holder of the embassy role who is a member of embassy, an organisation of
// the embassy kind posted in one of OpinionCountries(a).
//
// An embassy is an Organisation of kind OrgEmbassy whose Country is the
// country it is posted in (storage keeps one per country); its staff are
// its members. Memberships carry no country, so the caller passes the
// organisation u acts for.
func CanGiveOpinion(u *User, embassy *Organisation, a *Application) bool {
	if u == nil || embassy == nil || a == nil || !u.HasRole(RoleEmbassy) || embassy.Kind != OrgEmbassy {
		return false
	}
	if _, ok := u.Membership(embassy.ID); !ok || a.Status != ApplicationSubmitted {
		return false
	}
	return slices.Contains(OpinionCountries(a), strings.ToUpper(embassy.Country))
}

// CheckOpinion decides whether u may give embassy's opinion on a at now,
// in answer to req: CanGiveOpinion (EFORBIDDEN otherwise), req addressed to
// that embassy about a, and its due date not passed (ECONFLICT otherwise).
func CheckOpinion(u *User, embassy *Organisation, a *Application, req *OpinionRequest, now time.Time) error {
	if !CanGiveOpinion(u, embassy, a) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if req == nil || req.ApplicationID != a.ID || req.EmbassyOrganisationID != embassy.ID {
		return Errorf(ECONFLICT, "evaluation.opinion.not_requested")
	}
	if now.After(req.DueAt) {
		return Errorf(ECONFLICT, "evaluation.opinion.overdue", req.DueAt)
	}
	return nil
}

// CanSeeOpinion allows reading op, an opinion on an application to c: the
// embassy's members, officers and c's co-managers. Evaluators do not read
// it: they score the application on its own.
func CanSeeOpinion(u *User, c *Call, op *EmbassyOpinion) bool {
	if u == nil || op == nil {
		return false
	}
	if _, ok := u.Membership(op.EmbassyOrganisationID); ok {
		return true
	}
	return callManager(u, c)
}
