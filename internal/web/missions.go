package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Cooperation missions: officers and embassies make requests
// (missions_pages.go), officers invite French local authorities and select
// one reply, the authorities reply and propose missions of their own
// (missions_authority.go), and the API does all of it (api_missions.go).
// The domain decides who may do what (coopdec/mission.go).

// missionRoutes registers cooperation missions: requests, invitations and replies, proposals on the authorities' initiative.
func (s *Server) missionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /missions", s.requireUser(s.missionList))
	mux.HandleFunc("POST /missions", s.requireUser(s.missionCreate))
	mux.HandleFunc("GET /missions/nouvelle", s.requireUser(s.missionNewForm))
	mux.HandleFunc("GET /missions/{id}", s.requireUser(s.missionShow))
	s.missionMatchingRoutes(mux)
	mux.HandleFunc("POST /missions/{id}/invitations", s.requireUser(s.missionInvite))
	mux.HandleFunc("POST /missions/{id}/selection", s.requireUser(s.missionSelect))
	mux.HandleFunc("POST /missions/{id}/annulation", s.requireUser(s.missionCancel))
	mux.HandleFunc("GET /missions/{id}/reponse", s.requireUser(s.missionReplyForm))
	mux.HandleFunc("POST /missions/{id}/reponse", s.requireUser(s.missionReply))
	mux.HandleFunc("GET /missions/proposer", s.requireUser(s.proposalForm))
	mux.HandleFunc("POST /missions/proposer", s.requireUser(s.proposalCreate))
	mux.HandleFunc("GET /missions/propositions", s.requireUser(s.proposalList))
	mux.HandleFunc("POST /missions/propositions/{id}/examen", s.requireUser(s.proposalReview))
	mux.HandleFunc("GET /collectivite/missions", s.requireUser(s.authorityMissions))

	mux.HandleFunc("GET /api/v1/missions", s.requireUser(s.apiMissionList))
	mux.HandleFunc("POST /api/v1/missions", s.requireUser(s.apiMissionCreate))
	mux.HandleFunc("GET /api/v1/missions/{id}", s.requireUser(s.apiMission))
	mux.HandleFunc("POST /api/v1/missions/{id}/invitations", s.requireUser(s.apiMissionInvite))
	mux.HandleFunc("POST /api/v1/missions/{id}/replies", s.requireUser(s.apiMissionReply))
	mux.HandleFunc("POST /api/v1/missions/{id}/selection", s.requireUser(s.apiMissionSelect))
	mux.HandleFunc("POST /api/v1/missions/{id}/cancel", s.requireUser(s.apiMissionCancel))
	mux.HandleFunc("GET /api/v1/mission-proposals", s.requireUser(s.apiProposalList))
	mux.HandleFunc("POST /api/v1/mission-proposals", s.requireUser(s.apiProposalCreate))
	mux.HandleFunc("POST /api/v1/mission-proposals/{id}/review", s.requireUser(s.apiProposalReview))
	s.missionFollowupRoutes(mux)
	s.missionFollowupPageRoutes(mux)
}

// missionViewer loads the reader as the mission rules see them.
func (s *Server) missionViewer(r *http.Request) (coopdec.MissionViewer, error) {
	return s.db.MissionViewer(r.Context(), currentUser(r))
}

// missionFor loads the request of the path for a reader who may see it;
// to anyone else it does not exist.
func (s *Server) missionFor(r *http.Request) (coopdec.MissionViewer, *sqldb.MissionRecord, error) {
	v, err := s.missionViewer(r)
	if err != nil {
		return v, nil, err
	}
	id, err := apiPathID(r, "id", "mission.not_found")
	if err != nil {
		return v, nil, err
	}
	rec, err := s.db.MissionRequest(r.Context(), id)
	if err != nil {
		return v, nil, err
	}
	if !coopdec.CanSeeMissionRequest(v, &rec.Request, rec.Invited()) {
		return v, nil, coopdec.Errorf(coopdec.ENOTFOUND, "mission.not_found")
	}
	return v, rec, nil
}

// missionLink is a request's page.
func (s *Server) missionLink(id int64) string { return s.link(fmt.Sprintf("/missions/%d", id)) }

