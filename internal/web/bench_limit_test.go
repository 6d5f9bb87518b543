package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The limit endpoint exists only on a server started for the benchmark,
// and answers through the same middleware as every route.
func TestBenchLimitOnlyWithTheFlag(t *testing.T) {
	e := newTestEnv(t)
	res := e.client().get("/bench/limit/100")
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("without BenchLimit: got %d; want 404", res.StatusCode)
	}

	srv, err := New(Config{DB: e.db, Mail: e.mail, Jobs: e.runner, Blobs: e.blobs, Logger: e.srv.log,
		BaseURL: e.ts.URL, Version: "test", NoLoginDelay: true, BenchLimit: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path   string
		status int
		size   int
	}{
		{"/bench/limit/100", http.StatusOK, 100},
		{"/bench/limit/100", http.StatusOK, 100}, // from the cache
		{"/bench/limit/70000", http.StatusOK, 70000},
		{"/bench/limit/0", http.StatusBadRequest, -1},
		{"/bench/limit/abc", http.StatusBadRequest, -1},
		{"/bench/limit/99999999", http.StatusBadRequest, -1},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.status {
			t.Errorf("%s: got %d; want %d", tc.path, rec.Code, tc.status)
		}
		b, _ := io.ReadAll(rec.Body)
		if tc.size >= 0 && len(b) != tc.size {
			t.Errorf("%s: got %d bytes; want %d", tc.path, len(b), tc.size)
		}
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src") {
			t.Errorf("%s: no security headers: the middleware was bypassed", tc.path)
		}
	}
}
