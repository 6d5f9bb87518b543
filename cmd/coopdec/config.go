package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// dbFlags are the options every command that touches the database takes.
type dbFlags struct {
	url   string
	data  string
	blobs string
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func envInt(name string, fallback int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return fallback
}

func envDuration(name string, fallback time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	return fallback
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("coopdec "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "database-url", env("COOPDEC_DATABASE_URL", ""), "PostgreSQL URL (postgres://…); empty: embedded SQLite in --data (env COOPDEC_DATABASE_URL)")
	fs.StringVar(&f.data, "data", env("COOPDEC_DATA", "./data"), "data folder for the SQLite database (env COOPDEC_DATA)")
	fs.StringVar(&f.blobs, "blobs", env("COOPDEC_BLOBS", ""), "attachments: a folder, or s3://bucket/prefix?endpoint=host:port&region=…&insecure=1 with COOPDEC_S3_ACCESS_KEY and COOPDEC_S3_SECRET_KEY in the environment; default DATA/blobs (env COOPDEC_BLOBS)")
}

// blobStore opens where attachments are kept: a folder, or an
// S3-compatible bucket when several servers share them.
func (f *dbFlags) blobStore(ctx context.Context) (blob.Store, error) {
	spec := f.blobs
	if spec == "" {
		spec = filepath.Join(f.data, "blobs")
	}
	store, err := blob.Open(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("unable to use %s for attachments: %w (choose another with --blobs)", spec, err)
	}
	return store, nil
}

// open connects and migrates.
func (f *dbFlags) open(ctx context.Context, migrate bool) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, f.url, f.data)
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// labelValidityYears reads serve's --label-validity-years (or its
// environment variable): a whole number of years within coopdec's bounds.
func labelValidityYears(v string) (int, error) {
	const what = "--label-validity-years (env COOPDEC_LABEL_VALIDITY_YEARS)"
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a whole number of years; give %d to %d", what, v,
			coopdec.LabelValidityMinYears, coopdec.LabelValidityMaxYears)
	}
	if err := coopdec.CheckLabelValidityYears(n); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// parse parses flags, turning -h into a clean exit and mistakes into usage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errUsage
		}
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return nil
}
