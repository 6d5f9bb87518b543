package sqldb

import (
	"context"
	"database/sql"
	"maps"
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
// kept here as if written. A crash loses at most touchFlushEvery of marks,
// which only make a session look idle a few seconds longer.
type touches struct {
	mu       sync.Mutex
	sessions map[string]time.Time // by token hash
	tokens   map[int64]time.Time  // by API token ID

	stop chan struct{}
	done chan struct{}
}

func newTouches() *touches {
	return &touches{sessions: map[string]time.Time{}, tokens: map[int64]time.Time{}}
}

func (t *touches) session(hash string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at.After(t.sessions[hash]) {
		t.sessions[hash] = at
	}
}

func (t *touches) token(id int64, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at.After(t.tokens[id]) {
		t.tokens[id] = at
	}
}

// sessionSeen is the mark kept for a session, if any.
func (t *touches) sessionSeen(hash string) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.sessions[hash]
	return at, ok
}

// tokenUsed is the mark kept for an API token, if any.
func (t *touches) tokenUsed(id int64) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.tokens[id]
	return at, ok
}

// start writes the marks every touchFlushEvery until stopped.
func (db *DB) startTouches() {
	t := db.touched
	t.stop, t.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(t.done)
		tick := time.NewTicker(touchFlushEvery)
		defer tick.Stop()
		for {
			select {
			case <-t.stop:
				return
			case <-tick.C:
				_ = db.flushTouches(context.Background()) // kept for the next round on failure
			}
		}
	}()
}

// stopTouches stops the writing rounds and writes what is left.
func (db *DB) stopTouches() {
	t := db.touched
	if t.stop != nil {
		close(t.stop)
		<-t.done
		t.stop = nil
	}
	_ = db.flushTouches(context.Background())
}

// flushTouches writes the marks kept, in one transaction; on failure they
// are kept for the next round (a newer mark taken meanwhile wins).
func (db *DB) flushTouches(ctx context.Context) error {
	t := db.touched
	t.mu.Lock()
	sessions, tokens := t.sessions, t.tokens
	t.sessions, t.tokens = map[string]time.Time{}, map[int64]time.Time{}
	t.mu.Unlock()
	if len(sessions) == 0 && len(tokens) == 0 {
		return nil
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
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
	if err != nil {
		t.mu.Lock()
		for hash, at := range sessions {
			if at.After(t.sessions[hash]) {
				t.sessions[hash] = at
			}
		}
		maps.DeleteFunc(tokens, func(id int64, at time.Time) bool { return !at.After(t.tokens[id]) })
		maps.Copy(t.tokens, tokens)
		t.mu.Unlock()
	}
	return err
}
