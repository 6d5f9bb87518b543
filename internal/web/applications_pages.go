package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The applicants' pages: their dashboard, starting a draft on a call, the
// application's page (the draft's form, or the application read only with
// its correction requests), the receipt, files, withdrawal and messages.
// The form's handlers are in applications_applicant_edit.go, the messages'
// in applications_applicant_messages.go.

// applicantRoutes registers the applicants' pages.
func (s *Server) applicantRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /candidatures", s.requireUser(s.applicantDashboard))
	mux.HandleFunc("POST /appels/{id}/candidatures", s.requireUser(s.applicantCreate))
	mux.HandleFunc("GET /candidatures/{id}", s.requireUser(s.applicantPage))
	mux.HandleFunc("POST /candidatures/{id}", s.requireUser(s.applicantSave))
	mux.HandleFunc("POST /candidatures/{id}/brouillon", s.requireUser(s.applicantAutosave))
	mux.HandleFunc("POST /candidatures/{id}/depot", s.requireUser(s.applicantSubmit))
	mux.HandleFunc("GET /candidatures/{id}/recepisse", s.requireUser(s.applicantReceipt))
	mux.HandleFunc("POST /candidatures/{id}/pieces", s.requireUser(s.applicantUpload))
	mux.HandleFunc("GET /candidatures/{id}/pieces/{aid}", s.requireUser(s.applicantDownload))
	mux.HandleFunc("POST /candidatures/{id}/pieces/{aid}/suppression", s.requireUser(s.applicantDeleteFile))
	mux.HandleFunc("POST /candidatures/{id}/partenaires/{n}/invitation", s.requireUser(s.applicantInvite))
	mux.HandleFunc("POST /candidatures/{id}/retrait", s.requireUser(s.applicantWithdraw))
	mux.HandleFunc("POST /candidatures/{id}/corrections/{cid}/reponse", s.requireUser(s.applicantAnswer))
	mux.HandleFunc("GET /candidatures/{id}/messages", s.requireUser(s.applicantMessages))
	mux.HandleFunc("POST /candidatures/{id}/messages", s.requireUser(s.applicantPostMessage))
}

// aplPathID reads the application's ID from the path; a malformed one is
// answered as a missing application.
func aplPathID(r *http.Request) (int64, error) {
	return apiPathID(r, "id", "application.not_found")
}

// aplLead loads the application of the path for an action of its lead's
// members: submitting, uploading, answering a correction, withdrawing.
func (s *Server) aplLead(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	id, err := aplPathID(r)
	if err != nil {
		return nil, nil, err
	}
	return s.leadApplication(r, id)
}

// aplLoad loads the application of the path for its reader.
func (s *Server) aplLoad(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	id, err := aplPathID(r)
	if err != nil {
		return nil, nil, err
	}
	return s.application(r, id)
}

// aplListRow is an application as the dashboard lists it.
type aplListRow struct {
	ID          int64
	Title       string
	Untitled    bool
	Lead        string
	CallID      int64
	CallRef     string
	CallTitle   string
	Status      string
	Deadline    instant
	Left        string
	Eligible    string // yes, no, unknown
	Partners    int
	Confirmed   int
	Correction  instant
	Messages    int
	LastMessage instant
	Submitted   instant
	Receipt     string
}

// aplListData is what the dashboard shows.
type aplListData struct {
	Rows      []aplListRow
	Pager     *pager
	Calls     []aplChoice // calls to filter on
	Statuses  []string
	NoLead    bool // the reader belongs to no organisation that may apply
	Filtered  bool
	HasAny    bool
	LeadNames []string
}

