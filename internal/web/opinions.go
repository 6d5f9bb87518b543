package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Embassies' opinions: the call's managers ask the embassies of the
// countries an application concerns for their opinion by a due date
// (opinions_call.go), the embassies' staff answer (opinions_embassy.go),
// and the API does both (api_opinions.go). Storage keeps the requests and
// the opinions (sqldb.OpinionRecord), the domain decides who may do what
// (coopdec.CheckOpinionRequest, coopdec.CheckOpinion).

// opinionRoutes registers embassy opinions: requests by the call's managers, answers by the embassies.
func (s *Server) opinionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /appels/{id}/avis", s.requireUser(s.opinionCallPage))
	mux.HandleFunc("POST /appels/{id}/avis", s.requireUser(s.opinionCallRequest))
	mux.HandleFunc("GET /ambassade/avis", s.requireUser(s.opinionEmbassyList))
	mux.HandleFunc("GET /ambassade/avis/{id}", s.requireUser(s.opinionEmbassyPage))
	mux.HandleFunc("POST /ambassade/avis/{id}", s.requireUser(s.opinionEmbassyGive))

	mux.HandleFunc("GET /api/v1/calls/{id}/opinion-requests", s.requireUser(s.apiCallOpinionRequests))
	mux.HandleFunc("POST /api/v1/calls/{id}/opinion-requests", s.requireUser(s.apiCallOpinionRequestCreate))
	mux.HandleFunc("GET /api/v1/opinion-requests", s.requireUser(s.apiOpinionRequests))
	mux.HandleFunc("GET /api/v1/opinion-requests/{id}", s.requireUser(s.apiOpinionRequest))
	mux.HandleFunc("PUT /api/v1/opinion-requests/{id}/opinion", s.requireUser(s.apiOpinionGive))
	mux.HandleFunc("GET /api/v1/applications/{id}/opinions", s.requireUser(s.apiApplicationOpinions))
}

// opinionRequestMails tells each embassy's staff, in their language, of
// the applications its opinion is asked on: one email per person and
// embassy, listing them with their due date, and the link to their list.
func (s *Server) opinionRequestMails(c *coopdec.Call, titles map[int64]*coopdec.Application) sqldb.OpinionNotice {
	return func(recs []sqldb.OpinionRecord, staff map[int64][]sqldb.DraftHolder) []sqldb.Job {
		byEmbassy := map[int64][]sqldb.OpinionRecord{}
		var order []int64
		for _, rec := range recs {
			id := rec.Request.EmbassyOrganisationID
			if _, seen := byEmbassy[id]; !seen {
				order = append(order, id)
			}
			byEmbassy[id] = append(byEmbassy[id], rec)
		}
		var out []sqldb.Job
		for _, id := range order {
			list := byEmbassy[id]
			out = append(out, s.mailsTo(staff[id], 0, "mail.opinion.request", func(lang string) []any {
				lines := make([]string, 0, len(list))
				for _, rec := range list {
					title := ""
					if a := titles[rec.Request.ApplicationID]; a != nil {
						title = applicationTitle(a, lang)
					}
					lines = append(lines, "- "+title+" — "+s.cat.T(lang, "opinion.mail.due", rec.Request.DueAt.In(Paris).Format(mailMinute))+
						"\n  "+s.link(fmt.Sprintf("/ambassade/avis/%d", rec.Request.ID)))
				}
				note := strings.TrimSpace(list[0].Note)
				if note == "" {
					note = s.cat.T(lang, "opinion.mail.no_note")
				}
				return []any{list[0].EmbassyName, callTitle(c, lang), len(list), strings.Join(lines, "\n"), note,
					s.link("/ambassade/avis")}
			})...)
		}
		return out
	}
}

// opinionStateOptions are the states the lists filter on.
var opinionStateOptions = coopdec.OpinionStates

// opinionStateFromQuery reads the state filter of a list: empty for all.
func opinionStateFromQuery(q url.Values) (coopdec.OpinionState, error) {
	st := coopdec.OpinionState(strings.TrimSpace(q.Get("state")))
	if st != "" && !st.Valid() {
		return "", coopdec.FieldError("state", "opinion.filter.state.invalid")
	}
	return st, nil
}
