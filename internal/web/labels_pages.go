package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Pages of the label: the authority's list and form, the officers' list
// and review. Forms work without JavaScript: the evidence has spare empty
// reference rows, dropped when saved.

type labelHomeData struct {
	Authorities []labelAuthority
}

type labelAuthority struct {
	ID      int64
	Name    string
	Labels  []sqldb.LabelRecord
	CanOpen bool
}

func (s *Server) labelHome(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	auths := coopdec.LabelAuthorities(u)
	if len(auths) == 0 {
		if coopdec.CanReviewLabels(u) {
			http.Redirect(w, r, "/labels/instruction", http.StatusSeeOther)
			return
		}
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "label.forbidden.list"))
		return
	}
	d := &labelHomeData{}
	for _, m := range auths {
		list, err := s.db.LabelApplicationsOf(r.Context(), m.OrganisationID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		a := labelAuthority{ID: m.OrganisationID, Name: m.OrganisationName, Labels: list, CanOpen: true}
		for _, x := range list {
			if x.State.Open() {
				a.CanOpen = false
			}
		}
		d.Authorities = append(d.Authorities, a)
	}
	s.render(w, r, http.StatusOK, "label_home", s.newView(r, "label.home.title", d))
}

func (s *Server) labelNewPage(w http.ResponseWriter, r *http.Request) {
	if len(coopdec.LabelAuthorities(currentUser(r))) == 0 {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "label.forbidden.authority"))
		return
	}
	s.render(w, r, http.StatusOK, "label_new", s.newView(r, "label.new.title", &labelHomeData{}))
}

func (s *Server) labelCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	org, _ := strconv.ParseInt(r.PostForm.Get("organisation_id"), 10, 64)
	if org == 0 {
		if auths := coopdec.LabelAuthorities(currentUser(r)); len(auths) > 0 {
			org = auths[0].OrganisationID
		}
	}
	a := &coopdec.LabelApplication{OrganisationID: org}
	if err := s.db.CreateLabelApplication(r.Context(), currentUser(r), a, actor(r)); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/labels/%d", a.ID), http.StatusSeeOther)
}

// labelPageData is what one application's page shows.
type labelPageData struct {
	refData
	Rec       *sqldb.LabelRecord
	Reviews   []coopdec.LabelReview
	CanEdit   bool
	CanReview bool
	CanRevoke bool
	Themes    []coopdec.Theme
	Languages []string
	Rows      []labelRefRow
	Windows   []labelWindowRow
	Expires   string
}

type labelRefRow struct {
	Index int
	coopdec.LabelReference
	From, To, Documents string
}

// labelWindowRow is an unavailable window as the form shows it.
type labelWindowRow struct {
	Index    int
	From, To string
}

func (s *Server) labelView(r *http.Request, rec *sqldb.LabelRecord, form url.Values) (*view, error) {
	u := currentUser(r)
	reviews, err := s.db.LabelReviews(r.Context(), rec.ID)
	if err != nil {
		return nil, err
	}
	d := &labelPageData{refData: refData{info(r).lang}, Rec: rec, Reviews: reviews, Themes: coopdec.Themes(), Languages: coopdec.LabelLanguages}
	d.CanEdit = coopdec.CheckLabelEdit(u, &rec.LabelApplication) == nil
	d.CanReview = coopdec.CanReviewLabels(u) && rec.State == coopdec.LabelSubmitted
	d.CanRevoke = coopdec.CanReviewLabels(u) && rec.State == coopdec.LabelGranted
	if !rec.ExpiresAt.IsZero() {
		d.Expires = rec.ExpiresAt.In(Paris).Format("02/01/2006")
	}
	if form == nil {
		form = labelForm(&rec.LabelApplication)
	}
	n := 0
	for i := 0; i < 100 && form.Has(fmt.Sprintf("ref%d_title", i)); i++ {
		n = i + 1
	}
	for i := range max(n+3, 5) {
		p := fmt.Sprintf("ref%d_", i)
		d.Rows = append(d.Rows, labelRefRow{Index: i, LabelReference: coopdec.LabelReference{Title: form.Get(p + "title"),
			Kind: coopdec.ReferenceKind(form.Get(p + "kind")), Country: form.Get(p + "country"), Place: form.Get(p + "place"),
			Partners: form.Get(p + "partners"), Results: form.Get(p + "results")}, From: form.Get(p + "from"), To: form.Get(p + "to"),
			Documents: form.Get(p + "documents")})
	}
	n = 0
	for i := 0; i < 100 && form.Has(fmt.Sprintf("unav%d_from", i)); i++ {
		n = i + 1
	}
	for i := range max(n+2, 3) {
		p := fmt.Sprintf("unav%d_", i)
		d.Windows = append(d.Windows, labelWindowRow{Index: i, From: form.Get(p + "from"), To: form.Get(p + "to")})
	}
	v := s.newView(r, "label.page.title", d)
	v.Form = form
	return v, nil
}

