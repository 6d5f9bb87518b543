package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The decisions of a call: the committee's lists the parties approve or
// reject (this file), the notice of a final decision to its applicants
// (decision_notify.go), the envelope dashboards (envelopes.go), the
// review requests (review.go), and the API of all of them
// (api_decisions.go).

// decisionRoutes registers decisions: approvals by the parties, notification, publication, reviews and envelopes.
func (s *Server) decisionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /appels/{id}/decisions", s.requireUser(s.decisionListPage))
	mux.HandleFunc("GET /decisions/{id}", s.requireUser(s.decisionPage))
	mux.HandleFunc("POST /decisions/{id}/approbation", s.requireUser(s.decisionAnswer))
	mux.HandleFunc("GET /appels/{id}/enveloppes", s.requireUser(s.callEnvelopesPage))
	mux.HandleFunc("GET /financeurs/{orgID}/enveloppes", s.requireUser(s.funderEnvelopesPage))
	mux.HandleFunc("POST /candidatures/{id}/recours", s.requireUser(s.reviewRequestPost))
	mux.HandleFunc("GET /appels/{id}/recours", s.requireUser(s.reviewListPage))
	mux.HandleFunc("POST /recours/{id}/issue", s.requireUser(s.reviewOutcomePost))

	mux.HandleFunc("GET /api/v1/calls/{id}/decisions", s.requireUser(s.apiCallDecisions))
	mux.HandleFunc("GET /api/v1/decisions/{id}", s.requireUser(s.apiDecision))
	mux.HandleFunc("POST /api/v1/decisions/{id}/approvals", s.requireUser(s.apiDecisionApprove))
	mux.HandleFunc("GET /api/v1/calls/{id}/envelopes", s.requireUser(s.apiCallEnvelopes))
	mux.HandleFunc("GET /api/v1/funders/{id}/envelopes", s.requireUser(s.apiFunderEnvelopes))
	mux.HandleFunc("GET /api/v1/calls/{id}/selected-projects", s.apiSelectedProjects)
	mux.HandleFunc("POST /api/v1/applications/{id}/review-requests", s.requireUser(s.apiReviewRequest))
	mux.HandleFunc("GET /api/v1/calls/{id}/review-requests", s.requireUser(s.apiCallReviews))
	mux.HandleFunc("PUT /api/v1/review-requests/{id}/outcome", s.requireUser(s.apiReviewOutcome))
}

var errCallNotFound = coopdec.Errorf(coopdec.ENOTFOUND, "call.not_found")

