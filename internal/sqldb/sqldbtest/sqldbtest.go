// Package sqldbtest gives tests a fresh, migrated database: SQLite always,
// PostgreSQL when COOPDEC_TEST_DATABASE_URL is set.
package sqldbtest

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/coopdec/coopdec/internal/sqldb"
)

// EnvURL names the variable holding the PostgreSQL test database URL.
const EnvURL = "COOPDEC_TEST_DATABASE_URL"

var once sync.Once

// Open returns a fresh database closed at the end of the test.
func Open(tb testing.TB) *sqldb.DB {
	tb.Helper()
	url := os.Getenv(EnvURL)
	once.Do(func() {
		if url == "" {
			tb.Logf("%s is not set: running on SQLite only; PostgreSQL tests are skipped", EnvURL)
		}
	})
	db, cleanup, err := sqldb.OpenTemp(context.Background(), url, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cleanup)
	return db
}
