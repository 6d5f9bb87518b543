package coopdec

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// AllowanceRate is a line of the per-country table of daily allowances that
// officers keep: from ValidFrom on, a day of mission in Country is paid
// DailyCents, until a line with a later ValidFrom replaces it.
type AllowanceRate struct {
	Country    string // ISO 3166-1 alpha-2
	DailyCents int64
	ValidFrom  time.Time
}

// Bounds of a mission order. They keep every product and sum far from
// overflowing an int64: 50 experts × 365 days × 10,000 € stays below a
// billion cents.
const (
	OrderExpertsMax     = 50
	OrderDaysMax        = 365
	allowanceCentsMax   = 1_000_000 // 10,000 € a day
	orderAmountCentsMax = callCentsMax
	orderNameMax        = 200
)

// Validate checks one line of the rate table.
func (r AllowanceRate) Validate() error {
	var errs Errors
	if _, ok := CountryByCode(r.Country); !ok {
		errs = append(errs, FieldError("country", "mission_order.rate.country_unknown", r.Country))
	}
	if r.DailyCents <= 0 || r.DailyCents > allowanceCentsMax {
		errs = append(errs, FieldError("daily_cents", "mission_order.rate.daily_invalid", CentsArg(allowanceCentsMax)))
	}
	if r.ValidFrom.IsZero() {
		errs = append(errs, FieldError("valid_from", "mission_order.rate.valid_from_required"))
	}
	return errs.Err()
}

// CheckAllowanceRate checks r before it joins the table rates: valid, and
// not a second line for the same country from the same day (ECONFLICT).
func CheckAllowanceRate(rates []AllowanceRate, r AllowanceRate) error {
	if err := r.Validate(); err != nil {
		return err
	}
	for _, o := range rates {
		if strings.EqualFold(o.Country, r.Country) && dayNumber(o.ValidFrom) == dayNumber(r.ValidFrom) {
			return &Error{Code: ECONFLICT, Key: "mission_order.rate.duplicate", Args: []any{MatchCountryArg(strings.ToUpper(r.Country))}, Field: "valid_from"}
		}
	}
	return nil
}

// AllowanceRateOn returns the rate in force for country on the calendar day
// of on: the line with the latest ValidFrom not after that day.
func AllowanceRateOn(rates []AllowanceRate, country string, on time.Time) (AllowanceRate, bool) {
	day := dayNumber(on)
	var best AllowanceRate
	found := false
	for _, r := range rates {
		if !strings.EqualFold(r.Country, country) || r.ValidFrom.IsZero() {
			continue
		}
		d := dayNumber(r.ValidFrom)
		if d > day {
			continue
		}
		if !found || d > dayNumber(best.ValidFrom) {
			best, found = r, true
		}
	}
	return best, found
}

// OrderExpert is one expert sent on the mission, for Days days.
type OrderExpert struct {
	Name string
	Days int
}

// MissionOrderBudget is the money side of a mission order: travel, the
// experts' daily allowances at the rate of Country in force on Start, and
// other costs.
type MissionOrderBudget struct {
	TravelCents int64
	Experts     []OrderExpert
	OtherCents  int64
	Country     string
	Start       time.Time
}

// OrderCost computes the cost of a mission order: the allowances (each
// expert's days at the daily rate in force for the country on the start
// date) and the total with travel and other costs. It reports every problem
// at once as field errors: amounts negative or too large, no expert, an
// expert without a name or with days out of 1..OrderDaysMax, no start date,
// no rate for the country on that date.
func OrderCost(b MissionOrderBudget, rates []AllowanceRate) (total, allowances int64, err error) {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	amount := func(field string, v int64) {
		switch {
		case v < 0:
			add(field, "mission_order.amount.negative")
		case v > orderAmountCentsMax:
			add(field, "mission_order.amount.too_large", CentsArg(orderAmountCentsMax))
		}
	}
	amount("travel_cents", b.TravelCents)
	amount("other_cents", b.OtherCents)

	var rate AllowanceRate
	rateOK := false
	country := strings.ToUpper(strings.TrimSpace(b.Country))
	_, known := CountryByCode(country)
	switch {
	case country == "":
		add("country", "mission_order.country.required")
	case !known:
		add("country", "mission_order.country.unknown", b.Country)
	}
	if b.Start.IsZero() {
		add("start", "mission_order.start.required")
	}
	if known && !b.Start.IsZero() {
		rate, rateOK = AllowanceRateOn(rates, country, b.Start)
		if !rateOK {
			add("country", "mission_order.rate.missing", MatchCountryArg(country), b.Start.Format(time.DateOnly))
		} else if rate.DailyCents <= 0 || rate.DailyCents > allowanceCentsMax {
			add("country", "mission_order.rate.daily_invalid", CentsArg(allowanceCentsMax))
			rateOK = false
		}
	}

	switch {
	case len(b.Experts) == 0:
		add("experts", "mission_order.experts.required")
	case len(b.Experts) > OrderExpertsMax:
		add("experts", "mission_order.experts.too_many", OrderExpertsMax)
	}
	var days int64
	for i, x := range b.Experts {
		if i >= OrderExpertsMax {
			break
		}
		p := fmt.Sprintf("experts.%d.", i)
		name := strings.TrimSpace(x.Name)
		switch {
		case name == "":
			add(p+"name", "mission_order.expert.name_required")
		case !utf8.ValidString(name):
			add(p+"name", "mission_order.expert.name_invalid")
		case utf8.RuneCountInString(name) > orderNameMax:
			add(p+"name", "mission_order.expert.name_too_long", orderNameMax)
		}
		if x.Days < 1 || x.Days > OrderDaysMax {
			add(p+"days", "mission_order.expert.days_range", OrderDaysMax)
			continue
		}
		days += int64(x.Days)
	}
	if len(errs) > 0 {
		return 0, 0, errs
	}
	if rateOK {
		allowances = days * rate.DailyCents
	}
	return b.TravelCents + allowances + b.OtherCents, allowances, nil
}

// CheckOrderAgainstCeiling refuses an order whose total is over the
// request's budget ceiling, saying by how much. A ceiling of 0 means the
// request set none; a negative one is an error.
func CheckOrderAgainstCeiling(total, ceilingCents int64) error {
	switch {
	case ceilingCents < 0:
		return FieldError("ceiling_cents", "mission_order.ceiling.negative")
	case total < 0:
		return FieldError("total_cents", "mission_order.amount.negative")
	case ceilingCents > 0 && total > ceilingCents:
		return FieldError("total_cents", "mission_order.ceiling.exceeded", CentsArg(total), CentsArg(ceilingCents), CentsArg(total-ceilingCents))
	}
	return nil
}
