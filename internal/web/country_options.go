package web

import (
	"html/template"
	"strings"
	"sync"

	"github.com/coopdec/coopdec/coopdec"
)

// countryOptionCache holds, per language, every country by name, escaped:
// forms list the 250 countries on every page (the search forms, every
// partner row of the application form), and the template engine would
// spend more on them than the page's own work.
var countryOptionCache sync.Map // lang → []escapedCountry

type escapedCountry struct{ code, name string } // escaped for HTML

// countryOptions draws the options of a select listing every country but
// skip (none when empty), by name in lang, the one whose code is selected
// marked so. Codes and names are escaped as html/template would.
func countryOptions(lang, selected, skip string) template.HTML {
	var b strings.Builder
	b.Grow(250 * 48)
	countryOptionsTo(&b, lang, selected, skip)
	return template.HTML(b.String())
}

// countryOptionsTo is countryOptions writing to b.
func countryOptionsTo(b *strings.Builder, lang, selected, skip string) {
	v, ok := countryOptionCache.Load(lang)
	if !ok {
		var list []escapedCountry
		for _, c := range coopdec.SortedCountries(lang) {
			list = append(list, escapedCountry{esc(c.Code), esc(c.Name(lang))})
		}
		v, _ = countryOptionCache.LoadOrStore(lang, list)
	}
	for _, o := range v.([]escapedCountry) {
		if o.code == skip {
			continue
		}
		b.WriteString(`<option value="`)
		b.WriteString(o.code)
		if o.code == selected {
			b.WriteString(`" selected>`)
		} else {
			b.WriteString(`">`)
		}
		b.WriteString(o.name)
		b.WriteString(`</option>`)
	}
}

// ForeignCountryOptions returns the options of a select listing every
// country but France, the one whose code is selected marked so.
func (d refData) ForeignCountryOptions(selected string) template.HTML {
	return countryOptions(d.lang, selected, "FR")
}
