package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// appFixture adds to callFixture what the applications API tests need: a
// Franco-Argentine call that requires a confirmed Argentine partner and a
// council deliberation, co-managed by an Argentine agency; the Argentine
// partner; an evaluator; and a clock the tests can move.
type appFixture struct {
	*callFixture
	argentina, rosario *coopdec.Organisation
	argCall            *coopdec.Call
	hiddenCall         *coopdec.Call // a draft, which the Argentine co-manager does not run
	argCoMgr           *coopdec.User
	evaluator          *coopdec.User
	tArgCoMgr          string
	tEvaluator         string
	clock              *appClock
}

// appClock is the server's clock, moved by the tests without a data race.
type appClock struct{ offset atomic.Int64 }

func (c *appClock) now() time.Time { return time.Now().UTC().Add(time.Duration(c.offset.Load())) }

// set moves the clock to d from now.
func (c *appClock) set(d time.Duration) { c.offset.Store(int64(d)) }

func newAppFixture(t *testing.T) *appFixture {
	t.Helper()
	return newAPIFixture(t).withCalls().withApplications()
}

// withApplications adds the applications' call and people to a callFixture.
func (cf *callFixture) withApplications() *appFixture {
	t := cf.t
	t.Helper()
	f := &appFixture{callFixture: cf, clock: &appClock{}}
	f.db.Now = f.clock.now
	ctx := context.Background()
	f.argentina = f.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Cancillería argentina", Country: "AR"})
	f.rosario = f.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Rosario", Country: "AR"})
	f.argCoMgr = f.user("comgr.argentina@example.org", coopdec.RoleCoManager)
	f.member(f.argCoMgr, f.argentina, coopdec.MemberRoleMember)
	f.evaluator = f.user("evaluator@example.org", coopdec.RoleEvaluator)
	f.tArgCoMgr, f.tEvaluator = f.token(f.argCoMgr), f.token(f.evaluator)
	now := time.Now().UTC().Truncate(time.Second)
	f.argCall = &coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-AR-2026", Status: coopdec.CallPublished,
		PublishAt: now.AddDate(0, -2, 0), OpensAt: now.AddDate(0, -1, 0), Deadline: now.AddDate(0, 1, 0),
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Appel franco-argentin"}, "es": {Title: "Convocatoria franco-argentina"}},
		CoManagers: []int64{f.argentina.ID}, Themes: []string{"economic_development"},
		Funders: []coopdec.Funder{{OrganisationID: f.ministry.ID, EnvelopeCents: 100_000_000, ShareBP: 10000}},
		Rules: coopdec.EligibilityRules{Countries: []string{"AR"}, PartnerCountries: []string{"AR"}, PartnersMustConfirm: true,
			RequiredDocuments: []string{"council_deliberation"}, MaxGrantCents: 10_000_000, MinDurationMonths: 6, MaxDurationMonths: 36}}
	if err := f.db.CreateCall(ctx, f.argCall, coopdec.Actor{}); err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	f.hiddenCall = &coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-IN-2027",
		Texts: map[string]coopdec.CallText{"fr": {Title: "Appel franco-indien 2027"}}, CoManagers: []int64{f.india.ID}}
	if err := f.db.CreateCall(ctx, f.hiddenCall, coopdec.Actor{}); err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	return f
}

// content is a complete application to the Argentine call, as JSON.
func (f *appFixture) content() map[string]any {
	return map[string]any{
		"texts": map[string]any{
			"fr": map[string]string{"title": "Mobilités douces à Rosario", "summary": "Pistes cyclables et formation.",
				"context": "Une ville en croissance.", "objectives": "Réduire la part de la voiture.", "sustainability": "Un service municipal dédié."},
			"es": map[string]string{"title": "Movilidad sostenible en Rosario", "summary": "Ciclovías y formación."},
		},
		"themes":    []string{"economic_development"},
		"countries": []string{"AR"},
		"places":    []string{"Rosario"},
		"activities": []any{
			map[string]any{"title": "Diagnostic", "description": "Comptages.", "start_month": 1, "end_month": 6},
			map[string]any{"title": "Travaux", "description": "12 km de pistes.", "start_month": 7, "end_month": 24},
		},
		"duration_months": 24,
		"results":         []any{map[string]any{"indicator": "Pistes ouvertes", "unit": "km", "baseline": "0", "target": "12"}},
		"partners": []any{map[string]any{"organisation_id": f.rosario.ID, "name": "Municipalidad de Rosario", "kind": "foreign_authority",
			"country": "AR", "role": "partner", "contribution": "Terrains", "contribution_cents": 1_000_000, "in_kind": true}},
		"beneficiary_countries": []string{},
		"budget": map[string]any{
			"expenses": []any{
				map[string]any{"category": "staff", "label": "Chef de projet", "amount_cents": 4_000_000},
				map[string]any{"category": "travel", "label": "Missions", "amount_cents": 2_000_000},
				map[string]any{"category": "in_kind", "label": "Terrains", "amount_cents": 1_000_000},
			},
			"financing": []any{
				map[string]any{"source": "grant", "funder_organisation_id": f.ministry.ID, "label": "Ministère", "amount_cents": 3_000_000},
				map[string]any{"source": "own_cash", "label": "Budget municipal", "amount_cents": 3_000_000},
				map[string]any{"source": "partner", "partner_organisation_id": f.rosario.ID, "label": "Terrains", "amount_cents": 1_000_000, "in_kind": true},
			},
		},
	}
}

