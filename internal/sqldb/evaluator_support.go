package sqldb

import (
	"context"
	"database/sql"

	"github.com/coopdec/coopdec/coopdec"
)

// AssignmentByID returns one assignment, ended or not.
func (db *DB) AssignmentByID(ctx context.Context, id int64) (*coopdec.Assignment, error) {
	return db.loadAssignment(ctx, db.read, id, false)
}

// EvaluationPanel returns what the domain's rules on application appID's evaluation
// look at: its call, the application, its assignments and evaluations.
func (db *DB) EvaluationPanel(ctx context.Context, appID int64) (*coopdec.Panel, error) {
	return db.loadPanel(ctx, db.read, appID)
}

// EvaluatorAssignment is an assignment as its evaluator's list shows it:
// with its call, and where the evaluator's evaluation stands.
type EvaluatorAssignment struct {
	coopdec.Assignment
	CallID int64
	// Evaluation is the evaluator's evaluation of the application, without
	// its scores; nil when nothing is saved.
	Evaluation *coopdec.Evaluation
}

// EvaluatorAssignments returns a page of evaluator userID's assignments,
// ended ones included, grouped by call (the latest call first), then by
// application.
func (db *DB) EvaluatorAssignments(ctx context.Context, userID int64, page coopdec.Page) ([]EvaluatorAssignment, coopdec.Page, error) {
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM evaluation_assignments WHERE evaluator_id = $1`, userID).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.application_id, a.evaluator_id, a.party, a.extra, COALESCE(a.assigned_by, 0),
		a.created_at, a.confirmed_at, a.ended_at, a.end_reason, a.end_note, a.call_id,
		COALESCE(e.id, 0), e.submitted_at, e.updated_at
		FROM evaluation_assignments a
		LEFT JOIN evaluations e ON e.assignment_id = a.id
		WHERE a.evaluator_id = $1
		ORDER BY a.call_id DESC, a.application_id, a.id
		LIMIT $2 OFFSET $3`, userID, page.PerPage, page.Offset())
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []EvaluatorAssignment
	for rows.Next() {
		var r EvaluatorAssignment
		var party, evalID int64
		var confirmed, ended, submitted, updated sql.NullTime
		var end string
		if err := rows.Scan(&r.ID, &r.ApplicationID, &r.EvaluatorID, &party, &r.Extra, &r.AssignedBy, &r.CreatedAt,
			&confirmed, &ended, &end, &r.EndNote, &r.CallID, &evalID, &submitted, &updated); err != nil {
			return nil, page, translate(err)
		}
		r.Party, r.EndReason = coopdec.Party(party), coopdec.AssignmentEnd(end)
		r.CreatedAt, r.ConfirmedAt, r.EndedAt = r.CreatedAt.UTC(), fromNullTime(confirmed), fromNullTime(ended)
		if evalID != 0 {
			r.Evaluation = &coopdec.Evaluation{ID: evalID, ApplicationID: r.ApplicationID, EvaluatorID: r.EvaluatorID,
				Submitted: submitted.Valid, SubmittedAt: fromNullTime(submitted), UpdatedAt: fromNullTime(updated)}
		}
		out = append(out, r)
	}
	return out, page, translate(rows.Err())
}
