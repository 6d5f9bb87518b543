package coopdec

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// CountryExperience is one line of a labelled authority's evidence: where it
// has worked abroad, when, and how many missions it carried out there.
type CountryExperience struct {
	Country string // ISO 3166-1 alpha-2
	// Regions are the sub-national places worked in, free text or codes;
	// they are compared folded ("Saint-Louis" matches "saint louis").
	Regions  []string
	FromYear int
	ToYear   int // 0: still going on
	Missions int
}

// ExpertiseWindow is a span of whole days, both ends included.
type ExpertiseWindow struct {
	From, To time.Time
}

// ExpertiseAvailability is what a labelled authority states about when its
// experts can leave. Zero From or To leave that side open.
type ExpertiseAvailability struct {
	From, To    time.Time
	Unavailable []ExpertiseWindow
	// MaxMissionDays is the longest mission it can staff; 0 states no limit.
	MaxMissionDays int
}

// ExpertiseProfile is what the matching knows of a labelled authority.
type ExpertiseProfile struct {
	OrganisationID int64
	Name           string
	RegionCode     string   // INSEE code of the authority's région
	Themes         []string // theme codes
	Experience     []CountryExperience
	Languages      []string // ISO 639-1
	Availability   ExpertiseAvailability
	PastRatings    []int // evaluations of its past missions, 1 to 5
}

// MatchRequest is what the matching needs of a mission request.
type MatchRequest struct {
	Country      string // ISO 3166-1 alpha-2
	Region       string // place in the country, free text or code; needs Country
	Themes       []string
	Languages    []string // ISO 639-1
	WindowFrom   time.Time
	WindowTo     time.Time
	DurationDays int
}

// MatchFactor explains part of a score: Key names a message in the
// catalogues (matching.json), Args fill it, and the factor earned Points
// out of Max.
type MatchFactor struct {
	Key    string
	Args   []any
	Points int
	Max    int
}

// MatchBlocker says why an authority cannot take the mission as requested.
type MatchBlocker string

const (
	// MatchNoLanguage: none of the requested languages is spoken.
	MatchNoLanguage MatchBlocker = "no_language"
	// MatchUnavailable: not a single free day in the window.
	MatchUnavailable MatchBlocker = "unavailable"
	// MatchTooLong: the mission is longer than the authority can staff.
	MatchTooLong MatchBlocker = "too_long"
)

// Key returns the catalogue key that explains b.
func (b MatchBlocker) Key() string { return "matching.blocker." + string(b) }

// ExpertiseMatch is one ranked authority: its score in points, out of Max,
// and the factors that make it up (their Points add up to Score). Blockers
// is empty when the authority can take the mission.
type ExpertiseMatch struct {
	OrganisationID int64
	Name           string
	Score          int
	Max            int
	Factors        []MatchFactor
	Blockers       []MatchBlocker
}

// Suitable reports whether nothing blocks the authority.
func (m ExpertiseMatch) Suitable() bool { return len(m.Blockers) == 0 }

// Points of each factor. A factor the request leaves open (no themes, no
// place, no language, no window) is left out of both the score and Max, so
// scores of one request compare, and the explanation only says what was
// asked.
const (
	matchThemesMax    = 30
	matchYearsMax     = 10 // one point a year in the country
	matchMissionsMax  = 10 // two points a mission there
	matchRecentMax    = 5  // worked there within matchRecentYears
	matchCountryMax   = matchYearsMax + matchMissionsMax + matchRecentMax
	matchRegionMax    = 10
	matchLanguagesMax = 15
	matchAvailMax     = 10
	matchRatingsMax   = 10

	matchRecentYears = 3
	// matchListMax caps what one request may ask, so sets fit in a bitmask.
	matchListMax = 64
)

