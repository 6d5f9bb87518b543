package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The pages of what follows a mission's selection: the allowance rate
// table, the mission order and its approval against the PACT2 envelope,
// the report and the requester's evaluation, the search of reports. The
// domain decides who may do what (coopdec/mission_followup.go).

// followupProgramme is the programme whose envelope pays mission orders.
const followupProgramme = "pact2"

// missionFollowupPageRoutes registers the follow-up pages; missionRoutes
// calls it.
func (s *Server) missionFollowupPageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /missions/indemnites", s.requireUser(s.ratesPage))
	mux.HandleFunc("POST /missions/indemnites", s.requireUser(s.rateAdd))
	mux.HandleFunc("GET /missions/rapports", s.requireUser(s.reportsPage))
	mux.HandleFunc("GET /missions/enveloppe", s.requireUser(s.envelopePage))
	mux.HandleFunc("POST /missions/enveloppe", s.requireUser(s.envelopeSet))
	mux.HandleFunc("GET /missions/{id}/ordre", s.requireUser(s.orderPage))
	mux.HandleFunc("POST /missions/{id}/ordre", s.requireUser(s.orderSave))
	mux.HandleFunc("POST /missions/{id}/ordre/approbation", s.requireUser(s.orderApprove))
	mux.HandleFunc("GET /missions/{id}/rapport", s.requireUser(s.reportPage))
	mux.HandleFunc("POST /missions/{id}/rapport", s.requireUser(s.reportFile))
	mux.HandleFunc("POST /missions/{id}/evaluation", s.requireUser(s.evaluationFile))
}

// renameFields moves errors on the domain's fields to the form's controls.
func renameFields(err error, names map[string]string) error {
	list := asErrorsOrNil(err)
	if len(list) == 0 {
		return err
	}
	out := make(coopdec.Errors, 0, len(list))
	for _, e := range list {
		c := *e
		if to, ok := names[c.Field]; ok {
			c.Field = to
		}
		out = append(out, &c)
	}
	return out
}

// formDay reads a date field; an unreadable date is reported in errs.
func formDay(form url.Values, field string, errs *coopdec.Errors) time.Time {
	raw := strings.TrimSpace(form.Get(field))
	if raw == "" {
		return time.Time{}
	}
	d, ok := coopdec.MissionDate(raw)
	if !ok {
		*errs = append(*errs, coopdec.FieldError(field, "mission.date.invalid"))
	}
	return d
}

// centsInput writes an amount as a form field shows it.
func centsInput(c int64) string { return fmt.Sprintf("%d,%02d", c/100, c%100) }

// --- The rate table ---

// rateRow is a line of the rate table as the page shows it.
type rateRow struct {
	Country, Daily, From string
}

// ratesData is what the rate table's page shows.
type ratesData struct {
	refData
	Rows    []rateRow
	Country string
	CanKeep bool
}

func (s *Server) ratesView(r *http.Request, form url.Values) (*view, error) {
	lang := info(r).lang
	d := &ratesData{refData: refData{lang}, CanKeep: coopdec.CanKeepAllowanceRates(currentUser(r)),
		Country: strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("pays")))}
	if _, ok := coopdec.CountryByCode(d.Country); !ok {
		d.Country = ""
	}
	list, err := s.db.AllowanceRates(r.Context(), d.Country)
	if err != nil {
		return nil, err
	}
	for _, x := range list {
		d.Rows = append(d.Rows, rateRow{Country: d.CountryName(x.Country), Daily: coopdec.FormatEuroCents(lang, x.DailyCents),
			From: x.ValidFrom.Format("02/01/2006")})
	}
	v := s.newView(r, "missionpages.rates.title", d)
	v.Form = form
	return v, nil
}

func (s *Server) ratesPage(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanSeeAllowanceRates(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	v, err := s.ratesView(r, url.Values{"country": {r.URL.Query().Get("pays")}})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if r.URL.Query().Get("ok") == "rate" {
		v.Flash = v.T("missionpages.rates.added")
	}
	s.render(w, r, http.StatusOK, "mission_rates", v)
}

func (s *Server) rateAdd(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanKeepAllowanceRates(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	var read coopdec.Errors
	rate := coopdec.AllowanceRate{Country: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("country")))}
	rate.ValidFrom = formDay(r.PostForm, "valid_from", &read)
	daily, _, err := parseEuroCents("daily", r.PostForm.Get("daily"))
	if err != nil {
		read = append(read, asErrors(err)...)
	}
	rate.DailyCents = daily
	names := map[string]string{"daily_cents": "daily"}
	if len(read) > 0 {
		err = mergeFieldErrors(read, renameFields(rate.Validate(), names))
	} else {
		err = renameFields(s.db.AddAllowanceRate(r.Context(), currentUser(r), &rate, actor(r)), names)
	}
	if err == nil {
		http.Redirect(w, r, "/missions/indemnites?ok=rate&pays="+url.QueryEscape(rate.Country), http.StatusSeeOther)
		return
	}
	status := statusOf(coopdec.ErrorCode(err))
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		s.error(w, r, err)
		return
	}
	v, verr := s.ratesView(r, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	v.addError(err)
	s.render(w, r, status, "mission_rates", v)
}

