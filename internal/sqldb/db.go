// Package sqldb stores the platform's data on SQLite (embedded, the default)
// or PostgreSQL (scale-out), with one set of queries written with $n
// placeholders that both drivers accept.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/pressly/goose/v3"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
)

// Dialect names the database engine in use.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrationsFS embed.FS

// DB is the platform's database. On SQLite, writes go through a single
// connection (SQLite allows one writer) while reads use a pool; on
// PostgreSQL both share one pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// Now is the clock; tests replace it.
	Now func() time.Time
	// bulk, when set, makes write transactions join one outer transaction
	// (see Bulk).
	bulk *bulkTx
	// commits batches SQLite's write transactions (group commit); nil on
	// PostgreSQL, whose writers run concurrently.
	commits *committer
	// profiles keeps the matching's expertise profiles between requests.
	profiles *spanCache[[]coopdec.ExpertiseProfile]
	// decisions keeps published decisions decoded.
	decisions *decisionCache
	// directory keeps the index of the valid labels the directory's
	// facets read.
	directory *spanCache[*directoryIndex]
	// selected keeps the funded projects' records of published decisions.
	selected *selectedCache
	// public keeps the instants of the public data's last versions.
	public *publicStateCache
	// orgChoices keeps the forms' lists of organisations, calls the calls
	// read by ID, by public version.
	orgChoices *versionedCache[string, orgChoiceList]
	calls      *versionedCache[int64, *coopdec.Call]
	callList   *versionedCache[int64, *coopdec.Call] // as lists show them
	// labelHits keeps the directory's text hits of the last words searched.
	labelHits *versionedCache[string, map[int64]float64]
	// vocab keeps whether the full-text indexes hold words extending the
	// last word searched (ftsMatch).
	vocab *versionedCache[string, bool]
	// links keeps the roles and memberships of the users last
	// authenticated, by user ID, by version of the users' links.
	links *versionedCache[int64, userLinks]
	// creds keeps the credentials last authenticated with their accounts,
	// by version of the credentials (credentialUser).
	creds *versionedCache[credentialKey, credential]
	// touched keeps the marks of sessions and API tokens used until they
	// are written.
	touched *touches
	// checkpoints copies SQLite's log into the database file; nil on
	// PostgreSQL.
	checkpoints *checkpointer
}

// Open connects to the database named by dsn: a postgres:// URL, or else a
// SQLite file path (empty: coopdec.db inside dataDir).
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	db := &DB{Now: func() time.Time { return time.Now().UTC() }, profiles: &spanCache[[]coopdec.ExpertiseProfile]{}, selected: &selectedCache{},
		directory: &spanCache[*directoryIndex]{}, decisions: &decisionCache{}, public: &publicStateCache{},
		orgChoices: newVersionedCache[string, orgChoiceList](16),
		calls:      newVersionedCache[int64, *coopdec.Call](1024),
		labelHits:  newVersionedCache[string, map[int64]float64](256),
		callList:   newVersionedCache[int64, *coopdec.Call](1024), touched: &touches{},
		vocab: newVersionedCache[string, bool](4096), links: newVersionedCache[int64, userLinks](userLinksKept),
		creds: newVersionedCache[credentialKey, credential](credentialsKept)}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.Dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("sqldb: unable to open PostgreSQL: %w", err)
		}
		pool.SetMaxOpenConns(max(8, 4*runtime.GOMAXPROCS(0)))
		pool.SetMaxIdleConns(max(8, 4*runtime.GOMAXPROCS(0)))
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.write, db.read = pool, pool
	} else {
		db.Dialect = SQLite
		path := dsn
		if path == "" {
			if dataDir == "" {
				dataDir = "."
			}
			if err := os.MkdirAll(dataDir, 0o750); err != nil {
				return nil, fmt.Errorf("sqldb: unable to create the data folder: %w", err)
			}
			path = filepath.Join(dataDir, "coopdec.db")
		}
		path = strings.TrimPrefix(path, "sqlite://")
		var err error
		if db.write, err = openSQLite(path, true); err != nil {
			return nil, err
		}
		if db.read, err = openSQLite(path, false); err != nil {
			db.write.Close()
			return nil, err
		}
		if db.checkpoints, err = startCheckpointer(path); err != nil {
			db.write.Close()
			db.read.Close()
			return nil, err
		}
		db.commits = newCommitter(db.write)
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb: unable to reach the %s database: %w", db.Dialect, err)
	}
	db.startTouches()
	return db, nil
}

