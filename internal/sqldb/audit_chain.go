package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditGenesis is the prev_hash of the trail's first event.
var AuditGenesis = strings.Repeat("0", 64)

// auditTimeLayout writes an event's instant in UTC to the microsecond, the
// precision both databases keep, so that it reads back the same.
const auditTimeLayout = "2006-01-02T15:04:05.000000Z"

// auditBatch is how many events a verification or a chaining reads at once.
const auditBatch = 1000

// auditRecord is an audit event as the chain sees it.
type auditRecord struct {
	ID       int64
	At       time.Time
	ActorID  sql.NullInt64
	Action   string
	Subject  string
	IP       string
	Details  string
	PrevHash sql.NullString
	Hash     sql.NullString
}

// auditHash is the hex SHA-256 of an event: every field, and the previous
// event's hash, each written as its length (8 bytes, big-endian) followed by
// its bytes, so that no two different events encode alike.
func auditHash(e auditRecord, prev string) string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	actor := ""
	if e.ActorID.Valid {
		actor = strconv.FormatInt(e.ActorID.Int64, 10)
	}
	field("coopdec audit v1")
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format(auditTimeLayout))
	field(actor)
	field(e.Action)
	field(e.Subject)
	field(e.IP)
	field(e.Details)
	field(prev)
	return hex.EncodeToString(h.Sum(nil))
}

// lockAudit serializes the appenders until the end of the transaction: the
// next event's id and prev_hash are read under it. SQLite has one writer
// already (transactions begin immediate on the single write connection).
func (db *DB) lockAudit(ctx context.Context, q querier) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('coopdec.audit_events.' || current_schema(), 0))`)
	return err
}

// auditHead returns the id the next event takes, the one after the last
// (not PostgreSQL's sequence, so that ids follow the chain whatever was
// inserted by hand), and the hash of the last one, chaining first the
// events stored before the chain existed. The caller holds the lock.
func (db *DB) auditHead(ctx context.Context, q querier) (next int64, prev string, err error) {
	var last sql.NullInt64
	var hash sql.NullString
	err = q.QueryRowContext(ctx, `SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&last, &hash)
	if err == sql.ErrNoRows {
		err = nil
	}
	next = last.Int64 + 1
	if err != nil {
		return 0, "", err
	}
	switch {
	case !last.Valid:
		return next, AuditGenesis, nil
	case hash.Valid:
		return next, hash.String, nil
	}
	for {
		n, prev, err := db.chainSome(ctx, q)
		if err != nil {
			return 0, "", err
		}
		if n == 0 {
			return next, prev, nil
		}
	}
}

// chainSome gives their hashes to up to auditBatch of the events stored
// before the chain existed that have none yet, in id order, and returns how
// many it chained and the hash of the last chained event. The caller holds
// the lock.
func (db *DB) chainSome(ctx context.Context, q querier) (int, string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor_id, action, subject, ip, details
		FROM audit_events WHERE hash IS NULL AND id <= (SELECT up_to FROM audit_chain_backfill)
		ORDER BY id LIMIT $1`, auditBatch)
	if err != nil {
		return 0, "", err
	}
	var todo []auditRecord
	for rows.Next() {
		var e auditRecord
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.Subject, &e.IP, &e.Details); err != nil {
			rows.Close()
			return 0, "", err
		}
		todo = append(todo, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	prev := AuditGenesis
	var before sql.NullString
	if len(todo) == 0 {
		err = q.QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1`).Scan(&before)
	} else {
		err = q.QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE id < $1 ORDER BY id DESC LIMIT 1`, todo[0].ID).Scan(&before)
	}
	if err != nil && err != sql.ErrNoRows {
		return 0, "", err
	}
	if before.Valid {
		prev = before.String
	}
	for _, e := range todo {
		h := auditHash(e, prev)
		if _, err := q.ExecContext(ctx, `UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE id = $3 AND hash IS NULL`, prev, h, e.ID); err != nil {
			return 0, "", err
		}
		prev = h
	}
	return len(todo), prev, nil
}

// ChainAudit chains the events stored before the trail was a chain, a batch
// per transaction, and returns how many it chained. Appending and verifying
// do it when needed; running it after migrating spares them the wait.
func (db *DB) ChainAudit(ctx context.Context) (int64, error) {
	var total int64
	for {
		var n int
		err := db.tx(ctx, func(tx *sql.Tx) error {
			if err := db.lockAudit(ctx, tx); err != nil {
				return err
			}
			var err error
			n, _, err = db.chainSome(ctx, tx)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("sqldb: unable to chain the audit trail: %w", err)
		}
		total += int64(n)
		if n < auditBatch {
			return total, nil
		}
	}
}

// AuditProblem says what is wrong with the first broken link of the trail.
type AuditProblem string

const (
	// AuditAltered: the event's hash does not match its content; it was
	// changed after it was written.
	AuditAltered AuditProblem = "hash_mismatch"
	// AuditUnlinked: the event's prev_hash is not the hash of the event
	// before it; an event was deleted there, or this one was inserted out
	// of the chain.
	AuditUnlinked AuditProblem = "prev_hash_mismatch"
	// AuditUnchained: the event has no hash.
	AuditUnchained AuditProblem = "missing_hash"
)

// AuditVerification is the result of walking the chain.
type AuditVerification struct {
	Intact bool
	// Checked counts the events found intact, in id order, before the first
	// broken link (all of them when the chain is intact).
	Checked int64
	// BrokenAt is the id of the first event whose link is broken, and
	// Problem what is wrong with it; zero and empty when intact.
	BrokenAt int64
	Problem  AuditProblem
}

// VerifyAudit walks the whole trail in id order, a batch at a time, checking
// that each event's hash matches its content and that its prev_hash is the
// previous event's hash. progress, when not nil, is told after each batch
// how many events were checked out of how many there were at the start.
func (db *DB) VerifyAudit(ctx context.Context, progress func(checked, total int64)) (AuditVerification, error) {
	var v AuditVerification
	if _, err := db.ChainAudit(ctx); err != nil {
		return v, err
	}
	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit_events`).Scan(&total); err != nil {
		return v, fmt.Errorf("sqldb: unable to count the audit trail: %w", translate(err))
	}
	prev, after := AuditGenesis, int64(0)
	for {
		batch, err := db.auditBatch(ctx, after)
		if err != nil {
			return v, fmt.Errorf("sqldb: unable to read the audit trail: %w", translate(err))
		}
		for _, e := range batch {
			switch {
			case !e.Hash.Valid || !e.PrevHash.Valid:
				v.BrokenAt, v.Problem = e.ID, AuditUnchained
			case auditHash(e, e.PrevHash.String) != e.Hash.String:
				v.BrokenAt, v.Problem = e.ID, AuditAltered
			case e.PrevHash.String != prev:
				v.BrokenAt, v.Problem = e.ID, AuditUnlinked
			}
			if v.Problem != "" {
				return v, nil
			}
			prev, after = e.Hash.String, e.ID
			v.Checked++
		}
		if progress != nil {
			progress(v.Checked, max(total, v.Checked))
		}
		if len(batch) < auditBatch {
			v.Intact = true
			return v, nil
		}
	}
}

func (db *DB) auditBatch(ctx context.Context, after int64) ([]auditRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor_id, action, subject, ip, details, prev_hash, hash
		FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2`, after, auditBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	batch := make([]auditRecord, 0, auditBatch)
	for rows.Next() {
		var e auditRecord
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.Subject, &e.IP, &e.Details, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		batch = append(batch, e)
	}
	return batch, rows.Err()
}
