package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/coopdec/coopdec/coopdec"
)

// The officers' and co-managers' side of applications: the list of a call's
// submitted applications and its exports (applications_export.go), the
// review of one application with its correction requests
// (applications_officer_review.go), its versions
// (applications_officer_versions.go), and the notice of a call's amendment
// to those writing for it (applications_officer_amendment.go). The
// partners' page and the receipt check are public: partner_confirmation.go
// and receipt_check.go.

// officerApplicationRoutes registers the officers', co-managers' and
// partners' pages about applications.
func (s *Server) officerApplicationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /appels/{id}/candidatures", s.requireUser(s.officerApplicationList))
	mux.HandleFunc("GET /appels/{id}/candidatures.csv", s.requireUser(s.officerApplicationExport("csv")))
	mux.HandleFunc("GET /appels/{id}/candidatures.xlsx", s.requireUser(s.officerApplicationExport("xlsx")))
	mux.HandleFunc("GET /candidatures/{id}/instruction", s.requireUser(s.officerReview))
	mux.HandleFunc("POST /candidatures/{id}/instruction/corrections", s.requireUser(s.officerCorrectionRequest))
	mux.HandleFunc("POST /candidatures/{id}/instruction/corrections/{cid}/annulation", s.requireUser(s.officerCorrectionCancel))
	mux.HandleFunc("GET /candidatures/{id}/versions", s.requireUser(s.applicationVersionsPage))
	mux.HandleFunc("GET /candidatures/{id}/versions/comparer", s.requireUser(s.applicationComparePage))
	mux.HandleFunc("GET /confirmation/{token}", s.partnerConfirmationPage)
	mux.HandleFunc("POST /confirmation/{token}", s.partnerConfirmationAnswer)
	mux.HandleFunc("GET /recepisses/verification", s.receiptCheckPage)
	mux.HandleFunc("POST /recepisses/verification", s.receiptCheck)
}

// applicationFilterKeys are the query parameters of the list's filters,
// which its export links keep.
var applicationFilterKeys = []string{"status", "country", "theme", "eligible", "q"}

// applicationFilterFromQuery reads the filters of the list of a call's
// applications: status (submitted or withdrawn), country (ISO code), theme
// (code), eligible (yes, no or unknown) and q (words of the title, or a
// receipt number). Drafts are never selected. Every bad value is reported
// with the parameter it came from.
func applicationFilterFromQuery(callID int64, q url.Values) (coopdec.ApplicationFilter, error) {
	f := coopdec.ApplicationFilter{CallID: callID, SubmittedOnly: true}
	var errs coopdec.Errors
	switch st := coopdec.ApplicationStatus(strings.TrimSpace(q.Get("status"))); st {
	case "":
	case coopdec.ApplicationSubmitted, coopdec.ApplicationWithdrawn:
		f.Status = st
	default:
		errs = append(errs, coopdec.FieldError("status", "officer.filter.status.invalid"))
	}
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); c != "" {
		if _, ok := coopdec.CountryByCode(c); !ok {
			errs = append(errs, coopdec.FieldError("country", "officer.filter.country.invalid", c))
		}
		f.Country = c
	}
	if t := strings.ToLower(strings.TrimSpace(q.Get("theme"))); t != "" {
		if _, ok := coopdec.ThemeByCode(t); !ok {
			errs = append(errs, coopdec.FieldError("theme", "officer.filter.theme.invalid", t))
		}
		f.Theme = t
	}
	switch e := strings.TrimSpace(q.Get("eligible")); e {
	case "", "yes", "no", "unknown":
		f.Eligible = e
	default:
		errs = append(errs, coopdec.FieldError("eligible", "officer.filter.eligible.invalid"))
	}
	f.Query = strings.TrimSpace(q.Get("q"))
	return f, errs.Err()
}

// officerListData is what the list of a call's applications shows.
type officerListData struct {
	refData
	Call           *coopdec.Call
	CallTitle      string
	CallTitleLang  string
	Rows           []officerListRow
	Pager          *pager
	Valid          bool
	Filtered       bool
	CountryChoices []coopdec.Country
	ThemeChoices   []coopdec.Theme
	Statuses       []coopdec.ApplicationStatus
	CSV, XLSX      string
	Nav            callNav
}

// officerListRow is one application as the list shows it.
type officerListRow struct {
	ID            int64
	Number        string
	Title         string
	TitleLang     string
	Lead          string
	Countries     string
	Grant, Total  string
	Eligible      string // yes, no or unknown
	Confirmed     int
	Partners      int
	SubmittedAt   instant
	Withdrawn     bool
	CorrectionDue instant
}

