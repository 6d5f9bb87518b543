package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// projectRoutes registers the public search of funded projects: pages and
// API. Only what coopdec.NewPublicProject keeps of a project is shown.
func (s *Server) projectRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /projets", s.cachedPublic(s.projectSearchPage))
	mux.HandleFunc("GET /projets/{id}", s.projectShow)
	mux.HandleFunc("GET /api/v1/projects", s.cachedPublic(s.apiProjectList))
	mux.HandleFunc("GET /api/v1/projects/{id}", s.apiProject)
}

// Years a decision may be searched by.
const (
	projectYearMin = 2000
	projectYearMax = 2100
)

// parseProjectSearch reads the search of funded projects from a query
// string, the page's and the API's alike; each invalid parameter gives a
// field error named after it.
func parseProjectSearch(q url.Values) (sqldb.ProjectFilter, coopdec.Page, error) {
	var f sqldb.ProjectFilter
	var errs coopdec.Errors
	f.Query = strings.TrimSpace(q.Get("q"))
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); c != "" {
		if _, ok := coopdec.CountryByCode(c); !ok {
			errs = append(errs, coopdec.FieldError("country", "org.country.invalid", c))
		}
		f.Country = c
	}
	for _, t := range q["theme"] {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if _, ok := coopdec.ThemeByCode(t); !ok {
			errs = append(errs, coopdec.FieldError("theme", "search.theme.invalid", t))
			continue
		}
		f.Themes = append(f.Themes, t)
	}
	f.ProgrammeID = parseSearchID(q, "programme", "search.programme.invalid", &errs)
	if r := strings.TrimSpace(q.Get("region")); r != "" {
		if !slices.Contains(coopdec.Regions(), r) {
			errs = append(errs, coopdec.FieldError("region", "project.search.region_invalid", r))
		}
		f.RegionCode = r
	}
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < projectYearMin || n > projectYearMax {
			errs = append(errs, coopdec.FieldError("year", "project.search.year_invalid", projectYearMin, projectYearMax))
		}
		f.Year = n
	}
	switch st := strings.TrimSpace(q.Get("sort")); st {
	case "", sqldb.SortRelevance, sqldb.SortDecided:
		f.Sort = st
	default:
		errs = append(errs, coopdec.FieldError("sort", "project.search.sort_invalid"))
	}
	page := apiPageQuery(q, &errs)
	return f, page, errs.Err()
}

// fundedProjectRow is a funded project as the pages show it.
type fundedProjectRow struct {
	ID           int64
	Title        string
	TitleLang    string
	Fallback     bool // not in the reader's language
	Summary      string
	Lead         string
	LeadID       int64
	Region       string
	Partners     []fundedPartnerRow
	CallID       int64
	CallRef      string
	CallTitle    string
	Programme    string
	Themes       []string
	Countries    []string
	Granted      string
	Year         int
	Decided      instant
	DecidedOnDay string
}

type fundedPartnerRow struct{ Name, Country string }

func newFundedProjectRow(p *coopdec.PublicProject, lang string) fundedProjectRow {
	text, tl := p.Text(lang)
	row := fundedProjectRow{ID: p.ApplicationID, Title: text.Title, TitleLang: tl, Fallback: tl != lang, Summary: text.Summary,
		Lead: p.LeadName, LeadID: p.LeadID, CallID: p.CallID, CallRef: p.CallReference, CallTitle: p.CallTitle(lang),
		Programme: p.ProgrammeName(lang), Granted: coopdec.FormatEuroCents(lang, p.GrantedCents), Year: p.Year,
		Decided: newInstant(p.DecidedAt), DecidedOnDay: p.DecidedAt.In(Paris).Format("02/01/2006")}
	if p.RegionCode != "" {
		row.Region = coopdec.RegionName(p.RegionCode)
	}
	for _, pt := range p.Partners {
		row.Partners = append(row.Partners, fundedPartnerRow{Name: pt.Name, Country: coopdec.Country{Code: pt.Country}.Name(lang)})
	}
	for _, code := range p.Themes {
		if t, ok := coopdec.ThemeByCode(code); ok {
			row.Themes = append(row.Themes, t.Name(lang))
		}
	}
	row.Countries = placeNames(lang, p.Countries, false)
	return row
}

