package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

var errGroupTest = errors.New("refused by the test")

// outboxSubjects returns the subjects of the outbox's messages sent to to.
func outboxSubjects(t *testing.T, db *DB, to string) map[string]bool {
	t.Helper()
	rows, err := db.read.QueryContext(t.Context(), `SELECT subject FROM outbox WHERE recipient = $1`, to)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[s] = true
	}
	return out
}

func insertOutbox(ctx context.Context, tx *sql.Tx, to, subject string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (created_at, recipient, subject, body_text, body_html) VALUES ($1, $2, $3, '', '')`,
		time.Now().UTC(), to, subject)
	return err
}

// Concurrent transactions on both databases: each one that fails leaves
// nothing, each one that succeeds is there, whatever the others did.
func TestConcurrentTransactionsStandAlone(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	const n = 120
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = db.tx(ctx, func(tx *sql.Tx) error {
				if err := insertOutbox(ctx, tx, "concurrent@example.test", fmt.Sprint(i)); err != nil {
					return err
				}
				if i%7 == 3 {
					return errGroupTest // after its write: the write must go
				}
				return nil
			})
		})
	}
	wg.Wait()
	got := outboxSubjects(t, db, "concurrent@example.test")
	for i := range n {
		fail := i%7 == 3
		switch {
		case fail && !errors.Is(errs[i], errGroupTest):
			t.Errorf("transaction %d: error %v, want the refusal", i, errs[i])
		case !fail && errs[i] != nil:
			t.Errorf("transaction %d: %v", i, errs[i])
		case fail && got[fmt.Sprint(i)]:
			t.Errorf("transaction %d failed but its write is stored", i)
		case !fail && !got[fmt.Sprint(i)]:
			t.Errorf("transaction %d succeeded but its write is missing", i)
		}
	}
}

// On SQLite, the transactions that queue while one runs are committed
// together, and each caller is answered with its own outcome: a failure,
// a panic or an ended context touch no one else.
func TestGroupCommitBatchesQueuedTransactions(t *testing.T) {
	t.Parallel()
	db, cleanup, err := OpenTemp(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if db.commits == nil {
		t.Fatal("SQLite runs without group commit")
	}
	ctx := t.Context()
	const to = "batch@example.test"

	before := db.commits.batches.Load()
	// A first transaction holds the writer until the others are queued.
	release, started := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.tx(ctx, func(tx *sql.Tx) error {
			close(started)
			<-release
			return insertOutbox(ctx, tx, to, "first")
		})
	}()
	<-started

	const n = 40
	gone, cancel := context.WithCancel(ctx)
	errs := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			c := ctx
			if i == 5 {
				c = gone
			}
			errs[i] = db.tx(c, func(tx *sql.Tx) error {
				if err := insertOutbox(c, tx, to, fmt.Sprint(i)); err != nil {
					return err
				}
				switch i {
				case 3:
					return errGroupTest
				case 4:
					panic("panic of transaction 4")
				}
				return nil
			})
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(db.commits.reqs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d transactions queued, want %d", len(db.commits.reqs), n)
		}
		time.Sleep(time.Millisecond)
	}
	cancel() // transaction 5's caller leaves before its turn
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}

	got := outboxSubjects(t, db, to)
	if !got["first"] {
		t.Error("the first transaction's write is missing")
	}
	for i := range n {
		switch i {
		case 3:
			if !errors.Is(errs[i], errGroupTest) || got["3"] {
				t.Errorf("failing transaction: error %v, stored %v; want the refusal and nothing stored", errs[i], got["3"])
			}
		case 4:
			if panics[i] != "panic of transaction 4" || got["4"] {
				t.Errorf("panicking transaction: panic %v in its caller, stored %v; want the panic and nothing stored", panics[i], got["4"])
			}
		case 5:
			if !errors.Is(errs[i], context.Canceled) || got["5"] {
				t.Errorf("transaction of a gone caller: error %v, stored %v; want context.Canceled and nothing stored", errs[i], got["5"])
			}
		default:
			if errs[i] != nil || panics[i] != nil || !got[fmt.Sprint(i)] {
				t.Errorf("transaction %d: error %v, panic %v, stored %v", i, errs[i], panics[i], got[fmt.Sprint(i)])
			}
		}
	}
	if b := db.commits.batches.Load() - before; b != 2 {
		t.Errorf("%d commits for the first transaction and %d queued ones; want 2", b, n)
	}
}

// Once the database is closed, a write is refused, not a panic.
func TestGroupCommitAfterClose(t *testing.T) {
	t.Parallel()
	db, cleanup, err := OpenTemp(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	db.commits.close()
	err = db.tx(t.Context(), func(tx *sql.Tx) error { return insertOutbox(t.Context(), tx, "closed@example.test", "x") })
	if !errors.Is(err, sql.ErrConnDone) {
		t.Fatalf("write after close: got %v; want sql.ErrConnDone", err)
	}
	db.commits.close() // twice is harmless, as Close is
}
