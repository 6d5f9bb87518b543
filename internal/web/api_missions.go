package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The API of missions: what the mission pages do, for machine clients.

// apiMissionTermsIn are a request's or a proposal's terms as clients send
// them; dates are days, 2006-01-02.
type apiMissionTermsIn struct {
	Country               string   `json:"country"`
	Place                 string   `json:"place"`
	PartnerName           string   `json:"partner_name"`
	PartnerOrganisationID int64    `json:"partner_organisation_id"`
	Themes                []string `json:"themes"`
	Need                  string   `json:"need"`
	From                  string   `json:"from"`
	To                    string   `json:"to"`
	DurationDays          int      `json:"duration_days"`
	Languages             []string `json:"languages"`
	BudgetCents           int64    `json:"budget_cents"`
}

func (in apiMissionTermsIn) terms() (coopdec.MissionTerms, coopdec.Errors) {
	var errs coopdec.Errors
	t := coopdec.MissionTerms{Country: in.Country, Place: in.Place, PartnerName: in.PartnerName, PartnerOrgID: in.PartnerOrganisationID,
		Themes: in.Themes, Need: in.Need, DurationDays: in.DurationDays, Languages: in.Languages, BudgetCents: in.BudgetCents}
	for _, f := range []struct {
		name, value string
		to          *coopdec.MissionTerms
	}{{"from", in.From, &t}, {"to", in.To, &t}} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		d, ok := coopdec.MissionDate(f.value)
		if !ok {
			errs = append(errs, coopdec.FieldError(f.name, "mission.date.invalid"))
		} else if f.name == "from" {
			t.From = d
		} else {
			t.To = d
		}
	}
	return t, errs
}

// apiTermsErr is missionTermsErr for the API, whose budget field is
// budget_cents.
func apiTermsErr(t coopdec.MissionTerms, read coopdec.Errors, save func() error) error {
	if len(read) > 0 {
		out := append(coopdec.Errors{}, read...)
		for _, e := range asErrorsOrNil(t.Validate()) {
			if !slices.ContainsFunc(read, func(r *coopdec.Error) bool { return r.Field == e.Field }) {
				out = append(out, e)
			}
		}
		return out.Err()
	}
	return save()
}

