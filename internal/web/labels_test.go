package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

type labelFixture struct {
	e                                 *testEnv
	lyon, marseille                   *coopdec.Organisation
	member, other, officer, evaluator *coopdec.User
	embassy                           *coopdec.User
	memberTok, otherTok, officerTok   string
	evaluatorTok, embassyTok          string
}

func newLabelFixture(t *testing.T) *labelFixture {
	t.Helper()
	e := newTestEnv(t)
	f := &labelFixture{e: e}
	f.lyon = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84"})
	f.marseille = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", TerritoryCode: "13055", RegionCode: "93"})
	f.member = e.user("agent@lyon.fr")
	f.other = e.user("agent@marseille.fr")
	f.officer = e.user("officer@diplomatie.gouv.fr", coopdec.RoleOfficer)
	f.evaluator = e.user("eval@example.org", coopdec.RoleEvaluator)
	f.embassy = e.user("embassy@example.org", coopdec.RoleEmbassy)
	e.member(f.member, f.lyon, coopdec.MemberRoleMember)
	e.member(f.other, f.marseille, coopdec.MemberRoleMember)
	f.memberTok, f.otherTok, f.officerTok = e.token(f.member), e.token(f.other), e.token(f.officer)
	f.evaluatorTok, f.embassyTok = e.token(f.evaluator), e.token(f.embassy)
	return f
}

func labelInput(org int64) map[string]any {
	return map[string]any{"organisation_id": org,
		"competencies": map[string]any{"themes": []string{"water_sanitation"}, "description": "Régie publique de l'eau", "methods": "Compagnonnage"},
		"references": []map[string]any{{"title": "Eau potable à Mopti", "kind": "project", "country": "ML", "from_year": 2015, "to_year": 2019,
			"partners": "Commune de Mopti", "results": "12 forages", "documents": []string{"rapport.pdf"}}},
		"conditions": map[string]any{"staff": "2 ingénieurs", "languages": []string{"fr", "en"}, "min_duration_days": 5,
			"max_duration_days": 15, "self_covered": "Salaires"}}
}

