package sqldb

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// TestApplicationContentClone: a kept content and each copy handed out
// share no map or slice, at any depth, so that a reader changing its
// application (ApplyConfirmations) changes no other's.
func TestApplicationContentClone(t *testing.T) {
	c := applicationContent{Texts: map[string]coopdec.ApplicationText{"fr": {Title: "Eau"}}, Themes: []string{"water_sanitation"},
		Countries: []string{"SN"}, Places: []string{"Saint-Louis"}, Activities: []coopdec.Activity{{Title: "Diagnostic"}},
		DurationMonths: 24, Results: []coopdec.Result{{Indicator: "Forages"}}, Partners: []coopdec.Partner{{Name: "Saint-Louis"}},
		BeneficiaryCountries: []string{"MR"}, Budget: coopdec.Budget{Expenses: []coopdec.ExpenseLine{{Label: "Forages"}},
			Financing: []coopdec.FinancingLine{{Label: "Subvention"}}}}
	d := c.clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("clone differs: %+v", d)
	}
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Struct:
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		case reflect.Slice, reflect.Map:
			if a.Len() == 0 {
				t.Errorf("%s: empty in the test content; give it a value so that its copy is checked", path)
				return
			}
			if a.UnsafePointer() == b.UnsafePointer() {
				t.Errorf("%s: shared between the content and its clone", path)
			}
			if a.Kind() == reflect.Slice {
				walk(path+"[0]", a.Index(0), b.Index(0))
			} else {
				k := a.MapKeys()[0]
				walk(path+"[k]", a.MapIndex(k), b.MapIndex(k))
			}
		case reflect.Pointer, reflect.Interface:
			t.Errorf("%s: a pointer the clone does not copy", path)
		}
	}
	walk("content", reflect.ValueOf(c), reflect.ValueOf(d))
}

// TestApplicationContentMemo: a content read twice is decoded once and
// each reader gets its own; a changed text is decoded anew; the bound
// holds.
func TestApplicationContentMemo(t *testing.T) {
	k := newContentCache(4096)
	a := &coopdec.Application{Texts: map[string]coopdec.ApplicationText{"fr": {Title: "Eau"}},
		Partners: []coopdec.Partner{{Name: "Saint-Louis"}}}
	text, err := marshalApplicationContent(a)
	if err != nil {
		t.Fatal(err)
	}
	var c applicationContent
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		t.Fatal(err)
	}
	k.put(text, c)
	got, ok := k.get(text)
	if !ok || got.Partners[0].Name != "Saint-Louis" {
		t.Fatalf("got %+v, %v; want the content kept", got, ok)
	}
	got.Partners[0].Confirmed = true
	again, _ := k.get(text)
	if again.Partners[0].Confirmed {
		t.Error("a reader's change reached the kept content")
	}
	if _, ok := k.get(strings.Replace(text, "Eau", "Feu", 1)); ok {
		t.Error("another text got the kept content")
	}
	for i := range 100 {
		k.put(text+strings.Repeat(" ", i), c)
	}
	if k.bytes > k.max || len(k.m) == 0 {
		t.Errorf("got %d bytes in %d entries; want at most %d", k.bytes, len(k.m), k.max)
	}
	k.put(strings.Repeat("x", k.max), c)
	if _, ok := k.get(strings.Repeat("x", k.max)); ok {
		t.Error("a text larger than an eighth of the bound was kept")
	}
}
