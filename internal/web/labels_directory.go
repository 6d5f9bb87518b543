package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The public directory of labelled expertise: the labels granted and still
// valid, searched in the database without regard to accents
// (sqldb.SearchLabelDirectory) with facets, as pages (/expertise) and as
// GET /api/v1/labels. A search is its URL, so it can be shared.

// labelQueryFrom reads the search from a query string.
func labelQueryFrom(q url.Values) (coopdec.LabelQuery, error) {
	lq := coopdec.LabelQuery{Text: q.Get("q"), Theme: q.Get("theme"), Region: q.Get("region"), Language: q.Get("language"), Country: q.Get("country")}
	return lq, lq.Validate()
}

// searchLabels runs lq over the valid labels in the database and returns
// the page asked, its total and the facets' counts.
func (s *Server) searchLabels(r *http.Request, lq coopdec.LabelQuery, page coopdec.Page) ([]sqldb.LabelListing, coopdec.Page, coopdec.LabelFacets, error) {
	return s.db.SearchLabelDirectory(r.Context(), lq, page)
}

type apiFacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type apiLabelFacets struct {
	Themes    []apiFacetCount `json:"themes"`
	Regions   []apiFacetCount `json:"regions"`
	Languages []apiFacetCount `json:"languages"`
	Countries []apiFacetCount `json:"countries"`
}

func newAPIFacets(f coopdec.LabelFacets) apiLabelFacets {
	conv := func(list []coopdec.FacetCount) []apiFacetCount {
		out := make([]apiFacetCount, 0, len(list))
		for _, c := range list {
			out = append(out, apiFacetCount{c.Value, c.Count})
		}
		return out
	}
	return apiLabelFacets{conv(f.Themes), conv(f.Regions), conv(f.Languages), conv(f.Countries)}
}

type apiLabelEntry struct {
	OrganisationID   int64    `json:"organisation_id"`
	OrganisationName string   `json:"organisation_name"`
	RegionCode       string   `json:"region_code"`
	Number           string   `json:"number"`
	ExpiresAt        string   `json:"expires_at"`
	Themes           []string `json:"themes"`
	Languages        []string `json:"languages"`
	Countries        []string `json:"countries"`
	Description      string   `json:"description"`
}

type apiLabelDirectory struct {
	Items   []apiLabelEntry `json:"items"`
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	PerPage int             `json:"per_page"`
	Facets  apiLabelFacets  `json:"facets"`
}

func (s *Server) apiLabelDirectory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs coopdec.Errors
	page := apiPageQuery(q, &errs)
	lq, err := labelQueryFrom(q)
	if err != nil {
		errs = append(errs, asErrors(err)...)
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	list, page, facets, err := s.searchLabels(r, lq, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	doc := apiLabelDirectory{Items: []apiLabelEntry{}, Total: page.Total, Page: page.Page, PerPage: page.PerPage, Facets: newAPIFacets(facets)}
	for _, l := range list {
		doc.Items = append(doc.Items, apiLabelEntry{OrganisationID: l.OrganisationID, OrganisationName: l.OrganisationName,
			RegionCode: l.RegionCode, Number: l.Number, ExpiresAt: apiTime(l.ExpiresAt), Themes: orEmpty(l.Themes),
			Languages: orEmpty(l.Languages), Countries: orEmpty(l.Countries), Description: l.Competencies.Description})
	}
	writeJSON(w, http.StatusOK, doc)
}

// expertiseData is what the directory's page shows.
type expertiseData struct {
	labelPageData
	Items  []sqldb.LabelListing
	Pager  *pager
	Facets coopdec.LabelFacets
}

// RegionName names a région by its INSEE code.
func (expertiseData) RegionName(code string) string { return coopdec.RegionName(code) }

// ThemeLabel names a theme by its code in the reader's language.
func (d expertiseData) ThemeLabel(code string) string {
	if th, ok := coopdec.ThemeByCode(code); ok {
		return th.Name(d.lang)
	}
	return code
}

// FacetOptions draws the options of a facet's select, the one of value
// cur selected, as the template drew them: a facet lists up to every
// country, and drawn by the template they were a third of the page's time.
func (d expertiseData) FacetOptions(kind, cur string) template.HTML {
	var list []coopdec.FacetCount
	var name func(string) string
	switch kind {
	case "theme":
		list, name = d.Facets.Themes, d.ThemeLabel
	case "region":
		list, name = d.Facets.Regions, d.RegionName
	case "language":
		list, name = d.Facets.Languages, d.LanguageName
	case "country":
		list, name = d.Facets.Countries, d.CountryName
	}
	opts := make([]aplOption, len(list))
	for i, f := range list {
		opts[i] = aplOptionOf(f.Value, name(f.Value)+" ("+strconv.Itoa(f.Count)+")")
	}
	return aplDrawOptions(opts, cur)
}

func (s *Server) expertisePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &expertiseData{labelPageData: labelPageData{refData: refData{info(r).lang}}}
	v := s.newView(r, "label.directory.title", d)
	v.Form = q
	lq, err := labelQueryFrom(q)
	if err != nil {
		for _, e := range asErrors(err) {
			v.addError(e)
		}
		d.Pager = newPager(r, coopdec.NewPage(1, 20))
		s.render(w, r, http.StatusUnprocessableEntity, "label_directory", v)
		return
	}
	list, page, facets, err := s.searchLabels(r, lq, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Items, d.Pager, d.Facets = list, newPager(r, page), facets
	s.render(w, r, http.StatusOK, "label_directory", v)
}

func (s *Server) expertiseProfile(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "label.directory.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.db.ValidLabelsOf(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &expertiseData{labelPageData: labelPageData{refData: refData{info(r).lang}}, Items: list}
	s.render(w, r, http.StatusOK, "label_profile", s.newView(r, "label.directory.profile", d))
}
