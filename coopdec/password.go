package coopdec

import (
	"crypto/subtle"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Password length bounds, in characters. Length is what makes a password
// strong, so the floor is high and no composition rule is imposed; the
// ceiling only keeps hashing cheap.
const (
	PasswordMinLength = 12
	PasswordMaxLength = 256
)

//go:embed commonpasswords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(commonPasswordsText) {
		line = strings.TrimRight(line, "\r\n")
		if line != "" && !strings.HasPrefix(line, "# ") {
			m[line] = true
		}
	}
	return m
})

// Keyboard walks, each row run into the next, for QWERTY, AZERTY and QWERTZ.
// The AZERTY top row unshifted is what French users type for "1234567890".
var keyboardWalks = []string{
	"1234567890qwertyuiopasdfghjklzxcvbnm",
	"&é\"'(-è_çà)=azertyuiopqsdfghjklmwxcvbn",
	"1234567890azertyuiopqsdfghjklmwxcvbn",
	"1234567890qwertzuiopasdfghjklyxcvbnm",
	"qazwsxedcrfvtgbyhnujmikolp",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
}

// CheckPassword applies the password policy when an account chooses a
// password: long enough, not a known or trivial one, not built from the
// owner's email address or name. The demo password passes; demo mode is
// enforced where accounts are created.
func CheckPassword(password, email, name string) error {
	n := utf8.RuneCountInString(password)
	if n < PasswordMinLength {
		return FieldError("password", "password.too_short", PasswordMinLength)
	}
	if n > PasswordMaxLength {
		return FieldError("password", "password.too_long", PasswordMaxLength)
	}
	lower := strings.ToLower(strings.TrimSpace(password))
	if isPasswordPattern(lower) {
		return FieldError("password", "password.pattern")
	}
	common := commonPasswords()
	if common[lower] || common[strings.TrimRightFunc(lower, isDigitOrPunct)] {
		return FieldError("password", "password.common")
	}
	if isPersonal(password, email, name) {
		return FieldError("password", "password.personal")
	}
	return nil
}

// IsDemoPassword reports whether p is the demonstration password, in constant
// time like any credential comparison.
func IsDemoPassword(p string) bool {
	return subtle.ConstantTimeCompare([]byte(p), []byte(DemoPassword)) == 1
}

func isDigitOrPunct(r rune) bool {
	return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
}

// isPasswordPattern reports whether the lower-cased p is one character
// repeated, a short unit repeated, a run of consecutive letters or digits,
// or a walk along a keyboard.
func isPasswordPattern(p string) bool {
	rs := []rune(p)
	if len(rs) == 0 {
		return true
	}
	for unit := 1; unit <= 4 && unit < len(rs); unit++ {
		if repeats(rs, unit) {
			return true
		}
	}
	if isRun(rs, 1) || isRun(rs, -1) {
		return true
	}
	for _, w := range keyboardWalks {
		if strings.Contains(w, p) || strings.Contains(reverse(w), p) {
			return true
		}
	}
	return false
}

// repeats reports whether rs is its first unit runes repeated, the last copy
// possibly cut short ("abcabcabcabca").
func repeats(rs []rune, unit int) bool {
	for i := unit; i < len(rs); i++ {
		if rs[i] != rs[i-unit] {
			return false
		}
	}
	return true
}

// isRun reports whether each rune of rs follows the previous one by step in
// the digits or the Latin alphabet, wrapping round: "890123…", "xyzabc…".
func isRun(rs []rune, step int) bool {
	next := func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '0' + (r-'0'+rune(step)+10)%10
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+rune(step)+26)%26
		}
		return -1
	}
	for i := 1; i < len(rs); i++ {
		if rs[i] != next(rs[i-1]) {
			return false
		}
	}
	return true
}

func reverse(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

// squash folds s and drops its separators, so that "Jean-Dupont" and
// "jean.dupont" both become "jeandupont".
func squash(s string) string { return strings.ReplaceAll(Fold(s), " ", "") }

// isPersonal reports whether the password contains the local part of the
// email address, the name, or one of their words, when these have at least
// four characters: attackers try them first.
func isPersonal(password, email, name string) bool {
	p := squash(password)
	local, _, _ := strings.Cut(strings.TrimSpace(email), "@")
	local, _, _ = strings.Cut(local, "+") // sub-addressing tag
	var words []string
	for _, s := range []string{local, name} {
		words = append(words, squash(s))
		words = append(words, strings.Fields(Fold(s))...)
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 4 && strings.Contains(p, w) {
			return true
		}
	}
	return false
}
