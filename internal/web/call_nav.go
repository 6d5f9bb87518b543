package web

import (
	"net/http"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
)

// callNav is the row of links between a call's management pages:
// applications, evaluation set-up, assignments, embassy opinions, committee,
// decisions and envelopes. Pages that show it carry it in their data as Nav
// and include {{template "call_nav" .}}.
type callNav struct {
	Links []callNavLink
}

type callNavLink struct {
	Href    string
	Key     string // catalogue key of the label
	Current bool
}

// Call management sections, as pages name the one they are.
const (
	navApplications = "applications"
	navEvaluation   = "evaluation"
	navAssignments  = "assignments"
	navOpinions     = "opinions"
	navCommittee    = "committee"
	navDecisions    = "decisions"
	navEnvelopes    = "envelopes"
)

// newCallNav returns the links u may follow for c, current marking the
// page being shown. Users who do not run c get no links.
func newCallNav(r *http.Request, c *coopdec.Call, current string) callNav {
	u := currentUser(r)
	if u == nil || c == nil || !coopdec.CanRunCommittee(u, c) {
		return callNav{}
	}
	base := "/appels/" + strconv.FormatInt(c.ID, 10)
	sections := []struct{ name, href string }{
		{navApplications, base + "/candidatures"},
		{navEvaluation, base + "/evaluation"},
		{navAssignments, base + "/evaluation/affectations"},
		{navOpinions, base + "/avis"},
		{navCommittee, base + "/comite"},
		{navDecisions, base + "/decisions"},
		{navEnvelopes, base + "/enveloppes"},
	}
	var nav callNav
	for _, sec := range sections {
		nav.Links = append(nav.Links, callNavLink{Href: sec.href, Key: "callnav." + sec.name, Current: sec.name == current})
	}
	return nav
}
