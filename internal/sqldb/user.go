package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

var errUserNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "user.not_found"}

// CreateUser stores a new account with its roles. u.PasswordHash must be set.
func (db *DB) CreateUser(ctx context.Context, u *coopdec.User, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.createUser(ctx, tx, u, actor) })
}

func (db *DB) createUser(ctx context.Context, tx *sql.Tx, u *coopdec.User, actor coopdec.Actor) error {
	u.CreatedAt = db.now()
	// Stored as UserByEmail looks it up, so that case cannot make a duplicate.
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, language, password_hash, search, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Email, u.Name, u.Language, u.PasswordHash,
		userSearchText(u), u.CreatedAt).Scan(&u.ID)
	if isConflict(err) {
		return coopdec.FieldError("email", "user.email.taken")
	}
	if err != nil {
		return err
	}
	if actor.UserID == 0 {
		actor.UserID = u.ID
	}
	if err := db.audit(ctx, tx, actor, coopdec.AuditUserCreate, u.Email, ""); err != nil {
		return err
	}
	for _, r := range u.Roles {
		if err := db.grantRole(ctx, tx, u.ID, r, actor); err != nil {
			return err
		}
	}
	return nil
}

// userSearchText is what the admin search matches: name and address, folded.
func userSearchText(u *coopdec.User) string {
	return coopdec.Fold(u.Name) + " " + coopdec.Fold(u.Email)
}

// UserByID returns the account with its roles and memberships.
func (db *DB) UserByID(ctx context.Context, id int64) (*coopdec.User, error) {
	return db.loadUser(ctx, db.read, "id = $1", id)
}

// UserByEmail returns the account with that (normalized) address.
func (db *DB) UserByEmail(ctx context.Context, email string) (*coopdec.User, error) {
	return db.loadUser(ctx, db.read, "email = $1", strings.ToLower(strings.TrimSpace(email)))
}

const userColumns = `id, email, name, language, password_hash, created_at, disabled_at`

// joinedUserColumns are userColumns read from a join, where the users
// table is u.
const joinedUserColumns = `u.id, u.email, u.name, u.language, u.password_hash, u.created_at, u.disabled_at`

func scanUser(sc interface{ Scan(...any) error }) (*coopdec.User, error) {
	return scanUserAfter(sc)
}

// scanUserAfter scans a row whose last columns are userColumns, into
// before for the columns before them.
func scanUserAfter(sc interface{ Scan(...any) error }, before ...any) (*coopdec.User, error) {
	u := &coopdec.User{}
	var disabled sql.NullTime
	if err := sc.Scan(append(before, &u.ID, &u.Email, &u.Name, &u.Language, &u.PasswordHash, &u.CreatedAt, &disabled)...); err != nil {
		return nil, err
	}
	if disabled.Valid {
		u.DisabledAt = &disabled.Time
	}
	return u, nil
}

// credential is what a session or an API token says of itself, as
// credentialUser reads it with the account it belongs to.
type credential struct {
	user coopdec.User // without its roles and memberships
	// id is the token's; 0 for a session.
	id int64
	// at is the session's creation, the token's expiry.
	at time.Time
	// used is the last mark of use written: the session's last_seen_at,
	// the token's last_used_at.
	used sql.NullTime
	// revoked is the token's revocation.
	revoked sql.NullTime
}

// credentialKey names a credential kept in db.creds: its table and the
// hash of its secret.
type credentialKey struct{ table, hash string }

// credentialTable is a table of credentials and the columns of one of
// them (alias c), in the order of the fields of credential.
type credentialTable struct{ name, columns string }

var (
	sessionCredentials = credentialTable{"sessions", `0, c.created_at, c.last_seen_at, NULL`}
	tokenCredentials   = credentialTable{"api_tokens", `c.id, c.expires_at, c.last_used_at, c.revoked_at`}
)

// markCredential records at as the last use of a credential kept (its
// mark, taken by touches), so that the one kept goes on telling when it
// was last used once the mark is written: marks are taken at most once a
// minute against it.
func (db *DB) markCredential(t credentialTable, hash string, at time.Time) {
	db.creds.update(credentialKey{t.name, hash}, func(c credential) credential {
		if !c.used.Valid || at.After(c.used.Time) {
			c.used = sql.NullTime{Time: at, Valid: true}
		}
		return c
	})
}

// credentialsKept is how many credentials db.creds keeps, as many as the
// users' links kept.
const credentialsKept = userLinksKept

