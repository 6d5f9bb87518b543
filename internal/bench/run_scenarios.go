package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// cycle serves a fixed, precomputed list of targets in order, round and
// round: the same run sends the same requests.
func cycle(targets []vegeta.Target) vegeta.Targeter {
	var i atomic.Uint64
	return func(t *vegeta.Target) error {
		if len(targets) == 0 {
			return vegeta.ErrNoTargets
		}
		*t = targets[(i.Add(1)-1)%uint64(len(targets))]
		return nil
	}
}

func bearer(token string) http.Header {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return h
}

func get(base, path, token string) vegeta.Target {
	return vegeta.Target{Method: http.MethodGet, URL: base + path, Header: bearer(token)}
}

// searchRoute is one public search: its page and its API.
type searchRoute struct {
	name      string
	page, api string
	filters   func(r *rand.Rand, q url.Values) // adds the route's filters
}

// searchTargets builds the public search mix: for each available route,
// page and API alternately; two queries in three on common words, one on
// a rare word or none; filters one time in three; page 2 or 3 one time in
// five.
func searchTargets(base string, m *Manifest, routes []searchRoute, seed int64) []vegeta.Target {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5ea4c4))
	pick := func(list []string) string {
		if len(list) == 0 {
			return ""
		}
		return list[r.IntN(len(list))]
	}
	var out []vegeta.Target
	for i := 0; i < 4096 && len(routes) > 0; i++ {
		rt := routes[i%len(routes)]
		q := url.Values{}
		switch n := r.IntN(6); {
		case n < 4:
			q.Set("q", pick(m.CommonWords))
		case n == 4:
			q.Set("q", pick(m.RareWords))
		}
		if q.Get("q") == "" {
			q.Del("q")
		}
		if r.IntN(3) == 0 && rt.filters != nil {
			rt.filters(r, q)
		}
		if r.IntN(5) == 0 {
			q.Set("page", strconv.Itoa(2+r.IntN(2)))
		}
		path := rt.page
		if (i/len(routes))%2 == 1 {
			path = rt.api
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		out = append(out, get(base, path, ""))
	}
	return out
}

func searchRoutes(m *Manifest) []searchRoute {
	theme := func(r *rand.Rand, q url.Values) {
		if len(m.Themes) > 0 {
			q.Set("theme", m.Themes[r.IntN(len(m.Themes))])
		}
	}
	country := func(r *rand.Rand, q url.Values) {
		if len(m.Countries) > 0 {
			q.Set("country", m.Countries[r.IntN(len(m.Countries))])
		}
	}
	return []searchRoute{
		{name: "calls", page: "/appels", api: "/api/v1/calls", filters: func(r *rand.Rand, q url.Values) {
			if r.IntN(2) == 0 {
				theme(r, q)
			} else {
				country(r, q)
			}
		}},
		{name: "labels", page: "/expertise", api: "/api/v1/labels", filters: func(r *rand.Rand, q url.Values) {
			switch r.IntN(3) {
			case 0:
				theme(r, q)
			case 1:
				country(r, q)
			default:
				if len(m.Regions) > 0 {
					q.Set("region", m.Regions[r.IntN(len(m.Regions))])
				}
			}
		}},
		{name: "projects", page: "/projets", api: "/api/v1/projects", filters: func(r *rand.Rand, q url.Values) {
			if r.IntN(2) == 0 {
				theme(r, q)
			} else {
				country(r, q)
			}
		}},
	}
}

