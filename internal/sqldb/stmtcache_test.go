package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

func openCachedSQLite(t *testing.T) *sql.DB {
	t.Helper()
	d, err := openSQLite(filepath.Join(t.TempDir(), "cache.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if _, err := d.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := d.Exec(`INSERT INTO t (id, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// A statement run again while its own rows are open, on the one
// connection of a transaction, must not reset the rows being read.
func TestStmtCacheNestedSameQuery(t *testing.T) {
	d := openCachedSQLite(t)
	ctx := context.Background()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	const q = `SELECT id, v FROM t WHERE id >= $1 ORDER BY id`
	rows, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer []int
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, id)
		// The same SQL, nested: its own statement.
		var n int
		inner, err := tx.QueryContext(ctx, q, id)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			n++
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
		if n != 6-id {
			t.Fatalf("inner query from %d: %d rows, want %d", id, n, 6-id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE t SET v = $1 WHERE id = $2`, fmt.Sprint("w", id), id); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(outer) != "[1 2 3 4 5]" {
		t.Fatalf("outer rows %v, want [1 2 3 4 5]", outer)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var v string
	if err := d.QueryRowContext(ctx, `SELECT v FROM t WHERE id = $1`, 5).Scan(&v); err != nil || v != "w5" {
		t.Fatalf("after commit: %q, %v", v, err)
	}
}

// Past its size the cache still answers, preparing for one use; a failed
// statement is dropped and the same SQL works again afterwards; scripts of
// several statements still run whole.
func TestStmtCacheLimitsAndErrors(t *testing.T) {
	d := openCachedSQLite(t)
	ctx := context.Background()
	for i := range stmtCacheSize + 20 {
		var n int
		if err := d.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 5+i {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	const ins = `INSERT INTO t (id, v) VALUES ($1, $2)`
	if _, err := d.ExecContext(ctx, ins, 1, "dup"); err == nil {
		t.Fatal("duplicate key accepted")
	}
	if _, err := d.ExecContext(ctx, ins, 6, "v6"); err != nil {
		t.Fatalf("the statement after its failure: %v", err)
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO t (id, v) VALUES (7, 'a'); INSERT INTO t (id, v) VALUES (8, 'b');`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 8 {
		t.Fatalf("count %d, %v; want 8", n, err)
	}
}

// BenchmarkStmtCache shows what the cache saves on a typical lookup:
// go test ./internal/sqldb -bench StmtCache -run '^$'
func BenchmarkStmtCache(b *testing.B) {
	ctx := context.Background()
	for _, cached := range []bool{false, true} {
		b.Run(fmt.Sprint("cached=", cached), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			var d *sql.DB
			var err error
			if cached {
				d, err = openSQLite(path, true)
			} else {
				d, err = sql.Open("sqlite", "file:"+path)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			if _, err := d.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER);
				INSERT INTO t VALUES (1, 'x', 'y', 3)`); err != nil {
				b.Fatal(err)
			}
			const q = `SELECT t.id, t.a, t.b, t.c FROM t WHERE t.id = $1 AND t.c > $2 AND (t.a = $3 OR t.b = $4) ORDER BY t.id LIMIT 1`
			for b.Loop() {
				var id, c int
				var x, y string
				if err := d.QueryRowContext(ctx, q, 1, 0, "x", "z").Scan(&id, &x, &y, &c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
