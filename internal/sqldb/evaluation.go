package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errSetupNotFound       = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "evaluation.setup.not_found"}
	errSetupLocked         = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "evaluation.setup.locked"}
	errDeclarationNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "evaluation.declaration.not_found"}
	errAssignmentNotFound  = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "assignment.not_found"}
	errAssignmentEnded     = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "assignment.ended"}
	errEvaluationLocked    = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "evaluation.locked"}
	errConsensusNotFound   = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "evaluation.consensus.not_found"}
	errAdmissibilityNone   = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "admissibility.not_found"}
	errForbidden           = &coopdec.Error{Code: coopdec.EFORBIDDEN, Key: "error.forbidden"}
)

func assignmentSubject(id int64) string { return "assignment:" + strconv.FormatInt(id, 10) }

// forUpdate is the row lock PostgreSQL takes; SQLite's write transactions
// already hold the database.
func (db *DB) forUpdate() string {
	if db.Dialect == Postgres {
		return ` FOR UPDATE`
	}
	return ``
}

// SetEvaluationSetup records how call callID's applications are evaluated:
// its grid and its evaluators' pools, both validated (and normalised) by
// the domain against the call. Ministry officers only; the grid no longer
// changes once an evaluation of the call is submitted (ECONFLICT).
func (db *DB) SetEvaluationSetup(ctx context.Context, u *coopdec.User, callID int64, g *coopdec.Grid, s *coopdec.EvaluationSetup, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, err := db.loadCall(ctx, tx, callID, true)
		if err != nil {
			return err
		}
		if !coopdec.CanManageAssignments(u, c) {
			return errForbidden
		}
		if ge, se := g.Validate(), s.Validate(c); ge != nil || se != nil {
			return joinedFieldErrors(ge, se)
		}
		grid, err := json.Marshal(g)
		if err != nil {
			return err
		}
		// Submitted evaluations were scored on the stored grid: it stays.
		var stored string
		err = tx.QueryRowContext(ctx, `SELECT grid FROM evaluation_setups WHERE call_id = $1`+db.forUpdate(), callID).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && stored != string(grid) {
			var submitted bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM evaluations e JOIN evaluation_assignments a ON a.id = e.assignment_id
				WHERE a.call_id = $1 AND e.submitted_at IS NOT NULL)`, callID).Scan(&submitted); err != nil {
				return err
			}
			if submitted {
				return errSetupLocked
			}
		}
		pools, err := json.Marshal(s.Pools)
		if err != nil {
			return err
		}
		now := db.now()
		_, err = tx.ExecContext(ctx, `INSERT INTO evaluation_setups (call_id, grid, per_application, divergence_bp, pools, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (call_id) DO UPDATE SET grid = excluded.grid, per_application = excluded.per_application,
				divergence_bp = excluded.divergence_bp, pools = excluded.pools, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			callID, string(grid), s.PerApplication, s.DivergenceBP, string(pools), nullID(u.ID), now)
		if err != nil {
			return err
		}
		details := fmt.Sprintf("criteria:%d threshold:%s per_application:%d divergence_bp:%d", len(g.Criteria), g.Threshold,
			s.PerApplication, s.DivergenceBP)
		for _, pl := range s.Pools {
			details += fmt.Sprintf(" pool:%d=%v/%d", int64(pl.Party), pl.EvaluatorIDs, pl.PerApplication)
		}
		return db.audit(ctx, tx, actor, coopdec.AuditEvaluationSetup, callSubject(callID), details)
	})
}

// joinedFieldErrors merges the grid's and the set-up's field errors into
// one coopdec.Errors, so that a form shows them all; any other error is
// returned as it is.
func joinedFieldErrors(errs ...error) error {
	var out coopdec.Errors
	for _, err := range errs {
		if err == nil {
			continue
		}
		var fe coopdec.Errors
		var one *coopdec.Error
		switch {
		case errors.As(err, &fe):
			out = append(out, fe...)
		case errors.As(err, &one):
			out = append(out, one)
		default:
			return err
		}
	}
	return out.Err()
}

