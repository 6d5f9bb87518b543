package sqldb

import (
	"cmp"
	"context"
	"slices"
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
// It is kept, as the matching's profiles are, by the public version and
// the first expiry of the labels it holds (spanCache).
type directoryIndex struct {
	ids    []int64                    // in the database's order of authority names, then ids
	values []coopdec.LabelFacetValues // of ids[i]
}

// directoryIndexAt returns the index of the labels valid at now, kept by
// the public version (read by the caller) and their first expiry.
func (db *DB) directoryIndexAt(ctx context.Context, version int64, now time.Time) (*directoryIndex, error) {
	return db.directory.at(version, now, func() (*directoryIndex, time.Time, error) { return db.readDirectoryIndex(ctx, now) })
}

// readDirectoryIndex reads the index of the labels valid at now, and the
// first of their expiries.
func (db *DB) readDirectoryIndex(ctx context.Context, now time.Time) (*directoryIndex, time.Time, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, o.region_code, l.expires_at FROM label_applications l
		JOIN organisations o ON o.id = l.organisation_id
		WHERE l.state = 'granted' AND l.expires_at > $1 ORDER BY o.name, l.id`, now)
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	defer rows.Close()
	idx := &directoryIndex{}
	pos := map[int64]int{}
	var until time.Time
	for rows.Next() {
		var id int64
		var v coopdec.LabelFacetValues
		var expires time.Time
		if err := rows.Scan(&id, &v.Region, &expires); err != nil {
			return nil, time.Time{}, translate(err)
		}
		if until.IsZero() || expires.Before(until) {
			until = expires
		}
		pos[id] = len(idx.ids)
		idx.ids = append(idx.ids, id)
		idx.values = append(idx.values, v)
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, translate(err)
	}
	rows.Close()
	frows, err := db.read.QueryContext(ctx, `SELECT label_id, kind, value FROM label_facets ORDER BY label_id, kind, value`)
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	defer frows.Close()
	for frows.Next() {
		var id int64
		var kind, value string
		if err := frows.Scan(&id, &kind, &value); err != nil {
			return nil, time.Time{}, translate(err)
		}
		i, ok := pos[id]
		if !ok {
			continue // not valid any more
		}
		v := &idx.values[i]
		switch kind {
		case facetTheme:
			v.Themes = append(v.Themes, value)
		case facetLanguage:
			v.Languages = append(v.Languages, value)
		case facetCountry:
			v.Countries = append(v.Countries, value)
		}
	}
	if err := frows.Err(); err != nil {
		return nil, time.Time{}, translate(err)
	}
	return idx, until, nil
}

// search keeps the labels that pass q's facets (coopdec.FilterLabelFacets)
// and, when hits is not nil, the text (hits holds their scores: the higher
// the better); it returns them by score, then by authority name, and the
// facets' counts.
func (idx *directoryIndex) search(q coopdec.LabelQuery, hits map[int64]float64) ([]int64, coopdec.LabelFacets) {
	ids, values := idx.ids, idx.values
	if hits != nil {
		ids, values = make([]int64, 0, len(hits)), make([]coopdec.LabelFacetValues, 0, len(hits))
		for i, id := range idx.ids {
			if _, ok := hits[id]; ok {
				ids, values = append(ids, id), append(values, idx.values[i])
			}
		}
	}
	kept, facets := coopdec.FilterLabelFacets(values, q)
	out := make([]int64, len(kept))
	for i, k := range kept {
		out[i] = ids[k]
	}
	if hits != nil {
		// Each score read once, not twice per comparison. Stable: equal
		// scores keep the order of names.
		scored := make([]scoredID, len(out))
		for i, id := range out {
			scored[i] = scoredID{id, hits[id]}
		}
		slices.SortStableFunc(scored, func(a, b scoredID) int { return cmp.Compare(b.score, a.score) })
		for i := range scored {
			out[i] = scored[i].id
		}
	}
	return out, facets
}

type scoredID struct {
	id    int64
	score float64
}
