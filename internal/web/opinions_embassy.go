package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The embassies' side of opinions: the requests to the reader's embassy,
// and one request's application with the form that answers it.

// opinionEmbassyListData is what the list of requests shows.
type opinionEmbassyListData struct {
	refData
	Rows   []opinionRequestRow
	Pager  *pager
	States []coopdec.OpinionState
	State  coopdec.OpinionState
	Valid  bool
}

// opinionRequestRow is one request as the embassy's list shows it.
type opinionRequestRow struct {
	ID            int64
	Title         string
	TitleLang     string
	CallRef       string
	CallTitle     string
	CallTitleLang string
	Country       string
	Due           instant
	State         coopdec.OpinionState
	Value         coopdec.OpinionValue
}

// staffEmbassies are the embassies the reader answers for; anyone else is
// refused.
func staffEmbassies(r *http.Request) ([]int64, error) {
	ids := coopdec.EmbassiesOf(currentUser(r))
	if len(ids) == 0 {
		return nil, coopdec.Errorf(coopdec.EFORBIDDEN, "opinion.embassy.forbidden")
	}
	return ids, nil
}

func (s *Server) opinionEmbassyList(w http.ResponseWriter, r *http.Request) {
	embassies, err := staffEmbassies(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	lang := info(r).lang
	q := r.URL.Query()
	d := &opinionEmbassyListData{refData: refData{lang}, States: opinionStateOptions}
	v := s.newView(r, "opinion.embassy.list.title", d)
	v.Form = q
	st, err := opinionStateFromQuery(q)
	if err != nil {
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "opinion_embassy_list", v)
		return
	}
	d.State = st
	recs, page, err := s.db.ListOpinionRequests(ctx, sqldb.OpinionFilter{EmbassyIDs: embassies, Restrict: true, State: st}, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := s.db.Now()
	calls := map[int64]*coopdec.Call{}
	for i := range recs {
		rec := &recs[i]
		a, err := s.db.Application(ctx, rec.Request.ApplicationID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		c, ok := calls[rec.CallID]
		if !ok {
			if c, err = s.db.Call(ctx, rec.CallID); err != nil {
				s.error(w, r, err)
				return
			}
			calls[rec.CallID] = c
		}
		row := opinionRequestRow{ID: rec.Request.ID, CallRef: c.Reference, Country: coopdec.Country{Code: rec.Country}.Name(lang),
			Due: newInstant(rec.Request.DueAt), State: rec.State(now)}
		row.Title, row.TitleLang = applicationTitleIn(a, lang)
		text, tl := c.Text(lang)
		row.CallTitle, row.CallTitleLang = text.Title, tl
		if rec.Opinion != nil {
			row.Value = rec.Opinion.Value
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager, d.Valid = newPager(r, page), true
	s.render(w, r, http.StatusOK, "opinion_embassy_list", v)
}

// opinionEmbassyData is what one request's page shows.
type opinionEmbassyData struct {
	refData
	Rec           *sqldb.OpinionRecord
	State         coopdec.OpinionState
	Due           instant
	Country       string
	CallRef       string
	CallTitle     string
	CallTitleLang string
	Number        string
	Lead          string
	Partners      []opinionPartner
	Texts         []opinionText
	Countries     string
	Places        string
	Themes        string
	Duration      string
	Grant, Total  string
	Values        []coopdec.OpinionValue
	GivenAt       instant
	CanAnswer     bool
}

type opinionPartner struct {
	Name, Country, Role string
}

// opinionText is the application's title and summary in one of its
// languages.
type opinionText struct {
	Lang, LangName, Title, Summary string
}

// embassyRequest loads the request of the path for its embassy's staff;
// anyone else is told it does not exist.
func (s *Server) embassyRequest(r *http.Request) (*sqldb.OpinionRecord, error) {
	embassies, err := staffEmbassies(r)
	if err != nil {
		return nil, err
	}
	id, err := apiPathID(r, "id", "opinion.request.not_found")
	if err != nil {
		return nil, err
	}
	rec, err := s.db.OpinionRequest(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(embassies, rec.Request.EmbassyOrganisationID) {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "opinion.request.not_found")
	}
	return rec, nil
}

func (s *Server) opinionEmbassyPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.embassyRequest(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.opinionEmbassyView(r, rec, url.Values{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if r.URL.Query().Get("ok") == "given" {
		v.Flash = v.T("opinion.embassy.flash.given")
	}
	s.render(w, r, http.StatusOK, "opinion_embassy", v)
}

func (s *Server) opinionEmbassyView(r *http.Request, rec *sqldb.OpinionRecord, form url.Values) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	a, err := s.db.Application(ctx, rec.Request.ApplicationID)
	if err != nil {
		return nil, err
	}
	c, err := s.db.Call(ctx, rec.CallID)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	d := &opinionEmbassyData{refData: refData{lang}, Rec: rec, State: rec.State(now), Due: newInstant(rec.Request.DueAt),
		Country: coopdec.Country{Code: rec.Country}.Name(lang), CallRef: c.Reference, Number: a.ReceiptNumber,
		Values: coopdec.OpinionValues}
	d.CanAnswer = d.State == coopdec.OpinionPending
	if rec.Opinion != nil {
		d.GivenAt = newInstant(rec.Opinion.GivenAt)
	}
	text, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = text.Title, tl
	for _, l := range i18n.Supported {
		at := a.Texts[l]
		if strings.TrimSpace(at.Title) == "" && strings.TrimSpace(at.Summary) == "" {
			continue
		}
		d.Texts = append(d.Texts, opinionText{Lang: l, LangName: s.cat.T(l, "lang.self"), Title: at.Title, Summary: at.Summary})
	}
	ids := []int64{a.LeadOrganisationID}
	for _, p := range a.Partners {
		ids = append(ids, p.OrganisationID)
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Lead = orgs[a.LeadOrganisationID].Name
	for _, p := range a.Partners {
		if p.Role == coopdec.RoleLeadPartner {
			continue
		}
		row := opinionPartner{Name: p.Name, Country: coopdec.Country{Code: p.Country}.Name(lang), Role: t("officer.role." + string(p.Role))}
		if row.Name == "" {
			row.Name = orgs[p.OrganisationID].Name
		}
		d.Partners = append(d.Partners, row)
	}
	d.Countries = strings.Join(placeNames(lang, append(slices.Clone(a.Countries), a.BeneficiaryCountries...), false), ", ")
	d.Places = strings.Join(a.Places, ", ")
	d.Themes = s.themeNames(lang, a.Themes)
	if a.DurationMonths > 0 {
		d.Duration = t("officer.months", a.DurationMonths)
	}
	tot := a.Budget.Totals()
	d.Total, d.Grant = coopdec.FormatEuroCents(lang, tot.ExpensesCents), coopdec.FormatEuroCents(lang, tot.GrantCents)
	v := s.newView(r, "opinion.embassy.title", d)
	v.Form = form
	return v, nil
}

// opinionEmbassyGive records the embassy's opinion from the form.
func (s *Server) opinionEmbassyGive(w http.ResponseWriter, r *http.Request) {
	rec, err := s.embassyRequest(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	op := &coopdec.EmbassyOpinion{Value: coopdec.OpinionValue(r.PostForm.Get("value")), Comment: r.PostForm.Get("comment")}
	_, err = s.db.GiveOpinion(r.Context(), currentUser(r), rec.Request.ID, op, actor(r))
	status := http.StatusUnprocessableEntity
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/ambassade/avis/%d?ok=given", rec.Request.ID), http.StatusSeeOther)
		return
	case coopdec.EINVALID:
	case coopdec.ECONFLICT:
		status = http.StatusConflict
	default:
		s.error(w, r, err)
		return
	}
	// Show the request as it now stands (an opinion given meanwhile).
	if cur, lerr := s.db.OpinionRequest(r.Context(), rec.Request.ID); lerr == nil {
		rec = cur
	}
	v, verr := s.opinionEmbassyView(r, rec, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	v.addError(err)
	s.render(w, r, status, "opinion_embassy", v)
}
