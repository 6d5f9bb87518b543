package coopdec

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditCountryPriorities records a new version of a country's priorities.
const AuditCountryPriorities = "country.priorities"

// Limits of an embassy's priorities: a handful of themes, each explained in
// a paragraph or two.
const (
	CountryPrioritiesMax   = 12
	CountryPriorityTextMax = 2000
)

// CountryPriority is one of the embassy's priorities for France's bilateral
// cooperation in a country: a theme of the programme, explained per
// language (French always).
type CountryPriority struct {
	Rank  int               // 1 for the first, in the embassy's order
	Theme string            // theme code
	Texts map[string]string // language → text; "fr" required
}

// Text returns the priority's text in lang, else in French, else in any
// language, with the language it is in.
func (p CountryPriority) Text(lang string) (text, textLang string) {
	if t := p.Texts[lang]; t != "" {
		return t, lang
	}
	for _, l := range Languages {
		if t := p.Texts[l]; t != "" {
			return t, l
		}
	}
	return "", lang
}

// CountryPriorities is the list an embassy keeps for its country. Each
// save appends a new Version; earlier ones stay on record.
type CountryPriorities struct {
	Country    string // ISO code
	Version    int    // 0 while none was ever saved
	Priorities []CountryPriority
	UpdatedBy  int64
	UpdatedAt  time.Time
}

// priorityField names the form field of the i-th priority (0-based).
func priorityField(i int, part string) string {
	return "priorities." + strconv.Itoa(i+1) + "." + part
}

// Validate normalises cp (upper-case country, lower-case themes, trimmed
// texts, blank translations dropped, ranks renumbered 1…n) and checks it:
// a known country, at most CountryPrioritiesMax priorities, each with a
// known theme used once and a French text, every text within
// CountryPriorityTextMax characters and in a language of the platform.
func (cp *CountryPriorities) Validate() error {
	var errs Errors
	cp.Country = strings.ToUpper(strings.TrimSpace(cp.Country))
	if _, ok := CountryByCode(cp.Country); !ok {
		errs = append(errs, FieldError("country", "country_priorities.country.invalid", cp.Country))
	}
	if len(cp.Priorities) > CountryPrioritiesMax {
		errs = append(errs, FieldError("priorities", "country_priorities.too_many", CountryPrioritiesMax))
		return errs
	}
	seen := map[string]int{}
	for i := range cp.Priorities {
		p := &cp.Priorities[i]
		p.Rank = i + 1
		p.Theme = strings.ToLower(strings.TrimSpace(p.Theme))
		texts := map[string]string{}
		for _, l := range slices.Sorted(maps.Keys(p.Texts)) {
			t := strings.TrimSpace(p.Texts[l])
			switch {
			case t == "":
				continue
			case !ValidLanguage(l):
				errs = append(errs, FieldError(priorityField(i, "texts"), "country_priorities.text.language", l))
				continue
			case !utf8.ValidString(t):
				errs = append(errs, FieldError(priorityField(i, l), "country_priorities.text.invalid"))
			case utf8.RuneCountInString(t) > CountryPriorityTextMax:
				errs = append(errs, FieldError(priorityField(i, l), "country_priorities.text.too_long", CountryPriorityTextMax))
			}
			texts[l] = t
		}
		p.Texts = texts
		switch _, known := ThemeByCode(p.Theme); {
		case p.Theme == "":
			errs = append(errs, FieldError(priorityField(i, "theme"), "country_priorities.theme.required"))
		case !known:
			errs = append(errs, FieldError(priorityField(i, "theme"), "country_priorities.theme.unknown", p.Theme))
		default:
			if first, dup := seen[p.Theme]; dup {
				errs = append(errs, FieldError(priorityField(i, "theme"), "country_priorities.theme.duplicate", first))
			} else {
				seen[p.Theme] = i + 1
			}
		}
		if texts["fr"] == "" {
			errs = append(errs, FieldError(priorityField(i, "fr"), "country_priorities.text.fr_required"))
		}
	}
	return errs.Err()
}

// Blank reports whether p has neither theme nor text: a form's empty row.
func (p CountryPriority) Blank() bool {
	if strings.TrimSpace(p.Theme) != "" {
		return false
	}
	for _, t := range p.Texts {
		if strings.TrimSpace(t) != "" {
			return false
		}
	}
	return true
}

// CanEditCountryPriorities allows u to state country's priorities: the
// staff of France's embassy in that country (the embassy role and
// membership of an embassy whose country it is) and nobody else's;
// embassies are the organisations u belongs to, as storage reads them.
// Ministry officers may too: they keep the country pages of embassies not
// yet on the platform and correct them on an embassy's request.
func CanEditCountryPriorities(u *User, country string, embassies []Organisation) bool {
	if u == nil {
		return false
	}
	if u.HasRole(RoleOfficer) {
		return true
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	staffOf := EmbassiesOf(u)
	for _, o := range embassies {
		if o.Kind == OrgEmbassy && strings.EqualFold(o.Country, country) && slices.Contains(staffOf, o.ID) {
			return true
		}
	}
	return false
}

// AuthorityWork is what a local authority does or did in a country, as the
// synergy analysis weighs it: a funded project, a labelled authority's past
// experience, a mission.
type AuthorityWork struct {
	OrganisationID int64
	Name           string   // the authority's name
	Title          string   // the project's or mission's title, when it has one
	Themes         []string // theme codes
}

// WorkKind says where a piece of AuthorityWork comes from.
type WorkKind string

const (
	WorkProject    WorkKind = "project"    // a project funded by a final decision
	WorkExperience WorkKind = "experience" // a labelled authority's evidence
	WorkMission    WorkKind = "mission"    // an expertise mission
)

// SynergyInput is what is known of a country: the embassy's priorities and
// the local authorities' work there.
type SynergyInput struct {
	Priorities []CountryPriority
	Projects   []AuthorityWork
	Experience []AuthorityWork
	Missions   []AuthorityWork
}

// KindedWork is a piece of work with where it comes from.
type KindedWork struct {
	Kind WorkKind
	AuthorityWork
}

// Synergies are the highlights of a country page.
type Synergies struct {
	// Uncovered are the priorities no local authority's work touches, in
	// the embassy's order.
	Uncovered []CountryPriority
	// Outside is the work none of whose themes is a priority, projects
	// first, then experience, then missions, each in the order given.
	Outside []KindedWork
}

// AnalyseSynergies compares an embassy's priorities with the local
// authorities' work in its country. Work without themes is left out of
// Outside: nothing says it lies outside. With no priorities stated,
// nothing is outside them either.
func AnalyseSynergies(in SynergyInput) Synergies {
	var s Synergies
	prio := map[string]bool{}
	for _, p := range in.Priorities {
		prio[p.Theme] = true
	}
	covered := map[string]bool{}
	groups := []struct {
		kind WorkKind
		list []AuthorityWork
	}{{WorkProject, in.Projects}, {WorkExperience, in.Experience}, {WorkMission, in.Missions}}
	for _, g := range groups {
		for _, w := range g.list {
			inside := false
			for _, t := range w.Themes {
				if prio[t] {
					covered[t], inside = true, true
				}
			}
			if !inside && len(w.Themes) > 0 && len(prio) > 0 {
				s.Outside = append(s.Outside, KindedWork{Kind: g.kind, AuthorityWork: w})
			}
		}
	}
	for _, p := range in.Priorities {
		if !covered[p.Theme] {
			s.Uncovered = append(s.Uncovered, p)
		}
	}
	return s
}
