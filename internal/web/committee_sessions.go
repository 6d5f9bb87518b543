package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// sessionPageData is what the page of one committee session shows.
type sessionPageData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Nav           callNav
	Session       *coopdec.CommitteeSession
	HeldAt        instant
	Editable      bool
}

// sessionFromForm reads a session's form: held_at (a datetime-local value
// in Paris), participants (one per line) and minutes.
func sessionFromForm(f url.Values) (*coopdec.CommitteeSession, error) {
	s := &coopdec.CommitteeSession{Minutes: f.Get("minutes")}
	for _, p := range strings.Split(f.Get("participants"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			s.Participants = append(s.Participants, p)
		}
	}
	at, err := parseParisTime("held_at", f.Get("held_at"))
	if err != nil {
		return s, err
	}
	s.HeldAt = at
	return s, nil
}

// validSession reports the form's date error along with the session's own.
func validSession(s *coopdec.CommitteeSession, parseErr error) error {
	verr := s.Validate()
	if parseErr == nil {
		return verr
	}
	errs := asErrors(parseErr)
	for _, e := range asErrorsOrNil(verr) {
		if e.Field != "held_at" {
			errs = append(errs, e)
		}
	}
	return errs
}

// committeeSessionCreate records a committee session from the committee
// page's form.
func (s *Server) committeeSessionCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	se, perr := sessionFromForm(r.PostForm)
	se.CallID = c.ID
	if err := validSession(se, perr); err != nil {
		s.renderCommittee(w, r, c, http.StatusUnprocessableEntity, err, 0)
		return
	}
	err = s.db.CreateCommitteeSession(r.Context(), currentUser(r), se, actor(r))
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/appels/%d/comite/seances/%d", c.ID, se.ID), http.StatusSeeOther)
	case coopdec.EINVALID, coopdec.ECONFLICT:
		s.renderCommittee(w, r, c, statusOf(coopdec.ErrorCode(err)), err, 0)
	default:
		s.error(w, r, err)
	}
}

// committeeSessionOf loads the session of the path, of call c.
func (s *Server) committeeSessionOf(r *http.Request, c *coopdec.Call) (*coopdec.CommitteeSession, error) {
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sid < 1 {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "committee.session.not_found")
	}
	se, err := s.db.CommitteeSession(r.Context(), sid)
	if err != nil {
		return nil, err
	}
	if se.CallID != c.ID {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "committee.session.not_found")
	}
	return se, nil
}

func (s *Server) committeeSessionPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	se, err := s.committeeSessionOf(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderSession(w, r, c, se, http.StatusOK, nil)
}

func (s *Server) renderSession(w http.ResponseWriter, r *http.Request, c *coopdec.Call, se *coopdec.CommitteeSession, status int, fail error) {
	lang := info(r).lang
	d := &sessionPageData{Call: c, Nav: newCallNav(r, c, navCommittee), Session: se, HeldAt: newInstant(se.HeldAt)}
	text, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = text.Title, tl
	cm, err := s.db.Committee(r.Context(), c.ID)
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		s.error(w, r, err)
		return
	}
	var st coopdec.DecisionStatus
	if cm != nil {
		st = cm.DecisionStatus
	}
	d.Editable = coopdec.CheckEditMinutes(currentUser(r), c, st) == nil
	v := s.newView(r, "committee.ui.session.title", d)
	v.Form = url.Values{"held_at": {formatParisInput(se.HeldAt)}, "participants": {strings.Join(se.Participants, "\n")},
		"minutes": {se.Minutes}}
	if fail != nil {
		v.addError(fail)
		v.Form = r.PostForm
	}
	if r.URL.Query().Get("ok") == "1" && fail == nil {
		v.Flash = v.T("committee.ui.flash.session")
	}
	s.render(w, r, status, "committee_session", v)
}

// committeeSessionUpdate records a session's new date, participants and
// minutes, until the call's decision is final.
func (s *Server) committeeSessionUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	old, err := s.committeeSessionOf(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	se, perr := sessionFromForm(r.PostForm)
	se.ID, se.CallID = old.ID, c.ID
	if err := validSession(se, perr); err != nil {
		s.renderSession(w, r, c, old, http.StatusUnprocessableEntity, err)
		return
	}
	err = s.db.UpdateCommitteeSession(r.Context(), currentUser(r), se, actor(r))
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/appels/%d/comite/seances/%d?ok=1", c.ID, se.ID), http.StatusSeeOther)
	case coopdec.EINVALID, coopdec.ECONFLICT:
		s.renderSession(w, r, c, old, statusOf(coopdec.ErrorCode(err)), err)
	default:
		s.error(w, r, err)
	}
}
