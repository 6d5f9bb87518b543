package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// Attachment states: a file is part of the application (current), sent
// with a correction not answered yet (pending), or replaced by a
// correction's answer (replaced). Message files are current, with a
// message_id.
const (
	attachmentCurrent  = "current"
	attachmentPending  = "pending"
	attachmentReplaced = "replaced"
)

var (
	errAttachmentNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "attachment.not_found"}
	errAttachmentNotAsked = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "attachment.not_requested", Field: "document_code"}

	documentCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	sha256RE       = regexp.MustCompile(`^[0-9a-f]{64}$`)
	mediaTypeRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$`)
)

func validateAttachment(att *coopdec.Attachment) error {
	att.DocumentCode = strings.ToLower(strings.TrimSpace(att.DocumentCode))
	att.Name = coopdec.SafeFilename(att.Name)
	att.MediaType = strings.ToLower(strings.TrimSpace(att.MediaType))
	att.SHA256 = strings.ToLower(strings.TrimSpace(att.SHA256))
	var errs coopdec.Errors
	if !documentCodeRE.MatchString(att.DocumentCode) {
		errs = append(errs, coopdec.FieldError("document_code", "attachment.document_code.invalid"))
	}
	if len(att.MediaType) > 100 || !mediaTypeRE.MatchString(att.MediaType) {
		errs = append(errs, coopdec.FieldError("media_type", "attachment.media_type.invalid"))
	}
	if !sha256RE.MatchString(att.SHA256) {
		errs = append(errs, coopdec.FieldError("sha256", "attachment.sha256.invalid"))
	}
	return errs.Err()
}

// AddAttachment records a file attached to an application; the blob must be
// stored already. A draft takes any document; a submitted application takes
// only the documents an open correction request asks for, kept pending
// until the correction is answered. The application's files together must
// stay within coopdec.CheckAttachmentSizes's limits. Whether the actor may
// change the application is the caller's to check.
func (db *DB) AddAttachment(ctx context.Context, att *coopdec.Attachment, actor coopdec.Actor) error {
	if err := validateAttachment(att); err != nil {
		return err
	}
	att.MessageID, att.UploadedBy = 0, actor.UserID
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Locked on PostgreSQL, so that two files added at once are
		// counted together against the limits.
		a, err := db.loadApplication(ctx, tx, att.ApplicationID, true)
		if err != nil {
			return err
		}
		state := attachmentCurrent
		att.CorrectionID = 0
		switch a.Status {
		case coopdec.ApplicationDraft:
		case coopdec.ApplicationSubmitted:
			cr, err := openCorrection(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			if cr == nil {
				return errApplicationNotDraft
			}
			if !slices.Contains(cr.Documents, att.DocumentCode) {
				return errAttachmentNotAsked
			}
			state, att.CorrectionID = attachmentPending, cr.ID
		default:
			return errApplicationNotDraft
		}
		existing, err := listAttachments(ctx, tx, `application_id = $1 AND message_id IS NULL AND state <> $2`,
			att.ApplicationID, attachmentReplaced)
		if err != nil {
			return err
		}
		sizes := make([]int64, 0, len(existing)+1)
		for _, e := range existing {
			sizes = append(sizes, e.SizeBytes)
		}
		if err := coopdec.CheckAttachmentSizes(append(sizes, att.SizeBytes)); err != nil {
			return err
		}
		if err := insertAttachment(ctx, tx, db, att, state); err != nil {
			return err
		}
		if a.Status == coopdec.ApplicationDraft {
			// The files just listed and the new one are the draft's
			// documents: no need to read them again.
			files := append(existing, storedAttachment{Attachment: *att, State: state})
			if err := db.storeEligibility(ctx, tx, a, files); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, coopdec.AuditAttachmentAdd, applicationSubject(att.ApplicationID),
			att.DocumentCode+" "+att.Name+" sha256:"+att.SHA256)
	})
}

func insertAttachment(ctx context.Context, tx *sql.Tx, db *DB, att *coopdec.Attachment, state string) error {
	att.CreatedAt = db.now()
	return tx.QueryRowContext(ctx, `INSERT INTO application_attachments (application_id, document_code, name,
		media_type, size_bytes, sha256, created_at, state, message_id, correction_id, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		att.ApplicationID, att.DocumentCode, att.Name, att.MediaType, att.SizeBytes, att.SHA256, att.CreatedAt,
		state, nullID(att.MessageID), nullID(att.CorrectionID), nullID(att.UploadedBy)).Scan(&att.ID)
}

