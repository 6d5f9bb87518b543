package sqldb

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// counter returns the last submission number given for a call and year,
// 0 when none was.
func counter(t *testing.T, db *DB, callID int64, year int) int {
	t.Helper()
	return count(t, db, `SELECT COALESCE(MAX(last), 0) FROM receipt_counters WHERE call_id = $1 AND year = $2`, callID, year)
}

// wantDraftUntouched fails unless an application is still the draft it
// was, with nothing of a submission stored.
func (e *flowEnv) wantDraftUntouched(t *testing.T, before *coopdec.Application) {
	t.Helper()
	got := e.mustApplication(t, before.ID)
	if !reflect.DeepEqual(got, before) {
		t.Fatalf("after a refused submission:\ngot  %+v\nwant %+v", got, before)
	}
	if n := count(t, e.db, `SELECT count(*) FROM application_versions WHERE application_id = $1`, before.ID); n != 0 {
		t.Fatalf("after a refused submission: got %d versions; want 0", n)
	}
	if n := count(t, e.db, `SELECT count(*) FROM submission_keys WHERE application_id = $1`, before.ID); n != 0 {
		t.Fatalf("after a refused submission: got %d idempotency keys; want 0", n)
	}
}

func TestSubmitApplication(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustReady(t, nil)
	files, err := e.db.ListAttachments(ctx, a.ID)
	if err != nil || len(files) != 2 {
		t.Fatalf("got files %+v, %v; want 2", files, err)
	}
	at := e.deadline.Add(-90 * time.Minute).Add(456789 * time.Nanosecond)
	e.clock.now = at.Add(10 * time.Millisecond)

	sub, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, at, ""))
	if err != nil {
		t.Fatalf("SubmitApplication: got error %v; want nil", err)
	}
	number := coopdec.ReceiptNumber("AAP-FR-BR-2025", 1, 2025)
	if number != "AAP-FR-BR-2025-2025-000001" {
		t.Fatalf("ReceiptNumber: got %q", number)
	}
	if sub.Replayed || sub.ApplicationID != a.ID || sub.Receipt.Number != number || !sub.Receipt.SubmittedAt.Equal(at.Truncate(time.Second)) {
		t.Fatalf("got %+v; want number %s at %v, not replayed", sub, number, at.Truncate(time.Second))
	}
	if len(sub.Receipt.Attachments) != 2 || sub.Receipt.Attachments[0] != (coopdec.AttachmentHash{Name: "budget.pdf", SHA256: files[1].SHA256}) {
		t.Fatalf("got receipt files %+v; want both files by name", sub.Receipt.Attachments)
	}

	got := e.mustApplication(t, a.ID)
	if got.Status != coopdec.ApplicationSubmitted || !got.SubmittedAt.Equal(at.Truncate(time.Microsecond)) || got.ReceiptNumber != number ||
		got.Version != a.Version+1 || !got.UpdatedAt.Equal(e.clock.now.Truncate(time.Microsecond)) {
		t.Fatalf("got status %q, submitted %v, number %q, version %d, updated %v; want submitted at %v, %s, %d",
			got.Status, got.SubmittedAt, got.ReceiptNumber, got.Version, got.UpdatedAt, at, number, a.Version+1)
	}
	if h, err := coopdec.ContentHash(got); err != nil || h != sub.Receipt.ContentSHA256 {
		t.Fatalf("ContentHash of the stored application: got %s, %v; want the receipt's %s", h, err, sub.Receipt.ContentSHA256)
	}
	if !got.Partners[1].Confirmed {
		t.Fatal("got the partner unconfirmed; want its confirmation kept")
	}

	versions, err := e.db.ApplicationVersions(ctx, a.ID)
	if err != nil || len(versions) != 1 {
		t.Fatalf("ApplicationVersions: got %d, %v; want 1", len(versions), err)
	}
	v := versions[0]
	if v.Number != 1 || v.CorrectionID != 0 || v.AuthorID != e.lyonMember.ID || !v.At.Equal(at.Truncate(time.Microsecond)) ||
		v.ContentSHA256 != sub.Receipt.ContentSHA256 || !reflect.DeepEqual(v.Attachments, files) {
		t.Fatalf("version 1: got %+v; want the submission with its files %+v", v, files)
	}
	if h, _ := coopdec.ContentHash(&v.Application); h != sub.Receipt.ContentSHA256 || v.Application.ReceiptNumber != number {
		t.Fatalf("version 1 content hashes to %s; want %s", h, sub.Receipt.ContentSHA256)
	}
	if one, err := e.db.ApplicationVersion(ctx, a.ID, 1); err != nil || !reflect.DeepEqual(*one, v) {
		t.Fatalf("ApplicationVersion(1): got %+v, %v; want %+v", one, err, v)
	}
	if _, err := e.db.ApplicationVersion(ctx, a.ID, 2); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("ApplicationVersion(2): got %v; want %s", err, coopdec.ENOTFOUND)
	}
	if r, err := e.db.ApplicationReceipt(ctx, a.ID); err != nil || !reflect.DeepEqual(r, sub.Receipt) {
		t.Fatalf("ApplicationReceipt:\ngot  %+v, %v\nwant %+v", r, err, sub.Receipt)
	}
	if r, sv, err := e.db.SubmittedReceipt(ctx, a.ID); err != nil || !reflect.DeepEqual(r, sub.Receipt) || sv == nil || !reflect.DeepEqual(*sv, v) {
		t.Fatalf("SubmittedReceipt:\ngot  %+v, %+v, %v\nwant %+v, %+v", r, sv, err, sub.Receipt, v)
	}

	// Anyone holding the receipt checks it against what is stored.
	sv, err := e.db.SubmittedVersion(ctx, " "+number+" ")
	if err != nil {
		t.Fatalf("SubmittedVersion: got error %v; want nil", err)
	}
	if err := sub.Receipt.Verify(&sv.Application, attachmentHashes(sv.Attachments)); err != nil {
		t.Fatalf("Verify: got %v; want nil", err)
	}
	altered := sv.Application
	altered.Places = append(slices.Clone(altered.Places), "Contagem")
	changedFiles := attachmentHashes(sv.Attachments)
	changedFiles[0].SHA256 = strings.Repeat("f", 64)
	wantKeys(t, sub.Receipt.Verify(&altered, changedFiles), "content:receipt.content.mismatch", "attachments:receipt.attachment.changed")
	if _, err := e.db.SubmittedVersion(ctx, "AAP-FR-BR-2025-2025-000002"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("unknown number: got %v; want %s", err, coopdec.ENOTFOUND)
	}

	if got := e.jobs.committed(t, e.db); !slices.Contains(got, "submitted "+number) {
		t.Fatalf("got jobs %q; want the submission's", got)
	}
	wantAudit(t, e.db, coopdec.AuditApplicationSubmit, applicationSubject(a.ID), e.lyonMember.ID, 1)

	// The content is frozen.
	edit := e.mustApplication(t, a.ID)
	edit.Places = []string{"Ailleurs"}
	wantError(t, e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
	wantError(t, e.db.AddAttachment(ctx, &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "b.pdf",
		MediaType: "application/pdf", SizeBytes: 1, SHA256: strings.Repeat("f", 64)}, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
	wantError(t, e.db.DeleteAttachment(ctx, a.ID, files[0].ID, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
	_, err = e.db.InvitePartner(ctx, e.jobs, a.ID, 0, 2, "ufmg@example.br", "pt", e.lyonActor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "application.not_draft")
	if after := e.mustApplication(t, a.ID); !reflect.DeepEqual(after, got) {
		t.Fatalf("after the refusals:\ngot  %+v\nwant %+v", after, got)
	}

	// The next submission to the call takes the next number.
	b := e.mustReady(t, nil)
	if sub := e.mustSubmit(t, b.ID, at.Add(time.Minute)); sub.Receipt.Number != coopdec.ReceiptNumber("AAP-FR-BR-2025", 2, 2025) {
		t.Fatalf("second submission: got %q; want number 2", sub.Receipt.Number)
	}
}

func TestReceiptNumbersPerCallAndYear(t *testing.T) {
	e := newFlowEnv(t)
	// A call whose deadline falls in the new year: numbers follow the
	// year in Paris, which turns an hour before UTC's in winter.
	winter := e.fullCall()
	winter.Reference = "pact2/nouvel an"
	winter.PublishAt = time.Date(2025, time.November, 1, 0, 0, 0, 0, time.UTC)
	winter.OpensAt = time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC)
	winter.Deadline = time.Date(2026, time.January, 15, 11, 0, 0, 0, time.UTC)
	winter.EvaluationAt = time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)
	winter.ResultsAt = time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)
	winter = e.openCall(t, e.mustCreateCall(t, winter).ID)

	ready := func(callID int64) int64 {
		a := e.flowApplication()
		a.CallID = callID
		return e.mustReady(t, a).ID
	}
	for _, tc := range []struct {
		call int64
		at   time.Time
		want string
	}{
		{winter.ID, time.Date(2025, time.December, 31, 22, 59, 59, 0, time.UTC), "PACT2-NOUVEL-AN-2025-000001"},
		{winter.ID, time.Date(2025, time.December, 31, 23, 0, 0, 0, time.UTC), "PACT2-NOUVEL-AN-2026-000001"},
		{winter.ID, time.Date(2026, time.January, 2, 8, 0, 0, 0, time.UTC), "PACT2-NOUVEL-AN-2026-000002"},
		{e.call.ID, e.deadline.Add(-time.Hour), "AAP-FR-BR-2025-2025-000001"},
		{winter.ID, time.Date(2025, time.December, 30, 8, 0, 0, 0, time.UTC), "PACT2-NOUVEL-AN-2025-000002"},
	} {
		id := ready(tc.call)
		if sub := e.mustSubmit(t, id, tc.at); sub.Receipt.Number != tc.want {
			t.Errorf("submitted at %v: got %q; want %q", tc.at, sub.Receipt.Number, tc.want)
		}
	}
	if n := counter(t, e.db, winter.ID, 2026); n != 2 {
		t.Fatalf("2026 counter: got %d; want 2", n)
	}
}

