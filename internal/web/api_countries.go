package web

import (
	"net/http"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The API of the country pages: what is known of a country, and the
// embassy's priorities.

type apiCountryRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type apiPriorityDoc struct {
	Rank      int               `json:"rank"`
	Theme     string            `json:"theme"`
	ThemeName string            `json:"theme_name"`
	Text      string            `json:"text"`
	TextLang  string            `json:"text_lang"`
	Texts     map[string]string `json:"texts"`
}

type apiPrioritiesDoc struct {
	Country   apiCountryRef    `json:"country"`
	Version   int              `json:"version"`
	UpdatedAt *string          `json:"updated_at"`
	Items     []apiPriorityDoc `json:"items"`
}

type apiFundedProjectDoc struct {
	ApplicationID int64                   `json:"application_id"`
	Title         string                  `json:"title"`
	TitleLang     string                  `json:"title_lang"`
	Lead          apiOrgRefDoc            `json:"lead"`
	Partners      []apiFundedPartnerDoc   `json:"partners"`
	Themes        []string                `json:"themes"`
	Countries     []string                `json:"countries"`
	Call          apiFundedProjectCallDoc `json:"call"`
	GrantedCents  int64                   `json:"granted_cents"`
	GrantedText   string                  `json:"granted_text"`
	DecidedAt     string                  `json:"decided_at"`
}

type apiOrgRefDoc struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiFundedPartnerDoc struct {
	OrganisationID *int64 `json:"organisation_id"`
	Name           string `json:"name"`
	Country        string `json:"country"`
}

type apiFundedProjectCallDoc struct {
	ID        int64  `json:"id"`
	Reference string `json:"reference"`
	Title     string `json:"title"`
}

type apiWorkDoc struct {
	Kind           coopdec.WorkKind `json:"kind"`
	OrganisationID int64            `json:"organisation_id"`
	Name           string           `json:"name"`
	Title          *string          `json:"title"`
	Themes         []string         `json:"themes"`
}

type apiSynergiesDoc struct {
	Country             apiCountryRef                `json:"country"`
	Priorities          apiPrioritiesDoc             `json:"priorities"`
	FundedProjects      apiPage[apiFundedProjectDoc] `json:"funded_projects"`
	LabelledAuthorities []apiWorkDoc                 `json:"labelled_authorities"`
	Missions            []apiWorkDoc                 `json:"missions"`
	Highlights          apiSynergyHighlightsDoc      `json:"highlights"`
}

type apiSynergyHighlightsDoc struct {
	UncoveredPriorities []apiPriorityDoc `json:"uncovered_priorities"`
	OutsidePriorities   []apiWorkDoc     `json:"outside_priorities"`
}

func apiPriorities(ps []coopdec.CountryPriority, lang string) []apiPriorityDoc {
	out := make([]apiPriorityDoc, 0, len(ps))
	for _, p := range ps {
		d := apiPriorityDoc{Rank: p.Rank, Theme: p.Theme, ThemeName: themeLabel(p.Theme, lang), Texts: p.Texts}
		if d.Texts == nil {
			d.Texts = map[string]string{}
		}
		d.Text, d.TextLang = p.Text(lang)
		out = append(out, d)
	}
	return out
}

func apiPrioritiesOf(cp *coopdec.CountryPriorities, lang string) apiPrioritiesDoc {
	d := apiPrioritiesDoc{Country: apiCountryRef{Code: cp.Country, Name: coopdec.Country{Code: cp.Country}.Name(lang)},
		Version: cp.Version, Items: apiPriorities(cp.Priorities, lang)}
	if cp.Version > 0 {
		t := apiTime(cp.UpdatedAt)
		d.UpdatedAt = &t
	}
	return d
}

func apiWorks(ws []coopdec.KindedWork) []apiWorkDoc {
	out := make([]apiWorkDoc, 0, len(ws))
	for _, w := range ws {
		themes := w.Themes
		if themes == nil {
			themes = []string{}
		}
		out = append(out, apiWorkDoc{Kind: w.Kind, OrganisationID: w.OrganisationID, Name: w.Name, Title: apiOptional(w.Title), Themes: themes})
	}
	return out
}

func apiFundedProject(p *sqldb.FundedProject, lang string) apiFundedProjectDoc {
	d := apiFundedProjectDoc{ApplicationID: p.ApplicationID, Lead: apiOrgRefDoc{ID: p.LeadID, Name: p.LeadName},
		Partners: []apiFundedPartnerDoc{}, Themes: p.Themes, Countries: p.Countries,
		Call: apiFundedProjectCallDoc{ID: p.CallID, Reference: p.CallReference}, GrantedCents: p.GrantedCents,
		GrantedText: coopdec.FormatEuroCents(lang, p.GrantedCents), DecidedAt: apiTime(p.PublishedAt)}
	d.Title, d.TitleLang = p.Title(lang)
	d.Call.Title, _ = p.CallTitle(lang)
	for _, pa := range p.Partners {
		pd := apiFundedPartnerDoc{Name: pa.Name, Country: pa.Country}
		if pa.OrganisationID != 0 {
			id := pa.OrganisationID
			pd.OrganisationID = &id
		}
		d.Partners = append(d.Partners, pd)
	}
	if d.Themes == nil {
		d.Themes = []string{}
	}
	if d.Countries == nil {
		d.Countries = []string{}
	}
	return d
}

func (s *Server) apiCountrySynergies(w http.ResponseWriter, r *http.Request) {
	c, err := countryOf(r.PathValue("code"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang, err := apiQueryLang(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	page := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	cw, err := s.loadCountryWork(r.Context(), c.Code)
	if err != nil {
		s.error(w, r, err)
		return
	}
	doc := apiSynergiesDoc{Country: apiCountryRef{Code: c.Code, Name: c.Name(lang)},
		Priorities:          apiPrioritiesOf(cw.Priorities, lang),
		LabelledAuthorities: apiWorks(kinded(coopdec.WorkExperience, cw.Experience)),
		Missions:            apiWorks(kinded(coopdec.WorkMission, cw.Missions)),
		Highlights: apiSynergyHighlightsDoc{UncoveredPriorities: apiPriorities(cw.Synergies.Uncovered, lang),
			OutsidePriorities: apiWorks(cw.Synergies.Outside)}}
	var items []apiFundedProjectDoc
	for _, p := range pageSlice(cw.Projects, &page) {
		items = append(items, apiFundedProject(&p, lang))
	}
	doc.FundedProjects = newAPIPage(items, page)
	writeJSON(w, http.StatusOK, doc)
}

type apiPriorityInput struct {
	Theme string            `json:"theme"`
	Texts map[string]string `json:"texts"`
}

type apiPrioritiesInput struct {
	Version    *int               `json:"version"`
	Priorities []apiPriorityInput `json:"priorities"`
}

func (s *Server) apiCountryPrioritiesPut(w http.ResponseWriter, r *http.Request) {
	c, err := countryOf(r.PathValue("code"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	ok, err := s.mayEditCountry(r, c.Code)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !ok {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "country_priorities.forbidden"))
		return
	}
	var in apiPrioritiesInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	cp := &coopdec.CountryPriorities{Country: c.Code}
	for _, p := range in.Priorities {
		cp.Priorities = append(cp.Priorities, coopdec.CountryPriority{Theme: strings.TrimSpace(p.Theme), Texts: p.Texts})
	}
	var base int
	if in.Version != nil {
		base = *in.Version
	} else {
		cur, err := s.db.CountryPriorities(ctx, c.Code)
		if err != nil {
			s.error(w, r, err)
			return
		}
		base = cur.Version
	}
	if err := s.db.SaveCountryPriorities(ctx, cp, base, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiPrioritiesOf(cp, info(r).lang))
}
