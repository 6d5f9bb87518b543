package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The call's managers' page of embassies' opinions: the submitted
// applications, page by page, with where each opinion stands per country
// concerned, and the form that asks for them.

// opinionCallData is what the page shows.
type opinionCallData struct {
	refData
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Nav           callNav
	Rows          []opinionAppRow
	Pager         *pager
	CanRequest    bool
	Requestable   int // applications on this page with an opinion left to ask
	selected      map[string]bool
}

// Selected reports whether the form had application id ticked.
func (d *opinionCallData) Selected(id int64) bool { return d.selected[strconv.FormatInt(id, 10)] }

// opinionAppRow is one application and its opinions by country.
type opinionAppRow struct {
	ID          int64
	Number      string
	Title       string
	TitleLang   string
	Lead        string
	Countries   []opinionCell
	Requestable bool // an embassy is registered and not asked yet
}

// opinionCell is where the opinion of one country's embassy stands.
type opinionCell struct {
	Country   string
	NoEmbassy bool
	State     coopdec.OpinionState
	Due       instant
	Value     coopdec.OpinionValue
	Comment   string
}

func (s *Server) opinionCallPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanListCallApplications)
	if err != nil {
		s.error(w, r, err)
		return
	}
	form := url.Values{"due_date": {opinionDueDefault(s.db.Now())}, "due_time": {"23:59"}}
	v, err := s.opinionCallView(r, c, form)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if r.URL.Query().Get("ok") == "requested" {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		v.Flash = v.T("opinion.call.flash.requested", n)
	}
	s.render(w, r, http.StatusOK, "opinion_call", v)
}

func (s *Server) opinionCallView(r *http.Request, c *coopdec.Call, form url.Values) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	u := currentUser(r)
	d := &opinionCallData{refData: refData{lang}, Call: c, Nav: newCallNav(r, c, navOpinions),
		CanRequest: coopdec.CanRequestOpinion(u, c), selected: map[string]bool{}}
	for _, id := range form["application"] {
		d.selected[id] = true
	}
	text, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = text.Title, tl
	list, page, err := s.db.ListApplications(ctx, coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true,
		Status: coopdec.ApplicationSubmitted}, pageParam(r))
	if err != nil {
		return nil, err
	}
	var ids []int64
	var countries []string
	for _, sum := range list {
		ids = append(ids, sum.Application.ID)
		countries = append(countries, coopdec.OpinionCountries(&sum.Application)...)
	}
	recs, err := s.db.ListOpinionsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	embassies, err := s.db.Embassies(ctx, countries)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	for _, sum := range list {
		a := &sum.Application
		row := opinionAppRow{ID: a.ID, Number: a.ReceiptNumber, Lead: sum.LeadName}
		row.Title, row.TitleLang = applicationTitleIn(a, lang)
		for _, country := range coopdec.OpinionCountries(a) {
			cell := opinionCell{Country: coopdec.Country{Code: country}.Name(lang), State: coopdec.OpinionNotRequested}
			emb, ok := embassies[country]
			if !ok {
				cell.NoEmbassy = true
				row.Countries = append(row.Countries, cell)
				continue
			}
			for i := range recs {
				rec := &recs[i]
				if rec.Request.ApplicationID == a.ID && rec.Request.EmbassyOrganisationID == emb.ID {
					cell.State, cell.Due = rec.State(now), newInstant(rec.Request.DueAt)
					if rec.Opinion != nil {
						cell.Value, cell.Comment = rec.Opinion.Value, rec.Opinion.Comment
					}
				}
			}
			if cell.State == coopdec.OpinionNotRequested {
				row.Requestable = true
			}
			row.Countries = append(row.Countries, cell)
		}
		if row.Requestable {
			d.Requestable++
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager = newPager(r, page)
	v := s.newView(r, "opinion.call.title", d)
	v.Form = form
	return v, nil
}

// opinionBatchFromForm reads the request form: the applications ticked
// (none: every one not asked yet), the due date (a day and a time in
// Paris, 23:59 when the time is left out) and the note.
func opinionBatchFromForm(callID int64, f url.Values) (*sqldb.OpinionBatch, coopdec.Errors) {
	b := &sqldb.OpinionBatch{CallID: callID, Note: f.Get("note")}
	var errs coopdec.Errors
	for _, v := range f["application"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			errs = append(errs, coopdec.FieldError("applications", "opinion.call.application.invalid"))
			break
		}
		b.ApplicationIDs = append(b.ApplicationIDs, id)
	}
	day, at := strings.TrimSpace(f.Get("due_date")), strings.TrimSpace(f.Get("due_time"))
	if day != "" {
		if at == "" {
			at = "23:59"
		}
		due, err := parseParisTime("due_at", day+"T"+at)
		if err != nil {
			errs = append(errs, asErrors(err)...)
		}
		b.DueAt = due.UTC()
	}
	return b, errs
}

// opinionCallRequest asks the embassies for their opinion; their staff are
// told by email, in the same transaction.
func (s *Server) opinionCallRequest(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanListCallApplications)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanRequestOpinion(currentUser(r), c) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	b, parsed := opinionBatchFromForm(c.ID, r.PostForm)
	if len(parsed) > 0 {
		s.opinionCallFail(w, r, c, http.StatusUnprocessableEntity, parsed)
		return
	}
	recs, err := s.requestOpinions(r, c, b)
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/appels/%d/avis?ok=requested&n=%d", c.ID, len(recs)), http.StatusSeeOther)
	case coopdec.EINVALID:
		s.opinionCallFail(w, r, c, http.StatusUnprocessableEntity, err)
	case coopdec.ECONFLICT:
		s.opinionCallFail(w, r, c, http.StatusConflict, err)
	default:
		s.error(w, r, err)
	}
}

// requestOpinions stores b's requests and enqueues the embassies' emails,
// for the page and the API alike.
func (s *Server) requestOpinions(r *http.Request, c *coopdec.Call, b *sqldb.OpinionBatch) ([]sqldb.OpinionRecord, error) {
	// The emails name the applications: read them before the transaction.
	apps := map[int64]*coopdec.Application{}
	if len(b.ApplicationIDs) == 0 {
		for p := 1; ; p++ {
			list, page, err := s.db.ListApplications(r.Context(), coopdec.ApplicationFilter{CallID: c.ID, SubmittedOnly: true,
				Status: coopdec.ApplicationSubmitted}, coopdec.NewPage(p, 100))
			if err != nil {
				return nil, err
			}
			for i := range list {
				apps[list[i].Application.ID] = &list[i].Application
			}
			if p >= page.Pages() {
				break
			}
		}
	}
	for _, id := range b.ApplicationIDs {
		if a, err := s.db.Application(r.Context(), id); err == nil {
			apps[a.ID] = a
		}
	}
	return s.db.RequestOpinions(r.Context(), s.jobs, currentUser(r), b, actor(r), s.opinionRequestMails(c, apps))
}

// opinionCallFail shows the page again with the form as sent and its
// errors.
func (s *Server) opinionCallFail(w http.ResponseWriter, r *http.Request, c *coopdec.Call, status int, err error) {
	v, verr := s.opinionCallView(r, c, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	v.addError(err)
	s.render(w, r, status, "opinion_call", v)
}

// opinionDueDefault is the due date the form suggests: two weeks on.
func opinionDueDefault(now time.Time) string {
	return now.Add(14 * 24 * time.Hour).In(Paris).Format("2006-01-02")
}
