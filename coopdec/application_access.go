package coopdec

import "time"

// applicationSubmitted reports whether a has been submitted: submitted, or
// withdrawn after its submission. Drafts, and applications withdrawn before
// they were ever submitted, belong to their authors alone.
func applicationSubmitted(a *Application) bool {
	return a.Status == ApplicationSubmitted || a.Status == ApplicationWithdrawn && !a.SubmittedAt.IsZero()
}

// CanViewApplication allows reading an application to c: the members of its
// lead organisation always; administrators; once it is submitted, officers
// and the co-managers of its call (users with the co_manager role who are
// members of one of c's co-managing organisations). A draft is its authors'
// work in progress: nobody else reads it.
func CanViewApplication(u *User, a *Application, c *Call) bool {
	if u == nil || a == nil {
		return false
	}
	if _, ok := u.Membership(a.LeadOrganisationID); ok {
		return true
	}
	if IsAdmin(u) {
		return true
	}
	if !applicationSubmitted(a) {
		return false
	}
	if u.HasRole(RoleOfficer) {
		return true
	}
	return c != nil && c.ID == a.CallID && u.HasRole(RoleCoManager) && callCoManagedBy(u, c)
}

// CanEditApplication allows changing an application: the members of its
// lead organisation, while it is a draft.
func CanEditApplication(u *User, a *Application) bool {
	if u == nil || a == nil || a.Status != ApplicationDraft {
		return false
	}
	_, ok := u.Membership(a.LeadOrganisationID)
	return ok
}

// CanCreateApplication allows starting an application to c at now: a member
// of a French local authority, while the call is open (CallStatusAt).
func CanCreateApplication(u *User, c *Call, now time.Time) bool {
	if u == nil || c == nil || CallStatusAt(c, now) != CallOpen {
		return false
	}
	for _, m := range u.Memberships {
		if m.OrganisationKind == OrgFrenchAuthority {
			return true
		}
	}
	return false
}
