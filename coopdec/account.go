package coopdec

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Actor is who performs a change, and from where; the audit trail records it.
type Actor struct {
	UserID int64 // 0 for the system or an anonymous visitor
	IP     string
}

// Session is a logged-in browser session, kept server-side.
type Session struct {
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// APIToken lets a machine client act as a user through the JSON API.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token may still be used at now.
func (t APIToken) Active(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// ValidateTokenName checks the label a user gives a token.
func ValidateTokenName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError("name", "token.name.required")
	}
	if utf8.RuneCountInString(s) > 80 {
		return "", FieldError("name", "token.name.too_long", 80)
	}
	return s, nil
}

// Invitation lets someone create an account: into an organisation (with a
// membership role), with platform roles, or as the first member of a French
// local authority they pick from the referential (OrganisationID 0 and
// ForLocalAuthority set).
type Invitation struct {
	ID                int64
	Email             string
	OrganisationID    int64
	OrganisationName  string
	MemberRole        MemberRole
	Roles             []Role
	ForLocalAuthority bool
	InvitedBy         int64
	CreatedAt         time.Time
	ExpiresAt         time.Time
	UsedAt            *time.Time
}

// Validate checks an invitation before it is stored.
func (inv *Invitation) Validate() error {
	var errs Errors
	email, err := NormalizeEmail(inv.Email)
	if err != nil {
		errs = append(errs, err.(*Error))
	}
	inv.Email = email
	if inv.MemberRole == "" {
		inv.MemberRole = MemberRoleMember
	}
	if !inv.MemberRole.Valid() {
		errs = append(errs, FieldError("member_role", "invitation.member_role.invalid"))
	}
	for _, r := range inv.Roles {
		if !r.Valid() {
			errs = append(errs, FieldError("roles", "role.invalid", string(r)))
		}
	}
	if inv.OrganisationID != 0 && inv.ForLocalAuthority {
		errs = append(errs, FieldError("organisation_id", "invitation.target.both"))
	}
	if inv.ForLocalAuthority && len(inv.Roles) > 0 {
		// The first member of a local authority signs up as its member; roles
		// are for ministry, partner and platform staff.
		errs = append(errs, FieldError("roles", "invitation.target.authority_roles"))
	}
	if inv.OrganisationID == 0 && !inv.ForLocalAuthority && len(inv.Roles) == 0 {
		errs = append(errs, FieldError("organisation_id", "invitation.target.none"))
	}
	return errs.Err()
}

// AuditEvent is one entry of the append-only trail of security events.
type AuditEvent struct {
	ID      int64
	At      time.Time
	ActorID int64
	Action  string
	Subject string
	IP      string
	Details string
}

// Audit actions.
const (
	AuditLoginSuccess     = "login.success"
	AuditLoginFailure     = "login.failure"
	AuditLoginThrottled   = "login.throttled"
	AuditLogout           = "logout"
	AuditUserCreate       = "user.create"
	AuditRoleGrant        = "role.grant"
	AuditRoleRevoke       = "role.revoke"
	AuditMembershipAdd    = "membership.add"
	AuditMembershipRemove = "membership.remove"
	AuditTokenCreate      = "token.create"
	AuditTokenRevoke      = "token.revoke"
	AuditPasswordChange   = "password.change"
	AuditResetRequest     = "password.reset_request"
	AuditPasswordReset    = "password.reset"
	AuditInvitationCreate = "invitation.create"
	AuditInvitationAccept = "invitation.accept"
	AuditOrganisationAdd  = "organisation.create"
	AuditLanguageChange   = "user.language"
	AuditOutboxView       = "outbox.view"
	AuditNameChange       = "user.name"
	AuditProgrammeCreate  = "programme.create"
	AuditCallCreate       = "call.create"
	AuditCallUpdate       = "call.update"
	AuditCallStatus       = "call.status"

	AuditSavedSearchCreate      = "saved_search.create"
	AuditSavedSearchDelete      = "saved_search.delete"
	AuditSavedSearchUnsubscribe = "saved_search.unsubscribe"

	AuditApplicationCreate   = "application.create"
	AuditApplicationUpdate   = "application.update"
	AuditAttachmentAdd       = "application.attachment.add"
	AuditAttachmentDelete    = "application.attachment.delete"
	AuditPartnerInvite       = "application.partner.invite"
	AuditPartnerRespond      = "application.partner.respond"
	AuditApplicationSubmit   = "application.submit"
	AuditApplicationWithdraw = "application.withdraw"
	AuditCorrectionRequest   = "application.correction.request"
	AuditCorrectionCancel    = "application.correction.cancel"
	AuditCorrectionAnswer    = "application.correction.answer"
	AuditAssignmentCreate    = "evaluation.assignment.create"
	AuditAssignmentEnd       = "evaluation.assignment.end"
	AuditEvaluationSubmit    = "evaluation.submit"
	AuditConsensusRecord     = "evaluation.consensus"
	AuditAdmissibility       = "application.admissibility"

	AuditDecisionCreate  = "decision.create"
	AuditDecisionApprove = "decision.approve"
	AuditDecisionReject  = "decision.reject"
	AuditEnvelopeCommit  = "envelope.commit"

	AuditEvaluationSetup     = "evaluation.setup"
	AuditDeclarationSave     = "evaluation.declaration"
	AuditNoConflictConfirm   = "evaluation.no_conflict"
	AuditOpinionRequest      = "opinion.request"
	AuditOpinionGive         = "opinion.give"
	AuditCommitteeSession    = "committee.session"
	AuditCommitteeAdjustment = "committee.adjustment"
	AuditDecisionResubmit    = "decision.resubmit"
	AuditDecisionPublish     = "decision.publish"
	AuditReviewRequest       = "review.request"
	AuditReviewOutcome       = "review.outcome"
	AuditEnvelopeRelease     = "envelope.release"

	AuditAllowanceRateAdd     = "mission.rate.add"
	AuditProgrammeEnvelopeSet = "programme.envelope.set"
	AuditMissionOrderSave     = "mission.order.save"
	AuditMissionReport        = "mission.report"
	AuditMissionEvaluate      = "mission.evaluate"
)

