package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The review of one submitted application (instruction, in French): what it
// says, its receipt and eligibility, its correction requests with the form
// to send one, and its versions.

// reviewedApplication loads the application of the path for those who
// handle its call's applications, once it has been submitted; anyone else,
// and a draft, get ENOTFOUND.
func (s *Server) reviewedApplication(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "application.not_found")
	if err != nil {
		return nil, nil, err
	}
	a, err := s.db.Application(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Call(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, err
	}
	u := currentUser(r)
	if a.SubmittedAt.IsZero() || !coopdec.CanListCallApplications(u, c) || !coopdec.CanViewApplication(u, a, c) {
		return nil, nil, errApplicationNotFound
	}
	return a, c, nil
}

// choice is an option of a form: its value and its label.
type choice struct {
	Value, Label string
}

// partnerRow is a member of a consortium as the review shows it.
type partnerRow struct {
	Name         string
	Country      string
	Kind         string
	Role         string
	Contribution string
	Amount       string
	InKind       bool
	Confirmation string // pending, confirmed, declined, lapsed, or "" when never invited
}

// correctionRow is a correction request as the review lists it.
type correctionRow struct {
	ID         int64
	Status     coopdec.CorrectionStatus
	Reason     string
	Fields     []string
	Documents  []string
	Created    instant
	Due        instant
	Answer     string
	AnsweredAt instant
	Version    int
}

// receiptView is a receipt as pages show it.
type receiptView struct {
	Number      string
	SubmittedAt instant
	Seconds     string // the submission time to the second, in Paris
	SHA256      string
	Attachments []coopdec.AttachmentHash
}

// officerReviewData is what the review page shows.
type officerReviewData struct {
	refData
	App              *coopdec.Application
	Call             *coopdec.Call
	CallTitle        string
	CallTitleLang    string
	Title, TitleLang string
	Summary          string
	SummaryLang      string
	Lead             string
	Status           string
	SubmittedAt      instant
	WithdrawnAt      instant
	Countries        string
	Beneficiaries    string
	Themes           string
	Places           string
	Duration         string
	Total            string
	Grant            string
	Own              string
	Partners         []partnerRow
	Results          []resultRow
	Eligible         string // yes, no or unknown
	Receipt          *receiptView
	Corrections      []correctionRow
	HasOpen          bool
	CanRequest       bool
	FieldChoices     []choice
	DocumentChoices  []choice
	Versions         int
	form             url.Values
}

// Has reports whether the correction form holds value under name.
func (d *officerReviewData) Has(name, value string) bool { return slices.Contains(d.form[name], value) }

// officerReview is the review page of one application.
func (s *Server) officerReview(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.reviewedApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	form := url.Values{"due_time": {"23:59"}}
	v, err := s.officerReviewView(r, a, c, form)
	if err != nil {
		s.error(w, r, err)
		return
	}
	switch r.URL.Query().Get("ok") {
	case "correction":
		v.Flash = v.T("officer.review.flash.requested")
	case "cancelled":
		v.Flash = v.T("officer.review.flash.cancelled")
	}
	s.render(w, r, http.StatusOK, "officer_review", v)
}

