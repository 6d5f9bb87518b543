package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The page a foreign partner reaches from its invitation: no account, in
// the invitation's language, it shows the project, the partner's role and
// contribution, and takes its representative's answer.

// Where a partner's link stands, as its page says it.
const (
	linkOpen     = "open"
	linkAnswered = "answered"
	linkExpired  = "expired"
	linkLapsed   = "lapsed"
	linkClosed   = "closed" // the application is no longer a draft
	linkUnknown  = "unknown"
)

// partnerPageData is what the partner's page shows.
type partnerPageData struct {
	State          string
	Token          string
	Title          string
	TitleLang      string
	Summary        string
	SummaryLang    string
	Fallback       bool // the project is shown in French for want of the partner's language
	Lead           string
	Call           string
	CallLang       string
	Partner        string
	Country        string
	Role           string
	Contribution   string
	Amount         string
	InKind         bool
	Expires        instant
	Answer         coopdec.ConfirmationStatus
	Representative string
	Comment        string
	RespondedAt    instant
}

// partnerLanguage sets the request's language to the invitation's, unless
// the reader chose one: on the header's switch, or in their account.
func (s *Server) partnerLanguage(w http.ResponseWriter, r *http.Request, lang string) {
	ri := info(r)
	if u := ri.user; u != nil && u.Language != "" {
		return
	}
	if c, err := r.Cookie(s.cookieName("lang")); err == nil && c.Value != "" {
		return
	}
	if coopdec.ValidLanguage(lang) {
		ri.lang = lang
		w.Header().Set("Content-Language", lang)
	}
}

// partnerPage builds the partner's page for the link token, in the
// invitation's language; the state says whether an answer may be given.
func (s *Server) partnerPage(w http.ResponseWriter, r *http.Request, token string) (*view, int, error) {
	ctx := r.Context()
	// The link is a secret: never kept by a cache, never sent on.
	w.Header().Set("Cache-Control", "no-store")
	pc, a, err := s.db.PartnerConfirmationByToken(ctx, token)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		v := s.newView(r, "officer.partner.title", &partnerPageData{State: linkUnknown})
		v.ErrorList = append(v.ErrorList, formError{Message: v.T("confirmation.not_found")})
		return v, http.StatusNotFound, nil
	}
	if err != nil {
		return nil, 0, err
	}
	s.partnerLanguage(w, r, pc.Language)
	lang := info(r).lang
	d := &partnerPageData{Token: token, Expires: newInstant(pc.ExpiresAt), Answer: pc.Status,
		Representative: pc.Representative, Comment: pc.Comment, RespondedAt: newInstant(pc.RespondedAt),
		InKind: pc.PartnerEntry.InKind, Contribution: pc.PartnerEntry.Contribution}
	if err := s.describePartnerPage(ctx, lang, d, pc, a); err != nil {
		return nil, 0, err
	}
	d.State = partnerLinkState(pc, a, s.db.Now())
	v := s.newView(r, "officer.partner.title", d)
	status := http.StatusOK
	if d.State != linkOpen && d.State != linkAnswered {
		v.ErrorList = append(v.ErrorList, formError{Message: v.T(map[string]string{
			linkExpired: "confirmation.expired", linkLapsed: "confirmation.lapsed", linkClosed: "officer.partner.closed",
		}[d.State])})
		status = http.StatusGone
	}
	return v, status, nil
}

// partnerLinkState says whether a link still takes an answer at now, as
// RespondPartnerConfirmation decides it.
func partnerLinkState(pc *coopdec.PartnerConfirmation, a *coopdec.Application, now time.Time) string {
	switch {
	case pc.Status != coopdec.ConfirmationPending:
		return linkAnswered
	case !now.Before(pc.ExpiresAt):
		return linkExpired
	case a.Status != coopdec.ApplicationDraft:
		return linkClosed
	case !slices.ContainsFunc(a.Partners, func(p coopdec.Partner) bool { return coopdec.SamePartnerEntry(p, pc.PartnerEntry) }):
		return linkLapsed
	}
	return linkOpen
}

