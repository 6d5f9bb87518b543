package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The applications API. Who may read, change, submit or correct an
// application is decided by the domain (coopdec.CanViewApplication,
// CanEditApplication, CheckSubmission, CanRequestCorrection, CanMessage…)
// and storage; the handlers translate between JSON and those rules. An
// application its reader may not see is answered 404, like one that does
// not exist.

// applicationAPIRoutes registers the applications API.
func (s *Server) applicationAPIRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/applications", s.requireUser(s.apiApplicationList))
	mux.HandleFunc("POST /api/v1/applications", s.requireUser(s.apiApplicationCreate))
	mux.HandleFunc("GET /api/v1/applications/{id}", s.requireUser(s.apiApplicationGet))
	mux.HandleFunc("PUT /api/v1/applications/{id}", s.requireUser(s.apiApplicationUpdate))
	mux.HandleFunc("GET /api/v1/applications/{id}/eligibility", s.requireUser(s.apiApplicationEligibility))
	mux.HandleFunc("POST /api/v1/applications/{id}/check", s.requireUser(s.apiApplicationCheck))
	mux.HandleFunc("GET /api/v1/applications/{id}/attachments", s.requireUser(s.apiAttachmentList))
	mux.HandleFunc("POST /api/v1/applications/{id}/attachments", s.requireUser(s.apiAttachmentAdd))
	mux.HandleFunc("GET /api/v1/applications/{id}/attachments/{aid}", s.requireUser(s.apiAttachmentGet))
	mux.HandleFunc("DELETE /api/v1/applications/{id}/attachments/{aid}", s.requireUser(s.apiAttachmentDelete))
	mux.HandleFunc("GET /api/v1/applications/{id}/confirmations", s.requireUser(s.apiConfirmationList))
	mux.HandleFunc("POST /api/v1/applications/{id}/partners/{index}/invitations", s.requireUser(s.apiPartnerInvite))
	mux.HandleFunc("GET /api/v1/partner-confirmations/{token}", s.apiPartnerConfirmation)
	mux.HandleFunc("POST /api/v1/partner-confirmations/{token}", s.apiPartnerRespond)
	mux.HandleFunc("POST /api/v1/applications/{id}/submit", s.requireUser(s.apiApplicationSubmit))
	mux.HandleFunc("GET /api/v1/applications/{id}/receipt", s.requireUser(s.apiApplicationReceipt))
	mux.HandleFunc("POST /api/v1/receipts/verify", s.apiReceiptVerify)
	mux.HandleFunc("POST /api/v1/applications/{id}/withdraw", s.requireUser(s.apiApplicationWithdraw))
	mux.HandleFunc("GET /api/v1/applications/{id}/corrections", s.requireUser(s.apiCorrectionList))
	mux.HandleFunc("POST /api/v1/applications/{id}/corrections", s.requireUser(s.apiCorrectionRequest))
	mux.HandleFunc("POST /api/v1/applications/{id}/corrections/{cid}/answer", s.requireUser(s.apiCorrectionAnswer))
	mux.HandleFunc("POST /api/v1/applications/{id}/corrections/{cid}/cancel", s.requireUser(s.apiCorrectionCancel))
	mux.HandleFunc("GET /api/v1/applications/{id}/versions", s.requireUser(s.apiVersionList))
	mux.HandleFunc("GET /api/v1/applications/{id}/versions/{n}", s.requireUser(s.apiVersionGet))
	mux.HandleFunc("GET /api/v1/applications/{id}/compare", s.requireUser(s.apiVersionCompare))
	mux.HandleFunc("GET /api/v1/applications/{id}/messages", s.requireUser(s.apiMessageList))
	mux.HandleFunc("POST /api/v1/applications/{id}/messages", s.requireUser(s.apiMessagePost))
	mux.HandleFunc("GET /api/v1/calls/{id}/applications", s.requireUser(s.apiCallApplications))
	s.applicationExportRoute(mux)
}

// The content of an application as the API reads and writes it: snake_case
// names, amounts in euro cents, organisations by id (null when none).

type apiAppText struct {
	Title          string `json:"title"`
	Summary        string `json:"summary"`
	Context        string `json:"context"`
	Objectives     string `json:"objectives"`
	Sustainability string `json:"sustainability"`
}

type apiAppActivity struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	StartMonth  int    `json:"start_month"`
	EndMonth    int    `json:"end_month"`
}

