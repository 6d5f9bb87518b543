package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", s.newView(r, "", nil))
}

// safeNext keeps a post-login redirect on this site: a local path only.
// Browsers drop tabs and newlines and read "\\" as "/", so "/\t/evil.org"
// or "/\\evil.org" would lead off the site: control characters and
// backslashes are refused outright.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/compte"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return "/compte"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "login.title", nil)
	v.Form = url.Values{"next": {r.URL.Query().Get("next")}}
	if r.URL.Query().Get("reset") == "1" {
		v.Flash = v.T("reset.done")
	}
	s.render(w, r, http.StatusOK, "login", v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	u, err := s.checkCredentials(r.Context(), email, pw, clientIP(r))
	if err != nil {
		if code := coopdec.ErrorCode(err); code == coopdec.EINTERNAL {
			s.error(w, r, err)
			return
		}
		v := s.newView(r, "login.title", nil)
		v.Form = url.Values{"email": {email}, "next": {r.PostFormValue("next")}}
		v.addError(err)
		s.render(w, r, statusOf(coopdec.ErrorCode(err)), "login", v)
		return
	}
	token, err := s.db.CreateSession(r.Context(), u.ID, info(r).session, clientIP(r), r.UserAgent())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.setCookie(w, "session", token, coopdec.SessionAbsoluteTimeout)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if ri := info(r); ri.session != "" {
		if err := s.db.DeleteSession(r.Context(), ri.session, actor(r)); err != nil {
			s.error(w, r, err)
			return
		}
	}
	s.clearCookie(w, "session")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "forgot", s.newView(r, "forgot.title", nil))
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	v := s.newView(r, "forgot.title", nil)
	if err := s.requestPasswordReset(r, email); err != nil {
		if coopdec.ErrorCode(err) == coopdec.EINTERNAL {
			s.error(w, r, err)
			return
		}
		v.Form = url.Values{"email": {email}}
		v.addError(err)
		s.render(w, r, statusOf(coopdec.ErrorCode(err)), "forgot", v)
		return
	}
	v.Flash = v.T("forgot.sent", int(coopdec.PasswordResetValidity.Minutes()))
	s.render(w, r, http.StatusOK, "forgot", v)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.db.PasswordResetUser(r.Context(), r.PathValue("token")); err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reset", s.newView(r, "reset.title", nil))
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	err := s.resetPassword(r, r.PathValue("token"), r.PostFormValue("password"), r.PostFormValue("password_confirm"))
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/connexion?reset=1", http.StatusSeeOther)
	case coopdec.EINVALID:
		v := s.newView(r, "reset.title", nil)
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "reset", v)
	default:
		s.error(w, r, err)
	}
}

// signupData is what the invitation page shows.
type signupData struct {
	Invitation  *coopdec.Invitation
	Territories []coopdec.Territory
	Query       string
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) {
	inv, err := s.db.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &signupData{Invitation: inv, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if inv.ForLocalAuthority && d.Query != "" {
		if d.Territories, err = s.db.SearchTerritories(r.Context(), d.Query, nil, 15); err != nil {
			s.error(w, r, err)
			return
		}
	}
	v := s.newView(r, "signup.title", d)
	v.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "signup", v)
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	kind, code, _ := strings.Cut(r.PostFormValue("territory"), ":")
	u, err := s.acceptInvitation(r, token, r.PostFormValue("name"), r.PostFormValue("password"),
		r.PostFormValue("password_confirm"), kind, code)
	if err != nil {
		if coopdec.ErrorCode(err) != coopdec.EINVALID {
			s.error(w, r, err)
			return
		}
		inv, ierr := s.db.Invitation(r.Context(), token)
		if ierr != nil {
			s.error(w, r, ierr)
			return
		}
		d := &signupData{Invitation: inv, Query: strings.TrimSpace(r.PostFormValue("q"))}
		if inv.ForLocalAuthority && d.Query != "" {
			d.Territories, _ = s.db.SearchTerritories(r.Context(), d.Query, nil, 15)
		}
		v := s.newView(r, "signup.title", d)
		v.Form = url.Values{"name": {r.PostFormValue("name")}, "territory": {r.PostFormValue("territory")}, "q": {d.Query}}
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "signup", v)
		return
	}
	session, err := s.db.CreateSession(r.Context(), u.ID, info(r).session, clientIP(r), r.UserAgent())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.setCookie(w, "session", session, coopdec.SessionAbsoluteTimeout)
	http.Redirect(w, r, "/compte?bienvenue=1", http.StatusSeeOther)
}

// switchLanguage stores the chosen language on the account, or in a cookie
// for visitors, and returns to the page.
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if !i18n.Valid(lang) {
		s.error(w, r, coopdec.FieldError("lang", "user.language.invalid"))
		return
	}
	if u := currentUser(r); u != nil {
		if err := s.db.SetLanguage(r.Context(), u.ID, lang, actor(r)); err != nil {
			s.error(w, r, err)
			return
		}
	}
	s.setCookie(w, "lang", lang, 365*24*time.Hour)
	http.Redirect(w, r, safeNextOr(r.PostFormValue("next"), "/"), http.StatusSeeOther)
}

func safeNextOr(next, fallback string) string {
	if next == "" {
		return fallback
	}
	return safeNext(next)
}
