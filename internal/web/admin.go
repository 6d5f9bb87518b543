package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The administration pages. Every route is wrapped in requireAdmin; the
// handlers that change something check their own rule again.

type adminHomeData struct {
	Users          int
	ByRole         map[coopdec.Role]int
	Roles          []coopdec.Role
	Orgs           int
	ByKind         map[coopdec.OrgKind]int
	Kinds          []coopdec.OrgKind
	Territories    int
	ByLevel        map[coopdec.TerritoryKind]int
	TerritoryKinds []coopdec.TerritoryKind
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	d := &adminHomeData{Roles: coopdec.Roles, Kinds: coopdec.OrgKinds, TerritoryKinds: coopdec.TerritoryKinds}
	var err error
	if d.Users, d.ByRole, err = s.db.UserCounts(r.Context()); err != nil {
		s.error(w, r, err)
		return
	}
	if d.ByKind, err = s.db.OrganisationCounts(r.Context()); err != nil {
		s.error(w, r, err)
		return
	}
	for _, n := range d.ByKind {
		d.Orgs += n
	}
	if d.ByLevel, err = s.db.TerritoryCounts(r.Context()); err != nil {
		s.error(w, r, err)
		return
	}
	for _, n := range d.ByLevel {
		d.Territories += n
	}
	s.render(w, r, http.StatusOK, "admin_home", s.newView(r, "admin.title", d))
}

type adminUsersData struct {
	Users []*coopdec.User
	Roles []coopdec.Role
	Pager *pager
	Valid bool
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &adminUsersData{Roles: coopdec.Roles}
	v := s.newView(r, "admin.users.title", d)
	v.Form = q
	f := sqldb.UserFilter{Query: strings.TrimSpace(q.Get("q")), Role: coopdec.Role(q.Get("role"))}
	if f.Role != "" && !f.Role.Valid() {
		v.addError(coopdec.FieldError("role", "admin.users.filter.role.unknown"))
		s.render(w, r, http.StatusUnprocessableEntity, "admin_users", v)
		return
	}
	users, page, err := s.db.ListUsers(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Users, d.Pager, d.Valid = users, newPager(r, page), true
	s.render(w, r, http.StatusOK, "admin_users", v)
}

// roleRow is a role a user holds, and whether the reader may remove it.
type roleRow struct {
	Role      coopdec.Role
	CanRevoke bool
}

type adminUserData struct {
	Target    *coopdec.User
	Roles     []roleRow
	Grantable []coopdec.Role
	Events    []auditRow
}

// auditRow is an audit event with what the page links it to.
type auditRow struct {
	coopdec.AuditEvent
	ActorName   string
	SubjectHref string
}

// auditRows names the actors of events and links their subjects.
func (s *Server) auditRows(ctx context.Context, events []coopdec.AuditEvent) ([]auditRow, error) {
	var ids []int64
	for _, e := range events {
		if e.ActorID != 0 && !slices.Contains(ids, e.ActorID) {
			ids = append(ids, e.ActorID)
		}
	}
	names, err := s.db.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]auditRow, len(events))
	for i, e := range events {
		rows[i] = auditRow{AuditEvent: e, ActorName: names[e.ActorID]}
		if kind, id, ok := strings.Cut(e.Subject, ":"); ok {
			if _, err := strconv.ParseInt(id, 10, 64); err == nil {
				switch kind {
				case "user":
					rows[i].SubjectHref = "/admin/utilisateurs/" + id
				case "organisation":
					rows[i].SubjectHref = "/organisations/" + id
				}
			}
		}
	}
	return rows, nil
}

// targetUser loads the user named by the path.
func (s *Server) targetUser(r *http.Request) (*coopdec.User, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "user.not_found")
	}
	return s.db.UserByID(r.Context(), id)
}

// userView builds the page of one account.
func (s *Server) userView(r *http.Request, target *coopdec.User) (*view, error) {
	me := currentUser(r)
	d := &adminUserData{Target: target}
	for _, role := range coopdec.Roles {
		if target.HasRole(role) {
			d.Roles = append(d.Roles, roleRow{Role: role, CanRevoke: coopdec.CanRevokeRole(me, target.ID, role)})
		} else {
			d.Grantable = append(d.Grantable, role)
		}
	}
	events, err := s.db.UserAudit(r.Context(), target, 20)
	if err != nil {
		return nil, err
	}
	if d.Events, err = s.auditRows(r.Context(), events); err != nil {
		return nil, err
	}
	// The layout translates the title; a name is no catalogue key.
	return s.newView(r, target.Name, d), nil
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) {
	target, err := s.targetUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.userView(r, target)
	if err != nil {
		s.error(w, r, err)
		return
	}
	switch r.URL.Query().Get("ok") {
	case "granted":
		v.Flash = v.T("admin.user.granted")
	case "revoked":
		v.Flash = v.T("admin.user.revoked")
	}
	s.render(w, r, http.StatusOK, "admin_user", v)
}