// describePartnerPage fills in what the partner reviews: the project in its
// language when the application has it (else in French), the lead, the
// call, and its own entry in the consortium as it was shown when invited.
func (s *Server) describePartnerPage(ctx context.Context, lang string, d *partnerPageData, pc *coopdec.PartnerConfirmation, a *coopdec.Application) error {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	d.TitleLang = "fr"
	if tx, ok := a.Texts[lang]; ok && strings.TrimSpace(tx.Title) != "" {
		d.TitleLang = lang
	}
	d.Title, d.Summary, d.SummaryLang = a.Texts[d.TitleLang].Title, a.Texts[d.TitleLang].Summary, d.TitleLang
	if d.Summary == "" && d.TitleLang != "fr" {
		d.Summary, d.SummaryLang = a.Texts["fr"].Summary, "fr"
	}
	d.Fallback = d.TitleLang != lang
	c, err := s.db.Call(ctx, a.CallID)
	if err != nil {
		return err
	}
	ct, cl := c.Text(lang)
	d.Call, d.CallLang = ct.Title, cl
	entry := pc.PartnerEntry
	orgs, err := s.db.OrganisationsByID(ctx, []int64{a.LeadOrganisationID, entry.OrganisationID})
	if err != nil {
		return err
	}
	d.Lead = orgs[a.LeadOrganisationID].Name
	d.Partner = entry.Name
	if d.Partner == "" {
		d.Partner = orgs[entry.OrganisationID].Name
	}
	d.Country = coopdec.Country{Code: entry.Country}.Name(lang)
	d.Role = t("officer.role." + string(entry.Role))
	if entry.ContributionCents > 0 {
		d.Amount = coopdec.FormatEuroCents(lang, entry.ContributionCents)
	}
	return nil
}

// partnerConfirmationPage shows a partner its part of an application and,
// while the link works, the form to answer.
func (s *Server) partnerConfirmationPage(w http.ResponseWriter, r *http.Request) {
	v, status, err := s.partnerPage(w, r, r.PathValue("token"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	if r.URL.Query().Get("ok") != "" && v.Data.(*partnerPageData).State == linkAnswered {
		v.Flash = v.T("officer.partner.flash." + string(v.Data.(*partnerPageData).Answer))
	}
	s.render(w, r, status, "partner_confirmation", v)
}

// partnerConfirmationAnswer records the partner's answer and tells the
// lead's members by email, in the same transaction.
func (s *Server) partnerConfirmationAnswer(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	f := r.PostForm
	// Who is told is read first; an unknown link is refused below, as
	// RespondPartnerConfirmation says.
	var team []sqldb.DraftHolder
	var partner string
	pc, a, err := s.db.PartnerConfirmationByToken(ctx, token)
	if err == nil {
		team, err = s.db.ApplicationTeam(ctx, a.ID)
		partner = s.partnerName(ctx, pc.PartnerEntry)
	}
	if err != nil && coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		s.error(w, r, err)
		return
	}
	_, err = s.db.RespondPartnerConfirmation(ctx, s.jobs, token, coopdec.ConfirmationStatus(f.Get("decision")),
		f.Get("representative"), f.Get("comment"), actor(r),
		func(pc *coopdec.PartnerConfirmation, a *coopdec.Application) []sqldb.Job {
			return s.partnerAnswerMails(team, pc, a, partner)
		})
	if err == nil {
		http.Redirect(w, r, "/confirmation/"+url.PathEscape(token)+"?ok=1", http.StatusSeeOther)
		return
	}
	code := coopdec.ErrorCode(err)
	if code != coopdec.EINVALID && code != coopdec.ECONFLICT && code != coopdec.ENOTFOUND {
		s.error(w, r, err)
		return
	}
	v, status, verr := s.partnerPage(w, r, token)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	switch d := v.Data.(*partnerPageData); {
	case code == coopdec.EINVALID && d.State == linkOpen:
		v.Form = f
		v.addError(err)
		status = http.StatusUnprocessableEntity
	case d.State == linkOpen:
		// The link worked when read again: say what was refused.
		v.addError(err)
		status = http.StatusConflict
	case d.State == linkAnswered:
		v.ErrorList = append(v.ErrorList, formError{Message: v.T("confirmation.answered")})
		status = http.StatusConflict
	}
	s.render(w, r, status, "partner_confirmation", v)
}
