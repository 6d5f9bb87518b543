package web

import (
	"net/http"
	"time"

	"github.com/coopdec/coopdec/internal/sqldb"
)

// auditChainRoutes serves the verification of the audit trail's hash chain,
// to administrators only; it walks the whole trail, so it runs on request.
func (s *Server) auditChainRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/audit/verification", s.requireAdmin(s.adminAuditVerification))
	mux.HandleFunc("GET /api/v1/admin/audit/verification", s.requireAdmin(s.apiAdminAuditVerification))
}

type auditChainData struct {
	sqldb.AuditVerification
	At time.Time
}

func (s *Server) adminAuditVerification(w http.ResponseWriter, r *http.Request) {
	v, err := s.db.VerifyAudit(r.Context(), nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_audit_chain", s.newView(r, "auditchain.title", &auditChainData{AuditVerification: v, At: s.db.Now()}))
}

type apiAuditVerificationDoc struct {
	Intact   bool    `json:"intact"`
	Checked  int64   `json:"checked"`
	BrokenAt *int64  `json:"broken_at"`
	Problem  *string `json:"problem"`
}

func (s *Server) apiAdminAuditVerification(w http.ResponseWriter, r *http.Request) {
	v, err := s.db.VerifyAudit(r.Context(), nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	doc := apiAuditVerificationDoc{Intact: v.Intact, Checked: v.Checked}
	if !v.Intact {
		problem := string(v.Problem)
		doc.BrokenAt, doc.Problem = &v.BrokenAt, &problem
	}
	writeJSON(w, http.StatusOK, doc)
}
