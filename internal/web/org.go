package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// perPage is the length of every paginated list of the pages.
const perPage = 20

// pager describes the position in a paginated list, for the pagination
// partial. Links keep the other query parameters so that a filtered page can
// be shared.
type pager struct {
	coopdec.Page
	path  string
	query url.Values
}

// pageItem is one entry of the pagination: a page number, or a gap.
type pageItem struct {
	Number  int
	Href    string
	Current bool
	Gap     bool
}

func newPager(r *http.Request, p coopdec.Page) *pager {
	return &pager{Page: p, path: r.URL.Path, query: r.URL.Query()}
}

// pageParam reads the page number; anything but a positive number is page 1.
func pageParam(r *http.Request) coopdec.Page {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil {
		n = 1
	}
	return coopdec.NewPage(n, perPage)
}

func (p *pager) href(n int) string {
	q := url.Values{}
	for k, vs := range p.query {
		q[k] = append([]string(nil), vs...)
	}
	if n <= 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return p.path
	}
	return p.path + "?" + q.Encode()
}

// Prev is the link to the previous page, or empty on the first.
func (p *pager) Prev() string {
	if p.Page.Page <= 1 {
		return ""
	}
	return p.href(min(p.Page.Page-1, p.Pages()))
}

// Next is the link to the next page, or empty on the last.
func (p *pager) Next() string {
	if p.Page.Page >= p.Pages() {
		return ""
	}
	return p.href(p.Page.Page + 1)
}

// Beyond reports a page number past the end of the list.
func (p *pager) Beyond() bool { return p.Page.Page > p.Pages() }

// Last links to the last page, for a reader who went past it.
func (p *pager) Last() string { return p.href(p.Pages()) }

// Items lists the first and last pages and those around the current one,
// with gaps between them.
func (p *pager) Items() []pageItem {
	n, cur := p.Pages(), p.Page.Page
	var out []pageItem
	last := 0
	for _, i := range []int{1, cur - 2, cur - 1, cur, cur + 1, cur + 2, n} {
		if i <= last || i > n {
			continue
		}
		if i > last+1 {
			out = append(out, pageItem{Gap: true})
		}
		out = append(out, pageItem{Number: i, Href: p.href(i), Current: i == cur})
		last = i
	}
	return out
}

// refData gives templates the names of reference data in the reader's
// language.
type refData struct{ lang string }

// CountryName names a country in the reader's language.
func (d refData) CountryName(code string) string { return coopdec.Country{Code: code}.Name(d.lang) }

// Countries lists every country sorted by name in the reader's language.
func (d refData) Countries() []coopdec.Country { return coopdec.SortedCountries(d.lang) }

// Kinds lists the kinds of organisation.
func (d refData) Kinds() []coopdec.OrgKind { return coopdec.OrgKinds }

// AuthorityTypes lists the types of French local authority.
func (d refData) AuthorityTypes() []coopdec.AuthorityType { return coopdec.AuthorityTypes }

// MemberRoles lists the roles inside an organisation.
func (d refData) MemberRoles() []coopdec.MemberRole {
	return []coopdec.MemberRole{coopdec.MemberRoleMember, coopdec.MemberRoleAdmin}
}

// orgListData is what the directory shows.
type orgListData struct {
	refData
	Orgs      []coopdec.Organisation
	Pager     *pager
	Valid     bool // the filters could be applied
	CanCreate bool
}

// orgList is the public directory of organisations.
func (s *Server) orgList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &orgListData{refData: refData{info(r).lang}, CanCreate: coopdec.CanCreateOrganisation(currentUser(r))}
	v := s.newView(r, "orgs.title", d)
	v.Form = q
	f := coopdec.OrgFilter{Query: strings.TrimSpace(q.Get("q"))}
	if k := q.Get("kind"); k != "" {
		if f.Kind = coopdec.OrgKind(k); !f.Kind.Valid() {
			v.addError(coopdec.FieldError("kind", "orgs.filter.kind.unknown"))
		}
	}
	if c := q.Get("country"); c != "" {
		country, ok := coopdec.CountryByCode(c)
		if !ok {
			v.addError(coopdec.FieldError("country", "orgs.filter.country.unknown", c))
		} else {
			q.Set("country", country.Code) // so that the select shows it
		}
		f.Country = country.Code
	}
	if len(v.ErrorList) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "org_list", v)
		return
	}
	orgs, page, err := s.db.SearchOrganisations(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Orgs, d.Pager, d.Valid = orgs, newPager(r, page), true
	s.render(w, r, http.StatusOK, "org_list", v)
}

