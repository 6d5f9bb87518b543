package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
)

// SetName changes a user's display name.
func (db *DB) SetName(ctx context.Context, userID int64, name string, actor coopdec.Actor) error {
	name, err := coopdec.ValidateName(name)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		search := userSearchText(&coopdec.User{Name: name, Email: email})
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, search = $2 WHERE id = $3`, name, search, userID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditNameChange, "user:"+strconv.FormatInt(userID, 10), name)
	})
}