type apiAppResult struct {
	Indicator string `json:"indicator"`
	Unit      string `json:"unit"`
	Baseline  string `json:"baseline"`
	Target    string `json:"target"`
}

// apiAppPartner is a member of the consortium. Confirmed is read-only: it is
// ignored when sent, since only the partner's own answer confirms.
type apiAppPartner struct {
	OrganisationID    *int64 `json:"organisation_id"`
	Name              string `json:"name"`
	Kind              string `json:"kind"`
	Country           string `json:"country"`
	Role              string `json:"role"`
	Contribution      string `json:"contribution"`
	ContributionCents int64  `json:"contribution_cents"`
	InKind            bool   `json:"in_kind"`
	Confirmed         bool   `json:"confirmed"`
}

type apiAppExpense struct {
	Category    string `json:"category"`
	Label       string `json:"label"`
	AmountCents int64  `json:"amount_cents"`
}

type apiAppFinancing struct {
	Source                string `json:"source"`
	FunderOrganisationID  *int64 `json:"funder_organisation_id"`
	PartnerOrganisationID *int64 `json:"partner_organisation_id"`
	Label                 string `json:"label"`
	AmountCents           int64  `json:"amount_cents"`
	InKind                bool   `json:"in_kind"`
}

type apiAppBudget struct {
	Expenses  []apiAppExpense   `json:"expenses"`
	Financing []apiAppFinancing `json:"financing"`
}

// apiApplicationContent is what an application's authors write.
type apiApplicationContent struct {
	Texts                map[string]apiAppText `json:"texts"`
	Themes               []string              `json:"themes"`
	Countries            []string              `json:"countries"`
	Places               []string              `json:"places"`
	Activities           []apiAppActivity      `json:"activities"`
	DurationMonths       int                   `json:"duration_months"`
	Results              []apiAppResult        `json:"results"`
	Partners             []apiAppPartner       `json:"partners"`
	BeneficiaryCountries []string              `json:"beneficiary_countries"`
	Budget               apiAppBudget          `json:"budget"`
}

// apiApplicationWrite is what POST, PUT and the checks take: the content,
// the call and lead when creating, the version read when updating. The
// other members of the application document are accepted and ignored, so
// that a document read (or the current one of a conflict) can be sent back
// as it is.
type apiApplicationWrite struct {
	apiApplicationContent
	CallID             *int64 `json:"call_id"`
	LeadOrganisationID *int64 `json:"lead_organisation_id"`
	Version            int    `json:"version"`

	ID               json.RawMessage `json:"id"`
	Status           json.RawMessage `json:"status"`
	CreatedAt        json.RawMessage `json:"created_at"`
	UpdatedAt        json.RawMessage `json:"updated_at"`
	SubmittedAt      json.RawMessage `json:"submitted_at"`
	ReceiptNumber    json.RawMessage `json:"receipt_number"`
	WithdrawnAt      json.RawMessage `json:"withdrawn_at"`
	WithdrawalReason json.RawMessage `json:"withdrawal_reason"`
}

// apiApplicationDoc is an application as the API shows it.
type apiApplicationDoc struct {
	ID                 int64  `json:"id"`
	CallID             int64  `json:"call_id"`
	LeadOrganisationID int64  `json:"lead_organisation_id"`
	Status             string `json:"status"`
	Version            int    `json:"version"`
	apiApplicationContent
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
	SubmittedAt      *string `json:"submitted_at"`
	ReceiptNumber    *string `json:"receipt_number"`
	WithdrawnAt      *string `json:"withdrawn_at"`
	WithdrawalReason *string `json:"withdrawal_reason"`
}