// orgShowData is what an organisation's page shows.
type orgShowData struct {
	refData
	Org       *coopdec.Organisation
	Members   []coopdec.OrgMember
	CanSee    bool // the members list
	CanInvite bool
	ValidDays int // of an invitation
}

func (s *Server) orgView(r *http.Request) (*view, *orgShowData, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, coopdec.Errorf(coopdec.ENOTFOUND, "org.not_found")
	}
	org, err := s.db.Organisation(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	u := currentUser(r)
	d := &orgShowData{refData: refData{info(r).lang}, Org: org, CanSee: coopdec.CanViewOrganisationPrivate(u, id),
		CanInvite: coopdec.CanInviteToOrganisation(u, id), ValidDays: int(coopdec.InvitationValidity.Hours() / 24)}
	if d.CanSee {
		if d.Members, err = s.db.OrganisationMembers(r.Context(), id); err != nil {
			return nil, nil, err
		}
	}
	// The layout translates the title; a name is no catalogue key, so it
	// comes out as is.
	v := s.newView(r, org.Name, d)
	return v, d, nil
}

// orgShow is an organisation's public profile, with its members for those
// who may see them and an invitation form for those who may invite.
func (s *Server) orgShow(w http.ResponseWriter, r *http.Request) {
	v, _, err := s.orgView(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	switch r.URL.Query().Get("ok") {
	case "created":
		v.Flash = v.T("orgs.created")
	case "invited":
		v.Flash = v.T("orgs.invite.sent", int(coopdec.InvitationValidity.Hours()/24))
	}
	v.Form = url.Values{"member_role": {string(coopdec.MemberRoleMember)}}
	s.render(w, r, http.StatusOK, "org_show", v)
}

// orgInvite invites someone by email into the organisation.
func (s *Server) orgInvite(w http.ResponseWriter, r *http.Request) {
	v, d, err := s.orgView(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !d.CanInvite {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	inv := &coopdec.Invitation{Email: r.PostFormValue("email"), OrganisationID: d.Org.ID,
		MemberRole: coopdec.MemberRole(r.PostFormValue("member_role"))}
	if err := s.invite(r, inv); err != nil {
		if coopdec.ErrorCode(err) != coopdec.EINVALID {
			s.error(w, r, err)
			return
		}
		v.Form = url.Values{"email": {r.PostFormValue("email")}, "member_role": {r.PostFormValue("member_role")}}
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "org_show", v)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(d.Org.ID, 10)+"?ok=invited#invitation", http.StatusSeeOther)
}

// orgFormData is what the registration form shows.
type orgFormData struct{ refData }

func (s *Server) orgNewForm(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanCreateOrganisation(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	v := s.newView(r, "orgs.new.title", &orgFormData{refData{info(r).lang}})
	v.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "org_new", v)
}

// orgCreate registers an organisation of any kind.
func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanCreateOrganisation(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	_ = r.PostFormValue("kind") // parses the form; an unreadable one leaves it empty
	f := r.PostForm
	o := &coopdec.Organisation{
		Kind:          coopdec.OrgKind(f.Get("kind")),
		Name:          f.Get("name"),
		Country:       f.Get("country"),
		AuthorityType: coopdec.AuthorityType(f.Get("authority_type")),
		SIREN:         f.Get("siren"),
		LocalID:       f.Get("local_id"),
	}
	// A French local authority is in France: the form need not ask.
	if o.Kind == coopdec.OrgFrenchAuthority && strings.TrimSpace(o.Country) == "" {
		o.Country = "FR"
	}
	if err := s.db.CreateOrganisation(r.Context(), o, actor(r)); err != nil {
		if coopdec.ErrorCode(err) != coopdec.EINVALID {
			s.error(w, r, err)
			return
		}
		v := s.newView(r, "orgs.new.title", &orgFormData{refData{info(r).lang}})
		v.Form = f
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "org_new", v)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(o.ID, 10)+"?ok=created", http.StatusSeeOther)
}
