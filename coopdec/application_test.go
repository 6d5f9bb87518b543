package coopdec

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/internal/i18n"
)

// brazilCall is a Franco-Brazilian trilateral call funded half by each
// government, published in French and Portuguese.
func brazilCall() *Call {
	return &Call{
		ID:        7,
		Reference: "AAP-FR-BR-01",
		Texts: map[string]CallText{
			"fr": {Title: "Appel franco-brésilien"},
			"pt": {Title: "Chamada franco-brasileira"},
		},
		Funders: []Funder{
			{OrganisationID: 101, EnvelopeCents: 100_000_000, ShareBP: 5000},
			{OrganisationID: 102, EnvelopeCents: 100_000_000, ShareBP: 5000},
		},
		Themes: []string{"local_governance", "water_sanitation"},
		Rules: EligibilityRules{
			Countries:            []string{"BR", "group:africa", "HT"},
			PartnerCountries:     []string{"BR"},
			BeneficiaryCountries: []string{"group:africa", "HT"},
			MaxGrantCents:        20_000_000,
			MaxFundersShareBP:    8000,
			MinOwnShareBP:        2000,
			MaxInKindOfOwnBP:     5000,
			MinDurationMonths:    12,
			MaxDurationMonths:    36,
			RequiredDocuments:    []string{"council_deliberation"},
		},
	}
}

func validBudget() Budget {
	return Budget{
		Expenses: []ExpenseLine{
			{Category: ExpenseStaff, Label: "Chef de projet", AmountCents: 6_000_000},
			{Category: ExpenseTravel, Label: "Missions à Recife", AmountCents: 3_000_000},
			{Category: ExpenseInKind, Label: "Mise à disposition d'agents", AmountCents: 1_000_000},
		},
		Financing: []FinancingLine{
			{Source: FundingOwnCash, AmountCents: 2_000_000},
			{Source: FundingOwnInKind, AmountCents: 1_000_000},
			{Source: FundingGrant, FunderOrganisationID: 101, AmountCents: 3_000_000},
			{Source: FundingGrant, FunderOrganisationID: 102, AmountCents: 3_000_000},
			{Source: FundingPartner, PartnerOrganisationID: 201, AmountCents: 1_000_000},
		},
	}
}

func validApplication() *Application {
	return &Application{
		ID: 1, CallID: 7, LeadOrganisationID: 11, Status: ApplicationDraft, Version: 3,
		Texts: map[string]ApplicationText{
			"fr": {Title: "Eau pour Recife", Summary: "Résumé", Context: "Contexte", Objectives: "Objectifs", Sustainability: "Pérennité"},
			"pt": {Title: "Água para Recife", Summary: "Resumo"},
		},
		Themes:         []string{"water_sanitation"},
		Countries:      []string{"BR", "SN"},
		Places:         []string{"Recife", "Saint-Louis"},
		DurationMonths: 24,
		Activities: []Activity{
			{Title: "Diagnostic", StartMonth: 1, EndMonth: 6},
			{Title: "Travaux", StartMonth: 6, EndMonth: 24},
		},
		Results: []Result{{Indicator: "Foyers raccordés", Unit: "foyers", Baseline: "0", Target: "1200"}},
		Partners: []Partner{
			{OrganisationID: 11, Kind: OrgFrenchAuthority, Country: "FR", Role: RoleLeadPartner},
			{OrganisationID: 201, Kind: OrgForeignAuthority, Country: "BR", Role: RolePartner, ContributionCents: 1_000_000, Confirmed: true},
			{OrganisationID: 202, Kind: OrgForeignAuthority, Country: "SN", Role: RoleBeneficiary},
			{Name: "Université fédérale du Pernambouc", Kind: OrgUniversity, Country: "BR", Role: RoleAssociated},
		},
		BeneficiaryCountries: []string{"SN"},
		Budget:               validBudget(),
	}
}

func TestApplicationValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Application)
		bad   []string // fields in error; none: valid
		draft bool     // still valid as a draft
	}{
		{"valid", func(*Application) {}, nil, true},
		{"no French title", func(a *Application) { t := a.Texts["fr"]; t.Title = " "; a.Texts["fr"] = t }, []string{"texts.fr.title"}, true},
		{"no partner-language summary", func(a *Application) { t := a.Texts["pt"]; t.Summary = ""; a.Texts["pt"] = t }, []string{"texts.pt.summary"}, true},
		{"no partner-language text", func(a *Application) { delete(a.Texts, "pt") }, []string{"texts.pt.title", "texts.pt.summary"}, true},
		{"unknown language", func(a *Application) { a.Texts["de"] = ApplicationText{Title: "Wasser"} }, []string{"texts"}, false},
		{"title too long", func(a *Application) { t := a.Texts["fr"]; t.Title = strings.Repeat("é", 201); a.Texts["fr"] = t }, []string{"texts.fr.title"}, false},
		{"theme outside the call", func(a *Application) { a.Themes = append(a.Themes, "culture") }, []string{"themes"}, false},
		{"unknown theme", func(a *Application) { a.Themes = []string{"football"} }, []string{"themes"}, false},
		{"no theme", func(a *Application) { a.Themes = nil }, []string{"themes"}, true},
		{"unknown country", func(a *Application) { a.Countries = []string{"ZZ"} }, []string{"countries"}, false},
		{"France as a country of action", func(a *Application) { a.Countries = []string{"fr"} }, []string{"countries"}, false},
		{"too many places", func(a *Application) { a.Places = strings.Fields(strings.Repeat("x ", 51)) }, []string{"places"}, false},
		{"activity beyond duration", func(a *Application) { a.Activities[1].EndMonth = 25 }, []string{"activities.1.end"}, true},
		{"activity ending before it starts", func(a *Application) {
			a.Activities[0].EndMonth = 0
			a.Activities[1].StartMonth = 12
			a.Activities[1].EndMonth = 10
		},
			[]string{"activities.0.end", "activities.1.end"}, true},
		{"negative month", func(a *Application) { a.Activities[0].StartMonth = -1 }, []string{"activities.0.start"}, false},
		{"no activity", func(a *Application) { a.Activities = nil }, []string{"activities"}, true},
		{"no duration", func(a *Application) { a.DurationMonths = 0 }, []string{"duration_months"}, true},
		{"absurd duration", func(a *Application) { a.DurationMonths = 1000 }, []string{"duration_months"}, false},
		{"target not a number", func(a *Application) { a.Results[0].Target = "beaucoup" }, []string{"results.0.target"}, false},
		{"partner country unknown", func(a *Application) { a.Partners[2].Country = "XX" }, []string{"partners.2.country"}, false},
		{"foreign authority in France", func(a *Application) { a.Partners[1].Country = "FR" }, []string{"partners.1.country"}, false},
		{"unknown role", func(a *Application) { a.Partners[2].Role = "sponsor" }, []string{"partners.2.role"}, false},
		{"second lead", func(a *Application) { a.Partners[2].Role = RoleLeadPartner }, []string{"partners.2.role"}, false},
		{"duplicate partner", func(a *Application) { a.Partners[2].OrganisationID = 201 }, []string{"partners.2.organisation_id"}, false},
		{"unregistered partner without name", func(a *Application) { a.Partners[3].Name = "" }, []string{"partners.3.name"}, true},
		{"contribution not in budget", func(a *Application) { a.Partners[1].ContributionCents = 900_000 }, []string{"partners.1.contribution_cents"}, true},
		{"partner line for a stranger", func(a *Application) { a.Budget.Financing[4].PartnerOrganisationID = 999 },
			[]string{"budget.financing.4.partner_organisation_id"}, false},
		{"unbalanced budget", func(a *Application) { a.Budget.Expenses[0].AmountCents++ }, []string{"budget.financing"}, true},
		{"negative amount", func(a *Application) { a.Budget.Expenses[0].AmountCents = -1 }, []string{"budget.expenses.0.amount_cents"}, false},
		{"wrong call", func(a *Application) { a.CallID = 8 }, []string{"call_id"}, false},
		{"bad status", func(a *Application) { a.Status = "accepted" }, []string{"status"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := validApplication()
			tc.edit(a)
			err := a.Validate(brazilCall())
			got := fields(err)
			if len(tc.bad) == 0 && err != nil {
				t.Fatalf("got %v; want valid", err)
			}
			for _, f := range tc.bad {
				if !got[f] {
					t.Errorf("got errors on %v; want one on %q", got, f)
				}
			}
			a = validApplication()
			tc.edit(a)
			if err := a.ValidateDraft(brazilCall()); (err == nil) != tc.draft {
				t.Errorf("ValidateDraft: got %v; want valid=%v", err, tc.draft)
			}
		})
	}
}

