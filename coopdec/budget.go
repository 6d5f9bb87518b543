package coopdec

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// ExpenseCategory classifies an expense line of a project's budget.
type ExpenseCategory string

const (
	ExpenseStaff         ExpenseCategory = "staff"
	ExpenseTravel        ExpenseCategory = "travel" // travel and missions
	ExpenseEquipment     ExpenseCategory = "equipment"
	ExpenseServices      ExpenseCategory = "services"
	ExpenseCommunication ExpenseCategory = "communication"
	ExpenseInKind        ExpenseCategory = "in_kind" // contributions in kind, valued
)

// ExpenseCategories lists the categories in the order forms show them.
var ExpenseCategories = []ExpenseCategory{
	ExpenseStaff, ExpenseTravel, ExpenseEquipment, ExpenseServices, ExpenseCommunication, ExpenseInKind,
}

// Valid reports whether c is a known category.
func (c ExpenseCategory) Valid() bool { return slices.Contains(ExpenseCategories, c) }

// FundingSource says where a line of the financing plan comes from.
type FundingSource string

const (
	FundingOwnCash   FundingSource = "own_cash"    // the lead's own money
	FundingOwnInKind FundingSource = "own_in_kind" // the lead's contributions in kind
	FundingGrant     FundingSource = "grant"       // asked of one funder of the call
	FundingPartner   FundingSource = "partner"     // a partner's contribution
	FundingOther     FundingSource = "other"       // other co-financing
)

// FundingSources lists the sources in the order forms show them.
var FundingSources = []FundingSource{FundingOwnCash, FundingOwnInKind, FundingGrant, FundingPartner, FundingOther}

// Valid reports whether s is a known source.
func (s FundingSource) Valid() bool { return slices.Contains(FundingSources, s) }

// ExpenseLine is one line of a budget's expenses.
type ExpenseLine struct {
	Category    ExpenseCategory
	Label       string
	AmountCents int64
}

// FinancingLine is one line of a budget's financing plan.
type FinancingLine struct {
	Source FundingSource
	// FunderOrganisationID names the funder of the call a grant line asks;
	// one grant line per funder.
	FunderOrganisationID int64
	// PartnerOrganisationID names the partner of a partner line.
	PartnerOrganisationID int64
	Label                 string
	AmountCents           int64
	// InKind marks a partner's or another co-financer's contribution made in
	// kind; own_in_kind lines are in kind by definition, grants and own cash
	// never are.
	InKind bool
}

// inKind reports whether the line finances in kind.
func (l FinancingLine) inKind() bool { return l.Source == FundingOwnInKind || l.InKind }

// Budget is a project's budget: what it costs and who pays for it. The two
// sides must balance, and contributions in kind appear on both: valued as an
// in_kind expense, and as the in-kind financing that pays for it.
type Budget struct {
	Expenses  []ExpenseLine
	Financing []FinancingLine
}

// Limits of a budget. The cap on a line is the cap on a call's amounts, and
// with the cap on lines it keeps every total and share computation far from
// overflowing an int64.
const (
	BudgetLinesMax     = 200
	budgetLabelMax     = 200
	budgetLineCentsMax = callCentsMax
)

// BudgetTotals sums a budget. Amounts out of bounds are summed anyway, with
// saturation: CheckBudget reports them.
type BudgetTotals struct {
	ExpensesCents       int64
	FinancingCents      int64
	GrantCents          int64 // asked of all the call's funders together
	OwnCashCents        int64
	OwnInKindCents      int64
	PartnerCents        int64
	OtherCents          int64
	InKindExpensesCents int64 // expense lines in the in_kind category
	InKindFinanceCents  int64 // financing lines in kind, the lead's and others'
	// GrantByFunder: funder organisation → grant asked of it.
	GrantByFunder map[int64]int64
}

