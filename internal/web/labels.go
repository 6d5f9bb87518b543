package web

import (
	"net/http"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The label of international expertise: French local authorities apply
// (labels_pages.go), the ministry's officers review, and the API does both
// (api_labels.go). The domain decides who may do what
// (coopdec.CheckLabelCreate, coopdec.CheckLabelEdit, coopdec.CheckLabelAction);
// storage keeps applications, review history and reminders (sqldb.LabelRecord);
// the daily job internal/jobs.LabelExpiryWorker sends reminders and ends
// expired labels. A label is valid Config.LabelValidityYears, by default
// coopdec.LabelValidityYears (3 years).

// labelRoutes registers the label of expertise: applications by local authorities, the ministry's review, renewal and revocation.
func (s *Server) labelRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /labels", s.requireUser(s.labelHome))
	mux.HandleFunc("GET /labels/nouveau", s.requireUser(s.labelNewPage))
	mux.HandleFunc("POST /labels/nouveau", s.requireUser(s.labelCreate))
	mux.HandleFunc("GET /labels/instruction", s.requireUser(s.labelOfficerList))
	mux.HandleFunc("GET /labels/{id}", s.requireUser(s.labelPage))
	mux.HandleFunc("POST /labels/{id}", s.requireUser(s.labelPost))

	mux.HandleFunc("GET /api/v1/label-applications", s.requireUser(s.apiLabelList))
	mux.HandleFunc("POST /api/v1/label-applications", s.requireUser(s.apiLabelCreate))
	mux.HandleFunc("GET /api/v1/label-applications/{id}", s.requireUser(s.apiLabelGet))
	mux.HandleFunc("PUT /api/v1/label-applications/{id}", s.requireUser(s.apiLabelUpdate))
	mux.HandleFunc("POST /api/v1/label-applications/{id}/submission", s.requireUser(s.apiLabelSubmit))
	mux.HandleFunc("POST /api/v1/label-applications/{id}/review", s.requireUser(s.apiLabelReview))
	mux.HandleFunc("POST /api/v1/labels/{id}/revocation", s.requireUser(s.apiLabelRevoke))

	mux.HandleFunc("GET /expertise", s.cachedPublic(s.expertisePage))
	mux.HandleFunc("GET /expertise/{id}", s.cachedPublic(s.expertiseProfile))
	mux.HandleFunc("GET /api/v1/labels", s.cachedPublic(s.apiLabelDirectory))
}

// labelFor loads the label application of the path for someone who may
// see it; anyone else is told it does not exist.
func (s *Server) labelFor(r *http.Request) (*sqldb.LabelRecord, error) {
	id, err := apiPathID(r, "id", "label.not_found")
	if err != nil {
		return nil, err
	}
	rec, err := s.db.LabelApplication(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !coopdec.CanViewLabelApplication(currentUser(r), &rec.LabelApplication) {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "label.not_found")
	}
	return rec, nil
}

// labelMails tell the authority's members, each in their language, of an
// officer's decision on their label application.
func (s *Server) labelMails(action coopdec.LabelAction) sqldb.LabelNotice {
	return func(rec *sqldb.LabelRecord, team []sqldb.DraftHolder) []sqldb.Job {
		link := s.link("/labels/" + strconv.FormatInt(rec.ID, 10))
		out := make([]sqldb.Job, 0, len(team))
		for _, m := range team {
			expires := ""
			if !rec.ExpiresAt.IsZero() {
				expires = rec.ExpiresAt.In(Paris).Format("02/01/2006")
			}
			out = append(out, s.mailJob(m.Language, m.Email, "mail.label."+string(action), rec.OrganisationName,
				rec.Number, expires, rec.Reason, link))
		}
		return out
	}
}

// reviewLabel records an officer's action, with its emails; a grant is
// valid the deployment's s.labelYears.
func (s *Server) reviewLabel(r *http.Request, id int64, action coopdec.LabelAction, reason string) (*sqldb.LabelRecord, error) {
	return s.db.ReviewLabel(r.Context(), s.jobs, currentUser(r), id, action, reason, s.labelYears, actor(r), s.labelMails(action))
}
