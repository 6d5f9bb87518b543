package coopdec

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/internal/i18n"
)

// The demonstration calls of the 2011 press release, as rule sets. The
// amounts and limits are illustrative; the countries, partners, leads and
// themes are the press release's.
const (
	demoIndiaID int64 = iota + 1
	demoBrazilID
	demoArgentinaID
	demoMedFundID
	demoIsimedID
	demoMoroccoID
	demoPact2ID
)

// The themes of the joint calls with India, Brazil and Argentina.
var demoJointThemes = []string{
	"economic_development", "local_governance", "agriculture_food_security", "water_sanitation",
	"education", "vocational_training", "higher_education", "urban_development", "transport",
	"sustainable_development", "tourism_ecotourism", "culture", "heritage", "university_research",
}

type demoCall struct {
	name   string
	rules  EligibilityRules
	themes []string
}

var (
	demoJointMoney = EligibilityRules{MaxFundersShareBP: 5000, MinOwnShareBP: 2000, MinDurationMonths: 12, MaxDurationMonths: 36,
		RequiredDocuments: []string{"council_deliberation", "letters_of_intent", "budget"}}

	demoIndia = demoCall{"Franco-Indian call", withRules(demoJointMoney, func(r *EligibilityRules) {
		r.Countries, r.PartnerCountries, r.LeadTypes = []string{"IN"}, []string{"IN"}, AuthorityTypes
	}), demoJointThemes}
	demoIndiaConfirmed = demoCall{"Franco-Indian call, partners confirmed", withRules(demoIndia.rules, func(r *EligibilityRules) {
		r.PartnersMustConfirm = true
	}), demoJointThemes}
	demoBrazil = demoCall{"Franco-Brazilian trilateral call", withRules(demoJointMoney, func(r *EligibilityRules) {
		r.Countries, r.PartnerCountries, r.LeadTypes = []string{"BR", "group:africa", "HT"}, []string{"BR"}, AuthorityTypes
		r.BeneficiaryCountries = []string{"group:africa", "HT"}
	}), demoJointThemes}
	demoArgentina = demoCall{"Franco-Argentine call", withRules(demoJointMoney, func(r *EligibilityRules) {
		r.Countries, r.PartnerCountries, r.LeadTypes = []string{"AR"}, []string{"AR"}, AuthorityTypes
	}), demoJointThemes}
	demoMedFund = demoCall{"Mediterranean fund", EligibilityRules{
		Countries:        []string{"group:mediterranean_fund"},
		Excluded:         []Exclusion{{Country: "MA", RedirectCallID: demoMoroccoID}},
		LeadTypes:        AuthorityTypes,
		LeadRegion:       "93",
		PartnerCountries: []string{"group:mediterranean_fund"},
		MaxGrantCents:    5_000_000, // 50 000 €
		MinOwnShareBP:    1000,
		MaxInKindOfOwnBP: 5000,
	}, []string{"decentralisation_support"}}
	demoIsimed = demoCall{"ISI@MED", EligibilityRules{
		Countries:        []string{"group:south_east_mediterranean"},
		LeadTypes:        AuthorityTypes,
		PartnerCountries: []string{"group:south_east_mediterranean"},
	}, []string{"ict_local_resources", "ict_local_economic_development", "ict_community_projects"}}
	demoMorocco = demoCall{"Franco-Moroccan call", EligibilityRules{
		Countries: []string{"MA"}, LeadTypes: AuthorityTypes, PartnerCountries: []string{"MA"},
	}, demoJointThemes}
	demoPact2 = demoCall{"PACT2 missions", EligibilityRules{
		LeadTypes: AuthorityTypes, MaxDurationMonths: 12, NoOverdueReports: true,
		RequiredDocuments: []string{"council_deliberation"},
	}, nil}

	demoCalls = []demoCall{demoIndia, demoIndiaConfirmed, demoBrazil, demoArgentina, demoMedFund, demoIsimed, demoMorocco, demoPact2}
)

func withRules(r EligibilityRules, f func(*EligibilityRules)) EligibilityRules {
	f(&r)
	return r
}

func eCents(v int64) *int64 { return &v }
func eMonths(v int) *int    { return &v }
func eBool(v bool) *bool    { return &v }

// eligibleFacts is a complete application that every rule of the call passes:
// a commune of PACA, partner authorities from the call's country, a balanced
// budget (grant 40 %, own 30 % of which a third in kind).
func eligibleFacts(country string, theme string) ApplicationFacts {
	return ApplicationFacts{
		LeadKind: OrgFrenchAuthority, LeadAuthorityType: AuthorityCommune, LeadRegion: "93",
		Countries: []string{country},
		Partners:  []PartnerFact{{Kind: OrgForeignAuthority, Country: country, Confirmed: true}},
		// 100 000 € in all, 40 000 € asked, 20 000 € in cash, 10 000 € in kind
		TotalCostCents: eCents(10_000_000), GrantRequestedCents: eCents(4_000_000),
		OwnCashCents: eCents(2_000_000), InKindCents: eCents(1_000_000),
		DurationMonths:    eMonths(12),
		Documents:         []string{"council_deliberation", "letters_of_intent", "budget"},
		HasOverdueReports: eBool(false),
		Themes:            []string{theme},
	}
}

func facts(country, theme string, f func(*ApplicationFacts)) ApplicationFacts {
	a := eligibleFacts(country, theme)
	if f != nil {
		f(&a)
	}
	return a
}