func TestSubmitIdempotency(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustReady(t, nil)
	b := e.mustReady(t, nil)
	at := e.deadline.Add(-time.Hour)

	first, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, at, "clic-1"))
	if err != nil {
		t.Fatal(err)
	}
	calls := e.jobs.callCount()
	// The retry comes after the deadline: it still gets the receipt.
	again, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, e.deadline.Add(time.Minute), " clic-1 "))
	if err != nil {
		t.Fatalf("retry: got error %v; want nil", err)
	}
	if !again.Replayed || again.ApplicationID != a.ID || !reflect.DeepEqual(again.Receipt, first.Receipt) {
		t.Fatalf("retry: got %+v; want the first receipt %+v, replayed", again, first.Receipt)
	}
	if n := counter(t, e.db, e.call.ID, 2025); n != 1 {
		t.Fatalf("after the retry: got counter %d; want 1", n)
	}
	if e.jobs.callCount() != calls {
		t.Fatal("retry: got jobs enqueued again; want none")
	}
	wantAudit(t, e.db, coopdec.AuditApplicationSubmit, applicationSubject(a.ID), e.lyonMember.ID, 1)

	before := e.mustApplication(t, b.ID)
	_, err = e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(b.ID, at, "clic-1"))
	wantError(t, err, coopdec.ECONFLICT, "idempotency_key", "submission.key_reused")
	e.wantDraftUntouched(t, before)

	// Keys are each user's own.
	req := e.submitRequest(b.ID, at, "clic-1")
	req.User, req.Actor = e.lyonMember2, act(e.lyonMember2)
	if sub, err := e.db.SubmitApplication(ctx, e.jobs, req); err != nil || sub.Replayed || sub.Receipt.Number == first.Receipt.Number {
		t.Fatalf("another user's key: got %+v, %v; want a new submission", sub, err)
	}

	_, err = e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, at, ""))
	wantError(t, err, coopdec.ECONFLICT, "", "application.already_submitted")
	_, err = e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, at, "clic-2"))
	wantError(t, err, coopdec.ECONFLICT, "", "application.already_submitted")

	c := e.mustReady(t, nil)
	before = e.mustApplication(t, c.ID)
	for _, key := range []string{"clé", strings.Repeat("k", 201), "a\tb", "a\nb"} {
		_, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(c.ID, at, key))
		wantError(t, err, coopdec.EINVALID, "idempotency_key", "submission.key_invalid")
	}
	e.wantDraftUntouched(t, before)
	if n := counter(t, e.db, e.call.ID, 2025); n != 2 {
		t.Fatalf("got counter %d; want 2", n)
	}
}

