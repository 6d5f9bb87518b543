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
// that is not a blob at its fan-out place (such as a leftover temporary file).
func files(t *testing.T, l *Local) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(l.dir, p)
		name := d.Name()
		if !ValidHash(name) || rel != filepath.Join(name[0:2], name[2:4], name) {
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

// A blob's file is found after a power cut only if every folder on its
// path is recorded in its parent: Put syncs the folders it creates the
// blob's in, then the blob's folder, whether the content is held whole or
// streamed.
func TestNewFoldersSynced(t *testing.T) {
	var synced []string
	real := syncDir
	syncDir = func(dir string) error {
		synced = append(synced, dir)
		return real(dir)
	}
	t.Cleanup(func() { syncDir = real })
	ctx := context.Background()
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
			synced = nil
			if _, err := l.Put(ctx, tc.reader(body), -1); err != nil {
				t.Fatal(err)
			}
			ab := filepath.Join(l.dir, hash[:2])
			want := []string{l.dir, ab, filepath.Join(ab, hash[2:4])}
			if !slices.Equal(synced, want) {
				t.Errorf("synced %v; want the store's folder, then each new folder, then the blob's", synced)
			}
			// Another blob in the same first folder: only the new second
			// folder's parent, then the blob's folder.
			var other []byte
			for i := 0; ; i++ {
				other = []byte(fmt.Sprintf("annexe %d", i))
				if s := sha256.Sum256(other); hex.EncodeToString(s[:])[:2] == hash[:2] && hex.EncodeToString(s[:])[2:4] != hash[2:4] {
					break
				}
			}
			synced = nil
			info, err := l.Put(ctx, tc.reader(other), -1)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{ab, filepath.Join(ab, info.SHA256[2:4])}; !slices.Equal(synced, want) {
				t.Errorf("second blob: synced %v; want %v", synced, want)
			}
			// The same content again: nothing written, nothing synced.
			synced = nil
			if _, err := l.Put(ctx, tc.reader(body), -1); err != nil || len(synced) != 0 {
				t.Errorf("same content again: got %v, synced %v; want nothing", err, synced)
			}
		})
	}
}
