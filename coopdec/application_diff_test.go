package coopdec

import (
	"slices"
	"testing"
)

func TestCompareApplications(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Application)
		want []FieldChange
	}{
		{"nothing", func(*Application) {}, nil},
		{"a title", func(a *Application) {
			t := a.Texts["fr"]
			t.Title = "Eau potable pour Recife"
			a.Texts["fr"] = t
		}, []FieldChange{{"texts.fr.title", "Eau pour Recife", "Eau potable pour Recife"}}},
		{"a language added", func(a *Application) { a.Texts["en"] = ApplicationText{Title: "Water for Recife"} },
			[]FieldChange{{"texts.en.title", "", "Water for Recife"}}},
		{"a language removed", func(a *Application) { delete(a.Texts, "pt") }, []FieldChange{
			{"texts.pt.title", "Água para Recife", ""}, {"texts.pt.summary", "Resumo", ""}}},
		{"themes", func(a *Application) { a.Themes = []string{"water_sanitation", "local_governance"} },
			[]FieldChange{{"themes", "water_sanitation", "local_governance, water_sanitation"}}},
		{"countries reordered", func(a *Application) { a.Countries = []string{"SN", "BR", "SN"} }, nil},
		{"places reordered", func(a *Application) { a.Places = []string{"Saint-Louis", "Recife"} },
			[]FieldChange{{"places", "Recife, Saint-Louis", "Saint-Louis, Recife"}}},
		{"duration", func(a *Application) { a.DurationMonths = 30 }, []FieldChange{{"duration_months", "24", "30"}}},
		{"an activity's end", func(a *Application) { a.Activities[1].EndMonth = 20 }, []FieldChange{{"activities.1.end", "24", "20"}}},
		{"an activity added", func(a *Application) {
			a.Activities = append(a.Activities, Activity{Title: "Bilan", StartMonth: 24, EndMonth: 24})
		}, []FieldChange{{"activities.2.title", "", "Bilan"}, {"activities.2.start", "", "24"}, {"activities.2.end", "", "24"}}},
		{"a result removed", func(a *Application) { a.Results = nil }, []FieldChange{
			{"results.0.indicator", "Foyers raccordés", ""}, {"results.0.unit", "foyers", ""},
			{"results.0.baseline", "0", ""}, {"results.0.target", "1200", ""}}},
		{"a partner's contribution", func(a *Application) { a.Partners[1].ContributionCents = 1_500_000 },
			[]FieldChange{{"partners.1.contribution_cents", "1000000", "1500000"}}},
		{"a partner's confirmation", func(a *Application) { a.Partners[2].Confirmed = true }, nil},
		{"a partner registers", func(a *Application) { a.Partners[3].OrganisationID = 250 },
			[]FieldChange{{"partners.3.organisation_id", "", "250"}}},
		{"beneficiaries", func(a *Application) { a.BeneficiaryCountries = nil }, []FieldChange{{"beneficiary_countries", "SN", ""}}},
		{"an expense", func(a *Application) { a.Budget.Expenses[2].AmountCents = 900_000 },
			[]FieldChange{{"budget.expenses.2.amount_cents", "1000000", "900000"}}},
		{"a financing line in kind", func(a *Application) { a.Budget.Financing[4].InKind = true },
			[]FieldChange{{"budget.financing.4.in_kind", "false", "true"}}},
		{"several, in the form's order", func(a *Application) {
			a.Budget.Financing[0].AmountCents = 1
			a.Themes = nil
			a.Texts["fr"] = ApplicationText{Title: "Eau pour Recife", Summary: "Résumé", Context: "Contexte", Objectives: "Objectifs"}
		}, []FieldChange{
			{"texts.fr.sustainability", "Pérennité", ""}, {"themes", "water_sanitation", ""},
			{"budget.financing.0.amount_cents", "2000000", "1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := validApplication(), validApplication()
			tc.edit(b)
			if got := CompareApplications(a, b); !slices.Equal(got, tc.want) {
				t.Errorf("got %v; want %v", got, tc.want)
			}
			back := CompareApplications(b, a)
			if len(back) != len(tc.want) {
				t.Fatalf("reversed: got %v; want %d changes", back, len(tc.want))
			}
			for i, c := range back {
				if w := tc.want[i]; c.Field != w.Field || c.Old != w.New || c.New != w.Old {
					t.Errorf("reversed: got %v; want %v swapped", c, w)
				}
			}
		})
	}
}

func TestChangedTopFields(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes []FieldChange
		want    []string
	}{
		{"none", nil, nil},
		{"one", []FieldChange{{Field: "duration_months"}}, []string{"duration_months"}},
		{"grouped and in order", []FieldChange{
			{Field: "texts.fr.title"}, {Field: "texts.pt.summary"}, {Field: "partners.1.country"},
			{Field: "budget.expenses.0.label"}, {Field: "budget.financing.2.amount_cents"}, {Field: "partners.0.name"},
		}, []string{"texts", "partners", "budget"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ChangedTopFields(tc.changes); !slices.Equal(got, tc.want) {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
	// Every top-level field a diff can name may be opened by a correction.
	a, b := validApplication(), &Application{}
	for _, f := range ChangedTopFields(CompareApplications(a, b)) {
		if !slices.Contains(CorrectableFields, f) {
			t.Errorf("%s is not among CorrectableFields", f)
		}
	}
}
