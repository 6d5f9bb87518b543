package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The API of embassies' opinions: what opinions.go's pages do, for
// machine clients.

// apiOpinionRequestDoc is an opinion request with its opinion.
type apiOpinionRequestDoc struct {
	ID                    int64          `json:"id"`
	CallID                int64          `json:"call_id"`
	ApplicationID         int64          `json:"application_id"`
	Country               string         `json:"country"`
	EmbassyOrganisationID int64          `json:"embassy_organisation_id"`
	EmbassyName           string         `json:"embassy_name"`
	DueAt                 string         `json:"due_at"`
	Note                  string         `json:"note"`
	RequestedBy           int64          `json:"requested_by"`
	RequestedAt           string         `json:"requested_at"`
	State                 string         `json:"state"`
	Opinion               *apiOpinionDoc `json:"opinion"`
}

// apiOpinionDoc is an embassy's opinion.
type apiOpinionDoc struct {
	Value   string `json:"value"`
	Comment string `json:"comment"`
	GivenBy int64  `json:"given_by"`
	GivenAt string `json:"given_at"`
}

func newAPIOpinionRequestDoc(rec *sqldb.OpinionRecord, now time.Time) apiOpinionRequestDoc {
	d := apiOpinionRequestDoc{ID: rec.Request.ID, CallID: rec.CallID, ApplicationID: rec.Request.ApplicationID,
		Country: rec.Country, EmbassyOrganisationID: rec.Request.EmbassyOrganisationID, EmbassyName: rec.EmbassyName,
		DueAt: apiTime(rec.Request.DueAt), Note: rec.Note, RequestedBy: rec.Request.RequestedBy,
		RequestedAt: apiTime(rec.Request.RequestedAt), State: string(rec.State(now))}
	if op := rec.Opinion; op != nil {
		d.Opinion = &apiOpinionDoc{Value: string(op.Value), Comment: op.Comment, GivenBy: op.AuthorID, GivenAt: apiTime(op.GivenAt)}
	}
	return d
}

func (s *Server) apiOpinionDocs(recs []sqldb.OpinionRecord) []apiOpinionRequestDoc {
	now := s.db.Now()
	out := make([]apiOpinionRequestDoc, 0, len(recs))
	for i := range recs {
		out = append(out, newAPIOpinionRequestDoc(&recs[i], now))
	}
	return out
}

// apiOpinionQuery reads state, page and per_page.
func apiOpinionQuery(r *http.Request) (coopdec.OpinionState, coopdec.Page, error) {
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	st, err := opinionStateFromQuery(q)
	if err != nil {
		errs = append(errs, asErrors(err)...)
	}
	return st, page, errs.Err()
}

func (s *Server) apiCallOpinionRequests(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRequestOpinion)
	if err != nil {
		s.error(w, r, err)
		return
	}
	st, page, err := apiOpinionQuery(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	recs, page, err := s.db.ListOpinionRequests(r.Context(), sqldb.OpinionFilter{CallID: c.ID, State: st}, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIPage(s.apiOpinionDocs(recs), page))
}

// apiOpinionRequestBody asks for opinions.
type apiOpinionRequestBody struct {
	ApplicationIDs []int64 `json:"application_ids"`
	DueAt          string  `json:"due_at"`
	Note           string  `json:"note"`
}

func (s *Server) apiCallOpinionRequestCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRequestOpinion)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body apiOpinionRequestBody
	if err := readJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	b := &sqldb.OpinionBatch{CallID: c.ID, ApplicationIDs: body.ApplicationIDs, Note: body.Note}
	if due := strings.TrimSpace(body.DueAt); due != "" {
		t, err := time.Parse(time.RFC3339, due)
		if err != nil {
			s.error(w, r, coopdec.FieldError("due_at", "opinion.api.due_at.invalid"))
			return
		}
		b.DueAt = t.UTC()
	}
	recs, err := s.requestOpinions(r, c, b)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newAPIList(s.apiOpinionDocs(recs)))
}

// apiOpinionRequests lists the requests to the caller's embassies, or
// every request for officers.
func (s *Server) apiOpinionRequests(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	f := sqldb.OpinionFilter{}
	if !coopdec.CanListAllOpinionRequests(u) {
		f.EmbassyIDs, f.Restrict = coopdec.EmbassiesOf(u), true
		if len(f.EmbassyIDs) == 0 {
			s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "opinion.embassy.forbidden"))
			return
		}
	}
	st, page, err := apiOpinionQuery(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f.State = st
	recs, page, err := s.db.ListOpinionRequests(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIPage(s.apiOpinionDocs(recs), page))
}

// apiSeenOpinionRequest loads the request of the path for those who may
// read it; anyone else is told it does not exist.
func (s *Server) apiSeenOpinionRequest(r *http.Request) (*sqldb.OpinionRecord, error) {
	id, err := apiPathID(r, "id", "opinion.request.not_found")
	if err != nil {
		return nil, err
	}
	rec, err := s.db.OpinionRequest(r.Context(), id)
	if err != nil {
		return nil, err
	}
	c, err := s.db.Call(r.Context(), rec.CallID)
	if err != nil {
		return nil, err
	}
	if !coopdec.CanSeeOpinionRequest(currentUser(r), c, rec.Request.EmbassyOrganisationID) {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "opinion.request.not_found")
	}
	return rec, nil
}

func (s *Server) apiOpinionRequest(w http.ResponseWriter, r *http.Request) {
	rec, err := s.apiSeenOpinionRequest(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIOpinionRequestDoc(rec, s.db.Now()))
}

// apiOpinionBody is an embassy's opinion.
type apiOpinionBody struct {
	Value   string `json:"value"`
	Comment string `json:"comment"`
}

func (s *Server) apiOpinionGive(w http.ResponseWriter, r *http.Request) {
	rec, err := s.apiSeenOpinionRequest(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body apiOpinionBody
	if err := readJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	op := &coopdec.EmbassyOpinion{Value: coopdec.OpinionValue(strings.TrimSpace(body.Value)), Comment: body.Comment}
	rec, err = s.db.GiveOpinion(r.Context(), currentUser(r), rec.Request.ID, op, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIOpinionRequestDoc(rec, s.db.Now()))
}

// apiApplicationOpinions lists the opinions asked on an application, for
// its call's managers; other readers of the application are refused.
func (s *Server) apiApplicationOpinions(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "application.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	a, c, err := s.application(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanRequestOpinion(currentUser(r), c) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	recs, err := s.db.ListOpinions(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIList(s.apiOpinionDocs(recs)))
}
