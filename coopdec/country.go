package coopdec

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is a country or territory, named by its ISO 3166-1 alpha-2 code.
type Country struct {
	Code string
}

// countryCodes lists the ISO 3166-1 alpha-2 codes in use, plus XK for Kosovo:
// ISO only reserves XK, but IATI, the World Bank and the EU use it, and France
// recognises Kosovo, so cooperation with its municipalities must be recordable.
// The list matches the active entries of the IATI Country codelist.
const countryCodes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA " +
	"RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"

// Languages in which reference data is named, French first as the fallback.
var refLangs = [...]string{"fr", "en", "es", "pt"}

// refNames holds one label per reference language, in the order of refLangs.
// Portuguese labels are Brazilian, like CLDR's "pt".
type refNames [len(refLangs)]string

func (n refNames) in(lang string) string {
	for i, l := range refLangs {
		if l == lang && n[i] != "" {
			return n[i]
		}
	}
	return n[0]
}

// countryNameOverrides replaces CLDR names (via x/text) that are outdated
// (Swaziland, Macedonia), ambiguous (the two Congos), abbreviated ("St.",
// "&", "R.A.S.") or not the form the platform's partners use (Türkiye at the
// UN and in IATI, Brazilian "Holanda"). An empty entry keeps the CLDR name.
var countryNameOverrides = map[string]refNames{
	"AG": {"", "Antigua and Barbuda", "", ""},
	"AX": {"", "", "", "Ilhas Åland"},
	"BA": {"", "Bosnia and Herzegovina", "", ""},
	"BF": {"", "", "", "Burkina Faso"},
	"BL": {"", "Saint Barthélemy", "", ""},
	"CD": {"République démocratique du Congo", "Democratic Republic of the Congo", "República Democrática del Congo", "República Democrática do Congo"},
	"CG": {"République du Congo", "Republic of the Congo", "República del Congo", "República do Congo"},
	"CI": {"", "", "Costa de Marfil", ""},
	"GS": {"", "South Georgia and the South Sandwich Islands", "", ""},
	"HK": {"Hong Kong", "Hong Kong", "Hong Kong", "Hong Kong"},
	"HM": {"", "Heard Island and McDonald Islands", "", ""},
	"KN": {"", "Saint Kitts and Nevis", "", ""},
	"LC": {"", "Saint Lucia", "", ""},
	"MF": {"Saint-Martin (partie française)", "Saint Martin (French part)", "San Martín (parte francesa)", "São Martinho (parte francesa)"},
	"MK": {"Macédoine du Nord", "North Macedonia", "Macedonia del Norte", "Macedônia do Norte"},
	"MO": {"Macao", "Macao", "Macao", "Macau"},
	"NL": {"", "", "", "Países Baixos"},
	"PM": {"", "Saint Pierre and Miquelon", "", ""},
	"PS": {"Territoires palestiniens", "Palestinian Territories", "Territorios Palestinos", "Territórios Palestinos"},
	"SH": {"", "Saint Helena", "", ""},
	"SJ": {"", "Svalbard and Jan Mayen", "", ""},
	"ST": {"", "São Tomé and Príncipe", "", ""},
	"SZ": {"Eswatini", "Eswatini", "Esuatini", "Essuatíni"},
	"TC": {"", "Turks and Caicos Islands", "", ""},
	"TR": {"", "Türkiye", "", ""},
	"TT": {"", "Trinidad and Tobago", "", ""},
	"UM": {"", "United States Minor Outlying Islands", "", ""},
	"VC": {"", "Saint Vincent and the Grenadines", "", ""},
	"VI": {"", "United States Virgin Islands", "", ""},
	"WF": {"", "Wallis and Futuna", "", ""},
}

// regionNamers name regions per language. CLDR's "pt" is Brazilian
// Portuguese, the variant of the Franco-Brazilian call.
var regionNamers = [len(refLangs)]display.Namer{
	display.Regions(language.French),
	display.Regions(language.English),
	display.Regions(language.Spanish),
	display.Regions(language.Portuguese),
}

var countryIndex = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(countryCodes) {
		m[c] = true
	}
	return m
})

// Name returns the country's name in lang ("fr", "en", "es" or "pt"; French
// for any other), or its code when the code is unknown.
func (c Country) Name(lang string) string {
	names, ok := countryNames()[c.Code]
	if !ok {
		return c.Code
	}
	i := slices.Index(refLangs[:], lang)
	if i < 0 {
		i = 0
	}
	return names[i]
}

// countryNames holds every country's names, one per language of refLangs:
// forms list the 250 countries on every page, and CLDR's lookup is not free.
var countryNames = sync.OnceValue(func() map[string][len(refLangs)]string {
	m := map[string][len(refLangs)]string{}
	for code := range countryIndex() {
		var names [len(refLangs)]string
		for i := range refLangs {
			names[i] = countryName(code, i)
		}
		m[code] = names
	}
	return m
})

func countryName(code string, i int) string {
	c := Country{Code: code}
	if o, ok := countryNameOverrides[c.Code]; ok && o[i] != "" {
		return o[i]
	}
	r, err := language.ParseRegion(c.Code)
	if err != nil {
		return c.Code
	}
	if name := regionNamers[i].Name(r); name != "" {
		return name
	}
	return c.Code
}

