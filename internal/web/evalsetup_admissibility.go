package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
)

// admissibilityData is what the admissibility page shows: a page of the
// call's submitted applications, each with its automatic eligibility
// result and the decision standing on it.
type admissibilityData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Nav           callNav
	CanDecide     bool
	Rows          []admissibilityRow
	Pager         *pager
}

type admissibilityRow struct {
	ID        int64
	Number    string
	Title     string
	TitleLang string
	Lead      string
	Eligible  string // yes, no or unknown
	Decision  *coopdec.Admissibility
	DecidedBy string
	DecidedAt instant
	Overrides bool
}

// ReasonField names a row's reason control: each row has its own form.
func (r admissibilityRow) ReasonField() string { return "reason-" + strconv.FormatInt(r.ID, 10) }

func (s *Server) admissibilityPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.admissibilityView(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	switch r.URL.Query().Get("ok") {
	case "recorded":
		v.Flash = v.T("evalsetup.adm.flash.recorded")
	case "confirmed":
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		v.Flash = v.T("evalsetup.adm.flash.confirmed", n)
	}
	s.render(w, r, http.StatusOK, "evalsetup_admissibility", v)
}

func (s *Server) admissibilityView(r *http.Request, c *coopdec.Call) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	d := &admissibilityData{Call: c, Nav: newCallNav(r, c, navEvaluation), CanDecide: coopdec.CanDecideAdmissibility(currentUser(r))}
	t, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = t.Title, tl
	f := coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true, Status: coopdec.ApplicationSubmitted}
	list, page, err := s.db.ListApplications(ctx, f, pageParam(r))
	if err != nil {
		return nil, err
	}
	var deciders []int64
	for _, sum := range list {
		row := admissibilityRow{ID: sum.Application.ID, Number: sum.Application.ReceiptNumber, Lead: sum.LeadName,
			Eligible: eligibleCode(sum.Eligible)}
		row.Title, row.TitleLang = applicationTitleIn(&sum.Application, lang)
		ad, err := s.db.Admissibility(ctx, sum.Application.ID)
		switch {
		case err == nil:
			row.Decision, row.DecidedAt, row.Overrides = ad, newInstant(ad.DecidedAt), ad.Overrides()
			deciders = append(deciders, ad.DecidedBy)
		case coopdec.ErrorCode(err) != coopdec.ENOTFOUND:
			return nil, err
		}
		d.Rows = append(d.Rows, row)
	}
	names, err := s.db.UserNames(ctx, deciders)
	if err != nil {
		return nil, err
	}
	for i := range d.Rows {
		if ad := d.Rows[i].Decision; ad != nil {
			d.Rows[i].DecidedBy = names[ad.DecidedBy]
		}
	}
	d.Pager = newPager(r, page)
	return s.newView(r, "evalsetup.adm.title", d), nil
}

// admissibilityRecord records an officer's decision on one application:
// the automatic result confirmed, or overridden with a reason.
func (s *Server) admissibilityRecord(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.evalApplication(r, coopdec.ENOTFOUND)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	ad := &coopdec.Admissibility{ApplicationID: a.ID, Reason: r.PostForm.Get("reason")}
	switch r.PostForm.Get("admissible") {
	case "yes":
		ad.Admissible = true
	case "no":
	default:
		err = coopdec.FieldError("admissible", "evalsetup.adm.choice.required")
	}
	if err == nil {
		err = s.db.RecordAdmissibility(r.Context(), currentUser(r), ad, actor(r))
	}
	if err == nil {
		q := url.Values{"ok": {"recorded"}}
		if n, perr := strconv.Atoi(r.PostForm.Get("page")); perr == nil && n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		http.Redirect(w, r, "/appels/"+strconv.FormatInt(c.ID, 10)+"/evaluation/recevabilite?"+q.Encode(), http.StatusSeeOther)
		return
	}
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	v, verr := s.admissibilityView(r, c)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	// Each row has its own form: the reason's error goes to this row's.
	if fe, ok := err.(*coopdec.Error); ok && fe.Field == "reason" {
		e := *fe
		e.Field = "reason-" + strconv.FormatInt(a.ID, 10)
		err = &e
	} else if list, ok := err.(coopdec.Errors); ok {
		out := make(coopdec.Errors, len(list))
		for i, fe := range list {
			e := *fe
			e.Field += "-" + strconv.FormatInt(a.ID, 10)
			out[i] = &e
		}
		err = out
	}
	v.addError(err)
	v.Form = r.PostForm
	s.render(w, r, http.StatusUnprocessableEntity, "evalsetup_admissibility", v)
}

// admissibilityConfirmAll confirms, in one go, every automatic result
// that finds an application eligible and that no officer has decided on.
func (s *Server) admissibilityConfirmAll(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	n, err := s.confirmEligible(r.Context(), r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/appels/"+strconv.FormatInt(c.ID, 10)+"/evaluation/recevabilite?ok=confirmed&n="+strconv.Itoa(n), http.StatusSeeOther)
}

func (s *Server) confirmEligible(ctx context.Context, r *http.Request, c *coopdec.Call) (int, error) {
	u := currentUser(r)
	if !coopdec.CanDecideAdmissibility(u) {
		return 0, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	f := coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true, Status: coopdec.ApplicationSubmitted, Eligible: "yes"}
	var todo []int64
	for page := 1; ; page++ {
		list, p, err := s.db.ListApplications(ctx, f, coopdec.NewPage(page, 100))
		if err != nil {
			return 0, err
		}
		for _, sum := range list {
			_, err := s.db.Admissibility(ctx, sum.Application.ID)
			switch {
			case coopdec.ErrorCode(err) == coopdec.ENOTFOUND:
				todo = append(todo, sum.Application.ID)
			case err != nil:
				return 0, err
			}
		}
		if page >= p.Pages() {
			break
		}
	}
	for _, id := range todo {
		if err := s.db.RecordAdmissibility(ctx, u, &coopdec.Admissibility{ApplicationID: id, Admissible: true}, actor(r)); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}
