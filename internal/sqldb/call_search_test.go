package sqldb

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// searchEnv holds calls in every state, by reference.
type searchEnv struct {
	*callEnv
	ids map[string]int64
}

const day = 24 * time.Hour

func newSearchEnv(t *testing.T) *searchEnv {
	t.Helper()
	e := &searchEnv{callEnv: newCallEnv(t), ids: map[string]int64{}}
	text := func(title, summary, body string) coopdec.CallText {
		return coopdec.CallText{Title: title, Summary: summary, Body: body}
	}
	calls := []*coopdec.Call{
		{
			ProgrammeID: e.pact2.ID, Reference: "PACT2-2025", Status: coopdec.CallOpen,
			Texts: map[string]coopdec.CallText{
				"fr": text("Appel à projets de coopération décentralisée", "Soutien aux partenariats des collectivités",
					"Développement économique local, gouvernance et assainissement."),
				"en": text("Call for decentralised cooperation projects", "Support for partnerships", "Local economic development."),
			},
			Funders: []coopdec.Funder{{OrganisationID: e.ministry.ID, EnvelopeCents: 100_000_000, ShareBP: 10000}},
			Themes:  []string{"economic_development", "local_governance"},
			// No countries: any country but France; any lead.
			PublishAt: t0.Add(-30 * day), OpensAt: t0.Add(-20 * day), Deadline: t0.Add(30 * day),
		},
		{
			ProgrammeID: e.joint.ID, Reference: "FR-BR-2025", Status: coopdec.CallOpen,
			Texts: map[string]coopdec.CallText{
				"fr": text("Appel franco-brésilien", "Villes durables", "Développement durable des villes."),
				"pt": text("Chamada franco-brasileira", "Cooperação descentralizada entre municípios",
					"Desenvolvimento urbano sustentável e saneamento."),
			},
			CoManagers: []int64{e.brazil.ID},
			Funders: []coopdec.Funder{
				{OrganisationID: e.ministry.ID, EnvelopeCents: 50_000_000, ShareBP: 5000},
				{OrganisationID: e.brazil.ID, EnvelopeCents: 50_000_000, ShareBP: 5000},
			},
			Themes: []string{"urban_development", "water_sanitation"},
			Rules: coopdec.EligibilityRules{Countries: []string{"BR"},
				LeadTypes: []coopdec.AuthorityType{coopdec.AuthorityRegion, coopdec.AuthorityCommune}},
			PublishAt: t0.Add(-10 * day), OpensAt: t0.Add(-5 * day), Deadline: t0.Add(60 * day),
		},
		{
			ProgrammeID: e.med.ID, Reference: "MED-2025", Status: coopdec.CallPublished,
			Texts: map[string]coopdec.CallText{
				"fr": text("Fonds méditerranéen : eau et assainissement", "Coopération en Méditerranée", "Gestion de l'eau."),
			},
			CoManagers: []int64{e.paca.ID},
			Funders: []coopdec.Funder{
				{OrganisationID: e.ministry.ID, EnvelopeCents: 20_000_000, ShareBP: 5000},
				{OrganisationID: e.paca.ID, EnvelopeCents: 20_000_000, ShareBP: 5000},
			},
			Themes: []string{"water_sanitation"},
			Rules: coopdec.EligibilityRules{Countries: []string{"group:south_east_mediterranean"},
				Excluded:  []coopdec.Exclusion{{Country: "MA"}},
				LeadTypes: []coopdec.AuthorityType{coopdec.AuthorityRegion}},
			PublishAt: t0.Add(-1 * day), OpensAt: t0.Add(10 * day), Deadline: t0.Add(90 * day),
		},
		{
			ProgrammeID: e.joint.ID, Reference: "FR-MA-2024", Status: coopdec.CallClosed,
			Texts: map[string]coopdec.CallText{
				"fr": text("Appel franco-marocain", "Collectivités marocaines", "Projets de territoire."),
			},
			CoManagers: []int64{e.morocco.ID},
			Rules:      coopdec.EligibilityRules{Countries: []string{"MA"}},
			PublishAt:  t0.Add(-200 * day), OpensAt: t0.Add(-150 * day), Deadline: t0.Add(-10 * day),
		},
		{
			ProgrammeID: e.joint.ID, Reference: "FR-BR-2026", Status: coopdec.CallDraft,
			Texts: map[string]coopdec.CallText{
				"fr": text("Projet d'appel franco-brésilien", "Brouillon", "Coopération décentralisée."),
			},
			CoManagers: []int64{e.brazil.ID},
			Themes:     []string{"water_sanitation"},
			Rules:      coopdec.EligibilityRules{Countries: []string{"BR"}},
			Deadline:   t0.Add(200 * day),
		},
		{
			ProgrammeID: e.med.ID, Reference: "MED-2026", Status: coopdec.CallDraft,
			Texts: map[string]coopdec.CallText{
				"fr": text("Brouillon méditerranéen", "", "Coopération décentralisée."),
			},
			CoManagers: []int64{e.paca.ID},
			Deadline:   t0.Add(300 * day),
		},
	}
	for _, c := range calls {
		e.ids[c.Reference] = e.mustCreateCall(t, c).ID
	}
	return e
}

