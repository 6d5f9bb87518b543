package web

import "net/http"

// countryRoutes registers the country pages: embassies' bilateral priorities seen with local authorities' work.
func (s *Server) countryRoutes(mux *http.ServeMux) {
	_ = mux
}