// decisionCall loads the call of the path for those who read its
// decisions: anyone else is told it does not exist.
func (s *Server) decisionCall(r *http.Request, allowed func(*coopdec.User, *coopdec.Call) bool) (*coopdec.Call, error) {
	id, err := apiPathID(r, "id", "call.not_found")
	if err != nil {
		return nil, err
	}
	c, err := s.db.Call(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !allowed(currentUser(r), c) {
		return nil, errCallNotFound
	}
	return c, nil
}

// loadDecision loads the decision of the path with its call, for those
// who read the call's decisions (ENOTFOUND for anyone else).
func (s *Server) loadDecision(r *http.Request) (*coopdec.Decision, coopdec.DecisionStatus, *coopdec.Call, error) {
	id, err := apiPathID(r, "id", "decision.not_found")
	if err != nil {
		return nil, "", nil, err
	}
	d, status, err := s.db.Decision(r.Context(), id)
	if err != nil {
		return nil, "", nil, err
	}
	c, err := s.db.Call(r.Context(), d.CallID)
	if err != nil {
		return nil, "", nil, err
	}
	if !coopdec.CanSeeDecisions(currentUser(r), c) {
		return nil, "", nil, coopdec.Errorf(coopdec.ENOTFOUND, "decision.not_found")
	}
	return d, status, c, nil
}

// names caches organisation and user names for one request.
type names struct {
	s     *Server
	ctx   context.Context
	orgs  map[int64]string
	users map[int64]string
}

func (s *Server) newNames(ctx context.Context) *names {
	return &names{s: s, ctx: ctx, orgs: map[int64]string{}, users: map[int64]string{}}
}

func (n *names) org(id int64) string {
	if v, ok := n.orgs[id]; ok {
		return v
	}
	v := "#" + strconv.FormatInt(id, 10)
	if o, err := n.s.db.Organisation(n.ctx, id); err == nil {
		v = o.Name
	}
	n.orgs[id] = v
	return v
}

func (n *names) user(id int64) string {
	if id == 0 {
		return ""
	}
	if v, ok := n.users[id]; ok {
		return v
	}
	v := "#" + strconv.FormatInt(id, 10)
	if u, err := n.s.db.UserByID(n.ctx, id); err == nil {
		v = u.Name
		if v == "" {
			v = u.Email
		}
	}
	n.users[id] = v
	return v
}

// partyName names a party in lang.
func (n *names) party(lang string, p coopdec.Party) string {
	if p == coopdec.MinistryParty {
		return n.s.cat.T(lang, "decision.party.ministry")
	}
	return n.org(int64(p))
}

// decisionDoc is a decision as its page and the API show it.
type decisionDoc struct {
	ID          int64               `json:"id"`
	CallID      int64               `json:"call_id"`
	Version     int                 `json:"version"`
	Status      string              `json:"status"`
	CreatedAt   string              `json:"created_at"`
	PublishedAt *string             `json:"published_at"`
	Entries     []decisionEntryDoc  `json:"entries"`
	Totals      decisionTotalsDoc   `json:"totals"`
	Parties     []decisionPartyDoc  `json:"parties"`
	History     []decisionAnswerDoc `json:"history"`
	// CanAnswerFor are the required parties the reader acts for that have
	// not answered the current version yet.
	CanAnswerFor []int64 `json:"can_answer_for"`
	created      instant
	published    instant
	toAnswer     []coopdec.Party
	funderNames  []string
}

type decisionEntryDoc struct {
	ApplicationID int64              `json:"application_id"`
	Reference     string             `json:"reference"`
	Title         string             `json:"title"`
	TitleLang     string             `json:"title_lang"`
	Lead          string             `json:"lead"`
	Rank          int                `json:"rank"`
	List          string             `json:"list"`
	GrantedCents  int64              `json:"granted_cents"`
	Shares        []decisionShareDoc `json:"shares"`
	GrantedText   string             `json:"-"`
}

type decisionShareDoc struct {
	FunderOrganisationID int64  `json:"funder_organisation_id"`
	Funder               string `json:"funder"`
	AmountCents          int64  `json:"amount_cents"`
	AmountText           string `json:"-"`
}

type decisionTotalsDoc struct {
	MainCount    int                `json:"main_count"`
	ReserveCount int                `json:"reserve_count"`
	RejectCount  int                `json:"rejected_count"`
	MainCents    int64              `json:"main_cents"`
	ByFunder     []decisionShareDoc `json:"by_funder"`
	MainText     string             `json:"-"`
}

type decisionPartyDoc struct {
	Party    int64              `json:"party"`
	Name     string             `json:"name"`
	Required bool               `json:"required"`
	Answer   *decisionAnswerDoc `json:"answer"`
}

type decisionAnswerDoc struct {
	Version  int     `json:"version"`
	Party    int64   `json:"party"`
	Name     string  `json:"party_name"`
	UserID   int64   `json:"user_id"`
	User     string  `json:"user"`
	Approved bool    `json:"approved"`
	Comment  string  `json:"comment"`
	At       string  `json:"at"`
	When     instant `json:"-"`
}

// decisionDocument gathers what the page and the API show of d.
func (s *Server) decisionDocument(ctx context.Context, lang string, u *coopdec.User, c *coopdec.Call, d *coopdec.Decision,
	status coopdec.DecisionStatus) (*decisionDoc, error) {
	approvals, err := s.db.ListApprovals(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	pub, err := s.db.DecisionPublishedAt(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	n := s.newNames(ctx)
	doc := &decisionDoc{ID: d.ID, CallID: d.CallID, Version: d.Version, Status: string(status),
		CreatedAt: d.CreatedAt.UTC().Format(timeFormat), created: newInstant(d.CreatedAt), published: newInstant(pub),
		Entries: []decisionEntryDoc{}, Parties: []decisionPartyDoc{}, History: []decisionAnswerDoc{}}
	if !pub.IsZero() {
		p := pub.UTC().Format(timeFormat)
		doc.PublishedAt = &p
	}
	byFunder := map[int64]int64{}
	for _, e := range d.Entries {
		ed := decisionEntryDoc{ApplicationID: e.ApplicationID, Rank: e.Rank, List: string(e.List), GrantedCents: e.GrantedCents,
			Shares: []decisionShareDoc{}}
		if a, err := s.db.Application(ctx, e.ApplicationID); err == nil {
			ed.Reference = a.ReceiptNumber
			ed.Title, ed.TitleLang = applicationTitleIn(a, lang)
			ed.Lead = n.org(a.LeadOrganisationID)
		}
		if e.List == coopdec.ListMain {
			ed.GrantedText = coopdec.FormatEuroCents(lang, e.GrantedCents)
			doc.Totals.MainCount++
			doc.Totals.MainCents += e.GrantedCents
		}
		for _, sh := range e.Shares {
			ed.Shares = append(ed.Shares, decisionShareDoc{FunderOrganisationID: sh.FunderOrganisationID,
				Funder: n.org(sh.FunderOrganisationID), AmountCents: sh.AmountCents, AmountText: coopdec.FormatEuroCents(lang, sh.AmountCents)})
			byFunder[sh.FunderOrganisationID] += sh.AmountCents
		}
		switch e.List {
		case coopdec.ListReserve:
			doc.Totals.ReserveCount++
		case coopdec.ListRejected:
			doc.Totals.RejectCount++
		}
		doc.Entries = append(doc.Entries, ed)
	}
	doc.Totals.MainText = coopdec.FormatEuroCents(lang, doc.Totals.MainCents)
	doc.Totals.ByFunder = []decisionShareDoc{}
	for _, f := range c.Funders {
		doc.Totals.ByFunder = append(doc.Totals.ByFunder, decisionShareDoc{FunderOrganisationID: f.OrganisationID,
			Funder: n.org(f.OrganisationID), AmountCents: byFunder[f.OrganisationID],
			AmountText: coopdec.FormatEuroCents(lang, byFunder[f.OrganisationID])})
		doc.funderNames = append(doc.funderNames, n.org(f.OrganisationID))
	}
	answer := func(a coopdec.Approval) decisionAnswerDoc {
		return decisionAnswerDoc{Version: a.Version, Party: int64(a.Party), Name: n.party(lang, a.Party), UserID: a.UserID,
			User: n.user(a.UserID), Approved: a.Approved, Comment: a.Comment, At: a.At.UTC().Format(timeFormat), When: newInstant(a.At)}
	}
	required := coopdec.RequiredParties(c)
	for _, p := range coopdec.CallParties(c) {
		pd := decisionPartyDoc{Party: int64(p), Name: n.party(lang, p)}
		for _, rp := range required {
			if rp == p {
				pd.Required = true
			}
		}
		for _, a := range approvals {
			if a.Version == d.Version && a.Party == p {
				ad := answer(a)
				pd.Answer = &ad
			}
		}
		doc.Parties = append(doc.Parties, pd)
	}
	for _, a := range approvals {
		if a.Version != d.Version {
			doc.History = append(doc.History, answer(a))
		}
	}
	doc.toAnswer = coopdec.PartiesToAnswer(u, c, d, approvals)
	doc.CanAnswerFor = []int64{}
	for _, p := range doc.toAnswer {
		if slices.Contains(required, p) {
			doc.CanAnswerFor = append(doc.CanAnswerFor, int64(p))
		}
	}
	return doc, nil
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// decisionListData is what the page of a call's decisions shows.
type decisionListData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Rows          []decisionListRow
	Nav           callNav
}

type decisionListRow struct {
	ID        int64
	Version   int
	Status    string
	Entries   int
	Main      int
	MainTotal string
	Created   instant
	Published instant
	Answers   []decisionAnswerDoc
}

func (s *Server) decisionListPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.decisionCall(r, coopdec.CanSeeDecisions)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	list, err := s.db.ListDecisions(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &decisionListData{Call: c, Nav: newCallNav(r, c, navDecisions)}
	t, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = t.Title, tl
	n := s.newNames(r.Context())
	for _, sum := range list {
		row := decisionListRow{ID: sum.ID, Version: sum.Version, Status: string(sum.Status), Entries: len(sum.Entries),
			Created: newInstant(sum.CreatedAt), Published: newInstant(sum.PublishedAt)}
		var total int64
		for _, e := range sum.Entries {
			if e.List == coopdec.ListMain {
				row.Main++
				total += e.GrantedCents
			}
		}
		row.MainTotal = coopdec.FormatEuroCents(lang, total)
		approvals, err := s.db.ListApprovals(r.Context(), sum.ID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		for _, a := range approvals {
			if a.Version == sum.Version {
				row.Answers = append(row.Answers, decisionAnswerDoc{Name: n.party(lang, a.Party), User: n.user(a.UserID),
					Approved: a.Approved, When: newInstant(a.At)})
			}
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, http.StatusOK, "decision_list", s.newView(r, "decision.list.title", d))
}

// decisionPageData is what the page of one decision shows.
type decisionPageData struct {
	Call          *coopdec.Call
	CallTitle     string
	CallTitleLang string
	Doc           *decisionDoc
	Nav           callNav
	ToAnswer      []decisionPartyDoc
}

func (d *decisionPageData) Created() instant   { return d.Doc.created }
func (d *decisionPageData) Published() instant { return d.Doc.published }

func (s *Server) decisionPage(w http.ResponseWriter, r *http.Request) {
	s.renderDecision(w, r, http.StatusOK, nil, nil)
}

// renderDecision shows the decision of the path, with err (a refused
// answer) and the form sent.
func (s *Server) renderDecision(w http.ResponseWriter, r *http.Request, status int, form map[string][]string, fail error) {
	d, st, c, err := s.loadDecision(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	doc, err := s.decisionDocument(r.Context(), lang, currentUser(r), c, d, st)
	if err != nil {
		s.error(w, r, err)
		return
	}
	data := &decisionPageData{Call: c, Doc: doc, Nav: newCallNav(r, c, navDecisions)}
	t, tl := c.Text(lang)
	data.CallTitle, data.CallTitleLang = t.Title, tl
	n := s.newNames(r.Context())
	for _, p := range doc.toAnswer {
		data.ToAnswer = append(data.ToAnswer, decisionPartyDoc{Party: int64(p), Name: n.party(lang, p)})
	}
	v := s.newView(r, "decision.show.title", data)
	v.Form = form
	if fail != nil {
		v.addError(fail)
	}
	switch r.URL.Query().Get("ok") {
	case "approved":
		v.Flash = v.T("decision.flash.approved")
	case "rejected":
		v.Flash = v.T("decision.flash.rejected")
	case "final":
		v.Flash = v.T("decision.flash.final")
	}
	s.render(w, r, status, "decision_show", v)
}

// decisionAnswer records the answer of the form: approve, or reject with a
// comment, for one of the parties the user acts for.
func (s *Server) decisionAnswer(w http.ResponseWriter, r *http.Request) {
	d, _, c, err := s.loadDecision(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "error.form"))
		return
	}
	f := r.PostForm
	ap := &coopdec.Approval{Comment: f.Get("comment")}
	var errs coopdec.Errors
	switch f.Get("answer") {
	case "approve":
		ap.Approved = true
	case "reject":
	default:
		errs = append(errs, coopdec.FieldError("answer", "decision.answer.required"))
	}
	party, perr := strconv.ParseInt(strings.TrimSpace(f.Get("party")), 10, 64)
	if perr != nil {
		parties := coopdec.PartiesOf(currentUser(r), c)
		if len(parties) != 1 {
			errs = append(errs, coopdec.FieldError("party", "decision.party.required"))
		} else {
			party = int64(parties[0])
		}
	}
	ap.Party = coopdec.Party(party)
	if v, err := strconv.Atoi(f.Get("version")); err == nil {
		ap.Version = v
	}
	if err := errs.Err(); err != nil {
		s.renderDecision(w, r, http.StatusUnprocessableEntity, f, err)
		return
	}
	state, err := s.recordApproval(r, d.ID, ap)
	if err != nil {
		st := statusOf(coopdec.ErrorCode(err))
		if st == http.StatusUnprocessableEntity || st == http.StatusConflict || st == http.StatusForbidden {
			s.renderDecision(w, r, st, f, err)
			return
		}
		s.error(w, r, err)
		return
	}
	ok := "approved"
	switch {
	case state == coopdec.DecisionFinal:
		ok = "final"
	case !ap.Approved:
		ok = "rejected"
	}
	http.Redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10)+"?ok="+ok, http.StatusSeeOther)
}

// recordApproval records an answer; the one that makes the decision final
// enqueues the applicants' emails in the same transaction.
func (s *Server) recordApproval(r *http.Request, decisionID int64, ap *coopdec.Approval) (coopdec.DecisionStatus, error) {
	return s.db.RecordApprovalNotify(r.Context(), s.jobs, currentUser(r), decisionID, ap, actor(r),
		func(n *sqldb.DecisionNotice) []sqldb.Job { return s.decisionMails(n) })
}
