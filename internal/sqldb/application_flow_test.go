package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// flowEnv is applicationEnv with its call open for submissions, people on
// both sides of an application, and a job queue that records.
type flowEnv struct {
	*applicationEnv
	jobs *jobRecorder
	// deadline is the call's, as stored.
	deadline time.Time

	lyonMember, lyonMember2, stEtienneMember *coopdec.User
	officer                                  *coopdec.User // with its roles loaded
	// pacaManager co-manages the call; moroccoManager is a co-manager of
	// no call of interest here.
	pacaManager, moroccoManager *coopdec.User
}

func newFlowEnv(t *testing.T) *flowEnv {
	t.Helper()
	e := &flowEnv{applicationEnv: newApplicationEnv(t), jobs: &jobRecorder{}}
	ctx := t.Context()
	// Lyon and Saint-Étienne lie in Auvergne-Rhône-Alpes (84), as the
	// territories' referential would have recorded.
	exec(t, e.db, `UPDATE organisations SET region_code = '84' WHERE id IN ($1, $2)`, e.lyon.ID, e.stEtienne.ID)
	e.call = e.openCall(t, e.call.ID)
	e.deadline = e.call.Deadline
	e.clock.now = e.call.OpensAt.Add(24 * time.Hour)

	e.lyonMember = e.member(t, e.lyonActor.UserID, e.lyon.ID)
	e.lyonMember2 = e.member(t, e.otherAuthor.UserID, e.lyon.ID)
	e.stEtienneMember = e.member(t, mustCreateUser(t, e.db, "se@example.org", "Agent de Saint-Étienne").ID, e.stEtienne.ID)
	e.pacaManager = e.member(t, mustCreateUser(t, e.db, "paca@example.org", "Région Sud", coopdec.RoleCoManager).ID, e.paca.ID)
	e.moroccoManager = e.member(t, mustCreateUser(t, e.db, "maroc@example.org", "DGCT", coopdec.RoleCoManager).ID, e.morocco.ID)
	var err error
	if e.officer, err = e.db.UserByID(ctx, e.callEnv.officer.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// openCall makes a draft call's lead region Lyon's and publishes it; the
// clock opens it.
func (e *flowEnv) openCall(t *testing.T, id int64) *coopdec.Call {
	t.Helper()
	c := e.mustCall(t, id)
	c.Rules.LeadRegion = "84"
	if err := e.db.UpdateCall(t.Context(), c, e.actor, ""); err != nil {
		t.Fatalf("UpdateCall: got error %v; want nil", err)
	}
	if err := e.db.SetCallStatus(t.Context(), id, coopdec.CallDraft, coopdec.CallPublished, e.actor); err != nil {
		t.Fatalf("SetCallStatus: got error %v; want nil", err)
	}
	return e.mustCall(t, id)
}

// member makes a user a member of an organisation and returns the user as
// sessions load it.
func (e *flowEnv) member(t *testing.T, userID, orgID int64) *coopdec.User {
	t.Helper()
	if err := e.db.AddMembership(t.Context(), userID, orgID, coopdec.MemberRoleMember, e.actor); err != nil {
		t.Fatalf("AddMembership: got error %v; want nil", err)
	}
	u, err := e.db.UserByID(t.Context(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func act(u *coopdec.User) coopdec.Actor { return coopdec.Actor{UserID: u.ID, IP: "192.0.2.20"} }

// flowApplication is fullApplication complete for the open call: the
// English text it is published in, and the Brazilian partner named.
func (e *flowEnv) flowApplication() *coopdec.Application {
	a := e.fullApplication()
	a.Texts["en"] = coopdec.ApplicationText{Title: "Soft mobility in Belo Horizonte", Summary: "Cycle lanes and training."}
	a.Partners[1].Name = "Prefeitura de Belo Horizonte"
	return a
}

// attach adds a file to an application as a member of Lyon.
func (e *flowEnv) attach(t *testing.T, appID int64, code, name string, fill byte) *coopdec.Attachment {
	t.Helper()
	att := &coopdec.Attachment{ApplicationID: appID, DocumentCode: code, Name: name, MediaType: "application/pdf",
		SizeBytes: 10_000, SHA256: strings.Repeat(string(rune(fill)), 64)}
	if err := e.db.AddAttachment(t.Context(), att, e.lyonActor); err != nil {
		t.Fatalf("AddAttachment(%s): got error %v; want nil", code, err)
	}
	return att
}

// invite invites the partner at index partner of a draft and returns the
// invitation with the token its link carries.
func (e *flowEnv) invite(t *testing.T, appID int64, partner int) (*coopdec.PartnerConfirmation, string) {
	t.Helper()
	var token string
	pc, err := e.db.InvitePartner(t.Context(), e.jobs, appID, 0, partner, "convenios@pbh.example.br", "pt", e.lyonActor,
		func(pc *coopdec.PartnerConfirmation, a *coopdec.Application, tok string) []Job {
			token = tok
			return []Job{{Args: testJob{"invite " + pc.Email}}}
		})
	if err != nil {
		t.Fatalf("InvitePartner: got error %v; want nil", err)
	}
	return pc, token
}

// respond answers an invitation as the partner.
func (e *flowEnv) respond(t *testing.T, token string, status coopdec.ConfirmationStatus, comment string) *coopdec.PartnerConfirmation {
	t.Helper()
	pc, err := e.db.RespondPartnerConfirmation(t.Context(), e.jobs, token, status, "Maria Souza, secretária", comment, coopdec.Actor{IP: "198.51.100.7"},
		func(pc *coopdec.PartnerConfirmation, a *coopdec.Application) []Job {
			return []Job{{Args: testJob{"respond " + string(pc.Status)}}}
		})
	if err != nil {
		t.Fatalf("RespondPartnerConfirmation(%s): got error %v; want nil", status, err)
	}
	return pc
}

// mustReady creates a draft of Lyon's that may be submitted: complete, its
// required documents attached and its Brazilian partner's confirmation in.
func (e *flowEnv) mustReady(t *testing.T, a *coopdec.Application) *coopdec.Application {
	t.Helper()
	if a == nil {
		a = e.flowApplication()
	}
	e.mustCreateApplication(t, a)
	e.attach(t, a.ID, "council_deliberation", "deliberation.pdf", 'a')
	e.attach(t, a.ID, "budget", "budget.pdf", 'b')
	_, token := e.invite(t, a.ID, 1)
	e.respond(t, token, coopdec.ConfirmationConfirmed, "")
	return e.mustApplication(t, a.ID)
}

func (e *flowEnv) submitRequest(appID int64, at time.Time, key string) SubmitRequest {
	return SubmitRequest{ApplicationID: appID, IdempotencyKey: key, At: at, User: e.lyonMember, Actor: act(e.lyonMember),
		Notify: func(sub coopdec.Submission, a *coopdec.Application) []Job {
			return []Job{{Args: testJob{"submitted " + sub.Receipt.Number}}}
		}}
}

func (e *flowEnv) mustSubmit(t *testing.T, appID int64, at time.Time) coopdec.Submission {
	t.Helper()
	sub, err := e.db.SubmitApplication(t.Context(), e.jobs, e.submitRequest(appID, at, ""))
	if err != nil {
		t.Fatalf("SubmitApplication(%d): got error %v; want nil", appID, err)
	}
	return sub
}

// storedEligible reads the eligibility the lists filter on.
func storedEligible(t *testing.T, db *DB, appID int64) sql.NullBool {
	t.Helper()
	var v sql.NullBool
	if err := db.read.QueryRowContext(t.Context(), `SELECT eligible FROM applications WHERE id = $1`, appID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// wantKeys fails unless err carries exactly these field:key pairs, in any
// order.
func wantKeys(t *testing.T, err error, want ...string) {
	t.Helper()
	var got []string
	for _, fe := range fieldErrors(err) {
		got = append(got, fe.Field+":"+fe.Key)
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got errors %q (%v); want %q", got, err, want)
	}
}

// testJob is a job whose arguments say what it is for.
type testJob struct{ What string }

func (testJob) Kind() string { return "test" }

// jobRecorder is an Enqueuer that writes each job as an outbox row in the
// caller's transaction, so that, like River's jobs, it exists only if that
// transaction commits. fail makes EnqueueTx fail after writing.
type jobRecorder struct {
	mu    sync.Mutex
	calls int
	fail  error
}

func (r *jobRecorder) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs ...Job) error {
	r.mu.Lock()
	r.calls++
	fail := r.fail
	r.mu.Unlock()
	for _, j := range jobs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (created_at, recipient, subject, body_text, body_html)
			VALUES ($1, 'jobs', $2, '', '')`, t0, j.Args.(testJob).What); err != nil {
			return err
		}
	}
	return fail
}

func (r *jobRecorder) setFail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

func (r *jobRecorder) callCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// committed lists the jobs whose transaction committed, oldest first.
func (r *jobRecorder) committed(t *testing.T, db *DB) []string {
	t.Helper()
	list, _, err := db.ListOutbox(t.Context(), "jobs", coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, m := range slices.Backward(list) {
		out = append(out, m.Subject)
	}
	return out
}

func TestInvitePartner(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.flowApplication())

	invite := func(version, partner int, email, lang string) error {
		_, err := e.db.InvitePartner(ctx, e.jobs, a.ID, version, partner, email, lang, e.lyonActor, nil)
		return err
	}
	for _, tc := range []struct {
		name           string
		version, index int
		email, lang    string
		want           []string
	}{
		{"bad email", 0, 1, "pas une adresse", "pt", []string{"email:confirmation.email.invalid"}},
		{"named address", 0, 1, "Maria <maria@pbh.example.br>", "pt", []string{"email:confirmation.email.invalid"}},
		{"unknown language", 0, 1, "maria@pbh.example.br", "de", []string{"language:confirmation.language.invalid"}},
		{"both", 0, 1, "", "", []string{"email:confirmation.email.invalid", "language:confirmation.language.invalid"}},
		{"the lead", 0, 0, "maria@pbh.example.br", "pt", []string{"partner:confirmation.partner.invalid"}},
		{"no such partner", 0, 3, "maria@pbh.example.br", "pt", []string{"partner:confirmation.partner.invalid"}},
		{"negative index", 0, -1, "maria@pbh.example.br", "pt", []string{"partner:confirmation.partner.invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantKeys(t, invite(tc.version, tc.index, tc.email, tc.lang), tc.want...) })
	}
	wantError(t, invite(a.Version+1, 1, "maria@pbh.example.br", "pt"), coopdec.ECONFLICT, "", "application.changed")
	if _, err := e.db.InvitePartner(ctx, e.jobs, 999_999, 0, 1, "maria@pbh.example.br", "pt", e.lyonActor, nil); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("unknown application: got %v; want %s", err, coopdec.ENOTFOUND)
	}
	// A partner must be named before it is shown its part.
	unnamed := e.mustCreateApplication(t, e.fullApplication())
	_, err := e.db.InvitePartner(ctx, e.jobs, unnamed.ID, 0, 1, "maria@pbh.example.br", "pt", e.lyonActor, nil)
	wantError(t, err, coopdec.EINVALID, "partner", "confirmation.partner.incomplete")
	if n := count(t, e.db, `SELECT count(*) FROM partner_confirmations`); n != 0 {
		t.Fatalf("after refusals: got %d invitations; want 0", n)
	}

	var token string
	pc, err := e.db.InvitePartner(ctx, e.jobs, a.ID, a.Version, 1, " convenios@pbh.example.br ", "pt", e.lyonActor,
		func(pc *coopdec.PartnerConfirmation, _ *coopdec.Application, tok string) []Job {
			token = tok
			return []Job{{Args: testJob{"invite " + pc.Email}}}
		})
	if err != nil {
		t.Fatalf("InvitePartner: got error %v; want nil", err)
	}
	wantEntry := a.Partners[1]
	wantEntry.Confirmed = false
	want := coopdec.PartnerConfirmation{ID: pc.ID, ApplicationID: a.ID, PartnerEntry: wantEntry, Email: "convenios@pbh.example.br",
		Language: "pt", Status: coopdec.ConfirmationPending, InvitedBy: e.lyonActor.UserID,
		CreatedAt: e.clock.now, ExpiresAt: e.clock.now.Add(PartnerInvitationTTL)}
	if pc.ID == 0 || !reflect.DeepEqual(*pc, want) {
		t.Fatalf("InvitePartner:\ngot  %+v\nwant %+v", *pc, want)
	}
	if !strings.HasPrefix(token, "pc_") || len(token) < 40 {
		t.Fatalf("got token %q; want a long pc_ token", token)
	}
	// Only the token's hash is kept.
	if n := count(t, e.db, `SELECT count(*) FROM partner_confirmations WHERE token_hash = $1`, hashToken(token)); n != 1 {
		t.Fatalf("got %d rows under the token's hash; want 1", n)
	}
	if n := count(t, e.db, `SELECT count(*) FROM partner_confirmations WHERE token_hash = $1 OR entry LIKE $2`, token, "%"+token+"%"); n != 0 {
		t.Fatalf("got the token itself stored in %d rows; want none", n)
	}
	if got := e.jobs.committed(t, e.db); !slices.Equal(got, []string{"invite convenios@pbh.example.br"}) {
		t.Fatalf("got jobs %q; want the invitation's", got)
	}
	wantAudit(t, e.db, coopdec.AuditPartnerInvite, applicationSubject(a.ID), e.lyonActor.UserID, 1)

	got, app, err := e.db.PartnerConfirmationByToken(ctx, token)
	if err != nil || !reflect.DeepEqual(*got, want) || app.ID != a.ID || app.Partners[1].Confirmed {
		t.Fatalf("PartnerConfirmationByToken: got %+v, application %d, %v; want %+v on %d, not confirmed yet", got, app.ID, err, want, a.ID)
	}
	list, err := e.db.ListPartnerConfirmations(ctx, a.ID)
	if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], want) {
		t.Fatalf("ListPartnerConfirmations: got %+v, %v; want [%+v]", list, err, want)
	}
	for _, bad := range []string{"", "pc_nope", token + "x", hashToken(token)} {
		if _, _, err := e.db.PartnerConfirmationByToken(ctx, bad); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
			t.Errorf("PartnerConfirmationByToken(%q): got %v; want %s", bad, err, coopdec.ENOTFOUND)
		}
	}
}

func TestRespondPartnerConfirmation(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.flowApplication())
	e.attach(t, a.ID, "council_deliberation", "deliberation.pdf", 'a')
	e.attach(t, a.ID, "budget", "budget.pdf", 'b')
	if v := storedEligible(t, e.db, a.ID); v.Valid {
		t.Fatalf("before the partner's answer: got eligible %v; want NULL (waiting for the partner)", v)
	}
	_, token := e.invite(t, a.ID, 1)

	respond := func(token string, status coopdec.ConfirmationStatus, representative, comment string) error {
		_, err := e.db.RespondPartnerConfirmation(ctx, e.jobs, token, status, representative, comment, coopdec.Actor{}, nil)
		return err
	}
	wantKeys(t, respond(token, "maybe", "Maria", ""), "status:confirmation.status.invalid")
	wantKeys(t, respond(token, coopdec.ConfirmationConfirmed, " ", ""), "representative:confirmation.representative.required")
	wantKeys(t, respond(token, coopdec.ConfirmationConfirmed, strings.Repeat("M", 201), ""), "representative:confirmation.representative.invalid")
	wantKeys(t, respond(token, coopdec.ConfirmationDeclined, "Maria", "  "), "comment:confirmation.comment.required")
	wantKeys(t, respond(token, coopdec.ConfirmationConfirmed, "Maria", strings.Repeat("é", 4001)), "comment:confirmation.comment.too_long")
	wantError(t, respond("pc_unknown", coopdec.ConfirmationConfirmed, "Maria", ""), coopdec.ENOTFOUND, "", "confirmation.not_found")

	// A queue that fails takes the answer down with it: nothing is kept.
	e.jobs.setFail(fmt.Errorf("queue unavailable"))
	_, err := e.db.RespondPartnerConfirmation(ctx, e.jobs, token, coopdec.ConfirmationConfirmed, "Maria", "", coopdec.Actor{},
		func(*coopdec.PartnerConfirmation, *coopdec.Application) []Job { return []Job{{Args: testJob{"lost"}}} })
	if err == nil {
		t.Fatal("failing queue: got nil; want an error")
	}
	e.jobs.setFail(nil)
	if got, _, _ := e.db.PartnerConfirmationByToken(ctx, token); got.Status != coopdec.ConfirmationPending {
		t.Fatalf("after a failed answer: got status %q; want pending", got.Status)
	}
	if got := e.jobs.committed(t, e.db); slices.Contains(got, "lost") {
		t.Fatalf("got jobs %q; want none from the failed transaction", got)
	}

	e.clock.advance(time.Hour)
	calls := e.jobs.callCount()
	pc := e.respond(t, token, coopdec.ConfirmationConfirmed, " Com prazer. ")
	if pc.Status != coopdec.ConfirmationConfirmed || pc.Representative != "Maria Souza, secretária" || pc.Comment != "Com prazer." ||
		!pc.RespondedAt.Equal(e.clock.now) {
		t.Fatalf("got %+v; want confirmed now, by Maria, comment trimmed", pc)
	}
	if n := e.jobs.callCount() - calls; n != 1 {
		t.Fatalf("got %d enqueues; want 1", n)
	}
	if got := e.jobs.committed(t, e.db); !slices.Equal(got, []string{"invite convenios@pbh.example.br", "respond confirmed"}) {
		t.Fatalf("got jobs %q; want the invitation's and the answer's", got)
	}
	got := e.mustApplication(t, a.ID)
	if !got.Partners[1].Confirmed || got.Partners[2].Confirmed || got.Partners[0].Confirmed {
		t.Fatalf("got confirmations %v, %v, %v; want only the Brazilian partner's", got.Partners[0].Confirmed, got.Partners[1].Confirmed, got.Partners[2].Confirmed)
	}
	if v := storedEligible(t, e.db, a.ID); !v.Valid || !v.Bool {
		t.Fatalf("after the confirmation: got eligible %v; want true", v)
	}
	wantAudit(t, e.db, coopdec.AuditPartnerRespond, applicationSubject(a.ID), 0, 1)
	wantError(t, respond(token, coopdec.ConfirmationDeclined, "Maria", "Non."), coopdec.ECONFLICT, "", "confirmation.answered")

	// The university declines, with a reason.
	_, uToken := e.invite(t, a.ID, 2)
	wantError(t, respond(uToken, coopdec.ConfirmationDeclined, "Reitoria", ""), coopdec.EINVALID, "comment", "confirmation.comment.required")
	if pc := e.respond(t, uToken, coopdec.ConfirmationDeclined, "Sem orçamento este ano."); pc.Status != coopdec.ConfirmationDeclined {
		t.Fatalf("got status %q; want declined", pc.Status)
	}
	if got := e.mustApplication(t, a.ID); got.Partners[2].Confirmed || !got.Partners[1].Confirmed {
		t.Fatalf("after the decline: got %+v; want the university unconfirmed, the city still confirmed", got.Partners)
	}

	// Changing the partner's entry lapses its confirmation; changing it
	// back restores it.
	edit := e.mustApplication(t, a.ID)
	edit.Partners[1].Contribution = "Terrains"
	if err := e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor); err != nil {
		t.Fatal(err)
	}
	if got := e.mustApplication(t, a.ID); got.Partners[1].Confirmed {
		t.Fatal("after changing the entry: got confirmed; want the confirmation lapsed")
	}
	list, _ := e.db.ListPartnerConfirmations(ctx, a.ID)
	if st, _ := coopdec.ConfirmationState(e.mustApplication(t, a.ID).Partners[1], list); st != coopdec.ConfirmationLapsed {
		t.Fatalf("got state %q; want lapsed", st)
	}
	if v := storedEligible(t, e.db, a.ID); v.Valid {
		t.Fatalf("after the lapse: got eligible %v; want NULL", v)
	}
	edit.Partners[1].Contribution = "Terrains et personnel"
	if err := e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor); err != nil {
		t.Fatal(err)
	}
	if got := e.mustApplication(t, a.ID); !got.Partners[1].Confirmed {
		t.Fatal("after restoring the entry: got unconfirmed; want confirmed again")
	}
}

func TestRespondPartnerConfirmationRefusals(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.flowApplication())
	respond := func(token string) error {
		_, err := e.db.RespondPartnerConfirmation(ctx, e.jobs, token, coopdec.ConfirmationConfirmed, "Maria", "", coopdec.Actor{}, nil)
		return err
	}

	// Expired: the link works until ExpiresAt, excluded.
	_, expired := e.invite(t, a.ID, 1)
	e.clock.advance(PartnerInvitationTTL)
	wantError(t, respond(expired), coopdec.ECONFLICT, "", "confirmation.expired")
	if pc, _, err := e.db.PartnerConfirmationByToken(ctx, expired); err != nil || pc.Status != coopdec.ConfirmationPending {
		t.Fatalf("expired link: got %+v, %v; want it still readable, pending", pc, err)
	}

	// Lapsed: the draft changed the partner's entry after the invitation.
	_, lapsed := e.invite(t, a.ID, 1)
	edit := e.mustApplication(t, a.ID)
	edit.Partners[1].Role = coopdec.RoleBeneficiary
	if err := e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor); err != nil {
		t.Fatal(err)
	}
	wantError(t, respond(lapsed), coopdec.ECONFLICT, "", "confirmation.lapsed")

	// Submitted: the application no longer changes.
	b := e.mustReady(t, nil)
	_, late := e.invite(t, b.ID, 2)
	e.mustSubmit(t, b.ID, e.clock.now)
	wantError(t, respond(late), coopdec.ECONFLICT, "", "application.not_draft")
	if n := count(t, e.db, `SELECT count(*) FROM partner_confirmations WHERE status <> 'pending'`); n != 1 {
		t.Fatalf("got %d answered invitations; want only mustReady's", n)
	}
}

// correctionRequest is a request on the places and the budget document,
// due in a week.
func (e *flowEnv) correctionRequest(appID int64) *coopdec.CorrectionRequest {
	return &coopdec.CorrectionRequest{ApplicationID: appID, Reason: " Précisez les lieux et joignez le budget signé. ",
		Fields: []string{"Places"}, Documents: []string{"budget"}, DueAt: e.clock.now.Add(7 * 24 * time.Hour)}
}

func TestRequestCorrection(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	draft := e.mustCreateApplication(t, e.flowApplication())
	a := e.mustReady(t, nil)
	e.mustSubmit(t, a.ID, e.clock.now)

	request := func(u *coopdec.User, r *coopdec.CorrectionRequest) error {
		return e.db.RequestCorrection(ctx, e.jobs, u, r, act(u), func(r *coopdec.CorrectionRequest, _ *coopdec.Application) []Job {
			return []Job{{Args: testJob{fmt.Sprintf("correction %d", r.ID)}}}
		})
	}
	// Neither the applicant nor another call's co-manager may ask.
	wantError(t, request(e.lyonMember, e.correctionRequest(a.ID)), coopdec.EFORBIDDEN, "", "")
	wantError(t, request(e.moroccoManager, e.correctionRequest(a.ID)), coopdec.ENOTFOUND, "", "application.not_found")
	// Nobody asks on a draft: officers do not even see it.
	wantError(t, request(e.officer, e.correctionRequest(draft.ID)), coopdec.ENOTFOUND, "", "application.not_found")
	wantError(t, request(e.officer, &coopdec.CorrectionRequest{ApplicationID: 999_999}), coopdec.ENOTFOUND, "", "application.not_found")

	bad := e.correctionRequest(a.ID)
	bad.Reason, bad.Fields, bad.Documents, bad.DueAt = "", []string{"title"}, []string{"Pièce 1"}, e.clock.now.Add(-time.Minute)
	wantKeys(t, request(e.officer, bad), "reason:application.reason.required", "fields:application.correction.field.unknown",
		"documents:application.correction.document.invalid", "due_at:application.correction.due.past")
	bad = e.correctionRequest(a.ID)
	bad.Fields, bad.Documents, bad.DueAt = nil, nil, e.clock.now.Add(91*24*time.Hour)
	wantKeys(t, request(e.officer, bad), "fields:application.correction.empty", "due_at:application.correction.due.too_far")
	if n := count(t, e.db, `SELECT count(*) FROM correction_requests`); n != 0 {
		t.Fatalf("after refusals: got %d requests; want 0", n)
	}

	// The call's co-manager may ask, once at a time.
	r := e.correctionRequest(a.ID)
	if err := request(e.pacaManager, r); err != nil {
		t.Fatalf("co-manager: got error %v; want nil", err)
	}
	want := coopdec.CorrectionRequest{ID: r.ID, ApplicationID: a.ID, Reason: "Précisez les lieux et joignez le budget signé.",
		Fields: []string{"places"}, Documents: []string{"budget"}, DueAt: e.clock.now.Add(7 * 24 * time.Hour),
		Status: coopdec.CorrectionOpen, RequestedBy: e.pacaManager.ID, CreatedAt: e.clock.now}
	if !reflect.DeepEqual(*r, want) {
		t.Fatalf("RequestCorrection:\ngot  %+v\nwant %+v", *r, want)
	}
	wantError(t, request(e.officer, e.correctionRequest(a.ID)), coopdec.ECONFLICT, "", "correction.already_open")
	wantAudit(t, e.db, coopdec.AuditCorrectionRequest, applicationSubject(a.ID), e.pacaManager.ID, 1)

	// Cancelled, it makes room for the officer's; the applicant is told in
	// the same transaction.
	cancel := func(u *coopdec.User, id int64) error {
		return e.db.CancelCorrection(ctx, e.jobs, u, a.ID, id, act(u), func(r *coopdec.CorrectionRequest, _ *coopdec.Application) []Job {
			return []Job{{Args: testJob{fmt.Sprintf("cancelled %d %s: %s", r.ID, r.Status, r.Reason)}}}
		})
	}
	wantError(t, cancel(e.lyonMember, r.ID), coopdec.EFORBIDDEN, "", "")
	e.jobs.setFail(fmt.Errorf("queue unavailable"))
	if err := cancel(e.officer, r.ID); err == nil {
		t.Fatal("failing queue: got nil; want an error")
	}
	e.jobs.setFail(nil)
	if open, _ := e.db.ListCorrections(ctx, a.ID); len(open) != 1 || open[0].Status != coopdec.CorrectionOpen {
		t.Fatalf("after a failed cancellation: got %+v; want the request still open", open)
	}
	if err := cancel(e.officer, r.ID); err != nil {
		t.Fatalf("CancelCorrection: got error %v; want nil", err)
	}
	wantError(t, cancel(e.officer, r.ID), coopdec.ECONFLICT, "", "correction.closed")
	var cancellations []string
	for _, j := range e.jobs.committed(t, e.db) {
		if strings.HasPrefix(j, "cancelled ") {
			cancellations = append(cancellations, j)
		}
	}
	if want := []string{fmt.Sprintf("cancelled %d cancelled: Précisez les lieux et joignez le budget signé.", r.ID)}; !slices.Equal(cancellations, want) {
		t.Fatalf("got cancellation jobs %q; want %q", cancellations, want)
	}
	second := e.correctionRequest(a.ID)
	if err := request(e.officer, second); err != nil {
		t.Fatalf("officer: got error %v; want nil", err)
	}
	list, err := e.db.ListCorrections(ctx, a.ID)
	if err != nil || len(list) != 2 || list[0].Status != coopdec.CorrectionCancelled || list[1].ID != second.ID || list[1].Status != coopdec.CorrectionOpen {
		t.Fatalf("ListCorrections: got %+v, %v; want the cancelled one then the open one", list, err)
	}
	if got := e.jobs.committed(t, e.db); !slices.Contains(got, fmt.Sprintf("correction %d", r.ID)) ||
		!slices.Contains(got, fmt.Sprintf("correction %d", second.ID)) {
		t.Fatalf("got jobs %q; want one per request", got)
	}
}

func TestAnswerCorrection(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustReady(t, nil)
	before := e.mustApplication(t, a.ID)
	files, _ := e.db.ListAttachments(ctx, a.ID)
	sub := e.mustSubmit(t, a.ID, e.clock.now)
	r := e.correctionRequest(a.ID)
	if err := e.db.RequestCorrection(ctx, e.jobs, e.officer, r, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}

	// Only the requested documents may be sent, kept pending until the
	// answer.
	other := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "council_deliberation", Name: "d2.pdf", MediaType: "application/pdf",
		SizeBytes: 100, SHA256: strings.Repeat("c", 64)}
	wantError(t, e.db.AddAttachment(ctx, other, e.lyonActor), coopdec.ECONFLICT, "document_code", "attachment.not_requested")
	dropped := e.attach(t, a.ID, "budget", "budget-v1.pdf", 'd')
	if err := e.db.DeleteAttachment(ctx, a.ID, dropped.ID, e.lyonActor); err != nil {
		t.Fatalf("DeleteAttachment(pending): got error %v; want nil", err)
	}
	wantError(t, e.db.DeleteAttachment(ctx, a.ID, files[0].ID, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
	signed := e.attach(t, a.ID, "budget", "budget-signe.pdf", 'e')
	if signed.CorrectionID != r.ID {
		t.Fatalf("got correction %d; want %d", signed.CorrectionID, r.ID)
	}
	if got, _ := e.db.ListAttachments(ctx, a.ID); !reflect.DeepEqual(got, files) {
		t.Fatalf("before the answer: got files %+v; want the submitted ones %+v", got, files)
	}
	if got, _ := e.db.PendingAttachments(ctx, a.ID); len(got) != 1 || got[0].ID != signed.ID {
		t.Fatalf("PendingAttachments: got %+v; want the signed budget", got)
	}

	answer := func(u *coopdec.User, proposed *coopdec.Application, text string) (*coopdec.ApplicationVersion, error) {
		return e.db.AnswerCorrection(ctx, e.jobs, u, a.ID, r.ID, proposed, text, act(u),
			func(r *coopdec.CorrectionRequest, _ *coopdec.Application) []Job {
				return []Job{{Args: testJob{fmt.Sprintf("answered %d", r.Version)}}}
			})
	}
	proposed := e.mustApplication(t, a.ID)
	proposed.Places = []string{"Belo Horizonte", "Contagem"}
	_, err := answer(e.lyonMember, proposed, "  ")
	wantError(t, err, coopdec.EINVALID, "answer", "correction.answer.required")
	_, err = answer(e.officer, proposed, "Fait.")
	wantError(t, err, coopdec.EFORBIDDEN, "", "")
	notAsked := e.mustApplication(t, a.ID)
	notAsked.Places = []string{"Contagem"}
	notAsked.Texts["fr"] = coopdec.ApplicationText{Title: "Autre titre"}
	_, err = answer(e.lyonMember, notAsked, "Fait.")
	wantKeys(t, err, "texts:application.correction.field.not_requested")
	if _, err := e.db.AnswerCorrection(ctx, e.jobs, e.lyonMember, a.ID, 999_999, proposed, "Fait.", e.lyonActor, nil); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("unknown request: got %v; want %s", err, coopdec.ENOTFOUND)
	}

	// Unchanged text written differently by the form is no change.
	proposed.Texts["fr"] = coopdec.ApplicationText{Title: " " + before.Texts["fr"].Title + " ", Summary: before.Texts["fr"].Summary,
		Context: before.Texts["fr"].Context, Objectives: before.Texts["fr"].Objectives, Sustainability: before.Texts["fr"].Sustainability}
	proposed.Countries = []string{"br"}
	e.clock.advance(time.Hour)
	v, err := answer(e.lyonMember2, proposed, "Lieux précisés, budget signé joint.")
	if err != nil {
		t.Fatalf("AnswerCorrection: got error %v; want nil", err)
	}
	if v.Number != 2 || v.CorrectionID != r.ID || v.AuthorID != e.lyonMember2.ID || !v.At.Equal(e.clock.now) {
		t.Fatalf("got version %d, correction %d, author %d, at %v; want 2, %d, %d, %v", v.Number, v.CorrectionID, v.AuthorID, v.At,
			r.ID, e.lyonMember2.ID, e.clock.now)
	}
	got := e.mustApplication(t, a.ID)
	if !slices.Equal(got.Places, []string{"Belo Horizonte", "Contagem"}) || got.Texts["fr"] != before.Texts["fr"] || got.Status != coopdec.ApplicationSubmitted {
		t.Fatalf("after the answer: got places %q, French text %+v, status %q; want the places changed, nothing else", got.Places, got.Texts["fr"], got.Status)
	}
	if h, _ := coopdec.ContentHash(got); h != v.ContentSHA256 {
		t.Fatalf("version 2 hash %s; want the application's %s", v.ContentSHA256, h)
	}
	wantFiles := []coopdec.Attachment{files[0], *signed}
	if cur, _ := e.db.ListAttachments(ctx, a.ID); len(cur) != 2 || cur[0].ID != files[0].ID || cur[1].ID != signed.ID {
		t.Fatalf("after the answer: got files %+v; want the deliberation and the signed budget", cur)
	}
	if pending, _ := e.db.PendingAttachments(ctx, a.ID); len(pending) != 0 {
		t.Fatalf("after the answer: got pending files %+v; want none", pending)
	}
	if len(v.Attachments) != 2 || v.Attachments[0].ID != wantFiles[0].ID || v.Attachments[1].SHA256 != signed.SHA256 {
		t.Fatalf("version 2 files: got %+v; want %+v", v.Attachments, wantFiles)
	}
	if old, err := e.db.Attachment(ctx, a.ID, files[1].ID); err != nil || old.SHA256 != files[1].SHA256 {
		t.Fatalf("replaced file: got %+v, %v; want it still downloadable", old, err)
	}

	versions, err := e.db.ApplicationVersions(ctx, a.ID)
	if err != nil || len(versions) != 2 || versions[0].Number != 1 || versions[1].Number != 2 {
		t.Fatalf("ApplicationVersions: got %d versions, %v; want 1 and 2", len(versions), err)
	}
	if !slices.Equal(versions[0].Application.Places, before.Places) || versions[0].ContentSHA256 != sub.Receipt.ContentSHA256 {
		t.Fatalf("version 1 after the answer: got places %q, hash %s; want it as submitted", versions[0].Application.Places, versions[0].ContentSHA256)
	}
	sv, err := e.db.SubmittedVersion(ctx, sub.Receipt.Number)
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Receipt.Verify(&sv.Application, attachmentHashes(sv.Attachments)); err != nil {
		t.Fatalf("receipt after the answer: got %v; want it still verified", err)
	}
	list, _ := e.db.ListCorrections(ctx, a.ID)
	if c := list[0]; c.Status != coopdec.CorrectionAnswered || c.Answer != "Lieux précisés, budget signé joint." ||
		c.AnsweredBy != e.lyonMember2.ID || c.Version != 2 || !c.AnsweredAt.Equal(e.clock.now) {
		t.Fatalf("got request %+v; want it answered with version 2", c)
	}
	if jobs := e.jobs.committed(t, e.db); !slices.Contains(jobs, "answered 2") {
		t.Fatalf("got jobs %q; want the answer's", jobs)
	}
	wantAudit(t, e.db, coopdec.AuditCorrectionAnswer, applicationSubject(a.ID), e.lyonMember2.ID, 1)
	_, err = answer(e.lyonMember, proposed, "Encore.")
	wantError(t, err, coopdec.ECONFLICT, "", "application.correction.closed")
	// Without an open request, the content stays frozen.
	wantError(t, e.db.AddAttachment(ctx, &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "b.pdf",
		MediaType: "application/pdf", SizeBytes: 1, SHA256: strings.Repeat("f", 64)}, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
}

func TestCorrectionOverdueAndCancelled(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustReady(t, nil)
	e.mustSubmit(t, a.ID, e.clock.now)
	r := e.correctionRequest(a.ID)
	if err := e.db.RequestCorrection(ctx, e.jobs, e.officer, r, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}
	pending := e.attach(t, a.ID, "budget", "budget-signe.pdf", 'e')

	// Cancelled: the files sent for it go.
	if err := e.db.CancelCorrection(ctx, e.jobs, e.officer, a.ID, r.ID, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.db.PendingAttachments(ctx, a.ID); len(got) != 0 {
		t.Fatalf("after cancelling: got pending files %+v; want none", got)
	}
	if _, err := e.db.Attachment(ctx, a.ID, pending.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("cancelled file: got %v; want %s", err, coopdec.ENOTFOUND)
	}
	_, err := e.db.AnswerCorrection(ctx, e.jobs, e.lyonMember, a.ID, r.ID, nil, "Fait.", e.lyonActor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "application.correction.closed")

	// Overdue: the due date itself is still in time.
	r = e.correctionRequest(a.ID)
	if err := e.db.RequestCorrection(ctx, e.jobs, e.officer, r, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}
	e.clock.now = r.DueAt.Add(time.Second)
	_, err = e.db.AnswerCorrection(ctx, e.jobs, e.lyonMember, a.ID, r.ID, nil, "Fait.", e.lyonActor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "application.correction.overdue")
	e.clock.now = r.DueAt
	if _, err := e.db.AnswerCorrection(ctx, e.jobs, e.lyonMember, a.ID, r.ID, nil, "Rien à changer.", e.lyonActor, nil); err != nil {
		t.Fatalf("on the due date: got error %v; want nil", err)
	}
	if vs, _ := e.db.ApplicationVersions(ctx, a.ID); len(vs) != 2 || vs[1].ContentSHA256 != vs[0].ContentSHA256 {
		t.Fatalf("got %d versions; want 2 with the same content", len(vs))
	}
}

func TestWithdrawApplication(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	draft := e.mustCreateApplication(t, e.flowApplication())
	a := e.mustReady(t, nil)
	e.mustSubmit(t, a.ID, e.clock.now)
	r := e.correctionRequest(a.ID)
	if err := e.db.RequestCorrection(ctx, e.jobs, e.officer, r, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}
	e.attach(t, a.ID, "budget", "budget-signe.pdf", 'e')

	// The call's managers are told in the same transaction, of the
	// application as withdrawn.
	withdraw := func(u *coopdec.User, id int64, reason string) error {
		return e.db.WithdrawApplication(ctx, e.jobs, u, id, reason, act(u), func(a *coopdec.Application) []Job {
			return []Job{{Args: testJob{fmt.Sprintf("withdrawn %d %s %s: %s", a.ID, a.Status, a.ReceiptNumber, a.WithdrawalReason)}}}
		})
	}
	wantError(t, withdraw(e.lyonMember, a.ID, "  "), coopdec.EINVALID, "reason", "application.reason.required")
	wantError(t, withdraw(e.lyonMember, a.ID, strings.Repeat("x", 2001)), coopdec.EINVALID, "reason", "application.reason.too_long")
	wantError(t, withdraw(e.officer, a.ID, "Hors délai."), coopdec.EFORBIDDEN, "", "")
	wantError(t, withdraw(e.stEtienneMember, a.ID, "Erreur."), coopdec.EFORBIDDEN, "", "")
	if err := withdraw(e.lyonMember, 999_999, "Erreur."); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("unknown application: got %v; want %s", err, coopdec.ENOTFOUND)
	}
	e.jobs.setFail(fmt.Errorf("queue unavailable"))
	if err := withdraw(e.lyonMember, a.ID, "Erreur."); err == nil {
		t.Fatal("failing queue: got nil; want an error")
	}
	e.jobs.setFail(nil)
	if got := e.mustApplication(t, a.ID); got.Status != coopdec.ApplicationSubmitted {
		t.Fatalf("after refusals: got status %q; want submitted", got.Status)
	}
	if got := e.jobs.committed(t, e.db); slices.ContainsFunc(got, func(j string) bool { return strings.HasPrefix(j, "withdrawn ") }) {
		t.Fatalf("after refusals: got jobs %q; want no withdrawal's", got)
	}

	e.clock.advance(time.Hour)
	if err := withdraw(e.lyonMember2, a.ID, " Le conseil municipal a renoncé. "); err != nil {
		t.Fatalf("WithdrawApplication: got error %v; want nil", err)
	}
	got := e.mustApplication(t, a.ID)
	if got.Status != coopdec.ApplicationWithdrawn || !got.WithdrawnAt.Equal(e.clock.now) || got.WithdrawalReason != "Le conseil municipal a renoncé." ||
		got.SubmittedAt.IsZero() || got.ReceiptNumber == "" {
		t.Fatalf("got %+v; want withdrawn now with its reason, its submission kept", got)
	}
	list, _ := e.db.ListCorrections(ctx, a.ID)
	if len(list) != 1 || list[0].Status != coopdec.CorrectionCancelled {
		t.Fatalf("got requests %+v; want the open one cancelled", list)
	}
	if pending, _ := e.db.PendingAttachments(ctx, a.ID); len(pending) != 0 {
		t.Fatalf("got pending files %+v; want those of the cancelled request dropped", pending)
	}
	wantAudit(t, e.db, coopdec.AuditApplicationWithdraw, applicationSubject(a.ID), e.lyonMember2.ID, 1)
	wantError(t, withdraw(e.lyonMember, a.ID, "Encore."), coopdec.ECONFLICT, "", "application.withdrawn")

	if err := withdraw(e.lyonMember, draft.ID, "Projet abandonné."); err != nil {
		t.Fatalf("draft: got error %v; want nil", err)
	}
	var withdrawals []string
	for _, j := range e.jobs.committed(t, e.db) {
		if strings.HasPrefix(j, "withdrawn ") {
			withdrawals = append(withdrawals, j)
		}
	}
	if want := []string{
		fmt.Sprintf("withdrawn %d withdrawn %s: Le conseil municipal a renoncé.", a.ID, got.ReceiptNumber),
		fmt.Sprintf("withdrawn %d withdrawn : Projet abandonné.", draft.ID),
	}; !slices.Equal(withdrawals, want) {
		t.Fatalf("got withdrawal jobs %q; want %q", withdrawals, want)
	}
	if got := e.mustApplication(t, draft.ID); got.Status != coopdec.ApplicationWithdrawn || !got.SubmittedAt.IsZero() {
		t.Fatalf("got %+v; want the draft withdrawn, never submitted", got)
	}
	edit := e.mustApplication(t, draft.ID)
	wantError(t, e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
}

func TestMessages(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.flowApplication())

	post := func(u *coopdec.User, body string, files ...coopdec.Attachment) (*coopdec.Message, error) {
		m := &coopdec.Message{ApplicationID: a.ID, Body: body, Attachments: files}
		err := e.db.PostMessage(ctx, e.jobs, u, m, act(u), func(m *coopdec.Message, _ *coopdec.Application, _ *coopdec.Call) []Job {
			return []Job{{Args: testJob{fmt.Sprintf("message %d", m.ID)}}}
		})
		return m, err
	}
	// On a draft, only the applicant's team writes.
	for _, u := range []*coopdec.User{e.officer, e.pacaManager, e.moroccoManager, e.stEtienneMember} {
		_, err := post(u, "Bonjour.")
		wantError(t, err, coopdec.ENOTFOUND, "", "application.not_found")
	}
	_, err := post(e.lyonMember, "  ")
	wantError(t, err, coopdec.EINVALID, "body", "application.message.body.required")
	_, err = post(e.lyonMember, "Pièce jointe.", coopdec.Attachment{Name: "x.pdf", MediaType: "pdf", SizeBytes: 1, SHA256: strings.Repeat("1", 64)})
	wantError(t, err, coopdec.EINVALID, "media_type", "attachment.media_type.invalid")
	first, err := post(e.lyonMember, " Question sur le budget. ", coopdec.Attachment{Name: "note.pdf", MediaType: "application/pdf",
		SizeBytes: 2_000, SHA256: strings.Repeat("9", 64)})
	if err != nil {
		t.Fatalf("PostMessage: got error %v; want nil", err)
	}
	if first.Body != "Question sur le budget." || !first.FromApplicant || first.AuthorID != e.lyonMember.ID || first.AuthorName != "Agent de Lyon" {
		t.Fatalf("got %+v; want the trimmed body from the applicant", first)
	}
	// Message files are not the application's.
	if got, _ := e.db.ListAttachments(ctx, a.ID); len(got) != 0 {
		t.Fatalf("ListAttachments: got %+v; want none: the message's file is not a document of the application", got)
	}
	if f, err := e.db.Attachment(ctx, a.ID, first.Attachments[0].ID); err != nil || f.MessageID != first.ID || f.DocumentCode != "message" {
		t.Fatalf("message file: got %+v, %v; want it with its message", f, err)
	}

	e.submit(t, a.ID)
	for _, u := range []*coopdec.User{e.moroccoManager, e.stEtienneMember} {
		_, err := post(u, "Bonjour.")
		wantError(t, err, coopdec.ENOTFOUND, "", "application.not_found")
	}
	e.clock.advance(time.Minute)
	second, err := post(e.officer, "Le budget doit être signé.")
	if err != nil || second.FromApplicant {
		t.Fatalf("officer: got %+v, %v; want a message from the call's side", second, err)
	}
	e.clock.advance(time.Minute)
	third, err := post(e.pacaManager, "Pièces reçues.", coopdec.Attachment{Name: "a.pdf", MediaType: "application/pdf", SizeBytes: 1, SHA256: strings.Repeat("7", 64)},
		coopdec.Attachment{Name: "b.png", MediaType: "image/png", SizeBytes: 1, SHA256: strings.Repeat("8", 64)})
	if err != nil {
		t.Fatalf("co-manager: got error %v; want nil", err)
	}
	if got := e.jobs.committed(t, e.db); len(got) != 3 {
		t.Fatalf("got jobs %q; want one per message", got)
	}

	msgs, page, err := e.db.ListMessages(ctx, a.ID, coopdec.NewPage(1, 2))
	if err != nil || page.Total != 3 || len(msgs) != 2 {
		t.Fatalf("page 1: got %d of %d, %v; want 2 of 3", len(msgs), page.Total, err)
	}
	if msgs[0].ID != first.ID || msgs[1].ID != second.ID || len(msgs[0].Attachments) != 1 || msgs[1].Attachments != nil ||
		!reflect.DeepEqual(msgs[0], *first) {
		t.Fatalf("page 1:\ngot  %+v\nwant %+v then %+v", msgs, *first, *second)
	}
	msgs, _, err = e.db.ListMessages(ctx, a.ID, coopdec.NewPage(2, 2))
	if err != nil || len(msgs) != 1 || msgs[0].ID != third.ID || len(msgs[0].Attachments) != 2 || msgs[0].AuthorName != "Région Sud" {
		t.Fatalf("page 2: got %+v, %v; want the co-manager's message with its 2 files", msgs, err)
	}
	other := e.mustCreateApplication(t, e.flowApplication())
	if msgs, page, err := e.db.ListMessages(ctx, other.ID, coopdec.NewPage(1, 20)); err != nil || len(msgs) != 0 || page.Total != 0 {
		t.Fatalf("other application: got %+v of %d, %v; want none", msgs, page.Total, err)
	}
}

func TestListApplications(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	start := e.clock.now
	senegal := e.fullCall()
	senegal.Reference = "AAP-SN-2025"
	senegal.Texts = map[string]coopdec.CallText{"fr": {Title: "Appel Sénégal", Summary: "Eau et déchets", Body: "…"}}
	senegal.Themes = []string{"water_sanitation"}
	senegal = e.openCall(t, e.mustCreateCall(t, senegal).ID)

	// a: Lyon's, submitted, with messages and an open correction.
	a := e.mustReady(t, nil)
	// b: Lyon's draft, waiting for its partner only.
	e.clock.now = start.Add(time.Minute)
	b := e.flowApplication()
	b.Texts["fr"] = coopdec.ApplicationText{Title: "Énergie solaire à Recife (100 % renouvelable)"}
	b.Themes = []string{"water_sanitation"}
	b = e.mustCreateApplication(t, b)
	e.attach(t, b.ID, "council_deliberation", "d.pdf", 'a')
	e.attach(t, b.ID, "budget", "b.pdf", 'b')
	// c: Saint-Étienne's draft in an excluded country, waiting for its
	// partner too: not eligible whatever the partner says.
	e.clock.now = start.Add(2 * time.Minute)
	c := e.flowApplication()
	c.LeadOrganisationID = e.stEtienne.ID
	c.Partners = c.Partners[1:]
	c.Countries = []string{"MA"}
	c.Texts["fr"] = coopdec.ApplicationText{Title: "Eau et assainissement à Tanger"}
	c = e.mustCreateApplication(t, c)
	e.attach(t, c.ID, "council_deliberation", "d.pdf", 'a')
	e.attach(t, c.ID, "budget", "b.pdf", 'b')
	// d: Saint-Étienne's, submitted to the other call.
	e.clock.now = start.Add(3 * time.Minute)
	d := e.flowApplication()
	d.CallID, d.LeadOrganisationID, d.Partners = senegal.ID, e.stEtienne.ID, d.Partners[1:]
	d.Countries, d.Themes = []string{"SN"}, []string{"water_sanitation"}
	d.Texts = map[string]coopdec.ApplicationText{"fr": {Title: "Déchets à Dakar"}}
	d = e.mustCreateApplication(t, d)
	e.attach(t, d.ID, "council_deliberation", "d.pdf", 'a')
	e.attach(t, d.ID, "budget", "b.pdf", 'b')
	// w: Lyon's draft, withdrawn before its submission.
	e.clock.now = start.Add(4 * time.Minute)
	w := e.mustCreateApplication(t, e.flowApplication())
	if err := e.db.WithdrawApplication(ctx, e.jobs, e.lyonMember, w.ID, "Doublon.", e.lyonActor, nil); err != nil {
		t.Fatal(err)
	}
	e.clock.now = start.Add(5 * time.Minute)
	e.submit(t, d.ID)
	e.clock.now = start.Add(10 * time.Minute)
	sub := e.mustSubmit(t, a.ID, e.clock.now)
	for i, u := range []*coopdec.User{e.lyonMember, e.officer} {
		e.clock.now = start.Add(time.Duration(11+i) * time.Minute)
		if err := e.db.PostMessage(ctx, nil, u, &coopdec.Message{ApplicationID: a.ID, Body: "Message."}, act(u), nil); err != nil {
			t.Fatal(err)
		}
	}
	r := e.correctionRequest(a.ID)
	if err := e.db.RequestCorrection(ctx, nil, e.officer, r, act(e.officer), nil); err != nil {
		t.Fatal(err)
	}

	list := func(f coopdec.ApplicationFilter, page coopdec.Page) ([]coopdec.ApplicationSummary, int) {
		t.Helper()
		got, p, err := e.db.ListApplications(ctx, f, page)
		if err != nil {
			t.Fatalf("ListApplications(%+v): got error %v; want nil", f, err)
		}
		return got, p.Total
	}
	ids := func(list []coopdec.ApplicationSummary) []int64 {
		out := []int64{}
		for _, s := range list {
			out = append(out, s.Application.ID)
		}
		return out
	}
	all := coopdec.NewPage(1, 20)
	for _, tc := range []struct {
		name string
		f    coopdec.ApplicationFilter
		want []int64
	}{
		{"all", coopdec.ApplicationFilter{}, []int64{a.ID, d.ID, w.ID, c.ID, b.ID}},
		{"call", coopdec.ApplicationFilter{CallID: e.call.ID}, []int64{a.ID, w.ID, c.ID, b.ID}},
		{"calls", coopdec.ApplicationFilter{CallIDs: []int64{senegal.ID}}, []int64{d.ID}},
		{"both calls", coopdec.ApplicationFilter{CallIDs: []int64{senegal.ID, e.call.ID}}, []int64{a.ID, d.ID, w.ID, c.ID, b.ID}},
		{"no calls", coopdec.ApplicationFilter{CallIDs: []int64{}}, []int64{}},
		{"call and calls", coopdec.ApplicationFilter{CallID: e.call.ID, CallIDs: []int64{senegal.ID}}, []int64{}},
		{"leads", coopdec.ApplicationFilter{LeadOrganisationIDs: []int64{e.stEtienne.ID}}, []int64{d.ID, c.ID}},
		{"no leads", coopdec.ApplicationFilter{LeadOrganisationIDs: []int64{}}, []int64{}},
		{"drafts", coopdec.ApplicationFilter{Status: coopdec.ApplicationDraft}, []int64{c.ID, b.ID}},
		{"withdrawn", coopdec.ApplicationFilter{Status: coopdec.ApplicationWithdrawn}, []int64{w.ID}},
		{"submitted only", coopdec.ApplicationFilter{SubmittedOnly: true}, []int64{a.ID, d.ID}},
		{"country", coopdec.ApplicationFilter{Country: " ma "}, []int64{c.ID}},
		{"country BR", coopdec.ApplicationFilter{Country: "BR"}, []int64{a.ID, w.ID, b.ID}},
		{"country, no wildcard", coopdec.ApplicationFilter{Country: "%"}, []int64{}},
		{"theme", coopdec.ApplicationFilter{Theme: "Water_Sanitation"}, []int64{d.ID, b.ID}},
		{"eligible", coopdec.ApplicationFilter{Eligible: "yes"}, []int64{a.ID}},
		{"not eligible", coopdec.ApplicationFilter{Eligible: "no"}, []int64{w.ID, c.ID}},
		{"eligibility unknown", coopdec.ApplicationFilter{Eligible: "unknown"}, []int64{d.ID, b.ID}},
		{"title", coopdec.ApplicationFilter{Query: "belo horizonte"}, []int64{a.ID, w.ID}},
		{"title, other case and accents", coopdec.ApplicationFilter{Query: "ÉNERGIE solaire"}, []int64{b.ID}},
		{"title, without accents", coopdec.ApplicationFilter{Query: "dechets"}, []int64{d.ID}},
		{"title, no wildcard", coopdec.ApplicationFilter{Query: "100 %"}, []int64{b.ID}},
		{"punctuation alone", coopdec.ApplicationFilter{Query: "%"}, []int64{}},
		{"receipt number, lower case", coopdec.ApplicationFilter{Query: strings.ToLower(sub.Receipt.Number)}, []int64{a.ID}},
		{"receipt number", coopdec.ApplicationFilter{Query: " " + sub.Receipt.Number + " "}, []int64{a.ID}},
		{"officers' view", coopdec.ApplicationFilter{CallIDs: []int64{e.call.ID}, SubmittedOnly: true, Eligible: "yes", Country: "BR"}, []int64{a.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := list(tc.f, all)
			if !slices.Equal(ids(got), tc.want) || total != len(tc.want) {
				t.Fatalf("got %v of %d; want %v", ids(got), total, tc.want)
			}
		})
	}

	page, total := list(coopdec.ApplicationFilter{}, coopdec.NewPage(2, 2))
	if !slices.Equal(ids(page), []int64{w.ID, c.ID}) || total != 5 {
		t.Fatalf("page 2: got %v of %d; want [%d %d] of 5", ids(page), total, w.ID, c.ID)
	}

	got, _ := list(coopdec.ApplicationFilter{CallID: e.call.ID}, all)
	sa, sb := got[0], got[3]
	if sa.CallReference != "AAP-FR-BR-2025" || sa.LeadName != "Lyon" || !sa.Deadline.Equal(e.deadline) ||
		!reflect.DeepEqual(sa.CallTitles, map[string]string{"fr": "Appel franco-brésilien", "pt": "Chamada franco-brasileira", "en": "Franco-Brazilian call"}) {
		t.Fatalf("got call %q %v, deadline %v, lead %q; want the call's reference, titles and deadline, Lyon", sa.CallReference, sa.CallTitles, sa.Deadline, sa.LeadName)
	}
	if sa.Eligible == nil || !*sa.Eligible || sa.Messages != 2 || !sa.LastMessageAt.Equal(start.Add(12*time.Minute)) || !sa.CorrectionDue.Equal(r.DueAt) {
		t.Fatalf("got eligible %v, %d messages, last %v, correction due %v; want true, 2, %v, %v",
			sa.Eligible, sa.Messages, sa.LastMessageAt, sa.CorrectionDue, start.Add(12*time.Minute), r.DueAt)
	}
	if app := sa.Application; app.ReceiptNumber != sub.Receipt.Number || !app.Partners[1].Confirmed || app.Partners[2].Confirmed ||
		app.Status != coopdec.ApplicationSubmitted || app.Texts["fr"].Title != "Mobilités douces à Belo Horizonte" {
		t.Fatalf("got application %+v; want a as submitted, its partner's confirmation applied", app)
	}
	if sb.Eligible != nil || sb.Messages != 0 || !sb.LastMessageAt.IsZero() || !sb.CorrectionDue.IsZero() || sb.Application.Partners[1].Confirmed {
		t.Fatalf("got b %+v; want no eligibility yet, no message, no correction, the partner unconfirmed", sb)
	}
	got, _ = list(coopdec.ApplicationFilter{CallIDs: []int64{senegal.ID}}, all)
	if s := got[0]; s.CallReference != "AAP-SN-2025" || s.LeadName != "Saint-Étienne" || !reflect.DeepEqual(s.CallTitles, map[string]string{"fr": "Appel Sénégal"}) {
		t.Fatalf("got d %+v; want the Senegal call and Saint-Étienne", s)
	}
}

func TestDraftHoldersAndTeam(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	lyonDraft := e.mustCreateApplication(t, e.flowApplication())
	other := e.flowApplication()
	other.LeadOrganisationID, other.Partners = e.stEtienne.ID, other.Partners[1:]
	stDraft := e.mustCreateApplication(t, other)
	submitted := e.mustReady(t, nil)
	e.mustSubmit(t, submitted.ID, e.clock.now)
	withdrawn := e.mustCreateApplication(t, e.flowApplication())
	if err := e.db.WithdrawApplication(ctx, e.jobs, e.lyonMember, withdrawn.ID, "Doublon.", e.lyonActor, nil); err != nil {
		t.Fatal(err)
	}

	holder := func(u *coopdec.User, appID int64) DraftHolder {
		return DraftHolder{UserID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, ApplicationID: appID}
	}
	got, err := e.db.DraftHolders(ctx, e.call.ID)
	want := []DraftHolder{holder(e.lyonMember, lyonDraft.ID), holder(e.lyonMember2, lyonDraft.ID), holder(e.stEtienneMember, stDraft.ID)}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("DraftHolders:\ngot  %+v, %v\nwant %+v", got, err, want)
	}
	team, err := e.db.ApplicationTeam(ctx, submitted.ID)
	if want := []DraftHolder{holder(e.lyonMember, submitted.ID), holder(e.lyonMember2, submitted.ID)}; err != nil || !reflect.DeepEqual(team, want) {
		t.Fatalf("ApplicationTeam:\ngot  %+v, %v\nwant %+v", team, err, want)
	}

	// Disabled accounts are told nothing.
	exec(t, e.db, `UPDATE users SET disabled_at = $1 WHERE id = $2`, e.db.now(), e.lyonMember2.ID)
	got, _ = e.db.DraftHolders(ctx, e.call.ID)
	if want := []DraftHolder{holder(e.lyonMember, lyonDraft.ID), holder(e.stEtienneMember, stDraft.ID)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("DraftHolders after disabling:\ngot  %+v\nwant %+v", got, want)
	}
	if team, _ := e.db.ApplicationTeam(ctx, submitted.ID); len(team) != 1 || team[0].UserID != e.lyonMember.ID {
		t.Fatalf("ApplicationTeam after disabling: got %+v; want Lyon's remaining member", team)
	}
	if got, err := e.db.DraftHolders(ctx, 999_999); err != nil || len(got) != 0 {
		t.Fatalf("unknown call: got %+v, %v; want none", got, err)
	}
	if got, err := e.db.ApplicationTeam(ctx, 999_999); err != nil || len(got) != 0 {
		t.Fatalf("unknown application: got %+v, %v; want none", got, err)
	}
}

// The eligibility the lists filter on follows the files added and removed,
// through unknown (a partner's answer awaited) and failed (a document
// missing), and stays put when a file changes nothing.
func TestStoredEligibilityFollowsFiles(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.flowApplication())
	want := func(step string, valid, eligible bool) {
		t.Helper()
		if v := storedEligible(t, e.db, a.ID); v.Valid != valid || v.Valid && v.Bool != eligible {
			t.Fatalf("%s: got eligible %v; want valid %v, %v", step, v, valid, eligible)
		}
	}
	e.attach(t, a.ID, "budget", "budget.pdf", 'b')
	want("one document of two", true, false)
	deliberation := e.attach(t, a.ID, "council_deliberation", "deliberation.pdf", 'a')
	want("both documents, a partner's answer awaited", false, false)
	e.attach(t, a.ID, "budget", "budget-annexe.pdf", 'c')
	want("a further file", false, false)
	if err := e.db.DeleteAttachment(ctx, a.ID, deliberation.ID, e.lyonActor); err != nil {
		t.Fatal(err)
	}
	want("the deliberation removed", true, false)
	e.attach(t, a.ID, "council_deliberation", "deliberation.pdf", 'a')
	want("the deliberation back", false, false)
}
