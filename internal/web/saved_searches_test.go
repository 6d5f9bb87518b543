package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

func TestSavedSearchPages(t *testing.T) {
	e := newTestEnv(t)
	ana := e.user("ana@example.org")
	e.user("bob@example.org")

	anon := e.client()
	if res := anon.get("/recherches"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
		t.Errorf("anonymous list: got %d to %q; want 303 to the login page", res.StatusCode, res.Header.Get("Location"))
	}
	if res := anon.post("/recherches", url.Values{"name": {"Eau"}, "query": {"q=eau"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous save: got %d; want 401", res.StatusCode)
	}

	c := e.client().login("ana@example.org")
	res := c.post("/recherches", url.Values{"name": {" Eau au Sénégal "}, "query": {"?q=eau&status=open&theme=water_sanitation&page=3&lang=en&country=sn"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/recherches?ok=saved" {
		t.Fatalf("save: got %d to %q; want 303 to /recherches?ok=saved\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	list, err := e.db.SavedSearches(t.Context(), ana.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("got %d searches (err %v); want 1", len(list), err)
	}
	if list[0].Query != "country=sn&q=eau&status=open&theme=water_sanitation" {
		t.Errorf("stored query: got %q; want the filters only, sorted", list[0].Query)
	}
	page := html.UnescapeString(body(t, c.get("/recherches?ok=saved")))
	for _, want := range []string{"Eau au Sénégal", "/appels?" + list[0].Query, "Mots : « eau »", "Pays : Sénégal", "État : ouverts",
		"/recherches/" + strconv.FormatInt(list[0].ID, 10) + "/suppression", "Votre recherche est enregistrée"} {
		if !strings.Contains(page, want) {
			t.Errorf("list page lacks %q", want)
		}
	}

	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"name": {""}, "query": {"q=eau"}}, "Donnez un nom à la recherche"},
		{url.Values{"name": {strings.Repeat("n", 81)}, "query": {"q=eau"}}, "ne doit pas dépasser 80 caractères"},
		{url.Values{"name": {"Mauvais"}, "query": {"theme=nope"}}, ""},
	} {
		res := c.post("/recherches", tc.form)
		b := html.UnescapeString(body(t, res))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, tc.want) || !strings.Contains(b, `name="query" value="`+tc.form.Get("query")+`"`) {
			t.Errorf("save %v: got %d; want 422 with %q and the search kept in the form", tc.form, res.StatusCode, tc.want)
		}
	}

	other := e.client().login("bob@example.org")
	del := "/recherches/" + strconv.FormatInt(list[0].ID, 10) + "/suppression"
	if res := other.post(del, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another user's delete: got %d; want 404", res.StatusCode)
	}
	if res := anon.post(del, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous delete: got %d; want 401", res.StatusCode)
	}
	if res := c.post(del, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: got %d; want 303", res.StatusCode)
	}
	if list, _ := e.db.SavedSearches(t.Context(), ana.ID); len(list) != 0 {
		t.Errorf("after delete: got %d searches; want 0", len(list))
	}
	if b := body(t, c.get("/recherches")); !strings.Contains(b, "aucune recherche enregistrée") {
		t.Errorf("empty list page lacks its message")
	}
}

func TestSavedSearchUnsubscribe(t *testing.T) {
	e := newTestEnv(t)
	ana := e.user("ana@example.org")
	s := &sqldb.SavedSearch{UserID: ana.ID, Name: "Eau", Query: "q=eau"}
	if err := e.db.CreateSavedSearch(t.Context(), s, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	tokens, err := e.db.ClaimDigest(t.Context(), []int64{s.ID}, e.db.Now())
	if err != nil {
		t.Fatal(err)
	}
	link := "/recherches/desinscription/" + tokens[s.ID]
	anon := e.client()

	res := anon.get(link)
	b := html.UnescapeString(body(t, res))
	if res.StatusCode != http.StatusOK || !strings.Contains(b, `action="`+link+`"`) || !strings.Contains(b, "« Eau »") {
		t.Fatalf("GET link: got %d; want a page with one button for the search\n%s", res.StatusCode, b)
	}
	if got, _ := e.db.SavedSearch(t.Context(), ana.ID, s.ID); got.UnsubscribedAt != nil {
		t.Fatalf("a GET unsubscribed; want no change until the button")
	}
	for i := range 2 {
		res := anon.post(link, nil)
		if b := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(b, "C&#39;est fait") {
			t.Fatalf("click %d: got %d; want 200 with a confirmation\n%s", i+1, res.StatusCode, b)
		}
	}
	if got, _ := e.db.SavedSearch(t.Context(), ana.ID, s.ID); got.UnsubscribedAt == nil {
		t.Errorf("after the click: still subscribed")
	}
	if b := body(t, anon.get(link)); !strings.Contains(b, "C&#39;est fait") {
		t.Errorf("GET after unsubscribing: want the confirmation again")
	}
	for _, method := range []string{"GET", "POST"} {
		var res *http.Response
		if method == "GET" {
			res = anon.get("/recherches/desinscription/unknown")
		} else {
			res = anon.post("/recherches/desinscription/unknown", nil)
		}
		if b := html.UnescapeString(body(t, res)); res.StatusCode != http.StatusNotFound || !strings.Contains(b, "lien de désinscription n'est pas valable") {
			t.Errorf("%s unknown link: got %d; want 404 with a clear message", method, res.StatusCode)
		}
	}
	if res := anon.post("/recherches/autre/chose", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST /recherches/autre/chose: got %d; want 404", res.StatusCode)
	}
}
