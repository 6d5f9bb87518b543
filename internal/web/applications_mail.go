package web

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The emails an application's events send, the same whether the action
// came from a page or from the API: one function per event, whose jobs
// the event's storage method enqueues in its transaction. Recipients are
// read before that transaction (s.db.ApplicationTeam, s.db.CallManagers)
// so that it stays short on deadline day. Texts are the catalogue keys
// mail.application.<event>.subject and .body.

// Formats of the times emails show.
const (
	mailSecond = "02/01/2006 15:04:05"     // a submission, to the second, Paris time
	mailMinute = "02/01/2006 15:04"        // a due date, Paris time
	mailUTC    = "2006-01-02 15:04:05 UTC" // a submission in universal time, as the receipt page has it
)

// mailMessageExcerpt is how much of a message its notice quotes: the
// thread, with its files, is on the platform.
const mailMessageExcerpt = 600

// mailsTo is one email per recipient but the event's author (except; 0
// for none), in the recipient's language.
func (s *Server) mailsTo(to []sqldb.DraftHolder, except int64, key string, args func(lang string) []any) []sqldb.Job {
	out := make([]sqldb.Job, 0, len(to))
	for _, x := range to {
		if x.UserID == except {
			continue
		}
		lang := x.Language
		if !coopdec.ValidLanguage(lang) {
			lang = "fr"
		}
		out = append(out, s.mailJob(lang, x.Email, key, args(lang)...))
	}
	return out
}

// applicationLink is the application's page, where its lead's members work.
func (s *Server) applicationLink(a *coopdec.Application) string {
	return s.link(fmt.Sprintf("/candidatures/%d", a.ID))
}

// reviewLink is the application's instruction page, for the call's
// managers.
func (s *Server) reviewLink(a *coopdec.Application) string {
	return s.link(fmt.Sprintf("/candidatures/%d/instruction", a.ID))
}

// mailNumber is an application's submission number, or a dash while it
// has none.
func mailNumber(a *coopdec.Application) string {
	if a.ReceiptNumber != "" {
		return a.ReceiptNumber
	}
	return "—"
}

// receiptJob is what a submission enqueues for its receipt's emails: its
// application, which the job reads when it runs (composeReceipt), outside
// the submission's transaction.
func receiptJob(sub coopdec.Submission) []sqldb.Job {
	return []sqldb.Job{{Args: jobs.ReceiptMailArgs{ApplicationID: sub.ApplicationID}}}
}

// composeReceipt is the job queue's jobs.ReceiptComposer: the receipt's
// emails for the lead's members as they now are, from the submitted
// version, its receipt and its call.
func (s *Server) composeReceipt(ctx context.Context, appID int64) (jobs.ReceiptMailArgs, error) {
	team, err := s.db.ApplicationTeam(ctx, appID)
	if err != nil || len(team) == 0 {
		return jobs.ReceiptMailArgs{}, err
	}
	rec, v, err := s.db.SubmittedReceipt(ctx, appID)
	if err != nil {
		return jobs.ReceiptMailArgs{}, err
	}
	c, err := s.db.Call(ctx, v.Application.CallID)
	if err != nil {
		return jobs.ReceiptMailArgs{}, err
	}
	return s.receiptMailArgs(team, rec, &v.Application, c), nil
}

// receiptMailArgs is what the receipt's emails to the lead's members
// (team) say: the number, the time, the SHA-256 of the content and of each
// file, and the links to the receipt's page and to its check, filled in;
// the worker writes each member's email (jobs.ReceiptMailArgs).
func (s *Server) receiptMailArgs(team []sqldb.DraftHolder, rec coopdec.Receipt, a *coopdec.Application, c *coopdec.Call) jobs.ReceiptMailArgs {
	args := jobs.ReceiptMailArgs{Titles: map[string]string{}, CallTitles: map[string]string{}, Number: rec.Number,
		SubmittedAt: rec.SubmittedAt, ContentSHA256: rec.ContentSHA256,
		Page: s.link(fmt.Sprintf("/candidatures/%d/recepisse", a.ID)), Check: s.link(aplReceiptCheckPath(rec))}
	for _, h := range rec.Attachments {
		// As the receipt check reads files: "name: sha256".
		args.Files = append(args.Files, h.Name+": "+h.SHA256)
	}
	for _, x := range team {
		lang := x.Language
		if !coopdec.ValidLanguage(lang) {
			lang = "fr"
		}
		args.To = append(args.To, jobs.Recipient{Email: x.Email, Language: lang})
		if _, ok := args.Titles[lang]; !ok {
			args.Titles[lang], args.CallTitles[lang] = applicationTitle(a, lang), callTitle(c, lang)
		}
	}
	return args
}

// partnerInvitationMail invites a partner, in the language chosen for it,
// to confirm its part from the link that token makes. lead and partner
// are the organisations' names.
func (s *Server) partnerInvitationMail(pc *coopdec.PartnerConfirmation, token string, a *coopdec.Application, c *coopdec.Call,
	lead, partner string) []sqldb.Job {
	lang := pc.Language
	if !coopdec.ValidLanguage(lang) {
		lang = "fr"
	}
	return []sqldb.Job{s.mailJob(lang, pc.Email, "mail.application.partner_invitation", lead, applicationTitle(a, lang),
		callTitle(c, lang), partner, s.cat.T(lang, "applicant.role."+string(pc.PartnerEntry.Role)),
		s.link("/confirmation/"+token), pc.ExpiresAt.In(Paris).Format(mailMinute))}
}

