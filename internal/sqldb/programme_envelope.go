package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// The PACT2 envelope as its officers' page shows it: the changes of its
// amount with their reasons, and the ledger of what approved mission orders
// committed against it.

// EnvelopeChange is a change of a programme's envelope.
type EnvelopeChange struct {
	AmountCents int64
	Reason      string
	By          string // the officer's name
	At          time.Time
}

// ProgrammeCommitment is a line of a programme's ledger: an approved
// mission order.
type ProgrammeCommitment struct {
	MissionID     int64
	Country       string
	AuthorityName string
	AmountCents   int64
	At            time.Time
}

// ChangeProgrammeEnvelope sets a programme's envelope for mission orders
// to amount for reason (coopdec.CheckEnvelopeChange: officers, never below
// what is committed, a reason), keeps the change with its reason and
// audits it, in one transaction.
func (db *DB) ChangeProgrammeEnvelope(ctx context.Context, u *coopdec.User, programmeID, amount int64, reason string, actor coopdec.Actor) error {
	if !coopdec.CanSetProgrammeEnvelope(u) {
		return errForbidden
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM programmes WHERE id = $1`, programmeID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return errProgrammeNotFound
		}
		b, err := db.programmeBalance(ctx, tx, programmeID, true)
		if err != nil && !errors.Is(err, errEnvelopeNotFound) {
			return err
		}
		if err := coopdec.CheckEnvelopeChange(u, amount, b.CommittedCents, reason); err != nil {
			return err
		}
		reason, now := strings.TrimSpace(reason), db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_envelopes (programme_id, amount_cents, updated_by, updated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (programme_id) DO UPDATE SET amount_cents = excluded.amount_cents,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`, programmeID, amount, nullID(u.ID), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_envelope_changes (programme_id, amount_cents, reason, changed_by,
			changed_at) VALUES ($1, $2, $3, $4, $5)`, programmeID, amount, reason, nullID(u.ID), now); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditProgrammeEnvelopeSet, programmeSubject(programmeID),
			fmt.Sprintf("%d cents: %s", amount, reason))
	})
}

// ProgrammeEnvelopeChanges lists the changes of a programme's envelope
// made with a reason, newest first.
func (db *DB) ProgrammeEnvelopeChanges(ctx context.Context, programmeID int64) ([]EnvelopeChange, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.amount_cents, c.reason, COALESCE(u.name, ''), c.changed_at
		FROM programme_envelope_changes c LEFT JOIN users u ON u.id = c.changed_by
		WHERE c.programme_id = $1 ORDER BY c.id DESC`, programmeID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []EnvelopeChange
	for rows.Next() {
		var c EnvelopeChange
		if err := rows.Scan(&c.AmountCents, &c.Reason, &c.By, &c.At); err != nil {
			return nil, translate(err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// ProgrammeLedger lists what approved mission orders committed against a
// programme's envelope, newest first.
func (db *DB) ProgrammeLedger(ctx context.Context, programmeID int64) ([]ProgrammeCommitment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT g.mission_id, m.country, COALESCE(o.name, ''), g.amount_cents, g.at
		FROM programme_ledger g JOIN mission_requests m ON m.id = g.mission_id
		LEFT JOIN organisations o ON o.id = m.authority_organisation_id
		WHERE g.programme_id = $1 ORDER BY g.id DESC`, programmeID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []ProgrammeCommitment
	for rows.Next() {
		var c ProgrammeCommitment
		if err := rows.Scan(&c.MissionID, &c.Country, &c.AuthorityName, &c.AmountCents, &c.At); err != nil {
			return nil, translate(err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, translate(rows.Err())
}
