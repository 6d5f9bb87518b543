package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// groupCommitMax is how many write transactions one SQLite commit holds
// at most.
const groupCommitMax = 64

// committer runs the write transactions of concurrent callers on SQLite's
// single writer connection, several to a commit (a group commit): while
// one commit is written, the transactions that arrive queue up, and the
// next batch runs them one after the other in one database transaction,
// each inside a savepoint, then commits once. A caller is answered once
// its batch has committed, never before, so what it was told succeeded is
// on disk; a transaction that fails is rolled back to its savepoint alone
// and the others of its batch go on, as they would have on their own.
//
// Without concurrency a batch holds one transaction and costs what it
// would without the committer (a savepoint more). Under load, commits and
// their syncs (synchronous=FULL) are shared: on deadline day a commit
// holds tens of submissions.
//
// A transaction sees the uncommitted writes of those before it in its
// batch, as it would see them committed without the committer: the
// writer is single, so the order is the same. If the commit fails, every
// transaction of the batch gets the error.
type committer struct {
	write *sql.DB
	reqs  chan *commitReq
	done  chan struct{}
	// batches counts the batches run, committed or not.
	batches atomic.Int64
	// mu guards closed: once closed, run refuses new transactions, as a
	// closed database would.
	mu     sync.RWMutex
	closed bool
}

type commitReq struct {
	ctx    context.Context
	fn     func(tx *sql.Tx) error
	result chan commitResult
}

type commitResult struct {
	err      error
	panicked any // a panic of fn, raised again in the caller's goroutine
}

func newCommitter(write *sql.DB) *committer {
	c := &committer{write: write, reqs: make(chan *commitReq, groupCommitMax), done: make(chan struct{})}
	go c.loop()
	return c
}

// close stops the committer once the transactions queued are done.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.reqs)
	}
	c.mu.Unlock()
	<-c.done
}

// run queues fn and waits for the commit of its batch. Once queued, the
// caller waits for the answer even if its context ends: the transaction
// may already be part of a batch, and the caller must not believe it
// failed when it is committed.
func (c *committer) run(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &commitReq{ctx: ctx, fn: fn, result: make(chan commitResult, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return sql.ErrConnDone
	}
	select {
	case c.reqs <- req:
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	c.mu.RUnlock()
	res := <-req.result
	if res.panicked != nil {
		panic(res.panicked)
	}
	return res.err
}

func (c *committer) loop() {
	defer close(c.done)
	batch := make([]*commitReq, 0, groupCommitMax)
	for req := range c.reqs {
		batch = append(batch[:0], req)
	more:
		for len(batch) < groupCommitMax {
			select {
			case r, ok := <-c.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		c.commit(batch)
	}
}

// commit runs a batch in one transaction and answers its callers.
func (c *committer) commit(batch []*commitReq) {
	c.batches.Add(1)
	results := make([]commitResult, len(batch))
	answer := func() {
		for i, r := range batch {
			r.result <- results[i]
		}
	}
	// The transaction belongs to the batch, not to one caller: it is not
	// cancelled with a caller's context. Each caller's statements still
	// run with its own context, which the writer's connections never let
	// interrupt a statement (see cachingConn): an interrupted write rolls
	// back the whole transaction on SQLite, the others' work with it.
	bg := context.Background()
	conn, err := c.write.Conn(bg)
	var tx *sql.Tx
	if err == nil {
		defer conn.Close()
		// The writer's connection syncs only what the committer commits
		// (see openSQLite): a sync of the log makes every commit before
		// it durable too.
		if _, err = conn.ExecContext(bg, `PRAGMA synchronous = FULL`); err == nil {
			defer func() {
				// Should it fail, the connection stays FULL: slower, not
				// less safe.
				_, _ = conn.ExecContext(bg, `PRAGMA synchronous = NORMAL`)
			}()
			tx, err = conn.BeginTx(bg, nil)
		}
	}
	if err != nil {
		for i := range results {
			results[i].err = err
		}
		answer()
		return
	}
	committed := false
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err // the caller is gone before its turn
			continue
		}
		results[i], err = c.step(tx, r)
		if err != nil {
			// The transaction is unusable (a savepoint could not be
			// rolled back): the batch fails as a whole.
			_ = tx.Rollback()
			for j := range results {
				if j > i || results[j].err == nil && results[j].panicked == nil {
					results[j] = commitResult{err: err}
				}
			}
			answer()
			return
		}
		committed = committed || results[i].err == nil && results[i].panicked == nil
	}
	if committed {
		err = tx.Commit()
	} else {
		err = tx.Rollback()
	}
	if err != nil {
		for i := range results {
			if results[i].err == nil && results[i].panicked == nil {
				results[i].err = err
			}
		}
	}
	answer()
}

// step runs one caller's transaction inside a savepoint of the batch's:
// its result, and an error when the batch's transaction can no longer be
// used.
func (c *committer) step(tx *sql.Tx, r *commitReq) (res commitResult, fatal error) {
	ctx := context.WithoutCancel(r.ctx)
	if _, err := tx.ExecContext(ctx, `SAVEPOINT group_commit`); err != nil {
		return res, err
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				res.panicked = p
			}
		}()
		res.err = r.fn(tx)
	}()
	if res.err == nil && res.panicked == nil {
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT group_commit`); err != nil {
			return res, err
		}
		return res, nil
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT group_commit`); err != nil {
		return res, fmt.Errorf("sqldb: rolling back a failed transaction of a group commit: %w", errors.Join(res.err, err))
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT group_commit`); err != nil {
		return res, err
	}
	return res, nil
}
