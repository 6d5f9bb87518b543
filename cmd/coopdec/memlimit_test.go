package main

import (
	"math"
	"testing"
)

func TestParseMemoryLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"150MiB", 150 << 20, true},
		{"150MB", 150 << 20, true},
		{"1GiB", 1 << 30, true},
		{"512 KiB", 512 << 10, true},
		{"1048576", 1 << 20, true},
		{"100B", 100, true},
		{"off", math.MaxInt64, true},
		{"0", math.MaxInt64, true},
		{"", 0, false},
		{"-5MiB", 0, false},
		{"lots", 0, false},
		{"9999999999GiB", 0, false},
	} {
		got, err := parseMemoryLimit(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
