package sqldb

import (
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

func TestSavedSearchLimitsAndOwnership(t *testing.T) {
	db, _ := openClockDB(t)
	ctx := t.Context()
	ana := mustCreateUser(t, db, "ana@example.org", "Ana")
	bob := mustCreateUser(t, db, "bob@example.org", "Bob")
	actor := coopdec.Actor{UserID: ana.ID, IP: "192.0.2.1"}

	for _, tc := range []struct{ name, field string }{{"  ", "name"}, {strings.Repeat("é", 81), "name"}} {
		err := db.CreateSavedSearch(ctx, &SavedSearch{UserID: ana.ID, Name: tc.name, Query: "q=eau"}, actor)
		if coopdec.ErrorCode(err) != coopdec.EINVALID {
			t.Errorf("name %q: got error %v; want EINVALID", tc.name, err)
		}
	}
	first := &SavedSearch{UserID: ana.ID, Name: "  Eau  ", Query: "q=eau&status=open"}
	if err := db.CreateSavedSearch(ctx, first, actor); err != nil {
		t.Fatal(err)
	}
	if first.Name != "Eau" || first.ID == 0 {
		t.Errorf("got %+v; want the name trimmed and an id", first)
	}
	for i := 1; i < MaxSavedSearches; i++ {
		if err := db.CreateSavedSearch(ctx, &SavedSearch{UserID: ana.ID, Name: "n", Query: ""}, actor); err != nil {
			t.Fatalf("search %d: %v", i+1, err)
		}
	}
	if err := db.CreateSavedSearch(ctx, &SavedSearch{UserID: ana.ID, Name: "one too many"}, actor); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("21st search: got error %v; want ECONFLICT", err)
	}
	if err := db.CreateSavedSearch(ctx, &SavedSearch{UserID: bob.ID, Name: "Bob's"}, coopdec.Actor{UserID: bob.ID}); err != nil {
		t.Errorf("another user's first search: got error %v; want nil", err)
	}
	list, err := db.SavedSearches(ctx, ana.ID)
	if err != nil || len(list) != MaxSavedSearches || list[0].Query != "q=eau&status=open" {
		t.Fatalf("got %d searches (err %v); want %d, the first first", len(list), err, MaxSavedSearches)
	}

	if err := db.DeleteSavedSearch(ctx, bob.ID, first.ID, coopdec.Actor{UserID: bob.ID}); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("deleting another user's search: got %v; want ENOTFOUND", err)
	}
	if _, err := db.SavedSearch(ctx, bob.ID, first.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("reading another user's search: got %v; want ENOTFOUND", err)
	}
	if err := db.DeleteSavedSearch(ctx, ana.ID, first.ID, actor); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSavedSearch(ctx, ana.ID, first.ID, actor); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("deleting twice: got %v; want ENOTFOUND", err)
	}
	for _, action := range []string{coopdec.AuditSavedSearchCreate, coopdec.AuditSavedSearchDelete} {
		evs, _, err := db.ListAudit(ctx, AuditFilter{Action: action, ActorID: ana.ID}, coopdec.NewPage(1, 100))
		if err != nil || len(evs) == 0 {
			t.Errorf("audit %s: got %d events (err %v); want some", action, len(evs), err)
		}
	}
}

func TestSavedSearchDigestClaimAndUnsubscribe(t *testing.T) {
	db, clk := openClockDB(t)
	ctx := t.Context()
	ana := mustCreateUser(t, db, "ana@example.org", "Ana")
	s := &SavedSearch{UserID: ana.ID, Name: "Eau", Query: "q=eau"}
	if err := db.CreateSavedSearch(ctx, s, coopdec.Actor{UserID: ana.ID}); err != nil {
		t.Fatal(err)
	}
	due := func() int {
		t.Helper()
		d, err := db.SavedSearchesDue(ctx, clk.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(d) > 0 && (d[0].Email != "ana@example.org" || !d[0].Since().Equal(s.CreatedAt)) {
			t.Errorf("got %+v; want Ana's search, new since its creation", d[0])
		}
		return len(d)
	}
	if n := due(); n != 1 {
		t.Fatalf("new search: got %d due; want 1", n)
	}
	tokens, err := db.ClaimDigest(ctx, []int64{s.ID}, clk.now)
	if err != nil || tokens[s.ID] == "" {
		t.Fatalf("ClaimDigest: got %v (err %v); want a token", tokens, err)
	}
	// A second run the same day claims nothing.
	if again, err := db.ClaimDigest(ctx, []int64{s.ID}, clk.now.Add(time.Minute)); err != nil || len(again) != 0 {
		t.Errorf("second claim: got %v (err %v); want nothing", again, err)
	}
	if n := due(); n != 0 {
		t.Errorf("just sent: got %d due; want 0", n)
	}
	clk.advance(24 * time.Hour)
	if d, _ := db.SavedSearchesDue(ctx, clk.now); len(d) != 1 || d[0].LastSentAt == nil {
		t.Fatalf("a day later: got %+v; want the search due, last sent a day ago", d)
	}
	// Released when the email fails: due again, since its old time.
	second, err := db.ClaimDigest(ctx, []int64{s.ID}, clk.now)
	if err != nil || second[s.ID] == "" {
		t.Fatal(err)
	}
	if err := db.ReleaseDigest(ctx, map[int64]*time.Time{s.ID: nil}); err != nil {
		t.Fatal(err)
	}
	if n := due(); n != 1 {
		t.Errorf("released: got %d due; want 1", n)
	}

	if _, err := db.UnsubscribeSavedSearch(ctx, "not-a-token", coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("unknown token: got %v; want ENOTFOUND", err)
	}
	got, err := db.SavedSearchByUnsubscribeToken(ctx, tokens[s.ID])
	if err != nil || got.ID != s.ID {
		t.Fatalf("the first digest's link: got %+v (err %v); want the search", got, err)
	}
	for i := range 2 { // a second click succeeds and changes nothing
		got, err := db.UnsubscribeSavedSearch(ctx, tokens[s.ID], coopdec.Actor{IP: "192.0.2.7"})
		if err != nil || got.UnsubscribedAt == nil {
			t.Fatalf("click %d: got %+v (err %v); want unsubscribed", i+1, got, err)
		}
	}
	if n := due(); n != 0 {
		t.Errorf("unsubscribed: got %d due; want 0", n)
	}
	if c, err := db.ClaimDigest(ctx, []int64{s.ID}, clk.now); err != nil || len(c) != 0 {
		t.Errorf("claim after unsubscribing: got %v (err %v); want nothing", c, err)
	}
	evs, _, err := db.ListAudit(ctx, AuditFilter{Action: coopdec.AuditSavedSearchUnsubscribe}, coopdec.NewPage(1, 10))
	if err != nil || len(evs) != 1 || evs[0].ActorID != ana.ID {
		t.Errorf("unsubscribe audit: got %+v (err %v); want one event for Ana", evs, err)
	}
	clk.advance(unsubscribeTokenValidity)
	if _, err := db.SavedSearchByUnsubscribeToken(ctx, tokens[s.ID]); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("a year-old link: got %v; want ENOTFOUND", err)
	}
}
