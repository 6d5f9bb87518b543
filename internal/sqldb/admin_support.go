package sqldb

import (
	"context"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// Queries behind the administration pages.

// OrganisationCounts returns the number of organisations of each kind.
func (db *DB) OrganisationCounts(ctx context.Context) (map[coopdec.OrgKind]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT kind, count(*) FROM organisations GROUP BY kind`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	m := map[coopdec.OrgKind]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, translate(err)
		}
		m[coopdec.OrgKind(k)] = n
	}
	return m, translate(rows.Err())
}

// UserCounts returns the number of accounts and, per platform role, of the
// accounts that hold it.
func (db *DB) UserCounts(ctx context.Context) (total int, byRole map[coopdec.Role]int, err error) {
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&total); err != nil {
		return 0, nil, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT role, count(*) FROM user_roles GROUP BY role`)
	if err != nil {
		return 0, nil, translate(err)
	}
	defer rows.Close()
	byRole = map[coopdec.Role]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return 0, nil, translate(err)
		}
		byRole[coopdec.Role(r)] = n
	}
	return total, byRole, translate(rows.Err())
}

// UserNames returns the names of the given accounts; unknown ids are absent.
func (db *DB) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name FROM users WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, translate(err)
		}
		out[id] = name
	}
	return out, translate(rows.Err())
}

// UserAudit returns the latest events a user performed or underwent (their
// account, roles, memberships, invitation), newest first.
func (db *DB) UserAudit(ctx context.Context, u *coopdec.User, limit int) ([]coopdec.AuditEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), action, subject, ip, details
		FROM audit_events WHERE actor_id = $1 OR subject = $2 OR subject = $3 ORDER BY id DESC LIMIT $4`,
		u.ID, "user:"+strconv.FormatInt(u.ID, 10), u.Email, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.AuditEvent
	for rows.Next() {
		var e coopdec.AuditEvent
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.Subject, &e.IP, &e.Details); err != nil {
			return nil, translate(err)
		}
		out = append(out, e)
	}
	return out, translate(rows.Err())
}
