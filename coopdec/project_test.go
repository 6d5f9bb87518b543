package coopdec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFundedEntries(t *testing.T) {
	d := &Decision{Entries: []DecisionEntry{
		{ApplicationID: 1, Rank: 3, List: ListMain, GrantedCents: 300},
		{ApplicationID: 2, Rank: 4, List: ListReserve},
		{ApplicationID: 3, Rank: 1, List: ListMain, GrantedCents: 100},
		{ApplicationID: 4, Rank: 5, List: ListRejected},
	}}
	var got []int64
	for _, e := range FundedEntries(d) {
		got = append(got, e.ApplicationID)
	}
	if want := []int64{3, 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("FundedEntries: got %v; want %v (main list by rank)", got, want)
	}
	if got := FundedEntries(&Decision{}); len(got) != 0 {
		t.Fatalf("FundedEntries(empty): got %v; want none", got)
	}
}

func projectSource() ProjectSource {
	at := time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC) // already 2026 in Paris
	return ProjectSource{
		Call: &Call{ID: 7, ProgrammeID: 2, Reference: "AAP-BR-01", Texts: map[string]CallText{
			"fr": {Title: "Appel franco-brésilien", Body: "Règlement"}, "pt": {Title: "Edital franco-brasileiro"}}},
		ProgrammeNames: map[string]string{"fr": "Appels conjoints", "en": "Joint calls"},
		Decision:       &Decision{ID: 9, CallID: 7},
		Entry:          DecisionEntry{ApplicationID: 11, Rank: 1, List: ListMain, GrantedCents: 4_000_000},
		Application: &Application{ID: 11, CallID: 7, LeadOrganisationID: 5,
			Texts: map[string]ApplicationText{
				"fr": {Title: " Mobilités douces ", Summary: "Pistes cyclables.", Context: "Secret de contexte", Objectives: "Objectifs internes"},
				"pt": {Title: "Mobilidade suave", Summary: "Ciclovias."},
				"es": {Summary: "Sin título"},
			},
			Themes: []string{"urban_development"}, Countries: []string{"BR"}, Places: []string{"Belo Horizonte"},
			Partners: []Partner{
				{OrganisationID: 5, Name: "Lyon", Country: "FR", Role: RoleLeadPartner, Contribution: "Ingénierie", ContributionCents: 2_000_000},
				{OrganisationID: 6, Kind: OrgForeignAuthority, Country: "BR", Role: RolePartner, Contribution: "Terrains", ContributionCents: 1_000_000},
				{Name: "Universidade Federal", Kind: OrgUniversity, Country: "BR", Role: RoleAssociated},
				{OrganisationID: 8, Kind: OrgAssociation, Country: "BR", Role: RoleAssociated}, // unnamed: left out
			},
			Budget: Budget{Expenses: []ExpenseLine{{Category: ExpenseStaff, Label: "Chef de projet", AmountCents: 4_000_000}}},
		},
		Lead:         &Organisation{ID: 5, Name: "Lyon", RegionCode: "84"},
		PartnerNames: map[int64]string{6: "Prefeitura de Belo Horizonte"},
		DecidedAt:    at,
		Year:         2026,
	}
}

func TestNewPublicProject(t *testing.T) {
	p, ok := NewPublicProject(projectSource())
	if !ok {
		t.Fatal("NewPublicProject: got false; want the main-list entry public")
	}
	want := PublicProject{ApplicationID: 11,
		Texts:  map[string]ProjectText{"fr": {Title: "Mobilités douces", Summary: "Pistes cyclables."}, "pt": {Title: "Mobilidade suave", Summary: "Ciclovias."}},
		LeadID: 5, LeadName: "Lyon", RegionCode: "84",
		Partners: []ProjectPartner{{Name: "Prefeitura de Belo Horizonte", Kind: OrgForeignAuthority, Country: "BR", Role: RolePartner},
			{Name: "Universidade Federal", Kind: OrgUniversity, Country: "BR", Role: RoleAssociated}},
		CallID: 7, CallReference: "AAP-BR-01", CallTitles: map[string]string{"fr": "Appel franco-brésilien", "pt": "Edital franco-brasileiro"},
		ProgrammeID: 2, ProgrammeNames: map[string]string{"fr": "Appels conjoints", "en": "Joint calls"},
		Themes: []string{"urban_development"}, Countries: []string{"BR"}, GrantedCents: 4_000_000, DecisionID: 9,
		DecidedAt: time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), Year: 2026}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("NewPublicProject:\ngot  %+v\nwant %+v", p, want)
	}
	// Nothing private travels in the stored form either.
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Secret de contexte", "Objectifs internes", "Ingénierie", "Terrains", "2000000", "1000000",
		"Chef de projet", `"Belo Horizonte"`, "Règlement", "Sin título"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("public record holds %q: %s", secret, b)
		}
	}
}

func TestNewPublicProjectRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *ProjectSource)
	}{
		{"reserve list", func(s *ProjectSource) { s.Entry.List = ListReserve }},
		{"rejected", func(s *ProjectSource) { s.Entry.List = ListRejected; s.Entry.GrantedCents = 0 }},
		{"another application's entry", func(s *ProjectSource) { s.Entry.ApplicationID = 12 }},
		{"application of another call", func(s *ProjectSource) { s.Application.CallID = 8 }},
		{"not the application's lead", func(s *ProjectSource) { s.Lead = &Organisation{ID: 99, Name: "Autre"} }},
		{"no application", func(s *ProjectSource) { s.Application = nil }},
		{"no call", func(s *ProjectSource) { s.Call = nil }},
		{"no lead", func(s *ProjectSource) { s.Lead = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := projectSource()
			tc.change(&s)
			if p, ok := NewPublicProject(s); ok || p.ApplicationID != 0 {
				t.Fatalf("got %+v, %v; want nothing public", p, ok)
			}
		})
	}
}

func TestPublicProjectText(t *testing.T) {
	p, _ := NewPublicProject(projectSource())
	for _, tc := range []struct{ lang, title, in string }{
		{"pt", "Mobilidade suave", "pt"},
		{"fr", "Mobilités douces", "fr"},
		{"es", "Mobilités douces", "fr"}, // a summary without a title is no text
		{"en", "Mobilités douces", "fr"},
	} {
		text, in := p.Text(tc.lang)
		if text.Title != tc.title || in != tc.in {
			t.Errorf("Text(%s): got %q in %s; want %q in %s", tc.lang, text.Title, in, tc.title, tc.in)
		}
	}
	if got := p.CallTitle("es"); got != "Appel franco-brésilien" {
		t.Errorf("CallTitle(es): got %q; want the French title", got)
	}
	if got := p.ProgrammeName("en"); got != "Joint calls" {
		t.Errorf("ProgrammeName(en): got %q; want Joint calls", got)
	}
}
