package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
)

// committeePageData is what the committee page shows.
type committeePageData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Nav           callNav
	Criteria      []string // titles in the reader's language, in the grid's order
	Funders       []string // names, in the call's order
	Rows          []committeeRow
	Main, Reserve []committeeRow
	Rejected      []committeeRow
	MainTotal     string
	Envelopes     []envelopeRow
	LineError     string
	Missing       []committeeRow // admissible applications without a consensus
	Sessions      []sessionRow
	Decision      *decisionSummary
	Rejections    []rejectionRow
	CanSend       bool   // the decision may be sent now
	Resubmit      bool   // sending sends the next version
	Blocked       string // why the decision cannot be sent
	Open          bool   // adjustments are possible
	AdjustID      int64  // the application whose adjustment form failed
}

// committeeRow is one application on the ranking and the funding line.
type committeeRow struct {
	Rank             int
	ID               int64
	Number           string
	Title, TitleLang string
	Lead             string
	Score            string // weighted average on 5, or "" without consensus
	Scores           []string
	Admissible       bool
	NoConsensus      bool
	Fundable         bool
	List             string
	Reason           string
	Requested        string
	Granted          string
	Shares           []string
	Adjusted         bool
	Justification    string
	GrantedInput     string // the adjustment form's default
}

// envelopeRow is one funder's envelope.
type envelopeRow struct {
	Funder, Envelope, Committed, Remaining, Line, After string
}

// sessionRow is a committee session as lists show it.
type sessionRow struct {
	ID           int64
	HeldAt       instant
	Participants int
	Minutes      int // characters
}

// decisionSummary is the call's latest decision.
type decisionSummary struct {
	ID      int64
	Version int
	Status  string
}

// rejectionRow is a party's rejection of the latest version.
type rejectionRow struct {
	Party, User, Comment string
	At                   instant
}

func (s *Server) committeePage(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderCommittee(w, r, c, http.StatusOK, nil, 0)
}

