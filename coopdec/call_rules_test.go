package coopdec

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/i18n"
)

// Organisations of the demonstration calls.
const (
	orgMinistry       int64 = 100
	orgIndianMinistry int64 = 101 // co-manages the Franco-Indian call
	orgBrazilMinistry int64 = 102 // co-manages the Franco-Brazilian call
	orgPACA           int64 = 103 // co-manages the Mediterranean fund
)

// validIndianCall is the Franco-Indian call, published, as an officer saves it.
func validIndianCall() *Call {
	return &Call{
		ID:          demoIndiaID,
		ProgrammeID: 2,
		Reference:   "AAP-FR-IN-2011",
		Texts: map[string]CallText{
			"fr": {Title: "Appel à projets franco-indien", Summary: "Coopération décentralisée franco-indienne."},
			"en": {Title: "Franco-Indian call for projects"},
		},
		CoManagers:   []int64{orgIndianMinistry},
		DecisionRule: DecisionAllParties,
		Funders: []Funder{
			{OrganisationID: orgMinistry, EnvelopeCents: 50_000_000, ShareBP: 5000},
			{OrganisationID: orgIndianMinistry, EnvelopeCents: 50_000_000, ShareBP: 5000},
		},
		Themes:       slices.Clone(demoJointThemes),
		Rules:        withRules(demoIndia.rules, func(r *EligibilityRules) { r.MaxGrantCents = 10_000_000 }),
		Status:       CallPublished,
		PublishAt:    mustTime("2011-04-18T10:00:00+02:00"),
		OpensAt:      mustTime("2011-05-02T00:00:00+02:00"),
		Deadline:     mustTime("2011-09-30T23:59:59+02:00"),
		EvaluationAt: mustTime("2011-10-03T00:00:00+02:00"),
		ResultsAt:    mustTime("2011-12-15T00:00:00+01:00"),
	}
}

// The Mediterranean fund, co-run with the PACA regional council.
func validMedFundCall() *Call {
	c := validIndianCall()
	c.ID, c.Reference, c.CoManagers = demoMedFundID, "FRCDM-2011", []int64{orgPACA}
	c.Texts = map[string]CallText{"fr": {Title: "Fonds régional pour la coopération décentralisée en Méditerranée"}}
	c.Funders = []Funder{{OrganisationID: orgMinistry, ShareBP: 5000}, {OrganisationID: orgPACA, ShareBP: 5000}}
	c.Themes, c.Rules = slices.Clone(demoMedFund.themes), demoMedFund.rules
	c.Rules.Countries = slices.Clone(c.Rules.Countries)
	c.Rules.Excluded = slices.Clone(c.Rules.Excluded)
	return c
}

type refusal struct {
	name  string
	call  func() *Call
	edit  func(*Call)
	field string
	key   string
}

