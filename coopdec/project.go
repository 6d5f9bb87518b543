package coopdec

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// PublicProject is what anyone may know of a funded project: an
// application on the main list of its call's final decision. It carries
// the titles and summaries, the lead authority and its région, the
// partners' names and countries, the call and its programme, the themes,
// the countries of action, the amount granted and when it was decided.
// Everything else the application holds (context, activities, budget,
// contributions, attachments, evaluations) stays with the people who
// handled it. Storage keeps it as JSON: the tags are its stored form.
type PublicProject struct {
	ApplicationID  int64                  `json:"application_id"`
	Texts          map[string]ProjectText `json:"texts"` // language → title and summary
	LeadID         int64                  `json:"lead_id"`
	LeadName       string                 `json:"lead_name"`
	RegionCode     string                 `json:"region_code"` // INSEE code of the lead's région, empty when unknown
	Partners       []ProjectPartner       `json:"partners"`
	CallID         int64                  `json:"call_id"`
	CallReference  string                 `json:"call_reference"`
	CallTitles     map[string]string      `json:"call_titles"` // language → title
	ProgrammeID    int64                  `json:"programme_id"`
	ProgrammeNames map[string]string      `json:"programme_names"` // language → name
	Themes         []string               `json:"themes"`
	Countries      []string               `json:"countries"`
	GrantedCents   int64                  `json:"granted_cents"`
	DecisionID     int64                  `json:"decision_id"`
	DecidedAt      time.Time              `json:"decided_at"` // when the final decision was published
	Year           int                    `json:"year"`       // the decision's year, in Paris
}

// ProjectText is a funded project's title and summary in one language.
type ProjectText struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// ProjectPartner is a member of a funded project's consortium as the
// public sees it: who it is and where, not what it brings.
type ProjectPartner struct {
	Name    string      `json:"name"`
	Kind    OrgKind     `json:"kind"`
	Country string      `json:"country"`
	Role    PartnerRole `json:"role"`
}

// Text returns the project's text in lang, else in the first language of
// Languages that has a title, with the language it is in.
func (p *PublicProject) Text(lang string) (ProjectText, string) {
	if t := p.Texts[lang]; t.Title != "" {
		return t, lang
	}
	for _, l := range Languages {
		if t := p.Texts[l]; t.Title != "" {
			return t, l
		}
	}
	return ProjectText{}, lang
}

// CallTitle returns the call's title in lang, else in French.
func (p *PublicProject) CallTitle(lang string) string {
	if t := p.CallTitles[lang]; t != "" {
		return t
	}
	return p.CallTitles["fr"]
}

// ProgrammeName returns the programme's name in lang, else in French.
func (p *PublicProject) ProgrammeName(lang string) string {
	if n := p.ProgrammeNames[lang]; n != "" {
		return n
	}
	return p.ProgrammeNames["fr"]
}

// FundedEntries returns the entries of a final decision that fund a
// project, by rank: its main list. The reserve is funded only by a later
// decision, and rejected applications never are.
func FundedEntries(d *Decision) []DecisionEntry {
	var out []DecisionEntry
	for _, e := range d.Entries {
		if e.List == ListMain {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b DecisionEntry) int { return a.Rank - b.Rank })
	return out
}

// ProjectSource is what a funded project's public record is drawn from.
// PartnerNames names the registered partners by organisation ID, for the
// consortium lines that name them only by ID.
type ProjectSource struct {
	Call           *Call
	ProgrammeNames map[string]string
	Decision       *Decision
	Entry          DecisionEntry
	Application    *Application
	Lead           *Organisation
	PartnerNames   map[int64]string
	DecidedAt      time.Time
	Year           int
}

// NewPublicProject returns the public record of s's application, and false
// when the entry funds nothing (not on the main list, or not the
// application given) so that nothing of it may be shown.
func NewPublicProject(s ProjectSource) (PublicProject, bool) {
	a, c := s.Application, s.Call
	if s.Entry.List != ListMain || a == nil || c == nil || s.Lead == nil || s.Entry.ApplicationID != a.ID ||
		a.CallID != c.ID || s.Lead.ID != a.LeadOrganisationID {
		return PublicProject{}, false
	}
	p := PublicProject{ApplicationID: a.ID, Texts: map[string]ProjectText{}, LeadID: s.Lead.ID, LeadName: s.Lead.Name,
		RegionCode: s.Lead.RegionCode, Partners: []ProjectPartner{}, CallID: c.ID, CallReference: c.Reference,
		CallTitles: map[string]string{}, ProgrammeID: c.ProgrammeID, ProgrammeNames: maps.Clone(s.ProgrammeNames),
		Themes: slices.Clone(a.Themes), Countries: slices.Clone(a.Countries), GrantedCents: s.Entry.GrantedCents,
		DecidedAt: s.DecidedAt.UTC(), Year: s.Year}
	if s.Decision != nil {
		p.DecisionID = s.Decision.ID
	}
	if p.ProgrammeNames == nil {
		p.ProgrammeNames = map[string]string{}
	}
	if p.Themes == nil {
		p.Themes = []string{}
	}
	if p.Countries == nil {
		p.Countries = []string{}
	}
	for l, t := range a.Texts {
		if t.Title = strings.TrimSpace(t.Title); t.Title != "" {
			p.Texts[l] = ProjectText{Title: t.Title, Summary: strings.TrimSpace(t.Summary)}
		}
	}
	for l, t := range c.Texts {
		if t.Title != "" {
			p.CallTitles[l] = t.Title
		}
	}
	for _, pt := range a.Partners {
		// The lead's own line describes its contribution, already told by
		// the lead's name.
		if pt.Role == RoleLeadPartner || (pt.OrganisationID != 0 && pt.OrganisationID == a.LeadOrganisationID) {
			continue
		}
		name := strings.TrimSpace(pt.Name)
		if pt.OrganisationID != 0 && s.PartnerNames[pt.OrganisationID] != "" {
			name = s.PartnerNames[pt.OrganisationID]
		}
		if name == "" {
			continue
		}
		p.Partners = append(p.Partners, ProjectPartner{Name: name, Kind: pt.Kind, Country: pt.Country, Role: pt.Role})
	}
	return p, true
}
