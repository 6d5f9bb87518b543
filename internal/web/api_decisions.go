package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The API of decisions, envelopes, selected projects and review requests.

// selectedProjects is the public list of a call's selected projects.
type selectedProjects struct {
	DecisionID  int64                `json:"decision_id"`
	PublishedAt string               `json:"published_at"`
	Items       []selectedProjectDoc `json:"items"`
	TotalCents  int64                `json:"total_cents"`
	Published   instant              `json:"-"`
	Total       string               `json:"-"`
}

type selectedProjectDoc struct {
	ApplicationID int64                `json:"application_id"`
	Reference     string               `json:"reference"`
	Title         string               `json:"title"`
	TitleLang     string               `json:"title_lang"`
	LeadID        int64                `json:"lead_organisation_id"`
	Lead          string               `json:"lead"`
	Partners      []selectedPartnerDoc `json:"partners"`
	Countries     []string             `json:"countries"`
	GrantedCents  int64                `json:"granted_cents"`
	Granted       string               `json:"-"`
}

type selectedPartnerDoc struct {
	Name        string `json:"name"`
	Country     string `json:"country"`
	CountryName string `json:"-"`
}

// selectedProjects returns the main list of c's published decision, nil
// while none is published.
func (s *Server) selectedProjects(ctx context.Context, lang string, c *coopdec.Call) (*selectedProjects, error) {
	d, at, err := s.db.PublishedDecision(ctx, c.ID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := &selectedProjects{DecisionID: d.ID, PublishedAt: at.UTC().Format(timeFormat), Published: newInstant(at),
		Items: []selectedProjectDoc{}}
	// The public record written at publication holds what the list shows;
	// an entry it lacks (a decision not indexed yet) is read from its
	// application.
	records, err := s.db.SelectedProjects(ctx, c.ID, d.ID)
	if err != nil {
		return nil, err
	}
	var n *names
	for _, e := range coopdec.SelectedEntries(d) {
		var it selectedProjectDoc
		if p, ok := records[e.ApplicationID]; ok {
			it = selectedFromRecord(lang, &p)
		} else {
			a, err := s.db.Application(ctx, e.ApplicationID)
			if err != nil {
				return nil, err
			}
			if n == nil {
				n = s.newNames(ctx)
			}
			it = selectedFromApplication(lang, a, n.org(a.LeadOrganisationID))
		}
		it.GrantedCents, it.Granted = e.GrantedCents, coopdec.FormatEuroCents(lang, e.GrantedCents)
		out.TotalCents += e.GrantedCents
		out.Items = append(out.Items, it)
	}
	out.Total = coopdec.FormatEuroCents(lang, out.TotalCents)
	return out, nil
}

// selectedFromRecord lists a funded project from its public record, as
// selectedFromApplication does from the application.
func selectedFromRecord(lang string, p *sqldb.SelectedProject) selectedProjectDoc {
	it := selectedProjectDoc{ApplicationID: p.ApplicationID, Reference: p.Reference, LeadID: p.LeadID, Lead: p.LeadName,
		Partners: make([]selectedPartnerDoc, 0, len(p.Partners)), Countries: append([]string{}, p.Countries...)}
	if it.Lead == "" {
		it.Lead = "#" + strconv.FormatInt(p.LeadID, 10)
	}
	// The record keeps only non-blank titles, trimmed.
	if t := p.Texts[lang].Title; t != "" {
		it.Title, it.TitleLang = t, lang
	} else {
		it.Title, it.TitleLang = p.Texts["fr"].Title, "fr"
	}
	for _, pt := range p.Partners {
		it.Partners = append(it.Partners, selectedPartnerDoc{Name: pt.Name, Country: pt.Country,
			CountryName: coopdec.Country{Code: pt.Country}.Name(lang)})
	}
	return it
}

// selectedFromApplication lists a selected application, lead being its
// lead authority's name.
func selectedFromApplication(lang string, a *coopdec.Application, lead string) selectedProjectDoc {
	it := selectedProjectDoc{ApplicationID: a.ID, Reference: a.ReceiptNumber, LeadID: a.LeadOrganisationID, Lead: lead,
		Partners: []selectedPartnerDoc{}, Countries: append([]string{}, a.Countries...)}
	it.Title, it.TitleLang = applicationTitleIn(a, lang)
	for _, p := range a.Partners {
		if p.Role == coopdec.RoleLeadPartner {
			continue
		}
		it.Partners = append(it.Partners, selectedPartnerDoc{Name: p.Name, Country: p.Country,
			CountryName: coopdec.Country{Code: p.Country}.Name(lang)})
	}
	return it
}

// apiSelectedProjects answers anyone who may see the call: the projects
// selected by its published decision; an empty list before.
func (s *Server) apiSelectedProjects(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	sel, err := s.selectedProjects(r.Context(), info(r).lang, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if sel == nil {
		writeJSON(w, http.StatusOK, map[string]any{"decision_id": nil, "published_at": nil, "items": []selectedProjectDoc{}, "total_cents": 0})
		return
	}
	writeJSON(w, http.StatusOK, sel)
}

func (s *Server) apiCallDecisions(w http.ResponseWriter, r *http.Request) {
	c, err := s.decisionCall(r, coopdec.CanSeeDecisions)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ListDecisions(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	docs := make([]*decisionDoc, 0, len(list))
	for _, sum := range list {
		d := sum.Decision
		doc, err := s.decisionDocument(r.Context(), lang, currentUser(r), c, &d, sum.Status)
		if err != nil {
			s.error(w, r, err)
			return
		}
		docs = append(docs, doc)
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

func (s *Server) apiDecision(w http.ResponseWriter, r *http.Request) {
	d, st, c, err := s.loadDecision(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	doc, err := s.decisionDocument(r.Context(), info(r).lang, currentUser(r), c, d, st)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// apiApprovalRequest is an answer to a decision.
type apiApprovalRequest struct {
	Party    *int64 `json:"party"`
	Version  int    `json:"version"`
	Approved *bool  `json:"approved"`
	Comment  string `json:"comment"`
}

func (s *Server) apiDecisionApprove(w http.ResponseWriter, r *http.Request) {
	d, _, c, err := s.loadDecision(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req apiApprovalRequest
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	ap := &coopdec.Approval{Version: req.Version, Comment: req.Comment}
	if req.Approved == nil {
		errs = append(errs, coopdec.FieldError("approved", "decision.answer.required"))
	} else {
		ap.Approved = *req.Approved
	}
	if req.Party != nil {
		ap.Party = coopdec.Party(*req.Party)
	} else if parties := coopdec.PartiesOf(currentUser(r), c); len(parties) == 1 {
		ap.Party = parties[0]
	} else {
		errs = append(errs, coopdec.FieldError("party", "decision.party.required"))
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	if _, err := s.recordApproval(r, d.ID, ap); err != nil {
		s.error(w, r, err)
		return
	}
	d2, st, err := s.db.Decision(r.Context(), d.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	doc, err := s.decisionDocument(r.Context(), info(r).lang, currentUser(r), c, d2, st)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, doc)
}

// apiEnvelopes is the figures of envelopes, with a page of the ledger for
// a call's.
type apiEnvelopes struct {
	Envelopes []balanceRow       `json:"envelopes"`
	Ledger    apiPage[ledgerRow] `json:"ledger"`
}

func (s *Server) apiCallEnvelopes(w http.ResponseWriter, r *http.Request) {
	c, err := s.decisionCall(r, coopdec.CanSeeCallEnvelopes)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	p := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	n := s.newNames(r.Context())
	rows, err := s.callBalanceRows(r.Context(), lang, n, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	entries, page, err := s.db.LedgerPage(r.Context(), c.ID, 0, p)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ledger := newAPIPage(s.ledgerRows(r.Context(), lang, n, entries), page)
	writeJSON(w, http.StatusOK, apiEnvelopes{Envelopes: rows, Ledger: ledger})
}

func (s *Server) apiFunderEnvelopes(w http.ResponseWriter, r *http.Request) {
	org, err := s.funderOrganisation(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	p := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	rows, page, err := s.funderBalanceRows(r.Context(), info(r).lang, org, p)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIPage(rows, page))
}

// apiReviewDoc is a review request in the API.
type apiReviewDoc struct {
	ID             int64   `json:"id"`
	ApplicationID  int64   `json:"application_id"`
	RequestedBy    int64   `json:"requested_by"`
	RequestedAt    string  `json:"requested_at"`
	Reason         string  `json:"reason"`
	Outcome        *string `json:"outcome"`
	OutcomeComment string  `json:"outcome_comment"`
	DecidedBy      *int64  `json:"decided_by"`
	DecidedAt      *string `json:"decided_at"`
}

func newAPIReviewDoc(rv coopdec.ReviewRequest) apiReviewDoc {
	doc := apiReviewDoc{ID: rv.ID, ApplicationID: rv.ApplicationID, RequestedBy: rv.RequestedBy,
		RequestedAt: rv.RequestedAt.UTC().Format(timeFormat), Reason: rv.Reason, OutcomeComment: rv.OutcomeComment}
	if rv.Outcome != "" {
		o, by, at := string(rv.Outcome), rv.DecidedBy, rv.DecidedAt.UTC().Format(timeFormat)
		doc.Outcome, doc.DecidedBy, doc.DecidedAt = &o, &by, &at
	}
	return doc
}

func (s *Server) apiReviewRequest(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "application.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	a, c, err := s.application(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	rv := &coopdec.ReviewRequest{ApplicationID: a.ID, Reason: req.Reason}
	if err := s.requestReview(r, c, rv); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/calls/"+strconv.FormatInt(a.CallID, 10)+"/review-requests")
	writeJSON(w, http.StatusCreated, newAPIReviewDoc(*rv))
}

func (s *Server) apiCallReviews(w http.ResponseWriter, r *http.Request) {
	c, err := s.decisionCall(r, coopdec.CanDecideReview)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	q := r.URL.Query()
	p := apiPageQuery(q, &errs)
	f := sqldb.ReviewFilter{CallID: c.ID}
	switch q.Get("pending") {
	case "", "false":
	case "true":
		f.Pending = true
	default:
		errs = append(errs, coopdec.FieldError("pending", "review.filter.pending.invalid"))
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	list, page, err := s.db.ListReviews(r.Context(), f, p)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiReviewDoc, 0, len(list))
	for _, it := range list {
		docs = append(docs, newAPIReviewDoc(it.ReviewRequest))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

func (s *Server) apiReviewOutcome(w http.ResponseWriter, r *http.Request) {
	it, _, err := s.decidableReview(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Outcome string `json:"outcome"`
		Comment string `json:"comment"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	rv, err := s.db.DecideReview(r.Context(), s.jobs, currentUser(r), it.ID, coopdec.ReviewOutcome(req.Outcome), req.Comment,
		actor(r), s.reviewOutcomeMails)
	if err != nil {
		s.error(w, r, renameField(err, "outcome_comment", "comment"))
		return
	}
	writeJSON(w, http.StatusOK, newAPIReviewDoc(*rv))
}
