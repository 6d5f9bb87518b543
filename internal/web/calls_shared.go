package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// What the call pages and the calls API share: reading a search from query
// parameters, and the facts known about the reader as an applicant.

// Public statuses of a call in the search, as the funding directories name
// them.
const (
	searchForecast = "forecast" // published, not open yet
	searchOpen     = "open"
	searchClosed   = "closed" // closed, and every later stage
)

// callSearch is a search of calls as read from a URL, kept to render the
// form and the shareable links again.
type callSearch struct {
	Filter sqldb.CallFilter
	Page   coopdec.Page
	Query  url.Values
}

// parseCallSearch reads q, theme (repeatable), country, lead_type,
// programme, organisation, status (repeatable: forecast, open, closed),
// deadline_from and deadline_to (YYYY-MM-DD, days in Europe/Paris), sort
// (relevance, deadline, published), page and per_page. Every bad value is
// reported with the field it came from.
func parseCallSearch(q url.Values) (callSearch, error) {
	cs := callSearch{Query: q}
	f := &cs.Filter
	var errs coopdec.Errors
	f.Query = strings.TrimSpace(q.Get("q"))
	for _, t := range q["theme"] {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if _, ok := coopdec.ThemeByCode(t); !ok {
			errs = append(errs, coopdec.FieldError("theme", "search.theme.invalid", t))
			continue
		}
		f.Themes = append(f.Themes, t)
	}
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); c != "" {
		if _, ok := coopdec.CountryByCode(c); !ok {
			errs = append(errs, coopdec.FieldError("country", "org.country.invalid", c))
		}
		f.Country = c
	}
	if lt := coopdec.AuthorityType(strings.TrimSpace(q.Get("lead_type"))); lt != "" {
		if !lt.Valid() {
			errs = append(errs, coopdec.FieldError("lead_type", "search.lead_type.invalid"))
		}
		f.LeadType = lt
	}
	f.ProgrammeID = parseSearchID(q, "programme", "search.programme.invalid", &errs)
	f.OrganisationID = parseSearchID(q, "organisation", "search.organisation.invalid", &errs)
	for _, st := range q["status"] {
		switch strings.TrimSpace(st) {
		case "":
		case searchForecast:
			f.Statuses = append(f.Statuses, coopdec.CallPublished)
		case searchOpen:
			f.Statuses = append(f.Statuses, coopdec.CallOpen)
		case searchClosed:
			f.Statuses = append(f.Statuses, coopdec.CallClosed, coopdec.CallEvaluation, coopdec.CallDecided, coopdec.CallResults)
		default:
			errs = append(errs, coopdec.FieldError("status", "search.status.invalid"))
		}
	}
	f.DeadlineFrom = parseSearchDay(q, "deadline_from", 0, &errs)
	f.DeadlineTo = parseSearchDay(q, "deadline_to", 1, &errs) // the whole last day is included
	if !f.DeadlineFrom.IsZero() && !f.DeadlineTo.IsZero() && !f.DeadlineFrom.Before(f.DeadlineTo) {
		errs = append(errs, coopdec.FieldError("deadline_to", "search.deadline.order"))
	}
	switch s := strings.TrimSpace(q.Get("sort")); s {
	case "", sqldb.SortRelevance, sqldb.SortDeadline, sqldb.SortPublished:
		f.Sort = s
	default:
		errs = append(errs, coopdec.FieldError("sort", "call.search.sort_invalid"))
	}
	cs.Page = coopdec.NewPage(1, 20)
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, coopdec.FieldError("page", "api.query.page.invalid"))
		} else {
			cs.Page.Page = n
		}
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxPerPage {
			errs = append(errs, coopdec.FieldError("per_page", "api.query.per_page.invalid", apiMaxPerPage))
		} else {
			cs.Page.PerPage = n
		}
	}
	return cs, errs.Err()
}

func parseSearchID(q url.Values, name, key string, errs *coopdec.Errors) int64 {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		*errs = append(*errs, coopdec.FieldError(name, key))
		return 0
	}
	return id
}

// parseSearchDay reads a day as midnight in Paris, plus addDays.
func parseSearchDay(q url.Values, name string, addDays int, errs *coopdec.Errors) time.Time {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation("2006-01-02", v, Paris)
	if err != nil {
		*errs = append(*errs, coopdec.FieldError(name, "search.date.invalid"))
		return time.Time{}
	}
	return d.AddDate(0, 0, addDays)
}

// applicantFacts returns what is known of the reader as the lead of an
// application: its French local authority, if it belongs to one. The second
// result is false when the reader acts for no French local authority.
func (s *Server) applicantFacts(ctx context.Context, u *coopdec.User) (coopdec.ApplicationFacts, bool, error) {
	var f coopdec.ApplicationFacts
	if u == nil {
		return f, false, nil
	}
	for _, m := range u.Memberships {
		if m.OrganisationKind != coopdec.OrgFrenchAuthority {
			continue
		}
		org, err := s.db.Organisation(ctx, m.OrganisationID)
		if err != nil {
			return f, false, err
		}
		f.LeadKind = org.Kind
		f.LeadAuthorityType = org.AuthorityType
		f.LeadRegion = org.RegionCode
		return f, true, nil
	}
	return f, false, nil
}

// redirectTargets are the calls that exclusions send applicants to, loaded
// once per request, split by whether the reader may see them: a link to a
// draft would reveal it, and a link to a missing call leads nowhere.
type redirectTargets struct {
	visible map[int64]*coopdec.Call
	hidden  map[int64]bool // exist, but the reader may not see them
}

// redirectTargets loads the redirect targets of calls for u.
func (s *Server) redirectTargets(ctx context.Context, u *coopdec.User, calls ...*coopdec.Call) (*redirectTargets, error) {
	rt := &redirectTargets{visible: map[int64]*coopdec.Call{}, hidden: map[int64]bool{}}
	now := s.db.Now()
	for _, c := range calls {
		for _, e := range c.Rules.Excluded {
			id := e.RedirectCallID
			if id == 0 || rt.visible[id] != nil || rt.hidden[id] {
				continue
			}
			target, err := s.db.Call(ctx, id)
			switch {
			case coopdec.ErrorCode(err) == coopdec.ENOTFOUND:
				continue
			case err != nil:
				return nil, err
			case coopdec.CanViewCall(u, target, now):
				rt.visible[id] = target
			default:
				rt.hidden[id] = true
			}
		}
	}
	return rt, nil
}

// Visible reports whether the reader may follow a redirect to the call id.
func (rt *redirectTargets) Visible(id int64) bool { return rt.visible[id] != nil }

// exclusions returns es without the redirects the reader may not follow.
func (rt *redirectTargets) exclusions(es []coopdec.Exclusion) []coopdec.Exclusion {
	out := make([]coopdec.Exclusion, len(es))
	for i, e := range es {
		if e.RedirectCallID != 0 && !rt.Visible(e.RedirectCallID) {
			e.RedirectCallID = 0
		}
		out[i] = e
	}
	return out
}

// keepHidden puts back into next the redirects of old the editor could not
// see, and so could not send back: an exclusion of the same country sent
// without a redirect keeps its hidden one rather than losing it.
func (rt *redirectTargets) keepHidden(old, next []coopdec.Exclusion) {
	for i, e := range next {
		if e.RedirectCallID != 0 {
			continue
		}
		for _, o := range old {
			if rt.hidden[o.RedirectCallID] && strings.EqualFold(strings.TrimSpace(o.Country), strings.TrimSpace(e.Country)) {
				next[i].RedirectCallID = o.RedirectCallID
			}
		}
	}
}
