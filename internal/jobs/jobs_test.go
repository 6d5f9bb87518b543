package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// waitLimit bounds every wait for the queue; reaching it fails the test.
const waitLimit = 30 * time.Second

// probeArgs is a test job: its worker reports the marker it was given,
// optionally after writing to the database, or blocks until cancelled, or
// fails once and for all.
type probeArgs struct {
	Marker string `json:"marker"`
	Write  bool   `json:"write,omitempty"`
	Block  bool   `json:"block,omitempty"`
	Fail   bool   `json:"fail,omitempty"`
}

func (probeArgs) Kind() string { return "test_probe" }

func (a probeArgs) InsertOpts() river.InsertOpts {
	if a.Fail {
		return river.InsertOpts{MaxAttempts: 1}
	}
	return river.InsertOpts{}
}

type probeWorker struct {
	river.WorkerDefaults[probeArgs]
	db *sqldb.DB
	// worked receives the marker of each job that ran to its end.
	worked chan string
	// started receives the marker of a blocking job once it runs.
	started chan string
}

func newProbeWorker(db *sqldb.DB) *probeWorker {
	return &probeWorker{db: db, worked: make(chan string, 1000), started: make(chan string, 10)}
}

func (w *probeWorker) Work(ctx context.Context, job *river.Job[probeArgs]) error {
	if job.Args.Block {
		w.started <- job.Args.Marker
		<-ctx.Done()
		w.worked <- job.Args.Marker
		return ctx.Err()
	}
	if job.Args.Fail {
		return errors.New("probe failure")
	}
	if job.Args.Write {
		if err := w.db.RecordLoginAttempt(ctx, "worker@example.org", "192.0.2.9", false, 0); err != nil {
			return err
		}
	}
	w.worked <- job.Args.Marker
	return nil
}

// testLogger writes River's warnings and errors to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// strictLogger is testLogger that also fails the test on any error logged:
// River reports trouble in its own work (fetching, completing, electing a
// leader) only in logs.
func strictLogger(t *testing.T) *slog.Logger {
	return slog.New(failOnError{t: t, Handler: testLogger(t).Handler()})
}

type failOnError struct {
	slog.Handler
	t *testing.T
}

func (h failOnError) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelError {
		h.t.Errorf("got an error logged: %s", rec.Message)
	}
	return h.Handler.Handle(ctx, rec)
}

func (h failOnError) WithAttrs(as []slog.Attr) slog.Handler {
	return failOnError{Handler: h.Handler.WithAttrs(as), t: h.t}
}

func (h failOnError) WithGroup(name string) slog.Handler {
	return failOnError{Handler: h.Handler.WithGroup(name), t: h.t}
}

// recordErrors is a handler that passes on the messages logged at ERROR.
type recordErrors struct {
	slog.Handler
	errors chan<- string
}

func (h recordErrors) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelError {
		h.errors <- rec.Message
	}
	return h.Handler.Handle(ctx, rec)
}

func (h recordErrors) WithAttrs(as []slog.Attr) slog.Handler {
	return recordErrors{Handler: h.Handler.WithAttrs(as), errors: h.errors}
}

func (h recordErrors) WithGroup(name string) slog.Handler {
	return recordErrors{Handler: h.Handler.WithGroup(name), errors: h.errors}
}

// newTestRunner makes a migrated runner on db with the probe worker, not
// started, stopped at the end of the test. It fails the test on any error
// logged.
func newTestRunner(t *testing.T, db *sqldb.DB, opts Options, w *probeWorker) *Runner {
	t.Helper()
	return newTestRunnerLogging(t, db, opts, w, strictLogger(t))
}

func newTestRunnerLogging(t *testing.T, db *sqldb.DB, opts Options, w *probeWorker, logger *slog.Logger) *Runner {
	t.Helper()
	r, err := newRunner(t.Context(), db, logger, opts, func(c *river.Config) {
		river.AddWorker(c.Workers, w)
		c.TestOnly = true // no jittered start-up delays
	})
	if err != nil {
		t.Fatalf("New: got error %v; want nil", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: got error %v; want nil", err)
		}
	})
	if err := r.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: got error %v; want nil", err)
	}
	return r
}

// subscribe returns the runner's stream of finished jobs; call before Start.
func subscribe(t *testing.T, r *Runner) <-chan *river.Event {
	t.Helper()
	events, cancel := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	t.Cleanup(cancel)
	return events
}

