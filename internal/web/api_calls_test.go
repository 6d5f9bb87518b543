package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// callFixture adds to apiFixture the programmes and calls of the calls API
// tests: the Franco-Indian call (open, co-managed by an Indian ministry), the
// Franco-Brazilian call (a draft co-managed by a Brazilian agency), the
// Franco-Moroccan call, and a Mediterranean-fund-like call that excludes
// Morocco and sends it to the Franco-Moroccan one.
type callFixture struct {
	*apiFixture
	med, joint                        *coopdec.Programme
	india, brazil, ministry           *coopdec.Organisation
	indianCoMgr, brazilCoMgr          *coopdec.User
	tIndianCoMgr, tBrazilCoMgr        string
	indian, brazilian, moroccan, medC *coopdec.Call
}

func newCallFixture(t *testing.T) *callFixture {
	t.Helper()
	return newAPIFixture(t).withCalls()
}

// withCalls adds the calls and the people who run them to an apiFixture.
func (af *apiFixture) withCalls() *callFixture {
	t := af.t
	t.Helper()
	f := &callFixture{apiFixture: af}
	ctx := context.Background()
	prog := func(code, fr, en string) *coopdec.Programme {
		p := &coopdec.Programme{Code: code, Names: map[string]string{"fr": fr, "en": en}}
		if err := f.db.CreateProgramme(ctx, p, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.med = prog("med-fund", "Fonds Méditerranée", "Mediterranean Fund")
	f.joint = prog("joint-calls", "Appels conjoints", "Joint calls")
	f.india = f.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministry of Panchayati Raj", Country: "IN"})
	f.brazil = f.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Agência Brasileira de Cooperação", Country: "BR"})
	f.ministry = f.org(&coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"})
	f.indianCoMgr = f.user("comgr.india@example.org", coopdec.RoleCoManager)
	f.brazilCoMgr = f.user("comgr.brazil@example.org", coopdec.RoleCoManager)
	f.member(f.indianCoMgr, f.india, coopdec.MemberRoleMember)
	f.member(f.brazilCoMgr, f.brazil, coopdec.MemberRoleMember)
	f.tIndianCoMgr, f.tBrazilCoMgr = f.token(f.indianCoMgr), f.token(f.brazilCoMgr)

	now := time.Now().UTC().Truncate(time.Second)
	open := func(c *coopdec.Call) *coopdec.Call {
		c.Status = coopdec.CallPublished
		c.PublishAt, c.OpensAt, c.Deadline = now.AddDate(0, -2, 0), now.AddDate(0, -1, 0), now.AddDate(0, 2, 0)
		return c
	}
	create := func(c *coopdec.Call) *coopdec.Call {
		if err := f.db.CreateCall(ctx, c, coopdec.Actor{}); err != nil {
			t.Fatalf("CreateCall(%s): %v", c.Reference, err)
		}
		return c
	}
	f.indian = create(open(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-IN-2026",
		Texts: map[string]coopdec.CallText{
			"fr": {Title: "Appel franco-indien", Summary: "Villes durables", Body: "Coopération entre villes indiennes et françaises."},
			"en": {Title: "Indo-French call", Summary: "Sustainable cities"}},
		CoManagers: []int64{f.india.ID}, Themes: []string{"economic_development"},
		Funders: []coopdec.Funder{{OrganisationID: f.ministry.ID, EnvelopeCents: 50_000_000, ShareBP: 5000},
			{OrganisationID: f.india.ID, EnvelopeCents: 50_000_000, ShareBP: 5000}},
		Rules: coopdec.EligibilityRules{Countries: []string{"IN"}, MaxGrantCents: 10_000_000}}))
	f.brazilian = create(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-BR-2026",
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Appel franco-brésilien"}, "pt": {Title: "Chamada franco-brasileira"}},
		CoManagers: []int64{f.brazil.ID}, Rules: coopdec.EligibilityRules{Countries: []string{"BR"}}})
	f.moroccan = create(open(&coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-MA-2026",
		Texts: map[string]coopdec.CallText{"fr": {Title: "Appel franco-marocain"}},
		Rules: coopdec.EligibilityRules{Countries: []string{"MA"}}}))
	f.medC = create(open(&coopdec.Call{ProgrammeID: f.med.ID, Reference: "FMED-2026",
		Texts:  map[string]coopdec.CallText{"fr": {Title: "Fonds Méditerranée 2026", Summary: "Coopération méditerranéenne"}},
		Themes: []string{"local_governance", "water_sanitation"},
		Rules: coopdec.EligibilityRules{Countries: []string{"group:south_east_mediterranean"},
			Excluded:         []coopdec.Exclusion{{Country: "MA", RedirectCallID: f.moroccan.ID}},
			LeadRegion:       "93",
			PartnerCountries: []string{"group:south_east_mediterranean"}}}))
	return f
}