// search runs SearchCalls and returns the references found, in order.
func (e *searchEnv) search(t *testing.T, f CallFilter, page coopdec.Page) ([]string, coopdec.Page) {
	t.Helper()
	calls, p, err := e.db.SearchCalls(t.Context(), f, page)
	if err != nil {
		t.Fatalf("SearchCalls(%+v): got error %v; want nil", f, err)
	}
	refs := make([]string, len(calls))
	for i, c := range calls {
		refs[i] = c.Reference
	}
	return refs, p
}

// wantRefs checks the references found, in any order when sorted is false.
func (e *searchEnv) wantRefs(t *testing.T, f CallFilter, sorted bool, want ...string) {
	t.Helper()
	got, p := e.search(t, f, coopdec.NewPage(1, 50))
	if !sorted {
		slices.Sort(got)
		slices.Sort(want)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) || p.Total != len(want) {
		t.Errorf("SearchCalls(%+v): got %q (total %d); want %q", f, got, p.Total, want)
	}
}

func TestSearchCallsText(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	all := &DraftAccess{All: true}
	// French stemming also finds Portuguese "Cooperação" (stem "cooper").
	var stemmed []string
	if e.db.Dialect == Postgres {
		stemmed = []string{"FR-BR-2025"}
	}
	tests := []struct {
		query string
		want  []string
	}{
		// Accents, case and punctuation do not matter, either way.
		{"cooperation", append([]string{"PACT2-2025", "MED-2025"}, stemmed...)},
		{"Coopération", append([]string{"PACT2-2025", "MED-2025"}, stemmed...)},
		{"developpement", []string{"PACT2-2025", "FR-BR-2025"}},
		{"DÉVELOPPEMENT", []string{"PACT2-2025", "FR-BR-2025"}},
		{"mediterraneen", []string{"MED-2025"}},
		{"franco-bresilien", []string{"FR-BR-2025"}},
		// Every language is searched: Portuguese finds the Brazilian call.
		{"saneamento", []string{"FR-BR-2025"}},
		{"municipios", []string{"FR-BR-2025"}},
		{"cooperação descentralizada", []string{"FR-BR-2025"}},
		// Every word must match; the last may be a beginning.
		{"appel franco marocain", []string{"FR-MA-2024"}},
		{"franco bres", []string{"FR-BR-2025"}},
		{"assainis", []string{"PACT2-2025", "MED-2025"}},
		{"decentralised", []string{"PACT2-2025"}},
		// References are searched too.
		{"FR-MA-2024", []string{"FR-MA-2024"}},
		{"introuvable", nil},
	}
	for _, tc := range tests {
		e.wantRefs(t, CallFilter{Query: tc.query}, false, tc.want...)
	}
	// Drafts are found only by those who may see them.
	e.wantRefs(t, CallFilter{Query: "brouillon"}, false)
	e.wantRefs(t, CallFilter{Query: "brouillon", IncludeDraftsFor: all}, false, "FR-BR-2026", "MED-2026")
}