func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func idOrZero(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// apiContentOf writes an application's content for the API, with empty
// lists as [] and the texts as {}.
func apiContentOf(a *coopdec.Application) apiApplicationContent {
	d := apiApplicationContent{Texts: make(map[string]apiAppText, len(a.Texts)),
		Themes: orEmpty(slices.Clone(a.Themes)), Countries: orEmpty(slices.Clone(a.Countries)), Places: orEmpty(slices.Clone(a.Places)),
		Activities: make([]apiAppActivity, 0, len(a.Activities)), DurationMonths: a.DurationMonths,
		Results: make([]apiAppResult, 0, len(a.Results)), Partners: make([]apiAppPartner, 0, len(a.Partners)),
		BeneficiaryCountries: orEmpty(slices.Clone(a.BeneficiaryCountries)),
		Budget: apiAppBudget{Expenses: make([]apiAppExpense, 0, len(a.Budget.Expenses)),
			Financing: make([]apiAppFinancing, 0, len(a.Budget.Financing))}}
	for l, t := range a.Texts {
		d.Texts[l] = apiAppText(t)
	}
	for _, ac := range a.Activities {
		d.Activities = append(d.Activities, apiAppActivity(ac))
	}
	for _, r := range a.Results {
		d.Results = append(d.Results, apiAppResult(r))
	}
	for _, p := range a.Partners {
		d.Partners = append(d.Partners, apiPartnerOf(p))
	}
	for _, e := range a.Budget.Expenses {
		d.Budget.Expenses = append(d.Budget.Expenses, apiAppExpense{Category: string(e.Category), Label: e.Label, AmountCents: e.AmountCents})
	}
	for _, f := range a.Budget.Financing {
		d.Budget.Financing = append(d.Budget.Financing, apiAppFinancing{Source: string(f.Source),
			FunderOrganisationID: idOrNull(f.FunderOrganisationID), PartnerOrganisationID: idOrNull(f.PartnerOrganisationID),
			Label: f.Label, AmountCents: f.AmountCents, InKind: f.InKind})
	}
	return d
}

func apiPartnerOf(p coopdec.Partner) apiAppPartner {
	return apiAppPartner{OrganisationID: idOrNull(p.OrganisationID), Name: p.Name, Kind: string(p.Kind), Country: p.Country,
		Role: string(p.Role), Contribution: p.Contribution, ContributionCents: p.ContributionCents, InKind: p.InKind, Confirmed: p.Confirmed}
}

// Application returns the content as a domain application, to be
// normalised and checked by its Validate or ValidateDraft (storage calls
// them). The pages may decode the same JSON with it, e.g. for autosave.
func (d *apiApplicationContent) Application() *coopdec.Application {
	a := &coopdec.Application{Texts: make(map[string]coopdec.ApplicationText, len(d.Texts)),
		Themes: d.Themes, Countries: d.Countries, Places: d.Places, DurationMonths: d.DurationMonths,
		BeneficiaryCountries: d.BeneficiaryCountries}
	for l, t := range d.Texts {
		a.Texts[l] = coopdec.ApplicationText(t)
	}
	for _, ac := range d.Activities {
		a.Activities = append(a.Activities, coopdec.Activity(ac))
	}
	for _, r := range d.Results {
		a.Results = append(a.Results, coopdec.Result(r))
	}
	for _, p := range d.Partners {
		a.Partners = append(a.Partners, coopdec.Partner{OrganisationID: idOrZero(p.OrganisationID), Name: p.Name,
			Kind: coopdec.OrgKind(p.Kind), Country: p.Country, Role: coopdec.PartnerRole(p.Role), Contribution: p.Contribution,
			ContributionCents: p.ContributionCents, InKind: p.InKind})
	}
	for _, e := range d.Budget.Expenses {
		a.Budget.Expenses = append(a.Budget.Expenses, coopdec.ExpenseLine{Category: coopdec.ExpenseCategory(e.Category),
			Label: e.Label, AmountCents: e.AmountCents})
	}
	for _, f := range d.Budget.Financing {
		a.Budget.Financing = append(a.Budget.Financing, coopdec.FinancingLine{Source: coopdec.FundingSource(f.Source),
			FunderOrganisationID: idOrZero(f.FunderOrganisationID), PartnerOrganisationID: idOrZero(f.PartnerOrganisationID),
			Label: f.Label, AmountCents: f.AmountCents, InKind: f.InKind})
	}
	return a
}

func apiApplicationOf(a *coopdec.Application) apiApplicationDoc {
	d := apiApplicationDoc{ID: a.ID, CallID: a.CallID, LeadOrganisationID: a.LeadOrganisationID, Status: string(a.Status),
		Version: a.Version, apiApplicationContent: apiContentOf(a), CreatedAt: apiTime(a.CreatedAt), UpdatedAt: apiTime(a.UpdatedAt),
		SubmittedAt: apiTimeOrNull(a.SubmittedAt), ReceiptNumber: apiOptional(a.ReceiptNumber),
		WithdrawnAt: apiTimeOrNull(a.WithdrawnAt), WithdrawalReason: apiOptional(a.WithdrawalReason)}
	return d
}

// apiApplicationETag is the entity tag of an application's version, which
// If-Match may send back instead of "version".
func apiApplicationETag(a *coopdec.Application) string { return `"` + strconv.Itoa(a.Version) + `"` }

// apiIfMatchVersion reads a version from If-Match ("3" or W/"3"); 0 when
// absent.
func apiIfMatchVersion(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		return 0, nil
	}
	v = strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, coopdec.FieldError("If-Match", "apiapp.if_match.invalid")
	}
	return n, nil
}

