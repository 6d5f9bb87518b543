package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/bench"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// TestBenchHelperServer is the server the bench tests start as a child
// process: this test binary, running "coopdec" with the arguments after
// "--".
func TestBenchHelperServer(t *testing.T) {
	if os.Getenv("COOPDEC_BENCH_HELPER") != "1" {
		t.Skip("the server process of TestBench*, not a test of its own")
	}
	i := slices.Index(os.Args, "--")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[i+1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
	os.Exit(0)
}

func benchOptions(t *testing.T) bench.Options {
	return bench.Options{Scale: "small", Seed: 7, Data: t.TempDir(), Concurrency: 4, SurgeConcurrency: 8,
		Duration: time.Second, ServerCommand: []string{os.Args[0], "-test.run=^TestBenchHelperServer$", "--"},
		ServerEnv: []string{"COOPDEC_BENCH_HELPER=1"}, Progress: t.Output()}
}

func TestBenchEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		o := benchOptions(t)
		o.Kill = true
		checkBenchRun(t, o)
	})
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(sqldbtest.EnvURL) == "" {
			t.Skipf("%s is not set", sqldbtest.EnvURL)
		}
		o := benchOptions(t)
		o.DatabaseURL = postgresSchema(t, os.Getenv(sqldbtest.EnvURL))
		checkBenchRun(t, o)
	})
}

func checkBenchRun(t *testing.T, o bench.Options) {
	rep, err := bench.Run(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	rep.Print(t.Output())
	for _, name := range bench.Scenarios {
		s := rep.Scenario(name)
		switch {
		case s == nil:
			t.Errorf("%s: not in the report", name)
		case s.Skipped != "":
			t.Errorf("%s: skipped: %s", name, s.Skipped)
		case s.Requests == 0:
			t.Errorf("%s: no requests", name)
		case s.Limit == nil || s.Limit.Requests == 0:
			t.Errorf("%s: no limit measured", name)
		case s.Server.PeakRSSBytes == 0:
			t.Errorf("%s: the server's memory was not sampled", name)
		}
	}
	s := rep.Scenario(bench.ScenarioSurge)
	if s == nil || s.SurgeResult == nil {
		t.Fatal("no surge result")
	}
	sr := s.SurgeResult
	if sr.Acknowledged == 0 || sr.Verified != sr.Acknowledged || len(sr.Missing)+len(sr.Corrupt) > 0 {
		t.Fatalf("surge: %d acknowledged, %d intact, missing %v, corrupt %v", sr.Acknowledged, sr.Verified, sr.Missing, sr.Corrupt)
	}
	if o.Kill && !sr.Killed {
		t.Error("--kill: the server was not killed")
	}

	// A submission changed behind the platform's back is found.
	db, err := sqldb.Open(t.Context(), o.DatabaseURL, o.Data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tampered := sr.Submissions[0].ApplicationID
	if _, err := db.WritePool().ExecContext(t.Context(), `UPDATE applications SET receipt_number = receipt_number || '-X' WHERE id = $1`,
		tampered); err != nil {
		t.Fatal(err)
	}
	if err := sr.Verify(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	if len(sr.Corrupt) != 1 || !strings.Contains(sr.Corrupt[0], "-X") || sr.Verified != sr.Acknowledged-1 {
		t.Errorf("after tampering with application %d: corrupt %v, %d/%d intact; want it reported", tampered, sr.Corrupt,
			sr.Verified, sr.Acknowledged)
	}
}

func TestBenchCommandRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/notes.txt", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--scale", "huge"}, `--scale "huge" is unknown`},
		{[]string{"--concurrency", "0"}, "--concurrency 0"},
		{[]string{"--duration", "1ms"}, "too short"},
		{[]string{"--scenarios", "search,lunch"}, `"lunch" is unknown`},
		{[]string{"--url", "http://127.0.0.1:1"}, "--url needs --manifest"},
		{[]string{"--url", "127.0.0.1:8080", "--manifest", "m.json"}, "--url must be an http://"},
		{[]string{"--database-url", "mysql://x"}, "postgres:// URL"},
		{[]string{"--data", dir, "--duration", "1s"}, "is not empty"},
		{[]string{"--compare", dir + "/none.json"}, "--compare"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		err := run(t.Context(), append([]string{"bench"}, tc.args...), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bench %v: got %v; want an error saying %q", tc.args, err, tc.want)
		}
	}
}
