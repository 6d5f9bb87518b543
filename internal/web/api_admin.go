package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Administration: accounts, roles, audit trail and outbox. routes.go wraps
// every handler here in requireAdmin.

type apiAdminUserDoc struct {
	ID            int64           `json:"id"`
	Email         string          `json:"email"`
	Name          string          `json:"name"`
	Language      string          `json:"language"`
	Roles         []string        `json:"roles"`
	Organisations []apiMembership `json:"organisations"`
	CreatedAt     string          `json:"created_at"`
	DisabledAt    *string         `json:"disabled_at"`
}

func apiRoleList() string {
	names := apiRoleNames(coopdec.Roles)
	return strings.Join(names, ", ")
}

func (s *Server) apiAdminUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs coopdec.Errors
	f := sqldb.UserFilter{Query: strings.TrimSpace(q.Get("q"))}
	if v := q.Get("role"); v != "" {
		if f.Role = coopdec.Role(v); !f.Role.Valid() {
			errs = append(errs, coopdec.FieldError("role", "api.query.role.invalid", v, apiRoleList()))
		}
	}
	page := apiPageQuery(q, &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	users, page, err := s.db.ListUsers(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiAdminUserDoc, 0, len(users))
	for _, u := range users {
		docs = append(docs, apiAdminUserDoc{ID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, Roles: apiRoleNames(u.Roles),
			Organisations: apiMemberships(u.Memberships), CreatedAt: apiTime(u.CreatedAt), DisabledAt: apiTimePtr(u.DisabledAt)})
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

// apiAdminTarget returns the user named in the path.
func (s *Server) apiAdminTarget(r *http.Request) (*coopdec.User, error) {
	id, err := apiPathID(r, "id", "user.not_found")
	if err != nil {
		return nil, err
	}
	return s.db.UserByID(r.Context(), id)
}

func (s *Server) apiAdminGrant(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanGrantRole(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	u, err := s.apiAdminTarget(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Role string `json:"role"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.db.GrantRole(r.Context(), u.ID, coopdec.Role(req.Role), actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiAdminRevoke(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiAdminTarget(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	role := coopdec.Role(r.PathValue("role"))
	me := currentUser(r)
	switch {
	case !role.Valid():
		err = coopdec.FieldError("role", "role.invalid", string(role))
	case !coopdec.CanRevokeRole(me, u.ID, role):
		key := "error.forbidden"
		if coopdec.CanGrantRole(me) {
			key = "api.role.self_admin" // the one refusal an administrator can meet
		}
		err = coopdec.Errorf(coopdec.EFORBIDDEN, key)
	default:
		err = s.db.RevokeRole(r.Context(), u.ID, role, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type apiAuditDoc struct {
	ID      int64  `json:"id"`
	At      string `json:"at"`
	ActorID *int64 `json:"actor_id"`
	Action  string `json:"action"`
	Subject string `json:"subject"`
	IP      string `json:"ip"`
	Details string `json:"details"`
}

func (s *Server) apiAdminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs coopdec.Errors
	f := sqldb.AuditFilter{Action: strings.TrimSpace(q.Get("action"))}
	if f.Action != "" && !slices.Contains(coopdec.AuditActions, f.Action) {
		errs = append(errs, coopdec.FieldError("action", "admin.audit.filter.action.unknown"))
	}
	if v := q.Get("actor_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			errs = append(errs, coopdec.FieldError("actor_id", "api.query.actor_id.invalid"))
		}
		f.ActorID = id
	}
	page := apiPageQuery(q, &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	events, page, err := s.db.ListAudit(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiAuditDoc, 0, len(events))
	for _, e := range events {
		d := apiAuditDoc{ID: e.ID, At: apiTime(e.At), Action: e.Action, Subject: e.Subject, IP: e.IP, Details: e.Details}
		if e.ActorID != 0 {
			d.ActorID = &e.ActorID
		}
		docs = append(docs, d)
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

type apiOutboxDoc struct {
	ID        int64   `json:"id"`
	CreatedAt string  `json:"created_at"`
	To        string  `json:"to"`
	Subject   string  `json:"subject"`
	Text      string  `json:"text"`
	HTML      *string `json:"html"`
}

func (s *Server) apiAdminOutbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	msgs, page, err := s.readOutbox(r, strings.ToLower(strings.TrimSpace(q.Get("to"))), page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiOutboxDoc, 0, len(msgs))
	for _, m := range msgs {
		docs = append(docs, apiOutboxDoc{ID: m.ID, CreatedAt: apiTime(m.CreatedAt), To: m.To, Subject: m.Subject, Text: m.Text,
			HTML: apiOptional(m.HTML)})
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}
