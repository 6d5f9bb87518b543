package coopdec

import (
	"slices"
	"testing"
)

func TestCheckBudget(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Budget)
		keys []string // message keys expected; none: valid
	}{
		{"balanced", func(*Budget) {}, nil},
		{"financing one cent short", func(b *Budget) { b.Expenses[0].AmountCents++ }, []string{"budget.unbalanced.short"}},
		{"financing one cent over", func(b *Budget) { b.Financing[0].AmountCents++ }, []string{"budget.unbalanced.over"}},
		{"negative amount", func(b *Budget) { b.Expenses[1].AmountCents = -5 }, []string{"budget.amount.negative"}},
		{"absurd amount", func(b *Budget) { b.Financing[0].AmountCents = budgetLineCentsMax + 1 }, []string{"budget.amount.too_large"}},
		{"unknown category", func(b *Budget) { b.Expenses[0].Category = "food" }, []string{"budget.category.unknown"}},
		{"unknown source", func(b *Budget) { b.Financing[0].Source = "lottery" }, []string{"budget.source.unknown"}},
		{"expense without label", func(b *Budget) { b.Expenses[0].Label = " " }, []string{"budget.label.required"}},
		{"in kind on one side only", func(b *Budget) {
			b.Expenses[2].Category = ExpenseServices
		}, []string{"budget.in_kind.mismatch"}},
		{"partner in kind on both sides", func(b *Budget) {
			b.Expenses = append(b.Expenses, ExpenseLine{Category: ExpenseInKind, Label: "Locaux", AmountCents: 1_000_000})
			b.Financing[4].InKind = true
			b.Financing[0].AmountCents += 1_000_000 // the partner's cash, now in kind, replaced
		}, nil},
		{"grant in kind", func(b *Budget) { b.Financing[2].InKind = true }, []string{"budget.in_kind.source", "budget.in_kind.mismatch"}},
		{"grant from a stranger", func(b *Budget) { b.Financing[3].FunderOrganisationID = 999 }, []string{"budget.grant.funder_unknown", "budget.grant.split"}},
		{"grant without funder", func(b *Budget) { b.Financing[3].FunderOrganisationID = 0 }, []string{"budget.grant.funder_required", "budget.grant.split"}},
		{"two lines for one funder", func(b *Budget) { b.Financing[3].FunderOrganisationID = 101 }, []string{"budget.grant.funder_duplicate", "budget.grant.split", "budget.grant.split"}},
		{"split one cent off, tolerated", func(b *Budget) {
			b.Financing[2].AmountCents++
			b.Financing[3].AmountCents--
		}, nil},
		{"split two cents off", func(b *Budget) {
			b.Financing[2].AmountCents += 2
			b.Financing[3].AmountCents -= 2
		}, []string{"budget.grant.split", "budget.grant.split"}},
		{"odd total split 50/50, rounding either way", func(b *Budget) {
			b.Financing[2].AmountCents = 3_000_001 // total 6 000 001: each half is 3 000 000,5
			b.Financing[0].AmountCents--
		}, nil},
		{"funder line on own cash", func(b *Budget) { b.Financing[0].FunderOrganisationID = 101 }, []string{"budget.funder.not_grant"}},
		{"partner line without partner", func(b *Budget) { b.Financing[4].PartnerOrganisationID = 0 }, []string{"budget.partner.required"}},
		{"empty", func(b *Budget) { *b = Budget{} }, []string{"budget.expenses.required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := validBudget()
			tc.edit(&b)
			var got []string
			for _, e := range CheckBudget(b, brazilCall()) {
				got = append(got, e.Key)
			}
			slices.Sort(got)
			want := slices.Clone(tc.keys)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v; want %v", got, want)
			}
		})
	}
}

func TestCheckBudgetExplains(t *testing.T) {
	b := validBudget()
	b.Expenses[0].AmountCents++
	errs := CheckBudget(b, brazilCall())
	if len(errs) != 1 || errs[0].Field != "budget.financing" {
		t.Fatalf("got %v; want one error on budget.financing", errs)
	}
	want := []any{CentsArg(10_000_001), CentsArg(10_000_000), CentsArg(1)}
	if !slices.Equal(errs[0].Args, want) {
		t.Errorf("got args %v; want %v", errs[0].Args, want)
	}

	b = validBudget()
	b.Financing[2].AmountCents, b.Financing[3].AmountCents = 4_000_000, 2_000_000
	errs = CheckBudget(b, brazilCall())
	if len(errs) != 2 || errs[0].Field != "budget.financing.2.amount_cents" {
		t.Fatalf("got %v; want split errors on both grant lines", errs)
	}
	want = []any{OrganisationArg(101), ShareArg(5000), CentsArg(6_000_000), CentsArg(3_000_000), CentsArg(4_000_000)}
	if !slices.Equal(errs[0].Args, want) {
		t.Errorf("got args %v; want %v", errs[0].Args, want)
	}
}

func TestCheckBudgetWithoutCall(t *testing.T) {
	b := validBudget()
	b.Financing[3].FunderOrganisationID = 999
	if errs := CheckBudget(b, nil); errs != nil {
		t.Errorf("got %v; want no funder check without a call", errs)
	}
}

func TestBudgetTotals(t *testing.T) {
	got := validBudget().Totals()
	if got.ExpensesCents != 10_000_000 || got.FinancingCents != 10_000_000 || got.GrantCents != 6_000_000 ||
		got.OwnCashCents != 2_000_000 || got.OwnInKindCents != 1_000_000 || got.PartnerCents != 1_000_000 ||
		got.InKindExpensesCents != 1_000_000 || got.InKindFinanceCents != 1_000_000 ||
		got.GrantByFunder[101] != 3_000_000 || got.GrantByFunder[102] != 3_000_000 {
		t.Errorf("got %+v", got)
	}
	huge := Budget{Expenses: []ExpenseLine{{AmountCents: 1 << 62}, {AmountCents: 1 << 62}, {AmountCents: 1 << 62}}}
	if huge.Totals().ExpensesCents <= 0 {
		t.Error("totals overflowed instead of saturating")
	}
}

func TestLocalizeArgs(t *testing.T) {
	got := LocalizeArgs("en", []any{CentsArg(123_456), ShareArg(1250), OrganisationArg(5), ThemeArg("culture"), 7}, nil)
	want := []any{"€1,234.56", "12.5%", "#5", "Culture", 7}
	if !slices.Equal(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
}