// nextEvent returns the next event about a job of kind, failing the test
// if none comes within waitLimit.
func nextEvent(t *testing.T, events <-chan *river.Event, kind string) *river.Event {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind == kind {
				return ev
			}
		case <-deadline:
			t.Fatalf("got no %q job finished within %v; want one", kind, waitLimit)
		}
	}
}

// waitCompleted waits for n jobs of kind to complete, failing the test if
// one does not.
func waitCompleted(t *testing.T, events <-chan *river.Event, kind string, n int) []*river.Event {
	t.Helper()
	done := make([]*river.Event, n)
	for i := range done {
		ev := nextEvent(t, events, kind)
		if ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("got job %d (%s) %s with errors %v; want it completed", ev.Job.ID, ev.Job.Kind, ev.Kind, ev.Job.Errors)
		}
		done[i] = ev
	}
	return done
}

// waitCompletedAll waits for want[kind] completed jobs of each kind, in
// whatever order they finish; events of other kinds are skipped.
func waitCompletedAll(t *testing.T, events <-chan *river.Event, want map[string]int) {
	t.Helper()
	left := 0
	for _, n := range want {
		left += n
	}
	deadline := time.After(waitLimit)
	for left > 0 {
		select {
		case ev := <-events:
			if want[ev.Job.Kind] == 0 {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				t.Fatalf("got job %d (%s) %s with errors %v; want it completed", ev.Job.ID, ev.Job.Kind, ev.Kind, ev.Job.Errors)
			}
			want[ev.Job.Kind]--
			left--
		case <-deadline:
			t.Fatalf("still waiting for %v after %v", want, waitLimit)
		}
	}
}

func start(t *testing.T, r *Runner) {
	t.Helper()
	if err := r.Start(t.Context()); err != nil {
		t.Fatalf("Start: got error %v; want nil", err)
	}
}

// probeJobs lists the probe jobs in the queue, as seen by tx when not nil.
func probeJobs(t *testing.T, r *Runner, tx *sql.Tx) []*rivertype.JobRow {
	t.Helper()
	params := river.NewJobListParams().Kinds(probeArgs{}.Kind())
	var res *river.JobListResult
	var err error
	if tx != nil {
		res, err = r.client.JobListTx(t.Context(), tx, params)
	} else {
		res, err = r.client.JobList(t.Context(), params)
	}
	if err != nil {
		t.Fatalf("JobList: got error %v; want nil", err)
	}
	return res.Jobs
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := t.Context()
	r := newTestRunner(t, db, Options{}, newProbeWorker(db)) // migrates once
	if err := r.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: got error %v; want nil", err)
	}

	m, err := rivermigrate.New(r.driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := m.ExistingVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all := m.AllVersions(); len(applied) != len(all) {
		t.Fatalf("got %d River migrations applied; want all %d", len(applied), len(all))
	}

	// River's tables sit next to ours: in the database file, or in the
	// schema the connection's search_path names (one per test).
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if db.Dialect == sqldb.Postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	for _, table := range []string{"river_job", "river_migration", "sessions"} {
		var n int
		if err := db.WritePool().QueryRowContext(ctx, q, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("got %d tables %s in the database's schema; want 1", n, table)
		}
	}
}

func TestCommittedJobRuns(t *testing.T) {
	for _, opts := range []Options{{}, {PollOnly: true}} {
		t.Run(fmt.Sprintf("PollOnly=%v", opts.PollOnly), func(t *testing.T) {
			db := sqldbtest.Open(t)
			w := newProbeWorker(db)
			r := newTestRunner(t, db, opts, w)
			events := subscribe(t, r)
			start(t, r)

			args := probeArgs{Marker: "committed"}
			err := db.TxWithJobs(t.Context(), r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
				if err := enqueue(sqldb.Job{Args: args}); err != nil {
					return err
				}
				// Inserted in this very transaction.
				if jobs := probeJobs(t, r, tx); len(jobs) != 1 {
					t.Errorf("got %d probe jobs inside the transaction; want 1", len(jobs))
				}
				return nil
			})
			if err != nil {
				t.Fatalf("TxWithJobs: got error %v; want nil", err)
			}
			waitCompleted(t, events, args.Kind(), 1)
			if got := <-w.worked; got != args.Marker {
				t.Fatalf("got job %q worked; want %q", got, args.Marker)
			}
		})
	}
}

