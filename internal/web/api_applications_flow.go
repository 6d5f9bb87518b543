package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// What happens to an application around its content: the partners'
// confirmations, the submission and its receipt, withdrawal, corrections
// and the versions they make.

// Partners' confirmations.

type apiConfirmationDoc struct {
	ID             int64         `json:"id"`
	Partner        apiAppPartner `json:"partner"`
	Email          string        `json:"email"`
	Language       string        `json:"language"`
	Status         string        `json:"status"`
	Representative string        `json:"representative"`
	Comment        string        `json:"comment"`
	CreatedAt      string        `json:"created_at"`
	ExpiresAt      string        `json:"expires_at"`
	RespondedAt    *string       `json:"responded_at"`
}

func apiConfirmationOf(pc *coopdec.PartnerConfirmation) apiConfirmationDoc {
	p := apiPartnerOf(pc.PartnerEntry)
	p.Confirmed = pc.Status == coopdec.ConfirmationConfirmed
	return apiConfirmationDoc{ID: pc.ID, Partner: p, Email: pc.Email, Language: pc.Language, Status: string(pc.Status),
		Representative: pc.Representative, Comment: pc.Comment, CreatedAt: apiTime(pc.CreatedAt), ExpiresAt: apiTime(pc.ExpiresAt),
		RespondedAt: apiTimeOrNull(pc.RespondedAt)}
}

// apiPartnerStateDoc says where each declared partner's confirmation
// stands (coopdec.ConfirmationState): not_invited, pending, confirmed,
// declined, or lapsed when its entry changed since it was invited.
type apiPartnerStateDoc struct {
	Index          int    `json:"index"`
	Name           string `json:"name"`
	Country        string `json:"country"`
	Role           string `json:"role"`
	State          string `json:"state"`
	ConfirmationID *int64 `json:"confirmation_id"`
}

type apiConfirmationsDoc struct {
	Partners []apiPartnerStateDoc `json:"partners"`
	Items    []apiConfirmationDoc `json:"items"`
}

