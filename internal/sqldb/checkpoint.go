package sqldb

import (
	"context"
	"database/sql"
	"time"
)

// checkpointEvery is how often the checkpointer copies SQLite's
// write-ahead log into the database file.
const checkpointEvery = 500 * time.Millisecond

// checkpointer copies the write-ahead log into the database file in the
// background, on a connection of its own. By default SQLite has the commit
// that fills the log past a thousand pages do it: the single writer then
// writes those pages into the database file and syncs it while every
// write waits. A passive checkpoint runs beside the writer and the
// readers, never in their way; the writer restarts the log from its
// beginning once it is all copied.
type checkpointer struct {
	conn   *sql.DB
	rounds *rounds
}

func startCheckpointer(path string) (*checkpointer, error) {
	conn, err := openSQLite(path, false)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	c := &checkpointer{conn: conn}
	c.rounds = startRounds(checkpointEvery, func() {
		// A failed round is tried again at the next: the log only grows
		// meanwhile.
		_ = c.checkpoint(context.Background())
	})
	return c, nil
}

// checkpoint copies what the log holds and no reader still needs.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	var busy, frames, copied int
	return c.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
}

// close stops the rounds and closes the connection.
func (c *checkpointer) close() error {
	c.rounds.halt()
	return c.conn.Close()
}
