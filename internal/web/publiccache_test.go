package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// TestNextLeftChange holds nextLeftChange to timeLeft: up to the instant it
// returns the time left reads the same, at that instant it reads something
// else.
func TestNextLeftChange(t *testing.T) {
	s := &Server{}
	var err error
	if s.cat, err = i18n.Load(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, time.March, 31, 10, 0, 30, 500, time.UTC)
	r := rand.New(rand.NewPCG(7, 7))
	lefts := []time.Duration{1, time.Second, time.Minute, time.Minute + 1, time.Hour - 1, time.Hour, time.Hour + 1,
		2 * time.Hour, 2*time.Hour - 1, 48 * time.Hour, 48*time.Hour - 1, 48*time.Hour + 1, 72 * time.Hour, 400 * 24 * time.Hour}
	for range 2000 {
		lefts = append(lefts, time.Duration(r.Int64N(int64(5*24*time.Hour))))
	}
	for _, left := range lefts {
		now := deadline.Add(-left)
		next := nextLeftChange(deadline, now)
		if !next.After(now) {
			t.Fatalf("%v before the deadline: next change %v is not after now %v", left, next, now)
		}
		at := s.timeLeft("fr", deadline, now)
		if got := s.timeLeft("fr", deadline, next.Add(-1)); got != at {
			t.Errorf("%v before the deadline: %q just before the next change %v, %q at now", left, got, next, at)
		}
		if got := s.timeLeft("fr", deadline, next); got == at {
			t.Errorf("%v before the deadline: still %q at the next change %v", left, got, next)
		}
	}
	if next := nextLeftChange(deadline, deadline); !next.IsZero() {
		t.Errorf("at the deadline: next change %v; want none", next)
	}
	if next := nextLeftChange(time.Time{}, deadline); !next.IsZero() {
		t.Errorf("no deadline: next change %v; want none", next)
	}
}

func TestPublicUntil(t *testing.T) {
	now := time.Date(2026, time.March, 31, 10, 0, 0, 0, time.UTC) // 12:00 in Paris
	cases := []struct {
		name string
		st   sqldb.PublicState
		want time.Time
	}{
		{"nothing dated: five minutes", sqldb.PublicState{}, now.Add(publicCacheMaxAge)},
		{"a call opens in a minute", sqldb.PublicState{Instants: []time.Time{now.Add(-time.Hour), now, now.Add(time.Minute)}},
			now.Add(time.Minute)},
		{"deadline in 10 min 30 s: the minutes change in 30 s", sqldb.PublicState{Deadlines: []time.Time{now.Add(-time.Minute), now.Add(10*time.Minute + 30*time.Second)}},
			now.Add(30 * time.Second)},
		{"deadline in ten days: days change later than five minutes", sqldb.PublicState{Deadlines: []time.Time{now.Add(241 * time.Hour)}},
			now.Add(publicCacheMaxAge)},
	}
	for _, c := range cases {
		if got := publicUntil(&c.st, now); !got.Equal(c.want) {
			t.Errorf("%s: until %v; want %v", c.name, got, c.want)
		}
	}
	late := time.Date(2026, time.March, 31, 21, 58, 0, 0, time.UTC) // 23:58 in Paris
	if got, want := publicUntil(&sqldb.PublicState{}, late), time.Date(2026, time.March, 31, 22, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("two minutes before midnight in Paris: until %v; want %v", got, want)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"": false, "gzip": true, "br, gzip": true, "gzip;q=0": false, "GZIP; q=0.5": true,
		"deflate": false, "x-gzip": false, "gzip;q=0.0": false} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v; want %v", h, got, want)
		}
	}
}

