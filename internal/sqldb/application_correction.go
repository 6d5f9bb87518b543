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
	errCorrectionNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "correction.not_found"}
	errCorrectionOpen     = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "correction.already_open"}
	errCorrectionClosed   = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "correction.closed"}
)

// RequestCorrection records an officer's or co-manager's correction
// request on a submitted application, one open at a time; notify builds
// the jobs that tell the applicant.
func (db *DB) RequestCorrection(ctx context.Context, e Enqueuer, u *coopdec.User, r *coopdec.CorrectionRequest, actor coopdec.Actor,
	notify func(r *coopdec.CorrectionRequest, a *coopdec.Application) []Job) error {
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, r.ApplicationID, true)
		if err != nil {
			return err
		}
		c, err := db.loadCall(ctx, tx, a.CallID, false)
		if err != nil {
			return err
		}
		if !coopdec.CanRequestCorrection(u, a, c) {
			return correctionRefusal(u, a, c)
		}
		now := db.now()
		if err := r.Validate(now); err != nil {
			return err
		}
		if open, err := openCorrection(ctx, tx, a.ID); err != nil {
			return err
		} else if open != nil {
			return errCorrectionOpen
		}
		fields, _ := json.Marshal(r.Fields)
		docs, _ := json.Marshal(r.Documents)
		r.Status, r.RequestedBy, r.CreatedAt = coopdec.CorrectionOpen, u.ID, now
		r.Answer, r.AnsweredBy, r.AnsweredAt, r.Version = "", 0, time.Time{}, 0
		if err := tx.QueryRowContext(ctx, `INSERT INTO correction_requests (application_id, reason, fields, documents, due_at,
			status, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.ID, r.Reason, string(fields), string(docs), r.DueAt.UTC(), string(r.Status), u.ID, now).Scan(&r.ID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditCorrectionRequest, applicationSubject(a.ID),
			"correction:"+strconv.FormatInt(r.ID, 10)+" "+strings.Join(append(slices.Clone(r.Fields), r.Documents...), ",")); err != nil {
			return err
		}
		if notify != nil {
			return enqueue(notify(r, a)...)
		}
		return nil
	})
}

// correctionRefusal explains why u may not ask for a correction of a, or
// cancel one: those who may not read a learn nothing of it, the call's
// managers that a is not submitted, anyone else that they may not.
func correctionRefusal(u *coopdec.User, a *coopdec.Application, c *coopdec.Call) error {
	if !coopdec.CanViewApplication(u, a, c) {
		return errApplicationNotFound
	}
	submitted := *a
	submitted.Status = coopdec.ApplicationSubmitted
	if coopdec.CanRequestCorrection(u, &submitted, c) {
		return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "correction.not_submitted"}
	}
	return coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
}

// CancelCorrection withdraws an open correction request; the files sent
// for it are dropped. notify builds the jobs that tell the applicant.
func (db *DB) CancelCorrection(ctx context.Context, e Enqueuer, u *coopdec.User, appID, correctionID int64, actor coopdec.Actor,
	notify func(r *coopdec.CorrectionRequest, a *coopdec.Application) []Job) error {
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, appID, true)
		if err != nil {
			return err
		}
		c, err := db.loadCall(ctx, tx, a.CallID, false)
		if err != nil {
			return err
		}
		if !coopdec.CanRequestCorrection(u, a, c) {
			return correctionRefusal(u, a, c)
		}
		res, err := tx.ExecContext(ctx, `UPDATE correction_requests SET status = $1 WHERE id = $2 AND application_id = $3 AND status = $4`,
			string(coopdec.CorrectionCancelled), correctionID, appID, string(coopdec.CorrectionOpen))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errCorrectionClosed
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM application_attachments WHERE correction_id = $1 AND state = $2`,
			correctionID, attachmentPending); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditCorrectionCancel, applicationSubject(appID),
			"correction:"+strconv.FormatInt(correctionID, 10)); err != nil {
			return err
		}
		if notify == nil {
			return nil
		}
		list, err := listCorrections(ctx, tx, `id = $1`, correctionID)
		if err != nil {
			return err
		}
		return enqueue(notify(&list[0], a)...)
	})
}

