package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var (
	errProgrammeNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "programme.not_found"}
	errCallNotFound      = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "call.not_found"}
)

// callStatuses lists every status, in lifecycle order.
var callStatuses = []coopdec.CallStatus{
	coopdec.CallDraft, coopdec.CallPublished, coopdec.CallOpen, coopdec.CallClosed,
	coopdec.CallEvaluation, coopdec.CallDecided, coopdec.CallResults,
}

func callSubject(id int64) string { return "call:" + strconv.FormatInt(id, 10) }

var programmeCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// CreateProgramme stores a programme with its names.
func (db *DB) CreateProgramme(ctx context.Context, p *coopdec.Programme, actor coopdec.Actor) error {
	p.Code = strings.ToLower(strings.TrimSpace(p.Code))
	names := map[string]string{}
	for lang, name := range p.Names {
		if name = strings.TrimSpace(name); name != "" {
			names[strings.ToLower(strings.TrimSpace(lang))] = name
		}
	}
	p.Names = names
	var errs coopdec.Errors
	if !programmeCode.MatchString(p.Code) {
		errs = append(errs, coopdec.FieldError("code", "programme.code.invalid"))
	}
	if p.Names["fr"] == "" {
		errs = append(errs, coopdec.FieldError("names", "programme.name.required"))
	}
	for _, lang := range slices.Sorted(maps.Keys(p.Names)) {
		if !coopdec.ValidLanguage(lang) {
			errs = append(errs, coopdec.FieldError("names", "programme.name.language", lang))
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO programmes (code, created_at) VALUES ($1, $2) RETURNING id`,
			p.Code, db.now()).Scan(&p.ID)
		if isConflict(err) {
			return coopdec.FieldError("code", "programme.code.taken", p.Code)
		}
		if err != nil {
			return err
		}
		for _, lang := range slices.Sorted(maps.Keys(p.Names)) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO programme_names (programme_id, lang, name) VALUES ($1, $2, $3)`,
				p.ID, lang, p.Names[lang]); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, coopdec.AuditProgrammeCreate, "programme:"+strconv.FormatInt(p.ID, 10), p.Code)
	})
}

// Programmes lists every programme, in the order they were created.
func (db *DB) Programmes(ctx context.Context) ([]coopdec.Programme, error) {
	return db.loadProgrammes(ctx, "", nil)
}

// ProgrammeByCode returns the programme with that code.
func (db *DB) ProgrammeByCode(ctx context.Context, code string) (*coopdec.Programme, error) {
	ps, err := db.loadProgrammes(ctx, "WHERE p.code = $1", []any{strings.ToLower(strings.TrimSpace(code))})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errProgrammeNotFound
	}
	return &ps[0], nil
}

func (db *DB) loadProgrammes(ctx context.Context, where string, args []any) ([]coopdec.Programme, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.code, COALESCE(n.lang, ''), COALESCE(n.name, '')
		FROM programmes p LEFT JOIN programme_names n ON n.programme_id = p.id `+where+` ORDER BY p.id, n.lang`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Programme
	for rows.Next() {
		var id int64
		var code, lang, name string
		if err := rows.Scan(&id, &code, &lang, &name); err != nil {
			return nil, translate(err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, coopdec.Programme{ID: id, Code: code, Names: map[string]string{}})
		}
		if lang != "" {
			out[len(out)-1].Names[lang] = name
		}
	}
	return out, translate(rows.Err())
}

// CreateCall validates a call (Call.Validate) and stores it with its texts,
// co-managers, funders, themes and rules, indexed for the search, in one
// transaction. A published, open or closed status is stored as the dates
// make it at the time (coopdec.CallStatusAt).
func (db *DB) CreateCall(ctx context.Context, c *coopdec.Call, actor coopdec.Actor) error {
	idx, err := prepareCall(c)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.createCall(ctx, tx, c, idx, actor) })
}

func (db *DB) createCall(ctx context.Context, tx *sql.Tx, c *coopdec.Call, idx callIndex, actor coopdec.Actor) error {
	if err := checkCallReferences(ctx, tx, c); err != nil {
		return err
	}
	rules, err := marshalRules(c.Rules)
	if err != nil {
		return err
	}
	c.CreatedAt = db.now()
	c.UpdatedAt = c.CreatedAt
	c.Status = clockStatus(c, c.CreatedAt)
	err = tx.QueryRowContext(ctx, `INSERT INTO calls (programme_id, reference, status, decision_rule,
		publish_at, opens_at, deadline, evaluation_at, results_at, rules, created_at, updated_at, public_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		c.ProgrammeID, c.Reference, string(c.Status), string(c.DecisionRule),
		nullTime(c.PublishAt), nullTime(c.OpensAt), nullTime(c.Deadline), nullTime(c.EvaluationAt), nullTime(c.ResultsAt),
		rules, c.CreatedAt, c.UpdatedAt, nullTime(callPublicAt(time.Time{}, c.Status, c.PublishAt, c.CreatedAt))).Scan(&c.ID)
	if isConflict(err) {
		return coopdec.FieldError("reference", "call.reference.taken", c.Reference)
	}
	if err != nil {
		return err
	}
	if err := db.writeCallChildren(ctx, tx, c, idx); err != nil {
		return err
	}
	return db.audit(ctx, tx, actor, coopdec.AuditCallCreate, callSubject(c.ID), c.Reference)
}

