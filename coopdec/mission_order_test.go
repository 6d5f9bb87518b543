package coopdec

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

var orderRates = []AllowanceRate{
	{Country: "SN", DailyCents: 12000, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "SN", DailyCents: 13500, ValidFrom: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "sn", DailyCents: 11000, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "MA", DailyCents: 15000, ValidFrom: time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)},
}

func TestAllowanceRateOn(t *testing.T) {
	for _, tc := range []struct {
		name    string
		country string
		on      time.Time
		want    int64
		found   bool
	}{
		{"old rate", "SN", time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC), 11000, true},
		{"rate in force", "sn", time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), 12000, true},
		{"new rate from its first day", "SN", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), 13500, true},
		{"before any rate", "SN", time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC), 0, false},
		{"before the country's rate", "MA", time.Date(2025, 6, 14, 0, 0, 0, 0, time.UTC), 0, false},
		{"no rate for the country", "TN", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := AllowanceRateOn(orderRates, tc.country, tc.on)
			if ok != tc.found || r.DailyCents != tc.want {
				t.Errorf("got %d, %v; want %d, %v", r.DailyCents, ok, tc.want, tc.found)
			}
		})
	}
}

func TestAllowanceRateValidate(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		rate   AllowanceRate
		fields []string
		code   string
	}{
		{"valid", AllowanceRate{Country: "TN", DailyCents: 9000, ValidFrom: day}, nil, ""},
		{"everything wrong", AllowanceRate{Country: "ZZ", DailyCents: 0}, []string{"country", "daily_cents", "valid_from"}, EINVALID},
		{"too large", AllowanceRate{Country: "TN", DailyCents: allowanceCentsMax + 1, ValidFrom: day}, []string{"daily_cents"}, EINVALID},
		{"negative", AllowanceRate{Country: "TN", DailyCents: -5, ValidFrom: day}, []string{"daily_cents"}, EINVALID},
		{"same country and day", AllowanceRate{Country: "ma", DailyCents: 9000, ValidFrom: time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)}, []string{"valid_from"}, ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckAllowanceRate(orderRates, tc.rate)
			if got := errorFields(err); !reflect.DeepEqual(got, tc.fields) {
				t.Errorf("fields %v; want %v (%v)", got, tc.fields, err)
			}
			if got := ErrorCode(err); err != nil && got != tc.code {
				t.Errorf("code %s; want %s", got, tc.code)
			}
		})
	}
}

