package sqldb

import (
	"context"

	"github.com/coopdec/coopdec/coopdec"
)

// CallManagers lists those who handle the applications to a call, to tell
// them of what happens to one: the users with the officer role, and the
// members of the call's co-managing organisations who hold the co_manager
// role (as coopdec.CanListCallApplications has it). Disabled accounts are
// left out; each person comes once, by id. An unknown call has only the
// officers. ApplicationID is left 0.
func (db *DB) CallManagers(ctx context.Context, callID int64) ([]DraftHolder, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language FROM users u
		WHERE u.disabled_at IS NULL AND (
			EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $1)
			OR EXISTS (SELECT 1 FROM user_roles r
				JOIN memberships m ON m.user_id = r.user_id
				JOIN call_co_managers cm ON cm.organisation_id = m.organisation_id
				WHERE r.user_id = u.id AND r.role = $2 AND cm.call_id = $3))
		ORDER BY u.id`, string(coopdec.RoleOfficer), string(coopdec.RoleCoManager), callID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []DraftHolder
	for rows.Next() {
		var h DraftHolder
		if err := rows.Scan(&h.UserID, &h.Email, &h.Name, &h.Language); err != nil {
			return nil, translate(err)
		}
		out = append(out, h)
	}
	return out, translate(rows.Err())
}
