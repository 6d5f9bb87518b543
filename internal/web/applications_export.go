package web

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/export"
)

// The exports of a call's applications, CSV (UTF-8 with a byte-order mark
// and ";", as French spreadsheets expect) and XLSX, for the pages and the
// API alike.

// exportPageSize is how many applications an export reads at a time.
const exportPageSize = 100

// officerApplicationExport answers GET /appels/{id}/candidatures.csv and
// .xlsx with the applications the list's filters select, all of them.
func (s *Server) officerApplicationExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.pageCall(r, coopdec.CanListCallApplications)
		if err != nil {
			s.error(w, r, err)
			return
		}
		f, err := applicationFilterFromQuery(c.ID, r.URL.Query())
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.writeApplicationsExport(w, r, c, f, format)
	}
}

// writeApplicationsExport answers with c's submitted applications that f
// selects, every page of them, as a CSV ("csv") or XLSX ("xlsx") file to
// download, in the reader's language. It checks that the reader handles c's
// applications (coopdec.CanListCallApplications; others get ENOTFOUND),
// and keeps f to c's submitted applications whatever it says of calls,
// leads and drafts.
func (s *Server) writeApplicationsExport(w http.ResponseWriter, r *http.Request, c *coopdec.Call, f coopdec.ApplicationFilter, format string) {
	if c == nil || !coopdec.CanListCallApplications(currentUser(r), c) {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "call.not_found"))
		return
	}
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		s.error(w, r, coopdec.FieldError("format", "officer.export.format.invalid"))
		return
	}
	f.CallID, f.CallIDs, f.LeadOrganisationIDs, f.SubmittedOnly = c.ID, nil, nil, true
	list, err := s.allApplications(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.namePartners(r.Context(), list); err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	t := s.applicationsTable(lang, c, list)
	var buf bytes.Buffer
	if format == "csv" {
		err = export.WriteCSV(&buf, t)
	} else {
		err = export.WriteXLSX(&buf, s.cat.T(lang, "officer.export.sheet"), t)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	name := exportFileName(c.Reference, s.db.Now().In(Paris).Format("2006-01-02-1504"), format)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}

// allApplications reads every application f selects, page by page. The
// list is sorted newest first, so a submission made while it is read
// shifts the pages by one: an application seen twice is kept once.
func (s *Server) allApplications(ctx context.Context, f coopdec.ApplicationFilter) ([]coopdec.ApplicationSummary, error) {
	var out []coopdec.ApplicationSummary
	seen := map[int64]bool{}
	for n := 1; ; n++ {
		list, page, err := s.db.ListApplications(ctx, f, coopdec.NewPage(n, exportPageSize))
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if !seen[a.Application.ID] {
				seen[a.Application.ID] = true
				out = append(out, a)
			}
		}
		if len(list) == 0 || n >= page.Pages() {
			return out, nil
		}
	}
}

// namePartners fills in the names of registered partners, which an
// application may leave to the directory.
func (s *Server) namePartners(ctx context.Context, list []coopdec.ApplicationSummary) error {
	var ids []int64
	for _, sum := range list {
		for _, p := range sum.Application.Partners {
			if p.Name == "" && p.OrganisationID > 0 {
				ids = append(ids, p.OrganisationID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		ps := list[i].Application.Partners
		for j := range ps {
			if ps[j].Name == "" {
				ps[j].Name = orgs[ps[j].OrganisationID].Name
			}
		}
	}
	return nil
}

// exportFileName is a download's name that every system accepts: the
// call's reference and the time, in ASCII letters, digits and hyphens.
func exportFileName(reference, stamp, format string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(reference) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		} else {
			hyphen = true
		}
	}
	ref := b.String()
	if len(ref) > 60 {
		ref = strings.TrimRight(ref[:60], "-")
	}
	if ref == "" {
		ref = "appel"
	}
	return "candidatures-" + ref + "-" + stamp + "." + format
}

// applicationsTable is the table the exports write, one row per
// application of list, with headers and words in lang: amounts in cents
// (written in euros), countries and themes by name. Applications to
// another call than c are left out, so that a wrong list leaks nothing.
func (s *Server) applicationsTable(lang string, c *coopdec.Call, list []coopdec.ApplicationSummary) export.Table {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	col := func(key string, k export.Kind) export.Column {
		return export.Column{Header: t("officer.export.col." + key), Kind: k}
	}
	table := export.Table{Columns: []export.Column{
		col("number", export.Text), col("submitted_at", export.Time), col("title", export.Text),
		col("lead", export.Text), col("countries", export.Text), col("themes", export.Text),
		col("duration", export.Integer), col("total", export.Cents), col("grant", export.Cents),
		col("own", export.Cents), col("partners", export.Text), col("confirmed", export.Integer),
		col("eligibility", export.Text), col("status", export.Text),
	}}
	for _, sum := range list {
		a := &sum.Application
		if c != nil && a.CallID != c.ID {
			continue
		}
		title, _ := applicationTitleIn(a, lang)
		var themes, partners []string
		for _, code := range a.Themes {
			if th, ok := coopdec.ThemeByCode(code); ok {
				themes = append(themes, th.Name(lang))
			} else {
				themes = append(themes, code)
			}
		}
		for _, p := range a.Partners {
			if p.Role == coopdec.RoleLeadPartner {
				continue
			}
			partners = append(partners, t("officer.export.partner", p.Name, coopdec.Country{Code: p.Country}.Name(lang),
				t("officer.role."+string(p.Role))))
		}
		confirmed, _ := partnerCounts(a)
		row := []export.Cell{
			export.TextCell(a.ReceiptNumber), export.TimeCell(a.SubmittedAt), export.TextCell(title),
			export.TextCell(sum.LeadName), export.TextCell(strings.Join(placeNames(lang, a.Countries, false), ", ")),
			export.TextCell(strings.Join(themes, ", ")), {}, {}, {}, {},
			export.TextCell(strings.Join(partners, " ; ")), export.IntegerCell(int64(confirmed)),
			export.TextCell(t("officer.eligibility." + eligibleCode(sum.Eligible))),
			export.TextCell(t("officer.status." + string(a.Status))),
		}
		if a.DurationMonths > 0 {
			row[6] = export.IntegerCell(int64(a.DurationMonths))
		}
		if !a.Budget.Empty() {
			tot := a.Budget.Totals()
			row[7], row[8] = export.CentsCell(tot.ExpensesCents), export.CentsCell(tot.GrantCents)
			row[9] = export.CentsCell(tot.OwnCashCents + tot.OwnInKindCents)
		}
		table.Rows = append(table.Rows, row)
	}
	return table
}
