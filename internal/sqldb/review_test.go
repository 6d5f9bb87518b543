package sqldb

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// finalDecision stores and approves a decision with one grant and one
// rejected application of Lyon's; it returns the decision and the
// rejected application.
func (e *decisionEnv) finalDecision(t *testing.T, notices *[]*DecisionNotice) (*coopdec.Decision, *coopdec.Application) {
	t.Helper()
	d := e.decision(t, 10_000_000)
	rejected := e.mustCreateApplication(t, e.fullApplication())
	d.Entries = append(d.Entries, coopdec.DecisionEntry{ApplicationID: rejected.ID, Rank: 2, List: coopdec.ListRejected})
	d2 := &coopdec.Decision{CallID: e.call.ID, Entries: d.Entries}
	if err := e.db.CreateDecision(t.Context(), d2, e.actor); err != nil {
		t.Fatal(err)
	}
	notify := func(n *DecisionNotice) []Job {
		*notices = append(*notices, n)
		return nil
	}
	for _, a := range []struct {
		u *coopdec.User
		p coopdec.Party
	}{{e.officer, coopdec.MinistryParty}, {e.pacaManager, coopdec.Party(e.paca.ID)}, {e.brazilManager, coopdec.Party(e.brazil.ID)}} {
		if _, err := e.db.RecordApprovalNotify(t.Context(), nil, a.u, d2.ID, &coopdec.Approval{Party: a.p, Approved: true}, act(a.u), notify); err != nil {
			t.Fatalf("RecordApprovalNotify: got error %v; want nil", err)
		}
	}
	return d2, rejected
}

