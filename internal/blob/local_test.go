package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func newLocal(t testing.TB) *Local {
	t.Helper()
	l, err := NewLocal(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// files lists every regular file under the store's folder, failing on any
// that is not a blob at its fan-out place (such as a leftover temporary file)
// or the layout's mark.
func files(t *testing.T, l *Local) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(l.dir, p)
		name := d.Name()
		if rel == layoutMark {
			return nil
		}
		if !ValidHash(name) || rel != filepath.Join(name[0:2], name) {
			t.Errorf("unexpected file %s", rel)
		}
		out = append(out, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	body := []byte("Appel à projets 2026 : coopération décentralisée")
	info, err := l.Put(ctx, bytes.NewReader(body), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if want := hex.EncodeToString(sum[:]); info.SHA256 != want || info.Size != int64(len(body)) {
		t.Fatalf("got %+v; want {%s %d}", info, want, len(body))
	}
	rc, got, err := l.Open(ctx, info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got != info {
		t.Errorf("Open info: got %+v; want %+v", got, info)
	}
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, body) {
		t.Errorf("content: got %q; want %q", data, body)
	}
	// Seekable, so net/http can answer range requests.
	if _, err := rc.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(rc)
	if !bytes.Equal(data, body[6:]) {
		t.Errorf("after seek: got %q; want %q", data, body[6:])
	}
	ok, err := l.Exists(ctx, info.SHA256)
	if err != nil || !ok {
		t.Errorf("Exists: got %v, %v; want true, nil", ok, err)
	}
}

func TestKnownVector(t *testing.T) {
	l := newLocal(t)
	info, err := l.Put(context.Background(), strings.NewReader("abc"), 3)
	if err != nil {
		t.Fatal(err)
	}
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if info.SHA256 != want || info.Size != 3 {
		t.Errorf("got %+v; want {%s 3}", info, want)
	}
	if got := files(t, l); len(got) != 1 || got[0] != want {
		t.Errorf("files: got %v; want [%s]", got, want)
	}
}

func TestEmpty(t *testing.T) {
	l := newLocal(t)
	info, err := l.Put(context.Background(), strings.NewReader(""), 0)
	if err != nil {
		t.Fatal(err)
	}
	const want = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if info.SHA256 != want || info.Size != 0 {
		t.Errorf("got %+v; want {%s 0}", info, want)
	}
}

func TestDeduplication(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	a, err := l.Put(ctx, strings.NewReader("budget prévisionnel"), 100)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Put(ctx, strings.NewReader("budget prévisionnel"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("got %+v and %+v; want equal", a, b)
	}
	if got := files(t, l); len(got) != 1 {
		t.Errorf("got %d files; want 1", len(got))
	}
}

func TestConcurrentPut(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) { testConcurrentPut(t, stream) })
	}
}

func testConcurrentPut(t *testing.T, stream bool) {
	ctx := context.Background()
	l := newLocal(t)
	const n = 16
	content := func(i int) []byte {
		if i%2 == 0 {
			return bytes.Repeat([]byte("same"), 10000)
		}
		return bytes.Repeat([]byte(fmt.Sprintf("different %d ", i)), 3000)
	}
	infos := make([]Info, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var r io.Reader = bytes.NewReader(content(i))
			if stream {
				r = streamOnly{r}
			}
			infos[i], errs[i] = l.Put(ctx, r, 1<<20)
		})
	}
	wg.Wait()

	want := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Put %d: %v", i, errs[i])
		}
		sum := sha256.Sum256(content(i))
		if h := hex.EncodeToString(sum[:]); infos[i].SHA256 != h {
			t.Errorf("Put %d: got %s; want %s", i, infos[i].SHA256, h)
		}
		want[infos[i].SHA256] = true
		rc, _, err := l.Open(ctx, infos[i].SHA256)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(data, content(i)) {
			t.Errorf("Put %d: stored content differs", i)
		}
	}
	got := files(t, l)
	if len(got) != len(want) || len(want) != n/2+1 {
		t.Errorf("got %d files; want %d", len(got), n/2+1)
	}
}

func TestTooLarge(t *testing.T) {
	l := newLocal(t)
	_, err := l.Put(context.Background(), strings.NewReader("abcd"), 3)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v; want ErrTooLarge", err)
	}
	if got := files(t, l); len(got) != 0 {
		t.Errorf("got files %v; want none", got)
	}
}