// credentialUser reads the user a credential belongs to, a session or an
// API token of table t found by the hash of its secret, with the user's
// roles and memberships: every request that carries one comes here.
//
// Both are kept between requests, each by the version of what it comes
// from, raised by triggers in the transactions that change it: the
// credential with its account in db.creds (credential_version: a session
// ended, a token revoked, an account changed), the roles and memberships
// in db.links (user_links_version). A request whose credential is kept
// reads the two versions, one row each, and reads again only what is not
// kept at them; one whose credential is not kept reads it with the
// versions, in one query. The marks of use do not raise the credentials'
// version, so that the one kept holds the mark read with it: fresh reads
// the credential whatever is kept, for a caller about to refuse it for
// having been idle too long, which another server's marks may
// contradict; kept tells whether the credential returned is the one kept,
// not read by this call. sql.ErrNoRows: no such credential.
//
// The versions are read before or with what they cover: what is read
// after them may be newer than they say, never older, and a newer
// version makes it unused.
func (db *DB) credentialUser(ctx context.Context, t credentialTable, hash string, fresh bool) (
	_ *coopdec.User, c credential, kept bool, err error) {
	const versions = `(SELECT version FROM credential_version), (SELECT version FROM user_links_version)`
	var credVersion, linksVersion int64
	key := credentialKey{t.name, hash}
	c, keptAt, kept := db.creds.peek(key)
	kept = kept && !fresh
	if kept {
		if err := db.read.QueryRowContext(ctx, `SELECT `+versions).Scan(&credVersion, &linksVersion); err != nil {
			return nil, c, false, err
		}
		kept = credVersion == keptAt
	}
	if !kept {
		u, err := scanUserAfter(db.read.QueryRowContext(ctx, `SELECT `+versions+`, `+t.columns+`, `+
			joinedUserColumns+` FROM `+t.name+` c JOIN users u ON u.id = c.user_id WHERE c.token_hash = $1`, hash),
			&credVersion, &linksVersion, &c.id, &c.at, &c.used, &c.revoked)
		if err != nil {
			return nil, c, false, err
		}
		c.user = *u
		db.creds.put(credVersion, key, c)
	}
	u := c.user
	if c.user.DisabledAt != nil {
		at := *c.user.DisabledAt
		u.DisabledAt = &at
	}
	if l, ok := db.links.get(linksVersion, u.ID); ok {
		u.Roles, u.Memberships = slices.Clone(l.roles), slices.Clone(l.memberships)
		return &u, c, kept, nil
	}
	if err := db.loadUserLinks(ctx, db.read, []*coopdec.User{&u}); err != nil {
		return nil, c, kept, err
	}
	db.links.put(linksVersion, u.ID, userLinks{slices.Clone(u.Roles), slices.Clone(u.Memberships)})
	return &u, c, kept, nil
}

// userLinksKept is how many users' links db.links keeps: the users of a
// deadline day's surge, a few kilobytes each at most.
const userLinksKept = 16384

// userLinks are a user's roles and memberships, as kept by db.links.
type userLinks struct {
	roles       []coopdec.Role
	memberships []coopdec.Membership
}

// The columns of the rows of a user's links (roles, of user_roles r, then
// memberships, of memberships m and organisations o), as
// addUserLink reads them.
const (
	roleLinkColumns       = `0 AS link, r.role AS role, 0 AS org_id, '' AS org_name, '' AS org_kind`
	membershipLinkColumns = `1, m.role, o.id, o.name, o.kind`
)

// addUserLink adds a row of a user's links to u: a role (link 0) or a
// membership of m's organisation (link 1, role the role held in it).
func addUserLink(u *coopdec.User, link int, role string, m coopdec.Membership) {
	if link == 0 {
		u.Roles = append(u.Roles, coopdec.Role(role))
		return
	}
	m.Role = coopdec.MemberRole(role)
	u.Memberships = append(u.Memberships, m)
}