// labelForm writes an application as the form's values.
func labelForm(a *coopdec.LabelApplication) url.Values {
	f := url.Values{"themes": a.Competencies.Themes, "languages": a.Conditions.Languages}
	f.Set("description", a.Competencies.Description)
	f.Set("methods", a.Competencies.Methods)
	f.Set("staff", a.Conditions.Staff)
	f.Set("self_covered", a.Conditions.SelfCovered)
	if a.Conditions.MinDurationDays > 0 {
		f.Set("min_days", strconv.Itoa(a.Conditions.MinDurationDays))
	}
	if a.Conditions.MaxDurationDays > 0 {
		f.Set("max_days", strconv.Itoa(a.Conditions.MaxDurationDays))
	}
	f.Set("available_from", apiLabelDay(a.Conditions.AvailableFrom))
	f.Set("available_to", apiLabelDay(a.Conditions.AvailableTo))
	for i, w := range a.Conditions.Unavailable {
		p := fmt.Sprintf("unav%d_", i)
		f.Set(p+"from", apiLabelDay(w.From))
		f.Set(p+"to", apiLabelDay(w.To))
	}
	for i, ref := range a.References {
		p := fmt.Sprintf("ref%d_", i)
		f.Set(p+"title", ref.Title)
		f.Set(p+"kind", string(ref.Kind))
		f.Set(p+"country", ref.Country)
		f.Set(p+"place", ref.Place)
		f.Set(p+"from", strconv.Itoa(ref.FromYear))
		if ref.ToYear > 0 {
			f.Set(p+"to", strconv.Itoa(ref.ToYear))
		}
		f.Set(p+"partners", ref.Partners)
		f.Set(p+"results", ref.Results)
		f.Set(p+"documents", strings.Join(ref.Documents, "\n"))
	}
	return f
}

// readLabelDay reads a day written 2006-01-02 (as date inputs send it);
// empty is the zero time, anything else that does not read is an error
// added to errs.
func readLabelDay(errs *coopdec.Errors, field, v string) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	d, ok := coopdec.MissionDate(v)
	if !ok {
		*errs = append(*errs, coopdec.FieldError(field, "label.date.invalid"))
	}
	return d
}

// labelFromForm reads the form; numbers and dates that do not read are
// errors.
func labelFromForm(f url.Values) (*coopdec.LabelApplication, error) {
	var errs coopdec.Errors
	num := func(field, key string, args ...any) int {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, coopdec.FieldError(field, key, args...))
		}
		return n
	}
	a := &coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: f["themes"], Description: f.Get("description"), Methods: f.Get("methods")},
		Conditions: coopdec.LabelConditions{Staff: f.Get("staff"), Languages: f["languages"], SelfCovered: f.Get("self_covered"),
			MinDurationDays: num("min_days", "label.number.invalid"), MaxDurationDays: num("max_days", "label.number.invalid"),
			AvailableFrom: readLabelDay(&errs, "available_from", f.Get("available_from")),
			AvailableTo:   readLabelDay(&errs, "available_to", f.Get("available_to"))},
	}
	for i := 0; i < 100 && f.Has(fmt.Sprintf("unav%d_from", i)); i++ {
		p := fmt.Sprintf("unav%d_", i)
		a.Conditions.Unavailable = append(a.Conditions.Unavailable, coopdec.ExpertiseWindow{
			From: readLabelDay(&errs, p+"from", f.Get(p+"from")), To: readLabelDay(&errs, p+"to", f.Get(p+"to"))})
	}
	for i := 0; i < 100 && f.Has(fmt.Sprintf("ref%d_title", i)); i++ {
		p := fmt.Sprintf("ref%d_", i)
		a.References = append(a.References, coopdec.LabelReference{Title: f.Get(p + "title"), Kind: coopdec.ReferenceKind(f.Get(p + "kind")),
			Country: f.Get(p + "country"), Place: f.Get(p + "place"), FromYear: num(p+"from", "label.number.invalid"), ToYear: num(p+"to", "label.number.invalid"),
			Partners: f.Get(p + "partners"), Results: f.Get(p + "results"), Documents: strings.Split(f.Get(p+"documents"), "\n")})
	}
	// An empty row read with its default kind is still empty.
	for i := range a.References {
		ref := &a.References[i]
		if ref.Title == "" && ref.Country == "" && strings.TrimSpace(ref.Place) == "" && ref.FromYear == 0 && strings.TrimSpace(ref.Results) == "" {
			ref.Kind = ""
		}
	}
	return a, errs.Err()
}

