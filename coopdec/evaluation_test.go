package coopdec

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/i18n"
)

// Organisations and users of the evaluation tests: the Franco-Indian call 7,
// co-managed by the Indian ministry, and Lyon's application 70 with Pune.
const (
	evCallID     int64 = 7
	evIndia      int64 = 101 // co-manages call 7
	evOtherCoMgr int64 = 105 // co-manages another call
	evLyon       int64 = 10  // the lead
	evPune       int64 = 20  // the Indian partner
	evUniversity int64 = 50
	evEmbassyIN  int64 = 60
	evEmbassyTN  int64 = 61
	evAppID      int64 = 70
)

var (
	evOfficer    = &User{ID: 1, Roles: []Role{RoleOfficer}}
	evCoManager  = &User{ID: 2, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: evIndia}}}
	evOtherCoMan = &User{ID: 3, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: evOtherCoMgr}}}
	evAdmin      = &User{ID: 4, Roles: []Role{RoleAdmin}}
	evLeadMember = &User{ID: 5, Memberships: []Membership{{OrganisationID: evLyon, OrganisationKind: OrgFrenchAuthority}}}
	evMemberOnly = &User{ID: 6, Memberships: []Membership{{OrganisationID: evIndia}}} // no co_manager role
	evEval1      = &User{ID: 11, Roles: []Role{RoleEvaluator}, Memberships: []Membership{{OrganisationID: evUniversity}}}
	evEval2      = &User{ID: 12, Roles: []Role{RoleEvaluator}, Memberships: []Membership{{OrganisationID: evIndia}}}
	evEval3      = &User{ID: 13, Roles: []Role{RoleEvaluator}}
	// evOfficerEval is an officer who also evaluates application 70.
	evOfficerEval = &User{ID: 14, Roles: []Role{RoleOfficer, RoleEvaluator}}
	evEmbassyUser = &User{ID: 20, Roles: []Role{RoleEmbassy}, Memberships: []Membership{{OrganisationID: evEmbassyIN, OrganisationKind: OrgEmbassy}}}
	evTunisUser   = &User{ID: 21, Roles: []Role{RoleEmbassy}, Memberships: []Membership{{OrganisationID: evEmbassyTN, OrganisationKind: OrgEmbassy}}}
	evEmbassyNoRl = &User{ID: 22, Memberships: []Membership{{OrganisationID: evEmbassyIN, OrganisationKind: OrgEmbassy}}}
)

var evNow = time.Date(2011, time.October, 10, 9, 0, 0, 0, time.UTC)

// testGrid weighs relevance 3, partnership 2 and feasibility 1: totals run
// from 0 to 60. Relevance needs 2/5, the overall average 3/5 (a total of
// 36).
func testGrid() *Grid {
	return &Grid{
		Criteria: []Criterion{
			{Code: "relevance", Texts: map[string]CriterionText{"fr": {Title: "Pertinence"}, "en": {Title: "Relevance"}}, Weight: 3, Threshold: 4},
			{Code: "partnership", Texts: map[string]CriterionText{"fr": {Title: "Partenariat"}}, Weight: 2},
			{Code: "feasibility", Texts: map[string]CriterionText{"fr": {Title: "Faisabilité"}}, Weight: 1},
		},
		Threshold: 6,
		TieBreaks: []TieBreak{{Kind: TieBreakCriterion, Criterion: "relevance"}, {Kind: TieBreakSubmission}},
	}
}

// scores scores the test grid's criteria in order, with comments.
func scores(relevance, partnership, feasibility Score) []CriterionScore {
	return []CriterionScore{
		{Criterion: "relevance", Score: relevance, Comment: "Pertinent."},
		{Criterion: "partnership", Score: partnership, Comment: "Solide."},
		{Criterion: "feasibility", Score: feasibility, Comment: "Réaliste."},
	}
}

func evCall() *Call {
	return &Call{ID: evCallID, CoManagers: []int64{evIndia}, Status: CallEvaluation,
		Funders: []Funder{{OrganisationID: 100, ShareBP: 5000, EnvelopeCents: 50_000_000}, {OrganisationID: evIndia, ShareBP: 5000, EnvelopeCents: 50_000_000}}}
}

func evApplication() *Application {
	return &Application{
		ID: evAppID, CallID: evCallID, LeadOrganisationID: evLyon, Status: ApplicationSubmitted,
		SubmittedAt: evNow.Add(-30 * 24 * time.Hour), ReceiptNumber: "AAP-FR-IN-2011-0007",
		Countries: []string{"IN"},
		Partners: []Partner{
			{OrganisationID: evLyon, Name: "Lyon", Kind: OrgFrenchAuthority, Country: "FR", Role: RoleLeadPartner},
			{OrganisationID: evPune, Name: "Pune Municipal Corporation", Kind: OrgForeignAuthority, Country: "IN", Role: RolePartner},
			{Name: "Association Eau Vive", Kind: OrgAssociation, Country: "FR", Role: RoleAssociated},
		},
	}
}

func evLead() *Organisation {
	return &Organisation{ID: evLyon, Kind: OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: AuthorityCommune, TerritoryCode: "69123", RegionCode: "84"}
}

// evPanel is application 70 assigned to evaluators 11 (ministry, confirmed,
// submitted), 12 (India, confirmed, draft) and 14 (ministry, confirmed, no
// evaluation yet); 13 was assigned and declared a conflict.
func evPanel() *Panel {
	confirmed := evNow.Add(-time.Hour)
	return &Panel{
		Call:        evCall(),
		Application: evApplication(),
		Assignments: []Assignment{
			{ApplicationID: evAppID, EvaluatorID: 11, Party: MinistryParty, ConfirmedAt: confirmed},
			{ApplicationID: evAppID, EvaluatorID: 12, Party: Party(evIndia), ConfirmedAt: confirmed},
			{ApplicationID: evAppID, EvaluatorID: 14, Party: MinistryParty, ConfirmedAt: confirmed},
			{ApplicationID: evAppID, EvaluatorID: 13, Party: MinistryParty, EndedAt: confirmed, EndReason: EndConflictDeclared},
		},
		Evaluations: []Evaluation{
			{ID: 1, ApplicationID: evAppID, EvaluatorID: 11, Scores: scores(8, 6, 6), Submitted: true, SubmittedAt: confirmed},
			{ID: 2, ApplicationID: evAppID, EvaluatorID: 12, Scores: scores(4, 4, 4)},
		},
	}
}

