package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// Labels of international expertise: applications (a granted one is the
// label), their review history, the numbers handed out per year and the
// reminders sent before expiry.

var errLabelNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "label.not_found"}

func labelSubject(id int64) string { return "label:" + strconv.FormatInt(id, 10) }

// LabelRecord is a label application with its authority.
type LabelRecord struct {
	coopdec.LabelApplication
	OrganisationName string
	RegionCode       string
}

const labelColumns = `l.id, l.organisation_id, COALESCE(l.renews_id, 0), l.state, l.competencies, l.evidence, l.conditions,
	COALESCE(l.number, ''), l.reason, l.created_by, l.created_at, l.updated_at, l.submitted_at, l.decided_at, l.granted_at,
	l.expires_at, o.name, o.region_code`

const labelFrom = ` FROM label_applications l JOIN organisations o ON o.id = l.organisation_id`

func scanLabel(sc interface{ Scan(...any) error }) (*LabelRecord, error) {
	var r LabelRecord
	var comp, ev, cond, state string
	var submitted, decided, granted, expires sql.NullTime
	if err := sc.Scan(&r.ID, &r.OrganisationID, &r.RenewsID, &state, &comp, &ev, &cond, &r.Number, &r.Reason, &r.CreatedBy,
		&r.CreatedAt, &r.UpdatedAt, &submitted, &decided, &granted, &expires, &r.OrganisationName, &r.RegionCode); err != nil {
		return nil, err
	}
	r.State = coopdec.LabelState(state)
	if err := json.Unmarshal([]byte(comp), &r.Competencies); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ev), &r.References); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cond), &r.Conditions); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	for _, p := range []struct {
		v  sql.NullTime
		to *time.Time
	}{{submitted, &r.SubmittedAt}, {decided, &r.DecidedAt}, {granted, &r.GrantedAt}, {expires, &r.ExpiresAt}} {
		if p.v.Valid {
			*p.to = p.v.Time.UTC()
		}
	}
	return &r, nil
}

func labelParts(a *coopdec.LabelApplication) (comp, ev, cond string, err error) {
	b1, err := json.Marshal(a.Competencies)
	if err != nil {
		return "", "", "", err
	}
	refs := a.References
	if refs == nil {
		refs = []coopdec.LabelReference{}
	}
	b2, err := json.Marshal(refs)
	if err != nil {
		return "", "", "", err
	}
	b3, err := json.Marshal(a.Conditions)
	if err != nil {
		return "", "", "", err
	}
	return string(b1), string(b2), string(b3), nil
}