// available keeps the routes whose API answers something other than 404:
// a search not yet built is reported as unavailable rather than failing
// the run.
func available(ctx context.Context, client *http.Client, base string, routes []searchRoute) (ok []searchRoute, notes []string) {
	for _, rt := range routes {
		status := 0
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+rt.api, nil)
		if err == nil {
			if resp, err := client.Do(req); err == nil {
				status = resp.StatusCode
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		if status == http.StatusNotFound || status == 0 {
			notes = append(notes, fmt.Sprintf("%s search (%s, %s) unavailable: GET %s answered %d", rt.name, rt.page, rt.api, rt.api, status))
			continue
		}
		ok = append(ok, rt)
	}
	return ok, notes
}

// pageTargets: a public call, an application by its owner, a directory
// profile; each as a page and as JSON.
func pageTargets(base string, m *Manifest, seed int64) []vegeta.Target {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9a6e5))
	var out []vegeta.Target
	for i := 0; i < 4096; i++ {
		switch i % 6 {
		case 0:
			if len(m.CallIDs) > 0 {
				out = append(out, get(base, fmt.Sprintf("/appels/%d", m.CallIDs[r.IntN(len(m.CallIDs))]), ""))
			}
		case 1:
			if len(m.CallIDs) > 0 {
				out = append(out, get(base, fmt.Sprintf("/api/v1/calls/%d", m.CallIDs[r.IntN(len(m.CallIDs))]), ""))
			}
		case 2, 3:
			if len(m.Drafts) > 0 {
				d := m.Drafts[r.IntN(len(m.Drafts))]
				path := fmt.Sprintf("/candidatures/%d", d.ApplicationID)
				if i%6 == 3 {
					path = fmt.Sprintf("/api/v1/applications/%d", d.ApplicationID)
				}
				out = append(out, get(base, path, d.Owner.Token))
			}
		case 4:
			if len(m.LabelOrgIDs) > 0 {
				out = append(out, get(base, fmt.Sprintf("/expertise/%d", m.LabelOrgIDs[r.IntN(len(m.LabelOrgIDs))]), ""))
			}
		case 5:
			if len(m.LabelOrgIDs) > 0 {
				out = append(out, get(base, fmt.Sprintf("/api/v1/organisations/%d", m.LabelOrgIDs[r.IntN(len(m.LabelOrgIDs))]), ""))
			}
		}
	}
	return out
}

// drafts saves applications as their owners do while writing: each save
// sends the draft read at the start with its summary changed, at the
// version the previous save returned.
type drafts struct {
	base  string
	docs  []map[string]any // as read, without "version"
	owner []OwnedApplication
	mu    []sync.Mutex // one save of a draft at a time, as in one browser tab
	ver   []int
	next  atomic.Uint64
}

// loadDrafts reads the drafts to save (at most n) through the API.
func loadDrafts(ctx context.Context, client *http.Client, base string, list []OwnedApplication, n int) (*drafts, error) {
	list = list[:min(n, len(list))]
	d := &drafts{base: base, mu: make([]sync.Mutex, len(list))}
	for _, o := range list {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/applications/%d", base, o.ApplicationID), nil)
		if err != nil {
			return nil, err
		}
		req.Header = bearer(o.Owner.Token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			return nil, fmt.Errorf("bench: draft %d: GET answered %d (%v)", o.ApplicationID, resp.StatusCode, err)
		}
		if doc["status"] != "draft" {
			continue
		}
		v, _ := doc["version"].(float64)
		delete(doc, "version")
		d.docs, d.owner, d.ver = append(d.docs, doc), append(d.owner, o), append(d.ver, int(v))
	}
	d.mu = make([]sync.Mutex, len(d.docs))
	return d, nil
}

func (d *drafts) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		if len(d.docs) == 0 {
			return vegeta.ErrNoTargets
		}
		n := d.next.Add(1) - 1
		i := int(n % uint64(len(d.docs)))
		doc := d.docs[i]
		body, err := json.Marshal(withSummary(doc, fmt.Sprintf(" (enregistrement %d)", n)))
		if err != nil {
			return err
		}
		h := bearer(d.owner[i].Owner.Token)
		h.Set("Content-Type", "application/json")
		h.Set("X-Bench-Draft", strconv.Itoa(i))
		*t = vegeta.Target{Method: http.MethodPut, URL: fmt.Sprintf("%s/api/v1/applications/%d", d.base, d.owner[i].ApplicationID),
			Body: body, Header: h}
		return nil
	}
}

