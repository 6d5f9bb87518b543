package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
)

// stmtCacheSize is how many prepared statements one SQLite connection
// keeps. The storage code has a few hundred distinct statements; searches
// build a few more from their filters. Past the limit, statements are
// prepared for one use, as without the cache.
const stmtCacheSize = 256

// cachingConnector opens SQLite connections that keep their prepared
// statements. database/sql prepares a statement for every query that is
// not explicitly prepared, and the modernc driver finalizes it afterwards:
// on SQLite, parsing and planning then cost as much as running the small
// queries the storage code mostly makes (a third of the time of a
// submission). PostgreSQL's pgx driver caches statements by itself.
type cachingConnector struct {
	dsn string
	drv driver.Driver
	// detach: the connection's statements are never interrupted when their
	// context ends (the writer's: see committer).
	detach bool
}

func (c *cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn, c.detach)
}

func (c *cachingConnector) Driver() driver.Driver { return c.drv }

// driverConn is what the modernc connection implements and cachingConn
// relies on.
type driverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn wraps a connection with a cache of its prepared statements,
// by SQL text. database/sql uses a connection from one goroutine at a
// time, so the cache needs no lock. A cached statement serves one query at
// a time: while its rows are open (a query run again inside the loop over
// its own results), the same SQL gets a statement of its own.
type cachingConn struct {
	driverConn
	stmts  map[string]*cachedStmt
	detach bool
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool
}

func newCachingConn(conn driver.Conn, detach bool) (driver.Conn, error) {
	dc, ok := conn.(driverConn)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("sqldb: the SQLite driver lacks the interfaces the statement cache needs")
	}
	return &cachingConn{driverConn: dc, stmts: map[string]*cachedStmt{}, detach: detach}, nil
}

// stmt returns the cached statement for query, preparing it on first use;
// nil when the cache is full or the statement is in use.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		return nil, nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{st: st}
	c.stmts[query] = cs
	return cs, nil
}

// drop forgets a statement that failed, so that a statement left in a bad
// state is never used again; the next use prepares it afresh.
func (c *cachingConn) drop(query string, cs *cachedStmt) {
	if c.stmts[query] == cs {
		delete(c.stmts, query)
	}
	_ = cs.st.Close()
}

// context is the statement's context: on a detached connection, one that
// does not end with the caller's. The driver interrupts a statement whose
// context ends, and an interrupted write rolls back its whole transaction,
// which on the writer holds other callers' work (group commit).
func (c *cachingConn) context(ctx context.Context) context.Context {
	if c.detach {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx = c.context(ctx)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.driverConn.ExecContext(ctx, query, args)
	}
	res, err := cs.st.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.drop(query, cs)
	}
	return res, err
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx = c.context(ctx)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.driverConn.QueryContext(ctx, query, args)
	}
	cs.busy = true
	rows, err := cs.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		cs.busy = false
		c.drop(query, cs)
		return nil, err
	}
	return &cachedRows{Rows: rows, release: func() { cs.busy = false }}, nil
}

func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.driverConn.Close())...)
}

// cachedRows gives its statement back to the cache when closed.
type cachedRows struct {
	driver.Rows
	release func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}
