package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// Reports filed after missions and the requesters' evaluations.

var (
	errReportNotFound     = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission_followup.report.not_found"}
	errEvaluationNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "mission_followup.evaluation.not_found"}
)

// MissionReportRecord is a report with its mission's country and
// authority.
type MissionReportRecord struct {
	coopdec.MissionReport
	Country       string
	AuthorityID   int64
	AuthorityName string
}

// FileMissionReport files r on mission missionID
// (coopdec.CheckMissionReport: the authority the mission went to, once the
// order is approved, once).
func (db *DB) FileMissionReport(ctx context.Context, v coopdec.MissionViewer, missionID int64, r *coopdec.MissionReport, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		m, err := db.loadMission(ctx, tx, missionID, true)
		if err != nil {
			return err
		}
		o, err := loadOrder(ctx, tx, missionID)
		if err != nil && !errors.Is(err, errOrderNotFound) {
			return err
		}
		var filed int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mission_reports WHERE mission_id = $1`, missionID).Scan(&filed); err != nil {
			return err
		}
		if err := coopdec.CheckMissionReport(v, m, o, filed > 0, r); err != nil {
			return err
		}
		now := db.now()
		search := coopdec.Fold(strings.Join([]string{r.Findings, r.Recommendations, r.FollowUp}, "\n"))
		if _, err := tx.ExecContext(ctx, `INSERT INTO mission_reports (mission_id, findings, recommendations, follow_up,
			search, filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, missionID, r.Findings, r.Recommendations,
			r.FollowUp, search, nullID(v.User.ID), now); err != nil {
			return err
		}
		if err := db.indexMissionReport(ctx, tx, m, r); err != nil {
			return err
		}
		r.MissionID, r.FiledBy, r.FiledAt = missionID, v.User.ID, now
		return db.audit(ctx, tx, actor, coopdec.AuditMissionReport, missionSubject(missionID), "")
	})
}

const reportColumns = `r.mission_id, r.findings, r.recommendations, r.follow_up, r.filed_by, r.filed_at, m.country,
	COALESCE(m.authority_organisation_id, 0), COALESCE(o.name, '')`

const reportFrom = ` FROM mission_reports r JOIN mission_requests m ON m.id = r.mission_id
	LEFT JOIN organisations o ON o.id = m.authority_organisation_id`

func scanReport(row interface{ Scan(...any) error }, r *MissionReportRecord) error {
	var by sql.NullInt64
	if err := row.Scan(&r.MissionID, &r.Findings, &r.Recommendations, &r.FollowUp, &by, &r.FiledAt, &r.Country,
		&r.AuthorityID, &r.AuthorityName); err != nil {
		return err
	}
	r.FiledBy, r.FiledAt = by.Int64, r.FiledAt.UTC()
	return nil
}

// MissionReport returns the report filed on mission missionID.
func (db *DB) MissionReport(ctx context.Context, missionID int64) (*MissionReportRecord, error) {
	r := &MissionReportRecord{}
	err := scanReport(db.read.QueryRowContext(ctx, `SELECT `+reportColumns+reportFrom+` WHERE r.mission_id = $1`, missionID), r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errReportNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return r, nil
}

// EvaluateMission records the requester's evaluation e of mission
// missionID (coopdec.CheckMissionEvaluation: once the report is filed,
// once).
func (db *DB) EvaluateMission(ctx context.Context, v coopdec.MissionViewer, missionID int64, e *coopdec.MissionEvaluation, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		m, err := db.loadMission(ctx, tx, missionID, true)
		if err != nil {
			return err
		}
		var reported, evaluated int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mission_reports WHERE mission_id = $1`, missionID).Scan(&reported); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mission_evaluations WHERE mission_id = $1`, missionID).Scan(&evaluated); err != nil {
			return err
		}
		if err := coopdec.CheckMissionEvaluation(v, m, reported > 0, evaluated > 0, e); err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO mission_evaluations (mission_id, rating, comment, evaluated_by,
			evaluated_at) VALUES ($1, $2, $3, $4, $5)`, missionID, e.Rating, e.Comment, nullID(v.User.ID), now); err != nil {
			return err
		}
		e.MissionID, e.EvaluatedBy, e.EvaluatedAt = missionID, v.User.ID, now
		return db.audit(ctx, tx, actor, coopdec.AuditMissionEvaluate, missionSubject(missionID), fmt.Sprintf("rating %d", e.Rating))
	})
}

// MissionEvaluation returns the evaluation of mission missionID.
func (db *DB) MissionEvaluation(ctx context.Context, missionID int64) (*coopdec.MissionEvaluation, error) {
	e := &coopdec.MissionEvaluation{MissionID: missionID}
	var by sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT rating, comment, evaluated_by, evaluated_at FROM mission_evaluations
		WHERE mission_id = $1`, missionID).Scan(&e.Rating, &e.Comment, &by, &e.EvaluatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errEvaluationNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	e.EvaluatedBy, e.EvaluatedAt = by.Int64, e.EvaluatedAt.UTC()
	return e, nil
}
