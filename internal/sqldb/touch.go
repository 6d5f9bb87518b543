package sqldb

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// touchFlushEvery is how often the marks of sessions and API tokens used
// are written.
const touchFlushEvery = 5 * time.Second

// touches keeps the "last used" marks of sessions (last_seen_at) and API
// tokens (last_used_at) until they are written together, every
// touchFlushEvery, before a sweep and when the database closes. A request
// authenticated by a session or a token it had not used for a minute
// wrote the mark itself, and waited for SQLite's single writer to do so:
// on a busy day, the first request of every user in a minute. Readers of
// the marks (the session's idle timeout, the token list) see the ones
// kept here as if written, also while they are being written. A crash
// loses at most touchFlushEvery of marks, which only make a session look
// idle a few seconds longer.
type touches struct {
	flush sync.Mutex // held by a flush, one at a time

	mu       sync.Mutex
	sessions marks[string] // by token hash
	tokens   marks[int64]  // by API token ID

	rounds *rounds
}

// marks are the marks taken and not written yet, and those being written.
type marks[K comparable] struct {
	pending, writing map[K]time.Time
}

func (m *marks[K]) take(k K, at time.Time) {
	if m.pending == nil {
		m.pending = map[K]time.Time{}
	}
	if at.After(m.pending[k]) {
		m.pending[k] = at
	}
}

// seen is the latest mark of k kept, if any.
func (m *marks[K]) seen(k K) (time.Time, bool) {
	at, ok := m.pending[k]
	if w, wok := m.writing[k]; wok && w.After(at) {
		at, ok = w, true
	}
	return at, ok
}

// begin hands the pending marks over to be written.
func (m *marks[K]) begin() map[K]time.Time {
	m.writing, m.pending = m.pending, nil
	return m.writing
}

// end closes a writing; the marks of a failed one are kept for the next.
func (m *marks[K]) end(failed bool) {
	if failed {
		for k, at := range m.writing {
			m.take(k, at)
		}
	}
	m.writing = nil
}

// latest is stored, or the mark kept when it is later.
func latest(stored sql.NullTime, kept time.Time, ok bool) sql.NullTime {
	if ok && (!stored.Valid || kept.After(stored.Time)) {
		return sql.NullTime{Time: kept, Valid: true}
	}
	return stored
}

func (t *touches) session(hash string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sessions.take(hash, at)
}

func (t *touches) token(id int64, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tokens.take(id, at)
}

// sessionSeen is the mark kept for a session, if any.
func (t *touches) sessionSeen(hash string) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sessions.seen(hash)
}

// tokenUsed is when an API token was last used: stored, or kept here.
func (t *touches) tokenUsed(id int64, stored sql.NullTime) sql.NullTime {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.tokens.seen(id)
	return latest(stored, at, ok)
}

// startTouches writes the marks every touchFlushEvery until stopped.
func (db *DB) startTouches() {
	db.touched.rounds = startRounds(touchFlushEvery, func() {
		_ = db.flushTouches(context.Background()) // kept for the next round on failure
	})
}

// stopTouches stops the writing rounds and writes what is left.
func (db *DB) stopTouches() {
	if r := db.touched.rounds; r != nil {
		r.halt()
	}
	_ = db.flushTouches(context.Background())
}

// flushTouches writes the marks kept, in one transaction; on failure they
// are kept for the next round (a newer mark taken meanwhile wins).
func (db *DB) flushTouches(ctx context.Context) error {
	t := db.touched
	t.flush.Lock()
	defer t.flush.Unlock()
	t.mu.Lock()
	sessions, tokens := t.sessions.begin(), t.tokens.begin()
	t.mu.Unlock()
	var err error
	if len(sessions) > 0 || len(tokens) > 0 {
		err = db.tx(ctx, func(tx *sql.Tx) error {
			// Never backwards: a mark written meanwhile by another server stays.
			for hash, at := range sessions {
				if _, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1`,
					at, hash); err != nil {
					return err
				}
			}
			for id, at := range tokens {
				if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2
					AND (last_used_at IS NULL OR last_used_at < $1)`, at, id); err != nil {
					return err
				}
			}
			return nil
		})
	}
	t.mu.Lock()
	t.sessions.end(err != nil)
	t.tokens.end(err != nil)
	t.mu.Unlock()
	return err
}