func callRefusals() []refusal {
	in, med := validIndianCall, validMedFundCall
	at := mustTime
	return []refusal{
		{"no programme", in, func(c *Call) { c.ProgrammeID = 0 }, "programme_id", "call.validation.programme.required"},
		{"reference too long", in, func(c *Call) { c.Reference = strings.Repeat("X", 65) }, "reference", "call.validation.reference.too_long"},
		{"no French text", in, func(c *Call) { delete(c.Texts, "fr") }, "texts.fr.title", "call.validation.texts.fr.required"},
		{"blank French title", in, func(c *Call) { c.Texts["fr"] = CallText{Title: "  ", Body: "Corps"} }, "texts.fr.title", "call.validation.texts.fr.required"},
		{"German text", in, func(c *Call) { c.Texts["de"] = CallText{Title: "Aufruf"} }, "texts", "call.validation.texts.language"},
		{"English text without title", in, func(c *Call) { c.Texts["en"] = CallText{Summary: "Summary"} }, "texts.en.title", "call.validation.texts.title.required"},
		{"title too long", in, func(c *Call) { c.Texts["fr"] = CallText{Title: strings.Repeat("é", 201)} }, "texts.fr.title", "call.validation.texts.title.too_long"},
		{"summary too long", in, func(c *Call) { c.Texts["es"] = CallText{Title: "T", Summary: strings.Repeat("a", 1001)} }, "texts.es.summary", "call.validation.texts.summary.too_long"},
		{"body too long", in, func(c *Call) { c.Texts["pt"] = CallText{Title: "T", Body: strings.Repeat("a", 100_001)} }, "texts.pt.body", "call.validation.texts.body.too_long"},
		{"unknown status", in, func(c *Call) { c.Status = "archived" }, "status", "call.validation.status.invalid"},
		{"unknown decision rule", in, func(c *Call) { c.DecisionRule = "majority" }, "decision_rule", "call.validation.decision_rule.invalid"},
		{"co-manager 0", in, func(c *Call) { c.CoManagers = []int64{0} }, "co_managers", "call.validation.co_managers.invalid"},
		{"co-manager twice", in, func(c *Call) { c.CoManagers = []int64{orgIndianMinistry, orgIndianMinistry} }, "co_managers", "call.validation.co_managers.duplicate"},

		{"published without publication date", in, func(c *Call) { c.PublishAt = time.Time{} }, "publish_at", "call.validation.publish_at.required"},
		{"published without opening", in, func(c *Call) { c.OpensAt = time.Time{} }, "opens_at", "call.validation.opens_at.required"},
		{"published without deadline", in, func(c *Call) { c.Deadline = time.Time{}; c.EvaluationAt = time.Time{}; c.ResultsAt = time.Time{} }, "deadline", "call.validation.deadline.required"},
		{"opening before publication", in, func(c *Call) { c.OpensAt = at("2011-04-18T09:59:59+02:00") }, "opens_at", "call.validation.opens_at.before_publication"},
		{"deadline before opening", in, func(c *Call) { c.Deadline = at("2011-05-01T00:00:00+02:00") }, "deadline", "call.validation.deadline.before_opening"},
		{"deadline at opening", in, func(c *Call) { c.Deadline = c.OpensAt }, "deadline", "call.validation.deadline.before_opening"},
		{"draft: deadline before publication", in, func(c *Call) {
			c.Status, c.OpensAt, c.Deadline = CallDraft, time.Time{}, at("2011-04-01T00:00:00+02:00")
			c.EvaluationAt, c.ResultsAt = time.Time{}, time.Time{}
		}, "deadline", "call.validation.deadline.before_publication"},
		{"evaluation before deadline", in, func(c *Call) { c.EvaluationAt = at("2011-09-30T12:00:00+02:00") }, "evaluation_at", "call.validation.evaluation_at.before_deadline"},
		{"results before evaluation", in, func(c *Call) { c.ResultsAt = at("2011-10-02T00:00:00+02:00") }, "results_at", "call.validation.results_at.before_evaluation"},
		{"results before deadline", in, func(c *Call) { c.EvaluationAt, c.ResultsAt = time.Time{}, at("2011-09-01T00:00:00+02:00") }, "results_at", "call.validation.results_at.before_deadline"},

		{"funder without organisation", in, func(c *Call) { c.Funders[1].OrganisationID = 0 }, "funders.1.organisation_id", "call.validation.funders.organisation.required"},
		{"funder twice", in, func(c *Call) { c.Funders[1].OrganisationID = orgMinistry }, "funders.1.organisation_id", "call.validation.funders.duplicate"},
		{"negative envelope", in, func(c *Call) { c.Funders[0].EnvelopeCents = -1 }, "funders.0.envelope_cents", "call.validation.amount.negative"},
		{"envelope of 10 billion euros and a cent", in, func(c *Call) { c.Funders[0].EnvelopeCents = 1e12 + 1 }, "funders.0.envelope_cents", "call.validation.amount.too_large"},
		{"share above 100 %", in, func(c *Call) { c.Funders[0].ShareBP, c.Funders[1].ShareBP = 10001, -1 }, "funders.0.share_bp", "call.validation.share.range"},
		{"negative share", in, func(c *Call) { c.Funders[0].ShareBP, c.Funders[1].ShareBP = 10001, -1 }, "funders.1.share_bp", "call.validation.share.range"},
		{"shares adding up to 99,99 %", in, func(c *Call) { c.Funders[1].ShareBP = 4999 }, "funders", "call.validation.funders.shares.sum"},
		{"shares adding up to 150 %", in, func(c *Call) { c.Funders[1].ShareBP = 10000 }, "funders", "call.validation.funders.shares.sum"},
		{"ceiling above the envelopes", in, func(c *Call) { c.Rules.MaxGrantCents = 100_000_001 }, "rules.max_grant_cents", "call.validation.max_grant.above_envelopes"},
		{"an envelope too small for its share", in, func(c *Call) {
			c.Funders[0].EnvelopeCents, c.Funders[1].EnvelopeCents = 4_999_999, 500_000_000
		}, "funders.0.envelope_cents", "call.validation.funders.envelope.insufficient"},

		{"unknown theme", in, func(c *Call) { c.Themes = append(c.Themes, "health") }, "themes", "call.validation.themes.unknown"},
		{"theme twice", in, func(c *Call) { c.Themes = append(c.Themes, "Culture") }, "themes", "call.validation.themes.duplicate"},
		{"unknown country", in, func(c *Call) { c.Rules.Countries = []string{"IN", "XX"} }, "rules.countries", "country.unknown"},
		{"unknown group", in, func(c *Call) { c.Rules.Countries = []string{"group:asia"} }, "rules.countries", "country.unknown"},
		{"country twice", in, func(c *Call) { c.Rules.Countries = []string{"IN", "in"} }, "rules.countries", "call.validation.countries.duplicate"},
		{"unknown partner country", in, func(c *Call) { c.Rules.PartnerCountries = []string{"UK"} }, "rules.partner_countries", "country.unknown"},
		{"French partners", in, func(c *Call) { c.Rules.PartnerCountries = []string{"IN", "FR"} }, "rules.partner_countries", "call.validation.partner_countries.france"},
		{"unknown beneficiary", in, func(c *Call) { c.Rules.BeneficiaryCountries = []string{"group:africa", "HA"} }, "rules.beneficiary_countries", "country.unknown"},
		{"unknown excluded country", med, func(c *Call) { c.Rules.Excluded[0].Country = "MO" + "X" }, "rules.excluded.0.country", "country.unknown"},
		{"excluded group", med, func(c *Call) { c.Rules.Excluded[0].Country = "group:africa" }, "rules.excluded.0.country", "call.validation.excluded.group"},
		{"excluded twice", med, func(c *Call) { c.Rules.Excluded = append(c.Rules.Excluded, Exclusion{Country: "ma"}) }, "rules.excluded.1.country", "call.validation.excluded.duplicate"},
		{"excluded and required", med, func(c *Call) { c.Rules.Countries = append(c.Rules.Countries, "MA") }, "rules.excluded.0.country", "call.validation.excluded.required"},
		{"excluded and a required partner", med, func(c *Call) { c.Rules.PartnerCountries = []string{"MA"} }, "rules.excluded.0.country", "call.validation.excluded.required"},
		{"negative redirect", med, func(c *Call) { c.Rules.Excluded[0].RedirectCallID = -1 }, "rules.excluded.0.redirect_call_id", "call.validation.excluded.redirect.invalid"},
		{"redirect to itself", med, func(c *Call) { c.Rules.Excluded[0].RedirectCallID = c.ID }, "rules.excluded.0.redirect_call_id", "call.validation.excluded.redirect.self"},
		{"unknown lead type", in, func(c *Call) { c.Rules.LeadTypes = []AuthorityType{"canton"} }, "rules.lead_types", "call.validation.lead_types.invalid"},
		{"lead type twice", in, func(c *Call) { c.Rules.LeadTypes = []AuthorityType{AuthorityCommune, AuthorityCommune} }, "rules.lead_types", "call.validation.lead_types.duplicate"},
		{"région in one digit", med, func(c *Call) { c.Rules.LeadRegion = "9" }, "rules.lead_region", "call.validation.lead_region.invalid"},
		{"région by name", med, func(c *Call) { c.Rules.LeadRegion = "PACA" }, "rules.lead_region", "call.validation.lead_region.invalid"},
		{"région 99 does not exist", med, func(c *Call) { c.Rules.LeadRegion = "99" }, "rules.lead_region", "call.validation.lead_region.invalid"},
		{"former région 21 (Champagne-Ardenne)", med, func(c *Call) { c.Rules.LeadRegion = "21" }, "rules.lead_region", "call.validation.lead_region.invalid"},
		{"overseas collectivité is no région", med, func(c *Call) { c.Rules.LeadRegion = "975" }, "rules.lead_region", "call.validation.lead_region.invalid"},

		{"negative ceiling", in, func(c *Call) { c.Rules.MaxGrantCents = -100 }, "rules.max_grant_cents", "call.validation.amount.negative"},
		{"ceiling of 10 billion euros and a cent", in, func(c *Call) { c.Rules.MaxGrantCents = 1e12 + 1 }, "rules.max_grant_cents", "call.validation.amount.too_large"},
		{"funders' maximum above 100 %", in, func(c *Call) { c.Rules.MaxFundersShareBP = 10001 }, "rules.max_funders_share_bp", "call.validation.share.range"},
		{"negative own minimum", in, func(c *Call) { c.Rules.MinOwnShareBP = -1 }, "rules.min_own_share_bp", "call.validation.share.range"},
		{"in kind above 100 %", med, func(c *Call) { c.Rules.MaxInKindOfOwnBP = 12000 }, "rules.max_in_kind_of_own_bp", "call.validation.share.range"},
		{"own minimum of 100 %", med, func(c *Call) { c.Rules.MinOwnShareBP = 10000 }, "rules.min_own_share_bp", "call.validation.own_share.full"},
		{"funders 80 % and own 30 %", in, func(c *Call) { c.Rules.MaxFundersShareBP, c.Rules.MinOwnShareBP = 8000, 3000 }, "rules.max_funders_share_bp", "call.validation.shares.contradictory"},
		{"funders 90 % and own 10,01 %", med, func(c *Call) { c.Rules.MaxFundersShareBP, c.Rules.MinOwnShareBP = 9000, 1001 }, "rules.max_funders_share_bp", "call.validation.shares.contradictory"},
		{"negative minimum duration", in, func(c *Call) { c.Rules.MinDurationMonths = -1 }, "rules.min_duration_months", "call.validation.duration.negative"},
		{"negative maximum duration", in, func(c *Call) { c.Rules.MaxDurationMonths = -1 }, "rules.max_duration_months", "call.validation.duration.negative"},
		{"minimum above maximum duration", in, func(c *Call) { c.Rules.MinDurationMonths, c.Rules.MaxDurationMonths = 37, 36 }, "rules.max_duration_months", "call.validation.duration.order"},
		{"document code with a space", in, func(c *Call) { c.Rules.RequiredDocuments = []string{"budget", "lettre d'intention"} }, "rules.required_documents", "call.validation.documents.invalid"},
		{"document twice", in, func(c *Call) { c.Rules.RequiredDocuments = []string{"budget", "Budget"} }, "rules.required_documents", "call.validation.documents.duplicate"},
	}
}

