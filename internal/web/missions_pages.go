package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The officers' and embassies' pages of missions: the list, the form of a
// new request, and a request's page, where officers invite authorities
// and select a reply.

// missionSearchMax bounds the authorities a search on the request's page
// offers to invite.
const missionSearchMax = 20

// missionRow is a request as lists show it.
type missionRow struct {
	ID          int64
	Country     string
	Place       string
	Partner     string
	Themes      string
	State       coopdec.MissionState
	Window      string
	Budget      string
	Authority   string
	CanReply    bool
	ProposalRef int64
}

func (s *Server) missionRowOf(lang string, m *coopdec.MissionRequest) missionRow {
	return missionRow{ID: m.ID, Country: coopdec.Country{Code: m.Country}.Name(lang), Place: m.Place, Partner: m.PartnerName,
		Themes: s.themeNames(lang, m.Themes), State: m.State, Window: missionWindow(m.MissionTerms),
		Budget: coopdec.FormatEuroCents(lang, m.BudgetCents), ProposalRef: m.ProposalID}
}

func missionWindow(t coopdec.MissionTerms) string {
	return t.From.Format("02/01/2006") + " – " + t.To.Format("02/01/2006")
}

// missionListData is what the list of requests shows.
type missionListData struct {
	refData
	Rows      []missionRow
	Pager     *pager
	States    []coopdec.MissionState
	Themes    []coopdec.Theme
	CanCreate bool
	Filtered  bool
	Valid     bool
	// CanSearchReports links to the search of mission reports
	// (coopdec.CanSearchMissionReports); CanSeeEnvelope to the PACT2
	// envelope's page, officers'.
	CanSearchReports bool
	CanSeeEnvelope   bool
}

// missionFilterForm reads the list's filters.
func missionFilterForm(q url.Values) (country string, st coopdec.MissionState, theme string, err error) {
	var errs coopdec.Errors
	country = strings.ToUpper(strings.TrimSpace(q.Get("country")))
	if _, ok := coopdec.CountryByCode(country); country != "" && !ok {
		errs = append(errs, coopdec.FieldError("country", "mission.country.invalid"))
	}
	st = coopdec.MissionState(strings.TrimSpace(q.Get("state")))
	if st != "" && !st.Valid() {
		errs = append(errs, coopdec.FieldError("state", "mission.filter.state.invalid"))
	}
	theme = strings.ToLower(strings.TrimSpace(q.Get("theme")))
	if _, ok := coopdec.ThemeByCode(theme); theme != "" && !ok {
		errs = append(errs, coopdec.FieldError("theme", "mission.themes.invalid", theme))
	}
	return country, st, theme, errs.Err()
}

func (s *Server) missionList(w http.ResponseWriter, r *http.Request) {
	v, err := s.missionViewer(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanListMissionRequests(v) {
		if len(coopdec.AuthoritiesOf(v.User)) > 0 {
			http.Redirect(w, r, "/collectivite/missions", http.StatusSeeOther)
			return
		}
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.list.forbidden"))
		return
	}
	lang := info(r).lang
	q := r.URL.Query()
	d := &missionListData{refData: refData{lang}, States: coopdec.MissionStates, Themes: coopdec.Themes(),
		CanCreate: v.User.HasRole(coopdec.RoleOfficer) || len(v.EmbassyCountries()) > 0, CanSeeEnvelope: coopdec.CanSeeProgrammeEnvelope(v.User)}
	if d.CanSearchReports, err = s.canSearchReports(r); err != nil {
		s.error(w, r, err)
		return
	}
	view := s.newView(r, "mission.list.title", d)
	view.Form = q
	country, st, theme, err := missionFilterForm(q)
	if err != nil {
		view.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "mission_list", view)
		return
	}
	f := sqldb.MissionFilterFor(v)
	f.AuthorityIDs = nil
	f.Country, f.State, f.Theme = country, st, theme
	list, page, err := s.db.ListMissionRequests(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	for i := range list {
		d.Rows = append(d.Rows, s.missionRowOf(lang, &list[i]))
	}
	d.Pager, d.Valid, d.Filtered = newPager(r, page), true, country != "" || st != "" || theme != ""
	s.render(w, r, http.StatusOK, "mission_list", view)
}

// missionFormData is what the form of a request or a proposal shows.
type missionFormData struct {
	refData
	Themes      []coopdec.Theme
	Selected    map[string]bool
	Action      string
	Proposal    bool
	Authorities []coopdec.Membership // a proposal's possible authors
}

func (s *Server) missionFormView(r *http.Request, title, action string, form url.Values) *view {
	d := &missionFormData{refData: refData{info(r).lang}, Themes: coopdec.Themes(), Selected: map[string]bool{}, Action: action}
	for _, th := range form["themes"] {
		d.Selected[th] = true
	}
	v := s.newView(r, title, d)
	v.Form = form
	return v
}

func (s *Server) missionNewForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.missionViewer(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanListMissionRequests(v) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.list.forbidden"))
		return
	}
	form := url.Values{}
	if cs := v.EmbassyCountries(); !v.User.HasRole(coopdec.RoleOfficer) && len(cs) == 1 {
		form.Set("country", cs[0])
	}
	s.render(w, r, http.StatusOK, "mission_new", s.missionFormView(r, "mission.new.title", "/missions", form))
}

