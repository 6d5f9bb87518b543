package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Saved searches: a person keeps a search of calls and receives a daily
// digest of the new calls matching it (internal/jobs), with a one-click
// unsubscribe link per search.

// savedSearchKeys are the query parameters a saved search keeps: the
// filters and the order, not the page.
var savedSearchKeys = []string{"q", "theme", "country", "lead_type", "programme", "organisation",
	"status", "deadline_from", "deadline_to", "sort"}

// normalizeSavedQuery validates a search's query string as the call search
// reads it and returns it in one canonical form (known keys only, trimmed,
// sorted), with the search it stands for. Errors name the query parameter
// at fault, prefixed with "query.".
func normalizeSavedQuery(raw string) (string, callSearch, error) {
	raw = strings.TrimPrefix(strings.TrimSpace(raw), "?")
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", callSearch{}, coopdec.FieldError("query", "saved.query.invalid")
	}
	keep := url.Values{}
	for _, k := range savedSearchKeys {
		for _, v := range q[k] {
			if v = strings.TrimSpace(v); v != "" {
				keep.Add(k, v)
			}
		}
	}
	cs, err := parseCallSearch(keep)
	if err != nil {
		var list coopdec.Errors
		if errors.As(err, &list) {
			for i, e := range list {
				c := *e
				c.Field = "query." + c.Field
				list[i] = &c
			}
			return "", cs, list.Err()
		}
		return "", cs, err
	}
	return keep.Encode(), cs, nil
}

// SavedSearchFilter reads a saved search's query string into the filter the
// call search uses, for the digest job (jobs.DigestOptions.Filter).
func SavedSearchFilter(query string) (sqldb.CallFilter, error) {
	_, cs, err := normalizeSavedQuery(query)
	return cs.Filter, err
}

// savedItem is a saved search as the list page and the API show it.
type savedItem struct {
	sqldb.SavedSearch
	Filters []string // the search in words
	Invalid bool     // its query no longer reads (a theme was withdrawn…)
}

// Link runs the search on the calls page. A plain string: html/template
// keeps a query's = and & in an href and escapes what must be.
func (it savedItem) Link() string { return "/appels?" + it.Query }

func (s *Server) savedItems(ctx context.Context, lang string, list []sqldb.SavedSearch) ([]savedItem, error) {
	progs, err := s.db.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]savedItem, len(list))
	for i, ss := range list {
		out[i].SavedSearch = ss
		_, cs, err := normalizeSavedQuery(ss.Query)
		if err != nil {
			out[i].Invalid = true
		}
		out[i].Filters = s.describeSearch(ctx, lang, cs, progs)
	}
	return out, nil
}

// describeSearch says in words what a search selects, one filter a line.
func (s *Server) describeSearch(ctx context.Context, lang string, cs callSearch, progs []coopdec.Programme) []string {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	f := cs.Filter
	var out []string
	if f.Query != "" {
		out = append(out, t("saved.filter.q", f.Query))
	}
	if len(f.Themes) > 0 {
		names := make([]string, len(f.Themes))
		for i, code := range f.Themes {
			th, _ := coopdec.ThemeByCode(code)
			names[i] = th.Name(lang)
		}
		out = append(out, t("saved.filter.themes", strings.Join(names, ", ")))
	}
	if f.Country != "" {
		c, _ := coopdec.CountryByCode(f.Country)
		out = append(out, t("saved.filter.country", c.Name(lang)))
	}
	if f.LeadType != "" {
		out = append(out, t("saved.filter.lead_type", t("orgs.authority_type."+string(f.LeadType))))
	}
	if f.ProgrammeID != 0 {
		name := "#" + strconv.FormatInt(f.ProgrammeID, 10)
		for _, p := range progs {
			if p.ID == f.ProgrammeID {
				name = p.Name(lang)
			}
		}
		out = append(out, t("saved.filter.programme", name))
	}
	if f.OrganisationID != 0 {
		name := "#" + strconv.FormatInt(f.OrganisationID, 10)
		if o, err := s.db.Organisation(ctx, f.OrganisationID); err == nil {
			name = o.Name
		}
		out = append(out, t("saved.filter.organisation", name))
	}
	var statuses []string
	for _, st := range cs.Query["status"] {
		switch st = strings.TrimSpace(st); st {
		case searchForecast, searchOpen, searchClosed:
			statuses = append(statuses, t("saved.status."+st))
		}
	}
	if len(statuses) > 0 {
		out = append(out, t("saved.filter.status", strings.Join(statuses, ", ")))
	}
	day := func(name string) string {
		d, err := time.Parse("2006-01-02", strings.TrimSpace(cs.Query.Get(name)))
		if err != nil {
			return ""
		}
		return d.Format("02/01/2006")
	}
	if !f.DeadlineFrom.IsZero() {
		out = append(out, t("saved.filter.deadline_from", day("deadline_from")))
	}
	if !f.DeadlineTo.IsZero() {
		out = append(out, t("saved.filter.deadline_to", day("deadline_to")))
	}
	if len(out) == 0 {
		out = append(out, t("saved.filter.all"))
	}
	return out
}

