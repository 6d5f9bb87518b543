package sqldb

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// newToken returns a random secret for a cookie, a link or an API client,
// and the hash under which it is stored: a stolen database gives no usable
// secret.
func newToken(prefix string) (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported systems
	token = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