// AuditActions lists every audit action, in the order filters offer them.
var AuditActions = []string{
	AuditLoginSuccess, AuditLoginFailure, AuditLoginThrottled, AuditLogout,
	AuditUserCreate, AuditRoleGrant, AuditRoleRevoke, AuditMembershipAdd,
	AuditMembershipRemove, AuditTokenCreate, AuditTokenRevoke, AuditPasswordChange,
	AuditResetRequest, AuditPasswordReset, AuditInvitationCreate, AuditInvitationAccept,
	AuditOrganisationAdd, AuditLanguageChange, AuditNameChange, AuditOutboxView,
	AuditProgrammeCreate, AuditCallCreate, AuditCallUpdate, AuditCallStatus,
	AuditSavedSearchCreate, AuditSavedSearchDelete, AuditSavedSearchUnsubscribe,
	AuditApplicationCreate, AuditApplicationUpdate, AuditAttachmentAdd, AuditAttachmentDelete,
	AuditPartnerInvite, AuditPartnerRespond, AuditApplicationSubmit, AuditApplicationWithdraw,
	AuditCorrectionRequest, AuditCorrectionCancel, AuditCorrectionAnswer,
	AuditAssignmentCreate, AuditAssignmentEnd, AuditEvaluationSubmit, AuditConsensusRecord, AuditAdmissibility,
	AuditDecisionCreate, AuditDecisionApprove, AuditDecisionReject, AuditEnvelopeCommit,
	AuditEvaluationSetup, AuditDeclarationSave, AuditNoConflictConfirm, AuditOpinionRequest, AuditOpinionGive,
	AuditCommitteeSession, AuditCommitteeAdjustment, AuditDecisionResubmit, AuditDecisionPublish,
	AuditReviewRequest, AuditReviewOutcome, AuditEnvelopeRelease,
	AuditLabelSubmit, AuditLabelRequestChanges, AuditLabelGrant, AuditLabelRefuse, AuditLabelRevoke,
	AuditCountryPriorities,
	AuditMissionRequest, AuditMissionInvite, AuditMissionReply, AuditMissionSelect, AuditMissionPropose, AuditMissionProposalReview,
	AuditAllowanceRateAdd, AuditProgrammeEnvelopeSet, AuditMissionOrderSave, AuditMissionReport, AuditMissionEvaluate,
}

// Page is a slice of a longer list.
type Page struct {
	Page    int
	PerPage int
	Total   int
}

// NewPage bounds a requested page number and size.
func NewPage(page, perPage int) Page {
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 100 {
		perPage = 20
	}
	return Page{Page: page, PerPage: perPage}
}

// Offset returns the number of rows to skip.
func (p Page) Offset() int { return (p.Page - 1) * p.PerPage }

// Pages returns the number of pages for Total.
func (p Page) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}