// renderUserError shows the account's page again with an error.
func (s *Server) renderUserError(w http.ResponseWriter, r *http.Request, target *coopdec.User, err error) {
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	v, verr := s.userView(r, target)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	v.addError(err)
	s.render(w, r, http.StatusUnprocessableEntity, "admin_user", v)
}

func (s *Server) adminUserGrant(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanGrantRole(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	target, err := s.targetUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	role := coopdec.Role(r.PostFormValue("role"))
	if role == "" {
		s.renderUserError(w, r, target, coopdec.FieldError("role", "admin.user.role.required"))
		return
	}
	if err := s.db.GrantRole(r.Context(), target.ID, role, actor(r)); err != nil {
		s.renderUserError(w, r, target, err)
		return
	}
	http.Redirect(w, r, "/admin/utilisateurs/"+strconv.FormatInt(target.ID, 10)+"?ok=granted", http.StatusSeeOther)
}

func (s *Server) adminUserRevoke(w http.ResponseWriter, r *http.Request) {
	target, err := s.targetUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	role := coopdec.Role(r.PathValue("role"))
	if !role.Valid() {
		s.renderUserError(w, r, target, coopdec.FieldError("role", "role.invalid", string(role)))
		return
	}
	if !coopdec.CanRevokeRole(currentUser(r), target.ID, role) {
		key := "error.forbidden"
		if coopdec.CanGrantRole(currentUser(r)) {
			key = "admin.user.revoke.self_admin"
		}
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, key))
		return
	}
	if err := s.db.RevokeRole(r.Context(), target.ID, role, actor(r)); err != nil {
		s.renderUserError(w, r, target, err)
		return
	}
	http.Redirect(w, r, "/admin/utilisateurs/"+strconv.FormatInt(target.ID, 10)+"?ok=revoked", http.StatusSeeOther)
}

type adminInviteData struct {
	refData
	Roles     []coopdec.Role
	Org       *coopdec.Organisation // the organisation chosen, when the number is known
	OrgQuery  string
	Matches   []coopdec.Organisation
	Searched  bool
	ValidDays int
	Checked   map[coopdec.Role]bool // the roles ticked in the form
}

// ChooseHref links to the page with organisation id filled in, keeping the
// search.
func (d *adminInviteData) ChooseHref(id int64) string {
	q := url.Values{"organisation_id": {strconv.FormatInt(id, 10)}}
	if d.OrgQuery != "" {
		q.Set("org_q", d.OrgQuery)
	}
	return "/admin/invitations?" + q.Encode() + "#invitation-form"
}

// inviteView builds the invitation page; form holds the values to show.
func (s *Server) inviteView(r *http.Request, form url.Values) (*view, error) {
	d := &adminInviteData{refData: refData{info(r).lang}, Roles: coopdec.Roles,
		OrgQuery: strings.TrimSpace(r.URL.Query().Get("org_q")), ValidDays: int(coopdec.InvitationValidity.Hours() / 24),
		Checked: map[coopdec.Role]bool{}}
	for _, role := range form["roles"] {
		d.Checked[coopdec.Role(role)] = true
	}
	if id, err := strconv.ParseInt(strings.TrimSpace(form.Get("organisation_id")), 10, 64); err == nil && id > 0 {
		org, err := s.db.Organisation(r.Context(), id)
		switch coopdec.ErrorCode(err) {
		case "":
			d.Org = org
		case coopdec.ENOTFOUND:
		default:
			return nil, err
		}
	}
	if d.OrgQuery != "" {
		orgs, _, err := s.db.SearchOrganisations(r.Context(), coopdec.OrgFilter{Query: d.OrgQuery}, coopdec.NewPage(1, 10))
		if err != nil {
			return nil, err
		}
		d.Matches, d.Searched = orgs, true
	}
	v := s.newView(r, "admin.invite.title", d)
	v.Form = form
	return v, nil
}

