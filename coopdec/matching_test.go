package coopdec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/i18n"
)

var matchNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func matchDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// factor returns the factor of m with a key starting with prefix.
func factor(t *testing.T, m ExpertiseMatch, prefix string) MatchFactor {
	t.Helper()
	for _, f := range m.Factors {
		if strings.HasPrefix(f.Key, prefix) {
			return f
		}
	}
	t.Fatalf("no factor %s in %+v", prefix, m.Factors)
	return MatchFactor{}
}

func rankOne(req MatchRequest, p ExpertiseProfile) ExpertiseMatch {
	return RankExpertise(req, []ExpertiseProfile{p}, matchNow, 0)[0]
}

func TestMatchThemes(t *testing.T) {
	req := MatchRequest{Themes: []string{"culture", "Heritage", "tourism", "culture"}}
	for _, tc := range []struct {
		name   string
		themes []string
		key    string
		args   []any
		points int
	}{
		{"all", []string{"tourism", "heritage", "culture"}, "matching.factor.themes", []any{MatchThemesArg{"culture", "heritage", "tourism"}, 3, 3}, 30},
		{"two of three", []string{"culture", "tourism", "transport"}, "matching.factor.themes", []any{MatchThemesArg{"culture", "tourism"}, 2, 3}, 20},
		{"one of three", []string{"HERITAGE"}, "matching.factor.themes", []any{MatchThemesArg{"heritage"}, 1, 3}, 10},
		{"none", []string{"transport"}, "matching.factor.themes_none", []any{3}, 0},
		{"no themes", nil, "matching.factor.themes_none", []any{3}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := factor(t, rankOne(req, ExpertiseProfile{Themes: tc.themes}), "matching.factor.themes")
			if f.Key != tc.key || !reflect.DeepEqual(f.Args, tc.args) || f.Points != tc.points || f.Max != matchThemesMax {
				t.Errorf("got %+v; want %s %v %d/%d", f, tc.key, tc.args, tc.points, matchThemesMax)
			}
		})
	}
}