// DeleteAttachment removes a file from a draft, or a pending file from a
// correction not answered yet. The blob stays: another application may hold
// the same content, and a submitted version may name it.
func (db *DB) DeleteAttachment(ctx context.Context, applicationID, attachmentID int64, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		a, err := db.loadApplication(ctx, tx, applicationID, true)
		if err != nil {
			return err
		}
		list, err := listAttachments(ctx, tx, `application_id = $1 AND id = $2 AND message_id IS NULL`, applicationID, attachmentID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return errAttachmentNotFound
		}
		att := list[0]
		switch {
		case a.Status == coopdec.ApplicationDraft && att.State == attachmentCurrent:
		case a.Status == coopdec.ApplicationSubmitted && att.State == attachmentPending:
		default:
			return errApplicationNotDraft
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM application_attachments WHERE id = $1`, attachmentID); err != nil {
			return err
		}
		if a.Status == coopdec.ApplicationDraft {
			if err := db.refreshEligibility(ctx, tx, a); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, coopdec.AuditAttachmentDelete, applicationSubject(applicationID),
			att.DocumentCode+" "+att.Name+" sha256:"+att.SHA256)
	})
}

// ListAttachments lists the files of an application as it stands, in the
// order they were added; files sent with an open correction are listed by
// PendingAttachments, message files with their messages.
func (db *DB) ListAttachments(ctx context.Context, applicationID int64) ([]coopdec.Attachment, error) {
	out, err := listAttachments(ctx, db.read, `application_id = $1 AND message_id IS NULL AND state = $2`,
		applicationID, attachmentCurrent)
	return stripState(out), translate(err)
}

// PendingAttachments lists the files sent with a correction request that
// is not answered yet.
func (db *DB) PendingAttachments(ctx context.Context, applicationID int64) ([]coopdec.Attachment, error) {
	out, err := listAttachments(ctx, db.read, `application_id = $1 AND message_id IS NULL AND state = $2`,
		applicationID, attachmentPending)
	return stripState(out), translate(err)
}

// Attachment returns one file of an application, message files and files
// of earlier versions included: whoever may read the application may
// download them.
func (db *DB) Attachment(ctx context.Context, applicationID, attachmentID int64) (*coopdec.Attachment, error) {
	list, err := listAttachments(ctx, db.read, `application_id = $1 AND id = $2`, applicationID, attachmentID)
	if err != nil {
		return nil, translate(err)
	}
	if len(list) == 0 {
		return nil, errAttachmentNotFound
	}
	return &list[0].Attachment, nil
}

type storedAttachment struct {
	coopdec.Attachment
	State string
}

func stripState(list []storedAttachment) []coopdec.Attachment {
	out := make([]coopdec.Attachment, len(list))
	for i, a := range list {
		out[i] = a.Attachment
	}
	return out
}

func listAttachments(ctx context.Context, q querier, where string, args ...any) ([]storedAttachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, application_id, document_code, name, media_type, size_bytes, sha256,
		created_at, state, message_id, correction_id, uploaded_by
		FROM application_attachments WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedAttachment
	for rows.Next() {
		var att storedAttachment
		var message, correction, by sql.NullInt64
		if err := rows.Scan(&att.ID, &att.ApplicationID, &att.DocumentCode, &att.Name, &att.MediaType,
			&att.SizeBytes, &att.SHA256, &att.CreatedAt, &att.State, &message, &correction, &by); err != nil {
			return nil, err
		}
		att.CreatedAt = att.CreatedAt.UTC()
		att.MessageID, att.CorrectionID, att.UploadedBy = message.Int64, correction.Int64, by.Int64
		out = append(out, att)
	}
	return out, rows.Err()
}

// eligibility checks a against its call as it stands: its lead's kind and
// place, its current documents and its partners' confirmations. Overdue
// reports are known to be none: grants and their reports do not exist
// before the decisions on these calls.
func (db *DB) eligibility(ctx context.Context, q querier, a *coopdec.Application, c *coopdec.Call) (coopdec.Eligibility, error) {
	var docs []storedAttachment
	if a.ID != 0 {
		atts, err := listAttachments(ctx, q, `application_id = $1 AND message_id IS NULL AND state = $2`, a.ID, attachmentCurrent)
		if err != nil {
			return coopdec.Eligibility{}, err
		}
		confirmations, err := listConfirmations(ctx, q, a.ID)
		if err != nil {
			return coopdec.Eligibility{}, err
		}
		coopdec.ApplyConfirmations(a, confirmations)
		docs = atts
	}
	return db.eligibilityWith(ctx, q, a, c, docs, nil)
}

// eligibilityWith is eligibility for a caller that has read, in its
// transaction, the application with its confirmations applied (as
// loadApplication does) and its files: only the lead is read, which spares
// a write transaction two queries. Files that are not current are skipped.
func (db *DB) eligibilityWith(ctx context.Context, q querier, a *coopdec.Application, c *coopdec.Call,
	files []storedAttachment, lead *coopdec.Organisation) (coopdec.Eligibility, error) {
	if lead == nil || lead.ID != a.LeadOrganisationID {
		lead = &coopdec.Organisation{}
		err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, a.LeadOrganisationID), lead)
		if errors.Is(err, sql.ErrNoRows) {
			return coopdec.Eligibility{}, errOrgNotFound
		}
		if err != nil {
			return coopdec.Eligibility{}, err
		}
	}
	docs := make([]string, 0, len(files))
	for _, att := range files {
		if att.MessageID == 0 && att.State == attachmentCurrent {
			docs = append(docs, att.DocumentCode)
		}
	}
	overdue := false
	return coopdec.CheckEligibility(c.Rules, c.Themes, a.Facts(lead, &overdue, docs)), nil
}

// Eligibility returns the call's rule-by-rule result for an application as
// it stands.
func (db *DB) Eligibility(ctx context.Context, a *coopdec.Application) (coopdec.Eligibility, error) {
	c, err := db.loadCall(ctx, db.read, a.CallID, false)
	if err != nil {
		return coopdec.Eligibility{}, err
	}
	e, err := db.eligibility(ctx, db.read, a, c)
	return e, translate(err)
}

// refreshEligibility stores a draft's eligibility again after a change
// that is not in its content (a document, a partner's answer).
func (db *DB) refreshEligibility(ctx context.Context, tx *sql.Tx, a *coopdec.Application) error {
	c, err := db.loadCall(ctx, tx, a.CallID, false)
	if err != nil {
		return err
	}
	e, err := db.eligibility(ctx, tx, a, c)
	if err != nil {
		return err
	}
	return updateEligible(ctx, tx, a.ID, e)
}

// updateEligible stores an application's eligibility as the lists read
// it, and writes nothing when it has not changed (most files added or
// removed leave it as it was): the row, whose content spills onto pages
// of its own, is not rewritten for nothing.
func updateEligible(ctx context.Context, tx *sql.Tx, id int64, e coopdec.Eligibility) error {
	_, err := tx.ExecContext(ctx, `UPDATE applications SET eligible = $1 WHERE id = $2 AND eligible IS DISTINCT FROM $1`,
		eligibleColumn(e), id)
	return err
}

// storeEligibility is refreshEligibility for a caller holding a, loaded by
// loadApplication in tx, and its files as they now stand.
func (db *DB) storeEligibility(ctx context.Context, tx *sql.Tx, a *coopdec.Application, files []storedAttachment) error {
	c, err := db.loadCall(ctx, tx, a.CallID, false)
	if err != nil {
		return err
	}
	e, err := db.eligibilityWith(ctx, tx, a, c, files, nil)
	if err != nil {
		return err
	}
	return updateEligible(ctx, tx, a.ID, e)
}