func TestRolledBackJobNeverRuns(t *testing.T) {
	db := sqldbtest.Open(t)
	w := newProbeWorker(db)
	r := newTestRunner(t, db, Options{}, w)
	events := subscribe(t, r)
	start(t, r)
	ctx := t.Context()

	errAbort := errors.New("change refused")
	err := db.TxWithJobs(ctx, r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)`,
			"rolled-back@example.org", "192.0.2.1", time.Now().UTC(), false); err != nil {
			return err
		}
		if err := enqueue(sqldb.Job{Args: probeArgs{Marker: "rolled back"}}); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("TxWithJobs: got error %v; want %v", err, errAbort)
	}
	// Neither the change nor its job is left.
	var n int
	if err := db.WritePool().QueryRowContext(ctx, `SELECT count(*) FROM login_attempts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("got %d login attempts after rollback; want 0", n)
	}
	if jobs := probeJobs(t, r, nil); len(jobs) != 0 {
		t.Fatalf("got %d probe jobs after rollback; want 0", len(jobs))
	}

	// A job committed afterwards runs, and is the only one that does.
	err = db.TxWithJobs(ctx, r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
		return enqueue(sqldb.Job{Args: probeArgs{Marker: "committed"}})
	})
	if err != nil {
		t.Fatalf("TxWithJobs: got error %v; want nil", err)
	}
	waitCompleted(t, events, probeArgs{}.Kind(), 1)
	close(w.worked)
	var worked []string
	for m := range w.worked {
		worked = append(worked, m)
	}
	if len(worked) != 1 || worked[0] != "committed" {
		t.Fatalf("got jobs %q worked; want only %q", worked, "committed")
	}
}

func TestFailedJobIsLogged(t *testing.T) {
	db := sqldbtest.Open(t)
	errs := make(chan string, 100)
	logger := slog.New(recordErrors{Handler: testLogger(t).Handler(), errors: errs})
	r := newTestRunnerLogging(t, db, Options{}, newProbeWorker(db), logger)
	events := subscribe(t, r)
	start(t, r)
	err := db.TxWithJobs(t.Context(), r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
		return enqueue(sqldb.Job{Args: probeArgs{Marker: "doomed", Fail: true}})
	})
	if err != nil {
		t.Fatalf("TxWithJobs: got error %v; want nil", err)
	}
	ev := nextEvent(t, events, probeArgs{}.Kind())
	if ev.Kind != river.EventKindJobFailed || ev.Job.State != rivertype.JobStateDiscarded {
		t.Fatalf("got job %s, %s; want it failed and discarded", ev.Kind, ev.Job.State)
	}
	// River logs the failure only at level INFO; the runner says more.
	select {
	case msg := <-errs:
		if msg != "job failed" {
			t.Fatalf("got error %q logged; want %q", msg, "job failed")
		}
	default:
		t.Fatal("got no error logged for a job given up; want one")
	}
}

func TestEnqueueWithoutQueue(t *testing.T) {
	db := sqldbtest.Open(t)
	err := db.TxWithJobs(t.Context(), nil, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
		return enqueue(sqldb.Job{Args: probeArgs{}})
	})
	if err == nil {
		t.Fatal("TxWithJobs with no enqueuer: got no error; want one")
	}
}

func TestScheduledJobWaits(t *testing.T) {
	db := sqldbtest.Open(t)
	r := newTestRunner(t, db, Options{}, newProbeWorker(db))
	ctx := t.Context()
	at := time.Now().Add(time.Hour).UTC()
	err := db.TxWithJobs(ctx, r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
		return enqueue(sqldb.Job{Args: probeArgs{Marker: "later"}, RunAt: at})
	})
	if err != nil {
		t.Fatalf("TxWithJobs: got error %v; want nil", err)
	}
	jobs := probeJobs(t, r, nil)
	if len(jobs) != 1 {
		t.Fatalf("got %d probe jobs; want 1", len(jobs))
	}
	if d := jobs[0].ScheduledAt.Sub(at); jobs[0].State != rivertype.JobStateScheduled || d < -time.Millisecond || d > time.Millisecond {
		t.Fatalf("got job %s at %v; want scheduled at %v", jobs[0].State, jobs[0].ScheduledAt, at)
	}
}