// apiActivityFieldRE finds the timetable's fields as the domain names them
// (activities.0.start), which the API calls start_month and end_month.
var apiActivityFieldRE = regexp.MustCompile(`^(activities\.[0-9]+\.)(start|end)$`)

func apiFieldName(f string) string { return apiActivityFieldRE.ReplaceAllString(f, "${1}${2}_month") }

// apiExplain prepares a domain error for the API: fields named as the
// JSON names them, and organisations named rather than numbered (the
// budget's messages name funders and partners). names may be nil.
func apiExplain(err error, names func(int64) string) error {
	if err == nil {
		return nil
	}
	fix := func(e *coopdec.Error) *coopdec.Error {
		c := *e
		c.Field = apiFieldName(c.Field)
		if names != nil && len(c.Args) > 0 {
			c.Args = slices.Clone(c.Args)
			for i, a := range c.Args {
				if id, ok := a.(coopdec.OrganisationArg); ok {
					if n := names(int64(id)); n != "" {
						c.Args[i] = n
					}
				}
			}
		}
		return &c
	}
	var list coopdec.Errors
	if errors.As(err, &list) && len(list) > 0 {
		out := make(coopdec.Errors, len(list))
		for i, e := range list {
			out[i] = fix(e)
		}
		return out
	}
	var e *coopdec.Error
	if errors.As(err, &e) {
		return fix(e)
	}
	return err
}

// apiOrgNames returns a lookup of the names of the organisations an
// application and its call name: its lead, partners and funders.
func (s *Server) apiOrgNames(ctx context.Context, a *coopdec.Application, c *coopdec.Call) func(int64) string {
	ids := []int64{a.LeadOrganisationID}
	for _, p := range a.Partners {
		if p.OrganisationID > 0 {
			ids = append(ids, p.OrganisationID)
		}
	}
	for _, f := range a.Budget.Financing {
		ids = append(ids, f.FunderOrganisationID, f.PartnerOrganisationID)
	}
	if c != nil {
		for _, f := range c.Funders {
			ids = append(ids, f.OrganisationID)
		}
	}
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id <= 0 })
	slices.Sort(ids)
	orgs, err := s.db.OrganisationsByID(ctx, slices.Compact(ids))
	if err != nil {
		s.log.Error("unable to name organisations", "err", err)
		return nil
	}
	return func(id int64) string {
		if name := orgs[id].Name; name != "" {
			return name
		}
		for _, p := range a.Partners {
			if p.OrganisationID == id && p.Name != "" {
				return p.Name
			}
		}
		return ""
	}
}

// apiApplicationID reads the application's id from the path.
func apiApplicationID(r *http.Request) (int64, error) {
	return apiPathID(r, "id", "application.not_found")
}

// apiReadableApplication loads the application of the path for its reader.
func (s *Server) apiReadableApplication(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	id, err := apiApplicationID(r)
	if err != nil {
		return nil, nil, err
	}
	return s.application(r, id)
}

// apiMemberApplication loads the application of the path for a member of
// its lead organisation: other readers (officers, co-managers) get
// EFORBIDDEN, and those who may not read it ENOTFOUND.
func (s *Server) apiMemberApplication(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		return nil, nil, err
	}
	if _, member := currentUser(r).Membership(a.LeadOrganisationID); !member {
		return nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	return a, c, nil
}