// apiCallRequestOf is the request document that recreates c.
func apiCallRequestOf(c *coopdec.Call) map[string]any {
	texts := map[string]any{}
	for l, t := range c.Texts {
		texts[l] = map[string]string{"title": t.Title, "summary": t.Summary, "body": t.Body}
	}
	date := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(time.RFC3339)
	}
	funders := []any{}
	for _, f := range c.Funders {
		funders = append(funders, map[string]any{"organisation_id": f.OrganisationID, "envelope_cents": f.EnvelopeCents, "share_bp": f.ShareBP})
	}
	rules, _ := json.Marshal(apiRulesOf(c.Rules))
	var r map[string]any
	_ = json.Unmarshal(rules, &r)
	return map[string]any{"programme_id": c.ProgrammeID, "reference": c.Reference, "texts": texts, "co_managers": orEmptyIDs(c.CoManagers),
		"funders": funders, "themes": orEmpty(c.Themes), "decision_rule": string(c.DecisionRule),
		"publish_at": date(c.PublishAt), "opens_at": date(c.OpensAt), "deadline": date(c.Deadline),
		"evaluation_at": date(c.EvaluationAt), "results_at": date(c.ResultsAt), "rules": r,
		"updated_at": c.UpdatedAt.UTC().Format(time.RFC3339Nano)}
}

func orEmptyIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// contractCalls drives every calls operation through its documented
// answers, checking requests and responses against the document.
func (f *callFixture) contractCalls() {
	t, c, bad := f.t, f.c, apiBadToken
	id := func(format string, call *coopdec.Call) string { return fmt.Sprintf(format, call.ID) }

	c.call("GET", "/api/v1/programmes", "", nil, http.StatusOK)
	c.call("GET", "/api/v1/programmes", bad, nil, http.StatusUnauthorized)

	c.call("GET", "/api/v1/calls?q=appel&theme=economic_development&country=in&lead_type=commune&status=open&status=forecast"+
		"&deadline_from=2020-01-01&deadline_to=2100-12-31&sort=deadline&page=1&per_page=5", "", nil, http.StatusOK)
	c.call("GET", fmt.Sprintf("/api/v1/calls?programme=%d&organisation=%d", f.joint.ID, f.india.ID), f.tOfficer, nil, http.StatusOK)
	c.call("GET", "/api/v1/calls?country=ZZ", "", nil, http.StatusUnprocessableEntity)
	c.invalid("GET", "/api/v1/calls?status=someday", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/calls", bad, nil, http.StatusUnauthorized)

	c.call("GET", id("/api/v1/calls/%d", f.indian), "", nil, http.StatusOK)
	c.call("GET", id("/api/v1/calls/%d", f.brazilian), f.tBrazilCoMgr, nil, http.StatusOK)
	c.call("GET", id("/api/v1/calls/%d", f.brazilian), "", nil, http.StatusNotFound)
	c.call("GET", "/api/v1/calls/999999", "", nil, http.StatusNotFound)
	c.call("GET", id("/api/v1/calls/%d", f.indian), bad, nil, http.StatusUnauthorized)

	newCall := map[string]any{"programme_id": f.joint.ID, "reference": "AAP-FR-SN-2027",
		"texts": map[string]any{"fr": map[string]string{"title": "Appel franco-sénégalais"}}, "rules": map[string]any{"countries": []string{"SN"}}}
	var created apiCallDoc
	c.call("POST", "/api/v1/calls", f.tOfficer, newCall, http.StatusCreated).decode(&created)
	c.call("POST", "/api/v1/calls", f.tIndianCoMgr, newCall, http.StatusForbidden)
	c.call("POST", "/api/v1/calls", f.tOfficer, map[string]any{"programme_id": f.joint.ID, "reference": "X",
		"texts": map[string]any{"fr": map[string]string{"title": "Sans pays"}}, "rules": map[string]any{"countries": []string{"ZZ"}}},
		http.StatusUnprocessableEntity)
	c.invalid("POST", "/api/v1/calls", f.tOfficer, map[string]any{"reference": "X"}, http.StatusUnprocessableEntity)
	c.anonymous("POST", "/api/v1/calls", newCall)

	upd := apiCallRequestOf(f.brazilian)
	upd["texts"].(map[string]any)["en"] = map[string]string{"title": "Franco-Brazilian call"}
	var brazilian apiCallDoc
	c.call("PUT", id("/api/v1/calls/%d", f.brazilian), f.tBrazilCoMgr, upd, http.StatusOK).decode(&brazilian)
	c.call("PUT", id("/api/v1/calls/%d", f.brazilian), f.tIndianCoMgr, upd, http.StatusNotFound)
	grab := apiCallRequestOf(f.brazilian)
	grab["updated_at"] = brazilian.UpdatedAt
	grab["co_managers"] = []int64{}
	if p := c.call("PUT", id("/api/v1/calls/%d", f.brazilian), f.tBrazilCoMgr, grab, http.StatusUnprocessableEntity); !slices.Equal(p.fields(), []string{"co_managers"}) {
		t.Errorf("a co-manager removing the co-managers: got fields %v; want co_managers refused", p.fields())
	}
	c.call("PUT", id("/api/v1/calls/%d", f.indian), f.tBrazilCoMgr, apiCallRequestOf(f.indian), http.StatusForbidden)
	stale := apiCallRequestOf(f.brazilian)
	stale["updated_at"] = f.brazilian.UpdatedAt.Format(time.RFC3339Nano) // before the change above
	c.call("PUT", id("/api/v1/calls/%d", f.brazilian), f.tOfficer, stale, http.StatusConflict)
	noReason := apiCallRequestOf(f.indian)
	noReason["rules"].(map[string]any)["max_grant_cents"] = 20_000_000
	c.call("PUT", id("/api/v1/calls/%d", f.indian), f.tOfficer, noReason, http.StatusUnprocessableEntity)
	c.anonymous("PUT", id("/api/v1/calls/%d", f.indian), noReason)

	st := id("/api/v1/calls/%d/status", f.brazilian)
	c.call("POST", st, f.tIndianCoMgr, map[string]string{"status": "published"}, http.StatusNotFound)
	c.call("POST", id("/api/v1/calls/%d/status", f.indian), f.tBrazilCoMgr, map[string]string{"status": "evaluation"}, http.StatusForbidden)
	c.call("POST", st, f.tOfficer, map[string]string{"status": "published"}, http.StatusUnprocessableEntity) // no dates yet
	c.call("POST", st, f.tOfficer, map[string]string{"status": "evaluation", "from": "published"}, http.StatusConflict)
	c.invalid("POST", st, f.tOfficer, map[string]string{"status": "withdrawn"}, http.StatusUnprocessableEntity)
	c.anonymous("POST", st, map[string]string{"status": "published"})
	c.call("POST", id("/api/v1/calls/%d/status", f.indian), f.tOfficer, map[string]string{"status": "closed"}, http.StatusUnprocessableEntity)
	now := time.Now().UTC()
	upd = apiCallRequestOf(f.brazilian)
	upd["updated_at"] = brazilian.UpdatedAt // the version the co-manager's change made
	upd["publish_at"], upd["opens_at"], upd["deadline"] = now.Add(-time.Hour).Format(time.RFC3339),
		now.Add(24*time.Hour).Format(time.RFC3339), now.AddDate(0, 1, 0).Format(time.RFC3339)
	c.call("PUT", id("/api/v1/calls/%d", f.brazilian), f.tOfficer, upd, http.StatusOK)
	var published apiCallDoc
	c.call("POST", st, f.tOfficer, map[string]string{"status": "published", "from": "draft"}, http.StatusOK).decode(&published)
	if published.Status != "published" {
		t.Errorf("status after publication: got %q; want published", published.Status)
	}

	am := id("/api/v1/calls/%d/amendments", f.indian)
	c.call("GET", am, "", nil, http.StatusOK)
	c.call("GET", id("/api/v1/calls/%d/amendments", &coopdec.Call{ID: created.ID}), f.tMemberA, nil, http.StatusNotFound)
	c.call("GET", am, bad, nil, http.StatusUnauthorized)

	el := id("/api/v1/calls/%d/eligibility", f.medC)
	c.call("POST", el, "", map[string]any{"countries": []string{"TN"}, "lead_kind": "french_authority", "lead_region": "93",
		"partners": []any{map[string]any{"kind": "foreign_authority", "country": "TN", "confirmed": true}}, "themes": []string{"water_sanitation"},
		"total_cost_cents": 100_000, "documents": []string{}}, http.StatusOK)
	c.call("POST", el, f.tMemberB, map[string]any{}, http.StatusOK)
	c.invalid("POST", el, "", map[string]any{"lead_kind": "town_hall"}, http.StatusUnprocessableEntity)
	c.call("POST", id("/api/v1/calls/%d/eligibility", &coopdec.Call{ID: created.ID}), "", map[string]any{}, http.StatusNotFound)
	c.call("POST", el, bad, map[string]any{}, http.StatusUnauthorized)
}

// apiCheckSeen fails for every documented status of the operations under
// prefix that the contract never saw.
func apiCheckSeen(t *testing.T, c *apiContract, prefix string) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	// The base document's paths: each area described in a fragment of
	// openapi/ checks its own.
	if err := json.Unmarshal(openAPIBase, &doc); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for p, item := range doc.Paths {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		for m, op := range item {
			key := strings.ToUpper(m) + " " + p
			for status := range op.Responses {
				var code int
				fmt.Sscan(status, &code)
				if code != 500 && !c.seen[key][code] {
					missing = append(missing, key+" → "+status)
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("documented but never exercised: %s", m)
	}
}

// TestAPICallsContract checks the calls operations against the document on
// their own, every documented status included.
func TestAPICallsContract(t *testing.T) {
	f := newCallFixture(t)
	f.contractCalls()
	f.withApplications().contractApplications() // the calls' applications are under /api/v1/calls too
	apiCheckSeen(t, f.c, "/api/v1/calls")
	apiCheckSeen(t, f.c, "/api/v1/programmes")
}

func TestAPICallFields(t *testing.T) {
	f := newCallFixture(t)
	c := f.c
	var doc apiCallDoc
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d", f.indian.ID), "", nil, http.StatusOK).decode(&doc)
	var raw map[string]json.RawMessage
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d", f.indian.ID), "", nil, http.StatusOK).decode(&raw)
	for _, k := range []string{"id", "programme", "title", "status", "opens_at", "deadline", "themes", "eligible_countries",
		"excluded_countries", "co_managers", "funders", "languages", "summary", "reference", "publish_at", "evaluation_at",
		"results_at", "decision_rule", "body", "rules", "updated_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("GET /api/v1/calls/{id} lacks %q", k)
		}
	}
	if doc.Programme != (apiProgrammeRef{ID: f.joint.ID, Code: "joint-calls", Name: "Appels conjoints"}) {
		t.Errorf("programme: got %+v", doc.Programme)
	}
	if doc.Title["fr"] != "Appel franco-indien" || doc.Title["en"] != "Indo-French call" {
		t.Errorf("title: got %v", doc.Title)
	}
	if doc.Status != "open" {
		t.Errorf("status: got %q; want open", doc.Status)
	}
	if !slices.Equal(doc.EligibleCountries, []string{"IN"}) || !slices.Equal(doc.Languages, []string{"fr", "en"}) {
		t.Errorf("eligible_countries %v, languages %v", doc.EligibleCountries, doc.Languages)
	}
	if d, err := time.Parse(time.RFC3339, *doc.Deadline); err != nil || !d.Equal(f.indian.Deadline) {
		t.Errorf("deadline: got %s; want %s", *doc.Deadline, f.indian.Deadline)
	}
	if len(doc.CoManagers) != 1 || doc.CoManagers[0] != (apiOrgRef{ID: f.india.ID, Name: "Ministry of Panchayati Raj"}) {
		t.Errorf("co_managers: got %+v", doc.CoManagers)
	}
	if len(doc.Funders) != 2 || doc.Funders[0].Organisation.Name != "Ministère (DAECT)" || doc.Funders[0].EnvelopeCents != 50_000_000 ||
		doc.Funders[1].ShareBP != 5000 {
		t.Errorf("funders: got %+v", doc.Funders)
	}
	if doc.Rules.MaxGrantCents != 10_000_000 || !slices.Equal(doc.Rules.Countries, []string{"IN"}) {
		t.Errorf("rules: got %+v", doc.Rules)
	}

	// The Mediterranean call: a group, less Morocco, sent to its own call.
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d", f.medC.ID), "", nil, http.StatusOK).decode(&doc)
	if slices.Contains(doc.EligibleCountries, "MA") || !slices.Contains(doc.EligibleCountries, "TN") || len(doc.EligibleCountries) != 10 {
		t.Errorf("eligible_countries: got %v; want the 11 south-east Mediterranean countries but MA", doc.EligibleCountries)
	}
	if len(doc.ExcludedCountries) != 1 || doc.ExcludedCountries[0].Country != "MA" || *doc.ExcludedCountries[0].RedirectCallID != f.moroccan.ID {
		t.Errorf("excluded_countries: got %+v", doc.ExcludedCountries)
	}

	// The programme's name follows the reader's language.
	res := f.apiLang("GET", "/api/v1/programmes", "", nil, "en")
	var ps apiList[apiProgrammeDoc]
	decode(t, res, &ps)
	if len(ps.Items) != 2 || ps.Items[0].Name != "Mediterranean Fund" || ps.Items[0].Names["fr"] != "Fonds Méditerranée" {
		t.Errorf("programmes in English: got %+v", ps.Items)
	}
}

// apiLang sends a request with Accept-Language.
func (f *callFixture) apiLang(method, path, token string, body any, lang string) *http.Response {
	f.t.Helper()
	var payload *strings.Reader
	if body != nil {
		payload = strings.NewReader(string(mustJSON(f.t, body)))
	} else {
		payload = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, payload)
	req.Header.Set("Accept-Language", lang)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestAPICallSearch(t *testing.T) {
	f := newCallFixture(t)
	c := f.c
	refs := func(path, token string) ([]string, apiPage[apiCallSummary]) {
		t.Helper()
		var page apiPage[apiCallSummary]
		c.call("GET", path, token, nil, http.StatusOK).decode(&page)
		var out []string
		for _, it := range page.Items {
			out = append(out, it.Reference)
		}
		sort.Strings(out)
		return out, page
	}
	got, page := refs("/api/v1/calls", "")
	if want := []string{"AAP-FR-IN-2026", "AAP-FR-MA-2026", "FMED-2026"}; !slices.Equal(got, want) || page.Total != 3 {
		t.Errorf("public list: got %v (total %d); want %v", got, page.Total, want)
	}
	if got, _ := refs("/api/v1/calls", f.tOfficer); len(got) != 4 {
		t.Errorf("officer's list: got %v; want the draft too", got)
	}
	if got, _ := refs("/api/v1/calls", f.tIndianCoMgr); slices.Contains(got, "AAP-FR-BR-2026") {
		t.Errorf("the Indian call's co-manager sees the Brazilian draft: %v", got)
	}
	if got, _ := refs("/api/v1/calls", f.tBrazilCoMgr); !slices.Contains(got, "AAP-FR-BR-2026") {
		t.Errorf("the Brazilian co-manager does not see its draft: %v", got)
	}
	if got, _ := refs("/api/v1/calls?country=tn", ""); !slices.Equal(got, []string{"FMED-2026"}) {
		t.Errorf("country=tn: got %v", got)
	}
	if got, _ := refs("/api/v1/calls?country=MA", ""); !slices.Equal(got, []string{"AAP-FR-MA-2026"}) {
		t.Errorf("country=MA (excluded from the fund): got %v", got)
	}
	if got, _ := refs("/api/v1/calls?theme=water_sanitation", ""); !slices.Equal(got, []string{"FMED-2026"}) {
		t.Errorf("theme: got %v", got)
	}
	if got, _ := refs(fmt.Sprintf("/api/v1/calls?programme=%d", f.med.ID), ""); !slices.Equal(got, []string{"FMED-2026"}) {
		t.Errorf("programme: got %v", got)
	}
	if got, _ := refs("/api/v1/calls?q=franco+indien", ""); !slices.Equal(got, []string{"AAP-FR-IN-2026"}) {
		t.Errorf("q: got %v", got)
	}
	if got, _ := refs("/api/v1/calls?status=forecast", ""); len(got) != 0 {
		t.Errorf("status=forecast: got %v; want none", got)
	}
	_, p1 := refs("/api/v1/calls?sort=deadline&per_page=2&page=1", "")
	_, p2 := refs("/api/v1/calls?sort=deadline&per_page=2&page=2", "")
	if len(p1.Items) != 2 || len(p2.Items) != 1 || p1.Total != 3 || p2.Page != 2 || p2.PerPage != 2 {
		t.Errorf("paging: got %d+%d items, total %d, page %d, per_page %d", len(p1.Items), len(p2.Items), p1.Total, p2.Page, p2.PerPage)
	}
	r := c.invalid("GET", "/api/v1/calls?per_page=500&deadline_from=2026-13-01", "", nil, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Contains(fields, "per_page") || !slices.Contains(fields, "deadline_from") {
		t.Errorf("bad parameters: got fields %v", fields)
	}
}

// TestAPICallDraftAccess: a draft is hidden from the public and from the
// co-manager of another call, who can neither read nor edit it.
func TestAPICallDraftAccess(t *testing.T) {
	f := newCallFixture(t)
	c := f.c
	path := fmt.Sprintf("/api/v1/calls/%d", f.brazilian.ID)
	c.call("GET", path, "", nil, http.StatusNotFound)
	c.call("GET", path, f.tMemberA, nil, http.StatusNotFound)
	c.call("GET", path, f.tIndianCoMgr, nil, http.StatusNotFound)
	c.call("PUT", path, f.tIndianCoMgr, apiCallRequestOf(f.brazilian), http.StatusNotFound)
	c.call("GET", path+"/amendments", f.tIndianCoMgr, nil, http.StatusNotFound)
	c.call("POST", path+"/eligibility", f.tIndianCoMgr, map[string]any{}, http.StatusNotFound)
	c.call("GET", path, f.tOfficer, nil, http.StatusOK)
	c.call("GET", path, f.tBrazilCoMgr, nil, http.StatusOK)
	c.call("GET", path, f.tAdmin, nil, http.StatusOK)
	if p := c.call("GET", path, "", nil, http.StatusNotFound).problem(); p.Code != coopdec.ENOTFOUND {
		t.Errorf("problem code: got %q", p.Code)
	}
}

func TestAPICallCreateAndUpdate(t *testing.T) {
	f := newCallFixture(t)
	c := f.c
	opens := time.Now().UTC().AddDate(0, 1, 0).Truncate(time.Second)
	req := map[string]any{"programme_id": f.med.ID, "reference": "FMED-2027",
		"texts": map[string]any{"fr": map[string]string{"title": "Fonds Méditerranée 2027", "summary": "Résumé", "body": "Texte"},
			"en": map[string]string{"title": "Mediterranean Fund 2027"}},
		"co_managers": []int64{f.india.ID}, "themes": []string{"education"}, "decision_rule": "ministry",
		"publish_at": opens.Add(-24 * time.Hour).Format(time.RFC3339), "opens_at": opens.Format(time.RFC3339),
		"deadline": opens.Add(-time.Hour).Format(time.RFC3339),
		"funders":  []any{map[string]any{"organisation_id": f.ministry.ID, "envelope_cents": 100_000_000, "share_bp": 12000}},
		"rules":    map[string]any{"countries": []string{"TN", "XX"}, "lead_region": "93"}}
	p := c.call("POST", "/api/v1/calls", f.tOfficer, req, http.StatusUnprocessableEntity)
	for _, want := range []string{"deadline", "funders.0.share_bp", "rules.countries"} {
		if !slices.Contains(p.fields(), want) {
			t.Errorf("invalid call: got fields %v; want %s among them", p.fields(), want)
		}
	}
	req["deadline"] = opens.AddDate(0, 2, 0).Format(time.RFC3339)
	req["funders"] = []any{map[string]any{"organisation_id": f.ministry.ID, "envelope_cents": 100_000_000, "share_bp": 10000}}
	req["rules"] = map[string]any{"countries": []string{"TN"}, "lead_region": "93"}
	var doc apiCallDoc
	r := c.call("POST", "/api/v1/calls", f.tOfficer, req, http.StatusCreated)
	r.decode(&doc)
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/calls/%d", doc.ID) {
		t.Errorf("Location: got %q", loc)
	}
	if doc.Status != "draft" || doc.DecisionRule != "ministry" || doc.Body["fr"] != "Texte" || doc.Rules.LeadRegion == nil ||
		*doc.Rules.LeadRegion != "93" || *doc.OpensAt != opens.Format(time.RFC3339) {
		t.Errorf("created: got %+v", doc)
	}
	c.call("POST", "/api/v1/calls", f.tOfficer, req, http.StatusUnprocessableEntity) // the reference is taken

	// The Indian call is open: a change is an amendment, which needs a reason.
	path := fmt.Sprintf("/api/v1/calls/%d", f.indian.ID)
	var before apiCallDoc
	c.call("GET", path, f.tIndianCoMgr, nil, http.StatusOK).decode(&before)
	upd := apiCallRequestOf(f.indian)
	upd["rules"].(map[string]any)["max_grant_cents"] = 20_000_000
	upd["updated_at"] = before.UpdatedAt
	if fields := c.call("PUT", path, f.tIndianCoMgr, upd, http.StatusUnprocessableEntity).fields(); !slices.Equal(fields, []string{"reason"}) {
		t.Errorf("amendment without reason: got fields %v; want [reason]", fields)
	}
	upd["reason"] = "Plafond relevé"
	var after apiCallDoc
	c.call("PUT", path, f.tIndianCoMgr, upd, http.StatusOK).decode(&after)
	if after.Rules.MaxGrantCents != 20_000_000 || after.UpdatedAt == before.UpdatedAt {
		t.Errorf("after amendment: max_grant_cents %d, updated_at %s (was %s)", after.Rules.MaxGrantCents, after.UpdatedAt, before.UpdatedAt)
	}
	// Sending back the version read before the amendment is refused.
	upd["rules"].(map[string]any)["max_grant_cents"] = 30_000_000
	if p := c.call("PUT", path, f.tOfficer, upd, http.StatusConflict).problem(); p.Code != coopdec.ECONFLICT {
		t.Errorf("stale update: got code %q", p.Code)
	}
	var ams apiList[apiAmendmentDoc]
	c.call("GET", path+"/amendments", "", nil, http.StatusOK).decode(&ams)
	if len(ams.Items) != 1 || ams.Items[0].Reason != "Plafond relevé" || len(ams.Items[0].Changes) != 1 ||
		ams.Items[0].Changes[0].Field != "rules.max_grant" || ams.Items[0].Changes[0].New != "20000000" {
		t.Errorf("amendments: got %+v; want the reason and rules.max_grant → 20000000", ams.Items)
	}
	// A call read and sent back unchanged is unchanged: no reason needed.
	same := apiCallRequestOf(f.indian)
	same["rules"].(map[string]any)["max_grant_cents"] = 20_000_000
	same["updated_at"] = after.UpdatedAt
	c.call("PUT", path, f.tOfficer, same, http.StatusOK)
	// Co-managers of other calls and plain members may not edit.
	c.call("PUT", path, f.tBrazilCoMgr, same, http.StatusForbidden)
	c.call("PUT", path, f.tMemberA, same, http.StatusForbidden)
}

func TestAPICallStatusTransitions(t *testing.T) {
	f := newCallFixture(t)
	c := f.c
	ctx := context.Background()
	// A closed call moves to evaluation, decided, results; nothing goes back.
	closed := f.indian
	closed.OpensAt, closed.Deadline = time.Now().AddDate(0, 0, -20), time.Now().AddDate(0, 0, -1)
	closed.UpdatedAt = time.Time{}
	if err := f.db.UpdateCall(ctx, closed, coopdec.Actor{}, "Clôture avancée"); err != nil {
		t.Fatal(err)
	}
	st := fmt.Sprintf("/api/v1/calls/%d/status", closed.ID)
	var doc apiCallDoc
	c.call("GET", fmt.Sprintf("/api/v1/calls/%d", closed.ID), "", nil, http.StatusOK).decode(&doc)
	if doc.Status != "closed" {
		t.Fatalf("status after the deadline: got %q; want closed", doc.Status)
	}
	c.call("POST", st, f.tOfficer, map[string]string{"status": "decided"}, http.StatusUnprocessableEntity)
	// Only the ministry moves a call along; co-managers approve the decision itself.
	c.call("POST", st, f.tIndianCoMgr, map[string]string{"status": "evaluation"}, http.StatusForbidden)
	for _, to := range []string{"evaluation", "decided", "results"} {
		c.call("POST", st, f.tOfficer, map[string]string{"status": to}, http.StatusOK).decode(&doc)
		if doc.Status != to {
			t.Errorf("after moving to %s: got %q", to, doc.Status)
		}
	}
	if p := c.call("POST", st, f.tOfficer, map[string]string{"status": "draft"}, http.StatusUnprocessableEntity); !slices.Equal(p.fields(), []string{"status"}) {
		t.Errorf("results → draft: got fields %v", p.fields())
	}
	c.call("POST", st, f.tOfficer, map[string]string{"status": "results", "from": "decided"}, http.StatusConflict)
}

func TestAPICallEligibility(t *testing.T) {
	f := newCallFixture(t)
	path := fmt.Sprintf("/api/v1/calls/%d/eligibility", f.medC.ID)
	check := func(token string, facts map[string]any, lang string) apiEligibilityDoc {
		t.Helper()
		res := f.apiLang("POST", path, token, facts, lang)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: got %d; want 200\n%s", path, res.StatusCode, body(t, res))
		}
		var d apiEligibilityDoc
		decode(t, res, &d)
		return d
	}
	result := func(d apiEligibilityDoc, rule string) apiRuleResultDoc {
		for _, r := range d.Results {
			if r.Rule == rule {
				return r
			}
		}
		t.Fatalf("no %s rule in %+v", rule, d.Results)
		return apiRuleResultDoc{}
	}
	project := func(partner string) map[string]any {
		return map[string]any{"countries": []string{partner}, "themes": []string{"water_sanitation"},
			"partners": []any{map[string]any{"kind": "foreign_authority", "country": partner, "confirmed": true}}}
	}
	// Marseille's member: a PACA commune, filled in from the account.
	d := check(f.tMemberB, project("TN"), "fr")
	if !d.Eligible {
		t.Errorf("a PACA commune with a Tunisian partner: not eligible: %+v", d.Results)
	}
	if r := result(d, "lead_region"); r.Status != "passed" {
		t.Errorf("lead_region: got %+v", r)
	}
	// Lyon is not in PACA.
	if r := result(check(f.tMemberA, project("TN"), "fr"), "lead_region"); r.Status != "failed" || r.Field == nil {
		t.Errorf("lead_region for Lyon: got %+v", r)
	}
	// An anonymous check without lead: unknown, so not eligible.
	if d := check("", project("TN"), "fr"); d.Eligible || result(d, "lead_region").Status != "unknown" {
		t.Errorf("anonymous without lead: got %+v", d)
	}
	// A Moroccan partner: Morocco has its own call.
	d = check(f.tMemberB, project("MA"), "en")
	r := result(d, "excluded_country")
	if d.Eligible || r.Status != "failed" || r.RedirectCallID == nil || *r.RedirectCallID != f.moroccan.ID {
		t.Errorf("Moroccan partner: got %+v", r)
	}
	if !strings.Contains(r.Message, "Morocco") || !strings.Contains(r.Message, "dedicated call") {
		t.Errorf("message in English: got %q", r.Message)
	}
	if r := result(check(f.tMemberB, project("MA"), "fr"), "excluded_country"); !strings.Contains(r.Message, "Maroc") {
		t.Errorf("message in French: got %q", r.Message)
	}
	// Lead fields given are not replaced by the account's.
	facts := project("TN")
	facts["lead_kind"], facts["lead_authority_type"], facts["lead_region"] = "french_authority", "region", "84"
	if r := result(check(f.tMemberB, facts, "en"), "lead_region"); r.Status != "failed" {
		t.Errorf("explicit lead region 84: got %+v", r)
	}
}

// TestAPICallHiddenRedirect: a call that sends Morocco to a draft names the
// draft only to those who may see it, and an editor who may not see it
// keeps the redirect when sending the call back.
func TestAPICallHiddenRedirect(t *testing.T) {
	f := newCallFixture(t)
	ctx := context.Background()
	draft := &coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-MA-2027",
		Texts: map[string]coopdec.CallText{"fr": {Title: "Appel franco-marocain 2027"}},
		Rules: coopdec.EligibilityRules{Countries: []string{"MA"}}}
	if err := f.db.CreateCall(ctx, draft, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	med := &coopdec.Call{ProgrammeID: f.med.ID, Reference: "FMED-2027", Status: coopdec.CallPublished,
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Fonds Méditerranée 2027"}},
		CoManagers: []int64{f.india.ID},
		Rules: coopdec.EligibilityRules{Countries: []string{"group:south_east_mediterranean"},
			Excluded: []coopdec.Exclusion{{Country: "MA", RedirectCallID: draft.ID}}},
		PublishAt: now.AddDate(0, -2, 0), OpensAt: now.AddDate(0, -1, 0), Deadline: now.AddDate(0, 2, 0)}
	if err := f.db.CreateCall(ctx, med, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/calls/%d", med.ID)
	for _, tc := range []struct {
		who, token string
		want       int64 // 0: no redirect shown
	}{{"public", "", 0}, {"Indian co-manager", f.tIndianCoMgr, 0}, {"officer", f.tOfficer, draft.ID}} {
		var doc apiCallDoc
		f.c.call("GET", path, tc.token, nil, http.StatusOK).decode(&doc)
		for _, ex := range [][]apiExclusionDoc{doc.ExcludedCountries, doc.Rules.Excluded} {
			got := int64(0)
			if len(ex) == 1 && ex[0].RedirectCallID != nil {
				got = *ex[0].RedirectCallID
			}
			if len(ex) != 1 || ex[0].Country != "MA" || got != tc.want {
				t.Errorf("%s: got exclusions %+v, redirect %d; want MA, redirect %d", tc.who, ex, got, tc.want)
			}
		}
		var el apiEligibilityDoc
		f.c.call("POST", path+"/eligibility", tc.token, map[string]any{"countries": []string{"MA"}}, http.StatusOK).decode(&el)
		for _, r := range el.Results {
			if r.Rule != "excluded_country" {
				continue
			}
			got := int64(0)
			if r.RedirectCallID != nil {
				got = *r.RedirectCallID
			}
			if got != tc.want || (tc.want == 0) != strings.Contains(r.Message, "exclu") {
				t.Errorf("%s: eligibility got %+v; want redirect %d", tc.who, r, tc.want)
			}
		}
	}

	// The Indian co-manager sends back the call as read: the redirect stays.
	var doc apiCallDoc
	f.c.call("GET", path, f.tIndianCoMgr, nil, http.StatusOK).decode(&doc)
	upd := apiCallRequestOf(med)
	upd["rules"].(map[string]any)["excluded"] = []any{map[string]any{"country": "MA", "redirect_call_id": nil}}
	upd["updated_at"] = doc.UpdatedAt
	f.c.call("PUT", path, f.tIndianCoMgr, upd, http.StatusOK)
	stored, err := f.db.Call(ctx, med.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Rules.Excluded) != 1 || stored.Rules.Excluded[0].RedirectCallID != draft.ID {
		t.Errorf("after the co-manager's update: got exclusions %+v; want MA → %d", stored.Rules.Excluded, draft.ID)
	}
}
