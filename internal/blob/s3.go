package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a Store in a bucket of an S3-compatible service (Amazon S3, MinIO,
// Garage, Ceph, Scaleway, OVHcloud…). A blob is the object
// <prefix>/<ab>/<cd>/<hash>, laid out as in Local.
type S3 struct {
	client  *minio.Client
	bucket  string
	prefix  string // "" or ends in "/"
	tempDir string // "" means os.TempDir()
}

var _ Store = (*S3)(nil)

// S3Options says where an S3 store keeps its blobs.
type S3Options struct {
	Bucket string
	// Prefix is an optional folder inside the bucket, such as "coopdec/blobs".
	Prefix string
	// TempDir is where Put spools a body before uploading it; "" means
	// os.TempDir(). It should be on disk, not in memory (tmpfs).
	TempDir string
}

// NewS3 returns a Store in a bucket reached through client. It makes no
// request: Open checks that the bucket exists.
func NewS3(client *minio.Client, opts S3Options) (*S3, error) {
	if client == nil {
		return nil, errors.New("blob: no S3 client")
	}
	if opts.Bucket == "" {
		return nil, errors.New("blob: no S3 bucket")
	}
	prefix, err := cleanPrefix(opts.Prefix)
	if err != nil {
		return nil, err
	}
	return &S3{client: client, bucket: opts.Bucket, prefix: prefix, tempDir: opts.TempDir}, nil
}

// cleanPrefix turns "a/b", "/a/b/" or "" into "a/b/" or "". Empty, "." and
// ".." segments are refused: some services reject or rewrite such keys.
func cleanPrefix(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return "", nil
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("blob: invalid S3 prefix %q", p)
		}
	}
	return p + "/", nil
}

func (s *S3) key(hash string) string {
	return s.prefix + hash[0:2] + "/" + hash[2:4] + "/" + hash
}

// Put spools r to a temporary file while hashing it, so that neither a large
// body nor one over the limit is held in memory or sent, then uploads it
// under its content's name unless an object of that name is already there.
func (s *S3) Put(ctx context.Context, r io.Reader, maxBytes int64) (Info, error) {
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	tmp, err := os.CreateTemp(s.tempDir, "coopdec-blob-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: unable to create temporary file: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()

	h := sha256.New()
	src := io.Reader(ctxReader{ctx, r})
	if maxBytes >= 0 {
		// One byte past the limit is enough to tell the body is too large.
		src = io.LimitReader(src, maxBytes+1)
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return Info{}, fmt.Errorf("blob: unable to spool upload: %w", err)
	}
	if maxBytes >= 0 && n > maxBytes {
		return Info{}, ErrTooLarge
	}
	info := Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	key := s.key(info.SHA256)

	// Content-addressed: an object with this name already holds these bytes.
	if ok, err := s.exists(ctx, key); err != nil {
		return Info{}, err
	} else if ok {
		return info, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("blob: unable to rewind temporary file: %w", err)
	}
	_, err = s.client.PutObject(ctx, s.bucket, key, tmp, n, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
		// Over plain HTTP, minio-go v7.4.1 sends an empty body as a signed
		// chunked stream without Content-Length, which servers refuse (411).
		DisableContentSha256: n == 0,
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return Info{}, ctxErr
		}
		return Info{}, fmt.Errorf("blob: unable to upload to bucket %q: %w", s.bucket, err)
	}
	return info, nil
}

// Open returns the blob named sha256hex, or ErrNotFound. Reads go on under
// ctx, so they stop when it is cancelled.
func (s *S3) Open(ctx context.Context, sha256hex string) (io.ReadSeekCloser, Info, error) {
	if !ValidHash(sha256hex) {
		return nil, Info{}, ErrInvalidHash
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(sha256hex), minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, fmt.Errorf("blob: unable to open: %w", err)
	}
	// GetObject sends nothing; Stat makes the request and reports a missing key.
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if isNoSuchKey(err) {
			return nil, Info{}, ErrNotFound
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, Info{}, ctxErr
		}
		return nil, Info{}, fmt.Errorf("blob: unable to open: %w", err)
	}
	return obj, Info{SHA256: sha256hex, Size: st.Size}, nil
}

