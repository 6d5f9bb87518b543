package coopdec

// Who may do what. Every rule is a pure function of the actor and the
// object, so the HTML and JSON handlers share it and tests cover it.

// IsAdmin reports whether u administers the platform.
func IsAdmin(u *User) bool { return u.HasRole(RoleAdmin) }

// CanAdminister allows the admin pages: accounts, roles, audit trail, outbox.
func CanAdminister(u *User) bool { return IsAdmin(u) }

// CanGrantRole allows giving or removing platform roles.
func CanGrantRole(u *User) bool { return IsAdmin(u) }

// CanViewOrganisationPrivate allows reading an organisation's private data
// (its members, invitations and, later, its drafts): its own members, and
// ministry officers and administrators.
func CanViewOrganisationPrivate(u *User, orgID int64) bool {
	if u == nil {
		return false
	}
	if _, ok := u.Membership(orgID); ok {
		return true
	}
	return u.HasRole(RoleOfficer) || IsAdmin(u)
}

// CanEditOrganisation allows changing an organisation's profile: its
// organisation admins and platform administrators.
func CanEditOrganisation(u *User, orgID int64) bool {
	if u == nil {
		return false
	}
	if m, ok := u.Membership(orgID); ok && m.Role == MemberRoleAdmin {
		return true
	}
	return IsAdmin(u)
}

// CanInviteToOrganisation allows inviting new members into an organisation.
func CanInviteToOrganisation(u *User, orgID int64) bool { return CanEditOrganisation(u, orgID) }

// CanCreateOrganisation allows registering an organisation directly (French
// local authorities also join through their invitation).
func CanCreateOrganisation(u *User) bool {
	return u.HasRole(RoleOfficer) || IsAdmin(u)
}

// CanInviteWithRole allows an invitation that grants platform roles: only
// administrators may hand out roles; an invitation without roles needs
// CanInviteToOrganisation or CanCreateOrganisation instead.
func CanInviteWithRole(u *User, roles []Role) bool {
	if len(roles) == 0 {
		return u != nil
	}
	return IsAdmin(u)
}

// CanJoinAuthorityBySignup allows an open local-authority invitation to make
// its holder a member of the authority they pick in the referential: only
// while that authority has no member, and then as its admin. Once it has
// members, newcomers join through an invitation from its admins, who vouch
// for them; otherwise anyone invited could pick any authority and reach its
// members and drafts.
func CanJoinAuthorityBySignup(currentMembers int) bool { return currentMembers == 0 }

// CanInvite allows sending an invitation: roles only from administrators,
// into an organisation only from those who may invite there, and an open
// local-authority invitation only from those who may register organisations.
func CanInvite(u *User, inv *Invitation) bool {
	switch {
	case u == nil || inv == nil:
		return false
	case !CanInviteWithRole(u, inv.Roles):
		return false
	case inv.OrganisationID != 0 && !CanInviteToOrganisation(u, inv.OrganisationID):
		return false
	case inv.ForLocalAuthority && !CanCreateOrganisation(u):
		return false
	}
	return true
}
