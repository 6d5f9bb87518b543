package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The local authorities' side of missions: the requests their authority
// is invited to, the reply form, their proposals; and the officers' review
// of proposals.

// missionExpertRows is how many experts the reply form offers without
// JavaScript.
const missionExpertRows = 5

// authorityMissionsData is what an authority's page of missions shows.
type authorityMissionsData struct {
	refData
	Rows      []missionRow
	Pager     *pager
	Proposals []proposalRow
	More      bool
	CanReply  bool
	// CanSearchReports links to the search of mission reports, open to
	// the members of a labelled authority.
	CanSearchReports bool
}

// proposalRow is a proposal as lists show it.
type proposalRow struct {
	sqldb.ProposalRecord
	Country string
	Themes  string
	Window  string
	Budget  string
	At      instant
}

func (s *Server) proposalRowOf(lang string, p sqldb.ProposalRecord) proposalRow {
	return proposalRow{ProposalRecord: p, Country: coopdec.Country{Code: p.Country}.Name(lang), Themes: s.themeNames(lang, p.Themes),
		Window: missionWindow(p.MissionTerms), Budget: coopdec.FormatEuroCents(lang, p.BudgetCents), At: newInstant(p.ProposedAt)}
}

// authorityMissionsLatest bounds the proposals the page lists.
const authorityMissionsLatest = 50

func (s *Server) authorityMissions(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	mine := coopdec.AuthoritiesOf(u)
	if len(mine) == 0 {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.authority.forbidden"))
		return
	}
	ctx := r.Context()
	lang := info(r).lang
	list, page, err := s.db.ListMissionRequests(ctx, sqldb.MissionFilter{AuthorityIDs: mine}, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &authorityMissionsData{refData: refData{lang}}
	for i := range list {
		row := s.missionRowOf(lang, &list[i])
		rec, err := s.db.MissionRequest(ctx, list[i].ID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		for _, inv := range rec.Invitations {
			if slices.Contains(mine, inv.AuthorityID) && rec.Reply(inv.AuthorityID) == nil && !list[i].State.Closed() {
				row.CanReply = true
			}
		}
		row.Authority = rec.AuthorityName
		d.Rows = append(d.Rows, row)
	}
	props, ppage, err := s.db.ListMissionProposals(ctx, sqldb.ProposalFilter{AuthorityIDs: mine}, coopdec.NewPage(1, authorityMissionsLatest))
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, p := range props {
		d.Proposals = append(d.Proposals, s.proposalRowOf(lang, p))
	}
	d.Pager, d.More = newPager(r, page), ppage.Total > len(props)
	if d.CanSearchReports, err = s.canSearchReports(r); err != nil {
		s.error(w, r, err)
		return
	}
	view := s.newView(r, "mission.authority.title", d)
	if r.URL.Query().Get("ok") == "proposed" {
		view.Flash = view.T("mission.flash.proposed")
	}
	s.render(w, r, http.StatusOK, "mission_authority", view)
}

// missionReplyData is what the reply form shows.
type missionReplyData struct {
	refData
	Row         missionRow
	Need        string
	Languages   string
	Authorities []sqldb.MissionInvitationRecord // the reader's invited authorities that have not replied
	Rows        []int
}

// replyingFor loads the request of the path for a member of an invited
// authority, with the authorities they may still reply for.
func (s *Server) replyingFor(r *http.Request) (coopdec.MissionViewer, *sqldb.MissionRecord, []sqldb.MissionInvitationRecord, error) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		return v, nil, nil, err
	}
	mine := coopdec.AuthoritiesOf(v.User)
	var open []sqldb.MissionInvitationRecord
	for _, inv := range rec.Invitations {
		if slices.Contains(mine, inv.AuthorityID) && rec.Reply(inv.AuthorityID) == nil {
			open = append(open, inv)
		}
	}
	if len(open) == 0 {
		if len(mine) == 0 {
			return v, nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.reply.not_member")
		}
		return v, nil, nil, coopdec.Errorf(coopdec.ECONFLICT, "mission.reply.nothing")
	}
	if rec.Request.State.Closed() {
		return v, nil, nil, coopdec.Errorf(coopdec.ECONFLICT, "mission.closed")
	}
	return v, rec, open, nil
}