// EvaluationSetup returns call callID's grid and evaluation set-up.
func (db *DB) EvaluationSetup(ctx context.Context, callID int64) (*coopdec.Grid, *coopdec.EvaluationSetup, error) {
	return db.loadSetup(ctx, db.read, callID, false)
}

func (db *DB) loadSetup(ctx context.Context, q querier, callID int64, lock bool) (*coopdec.Grid, *coopdec.EvaluationSetup, error) {
	var grid, pools string
	s := &coopdec.EvaluationSetup{}
	query := `SELECT grid, per_application, divergence_bp, pools FROM evaluation_setups WHERE call_id = $1`
	if lock {
		query += db.forUpdate()
	}
	err := q.QueryRowContext(ctx, query, callID).Scan(&grid, &s.PerApplication, &s.DivergenceBP, &pools)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errSetupNotFound
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	g := &coopdec.Grid{}
	if err := json.Unmarshal([]byte(grid), g); err != nil {
		return nil, nil, translate(err)
	}
	if err := json.Unmarshal([]byte(pools), &s.Pools); err != nil {
		return nil, nil, translate(err)
	}
	return g, s, nil
}

// SaveDeclaration records u's own declaration of interests, replacing the
// previous one; the trail keeps each version.
func (db *DB) SaveDeclaration(ctx context.Context, u *coopdec.User, d *coopdec.Declaration, actor coopdec.Actor) error {
	if u == nil || !u.HasRole(coopdec.RoleEvaluator) {
		return errForbidden
	}
	d.EvaluatorID = u.ID
	if err := d.Validate(); err != nil {
		return err
	}
	d.UpdatedAt = db.now()
	content, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO evaluator_declarations (user_id, content, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`,
			u.ID, string(content), d.UpdatedAt)
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditDeclarationSave, "user:"+strconv.FormatInt(u.ID, 10), string(content))
	})
}

// Declaration returns evaluator userID's declaration of interests.
func (db *DB) Declaration(ctx context.Context, userID int64) (*coopdec.Declaration, error) {
	return loadDeclaration(ctx, db.read, userID)
}

func loadDeclaration(ctx context.Context, q querier, userID int64) (*coopdec.Declaration, error) {
	var content string
	var at time.Time
	err := q.QueryRowContext(ctx, `SELECT content, updated_at FROM evaluator_declarations WHERE user_id = $1`, userID).Scan(&content, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errDeclarationNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	d := &coopdec.Declaration{}
	if err := json.Unmarshal([]byte(content), d); err != nil {
		return nil, translate(err)
	}
	d.EvaluatorID, d.UpdatedAt = userID, at.UTC()
	return d, nil
}

// CreateAssignments stores the assignments of plan, made by coopdec.Assign
// for call callID, with reason (empty for the automatic run). Every
// application must be one of the call's, every evaluator in the pool of
// the party given; an evaluator who is or was on an application cannot be
// given it again (ECONFLICT). All or nothing.
func (db *DB) CreateAssignments(ctx context.Context, u *coopdec.User, callID int64, plan *coopdec.AssignmentPlan, reason string, actor coopdec.Actor) error {
	return db.CreateAssignmentsNotify(ctx, nil, u, callID, plan, reason, actor, nil)
}

// AssignmentNotice builds the emails that tell evaluators of the
// assignments just made: made lists them, evaluators has the contacts of
// their evaluators (disabled accounts left out) and apps their
// applications, both by ID.
type AssignmentNotice func(made []coopdec.Assignment, evaluators map[int64]DraftHolder, apps map[int64]*coopdec.Application) []Job

// CreateAssignmentsNotify is CreateAssignments, which also enqueues
// through e the jobs notify builds (nil: none) in the same transaction.
func (db *DB) CreateAssignmentsNotify(ctx context.Context, e Enqueuer, u *coopdec.User, callID int64, plan *coopdec.AssignmentPlan,
	reason string, actor coopdec.Actor, notify AssignmentNotice) error {
	reason = strings.TrimSpace(reason)
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		c, err := db.loadCall(ctx, tx, callID, false)
		if err != nil {
			return err
		}
		if !coopdec.CanManageAssignments(u, c) {
			return errForbidden
		}
		// Locking the set-up queues concurrent runs on one call.
		_, s, err := db.loadSetup(ctx, tx, callID, true)
		if err != nil {
			return err
		}
		now := db.now()
		for i := range plan.Assignments {
			as := &plan.Assignments[i]
			if !inPool(s, as.Party, as.EvaluatorID) {
				return coopdec.Errorf(coopdec.ECONFLICT, "assignment.reassign.not_in_pool")
			}
			var appCall int64
			err := tx.QueryRowContext(ctx, `SELECT call_id FROM applications WHERE id = $1`, as.ApplicationID).Scan(&appCall)
			if errors.Is(err, sql.ErrNoRows) || appCall != callID {
				return errApplicationNotFound
			}
			if err != nil {
				return err
			}
			// Assign's plan is the automatic assignment, whoever runs it: the
			// audit trail names them.
			as.AssignedBy, as.CreatedAt = 0, now
			as.ConfirmedAt, as.EndedAt, as.EndReason, as.EndNote = time.Time{}, time.Time{}, "", ""
			if err := insertAssignment(ctx, tx, callID, as, reason); err != nil {
				return err
			}
			if err := db.audit(ctx, tx, actor, coopdec.AuditAssignmentCreate, applicationSubject(as.ApplicationID),
				assignmentSubject(as.ID)+" evaluator:"+strconv.FormatInt(as.EvaluatorID, 10)+" "+reason); err != nil {
				return err
			}
		}
		return notifyAssignments(ctx, db, tx, enqueue, plan.Assignments, notify)
	})
}

// notifyAssignments enqueues the jobs notify builds for made, with the
// contacts and applications it needs read in tx.
func notifyAssignments(ctx context.Context, db *DB, tx *sql.Tx, enqueue func(...Job) error, made []coopdec.Assignment,
	notify AssignmentNotice) error {
	if notify == nil || len(made) == 0 {
		return nil
	}
	evaluators := map[int64]DraftHolder{}
	apps := map[int64]*coopdec.Application{}
	for _, as := range made {
		if _, ok := apps[as.ApplicationID]; !ok {
			a, err := db.loadApplication(ctx, tx, as.ApplicationID, false)
			if err != nil {
				return err
			}
			apps[a.ID] = a
		}
		if _, ok := evaluators[as.EvaluatorID]; ok {
			continue
		}
		var h DraftHolder
		err := tx.QueryRowContext(ctx, `SELECT id, email, name, language FROM users WHERE id = $1 AND disabled_at IS NULL`,
			as.EvaluatorID).Scan(&h.UserID, &h.Email, &h.Name, &h.Language)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		evaluators[h.UserID] = h
	}
	return enqueue(notify(made, evaluators, apps)...)
}

func inPool(s *coopdec.EvaluationSetup, party coopdec.Party, evaluatorID int64) bool {
	return slices.ContainsFunc(s.Pools, func(p coopdec.Pool) bool {
		return p.Party == party && slices.Contains(p.EvaluatorIDs, evaluatorID)
	})
}

func insertAssignment(ctx context.Context, tx *sql.Tx, callID int64, as *coopdec.Assignment, reason string) error {
	return tx.QueryRowContext(ctx, `INSERT INTO evaluation_assignments (call_id, application_id, evaluator_id, party, extra,
		assigned_by, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		callID, as.ApplicationID, as.EvaluatorID, int64(as.Party), as.Extra, nullID(as.AssignedBy), reason, as.CreatedAt).Scan(&as.ID)
}

// AssignmentFilter selects assignments; zero fields select all.
type AssignmentFilter struct {
	CallID        int64
	ApplicationID int64
	EvaluatorID   int64
}

// ListAssignments returns the assignments f selects, ended ones included,
// by application then ID.
func (db *DB) ListAssignments(ctx context.Context, f AssignmentFilter) ([]coopdec.Assignment, error) {
	where, args := "1=1", []any{}
	for _, c := range []struct {
		col string
		v   int64
	}{{"call_id", f.CallID}, {"application_id", f.ApplicationID}, {"evaluator_id", f.EvaluatorID}} {
		if c.v != 0 {
			args = append(args, c.v)
			where += " AND " + c.col + " = $" + itoa(len(args))
		}
	}
	return listAssignments(ctx, db.read, where, args...)
}

const assignmentColumns = `id, application_id, evaluator_id, party, extra, COALESCE(assigned_by, 0), created_at,
	confirmed_at, ended_at, end_reason, end_note`

func listAssignments(ctx context.Context, q querier, where string, args ...any) ([]coopdec.Assignment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+assignmentColumns+` FROM evaluation_assignments WHERE `+where+
		` ORDER BY application_id, id`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Assignment
	for rows.Next() {
		as, err := scanAssignment(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, as)
	}
	return out, translate(rows.Err())
}

func scanAssignment(sc interface{ Scan(...any) error }) (coopdec.Assignment, error) {
	var as coopdec.Assignment
	var party int64
	var confirmed, ended sql.NullTime
	var end string
	if err := sc.Scan(&as.ID, &as.ApplicationID, &as.EvaluatorID, &party, &as.Extra, &as.AssignedBy, &as.CreatedAt,
		&confirmed, &ended, &end, &as.EndNote); err != nil {
		return as, err
	}
	as.Party, as.EndReason = coopdec.Party(party), coopdec.AssignmentEnd(end)
	as.CreatedAt, as.ConfirmedAt, as.EndedAt = as.CreatedAt.UTC(), fromNullTime(confirmed), fromNullTime(ended)
	return as, nil
}

// loadAssignment reads one assignment, locked on PostgreSQL when lock.
func (db *DB) loadAssignment(ctx context.Context, q querier, id int64, lock bool) (*coopdec.Assignment, error) {
	query := `SELECT ` + assignmentColumns + ` FROM evaluation_assignments WHERE id = $1`
	if lock {
		query += db.forUpdate()
	}
	as, err := scanAssignment(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errAssignmentNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return &as, nil
}

// loadPanel reads what the domain's rules on one application's evaluation
// look at.
func (db *DB) loadPanel(ctx context.Context, q querier, appID int64) (*coopdec.Panel, error) {
	a, err := db.loadApplication(ctx, q, appID, false)
	if err != nil {
		return nil, err
	}
	c, err := db.loadCall(ctx, q, a.CallID, false)
	if err != nil {
		return nil, err
	}
	p := &coopdec.Panel{Call: c, Application: a}
	if p.Assignments, err = listAssignments(ctx, q, "application_id = $1", appID); err != nil {
		return nil, err
	}
	if p.Evaluations, err = listEvaluations(ctx, q, "application_id = $1", appID); err != nil {
		return nil, err
	}
	return p, nil
}

// EndAssignment ends an active assignment, which stays listed with why:
// coopdec.EndConflictDeclared by its evaluator (CheckConflictDeclaration),
// coopdec.EndReassigned by an officer with a reason. An assignment whose
// evaluation is submitted cannot end.
func (db *DB) EndAssignment(ctx context.Context, u *coopdec.User, assignmentID int64, end coopdec.AssignmentEnd, note string, actor coopdec.Actor) error {
	note = strings.TrimSpace(note)
	return db.tx(ctx, func(tx *sql.Tx) error {
		as, err := db.loadAssignment(ctx, tx, assignmentID, true)
		if err != nil {
			return err
		}
		p, err := db.loadPanel(ctx, tx, as.ApplicationID)
		if err != nil {
			return err
		}
		switch end {
		case coopdec.EndConflictDeclared:
			if u == nil || u.ID != as.EvaluatorID {
				return errForbidden
			}
			if err := coopdec.CheckConflictDeclaration(u, p, note); err != nil {
				return err
			}
		case coopdec.EndReassigned:
			if !coopdec.CanManageAssignments(u, p.Call) {
				return errForbidden
			}
			if err := checkReason(note); err != nil {
				return err
			}
		default:
			return coopdec.FieldError("end_reason", "assignment.end.invalid")
		}
		if !as.Active() {
			return errAssignmentEnded
		}
		for _, e := range p.Evaluations {
			if e.EvaluatorID == as.EvaluatorID && e.Submitted {
				return errEvaluationLocked
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE evaluation_assignments SET ended_at = $1, end_reason = $2, end_note = $3
			WHERE id = $4 AND ended_at IS NULL`, db.now(), string(end), note, as.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errAssignmentEnded
		}
		return db.audit(ctx, tx, actor, coopdec.AuditAssignmentEnd, applicationSubject(as.ApplicationID),
			assignmentSubject(as.ID)+" "+string(end)+" "+note)
	})
}

// loadLead returns a's lead organisation, nil when it has none yet.
func loadLead(ctx context.Context, q querier, a *coopdec.Application) (*coopdec.Organisation, error) {
	if a.LeadOrganisationID == 0 {
		return nil, nil
	}
	o := &coopdec.Organisation{}
	if err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, a.LeadOrganisationID), o); err != nil {
		return nil, translate(err)
	}
	return o, nil
}

// Reassign gives r.ApplicationID to r.ToEvaluatorID in place of
// r.FromEvaluatorID (coopdec.CheckReassignment): the old assignment ends as
// reassigned, unless it already ended on a declared conflict, and the new
// one takes its party and its extra flag. Returns the new assignment.
func (db *DB) Reassign(ctx context.Context, u *coopdec.User, r *coopdec.Reassignment, actor coopdec.Actor) (*coopdec.Assignment, error) {
	return db.ReassignNotify(ctx, nil, u, r, actor, nil)
}

// ReassignNotify is Reassign, which also enqueues through e the jobs
// notify builds for the new assignment (nil: none) in the same
// transaction.
func (db *DB) ReassignNotify(ctx context.Context, e Enqueuer, u *coopdec.User, r *coopdec.Reassignment, actor coopdec.Actor,
	notify AssignmentNotice) (*coopdec.Assignment, error) {
	var to *coopdec.Declaration
	if d, err := db.Declaration(ctx, r.ToEvaluatorID); err == nil {
		toUser, err := db.UserByID(ctx, r.ToEvaluatorID)
		if err != nil {
			return nil, err
		}
		full := d.WithMemberships(toUser)
		to = &full
	} else if coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}
	var created *coopdec.Assignment
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		if _, err := db.loadApplication(ctx, tx, r.ApplicationID, true); err != nil {
			return err
		}
		p, err := db.loadPanel(ctx, tx, r.ApplicationID)
		if err != nil {
			return err
		}
		_, s, err := db.loadSetup(ctx, tx, p.Call.ID, true)
		if err != nil {
			return err
		}
		lead, err := loadLead(ctx, tx, p.Application)
		if err != nil {
			return err
		}
		if err := coopdec.CheckReassignment(u, s, p, lead, to, r); err != nil {
			return err
		}
		var from coopdec.Assignment
		for _, x := range p.Assignments {
			if x.EvaluatorID == r.FromEvaluatorID && (x.Active() || x.EndReason == coopdec.EndConflictDeclared) {
				from = x
			}
		}
		now := db.now()
		if from.Active() {
			if _, err := tx.ExecContext(ctx, `UPDATE evaluation_assignments SET ended_at = $1, end_reason = $2, end_note = $3
				WHERE id = $4 AND ended_at IS NULL`, now, string(coopdec.EndReassigned), r.Reason, from.ID); err != nil {
				return err
			}
			if err := db.audit(ctx, tx, actor, coopdec.AuditAssignmentEnd, applicationSubject(from.ApplicationID),
				assignmentSubject(from.ID)+" "+string(coopdec.EndReassigned)+" "+r.Reason); err != nil {
				return err
			}
		}
		party := from.Party
		for _, pl := range s.Pools {
			if from.Extra && slices.Contains(pl.EvaluatorIDs, r.ToEvaluatorID) {
				party = pl.Party
			}
		}
		created = &coopdec.Assignment{ApplicationID: r.ApplicationID, EvaluatorID: r.ToEvaluatorID, Party: party,
			Extra: from.Extra, AssignedBy: u.ID, CreatedAt: now}
		if err := insertAssignment(ctx, tx, p.Call.ID, created, r.Reason); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditAssignmentCreate, applicationSubject(r.ApplicationID),
			assignmentSubject(created.ID)+" evaluator:"+strconv.FormatInt(r.ToEvaluatorID, 10)+" replaces:"+
				strconv.FormatInt(r.FromEvaluatorID, 10)+" "+r.Reason); err != nil {
			return err
		}
		return notifyAssignments(ctx, db, tx, enqueue, []coopdec.Assignment{*created}, notify)
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// checkReason requires an officer's reason, as coopdec.Reassignment does.
func checkReason(s string) error {
	switch {
	case s == "":
		return coopdec.FieldError("reason", "evaluation.text.required")
	case !utf8.ValidString(s):
		return coopdec.FieldError("reason", "evaluation.text.invalid")
	case utf8.RuneCountInString(s) > reasonMax:
		return coopdec.FieldError("reason", "evaluation.text.too_long", reasonMax)
	}
	return nil
}

const reasonMax = 2000

// ConfirmNoConflict records that u, assigned by assignmentID, has no
// conflict with its application (coopdec.CheckNoConflict, on u's stored
// declaration and the lead organisation).
func (db *DB) ConfirmNoConflict(ctx context.Context, u *coopdec.User, assignmentID int64, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		as, err := db.loadAssignment(ctx, tx, assignmentID, true)
		if err != nil {
			return err
		}
		if u == nil || as.EvaluatorID != u.ID {
			return errForbidden
		}
		p, err := db.loadPanel(ctx, tx, as.ApplicationID)
		if err != nil {
			return err
		}
		d, err := loadDeclaration(ctx, tx, u.ID)
		if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
			return err
		}
		lead, err := loadLead(ctx, tx, p.Application)
		if err != nil {
			return err
		}
		if d != nil {
			full := d.WithMemberships(u)
			d = &full
		}
		if err := coopdec.CheckNoConflict(u, p, d, lead); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE evaluation_assignments SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL AND ended_at IS NULL`,
			db.now(), as.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // already confirmed: nothing new to record
		}
		return db.audit(ctx, tx, actor, coopdec.AuditNoConflictConfirm, assignmentSubject(as.ID), applicationSubject(as.ApplicationID))
	})
}

// SaveEvaluation keeps u's draft evaluation of e.ApplicationID, which may
// be partial; SubmitEvaluation submits it whole. Both lock the evaluator's
// assignment and refuse an evaluation already submitted
// (coopdec.CheckScore); nothing is stored when e does not validate against
// the call's grid.
func (db *DB) SaveEvaluation(ctx context.Context, u *coopdec.User, e *coopdec.Evaluation) error {
	return db.writeEvaluation(ctx, u, e, false, coopdec.Actor{})
}

// SubmitEvaluation submits u's evaluation of e.ApplicationID: every
// criterion scored with a comment. A submitted evaluation never changes.
func (db *DB) SubmitEvaluation(ctx context.Context, u *coopdec.User, e *coopdec.Evaluation, actor coopdec.Actor) error {
	return db.writeEvaluation(ctx, u, e, true, actor)
}

func (db *DB) writeEvaluation(ctx context.Context, u *coopdec.User, e *coopdec.Evaluation, submit bool, actor coopdec.Actor) error {
	if u == nil {
		return errForbidden
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The active assignment, locked: two saves of one evaluation queue
		// here and the second sees what the first wrote.
		var asID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM evaluation_assignments WHERE application_id = $1 AND evaluator_id = $2
			AND ended_at IS NULL`+db.forUpdate(), e.ApplicationID, u.ID).Scan(&asID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		p, err := db.loadPanel(ctx, tx, e.ApplicationID)
		if err != nil {
			return err
		}
		if err := coopdec.CheckScore(u, p); err != nil {
			return err
		}
		g, _, err := db.loadSetup(ctx, tx, p.Call.ID, false)
		if err != nil {
			return err
		}
		e.EvaluatorID, e.Submitted = u.ID, submit
		if err := e.Validate(g); err != nil {
			return err
		}
		scores, err := json.Marshal(e.Scores)
		if err != nil {
			return err
		}
		now := db.now()
		e.UpdatedAt, e.SubmittedAt = now, time.Time{}
		if submit {
			e.SubmittedAt = now
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO evaluations (assignment_id, application_id, evaluator_id, scores, comment, submitted_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (assignment_id) DO UPDATE SET scores = excluded.scores, comment = excluded.comment,
				submitted_at = excluded.submitted_at, updated_at = excluded.updated_at
				WHERE evaluations.submitted_at IS NULL
			RETURNING id`, asID, e.ApplicationID, u.ID, string(scores), e.Comment, nullTime(e.SubmittedAt), now).Scan(&e.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return errEvaluationLocked
		}
		if err != nil {
			return err
		}
		if !submit {
			return nil
		}
		a := g.Assess(e.Scores)
		return db.audit(ctx, tx, actor, coopdec.AuditEvaluationSubmit, applicationSubject(e.ApplicationID),
			"evaluation:"+strconv.FormatInt(e.ID, 10)+" "+assignmentSubject(asID)+" total:"+strconv.FormatInt(a.Total, 10)+" scores:"+string(scores))
	})
}

// ListEvaluations returns every evaluation of application appID, drafts
// included; callers show each only as coopdec.CanSeeEvaluation allows.
func (db *DB) ListEvaluations(ctx context.Context, appID int64) ([]coopdec.Evaluation, error) {
	return listEvaluations(ctx, db.read, "application_id = $1", appID)
}

func listEvaluations(ctx context.Context, q querier, where string, args ...any) ([]coopdec.Evaluation, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, application_id, evaluator_id, scores, comment, submitted_at, updated_at
		FROM evaluations WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Evaluation
	for rows.Next() {
		var e coopdec.Evaluation
		var scores string
		var submitted sql.NullTime
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.EvaluatorID, &scores, &e.Comment, &submitted, &e.UpdatedAt); err != nil {
			return nil, translate(err)
		}
		if err := json.Unmarshal([]byte(scores), &e.Scores); err != nil {
			return nil, translate(err)
		}
		e.SubmittedAt, e.UpdatedAt = fromNullTime(submitted), e.UpdatedAt.UTC()
		e.Submitted = submitted.Valid
		out = append(out, e)
	}
	return out, translate(rows.Err())
}