func TestLabelAPIContract(t *testing.T) {
	f := newLabelFixture(t)
	c := f.e.apiContract()
	list, one := "/api/v1/label-applications", "/api/v1/label-applications/%d"
	c.anonymous("GET", list, nil)
	c.anonymous("POST", list, labelInput(f.lyon.ID))
	c.anonymous("GET", "/api/v1/label-applications/1", nil)
	c.anonymous("PUT", "/api/v1/label-applications/1", labelInput(f.lyon.ID))
	c.anonymous("POST", "/api/v1/label-applications/1/submission", nil)
	c.anonymous("POST", "/api/v1/label-applications/1/review", map[string]any{"action": "grant"})
	c.anonymous("POST", "/api/v1/labels/1/revocation", map[string]any{"reason": "x"})

	c.call("GET", list, f.evaluatorTok, nil, http.StatusForbidden)
	c.call("GET", list, f.embassyTok, nil, http.StatusForbidden)
	c.invalid("GET", list+"?state=lost", f.officerTok, nil, http.StatusUnprocessableEntity)
	c.call("POST", list, f.evaluatorTok, labelInput(f.lyon.ID), http.StatusForbidden)
	c.call("POST", list, f.otherTok, labelInput(f.lyon.ID), http.StatusForbidden)
	bad := labelInput(f.lyon.ID)
	bad["competencies"] = map[string]any{"themes": []string{"astrology"}}
	c.call("POST", list, f.memberTok, bad, http.StatusUnprocessableEntity)
	var doc struct {
		ID     int64
		State  string
		Number *string
	}
	c.call("POST", list, f.memberTok, map[string]any{"organisation_id": f.lyon.ID}, http.StatusCreated).decode(&doc)
	id := doc.ID
	p := fmt.Sprintf(one, id)
	c.call("POST", list, f.memberTok, labelInput(f.lyon.ID), http.StatusConflict)

	// Another authority's member can neither see nor change the draft.
	c.call("GET", p, f.otherTok, nil, http.StatusNotFound)
	c.call("PUT", p, f.otherTok, labelInput(f.lyon.ID), http.StatusNotFound)
	c.call("POST", p+"/submission", f.otherTok, nil, http.StatusNotFound)
	c.call("GET", p, f.evaluatorTok, nil, http.StatusNotFound)
	c.call("POST", p+"/review", f.embassyTok, map[string]any{"action": "grant"}, http.StatusNotFound)
	c.call("POST", "/api/v1/labels/"+fmt.Sprint(id)+"/revocation", f.otherTok, map[string]any{"reason": "x"}, http.StatusNotFound)

	c.call("POST", p+"/submission", f.memberTok, nil, http.StatusUnprocessableEntity)
	c.call("PUT", p, f.officerTok, labelInput(f.lyon.ID), http.StatusForbidden)
	c.call("PUT", p, f.memberTok, bad, http.StatusUnprocessableEntity)
	c.call("PUT", p, f.memberTok, labelInput(f.lyon.ID), http.StatusOK)
	c.call("POST", p+"/review", f.officerTok, map[string]any{"action": "grant"}, http.StatusConflict)
	c.call("POST", p+"/submission", f.officerTok, nil, http.StatusForbidden)
	c.call("POST", p+"/submission", f.memberTok, nil, http.StatusOK).decode(&doc)
	if doc.State != "submitted" {
		t.Fatalf("state: got %s; want submitted", doc.State)
	}
	c.call("POST", p+"/submission", f.memberTok, nil, http.StatusConflict)
	c.call("PUT", p, f.memberTok, labelInput(f.lyon.ID), http.StatusConflict)
	c.call("POST", p+"/review", f.memberTok, map[string]any{"action": "grant"}, http.StatusForbidden)
	c.call("POST", p+"/review", f.officerTok, map[string]any{"action": "refuse", "reason": " "}, http.StatusUnprocessableEntity)
	c.call("POST", p+"/review", f.officerTok, map[string]any{"action": "request_changes", "reason": "Précisez les résultats."}, http.StatusOK)
	c.call("POST", p+"/submission", f.memberTok, nil, http.StatusOK)
	c.call("GET", list+"?state=submitted", f.officerTok, nil, http.StatusOK)
	c.call("GET", list, f.memberTok, nil, http.StatusOK)
	rev := "/api/v1/labels/" + fmt.Sprint(id) + "/revocation"
	c.call("POST", rev, f.officerTok, map[string]any{"reason": "x"}, http.StatusConflict)
	c.call("POST", p+"/review", f.officerTok, map[string]any{"action": "grant"}, http.StatusOK).decode(&doc)
	if doc.State != "granted" || doc.Number == nil || !strings.HasPrefix(*doc.Number, "PACT2-LBL-") {
		t.Fatalf("granted: got %+v", doc)
	}
	c.call("GET", p, f.memberTok, nil, http.StatusOK)
	c.call("POST", rev, f.memberTok, map[string]any{"reason": "x"}, http.StatusForbidden)
	c.call("POST", rev, f.officerTok, map[string]any{"reason": ""}, http.StatusUnprocessableEntity)
	c.call("POST", rev, f.officerTok, map[string]any{"reason": "Manquement grave."}, http.StatusOK).decode(&doc)
	if doc.State != "revoked" {
		t.Fatalf("revoked: got %s", doc.State)
	}
	c.call("GET", "/api/v1/labels", "", nil, http.StatusOK)
	c.invalid("GET", "/api/v1/labels?page=0", "", nil, http.StatusUnprocessableEntity)
	labelCheckSeen(t, c)
}

// labelCheckSeen fails for any status labels.json documents that the test
// did not see (500 aside).
func labelCheckSeen(t *testing.T, c *apiContract) {
	t.Helper()
	apiCheckFragmentSeen(t, c, "labels.json")
}

