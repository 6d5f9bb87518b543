package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// assignmentsData is what the assignments page shows: a page of the
// call's submitted applications with their evaluators, and every pooled
// evaluator's load.
type assignmentsData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Nav           callNav
	CanManage     bool
	Stored        bool // the call has a set-up
	Rows          []assignmentAppRow
	Loads         []assignmentLoad
	Pager         *pager
	Page          int
}

type assignmentAppRow struct {
	ID         int64
	Number     string
	Title      string
	TitleLang  string
	Lead       string
	Admissible string // yes, no, or none while undecided
	Evaluators []assignmentRow
	Divergent  bool
	Gap        string // the gap between evaluations, in % of the scale
}

type assignmentRow struct {
	ID        int64
	Name      string
	Party     string
	State     string
	EndReason coopdec.AssignmentEnd
	EndNote   string
	Extra     bool
	// Choices are the evaluators who may replace this one; empty when the
	// assignment cannot change.
	Choices []setupPerson
}

type assignmentLoad struct {
	Name, Party string
	Load        int
}

// Field names a control of the row's reassignment form.
func (a assignmentRow) Field(name string) string { return name + "-" + strconv.FormatInt(a.ID, 10) }

func (s *Server) assignmentsPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.assignmentsView(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	switch ok := q.Get("ok"); ok {
	case "assigned", "extra":
		n, _ := strconv.Atoi(q.Get("n"))
		v.Flash = v.T("evalsetup.asg.flash."+ok, n)
	case "reassigned", "none":
		v.Flash = v.T("evalsetup.asg.flash." + ok)
	}
	s.render(w, r, http.StatusOK, "evalsetup_assignments", v)
}

