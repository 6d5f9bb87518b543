// Package jobs runs the platform's background work (sweeping expired
// credentials, and later deadline closing, reminders, emails, exports) with
// River, in the same database as everything else: River's tables sit next to
// ours, and a job is enqueued in the transaction of the change that causes it
// (see sqldb.DB.TxWithJobs), so it exists if and only if that change commits.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Options tune a Runner; the zero value is fine.
type Options struct {
	// MaxWorkers is how many jobs this process runs at once; default 10.
	MaxWorkers int
	// SweepInterval is how often SweepWorker runs; default 15 minutes. It
	// also runs once when the runner starts.
	SweepInterval time.Duration
	// CallClockInterval is how often calls are opened and closed by their
	// dates; default 30 seconds.
	CallClockInterval time.Duration
	// PollOnly makes the runner look for new jobs every second instead of
	// being notified of them: for PostgreSQL behind a connection pooler that
	// cannot LISTEN, like PgBouncer in transaction mode.
	PollOnly bool
	// BaseURL is the platform's public URL, for the links in the emails
	// of every job; the digest uses its own when set.
	BaseURL string
	// Digest lets the daily digest of saved searches send its emails; it
	// is scheduled only when set.
	Digest DigestOptions
	// Mail sends the emails enqueued as MailArgs; without it they wait,
	// retried, for a runner that has one.
	Mail mail.Sender
	// FetchPollInterval is how often the queue is polled for new jobs
	// when not notified of them (always on SQLite); River's default (1 s)
	// when 0. Tests shorten it.
	FetchPollInterval time.Duration
}

const (
	defaultMaxWorkers    = 10
	defaultSweepInterval = 15 * time.Minute
	defaultCallClock     = 30 * time.Second
	// How long Stop waits for cancelled jobs to return once its own context
	// is done.
	hardStopTimeout = 5 * time.Second
)

// Runner works the job queue. It is also the sqldb.Enqueuer that storage
// methods insert jobs through, even when not started (command-line tools
// enqueue jobs that `serve` will run).
type Runner struct {
	client *river.Client[*sql.Tx]
	driver riverdriver.Driver[*sql.Tx]
	// listen holds the connection River listens for notifications on
	// (PostgreSQL only); nil when polling.
	listen *pgxpool.Pool
	logger *slog.Logger
	// receipts is the receipt emails' worker, which SetReceiptComposer
	// completes.
	receipts *ReceiptMailWorker
}

// New prepares a runner on db without touching the queue; Migrate creates
// River's tables, Start starts working. Call Stop when done with the runner,
// whether it was started or not.
func New(ctx context.Context, db *sqldb.DB, logger *slog.Logger, opts Options) (*Runner, error) {
	return newRunner(ctx, db, logger, opts, nil)
}

// newRunner is New with a hook for tests to register their own workers and
// adjust River's configuration before the client is made.
func newRunner(ctx context.Context, db *sqldb.DB, logger *slog.Logger, opts Options, configure func(*river.Config)) (*Runner, error) {
	if opts.MaxWorkers <= 0 {
		opts.MaxWorkers = defaultMaxWorkers
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = defaultSweepInterval
	}
	if opts.CallClockInterval <= 0 {
		opts.CallClockInterval = defaultCallClock
	}
	if opts.Digest.BaseURL == "" {
		opts.Digest.BaseURL = opts.BaseURL
	}
	logger = logger.With("component", "jobs")
	r := &Runner{logger: logger}

	// River uses the same pool as our write transactions. On SQLite that is
	// the single writer connection, as riversqlite recommends: two pools
	// writing to one file fail each other with SQLITE_BUSY. On PostgreSQL
	// database/sql keeps one pool for everything, so jobs are inserted in
	// our *sql.Tx; only LISTEN needs a pgx connection of its own.
	pool := db.WritePool()
	switch db.Dialect {
	case sqldb.SQLite:
		r.driver = riversqlite.New(pool)
	case sqldb.Postgres:
		if opts.PollOnly {
			r.driver = riverdatabasesql.New(pool)
			break
		}
		listen, err := listenerPool(ctx, pool)
		if err != nil {
			return nil, err
		}
		r.listen = listen
		r.driver = riverdatabasesql.NewWithPgxListener(pool, listen)
	default:
		return nil, fmt.Errorf("jobs: unsupported database %q", db.Dialect)
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &SweepWorker{db: db, logger: logger})
	river.AddWorker(workers, &CallClockWorker{db: db, logger: logger})
	digest, err := newDigestWorker(db, logger, opts.Digest)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("jobs: unable to load the digest's texts: %w", err)
	}
	river.AddWorker(workers, digest)
	river.AddWorker(workers, &MailWorker{sender: opts.Mail})
	batch := &MailBatchWorker{sender: opts.Mail}
	river.AddWorker(workers, batch)
	r.receipts = &ReceiptMailWorker{batch: batch}
	river.AddWorker(workers, r.receipts)
	river.AddWorker(workers, newLabelExpiryWorker(db, logger, opts, r))
	config := &river.Config{
		Logger:  logger,
		Workers: workers,
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.MaxWorkers}},
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(opts.SweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
				&river.PeriodicJobOpts{ID: SweepArgs{}.Kind(), RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(opts.CallClockInterval),
				func() (river.JobArgs, *river.InsertOpts) { return CallClockArgs{}, nil },
				&river.PeriodicJobOpts{ID: CallClockArgs{}.Kind(), RunOnStart: true}),
			river.NewPeriodicJob(dailyAt{hour: labelExpiryHour, loc: paris},
				func() (river.JobArgs, *river.InsertOpts) { return LabelExpiryArgs{}, nil },
				&river.PeriodicJobOpts{ID: LabelExpiryArgs{}.Kind()}),
		},
		PollOnly:     opts.PollOnly,
		ErrorHandler: errorLogger{logger},
	}
	if opts.FetchPollInterval > 0 {
		config.FetchPollInterval = opts.FetchPollInterval
		config.FetchCooldown = min(opts.FetchPollInterval, 100*time.Millisecond)
	}
	if opts.Digest.enabled() {
		config.PeriodicJobs = append(config.PeriodicJobs, river.NewPeriodicJob(dailyAt{hour: digestHour, loc: paris},
			func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
			&river.PeriodicJobOpts{ID: DigestArgs{}.Kind()}))
	}
	if configure != nil {
		configure(config)
	}
	client, err := river.NewClient(r.driver, config)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("jobs: unable to configure River: %w", err)
	}
	r.client = client
	return r, nil
}