func TestScoreFormatAndParse(t *testing.T) {
	for _, tc := range []struct {
		s          Score
		str, fr    string
		en, parsed string
	}{
		{0, "0", "0", "0", "0"},
		{7, "3.5", "3,5", "3.5", "3,5"},
		{10, "5", "5", "5", "5.0"},
		{1, "0.5", "0,5", "0.5", "0.50"},
	} {
		if got := tc.s.String(); got != tc.str {
			t.Errorf("Score(%d).String() = %q; want %q", tc.s, got, tc.str)
		}
		if got := FormatScore("fr", tc.s); got != tc.fr {
			t.Errorf("FormatScore(fr, %d) = %q; want %q", tc.s, got, tc.fr)
		}
		if got := FormatScore("en", tc.s); got != tc.en {
			t.Errorf("FormatScore(en, %d) = %q; want %q", tc.s, got, tc.en)
		}
		if got, err := ParseScore("score", tc.parsed); err != nil || got != tc.s {
			t.Errorf("ParseScore(%q) = %d, %v; want %d", tc.parsed, got, err, tc.s)
		}
	}
	for _, bad := range []string{"", "5.5", "6", "-1", "3.2", "3.", ".5", "abc", "3,25", "100", "1e1", "3 5"} {
		if got, err := ParseScore("score", bad); err == nil {
			t.Errorf("ParseScore(%q) = %d; want an error", bad, got)
		} else if e := errorList(err); len(e) != 1 || e[0].Key != "evaluation.score.range" || e[0].Field != "score" {
			t.Errorf("ParseScore(%q): got %v; want evaluation.score.range on score", bad, err)
		}
	}
}

func TestGridValidate(t *testing.T) {
	g := testGrid()
	g.Criteria[0].Code = "  Relevance "
	g.Criteria[0].Texts["en"] = CriterionText{Title: " Relevance ", Description: "  Fits the call. "}
	g.TieBreaks[0].Criterion = "RELEVANCE"
	if err := g.Validate(); err != nil {
		t.Fatalf("got %v; want a valid grid", err)
	}
	if g.Criteria[0].Code != "relevance" || g.TieBreaks[0].Criterion != "relevance" || g.Criteria[0].Texts["en"].Description != "Fits the call." {
		t.Errorf("got %+v; want codes lower-cased and texts trimmed", g)
	}
	if g.WeightSum() != 6 || g.MaxTotal() != 60 {
		t.Errorf("got weights %d, max %d; want 6 and 60", g.WeightSum(), g.MaxTotal())
	}

	tooMany := make([]Criterion, criteriaMax+1)
	for i := range tooMany {
		tooMany[i] = Criterion{Code: "c" + strconv.Itoa(i), Texts: map[string]CriterionText{"fr": {Title: "C"}}, Weight: 1}
	}
	for _, tc := range []struct {
		name       string
		edit       func(*Grid)
		field, key string
	}{
		{"no criteria", func(g *Grid) { g.Criteria = nil; g.TieBreaks = nil }, "criteria", "evaluation.grid.criteria.required"},
		{"too many criteria", func(g *Grid) { g.Criteria = tooMany; g.TieBreaks = nil }, "criteria", "evaluation.grid.criteria.too_many"},
		{"bad code", func(g *Grid) { g.Criteria[1].Code = "2 partners" }, "criteria.1.code", "evaluation.grid.code.invalid"},
		{"empty code", func(g *Grid) { g.Criteria[1].Code = " " }, "criteria.1.code", "evaluation.grid.code.invalid"},
		{"duplicate code", func(g *Grid) { g.Criteria[2].Code = "RELEVANCE" }, "criteria.2.code", "evaluation.grid.code.duplicate"},
		{"no French title", func(g *Grid) { g.Criteria[1].Texts = map[string]CriterionText{"en": {Title: "Partnership"}} }, "criteria.1.texts.fr.title", "evaluation.grid.title.required"},
		{"blank French title", func(g *Grid) { g.Criteria[1].Texts["fr"] = CriterionText{Title: "  "} }, "criteria.1.texts.fr.title", "evaluation.grid.title.required"},
		{"English without title", func(g *Grid) { g.Criteria[1].Texts["en"] = CriterionText{Description: "x"} }, "criteria.1.texts.en.title", "evaluation.grid.title.missing"},
		{"German text", func(g *Grid) { g.Criteria[1].Texts["de"] = CriterionText{Title: "Partnerschaft"} }, "criteria.1.texts", "evaluation.grid.texts.language"},
		{"title too long", func(g *Grid) { g.Criteria[1].Texts["fr"] = CriterionText{Title: strings.Repeat("é", 201)} }, "criteria.1.texts.fr.title", "evaluation.text.too_long"},
		{"description too long", func(g *Grid) {
			g.Criteria[1].Texts["fr"] = CriterionText{Title: "P", Description: strings.Repeat("x", 2001)}
		}, "criteria.1.texts.fr.description", "evaluation.text.too_long"},
		{"zero weight", func(g *Grid) { g.Criteria[1].Weight = 0 }, "criteria.1.weight", "evaluation.grid.weight.range"},
		{"weight too high", func(g *Grid) { g.Criteria[1].Weight = 101 }, "criteria.1.weight", "evaluation.grid.weight.range"},
		{"criterion threshold off the scale", func(g *Grid) { g.Criteria[0].Threshold = 11 }, "criteria.0.threshold", "evaluation.score.range"},
		{"negative criterion threshold", func(g *Grid) { g.Criteria[0].Threshold = -1 }, "criteria.0.threshold", "evaluation.score.range"},
		{"overall threshold off the scale", func(g *Grid) { g.Threshold = 12 }, "threshold", "evaluation.score.range"},
		{"tie-break on unknown criterion", func(g *Grid) { g.TieBreaks[0].Criterion = "impact" }, "tie_breaks.0.criterion", "evaluation.grid.tie_break.criterion"},
		{"tie-break of unknown kind", func(g *Grid) { g.TieBreaks[1].Kind = "lottery" }, "tie_breaks.1.kind", "evaluation.grid.tie_break.kind"},
		{"tie-break twice", func(g *Grid) { g.TieBreaks = append(g.TieBreaks, TieBreak{Kind: TieBreakSubmission}) }, "tie_breaks.2.kind", "evaluation.grid.tie_break.duplicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := testGrid()
			tc.edit(g)
			if !hasError(g.Validate(), tc.field, tc.key) {
				t.Errorf("got %v; want %s on %s", g.Validate(), tc.key, tc.field)
			}
		})
	}

	// A submission tie-break naming a criterion is normalised, not refused.
	g = testGrid()
	g.TieBreaks[1].Criterion = "relevance"
	if err := g.Validate(); err != nil || g.TieBreaks[1].Criterion != "" {
		t.Errorf("got %v, %+v; want the criterion dropped", err, g.TieBreaks[1])
	}
}

// hasError reports whether err holds key on field.
func hasError(err error, field, key string) bool {
	for _, e := range errorList(err) {
		if e.Field == field && e.Key == key {
			return true
		}
	}
	return false
}

