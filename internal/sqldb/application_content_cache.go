package sqldb

import (
	"hash/maphash"
	"maps"
	"slices"
	"sync"
)

// Applications' contents are JSON, decoded on every reading of an
// application: a tenth of a submission's CPU at the deadline, where each
// application is read four times in half a second (the file's and the
// submission's checks and transactions), and a large part of its owner's
// page. contentMemo keeps the last contents decoded, by their exact text:
// the same text always decodes to the same content, so a kept one is right
// whichever database, transaction or version it came from. Each reader
// gets its own copy (applicationContent.clone).
var contentMemo = newContentCache(8 << 20)

// contentCache is a bounded map from a content's text to its decoding.
type contentCache struct {
	seed maphash.Seed
	max  int // bytes of text kept at most

	mu    sync.Mutex
	m     map[uint64]contentEntry
	bytes int
}

type contentEntry struct {
	text string
	c    applicationContent
}

func newContentCache(max int) *contentCache {
	return &contentCache{seed: maphash.MakeSeed(), max: max, m: map[uint64]contentEntry{}}
}

// get returns a copy of the content decoded from text, if kept.
func (k *contentCache) get(text string) (applicationContent, bool) {
	h := maphash.String(k.seed, text)
	k.mu.Lock()
	e, ok := k.m[h]
	k.mu.Unlock()
	if !ok || e.text != text {
		return applicationContent{}, false
	}
	return e.c.clone(), true
}

// put keeps a copy of c, decoded from text; texts larger than an eighth
// of the bound are not kept. When full, entries are dropped at random
// (map order) until the new one fits.
func (k *contentCache) put(text string, c applicationContent) {
	if len(text) > k.max/8 {
		return
	}
	h := maphash.String(k.seed, text)
	c = c.clone()
	k.mu.Lock()
	defer k.mu.Unlock()
	if old, ok := k.m[h]; ok {
		k.bytes -= len(old.text)
		delete(k.m, h)
	}
	for id, e := range k.m {
		if k.bytes+len(text) <= k.max {
			break
		}
		k.bytes -= len(e.text)
		delete(k.m, id)
	}
	k.m[h] = contentEntry{text: text, c: c}
	k.bytes += len(text)
}

// clone copies every map and slice of c: readers change what they get
// (ApplyConfirmations marks partners confirmed).
func (c applicationContent) clone() applicationContent {
	c.Texts = maps.Clone(c.Texts)
	c.Themes, c.Countries, c.Places = slices.Clone(c.Themes), slices.Clone(c.Countries), slices.Clone(c.Places)
	c.Activities, c.Results, c.Partners = slices.Clone(c.Activities), slices.Clone(c.Results), slices.Clone(c.Partners)
	c.BeneficiaryCountries = slices.Clone(c.BeneficiaryCountries)
	c.Budget.Expenses, c.Budget.Financing = slices.Clone(c.Budget.Expenses), slices.Clone(c.Budget.Financing)
	return c
}
