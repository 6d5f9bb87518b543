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
	"github.com/klauspost/compress/s2"

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
//
// A page is kept gzipped for the clients that take gzip (browsers), and
// compressed with S2 for those that do not (scripts reading the API, load
// generators): S2 expands several times faster than gzip (about 12 µs for
// a 25 KB search page, against 80 µs), and each hit of such a client would
// otherwise expand the gzipped page. Each form is made when a client first
// asks for it, so a page read only by browsers is held gzipped only.
type publicCache struct {
	mu      sync.Mutex
	version int64 // of the entries held (public data)
	project int64 // of the entries held (funded projects)
	entries map[string]*publicEntry
	bytes   int // keys and compressed forms held
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
	// The page's forms, each set once, under the cache's lock (attach);
	// read without it.
	gz, s2 atomic.Pointer[[]byte]
}

// size is what the entry's forms take in memory.
func (e *publicEntry) size() int {
	n := 0
	for _, p := range []*[]byte{e.gz.Load(), e.s2.Load()} {
		if p != nil {
			n += cap(*p)
		}
	}
	return n
}

// newPublicEntry returns an entry holding body in the form a client that
// takes gzip, or not, reads.
func newPublicEntry(from, until time.Time, header http.Header, body []byte, gzipped bool) (*publicEntry, error) {
	e := &publicEntry{from: from, until: until, header: header}
	if !gzipped {
		p := s2Bytes(body)
		e.s2.Store(&p)
		return e, nil
	}
	p, err := gzipBytes(body)
	if err != nil {
		return nil, err
	}
	e.gz.Store(&p)
	return e, nil
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
		c.bytes -= len(key) + old.size()
	}
	c.entries[key] = e
	c.bytes += len(key) + e.size()
	c.evict(key)
}

// attach sets an entry's other form (form is e.gz or e.s2), made from the
// first, if no one did meanwhile, and counts it while the entry is held.
func (c *publicCache) attach(key string, e *publicEntry, form *atomic.Pointer[[]byte], p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if form.Load() != nil {
		return
	}
	form.Store(&p)
	if c.entries[key] == e {
		c.bytes += cap(p)
		c.evict(key)
	}
}

// evict drops entries other than keep while the bound is exceeded, in the
// map's (random) order: a bound exceeded by a list of pages read round and
// round would, with the least recently used going first, keep none of
// them. The caller holds c.mu.
func (c *publicCache) evict(keep string) {
	for k, old := range c.entries {
		if c.bytes <= c.max {
			break
		}
		if k != keep {
			delete(c.entries, k)
			c.bytes -= len(k) + old.size()
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
			s.writePublic(w, r, key, e)
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
		e, err := newPublicEntry(now, publicUntil(st, now), header, rec.buf.Bytes(), acceptsGzip(r.Header.Get("Accept-Encoding")))
		if err != nil {
			return
		}
		s.public.put(key, st, e)
	}
}

// writePublic answers with a kept page: gzipped to the clients that take
// it, as rendered to the others. The form the client reads is made from
// the other the first time it is asked for.
func (s *Server) writePublic(w http.ResponseWriter, r *http.Request, key string, e *publicEntry) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = slices.Clone(v)
	}
	fail := func(err error) {
		s.log.Error("public cache", "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	}
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		gz := e.gz.Load()
		if gz == nil {
			buf := renderBuffers.Get().(*bytes.Buffer)
			defer putRenderBuffer(buf)
			if err := expandS2(buf, *e.s2.Load()); err != nil {
				fail(err)
				return
			}
			p, err := gzipBytes(buf.Bytes())
			if err != nil {
				fail(err)
				return
			}
			s.public.attach(key, e, &e.gz, p)
			gz = &p
		}
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(*gz)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(*gz)
		return
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if p := e.s2.Load(); p != nil {
		if err := expandS2(buf, *p); err != nil {
			fail(err)
			return
		}
	} else {
		if err := gunzipInto(buf, *e.gz.Load()); err != nil {
			fail(err)
			return
		}
		s.public.attach(key, e, &e.s2, s2Bytes(buf.Bytes()))
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// s2Bytes compresses p with S2, into a slice of its own length: the
// encoder's is as long as p, and the cache holds what it is given (and
// counts its capacity). S2's default mode, not its better one: a page is
// compressed when first rendered, which a search's cold start does for
// every page; five of the large dataset's search pages (19–34 KB) took 27
// µs each instead of 64, for 9 % more bytes, and expand as fast
// (BenchmarkS2Bytes: a synthetic page, 20 µs instead of 40). The
// encoder writes into a render buffer, as long as the page at worst.
func s2Bytes(p []byte) []byte {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	n := s2.MaxEncodedLen(len(p))
	buf.Grow(n)
	return bytes.Clone(s2.Encode(buf.AvailableBuffer()[:n], p))
}

// expandS2 writes the page compressed as p into buf.
func expandS2(buf *bytes.Buffer, p []byte) error {
	n, err := s2.DecodedLen(p)
	if err != nil {
		return err
	}
	buf.Grow(n)
	out, err := s2.Decode(buf.AvailableBuffer()[:n], p)
	if err != nil {
		return err
	}
	buf.Write(out)
	return nil
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
	if cap(out.Bytes())-out.Len() > out.Len()/8 {
		return bytes.Clone(out.Bytes()), nil // held by the cache: no more than its length
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
