// Package i18n holds the interface's message catalogues in French (the
// default), English, Spanish and Portuguese, and picks a reader's language.
//
// Catalogues live in locales/<lang>/*.json, flat objects of key → text. Texts
// take fmt verbs with explicit indexes (%[1]s) so translations may reorder
// them. Several files per language let each area of the product keep its own.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

//go:embed locales
var localesFS embed.FS

// Default is the language used when nothing else decides.
const Default = "fr"

// Supported lists the interface languages, the default first.
var Supported = []string{"fr", "en", "es", "pt"}

var matcher = language.NewMatcher([]language.Tag{language.French, language.English, language.Spanish, language.Portuguese})

// Catalogues maps a language to its messages.
type Catalogues map[string]map[string]string

// Load reads the embedded catalogues. It fails on malformed files and on a key
// defined twice in one language.
func Load() (Catalogues, error) { return load(localesFS) }

func load(fsys fs.FS) (Catalogues, error) {
	c := Catalogues{}
	for _, lang := range Supported {
		c[lang] = map[string]string{}
		files, err := fs.Glob(fsys, path.Join("locales", lang, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range m {
				if _, dup := c[lang][k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", f, k)
				}
				c[lang][k] = v
			}
		}
	}
	return c, nil
}

// MustLoad is Load for start-up, where a broken catalogue must stop the binary.
func MustLoad() Catalogues {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// T returns the message key in lang, filled with args. A message missing in
// lang falls back to French; a key missing everywhere is returned as is so
// that the gap shows instead of hiding.
func (c Catalogues) T(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		msg, ok = c[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key exists in the default catalogue.
func (c Catalogues) Has(key string) bool {
	_, ok := c[Default][key]
	return ok
}

// Missing lists, per language, the keys another language has and it lacks.
func (c Catalogues) Missing() map[string][]string {
	all := map[string]bool{}
	for _, m := range c {
		for k := range m {
			all[k] = true
		}
	}
	out := map[string][]string{}
	for _, lang := range Supported {
		for k := range all {
			if _, ok := c[lang][k]; !ok {
				out[lang] = append(out[lang], k)
			}
		}
		sort.Strings(out[lang])
		if len(out[lang]) == 0 {
			delete(out, lang)
		}
	}
	return out
}

// Valid reports whether lang is a supported interface language.
func Valid(lang string) bool {
	for _, l := range Supported {
		if l == lang {
			return true
		}
	}
	return false
}

// FromRequest picks the language for r: the preferred one given (the
// account's), else the Accept-Language header, else French.
func FromRequest(r *http.Request, preferred string) string {
	if Valid(preferred) {
		return preferred
	}
	return FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// FromAcceptLanguage matches an Accept-Language header to a supported language.
func FromAcceptLanguage(header string) string {
	header = strings.TrimSpace(header)
	if header == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Supported[idx]
}
