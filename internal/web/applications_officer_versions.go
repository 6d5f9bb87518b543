package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The kept versions of a submitted application (the submission, then one
// per answered correction) and their comparison field by field, for whoever
// may read the application: its authors and the call's officers.

// versionRow is a kept version as the list shows it.
type versionRow struct {
	Number     int
	At         instant
	Author     string
	Correction *correctionRow // the request it answers; nil for the submission
	SHA256     string
	Files      int
}

// versionsData is what the versions page shows.
type versionsData struct {
	App       *coopdec.Application
	Title     string
	TitleLang string
	Versions  []versionRow
	From, To  int // what the comparison form proposes
	Officer   bool
}

// compareLine is one difference between two versions in the reader's words.
type compareLine struct {
	Label    string
	Old, New string
	Lang     string // the language of a text's values
}

// fileChange is an attachment added, removed or replaced between versions.
type fileChange struct {
	Document string
	Name     string
	Change   string // added, removed or replaced
}

// compareData is what the comparison page shows.
type compareData struct {
	versionsData
	FromAt, ToAt instant
	Lines        []compareLine
	Files        []fileChange
}

// viewedVersions loads the application of the path for whoever may read it
// (coopdec.CanViewApplication) with its versions and corrections.
func (s *Server) viewedVersions(r *http.Request) (*versionsData, []coopdec.ApplicationVersion, error) {
	id, err := apiPathID(r, "id", "application.not_found")
	if err != nil {
		return nil, nil, err
	}
	a, c, err := s.application(r, id)
	if err != nil {
		return nil, nil, err
	}
	ctx := r.Context()
	lang := info(r).lang
	versions, err := s.db.ApplicationVersions(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	corrections, err := s.db.ListCorrections(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]coopdec.CorrectionRequest{}
	for _, cr := range corrections {
		byID[cr.ID] = cr
	}
	u := currentUser(r)
	d := &versionsData{App: a, Officer: !a.SubmittedAt.IsZero() && coopdec.CanListCallApplications(u, c)}
	d.Title, d.TitleLang = applicationTitleIn(a, lang)
	authors := map[int64]string{}
	for _, v := range versions {
		row := versionRow{Number: v.Number, At: newInstant(v.At), SHA256: v.ContentSHA256, Files: len(v.Attachments),
			Author: s.userName(ctx, authors, v.AuthorID)}
		if cr, ok := byID[v.CorrectionID]; ok {
			cr := s.correctionRow(lang, cr)
			row.Correction = &cr
		}
		d.Versions = append(d.Versions, row)
	}
	d.From, d.To = 1, len(versions)
	if len(versions) > 1 {
		d.From = len(versions) - 1
	}
	return d, versions, nil
}

// userName names a user, "" when they are gone; names are cached in seen.
func (s *Server) userName(ctx context.Context, seen map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := seen[id]; ok {
		return n
	}
	u, err := s.db.UserByID(ctx, id)
	if err != nil {
		seen[id] = ""
		return ""
	}
	seen[id] = u.Name
	return u.Name
}

// applicationVersionsPage lists an application's kept versions.
func (s *Server) applicationVersionsPage(w http.ResponseWriter, r *http.Request) {
	d, _, err := s.viewedVersions(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "officer_versions", s.newView(r, "officer.versions.title", d))
}

// applicationComparePage compares two versions: ?de=1&a=2.
func (s *Server) applicationComparePage(w http.ResponseWriter, r *http.Request) {
	d, versions, err := s.viewedVersions(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	pick := func(name string) *coopdec.ApplicationVersion {
		n, err := strconv.Atoi(strings.TrimSpace(q.Get(name)))
		if err != nil {
			return nil
		}
		for i := range versions {
			if versions[i].Number == n {
				return &versions[i]
			}
		}
		return nil
	}
	from, to := pick("de"), pick("a")
	if from == nil || to == nil {
		s.error(w, r, coopdec.Errorf(coopdec.ENOTFOUND, "application.version.not_found"))
		return
	}
	lang := info(r).lang
	cd := &compareData{versionsData: *d, FromAt: newInstant(from.At), ToAt: newInstant(to.At)}
	cd.From, cd.To = from.Number, to.Number
	names, err := s.versionOrgNames(r.Context(), from, to)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, ch := range coopdec.CompareApplications(&from.Application, &to.Application) {
		cd.Lines = append(cd.Lines, s.compareLine(lang, ch, names))
	}
	cd.Files = s.fileChanges(lang, from.Attachments, to.Attachments)
	s.render(w, r, http.StatusOK, "officer_compare", s.newView(r, "officer.compare.title", cd))
}

// versionOrgNames names the organisations two versions refer to.
func (s *Server) versionOrgNames(ctx context.Context, vs ...*coopdec.ApplicationVersion) (map[int64]coopdec.Organisation, error) {
	var ids []int64
	for _, v := range vs {
		for _, p := range v.Application.Partners {
			ids = append(ids, p.OrganisationID)
		}
		for _, f := range v.Application.Budget.Financing {
			ids = append(ids, f.FunderOrganisationID, f.PartnerOrganisationID)
		}
	}
	return s.db.OrganisationsByID(ctx, ids)
}

// compareLine puts a difference in lang: the field's label from the
// catalogue (officer.diff.*), amounts as money, codes and IDs by name.
func (s *Server) compareLine(lang string, ch coopdec.FieldChange, orgs map[int64]coopdec.Organisation) compareLine {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	known := func(key string) bool { return s.cat.T(lang, key) != key }
	parts := strings.Split(ch.Field, ".")
	line := compareLine{Label: ch.Field}
	var item, name string // a list's item (its field name) and its number from 1
	switch {
	case parts[0] == "texts" && len(parts) == 3:
		if known("officer.diff.text." + parts[2]) {
			line.Label = t("officer.diff.text."+parts[2], t("officer.lang."+parts[1]))
		}
		line.Lang = parts[1]
		line.Old, line.New = orNone(t, ch.Old), orNone(t, ch.New)
		return line
	case len(parts) == 3 && (parts[0] == "activities" || parts[0] == "results" || parts[0] == "partners"):
		item, name = parts[0], parts[2]
		if n, err := strconv.Atoi(parts[1]); err == nil && known("officer.diff."+item+"."+name) {
			line.Label = t("officer.diff."+item, n+1, t("officer.diff."+item+"."+name))
		}
	case len(parts) == 4 && parts[0] == "budget":
		item, name = parts[1], parts[3]
		if n, err := strconv.Atoi(parts[2]); err == nil && known("officer.diff."+item+"."+name) {
			line.Label = t("officer.diff."+item, n+1, t("officer.diff."+item+"."+name))
		}
	case known("officer.diff." + ch.Field):
		line.Label = t("officer.diff." + ch.Field)
	}
	value := func(v string) string {
		if v == "" {
			return t("officer.diff.none")
		}
		switch {
		case ch.Field == "themes":
			return s.themeNames(lang, strings.Split(v, ", "))
		case ch.Field == "countries" || ch.Field == "beneficiary_countries":
			return strings.Join(placeNames(lang, strings.Split(v, ", "), false), ", ")
		case ch.Field == "duration_months":
			n, _ := strconv.Atoi(v)
			return t("officer.months", n)
		case name == "amount_cents" || name == "contribution_cents":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return coopdec.FormatEuroCents(lang, n)
			}
		case name == "start" || name == "end":
			n, _ := strconv.Atoi(v)
			return t("officer.diff.month", n)
		case name == "in_kind":
			return t("officer.yesno." + v)
		case name == "kind":
			return t("orgs.kind." + v)
		case name == "role":
			return t("officer.role." + v)
		case name == "category":
			return t("officer.expense." + v)
		case name == "source":
			return t("officer.source." + v)
		case name == "country":
			return coopdec.Country{Code: v}.Name(lang)
		case strings.HasSuffix(name, "organisation_id"):
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				if o, ok := orgs[id]; ok {
					return o.Name
				}
			}
			return "#" + v
		}
		return v
	}
	line.Old, line.New = value(ch.Old), value(ch.New)
	return line
}

func orNone(t func(string, ...any) string, v string) string {
	if v == "" {
		return t("officer.diff.none")
	}
	return v
}

// fileChanges lists the attachments added, removed or replaced from one
// version's files to another's, by document and name.
func (s *Server) fileChanges(lang string, from, to []coopdec.Attachment) []fileChange {
	key := func(a coopdec.Attachment) string { return a.DocumentCode + "\x00" + a.Name }
	before := map[string]coopdec.Attachment{}
	for _, a := range from {
		before[key(a)] = a
	}
	after := map[string]bool{}
	var out []fileChange
	for _, a := range to {
		after[key(a)] = true
		old, ok := before[key(a)]
		switch {
		case !ok:
			out = append(out, fileChange{Document: s.documentName(lang, a.DocumentCode), Name: a.Name, Change: "added"})
		case old.SHA256 != a.SHA256:
			out = append(out, fileChange{Document: s.documentName(lang, a.DocumentCode), Name: a.Name, Change: "replaced"})
		}
	}
	for _, a := range from {
		if !after[key(a)] {
			out = append(out, fileChange{Document: s.documentName(lang, a.DocumentCode), Name: a.Name, Change: "removed"})
		}
	}
	return out
}