// officerApplicationList lists a call's submitted applications for those
// who run it, filtered by a GET form whose URL can be shared.
func (s *Server) officerApplicationList(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCall(r, coopdec.CanListCallApplications)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	q := r.URL.Query()
	d := &officerListData{refData: refData{lang}, Call: c, Nav: newCallNav(r, c, navApplications),
		Statuses: []coopdec.ApplicationStatus{coopdec.ApplicationSubmitted, coopdec.ApplicationWithdrawn}}
	text, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = text.Title, tl
	d.CountryChoices = callCountryChoices(lang, c)
	d.ThemeChoices = callThemeChoices(c)
	for _, k := range applicationFilterKeys {
		if strings.TrimSpace(q.Get(k)) != "" {
			d.Filtered = true
		}
	}
	keep := url.Values{}
	for _, k := range applicationFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			keep.Set(k, v)
		}
	}
	base := "/appels/" + strconv.FormatInt(c.ID, 10) + "/candidatures"
	d.CSV, d.XLSX = base+".csv", base+".xlsx"
	if len(keep) > 0 {
		d.CSV += "?" + keep.Encode()
		d.XLSX += "?" + keep.Encode()
	}
	v := s.newView(r, "officer.list.title", d)
	v.Form = q
	f, err := applicationFilterFromQuery(c.ID, q)
	if err != nil {
		v.addError(err)
		s.render(w, r, http.StatusUnprocessableEntity, "officer_applications", v)
		return
	}
	list, page, err := s.db.ListApplications(r.Context(), f, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, sum := range list {
		d.Rows = append(d.Rows, s.officerListRow(lang, sum))
	}
	d.Pager, d.Valid = newPager(r, page), true
	s.render(w, r, http.StatusOK, "officer_applications", v)
}

func (s *Server) officerListRow(lang string, sum coopdec.ApplicationSummary) officerListRow {
	a := &sum.Application
	row := officerListRow{ID: a.ID, Number: a.ReceiptNumber, Lead: sum.LeadName,
		Countries:   strings.Join(placeNames(lang, a.Countries, false), ", "),
		SubmittedAt: newInstant(a.SubmittedAt), Withdrawn: a.Status == coopdec.ApplicationWithdrawn,
		CorrectionDue: newInstant(sum.CorrectionDue), Eligible: eligibleCode(sum.Eligible)}
	row.Title, row.TitleLang = applicationTitleIn(a, lang)
	t := a.Budget.Totals()
	row.Total, row.Grant = coopdec.FormatEuroCents(lang, t.ExpensesCents), coopdec.FormatEuroCents(lang, t.GrantCents)
	row.Confirmed, row.Partners = partnerCounts(a)
	return row
}

// eligibleCode writes a stored eligibility as the filter names it.
func eligibleCode(e *bool) string {
	switch {
	case e == nil:
		return "unknown"
	case *e:
		return "yes"
	}
	return "no"
}

// partnerCounts counts an application's partners (the lead's own entry
// aside) and those of them who confirmed their part.
func partnerCounts(a *coopdec.Application) (confirmed, all int) {
	for _, p := range a.Partners {
		if p.Role == coopdec.RoleLeadPartner {
			continue
		}
		all++
		if p.Confirmed {
			confirmed++
		}
	}
	return confirmed, all
}

// applicationTitleIn is an application's title in lang, or in French, with
// the language it is in.
func applicationTitleIn(a *coopdec.Application, lang string) (string, string) {
	if t := strings.TrimSpace(a.Texts[lang].Title); t != "" {
		return t, lang
	}
	return a.Texts["fr"].Title, "fr"
}

// callCountryChoices lists the countries an application to c may name, by
// name in lang: the call's countries with its groups spelled out, or every
// country but France when the call names none.
func callCountryChoices(lang string, c *coopdec.Call) []coopdec.Country {
	var codes []string
	for _, code := range c.Rules.Countries {
		if g, ok := coopdec.CountryGroupByCode(code); ok {
			codes = append(codes, g.Countries...)
		} else if _, ok := coopdec.CountryByCode(code); ok {
			codes = append(codes, strings.ToUpper(code))
		}
	}
	for _, code := range c.Rules.BeneficiaryCountries {
		if g, ok := coopdec.CountryGroupByCode(code); ok {
			codes = append(codes, g.Countries...)
		} else if _, ok := coopdec.CountryByCode(code); ok {
			codes = append(codes, strings.ToUpper(code))
		}
	}
	if len(codes) == 0 {
		var out []coopdec.Country
		for _, ct := range coopdec.SortedCountries(lang) {
			if ct.Code != "FR" {
				out = append(out, ct)
			}
		}
		return out
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	out := make([]coopdec.Country, 0, len(codes))
	for _, code := range codes {
		if ct, ok := coopdec.CountryByCode(code); ok {
			out = append(out, ct)
		}
	}
	col := collate.New(language.Make(lang))
	slices.SortFunc(out, func(a, b coopdec.Country) int { return col.CompareString(a.Name(lang), b.Name(lang)) })
	return out
}

// callThemeChoices lists the call's themes, or every theme when it names none.
func callThemeChoices(c *coopdec.Call) []coopdec.Theme {
	if len(c.Themes) == 0 {
		return coopdec.Themes()
	}
	var out []coopdec.Theme
	for _, code := range c.Themes {
		if t, ok := coopdec.ThemeByCode(code); ok {
			out = append(out, t)
		}
	}
	return out
}

// ThemeName names a theme in the reader's language.
func (d *officerListData) ThemeName(t coopdec.Theme) string { return t.Name(d.lang) }
