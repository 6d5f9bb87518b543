package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errSessionNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "committee.session.not_found"}

func committeeSessionSubject(id int64) string {
	return "committee_session:" + strconv.FormatInt(id, 10)
}

// CommitteeApplication is a submitted application as the committee shows
// it, with what is known around it.
type CommitteeApplication struct {
	Application   coopdec.Application
	LeadName      string
	Eligible      *bool                  // the automatic result; nil while unknown
	Admissibility *coopdec.Admissibility // the officers' decision; nil when none
	Consensus     *coopdec.Consensus     // nil while none is recorded
}

// Committee is where a call's committee stands: the board its funding line
// is drawn from, its applications, envelopes and latest decision.
type Committee struct {
	coopdec.CommitteeBoard
	Balances     []coopdec.Balance
	Applications map[int64]*CommitteeApplication
	// Decision is the call's latest decision, nil when none was sent; its
	// status and the answers to every version follow.
	Decision       *coopdec.Decision
	DecisionStatus coopdec.DecisionStatus
	Approvals      []coopdec.Approval
}

// Committee loads what call callID's committee works on. It returns
// ENOTFOUND while the call has no evaluation grid.
func (db *DB) Committee(ctx context.Context, callID int64) (*Committee, error) {
	c, err := db.loadCall(ctx, db.read, callID, false)
	if err != nil {
		return nil, translate(err)
	}
	cm, err := db.loadCommittee(ctx, db.read, c)
	return cm, translate(err)
}

