package main

import (
	"runtime"
	"testing"
)

func TestParseProcs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"auto", 0, true},
		{" auto ", 0, true},
		{"1", 1, true},
		{"3", 3, true},
		{"1024", 1024, true},
		{"0", 0, false},
		{"-2", 0, false},
		{"1025", 0, false},
		{"", 0, false},
		{"many", 0, false},
		{"2.5", 0, false},
	} {
		got, err := parseProcs(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseProcs(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestProcsFor(t *testing.T) {
	t.Parallel()
	for cpus, want := range map[int]int{1: 2, 2: 3, 3: 5, 4: 6, 8: 12, 16: 24} {
		if got := procsFor(cpus); got != want {
			t.Errorf("procsFor(%d) = %d, want %d", cpus, got, want)
		}
	}
}

// TestApplyProcsAuto: auto is computed from the processors, however many
// times serve starts in one process (the browser tests start it again and
// again; auto once multiplied the count at every start).
func TestApplyProcsAuto(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	want := procsFor(runtimeProcs)
	for range 3 {
		if err := applyProcs("auto"); err != nil {
			t.Fatal(err)
		}
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Fatalf("GOMAXPROCS = %d after auto; want %d", got, want)
		}
	}
	if err := applyProcs("2"); err != nil || runtime.GOMAXPROCS(0) != 2 {
		t.Fatalf("GOMAXPROCS = %d after 2 (%v); want 2", runtime.GOMAXPROCS(0), err)
	}
	if err := applyProcs(""); err != nil || runtime.GOMAXPROCS(0) != 2 {
		t.Fatalf("GOMAXPROCS = %d after empty (%v); want it left at 2", runtime.GOMAXPROCS(0), err)
	}
	if err := applyProcs("none"); err == nil {
		t.Fatal("applyProcs(none) succeeded; want an error")
	}
}
