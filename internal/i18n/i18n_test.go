package i18n

import (
	"net/http/httptest"
	"testing"
)

func TestCataloguesComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, keys := range c.Missing() {
		t.Errorf("catalogue %s lacks %d keys that another has: %v", lang, len(keys), keys)
	}
	for _, lang := range Supported {
		if len(c[lang]) == 0 {
			t.Errorf("catalogue %s is empty", lang)
		}
	}
}

func TestMissingDetectsGap(t *testing.T) {
	c := Catalogues{"fr": {"a": "A", "b": "B"}, "en": {"a": "A"}, "es": {"a": "A", "b": "B"}, "pt": {"a": "A", "b": "B"}}
	m := c.Missing()
	if len(m) != 1 || len(m["en"]) != 1 || m["en"][0] != "b" {
		t.Fatalf("got %v; want en lacking b", m)
	}
}

func TestT(t *testing.T) {
	c := Catalogues{"fr": {"hello": "Bonjour %[1]s", "only": "Seulement"}, "en": {"hello": "Hello %[1]s"}}
	if got := c.T("en", "hello", "Ana"); got != "Hello Ana" {
		t.Errorf("got %q; want Hello Ana", got)
	}
	if got := c.T("en", "only"); got != "Seulement" {
		t.Errorf("got %q; want French fallback", got)
	}
	if got := c.T("en", "nope"); got != "nope" {
		t.Errorf("got %q; want the key itself", got)
	}
}

func TestFromRequest(t *testing.T) {
	for _, tc := range []struct{ header, pref, want string }{
		{"", "", "fr"},
		{"en-GB,en;q=0.9", "", "en"},
		{"pt-BR,pt;q=0.8,en;q=0.5", "", "pt"},
		{"es-AR", "", "es"},
		{"de-DE", "", "fr"},
		{"en", "es", "es"},
		{"en", "de", "en"},
		{"garbage;;;", "", "fr"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.header != "" {
			r.Header.Set("Accept-Language", tc.header)
		}
		if got := FromRequest(r, tc.pref); got != tc.want {
			t.Errorf("FromRequest(%q, %q) = %q; want %q", tc.header, tc.pref, got, tc.want)
		}
	}
}
