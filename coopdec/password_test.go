package coopdec

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckPassword(t *testing.T) {
	const (
		email = "marie-helene.dupont+coopdec@mairie-lyon.fr"
		name  = "Marie-Hélène Dupont"
	)
	for _, tc := range []struct {
		name, password, email, user string
		wantKey                     string
		wantArgs                    []any
	}{
		{"demo password is long enough", DemoPassword, email, name, "", nil},
		{"passphrase", "cheval agrafe pile correcte", email, name, "", nil},
		{"12 mixed characters", "Tr0p!c@l-Fox", email, name, "", nil},
		{"accented passphrase", "Ça déménage à Tombouctou", email, name, "", nil},
		{"non-Latin script", "Женева-Бамако-Рио", email, name, "", nil},
		{"exactly 256 characters", strings.Repeat("k7#Qm2!x", 32), email, name, "", nil},
		{"no email nor name", "vert-pomme-lundi", "", "", "", nil},
		{"short name part ignored", "eva et les loups", "ev@example.org", "Eva Li", "", nil},

		{"empty", "", email, name, "password.too_short", []any{12}},
		{"11 characters", "Tr0p!c@l-Fo", email, name, "password.too_short", []any{12}},
		{"11 runes though more bytes", "éèàùçôîâêûë", email, name, "password.too_short", []any{12}},
		{"257 characters", strings.Repeat("k7#Qm2!x", 32) + "z", email, name, "password.too_long", []any{256}},

		{"one character repeated", "aaaaaaaaaaaa", email, name, "password.pattern", nil},
		{"spaces only", "            ", email, name, "password.pattern", nil},
		{"digits in a row", "123456789012", email, name, "password.pattern", nil},
		{"digits backwards", "987654321098", email, name, "password.pattern", nil},
		{"alphabet", "abcdefghijkl", email, name, "password.pattern", nil},
		{"alphabet upper case", "ABCDEFGHIJKLM", email, name, "password.pattern", nil},
		{"alphabet backwards", "zyxwvutsrqpo", email, name, "password.pattern", nil},
		{"alphabet wrapping", "wxyzabcdefgh", email, name, "password.pattern", nil},
		{"unit repeated", "abcabcabcabc", email, name, "password.pattern", nil},
		{"unit of four repeated", "1qaz1qaz1qaz", email, name, "password.pattern", nil},
		{"azerty walk", "azertyuiopqsdf", email, name, "password.pattern", nil},
		{"qwerty walk", "QwertyuiopAsdf", email, name, "password.pattern", nil},
		{"azerty top row unshifted", "&é\"'(-è_çà)=", email, name, "password.pattern", nil},
		{"walk across rows", "1234567890azer", email, name, "password.pattern", nil},

		{"common", "motdepasse123", email, name, "password.common", nil},
		{"common upper case", "MotDePasse123", email, name, "password.common", nil},
		{"common with spaces around", "  password1234  ", email, name, "password.common", nil},
		{"common leet", "P@ssw0rd1234", email, name, "password.common", nil},
		{"common French", "jetaimejetaime", email, name, "password.common", nil},
		{"common keyboard", "1q2w3e4r5t6y", email, name, "password.common", nil},
		{"common with year", "Bienvenue2024", email, name, "password.common", nil},
		{"common with new suffix", "passwordpassword2031!", email, name, "password.common", nil},
		{"platform word", "Cooperation2025", email, name, "password.common", nil},

		{"email local part", "marie-helene.dupont", email, name, "password.personal", nil},
		{"email local part inside", "Xx-MarieHeleneDupont-xX", email, name, "password.personal", nil},
		{"email word", "dupont-de-nemours", email, name, "password.personal", nil},
		{"email word with accent", "Hélène et les garçons", "helene@example.org", "", "password.personal", nil},
		{"name", "Marie-Hélène Dupont", "x@example.org", name, "password.personal", nil},
		{"name without accents upper case", "MARIE HELENE DUPONT", "", name, "password.personal", nil},
		{"name glued", "mariehelenedupont", "", name, "password.personal", nil},
		{"name inside", "Dupont-Lyon-Paris-Rio", "", "Jean Dupont", "password.personal", nil},
		{"sub-address tag ignored", "coopdec-vert-pomme", "anna+coopdec@example.org", "", "", nil},
		{"domain ignored", "mairie-de-lyon-bleu", "anna@mairie-lyon.fr", "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(tc.password, tc.email, tc.user)
			if tc.wantKey == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v; want nil", tc.password, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("CheckPassword(%q) = %v; want %s", tc.password, err, tc.wantKey)
			}
			if e.Key != tc.wantKey || e.Field != "password" || e.Code != EINVALID {
				t.Fatalf("CheckPassword(%q) = %+v; want field password, key %s", tc.password, e, tc.wantKey)
			}
			if len(e.Args) != len(tc.wantArgs) || (len(e.Args) > 0 && e.Args[0] != tc.wantArgs[0]) {
				t.Errorf("CheckPassword(%q) args = %v; want %v", tc.password, e.Args, tc.wantArgs)
			}
		})
	}
}