// apiMemberHead lets a member of the application's lead organisation in
// on the application's head alone (sqldb.ApplicationHead), its content
// unread (a and c nil): the files and submissions of deadline day come
// here, and the transactions that follow read the application anyway.
// Anyone else goes the way of others (apiReadableApplication,
// apiMemberApplication), which reads the application and tells them apart
// (EFORBIDDEN for other readers, ENOTFOUND for the rest).
func (s *Server) apiMemberHead(r *http.Request, others func(*http.Request) (*coopdec.Application, *coopdec.Call, error)) (
	h sqldb.ApplicationHead, a *coopdec.Application, c *coopdec.Call, err error) {
	id, err := apiApplicationID(r)
	if err != nil {
		return h, nil, nil, err
	}
	if h, err = s.db.ApplicationHead(r.Context(), id); err != nil {
		return h, nil, nil, err
	}
	if _, member := currentUser(r).Membership(h.LeadOrganisationID); !member {
		a, c, err = others(r)
	}
	return h, a, c, err
}

// apiRefusal explains a refusal of storage about application id with the
// names of its organisations, reading the application when the caller
// had not (a and c nil).
func (s *Server) apiRefusal(r *http.Request, err error, id int64, a *coopdec.Application, c *coopdec.Call) error {
	if a == nil {
		var rerr error
		if a, c, rerr = s.application(r, id); rerr != nil {
			return apiExplain(err, nil)
		}
	}
	return apiExplain(err, s.apiOrgNames(r.Context(), a, c))
}

// Listing and creating.

// apiApplicationSummary is an application in a list, with what is known
// around it.
type apiApplicationSummary struct {
	ID                  int64            `json:"id"`
	Call                apiCallRef       `json:"call"`
	LeadOrganisation    apiOrgRef        `json:"lead_organisation"`
	Status              string           `json:"status"`
	Version             int              `json:"version"`
	Title               string           `json:"title"`
	Countries           []string         `json:"countries"`
	Themes              []string         `json:"themes"`
	Eligible            *bool            `json:"eligible"`
	TotalCostCents      int64            `json:"total_cost_cents"`
	GrantRequestedCents int64            `json:"grant_requested_cents"`
	Partners            apiPartnerCounts `json:"partners"`
	Messages            int              `json:"messages"`
	LastMessageAt       *string          `json:"last_message_at"`
	CorrectionDueAt     *string          `json:"correction_due_at"`
	CreatedAt           string           `json:"created_at"`
	UpdatedAt           string           `json:"updated_at"`
	SubmittedAt         *string          `json:"submitted_at"`
	ReceiptNumber       *string          `json:"receipt_number"`
}

type apiCallRef struct {
	ID        int64   `json:"id"`
	Reference string  `json:"reference"`
	Title     string  `json:"title"`
	Deadline  *string `json:"deadline"`
}

// apiPartnerCounts counts the consortium's partners (the lead left out) and
// those who confirmed their part.
type apiPartnerCounts struct {
	Total     int `json:"total"`
	Confirmed int `json:"confirmed"`
}

func apiSummaryOf(sm *coopdec.ApplicationSummary, lang string) apiApplicationSummary {
	a := &sm.Application
	title := sm.CallTitles[lang]
	if title == "" {
		title = sm.CallTitles["fr"]
	}
	t := a.Budget.Totals()
	d := apiApplicationSummary{ID: a.ID,
		Call:             apiCallRef{ID: a.CallID, Reference: sm.CallReference, Title: title, Deadline: apiTimeOrNull(sm.Deadline)},
		LeadOrganisation: apiOrgRef{ID: a.LeadOrganisationID, Name: sm.LeadName}, Status: string(a.Status), Version: a.Version,
		Title: applicationTitle(a, lang), Countries: orEmpty(slices.Clone(a.Countries)), Themes: orEmpty(slices.Clone(a.Themes)),
		Eligible: sm.Eligible, TotalCostCents: t.ExpensesCents, GrantRequestedCents: t.GrantCents, Messages: sm.Messages,
		LastMessageAt: apiTimeOrNull(sm.LastMessageAt), CorrectionDueAt: apiTimeOrNull(sm.CorrectionDue),
		CreatedAt: apiTime(a.CreatedAt), UpdatedAt: apiTime(a.UpdatedAt), SubmittedAt: apiTimeOrNull(a.SubmittedAt),
		ReceiptNumber: apiOptional(a.ReceiptNumber)}
	for _, p := range a.Partners {
		if p.Role == coopdec.RoleLeadPartner {
			continue
		}
		d.Partners.Total++
		if p.Confirmed {
			d.Partners.Confirmed++
		}
	}
	return d
}