// with returns a copy of m with the given members replaced.
func appWith(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// create starts an application as token's user and returns it.
func (f *appFixture) create(token string, body map[string]any) apiApplicationDoc {
	f.t.Helper()
	var a apiApplicationDoc
	f.c.call("POST", "/api/v1/applications", token, body, http.StatusCreated).decode(&a)
	return a
}

func apiAppPath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/applications/%d%s", id, rest)
}

// stored reads an application straight from storage.
func (f *appFixture) stored(id int64) *coopdec.Application {
	f.t.Helper()
	a, err := f.db.Application(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// Files of each kind, as small as their detection allows.
var (
	appPDF  = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	appPNG  = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 32)...)
	appText = []byte("Ceci est un simple texte, pas un PDF.\n")
)

type appFile struct {
	field, name string
	content     []byte
}

// multipart sends a multipart/form-data request and checks it and its
// answer against the document, like apiContract.send.
func (c *apiContract) multipart(path, token string, fields map[string]string, files []appFile, want int) *apiResult {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range appSortedKeys(fields) {
		if err := mw.WriteField(k, fields[k]); err != nil {
			c.t.Fatal(err)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := w.Write(f.content); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	payload := buf.Bytes()
	newReq := func() *http.Request {
		req, err := http.NewRequest("POST", c.e.ts.URL+path, bytes.NewReader(payload))
		if err != nil {
			c.t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	return c.exchange("POST", path, newReq, want, token == "")
}

// exchange sends newReq's request, checks its status, records it, and
// validates the request (expected to break the document when invalid) and
// the response.
func (c *apiContract) exchange(method, path string, newReq func() *http.Request, want int, invalid bool) *apiResult {
	c.t.Helper()
	res, err := apiNoRedirects.Do(newReq())
	if err != nil {
		c.t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	r := &apiResult{t: c.t, status: res.StatusCode, header: res.Header, body: b}
	what := method + " " + path
	if r.status != want {
		c.t.Fatalf("%s: got status %d; want %d\n%.2000s", what, r.status, want, b)
	}
	tmpl := apiDocTemplate(c.paths, strings.SplitN(path, "?", 2)[0])
	if tmpl == "" || !slices.Contains(c.paths[tmpl], method) {
		c.t.Fatalf("%s: the OpenAPI document has no such operation", what)
	}
	op := method + " " + tmpl
	if c.seen[op] == nil {
		c.seen[op] = map[int]bool{}
	}
	c.seen[op][r.status] = true
	ok, errs := c.v.ValidateHttpRequestSync(newReq())
	switch {
	case invalid && ok:
		c.t.Errorf("%s: the request breaks the API on purpose, yet the OpenAPI document accepts it", what)
	case !invalid && !ok:
		c.t.Errorf("%s: request does not match the OpenAPI document:\n%s", what, apiValidationText(errs))
	}
	vres := &http.Response{StatusCode: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(b)), Request: newReq()}
	if ok, errs := c.v.ValidateHttpResponse(newReq(), vres); !ok {
		c.t.Errorf("%s → %d: response does not match the OpenAPI document:\n%s\n%.2000s", what, r.status, apiValidationText(errs), b)
	}
	return r
}

func appSortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// headers sends a JSON request with extra headers through the contract.
func (c *apiContract) headers(method, path, token string, body any, h map[string]string, want int) *apiResult {
	c.t.Helper()
	return c.send(apiCall{method: method, path: path, token: token, body: body, header: h, want: want})
}

var confirmationLinkRE = regexp.MustCompile(`/confirmation/(pc_[A-Za-z0-9_-]+)`)

// confirmationToken waits for the invitation emailed to addr and returns
// the secret of its link.
func (f *appFixture) confirmationToken(addr string) string {
	f.t.Helper()
	m := f.waitMail(addr, "/confirmation/")
	sub := confirmationLinkRE.FindStringSubmatch(m.Text)
	if sub == nil {
		f.t.Fatalf("no confirmation link in the email to %s:\n%s", addr, m.Text)
	}
	return sub[1]
}

// appProblemFields lists the fields of a problem's errors.
func appProblemFields(p problem) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}