func TestStopIsPrompt(t *testing.T) {
	db := sqldbtest.Open(t)

	// The jobs the runner enqueues when it starts (the sweep and the call
	// clock) are done first: a Stop in the middle of their insertion has
	// River log, as an error, the notification it could not send.
	startIdle := func(t *testing.T, r *Runner) {
		t.Helper()
		events := subscribe(t, r)
		start(t, r)
		waitCompletedAll(t, events, map[string]int{SweepArgs{}.Kind(): 1, CallClockArgs{}.Kind(): 1})
	}

	t.Run("idle", func(t *testing.T) {
		r := newTestRunner(t, db, Options{}, newProbeWorker(db))
		startIdle(t, r)
		began := time.Now()
		if err := r.Stop(context.Background()); err != nil {
			t.Fatalf("Stop: got error %v; want nil", err)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Fatalf("got Stop after %v; want it within 5s", d)
		}
	})

	t.Run("job outliving the deadline", func(t *testing.T) {
		w := newProbeWorker(db)
		r := newTestRunner(t, db, Options{}, w)
		startIdle(t, r)
		err := db.TxWithJobs(t.Context(), r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
			return enqueue(sqldb.Job{Args: probeArgs{Marker: "endless", Block: true}})
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-w.started:
		case <-time.After(waitLimit):
			t.Fatalf("got the blocking job not started within %v; want it running", waitLimit)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		began := time.Now()
		if err := r.Stop(ctx); err != nil {
			t.Fatalf("Stop: got error %v; want nil (the job is cancelled)", err)
		}
		if d := time.Since(began); d > 200*time.Millisecond+hardStopTimeout {
			t.Fatalf("got Stop after %v; want it within %v", d, 200*time.Millisecond+hardStopTimeout)
		}
		select {
		case <-w.worked:
		default:
			t.Fatal("got the blocking job still running after Stop; want it cancelled and returned")
		}
	})
}

// TestSQLiteConcurrentWritesAndJobs runs application writes and jobs that
// write, all at once, on SQLite: River shares the single writer connection
// with the application, so nobody meets SQLITE_BUSY.
func TestSQLiteConcurrentWritesAndJobs(t *testing.T) {
	db, cleanup, err := sqldb.OpenTemp(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	w := newProbeWorker(db)
	r := newTestRunner(t, db, Options{MaxWorkers: 8}, w)
	events := subscribe(t, r)
	start(t, r)
	ctx := t.Context()

	const enqueuers, rounds, writers = 8, 25, 4
	var (
		enqueuing, writing sync.WaitGroup
		errs               = make(chan error, enqueuers+writers)
		stop               = make(chan struct{})
		plain              atomic.Int64
	)
	stopWriting := sync.OnceFunc(func() { close(stop); writing.Wait() })
	t.Cleanup(stopWriting)
	// Plain storage writes, all the while...
	for range writers {
		writing.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := db.RecordLoginAttempt(ctx, "user@example.org", "192.0.2.2", true, 0); err != nil {
					errs <- err
					return
				}
				plain.Add(1)
			}
		})
	}
	// ...changes that each enqueue a job that itself writes.
	for i := range enqueuers {
		enqueuing.Go(func() {
			for j := range rounds {
				err := db.TxWithJobs(ctx, r, func(tx *sql.Tx, enqueue func(...sqldb.Job) error) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)`,
						fmt.Sprintf("app%d@example.org", i), "192.0.2.1", time.Now().UTC(), false); err != nil {
						return err
					}
					return enqueue(sqldb.Job{Args: probeArgs{Marker: fmt.Sprintf("%d-%d", i, j), Write: true}})
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	enqueuing.Wait()
	if len(errs) == 0 {
		waitCompleted(t, events, probeArgs{}.Kind(), enqueuers*rounds)
	}
	stopWriting()
	close(errs)
	for err := range errs {
		t.Fatalf("application write: got error %v; want nil", err)
	}

	var n int64
	if err := db.WritePool().QueryRowContext(ctx, `SELECT count(*) FROM login_attempts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := 2*enqueuers*rounds + plain.Load(); n != want {
		t.Fatalf("got %d login attempts; want %d", n, want)
	}
	t.Logf("%d jobs worked during %d plain writes", enqueuers*rounds, plain.Load())
}
