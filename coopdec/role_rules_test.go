package coopdec

import "testing"

func TestCanRevokeRole(t *testing.T) {
	admin := &User{ID: 1, Roles: []Role{RoleAdmin}}
	officer := &User{ID: 2, Roles: []Role{RoleOfficer}}
	for _, tc := range []struct {
		name   string
		u      *User
		target int64
		role   Role
		want   bool
	}{
		{"admin removes another's admin role", admin, 3, RoleAdmin, true},
		{"admin removes another role of their own", admin, 1, RoleOfficer, true},
		{"admin removes their own admin role", admin, 1, RoleAdmin, false},
		{"officer removes a role", officer, 3, RoleEvaluator, false},
		{"anonymous", nil, 3, RoleEvaluator, false},
	} {
		if got := CanRevokeRole(tc.u, tc.target, tc.role); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}
