package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The API of label applications: what labels_pages.go does, for machine
// clients.

type apiLabelReference struct {
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Country   string   `json:"country"`
	Place     string   `json:"place"`
	FromYear  int      `json:"from_year"`
	ToYear    int      `json:"to_year"`
	Partners  string   `json:"partners"`
	Results   string   `json:"results"`
	Documents []string `json:"documents"`
}

type apiLabelCompetencies struct {
	Themes      []string `json:"themes"`
	Description string   `json:"description"`
	Methods     string   `json:"methods"`
}

// apiLabelConditions: dates are days, 2006-01-02; a period's open end is
// null (or left out, or empty when written).
type apiLabelConditions struct {
	Staff           string           `json:"staff"`
	Languages       []string         `json:"languages"`
	MinDurationDays int              `json:"min_duration_days"`
	MaxDurationDays int              `json:"max_duration_days"`
	SelfCovered     string           `json:"self_covered"`
	AvailableFrom   *string          `json:"available_from"`
	AvailableTo     *string          `json:"available_to"`
	Unavailable     []apiLabelWindow `json:"unavailable"`
}

// apiLabelWindow is a span of days when the authority's experts cannot
// leave, both ends included.
type apiLabelWindow struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func newAPILabelConditions(k coopdec.LabelConditions) apiLabelConditions {
	out := apiLabelConditions{Staff: k.Staff, Languages: orEmpty(k.Languages), MinDurationDays: k.MinDurationDays,
		MaxDurationDays: k.MaxDurationDays, SelfCovered: k.SelfCovered, AvailableFrom: apiLabelDayPtr(k.AvailableFrom),
		AvailableTo: apiLabelDayPtr(k.AvailableTo), Unavailable: []apiLabelWindow{}}
	for _, w := range k.Unavailable {
		out.Unavailable = append(out.Unavailable, apiLabelWindow{From: apiLabelDay(w.From), To: apiLabelDay(w.To)})
	}
	return out
}

// conditions reads the conditions; dates that do not read are errors
// added to errs.
func (in apiLabelConditions) conditions(errs *coopdec.Errors) coopdec.LabelConditions {
	k := coopdec.LabelConditions{Staff: in.Staff, Languages: in.Languages, MinDurationDays: in.MinDurationDays,
		MaxDurationDays: in.MaxDurationDays, SelfCovered: in.SelfCovered}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	k.AvailableFrom = readLabelDay(errs, "available_from", deref(in.AvailableFrom))
	k.AvailableTo = readLabelDay(errs, "available_to", deref(in.AvailableTo))
	for i, w := range in.Unavailable {
		k.Unavailable = append(k.Unavailable, coopdec.ExpertiseWindow{
			From: readLabelDay(errs, fmt.Sprintf("unav%d_from", i), w.From), To: readLabelDay(errs, fmt.Sprintf("unav%d_to", i), w.To)})
	}
	return k
}

func apiLabelDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func apiLabelDayPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	d := apiLabelDay(t)
	return &d
}

// apiLabelInput is what a client writes.
type apiLabelInput struct {
	OrganisationID int64                `json:"organisation_id"`
	Competencies   apiLabelCompetencies `json:"competencies"`
	References     []apiLabelReference  `json:"references"`
	Conditions     apiLabelConditions   `json:"conditions"`
}

// apiLabelDoc is a label application as the API shows it.
type apiLabelDoc struct {
	ID               int64                `json:"id"`
	OrganisationID   int64                `json:"organisation_id"`
	OrganisationName string               `json:"organisation_name"`
	RegionCode       string               `json:"region_code"`
	RenewsID         *int64               `json:"renews_id"`
	State            string               `json:"state"`
	Competencies     apiLabelCompetencies `json:"competencies"`
	References       []apiLabelReference  `json:"references"`
	Conditions       apiLabelConditions   `json:"conditions"`
	Number           *string              `json:"number"`
	Reason           string               `json:"reason"`
	CreatedAt        string               `json:"created_at"`
	UpdatedAt        string               `json:"updated_at"`
	SubmittedAt      *string              `json:"submitted_at"`
	DecidedAt        *string              `json:"decided_at"`
	GrantedAt        *string              `json:"granted_at"`
	ExpiresAt        *string              `json:"expires_at"`
}

// application reads what the client wrote; dates that do not read are
// field errors.
func (in apiLabelInput) application() (*coopdec.LabelApplication, error) {
	var errs coopdec.Errors
	a := &coopdec.LabelApplication{OrganisationID: in.OrganisationID,
		Competencies: coopdec.LabelCompetencies(in.Competencies), Conditions: in.Conditions.conditions(&errs)}
	for _, r := range in.References {
		a.References = append(a.References, coopdec.LabelReference{Title: r.Title, Kind: coopdec.ReferenceKind(r.Kind),
			Country: r.Country, Place: r.Place, FromYear: r.FromYear, ToYear: r.ToYear, Partners: r.Partners, Results: r.Results,
			Documents: r.Documents})
	}
	return a, errs.Err()
}

