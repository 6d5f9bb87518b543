package web

import (
	"html"
	"html/template"
	"strings"
	"sync"

	"github.com/coopdec/coopdec/coopdec"
)

// countryOptionCache holds, per language, every country but France by
// name, escaped: the search forms list the 250 countries on every page,
// and the template engine would spend more on them than the search.
var countryOptionCache sync.Map // lang → []foreignCountry

type foreignCountry struct{ code, name string } // escaped for HTML

// ForeignCountryOptions returns the options of a select listing every
// country but France, by name in the reader's language, the one whose
// code is selected marked so. Codes and names are escaped here.
func (d refData) ForeignCountryOptions(selected string) template.HTML {
	v, ok := countryOptionCache.Load(d.lang)
	if !ok {
		var list []foreignCountry
		for _, c := range coopdec.SortedCountries(d.lang) {
			if c.Code != "FR" {
				list = append(list, foreignCountry{html.EscapeString(c.Code), html.EscapeString(c.Name(d.lang))})
			}
		}
		v, _ = countryOptionCache.LoadOrStore(d.lang, list)
	}
	opts := v.([]foreignCountry)
	var b strings.Builder
	b.Grow(len(opts) * 48)
	for _, o := range opts {
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
	return template.HTML(b.String())
}