type eligCase struct {
	name     string
	call     demoCall
	facts    ApplicationFacts
	eligible bool
	want     map[string]RuleStatus // the statuses of these rules; the others must pass (or be absent)
	key      string                // the key of the first rule in want not passed, when set
}

func eligibilityCases() []eligCase {
	unknown := func(rules ...string) map[string]RuleStatus {
		m := map[string]RuleStatus{}
		for _, r := range rules {
			m[r] = RuleUnknown
		}
		return m
	}
	failed := func(rules ...string) map[string]RuleStatus {
		m := map[string]RuleStatus{}
		for _, r := range rules {
			m[r] = RuleFailed
		}
		return m
	}
	return []eligCase{
		// Franco-Indian call
		{name: "India: commune with an Indian partner authority", call: demoIndia, facts: facts("IN", "urban_development", nil), eligible: true},
		{name: "India: the Indian partner is a university", call: demoIndia, facts: facts("IN", "education", func(a *ApplicationFacts) {
			a.Partners = []PartnerFact{{Kind: OrgUniversity, Country: "IN", Confirmed: true}}
		}), want: failed("partner"), key: "eligibility.partner"},
		{name: "India: a Chinese project", call: demoIndia, facts: facts("CN", "transport", nil), want: failed("countries", "partner"), key: "eligibility.countries"},
		{name: "India: the Indian partner has not confirmed yet", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Partners[0].Confirmed = false
		}), want: unknown("partner"), key: "eligibility.partner.unconfirmed"},
		{name: "India: a theme of the Mediterranean fund", call: demoIndia, facts: facts("IN", "decentralisation_support", nil), want: failed("themes"), key: "eligibility.themes"},
		{name: "India: one theme of the call among others", call: demoIndia, facts: facts("IN", "heritage", func(a *ApplicationFacts) {
			a.Themes = []string{"decentralisation_support", "HERITAGE"}
		}), eligible: true},
		{name: "India: a missing document", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Documents = []string{"budget"}
		}), want: failed("documents"), key: "eligibility.documents"},
		{name: "India: no document attached", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Documents = []string{}
		}), want: failed("documents")},
		{name: "India: documents not known", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Documents = nil
		}), want: unknown("documents")},
		{name: "India: funders above 50 %", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.GrantRequestedCents = eCents(6_000_000)
		}), want: failed("funders_share"), key: "eligibility.funders_share"},
		{name: "India: project of 40 months", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.DurationMonths = eMonths(40)
		}), want: failed("duration"), key: "eligibility.duration.max"},
		{name: "India: project of 6 months", call: demoIndia, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.DurationMonths = eMonths(6)
		}), want: failed("duration"), key: "eligibility.duration.min"},

		// Franco-Indian call, with every partner's confirmation required
		{name: "India, confirmations: every partner confirmed", call: demoIndiaConfirmed, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Partners = append(a.Partners, PartnerFact{Kind: OrgUniversity, Country: "IN", Confirmed: true})
		}), eligible: true},
		{name: "India, confirmations: the university has not confirmed", call: demoIndiaConfirmed, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Partners = append(a.Partners, PartnerFact{Kind: OrgUniversity, Country: "IN"})
		}), want: unknown("confirmations"), key: "eligibility.confirmations.pending"},
		{name: "India, confirmations: nobody has confirmed", call: demoIndiaConfirmed, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Partners[0].Confirmed = false
			a.Partners = append(a.Partners, PartnerFact{Kind: OrgUniversity, Country: "IN"})
		}), want: unknown("partner", "confirmations"), key: "eligibility.confirmations.pending"},
		{name: "India, confirmations: no partner yet", call: demoIndiaConfirmed, facts: facts("IN", "culture", func(a *ApplicationFacts) {
			a.Partners = nil
		}), want: unknown("partner", "confirmations"), key: "eligibility.confirmations.unknown"},

		// Franco-Brazilian trilateral call
		{name: "Brazil: trilateral project benefiting Mozambique", call: demoBrazil, facts: facts("BR", "agriculture_food_security", func(a *ApplicationFacts) {
			a.Countries, a.BeneficiaryCountries = []string{"BR", "MZ"}, []string{"MZ"}
		}), eligible: true},
		{name: "Brazil: trilateral project benefiting Haiti", call: demoBrazil, facts: facts("BR", "water_sanitation", func(a *ApplicationFacts) {
			a.Countries, a.BeneficiaryCountries = []string{"BR", "HT"}, []string{"ht"}
		}), eligible: true},
		{name: "Brazil: project benefiting Chile", call: demoBrazil, facts: facts("BR", "education", func(a *ApplicationFacts) {
			a.Countries, a.BeneficiaryCountries = []string{"BR", "CL"}, []string{"CL"}
		}), want: failed("countries", "beneficiary"), key: "eligibility.countries"},
		{name: "Brazil: bilateral project without beneficiary", call: demoBrazil, facts: facts("BR", "education", nil), want: unknown("beneficiary"), key: "eligibility.beneficiary.unknown"},
		{name: "Brazil: the partner is an Argentine authority", call: demoBrazil, facts: facts("BR", "education", func(a *ApplicationFacts) {
			a.BeneficiaryCountries = []string{"SN"}
			a.Countries = []string{"BR", "SN"}
			a.Partners = []PartnerFact{{Kind: OrgForeignAuthority, Country: "AR", Confirmed: true}}
		}), want: failed("partner")},

		// Franco-Argentine call
		{name: "Argentina: commune with an Argentine partner", call: demoArgentina, facts: facts("AR", "tourism_ecotourism", nil), eligible: true},
		{name: "Argentina: a project in Brazil", call: demoArgentina, facts: facts("AR", "tourism_ecotourism", func(a *ApplicationFacts) {
			a.Countries = []string{"BR"}
		}), want: failed("countries")},
		{name: "Argentina: the lead is a partner government", call: demoArgentina, facts: facts("AR", "culture", func(a *ApplicationFacts) {
			a.LeadKind, a.LeadAuthorityType = OrgPartnerGovernment, ""
		}), want: failed("lead_type"), key: "eligibility.lead_type.not_french_authority"},

		// Mediterranean fund
		{name: "Med fund: PACA commune with a Tunisian partner", call: demoMedFund, facts: facts("TN", "decentralisation_support", nil), eligible: true},
		{name: "Med fund: PACA département with a Palestinian partner", call: demoMedFund, facts: facts("PS", "decentralisation_support", func(a *ApplicationFacts) {
			a.LeadAuthorityType = AuthorityDepartement
		}), eligible: true},
		{name: "Med fund: a commune outside PACA", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.LeadRegion = "84"
		}), want: failed("lead_region"), key: "eligibility.lead_region"},
		{name: "Med fund: a Moroccan partner is redirected", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.Partners = append(a.Partners, PartnerFact{Kind: OrgForeignAuthority, Country: "MA", Confirmed: true})
		}), want: failed("excluded_country"), key: "eligibility.excluded_country"},
		{name: "Med fund: a project in Morocco is redirected", call: demoMedFund, facts: facts("MA", "decentralisation_support", nil),
			want: failed("excluded_country", "countries", "partner"), key: "eligibility.countries.none"},
		{name: "Med fund: a project in Italy", call: demoMedFund, facts: facts("IT", "decentralisation_support", nil), want: failed("countries", "partner")},
		{name: "Med fund: an ISI@MED theme", call: demoMedFund, facts: facts("TN", "ict_community_projects", nil), want: failed("themes")},
		{name: "Med fund: grant above the ceiling", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.TotalCostCents, a.GrantRequestedCents = eCents(20_000_000), eCents(5_000_001)
		}), want: failed("max_grant"), key: "eligibility.max_grant"},
		{name: "Med fund: grant at the ceiling", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.TotalCostCents, a.GrantRequestedCents = eCents(20_000_000), eCents(5_000_000)
		}), eligible: true},
		{name: "Med fund: own contribution of exactly 10 %", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.OwnCashCents, a.InKindCents = eCents(500_000), eCents(500_000)
		}), eligible: true},
		{name: "Med fund: own contribution one cent short of 10 %", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.OwnCashCents, a.InKindCents = eCents(500_000), eCents(499_999)
		}), want: failed("own_share"), key: "eligibility.own_share"},
		{name: "Med fund: in kind one cent above half", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.OwnCashCents, a.InKindCents = eCents(1_000_000), eCents(1_000_001)
		}), want: failed("in_kind"), key: "eligibility.in_kind"},
		{name: "Med fund: a partner's country not known yet", call: demoMedFund, facts: facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
			a.Partners = []PartnerFact{{Kind: OrgForeignAuthority}}
		}), want: unknown("excluded_country", "partner")},
		{name: "Med fund: nothing known", call: demoMedFund, facts: ApplicationFacts{},
			want: unknown("countries", "excluded_country", "lead_type", "lead_region", "partner", "max_grant", "own_share", "in_kind", "themes")},
		{name: "Med fund: a PACA commune, the rest not known", call: demoMedFund, facts: ApplicationFacts{
			LeadKind: OrgFrenchAuthority, LeadAuthorityType: AuthorityCommune, LeadRegion: "93",
		}, want: unknown("countries", "excluded_country", "partner", "max_grant", "own_share", "in_kind", "themes")},

		// ISI@MED
		{name: "ISI@MED: Moroccan partner", call: demoIsimed, facts: facts("MA", "ict_local_resources", nil), eligible: true},
		{name: "ISI@MED: Egyptian partner", call: demoIsimed, facts: facts("EG", "ict_community_projects", nil), eligible: true},
		{name: "ISI@MED: Brazilian partner", call: demoIsimed, facts: facts("BR", "ict_community_projects", nil), want: failed("countries", "partner")},
		{name: "ISI@MED: a joint-call theme", call: demoIsimed, facts: facts("LB", "culture", nil), want: failed("themes")},

		// Franco-Moroccan call
		{name: "Morocco: commune with a Moroccan partner", call: demoMorocco, facts: facts("MA", "local_governance", nil), eligible: true},
		{name: "Morocco: a Tunisian project", call: demoMorocco, facts: facts("TN", "local_governance", nil), want: failed("countries", "partner")},
		{name: "Morocco: an EPCI from Brittany", call: demoMorocco, facts: facts("MA", "water_sanitation", func(a *ApplicationFacts) {
			a.LeadAuthorityType, a.LeadRegion = AuthorityEPCI, "53"
		}), eligible: true},

		// PACT2 missions
		{name: "PACT2: mission in Senegal", call: demoPact2, facts: facts("SN", "water_sanitation", nil), eligible: true},
		{name: "PACT2: mission in France", call: demoPact2, facts: facts("FR", "water_sanitation", nil), want: failed("countries"), key: "eligibility.countries.france"},
		{name: "PACT2: overdue report", call: demoPact2, facts: facts("VN", "culture", func(a *ApplicationFacts) {
			a.HasOverdueReports = eBool(true)
		}), want: failed("overdue_reports"), key: "eligibility.overdue_reports"},
		{name: "PACT2: applicant not identified", call: demoPact2, facts: facts("VN", "culture", func(a *ApplicationFacts) {
			a.HasOverdueReports = nil
		}), want: unknown("overdue_reports")},
		{name: "PACT2: mission of 13 months", call: demoPact2, facts: facts("VN", "culture", func(a *ApplicationFacts) {
			a.DurationMonths = eMonths(13)
		}), want: failed("duration")},
		{name: "PACT2: led by a region", call: demoPact2, facts: facts("CM", "culture", func(a *ApplicationFacts) {
			a.LeadAuthorityType, a.LeadRegion = AuthorityRegion, "76"
		}), eligible: true},
		{name: "PACT2: lead type not known", call: demoPact2, facts: facts("CM", "culture", func(a *ApplicationFacts) {
			a.LeadAuthorityType = ""
		}), want: unknown("lead_type")},
		{name: "PACT2: an unknown country code", call: demoPact2, facts: facts("ZZ", "culture", nil), want: failed("countries")},
	}
}