func (s *Server) missionCreate(w http.ResponseWriter, r *http.Request) {
	v, err := s.missionViewer(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanListMissionRequests(v) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.list.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	terms, read := missionTermsForm(r.PostForm)
	m := &coopdec.MissionRequest{MissionTerms: terms}
	err = missionTermsErr(terms, read, func() error { return s.db.CreateMissionRequest(r.Context(), v, m, actor(r)) })
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/missions/%d?ok=created", m.ID), http.StatusSeeOther)
		return
	}
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	view := s.missionFormView(r, "mission.new.title", "/missions", r.PostForm)
	view.addError(err)
	s.render(w, r, http.StatusUnprocessableEntity, "mission_new", view)
}

// missionReplyView is a reply as the request's page shows it.
type missionReplyView struct {
	sqldb.MissionReplyRecord
	At        instant
	Selected  bool
	Languages []string
}

// missionShowData is what a request's page shows.
type missionShowData struct {
	refData
	Rec           *sqldb.MissionRecord
	Row           missionRow
	Languages     string
	Created       instant
	CanManage     bool
	CanSeeReplies bool
	Replies       []missionReplyView
	Invitations   []sqldb.MissionInvitationRecord
	Query         string
	// MatchSection is the ranking of the labelled authorities, for those
	// who may see it (coopdec.CanSeeMissionMatches); nil for the others.
	MatchSection *missionMatchList
	Searched     bool
	Found        []coopdec.Organisation
	ReplyFor     bool // the reader may reply for one of their authorities
	// CanCancel offers the cancellation form; Cancellation says why a
	// cancelled request was closed.
	CanCancel    bool
	Cancellation *sqldb.MissionCancellation
	CancelledAt  instant
}