func (db *DB) loadCommittee(ctx context.Context, q querier, c *coopdec.Call) (*Committee, error) {
	g, _, err := db.loadSetup(ctx, q, c.ID, false)
	if err != nil {
		return nil, err
	}
	cm := &Committee{CommitteeBoard: coopdec.CommitteeBoard{Call: c, Grid: g}, Applications: map[int64]*CommitteeApplication{}}
	if err := db.loadCommitteeApplications(ctx, q, cm); err != nil {
		return nil, err
	}
	entries, err := listLedger(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	cm.Balances = coopdec.CallBalances(c, entries)
	cm.Remaining = coopdec.RemainingByFunder(c, entries)
	if cm.Adjustments, err = listAdjustments(ctx, q, c.ID); err != nil {
		return nil, err
	}
	var id int64
	err = q.QueryRowContext(ctx, `SELECT id FROM decisions WHERE call_id = $1 ORDER BY id DESC LIMIT 1`, c.ID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return cm, nil
	case err != nil:
		return nil, err
	}
	if cm.Decision, cm.DecisionStatus, err = db.loadDecision(ctx, q, id, false); err != nil {
		return nil, err
	}
	if cm.Approvals, err = listApprovals(ctx, q, id); err != nil {
		return nil, err
	}
	return cm, nil
}

// loadCommitteeApplications reads the call's submitted applications (not
// those withdrawn) with their lead, eligibility, admissibility and
// consensus, and makes them the board's candidates.
func (db *DB) loadCommitteeApplications(ctx context.Context, q querier, cm *Committee) error {
	callID := cm.Call.ID
	rows, err := q.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications
		WHERE call_id = $1 AND status = $2 ORDER BY id`, callID, string(coopdec.ApplicationSubmitted))
	if err != nil {
		return err
	}
	var order []int64
	for rows.Next() {
		ca := &CommitteeApplication{}
		if err := scanApplication(rows, &ca.Application); err != nil {
			rows.Close()
			return err
		}
		cm.Applications[ca.Application.ID] = ca
		order = append(order, ca.Application.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.QueryContext(ctx, `SELECT a.id, a.eligible, o.name FROM applications a
		JOIN organisations o ON o.id = a.lead_organisation_id WHERE a.call_id = $1`, callID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var eligible sql.NullBool
		var name string
		if err := rows.Scan(&id, &eligible, &name); err != nil {
			rows.Close()
			return err
		}
		if ca := cm.Applications[id]; ca != nil {
			ca.LeadName = name
			if eligible.Valid {
				ca.Eligible = &eligible.Bool
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.QueryContext(ctx, `SELECT d.application_id, d.automatic, d.admissible, d.reason, COALESCE(d.decided_by, 0), d.decided_at
		FROM admissibility_decisions d JOIN applications a ON a.id = d.application_id WHERE a.call_id = $1 ORDER BY d.id`, callID)
	if err != nil {
		return err
	}
	for rows.Next() {
		ad := &coopdec.Admissibility{}
		var automatic sql.NullBool
		if err := rows.Scan(&ad.ApplicationID, &automatic, &ad.Admissible, &ad.Reason, &ad.DecidedBy, &ad.DecidedAt); err != nil {
			rows.Close()
			return err
		}
		if automatic.Valid {
			ad.Automatic = &automatic.Bool
		}
		ad.DecidedAt = ad.DecidedAt.UTC()
		if ca := cm.Applications[ad.ApplicationID]; ca != nil {
			ca.Admissibility = ad // the latest stands
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.QueryContext(ctx, `SELECT c.application_id, c.scores, c.comment, c.language, COALESCE(c.recorded_by, 0), c.recorded_at
		FROM evaluation_consensus c JOIN applications a ON a.id = c.application_id WHERE a.call_id = $1`, callID)
	if err != nil {
		return err
	}
	for rows.Next() {
		cs := &coopdec.Consensus{}
		var scores string
		if err := rows.Scan(&cs.ApplicationID, &scores, &cs.Comment, &cs.Language, &cs.RecordedBy, &cs.RecordedAt); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal([]byte(scores), &cs.Scores); err != nil {
			rows.Close()
			return err
		}
		cs.RecordedAt = cs.RecordedAt.UTC()
		if ca := cm.Applications[cs.ApplicationID]; ca != nil {
			ca.Consensus = cs
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, id := range order {
		ca := cm.Applications[id]
		a := &ca.Application
		cand := coopdec.Candidate{ApplicationID: id, Reference: a.ReceiptNumber, SubmittedAt: a.SubmittedAt,
			Admissible:     coopdec.CandidateAdmissible(ca.Admissibility, ca.Eligible),
			RequestedCents: a.Budget.Totals().GrantCents}
		if ca.Consensus != nil {
			cand.Consensus = ca.Consensus.Scores
		}
		cm.Candidates = append(cm.Candidates, cand)
	}
	return nil
}

func listAdjustments(ctx context.Context, q querier, callID int64) ([]coopdec.Adjustment, error) {
	rows, err := q.QueryContext(ctx, `SELECT application_id, granted_cents, justification, COALESCE(created_by, 0), created_at
		FROM committee_adjustments WHERE call_id = $1 ORDER BY id`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.Adjustment
	for rows.Next() {
		var a coopdec.Adjustment
		if err := rows.Scan(&a.ApplicationID, &a.GrantedCents, &a.Justification, &a.By, &a.At); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// lockCommittee locks call callID (its row on PostgreSQL, the single
// writer on SQLite) and loads its committee within tx, so that the line
// checked is the line changed. The call's latest decision is locked
// first, in the order RecordApproval takes them, so that the two never
// wait on each other.
func (db *DB) lockCommittee(ctx context.Context, tx *sql.Tx, callID int64) (*Committee, error) {
	var latest int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM decisions WHERE call_id = $1 ORDER BY id DESC LIMIT 1`, callID).Scan(&latest)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		if _, _, err := db.loadDecision(ctx, tx, latest, true); err != nil {
			return nil, err
		}
	}
	c, err := db.loadCall(ctx, tx, callID, true)
	if err != nil {
		return nil, err
	}
	return db.loadCommittee(ctx, tx, c)
}

// AddAdjustment records u's adjustment of the amount granted to
// adj.ApplicationID on call callID's funding line, as
// coopdec.CheckRecordAdjustment allows it against the line as it stands.
// Adjustments are appended: the new one supersedes the earlier ones.
func (db *DB) AddAdjustment(ctx context.Context, u *coopdec.User, callID int64, adj *coopdec.Adjustment, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		cm, err := db.lockCommittee(ctx, tx, callID)
		if err != nil {
			return err
		}
		line, err := cm.FundingLine()
		if err != nil {
			return err
		}
		if err := coopdec.CheckRecordAdjustment(u, cm.Call, line, cm.DecisionStatus, adj); err != nil {
			return err
		}
		adj.By, adj.At = u.ID, db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO committee_adjustments (call_id, application_id, granted_cents, justification,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			callID, adj.ApplicationID, adj.GrantedCents, adj.Justification, nullID(u.ID), adj.At); err != nil {
			return err
		}
		e := line.Entry(adj.ApplicationID)
		return db.audit(ctx, tx, actor, coopdec.AuditCommitteeAdjustment, applicationSubject(adj.ApplicationID),
			callSubject(callID)+" granted:"+strconv.FormatInt(adj.GrantedCents, 10)+" requested:"+
				strconv.FormatInt(e.RequestedCents, 10)+" "+adj.Justification)
	})
}