func (s *Server) missionReplyView(r *http.Request, rec *sqldb.MissionRecord, open []sqldb.MissionInvitationRecord, form url.Values) *view {
	lang := info(r).lang
	d := &missionReplyData{refData: refData{lang}, Row: s.missionRowOf(lang, &rec.Request), Need: rec.Request.Need,
		Languages: strings.Join(rec.Request.Languages, ", "), Authorities: open}
	for i := 1; i <= missionExpertRows; i++ {
		d.Rows = append(d.Rows, i)
	}
	v := s.newView(r, "mission.reply.title", d)
	v.Form = form
	return v
}

func (s *Server) missionReplyForm(w http.ResponseWriter, r *http.Request) {
	_, rec, open, err := s.replyingFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	form := url.Values{"organisation_id": {strconv.FormatInt(open[0].AuthorityID, 10)}}
	s.render(w, r, http.StatusOK, "mission_reply", s.missionReplyView(r, rec, open, form))
}

// replyForm reads a reply from the form's fixed rows of experts.
func replyForm(form url.Values) (int64, *coopdec.MissionReply, error) {
	authority, err := strconv.ParseInt(form.Get("organisation_id"), 10, 64)
	if err != nil {
		return 0, nil, coopdec.FieldError("organisation_id", "mission.reply.not_member")
	}
	rep := &coopdec.MissionReply{Comment: form.Get("comment")}
	switch form.Get("interested") {
	case "yes":
		rep.Interested = true
	case "no":
	default:
		return authority, nil, coopdec.FieldError("interested", "mission.reply.interested.required")
	}
	for i := 1; i <= missionExpertRows; i++ {
		n := strconv.Itoa(i)
		rep.Experts = append(rep.Experts, coopdec.MissionExpert{Name: form.Get("expert_name_" + n), Role: form.Get("expert_role_" + n),
			Languages: splitCodes(form.Get("expert_languages_" + n)), Availability: form.Get("expert_availability_" + n)})
	}
	return authority, rep, nil
}

func (s *Server) missionReply(w http.ResponseWriter, r *http.Request) {
	v, rec, open, err := s.replyingFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	authority, rep, err := replyForm(r.PostForm)
	if err == nil {
		err = s.db.ReplyToMission(r.Context(), s.jobs, v, rec.Request.ID, authority, rep, actor(r), s.missionReplyMails())
	}
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/missions/%d?ok=replied", rec.Request.ID), http.StatusSeeOther)
		return
	case coopdec.EINVALID:
	default:
		s.error(w, r, err)
		return
	}
	view := s.missionReplyView(r, rec, open, r.PostForm)
	view.addError(err)
	s.render(w, r, http.StatusUnprocessableEntity, "mission_reply", view)
}

func (s *Server) proposalFormView(r *http.Request, form url.Values) *view {
	v := s.missionFormView(r, "mission.propose.title", "/missions/proposer", form)
	d := v.Data.(*missionFormData)
	d.Proposal = true
	for _, m := range currentUser(r).Memberships {
		if m.OrganisationKind == coopdec.OrgFrenchAuthority {
			d.Authorities = append(d.Authorities, m)
		}
	}
	return v
}

func (s *Server) proposalForm(w http.ResponseWriter, r *http.Request) {
	mine := coopdec.AuthoritiesOf(currentUser(r))
	if len(mine) == 0 {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.authority.forbidden"))
		return
	}
	form := url.Values{"organisation_id": {strconv.FormatInt(mine[0], 10)}}
	s.render(w, r, http.StatusOK, "mission_propose", s.proposalFormView(r, form))
}