func TestSubmitDeadline(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	a := e.mustReady(t, nil)
	before := e.mustApplication(t, a.ID)

	for _, at := range []time.Time{e.deadline, e.deadline.Add(time.Microsecond), e.deadline.Add(24 * time.Hour)} {
		_, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, at, "k"))
		wantError(t, err, coopdec.ECONFLICT, "", "application.submit.closed")
	}
	_, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, e.call.OpensAt.Add(-time.Second), ""))
	wantError(t, err, coopdec.ECONFLICT, "", "application.submit.not_open")
	e.wantDraftUntouched(t, before)
	if n := counter(t, e.db, e.call.ID, 2025); n != 0 {
		t.Fatalf("after refusals: got counter %d; want 0", n)
	}
	if got := e.jobs.committed(t, e.db); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "submitted") }) {
		t.Fatalf("got jobs %q; want no submission's", got)
	}

	// A nanosecond before the deadline, kept to the microsecond, is in time.
	sub, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(a.ID, e.deadline.Add(-time.Nanosecond), ""))
	if err != nil {
		t.Fatalf("just before the deadline: got error %v; want nil", err)
	}
	if got := e.mustApplication(t, a.ID); !got.SubmittedAt.Before(e.deadline) || got.ReceiptNumber != sub.Receipt.Number {
		t.Fatalf("got submitted at %v, number %q; want before %v", got.SubmittedAt, got.ReceiptNumber, e.deadline)
	}
}