func errorList(err error) Errors {
	var list Errors
	if errors.As(err, &list) {
		return list
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}
	}
	return nil
}

func TestCallValidateRefusals(t *testing.T) {
	for _, tc := range callRefusals() {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.call()
			if err := c.Validate(); err != nil {
				t.Fatalf("the base call is invalid: %v", err)
			}
			c = tc.call()
			tc.edit(c)
			err := c.Validate()
			found := false
			for _, e := range errorList(err) {
				if e.Code != EINVALID {
					t.Errorf("%s: code %s; want %s", e.Key, e.Code, EINVALID)
				}
				if e.Field == tc.field && e.Key == tc.key {
					found = true
				}
			}
			if !found {
				t.Errorf("got %v; want %s on %s", errorList(err), tc.key, tc.field)
			}
		})
	}
}

func TestCallValidateAccepts(t *testing.T) {
	at := mustTime
	for _, tc := range []struct {
		name string
		call func() *Call
		edit func(*Call)
	}{
		{"Franco-Indian call", validIndianCall, func(*Call) {}},
		{"Mediterranean fund without envelopes", validMedFundCall, func(*Call) {}},
		{"draft without dates", validIndianCall, func(c *Call) {
			c.Status, c.PublishAt, c.OpensAt, c.Deadline, c.EvaluationAt, c.ResultsAt = CallDraft, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
		}},
		{"opening at publication", validIndianCall, func(c *Call) { c.OpensAt = c.PublishAt }},
		{"evaluation at the deadline, results at the evaluation", validIndianCall, func(c *Call) { c.EvaluationAt, c.ResultsAt = c.Deadline, c.Deadline }},
		{"results without evaluation date", validIndianCall, func(c *Call) { c.EvaluationAt, c.ResultsAt = time.Time{}, at("2011-12-01T00:00:00+01:00") }},
		{"one funder at 100 %", validIndianCall, func(c *Call) { c.Funders = c.Funders[:1]; c.Funders[0].ShareBP = 10000 }},
		{"a funder at 0 % (UNDP's accompaniment)", validIndianCall, func(c *Call) {
			c.Funders = append(c.Funders, Funder{OrganisationID: 200, ShareBP: 0})
		}},
		{"no funders", validIndianCall, func(c *Call) { c.Funders = nil }},
		{"ceiling equal to the envelopes", validIndianCall, func(c *Call) { c.Rules.MaxGrantCents = 100_000_000 }},
		{"envelope exactly enough for its share", validIndianCall, func(c *Call) {
			c.Funders[0].EnvelopeCents, c.Funders[1].EnvelopeCents = 5_000_000, 500_000_000
		}},
		{"one envelope set, the other not", validIndianCall, func(c *Call) {
			c.Funders[0].EnvelopeCents, c.Funders[1].EnvelopeCents = 5_000_000, 0
		}},
		{"funders 90 % and own 10 %", validMedFundCall, func(c *Call) { c.Rules.MaxFundersShareBP, c.Rules.MinOwnShareBP = 9000, 1000 }},
		{"funders 100 %, no own minimum", validMedFundCall, func(c *Call) { c.Rules.MaxFundersShareBP, c.Rules.MinOwnShareBP = 10000, 0 }},
		{"in kind up to 100 %", validMedFundCall, func(c *Call) { c.Rules.MaxInKindOfOwnBP = 10000 }},
		{"ceiling of 10 billion euros", validMedFundCall, func(c *Call) { c.Rules.MaxGrantCents = 1e12 }},
		// ISI@MED style: a group minus one of its countries.
		{"Morocco carved out of the southern Mediterranean", validMedFundCall, func(c *Call) {
			c.Rules.Countries = []string{"group:south_east_mediterranean"}
		}},
		{"equal durations", validIndianCall, func(c *Call) { c.Rules.MinDurationMonths, c.Rules.MaxDurationMonths = 12, 12 }},
		{"Corsica", validMedFundCall, func(c *Call) { c.Rules.LeadRegion = "94" }},
		{"Mayotte", validMedFundCall, func(c *Call) { c.Rules.LeadRegion = "06" }},
		{"draft with default status and rule", validIndianCall, func(c *Call) { c.Status, c.DecisionRule = "", "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.call()
			tc.edit(c)
			if err := c.Validate(); err != nil {
				t.Errorf("got %v; want valid", errorList(err))
			}
		})
	}
}

