package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to spot.
const APITokenPrefix = "cdk_"

var errTokenInvalid = &coopdec.Error{Code: coopdec.EUNAUTHORIZED, Key: "token.invalid"}

// CreateAPIToken issues a token for a user and returns its secret, shown once.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name string, actor coopdec.Actor) (string, coopdec.APIToken, error) {
	t := coopdec.APIToken{UserID: userID, CreatedAt: db.now()}
	var err error
	if t.Name, err = coopdec.ValidateTokenName(name); err != nil {
		return "", t, err
	}
	t.ExpiresAt = t.CreatedAt.Add(coopdec.APITokenValidity)
	token, hash := newToken(APITokenPrefix)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, userID, t.Name, hash, t.CreatedAt, t.ExpiresAt).Scan(&t.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditTokenCreate, "user:"+strconv.FormatInt(userID, 10), t.Name)
	})
	return token, t, err
}

// APITokenUser returns the user a valid token acts for.
func (db *DB) APITokenUser(ctx context.Context, token string) (*coopdec.User, error) {
	hash := hashToken(token)
	u, c, _, err := db.credentialUser(ctx, tokenCredentials, hash, false)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errTokenInvalid
	}
	if err != nil {
		return nil, translate(err)
	}
	t := coopdec.APIToken{ID: c.id, ExpiresAt: c.at}
	if c.revoked.Valid {
		t.RevokedAt = &c.revoked.Time
	}
	now := db.now()
	if !t.Active(now) {
		return nil, errTokenInvalid
	}
	used := db.touched.tokenUsed(t.ID, c.used)
	// Written with the other marks (touches), at most once a minute.
	if !used.Valid || now.Sub(used.Time) > time.Minute {
		db.touched.token(t.ID, now)
		db.markCredential(tokenCredentials, hash, now)
	}
	if u.DisabledAt != nil {
		return nil, errTokenInvalid
	}
	return u, nil
}

// ListAPITokens returns a user's tokens, newest first (secrets are never kept).
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]coopdec.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.APIToken
	for rows.Next() {
		var t coopdec.APIToken
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &used, &revoked); err != nil {
			return nil, translate(err)
		}
		used = db.touched.tokenUsed(t.ID, used)
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		out = append(out, t)
	}
	return out, translate(rows.Err())
}

// RevokeAPIToken revokes one of a user's tokens; another user's token is
// reported as not found, so ids reveal nothing.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			db.now(), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "token.not_found"}
		}
		return db.audit(ctx, tx, actor, coopdec.AuditTokenRevoke, "user:"+strconv.FormatInt(userID, 10), "token:"+strconv.FormatInt(tokenID, 10))
	})
}
