package web

import "net/http"

// opinionRoutes registers embassy opinions: requests by the call's managers, answers by the embassies.
func (s *Server) opinionRoutes(mux *http.ServeMux) {
	_ = mux
}
