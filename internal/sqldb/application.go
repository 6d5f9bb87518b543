package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
	c, ok := contentMemo.get(s)
	if !ok {
		if err := json.Unmarshal([]byte(s), &c); err != nil {
			return fmt.Errorf("application %d: unable to read its content: %w", a.ID, err)
		}
		contentMemo.put(s, c)
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
		// Partners confirm through their links, never by the applicant's say.
		coopdec.ApplyConfirmations(a, nil)
		if err := a.ValidateDraft(c); err != nil {
			return err
		}
		content, err := marshalApplicationContent(a)
		if err != nil {
			return err
		}
		a.CreatedAt = db.now()
		a.UpdatedAt, a.SubmittedAt = a.CreatedAt, time.Time{}
		elig, err := db.eligibility(ctx, tx, a, c)
		if err != nil {
			return err
		}
		title, countries, themes := listColumns(a)
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (call_id, lead_organisation_id, status, version,
			content, created_at, updated_at, title, countries, themes, eligible)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			a.CallID, a.LeadOrganisationID, string(a.Status), a.Version, content, a.CreatedAt, a.UpdatedAt,
			title, countries, themes, eligibleColumn(elig)).Scan(&a.ID)
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditApplicationCreate, applicationSubject(a.ID), callSubject(a.CallID))
	})
}

const applicationColumns = `id, call_id, lead_organisation_id, status, version, content, created_at, updated_at,
	submitted_at, withdrawn_at, withdrawal_reason, receipt_number`

func scanApplication(row interface{ Scan(...any) error }, a *coopdec.Application) error {
	var content string
	var submitted, withdrawn sql.NullTime
	var receipt sql.NullString
	if err := row.Scan(&a.ID, &a.CallID, &a.LeadOrganisationID, &a.Status, &a.Version, &content,
		&a.CreatedAt, &a.UpdatedAt, &submitted, &withdrawn, &a.WithdrawalReason, &receipt); err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt, a.SubmittedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC(), fromNullTime(submitted)
	a.WithdrawnAt, a.ReceiptNumber = fromNullTime(withdrawn), receipt.String
	return unmarshalApplicationContent(content, a)
}

// listColumns returns what officers' lists filter on: the French title,
// folded (coopdec.Fold) so that a search finds it the same way on both
// databases, and the countries and themes as ",MA,TN," for a LIKE to find
// one.
func listColumns(a *coopdec.Application) (title, countries, themes string) {
	title = a.Texts["fr"].Title
	if title == "" {
		for _, l := range coopdec.Languages {
			if t := a.Texts[l].Title; t != "" {
				title = t
				break
			}
		}
	}
	return coopdec.Fold(title), codeList(a.Countries), codeList(a.Themes)
}

func codeList(codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	return "," + strings.Join(codes, ",") + ","
}

// eligibleColumn is the eligibility as the lists store it: false as soon
// as a rule failed, since no fact to come makes it pass; otherwise NULL
// while a rule waits for a fact.
func eligibleColumn(e coopdec.Eligibility) sql.NullBool {
	switch {
	case len(e.Failed()) > 0:
		return sql.NullBool{Bool: false, Valid: true}
	case len(e.Unknown()) > 0:
		return sql.NullBool{}
	}
	return sql.NullBool{Bool: true, Valid: true}
}

// Application returns an application with its content. Whether the reader
// may see it (coopdec.CanViewApplication) is the caller's to check.
func (db *DB) Application(ctx context.Context, id int64) (*coopdec.Application, error) {
	return db.loadApplication(ctx, db.read, id, false)
}

// ApplicationHead is what the access to an application is decided on
// before its content is needed.
type ApplicationHead struct {
	ID, CallID, LeadOrganisationID int64
	Status                         coopdec.ApplicationStatus
}

// ApplicationHead reads an application's call, lead organisation and
// status: the first columns of its row, without its content (which
// spills onto pages of its own), its partners' invitations or its files.
// ENOTFOUND when there is no such application; who may see it is the
// caller's to check.
func (db *DB) ApplicationHead(ctx context.Context, id int64) (ApplicationHead, error) {
	h := ApplicationHead{ID: id}
	err := db.read.QueryRowContext(ctx, `SELECT call_id, lead_organisation_id, status FROM applications WHERE id = $1`, id).
		Scan(&h.CallID, &h.LeadOrganisationID, &h.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return h, errApplicationNotFound
	}
	return h, translate(err)
}

// ApplicationWithInvitations is Application with the partners'
// invitations it read to tell which partners confirmed, for a page that
// shows them (ApplicationFacts).
func (db *DB) ApplicationWithInvitations(ctx context.Context, id int64) (*coopdec.Application, []coopdec.PartnerConfirmation, error) {
	return db.loadApplicationWith(ctx, db.read, id, false)
}

func (db *DB) loadApplication(ctx context.Context, q querier, id int64, forUpdate bool) (*coopdec.Application, error) {
	a, _, err := db.loadApplicationWith(ctx, q, id, forUpdate)
	return a, err
}

func (db *DB) loadApplicationWith(ctx context.Context, q querier, id int64, forUpdate bool) (*coopdec.Application, []coopdec.PartnerConfirmation, error) {
	query := `SELECT ` + applicationColumns + ` FROM applications WHERE id = $1`
	if forUpdate && db.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	a := &coopdec.Application{}
	err := scanApplication(q.QueryRowContext(ctx, query, id), a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errApplicationNotFound
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	confirmations, err := listConfirmations(ctx, q, id)
	if err != nil {
		return nil, nil, translate(err)
	}
	coopdec.ApplyConfirmations(a, confirmations)
	return a, confirmations, nil
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
		elig, err := db.eligibility(ctx, tx, &next, c)
		if err != nil {
			return err
		}
		title, countries, themes := listColumns(&next)
		// The version in the WHERE clause is what makes this safe: on
		// PostgreSQL a concurrent update that committed first leaves no row
		// at this version, so this one changes nothing.
		res, err := tx.ExecContext(ctx, `UPDATE applications SET content = $1, version = version + 1, updated_at = $2,
			title = $3, countries = $4, themes = $5, eligible = $6
			WHERE id = $7 AND version = $8 AND status = $9`,
			content, now, title, countries, themes, eligibleColumn(elig), a.ID, a.Version, string(coopdec.ApplicationDraft))
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
		next.WithdrawnAt, next.WithdrawalReason = old.WithdrawnAt, old.WithdrawalReason
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