// Adjustments lists the adjustments recorded on call callID, oldest first.
func (db *DB) Adjustments(ctx context.Context, callID int64) ([]coopdec.Adjustment, error) {
	list, err := listAdjustments(ctx, db.read, callID)
	return list, translate(err)
}

// SendDecision sends call callID's funding line, as it stands, to the
// parties as its decision, when coopdec.CheckSendDecision allows it: the
// call's first decision (version 1), or the next version of its latest
// decision after a party rejected it. sessionID names the committee
// session it comes from (0: none). The call is locked while the line is
// drawn and stored, so that the list sent is the list checked.
func (db *DB) SendDecision(ctx context.Context, u *coopdec.User, callID, sessionID int64, actor coopdec.Actor) (*coopdec.Decision, error) {
	var d *coopdec.Decision
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cm, err := db.lockCommittee(ctx, tx, callID)
		if err != nil {
			return err
		}
		line, err := cm.FundingLine()
		if err != nil {
			return err
		}
		if err := coopdec.CheckSendDecision(u, cm.Call, line, cm.DecisionStatus); err != nil {
			return err
		}
		if sessionID != 0 {
			if _, err := loadCommitteeSession(ctx, tx, sessionID, callID); err != nil {
				return err
			}
		}
		entries := line.DecisionEntries()
		b, err := json.Marshal(entries)
		if err != nil {
			return err
		}
		now := db.now()
		if cm.Decision == nil {
			d = &coopdec.Decision{CallID: callID, SessionID: sessionID, Version: 1, Entries: entries, CreatedBy: u.ID, CreatedAt: now}
			if err := tx.QueryRowContext(ctx, `INSERT INTO decisions (call_id, session_id, version, status, entries, created_by,
				created_at, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $6) RETURNING id`,
				callID, nullID(sessionID), string(coopdec.DecisionPending), string(b), nullID(u.ID), now).Scan(&d.ID); err != nil {
				return err
			}
			return db.audit(ctx, tx, actor, coopdec.AuditDecisionCreate, decisionSubject(d.ID), callSubject(callID)+" version 1")
		}
		d = cm.Decision
		d.Version++
		d.Entries = entries
		if sessionID != 0 {
			d.SessionID = sessionID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET version = $1, status = $2, entries = $3, session_id = $4,
			updated_at = $5 WHERE id = $6`, d.Version, string(coopdec.DecisionPending), string(b), nullID(d.SessionID), now, d.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditDecisionResubmit, decisionSubject(d.ID),
			callSubject(callID)+" version "+strconv.Itoa(d.Version))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// CreateCommitteeSession records a session of s.CallID's committee with
// its minutes, as coopdec.CheckEditMinutes allows it for u.
func (db *DB) CreateCommitteeSession(ctx context.Context, u *coopdec.User, s *coopdec.CommitteeSession, actor coopdec.Actor) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, status, err := db.committeeState(ctx, tx, s.CallID)
		if err != nil {
			return err
		}
		if err := coopdec.CheckEditMinutes(u, c, status); err != nil {
			return err
		}
		participants, err := json.Marshal(nonNil(s.Participants))
		if err != nil {
			return err
		}
		now := db.now()
		s.HeldAt = s.HeldAt.UTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO committee_sessions (call_id, held_at, participants, minutes, created_by,
			created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id`,
			s.CallID, s.HeldAt, string(participants), s.Minutes, nullID(u.ID), now).Scan(&s.ID); err != nil {
			return err
		}
		s.CreatedBy = u.ID
		return db.audit(ctx, tx, actor, coopdec.AuditCommitteeSession, committeeSessionSubject(s.ID),
			callSubject(s.CallID)+" created held_at:"+s.HeldAt.Format(time.RFC3339)+" participants:"+strconv.Itoa(len(s.Participants)))
	})
}

