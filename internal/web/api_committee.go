package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// The committee through the API: consensus, funding line, adjustments,
// sessions and the decision sent to the parties, under the same rules as
// the pages.

type apiScore struct {
	Criterion string  `json:"criterion"`
	Score     float64 `json:"score"` // points on 0–5, by half points
	Comment   string  `json:"comment"`
}

type apiConsensusDoc struct {
	ApplicationID int64      `json:"application_id"`
	Scores        []apiScore `json:"scores"`
	Comment       string     `json:"comment"`
	Language      string     `json:"language"`
	RecordedBy    int64      `json:"recorded_by"`
	RecordedAt    time.Time  `json:"recorded_at"`
}

type apiConsensusInput struct {
	Scores   []apiScore `json:"scores"`
	Comment  string     `json:"comment"`
	Language string     `json:"language"`
}

func (s *Server) apiConsensus(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.committeeApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	c, err := s.db.Consensus(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiConsensusOut(c))
}

func apiConsensusOut(c *coopdec.Consensus) apiConsensusDoc {
	out := apiConsensusDoc{ApplicationID: c.ApplicationID, Comment: c.Comment, Language: c.Language,
		RecordedBy: c.RecordedBy, RecordedAt: c.RecordedAt, Scores: []apiScore{}}
	for _, sc := range c.Scores {
		out.Scores = append(out.Scores, apiScore{Criterion: sc.Criterion, Score: float64(sc.Score) / 2, Comment: sc.Comment})
	}
	return out
}

func (s *Server) apiConsensusPut(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.committeeApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiConsensusInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	c := &coopdec.Consensus{ApplicationID: a.ID, Comment: in.Comment, Language: in.Language}
	var errs coopdec.Errors
	for i, sc := range in.Scores {
		half := sc.Score * 2
		if half != math.Trunc(half) || half < 0 || half > float64(coopdec.ScoreMax) {
			errs = append(errs, coopdec.FieldError("scores."+strconv.Itoa(i)+".score", "evaluation.score.range"))
			continue
		}
		c.Scores = append(c.Scores, coopdec.CriterionScore{Criterion: sc.Criterion, Score: coopdec.Score(half), Comment: sc.Comment})
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.RecordConsensus(r.Context(), currentUser(r), c, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiConsensusOut(c))
}

type apiShare struct {
	FunderOrganisationID int64 `json:"funder_organisation_id"`
	AmountCents          int64 `json:"amount_cents"`
}

type apiLineEntry struct {
	Rank              int        `json:"rank"`
	ApplicationID     int64      `json:"application_id"`
	Reference         string     `json:"reference"`
	Title             string     `json:"title"`
	Lead              string     `json:"lead"`
	Admissible        bool       `json:"admissible"`
	ConsensusComplete bool       `json:"consensus_complete"`
	WeightedTotal     int64      `json:"weighted_total"`
	Average           string     `json:"average"`
	Scores            []apiScore `json:"scores"`
	Fundable          bool       `json:"fundable"`
	List              string     `json:"list"`
	Reason            string     `json:"reason"`
	RequestedCents    int64      `json:"requested_cents"`
	GrantedCents      int64      `json:"granted_cents"`
	Adjusted          bool       `json:"adjusted"`
	Justification     string     `json:"justification,omitempty"`
	Shares            []apiShare `json:"shares"`
}

type apiFunderBalance struct {
	OrganisationID      int64  `json:"organisation_id"`
	Name                string `json:"name"`
	EnvelopeCents       int64  `json:"envelope_cents"`
	CommittedCents      int64  `json:"committed_cents"`
	RemainingCents      int64  `json:"remaining_cents"`
	LineCents           int64  `json:"line_cents"`
	RemainingAfterCents int64  `json:"remaining_after_cents"`
}

type apiDecisionRef struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	Status  string `json:"status"`
}

type apiFundingLineDoc struct {
	CallID           int64              `json:"call_id"`
	Funders          []apiFunderBalance `json:"funders"`
	MainCents        int64              `json:"main_cents"`
	Entries          []apiLineEntry     `json:"entries"`
	MissingConsensus []int64            `json:"missing_consensus"`
	Decision         *apiDecisionRef    `json:"decision"`
	CanSend          bool               `json:"can_send"`
	Blocked          string             `json:"blocked,omitempty"`
}

