package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The draft's form and what it saves on the way: every button of the form
// (save, add or remove a row, upload or delete a file, invite a partner,
// submit) posts the whole form, which is saved first, so that nothing
// typed is lost whatever the button. A save made from an older version
// than the stored one never overwrites it: the merge page shows both,
// field by field.

// Bounds of the posted forms: the content form, and a form with a file;
// and of the blank rows "add a row" shows at once.
const (
	aplMaxNewRows     = 10
	aplFormMaxBytes   = 4 << 20
	aplUploadMaxBytes = coopdec.MaxAttachmentBytes + aplFormMaxBytes
)

// aplReadForm parses the posted form, urlencoded or multipart, and returns
// a copy of its values.
func aplReadForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, aplUploadMaxBytes)
		err = r.ParseMultipartForm(aplFormMaxBytes)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, aplFormMaxBytes)
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, coopdec.FieldError("file", "attachment.too_large", coopdec.MaxAttachmentBytes>>20)
		}
		return nil, coopdec.Errorf(coopdec.EINVALID, "applicant.form.unreadable")
	}
	out := url.Values{}
	for k, vs := range r.PostForm {
		out[k] = slices.Clone(vs)
	}
	return out, nil
}

// aplSave is the outcome of saving the draft's form.
type aplSave struct {
	saved  *coopdec.Application // the draft as stored after the save; nil when not saved
	next   *coopdec.Application // what the form says, normalised
	parsed coopdec.Errors       // values that could not be read
	err    error                // what ValidateDraft or storage refused
	theirs *coopdec.Application // the stored version, when the form is from an older one
	moved  map[int]int          // partner rows: the form's number → the list's index
}

func (d *aplSave) failed() bool { return d.saved == nil }

// aplSaveDraft saves the form's content on the draft a. The form's rows are
// compacted (blank rows dropped), so that its numbers are the list's. A
// form without the content marker (a bare submit button) saves nothing.
// Errors returned are those of the platform; what the user can fix is in
// the returned aplSave.
func (s *Server) aplSaveDraft(r *http.Request, a *coopdec.Application, c *coopdec.Call, form url.Values) (*aplSave, error) {
	ctx := r.Context()
	res := &aplSave{}
	for _, g := range aplGroups {
		if m := g.compact(form); g.Prefix == aplPartners.Prefix {
			res.moved = m
		}
	}
	if form.Get("content") == "" {
		res.saved = a
		return res, nil
	}
	parsed, perrs := aplFromForm(form)
	next := aplWithContent(a, parsed)
	next.Version = parsed.Version
	res.next = next
	if err := s.aplFillPartners(ctx, next, &perrs); err != nil {
		return nil, err
	}
	if len(perrs) > 0 {
		res.parsed = perrs
		return res, nil
	}
	if err := next.ValidateDraft(c); err != nil {
		res.err = err
		return res, nil
	}
	// Nothing changed: no new version, and no conflict either, whatever
	// version the form came from.
	if len(coopdec.CompareApplications(a, next)) == 0 {
		res.saved = a
		return res, nil
	}
	if next.Version != a.Version {
		res.theirs = a
		return res, nil
	}
	err := s.db.UpdateApplicationDraft(ctx, next, actor(r))
	switch {
	case err == nil:
		res.saved = next
	case aplErrorIs(err, "application.changed"):
		cur, lerr := s.db.Application(ctx, a.ID)
		if lerr != nil {
			return nil, lerr
		}
		if cur.Status != coopdec.ApplicationDraft {
			return nil, &coopdec.Error{Code: coopdec.ECONFLICT, Key: "application.not_draft"}
		}
		if len(coopdec.CompareApplications(cur, next)) == 0 {
			res.saved = cur
		} else {
			res.theirs = cur
		}
	case coopdec.ErrorCode(err) == coopdec.EINVALID:
		res.err = err
	default:
		return nil, err
	}
	return res, nil
}

