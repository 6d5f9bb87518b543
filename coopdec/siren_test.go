package coopdec

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

func TestValidateSIREN(t *testing.T) {
	for _, tc := range []struct {
		name, siren, wantKey string
	}{
		{"Ville de Lyon", "216901231", ""},
		{"Ville de Marseille", "211300553", ""},
		{"Ville de Paris", "217500016", ""},
		{"Ville de Toulouse", "213105554", ""},
		{"Ajaccio", "212000046", ""},
		{"Mamoudzou", "200008837", ""},
		{"Région Provence-Alpes-Côte d'Azur", "231300021", ""},
		{"Région Île-de-France", "237500079", ""},
		{"Métropole de Lyon", "200046977", ""},
		{"Métropole d'Aix-Marseille-Provence", "200054807", ""},
		{"Toulouse Métropole", "243100518", ""},
		{"La Poste, whose SIREN passes Luhn unlike its SIRETs", "356000000", ""},
		{"spaces", "216 901 231", ""},
		{"non-breaking spaces", "216\u00a0901\u00a0231", ""},
		{"narrow non-breaking spaces", "216\u202f901\u202f231", ""},
		{"leading and trailing spaces", "  216901231 ", ""},

		{"last digit wrong", "216901232", "org.siren.checksum"},
		{"two digits swapped", "219601231", "org.siren.checksum"},
		{"Marseille mistyped", "211300554", "org.siren.checksum"},
		{"all zeros", "000000000", "org.siren.checksum"},
		{"all zeros spaced", "000 000 000", "org.siren.checksum"},

		{"empty", "", "org.siren.format"},
		{"only spaces", "   ", "org.siren.format"},
		{"8 digits", "21690123", "org.siren.format"},
		{"10 digits", "2169012310", "org.siren.format"},
		{"SIRET of 14 digits", "21690123100011", "org.siren.format"},
		{"letter", "21690123A", "org.siren.format"},
		{"dots", "216.901.231", "org.siren.format"},
		{"dashes", "216-901-231", "org.siren.format"},
		{"tab", "216\t901231", "org.siren.format"},
		{"sign", "+216901231", "org.siren.format"},
		{"Arabic-Indic digits", "٢١٦٩٠١٢٣١", "org.siren.format"},
		{"fullwidth digits", "２１６９０１２３１", "org.siren.format"},
		{"FR prefix of the VAT number", "FR216901231", "org.siren.format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSIREN(tc.siren)
			if tc.wantKey == "" {
				if err != nil {
					t.Fatalf("ValidateSIREN(%q) = %v; want nil", tc.siren, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ValidateSIREN(%q) = %v; want %s", tc.siren, err, tc.wantKey)
			}
			if e.Key != tc.wantKey || e.Field != "siren" || e.Code != EINVALID {
				t.Errorf("ValidateSIREN(%q) = %+v; want field siren, key %s", tc.siren, e, tc.wantKey)
			}
			// Organisation.Validate type-asserts the error.
			if _, ok := err.(*Error); !ok {
				t.Errorf("ValidateSIREN(%q) returned %T; want *Error", tc.siren, err)
			}
		})
	}
}

// TestValidateSIRENReferential runs every SIREN of the official territorial
// referential through the check, when the data is at hand.
func TestValidateSIRENReferential(t *testing.T) {
	const dir = "../../shared/referentiel/decoupage-administratif-6.0.0/"
	b, err := os.ReadFile(dir + "communes.json")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("territorial referential not available")
	}
	if err != nil {
		t.Fatal(err)
	}
	var communes []struct {
		Code  string `json:"code"`
		Nom   string `json:"nom"`
		SIREN string `json:"siren"`
	}
	if err := json.Unmarshal(b, &communes); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range communes {
		if c.SIREN == "" {
			continue
		}
		n++
		if err := ValidateSIREN(c.SIREN); err != nil {
			t.Errorf("commune %s %s: SIREN %s refused: %v", c.Code, c.Nom, c.SIREN, err)
		}
	}
	if n < 30000 {
		t.Errorf("checked only %d commune SIRENs", n)
	}

	b, err = os.ReadFile(dir + "epci.json")
	if err != nil {
		t.Fatal(err)
	}
	var epcis []struct {
		Code string `json:"code"` // an EPCI's code is its SIREN
		Nom  string `json:"nom"`
	}
	if err := json.Unmarshal(b, &epcis); err != nil {
		t.Fatal(err)
	}
	for _, e := range epcis {
		if err := ValidateSIREN(e.Code); err != nil {
			t.Errorf("EPCI %s: SIREN %s refused: %v", e.Nom, e.Code, err)
		}
	}
	if len(epcis) < 1000 {
		t.Errorf("checked only %d EPCI SIRENs", len(epcis))
	}
}