// --- The mission order ---

// orderExpertRow is an expert the selected authority proposed, as the
// order's form shows them.
type orderExpertRow struct {
	N          int
	Name, Role string
}

// orderData is what the order's page shows.
type orderData struct {
	refData
	Row        missionRow
	Experts    []orderExpertRow
	Order      *coopdec.MissionOrder
	Approved   bool
	Cost       map[string]string // daily, allowances, travel, other, total
	Ceiling    string
	CanEdit    bool
	CanApprove bool
	Balance    map[string]string // amount, committed, remaining; nil when no envelope
	NoEnvelope bool
	ApprovedAt instant
}

func (s *Server) orderView(r *http.Request, v coopdec.MissionViewer, rec *sqldb.MissionRecord, form url.Values) (*view, error) {
	lang := info(r).lang
	m := &rec.Request
	d := &orderData{refData: refData{lang}, Row: s.missionRowOf(lang, m), Ceiling: coopdec.FormatEuroCents(lang, m.BudgetCents)}
	d.Row.Authority = rec.AuthorityName
	for _, rr := range rec.Replies {
		if rr.ID == m.SelectedReplyID {
			for i, x := range rr.Experts {
				d.Experts = append(d.Experts, orderExpertRow{N: i, Name: x.Name, Role: x.Role})
			}
		}
	}
	o, err := s.db.MissionOrder(r.Context(), m.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}
	if o != nil {
		d.Order, d.Approved, d.ApprovedAt = o, o.State == coopdec.OrderApproved, newInstant(o.ApprovedAt)
		eur := func(c int64) string { return coopdec.FormatEuroCents(lang, c) }
		d.Cost = map[string]string{"daily": eur(o.DailyCents), "allowances": eur(o.AllowanceCents), "travel": eur(o.TravelCents),
			"other": eur(o.OtherCents), "total": eur(o.TotalCents)}
	}
	d.CanEdit = coopdec.CanManageMissionRequest(v, m) && m.State == coopdec.MissionSelected && !d.Approved
	d.CanApprove = v.User.HasRole(coopdec.RoleOfficer) && o != nil && !d.Approved
	if coopdec.CanSeeProgrammeEnvelope(v.User) {
		if err := s.envelopeInto(r, d); err != nil {
			return nil, err
		}
	}
	if form == nil && o != nil {
		form = url.Values{"start": {o.Start.Format("2006-01-02")}, "end": {o.End.Format("2006-01-02")},
			"travel": {centsInput(o.TravelCents)}, "other": {centsInput(o.OtherCents)}}
		for _, x := range o.Experts {
			for _, e := range d.Experts {
				if coopdec.Fold(e.Name) == coopdec.Fold(x.Name) {
					form.Set(fmt.Sprintf("expert_days_%d", e.N), strconv.Itoa(x.Days))
				}
			}
		}
	}
	view := s.newView(r, "missionpages.order.title", d)
	view.Form = form
	if view.Form == nil {
		view.Form = url.Values{}
	}
	return view, nil
}

// envelopeInto reads the PACT2 envelope's balance into d.
func (s *Server) envelopeInto(r *http.Request, d *orderData) error {
	p, err := s.db.ProgrammeByCode(r.Context(), followupProgramme)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		d.NoEnvelope = true
		return nil
	}
	if err != nil {
		return err
	}
	b, err := s.db.ProgrammeBalance(r.Context(), p.ID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		d.NoEnvelope = true
		return nil
	}
	if err != nil {
		return err
	}
	lang := d.lang
	d.Balance = map[string]string{"amount": coopdec.FormatEuroCents(lang, b.AmountCents),
		"committed": coopdec.FormatEuroCents(lang, b.CommittedCents), "remaining": coopdec.FormatEuroCents(lang, b.RemainingCents())}
	return nil
}

// followupFor loads the request of the path for a reader who may see its
// order.
func (s *Server) followupFor(r *http.Request) (coopdec.MissionViewer, *sqldb.MissionRecord, error) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		return v, nil, err
	}
	if !coopdec.CanSeeMissionOrder(v, &rec.Request) {
		return v, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	return v, rec, nil
}

