package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The allowance rate table, programmes' envelopes for mission orders and
// the orders themselves (coopdec/mission_followup.go).

var (
	errOrderNotFound    = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission_followup.order.not_found"}
	errEnvelopeNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission_followup.envelope.not_found", Field: "programme_id"}
)

func programmeSubject(id int64) string { return "programme:" + strconv.FormatInt(id, 10) }

// AllowanceRateRecord is a line of the rate table with who added it.
type AllowanceRateRecord struct {
	coopdec.AllowanceRate
	ID        int64
	CreatedBy int64
}

// AllowanceRates lists the rate table, for one country when country is not
// empty, by country then latest first.
func (db *DB) AllowanceRates(ctx context.Context, country string) ([]AllowanceRateRecord, error) {
	list, err := listAllowanceRates(ctx, db.read, country)
	return list, translate(err)
}

func listAllowanceRates(ctx context.Context, q querier, country string) ([]AllowanceRateRecord, error) {
	query := `SELECT id, country, daily_cents, valid_from, created_by FROM allowance_rates`
	var args []any
	if country != "" {
		query += ` WHERE country = $1`
		args = append(args, strings.ToUpper(strings.TrimSpace(country)))
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY country, valid_from DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AllowanceRateRecord
	for rows.Next() {
		var r AllowanceRateRecord
		var from string
		var by sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Country, &r.DailyCents, &from, &by); err != nil {
			return nil, err
		}
		r.ValidFrom, r.CreatedBy = parseDay(from), by.Int64
		out = append(out, r)
	}
	return out, rows.Err()
}

func plainRates(list []AllowanceRateRecord) []coopdec.AllowanceRate {
	out := make([]coopdec.AllowanceRate, 0, len(list))
	for _, r := range list {
		out = append(out, r.AllowanceRate)
	}
	return out
}

// AddAllowanceRate adds a line to the rate table (coopdec.CheckAllowanceRate);
// earlier lines stay as they were.
func (db *DB) AddAllowanceRate(ctx context.Context, u *coopdec.User, r *coopdec.AllowanceRate, actor coopdec.Actor) error {
	if !coopdec.CanKeepAllowanceRates(u) {
		return errForbidden
	}
	r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
	return db.tx(ctx, func(tx *sql.Tx) error {
		existing, err := listAllowanceRates(ctx, tx, r.Country)
		if err != nil {
			return err
		}
		if err := coopdec.CheckAllowanceRate(plainRates(existing), *r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO allowance_rates (country, daily_cents, valid_from, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5)`, r.Country, r.DailyCents, dayText(r.ValidFrom), nullID(u.ID), db.now())
		if isConflict(err) {
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "mission_order.rate.duplicate",
				Args: []any{coopdec.MatchCountryArg(r.Country)}, Field: "valid_from"}
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditAllowanceRateAdd, "country:"+r.Country,
			fmt.Sprintf("%d cents/day from %s", r.DailyCents, dayText(r.ValidFrom)))
	})
}

// ProgrammeBalance returns where a programme's envelope for mission orders
// stands; ENOTFOUND when no envelope was set.
func (db *DB) ProgrammeBalance(ctx context.Context, programmeID int64) (coopdec.ProgrammeBalance, error) {
	b, err := db.programmeBalance(ctx, db.read, programmeID, false)
	return b, translate(err)
}

// programmeBalance reads an envelope and what is committed against it;
// forUpdate locks the envelope's row on PostgreSQL (on SQLite the single
// writer already serialises transactions), so that two approvals cannot
// both spend what remains.
func (db *DB) programmeBalance(ctx context.Context, q querier, programmeID int64, forUpdate bool) (coopdec.ProgrammeBalance, error) {
	b := coopdec.ProgrammeBalance{ProgrammeID: programmeID}
	query := `SELECT amount_cents FROM programme_envelopes WHERE programme_id = $1`
	if forUpdate && db.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	err := q.QueryRowContext(ctx, query, programmeID).Scan(&b.AmountCents)
	if errors.Is(err, sql.ErrNoRows) {
		return b, errEnvelopeNotFound
	}
	if err != nil {
		return b, err
	}
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM programme_ledger WHERE programme_id = $1`,
		programmeID).Scan(&b.CommittedCents)
	return b, err
}

// MissionOrder returns the order of mission missionID; ENOTFOUND when none
// was drawn up.
func (db *DB) MissionOrder(ctx context.Context, missionID int64) (*coopdec.MissionOrder, error) {
	o, err := loadOrder(ctx, db.read, missionID)
	return o, translate(err)
}

func loadOrder(ctx context.Context, q querier, missionID int64) (*coopdec.MissionOrder, error) {
	o := &coopdec.MissionOrder{MissionID: missionID}
	var start, end, experts, state string
	var programme, by, approver sql.NullInt64
	var approved sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT date_start, date_end, experts, travel_cents, other_cents, daily_cents,
		allowance_cents, total_cents, state, programme_id, created_by, updated_at, approved_by, approved_at
		FROM mission_orders WHERE mission_id = $1`, missionID).Scan(&start, &end, &experts, &o.TravelCents, &o.OtherCents,
		&o.DailyCents, &o.AllowanceCents, &o.TotalCents, &state, &programme, &by, &o.UpdatedAt, &approver, &approved)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errOrderNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(experts), &o.Experts); err != nil {
		return nil, fmt.Errorf("mission order %d: unable to read its experts: %w", missionID, err)
	}
	o.Start, o.End, o.State = parseDay(start), parseDay(end), coopdec.OrderState(state)
	o.ProgrammeID, o.CreatedBy, o.ApprovedBy = programme.Int64, by.Int64, approver.Int64
	o.UpdatedAt = o.UpdatedAt.UTC()
	if approved.Valid {
		o.ApprovedAt = approved.Time.UTC()
	}
	return o, nil
}

type orderExpertJSON struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// SaveMissionOrder draws up or revises the order o of mission missionID
// (coopdec.CheckMissionOrder, which computes its cost at the rates in
// force), until it is approved.
func (db *DB) SaveMissionOrder(ctx context.Context, v coopdec.MissionViewer, missionID int64, o *coopdec.MissionOrder, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		m, err := db.loadMission(ctx, tx, missionID, true)
		if err != nil {
			return err
		}
		rec, err := db.missionRecord(ctx, tx, missionID)
		if err != nil {
			return err
		}
		var reply *coopdec.MissionReply
		for i := range rec.Replies {
			if rec.Replies[i].ID == m.SelectedReplyID {
				reply = &rec.Replies[i].MissionReply
			}
		}
		existing, err := loadOrder(ctx, tx, missionID)
		if err != nil && !errors.Is(err, errOrderNotFound) {
			return err
		}
		rates, err := listAllowanceRates(ctx, tx, m.Country)
		if err != nil {
			return err
		}
		if err := coopdec.CheckMissionOrder(v, m, reply, existing, o, plainRates(rates)); err != nil {
			return err
		}
		experts := make([]orderExpertJSON, 0, len(o.Experts))
		for _, x := range o.Experts {
			experts = append(experts, orderExpertJSON{Name: x.Name, Days: x.Days})
		}
		b, err := json.Marshal(experts)
		if err != nil {
			return err
		}
		now := db.now()
		o.CreatedBy, o.UpdatedAt = v.User.ID, now
		if existing == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO mission_orders (mission_id, date_start, date_end, experts, travel_cents,
				other_cents, daily_cents, allowance_cents, total_cents, state, created_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, missionID, dayText(o.Start), dayText(o.End),
				string(b), o.TravelCents, o.OtherCents, o.DailyCents, o.AllowanceCents, o.TotalCents, string(coopdec.OrderDraft),
				nullID(v.User.ID), now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE mission_orders SET date_start = $1, date_end = $2, experts = $3,
				travel_cents = $4, other_cents = $5, daily_cents = $6, allowance_cents = $7, total_cents = $8,
				created_by = $9, updated_at = $10 WHERE mission_id = $11 AND state = $12`, dayText(o.Start), dayText(o.End),
				string(b), o.TravelCents, o.OtherCents, o.DailyCents, o.AllowanceCents, o.TotalCents, nullID(v.User.ID), now,
				missionID, string(coopdec.OrderDraft))
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditMissionOrderSave, missionSubject(missionID), fmt.Sprintf("total %d cents", o.TotalCents))
	})
}

