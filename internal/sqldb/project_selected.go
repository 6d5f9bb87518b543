package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/coopdec/coopdec/coopdec"
)

// SelectedProject is a funded project as its call's page lists it: the
// public record, with the application's receipt number and its lead
// authority's name as it is called now. Its maps and slices are shared
// between readers: read them, never change them.
type SelectedProject struct {
	coopdec.PublicProject
	Reference string
	LeadName  string // empty when the organisation is gone
}

// selectedCacheMax bounds the decisions whose records are kept: a call
// page shows its latest one, and there are a few hundred calls at most.
const selectedCacheMax = 512

// selectedCache keeps, by decision, the public records of the projects it
// funds and their receipt numbers. Both are fixed once the decision is
// published (a later decision is another key), so every server may keep
// its own copy without telling the others. It holds the searches of funded
// projects too (projectCache).
type selectedCache struct {
	mu sync.Mutex
	m  map[int64]map[int64]SelectedProject
	// projects keeps the searches of funded projects.
	projects projectCache
}

// projectCachePages and projectCacheDocs bound the searches, and apart
// the records, that projectCache keeps: a few megabytes, most of them the
// records. The searches kept are the most frequent ones (the first page of
// a common word, of a country), not every search ever made: once full, the
// cache starts afresh.
// A search whose key is longer than projectKeyMax (a pasted text) is not
// kept: keys are not counted in the bound.
const (
	projectCachePages = 512
	projectCacheDocs  = 2048
	projectKeyMax     = 1 << 10
)

// projectCache keeps, for the latest version of the public record of
// funded projects that it saw, the pages of recent searches (their IDs and
// total) and the records they showed. A search of a common word reads
// every match, for results that only the publication of a decision
// changes, which raises the version in the database (bumpProjectVersion):
// every server then sees it on its next search.
type projectCache struct {
	mu      sync.Mutex
	version int64
	pages   map[string]projectPage
	docs    map[int64]coopdec.PublicProject
}

type projectPage struct {
	ids   []int64
	total int
}

// at readies c for a write at version, and reports whether it may take it:
// a newer version empties c, an older one is not kept.
func (c *projectCache) at(version int64) bool {
	if version < c.version {
		return false
	}
	if version > c.version || c.pages == nil {
		c.version, c.pages, c.docs = version, map[string]projectPage{}, map[int64]coopdec.PublicProject{}
	}
	return true
}

// page returns the IDs of the page of the search key at version, and sets
// *total to its total.
func (c *selectedCache) page(version int64, key string, total *int) ([]int64, bool) {
	if c == nil {
		return nil, false
	}
	c.projects.mu.Lock()
	defer c.projects.mu.Unlock()
	if c.projects.version != version {
		return nil, false
	}
	p, ok := c.projects.pages[key]
	if ok {
		*total = p.total
	}
	return p.ids, ok
}

func (c *selectedCache) putPage(version int64, key string, ids []int64, total int) {
	if c == nil {
		return
	}
	c.projects.mu.Lock()
	defer c.projects.mu.Unlock()
	if !c.projects.at(version) || len(key) > projectKeyMax {
		return
	}
	putBounded(&c.projects.pages, key, projectPage{ids: ids, total: total}, projectCachePages)
}

// doc returns the record of the funded project id at version.
func (c *selectedCache) doc(version, id int64) (coopdec.PublicProject, bool) {
	if c == nil {
		return coopdec.PublicProject{}, false
	}
	c.projects.mu.Lock()
	defer c.projects.mu.Unlock()
	if c.projects.version != version {
		return coopdec.PublicProject{}, false
	}
	p, ok := c.projects.docs[id]
	return p, ok
}

func (c *selectedCache) putDoc(version int64, p coopdec.PublicProject) {
	if c == nil {
		return
	}
	c.projects.mu.Lock()
	defer c.projects.mu.Unlock()
	if !c.projects.at(version) {
		return
	}
	putBounded(&c.projects.docs, p.ApplicationID, p, projectCacheDocs)
}

func (c *selectedCache) get(decisionID int64) (map[int64]SelectedProject, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.m[decisionID]
	return m, ok
}

func (c *selectedCache) put(decisionID int64, m map[int64]SelectedProject) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= selectedCacheMax {
		c.m = map[int64]map[int64]SelectedProject{}
	}
	c.m[decisionID] = m
}

// SelectedProjects returns, by application ID, the public records of the
// projects funded by decision decisionID of call callID: the call page
// lists them without reading each application. A decision not yet in the
// record (published before the record existed and not indexed yet)
// yields none. The records are read once per decision; the leads' names
// on every call, since an organisation may be renamed.
func (db *DB) SelectedProjects(ctx context.Context, callID, decisionID int64) (map[int64]SelectedProject, error) {
	cached, ok := db.selected.get(decisionID)
	if !ok {
		var err error
		if cached, err = db.selectedRecords(ctx, callID, decisionID); err != nil {
			return nil, err
		}
		// A decision's records are written in the transaction that
		// publishes it: none means not indexed yet, to be read again.
		if len(cached) > 0 {
			db.selected.put(decisionID, cached)
		}
	}
	out := make(map[int64]SelectedProject, len(cached))
	var ids []any
	var ps []string
	seen := map[int64]bool{}
	for id, p := range cached {
		out[id] = p
		if !seen[p.LeadID] {
			seen[p.LeadID] = true
			ids = append(ids, p.LeadID)
			ps = append(ps, "$"+itoa(len(ids)))
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name FROM organisations WHERE id IN (`+strings.Join(ps, ", ")+`)`, ids...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	names := make(map[int64]string, len(ids))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, translate(err)
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	for id, p := range out {
		p.LeadName = names[p.LeadID]
		out[id] = p
	}
	return out, nil
}

// selectedRecords reads the records of decisionID's funded projects with
// their receipt numbers, leads unnamed.
func (db *DB) selectedRecords(ctx context.Context, callID, decisionID int64) (map[int64]SelectedProject, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT f.doc, COALESCE(a.receipt_number, '')
		FROM funded_projects f JOIN applications a ON a.id = f.application_id
		WHERE f.call_id = $1 AND f.decision_id = $2`, callID, decisionID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[int64]SelectedProject{}
	for rows.Next() {
		var doc string
		var p SelectedProject
		if err := rows.Scan(&doc, &p.Reference); err != nil {
			return nil, translate(err)
		}
		if err := json.Unmarshal([]byte(doc), &p.PublicProject); err != nil {
			return nil, fmt.Errorf("sqldb: funded project: unable to read its record: %w", err)
		}
		out[p.ApplicationID] = p
	}
	return out, translate(rows.Err())
}

// putBounded sets m[k] = v, starting m afresh once it holds max entries.
func putBounded[K comparable, V any](m *map[K]V, k K, v V, max int) {
	if *m == nil || len(*m) >= max {
		*m = map[K]V{}
	}
	(*m)[k] = v
}
