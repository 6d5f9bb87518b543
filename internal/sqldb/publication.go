package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errDecisionNotPublished = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "decision.not_published"}

// decisionListMax bounds the decisions listed for one call: a call has a
// handful, a new version replacing a rejected one in place.
const decisionListMax = 100

// DecisionNotice is what the applicants of a final decision are told, as
// the transaction that makes it final reads it.
type DecisionNotice struct {
	Call        *coopdec.Call
	Decision    *coopdec.Decision
	Grid        *coopdec.Grid // nil when the call has no evaluation grid
	PublishedAt time.Time
	Items       []NoticeItem // in the decision's order
}

// NoticeItem is one application of a final decision with what its lead's
// members are told.
type NoticeItem struct {
	Entry       coopdec.DecisionEntry
	Application *coopdec.Application
	Consensus   *coopdec.Consensus // nil when none was recorded
	Team        []DraftHolder      // the lead organisation's members
}

// DecisionSummary is a decision as a call's list shows it.
type DecisionSummary struct {
	coopdec.Decision
	Status      coopdec.DecisionStatus
	PublishedAt time.Time // zero until final
}

// publishDecision records that d, final, is published at at.
func (db *DB) publishDecision(ctx context.Context, tx *sql.Tx, c *coopdec.Call, d *coopdec.Decision, by int64,
	actor coopdec.Actor, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO decision_publications (decision_id, call_id, version, published_by,
		published_at) VALUES ($1, $2, $3, $4, $5)`, d.ID, c.ID, d.Version, nullID(by), at); err != nil {
		return err
	}
	if err := db.indexFundedProjects(ctx, tx, c, d, at); err != nil {
		return err
	}
	main := 0
	for _, e := range d.Entries {
		if e.List == coopdec.ListMain {
			main++
		}
	}
	return db.audit(ctx, tx, actor, coopdec.AuditDecisionPublish, decisionSubject(d.ID),
		callSubject(c.ID)+" version "+strconv.Itoa(d.Version)+": "+strconv.Itoa(len(d.Entries))+" applications, "+
			strconv.Itoa(main)+" selected")
}

// decisionNotice reads, within tx, what d's applicants are told.
func (db *DB) decisionNotice(ctx context.Context, tx *sql.Tx, c *coopdec.Call, d *coopdec.Decision, at time.Time) (*DecisionNotice, error) {
	n := &DecisionNotice{Call: c, Decision: d, PublishedAt: at}
	g, _, err := db.loadSetup(ctx, tx, c.ID, false)
	switch {
	case err == nil:
		n.Grid = g
	case !errors.Is(err, errSetupNotFound):
		return nil, err
	}
	for _, e := range d.Entries {
		a, err := db.loadApplication(ctx, tx, e.ApplicationID, false)
		if err != nil {
			return nil, err
		}
		item := NoticeItem{Entry: e, Application: a}
		if item.Consensus, err = loadConsensus(ctx, tx, a.ID); err != nil {
			return nil, err
		}
		if item.Team, err = applicationTeam(ctx, tx, a.ID); err != nil {
			return nil, err
		}
		n.Items = append(n.Items, item)
	}
	return n, nil
}

// loadConsensus reads the consensus on an application, nil when none.
func loadConsensus(ctx context.Context, q querier, appID int64) (*coopdec.Consensus, error) {
	c := &coopdec.Consensus{ApplicationID: appID}
	var scores string
	err := q.QueryRowContext(ctx, `SELECT scores, comment, language, COALESCE(recorded_by, 0), recorded_at
		FROM evaluation_consensus WHERE application_id = $1`, appID).Scan(&scores, &c.Comment, &c.Language, &c.RecordedBy, &c.RecordedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.RecordedAt = c.RecordedAt.UTC()
	return c, json.Unmarshal([]byte(scores), &c.Scores)
}

func applicationTeam(ctx context.Context, q querier, appID int64) ([]DraftHolder, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.language, a.id
		FROM applications a JOIN memberships m ON m.organisation_id = a.lead_organisation_id
		JOIN users u ON u.id = m.user_id WHERE a.id = $1 AND u.disabled_at IS NULL ORDER BY u.id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DraftHolder
	for rows.Next() {
		var h DraftHolder
		if err := rows.Scan(&h.UserID, &h.Email, &h.Name, &h.Language, &h.ApplicationID); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ListDecisions lists a call's decisions, newest first, with where each
// stands and when it was published.
func (db *DB) ListDecisions(ctx context.Context, callID int64) ([]DecisionSummary, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.id FROM decisions d WHERE d.call_id = $1 ORDER BY d.id DESC LIMIT $2`,
		callID, decisionListMax)
	if err != nil {
		return nil, translate(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	out := make([]DecisionSummary, 0, len(ids))
	for _, id := range ids {
		d, status, err := db.loadDecision(ctx, db.read, id, false)
		if err != nil {
			return nil, translate(err)
		}
		s := DecisionSummary{Decision: *d, Status: status}
		if s.PublishedAt, err = publishedAt(ctx, db.read, id); err != nil {
			return nil, translate(err)
		}
		out = append(out, s)
	}
	return out, nil
}

// DecisionPublishedAt returns when a decision was published, zero while it
// is not final.
func (db *DB) DecisionPublishedAt(ctx context.Context, decisionID int64) (time.Time, error) {
	t, err := publishedAt(ctx, db.read, decisionID)
	return t, translate(err)
}

func publishedAt(ctx context.Context, q querier, decisionID int64) (time.Time, error) {
	var t time.Time
	err := q.QueryRowContext(ctx, `SELECT published_at FROM decision_publications WHERE decision_id = $1`, decisionID).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return t.UTC(), err
}

// PublishedDecision returns a call's latest published decision and when it
// was published; ENOTFOUND while none is. The decision may be shared with
// other callers (publishedDecisions): it must not be modified.
func (db *DB) PublishedDecision(ctx context.Context, callID int64) (*coopdec.Decision, time.Time, error) {
	var id int64
	var version int
	var at time.Time
	err := db.read.QueryRowContext(ctx, `SELECT p.decision_id, p.published_at, d.version FROM decision_publications p
		JOIN decisions d ON d.id = p.decision_id WHERE p.call_id = $1
		ORDER BY p.published_at DESC, p.decision_id DESC LIMIT 1`, callID).Scan(&id, &at, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, errDecisionNotPublished
	}
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	if d := db.decisions.get(id, version); d != nil {
		return d, at.UTC(), nil
	}
	d, _, err := db.loadDecision(ctx, db.read, id, false)
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	db.decisions.put(d)
	return d, at.UTC(), nil
}

// decisionCache keeps published decisions decoded, by id and version: a
// call's page lists its funded projects from its decision, whose ranked
// list holds every application of the call (thousands of entries to
// decode on every view). A decision's entries change only with its
// version, which the lookup reads.
type decisionCache struct {
	mu sync.Mutex
	m  map[int64]*coopdec.Decision
}

// decisionCacheMax bounds the decisions kept: one per call with results.
const decisionCacheMax = 256

func (c *decisionCache) get(id int64, version int) *coopdec.Decision {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.m[id]; d != nil && d.Version == version {
		return d
	}
	return nil
}

func (c *decisionCache) put(d *coopdec.Decision) {
	c.mu.Lock()
	defer c.mu.Unlock()
	putBounded(&c.m, d.ID, d, decisionCacheMax)
}

// ApplicationResult is an application's place in the latest published
// decision that lists it.
type ApplicationResult struct {
	DecisionID int64
	Entry      coopdec.DecisionEntry
	NotifiedAt time.Time
}

// ApplicationResult returns the result of application appID, nil while no
// published decision lists it.
func (db *DB) ApplicationResult(ctx context.Context, appID int64) (*ApplicationResult, error) {
	res, err := applicationResult(ctx, db, db.read, appID)
	return res, translate(err)
}

func applicationResult(ctx context.Context, db *DB, q querier, appID int64) (*ApplicationResult, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.decision_id, p.published_at FROM decision_publications p
		JOIN applications a ON a.call_id = p.call_id WHERE a.id = $1 ORDER BY p.published_at DESC, p.decision_id DESC`, appID)
	if err != nil {
		return nil, err
	}
	type pub struct {
		id int64
		at time.Time
	}
	var pubs []pub
	for rows.Next() {
		var p pub
		if err := rows.Scan(&p.id, &p.at); err != nil {
			rows.Close()
			return nil, err
		}
		pubs = append(pubs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range pubs {
		d, _, err := db.loadDecision(ctx, q, p.id, false)
		if err != nil {
			return nil, err
		}
		for _, e := range d.Entries {
			if e.ApplicationID == appID {
				return &ApplicationResult{DecisionID: d.ID, Entry: e, NotifiedAt: p.at.UTC()}, nil
			}
		}
	}
	return nil, nil
}

// LedgerPage lists a page of a call's ledger entries, newest first, for one
// funder when funderID is not 0.
func (db *DB) LedgerPage(ctx context.Context, callID, funderID int64, page coopdec.Page) ([]coopdec.LedgerEntry, coopdec.Page, error) {
	where, args := ` WHERE call_id = $1`, []any{callID}
	if funderID != 0 {
		where, args = where+` AND funder_organisation_id = $2`, append(args, funderID)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM envelope_ledger`+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	n := len(args)
	args = append(args, page.PerPage, page.Offset())
	rows, err := db.read.QueryContext(ctx, `SELECT id, funder_organisation_id, application_id, decision_id, kind, amount_cents,
		note, created_by, at FROM envelope_ledger`+where+` ORDER BY id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []coopdec.LedgerEntry
	for rows.Next() {
		e := coopdec.LedgerEntry{CallID: callID}
		var decision, by sql.NullInt64
		var kind string
		if err := rows.Scan(&e.ID, &e.FunderOrganisationID, &e.ApplicationID, &decision, &kind, &e.AmountCents,
			&e.Note, &by, &e.At); err != nil {
			return nil, page, translate(err)
		}
		e.DecisionID, e.By, e.Kind, e.At = decision.Int64, by.Int64, coopdec.LedgerKind(kind), e.At.UTC()
		out = append(out, e)
	}
	return out, page, translate(rows.Err())
}

// FundedCalls lists a page of the calls an organisation funds, newest
// first.
func (db *DB) FundedCalls(ctx context.Context, orgID int64, page coopdec.Page) ([]*coopdec.Call, coopdec.Page, error) {
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM call_funders WHERE organisation_id = $1`, orgID).
		Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT call_id FROM call_funders WHERE organisation_id = $1
		ORDER BY call_id DESC LIMIT $2 OFFSET $3`, orgID, page.PerPage, page.Offset())
	if err != nil {
		return nil, page, translate(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, page, translate(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, page, translate(err)
	}
	out := make([]*coopdec.Call, 0, len(ids))
	for _, id := range ids {
		c, err := db.loadCall(ctx, db.read, id, false)
		if err != nil {
			return nil, page, translate(err)
		}
		out = append(out, c)
	}
	return out, page, nil
}