func TestCallValidateNormalises(t *testing.T) {
	c := validIndianCall()
	c.Status, c.DecisionRule = "", ""
	c.Reference = "  AAP-FR-IN-2011 "
	c.Texts["fr"] = CallText{Title: " Appel franco-indien\n"}
	c.Themes = []string{" Culture", "", "HERITAGE"}
	c.Rules.Countries = []string{" in ", ""}
	c.Rules.BeneficiaryCountries = []string{"GROUP:Africa", "ht"}
	c.Rules.Excluded = []Exclusion{{Country: " ma"}}
	c.Rules.LeadRegion = " 93 "
	c.Rules.RequiredDocuments = []string{" Budget ", ""}
	if err := c.Validate(); err != nil {
		t.Fatalf("got %v; want valid", errorList(err))
	}
	if c.Status != CallDraft || c.DecisionRule != DecisionAllParties || c.Reference != "AAP-FR-IN-2011" || c.Texts["fr"].Title != "Appel franco-indien" ||
		!slices.Equal(c.Themes, []string{"culture", "heritage"}) || !slices.Equal(c.Rules.Countries, []string{"IN"}) ||
		!slices.Equal(c.Rules.BeneficiaryCountries, []string{"group:africa", "HT"}) || c.Rules.Excluded[0].Country != "MA" ||
		c.Rules.LeadRegion != "93" || !slices.Equal(c.Rules.RequiredDocuments, []string{"budget"}) {
		t.Errorf("not normalised: %+v", c)
	}
}