// AnswerCorrection answers an open correction request: the application
// takes from proposed only the fields the request names
// (coopdec.ApplyCorrection), must still be complete (Validate), and the
// files sent for the request replace the earlier files of the same
// documents. The result is kept as a new version; notify builds the jobs
// that tell the officers.
func (db *DB) AnswerCorrection(ctx context.Context, e Enqueuer, u *coopdec.User, appID, correctionID int64,
	proposed *coopdec.Application, answer string, actor coopdec.Actor,
	notify func(r *coopdec.CorrectionRequest, a *coopdec.Application) []Job) (*coopdec.ApplicationVersion, error) {
	answer = strings.TrimSpace(answer)
	switch {
	case answer == "":
		return nil, coopdec.FieldError("answer", "correction.answer.required")
	case !utf8.ValidString(answer) || utf8.RuneCountInString(answer) > 4000:
		return nil, coopdec.FieldError("answer", "correction.answer.too_long", 4000)
	}
	var version *coopdec.ApplicationVersion
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, appID, true)
		if err != nil {
			return err
		}
		list, err := listCorrections(ctx, tx, `application_id = $1 AND id = $2`, appID, correctionID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return errCorrectionNotFound
		}
		r := &list[0]
		now := db.now()
		if err := coopdec.CanAnswerCorrection(u, a, r, now); err != nil {
			return err
		}
		c, err := db.loadCall(ctx, tx, a.CallID, false)
		if err != nil {
			return err
		}
		if proposed == nil {
			proposed = a
		}
		// Normalised as the stored content was, so that what the form
		// sends back unchanged compares equal.
		p := *proposed
		p.ID, p.CallID, p.LeadOrganisationID, p.Status, p.Version = a.ID, a.CallID, a.LeadOrganisationID, a.Status, a.Version
		if err := p.ValidateDraft(c); err != nil {
			return err
		}
		next, err := coopdec.ApplyCorrection(a, &p, r)
		if err != nil {
			return err
		}
		if err := next.Validate(c); err != nil {
			return err
		}
		// The files sent for the request replace those of their documents.
		pending, err := listAttachments(ctx, tx, `correction_id = $1 AND state = $2`, r.ID, attachmentPending)
		if err != nil {
			return err
		}
		for _, code := range documentCodes(pending) {
			if _, err := tx.ExecContext(ctx, `UPDATE application_attachments SET state = $1
				WHERE application_id = $2 AND message_id IS NULL AND state = $3 AND document_code = $4`,
				attachmentReplaced, appID, attachmentCurrent, code); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE application_attachments SET state = $1 WHERE correction_id = $2 AND state = $3`,
			attachmentCurrent, r.ID, attachmentPending); err != nil {
			return err
		}
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM application_versions WHERE application_id = $1`,
			appID).Scan(&last); err != nil {
			return err
		}
		files, err := listAttachments(ctx, tx, `application_id = $1 AND message_id IS NULL AND state = $2`, appID, attachmentCurrent)
		if err != nil {
			return err
		}
		content, err := marshalApplicationContent(next)
		if err != nil {
			return err
		}
		elig, err := db.eligibility(ctx, tx, next, c)
		if err != nil {
			return err
		}
		title, countries, themes := listColumns(next)
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET content = $1, version = version + 1, updated_at = $2,
			title = $3, countries = $4, themes = $5, eligible = $6 WHERE id = $7`,
			content, now, title, countries, themes, eligibleColumn(elig), appID); err != nil {
			return err
		}
		if err := db.insertVersion(ctx, tx, next, last+1, u.ID, r.ID, stripState(files), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE correction_requests SET status = $1, answer = $2, answered_by = $3,
			answered_at = $4, version = $5 WHERE id = $6`,
			string(coopdec.CorrectionAnswered), answer, u.ID, now, last+1, r.ID); err != nil {
			return err
		}
		r.Status, r.Answer, r.AnsweredBy, r.AnsweredAt, r.Version = coopdec.CorrectionAnswered, answer, u.ID, now, last+1
		if err := db.audit(ctx, tx, actor, coopdec.AuditCorrectionAnswer, applicationSubject(appID),
			fmt.Sprintf("correction:%d version %d", r.ID, last+1)); err != nil {
			return err
		}
		vs, err := listVersions(ctx, tx, appID, last+1)
		if err != nil {
			return err
		}
		version = &vs[0]
		if notify != nil {
			return enqueue(notify(r, next)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return version, nil
}

func documentCodes(list []storedAttachment) []string {
	var out []string
	for _, a := range list {
		if !slices.Contains(out, a.DocumentCode) {
			out = append(out, a.DocumentCode)
		}
	}
	return out
}

// ListCorrections lists an application's correction requests, oldest first.
func (db *DB) ListCorrections(ctx context.Context, appID int64) ([]coopdec.CorrectionRequest, error) {
	list, err := listCorrections(ctx, db.read, `application_id = $1`, appID)
	return list, translate(err)
}

func openCorrection(ctx context.Context, q querier, appID int64) (*coopdec.CorrectionRequest, error) {
	list, err := listCorrections(ctx, q, `application_id = $1 AND status = $2`, appID, string(coopdec.CorrectionOpen))
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[len(list)-1], nil
}

func listCorrections(ctx context.Context, q querier, where string, args ...any) ([]coopdec.CorrectionRequest, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, application_id, reason, fields, documents, due_at, status, requested_by,
		created_at, answer, answered_by, answered_at, version FROM correction_requests WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.CorrectionRequest
	for rows.Next() {
		var r coopdec.CorrectionRequest
		var fields, docs string
		var by, answeredBy sql.NullInt64
		var answeredAt sql.NullTime
		if err := rows.Scan(&r.ID, &r.ApplicationID, &r.Reason, &fields, &docs, &r.DueAt, &r.Status, &by,
			&r.CreatedAt, &r.Answer, &answeredBy, &answeredAt, &r.Version); err != nil {
			return nil, err
		}
		if err := errors.Join(json.Unmarshal([]byte(fields), &r.Fields), json.Unmarshal([]byte(docs), &r.Documents)); err != nil {
			return nil, fmt.Errorf("correction request %d: %w", r.ID, err)
		}
		r.RequestedBy, r.AnsweredBy, r.AnsweredAt = by.Int64, answeredBy.Int64, fromNullTime(answeredAt)
		r.DueAt, r.CreatedAt = r.DueAt.UTC(), r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
