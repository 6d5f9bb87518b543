package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// When an open call is amended, the people writing a draft for it are told
// what changed and why, in their language, by an email enqueued in the
// amendment's transaction.

// updateCall stores a call's new content as UpdateCall does; an amendment
// sends its notice to the holders of drafts on the call.
func (s *Server) updateCall(ctx context.Context, c *coopdec.Call, a coopdec.Actor, reason string) error {
	return s.db.UpdateCallNotify(ctx, s.jobs, c, a, reason, func(am *coopdec.Amendment, c *coopdec.Call, holders []sqldb.DraftHolder) []sqldb.Job {
		return s.amendmentMails(ctx, am, c, holders)
	})
}

// amendmentMails is one email per person holding a draft on c (one for all
// their drafts), in their language, with the reason and the changes put in
// words as the call page puts them.
func (s *Server) amendmentMails(ctx context.Context, am *coopdec.Amendment, c *coopdec.Call, holders []sqldb.DraftHolder) []sqldb.Job {
	var ids []int64
	for _, ch := range am.Changes {
		ids = append(ids, changeOrganisations(ch)...)
	}
	// Names are a courtesy: a change whose organisation or programme cannot
	// be named shows its ID rather than holding the amendment back.
	var names changeNames
	if orgs, err := s.db.OrganisationsByID(ctx, ids); err == nil {
		names.orgs = orgs
	} else {
		s.log.Error("amendment notice: unable to name organisations", "call", c.ID, "err", err)
	}
	if progs, err := s.db.Programmes(ctx); err == nil {
		names.programmes = progs
	} else {
		s.log.Error("amendment notice: unable to name programmes", "call", c.ID, "err", err)
	}
	callLink := s.link(fmt.Sprintf("/appels/%d", c.ID))
	sent := map[int64]bool{}
	var jobs []sqldb.Job
	for _, h := range holders {
		if sent[h.UserID] {
			continue
		}
		sent[h.UserID] = true
		lang := h.Language
		if !coopdec.ValidLanguage(lang) {
			lang = "fr"
		}
		var lines []string
		for _, ch := range am.Changes {
			lines = append(lines, "- "+s.changeText(lang, s.changeLine(lang, ch, names)))
		}
		jobs = append(jobs, s.mailJob(lang, h.Email, "officer.mail.amendment", c.Reference, callTitle(c, lang),
			am.Reason, strings.Join(lines, "\n"), callLink, s.link(fmt.Sprintf("/candidatures/%d", h.ApplicationID))))
	}
	return jobs
}

// changeText writes a change of an amendment as one line of plain text.
func (s *Server) changeText(lang string, l changeLine) string {
	var b strings.Builder
	if l.Label != "" {
		b.WriteString(s.cat.T(lang, "callpages.change.label", l.Label))
		b.WriteByte(' ')
	}
	switch {
	case l.Note != "":
		b.WriteString(l.Note)
	case l.Label != "":
		b.WriteString(l.Old.Text + " → " + l.New.Text)
	default:
		b.WriteString(l.New.Text)
	}
	return b.String()
}