// RecordConsensus records, or records again, the consensus on
// c.ApplicationID (coopdec.CheckConsensus, validated against the grid).
func (db *DB) RecordConsensus(ctx context.Context, u *coopdec.User, c *coopdec.Consensus, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.loadApplication(ctx, tx, c.ApplicationID, true); err != nil {
			return err
		}
		p, err := db.loadPanel(ctx, tx, c.ApplicationID)
		if err != nil {
			return err
		}
		if err := coopdec.CheckConsensus(u, p); err != nil {
			return err
		}
		g, _, err := db.loadSetup(ctx, tx, p.Call.ID, false)
		if err != nil {
			return err
		}
		if err := c.Validate(g); err != nil {
			return err
		}
		scores, err := json.Marshal(c.Scores)
		if err != nil {
			return err
		}
		c.RecordedBy, c.RecordedAt = u.ID, db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_consensus (application_id, scores, comment, language, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (application_id) DO UPDATE SET scores = excluded.scores, comment = excluded.comment,
				language = excluded.language, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
			c.ApplicationID, string(scores), c.Comment, c.Language, nullID(u.ID), c.RecordedAt); err != nil {
			return err
		}
		a := g.Assess(c.Scores)
		return db.audit(ctx, tx, actor, coopdec.AuditConsensusRecord, applicationSubject(c.ApplicationID),
			"total:"+strconv.FormatInt(a.Total, 10)+" scores:"+string(scores))
	})
}