func TestCommonPasswords(t *testing.T) {
	common := commonPasswords()
	if len(common) < 500 {
		t.Fatalf("only %d common passwords", len(common))
	}
	if len(commonPasswordsText) > 100_000 {
		t.Errorf("commonpasswords.txt is %d bytes; keep it under 100 KB", len(commonPasswordsText))
	}
	for p := range common {
		if n := utf8.RuneCountInString(p); n < PasswordMinLength {
			t.Errorf("common password %q has %d characters: shorter ones are refused anyway", p, n)
		}
		if p != strings.ToLower(strings.TrimSpace(p)) {
			t.Errorf("common password %q is not lower case and trimmed", p)
		}
		if err := CheckPassword(p, "", ""); err == nil {
			t.Errorf("common password %q accepted", p)
		}
	}
	if common[DemoPassword] {
		t.Error("the demo password is in the common list")
	}
}

func TestIsDemoPassword(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"coopdec-demo", true},
		{DemoPassword, true},
		{"Coopdec-demo", false},
		{"coopdec-demo ", false},
		{"coopdec-dem", false},
		{"", false},
	} {
		if got := IsDemoPassword(tc.p); got != tc.want {
			t.Errorf("IsDemoPassword(%q) = %v; want %v", tc.p, got, tc.want)
		}
	}
}

// TestReferenceMessages checks that the keys of this package's reference
// errors are in every catalogue, and take the arguments the errors carry.
func TestReferenceMessages(t *testing.T) {
	errs := []*Error{
		FieldError("siren", "org.siren.format"),
		FieldError("siren", "org.siren.checksum"),
		FieldError("countries", "country.unknown", "ZZ"),
		FieldError("password", "password.too_short", PasswordMinLength),
		FieldError("password", "password.too_long", PasswordMaxLength),
		FieldError("password", "password.common"),
		FieldError("password", "password.pattern"),
		FieldError("password", "password.personal"),
	}
	for _, lang := range refLangs {
		b, err := os.ReadFile("../internal/i18n/locales/" + lang + "/reference.json")
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, e := range errs {
			msg, ok := cat[e.Key]
			if !ok {
				t.Errorf("%s catalogue lacks %s", lang, e.Key)
				continue
			}
			out := fmt.Sprintf(msg, e.Args...)
			if len(e.Args) == 0 {
				out = msg
			}
			if strings.Contains(out, "%!") {
				t.Errorf("%s %s: bad verbs: %q", lang, e.Key, out)
			}
			for _, a := range e.Args {
				if !strings.Contains(out, fmt.Sprint(a)) {
					t.Errorf("%s %s does not show its argument %v: %q", lang, e.Key, a, out)
				}
			}
		}
	}
}