// applicantDashboard lists the drafts and submissions of the reader's
// organisations.
func (s *Server) applicantDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(r)
	lang := info(r).lang
	q := r.URL.Query()
	d := &aplListData{Statuses: []string{string(coopdec.ApplicationDraft), string(coopdec.ApplicationSubmitted), string(coopdec.ApplicationWithdrawn)}}
	v := s.newView(r, "applicant.list.title", d)
	v.Form = q

	leads := []int64{}
	for _, m := range u.Memberships {
		if m.OrganisationKind == coopdec.OrgFrenchAuthority {
			leads = append(leads, m.OrganisationID)
			d.LeadNames = append(d.LeadNames, m.OrganisationName)
		}
	}
	d.NoLead = len(leads) == 0
	f := coopdec.ApplicationFilter{LeadOrganisationIDs: leads}

	// The calls the reader's organisations applied to, to filter on.
	all, page, err := s.db.ListApplications(ctx, f, coopdec.NewPage(1, 100))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.HasAny = page.Total > 0
	for _, a := range all {
		if !slices.ContainsFunc(d.Calls, func(o aplChoice) bool { return o.ID == a.Application.CallID }) {
			title := a.CallTitles[lang]
			if title == "" {
				title = a.CallTitles["fr"]
			}
			d.Calls = append(d.Calls, aplChoice{ID: a.Application.CallID, Label: a.CallReference + " — " + title})
		}
	}

	var errs coopdec.Errors
	if st := q.Get("status"); st != "" {
		if !slices.Contains(d.Statuses, st) {
			errs = append(errs, coopdec.FieldError("status", "applicant.list.status.invalid"))
		}
		f.Status, d.Filtered = coopdec.ApplicationStatus(st), true
	}
	if c := q.Get("call"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id < 1 {
			errs = append(errs, coopdec.FieldError("call", "applicant.list.call.invalid"))
		}
		f.CallID, d.Filtered = id, true
	}
	if err := errs.Err(); err != nil {
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "application_list", v)
		return
	}
	list, page, err := s.db.ListApplications(ctx, f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := s.db.Now()
	for _, it := range list {
		a := &it.Application
		row := aplListRow{ID: a.ID, Lead: it.LeadName, CallID: a.CallID, CallRef: it.CallReference, Status: string(a.Status),
			Deadline: newInstant(it.Deadline), Messages: it.Messages, LastMessage: newInstant(it.LastMessageAt),
			Correction: newInstant(it.CorrectionDue), Submitted: newInstant(a.SubmittedAt), Receipt: a.ReceiptNumber}
		row.Title = strings.TrimSpace(applicationTitle(a, lang))
		if row.Title == "" {
			row.Title, row.Untitled = s.cat.T(lang, "applicant.untitled"), true
		}
		row.CallTitle = it.CallTitles[lang]
		if row.CallTitle == "" {
			row.CallTitle = it.CallTitles["fr"]
		}
		if a.Status == coopdec.ApplicationDraft {
			row.Left = s.timeLeft(lang, it.Deadline, now)
		}
		switch {
		case it.Eligible == nil:
			row.Eligible = "unknown"
		case *it.Eligible:
			row.Eligible = "yes"
		default:
			row.Eligible = "no"
		}
		for _, p := range a.Partners {
			if p.Role == coopdec.RoleLeadPartner {
				continue
			}
			row.Partners++
			if p.Confirmed {
				row.Confirmed++
			}
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager = newPager(r, page)
	s.render(w, r, http.StatusOK, "application_list", v)
}

// aplLeadChoices lists the French local authorities u may apply for.
func aplLeadChoices(u *coopdec.User) []aplChoice {
	var out []aplChoice
	if u == nil {
		return out
	}
	for _, m := range u.Memberships {
		if m.OrganisationKind == coopdec.OrgFrenchAuthority {
			out = append(out, aplChoice{ID: m.OrganisationID, Label: m.OrganisationName})
		}
	}
	return out
}

// aplCallApplications lists the applications u's organisations have made to
// c, for the call's page to link to.
func (s *Server) aplCallApplications(ctx context.Context, u *coopdec.User, c *coopdec.Call, lang string) ([]aplChoice, error) {
	var leads []int64
	for _, l := range aplLeadChoices(u) {
		leads = append(leads, l.ID)
	}
	if len(leads) == 0 {
		return nil, nil
	}
	list, _, err := s.db.ListApplications(ctx, coopdec.ApplicationFilter{CallID: c.ID, LeadOrganisationIDs: leads}, coopdec.NewPage(1, 20))
	if err != nil {
		return nil, err
	}
	var out []aplChoice
	for _, it := range list {
		title := strings.TrimSpace(applicationTitle(&it.Application, lang))
		if title == "" {
			title = s.cat.T(lang, "applicant.untitled")
		}
		out = append(out, aplChoice{ID: it.Application.ID, Label: title + " — " + it.LeadName})
	}
	return out, nil
}

// applicantCreate starts a draft on an open call, for the French local
// authority the reader chose (or their only one).
func (s *Server) applicantCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(r)
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := s.db.Now()
	if !coopdec.CanCreateApplication(u, c, now) {
		if coopdec.CallStatusAt(c, now) != coopdec.CallOpen {
			s.error(w, r, coopdec.Errorf(coopdec.ECONFLICT, "applicant.create.not_open"))
			return
		}
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "applicant.create.not_authority"))
		return
	}
	leads := aplLeadChoices(u)
	lead := leads[0].ID
	if v := strings.TrimSpace(r.PostFormValue("lead_organisation_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !slices.ContainsFunc(leads, func(o aplChoice) bool { return o.ID == id }) {
			s.error(w, r, coopdec.FieldError("lead_organisation_id", "applicant.create.lead.invalid"))
			return
		}
		lead = id
	} else if len(leads) > 1 {
		s.error(w, r, coopdec.FieldError("lead_organisation_id", "applicant.create.lead.required"))
		return
	}
	a := &coopdec.Application{CallID: c.ID, LeadOrganisationID: lead, Texts: map[string]coopdec.ApplicationText{}}
	// One grant line per funder of the call, to be filled in: the split
	// between funders is the rule the budget checks explain.
	for _, f := range c.Funders {
		a.Budget.Financing = append(a.Budget.Financing, coopdec.FinancingLine{Source: coopdec.FundingGrant, FunderOrganisationID: f.OrganisationID})
	}
	if err := s.db.CreateApplication(ctx, a, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/candidatures/"+strconv.FormatInt(a.ID, 10)+"?ok=created", http.StatusSeeOther)
}

