package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// Organisations and reference data.

// apiOrgDoc is the public part of an organisation.
type apiOrgDoc struct {
	ID            int64   `json:"id"`
	Kind          string  `json:"kind"`
	Name          string  `json:"name"`
	Country       string  `json:"country"`
	CountryName   string  `json:"country_name"`
	AuthorityType *string `json:"authority_type"`
	SIREN         *string `json:"siren"`
	TerritoryCode *string `json:"territory_code"`
	RegionCode    *string `json:"region_code"`
	LocalID       *string `json:"local_id"`
	Website       *string `json:"website"`
}

func apiOrgOf(o *coopdec.Organisation, lang string) apiOrgDoc {
	return apiOrgDoc{ID: o.ID, Kind: string(o.Kind), Name: o.Name, Country: o.Country,
		CountryName: coopdec.Country{Code: o.Country}.Name(lang), AuthorityType: apiOptional(string(o.AuthorityType)),
		SIREN: apiOptional(o.SIREN), TerritoryCode: apiOptional(o.TerritoryCode), RegionCode: apiOptional(o.RegionCode),
		LocalID: apiOptional(o.LocalID), Website: apiOptional(o.Website)}
}

func apiOrgKindNames() string {
	names := make([]string, len(coopdec.OrgKinds))
	for i, k := range coopdec.OrgKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (s *Server) apiOrgList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs coopdec.Errors
	f := coopdec.OrgFilter{Query: strings.TrimSpace(q.Get("q"))}
	if v := q.Get("type"); v != "" {
		if f.Kind = coopdec.OrgKind(v); !f.Kind.Valid() {
			errs = append(errs, coopdec.FieldError("type", "api.query.type.invalid", v, apiOrgKindNames()))
		}
	}
	if v := q.Get("country"); v != "" {
		c, ok := coopdec.CountryByCode(v)
		if !ok {
			errs = append(errs, coopdec.FieldError("country", "api.query.country.invalid", v))
		}
		f.Country = c.Code
	}
	page := apiPageQuery(q, &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	orgs, page, err := s.db.SearchOrganisations(r.Context(), f, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	docs := make([]apiOrgDoc, 0, len(orgs))
	for i := range orgs {
		docs = append(docs, apiOrgOf(&orgs[i], lang))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "org.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	o, err := s.db.Organisation(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiOrgOf(o, info(r).lang))
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanCreateOrganisation(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	var req struct {
		Kind          string `json:"kind"`
		Name          string `json:"name"`
		Country       string `json:"country"`
		AuthorityType string `json:"authority_type"`
		SIREN         string `json:"siren"`
		TerritoryCode string `json:"territory_code"`
		RegionCode    string `json:"region_code"`
		LocalID       string `json:"local_id"`
		Website       string `json:"website"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	o := &coopdec.Organisation{Kind: coopdec.OrgKind(req.Kind), Name: req.Name, Country: req.Country,
		AuthorityType: coopdec.AuthorityType(req.AuthorityType), SIREN: req.SIREN, TerritoryCode: strings.TrimSpace(req.TerritoryCode),
		RegionCode: strings.TrimSpace(req.RegionCode), LocalID: req.LocalID, Website: strings.TrimSpace(req.Website)}
	if err := s.db.CreateOrganisation(r.Context(), o, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/organisations/"+strconv.FormatInt(o.ID, 10))
	writeJSON(w, http.StatusCreated, apiOrgOf(o, info(r).lang))
}

type apiMemberDoc struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Role   string `json:"role"`
}

func (s *Server) apiOrgMembers(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "org.not_found")
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !coopdec.CanViewOrganisationPrivate(currentUser(r), id) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if _, err := s.db.Organisation(r.Context(), id); err != nil {
		s.error(w, r, err)
		return
	}
	members, err := s.db.OrganisationMembers(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiMemberDoc, 0, len(members))
	for _, m := range members {
		docs = append(docs, apiMemberDoc{UserID: m.UserID, Name: m.Name, Email: m.Email, Role: string(m.Role)})
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

// Territories of the French referential, for type-ahead (coopdec.js reads
// these field names).

type apiTerritoryDoc struct {
	Kind        string   `json:"kind"`
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	SIREN       *string  `json:"siren"`
	Population  *int64   `json:"population"`
	Postcodes   []string `json:"postcodes"`
	Region      *string  `json:"region"`
	Departement *string  `json:"departement"`
	KindLabel   string   `json:"kind_label"`
}

const apiMaxTerritories = 50

func (s *Server) apiTerritories(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs coopdec.Errors
	var kinds []coopdec.TerritoryKind
	for _, v := range q["kind"] {
		for _, k := range strings.Split(v, ",") {
			k = strings.TrimSpace(k)
			if k == "" {
				continue
			}
			found := false
			for _, known := range coopdec.TerritoryKinds {
				if string(known) == k {
					// Each kind once: a long list must not grow the query.
					if !slices.Contains(kinds, known) {
						kinds = append(kinds, known)
					}
					found = true
				}
			}
			if !found {
				errs = append(errs, coopdec.FieldError("kind", "api.query.kind.invalid", k, "region, departement, epci, commune"))
			}
		}
	}
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxTerritories {
			errs = append(errs, coopdec.FieldError("limit", "api.query.limit.invalid", apiMaxTerritories))
		} else {
			limit = n
		}
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	ts, err := s.db.SearchTerritories(r.Context(), q.Get("q"), kinds, limit)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	docs := make([]apiTerritoryDoc, 0, len(ts))
	for _, t := range ts {
		d := apiTerritoryDoc{Kind: string(t.Kind), Code: t.Code, Name: t.Name, SIREN: apiOptional(t.SIREN), Postcodes: t.Postcodes,
			Region: apiOptional(t.Region), Departement: apiOptional(t.Department), KindLabel: s.cat.T(lang, "territory.kind."+string(t.Kind))}
		if t.Population > 0 {
			d.Population = &t.Population
		}
		if d.Postcodes == nil {
			d.Postcodes = []string{}
		}
		docs = append(docs, d)
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

type apiCountryDoc struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type apiCountryGroupDoc struct {
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Countries []apiCountryDoc `json:"countries"`
}

type apiCountriesDoc struct {
	Items  []apiCountryDoc      `json:"items"`
	Groups []apiCountryGroupDoc `json:"groups"`
}

func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request) {
	lang, err := apiQueryLang(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	sorted := coopdec.SortedCountries(lang)
	d := apiCountriesDoc{Items: make([]apiCountryDoc, 0, len(sorted)), Groups: []apiCountryGroupDoc{}}
	for _, c := range sorted {
		d.Items = append(d.Items, apiCountryDoc{Code: c.Code, Name: c.Name(lang)})
	}
	for _, g := range coopdec.CountryGroups() {
		gd := apiCountryGroupDoc{Code: g.Code, Name: g.Name(lang), Countries: []apiCountryDoc{}}
		// In the same order as items: by name in lang.
		for _, c := range d.Items {
			if g.Contains(c.Code) {
				gd.Countries = append(gd.Countries, c)
			}
		}
		d.Groups = append(d.Groups, gd)
	}
	writeJSON(w, http.StatusOK, d)
}

type apiThemeDoc struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Sectors []string `json:"sectors"`
}

func (s *Server) apiThemes(w http.ResponseWriter, r *http.Request) {
	lang, err := apiQueryLang(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	themes := coopdec.Themes()
	docs := make([]apiThemeDoc, 0, len(themes))
	for _, t := range themes {
		docs = append(docs, apiThemeDoc{Code: t.Code, Name: t.Name(lang), Sectors: t.Sectors})
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}