func (s *Server) proposalCreate(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if len(coopdec.AuthoritiesOf(u)) == 0 {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "mission.authority.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	terms, read := missionTermsForm(r.PostForm)
	authority, perr := strconv.ParseInt(r.PostForm.Get("organisation_id"), 10, 64)
	if perr != nil {
		read = append(coopdec.Errors{coopdec.FieldError("organisation_id", "mission.proposal.not_member")}, read...)
	}
	p := &coopdec.MissionProposal{AuthorityID: authority, MissionTerms: terms}
	err := missionTermsErr(terms, read, func() error { return s.db.ProposeMission(r.Context(), u, p, actor(r)) })
	if err == nil {
		http.Redirect(w, r, "/collectivite/missions?ok=proposed", http.StatusSeeOther)
		return
	}
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	view := s.proposalFormView(r, r.PostForm)
	view.addError(err)
	s.render(w, r, http.StatusUnprocessableEntity, "mission_propose", view)
}

// proposalListData is what the officers' review of proposals shows.
type proposalListData struct {
	refData
	Rows   []proposalRow
	Pager  *pager
	States []coopdec.ProposalState
	State  coopdec.ProposalState
	Failed int64 // the proposal whose review failed, to show its errors
	Valid  bool
}

func (s *Server) proposalListView(r *http.Request, form url.Values, failed int64) (*view, int, error) {
	lang := info(r).lang
	q := r.URL.Query()
	d := &proposalListData{refData: refData{lang}, States: coopdec.ProposalStates, Failed: failed}
	view := s.newView(r, "mission.proposals.title", d)
	view.Form = form
	st := coopdec.ProposalState(strings.TrimSpace(q.Get("state")))
	if q.Get("state") == "" && !q.Has("state") {
		st = coopdec.ProposalPending
	}
	if st != "" && !st.Valid() {
		view.addError(coopdec.FieldError("state", "mission.filter.state.invalid"))
		return view, http.StatusUnprocessableEntity, nil
	}
	d.State = st
	list, page, err := s.db.ListMissionProposals(r.Context(), sqldb.ProposalFilter{All: true, State: st}, pageParam(r))
	if err != nil {
		return nil, 0, err
	}
	for _, p := range list {
		d.Rows = append(d.Rows, s.proposalRowOf(lang, p))
	}
	d.Pager, d.Valid = newPager(r, page), true
	return view, http.StatusOK, nil
}

func (s *Server) proposalList(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanReviewMissionProposal(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	view, status, err := s.proposalListView(r, url.Values{}, 0)
	if err != nil {
		s.error(w, r, err)
		return
	}
	switch r.URL.Query().Get("ok") {
	case "accepted", "declined":
		view.Flash = view.T("mission.flash.proposal_" + r.URL.Query().Get("ok"))
	}
	s.render(w, r, status, "mission_proposals", view)
}

func (s *Server) proposalReview(w http.ResponseWriter, r *http.Request) {
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
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	var p *sqldb.ProposalRecord
	switch r.PostForm.Get("decision") {
	case "accept":
		p, err = s.db.ReviewMissionProposal(r.Context(), u, id, true, r.PostForm.Get("reason"), actor(r))
	case "decline":
		p, err = s.db.ReviewMissionProposal(r.Context(), u, id, false, r.PostForm.Get("reason"), actor(r))
	default:
		err = coopdec.FieldError(fmt.Sprintf("decision-%d", id), "mission.proposal.decision.required")
	}
	code := coopdec.ErrorCode(err)
	switch {
	case err == nil && p.State == coopdec.ProposalAccepted:
		http.Redirect(w, r, fmt.Sprintf("/missions/%d?ok=created", p.RequestID), http.StatusSeeOther)
		return
	case err == nil:
		http.Redirect(w, r, "/missions/propositions?ok=declined", http.StatusSeeOther)
		return
	case code != coopdec.EINVALID && code != coopdec.ECONFLICT:
		s.error(w, r, err)
		return
	}
	// The reason field of this proposal's row carries the error.
	for _, e := range asErrors(err) {
		if e.Field == "reason" {
			e.Field = fmt.Sprintf("reason-%d", id)
		}
	}
	view, _, verr := s.proposalListView(r, r.PostForm, id)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	view.addError(err)
	s.render(w, r, statusOf(code), "mission_proposals", view)
}
