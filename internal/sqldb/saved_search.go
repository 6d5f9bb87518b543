package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
)

const (
	// MaxSavedSearches is how many searches one user may save.
	MaxSavedSearches = 20
	// SavedSearchNameMax is the longest name of a saved search, in characters.
	SavedSearchNameMax = 80
	// savedSearchQueryMax bounds the stored query string; a real search is
	// far shorter.
	savedSearchQueryMax = 2000
	// DigestMinGap is how long after a digest a search is due again: less
	// than a day, so that a daily run a little early still finds it due.
	DigestMinGap = 20 * time.Hour
	// An unsubscribe link works for a year after the digest that carried it.
	unsubscribeTokenValidity = 365 * 24 * time.Hour
)

var errSavedSearchNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "saved.not_found"}

// ErrUnsubscribeInvalid answers an unsubscribe link that names nothing.
var errUnsubscribeInvalid = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "saved.unsubscribe.invalid"}

// SavedSearch is a search of calls a user keeps, and is told about by a
// daily digest when new calls match it.
type SavedSearch struct {
	ID     int64
	UserID int64
	Name   string
	// Query is the normalized query string of the search, e.g.
	// "q=eau&status=open&theme=water_sanitation", as the /appels page reads it.
	Query          string
	CreatedAt      time.Time
	LastSentAt     *time.Time // the last digest that listed it
	UnsubscribedAt *time.Time // no more digests since
}

// Since is the instant after which a published call is new to the search.
func (s *SavedSearch) Since() time.Time {
	if s.LastSentAt != nil {
		return *s.LastSentAt
	}
	return s.CreatedAt
}

// Validate trims the name and checks what storage can check; the query is
// validated by the caller, who knows how to read it.
func (s *SavedSearch) Validate() error {
	var errs coopdec.Errors
	s.Name = strings.TrimSpace(s.Name)
	switch {
	case s.Name == "":
		errs = append(errs, coopdec.FieldError("name", "saved.name.required"))
	case utf8.RuneCountInString(s.Name) > SavedSearchNameMax:
		errs = append(errs, coopdec.FieldError("name", "saved.name.too_long", SavedSearchNameMax))
	}
	if len(s.Query) > savedSearchQueryMax {
		errs = append(errs, coopdec.FieldError("query", "saved.query.too_long"))
	}
	return errs.Err()
}

// CreateSavedSearch stores s for s.UserID, refusing a 21st search.
func (db *DB) CreateSavedSearch(ctx context.Context, s *SavedSearch, actor coopdec.Actor) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.CreatedAt, s.LastSentAt, s.UnsubscribedAt = db.now(), nil, nil
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Concurrent saves by one user wait for each other, so the limit holds.
		lock := `SELECT id FROM users WHERE id = $1`
		if db.Dialect == Postgres {
			lock += ` FOR UPDATE`
		}
		var id int64
		if err := tx.QueryRowContext(ctx, lock, s.UserID).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found")
			}
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM saved_searches WHERE user_id = $1`, s.UserID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxSavedSearches {
			return coopdec.Errorf(coopdec.ECONFLICT, "saved.limit", MaxSavedSearches)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO saved_searches (user_id, name, query, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, s.UserID, s.Name, s.Query, s.CreatedAt).Scan(&s.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditSavedSearchCreate, savedSearchSubject(s.ID), s.Query)
	})
}

func savedSearchSubject(id int64) string { return "saved_search:" + strconv.FormatInt(id, 10) }

const savedSearchColumns = `s.id, s.user_id, s.name, s.query, s.created_at, s.last_sent_at, s.unsubscribed_at`

func scanSavedSearch(row interface{ Scan(...any) error }, s *SavedSearch, more ...any) error {
	var sent, unsub sql.NullTime
	if err := row.Scan(append([]any{&s.ID, &s.UserID, &s.Name, &s.Query, &s.CreatedAt, &sent, &unsub}, more...)...); err != nil {
		return err
	}
	s.LastSentAt, s.UnsubscribedAt = nullTimePtr(sent), nullTimePtr(unsub)
	return nil
}

func nullTimePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// SavedSearches returns a user's saved searches, oldest first.
func (db *DB) SavedSearches(ctx context.Context, userID int64) ([]SavedSearch, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+savedSearchColumns+` FROM saved_searches s
		WHERE s.user_id = $1 ORDER BY s.id`, userID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []SavedSearch
	for rows.Next() {
		var s SavedSearch
		if err := scanSavedSearch(rows, &s); err != nil {
			return nil, translate(err)
		}
		out = append(out, s)
	}
	return out, translate(rows.Err())
}

// SavedSearch returns one of userID's saved searches; another user's is
// not found, as if it did not exist.
func (db *DB) SavedSearch(ctx context.Context, userID, id int64) (*SavedSearch, error) {
	s := &SavedSearch{}
	err := scanSavedSearch(db.read.QueryRowContext(ctx, `SELECT `+savedSearchColumns+` FROM saved_searches s
		WHERE s.id = $1 AND s.user_id = $2`, id, userID), s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSavedSearchNotFound
	}
	return s, translate(err)
}

// DeleteSavedSearch deletes one of userID's saved searches, with its
// unsubscribe links; another user's is not found.
func (db *DB) DeleteSavedSearch(ctx context.Context, userID, id int64, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM saved_searches WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errSavedSearchNotFound
		}
		return db.audit(ctx, tx, actor, coopdec.AuditSavedSearchDelete, savedSearchSubject(id), "")
	})
}

// SavedSearchByUnsubscribeToken returns the search an unsubscribe link
// names, to show before the one click.
func (db *DB) SavedSearchByUnsubscribeToken(ctx context.Context, token string) (*SavedSearch, error) {
	return db.savedSearchByToken(ctx, db.read, token)
}

func (db *DB) savedSearchByToken(ctx context.Context, q querier, token string) (*SavedSearch, error) {
	if token == "" {
		return nil, errUnsubscribeInvalid
	}
	s := &SavedSearch{}
	err := scanSavedSearch(q.QueryRowContext(ctx, `SELECT `+savedSearchColumns+` FROM saved_searches s
		JOIN saved_search_unsubscribe_tokens t ON t.saved_search_id = s.id
		WHERE t.token_hash = $1 AND t.created_at > $2`, hashToken(token), db.now().Add(-unsubscribeTokenValidity)), s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnsubscribeInvalid
	}
	return s, translate(err)
}

// UnsubscribeSavedSearch stops the digest of the search an unsubscribe link
// names; the search itself stays. A second click changes nothing and
// succeeds.
func (db *DB) UnsubscribeSavedSearch(ctx context.Context, token string, actor coopdec.Actor) (*SavedSearch, error) {
	var s *SavedSearch
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if s, err = db.savedSearchByToken(ctx, tx, token); err != nil {
			return err
		}
		if s.UnsubscribedAt != nil {
			return nil
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE saved_searches SET unsubscribed_at = $1 WHERE id = $2 AND unsubscribed_at IS NULL`, now, s.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // someone clicked at the same time: done either way
		}
		s.UnsubscribedAt = &now
		if actor.UserID == 0 {
			actor.UserID = s.UserID // the link stands for its owner
		}
		return db.audit(ctx, tx, actor, coopdec.AuditSavedSearchUnsubscribe, savedSearchSubject(s.ID), "")
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// DigestSearch is a saved search due for the digest, with what the digest
// needs of its owner.
type DigestSearch struct {
	SavedSearch
	Email    string
	Language string // the owner's; empty: French
}

