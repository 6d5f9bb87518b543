package coopdec

import (
	"reflect"
	"testing"
	"time"
)

// TestCallClone: every map and slice of a call, those added later
// included, is copied: a change to the copy never reaches the original.
func TestCallClone(t *testing.T) {
	c := &Call{ID: 1, Reference: "AAP-FR-IN-01", Texts: map[string]CallText{"fr": {Title: "Appel"}},
		CoManagers: []int64{2}, Funders: []Funder{{OrganisationID: 3}}, Themes: []string{"water_sanitation"},
		Rules: EligibilityRules{Countries: []string{"IN"}, Excluded: []Exclusion{{Country: "MA"}}, LeadTypes: []AuthorityType{AuthorityCommune},
			PartnerCountries: []string{"IN"}, BeneficiaryCountries: []string{"HT"}, RequiredDocuments: []string{"budget"}},
		Deadline: time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC)}
	d := c.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("clone differs: %+v", d)
	}
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		if a.Type() == reflect.TypeFor[time.Time]() {
			return // a value, whatever its location
		}
		switch a.Kind() {
		case reflect.Struct:
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		case reflect.Slice, reflect.Map:
			if a.Len() == 0 {
				t.Errorf("%s: empty in the test call; give it a value so that its copy is checked", path)
			} else if a.UnsafePointer() == b.UnsafePointer() {
				t.Errorf("%s: shared between the call and its clone", path)
			}
		case reflect.Pointer, reflect.Interface:
			if !a.IsNil() {
				t.Errorf("%s: a pointer the clone does not copy", path)
			}
		}
	}
	walk("Call", reflect.ValueOf(c).Elem(), reflect.ValueOf(d).Elem())
	if (*Call)(nil).Clone() != nil {
		t.Error("clone of nil is not nil")
	}
}
