package sqldb

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// TestPublicState: a change to the public data raises the version in its
// own transaction, a change elsewhere does not; the calls' dates come back
// sorted with the labels' expiries.
func TestPublicState(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	state := func() *PublicState {
		t.Helper()
		s, err := e.db.PublicState(ctx)
		if err != nil {
			t.Fatalf("PublicState: %v", err)
		}
		return s
	}
	s0 := state()
	if again := state(); again != s0 {
		t.Error("same versions: the state is read again rather than kept")
	}

	mustCreateUser(t, e.db, "reader@example.org", "Reader")
	if _, err := e.db.CreateSession(ctx, e.officer.ID, "", "192.0.2.1", "test"); err != nil {
		t.Fatal(err)
	}
	if s := state(); s.Version != s0.Version || s.Projects != s0.Projects {
		t.Errorf("a user and a session raised the public version: %d → %d", s0.Version, s.Version)
	}

	c := e.mustCreateCall(t, e.fullCall())
	s1 := state()
	if s1.Version <= s0.Version {
		t.Fatalf("a new call left the public version at %d", s1.Version)
	}
	want := []time.Time{c.PublishAt, c.OpensAt, c.Deadline, c.EvaluationAt, c.ResultsAt}
	if len(s1.Instants) != len(want) || len(s1.Deadlines) != 1 || !s1.Deadlines[0].Equal(c.Deadline) {
		t.Fatalf("instants %v, deadlines %v; want %v and the deadline", s1.Instants, s1.Deadlines, want)
	}
	for i, w := range want {
		if !s1.Instants[i].Equal(w) {
			t.Errorf("instant %d: %v; want %v", i, s1.Instants[i], w)
		}
	}
	if got := s1.NextInstant(c.OpensAt); !got.Equal(c.Deadline) {
		t.Errorf("NextInstant(opening) = %v; want the deadline %v", got, c.Deadline)
	}
	if got := s1.NextInstant(c.OpensAt.Add(-time.Nanosecond)); !got.Equal(c.OpensAt) {
		t.Errorf("NextInstant(just before the opening) = %v; want the opening %v", got, c.OpensAt)
	}
	if got := s1.NextInstant(c.ResultsAt); !got.IsZero() {
		t.Errorf("NextInstant(last date) = %v; want none", got)
	}

	if err := e.db.SetCallStatus(ctx, c.ID, coopdec.CallDraft, coopdec.CallPublished, e.actor); err != nil {
		t.Fatal(err)
	}
	s2 := state()
	if s2.Version <= s1.Version {
		t.Errorf("publishing a call left the public version at %d", s2.Version)
	}
	mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", RegionCode: "84"}, e.officer.ID)
	if s := state(); s.Version <= s2.Version {
		t.Errorf("a new authority left the public version at %d", s.Version)
	}
}

// TestCallKept: a call read by ID is kept by the public version; each
// reader gets its own copy, and a change is read at once.
func TestCallKept(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	c := e.mustCreateCall(t, e.fullCall())
	listed := func() string {
		t.Helper()
		list, _, err := e.db.SearchCalls(t.Context(), CallFilter{IncludeDraftsFor: &DraftAccess{All: true}}, coopdec.NewPage(1, 10))
		if err != nil || len(list) != 1 {
			t.Fatalf("SearchCalls: %v, %v", list, err)
		}
		list[0].Texts["fr"] = coopdec.CallText{Title: "changed by a reader of the list"}
		return list[0].Texts["fr"].Title
	}
	listed()
	first := e.mustCall(t, c.ID)
	first.Texts["fr"] = coopdec.CallText{Title: "changed by a reader"}
	first.Themes[0] = "changed"
	second := e.mustCall(t, c.ID)
	if second.Texts["fr"].Title != "Appel franco-brésilien" || second.Themes[0] != "urban_development" {
		t.Fatalf("a reader's change reached the next reader: %q, %v", second.Texts["fr"].Title, second.Themes)
	}
	second.Texts = map[string]coopdec.CallText{"fr": {Title: "Appel franco-brésilien révisé"}}
	if err := e.db.UpdateCall(t.Context(), second, e.actor, ""); err != nil {
		t.Fatal(err)
	}
	if got := e.mustCall(t, c.ID); got.Texts["fr"].Title != "Appel franco-brésilien révisé" {
		t.Errorf("after the update: title %q", got.Texts["fr"].Title)
	}
	list, _, err := e.db.SearchCalls(t.Context(), CallFilter{IncludeDraftsFor: &DraftAccess{All: true}}, coopdec.NewPage(1, 10))
	if err != nil || len(list) != 1 || list[0].Texts["fr"].Title != "Appel franco-brésilien révisé" {
		t.Errorf("search after the update: %+v, %v", list, err)
	}
}

// TestCallKeptNotInOwnTransaction: a transaction that changed a call reads
// its own change, not the call kept; a rollback leaves the kept call right.
func TestCallKeptNotInOwnTransaction(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	c := e.mustCreateCall(t, e.fullCall())
	e.mustCall(t, c.ID) // kept
	errRollback := errors.New("rollback")
	err := e.db.tx(t.Context(), func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(t.Context(), `UPDATE call_texts SET title = 'Titre en cours' WHERE call_id = $1 AND lang = 'fr'`, c.ID); err != nil {
			return err
		}
		got, err := e.db.loadCall(t.Context(), tx, c.ID, false)
		if err != nil {
			return err
		}
		if got.Texts["fr"].Title != "Titre en cours" {
			t.Errorf("within the transaction: title %q; want its own change", got.Texts["fr"].Title)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if got := e.mustCall(t, c.ID); got.Texts["fr"].Title != "Appel franco-brésilien" {
		t.Errorf("after the rollback: title %q", got.Texts["fr"].Title)
	}
}