func newAPILabelDoc(rec *sqldb.LabelRecord) apiLabelDoc {
	d := apiLabelDoc{ID: rec.ID, OrganisationID: rec.OrganisationID, OrganisationName: rec.OrganisationName, RegionCode: rec.RegionCode,
		State: string(rec.State), Competencies: apiLabelCompetencies(rec.Competencies), Conditions: newAPILabelConditions(rec.Conditions),
		References: []apiLabelReference{}, Number: apiOptional(rec.Number), Reason: rec.Reason,
		CreatedAt: apiTime(rec.CreatedAt), UpdatedAt: apiTime(rec.UpdatedAt)}
	d.Competencies.Themes = orEmpty(d.Competencies.Themes)
	if rec.RenewsID != 0 {
		id := rec.RenewsID
		d.RenewsID = &id
	}
	for _, r := range rec.References {
		d.References = append(d.References, apiLabelReference{Title: r.Title, Kind: string(r.Kind), Country: r.Country, Place: r.Place,
			FromYear: r.FromYear, ToYear: r.ToYear, Partners: r.Partners, Results: r.Results, Documents: orEmpty(r.Documents)})
	}
	if !rec.SubmittedAt.IsZero() {
		d.SubmittedAt = apiTimePtr(&rec.SubmittedAt)
	}
	if !rec.DecidedAt.IsZero() {
		d.DecidedAt = apiTimePtr(&rec.DecidedAt)
	}
	if !rec.GrantedAt.IsZero() {
		d.GrantedAt = apiTimePtr(&rec.GrantedAt)
	}
	if !rec.ExpiresAt.IsZero() {
		d.ExpiresAt = apiTimePtr(&rec.ExpiresAt)
	}
	return d
}

func (s *Server) apiLabelList(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	st := coopdec.LabelState(q.Get("state"))
	if st != "" && !st.Valid() {
		errs = append(errs, coopdec.FieldError("state", "label.filter.state.invalid"))
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	var list []sqldb.LabelRecord
	switch {
	case coopdec.CanReviewLabels(u):
		var err error
		if list, page, err = s.db.ListLabelApplications(r.Context(), sqldb.LabelFilter{State: st}, page); err != nil {
			s.error(w, r, err)
			return
		}
	case len(coopdec.LabelAuthorities(u)) > 0:
		for _, m := range coopdec.LabelAuthorities(u) {
			own, err := s.db.LabelApplicationsOf(r.Context(), m.OrganisationID)
			if err != nil {
				s.error(w, r, err)
				return
			}
			for _, x := range own {
				if st == "" || x.State == st {
					list = append(list, x)
				}
			}
		}
		page.Total = len(list)
		list = list[min(page.Offset(), len(list)):min(page.Offset()+page.PerPage, len(list))]
	default:
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "label.forbidden.list"))
		return
	}
	docs := make([]apiLabelDoc, 0, len(list))
	for i := range list {
		docs = append(docs, newAPILabelDoc(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

func (s *Server) apiLabelCreate(w http.ResponseWriter, r *http.Request) {
	var in apiLabelInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	a, err := in.application()
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.CreateLabelApplication(r.Context(), currentUser(r), a, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	rec, err := s.db.LabelApplication(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newAPILabelDoc(rec))
}

func (s *Server) apiLabelGet(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPILabelDoc(rec))
}

func (s *Server) apiLabelUpdate(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiLabelInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	a, err := in.application()
	if err != nil {
		s.error(w, r, err)
		return
	}
	a.ID, a.OrganisationID = rec.ID, rec.OrganisationID
	if err := s.db.UpdateLabelApplication(r.Context(), currentUser(r), a); err != nil {
		s.error(w, r, err)
		return
	}
	if rec, err = s.db.LabelApplication(r.Context(), rec.ID); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPILabelDoc(rec))
}

func (s *Server) apiLabelSubmit(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if rec, err = s.db.SubmitLabelApplication(r.Context(), currentUser(r), rec.ID, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPILabelDoc(rec))
}

type apiLabelReviewInput struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

func (s *Server) apiLabelReview(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiLabelReviewInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	action := coopdec.LabelAction(in.Action)
	if action == coopdec.LabelActionRevoke || action == coopdec.LabelActionSubmit {
		s.error(w, r, coopdec.FieldError("action", "label.action.invalid"))
		return
	}
	if rec, err = s.reviewLabel(r, rec.ID, action, in.Reason); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPILabelDoc(rec))
}

type apiLabelRevocationInput struct {
	Reason string `json:"reason"`
}

func (s *Server) apiLabelRevoke(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiLabelRevocationInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	if rec, err = s.reviewLabel(r, rec.ID, coopdec.LabelActionRevoke, in.Reason); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPILabelDoc(rec))
}
