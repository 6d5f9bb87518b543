package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coopdec/coopdec/internal/bench"
)

// cmdBench generates a dataset, starts the server on it and measures it
// under load (see internal/bench).
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	var o bench.Options
	fs.StringVar(&o.Scale, "scale", "small", "dataset size: small, medium or large")
	fs.Int64Var(&o.Seed, "seed", 1, "seed of the generated dataset (same seed, same dataset)")
	fs.StringVar(&o.Data, "data", "", "dataset folder (SQLite file, attachments, manifest, server log), new or empty; default a temporary folder")
	fs.StringVar(&o.DatabaseURL, "database-url", "", "PostgreSQL URL (postgres://…) of an empty database; empty: SQLite in --data")
	fs.BoolVar(&o.Reset, "reset", false, "delete the dataset already in --data or --database-url")
	fs.StringVar(&o.Referentiel, "referentiel", "", "official territorial referential for the French authorities; empty: generated")
	fs.StringVar(&o.URL, "url", "", "measure a running server (http://…) on a dataset generated earlier; needs --manifest")
	fs.StringVar(&o.Manifest, "manifest", "", "the dataset's manifest: written by the generation, read with --reuse or --url; default DATA/manifest.json")
	fs.BoolVar(&o.Reuse, "reuse", false, "skip the generation: use the dataset in --data or --database-url and its manifest (a SQLite dataset is first written to disk)")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "concurrent clients")
	fs.IntVar(&o.SurgeConcurrency, "surge-concurrency", 64, "concurrent clients of the deadline surge")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "duration of each scenario, and of each limit")
	scenarios := fs.String("scenarios", "", "comma-separated scenarios to run: "+strings.Join(bench.Scenarios, ",")+"; default all")
	jsonFile := fs.String("json", "", "also write the report as JSON to this file")
	fs.BoolVar(&o.Kill, "kill", false, "kill the server (SIGKILL) in the middle of the deadline surge, restart it and check every acknowledged submission")
	compare := fs.String("compare", "", "set the report beside an earlier one written by --json (the search p50 ratio, PostgreSQL beside SQLite)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q (options start with --)", fs.Arg(0))
	}
	if *scenarios != "" {
		for _, s := range strings.Split(*scenarios, ",") {
			if s = strings.TrimSpace(s); s != "" {
				o.Scenarios = append(o.Scenarios, s)
			}
		}
	}
	if *compare != "" {
		if _, err := os.Stat(*compare); err != nil {
			return fmt.Errorf("bench: --compare %s: %w", *compare, err)
		}
	}
	if o.URL == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("bench: unable to find the coopdec binary to start the server: %w", err)
		}
		o.ServerCommand = []string{exe}
	}
	o.Progress = stderr
	return runBench(ctx, o, *jsonFile, *compare, stdout)
}

// runBench runs the benchmark and writes its report.
func runBench(ctx context.Context, o bench.Options, jsonFile, compare string, stdout io.Writer) error {
	rep, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	if compare != "" {
		if err := bench.Compare(rep, compare); err != nil {
			return err
		}
		rep.Targets = bench.CheckTargets(rep)
	}
	rep.Print(stdout)
	if jsonFile != "" {
		if err := rep.WriteJSON(jsonFile); err != nil {
			return fmt.Errorf("bench: writing %s: %w", jsonFile, err)
		}
	}
	return nil
}
