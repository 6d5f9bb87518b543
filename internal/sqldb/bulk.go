package sqldb

import (
	"context"
	"database/sql"
	"errors"
)

// bulkTx is the outer transaction of a Bulk run: the write transactions of
// the storage methods join it, each inside a savepoint, and it is committed
// every n of them.
type bulkTx struct {
	write *sql.DB
	every int
	tx    *sql.Tx
	done  int // objects written since the last commit
}

// Bulk runs fn with a DB whose write transactions join one outer
// transaction, committed every n of them and when fn returns nil (rolled
// back to the last commit otherwise). Loading many objects through the
// storage methods then costs one commit per n objects instead of one each,
// while every object still goes through the methods' checks and audit.
//
// Each joined transaction runs in a savepoint, so that a method that fails
// leaves nothing behind and the batch goes on, as it would have on its own.
// The methods read what they check through their transaction and so see
// the batch's writes; reads outside a transaction (Application, Call…) see
// only what was committed: fn must not expect them to find the objects it
// has just written. The DB given to fn must not be used once fn returns,
// nor by several goroutines at once.
func (db *DB) Bulk(ctx context.Context, n int, fn func(b *DB) error) error {
	if db.bulk != nil {
		return fn(db) // already joined: one outer transaction is enough
	}
	b := &bulkTx{write: db.write, every: max(n, 1)}
	inner := *db
	inner.bulk = b
	if err := fn(&inner); err != nil {
		b.rollback()
		return err
	}
	return b.commit()
}

// run is db.tx inside a Bulk run.
func (b *bulkTx) run(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if b.tx == nil {
		tx, err := b.write.BeginTx(ctx, nil)
		if err != nil {
			return translate(err)
		}
		b.tx = tx
	}
	if _, err := b.tx.ExecContext(ctx, `SAVEPOINT bulk_object`); err != nil {
		return translate(err)
	}
	if err := fn(b.tx); err != nil {
		if _, rerr := b.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT bulk_object`); rerr != nil {
			return translate(errors.Join(err, rerr))
		}
		if _, rerr := b.tx.ExecContext(ctx, `RELEASE SAVEPOINT bulk_object`); rerr != nil {
			return translate(errors.Join(err, rerr))
		}
		return translate(err)
	}
	if _, err := b.tx.ExecContext(ctx, `RELEASE SAVEPOINT bulk_object`); err != nil {
		return translate(err)
	}
	b.done++
	if b.done >= b.every {
		return b.commit()
	}
	return nil
}

func (b *bulkTx) commit() error {
	if b.tx == nil {
		return nil
	}
	err := b.tx.Commit()
	b.tx, b.done = nil, 0
	return translate(err)
}

func (b *bulkTx) rollback() {
	if b.tx != nil {
		_ = b.tx.Rollback()
		b.tx, b.done = nil, 0
	}
}
