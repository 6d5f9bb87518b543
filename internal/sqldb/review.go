package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errReviewNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "review.not_found"}

func reviewSubject(id int64) string { return "review:" + strconv.FormatInt(id, 10) }

const reviewColumns = `r.id, r.application_id, r.requested_by, r.requested_at, r.reason,
	COALESCE(o.outcome, ''), COALESCE(o.comment, ''), COALESCE(o.decided_by, 0), o.decided_at, r.call_id`

// ReviewItem is a review request with the call of its application.
type ReviewItem struct {
	coopdec.ReviewRequest
	CallID int64
}

func scanReview(sc interface{ Scan(...any) error }) (*ReviewItem, error) {
	var it ReviewItem
	var decided sql.NullTime
	if err := sc.Scan(&it.ID, &it.ApplicationID, &it.RequestedBy, &it.RequestedAt, &it.Reason, &it.Outcome,
		&it.OutcomeComment, &it.DecidedBy, &decided, &it.CallID); err != nil {
		return nil, err
	}
	it.RequestedAt = it.RequestedAt.UTC()
	if decided.Valid {
		it.DecidedAt = decided.Time.UTC()
	}
	return &it, nil
}

// RequestReview records r, a rejected applicant's request for a review of
// the decision on r.ApplicationID, as coopdec.CheckReviewRequest allows it
// now, and enqueues through e the jobs notify returns (nil: none), in the
// same transaction. Requests are never updated nor deleted.
func (db *DB) RequestReview(ctx context.Context, e Enqueuer, u *coopdec.User, r *coopdec.ReviewRequest, actor coopdec.Actor,
	notify func(r *coopdec.ReviewRequest, a *coopdec.Application) []Job) error {
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, r.ApplicationID, true)
		if err != nil {
			return err
		}
		res, err := applicationResult(ctx, db, tx, a.ID)
		if err != nil {
			return err
		}
		var entry *coopdec.DecisionEntry
		var decisionID int64
		var notifiedAt time.Time
		if res != nil {
			entry, decisionID, notifiedAt = &res.Entry, res.DecisionID, res.NotifiedAt
		}
		existing, err := reviewsOf(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		now := db.now()
		if err := coopdec.CheckReviewRequest(u, a, entry, notifiedAt, existing, r, now); err != nil {
			return err
		}
		r.RequestedBy, r.RequestedAt = u.ID, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO review_requests (application_id, call_id, decision_id, requested_by,
			requested_at, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			a.ID, a.CallID, decisionID, u.ID, now, r.Reason).Scan(&r.ID); err != nil {
			if isConflict(err) {
				return coopdec.Errorf(coopdec.ECONFLICT, "review.already")
			}
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditReviewRequest, reviewSubject(r.ID),
			applicationSubject(a.ID)+" "+decisionSubject(decisionID)+": "+r.Reason); err != nil {
			return err
		}
		if notify != nil {
			return enqueue(notify(r, a)...)
		}
		return nil
	})
}

func reviewsOf(ctx context.Context, q querier, appID int64) ([]coopdec.ReviewRequest, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reviewColumns+` FROM review_requests r
		LEFT JOIN review_outcomes o ON o.review_id = r.id WHERE r.application_id = $1 ORDER BY r.id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.ReviewRequest
	for rows.Next() {
		it, err := scanReview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it.ReviewRequest)
	}
	return out, rows.Err()
}

// ApplicationReviews lists the review requests on an application.
func (db *DB) ApplicationReviews(ctx context.Context, appID int64) ([]coopdec.ReviewRequest, error) {
	list, err := reviewsOf(ctx, db.read, appID)
	return list, translate(err)
}

// Review returns a review request with its call.
func (db *DB) Review(ctx context.Context, id int64) (*ReviewItem, error) {
	it, err := loadReview(ctx, db.read, id, "")
	return it, translate(err)
}

func loadReview(ctx context.Context, q querier, id int64, lock string) (*ReviewItem, error) {
	it, err := scanReview(q.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM review_requests r
		LEFT JOIN review_outcomes o ON o.review_id = r.id WHERE r.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errReviewNotFound
	}
	return it, err
}

// ReviewFilter selects a call's review requests: Pending keeps those
// without an outcome.
type ReviewFilter struct {
	CallID  int64
	Pending bool
}

// ListReviews lists a page of a call's review requests, oldest first.
func (db *DB) ListReviews(ctx context.Context, f ReviewFilter, page coopdec.Page) ([]ReviewItem, coopdec.Page, error) {
	where := ` WHERE r.call_id = $1`
	if f.Pending {
		where += ` AND o.review_id IS NULL`
	}
	from := ` FROM review_requests r LEFT JOIN review_outcomes o ON o.review_id = r.id`
	if err := db.read.QueryRowContext(ctx, `SELECT count(*)`+from+where, f.CallID).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+reviewColumns+from+where+` ORDER BY r.id LIMIT $2 OFFSET $3`,
		f.CallID, page.PerPage, page.Offset())
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []ReviewItem
	for rows.Next() {
		it, err := scanReview(rows)
		if err != nil {
			return nil, page, translate(err)
		}
		out = append(out, *it)
	}
	return out, page, translate(rows.Err())
}

// DecideReview records the outcome of review request id with its comment,
// as coopdec.CheckReviewOutcome allows u, and enqueues through e the jobs
// notify returns (nil: none) in the same transaction. An outcome is
// recorded once, never changed.
func (db *DB) DecideReview(ctx context.Context, e Enqueuer, u *coopdec.User, id int64, outcome coopdec.ReviewOutcome, comment string,
	actor coopdec.Actor, notify func(r *coopdec.ReviewRequest, a *coopdec.Application, team []DraftHolder) []Job) (*coopdec.ReviewRequest, error) {
	var out *coopdec.ReviewRequest
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		lock := ""
		if db.Dialect == Postgres {
			lock = ` FOR UPDATE OF r`
		}
		it, err := loadReview(ctx, tx, id, lock)
		if err != nil {
			return err
		}
		c, err := db.loadCall(ctx, tx, it.CallID, false)
		if err != nil {
			return err
		}
		if err := coopdec.CheckReviewOutcome(u, c, &it.ReviewRequest, outcome, comment); err != nil {
			return err
		}
		r := it.ReviewRequest
		r.Outcome, r.OutcomeComment, r.DecidedBy, r.DecidedAt = outcome, strings.TrimSpace(comment), u.ID, db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_outcomes (review_id, outcome, comment, decided_by, decided_at)
			VALUES ($1, $2, $3, $4, $5)`, r.ID, string(r.Outcome), r.OutcomeComment, u.ID, r.DecidedAt); err != nil {
			if isConflict(err) {
				return coopdec.Errorf(coopdec.ECONFLICT, "review.decided")
			}
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditReviewOutcome, reviewSubject(r.ID),
			applicationSubject(r.ApplicationID)+" "+string(r.Outcome)+": "+r.OutcomeComment); err != nil {
			return err
		}
		out = &r
		if notify == nil {
			return nil
		}
		a, err := db.loadApplication(ctx, tx, r.ApplicationID, false)
		if err != nil {
			return err
		}
		team, err := applicationTeam(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		return enqueue(notify(&r, a, team)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
