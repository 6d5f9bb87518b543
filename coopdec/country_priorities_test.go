package coopdec

import (
	"slices"
	"strings"
	"testing"
)

func TestCountryPrioritiesValidate(t *testing.T) {
	fr := func(s string) map[string]string { return map[string]string{"fr": s} }
	many := make([]CountryPriority, CountryPrioritiesMax+1)
	for i := range many {
		many[i] = CountryPriority{Theme: "education", Texts: fr("x")}
	}
	tests := []struct {
		name   string
		cp     CountryPriorities
		fields []string // fields at fault, in order; none: valid
	}{
		{"valid", CountryPriorities{Country: " ar ", Priorities: []CountryPriority{
			{Theme: " Water_Sanitation ", Texts: map[string]string{"fr": " Eau potable ", "es": "Agua", "en": "  "}},
			{Theme: "education", Texts: fr("Écoles")}}}, nil},
		{"empty list", CountryPriorities{Country: "TN"}, nil},
		{"unknown country", CountryPriorities{Country: "ZZ"}, []string{"country"}},
		{"too many", CountryPriorities{Country: "AR", Priorities: many}, []string{"priorities"}},
		{"theme required", CountryPriorities{Country: "AR", Priorities: []CountryPriority{{Texts: fr("x")}}},
			[]string{"priorities.1.theme"}},
		{"unknown theme", CountryPriorities{Country: "AR", Priorities: []CountryPriority{{Theme: "space", Texts: fr("x")}}},
			[]string{"priorities.1.theme"}},
		{"duplicate theme", CountryPriorities{Country: "AR", Priorities: []CountryPriority{
			{Theme: "education", Texts: fr("a")}, {Theme: "culture", Texts: fr("b")}, {Theme: "EDUCATION", Texts: fr("c")}}},
			[]string{"priorities.3.theme"}},
		{"french required", CountryPriorities{Country: "AR", Priorities: []CountryPriority{
			{Theme: "education", Texts: map[string]string{"es": "Escuelas", "fr": "  "}}}}, []string{"priorities.1.fr"}},
		{"too long", CountryPriorities{Country: "AR", Priorities: []CountryPriority{
			{Theme: "education", Texts: map[string]string{"fr": "a", "pt": strings.Repeat("é", CountryPriorityTextMax+1)}}}},
			[]string{"priorities.1.pt"}},
		{"unknown language", CountryPriorities{Country: "AR", Priorities: []CountryPriority{
			{Theme: "education", Texts: map[string]string{"fr": "a", "de": "Schulen"}}}}, []string{"priorities.1.texts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cp.Validate()
			var got []string
			if err != nil {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("got code %s; want %s", ErrorCode(err), EINVALID)
				}
				for _, e := range err.(Errors) {
					got = append(got, e.Field)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields at fault: got %v; want %v", got, tt.fields)
			}
		})
	}

	cp := CountryPriorities{Country: " ar ", Priorities: []CountryPriority{
		{Theme: " Water_Sanitation ", Texts: map[string]string{"fr": " Eau potable ", "es": "Agua", "en": "  "}}}}
	if err := cp.Validate(); err != nil {
		t.Fatal(err)
	}
	p := cp.Priorities[0]
	if cp.Country != "AR" || p.Theme != "water_sanitation" || p.Rank != 1 || p.Texts["fr"] != "Eau potable" || len(p.Texts) != 2 {
		t.Fatalf("normalised: got %+v; want AR, water_sanitation, rank 1, fr and es texts trimmed", cp)
	}
}

func TestCountryPriorityText(t *testing.T) {
	p := CountryPriority{Texts: map[string]string{"fr": "Eau", "es": "Agua"}}
	for _, tt := range []struct{ lang, text, in string }{{"es", "Agua", "es"}, {"en", "Eau", "fr"}, {"fr", "Eau", "fr"}} {
		if text, in := p.Text(tt.lang); text != tt.text || in != tt.in {
			t.Errorf("Text(%s): got %q in %s; want %q in %s", tt.lang, text, in, tt.text, tt.in)
		}
	}
	if !(CountryPriority{Texts: map[string]string{"fr": " "}}).Blank() || (CountryPriority{Theme: "culture"}).Blank() {
		t.Error("Blank: a row with only spaces is blank; one with a theme is not")
	}
}