// missionInviteMails tell each invited authority's members, in their
// language, of the request and where to reply.
func (s *Server) missionInviteMails() sqldb.MissionInviteNotice {
	return func(m *coopdec.MissionRequest, invited []coopdec.Organisation, members map[int64][]sqldb.DraftHolder) []sqldb.Job {
		var out []sqldb.Job
		for _, o := range invited {
			out = append(out, s.mailsTo(members[o.ID], 0, "mail.mission.invite", func(lang string) []any {
				return []any{o.Name, coopdec.Country{Code: m.Country}.Name(lang), s.themeNames(lang, m.Themes), m.Need,
					m.From.Format("02/01/2006"), m.To.Format("02/01/2006"), m.DurationDays,
					s.link(fmt.Sprintf("/missions/%d/reponse", m.ID))}
			})...)
		}
		return out
	}
}

// missionReplyMails tell the requester, in their language, of a reply.
func (s *Server) missionReplyMails() sqldb.MissionReplyNotice {
	return func(m *coopdec.MissionRequest, r *sqldb.MissionReplyRecord, to *sqldb.DraftHolder) []sqldb.Job {
		return s.mailsTo([]sqldb.DraftHolder{*to}, 0, "mail.mission.reply", func(lang string) []any {
			answer := s.cat.T(lang, "mission.reply.not_interested")
			if r.Interested {
				answer = s.cat.T(lang, "mission.reply.interested_experts", len(r.Experts))
			}
			return []any{r.AuthorityName, coopdec.Country{Code: m.Country}.Name(lang), answer, s.missionLink(m.ID)}
		})
	}
}

// missionCancelMails tell each invited authority's members, in their
// language, that the request was cancelled and why.
func (s *Server) missionCancelMails() sqldb.MissionCancelNotice {
	return func(m *coopdec.MissionRequest, reason string, invited []coopdec.Organisation, members map[int64][]sqldb.DraftHolder) []sqldb.Job {
		var out []sqldb.Job
		for _, o := range invited {
			out = append(out, s.mailsTo(members[o.ID], 0, "mail.mission.cancel", func(lang string) []any {
				return []any{o.Name, coopdec.Country{Code: m.Country}.Name(lang), m.PartnerName, reason, s.missionLink(m.ID)}
			})...)
		}
		return out
	}
}

// missionTermsForm reads a request's or a proposal's terms from a form,
// every unreadable field reported.
func missionTermsForm(form url.Values) (coopdec.MissionTerms, coopdec.Errors) {
	var errs coopdec.Errors
	t := coopdec.MissionTerms{Country: form.Get("country"), Place: form.Get("place"), PartnerName: form.Get("partner_name"), Themes: form["themes"],
		Need: form.Get("need"), Languages: splitCodes(form.Get("languages"))}
	if v := strings.TrimSpace(form.Get("partner_organisation_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			errs = append(errs, coopdec.FieldError("partner_organisation_id", "mission.partner.invalid"))
		}
		t.PartnerOrgID = id
	}
	for _, f := range []struct {
		name string
		to   *coopdec.MissionTerms
	}{{"from", &t}, {"to", &t}} {
		v := strings.TrimSpace(form.Get(f.name))
		if v == "" {
			continue
		}
		d, ok := coopdec.MissionDate(v)
		if !ok {
			errs = append(errs, coopdec.FieldError(f.name, "mission.date.invalid"))
			continue
		}
		if f.name == "from" {
			t.From = d
		} else {
			t.To = d
		}
	}
	if v := strings.TrimSpace(form.Get("duration_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, coopdec.FieldError("duration_days", "mission.duration.invalid", 365))
			n = -1
		}
		t.DurationDays = n
	}
	cents, _, err := parseEuroCents("budget", form.Get("budget"))
	if err != nil {
		errs = append(errs, asErrors(err)...)
		cents = -1
	}
	t.BudgetCents = cents
	return t, errs
}

// mergeFieldErrors puts form reading errors first and drops validation
// errors on fields already reported.
func mergeFieldErrors(read coopdec.Errors, err error) error {
	out := append(coopdec.Errors{}, read...)
	for _, e := range asErrorsOrNil(err) {
		dup := false
		for _, r := range read {
			if r.Field != "" && r.Field == e.Field || e.Field == "budget_cents" && r.Field == "budget" {
				dup = true
			}
		}
		if !dup {
			if e.Field == "budget_cents" {
				e = coopdec.FieldError("budget", e.Key, e.Args...)
			}
			out = append(out, e)
		}
	}
	return out.Err()
}

// missionTermsErr is what saving terms read from a form gives: when a field
// was unreadable, nothing is saved and every error is shown at once.
func missionTermsErr(t coopdec.MissionTerms, read coopdec.Errors, save func() error) error {
	if len(read) > 0 {
		return mergeFieldErrors(read, t.Validate())
	}
	err := save()
	if coopdec.ErrorCode(err) == coopdec.EINVALID {
		return mergeFieldErrors(nil, err)
	}
	return err
}