// RankExpertise ranks profiles for req, best first, and returns at most
// limit of them (all when limit <= 0) with their explanations.
//
// Authorities that cannot take the mission at all (no requested language
// spoken, no free day in the window, missions longer than they can staff)
// are kept, so an officer sees who was close and why, but flagged with
// Blockers and ranked after every suitable one whatever their score.
// Otherwise the order is: score, then missions in the country, then years
// there, then name, then organisation ID, so equal inputs rank the same.
func RankExpertise(req MatchRequest, profiles []ExpertiseProfile, now time.Time, limit int) []ExpertiseMatch {
	q := prepareMatch(req, now)
	evals := make([]matchEval, len(profiles))
	for i := range profiles {
		evals[i] = q.eval(&profiles[i])
		evals[i].idx = int32(i)
	}
	cmpEval := func(a, b matchEval) int {
		if (a.blockers == 0) != (b.blockers == 0) {
			if a.blockers == 0 {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(b.missions, a.missions); c != 0 {
			return c
		}
		if c := cmp.Compare(bits.OnesCount64(b.years), bits.OnesCount64(a.years)); c != 0 {
			return c
		}
		if c := strings.Compare(profiles[a.idx].Name, profiles[b.idx].Name); c != 0 {
			return c
		}
		return cmp.Compare(profiles[a.idx].OrganisationID, profiles[b.idx].OrganisationID)
	}
	if limit <= 0 || limit > len(evals) {
		limit = len(evals)
	}
	if limit < len(evals)/8 {
		evals = topMatches(evals, limit, cmpEval)
	} else {
		slices.SortFunc(evals, cmpEval)
		evals = evals[:limit]
	}
	out := make([]ExpertiseMatch, len(evals))
	for i, e := range evals {
		p := &profiles[e.idx]
		out[i] = ExpertiseMatch{
			OrganisationID: p.OrganisationID,
			Name:           p.Name,
			Score:          e.score,
			Max:            q.max,
			Factors:        q.explain(p, &e),
			Blockers:       e.blockerList(),
		}
	}
	return out
}

// topMatches returns the best limit evals in order, keeping a sorted window
// of them instead of sorting them all.
func topMatches(evals []matchEval, limit int, cmpEval func(a, b matchEval) int) []matchEval {
	top := make([]matchEval, 0, limit+1)
	for _, e := range evals {
		if len(top) == limit && cmpEval(e, top[limit-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, e, cmpEval)
		top = slices.Insert(top, i, e)
		if len(top) > limit {
			top = top[:limit]
		}
	}
	return top
}

// matchQuery is a request made ready for scoring many profiles.
type matchQuery struct {
	req        MatchRequest
	themes     []string
	languages  []string
	region     string // folded
	places     map[string]bool
	nowYear    int
	winFrom    int64 // day numbers, both included
	winTo      int64
	hasWindow  bool
	duration   int
	max        int
	hasCountry bool
}

func prepareMatch(req MatchRequest, now time.Time) *matchQuery {
	q := &matchQuery{req: req, nowYear: now.UTC().Year(), duration: max(req.DurationDays, 1)}
	q.themes = uniqueCodes(req.Themes, strings.ToLower)
	q.languages = uniqueCodes(req.Languages, strings.ToLower)
	q.hasCountry = strings.TrimSpace(req.Country) != ""
	q.req.Country = strings.ToUpper(strings.TrimSpace(req.Country))
	if q.hasCountry {
		q.region = Fold(req.Region)
	}
	if !req.WindowFrom.IsZero() && !req.WindowTo.IsZero() {
		q.winFrom, q.winTo = dayNumber(req.WindowFrom), dayNumber(req.WindowTo)
		q.hasWindow = q.winFrom <= q.winTo
	}
	if len(q.themes) > 0 {
		q.max += matchThemesMax
	}
	if q.hasCountry {
		q.max += matchCountryMax
	}
	if q.region != "" {
		q.max += matchRegionMax
	}
	if len(q.languages) > 0 {
		q.max += matchLanguagesMax
	}
	if q.hasWindow {
		q.max += matchAvailMax
	}
	q.max += matchRatingsMax
	return q
}

// uniqueCodes trims and normalises codes, drops blanks and repeats, and
// keeps at most matchListMax of them.
func uniqueCodes(codes []string, norm func(string) string) []string {
	var out []string
	for _, c := range codes {
		c = norm(strings.TrimSpace(c))
		if c != "" && !slices.Contains(out, c) && len(out) < matchListMax {
			out = append(out, c)
		}
	}
	return out
}

// dayNumber counts days since 1970-01-01 of t's calendar date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// matchEval holds what scoring a profile found, in plain numbers so that
// scoring 10,000 profiles allocates nothing; explain turns it into words.
type matchEval struct {
	idx        int32
	score      int
	themes     uint64 // bit i: q.themes[i] covered
	languages  uint64 // bit i: q.languages[i] spoken
	years      uint64 // bit i: worked in the country in year nowYear-i
	missions   int
	lastYear   int
	regionHit  int16 // index+1 in the profile's experience, 0 if none
	regionAt   int16 // index+1 in that experience's Regions
	freeRun    int   // longest run of free days in the window
	ratingsSum int
	ratingsN   int
	blockers   uint8 // one bit per blocker, in matchBlockers order
}

var matchBlockers = [...]MatchBlocker{MatchNoLanguage, MatchUnavailable, MatchTooLong}

func (e *matchEval) blockerList() []MatchBlocker {
	if e.blockers == 0 {
		return nil
	}
	var out []MatchBlocker
	for i, b := range matchBlockers {
		if e.blockers&(1<<i) != 0 {
			out = append(out, b)
		}
	}
	return out
}

func (q *matchQuery) eval(p *ExpertiseProfile) matchEval {
	var e matchEval
	for i, t := range q.themes {
		for _, pt := range p.Themes {
			if strings.EqualFold(t, pt) {
				e.themes |= 1 << i
				break
			}
		}
	}
	for i, l := range q.languages {
		for _, pl := range p.Languages {
			if strings.EqualFold(l, pl) {
				e.languages |= 1 << i
				break
			}
		}
	}
	if len(q.languages) > 0 && e.languages == 0 {
		e.blockers |= 1 << 0
	}
	if q.hasCountry {
		for xi := range p.Experience {
			x := &p.Experience[xi]
			if !strings.EqualFold(x.Country, q.req.Country) {
				continue
			}
			to := x.ToYear
			if to == 0 || to > q.nowYear {
				to = q.nowYear
			}
			from := x.FromYear
			if from <= 0 {
				from = to // years unknown: count the last one only
			}
			from = max(from, q.nowYear-63)
			for y := from; y <= to; y++ {
				e.years |= 1 << (q.nowYear - y)
			}
			if from <= to && to > e.lastYear {
				e.lastYear = to
			}
			e.missions += max(x.Missions, 0)
			if q.region != "" && e.regionHit == 0 {
				for ri, r := range x.Regions {
					if q.matchPlace(r) {
						e.regionHit, e.regionAt = int16(xi+1), int16(ri+1)
						break
					}
				}
			}
		}
	}
	a := &p.Availability
	if a.MaxMissionDays > 0 && a.MaxMissionDays < q.req.DurationDays {
		e.blockers |= 1 << 2
	}
	if q.hasWindow {
		e.freeRun = q.longestFreeRun(a)
		if e.freeRun == 0 {
			e.blockers |= 1 << 1
		}
	}
	for _, r := range p.PastRatings {
		if r >= 1 && r <= 5 {
			e.ratingsSum += r
			e.ratingsN++
		}
	}
	e.score = q.themePoints(&e) + q.countryPoints(&e) + q.regionPoints(&e) +
		q.languagePoints(&e) + q.availPoints(&e) + ratingPoints(&e)
	return e
}

// matchPlace compares a profile's place with the requested one, folding
// the former only when a cheap look says it may match, and once per
// distinct spelling since many profiles name the same places.
func (q *matchQuery) matchPlace(place string) bool {
	if place == "" {
		return false
	}
	if strings.EqualFold(q.region, place) {
		return true
	}
	if len(place) < len(q.region)/2 || len(place) > 3*len(q.region)+8 {
		return false
	}
	hit, ok := q.places[place]
	if !ok {
		hit = Fold(place) == q.region
		if q.places == nil {
			q.places = map[string]bool{}
		}
		q.places[place] = hit
	}
	return hit
}

// longestFreeRun returns the longest run of days in the window that falls
// within the stated availability and outside every unavailable window.
func (q *matchQuery) longestFreeRun(a *ExpertiseAvailability) int {
	lo, hi := q.winFrom, q.winTo
	if !a.From.IsZero() {
		lo = max(lo, dayNumber(a.From))
	}
	if !a.To.IsZero() {
		hi = min(hi, dayNumber(a.To))
	}
	best := int64(0)
	for cur := lo; cur <= hi; {
		// Skip past every unavailable window covering cur.
		moved := true
		for moved {
			moved = false
			for _, w := range a.Unavailable {
				f, t := dayNumber(w.From), dayNumber(w.To)
				if f <= cur && cur <= t {
					cur, moved = t+1, true
				}
			}
		}
		if cur > hi {
			break
		}
		end := hi
		for _, w := range a.Unavailable {
			if f := dayNumber(w.From); f > cur && f-1 < end && dayNumber(w.To) >= f {
				end = f - 1
			}
		}
		best = max(best, end-cur+1)
		cur = end + 1
	}
	return int(best)
}

func (q *matchQuery) themePoints(e *matchEval) int {
	if len(q.themes) == 0 {
		return 0
	}
	return matchThemesMax * bits.OnesCount64(e.themes) / len(q.themes)
}

func (q *matchQuery) yearsPoints(e *matchEval) int {
	return min(bits.OnesCount64(e.years), matchYearsMax)
}

func (q *matchQuery) missionsPoints(e *matchEval) int {
	return min(2*e.missions, matchMissionsMax)
}

func (q *matchQuery) recentPoints(e *matchEval) int {
	if e.lastYear > 0 && e.lastYear >= q.nowYear-matchRecentYears {
		return matchRecentMax
	}
	return 0
}

func (q *matchQuery) countryPoints(e *matchEval) int {
	if !q.hasCountry {
		return 0
	}
	return q.yearsPoints(e) + q.missionsPoints(e) + q.recentPoints(e)
}

func (q *matchQuery) regionPoints(e *matchEval) int {
	if e.regionHit > 0 {
		return matchRegionMax
	}
	return 0
}

func (q *matchQuery) languagePoints(e *matchEval) int {
	if len(q.languages) == 0 {
		return 0
	}
	return matchLanguagesMax * bits.OnesCount64(e.languages) / len(q.languages)
}

func (q *matchQuery) availPoints(e *matchEval) int {
	if !q.hasWindow {
		return 0
	}
	return matchAvailMax * min(e.freeRun, q.duration) / q.duration
}

// ratingPoints maps the average rating from 1 (no point) to 5 (all); an
// authority never evaluated gets half, neither rewarded nor held back.
func ratingPoints(e *matchEval) int {
	if e.ratingsN == 0 {
		return matchRatingsMax / 2
	}
	return matchRatingsMax * (e.ratingsSum - e.ratingsN) / (4 * e.ratingsN)
}

// explain writes e out as factors; only the ranked few pay for it.
func (q *matchQuery) explain(p *ExpertiseProfile, e *matchEval) []MatchFactor {
	fs := make([]MatchFactor, 0, 8)
	if n := len(q.themes); n > 0 {
		var covered MatchThemesArg
		for i, t := range q.themes {
			if e.themes&(1<<i) != 0 {
				covered = append(covered, t)
			}
		}
		f := MatchFactor{Key: "matching.factor.themes", Args: []any{covered, len(covered), n}, Points: q.themePoints(e), Max: matchThemesMax}
		if len(covered) == 0 {
			f.Key, f.Args = "matching.factor.themes_none", []any{n}
		}
		fs = append(fs, f)
	}
	if q.hasCountry {
		c := MatchCountryArg(q.req.Country)
		if e.lastYear == 0 && e.missions == 0 {
			fs = append(fs, MatchFactor{Key: "matching.factor.country_none", Args: []any{c}, Max: matchCountryMax})
		} else {
			fs = append(fs,
				MatchFactor{Key: "matching.factor.country_years", Args: []any{c, bits.OnesCount64(e.years)}, Points: q.yearsPoints(e), Max: matchYearsMax},
				MatchFactor{Key: "matching.factor.country_missions", Args: []any{c, e.missions}, Points: q.missionsPoints(e), Max: matchMissionsMax})
			key := "matching.factor.country_recent"
			if q.recentPoints(e) == 0 {
				key = "matching.factor.country_old"
			}
			fs = append(fs, MatchFactor{Key: key, Args: []any{e.lastYear}, Points: q.recentPoints(e), Max: matchRecentMax})
		}
	}
	if q.region != "" {
		if e.regionHit > 0 {
			place := p.Experience[e.regionHit-1].Regions[e.regionAt-1]
			fs = append(fs, MatchFactor{Key: "matching.factor.region", Args: []any{place}, Points: matchRegionMax, Max: matchRegionMax})
		} else {
			fs = append(fs, MatchFactor{Key: "matching.factor.region_none", Args: []any{strings.TrimSpace(q.req.Region)}, Max: matchRegionMax})
		}
	}
	if n := len(q.languages); n > 0 {
		var shared MatchLanguagesArg
		for i, l := range q.languages {
			if e.languages&(1<<i) != 0 {
				shared = append(shared, l)
			}
		}
		f := MatchFactor{Key: "matching.factor.languages", Args: []any{shared, len(shared), n}, Points: q.languagePoints(e), Max: matchLanguagesMax}
		if len(shared) == 0 {
			f.Key, f.Args = "matching.factor.languages_none", []any{MatchLanguagesArg(slices.Clone(q.languages))}
		}
		fs = append(fs, f)
	}
	if q.hasWindow {
		f := MatchFactor{Key: "matching.factor.availability", Args: []any{e.freeRun, q.duration}, Points: q.availPoints(e), Max: matchAvailMax}
		switch {
		case e.freeRun == 0:
			f.Key, f.Args = "matching.factor.availability_none", nil
		case e.freeRun >= q.duration:
			f.Key, f.Args = "matching.factor.availability_full", []any{q.duration}
		}
		fs = append(fs, f)
	}
	if e.blockers&(1<<2) != 0 {
		fs = append(fs, MatchFactor{Key: "matching.factor.duration_too_long", Args: []any{p.Availability.MaxMissionDays, q.req.DurationDays}})
	}
	if e.ratingsN == 0 {
		fs = append(fs, MatchFactor{Key: "matching.factor.ratings_none", Points: ratingPoints(e), Max: matchRatingsMax})
	} else {
		avg := MatchTenthsArg((e.ratingsSum*20 + e.ratingsN) / (2 * e.ratingsN)) // rounded to the nearest tenth
		fs = append(fs, MatchFactor{Key: "matching.factor.ratings", Args: []any{avg, e.ratingsN}, Points: ratingPoints(e), Max: matchRatingsMax})
	}
	return fs
}

// Message args of the explanations, put in the reader's words by
// MatchFactor.MessageArgs. On their own they print codes and numbers.
type (
	MatchThemesArg    []string // theme codes
	MatchLanguagesArg []string // ISO 639-1 codes
	MatchCountryArg   string   // ISO 3166-1 alpha-2 code
	MatchTenthsArg    int      // a number in tenths: 43 is 4.3
)

func (a MatchThemesArg) String() string    { return strings.Join(a, ", ") }
func (a MatchLanguagesArg) String() string { return strings.Join(a, ", ") }
func (a MatchTenthsArg) String() string    { return formatTenths("en", int(a)) }

// MessageArgs returns f.Args in lang's words: themes, languages and the
// country named in lang, averages written with lang's decimal mark.
func (f MatchFactor) MessageArgs(lang string) []any {
	out := LocalizeArgs(lang, f.Args, nil)
	for i, a := range out {
		switch v := a.(type) {
		case MatchThemesArg:
			names := make([]string, len(v))
			for j, code := range v {
				names[j] = eligThemeName(lang, code)
			}
			out[i] = strings.Join(names, ", ")
		case MatchLanguagesArg:
			names := make([]string, len(v))
			for j, code := range v {
				names[j] = matchLanguageName(lang, code)
			}
			out[i] = strings.Join(names, ", ")
		case MatchCountryArg:
			out[i] = Country{Code: string(v)}.Name(lang)
		case MatchTenthsArg:
			out[i] = formatTenths(lang, int(v))
		}
	}
	return out
}

func formatTenths(lang string, v int) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	mark := ","
	if lang == "en" {
		mark = "."
	}
	return sign + strconv.Itoa(v/10) + mark + strconv.Itoa(v%10)
}

var languageNamers = [len(refLangs)]display.Namer{
	display.Languages(language.French),
	display.Languages(language.English),
	display.Languages(language.Spanish),
	display.Languages(language.Portuguese),
}

// matchLanguageName names the ISO 639-1 language code in lang (French for
// an unsupported lang), or returns the code when it is unknown.
func matchLanguageName(lang, code string) string {
	i := max(slices.Index(refLangs[:], lang), 0)
	b, err := language.ParseBase(strings.ToLower(strings.TrimSpace(code)))
	if err != nil {
		return code
	}
	if name := languageNamers[i].Name(b); name != "" {
		return name
	}
	return code
}