// errorFields lists the fields of err's errors, nil when there is none.
func errorFields(err error) []string {
	if err == nil {
		return nil
	}
	var es Errors
	if errors.As(err, &es) {
		var out []string
		for _, e := range es {
			out = append(out, e.Field)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		return []string{e.Field}
	}
	return []string{"?"}
}

func TestOrderCost(t *testing.T) {
	start := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	two := []OrderExpert{{Name: "Claire Martin", Days: 10}, {Name: "Ousmane Diallo", Days: 7}}
	for _, tc := range []struct {
		name       string
		budget     MissionOrderBudget
		total      int64
		allowances int64
		fields     []string
		keys       []string
	}{
		{"two experts at the new rate", MissionOrderBudget{TravelCents: 180000, Experts: two, OtherCents: 25000, Country: "SN", Start: start},
			180000 + 17*13500 + 25000, 17 * 13500, nil, nil},
		{"at the old rate", MissionOrderBudget{Experts: two[:1], Country: "sn", Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
			10 * 12000, 10 * 12000, nil, nil},
		{"maximal order does not overflow", MissionOrderBudget{TravelCents: orderAmountCentsMax, OtherCents: orderAmountCentsMax, Country: "SN", Start: start,
			Experts: func() []OrderExpert {
				xs := make([]OrderExpert, OrderExpertsMax)
				for i := range xs {
					xs[i] = OrderExpert{Name: "Expert", Days: OrderDaysMax}
				}
				return xs
			}()},
			2*orderAmountCentsMax + OrderExpertsMax*OrderDaysMax*13500, OrderExpertsMax * OrderDaysMax * 13500, nil, nil},
		{"no rate on that date", MissionOrderBudget{Experts: two, Country: "MA", Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
			0, 0, []string{"country"}, []string{"mission_order.rate.missing"}},
		{"no rate for the country", MissionOrderBudget{Experts: two, Country: "TN", Start: start},
			0, 0, []string{"country"}, []string{"mission_order.rate.missing"}},
		{"negative amounts", MissionOrderBudget{TravelCents: -1, OtherCents: -2, Experts: two, Country: "SN", Start: start},
			0, 0, []string{"travel_cents", "other_cents"}, []string{"mission_order.amount.negative", "mission_order.amount.negative"}},
		{"amount too large", MissionOrderBudget{TravelCents: orderAmountCentsMax + 1, Experts: two, Country: "SN", Start: start},
			0, 0, []string{"travel_cents"}, []string{"mission_order.amount.too_large"}},
		{"days out of range", MissionOrderBudget{Experts: []OrderExpert{{Name: "A", Days: 0}, {Name: "B", Days: OrderDaysMax + 1}, {Name: "C", Days: -3}}, Country: "SN", Start: start},
			0, 0, []string{"experts.0.days", "experts.1.days", "experts.2.days"}, []string{"mission_order.expert.days_range", "mission_order.expert.days_range", "mission_order.expert.days_range"}},
		{"expert without a name", MissionOrderBudget{Experts: []OrderExpert{{Name: "  ", Days: 3}}, Country: "SN", Start: start},
			0, 0, []string{"experts.0.name"}, []string{"mission_order.expert.name_required"}},
		{"no expert", MissionOrderBudget{Country: "SN", Start: start},
			0, 0, []string{"experts"}, []string{"mission_order.experts.required"}},
		{"too many experts", MissionOrderBudget{Experts: make([]OrderExpert, OrderExpertsMax+1), Country: "SN", Start: start},
			0, 0, nil, nil}, // fields checked below: the cap, then each unnamed expert
		{"nothing filled", MissionOrderBudget{},
			0, 0, []string{"country", "start", "experts"}, []string{"mission_order.country.required", "mission_order.start.required", "mission_order.experts.required"}},
		{"unknown country", MissionOrderBudget{Experts: two, Country: "XX", Start: start},
			0, 0, []string{"country"}, []string{"mission_order.country.unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			total, allowances, err := OrderCost(tc.budget, orderRates)
			if tc.name == "too many experts" {
				var es Errors
				if !errors.As(err, &es) || es[0].Field != "experts" || es[0].Key != "mission_order.experts.too_many" || len(es) != 1+OrderExpertsMax*2 {
					t.Errorf("got %v", err)
				}
				return
			}
			if got := errorFields(err); !reflect.DeepEqual(got, tc.fields) {
				t.Fatalf("fields %v; want %v (%v)", got, tc.fields, err)
			}
			if err != nil {
				var es Errors
				errors.As(err, &es)
				var keys []string
				for _, e := range es {
					keys = append(keys, e.Key)
					if e.Code != EINVALID {
						t.Errorf("code %s; want %s", e.Code, EINVALID)
					}
				}
				if !reflect.DeepEqual(keys, tc.keys) {
					t.Errorf("keys %v; want %v", keys, tc.keys)
				}
				return
			}
			if total != tc.total || allowances != tc.allowances {
				t.Errorf("got %d, %d; want %d, %d", total, allowances, tc.total, tc.allowances)
			}
		})
	}
}

func TestOrderCostMissingRateSaysWhich(t *testing.T) {
	_, _, err := OrderCost(MissionOrderBudget{Experts: []OrderExpert{{Name: "A", Days: 2}}, Country: "ma", Start: time.Date(2025, 1, 1, 15, 0, 0, 0, time.UTC)}, orderRates)
	var e *Error
	if !errors.As(err, &e) || !reflect.DeepEqual(e.Args, []any{MatchCountryArg("MA"), "2025-01-01"}) {
		t.Errorf("got %#v; want the country and the date", e)
	}
}

func TestCheckOrderAgainstCeiling(t *testing.T) {
	for _, tc := range []struct {
		name           string
		total, ceiling int64
		field, key     string
		args           []any
	}{
		{"under", 99_999, 100_000, "", "", nil},
		{"exactly", 100_000, 100_000, "", "", nil},
		{"no ceiling", 5_000_000, 0, "", "", nil},
		{"over", 100_001, 100_000, "total_cents", "mission_order.ceiling.exceeded", []any{CentsArg(100_001), CentsArg(100_000), CentsArg(1)}},
		{"negative ceiling", 10, -1, "ceiling_cents", "mission_order.ceiling.negative", nil},
		{"negative total", -10, 100, "total_cents", "mission_order.amount.negative", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOrderAgainstCeiling(tc.total, tc.ceiling)
			if tc.key == "" {
				if err != nil {
					t.Errorf("got %v; want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Field != tc.field || e.Key != tc.key || e.Code != EINVALID || !reflect.DeepEqual(e.Args, tc.args) {
				t.Errorf("got %#v; want %s %s %v", err, tc.field, tc.key, tc.args)
			}
		})
	}
}
