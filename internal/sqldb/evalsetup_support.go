package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/coopdec/coopdec/coopdec"
)

// AssignmentWithCall returns assignment id with the call it belongs to,
// for the officers' pages that act on one assignment.
func (db *DB) AssignmentWithCall(ctx context.Context, id int64) (*coopdec.Assignment, int64, error) {
	as, err := db.loadAssignment(ctx, db.read, id, false)
	if err != nil {
		return nil, 0, err
	}
	var callID int64
	err = db.read.QueryRowContext(ctx, `SELECT call_id FROM evaluation_assignments WHERE id = $1`, id).Scan(&callID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, errAssignmentNotFound
	}
	if err != nil {
		return nil, 0, translate(err)
	}
	return as, callID, nil
}