// apiApplicationFilter reads the filters lists share: status, country,
// theme, eligible and q (officers), and call_id (applicants). statuses are
// those the list may hold.
func apiApplicationFilter(r *http.Request, statuses []coopdec.ApplicationStatus, officer bool) (coopdec.ApplicationFilter, coopdec.Page, error) {
	q := r.URL.Query()
	var errs coopdec.Errors
	var f coopdec.ApplicationFilter
	if v := q.Get("status"); v != "" {
		if !slices.Contains(statuses, coopdec.ApplicationStatus(v)) {
			names := make([]string, len(statuses))
			for i, st := range statuses {
				names[i] = string(st)
			}
			errs = append(errs, coopdec.FieldError("status", "apiapp.query.status.invalid", v, strings.Join(names, ", ")))
		}
		f.Status = coopdec.ApplicationStatus(v)
	}
	if officer {
		if v := q.Get("country"); v != "" {
			if _, ok := coopdec.CountryByCode(v); !ok {
				errs = append(errs, coopdec.FieldError("country", "api.query.country.invalid", v))
			}
			f.Country = strings.ToUpper(strings.TrimSpace(v))
		}
		if v := q.Get("theme"); v != "" {
			if _, ok := coopdec.ThemeByCode(v); !ok {
				errs = append(errs, coopdec.FieldError("theme", "apiapp.query.theme.invalid", v))
			}
			f.Theme = strings.ToLower(strings.TrimSpace(v))
		}
		if v := q.Get("eligible"); v != "" {
			if v != "yes" && v != "no" && v != "unknown" {
				errs = append(errs, coopdec.FieldError("eligible", "apiapp.query.eligible.invalid", v))
			}
			f.Eligible = v
		}
		f.Query = strings.TrimSpace(q.Get("q"))
	} else if v := q.Get("call_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			errs = append(errs, coopdec.FieldError("call_id", "apiapp.query.call_id.invalid"))
		}
		f.CallID = id
	}
	page := apiPageQuery(q, &errs)
	return f, page, errs.Err()
}