// TestCallValidateReportsAll: a form shows every problem at once.
func TestCallValidateReportsAll(t *testing.T) {
	c := validIndianCall()
	c.Texts = nil
	c.Deadline = c.OpensAt.Add(-time.Hour)
	c.Funders[0].ShareBP = 20000
	c.Rules.Countries = []string{"ZZ"}
	c.Rules.MinDurationMonths = 40
	got := map[string]bool{}
	for _, e := range errorList(c.Validate()) {
		got[e.Field] = true
	}
	for _, f := range []string{"texts.fr.title", "deadline", "funders.0.share_bp", "rules.countries", "rules.max_duration_months"} {
		if !got[f] {
			t.Errorf("no error on %s; got %v", f, got)
		}
	}
}

// TestCallValidationCatalogue: every refusal has a message in every language
// that renders with its args, and every message of the catalogue is tested.
func TestCallValidationCatalogue(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tc := range callRefusals() {
		c := tc.call()
		tc.edit(c)
		for _, e := range errorList(c.Validate()) {
			tested[e.Key] = true
			for _, lang := range i18n.Supported {
				if _, ok := cat[lang][e.Key]; !ok {
					t.Errorf("%s: key %s missing", lang, e.Key)
					continue
				}
				if msg := cat.T(lang, e.Key, e.Args...); strings.Contains(msg, "%!") || strings.Contains(msg, "%%") {
					t.Errorf("%s: %s renders badly: %q", lang, e.Key, msg)
				}
			}
		}
	}
	for key := range cat["fr"] {
		if strings.HasPrefix(key, "call.validation.") && !tested[key] {
			t.Errorf("no test refuses with %s", key)
		}
	}
}

