package web

import "net/http"

// decisionRoutes registers decisions: approvals by the parties, notification, publication, reviews and envelopes.
func (s *Server) decisionRoutes(mux *http.ServeMux) {
	_ = mux
}
