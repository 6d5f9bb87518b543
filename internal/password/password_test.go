package password

import (
	"strings"
	"testing"
)

func TestHashCheck(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") {
		t.Fatalf("got %q; want an argon2id encoding", h)
	}
	if !Check("correct horse battery staple", h) {
		t.Error("the right password does not match")
	}
	if Check("correct horse battery stapl", h) {
		t.Error("a wrong password matches")
	}
	if Check("x", "not a hash") {
		t.Error("a malformed hash matches")
	}
	h2, _ := Hash("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is missing")
	}
}
