// Package blob stores attachments as content-addressed blobs: a blob is named
// by the SHA-256 of its bytes, so storing the same file twice keeps one copy.
//
// Two stores implement Store: Local, a folder of the local file system (the
// default), and S3, a bucket of an S3-compatible service, for several serve
// processes sharing one storage. Open chooses one from a single setting:
//
//	./data/blobs                                   a folder, created if needed
//	s3://bucket                                    Amazon S3, at the bucket's root
//	s3://bucket/coopdec/blobs?region=eu-west-3     Amazon S3, under a prefix
//	s3://bucket/blobs?endpoint=minio.internal:9000&insecure=1
//	                                               another S3-compatible service
//
// The parameters of an s3:// URL are:
//
//	endpoint  host or host:port of the service (default s3.amazonaws.com)
//	region    the bucket's region (default: asked of the service)
//	insecure  1 to use plain HTTP instead of HTTPS
//	tmpdir    folder where uploads are spooled before being sent (default: the
//	          system's temporary folder; it should be on disk, not tmpfs)
//
// Credentials never go in the URL: they are read from COOPDEC_S3_ACCESS_KEY
// and COOPDEC_S3_SECRET_KEY, or else from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. Open checks that the bucket
// exists, so a wrong setting fails at start-up with the bucket and endpoint
// named. A blob lives at ab/<hash> in the folder, ab/cd/<hash> under the
// prefix, where ab and cd are the hash's first four hexadecimal digits.
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
func ValidHash(s string) bool { return len(s) == 64 && lowerHex(s) }

// lowerHex says whether s is made of lower-case hexadecimal digits only.
func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
