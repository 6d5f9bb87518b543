package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// tempPattern names files being written; it never matches a blob name. A
// file whose content is held whole is written next to its final place (a
// rename within a folder, and writers spread over the fan-out: concurrent
// file creations in one folder wait for each other); a stream is written at
// the top of the folder, since its hash is known only once it is read.
const tempPattern = ".put-*"

// Local is a Store in a folder of the local file system. A blob lives at
// <dir>/<ab>/<hash>, where ab is the hash's first two hex digits. The 256
// folders are created with the store, so that storing a blob never creates
// a folder (whose name would need a sync of its own to survive a power cut,
// on the deadline day's every upload), and none grows too large: a million
// blobs make about 4,000 files a folder.
//
// Stores laid out two levels deep (<dir>/<ab>/<cd>/<hash>) by earlier
// versions are moved to this layout when opened (see NewLocal).
type Local struct {
	dir string
}

var _ Store = (*Local)(nil)

// layoutMark is the file that says the store's folder is laid out in one
// level, all 256 folders created; NewLocal writes it last.
const layoutMark = ".layout-1"

// NewLocal returns a Store in dir, creating the folder and its 256 blob
// folders if needed. A store of an earlier layout (two levels of folders)
// is moved to the current one first: every blob renamed to its new place,
// each folder synced, then the mark written; an interruption leaves every
// blob at one of its two places, and the next start finishes the move.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: unable to create folder: %w", err)
	}
	l := &Local{dir: dir}
	if _, err := os.Stat(filepath.Join(dir, layoutMark)); err == nil {
		return l, nil
	}
	for i := range 256 {
		ab := filepath.Join(dir, fmt.Sprintf("%02x", i))
		if err := os.Mkdir(ab, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("blob: unable to create folder: %w", err)
		}
		if err := flatten(ab); err != nil {
			return nil, err
		}
	}
	// The folders' names are recorded before the mark says they are there.
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("blob: unable to sync folder: %w", err)
	}
	mark, err := os.Create(filepath.Join(dir, layoutMark))
	if err != nil {
		return nil, fmt.Errorf("blob: unable to mark the layout: %w", err)
	}
	if err := errors.Join(mark.Sync(), mark.Close(), syncDir(dir)); err != nil {
		return nil, fmt.Errorf("blob: unable to mark the layout: %w", err)
	}
	return l, nil
}

