package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Programmes and calls for projects. Who may see, create, edit and move a
// call, and whether an application is eligible, are decided by the domain
// (coopdec.CanViewCall, CanEditCall, CanTransition, CheckEligibility); the
// handlers only translate between JSON and those rules.

type apiProgrammeRef struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

type apiProgrammeDoc struct {
	ID    int64             `json:"id"`
	Code  string            `json:"code"`
	Name  string            `json:"name"`
	Names map[string]string `json:"names"`
}

func (s *Server) apiProgrammes(w http.ResponseWriter, r *http.Request) {
	ps, err := s.db.Programmes(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	docs := make([]apiProgrammeDoc, 0, len(ps))
	for _, p := range ps {
		docs = append(docs, apiProgrammeDoc{ID: p.ID, Code: p.Code, Name: p.Name(lang), Names: p.Names})
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

// A call as the API shows it.

type apiExclusionDoc struct {
	Country        string `json:"country"`
	RedirectCallID *int64 `json:"redirect_call_id"`
}

type apiFunderDoc struct {
	Organisation  apiOrgRef `json:"organisation"`
	EnvelopeCents int64     `json:"envelope_cents"`
	ShareBP       int       `json:"share_bp"`
}

// apiRulesDoc mirrors coopdec.EligibilityRules: money in euro cents, shares
// in basis points (10000 = 100 %). The same document is read back by PUT.
type apiRulesDoc struct {
	Countries            []string          `json:"countries"`
	Excluded             []apiExclusionDoc `json:"excluded"`
	LeadTypes            []string          `json:"lead_types"`
	LeadRegion           *string           `json:"lead_region"`
	PartnerCountries     []string          `json:"partner_countries"`
	BeneficiaryCountries []string          `json:"beneficiary_countries"`
	MaxGrantCents        int64             `json:"max_grant_cents"`
	MaxFundersShareBP    int               `json:"max_funders_share_bp"`
	MinOwnShareBP        int               `json:"min_own_share_bp"`
	MaxInKindOfOwnBP     int               `json:"max_in_kind_of_own_bp"`
	MinDurationMonths    int               `json:"min_duration_months"`
	MaxDurationMonths    int               `json:"max_duration_months"`
	RequiredDocuments    []string          `json:"required_documents"`
	NoOverdueReports     bool              `json:"no_overdue_reports"`
	PartnersMustConfirm  bool              `json:"partners_must_confirm"`
}

// apiCallSummary is a call in a list.
type apiCallSummary struct {
	ID                int64             `json:"id"`
	Programme         apiProgrammeRef   `json:"programme"`
	Reference         string            `json:"reference"`
	Title             map[string]string `json:"title"`
	Summary           map[string]string `json:"summary"`
	Status            string            `json:"status"`
	PublishAt         *string           `json:"publish_at"`
	OpensAt           *string           `json:"opens_at"`
	Deadline          *string           `json:"deadline"`
	EvaluationAt      *string           `json:"evaluation_at"`
	ResultsAt         *string           `json:"results_at"`
	Themes            []string          `json:"themes"`
	EligibleCountries []string          `json:"eligible_countries"`
	ExcludedCountries []apiExclusionDoc `json:"excluded_countries"`
	CoManagers        []apiOrgRef       `json:"co_managers"`
	Funders           []apiFunderDoc    `json:"funders"`
	Languages         []string          `json:"languages"`
	DecisionRule      string            `json:"decision_rule"`
}

// apiCallDoc is one call with everything it holds. UpdatedAt is the token
// of optimistic concurrency for PUT: to the microsecond, as stored, unlike
// the other instants.
type apiCallDoc struct {
	apiCallSummary
	Body      map[string]string `json:"body"`
	Rules     apiRulesDoc       `json:"rules"`
	UpdatedAt string            `json:"updated_at"`
}

// apiCallContext is what turns ids into names in call documents.
type apiCallContext struct {
	now        time.Time
	lang       string
	programmes map[int64]coopdec.Programme
	orgs       map[int64]coopdec.Organisation
	targets    *redirectTargets // redirects the reader may follow
}

// apiCallContextFor loads the programmes and the organisations the calls
// name, in two queries whatever the number of calls, and the calls their
// exclusions redirect to, to show u only those u may see.
func (s *Server) apiCallContextFor(ctx context.Context, u *coopdec.User, lang string, calls ...*coopdec.Call) (*apiCallContext, error) {
	ps, err := s.db.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	cc := &apiCallContext{now: s.db.Now(), lang: lang, programmes: map[int64]coopdec.Programme{}}
	for _, p := range ps {
		cc.programmes[p.ID] = p
	}
	var ids []int64
	for _, c := range calls {
		ids = append(ids, c.CoManagers...)
		for _, f := range c.Funders {
			ids = append(ids, f.OrganisationID)
		}
	}
	slices.Sort(ids)
	if cc.orgs, err = s.db.OrganisationsByID(ctx, slices.Compact(ids)); err != nil {
		return nil, err
	}
	if cc.targets, err = s.redirectTargets(ctx, u, calls...); err != nil {
		return nil, err
	}
	return cc, nil
}

func (cc *apiCallContext) orgRef(id int64) apiOrgRef {
	return apiOrgRef{ID: id, Name: cc.orgs[id].Name}
}

func apiExclusions(es []coopdec.Exclusion) []apiExclusionDoc {
	out := make([]apiExclusionDoc, 0, len(es))
	for _, e := range es {
		d := apiExclusionDoc{Country: e.Country}
		if e.RedirectCallID != 0 {
			id := e.RedirectCallID
			d.RedirectCallID = &id
		}
		out = append(out, d)
	}
	return out
}

// apiLanguages lists the languages a call is written in, in the order of
// the interface's languages.
func apiLanguages(c *coopdec.Call) []string {
	out := []string{}
	for _, l := range i18n.Supported {
		if _, ok := c.Texts[l]; ok {
			out = append(out, l)
		}
	}
	return out
}

func apiTimeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := apiTime(t)
	return &s
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func (cc *apiCallContext) summary(c *coopdec.Call) apiCallSummary {
	p := cc.programmes[c.ProgrammeID]
	d := apiCallSummary{ID: c.ID, Programme: apiProgrammeRef{ID: c.ProgrammeID, Code: p.Code, Name: p.Name(cc.lang)},
		Reference: c.Reference, Title: map[string]string{}, Summary: map[string]string{},
		Status:    string(coopdec.CallStatusAt(c, cc.now)),
		PublishAt: apiTimeOrNull(c.PublishAt), OpensAt: apiTimeOrNull(c.OpensAt), Deadline: apiTimeOrNull(c.Deadline),
		EvaluationAt: apiTimeOrNull(c.EvaluationAt), ResultsAt: apiTimeOrNull(c.ResultsAt),
		Themes: orEmpty(slices.Clone(c.Themes)), EligibleCountries: coopdec.EligibleCountries(c.Rules),
		ExcludedCountries: apiExclusions(cc.targets.exclusions(c.Rules.Excluded)), CoManagers: []apiOrgRef{}, Funders: []apiFunderDoc{},
		Languages: apiLanguages(c), DecisionRule: string(c.DecisionRule)}
	for lang, t := range c.Texts {
		d.Title[lang] = t.Title
		if t.Summary != "" {
			d.Summary[lang] = t.Summary
		}
	}
	for _, id := range c.CoManagers {
		d.CoManagers = append(d.CoManagers, cc.orgRef(id))
	}
	for _, f := range c.Funders {
		d.Funders = append(d.Funders, apiFunderDoc{Organisation: cc.orgRef(f.OrganisationID), EnvelopeCents: f.EnvelopeCents, ShareBP: f.ShareBP})
	}
	return d
}

func apiRulesOf(r coopdec.EligibilityRules) apiRulesDoc {
	d := apiRulesDoc{Countries: orEmpty(slices.Clone(r.Countries)), Excluded: apiExclusions(r.Excluded), LeadTypes: []string{},
		LeadRegion: apiOptional(r.LeadRegion), PartnerCountries: orEmpty(slices.Clone(r.PartnerCountries)),
		BeneficiaryCountries: orEmpty(slices.Clone(r.BeneficiaryCountries)), MaxGrantCents: r.MaxGrantCents,
		MaxFundersShareBP: r.MaxFundersShareBP, MinOwnShareBP: r.MinOwnShareBP, MaxInKindOfOwnBP: r.MaxInKindOfOwnBP,
		MinDurationMonths: r.MinDurationMonths, MaxDurationMonths: r.MaxDurationMonths,
		RequiredDocuments: orEmpty(slices.Clone(r.RequiredDocuments)), NoOverdueReports: r.NoOverdueReports,
		PartnersMustConfirm: r.PartnersMustConfirm}
	for _, t := range r.LeadTypes {
		d.LeadTypes = append(d.LeadTypes, string(t))
	}
	return d
}

func (cc *apiCallContext) doc(c *coopdec.Call) apiCallDoc {
	rules := c.Rules
	rules.Excluded = cc.targets.exclusions(rules.Excluded)
	d := apiCallDoc{apiCallSummary: cc.summary(c), Body: map[string]string{}, Rules: apiRulesOf(rules),
		UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339Nano)}
	for lang, t := range c.Texts {
		if t.Body != "" {
			d.Body[lang] = t.Body
		}
	}
	return d
}

func (s *Server) apiCallList(w http.ResponseWriter, r *http.Request) {
	cs, err := parseCallSearch(r.URL.Query())
	if err != nil {
		s.error(w, r, err)
		return
	}
	cs.Filter.IncludeDraftsFor = sqldb.DraftAccessFor(currentUser(r))
	calls, page, err := s.db.SearchCalls(r.Context(), cs.Filter, cs.Page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ptrs := make([]*coopdec.Call, len(calls))
	for i := range calls {
		ptrs[i] = &calls[i]
	}
	cc, err := s.apiCallContextFor(r.Context(), currentUser(r), info(r).lang, ptrs...)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiCallSummary, 0, len(calls))
	for _, c := range ptrs {
		docs = append(docs, cc.summary(c))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

// apiWriteCall answers with the whole call.
func (s *Server) apiWriteCall(w http.ResponseWriter, r *http.Request, status int, c *coopdec.Call) {
	cc, err := s.apiCallContextFor(r.Context(), currentUser(r), info(r).lang, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, status, cc.doc(c))
}

func (s *Server) apiCall(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.apiWriteCall(w, r, http.StatusOK, c)
}

// Writing calls.

type apiCallTextDoc struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Body    string `json:"body"`
}

type apiFunderRequest struct {
	OrganisationID int64 `json:"organisation_id"`
	EnvelopeCents  int64 `json:"envelope_cents"`
	ShareBP        int   `json:"share_bp"`
}

// apiCallRequest is the document POST and PUT take. Reason and UpdatedAt
// only matter to PUT: the reason of an amendment, and the updated_at read
// with the call, refused as stale when the call changed since.
type apiCallRequest struct {
	ProgrammeID  int64                     `json:"programme_id"`
	Reference    string                    `json:"reference"`
	Texts        map[string]apiCallTextDoc `json:"texts"`
	CoManagers   []int64                   `json:"co_managers"`
	Funders      []apiFunderRequest        `json:"funders"`
	Themes       []string                  `json:"themes"`
	DecisionRule string                    `json:"decision_rule"`
	PublishAt    *string                   `json:"publish_at"`
	OpensAt      *string                   `json:"opens_at"`
	Deadline     *string                   `json:"deadline"`
	EvaluationAt *string                   `json:"evaluation_at"`
	ResultsAt    *string                   `json:"results_at"`
	Rules        apiRulesDoc               `json:"rules"`
	Reason       string                    `json:"reason"`
	UpdatedAt    *string                   `json:"updated_at"`
}

// apiParseInstant reads an RFC 3339 instant; null or empty is no date.
// Instants are kept to the second, as the API shows them, so that a call
// read and sent back unchanged is unchanged.
func apiParseInstant(v *string, field string, errs *coopdec.Errors) time.Time {
	if v == nil || strings.TrimSpace(*v) == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(*v))
	if err != nil {
		*errs = append(*errs, coopdec.FieldError(field, "api.call.date.invalid"))
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// call builds the call the request describes; Validate, called by the
// storage, checks it.
func (req *apiCallRequest) call() (*coopdec.Call, error) {
	var errs coopdec.Errors
	c := &coopdec.Call{ProgrammeID: req.ProgrammeID, Reference: req.Reference, CoManagers: req.CoManagers,
		Themes: req.Themes, DecisionRule: coopdec.DecisionRule(req.DecisionRule)}
	if len(req.Texts) > 0 {
		c.Texts = make(map[string]coopdec.CallText, len(req.Texts))
		for lang, t := range req.Texts {
			c.Texts[lang] = coopdec.CallText{Title: t.Title, Summary: t.Summary, Body: t.Body}
		}
	}
	for _, f := range req.Funders {
		c.Funders = append(c.Funders, coopdec.Funder{OrganisationID: f.OrganisationID, EnvelopeCents: f.EnvelopeCents, ShareBP: f.ShareBP})
	}
	c.PublishAt = apiParseInstant(req.PublishAt, "publish_at", &errs)
	c.OpensAt = apiParseInstant(req.OpensAt, "opens_at", &errs)
	c.Deadline = apiParseInstant(req.Deadline, "deadline", &errs)
	c.EvaluationAt = apiParseInstant(req.EvaluationAt, "evaluation_at", &errs)
	c.ResultsAt = apiParseInstant(req.ResultsAt, "results_at", &errs)
	ru := req.Rules
	c.Rules = coopdec.EligibilityRules{Countries: ru.Countries, PartnerCountries: ru.PartnerCountries,
		BeneficiaryCountries: ru.BeneficiaryCountries, MaxGrantCents: ru.MaxGrantCents, MaxFundersShareBP: ru.MaxFundersShareBP,
		MinOwnShareBP: ru.MinOwnShareBP, MaxInKindOfOwnBP: ru.MaxInKindOfOwnBP, MinDurationMonths: ru.MinDurationMonths,
		MaxDurationMonths: ru.MaxDurationMonths, RequiredDocuments: ru.RequiredDocuments, NoOverdueReports: ru.NoOverdueReports,
		PartnersMustConfirm: ru.PartnersMustConfirm}
	if ru.LeadRegion != nil {
		c.Rules.LeadRegion = *ru.LeadRegion
	}
	for _, e := range ru.Excluded {
		x := coopdec.Exclusion{Country: e.Country}
		if e.RedirectCallID != nil {
			x.RedirectCallID = *e.RedirectCallID
		}
		c.Rules.Excluded = append(c.Rules.Excluded, x)
	}
	for _, t := range ru.LeadTypes {
		c.Rules.LeadTypes = append(c.Rules.LeadTypes, coopdec.AuthorityType(t))
	}
	if req.UpdatedAt != nil && *req.UpdatedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, *req.UpdatedAt)
		if err != nil {
			errs = append(errs, coopdec.FieldError("updated_at", "api.call.date.invalid"))
		}
		c.UpdatedAt = t.UTC()
	}
	if err := errs.Err(); err != nil {
		// Report the rest of the document's problems along with the dates.
		if verr := c.Validate(); verr != nil {
			errs = append(errs, asErrors(verr)...)
		}
		return nil, errs.Err()
	}
	return c, nil
}

func (s *Server) apiCallCreate(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanCreateCall(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var req apiCallRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	c, err := req.call()
	if err == nil {
		// A call starts as a draft; POST /api/v1/calls/{id}/status publishes it.
		c.UpdatedAt = time.Time{}
		err = s.db.CreateCall(r.Context(), c, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/calls/"+strconv.FormatInt(c.ID, 10))
	s.apiWriteCall(w, r, http.StatusCreated, c)
}

func (s *Server) apiCallUpdate(w http.ResponseWriter, r *http.Request) {
	old, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanEditCall(currentUser(r), old) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var req apiCallRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	c, err := req.call()
	if err == nil && c.UpdatedAt.IsZero() {
		// Without the version the client read, a concurrent edit would be
		// overwritten unseen.
		err = coopdec.FieldError("updated_at", "api.call.updated_at.required")
	}
	if err == nil {
		err = coopdec.CheckCallChange(currentUser(r), old, c)
	}
	if err == nil {
		// The document read showed no redirect the editor may not see.
		var targets *redirectTargets
		if targets, err = s.redirectTargets(r.Context(), currentUser(r), old); err == nil {
			targets.keepHidden(old.Rules.Excluded, c.Rules.Excluded)
		}
	}
	if err == nil {
		c.ID = old.ID
		err = s.updateCall(r.Context(), c, actor(r), req.Reason)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	// Read back what is stored: the status the dates make, the stamp.
	if c, err = s.db.Call(r.Context(), old.ID); err != nil {
		s.error(w, r, err)
		return
	}
	s.apiWriteCall(w, r, http.StatusOK, c)
}

func (s *Server) apiCallStatus(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanEditCall(currentUser(r), c) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var req struct {
		Status string `json:"status"`
		From   string `json:"from"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	to := coopdec.CallStatus(req.Status)
	from := coopdec.CallStatusAt(c, s.db.Now())
	switch {
	case !slices.Contains([]coopdec.CallStatus{coopdec.CallDraft, coopdec.CallPublished, coopdec.CallOpen, coopdec.CallClosed,
		coopdec.CallEvaluation, coopdec.CallDecided, coopdec.CallResults}, to):
		err = coopdec.FieldError("status", "call.validation.status.invalid", req.Status)
	case req.From != "" && coopdec.CallStatus(req.From) != from:
		// The client moves the call from the status it last saw: another
		// change came first.
		err = coopdec.Errorf(coopdec.ECONFLICT, "call.status.changed")
	case !coopdec.CanTransition(from, to):
		err = coopdec.FieldError("status", "api.call.status.transition", string(from), string(to))
	case !coopdec.CanChangeCallStatus(currentUser(r), from, to):
		err = coopdec.Errorf(coopdec.EFORBIDDEN, "call.status.ministry_only")
	case from == coopdec.CallDraft:
		// A published call needs what a draft may lack: its dates.
		next := *c
		next.Status = to
		err = next.Validate()
	}
	if err == nil {
		// Compare and set on the stored status, which the clock may not
		// have caught up with: a concurrent change makes this fail.
		err = s.db.SetCallStatus(r.Context(), c.ID, c.Status, to, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	if c, err = s.db.Call(r.Context(), c.ID); err != nil {
		s.error(w, r, err)
		return
	}
	s.apiWriteCall(w, r, http.StatusOK, c)
}

type apiAmendmentDoc struct {
	ID      int64              `json:"id"`
	At      string             `json:"at"`
	Reason  string             `json:"reason"`
	Changes []apiCallChangeDoc `json:"changes"`
}

// apiCallChangeDoc is one change of an amendment, in machine values
// (coopdec.CallChange): the field's code says how to read them.
type apiCallChangeDoc struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

func (s *Server) apiCallAmendments(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	as, err := s.db.CallAmendments(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiAmendmentDoc, 0, len(as))
	for _, a := range as {
		doc := apiAmendmentDoc{ID: a.ID, At: apiTime(a.At), Reason: a.Reason, Changes: make([]apiCallChangeDoc, 0, len(a.Changes))}
		for _, ch := range a.Changes {
			doc.Changes = append(doc.Changes, apiCallChangeDoc{Field: ch.Field, Old: ch.Old, New: ch.New})
		}
		docs = append(docs, doc)
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

// Eligibility.

type apiEligibilityRequest struct {
	LeadKind          string   `json:"lead_kind"`
	LeadAuthorityType string   `json:"lead_authority_type"`
	LeadRegion        string   `json:"lead_region"`
	Countries         []string `json:"countries"`
	Partners          []struct {
		Kind      string `json:"kind"`
		Country   string `json:"country"`
		Confirmed bool   `json:"confirmed"`
	} `json:"partners"`
	BeneficiaryCountries []string `json:"beneficiary_countries"`
	TotalCostCents       *int64   `json:"total_cost_cents"`
	GrantRequestedCents  *int64   `json:"grant_requested_cents"`
	OwnCashCents         *int64   `json:"own_cash_cents"`
	InKindCents          *int64   `json:"in_kind_cents"`
	DurationMonths       *int     `json:"duration_months"`
	// Documents: absent is not known, [] is none attached.
	Documents         []string `json:"documents"`
	HasOverdueReports *bool    `json:"has_overdue_reports"`
	Themes            []string `json:"themes"`
}

type apiRuleResultDoc struct {
	Rule           string  `json:"rule"`
	Status         string  `json:"status"`
	Message        string  `json:"message"`
	Field          *string `json:"field"`
	RedirectCallID *int64  `json:"redirect_call_id,omitempty"`
}

type apiEligibilityDoc struct {
	Eligible bool               `json:"eligible"`
	Results  []apiRuleResultDoc `json:"results"`
}

func (req *apiEligibilityRequest) facts() (coopdec.ApplicationFacts, error) {
	var errs coopdec.Errors
	f := coopdec.ApplicationFacts{LeadKind: coopdec.OrgKind(req.LeadKind), LeadAuthorityType: coopdec.AuthorityType(req.LeadAuthorityType),
		LeadRegion: strings.TrimSpace(req.LeadRegion), Countries: req.Countries, BeneficiaryCountries: req.BeneficiaryCountries,
		TotalCostCents: req.TotalCostCents, GrantRequestedCents: req.GrantRequestedCents, OwnCashCents: req.OwnCashCents,
		InKindCents: req.InKindCents, DurationMonths: req.DurationMonths, Documents: req.Documents,
		HasOverdueReports: req.HasOverdueReports, Themes: req.Themes}
	if f.LeadKind != "" && !f.LeadKind.Valid() {
		errs = append(errs, coopdec.FieldError("lead_kind", "org.kind.invalid"))
	}
	if f.LeadAuthorityType != "" && !f.LeadAuthorityType.Valid() {
		errs = append(errs, coopdec.FieldError("lead_authority_type", "org.authority_type.invalid"))
	}
	for i, p := range req.Partners {
		k := coopdec.OrgKind(p.Kind)
		if k != "" && !k.Valid() {
			errs = append(errs, coopdec.FieldError("partners."+strconv.Itoa(i)+".kind", "org.kind.invalid"))
		}
		f.Partners = append(f.Partners, coopdec.PartnerFact{Kind: k, Country: strings.ToUpper(strings.TrimSpace(p.Country)),
			Confirmed: p.Confirmed})
	}
	return f, errs.Err()
}

func (s *Server) apiCallEligibility(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req apiEligibilityRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	f, err := req.facts()
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A member of a French local authority who says nothing of the lead
	// checks for their own authority.
	if f.LeadKind == "" && f.LeadAuthorityType == "" && f.LeadRegion == "" {
		own, ok, err := s.applicantFacts(r.Context(), currentUser(r))
		if err != nil {
			s.error(w, r, err)
			return
		}
		if ok {
			f.LeadKind, f.LeadAuthorityType, f.LeadRegion = own.LeadKind, own.LeadAuthorityType, own.LeadRegion
		}
	}
	targets, err := s.redirectTargets(r.Context(), currentUser(r), c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	e := coopdec.CheckEligibility(c.Rules, c.Themes, f).HideRedirects(targets.Visible)
	lang := info(r).lang
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	d := apiEligibilityDoc{Eligible: e.Eligible(), Results: make([]apiRuleResultDoc, 0, len(e.Results))}
	for _, res := range e.Results {
		rd := apiRuleResultDoc{Rule: res.Rule, Status: string(res.Status), Message: res.Message(lang, t), Field: apiOptional(res.Field)}
		if res.RedirectCallID != 0 {
			id := res.RedirectCallID
			rd.RedirectCallID = &id
		}
		d.Results = append(d.Results, rd)
	}
	writeJSON(w, http.StatusOK, d)
}
