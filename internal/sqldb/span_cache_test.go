package sqldb

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSpanCache: a value is served at its version within its span, and
// rebuilt for a newer version, past its span's end or before its start
// (a clock set back); callers finding it stale at once build it once; a
// failed build keeps nothing.
func TestSpanCache(t *testing.T) {
	var c spanCache[int]
	var builds atomic.Int32
	build := func(v int, until time.Time) func() (int, time.Time, error) {
		return func() (int, time.Time, error) {
			builds.Add(1)
			time.Sleep(5 * time.Millisecond) // the others arrive meanwhile
			return v, until, nil
		}
	}
	end := t0.Add(time.Hour)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if v, err := c.at(1, t0, build(10, end)); err != nil || v != 10 {
				t.Errorf("got %d, %v; want 10", v, err)
			}
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Fatalf("16 callers at once: got %d builds; want 1", n)
	}
	for _, tc := range []struct {
		name    string
		version int64
		now     time.Time
		want    int // 10: kept; 20: rebuilt
	}{
		{"same version within the span", 1, t0.Add(30 * time.Minute), 10},
		{"newer version", 2, t0.Add(30 * time.Minute), 20},
		{"past the span's end", 1, end, 20},
		{"clock set back", 1, t0.Add(-time.Minute), 20},
	} {
		c.version, c.from, c.until, c.value, c.valid = 1, t0, end, 10, true
		if v, err := c.at(tc.version, tc.now, build(20, time.Time{})); err != nil || v != tc.want {
			t.Errorf("%s: got %d, %v; want %d", tc.name, v, err, tc.want)
		}
	}
	c.valid = false
	if _, err := c.at(1, t0, func() (int, time.Time, error) { return 0, time.Time{}, errors.New("down") }); err == nil {
		t.Fatal("failed build: got no error")
	}
	if _, ok := c.get(1, t0); ok {
		t.Error("failed build: got a value kept")
	}
}