// Countries returns every country, in code order.
func Countries() []Country {
	codes := strings.Fields(countryCodes)
	out := make([]Country, len(codes))
	for i, c := range codes {
		out[i] = Country{Code: c}
	}
	return out
}

// CountryByCode finds a country by its code, in any case.
func CountryByCode(code string) (Country, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !countryIndex()[code] {
		return Country{}, false
	}
	return Country{Code: code}, true
}

// sortedCountries caches one sorted list per language: collating 250 names
// is cheap but forms ask for it on every page.
var sortedCountries sync.Map // lang → []Country

// SortedCountries returns every country sorted by its name in lang, with the
// language's collation so that "Égypte" sorts among the E.
func SortedCountries(lang string) []Country {
	if slices.Index(refLangs[:], lang) < 0 {
		lang = refLangs[0]
	}
	if v, ok := sortedCountries.Load(lang); ok {
		return slices.Clone(v.([]Country))
	}
	cs := Countries()
	names := make(map[string]string, len(cs))
	for _, c := range cs {
		names[c.Code] = c.Name(lang)
	}
	// A Collator keeps internal buffers, so each sort gets its own.
	col := collate.New(language.Make(lang))
	sort.SliceStable(cs, func(i, j int) bool {
		return col.CompareString(names[cs[i].Code], names[cs[j].Code]) < 0
	})
	sortedCountries.Store(lang, cs)
	return slices.Clone(cs)
}

// CountryGroup is a set of countries that calls use as an eligibility rule.
type CountryGroup struct {
	Code      string
	Countries []string // ISO codes, sorted
	names     refNames
}

// Name returns the group's name in lang, French for an unsupported lang.
func (g CountryGroup) Name(lang string) string { return g.names.in(lang) }

// Contains reports whether the country code (in any case) is in the group.
func (g CountryGroup) Contains(code string) bool {
	_, found := slices.BinarySearch(g.Countries, strings.ToUpper(strings.TrimSpace(code)))
	return found
}

// GroupPrefix marks a group code among country codes, as in "group:africa".
const GroupPrefix = "group:"

var countryGroups = []CountryGroup{
	{
		// The 54 African member states of the United Nations. Western
		// Sahara and overseas territories of other states (Réunion,
		// Mayotte, Saint Helena…) are not partner states for a call.
		Code: "africa",
		Countries: strings.Fields("AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG ER ET GA GH GM GN GQ GW " +
			"KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RW SC SD SL SN SO SS ST SZ TD TG TN TZ UG ZA ZM ZW"),
		names: refNames{"Afrique", "Africa", "África", "África"},
	},
	{
		// The southern and eastern Mediterranean partners of the
		// Union for the Mediterranean, Morocco included.
		Code:      "south_east_mediterranean",
		Countries: strings.Fields("DZ EG IL JO LB LY MA PS SY TN TR"),
		names: refNames{
			"Pays du sud et de l'est de la Méditerranée",
			"Southern and Eastern Mediterranean countries",
			"Países del sur y del este del Mediterráneo",
			"Países do sul e do leste do Mediterrâneo",
		},
	},
	{
		// The eight countries of the 2011 press release; Morocco has its
		// own Franco-Moroccan call instead.
		Code:      "mediterranean_fund",
		Countries: strings.Fields("DZ EG JO LB PS SY TN TR"),
		names: refNames{
			"Pays éligibles au Fonds régional pour la coopération décentralisée en Méditerranée",
			"Countries eligible for the Regional Fund for Decentralised Cooperation in the Mediterranean",
			"Países elegibles para el Fondo Regional de Cooperación Descentralizada en el Mediterráneo",
			"Países elegíveis para o Fundo Regional de Cooperação Descentralizada no Mediterrâneo",
		},
	},
}

func (g CountryGroup) clone() CountryGroup {
	g.Countries = slices.Clone(g.Countries)
	return g
}

// CountryGroups returns every group. The slices are copies, safe to modify.
func CountryGroups() []CountryGroup {
	out := make([]CountryGroup, len(countryGroups))
	for i, g := range countryGroups {
		out[i] = g.clone()
	}
	return out
}

// CountryGroupByCode finds a group by its code, with or without GroupPrefix.
func CountryGroupByCode(code string) (CountryGroup, bool) {
	code = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(code)), GroupPrefix)
	for _, g := range countryGroups {
		if g.Code == code {
			return g.clone(), true
		}
	}
	return CountryGroup{}, false
}

// ExpandCountries turns a list of country codes and "group:" codes into the
// sorted, deduplicated list of country codes they designate. Blank entries,
// as forms send them, are ignored.
func ExpandCountries(codesOrGroups []string) ([]string, error) {
	seen := map[string]bool{}
	for _, raw := range codesOrGroups {
		code := strings.TrimSpace(raw)
		switch {
		case code == "":
			continue
		case strings.HasPrefix(strings.ToLower(code), GroupPrefix):
			g, ok := CountryGroupByCode(code)
			if !ok {
				return nil, FieldError("countries", "country.unknown", code)
			}
			for _, c := range g.Countries {
				seen[c] = true
			}
		default:
			c, ok := CountryByCode(code)
			if !ok {
				return nil, FieldError("countries", "country.unknown", code)
			}
			seen[c.Code] = true
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}