// TestPublicCache serves the public searches again to anonymous visitors,
// never to signed-in users, and never a page older than the data or the
// clock.
func TestPublicCache(t *testing.T) {
	f := newPageFixture(t)
	e := f.e
	anon := e.client()
	hits := func() int64 { return e.srv.public.hits.Load() }

	const path = "/appels?q=coop%C3%A9ration"
	first := f.page(anon, path, http.StatusOK)
	h0 := hits()
	if again := f.page(anon, path, http.StatusOK); again != first || hits() != h0+1 {
		t.Fatalf("second anonymous search: hits %d → %d, same page %v; want one hit and the same page", h0, hits(), again == first)
	}
	// A long made-up query is answered, never kept.
	long := path + "&x=" + strings.Repeat("a", publicKeyMax)
	f.page(anon, long, http.StatusOK)
	h1 := hits()
	f.page(anon, long, http.StatusOK)
	if hits() != h1 {
		t.Errorf("a long query was kept: hits %d → %d", h1, hits())
	}

	// gzip to the clients that ask for it, the same page.
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatalf("gzipped answer: %v (Content-Encoding %q)", err, res.Header.Get("Content-Encoding"))
	}
	unzipped, _ := io.ReadAll(zr)
	res.Body.Close()
	if string(unzipped) != first || !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") ||
		res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("gzipped page differs (same %v) or lacks its headers: %v", string(unzipped) == first, res.Header)
	}

	// The officer sees the draft call; the anonymous page, kept, never
	// reaches the officer, nor the officer's page the visitors.
	h1 = hits()
	officer := f.page(f.as(f.officer), "/appels", http.StatusOK)
	if !strings.Contains(officer, "AAP-FR-BR-02") || hits() != h1 {
		t.Errorf("officer's search: draft shown %v, hits %d → %d; want the draft, no hit", strings.Contains(officer, "AAP-FR-BR-02"), h1, hits())
	}
	if b := f.page(anon, "/appels", http.StatusOK); strings.Contains(b, "AAP-FR-BR-02") {
		t.Error("anonymous search after the officer's shows the draft")
	}
	if b := f.page(anon, "/appels", http.StatusOK); strings.Contains(b, "AAP-FR-BR-02") {
		t.Error("anonymous search served again shows the draft")
	}

	// A call's page, then its amendment.
	callPage := fmt.Sprintf("/appels/%d", f.indiaCall.ID)
	f.page(anon, callPage, http.StatusOK)
	h3 := hits()
	if b := f.page(anon, callPage, http.StatusOK); hits() != h3+1 || !strings.Contains(b, "Appel franco-indien") {
		t.Errorf("call page served again: hits %d → %d", h3, hits())
	}
	amended := *f.indiaCall
	amended.Texts = map[string]coopdec.CallText{"fr": {Title: "Appel franco-indien modifié", Summary: "Développement urbain et eau."}}
	if err := e.db.UpdateCall(context.Background(), &amended, coopdec.Actor{UserID: f.officer.ID}, "Titre précisé"); err != nil {
		t.Fatal(err)
	}
	if b := f.page(anon, callPage, http.StatusOK); !strings.Contains(b, "Appel franco-indien modifié") {
		t.Error("call page after its amendment shows the old title")
	}

	// A new call is found at once.
	now := e.db.Now()
	if err := e.db.CreateCall(context.Background(), &coopdec.Call{ProgrammeID: f.joint.ID, Reference: "AAP-FR-SN-01", Status: coopdec.CallPublished,
		Texts:     map[string]coopdec.CallText{"fr": {Title: "Appel franco-sénégalais de coopération", Summary: "Coopération avec le Sénégal."}},
		PublishAt: now.Add(-time.Hour), OpensAt: now.Add(-time.Hour), Deadline: now.Add(10 * time.Minute)}, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if b := f.page(anon, path, http.StatusOK); !strings.Contains(b, "AAP-FR-SN-01") {
		t.Errorf("search after a new call does not show it:\n%s", pageExcerpt(b))
	}

	// The clock: the time left before the deadline, then the deadline.
	deadline := now.Add(10 * time.Minute)
	at := func(d time.Time) { e.db.Now = func() time.Time { return d } }
	at(deadline.Add(-3*time.Minute + time.Second))
	if b := f.page(anon, "/appels?status=open", http.StatusOK); !strings.Contains(b, "encore 3 min") {
		t.Fatalf("3 minutes before the deadline: %s", pageExcerpt(b))
	}
	h2 := hits()
	at(deadline.Add(-2*time.Minute - 30*time.Second))
	if b := f.page(anon, "/appels?status=open", http.StatusOK); !strings.Contains(b, "encore 3 min") || hits() != h2+1 {
		t.Errorf("2 min 30 s before the deadline: want the kept page (hits %d → %d)", h2, hits())
	}
	at(deadline.Add(-2*time.Minute + time.Second))
	if b := f.page(anon, "/appels?status=open", http.StatusOK); !strings.Contains(b, "encore 2 min") {
		t.Errorf("2 minutes before the deadline: want the time left changed: %s", pageExcerpt(b))
	}
	at(deadline.Add(time.Second))
	if b := f.page(anon, "/appels?status=open", http.StatusOK); strings.Contains(b, "AAP-FR-SN-01") {
		t.Error("the call is still listed open after its deadline")
	}
	if b := f.page(anon, "/appels?status=closed", http.StatusOK); !strings.Contains(b, "AAP-FR-SN-01") {
		t.Error("the call is not listed closed after its deadline")
	}
	// Set back: a page kept for later is not served earlier.
	at(deadline.Add(-2*time.Minute + time.Second))
	if b := f.page(anon, "/appels?status=open", http.StatusOK); !strings.Contains(b, "AAP-FR-SN-01") {
		t.Error("clock set back before the deadline: the call is not listed open")
	}
}