func TestCheckEligibility(t *testing.T) {
	for _, tc := range eligibilityCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := CheckEligibility(tc.call.rules, tc.call.themes, tc.facts)
			if got := e.Eligible(); got != tc.eligible {
				t.Errorf("Eligible() = %v; want %v; results: %+v", got, tc.eligible, e.Results)
			}
			for _, r := range e.Results {
				want, listed := tc.want[r.Rule]
				if !listed {
					want = RulePassed
				}
				if r.Status != want {
					t.Errorf("rule %s: got %s (%s %v); want %s", r.Rule, r.Status, r.Key, r.Args, want)
				}
			}
			for rule := range tc.want {
				if _, ok := e.Result(rule); !ok {
					t.Errorf("rule %s: absent; want %s", rule, tc.want[rule])
				}
			}
			if tc.key != "" {
				found := false
				for _, r := range e.Results {
					if r.Key == tc.key {
						found = true
					}
				}
				if !found {
					t.Errorf("no result with key %s; results: %+v", tc.key, e.Results)
				}
			}
			// Unknown facts never fail a rule.
			if len(tc.want) > 0 && !slices.Contains(mapsValues(tc.want), RuleFailed) && len(e.Failed()) > 0 {
				t.Errorf("Failed() = %+v; want none", e.Failed())
			}
		})
	}
}

