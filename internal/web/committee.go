package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The committee of a call: the consensus on each application
// (consensus_page.go), the ranking and funding line with the committee's
// adjustments and the decision sent to the parties (committee_page.go),
// the sessions and their minutes (committee_sessions.go), and the same
// through the API (api_committee.go).

// committeeRoutes registers consensus, committee sessions, funding line and the decision sent to the parties.
func (s *Server) committeeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /candidatures/{id}/consensus", s.requireUser(s.consensusPage))
	mux.HandleFunc("POST /candidatures/{id}/consensus", s.requireUser(s.consensusSave))
	mux.HandleFunc("GET /appels/{id}/comite", s.requireUser(s.committeePage))
	mux.HandleFunc("POST /appels/{id}/comite/ajustements", s.requireUser(s.committeeAdjust))
	mux.HandleFunc("POST /appels/{id}/comite/decision", s.requireUser(s.committeeDecision))
	mux.HandleFunc("POST /appels/{id}/comite/seances", s.requireUser(s.committeeSessionCreate))
	mux.HandleFunc("GET /appels/{id}/comite/seances/{sid}", s.requireUser(s.committeeSessionPage))
	mux.HandleFunc("POST /appels/{id}/comite/seances/{sid}", s.requireUser(s.committeeSessionUpdate))

	mux.HandleFunc("GET /api/v1/applications/{id}/consensus", s.requireUser(s.apiConsensus))
	mux.HandleFunc("PUT /api/v1/applications/{id}/consensus", s.requireUser(s.apiConsensusPut))
	mux.HandleFunc("GET /api/v1/calls/{id}/funding-line", s.requireUser(s.apiFundingLine))
	mux.HandleFunc("POST /api/v1/calls/{id}/adjustments", s.requireUser(s.apiAdjustmentCreate))
	mux.HandleFunc("GET /api/v1/calls/{id}/committee-sessions", s.requireUser(s.apiCommitteeSessions))
	mux.HandleFunc("POST /api/v1/calls/{id}/committee-sessions", s.requireUser(s.apiCommitteeSessionCreate))
	mux.HandleFunc("GET /api/v1/committee-sessions/{id}", s.requireUser(s.apiCommitteeSession))
	mux.HandleFunc("PUT /api/v1/committee-sessions/{id}", s.requireUser(s.apiCommitteeSessionPut))
	mux.HandleFunc("POST /api/v1/calls/{id}/decisions", s.requireUser(s.apiDecisionSend))
}

// committeeApplication loads the application of the path, submitted, for
// those who run its call's committee; anyone else gets ENOTFOUND, or
// EFORBIDDEN through the API when they may see the call.
func (s *Server) committeeApplication(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "application.not_found")
	if err != nil {
		return nil, nil, err
	}
	a, err := s.db.Application(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Call(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, err
	}
	u := currentUser(r)
	if a.SubmittedAt.IsZero() || !coopdec.CanRunCommittee(u, c) {
		if isAPI(r) && !a.SubmittedAt.IsZero() && coopdec.CanViewApplication(u, a, c) {
			return nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
		}
		return nil, nil, coopdec.Errorf(coopdec.ENOTFOUND, "application.not_found")
	}
	return a, c, nil
}

// committeeState is a call's committee with its funding line drawn.
type committeeState struct {
	*sqldb.Committee
	Line     *coopdec.FundingLine
	LineErr  error            // why the line could not be drawn
	OrgNames map[int64]string // funders and co-managers
}

// loadCommittee loads call c's committee and draws its funding line.
func (s *Server) loadCommittee(ctx context.Context, c *coopdec.Call) (*committeeState, error) {
	cm, err := s.db.Committee(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	st := &committeeState{Committee: cm, OrgNames: map[int64]string{}}
	st.Line, st.LineErr = cm.FundingLine()
	ids := make([]int64, 0, len(c.Funders)+len(c.CoManagers))
	for _, f := range c.Funders {
		ids = append(ids, f.OrganisationID)
	}
	ids = append(ids, c.CoManagers...)
	for _, id := range ids {
		if _, ok := st.OrgNames[id]; ok {
			continue
		}
		o, err := s.db.Organisation(ctx, id)
		if err != nil {
			return nil, err
		}
		st.OrgNames[id] = o.Name
	}
	return st, nil
}

func (st *committeeState) orgName(id int64) string {
	if n, ok := st.OrgNames[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// partyName names a party in lang.
func (st *committeeState) partyName(p coopdec.Party, t func(string, ...any) string) string {
	if p == coopdec.MinistryParty {
		return t("committee.ui.party.ministry")
	}
	return st.orgName(int64(p))
}
