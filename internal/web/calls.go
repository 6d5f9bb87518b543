package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The call pages: the public search (/appels), a call's page, and what they
// share. The forms live in calls_form.go, the eligibility simulator in
// calls_eligibility.go.

// callDocumentCodes are the documents a call usually requires, offered in
// the form; a call may require others, which are kept.
var callDocumentCodes = []string{"council_deliberation", "letters_of_intent", "budget", "partner_agreement"}

// placeNames names countries and groups in lang, sorted as readers of lang
// sort. spell lists the members of small groups (the Mediterranean fund's
// eight countries), since a reader looks for a country; large groups keep
// their name.
func placeNames(lang string, codes []string, spell bool) []string {
	var names []string
	for _, c := range codes {
		if strings.HasPrefix(strings.ToLower(c), coopdec.GroupPrefix) {
			g, ok := coopdec.CountryGroupByCode(c)
			switch {
			case !ok:
				names = append(names, c)
			case spell && len(g.Countries) <= 12:
				for _, m := range g.Countries {
					names = append(names, coopdec.Country{Code: m}.Name(lang))
				}
			default:
				names = append(names, g.Name(lang))
			}
			continue
		}
		names = append(names, coopdec.Country{Code: c}.Name(lang))
	}
	if len(names) < 2 {
		return names
	}
	col := collators.get(lang)
	defer collators.put(lang, col)
	slices.SortFunc(names, func(a, b string) int { return col.CompareString(a, b) })
	return slices.Compact(names)
}

// collators keeps collators by language for placeNames: making one costs
// more than naming a dozen countries, and one may not sort for two
// requests at once.
var collators collatorPool

type collatorPool struct{ m sync.Map } // language → *sync.Pool of *collate.Collator

func (p *collatorPool) pool(lang string) *sync.Pool {
	if v, ok := p.m.Load(lang); ok {
		return v.(*sync.Pool)
	}
	v, _ := p.m.LoadOrStore(lang, &sync.Pool{New: func() any { return collate.New(language.Make(lang)) }})
	return v.(*sync.Pool)
}

func (p *collatorPool) get(lang string) *collate.Collator {
	return p.pool(lang).Get().(*collate.Collator)
}

func (p *collatorPool) put(lang string, c *collate.Collator) { p.pool(lang).Put(c) }

