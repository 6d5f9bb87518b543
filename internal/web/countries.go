package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// countryRoutes registers the country pages: embassies' bilateral priorities seen with local authorities' work.
func (s *Server) countryRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pays", s.countryList)
	mux.HandleFunc("GET /pays/{code}", s.countryShow)
	mux.HandleFunc("GET /ambassade/priorites", s.requireUser(s.countryPrioritiesForm))
	mux.HandleFunc("POST /ambassade/priorites", s.requireUser(s.countryPrioritiesSave))
	mux.HandleFunc("GET /api/v1/countries/{code}/synergies", s.apiCountrySynergies)
	mux.HandleFunc("PUT /api/v1/countries/{code}/priorities", s.requireUser(s.apiCountryPrioritiesPut))
}

// countryOf reads a country code from a path or form; an unknown one names
// nothing.
func countryOf(code string) (coopdec.Country, error) {
	c, ok := coopdec.CountryByCode(code)
	if !ok {
		return coopdec.Country{}, coopdec.Errorf(coopdec.ENOTFOUND, "country_priorities.country.not_found")
	}
	return c, nil
}

// countryWork is what is known of a country: its embassy's priorities, the
// projects funded there, the labelled authorities' experience and the
// missions, and the highlights drawn from them.
type countryWork struct {
	Priorities *coopdec.CountryPriorities
	Projects   []sqldb.FundedProject
	Experience []coopdec.AuthorityWork
	Missions   []coopdec.AuthorityWork
	Synergies  coopdec.Synergies
}

// countryExperience lists the authorities holding a valid label whose
// references include work in the country, by name, with the titles of
// those references and their label's themes.
func (s *Server) countryExperience(ctx context.Context, code string) ([]coopdec.AuthorityWork, error) {
	list, err := s.db.LabelledExperienceIn(ctx, s.db.Now(), code)
	if err != nil {
		return nil, err
	}
	out := make([]coopdec.AuthorityWork, 0, len(list))
	for _, x := range list {
		out = append(out, coopdec.AuthorityWork{OrganisationID: x.OrganisationID, Name: x.Name,
			Title: strings.Join(x.Titles, " ; "), Themes: x.Themes})
	}
	return out, nil
}

// countryMissions lists the expertise missions in the country that the
// public may see (coopdec.PublicMission): those that went to an authority,
// newest first, with the authority, the partner institution as title and
// the themes. Requests still open or cancelled, the need, the budget and
// the replies stay with the ministry and the embassies.
func (s *Server) countryMissions(ctx context.Context, code string) ([]coopdec.AuthorityWork, error) {
	list, err := s.db.PublicMissionsIn(ctx, code)
	if err != nil {
		return nil, err
	}
	out := make([]coopdec.AuthorityWork, 0, len(list))
	for _, m := range list {
		out = append(out, coopdec.AuthorityWork{OrganisationID: m.AuthorityID, Name: m.AuthorityName, Title: m.PartnerName,
			Themes: m.Themes})
	}
	return out, nil
}

func (s *Server) loadCountryWork(ctx context.Context, code string) (*countryWork, error) {
	cw := &countryWork{}
	var err error
	if cw.Priorities, err = s.db.CountryPriorities(ctx, code); err != nil {
		return nil, err
	}
	if cw.Projects, err = s.db.FundedProjects(ctx, code); err != nil {
		return nil, err
	}
	if cw.Experience, err = s.countryExperience(ctx, code); err != nil {
		return nil, err
	}
	if cw.Missions, err = s.countryMissions(ctx, code); err != nil {
		return nil, err
	}
	in := coopdec.SynergyInput{Priorities: cw.Priorities.Priorities, Experience: cw.Experience, Missions: cw.Missions}
	for _, p := range cw.Projects {
		title, _ := p.Title("fr")
		in.Projects = append(in.Projects, coopdec.AuthorityWork{OrganisationID: p.LeadID, Name: p.LeadName, Title: title, Themes: p.Themes})
	}
	cw.Synergies = coopdec.AnalyseSynergies(in)
	return cw, nil
}