func (s *Server) missionShowView(r *http.Request, v coopdec.MissionViewer, rec *sqldb.MissionRecord, form url.Values) (*view, error) {
	lang := info(r).lang
	m := &rec.Request
	d := &missionShowData{refData: refData{lang}, Rec: rec, Row: s.missionRowOf(lang, m), Languages: strings.Join(m.Languages, ", "),
		Created: newInstant(m.CreatedAt), CanManage: coopdec.CanManageMissionRequest(v, m) && !m.State.Closed(),
		CanSeeReplies: coopdec.CanSeeMissionReplies(v, m)}
	d.Row.Authority = rec.AuthorityName
	mine := coopdec.AuthoritiesOf(v.User)
	for _, rr := range rec.Replies {
		if d.CanSeeReplies || slices.Contains(mine, rr.AuthorityID) {
			d.Replies = append(d.Replies, missionReplyView{MissionReplyRecord: rr, At: newInstant(rr.RepliedAt),
				Selected: rr.ID == m.SelectedReplyID})
		}
	}
	for _, inv := range rec.Invitations {
		if d.CanSeeReplies || slices.Contains(mine, inv.AuthorityID) {
			d.Invitations = append(d.Invitations, inv)
		}
		if slices.Contains(mine, inv.AuthorityID) && rec.Reply(inv.AuthorityID) == nil && !m.State.Closed() {
			d.ReplyFor = true
		}
	}
	d.CanCancel = coopdec.CanCancelMissionRequest(v, m) && !m.State.Closed() && m.AuthorityID == 0
	if m.State == coopdec.MissionCancelled {
		c, err := s.db.MissionCancellation(r.Context(), m.ID)
		if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
			return nil, err
		}
		if c != nil {
			d.Cancellation, d.CancelledAt = c, newInstant(c.At)
		}
	}
	if d.CanManage {
		d.Query = strings.TrimSpace(r.URL.Query().Get("q"))
		if utf8.RuneCountInString(d.Query) >= 2 {
			found, _, err := s.db.SearchOrganisations(r.Context(), coopdec.OrgFilter{Query: d.Query, Kind: coopdec.OrgFrenchAuthority},
				coopdec.NewPage(1, missionSearchMax))
			if err != nil {
				return nil, err
			}
			d.Found, d.Searched = found, true
		}
	}
	if coopdec.CanSeeMissionMatches(v, m) {
		matches, err := s.missionMatches(r.Context(), lang, rec)
		if err != nil {
			return nil, err
		}
		matches.CanInvite = d.CanManage
		d.MatchSection = matches
	}
	view := s.newView(r, "mission.show.title", d)
	view.Form = form
	return view, nil
}

func (s *Server) missionShow(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	view, err := s.missionShowView(r, v, rec, url.Values{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if ok := r.URL.Query().Get("ok"); slices.Contains([]string{"created", "invited", "selected", "replied", "cancelled"}, ok) {
		view.Flash = view.T("mission.flash." + ok)
	}
	s.render(w, r, http.StatusOK, "mission_show", view)
}

// missionShowFail shows the request's page again with err.
func (s *Server) missionShowFail(w http.ResponseWriter, r *http.Request, v coopdec.MissionViewer, id int64, form url.Values, err error) {
	status := statusOf(coopdec.ErrorCode(err))
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		s.error(w, r, err)
		return
	}
	rec, lerr := s.db.MissionRequest(r.Context(), id)
	if lerr != nil {
		s.error(w, r, lerr)
		return
	}
	view, verr := s.missionShowView(r, v, rec, form)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	view.addError(err)
	s.render(w, r, status, "mission_show", view)
}

// formIDs reads a list of numeric IDs from a form field.
func formIDs(form url.Values, field string) ([]int64, error) {
	var out []int64
	for _, raw := range form[field] {
		for _, f := range splitCodes(raw) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id < 1 {
				return nil, coopdec.FieldError(field, "mission.invite.unreadable")
			}
			out = append(out, id)
		}
	}
	return out, nil
}

func (s *Server) missionInvite(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	ids, err := formIDs(r.PostForm, "organisation_ids")
	if err == nil {
		_, err = s.db.InviteToMission(r.Context(), s.jobs, v, rec.Request.ID, ids, actor(r), s.missionInviteMails())
	}
	if err != nil {
		s.missionShowFail(w, r, v, rec.Request.ID, r.PostForm, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/missions/%d?ok=invited", rec.Request.ID), http.StatusSeeOther)
}

func (s *Server) missionSelect(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	replyID, perr := strconv.ParseInt(r.PostForm.Get("reply_id"), 10, 64)
	if perr != nil {
		err = coopdec.FieldError("reply_id", "mission.select.none")
	} else {
		err = s.db.SelectMissionReply(r.Context(), v, rec.Request.ID, replyID, actor(r))
	}
	if err != nil {
		s.missionShowFail(w, r, v, rec.Request.ID, r.PostForm, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/missions/%d?ok=selected", rec.Request.ID), http.StatusSeeOther)
}

func (s *Server) missionCancel(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	err = s.db.CancelMissionRequest(r.Context(), s.jobs, v, rec.Request.ID, r.PostForm.Get("reason"), actor(r), s.missionCancelMails())
	if err != nil {
		s.missionShowFail(w, r, v, rec.Request.ID, r.PostForm, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/missions/%d?ok=cancelled", rec.Request.ID), http.StatusSeeOther)
}