func TestSubmitRefusals(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	at := e.deadline.Add(-time.Hour)

	// Incomplete: the reasons are the form's fields.
	incomplete := e.flowApplication()
	fr := incomplete.Texts["fr"]
	fr.Summary = ""
	incomplete.Texts["fr"] = fr
	incomplete.Activities[1].EndMonth = 30
	incomplete = e.mustReady(t, incomplete)
	_, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(incomplete.ID, at, ""))
	wantKeys(t, err, "texts.fr.summary:application.field.required", "activities.1.end:application.activity.beyond_duration")
	e.wantDraftUntouched(t, incomplete)

	// Ineligible: a document missing, the partner not confirmed yet.
	ineligible := e.mustCreateApplication(t, e.flowApplication())
	e.attach(t, ineligible.ID, "council_deliberation", "deliberation.pdf", 'a')
	ineligible = e.mustApplication(t, ineligible.ID)
	_, err = e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(ineligible.ID, at, "k1"))
	wantKeys(t, err, "partners:eligibility.partner.unconfirmed", "documents:eligibility.documents")
	e.wantDraftUntouched(t, ineligible)

	// Someone else's, or a version other than the one seen.
	ready := e.mustReady(t, nil)
	req := e.submitRequest(ready.ID, at, "")
	req.User, req.Actor = e.stEtienneMember, act(e.stEtienneMember)
	_, err = e.db.SubmitApplication(ctx, e.jobs, req)
	wantError(t, err, coopdec.EFORBIDDEN, "", "")
	req = e.submitRequest(ready.ID, at, "")
	req.User = nil
	_, err = e.db.SubmitApplication(ctx, e.jobs, req)
	wantError(t, err, coopdec.EFORBIDDEN, "", "")
	req = e.submitRequest(ready.ID, at, "")
	req.Version = ready.Version + 1
	_, err = e.db.SubmitApplication(ctx, e.jobs, req)
	wantError(t, err, coopdec.ECONFLICT, "", "application.changed")
	e.wantDraftUntouched(t, ready)
	if _, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(999_999, at, "")); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("unknown application: got %v; want %s", err, coopdec.ENOTFOUND)
	}

	// A queue that fails takes the submission down with it.
	e.jobs.setFail(fmt.Errorf("queue unavailable"))
	if _, err := e.db.SubmitApplication(ctx, e.jobs, e.submitRequest(ready.ID, at, "k2")); err == nil {
		t.Fatal("failing queue: got nil; want an error")
	}
	e.jobs.setFail(nil)
	e.wantDraftUntouched(t, ready)
	if got := e.jobs.committed(t, e.db); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "submitted") }) {
		t.Fatalf("got jobs %q; want none from the failed submission", got)
	}
	if n := counter(t, e.db, e.call.ID, 2025); n != 0 {
		t.Fatalf("after refusals: got counter %d; want 0", n)
	}

	req = e.submitRequest(ready.ID, at, "")
	req.Version = ready.Version
	if _, err := e.db.SubmitApplication(ctx, e.jobs, req); err != nil {
		t.Fatalf("at the version seen: got error %v; want nil", err)
	}
}

