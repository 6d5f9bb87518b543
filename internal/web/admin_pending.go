package web

import (
	"net/http"

	"github.com/coopdec/coopdec/coopdec"
)

func pending(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found"))
	}
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request)           { pending(s)(w, r) }
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request)          { pending(s)(w, r) }
func (s *Server) adminUser(w http.ResponseWriter, r *http.Request)           { pending(s)(w, r) }
func (s *Server) adminUserGrant(w http.ResponseWriter, r *http.Request)      { pending(s)(w, r) }
func (s *Server) adminUserRevoke(w http.ResponseWriter, r *http.Request)     { pending(s)(w, r) }
func (s *Server) adminInvitationForm(w http.ResponseWriter, r *http.Request) { pending(s)(w, r) }
func (s *Server) adminInvite(w http.ResponseWriter, r *http.Request)         { pending(s)(w, r) }
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request)          { pending(s)(w, r) }
func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request)         { pending(s)(w, r) }
func (s *Server) orgList(w http.ResponseWriter, r *http.Request)             { pending(s)(w, r) }
func (s *Server) orgNewForm(w http.ResponseWriter, r *http.Request)          { pending(s)(w, r) }
func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request)           { pending(s)(w, r) }
func (s *Server) orgShow(w http.ResponseWriter, r *http.Request)             { pending(s)(w, r) }
func (s *Server) orgInvite(w http.ResponseWriter, r *http.Request)           { pending(s)(w, r) }