func TestMatchCountryExperience(t *testing.T) {
	req := MatchRequest{Country: "sn"}
	type want struct {
		key    string
		args   []any
		points int
	}
	for _, tc := range []struct {
		name string
		exp  []CountryExperience
		want []want
	}{
		{"none", nil, []want{{"matching.factor.country_none", []any{MatchCountryArg("SN")}, 0}}},
		{"other country only", []CountryExperience{{Country: "ML", FromYear: 2020, ToYear: 2025, Missions: 4}},
			[]want{{"matching.factor.country_none", []any{MatchCountryArg("SN")}, 0}}},
		{"recent", []CountryExperience{{Country: "SN", FromYear: 2022, ToYear: 2024, Missions: 2}}, []want{
			{"matching.factor.country_years", []any{MatchCountryArg("SN"), 3}, 3},
			{"matching.factor.country_missions", []any{MatchCountryArg("SN"), 2}, 4},
			{"matching.factor.country_recent", []any{2024}, 5},
		}},
		{"ongoing, overlapping lines counted once, capped", []CountryExperience{
			{Country: "SN", FromYear: 2010, Missions: 3},
			{Country: "sn", FromYear: 2012, ToYear: 2014, Missions: 4},
		}, []want{
			{"matching.factor.country_years", []any{MatchCountryArg("SN"), 17}, 10},
			{"matching.factor.country_missions", []any{MatchCountryArg("SN"), 7}, 10},
			{"matching.factor.country_recent", []any{2026}, 5},
		}},
		{"old", []CountryExperience{{Country: "SN", FromYear: 2005, ToYear: 2008, Missions: 1}}, []want{
			{"matching.factor.country_years", []any{MatchCountryArg("SN"), 4}, 4},
			{"matching.factor.country_missions", []any{MatchCountryArg("SN"), 1}, 2},
			{"matching.factor.country_old", []any{2008}, 0},
		}},
		{"unknown start year counts one year", []CountryExperience{{Country: "SN", ToYear: 2019}}, []want{
			{"matching.factor.country_years", []any{MatchCountryArg("SN"), 1}, 1},
			{"matching.factor.country_missions", []any{MatchCountryArg("SN"), 0}, 0},
			{"matching.factor.country_old", []any{2019}, 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := rankOne(req, ExpertiseProfile{Experience: tc.exp})
			var got []want
			for _, f := range m.Factors {
				if strings.HasPrefix(f.Key, "matching.factor.country") {
					got = append(got, want{f.Key, f.Args, f.Points})
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestMatchRegion(t *testing.T) {
	exp := []CountryExperience{
		{Country: "ML", Regions: []string{"Saint-Louis"}},
		{Country: "SN", FromYear: 2020, ToYear: 2021, Regions: []string{"Dakar", "Saint-Louis"}},
	}
	for _, tc := range []struct {
		name, country, region string
		key                   string
		args                  []any
		points                int
	}{
		{"same place folded", "SN", "saint louis", "matching.factor.region", []any{"Saint-Louis"}, 10},
		{"same place exact", "SN", "Dakar", "matching.factor.region", []any{"Dakar"}, 10},
		{"place only in another country", "SN", "Ziguinchor", "matching.factor.region_none", []any{"Ziguinchor"}, 0},
		{"not in the requested country", "BF", "Saint-Louis", "matching.factor.region_none", []any{"Saint-Louis"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := factor(t, rankOne(MatchRequest{Country: tc.country, Region: tc.region}, ExpertiseProfile{Experience: exp}), "matching.factor.region")
			if f.Key != tc.key || !reflect.DeepEqual(f.Args, tc.args) || f.Points != tc.points || f.Max != matchRegionMax {
				t.Errorf("got %+v; want %s %v %d", f, tc.key, tc.args, tc.points)
			}
		})
	}
	m := rankOne(MatchRequest{Country: "SN"}, ExpertiseProfile{Experience: exp})
	for _, f := range m.Factors {
		if strings.HasPrefix(f.Key, "matching.factor.region") {
			t.Errorf("no place asked, got factor %+v", f)
		}
	}
}

func TestMatchLanguages(t *testing.T) {
	req := MatchRequest{Languages: []string{"fr", "pt", "en"}}
	for _, tc := range []struct {
		name    string
		langs   []string
		key     string
		args    []any
		points  int
		blocked bool
	}{
		{"all", []string{"en", "FR", "pt", "de"}, "matching.factor.languages", []any{MatchLanguagesArg{"fr", "pt", "en"}, 3, 3}, 15, false},
		{"one", []string{"pt"}, "matching.factor.languages", []any{MatchLanguagesArg{"pt"}, 1, 3}, 5, false},
		{"none", []string{"ar"}, "matching.factor.languages_none", []any{MatchLanguagesArg{"fr", "pt", "en"}}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := rankOne(req, ExpertiseProfile{Languages: tc.langs})
			f := factor(t, m, "matching.factor.languages")
			if f.Key != tc.key || !reflect.DeepEqual(f.Args, tc.args) || f.Points != tc.points {
				t.Errorf("got %+v; want %s %v %d", f, tc.key, tc.args, tc.points)
			}
			if got := slices.Contains(m.Blockers, MatchNoLanguage); got != tc.blocked {
				t.Errorf("blocked %v; want %v", got, tc.blocked)
			}
		})
	}
}

func TestMatchAvailability(t *testing.T) {
	req := MatchRequest{WindowFrom: matchDay("2026-05-01"), WindowTo: matchDay("2026-05-31"), DurationDays: 10}
	w := func(from, to string) ExpertiseWindow { return ExpertiseWindow{matchDay(from), matchDay(to)} }
	for _, tc := range []struct {
		name    string
		av      ExpertiseAvailability
		key     string
		args    []any
		points  int
		blocker MatchBlocker
	}{
		{"open", ExpertiseAvailability{}, "matching.factor.availability_full", []any{10}, 10, ""},
		{"from mid-month", ExpertiseAvailability{From: matchDay("2026-05-25")}, "matching.factor.availability", []any{7, 10}, 7, ""},
		{"until the 4th", ExpertiseAvailability{To: matchDay("2026-05-04")}, "matching.factor.availability", []any{4, 10}, 4, ""},
		{"gaps", ExpertiseAvailability{Unavailable: []ExpertiseWindow{w("2026-05-08", "2026-05-20"), w("2026-05-01", "2026-05-03"), w("2026-05-27", "2026-06-10")}},
			"matching.factor.availability", []any{6, 10}, 6, ""},
		{"overlapping unavailable windows", ExpertiseAvailability{Unavailable: []ExpertiseWindow{w("2026-04-01", "2026-05-10"), w("2026-05-05", "2026-05-25")}},
			"matching.factor.availability", []any{6, 10}, 6, ""},
		{"one long gap fits", ExpertiseAvailability{Unavailable: []ExpertiseWindow{w("2026-05-01", "2026-05-15")}}, "matching.factor.availability_full", []any{10}, 10, ""},
		{"whole window taken", ExpertiseAvailability{Unavailable: []ExpertiseWindow{w("2026-04-20", "2026-06-02")}}, "matching.factor.availability_none", nil, 0, MatchUnavailable},
		{"available after the window", ExpertiseAvailability{From: matchDay("2026-06-01")}, "matching.factor.availability_none", nil, 0, MatchUnavailable},
		{"too long for the authority", ExpertiseAvailability{MaxMissionDays: 7}, "matching.factor.availability_full", []any{10}, 10, MatchTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := rankOne(req, ExpertiseProfile{Availability: tc.av})
			f := factor(t, m, "matching.factor.availability")
			if f.Key != tc.key || !reflect.DeepEqual(f.Args, tc.args) || f.Points != tc.points || f.Max != matchAvailMax {
				t.Errorf("got %+v; want %s %v %d", f, tc.key, tc.args, tc.points)
			}
			var want []MatchBlocker
			if tc.blocker != "" {
				want = []MatchBlocker{tc.blocker}
			}
			if !slices.Equal(m.Blockers, want) {
				t.Errorf("blockers %v; want %v", m.Blockers, want)
			}
			if tc.blocker == MatchTooLong {
				d := factor(t, m, "matching.factor.duration_too_long")
				if !reflect.DeepEqual(d.Args, []any{7, 10}) || d.Points != 0 || d.Max != 0 {
					t.Errorf("got %+v; want 7 of 10 days, no points", d)
				}
			}
		})
	}
}

func TestMatchRatings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ratings []int
		key     string
		args    []any
		points  int
	}{
		{"never evaluated", nil, "matching.factor.ratings_none", nil, 5},
		{"all fives", []int{5, 5}, "matching.factor.ratings", []any{MatchTenthsArg(50), 2}, 10},
		{"all ones", []int{1}, "matching.factor.ratings", []any{MatchTenthsArg(10), 1}, 0},
		{"mixed", []int{4, 4, 5}, "matching.factor.ratings", []any{MatchTenthsArg(43), 3}, 8},
		{"out of scale ignored", []int{0, 9, 3}, "matching.factor.ratings", []any{MatchTenthsArg(30), 1}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := factor(t, rankOne(MatchRequest{}, ExpertiseProfile{PastRatings: tc.ratings}), "matching.factor.ratings")
			if f.Key != tc.key || !reflect.DeepEqual(f.Args, tc.args) || f.Points != tc.points || f.Max != matchRatingsMax {
				t.Errorf("got %+v; want %s %v %d", f, tc.key, tc.args, tc.points)
			}
		})
	}
}

func TestMatchMaxFollowsRequest(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  MatchRequest
		max  int
	}{
		{"nothing asked", MatchRequest{}, 10},
		{"everything asked", MatchRequest{Country: "SN", Region: "Dakar", Themes: []string{"culture"}, Languages: []string{"fr"},
			WindowFrom: matchDay("2026-05-01"), WindowTo: matchDay("2026-05-31"), DurationDays: 5}, 100},
		{"country without place", MatchRequest{Country: "SN", Region: "  "}, 35},
		{"window backwards is no window", MatchRequest{WindowFrom: matchDay("2026-05-31"), WindowTo: matchDay("2026-05-01")}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := rankOne(tc.req, ExpertiseProfile{})
			if m.Max != tc.max {
				t.Errorf("max %d; want %d", m.Max, tc.max)
			}
			sum := 0
			for _, f := range m.Factors {
				sum += f.Max
			}
			if sum != m.Max {
				t.Errorf("factors' max add up to %d; want %d", sum, m.Max)
			}
		})
	}
}

