package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// The declaration of interests: the organisations the evaluator works or
// worked for, the offices they hold in French territories, and their
// family or financial links. The form works without JavaScript: it shows
// blank rows to fill after the saved ones.

const declarationBlankRows = 3

type declarationPageData struct {
	refData
	Orgs    []declOrgRow
	Offices []declOfficeRow
	Links   []declLinkRow
	Updated instant
}

type declOrgRow struct {
	Index      int
	OrgID      string
	Registered string // the registered organisation's name
	Name       string
	Role       string
	Current    bool
}

type declOfficeRow struct {
	Index int
	Kind  string
	Code  string
	Title string
	Place string // the territory's name in the referential
}

type declLinkRow struct {
	Index       int
	Description string
	OrgIDs      string
	Names       string // the registered organisations named
}

// Kinds lists the levels of territory an office is held in.
func (d *declarationPageData) Kinds() []coopdec.TerritoryKind { return coopdec.TerritoryKinds }

// F names a control of a numbered row: organisations.0.name.
func (d *declarationPageData) F(group string, i int, field string) string {
	return group + "." + strconv.Itoa(i) + "." + field
}

func (s *Server) evaluatorDeclarationPage(w http.ResponseWriter, r *http.Request) {
	if err := requireEvaluator(r); err != nil {
		s.error(w, r, err)
		return
	}
	d, err := s.db.Declaration(r.Context(), currentUser(r).ID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		d, err = &coopdec.Declaration{}, nil
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	var orgs, offices, links []declRow
	for _, o := range d.Organisations {
		row := declRow{"name": o.Name, "role": o.Role}
		if o.OrganisationID > 0 {
			row["organisation_id"] = strconv.FormatInt(o.OrganisationID, 10)
		}
		if o.Current {
			row["current"] = "1"
		}
		orgs = append(orgs, row)
	}
	for _, o := range d.Offices {
		offices = append(offices, declRow{"kind": string(o.Kind), "code": o.Code, "title": o.Title})
	}
	for _, l := range d.Links {
		ids := make([]string, 0, len(l.OrganisationIDs))
		for _, id := range l.OrganisationIDs {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		links = append(links, declRow{"description": l.Description, "organisation_ids": strings.Join(ids, ", ")})
	}
	flash := ""
	if r.URL.Query().Get("ok") == "saved" {
		flash = "evaluator.declaration.saved"
	}
	s.renderDeclaration(w, r, http.StatusOK, orgs, offices, links, d.UpdatedAt, nil, flash)
}

func (s *Server) evaluatorDeclarationSave(w http.ResponseWriter, r *http.Request) {
	if err := requireEvaluator(r); err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "evaluator.form.invalid"))
		return
	}
	orgs, offices, links := declarationForm(r.PostForm)
	d, formErrs := declarationOf(orgs, offices, links)
	u := currentUser(r)
	err := s.saveDeclaration(r, u, d, formErrs)
	if err == nil {
		http.Redirect(w, r, "/evaluateur/declaration?ok=saved", http.StatusSeeOther)
		return
	}
	if coopdec.ErrorCode(err) != coopdec.EINVALID {
		s.error(w, r, err)
		return
	}
	updated := d.UpdatedAt
	if stored, serr := s.db.Declaration(r.Context(), u.ID); serr == nil {
		updated = stored.UpdatedAt
	}
	s.renderDeclaration(w, r, http.StatusUnprocessableEntity, orgs, offices, links, updated, err, "")
}

// renderDeclaration shows the form with the rows given, then blank ones.
func (s *Server) renderDeclaration(w http.ResponseWriter, r *http.Request, status int, orgs, offices, links []declRow,
	updated time.Time, err error, flash string) {
	ctx := r.Context()
	lang := info(r).lang
	d := &declarationPageData{refData: refData{lang}, Updated: newInstant(updated)}
	// Names of the registered organisations the rows give by number.
	var ids []int64
	for _, row := range orgs {
		if id, e := strconv.ParseInt(strings.TrimSpace(row["organisation_id"]), 10, 64); e == nil {
			ids = append(ids, id)
		}
	}
	for _, row := range links {
		for _, f := range strings.FieldsFunc(row["organisation_ids"], func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			if id, e := strconv.ParseInt(f, 10, 64); e == nil {
				ids = append(ids, id)
			}
		}
	}
	names, nerr := s.db.OrganisationsByID(ctx, ids)
	if nerr != nil {
		s.error(w, r, nerr)
		return
	}
	nameOf := func(v string) string {
		if id, e := strconv.ParseInt(strings.TrimSpace(v), 10, 64); e == nil {
			return names[id].Name
		}
		return ""
	}
	for i := 0; i < len(orgs)+declarationBlankRows; i++ {
		row := declRow{}
		if i < len(orgs) {
			row = orgs[i]
		}
		d.Orgs = append(d.Orgs, declOrgRow{Index: i, OrgID: row["organisation_id"], Registered: nameOf(row["organisation_id"]),
			Name: row["name"], Role: row["role"], Current: row["current"] != ""})
	}
	for i := 0; i < len(offices)+declarationBlankRows; i++ {
		row := declRow{}
		if i < len(offices) {
			row = offices[i]
		}
		or := declOfficeRow{Index: i, Kind: row["kind"], Code: row["code"], Title: row["title"]}
		if or.Kind != "" && strings.TrimSpace(or.Code) != "" {
			if t, e := s.db.Territory(ctx, coopdec.TerritoryKind(or.Kind), strings.ToUpper(strings.TrimSpace(or.Code))); e == nil {
				or.Place = t.Name
			}
		}
		d.Offices = append(d.Offices, or)
	}
	for i := 0; i < len(links)+declarationBlankRows; i++ {
		row := declRow{}
		if i < len(links) {
			row = links[i]
		}
		lr := declLinkRow{Index: i, Description: row["description"], OrgIDs: row["organisation_ids"]}
		var ns []string
		for _, f := range strings.FieldsFunc(lr.OrgIDs, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			if n := nameOf(f); n != "" {
				ns = append(ns, n)
			}
		}
		lr.Names = strings.Join(ns, ", ")
		d.Links = append(d.Links, lr)
	}
	v := s.newView(r, "evaluator.declaration.title", d)
	if flash != "" {
		v.Flash = v.T(flash)
	}
	if err != nil {
		v.addError(err)
	}
	s.render(w, r, status, "evaluator_declaration", v)
}