// UpdateCall validates and stores a call's new content: everything but its
// status, which SetCallStatus changes (the clock's part of it, open or
// closed, follows the new dates). Once the call is open (coopdec.IsAmendment)
// any change is an amendment: it needs a reason and is recorded with
// what changed (callChanges), for the call page. An update that changes nothing
// does nothing. When c.UpdatedAt is set, it must match the stored call's, so
// that an officer does not overwrite a change made since they loaded it.
func (db *DB) UpdateCall(ctx context.Context, c *coopdec.Call, actor coopdec.Actor, reason string) error {
	return db.UpdateCallNotify(ctx, nil, c, actor, reason, nil)
}

// AmendmentNotice builds the jobs that tell the people holding a draft on an
// amended call what changed; holders is never empty.
type AmendmentNotice func(am *coopdec.Amendment, c *coopdec.Call, holders []DraftHolder) []Job

// UpdateCallNotify is UpdateCall that, when the update is an amendment and
// drafts are being written for the call, has notify build a notice for
// their holders and enqueues it with e in the same transaction: the notice
// exists if and only if the amendment does. A nil notify sends nothing.
func (db *DB) UpdateCallNotify(ctx context.Context, e Enqueuer, c *coopdec.Call, actor coopdec.Actor, reason string,
	notify AmendmentNotice) error {
	reason = strings.TrimSpace(reason)
	return db.TxWithJobs(ctx, e, func(tx *sql.Tx, enqueue func(...Job) error) error {
		old, err := db.loadCall(ctx, tx, c.ID, true)
		if err != nil {
			return err
		}
		if !c.UpdatedAt.IsZero() && !c.UpdatedAt.Equal(old.UpdatedAt) {
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "call.changed"}
		}
		// Validate with the status that stands: it decides which dates are required.
		c.Status, c.CreatedAt = old.Status, old.CreatedAt
		idx, err := prepareCall(c)
		if err != nil {
			return err
		}
		if err := checkCallReferences(ctx, tx, c); err != nil {
			return err
		}
		changes := callChanges(old, c)
		if len(changes) == 0 {
			c.UpdatedAt = old.UpdatedAt
			return nil
		}
		now := db.now()
		amendment := coopdec.IsAmendment(old, now)
		if amendment && reason == "" {
			return coopdec.FieldError("reason", "call.amendment.reason_required")
		}
		// Only a status change the new dates cause belongs to the amendment,
		// not the stored status catching up with the clock.
		if c.Status = clockStatus(c, now); c.Status != clockStatus(old, now) {
			changes = append(changes, coopdec.CallChange{Field: "status", Kind: coopdec.ChangePlain,
				Old: string(clockStatus(old, now)), New: string(c.Status)})
		}
		rules, err := marshalRules(c.Rules)
		if err != nil {
			return err
		}
		publicAt, err := storedPublicAt(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		c.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `UPDATE calls SET programme_id = $1, reference = $2, status = $3, decision_rule = $4,
			publish_at = $5, opens_at = $6, deadline = $7, evaluation_at = $8, results_at = $9, rules = $10, updated_at = $11,
			public_at = $12 WHERE id = $13`, c.ProgrammeID, c.Reference, string(c.Status), string(c.DecisionRule),
			nullTime(c.PublishAt), nullTime(c.OpensAt), nullTime(c.Deadline), nullTime(c.EvaluationAt), nullTime(c.ResultsAt),
			rules, c.UpdatedAt, nullTime(callPublicAt(publicAt, c.Status, c.PublishAt, now)), c.ID)
		if isConflict(err) {
			return coopdec.FieldError("reference", "call.reference.taken", c.Reference)
		}
		if err != nil {
			return err
		}
		if err := db.writeCallChildren(ctx, tx, c, idx); err != nil {
			return err
		}
		if amendment {
			stored, err := marshalChanges(changes)
			if err != nil {
				return err
			}
			am := &coopdec.Amendment{CallID: c.ID, At: now, AuthorID: actor.UserID, Reason: reason, Changes: changes}
			if err := tx.QueryRowContext(ctx, `INSERT INTO call_amendments (call_id, at, author_id, reason, changes)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.ID, now, nullID(actor.UserID), reason, stored).Scan(&am.ID); err != nil {
				return err
			}
			if notify != nil {
				holders, err := draftHolders(ctx, tx, c.ID)
				if err != nil {
					return err
				}
				if len(holders) > 0 {
					if err := enqueue(notify(am, c, holders)...); err != nil {
						return err
					}
				}
			}
		}
		lines := make([]string, len(changes))
		for i, ch := range changes {
			lines[i] = ch.String()
		}
		return db.audit(ctx, tx, actor, coopdec.AuditCallUpdate, callSubject(c.ID), strings.Join(lines, "; "))
	})
}

// clockStatus is the status to store for c at now: the clock moves a call
// between published, open and closed, people do the rest.
func clockStatus(c *coopdec.Call, now time.Time) coopdec.CallStatus {
	switch c.Status {
	case coopdec.CallPublished, coopdec.CallOpen, coopdec.CallClosed:
		return coopdec.CallStatusAt(c, now)
	}
	return c.Status
}

// Call returns a call with everything it holds. Whether the reader may see
// it (drafts) is the caller's to check.
//
// Calls are public data: one read by its ID is kept while the public
// version (see PublicState) stays the same, and each caller gets its own
// copy.
func (db *DB) Call(ctx context.Context, id int64) (*coopdec.Call, error) {
	version, err := db.publicVersion(ctx)
	if err != nil {
		return nil, err
	}
	if c, ok := db.calls.get(version, id); ok {
		return c.Clone(), nil
	}
	c, err := db.loadCallWhere(ctx, db.read, "c.id = $1", id, false)
	if err != nil {
		return nil, err
	}
	db.calls.put(version, id, c.Clone())
	return c, nil
}

// CallByReference returns the call with that reference, as Call does.
func (db *DB) CallByReference(ctx context.Context, reference string) (*coopdec.Call, error) {
	return db.loadCallWhere(ctx, db.read, "c.reference = $1", strings.TrimSpace(reference), false)
}

// loadCall reads a call through q. Read without a lock, the call kept by
// Call serves when the public version q reads is the one it was kept at:
// a transaction's statements (a submission's, a draft's save) then read
// the version rather than the call and its six lists. Only Call, reading
// what is committed, keeps calls: a transaction could see a version of
// its own that a rollback would undo.
func (db *DB) loadCall(ctx context.Context, q querier, id int64, forUpdate bool) (*coopdec.Call, error) {
	if !forUpdate {
		var version int64
		if err := q.QueryRowContext(ctx, `SELECT version FROM public_version`).Scan(&version); err != nil {
			return nil, translate(err)
		}
		if c, ok := db.calls.get(version, id); ok {
			return c.Clone(), nil
		}
	}
	return db.loadCallWhere(ctx, q, "c.id = $1", id, forUpdate)
}

func (db *DB) loadCallWhere(ctx context.Context, q querier, where string, arg any, forUpdate bool) (*coopdec.Call, error) {
	query := `SELECT ` + callColumns + ` FROM calls c WHERE ` + where
	if forUpdate && db.Dialect == Postgres {
		// Queue behind a concurrent status change, so that whether the
		// update is an amendment is decided on the status that will stand.
		query += ` FOR UPDATE`
	}
	c := &coopdec.Call{}
	err := scanCall(q.QueryRowContext(ctx, query, arg), c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errCallNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	if err := loadCallChildren(ctx, q, []*coopdec.Call{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// SetCallStatus moves a call from one status to another, only if it still is
// in from: of two concurrent transitions, the second fails with ECONFLICT.
// Which transitions are allowed is the caller's to decide; whether the call
// may stand in to (its dates for any status but draft) is checked here, on
// the stored call, since it may have changed since the caller loaded it.
func (db *DB) SetCallStatus(ctx context.Context, id int64, from, to coopdec.CallStatus, actor coopdec.Actor) error {
	return db.setCallStatus(ctx, id, from, to, actor, true)
}

// AdvanceCallStatus is SetCallStatus for the clock, whose changes the
// call's dates made due (published → open, open → closed): the call's
// version (updated_at), the stamp its editors' forms carry, stays as it
// is, since what they edit did not change; an officer amending a call at
// the moment it opens is not told that someone else changed it.
func (db *DB) AdvanceCallStatus(ctx context.Context, id int64, from, to coopdec.CallStatus, actor coopdec.Actor) error {
	return db.setCallStatus(ctx, id, from, to, actor, false)
}

func (db *DB) setCallStatus(ctx context.Context, id int64, from, to coopdec.CallStatus, actor coopdec.Actor, edited bool) error {
	if !slices.Contains(callStatuses, to) {
		return coopdec.FieldError("status", "call.validation.status.invalid", string(to))
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		stored, err := db.loadCall(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if stored.Status != from {
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "call.status.changed"}
		}
		if to != coopdec.CallDraft {
			if err := validateAs(stored, to); err != nil {
				return err
			}
		}
		now := db.now()
		publicAt, err := storedPublicAt(ctx, tx, id)
		if err != nil {
			return err
		}
		updated := stored.UpdatedAt
		if edited {
			updated = now
		}
		res, err := tx.ExecContext(ctx, `UPDATE calls SET status = $1, updated_at = $2, public_at = $3 WHERE id = $4 AND status = $5`,
			string(to), updated, nullTime(callPublicAt(publicAt, to, stored.PublishAt, now)), id, string(from))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "call.status.changed"}
		}
		return db.audit(ctx, tx, actor, coopdec.AuditCallStatus, callSubject(id), string(from)+" → "+string(to))
	})
}

// validateAs runs c.Validate as if c stood in status, on a copy: Validate
// normalises what it checks.
func validateAs(c *coopdec.Call, status coopdec.CallStatus) error {
	v := *c
	v.Status = status
	v.Texts = maps.Clone(c.Texts)
	v.CoManagers = slices.Clone(c.CoManagers)
	v.Funders = slices.Clone(c.Funders)
	v.Themes = slices.Clone(c.Themes)
	v.Rules.Excluded = slices.Clone(c.Rules.Excluded)
	return v.Validate()
}

// callPublicAt is when a call in status, to be public from publishAt, is or
// will be public for the first time, given the stored value: public_at is
// max(publish_at, the moment it left draft), kept once reached, so that the
// digest announces a call once, even when it left draft after its date.
func callPublicAt(stored time.Time, status coopdec.CallStatus, publishAt, now time.Time) time.Time {
	if !stored.IsZero() && !stored.After(now) {
		return stored // public already
	}
	if status == coopdec.CallDraft {
		return time.Time{}
	}
	if publishAt.After(now) {
		return publishAt
	}
	return now
}

func storedPublicAt(ctx context.Context, tx *sql.Tx, id int64) (time.Time, error) {
	var t sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT public_at FROM calls WHERE id = $1`, id).Scan(&t)
	return fromNullTime(t), err
}

// CallTransition is a status change that time has made due.
type CallTransition struct {
	CallID   int64
	From, To coopdec.CallStatus
}

// CallsDueForTransition lists the calls whose stored status is no longer
// what their dates make it at now (coopdec.CallStatusAt): published calls
// whose opening has come (or whose deadline has passed too), open calls
// whose deadline has passed, and, after a change of dates, the reverse.
// Apply each with SetCallStatus, which ignores a call that moved meanwhile.
func (db *DB) CallsDueForTransition(ctx context.Context, now time.Time) ([]CallTransition, error) {
	now = dbTime(now)
	rows, err := db.read.QueryContext(ctx, `SELECT id, status, opens_at, deadline FROM calls
		WHERE (status = $1 AND opens_at <= $4)
		   OR (status = $2 AND (deadline <= $4 OR opens_at > $4))
		   OR (status = $3 AND (deadline > $4 OR opens_at > $4))
		ORDER BY id`, string(coopdec.CallPublished), string(coopdec.CallOpen), string(coopdec.CallClosed), now)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []CallTransition
	for rows.Next() {
		var c coopdec.Call
		var opens, deadline sql.NullTime
		if err := rows.Scan(&c.ID, &c.Status, &opens, &deadline); err != nil {
			return nil, translate(err)
		}
		c.OpensAt, c.Deadline = fromNullTime(opens), fromNullTime(deadline)
		if to := coopdec.CallStatusAt(&c, now); to != c.Status {
			out = append(out, CallTransition{CallID: c.ID, From: c.Status, To: to})
		}
	}
	return out, translate(rows.Err())
}

// CallAmendments lists a call's amendments, oldest first.
func (db *DB) CallAmendments(ctx context.Context, callID int64) ([]coopdec.Amendment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, call_id, at, COALESCE(author_id, 0), reason, changes
		FROM call_amendments WHERE call_id = $1 ORDER BY at, id`, callID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Amendment
	for rows.Next() {
		var a coopdec.Amendment
		var changes string
		if err := rows.Scan(&a.ID, &a.CallID, &a.At, &a.AuthorID, &a.Reason, &changes); err != nil {
			return nil, translate(err)
		}
		if a.Changes, err = unmarshalChanges(changes); err != nil {
			return nil, fmt.Errorf("amendment %d: unable to read its changes: %w", a.ID, err)
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// callIndex is what the search filters need from a call's rules.
type callIndex struct {
	countries []string // eligible countries, expanded
	leadTypes []string // authority types that may lead, expanded
}

// prepareCall validates c and puts it in the form it is stored in (so that
// the caller holds what a later read returns), and computes its search
// index.
func prepareCall(c *coopdec.Call) (callIndex, error) {
	var errs coopdec.Errors
	if err := c.Validate(); err != nil {
		var es coopdec.Errors
		var e *coopdec.Error
		switch {
		case errors.As(err, &es):
			errs = append(errs, es...)
		case errors.As(err, &e):
			errs = append(errs, e)
		default:
			return callIndex{}, err
		}
	}
	// Validate leaves the reference to the unique index, which would take
	// one empty reference.
	if c.Reference = strings.TrimSpace(c.Reference); c.Reference == "" {
		errs = append(errs, coopdec.FieldError("reference", "call.reference.required"))
	}
	if err := errs.Err(); err != nil {
		return callIndex{}, err
	}
	for _, t := range []*time.Time{&c.PublishAt, &c.OpensAt, &c.Deadline, &c.EvaluationAt, &c.ResultsAt} {
		*t = dbTime(*t)
	}
	if len(c.Texts) == 0 {
		c.Texts = nil
	}
	if len(c.CoManagers) == 0 {
		c.CoManagers = nil
	}
	if len(c.Funders) == 0 {
		c.Funders = nil
	}
	if len(c.Themes) == 0 {
		c.Themes = nil
	}
	c.Rules = canonicalRules(c.Rules)
	return indexRules(c.Rules), nil
}

// indexRules spells out the rules for the search filters: the countries as
// the eligibility check reads them (coopdec.EligibleCountries).
func indexRules(r coopdec.EligibilityRules) callIndex {
	idx := callIndex{countries: coopdec.EligibleCountries(r)}
	leadTypes := r.LeadTypes
	if len(leadTypes) == 0 {
		leadTypes = coopdec.AuthorityTypes
	}
	for _, t := range leadTypes {
		if !slices.Contains(idx.leadTypes, string(t)) {
			idx.leadTypes = append(idx.leadTypes, string(t))
		}
	}
	return idx
}

func funderIDs(c *coopdec.Call) []int64 {
	ids := make([]int64, len(c.Funders))
	for i, f := range c.Funders {
		ids[i] = f.OrganisationID
	}
	return ids
}

// checkCallReferences turns unknown programme and organisations into field
// errors, rather than the foreign keys' anonymous one, and checks that each
// exclusion redirects to another call that exists.
func checkCallReferences(ctx context.Context, tx *sql.Tx, c *coopdec.Call) error {
	var errs coopdec.Errors
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM programmes WHERE id = $1`, c.ProgrammeID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		errs = append(errs, coopdec.FieldError("programme_id", "call.programme.unknown"))
	}
	known, err := organisationNames(ctx, tx, slices.Concat(c.CoManagers, funderIDs(c)))
	if err != nil {
		return err
	}
	for _, id := range c.CoManagers {
		if _, ok := known[id]; !ok {
			errs = append(errs, coopdec.FieldError("co_managers", "call.organisation.unknown", id))
		}
	}
	for _, id := range funderIDs(c) {
		if _, ok := known[id]; !ok {
			errs = append(errs, coopdec.FieldError("funders", "call.organisation.unknown", id))
		}
	}
	for i, e := range c.Rules.Excluded {
		if e.RedirectCallID == 0 {
			continue
		}
		n := 0
		if e.RedirectCallID != c.ID {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM calls WHERE id = $1`, e.RedirectCallID).Scan(&n); err != nil {
				return err
			}
		}
		if n == 0 {
			errs = append(errs, coopdec.FieldError("rules.excluded."+strconv.Itoa(i)+".redirect_call_id", "call.redirect.unknown"))
		}
	}
	return errs.Err()
}

// organisationNames returns the names of those of ids that exist.
func organisationNames(ctx context.Context, q querier, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return names, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM organisations WHERE id IN (`+placeholders(1, len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

// writeCallChildren replaces the rows that hang off a call, and its search
// entry.
func (db *DB) writeCallChildren(ctx context.Context, tx *sql.Tx, c *coopdec.Call, idx callIndex) error {
	for _, table := range []string{"call_texts", "call_co_managers", "call_funders", "call_themes", "call_countries", "call_lead_types"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE call_id = $1`, c.ID); err != nil {
			return err
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(c.Texts)) {
		t := c.Texts[lang]
		if _, err := tx.ExecContext(ctx, `INSERT INTO call_texts (call_id, lang, title, summary, body) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, lang, t.Title, t.Summary, t.Body); err != nil {
			return err
		}
	}
	for i, id := range c.CoManagers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO call_co_managers (call_id, organisation_id, position) VALUES ($1, $2, $3)`,
			c.ID, id, i); err != nil {
			return err
		}
	}
	for i, f := range c.Funders {
		if _, err := tx.ExecContext(ctx, `INSERT INTO call_funders (call_id, organisation_id, position, envelope_cents, share_bp)
			VALUES ($1, $2, $3, $4, $5)`, c.ID, f.OrganisationID, i, f.EnvelopeCents, f.ShareBP); err != nil {
			return err
		}
	}
	for i, theme := range c.Themes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO call_themes (call_id, theme, position) VALUES ($1, $2, $3)`,
			c.ID, theme, i); err != nil {
			return err
		}
	}
	if err := insertCallValues(ctx, tx, "call_countries", "country", c.ID, idx.countries); err != nil {
		return err
	}
	if err := insertCallValues(ctx, tx, "call_lead_types", "authority_type", c.ID, idx.leadTypes); err != nil {
		return err
	}
	return db.indexCallText(ctx, tx, c)
}

// insertCallValues inserts (call_id, value) rows in one statement: a call
// open to any country has some 250.
func insertCallValues(ctx context.Context, tx *sql.Tx, table, column string, callID int64, values []string) error {
	if len(values) == 0 {
		return nil
	}
	var b strings.Builder
	args := []any{callID}
	b.WriteString("INSERT INTO " + table + " (call_id, " + column + ") VALUES ")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, v)
		b.WriteString("($1, $" + itoa(len(args)) + ")")
	}
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

const callColumns = `c.id, c.programme_id, c.reference, c.status, c.decision_rule,
	c.publish_at, c.opens_at, c.deadline, c.evaluation_at, c.results_at, c.rules, c.created_at, c.updated_at`

func scanCall(sc interface{ Scan(...any) error }, c *coopdec.Call, extra ...any) error {
	var publish, opens, deadline, evaluation, results sql.NullTime
	var rules string
	dest := append([]any{&c.ID, &c.ProgrammeID, &c.Reference, &c.Status, &c.DecisionRule,
		&publish, &opens, &deadline, &evaluation, &results, &rules, &c.CreatedAt, &c.UpdatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	c.PublishAt, c.OpensAt, c.Deadline = fromNullTime(publish), fromNullTime(opens), fromNullTime(deadline)
	c.EvaluationAt, c.ResultsAt = fromNullTime(evaluation), fromNullTime(results)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(rules), &c.Rules); err != nil {
		return fmt.Errorf("call %d: unable to read its rules: %w", c.ID, err)
	}
	c.Rules = canonicalRules(c.Rules)
	return nil
}

// indexCalls returns calls by id, and their ids in order.
func indexCalls(calls []*coopdec.Call) (map[int64]*coopdec.Call, []int64) {
	byID := make(map[int64]*coopdec.Call, len(calls))
	ids := make([]int64, 0, len(calls))
	for _, c := range calls {
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	return byID, ids
}

// loadCallChildren fills the texts, co-managers, funders and themes of
// calls with one query per table, whatever their number.
func loadCallChildren(ctx context.Context, q querier, calls []*coopdec.Call) error {
	if len(calls) == 0 {
		return nil
	}
	byID, ids := indexCalls(calls)
	in := `(` + placeholders(1, len(ids)) + `)`
	args := anys(ids)
	each := func(query string, scan func(rows *sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return translate(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return translate(err)
			}
		}
		return translate(rows.Err())
	}
	err := each(`SELECT call_id, lang, title, summary, body FROM call_texts WHERE call_id IN `+in, func(rows *sql.Rows) error {
		var id int64
		var lang string
		var t coopdec.CallText
		if err := rows.Scan(&id, &lang, &t.Title, &t.Summary, &t.Body); err != nil {
			return err
		}
		c := byID[id]
		if c.Texts == nil {
			c.Texts = map[string]coopdec.CallText{}
		}
		c.Texts[lang] = t
		return nil
	})
	if err != nil {
		return err
	}
	err = each(`SELECT call_id, organisation_id FROM call_co_managers WHERE call_id IN `+in+` ORDER BY call_id, position`,
		func(rows *sql.Rows) error {
			var id, org int64
			if err := rows.Scan(&id, &org); err != nil {
				return err
			}
			byID[id].CoManagers = append(byID[id].CoManagers, org)
			return nil
		})
	if err != nil {
		return err
	}
	err = each(`SELECT call_id, organisation_id, envelope_cents, share_bp FROM call_funders WHERE call_id IN `+in+
		` ORDER BY call_id, position`, func(rows *sql.Rows) error {
		var id int64
		var f coopdec.Funder
		if err := rows.Scan(&id, &f.OrganisationID, &f.EnvelopeCents, &f.ShareBP); err != nil {
			return err
		}
		byID[id].Funders = append(byID[id].Funders, f)
		return nil
	})
	if err != nil {
		return err
	}
	return each(`SELECT call_id, theme FROM call_themes WHERE call_id IN `+in+` ORDER BY call_id, position`,
		func(rows *sql.Rows) error {
			var id int64
			var theme string
			if err := rows.Scan(&id, &theme); err != nil {
				return err
			}
			byID[id].Themes = append(byID[id].Themes, theme)
			return nil
		})
}

// placeholders returns "$from, $from+1, …" for n values.
func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + itoa(from+i)
	}
	return strings.Join(ps, ", ")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// dbTime is t as the database gives it back: UTC, to the microsecond. UTC
// also keeps SQLite's textual timestamps in order.
func dbTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime stores the zero time as NULL: a date not set yet.
func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: dbTime(t), Valid: !t.IsZero()} }

func fromNullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// canonicalRules gives empty lists one form (nil), so that equal rules
// marshal to equal JSON and compare equal after a round trip.
func canonicalRules(r coopdec.EligibilityRules) coopdec.EligibilityRules {
	v := reflect.ValueOf(&r).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && f.Len() == 0 {
			f.SetZero()
		}
	}
	return r
}

// marshalRules writes rules as canonical JSON: fields in declaration order,
// empty lists as null.
func marshalRules(r coopdec.EligibilityRules) (string, error) {
	b, err := json.Marshal(canonicalRules(r))
	if err != nil {
		return "", fmt.Errorf("unable to write the rules: %w", err)
	}
	return string(b), nil
}

// callChanges lists how a call differs from old: what an amendment records
// and the call page shows. Values are machine values (coopdec.CallChange),
// since the page may be read in any language and zone.
func callChanges(old, c *coopdec.Call) []coopdec.CallChange {
	var out []coopdec.CallChange
	add := func(field, kind, was, now string) {
		out = append(out, coopdec.CallChange{Field: field, Kind: kind, Old: was, New: now})
	}
	if old.Reference != c.Reference {
		add("reference", coopdec.ChangePlain, old.Reference, c.Reference)
	}
	if old.ProgrammeID != c.ProgrammeID {
		add("programme", coopdec.ChangePlain, idString(old.ProgrammeID), idString(c.ProgrammeID))
	}
	if old.DecisionRule != c.DecisionRule {
		add("decision_rule", coopdec.ChangePlain, string(old.DecisionRule), string(c.DecisionRule))
	}
	dates := []struct {
		field    string
		old, new time.Time
	}{
		{"publish_at", old.PublishAt, c.PublishAt},
		{"opens_at", old.OpensAt, c.OpensAt},
		{"deadline", old.Deadline, c.Deadline},
		{"evaluation_at", old.EvaluationAt, c.EvaluationAt},
		{"results_at", old.ResultsAt, c.ResultsAt},
	}
	for _, d := range dates {
		if !d.old.Equal(d.new) {
			add(d.field, coopdec.ChangeDate, changeTime(d.old), changeTime(d.new))
		}
	}

	langs := slices.Sorted(maps.Keys(c.Texts))
	for _, lang := range slices.Sorted(maps.Keys(old.Texts)) {
		if _, ok := c.Texts[lang]; !ok {
			langs = append(langs, lang)
		}
	}
	for _, lang := range langs {
		a, inOld := old.Texts[lang]
		b, inNew := c.Texts[lang]
		switch {
		case !inOld:
			add("text."+lang, coopdec.ChangeText, "", b.Title)
		case !inNew:
			add("text."+lang, coopdec.ChangeText, a.Title, "")
		default:
			if a.Title != b.Title {
				add("text."+lang+".title", coopdec.ChangeText, a.Title, b.Title)
			}
			if a.Summary != b.Summary {
				add("text."+lang+".summary", coopdec.ChangeText, a.Summary, b.Summary)
			}
			if a.Body != b.Body {
				add("text."+lang+".body", coopdec.ChangeText, a.Body, b.Body)
			}
		}
	}

	if !slices.Equal(old.CoManagers, c.CoManagers) {
		add("co_managers", coopdec.ChangeList, idList(old.CoManagers), idList(c.CoManagers))
	}

	oldFunders := map[int64]coopdec.Funder{}
	for _, f := range old.Funders {
		oldFunders[f.OrganisationID] = f
	}
	membersChanged := false
	for _, f := range c.Funders {
		id := idString(f.OrganisationID)
		was, ok := oldFunders[f.OrganisationID]
		if !ok {
			add("funder."+id, coopdec.ChangePlain, "", id)
			add("funder."+id+".envelope", coopdec.ChangeMoney, "", strconv.FormatInt(f.EnvelopeCents, 10))
			add("funder."+id+".share", coopdec.ChangePercent, "", strconv.Itoa(f.ShareBP))
			membersChanged = true
			continue
		}
		if was.EnvelopeCents != f.EnvelopeCents {
			add("funder."+id+".envelope", coopdec.ChangeMoney, strconv.FormatInt(was.EnvelopeCents, 10), strconv.FormatInt(f.EnvelopeCents, 10))
		}
		if was.ShareBP != f.ShareBP {
			add("funder."+id+".share", coopdec.ChangePercent, strconv.Itoa(was.ShareBP), strconv.Itoa(f.ShareBP))
		}
	}
	for _, id := range funderIDs(old) {
		if !slices.Contains(funderIDs(c), id) {
			add("funder."+idString(id), coopdec.ChangePlain, idString(id), "")
			membersChanged = true
		}
	}
	if !membersChanged && !slices.Equal(funderIDs(old), funderIDs(c)) {
		add("funders", coopdec.ChangeList, idList(funderIDs(old)), idList(funderIDs(c)))
	}

	// Themes are a set: the form lists them in the catalogue's order, which
	// need not be the stored one, and a new order is no amendment.
	if !slices.Equal(slices.Sorted(slices.Values(old.Themes)), slices.Sorted(slices.Values(c.Themes))) {
		add("themes", coopdec.ChangeList, strings.Join(old.Themes, ","), strings.Join(c.Themes, ","))
	}
	return append(out, rulesChanges(old.Rules, c.Rules)...)
}