func mapsValues(m map[string]RuleStatus) []RuleStatus {
	var out []RuleStatus
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestCheckEligibilityRedirect(t *testing.T) {
	moroccan := facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
		a.Partners = append(a.Partners, PartnerFact{Kind: OrgForeignAuthority, Country: "ma", Confirmed: true})
	})
	r, ok := CheckEligibility(demoMedFund.rules, demoMedFund.themes, moroccan).Result("excluded_country")
	if !ok || r.Status != RuleFailed || r.RedirectCallID != demoMoroccoID || r.Field != "partners" ||
		r.Key != "eligibility.excluded_country" || r.Args[0] != "MA" {
		t.Fatalf("got %+v; want excluded_country failed on partners, redirected to the Franco-Moroccan call", r)
	}
	inMorocco := facts("MA", "decentralisation_support", nil)
	r, _ = CheckEligibility(demoMedFund.rules, demoMedFund.themes, inMorocco).Result("excluded_country")
	if r.Field != "countries" || r.RedirectCallID != demoMoroccoID {
		t.Errorf("project in Morocco: got %+v; want a redirect on countries", r)
	}
	// Without a call to go to, the country is simply excluded.
	rules := demoMedFund.rules
	rules.Excluded = []Exclusion{{Country: "MA"}}
	r, _ = CheckEligibility(rules, nil, moroccan).Result("excluded_country")
	if r.Key != "eligibility.excluded_country.no_redirect" || r.RedirectCallID != 0 {
		t.Errorf("no redirect: got %+v", r)
	}
}

func TestEligibilityHideRedirects(t *testing.T) {
	inMorocco := facts("MA", "decentralisation_support", nil)
	e := CheckEligibility(demoMedFund.rules, demoMedFund.themes, inMorocco)
	for _, tt := range []struct {
		name    string
		visible bool
		key     string
		id      int64
	}{
		{"visible target", true, "eligibility.excluded_country", demoMoroccoID},
		{"hidden target", false, "eligibility.excluded_country.no_redirect", 0},
	} {
		got := e.HideRedirects(func(id int64) bool { return tt.visible && id == demoMoroccoID })
		r, _ := got.Result("excluded_country")
		if r.Key != tt.key || r.RedirectCallID != tt.id || r.Args[0] != "MA" || r.Args[1] != tt.id {
			t.Errorf("%s: got %+v; want key %s, redirect %d", tt.name, r, tt.key, tt.id)
		}
		if len(got.Results) != len(e.Results) || got.Eligible() != e.Eligible() {
			t.Errorf("%s: got %d results, eligible %v; want %d, %v", tt.name, len(got.Results), got.Eligible(), len(e.Results), e.Eligible())
		}
	}
	if r, _ := e.Result("excluded_country"); r.RedirectCallID != demoMoroccoID {
		t.Errorf("HideRedirects changed its receiver: got %+v", r)
	}
}

