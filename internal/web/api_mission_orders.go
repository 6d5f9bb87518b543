package web

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The API of what follows a mission's selection: the allowance rate table,
// programmes' envelopes, the mission order and its approval, the report
// and the requester's evaluation (coopdec/mission_followup.go).

// missionFollowupRoutes registers the follow-up of missions; missionRoutes
// calls it.
func (s *Server) missionFollowupRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/allowance-rates", s.requireUser(s.apiAllowanceRates))
	mux.HandleFunc("POST /api/v1/allowance-rates", s.requireUser(s.apiAllowanceRateAdd))
	mux.HandleFunc("GET /api/v1/programmes/{id}/envelope", s.requireUser(s.apiProgrammeEnvelope))
	mux.HandleFunc("PUT /api/v1/programmes/{id}/envelope", s.requireUser(s.apiProgrammeEnvelopeSet))
	mux.HandleFunc("POST /api/v1/missions/{id}/order", s.requireUser(s.apiMissionOrderSave))
	mux.HandleFunc("POST /api/v1/missions/{id}/order/approval", s.requireUser(s.apiMissionOrderApprove))
	mux.HandleFunc("GET /api/v1/mission-reports", s.requireUser(s.apiMissionReports))
	mux.HandleFunc("POST /api/v1/missions/{id}/report", s.requireUser(s.apiMissionReportFile))
	mux.HandleFunc("POST /api/v1/missions/{id}/evaluation", s.requireUser(s.apiMissionEvaluate))
}

// apiAllowanceRateDoc is a line of the rate table.
type apiAllowanceRateDoc struct {
	ID         int64  `json:"id"`
	Country    string `json:"country"`
	DailyCents int64  `json:"daily_cents"`
	ValidFrom  string `json:"valid_from"`
}

func newAPIAllowanceRate(r sqldb.AllowanceRateRecord) apiAllowanceRateDoc {
	return apiAllowanceRateDoc{ID: r.ID, Country: r.Country, DailyCents: r.DailyCents, ValidFrom: r.ValidFrom.Format("2006-01-02")}
}