func (s *Server) orderPage(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.followupFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	view, err := s.orderView(r, v, rec, nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if ok := r.URL.Query().Get("ok"); ok == "saved" || ok == "approved" {
		view.Flash = view.T("missionpages.order.flash." + ok)
	}
	s.render(w, r, http.StatusOK, "mission_order", view)
}

// orderFail shows the order's page again with err.
func (s *Server) orderFail(w http.ResponseWriter, r *http.Request, v coopdec.MissionViewer, rec *sqldb.MissionRecord, form url.Values, err error) {
	status := statusOf(coopdec.ErrorCode(err))
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		s.error(w, r, err)
		return
	}
	view, verr := s.orderView(r, v, rec, form)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	view.addError(err)
	s.render(w, r, status, "mission_order", view)
}

// orderForm reads an order from the form: the proposed experts given
// days, and for each of them the control its errors belong to.
func orderForm(form url.Values, experts []orderExpertRow) (*coopdec.MissionOrder, map[string]string, coopdec.Errors) {
	var read coopdec.Errors
	o := &coopdec.MissionOrder{Start: formDay(form, "start", &read), End: formDay(form, "end", &read)}
	names := map[string]string{"travel_cents": "travel", "other_cents": "other", "country": "start", "total_cents": "travel"}
	for _, e := range experts {
		field := fmt.Sprintf("expert_days_%d", e.N)
		raw := strings.TrimSpace(form.Get(field))
		if raw == "" || raw == "0" {
			continue
		}
		days, err := strconv.Atoi(raw)
		if err != nil || days < 1 {
			read = append(read, coopdec.FieldError(field, "missionpages.order.days_invalid"))
			continue
		}
		p := "experts." + strconv.Itoa(len(o.Experts)) + "."
		names[p+"name"], names[p+"days"] = field, field
		o.Experts = append(o.Experts, coopdec.OrderExpert{Name: e.Name, Days: days})
	}
	for _, f := range []struct {
		name string
		to   *int64
	}{{"travel", &o.TravelCents}, {"other", &o.OtherCents}} {
		c, _, err := parseEuroCents(f.name, form.Get(f.name))
		if err != nil {
			read = append(read, asErrors(err)...)
		}
		*f.to = c
	}
	return o, names, read
}