// Exists reports whether the blob named sha256hex is stored.
func (s *S3) Exists(ctx context.Context, sha256hex string) (bool, error) {
	if !ValidHash(sha256hex) {
		return false, ErrInvalidHash
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return s.exists(ctx, s.key(sha256hex))
}

func (s *S3) exists(ctx context.Context, key string) (bool, error) {
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if isNoSuchKey(err) {
		return false, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	return false, fmt.Errorf("blob: unable to stat: %w", err)
}

func isNoSuchKey(err error) bool {
	return minio.ToErrorResponse(err).Code == minio.NoSuchKey
}

// Open returns the Store that spec names: a folder path, or an s3:// URL as
// described in the package documentation. For S3 it checks that the bucket
// exists, so that a wrong setting fails at start-up.
func Open(ctx context.Context, spec string) (Store, error) {
	switch {
	case spec == "":
		return nil, errors.New("blob: no storage location given")
	case strings.HasPrefix(spec, "s3://"):
		return openS3(ctx, spec)
	case strings.Contains(spec, "://"):
		// A typo like "s4://" or an unsupported scheme must not become a folder.
		scheme, _, _ := strings.Cut(spec, "://")
		return nil, fmt.Errorf("blob: unsupported storage scheme %q (want a folder path or s3://bucket/prefix)", scheme)
	}
	return NewLocal(spec)
}

// bucketCheckTimeout bounds Open's check that the bucket exists.
const bucketCheckTimeout = 30 * time.Second

func openS3(ctx context.Context, spec string) (*S3, error) {
	u, err := url.Parse(spec)
	if err != nil {
		// url.Error repeats the whole URL; its inner error says what is wrong.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("blob: invalid S3 URL: %w", err)
	}
	if u.User != nil {
		return nil, errors.New("blob: S3 URL must not contain credentials; set COOPDEC_S3_ACCESS_KEY and COOPDEC_S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	bucket := u.Host
	if bucket == "" {
		return nil, errors.New("blob: S3 URL has no bucket (want s3://bucket/prefix)")
	}
	endpoint, region, tempDir := "s3.amazonaws.com", "", ""
	secure := true
	for name, values := range u.Query() {
		v := values[len(values)-1]
		switch name {
		case "endpoint":
			endpoint = v
		case "region":
			region = v
		case "insecure":
			switch v {
			case "1", "true":
				secure = false
			case "0", "false", "":
			default:
				return nil, fmt.Errorf("blob: S3 URL: insecure=%q: want 1 or 0", v)
			}
		case "tmpdir":
			tempDir = v
		default:
			return nil, fmt.Errorf("blob: S3 URL: unknown parameter %q (known: endpoint, region, insecure, tmpdir)", name)
		}
	}
	if endpoint == "" || strings.Contains(endpoint, "/") {
		return nil, fmt.Errorf("blob: S3 URL: endpoint=%q: want host or host:port, without scheme or path", endpoint)
	}
	creds, err := envCredentials()
	if err != nil {
		return nil, err
	}
	client, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: region})
	if err != nil {
		return nil, fmt.Errorf("blob: S3 endpoint %s: %w", endpoint, err)
	}
	s, err := NewS3(client, S3Options{Bucket: bucket, Prefix: u.Path, TempDir: tempDir})
	if err != nil {
		return nil, err
	}
	// minio-go retries failed requests for minutes against a host that drops
	// packets; a wrong setting should fail the start sooner.
	checkCtx, cancel := context.WithTimeout(ctx, bucketCheckTimeout)
	defer cancel()
	ok, err := client.BucketExists(checkCtx, bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: unable to check bucket %q at %s: %w", bucket, client.EndpointURL().Redacted(), err)
	}
	if !ok {
		return nil, fmt.Errorf("blob: bucket %q does not exist at %s", bucket, client.EndpointURL().Redacted())
	}
	return s, nil
}

// envCredentials reads the S3 keys from COOPDEC_S3_ACCESS_KEY and
// COOPDEC_S3_SECRET_KEY, or else from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
func envCredentials() (*credentials.Credentials, error) {
	pairs := []struct{ id, secret, token string }{
		{"COOPDEC_S3_ACCESS_KEY", "COOPDEC_S3_SECRET_KEY", ""},
		{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"},
	}
	for _, p := range pairs {
		id, secret := os.Getenv(p.id), os.Getenv(p.secret)
		switch {
		case id != "" && secret != "":
			token := ""
			if p.token != "" {
				token = os.Getenv(p.token)
			}
			return credentials.NewStaticV4(id, secret, token), nil
		case id != "" || secret != "":
			return nil, fmt.Errorf("blob: %s and %s must be set together", p.id, p.secret)
		}
	}
	return nil, errors.New("blob: no S3 credentials: set COOPDEC_S3_ACCESS_KEY and COOPDEC_S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
}
