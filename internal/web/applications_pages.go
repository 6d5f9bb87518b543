package web

import "net/http"

// applicantRoutes registers the applicants' pages.
func (s *Server) applicantRoutes(mux *http.ServeMux) {}