// apiMissionTermsDoc are a request's or a proposal's terms.
type apiMissionTermsDoc struct {
	Country               string   `json:"country"`
	Place                 string   `json:"place"`
	PartnerName           string   `json:"partner_name"`
	PartnerOrganisationID *int64   `json:"partner_organisation_id"`
	Themes                []string `json:"themes"`
	Need                  string   `json:"need"`
	From                  string   `json:"from"`
	To                    string   `json:"to"`
	DurationDays          int      `json:"duration_days"`
	Languages             []string `json:"languages"`
	BudgetCents           int64    `json:"budget_cents"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func newAPIMissionTerms(t coopdec.MissionTerms) apiMissionTermsDoc {
	return apiMissionTermsDoc{Country: t.Country, Place: t.Place, PartnerName: t.PartnerName, PartnerOrganisationID: optionalID(t.PartnerOrgID),
		Themes: nonNil(t.Themes), Need: t.Need, From: t.From.Format("2006-01-02"), To: t.To.Format("2006-01-02"),
		DurationDays: t.DurationDays, Languages: nonNil(t.Languages), BudgetCents: t.BudgetCents}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// apiMissionDoc is a mission request; invitations and replies only on the
// request's own document, as far as the reader may see them.
type apiMissionDoc struct {
	ID int64 `json:"id"`
	apiMissionTermsDoc
	State                   string                  `json:"state"`
	CreatedBy               int64                   `json:"created_by"`
	EmbassyOrganisationID   *int64                  `json:"embassy_organisation_id"`
	AuthorityOrganisationID *int64                  `json:"authority_organisation_id"`
	SelectedReplyID         *int64                  `json:"selected_reply_id"`
	ProposalID              *int64                  `json:"proposal_id"`
	CreatedAt               string                  `json:"created_at"`
	UpdatedAt               string                  `json:"updated_at"`
	Cancellation            *apiMissionCancellation `json:"cancellation,omitempty"`
	Invitations             []apiMissionInvitation  `json:"invitations,omitempty"`
	Replies                 []apiMissionReplyDoc    `json:"replies,omitempty"`
}

// apiMissionCancellation says why and when a request was cancelled.
type apiMissionCancellation struct {
	Reason      string `json:"reason"`
	CancelledAt string `json:"cancelled_at"`
}

type apiMissionInvitation struct {
	OrganisationID   int64  `json:"organisation_id"`
	OrganisationName string `json:"organisation_name"`
	InvitedAt        string `json:"invited_at"`
}

type apiMissionReplyDoc struct {
	ID               int64                   `json:"id"`
	OrganisationID   int64                   `json:"organisation_id"`
	OrganisationName string                  `json:"organisation_name"`
	Interested       bool                    `json:"interested"`
	Experts          []coopdec.MissionExpert `json:"experts"`
	Comment          string                  `json:"comment"`
	RepliedAt        string                  `json:"replied_at"`
}

func newAPIMission(m *coopdec.MissionRequest) apiMissionDoc {
	return apiMissionDoc{ID: m.ID, apiMissionTermsDoc: newAPIMissionTerms(m.MissionTerms), State: string(m.State), CreatedBy: m.CreatedBy,
		EmbassyOrganisationID: optionalID(m.EmbassyID), AuthorityOrganisationID: optionalID(m.AuthorityID),
		SelectedReplyID: optionalID(m.SelectedReplyID), ProposalID: optionalID(m.ProposalID),
		CreatedAt: apiTime(m.CreatedAt), UpdatedAt: apiTime(m.UpdatedAt)}
}

func newAPIReply(r sqldb.MissionReplyRecord) apiMissionReplyDoc {
	experts := r.Experts
	if experts == nil {
		experts = []coopdec.MissionExpert{}
	}
	for i := range experts {
		if experts[i].Languages == nil {
			experts[i].Languages = []string{}
		}
	}
	return apiMissionReplyDoc{ID: r.ID, OrganisationID: r.AuthorityID, OrganisationName: r.AuthorityName, Interested: r.Interested,
		Experts: experts, Comment: r.Comment, RepliedAt: apiTime(r.RepliedAt)}
}

// newAPIMissionFull is a request with what v may see of its invitations
// and replies.
func newAPIMissionFull(v coopdec.MissionViewer, rec *sqldb.MissionRecord) apiMissionDoc {
	d := newAPIMission(&rec.Request)
	all := coopdec.CanSeeMissionReplies(v, &rec.Request)
	mine := coopdec.AuthoritiesOf(v.User)
	d.Invitations, d.Replies = []apiMissionInvitation{}, []apiMissionReplyDoc{}
	for _, inv := range rec.Invitations {
		if all || slices.Contains(mine, inv.AuthorityID) {
			d.Invitations = append(d.Invitations, apiMissionInvitation{OrganisationID: inv.AuthorityID,
				OrganisationName: inv.AuthorityName, InvitedAt: apiTime(inv.InvitedAt)})
		}
	}
	for _, rr := range rec.Replies {
		if all || slices.Contains(mine, rr.AuthorityID) {
			d.Replies = append(d.Replies, newAPIReply(rr))
		}
	}
	return d
}

func (s *Server) apiMissionList(w http.ResponseWriter, r *http.Request) {
	v, err := s.missionViewer(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	country, st, theme, ferr := missionFilterForm(q)
	if ferr != nil {
		errs = append(errs, asErrors(ferr)...)
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	f := sqldb.MissionFilterFor(v)
	f.Country, f.State, f.Theme = country, st, theme
	list, page, err := s.db.ListMissionRequests(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]apiMissionDoc, 0, len(list))
	for i := range list {
		out = append(out, newAPIMission(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIPage(out, page))
}

func (s *Server) apiMissionCreate(w http.ResponseWriter, r *http.Request) {
	v, err := s.missionViewer(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanListMissionRequests(v) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.list.forbidden"))
		return
	}
	var in apiMissionTermsIn
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	t, read := in.terms()
	m := &coopdec.MissionRequest{MissionTerms: t}
	if err := apiTermsErr(t, read, func() error { return s.db.CreateMissionRequest(r.Context(), v, m, actor(r)) }); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/missions/"+strconv.FormatInt(m.ID, 10))
	writeJSON(w, http.StatusCreated, newAPIMission(m))
}

func (s *Server) apiMission(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.apiMissionWithCancellation(r, v, rec)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiMissionWithCancellation is newAPIMissionFull with, for a cancelled
// request, why it was cancelled.
func (s *Server) apiMissionWithCancellation(r *http.Request, v coopdec.MissionViewer, rec *sqldb.MissionRecord) (apiMissionDoc, error) {
	d := newAPIMissionFull(v, rec)
	if rec.Request.State != coopdec.MissionCancelled {
		return d, nil
	}
	c, err := s.db.MissionCancellation(r.Context(), rec.Request.ID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	d.Cancellation = &apiMissionCancellation{Reason: c.Reason, CancelledAt: apiTime(c.At)}
	return d, nil
}

func (s *Server) apiMissionCancel(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.CancelMissionRequest(r.Context(), s.jobs, v, rec.Request.ID, in.Reason, actor(r), s.missionCancelMails()); err != nil {
		s.error(w, r, err)
		return
	}
	cur, err := s.db.MissionRequest(r.Context(), rec.Request.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.apiMissionWithCancellation(r, v, cur)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiMissionInvite(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		OrganisationIDs []int64 `json:"organisation_ids"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	invited, err := s.db.InviteToMission(r.Context(), s.jobs, v, rec.Request.ID, in.OrganisationIDs, actor(r), s.missionInviteMails())
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]apiMissionInvitation, 0, len(invited))
	now := apiTime(s.db.Now())
	for _, o := range invited {
		out = append(out, apiMissionInvitation{OrganisationID: o.ID, OrganisationName: o.Name, InvitedAt: now})
	}
	writeJSON(w, http.StatusCreated, newAPIList(out))
}

