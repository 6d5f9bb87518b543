package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

var errInvitationInvalid = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "invitation.invalid"}

// CreateInvitation stores an invitation and returns the secret for its link.
func (db *DB) CreateInvitation(ctx context.Context, inv *coopdec.Invitation, actor coopdec.Actor) (string, error) {
	if err := inv.Validate(); err != nil {
		return "", err
	}
	inv.CreatedAt = db.now()
	inv.ExpiresAt = inv.CreatedAt.Add(coopdec.InvitationValidity)
	inv.InvitedBy = actor.UserID
	token, hash := newToken("")
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email = $1`, inv.Email).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return coopdec.FieldError("email", "invitation.email.has_account")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO invitations (token_hash, email, organisation_id, member_role, roles, invited_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, hash, inv.Email, nullID(inv.OrganisationID), string(inv.MemberRole),
			joinRoles(inv.Roles), nullID(actor.UserID), inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditInvitationCreate, inv.Email,
			"organisation:"+strconv.FormatInt(inv.OrganisationID, 10)+" roles:"+joinRoles(inv.Roles))
	})
	return token, err
}

func joinRoles(rs []coopdec.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []coopdec.Role {
	var out []coopdec.Role
	for _, r := range strings.Split(s, ",") {
		if r != "" {
			out = append(out, coopdec.Role(r))
		}
	}
	return out
}

// Invitation returns the pending, unexpired invitation behind a link secret.
func (db *DB) Invitation(ctx context.Context, token string) (*coopdec.Invitation, error) {
	return db.invitation(ctx, db.read, token)
}

func (db *DB) invitation(ctx context.Context, q querier, token string) (*coopdec.Invitation, error) {
	inv := &coopdec.Invitation{}
	var roles string
	var used sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT i.id, i.email, COALESCE(i.organisation_id, 0), COALESCE(o.name, ''), i.member_role, i.roles,
		COALESCE(i.invited_by, 0), i.created_at, i.expires_at, i.used_at
		FROM invitations i LEFT JOIN organisations o ON o.id = i.organisation_id WHERE i.token_hash = $1`, hashToken(token)).
		Scan(&inv.ID, &inv.Email, &inv.OrganisationID, &inv.OrganisationName, &inv.MemberRole, &roles, &inv.InvitedBy,
			&inv.CreatedAt, &inv.ExpiresAt, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInvitationInvalid
	}
	if err != nil {
		return nil, translate(err)
	}
	if used.Valid || !db.now().Before(inv.ExpiresAt) {
		return nil, errInvitationInvalid
	}
	inv.Roles = splitRoles(roles)
	inv.ForLocalAuthority = inv.OrganisationID == 0 && len(inv.Roles) == 0
	return inv, nil
}

// AcceptInvitation creates the invited account in one transaction: the user,
// its roles, its membership and, for a local authority picked from the
// referential, the organisation itself when nobody registered it yet (its
// first member becomes its admin). The invitation can be used only once.
func (db *DB) AcceptInvitation(ctx context.Context, token string, u *coopdec.User, authority *coopdec.Territory, ip string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		inv, err := db.invitation(ctx, tx, token)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, db.now(), inv.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errInvitationInvalid
		}
		u.Email = inv.Email
		u.Roles = inv.Roles
		actor := coopdec.Actor{UserID: inv.InvitedBy, IP: ip}
		if err := db.createUser(ctx, tx, u, actor); err != nil {
			return err
		}
		orgID, role := inv.OrganisationID, inv.MemberRole
		if inv.ForLocalAuthority {
			if authority == nil {
				return coopdec.FieldError("territory", "signup.authority.required")
			}
			org, _, err := db.authorityFromTerritory(ctx, tx, *authority, coopdec.Actor{UserID: u.ID, IP: ip})
			if err != nil {
				return err
			}
			var members int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE organisation_id = $1`, org.ID).Scan(&members); err != nil {
				return err
			}
			if !coopdec.CanJoinAuthorityBySignup(members) {
				return coopdec.FieldError("territory", "signup.authority.has_members", org.Name)
			}
			orgID, role = org.ID, coopdec.MemberRoleAdmin
		}
		if orgID != 0 {
			if err := db.addMembership(ctx, tx, u.ID, orgID, role, coopdec.Actor{UserID: u.ID, IP: ip}); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, coopdec.Actor{UserID: u.ID, IP: ip}, coopdec.AuditInvitationAccept, inv.Email, "")
	})
}

// CreatePasswordReset issues a one-time reset secret for a user.
func (db *DB) CreatePasswordReset(ctx context.Context, userID int64, ip string) (string, error) {
	token, hash := newToken("")
	now := db.now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, userID, now, now.Add(coopdec.PasswordResetValidity)); err != nil {
			return err
		}
		return db.audit(ctx, tx, coopdec.Actor{IP: ip}, coopdec.AuditResetRequest, "user:"+strconv.FormatInt(userID, 10), "")
	})
	return token, err
}

// PasswordResetUser returns the user a valid, unused reset secret is for.
func (db *DB) PasswordResetUser(ctx context.Context, token string) (int64, error) {
	return db.resetUser(ctx, db.read, token)
}

var errResetInvalid = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "reset.invalid"}

func (db *DB) resetUser(ctx context.Context, q querier, token string) (int64, error) {
	var userID int64
	var expires sql.NullTime
	var used sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1`, hashToken(token)).
		Scan(&userID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errResetInvalid
	}
	if err != nil {
		return 0, translate(err)
	}
	if used.Valid || !db.now().Before(expires.Time) {
		return 0, errResetInvalid
	}
	return userID, nil
}

// ResetPassword sets a new password through a reset secret, once: the secret
// and every other pending one of the user are spent, and every session ends.
func (db *DB) ResetPassword(ctx context.Context, token, hash, ip string) (int64, error) {
	var userID int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if userID, err = db.resetUser(ctx, tx, token); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, userID)
		if err != nil {
			return err
		}
		// A concurrent use committed first (PostgreSQL does not serialize
		// the transactions as SQLite does): the secret is spent.
		if n, _ := res.RowsAffected(); n == 0 {
			return errResetInvalid
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return db.audit(ctx, tx, coopdec.Actor{UserID: userID, IP: ip}, coopdec.AuditPasswordReset, "user:"+strconv.FormatInt(userID, 10), "")
	})
	return userID, err
}
