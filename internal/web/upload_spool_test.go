package web

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

type failingReader struct{ after int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.after)
	f.after -= n
	return n, nil
}

// An upload is kept in memory when small and the budget allows, in a
// temporary file otherwise; either way it reads back whole, one byte past
// the limit tells it is too large, and closing gives the budget back.
func TestSpool(t *testing.T) {
	var s spooler
	body := func(n int) []byte { return bytes.Repeat([]byte("coopération "), n/12+1)[:n] }
	check := func(t *testing.T, sp *spooled, want []byte, inMemory bool) {
		t.Helper()
		if sp.size != int64(len(want)) || (sp.mem != nil) != inMemory || (sp.file != nil) == inMemory {
			t.Fatalf("size %d, in memory %v; want %d, %v", sp.size, sp.mem != nil, len(want), inMemory)
		}
		r, err := sp.reader()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		tail := make([]byte, 5)
		if _, err := sp.ReadAt(tail, sp.size-5); err != nil || !bytes.Equal(got, want) || !bytes.Equal(tail, want[len(want)-5:]) {
			t.Fatalf("read back %d bytes (equal %v), tail %q, %v", len(got), bytes.Equal(got, want), tail, err)
		}
	}
	for _, tc := range []struct {
		name     string
		size     int
		limit    int64
		want     int
		inMemory bool
	}{
		{"small", 100 << 10, 20 << 20, 100 << 10, true},
		{"at the memory bound", uploadMemoryFile, 20 << 20, uploadMemoryFile, true},
		{"past the memory bound", uploadMemoryFile + 1, 20 << 20, uploadMemoryFile + 1, false},
		{"large", 3 << 20, 20 << 20, 3 << 20, false},
		{"too large, small limit", 2000, 1000, 1001, true},
		{"too large, large limit", 3 << 20, 2 << 20, 2<<20 + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := body(tc.size)
			sp, err := s.spool(bytes.NewReader(b), tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			check(t, sp, b[:tc.want], tc.inMemory)
			sp.close()
			if n := s.used.Load(); n != 0 {
				t.Errorf("%d bytes of the budget still reserved after close", n)
			}
		})
	}
	t.Run("budget spent", func(t *testing.T) {
		var held []*spooled
		for range uploadMemoryTotal / uploadMemoryFile {
			sp, err := s.spool(bytes.NewReader(body(10)), 1<<20)
			if err != nil || sp.mem == nil {
				t.Fatalf("%v; want the upload in memory", err)
			}
			held = append(held, sp)
		}
		b := body(10)
		sp, err := s.spool(bytes.NewReader(b), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		check(t, sp, b, false)
		sp.close()
		for _, h := range held {
			h.close()
		}
		if n := s.used.Load(); n != 0 {
			t.Errorf("%d bytes of the budget still reserved", n)
		}
	})
	t.Run("body cut", func(t *testing.T) {
		for _, after := range []int{10, uploadMemoryFile + 10} {
			if _, err := s.spool(&failingReader{after: after}, 20<<20); err == nil || errors.Is(err, errSpoolFile) {
				t.Errorf("cut after %d: %v; want the read's error", after, err)
			}
		}
		if n := s.used.Load(); n != 0 {
			t.Errorf("%d bytes of the budget still reserved", n)
		}
	})
}