func (s *Server) apiFundingLine(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	st, err := s.loadCommittee(r.Context(), c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if st.LineErr != nil {
		s.error(w, r, st.LineErr)
		return
	}
	lang := info(r).lang
	t := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	out := apiFundingLineDoc{CallID: c.ID, MainCents: st.Line.MainCents, Entries: []apiLineEntry{}, Funders: []apiFunderBalance{},
		MissingConsensus: coopdec.MissingConsensus(st.Line)}
	if out.MissingConsensus == nil {
		out.MissingConsensus = []int64{}
	}
	if st.Decision != nil {
		out.Decision = &apiDecisionRef{ID: st.Decision.ID, Version: st.Decision.Version, Status: string(st.DecisionStatus)}
	}
	current := coopdec.CurrentAdjustments(st.Adjustments)
	for i := range st.Line.Entries {
		e := &st.Line.Entries[i]
		row := committeeLineRow(st, e, lang, t)
		ae := apiLineEntry{Rank: e.Rank, ApplicationID: e.ApplicationID, Reference: e.Reference, Title: row.Title, Lead: row.Lead,
			Admissible: e.Admissible, ConsensusComplete: e.Assessment.Complete, WeightedTotal: e.Assessment.Total, Average: row.Score,
			Fundable: e.Fundable, List: string(e.List), Reason: row.Reason, RequestedCents: e.RequestedCents,
			GrantedCents: e.GrantedCents, Adjusted: e.Adjusted, Scores: []apiScore{}, Shares: []apiShare{}}
		if adj, ok := current[e.ApplicationID]; ok {
			ae.Justification = adj.Justification
		}
		for _, sc := range e.Consensus {
			ae.Scores = append(ae.Scores, apiScore{Criterion: sc.Criterion, Score: float64(sc.Score) / 2, Comment: sc.Comment})
		}
		for _, sh := range e.Shares {
			ae.Shares = append(ae.Shares, apiShare{FunderOrganisationID: sh.FunderOrganisationID, AmountCents: sh.AmountCents})
		}
		out.Entries = append(out.Entries, ae)
	}
	for i, b := range st.Balances {
		var line int64
		for _, e := range st.Line.Entries {
			if e.List == coopdec.ListMain {
				line += e.Shares[i].AmountCents
			}
		}
		out.Funders = append(out.Funders, apiFunderBalance{OrganisationID: b.FunderOrganisationID, Name: st.orgName(b.FunderOrganisationID),
			EnvelopeCents: b.AmountCents, CommittedCents: b.NetCommittedCents(), RemainingCents: b.RemainingCents,
			LineCents: line, RemainingAfterCents: st.Line.Remaining[i]})
	}
	if err := coopdec.CheckSendDecision(currentUser(r), c, st.Line, st.DecisionStatus); err != nil {
		key, args := coopdec.ErrorKey(err)
		out.Blocked = t(key, localizeArgs(lang, key, args, t)...)
	} else {
		out.CanSend = true
	}
	writeJSON(w, http.StatusOK, out)
}

type apiAdjustmentInput struct {
	ApplicationID int64  `json:"application_id"`
	GrantedCents  int64  `json:"granted_cents"`
	Justification string `json:"justification"`
}

type apiAdjustmentDoc struct {
	ApplicationID int64     `json:"application_id"`
	GrantedCents  int64     `json:"granted_cents"`
	Justification string    `json:"justification"`
	By            int64     `json:"by"`
	At            time.Time `json:"at"`
}

func (s *Server) apiAdjustmentCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiAdjustmentInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	adj := &coopdec.Adjustment{ApplicationID: in.ApplicationID, GrantedCents: in.GrantedCents, Justification: in.Justification}
	if err := s.db.AddAdjustment(r.Context(), currentUser(r), c.ID, adj, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiAdjustmentDoc{ApplicationID: adj.ApplicationID, GrantedCents: adj.GrantedCents,
		Justification: adj.Justification, By: adj.By, At: adj.At})
}

type apiSessionDoc struct {
	ID           int64     `json:"id"`
	CallID       int64     `json:"call_id"`
	HeldAt       time.Time `json:"held_at"`
	Participants []string  `json:"participants"`
	Minutes      string    `json:"minutes"`
	CreatedBy    int64     `json:"created_by"`
}

