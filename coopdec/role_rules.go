package coopdec

// CanRevokeRole allows removing a platform role from the user targetID:
// administrators may, except their own administrator role, so that the
// platform never loses its last administrator by a slip of the mouse
// (another administrator, or the command line, can do it).
func CanRevokeRole(u *User, targetID int64, role Role) bool {
	if !CanGrantRole(u) {
		return false
	}
	return !(u.ID == targetID && role == RoleAdmin)
}