// gzEntry is a kept page of n compressed bytes, gzipped.
func gzEntry(now time.Time, n int) *publicEntry {
	e := &publicEntry{from: now, until: now.Add(time.Hour)}
	p := bytes.Repeat([]byte{1}, n)
	e.gz.Store(&p)
	return e
}

// heldBytes is what the entries take, counted afresh.
func heldBytes(c *publicCache) int {
	held := 0 // the keys count too
	for k, e := range c.entries {
		held += len(k) + e.size()
	}
	return held
}

// TestPublicCacheBound keeps the compressed pages under the bound, their
// second forms included.
func TestPublicCacheBound(t *testing.T) {
	c := newPublicCache(10 << 10)
	st := &sqldb.PublicState{Version: 1}
	now := time.Now()
	for i := range 100 {
		key := string(rune('a'+i%26)) + strings.Repeat("x", i)
		e := gzEntry(now, 1000)
		c.put(key, st, e)
		if i%3 == 0 {
			c.attach(key, e, &e.s2, bytes.Repeat([]byte{2}, 500))
			c.attach(key, e, &e.s2, bytes.Repeat([]byte{3}, 700)) // set already: ignored
		}
		if held := heldBytes(c); c.bytes > c.max || c.bytes != held {
			t.Fatalf("after %d pages: %d bytes for %d entries holding %d; bound %d", i+1, c.bytes, len(c.entries), held, c.max)
		}
	}
	// A form made for an entry dropped meanwhile is not counted.
	gone := gzEntry(now, 10)
	c.attach("gone", gone, &gone.s2, []byte{1, 2, 3})
	if held := heldBytes(c); c.bytes != held {
		t.Errorf("a dropped entry's form counted: %d bytes for %d held", c.bytes, held)
	}
	if c.get("a", &sqldb.PublicState{Version: 2}, now) != nil {
		t.Error("a page of an older version is served")
	}
	c.put("new", &sqldb.PublicState{Version: 2}, gzEntry(now, 1))
	if len(c.entries) != 1 || c.bytes != len("new")+1 {
		t.Errorf("a newer version keeps %d older pages (%d bytes)", len(c.entries)-1, c.bytes)
	}
	c.put("old", st, gzEntry(now, 1))
	if c.get("old", st, now) != nil || c.get("old", &sqldb.PublicState{Version: 2}, now) != nil {
		t.Error("a page read at an older version than the one held is kept")
	}
}