func TestGridAssess(t *testing.T) {
	g := testGrid()
	for _, tc := range []struct {
		name     string
		scores   []CriterionScore
		total    int64
		complete bool
		below    []string
		overall  bool
		passes   bool
	}{
		{"all full marks", scores(10, 10, 10), 60, true, nil, false, true},
		{"exactly the overall threshold", scores(6, 6, 6), 36, true, nil, false, true},
		{"one half-point under the overall threshold", scores(6, 6, 5), 35, true, nil, true, false},
		{"exactly the criterion threshold", scores(4, 10, 10), 42, true, nil, false, true},
		{"under the criterion threshold", scores(3, 10, 10), 39, true, []string{"relevance"}, false, false},
		{"zero everywhere", scores(0, 0, 0), 0, true, []string{"relevance"}, true, false},
		{"incomplete", scores(10, 10, 10)[:2], 50, false, nil, false, false},
		{"none", nil, 0, false, nil, false, false},
		{"unknown criterion ignored", append(scores(6, 6, 6), CriterionScore{Criterion: "impact", Score: 10}), 36, true, nil, false, true},
	} {
		a := g.Assess(tc.scores)
		if a.Total != tc.total || a.Complete != tc.complete || !slices.Equal(a.BelowCriteria, tc.below) || a.BelowOverall != tc.overall || a.Passes() != tc.passes {
			t.Errorf("%s: got %+v (passes %v); want total %d, complete %v, below %v, overall %v, passes %v",
				tc.name, a, a.Passes(), tc.total, tc.complete, tc.below, tc.overall, tc.passes)
		}
	}

	for _, tc := range []struct {
		total int64
		want  int64
		fr    string
		en    string
	}{
		{60, 500, "5,00", "5.00"},
		{36, 300, "3,00", "3.00"},
		{41, 342, "3,42", "3.42"}, // 41/12 = 3.4166…
		{43, 358, "3,58", "3.58"}, // 43/12 = 3.5833…
		{1, 8, "0,08", "0.08"},    // 1/12 = 0.0833…
		{0, 0, "0,00", "0.00"},
	} {
		h := g.Hundredths(tc.total)
		if h != tc.want || FormatHundredths("fr", h) != tc.fr || FormatHundredths("en", h) != tc.en {
			t.Errorf("Hundredths(%d) = %d (%s, %s); want %d (%s, %s)", tc.total, h, FormatHundredths("fr", h), FormatHundredths("en", h), tc.want, tc.fr, tc.en)
		}
	}
	if h := (&Grid{}).Hundredths(10); h != 0 {
		t.Errorf("empty grid: got %d; want 0", h)
	}
}

func TestEvaluationValidate(t *testing.T) {
	g := testGrid()
	draft := &Evaluation{Scores: []CriterionScore{{Criterion: " Relevance ", Score: 7, Comment: "  À creuser  "}}, Comment: " Provisoire "}
	if err := draft.Validate(g); err != nil {
		t.Fatalf("partial draft: got %v; want valid", err)
	}
	if draft.Scores[0].Criterion != "relevance" || draft.Scores[0].Comment != "À creuser" || draft.Comment != "Provisoire" {
		t.Errorf("got %+v; want normalised", draft)
	}
	if err := (&Evaluation{}).Validate(g); err != nil {
		t.Errorf("empty draft: got %v; want valid", err)
	}
	full := &Evaluation{Scores: scores(8, 6, 6), Submitted: true}
	if err := full.Validate(g); err != nil {
		t.Errorf("complete submission: got %v; want valid", err)
	}

	for _, tc := range []struct {
		name       string
		e          Evaluation
		field, key string
	}{
		{"submitted incomplete", Evaluation{Scores: scores(8, 6, 6)[:2], Submitted: true}, "scores.feasibility.score", "evaluation.score.required"},
		{"submitted without comment", Evaluation{Scores: append(scores(8, 6, 6)[:2], CriterionScore{Criterion: "feasibility", Score: 6}), Submitted: true},
			"scores.feasibility.comment", "evaluation.text.required"},
		{"score off the scale", Evaluation{Scores: []CriterionScore{{Criterion: "relevance", Score: 11}}}, "scores.relevance.score", "evaluation.score.range"},
		{"negative score", Evaluation{Scores: []CriterionScore{{Criterion: "relevance", Score: -1}}}, "scores.relevance.score", "evaluation.score.range"},
		{"unknown criterion", Evaluation{Scores: []CriterionScore{{Criterion: "impact", Score: 4}}}, "scores.0.criterion", "evaluation.score.criterion.unknown"},
		{"criterion twice", Evaluation{Scores: []CriterionScore{{Criterion: "relevance", Score: 4}, {Criterion: "RELEVANCE", Score: 6}}}, "scores.relevance.score", "evaluation.score.criterion.duplicate"},
		{"comment too long", Evaluation{Scores: []CriterionScore{{Criterion: "relevance", Score: 4, Comment: strings.Repeat("x", 5001)}}}, "scores.relevance.comment", "evaluation.text.too_long"},
		{"overall comment unreadable", Evaluation{Comment: "\xff"}, "comment", "evaluation.text.invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.e.Validate(g)
			if !hasError(err, tc.field, tc.key) {
				t.Errorf("got %v; want %s on %s", err, tc.key, tc.field)
			}
		})
	}
}

func TestConsensusValidate(t *testing.T) {
	g := testGrid()
	c := &Consensus{Scores: scores(8, 6, 6), Comment: " Projet solide. "}
	if err := c.Validate(g); err != nil || c.Language != "fr" || c.Comment != "Projet solide." {
		t.Errorf("got %v, %+v; want valid, in French, trimmed", err, c)
	}
	for _, tc := range []struct {
		name       string
		c          Consensus
		field, key string
	}{
		{"incomplete", Consensus{Scores: scores(8, 6, 6)[1:], Comment: "x"}, "scores.relevance.score", "evaluation.score.required"},
		{"no general comment", Consensus{Scores: scores(8, 6, 6)}, "comment", "evaluation.text.required"},
		{"German", Consensus{Scores: scores(8, 6, 6), Comment: "x", Language: "de"}, "language", "evaluation.language.invalid"},
	} {
		if err := tc.c.Validate(g); !hasError(err, tc.field, tc.key) {
			t.Errorf("%s: got %v; want %s on %s", tc.name, err, tc.key, tc.field)
		}
	}
}

func TestDivergent(t *testing.T) {
	g := testGrid() // largest total 60: 30 % is a gap of 18
	ev := func(total Score, submitted bool) Evaluation {
		// All three criteria at the same score: total = score × 6.
		return Evaluation{Scores: scores(total, total, total), Submitted: submitted}
	}
	for _, tc := range []struct {
		name      string
		evals     []Evaluation
		gapBP     int
		wantGap   int
		divergent bool
	}{
		{"none", nil, 0, 0, false},
		{"one", []Evaluation{ev(10, true)}, 0, 0, false},
		{"agree", []Evaluation{ev(6, true), ev(6, true)}, 0, 0, false},
		{"exactly 30 % apart is not more", []Evaluation{ev(4, true), ev(7, true)}, 0, 3000, false}, // 24 vs 42: 18
		{"more than 30 % apart", []Evaluation{ev(4, true), ev(8, true)}, 0, 4000, true},            // 24 vs 48: 24
		{"three, the extremes count", []Evaluation{ev(5, true), ev(10, true), ev(2, true)}, 0, 8000, true},
		{"a draft does not count", []Evaluation{ev(2, true), ev(10, false)}, 0, 0, false},
		{"an incomplete one does not count", []Evaluation{ev(2, true), {Scores: scores(10, 10, 10)[:2], Submitted: true}}, 0, 0, false},
		{"a tighter gap", []Evaluation{ev(6, true), ev(7, true)}, 500, 1000, true},
		{"rounded up for display", []Evaluation{{Scores: scores(6, 6, 6), Submitted: true}, {Scores: scores(6, 6, 7), Submitted: true}}, 0, 167, false}, // 1/60
	} {
		d := Divergent(g, tc.evals, tc.gapBP)
		if d.GapBP != tc.wantGap || d.Divergent != tc.divergent {
			t.Errorf("%s: got %+v; want gap %d, divergent %v", tc.name, d, tc.wantGap, tc.divergent)
		}
	}
	if d := Divergent(&Grid{}, []Evaluation{ev(0, true), ev(10, true)}, 0); d.Divergent {
		t.Errorf("empty grid: got %+v; want nothing", d)
	}
}

