package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// PostMessage adds a message, with its files (blobs stored already), to an
// application's thread. The author must be allowed to (coopdec.CanMessage):
// the lead's members, and once submitted the call's officers and
// co-managers. notify builds the jobs that tell the other side.
func (db *DB) PostMessage(ctx context.Context, e Enqueuer, u *coopdec.User, m *coopdec.Message, actor coopdec.Actor,
	notify func(m *coopdec.Message, a *coopdec.Application, c *coopdec.Call) []Job) error {
	if err := m.Validate(); err != nil {
		return err
	}
	for i := range m.Attachments {
		if m.Attachments[i].DocumentCode == "" {
			m.Attachments[i].DocumentCode = "message"
		}
		if err := validateAttachment(&m.Attachments[i]); err != nil {
			return err
		}
	}
	sizes := make([]int64, len(m.Attachments))
	for i, a := range m.Attachments {
		sizes[i] = a.SizeBytes
	}
	if err := coopdec.CheckAttachmentSizes(sizes); err != nil {
		return err
	}
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, m.ApplicationID, false)
		if err != nil {
			return err
		}
		c, err := db.loadCall(ctx, tx, a.CallID, false)
		if err != nil {
			return err
		}
		if !coopdec.CanMessage(u, a, c) {
			return errApplicationNotFound
		}
		_, member := u.Membership(a.LeadOrganisationID)
		m.AuthorID, m.AuthorName, m.FromApplicant, m.CreatedAt = u.ID, u.Name, member, db.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO application_messages (application_id, author_id, from_applicant, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.ID, u.ID, m.FromApplicant, m.Body, m.CreatedAt).Scan(&m.ID); err != nil {
			return err
		}
		for i := range m.Attachments {
			att := &m.Attachments[i]
			att.ApplicationID, att.MessageID, att.UploadedBy, att.CorrectionID = a.ID, m.ID, u.ID, 0
			if err := insertAttachment(ctx, tx, db, att, attachmentCurrent); err != nil {
				return err
			}
		}
		if notify != nil {
			return enqueue(notify(m, a, c)...)
		}
		return nil
	})
}

// MessageCount counts the messages of application appID.
func (db *DB) MessageCount(ctx context.Context, appID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM application_messages WHERE application_id = $1`, appID).Scan(&n)
	return n, translate(err)
}

// ListMessages lists a page of an application's thread, oldest first, with
// their files.
func (db *DB) ListMessages(ctx context.Context, appID int64, page coopdec.Page) ([]coopdec.Message, coopdec.Page, error) {
	if page.PerPage <= 0 {
		page = coopdec.NewPage(page.Page, page.PerPage)
	}
	var err error
	if page.Total, err = db.MessageCount(ctx, appID); err != nil {
		return nil, page, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.author_id, COALESCE(u.name, ''), m.from_applicant, m.body, m.created_at
		FROM application_messages m LEFT JOIN users u ON u.id = m.author_id
		WHERE m.application_id = $1 ORDER BY m.id LIMIT $2 OFFSET $3`, appID, page.PerPage, page.Offset())
	if err != nil {
		return nil, page, translate(err)
	}
	var out []coopdec.Message
	byID := map[int64]int{}
	for rows.Next() {
		var m coopdec.Message
		var author sql.NullInt64
		if err := rows.Scan(&m.ID, &author, &m.AuthorName, &m.FromApplicant, &m.Body, &m.CreatedAt); err != nil {
			rows.Close()
			return nil, page, translate(err)
		}
		m.ApplicationID, m.AuthorID, m.CreatedAt = appID, author.Int64, m.CreatedAt.UTC()
		byID[m.ID] = len(out)
		out = append(out, m)
	}
	if err := rows.Close(); err != nil {
		return nil, page, translate(err)
	}
	if len(out) == 0 {
		return out, page, translate(rows.Err())
	}
	files, err := listAttachments(ctx, db.read, `application_id = $1 AND message_id BETWEEN $2 AND $3`,
		appID, out[0].ID, out[len(out)-1].ID)
	if err != nil {
		return nil, page, translate(err)
	}
	for _, f := range files {
		if i, ok := byID[f.MessageID]; ok {
			out[i].Attachments = append(out[i].Attachments, f.Attachment)
		}
	}
	return out, page, nil
}