func TestSearchCallsFrenchStemming(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	if e.db.Dialect != Postgres {
		t.Skip("French stemming is PostgreSQL's; SQLite matches words and their beginnings")
	}
	all := &DraftAccess{All: true}
	// "développer" and "développement" share a stem; so do plural and singular.
	e.wantRefs(t, CallFilter{Query: "développer"}, false, "PACT2-2025", "FR-BR-2025")
	e.wantRefs(t, CallFilter{Query: "projet", IncludeDraftsFor: all}, false, "PACT2-2025", "FR-MA-2024", "FR-BR-2026")
	e.wantRefs(t, CallFilter{Query: "projets collectivite", IncludeDraftsFor: all}, false, "PACT2-2025", "FR-MA-2024")
}

func TestSearchCallsSpecialCharacters(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	for _, q := range []string{
		`"`, `"cooperation`, `cooperation"`, `(`, `)`, `(cooperation`, `OR`, `AND`, `NOT`, `NEAR`, `cooperation OR appel`,
		`cooperation AND NOT appel`, `NEAR(appel franco)`, `*`, `appel*`, `-`, `-appel`, `appel -franco`, `title:appel`,
		`^appel`, `'`, `l'eau`, `''`, `\`, `a\b`, `:*`, `appel:*`, `!`, `&`, `|`, `<->`, `appel & !franco`, `{title}: x`,
		`+`, `%`, `_`, `;DROP TABLE calls;--`, "\x00", "é\u0301", "ŉ", "½", strings.Repeat("appel ", 200),
	} {
		if _, _, err := e.db.SearchCalls(t.Context(), CallFilter{Query: q}, coopdec.NewPage(1, 10)); err != nil {
			t.Errorf("SearchCalls(%q): got error %v; want nil", q, err)
		}
	}
	// Operators are words like any other: "OR" does not widen the search.
	e.wantRefs(t, CallFilter{Query: "marocain OR saneamento"}, false)
	e.wantRefs(t, CallFilter{Query: `"appel franco-marocain"`}, false, "FR-MA-2024")
	// Punctuation only matches nothing.
	e.wantRefs(t, CallFilter{Query: `"*" - ( )`}, false)
}

func TestSearchCallsFilters(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	tests := []struct {
		name string
		f    CallFilter
		want []string
	}{
		{"none", CallFilter{}, []string{"PACT2-2025", "FR-BR-2025", "MED-2025", "FR-MA-2024"}},
		{"theme", CallFilter{Themes: []string{"water_sanitation"}}, []string{"FR-BR-2025", "MED-2025"}},
		{"themes, any of", CallFilter{Themes: []string{"local_governance", "urban_development"}}, []string{"PACT2-2025", "FR-BR-2025"}},
		{"theme of no call", CallFilter{Themes: []string{"education"}}, nil},
		// A call for any country takes every country but France.
		{"country listed", CallFilter{Country: "BR"}, []string{"PACT2-2025", "FR-BR-2025"}},
		{"country lower case", CallFilter{Country: "br"}, []string{"PACT2-2025", "FR-BR-2025"}},
		{"country in a group", CallFilter{Country: "EG"}, []string{"PACT2-2025", "MED-2025"}},
		{"country excluded from a group", CallFilter{Country: "MA"}, []string{"PACT2-2025", "FR-MA-2024"}},
		{"France", CallFilter{Country: "FR"}, nil},
		// No lead types: any French local authority may lead.
		{"lead type", CallFilter{LeadType: coopdec.AuthorityCommune}, []string{"PACT2-2025", "FR-BR-2025", "FR-MA-2024"}},
		{"lead type everywhere", CallFilter{LeadType: coopdec.AuthorityRegion}, []string{"PACT2-2025", "FR-BR-2025", "MED-2025", "FR-MA-2024"}},
		{"programme", CallFilter{ProgrammeID: e.joint.ID}, []string{"FR-BR-2025", "FR-MA-2024"}},
		{"funder", CallFilter{OrganisationID: e.ministry.ID}, []string{"PACT2-2025", "FR-BR-2025", "MED-2025"}},
		{"co-manager and funder", CallFilter{OrganisationID: e.paca.ID}, []string{"MED-2025"}},
		{"co-manager", CallFilter{OrganisationID: e.morocco.ID}, []string{"FR-MA-2024"}},
		{"forecast", CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallPublished}}, []string{"MED-2025"}},
		{"open", CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallOpen}}, []string{"PACT2-2025", "FR-BR-2025"}},
		{"closed", CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallClosed, coopdec.CallEvaluation}}, []string{"FR-MA-2024"}},
		{"drafts, publicly", CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallDraft}}, nil},
		{"deadline from", CallFilter{DeadlineFrom: t0.Add(60 * day)}, []string{"FR-BR-2025", "MED-2025"}},
		{"deadline before", CallFilter{DeadlineTo: t0.Add(60 * day)}, []string{"PACT2-2025", "FR-MA-2024"}},
		{"deadline range", CallFilter{DeadlineFrom: t0, DeadlineTo: t0.Add(61 * day)}, []string{"PACT2-2025", "FR-BR-2025"}},
		{"query and filters", CallFilter{Query: "developpement", Country: "BR", Statuses: []coopdec.CallStatus{coopdec.CallOpen}},
			[]string{"PACT2-2025", "FR-BR-2025"}},
		{"query and programme", CallFilter{Query: "developpement", ProgrammeID: e.joint.ID}, []string{"FR-BR-2025"}},
		{"theme and country", CallFilter{Themes: []string{"water_sanitation"}, Country: "EG"}, []string{"MED-2025"}},
		{"everything", CallFilter{Query: "cooperation", Themes: []string{"water_sanitation"}, Country: "TN",
			LeadType: coopdec.AuthorityRegion, ProgrammeID: e.med.ID, OrganisationID: e.paca.ID,
			Statuses: []coopdec.CallStatus{coopdec.CallPublished}, DeadlineFrom: t0, DeadlineTo: t0.Add(100 * day)}, []string{"MED-2025"}},
		{"contradiction", CallFilter{Country: "MA", ProgrammeID: e.med.ID}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { e.wantRefs(t, tc.f, false, tc.want...) })
	}
}

func TestSearchCallsStatusFollowsTheClock(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	// Past PACT2's deadline and MED's opening, before any sweep.
	e.clock.advance(30 * day)
	e.wantRefs(t, CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallOpen}}, false, "FR-BR-2025", "MED-2025")
	e.wantRefs(t, CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallClosed}}, false, "PACT2-2025", "FR-MA-2024")
	e.wantRefs(t, CallFilter{Statuses: []coopdec.CallStatus{coopdec.CallPublished}}, false)
}

func TestSearchCallsSort(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	all := &DraftAccess{All: true}
	e.wantRefs(t, CallFilter{Sort: SortDeadline}, true, "FR-MA-2024", "PACT2-2025", "FR-BR-2025", "MED-2025")
	e.wantRefs(t, CallFilter{Sort: SortPublished}, true, "MED-2025", "FR-BR-2025", "PACT2-2025", "FR-MA-2024")
	// Newest first is the default without a query; drafts, unpublished, come last.
	e.wantRefs(t, CallFilter{IncludeDraftsFor: all}, true, "MED-2025", "FR-BR-2025", "PACT2-2025", "FR-MA-2024", "MED-2026", "FR-BR-2026")
	e.wantRefs(t, CallFilter{Sort: SortRelevance}, true, "MED-2025", "FR-BR-2025", "PACT2-2025", "FR-MA-2024")

	// A title match ranks above a body match; relevance is the default with a query.
	e.wantRefs(t, CallFilter{Query: "assainissement"}, true, "MED-2025", "PACT2-2025")
	e.wantRefs(t, CallFilter{Query: "assainissement", Sort: SortRelevance}, true, "MED-2025", "PACT2-2025")
	e.wantRefs(t, CallFilter{Query: "assainissement", Sort: SortDeadline}, true, "PACT2-2025", "MED-2025")

	_, _, err := e.db.SearchCalls(t.Context(), CallFilter{Sort: "random"}, coopdec.NewPage(1, 10))
	wantError(t, err, coopdec.EINVALID, "sort", "call.search.sort_invalid")
}

func TestSearchCallsPaging(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	f := CallFilter{Sort: SortDeadline}
	var got []string
	for n := 1; n <= 3; n++ {
		refs, p := e.search(t, f, coopdec.NewPage(n, 3))
		if p.Total != 4 || p.Page != n || p.PerPage != 3 || p.Pages() != 2 {
			t.Fatalf("page %d: got %+v (%d pages); want total 4 over 2 pages of 3", n, p, p.Pages())
		}
		if want := []int{3, 1, 0}[n-1]; len(refs) != want {
			t.Fatalf("page %d: got %d calls; want %d", n, len(refs), want)
		}
		got = append(got, refs...)
	}
	if want := []string{"FR-MA-2024", "PACT2-2025", "FR-BR-2025", "MED-2025"}; !slices.Equal(got, want) {
		t.Fatalf("pages: got %q; want %q", got, want)
	}
	// A zero page is the first page of the default size.
	if refs, p := e.search(t, f, coopdec.Page{}); len(refs) != 4 || p.Page != 1 || p.PerPage != 20 {
		t.Fatalf("zero page: got %d calls, %+v; want 4 on page 1 of 20", len(refs), p)
	}
	// A query's total counts its matches only.
	if refs, p := e.search(t, CallFilter{Query: "appel"}, coopdec.NewPage(1, 1)); len(refs) != 1 || p.Total != 3 {
		t.Fatalf("query page: got %q, total %d; want 1 call of 3", refs, p.Total)
	}
}

func TestSearchCallsDrafts(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	drafts := []coopdec.CallStatus{coopdec.CallDraft}
	e.wantRefs(t, CallFilter{Statuses: drafts}, false)
	e.wantRefs(t, CallFilter{Statuses: drafts, IncludeDraftsFor: &DraftAccess{}}, false)
	e.wantRefs(t, CallFilter{Statuses: drafts, IncludeDraftsFor: &DraftAccess{OrganisationIDs: []int64{e.morocco.ID}}}, false)
	e.wantRefs(t, CallFilter{Statuses: drafts, IncludeDraftsFor: &DraftAccess{OrganisationIDs: []int64{e.paca.ID}}}, false, "MED-2026")
	e.wantRefs(t, CallFilter{Statuses: drafts, IncludeDraftsFor: &DraftAccess{OrganisationIDs: []int64{e.morocco.ID, e.brazil.ID}}}, false, "FR-BR-2026")
	e.wantRefs(t, CallFilter{Statuses: drafts, IncludeDraftsFor: &DraftAccess{All: true}}, false, "FR-BR-2026", "MED-2026")
	// A co-manager sees the public calls besides its own drafts.
	e.wantRefs(t, CallFilter{IncludeDraftsFor: &DraftAccess{OrganisationIDs: []int64{e.paca.ID}}}, false,
		"PACT2-2025", "FR-BR-2025", "MED-2025", "FR-MA-2024", "MED-2026")

	visitor := DraftAccessFor(nil)
	officer := DraftAccessFor(e.officer)
	admin := DraftAccessFor(&coopdec.User{Roles: []coopdec.Role{coopdec.RoleAdmin}})
	pacaMember := mustCreateUser(t, e.db, "paca@example.org", "Agent PACA")
	if err := e.db.AddMembership(t.Context(), pacaMember.ID, e.paca.ID, coopdec.MemberRoleMember, e.actor); err != nil {
		t.Fatal(err)
	}
	pacaMember, err := e.db.UserByID(t.Context(), pacaMember.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    *DraftAccess
		want []string
	}{
		{"visitor", visitor, nil},
		{"officer", officer, []string{"FR-BR-2026", "MED-2026"}},
		{"administrator", admin, []string{"FR-BR-2026", "MED-2026"}},
		{"member of a co-manager", DraftAccessFor(pacaMember), []string{"MED-2026"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.wantRefs(t, CallFilter{Statuses: drafts, IncludeDraftsFor: tc.a}, false, tc.want...)
		})
	}
}

func TestSearchCallsLoadsChildren(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	calls, _, err := e.db.SearchCalls(t.Context(), CallFilter{IncludeDraftsFor: &DraftAccess{All: true}}, coopdec.NewPage(1, 50))
	if err != nil {
		t.Fatalf("SearchCalls: got error %v; want nil", err)
	}
	if len(calls) != len(e.ids) {
		t.Fatalf("got %d calls; want %d", len(calls), len(e.ids))
	}
	for _, c := range calls {
		// All but the bodies, which no list shows.
		want := e.mustCall(t, c.ID)
		for lang, text := range want.Texts {
			text.Body = ""
			want.Texts[lang] = text
		}
		if !reflect.DeepEqual(&c, want) {
			t.Errorf("SearchCalls returned %+v; Call returns %+v", c, want)
		}
	}
}

// TestSearchCallsDraftAccessMatchesCanViewCall: the search shows each reader
// exactly the calls coopdec.CanViewCall lets them read.
func TestSearchCallsDraftAccessMatchesCanViewCall(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	ctx := t.Context()
	india := mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministry of External Affairs", Country: "IN"}, e.officer.ID)
	commune := mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"}, e.officer.ID)
	texts := map[string]coopdec.CallText{"fr": {Title: "Appel franco-indien"}}
	for _, c := range []*coopdec.Call{
		{ProgrammeID: e.joint.ID, Reference: "FR-IN-DRAFT", Status: coopdec.CallDraft, Texts: texts, CoManagers: []int64{india.ID}},
		// Published, but public only from next week.
		{ProgrammeID: e.joint.ID, Reference: "FR-IN-SOON", Status: coopdec.CallPublished, Texts: texts,
			CoManagers: []int64{india.ID, e.paca.ID}, PublishAt: t0.Add(7 * day), OpensAt: t0.Add(14 * day), Deadline: t0.Add(60 * day)},
		{ProgrammeID: e.joint.ID, Reference: "FR-BR-SOON", Status: coopdec.CallPublished, Texts: texts,
			CoManagers: []int64{e.brazil.ID}, PublishAt: t0.Add(day), OpensAt: t0.Add(14 * day), Deadline: t0.Add(60 * day)},
	} {
		e.ids[c.Reference] = e.mustCreateCall(t, c).ID
	}

	member := func(email string, org int64, roles ...coopdec.Role) *coopdec.User {
		t.Helper()
		u := mustCreateUser(t, e.db, email, email, roles...)
		if err := e.db.AddMembership(ctx, u.ID, org, coopdec.MemberRoleMember, e.actor); err != nil {
			t.Fatal(err)
		}
		u, err := e.db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	all, _, err := e.db.SearchCalls(ctx, CallFilter{IncludeDraftsFor: &DraftAccess{All: true}}, coopdec.NewPage(1, 100))
	if err != nil || len(all) != len(e.ids) {
		t.Fatalf("SearchCalls(every call): got %d calls, error %v; want %d", len(all), err, len(e.ids))
	}
	now := e.db.now()
	for _, tc := range []struct {
		name string
		u    *coopdec.User
	}{
		{"anonymous", nil},
		{"officer", e.officer},
		{"Indian co-manager", member("india@example.org", india.ID, coopdec.RoleCoManager)},
		{"Brazilian co-manager", member("brazil@example.org", e.brazil.ID, coopdec.RoleCoManager)},
		{"commune member", member("lyon@example.org", commune.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, c := range all {
				if coopdec.CanViewCall(tc.u, &c, now) {
					want = append(want, c.Reference)
				}
			}
			e.wantRefs(t, CallFilter{IncludeDraftsFor: DraftAccessFor(tc.u)}, false, want...)
		})
	}
}

// BenchmarkSearchCalls searches sixty calls written in two languages with
// bodies of a few pages, as the public search reads them: a common word,
// a rare one, filters, a later page.
func BenchmarkSearchCalls(b *testing.B) {
	db := openTestDB(b)
	ctx := b.Context()
	if db.Dialect != SQLite {
		b.Skip("the benchmark measures the embedded database")
	}
	fillBenchCalls(b, db)
	for _, tc := range []struct {
		name string
		f    CallFilter
		page int
	}{
		{"common word", CallFilter{Query: "développement"}, 1},
		{"common word page 2", CallFilter{Query: "développement"}, 2},
		{"rare word", CallFilter{Query: "n°17"}, 1},
		{"newest first", CallFilter{}, 1},
		{"theme", CallFilter{Themes: []string{"water_sanitation"}}, 1},
		{"country and word", CallFilter{Query: "eau", Country: "SN"}, 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.SearchCalls(ctx, tc.f, coopdec.NewPage(tc.page, 20)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fillBenchCalls stores sixty open calls, written in two languages with
// bodies of a few pages, for the benchmarks.
func fillBenchCalls(tb testing.TB, db *DB) {
	tb.Helper()
	ctx := tb.Context()
	officer := &coopdec.User{Email: "officer@example.org", Name: "Officer", Language: "fr", PasswordHash: "hash", Roles: []coopdec.Role{coopdec.RoleOfficer}}
	if err := db.CreateUser(ctx, officer, coopdec.Actor{}); err != nil {
		tb.Fatal(err)
	}
	actor := coopdec.Actor{UserID: officer.ID, IP: "192.0.2.1"}
	prog := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "Programme d'appui"}}
	if err := db.CreateProgramme(ctx, prog, actor); err != nil {
		tb.Fatal(err)
	}
	ministry := &coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"}
	if err := db.CreateOrganisation(ctx, ministry, actor); err != nil {
		tb.Fatal(err)
	}
	words := []string{"eau", "assainissement", "mobilité", "formation", "santé", "agriculture", "culture", "patrimoine"}
	themes := []string{"water_sanitation", "urban_development", "economic_development", "local_governance"}
	countries := []string{"BR", "SN", "MA", "VN", "HT", "MG", "TN", "CM"}
	body := strings.Repeat("Développement local, gouvernance et coopération décentralisée entre collectivités. ", 40)
	for i := range 60 {
		w := words[i%len(words)]
		c := &coopdec.Call{ProgrammeID: prog.ID, Reference: "AAP-" + itoa(1000+i), Status: coopdec.CallOpen,
			Texts: map[string]coopdec.CallText{
				"fr": {Title: "Appel à projets " + w + " n°" + itoa(i), Summary: "Soutien aux partenariats : " + w, Body: body + w},
				"en": {Title: "Call for projects " + itoa(i), Summary: "Support for partnerships", Body: body},
			},
			Funders:   []coopdec.Funder{{OrganisationID: ministry.ID, EnvelopeCents: 100_000_000, ShareBP: 10000}},
			Themes:    []string{themes[i%len(themes)], themes[(i+1)%len(themes)]},
			Rules:     coopdec.EligibilityRules{Countries: []string{countries[i%len(countries)], countries[(i+3)%len(countries)]}},
			PublishAt: t0.Add(-time.Duration(400-i) * day), OpensAt: t0.Add(-time.Duration(300-i) * day),
			Deadline: t0.Add(time.Duration(i-20) * day)}
		if err := db.CreateCall(ctx, c, actor); err != nil {
			tb.Fatal(err)
		}
	}
}