func (s *Server) labelPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.labelView(r, rec, nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if ok := r.URL.Query().Get("ok"); ok != "" && strings.Trim(ok, "abcdefghijklmnopqrstuvwxyz_") == "" {
		v.Flash = v.T("label.flash." + ok)
	}
	s.render(w, r, http.StatusOK, "label_show", v)
}

// labelPost saves or submits the draft, or records an officer's action,
// as the form's action says.
func (s *Server) labelPost(w http.ResponseWriter, r *http.Request) {
	rec, err := s.labelFor(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	ctx, u := r.Context(), currentUser(r)
	action := r.PostForm.Get("action")
	switch action {
	case "save", "submit":
		a, ferr := labelFromForm(r.PostForm)
		if ferr == nil {
			a.ID, a.OrganisationID = rec.ID, rec.OrganisationID
			err = s.db.UpdateLabelApplication(ctx, u, a)
		} else {
			err = ferr
		}
		if err == nil && action == "submit" {
			_, err = s.db.SubmitLabelApplication(ctx, u, rec.ID, actor(r))
		}
	default:
		_, err = s.reviewLabel(r, rec.ID, coopdec.LabelAction(action), r.PostForm.Get("reason"))
	}
	status := http.StatusUnprocessableEntity
	switch coopdec.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/labels/%d?ok=%s", rec.ID, action), http.StatusSeeOther)
		return
	case coopdec.EINVALID:
	case coopdec.ECONFLICT:
		status = http.StatusConflict
	default:
		s.error(w, r, err)
		return
	}
	if cur, lerr := s.db.LabelApplication(ctx, rec.ID); lerr == nil {
		rec = cur
	}
	v, verr := s.labelView(r, rec, r.PostForm)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	for _, e := range asErrors(err) {
		v.addError(e)
	}
	s.render(w, r, status, "label_show", v)
}

type labelOfficerData struct {
	Rows   []sqldb.LabelRecord
	Pager  *pager
	States []coopdec.LabelState
	State  coopdec.LabelState
}

func (s *Server) labelOfficerList(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanReviewLabels(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "label.forbidden.review"))
		return
	}
	q := r.URL.Query()
	d := &labelOfficerData{States: coopdec.LabelStates, State: coopdec.LabelState(q.Get("state"))}
	v := s.newView(r, "label.officer.title", d)
	v.Form = q
	if d.State != "" && !d.State.Valid() {
		v.addError(coopdec.FieldError("state", "label.filter.state.invalid"))
		d.Pager = newPager(r, coopdec.NewPage(1, 20))
		s.render(w, r, http.StatusUnprocessableEntity, "label_officer", v)
		return
	}
	list, page, err := s.db.ListLabelApplications(r.Context(), sqldb.LabelFilter{State: d.State}, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Rows, d.Pager = list, newPager(r, page)
	s.render(w, r, http.StatusOK, "label_officer", v)
}

// Has reports whether the form's field holds value, for checkboxes.
func (labelPageData) Has(f url.Values, field, value string) bool {
	for _, v := range f[field] {
		if v == value {
			return true
		}
	}
	return false
}

// Day writes a day of the stated availability, as the pages write dates.
func (labelPageData) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// ThemeName names a theme in the reader's language.
func (d labelPageData) ThemeName(t coopdec.Theme) string { return t.Name(d.lang) }

// LanguageName names an ISO 639-1 language in the reader's language.
func (d labelPageData) LanguageName(code string) string {
	if n := display.Tags(language.Make(d.lang)).Name(language.Make(code)); n != "" {
		return n
	}
	return code
}