func TestSubmitConcurrentSameApplication(t *testing.T) {
	e := newFlowEnv(t)
	a := e.mustReady(t, nil)
	at := e.deadline.Add(-time.Second)

	const clients = 16
	subs := make([]coopdec.Submission, clients)
	errs := make([]error, clients)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			<-start
			subs[i], errs[i] = e.db.SubmitApplication(t.Context(), e.jobs, e.submitRequest(a.ID, at, fmt.Sprintf("client-%d", i)))
		})
	}
	close(start)
	wg.Wait()

	won := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if won >= 0 {
				t.Fatalf("clients %d and %d both submitted; want exactly one", won, i)
			}
			won = i
		case coopdec.ErrorCode(err) != coopdec.ECONFLICT:
			t.Fatalf("client %d: got %v; want nil or %s", i, err, coopdec.ECONFLICT)
		default:
			wantError(t, err, coopdec.ECONFLICT, "", "application.already_submitted")
		}
	}
	if won < 0 {
		t.Fatal("no client submitted; want exactly one")
	}
	if n := counter(t, e.db, e.call.ID, 2025); n != 1 {
		t.Fatalf("got counter %d; want 1", n)
	}
	if n := count(t, e.db, `SELECT count(*) FROM application_versions WHERE application_id = $1`, a.ID); n != 1 {
		t.Fatalf("got %d versions; want 1", n)
	}
	if got := e.jobs.committed(t, e.db); !slices.Equal(got[len(got)-1:], []string{"submitted " + subs[won].Receipt.Number}) ||
		strings.Count(strings.Join(got, "\n"), "submitted") != 1 {
		t.Fatalf("got jobs %q; want one submission's", got)
	}
}

// A double click sends the same key twice at once: both get the receipt.
func TestSubmitConcurrentSameKey(t *testing.T) {
	e := newFlowEnv(t)
	a := e.mustReady(t, nil)
	at := e.deadline.Add(-time.Second)

	const clients = 8
	subs := make([]coopdec.Submission, clients)
	errs := make([]error, clients)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			<-start
			subs[i], errs[i] = e.db.SubmitApplication(t.Context(), e.jobs, e.submitRequest(a.ID, at, "double-clic"))
		})
	}
	close(start)
	wg.Wait()

	fresh := 0
	for i := range clients {
		if errs[i] != nil {
			t.Fatalf("client %d: got error %v; want the receipt", i, errs[i])
		}
		if !subs[i].Replayed {
			fresh++
		}
		if !reflect.DeepEqual(subs[i].Receipt, subs[0].Receipt) {
			t.Fatalf("client %d: got receipt %+v; want %+v", i, subs[i].Receipt, subs[0].Receipt)
		}
	}
	if fresh != 1 {
		t.Fatalf("got %d submissions not replayed; want 1", fresh)
	}
	if n := counter(t, e.db, e.call.ID, 2025); n != 1 {
		t.Fatalf("got counter %d; want 1", n)
	}
}