// SavedSearchesDue returns the searches whose digest is due at now: still
// subscribed, of an active account, and not listed by a digest in the last
// DigestMinGap; ordered by owner.
func (db *DB) SavedSearchesDue(ctx context.Context, now time.Time) ([]DigestSearch, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+savedSearchColumns+`, u.email, u.language
		FROM saved_searches s JOIN users u ON u.id = s.user_id
		WHERE s.unsubscribed_at IS NULL AND u.disabled_at IS NULL AND (s.last_sent_at IS NULL OR s.last_sent_at <= $1)
		ORDER BY s.user_id, s.id`, now.UTC().Add(-DigestMinGap))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []DigestSearch
	for rows.Next() {
		var d DigestSearch
		if err := scanSavedSearch(rows, &d.SavedSearch, &d.Email, &d.Language); err != nil {
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, translate(rows.Err())
}

// ClaimDigest marks the searches ids as listed by a digest sent at now,
// each only if it is still due and subscribed (a concurrent run, or a click
// on an unsubscribe link, may have come first), and issues each claimed
// search a fresh unsubscribe secret for the email. It returns the secrets
// by search; searches left out were not claimed and must not be sent.
func (db *DB) ClaimDigest(ctx context.Context, ids []int64, now time.Time) (map[int64]string, error) {
	now = now.UTC().Truncate(time.Microsecond)
	tokens := map[int64]string{}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		clear(tokens)
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE saved_searches SET last_sent_at = $1
				WHERE id = $2 AND unsubscribed_at IS NULL AND (last_sent_at IS NULL OR last_sent_at <= $3)`,
				now, id, now.Add(-DigestMinGap))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM saved_search_unsubscribe_tokens WHERE saved_search_id = $1 AND created_at <= $2`,
				id, now.Add(-unsubscribeTokenValidity)); err != nil {
				return err
			}
			token, hash := newToken("")
			if _, err := tx.ExecContext(ctx, `INSERT INTO saved_search_unsubscribe_tokens (token_hash, saved_search_id, created_at)
				VALUES ($1, $2, $3)`, hash, id, now); err != nil {
				return err
			}
			tokens[id] = token
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tokens, nil
}

// ReleaseDigest undoes ClaimDigest for searches whose email could not be
// sent, putting back when each was last listed, so the next run retries.
func (db *DB) ReleaseDigest(ctx context.Context, previous map[int64]*time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for id, at := range previous {
			var v sql.NullTime
			if at != nil {
				v = sql.NullTime{Time: *at, Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE saved_searches SET last_sent_at = $1 WHERE id = $2`, v, id); err != nil {
				return err
			}
		}
		return nil
	})
}
