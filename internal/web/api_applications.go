package web

import "net/http"

// applicationAPIRoutes registers the applications API.
func (s *Server) applicationAPIRoutes(mux *http.ServeMux) {}
