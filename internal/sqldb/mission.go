package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errMissionNotFound  = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission.not_found"}
	errProposalNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission.proposal.not_found"}
	errMissionChanged   = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "mission.changed"}
	errReplyNotFound    = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission.reply.not_found"}
)

func missionSubject(id int64) string  { return "mission_request:" + strconv.FormatInt(id, 10) }
func proposalSubject(id int64) string { return "mission_proposal:" + strconv.FormatInt(id, 10) }

// parseCodeList reads codes stored by codeList.
func parseCodeList(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func dayText(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func parseDay(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// MissionInvitationRecord is an invitation with the invited authority's name.
type MissionInvitationRecord struct {
	coopdec.MissionInvitation
	AuthorityName string
}

// MissionReplyRecord is a reply with its authority's name.
type MissionReplyRecord struct {
	coopdec.MissionReply
	AuthorityName string
}

// MissionRecord is a request with its invitations and replies.
type MissionRecord struct {
	Request       coopdec.MissionRequest
	AuthorityName string // the authority the mission went to, if any
	Invitations   []MissionInvitationRecord
	Replies       []MissionReplyRecord
}

// Invited lists the authorities invited to the request.
func (r *MissionRecord) Invited() []int64 {
	out := make([]int64, 0, len(r.Invitations))
	for _, inv := range r.Invitations {
		out = append(out, inv.AuthorityID)
	}
	return out
}

// Reply returns the reply of authority, or nil.
func (r *MissionRecord) Reply(authority int64) *MissionReplyRecord {
	for i := range r.Replies {
		if r.Replies[i].AuthorityID == authority {
			return &r.Replies[i]
		}
	}
	return nil
}

// MissionViewer loads what the mission rules read about u: the embassies
// u acts for, with their countries.
func (db *DB) MissionViewer(ctx context.Context, u *coopdec.User) (coopdec.MissionViewer, error) {
	v := coopdec.MissionViewer{User: u}
	ids := coopdec.EmbassiesOf(u)
	if len(ids) == 0 {
		return v, nil
	}
	orgs, err := db.OrganisationsByID(ctx, ids)
	if err != nil {
		return v, err
	}
	for _, id := range ids {
		if o, ok := orgs[id]; ok {
			v.Embassies = append(v.Embassies, o)
		}
	}
	return v, nil
}

const missionColumns = `id, country, place, partner_name, partner_organisation_id, themes, need, date_from, date_to, duration_days,
	languages, budget_cents, state, created_by, embassy_organisation_id, authority_organisation_id, selected_reply_id,
	proposal_id, created_at, updated_at`

func scanMission(row interface{ Scan(...any) error }, m *coopdec.MissionRequest) error {
	var partner, createdBy, embassy, authority, reply, proposal sql.NullInt64
	var themes, langs, from, to, state string
	if err := row.Scan(&m.ID, &m.Country, &m.Place, &m.PartnerName, &partner, &themes, &m.Need, &from, &to, &m.DurationDays,
		&langs, &m.BudgetCents, &state, &createdBy, &embassy, &authority, &reply, &proposal, &m.CreatedAt, &m.UpdatedAt); err != nil {
		return err
	}
	m.PartnerOrgID, m.CreatedBy, m.EmbassyID, m.AuthorityID = partner.Int64, createdBy.Int64, embassy.Int64, authority.Int64
	m.SelectedReplyID, m.ProposalID = reply.Int64, proposal.Int64
	m.Themes, m.Languages = parseCodeList(themes), parseCodeList(langs)
	m.From, m.To, m.State = parseDay(from), parseDay(to), coopdec.MissionState(state)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return nil
}

func (db *DB) loadMission(ctx context.Context, q querier, id int64, forUpdate bool) (*coopdec.MissionRequest, error) {
	query := `SELECT ` + missionColumns + ` FROM mission_requests WHERE id = $1`
	if forUpdate && db.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	m := &coopdec.MissionRequest{}
	err := scanMission(q.QueryRowContext(ctx, query, id), m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errMissionNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return m, nil
}

// checkPartnerOrg checks that the partner, when named by ID, is a
// registered foreign organisation.
func checkPartnerOrg(ctx context.Context, q querier, t *coopdec.MissionTerms) error {
	if t.PartnerOrgID == 0 {
		return nil
	}
	var kind, country string
	err := q.QueryRowContext(ctx, `SELECT kind, country FROM organisations WHERE id = $1`, t.PartnerOrgID).Scan(&kind, &country)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (strings.EqualFold(country, "FR") || coopdec.OrgKind(kind) == coopdec.OrgEmbassy) {
		return coopdec.FieldError("partner_organisation_id", "mission.partner.invalid")
	}
	return translate(err)
}

func (db *DB) insertMission(ctx context.Context, tx *sql.Tx, m *coopdec.MissionRequest) error {
	return translate(tx.QueryRowContext(ctx, `INSERT INTO mission_requests (country, partner_name, partner_organisation_id,
		themes, need, date_from, date_to, duration_days, languages, budget_cents, state, created_by, embassy_organisation_id,
		authority_organisation_id, proposal_id, created_at, updated_at, place)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id`,
		m.Country, m.PartnerName, nullID(m.PartnerOrgID), codeList(m.Themes), m.Need, dayText(m.From), dayText(m.To),
		m.DurationDays, codeList(m.Languages), m.BudgetCents, string(m.State), nullID(m.CreatedBy), nullID(m.EmbassyID),
		nullID(m.AuthorityID), nullID(m.ProposalID), m.CreatedAt, m.Place).Scan(&m.ID))
}

// CreateMissionRequest records m, made by v: officers for any country, an
// embassy's staff for their own (the request then belongs to the embassy).
// Audited in the same transaction.
func (db *DB) CreateMissionRequest(ctx context.Context, v coopdec.MissionViewer, m *coopdec.MissionRequest, actor coopdec.Actor) error {
	if err := m.MissionTerms.Validate(); err != nil {
		return err
	}
	if !coopdec.CanCreateMissionRequest(v, m.Country) {
		if coopdec.CanListMissionRequests(v) {
			return coopdec.FieldError("country", "mission.country.not_yours")
		}
		return errForbidden
	}
	m.EmbassyID = 0
	if !v.User.HasRole(coopdec.RoleOfficer) {
		m.EmbassyID, _ = v.EmbassyFor(m.Country)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkPartnerOrg(ctx, tx, &m.MissionTerms); err != nil {
			return err
		}
		now := db.now()
		m.State, m.CreatedBy, m.CreatedAt, m.UpdatedAt = coopdec.MissionOpen, v.User.ID, now, now
		m.AuthorityID, m.SelectedReplyID, m.ProposalID = 0, 0, 0
		if err := db.insertMission(ctx, tx, m); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditMissionRequest, missionSubject(m.ID),
			m.Country+" themes:"+strings.Join(m.Themes, ",")+" budget:"+strconv.FormatInt(m.BudgetCents, 10))
	})
}

// MissionRequest returns a request with its invitations and replies.
func (db *DB) MissionRequest(ctx context.Context, id int64) (*MissionRecord, error) {
	return db.missionRecord(ctx, db.read, id)
}

func (db *DB) missionRecord(ctx context.Context, q querier, id int64) (*MissionRecord, error) {
	m, err := db.loadMission(ctx, q, id, false)
	if err != nil {
		return nil, err
	}
	rec := &MissionRecord{Request: *m}
	if m.AuthorityID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, m.AuthorityID).Scan(&rec.AuthorityName); err != nil {
			return nil, translate(err)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.organisation_id, i.invited_by, i.invited_at, o.name
		FROM mission_invitations i JOIN organisations o ON o.id = i.organisation_id
		WHERE i.request_id = $1 ORDER BY i.id`, id)
	if err != nil {
		return nil, translate(err)
	}
	for rows.Next() {
		var inv MissionInvitationRecord
		var by sql.NullInt64
		if err := rows.Scan(&inv.ID, &inv.AuthorityID, &by, &inv.InvitedAt, &inv.AuthorityName); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		inv.RequestID, inv.InvitedBy, inv.InvitedAt = id, by.Int64, inv.InvitedAt.UTC()
		rec.Invitations = append(rec.Invitations, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	rows, err = q.QueryContext(ctx, `SELECT r.id, r.organisation_id, r.interested, r.experts, r.comment, r.replied_by, r.replied_at, o.name
		FROM mission_replies r JOIN organisations o ON o.id = r.organisation_id
		WHERE r.request_id = $1 ORDER BY r.id`, id)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var rr MissionReplyRecord
		var by sql.NullInt64
		var experts string
		if err := rows.Scan(&rr.ID, &rr.AuthorityID, &rr.Interested, &experts, &rr.Comment, &by, &rr.RepliedAt, &rr.AuthorityName); err != nil {
			return nil, translate(err)
		}
		if err := json.Unmarshal([]byte(experts), &rr.Experts); err != nil {
			return nil, err
		}
		rr.RequestID, rr.RepliedBy, rr.RepliedAt = id, by.Int64, rr.RepliedAt.UTC()
		rec.Replies = append(rec.Replies, rr)
	}
	return rec, translate(rows.Err())
}

// MissionFilter selects requests in a list. Unless All, only those in
// reach: made by one of EmbassyIDs, for one of Countries, or to which one
// of AuthorityIDs was invited or went.
type MissionFilter struct {
	Country string
	State   coopdec.MissionState
	Theme   string

	All          bool
	EmbassyIDs   []int64
	Countries    []string
	AuthorityIDs []int64
}

// MissionFilterFor is the reach of v's lists.
func MissionFilterFor(v coopdec.MissionViewer) MissionFilter {
	if v.User.HasRole(coopdec.RoleOfficer) {
		return MissionFilter{All: true}
	}
	return MissionFilter{EmbassyIDs: coopdec.EmbassiesOf(v.User), Countries: v.EmbassyCountries(),
		AuthorityIDs: coopdec.AuthoritiesOf(v.User)}
}

// ListMissionRequests lists the requests f selects, newest first.
func (db *DB) ListMissionRequests(ctx context.Context, f MissionFilter, page coopdec.Page) ([]coopdec.MissionRequest, coopdec.Page, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(list []string) string { return "(" + strings.Join(list, ", ") + ")" }
	if f.Country != "" {
		where = append(where, "country = "+arg(strings.ToUpper(f.Country)))
	}
	if f.State != "" {
		where = append(where, "state = "+arg(string(f.State)))
	}
	if f.Theme != "" {
		where = append(where, "themes LIKE "+arg("%,"+strings.ToLower(f.Theme)+",%"))
	}
	if !f.All {
		var reach []string
		if len(f.EmbassyIDs) > 0 {
			var ps []string
			for _, id := range f.EmbassyIDs {
				ps = append(ps, arg(id))
			}
			reach = append(reach, "embassy_organisation_id IN "+in(ps))
		}
		if len(f.Countries) > 0 {
			var ps []string
			for _, c := range f.Countries {
				ps = append(ps, arg(strings.ToUpper(c)))
			}
			reach = append(reach, "country IN "+in(ps))
		}
		if len(f.AuthorityIDs) > 0 {
			var ps []string
			for _, id := range f.AuthorityIDs {
				ps = append(ps, arg(id))
			}
			reach = append(reach, "authority_organisation_id IN "+in(ps),
				"id IN (SELECT request_id FROM mission_invitations WHERE organisation_id IN "+in(ps)+")")
		}
		if len(reach) == 0 {
			return nil, page, nil
		}
		where = append(where, "("+strings.Join(reach, " OR ")+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM mission_requests`+cond, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+missionColumns+` FROM mission_requests`+cond+
		` ORDER BY created_at DESC, id DESC LIMIT `+strconv.Itoa(page.PerPage)+` OFFSET `+strconv.Itoa(page.Offset()), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []coopdec.MissionRequest
	for rows.Next() {
		var m coopdec.MissionRequest
		if err := scanMission(rows, &m); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, m)
	}
	return out, page, translate(rows.Err())
}

// MissionInviteNotice builds the emails that tell the invited authorities'
// members of the request; members lists them per authority.
type MissionInviteNotice func(m *coopdec.MissionRequest, invited []coopdec.Organisation, members map[int64][]DraftHolder) []Job

// InviteToMission invites authorities to reply to request id (those
// already invited are passed over; none left is ECONFLICT), audits each
// invitation and enqueues the jobs notify builds, in one transaction.
func (db *DB) InviteToMission(ctx context.Context, e Enqueuer, v coopdec.MissionViewer, id int64, authorities []int64,
	actor coopdec.Actor, notify MissionInviteNotice) ([]coopdec.Organisation, error) {
	var out []coopdec.Organisation
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		out = nil
		m, err := db.loadMission(ctx, tx, id, true)
		if err != nil {
			return err
		}
		var orgs []coopdec.Organisation
		ids := slices.Clone(authorities)
		slices.Sort(ids)
		for _, oid := range slices.Compact(ids) {
			o := coopdec.Organisation{}
			err := scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, oid), &o)
			if errors.Is(err, sql.ErrNoRows) {
				return coopdec.FieldError("organisation_ids", "mission.invite.unknown", oid)
			}
			if err != nil {
				return translate(err)
			}
			orgs = append(orgs, o)
		}
		if err := coopdec.CheckMissionInvite(v, m, orgs); err != nil {
			return err
		}
		now := db.now()
		for _, o := range orgs {
			res, err := tx.ExecContext(ctx, `INSERT INTO mission_invitations (request_id, organisation_id, invited_by, invited_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (request_id, organisation_id) DO NOTHING`, m.ID, o.ID, nullID(v.User.ID), now)
			if err != nil {
				return translate(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := db.audit(ctx, tx, actor, coopdec.AuditMissionInvite, missionSubject(m.ID),
				"organisation:"+strconv.FormatInt(o.ID, 10)); err != nil {
				return err
			}
			out = append(out, o)
		}
		if len(out) == 0 {
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "mission.invite.already"}
		}
		if m.State == coopdec.MissionOpen {
			if _, err := tx.ExecContext(ctx, `UPDATE mission_requests SET state = $1, updated_at = $2 WHERE id = $3`,
				string(coopdec.MissionInvited), now, m.ID); err != nil {
				return translate(err)
			}
			m.State = coopdec.MissionInvited
		}
		if notify == nil {
			return nil
		}
		members := map[int64][]DraftHolder{}
		for _, o := range out {
			if members[o.ID], err = orgMemberContacts(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		return enqueue(notify(m, out, members)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// orgMemberContacts lists an organisation's active members.
func orgMemberContacts(ctx context.Context, q querier, orgID int64) ([]DraftHolder, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language FROM memberships m
		JOIN users u ON u.id = m.user_id
		WHERE m.organisation_id = $1 AND u.disabled_at IS NULL ORDER BY u.id`, orgID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []DraftHolder
	for rows.Next() {
		var h DraftHolder
		if err := rows.Scan(&h.UserID, &h.Email, &h.Name, &h.Language); err != nil {
			return nil, translate(err)
		}
		out = append(out, h)
	}
	return out, translate(rows.Err())
}

// MissionReplyNotice builds the email that tells the requester of a reply.
type MissionReplyNotice func(m *coopdec.MissionRequest, r *MissionReplyRecord, requester *DraftHolder) []Job

// ReplyToMission records authority's reply r to request id
// (coopdec.CheckMissionReply), audits it and enqueues the jobs notify
// builds, in one transaction.
func (db *DB) ReplyToMission(ctx context.Context, e Enqueuer, v coopdec.MissionViewer, id, authority int64, r *coopdec.MissionReply,
	actor coopdec.Actor, notify MissionReplyNotice) error {
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		m, err := db.loadMission(ctx, tx, id, true)
		if err != nil {
			return err
		}
		rec, err := db.missionRecord(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := coopdec.CheckMissionReply(v, m, authority, rec.Invited(), rec.Reply(authority) != nil, r); err != nil {
			return err
		}
		experts, err := json.Marshal(r.Experts)
		if err != nil {
			return err
		}
		if r.Experts == nil {
			experts = []byte("[]")
		}
		now := db.now()
		r.RequestID, r.AuthorityID, r.RepliedBy, r.RepliedAt = m.ID, authority, v.User.ID, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO mission_replies (request_id, organisation_id, interested, experts, comment,
			replied_by, replied_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			m.ID, authority, r.Interested, string(experts), r.Comment, nullID(v.User.ID), now).Scan(&r.ID); err != nil {
			return translate(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mission_requests SET state = $1, updated_at = $2 WHERE id = $3`,
			string(coopdec.MissionReplied), now, m.ID); err != nil {
			return translate(err)
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditMissionReply, missionSubject(m.ID),
			"organisation:"+strconv.FormatInt(authority, 10)+" interested:"+strconv.FormatBool(r.Interested)+
				" experts:"+strconv.Itoa(len(r.Experts))); err != nil {
			return err
		}
		if notify == nil || m.CreatedBy == 0 {
			return nil
		}
		var h DraftHolder
		err = tx.QueryRowContext(ctx, `SELECT id, email, name, language FROM users WHERE id = $1 AND disabled_at IS NULL`,
			m.CreatedBy).Scan(&h.UserID, &h.Email, &h.Name, &h.Language)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return translate(err)
		}
		rr := &MissionReplyRecord{MissionReply: *r}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, authority).Scan(&rr.AuthorityName); err != nil {
			return translate(err)
		}
		return enqueue(notify(m, rr, &h)...)
	})
}