func (s *Server) adminInvitationForm(w http.ResponseWriter, r *http.Request) {
	form := r.URL.Query()
	if form.Get("member_role") == "" {
		form.Set("member_role", string(coopdec.MemberRoleMember))
	}
	v, err := s.inviteView(r, form)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if form.Get("ok") == "1" {
		v.Flash = v.T("admin.invite.sent", int(coopdec.InvitationValidity.Hours()/24))
	}
	s.render(w, r, http.StatusOK, "admin_invitations", v)
}

// adminInvite invites someone into an organisation, as the first member of a
// French local authority, and/or with platform roles.
func (s *Server) adminInvite(w http.ResponseWriter, r *http.Request) {
	_ = r.PostFormValue("email") // parses the form; an unreadable one leaves it empty
	f := r.PostForm
	inv := &coopdec.Invitation{Email: f.Get("email"), MemberRole: coopdec.MemberRole(f.Get("member_role")),
		ForLocalAuthority: f.Get("local_authority") == "1"}
	for _, role := range f["roles"] {
		inv.Roles = append(inv.Roles, coopdec.Role(role))
	}
	var err error
	if raw := strings.TrimSpace(f.Get("organisation_id")); raw != "" {
		id, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil || id <= 0 {
			err = coopdec.FieldError("organisation_id", "admin.invite.org_id.invalid")
		}
		inv.OrganisationID = id
	}
	if err == nil {
		err = s.invite(r, inv)
		if coopdec.ErrorCode(err) == coopdec.ENOTFOUND && inv.OrganisationID != 0 {
			err = coopdec.FieldError("organisation_id", "org.not_found")
		}
	}
	if err != nil {
		if coopdec.ErrorCode(err) != coopdec.EINVALID {
			s.error(w, r, err)
			return
		}
		if f.Get("member_role") == "" {
			f.Set("member_role", string(coopdec.MemberRoleMember))
		}
		v, verr := s.inviteView(r, f)
		if verr != nil {
			s.error(w, r, verr)
			return
		}
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "admin_invitations", v)
		return
	}
	http.Redirect(w, r, "/admin/invitations?ok=1", http.StatusSeeOther)
}

type adminAuditData struct {
	Events  []auditRow
	Actions []string
	Pager   *pager
	Valid   bool
}

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &adminAuditData{Actions: coopdec.AuditActions}
	v := s.newView(r, "admin.audit.title", d)
	v.Form = q
	f := sqldb.AuditFilter{Action: q.Get("action")}
	if f.Action != "" && !slices.Contains(coopdec.AuditActions, f.Action) {
		v.addError(coopdec.FieldError("action", "admin.audit.filter.action.unknown"))
	}
	if raw := strings.TrimSpace(q.Get("actor")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			v.addError(coopdec.FieldError("actor", "admin.audit.filter.actor.invalid"))
		}
		f.ActorID = id
	}
	if len(v.ErrorList) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "admin_audit", v)
		return
	}
	events, page, err := s.db.ListAudit(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	if d.Events, err = s.auditRows(r.Context(), events); err != nil {
		s.error(w, r, err)
		return
	}
	d.Pager, d.Valid = newPager(r, page), true
	s.render(w, r, http.StatusOK, "admin_audit", v)
}

type adminOutboxData struct {
	Messages []sqldb.OutboxMessage
	Pager    *pager
}

// adminOutbox shows the emails kept when no SMTP server is configured, so
// that links in them can be followed on a demo or test platform.
// readOutbox lists stored emails for an administrator. They hold live
// reset and invitation links, so every reading is audited first.
func (s *Server) readOutbox(r *http.Request, recipient string, page coopdec.Page) ([]sqldb.OutboxMessage, coopdec.Page, error) {
	if err := s.db.Audit(r.Context(), actor(r), coopdec.AuditOutboxView, recipient, ""); err != nil {
		return nil, page, err
	}
	return s.db.ListOutbox(r.Context(), recipient, page)
}

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	recipient := strings.ToLower(strings.TrimSpace(q.Get("recipient")))
	msgs, page, err := s.readOutbox(r, recipient, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &adminOutboxData{Messages: msgs, Pager: newPager(r, page)}
	v := s.newView(r, "admin.outbox.title", d)
	v.Form = q
	s.render(w, r, http.StatusOK, "admin_outbox", v)
}