// rulesChanges compares rules field by field, so that a field added to
// EligibilityRules is covered without more code here.
func rulesChanges(old, c coopdec.EligibilityRules) []coopdec.CallChange {
	var out []coopdec.CallChange
	ov, nv := reflect.ValueOf(canonicalRules(old)), reflect.ValueOf(canonicalRules(c))
	t := ov.Type()
	for i := range t.NumField() {
		a, b := ov.Field(i), nv.Field(i)
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			continue
		}
		name := t.Field(i).Name
		out = append(out, coopdec.CallChange{Field: "rules." + ruleName(name), Kind: ruleKind(name, a),
			Old: ruleValue(a), New: ruleValue(b)})
	}
	return out
}

var wordStart = regexp.MustCompile(`([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])`)

// ruleName turns a field name into snake case, without the unit its value
// will show: MaxGrantCents → max_grant, MinOwnShareBP → min_own_share.
func ruleName(field string) string {
	field = strings.TrimSuffix(strings.TrimSuffix(field, "Cents"), "BP")
	return strings.ToLower(wordStart.ReplaceAllString(field, "${1}${3}_${2}${4}"))
}

func ruleKind(field string, v reflect.Value) string {
	switch {
	case strings.HasSuffix(field, "Cents") && v.CanInt():
		return coopdec.ChangeMoney
	case strings.HasSuffix(field, "BP") && v.CanInt():
		return coopdec.ChangePercent
	case v.Kind() == reflect.Slice:
		return coopdec.ChangeList
	}
	return coopdec.ChangePlain
}

