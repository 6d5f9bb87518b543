package sqldb

import (
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// On SQLite, the writer's commits are synced when the committer makes
// them (an acknowledged write survives a power cut), not when others on
// the connection (the job queue) do; and the log is copied into the
// database by the checkpointer, not by the commit that fills it.
func TestWriterSyncsAndCheckpoints(t *testing.T) {
	db := openTestDB(t)
	if db.Dialect != SQLite {
		t.Skip("SQLite's writer connection")
	}
	ctx := t.Context()
	db.checkpoints.rounds.halt() // the test checkpoints itself
	pragma := func(q querier, name string) int {
		t.Helper()
		var v int
		if err := q.QueryRowContext(ctx, `PRAGMA `+name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	const normal, full = 1, 2
	if got := pragma(db.write, "synchronous"); got != normal {
		t.Errorf("writer's connection outside a batch: synchronous %d; want NORMAL (%d)", got, normal)
	}
	if got := pragma(db.write, "wal_autocheckpoint"); got != 0 {
		t.Errorf("writer's connection: wal_autocheckpoint %d; want 0 (the checkpointer's)", got)
	}
	if got := pragma(db.write, "temp_store"); got != 2 {
		t.Errorf("writer's connection: temp_store %d; want MEMORY (2)", got)
	}
	for i := range 3 {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			var v int
			if err := tx.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&v); err != nil {
				return err
			}
			if v != full {
				return fmt.Errorf("inside a batch: synchronous %d; want FULL (%d)", v, full)
			}
			return insertOutbox(ctx, tx, "checkpoint@example.test", fmt.Sprint(i))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := pragma(db.write, "synchronous"); got != normal {
		t.Errorf("after a batch: synchronous %d; want NORMAL again", got)
	}

	// The log holds the writes until the checkpointer copies them all.
	var busy, frames, copied int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(NOOP)`).Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	if frames == 0 || copied == frames {
		t.Fatalf("the log holds %d frames, %d copied, after three commits; want some not copied yet", frames, copied)
	}
	if err := db.checkpoints.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(NOOP)`).Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	if copied != frames {
		t.Errorf("after a checkpoint: %d of the log's %d frames copied; want all", copied, frames)
	}
	if n := len(outboxSubjects(t, db, "checkpoint@example.test")); n != 3 {
		t.Errorf("%d messages read back; want 3", n)
	}
}

// A log the passive checkpoints cannot empty, because readers stay on it,
// is restarted once it is long: the checkpointer waits for the readers
// (within its bound), copies the rest, and the next commit writes from
// the log's beginning instead of appending to it.
func TestCheckpointerRestartsLongLog(t *testing.T) {
	db := openTestDB(t)
	if db.Dialect != SQLite {
		t.Skip("SQLite's log")
	}
	ctx := t.Context()
	c := db.checkpoints
	c.rounds.halt() // the test checkpoints itself
	c.restartFrames, c.restartWait = 1, 10*time.Second
	write := func(i int) {
		t.Helper()
		if err := db.tx(ctx, func(tx *sql.Tx) error {
			return insertOutbox(ctx, tx, "restart@example.test", fmt.Sprint(i))
		}); err != nil {
			t.Fatal(err)
		}
	}
	logFrames := func() (frames, copied int) {
		t.Helper()
		var busy int
		if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(NOOP)`).Scan(&busy, &frames, &copied); err != nil {
			t.Fatal(err)
		}
		return frames, copied
	}
	write(0)
	if err := c.checkpoint(ctx); err != nil { // no reader: the log is emptied
		t.Fatal(err)
	}

	// A reader from before the writes stays on the log while they are
	// made, and leaves while the checkpointer waits for it.
	conn, err := db.read.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT id FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("the reader reads nothing")
	}
	for i := 1; i <= 5; i++ {
		write(i)
	}
	long, _ := logFrames()
	left := make(chan struct{})
	go func() {
		defer close(left)
		time.Sleep(100 * time.Millisecond)
		rows.Close()
	}()
	if err := c.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	<-left
	if frames, copied := logFrames(); frames != copied {
		t.Errorf("after the restart: %d of the log's %d frames copied; want all", copied, frames)
	}
	write(6)
	if frames, _ := logFrames(); frames >= long {
		t.Errorf("the commit after the restart left the log at %d frames, %d before it: it appended instead of starting again", frames, long)
	}
	if n := len(outboxSubjects(t, db, "restart@example.test")); n != 7 {
		t.Errorf("%d messages read back; want 7", n)
	}
}