// siren returns a valid SIREN built on n.
func siren(t *testing.T, n int) string {
	t.Helper()
	for d := range 10 {
		s := fmt.Sprintf("2%07d%d", n, d)
		if coopdec.ValidateSIREN(s) == nil {
			return s
		}
	}
	t.Fatalf("no SIREN for %d", n)
	return ""
}

// Deadline day: submissions from many authorities arrive together, some in
// the last milliseconds, some just after.
func TestSubmitConcurrentDeadline(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	const clients = 50
	secretary := mustCreateUser(t, e.db, "secretariat@example.org", "Secrétariat mutualisé")
	apps := make([]*coopdec.Application, clients)
	for i := range clients {
		lead := mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: fmt.Sprintf("Commune %d", i),
			Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: siren(t, 1000+i), RegionCode: "84"}, e.callEnv.officer.ID)
		e.member(t, secretary.ID, lead.ID)
		a := e.flowApplication()
		a.LeadOrganisationID = lead.ID
		a.Partners[0].OrganisationID, a.Partners[0].Name = lead.ID, lead.Name
		apps[i] = e.mustReady(t, a)
	}
	u, err := e.db.UserByID(ctx, secretary.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Half are received before the deadline, half at or after it.
	ats := make([]time.Time, clients)
	for i := range clients {
		ats[i] = e.deadline.Add(time.Duration(i-clients/2) * time.Millisecond)
	}
	subs := make([]coopdec.Submission, clients)
	errs := make([]error, clients)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			<-start
			req := e.submitRequest(apps[i].ID, ats[i], fmt.Sprintf("k-%d", i))
			req.User, req.Actor = u, act(u)
			subs[i], errs[i] = e.db.SubmitApplication(ctx, e.jobs, req)
		})
	}
	close(start)
	wg.Wait()

	numbers := map[string]int{}
	accepted := 0
	for i := range clients {
		inTime := ats[i].Before(e.deadline)
		if !inTime {
			wantError(t, errs[i], coopdec.ECONFLICT, "", "application.submit.closed")
			if got := e.mustApplication(t, apps[i].ID); got.Status != coopdec.ApplicationDraft || got.ReceiptNumber != "" {
				t.Fatalf("late %d: got status %q, number %q; want a draft", i, got.Status, got.ReceiptNumber)
			}
			continue
		}
		if errs[i] != nil {
			t.Fatalf("in time %d (%v): got error %v; want nil", i, ats[i], errs[i])
		}
		accepted++
		if j, dup := numbers[subs[i].Receipt.Number]; dup {
			t.Fatalf("clients %d and %d: got the same number %s", j, i, subs[i].Receipt.Number)
		}
		numbers[subs[i].Receipt.Number] = i
		sv, err := e.db.SubmittedVersion(ctx, subs[i].Receipt.Number)
		if err != nil || sv.ApplicationID != apps[i].ID {
			t.Fatalf("in time %d: got version %+v, %v; want application %d's", i, sv, err, apps[i].ID)
		}
		if err := subs[i].Receipt.Verify(&sv.Application, attachmentHashes(sv.Attachments)); err != nil {
			t.Fatalf("in time %d: Verify got %v; want nil", i, err)
		}
		if !sv.Application.SubmittedAt.Before(e.deadline) {
			t.Fatalf("in time %d: stored submission time %v; want before %v", i, sv.Application.SubmittedAt, e.deadline)
		}
	}
	if accepted != clients/2 {
		t.Fatalf("got %d accepted; want %d", accepted, clients/2)
	}
	for seq := 1; seq <= accepted; seq++ {
		if _, ok := numbers[coopdec.ReceiptNumber(e.call.Reference, int64(seq), 2025)]; !ok {
			t.Fatalf("got numbers %v; want 1 to %d without a gap", numbers, accepted)
		}
	}
	if n := counter(t, e.db, e.call.ID, 2025); n != accepted {
		t.Fatalf("got counter %d; want %d", n, accepted)
	}
}