// TestInseeRegions checks the régions against the official referential.
func TestInseeRegions(t *testing.T) {
	b, err := os.ReadFile("../../shared/referentiel/decoupage-administratif-6.0.0/regions.json")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("the territorial referential is absent (../shared/referentiel)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var regions []struct {
		Code string `json:"code"`
		Nom  string `json:"nom"`
		Zone string `json:"zone"`
	}
	if err := json.Unmarshal(b, &regions); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range regions {
		if r.Zone == "com" {
			if _, ok := inseeRegions[r.Code]; ok {
				t.Errorf("%s (%s) is an overseas collectivité, not a région", r.Code, r.Nom)
			}
			continue
		}
		n++
		if got := RegionName(r.Code); got != r.Nom {
			t.Errorf("région %s: got %q; want %q", r.Code, got, r.Nom)
		}
	}
	if n != len(inseeRegions) {
		t.Errorf("the referential has %d régions; the code %d", n, len(inseeRegions))
	}
}

func TestCallStatusAt(t *testing.T) {
	c := validIndianCall()
	at := mustTime
	for _, tc := range []struct {
		name   string
		status CallStatus
		now    time.Time
		want   CallStatus
	}{
		{"before publication", CallPublished, at("2011-04-01T00:00:00Z"), CallPublished},
		{"published, not open", CallPublished, at("2011-05-01T21:59:59Z"), CallPublished},
		{"at opening", CallPublished, c.OpensAt, CallOpen},
		{"open", CallPublished, at("2011-07-14T12:00:00Z"), CallOpen},
		{"a nanosecond before the deadline", CallPublished, c.Deadline.Add(-time.Nanosecond), CallOpen},
		{"at the deadline: late", CallPublished, c.Deadline, CallClosed},
		{"after the deadline", CallPublished, at("2011-10-01T00:00:00Z"), CallClosed},
		{"stored open, deadline passed", CallOpen, at("2011-10-01T00:00:00Z"), CallClosed},
		{"stored closed, deadline moved later", CallClosed, at("2011-09-30T12:00:00Z"), CallOpen},
		{"stored open, opening moved later", CallOpen, at("2011-04-20T00:00:00Z"), CallPublished},
		{"draft stays a draft after the deadline", CallDraft, at("2012-01-01T00:00:00Z"), CallDraft},
		{"evaluation stays", CallEvaluation, at("2011-09-01T00:00:00Z"), CallEvaluation},
		{"decided stays", CallDecided, at("2030-01-01T00:00:00Z"), CallDecided},
		{"results stay", CallResults, at("2011-01-01T00:00:00Z"), CallResults},
	} {
		c.Status = tc.status
		if got := CallStatusAt(c, tc.now); got != tc.want {
			t.Errorf("%s: got %s; want %s", tc.name, got, tc.want)
		}
	}
	// The instant is what counts, whatever the time zone it is written in.
	c.Status = CallPublished
	if got := CallStatusAt(c, c.Deadline.In(time.FixedZone("IST", 5*3600+1800))); got != CallClosed {
		t.Errorf("deadline in Indian time: got %s; want closed", got)
	}
}