// timeLeft says how long until the deadline, in lang: "encore 12 jours",
// "clos" once passed; empty without a deadline.
func (s *Server) timeLeft(lang string, deadline, now time.Time) string {
	if deadline.IsZero() {
		return ""
	}
	d := deadline.Sub(now)
	switch {
	case d <= 0:
		return s.cat.T(lang, "callpages.left.closed")
	case d >= 48*time.Hour:
		return s.cat.T(lang, "callpages.left.days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return s.cat.T(lang, "callpages.left.hours", int(d/time.Hour))
	case d >= time.Hour:
		return s.cat.T(lang, "callpages.left.hour")
	}
	return s.cat.T(lang, "callpages.left.minutes", int((d+time.Minute-1)/time.Minute))
}

// nextLeftChange returns the instant before which timeLeft(deadline, t)
// reads the same as at now, for every t from now on: the time left is
// shown in days, then hours, then minutes. Zero when it never changes
// again (the deadline has passed, or there is none).
func nextLeftChange(deadline, now time.Time) time.Time {
	if deadline.IsZero() {
		return time.Time{}
	}
	d := deadline.Sub(now)
	// Down to a whole number of days or hours (at, not before, which
	// the text is still the same): the text changes just after.
	after := func(unit time.Duration) time.Time {
		return deadline.Add(-(d / unit) * unit).Add(time.Nanosecond)
	}
	switch {
	case d <= 0:
		return time.Time{}
	case d >= 48*time.Hour:
		return after(24 * time.Hour)
	case d >= time.Hour:
		return after(time.Hour)
	}
	// ceil(d) minutes while d is above one minute fewer.
	m := (d + time.Minute - 1) / time.Minute
	return deadline.Add(-(m - 1) * time.Minute)
}

// instant is a moment as the pages show it: the UTC instant for <time> and
// the script that shows it in the reader's zone, and the time in Paris.
type instant struct {
	ISO   string
	Paris string
}

func newInstant(t time.Time) instant {
	if t.IsZero() {
		return instant{}
	}
	return instant{ISO: t.UTC().Format(time.RFC3339), Paris: t.In(Paris).Format("02/01/2006 15:04")}
}

// callRow is a call as the search lists it.
type callRow struct {
	ID        int64
	Reference string
	Title     string
	TitleLang string
	Fallback  bool // the title is shown in French for want of the reader's language
	Summary   string
	Programme string
	Status    coopdec.CallStatus
	Deadline  instant
	Left      string
	Themes    []string
	Countries string
	// What the search page prints, written once here rather than by
	// template calls on every row.
	StatusName   string
	DeadlineText string
	ThemeNames   string
}

// callRowLabels are the labels every row of the search repeats.
type callRowLabels struct{ Fallback, Deadline, Countries, Themes string }

// callSearchData is what the search page shows.
type callSearchData struct {
	callRef
	form          url.Values
	Rows          []callRow
	Pager         *pager
	Valid         bool
	CanCreate     bool
	Themes        []coopdec.Theme
	Programmes    []coopdec.Programme
	Organisations []coopdec.Organisation
	Statuses      []string
	Sorts         []string
	Labels        callRowLabels
}

// Has reports whether the search asks for value in the repeatable name.
func (d *callSearchData) Has(name, value string) bool { return slices.Contains(d.form[name], value) }

// callRef gives the call templates the names of reference data in the
// reader's language.
type callRef struct{ refData }

// ThemeName names a theme in the reader's language.
func (d callRef) ThemeName(t coopdec.Theme) string { return t.Name(d.lang) }

// ProgrammeName names a programme in the reader's language.
func (d callRef) ProgrammeName(p coopdec.Programme) string { return p.Name(d.lang) }

// RegionName names a région by its INSEE code.
func (d callRef) RegionName(code string) string { return coopdec.RegionName(code) }

// Regions lists the INSEE codes of the régions.
func (d callRef) Regions() []string { return coopdec.Regions() }

// Filtered reports whether any filter is set, to offer resetting them.
func (d *callSearchData) Filtered() bool {
	for k, vs := range d.form {
		if k == "page" || k == "sort" {
			continue
		}
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				return true
			}
		}
	}
	return false
}