// TestPublicCacheForms serves a kept page in both forms, whichever kind of
// client came first: the same bytes, the second form made once and counted.
func TestPublicCacheForms(t *testing.T) {
	f := newPageFixture(t)
	e := f.e
	// held returns the entry kept for path, nil if none.
	held := func(path string) *publicEntry {
		t.Helper()
		c := e.srv.public
		c.mu.Lock()
		defer c.mu.Unlock()
		if got := heldBytes(c); c.bytes != got {
			t.Errorf("cache counts %d bytes, holds %d", c.bytes, got)
		}
		for k, en := range c.entries {
			if strings.HasSuffix(k, "|"+path) {
				return en
			}
		}
		return nil
	}
	// Served in the test's goroutine: the page is kept once the handler
	// returns. The page rendered is sent as it is; kept, gzipped to the
	// clients that take it.
	get := func(path string, gzipped bool) string {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if gzipped {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		hit := held(path) != nil
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		res := rec.Result()
		if enc := res.Header.Get("Content-Encoding"); (enc == "gzip") != (gzipped && hit) {
			t.Fatalf("GET %s (gzip %v, kept %v): Content-Encoding %q", path, gzipped, hit, enc)
		}
		body := io.Reader(res.Body)
		if gzipped && hit {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			body = zr
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
			t.Fatalf("GET %s (gzip %v): status %d, Content-Length %q for %d bytes", path, gzipped, res.StatusCode, res.Header.Get("Content-Length"), rec.Body.Len())
		}
		return string(b)
	}
	for _, tc := range []struct {
		path      string
		firstGzip bool
	}{
		{"/appels?q=eau", false},
		{"/api/v1/calls?q=eau", false},
		{"/expertise", true},
	} {
		if held(tc.path) != nil {
			t.Fatalf("%s kept before it is read", tc.path)
		}
		first := get(tc.path, tc.firstGzip)
		en := held(tc.path)
		if en == nil {
			t.Fatalf("%s not kept", tc.path)
		}
		if (en.gz.Load() != nil) != tc.firstGzip || (en.s2.Load() != nil) == tc.firstGzip {
			t.Errorf("%s first read with gzip %v: holds gzip %v, S2 %v; want only the form read", tc.path, tc.firstGzip, en.gz.Load() != nil, en.s2.Load() != nil)
		}
		for _, gz := range []bool{!tc.firstGzip, tc.firstGzip, !tc.firstGzip} {
			if again := get(tc.path, gz); again != first {
				t.Errorf("%s read again with gzip %v differs from the first answer", tc.path, gz)
			}
		}
		if en2 := held(tc.path); en2 != en || en.gz.Load() == nil || en.s2.Load() == nil {
			t.Errorf("%s after both kinds of clients: same entry %v, gzip %v, S2 %v; want both forms", tc.path, en2 == en, en.gz.Load() != nil, en.s2.Load() != nil)
		}
		// The forms hold little more than their length (the allocator's
		// rounding), not the encoders' worst case.
		for name, p := range map[string]*[]byte{"gzip": en.gz.Load(), "S2": en.s2.Load()} {
			if p != nil && cap(*p) > len(*p)+len(*p)/4 {
				t.Errorf("%s: the %s form holds %d bytes for %d", tc.path, name, cap(*p), len(*p))
			}
		}
	}
}

// TestS2Bytes holds the kept S2 form to its page: it expands to the same
// bytes, held in a slice about its own length (to the allocator's size
// class), not in the encoder's worst case, whatever the scratch buffer
// the previous page left.
func TestS2Bytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"coopération", "développement", "<li>", "</li>", "eau", "Sénégal", " ", "\n"}
	for _, n := range []int{0, 1, 300, 25 << 10, 4 << 10, 200 << 10, 10} {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[r.IntN(len(words))])
		}
		page := []byte(b.String()[:n])
		p := s2Bytes(page)
		if cap(p)-len(p) > len(p)/8+16 {
			t.Errorf("%d bytes: kept in %d of a %d-byte slice", n, len(p), cap(p))
		}
		var out bytes.Buffer
		out.WriteString("x")
		out.Truncate(0)
		if err := expandS2(&out, p); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !bytes.Equal(out.Bytes(), page) {
			t.Fatalf("%d bytes: expanded to %d different bytes", n, out.Len())
		}
	}
}

// BenchmarkS2Bytes measures the compression of a page when first rendered:
// go test ./internal/web -bench S2Bytes -run '^$' -benchmem
func BenchmarkS2Bytes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`coopération développement eau assainissement formation jeunesse culture
		patrimoine agriculture santé éducation gouvernance énergie climat numérique tourisme commune
		département région métropole partenaire Sénégal Maroc Tunisie Brésil Inde Argentine Liban
		projet appel mission expertise label territoire solidarité économie sociale urbanisme mobilité`)
	var sb strings.Builder
	for sb.Len() < 25<<10 {
		fmt.Fprintf(&sb, `<li class="result"><a href="/projets/%d">`, r.IntN(100000))
		for range 4 + r.IntN(8) {
			sb.WriteString(words[r.IntN(len(words))] + " ")
		}
		fmt.Fprintf(&sb, "</a> <span>%d €</span></li>\n", r.IntN(1000000))
	}
	page := []byte(sb.String())
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		_ = s2Bytes(page)
	}
}
