package coopdec

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
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

// The fast path for Latin-script text folds as the general one does, on
// every letter it reads and on text mixing them.
func TestFoldLatinAsUnicode(t *testing.T) {
	var alphabet []rune
	for c := range rune(0x300) {
		alphabet = append(alphabet, c)
	}
	for c := generalPunctuation[0]; c <= generalPunctuation[1]; c++ {
		alphabet = append(alphabet, c)
	}
	for _, c := range alphabet {
		s := string(c)
		if got, ok := foldLatin(s); !ok || got != foldUnicode(s) {
			t.Fatalf("foldLatin(%q) = %q, %v; the general path gives %q", s, got, ok, foldUnicode(s))
		}
	}
	r := rand.New(rand.NewPCG(13, 13))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			if r.IntN(3) == 0 {
				b.WriteString(" -'."[r.IntN(4):][:1])
				continue
			}
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		if got, ok := foldLatin(s); !ok || got != foldUnicode(s) {
			t.Fatalf("foldLatin(%q) = %q, %v; the general path gives %q", s, got, ok, foldUnicode(s))
		}
	}
	for _, s := range []string{"Dakar \u0301", "Hà Nội", "Ελλάδα", "\xc3", "ﬁ", "\u2070"} {
		if _, ok := foldLatin(s); ok {
			t.Errorf("foldLatin(%q) took text it cannot fold", s)
		}
	}
}

// foldUnicode folds as it did with a chain of transformers, on accented
// and composed letters, combining marks, ligatures, other scripts and
// invalid UTF-8.
func TestFoldUnicodeAsChain(t *testing.T) {
	ref := func(s string) string {
		out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
		if err != nil {
			out = s
		}
		out = ligatures.Replace(out)
		out = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return ' '
		}, out)
		return strings.Join(strings.Fields(out), " ")
	}
	alphabet := []string{"a", "e", "E", "É", "é", "è", "ê", "ë", "È", "ç", "Ç", "œ", "Œ", "æ", "ß", "ñ", "Ñ", "ü", "ÿ", "Å", "ø",
		"ł", "°", "«", "»", "’", "-", "'", " ", ",", "\u0301", "\u0300", "\u0327", "\u0308", "ğ", "ş", "İ", "ı", "ĳ", "ǅ", "日本",
		"Дж", "À", "Î", "ô", "щ", "\u200d", "й", "1", "٣", "\xff", "\xc3", "\xe2\x82"}
	r := rand.New(rand.NewPCG(11, 11))
	for range 5000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := foldUnicode(s), ref(s); got != want {
			t.Fatalf("foldUnicode(%q) = %q; the chain gives %q", s, got, want)
		}
	}
}