// callSearchPage is the public search of calls, with every state in the
// query string so that a search can be shared.
func (s *Server) callSearchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := info(r).lang
	u := currentUser(r)
	q := r.URL.Query()
	d := &callSearchData{callRef: callRef{refData{lang}}, form: q, CanCreate: coopdec.CanCreateCall(u),
		Themes: coopdec.Themes(), Statuses: []string{searchForecast, searchOpen, searchClosed},
		Sorts: []string{sqldb.SortRelevance, sqldb.SortDeadline, sqldb.SortPublished}}
	var err error
	if d.Programmes, err = s.db.Programmes(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	if d.Organisations, err = s.db.CallOrganisations(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	v := s.newView(r, "callpages.search.title", d)
	v.Form = q
	cs, err := parseCallSearch(q)
	if err != nil {
		if coopdec.ErrorCode(err) != coopdec.EINVALID {
			s.error(w, r, err)
			return
		}
		addSearchErrors(v, err)
		s.render(w, r, http.StatusUnprocessableEntity, "call_search", v)
		return
	}
	if cs.Filter.Country != "" {
		q.Set("country", cs.Filter.Country) // so that the select shows it
	}
	cs.Filter.IncludeDraftsFor = sqldb.DraftAccessFor(u)
	calls, page, err := s.db.SearchCalls(ctx, cs.Filter, cs.Page)
	if err != nil {
		if coopdec.ErrorCode(err) == coopdec.EINVALID {
			addSearchErrors(v, err)
			s.render(w, r, http.StatusUnprocessableEntity, "call_search", v)
			return
		}
		s.error(w, r, err)
		return
	}
	progs := map[int64]coopdec.Programme{}
	for _, p := range d.Programmes {
		progs[p.ID] = p
	}
	now := s.db.Now()
	for i := range calls {
		c := &calls[i]
		text, tl := c.Text(lang)
		row := callRow{ID: c.ID, Reference: c.Reference, Title: text.Title, TitleLang: tl, Fallback: tl != lang,
			Summary: text.Summary, Programme: progs[c.ProgrammeID].Name(lang),
			Status: coopdec.CallStatusAt(c, now), Deadline: newInstant(c.Deadline), Left: s.timeLeft(lang, c.Deadline, now)}
		for _, code := range c.Themes {
			if t, ok := coopdec.ThemeByCode(code); ok {
				row.Themes = append(row.Themes, t.Name(lang))
			}
		}
		row.Countries = s.countriesSummary(lang, c.Rules.Countries)
		row.StatusName = s.cat.T(lang, "callpages.status."+string(row.Status))
		if row.Deadline.ISO != "" {
			row.DeadlineText = s.cat.T(lang, "callpages.time.paris", row.Deadline.Paris)
		}
		row.ThemeNames = strings.Join(row.Themes, ", ")
		d.Rows = append(d.Rows, row)
	}
	d.Labels = callRowLabels{Fallback: s.cat.T(lang, "callpages.fallback.short"), Deadline: s.cat.T(lang, "callpages.date.deadline"),
		Countries: s.cat.T(lang, "callpages.field.countries"), Themes: s.cat.T(lang, "callpages.field.themes")}
	d.Pager, d.Valid = newPager(r, page), true
	s.render(w, r, http.StatusOK, "call_search", v)
}

// addSearchErrors shows the search's errors next to their controls; page
// and per_page have none, so theirs are shown in the summary only.
func addSearchErrors(v *view, err error) {
	var list coopdec.Errors
	if !errors.As(err, &list) {
		v.addError(err)
		return
	}
	for _, e := range list {
		if e.Field == "page" || e.Field == "per_page" {
			v.addError(coopdec.Errorf(e.Code, e.Key, e.Args...))
			continue
		}
		v.addError(e)
	}
}

// countriesSummary names where a call's projects may take place, shortened
// past a few names.
func (s *Server) countriesSummary(lang string, codes []string) string {
	if len(codes) == 0 {
		return s.cat.T(lang, "callpages.countries.anywhere")
	}
	names := placeNames(lang, codes, false)
	const shown = 4
	if len(names) > shown+1 {
		return s.cat.T(lang, "callpages.countries.more", strings.Join(names[:shown], ", "), len(names)-shown)
	}
	return strings.Join(names, ", ")
}

// viewableCall loads the call named by the path's id if the reader may see
// it; a malformed id, or a draft or call not published yet that the reader
// may not see, is answered exactly as a missing call. The pages and the API
// both use it.
func (s *Server) viewableCall(r *http.Request) (*coopdec.Call, error) {
	id, err := apiPathID(r, "id", "call.not_found")
	if err != nil {
		return nil, err
	}
	c, err := s.db.Call(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !coopdec.CanViewCall(currentUser(r), c, s.db.Now()) {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "call.not_found")
	}
	return c, nil
}

// ruleLine is one rule of a call in plain words, with an optional link.
type ruleLine struct {
	Text     string
	LinkHref string
	LinkText string
}

// funderRow is a funder as the call page lists it.
type funderRow struct {
	OrgID    int64
	Name     string
	Envelope string
	Share    string
}

// resultRow is the outcome of one eligibility rule, in the reader's words.
type resultRow struct {
	Rule        string
	Status      coopdec.RuleStatus
	StatusLabel string
	Message     string
	LinkHref    string // the call to apply to instead
	LinkText    string
}

// amendmentRow is an amendment as the call page lists it.
type amendmentRow struct {
	At      instant
	Reason  string
	Changes []changeLine
}

// changeLine is one change of an amendment in the reader's words: what
// changed, and either its old and new values or a note (a text reworded).
// A change recorded before changes had fields has only New.
type changeLine struct {
	Label    string
	Old, New changeValue
	Note     string
}

// changeValue is a value as the page shows it; ISO is set for an instant,
// Lang for words of a call's text.
type changeValue struct {
	Text string
	ISO  string
	Lang string
}

// timelineRow is one date of a call.
type timelineRow struct {
	Label string
	At    instant
}

// callShowData is what a call's page shows.
type callShowData struct {
	refData
	Call         *coopdec.Call
	Text         coopdec.CallText
	TextLang     string
	Fallback     bool     // shown in French for want of the reader's language
	OtherLangs   []string // the call's other languages
	Programme    string
	Status       coopdec.CallStatus
	Paragraphs   []string
	Rules        []ruleLine
	Documents    []string
	CoManagers   []funderRow
	Funders      []funderRow
	Timeline     []timelineRow
	Deadline     instant
	Left         string
	Amendments   []amendmentRow
	Applicant    bool // the reader acts for a French local authority
	Results      []resultRow
	Eligible     bool
	CanEdit      bool
	Transitions  []coopdec.CallStatus
	Themes       []string
	DecisionRule string
	// Selected lists the projects of the final decision, once published.
	Selected *selectedProjects
	// Applying: whether the reader may start an application (and for which
	// of their authorities), their applications to the call, and whether
	// they may list the call's applications.
	CanApply        bool
	Leads           []aplChoice
	MyApplications  []aplChoice
	CanListApplying bool
}

// callShow is a call's page.
func (s *Server) callShow(w http.ResponseWriter, r *http.Request) {
	c, err := s.viewableCall(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.callShowView(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	switch r.URL.Query().Get("ok") {
	case "created":
		v.Flash = v.T("callpages.flash.created")
	case "updated":
		v.Flash = v.T("callpages.flash.updated")
	case "amended":
		v.Flash = v.T("callpages.flash.amended")
	case "status":
		v.Flash = v.T("callpages.flash.status", v.T("callpages.status."+string(coopdec.CallStatusAt(c, s.db.Now()))))
	}
	s.render(w, r, http.StatusOK, "call_show", v)
}

// callShowView builds the call page's view; the status form's errors are
// added by its handler.
func (s *Server) callShowView(r *http.Request, c *coopdec.Call) (*view, error) {
	ctx := r.Context()
	lang := info(r).lang
	u := currentUser(r)
	now := s.db.Now()
	d := &callShowData{refData: refData{lang}, Call: c, Status: coopdec.CallStatusAt(c, now)}

	// ?lang= reads the call in another of its languages; the interface
	// stays in the reader's.
	want := lang
	if l := r.URL.Query().Get("lang"); l != "" && coopdec.ValidLanguage(l) {
		want = l
	}
	d.Text, d.TextLang = c.Text(want)
	d.Fallback = d.TextLang != want
	for _, l := range coopdec.Languages {
		if _, ok := c.Texts[l]; ok && l != d.TextLang {
			d.OtherLangs = append(d.OtherLangs, l)
		}
	}
	for _, p := range strings.Split(strings.ReplaceAll(d.Text.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.Paragraphs = append(d.Paragraphs, p)
		}
	}
	progs, err := s.db.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		if p.ID == c.ProgrammeID {
			d.Programme = p.Name(lang)
		}
	}
	for _, code := range c.Themes {
		if t, ok := coopdec.ThemeByCode(code); ok {
			d.Themes = append(d.Themes, t.Name(lang))
		}
	}
	d.DecisionRule = s.cat.T(lang, "callpages.decision."+string(c.DecisionRule))

	ids := slices.Clone(c.CoManagers)
	for _, f := range c.Funders {
		ids = append(ids, f.OrganisationID)
	}
	orgs, err := s.db.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range c.CoManagers {
		d.CoManagers = append(d.CoManagers, funderRow{OrgID: id, Name: orgs[id].Name})
	}
	for _, f := range c.Funders {
		row := funderRow{OrgID: f.OrganisationID, Name: orgs[f.OrganisationID].Name, Share: coopdec.FormatBasisPoints(lang, f.ShareBP)}
		if f.EnvelopeCents > 0 {
			row.Envelope = coopdec.FormatEuroCents(lang, f.EnvelopeCents)
		}
		d.Funders = append(d.Funders, row)
	}

	targets, err := s.redirectTargets(ctx, u, c)
	if err != nil {
		return nil, err
	}
	d.Rules = s.ruleLines(lang, c, targets)
	for _, doc := range c.Rules.RequiredDocuments {
		d.Documents = append(d.Documents, s.documentName(lang, doc))
	}

	for _, t := range []struct {
		key string
		at  time.Time
	}{
		{"callpages.date.publish_at", c.PublishAt}, {"callpages.date.opens_at", c.OpensAt},
		{"callpages.date.deadline", c.Deadline}, {"callpages.date.evaluation_at", c.EvaluationAt},
		{"callpages.date.results_at", c.ResultsAt},
	} {
		if !t.at.IsZero() {
			d.Timeline = append(d.Timeline, timelineRow{Label: s.cat.T(lang, t.key), At: newInstant(t.at)})
		}
	}
	d.Deadline, d.Left = newInstant(c.Deadline), s.timeLeft(lang, c.Deadline, now)
	if d.Selected, err = s.selectedProjects(ctx, lang, c); err != nil {
		return nil, err
	}

	amendments, err := s.db.CallAmendments(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	// Organisations are named as they are called now, including those no
	// longer part of the call.
	var changed []int64
	for _, a := range amendments {
		for _, ch := range a.Changes {
			changed = append(changed, changeOrganisations(ch)...)
		}
	}
	changedOrgs, err := s.db.OrganisationsByID(ctx, changed)
	if err != nil {
		return nil, err
	}
	names := changeNames{orgs: changedOrgs, programmes: progs}
	for i := len(amendments) - 1; i >= 0; i-- { // newest first
		a := amendments[i]
		row := amendmentRow{At: newInstant(a.At), Reason: a.Reason}
		for _, ch := range a.Changes {
			row.Changes = append(row.Changes, s.changeLine(lang, ch, names))
		}
		d.Amendments = append(d.Amendments, row)
	}

	facts, ok, err := s.applicantFacts(ctx, u)
	if err != nil {
		return nil, err
	}
	if ok {
		d.Applicant = true
		el := coopdec.CheckEligibility(c.Rules, c.Themes, facts)
		d.Results, d.Eligible = s.resultRows(lang, el, targets), el.Eligible()
	}

	d.CanApply = coopdec.CanCreateApplication(u, c, now)
	d.Leads = aplLeadChoices(u)
	if d.MyApplications, err = s.aplCallApplications(ctx, u, c, lang); err != nil {
		return nil, err
	}
	d.CanListApplying = coopdec.CanListCallApplications(u, c)

	d.CanEdit = coopdec.CanEditCall(u, c)
	if d.CanEdit {
		for _, to := range []coopdec.CallStatus{coopdec.CallPublished, coopdec.CallEvaluation, coopdec.CallDecided, coopdec.CallResults} {
			if coopdec.CanChangeCallStatus(u, d.Status, to) {
				d.Transitions = append(d.Transitions, to)
			}
		}
	}
	// The layout translates the title; a call's title is no catalogue key,
	// so it comes out as is.
	return s.newView(r, d.Text.Title, d), nil
}

// changeNames is what naming the values of changes takes from the database.
type changeNames struct {
	orgs       map[int64]coopdec.Organisation
	programmes []coopdec.Programme
}

func (n changeNames) org(id string) string {
	if i, err := strconv.ParseInt(id, 10, 64); err == nil {
		if o, ok := n.orgs[i]; ok {
			return o.Name
		}
	}
	return "#" + id
}

// changeOrganisations returns the organisations a change names, by ID.
func changeOrganisations(ch coopdec.CallChange) []int64 {
	var ids []string
	switch field, _, _ := strings.Cut(ch.Field, "."); field {
	case "co_managers", "funders":
		ids = slices.Concat(strings.Split(ch.Old, ","), strings.Split(ch.New, ","))
	case "funder":
		ids = []string{strings.Split(ch.Field, ".")[1]}
	}
	var out []int64
	for _, id := range ids {
		if i, err := strconv.ParseInt(id, 10, 64); err == nil {
			out = append(out, i)
		}
	}
	return out
}

// changeLine puts a change of an amendment in lang. Labels come from the
// catalogue (callpages.change.<field>); a field it does not know shows its
// code, and a value that does not read shows as stored.
func (s *Server) changeLine(lang string, ch coopdec.CallChange, names changeNames) changeLine {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	known := func(key string) bool { return t(key) != key }
	if ch.Field == "" {
		return changeLine{New: changeValue{Text: ch.New}}
	}
	line := changeLine{Label: ch.Field}
	parts := strings.Split(ch.Field, ".")
	switch {
	case parts[0] == "text" && len(parts) <= 3 && known("callpages.change.lang."+parts[1]):
		key := "callpages.change." + parts[0]
		if len(parts) == 3 {
			key += "." + parts[2]
		}
		if known(key) {
			line.Label = t(key, t("callpages.change.lang."+parts[1]))
		}
		if len(parts) == 3 && parts[2] != "title" {
			line.Note = t("callpages.change.rewritten")
		}
	case parts[0] == "funder" && len(parts) == 3 && known("callpages.change.funder."+parts[2]):
		line.Label = t("callpages.change.funder."+parts[2], names.org(parts[1]))
	case parts[0] == "funder" && len(parts) == 2:
		line.Label = t("callpages.change.funder")
	case known("callpages.change." + ch.Field):
		line.Label = t("callpages.change." + ch.Field)
	}
	if line.Note == "" {
		line.Old, line.New = s.changeValue(lang, ch, ch.Old, names), s.changeValue(lang, ch, ch.New, names)
	}
	return line
}

// changeValue puts one value of a change in lang: dates in Paris, amounts
// and shares as the page writes them, codes and IDs by their names.
func (s *Server) changeValue(lang string, ch coopdec.CallChange, v string, names changeNames) changeValue {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	if v == "" {
		return changeValue{Text: t("callpages.change.none")}
	}
	parts := strings.Split(ch.Field, ".")
	switch ch.Kind {
	case coopdec.ChangeDate:
		if at, err := time.Parse(time.RFC3339, v); err == nil {
			in := newInstant(at)
			return changeValue{Text: t("callpages.time.paris", in.Paris), ISO: in.ISO}
		}
	case coopdec.ChangeMoney:
		if cents, err := strconv.ParseInt(v, 10, 64); err == nil {
			return changeValue{Text: coopdec.FormatEuroCents(lang, cents)}
		}
	case coopdec.ChangePercent:
		if bp, err := strconv.Atoi(v); err == nil {
			return changeValue{Text: coopdec.FormatBasisPoints(lang, bp)}
		}
	case coopdec.ChangeText:
		if parts[0] == "text" && len(parts) > 1 {
			return changeValue{Text: v, Lang: parts[1]}
		}
	case coopdec.ChangeList:
		items := strings.Split(v, ",")
		switch ch.Field {
		case "themes":
			for i, code := range items {
				if th, ok := coopdec.ThemeByCode(code); ok {
					items[i] = th.Name(lang)
				}
			}
		case "co_managers", "funders":
			for i, id := range items {
				items[i] = names.org(id)
			}
		case "rules.countries", "rules.partner_countries", "rules.beneficiary_countries":
			items = placeNames(lang, items, false)
		case "rules.excluded":
			for i, item := range items {
				code, call, redirect := strings.Cut(item, ":")
				name := code
				if c, ok := coopdec.CountryByCode(code); ok {
					name = c.Name(lang)
				}
				items[i] = name
				if redirect {
					items[i] = t("callpages.change.excluded.redirect", name, call)
				}
			}
		case "rules.lead_types":
			for i, code := range items {
				if key := "orgs.authority_type." + code; t(key) != key {
					items[i] = t(key)
				}
			}
		case "rules.required_documents":
			for i, code := range items {
				items[i] = s.documentName(lang, code)
			}
		}
		return changeValue{Text: strings.Join(items, ", ")}
	case coopdec.ChangePlain:
		key := ""
		switch {
		case ch.Field == "programme":
			for _, p := range names.programmes {
				if strconv.FormatInt(p.ID, 10) == v {
					return changeValue{Text: p.Name(lang)}
				}
			}
			return changeValue{Text: "#" + v}
		case ch.Field == "decision_rule":
			key = "callpages.change.decision." + v
		case ch.Field == "status":
			key = "callpages.status." + v
		case parts[0] == "funder" && len(parts) == 2:
			return changeValue{Text: names.org(v)}
		case ch.Field == "rules.lead_region":
			return changeValue{Text: coopdec.RegionName(v)}
		case v == "true":
			key = "callpages.change.yes"
		case v == "false":
			key = "callpages.change.no"
		case strings.HasSuffix(ch.Field, "_months"):
			return changeValue{Text: t("callpages.change.months", v)}
		}
		if key != "" && t(key) != key {
			return changeValue{Text: t(key)}
		}
	}
	return changeValue{Text: v}
}

// documentName names a required document in lang, its code when unknown.
func (s *Server) documentName(lang, code string) string {
	if n := s.cat.T(lang, "eligibility.document."+code); n != "eligibility.document."+code {
		return n
	}
	return code
}

// authorityTypeNames names types of French local authority in lang.
func (s *Server) authorityTypeNames(lang string, types []coopdec.AuthorityType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = s.cat.T(lang, "orgs.authority_type."+string(t))
	}
	return strings.Join(names, ", ")
}

// ruleLines says a call's rules in plain words, in the order an applicant
// checks them.
// Redirects link only to the calls of targets the reader may see.
func (s *Server) ruleLines(lang string, c *coopdec.Call, targets *redirectTargets) []ruleLine {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	r := c.Rules
	var out []ruleLine
	add := func(key string, args ...any) { out = append(out, ruleLine{Text: t(key, args...)}) }
	if len(r.Countries) == 0 {
		add("callpages.rule.countries.any")
	} else {
		add("callpages.rule.countries", strings.Join(placeNames(lang, r.Countries, true), ", "))
	}
	for _, e := range r.Excluded {
		name := coopdec.Country{Code: e.Country}.Name(lang)
		line := ruleLine{Text: t("callpages.rule.excluded", name)}
		if rc := targets.visible[e.RedirectCallID]; rc != nil {
			text, _ := rc.Text(lang)
			line.Text = t("callpages.rule.excluded.redirect", name)
			line.LinkHref, line.LinkText = "/appels/"+strconv.FormatInt(rc.ID, 10), text.Title
		}
		out = append(out, line)
	}
	if len(r.LeadTypes) > 0 {
		add("callpages.rule.lead_types", s.authorityTypeNames(lang, r.LeadTypes))
	} else {
		add("callpages.rule.lead_types.any")
	}
	if r.LeadRegion != "" {
		add("callpages.rule.lead_region", coopdec.RegionName(r.LeadRegion))
	}
	if len(r.PartnerCountries) > 0 {
		add("callpages.rule.partner", strings.Join(placeNames(lang, r.PartnerCountries, true), ", "))
	}
	if len(r.BeneficiaryCountries) > 0 {
		add("callpages.rule.beneficiary", strings.Join(placeNames(lang, r.BeneficiaryCountries, true), ", "))
	}
	if r.MaxGrantCents > 0 {
		add("callpages.rule.max_grant", coopdec.FormatEuroCents(lang, r.MaxGrantCents))
	}
	if r.MaxFundersShareBP > 0 {
		add("callpages.rule.funders_share", coopdec.FormatBasisPoints(lang, r.MaxFundersShareBP))
	}
	if r.MinOwnShareBP > 0 {
		add("callpages.rule.own_share", coopdec.FormatBasisPoints(lang, r.MinOwnShareBP))
	}
	if r.MaxInKindOfOwnBP > 0 {
		add("callpages.rule.in_kind", coopdec.FormatBasisPoints(lang, r.MaxInKindOfOwnBP))
	}
	switch mn, mx := r.MinDurationMonths, r.MaxDurationMonths; {
	case mn > 0 && mx > 0:
		add("callpages.rule.duration.between", mn, mx)
	case mn > 0:
		add("callpages.rule.duration.min", mn)
	case mx > 0:
		add("callpages.rule.duration.max", mx)
	}
	if r.NoOverdueReports {
		add("callpages.rule.no_overdue_reports")
	}
	if r.PartnersMustConfirm {
		add("callpages.rule.partners_must_confirm")
	}
	return out
}

// resultRows renders an eligibility check in lang, with a link to the call
// to apply to instead only when targets says the reader may see it.
func (s *Server) resultRows(lang string, el coopdec.Eligibility, targets *redirectTargets) []resultRow {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	el = el.HideRedirects(targets.Visible)
	rows := make([]resultRow, 0, len(el.Results))
	for _, res := range el.Results {
		row := resultRow{Rule: res.Rule, Status: res.Status, Message: res.Message(lang, t),
			StatusLabel: t("callpages.result." + string(res.Status))}
		if res.RedirectCallID != 0 {
			row.LinkHref = "/appels/" + strconv.FormatInt(res.RedirectCallID, 10)
			row.LinkText = t("callpages.result.redirect")
		}
		rows = append(rows, row)
	}
	return rows
}
