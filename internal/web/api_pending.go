package web

import "net/http"

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request)          { pending(s)(w, r) }
func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request)      { pending(s)(w, r) }
func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request)        { pending(s)(w, r) }
func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request)      { pending(s)(w, r) }
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request)               { pending(s)(w, r) }
func (s *Server) apiMeUpdate(w http.ResponseWriter, r *http.Request)         { pending(s)(w, r) }
func (s *Server) apiMePassword(w http.ResponseWriter, r *http.Request)       { pending(s)(w, r) }
func (s *Server) apiResetRequest(w http.ResponseWriter, r *http.Request)     { pending(s)(w, r) }
func (s *Server) apiResetConfirm(w http.ResponseWriter, r *http.Request)     { pending(s)(w, r) }
func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request)           { pending(s)(w, r) }
func (s *Server) apiInvitation(w http.ResponseWriter, r *http.Request)       { pending(s)(w, r) }
func (s *Server) apiInvitationAccept(w http.ResponseWriter, r *http.Request) { pending(s)(w, r) }
func (s *Server) apiOrgList(w http.ResponseWriter, r *http.Request)          { pending(s)(w, r) }
func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request)        { pending(s)(w, r) }
func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request)              { pending(s)(w, r) }
func (s *Server) apiOrgMembers(w http.ResponseWriter, r *http.Request)       { pending(s)(w, r) }
func (s *Server) apiTerritories(w http.ResponseWriter, r *http.Request)      { pending(s)(w, r) }
func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request)        { pending(s)(w, r) }
func (s *Server) apiThemes(w http.ResponseWriter, r *http.Request)           { pending(s)(w, r) }
func (s *Server) apiAdminUsers(w http.ResponseWriter, r *http.Request)       { pending(s)(w, r) }
func (s *Server) apiAdminGrant(w http.ResponseWriter, r *http.Request)       { pending(s)(w, r) }
func (s *Server) apiAdminRevoke(w http.ResponseWriter, r *http.Request)      { pending(s)(w, r) }
func (s *Server) apiAdminAudit(w http.ResponseWriter, r *http.Request)       { pending(s)(w, r) }
func (s *Server) apiAdminOutbox(w http.ResponseWriter, r *http.Request)      { pending(s)(w, r) }
