package web

import (
	"net/http"

	"github.com/coopdec/coopdec/coopdec"
)

// The applications to a call, for those who handle them: officers and
// administrators for every call, co-managers for the calls they run. Drafts
// are never listed: only what was submitted (and what was withdrawn after).

// apiOfficerStatuses are the statuses an officer's list may filter on.
var apiOfficerStatuses = []coopdec.ApplicationStatus{coopdec.ApplicationSubmitted, coopdec.ApplicationWithdrawn}

func (s *Server) apiCallApplications(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanListCallApplications)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, page, err := apiApplicationFilter(r, apiOfficerStatuses, true)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f.CallID, f.SubmittedOnly = c.ID, true
	s.apiWriteSummaries(w, r, f, page)
}

// applicationExportRoute registers the export of a call's applications.
func (s *Server) applicationExportRoute(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/calls/{id}/applications/export", s.requireUser(s.apiCallApplicationsExport))
}

// apiCallApplicationsExport answers with the applications the filters
// select, all of them, as a CSV (UTF-8 with a byte-order mark and ";") or
// XLSX file.
func (s *Server) apiCallApplicationsExport(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanListCallApplications)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, _, err := apiApplicationFilter(r, apiOfficerStatuses, true)
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		errs := append(asErrorsOrNil(err), coopdec.FieldError("format", "apiapp.export.format.invalid"))
		err = errs.Err()
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f.CallID, f.SubmittedOnly = c.ID, true
	s.writeApplicationsExport(w, r, c, f, format)
}
