package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errSessionInvalid = &coopdec.Error{Code: coopdec.EUNAUTHORIZED, Key: "session.invalid"}

// CreateSession opens a session for a user who just proved who they are and
// returns its secret for the cookie. replaced, when set, is the session the
// browser had before: it is destroyed so a login always gets a new identifier.
func (db *DB) CreateSession(ctx context.Context, userID int64, replaced, ip, userAgent string) (string, error) {
	token, hash := newToken("")
	now := db.now()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if replaced != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(replaced)); err != nil {
				return err
			}
		}
		// Old sessions are swept here rather than by a scheduler: logins are frequent enough.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND (last_seen_at < $2 OR created_at < $3)`,
			userID, now.Add(-coopdec.SessionIdleTimeout), now.Add(-coopdec.SessionAbsoluteTimeout)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5)`, hash, userID, now, ip, userAgent)
		return err
	})
	return token, err
}

// SessionUser returns the user of a valid session and marks it used. An
// expired session is deleted and reported as invalid.
func (db *DB) SessionUser(ctx context.Context, token string) (*coopdec.User, coopdec.Session, error) {
	var s coopdec.Session
	if token == "" {
		return nil, s, errSessionInvalid
	}
	hash := hashToken(token)
	now := db.now()
	var u *coopdec.User
	// The session kept may be refused for a mark of use older than
	// another server's: it is read again before being refused.
	for _, fresh := range []bool{false, true} {
		var c credential
		var kept bool
		var err error
		u, c, kept, err = db.credentialUser(ctx, sessionCredentials, hash, fresh)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, s, errSessionInvalid
		}
		if err != nil {
			return nil, s, translate(err)
		}
		s.CreatedAt, s.LastSeenAt = c.at, c.used.Time
		if at, ok := db.touched.sessionSeen(hash); ok && at.After(s.LastSeenAt) {
			s.LastSeenAt = at
		}
		if coopdec.SessionValid(s.CreatedAt, s.LastSeenAt, now) {
			break
		}
		if !kept {
			_, _ = db.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
			return nil, s, errSessionInvalid
		}
	}
	// A minute of slack on a 30-minute idle timeout is harmless; the mark
	// is written with the others (touches).
	if now.Sub(s.LastSeenAt) > time.Minute {
		db.touched.session(hash, now)
		db.markCredential(sessionCredentials, hash, now)
		s.LastSeenAt = now
	}
	s.UserID = u.ID
	if u.DisabledAt != nil {
		return nil, s, errSessionInvalid
	}
	return u, s, nil
}

// DeleteSession ends a session (logout).
func (db *DB) DeleteSession(ctx context.Context, token string, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.audit(ctx, tx, actor, coopdec.AuditLogout, "user:"+strconv.FormatInt(actor.UserID, 10), "")
	})
}

// RecordLoginAttempt notes a login attempt for throttling, and audits it.
func (db *DB) RecordLoginAttempt(ctx context.Context, email, ip string, success bool, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)`,
			email, ip, db.now(), success); err != nil {
			return err
		}
		action := coopdec.AuditLoginFailure
		if success {
			action = coopdec.AuditLoginSuccess
		}
		return db.audit(ctx, tx, coopdec.Actor{UserID: userID, IP: ip}, action, email, "")
	})
}

// RecentLoginFailures counts the failed logins within coopdec.LoginWindow for
// an address since its last success, and for a client IP.
func (db *DB) RecentLoginFailures(ctx context.Context, email, ip string) (byEmail, byIP int, err error) {
	since := db.now().Add(-coopdec.LoginWindow)
	err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts
		WHERE email = $1 AND at > $2 AND success = $3
		AND at > COALESCE((SELECT max(at) FROM login_attempts WHERE email = $1 AND success = $4), $2)`,
		email, since, false, true).Scan(&byEmail)
	if err != nil {
		return 0, 0, translate(err)
	}
	err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE ip = $1 AND at > $2 AND success = $3`,
		ip, since, false).Scan(&byIP)
	return byEmail, byIP, translate(err)
}
