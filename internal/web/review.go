package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The result of an application as its applicant reads it, with its
// evaluation summary, and the review requests: asked by a rejected
// applicant within 30 days of the notification, answered by the call's
// officers and co-managers.

// aplResult is the result section of an application's page.
type aplResult struct {
	List       string // main, reserve, rejected
	Granted    string
	Reason     string
	Summary    *evaluationSummary
	Notified   instant
	Deadline   instant
	Late       bool // the review window has closed
	CanReview  bool // the form is shown
	Reviews    []reviewRow
	ReviewBase string // the form's action
}

// reviewRow is a review request as pages list it.
type reviewRow struct {
	ID             int64
	ApplicationID  int64
	Reference      string
	Title          string
	TitleLang      string
	Lead           string
	By             string
	Requested      instant
	Reason         string
	Outcome        string
	OutcomeComment string
	Decided        instant
	DecidedBy      string
}

// applicationResultView returns the result of a for its page, nil while no
// published decision lists it. Only the lead's members and those who run
// the call see it.
func (s *Server) applicationResultView(ctx context.Context, lang string, u *coopdec.User, a *coopdec.Application,
	c *coopdec.Call, now time.Time) (*aplResult, error) {
	_, member := u.Membership(a.LeadOrganisationID)
	if !member && !coopdec.CanSeeDecisions(u, c) {
		return nil, nil
	}
	res, err := s.db.ApplicationResult(ctx, a.ID)
	if err != nil || res == nil {
		return nil, err
	}
	g, _, err := s.db.EvaluationSetup(ctx, c.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}
	cons, err := s.db.Consensus(ctx, a.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		cons = nil
	}
	reviews, err := s.db.ApplicationReviews(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out := &aplResult{List: string(res.Entry.List), Summary: newEvaluationSummary(lang, g, cons),
		Notified: newInstant(res.NotifiedAt), ReviewBase: "/candidatures/" + strconv.FormatInt(a.ID, 10) + "/recours"}
	switch res.Entry.List {
	case coopdec.ListMain:
		out.Granted = coopdec.FormatEuroCents(lang, res.Entry.GrantedCents)
	case coopdec.ListRejected:
		out.Reason = s.rejectionReason(lang, g, cons)
		out.Deadline = newInstant(coopdec.ReviewDeadline(res.NotifiedAt))
		out.Late = now.After(coopdec.ReviewDeadline(res.NotifiedAt))
		out.CanReview = coopdec.ReviewOpen(u, a, &res.Entry, res.NotifiedAt, reviews, now)
	}
	n := s.newNames(ctx)
	for _, rv := range reviews {
		out.Reviews = append(out.Reviews, s.reviewRowOf(lang, n, rv, nil))
	}
	return out, nil
}

func (s *Server) reviewRowOf(lang string, n *names, rv coopdec.ReviewRequest, a *coopdec.Application) reviewRow {
	row := reviewRow{ID: rv.ID, ApplicationID: rv.ApplicationID, By: n.user(rv.RequestedBy), Requested: newInstant(rv.RequestedAt),
		Reason: rv.Reason, Outcome: string(rv.Outcome), OutcomeComment: rv.OutcomeComment, Decided: newInstant(rv.DecidedAt),
		DecidedBy: n.user(rv.DecidedBy)}
	if a != nil {
		row.Reference = a.ReceiptNumber
		row.Title, row.TitleLang = applicationTitleIn(a, lang)
		row.Lead = n.org(a.LeadOrganisationID)
	}
	return row
}

// reviewRequestPost records the applicant's review request from the form
// of the application's page.
func (s *Server) reviewRequestPost(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.aplLoad(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "error.form"))
		return
	}
	rv := &coopdec.ReviewRequest{ApplicationID: a.ID, Reason: r.PostForm.Get("review_reason")}
	if err := s.requestReview(r, c, rv); err != nil {
		st := statusOf(coopdec.ErrorCode(renameField(err, "reason", "review_reason")))
		if st != http.StatusUnprocessableEntity && st != http.StatusConflict && st != http.StatusForbidden {
			s.error(w, r, err)
			return
		}
		form := aplFormValues(a)
		form.Set("review_reason", r.PostForm.Get("review_reason"))
		s.aplRender(w, r, st, a, c, form, aplViewOpts{mode: aplRead, extra: map[string]int{}}, func(v *view, d *aplPageData) {
			v.addError(renameField(err, "reason", "review_reason"))
		})
		return
	}
	http.Redirect(w, r, "/candidatures/"+strconv.FormatInt(a.ID, 10)+"#resultat", http.StatusSeeOther)
}