// SelectMissionReply closes request id on reply replyID
// (coopdec.CheckMissionSelect), audited in the same transaction.
func (db *DB) SelectMissionReply(ctx context.Context, v coopdec.MissionViewer, id, replyID int64, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		m, err := db.loadMission(ctx, tx, id, true)
		if err != nil {
			return err
		}
		rec, err := db.missionRecord(ctx, tx, id)
		if err != nil {
			return err
		}
		var reply *coopdec.MissionReply
		for i := range rec.Replies {
			if rec.Replies[i].ID == replyID {
				reply = &rec.Replies[i].MissionReply
			}
		}
		if reply == nil && !coopdec.CanManageMissionRequest(v, m) {
			return errForbidden
		}
		if reply == nil {
			return errReplyNotFound
		}
		if err := coopdec.CheckMissionSelect(v, m, reply); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE mission_requests SET state = $1, selected_reply_id = $2,
			authority_organisation_id = $3, updated_at = $4 WHERE id = $5 AND state = $6`,
			string(coopdec.MissionSelected), reply.ID, reply.AuthorityID, db.now(), m.ID, string(m.State))
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errMissionChanged
		}
		return db.audit(ctx, tx, actor, coopdec.AuditMissionSelect, missionSubject(m.ID),
			"reply:"+strconv.FormatInt(reply.ID, 10)+" organisation:"+strconv.FormatInt(reply.AuthorityID, 10))
	})
}

const proposalColumns = `p.id, p.organisation_id, p.country, p.place, p.partner_name, p.partner_organisation_id, p.themes, p.need,
	p.date_from, p.date_to, p.duration_days, p.languages, p.budget_cents, p.state, p.reason, p.proposed_by, p.proposed_at,
	p.reviewed_by, p.reviewed_at, p.request_id, o.name`

// ProposalRecord is a proposal with its authority's name.
type ProposalRecord struct {
	coopdec.MissionProposal
	AuthorityName string
}

func scanProposal(row interface{ Scan(...any) error }, p *ProposalRecord) error {
	var partner, by, reviewer, request sql.NullInt64
	var reviewed sql.NullTime
	var themes, langs, from, to, state string
	if err := row.Scan(&p.ID, &p.AuthorityID, &p.Country, &p.Place, &p.PartnerName, &partner, &themes, &p.Need, &from, &to,
		&p.DurationDays, &langs, &p.BudgetCents, &state, &p.Reason, &by, &p.ProposedAt, &reviewer, &reviewed, &request,
		&p.AuthorityName); err != nil {
		return err
	}
	p.PartnerOrgID, p.ProposedBy, p.ReviewedBy, p.RequestID = partner.Int64, by.Int64, reviewer.Int64, request.Int64
	p.Themes, p.Languages = parseCodeList(themes), parseCodeList(langs)
	p.From, p.To, p.State = parseDay(from), parseDay(to), coopdec.ProposalState(state)
	p.ProposedAt, p.ReviewedAt = p.ProposedAt.UTC(), fromNullTime(reviewed)
	return nil
}

// ProposeMission records p, proposed by u for p.AuthorityID (its members
// only), audited in the same transaction.
func (db *DB) ProposeMission(ctx context.Context, u *coopdec.User, p *coopdec.MissionProposal, actor coopdec.Actor) error {
	if !coopdec.CanProposeMission(u, p.AuthorityID) {
		if len(coopdec.AuthoritiesOf(u)) > 0 && p.AuthorityID != 0 {
			return coopdec.FieldError("organisation_id", "mission.proposal.not_member")
		}
		return errForbidden
	}
	if err := p.MissionTerms.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkPartnerOrg(ctx, tx, &p.MissionTerms); err != nil {
			return err
		}
		now := db.now()
		p.State, p.ProposedBy, p.ProposedAt, p.Reason = coopdec.ProposalPending, u.ID, now, ""
		if err := tx.QueryRowContext(ctx, `INSERT INTO mission_proposals (organisation_id, country, partner_name,
			partner_organisation_id, themes, need, date_from, date_to, duration_days, languages, budget_cents, state,
			proposed_by, proposed_at, place) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			p.AuthorityID, p.Country, p.PartnerName, nullID(p.PartnerOrgID), codeList(p.Themes), p.Need, dayText(p.From),
			dayText(p.To), p.DurationDays, codeList(p.Languages), p.BudgetCents, string(p.State), nullID(u.ID), now,
			p.Place).Scan(&p.ID); err != nil {
			return translate(err)
		}
		return db.audit(ctx, tx, actor, coopdec.AuditMissionPropose, proposalSubject(p.ID),
			"organisation:"+strconv.FormatInt(p.AuthorityID, 10)+" "+p.Country)
	})
}