// errorLogger reports failed jobs, which River itself logs at level INFO
// only: a warning while the job will be retried, an error when it is given
// up.
type errorLogger struct{ logger *slog.Logger }

func (l errorLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	level := slog.LevelWarn
	if job.Attempt >= job.MaxAttempts {
		level = slog.LevelError
	}
	l.logger.Log(ctx, level, "job failed", "kind", job.Kind, "job", job.ID,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", err)
	return nil
}

func (l errorLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	l.logger.ErrorContext(ctx, "job panicked", "kind", job.Kind, "job", job.ID,
		"attempt", job.Attempt, "panic", fmt.Sprint(panicVal), "trace", trace)
	return nil
}

// listenerPool opens a one-connection pgx pool configured like pool's
// connections (same server, credentials and search_path, so River listens in
// the schema where it inserts), for River to LISTEN on.
func listenerPool(ctx context.Context, pool *sql.DB) (*pgxpool.Pool, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("jobs: unable to reach PostgreSQL: %w", err)
	}
	defer conn.Close()
	var cc *pgx.ConnConfig
	if err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("jobs: PostgreSQL connection is a %T, not a pgx one", dc)
		}
		cc = c.Conn().Config()
		// pgx stored its notification buffer in the config when it made
		// that connection; copied, it would send our notifications there.
		cc.OnNotification = nil
		return nil
	}); err != nil {
		return nil, err
	}
	pc, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("jobs: unable to configure the listener: %w", err)
	}
	pc.ConnConfig = cc
	pc.MinConns, pc.MaxConns = 0, 1
	listen, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("jobs: unable to open the listener pool: %w", err)
	}
	return listen, nil
}

// Migrate creates or updates River's tables, next to ours: in the same
// SQLite file, or in the PostgreSQL schema the connection's search_path
// names. It is idempotent.
func (r *Runner) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(r.driver, &rivermigrate.Config{Logger: r.logger})
	if err != nil {
		return fmt.Errorf("jobs: unable to load River's migrations: %w", err)
	}
	// River logs each migration it applies.
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: unable to migrate River's tables: %w", err)
	}
	return nil
}

// Start starts working jobs in the background, until Stop; ctx bounds the
// start only (its values, not its cancellation, reach the workers).
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: unable to start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and lets running ones finish while ctx allows
// (give it a deadline); then it cancels them and waits a few more seconds at
// most. It releases the runner's resources, started or not, and may be
// called again.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		r.logger.WarnContext(ctx, "jobs still running at shutdown: cancelling them")
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopTimeout)
		defer cancel()
		err = r.client.StopAndCancel(hard)
	}
	r.close()
	if err != nil {
		return fmt.Errorf("jobs: unable to stop: %w", err)
	}
	return nil
}

func (r *Runner) close() {
	if r.listen != nil {
		r.listen.Close()
	}
}

// EnqueueTx inserts jobs in tx, a transaction on the database the runner was
// made with; they run once it commits, and never if it rolls back.
func (r *Runner) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs ...sqldb.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		params[i].Args = j.Args
		if !j.RunAt.IsZero() {
			params[i].InsertOpts = &river.InsertOpts{ScheduledAt: j.RunAt}
		}
	}
	// The fast insert returns no rows: nothing here reads them back, and
	// reading them cost a fifth of the insert, inside SQLite's single
	// writer. It cannot skip a job that is unique, which none is.
	if _, err := r.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: unable to enqueue: %w", err)
	}
	return nil
}

var _ sqldb.Enqueuer = (*Runner)(nil)
