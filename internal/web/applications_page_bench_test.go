package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/password"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// aplBenchPage is a server holding a draft as the load benchmark makes
// them, with some sixty registered foreign authorities to choose from, and
// the request its owner sends for the draft's page.
func aplBenchPage(tb testing.TB) (*Server, func() *http.Request) {
	tb.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(tb)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := jobs.New(ctx, db, logger, jobs.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := runner.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	blobs, err := blob.NewLocal(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Config{DB: db, Mail: &mail.Recorder{}, Jobs: runner, Blobs: blobs, Logger: logger, BaseURL: "http://coopdec.test", Version: "test",
		NoLoginDelay: true})
	if err != nil {
		tb.Fatal(err)
	}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	hash, err := password.Hash(testPassword)
	must(err)
	u := &coopdec.User{Email: "agent@lille.example.org", Name: "agent", PasswordHash: hash}
	must(db.CreateUser(ctx, u, coopdec.Actor{}))
	org := func(o *coopdec.Organisation) *coopdec.Organisation {
		must(db.CreateOrganisation(ctx, o, coopdec.Actor{}))
		return o
	}
	ministry := org(&coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"})
	lille := org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "215903501", RegionCode: "32"})
	must(db.AddMembership(ctx, u.ID, lille.ID, coopdec.MemberRoleMember, coopdec.Actor{}))
	var partners []*coopdec.Organisation
	for i := range 60 {
		partners = append(partners, org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority,
			Name: fmt.Sprintf("Municipalité n° %02d", i), Country: []string{"SN", "MA", "BR", "VN"}[i%4]}))
	}
	prog := &coopdec.Programme{Code: "joint-calls", Names: map[string]string{"fr": "Appels conjoints"}}
	must(db.CreateProgramme(ctx, prog, coopdec.Actor{}))
	now := db.Now()
	day := 24 * time.Hour
	c := &coopdec.Call{ProgrammeID: prog.ID, Reference: "AAP-2026-01", Status: coopdec.CallPublished,
		Texts:   map[string]coopdec.CallText{"fr": {Title: "Appel à projets 2026", Summary: "Coopération décentralisée."}},
		Funders: []coopdec.Funder{{OrganisationID: ministry.ID, EnvelopeCents: 50_000_000, ShareBP: 10000}},
		Themes:  []string{"local_governance", "urban_development"},
		Rules: coopdec.EligibilityRules{Countries: []string{"SN", "MA", "BR", "VN"}, PartnerCountries: []string{"SN", "MA", "BR", "VN"},
			PartnersMustConfirm: true, MaxGrantCents: 10_000_000, MaxFundersShareBP: 6000,
			MinOwnShareBP: 2000, MinDurationMonths: 12, MaxDurationMonths: 36, RequiredDocuments: []string{"council_deliberation"}},
		PublishAt: now.Add(-40 * day), OpensAt: now.Add(-30 * day), Deadline: now.Add(20 * day)}
	must(db.CreateCall(ctx, c, coopdec.Actor{}))
	p1, p2 := partners[7], partners[30]
	a := &coopdec.Application{CallID: c.ID, LeadOrganisationID: lille.ID,
		Texts: map[string]coopdec.ApplicationText{"fr": {Title: "Gouvernance des quartiers", Summary: "Conseils de quartier.",
			Context: "Une ville moyenne.", Objectives: "Associer les habitants.", Sustainability: "Un service dédié."}},
		Themes: []string{"local_governance"}, Countries: []string{"SN"}, Places: []string{"Saint-Louis"}, DurationMonths: 24,
		Activities: []coopdec.Activity{{Title: "Diagnostic partagé", StartMonth: 1, EndMonth: 3},
			{Title: "Formation et chantiers pilotes", StartMonth: 4, EndMonth: 24}},
		Results: []coopdec.Result{{Indicator: "Agents formés", Unit: "personnes", Baseline: "0", Target: "40"}},
		Partners: []coopdec.Partner{
			{OrganisationID: p1.ID, Name: p1.Name, Kind: p1.Kind, Country: p1.Country, Role: coopdec.RolePartner,
				Contribution: "Personnel et locaux", ContributionCents: 1_000_000},
			{OrganisationID: p2.ID, Name: p2.Name, Kind: p2.Kind, Country: p2.Country, Role: coopdec.RolePartner,
				Contribution: "Suivi sur place", ContributionCents: 500_000, InKind: true}},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Expertise et coordination", AmountCents: 3_500_000},
				{Category: coopdec.ExpenseTravel, Label: "Missions", AmountCents: 1_500_000},
				{Category: coopdec.ExpenseServices, Label: "Prestations et études", AmountCents: 3_000_000},
				{Category: coopdec.ExpenseCommunication, Label: "Diffusion des résultats", AmountCents: 1_000_000},
				{Category: coopdec.ExpenseInKind, Label: "Temps des agents", AmountCents: 1_000_000},
			},
			Financing: []coopdec.FinancingLine{
				{Source: coopdec.FundingGrant, FunderOrganisationID: ministry.ID, Label: "Subvention demandée", AmountCents: 5_000_000},
				{Source: coopdec.FundingOwnCash, Label: "Budget de la collectivité", AmountCents: 3_000_000},
				{Source: coopdec.FundingOwnInKind, Label: "Temps des agents", AmountCents: 1_000_000},
				{Source: coopdec.FundingPartner, PartnerOrganisationID: p1.ID, Label: p1.Name, AmountCents: 1_000_000},
			},
		}}
	must(db.CreateApplication(ctx, a, coopdec.Actor{UserID: u.ID}))
	token, err := db.CreateSession(ctx, u.ID, "", "127.0.0.1", "bench")
	must(err)
	path := "/candidatures/" + strconv.FormatInt(a.ID, 10)
	return srv, func() *http.Request {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: srv.cookieName("session"), Value: token})
		return r
	}
}

// BenchmarkApplicantPage renders the owner's page of a draft: the form with
// its partners', expenses' and financing lines' selects.
func BenchmarkApplicantPage(b *testing.B) {
	srv, req := aplBenchPage(b)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req())
		if w.Code != http.StatusOK {
			b.Fatalf("got status %d; want 200\n%s", w.Code, pageExcerpt(w.Body.String()))
		}
	}
}