func (s *Server) orderSave(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.followupFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanManageMissionRequest(v, &rec.Request) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	view, err := s.orderView(r, v, rec, r.PostForm)
	if err != nil {
		s.error(w, r, err)
		return
	}
	o, names, read := orderForm(r.PostForm, view.Data.(*orderData).Experts)
	if len(read) > 0 {
		s.orderFail(w, r, v, rec, r.PostForm, read.Err())
		return
	}
	if err := s.db.SaveMissionOrder(r.Context(), v, rec.Request.ID, o, actor(r)); err != nil {
		s.orderFail(w, r, v, rec, r.PostForm, renameFields(err, names))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/missions/%d/ordre?ok=saved", rec.Request.ID), http.StatusSeeOther)
}

func (s *Server) orderApprove(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.followupFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !v.User.HasRole(coopdec.RoleOfficer) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	p, err := s.db.ProgrammeByCode(r.Context(), followupProgramme)
	if err == nil {
		_, err = s.db.ApproveMissionOrder(r.Context(), v.User, rec.Request.ID, p.ID, actor(r))
	}
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		err = coopdec.Errorf(coopdec.ECONFLICT, "mission_followup.envelope.not_found")
	}
	if err != nil {
		s.orderFail(w, r, v, rec, nil, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/missions/%d/ordre?ok=approved", rec.Request.ID), http.StatusSeeOther)
}

// --- The report and the evaluation ---

// reportData is what the report's page shows.
type reportData struct {
	refData
	Row         missionRow
	Approved    bool
	Report      *sqldb.MissionReportRecord
	Filed       instant
	CanFile     bool
	Evaluation  *coopdec.MissionEvaluation
	Evaluated   instant
	CanEvaluate bool
	Ratings     []int
	TextFields  []string
}

func (s *Server) reportView(r *http.Request, v coopdec.MissionViewer, rec *sqldb.MissionRecord, form url.Values) (*view, error) {
	lang := info(r).lang
	m := &rec.Request
	d := &reportData{refData: refData{lang}, Row: s.missionRowOf(lang, m), Ratings: []int{1, 2, 3, 4, 5},
		TextFields: []string{"findings", "recommendations", "follow_up"}}
	d.Row.Authority = rec.AuthorityName
	o, err := s.db.MissionOrder(r.Context(), m.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}
	d.Approved = o != nil && o.State == coopdec.OrderApproved
	rep, err := s.db.MissionReport(r.Context(), m.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}
	if rep != nil {
		d.Report, d.Filed = rep, newInstant(rep.FiledAt)
		ev, err := s.db.MissionEvaluation(r.Context(), m.ID)
		if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
			return nil, err
		}
		if ev != nil {
			d.Evaluation, d.Evaluated = ev, newInstant(ev.EvaluatedAt)
		}
		d.CanEvaluate = ev == nil && coopdec.IsMissionRequester(v, m)
	} else {
		d.CanFile = d.Approved && coopdec.CheckMissionReport(v, m, o, false, &coopdec.MissionReport{Findings: "-", Recommendations: "-"}) == nil
	}
	view := s.newView(r, "missionpages.report.title", d)
	view.Form = form
	return view, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.followupFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	view, err := s.reportView(r, v, rec, url.Values{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if ok := r.URL.Query().Get("ok"); ok == "filed" || ok == "evaluated" {
		view.Flash = view.T("missionpages.report.flash." + ok)
	}
	s.render(w, r, http.StatusOK, "mission_report", view)
}

// reportDone redirects after a filing, or shows the page again with err.
func (s *Server) reportDone(w http.ResponseWriter, r *http.Request, v coopdec.MissionViewer, rec *sqldb.MissionRecord, ok string, err error) {
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/missions/%d/rapport?ok=%s", rec.Request.ID, ok), http.StatusSeeOther)
		return
	}
	status := statusOf(coopdec.ErrorCode(err))
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		s.error(w, r, err)
		return
	}
	view, verr := s.reportView(r, v, rec, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	view.addError(err)
	s.render(w, r, status, "mission_report", view)
}

func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.followupFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	rep := &coopdec.MissionReport{Findings: r.PostForm.Get("findings"), Recommendations: r.PostForm.Get("recommendations"),
		FollowUp: r.PostForm.Get("follow_up")}
	s.reportDone(w, r, v, rec, "filed", s.db.FileMissionReport(r.Context(), v, rec.Request.ID, rep, actor(r)))
}

func (s *Server) evaluationFile(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.followupFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	rating, perr := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("rating")))
	if perr != nil {
		rating = 0
	}
	ev := &coopdec.MissionEvaluation{Rating: rating, Comment: r.PostForm.Get("comment")}
	s.reportDone(w, r, v, rec, "evaluated", s.db.EvaluateMission(r.Context(), v, rec.Request.ID, ev, actor(r)))
}

// --- The search of reports ---

// reportRow is a report as the search lists it.
type reportRow struct {
	sqldb.MissionReportRecord
	CountryName string
	Filed       instant
}

// reportsData is what the search of reports shows.
type reportsData struct {
	refData
	Rows     []reportRow
	Pager    *pager
	Filtered bool
	Valid    bool
}

// canSearchReports applies coopdec.CanSearchMissionReports to the reader,
// reading which of their authorities hold a valid label.
func (s *Server) canSearchReports(r *http.Request) (bool, error) {
	u := currentUser(r)
	var ids []int64
	for _, m := range coopdec.LabelAuthorities(u) {
		ids = append(ids, m.OrganisationID)
	}
	labelled, err := s.db.LabelledAmong(r.Context(), ids, s.db.Now())
	if err != nil {
		return false, err
	}
	return coopdec.CanSearchMissionReports(u, labelled), nil
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	if ok, err := s.canSearchReports(r); err != nil || !ok {
		s.error(w, r, cmp.Or(err, error(coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))))
		return
	}
	lang := info(r).lang
	q := r.URL.Query()
	d := &reportsData{refData: refData{lang}}
	view := s.newView(r, "missionpages.reports.title", d)
	view.Form = q
	f := sqldb.MissionReportFilter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(strings.TrimSpace(q.Get("pays")))}
	if _, ok := coopdec.CountryByCode(f.Country); f.Country != "" && !ok {
		view.addError(coopdec.FieldError("pays", "mission.country.invalid"))
		s.render(w, r, http.StatusUnprocessableEntity, "mission_reports", view)
		return
	}
	list, page, err := s.db.SearchMissionReports(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, x := range list {
		d.Rows = append(d.Rows, reportRow{MissionReportRecord: x, CountryName: d.CountryName(x.Country), Filed: newInstant(x.FiledAt)})
	}
	d.Pager, d.Valid, d.Filtered = newPager(r, page), true, f.Query != "" || f.Country != ""
	s.render(w, r, http.StatusOK, "mission_reports", view)
}