// ApproveMissionOrder approves the order of mission missionID against
// programme programmeID's envelope (coopdec.CheckOrderApproval) and
// appends its commitment to the programme's ledger, in one transaction.
// The envelope's row is locked (FOR UPDATE on PostgreSQL, the single
// writer on SQLite) before its balance is read, so that concurrent
// approvals never over-commit it: the one that comes second sees the
// first's commitment. The order is audited as an envelope commitment.
func (db *DB) ApproveMissionOrder(ctx context.Context, u *coopdec.User, missionID, programmeID int64, actor coopdec.Actor) (*coopdec.MissionOrder, error) {
	if !u.HasRole(coopdec.RoleOfficer) {
		return nil, errForbidden
	}
	var o *coopdec.MissionOrder
	err := db.tx(ctx, func(tx *sql.Tx) error {
		b, err := db.programmeBalance(ctx, tx, programmeID, true)
		if err != nil {
			return err
		}
		if _, err := db.loadMission(ctx, tx, missionID, true); err != nil {
			return err
		}
		if o, err = loadOrder(ctx, tx, missionID); err != nil {
			if errors.Is(err, errOrderNotFound) {
				return coopdec.Errorf(coopdec.ECONFLICT, "mission_followup.order.missing")
			}
			return err
		}
		if err := coopdec.CheckOrderApproval(u, o, b); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE mission_orders SET state = $1, programme_id = $2, approved_by = $3,
			approved_at = $4 WHERE mission_id = $5 AND state = $6`, string(coopdec.OrderApproved), programmeID, u.ID, now,
			missionID, string(coopdec.OrderDraft))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errMissionChanged
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_ledger (programme_id, mission_id, amount_cents, created_by, at)
			VALUES ($1, $2, $3, $4, $5)`, programmeID, missionID, o.TotalCents, nullID(u.ID), now); err != nil {
			return err
		}
		o.State, o.ProgrammeID, o.ApprovedBy, o.ApprovedAt = coopdec.OrderApproved, programmeID, u.ID, now
		return db.audit(ctx, tx, actor, coopdec.AuditEnvelopeCommit, programmeSubject(programmeID),
			fmt.Sprintf("%s order %d cents", missionSubject(missionID), o.TotalCents))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