// Consensus returns the consensus recorded on application appID.
func (db *DB) Consensus(ctx context.Context, appID int64) (*coopdec.Consensus, error) {
	c := &coopdec.Consensus{ApplicationID: appID}
	var scores string
	err := db.read.QueryRowContext(ctx, `SELECT scores, comment, language, COALESCE(recorded_by, 0), recorded_at
		FROM evaluation_consensus WHERE application_id = $1`, appID).Scan(&scores, &c.Comment, &c.Language, &c.RecordedBy, &c.RecordedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errConsensusNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	c.RecordedAt = c.RecordedAt.UTC()
	return c, translate(json.Unmarshal([]byte(scores), &c.Scores))
}

// RecordAdmissibility records an officer's admissibility decision on
// ad.ApplicationID; Automatic is taken from the stored eligibility result,
// and a decision that overrides it needs a reason. Decisions are appended:
// the latest stands.
func (db *DB) RecordAdmissibility(ctx context.Context, u *coopdec.User, ad *coopdec.Admissibility, actor coopdec.Actor) error {
	if !coopdec.CanDecideAdmissibility(u) {
		return errForbidden
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var eligible sql.NullBool
		err := tx.QueryRowContext(ctx, `SELECT eligible FROM applications WHERE id = $1`+db.forUpdate(), ad.ApplicationID).Scan(&eligible)
		if errors.Is(err, sql.ErrNoRows) {
			return errApplicationNotFound
		}
		if err != nil {
			return err
		}
		ad.Automatic = nil
		if eligible.Valid {
			ad.Automatic = &eligible.Bool
		}
		if err := ad.Validate(); err != nil {
			return err
		}
		ad.DecidedBy, ad.DecidedAt = u.ID, db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO admissibility_decisions (application_id, automatic, admissible, overrides, reason, decided_by, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, ad.ApplicationID, eligible, ad.Admissible, ad.Overrides(), ad.Reason, nullID(u.ID), ad.DecidedAt); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditAdmissibility, applicationSubject(ad.ApplicationID),
			"admissible:"+strconv.FormatBool(ad.Admissible)+" overrides:"+strconv.FormatBool(ad.Overrides())+" "+ad.Reason)
	})
}

// Admissibility returns the admissibility decision standing on
// application appID.
func (db *DB) Admissibility(ctx context.Context, appID int64) (*coopdec.Admissibility, error) {
	ad := &coopdec.Admissibility{ApplicationID: appID}
	var automatic sql.NullBool
	err := db.read.QueryRowContext(ctx, `SELECT automatic, admissible, reason, COALESCE(decided_by, 0), decided_at
		FROM admissibility_decisions WHERE application_id = $1 ORDER BY id DESC LIMIT 1`, appID).
		Scan(&automatic, &ad.Admissible, &ad.Reason, &ad.DecidedBy, &ad.DecidedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errAdmissibilityNone
	}
	if err != nil {
		return nil, translate(err)
	}
	if automatic.Valid {
		ad.Automatic = &automatic.Bool
	}
	ad.DecidedAt = ad.DecidedAt.UTC()
	return ad, nil
}