// pageSlice cuts the page p of list, setting p.Total.
func pageSlice[T any](list []T, p *coopdec.Page) []T {
	p.Total = len(list)
	from := min(p.Offset(), len(list))
	return list[from:min(from+p.PerPage, len(list))]
}

// userEmbassies reads the embassies u is staff of.
func (s *Server) userEmbassies(ctx context.Context, u *coopdec.User) ([]coopdec.Organisation, error) {
	var out []coopdec.Organisation
	for _, id := range coopdec.EmbassiesOf(u) {
		o, err := s.db.Organisation(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// mayEditCountry tells whether the reader may edit country's priorities.
func (s *Server) mayEditCountry(r *http.Request, country string) (bool, error) {
	u := currentUser(r)
	if u == nil {
		return false, nil
	}
	embassies, err := s.userEmbassies(r.Context(), u)
	if err != nil {
		return false, err
	}
	return coopdec.CanEditCountryPriorities(u, country, embassies), nil
}

// The public pages.

type countryListRow struct {
	Code, Name           string
	Priorities, Projects int
}

type countryListData struct {
	refData
	Rows  []countryListRow
	Query string
}

func (s *Server) countryList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := info(r).lang
	prios, err := s.db.PriorityCounts(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	funded, err := s.db.FundedCounts(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &countryListData{refData: refData{lang}, Query: q}
	fq := coopdec.Fold(q)
	for _, c := range coopdec.SortedCountries(lang) {
		if prios[c.Code] == 0 && funded[c.Code] == 0 {
			continue
		}
		name := c.Name(lang)
		if fq != "" && !strings.Contains(coopdec.Fold(name), fq) && !strings.EqualFold(q, c.Code) {
			continue
		}
		d.Rows = append(d.Rows, countryListRow{Code: c.Code, Name: name, Priorities: prios[c.Code], Projects: funded[c.Code]})
	}
	v := s.newView(r, "country.list.title", d)
	v.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "country_list", v)
}

// priorityRow is a priority as pages show it.
type priorityRow struct {
	Rank      int
	Theme     string
	ThemeName string
	Text      string
	TextLang  string
}

func priorityRows(ps []coopdec.CountryPriority, lang string) []priorityRow {
	out := make([]priorityRow, 0, len(ps))
	for _, p := range ps {
		row := priorityRow{Rank: p.Rank, Theme: p.Theme, ThemeName: themeLabel(p.Theme, lang)}
		row.Text, row.TextLang = p.Text(lang)
		out = append(out, row)
	}
	return out
}

func themeLabel(code, lang string) string {
	if t, ok := coopdec.ThemeByCode(code); ok {
		return t.Name(lang)
	}
	return code
}

func themeList(codes []string, lang string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = themeLabel(c, lang)
	}
	return strings.Join(names, ", ")
}

// projectRow is a funded project as the country page lists it.
type projectRow struct {
	ID                  int64
	Title, TitleLang    string
	Lead                string
	Partners            string
	Themes              string
	CallID              int64
	CallRef             string
	CallTitle, CallLang string
	Granted             string
	Decided             instant
}

// workRow is a local authority's work as the highlights show it.
type workRow struct {
	Kind   coopdec.WorkKind
	Name   string
	Title  string
	Themes string
}

func workRows(ws []coopdec.KindedWork, lang string) []workRow {
	out := make([]workRow, 0, len(ws))
	for _, w := range ws {
		out = append(out, workRow{Kind: w.Kind, Name: w.Name, Title: w.Title, Themes: themeList(w.Themes, lang)})
	}
	return out
}

func kinded(kind coopdec.WorkKind, ws []coopdec.AuthorityWork) []coopdec.KindedWork {
	out := make([]coopdec.KindedWork, len(ws))
	for i, w := range ws {
		out[i] = coopdec.KindedWork{Kind: kind, AuthorityWork: w}
	}
	return out
}

type countryShowData struct {
	refData
	Code, Name string
	Priorities []priorityRow
	Version    int
	UpdatedAt  instant
	Projects   []projectRow
	Pager      *pager
	Uncovered  []priorityRow
	Outside    []workRow
	Experience []workRow // labelled authorities with experience here
	Missions   []workRow
	CanEdit    bool
}

func (s *Server) countryShow(w http.ResponseWriter, r *http.Request) {
	c, err := countryOf(r.PathValue("code"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	if r.PathValue("code") != c.Code {
		http.Redirect(w, r, "/pays/"+c.Code, http.StatusMovedPermanently)
		return
	}
	ctx := r.Context()
	lang := info(r).lang
	cw, err := s.loadCountryWork(ctx, c.Code)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &countryShowData{refData: refData{lang}, Code: c.Code, Name: c.Name(lang),
		Priorities: priorityRows(cw.Priorities.Priorities, lang), Version: cw.Priorities.Version,
		UpdatedAt: newInstant(cw.Priorities.UpdatedAt), Uncovered: priorityRows(cw.Synergies.Uncovered, lang),
		Outside: workRows(cw.Synergies.Outside, lang), Experience: workRows(kinded(coopdec.WorkExperience, cw.Experience), lang),
		Missions: workRows(kinded(coopdec.WorkMission, cw.Missions), lang)}
	if d.CanEdit, err = s.mayEditCountry(r, c.Code); err != nil {
		s.error(w, r, err)
		return
	}
	page := pageParam(r)
	for _, p := range pageSlice(cw.Projects, &page) {
		d.Projects = append(d.Projects, projectRowOf(&p, lang))
	}
	d.Pager = newPager(r, page)
	v := s.newView(r, "", d)
	v.Title = d.Name
	if r.URL.Query().Get("enregistre") == "1" {
		v.Flash = v.T("country.priorities.saved")
	}
	s.render(w, r, http.StatusOK, "country_show", v)
}

func projectRowOf(p *sqldb.FundedProject, lang string) projectRow {
	row := projectRow{ID: p.ApplicationID, Lead: p.LeadName, Themes: themeList(p.Themes, lang), CallID: p.CallID,
		CallRef: p.CallReference, Granted: coopdec.FormatEuroCents(lang, p.GrantedCents), Decided: newInstant(p.PublishedAt)}
	row.Title, row.TitleLang = p.Title(lang)
	row.CallTitle, row.CallLang = p.CallTitle(lang)
	var partners []string
	for _, pa := range p.Partners {
		partners = append(partners, pa.Name)
	}
	row.Partners = strings.Join(partners, ", ")
	return row
}

// The embassy's form.

// priorityFormRows is how many rows the form offers beyond those filled:
// enough to add several priorities without JavaScript.
const priorityFormRows = 3

type priorityInput struct {
	N     int // 1-based row number, naming the fields
	Theme string
	Texts map[string]string
}

type countryPrioritiesData struct {
	refData
	Code, Name string
	Version    int
	Rows       []priorityInput
	Themes     []coopdec.Theme
	Langs      []string
	Choose     bool // an officer with no country chosen yet
}

// priorityCountry finds whose priorities the reader edits: the country
// asked for, else the reader's embassy's. An officer who asks for none
// chooses one ("", nil).
func (s *Server) priorityCountry(r *http.Request, code string) (coopdec.Country, error) {
	u := currentUser(r)
	embassies, err := s.userEmbassies(r.Context(), u)
	if err != nil {
		return coopdec.Country{}, err
	}
	if strings.TrimSpace(code) == "" {
		if len(embassies) > 0 {
			code = embassies[0].Country
		} else if u.HasRole(coopdec.RoleOfficer) {
			return coopdec.Country{}, nil
		} else {
			return coopdec.Country{}, coopdec.Errorf(coopdec.EFORBIDDEN, "country_priorities.forbidden")
		}
	}
	c, err := countryOf(code)
	if err != nil {
		return c, err
	}
	if !coopdec.CanEditCountryPriorities(u, c.Code, embassies) {
		return c, coopdec.Errorf(coopdec.EFORBIDDEN, "country_priorities.forbidden")
	}
	return c, nil
}

func (s *Server) priorityFormView(r *http.Request, c coopdec.Country, version int, ps []coopdec.CountryPriority) *view {
	lang := info(r).lang
	d := &countryPrioritiesData{refData: refData{lang}, Code: c.Code, Name: c.Name(lang), Version: version,
		Themes: coopdec.Themes(), Langs: coopdec.Languages, Choose: c.Code == ""}
	n := min(len(ps)+priorityFormRows, coopdec.CountryPrioritiesMax)
	n = max(n, len(ps))
	for i := range n {
		in := priorityInput{N: i + 1, Texts: map[string]string{}}
		if i < len(ps) {
			in.Theme, in.Texts = ps[i].Theme, ps[i].Texts
		}
		d.Rows = append(d.Rows, in)
	}
	return s.newView(r, "country.priorities.title", d)
}

func (s *Server) countryPrioritiesForm(w http.ResponseWriter, r *http.Request) {
	c, err := s.priorityCountry(r, r.URL.Query().Get("pays"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	cp := &coopdec.CountryPriorities{}
	if c.Code != "" {
		if cp, err = s.db.CountryPriorities(r.Context(), c.Code); err != nil {
			s.error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "country_priorities", s.priorityFormView(r, c, cp.Version, cp.Priorities))
}

// prioritiesFromForm reads the form's rows, skipping empty ones, in the
// order their "order" fields give (their row order by default).
func prioritiesFromForm(form url.Values) []coopdec.CountryPriority {
	type ordered struct {
		order int
		p     coopdec.CountryPriority
	}
	var list []ordered
	for i := 1; i <= coopdec.CountryPrioritiesMax*2; i++ {
		prefix := "priorities." + strconv.Itoa(i) + "."
		p := coopdec.CountryPriority{Theme: form.Get(prefix + "theme"), Texts: map[string]string{}}
		for _, l := range coopdec.Languages {
			p.Texts[l] = form.Get(prefix + l)
		}
		if p.Blank() {
			continue
		}
		order, err := strconv.Atoi(strings.TrimSpace(form.Get(prefix + "order")))
		if err != nil {
			order = i
		}
		list = append(list, ordered{order, p})
	}
	sort.SliceStable(list, func(a, b int) bool { return list[a].order < list[b].order })
	out := make([]coopdec.CountryPriority, len(list))
	for i, o := range list {
		out[i] = o.p
	}
	return out
}

func (s *Server) countryPrioritiesSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	c, err := s.priorityCountry(r, r.PostForm.Get("country"))
	if err != nil || c.Code == "" {
		if err == nil {
			err = coopdec.Errorf(coopdec.ENOTFOUND, "country_priorities.country.not_found")
		}
		s.error(w, r, err)
		return
	}
	base, _ := strconv.Atoi(r.PostForm.Get("version"))
	cp := &coopdec.CountryPriorities{Country: c.Code, Priorities: prioritiesFromForm(r.PostForm)}
	if err := s.db.SaveCountryPriorities(r.Context(), cp, base, actor(r)); err != nil {
		if code := coopdec.ErrorCode(err); code != coopdec.EINVALID && code != coopdec.ECONFLICT {
			s.error(w, r, err)
			return
		}
		// Re-shown as typed, with the version it was made from, so that
		// nothing is lost; a stale form says so and keeps its text.
		if coopdec.ErrorCode(err) == coopdec.ECONFLICT {
			if cur, cerr := s.db.CountryPriorities(r.Context(), c.Code); cerr == nil {
				base = cur.Version
			}
		}
		v := s.priorityFormView(r, c, base, cp.Priorities)
		v.addError(err)
		s.render(w, r, statusOf(coopdec.ErrorCode(err)), "country_priorities", v)
		return
	}
	http.Redirect(w, r, "/pays/"+c.Code+"?enregistre=1", http.StatusSeeOther)
}

// ThemeSelected helps the template mark a row's theme.
func (p priorityInput) ThemeSelected(code string) bool { return p.Theme == code }

// Text returns the row's text in lang.
func (p priorityInput) Text(lang string) string { return p.Texts[lang] }

// Field names one of the row's controls.
func (p priorityInput) Field(part string) string {
	return "priorities." + strconv.Itoa(p.N) + "." + part
}

// Required tells whether lang's text is required.
func (d *countryPrioritiesData) Required(lang string) bool { return lang == "fr" }