func TestCanEditCountryPriorities(t *testing.T) {
	ar := Organisation{ID: 1, Kind: OrgEmbassy, Country: "AR"}
	tn := Organisation{ID: 2, Kind: OrgEmbassy, Country: "TN"}
	lyon := Organisation{ID: 3, Kind: OrgFrenchAuthority, Country: "AR"} // wrongly set country: not an embassy
	member := func(roles []Role, orgs ...Organisation) *User {
		u := &User{Roles: roles}
		for _, o := range orgs {
			u.Memberships = append(u.Memberships, Membership{OrganisationID: o.ID, OrganisationKind: o.Kind})
		}
		return u
	}
	embassyAR := member([]Role{RoleEmbassy}, ar)
	tests := []struct {
		name    string
		u       *User
		country string
		orgs    []Organisation
		want    bool
	}{
		{"embassy staff, own country", embassyAR, "ar", []Organisation{ar}, true},
		{"embassy staff, other country", embassyAR, "TN", []Organisation{ar}, false},
		{"embassy staff, other embassy's organisation passed", embassyAR, "TN", []Organisation{ar, tn}, false},
		{"member of the embassy without the role", member(nil, ar), "AR", []Organisation{ar}, false},
		{"embassy role, member of an authority", member([]Role{RoleEmbassy}, lyon), "AR", []Organisation{lyon}, false},
		{"officer", member([]Role{RoleOfficer}), "TN", nil, true},
		{"co-manager", member([]Role{RoleCoManager}), "AR", nil, false},
		{"admin", member([]Role{RoleAdmin}), "AR", nil, false},
		{"anonymous", nil, "AR", nil, false},
	}
	for _, tt := range tests {
		if got := CanEditCountryPriorities(tt.u, tt.country, tt.orgs); got != tt.want {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestAnalyseSynergies(t *testing.T) {
	prios := []CountryPriority{{Rank: 1, Theme: "water_sanitation"}, {Rank: 2, Theme: "education"}, {Rank: 3, Theme: "culture"}}
	lyon := AuthorityWork{OrganisationID: 1, Name: "Lyon", Title: "Vélo", Themes: []string{"transport"}}
	mars := AuthorityWork{OrganisationID: 2, Name: "Marseille", Title: "Eau", Themes: []string{"water_sanitation", "transport"}}
	nantes := AuthorityWork{OrganisationID: 3, Name: "Nantes", Themes: []string{"culture"}}
	blank := AuthorityWork{OrganisationID: 4, Name: "Brest"}
	tests := []struct {
		name      string
		in        SynergyInput
		uncovered []string
		outside   []string
	}{
		{"nothing", SynergyInput{}, nil, nil},
		{"priorities only", SynergyInput{Priorities: prios}, []string{"water_sanitation", "education", "culture"}, nil},
		{"work without priorities", SynergyInput{Projects: []AuthorityWork{lyon}}, nil, nil},
		{"projects", SynergyInput{Priorities: prios, Projects: []AuthorityWork{lyon, mars, blank}},
			[]string{"education", "culture"}, []string{"project:Lyon"}},
		{"every source", SynergyInput{Priorities: prios, Projects: []AuthorityWork{mars},
			Experience: []AuthorityWork{lyon}, Missions: []AuthorityWork{nantes, lyon}},
			[]string{"education"}, []string{"experience:Lyon", "mission:Lyon"}},
	}
	for _, tt := range tests {
		s := AnalyseSynergies(tt.in)
		var unc, out []string
		for _, p := range s.Uncovered {
			unc = append(unc, p.Theme)
		}
		for _, w := range s.Outside {
			out = append(out, string(w.Kind)+":"+w.Name)
		}
		if !slices.Equal(unc, tt.uncovered) || !slices.Equal(out, tt.outside) {
			t.Errorf("%s: got uncovered %v, outside %v; want %v, %v", tt.name, unc, out, tt.uncovered, tt.outside)
		}
	}
}
