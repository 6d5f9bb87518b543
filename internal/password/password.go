// Package password hashes and checks account passwords with argon2id.
package password

import (
	"github.com/alexedwards/argon2id"
)

// params follow the OWASP recommendation for argon2id (19 MiB, 2 passes)
// with a little more memory, keeping a login under ~50 ms on two cores.
var params = &argon2id.Params{Memory: 32 * 1024, Iterations: 2, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// Hash returns the encoded argon2id hash of p, salt and parameters included.
func Hash(p string) (string, error) { return argon2id.CreateHash(p, params) }

// Check reports whether p matches the encoded hash. A malformed hash never
// matches.
func Check(p, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(p, hash)
	return err == nil && ok
}

// dummyHash is compared against when no account exists, so that a login for
// an unknown address takes as long as one for a known address.
var dummyHash, _ = Hash("coopdec: no such account, constant time")

// CheckNone spends the time of a Check without an account.
func CheckNone(p string) { _ = Check(p, dummyHash) }
