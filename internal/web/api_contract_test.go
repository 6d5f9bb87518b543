package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

// The contract helpers send real requests to the test server and check
// both the request and the response against openapi.json.

var openAPIValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(openAPIDocument)
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi.json: %v", errs)
	}
	return v, nil
})

// apiDocPaths lists the document's paths and, for each, its methods.
func apiDocPaths(t *testing.T) map[string][]string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	out := map[string][]string{}
	for p, item := range doc.Paths {
		for m := range item {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				out[p] = append(out[p], strings.ToUpper(m))
			}
		}
		sort.Strings(out[p])
	}
	return out
}

// apiDocTemplate returns the document path that a concrete path matches.
func apiDocTemplate(paths map[string][]string, path string) string {
	segs := strings.Split(path, "/")
	for p := range paths {
		ts := strings.Split(p, "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i := range ts {
			if ts[i] != segs[i] && !(strings.HasPrefix(ts[i], "{") && segs[i] != "") {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return ""
}

// apiContract sends API requests for one test and records which operations
// answered with which statuses.
type apiContract struct {
	t     *testing.T
	e     *testEnv
	v     validator.Validator
	paths map[string][]string
	seen  map[string]map[int]bool // "METHOD /template" → statuses
}

func (e *testEnv) apiContract() *apiContract {
	e.t.Helper()
	v, err := openAPIValidator()
	if err != nil {
		e.t.Fatal(err)
	}
	return &apiContract{t: e.t, e: e, v: v, paths: apiDocPaths(e.t), seen: map[string]map[int]bool{}}
}

// apiNoRedirects shows redirects instead of following them: the API never
// redirects, so one is a failure to see.
var apiNoRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// apiCall is one request and what it must get.
type apiCall struct {
	method, path, token string
	body                any    // sent as JSON
	raw                 string // sent as is, when body is nil
	header              map[string]string
	want                int
	// invalid marks a request that breaks the document on purpose: the
	// validator must then refuse it, which shows that the document states
	// the rule the server enforces.
	invalid bool
}

type apiResult struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

// decode unmarshals the response body into v.
func (r *apiResult) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// problem decodes a problem document and checks its media type.
func (r *apiResult) problem() problem {
	r.t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Errorf("Content-Type of an error: got %q; want application/problem+json", ct)
	}
	var p problem
	r.decode(&p)
	return p
}

// fields lists the fields named in a problem's errors.
func (r *apiResult) fields() []string {
	r.t.Helper()
	var out []string
	for _, e := range r.problem().Errors {
		out = append(out, e.Field)
	}
	return out
}

func (c *apiContract) call(method, path, token string, body any, want int) *apiResult {
	c.t.Helper()
	return c.send(apiCall{method: method, path: path, token: token, body: body, want: want})
}

// invalid sends a request that breaks the document on purpose.
func (c *apiContract) invalid(method, path, token string, body any, want int) *apiResult {
	c.t.Helper()
	return c.send(apiCall{method: method, path: path, token: token, body: body, want: want, invalid: true})
}

// anonymous sends a request without credentials to a route that needs
// them: the document says so, and the server answers 401.
func (c *apiContract) anonymous(method, path string, body any) *apiResult {
	c.t.Helper()
	r := c.send(apiCall{method: method, path: path, body: body, want: http.StatusUnauthorized, invalid: true})
	if h := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
		c.t.Errorf("%s %s without a token: WWW-Authenticate is %q; want a Bearer challenge", method, path, h)
	}
	return r
}

func (c *apiContract) send(ac apiCall) *apiResult {
	c.t.Helper()
	var payload []byte
	switch {
	case ac.body != nil:
		b, err := json.Marshal(ac.body)
		if err != nil {
			c.t.Fatal(err)
		}
		payload = b
	case ac.raw != "":
		payload = []byte(ac.raw)
	}
	newReq := func() *http.Request {
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequest(ac.method, c.e.ts.URL+ac.path, body)
		if err != nil {
			c.t.Fatal(err)
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if ac.token != "" {
			req.Header.Set("Authorization", "Bearer "+ac.token)
		}
		for k, v := range ac.header {
			req.Header.Set(k, v)
		}
		return req
	}
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
	what := ac.method + " " + ac.path
	if r.status != ac.want {
		c.t.Fatalf("%s: got status %d; want %d\n%s", what, r.status, ac.want, b)
	}

	tmpl := apiDocTemplate(c.paths, strings.SplitN(ac.path, "?", 2)[0])
	if tmpl == "" || !slices.Contains(c.paths[tmpl], ac.method) {
		c.t.Fatalf("%s: the OpenAPI document has no such operation", what)
	}
	op := ac.method + " " + tmpl
	if c.seen[op] == nil {
		c.seen[op] = map[int]bool{}
	}
	c.seen[op][r.status] = true

	ok, errs := c.v.ValidateHttpRequestSync(newReq())
	switch {
	case ac.invalid && ok:
		c.t.Errorf("%s: the request breaks the API on purpose, yet the OpenAPI document accepts it", what)
	case !ac.invalid && !ok:
		c.t.Errorf("%s: request does not match the OpenAPI document:\n%s", what, apiValidationText(errs))
	}
	vres := &http.Response{StatusCode: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(b)), Request: newReq()}
	if ok, errs := c.v.ValidateHttpResponse(newReq(), vres); !ok {
		c.t.Errorf("%s → %d: response does not match the OpenAPI document:\n%s\n%s", what, r.status, apiValidationText(errs), b)
	}
	return r
}

func apiValidationText(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  - %v\n", e)
	}
	return b.String()
}

