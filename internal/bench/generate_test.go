package bench

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

func generateSmall(t *testing.T, seed int64) (*sqldb.DB, *Manifest) {
	t.Helper()
	db := sqldbtest.Open(t)
	var out bytes.Buffer
	m, err := Generate(t.Context(), db, GenerateOptions{Scale: "small", Seed: seed, Progress: &out})
	if err != nil {
		t.Fatalf("Generate: %v\n%s", err, out.String())
	}
	t.Logf("progress:\n%s", out.String())
	if !strings.Contains(out.String(), "submitted applications") {
		t.Errorf("progress shows no stage:\n%s", out.String())
	}
	return db, m
}

// stripSecrets blanks what differs between two generations: the tokens'
// secrets and the day of generation.
func stripSecrets(m Manifest) string {
	m.Generated = time.Time{}
	m.Officer.Token = ""
	for _, list := range [][]OwnedApplication{m.Drafts, m.Surge} {
		for i := range list {
			list[i].Owner.Token = ""
		}
	}
	for i := range m.Assignments {
		m.Assignments[i].Evaluator.Token = ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestGenerateSmall(t *testing.T) {
	db, m := generateSmall(t, 42)
	ctx := t.Context()
	sc := Scales["small"]

	want := map[string]int{
		"french_authorities": sc.FrenchAuthorities, "foreign_authorities": sc.ForeignAuthorities, "labels": sc.Labels,
		"calls": sc.Calls, "applications": sc.Applications, "surge_drafts": sc.SurgeDrafts, "drafts": sc.Drafts,
		"submitted": sc.Submitted(), "missions": sc.Missions,
	}
	for k, n := range want {
		if m.Counts[k] != n {
			t.Errorf("count %s: got %d; want %d", k, m.Counts[k], n)
		}
	}
	if m.Counts["evaluations"] < sc.Submitted()*sc.EvaluatorsPerApp/2 || m.Counts["funded"] == 0 || m.Counts["decisions"] == 0 {
		t.Errorf("evaluations %d, decisions %d, funded %d: want evaluations for most submissions and funded projects",
			m.Counts["evaluations"], m.Counts["decisions"], m.Counts["funded"])
	}
	if len(m.CallIDs) != sc.Calls || len(m.LabelOrgIDs) != sc.Labels || len(m.MissionIDs) != sc.Missions ||
		len(m.SurgeCallIDs) != sc.SurgeCalls || len(m.Surge) != sc.SurgeDrafts || len(m.Drafts) != sc.Drafts || len(m.Assignments) == 0 {
		t.Errorf("manifest lists: %d calls, %d labels, %d missions, %d surge calls, %d surge drafts, %d drafts, %d assignments",
			len(m.CallIDs), len(m.LabelOrgIDs), len(m.MissionIDs), len(m.SurgeCallIDs), len(m.Surge), len(m.Drafts), len(m.Assignments))
	}
	if len(m.Themes) == 0 || len(m.Countries) == 0 || len(m.Regions) == 0 {
		t.Errorf("filters: themes %v, countries %v, regions %v", m.Themes, m.Countries, m.Regions)
	}

	// Surge drafts: distinct owners, and each passes the platform's own
	// submission check (and one is accepted by storage).
	owners := map[int64]bool{}
	for _, s := range m.Surge {
		if owners[s.Owner.UserID] {
			t.Fatalf("surge owner %d owns two drafts", s.Owner.UserID)
		}
		owners[s.Owner.UserID] = true
		if !slices.Contains(m.SurgeCallIDs, s.CallID) {
			t.Errorf("surge draft %d on call %d, not a surge call", s.ApplicationID, s.CallID)
		}
	}
	now := db.Now()
	for _, s := range m.Surge[:10] {
		a, err := db.Application(ctx, s.ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.Call(ctx, s.CallID)
		if err != nil {
			t.Fatal(err)
		}
		elig, err := db.Eligibility(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.APITokenUser(ctx, s.Owner.Token)
		if err != nil {
			t.Fatalf("surge owner's token: %v", err)
		}
		if u.ID != s.Owner.UserID {
			t.Errorf("token of user %d authenticates user %d", s.Owner.UserID, u.ID)
		}
		if err := coopdec.CheckSubmission(u, a, c, now, elig); err != nil {
			t.Errorf("surge draft %d: CheckSubmission: %v", a.ID, err)
		}
	}
	s := m.Surge[0]
	u, _ := db.APITokenUser(ctx, s.Owner.Token)
	if _, err := db.SubmitApplication(ctx, nil, sqldb.SubmitRequest{ApplicationID: s.ApplicationID, User: u,
		Actor: coopdec.Actor{UserID: u.ID}}); err != nil {
		t.Errorf("submitting a surge draft: %v", err)
	}

	// Tokens of the officer, a draft's owner and an evaluator.
	for name, c := range map[string]Credential{"officer": m.Officer, "draft owner": m.Drafts[0].Owner, "evaluator": m.Assignments[0].Evaluator} {
		u, err := db.APITokenUser(ctx, c.Token)
		if err != nil || u.ID != c.UserID {
			t.Errorf("%s's token: got %v, %v; want user %d", name, u, err, c.UserID)
		}
	}
	if u, _ := db.APITokenUser(ctx, m.Officer.Token); !u.HasRole(coopdec.RoleOfficer) {
		t.Errorf("officer token's user has roles %v", u.Roles)
	}
	a, err := db.AssignmentByID(ctx, m.Assignments[0].AssignmentID)
	if err != nil || a.EvaluatorID != m.Assignments[0].Evaluator.UserID {
		t.Errorf("assignment %d: %+v, %v", m.Assignments[0].AssignmentID, a, err)
	}
	if len(m.Assignments[0].Criteria) != 4 {
		t.Errorf("criteria %v; want the grid's four", m.Assignments[0].Criteria)
	}

	// Word distribution: the common head in most documents, a long tail.
	for _, w := range []string{"développement", "coopération", "territoire"} {
		if !slices.Contains(m.CommonWords, w) {
			t.Errorf("%q not among the common words %v", w, m.CommonWords)
		}
	}
	if len(m.RareWords) < 100 {
		t.Errorf("%d rare words; want a long tail", len(m.RareWords))
	}

	v, err := db.VerifyAudit(ctx, nil)
	if err != nil || !v.Intact {
		t.Errorf("audit trail: %+v, %v; want intact", v, err)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("two generations")
	}
	_, m1 := generateSmall(t, 7)
	_, m2 := generateSmall(t, 7)
	if a, b := stripSecrets(*m1), stripSecrets(*m2); a != b {
		t.Errorf("two generations with one seed differ:\n%s\n%s", a, b)
	}
}

func TestWriterSeeds(t *testing.T) {
	a := newWriter(rand.New(rand.NewPCG(1, 2))).frenchParagraph(5)
	b := newWriter(rand.New(rand.NewPCG(1, 2))).frenchParagraph(5)
	c := newWriter(rand.New(rand.NewPCG(3, 2))).frenchParagraph(5)
	if a != b || a == c {
		t.Errorf("one seed gave %q and %q; another %q", a, b, c)
	}
	if !strings.Contains(a, "développement") || !strings.Contains(a, "territoire") {
		t.Errorf("a paragraph without the corpus' common words: %q", a)
	}
}

// TestGenerateScale generates the scale named by COOPDEC_BENCH_SCALE
// (medium, large) into COOPDEC_TEST_DATABASE_URL or a SQLite file, to
// measure the generator: go test ./internal/bench -run TestGenerateScale -v
// -timeout 2h.
func TestGenerateScale(t *testing.T) {
	name := os.Getenv("COOPDEC_BENCH_SCALE")
	if name == "" {
		t.Skip("COOPDEC_BENCH_SCALE is not set")
	}
	db := sqldbtest.Open(t)
	start := time.Now()
	m, err := Generate(t.Context(), db, GenerateOptions{Scale: name, Seed: 1, Progress: os.Stderr,
		Referentiel: os.Getenv("COOPDEC_BENCH_REFERENTIEL")})
	if err != nil {
		t.Fatal(err)
	}
	sc := Scales[name]
	if m.Counts["applications"] != sc.Applications || m.Counts["missions"] != sc.Missions || m.Counts["labels"] != sc.Labels {
		t.Errorf("counts %v; want the scale's %+v", m.Counts, sc)
	}
	t.Logf("%s on %s in %s: %v", name, db.Dialect, time.Since(start).Round(time.Second), m.Counts)
}