func TestDeclarationValidate(t *testing.T) {
	d := &Declaration{
		EvaluatorID:   11,
		Organisations: []DeclaredOrganisation{{OrganisationID: evUniversity, Role: " Professeure "}, {Name: " Bureau d'études Hydro "}},
		Offices:       []Office{{Kind: TerritoryCommune, Code: " 69123 ", Department: "69", Region: "84", Title: "Conseillère municipale"}, {Kind: TerritoryDepartement, Code: "2a"}},
		Links:         []InterestLink{{Description: " Frère employé par la Ville de Pune ", OrganisationIDs: []int64{evPune}}},
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("got %v; want valid", err)
	}
	if d.Offices[0].Code != "69123" || d.Offices[1].Code != "2A" || d.Organisations[0].Role != "Professeure" || d.Links[0].Description != "Frère employé par la Ville de Pune" {
		t.Errorf("got %+v; want normalised", d)
	}
	if err := (&Declaration{}).Validate(); err != nil {
		t.Errorf("empty declaration (nothing to declare): got %v; want valid", err)
	}
	many := make([]DeclaredOrganisation, declarationItemsMax+1)
	for i := range many {
		many[i] = DeclaredOrganisation{OrganisationID: int64(i + 1)}
	}
	for _, tc := range []struct {
		name       string
		d          Declaration
		field, key string
	}{
		{"too many organisations", Declaration{Organisations: many}, "organisations", "evaluation.declaration.too_many"},
		{"negative organisation", Declaration{Organisations: []DeclaredOrganisation{{OrganisationID: -1, Name: "X"}}}, "organisations.0.organisation_id", "evaluation.declaration.organisation.invalid"},
		{"organisation twice", Declaration{Organisations: []DeclaredOrganisation{{OrganisationID: 3}, {OrganisationID: 3}}}, "organisations.1.organisation_id", "evaluation.declaration.organisation.duplicate"},
		{"unregistered without name", Declaration{Organisations: []DeclaredOrganisation{{Name: " "}}}, "organisations.0.name", "evaluation.text.required"},
		{"office of unknown kind", Declaration{Offices: []Office{{Kind: "canton", Code: "6901"}}}, "offices.0.kind", "evaluation.declaration.office.kind"},
		{"office without code", Declaration{Offices: []Office{{Kind: TerritoryCommune}}}, "offices.0.code", "evaluation.declaration.office.code"},
		{"office code with a dash", Declaration{Offices: []Office{{Kind: TerritoryCommune, Code: "69-123"}}}, "offices.0.code", "evaluation.declaration.office.code"},
		{"office in an unknown région", Declaration{Offices: []Office{{Kind: TerritoryCommune, Code: "69123", Region: "99"}}}, "offices.0.region", "evaluation.declaration.office.code"},
		{"link without description", Declaration{Links: []InterestLink{{OrganisationIDs: []int64{3}}}}, "links.0.description", "evaluation.text.required"},
		{"link to an unknown organisation", Declaration{Links: []InterestLink{{Description: "x", OrganisationIDs: []int64{0}}}}, "links.0.organisation_ids", "evaluation.declaration.organisation.invalid"},
		{"link naming one twice", Declaration{Links: []InterestLink{{Description: "x", OrganisationIDs: []int64{3, 3}}}}, "links.0.organisation_ids", "evaluation.declaration.organisation.invalid"},
	} {
		if err := tc.d.Validate(); !hasError(err, tc.field, tc.key) {
			t.Errorf("%s: got %v; want %s on %s", tc.name, err, tc.key, tc.field)
		}
	}
}

