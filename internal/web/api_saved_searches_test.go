package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAPISavedSearches(t *testing.T) {
	e := newTestEnv(t)
	c := e.apiContract()
	ana, bob := e.user("ana@example.org"), e.user("bob@example.org")
	ta, tb := e.token(ana), e.token(bob)

	c.anonymous("GET", "/api/v1/saved-searches", nil)
	c.anonymous("POST", "/api/v1/saved-searches", map[string]string{"name": "Eau", "query": "q=eau"})
	var list struct{ Items []apiSavedSearch }
	c.call("GET", "/api/v1/saved-searches", ta, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 0 {
		t.Fatalf("got %d searches; want none", len(list.Items))
	}

	var created apiSavedSearch
	c.call("POST", "/api/v1/saved-searches", ta, map[string]string{"name": "Eau", "query": "status=open&q=eau&per_page=50"},
		http.StatusCreated).decode(&created)
	if created.Query != "q=eau&status=open" || !created.Subscribed || created.LastSentAt != nil ||
		!slices.Contains(created.Filters, "Mots : « eau »") {
		t.Errorf("created: got %+v; want the normalized query, subscribed, described in French", created)
	}
	r := c.call("POST", "/api/v1/saved-searches", ta, map[string]string{"name": "Bad", "query": "theme=nope&deadline_from=31/12/2026"},
		http.StatusUnprocessableEntity)
	if got := r.fields(); !slices.Contains(got, "query.theme") || !slices.Contains(got, "query.deadline_from") {
		t.Errorf("invalid query: got fields %v; want query.theme and query.deadline_from", got)
	}
	if got := c.invalid("POST", "/api/v1/saved-searches", ta, map[string]string{"name": "", "query": ""},
		http.StatusUnprocessableEntity).fields(); !slices.Contains(got, "name") {
		t.Errorf("empty name: got fields %v; want name", got)
	}
	for i := 1; i < 20; i++ {
		c.call("POST", "/api/v1/saved-searches", ta, map[string]string{"name": "n" + strconv.Itoa(i), "query": ""}, http.StatusCreated)
	}
	if p := c.call("POST", "/api/v1/saved-searches", ta, map[string]string{"name": "21", "query": ""}, http.StatusConflict).problem(); !strings.Contains(p.Detail, "20") {
		t.Errorf("21st: got %q; want the limit said", p.Detail)
	}

	path := "/api/v1/saved-searches/" + strconv.FormatInt(created.ID, 10)
	c.call("DELETE", path, tb, nil, http.StatusNotFound)
	c.anonymous("DELETE", path, nil)
	c.call("DELETE", path, ta, nil, http.StatusNoContent)
	c.call("DELETE", path, ta, nil, http.StatusNotFound)
	c.call("GET", "/api/v1/saved-searches", tb, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 0 {
		t.Errorf("Bob's list: got %d; want none of Ana's", len(list.Items))
	}
}