// projectRowLabels are the labels every row of the search repeats,
// written once rather than by template calls on every row.
type projectRowLabels struct{ Year, Countries, Partners, Themes, Granted string }

// projectSearchRow is a funded project as the search lists it: the row,
// with its lists written out.
type projectSearchRow struct {
	fundedProjectRow
	CountryNames string
	PartnerNames string
	ThemeNames   string
}

// projectSearchData is what the search page shows.
type projectSearchData struct {
	callRef
	form       url.Values
	Labels     projectRowLabels
	Rows       []projectSearchRow
	Pager      *pager
	Valid      bool
	Themes     []coopdec.Theme
	Programmes []coopdec.Programme
	Sorts      []string
	YearMin    int
	YearMax    int
}

// Has reports whether the search asks for value in the repeatable name.
func (d *projectSearchData) Has(name, value string) bool { return slices.Contains(d.form[name], value) }

// Filtered reports whether any filter is set, to offer resetting them.
func (d *projectSearchData) Filtered() bool {
	for k, vs := range d.form {
		if k == "page" || k == "sort" || k == "per_page" {
			continue
		}
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				return true
			}
		}
	}
	return false
}

// projectSearchPage is the public search of funded projects, every state
// in the query string so that a search can be shared.
func (s *Server) projectSearchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := info(r).lang
	q := r.URL.Query()
	d := &projectSearchData{callRef: callRef{refData{lang}}, form: q, Themes: coopdec.Themes(),
		Sorts: []string{sqldb.SortDecided, sqldb.SortRelevance}, YearMin: projectYearMin, YearMax: s.db.Now().In(Paris).Year()}
	var err error
	if d.Programmes, err = s.db.Programmes(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	v := s.newView(r, "project.search.title", d)
	v.Form = q
	f, page, err := parseProjectSearch(q)
	if err == nil {
		var list []coopdec.PublicProject
		if list, page, err = s.db.SearchProjects(ctx, f, page); err == nil {
			for i := range list {
				row := projectSearchRow{fundedProjectRow: newFundedProjectRow(&list[i], lang)}
				row.CountryNames = strings.Join(row.Countries, ", ")
				partners := make([]string, len(row.Partners))
				for j, p := range row.Partners {
					partners[j] = p.Name + " (" + p.Country + ")"
				}
				row.PartnerNames = strings.Join(partners, " ; ")
				row.ThemeNames = strings.Join(row.Themes, ", ")
				d.Rows = append(d.Rows, row)
			}
			d.Labels = projectRowLabels{Year: s.cat.T(lang, "project.field.year"), Countries: s.cat.T(lang, "project.field.countries"),
				Partners: s.cat.T(lang, "project.field.partners"), Themes: s.cat.T(lang, "project.field.themes"),
				Granted: s.cat.T(lang, "project.field.granted")}
			if f.Country != "" {
				q.Set("country", f.Country) // so that the select shows it
			}
			d.Pager, d.Valid = newPager(r, page), true
			s.render(w, r, http.StatusOK, "project_search", v)
			return
		}
	}
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	addSearchErrors(v, err)
	s.render(w, r, http.StatusUnprocessableEntity, "project_search", v)
}

// projectShowData is what a funded project's page shows.
type projectShowData struct {
	refData
	Project fundedProjectRow
}

func (s *Server) publicProject(r *http.Request) (*coopdec.PublicProject, error) {
	id, err := apiPathID(r, "id", "project.not_found")
	if err != nil {
		return nil, err
	}
	return s.db.PublicProject(r.Context(), id)
}