// aplFillPartners takes a registered partner's name, kind and country from
// its organisation.
func (s *Server) aplFillPartners(ctx context.Context, a *coopdec.Application, errs *coopdec.Errors) error {
	var ids []int64
	for i := range a.Partners {
		p := &a.Partners[i]
		if p.OrganisationID > 0 {
			ids = append(ids, p.OrganisationID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return err
	}
	for i := range a.Partners {
		p := &a.Partners[i]
		if p.OrganisationID <= 0 {
			continue
		}
		o, ok := orgs[p.OrganisationID]
		if !ok {
			*errs = append(*errs, coopdec.FieldError(aplPartners.key(i, "organisation_id"), "applicant.choice.invalid"))
			continue
		}
		p.Name, p.Kind = o.Name, o.Kind
		if o.Country != "" {
			p.Country = o.Country
		}
	}
	return nil
}

// aplDraftFailed answers a save that did not go through: the merge page for a
// stale form, the form with its errors otherwise. It reports whether it
// answered.
func (s *Server) aplDraftFailed(w http.ResponseWriter, r *http.Request, a *coopdec.Application, c *coopdec.Call,
	form url.Values, res *aplSave, extra map[string]int) bool {
	if !res.failed() {
		return false
	}
	if res.theirs != nil {
		s.aplRenderMerge(w, r, res.theirs, c, res.next, form)
		return true
	}
	s.aplRender(w, r, http.StatusUnprocessableEntity, a, c, form, aplViewOpts{mode: aplDraft, extra: extra},
		func(v *view, d *aplPageData) { aplAddErrors(v, res.parsed, res.err, nil, d.OrgName) })
	return true
}

// aplSaveForm saves the form to the draft before the action a button asks
// for. When it cannot (a bad value, a newer version), it has answered the
// request, with the form again or the merge page, and returns nil.
func (s *Server) aplSaveForm(w http.ResponseWriter, r *http.Request, a *coopdec.Application, c *coopdec.Call,
	form url.Values, extra map[string]int) *aplSave {
	res, err := s.aplSaveDraft(r, a, c, form)
	if err != nil {
		s.error(w, r, err)
		return nil
	}
	if s.aplDraftFailed(w, r, a, c, form, res, extra) {
		return nil
	}
	return res
}

// aplEditable loads the path's application for a change to its draft.
func (s *Server) aplEditable(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	id, err := aplPathID(r)
	if err != nil {
		return nil, nil, err
	}
	return s.editableApplication(r, id)
}

// applicantSave saves the draft's form, and adds or removes a row when
// the button asks to.
func (s *Server) applicantSave(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.aplEditable(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	form, err := aplReadForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	merged := form.Get("merge") != ""
	if merged {
		form = aplMergedForm(form, a)
	}
	act, hasAct := aplParseRowAction(form.Get("action"))
	extra := map[string]int{}
	if hasAct && act.Add {
		extra[act.Group.Prefix] = min(act.Group.blanks(form)+1, aplMaxNewRows)
		form.Set("focus", act.Group.Prefix)
	} else if hasAct {
		act.Group.remove(form, act.Remove)
	}
	res := s.aplSaveForm(w, r, a, c, form, extra)
	if res == nil {
		return
	}
	target := "/candidatures/" + strconv.FormatInt(a.ID, 10)
	switch {
	case form.Get("action") == aplFindPartners:
		target += "?ok=saved&organisations=" + url.QueryEscape(strings.TrimSpace(form.Get("organisations"))) + "#partner-search"
	case hasAct && act.Add:
		n := len(act.Group.indexes(aplFormValues(res.saved))) + extra[act.Group.Prefix]
		target += "?ligne=" + url.QueryEscape(act.Group.Prefix) + "&n=" + strconv.Itoa(extra[act.Group.Prefix]) +
			"#" + act.Group.key(n-1, act.Group.Fields[0])
	case hasAct:
		target += "?ok=saved#" + act.Group.Prefix
	case merged:
		target += "?ok=merged"
	default:
		target += "?ok=saved"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// aplContentKeyRE matches the names of the form's content controls, which a
// merge may take from the user's version.
var aplContentKeyRE = regexp.MustCompile(`^(texts\.[a-z]{2}\.(title|summary|context|objectives|sustainability)|themes|countries|places|duration_months|beneficiary_countries|(activities|results|partners|budget\.expenses|budget\.financing)\.[0-9]{1,3}\.[a-z_]+)$`)

// aplMergedForm builds the form a merge page posts: the stored version, with
// each field the user chose to keep from theirs (mine.<field>, choice.<field>).
func aplMergedForm(posted url.Values, stored *coopdec.Application) url.Values {
	out := aplFormValues(stored)
	all := posted.Get("all")
	for k, vs := range posted {
		field, ok := strings.CutPrefix(k, "mine.")
		if !ok || !aplContentKeyRE.MatchString(field) {
			continue
		}
		if all != "mine" && posted.Get("choice."+field) == "theirs" {
			continue
		}
		out[field] = slices.Clone(vs)
	}
	out.Set("content", "1")
	out.Set("version", posted.Get("version"))
	return out
}

// aplMergeRow is one field that differs between the stored version and the
// user's.
type aplMergeRow struct {
	Field  string
	ID     string // the radios' id prefix
	Label  string
	Theirs string
	Mine   string
	Values []string // the user's values, as the form posts them
}

// aplMergeData is what the merge page shows.
type aplMergeData struct {
	App       *coopdec.Application
	Title     string
	Rows      []aplMergeRow
	Version   int
	Action    string
	ChangedAt instant
}

// aplRenderMerge shows the stored version and the user's side by side, field
// by field, to choose from; nothing is saved until the user chooses.
func (s *Server) aplRenderMerge(w http.ResponseWriter, r *http.Request, theirs *coopdec.Application, c *coopdec.Call,
	mine *coopdec.Application, form url.Values) {
	ctx := r.Context()
	lang := info(r).lang
	ids := []int64{}
	for _, a := range []*coopdec.Application{theirs, mine} {
		for _, p := range a.Partners {
			ids = append(ids, p.OrganisationID)
		}
		for _, l := range a.Budget.Financing {
			ids = append(ids, l.FunderOrganisationID, l.PartnerOrganisationID)
		}
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		s.error(w, r, err)
		return
	}
	fl := aplLabeler{lang: lang, t: func(k string, a ...any) string { return s.cat.T(lang, k, a...) }, orgs: orgs}
	d := &aplMergeData{App: theirs, Title: applicationTitle(theirs, lang), Version: theirs.Version,
		Action: "/candidatures/" + strconv.FormatInt(theirs.ID, 10), ChangedAt: newInstant(theirs.UpdatedAt)}
	if d.Title == "" {
		d.Title = s.cat.T(lang, "applicant.untitled")
	}
	for i, ch := range coopdec.CompareApplications(theirs, mine) {
		values := form[ch.Field]
		if ch.Field == "places" {
			values = []string{strings.Join(mine.Places, "\n")}
		}
		d.Rows = append(d.Rows, aplMergeRow{Field: ch.Field, ID: "merge-" + strconv.Itoa(i), Label: fl.label(ch.Field),
			Theirs: fl.value(ch.Field, ch.Old), Mine: fl.value(ch.Field, ch.New), Values: values})
	}
	v := s.newView(r, "applicant.merge.title", d)
	s.render(w, r, http.StatusConflict, "application_merge", v)
}

// applicantAutosave saves the draft in the background for the page's
// script: the same form, answered in JSON with the new version and the
// eligibility and budget explanations.
func (s *Server) applicantAutosave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := info(r).lang
	a, c, err := s.aplEditable(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	form, err := aplReadForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	form.Set("content", "1")
	res, err := s.aplSaveDraft(r, a, c, form)
	if err != nil {
		s.error(w, r, err)
		return
	}
	names := func(id int64) string {
		if o, err := s.db.Organisation(ctx, id); err == nil {
			return o.Name
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	out := aplAutosaveAnswer{Version: a.Version, Errors: []problemField{}}
	switch {
	case res.theirs != nil:
		out.Conflict = true
		out.Message = s.cat.T(lang, "applicant.autosave.conflict")
		writeJSON(w, http.StatusConflict, out)
		return
	case res.failed():
		v := s.newView(r, "", nil)
		aplAddErrors(v, res.parsed, res.err, nil, names)
		for _, e := range v.ErrorList {
			out.Errors = append(out.Errors, problemField(e))
		}
		out.Message = s.cat.T(lang, "applicant.autosave.invalid")
		writeJSON(w, http.StatusUnprocessableEntity, out)
		return
	}
	saved := res.saved
	el, err := s.db.Eligibility(ctx, saved)
	if err != nil {
		s.error(w, r, err)
		return
	}
	targets, err := s.redirectTargets(ctx, currentUser(r), c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out.Version = saved.Version
	out.SavedAt = saved.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")
	out.Message = s.cat.T(lang, "applicant.autosave.saved", saved.UpdatedAt.In(Paris).Format("15:04"))
	var passed int
	out.Eligibility, passed = s.aplRuleRows(lang, el, targets)
	out.Summary = s.cat.T(lang, "applicant.eligibility.summary", passed, len(el.Results))
	out.Budget = s.aplBudgetChecks(lang, saved.Budget, c, names)
	out.Totals = s.aplBudgetTotals(lang, saved.Budget)
	writeJSON(w, http.StatusOK, out)
}

// aplAutosaveAnswer is what the autosave endpoint answers.
type aplAutosaveAnswer struct {
	Version     int            `json:"version"`
	SavedAt     string         `json:"saved_at,omitempty"`
	Message     string         `json:"message"`
	Conflict    bool           `json:"conflict,omitempty"`
	Eligibility []aplRuleRow   `json:"eligibility,omitempty"`
	Summary     string         `json:"eligibility_summary,omitempty"`
	Budget      []aplCheckRow  `json:"budget"` // sent empty too: it clears the problems the page shows
	Totals      []aplTotalRow  `json:"totals,omitempty"`
	Errors      []problemField `json:"errors"`
}

// applicantSubmit saves the form, then submits the draft: the call must
// be open by the server's clock when the request arrives, the application
// complete and eligible. The page's idempotency key makes a double click
// or a resent form submit once.
func (s *Server) applicantSubmit(w http.ResponseWriter, r *http.Request) {
	received := s.db.Now()
	ctx := r.Context()
	a, c, err := s.aplLead(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	form, err := aplReadForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	req := sqldb.SubmitRequest{ApplicationID: a.ID, IdempotencyKey: strings.TrimSpace(form.Get("idempotency_key")),
		At: received, User: u, Actor: actor(r), Notify: func(sub coopdec.Submission, _ *coopdec.Application) []sqldb.Job {
			return receiptJob(sub)
		}}
	receipt := "/candidatures/" + strconv.FormatInt(a.ID, 10) + "/recepisse?ok=submitted"
	if a.Status != coopdec.ApplicationDraft {
		// A form sent again: the first submission's receipt.
		if _, err := s.db.SubmitApplication(ctx, s.jobs, req); err != nil {
			s.error(w, r, err)
			return
		}
		http.Redirect(w, r, receipt, http.StatusSeeOther)
		return
	}
	res := s.aplSaveForm(w, r, a, c, form, nil)
	if res == nil {
		return
	}
	saved := res.saved
	req.Version = saved.Version
	_, err = s.db.SubmitApplication(ctx, s.jobs, req)
	if err == nil {
		http.Redirect(w, r, receipt, http.StatusSeeOther)
		return
	}
	code := coopdec.ErrorCode(err)
	if code != coopdec.EINVALID && code != coopdec.ECONFLICT {
		s.error(w, r, err)
		return
	}
	// Refused: the page says why, next to what to change.
	cur, lerr := s.db.Application(ctx, a.ID)
	if lerr != nil {
		s.error(w, r, lerr)
		return
	}
	opts := aplViewOpts{mode: aplRead}
	if coopdec.CanEditApplication(u, cur) {
		opts.mode = aplDraft
		form.Set("version", strconv.Itoa(cur.Version))
	} else {
		form = aplFormValues(cur)
	}
	s.aplRender(w, r, statusOf(code), cur, c, form, opts, func(v *view, d *aplPageData) {
		d.SubmitRefused = true
		aplAddErrors(v, nil, err, nil, d.OrgName)
	})
}

// applicantInvite saves the form, then sends partner n (the form's row)
// its invitation to confirm, in the language chosen.
func (s *Server) applicantInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, err := s.aplEditable(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= aplPartners.Max {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found"))
		return
	}
	form, err := aplReadForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	email := strings.TrimSpace(form.Get(fmt.Sprintf("invite.%d.email", n)))
	lang := form.Get(fmt.Sprintf("invite.%d.language", n))
	res := s.aplSaveForm(w, r, a, c, form, nil)
	if res == nil {
		return
	}
	saved := res.saved
	idx, ok := res.moved[n]
	if !ok {
		idx = -1
	}
	for _, k := range []string{"email", "language"} {
		form.Del(fmt.Sprintf("invite.%d.%s", n, k))
	}
	if idx >= 0 {
		form.Set(fmt.Sprintf("invite.%d.email", idx), email)
		form.Set(fmt.Sprintf("invite.%d.language", idx), lang)
	}
	form.Set("version", strconv.Itoa(saved.Version))
	var leadName string
	if o, err := s.db.Organisation(ctx, saved.LeadOrganisationID); err == nil {
		leadName = o.Name
	}
	notify := func(pc *coopdec.PartnerConfirmation, app *coopdec.Application, token string) []sqldb.Job {
		return s.partnerInvitationMail(pc, token, app, c, leadName, s.partnerName(ctx, pc.PartnerEntry))
	}
	if idx < 0 {
		err = coopdec.FieldError("partner", "confirmation.partner.invalid")
	} else {
		_, err = s.db.InvitePartner(ctx, s.jobs, saved.ID, saved.Version, idx, email, lang, actor(r), notify)
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d?ok=invited#partner-%d", saved.ID, idx), http.StatusSeeOther)
		return
	}
	code := coopdec.ErrorCode(err)
	if code != coopdec.EINVALID && code != coopdec.ECONFLICT {
		s.error(w, r, err)
		return
	}
	rename := map[string]string{"email": fmt.Sprintf("invite.%d.email", idx), "language": fmt.Sprintf("invite.%d.language", idx),
		"partner": fmt.Sprintf("partners.%d.name", max(idx, 0))}
	s.aplRender(w, r, statusOf(code), saved, c, form, aplViewOpts{mode: aplDraft}, func(v *view, d *aplPageData) {
		aplAddErrors(v, nil, err, rename, d.OrgName)
	})
}

// applicantUpload attaches a file: to a draft (after saving its form),
// or to a submitted application for the open correction request, which
// keeps it pending until answered. The file is checked by its content;
// nothing is stored when it is refused.
func (s *Server) applicantUpload(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.aplLead(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	mode := aplDraft
	if a.Status != coopdec.ApplicationDraft {
		mode = aplCorrection
	}
	form, ferr := aplReadForm(w, r)
	if ferr != nil {
		// The form could not be read (a file over the limit): what the
		// draft holds is shown again, with the reason.
		s.aplRender(w, r, statusOf(coopdec.ErrorCode(ferr)), a, c, aplFormValues(a), aplViewOpts{mode: mode},
			func(v *view, d *aplPageData) { aplAddErrors(v, nil, ferr, nil, nil) })
		return
	}
	if mode == aplDraft {
		res := s.aplSaveForm(w, r, a, c, form, nil)
		if res == nil {
			return
		}
		a = res.saved
		form.Set("version", strconv.Itoa(a.Version))
	} else {
		for _, g := range aplGroups {
			g.compact(form)
		}
	}
	code := strings.TrimSpace(form.Get("document_code"))
	err = s.aplAttachFile(r, a, c, code)
	if err == nil && mode == aplDraft {
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d?ok=uploaded#documents", a.ID), http.StatusSeeOther)
		return
	}
	status := http.StatusOK
	if err != nil {
		if ec := coopdec.ErrorCode(err); ec != coopdec.EINVALID && ec != coopdec.ECONFLICT {
			s.error(w, r, err)
			return
		}
		status = statusOf(coopdec.ErrorCode(err))
	}
	s.aplRender(w, r, status, a, c, form, aplViewOpts{mode: mode}, func(v *view, d *aplPageData) {
		if err != nil {
			aplAddErrors(v, nil, err, nil, d.OrgName)
		} else {
			aplFlash(v, "uploaded")
		}
	})
}

// aplAttachFile receives the request's file and attaches it as document code.
func (s *Server) aplAttachFile(r *http.Request, a *coopdec.Application, c *coopdec.Call, code string) error {
	valid := slices.Contains(c.Rules.RequiredDocuments, code) || code == aplOtherDocument
	if a.Status != coopdec.ApplicationDraft {
		valid = true // storage checks it against the correction request
	}
	if code == "" || !valid {
		return coopdec.FieldError("document_code", "applicant.document.choose")
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return coopdec.FieldError("file", "applicant.file.required")
	}
	defer file.Close()
	att, err := s.receiveFile(r.Context(), file, hdr.Filename)
	if err != nil {
		return err
	}
	att.ApplicationID, att.DocumentCode = a.ID, code
	return s.db.AddAttachment(r.Context(), &att, actor(r))
}

// applicantDeleteFile removes a file from a draft (after saving its
// form), or a pending file of a correction's answer.
func (s *Server) applicantDeleteFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, err := s.aplLead(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	aid, err := apiPathID(r, "aid", "attachment.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	form, err := aplReadForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	mode := aplDraft
	if a.Status == coopdec.ApplicationDraft {
		res := s.aplSaveForm(w, r, a, c, form, nil)
		if res == nil {
			return
		}
		a = res.saved
		form.Set("version", strconv.Itoa(a.Version))
	} else {
		mode = aplCorrection
		for _, g := range aplGroups {
			g.compact(form)
		}
	}
	err = s.db.DeleteAttachment(ctx, a.ID, aid, actor(r))
	if err == nil && mode == aplDraft {
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d?ok=deleted#documents", a.ID), http.StatusSeeOther)
		return
	}
	status := http.StatusOK
	if err != nil {
		if ec := coopdec.ErrorCode(err); ec != coopdec.EINVALID && ec != coopdec.ECONFLICT && ec != coopdec.ENOTFOUND {
			s.error(w, r, err)
			return
		}
		status = statusOf(coopdec.ErrorCode(err))
	}
	s.aplRender(w, r, status, a, c, form, aplViewOpts{mode: mode}, func(v *view, d *aplPageData) {
		if err != nil {
			aplAddErrors(v, nil, err, nil, d.OrgName)
		} else {
			aplFlash(v, "deleted")
		}
	})
}
