package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// An application's message thread, between its applicant and the call's
// officers and co-managers, and the applicant's answer to a correction
// request: both tell the other side by email.

// aplMessageRow is a message as the thread shows it.
type aplMessageRow struct {
	coopdec.Message
	At    instant
	Files []aplFile
	Side  string
}

// aplMessagesData is what the thread page shows.
type aplMessagesData struct {
	App      *coopdec.Application
	Title    string
	CallRef  string
	Rows     []aplMessageRow
	Pager    *pager
	Member   bool
	Managers bool // officers and co-managers read the thread: the application is submitted
}

// aplMessagesPerPage is the length of a page of the thread.
const aplMessagesPerPage = 20

// aplThread loads the path's application for its thread: whoever
// may not write in it gets 404, as for the application.
func (s *Server) aplThread(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	a, c, err := s.aplLoad(r)
	if err != nil {
		return nil, nil, err
	}
	if !coopdec.CanMessage(currentUser(r), a, c) {
		return nil, nil, errApplicationNotFound
	}
	return a, c, nil
}

// applicantMessages is the thread, its last page first.
func (s *Server) applicantMessages(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.aplThread(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.aplRenderThread(w, r, http.StatusOK, a, c, "", nil)
}

func (s *Server) aplRenderThread(w http.ResponseWriter, r *http.Request, status int, a *coopdec.Application, c *coopdec.Call,
	body string, err error) {
	ctx := r.Context()
	lang := info(r).lang
	u := currentUser(r)
	page := pageParam(r)
	page.PerPage = aplMessagesPerPage
	list, p, lerr := s.db.ListMessages(ctx, a.ID, page)
	if lerr != nil {
		s.error(w, r, lerr)
		return
	}
	if r.URL.Query().Get("page") == "" && p.Pages() > 1 {
		page.Page = p.Pages()
		if list, p, lerr = s.db.ListMessages(ctx, a.ID, page); lerr != nil {
			s.error(w, r, lerr)
			return
		}
	}
	d := &aplMessagesData{App: a, Title: applicationTitle(a, lang), CallRef: c.Reference, Pager: newPager(r, p)}
	if d.Title == "" {
		d.Title = s.cat.T(lang, "applicant.untitled")
	}
	_, d.Member = u.Membership(a.LeadOrganisationID)
	d.Managers = !a.SubmittedAt.IsZero()
	docName := func(code string) string { return s.cat.T(lang, "applicant.document.message") }
	for _, m := range list {
		row := aplMessageRow{Message: m, At: newInstant(m.CreatedAt)}
		row.Side = s.cat.T(lang, "applicant.messages.side.managers")
		if m.FromApplicant {
			row.Side = s.cat.T(lang, "applicant.messages.side.applicant")
		}
		for _, f := range m.Attachments {
			row.Files = append(row.Files, s.aplFileRow(lang, f, docName))
		}
		d.Rows = append(d.Rows, row)
	}
	v := s.newView(r, "applicant.messages.title", d)
	v.Form = map[string][]string{"body": {body}}
	if err != nil {
		aplAddErrors(v, nil, err, map[string]string{"file": "files", "attachments": "files"}, nil)
	}
	s.render(w, r, status, "application_messages", v)
}

// applicantPostMessage adds a message with its files to the thread, and
// tells the other side.
func (s *Server) applicantPostMessage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, err := s.aplThread(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	form, err := aplReadForm(w, r)
	if err != nil {
		s.aplRenderThread(w, r, statusOf(coopdec.ErrorCode(err)), a, c, "", err)
		return
	}
	body := form.Get("body")
	m := &coopdec.Message{ApplicationID: a.ID, Body: body}
	if r.MultipartForm != nil {
		var errs coopdec.Errors
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				errs = append(errs, coopdec.FieldError("files", "attachment.unreadable"))
				continue
			}
			att, err := s.receiveFile(ctx, f, fh.Filename)
			f.Close()
			var refused *coopdec.Error
			if errors.As(err, &refused) && refused.Code == coopdec.EINVALID {
				lang := info(r).lang
				why := s.cat.T(lang, refused.Key, localizeArgs(lang, refused.Key, refused.Args, nil)...)
				errs = append(errs, &coopdec.Error{Code: coopdec.EINVALID, Key: "applicant.messages.file_refused",
					Args: []any{coopdec.SafeFilename(fh.Filename), why}, Field: "files"})
				continue
			}
			if err != nil {
				s.error(w, r, err)
				return
			}
			att.DocumentCode = "message"
			m.Attachments = append(m.Attachments, att)
		}
		if err := errs.Err(); err != nil {
			s.aplRenderThread(w, r, http.StatusUnprocessableEntity, a, c, body, err)
			return
		}
	}
	to, err := s.messageRecipients(ctx, u, a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.PostMessage(ctx, s.jobs, u, m, actor(r), func(m *coopdec.Message, app *coopdec.Application, _ *coopdec.Call) []sqldb.Job {
		return s.messageMails(to, m, app)
	})
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d/messages#message-%d", a.ID, m.ID), http.StatusSeeOther)
		return
	}
	if code := coopdec.ErrorCode(err); code != coopdec.EINVALID && code != coopdec.ECONFLICT {
		s.error(w, r, err)
		return
	}
	s.aplRenderThread(w, r, statusOf(coopdec.ErrorCode(err)), a, c, body, err)
}

