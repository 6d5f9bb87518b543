package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errApplicationNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "application.not_found"}
	errApplicationChanged  = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "application.changed"}
	errApplicationNotDraft = &coopdec.Error{Code: coopdec.ECONFLICT, Key: "application.not_draft"}
)

func applicationSubject(id int64) string { return "application:" + strconv.FormatInt(id, 10) }

// applicationContent is what the content column holds: the parts of an
// application its authors edit, read and written whole.
type applicationContent struct {
	Texts                map[string]coopdec.ApplicationText
	Themes               []string
	Countries            []string
	Places               []string
	Activities           []coopdec.Activity
	DurationMonths       int
	Results              []coopdec.Result
	Partners             []coopdec.Partner
	BeneficiaryCountries []string
	Budget               coopdec.Budget
}

func marshalApplicationContent(a *coopdec.Application) (string, error) {
	b, err := json.Marshal(applicationContent{
		Texts: a.Texts, Themes: a.Themes, Countries: a.Countries, Places: a.Places,
		Activities: a.Activities, DurationMonths: a.DurationMonths, Results: a.Results,
		Partners: a.Partners, BeneficiaryCountries: a.BeneficiaryCountries, Budget: a.Budget,
	})
	if err != nil {
		return "", fmt.Errorf("unable to write the application's content: %w", err)
	}
	return string(b), nil
}

func unmarshalApplicationContent(s string, a *coopdec.Application) error {
	var c applicationContent
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return fmt.Errorf("application %d: unable to read its content: %w", a.ID, err)
	}
	a.Texts, a.Themes, a.Countries, a.Places = c.Texts, c.Themes, c.Countries, c.Places
	a.Activities, a.DurationMonths, a.Results = c.Activities, c.DurationMonths, c.Results
	a.Partners, a.BeneficiaryCountries, a.Budget = c.Partners, c.BeneficiaryCountries, c.Budget
	if a.Texts == nil {
		a.Texts = map[string]coopdec.ApplicationText{}
	}
	return nil
}

// CreateApplication validates a new application as a draft (ValidateDraft,
// against its call) and stores it at version 1. Whether the actor may
// create it (coopdec.CanCreateApplication) is the caller's to check.
func (db *DB) CreateApplication(ctx context.Context, a *coopdec.Application, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, err := db.loadCall(ctx, tx, a.CallID, false)
		if err != nil {
			return err
		}
		a.Status, a.Version = coopdec.ApplicationDraft, 1
		if err := a.ValidateDraft(c); err != nil {
			return err
		}
		content, err := marshalApplicationContent(a)
		if err != nil {
			return err
		}
		a.CreatedAt = db.now()
		a.UpdatedAt, a.SubmittedAt = a.CreatedAt, time.Time{}
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (call_id, lead_organisation_id, status, version,
			content, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			a.CallID, a.LeadOrganisationID, string(a.Status), a.Version, content, a.CreatedAt, a.UpdatedAt).Scan(&a.ID)
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditApplicationCreate, applicationSubject(a.ID), callSubject(a.CallID))
	})
}

const applicationColumns = `id, call_id, lead_organisation_id, status, version, content, created_at, updated_at, submitted_at`

func scanApplication(row interface{ Scan(...any) error }, a *coopdec.Application) error {
	var content string
	var submitted sql.NullTime
	if err := row.Scan(&a.ID, &a.CallID, &a.LeadOrganisationID, &a.Status, &a.Version, &content,
		&a.CreatedAt, &a.UpdatedAt, &submitted); err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt, a.SubmittedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC(), fromNullTime(submitted)
	return unmarshalApplicationContent(content, a)
}

// Application returns an application with its content. Whether the reader
// may see it (coopdec.CanViewApplication) is the caller's to check.
func (db *DB) Application(ctx context.Context, id int64) (*coopdec.Application, error) {
	return db.loadApplication(ctx, db.read, id, false)
}