// Totals sums b.
func (b Budget) Totals() BudgetTotals {
	t := BudgetTotals{GrantByFunder: map[int64]int64{}}
	for _, e := range b.Expenses {
		t.ExpensesCents = satAdd(t.ExpensesCents, e.AmountCents)
		if e.Category == ExpenseInKind {
			t.InKindExpensesCents = satAdd(t.InKindExpensesCents, e.AmountCents)
		}
	}
	for _, f := range b.Financing {
		t.FinancingCents = satAdd(t.FinancingCents, f.AmountCents)
		if f.inKind() {
			t.InKindFinanceCents = satAdd(t.InKindFinanceCents, f.AmountCents)
		}
		switch f.Source {
		case FundingOwnCash:
			t.OwnCashCents = satAdd(t.OwnCashCents, f.AmountCents)
		case FundingOwnInKind:
			t.OwnInKindCents = satAdd(t.OwnInKindCents, f.AmountCents)
		case FundingGrant:
			t.GrantCents = satAdd(t.GrantCents, f.AmountCents)
			t.GrantByFunder[f.FunderOrganisationID] = satAdd(t.GrantByFunder[f.FunderOrganisationID], f.AmountCents)
		case FundingPartner:
			t.PartnerCents = satAdd(t.PartnerCents, f.AmountCents)
		case FundingOther:
			t.OtherCents = satAdd(t.OtherCents, f.AmountCents)
		}
	}
	return t
}

// Empty reports whether b has no line at all.
func (b Budget) Empty() bool { return len(b.Expenses) == 0 && len(b.Financing) == 0 }

func satAdd(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// Typed message args, so that LocalizeArgs knows how to put them in the
// reader's words: CentsArg is an amount in euro cents, ShareArg a share in
// basis points, OrganisationArg an organisation's ID, ThemeArg a theme code.
// They marshal to JSON as the plain numbers and codes they hold.
type (
	CentsArg        int64
	ShareArg        int
	OrganisationArg int64
	ThemeArg        string
)

// LocalizeArgs returns the args of a budget, application or attachment
// message in the reader's words: amounts and shares formatted for lang,
// organisations named by orgName (their ID is shown when orgName is nil or
// answers ""), themes by their name in lang. Other args are returned
// unchanged.
func LocalizeArgs(lang string, args []any, orgName func(id int64) string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case CentsArg:
			out[i] = FormatEuroCents(lang, int64(v))
		case ShareArg:
			out[i] = FormatBasisPoints(lang, int(v))
		case OrganisationArg:
			name := ""
			if orgName != nil {
				name = orgName(int64(v))
			}
			if name == "" {
				name = fmt.Sprintf("#%d", int64(v))
			}
			out[i] = name
		case ThemeArg:
			out[i] = eligThemeName(lang, string(v))
		case Score:
			out[i] = FormatScore(lang, v)
		case MatchCountryArg:
			out[i] = Country{Code: string(v)}.Name(lang)
		default:
			out[i] = a
		}
	}
	return out
}

// CheckBudget checks a budget as a whole, against the call it is for: it
// returns one FieldError per problem, with messages that explain what to
// change, so the form can show them as the user types. Field names start
// with "budget.": budget.expenses.0.amount_cents, budget.financing.2.source…
//
// It checks the budget's own consistency: known categories and sources,
// amounts not negative, the two sides balanced, in-kind contributions on
// both sides, grant lines only for the call's funders, one per funder and
// split by the funders' shares. The call's money limits (the largest grant,
// the funders' share, the own contribution, the in-kind cap) are eligibility
// rules: CheckEligibility checks them, from Application.Facts.
//
// c may be nil, when the funders are not known: grant lines are then not
// checked against them.
func CheckBudget(b Budget, c *Call) Errors {
	return checkBudget(b, c, true)
}

