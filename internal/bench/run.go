package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Options are a run's settings; the command fills them from its flags.
type Options struct {
	Scale       string
	Seed        int64
	Data        string // dataset folder: SQLite file, attachments, manifest, server log
	DatabaseURL string // postgres://…; empty: SQLite in Data
	Reset       bool   // empty a database that is not
	Referentiel string // passed to the generator
	URL         string // a running server: no generation, no child process
	Manifest    string // where the manifest is written, or read with Reuse or URL
	Reuse       bool   // the dataset is generated already: read its manifest

	Concurrency      int
	SurgeConcurrency int
	Duration         time.Duration // per scenario
	Scenarios        []string      // empty: all
	Kill             bool          // SIGKILL the server in the middle of the surge

	// ServerCommand starts the platform: the coopdec binary, and anything
	// to put before "serve".
	ServerCommand []string
	ServerEnv     []string

	Progress io.Writer
}

// Check answers bad options with what to change.
func (o *Options) Check() error {
	var errs []string
	if _, ok := Scales[o.Scale]; !ok && o.URL == "" && !o.Reuse {
		names := make([]string, 0, len(Scales))
		for n := range Scales {
			names = append(names, n)
		}
		slices.Sort(names)
		errs = append(errs, fmt.Sprintf("--scale %q is unknown: choose %s", o.Scale, strings.Join(names, ", ")))
	}
	if o.DatabaseURL != "" && !strings.HasPrefix(o.DatabaseURL, "postgres://") && !strings.HasPrefix(o.DatabaseURL, "postgresql://") {
		errs = append(errs, "--database-url must be a postgres:// URL")
	}
	if o.URL != "" {
		if !strings.HasPrefix(o.URL, "http://") && !strings.HasPrefix(o.URL, "https://") {
			errs = append(errs, "--url must be an http:// or https:// address, e.g. http://127.0.0.1:8080")
		}
		if o.Manifest == "" {
			errs = append(errs, "--url needs --manifest: the manifest the generator wrote for the server's dataset")
		}
		if o.Kill {
			errs = append(errs, "--kill needs a server started by the bench: leave out --url")
		}
	}
	if o.Reuse && o.Manifest == "" && o.Data == "" {
		errs = append(errs, "--reuse needs --manifest or --data: where the dataset's manifest is")
	}
	if o.Concurrency < 1 || o.Concurrency > 10000 {
		errs = append(errs, fmt.Sprintf("--concurrency %d must be between 1 and 10000", o.Concurrency))
	}
	if o.SurgeConcurrency < 1 || o.SurgeConcurrency > 10000 {
		errs = append(errs, fmt.Sprintf("--surge-concurrency %d must be between 1 and 10000", o.SurgeConcurrency))
	}
	if o.Duration < 100*time.Millisecond {
		errs = append(errs, fmt.Sprintf("--duration %s is too short: give at least 100ms, e.g. 20s", o.Duration))
	}
	for _, s := range o.Scenarios {
		if !slices.Contains(Scenarios, s) {
			errs = append(errs, fmt.Sprintf("--scenarios: %q is unknown: choose among %s", s, strings.Join(Scenarios, ",")))
		}
	}
	if o.URL == "" && len(o.ServerCommand) == 0 {
		errs = append(errs, "bench: no command to start the server with")
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func (o *Options) logf(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Run prepares the dataset (or reads its manifest), starts the server (or
// targets the one given), runs the scenarios and their limits, and
// returns the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.Data == "" && o.URL == "" {
		dir, err := os.MkdirTemp("", "coopdec-bench-")
		if err != nil {
			return nil, err
		}
		o.Data = dir
		o.logf("dataset in %s", dir)
	}
	if o.Manifest == "" && o.Data != "" {
		o.Manifest = filepath.Join(o.Data, "manifest.json")
	}

	var db *sqldb.DB
	var m *Manifest
	var err error
	if o.URL == "" || o.Data != "" || o.DatabaseURL != "" {
		if db, m, err = prepare(ctx, &o); err != nil {
			return nil, err
		}
		defer db.Close()
	}
	if m == nil {
		if m, err = ReadManifest(o.Manifest); err != nil {
			return nil, err
		}
	}

	base := strings.TrimRight(o.URL, "/")
	var srv *Server
	if base == "" {
		args := []string{"--data", o.Data, "--bench-limit"}
		if o.DatabaseURL != "" {
			args = append(args, "--database-url", o.DatabaseURL)
		}
		srv = &Server{Command: o.ServerCommand, Args: args, Env: o.ServerEnv, Log: filepath.Join(o.Data, "server.log")}
		o.logf("starting the server (log: %s)", srv.Log)
		if err := srv.Start(ctx); err != nil {
			return nil, err
		}
		defer srv.Stop()
		base = srv.URL()
		o.logf("server ready on %s, pid %d", base, srv.PID())
	}

	rep := &Report{Started: time.Now().UTC(), Scale: m.Scale, Seed: m.Seed, Dialect: m.Dialect, Concurrency: o.Concurrency,
		Surge: o.SurgeConcurrency, Duration: Duration(o.Duration), Counts: m.Counts}
	run := &runner{o: o, m: m, db: db, srv: srv, base: base}
	run.limitOK = probe(ctx, base+"/bench/limit/1") == http.StatusOK
	if !run.limitOK {
		o.logf("the server has no limit endpoint (start it with serve --bench-limit): limits not measured")
	}
	for _, name := range Scenarios {
		if len(o.Scenarios) > 0 && !slices.Contains(o.Scenarios, name) {
			continue
		}
		sr, err := run.scenario(ctx, name)
		if err != nil {
			return nil, err
		}
		rep.Scenarios = append(rep.Scenarios, sr)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	rep.Targets = CheckTargets(rep)
	return rep, nil
}

// prepare opens the dataset's database, and unless reused, empties it
// when asked, migrates it and generates the dataset and its manifest.
func prepare(ctx context.Context, o *Options) (*sqldb.DB, *Manifest, error) {
	fresh := o.URL == "" && !o.Reuse
	if fresh && o.DatabaseURL == "" {
		if err := emptyDir(o.Data, o.Reset); err != nil {
			return nil, nil, err
		}
	}
	if err := os.MkdirAll(o.Data, 0o700); err != nil {
		return nil, nil, fmt.Errorf("bench: the dataset folder: %w", err)
	}
	db, err := sqldb.Open(ctx, o.DatabaseURL, o.Data)
	if err != nil {
		return nil, nil, err
	}
	if !fresh {
		m, err := ReadManifest(o.Manifest)
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		if o.DatabaseURL == "" {
			if err := flushDataset(o); err != nil {
				db.Close()
				return nil, nil, err
			}
		}
		return db, m, nil
	}
	if o.DatabaseURL != "" {
		if err := emptyPostgres(ctx, db, o.Reset); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	blobs, err := blob.Open(ctx, filepath.Join(o.Data, "blobs"))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	o.logf("generating the %s dataset (seed %d) on %s", o.Scale, o.Seed, db.Dialect)
	start := time.Now()
	m, err := Generate(ctx, db, GenerateOptions{Scale: o.Scale, Seed: o.Seed, Referentiel: o.Referentiel, Blobs: blobs, Progress: o.Progress})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	o.logf("dataset generated in %s", time.Since(start).Round(time.Millisecond))
	// As after any bulk load, the planner's statistics are brought up to
	// date now rather than whenever the database's maintenance comes round.
	if err := db.Analyze(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := WriteManifest(o.Manifest, m); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, m, nil
}

// flushDataset writes to disk what the system still holds of a reused
// SQLite dataset, typically a copy made just before the run. Otherwise the
// server's first sync of the database file (its first checkpoint) writes
// the whole copy, and the run measures the copy: the surge stopped for
// 0.7 s a moment after its start.
func flushDataset(o *Options) error {
	for _, name := range []string{"coopdec.db", "coopdec.db-wal"} {
		f, err := os.OpenFile(filepath.Join(o.Data, name), os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("bench: the dataset: %w", err)
		}
		start := time.Now()
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("bench: writing the dataset to disk: %w", err)
		}
		o.logf("%s written to disk in %s", name, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// emptyDir refuses a dataset folder holding anything, unless reset, when
// it removes what a previous run left there.
func emptyDir(dir string, reset bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	if !reset {
		return fmt.Errorf("bench: %s is not empty: give a new folder with --data, or add --reset to delete its dataset", dir)
	}
	for _, e := range entries {
		switch n := e.Name(); {
		case strings.HasPrefix(n, "coopdec.db"), n == "blobs", n == "manifest.json", n == "server.log":
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return err
			}
		default:
			return fmt.Errorf("bench: %s holds %s, which is no dataset's: give another folder with --data", dir, n)
		}
	}
	return nil
}

// emptyPostgres refuses a database with tables, unless reset, when it
// drops and recreates the current schema.
func emptyPostgres(ctx context.Context, db *sqldb.DB, reset bool) error {
	var schema string
	var tables int
	if err := db.WritePool().QueryRowContext(ctx, `SELECT current_schema(),
		(SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema())`).Scan(&schema, &tables); err != nil {
		return fmt.Errorf("bench: reading the database: %w", err)
	}
	if tables == 0 {
		return nil
	}
	if !reset {
		return fmt.Errorf("bench: the database has %d tables in schema %s: give an empty one, or add --reset to delete them", tables, schema)
	}
	q := `"` + strings.ReplaceAll(schema, `"`, `""`) + `"`
	if _, err := db.WritePool().ExecContext(ctx, "DROP SCHEMA "+q+" CASCADE; CREATE SCHEMA "+q); err != nil {
		return fmt.Errorf("bench: emptying schema %s: %w", schema, err)
	}
	return nil
}

func probe(ctx context.Context, u string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

type runner struct {
	o       Options
	m       *Manifest
	db      *sqldb.DB
	srv     *Server
	base    string
	limitOK bool
}

func (r *runner) pid() func() int {
	if r.srv == nil {
		return nil
	}
	return r.srv.PID
}

// measure runs one attack while sampling the server.
func (r *runner) measure(ctx context.Context, name string, tr vegeta.Targeter, workers int, client *http.Client,
	each func(*vegeta.Result)) (Figures, Usage) {
	t := newTally()
	smp := Sample(r.pid(), 100*time.Millisecond)
	attack(ctx, name, tr, workers, r.o.Duration, client, func(res *vegeta.Result) {
		t.add(res)
		if each != nil {
			each(res)
		}
	})
	return t.figures(), smp.Stop()
}

func (r *runner) scenario(ctx context.Context, name string) (*ScenarioReport, error) {
	o, m, base := r.o, r.m, r.base
	sr := &ScenarioReport{Name: name, Concurrency: o.Concurrency}
	client := newClient(o.Concurrency, nil)
	var tr vegeta.Targeter
	switch name {
	case ScenarioSearch:
		routes, notes := available(ctx, client, base, searchRoutes(m))
		sr.Notes = notes
		if len(routes) == 0 {
			sr.Skipped = "no search route answers"
			return sr, nil
		}
		tr = cycle(searchTargets(base, m, routes, m.Seed))
	case ScenarioPages:
		tr = cycle(pageTargets(base, m, m.Seed))
	case ScenarioDrafts:
		d, err := loadDrafts(ctx, client, base, m.Drafts, 4*o.Concurrency)
		if err != nil {
			return nil, err
		}
		if len(d.docs) == 0 {
			sr.Skipped = "the dataset has no drafts"
			return sr, nil
		}
		if len(d.docs) < o.Concurrency {
			sr.Notes = append(sr.Notes, fmt.Sprintf("%d drafts for %d clients: some clients wait for another's save of the same draft",
				len(d.docs), o.Concurrency))
		}
		client = newClient(o.Concurrency, d.roundTrip)
		tr = d.targeter()
	case ScenarioSurge:
		return r.surge(ctx, sr)
	case ScenarioEvaluation:
		tr = cycle(evaluationTargets(base, m, m.Seed))
	case ScenarioMatching:
		tr = cycle(matchingTargets(base, m))
	}
	o.logf("scenario %s: %d clients for %s", name, o.Concurrency, o.Duration)
	sr.Figures, sr.Server = r.measure(ctx, name, tr, o.Concurrency, client, nil)
	if sr.Requests == 0 {
		sr.Skipped = "the dataset has nothing for this scenario"
		return sr, nil
	}
	r.limit(ctx, sr, o.Concurrency)
	return sr, nil
}

// limit measures the server answering the scenario's mean response size
// from memory, at the same concurrency, for as long.
func (r *runner) limit(ctx context.Context, sr *ScenarioReport, workers int) {
	if !r.limitOK || sr.Requests == 0 {
		return
	}
	pause(ctx)
	r.o.logf("limit of %s: %d bytes from memory", sr.Name, sr.MeanBytes)
	f, _ := r.measure(ctx, sr.Name+"-limit", cycle(limitTarget(r.base, sr.MeanBytes)), workers, newClient(workers, nil), nil)
	sr.Limit = &f
	if f.Rate > 0 {
		sr.LimitRatio = sr.Rate / f.Rate
	}
	pause(ctx)
}

// surge runs the deadline surge: the surge calls' deadline is set at four
// fifths of the scenario, so that its last fifth comes after it.
func (r *runner) surge(ctx context.Context, sr *ScenarioReport) (*ScenarioReport, error) {
	o, m := r.o, r.m
	sr.Concurrency = o.SurgeConcurrency
	if len(m.Surge) == 0 || len(m.SurgeCallIDs) == 0 {
		sr.Skipped = "the dataset has no surge drafts"
		return sr, nil
	}
	if r.db == nil {
		sr.Skipped = "the surge needs the dataset's database (--data or --database-url) to move the deadline and check the submissions"
		return sr, nil
	}
	// The deadline is stored to the second: rounded up, so that it never
	// falls before the surge starts, whatever the fraction of the second
	// the run is at (a short run would otherwise see every submission late).
	deadline := ceilSecond(time.Now().Add(o.Duration * 4 / 5))
	if err := moveDeadline(ctx, r.db, m, deadline); err != nil {
		return nil, err
	}
	s := &surge{base: r.base, apps: m.Surge, uploaded: map[int64]bool{}}
	out := &surgeOutcome{deadline: deadline, acked: map[int64]string{}}
	client := newClient(o.SurgeConcurrency, s.roundTrip)
	res := &SurgeResult{Deadline: deadline}

	done := make(chan struct{})
	if o.Kill && r.srv != nil {
		go func() {
			defer close(done)
			select {
			case <-time.After(o.Duration / 2):
			case <-ctx.Done():
				return
			}
			out.down = time.Now()
			o.logf("surge: killing the server (SIGKILL, pid %d)", r.srv.PID())
			_ = r.srv.Kill()
			if err := r.srv.Start(ctx); err != nil {
				o.logf("surge: the server did not restart: %v", err)
				out.up = time.Now().Add(time.Hour)
				return
			}
			out.up = time.Now()
			o.logf("surge: server restarted in %s, pid %d", out.up.Sub(out.down).Round(time.Millisecond), r.srv.PID())
		}()
	} else {
		close(done)
	}
	o.logf("scenario surge: %d clients for %s, %d ready drafts, deadline at %s", o.SurgeConcurrency, o.Duration, len(m.Surge),
		deadline.Local().Format(time.TimeOnly))
	// The kill's times are read by add only after done: results of
	// requests that overlap the downtime arrive once it has begun.
	var pending []*vegeta.Result
	sr.Figures, sr.Server = r.measure(ctx, ScenarioSurge, s.targeter(), o.SurgeConcurrency, client, func(v *vegeta.Result) {
		pending = append(pending, &vegeta.Result{URL: v.URL, Code: v.Code, Timestamp: v.Timestamp, Latency: v.Latency, Error: v.Error, Body: v.Body})
	})
	<-done
	for _, v := range pending {
		out.add(v)
	}
	if s.next.Load() >= uint64(len(s.apps)) {
		sr.Notes = append(sr.Notes, fmt.Sprintf("all %d ready drafts were submitted before the end", len(s.apps)))
	}
	res.Acknowledged, res.RefusedLate, res.OtherErrors, res.DowntimeErrors = len(out.acked), out.late, out.other, out.downtimeErrs
	if !out.down.IsZero() {
		res.Killed, res.Downtime = true, Duration(out.up.Sub(out.down))
	}
	if d := out.lastAck.Sub(out.firstAck); d > 0 {
		res.AckPerSecond = float64(len(out.acked)) / d.Seconds()
	}
	for id, number := range out.acked {
		sum, size := s.uploadedFile(id)
		res.Submissions = append(res.Submissions, Acknowledged{ApplicationID: id, Receipt: number, SHA256: sum, Size: size})
	}
	slices.SortFunc(res.Submissions, func(a, b Acknowledged) int { return cmp.Compare(a.ApplicationID, b.ApplicationID) })
	if err := res.Verify(ctx, r.db); err != nil {
		return nil, err
	}
	sr.SurgeResult = res
	r.limit(ctx, sr, o.SurgeConcurrency)
	return sr, nil
}

// ceilSecond rounds t up to the second, in UTC.
func ceilSecond(t time.Time) time.Time {
	t = t.UTC()
	if d := t.Truncate(time.Second); !d.Equal(t) {
		return d.Add(time.Second)
	}
	return t
}