type apiSessionInput struct {
	HeldAt       *time.Time `json:"held_at"`
	Participants []string   `json:"participants"`
	Minutes      string     `json:"minutes"`
}

func apiSessionOut(se *coopdec.CommitteeSession) apiSessionDoc {
	p := se.Participants
	if p == nil {
		p = []string{}
	}
	return apiSessionDoc{ID: se.ID, CallID: se.CallID, HeldAt: se.HeldAt, Participants: p, Minutes: se.Minutes, CreatedBy: se.CreatedBy}
}

func (in apiSessionInput) session() *coopdec.CommitteeSession {
	se := &coopdec.CommitteeSession{Participants: in.Participants, Minutes: in.Minutes}
	if in.HeldAt != nil {
		se.HeldAt = in.HeldAt.UTC()
	}
	return se
}

func (s *Server) apiCommitteeSessions(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ListCommitteeSessions(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := struct {
		Items []apiSessionDoc `json:"items"`
	}{Items: []apiSessionDoc{}}
	for i := range list {
		out.Items = append(out.Items, apiSessionOut(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCommitteeSessionCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiSessionInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	se := in.session()
	se.CallID = c.ID
	if err := s.db.CreateCommitteeSession(r.Context(), currentUser(r), se, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiSessionOut(se))
}

// apiSessionOfPath loads the session of the path for those who run its
// call's committee.
func (s *Server) apiSessionOfPath(r *http.Request) (*coopdec.CommitteeSession, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "committee.session.not_found")
	if err != nil {
		return nil, nil, err
	}
	se, err := s.db.CommitteeSession(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Call(r.Context(), se.CallID)
	if err != nil {
		return nil, nil, err
	}
	if !coopdec.CanRunCommittee(currentUser(r), c) {
		return nil, nil, coopdec.Errorf(coopdec.ENOTFOUND, "committee.session.not_found")
	}
	return se, c, nil
}

func (s *Server) apiCommitteeSession(w http.ResponseWriter, r *http.Request) {
	se, _, err := s.apiSessionOfPath(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiSessionOut(se))
}

func (s *Server) apiCommitteeSessionPut(w http.ResponseWriter, r *http.Request) {
	old, _, err := s.apiSessionOfPath(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiSessionInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	se := in.session()
	se.ID = old.ID
	if err := s.db.UpdateCommitteeSession(r.Context(), currentUser(r), se, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiSessionOut(se))
}

type apiDecisionSendInput struct {
	SessionID int64 `json:"session_id"`
}

type apiDecisionEntry struct {
	ApplicationID int64      `json:"application_id"`
	Rank          int        `json:"rank"`
	List          string     `json:"list"`
	GrantedCents  int64      `json:"granted_cents"`
	Shares        []apiShare `json:"shares"`
}

type apiSentDecision struct {
	ID        int64              `json:"id"`
	CallID    int64              `json:"call_id"`
	SessionID int64              `json:"session_id"`
	Version   int                `json:"version"`
	Status    string             `json:"status"`
	Entries   []apiDecisionEntry `json:"entries"`
}

func (s *Server) apiDecisionSend(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiCallFor(r, coopdec.CanRunCommittee)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var in apiDecisionSendInput
	if r.ContentLength != 0 {
		if err := readJSON(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
	}
	d, err := s.db.SendDecision(r.Context(), currentUser(r), c.ID, in.SessionID, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := apiSentDecision{ID: d.ID, CallID: d.CallID, SessionID: d.SessionID, Version: d.Version,
		Status: string(coopdec.DecisionPending), Entries: []apiDecisionEntry{}}
	for _, e := range d.Entries {
		de := apiDecisionEntry{ApplicationID: e.ApplicationID, Rank: e.Rank, List: string(e.List), GrantedCents: e.GrantedCents, Shares: []apiShare{}}
		for _, sh := range e.Shares {
			de.Shares = append(de.Shares, apiShare{FunderOrganisationID: sh.FunderOrganisationID, AmountCents: sh.AmountCents})
		}
		out.Entries = append(out.Entries, de)
	}
	writeJSON(w, http.StatusCreated, out)
}
