package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The matching on a mission request: the labelled authorities ranked by
// coopdec.RankExpertise, each score explained in the reader's language, on
// the request's page (where officers tick the ones to invite) and in the
// API. Officers and the embassy that made the request see it
// (coopdec.CanSeeMissionMatches).

// missionMatchesMax is how many ranked authorities are shown.
const missionMatchesMax = 20

// missionMatchingRoutes registers the matching's API; the request's page
// shows the same ranking (missionShowView).
func (s *Server) missionMatchingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/missions/{id}/matches", s.requireUser(s.apiMissionMatches))
}

// missionMatchLine is one line of a score's explanation.
type missionMatchLine struct {
	Key     string `json:"key"`
	Message string `json:"message"`
	Points  int    `json:"points"`
	Max     int    `json:"max"`
}

// missionMatchBlocker says why an authority cannot take the mission.
type missionMatchBlocker struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// missionMatch is one ranked authority.
type missionMatch struct {
	Rank           int                   `json:"rank"`
	OrganisationID int64                 `json:"organisation_id"`
	Name           string                `json:"name"`
	Score          int                   `json:"score"`
	Max            int                   `json:"max"`
	Suitable       bool                  `json:"suitable"`
	Invited        bool                  `json:"invited"`
	Factors        []missionMatchLine    `json:"factors"`
	Blockers       []missionMatchBlocker `json:"blockers"`
}

// missionMatchList is the ranking of a request.
type missionMatchList struct {
	MissionID int64          `json:"mission_id"`
	Labelled  int            `json:"labelled"` // authorities ranked
	Matches   []missionMatch `json:"matches"`
	// CanInvite is whether the reader may tick authorities to invite.
	CanInvite bool `json:"-"`
}

// missionMatchRequest is what the matching reads of a request; its place,
// when it names one, is the region the authorities' references are
// compared with.
func missionMatchRequest(m *coopdec.MissionRequest) coopdec.MatchRequest {
	return coopdec.MatchRequest{Country: m.Country, Region: m.Place, Themes: m.Themes, Languages: m.Languages,
		WindowFrom: m.From, WindowTo: m.To, DurationDays: m.DurationDays}
}

// missionMatches ranks the labelled authorities for rec, in lang.
func (s *Server) missionMatches(ctx context.Context, lang string, rec *sqldb.MissionRecord) (*missionMatchList, error) {
	now := s.db.Now()
	profiles, err := s.db.ExpertiseProfiles(ctx, now)
	if err != nil {
		return nil, err
	}
	m := &rec.Request
	ranked := coopdec.RankExpertise(missionMatchRequest(m), profiles, now, missionMatchesMax)
	invited := rec.Invited()
	out := &missionMatchList{MissionID: m.ID, Labelled: len(profiles), Matches: make([]missionMatch, len(ranked))}
	for i, x := range ranked {
		mm := missionMatch{Rank: i + 1, OrganisationID: x.OrganisationID, Name: x.Name, Score: x.Score, Max: x.Max,
			Suitable: x.Suitable(), Invited: slices.Contains(invited, x.OrganisationID),
			Factors: make([]missionMatchLine, len(x.Factors)), Blockers: []missionMatchBlocker{}}
		for j, f := range x.Factors {
			mm.Factors[j] = missionMatchLine{Key: f.Key, Message: s.cat.T(lang, f.Key, f.MessageArgs(lang)...), Points: f.Points, Max: f.Max}
		}
		for _, b := range x.Blockers {
			mm.Blockers = append(mm.Blockers, missionMatchBlocker{Key: b.Key(), Message: s.cat.T(lang, b.Key())})
		}
		out.Matches[i] = mm
	}
	return out, nil
}

// apiMissionMatches answers the ranking of the labelled authorities for a
// request: 404 to whoever may not see the request, 403 to those who see it
// but not the ranking (the invited authorities).
func (s *Server) apiMissionMatches(w http.ResponseWriter, r *http.Request) {
	v, rec, err := s.missionFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanSeeMissionMatches(v, &rec.Request) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	list, err := s.missionMatches(r.Context(), info(r).lang, rec)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}