// applicantAnswer answers the open correction request: the fields it
// opens are taken from the form, the files sent for it replace those of
// their documents, and the result is kept as a new version. Row buttons
// add or remove a row without saving.
func (s *Server) applicantAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, err := s.aplLead(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	cid, err := apiPathID(r, "cid", "correction.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ListCorrections(ctx, a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	i := slices.IndexFunc(list, func(cr coopdec.CorrectionRequest) bool { return cr.ID == cid })
	if i < 0 {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "correction.not_found"))
		return
	}
	cr := &list[i]
	if err := coopdec.CanAnswerCorrection(u, a, cr, s.db.Now()); err != nil {
		s.error(w, r, err)
		return
	}
	form, err := aplReadForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	opts := aplViewOpts{mode: aplCorrection, extra: map[string]int{}}
	check := form.Get("action") == "check"
	if act, ok := aplParseRowAction(form.Get("action")); ok {
		if act.Add {
			opts.extra[act.Group.Prefix] = min(act.Group.blanks(form)+1, aplMaxNewRows)
			form.Set("focus", act.Group.Prefix)
		} else {
			act.Group.remove(form, act.Remove)
		}
		for _, g := range aplGroups {
			g.compact(form)
		}
		s.aplRender(w, r, http.StatusOK, a, c, form, opts, nil)
		return
	}
	for _, g := range aplGroups {
		g.compact(form)
	}
	parsed, perrs := aplFromForm(form)
	proposed := aplWithFields(a, parsed, cr.Fields)
	if slices.Contains(cr.Fields, "partners") {
		if err := s.aplFillPartners(ctx, proposed, &perrs); err != nil {
			s.error(w, r, err)
			return
		}
	}
	fail := func(status int, err error) {
		s.aplRender(w, r, status, a, c, form, opts, func(v *view, d *aplPageData) {
			aplAddErrors(v, perrs, err, nil, d.OrgName)
		})
	}
	if len(perrs) > 0 {
		fail(http.StatusUnprocessableEntity, nil)
		return
	}
	if err := proposed.ValidateDraft(c); err != nil {
		fail(http.StatusUnprocessableEntity, err)
		return
	}
	if check {
		// "Check my answer": what submission would refuse, nothing saved.
		err := proposed.Validate(c)
		status := http.StatusOK
		if err != nil {
			status = http.StatusUnprocessableEntity
		}
		s.aplRender(w, r, status, a, c, form, opts, func(v *view, d *aplPageData) {
			if err != nil {
				aplAddErrors(v, nil, err, nil, d.OrgName)
			} else {
				aplFlash(v, "checked")
			}
		})
		return
	}
	managers, err := s.db.CallManagers(ctx, c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	notify := func(cr *coopdec.CorrectionRequest, app *coopdec.Application) []sqldb.Job {
		return s.correctionAnswerMails(managers, cr, app)
	}
	if _, err = s.db.AnswerCorrection(ctx, s.jobs, u, a.ID, cid, proposed, form.Get("answer"), actor(r), notify); err == nil {
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d?ok=answered", a.ID), http.StatusSeeOther)
		return
	}
	if code := coopdec.ErrorCode(err); code != coopdec.EINVALID && code != coopdec.ECONFLICT {
		s.error(w, r, err)
		return
	}
	fail(statusOf(coopdec.ErrorCode(err)), err)
}
