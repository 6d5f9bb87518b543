package bench

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
)

// writer makes the generated prose: sentences from templates whose slots
// are drawn from the word classes of text_vocab.go with a Zipf law, so that
// a few words are in most documents and thousands in a handful. It counts
// each word's document frequency as it goes, for the manifest.
type writer struct {
	rnd    *rand.Rand
	places []string // realPlaces, then the made-up ones: rank order
	zipf   map[int]*rand.Zipf

	docs int            // documents counted
	df   map[string]int // word → documents holding it
	seen map[string]bool
}

func newWriter(rnd *rand.Rand) *writer {
	w := &writer{rnd: rnd, zipf: map[int]*rand.Zipf{}, df: map[string]int{}, seen: map[string]bool{}}
	w.places = append(w.places, realPlaces...)
	for _, a := range placeOnsets {
		for _, b := range placeMiddles {
			for _, c := range placeCodas {
				w.places = append(w.places, a+b+c)
			}
		}
	}
	// The made-up names in a fixed but mixed order, so that the rare tail
	// is not alphabetical.
	made := w.places[len(realPlaces):]
	shuffle := rand.New(rand.NewPCG(7, 11))
	shuffle.Shuffle(len(made), func(i, j int) { made[i], made[j] = made[j], made[i] })
	return w
}

// pick draws from list with a Zipf law of exponent s (rank 1 most often).
func (w *writer) pick(list []string, s float64) string {
	key := len(list)*100 + int(s*10)
	z := w.zipf[key]
	if z == nil {
		z = rand.NewZipf(w.rnd, s, 1, uint64(len(list)-1))
		w.zipf[key] = z
	}
	return list[z.Uint64()]
}

// uniform draws from list evenly.
func (w *writer) uniform(list []string) string { return list[w.rnd.IntN(len(list))] }

// place is a partner town: a long tail, most names in a handful of texts.
func (w *writer) place() string { return w.pick(w.places, 1.05) }

// frenchParagraph writes n sentences in French, the first around the
// common words of the corpus.
func (w *writer) frenchParagraph(n int) string {
	var b strings.Builder
	place := w.place()
	fmt.Fprintf(&b, w.uniform(frOpenings), place, w.uniform(frActors), w.uniform(frAdjectives))
	for range n - 1 {
		b.WriteByte(' ')
		fmt.Fprintf(&b, w.uniform(frSentences),
			w.pick(frThemes, 1.1), w.pick(frTerms, 1.1), w.uniform(frActors), w.uniform(frActivities),
			w.uniform(frActivities), w.uniform(frOutcomes), place, w.uniform(frAdjectives), w.place())
	}
	return b.String()
}

// partnerParagraph writes n sentences in lang (en, es or pt); French
// otherwise.
func (w *writer) partnerParagraph(lang string, n int) string {
	open, ok := partnerOpenings[lang]
	if !ok {
		return w.frenchParagraph(n)
	}
	var b strings.Builder
	place := w.place()
	fmt.Fprintf(&b, w.uniform(open), place)
	for range n - 1 {
		b.WriteByte(' ')
		fmt.Fprintf(&b, w.uniform(partnerSentences[lang]), w.pick(partnerThemes[lang], 1.1), w.uniform(partnerTerms[lang]), place)
	}
	return b.String()
}

// frenchTitle is a short title naming a theme and a town.
func (w *writer) frenchTitle(place string) string {
	theme := w.pick(frThemes, 1.1)
	return upperFirst(theme) + " à " + place + " : " + w.pick(frTerms, 1.1) + " et coopération " + w.uniform(frAdjectives)
}

func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// count records one document made of texts: each word it holds counts
// once. Words are folded to lower case; the short ones (articles,
// prepositions) are left out.
func (w *writer) count(texts ...string) {
	clear(w.seen)
	for _, t := range texts {
		for _, word := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
			word = strings.Trim(strings.ToLower(word), "-")
			if len([]rune(word)) < 4 || w.seen[word] {
				continue
			}
			w.seen[word] = true
			w.df[word]++
		}
	}
	w.docs++
}

// common returns the words in more than half of the documents, most
// frequent first.
func (w *writer) common() []string {
	return w.words(func(n int) bool { return 2*n > w.docs }, 0)
}

// rare returns up to max words in fewer than 0.1 % of the documents (in
// one, when there are fewer than a thousand), rarest first.
func (w *writer) rare(max int) []string {
	return w.words(func(n int) bool { return 1000*n < w.docs || w.docs < 1000 && n == 1 }, max)
}

func (w *writer) words(keep func(int) bool, limit int) []string {
	var out []string
	for word, n := range w.df {
		if keep(n) {
			out = append(out, word)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := cmp.Compare(w.df[b], w.df[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if limit > 0 && len(out) > limit {
		// The rarest: the end of the list, in a fixed order.
		out = out[len(out)-limit:]
	}
	return out
}

func sortStrings(s []string) { slices.Sort(s) }