func TestConflicts(t *testing.T) {
	a := evApplication()
	lead := evLead()
	office := func(kind TerritoryKind, code, dept, region string) Declaration {
		return Declaration{EvaluatorID: 11, Offices: []Office{{Kind: kind, Code: code, Department: dept, Region: region}}}
	}
	for _, tc := range []struct {
		name string
		d    Declaration
		lead *Organisation
		want []Conflict
	}{
		{"nothing declared", Declaration{EvaluatorID: 11}, lead, nil},
		{"works for the lead", Declaration{Organisations: []DeclaredOrganisation{{OrganisationID: evLyon}}}, lead, []Conflict{{Reason: ConflictLead, OrganisationID: evLyon}}},
		{"worked for a partner", Declaration{Organisations: []DeclaredOrganisation{{OrganisationID: evPune}}}, lead, []Conflict{{Reason: ConflictPartner, OrganisationID: evPune}}},
		{"worked for an unregistered partner, by name", Declaration{Organisations: []DeclaredOrganisation{{Name: "association eau-vive"}}}, lead,
			[]Conflict{{Reason: ConflictPartner, Name: "Association Eau Vive"}}},
		{"an unrelated organisation", Declaration{Organisations: []DeclaredOrganisation{{OrganisationID: evUniversity}, {Name: "Ville de Pune"}}}, lead, nil},
		{"a link to the partner", Declaration{Links: []InterestLink{{Description: "Frère", OrganisationIDs: []int64{evUniversity, evPune}}}}, lead, []Conflict{{Reason: ConflictLink, OrganisationID: evPune}}},
		{"a link to the lead", Declaration{Links: []InterestLink{{Description: "Épouse", OrganisationIDs: []int64{evLyon}}}}, lead, []Conflict{{Reason: ConflictLink, OrganisationID: evLyon}}},
		{"office in the lead commune", office(TerritoryCommune, "69123", "", ""), lead, []Conflict{{Reason: ConflictOffice, Territory: "69123"}}},
		{"office in the lead's département", office(TerritoryDepartement, "69", "", ""), lead, []Conflict{{Reason: ConflictOffice, Territory: "69"}}},
		{"office in the lead's région", office(TerritoryRegion, "84", "", ""), lead, []Conflict{{Reason: ConflictOffice, Territory: "84"}}},
		{"office in département 84, not région 84", office(TerritoryDepartement, "84", "", "93"), lead, nil},
		{"office in a neighbouring commune", office(TerritoryCommune, "69266", "69", "84"), lead, nil},
		{"office elsewhere", office(TerritoryCommune, "13055", "13", "93"), lead, nil},
		{"lead unknown: territory not checked", office(TerritoryCommune, "69123", "", ""), nil, nil},
		{"a région leads, office in one of its communes", office(TerritoryCommune, "69123", "69", "84"),
			&Organisation{ID: evLyon, Kind: OrgFrenchAuthority, AuthorityType: AuthorityRegion, TerritoryCode: "84", RegionCode: "84"},
			[]Conflict{{Reason: ConflictOffice, Territory: "69123"}}},
		{"a département leads, office in one of its communes (derived)", office(TerritoryCommune, "69123", "", ""),
			&Organisation{ID: evLyon, Kind: OrgFrenchAuthority, AuthorityType: AuthorityDepartement, TerritoryCode: "69", RegionCode: "84"},
			[]Conflict{{Reason: ConflictOffice, Territory: "69123"}}},
		{"région 93 leads, office in département 93 of another région", office(TerritoryDepartement, "93", "", "11"),
			&Organisation{ID: evLyon, Kind: OrgFrenchAuthority, AuthorityType: AuthorityRegion, TerritoryCode: "93", RegionCode: "93"}, nil},
		{"an EPCI leads, office in its EPCI", office(TerritoryEPCI, "200046977", "", "84"),
			&Organisation{ID: evLyon, Kind: OrgFrenchAuthority, AuthorityType: AuthorityEPCI, TerritoryCode: "200046977", RegionCode: "84"},
			[]Conflict{{Reason: ConflictOffice, Territory: "200046977"}}},
		{"an overseas commune's département", office(TerritoryDepartement, "974", "", ""),
			&Organisation{ID: evLyon, Kind: OrgFrenchAuthority, AuthorityType: AuthorityCommune, TerritoryCode: "97411", RegionCode: "04"},
			[]Conflict{{Reason: ConflictOffice, Territory: "974"}}},
		{"several at once, each once", Declaration{
			Organisations: []DeclaredOrganisation{{OrganisationID: evLyon}, {OrganisationID: evPune}},
			Links:         []InterestLink{{Description: "x", OrganisationIDs: []int64{evPune}}, {Description: "y", OrganisationIDs: []int64{evPune}}},
			Offices:       []Office{{Kind: TerritoryCommune, Code: "69123"}},
		}, lead, []Conflict{{Reason: ConflictLead, OrganisationID: evLyon}, {Reason: ConflictPartner, OrganisationID: evPune},
			{Reason: ConflictLink, OrganisationID: evPune}, {Reason: ConflictOffice, Territory: "69123"}}},
	} {
		if got := Conflicts(&tc.d, a, tc.lead); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %+v; want %+v", tc.name, got, tc.want)
		}
	}
	if got := Conflicts(nil, a, lead); got != nil {
		t.Errorf("no declaration: got %v; want nil (Assign treats it apart)", got)
	}

	// The evaluator's own organisation counts, declared or not.
	staff := &User{ID: 30, Memberships: []Membership{{OrganisationID: evPune, OrganisationName: "Pune Municipal Corporation"}}}
	d := Declaration{EvaluatorID: 30}.WithMemberships(staff)
	if got := Conflicts(&d, a, lead); len(got) != 1 || got[0].Reason != ConflictPartner {
		t.Errorf("member of the partner: got %+v; want a partner conflict", got)
	}
	orig := Declaration{EvaluatorID: 30, Organisations: []DeclaredOrganisation{{OrganisationID: evPune, Role: "Ingénieur"}}}
	if d := orig.WithMemberships(staff); len(d.Organisations) != 1 || d.Organisations[0].Role != "Ingénieur" || len(orig.Organisations) != 1 {
		t.Errorf("got %+v; want the declared entry kept once and the original untouched", d)
	}
	if c := (Conflict{Reason: ConflictPartner, Name: "Eau Vive"}); c.Key() != "evaluation.conflict.partner" || c.Args()[0] != "Eau Vive" {
		t.Errorf("got %s %v; want the partner's name", c.Key(), c.Args())
	}
}

