package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errSubmissionKeyReused = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "submission.key_reused", Field: "idempotency_key"}
	errSubmissionKey       = &coopdec.Error{Code: coopdec.EINVALID, Key: "submission.key_invalid", Field: "idempotency_key"}
	errReceiptNotFound     = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "receipt.not_found"}
	errVersionNotFound     = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "application.version.not_found"}
)

// paris is where receipt numbers' years turn.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is embedded by the binary
	}
	return loc
}()

// SubmitRequest is a submission as the server received it.
type SubmitRequest struct {
	ApplicationID int64
	// Version, when not 0, must be the stored version: the user submits
	// what they saw.
	Version int
	// IdempotencyKey, when set, makes a retry with the same key return the
	// first submission's receipt instead of an error.
	IdempotencyKey string
	// At is when the server received the request; the call must be open
	// then, and it is the submission's time on the receipt.
	At     time.Time
	User   *coopdec.User
	Actor  coopdec.Actor
	Notify func(sub coopdec.Submission, a *coopdec.Application) []Job
}

func validSubmissionKey(k string) bool {
	if len(k) == 0 || len(k) > 200 {
		return false
	}
	for _, r := range k {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// SubmitApplication submits a draft: in one transaction it checks the
// submission (coopdec.CheckSubmission: who, the call open at req.At, a
// complete and eligible application), numbers it, freezes its content as
// version 1 with the hashes of its content and files, and enqueues
// req.Notify's jobs. Concurrent submissions of one application are
// serialised by the row lock (PostgreSQL) or the single writer (SQLite):
// one wins, the others find it submitted.
func (db *DB) SubmitApplication(ctx context.Context, e Enqueuer, req SubmitRequest) (coopdec.Submission, error) {
	req.IdempotencyKey = strings.TrimSpace(req.IdempotencyKey)
	if req.IdempotencyKey != "" && !validSubmissionKey(req.IdempotencyKey) {
		return coopdec.Submission{}, errSubmissionKey
	}
	if req.At.IsZero() {
		req.At = db.now()
	}
	req.At = req.At.UTC().Truncate(time.Microsecond)
	var sub coopdec.Submission
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, req.ApplicationID, true)
		if err != nil {
			return err
		}
		// The key is looked up once the application is locked, so that on
		// PostgreSQL a retry sent while the first request runs (a double
		// click) waits for it and finds its key, rather than the
		// application submitted.
		if req.IdempotencyKey != "" && req.User != nil {
			var appID int64
			err := tx.QueryRowContext(ctx, `SELECT application_id FROM submission_keys WHERE user_id = $1 AND key = $2`,
				req.User.ID, req.IdempotencyKey).Scan(&appID)
			switch {
			case err == nil && appID != req.ApplicationID:
				return errSubmissionKeyReused
			case err == nil:
				r, _, err := loadReceipt(ctx, tx, appID)
				if err != nil {
					return err
				}
				sub = coopdec.Submission{ApplicationID: appID, Receipt: r, Replayed: true}
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		c, err := db.loadCall(ctx, tx, a.CallID, false)
		if err != nil {
			return err
		}
		// One reading of the files serves the eligibility and the version;
		// loadApplication has applied the partners' confirmations.
		atts, err := listAttachments(ctx, tx, `application_id = $1 AND message_id IS NULL AND state = $2`, a.ID, attachmentCurrent)
		if err != nil {
			return err
		}
		elig, err := db.eligibilityWith(ctx, tx, a, c, atts, nil)
		if err != nil {
			return err
		}
		if err := coopdec.CheckSubmission(req.User, a, c, req.At, elig); err != nil {
			return err
		}
		if req.Version != 0 && req.Version != a.Version {
			return errApplicationChanged
		}
		files := stripState(atts)
		a.SubmittedAt = req.At
		// The receipt's hash and the version's encoding do not depend on
		// the number, drawn below.
		r, err := coopdec.NewReceipt("", a, attachmentHashes(files))
		if err != nil {
			return err
		}
		content, err := newVersionContent(a, files, r.ContentSHA256)
		if err != nil {
			return err
		}
		// From here on the statements take locks others wait for on
		// PostgreSQL (the call's receipt counter, then the audit trail's
		// head), so they come last, with nothing slow between them.
		year := req.At.In(paris).Year()
		var seq int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO receipt_counters (call_id, year, last) VALUES ($1, $2, 1)
			ON CONFLICT (call_id, year) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last`,
			c.ID, year).Scan(&seq); err != nil {
			return err
		}
		r.Number = coopdec.ReceiptNumber(c.Reference, seq, year)
		res, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, submitted_at = $2, receipt_number = $3,
			content_sha256 = $4, version = version + 1, updated_at = $5, eligible = $6 WHERE id = $7 AND status = $8`,
			string(coopdec.ApplicationSubmitted), req.At, r.Number, r.ContentSHA256, db.now(), eligibleColumn(elig),
			a.ID, string(coopdec.ApplicationDraft))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errApplicationNotDraft
		}
		a.Status, a.ReceiptNumber, a.Version = coopdec.ApplicationSubmitted, r.Number, a.Version+1
		if err := content.insert(ctx, tx, a.ID, 1, req.Actor.UserID, 0, req.At); err != nil {
			return err
		}
		if req.IdempotencyKey != "" && req.User != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO submission_keys (user_id, key, application_id, created_at)
				VALUES ($1, $2, $3, $4)`, req.User.ID, req.IdempotencyKey, a.ID, db.now())
			if isConflict(err) {
				return errSubmissionKeyReused // by a concurrent submission of another application
			}
			if err != nil {
				return err
			}
		}
		sub = coopdec.Submission{ApplicationID: a.ID, Receipt: r}
		if req.Notify != nil {
			if err := enqueue(req.Notify(sub, a)...); err != nil {
				return err
			}
		}
		// Last: on PostgreSQL the trail's lock is then held only for its
		// own two statements and the commit.
		return db.audit(ctx, tx, req.Actor, coopdec.AuditApplicationSubmit, applicationSubject(a.ID),
			r.Number+" sha256:"+r.ContentSHA256)
	})
	return sub, err
}

func attachmentHashes(files []coopdec.Attachment) []coopdec.AttachmentHash {
	out := make([]coopdec.AttachmentHash, len(files))
	for i, f := range files {
		out[i] = coopdec.AttachmentHash{Name: f.Name, SHA256: f.SHA256}
	}
	return out
}

// insertVersion keeps a version of a submitted application whole.
func (db *DB) insertVersion(ctx context.Context, tx *sql.Tx, a *coopdec.Application, number int, author, correction int64,
	files []coopdec.Attachment, at time.Time) error {
	h, err := coopdec.ContentHash(a)
	if err != nil {
		return err
	}
	v, err := newVersionContent(a, files, h)
	if err != nil {
		return err
	}
	return v.insert(ctx, tx, a.ID, number, author, correction, at)
}

// versionContent is a version as stored: its content leaves out what a
// submission changes (status, version, receipt number), so it can be
// encoded before the statements that change them. sha256 is
// coopdec.ContentHash of the application.
type versionContent struct {
	content, files, sha256 string
}

func newVersionContent(a *coopdec.Application, files []coopdec.Attachment, sha256 string) (versionContent, error) {
	content, err := marshalApplicationContent(a)
	if err != nil {
		return versionContent{}, err
	}
	if files == nil {
		files = []coopdec.Attachment{}
	}
	b, err := json.Marshal(files)
	if err != nil {
		return versionContent{}, err
	}
	return versionContent{content: content, files: string(b), sha256: sha256}, nil
}

func (v versionContent) insert(ctx context.Context, tx *sql.Tx, appID int64, number int, author, correction int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO application_versions (application_id, number, at, author_id, correction_id,
		content, attachments, content_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		appID, number, at, nullID(author), nullID(correction), v.content, v.files, v.sha256)
	return err
}

// ApplicationVersions lists the kept versions of a submitted application,
// the submission first.
func (db *DB) ApplicationVersions(ctx context.Context, appID int64) ([]coopdec.ApplicationVersion, error) {
	list, err := listVersions(ctx, db.read, appID, 0)
	return list, translate(err)
}

// ApplicationVersion returns one kept version.
func (db *DB) ApplicationVersion(ctx context.Context, appID int64, number int) (*coopdec.ApplicationVersion, error) {
	list, err := listVersions(ctx, db.read, appID, number)
	if err != nil {
		return nil, translate(err)
	}
	if len(list) == 0 {
		return nil, errVersionNotFound
	}
	return &list[0], nil
}

func listVersions(ctx context.Context, q querier, appID int64, number int) ([]coopdec.ApplicationVersion, error) {
	query := `SELECT v.number, v.at, v.author_id, v.correction_id, v.content, v.attachments, v.content_sha256,
		a.call_id, a.lead_organisation_id, a.submitted_at, a.receipt_number
		FROM application_versions v JOIN applications a ON a.id = v.application_id WHERE v.application_id = $1`
	args := []any{appID}
	if number > 0 {
		query += ` AND v.number = $2`
		args = append(args, number)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY v.number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.ApplicationVersion
	for rows.Next() {
		var v coopdec.ApplicationVersion
		var author, correction sql.NullInt64
		var content, files string
		var submitted sql.NullTime
		var receipt sql.NullString
		a := &v.Application
		if err := rows.Scan(&v.Number, &v.At, &author, &correction, &content, &files, &v.ContentSHA256,
			&a.CallID, &a.LeadOrganisationID, &submitted, &receipt); err != nil {
			return nil, err
		}
		v.ApplicationID, a.ID = appID, appID
		v.At, v.AuthorID, v.CorrectionID = v.At.UTC(), author.Int64, correction.Int64
		a.Status, a.Version, a.SubmittedAt, a.ReceiptNumber = coopdec.ApplicationSubmitted, v.Number, fromNullTime(submitted), receipt.String
		if err := unmarshalApplicationContent(content, a); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(files), &v.Attachments); err != nil {
			return nil, fmt.Errorf("application %d version %d: unable to read its files: %w", appID, v.Number, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ApplicationReceipt returns the receipt of a submitted application.
func (db *DB) ApplicationReceipt(ctx context.Context, appID int64) (coopdec.Receipt, error) {
	r, _, err := loadReceipt(ctx, db.read, appID)
	return r, translate(err)
}

// SubmittedReceipt returns the receipt of a submitted application and the
// submitted version (version 1) it was read from.
func (db *DB) SubmittedReceipt(ctx context.Context, appID int64) (coopdec.Receipt, *coopdec.ApplicationVersion, error) {
	r, v, err := loadReceipt(ctx, db.read, appID)
	return r, v, translate(err)
}

func loadReceipt(ctx context.Context, q querier, appID int64) (r coopdec.Receipt, v *coopdec.ApplicationVersion, err error) {
	var number, sum sql.NullString
	var submitted sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT receipt_number, content_sha256, submitted_at FROM applications WHERE id = $1`,
		appID).Scan(&number, &sum, &submitted)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !number.Valid {
		return r, nil, errReceiptNotFound
	}
	if err != nil {
		return r, nil, err
	}
	versions, err := listVersions(ctx, q, appID, 1)
	if err != nil {
		return r, nil, err
	}
	if len(versions) == 0 {
		return r, nil, errReceiptNotFound
	}
	r = coopdec.Receipt{Number: number.String, ContentSHA256: sum.String,
		SubmittedAt: fromNullTime(submitted).Truncate(time.Second), Attachments: attachmentHashes(versions[0].Attachments)}
	r.Attachments = sortedHashes(r.Attachments)
	return r, &versions[0], nil
}

