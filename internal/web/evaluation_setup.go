package web

import "net/http"

// evaluationSetupRoutes registers the officer's evaluation set-up: grid, pools, admissibility and assignments.
func (s *Server) evaluationSetupRoutes(mux *http.ServeMux) {
	_ = mux
}
