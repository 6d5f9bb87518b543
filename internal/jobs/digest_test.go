package jobs

import (
	"database/sql"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// queryFilter reads the q and theme of a query string, standing in for
// web.SavedSearchFilter, which this package cannot import.
func queryFilter(query string) (sqldb.CallFilter, error) {
	q, err := url.ParseQuery(query)
	if err != nil {
		return sqldb.CallFilter{}, err
	}
	return sqldb.CallFilter{Query: q.Get("q"), Themes: q["theme"]}, nil
}

var unsubscribeRE = regexp.MustCompile(`https://coopdec\.example/recherches/desinscription/([A-Za-z0-9_-]+)`)

func TestDailyAtParis(t *testing.T) {
	s := dailyAt{hour: 7, loc: paris}
	for _, tc := range []struct{ now, want string }{
		{"2026-01-15T05:59:00Z", "2026-01-15T06:00:00Z"}, // winter: 07:00 is 06:00 UTC
		{"2026-01-15T06:00:00Z", "2026-01-16T06:00:00Z"},
		{"2026-07-15T04:00:00Z", "2026-07-15T05:00:00Z"}, // summer: 05:00 UTC
		{"2026-03-28T06:30:00Z", "2026-03-29T05:00:00Z"}, // over the change to summer time
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		want, _ := time.Parse(time.RFC3339, tc.want)
		if got := s.Next(now); !got.Equal(want) {
			t.Errorf("Next(%s) = %s; want %s", tc.now, got.UTC().Format(time.RFC3339), tc.want)
		}
	}
}

// TestDigest saves searches, publishes calls and runs the digest day after
// day: one email per person with the new public calls only, nothing on a
// second run, nothing after unsubscribing.
func TestDigest(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC) // 07:00 in Paris
	now := t0
	db.Now = func() time.Time { return now }
	rec := &mail.Recorder{}
	w, err := newDigestWorker(db, testLogger(t), DigestOptions{Mail: rec, BaseURL: "https://coopdec.example/", Filter: queryFilter})
	if err != nil {
		t.Fatal(err)
	}
	run := func() DigestReport {
		t.Helper()
		rep, err := w.run(ctx)
		if err != nil {
			t.Fatalf("digest: got error %v; want nil", err)
		}
		return rep
	}

	officer := &coopdec.User{Email: "officer@example.org", Name: "Officer", PasswordHash: "x", Roles: []coopdec.Role{coopdec.RoleOfficer}}
	ana := &coopdec.User{Email: "ana@example.org", Name: "Ana", Language: "en", PasswordHash: "x"}
	bob := &coopdec.User{Email: "bob@example.org", Name: "Bob", PasswordHash: "x"}
	for _, u := range []*coopdec.User{officer, ana, bob} {
		if err := db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	prog := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "PACT2"}}
	if err := db.CreateProgramme(ctx, prog, coopdec.Actor{UserID: officer.ID}); err != nil {
		t.Fatal(err)
	}
	n := 0
	call := func(title, en string, status coopdec.CallStatus, publish time.Time) *coopdec.Call {
		t.Helper()
		n++
		texts := map[string]coopdec.CallText{"fr": {Title: title, Summary: "Appel de test"}}
		if en != "" {
			texts["en"] = coopdec.CallText{Title: en}
		}
		c := &coopdec.Call{ProgrammeID: prog.ID, Reference: "AAP-" + strconv.Itoa(n), Texts: texts, Status: status,
			Rules: coopdec.EligibilityRules{Countries: []string{}}, PublishAt: publish, OpensAt: publish.Add(time.Hour),
			Deadline: time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC), EvaluationAt: time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC),
			ResultsAt: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}
		if err := db.CreateCall(ctx, c, coopdec.Actor{UserID: officer.ID}); err != nil {
			t.Fatalf("CreateCall %s: %v", title, err)
		}
		return c
	}
	old := call("Eau potable, appel ancien", "", coopdec.CallPublished, t0.Add(-2*time.Hour))

	for _, u := range []*coopdec.User{ana, bob} {
		if err := db.CreateSavedSearch(ctx, &sqldb.SavedSearch{UserID: u.ID, Name: "Eau", Query: "q=eau"}, coopdec.Actor{UserID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if rep := run(); rep.Emails != 0 || len(rec.Messages()) != 0 {
		t.Fatalf("nothing published since saving: got %+v, %d emails; want none", rep, len(rec.Messages()))
	}

	now = t0.Add(3 * time.Hour)
	fresh := call("Eau et assainissement au Sénégal", "Water and sanitation in Senegal", coopdec.CallPublished, now.Add(-time.Hour))
	draft := call("Eau, brouillon", "", coopdec.CallDraft, now.Add(-time.Hour))
	later := call("Eau des villes, à paraître", "", coopdec.CallPublished, t0.Add(50*time.Hour))
	other := call("Énergie solaire", "", coopdec.CallPublished, now.Add(-time.Hour))

	now = t0.Add(24 * time.Hour)
	if rep := run(); rep.Emails != 2 || rep.Calls != 2 {
		t.Fatalf("next morning: got %+v; want 2 emails of 1 call", rep)
	}
	msgs := rec.Messages()
	byTo := map[string]mail.Message{}
	for _, m := range msgs {
		byTo[m.To] = m
	}
	if len(msgs) != 2 || len(byTo) != 2 {
		t.Fatalf("got %d emails to %d people; want one each to Ana and Bob", len(msgs), len(byTo))
	}
	am := byTo["ana@example.org"]
	for _, want := range []string{"Water and sanitation in Senegal", "https://coopdec.example/appels/" + strconv.FormatInt(fresh.ID, 10),
		"30/06/2026 12:00", "https://coopdec.example/recherches\n", "“Eau”"} {
		if !strings.Contains(am.Text, want) {
			t.Errorf("Ana's email lacks %q:\n%s", want, am.Text)
		}
	}
	if !strings.HasPrefix(am.Subject, "New calls") {
		t.Errorf("Ana's subject: got %q; want it in English", am.Subject)
	}
	if bm := byTo["bob@example.org"]; !strings.Contains(bm.Text, "Eau et assainissement au Sénégal") || !strings.Contains(bm.Subject, "Nouveaux appels") {
		t.Errorf("Bob's email: got %q\n%s\nwant the French title and subject", bm.Subject, bm.Text)
	}
	for _, m := range msgs {
		for _, c := range []*coopdec.Call{old, draft, later, other} {
			if strings.Contains(m.Text, "/appels/"+strconv.FormatInt(c.ID, 10)+"\n") {
				t.Errorf("email to %s lists call %q; want only the new public call", m.To, c.Texts["fr"].Title)
			}
		}
		if !unsubscribeRE.MatchString(m.Text) {
			t.Errorf("email to %s has no unsubscribe link:\n%s", m.To, m.Text)
		}
	}

	rec.Reset()
	now = now.Add(time.Minute)
	if rep := run(); rep.Emails != 0 || len(rec.Messages()) != 0 {
		t.Fatalf("second run: got %+v; want no email", rep)
	}

	token := unsubscribeRE.FindStringSubmatch(byTo["bob@example.org"].Text)[1]
	if _, err := db.UnsubscribeSavedSearch(ctx, token, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	// Two days on, the call announced for later is public: Ana hears of it
	// once, through the queue this time; Bob, unsubscribed, not at all.
	now = t0.Add(72 * time.Hour)
	// The runner's base URL reaches the digest, which has none of its own.
	r := newTestRunner(t, db, Options{BaseURL: "https://coopdec.example", Digest: DigestOptions{Mail: rec, Filter: queryFilter}}, newProbeWorker(db))
	events := subscribe(t, r)
	start(t, r)
	if err := db.TxWithJobs(ctx, r, func(_ *sql.Tx, enqueue func(...sqldb.Job) error) error {
		return enqueue(sqldb.Job{Args: DigestArgs{}})
	}); err != nil {
		t.Fatal(err)
	}
	waitCompleted(t, events, DigestArgs{}.Kind(), 1)
	msgs = rec.Messages()
	if len(msgs) != 1 || msgs[0].To != "ana@example.org" || !strings.Contains(msgs[0].Text, "https://coopdec.example/appels/"+strconv.FormatInt(later.ID, 10)+"\n") ||
		strings.Contains(msgs[0].Text, "/appels/"+strconv.FormatInt(fresh.ID, 10)+"\n") {
		t.Fatalf("third morning: got %+v; want one email to Ana with only the call published since", msgs)
	}
}

// TestDigestLatePublication: a draft dated last week and published today is
// new to the next digest, although its publication date is older than the
// last one.
func TestDigestLatePublication(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	now := t0
	db.Now = func() time.Time { return now }
	rec := &mail.Recorder{}
	w, err := newDigestWorker(db, testLogger(t), DigestOptions{Mail: rec, BaseURL: "https://coopdec.example", Filter: queryFilter})
	if err != nil {
		t.Fatal(err)
	}
	officer := &coopdec.User{Email: "officer@example.org", Name: "Officer", PasswordHash: "x", Roles: []coopdec.Role{coopdec.RoleOfficer}}
	ana := &coopdec.User{Email: "ana@example.org", Name: "Ana", PasswordHash: "x"}
	for _, u := range []*coopdec.User{officer, ana} {
		if err := db.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	actor := coopdec.Actor{UserID: officer.ID}
	prog := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "PACT2"}}
	if err := db.CreateProgramme(ctx, prog, actor); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSavedSearch(ctx, &sqldb.SavedSearch{UserID: ana.ID, Name: "Eau", Query: "q=eau"}, coopdec.Actor{UserID: ana.ID}); err != nil {
		t.Fatal(err)
	}
	lastWeek := t0.Add(-7 * 24 * time.Hour)
	c := &coopdec.Call{ProgrammeID: prog.ID, Reference: "AAP-EAU", Status: coopdec.CallDraft,
		Texts:     map[string]coopdec.CallText{"fr": {Title: "Eau et assainissement"}},
		PublishAt: lastWeek, OpensAt: t0.Add(24 * time.Hour), Deadline: time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC)}
	if err := db.CreateCall(ctx, c, actor); err != nil {
		t.Fatal(err)
	}
	published := &coopdec.Call{ProgrammeID: prog.ID, Reference: "AAP-EAU-2", Status: coopdec.CallPublished,
		Texts:     map[string]coopdec.CallText{"fr": {Title: "Eau potable"}},
		PublishAt: lastWeek, OpensAt: t0.Add(24 * time.Hour), Deadline: time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC)}
	now = t0.Add(time.Hour)
	if err := db.CreateCall(ctx, published, actor); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(24 * time.Hour)
	if rep, err := w.run(ctx); err != nil || rep.Emails != 1 || rep.Calls != 1 {
		t.Fatalf("first morning: got %+v, %v; want one email with the call published yesterday", rep, err)
	}

	now = t0.Add(30 * time.Hour)
	if err := db.SetCallStatus(ctx, c.ID, coopdec.CallDraft, coopdec.CallPublished, actor); err != nil {
		t.Fatal(err)
	}
	rec.Reset()
	now = t0.Add(48 * time.Hour)
	if rep, err := w.run(ctx); err != nil || rep.Emails != 1 || rep.Calls != 1 {
		t.Fatalf("next morning: got %+v, %v; want one email with the call published late", rep, err)
	}
	msgs := rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "/appels/"+strconv.FormatInt(c.ID, 10)+"\n") {
		t.Fatalf("next morning: got %+v; want the call published late, dated last week", msgs)
	}
}