func TestDecisionPublishedWhenFinal(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	if _, _, err := e.db.PublishedDecision(t.Context(), e.call.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("PublishedDecision before any: got %v; want ENOTFOUND", err)
	}
	var notices []*DecisionNotice
	d, rejected := e.finalDecision(t, &notices)
	if len(notices) != 1 || len(notices[0].Items) != 2 || notices[0].Items[1].Application.ID != rejected.ID {
		t.Fatalf("got notices %+v; want one, with both applications", notices)
	}
	if n := notices[0]; n.PublishedAt.IsZero() || len(n.Items[0].Team) != 0 {
		t.Errorf("got notice %+v; want its publication time and no team (Lyon has no member)", n)
	}
	got, at, err := e.db.PublishedDecision(t.Context(), e.call.ID)
	if err != nil || got.ID != d.ID || !at.Equal(t0) {
		t.Fatalf("PublishedDecision: got %v, %v, %v; want decision %d at %v", got, at, err, d.ID, t0)
	}
	// Kept decoded, and read again once its version changes.
	if again, _, err := e.db.PublishedDecision(t.Context(), e.call.ID); err != nil || again.ID != d.ID || len(again.Entries) != len(got.Entries) {
		t.Fatalf("PublishedDecision again: got %+v, %v", again, err)
	}
	fewer, err := json.Marshal(got.Entries[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.write.ExecContext(t.Context(), `UPDATE decisions SET version = version + 1, entries = $1 WHERE id = $2`,
		string(fewer), d.ID); err != nil {
		t.Fatal(err)
	}
	if changed, _, err := e.db.PublishedDecision(t.Context(), e.call.ID); err != nil || len(changed.Entries) != 1 || changed.Version != got.Version+1 {
		t.Fatalf("PublishedDecision after a new version: got %+v, %v; want its one entry", changed, err)
	}
	all, err := json.Marshal(got.Entries)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.write.ExecContext(t.Context(), `UPDATE decisions SET version = version + 1, entries = $1 WHERE id = $2`,
		string(all), d.ID); err != nil {
		t.Fatal(err)
	}
	res, err := e.db.ApplicationResult(t.Context(), rejected.ID)
	if err != nil || res == nil || res.Entry.List != coopdec.ListRejected || res.DecisionID != d.ID {
		t.Fatalf("ApplicationResult: got %+v, %v; want rejected by decision %d", res, err, d.ID)
	}
	wantAudit(t, e.db, coopdec.AuditDecisionPublish, decisionSubject(d.ID), e.brazilManager.ID, 1)
	list, err := e.db.ListDecisions(t.Context(), e.call.ID)
	if err != nil || len(list) != 2 || list[0].ID != d.ID || list[0].Status != coopdec.DecisionFinal || list[0].PublishedAt.IsZero() ||
		list[1].Status != coopdec.DecisionPending || !list[1].PublishedAt.IsZero() {
		t.Fatalf("ListDecisions: got %+v, %v; want the final one first, then the pending one", list, err)
	}
	entries, page, err := e.db.LedgerPage(t.Context(), e.call.ID, e.brazil.ID, coopdec.NewPage(1, 20))
	if err != nil || page.Total != 1 || len(entries) != 1 || entries[0].AmountCents != 4_000_000 {
		t.Fatalf("LedgerPage for Brazil: got %+v, %+v, %v; want its one commitment of 40 000 €", entries, page, err)
	}
	calls, page, err := e.db.FundedCalls(t.Context(), e.brazil.ID, coopdec.NewPage(1, 20))
	if err != nil || page.Total != 1 || len(calls) != 1 || calls[0].ID != e.call.ID {
		t.Fatalf("FundedCalls: got %d calls, %+v, %v; want the call", len(calls), page, err)
	}
}

func TestReviewRequestAndOutcome(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	var notices []*DecisionNotice
	_, rejected := e.finalDecision(t, &notices)
	lyonUser := e.user(t, e.lyonActor.UserID, e.lyon.ID)

	// Someone outside Lyon may not ask.
	err := e.db.RequestReview(t.Context(), nil, e.pacaManager, &coopdec.ReviewRequest{ApplicationID: rejected.ID, Reason: "Non."}, act(e.pacaManager), nil)
	wantError(t, err, coopdec.EFORBIDDEN, "", "error.forbidden")
	// A reason is needed.
	err = e.db.RequestReview(t.Context(), nil, lyonUser, &coopdec.ReviewRequest{ApplicationID: rejected.ID, Reason: "  "}, e.lyonActor, nil)
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("empty reason: got %v; want EINVALID", err)
	}

	e.clock.advance(29 * 24 * time.Hour)
	r := &coopdec.ReviewRequest{ApplicationID: rejected.ID, Reason: "  La note de pertinence ignore notre diagnostic.  "}
	var notified int
	if err := e.db.RequestReview(t.Context(), nil, lyonUser, r, e.lyonActor, func(*coopdec.ReviewRequest, *coopdec.Application) []Job {
		notified++
		return nil
	}); err != nil {
		t.Fatalf("RequestReview: got error %v; want nil", err)
	}
	if r.ID == 0 || r.Reason != "La note de pertinence ignore notre diagnostic." || notified != 1 {
		t.Fatalf("got %+v (notified %d); want stored with its reason trimmed", r, notified)
	}
	err = e.db.RequestReview(t.Context(), nil, lyonUser, &coopdec.ReviewRequest{ApplicationID: rejected.ID, Reason: "Encore."}, e.lyonActor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "review.already")
	wantAudit(t, e.db, coopdec.AuditReviewRequest, reviewSubject(r.ID), lyonUser.ID, 1)

	list, page, err := e.db.ListReviews(t.Context(), ReviewFilter{CallID: e.call.ID, Pending: true}, coopdec.NewPage(1, 20))
	if err != nil || page.Total != 1 || list[0].ID != r.ID {
		t.Fatalf("ListReviews: got %+v, %+v, %v; want the request", list, page, err)
	}

	// Only the call's managers answer, once, with a comment.
	if _, err := e.db.DecideReview(t.Context(), nil, lyonUser, r.ID, coopdec.ReviewUpheld, "Non.", e.lyonActor, nil); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Fatalf("outcome by the applicant: got %v; want EFORBIDDEN", err)
	}
	if _, err := e.db.DecideReview(t.Context(), nil, e.officer, r.ID, "maybe", "", e.actor, nil); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("bad outcome: got %v; want EINVALID", err)
	}
	got, err := e.db.DecideReview(t.Context(), nil, e.officer, r.ID, coopdec.ReviewUpheld, "Le diagnostic a été lu ; la note est maintenue.", e.actor, nil)
	if err != nil || got.Outcome != coopdec.ReviewUpheld || got.DecidedBy != e.officer.ID {
		t.Fatalf("DecideReview: got %+v, %v; want upheld by the officer", got, err)
	}
	_, err = e.db.DecideReview(t.Context(), nil, e.officer, r.ID, coopdec.ReviewRevised, "Finalement.", e.actor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "review.decided")
	wantAudit(t, e.db, coopdec.AuditReviewOutcome, reviewSubject(r.ID), e.officer.ID, 1)
	stored, err := e.db.ApplicationReviews(t.Context(), rejected.ID)
	if err != nil || len(stored) != 1 || stored[0].Reason != r.Reason || stored[0].Outcome != coopdec.ReviewUpheld {
		t.Fatalf("ApplicationReviews: got %+v, %v; want the request with its outcome", stored, err)
	}
	// Requests and outcomes are never rewritten.
	if _, err := e.db.write.ExecContext(t.Context(), `UPDATE review_requests SET reason = 'x'`); err == nil {
		t.Error("updating a review request: got nil; want an error")
	}
	if _, err := e.db.write.ExecContext(t.Context(), `DELETE FROM review_outcomes`); err == nil {
		t.Error("deleting an outcome: got nil; want an error")
	}
}

func TestReviewRequestTooLate(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	var notices []*DecisionNotice
	d, rejected := e.finalDecision(t, &notices)
	lyonUser := e.user(t, e.lyonActor.UserID, e.lyon.ID)
	e.clock.advance(coopdec.ReviewWindow + time.Second)
	err := e.db.RequestReview(t.Context(), nil, lyonUser, &coopdec.ReviewRequest{ApplicationID: rejected.ID, Reason: "Trop tard ?"}, e.lyonActor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "review.too_late")
	// A selected application cannot be reviewed.
	err = e.db.RequestReview(t.Context(), nil, lyonUser, &coopdec.ReviewRequest{ApplicationID: d.Entries[0].ApplicationID, Reason: "Plus ?"}, e.lyonActor, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "review.not_rejected")
}
