package coopdec

import "slices"

// CanSeeMissionMatches allows reading the ranked labelled authorities
// proposed for m: ministry officers, and the staff of the embassy that made
// the request. Invited authorities never see how they and others ranked.
func CanSeeMissionMatches(v MissionViewer, m *MissionRequest) bool {
	if m == nil || v.User == nil {
		return false
	}
	if v.User.HasRole(RoleOfficer) {
		return true
	}
	return m.EmbassyID != 0 && v.User.HasRole(RoleEmbassy) && slices.Contains(EmbassiesOf(v.User), m.EmbassyID)
}

// PublicMission reports whether a mission request may be shown on the
// public country page: only once an authority was selected (state
// selected), and then only the authority, the partner institution and the
// themes. Requests still open, under invitation or cancelled are the
// ministry's and the embassies' business, as are the need, the budget and
// the replies.
func PublicMission(m *MissionRequest) bool {
	return m != nil && m.State == MissionSelected && m.AuthorityID != 0
}
