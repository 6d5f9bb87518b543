package sqldb

import (
	"context"
	"database/sql"

	"github.com/coopdec/coopdec/coopdec"
)

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// audit appends an event to the trail within the caller's transaction, so
// the change and its record stand or fall together. The event is chained to
// the last one: on PostgreSQL appenders wait for each other from here to the
// end of their transactions, so the lock is taken only once everything else
// about the event is ready. The head of the chain is read after the lock,
// which needs READ COMMITTED (database/sql's default) on PostgreSQL.
func (db *DB) audit(ctx context.Context, q querier, actor coopdec.Actor, action, subject, details string) error {
	e := auditRecord{ActorID: nullID(actor.UserID), Action: action, Subject: subject, IP: actor.IP, Details: details}
	if err := db.lockAudit(ctx, q); err != nil {
		return err
	}
	id, prev, err := db.auditHead(ctx, q)
	if err != nil {
		return err
	}
	// Read under the lock, the clock follows the chain's order on one server.
	e.ID, e.At = id, db.now()
	_, err = q.ExecContext(ctx, db.auditInsert(), e.ID, e.At, e.ActorID, e.Action, e.Subject, e.IP, e.Details, prev, auditHash(e, prev))
	return err
}

func (db *DB) auditInsert() string {
	overriding := ""
	if db.Dialect == Postgres {
		overriding = " OVERRIDING SYSTEM VALUE"
	}
	return `INSERT INTO audit_events (id, at, actor_id, action, subject, ip, details, prev_hash, hash)` + overriding + `
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
}

// Audit records a security event on its own.
func (db *DB) Audit(ctx context.Context, actor coopdec.Actor, action, subject, details string) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.audit(ctx, tx, actor, action, subject, details) })
}

// AuditFilter selects audit events.
type AuditFilter struct {
	Action  string
	ActorID int64
}

// ListAudit returns events, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter, page coopdec.Page) ([]coopdec.AuditEvent, coopdec.Page, error) {
	where, args := "WHERE 1=1", []any{}
	if f.Action != "" {
		args = append(args, f.Action)
		where += " AND action = $1"
	}
	if f.ActorID != 0 {
		args = append(args, f.ActorID)
		where += " AND actor_id = $" + itoa(len(args))
	}
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM audit_events "+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	args = append(args, page.PerPage, page.Offset())
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), action, subject, ip, details
		FROM audit_events `+where+` ORDER BY id DESC LIMIT $`+itoa(len(args)-1)+` OFFSET $`+itoa(len(args)), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []coopdec.AuditEvent
	for rows.Next() {
		var e coopdec.AuditEvent
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.Subject, &e.IP, &e.Details); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, e)
	}
	return out, page, translate(rows.Err())
}