func (db *DB) loadProposal(ctx context.Context, q querier, id int64, forUpdate bool) (*ProposalRecord, error) {
	query := `SELECT ` + proposalColumns + ` FROM mission_proposals p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = $1`
	if forUpdate && db.Dialect == Postgres {
		query += ` FOR UPDATE OF p`
	}
	p := &ProposalRecord{}
	err := scanProposal(q.QueryRowContext(ctx, query, id), p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errProposalNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return p, nil
}

// MissionProposal returns a proposal.
func (db *DB) MissionProposal(ctx context.Context, id int64) (*ProposalRecord, error) {
	return db.loadProposal(ctx, db.read, id, false)
}

// ProposalFilter selects proposals: those of AuthorityIDs unless All.
type ProposalFilter struct {
	State        coopdec.ProposalState
	All          bool
	AuthorityIDs []int64
}

// ListMissionProposals lists the proposals f selects, newest first.
func (db *DB) ListMissionProposals(ctx context.Context, f ProposalFilter, page coopdec.Page) ([]ProposalRecord, coopdec.Page, error) {
	var where []string
	var args []any
	if f.State != "" {
		args = append(args, string(f.State))
		where = append(where, "p.state = $1")
	}
	if !f.All {
		if len(f.AuthorityIDs) == 0 {
			return nil, page, nil
		}
		var ps []string
		for _, id := range f.AuthorityIDs {
			args = append(args, id)
			ps = append(ps, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, "p.organisation_id IN ("+strings.Join(ps, ", ")+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	from := ` FROM mission_proposals p JOIN organisations o ON o.id = p.organisation_id`
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+from+cond, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+proposalColumns+from+cond+` ORDER BY p.proposed_at DESC, p.id DESC LIMIT `+
		strconv.Itoa(page.PerPage)+` OFFSET `+strconv.Itoa(page.Offset()), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []ProposalRecord
	for rows.Next() {
		var p ProposalRecord
		if err := scanProposal(rows, &p); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, p)
	}
	return out, page, translate(rows.Err())
}

// ReviewMissionProposal accepts or declines proposal id (officers only;
// coopdec.CheckProposalReview). An accepted proposal becomes a request
// already assigned to the proposer. Audited in the same transaction.
func (db *DB) ReviewMissionProposal(ctx context.Context, u *coopdec.User, id int64, accept bool, reason string,
	actor coopdec.Actor) (*ProposalRecord, error) {
	if !coopdec.CanReviewMissionProposal(u) {
		return nil, errForbidden
	}
	var out *ProposalRecord
	err := db.tx(ctx, func(tx *sql.Tx) error {
		p, err := db.loadProposal(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := coopdec.CheckProposalReview(&p.MissionProposal, accept, &reason); err != nil {
			return err
		}
		now := db.now()
		p.ReviewedBy, p.ReviewedAt, p.Reason = u.ID, now, reason
		p.State = coopdec.ProposalDeclined
		if accept {
			p.State = coopdec.ProposalAccepted
			m := &coopdec.MissionRequest{MissionTerms: p.MissionTerms, State: coopdec.MissionSelected, CreatedBy: u.ID,
				AuthorityID: p.AuthorityID, ProposalID: p.ID, CreatedAt: now, UpdatedAt: now}
			if err := db.insertMission(ctx, tx, m); err != nil {
				return err
			}
			p.RequestID = m.ID
		}
		res, err := tx.ExecContext(ctx, `UPDATE mission_proposals SET state = $1, reason = $2, reviewed_by = $3, reviewed_at = $4,
			request_id = $5 WHERE id = $6 AND state = $7`, string(p.State), p.Reason, nullID(u.ID), now, nullID(p.RequestID),
			p.ID, string(coopdec.ProposalPending))
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "mission.proposal.reviewed"}
		}
		details := string(p.State)
		if p.RequestID != 0 {
			details += " " + missionSubject(p.RequestID)
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditMissionProposalReview, proposalSubject(p.ID), details); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

// MissionCancelNotice builds the emails that tell the invited authorities'
// members that request m was cancelled, and why; members lists them per
// authority.
type MissionCancelNotice func(m *coopdec.MissionRequest, reason string, invited []coopdec.Organisation, members map[int64][]DraftHolder) []Job

// CancelMissionRequest closes request id without a choice
// (coopdec.CheckMissionCancel), audits it with its reason and enqueues the
// jobs notify builds for the invited authorities, in one transaction.
func (db *DB) CancelMissionRequest(ctx context.Context, e Enqueuer, v coopdec.MissionViewer, id int64, reason string,
	actor coopdec.Actor, notify MissionCancelNotice) error {
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		m, err := db.loadMission(ctx, tx, id, true)
		if err != nil {
			return err
		}
		var orders int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mission_orders WHERE mission_id = $1`, id).Scan(&orders); err != nil {
			return translate(err)
		}
		why := reason
		if err := coopdec.CheckMissionCancel(v, m, orders > 0, &why); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE mission_requests SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4`,
			string(coopdec.MissionCancelled), now, m.ID, string(m.State))
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errMissionChanged
		}
		m.State, m.UpdatedAt = coopdec.MissionCancelled, now
		// The trail keeps the reason: it is the request's one record of why
		// it closed.
		if err := db.audit(ctx, tx, actor, coopdec.AuditMissionCancel, missionSubject(m.ID), why); err != nil {
			return err
		}
		if notify == nil {
			return nil
		}
		rec, err := db.missionRecord(ctx, tx, id)
		if err != nil {
			return err
		}
		var invited []coopdec.Organisation
		members := map[int64][]DraftHolder{}
		for _, inv := range rec.Invitations {
			invited = append(invited, coopdec.Organisation{ID: inv.AuthorityID, Kind: coopdec.OrgFrenchAuthority, Name: inv.AuthorityName})
			if members[inv.AuthorityID], err = orgMemberContacts(ctx, tx, inv.AuthorityID); err != nil {
				return err
			}
		}
		if len(invited) == 0 {
			return nil
		}
		return enqueue(notify(m, why, invited, members)...)
	})
}

// MissionCancellation is when, by whom and why a request was cancelled.
type MissionCancellation struct {
	Reason string
	By     int64
	At     time.Time
}

// MissionCancellation returns the cancellation of request id, read from the
// audit trail; ENOTFOUND when it was not cancelled.
func (db *DB) MissionCancellation(ctx context.Context, id int64) (*MissionCancellation, error) {
	c := &MissionCancellation{}
	var by sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT details, actor_id, at FROM audit_events WHERE action = $1 AND subject = $2
		ORDER BY id DESC LIMIT 1`, coopdec.AuditMissionCancel, missionSubject(id)).Scan(&c.Reason, &by, &c.At)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission.cancel.not_found"}
	}
	if err != nil {
		return nil, translate(err)
	}
	c.By, c.At = by.Int64, c.At.UTC()
	return c, nil
}