// aplFlash is the message of the page after an action, from ?ok=.
func aplFlash(v *view, ok string) {
	switch ok {
	case "created", "saved", "uploaded", "deleted", "invited", "withdrawn", "answered", "merged", "checked":
		v.Flash = v.T("applicant.flash." + ok)
	}
}

// applicantPage is the application's page: the draft's form for the
// lead's members, the application read only otherwise.
func (s *Server) applicantPage(w http.ResponseWriter, r *http.Request) {
	id, err := aplPathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	a, c, invitations, err := s.applicationWithInvitations(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	opts := aplViewOpts{mode: aplRead, extra: map[string]int{}, invitations: invitations, invitationsRead: true}
	if coopdec.CanEditApplication(currentUser(r), a) {
		opts.mode = aplDraft
	}
	form := aplFormValues(a)
	// "Add a row" without JavaScript saves, then comes back here with one
	// more blank row, focused.
	if g, ok := aplGroupByPrefix(q.Get("ligne")); ok {
		n, err := strconv.Atoi(q.Get("n"))
		if err != nil || n < 1 || n > aplMaxNewRows {
			n = 1
		}
		opts.extra[g.Prefix] = n
		form.Set("focus", g.Prefix)
	}
	// The partners' search, after the save that "Search" makes.
	form.Set("organisations", q.Get("organisations"))
	s.aplRender(w, r, http.StatusOK, a, c, form, opts, func(v *view, d *aplPageData) { aplFlash(v, q.Get("ok")) })
}

// aplRender renders the application's page; decorate adds errors and
// messages.
func (s *Server) aplRender(w http.ResponseWriter, r *http.Request, status int, a *coopdec.Application, c *coopdec.Call,
	form url.Values, opts aplViewOpts, decorate func(v *view, d *aplPageData)) {
	v, d, err := s.aplView(r, a, c, form, opts)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if decorate != nil {
		decorate(v, d)
	}
	name := "application_show"
	if d.mode == aplDraft {
		name = "application_edit"
	}
	s.render(w, r, status, name, v)
}

// aplReceiptData is what the receipt page shows.
type aplReceiptData struct {
	App         *coopdec.Application
	Receipt     coopdec.Receipt
	Title       string
	CallTitle   string
	CallRef     string
	LeadName    string
	ParisTime   string
	UTCTime     string
	ISO         string
	Fresh       bool // just submitted
	CheckPath   string
	Attachments []coopdec.AttachmentHash
}

// applicantReceipt is the receipt of a submitted application, printable.
func (s *Server) applicantReceipt(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, err := s.aplLoad(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	rec, err := s.db.ApplicationReceipt(ctx, a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	d := &aplReceiptData{App: a, Receipt: rec, Title: applicationTitle(a, lang), CallTitle: callTitle(c, lang), CallRef: c.Reference,
		ParisTime: rec.SubmittedAt.In(Paris).Format("02/01/2006 15:04:05"), UTCTime: rec.SubmittedAt.UTC().Format("2006-01-02 15:04:05") + " UTC",
		ISO: rec.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z"), Fresh: r.URL.Query().Get("ok") == "submitted",
		CheckPath: aplReceiptCheckPath(rec), Attachments: rec.Attachments}
	if o, err := s.db.Organisation(ctx, a.LeadOrganisationID); err == nil {
		d.LeadName = o.Name
	}
	v := s.newView(r, "applicant.receipt.title", d)
	s.render(w, r, http.StatusOK, "application_receipt", v)
}

// aplReceiptCheckPath links to the receipt check with the receipt's
// values filled in; "name: sha256" lines are how the check reads files.
func aplReceiptCheckPath(rec coopdec.Receipt) string {
	q := url.Values{"number": {rec.Number}, "submitted_at": {rec.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z")},
		"sha256": {rec.ContentSHA256}}
	var lines []string
	for _, h := range rec.Attachments {
		lines = append(lines, h.Name+": "+h.SHA256)
	}
	if len(lines) > 0 {
		q.Set("attachments", strings.Join(lines, "\n"))
	}
	return "/recepisses/verification?" + q.Encode()
}

// applicantDownload sends a file of the application to whoever may read
// it; another organisation's reader gets 404, as for the application.
func (s *Server) applicantDownload(w http.ResponseWriter, r *http.Request) {
	id, err := aplPathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	aid, err := apiPathID(r, "aid", "attachment.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	att, err := s.readableAttachment(r, id, aid)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.sendAttachment(w, r, att)
}

// applicantWithdraw withdraws the application, for a reason the call's
// managers read: they are told by email when it had been submitted.
func (s *Server) applicantWithdraw(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.aplLead(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	reason := r.PostFormValue("reason")
	managers, err := s.withdrawalRecipients(r.Context(), a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.WithdrawApplication(r.Context(), s.jobs, u, a.ID, reason, actor(r),
		func(a *coopdec.Application) []sqldb.Job { return s.withdrawalMails(managers, a) })
	if err == nil {
		http.Redirect(w, r, "/candidatures/"+strconv.FormatInt(a.ID, 10)+"?ok=withdrawn", http.StatusSeeOther)
		return
	}
	if code := coopdec.ErrorCode(err); code != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	opts := aplViewOpts{mode: aplRead}
	if coopdec.CanEditApplication(u, a) {
		opts.mode = aplDraft
	}
	form := aplFormValues(a)
	form.Set("reason", reason)
	s.aplRender(w, r, http.StatusUnprocessableEntity, a, c, form, opts, func(v *view, d *aplPageData) {
		aplAddErrors(v, nil, err, nil, d.OrgName)
	})
}

// aplErrorIs reports whether err carries the domain key key.
func aplErrorIs(err error, key string) bool {
	var e *coopdec.Error
	return errors.As(err, &e) && e.Key == key
}
