package sqldb

import (
	"context"
	"os"
	"testing"
)

// openTestDB is sqldbtest.Open for the package's own tests (which cannot
// import sqldbtest without a cycle).
func openTestDB(tb testing.TB) *DB {
	tb.Helper()
	db, cleanup, err := OpenTemp(context.Background(), os.Getenv("COOPDEC_TEST_DATABASE_URL"), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cleanup)
	return db
}

func TestMigrationsSameVersion(t *testing.T) {
	versions := map[Dialect]int64{}
	for _, d := range []Dialect{SQLite, Postgres} {
		v, err := (&DB{Dialect: d}).LatestVersion()
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		versions[d] = v
	}
	if versions[SQLite] != versions[Postgres] || versions[SQLite] == 0 {
		t.Fatalf("got sqlite %d, postgres %d; want the same non-zero version", versions[SQLite], versions[Postgres])
	}
}

func TestMigrateReachesLatest(t *testing.T) {
	db := openTestDB(t)
	want, err := db.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got version %d; want %d", got, want)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Analyze runs on both databases, and leaves the data as it was.
func TestAnalyze(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	before, err := db.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Analyze(t.Context()); err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("after Analyze: %v", err)
	}
	if after, err := db.LatestVersion(); err != nil || after != before {
		t.Fatalf("after Analyze: version %d, %v; want %d", after, err, before)
	}
}