// savedListPage is what saved_list.html shows.
type savedListPage struct {
	Items []savedItem
	Max   int
}

// savedList shows the reader's saved searches.
func (s *Server) savedList(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "saved.title", nil)
	switch r.URL.Query().Get("ok") {
	case "saved":
		v.Flash = v.T("saved.created")
	case "deleted":
		v.Flash = v.T("saved.deleted")
	}
	s.renderSavedList(w, r, http.StatusOK, v)
}

func (s *Server) renderSavedList(w http.ResponseWriter, r *http.Request, status int, v *view) {
	list, err := s.db.SavedSearches(r.Context(), currentUser(r).ID)
	var items []savedItem
	if err == nil {
		items, err = s.savedItems(r.Context(), v.Lang, list)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Data = savedListPage{Items: items, Max: sqldb.MaxSavedSearches}
	s.render(w, r, status, "saved_list", v)
}

// savedCreate saves the search posted by the "Save this search" form of
// /appels: name, and query, the search's query string.
func (s *Server) savedCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "saved.form.invalid"))
		return
	}
	u := currentUser(r)
	ss := &sqldb.SavedSearch{UserID: u.ID, Name: r.PostFormValue("name")}
	query, _, err := normalizeSavedQuery(r.PostFormValue("query"))
	if err == nil {
		ss.Query = query
		err = s.db.CreateSavedSearch(r.Context(), ss, actor(r))
	}
	if err != nil {
		code := coopdec.ErrorCode(err)
		if code != coopdec.EINVALID && code != coopdec.ECONFLICT {
			s.error(w, r, err)
			return
		}
		v := s.newView(r, "saved.title", nil)
		v.Form = r.PostForm
		v.addError(err)
		s.renderSavedList(w, r, statusOf(code), v)
		return
	}
	http.Redirect(w, r, "/recherches?ok=saved", http.StatusSeeOther)
}

// savedPost serves POST /recherches/{id}/suppression and POST
// /recherches/desinscription/{token} from one route: as two patterns they
// would overlap (/recherches/desinscription/suppression), which ServeMux
// refuses.
func (s *Server) savedPost(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.PathValue("a") == "desinscription":
		s.savedUnsubscribe(w, r, r.PathValue("b"))
	case r.PathValue("b") == "suppression":
		s.requireUser(s.savedDelete)(w, r)
	default:
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "error.not_found"))
	}
}

func (s *Server) savedDelete(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "a", "saved.not_found")
	if err == nil {
		err = s.db.DeleteSavedSearch(r.Context(), currentUser(r).ID, id, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/recherches?ok=deleted", http.StatusSeeOther)
}

// savedUnsubscribePage is what saved_unsubscribe.html shows.
type savedUnsubscribePage struct {
	Token string
	Name  string
	Done  bool // the digest of this search is stopped
}

// savedUnsubscribeForm shows the one button of an unsubscribe link: a GET
// changes nothing, since mail scanners follow links.
func (s *Server) savedUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ss, err := s.db.SavedSearchByUnsubscribeToken(r.Context(), token)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	v := s.newView(r, "saved.unsubscribe.title",
		savedUnsubscribePage{Token: token, Name: ss.Name, Done: ss.UnsubscribedAt != nil})
	s.render(w, r, http.StatusOK, "saved_unsubscribe", v)
}

// savedUnsubscribe stops the digest of the link's search; no login needed,
// the link is the proof. A second click confirms again.
func (s *Server) savedUnsubscribe(w http.ResponseWriter, r *http.Request, token string) {
	ss, err := s.db.UnsubscribeSavedSearch(r.Context(), token, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	v := s.newView(r, "saved.unsubscribe.title", savedUnsubscribePage{Token: token, Name: ss.Name, Done: true})
	s.render(w, r, http.StatusOK, "saved_unsubscribe", v)
}