func TestCanTransition(t *testing.T) {
	all := []CallStatus{CallDraft, CallPublished, CallOpen, CallClosed, CallEvaluation, CallDecided, CallResults}
	allowed := map[[2]CallStatus]bool{
		{CallDraft, CallPublished}:    true,
		{CallClosed, CallEvaluation}:  true,
		{CallEvaluation, CallDecided}: true,
		{CallDecided, CallResults}:    true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := CanTransition(from, to); got != allowed[[2]CallStatus{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestIsAmendment(t *testing.T) {
	c := validIndianCall()
	for _, tc := range []struct {
		status CallStatus
		now    time.Time
		want   bool
	}{
		{CallDraft, c.Deadline, false},
		{CallPublished, c.OpensAt.Add(-time.Second), false},
		{CallPublished, c.OpensAt, true},
		{CallPublished, c.Deadline, true},
		{CallEvaluation, c.Deadline, true},
		{CallDecided, c.Deadline, true},
		{CallResults, c.Deadline, true},
	} {
		c.Status = tc.status
		if got := IsAmendment(c, tc.now); got != tc.want {
			t.Errorf("IsAmendment(%s at %s) = %v; want %v", tc.status, tc.now, got, tc.want)
		}
	}
	if IsAmendment(nil, time.Now()) {
		t.Error("IsAmendment(nil) = true")
	}
}

func TestCallAccessRules(t *testing.T) {
	indianDraft := validIndianCall()
	indianDraft.Status = CallDraft
	indianOpen := validIndianCall()
	brazilDraft := validIndianCall()
	brazilDraft.ID, brazilDraft.Status, brazilDraft.CoManagers = demoBrazilID, CallDraft, []int64{orgBrazilMinistry}
	brazilOpen := validIndianCall()
	brazilOpen.ID, brazilOpen.CoManagers = demoBrazilID, []int64{orgBrazilMinistry}
	accessNow := indianOpen.PublishAt.Add(time.Hour)
	unpublished := validIndianCall()
	unpublished.PublishAt = accessNow.Add(24 * time.Hour)

	member := func(org int64) []Membership {
		return []Membership{{OrganisationID: org, OrganisationKind: OrgPartnerGovernment, Role: MemberRoleMember}}
	}
	var (
		anon          *User
		officer       = &User{ID: 1, Roles: []Role{RoleOfficer}, Memberships: member(orgMinistry)}
		admin         = &User{ID: 2, Roles: []Role{RoleAdmin}}
		indianCoMgr   = &User{ID: 3, Roles: []Role{RoleCoManager}, Memberships: member(orgIndianMinistry)}
		indianStaff   = &User{ID: 4, Memberships: member(orgIndianMinistry)} // no co_manager role
		brazilCoMgr   = &User{ID: 5, Roles: []Role{RoleCoManager}, Memberships: member(orgBrazilMinistry)}
		coMgrElsewise = &User{ID: 6, Roles: []Role{RoleCoManager}, Memberships: member(orgPACA)}
		commune       = &User{ID: 7, Memberships: []Membership{{OrganisationID: 500, OrganisationKind: OrgFrenchAuthority}}}
		evaluator     = &User{ID: 8, Roles: []Role{RoleEvaluator}}
	)
	for _, tc := range []struct {
		name       string
		u          *User
		c          *Call
		view, edit bool
	}{
		{"officer, Indian draft", officer, indianDraft, true, true},
		{"officer, Brazilian draft", officer, brazilDraft, true, true},
		{"admin, Brazilian draft", admin, brazilDraft, true, false},
		{"Indian co-manager, Indian draft", indianCoMgr, indianDraft, true, true},
		{"Indian co-manager, Indian open call", indianCoMgr, indianOpen, true, true},
		{"Indian co-manager, Brazilian draft", indianCoMgr, brazilDraft, false, false},
		{"Indian co-manager, Brazilian open call", indianCoMgr, brazilOpen, true, false},
		{"Indian ministry staff, Indian draft", indianStaff, indianDraft, true, false},
		{"Indian ministry staff, Brazilian draft", indianStaff, brazilDraft, false, false},
		{"Brazilian co-manager, Indian draft", brazilCoMgr, indianDraft, false, false},
		{"Brazilian co-manager, Brazilian draft", brazilCoMgr, brazilDraft, true, true},
		{"PACA co-manager, Indian open call", coMgrElsewise, indianOpen, true, false},
		{"commune, Indian draft", commune, indianDraft, false, false},
		{"commune, Indian open call", commune, indianOpen, true, false},
		{"evaluator, Indian draft", evaluator, indianDraft, false, false},
		{"anonymous, Indian draft", anon, indianDraft, false, false},
		{"anonymous, Indian open call", anon, indianOpen, true, false},
		{"anonymous, no call", anon, nil, false, false},
		{"officer, no call", officer, nil, false, false},
		{"anonymous, open call not yet published", anon, unpublished, false, false},
		{"Indian co-manager, Indian call not yet published", indianCoMgr, unpublished, true, true},
	} {
		if got := CanViewCall(tc.u, tc.c, accessNow); got != tc.view {
			t.Errorf("%s: CanViewCall = %v; want %v", tc.name, got, tc.view)
		}
		if got := CanEditCall(tc.u, tc.c); got != tc.edit {
			t.Errorf("%s: CanEditCall = %v; want %v", tc.name, got, tc.edit)
		}
	}
	for _, tc := range []struct {
		u    *User
		want bool
	}{{officer, true}, {admin, false}, {indianCoMgr, false}, {commune, false}, {anon, false}} {
		if got := CanCreateCall(tc.u); got != tc.want {
			t.Errorf("CanCreateCall(%v) = %v; want %v", tc.u, got, tc.want)
		}
	}
}

func TestCanChangeCallStatus(t *testing.T) {
	officer := &User{ID: 1, Roles: []Role{RoleOfficer}}
	coManager := &User{ID: 2, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 10}}}
	for _, tc := range []struct {
		name     string
		u        *User
		from, to CallStatus
		want     bool
	}{
		{"officer publishes a draft", officer, CallDraft, CallPublished, true},
		{"officer opens the evaluation", officer, CallClosed, CallEvaluation, true},
		{"officer records the decision", officer, CallEvaluation, CallDecided, true},
		{"officer cannot reopen by hand", officer, CallClosed, CallOpen, false},
		{"co-manager cannot publish", coManager, CallDraft, CallPublished, false},
		{"co-manager cannot decide alone", coManager, CallEvaluation, CallDecided, false},
		{"anonymous", nil, CallDraft, CallPublished, false},
	} {
		if got := CanChangeCallStatus(tc.u, tc.from, tc.to); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestCheckCallChange(t *testing.T) {
	officer := &User{ID: 1, Roles: []Role{RoleOfficer}}
	coManager := &User{ID: 2, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 10}}}
	old := &Call{ProgrammeID: 1, Reference: "AAP-1", CoManagers: []int64{10}, DecisionRule: DecisionAllParties,
		Funders: []Funder{{OrganisationID: 1, EnvelopeCents: 100, ShareBP: 5000}, {OrganisationID: 10, EnvelopeCents: 100, ShareBP: 5000}}}
	same := func(change func(c *Call)) *Call {
		c := *old
		c.CoManagers = slices.Clone(old.CoManagers)
		c.Funders = slices.Clone(old.Funders)
		change(&c)
		return &c
	}
	for _, tc := range []struct {
		name  string
		u     *User
		next  *Call
		field string // refused field; empty: allowed
	}{
		{"co-manager changes the texts and dates", coManager, same(func(c *Call) { c.Deadline = time.Now(); c.DecisionRule = "" }), ""},
		{"co-manager adds a co-manager", coManager, same(func(c *Call) { c.CoManagers = append(c.CoManagers, 11) }), "co_managers"},
		{"co-manager changes the ministry's envelope", coManager, same(func(c *Call) { c.Funders[0].EnvelopeCents = 1 }), "funders"},
		{"co-manager moves the call to another programme", coManager, same(func(c *Call) { c.ProgrammeID = 2 }), "programme_id"},
		{"co-manager changes the reference", coManager, same(func(c *Call) { c.Reference = "X" }), "reference"},
		{"co-manager lets the ministry decide alone", coManager, same(func(c *Call) { c.DecisionRule = DecisionMinistry }), "decision_rule"},
		{"officer changes everything", officer, same(func(c *Call) { c.CoManagers = nil; c.ProgrammeID = 2 }), ""},
	} {
		err := CheckCallChange(tc.u, old, tc.next)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: got %v; want allowed", tc.name, err)
			}
			continue
		}
		if !fields(err)[tc.field] {
			t.Errorf("%s: got %v; want %s refused", tc.name, err, tc.field)
		}
	}
}