// TestCheckEligibilityOrder: one result per rule the call sets, in the
// documented order; the rules it does not set are absent.
func TestCheckEligibilityOrder(t *testing.T) {
	all := EligibilityRules{
		Countries: []string{"TN"}, Excluded: []Exclusion{{Country: "MA"}}, LeadTypes: AuthorityTypes, LeadRegion: "93",
		PartnerCountries: []string{"TN"}, BeneficiaryCountries: []string{"SN"}, MaxGrantCents: 1, MaxFundersShareBP: 1,
		MinOwnShareBP: 1, MaxInKindOfOwnBP: 1, MinDurationMonths: 1, RequiredDocuments: []string{"budget"}, NoOverdueReports: true,
		PartnersMustConfirm: true,
	}
	want := []string{"countries", "excluded_country", "lead_type", "lead_region", "partner", "confirmations", "beneficiary", "max_grant",
		"funders_share", "own_share", "in_kind", "duration", "documents", "overdue_reports", "themes"}
	var got []string
	for _, r := range CheckEligibility(all, []string{"culture"}, ApplicationFacts{}).Results {
		got = append(got, r.Rule)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
	got = got[:0]
	for _, r := range CheckEligibility(EligibilityRules{}, nil, ApplicationFacts{}).Results {
		got = append(got, r.Rule)
	}
	if !slices.Equal(got, []string{"countries"}) {
		t.Errorf("empty rules: got %v; want only countries (anywhere but France)", got)
	}
}

// TestCheckEligibilityConfirmations: the rule counts the partners who have
// not confirmed, and is only ever passed or unknown, never failed.
func TestCheckEligibilityConfirmations(t *testing.T) {
	confirmed := PartnerFact{Kind: OrgForeignAuthority, Country: "TN", Confirmed: true}
	pending := PartnerFact{Kind: OrgAssociation, Country: "TN"}
	for _, tc := range []struct {
		name     string
		partners []PartnerFact
		want     RuleStatus
		key      string
		args     []any
	}{
		{"no partner", nil, RuleUnknown, "eligibility.confirmations.unknown", nil},
		{"one confirmed", []PartnerFact{confirmed}, RulePassed, "eligibility.confirmations.ok", nil},
		{"all confirmed", []PartnerFact{confirmed, confirmed}, RulePassed, "eligibility.confirmations.ok", nil},
		{"one pending", []PartnerFact{confirmed, pending}, RuleUnknown, "eligibility.confirmations.pending", []any{1}},
		{"all pending", []PartnerFact{pending, pending, pending}, RuleUnknown, "eligibility.confirmations.pending", []any{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := CheckEligibility(EligibilityRules{PartnersMustConfirm: true}, nil, ApplicationFacts{Partners: tc.partners}).Result("confirmations")
			if !ok {
				t.Fatal("rule confirmations absent")
			}
			if r.Status != tc.want || r.Key != tc.key || !slices.Equal(r.Args, tc.args) || r.Field != "partners" {
				t.Errorf("got %s %s %v on %q; want %s %s %v on partners", r.Status, r.Key, r.Args, r.Field, tc.want, tc.key, tc.args)
			}
		})
	}
	if _, ok := CheckEligibility(EligibilityRules{}, nil, ApplicationFacts{Partners: []PartnerFact{pending}}).Result("confirmations"); ok {
		t.Error("rule confirmations present for a call that does not set it")
	}
}

func TestCheckEligibilityMoney(t *testing.T) {
	const maxI = math.MaxInt64
	type money struct{ total, grant, cash, kind int64 }
	for _, tc := range []struct {
		name  string
		rules EligibilityRules
		m     money
		rule  string
		want  RuleStatus
		args  []any
	}{
		{"funders at exactly 50 %", EligibilityRules{MaxFundersShareBP: 5000}, money{10_000_000, 5_000_000, 0, 0}, "funders_share", RulePassed, []any{5000, 5000}},
		{"funders one cent above 50 %", EligibilityRules{MaxFundersShareBP: 5000}, money{10_000_000, 5_000_001, 0, 0}, "funders_share", RuleFailed, []any{5000, 5001, int64(5_000_000)}},
		{"funders at 50 % of 10¹² cents", EligibilityRules{MaxFundersShareBP: 5000}, money{1e12, 5e11, 0, 0}, "funders_share", RulePassed, []any{5000, 5000}},
		{"funders one cent above 50 % of 10¹² cents", EligibilityRules{MaxFundersShareBP: 5000}, money{1e12, 5e11 + 1, 0, 0}, "funders_share", RuleFailed, []any{5000, 5001, int64(5e11)}},
		{"funders at 100 % of MaxInt64", EligibilityRules{MaxFundersShareBP: 10000}, money{maxI, maxI, 0, 0}, "funders_share", RulePassed, []any{10000, 10000}},
		{"grant above a MaxInt64-1 total", EligibilityRules{MaxFundersShareBP: 10000}, money{maxI - 1, maxI, 0, 0}, "funders_share", RuleFailed, []any{10000, 10001, int64(maxI - 1)}},
		{"grant above total", EligibilityRules{MaxFundersShareBP: 8000}, money{100, 150, 0, 0}, "funders_share", RuleFailed, []any{8000, 15000, int64(80)}},
		{"funders rounding 1/3", EligibilityRules{MaxFundersShareBP: 3334}, money{300, 100, 0, 0}, "funders_share", RulePassed, []any{3334, 3334}},
		{"funders rounding 1/3 below", EligibilityRules{MaxFundersShareBP: 3333}, money{300, 100, 0, 0}, "funders_share", RuleFailed, []any{3333, 3334, int64(99)}},
		{"total cost zero", EligibilityRules{MaxFundersShareBP: 5000}, money{0, 100, 0, 0}, "funders_share", RuleUnknown, []any{5000}},
		{"negative grant", EligibilityRules{MaxFundersShareBP: 5000}, money{100, -1, 0, 0}, "funders_share", RuleFailed, nil},
		{"negative total", EligibilityRules{MaxFundersShareBP: 5000}, money{-100, 1, 0, 0}, "funders_share", RuleFailed, nil},

		{"own at exactly 20 %", EligibilityRules{MinOwnShareBP: 2000}, money{10_000_000, 0, 1_500_000, 500_000}, "own_share", RulePassed, []any{2000, 2000}},
		{"own one cent below 20 %", EligibilityRules{MinOwnShareBP: 2000}, money{10_000_000, 0, 1_500_000, 499_999}, "own_share", RuleFailed, []any{2000, 1999, int64(2_000_000)}},
		{"own all in kind", EligibilityRules{MinOwnShareBP: 1000}, money{1000, 0, 0, 100}, "own_share", RulePassed, []any{1000, 1000}},
		{"own of MaxInt64 each", EligibilityRules{MinOwnShareBP: 10000}, money{maxI, 0, maxI, maxI}, "own_share", RulePassed, []any{10000, 20000}},
		{"own least rounded up", EligibilityRules{MinOwnShareBP: 1000}, money{1001, 0, 100, 0}, "own_share", RuleFailed, []any{1000, 999, int64(101)}},
		{"own negative cash", EligibilityRules{MinOwnShareBP: 1000}, money{1001, 0, -100, 0}, "own_share", RuleFailed, nil},

		{"in kind at exactly 50 %", EligibilityRules{MaxInKindOfOwnBP: 5000}, money{0, 0, 500_000, 500_000}, "in_kind", RulePassed, []any{5000, 5000}},
		{"in kind one cent above 50 %", EligibilityRules{MaxInKindOfOwnBP: 5000}, money{0, 0, 500_000, 500_001}, "in_kind", RuleFailed, []any{5000, 5001, int64(500_000), int64(500_001)}},
		{"in kind with no cash at 30 %", EligibilityRules{MaxInKindOfOwnBP: 3000}, money{0, 0, 0, 1}, "in_kind", RuleFailed, []any{3000, 10000, int64(0), int64(3)}},
		{"no own contribution", EligibilityRules{MaxInKindOfOwnBP: 3000}, money{0, 0, 0, 0}, "in_kind", RulePassed, []any{3000, 0}},
		{"in kind at 100 %", EligibilityRules{MaxInKindOfOwnBP: 10000}, money{0, 0, 0, maxI}, "in_kind", RulePassed, []any{10000, 10000}},
		{"in kind of 10¹² cents", EligibilityRules{MaxInKindOfOwnBP: 2500}, money{0, 0, 3e12, 1e12 + 1}, "in_kind", RuleFailed, []any{2500, 2501, int64(1e12), int64(3e12 + 3)}},

		{"grant at the ceiling", EligibilityRules{MaxGrantCents: 5_000_000}, money{0, 5_000_000, 0, 0}, "max_grant", RulePassed, []any{int64(5_000_000), int64(5_000_000)}},
		{"grant one cent above the ceiling", EligibilityRules{MaxGrantCents: 5_000_000}, money{0, 5_000_001, 0, 0}, "max_grant", RuleFailed, []any{int64(5_000_000), int64(5_000_001)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ApplicationFacts{TotalCostCents: eCents(tc.m.total), GrantRequestedCents: eCents(tc.m.grant),
				OwnCashCents: eCents(tc.m.cash), InKindCents: eCents(tc.m.kind)}
			r, ok := CheckEligibility(tc.rules, nil, f).Result(tc.rule)
			if !ok {
				t.Fatalf("rule %s absent", tc.rule)
			}
			if r.Status != tc.want || !slices.Equal(r.Args, tc.args) {
				t.Errorf("got %s %s %v; want %s %v", r.Status, r.Key, r.Args, tc.want, tc.args)
			}
		})
	}
}

func TestCheckEligibilityIsPure(t *testing.T) {
	f := facts("tn", "Decentralisation_Support", func(a *ApplicationFacts) {
		a.Partners = append(a.Partners, PartnerFact{Kind: OrgForeignAuthority, Country: " ma ", Confirmed: true})
	})
	before := f.Countries[0] + f.Partners[1].Country + f.Themes[0]
	rules := demoMedFund.rules
	a := CheckEligibility(rules, demoMedFund.themes, f)
	b := CheckEligibility(rules, demoMedFund.themes, f)
	if f.Countries[0]+f.Partners[1].Country+f.Themes[0] != before {
		t.Error("CheckEligibility changed the facts")
	}
	if len(a.Results) != len(b.Results) {
		t.Fatal("two calls differ")
	}
	for i := range a.Results {
		if a.Results[i].Key != b.Results[i].Key || a.Results[i].Status != b.Results[i].Status {
			t.Errorf("result %d differs: %+v / %+v", i, a.Results[i], b.Results[i])
		}
	}
	if got := a.Failed(); len(got) != 1 || got[0].Rule != "excluded_country" {
		t.Errorf("Failed() = %+v; want only excluded_country", got)
	}
}

var placeholder = regexp.MustCompile(`%\[(\d+)\]`)

// TestEligibilityMessages renders every result of the table in every
// language: each key exists everywhere, uses no more args than it gets, and
// reads without codes or format errors.
func TestEligibilityMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for key, kinds := range eligibilityArgKinds {
		for _, lang := range i18n.Supported {
			msg, ok := cat[lang][key]
			if !ok {
				t.Errorf("%s: key %s missing", lang, key)
				continue
			}
			for _, m := range placeholder.FindAllStringSubmatch(msg, -1) {
				if n, _ := strconv.Atoi(m[1]); n > len(kinds) {
					t.Errorf("%s: %s uses arg %d of %d", lang, key, n, len(kinds))
				}
			}
			if len(kinds) == 0 && strings.Contains(msg, "%") {
				t.Errorf("%s: %s takes no args but has a %%: %q", lang, key, msg)
			}
		}
	}
	seen := map[string]bool{}
	for _, tc := range eligibilityCases() {
		for _, r := range CheckEligibility(tc.call.rules, tc.call.themes, tc.facts).Results {
			if _, ok := eligibilityArgKinds[r.Key]; !ok {
				t.Errorf("key %s is not listed in eligibilityArgKinds", r.Key)
			}
			if n := len(eligibilityArgKinds[r.Key]); n != len(r.Args) {
				t.Errorf("%s: %d args; eligibilityArgKinds lists %d", r.Key, len(r.Args), n)
			}
			seen[r.Key] = true
			for _, lang := range i18n.Supported {
				tr := func(k string, a ...any) string { return cat.T(lang, k, a...) }
				msg := r.Message(lang, tr)
				if strings.Contains(msg, "%!") || strings.Contains(msg, "group:") || strings.Contains(msg, "eligibility.") {
					t.Errorf("%s: %s renders badly: %q", lang, r.Key, msg)
				}
			}
		}
	}
	for _, key := range []string{"eligibility.excluded_country", "eligibility.lead_region", "eligibility.max_grant",
		"eligibility.own_share", "eligibility.in_kind", "eligibility.beneficiary", "eligibility.partner.unconfirmed",
		"eligibility.confirmations.pending", "eligibility.confirmations.unknown", "eligibility.confirmations.ok"} {
		if !seen[key] {
			t.Errorf("no case produces %s", key)
		}
	}

	check := func(f ApplicationFacts, c demoCall, rule, lang string, want ...string) {
		t.Helper()
		r, _ := CheckEligibility(c.rules, c.themes, f).Result(rule)
		msg := r.Message(lang, func(k string, a ...any) string { return cat.T(lang, k, a...) })
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %s: %q lacks %q", lang, rule, msg, w)
			}
		}
	}
	moroccan := facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
		a.Partners = append(a.Partners, PartnerFact{Kind: OrgForeignAuthority, Country: "MA", Confirmed: true})
	})
	check(moroccan, demoMedFund, "excluded_country", "fr", "Ce pays (Maroc) relève d'un autre appel")
	check(moroccan, demoMedFund, "excluded_country", "en", "Morocco is handled by a dedicated call")
	check(moroccan, demoMedFund, "excluded_country", "es", "(Marruecos)")
	check(moroccan, demoMedFund, "excluded_country", "pt", "(Marrocos)")
	lyon := facts("TN", "decentralisation_support", func(a *ApplicationFacts) { a.LeadRegion = "84" })
	check(lyon, demoMedFund, "lead_region", "fr", "région Provence-Alpes-Côte d'Azur ;", "en région Auvergne-Rhône-Alpes")
	big := facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
		a.TotalCostCents, a.GrantRequestedCents = eCents(20_000_000), eCents(5_012_345)
	})
	check(big, demoMedFund, "max_grant", "fr", "(50\u202f123,45\u00a0€)", "à 50\u202f000\u00a0€ au plus")
	check(big, demoMedFund, "max_grant", "en", "(€50,123.45)", "to €50,000 at most")
	chile := facts("BR", "education", func(a *ApplicationFacts) { a.BeneficiaryCountries = []string{"CL"} })
	check(chile, demoBrazil, "beneficiary", "fr", "Afrique, Haïti", "(Chili)")
	check(chile, demoBrazil, "beneficiary", "pt", "África, Haiti")
	short := facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
		a.OwnCashCents, a.InKindCents = eCents(500_000), eCents(499_999)
	})
	check(short, demoMedFund, "own_share", "fr", "représente 9,99\u202f% du coût total", "au moins 10\u202f%", "à 10\u202f000\u00a0€ au moins")
	check(facts("IN", "culture", func(a *ApplicationFacts) { a.Documents = []string{"budget"} }), demoIndia, "documents", "fr",
		"Pièces manquantes : délibération de l'assemblée de la collectivité, lettres d'intention des partenaires.")
	check(ApplicationFacts{}, demoMedFund, "countries", "fr",
		"Algérie, Égypte, Jordanie, Liban, Syrie, Territoires palestiniens, Tunisie, Turquie.")
	check(facts("IN", "culture", func(a *ApplicationFacts) { a.LeadAuthorityType = "" }), demoIndia, "lead_type", "fr", "Région, Département, Commune")
	check(facts("IN", "transport", nil), demoIndia, "themes", "fr", "Transports.")

	// Without a translator, authority types and documents keep their codes.
	r, _ := CheckEligibility(demoPact2.rules, nil, facts("SN", "culture", func(a *ApplicationFacts) { a.Documents = []string{} })).Result("documents")
	if got := r.MessageArgs("fr", nil); got[0] != "council_deliberation" {
		t.Errorf("MessageArgs without translator: got %v", got)
	}
}

