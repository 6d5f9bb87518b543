package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Who is told of what happens to an application: its lead's members on one
// side, the officers and the call's co-managers on the other. The lists are
// read before the storage transaction that enqueues the emails, so that the
// transaction stays short on deadline day.

// apiRecipient is someone an application's events are emailed to.
type apiRecipient struct {
	UserID   int64
	Email    string
	Language string // empty: French
}

// apiTeam lists the members of an application's lead organisation.
func (s *Server) apiTeam(ctx context.Context, appID int64) ([]apiRecipient, error) {
	team, err := s.db.ApplicationTeam(ctx, appID)
	if err != nil {
		return nil, err
	}
	out := make([]apiRecipient, 0, len(team))
	for _, m := range team {
		out = append(out, apiRecipient{UserID: m.UserID, Email: m.Email, Language: m.Language})
	}
	return out, nil
}

// apiManagers lists those who handle c's applications: the users with the
// officer role, and the members of c's co-managing organisations who hold
// the co_manager role (as coopdec.CanListCallApplications has it); disabled
// accounts are left out.
func (s *Server) apiManagers(ctx context.Context, c *coopdec.Call) ([]apiRecipient, error) {
	var out []apiRecipient
	for _, role := range []coopdec.Role{coopdec.RoleOfficer, coopdec.RoleCoManager} {
		for p := 1; ; p++ {
			users, page, err := s.db.ListUsers(ctx, sqldb.UserFilter{Role: role}, coopdec.NewPage(p, 100))
			if err != nil {
				return nil, err
			}
			for _, u := range users {
				if u.DisabledAt != nil || slices.ContainsFunc(out, func(x apiRecipient) bool { return x.UserID == u.ID }) {
					continue
				}
				if role == coopdec.RoleCoManager && !coopdec.CanListCallApplications(u, c) {
					continue
				}
				out = append(out, apiRecipient{UserID: u.ID, Email: u.Email, Language: u.Language})
			}
			if p >= page.Pages() {
				break
			}
		}
	}
	return out, nil
}

// apiExcept leaves the author of an event out of those told of it.
func apiExcept(list []apiRecipient, userID int64) []apiRecipient {
	return slices.DeleteFunc(slices.Clone(list), func(x apiRecipient) bool { return x.UserID == userID })
}

// apiMails is one email per recipient, in their language: the catalogue
// keys key+".subject" and key+".body", filled by args in that language.
func (s *Server) apiMails(to []apiRecipient, key string, args func(lang string) []any) []sqldb.Job {
	out := make([]sqldb.Job, 0, len(to))
	for _, x := range to {
		lang := x.Language
		if !coopdec.ValidLanguage(lang) {
			lang = "fr"
		}
		out = append(out, s.mailJob(lang, x.Email, key, args(lang)...))
	}
	return out
}

// apiApplicationLink is the application's page, for emails.
func (s *Server) apiApplicationLink(a *coopdec.Application) string {
	return s.link(fmt.Sprintf("/candidatures/%d", a.ID))
}

// apiNumberOr is the application's submission number, or a dash while it
// has none.
func apiNumberOr(a *coopdec.Application) string {
	if a.ReceiptNumber != "" {
		return a.ReceiptNumber
	}
	return "—"
}

// apiParisTime writes an instant as emails show it: Paris time, to the
// second.
func (s *Server) apiParisTime(lang string, t time.Time) string {
	return s.cat.T(lang, "apiapp.time.paris", t.In(Paris).Format("02/01/2006 15:04:05"))
}

// apiReceiptMails sends the receipt to the lead's members: number, time,
// and the SHA-256 of the content and of each file.
func (s *Server) apiReceiptMails(to []apiRecipient, sub coopdec.Submission, a *coopdec.Application, c *coopdec.Call) []sqldb.Job {
	return s.apiMails(to, "apiapp.mail.receipt", func(lang string) []any {
		files := s.cat.T(lang, "apiapp.mail.no_attachment")
		if len(sub.Receipt.Attachments) > 0 {
			lines := make([]string, 0, len(sub.Receipt.Attachments))
			for _, h := range sub.Receipt.Attachments {
				lines = append(lines, "- "+h.Name+" : "+h.SHA256)
			}
			files = strings.Join(lines, "\n")
		}
		return []any{applicationTitle(a, lang), callTitle(c, lang), sub.Receipt.Number, s.apiParisTime(lang, sub.Receipt.SubmittedAt),
			sub.Receipt.ContentSHA256, files, s.apiApplicationLink(a), s.link("/recepisses/verification")}
	})
}
