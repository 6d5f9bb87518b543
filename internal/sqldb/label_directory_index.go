package sqldb

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// directoryIndex holds what the directory's filters and facets read of the
// valid labels, in memory: thousands of labels at most, a few hundred
// kilobytes. Counting the facets in SQL walked every facet row of every
// label on each search (most of a search's time at 2,000 labels); from
// memory it is a loop over the labels. The text stays matched and ranked
// by the database's full-text index.
//
// It is rebuilt, as the matching's profiles are (profileCache), when the
// fingerprint of the granted labels changes (read by one cheap query on
// each search, so that several processes stay right), when a label it
// holds expires, or when the clock is set back before it was built.
type directoryIndex struct {
	entries []directoryEntry // in the database's order of authority names, then ids
}

type directoryEntry struct {
	id        int64
	rank      int // position in the order of names
	region    string
	themes    []string
	languages []string
	countries []string
}

type directoryCache struct {
	mu    sync.Mutex
	fp    profilesFP
	from  time.Time
	until time.Time // zero: no label, nothing expires
	idx   *directoryIndex
}

func (c *directoryCache) get(fp profilesFP, now time.Time) *directoryIndex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idx == nil || c.fp != fp || now.Before(c.from) || (!c.until.IsZero() && !now.Before(c.until)) {
		return nil
	}
	return c.idx
}

func (c *directoryCache) put(fp profilesFP, from, until time.Time, idx *directoryIndex) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fp, c.from, c.until, c.idx = fp, from, until, idx
}

// directoryIndexAt returns the index of the labels valid at now.
func (db *DB) directoryIndexAt(ctx context.Context, now time.Time) (*directoryIndex, error) {
	fp, err := db.profilesFingerprint(ctx)
	if err != nil {
		return nil, err
	}
	if idx := db.directory.get(fp, now); idx != nil {
		return idx, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, o.region_code, l.expires_at FROM label_applications l
		JOIN organisations o ON o.id = l.organisation_id
		WHERE l.state = 'granted' AND l.expires_at > $1 ORDER BY o.name, l.id`, now)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	idx := &directoryIndex{}
	pos := map[int64]int{}
	var until time.Time
	for rows.Next() {
		var e directoryEntry
		var expires time.Time
		if err := rows.Scan(&e.id, &e.region, &expires); err != nil {
			return nil, translate(err)
		}
		if until.IsZero() || expires.Before(until) {
			until = expires
		}
		e.rank = len(idx.entries)
		pos[e.id] = e.rank
		idx.entries = append(idx.entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	rows.Close()
	frows, err := db.read.QueryContext(ctx, `SELECT label_id, kind, value FROM label_facets ORDER BY label_id, kind, value`)
	if err != nil {
		return nil, translate(err)
	}
	defer frows.Close()
	for frows.Next() {
		var id int64
		var kind, value string
		if err := frows.Scan(&id, &kind, &value); err != nil {
			return nil, translate(err)
		}
		i, ok := pos[id]
		if !ok {
			continue // not valid any more
		}
		e := &idx.entries[i]
		switch kind {
		case facetTheme:
			e.themes = append(e.themes, value)
		case facetLanguage:
			e.languages = append(e.languages, value)
		case facetCountry:
			e.countries = append(e.countries, value)
		}
	}
	if err := frows.Err(); err != nil {
		return nil, translate(err)
	}
	db.directory.put(fp, now, until, idx)
	return idx, nil
}

// directoryMatch is the outcome of a search on the index: the labels kept,
// in the directory's order, and the facets' counts.
type directoryMatch struct {
	ids    []int64
	facets coopdec.LabelFacets
}

// search keeps the labels that pass q's facets and, when hits is not nil,
// the text (hits holds their scores: the higher the better). The order is
// by score, then by authority name; each facet counts, per value, the
// labels the text and the other facets keep.
func (idx *directoryIndex) search(q coopdec.LabelQuery, hits map[int64]float64) directoryMatch {
	counts := [4]map[string]int{{}, {}, {}, {}}
	type kept struct {
		id    int64
		rank  int
		score float64
	}
	var out []kept
	for i := range idx.entries {
		e := &idx.entries[i]
		score, ok := 0.0, true
		if hits != nil {
			score, ok = hits[e.id]
			if !ok {
				continue
			}
		}
		m := [4]bool{
			q.Theme == "" || slices.Contains(e.themes, q.Theme),
			q.Region == "" || e.region == q.Region,
			q.Language == "" || slices.Contains(e.languages, q.Language),
			q.Country == "" || slices.Contains(e.countries, q.Country),
		}
		// others reports whether the filters but skip's keep the label.
		others := func(skip int) bool {
			for j, ok := range m {
				if j != skip && !ok {
					return false
				}
			}
			return true
		}
		if others(0) {
			for _, v := range e.themes {
				counts[0][v]++
			}
		}
		if e.region != "" && others(1) {
			counts[1][e.region]++
		}
		if others(2) {
			for _, v := range e.languages {
				counts[2][v]++
			}
		}
		if others(3) {
			for _, v := range e.countries {
				counts[3][v]++
			}
		}
		if others(-1) {
			out = append(out, kept{e.id, e.rank, score})
		}
	}
	if hits != nil {
		slices.SortFunc(out, func(a, b kept) int {
			if a.score != b.score {
				return cmp.Compare(b.score, a.score)
			}
			return cmp.Compare(a.rank, b.rank)
		})
	}
	res := directoryMatch{ids: make([]int64, len(out))}
	for i, k := range out {
		res.ids[i] = k.id
	}
	lists := [4]*[]coopdec.FacetCount{&res.facets.Themes, &res.facets.Regions, &res.facets.Languages, &res.facets.Countries}
	for i, list := range lists {
		*list = make([]coopdec.FacetCount, 0, len(counts[i]))
		for v, n := range counts[i] {
			*list = append(*list, coopdec.FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(*list, func(a, b coopdec.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return res
}