func (s *Server) apiWriteSummaries(w http.ResponseWriter, r *http.Request, f coopdec.ApplicationFilter, page coopdec.Page) {
	list, page, err := s.db.ListApplications(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	docs := make([]apiApplicationSummary, 0, len(list))
	for i := range list {
		docs = append(docs, apiSummaryOf(&list[i], lang))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

// apiApplicationList lists the applications of the organisations the user
// belongs to, drafts included.
func (s *Server) apiApplicationList(w http.ResponseWriter, r *http.Request) {
	f, page, err := apiApplicationFilter(r, []coopdec.ApplicationStatus{coopdec.ApplicationDraft, coopdec.ApplicationSubmitted,
		coopdec.ApplicationWithdrawn}, false)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f.LeadOrganisationIDs = []int64{}
	for _, m := range currentUser(r).Memberships {
		f.LeadOrganisationIDs = append(f.LeadOrganisationIDs, m.OrganisationID)
	}
	s.apiWriteSummaries(w, r, f, page)
}

// apiLead picks the organisation an application is made for: the one the
// request names, which must be a French local authority the user belongs
// to, or the user's only one.
func apiLead(u *coopdec.User, requested int64) (int64, error) {
	var authorities []int64
	for _, m := range u.Memberships {
		if m.OrganisationKind == coopdec.OrgFrenchAuthority {
			authorities = append(authorities, m.OrganisationID)
		}
	}
	switch {
	case requested != 0 && !slices.Contains(authorities, requested):
		return 0, coopdec.FieldError("lead_organisation_id", "apiapp.lead.not_member")
	case requested != 0:
		return requested, nil
	case len(authorities) == 1:
		return authorities[0], nil
	}
	return 0, coopdec.FieldError("lead_organisation_id", "apiapp.lead.choose")
}

func (s *Server) apiApplicationCreate(w http.ResponseWriter, r *http.Request) {
	var req apiApplicationWrite
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	if req.CallID == nil || *req.CallID < 1 {
		s.error(w, r, coopdec.FieldError("call_id", "apiapp.call.required"))
		return
	}
	now := s.db.Now()
	c, err := s.db.Call(r.Context(), *req.CallID)
	if err == nil && !coopdec.CanViewCall(u, c, now) {
		err = coopdec.Errorf(coopdec.ENOTFOUND, "call.not_found")
	}
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		err = coopdec.FieldError("call_id", "apiapp.call.unknown")
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanCreateApplication(u, c, now) {
		if coopdec.CallStatusAt(c, now) != coopdec.CallOpen {
			err = coopdec.Errorf(coopdec.ECONFLICT, "apiapp.create.call_not_open")
		} else {
			err = coopdec.Errorf(coopdec.EFORBIDDEN, "apiapp.create.not_authority")
		}
		s.error(w, r, err)
		return
	}
	lead, err := apiLead(u, idOrZero(req.LeadOrganisationID))
	if err != nil {
		s.error(w, r, err)
		return
	}
	a := req.Application()
	a.CallID, a.LeadOrganisationID = c.ID, lead
	if err := s.db.CreateApplication(r.Context(), a, actor(r)); err != nil {
		s.error(w, r, apiExplain(err, s.apiOrgNames(r.Context(), a, c)))
		return
	}
	w.Header().Set("Location", "/api/v1/applications/"+strconv.FormatInt(a.ID, 10))
	w.Header().Set("ETag", apiApplicationETag(a))
	writeJSON(w, http.StatusCreated, apiApplicationOf(a))
}

func (s *Server) apiApplicationGet(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("ETag", apiApplicationETag(a))
	writeJSON(w, http.StatusOK, apiApplicationOf(a))
}

// apiApplicationUpdate replaces a draft's content. The version the client
// read (the body's "version", or If-Match) must still be the stored one:
// otherwise the answer is 409 with the stored application as "current", so
// that the client can merge its changes into it and send them again.
func (s *Server) apiApplicationUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := apiApplicationID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	a, c, err := s.editableApplication(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req apiApplicationWrite
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	version := req.Version
	if version == 0 {
		if version, err = apiIfMatchVersion(r); err != nil {
			s.error(w, r, err)
			return
		}
	}
	if version <= 0 {
		s.error(w, r, coopdec.FieldError("version", "apiapp.version.required"))
		return
	}
	next := req.Application()
	next.ID, next.CallID, next.LeadOrganisationID, next.Version = a.ID, a.CallID, a.LeadOrganisationID, version
	err = s.db.UpdateApplicationDraft(r.Context(), next, actor(r))
	if coopdec.ErrorCode(err) == coopdec.ECONFLICT {
		if cur, cerr := s.db.Application(r.Context(), a.ID); cerr == nil && cur.Status == coopdec.ApplicationDraft {
			doc := apiApplicationOf(cur)
			s.apiProblemWith(w, r, err, "current", doc)
			return
		}
	}
	if err != nil {
		s.error(w, r, apiExplain(err, s.apiOrgNames(r.Context(), next, c)))
		return
	}
	w.Header().Set("ETag", apiApplicationETag(next))
	writeJSON(w, http.StatusOK, apiApplicationOf(next))
}

// apiProblemWith answers err as a problem document, like s.error, with one
// more member: name, holding v (RFC 9457 extension members).
func (s *Server) apiProblemWith(w http.ResponseWriter, r *http.Request, err error, name string, v any) {
	code := coopdec.ErrorCode(err)
	lang := info(r).lang
	key, args := coopdec.ErrorKey(err)
	t := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	p := map[string]any{"type": "urn:coopdec:problem:" + code, "title": s.cat.T(lang, "problem."+code), "status": statusOf(code),
		"detail": s.cat.T(lang, key, localizeArgs(lang, key, args, t)...), "instance": r.URL.Path, "code": code, name: v}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(statusOf(code))
	_ = json.NewEncoder(w).Encode(p)
}

// Eligibility.

// apiApplicationEligibilityDoc is an application's eligibility, rule by
// rule, with what else stands between it and its submission: the budget's
// own checks and the form's. It is what the draft shows as its authors
// type.
type apiApplicationEligibilityDoc struct {
	Eligible bool               `json:"eligible"`
	Complete bool               `json:"complete"`
	Results  []apiRuleResultDoc `json:"results"`
	Budget   []problemField     `json:"budget"`
	Errors   []problemField     `json:"errors"`
	Totals   apiBudgetTotals    `json:"totals"`
}

type apiBudgetTotals struct {
	ExpensesCents       int64 `json:"expenses_cents"`
	FinancingCents      int64 `json:"financing_cents"`
	GrantCents          int64 `json:"grant_cents"`
	OwnCashCents        int64 `json:"own_cash_cents"`
	OwnInKindCents      int64 `json:"own_in_kind_cents"`
	PartnerCents        int64 `json:"partner_cents"`
	OtherCents          int64 `json:"other_cents"`
	InKindExpensesCents int64 `json:"in_kind_expenses_cents"`
	InKindFinanceCents  int64 `json:"in_kind_financing_cents"`
}

// apiFieldErrors writes domain errors as {field, message} in lang.
func (s *Server) apiFieldErrors(lang string, errs coopdec.Errors) []problemField {
	t := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	out := make([]problemField, 0, len(errs))
	for _, e := range errs {
		out = append(out, problemField{Field: e.Field, Message: s.cat.T(lang, e.Key, localizeArgs(lang, e.Key, e.Args, t)...)})
	}
	return out
}

// apiEligibilityOf checks a (stored, or a proposal on a stored one's
// identity) against c: the call's rules on its facts as storage knows them
// (lead, documents, confirmations), the budget, and the form.
func (s *Server) apiEligibilityOf(r *http.Request, a *coopdec.Application, c *coopdec.Call) (apiApplicationEligibilityDoc, error) {
	ctx := r.Context()
	names := s.apiOrgNames(ctx, a, c)
	budget := asErrorsOrNil(apiExplain(coopdec.CheckBudget(a.Budget, c).Err(), names))
	var others coopdec.Errors
	for _, e := range asErrorsOrNil(apiExplain(a.Validate(c), names)) {
		if !slices.ContainsFunc(budget, func(b *coopdec.Error) bool { return b.Field == e.Field && b.Key == e.Key }) {
			others = append(others, e)
		}
	}
	elig, err := s.db.Eligibility(ctx, a)
	if err != nil {
		return apiApplicationEligibilityDoc{}, err
	}
	targets, err := s.redirectTargets(ctx, currentUser(r), c)
	if err != nil {
		return apiApplicationEligibilityDoc{}, err
	}
	elig = elig.HideRedirects(targets.Visible)
	lang := info(r).lang
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	tot := a.Budget.Totals()
	d := apiApplicationEligibilityDoc{Eligible: elig.Eligible(), Complete: len(budget) == 0 && len(others) == 0,
		Results: make([]apiRuleResultDoc, 0, len(elig.Results)), Budget: s.apiFieldErrors(lang, budget),
		Errors: s.apiFieldErrors(lang, others),
		Totals: apiBudgetTotals{ExpensesCents: tot.ExpensesCents, FinancingCents: tot.FinancingCents, GrantCents: tot.GrantCents,
			OwnCashCents: tot.OwnCashCents, OwnInKindCents: tot.OwnInKindCents, PartnerCents: tot.PartnerCents,
			OtherCents: tot.OtherCents, InKindExpensesCents: tot.InKindExpensesCents, InKindFinanceCents: tot.InKindFinanceCents}}
	for _, res := range elig.Results {
		d.Results = append(d.Results, apiRuleResultDoc{Rule: res.Rule, Status: string(res.Status), Message: res.Message(lang, t),
			Field: apiOptional(res.Field), RedirectCallID: idOrNull(res.RedirectCallID)})
	}
	return d, nil
}

// asErrorsOrNil is asErrors that keeps nil as nil.
func asErrorsOrNil(err error) coopdec.Errors {
	if err == nil {
		return nil
	}
	return asErrors(err)
}

func (s *Server) apiApplicationEligibility(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.apiEligibilityOf(r, a, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiApplicationCheck answers what GET …/eligibility would answer were the
// proposed content saved, without saving it: live feedback as the user
// types. The documents attached and the partners' confirmations are the
// stored application's.
func (s *Server) apiApplicationCheck(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.apiMemberApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req apiApplicationWrite
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	p := req.Application()
	p.ID, p.CallID, p.LeadOrganisationID, p.Status, p.Version = a.ID, a.CallID, a.LeadOrganisationID, a.Status, a.Version
	d, err := s.apiEligibilityOf(r, p, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiParseTime reads an RFC 3339 instant for field.
func apiParseTime(v, field string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, coopdec.FieldError(field, "api.call.date.invalid")
	}
	return t.UTC(), nil
}
