package coopdec

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss")

// Fold lowers s, strips its accents and turns punctuation into single spaces,
// so that "Saint-Étienne" and "saint etienne" compare equal. Searches store
// and query folded text, the same way on both databases.
func Fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	if out, ok := foldLatin(s); ok {
		return out
	}
	return foldUnicode(s)
}

// latinFolds holds what foldUnicode makes of each letter below U+0300 (the
// Latin-1 supplement, Latin Extended-A and -B, the IPA extensions and the
// spacing modifiers), "" for those it turns into a space. No combining mark
// lies there, nor among the general punctuation (dashes, quotes, the
// narrow no-break space), all of it turned into spaces: text made of them
// folds letter by letter.
var latinFolds = func() (t [0x300]string) {
	for r := range rune(len(t)) {
		t[r] = foldUnicode(string(r))
	}
	return t
}()

// generalPunctuation is the first and last of the Unicode block.
var generalPunctuation = [2]rune{0x2000, 0x206f}

// foldLatin is Fold for text whose letters all lie below U+0300, French and
// the partners' Latin-script languages: the same result, read from
// latinFolds, without the Unicode normalisation. ok is false for other text.
func foldLatin(s string) (out string, ok bool) {
	var w foldWriter
	w.Grow(len(s))
	for _, r := range s {
		var f string
		switch {
		case r < rune(len(latinFolds)):
			f = latinFolds[r]
		case r < generalPunctuation[0] || r > generalPunctuation[1]:
			return "", false
		}
		if f == "" {
			w.separate()
			continue
		}
		w.writeString(f)
	}
	return w.String(), true
}

func foldUnicode(s string) string {
	// Decomposed, stripped of its combining marks, composed again: what
	// transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)),
	// norm.NFC) does (TestFoldUnicodeAsChain), without the chain's
	// buffers allocated on every call.
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	out := norm.NFC.String(b.String())
	out = ligatures.Replace(out)
	out = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		default:
			return ' '
		}
	}, out)
	return strings.Join(strings.Fields(out), " ")
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldASCII is Fold for text without accents nor ligatures, most of it:
// the same result without the Unicode normalisation's allocations.
func foldASCII(s string) string {
	var w foldWriter
	w.Grow(len(s))
	for i := range len(s) {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		default:
			w.separate()
			continue
		}
		w.writeByte(c)
	}
	return w.String()
}

// foldWriter writes folded text: words separated by single spaces, none
// at either end.
type foldWriter struct {
	strings.Builder
	space bool // a separator is due before the next letter
}

// separate marks a separator, written before the next letter if any.
func (w *foldWriter) separate() { w.space = w.Len() > 0 }

func (w *foldWriter) writeByte(c byte) {
	if w.space {
		w.WriteByte(' ')
		w.space = false
	}
	w.WriteByte(c)
}

func (w *foldWriter) writeString(f string) {
	if w.space {
		w.WriteByte(' ')
		w.space = false
	}
	w.WriteString(f)
}
