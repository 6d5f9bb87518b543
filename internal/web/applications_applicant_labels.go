package web

import (
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// aplLabeler names the fields of an application and writes their values
// in the reader's words, for the merge page: "Activité 2 — mois de fin",
// "12 000 €", "Brésil".
type aplLabeler struct {
	lang string
	t    func(key string, args ...any) string
	orgs map[int64]coopdec.Organisation
}

// label names a field as coopdec.CompareApplications names it.
func (fl aplLabeler) label(field string) string {
	if rest, ok := strings.CutPrefix(field, "texts."); ok {
		lang, name, _ := strings.Cut(rest, ".")
		return fl.t("applicant.merge.text", fl.t("applicant.field."+name), fl.t("applicant.lang."+lang))
	}
	for _, g := range aplGroups {
		rest, ok := strings.CutPrefix(field, g.Prefix+".")
		if !ok {
			continue
		}
		n, sub, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if err != nil {
			break
		}
		return fl.t("applicant.merge.item", fl.t("applicant.group."+g.Prefix), i+1, fl.t("applicant.field."+g.Prefix+"."+sub))
	}
	return fl.t("applicant.field." + field)
}

// value writes one value of a field as the reader reads it.
func (fl aplLabeler) value(field, v string) string {
	if v == "" || v == "0" && (strings.HasSuffix(field, ".start") || strings.HasSuffix(field, ".end") || field == "duration_months") {
		return fl.t("applicant.merge.empty")
	}
	sub := field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		sub = field[i+1:]
	}
	list := func(name func(string) string) string {
		parts := strings.Split(v, ", ")
		for i, p := range parts {
			parts[i] = name(p)
		}
		return strings.Join(parts, ", ")
	}
	country := func(code string) string { return coopdec.Country{Code: code}.Name(fl.lang) }
	switch {
	case field == "themes":
		return list(func(code string) string {
			if th, ok := coopdec.ThemeByCode(code); ok {
				return th.Name(fl.lang)
			}
			return code
		})
	case field == "countries" || field == "beneficiary_countries":
		return list(country)
	case field == "duration_months":
		return fl.t("applicant.months", v)
	case field == "places":
		return v
	}
	switch sub {
	case "country":
		return country(v)
	case "amount_cents", "contribution_cents":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return coopdec.FormatEuroCents(fl.lang, n)
		}
	case "kind":
		return fl.t("orgs.kind." + v)
	case "role":
		return fl.t("applicant.role." + v)
	case "category":
		return fl.t("applicant.category." + v)
	case "source":
		return fl.t("applicant.source." + v)
	case "organisation_id", "funder_organisation_id", "partner_organisation_id":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if o, ok := fl.orgs[n]; ok {
				return o.Name
			}
		}
		return "#" + v
	case "in_kind":
		if v == "true" {
			return fl.t("applicant.yes")
		}
		return fl.t("applicant.no")
	case "start", "end":
		return fl.t("applicant.month", v)
	}
	return v
}