func openSQLite(path string, writer bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	if writer {
		// A commit of ours is acknowledged once it is synced: a
		// submission's receipt survives a power cut, not only the end of
		// the process. The committer sets synchronous to FULL for each of
		// its batches, whose sync the transactions of the batch share.
		// The connection's other commits, the job queue's bookkeeping
		// (fetching, completing: River shares the single writer), are
		// not synced on their own: the next sync of the log, at the next
		// batch, covers them. A power cut may lose the last of them, as
		// if the machine had stopped a moment earlier; River then runs a
		// job again, which it may always do.
		q.Add("_pragma", "synchronous(NORMAL)")
		// Each transaction of a batch runs in a savepoint, whose journal
		// of the pages it changes is kept in memory rather than in a
		// temporary file.
		q.Add("_pragma", "temp_store(MEMORY)")
		// The log is copied into the database by the checkpointer, in
		// the background, rather than by the commit that fills it.
		q.Add("_pragma", "wal_autocheckpoint(0)")
	}
	q.Set("_txlock", "immediate")
	d := sql.OpenDB(&cachingConnector{dsn: "file:" + path + "?" + q.Encode(), drv: &sqlite.Driver{}, detach: writer})
	if writer {
		d.SetMaxOpenConns(1)
		d.SetMaxIdleConns(1)
	} else {
		n := max(4, 2*runtime.GOMAXPROCS(0))
		d.SetMaxOpenConns(n)
		d.SetMaxIdleConns(n)
	}
	d.SetConnMaxLifetime(0)
	return d, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.stopTouches()
	if db.commits != nil {
		db.commits.close()
	}
	var err error
	if db.checkpoints != nil {
		err = db.checkpoints.close()
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (db *DB) migrations() (fs.FS, goose.Dialect, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(db.Dialect))
	if err != nil {
		return nil, "", err
	}
	if db.Dialect == Postgres {
		return sub, goose.DialectPostgres, nil
	}
	return sub, goose.DialectSQLite3, nil
}

func (db *DB) provider() (*goose.Provider, error) {
	fsys, dialect, err := db.migrations()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.write, fsys)
}

// Migrate brings the schema to the latest version and returns it.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, fmt.Errorf("sqldb: unable to load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("sqldb: unable to migrate: %w", err)
	}
	// Events recorded before the trail was chained are chained once, here.
	if _, err := db.ChainAudit(ctx); err != nil {
		return 0, fmt.Errorf("sqldb: unable to chain the audit trail: %w", err)
	}
	// Decisions made final before the funded projects' record existed.
	if _, err := db.IndexFundedProjects(ctx); err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// LatestVersion returns the newest migration version for the dialect, read
// from the embedded files without touching a database.
func (db *DB) LatestVersion() (int64, error) {
	fsys, _, err := db.migrations()
	if err != nil {
		return 0, err
	}
	files, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, f := range files {
		n, err := strconv.ParseInt(strings.SplitN(f, "_", 2)[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("sqldb: migration %s: name must start with its version: %w", f, err)
		}
		latest = max(latest, n)
	}
	return latest, nil
}

// tx runs fn in a write transaction, committed when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.bulk != nil {
		return db.bulk.run(ctx, fn)
	}
	if db.commits != nil {
		return translate(db.commits.run(ctx, fn))
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// Analyze brings the planner's knowledge of the data up to date after a
// bulk load: on PostgreSQL, VACUUM ANALYZE (statistics, and the visibility
// map that index-only scans need), as autovacuum would later, if it runs;
// on SQLite nothing, whose queries are written for its planner without
// statistics.
func (db *DB) Analyze(ctx context.Context) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `VACUUM (ANALYZE)`)
	return translate(err)
}

// exec runs one write statement on its own, as a transaction (on SQLite,
// one of a group commit's).
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// now returns the database clock truncated to microseconds, the precision
// PostgreSQL keeps, so that values read back compare equal.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queryIDs returns the first column of the rows of query, in order.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		ids = append(ids, id)
	}
	return ids, translate(rows.Err())
}