func (s *Server) projectShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.publicProject(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	v := s.newView(r, "project.show.title", &projectShowData{refData: refData{lang}, Project: newFundedProjectRow(p, lang)})
	s.render(w, r, http.StatusOK, "project_show", v)
}

// The API.

type apiProjectPartnerDoc struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Role        string `json:"role"`
	Country     string `json:"country"`
	CountryName string `json:"country_name"`
}

type apiProjectRefDoc struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiProjectLeadDoc struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
}

type apiProjectCallDoc struct {
	ID        int64  `json:"id"`
	Reference string `json:"reference"`
	Title     string `json:"title"`
}

type apiProjectCodeDoc struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// apiProjectDoc is a funded project as the API shows it: what the public
// may know of it, nothing more.
type apiProjectDoc struct {
	ID           int64                  `json:"id"`
	Title        string                 `json:"title"`
	TitleLang    string                 `json:"title_lang"`
	Summary      string                 `json:"summary"`
	Lead         apiProjectLeadDoc      `json:"lead"`
	Partners     []apiProjectPartnerDoc `json:"partners"`
	Call         apiProjectCallDoc      `json:"call"`
	Programme    apiProjectRefDoc       `json:"programme"`
	Themes       []apiProjectCodeDoc    `json:"themes"`
	Countries    []apiProjectCodeDoc    `json:"countries"`
	GrantedCents int64                  `json:"granted_cents"`
	Granted      string                 `json:"granted"`
	Year         int                    `json:"year"`
	DecidedAt    time.Time              `json:"decided_at"`
}

func newAPIProjectDoc(p *coopdec.PublicProject, lang string) apiProjectDoc {
	text, tl := p.Text(lang)
	doc := apiProjectDoc{ID: p.ApplicationID, Title: text.Title, TitleLang: tl, Summary: text.Summary,
		Lead:     apiProjectLeadDoc{ID: p.LeadID, Name: p.LeadName, RegionCode: p.RegionCode},
		Partners: []apiProjectPartnerDoc{}, Call: apiProjectCallDoc{ID: p.CallID, Reference: p.CallReference, Title: p.CallTitle(lang)},
		Programme: apiProjectRefDoc{ID: p.ProgrammeID, Name: p.ProgrammeName(lang)}, Themes: []apiProjectCodeDoc{},
		Countries: []apiProjectCodeDoc{}, GrantedCents: p.GrantedCents, Granted: coopdec.FormatEuroCents(lang, p.GrantedCents),
		Year: p.Year, DecidedAt: p.DecidedAt.UTC()}
	if p.RegionCode != "" {
		doc.Lead.RegionName = coopdec.RegionName(p.RegionCode)
	}
	for _, pt := range p.Partners {
		doc.Partners = append(doc.Partners, apiProjectPartnerDoc{Name: pt.Name, Kind: string(pt.Kind), Role: string(pt.Role),
			Country: pt.Country, CountryName: coopdec.Country{Code: pt.Country}.Name(lang)})
	}
	for _, code := range p.Themes {
		name := code
		if t, ok := coopdec.ThemeByCode(code); ok {
			name = t.Name(lang)
		}
		doc.Themes = append(doc.Themes, apiProjectCodeDoc{Code: code, Name: name})
	}
	for _, c := range p.Countries {
		doc.Countries = append(doc.Countries, apiProjectCodeDoc{Code: c, Name: coopdec.Country{Code: c}.Name(lang)})
	}
	return doc
}

func (s *Server) apiProjectList(w http.ResponseWriter, r *http.Request) {
	lang, err := apiQueryLang(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, page, err := parseProjectSearch(r.URL.Query())
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, page, err := s.db.SearchProjects(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiProjectDoc, 0, len(list))
	for i := range list {
		docs = append(docs, newAPIProjectDoc(&list[i], lang))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

func (s *Server) apiProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.publicProject(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang, err := apiQueryLang(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIProjectDoc(p, lang))
}