// flatten moves the blobs of the earlier layout's second-level folders
// (ab/cd/<hash>) up into ab, syncs ab, and removes the emptied folders and
// the temporary files left in them. Anything else is left where it is.
func flatten(ab string) error {
	entries, err := os.ReadDir(ab)
	if err != nil {
		return fmt.Errorf("blob: unable to read folder: %w", err)
	}
	prefix := filepath.Base(ab)
	var emptied []string
	for _, e := range entries {
		cd := e.Name()
		if !e.IsDir() || len(cd) != 2 || !lowerHex(cd) {
			continue
		}
		sub := filepath.Join(ab, cd)
		files, err := os.ReadDir(sub)
		if err != nil {
			return fmt.Errorf("blob: unable to read folder: %w", err)
		}
		for _, f := range files {
			name, from := f.Name(), filepath.Join(sub, f.Name())
			switch {
			case f.Type().IsRegular() && ValidHash(name) && name[:4] == prefix+cd:
				// Another process opening the store at the same time may
				// have moved it already.
				if err := os.Rename(from, filepath.Join(ab, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("blob: unable to move %s: %w", name, err)
				}
			case f.Type().IsRegular() && strings.HasPrefix(name, tempPattern[:len(tempPattern)-1]):
				os.Remove(from) // an upload cut short
			}
		}
		emptied = append(emptied, sub)
	}
	if len(emptied) == 0 {
		return nil
	}
	if err := syncDir(ab); err != nil {
		return fmt.Errorf("blob: unable to sync folder: %w", err)
	}
	for _, sub := range emptied {
		os.Remove(sub) // fails, and is left, if it holds what is not ours
	}
	return nil
}

func (l *Local) path(hash string) string {
	return filepath.Join(l.dir, hash[0:2], hash)
}

// Put stores r's content under its hash and syncs it (the file, then its
// folder) before returning. A reader that holds its content whole
// (bytes.Reader, strings.Reader) is hashed first, then written only if the
// blob is not already stored; any other is streamed into a temporary file
// while hashed, then renamed to its content's name. Concurrent Puts of the
// same content are safe: the loser's rename replaces an identical file, or
// it finds one and drops its own.
func (l *Local) Put(ctx context.Context, r io.Reader, maxBytes int64) (info Info, err error) {
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if whole, ok := r.(wholeReader); ok {
		return l.putWhole(ctx, whole, maxBytes)
	}
	tmp, err := os.CreateTemp(l.dir, tempPattern)
	if err != nil {
		return Info{}, fmt.Errorf("blob: unable to create temporary file: %w", err)
	}
	renamed := false
	defer dropTemp(tmp, &renamed)

	h := sha256.New()
	src := io.Reader(ctxReader{ctx, r})
	if maxBytes >= 0 {
		// One byte past the limit is enough to tell the body is too large.
		src = io.LimitReader(src, maxBytes+1)
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return Info{}, fmt.Errorf("blob: unable to write: %w", err)
	}
	if maxBytes >= 0 && n > maxBytes {
		return Info{}, ErrTooLarge
	}
	info = Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	if renamed, err = l.keep(tmp, info); err != nil {
		return Info{}, err
	}
	return info, nil
}

// wholeReader is content held whole, read from its current position.
type wholeReader interface {
	io.ReaderAt
	Size() int64 // the whole content's
	Len() int    // what is left to read
}

func (l *Local) putWhole(ctx context.Context, r wholeReader, maxBytes int64) (Info, error) {
	n := int64(r.Len())
	if maxBytes >= 0 && n > maxBytes {
		return Info{}, ErrTooLarge
	}
	content := func() io.Reader { return io.NewSectionReader(r, r.Size()-n, n) }
	h := sha256.New()
	if _, err := io.Copy(h, content()); err != nil {
		return Info{}, fmt.Errorf("blob: unable to read: %w", err)
	}
	info := Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	final := l.path(info.SHA256)
	if _, err := os.Stat(final); err == nil {
		return info, nil
	}
	var tmp *os.File
	err := l.remade(filepath.Dir(final), func() (err error) {
		tmp, err = os.CreateTemp(filepath.Dir(final), tempPattern)
		return err
	})
	if err != nil {
		return Info{}, fmt.Errorf("blob: unable to create temporary file: %w", err)
	}
	renamed := false
	defer dropTemp(tmp, &renamed)
	if _, err := io.Copy(tmp, content()); err != nil {
		return Info{}, fmt.Errorf("blob: unable to write: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if renamed, err = l.keep(tmp, info); err != nil {
		return Info{}, err
	}
	return info, nil
}

// keep syncs a written temporary file and renames it to its content's
// name; renamed says whether the temporary file is now the blob.
func (l *Local) keep(tmp *os.File, info Info) (renamed bool, err error) {
	if err := tmp.Sync(); err != nil {
		return false, fmt.Errorf("blob: unable to sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("blob: unable to close: %w", err)
	}
	final := l.path(info.SHA256)
	if _, err := os.Stat(final); err == nil {
		return false, nil // already stored: ours is dropped
	}
	if err := l.remade(filepath.Dir(final), func() error { return os.Rename(tmp.Name(), final) }); err != nil {
		// Where rename cannot replace a file, a concurrent Put may have won.
		if _, serr := os.Stat(final); serr == nil {
			return false, nil
		}
		return false, fmt.Errorf("blob: unable to rename: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return true, fmt.Errorf("blob: unable to sync folder: %w", err)
	}
	return true, nil
}

// dropTemp closes and removes a temporary file that did not become a blob.
func dropTemp(tmp *os.File, renamed *bool) {
	if !*renamed {
		tmp.Close()
		os.Remove(tmp.Name())
	}
}

// Open returns the blob named sha256hex, or ErrNotFound.
func (l *Local) Open(ctx context.Context, sha256hex string) (io.ReadSeekCloser, Info, error) {
	if !ValidHash(sha256hex) {
		return nil, Info{}, ErrInvalidHash
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(l.path(sha256hex))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, ErrNotFound
	} else if err != nil {
		return nil, Info{}, fmt.Errorf("blob: unable to open: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("blob: unable to stat: %w", err)
	}
	return f, Info{SHA256: sha256hex, Size: st.Size()}, nil
}

// Exists reports whether the blob named sha256hex is stored.
func (l *Local) Exists(ctx context.Context, sha256hex string) (bool, error) {
	if !ValidHash(sha256hex) {
		return false, ErrInvalidHash
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	_, err := os.Stat(l.path(sha256hex))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: unable to stat: %w", err)
	}
	return true, nil
}

// remade runs op, which creates an entry in dir, a blob's folder. Should
// dir have been removed since the store was opened (NewLocal made it), op
// fails as not found: dir is made again and recorded durably in the
// store's folder (the blob's file and folder are synced, but a folder's
// own name lives in its parent, which a power cut would otherwise lose
// with every blob below it), and op runs once more.
func (l *Local) remade(dir string, op func() error) error {
	err := op()
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// Another Put may make it at the same time; the store's folder is
	// synced all the same, which makes the other's creation durable too.
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("blob: unable to create folder: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		return fmt.Errorf("blob: unable to sync folder: %w", err)
	}
	return op()
}

// syncDir makes a rename durable. Windows cannot sync a folder, and does not
// need to.
var syncDir = func(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ctxReader stops a long upload when its request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
