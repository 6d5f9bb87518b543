package coopdec

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchMatchSet returns a request and n labelled authorities drawn from a
// fixed seed: a few themes each, experience in up to four of forty
// countries with places, French plus up to two languages, stated windows
// of unavailability and some past evaluations.
func benchMatchSet(n int) (MatchRequest, []ExpertiseProfile) {
	r := rand.New(rand.NewPCG(6, 2026))
	themeCodes := make([]string, 0, len(themes))
	for _, t := range themes {
		themeCodes = append(themeCodes, t.Code)
	}
	countries := []string{"SN", "ML", "BF", "NE", "MA", "TN", "DZ", "LB", "JO", "EG", "PS", "TR", "MG", "BJ", "TG", "CI", "CM", "GA",
		"HT", "VN", "LA", "KH", "IN", "BR", "AR", "CL", "MX", "CN", "RU", "UA", "AM", "GE", "MD", "RO", "PL", "MR", "CV", "GN", "TD", "CD"}
	places := []string{"Dakar", "Saint-Louis", "Thiès", "Ziguinchor", "Bamako", "Ségou", "Ouagadougou", "Bobo-Dioulasso", "Niamey",
		"Marrakech", "Fès", "Sfax", "Sousse", "Beyrouth", "Tripoli", "Amman", "Hué", "Luang Prabang", "Siem Reap", "Pondichéry"}
	langs := []string{"en", "es", "pt", "ar", "de", "it", "ru", "wo", "zh", "vi"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return base.AddDate(0, 0, d) }

	profiles := make([]ExpertiseProfile, n)
	for i := range profiles {
		p := &profiles[i]
		p.OrganisationID = int64(i + 1)
		p.Name = fmt.Sprintf("Collectivité %05d", r.IntN(n))
		p.RegionCode = fmt.Sprintf("%02d", 11+r.IntN(84))
		for range 1 + r.IntN(4) {
			p.Themes = append(p.Themes, themeCodes[r.IntN(len(themeCodes))])
		}
		for range r.IntN(5) {
			from := 1995 + r.IntN(31)
			x := CountryExperience{Country: countries[r.IntN(len(countries))], FromYear: from, Missions: r.IntN(8)}
			if r.IntN(4) > 0 {
				x.ToYear = from + r.IntN(2027-from)
			}
			for range r.IntN(3) {
				x.Regions = append(x.Regions, places[r.IntN(len(places))])
			}
			p.Experience = append(p.Experience, x)
		}
		if r.IntN(10) > 0 {
			p.Languages = append(p.Languages, "fr")
		}
		for range r.IntN(3) {
			p.Languages = append(p.Languages, langs[r.IntN(len(langs))])
		}
		if r.IntN(3) == 0 {
			p.Availability.From = day(r.IntN(200))
		}
		if r.IntN(3) == 0 {
			p.Availability.To = day(150 + r.IntN(300))
		}
		for range r.IntN(4) {
			d := r.IntN(365)
			p.Availability.Unavailable = append(p.Availability.Unavailable, ExpertiseWindow{day(d), day(d + 3 + r.IntN(40))})
		}
		if r.IntN(4) == 0 {
			p.Availability.MaxMissionDays = 5 + r.IntN(20)
		}
		for range r.IntN(7) {
			p.PastRatings = append(p.PastRatings, 1+r.IntN(5))
		}
	}
	req := MatchRequest{
		Country:      "SN",
		Region:       "Saint Louis",
		Themes:       []string{"water_sanitation", "local_governance", "urban_development"},
		Languages:    []string{"fr", "wo"},
		WindowFrom:   day(120),
		WindowTo:     day(180),
		DurationDays: 10,
	}
	return req, profiles
}

func BenchmarkRankExpertise10000(b *testing.B) {
	req, profiles := benchMatchSet(10000)
	b.ReportAllocs()
	for b.Loop() {
		if got := RankExpertise(req, profiles, matchNow, 20); len(got) != 20 {
			b.Fatalf("got %d matches; want 20", len(got))
		}
	}
}

// BenchmarkRankExpertise10000All ranks and explains every profile, the
// worst case of an unlimited listing.
func BenchmarkRankExpertise10000All(b *testing.B) {
	req, profiles := benchMatchSet(10000)
	b.ReportAllocs()
	for b.Loop() {
		RankExpertise(req, profiles, matchNow, 0)
	}
}
