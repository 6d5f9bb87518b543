package coopdec

import (
	"slices"
	"strings"
)

// Theme is a reference theme of cooperation, used to tag calls, projects and
// labelled expertise so that searches and the atlas can filter on it.
type Theme struct {
	Code string
	// Sectors are the OECD DAC 5-digit purpose codes the theme maps to, for
	// IATI publication; the first is the one to use when only one is allowed.
	Sectors []string
	names   refNames
}

// Name returns the theme's name in lang, French for an unsupported lang.
func (t Theme) Name(lang string) string { return t.names.in(lang) }

// themes lists the themes in the order forms show them: those of the joint
// calls with India, Brazil and Argentina, as the 2011 press release lists
// them, then the Mediterranean fund's topic and the three ISI@MED domains.
// Codes are stored in the database: never change one.
var themes = []Theme{
	{
		Code:    "economic_development",
		Sectors: []string{"25010", "25030", "32130", "16020"},
		names:   refNames{"Développement économique", "Economic development", "Desarrollo económico", "Desenvolvimento econômico"},
	},
	{
		Code:    "local_governance",
		Sectors: []string{"15185", "15112", "15128", "15150"},
		names:   refNames{"Gouvernance locale", "Local governance", "Gobernanza local", "Governança local"},
	},
	{
		Code:    "agriculture_food_security",
		Sectors: []string{"31120", "31110", "31166", "31194", "43071", "43072"},
		names: refNames{
			"Agriculture et sécurité alimentaire",
			"Agriculture and food security",
			"Agricultura y seguridad alimentaria",
			"Agricultura e segurança alimentar",
		},
	},
	{
		Code:    "water_sanitation",
		Sectors: []string{"14010", "14015", "14020", "14021", "14022", "14030", "14031", "14032", "14040", "14081"},
		names: refNames{
			"Assainissement et ressources en eau",
			"Sanitation and water resources",
			"Saneamiento y recursos hídricos",
			"Saneamento e recursos hídricos",
		},
	},
	{
		Code:    "education",
		Sectors: []string{"11110", "11120", "11130", "11220", "11240", "11260", "11320"},
		names:   refNames{"Éducation", "Education", "Educación", "Educação"},
	},
	{
		Code:    "vocational_training",
		Sectors: []string{"11330", "11430"},
		names:   refNames{"Formation professionnelle", "Vocational training", "Formación profesional", "Formação profissional"},
	},
	{
		Code:    "higher_education",
		Sectors: []string{"11420"},
		names:   refNames{"Enseignement supérieur", "Higher education", "Educación superior", "Ensino superior"},
	},
	{
		Code:    "urban_development",
		Sectors: []string{"43030", "43031", "43032", "16030"},
		names:   refNames{"Développement urbain", "Urban development", "Desarrollo urbano", "Desenvolvimento urbano"},
	},
	{
		Code:    "transport",
		Sectors: []string{"21010", "21011", "21012", "21013", "21020", "21030"},
		names:   refNames{"Transports", "Transport", "Transporte", "Transportes"},
	},
	{
		// Environment, energy transition, waste and risk prevention: the
		// "sustainable development" departments of French authorities.
		Code:    "sustainable_development",
		Sectors: []string{"41010", "41030", "41081", "23183", "23210", "14050", "43060"},
		names:   refNames{"Développement durable", "Sustainable development", "Desarrollo sostenible", "Desenvolvimento sustentável"},
	},
	{
		// DAC has a single tourism code; eco-tourism also protects
		// biodiversity.
		Code:    "tourism_ecotourism",
		Sectors: []string{"33210", "41030"},
		names:   refNames{"Tourisme et écotourisme", "Tourism and ecotourism", "Turismo y ecoturismo", "Turismo e ecoturismo"},
	},
	{
		Code:    "culture",
		Sectors: []string{"16066", "16061"},
		names:   refNames{"Culture", "Culture", "Cultura", "Cultura"},
	},
	{
		// DAC "site preservation" covers historical and archaeological
		// sites; museums and intangible heritage fall under culture.
		Code:    "heritage",
		Sectors: []string{"41040", "16066"},
		names:   refNames{"Patrimoine", "Heritage", "Patrimonio", "Patrimônio"},
	},
	{
		Code:    "university_research",
		Sectors: []string{"43082", "11420", "32182"},
		names: refNames{
			"Coopération universitaire et recherche",
			"University cooperation and research",
			"Cooperación universitaria e investigación",
			"Cooperação universitária e pesquisa",
		},
	},
	{
		Code:    "decentralisation_support",
		Sectors: []string{"15112", "15185", "15110", "15128"},
		names: refNames{
			"Gouvernance locale et appui institutionnel à la décentralisation et à la déconcentration",
			"Local governance and institutional support for decentralisation and deconcentration",
			"Gobernanza local y apoyo institucional a la descentralización y la desconcentración",
			"Governança local e apoio institucional à descentralização e à desconcentração",
		},
	},
	{
		// ISI@MED domains: the same fields as above, seen through ICT to
		// reduce the digital divide, hence 22040 first.
		Code:    "ict_local_resources",
		Sectors: []string{"22040", "15110", "15185", "43031"},
		names: refNames{
			"TIC pour la gestion des ressources locales et territoriales",
			"ICT for the management of local and territorial resources",
			"TIC para la gestión de los recursos locales y territoriales",
			"TIC para a gestão dos recursos locais e territoriais",
		},
	},
	{
		Code:    "ict_local_economic_development",
		Sectors: []string{"22040", "25030", "32130", "16020"},
		names: refNames{
			"TIC pour le développement économique local",
			"ICT for local economic development",
			"TIC para el desarrollo económico local",
			"TIC para o desenvolvimento econômico local",
		},
	},
	{
		Code:    "ict_community_projects",
		Sectors: []string{"22040", "15150", "22013"},
		names: refNames{
			"TIC pour le développement de projets communautaires",
			"ICT for community project development",
			"TIC para el desarrollo de proyectos comunitarios",
			"TIC para o desenvolvimento de projetos comunitários",
		},
	},
}

func (t Theme) clone() Theme {
	t.Sectors = slices.Clone(t.Sectors)
	return t
}

// Themes returns every theme, in display order. The slices are copies.
func Themes() []Theme {
	out := make([]Theme, len(themes))
	for i, t := range themes {
		out[i] = t.clone()
	}
	return out
}

// ThemeByCode finds a theme by its code, in any case.
func ThemeByCode(code string) (Theme, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	for _, t := range themes {
		if t.Code == code {
			return t.clone(), true
		}
	}
	return Theme{}, false
}
