package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errOpinionRequestNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "opinion.request.not_found"}
	errOpinionNothing         = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "opinion.request.nothing"}
	errOpinionGiven           = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "opinion.given.already"}
)

func opinionRequestSubject(id int64) string { return "opinion_request:" + strconv.FormatInt(id, 10) }

// OpinionRecord is an opinion request as stored, with the opinion given in
// answer (nil while none is).
type OpinionRecord struct {
	Request     coopdec.OpinionRequest
	CallID      int64
	Country     string // the embassy's, ISO code
	EmbassyName string
	Note        string // the call's managers' note to the embassy
	Opinion     *coopdec.EmbassyOpinion
}

// State tells where the request stands at now.
func (r *OpinionRecord) State(now time.Time) coopdec.OpinionState {
	return coopdec.OpinionStateAt(&r.Request, r.Opinion, now)
}

// OpinionBatch asks the embassies of the countries its applications concern
// for their opinion, by one due date and with one note.
type OpinionBatch struct {
	CallID int64
	// ApplicationIDs are the applications, of the call; none means every
	// submitted application of the call.
	ApplicationIDs []int64
	DueAt          time.Time
	Note           string
}

// OpinionNotice builds the emails that tell embassies' staff of the
// requests just made; staff lists, per embassy, its members who hold the
// embassy role.
type OpinionNotice func(recs []OpinionRecord, staff map[int64][]DraftHolder) []Job