// withSummary returns doc with a note appended to its French summary (a
// shallow copy: doc is shared by the workers).
func withSummary(doc map[string]any, note string) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	if texts, ok := doc["texts"].(map[string]any); ok {
		t2 := make(map[string]any, len(texts))
		for l, v := range texts {
			t2[l] = v
		}
		if fr, ok := texts["fr"].(map[string]any); ok {
			f2 := make(map[string]any, len(fr))
			for k, v := range fr {
				f2[k] = v
			}
			s, _ := fr["summary"].(string)
			f2["summary"] = s + note
			t2["fr"] = f2
		}
		out["texts"] = t2
	}
	return out
}

// roundTrip sends a save with If-Match set to the draft's current
// version, holding the draft's lock so that saves of one draft follow
// each other, and keeps the version the server returns.
func (d *drafts) roundTrip(next http.RoundTripper) http.RoundTripper {
	return rtFunc(func(req *http.Request) (*http.Response, error) {
		i, err := strconv.Atoi(req.Header.Get("X-Bench-Draft"))
		if err != nil || i < 0 || i >= len(d.mu) {
			return next.RoundTrip(req)
		}
		req.Header.Del("X-Bench-Draft")
		d.mu[i].Lock()
		defer d.mu[i].Unlock()
		req.Header.Set("If-Match", `"`+strconv.Itoa(d.ver[i])+`"`)
		resp, err := next.RoundTrip(req)
		if err == nil && resp.StatusCode == http.StatusOK {
			if v, err := strconv.Atoi(trimETag(resp.Header.Get("ETag"))); err == nil {
				d.ver[i] = v
			}
		}
		return resp, err
	})
}

func trimETag(s string) string {
	s = string(bytes.TrimPrefix([]byte(s), []byte("W/")))
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// evaluationTargets: evaluators save their scores, changing them from one
// save to the next.
func evaluationTargets(base string, m *Manifest, seed int64) []vegeta.Target {
	r := rand.New(rand.NewPCG(uint64(seed), 0xe7a1))
	var out []vegeta.Target
	for i := 0; i < 4096 && len(m.Assignments) > 0; i++ {
		as := m.Assignments[i%len(m.Assignments)]
		type score struct {
			Criterion string  `json:"criterion"`
			Score     float64 `json:"score"`
			Comment   string  `json:"comment"`
		}
		body := struct {
			Scores  []score `json:"scores"`
			Comment string  `json:"comment"`
		}{Comment: fmt.Sprintf("Évaluation en cours, enregistrement %d.", i)}
		for _, c := range as.Criteria {
			body.Scores = append(body.Scores, score{Criterion: c, Score: float64(r.IntN(11)) / 2,
				Comment: "Appréciation argumentée du critère."})
		}
		b, _ := json.Marshal(body)
		h := bearer(as.Evaluator.Token)
		h.Set("Content-Type", "application/json")
		out = append(out, vegeta.Target{Method: http.MethodPut, URL: fmt.Sprintf("%s/api/v1/assignments/%d/evaluation", base, as.AssignmentID),
			Body: b, Header: h})
	}
	return out
}

// matchingTargets: the officer ranks the labelled authorities for a
// mission, through the API and on the mission's page.
func matchingTargets(base string, m *Manifest) []vegeta.Target {
	var out []vegeta.Target
	for i, id := range m.MissionIDs {
		if i%2 == 0 {
			out = append(out, get(base, fmt.Sprintf("/api/v1/missions/%d/matches", id), m.Officer.Token))
		} else {
			out = append(out, get(base, fmt.Sprintf("/missions/%d", id), m.Officer.Token))
		}
	}
	if len(m.MissionIDs) == 1 {
		out = append(out, get(base, fmt.Sprintf("/missions/%d", m.MissionIDs[0]), m.Officer.Token))
	}
	return out
}

// limitTarget is the limit endpoint answering size bytes.
func limitTarget(base string, size int64) []vegeta.Target {
	return []vegeta.Target{get(base, "/bench/limit/"+strconv.FormatInt(max(size, 1), 10), "")}
}

// pause lets the server settle between scenarios (connections closed,
// garbage collected) so that one scenario's tail is not the next one's.
func pause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(300 * time.Millisecond):
	}
}