func (s *Server) apiMissionReply(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		OrganisationID int64                   `json:"organisation_id"`
		Interested     bool                    `json:"interested"`
		Experts        []coopdec.MissionExpert `json:"experts"`
		Comment        string                  `json:"comment"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	rep := &coopdec.MissionReply{Interested: in.Interested, Experts: in.Experts, Comment: in.Comment}
	if err := s.db.ReplyToMission(r.Context(), s.jobs, v, rec.Request.ID, in.OrganisationID, rep, actor(r), s.missionReplyMails()); err != nil {
		s.error(w, r, err)
		return
	}
	name := ""
	if m, ok := v.User.Membership(in.OrganisationID); ok {
		name = m.OrganisationName
	}
	writeJSON(w, http.StatusCreated, newAPIReply(sqldb.MissionReplyRecord{MissionReply: *rep, AuthorityName: name}))
}

func (s *Server) apiMissionSelect(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		ReplyID int64 `json:"reply_id"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.SelectMissionReply(r.Context(), v, rec.Request.ID, in.ReplyID, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	cur, err := s.db.MissionRequest(r.Context(), rec.Request.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIMissionFull(v, cur))
}

// apiProposalDoc is a mission proposal.
type apiProposalDoc struct {
	ID               int64  `json:"id"`
	OrganisationID   int64  `json:"organisation_id"`
	OrganisationName string `json:"organisation_name"`
	apiMissionTermsDoc
	State      string  `json:"state"`
	Reason     string  `json:"reason"`
	ProposedBy int64   `json:"proposed_by"`
	ProposedAt string  `json:"proposed_at"`
	ReviewedAt *string `json:"reviewed_at"`
	RequestID  *int64  `json:"request_id"`
}

func newAPIProposal(p *sqldb.ProposalRecord) apiProposalDoc {
	d := apiProposalDoc{ID: p.ID, OrganisationID: p.AuthorityID, OrganisationName: p.AuthorityName,
		apiMissionTermsDoc: newAPIMissionTerms(p.MissionTerms), State: string(p.State), Reason: p.Reason, ProposedBy: p.ProposedBy,
		ProposedAt: apiTime(p.ProposedAt), RequestID: optionalID(p.RequestID)}
	if !p.ReviewedAt.IsZero() {
		d.ReviewedAt = apiTimePtr(&p.ReviewedAt)
	}
	return d
}

func (s *Server) apiProposalList(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	st := coopdec.ProposalState(strings.TrimSpace(q.Get("state")))
	if st != "" && !st.Valid() {
		errs = append(errs, coopdec.FieldError("state", "mission.filter.state.invalid"))
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	f := sqldb.ProposalFilter{State: st, All: coopdec.CanReviewMissionProposal(u), AuthorityIDs: coopdec.AuthoritiesOf(u)}
	list, page, err := s.db.ListMissionProposals(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]apiProposalDoc, 0, len(list))
	for i := range list {
		out = append(out, newAPIProposal(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIPage(out, page))
}

func (s *Server) apiProposalCreate(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if len(coopdec.AuthoritiesOf(u)) == 0 {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.authority.forbidden"))
		return
	}
	var in struct {
		OrganisationID int64 `json:"organisation_id"`
		apiMissionTermsIn
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	t, read := in.terms()
	p := &coopdec.MissionProposal{AuthorityID: in.OrganisationID, MissionTerms: t}
	if err := apiTermsErr(t, read, func() error { return s.db.ProposeMission(r.Context(), u, p, actor(r)) }); err != nil {
		s.error(w, r, err)
		return
	}
	rec, err := s.db.MissionProposal(r.Context(), p.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/mission-proposals")
	writeJSON(w, http.StatusCreated, newAPIProposal(rec))
}

func (s *Server) apiProposalReview(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if !coopdec.CanReviewMissionProposal(u) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	id, err := apiPathID(r, "id", "mission.proposal.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	if in.Decision != "accept" && in.Decision != "decline" {
		s.error(w, r, coopdec.FieldError("decision", "mission.proposal.decision.required"))
		return
	}
	p, err := s.db.ReviewMissionProposal(r.Context(), u, id, in.Decision == "accept", in.Reason, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIProposal(p))
}
