package coopdec

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func completeLabel() *LabelApplication {
	return &LabelApplication{
		OrganisationID: 1, State: LabelDraft,
		Competencies: LabelCompetencies{Themes: []string{"water_sanitation"}, Description: "Régie des eaux", Methods: "Compagnonnage"},
		References: []LabelReference{{Title: "Eau potable à Mopti", Kind: ReferenceProject, Country: "ML", FromYear: 2015, ToYear: 2019,
			Partners: "Commune de Mopti", Results: "12 forages", Documents: []string{"rapport.pdf"}}, {}},
		Conditions: LabelConditions{Staff: "2 ingénieurs", Languages: []string{"FR", "en"}, MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires"},
	}
}

func TestLabelValidate(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(a *LabelApplication)
		complete bool
		fields   []string
	}{
		{"complete", func(*LabelApplication) {}, true, nil},
		{"empty draft", func(a *LabelApplication) { *a = LabelApplication{} }, false, nil},
		{"empty submission", func(a *LabelApplication) { *a = LabelApplication{} }, true,
			[]string{"themes", "description", "methods", "ref0_title", "staff", "languages", "min_days", "self_covered"}},
		{"unknown theme", func(a *LabelApplication) { a.Competencies.Themes = []string{"astrology"} }, false, []string{"themes"}},
		{"unknown language", func(a *LabelApplication) { a.Conditions.Languages = []string{"xx"} }, false, []string{"languages"}},
		{"durations reversed", func(a *LabelApplication) { a.Conditions.MaxDurationDays = 2 }, false, []string{"max_days"}},
		{"negative duration", func(a *LabelApplication) { a.Conditions.MinDurationDays = -1 }, false, []string{"min_days"}},
		{"reference in France", func(a *LabelApplication) { a.References[0].Country = "FR" }, false, []string{"ref0_country"}},
		{"reference bad kind", func(a *LabelApplication) { a.References[0].Kind = "trip" }, false, []string{"ref0_kind"}},
		{"reference future", func(a *LabelApplication) { a.References[0].FromYear = 2030 }, false, []string{"ref0_from", "ref0_to"}},
		{"reference years reversed", func(a *LabelApplication) { a.References[0].ToYear = 2010 }, false, []string{"ref0_to"}},
		{"reference without title", func(a *LabelApplication) { a.References[0].Title = "" }, false, []string{"ref0_title"}},
		{"reference without results", func(a *LabelApplication) { a.References[0].Results = "" }, true, []string{"ref0_results"}},
		{"reference place too long", func(a *LabelApplication) { a.References[0].Place = strings.Repeat("Pune ", 61) }, false, []string{"ref0_place"}},
		{"available period", func(a *LabelApplication) {
			a.Conditions.AvailableFrom, a.Conditions.AvailableTo = day(2026, 9, 1), day(2027, 6, 30)
			a.Conditions.Unavailable = []ExpertiseWindow{{day(2026, 12, 15), day(2027, 1, 5)}, {day(2027, 2, 1), day(2027, 2, 1)}}
		}, true, nil},
		{"available period reversed", func(a *LabelApplication) {
			a.Conditions.AvailableFrom, a.Conditions.AvailableTo = day(2027, 6, 30), day(2026, 9, 1)
		}, false, []string{"available_to"}},
		{"available open end", func(a *LabelApplication) { a.Conditions.AvailableTo = day(2027, 6, 30) }, true, nil},
		{"available too far", func(a *LabelApplication) {
			a.Conditions.AvailableFrom, a.Conditions.AvailableTo = day(2024, 12, 31), day(2037, 1, 1)
		}, false, []string{"available_from", "available_to"}},
		{"available range edges", func(a *LabelApplication) {
			a.Conditions.AvailableFrom, a.Conditions.AvailableTo = day(2025, 1, 1), day(2036, 12, 31)
		}, false, nil},
		{"unavailable reversed", func(a *LabelApplication) {
			a.Conditions.Unavailable = []ExpertiseWindow{{day(2026, 8, 1), day(2026, 8, 31)}, {day(2026, 12, 20), day(2026, 12, 1)}}
		}, false, []string{"unav1_to"}},
		{"unavailable half open", func(a *LabelApplication) {
			a.Conditions.Unavailable = []ExpertiseWindow{{From: day(2026, 8, 1)}, {To: day(2026, 8, 1)}}
		}, false, []string{"unav0_to", "unav1_from"}},
		{"unavailable out of range", func(a *LabelApplication) {
			a.Conditions.Unavailable = []ExpertiseWindow{{day(1999, 8, 1), day(2040, 8, 1)}}
		}, false, []string{"unav0_from", "unav0_to"}},
		{"unavailable too many", func(a *LabelApplication) {
			for range 21 {
				a.Conditions.Unavailable = append(a.Conditions.Unavailable, ExpertiseWindow{day(2026, 8, 1), day(2026, 8, 2)})
			}
		}, false, []string{"unav0_from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := completeLabel()
			tt.edit(a)
			err := a.Validate(tt.complete, 2026)
			var got []string
			if err != nil {
				for _, e := range err.(Errors) {
					got = append(got, e.Field)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields in error: got %v; want %v (%v)", got, tt.fields, err)
			}
		})
	}
	a := completeLabel()
	a.References[0].Place = "  Mopti \n centre "
	a.Conditions.AvailableFrom = time.Date(2026, 9, 1, 17, 30, 0, 0, time.FixedZone("IST", 19800))
	a.Conditions.Unavailable = []ExpertiseWindow{{}, {day(2026, 12, 15), day(2027, 1, 5)}}
	_ = a.Validate(true, 2026)
	if len(a.References) != 1 || !slices.Equal(a.Conditions.Languages, []string{"fr", "en"}) {
		t.Errorf("normalized: got %d references, languages %v; want 1, [fr en]", len(a.References), a.Conditions.Languages)
	}
	if a.References[0].Place != "Mopti centre" || !a.Conditions.AvailableFrom.Equal(day(2026, 9, 1)) || len(a.Conditions.Unavailable) != 1 {
		t.Errorf("normalized: got place %q, from %v, windows %v; want Mopti centre, 2026-09-01 UTC, one window",
			a.References[0].Place, a.Conditions.AvailableFrom, a.Conditions.Unavailable)
	}
	// A reference row holding only a place is not empty.
	b := completeLabel()
	b.References[1].Place = "Ségou"
	if err := b.Validate(false, 2026); len(b.References) != 2 || ErrorCode(err) != EINVALID {
		t.Errorf("place-only row: got %d references, %v; want it kept and reported", len(b.References), err)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestLabelValidityYears(t *testing.T) {
	for _, tt := range []struct {
		years int
		ok    bool
	}{{0, false}, {1, true}, {3, true}, {5, true}, {10, true}, {11, false}, {-3, false}} {
		if err := CheckLabelValidityYears(tt.years); (err == nil) != tt.ok {
			t.Errorf("CheckLabelValidityYears(%d): got %v; want ok %v", tt.years, err, tt.ok)
		}
	}
	granted := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if got, want := LabelExpiry(granted, 5), time.Date(2031, 3, 2, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("LabelExpiry(5 years): got %v; want %v", got, want)
	}
	if got, want := LabelExpiry(granted, 0), granted.AddDate(LabelValidityYears, 0, 0); !got.Equal(want) {
		t.Errorf("LabelExpiry(default): got %v; want %v", got, want)
	}
}

func TestLabelPermissions(t *testing.T) {
	member := &User{ID: 1, Memberships: []Membership{{OrganisationID: 1, OrganisationKind: OrgFrenchAuthority}}}
	other := &User{ID: 2, Memberships: []Membership{{OrganisationID: 2, OrganisationKind: OrgFrenchAuthority}}}
	foreign := &User{ID: 3, Memberships: []Membership{{OrganisationID: 1, OrganisationKind: OrgForeignAuthority}}}
	officer := &User{ID: 4, Roles: []Role{RoleOfficer}}
	evaluator := &User{ID: 5, Roles: []Role{RoleEvaluator}}
	embassy := &User{ID: 6, Roles: []Role{RoleEmbassy}}
	var anonymous *User
	at := func(st LabelState) *LabelApplication { return &LabelApplication{OrganisationID: 1, State: st} }
	tests := []struct {
		name   string
		u      *User
		a      *LabelApplication
		action LabelAction
		reason string
		want   LabelState
		code   string
	}{
		{"member submits draft", member, at(LabelDraft), LabelActionSubmit, "", LabelSubmitted, ""},
		{"member resubmits", member, at(LabelChangesRequested), LabelActionSubmit, "", LabelSubmitted, ""},
		{"member cannot submit twice", member, at(LabelSubmitted), LabelActionSubmit, "", "", ECONFLICT},
		{"other authority", other, at(LabelDraft), LabelActionSubmit, "", "", ENOTFOUND},
		{"member of non-French org", foreign, at(LabelDraft), LabelActionSubmit, "", "", ENOTFOUND},
		{"officer cannot submit", officer, at(LabelDraft), LabelActionSubmit, "", "", EFORBIDDEN},
		{"evaluator", evaluator, at(LabelSubmitted), LabelActionGrant, "", "", ENOTFOUND},
		{"embassy", embassy, at(LabelSubmitted), LabelActionGrant, "", "", ENOTFOUND},
		{"anonymous", anonymous, at(LabelSubmitted), LabelActionGrant, "", "", ENOTFOUND},
		{"member cannot grant", member, at(LabelSubmitted), LabelActionGrant, "", "", EFORBIDDEN},
		{"officer grants", officer, at(LabelSubmitted), LabelActionGrant, "", LabelGranted, ""},
		{"officer asks changes", officer, at(LabelSubmitted), LabelActionRequestChanges, "Précisez", LabelChangesRequested, ""},
		{"changes need a reason", officer, at(LabelSubmitted), LabelActionRequestChanges, " ", "", EINVALID},
		{"refusal needs a reason", officer, at(LabelSubmitted), LabelActionRefuse, "", "", EINVALID},
		{"officer refuses", officer, at(LabelSubmitted), LabelActionRefuse, "Trop peu de références", LabelRefused, ""},
		{"draft not reviewable", officer, at(LabelDraft), LabelActionGrant, "", "", ECONFLICT},
		{"revocation needs a reason", officer, at(LabelGranted), LabelActionRevoke, "", "", EINVALID},
		{"officer revokes", officer, at(LabelGranted), LabelActionRevoke, "Manquement", LabelRevoked, ""},
		{"revoke only granted", officer, at(LabelRefused), LabelActionRevoke, "x", "", ECONFLICT},
		{"unknown action", officer, at(LabelSubmitted), "bless", "x", "", EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckLabelAction(tt.u, tt.a, tt.action, tt.reason)
			if got != tt.want || ErrorCode(err) != tt.code {
				t.Errorf("got %q, %v; want %q, %q", got, err, tt.want, tt.code)
			}
		})
	}
	views := []struct {
		u    *User
		want bool
	}{{member, true}, {officer, true}, {other, false}, {foreign, false}, {evaluator, false}, {embassy, false}, {anonymous, false}}
	for _, v := range views {
		if got := CanViewLabelApplication(v.u, at(LabelDraft)); got != v.want {
			t.Errorf("CanViewLabelApplication(%v): got %v; want %v", v.u, got, v.want)
		}
	}
}

func TestCheckLabelCreate(t *testing.T) {
	member := &User{ID: 1, Memberships: []Membership{{OrganisationID: 1, OrganisationKind: OrgFrenchAuthority}}}
	tests := []struct {
		name     string
		u        *User
		existing []LabelApplication
		renews   int64
		code     string
	}{
		{"first", member, nil, 0, ""},
		{"after a refusal", member, []LabelApplication{{ID: 3, State: LabelRefused}}, 0, ""},
		{"renewal", member, []LabelApplication{{ID: 4, State: LabelGranted}}, 4, ""},
		{"one open at a time", member, []LabelApplication{{ID: 4, State: LabelGranted}, {ID: 5, State: LabelDraft}}, 0, ECONFLICT},
		{"not a member", &User{ID: 2}, nil, 0, EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			renews, err := CheckLabelCreate(tt.u, 1, tt.existing)
			if renews != tt.renews || ErrorCode(err) != tt.code {
				t.Errorf("got %d, %v; want %d, %q", renews, err, tt.renews, tt.code)
			}
		})
	}
}

func TestLabelRemindersDue(t *testing.T) {
	expires := time.Date(2029, 6, 30, 0, 0, 0, 0, time.UTC)
	day := func(before int) time.Time { return expires.AddDate(0, 0, -before) }
	tests := []struct {
		name string
		now  time.Time
		sent []int
		want []int
	}{
		{"long before", day(200), nil, nil},
		{"91 days", day(91), nil, nil},
		{"90 days", day(90), nil, []int{90}},
		{"90 sent", day(60), []int{90}, nil},
		{"30 days", day(30), []int{90}, []int{30}},
		{"both late", day(10), nil, []int{90, 30}},
		{"all sent", day(5), []int{90, 30}, nil},
		{"expired", day(0), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LabelRemindersDue(expires, tt.now, tt.sent); !slices.Equal(got, tt.want) {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
	if got := LabelNumber(2026, 42); got != "PACT2-LBL-2026-0042" {
		t.Errorf("LabelNumber: got %s", got)
	}
	granted := time.Date(2026, 2, 28, 10, 0, 0, 0, time.UTC)
	if got := LabelExpiry(granted, 0); !got.Equal(time.Date(2029, 2, 28, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("LabelExpiry: got %v", got)
	}
	if !LabelHasExpired(expires, expires) || LabelHasExpired(expires, day(1)) {
		t.Error("LabelHasExpired wrong at the boundary")
	}
}

func TestSearchLabels(t *testing.T) {
	water := completeLabel()
	water.Normalize()
	school := &LabelApplication{Competencies: LabelCompetencies{Themes: []string{"education"}, Description: "Écoles et cantines"},
		References: []LabelReference{{Title: "Écoles de Thiès", Country: "SN"}}, Conditions: LabelConditions{Languages: []string{"fr", "wo"}}}
	items := []LabelSearchItem{{water, "84"}, {school, "93"}}
	tests := []struct {
		name     string
		q        LabelQuery
		want     []int
		regions  []FacetCount
		language []FacetCount
	}{
		{"all", LabelQuery{}, []int{0, 1}, []FacetCount{{"84", 1}, {"93", 1}}, []FacetCount{{"fr", 2}, {"en", 1}, {"wo", 1}}},
		{"accents", LabelQuery{Text: "ECOLE"}, []int{1}, []FacetCount{{"93", 1}}, []FacetCount{{"fr", 1}, {"wo", 1}}},
		{"references", LabelQuery{Text: "mopti"}, []int{0}, []FacetCount{{"84", 1}}, []FacetCount{{"en", 1}, {"fr", 1}}},
		{"facet keeps its own counts", LabelQuery{Region: "84"}, []int{0}, []FacetCount{{"84", 1}, {"93", 1}}, []FacetCount{{"en", 1}, {"fr", 1}}},
		{"country", LabelQuery{Country: "SN"}, []int{1}, []FacetCount{{"93", 1}}, []FacetCount{{"fr", 1}, {"wo", 1}}},
		{"nothing", LabelQuery{Text: "aéroport"}, nil, []FacetCount{}, []FacetCount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := SearchLabels(items, tt.q)
			if !slices.Equal(got, tt.want) || !slices.Equal(f.Regions, tt.regions) || !slices.Equal(f.Languages, tt.language) {
				t.Errorf("got %v, regions %v, languages %v; want %v, %v, %v", got, f.Regions, f.Languages, tt.want, tt.regions, tt.language)
			}
		})
	}
	for _, q := range []LabelQuery{{Theme: "astrology"}, {Region: "99"}, {Language: "xx"}, {Country: "ZZ"}} {
		if err := q.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("Validate(%+v): got %v; want invalid", q, err)
		}
	}
}

func TestFilterLabelFacets(t *testing.T) {
	items := []LabelFacetValues{
		{Themes: []string{"water"}, Region: "84", Languages: []string{"fr", "en"}, Countries: []string{"ML"}},
		{Themes: []string{"education"}, Region: "93", Languages: []string{"fr"}, Countries: []string{"SN"}},
		{Themes: []string{"water", "education"}, Region: "", Languages: []string{"es"}, Countries: []string{"SN"}},
	}
	tests := []struct {
		name    string
		q       LabelQuery
		want    []int
		themes  []FacetCount
		regions []FacetCount
	}{
		{"none", LabelQuery{}, []int{0, 1, 2}, []FacetCount{{"education", 2}, {"water", 2}}, []FacetCount{{"84", 1}, {"93", 1}}},
		{"theme keeps its own counts", LabelQuery{Theme: "water"}, []int{0, 2}, []FacetCount{{"education", 2}, {"water", 2}}, []FacetCount{{"84", 1}}},
		{"two facets", LabelQuery{Theme: "education", Country: "SN"}, []int{1, 2}, []FacetCount{{"education", 2}, {"water", 1}}, []FacetCount{{"93", 1}}},
		{"nothing", LabelQuery{Language: "pt"}, nil, []FacetCount{}, []FacetCount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := FilterLabelFacets(items, tt.q)
			if !slices.Equal(got, tt.want) || !slices.Equal(f.Themes, tt.themes) || !slices.Equal(f.Regions, tt.regions) {
				t.Errorf("got %v, themes %v, regions %v; want %v, %v, %v", got, f.Themes, f.Regions, tt.want, tt.themes, tt.regions)
			}
		})
	}
}