// UpdateCommitteeSession records s's new date, participants and minutes,
// as coopdec.CheckEditMinutes allows it for u: until the call's decision
// is final. The session's call cannot change.
func (db *DB) UpdateCommitteeSession(ctx context.Context, u *coopdec.User, s *coopdec.CommitteeSession, actor coopdec.Actor) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := loadCommitteeSession(ctx, tx, s.ID, 0)
		if err != nil {
			return err
		}
		c, status, err := db.committeeState(ctx, tx, old.CallID)
		if err != nil {
			return err
		}
		if err := coopdec.CheckEditMinutes(u, c, status); err != nil {
			return err
		}
		participants, err := json.Marshal(nonNil(s.Participants))
		if err != nil {
			return err
		}
		s.CallID, s.CreatedBy, s.HeldAt = old.CallID, old.CreatedBy, s.HeldAt.UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE committee_sessions SET held_at = $1, participants = $2, minutes = $3,
			updated_by = $4, updated_at = $5 WHERE id = $6`,
			s.HeldAt, string(participants), s.Minutes, nullID(u.ID), db.now(), s.ID); err != nil {
			return err
		}
		changed := []string{}
		if !old.HeldAt.Equal(s.HeldAt) {
			changed = append(changed, "held_at:"+s.HeldAt.Format(time.RFC3339))
		}
		if strings.Join(old.Participants, "\n") != strings.Join(s.Participants, "\n") {
			changed = append(changed, "participants:"+strconv.Itoa(len(s.Participants)))
		}
		if old.Minutes != s.Minutes {
			changed = append(changed, "minutes:"+strconv.Itoa(len(old.Minutes))+"→"+strconv.Itoa(len(s.Minutes))+" bytes")
		}
		return db.audit(ctx, tx, actor, coopdec.AuditCommitteeSession, committeeSessionSubject(s.ID),
			callSubject(s.CallID)+" updated "+strings.Join(changed, " "))
	})
}

// committeeState locks call callID and returns it with its latest
// decision's status ("" when none).
func (db *DB) committeeState(ctx context.Context, tx *sql.Tx, callID int64) (*coopdec.Call, coopdec.DecisionStatus, error) {
	c, err := db.loadCall(ctx, tx, callID, true)
	if err != nil {
		return nil, "", err
	}
	var status string
	err = tx.QueryRowContext(ctx, `SELECT status FROM decisions WHERE call_id = $1 ORDER BY id DESC LIMIT 1`, callID).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", err
	}
	return c, coopdec.DecisionStatus(status), nil
}

// CommitteeSession returns a committee session.
func (db *DB) CommitteeSession(ctx context.Context, id int64) (*coopdec.CommitteeSession, error) {
	s, err := loadCommitteeSession(ctx, db.read, id, 0)
	return s, translate(err)
}

const committeeSessionColumns = `id, call_id, held_at, participants, minutes, COALESCE(created_by, 0)`

func scanCommitteeSession(row interface{ Scan(...any) error }) (*coopdec.CommitteeSession, error) {
	s := &coopdec.CommitteeSession{}
	var participants string
	if err := row.Scan(&s.ID, &s.CallID, &s.HeldAt, &participants, &s.Minutes, &s.CreatedBy); err != nil {
		return nil, err
	}
	s.HeldAt = s.HeldAt.UTC()
	if err := json.Unmarshal([]byte(participants), &s.Participants); err != nil {
		return nil, err
	}
	return s, nil
}

// loadCommitteeSession reads session id; callID, when not 0, must be its
// call's.
func loadCommitteeSession(ctx context.Context, q querier, id, callID int64) (*coopdec.CommitteeSession, error) {
	s, err := scanCommitteeSession(q.QueryRowContext(ctx, `SELECT `+committeeSessionColumns+` FROM committee_sessions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && callID != 0 && s.CallID != callID {
		return nil, errSessionNotFound
	}
	return s, err
}

// CommitteeSessionsMax bounds the list of a call's sessions: a committee
// meets a handful of times.
const CommitteeSessionsMax = 200

// ListCommitteeSessions lists call callID's committee sessions, the latest
// first, at most CommitteeSessionsMax.
func (db *DB) ListCommitteeSessions(ctx context.Context, callID int64) ([]coopdec.CommitteeSession, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+committeeSessionColumns+` FROM committee_sessions WHERE call_id = $1
		ORDER BY held_at DESC, id DESC LIMIT `+strconv.Itoa(CommitteeSessionsMax), callID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.CommitteeSession
	for rows.Next() {
		s, err := scanCommitteeSession(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *s)
	}
	return out, translate(rows.Err())
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