func TestCancelled(t *testing.T) {
	l := newLocal(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := io.MultiReader(strings.NewReader("début"), readerFunc(func(p []byte) (int, error) {
		cancel()
		return copy(p, "suite"), nil
	}), strings.NewReader("fin"))
	if _, err := l.Put(ctx, r, -1); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	if got := files(t, l); len(got) != 0 {
		t.Errorf("got files %v; want none", got)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestInvalidHash(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	for _, h := range []string{
		"../../etc/passwd",
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"ba7816bf",
		"",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a/",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adab",
	} {
		if _, _, err := l.Open(ctx, h); !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Open(%q): got %v; want ErrInvalidHash", h, err)
		}
		if _, err := l.Exists(ctx, h); !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Exists(%q): got %v; want ErrInvalidHash", h, err)
		}
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	const h = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if _, _, err := l.Open(ctx, h); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open: got %v; want ErrNotFound", err)
	}
	if ok, err := l.Exists(ctx, h); ok || err != nil {
		t.Errorf("Exists: got %v, %v; want false, nil", ok, err)
	}
}

// BenchmarkPut100KB stores distinct 100 KB attachments, as in the surge of
// submissions before a call's deadline.
func BenchmarkPut100KB(b *testing.B) {
	ctx := context.Background()
	l := newLocal(b)
	body := bytes.Repeat([]byte("x"), 100<<10)
	b.SetBytes(int64(len(body)))
	var i uint64
	for b.Loop() {
		i++
		copy(body, fmt.Sprint(i))
		if _, err := l.Put(ctx, bytes.NewReader(body), 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// streamOnly hides a reader's other methods: Put streams it.
type streamOnly struct{ io.Reader }

// Content held whole is hashed first and written beside its final place;
// a stream is written while hashed. Both give the same blob, honour the
// limit, leave no temporary file and find each other's copy.
func TestWholeAndStream(t *testing.T) {
	ctx := context.Background()
	body := bytes.Repeat([]byte("Convention de partenariat, annexe financière. "), 2000)
	sum := sha256.Sum256(body)
	want := Info{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(body))}
	kinds := map[string]func([]byte) io.Reader{
		"whole":  func(b []byte) io.Reader { return bytes.NewReader(b) },
		"stream": func(b []byte) io.Reader { return streamOnly{bytes.NewReader(b)} },
	}
	for name, reader := range kinds {
		t.Run(name, func(t *testing.T) {
			l := newLocal(t)
			for _, limit := range []int64{int64(len(body)) - 1, 10} {
				if _, err := l.Put(ctx, reader(body), limit); !errors.Is(err, ErrTooLarge) {
					t.Errorf("limit %d: got %v; want ErrTooLarge", limit, err)
				}
			}
			for _, limit := range []int64{int64(len(body)), -1} {
				info, err := l.Put(ctx, reader(body), limit)
				if err != nil || info != want {
					t.Fatalf("limit %d: got %+v, %v; want %+v", limit, info, err, want)
				}
			}
			for other, r := range kinds {
				if info, err := l.Put(ctx, r(body), -1); err != nil || info != want {
					t.Errorf("again as %s: got %+v, %v", other, info, err)
				}
			}
			if got := files(t, l); len(got) != 1 || got[0] != want.SHA256 {
				t.Errorf("files %v; want the one blob", got)
			}
			rc, _, err := l.Open(ctx, want.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(data, body) {
				t.Error("stored content differs")
			}
		})
	}
	// A reader partly read already: what is left is stored.
	l := newLocal(t)
	r := bytes.NewReader([]byte("en-tête|contenu"))
	if _, err := r.Seek(int64(len("en-tête|")), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	info, err := l.Put(ctx, r, 7)
	if sum := sha256.Sum256([]byte("contenu")); err != nil || info.SHA256 != hex.EncodeToString(sum[:]) || info.Size != 7 {
		t.Errorf("partly read: got %+v, %v; want the rest only", info, err)
	}
}

// A blob's file is found after a power cut only if its folder, and every
// folder above it, is recorded in its parent. The store's 256 folders are
// made, and synced, when it is opened; a Put then syncs only the blob's
// folder, whether the content is held whole or streamed, and makes again,
// and syncs, a folder removed since.
func TestFoldersSynced(t *testing.T) {
	var synced []string
	real := syncDir
	syncDir = func(dir string) error {
		synced = append(synced, dir)
		return real(dir)
	}
	t.Cleanup(func() { syncDir = real })
	ctx := context.Background()

	dir := filepath.Join(t.TempDir(), "blobs")
	if _, err := NewLocal(dir); err != nil {
		t.Fatal(err)
	}
	if want := []string{dir, dir}; !slices.Equal(synced, want) {
		t.Errorf("opening a new store synced %v; want its folder, before and after the layout's mark", synced)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 257 {
		t.Errorf("a new store holds %d entries; want 256 folders and the mark", len(entries))
	}
	synced = nil
	if _, err := NewLocal(dir); err != nil || len(synced) != 0 {
		t.Errorf("opening it again: %v, synced %v; want nothing done", err, synced)
	}

	for _, tc := range []struct {
		name   string
		reader func([]byte) io.Reader
	}{
		{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"stream", func(b []byte) io.Reader { return streamOnly{bytes.NewReader(b)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLocal(t)
			body := []byte("Délibération du conseil municipal, " + tc.name)
			sum := sha256.Sum256(body)
			hash := hex.EncodeToString(sum[:])
			ab := filepath.Join(l.dir, hash[:2])
			synced = nil
			if _, err := l.Put(ctx, tc.reader(body), -1); err != nil {
				t.Fatal(err)
			}
			if want := []string{ab}; !slices.Equal(synced, want) {
				t.Errorf("synced %v; want the blob's folder only", synced)
			}
			// The same content again: nothing written, nothing synced.
			synced = nil
			if _, err := l.Put(ctx, tc.reader(body), -1); err != nil || len(synced) != 0 {
				t.Errorf("same content again: got %v, synced %v; want nothing", err, synced)
			}
			// A blob whose folder was removed since the store was opened:
			// the folder is made again and recorded, then the blob's.
			other := []byte("Annexe budgétaire, " + tc.name)
			s := sha256.Sum256(other)
			folder := filepath.Join(l.dir, hex.EncodeToString(s[:])[:2])
			if folder == ab {
				t.Fatal("the two contents share a folder; choose another")
			}
			if err := os.Remove(folder); err != nil {
				t.Fatal(err)
			}
			synced = nil
			info, err := l.Put(ctx, tc.reader(other), -1)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{l.dir, folder}; !slices.Equal(synced, want) {
				t.Errorf("blob in a removed folder: synced %v; want %v", synced, want)
			}
			if got := readAll(t, l, info.SHA256); !bytes.Equal(got, other) {
				t.Errorf("read back %q; want %q", got, other)
			}
			if got := files(t, l); len(got) != 2 {
				t.Errorf("store holds %v; want the two blobs", got)
			}
		})
	}
}

// readAll returns a stored blob's content.
func readAll(t *testing.T, l *Local, hash string) []byte {
	t.Helper()
	f, _, err := l.Open(context.Background(), hash)
	if err != nil {
		t.Fatalf("opening blob %s: %v", hash[:8], err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A store of the earlier two-level layout (ab/cd/<hash>) is moved to the
// current one when opened: every blob found at its new place, whole, the
// emptied folders and an interrupted upload's file gone, what is not the
// store's left alone; a move interrupted half-way is finished by the next
// opening.
func TestEarlierLayoutMoved(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blobs")
	contents := map[string][]byte{}
	write := func(p string, b []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 {
		b := []byte(fmt.Sprintf("pièce justificative n° %d", i))
		s := sha256.Sum256(b)
		h := hex.EncodeToString(s[:])
		contents[h] = b
		if i%4 == 0 {
			write(filepath.Join(dir, h[:2], h), b) // moved already, by an interrupted opening
		} else {
			write(filepath.Join(dir, h[:2], h[2:4], h), b)
		}
	}
	var someHash string
	for h := range contents {
		someHash = h
		break
	}
	leftover := filepath.Join(dir, someHash[:2], someHash[2:4], ".put-123")
	write(leftover, []byte("envoi interrompu"))
	notOurs := filepath.Join(dir, "0a", "zz", "notes.txt")
	write(notOurs, []byte("fichier d'un opérateur"))

	l, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(notOurs); err != nil {
		t.Errorf("a file not the store's was touched: %v", err)
	}
	if err := os.RemoveAll(filepath.Dir(notOurs)); err != nil {
		t.Fatal(err)
	}
	if got := files(t, l); len(got) != len(contents) {
		t.Errorf("%d blobs after the move; want %d", len(got), len(contents))
	}
	for h, b := range contents {
		if r := readAll(t, l, h); !bytes.Equal(r, b) {
			t.Errorf("blob %s read %q; want %q", h[:8], r, b)
		}
		if _, err := os.Stat(filepath.Join(dir, h[:2], h[2:4])); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("folder %s/%s still there: %v", h[:2], h[2:4], err)
		}
	}
	if _, err := os.Stat(leftover); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("interrupted upload's file still there: %v", err)
	}
	// Opened again: the mark is there, nothing is looked at; new blobs
	// go to the new layout.
	l, err = NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := l.Put(ctx, bytes.NewReader([]byte("rapport final")), -1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, info.SHA256[:2], info.SHA256)); err != nil {
		t.Errorf("new blob not in the one-level layout: %v", err)
	}
}
