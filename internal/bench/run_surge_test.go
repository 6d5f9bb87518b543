package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

// The surge's files are PDFs the platform accepts, of the announced size,
// the same for an application from one call to the next and distinct
// between applications (the store keeps one copy of identical content).
func TestSurgeFile(t *testing.T) {
	seen := map[string]int64{}
	for id := int64(1); id <= 200; id++ {
		f := surgeFile(id)
		if len(f) != surgeAttachmentBytes {
			t.Fatalf("application %d: %d bytes; want %d", id, len(f), surgeAttachmentBytes)
		}
		if typ, err := coopdec.DetectType(bytes.NewReader(f), int64(len(f)), "piece.pdf"); err != nil || typ.MediaType() != "application/pdf" {
			t.Fatalf("application %d: detected %q, %v; want a PDF", id, typ, err)
		}
		if !bytes.Equal(f, surgeFile(id)) {
			t.Fatalf("application %d: two calls gave two files", id)
		}
		if other, ok := seen[string(f)]; ok {
			t.Fatalf("applications %d and %d send the same file", other, id)
		}
		seen[string(f)] = id
	}
	s := &surge{uploaded: map[int64]bool{7: true}}
	if sum, size := s.uploadedFile(7); len(sum) != 64 || size != surgeAttachmentBytes {
		t.Errorf("uploaded file of 7: %q, %d", sum, size)
	}
	if sum, size := s.uploadedFile(8); sum != "" || size != 0 {
		t.Errorf("application 8 sent nothing; got %q, %d", sum, size)
	}
}

// A reused SQLite dataset is written to disk before the run, log or not;
// a folder without one is no error here (opening it fails elsewhere).
func TestFlushDataset(t *testing.T) {
	dir := t.TempDir()
	var logged bytes.Buffer
	o := &Options{Data: dir, Progress: &logged}
	if err := flushDataset(o); err != nil || logged.Len() != 0 {
		t.Fatalf("empty folder: %v, logged %q", err, logged.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "coopdec.db"), []byte("données"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := flushDataset(o); err != nil || !strings.HasPrefix(logged.String(), "coopdec.db written to disk") ||
		strings.Count(logged.String(), "\n") != 1 {
		t.Fatalf("with a database: %v, logged %q", err, logged.String())
	}
}
