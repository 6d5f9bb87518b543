package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
)

// OpenTemp opens a fresh, migrated, empty database: a SQLite file in dir, or,
// when pgURL is set, a new schema in that PostgreSQL database. The returned
// function closes it and drops the schema. Tests and benchmarks use it.
func OpenTemp(ctx context.Context, pgURL, dir string) (*DB, func(), error) {
	if pgURL == "" {
		db, err := Open(ctx, "", dir)
		if err != nil {
			return nil, nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := Open(ctx, pgURL, "")
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.write.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("sqldb: unable to create schema: %w", err)
	}
	drop := func() {
		_, _ = admin.write.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		drop()
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := Open(ctx, u.String(), "")
	if err != nil {
		drop()
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		drop()
		return nil, nil, err
	}
	return db, func() { db.Close(); drop() }, nil
}