// ruleValue writes a rule's value as a machine value: its zero, which means
// no limit or no condition, as empty, but false as false; an exclusion as
// its country, with ":" and the call it redirects to if any.
func ruleValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Slice:
		items := make([]string, v.Len())
		for i := range items {
			switch e := v.Index(i).Interface().(type) {
			case coopdec.Exclusion:
				items[i] = e.Country
				if e.RedirectCallID != 0 {
					items[i] += ":" + idString(e.RedirectCallID)
				}
			default:
				items[i] = fmt.Sprint(e)
			}
		}
		return strings.Join(items, ",")
	}
	if v.IsZero() {
		return ""
	}
	return fmt.Sprint(v.Interface())
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func idList(ids []int64) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = idString(id)
	}
	return strings.Join(items, ",")
}

// changeTime writes an instant as an amendment records it: RFC 3339 in UTC,
// empty when not set.
func changeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// marshalChanges writes an amendment's changes as the JSON stored in
// call_amendments.changes.
func marshalChanges(changes []coopdec.CallChange) (string, error) {
	b, err := json.Marshal(changes)
	if err != nil {
		return "", fmt.Errorf("unable to write the changes: %w", err)
	}
	return string(b), nil
}

// unmarshalChanges reads call_amendments.changes: JSON, or the one-line-
// per-change text written before, as changes without a field.
func unmarshalChanges(s string) ([]coopdec.CallChange, error) {
	if !strings.HasPrefix(strings.TrimSpace(s), "[") {
		var out []coopdec.CallChange
		for line := range strings.SplitSeq(strings.TrimSpace(s), "\n") {
			if line != "" {
				out = append(out, coopdec.CallChange{Kind: coopdec.ChangePlain, New: line})
			}
		}
		return out, nil
	}
	var out []coopdec.CallChange
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	return out, nil
}