func TestCallDraftScope(t *testing.T) {
	member := func(orgs ...int64) []Membership {
		var ms []Membership
		for _, o := range orgs {
			ms = append(ms, Membership{OrganisationID: o, Role: MemberRoleMember})
		}
		return ms
	}
	tests := []struct {
		name   string
		u      *User
		all    bool
		orgIDs []int64
	}{
		{"anonymous", nil, false, nil},
		{"officer", &User{Roles: []Role{RoleOfficer}, Memberships: member(orgMinistry)}, true, nil},
		{"admin", &User{Roles: []Role{RoleAdmin}}, true, nil},
		{"co-manager of two", &User{Roles: []Role{RoleCoManager}, Memberships: member(orgIndianMinistry, orgBrazilMinistry)}, false, []int64{orgIndianMinistry, orgBrazilMinistry}},
		{"staff without role", &User{Memberships: member(orgIndianMinistry)}, false, []int64{orgIndianMinistry}},
		{"evaluator without organisation", &User{Roles: []Role{RoleEvaluator}}, false, nil},
	}
	for _, tt := range tests {
		all, orgIDs := CallDraftScope(tt.u)
		if all != tt.all || !slices.Equal(orgIDs, tt.orgIDs) {
			t.Errorf("%s: CallDraftScope = %v, %v; want %v, %v", tt.name, all, orgIDs, tt.all, tt.orgIDs)
		}
	}

	// The set and CanViewCall agree on every draft.
	now := time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC)
	drafts := [][]int64{nil, {orgIndianMinistry}, {orgBrazilMinistry}, {orgPACA, orgBrazilMinistry}}
	for _, tt := range tests {
		all, orgIDs := CallDraftScope(tt.u)
		for _, cms := range drafts {
			c := &Call{Status: CallDraft, CoManagers: cms}
			inSet := all || slices.ContainsFunc(cms, func(id int64) bool { return slices.Contains(orgIDs, id) })
			if got := CanViewCall(tt.u, c, now); got != inSet {
				t.Errorf("%s, draft co-managed by %v: CanViewCall = %v; in CallDraftScope = %v", tt.name, cms, got, inSet)
			}
		}
	}
}
