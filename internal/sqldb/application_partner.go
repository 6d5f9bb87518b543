package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
)

// PartnerInvitationTTL is how long a partner's invitation link works: long
// enough for a foreign administration to get its answer signed.
const PartnerInvitationTTL = 30 * 24 * time.Hour

var (
	errConfirmationNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "confirmation.not_found"}
	errConfirmationExpired  = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "confirmation.expired"}
	errConfirmationAnswered = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "confirmation.answered"}
	errConfirmationLapsed   = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "confirmation.lapsed"}
)

// InvitePartner records an invitation to the partner at index partner of
// the draft's consortium. The secret token of its link goes only to
// notify, which builds the jobs that send the invitation in the same
// transaction; only its hash is stored. The draft's version must be the
// stored one, so that the partner is shown what its author saw. Whether
// the actor may change the application is the caller's to check.
func (db *DB) InvitePartner(ctx context.Context, e Enqueuer, appID int64, version, partner int, email, lang string,
	actor coopdec.Actor, notify func(pc *coopdec.PartnerConfirmation, a *coopdec.Application, token string) []Job) (*coopdec.PartnerConfirmation, error) {
	email = strings.TrimSpace(email)
	var errs coopdec.Errors
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 254 {
		errs = append(errs, coopdec.FieldError("email", "confirmation.email.invalid"))
	}
	if !coopdec.ValidLanguage(lang) {
		errs = append(errs, coopdec.FieldError("language", "confirmation.language.invalid"))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var pc *coopdec.PartnerConfirmation
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		a, err := db.loadApplication(ctx, tx, appID, true)
		if err != nil {
			return err
		}
		if a.Status != coopdec.ApplicationDraft {
			return errApplicationNotDraft
		}
		if version != 0 && version != a.Version {
			return errApplicationChanged
		}
		if partner < 0 || partner >= len(a.Partners) || a.Partners[partner].Role == coopdec.RoleLeadPartner {
			return coopdec.FieldError("partner", "confirmation.partner.invalid")
		}
		entry := a.Partners[partner]
		entry.Confirmed = false
		if entry.Name == "" || entry.Country == "" {
			return coopdec.FieldError("partner", "confirmation.partner.incomplete")
		}
		b, err := json.Marshal(entry)
		if err != nil {
			return err
		}
		token, hash := newToken("pc_")
		now := db.now()
		pc = &coopdec.PartnerConfirmation{ApplicationID: appID, PartnerEntry: entry, Email: email, Language: lang,
			Status: coopdec.ConfirmationPending, InvitedBy: actor.UserID, CreatedAt: now, ExpiresAt: now.Add(PartnerInvitationTTL)}
		if err := tx.QueryRowContext(ctx, `INSERT INTO partner_confirmations (application_id, token_hash, entry, email,
			language, status, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			appID, hash, string(b), email, lang, string(pc.Status), nullID(actor.UserID), now, pc.ExpiresAt).Scan(&pc.ID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditPartnerInvite, applicationSubject(appID),
			fmt.Sprintf("%s (%s) %s", entry.Name, entry.Country, email)); err != nil {
			return err
		}
		if notify != nil {
			return enqueue(notify(pc, a, token)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pc, nil
}

// PartnerConfirmationByToken returns the invitation a link's token names
// and its application, for the partner's page. An expired link is still
// returned, with the status it had, so that the page can say it expired.
func (db *DB) PartnerConfirmationByToken(ctx context.Context, token string) (*coopdec.PartnerConfirmation, *coopdec.Application, error) {
	list, err := scanConfirmations(db.read.QueryContext(ctx, `SELECT `+confirmationColumns+`
		FROM partner_confirmations WHERE token_hash = $1`, hashToken(token)))
	if err != nil {
		return nil, nil, translate(err)
	}
	if len(list) == 0 {
		return nil, nil, errConfirmationNotFound
	}
	a, err := db.Application(ctx, list[0].ApplicationID)
	if err != nil {
		return nil, nil, err
	}
	return &list[0], a, nil
}

// RespondPartnerConfirmation records a partner's answer through its link:
// confirmed or declined, with its representative's name and a comment.
// The link works once, until it expires, while the application is a draft
// that still declares the partner as it was shown. notify builds the jobs
// that tell the applicant.
func (db *DB) RespondPartnerConfirmation(ctx context.Context, e Enqueuer, token string, status coopdec.ConfirmationStatus,
	representative, comment string, actor coopdec.Actor,
	notify func(pc *coopdec.PartnerConfirmation, a *coopdec.Application) []Job) (*coopdec.PartnerConfirmation, error) {
	representative, comment = strings.TrimSpace(representative), strings.TrimSpace(comment)
	var errs coopdec.Errors
	if status != coopdec.ConfirmationConfirmed && status != coopdec.ConfirmationDeclined {
		errs = append(errs, coopdec.FieldError("status", "confirmation.status.invalid"))
	}
	switch {
	case representative == "":
		errs = append(errs, coopdec.FieldError("representative", "confirmation.representative.required"))
	case !utf8.ValidString(representative) || utf8.RuneCountInString(representative) > 200:
		errs = append(errs, coopdec.FieldError("representative", "confirmation.representative.invalid"))
	}
	switch {
	case !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > 4000:
		errs = append(errs, coopdec.FieldError("comment", "confirmation.comment.too_long", 4000))
	case comment == "" && status == coopdec.ConfirmationDeclined:
		errs = append(errs, coopdec.FieldError("comment", "confirmation.comment.required"))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var pc *coopdec.PartnerConfirmation
	err := db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		list, err := scanConfirmations(tx.QueryContext(ctx, `SELECT `+confirmationColumns+`
			FROM partner_confirmations WHERE token_hash = $1`, hashToken(token)))
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return errConfirmationNotFound
		}
		pc = &list[0]
		a, err := db.loadApplication(ctx, tx, pc.ApplicationID, true)
		if err != nil {
			return err
		}
		now := db.now()
		switch {
		case pc.Status != coopdec.ConfirmationPending:
			return errConfirmationAnswered
		case !now.Before(pc.ExpiresAt):
			return errConfirmationExpired
		case a.Status != coopdec.ApplicationDraft:
			return errApplicationNotDraft
		}
		// The application must still declare the partner as it was shown.
		if !slices.ContainsFunc(a.Partners, func(p coopdec.Partner) bool { return coopdec.SamePartnerEntry(p, pc.PartnerEntry) }) {
			return errConfirmationLapsed
		}
		res, err := tx.ExecContext(ctx, `UPDATE partner_confirmations SET status = $1, representative = $2, comment = $3,
			responded_at = $4 WHERE id = $5 AND status = $6`,
			string(status), representative, comment, now, pc.ID, string(coopdec.ConfirmationPending))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errConfirmationAnswered
		}
		pc.Status, pc.Representative, pc.Comment, pc.RespondedAt = status, representative, comment, now
		if err := db.refreshEligibility(ctx, tx, a); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, coopdec.AuditPartnerRespond, applicationSubject(a.ID),
			fmt.Sprintf("%s %s: %s", pc.PartnerEntry.Name, status, representative)); err != nil {
			return err
		}
		if notify != nil {
			return enqueue(notify(pc, a)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pc, nil
}

// ListPartnerConfirmations lists an application's invitations, oldest first.
func (db *DB) ListPartnerConfirmations(ctx context.Context, appID int64) ([]coopdec.PartnerConfirmation, error) {
	list, err := listConfirmations(ctx, db.read, appID)
	return list, translate(err)
}

const confirmationColumns = `id, application_id, entry, email, language, status, representative, comment,
	invited_by, created_at, expires_at, responded_at`

func listConfirmations(ctx context.Context, q querier, appID int64) ([]coopdec.PartnerConfirmation, error) {
	return scanConfirmations(q.QueryContext(ctx, `SELECT `+confirmationColumns+`
		FROM partner_confirmations WHERE application_id = $1 ORDER BY id`, appID))
}

func scanConfirmations(rows *sql.Rows, err error) ([]coopdec.PartnerConfirmation, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coopdec.PartnerConfirmation
	for rows.Next() {
		var pc coopdec.PartnerConfirmation
		var entry string
		var by sql.NullInt64
		var responded sql.NullTime
		if err := rows.Scan(&pc.ID, &pc.ApplicationID, &entry, &pc.Email, &pc.Language, &pc.Status, &pc.Representative,
			&pc.Comment, &by, &pc.CreatedAt, &pc.ExpiresAt, &responded); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(entry), &pc.PartnerEntry); err != nil {
			return nil, errors.Join(fmt.Errorf("partner confirmation %d: unable to read its entry", pc.ID), err)
		}
		pc.InvitedBy, pc.RespondedAt = by.Int64, fromNullTime(responded)
		pc.CreatedAt, pc.ExpiresAt = pc.CreatedAt.UTC(), pc.ExpiresAt.UTC()
		out = append(out, pc)
	}
	return out, rows.Err()
}
