package web

import "net/http"

// officerApplicationRoutes registers the officers', co-managers' and
// partners' pages about applications.
func (s *Server) officerApplicationRoutes(mux *http.ServeMux) {}
