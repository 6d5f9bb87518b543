package web

import (
	"io/fs"
	"net/http"

	"github.com/coopdec/coopdec/coopdec"
)

// routes gathers every route of the platform in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	s.benchLimitRoutes(mux)

	// Pages.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /connexion", s.loginForm)
	mux.HandleFunc("POST /connexion", s.login)
	mux.HandleFunc("POST /deconnexion", s.logout)
	mux.HandleFunc("GET /mot-de-passe-oublie", s.forgotForm)
	mux.HandleFunc("POST /mot-de-passe-oublie", s.forgot)
	mux.HandleFunc("GET /reinitialisation/{token}", s.resetForm)
	mux.HandleFunc("POST /reinitialisation/{token}", s.reset)
	mux.HandleFunc("GET /invitation/{token}", s.signupForm)
	mux.HandleFunc("POST /invitation/{token}", s.signup)
	mux.HandleFunc("POST /langue", s.switchLanguage)
	mux.HandleFunc("GET /compte", s.requireUser(s.account))
	mux.HandleFunc("POST /compte/langue", s.requireUser(s.accountLanguage))
	mux.HandleFunc("POST /compte/mot-de-passe", s.requireUser(s.accountPassword))
	mux.HandleFunc("POST /compte/jetons", s.requireUser(s.accountTokenCreate))
	mux.HandleFunc("POST /compte/jetons/{id}/revocation", s.requireUser(s.accountTokenRevoke))

	mux.HandleFunc("GET /organisations", s.orgList)
	mux.HandleFunc("GET /organisations/nouvelle", s.requireUser(s.orgNewForm))
	mux.HandleFunc("POST /organisations", s.requireUser(s.orgCreate))
	mux.HandleFunc("GET /organisations/{id}", s.orgShow)
	mux.HandleFunc("POST /organisations/{id}/invitations", s.requireUser(s.orgInvite))

	mux.HandleFunc("GET /appels", s.cachedPublic(s.callSearchPage))
	mux.HandleFunc("GET /appels/nouveau", s.requireUser(s.callNewForm))
	mux.HandleFunc("POST /appels", s.requireUser(s.callCreate))
	mux.HandleFunc("GET /appels/{id}", s.cachedPublic(s.callShow))
	mux.HandleFunc("GET /appels/{id}/modifier", s.requireUser(s.callEditForm))
	mux.HandleFunc("POST /appels/{id}", s.requireUser(s.callUpdate))
	mux.HandleFunc("POST /appels/{id}/statut", s.requireUser(s.callStatusChange))
	mux.HandleFunc("GET /appels/{id}/eligibilite", s.callEligibilityPage)
	mux.HandleFunc("GET /recherches", s.requireUser(s.savedList))
	mux.HandleFunc("POST /recherches", s.requireUser(s.savedCreate))
	mux.HandleFunc("GET /recherches/desinscription/{token}", s.savedUnsubscribeForm)
	mux.HandleFunc("POST /recherches/{a}/{b}", s.savedPost) // {id}/suppression and desinscription/{token}

	mux.HandleFunc("GET /admin", s.requireAdmin(s.adminHome))
	mux.HandleFunc("GET /admin/utilisateurs", s.requireAdmin(s.adminUsers))
	mux.HandleFunc("GET /admin/utilisateurs/{id}", s.requireAdmin(s.adminUser))
	mux.HandleFunc("POST /admin/utilisateurs/{id}/roles", s.requireAdmin(s.adminUserGrant))
	mux.HandleFunc("POST /admin/utilisateurs/{id}/roles/{role}/retrait", s.requireAdmin(s.adminUserRevoke))
	mux.HandleFunc("GET /admin/invitations", s.requireAdmin(s.adminInvitationForm))
	mux.HandleFunc("POST /admin/invitations", s.requireAdmin(s.adminInvite))
	mux.HandleFunc("GET /admin/audit", s.requireAdmin(s.adminAudit))
	s.auditChainRoutes(mux)
	mux.HandleFunc("GET /admin/outbox", s.requireAdmin(s.adminOutbox))

	// JSON API.
	mux.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)
	mux.HandleFunc("POST /api/v1/auth/token", s.apiTokenCreate)
	mux.HandleFunc("GET /api/v1/auth/tokens", s.requireUser(s.apiTokenList))
	mux.HandleFunc("DELETE /api/v1/auth/tokens/{id}", s.requireUser(s.apiTokenRevoke))
	mux.HandleFunc("GET /api/v1/me", s.requireUser(s.apiMe))
	mux.HandleFunc("PATCH /api/v1/me", s.requireUser(s.apiMeUpdate))
	mux.HandleFunc("POST /api/v1/me/password", s.requireUser(s.apiMePassword))
	mux.HandleFunc("POST /api/v1/password-resets", s.apiResetRequest)
	mux.HandleFunc("POST /api/v1/password-resets/{token}", s.apiResetConfirm)
	mux.HandleFunc("POST /api/v1/invitations", s.requireUser(s.apiInvite))
	mux.HandleFunc("GET /api/v1/invitations/{token}", s.apiInvitation)
	mux.HandleFunc("POST /api/v1/invitations/{token}/accept", s.apiInvitationAccept)
	mux.HandleFunc("GET /api/v1/organisations", s.apiOrgList)
	mux.HandleFunc("POST /api/v1/organisations", s.requireUser(s.apiOrgCreate))
	mux.HandleFunc("GET /api/v1/organisations/{id}", s.cachedPublic(s.apiOrg))
	mux.HandleFunc("GET /api/v1/organisations/{id}/members", s.requireUser(s.apiOrgMembers))
	mux.HandleFunc("GET /api/v1/programmes", s.apiProgrammes)
	mux.HandleFunc("GET /api/v1/calls", s.cachedPublic(s.apiCallList))
	mux.HandleFunc("POST /api/v1/calls", s.requireUser(s.apiCallCreate))
	mux.HandleFunc("GET /api/v1/calls/{id}", s.cachedPublic(s.apiCall))
	mux.HandleFunc("PUT /api/v1/calls/{id}", s.requireUser(s.apiCallUpdate))
	mux.HandleFunc("POST /api/v1/calls/{id}/status", s.requireUser(s.apiCallStatus))
	mux.HandleFunc("GET /api/v1/calls/{id}/amendments", s.apiCallAmendments)
	mux.HandleFunc("POST /api/v1/calls/{id}/eligibility", s.apiCallEligibility)
	mux.HandleFunc("GET /api/v1/saved-searches", s.requireUser(s.apiSavedSearchList))
	mux.HandleFunc("POST /api/v1/saved-searches", s.requireUser(s.apiSavedSearchCreate))
	mux.HandleFunc("DELETE /api/v1/saved-searches/{id}", s.requireUser(s.apiSavedSearchDelete))
	mux.HandleFunc("GET /api/v1/territories", s.apiTerritories)
	mux.HandleFunc("GET /api/v1/countries", s.apiCountries)
	mux.HandleFunc("GET /api/v1/themes", s.apiThemes)
	mux.HandleFunc("GET /api/v1/admin/users", s.requireAdmin(s.apiAdminUsers))
	mux.HandleFunc("POST /api/v1/admin/users/{id}/roles", s.requireAdmin(s.apiAdminGrant))
	mux.HandleFunc("DELETE /api/v1/admin/users/{id}/roles/{role}", s.requireAdmin(s.apiAdminRevoke))
	mux.HandleFunc("GET /api/v1/admin/audit", s.requireAdmin(s.apiAdminAudit))
	mux.HandleFunc("GET /api/v1/admin/outbox", s.requireAdmin(s.apiAdminOutbox))
	// Applications: the applicants' pages, the officers' and partners'
	// pages, and the API, each gathered in its own file.
	s.applicantRoutes(mux)
	s.officerApplicationRoutes(mux)
	s.applicationAPIRoutes(mux)
	// Evaluation, committee and decisions: pages and API of each area in
	// its own files.
	s.evaluationSetupRoutes(mux)
	s.evaluatorRoutes(mux)
	s.opinionRoutes(mux)
	s.committeeRoutes(mux)
	s.decisionRoutes(mux)
	// PACT2: labels, missions, country pages.
	s.labelRoutes(mux)
	s.missionRoutes(mux)
	s.countryRoutes(mux)
	s.projectRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found"))
	})

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found"))
	})
	return mux
}

// requireUser refuses anonymous requests: an API client gets 401, a browser
// is sent to the login page.
func (s *Server) requireUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) == nil {
			s.error(w, r, coopdec.Errorf(coopdec.EUNAUTHORIZED, "error.login_required"))
			return
		}
		h(w, r)
	}
}

// requireAdmin refuses anyone but administrators.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if !coopdec.CanAdminister(currentUser(r)) {
			s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
			return
		}
		h(w, r)
	})
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("readyz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	if s.warming.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting", "database": string(s.db.Dialect)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.db.Dialect)})
}
