package coopdec

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Saint-Étienne", "saint etienne"},
		{"  L'Haÿ-les-Roses ", "l hay les roses"},
		{"PROVENCE-ALPES-CÔTE D'AZUR", "provence alpes cote d azur"},
		{"Métropole d'Aix-Marseille-Provence", "metropole d aix marseille provence"},
		{"São Paulo", "sao paulo"},
		{"Cœuvres-et-Valsery", "coeuvres et valsery"},
		{"", ""},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