func (s *Server) officerReviewView(r *http.Request, a *coopdec.Application, c *coopdec.Call, form url.Values) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	d := &officerReviewData{refData: refData{lang}, App: a, Call: c, form: form,
		SubmittedAt: newInstant(a.SubmittedAt), WithdrawnAt: newInstant(a.WithdrawnAt),
		Status: t("officer.status." + string(a.Status))}
	text, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = text.Title, tl
	d.Title, d.TitleLang = applicationTitleIn(a, lang)
	d.Summary, d.SummaryLang = a.Texts[d.TitleLang].Summary, d.TitleLang
	d.Countries = strings.Join(placeNames(lang, a.Countries, false), ", ")
	d.Beneficiaries = strings.Join(placeNames(lang, a.BeneficiaryCountries, false), ", ")
	d.Themes = s.themeNames(lang, a.Themes)
	d.Places = strings.Join(a.Places, ", ")
	if a.DurationMonths > 0 {
		d.Duration = t("officer.months", a.DurationMonths)
	}
	tot := a.Budget.Totals()
	d.Total, d.Grant = coopdec.FormatEuroCents(lang, tot.ExpensesCents), coopdec.FormatEuroCents(lang, tot.GrantCents)
	d.Own = coopdec.FormatEuroCents(lang, tot.OwnCashCents+tot.OwnInKindCents)

	ids := []int64{a.LeadOrganisationID}
	for _, p := range a.Partners {
		ids = append(ids, p.OrganisationID)
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Lead = orgs[a.LeadOrganisationID].Name
	confirmations, err := s.db.ListPartnerConfirmations(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range a.Partners {
		row := partnerRow{Name: p.Name, Country: coopdec.Country{Code: p.Country}.Name(lang),
			Kind: t("orgs.kind." + string(p.Kind)), Role: t("officer.role." + string(p.Role)),
			Contribution: p.Contribution, InKind: p.InKind}
		if row.Name == "" {
			row.Name = orgs[p.OrganisationID].Name
		}
		if p.ContributionCents > 0 {
			row.Amount = coopdec.FormatEuroCents(lang, p.ContributionCents)
		}
		if p.Role != coopdec.RoleLeadPartner {
			st, _ := coopdec.ConfirmationState(p, confirmations)
			row.Confirmation = string(st)
		}
		d.Partners = append(d.Partners, row)
	}

	el, err := s.db.Eligibility(ctx, a)
	if err != nil {
		return nil, err
	}
	targets, err := s.redirectTargets(ctx, currentUser(r), c)
	if err != nil {
		return nil, err
	}
	d.Results = s.resultRows(lang, el, targets)
	switch {
	case slices.ContainsFunc(el.Results, func(res coopdec.RuleResult) bool { return res.Status == coopdec.RuleFailed }):
		d.Eligible = "no"
	case el.Eligible():
		d.Eligible = "yes"
	default:
		d.Eligible = "unknown"
	}

	if rc, err := s.db.ApplicationReceipt(ctx, a.ID); err == nil {
		d.Receipt = newReceiptView(rc)
	} else if coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return nil, err
	}

	corrections, err := s.db.ListCorrections(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for i := len(corrections) - 1; i >= 0; i-- { // newest first
		cr := corrections[i]
		d.Corrections = append(d.Corrections, s.correctionRow(lang, cr))
		if cr.Status == coopdec.CorrectionOpen {
			d.HasOpen = true
		}
	}
	d.CanRequest = !d.HasOpen && coopdec.CanRequestCorrection(currentUser(r), a, c)
	d.FieldChoices = s.correctableFieldChoices(lang)
	d.DocumentChoices = s.documentChoices(lang, c)

	versions, err := s.db.ApplicationVersions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	d.Versions = len(versions)

	v := s.newView(r, "officer.review.title", d)
	v.Form = form
	return v, nil
}

func newReceiptView(rc coopdec.Receipt) *receiptView {
	return &receiptView{Number: rc.Number, SubmittedAt: newInstant(rc.SubmittedAt),
		Seconds: rc.SubmittedAt.In(Paris).Format("02/01/2006 15:04:05"), SHA256: rc.ContentSHA256, Attachments: rc.Attachments}
}

// themeNames names theme codes in lang, joined.
func (s *Server) themeNames(lang string, codes []string) string {
	names := make([]string, 0, len(codes))
	for _, code := range codes {
		if th, ok := coopdec.ThemeByCode(code); ok {
			names = append(names, th.Name(lang))
		} else {
			names = append(names, code)
		}
	}
	return strings.Join(names, ", ")
}

func (s *Server) correctionRow(lang string, cr coopdec.CorrectionRequest) correctionRow {
	row := correctionRow{ID: cr.ID, Status: cr.Status, Reason: cr.Reason, Created: newInstant(cr.CreatedAt),
		Due: newInstant(cr.DueAt), Answer: cr.Answer, AnsweredAt: newInstant(cr.AnsweredAt), Version: cr.Version}
	for _, f := range cr.Fields {
		row.Fields = append(row.Fields, s.correctableFieldName(lang, f))
	}
	for _, doc := range cr.Documents {
		row.Documents = append(row.Documents, s.documentName(lang, doc))
	}
	return row
}

// correctableFieldName names a top-level field of an application in lang.
func (s *Server) correctableFieldName(lang, field string) string {
	if n := s.cat.T(lang, "officer.field."+field); n != "officer.field."+field {
		return n
	}
	return field
}

func (s *Server) correctableFieldChoices(lang string) []choice {
	out := make([]choice, len(coopdec.CorrectableFields))
	for i, f := range coopdec.CorrectableFields {
		out[i] = choice{Value: f, Label: s.correctableFieldName(lang, f)}
	}
	return out
}

// documentChoices lists the documents a correction may ask for: those the
// call requires, then the usual ones.
func (s *Server) documentChoices(lang string, c *coopdec.Call) []choice {
	codes := slices.Clone(c.Rules.RequiredDocuments)
	for _, code := range callDocumentCodes {
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	out := make([]choice, len(codes))
	for i, code := range codes {
		out[i] = choice{Value: code, Label: upperFirst(s.documentName(lang, code))}
	}
	return out
}

// upperFirst capitalises a label written to be set inside a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// correctionFromForm reads a correction request from the review's form;
// the errors are those of reading the due date, the rest is for Validate.
// The due date is a day and a time in Paris (23:59 when the time is left
// out).
func correctionFromForm(appID int64, f url.Values) (*coopdec.CorrectionRequest, coopdec.Errors) {
	var errs coopdec.Errors
	cr := &coopdec.CorrectionRequest{ApplicationID: appID, Reason: f.Get("reason"),
		Fields: slices.Clone(f["fields"]), Documents: slices.Clone(f["documents"])}
	cr.Documents = append(cr.Documents, splitCodes(f.Get("other_documents"))...)
	day, at := strings.TrimSpace(f.Get("due_date")), strings.TrimSpace(f.Get("due_time"))
	if day != "" {
		if at == "" {
			at = "23:59"
		}
		due, err := parseParisTime("due_at", day+"T"+at)
		if err != nil {
			errs = append(errs, asErrors(err)...)
		}
		cr.DueAt = due.UTC()
	}
	return cr, errs
}

// officerCorrectionRequest sends a correction request; the lead's members
// are told by email, in the same transaction.
func (s *Server) officerCorrectionRequest(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.reviewedApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	cr, parsed := correctionFromForm(a.ID, r.PostForm)
	if len(parsed) > 0 {
		// Report the rest of the form's problems along with the date's.
		if verr := cr.Validate(s.db.Now()); verr != nil {
			for _, e := range asErrors(verr) {
				if e.Field != "due_at" {
					parsed = append(parsed, e)
				}
			}
		}
		s.officerReviewFail(w, r, a, c, http.StatusUnprocessableEntity, parsed)
		return
	}
	team, err := s.db.ApplicationTeam(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.RequestCorrection(r.Context(), s.jobs, currentUser(r), cr, actor(r),
		func(cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
			return s.correctionRequestMails(team, cr, a)
		})
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d/instruction?ok=correction#corrections", a.ID), http.StatusSeeOther)
	case coopdec.EINVALID:
		s.officerReviewFail(w, r, a, c, http.StatusUnprocessableEntity, err)
	case coopdec.ECONFLICT:
		s.officerReviewFail(w, r, a, c, http.StatusConflict, err)
	default:
		s.error(w, r, err)
	}
}

// officerCorrectionCancel withdraws an open correction request; the lead's
// members are told by email, in the same transaction.
func (s *Server) officerCorrectionCancel(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.reviewedApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || cid < 1 {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "correction.not_found"))
		return
	}
	team, err := s.db.ApplicationTeam(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.CancelCorrection(r.Context(), s.jobs, currentUser(r), a.ID, cid, actor(r),
		func(cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
			return s.correctionCancelMails(team, cr, a)
		})
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/candidatures/%d/instruction?ok=cancelled#corrections", a.ID), http.StatusSeeOther)
	case coopdec.ECONFLICT:
		s.officerReviewFail(w, r, a, c, http.StatusConflict, err)
	default:
		s.error(w, r, err)
	}
}

// officerReviewFail shows the review again with the correction form as
// sent and its errors.
func (s *Server) officerReviewFail(w http.ResponseWriter, r *http.Request, a *coopdec.Application, c *coopdec.Call, status int, err error) {
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	v, verr := s.officerReviewView(r, a, c, form)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	var list coopdec.Errors
	if !errors.As(err, &list) {
		list = asErrors(err)
	}
	for _, e := range list {
		v.addError(e)
	}
	s.render(w, r, status, "officer_review", v)
}