// sortedHashes puts hashes in NewReceipt's order: by name, then hash.
func sortedHashes(list []coopdec.AttachmentHash) []coopdec.AttachmentHash {
	slices.SortFunc(list, func(x, y coopdec.AttachmentHash) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.SHA256, y.SHA256))
	})
	return list
}

// SubmittedVersion returns the submitted version (version 1) of the
// application a receipt number names, to check a receipt against.
func (db *DB) SubmittedVersion(ctx context.Context, receiptNumber string) (*coopdec.ApplicationVersion, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM applications WHERE receipt_number = $1`,
		strings.ToUpper(strings.TrimSpace(receiptNumber))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errReceiptNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return db.ApplicationVersion(ctx, id, 1)
}

// WithdrawApplication withdraws a draft or a submitted application for a
// reason; an open correction request is cancelled with it. notify, given
// the application as withdrawn, builds the jobs that tell the call's
// managers.
func (db *DB) WithdrawApplication(ctx context.Context, e Enqueuer, u *coopdec.User, appID int64, reason string, actor coopdec.Actor,
	notify func(a *coopdec.Application) []Job) error {
	reason = strings.TrimSpace(reason)
	if err := coopdec.CheckWithdrawal(reason); err != nil {
		return err
	}
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, appID, true)
		if err != nil {
			return err
		}
		if !coopdec.CanWithdrawApplication(u, a) {
			if a.Status == coopdec.ApplicationWithdrawn {
				return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "application.withdrawn"}
			}
			return coopdec.Errorf(coopdec.EFORBIDDEN, "application.forbidden")
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, withdrawn_at = $2, withdrawal_reason = $3,
			version = version + 1, updated_at = $2 WHERE id = $4`,
			string(coopdec.ApplicationWithdrawn), now, reason, appID); err != nil {
			return err
		}
		// As CancelCorrection does, the files sent for it go with it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM application_attachments WHERE application_id = $1 AND state = $2`,
			appID, attachmentPending); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE correction_requests SET status = $1 WHERE application_id = $2 AND status = $3`,
			string(coopdec.CorrectionCancelled), appID, string(coopdec.CorrectionOpen)); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditApplicationWithdraw, applicationSubject(appID), reason); err != nil {
			return err
		}
		a.Status, a.WithdrawnAt, a.WithdrawalReason, a.Version, a.UpdatedAt = coopdec.ApplicationWithdrawn, now, reason, a.Version+1, now
		if notify != nil {
			return enqueue(notify(a)...)
		}
		return nil
	})
}
