package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errDecisionNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "decision.not_found"}
	errDecisionEntries  = &coopdec.Error{Code: coopdec.EINVALID, Key: "decision.entries.required", Field: "entries"}
	errDecisionPending  = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "decision.not_rejected"}
)

func decisionSubject(id int64) string { return "decision:" + strconv.FormatInt(id, 10) }

// CreateDecision stores d, a committee's list for its call, as version 1
// waiting for the parties' approvals. Whether the actor may draw it up
// (coopdec.CanRunCommittee) is the caller's to decide.
func (db *DB) CreateDecision(ctx context.Context, d *coopdec.Decision, actor coopdec.Actor) error {
	if len(d.Entries) == 0 {
		return errDecisionEntries
	}
	entries, err := json.Marshal(d.Entries)
	if err != nil {
		return err
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.loadCall(ctx, tx, d.CallID, false); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO decisions (call_id, session_id, version, status, entries, created_by,
			created_at, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $6) RETURNING id`,
			d.CallID, nullID(d.SessionID), string(coopdec.DecisionPending), string(entries), nullID(actor.UserID), now).Scan(&id); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditDecisionCreate, decisionSubject(id),
			callSubject(d.CallID)+" version 1"); err != nil {
			return err
		}
		d.ID, d.Version, d.CreatedBy, d.CreatedAt = id, 1, actor.UserID, now
		return nil
	})
}

// ResubmitDecision sends a rejected decision back to the parties as its
// next version, with the committee's revised entries; the earlier
// versions' answers stay on record. Whether the actor may (CanRunCommittee)
// is the caller's to decide.
func (db *DB) ResubmitDecision(ctx context.Context, id int64, entries []coopdec.DecisionEntry, actor coopdec.Actor) (*coopdec.Decision, error) {
	if len(entries) == 0 {
		return nil, errDecisionEntries
	}
	b, err := json.Marshal(entries)
	if err != nil {
		return nil, err
	}
	var d *coopdec.Decision
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var status coopdec.DecisionStatus
		var err error
		if d, status, err = db.loadDecision(ctx, tx, id, true); err != nil {
			return err
		}
		if status != coopdec.DecisionRejected {
			return errDecisionPending
		}
		d.Version++
		d.Entries = entries
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET version = $1, status = $2, entries = $3, updated_at = $4
			WHERE id = $5`, d.Version, string(coopdec.DecisionPending), string(b), db.now(), id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditDecisionCreate, decisionSubject(id),
			callSubject(d.CallID)+" version "+strconv.Itoa(d.Version))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Decision returns a decision with where it stands.
func (db *DB) Decision(ctx context.Context, id int64) (*coopdec.Decision, coopdec.DecisionStatus, error) {
	d, status, err := db.loadDecision(ctx, db.read, id, false)
	return d, status, translate(err)
}

// loadDecision reads a decision; forUpdate locks its row on PostgreSQL, so
// that the answers of its parties are recorded one after the other.
func (db *DB) loadDecision(ctx context.Context, q querier, id int64, forUpdate bool) (*coopdec.Decision, coopdec.DecisionStatus, error) {
	query := `SELECT id, call_id, session_id, version, status, entries, created_by, created_at FROM decisions WHERE id = $1`
	if forUpdate && db.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	d := &coopdec.Decision{}
	var session, by sql.NullInt64
	var status, entries string
	err := q.QueryRowContext(ctx, query, id).Scan(&d.ID, &d.CallID, &session, &d.Version, &status, &entries, &by, &d.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errDecisionNotFound
	}
	if err != nil {
		return nil, "", err
	}
	d.SessionID, d.CreatedBy, d.CreatedAt = session.Int64, by.Int64, d.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(entries), &d.Entries); err != nil {
		return nil, "", fmt.Errorf("decision %d: unable to read its entries: %w", id, err)
	}
	return d, coopdec.DecisionStatus(status), nil
}

// ListApprovals lists the answers to every version of a decision, in the
// order they were given.
func (db *DB) ListApprovals(ctx context.Context, decisionID int64) ([]coopdec.Approval, error) {
	list, err := listApprovals(ctx, db.read, decisionID)
	return list, translate(err)
}

