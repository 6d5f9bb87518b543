package coopdec

import (
	"math/rand/v2"
	"testing"
)

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

// The fast path for ASCII text folds as the general one does.
func TestFoldASCIIAsUnicode(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 5000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = byte(r.IntN(0x80))
		}
		s := string(b)
		if got, want := foldASCII(s), foldUnicode(s); got != want {
			t.Fatalf("Fold(%q): fast path %q, general %q", s, got, want)
		}
	}
}
