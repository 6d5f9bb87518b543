package web

import "net/http"

// labelRoutes registers the label of expertise: applications by local authorities, the ministry's review, renewal and revocation.
func (s *Server) labelRoutes(mux *http.ServeMux) {
	_ = mux
}