func (db *DB) loadApplication(ctx context.Context, q querier, id int64, forUpdate bool) (*coopdec.Application, error) {
	query := `SELECT ` + applicationColumns + ` FROM applications WHERE id = $1`
	if forUpdate && db.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	a := &coopdec.Application{}
	err := scanApplication(q.QueryRowContext(ctx, query, id), a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errApplicationNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return a, nil
}

// UpdateApplicationDraft stores a draft's new content (its call, lead
// organisation and status are not changed here). It is a compare-and-set on
// the version: a.Version must be the stored one, else another change came
// first and it fails with ECONFLICT "application.changed", so that nothing
// is overwritten unseen; on success a.Version is the new version. A
// submitted or withdrawn application is refused (ECONFLICT
// "application.not_draft").
func (db *DB) UpdateApplicationDraft(ctx context.Context, a *coopdec.Application, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := db.loadApplication(ctx, tx, a.ID, false)
		if err != nil {
			return err
		}
		if old.Status != coopdec.ApplicationDraft {
			return errApplicationNotDraft
		}
		if a.Version != old.Version {
			return errApplicationChanged
		}
		c, err := db.loadCall(ctx, tx, old.CallID, false)
		if err != nil {
			return err
		}
		next := *a
		next.CallID, next.LeadOrganisationID, next.Status = old.CallID, old.LeadOrganisationID, old.Status
		if err := next.ValidateDraft(c); err != nil {
			return err
		}
		content, err := marshalApplicationContent(&next)
		if err != nil {
			return err
		}
		now := db.now()
		// The version in the WHERE clause is what makes this safe: on
		// PostgreSQL a concurrent update that committed first leaves no row
		// at this version, so this one changes nothing.
		res, err := tx.ExecContext(ctx, `UPDATE applications SET content = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND version = $4 AND status = $5`,
			content, now, a.ID, a.Version, string(coopdec.ApplicationDraft))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errApplicationChanged
		}
		next.Version++
		next.CreatedAt, next.UpdatedAt, next.SubmittedAt = old.CreatedAt, now, old.SubmittedAt
		if err := db.audit(ctx, tx, actor, coopdec.AuditApplicationUpdate, applicationSubject(a.ID), "version "+strconv.Itoa(next.Version)); err != nil {
			return err
		}
		*a = next
		return nil
	})
}

// ListApplicationsByOrganisation lists the applications led by an
// organisation, the most recently changed first.
func (db *DB) ListApplicationsByOrganisation(ctx context.Context, orgID int64, page coopdec.Page) ([]coopdec.Application, coopdec.Page, error) {
	if page.PerPage <= 0 {
		page = coopdec.NewPage(page.Page, page.PerPage)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM applications WHERE lead_organisation_id = $1`,
		orgID).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications
		WHERE lead_organisation_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2 OFFSET $3`,
		orgID, page.PerPage, page.Offset())
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Application
	for rows.Next() {
		var a coopdec.Application
		if err := scanApplication(rows, &a); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, a)
	}
	return out, page, translate(rows.Err())
}

// ApplicationAttachment describes a file attached to an application; the
// file itself is a content-addressed blob named by SHA256, stored apart.
type ApplicationAttachment struct {
	ID            int64
	ApplicationID int64
	DocumentCode  string // what the file is, e.g. "council_deliberation", "budget"
	Name          string // file name, as coopdec.SafeFilename makes it
	MediaType     string
	SizeBytes     int64
	SHA256        string // lower-case hexadecimal
	CreatedAt     time.Time
}

var (
	documentCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	sha256RE       = regexp.MustCompile(`^[0-9a-f]{64}$`)
	mediaTypeRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$`)
)

func (att *ApplicationAttachment) validate() error {
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

// AddAttachment records a file attached to a draft application; the blob
// must be stored already. The application's files together must stay
// within coopdec.CheckAttachmentSizes's limits.
func (db *DB) AddAttachment(ctx context.Context, att *ApplicationAttachment, actor coopdec.Actor) error {
	if err := att.validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Locked on PostgreSQL, so that two files added at once are
		// counted together against the limits.
		a, err := db.loadApplication(ctx, tx, att.ApplicationID, true)
		if err != nil {
			return err
		}
		if a.Status != coopdec.ApplicationDraft {
			return errApplicationNotDraft
		}
		existing, err := listAttachments(ctx, tx, att.ApplicationID)
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
		att.CreatedAt = db.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO application_attachments (application_id, document_code, name,
			media_type, size_bytes, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			att.ApplicationID, att.DocumentCode, att.Name, att.MediaType, att.SizeBytes, att.SHA256, att.CreatedAt).Scan(&att.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditAttachmentAdd, applicationSubject(att.ApplicationID),
			att.DocumentCode+" "+att.Name+" sha256:"+att.SHA256)
	})
}

// ListAttachments lists an application's attachments in the order they
// were added.
func (db *DB) ListAttachments(ctx context.Context, applicationID int64) ([]ApplicationAttachment, error) {
	out, err := listAttachments(ctx, db.read, applicationID)
	return out, translate(err)
}

func listAttachments(ctx context.Context, q querier, applicationID int64) ([]ApplicationAttachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, application_id, document_code, name, media_type, size_bytes, sha256, created_at
		FROM application_attachments WHERE application_id = $1 ORDER BY id`, applicationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ApplicationAttachment
	for rows.Next() {
		var att ApplicationAttachment
		if err := rows.Scan(&att.ID, &att.ApplicationID, &att.DocumentCode, &att.Name, &att.MediaType,
			&att.SizeBytes, &att.SHA256, &att.CreatedAt); err != nil {
			return nil, err
		}
		att.CreatedAt = att.CreatedAt.UTC()
		out = append(out, att)
	}
	return out, rows.Err()
}
