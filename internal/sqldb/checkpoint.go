package sqldb

import (
	"context"
	"database/sql"
	"time"
)

const (
	// checkpointEvery is how often the checkpointer copies SQLite's
	// write-ahead log into the database file.
	checkpointEvery = 500 * time.Millisecond
	// restartFrames is the log's length, in pages (64 MB with SQLite's
	// default 4 KB pages), past which the checkpointer has the next write
	// start it again from its beginning.
	restartFrames = 16384
	// restartWait bounds how long a restart waits for the writer's lock,
	// and then for the readers while it holds it; past it the round is
	// only a passive checkpoint.
	restartWait = 10 * time.Millisecond
)

// checkpointer copies the write-ahead log into the database file in the
// background, on a connection of its own. By default SQLite has the commit
// that fills the log past a thousand pages do it: the single writer then
// writes those pages into the database file and syncs it while every
// write waits. A passive checkpoint runs beside the writer and the
// readers, never in their way; the writer restarts the log from its
// beginning once it is all copied.
//
// Under a continuous load that moment never comes: every round finds
// new commits in the log and readers still on it, so the log only grows
// (to 200 MB in ten seconds of draft saves), and with it the disk it
// takes, the index the readers search, and what SQLite reads again to
// recover after a crash. So once a passive checkpoint leaves the log
// longer than restartFrames, the checkpointer asks for a restart: it waits
// for the writer's lock, copies the pages left, syncs the database and
// waits for the readers to leave the log; the next commit writes from the
// log's beginning again. Each wait is bounded by restartWait, past which
// the round is only passive. While the checkpointer holds the writer's
// lock, every write waits: with 100 ms, restarts during the deadline
// surge took up to 127 ms, for some of which they may have held it;
// hence 10 ms. A busy writer leaves its lock free only between commits,
// so the restart mostly succeeds in the load's lulls; under a load
// without any, the log still grows past restartFrames, more slowly.
type checkpointer struct {
	conn   *sql.DB
	rounds *rounds
	// restartFrames and restartWait are the constants', changed by tests.
	restartFrames int
	restartWait   time.Duration
	// restarted is the log's length when a restart last succeeded: until
	// a commit restarts the log, the rounds find it at that length, and
	// there is nothing to do.
	restarted int
}

func startCheckpointer(path string) (*checkpointer, error) {
	conn, err := openSQLite(path, false)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	c := &checkpointer{conn: conn, restartFrames: restartFrames, restartWait: restartWait}
	c.rounds = startRounds(checkpointEvery, func() {
		// A failed round is tried again at the next: the log only grows
		// meanwhile.
		_ = c.checkpoint(context.Background())
	})
	return c, nil
}

// checkpoint copies what the log holds and no reader still needs, and
// has the log restarted when it is long.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	conn, err := c.conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var busy, frames, copied int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if frames < c.restartFrames || frames == c.restarted {
		return nil
	}
	// The connection's usual wait (ten seconds) would hold the writer's
	// lock that long while waiting for readers; the connection does
	// nothing else, and a passive checkpoint never waits.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+itoa(int(c.restartWait/time.Millisecond))); err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if busy == 0 {
		c.restarted = frames
	}
	return nil
}

// close stops the rounds and closes the connection.
func (c *checkpointer) close() error {
	c.rounds.halt()
	return c.conn.Close()
}