func (db *DB) loadUser(ctx context.Context, q querier, where string, arg any) (*coopdec.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	if err := db.loadUserLinks(ctx, q, []*coopdec.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// loadUserLinks fills the roles (by name) and memberships (by
// organisation name) of users, in one query for the lot: every
// authenticated request loads its user.
func (db *DB) loadUserLinks(ctx context.Context, q querier, users []*coopdec.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*coopdec.User, len(users))
	ids := make([]any, len(users))
	for i, u := range users {
		byID[u.ID], ids[i] = u, u.ID
	}
	in := placeholders(1, len(ids))
	rows, err := q.QueryContext(ctx, `SELECT r.user_id AS user_id, `+roleLinkColumns+`
		FROM user_roles r WHERE r.user_id IN (`+in+`)
		UNION ALL SELECT m.user_id, `+membershipLinkColumns+` FROM memberships m
		JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id IN (`+in+`)
		ORDER BY user_id, link, org_name, role`, ids...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var link int
		var role string
		var m coopdec.Membership
		if err := rows.Scan(&id, &link, &role, &m.OrganisationID, &m.OrganisationName, &m.OrganisationKind); err != nil {
			return translate(err)
		}
		addUserLink(byID[id], link, role, m)
	}
	return translate(rows.Err())
}

// UserFilter selects accounts in the admin list.
type UserFilter struct {
	Query string
	Role  coopdec.Role
}

// ListUsers returns accounts matching f, by name.
func (db *DB) ListUsers(ctx context.Context, f UserFilter, page coopdec.Page) ([]*coopdec.User, coopdec.Page, error) {
	where, args := "WHERE 1=1", []any{}
	if q := strings.TrimSpace(f.Query); q != "" {
		// A query of punctuation only folds to nothing and matches nobody.
		args = append(args, "%"+likeEscape(coopdec.Fold(q))+"%")
		where += ` AND search LIKE $1 ESCAPE '\' AND $1 <> '%%'`
	}
	if f.Role != "" {
		args = append(args, string(f.Role))
		where += " AND id IN (SELECT user_id FROM user_roles WHERE role = $" + strconv.Itoa(len(args)) + ")"
	}
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM users "+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	args = append(args, page.PerPage, page.Offset())
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users `+where+` ORDER BY search, id LIMIT $`+
		strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	var users []*coopdec.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, page, translate(err)
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, page, translate(err)
	}
	if err := db.loadUserLinks(ctx, db.read, users); err != nil {
		return nil, page, err
	}
	if users == nil {
		users = []*coopdec.User{}
	}
	return users, page, nil
}

// GrantRole gives a platform role; granting a held role changes nothing.
func (db *DB) GrantRole(ctx context.Context, userID int64, role coopdec.Role, actor coopdec.Actor) error {
	if !role.Valid() {
		return coopdec.FieldError("role", "role.invalid", string(role))
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.grantRole(ctx, tx, userID, role, actor) })
}

func (db *DB) grantRole(ctx context.Context, tx *sql.Tx, userID int64, role coopdec.Role, actor coopdec.Actor) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, role) DO NOTHING`, userID, string(role), db.now(), nullID(actor.UserID))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return db.audit(ctx, tx, actor, coopdec.AuditRoleGrant, "user:"+strconv.FormatInt(userID, 10), string(role))
}

// RevokeRole removes a platform role.
func (db *DB) RevokeRole(ctx context.Context, userID int64, role coopdec.Role, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1 AND role = $2`, userID, string(role))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.audit(ctx, tx, actor, coopdec.AuditRoleRevoke, "user:"+strconv.FormatInt(userID, 10), string(role))
	})
}

// AddMembership makes a user a member (or admin) of an organisation, or
// changes their role there.
func (db *DB) AddMembership(ctx context.Context, userID, orgID int64, role coopdec.MemberRole, actor coopdec.Actor) error {
	if !role.Valid() {
		return coopdec.FieldError("member_role", "invitation.member_role.invalid")
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.addMembership(ctx, tx, userID, orgID, role, actor) })
}

func (db *DB) addMembership(ctx context.Context, tx *sql.Tx, userID, orgID int64, role coopdec.MemberRole, actor coopdec.Actor) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, organisation_id) DO UPDATE SET role = excluded.role`, userID, orgID, string(role), db.now())
	if err != nil {
		return err
	}
	return db.audit(ctx, tx, actor, coopdec.AuditMembershipAdd, "user:"+strconv.FormatInt(userID, 10),
		"organisation:"+strconv.FormatInt(orgID, 10)+" role:"+string(role))
}

// RemoveMembership takes a user out of an organisation.
func (db *DB) RemoveMembership(ctx context.Context, userID, orgID int64, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2`, userID, orgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "membership.not_found"}
		}
		return db.audit(ctx, tx, actor, coopdec.AuditMembershipRemove, "user:"+strconv.FormatInt(userID, 10),
			"organisation:"+strconv.FormatInt(orgID, 10))
	})
}

// SetLanguage stores the interface language chosen by a user, audited in
// the same transaction.
func (db *DB) SetLanguage(ctx context.Context, userID int64, lang string, actor coopdec.Actor) error {
	if lang != "" && !coopdec.ValidLanguage(lang) {
		return coopdec.FieldError("language", "user.language.invalid")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, lang, userID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditLanguageChange, "user:"+strconv.FormatInt(userID, 10), lang)
	})
}

// SetPassword replaces a user's password hash and ends every session but
// keepSession (the one that made the change, if any), so that a stolen
// session dies with the old password.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash, keepSession string, actor coopdec.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, hashToken(keepSession)); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, coopdec.AuditPasswordChange, "user:"+strconv.FormatInt(userID, 10), "")
	})
}