func TestFormatEuroCents(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		cents int64
		want  string
	}{
		{"fr", 5_000_000, "50\u202f000\u00a0€"},
		{"fr", 123_456, "1\u202f234,56\u00a0€"},
		{"fr", 5, "0,05\u00a0€"},
		{"fr", -150, "-1,50\u00a0€"},
		{"en", 5_000_000, "€50,000"},
		{"en", 123_456, "€1,234.56"},
		{"es", 500_000, "5000\u00a0€"},
		{"es", 5_000_000, "50.000\u00a0€"},
		{"pt", 5_000_000, "€\u00a050.000"},
		{"pt", 1e14, "€\u00a01.000.000.000.000"},
		{"de", 100, "1\u00a0€"},
		{"en", math.MinInt64, "-€92,233,720,368,547,758.08"},
	} {
		if got := FormatEuroCents(tc.lang, tc.cents); got != tc.want {
			t.Errorf("FormatEuroCents(%s, %d) = %q; want %q", tc.lang, tc.cents, got, tc.want)
		}
	}
}

func TestFormatBasisPoints(t *testing.T) {
	for _, tc := range []struct {
		lang string
		bp   int
		want string
	}{
		{"fr", 1000, "10\u202f%"},
		{"fr", 1250, "12,5\u202f%"},
		{"fr", 5001, "50,01\u202f%"},
		{"en", 1250, "12.5%"},
		{"es", 10000, "100\u00a0%"},
		{"pt", 5, "0,05%"},
	} {
		if got := FormatBasisPoints(tc.lang, tc.bp); got != tc.want {
			t.Errorf("FormatBasisPoints(%s, %d) = %q; want %q", tc.lang, tc.bp, got, tc.want)
		}
	}
}