func TestCanActFor(t *testing.T) {
	c := evCall()
	ministryOnly := evCall()
	ministryOnly.DecisionRule = DecisionMinistry
	for _, tc := range []struct {
		name  string
		u     *User
		party Party
		want  bool
	}{
		{"officer for the ministry", evOfficer, MinistryParty, true},
		{"officer for India", evOfficer, Party(evIndia), false},
		{"co-manager for its organisation", evCoManager, Party(evIndia), true},
		{"co-manager for the ministry", evCoManager, MinistryParty, false},
		{"co-manager of another call", evOtherCoMan, Party(evOtherCoMgr), false},
		{"member without the role", evMemberOnly, Party(evIndia), false},
		{"admin", evAdmin, MinistryParty, false},
		{"visitor", nil, MinistryParty, false},
	} {
		if got := CanActFor(tc.u, c, tc.party); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
	both := &User{ID: 9, Roles: []Role{RoleOfficer, RoleCoManager}, Memberships: []Membership{{OrganisationID: evIndia}}}
	if got := PartiesOf(both, c); !slices.Equal(got, []Party{MinistryParty, Party(evIndia)}) {
		t.Errorf("PartiesOf: got %v; want the ministry then India", got)
	}
	if got := CallParties(c); !slices.Equal(got, []Party{MinistryParty, Party(evIndia)}) {
		t.Errorf("CallParties: got %v", got)
	}
	if CallParties(nil) != nil || CanActFor(evOfficer, nil, MinistryParty) {
		t.Error("no call: want no parties")
	}
}

func TestCanSeeEvaluation(t *testing.T) {
	p := evPanel()
	submitted := &p.Evaluations[0] // by 11
	draft := &p.Evaluations[1]     // by 12
	mineSubmittedPanel := evPanel()
	mineSubmittedPanel.Evaluations[1].Submitted = true
	other := evPanel()
	other.Call = &Call{ID: 8, CoManagers: []int64{evOtherCoMgr}, Status: CallEvaluation}
	other.Application.CallID = 8

	for _, tc := range []struct {
		name string
		u    *User
		p    *Panel
		ev   *Evaluation
		want bool
	}{
		{"author sees their submitted evaluation", evEval1, p, submitted, true},
		{"author sees their draft", evEval2, p, draft, true},
		{"fellow evaluator before submitting sees no other score", evEval2, p, submitted, false},
		{"fellow evaluator with no evaluation yet sees none", evOfficerEval, p, submitted, false},
		{"fellow evaluator after submitting sees the other submitted", evEval2, mineSubmittedPanel, &mineSubmittedPanel.Evaluations[0], true},
		{"fellow evaluator after submitting never sees a draft", evEval1, p, draft, false},
		{"unassigned evaluator", evEval3, p, submitted, false},
		{"evaluator who declared a conflict", &User{ID: 13, Roles: []Role{RoleEvaluator}}, p, submitted, false},
		{"officer sees a submitted evaluation", evOfficer, p, submitted, true},
		{"officer does not see a draft", evOfficer, p, draft, false},
		{"officer assigned to it sees nothing before submitting", evOfficerEval, p, submitted, false},
		{"co-manager of the call", evCoManager, p, submitted, true},
		{"co-manager of another call", evOtherCoMan, p, submitted, false},
		{"co-managing organisation's member without the role", evMemberOnly, p, submitted, false},
		{"co-manager when the application is another call's", evCoManager, other, &other.Evaluations[0], false},
		{"administrator", evAdmin, p, submitted, false},
		{"applicant", evLeadMember, p, submitted, false},
		{"visitor", nil, p, submitted, false},
		{"evaluation of another application", evOfficer, p, &Evaluation{ApplicationID: 71, EvaluatorID: 11, Submitted: true}, false},
		{"no panel", evOfficer, nil, submitted, false},
		{"application and call disagree", evOfficer, &Panel{Call: evCall(), Application: &Application{ID: evAppID, CallID: 99}}, submitted, false},
	} {
		if got := CanSeeEvaluation(tc.u, tc.p, tc.ev); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestCheckScore(t *testing.T) {
	p := evPanel()
	unconfirmed := evPanel()
	unconfirmed.Assignments[1].ConfirmedAt = time.Time{}
	closed := evPanel()
	closed.Call.Status = CallDecided
	noRole := &User{ID: 12} // evaluator 12 whose role was withdrawn

	for _, tc := range []struct {
		name string
		u    *User
		p    *Panel
		code string
		key  string
	}{
		{"assigned, confirmed, draft", evEval2, p, "", ""},
		{"assigned, confirmed, nothing yet", evOfficerEval, p, "", ""},
		{"submitted: locked", evEval1, p, ECONFLICT, "evaluation.locked"},
		{"not confirmed", evEval2, unconfirmed, ECONFLICT, "evaluation.conflict.unconfirmed"},
		{"call no longer in evaluation", evEval2, closed, ECONFLICT, "evaluation.call.not_in_evaluation"},
		{"not assigned", evEval3, p, EFORBIDDEN, "error.forbidden"},
		{"conflict declared", &User{ID: 13, Roles: []Role{RoleEvaluator}}, p, EFORBIDDEN, "error.forbidden"},
		{"evaluator role withdrawn", noRole, p, EFORBIDDEN, "error.forbidden"},
		{"officer not assigned", evOfficer, p, EFORBIDDEN, "error.forbidden"},
		{"co-manager not assigned", evCoManager, p, EFORBIDDEN, "error.forbidden"},
		{"visitor", nil, p, EFORBIDDEN, "error.forbidden"},
		{"no panel", evEval2, nil, EFORBIDDEN, "error.forbidden"},
	} {
		err := CheckScore(tc.u, tc.p)
		if ErrorCode(err) != tc.code {
			t.Errorf("%s: got %v; want code %q", tc.name, err, tc.code)
			continue
		}
		if key, _ := ErrorKey(err); err != nil && key != tc.key {
			t.Errorf("%s: got key %s; want %s", tc.name, key, tc.key)
		}
		if CanScore(tc.u, tc.p) != (tc.code == "") {
			t.Errorf("%s: CanScore disagrees with CheckScore", tc.name)
		}
	}
}

func TestConflictConfirmation(t *testing.T) {
	p := evPanel()
	p.Assignments[1].ConfirmedAt = time.Time{} // 12 has not confirmed yet
	clean := &Declaration{EvaluatorID: 12}
	conflicted := &Declaration{EvaluatorID: 12, Organisations: []DeclaredOrganisation{{OrganisationID: evPune}}}

	if !CanConfirmNoConflict(evEval2, p) || CanSeeApplicationAsEvaluator(evEval2, p) {
		t.Error("before confirming: want the confirmation page and not the application")
	}
	if err := CheckNoConflict(evEval2, p, clean, evLead()); err != nil {
		t.Errorf("clean declaration: got %v; want allowed", err)
	}
	if err := CheckNoConflict(evEval2, p, conflicted, evLead()); ErrorCode(err) != ECONFLICT || !strings.HasPrefix(mustKey(err), "evaluation.conflict.partner") {
		t.Errorf("detectable conflict: got %v; want the partner conflict", err)
	}
	if err := CheckNoConflict(evEval2, p, nil, evLead()); mustKey(err) != "evaluation.declaration.missing" {
		t.Errorf("no declaration: got %v", err)
	}
	if err := CheckNoConflict(evEval2, p, &Declaration{EvaluatorID: 11}, evLead()); mustKey(err) != "evaluation.declaration.missing" {
		t.Errorf("someone else's declaration: got %v", err)
	}
	if err := CheckNoConflict(evEval1, p, &Declaration{EvaluatorID: 11}, evLead()); mustKey(err) != "evaluation.conflict.already_confirmed" {
		t.Errorf("confirmed already: got %v", err)
	}
	if err := CheckNoConflict(evEval3, p, &Declaration{EvaluatorID: 13}, evLead()); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("not assigned: got %v", err)
	}
	if !CanSeeApplicationAsEvaluator(evEval1, p) || CanSeeApplicationAsEvaluator(evEval3, p) || CanSeeApplicationAsEvaluator(nil, p) {
		t.Error("CanSeeApplicationAsEvaluator: want the confirmed evaluator only")
	}

	if err := CheckConflictDeclaration(evEval2, p, "Mon frère travaille à Pune."); err != nil {
		t.Errorf("declaring a conflict: got %v", err)
	}
	if err := CheckConflictDeclaration(evEval2, p, "  "); !hasError(err, "reason", "evaluation.text.required") {
		t.Errorf("no reason: got %v", err)
	}
	if err := CheckConflictDeclaration(evEval2, p, strings.Repeat("x", 2001)); !hasError(err, "reason", "evaluation.text.too_long") {
		t.Errorf("long reason: got %v", err)
	}
	if err := CheckConflictDeclaration(evEval1, p, "Tardif."); mustKey(err) != "evaluation.locked" {
		t.Errorf("after submitting: got %v", err)
	}
	if err := CheckConflictDeclaration(evEval3, p, "x"); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("not assigned: got %v", err)
	}
}

func mustKey(err error) string {
	k, _ := ErrorKey(err)
	return k
}

func TestCheckConsensus(t *testing.T) {
	p := evPanel()
	allIn := evPanel()
	for i := range allIn.Evaluations {
		allIn.Evaluations[i].Submitted = true
	}
	allIn.Evaluations = append(allIn.Evaluations, Evaluation{ApplicationID: evAppID, EvaluatorID: 14, Scores: scores(6, 6, 6), Submitted: true})
	none := evPanel()
	none.Assignments, none.Evaluations = nil, nil
	closed := evPanel()
	closed.Call.Status = CallClosed
	closed.Evaluations = allIn.Evaluations

	for _, tc := range []struct {
		name string
		u    *User
		p    *Panel
		code string
		key  string
	}{
		{"officer, all submitted", evOfficer, allIn, "", ""},
		{"co-manager, all submitted", evCoManager, allIn, "", ""},
		{"two evaluations pending (the declared conflict does not count)", evOfficer, p, ECONFLICT, "evaluation.consensus.pending"},
		{"no evaluation at all", evOfficer, none, ECONFLICT, "evaluation.consensus.pending"},
		{"call not in evaluation", evOfficer, closed, ECONFLICT, "evaluation.call.not_in_evaluation"},
		{"co-manager of another call", evOtherCoMan, allIn, EFORBIDDEN, "error.forbidden"},
		{"evaluator", evEval1, allIn, EFORBIDDEN, "error.forbidden"},
		{"administrator", evAdmin, allIn, EFORBIDDEN, "error.forbidden"},
		{"visitor", nil, allIn, EFORBIDDEN, "error.forbidden"},
	} {
		err := CheckConsensus(tc.u, tc.p)
		if ErrorCode(err) != tc.code || err != nil && mustKey(err) != tc.key {
			t.Errorf("%s: got %v; want %q %s", tc.name, err, tc.code, tc.key)
		}
		if CanRecordConsensus(tc.u, tc.p) != (tc.code == "") {
			t.Errorf("%s: CanRecordConsensus disagrees", tc.name)
		}
	}
	if _, args := ErrorKey(CheckConsensus(evOfficer, p)); len(args) != 1 || args[0] != 2 {
		t.Errorf("got args %v; want 2 pending", args)
	}
}

func TestAdmissibility(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name      string
		ad        Admissibility
		overrides bool
		valid     bool
	}{
		{"confirms eligible without reason", Admissibility{Automatic: &yes, Admissible: true}, false, true},
		{"confirms ineligible without reason", Admissibility{Automatic: &no, Admissible: false}, false, true},
		{"overrides ineligible with a reason", Admissibility{Automatic: &no, Admissible: true, Reason: "Délibération reçue par courrier."}, true, true},
		{"overrides eligible without reason", Admissibility{Automatic: &yes, Admissible: false, Reason: "  "}, true, false},
		{"decides an unknown result without reason", Admissibility{Admissible: true}, true, false},
		{"reason too long", Admissibility{Automatic: &no, Admissible: true, Reason: strings.Repeat("x", 2001)}, true, false},
	} {
		if tc.ad.Overrides() != tc.overrides || (tc.ad.Validate() == nil) != tc.valid {
			t.Errorf("%s: got overrides %v, %v; want %v, valid %v", tc.name, tc.ad.Overrides(), tc.ad.Validate(), tc.overrides, tc.valid)
		}
	}
	if !CanDecideAdmissibility(evOfficer) || CanDecideAdmissibility(evCoManager) || CanDecideAdmissibility(nil) {
		t.Error("CanDecideAdmissibility: want officers only")
	}
}