func TestLabelPages(t *testing.T) {
	f := newLabelFixture(t)
	e := f.e
	e.startJobs()
	member := e.client().login(f.member.Email)
	res := member.post("/labels/nouveau", url.Values{"organisation_id": {fmt.Sprint(f.lyon.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d; want 303", res.StatusCode)
	}
	page := res.Header.Get("Location")
	if b := body(t, member.get(page)); !strings.Contains(b, `name="ref4_title"`) || !strings.Contains(b, "<legend>") {
		t.Fatalf("form: no spare reference rows or fieldsets")
	}
	form := url.Values{"action": {"submit"}, "themes": {"water_sanitation"}, "description": {"Régie publique de l'eau"},
		"methods": {"Compagnonnage"}, "ref0_title": {"Eau potable à Mopti"}, "ref0_kind": {"project"}, "ref0_country": {"ML"},
		"ref0_from": {"2015"}, "ref0_to": {"2019"}, "ref0_results": {""}, "ref1_title": {""}, "ref1_kind": {"project"},
		"staff": {"2 ingénieurs"}, "languages": {"fr", "ar"}, "min_days": {"5"}, "max_days": {"15"}, "self_covered": {"Salaires"}}
	res = member.post(page, form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("submit without results: got %d; want 422", res.StatusCode)
	}
	if b := body(t, res); !strings.Contains(b, "Référence 1 : décrivez les résultats obtenus.") || !strings.Contains(b, "Eau potable à Mopti") {
		t.Errorf("error or entered data missing from the re-shown form")
	}
	form.Set("ref0_results", "12 forages")
	if res = member.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: got %d; want 303: %s", res.StatusCode, body(t, res))
	}

	// Another authority, an evaluator, an embassy and anonymous are refused.
	other := e.client().login(f.other.Email)
	if res := other.get(page); res.StatusCode != http.StatusNotFound {
		t.Errorf("other authority's view: got %d; want 404", res.StatusCode)
	}
	if res := other.post(page, url.Values{"action": {"save"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("other authority's save: got %d; want 404", res.StatusCode)
	}
	for _, u := range []*coopdec.User{f.evaluator, f.embassy} {
		cl := e.client().login(u.Email)
		if res := cl.get("/labels/instruction"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s on the officers' list: got %d; want 403", u.Email, res.StatusCode)
		}
		if res := cl.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s on the application: got %d; want 404", u.Email, res.StatusCode)
		}
	}
	if res := e.client().get(page); res.StatusCode == http.StatusOK {
		t.Errorf("anonymous: got 200")
	}

	officer := e.client().login(f.officer.Email)
	if b := body(t, officer.get("/labels/instruction?state=submitted")); !strings.Contains(b, "Lyon") {
		t.Errorf("officers' list: Lyon missing")
	}
	if res := officer.get("/labels/instruction?state=lost"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad filter: got %d; want 422", res.StatusCode)
	}
	if res := officer.post(page, url.Values{"action": {"refuse"}, "reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("refuse without reason: got %d; want 422", res.StatusCode)
	}
	if res := officer.post(page, url.Values{"action": {"request_changes"}, "reason": {"Joignez le rapport final."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("request changes: got %d", res.StatusCode)
	}
	e.waitMail(f.member.Email, "Joignez le rapport final.")
	if b := body(t, member.get(page)); !strings.Contains(b, "Joignez le rapport final.") {
		t.Errorf("member does not see the officer's request")
	}
	form.Set("ref0_documents", "rapport-final.pdf")
	if res = member.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: got %d", res.StatusCode)
	}
	if res := officer.post(page, url.Values{"action": {"grant"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: got %d", res.StatusCode)
	}
	m := e.waitMail(f.member.Email, "PACT2-LBL-")
	if !strings.Contains(m.Text, "valable jusqu'au") {
		t.Errorf("grant mail: %q", m.Text)
	}
	if b := body(t, member.get("/labels")); !strings.Contains(b, "PACT2-LBL-") {
		t.Errorf("member's list: no label number")
	}
	if res := officer.post(page, url.Values{"action": {"revoke"}, "reason": {" "}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("revoke without reason: got %d; want 422", res.StatusCode)
	}
}

func TestLabelDirectory(t *testing.T) {
	f := newLabelFixture(t)
	e := f.e
	c := e.apiContract()
	var doc struct{ ID int64 }
	c.call("POST", "/api/v1/label-applications", f.memberTok, labelInput(f.lyon.ID), http.StatusCreated).decode(&doc)
	p := fmt.Sprintf("/api/v1/label-applications/%d", doc.ID)
	c.call("POST", p+"/submission", f.memberTok, nil, http.StatusOK)
	var dir struct {
		Total int
		Items []struct {
			OrganisationID int64 `json:"organisation_id"`
			Number         string
		}
		Facets struct {
			Regions []struct {
				Value string
				Count int
			}
		}
	}
	c.call("GET", "/api/v1/labels", "", nil, http.StatusOK).decode(&dir)
	if dir.Total != 0 {
		t.Fatalf("directory before the grant: got %d; want 0", dir.Total)
	}
	c.call("POST", p+"/review", f.officerTok, map[string]any{"action": "grant"}, http.StatusOK)
	c.call("GET", "/api/v1/labels?q=REGIE+publique&region=84&language=en&country=ML&theme=water_sanitation", "", nil, http.StatusOK).decode(&dir)
	if dir.Total != 1 || dir.Items[0].OrganisationID != f.lyon.ID || len(dir.Facets.Regions) != 1 || dir.Facets.Regions[0].Count != 1 {
		t.Fatalf("directory search: got %+v", dir)
	}
	c.call("GET", "/api/v1/labels?q=aeroport", "", nil, http.StatusOK).decode(&dir)
	if dir.Total != 0 {
		t.Errorf("directory search without match: got %d", dir.Total)
	}
	c.invalid("GET", "/api/v1/labels?per_page=0", "", nil, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/labels?country=ZZ", "", nil, http.StatusUnprocessableEntity)

	anon := e.client()
	b := body(t, anon.get("/expertise?q=r%C3%A9gie&country=ML"))
	if !strings.Contains(b, "Lyon") || !strings.Contains(b, "Mali (1)") {
		t.Errorf("directory page: Lyon or the country facet missing")
	}
	if res := anon.get("/expertise?language=xx"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad facet: got %d; want 422", res.StatusCode)
	}
	if b := body(t, anon.get(fmt.Sprintf("/expertise/%d", f.lyon.ID))); !strings.Contains(b, "Eau potable à Mopti") {
		t.Errorf("profile: reference missing")
	}
	if res := anon.get(fmt.Sprintf("/expertise/%d", f.marseille.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("profile without label: got %d; want 404", res.StatusCode)
	}
}

// TestLabelPlaceAvailabilityAndValidity: the place of a reference and the
// stated availability go through the API and the form, are refused when
// they do not hold together, and show on the public profile; a server
// configured for five years grants labels valid five years.
func TestLabelPlaceAvailabilityAndValidity(t *testing.T) {
	f := newLabelFixture(t)
	e := f.e
	if _, err := New(Config{DB: e.db, Mail: e.mail, Jobs: e.runner, Blobs: e.blobs, BaseURL: e.ts.URL, LabelValidityYears: 11}); err == nil {
		t.Fatal("New with an 11-year validity: got no error")
	}
	srv, err := New(Config{DB: e.db, Mail: e.mail, Jobs: e.runner, Blobs: e.blobs, BaseURL: e.ts.URL, Version: "test",
		NoLoginDelay: true, LabelValidityYears: 5})
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.ts.Config.Handler = srv, srv
	c := e.apiContract()
	list := "/api/v1/label-applications"

	in := labelInput(f.lyon.ID)
	in["references"].([]map[string]any)[0]["place"] = "Mopti"
	cond := in["conditions"].(map[string]any)
	cond["available_from"], cond["available_to"] = "2027-01-01", nil
	cond["unavailable"] = []map[string]any{{"from": "2027-07-14", "to": "2027-08-31"}}
	var doc struct {
		ID         int64
		References []struct{ Place string }
		Conditions struct {
			AvailableFrom *string `json:"available_from"`
			AvailableTo   *string `json:"available_to"`
			Unavailable   []struct{ From, To string }
		}
		GrantedAt *string `json:"granted_at"`
		ExpiresAt *string `json:"expires_at"`
	}
	for _, bad := range []struct {
		field   string
		value   any
		invalid bool // breaks the OpenAPI document itself
		want    string
	}{
		{"available_from", "01/01/2027", true, "available_from"},
		{"available_to", "2026-12-31", false, "available_to"}, // before available_from
		{"unavailable", []map[string]any{{"from": "2027-08-31", "to": "2027-07-14"}}, false, "unav0_to"},
		{"unavailable", []map[string]any{{"from": "2027-07-14"}}, true, "unav0_to"},
		{"available_from", "2040-01-01", false, "available_from"}, // out of range
	} {
		badIn := labelInput(f.lyon.ID)
		badIn["conditions"] = map[string]any{"available_from": "2027-01-01", bad.field: bad.value}
		send := c.call
		if bad.invalid {
			send = c.invalid
		}
		if got := send("POST", list, f.memberTok, badIn, http.StatusUnprocessableEntity).fields(); !slices.Equal(got, []string{bad.want}) {
			t.Errorf("%s = %v: got errors on %v; want on %s", bad.field, bad.value, got, bad.want)
		}
	}
	c.call("POST", list, f.memberTok, in, http.StatusCreated).decode(&doc)
	if len(doc.References) != 1 || doc.References[0].Place != "Mopti" || doc.Conditions.AvailableFrom == nil ||
		*doc.Conditions.AvailableFrom != "2027-01-01" || doc.Conditions.AvailableTo != nil || len(doc.Conditions.Unavailable) != 1 ||
		doc.Conditions.Unavailable[0].To != "2027-08-31" {
		t.Fatalf("created: got %+v", doc)
	}
	p := fmt.Sprintf(list+"/%d", doc.ID)
	c.call("POST", p+"/submission", f.memberTok, nil, http.StatusOK)
	c.call("POST", p+"/review", f.officerTok, map[string]any{"action": "grant"}, http.StatusOK).decode(&doc)
	granted, err1 := time.Parse(time.RFC3339, *doc.GrantedAt)
	expires, err2 := time.Parse(time.RFC3339, *doc.ExpiresAt)
	if err1 != nil || err2 != nil || !expires.Equal(granted.AddDate(5, 0, 0)) {
		t.Fatalf("granted %v, expires %v; want five years apart", doc.GrantedAt, doc.ExpiresAt)
	}
	b := body(t, e.client().get(fmt.Sprintf("/expertise/%d", f.lyon.ID)))
	for _, want := range []string{"Mopti", "à partir du 01/01/2027", "du 14/07/2027 au 31/08/2027"} {
		if !strings.Contains(b, want) {
			t.Errorf("profile: %q missing", want)
		}
	}

	// The form: Marseille states a place and its availability.
	other := e.client().login(f.other.Email)
	res := other.post("/labels/nouveau", url.Values{"organisation_id": {fmt.Sprint(f.marseille.ID)}})
	page := res.Header.Get("Location")
	if b := body(t, other.get(page)); !strings.Contains(b, `name="ref0_place"`) || !strings.Contains(b, `type="date" id="unav2_from"`) {
		t.Fatalf("form: no place field or spare unavailable rows")
	}
	form := url.Values{"action": {"save"}, "ref0_title": {"Déchets à Sousse"}, "ref0_kind": {"project"}, "ref0_country": {"TN"},
		"ref0_place": {"Sousse"}, "ref0_from": {"2016"}, "available_from": {"2027-13-01"}, "available_to": {"2027-06-30"},
		"unav0_from": {"2027-03-10"}, "unav0_to": {"2027-03-01"}, "unav1_from": {""}, "unav1_to": {""}}
	res = other.post(page, form)
	if b := body(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "AAAA-MM-JJ") || !strings.Contains(b, `value="Sousse"`) {
		t.Fatalf("bad date: got %d; want 422 with the format asked and the place kept", res.StatusCode)
	}
	form.Set("available_from", "2027-01-01")
	res = other.post(page, form)
	if b := body(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Indisponibilité 1 : la fin ne peut précéder le début.") ||
		!strings.Contains(b, `href="#unav0_to"`) {
		t.Fatalf("reversed window: got %d; want 422 linked to unav0_to", res.StatusCode)
	}
	form.Set("unav0_to", "2027-03-20")
	if res = other.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: got %d; want 303: %s", res.StatusCode, body(t, res))
	}
	b = body(t, other.get(page))
	for _, want := range []string{`value="Sousse"`, `value="2027-01-01"`, `value="2027-06-30"`, `value="2027-03-10"`, `value="2027-03-20"`} {
		if !strings.Contains(b, want) {
			t.Errorf("saved form: %s missing", want)
		}
	}
}