// ListApplications lists the applications f selects, with what lists show
// around them: the most recently submitted or changed first.
func (db *DB) ListApplications(ctx context.Context, f coopdec.ApplicationFilter, page coopdec.Page) ([]coopdec.ApplicationSummary, coopdec.Page, error) {
	if page.PerPage <= 0 {
		page = coopdec.NewPage(page.Page, page.PerPage)
	}
	where, args := applicationWhere(f)
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM applications a WHERE `+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	limit := "$" + strconv.Itoa(len(args)+1)
	offset := "$" + strconv.Itoa(len(args)+2)
	cols := strings.ReplaceAll("a."+applicationColumns, ", ", ", a.")
	cols = strings.ReplaceAll(cols, ",\n\ta.", ", a.")
	rows, err := db.read.QueryContext(ctx, `SELECT `+cols+`, c.reference, c.deadline, o.name, a.eligible,
		(SELECT count(*) FROM application_messages m WHERE m.application_id = a.id),
		(SELECT max(m.created_at) FROM application_messages m WHERE m.application_id = a.id),
		(SELECT min(r.due_at) FROM correction_requests r WHERE r.application_id = a.id AND r.status = 'open')
		FROM applications a JOIN calls c ON c.id = a.call_id JOIN organisations o ON o.id = a.lead_organisation_id
		WHERE `+where+` ORDER BY COALESCE(a.submitted_at, a.updated_at) DESC, a.id DESC LIMIT `+limit+` OFFSET `+offset,
		append(args, page.PerPage, page.Offset())...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []coopdec.ApplicationSummary
	for rows.Next() {
		var s coopdec.ApplicationSummary
		var content string
		var submitted, withdrawn, deadline sql.NullTime
		var lastMessage, due anyTime
		var receipt sql.NullString
		var eligible sql.NullBool
		a := &s.Application
		if err := rows.Scan(&a.ID, &a.CallID, &a.LeadOrganisationID, &a.Status, &a.Version, &content,
			&a.CreatedAt, &a.UpdatedAt, &submitted, &withdrawn, &a.WithdrawalReason, &receipt,
			&s.CallReference, &deadline, &s.LeadName, &eligible, &s.Messages, &lastMessage, &due); err != nil {
			return nil, page, translate(err)
		}
		a.CreatedAt, a.UpdatedAt, a.SubmittedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC(), fromNullTime(submitted)
		a.WithdrawnAt, a.ReceiptNumber = fromNullTime(withdrawn), receipt.String
		if err := unmarshalApplicationContent(content, a); err != nil {
			return nil, page, err
		}
		s.Deadline, s.LastMessageAt, s.CorrectionDue = fromNullTime(deadline), lastMessage.t, due.t
		if eligible.Valid {
			v := eligible.Bool
			s.Eligible = &v
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, page, translate(err)
	}
	if err := db.applyCallTitles(ctx, out); err != nil {
		return nil, page, err
	}
	return out, page, db.applyConfirmations(ctx, out)
}

// applyCallTitles names the calls of a page of applications, in every
// language, in one query.
func (db *DB) applyCallTitles(ctx context.Context, list []coopdec.ApplicationSummary) error {
	if len(list) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	var ids []string
	for _, s := range list {
		if !seen[s.Application.CallID] {
			seen[s.Application.CallID] = true
			ids = append(ids, strconv.FormatInt(s.Application.CallID, 10))
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT call_id, lang, title FROM call_texts WHERE call_id IN (`+strings.Join(ids, ",")+`)`)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	titles := map[int64]map[string]string{}
	for rows.Next() {
		var id int64
		var lang, title string
		if err := rows.Scan(&id, &lang, &title); err != nil {
			return translate(err)
		}
		if titles[id] == nil {
			titles[id] = map[string]string{}
		}
		titles[id][lang] = title
	}
	for i := range list {
		list[i].CallTitles = titles[list[i].Application.CallID]
	}
	return translate(rows.Err())
}

// applyConfirmations marks the partners that confirmed, for a page of
// applications in one query.
func (db *DB) applyConfirmations(ctx context.Context, list []coopdec.ApplicationSummary) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = strconv.FormatInt(s.Application.ID, 10)
	}
	all, err := scanConfirmations(db.read.QueryContext(ctx, `SELECT `+confirmationColumns+`
		FROM partner_confirmations WHERE application_id IN (`+strings.Join(ids, ",")+`) ORDER BY id`))
	if err != nil {
		return translate(err)
	}
	by := map[int64][]coopdec.PartnerConfirmation{}
	for _, pc := range all {
		by[pc.ApplicationID] = append(by[pc.ApplicationID], pc)
	}
	for i := range list {
		coopdec.ApplyConfirmations(&list[i].Application, by[list[i].Application.ID])
	}
	return nil
}