// partnerName is the name of a consortium's member: the one declared, or
// that of its organisation on the platform.
func (s *Server) partnerName(ctx context.Context, p coopdec.Partner) string {
	if p.Name != "" || p.OrganisationID == 0 {
		return p.Name
	}
	o, err := s.db.Organisation(ctx, p.OrganisationID)
	if err != nil {
		s.log.Error("unable to name a partner", "organisation", p.OrganisationID, "err", err)
		return ""
	}
	return o.Name
}

// partnerAnswerMails tells the lead's members of a partner's answer; a
// refusal says what to do next.
func (s *Server) partnerAnswerMails(team []sqldb.DraftHolder, pc *coopdec.PartnerConfirmation, a *coopdec.Application, partner string) []sqldb.Job {
	key := "mail.application.partner_confirmed"
	if pc.Status == coopdec.ConfirmationDeclined {
		key = "mail.application.partner_declined"
	}
	return s.mailsTo(team, 0, key, func(lang string) []any {
		comment := pc.Comment
		if comment == "" {
			comment = s.cat.T(lang, "mail.application.no_comment")
		}
		return []any{partner, applicationTitle(a, lang), pc.Representative, comment, s.applicationLink(a)}
	})
}

// messageRecipients lists who is told of u's message on a: the call's
// managers when a member of the lead writes on a submitted application,
// the lead's members when a manager writes. A draft's thread is its
// authors' own: nobody is told.
func (s *Server) messageRecipients(ctx context.Context, u *coopdec.User, a *coopdec.Application) ([]sqldb.DraftHolder, error) {
	if _, member := u.Membership(a.LeadOrganisationID); !member {
		return s.db.ApplicationTeam(ctx, a.ID)
	}
	if a.SubmittedAt.IsZero() {
		return nil, nil
	}
	return s.db.CallManagers(ctx, a.CallID)
}

// messageMails tells the other side (to, from messageRecipients) of a
// message, quoting its start, with a link to the thread.
func (s *Server) messageMails(to []sqldb.DraftHolder, m *coopdec.Message, a *coopdec.Application) []sqldb.Job {
	body := mailExcerpt(strings.TrimSpace(m.Body), mailMessageExcerpt)
	thread := s.link(fmt.Sprintf("/candidatures/%d/messages", a.ID))
	return s.mailsTo(to, m.AuthorID, "mail.application.message", func(lang string) []any {
		return []any{m.AuthorName, applicationTitle(a, lang), mailNumber(a), body, thread}
	})
}

// mailExcerpt cuts s to about n characters, on a character boundary.
func mailExcerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// correctionRequestMails tells the lead's members what to correct or
// provide, and by when.
func (s *Server) correctionRequestMails(team []sqldb.DraftHolder, cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
	return s.mailsTo(team, cr.RequestedBy, "mail.application.correction_request", func(lang string) []any {
		what := make([]string, 0, len(cr.Fields)+len(cr.Documents))
		for _, f := range cr.Fields {
			what = append(what, "- "+s.cat.T(lang, "mail.application.field_line", s.correctableFieldName(lang, f)))
		}
		for _, doc := range cr.Documents {
			what = append(what, "- "+s.cat.T(lang, "mail.application.document_line", s.documentName(lang, doc)))
		}
		return []any{applicationTitle(a, lang), mailNumber(a), cr.Reason, strings.Join(what, "\n"),
			cr.DueAt.In(Paris).Format(mailMinute), s.applicationLink(a)}
	})
}

// correctionAnswerMails tells the call's managers that the applicant
// answered a correction request, with the answer and the version it made.
func (s *Server) correctionAnswerMails(managers []sqldb.DraftHolder, cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
	return s.mailsTo(managers, cr.AnsweredBy, "mail.application.correction_answer", func(lang string) []any {
		return []any{applicationTitle(a, lang), mailNumber(a), cr.Answer, cr.Version, s.reviewLink(a)}
	})
}

// correctionCancelMails tells the lead's members that a correction request
// no longer needs an answer.
func (s *Server) correctionCancelMails(team []sqldb.DraftHolder, cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
	return s.mailsTo(team, 0, "mail.application.correction_cancel", func(lang string) []any {
		return []any{applicationTitle(a, lang), mailNumber(a), cr.Reason, s.applicationLink(a)}
	})
}

// withdrawalRecipients lists who is told that a is withdrawn: the call's
// managers once it was submitted; nobody for a draft, which they never saw.
func (s *Server) withdrawalRecipients(ctx context.Context, a *coopdec.Application) ([]sqldb.DraftHolder, error) {
	if a.SubmittedAt.IsZero() {
		return nil, nil
	}
	return s.db.CallManagers(ctx, a.CallID)
}

// withdrawalMails tells the call's managers (from withdrawalRecipients)
// that a, as withdrawn, is withdrawn and why.
func (s *Server) withdrawalMails(managers []sqldb.DraftHolder, a *coopdec.Application) []sqldb.Job {
	if a.SubmittedAt.IsZero() {
		return nil
	}
	return s.mailsTo(managers, 0, "mail.application.withdrawal", func(lang string) []any {
		return []any{applicationTitle(a, lang), mailNumber(a), a.WithdrawalReason, s.reviewLink(a)}
	})
}
