package web

import "net/http"

// evaluatorRoutes registers the evaluators' pages and API: declaration of interests, assignments, scoring.
func (s *Server) evaluatorRoutes(mux *http.ServeMux) {
	_ = mux
}