func (s *Server) apiConfirmationList(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ListPartnerConfirmations(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	names := s.apiOrgNames(r.Context(), a, c)
	d := apiConfirmationsDoc{Partners: []apiPartnerStateDoc{}, Items: make([]apiConfirmationDoc, 0, len(list))}
	for i, p := range a.Partners {
		if p.Role == coopdec.RoleLeadPartner {
			continue
		}
		state, pc := coopdec.ConfirmationState(p, list)
		ps := apiPartnerStateDoc{Index: i, Name: p.Name, Country: p.Country, Role: string(p.Role), State: string(state)}
		if ps.Name == "" && names != nil {
			ps.Name = names(p.OrganisationID)
		}
		if state == "" {
			ps.State = "not_invited"
		}
		if pc != nil {
			ps.ConfirmationID = &pc.ID
		}
		d.Partners = append(d.Partners, ps)
	}
	for i := range list {
		d.Items = append(d.Items, apiConfirmationOf(&list[i]))
	}
	writeJSON(w, http.StatusOK, d)
}

// apiPartnerInvite invites the partner at {index} of the consortium to
// confirm its part: an email in the partner's language with a link to its
// page. The draft's version, when sent, must be the stored one, so that the
// partner is shown what its author saw.
func (s *Server) apiPartnerInvite(w http.ResponseWriter, r *http.Request) {
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
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || index < 0 {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "confirmation.partner.invalid"))
		return
	}
	var req struct {
		Email    string `json:"email"`
		Language string `json:"language"`
		Version  int    `json:"version"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if req.Version == 0 {
		if req.Version, err = apiIfMatchVersion(r); err != nil {
			s.error(w, r, err)
			return
		}
	}
	lead, err := s.db.Organisation(r.Context(), a.LeadOrganisationID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	pc, err := s.db.InvitePartner(r.Context(), s.jobs, a.ID, req.Version, index, req.Email, req.Language, actor(r),
		func(pc *coopdec.PartnerConfirmation, a *coopdec.Application, token string) []sqldb.Job {
			return s.partnerInvitationMail(pc, token, a, c, lead.Name, s.partnerName(r.Context(), pc.PartnerEntry))
		})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiConfirmationOf(pc))
}

// apiPartnerInvitationDoc is what a partner's link shows it: its part, the
// project, and whether it may still answer.
type apiPartnerInvitationDoc struct {
	Status           string               `json:"status"`
	Language         string               `json:"language"`
	Answerable       bool                 `json:"answerable"`
	ExpiresAt        string               `json:"expires_at"`
	RespondedAt      *string              `json:"responded_at"`
	Representative   string               `json:"representative"`
	Comment          string               `json:"comment"`
	Partner          apiAppPartner        `json:"partner"`
	LeadOrganisation string               `json:"lead_organisation"`
	Call             apiCallRef           `json:"call"`
	Application      apiPartnerProjectDoc `json:"application"`
}

type apiPartnerProjectDoc struct {
	Title          string   `json:"title"`
	Summary        string   `json:"summary"`
	Countries      []string `json:"countries"`
	DurationMonths int      `json:"duration_months"`
	Status         string   `json:"status"`
}

// apiPartnerLink loads the invitation of the path's token and sets the
// request's language to the invitation's, or to ?lang= when given: the
// partner reads its page, and its errors, in its own language.
func (s *Server) apiPartnerLink(w http.ResponseWriter, r *http.Request) (*coopdec.PartnerConfirmation, *coopdec.Application, error) {
	pc, a, err := s.db.PartnerConfirmationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, nil, err
	}
	lang := pc.Language
	if l := r.URL.Query().Get("lang"); coopdec.ValidLanguage(l) {
		lang = l
	}
	if coopdec.ValidLanguage(lang) {
		info(r).lang = lang
		w.Header().Set("Content-Language", lang)
	}
	w.Header().Set("Cache-Control", "no-store")
	return pc, a, nil
}

func (s *Server) apiPartnerInvitationOf(ctx context.Context, lang string, pc *coopdec.PartnerConfirmation, a *coopdec.Application) (apiPartnerInvitationDoc, error) {
	c, err := s.db.Call(ctx, a.CallID)
	if err != nil {
		return apiPartnerInvitationDoc{}, err
	}
	lead, err := s.db.Organisation(ctx, a.LeadOrganisationID)
	if err != nil {
		return apiPartnerInvitationDoc{}, err
	}
	now := s.db.Now()
	text := a.Texts[lang]
	if text.Title == "" {
		text = a.Texts["fr"]
	}
	p := apiPartnerOf(pc.PartnerEntry)
	p.Confirmed = pc.Status == coopdec.ConfirmationConfirmed
	if p.Name == "" {
		if o, err := s.db.Organisation(ctx, pc.PartnerEntry.OrganisationID); err == nil {
			p.Name = o.Name
		}
	}
	declared := slices.ContainsFunc(a.Partners, func(x coopdec.Partner) bool { return coopdec.SamePartnerEntry(x, pc.PartnerEntry) })
	status := string(pc.Status)
	if pc.Status == coopdec.ConfirmationPending && !declared {
		status = string(coopdec.ConfirmationLapsed)
	}
	return apiPartnerInvitationDoc{Status: status, Language: pc.Language,
		Answerable: pc.Status == coopdec.ConfirmationPending && now.Before(pc.ExpiresAt) && a.Status == coopdec.ApplicationDraft && declared,
		ExpiresAt:  apiTime(pc.ExpiresAt), RespondedAt: apiTimeOrNull(pc.RespondedAt), Representative: pc.Representative,
		Comment: pc.Comment, Partner: p, LeadOrganisation: lead.Name,
		Call: apiCallRef{ID: c.ID, Reference: c.Reference, Title: callTitle(c, lang), Deadline: apiTimeOrNull(c.Deadline)},
		Application: apiPartnerProjectDoc{Title: text.Title, Summary: text.Summary, Countries: orEmpty(slices.Clone(a.Countries)),
			DurationMonths: a.DurationMonths, Status: string(a.Status)}}, nil
}

// apiPartnerConfirmation shows a partner what its link is about; anyone
// holding the link may read it.
func (s *Server) apiPartnerConfirmation(w http.ResponseWriter, r *http.Request) {
	pc, a, err := s.apiPartnerLink(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.apiPartnerInvitationOf(r.Context(), info(r).lang, pc, a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiPartnerRespond records the partner's answer; the lead's members are
// told by email.
func (s *Server) apiPartnerRespond(w http.ResponseWriter, r *http.Request) {
	pc, a, err := s.apiPartnerLink(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Status         string `json:"status"`
		Representative string `json:"representative"`
		Comment        string `json:"comment"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	team, err := s.db.ApplicationTeam(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	partner := s.partnerName(r.Context(), pc.PartnerEntry)
	token := r.PathValue("token")
	answered, err := s.db.RespondPartnerConfirmation(r.Context(), s.jobs, token, coopdec.ConfirmationStatus(req.Status),
		req.Representative, req.Comment, actor(r), func(pc *coopdec.PartnerConfirmation, a *coopdec.Application) []sqldb.Job {
			return s.partnerAnswerMails(team, pc, a, partner)
		})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if a, err = s.db.Application(r.Context(), a.ID); err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.apiPartnerInvitationOf(r.Context(), info(r).lang, answered, a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// Submission and receipts.

type apiAttachmentHashDoc struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// apiReceiptDoc is a receipt, which POST /api/v1/receipts/verify takes back
// as it is.
type apiReceiptDoc struct {
	Number      string                 `json:"number"`
	SubmittedAt string                 `json:"submitted_at"`
	SHA256      string                 `json:"sha256"`
	Attachments []apiAttachmentHashDoc `json:"attachments"`
}

func apiReceiptOf(rc coopdec.Receipt) apiReceiptDoc {
	d := apiReceiptDoc{Number: rc.Number, SubmittedAt: apiTime(rc.SubmittedAt), SHA256: rc.ContentSHA256,
		Attachments: make([]apiAttachmentHashDoc, 0, len(rc.Attachments))}
	for _, h := range rc.Attachments {
		d.Attachments = append(d.Attachments, apiAttachmentHashDoc{Name: h.Name, SHA256: h.SHA256})
	}
	return d
}

// apiOptionalVersion reads the optional body {"version"} of an action on a
// draft, or If-Match; 0 when neither says.
func apiOptionalVersion(w http.ResponseWriter, r *http.Request) (int, error) {
	var req struct {
		Version int `json:"version"`
	}
	if r.ContentLength != 0 {
		if err := readJSON(w, r, &req); err != nil {
			return 0, err
		}
	}
	if req.Version != 0 {
		return req.Version, nil
	}
	return apiIfMatchVersion(r)
}

// apiApplicationSubmit submits a draft. The time of submission is when the
// request reached the handler, by the server's clock: a request received
// before the deadline is on time even if the database is busy. A retry with
// the same Idempotency-Key answers 200 with the first submission's receipt
// instead of submitting again.
func (s *Server) apiApplicationSubmit(w http.ResponseWriter, r *http.Request) {
	at := s.db.Now()
	// The lead's members go straight to the submission, which checks who
	// may submit; the others are told apart by reading the application.
	h, a, c, err := s.apiMemberHead(r, s.apiReadableApplication)
	if err != nil {
		s.error(w, r, err)
		return
	}
	version, err := apiOptionalVersion(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	sub, err := s.db.SubmitApplication(r.Context(), s.jobs, sqldb.SubmitRequest{ApplicationID: h.ID, Version: version,
		IdempotencyKey: r.Header.Get("Idempotency-Key"), At: at, User: currentUser(r), Actor: actor(r),
		Notify: func(sub coopdec.Submission, _ *coopdec.Application) []sqldb.Job {
			return receiptJob(sub)
		}})
	if err != nil {
		s.error(w, r, s.apiRefusal(r, err, h.ID, a, c))
		return
	}
	status := http.StatusCreated
	if sub.Replayed {
		status = http.StatusOK
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/applications/%d/receipt", sub.ApplicationID))
	writeJSON(w, status, apiReceiptOf(sub.Receipt))
}

func (s *Server) apiApplicationReceipt(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	rc, err := s.db.ApplicationReceipt(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiReceiptOf(rc))
}

type apiReceiptCheckDoc struct {
	Valid    bool           `json:"valid"`
	Problems []problemField `json:"problems"`
}

// apiReceiptVerify checks a receipt against what is stored: the submitted
// version's time and content, and its files' hashes computed afresh from
// the stored blobs. Without "attachments", the files are checked against
// the hashes recorded at submission. Anyone holding a receipt may check it.
func (s *Server) apiReceiptVerify(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Number      string                  `json:"number"`
		SubmittedAt string                  `json:"submitted_at"`
		SHA256      string                  `json:"sha256"`
		Attachments *[]apiAttachmentHashDoc `json:"attachments"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	for _, f := range []struct{ name, v string }{{"number", req.Number}, {"submitted_at", req.SubmittedAt}, {"sha256", req.SHA256}} {
		if strings.TrimSpace(f.v) == "" {
			errs = append(errs, coopdec.FieldError(f.name, "apiapp.receipt.field_required"))
		}
	}
	var at time.Time
	if req.SubmittedAt != "" {
		var err error
		if at, err = apiParseTime(req.SubmittedAt, "submitted_at"); err != nil {
			errs = append(errs, asErrors(err)...)
		}
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	w.Header().Set("Cache-Control", "no-store")
	v, err := s.db.SubmittedVersion(r.Context(), req.Number)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		writeJSON(w, http.StatusOK, apiReceiptCheckDoc{Problems: s.apiFieldErrors(lang, coopdec.Errors{coopdec.FieldError("number", "receipt.not_found")})})
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	hashes, err := s.attachmentHashes(r.Context(), v.Attachments)
	if err != nil {
		s.error(w, r, err)
		return
	}
	claim := coopdec.Receipt{Number: req.Number, SubmittedAt: at, ContentSHA256: strings.TrimSpace(req.SHA256)}
	if req.Attachments != nil {
		for _, h := range *req.Attachments {
			claim.Attachments = append(claim.Attachments, coopdec.AttachmentHash{Name: h.Name, SHA256: strings.TrimSpace(h.SHA256)})
		}
	} else {
		for _, f := range v.Attachments {
			claim.Attachments = append(claim.Attachments, coopdec.AttachmentHash{Name: f.Name, SHA256: f.SHA256})
		}
	}
	verr := claim.Verify(&v.Application, hashes)
	if verr != nil && coopdec.ErrorCode(verr) == coopdec.EINTERNAL {
		s.error(w, r, verr)
		return
	}
	writeJSON(w, http.StatusOK, apiReceiptCheckDoc{Valid: verr == nil, Problems: s.apiFieldErrors(lang, asErrorsOrNil(verr))})
}

// Withdrawal.

// apiApplicationWithdraw withdraws the application for a reason; the call's
// managers are told when it had been submitted.
func (s *Server) apiApplicationWithdraw(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
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
	managers, err := s.withdrawalRecipients(r.Context(), a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.WithdrawApplication(r.Context(), s.jobs, currentUser(r), a.ID, req.Reason, actor(r),
		func(a *coopdec.Application) []sqldb.Job { return s.withdrawalMails(managers, a) })
	if err != nil {
		s.error(w, r, err)
		return
	}
	if a, err = s.db.Application(r.Context(), a.ID); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiApplicationOf(a))
}

// Corrections.

type apiCorrectionDoc struct {
	ID         int64    `json:"id"`
	Reason     string   `json:"reason"`
	Fields     []string `json:"fields"`
	Documents  []string `json:"documents"`
	DueAt      string   `json:"due_at"`
	Status     string   `json:"status"`
	CreatedAt  string   `json:"created_at"`
	Answer     *string  `json:"answer"`
	AnsweredAt *string  `json:"answered_at"`
	Version    *int     `json:"version"`
}

func apiCorrectionOf(cr *coopdec.CorrectionRequest) apiCorrectionDoc {
	d := apiCorrectionDoc{ID: cr.ID, Reason: cr.Reason, Fields: orEmpty(slices.Clone(cr.Fields)),
		Documents: orEmpty(slices.Clone(cr.Documents)), DueAt: apiTime(cr.DueAt), Status: string(cr.Status),
		CreatedAt: apiTime(cr.CreatedAt), Answer: apiOptional(cr.Answer), AnsweredAt: apiTimeOrNull(cr.AnsweredAt)}
	if cr.Version != 0 {
		v := cr.Version
		d.Version = &v
	}
	return d
}

func (s *Server) apiCorrectionList(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ListCorrections(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiCorrectionDoc, 0, len(list))
	for i := range list {
		docs = append(docs, apiCorrectionOf(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

// apiManagedApplication loads the application of the path for those who
// handle its call's applications (officers, administrators, the call's
// co-managers): other readers get EFORBIDDEN, whether or not it is
// submitted yet.
func (s *Server) apiManagedApplication(r *http.Request) (*coopdec.Application, *coopdec.Call, error) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		return nil, nil, err
	}
	probe := *a
	probe.Status = coopdec.ApplicationSubmitted
	if !coopdec.CanRequestCorrection(currentUser(r), &probe, c) {
		return nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	return a, c, nil
}

func (s *Server) apiCorrectionRequest(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiManagedApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Reason    string   `json:"reason"`
		Fields    []string `json:"fields"`
		Documents []string `json:"documents"`
		DueAt     string   `json:"due_at"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	cr := &coopdec.CorrectionRequest{ApplicationID: a.ID, Reason: req.Reason, Fields: req.Fields, Documents: req.Documents}
	if strings.TrimSpace(req.DueAt) != "" {
		if cr.DueAt, err = apiParseTime(req.DueAt, "due_at"); err != nil {
			s.error(w, r, err)
			return
		}
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
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiCorrectionOf(cr))
}

func apiCorrectionID(r *http.Request) (int64, error) {
	return apiPathID(r, "cid", "correction.not_found")
}

// apiCorrection finds one of the application's correction requests.
func (s *Server) apiCorrection(r *http.Request, appID int64) (*coopdec.CorrectionRequest, error) {
	cid, err := apiCorrectionID(r)
	if err != nil {
		return nil, err
	}
	list, err := s.db.ListCorrections(r.Context(), appID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == cid {
			return &list[i], nil
		}
	}
	return nil, coopdec.Errorf(coopdec.ENOTFOUND, "correction.not_found")
}

// apiCorrectionAnswer answers a correction request: the application's new
// content (optional: a request for documents only is answered by the files
// attached meanwhile) changes only the fields the request names. The
// result is a new version; the officers and co-managers are told.
func (s *Server) apiCorrectionAnswer(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	cr, err := s.apiCorrection(r, a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var req struct {
		Answer      string                 `json:"answer"`
		Application *apiApplicationContent `json:"application"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	var proposed *coopdec.Application
	if req.Application != nil {
		proposed = req.Application.Application()
		proposed.ID, proposed.CallID, proposed.LeadOrganisationID = a.ID, a.CallID, a.LeadOrganisationID
		proposed.Status, proposed.Version, proposed.SubmittedAt = a.Status, a.Version, a.SubmittedAt
		// Normalised as the stored one was, so that what did not change
		// compares equal.
		if err := proposed.ValidateDraft(c); err != nil {
			s.error(w, r, apiExplain(err, s.apiOrgNames(r.Context(), proposed, c)))
			return
		}
	}
	managers, err := s.db.CallManagers(r.Context(), c.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.db.AnswerCorrection(r.Context(), s.jobs, currentUser(r), a.ID, cr.ID, proposed, req.Answer, actor(r),
		func(cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
			return s.correctionAnswerMails(managers, cr, a)
		})
	if err != nil {
		names := s.apiOrgNames(r.Context(), a, c)
		s.error(w, r, apiExplain(err, names))
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/applications/%d/versions/%d", a.ID, v.Number))
	writeJSON(w, http.StatusCreated, apiVersionOf(v, true))
}

// apiCorrectionCancel withdraws an open correction request; the lead's
// members are told.
func (s *Server) apiCorrectionCancel(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiManagedApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	cr, err := s.apiCorrection(r, a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	team, err := s.db.ApplicationTeam(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.CancelCorrection(r.Context(), s.jobs, currentUser(r), a.ID, cr.ID, actor(r),
		func(cr *coopdec.CorrectionRequest, a *coopdec.Application) []sqldb.Job {
			return s.correctionCancelMails(team, cr, a)
		})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if cr, err = s.apiCorrection(r, a.ID); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiCorrectionOf(cr))
}

// Versions.

// apiVersionDoc is a kept version of a submitted application: the
// submission is number 1, each answered correction adds one. Application
// is left out of lists.
type apiVersionDoc struct {
	Number       int                `json:"number"`
	At           string             `json:"at"`
	AuthorID     *int64             `json:"author_id"`
	CorrectionID *int64             `json:"correction_id"`
	SHA256       string             `json:"sha256"`
	Attachments  []apiAttachmentDoc `json:"attachments"`
	Application  *apiApplicationDoc `json:"application,omitempty"`
}

func apiVersionOf(v *coopdec.ApplicationVersion, whole bool) apiVersionDoc {
	d := apiVersionDoc{Number: v.Number, At: apiTime(v.At), AuthorID: idOrNull(v.AuthorID), CorrectionID: idOrNull(v.CorrectionID),
		SHA256: v.ContentSHA256, Attachments: apiAttachmentsOf(v.Attachments)}
	if whole {
		a := apiApplicationOf(&v.Application)
		d.Application = &a
	}
	return d
}

func (s *Server) apiVersionList(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ApplicationVersions(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiVersionDoc, 0, len(list))
	for i := range list {
		docs = append(docs, apiVersionOf(&list[i], false))
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

// apiVersionNumber reads a version number: from the path when field is
// empty (not found when it is not one), else from the query parameter field.
func apiVersionNumber(s, field string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		if field == "" {
			return 0, coopdec.Errorf(coopdec.ENOTFOUND, "application.version.not_found")
		}
		return 0, coopdec.FieldError(field, "apiapp.query.version.invalid")
	}
	return n, nil
}

func (s *Server) apiVersionGet(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	n, err := apiVersionNumber(r.PathValue("n"), "")
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.db.ApplicationVersion(r.Context(), a.ID, n)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiVersionOf(v, true))
}

type apiFieldChangeDoc struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

type apiCompareDoc struct {
	From        int                 `json:"from"`
	To          int                 `json:"to"`
	Changes     []apiFieldChangeDoc `json:"changes"`
	Attachments []apiFieldChangeDoc `json:"attachments"`
}

// apiVersionCompare lists what changed between two versions: the content,
// field by field (coopdec.CompareApplications, values in machine form:
// amounts in cents, codes, ids), and the files, by name (old and new
// SHA-256, empty when absent).
func (s *Server) apiVersionCompare(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	var errs coopdec.Errors
	from, err := apiVersionNumber(q.Get("from"), "from")
	if err != nil {
		errs = append(errs, asErrors(err)...)
	}
	to, err := apiVersionNumber(q.Get("to"), "to")
	if err != nil {
		errs = append(errs, asErrors(err)...)
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	x, err := s.db.ApplicationVersion(r.Context(), a.ID, from)
	if err != nil {
		s.error(w, r, err)
		return
	}
	y, err := s.db.ApplicationVersion(r.Context(), a.ID, to)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := apiCompareDoc{From: from, To: to, Changes: []apiFieldChangeDoc{}, Attachments: []apiFieldChangeDoc{}}
	for _, ch := range coopdec.CompareApplications(&x.Application, &y.Application) {
		d.Changes = append(d.Changes, apiFieldChangeDoc{Field: apiFieldName(ch.Field), Old: ch.Old, New: ch.New})
	}
	files := func(list []coopdec.Attachment) map[string]string {
		m := map[string]string{}
		for _, f := range list {
			if m[f.Name] == "" {
				m[f.Name] = f.SHA256
			} else {
				m[f.Name] += "," + f.SHA256
			}
		}
		return m
	}
	old, cur := files(x.Attachments), files(y.Attachments)
	var names []string
	for n := range old {
		names = append(names, n)
	}
	for n := range cur {
		if _, ok := old[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		if old[n] != cur[n] {
			d.Attachments = append(d.Attachments, apiFieldChangeDoc{Field: n, Old: old[n], New: cur[n]})
		}
	}
	writeJSON(w, http.StatusOK, d)
}