func (s *Server) assignmentsView(r *http.Request, c *coopdec.Call) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	d := &assignmentsData{Call: c, Nav: newCallNav(r, c, navAssignments), CanManage: coopdec.CanManageAssignments(currentUser(r), c)}
	t, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = t.Title, tl
	g, setup, err := s.db.EvaluationSetup(ctx, c.ID)
	switch {
	case err == nil:
		d.Stored = true
	case coopdec.ErrorCode(err) == coopdec.ENOTFOUND:
		g, setup = &coopdec.Grid{}, &coopdec.EvaluationSetup{}
	default:
		return nil, err
	}
	parties := s.partyNames(ctx, lang, c)
	all, err := s.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: c.ID})
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, pl := range setup.Pools {
		ids = append(ids, pl.EvaluatorIDs...)
	}
	for _, as := range all {
		ids = append(ids, as.EvaluatorID)
	}
	names, err := s.db.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}

	// Loads: every pooled evaluator, and whoever still holds an assignment.
	load := map[int64]int{}
	partyOf := map[int64]coopdec.Party{}
	for _, pl := range setup.Pools {
		for _, id := range pl.EvaluatorIDs {
			load[id], partyOf[id] = 0, pl.Party
		}
	}
	for _, as := range all {
		if as.Active() {
			load[as.EvaluatorID]++
			if _, ok := partyOf[as.EvaluatorID]; !ok {
				partyOf[as.EvaluatorID] = as.Party
			}
		}
	}
	for id, n := range load {
		d.Loads = append(d.Loads, assignmentLoad{Name: names[id], Party: parties[partyOf[id]], Load: n})
	}
	slices.SortFunc(d.Loads, func(a, b assignmentLoad) int {
		if a.Party != b.Party {
			return compareStrings(a.Party, b.Party)
		}
		return compareStrings(a.Name, b.Name)
	})

	f := coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true, Status: coopdec.ApplicationSubmitted}
	list, page, err := s.db.ListApplications(ctx, f, pageParam(r))
	if err != nil {
		return nil, err
	}
	for _, sum := range list {
		a := &sum.Application
		row := assignmentAppRow{ID: a.ID, Number: a.ReceiptNumber, Lead: sum.LeadName, Admissible: "none"}
		row.Title, row.TitleLang = applicationTitleIn(a, lang)
		ad, err := s.db.Admissibility(ctx, a.ID)
		switch {
		case err == nil && ad.Admissible:
			row.Admissible = "yes"
		case err == nil:
			row.Admissible = "no"
		case coopdec.ErrorCode(err) != coopdec.ENOTFOUND:
			return nil, err
		}
		evals, err := s.db.ListEvaluations(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if d.Stored {
			div := coopdec.Divergent(g, evals, setup.DivergenceBP)
			row.Divergent, row.Gap = div.Divergent, formatPercent(div.GapBP)
		}
		var mine []coopdec.Assignment
		for _, as := range all {
			if as.ApplicationID == a.ID {
				mine = append(mine, as)
			}
		}
		for _, as := range mine {
			var ev *coopdec.Evaluation
			for i := range evals {
				if evals[i].EvaluatorID == as.EvaluatorID {
					ev = &evals[i]
				}
			}
			ar := assignmentRow{ID: as.ID, Name: names[as.EvaluatorID], Party: parties[as.Party], State: assignmentState(as, ev),
				EndReason: as.EndReason, EndNote: as.EndNote, Extra: as.Extra}
			if d.CanManage && ar.State != "submitted" && (as.Active() || as.EndReason == coopdec.EndConflictDeclared && !replaced(mine, as)) {
				ar.Choices = replacements(setup, mine, as, names)
			}
			row.Evaluators = append(row.Evaluators, ar)
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager, d.Page = newPager(r, page), page.Page
	return s.newView(r, "evalsetup.asg.title", d), nil
}

// replaced reports whether an assignment ended on a declared conflict was
// followed by another of the same party on the application.
func replaced(mine []coopdec.Assignment, as coopdec.Assignment) bool {
	return slices.ContainsFunc(mine, func(x coopdec.Assignment) bool {
		return x.ID > as.ID && x.Party == as.Party && x.Extra == as.Extra
	})
}

// replacements lists who may take as's place: the members of its party's
// pool (of any pool for an extra) never assigned to the application.
func replacements(setup *coopdec.EvaluationSetup, mine []coopdec.Assignment, as coopdec.Assignment, names map[int64]string) []setupPerson {
	var out []setupPerson
	for i, pl := range setup.Pools {
		if !as.Extra && pl.Party != as.Party {
			continue
		}
		for _, id := range pl.EvaluatorIDs {
			if slices.ContainsFunc(mine, func(x coopdec.Assignment) bool { return x.EvaluatorID == id }) {
				continue
			}
			out = append(out, setupPerson{ID: id, Name: names[id], Pool: i})
		}
	}
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// assignmentsFail shows the assignments page again with what went wrong,
// for the mistakes the reader can fix; anything else is an error page.
func (s *Server) assignmentsFail(w http.ResponseWriter, r *http.Request, c *coopdec.Call, err error) {
	code := coopdec.ErrorCode(err)
	if code != coopdec.EINVALID && code != coopdec.ECONFLICT {
		s.error(w, r, err)
		return
	}
	v, verr := s.assignmentsView(r, c)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	v.addError(err)
	v.Form = r.PostForm
	s.render(w, r, statusOf(code), "evalsetup_assignments", v)
}

func assignmentsURL(c *coopdec.Call, ok string, n int) string {
	q := url.Values{"ok": {ok}}
	if n > 0 {
		q.Set("n", strconv.Itoa(n))
	}
	return "/appels/" + strconv.FormatInt(c.ID, 10) + "/evaluation/affectations?" + q.Encode()
}

// assignmentsRun runs the automatic assignment of the call's admissible
// applications.
func (s *Server) assignmentsRun(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	_ = r.ParseForm()
	made, err := s.runAssignment(r, c, nil, 0)
	if err != nil {
		s.assignmentsFail(w, r, c, err)
		return
	}
	if len(made) == 0 {
		http.Redirect(w, r, assignmentsURL(c, "none", 0), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, assignmentsURL(c, "assigned", len(made)), http.StatusSeeOther)
}

// managedAssignment loads the assignment of the path and its call for the
// officers who manage the call's assignments: those who do not run the
// call are told the assignment does not exist, its co-managers that they
// may not change it.
func (s *Server) managedAssignment(r *http.Request) (*coopdec.Assignment, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "assignment.not_found")
	if err != nil {
		return nil, nil, err
	}
	as, callID, err := s.db.AssignmentWithCall(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.pageCallByID(r, callID, coopdec.CanRunCommittee)
	if err != nil {
		return nil, nil, coopdec.Errorf(coopdec.ENOTFOUND, "assignment.not_found")
	}
	if !coopdec.CanManageAssignments(currentUser(r), c) {
		return nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	return as, c, nil
}

// assignmentReassign gives an application to another evaluator, with the
// officer's reason.
func (s *Server) assignmentReassign(w http.ResponseWriter, r *http.Request) {
	as, c, err := s.managedAssignment(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	to, _ := strconv.ParseInt(r.PostForm.Get("to_evaluator_id"), 10, 64)
	re := &coopdec.Reassignment{ApplicationID: as.ApplicationID, FromEvaluatorID: as.EvaluatorID, ToEvaluatorID: to,
		Reason: r.PostForm.Get("reason")}
	if _, err := s.db.ReassignNotify(r.Context(), s.jobs, currentUser(r), re, actor(r), s.assignmentMails(c, strings.TrimSpace(re.Reason))); err != nil {
		s.assignmentsFail(w, r, c, rowFields(s.withPartyNames(r.Context(), err, nil), as.ID))
		return
	}
	http.Redirect(w, r, assignmentsURL(c, "reassigned", 0), http.StatusSeeOther)
}

// rowFields names the fields of one row's form in err.
func rowFields(err error, id int64) error {
	suffix := "-" + strconv.FormatInt(id, 10)
	rename := func(e *coopdec.Error) *coopdec.Error {
		out := *e
		if out.Field != "" {
			out.Field += suffix
		}
		return &out
	}
	switch e := err.(type) {
	case *coopdec.Error:
		return rename(e)
	case coopdec.Errors:
		out := make(coopdec.Errors, len(e))
		for i, x := range e {
			out[i] = rename(x)
		}
		return out
	}
	return err
}

// assignmentExtra adds an evaluator to a divergent application.
func (s *Server) assignmentExtra(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.evalApplication(r, coopdec.ENOTFOUND)
	if err != nil {
		s.error(w, r, err)
		return
	}
	_ = r.ParseForm()
	made, err := s.extraEvaluator(r, a, c)
	if err != nil {
		s.assignmentsFail(w, r, c, err)
		return
	}
	http.Redirect(w, r, assignmentsURL(c, "extra", len(made)), http.StatusSeeOther)
}

// assignmentState says where as stands, given its evaluator's evaluation
// of the application (nil when none): awaiting (the conflict check),
// confirmed, draft, submitted or ended. A submitted evaluation stays
// submitted: an assignment cannot end once submitted.
func assignmentState(as coopdec.Assignment, ev *coopdec.Evaluation) string {
	switch {
	case ev != nil && ev.Submitted:
		return "submitted"
	case !as.Active():
		return "ended"
	case as.ConfirmedAt.IsZero():
		return "awaiting"
	case ev != nil:
		return "draft"
	}
	return "confirmed"
}

// assignmentMails tells each evaluator, in their language, of the
// applications of c just assigned to them: one email per evaluator
// listing them, with the link to their list. reason, the officer's for a
// reassignment, is quoted; empty for the automatic run and extra
// evaluators.
func (s *Server) assignmentMails(c *coopdec.Call, reason string) sqldb.AssignmentNotice {
	return func(made []coopdec.Assignment, evaluators map[int64]sqldb.DraftHolder, apps map[int64]*coopdec.Application) []sqldb.Job {
		byEvaluator := map[int64][]coopdec.Assignment{}
		var order []int64
		for _, as := range made {
			if _, ok := evaluators[as.EvaluatorID]; !ok {
				continue
			}
			if _, seen := byEvaluator[as.EvaluatorID]; !seen {
				order = append(order, as.EvaluatorID)
			}
			byEvaluator[as.EvaluatorID] = append(byEvaluator[as.EvaluatorID], as)
		}
		var out []sqldb.Job
		for _, id := range order {
			list := byEvaluator[id]
			key := "evalsetup.mail.assigned"
			if reason != "" {
				key = "evalsetup.mail.reassigned"
			}
			out = append(out, s.mailsTo([]sqldb.DraftHolder{evaluators[id]}, 0, key, func(lang string) []any {
				lines := make([]string, 0, len(list))
				for _, as := range list {
					line := "- " + mailNumber(apps[as.ApplicationID]) + " — " + applicationTitle(apps[as.ApplicationID], lang)
					if as.Extra {
						line += " (" + s.cat.T(lang, "evalsetup.mail.extra") + ")"
					}
					lines = append(lines, line)
				}
				args := []any{callTitle(c, lang), len(list), strings.Join(lines, "\n"), s.link("/evaluateur")}
				if reason != "" {
					args = append(args, reason)
				}
				return args
			})...)
		}
		return out
	}
}