func (db *DB) loadLabel(ctx context.Context, q querier, id int64, lock bool) (*LabelRecord, error) {
	suffix := ""
	if lock && db.Dialect == Postgres {
		suffix = ` FOR UPDATE OF l`
	}
	r, err := scanLabel(q.QueryRowContext(ctx, `SELECT `+labelColumns+labelFrom+` WHERE l.id = $1`+suffix, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errLabelNotFound
	}
	return r, err
}

// LabelApplication returns a label application with its authority.
func (db *DB) LabelApplication(ctx context.Context, id int64) (*LabelRecord, error) {
	r, err := db.loadLabel(ctx, db.read, id, false)
	return r, translate(err)
}

func labelsOf(ctx context.Context, q querier, orgID int64) ([]LabelRecord, error) {
	return queryLabels(ctx, q, `SELECT `+labelColumns+labelFrom+` WHERE l.organisation_id = $1 ORDER BY l.id DESC`, orgID)
}

func queryLabels(ctx context.Context, q querier, query string, args ...any) ([]LabelRecord, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LabelRecord
	for rows.Next() {
		r, err := scanLabel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// LabelApplicationsOf lists an authority's label applications, newest first.
func (db *DB) LabelApplicationsOf(ctx context.Context, orgID int64) ([]LabelRecord, error) {
	list, err := labelsOf(ctx, db.read, orgID)
	return list, translate(err)
}

// LabelFilter selects label applications for the officers; an empty State
// lists every application but drafts, which are the authorities' own.
type LabelFilter struct {
	State coopdec.LabelState
}

// ListLabelApplications lists a page of label applications, oldest
// submission first.
func (db *DB) ListLabelApplications(ctx context.Context, f LabelFilter, page coopdec.Page) ([]LabelRecord, coopdec.Page, error) {
	where, args := ` WHERE l.state <> 'draft'`, []any{}
	if f.State != "" {
		where, args = ` WHERE l.state = $1`, append(args, string(f.State))
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*)`+labelFrom+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	n := len(args)
	args = append(args, page.PerPage, page.Offset())
	list, err := queryLabels(ctx, db.read, `SELECT `+labelColumns+labelFrom+where+
		` ORDER BY COALESCE(l.submitted_at, l.created_at), l.id LIMIT $`+itoa(n+1)+` OFFSET $`+itoa(n+2), args...)
	return list, page, translate(err)
}

// CreateLabelApplication starts a draft application for a.OrganisationID
// with a's content, as coopdec.CheckLabelCreate allows u: with a granted
// label, the draft renews it.
func (db *DB) CreateLabelApplication(ctx context.Context, u *coopdec.User, a *coopdec.LabelApplication, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		existing, err := labelsOf(ctx, tx, a.OrganisationID)
		if err != nil {
			return err
		}
		apps := make([]coopdec.LabelApplication, len(existing))
		for i := range existing {
			apps[i] = existing[i].LabelApplication
		}
		renews, err := coopdec.CheckLabelCreate(u, a.OrganisationID, apps)
		if err != nil {
			return err
		}
		now := db.now()
		if err := a.Validate(false, now.Year()); err != nil {
			return err
		}
		comp, ev, cond, err := labelParts(a)
		if err != nil {
			return err
		}
		a.RenewsID, a.State, a.CreatedBy, a.CreatedAt, a.UpdatedAt = renews, coopdec.LabelDraft, u.ID, now, now
		return tx.QueryRowContext(ctx, `INSERT INTO label_applications (organisation_id, renews_id, state, competencies,
			evidence, conditions, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			a.OrganisationID, nullID(renews), string(a.State), comp, ev, cond, u.ID, now).Scan(&a.ID)
	})
}

// UpdateLabelApplication saves a's content on the stored draft a.ID, as
// coopdec.CheckLabelEdit allows u; a draft may be incomplete.
func (db *DB) UpdateLabelApplication(ctx context.Context, u *coopdec.User, a *coopdec.LabelApplication) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.loadLabel(ctx, tx, a.ID, true)
		if err != nil {
			return err
		}
		if err := coopdec.CheckLabelEdit(u, &cur.LabelApplication); err != nil {
			return err
		}
		now := db.now()
		if err := a.Validate(false, now.Year()); err != nil {
			return err
		}
		comp, ev, cond, err := labelParts(a)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE label_applications SET competencies = $1, evidence = $2, conditions = $3,
			updated_at = $4 WHERE id = $5`, comp, ev, cond, now, a.ID)
		return err
	})
}

// SubmitLabelApplication submits draft id for review once complete.
func (db *DB) SubmitLabelApplication(ctx context.Context, u *coopdec.User, id int64, actor coopdec.Actor) (*LabelRecord, error) {
	var out *LabelRecord
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.loadLabel(ctx, tx, id, true)
		if err != nil {
			return err
		}
		to, err := coopdec.CheckLabelAction(u, &cur.LabelApplication, coopdec.LabelActionSubmit, "")
		if err != nil {
			return err
		}
		now := db.now()
		if err := cur.Validate(true, now.Year()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE label_applications SET state = $1, submitted_at = $2, updated_at = $2
			WHERE id = $3`, string(to), now, id); err != nil {
			return err
		}
		if err := insertLabelReview(ctx, tx, id, coopdec.LabelActionSubmit, "", u.ID, now); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditLabelSubmit, labelSubject(id), ""); err != nil {
			return err
		}
		cur.State, cur.SubmittedAt, cur.UpdatedAt = to, now, now
		out = cur
		return nil
	})
	return out, err
}