// RequestOpinions asks, for every application of b, the embassy of every
// country it concerns (coopdec.OpinionCountries) that is registered and
// not asked yet, for its opinion (coopdec.CheckOpinionRequest): pairs
// already asked and countries without an embassy are passed over; nothing
// left to ask is ECONFLICT. Each request is audited, and the jobs notify
// builds are enqueued, in the same transaction.
func (db *DB) RequestOpinions(ctx context.Context, e Enqueuer, u *coopdec.User, b *OpinionBatch, actor coopdec.Actor,
	notify OpinionNotice) ([]OpinionRecord, error) {
	var out []OpinionRecord
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		out = nil
		// Locking the call queues concurrent batches on it.
		c, err := db.loadCall(ctx, tx, b.CallID, true)
		if err != nil {
			return err
		}
		if !coopdec.CanRequestOpinion(u, c) {
			return errForbidden
		}
		now := db.now()
		note := b.Note
		if err := checkOpinionBatch(b.DueAt, &note, now); err != nil {
			return err
		}
		ids := b.ApplicationIDs
		if len(ids) == 0 {
			if ids, err = submittedApplicationIDs(ctx, tx, c.ID); err != nil {
				return err
			}
		}
		slices.Sort(ids)
		embassies := map[string]*coopdec.Organisation{}
		for _, id := range slices.Compact(ids) {
			a, err := db.loadApplication(ctx, tx, id, false)
			if errors.Is(err, errApplicationNotFound) || err == nil && a.CallID != c.ID {
				return errApplicationNotFound
			}
			if err != nil {
				return err
			}
			for _, country := range coopdec.OpinionCountries(a) {
				emb, ok := embassies[country]
				if !ok {
					if emb, err = loadEmbassy(ctx, tx, country); err != nil {
						return err
					}
					embassies[country] = emb
				}
				if emb == nil {
					continue
				}
				var asked bool
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM opinion_requests
					WHERE application_id = $1 AND embassy_organisation_id = $2)`, a.ID, emb.ID).Scan(&asked); err != nil {
					return err
				}
				if asked {
					continue
				}
				rec := OpinionRecord{CallID: c.ID, Country: country, EmbassyName: emb.Name, Note: note,
					Request: coopdec.OpinionRequest{ApplicationID: a.ID, EmbassyOrganisationID: emb.ID, DueAt: dbTime(b.DueAt),
						RequestedBy: u.ID, RequestedAt: now}}
				if err := coopdec.CheckOpinionRequest(u, c, a, emb, &rec.Request, nil, now); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `INSERT INTO opinion_requests (call_id, application_id, country,
					embassy_organisation_id, due_at, note, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
					c.ID, a.ID, country, emb.ID, rec.Request.DueAt, note, nullID(u.ID), now).Scan(&rec.Request.ID); err != nil {
					return translate(err)
				}
				if err := db.audit(ctx, tx, actor, coopdec.AuditOpinionRequest, applicationSubject(a.ID),
					opinionRequestSubject(rec.Request.ID)+" embassy:"+strconv.FormatInt(emb.ID, 10)+" "+country+
						" due:"+rec.Request.DueAt.Format(time.RFC3339)); err != nil {
					return err
				}
				out = append(out, rec)
			}
		}
		if len(out) == 0 {
			return errOpinionNothing
		}
		if notify == nil {
			return nil
		}
		staff := map[int64][]DraftHolder{}
		for _, rec := range out {
			id := rec.Request.EmbassyOrganisationID
			if _, done := staff[id]; done {
				continue
			}
			if staff[id], err = embassyStaff(ctx, tx, id); err != nil {
				return err
			}
		}
		return enqueue(notify(out, staff)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkOpinionBatch checks a batch's due date and note as
// coopdec.CheckOpinionRequest does each request's, before any is made.
func checkOpinionBatch(due time.Time, note *string, now time.Time) error {
	var errs coopdec.Errors
	err := (&coopdec.OpinionRequest{EmbassyOrganisationID: 1, DueAt: due}).Validate(now)
	if err != nil {
		errs = append(errs, opinionFieldErrors(err)...)
	}
	*note = strings.TrimSpace(*note)
	if len([]rune(*note)) > opinionNoteMax {
		errs = append(errs, coopdec.FieldError("note", "evaluation.text.too_long", opinionNoteMax))
	}
	return errs.Err()
}

// opinionNoteMax is coopdec's bound on a request's note.
const opinionNoteMax = 4000

// opinionFieldErrors spreads a validation error into its field errors.
func opinionFieldErrors(err error) coopdec.Errors {
	var list coopdec.Errors
	var one *coopdec.Error
	switch {
	case errors.As(err, &list):
		return list
	case errors.As(err, &one):
		return coopdec.Errors{one}
	}
	return nil
}

func submittedApplicationIDs(ctx context.Context, q querier, callID int64) ([]int64, error) {
	return queryIDs(ctx, q, `SELECT id FROM applications WHERE call_id = $1 AND status = $2 ORDER BY id`,
		callID, string(coopdec.ApplicationSubmitted))
}

// loadEmbassy returns the embassy posted in country, or nil when none is
// registered.
func loadEmbassy(ctx context.Context, q querier, country string) (*coopdec.Organisation, error) {
	o := &coopdec.Organisation{}
	err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE kind = $1 AND country = $2`,
		string(coopdec.OrgEmbassy), strings.ToUpper(country)), o)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return o, nil
}

// Embassies returns the embassies registered in countries, by country.
func (db *DB) Embassies(ctx context.Context, countries []string) (map[string]*coopdec.Organisation, error) {
	out := map[string]*coopdec.Organisation{}
	for _, c := range countries {
		c = strings.ToUpper(c)
		if _, done := out[c]; done {
			continue
		}
		o, err := loadEmbassy(ctx, db.read, c)
		if err != nil {
			return nil, err
		}
		if o != nil {
			out[c] = o
		}
	}
	return out, nil
}

// embassyStaff lists an embassy's members who hold the embassy role.
func embassyStaff(ctx context.Context, q querier, orgID int64) ([]DraftHolder, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language FROM memberships m
		JOIN users u ON u.id = m.user_id
		WHERE m.organisation_id = $1 AND u.disabled_at IS NULL
		  AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $2)
		ORDER BY u.id`, orgID, string(coopdec.RoleEmbassy))
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

// GiveOpinion records the opinion of the embassy a request was sent to,
// in answer to it: coopdec.CheckOpinion decides (the embassy's staff,
// before the due date); the opinion is validated, and final once given
// (ECONFLICT for a second one). Audited in the same transaction.
func (db *DB) GiveOpinion(ctx context.Context, u *coopdec.User, requestID int64, op *coopdec.EmbassyOpinion, actor coopdec.Actor) (*OpinionRecord, error) {
	var rec *OpinionRecord
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if rec, err = db.loadOpinionRecord(ctx, tx, requestID, true); err != nil {
			return err
		}
		a, err := db.loadApplication(ctx, tx, rec.Request.ApplicationID, false)
		if err != nil {
			return err
		}
		emb := &coopdec.Organisation{}
		if err := scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`,
			rec.Request.EmbassyOrganisationID), emb); err != nil {
			return translate(err)
		}
		if !coopdec.CanGiveOpinion(u, emb, a) {
			return errForbidden
		}
		if rec.Opinion != nil {
			return errOpinionGiven
		}
		now := db.now()
		if err := coopdec.CheckOpinion(u, emb, a, &rec.Request, now); err != nil {
			return err
		}
		op.ApplicationID, op.EmbassyOrganisationID, op.AuthorID, op.GivenAt = a.ID, emb.ID, u.ID, now
		if err := op.Validate(); err != nil {
			// The committee reads the comment: say so rather than "required".
			for _, fe := range opinionFieldErrors(err) {
				if fe.Field == "comment" && fe.Key == "evaluation.text.required" {
					fe.Key = "opinion.comment.required"
				}
			}
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO embassy_opinions (request_id, application_id, embassy_organisation_id,
			value, comment, given_by, given_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			rec.Request.ID, a.ID, emb.ID, string(op.Value), op.Comment, nullID(u.ID), now).Scan(&op.ID)
		if isConflict(err) {
			return errOpinionGiven
		}
		if err != nil {
			return translate(err)
		}
		rec.Opinion = op
		return db.audit(ctx, tx, actor, coopdec.AuditOpinionGive, applicationSubject(a.ID),
			opinionRequestSubject(rec.Request.ID)+" embassy:"+strconv.FormatInt(emb.ID, 10)+" "+string(op.Value))
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

const opinionColumns = `r.id, r.call_id, r.application_id, r.country, r.embassy_organisation_id, e.name, r.due_at, r.note,
	COALESCE(r.requested_by, 0), r.requested_at, o.id, o.value, o.comment, o.given_by, o.given_at`

const opinionFrom = ` FROM opinion_requests r JOIN organisations e ON e.id = r.embassy_organisation_id
	LEFT JOIN embassy_opinions o ON o.request_id = r.id`

func scanOpinionRecord(sc interface{ Scan(...any) error }) (OpinionRecord, error) {
	var rec OpinionRecord
	var opID, givenBy sql.NullInt64
	var value, comment sql.NullString
	var givenAt sql.NullTime
	r := &rec.Request
	if err := sc.Scan(&r.ID, &rec.CallID, &r.ApplicationID, &rec.Country, &r.EmbassyOrganisationID, &rec.EmbassyName,
		&r.DueAt, &rec.Note, &r.RequestedBy, &r.RequestedAt, &opID, &value, &comment, &givenBy, &givenAt); err != nil {
		return rec, err
	}
	r.DueAt, r.RequestedAt = r.DueAt.UTC(), r.RequestedAt.UTC()
	if opID.Valid {
		rec.Opinion = &coopdec.EmbassyOpinion{ID: opID.Int64, ApplicationID: r.ApplicationID,
			EmbassyOrganisationID: r.EmbassyOrganisationID, Value: coopdec.OpinionValue(value.String),
			Comment: comment.String, AuthorID: givenBy.Int64, GivenAt: fromNullTime(givenAt)}
	}
	return rec, nil
}

func (db *DB) loadOpinionRecord(ctx context.Context, q querier, id int64, lock bool) (*OpinionRecord, error) {
	query := `SELECT ` + opinionColumns + opinionFrom + ` WHERE r.id = $1`
	if lock && db.Dialect == Postgres {
		query += ` FOR UPDATE OF r`
	}
	rec, err := scanOpinionRecord(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errOpinionRequestNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return &rec, nil
}

// OpinionRequest returns one request with its opinion.
func (db *DB) OpinionRequest(ctx context.Context, id int64) (*OpinionRecord, error) {
	return db.loadOpinionRecord(ctx, db.read, id, false)
}

// ListOpinions returns the opinions asked on an application, answered or
// not, by country.
func (db *DB) ListOpinions(ctx context.Context, applicationID int64) ([]OpinionRecord, error) {
	list, _, err := db.listOpinions(ctx, OpinionFilter{ApplicationIDs: []int64{applicationID}}, coopdec.Page{})
	return list, err
}

// ListOpinionsOf returns the opinions asked on the applications ids, by
// application then country: what a page of applications shows.
func (db *DB) ListOpinionsOf(ctx context.Context, ids []int64) ([]OpinionRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, _, err := db.listOpinions(ctx, OpinionFilter{ApplicationIDs: ids}, coopdec.Page{})
	return list, err
}

// OpinionFilter selects opinion requests; zero fields select all.
type OpinionFilter struct {
	CallID         int64
	EmbassyIDs     []int64 // the requests to these embassies
	ApplicationIDs []int64
	State          coopdec.OpinionState // pending, overdue or answered
	// Restrict, when set, selects nothing beyond EmbassyIDs, even when it
	// is empty: a caller with no embassy sees no request.
	Restrict bool
}

// ListOpinionRequests returns a page of the requests f selects: pending
// ones first, then overdue, then answered, each by due date.
func (db *DB) ListOpinionRequests(ctx context.Context, f OpinionFilter, page coopdec.Page) ([]OpinionRecord, coopdec.Page, error) {
	if page.PerPage <= 0 {
		page = coopdec.NewPage(page.Page, page.PerPage)
	}
	return db.listOpinions(ctx, f, page)
}

// listOpinions lists the requests f selects, all of them when page is
// zero (by application and country then).
func (db *DB) listOpinions(ctx context.Context, f OpinionFilter, page coopdec.Page) ([]OpinionRecord, coopdec.Page, error) {
	now := dbTime(db.now())
	where, args := "1=1", []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	if f.CallID != 0 {
		where += " AND r.call_id = " + arg(f.CallID)
	}
	if f.Restrict && len(f.EmbassyIDs) == 0 {
		where += " AND 1=0"
	}
	in := func(col string, ids []int64) {
		if len(ids) == 0 {
			return
		}
		marks := make([]string, len(ids))
		for i, id := range ids {
			marks[i] = arg(id)
		}
		where += " AND " + col + " IN (" + strings.Join(marks, ", ") + ")"
	}
	in("r.embassy_organisation_id", f.EmbassyIDs)
	in("r.application_id", f.ApplicationIDs)
	switch f.State {
	case coopdec.OpinionPending:
		where += " AND o.id IS NULL AND r.due_at >= " + arg(now)
	case coopdec.OpinionOverdue:
		where += " AND o.id IS NULL AND r.due_at < " + arg(now)
	case coopdec.OpinionAnswered:
		where += " AND o.id IS NOT NULL"
	case "":
	default:
		return nil, page, coopdec.FieldError("state", "opinion.filter.state.invalid")
	}
	order, limit := ` ORDER BY r.application_id, r.country, r.id`, ``
	if page.PerPage > 0 {
		if err := db.read.QueryRowContext(ctx, `SELECT count(*)`+opinionFrom+` WHERE `+where, args...).Scan(&page.Total); err != nil {
			return nil, page, translate(err)
		}
		order = ` ORDER BY CASE WHEN o.id IS NOT NULL THEN 2 WHEN r.due_at < ` + arg(now) + ` THEN 1 ELSE 0 END, r.due_at, r.id`
		limit = ` LIMIT ` + arg(page.PerPage) + ` OFFSET ` + arg(page.Offset())
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+opinionColumns+opinionFrom+` WHERE `+where+order+limit, args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []OpinionRecord
	for rows.Next() {
		rec, err := scanOpinionRecord(rows)
		if err != nil {
			return nil, page, translate(err)
		}
		out = append(out, rec)
	}
	return out, page, translate(rows.Err())
}