func BenchmarkCheckEligibility(b *testing.B) {
	eligible := facts("TN", "decentralisation_support", nil)
	moroccan := facts("TN", "decentralisation_support", func(a *ApplicationFacts) {
		a.Partners = append(a.Partners, PartnerFact{Kind: OrgForeignAuthority, Country: "MA", Confirmed: true})
	})
	trilateral := facts("BR", "education", func(a *ApplicationFacts) {
		a.Countries, a.BeneficiaryCountries = []string{"BR", "MZ"}, []string{"MZ"}
	})
	b.ReportAllocs()
	for b.Loop() {
		CheckEligibility(demoMedFund.rules, demoMedFund.themes, eligible)
		CheckEligibility(demoMedFund.rules, demoMedFund.themes, moroccan)
		CheckEligibility(demoBrazil.rules, demoBrazil.themes, trilateral)
	}
}

func TestEligibleCountries(t *testing.T) {
	abroad := len(Countries()) - 1
	tests := []struct {
		name  string
		rules EligibilityRules
		want  []string // nil: only check the count
		count int
	}{
		{name: "codes sorted and deduplicated", rules: EligibilityRules{Countries: []string{"IN", "br", "IN"}}, want: []string{"BR", "IN"}},
		{name: "group expanded less exclusion", rules: EligibilityRules{
			Countries: []string{"group:south_east_mediterranean"},
			Excluded:  []Exclusion{{Country: "ma", RedirectCallID: 6}},
		}, want: []string{"DZ", "EG", "IL", "JO", "LB", "LY", "PS", "SY", "TN", "TR"}},
		{name: "group and code overlap", rules: EligibilityRules{Countries: []string{"TN", "group:mediterranean_fund"}},
			want: []string{"DZ", "EG", "JO", "LB", "PS", "SY", "TN", "TR"}},
		{name: "France when named", rules: EligibilityRules{Countries: []string{"FR", "SN"}}, want: []string{"FR", "SN"}},
		{name: "unknown entries skipped", rules: EligibilityRules{Countries: []string{"XX", "group:nowhere", "SN"}}, want: []string{"SN"}},
		{name: "all excluded", rules: EligibilityRules{Countries: []string{"MA"}, Excluded: []Exclusion{{Country: "MA"}}}, want: []string{}},
		{name: "empty: anywhere but France", rules: EligibilityRules{}, count: abroad},
		{name: "empty less exclusion", rules: EligibilityRules{Excluded: []Exclusion{{Country: "MA"}}}, count: abroad - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EligibleCountries(tt.rules)
			if !slices.IsSorted(got) {
				t.Errorf("got %v; want sorted", got)
			}
			if got == nil {
				t.Errorf("got nil; want an empty list at least")
			}
			if tt.want != nil {
				if !slices.Equal(got, tt.want) {
					t.Errorf("got %v; want %v", got, tt.want)
				}
				return
			}
			if len(got) != tt.count {
				t.Errorf("got %d countries; want %d", len(got), tt.count)
			}
			if slices.Contains(got, "FR") {
				t.Errorf("got France; want every country but France")
			}
			for _, e := range tt.rules.Excluded {
				if slices.Contains(got, e.Country) {
					t.Errorf("got excluded %s", e.Country)
				}
			}
		})
	}
}

// TestNothingKnownFailsNothing checks, on every demo call, that an
// application of which nothing is known yet fails no rule: each rule the
// call sets answers "not yet known", and the call names where projects may
// take place.
func TestNothingKnownFailsNothing(t *testing.T) {
	for _, dc := range demoCalls {
		el := CheckEligibility(dc.rules, dc.themes, ApplicationFacts{})
		if failed := el.Failed(); len(failed) != 0 {
			t.Errorf("%s: an empty application fails %v; want every rule unknown", dc.name, failed)
		}
		if el.Eligible() {
			t.Errorf("%s: an empty application is eligible; want it not yet known", dc.name)
		}
		if len(EligibleCountries(dc.rules)) == 0 {
			t.Errorf("%s: no country where a project may take place", dc.name)
		}
	}
}