func insertLabelReview(ctx context.Context, tx *sql.Tx, id int64, action coopdec.LabelAction, reason string, by int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO label_reviews (application_id, action, reason, by_user, at)
		VALUES ($1, $2, $3, $4, $5)`, id, string(action), reason, nullID(by), at)
	return err
}

// LabelReviews lists an application's review history, oldest first.
func (db *DB) LabelReviews(ctx context.Context, id int64) ([]coopdec.LabelReview, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT action, reason, COALESCE(by_user, 0), at FROM label_reviews
		WHERE application_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.LabelReview
	for rows.Next() {
		var r coopdec.LabelReview
		var action string
		if err := rows.Scan(&action, &r.Reason, &r.By, &r.At); err != nil {
			return nil, translate(err)
		}
		r.Action, r.At = coopdec.LabelAction(action), r.At.UTC()
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// LabelNotice builds the emails of a decision on a label for the members
// of its authority.
type LabelNotice func(r *LabelRecord, team []DraftHolder) []Job

var labelAudit = map[coopdec.LabelAction]string{
	coopdec.LabelActionRequestChanges: coopdec.AuditLabelRequestChanges,
	coopdec.LabelActionGrant:          coopdec.AuditLabelGrant,
	coopdec.LabelActionRefuse:         coopdec.AuditLabelRefuse,
	coopdec.LabelActionRevoke:         coopdec.AuditLabelRevoke,
}

// ReviewLabel records an officer's action on label application id: a
// request for changes, a grant (with a number and an expiry validityYears
// on), a refusal or a revocation, as coopdec.CheckLabelAction allows u,
// and enqueues through e the emails notify builds (nil: none), in the same
// transaction. Granting a renewal ends the label it renews.
func (db *DB) ReviewLabel(ctx context.Context, e Enqueuer, u *coopdec.User, id int64, action coopdec.LabelAction, reason string,
	validityYears int, actor coopdec.Actor, notify LabelNotice) (*LabelRecord, error) {
	var out *LabelRecord
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		cur, err := db.loadLabel(ctx, tx, id, true)
		if err != nil {
			return err
		}
		to, err := coopdec.CheckLabelAction(u, &cur.LabelApplication, action, reason)
		if err != nil {
			return err
		}
		reason = strings.TrimSpace(reason)
		now := db.now()
		details := ""
		switch action {
		case coopdec.LabelActionGrant:
			var seq int
			if err := tx.QueryRowContext(ctx, `INSERT INTO label_numbers (year, last) VALUES ($1, 1)
				ON CONFLICT (year) DO UPDATE SET last = label_numbers.last + 1 RETURNING last`, now.Year()).Scan(&seq); err != nil {
				return err
			}
			cur.Number, cur.GrantedAt, cur.ExpiresAt = coopdec.LabelNumber(now.Year(), seq), now, coopdec.LabelExpiry(now, validityYears)
			if _, err := tx.ExecContext(ctx, `UPDATE label_applications SET state = $1, number = $2, reason = $3,
				decided_at = $4, granted_at = $4, expires_at = $5, updated_at = $4 WHERE id = $6`,
				string(to), cur.Number, reason, now, cur.ExpiresAt, id); err != nil {
				return err
			}
			if cur.RenewsID != 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE label_applications SET state = 'expired', updated_at = $1
					WHERE id = $2 AND state = 'granted'`, now, cur.RenewsID); err != nil {
					return err
				}
				if err := db.indexLabel(ctx, tx, &coopdec.LabelApplication{ID: cur.RenewsID, State: coopdec.LabelExpired}); err != nil {
					return err
				}
			}
			details = cur.Number + " " + cur.ExpiresAt.Format(time.DateOnly)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE label_applications SET state = $1, reason = $2, decided_at = $3,
				updated_at = $3 WHERE id = $4`, string(to), reason, now, id); err != nil {
				return err
			}
			details = reason
		}
		cur.State = to
		if err := db.indexLabel(ctx, tx, &cur.LabelApplication); err != nil {
			return err
		}
		if err := insertLabelReview(ctx, tx, id, action, reason, u.ID, now); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, labelAudit[action], labelSubject(id), details); err != nil {
			return err
		}
		cur.State, cur.Reason, cur.DecidedAt, cur.UpdatedAt = to, reason, now, now
		out = cur
		if notify == nil {
			return nil
		}
		team, err := organisationTeam(ctx, tx, cur.OrganisationID)
		if err != nil {
			return err
		}
		return enqueue(notify(cur, team)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// organisationTeam lists the active members of an organisation.
func organisationTeam(ctx context.Context, q querier, orgID int64) ([]DraftHolder, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 AND u.disabled_at IS NULL ORDER BY u.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DraftHolder
	for rows.Next() {
		var h DraftHolder
		if err := rows.Scan(&h.UserID, &h.Email, &h.Name, &h.Language); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// LabelExpiryReport counts what a run of the label clock did.
type LabelExpiryReport struct {
	Reminded int `json:"reminded"`
	Expired  int `json:"expired"`
}

// LabelReminder builds the emails of a reminder days before expiry.
type LabelReminder func(r *LabelRecord, days int, team []DraftHolder) []Job

// RunLabelClock marks the granted labels past their expiry as expired, and
// sends the reminders due before expiry (coopdec.LabelRemindersDue): the
// nearest one is emailed through e and every due one is recorded, so each
// is sent once. Each label is handled in a transaction of its own.
func (db *DB) RunLabelClock(ctx context.Context, e Enqueuer, remind LabelReminder) (LabelExpiryReport, error) {
	var rep LabelExpiryReport
	now := db.now()
	granted, err := queryLabels(ctx, db.read, `SELECT `+labelColumns+labelFrom+` WHERE l.state = 'granted' ORDER BY l.id`)
	if err != nil {
		return rep, translate(err)
	}
	for i := range granted {
		id := granted[i].ID
		err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
			cur, err := db.loadLabel(ctx, tx, id, true)
			if err != nil || cur.State != coopdec.LabelGranted {
				return err
			}
			if coopdec.LabelHasExpired(cur.ExpiresAt, now) {
				if _, err := tx.ExecContext(ctx, `UPDATE label_applications SET state = 'expired', updated_at = $1 WHERE id = $2`,
					now, id); err != nil {
					return err
				}
				cur.State = coopdec.LabelExpired
				if err := db.indexLabel(ctx, tx, &cur.LabelApplication); err != nil {
					return err
				}
				rep.Expired++
				return nil
			}
			sent, err := labelRemindersSent(ctx, tx, id)
			if err != nil {
				return err
			}
			due := coopdec.LabelRemindersDue(cur.ExpiresAt, now, sent)
			if len(due) == 0 {
				return nil
			}
			for _, d := range due {
				if _, err := tx.ExecContext(ctx, `INSERT INTO label_reminders (application_id, days, sent_at) VALUES ($1, $2, $3)`,
					id, d, now); err != nil {
					return err
				}
			}
			rep.Reminded++
			if remind == nil {
				return nil
			}
			team, err := organisationTeam(ctx, tx, cur.OrganisationID)
			if err != nil {
				return err
			}
			return enqueue(remind(cur, due[len(due)-1], team)...)
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func labelRemindersSent(ctx context.Context, q querier, id int64) ([]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT days FROM label_reminders WHERE application_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var d int
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// LabelRemindersSent lists the reminders (days before expiry) sent for a
// label.
func (db *DB) LabelRemindersSent(ctx context.Context, id int64) ([]int, error) {
	list, err := labelRemindersSent(ctx, db.read, id)
	return list, translate(err)
}

// LabelListing is a valid label as the directory and the matching read it.
type LabelListing struct {
	LabelRecord
	Themes    []string
	Languages []string
	Countries []string // of experience, from the references
}

// ValidLabels lists the labels granted and still valid at now, with their
// authority, by authority name.
func (db *DB) ValidLabels(ctx context.Context, now time.Time) ([]LabelListing, error) {
	list, err := queryLabels(ctx, db.read, `SELECT `+labelColumns+labelFrom+
		` WHERE l.state = 'granted' AND l.expires_at > $1 ORDER BY o.name, l.id`, now.UTC())
	if err != nil {
		return nil, translate(err)
	}
	out := make([]LabelListing, len(list))
	for i := range list {
		r := list[i]
		out[i] = LabelListing{LabelRecord: r, Themes: r.Competencies.Themes, Languages: r.Conditions.Languages, Countries: r.Countries()}
	}
	return out, nil
}
