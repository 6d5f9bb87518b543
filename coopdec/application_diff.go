package coopdec

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// FieldChange is one difference between two versions of an application,
// named like Validate names the field, with both values as plain text: an
// item added to a list has an empty Old, an item removed an empty New.
type FieldChange struct {
	Field string
	Old   string
	New   string
}

// CompareApplications lists what differs in content between two versions
// of an application, for officers comparing a correction with what was
// submitted and for ApplyCorrection. The list is deterministic: fields in
// the form's order, languages sorted, list items by index. Sets of codes
// (themes, countries, beneficiary countries) compare as sets, as
// CanonicalContent holds them; partners' confirmations are not content.
// Amounts are written in cents, lists of words joined by ", ".
func CompareApplications(a, b *Application) []FieldChange {
	d := &differ{}
	d.texts(a.Texts, b.Texts)
	d.value("themes", codeSet(a.Themes), codeSet(b.Themes))
	d.value("countries", codeSet(a.Countries), codeSet(b.Countries))
	d.value("places", strings.Join(a.Places, ", "), strings.Join(b.Places, ", "))
	d.value("duration_months", strconv.Itoa(a.DurationMonths), strconv.Itoa(b.DurationMonths))
	diffList(d, "activities", a.Activities, b.Activities, activityFields)
	diffList(d, "results", a.Results, b.Results, resultFields)
	diffList(d, "partners", a.Partners, b.Partners, partnerFields)
	d.value("beneficiary_countries", codeSet(a.BeneficiaryCountries), codeSet(b.BeneficiaryCountries))
	diffList(d, "budget.expenses", a.Budget.Expenses, b.Budget.Expenses, expenseFields)
	diffList(d, "budget.financing", a.Budget.Financing, b.Budget.Financing, financingFields)
	return d.changes
}

// ChangedTopFields returns the distinct top-level fields of changes (texts,
// partners, budget…), in their order of appearance: what a correction
// request must name for the changes to be allowed.
func ChangedTopFields(changes []FieldChange) []string {
	var out []string
	for _, c := range changes {
		top, _, _ := strings.Cut(c.Field, ".")
		if !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

type differ struct{ changes []FieldChange }

func (d *differ) value(name, before, after string) {
	if before != after {
		d.changes = append(d.changes, FieldChange{Field: name, Old: before, New: after})
	}
}

// texts compares every language either version has; a language missing
// from one reads as empty.
func (d *differ) texts(a, b map[string]ApplicationText) {
	langs := slices.Collect(maps.Keys(a))
	for l := range b {
		if _, ok := a[l]; !ok {
			langs = append(langs, l)
		}
	}
	slices.Sort(langs)
	for _, l := range langs {
		x, y := a[l], b[l]
		p := "texts." + l + "."
		d.value(p+"title", x.Title, y.Title)
		d.value(p+"summary", x.Summary, y.Summary)
		d.value(p+"context", x.Context, y.Context)
		d.value(p+"objectives", x.Objectives, y.Objectives)
		d.value(p+"sustainability", x.Sustainability, y.Sustainability)
	}
}

// itemValue is one named value of a list item, written as text.
type itemValue struct{ name, value string }

// diffList compares two lists item by item; an item one list lacks has
// every value empty, so that it shows as added or removed.
func diffList[T any](d *differ, prefix string, a, b []T, values func(T) []itemValue) {
	for i := range max(len(a), len(b)) {
		var x, y []itemValue
		if i < len(a) {
			x = values(a[i])
		}
		if i < len(b) {
			y = values(b[i])
		}
		for j := range max(len(x), len(y)) {
			var name, before, after string
			if j < len(x) {
				name, before = x[j].name, x[j].value
			}
			if j < len(y) {
				name, after = y[j].name, y[j].value
			}
			d.value(fmt.Sprintf("%s.%d.%s", prefix, i, name), before, after)
		}
	}
}

func activityFields(a Activity) []itemValue {
	return []itemValue{{"title", a.Title}, {"description", a.Description},
		{"start", strconv.Itoa(a.StartMonth)}, {"end", strconv.Itoa(a.EndMonth)}}
}

func resultFields(r Result) []itemValue {
	return []itemValue{{"indicator", r.Indicator}, {"unit", r.Unit}, {"baseline", r.Baseline}, {"target", r.Target}}
}

func partnerFields(p Partner) []itemValue {
	return []itemValue{{"organisation_id", idText(p.OrganisationID)}, {"name", p.Name}, {"kind", string(p.Kind)},
		{"country", p.Country}, {"role", string(p.Role)}, {"contribution", p.Contribution},
		{"contribution_cents", strconv.FormatInt(p.ContributionCents, 10)}, {"in_kind", strconv.FormatBool(p.InKind)}}
}

func expenseFields(e ExpenseLine) []itemValue {
	return []itemValue{{"category", string(e.Category)}, {"label", e.Label}, {"amount_cents", strconv.FormatInt(e.AmountCents, 10)}}
}

func financingFields(f FinancingLine) []itemValue {
	return []itemValue{{"source", string(f.Source)}, {"funder_organisation_id", idText(f.FunderOrganisationID)},
		{"partner_organisation_id", idText(f.PartnerOrganisationID)}, {"label", f.Label},
		{"amount_cents", strconv.FormatInt(f.AmountCents, 10)}, {"in_kind", strconv.FormatBool(f.InKind)}}
}

// idText writes an ID, 0 (none) as empty.
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// codeSet writes a set of codes sorted, without repeats.
func codeSet(codes []string) string {
	s := slices.Clone(codes)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ", ")
}
