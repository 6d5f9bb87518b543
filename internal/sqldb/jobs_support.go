package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// What internal/jobs needs from storage: the pool River shares with the
// application, a way to enqueue jobs in a storage transaction, and the sweep.

// WritePool returns the pool write transactions use, for internal/jobs to
// give to River. On SQLite it is the single writer connection: River and the
// application must share it, since a second writer would fail them with
// SQLITE_BUSY, and a job enqueued in a storage transaction is inserted on
// that transaction's connection anyway.
func (db *DB) WritePool() *sql.DB { return db.write }

// JobArgs are a background job's arguments, stored as JSON. river.JobArgs has
// the same method set, so internal/jobs hands them to River as they are.
type JobArgs interface {
	// Kind names the job's worker, like "sweep".
	Kind() string
}

// Job is a background job to insert along with a storage change.
type Job struct {
	Args JobArgs
	// RunAt delays the job (a call closing at its deadline); zero means as
	// soon as possible.
	RunAt time.Time
}

// Enqueuer inserts jobs inside a storage transaction, so that they exist if
// and only if it commits. internal/jobs implements it with River.
type Enqueuer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, jobs ...Job) error
}

var errNoEnqueuer = errors.New("no job queue to enqueue into")

// TxWithJobs runs fn in a write transaction, committed when fn returns nil;
// the jobs fn passes to enqueue are inserted by e in that transaction. It is
// for storage methods whose change causes background work (and for workers
// and their tests); with a nil e, enqueue fails rather than drop the jobs.
func (db *DB) TxWithJobs(ctx context.Context, e Enqueuer, fn func(tx *sql.Tx, enqueue func(jobs ...Job) error) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return fn(tx, func(jobs ...Job) error {
			if len(jobs) == 0 {
				return nil
			}
			if e == nil {
				return errNoEnqueuer
			}
			return e.EnqueueTx(ctx, tx, jobs...)
		})
	})
}

const (
	// Login throttling looks back coopdec.LoginWindow; a day more is kept
	// for investigating an attack.
	loginAttemptRetention = 24 * time.Hour
	// A spent link is kept a while so that its owner is told it was used or
	// has expired, rather than that it never existed.
	spentLinkRetention = 30 * 24 * time.Hour
)

// SweepReport counts what Sweep deleted.
type SweepReport struct {
	Sessions       int64 `json:"sessions"`
	LoginAttempts  int64 `json:"login_attempts"`
	PasswordResets int64 `json:"password_resets"`
	Invitations    int64 `json:"invitations"`
}

// Sweep deletes what has outlived its use: sessions past their idle or
// absolute timeout, login attempts older than a day, and password resets and
// invitations used or expired more than 30 days ago.
func (db *DB) Sweep(ctx context.Context) (SweepReport, error) {
	var r SweepReport
	// The sessions' marks kept in memory first: a session used a moment
	// ago is not idle.
	if err := db.flushTouches(ctx); err != nil {
		return r, translate(err)
	}
	now := db.now()
	spent := now.Add(-spentLinkRetention)
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, d := range []struct {
			n     *int64
			query string
			args  []any
		}{
			{&r.Sessions, `DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2`,
				[]any{now.Add(-coopdec.SessionIdleTimeout), now.Add(-coopdec.SessionAbsoluteTimeout)}},
			{&r.LoginAttempts, `DELETE FROM login_attempts WHERE at < $1`, []any{now.Add(-loginAttemptRetention)}},
			{&r.PasswordResets, `DELETE FROM password_resets WHERE used_at < $1 OR expires_at < $1`, []any{spent}},
			{&r.Invitations, `DELETE FROM invitations WHERE used_at < $1 OR expires_at < $1`, []any{spent}},
		} {
			res, err := tx.ExecContext(ctx, d.query, d.args...)
			if err != nil {
				return err
			}
			if *d.n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return SweepReport{}, err
	}
	return r, nil
}