func TestApplicationValidateNormalises(t *testing.T) {
	a := validApplication()
	a.Countries = []string{" br", "SN", "BR"}
	a.Themes = []string{" Water_Sanitation "}
	a.Results[0].Target = "12,5"
	a.Texts["es"] = ApplicationText{}
	if err := a.Validate(brazilCall()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(a.Countries, ","); got != "BR,SN" {
		t.Errorf("countries: got %s; want BR,SN", got)
	}
	if a.Themes[0] != "water_sanitation" || a.Results[0].Target != "12.5" {
		t.Errorf("got theme %q, target %q; want water_sanitation, 12.5", a.Themes[0], a.Results[0].Target)
	}
	if _, ok := a.Texts["es"]; ok {
		t.Error("empty Spanish text kept")
	}
}

func TestApplicationFacts(t *testing.T) {
	c := brazilCall()
	lead := &Organisation{ID: 11, Kind: OrgFrenchAuthority, AuthorityType: AuthorityRegion, RegionCode: "93"}
	no := false
	a := validApplication()
	f := a.Facts(lead, &no, []string{"council_deliberation"})
	if *f.TotalCostCents != 10_000_000 || *f.GrantRequestedCents != 6_000_000 || *f.OwnCashCents != 2_000_000 || *f.InKindCents != 1_000_000 {
		t.Errorf("money facts: got %d %d %d %d", *f.TotalCostCents, *f.GrantRequestedCents, *f.OwnCashCents, *f.InKindCents)
	}
	if len(f.Partners) != 3 {
		t.Errorf("got %d partner facts; want 3 (the lead left out)", len(f.Partners))
	}
	if e := CheckEligibility(c.Rules, c.Themes, f); !e.Eligible() {
		t.Errorf("got failed %+v, unknown %+v; want eligible", e.Failed(), e.Unknown())
	}

	// The money rules of the call are checked from the budget.
	a.Budget.Financing[0].AmountCents = 500_000 // own cash down…
	a.Budget.Financing[2].AmountCents = 3_750_000
	a.Budget.Financing[3].AmountCents = 3_750_000 // …grant up: 75 % of the cost, own share 15 %
	e := CheckEligibility(c.Rules, c.Themes, a.Facts(lead, &no, []string{"council_deliberation"}))
	for rule, want := range map[string]RuleStatus{"funders_share": RulePassed, "own_share": RuleFailed, "in_kind": RuleFailed, "max_grant": RulePassed} {
		if r, _ := e.Result(rule); r.Status != want {
			t.Errorf("%s: got %s; want %s", rule, r.Status, want)
		}
	}

	empty := (&Application{}).Facts(nil, nil, nil)
	if empty.TotalCostCents != nil || empty.DurationMonths != nil || empty.Documents != nil {
		t.Errorf("got %+v; want unknown facts for an empty application", empty)
	}
	// A new draft's grant lines, at zero, leave the money unknown: the
	// money rules wait instead of passing on zeros.
	zeros := &Application{Budget: Budget{Financing: []FinancingLine{{Source: FundingGrant, FunderOrganisationID: 1}}}}
	if f := zeros.Facts(nil, nil, nil); f.TotalCostCents != nil || f.GrantRequestedCents != nil {
		t.Errorf("got %+v; want unknown money for a budget at zero", f)
	}
}

var catalogueKey = regexp.MustCompile(`^(application|budget|attachment|receipt)\.[a-z_.]+$`)

// TestApplicationMessages checks that every message key the application,
// budget, attachment and receipt code returns is in every catalogue, and
// renders with its args without format errors.
func TestApplicationMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fieldNames := map[string]bool{"budget.expenses": true, "budget.financing": true}
	fset := token.NewFileSet()
	keys := map[string]bool{}
	for _, file := range []string{"application.go", "budget.go", "attachment.go", "receipt.go"} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && catalogueKey.MatchString(s) && !fieldNames[s] {
					keys[s] = true
				}
			}
			return true
		})
	}
	if len(keys) < 50 {
		t.Fatalf("found %d keys; the scan is broken", len(keys))
	}
	for key := range keys {
		for _, lang := range i18n.Supported {
			if _, ok := cat[lang][key]; !ok {
				t.Errorf("%s: key %s missing", lang, key)
			}
		}
	}

	// Render the errors a broken application, budget and receipt produce.
	var errs Errors
	collect := func(err error) {
		if list, ok := err.(Errors); ok {
			errs = append(errs, list...)
		} else if e, ok := err.(*Error); ok {
			errs = append(errs, e)
		}
	}
	a := validApplication()
	a.Themes = []string{"culture"}
	a.Partners[1].ContributionCents = 1
	a.Budget.Expenses[0].AmountCents++
	a.Budget.Financing[2].AmountCents = 1
	a.Budget.Financing = append(a.Budget.Financing, FinancingLine{Source: FundingGrant, FunderOrganisationID: 999, AmountCents: 1})
	a.Activities[0].EndMonth = 30
	collect(a.Validate(brazilCall()))
	collect(CheckAttachmentSizes([]int64{MaxAttachmentBytes + 1}))
	collect(Receipt{Attachments: []AttachmentHash{{Name: "a.pdf"}}}.Verify(validApplication(), nil))
	seen := map[string]bool{}
	for _, e := range errs {
		seen[e.Key] = true
		for _, lang := range i18n.Supported {
			msg := cat.T(lang, e.Key, LocalizeArgs(lang, e.Args, func(id int64) string { return "Org " + strconv.FormatInt(id, 10) })...)
			if strings.Contains(msg, "%!") || msg == e.Key {
				t.Errorf("%s: %s renders badly: %q", lang, e.Key, msg)
			}
		}
	}
	for _, key := range []string{"budget.grant.split", "budget.unbalanced.short", "budget.grant.funder_unknown",
		"application.theme.not_in_call", "application.partner.contribution_mismatch", "attachment.too_large", "receipt.attachment.missing"} {
		if !seen[key] {
			t.Errorf("no case renders %s", key)
		}
	}
	if msg := cat.T("fr", "budget.unbalanced.short", LocalizeArgs("fr", []any{CentsArg(10_000_001), CentsArg(10_000_000), CentsArg(1)}, nil)...); !strings.Contains(msg, "0,01\u00a0€") {
		t.Errorf("got %q; want the difference of 0,01 €", msg)
	}
}
