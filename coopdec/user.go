package coopdec

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a platform-wide role a user holds.
type Role string

const (
	RoleOfficer   Role = "officer"    // ministry officer (DAECT)
	RoleCoManager Role = "co_manager" // partner state, PACA region, UNDP: of given calls
	RoleEvaluator Role = "evaluator"
	RoleEmbassy   Role = "embassy"
	RoleAdmin     Role = "admin"
)

// Roles lists every platform role.
var Roles = []Role{RoleOfficer, RoleCoManager, RoleEvaluator, RoleEmbassy, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// MemberRole is a user's role inside an organisation.
type MemberRole string

const (
	MemberRoleMember MemberRole = "member"
	MemberRoleAdmin  MemberRole = "admin"
)

// Valid reports whether r is a known membership role.
func (r MemberRole) Valid() bool { return r == MemberRoleMember || r == MemberRoleAdmin }

// Membership links a user to an organisation.
type Membership struct {
	OrganisationID   int64
	OrganisationName string
	OrganisationKind OrgKind
	Role             MemberRole
}

// User is an account.
type User struct {
	ID           int64
	Email        string
	Name         string
	Language     string // fr, en, es or pt; empty: follow the browser
	PasswordHash string
	CreatedAt    time.Time
	DisabledAt   *time.Time

	Roles       []Role
	Memberships []Membership
}

// HasRole reports whether u holds r.
func (u *User) HasRole(r Role) bool {
	if u == nil {
		return false
	}
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Membership returns u's membership of organisation id.
func (u *User) Membership(orgID int64) (Membership, bool) {
	if u == nil {
		return Membership{}, false
	}
	for _, m := range u.Memberships {
		if m.OrganisationID == orgID {
			return m, true
		}
	}
	return Membership{}, false
}

// Languages the interface speaks, French first.
var Languages = []string{"fr", "en", "es", "pt"}

// ValidLanguage reports whether l is one of Languages.
func ValidLanguage(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// NormalizeEmail trims and lowercases an address and checks its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", FieldError("email", "user.email.required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") || len(s) > 254 {
		return "", FieldError("email", "user.email.invalid")
	}
	return s, nil
}

// ValidateName checks a person's display name.
func ValidateName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError("name", "user.name.required")
	}
	if utf8.RuneCountInString(s) > 120 {
		return "", FieldError("name", "user.name.too_long", 120)
	}
	return s, nil
}