// requestReview records rv, as the reader asks it on an application to c,
// and tells the call's officers and co-managers in the same transaction.
func (s *Server) requestReview(r *http.Request, c *coopdec.Call, rv *coopdec.ReviewRequest) error {
	managers, err := s.db.CallManagers(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return s.db.RequestReview(r.Context(), s.jobs, currentUser(r), rv, actor(r), s.reviewRequestMails(c, managers))
}

// reviewRequestMails tells each of managers, in their language, of a
// review request on an application to c, with the applicant's reasons and
// the link to the call's review requests.
func (s *Server) reviewRequestMails(c *coopdec.Call, managers []sqldb.DraftHolder) func(*coopdec.ReviewRequest, *coopdec.Application) []sqldb.Job {
	link := s.link("/appels/" + strconv.FormatInt(c.ID, 10) + "/recours")
	return func(rv *coopdec.ReviewRequest, a *coopdec.Application) []sqldb.Job {
		return s.mailsTo(managers, rv.RequestedBy, "decisionmail.review_request", func(lang string) []any {
			return []any{applicationTitle(a, lang), mailNumber(a), callTitle(c, lang), strings.TrimSpace(rv.Reason),
				parisTime(rv.RequestedAt), link}
		})
	}
}

// renameField gives the page's name to a field the domain names
// otherwise, so that the error summary links to the control.
func renameField(err error, from, to string) error {
	rename := func(e *coopdec.Error) *coopdec.Error {
		if e.Field != from {
			return e
		}
		c := *e
		c.Field = to
		return &c
	}
	switch e := err.(type) {
	case coopdec.Errors:
		list := make(coopdec.Errors, len(e))
		for i, x := range e {
			list[i] = rename(x)
		}
		return list
	case *coopdec.Error:
		return rename(e)
	}
	return err
}

// reviewListData is what the page of a call's review requests shows.
type reviewListData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Rows          []reviewRow
	Pager         *pager
	Pending       bool
	Nav           callNav
	Outcomes      []coopdec.ReviewOutcome
	FailedID      int64 // the request whose form is shown with errors
}

func (s *Server) reviewListPage(w http.ResponseWriter, r *http.Request) {
	s.renderReviewList(w, r, http.StatusOK, nil, 0, nil)
}

func (s *Server) renderReviewList(w http.ResponseWriter, r *http.Request, status int, c *coopdec.Call, failedID int64, fail error) {
	if c == nil {
		var err error
		if c, err = s.decisionCall(r, coopdec.CanDecideReview); err != nil {
			s.error(w, r, err)
			return
		}
	}
	lang := info(r).lang
	q := r.URL.Query()
	f := sqldb.ReviewFilter{CallID: c.ID, Pending: q.Get("pending") == "1"}
	list, page, err := s.db.ListReviews(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &reviewListData{Call: c, Pager: newPager(r, page), Pending: f.Pending, Nav: newCallNav(r, c, navDecisions),
		Outcomes: []coopdec.ReviewOutcome{coopdec.ReviewUpheld, coopdec.ReviewRevised}, FailedID: failedID}
	t, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = t.Title, tl
	n := s.newNames(r.Context())
	for _, it := range list {
		a, err := s.db.Application(r.Context(), it.ApplicationID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		d.Rows = append(d.Rows, s.reviewRowOf(lang, n, it.ReviewRequest, a))
	}
	v := s.newView(r, "review.list.title", d)
	if fail != nil {
		v.addError(fail)
		v.Form = r.PostForm
	}
	s.render(w, r, status, "review_list", v)
}

// decidableReview loads the review request of the path and its call for
// those who decide it; anyone else is told it does not exist.
func (s *Server) decidableReview(r *http.Request) (*sqldb.ReviewItem, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "review.not_found")
	if err != nil {
		return nil, nil, err
	}
	it, err := s.db.Review(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Call(r.Context(), it.CallID)
	if err != nil {
		return nil, nil, err
	}
	if !coopdec.CanDecideReview(currentUser(r), c) {
		return nil, nil, coopdec.Errorf(coopdec.ENOTFOUND, "review.not_found")
	}
	return it, c, nil
}

// reviewOutcomePost records the outcome of a review request.
func (s *Server) reviewOutcomePost(w http.ResponseWriter, r *http.Request) {
	it, c, err := s.decidableReview(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "error.form"))
		return
	}
	_, err = s.db.DecideReview(r.Context(), s.jobs, currentUser(r), it.ID, coopdec.ReviewOutcome(r.PostForm.Get("outcome")),
		r.PostForm.Get("outcome_comment"), actor(r), s.reviewOutcomeMails)
	if err != nil {
		st := statusOf(coopdec.ErrorCode(err))
		if st == http.StatusUnprocessableEntity || st == http.StatusConflict {
			s.renderReviewList(w, r, st, c, it.ID, err)
			return
		}
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/appels/"+strconv.FormatInt(c.ID, 10)+"/recours?"+url.Values{"ok": {"1"}}.Encode(), http.StatusSeeOther)
}