// checkBudget checks the lines; complete adds the checks of the budget as a
// whole, which a draft being typed may fail.
func checkBudget(b Budget, c *Call, complete bool) Errors {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }

	amountsOK := true
	amount := func(field string, v int64) {
		switch {
		case v < 0:
			add(field, "budget.amount.negative")
			amountsOK = false
		case v > budgetLineCentsMax:
			add(field, "budget.amount.too_large", CentsArg(budgetLineCentsMax))
			amountsOK = false
		}
	}
	label := func(field, s string, required bool) {
		s = strings.TrimSpace(s)
		switch {
		case s == "" && required:
			add(field, "budget.label.required")
		case !utf8.ValidString(s):
			add(field, "budget.label.invalid")
		case utf8.RuneCountInString(s) > budgetLabelMax:
			add(field, "budget.label.too_long", budgetLabelMax)
		}
	}

	if len(b.Expenses) > BudgetLinesMax {
		add("budget.expenses", "budget.lines.too_many", BudgetLinesMax)
		amountsOK = false
	}
	if len(b.Financing) > BudgetLinesMax {
		add("budget.financing", "budget.lines.too_many", BudgetLinesMax)
		amountsOK = false
	}
	for i, e := range b.Expenses {
		p := fmt.Sprintf("budget.expenses.%d.", i)
		if !e.Category.Valid() {
			add(p+"category", "budget.category.unknown", string(e.Category))
		}
		label(p+"label", e.Label, complete)
		amount(p+"amount_cents", e.AmountCents)
	}

	var funders map[int64]Funder
	if c != nil && len(c.Funders) > 0 {
		funders = make(map[int64]Funder, len(c.Funders))
		for _, f := range c.Funders {
			funders[f.OrganisationID] = f
		}
	}
	grantLine := map[int64]int{} // funder → index of its first line
	for i, f := range b.Financing {
		p := fmt.Sprintf("budget.financing.%d.", i)
		if !f.Source.Valid() {
			add(p+"source", "budget.source.unknown", string(f.Source))
		}
		label(p+"label", f.Label, false)
		amount(p+"amount_cents", f.AmountCents)
		if f.InKind && (f.Source == FundingGrant || f.Source == FundingOwnCash) {
			add(p+"in_kind", "budget.in_kind.source")
		}
		if f.Source != FundingGrant && f.FunderOrganisationID != 0 {
			add(p+"funder_organisation_id", "budget.funder.not_grant")
		}
		if f.Source != FundingPartner && f.PartnerOrganisationID != 0 {
			add(p+"partner_organisation_id", "budget.partner.not_partner")
		}
		switch f.Source {
		case FundingPartner:
			if f.PartnerOrganisationID <= 0 && complete {
				add(p+"partner_organisation_id", "budget.partner.required")
			}
		case FundingGrant:
			if funders == nil {
				break
			}
			if _, ok := funders[f.FunderOrganisationID]; !ok {
				if f.FunderOrganisationID == 0 {
					add(p+"funder_organisation_id", "budget.grant.funder_required")
				} else {
					add(p+"funder_organisation_id", "budget.grant.funder_unknown", OrganisationArg(f.FunderOrganisationID))
				}
				continue
			}
			if _, dup := grantLine[f.FunderOrganisationID]; dup {
				add(p+"funder_organisation_id", "budget.grant.funder_duplicate", OrganisationArg(f.FunderOrganisationID))
				continue
			}
			grantLine[f.FunderOrganisationID] = i
		}
	}
	if !complete {
		return errs
	}

	if len(b.Expenses) == 0 {
		add("budget.expenses", "budget.expenses.required")
	}
	if !amountsOK {
		return errs // the totals below would mislead
	}
	t := b.Totals()
	switch d := t.FinancingCents - t.ExpensesCents; {
	case d < 0:
		add("budget.financing", "budget.unbalanced.short", CentsArg(t.ExpensesCents), CentsArg(t.FinancingCents), CentsArg(-d))
	case d > 0:
		add("budget.financing", "budget.unbalanced.over", CentsArg(t.ExpensesCents), CentsArg(t.FinancingCents), CentsArg(d))
	}
	if t.InKindExpensesCents != t.InKindFinanceCents {
		add("budget.expenses", "budget.in_kind.mismatch", CentsArg(t.InKindExpensesCents), CentsArg(t.InKindFinanceCents))
	}
	if funders != nil && t.GrantCents > 0 {
		for _, f := range c.Funders {
			if f.ShareBP <= 0 {
				continue
			}
			// Within one cent of total × share / 10000: |asked × 10000 −
			// total × share| ≤ 10000. Lines ≤ 10¹² and at most 200 of them
			// keep both products below 2.10¹⁸.
			asked, ok := t.GrantByFunder[f.OrganisationID]
			due := t.GrantCents * int64(f.ShareBP)
			diff := asked*10000 - due
			if diff >= -10000 && diff <= 10000 {
				continue
			}
			expected := (due + 5000) / 10000 // rounded half up; amounts are not negative here
			field := "budget.financing"      // no line for this funder yet
			if ok {
				field = fmt.Sprintf("budget.financing.%d.amount_cents", grantLine[f.OrganisationID])
			}
			add(field, "budget.grant.split", OrganisationArg(f.OrganisationID), ShareArg(f.ShareBP),
				CentsArg(t.GrantCents), CentsArg(expected), CentsArg(asked))
		}
	}
	return errs
}