func TestOpinions(t *testing.T) {
	embassyIN := &Organisation{ID: evEmbassyIN, Kind: OrgEmbassy, Name: "Ambassade de France en Inde", Country: "IN"}
	embassyTN := &Organisation{ID: evEmbassyTN, Kind: OrgEmbassy, Name: "Ambassade de France en Tunisie", Country: "TN"}
	notEmbassy := &Organisation{ID: evEmbassyIN, Kind: OrgPartnerGovernment, Country: "IN"}
	a := evApplication()
	draft := evApplication()
	draft.Status = ApplicationDraft
	trilateral := &Application{ID: 80, Status: ApplicationSubmitted, Countries: []string{"mz"}, BeneficiaryCountries: []string{"MZ", "HT"},
		Partners: []Partner{{Country: "BR", Role: RolePartner}, {Country: "FR", Role: RoleAssociated}, {Country: "PT", Role: RoleLeadPartner}}}

	if got := OpinionCountries(trilateral); !slices.Equal(got, []string{"BR", "HT", "MZ"}) {
		t.Errorf("OpinionCountries: got %v; want BR HT MZ", got)
	}
	if OpinionCountries(nil) != nil {
		t.Error("OpinionCountries(nil): want nil")
	}

	for _, tc := range []struct {
		name    string
		u       *User
		embassy *Organisation
		a       *Application
		want    bool
	}{
		{"embassy in India on an Indian project", evEmbassyUser, embassyIN, a, true},
		{"embassy in Tunisia on an Indian project", evTunisUser, embassyTN, a, false},
		{"member of another embassy naming India's", evTunisUser, embassyIN, a, false},
		{"embassy member without the role", evEmbassyNoRl, embassyIN, a, false},
		{"organisation that is not an embassy", evEmbassyUser, notEmbassy, a, false},
		{"draft", evEmbassyUser, embassyIN, draft, false},
		{"officer", evOfficer, embassyIN, a, false},
		{"no embassy", evEmbassyUser, nil, a, false},
	} {
		if got := CanGiveOpinion(tc.u, tc.embassy, tc.a); got != tc.want {
			t.Errorf("CanGiveOpinion %s: got %v; want %v", tc.name, got, tc.want)
		}
	}

	req := &OpinionRequest{ApplicationID: evAppID, EmbassyOrganisationID: evEmbassyIN, DueAt: evNow.Add(14 * 24 * time.Hour)}
	if err := req.Validate(evNow); err != nil {
		t.Errorf("request: got %v; want valid", err)
	}
	for _, tc := range []struct {
		name       string
		r          OpinionRequest
		field, key string
	}{
		{"no embassy", OpinionRequest{DueAt: evNow.Add(time.Hour)}, "embassy_organisation_id", "evaluation.opinion.embassy.required"},
		{"no date", OpinionRequest{EmbassyOrganisationID: 1}, "due_at", "evaluation.opinion.due.required"},
		{"now", OpinionRequest{EmbassyOrganisationID: 1, DueAt: evNow}, "due_at", "evaluation.opinion.due.past"},
		{"too far", OpinionRequest{EmbassyOrganisationID: 1, DueAt: evNow.Add(91 * 24 * time.Hour)}, "due_at", "evaluation.opinion.due.too_far"},
	} {
		if err := tc.r.Validate(evNow); !hasError(err, tc.field, tc.key) {
			t.Errorf("request %s: got %v; want %s on %s", tc.name, err, tc.key, tc.field)
		}
	}

	for _, tc := range []struct {
		name string
		u    *User
		req  *OpinionRequest
		now  time.Time
		code string
		key  string
	}{
		{"before the due date", evEmbassyUser, req, evNow, "", ""},
		{"at the due date", evEmbassyUser, req, req.DueAt, "", ""},
		{"after the due date", evEmbassyUser, req, req.DueAt.Add(time.Second), ECONFLICT, "evaluation.opinion.overdue"},
		{"not requested", evEmbassyUser, nil, evNow, ECONFLICT, "evaluation.opinion.not_requested"},
		{"requested of another embassy", evEmbassyUser, &OpinionRequest{ApplicationID: evAppID, EmbassyOrganisationID: 99, DueAt: req.DueAt}, evNow, ECONFLICT, "evaluation.opinion.not_requested"},
		{"requested on another application", evEmbassyUser, &OpinionRequest{ApplicationID: 71, EmbassyOrganisationID: evEmbassyIN, DueAt: req.DueAt}, evNow, ECONFLICT, "evaluation.opinion.not_requested"},
		{"not allowed", evTunisUser, req, evNow, EFORBIDDEN, "error.forbidden"},
	} {
		err := CheckOpinion(tc.u, embassyIN, a, tc.req, tc.now)
		if ErrorCode(err) != tc.code || err != nil && mustKey(err) != tc.key {
			t.Errorf("CheckOpinion %s: got %v; want %q %s", tc.name, err, tc.code, tc.key)
		}
	}

	op := &EmbassyOpinion{EmbassyOrganisationID: evEmbassyIN, Value: OpinionReserved, Comment: "  Partenaire peu connu.  "}
	if err := op.Validate(); err != nil || op.Comment != "Partenaire peu connu." {
		t.Errorf("opinion: got %v, %q", err, op.Comment)
	}
	if err := (&EmbassyOpinion{Value: "maybe"}).Validate(); !hasError(err, "value", "evaluation.opinion.value.invalid") || !hasError(err, "comment", "evaluation.text.required") {
		t.Errorf("bad opinion: got %v", err)
	}
	c := evCall()
	for _, tc := range []struct {
		name string
		u    *User
		want bool
	}{
		{"the embassy", evEmbassyUser, true},
		{"another embassy", evTunisUser, false},
		{"officer", evOfficer, true},
		{"co-manager of the call", evCoManager, true},
		{"co-manager of another call", evOtherCoMan, false},
		{"evaluator", evEval1, false},
		{"applicant", evLeadMember, false},
	} {
		if got := CanSeeOpinion(tc.u, c, op); got != tc.want {
			t.Errorf("CanSeeOpinion %s: got %v; want %v", tc.name, got, tc.want)
		}
	}
	if !CanRequestOpinion(evOfficer, c) || !CanRequestOpinion(evCoManager, c) || CanRequestOpinion(evOtherCoMan, c) || CanRequestOpinion(evEmbassyUser, c) {
		t.Error("CanRequestOpinion: want officers and the call's co-managers")
	}
}