// applicationWhere builds the WHERE clause of f, on applications as a.
func applicationWhere(f coopdec.ApplicationFilter) (string, []any) {
	conds := []string{"1 = 1"}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	ids := func(col string, list []int64) {
		if list == nil {
			return
		}
		if len(list) == 0 {
			conds = append(conds, "1 = 0")
			return
		}
		s := make([]string, len(list))
		for i, id := range list {
			s[i] = strconv.FormatInt(id, 10)
		}
		conds = append(conds, col+" IN ("+strings.Join(s, ",")+")")
	}
	if f.CallID > 0 {
		conds = append(conds, "a.call_id = "+arg(f.CallID))
	}
	ids("a.call_id", f.CallIDs)
	ids("a.lead_organisation_id", f.LeadOrganisationIDs)
	if f.Status != "" {
		conds = append(conds, "a.status = "+arg(string(f.Status)))
	}
	if f.SubmittedOnly {
		conds = append(conds, "a.submitted_at IS NOT NULL")
	}
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		conds = append(conds, "a.countries LIKE "+arg("%,"+likeEscape(c)+",%")+` ESCAPE '\'`)
	}
	if t := strings.ToLower(strings.TrimSpace(f.Theme)); t != "" {
		conds = append(conds, "a.themes LIKE "+arg("%,"+likeEscape(t)+",%")+` ESCAPE '\'`)
	}
	switch f.Eligible {
	case "yes":
		conds = append(conds, "a.eligible = "+arg(true))
	case "no":
		conds = append(conds, "a.eligible = "+arg(false))
	case "unknown":
		conds = append(conds, "a.eligible IS NULL")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// The title is stored folded: SQLite's lower() knows no accents.
		cond := "a.receipt_number = " + arg(strings.ToUpper(q))
		if words := coopdec.Fold(q); words != "" {
			cond += " OR a.title LIKE " + arg("%"+likeEscape(words)+"%") + ` ESCAPE '\'`
		}
		conds = append(conds, "("+cond+")")
	}
	return strings.Join(conds, " AND "), args
}

// DraftHolder is someone with a draft on a call: told when it is amended.
type DraftHolder struct {
	UserID        int64
	Email         string
	Name          string
	Language      string
	ApplicationID int64
}

// DraftHolders lists the members of the lead organisations that hold a
// draft on a call, one entry per person and draft.
func (db *DB) DraftHolders(ctx context.Context, callID int64) ([]DraftHolder, error) {
	return draftHolders(ctx, db.read, callID)
}

func draftHolders(ctx context.Context, q querier, callID int64) ([]DraftHolder, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language, a.id
		FROM applications a JOIN memberships m ON m.organisation_id = a.lead_organisation_id
		JOIN users u ON u.id = m.user_id
		WHERE a.call_id = $1 AND a.status = $2 AND u.disabled_at IS NULL ORDER BY a.id, u.id`,
		callID, string(coopdec.ApplicationDraft))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []DraftHolder
	for rows.Next() {
		var h DraftHolder
		if err := rows.Scan(&h.UserID, &h.Email, &h.Name, &h.Language, &h.ApplicationID); err != nil {
			return nil, translate(err)
		}
		out = append(out, h)
	}
	return out, translate(rows.Err())
}

// ApplicationTeam lists the members of an application's lead organisation,
// to tell them of what happens to it.
func (db *DB) ApplicationTeam(ctx context.Context, appID int64) ([]DraftHolder, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language, a.id
		FROM applications a JOIN memberships m ON m.organisation_id = a.lead_organisation_id
		JOIN users u ON u.id = m.user_id WHERE a.id = $1 AND u.disabled_at IS NULL ORDER BY u.id`, appID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []DraftHolder
	for rows.Next() {
		var h DraftHolder
		if err := rows.Scan(&h.UserID, &h.Email, &h.Name, &h.Language, &h.ApplicationID); err != nil {
			return nil, translate(err)
		}
		out = append(out, h)
	}
	return out, translate(rows.Err())
}

// anyTime scans a timestamp computed by an aggregate: PostgreSQL gives a
// time, SQLite the text it stored (an aggregate has no declared type for
// the driver to convert by).
type anyTime struct{ t time.Time }

func (a *anyTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		a.t = time.Time{}
	case time.Time:
		a.t = v.UTC()
	case string:
		return a.parse(v)
	case []byte:
		return a.parse(string(v))
	default:
		return fmt.Errorf("sqldb: unable to read %T as a time", v)
	}
	return nil
}

func (a *anyTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			a.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("sqldb: unable to read %q as a time", s)
}