// renderCommittee shows c's committee page with status; fail, when not
// nil, is the error of the form posted (on the adjustment of adjustID).
func (s *Server) renderCommittee(w http.ResponseWriter, r *http.Request, c *coopdec.Call, status int, fail error, adjustID int64) {
	st, err := s.loadCommittee(r.Context(), c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	d := s.committeeData(r, st, lang)
	d.AdjustID = adjustID
	sessions, err := s.db.ListCommitteeSessions(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, se := range sessions {
		d.Sessions = append(d.Sessions, sessionRow{ID: se.ID, HeldAt: newInstant(se.HeldAt),
			Participants: len(se.Participants), Minutes: utf8.RuneCountInString(se.Minutes)})
	}
	v := s.newView(r, "committee.ui.title", d)
	if fail != nil {
		v.addError(fail)
		v.Form = r.PostForm
	}
	if ok := r.URL.Query().Get("ok"); ok != "" && fail == nil {
		switch ok {
		case "adjustment", "session":
			v.Flash = v.T("committee.ui.flash." + ok)
		}
	}
	s.render(w, r, status, "committee_line", v)
}

// committeeData builds the committee page's data from st in lang.
func (s *Server) committeeData(r *http.Request, st *committeeState, lang string) *committeePageData {
	c := st.Call
	t := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	d := &committeePageData{Call: c, Nav: newCallNav(r, c, navCommittee)}
	text, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = text.Title, tl
	for _, cr := range st.Grid.Criteria {
		d.Criteria = append(d.Criteria, cr.Text(lang).Title)
	}
	for _, f := range c.Funders {
		d.Funders = append(d.Funders, st.orgName(f.OrganisationID))
	}
	if st.Decision != nil {
		d.Decision = &decisionSummary{ID: st.Decision.ID, Version: st.Decision.Version, Status: string(st.DecisionStatus)}
		if st.DecisionStatus == coopdec.DecisionRejected {
			for _, a := range coopdec.RejectionsOf(st.Approvals, st.Decision.Version) {
				row := rejectionRow{Party: st.partyName(a.Party, t), Comment: a.Comment, At: newInstant(a.At)}
				if u, err := s.db.UserByID(r.Context(), a.UserID); err == nil {
					row.User = u.Name
				}
				d.Rejections = append(d.Rejections, row)
			}
		}
	}
	d.Open = coopdec.CheckCommitteeOpen(st.DecisionStatus) == nil
	if st.LineErr != nil {
		key, args := coopdec.ErrorKey(st.LineErr)
		d.LineError = t(key, localizeArgs(lang, key, args, t)...)
		d.Blocked = d.LineError
		return d
	}
	current := coopdec.CurrentAdjustments(st.Adjustments)
	for i := range st.Line.Entries {
		e := &st.Line.Entries[i]
		row := committeeLineRow(st, e, lang, t)
		if adj, ok := current[e.ApplicationID]; ok {
			row.Justification = adj.Justification
		}
		d.Rows = append(d.Rows, row)
		switch e.List {
		case coopdec.ListMain:
			d.Main = append(d.Main, row)
		case coopdec.ListReserve:
			d.Reserve = append(d.Reserve, row)
		default:
			d.Rejected = append(d.Rejected, row)
		}
		if row.NoConsensus {
			d.Missing = append(d.Missing, row)
		}
	}
	d.MainTotal = coopdec.FormatEuroCents(lang, st.Line.MainCents)
	for i, b := range st.Balances {
		var line int64
		for _, e := range st.Line.Entries {
			if e.List == coopdec.ListMain {
				line += e.Shares[i].AmountCents
			}
		}
		d.Envelopes = append(d.Envelopes, envelopeRow{Funder: st.orgName(b.FunderOrganisationID),
			Envelope: coopdec.FormatEuroCents(lang, b.AmountCents), Committed: coopdec.FormatEuroCents(lang, b.NetCommittedCents()),
			Remaining: coopdec.FormatEuroCents(lang, b.RemainingCents), Line: coopdec.FormatEuroCents(lang, line),
			After: coopdec.FormatEuroCents(lang, st.Line.Remaining[i])})
	}
	if err := coopdec.CheckSendDecision(currentUser(r), c, st.Line, st.DecisionStatus); err != nil {
		key, args := coopdec.ErrorKey(err)
		d.Blocked = t(key, localizeArgs(lang, key, args, t)...)
	} else {
		d.CanSend = true
		d.Resubmit = st.DecisionStatus == coopdec.DecisionRejected
	}
	return d
}

// committeeLineRow writes a line entry for the reader.
func committeeLineRow(st *committeeState, e *coopdec.LineEntry, lang string, t func(string, ...any) string) committeeRow {
	row := committeeRow{Rank: e.Rank, ID: e.ApplicationID, Number: e.Reference, Admissible: e.Admissible,
		Fundable: e.Fundable, List: string(e.List), Adjusted: e.Adjusted,
		NoConsensus: e.Admissible && !e.Assessment.Complete,
		Requested:   coopdec.FormatEuroCents(lang, e.RequestedCents)}
	if ca := st.Applications[e.ApplicationID]; ca != nil {
		row.Title, row.TitleLang = applicationTitleIn(&ca.Application, lang)
		row.Lead = ca.LeadName
	}
	if e.Assessment.Complete {
		row.Score = coopdec.FormatHundredths(lang, st.Grid.Hundredths(e.Assessment.Total))
	}
	for _, cr := range st.Grid.Criteria {
		sc := "—"
		for _, x := range e.Consensus {
			if x.Criterion == cr.Code {
				sc = coopdec.FormatScore(lang, x.Score)
			}
		}
		row.Scores = append(row.Scores, sc)
	}
	row.Reason = t(e.Key, e.MessageArgs(lang, st.Grid, st.orgName)...)
	if e.GrantedCents > 0 {
		row.Granted = coopdec.FormatEuroCents(lang, e.GrantedCents)
		row.GrantedInput = formatCentsInput(e.GrantedCents)
		for _, sh := range e.Shares {
			row.Shares = append(row.Shares, coopdec.FormatEuroCents(lang, sh.AmountCents))
		}
	}
	return row
}

// committeeAdjust records the committee's adjustment of one application's
// amount, with its justification.
func (s *Server) committeeAdjust(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	appID, err := strconv.ParseInt(r.PostForm.Get("application_id"), 10, 64)
	if err != nil || appID < 1 {
		s.renderCommittee(w, r, c, http.StatusUnprocessableEntity, coopdec.FieldError("application_id", "committee.adjustment.unknown"), 0)
		return
	}
	adj := &coopdec.Adjustment{ApplicationID: appID, Justification: r.PostForm.Get("justification")}
	cents, ok, perr := parseEuroCents("granted_cents", r.PostForm.Get("granted"))
	switch {
	case perr != nil:
		s.renderCommittee(w, r, c, http.StatusUnprocessableEntity, perr, appID)
		return
	case !ok:
		s.renderCommittee(w, r, c, http.StatusUnprocessableEntity, coopdec.FieldError("granted_cents", "committee.adjustment.amount.positive"), appID)
		return
	}
	adj.GrantedCents = cents
	err = s.db.AddAdjustment(r.Context(), currentUser(r), c.ID, adj, actor(r))
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/appels/%d/comite?ok=adjustment#line", c.ID), http.StatusSeeOther)
	case coopdec.EINVALID, coopdec.ECONFLICT:
		s.renderCommittee(w, r, c, statusOf(coopdec.ErrorCode(err)), err, appID)
	default:
		s.error(w, r, err)
	}
}

// committeeDecision sends the funding line to the parties: the call's
// first decision, or the next version of the decision a party rejected.
func (s *Server) committeeDecision(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	var session int64
	if v := strings.TrimSpace(r.PostForm.Get("session_id")); v != "" {
		if session, err = strconv.ParseInt(v, 10, 64); err != nil || session < 1 {
			s.renderCommittee(w, r, c, http.StatusUnprocessableEntity, coopdec.FieldError("session_id", "committee.session.not_found"), 0)
			return
		}
	}
	d, err := s.db.SendDecision(r.Context(), currentUser(r), c.ID, session, actor(r))
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/decisions/%d", d.ID), http.StatusSeeOther)
	case coopdec.EINVALID, coopdec.ECONFLICT, coopdec.ENOTFOUND:
		s.renderCommittee(w, r, c, statusOf(coopdec.ErrorCode(err)), err, 0)
	default:
		s.error(w, r, err)
	}
}