var evaluationKey = regexp.MustCompile(`^(evaluation|assignment|committee|decision|review|ledger)\.[a-z_.]+[a-z]$`)

// TestEvaluationMessages checks that every key the evaluation, assignment,
// committee and ledger code returns is in every catalogue, that the
// catalogue file holds nothing else, and that the errors the tests provoke
// render with their args in every language.
func TestEvaluationMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, file := range []string{"evaluation.go", "assignment.go", "committee.go", "ledger.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && evaluationKey.MatchString(s) {
					keys[s] = true
				}
			}
			return true
		})
	}
	for _, r := range []ConflictReason{ConflictLead, ConflictPartner, ConflictLink, ConflictOffice} {
		keys[Conflict{Reason: r}.Key()] = true
	}
	if len(keys) < 90 {
		t.Fatalf("found %d keys; the scan is broken", len(keys))
	}
	for key := range keys {
		for _, lang := range i18n.Supported {
			if _, ok := cat[lang][key]; !ok {
				t.Errorf("%s: key %s missing", lang, key)
			}
		}
	}
	b, err := os.ReadFile("../internal/i18n/locales/fr/evaluation.json")
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]string
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	for key := range file {
		if !keys[key] {
			t.Errorf("catalogue key %s is never used", key)
		}
	}

	for _, e := range provokedErrors(t) {
		for _, lang := range i18n.Supported {
			args := LocalizeArgs(lang, e.Args, func(id int64) string { return "Org " + strconv.FormatInt(id, 10) })
			if msg := cat.T(lang, e.Key, args...); strings.Contains(msg, "%!") || msg == e.Key {
				t.Errorf("%s: %s renders badly: %q", lang, e.Key, msg)
			}
		}
	}
}

// provokedErrors gathers errors of every kind the new code returns, with
// their args, for TestEvaluationMessages.
func provokedErrors(t *testing.T) Errors {
	t.Helper()
	var errs Errors
	collect := func(err error) { errs = append(errs, errorList(err)...) }
	g := testGrid()
	g.Criteria[1].Code, g.Criteria[2].Weight, g.TieBreaks[0].Criterion = "relevance", 0, "impact"
	collect(g.Validate())
	collect((&Evaluation{Scores: []CriterionScore{{Criterion: "impact"}, {Criterion: "relevance", Score: 11, Comment: strings.Repeat("x", 5001)}}, Submitted: true}).Validate(testGrid()))
	collect((&Consensus{Language: "de"}).Validate(testGrid()))
	collect((&Declaration{Organisations: make([]DeclaredOrganisation, 51)}).Validate())
	collect((&OpinionRequest{DueAt: evNow.Add(100 * 24 * time.Hour)}).Validate(evNow))
	collect(CheckOpinion(evEmbassyUser, &Organisation{ID: evEmbassyIN, Kind: OrgEmbassy, Country: "IN"}, evApplication(),
		&OpinionRequest{ApplicationID: evAppID, EmbassyOrganisationID: evEmbassyIN, DueAt: evNow}, evNow.Add(time.Hour)))
	collect(CheckConsensus(evOfficer, evPanel()))
	for _, r := range []ConflictReason{ConflictLead, ConflictPartner, ConflictLink, ConflictOffice} {
		c := Conflict{Reason: r, OrganisationID: evPune, Territory: "69123"}
		errs = append(errs, &Error{Code: ECONFLICT, Key: c.Key(), Args: c.Args()})
	}
	s := &EvaluationSetup{PerApplication: 3, Pools: []Pool{{Party: MinistryParty, EvaluatorIDs: []int64{1}, PerApplication: 1}, {Party: 999}}}
	collect(s.Validate(evCall()))
	collect((&EvaluationSetup{Pools: []Pool{{Party: MinistryParty, EvaluatorIDs: []int64{1}}}}).Validate(evCall()))
	_, err := Assign(AssignmentRequest{
		Setup:      &EvaluationSetup{PerApplication: 2, Pools: []Pool{{Party: MinistryParty, EvaluatorIDs: []int64{1}}, {Party: Party(evIndia), EvaluatorIDs: []int64{2}}}},
		Candidates: []AssignmentCandidate{{Application: evApplication(), Lead: evLead(), Extra: 1}},
	})
	collect(err)
	collect(CheckAdjustment(&Adjustment{ApplicationID: 2, GrantedCents: 9_000_000, Justification: "x"}, testLine(t)))
	collect(CheckAdjustment(&Adjustment{ApplicationID: 2, GrantedCents: 11_000_000, Justification: "x"}, testLine(t)))
	_, err = DrawFundingLine(testGrid(), evCall().Funders, []Candidate{{ApplicationID: 1, Reference: "R-1", Admissible: true, Consensus: scores(8, 8, 8), RequestedCents: 100}},
		FundingOptions{Granted: map[int64]int64{1: 200}})
	collect(err)
	for _, e := range testLine(t).Entries {
		errs = append(errs, &Error{Key: e.Key, Args: e.Args})
	}
	collect(CheckReviewRequest(evLeadMember, evApplication(), &DecisionEntry{ApplicationID: evAppID, List: ListRejected}, evNow, nil,
		&ReviewRequest{ApplicationID: evAppID, Reason: "x"}, evNow.Add(31*24*time.Hour)))
	collect(commitTooMuch())
	collect(CanRelease(nil, Envelope{CallID: 1, FunderOrganisationID: 2}, 3, 100))
	collect(CanCommit(nil, Envelope{}, -1))
	_, err = PlanCommitments(evCall(), &Decision{CallID: evCallID, Entries: []DecisionEntry{{ApplicationID: 1, List: ListMain, GrantedCents: 10,
		Shares: []FunderShare{{FunderOrganisationID: 100, AmountCents: 4}}}}}, nil, 0, evNow)
	collect(err)
	return errs
}