func TestRankExpertiseOrder(t *testing.T) {
	req := MatchRequest{Country: "SN", Themes: []string{"culture"}, Languages: []string{"fr"},
		WindowFrom: matchDay("2026-05-01"), WindowTo: matchDay("2026-05-31"), DurationDays: 5}
	p := func(id int64, name string, themes []string, missions, fromYear int, langs ...string) ExpertiseProfile {
		var exp []CountryExperience
		if missions > 0 || fromYear > 0 {
			exp = []CountryExperience{{Country: "SN", FromYear: fromYear, ToYear: 2020, Missions: missions}}
		}
		return ExpertiseProfile{OrganisationID: id, Name: name, Themes: themes, Languages: langs, Experience: exp}
	}
	culture := []string{"culture"}
	profiles := []ExpertiseProfile{
		p(1, "Zeta", culture, 0, 0, "fr"),                           // themes 30, languages 15, window 10, no rating 5: 60
		p(2, "Alpha", culture, 0, 0, "fr"),                          // 60, same as Zeta: name first
		p(3, "Best", culture, 5, 2011, "fr"),                        // 60 + 10 years + 10 missions, not recent: 80
		p(4, "No language, best expertise", culture, 5, 2011, "ar"), // blocked, 65: after every suitable one
		p(5, "More missions", nil, 3, 2019, "fr"),                   // 30 + 2 years + 6 for missions: 38
		p(6, "More years", nil, 2, 2017, "fr"),                      // 30 + 4 years + 4 for missions: 38, fewer missions
		p(7, "Same years", nil, 2, 2017, "fr"),                      // 38, same missions and years as 6: name
		p(8, "Alpha", culture, 0, 0, "fr"),                          // same as 2 but for the ID
		{OrganisationID: 9, Name: "Away", Themes: culture, Languages: []string{"fr"}, // blocked, lower score
			Availability: ExpertiseAvailability{From: matchDay("2027-01-01")}},
	}
	want := []int64{3, 2, 8, 1, 5, 6, 7, 4, 9}
	check := func(t *testing.T, got []ExpertiseMatch, want []int64) {
		t.Helper()
		var ids []int64
		for _, m := range got {
			ids = append(ids, m.OrganisationID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("order %v; want %v", ids, want)
		}
	}
	got := RankExpertise(req, profiles, matchNow, 0)
	check(t, got, want)
	if got[0].Score != 80 || !got[0].Suitable() || got[7].Suitable() || !slices.Equal(got[7].Blockers, []MatchBlocker{MatchNoLanguage}) {
		t.Errorf("got first %+v, eighth %+v", got[0], got[7])
	}
	if got[7].Score != 65 || got[7].Score <= got[3].Score {
		t.Errorf("a blocked profile keeps its score, ranked after lower ones: got %d", got[7].Score)
	}

	// The same order whatever the input order and whatever the limit.
	rev := slices.Clone(profiles)
	slices.Reverse(rev)
	check(t, RankExpertise(req, rev, matchNow, 0), want)
	for limit := 1; limit <= len(profiles)+1; limit++ {
		check(t, RankExpertise(req, rev, matchNow, limit), want[:min(limit, len(want))])
	}
	if got := RankExpertise(req, nil, matchNow, 5); len(got) != 0 {
		t.Errorf("got %v for no profile", got)
	}
}

// TestRankExpertiseTopMatchesSelection exercises the path that keeps the
// best few of many profiles rather than sorting them all.
func TestRankExpertiseTopMatchesSelection(t *testing.T) {
	req, profiles := benchMatchSet(2000)
	all := RankExpertise(req, profiles, matchNow, 0)
	for _, limit := range []int{1, 10, 50, 249} {
		top := RankExpertise(req, profiles, matchNow, limit)
		if !reflect.DeepEqual(top, all[:limit]) {
			t.Errorf("limit %d: top differs from the head of the full ranking", limit)
		}
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.Suitable() == b.Suitable() && a.Score < b.Score || !a.Suitable() && b.Suitable() {
			t.Fatalf("rank %d (%d, %v) before (%d, %v)", i, a.Score, a.Suitable(), b.Score, b.Suitable())
		}
	}
}

func TestMatchFactorsAddUp(t *testing.T) {
	req, profiles := benchMatchSet(500)
	for _, m := range RankExpertise(req, profiles, matchNow, 0) {
		sum, maxSum := 0, 0
		for _, f := range m.Factors {
			if f.Points < 0 || f.Points > f.Max {
				t.Errorf("%s: factor %+v out of its bounds", m.Name, f)
			}
			sum += f.Points
			maxSum += f.Max
		}
		if sum != m.Score || maxSum != m.Max {
			t.Fatalf("%s: factors add up to %d/%d; score %d/%d", m.Name, sum, maxSum, m.Score, m.Max)
		}
	}
}

func TestMatchExplanationsReadable(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	req := MatchRequest{Country: "SN", Region: "Saint-Louis", Themes: []string{"culture", "heritage"}, Languages: []string{"fr", "wo"},
		WindowFrom: matchDay("2026-05-01"), WindowTo: matchDay("2026-05-31"), DurationDays: 12}
	profiles := []ExpertiseProfile{
		{Name: "Full", Themes: []string{"culture"}, Languages: []string{"fr"}, PastRatings: []int{4, 5},
			Experience:   []CountryExperience{{Country: "SN", FromYear: 2015, ToYear: 2018, Missions: 2, Regions: []string{"Saint Louis"}}},
			Availability: ExpertiseAvailability{From: matchDay("2026-05-20"), MaxMissionDays: 20}},
		{Name: "Empty", Themes: []string{"transport"}, Languages: []string{"de"}, Availability: ExpertiseAvailability{To: matchDay("2026-04-01"), MaxMissionDays: 3}},
		{Name: "Full window", Availability: ExpertiseAvailability{From: matchDay("2026-01-01")}},
	}
	keys := map[string]bool{}
	for _, m := range RankExpertise(req, profiles, matchNow, 0) {
		for _, b := range m.Blockers {
			keys[b.Key()] = true
			for _, lang := range i18n.Supported {
				if !cat.Has(b.Key()) || strings.Contains(cat.T(lang, b.Key()), "%!") {
					t.Errorf("%s: blocker %s unreadable", lang, b.Key())
				}
			}
		}
		for _, f := range m.Factors {
			keys[f.Key] = true
			if !cat.Has(f.Key) {
				t.Errorf("key %s missing from the catalogues", f.Key)
				continue
			}
			for _, lang := range i18n.Supported {
				if s := cat.T(lang, f.Key, f.MessageArgs(lang)...); strings.Contains(s, "%!") {
					t.Errorf("%s: %s reads %q", lang, f.Key, s)
				}
			}
		}
	}
	if len(keys) < 15 {
		t.Errorf("only %d keys exercised: %v", len(keys), keys)
	}
	full := RankExpertise(req, profiles[:1], matchNow, 0)[0]
	var fr []string
	for _, f := range full.Factors {
		fr = append(fr, cat.T("fr", f.Key, f.MessageArgs("fr")...))
	}
	got := strings.Join(fr, "\n")
	for _, want := range []string{
		"Thématiques couvertes : Culture (1/2)",
		"Sénégal : 4 année(s) d'expérience",
		"A déjà travaillé sur place : Saint Louis",
		"Langues communes : français (1/2)",
		"Disponible sur la période pour les 12 jours demandés",
		"4,5 / 5 en moyenne sur 2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("French explanation lacks %q:\n%s", want, got)
		}
	}
	if s := cat.T("en", "matching.factor.ratings", MatchFactor{Args: []any{MatchTenthsArg(43), 3}}.MessageArgs("en")...); !strings.Contains(s, "4.3 / 5") {
		t.Errorf("English average reads %q", s)
	}
	if got := fmt.Sprint(MatchThemesArg{"a", "b"}); got != "a, b" {
		t.Errorf("themes arg prints %q", got)
	}
}
