package sqldb

import (
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// opinionEnv is evalEnv with the embassy of France in Brazil, one of the
// countries the application concerns (Haiti, the other, has no embassy
// registered), one of its staff, and the embassy in India with one of its
// own.
type opinionEnv struct {
	*evalEnv
	brazil, india           *coopdec.Organisation
	brazilStaff, indiaStaff *coopdec.User
}

func newOpinionEnv(t *testing.T) *opinionEnv {
	t.Helper()
	e := &opinionEnv{evalEnv: newEvalEnv(t)}
	if got := coopdec.OpinionCountries(e.app); len(got) != 2 || got[0] != "BR" || got[1] != "HT" {
		t.Fatalf("OpinionCountries: got %v; want [BR HT]", got)
	}
	staff := func(country, email string) (*coopdec.Organisation, *coopdec.User) {
		o := &coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France " + country, Country: country}
		if err := e.db.CreateOrganisation(t.Context(), o, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		u := mustCreateUser(t, e.db, email, "Agent "+country, coopdec.RoleEmbassy)
		return o, e.member(t, u.ID, o.ID)
	}
	e.brazil, e.brazilStaff = staff("BR", "ambassade.br@example.org")
	e.india, e.indiaStaff = staff("IN", "ambassade.in@example.org")
	return e
}

func (e *opinionEnv) request(t *testing.T, due time.Time) []OpinionRecord {
	t.Helper()
	recs, err := e.db.RequestOpinions(t.Context(), e.jobs, e.officer, &OpinionBatch{CallID: e.call.ID, DueAt: due, Note: " Sécurité. "},
		coopdec.Actor{UserID: e.officer.ID}, func(recs []OpinionRecord, staff map[int64][]DraftHolder) []Job {
			var out []Job
			for _, rec := range recs {
				for _, h := range staff[rec.Request.EmbassyOrganisationID] {
					out = append(out, Job{Args: testJob{What: "opinion " + h.Email}})
				}
			}
			return out
		})
	if err != nil {
		t.Fatalf("RequestOpinions: got error %v; want nil", err)
	}
	return recs
}

func countRows(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpinionRequestAndAnswer(t *testing.T) {
	e := newOpinionEnv(t)
	ctx := t.Context()
	now := e.db.Now()

	// Refusals: another call's co-manager, bad dates, a long note.
	_, err := e.db.RequestOpinions(ctx, e.jobs, e.moroccoManager, &OpinionBatch{CallID: e.call.ID, DueAt: now.Add(24 * time.Hour)}, e.actor, nil)
	if coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("another call's co-manager: got %v; want EFORBIDDEN", err)
	}
	_, err = e.db.RequestOpinions(ctx, e.jobs, e.officer, &OpinionBatch{CallID: e.call.ID, DueAt: now.Add(-time.Hour)}, e.actor, nil)
	if got := errorFields(err); len(got) != 1 || got[0] != "due_at:evaluation.opinion.due.past" {
		t.Errorf("past due date: got %v; want due_at:evaluation.opinion.due.past", got)
	}

	recs := e.request(t, now.Add(7*24*time.Hour))
	if len(recs) != 1 || recs[0].Request.EmbassyOrganisationID != e.brazil.ID || recs[0].Country != "BR" || recs[0].Note != "Sécurité." {
		t.Fatalf("requests: got %+v; want one to the embassy in Brazil", recs)
	}
	if n := countRows(t, e.db, `SELECT count(*) FROM outbox WHERE recipient = 'jobs' AND subject = $1`, "opinion ambassade.br@example.org"); n != 1 {
		t.Errorf("emails to the embassy's staff: got %d; want 1", n)
	}
	if n := countRows(t, e.db, `SELECT count(*) FROM audit_events WHERE action = $1`, coopdec.AuditOpinionRequest); n != 1 {
		t.Errorf("audited requests: got %d; want 1", n)
	}
	// Asking again asks nothing.
	_, err = e.db.RequestOpinions(ctx, e.jobs, e.officer, &OpinionBatch{CallID: e.call.ID, DueAt: now.Add(24 * time.Hour)}, e.actor, nil)
	if coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("asking again: got %v; want ECONFLICT", err)
	}

	id := recs[0].Request.ID
	give := func(u *coopdec.User, v coopdec.OpinionValue, comment string) error {
		_, err := e.db.GiveOpinion(ctx, u, id, &coopdec.EmbassyOpinion{Value: v, Comment: comment}, coopdec.Actor{UserID: u.ID})
		return err
	}
	if err := give(e.indiaStaff, coopdec.OpinionFavourable, "Très bien."); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("another embassy: got %v; want EFORBIDDEN", err)
	}
	if err := give(e.officer, coopdec.OpinionFavourable, "Très bien."); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Errorf("officer: got %v; want EFORBIDDEN", err)
	}
	if got := errorFields(give(e.brazilStaff, "maybe", "  ")); len(got) != 2 {
		t.Errorf("bad opinion: got %v; want value and comment", got)
	}
	if err := give(e.brazilStaff, coopdec.OpinionReserved, "Partenaire peu connu du poste."); err != nil {
		t.Fatalf("GiveOpinion: got error %v; want nil", err)
	}
	if err := give(e.brazilStaff, coopdec.OpinionFavourable, "Finalement oui."); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Errorf("second opinion: got %v; want ECONFLICT", err)
	}
	if _, err := e.db.write.ExecContext(ctx, `UPDATE embassy_opinions SET value = 'favourable'`); err == nil {
		t.Error("updating an opinion: got nil; want an error")
	}

	list, err := e.db.ListOpinions(ctx, e.app.ID)
	if err != nil || len(list) != 1 || list[0].Opinion == nil || list[0].Opinion.Value != coopdec.OpinionReserved ||
		list[0].Opinion.AuthorID != e.brazilStaff.ID || list[0].State(e.db.Now()) != coopdec.OpinionAnswered {
		t.Fatalf("ListOpinions: got %+v, %v; want the reserved opinion", list, err)
	}
	for _, tc := range []struct {
		name string
		f    OpinionFilter
		want int
	}{
		{"call", OpinionFilter{CallID: e.call.ID}, 1},
		{"answered", OpinionFilter{State: coopdec.OpinionAnswered}, 1},
		{"pending", OpinionFilter{State: coopdec.OpinionPending}, 0},
		{"the embassy", OpinionFilter{EmbassyIDs: []int64{e.brazil.ID}, Restrict: true}, 1},
		{"another embassy", OpinionFilter{EmbassyIDs: []int64{e.india.ID}, Restrict: true}, 0},
		{"no embassy", OpinionFilter{Restrict: true}, 0},
	} {
		got, page, err := e.db.ListOpinionRequests(ctx, tc.f, coopdec.NewPage(1, 10))
		if err != nil || len(got) != tc.want || page.Total != tc.want {
			t.Errorf("%s: got %d (total %d), %v; want %d", tc.name, len(got), page.Total, err, tc.want)
		}
	}
	if n := countRows(t, e.db, `SELECT count(*) FROM audit_events WHERE action = $1`, coopdec.AuditOpinionGive); n != 1 {
		t.Errorf("audited opinions: got %d; want 1", n)
	}
}

func TestOpinionOverdue(t *testing.T) {
	e := newOpinionEnv(t)
	ctx := t.Context()
	recs := e.request(t, e.db.Now().Add(24*time.Hour))
	e.clock.advance(25 * time.Hour)
	_, err := e.db.GiveOpinion(ctx, e.brazilStaff, recs[0].Request.ID,
		&coopdec.EmbassyOpinion{Value: coopdec.OpinionFavourable, Comment: "En retard."}, coopdec.Actor{})
	if key, _ := coopdec.ErrorKey(err); key != "evaluation.opinion.overdue" {
		t.Errorf("after the due date: got %v; want evaluation.opinion.overdue", err)
	}
	got, _, err := e.db.ListOpinionRequests(ctx, OpinionFilter{State: coopdec.OpinionOverdue}, coopdec.NewPage(1, 10))
	if err != nil || len(got) != 1 || got[0].Opinion != nil {
		t.Errorf("overdue: got %+v, %v; want the unanswered request", got, err)
	}
}

// errorFields lists err's field errors as "field:key".
func errorFields(err error) []string {
	var out []string
	for _, e := range fieldErrors(err) {
		out = append(out, e.Field+":"+e.Key)
	}
	return out
}
