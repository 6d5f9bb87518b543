package web

import (
	"net/http"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
)

// accountData is what the account page shows.
type accountData struct {
	Tokens   []coopdec.APIToken
	NewToken string // shown once, right after creation
	Welcome  bool
}

func (s *Server) accountView(r *http.Request, d *accountData) (*view, error) {
	tokens, err := s.db.ListAPITokens(r.Context(), currentUser(r).ID)
	if err != nil {
		return nil, err
	}
	d.Tokens = tokens
	return s.newView(r, "account.title", d), nil
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, d *accountData, flash string, err error) {
	v, verr := s.accountView(r, d)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	if flash != "" {
		v.Flash = v.T(flash)
	}
	if err != nil {
		v.addError(err)
	}
	s.render(w, r, status, "account", v)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	flash := ""
	switch r.URL.Query().Get("ok") {
	case "password":
		flash = "account.password.changed"
	case "language":
		flash = "account.language.changed"
	case "revoked":
		flash = "account.token.revoked"
	}
	s.renderAccount(w, r, http.StatusOK, &accountData{Welcome: r.URL.Query().Get("bienvenue") == "1"}, flash, nil)
}

func (s *Server) accountLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("language")
	if err := s.db.SetLanguage(r.Context(), currentUser(r).ID, lang, actor(r)); err != nil {
		if coopdec.ErrorCode(err) == coopdec.EINVALID {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, &accountData{}, "", err)
			return
		}
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/compte?ok=language", http.StatusSeeOther)
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	err := s.changePassword(r, r.PostFormValue("current_password"), r.PostFormValue("password"), r.PostFormValue("password_confirm"))
	if err != nil {
		if coopdec.ErrorCode(err) == coopdec.EINVALID {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, &accountData{}, "", err)
			return
		}
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/compte?ok=password", http.StatusSeeOther)
}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) {
	secret, _, err := s.db.CreateAPIToken(r.Context(), currentUser(r).ID, r.PostFormValue("name"), actor(r))
	if err != nil {
		if coopdec.ErrorCode(err) == coopdec.EINVALID {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, &accountData{}, "", err)
			return
		}
		s.error(w, r, err)
		return
	}
	// The secret is shown in this response only; it is never stored.
	s.renderAccount(w, r, http.StatusOK, &accountData{NewToken: secret}, "account.token.created", nil)
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "token.not_found"))
		return
	}
	if err := s.db.RevokeAPIToken(r.Context(), currentUser(r).ID, id, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/compte?ok=revoked", http.StatusSeeOther)
}
