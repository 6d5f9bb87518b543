package web

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/coopdec/coopdec/internal/sqldb"
)

// The public pages (the searches of calls, of labelled expertise and of
// funded projects, the calls' pages, the expertise profiles, and their
// API) are the same for
// every anonymous visitor in a language, and are what crowds read on the
// days a call opens or closes. publicCache keeps them as rendered, gzipped,
// and serves them again for as long as they would be rendered the same:
//
//   - the versions of the public data are unchanged (sqldb.PublicState,
//     read on every request, so that several servers stay right: a change
//     committed by any of them is seen on the next request);
//   - no date the pages depend on has come: a call's publication, opening,
//     deadline and the other dates of its calendar, a change of the time
//     left shown before a deadline (nextLeftChange), a label's expiry, and
//     midnight in Paris (the current year, today's date);
//   - and for five minutes at most, for whatever else reads the clock.
//
// Signed-in users, API tokens and anything but a 200 answer to a GET are
// never kept nor served from it: their pages hold what is theirs.
type publicCache struct {
	mu      sync.Mutex
	version int64 // of the entries held (public data)
	project int64 // of the entries held (funded projects)
	entries map[string]*publicEntry
	bytes   int // keys and compressed bodies held
	max     int

	hits atomic.Int64
}

// publicCacheBytes bounds the compressed pages held: a search page of
// 20–40 KB takes 3–6 KB, so thousands of pages fit.
const publicCacheBytes = 32 << 20

// publicCacheMaxAge bounds how long a page is served from the cache.
const publicCacheMaxAge = 5 * time.Minute

// publicPageMax is the largest page (uncompressed) kept.
const publicPageMax = 1 << 20

// publicKeyMax is the longest URL kept: a key counts in the bound, and
// requests with long made-up queries must not fill it.
const publicKeyMax = 2 << 10

type publicEntry struct {
	from, until time.Time // served while from <= now < until
	header      http.Header
	gz          []byte
}

func newPublicCache(max int) *publicCache {
	return &publicCache{entries: map[string]*publicEntry{}, max: max}
}

func (c *publicCache) get(key string, st *sqldb.PublicState, now time.Time) *publicEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != st.Version || c.project != st.Projects {
		return nil
	}
	e := c.entries[key]
	if e == nil || now.Before(e.from) || !now.Before(e.until) {
		return nil
	}
	return e
}

func (c *publicCache) put(key string, st *sqldb.PublicState, e *publicEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case st.Version < c.version || st.Projects < c.project:
		return // read before a newer version already held
	case st.Version != c.version || st.Projects != c.project:
		clear(c.entries)
		c.bytes, c.version, c.project = 0, st.Version, st.Projects
	}
	if old := c.entries[key]; old != nil {
		c.bytes -= len(key) + len(old.gz)
	}
	c.entries[key] = e
	c.bytes += len(key) + len(e.gz)
	// Over the bound, entries go in the map's (random) order: a bound
	// exceeded by a list of pages read round and round would, with the
	// least recently used going first, keep none of them.
	for k, old := range c.entries {
		if c.bytes <= c.max {
			break
		}
		if k != key {
			delete(c.entries, k)
			c.bytes -= len(k) + len(old.gz)
		}
	}
}

// cachedPublic serves the route h from the public cache to anonymous
// visitors.
func (s *Server) cachedPublic(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if s.public == nil || r.Method != http.MethodGet || currentUser(r) != nil || r.Header.Get("Authorization") != "" {
			h(w, r)
			return
		}
		st, err := s.db.PublicState(r.Context())
		if err != nil {
			h(w, r)
			return
		}
		now := s.db.Now()
		kind := "html"
		if wantsJSON(r) {
			kind = "json"
		}
		key := info(r).lang + "|" + kind + "|" + r.URL.RequestURI()
		if len(key) > publicKeyMax {
			h(w, r)
			return
		}
		if e := s.public.get(key, st, now); e != nil {
			s.public.hits.Add(1)
			s.writePublic(w, r, e)
			return
		}
		before := w.Header().Clone()
		rec := &recordingWriter{statusWriter: statusWriter{ResponseWriter: w}, buf: renderBuffers.Get().(*bytes.Buffer)}
		defer putRenderBuffer(rec.buf)
		h(rec, r)
		if rec.status != http.StatusOK || rec.over {
			return
		}
		header := http.Header{}
		for k, v := range w.Header() {
			if k == "Set-Cookie" {
				return // someone's own answer
			}
			if !slices.Equal(before[k], v) {
				header[k] = slices.Clone(v)
			}
		}
		gz, err := gzipBytes(rec.buf.Bytes())
		if err != nil {
			return
		}
		s.public.put(key, st, &publicEntry{from: now, until: publicUntil(st, now), header: header, gz: gz})
	}
}

// writePublic answers with a kept page: gzipped to the clients that take
// it, as rendered to the others.
func (s *Server) writePublic(w http.ResponseWriter, r *http.Request, e *publicEntry) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = slices.Clone(v)
	}
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(e.gz)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(e.gz)
		return
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := gunzipInto(buf, e.gz); err != nil {
		s.log.Error("public cache", "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// publicUntil returns when a public page rendered at now stops being
// served from the cache (see publicCache).
func publicUntil(st *sqldb.PublicState, now time.Time) time.Time {
	until := now.Add(publicCacheMaxAge)
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(until) {
			until = t
		}
	}
	p := now.In(Paris)
	earlier(time.Date(p.Year(), p.Month(), p.Day()+1, 0, 0, 0, 0, Paris))
	earlier(st.NextInstant(now))
	i, _ := slices.BinarySearchFunc(st.Deadlines, now, time.Time.Compare)
	for _, d := range st.Deadlines[i:] {
		earlier(nextLeftChange(d, now))
	}
	return until
}

// acceptsGzip reads an Accept-Encoding header: gzip, unless refused by a
// zero quality.
func acceptsGzip(h string) bool {
	for part := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		f, err := strconv.ParseFloat(q, 64)
		return err == nil && f > 0
	}
	return false
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

func gzipBytes(p []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(p)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&out)
	if _, err := zw.Write(p); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

var gzipReaders sync.Pool

func gunzipInto(buf *bytes.Buffer, gz []byte) error {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = zr.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return err
	}
	defer gzipReaders.Put(zr)
	_, err = buf.ReadFrom(zr)
	return err
}

// recordingWriter passes an answer on and keeps a copy of its body, up to
// publicPageMax.
type recordingWriter struct {
	statusWriter
	buf  *bytes.Buffer
	over bool
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if !w.over {
		if w.buf.Len()+len(p) > publicPageMax {
			w.over = true
		} else {
			w.buf.Write(p)
		}
	}
	return w.statusWriter.Write(p)
}