func TestOpenAPIDocumentValid(t *testing.T) {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("openapi.json is not a valid OpenAPI document:\n%s", apiValidationText(errs))
	}
	var head struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(openAPIDocument, &head); err != nil || head.OpenAPI != "3.1.0" {
		t.Errorf("openapi version: got %q (%v); want 3.1.0", head.OpenAPI, err)
	}
}

var apiRouteRE = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+) (/[^"]*)"`)

// TestOpenAPICoversRoutes checks that the document and routes.go describe
// the same API: every route under /api/v1 (and the operations endpoints) is
// documented with its method, and the document has nothing more.
func TestOpenAPICoversRoutes(t *testing.T) {
	// Routes are registered in routes.go and, for each area, in the area's
	// own files: read them all.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var src []byte
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	served := map[string]bool{}
	for _, m := range apiRouteRE.FindAllStringSubmatch(string(src), -1) {
		method, path := m[1], m[2]
		if strings.HasPrefix(path, "/api/v1/") || path == "/healthz" || path == "/readyz" || path == "/metrics" {
			served[method+" "+path] = true
		}
	}
	if len(served) < 20 {
		t.Fatalf("found only %d API routes in routes.go: has its syntax changed?", len(served))
	}
	documented := map[string]bool{}
	for p, methods := range apiDocPaths(t) {
		for _, m := range methods {
			documented[m+" "+p] = true
		}
	}
	for r := range served {
		if !documented[r] {
			t.Errorf("route %s is served but missing from openapi.json", r)
		}
	}
	for r := range documented {
		if !served[r] {
			t.Errorf("openapi.json documents %s, which the server does not serve", r)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newTestEnv(t)
	c := e.apiContract()
	r := c.call("GET", "/api/v1/openapi.json", "", nil, http.StatusOK)
	if !bytes.Equal(r.body, openAPIDocument) {
		t.Errorf("GET /api/v1/openapi.json does not serve the embedded document")
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q; want application/json", ct)
	}
}

// apiCheckFragmentSeen fails for every answer the area's fragment of
// openapi/ documents that the test did not see, but internal errors.
func apiCheckFragmentSeen(t *testing.T, c *apiContract, fragment string) {
	t.Helper()
	var frag struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	b, err := openAPIFragments.ReadFile("openapi/" + fragment)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &frag); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for p, item := range frag.Paths {
		for m, op := range item {
			key := strings.ToUpper(m) + " " + p
			for status := range op.Responses {
				var code int
				fmt.Sscan(status, &code)
				if code != http.StatusInternalServerError && !c.seen[key][code] {
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