func listApprovals(ctx context.Context, q querier, decisionID int64) ([]coopdec.Approval, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, party, user_id, approved, comment, at FROM decision_approvals
		WHERE decision_id = $1 ORDER BY version, at, party`, decisionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.Approval
	for rows.Next() {
		a := coopdec.Approval{DecisionID: decisionID}
		if err := rows.Scan(&a.Version, &a.Party, &a.UserID, &a.Approved, &a.Comment, &a.At); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// RecordApproval records u's answer ap to decision decisionID for ap's
// party, as coopdec.CheckApproval allows it; ap.Version 0 answers the
// current version. It returns where the decision stands then. A rejection
// sends the decision back to the committee. The approval that makes the
// decision final commits its grants against the funders' envelopes in the
// same transaction (coopdec.PlanCommitments): the call is locked first
// (its row on PostgreSQL, the single writer on SQLite), so that concurrent
// decisions cannot over-commit an envelope; when an envelope cannot pay,
// the domain's error is returned and nothing is recorded, the approval
// included.
func (db *DB) RecordApproval(ctx context.Context, u *coopdec.User, decisionID int64, ap *coopdec.Approval, actor coopdec.Actor) (coopdec.DecisionStatus, error) {
	return db.RecordApprovalNotify(ctx, nil, u, decisionID, ap, actor, nil)
}

// RecordApprovalNotify is RecordApproval that, when the answer makes the
// decision final, also records its publication (the instant its
// applicants are notified, from which their review window runs) and
// enqueues through e, in the same transaction, the jobs notify returns for
// the notice of the decision (nil: none).
func (db *DB) RecordApprovalNotify(ctx context.Context, e Enqueuer, u *coopdec.User, decisionID int64, ap *coopdec.Approval,
	actor coopdec.Actor, notify func(n *DecisionNotice) []Job) (coopdec.DecisionStatus, error) {
	if u == nil || ap == nil {
		return "", coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	var state coopdec.DecisionStatus
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		d, _, err := db.loadDecision(ctx, tx, decisionID, true)
		if err != nil {
			return err
		}
		// Locked after the decision, in every transaction: the call's row
		// guards its envelopes.
		c, err := db.loadCall(ctx, tx, d.CallID, true)
		if err != nil {
			return err
		}
		existing, err := listApprovals(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		ap.DecisionID = d.ID
		if ap.Version == 0 {
			ap.Version = d.Version
		}
		if err := coopdec.CheckApproval(u, c, d, ap, existing); err != nil {
			return err
		}
		now := db.now()
		ap.UserID, ap.At = u.ID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO decision_approvals (decision_id, version, party, user_id, approved,
			comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			d.ID, ap.Version, int64(ap.Party), u.ID, ap.Approved, ap.Comment, now); err != nil {
			return err
		}
		action := coopdec.AuditDecisionApprove
		if !ap.Approved {
			action = coopdec.AuditDecisionReject
		}
		details := "version " + strconv.Itoa(ap.Version) + " party " + strconv.FormatInt(int64(ap.Party), 10)
		if ap.Comment != "" {
			details += ": " + ap.Comment
		}
		if err := db.audit(ctx, tx, actor, action, decisionSubject(d.ID), details); err != nil {
			return err
		}

		state = coopdec.DecisionState(coopdec.RequiredParties(c), d.Version, append(existing, *ap))
		if state == coopdec.DecisionFinal {
			if err := db.commitDecision(ctx, tx, c, d, u.ID, actor, now); err != nil {
				return err
			}
			if err := db.publishDecision(ctx, tx, c, d, u.ID, actor, now); err != nil {
				return err
			}
			if notify != nil {
				n, err := db.decisionNotice(ctx, tx, c, d, now)
				if err != nil {
					return err
				}
				if err := enqueue(notify(n)...); err != nil {
					return err
				}
			}
		}
		if state != coopdec.DecisionPending {
			if _, err := tx.ExecContext(ctx, `UPDATE decisions SET status = $1, updated_at = $2 WHERE id = $3`,
				string(state), now, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return state, nil
}

// commitDecision appends the entries that commit d's grants, within tx,
// which holds c's lock.
func (db *DB) commitDecision(ctx context.Context, tx *sql.Tx, c *coopdec.Call, d *coopdec.Decision, by int64,
	actor coopdec.Actor, at time.Time) error {
	entries, err := listLedger(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	plan, err := coopdec.PlanCommitments(c, d, entries, by, at)
	if err != nil {
		return err
	}
	for _, e := range plan {
		if err := e.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO envelope_ledger (call_id, funder_organisation_id, application_id,
			decision_id, kind, amount_cents, note, created_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.CallID, e.FunderOrganisationID, e.ApplicationID, nullID(e.DecisionID), string(e.Kind), e.AmountCents,
			e.Note, nullID(e.By), e.At); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditEnvelopeCommit, callSubject(c.ID), fmt.Sprintf("%s funder %d %s %d cents",
			decisionSubject(d.ID), e.FunderOrganisationID, applicationSubject(e.ApplicationID), e.AmountCents)); err != nil {
			return err
		}
	}
	return nil
}

// LedgerEntries lists the entries of a call's envelopes, oldest first.
func (db *DB) LedgerEntries(ctx context.Context, callID int64) ([]coopdec.LedgerEntry, error) {
	list, err := listLedger(ctx, db.read, callID)
	return list, translate(err)
}

func listLedger(ctx context.Context, q querier, callID int64) ([]coopdec.LedgerEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, funder_organisation_id, application_id, decision_id, kind, amount_cents,
		note, created_by, at FROM envelope_ledger WHERE call_id = $1 ORDER BY id`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.LedgerEntry
	for rows.Next() {
		e := coopdec.LedgerEntry{CallID: callID}
		var decision, by sql.NullInt64
		var kind string
		if err := rows.Scan(&e.ID, &e.FunderOrganisationID, &e.ApplicationID, &decision, &kind, &e.AmountCents,
			&e.Note, &by, &e.At); err != nil {
			return nil, err
		}
		e.DecisionID, e.By, e.Kind, e.At = decision.Int64, by.Int64, coopdec.LedgerKind(kind), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// CallBalances returns where each of a call's envelopes stands, in the
// order of its funders (coopdec.CallBalances).
func (db *DB) CallBalances(ctx context.Context, callID int64) ([]coopdec.Balance, error) {
	c, err := db.loadCall(ctx, db.read, callID, false)
	if err != nil {
		return nil, err
	}
	entries, err := listLedger(ctx, db.read, callID)
	if err != nil {
		return nil, translate(err)
	}
	return coopdec.CallBalances(c, entries), nil
}