func (s *Server) apiAllowanceRates(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanSeeAllowanceRates(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	list, err := s.db.AllowanceRates(r.Context(), r.URL.Query().Get("country"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]apiAllowanceRateDoc, 0, len(list))
	for _, x := range list {
		out = append(out, newAPIAllowanceRate(x))
	}
	writeJSON(w, http.StatusOK, newAPIList(out))
}

func (s *Server) apiAllowanceRateAdd(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanKeepAllowanceRates(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var in struct {
		Country    string `json:"country"`
		DailyCents int64  `json:"daily_cents"`
		ValidFrom  string `json:"valid_from"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	rate := coopdec.AllowanceRate{Country: in.Country, DailyCents: in.DailyCents}
	if strings.TrimSpace(in.ValidFrom) != "" {
		d, ok := coopdec.MissionDate(in.ValidFrom)
		if !ok {
			s.error(w, r, coopdec.FieldError("valid_from", "mission.date.invalid"))
			return
		}
		rate.ValidFrom = d
	}
	if err := s.db.AddAllowanceRate(r.Context(), currentUser(r), &rate, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.AllowanceRates(r.Context(), rate.Country)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, x := range list {
		if x.ValidFrom.Equal(rate.ValidFrom) {
			writeJSON(w, http.StatusCreated, newAPIAllowanceRate(x))
			return
		}
	}
	s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found"))
}

// apiEnvelopeDoc is where a programme's envelope for mission orders
// stands.
type apiEnvelopeDoc struct {
	ProgrammeID    int64 `json:"programme_id"`
	AmountCents    int64 `json:"amount_cents"`
	CommittedCents int64 `json:"committed_cents"`
	RemainingCents int64 `json:"remaining_cents"`
}

func newAPIEnvelope(b coopdec.ProgrammeBalance) apiEnvelopeDoc {
	return apiEnvelopeDoc{ProgrammeID: b.ProgrammeID, AmountCents: b.AmountCents, CommittedCents: b.CommittedCents,
		RemainingCents: b.RemainingCents()}
}

func (s *Server) apiProgrammeEnvelope(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanSeeProgrammeEnvelope(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	id, err := apiPathID(r, "id", "mission_followup.envelope.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, err := s.db.ProgrammeBalance(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIEnvelope(b))
}

func (s *Server) apiProgrammeEnvelopeSet(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanSetProgrammeEnvelope(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	id, err := apiPathID(r, "id", "programme.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		AmountCents int64  `json:"amount_cents"`
		Reason      string `json:"reason"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	// Through the same change as the envelope's page, so that the API's
	// changes are in its history with their reason.
	if err := s.db.ChangeProgrammeEnvelope(r.Context(), currentUser(r), id, in.AmountCents, in.Reason, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	b, err := s.db.ProgrammeBalance(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIEnvelope(b))
}

// apiOrderExpert is an expert of a mission order.
type apiOrderExpert struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// apiMissionOrderDoc is a mission order.
type apiMissionOrderDoc struct {
	MissionID      int64            `json:"mission_id"`
	Start          string           `json:"start"`
	End            string           `json:"end"`
	Experts        []apiOrderExpert `json:"experts"`
	TravelCents    int64            `json:"travel_cents"`
	OtherCents     int64            `json:"other_cents"`
	DailyCents     int64            `json:"daily_cents"`
	AllowanceCents int64            `json:"allowance_cents"`
	TotalCents     int64            `json:"total_cents"`
	State          string           `json:"state"`
	ProgrammeID    *int64           `json:"programme_id"`
	ApprovedAt     *string          `json:"approved_at"`
}

func newAPIMissionOrder(o *coopdec.MissionOrder) apiMissionOrderDoc {
	d := apiMissionOrderDoc{MissionID: o.MissionID, Start: o.Start.Format("2006-01-02"), End: o.End.Format("2006-01-02"),
		Experts: []apiOrderExpert{}, TravelCents: o.TravelCents, OtherCents: o.OtherCents, DailyCents: o.DailyCents,
		AllowanceCents: o.AllowanceCents, TotalCents: o.TotalCents, State: string(o.State)}
	for _, x := range o.Experts {
		d.Experts = append(d.Experts, apiOrderExpert(x))
	}
	if o.ProgrammeID != 0 {
		id := o.ProgrammeID
		d.ProgrammeID = &id
	}
	if !o.ApprovedAt.IsZero() {
		d.ApprovedAt = apiTimePtr(&o.ApprovedAt)
	}
	return d
}

func (s *Server) apiMissionOrderSave(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		Start       string           `json:"start"`
		End         string           `json:"end"`
		Experts     []apiOrderExpert `json:"experts"`
		TravelCents int64            `json:"travel_cents"`
		OtherCents  int64            `json:"other_cents"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	o := &coopdec.MissionOrder{TravelCents: in.TravelCents, OtherCents: in.OtherCents}
	for _, x := range in.Experts {
		o.Experts = append(o.Experts, coopdec.OrderExpert(x))
	}
	var errs coopdec.Errors
	for _, f := range []struct {
		name, value string
		to          *coopdec.MissionOrder
	}{{"start", in.Start, o}, {"end", in.End, o}} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		d, ok := coopdec.MissionDate(f.value)
		switch {
		case !ok:
			errs = append(errs, coopdec.FieldError(f.name, "mission.date.invalid"))
		case f.name == "start":
			f.to.Start = d
		default:
			f.to.End = d
		}
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.SaveMissionOrder(r.Context(), v, rec.Request.ID, o, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIMissionOrder(o))
}

func (s *Server) apiMissionOrderApprove(w http.ResponseWriter, r *http.Request) {
	_, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		ProgrammeID int64 `json:"programme_id"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	o, err := s.db.ApproveMissionOrder(r.Context(), currentUser(r), rec.Request.ID, in.ProgrammeID, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIMissionOrder(o))
}

// apiMissionReportDoc is a report filed after a mission.
type apiMissionReportDoc struct {
	MissionID        int64  `json:"mission_id"`
	Country          string `json:"country"`
	OrganisationID   int64  `json:"organisation_id"`
	OrganisationName string `json:"organisation_name"`
	Findings         string `json:"findings"`
	Recommendations  string `json:"recommendations"`
	FollowUp         string `json:"follow_up"`
	FiledAt          string `json:"filed_at"`
}

func newAPIMissionReport(r *sqldb.MissionReportRecord) apiMissionReportDoc {
	return apiMissionReportDoc{MissionID: r.MissionID, Country: r.Country, OrganisationID: r.AuthorityID,
		OrganisationName: r.AuthorityName, Findings: r.Findings, Recommendations: r.Recommendations, FollowUp: r.FollowUp,
		FiledAt: apiTime(r.FiledAt)}
}

func (s *Server) apiMissionReports(w http.ResponseWriter, r *http.Request) {
	if ok, err := s.canSearchReports(r); err != nil || !ok {
		s.error(w, r, cmp.Or(err, error(coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))))
		return
	}
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	list, page, err := s.db.SearchMissionReports(r.Context(), sqldb.MissionReportFilter{Query: q.Get("q"), Country: q.Get("country")}, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]apiMissionReportDoc, 0, len(list))
	for i := range list {
		out = append(out, newAPIMissionReport(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIPage(out, page))
}

func (s *Server) apiMissionReportFile(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		Findings        string `json:"findings"`
		Recommendations string `json:"recommendations"`
		FollowUp        string `json:"follow_up"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	rep := &coopdec.MissionReport{Findings: in.Findings, Recommendations: in.Recommendations, FollowUp: in.FollowUp}
	if err := s.db.FileMissionReport(r.Context(), v, rec.Request.ID, rep, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	out, err := s.db.MissionReport(r.Context(), rec.Request.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newAPIMissionReport(out))
}

// apiMissionEvaluationDoc is the requester's evaluation of a mission.
type apiMissionEvaluationDoc struct {
	MissionID   int64  `json:"mission_id"`
	Rating      int    `json:"rating"`
	Comment     string `json:"comment"`
	EvaluatedAt string `json:"evaluated_at"`
}

func (s *Server) apiMissionEvaluate(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		Rating  int    `json:"rating"`
		Comment string `json:"comment"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	ev := &coopdec.MissionEvaluation{Rating: in.Rating, Comment: in.Comment}
	if err := s.db.EvaluateMission(r.Context(), v, rec.Request.ID, ev, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiMissionEvaluationDoc{MissionID: ev.MissionID, Rating: ev.Rating, Comment: ev.Comment,
		EvaluatedAt: apiTime(ev.EvaluatedAt)})
}
