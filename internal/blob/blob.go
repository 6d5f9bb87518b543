// Package blob stores attachments as content-addressed blobs: a blob is named
// by the SHA-256 of its bytes, so storing the same file twice keeps one copy.
package blob

import (
	"context"
	"errors"
	"io"
)

var (
	// ErrTooLarge means the body exceeded the size limit; nothing was kept.
	ErrTooLarge = errors.New("blob: too large")
	// ErrNotFound means no blob has the given hash.
	ErrNotFound = errors.New("blob: not found")
	// ErrInvalidHash means the name is not 64 lower-case hexadecimal digits.
	ErrInvalidHash = errors.New("blob: invalid hash")
)

// Info describes a stored blob.
type Info struct {
	SHA256 string // 64 lower-case hexadecimal digits
	Size   int64
}

// Store keeps blobs by the SHA-256 of their content.
type Store interface {
	// Put stores the content of r and returns its hash and size. A body longer
	// than maxBytes fails with ErrTooLarge; a negative maxBytes means no limit.
	Put(ctx context.Context, r io.Reader, maxBytes int64) (Info, error)
	// Open returns the blob's content; the caller closes it.
	Open(ctx context.Context, sha256hex string) (io.ReadSeekCloser, Info, error)
	// Exists reports whether a blob with the given hash is stored.
	Exists(ctx context.Context, sha256hex string) (bool, error)
}

// ValidHash reports whether s is a well-formed blob name: 64 lower-case
// hexadecimal digits. Nothing else may reach a file path.
func ValidHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
