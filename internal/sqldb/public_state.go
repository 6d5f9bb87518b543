package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"sync"
	"time"
)

// PublicState is what the pages anonymous visitors see depend on beyond
// their request: the versions of the public data, and the instants at
// which those pages change by themselves as the clock runs (a call opens
// or closes, a label expires). The web package keeps rendered public pages
// for as long as both versions stay the same and no such instant has come.
type PublicState struct {
	// Version is raised by every change to the calls, the programmes, the
	// authorities, the territories, the labels and the decisions
	// (public_version, kept by triggers); Projects by every change to the record of funded projects
	// (funded_project_version).
	Version, Projects int64
	// Instants holds, sorted, every date of every call (publication,
	// opening, deadline, evaluation, results) and the expiry of every
	// granted label.
	Instants []time.Time
	// Deadlines holds, sorted, the calls' deadlines: the time left until
	// them is shown.
	Deadlines []time.Time
}

// NextInstant returns the first of s.Instants after now, or the zero time.
func (s *PublicState) NextInstant(now time.Time) time.Time {
	if i := sort.Search(len(s.Instants), func(i int) bool { return s.Instants[i].After(now) }); i < len(s.Instants) {
		return s.Instants[i]
	}
	return time.Time{}
}

// publicStateCache keeps the instants of the last versions read: they are
// read again only when a version changes.
type publicStateCache struct {
	mu    sync.Mutex
	state *PublicState
}

// PublicState reads the versions of the public data (one small query) and
// returns them with their instants, read again only when a version has
// changed. The result is shared: read it, never change it.
//
// Read it before the data of a page: a page read after it may be newer
// than the versions say, never older, and a newer version makes it unused.
func (db *DB) PublicState(ctx context.Context) (*PublicState, error) {
	var v, p int64
	if err := db.read.QueryRowContext(ctx, `SELECT (SELECT version FROM public_version),
		(SELECT version FROM funded_project_version)`).Scan(&v, &p); err != nil {
		return nil, translate(err)
	}
	db.public.mu.Lock()
	s := db.public.state
	db.public.mu.Unlock()
	if s != nil && s.Version == v && s.Projects == p {
		return s, nil
	}
	s = &PublicState{Version: v, Projects: p}
	rows, err := db.read.QueryContext(ctx, `SELECT publish_at, opens_at, deadline, evaluation_at, results_at FROM calls`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var at [5]sql.NullTime
		if err := rows.Scan(&at[0], &at[1], &at[2], &at[3], &at[4]); err != nil {
			return nil, translate(err)
		}
		for _, t := range at {
			if t.Valid {
				s.Instants = append(s.Instants, t.Time)
			}
		}
		if at[2].Valid {
			s.Deadlines = append(s.Deadlines, at[2].Time)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	rows.Close()
	labels, err := db.read.QueryContext(ctx, `SELECT expires_at FROM label_applications
		WHERE state = 'granted' AND expires_at IS NOT NULL`)
	if err != nil {
		return nil, translate(err)
	}
	defer labels.Close()
	for labels.Next() {
		var t time.Time
		if err := labels.Scan(&t); err != nil {
			return nil, translate(err)
		}
		s.Instants = append(s.Instants, t)
	}
	if err := labels.Err(); err != nil {
		return nil, translate(err)
	}
	slices.SortFunc(s.Instants, time.Time.Compare)
	slices.SortFunc(s.Deadlines, time.Time.Compare)
	db.public.mu.Lock()
	db.public.state = s
	db.public.mu.Unlock()
	return s, nil
}

// publicVersion reads the version of the public data (see PublicState).
func (db *DB) publicVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT version FROM public_version`).Scan(&v); err != nil {
		return 0, translate(err)
	}
	return v, nil
}

// versionedCache keeps values read at one version of the data they come
// from (the public data's, the users' links'), at most max of them: a
// newer version starts it afresh, a value read at an older version than
// the one held is dropped. Values are shared: callers copy them before
// handing them out.
type versionedCache[K comparable, V any] struct {
	mu      sync.Mutex
	max     int
	version int64
	values  map[K]V
}

func newVersionedCache[K comparable, V any](max int) *versionedCache[K, V] {
	return &versionedCache[K, V]{max: max}
}

func (c *versionedCache[K, V]) get(version int64, k K) (V, bool) {
	v, at, ok := c.peek(k)
	return v, ok && at == version
}

// peek returns the value kept for k and the version it was read at,
// whatever the version of the data now.
func (c *versionedCache[K, V]) peek(k K) (V, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[k]
	return v, c.version, ok
}

// update replaces the value kept for k by f of it, at the version it was
// read at; nothing when k is not kept.
func (c *versionedCache[K, V]) update(k K, f func(V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.values[k]; ok {
		c.values[k] = f(v)
	}
}

func (c *versionedCache[K, V]) put(version int64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil || version > c.version {
		c.version, c.values = version, map[K]V{}
	}
	if version == c.version {
		putBounded(&c.values, k, v, c.max)
	}
}

// Warm builds what the first requests after a start would otherwise build
// while the others wait behind them: the public state, the directory's
// index of valid labels and the matching's expertise profiles.
func (db *DB) Warm(ctx context.Context) error {
	if _, err := db.PublicState(ctx); err != nil {
		return err
	}
	version, err := db.publicVersion(ctx)
	if err != nil {
		return err
	}
	now := db.now()
	if _, err := db.directoryIndexAt(ctx, version, now); err != nil {
		return err
	}
	_, err = db.expertiseProfilesAt(ctx, version, now)
	return err
}
