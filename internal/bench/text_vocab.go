package bench

// The vocabulary of the generated texts, by word class. Lists are in rank
// order where it matters: the Zipf draws favour their first entries, so the
// head of each list is frequent and its tail rare.

// frThemes are noun phrases of the themes of decentralised cooperation.
var frThemes = []string{
	"la gestion de l'eau potable", "l'assainissement des quartiers", "la collecte des déchets",
	"la planification urbaine", "la formation des agents territoriaux", "le développement économique local",
	"la gouvernance locale", "la sécurité alimentaire", "l'éducation de base", "la formation professionnelle",
	"les transports publics", "le patrimoine bâti", "le tourisme durable", "la culture et la lecture publique",
	"la coopération universitaire", "l'état civil", "la fiscalité locale", "la santé communautaire",
	"l'énergie solaire", "l'éclairage public", "la mobilité douce", "l'agriculture périurbaine",
	"la gestion des risques naturels", "l'adaptation au changement climatique", "la participation citoyenne",
	"l'égalité entre les femmes et les hommes", "l'insertion des jeunes", "le numérique administratif",
	"la protection du littoral", "la gestion forestière", "les marchés municipaux", "l'habitat social",
	"la voirie et les réseaux", "la jeunesse et les sports", "la coopération transfrontalière",
	"la restauration scolaire", "les services vétérinaires", "la gestion des cimetières", "l'archivage communal",
	"la prévention des inondations",
}

// frTerms are technical terms, frequent first, rare last.
var frTerms = []string{
	"diagnostic", "schéma directeur", "cartographie", "budget participatif", "plan d'action",
	"cadastre", "compostage", "maraîchage", "sectorisation", "télégestion", "géoréférencement",
	"lixiviats", "méthanisation", "phytoépuration", "lagunage", "branchements sociaux", "forage",
	"château d'eau", "adduction", "microcrédit", "coopérative", "régie municipale", "délégation de service",
	"recouvrement", "adressage", "dématérialisation", "guichet unique", "open data", "SIG", "télérelève",
	"biodigesteur", "agroforesterie", "reboisement", "mangrove", "érosion côtière", "digue", "bassin versant",
	"irrigation goutte-à-goutte", "semences paysannes", "chaîne du froid", "abattoir", "halle aux poissons",
	"gare routière", "tramway", "bus à haut niveau de service", "pistes cyclables", "zone piétonne",
	"réhabilitation", "médina", "caravansérail", "restauration du bâti", "inventaire patrimonial",
	"médiathèque", "conservatoire", "centre culturel", "résidence d'artistes", "festival",
	"écotourisme", "sentier de randonnée", "office de tourisme", "hébergement chez l'habitant",
	"alphabétisation", "cantine scolaire", "apprentissage", "lycée professionnel", "incubateur",
	"tiers-lieu", "fablab", "pépinière d'entreprises", "économie sociale et solidaire", "commerce équitable",
	"vaccination", "dispensaire", "maternité", "santé mentale", "eau de pluie", "désalinisation",
	"photovoltaïque", "mini-réseau électrique", "foyers améliorés", "biomasse", "efficacité énergétique",
	"plan climat", "îlots de chaleur", "végétalisation", "trame verte", "zones humides", "biodiversité urbaine",
	"consultation publique", "conseil de quartier", "jumelage", "intercommunalité", "péréquation",
	"nomenclature budgétaire", "comptabilité patrimoniale", "contrôle de gestion", "marchés publics",
	"état civil numérique", "recensement", "titre foncier", "lotissement", "bidonville", "relogement",
	"plan de prévention", "alerte précoce", "sapeurs-pompiers", "protection civile", "cartographie des risques",
	"géomatique", "drone", "orthophotographie", "capteurs", "hydrométrie", "pluviométrie", "piézomètre",
	"turbidité", "chloration", "ultrafiltration", "osmose inverse", "boues d'épuration", "fosses septiques",
	"latrines", "vidange mécanisée", "dépotage", "tri sélectif", "recyclerie", "ressourcerie", "plasturgie",
	"valorisation énergétique", "centre d'enfouissement", "biogaz", "cogénération", "réseau de chaleur",
	"halieutique", "aquaculture", "apiculture", "pastoralisme", "transhumance", "oasis", "palmeraie",
	"foggara", "khettara", "qanat", "terrasses agricoles", "riziculture", "caféiculture", "cacaoculture",
	"karité", "moringa", "manioc", "sorgho", "fonio", "quinoa", "niébé", "arganier",
}

// frAdjectives qualify the development and the services.
var frAdjectives = []string{
	"durable", "local", "territorial", "municipal", "intercommunal", "solidaire", "inclusif", "partagé",
	"concerté", "participatif", "décentralisé", "équitable", "résilient", "innovant", "opérationnel",
	"pérenne", "intégré", "urbain", "rural", "régional",
}

// frActors are who takes part.
var frActors = []string{
	"les services techniques", "les élus", "les associations de quartier", "les agents municipaux",
	"les habitants", "les jeunes diplômés", "les femmes entrepreneures", "les coopératives agricoles",
	"les universités partenaires", "les chambres de commerce", "les écoles", "les comités de gestion",
	"les opérateurs de l'eau", "les organisations paysannes", "les artisans", "les commerçants du marché",
}

// frActivities are what the projects do.
var frActivities = []string{
	"des ateliers de formation", "des missions d'expertise croisées", "un diagnostic partagé",
	"l'accueil de stagiaires", "des visites d'étude", "la rédaction d'un guide méthodologique",
	"des chantiers pilotes", "l'équipement des services", "des campagnes de sensibilisation",
	"un observatoire local", "des échanges entre pairs", "la mise en place d'un comité de pilotage",
	"des enquêtes auprès des ménages", "des forums citoyens", "la création d'une base de données",
}

// frOutcomes are what the projects leave.
var frOutcomes = []string{
	"des services publics de meilleure qualité", "des agents mieux formés", "des recettes fiscales accrues",
	"un accès élargi aux services essentiels", "une gouvernance plus transparente", "des emplois locaux",
	"une réduction des pertes", "des quartiers plus sûrs", "une meilleure information des habitants",
	"des outils que le partenaire maintient seul", "une coopération inscrite dans la durée",
}

// Words every French text is built around: the common head of the
// distribution ("développement", "coopération", "territoire").
var frOpenings = []string{
	"Ce projet de coopération décentralisée contribue au développement du territoire de %[1]s en associant %[2]s à la démarche.",
	"La coopération entre les deux collectivités sert le développement %[3]s du territoire, à partir des besoins exprimés à %[1]s.",
	"Dans le cadre de la coopération engagée avec %[1]s, les collectivités partenaires placent le développement du territoire au cœur de leur action.",
	"Le développement du territoire de %[1]s appelle une coopération suivie entre collectivités, que ce projet organise avec %[2]s.",
}

var frSentences = []string{
	"Le projet porte sur %[1]s et s'appuie sur %[2]s conduits avec %[3]s.",
	"Les partenaires prévoient %[4]s, puis %[5]s, afin d'obtenir %[6]s.",
	"À %[7]s, %[3]s ont identifié des besoins précis en matière de %[2]s.",
	"L'expérience acquise sur %[1]s permet de proposer une approche %[8]s, adaptée au contexte de %[7]s.",
	"Un comité de suivi réunit %[3]s et les services de la collectivité française deux fois par an.",
	"Les résultats attendus sont %[6]s ainsi qu'un meilleur partage des compétences entre collectivités.",
	"La collectivité française mobilise ses agents pour %[4]s ; le partenaire apporte ses locaux et son personnel.",
	"Une attention particulière est portée à %[1]s, priorité du plan de développement local de %[7]s.",
	"Les actions s'étendent ensuite aux communes voisines de %[7]s et de %[9]s.",
	"Le %[2]s réalisé en première année oriente les investissements et la formation des équipes.",
	"Les élus des deux territoires suivent le projet et en présentent les résultats aux habitants.",
	"Le budget prévoit %[5]s et la diffusion des résultats auprès des autres collectivités partenaires.",
}

// Partner-language openings and sentences (English, Spanish, Portuguese).
var partnerOpenings = map[string][]string{
	"en": {
		"This decentralised cooperation project supports the development of %[1]s and involves its municipal services from the start.",
		"The cooperation between the two local authorities serves the development of the territory, building on the needs expressed in %[1]s.",
	},
	"es": {
		"Este proyecto de cooperación descentralizada contribuye al desarrollo del territorio de %[1]s con la participación de sus servicios municipales.",
		"La cooperación entre ambos gobiernos locales sirve al desarrollo del territorio, a partir de las necesidades expresadas en %[1]s.",
	},
	"pt": {
		"Este projeto de cooperação descentralizada contribui para o desenvolvimento do território de %[1]s com a participação dos seus serviços municipais.",
		"A cooperação entre os dois governos locais serve o desenvolvimento do território, a partir das necessidades expressas em %[1]s.",
	},
}

var partnerSentences = map[string][]string{
	"en": {
		"The project focuses on %[1]s and builds on a %[2]s carried out with the municipal services of %[3]s.",
		"The partners plan training workshops and peer exchanges to deliver better local public services.",
		"A steering committee of elected representatives and staff from both cities meets twice a year in %[3]s.",
		"Results will be shared with neighbouring municipalities and with the national association of local governments.",
		"The municipality of %[3]s provides staff and premises; the French authority brings technical expertise.",
	},
	"es": {
		"El proyecto se centra en %[1]s y se apoya en un %[2]s realizado con los servicios municipales de %[3]s.",
		"Los socios prevén talleres de formación e intercambios entre pares para mejorar los servicios públicos locales.",
		"Un comité de seguimiento reúne a autoridades y técnicos de ambas ciudades dos veces al año en %[3]s.",
		"Los resultados se difundirán entre los municipios vecinos y la asociación nacional de municipios.",
		"El municipio de %[3]s aporta personal y locales; la colectividad francesa aporta su experiencia técnica.",
	},
	"pt": {
		"O projeto centra-se em %[1]s e apoia-se num %[2]s realizado com os serviços municipais de %[3]s.",
		"Os parceiros preveem oficinas de formação e intercâmbios entre pares para melhorar os serviços públicos locais.",
		"Um comité de acompanhamento reúne autoridades e técnicos das duas cidades duas vezes por ano em %[3]s.",
		"Os resultados serão partilhados com os municípios vizinhos e com a associação nacional de municípios.",
		"O município de %[3]s disponibiliza pessoal e instalações; a coletividade francesa traz a sua experiência técnica.",
	},
}

var partnerThemes = map[string][]string{
	"en": {"drinking water management", "waste collection", "urban planning", "staff training", "local economic development",
		"local governance", "food security", "vocational training", "public transport", "heritage conservation", "sustainable tourism"},
	"es": {"la gestión del agua potable", "la recogida de residuos", "la planificación urbana", "la formación de funcionarios",
		"el desarrollo económico local", "la gobernanza local", "la seguridad alimentaria", "el transporte público", "el patrimonio"},
	"pt": {"a gestão da água potável", "a recolha de resíduos", "o planeamento urbano", "a formação de funcionários",
		"o desenvolvimento económico local", "a governação local", "a segurança alimentar", "o transporte público", "o património"},
}

var partnerTerms = map[string][]string{
	"en": {"diagnosis", "master plan", "mapping exercise", "participatory budget", "feasibility study", "baseline survey"},
	"es": {"diagnóstico", "plan director", "mapeo", "presupuesto participativo", "estudio de viabilidad", "censo"},
	"pt": {"diagnóstico", "plano diretor", "mapeamento", "orçamento participativo", "estudo de viabilidade", "levantamento"},
}

// realPlaces are partner towns; syllables make thousands more, rarer.
var realPlaces = []string{
	"Sousse", "Pune", "Belo Horizonte", "Rosario", "Dakar", "Bamako", "Ouagadougou", "Niamey", "Cotonou",
	"Lomé", "Abidjan", "Douala", "Yaoundé", "Libreville", "Brazzaville", "Kinshasa", "Antananarivo",
	"Nouakchott", "Saint-Louis", "Ziguinchor", "Tombouctou", "Ségou", "Kayes", "Bobo-Dioulasso", "Kaya",
	"Agadez", "Zinder", "Parakou", "Abomey", "Porto-Novo", "Kara", "Bouaké", "Korhogo", "Bafoussam",
	"Majunga", "Fianarantsoa", "Tuléar", "Sfax", "Bizerte", "Kairouan", "Monastir", "Gabès", "Tozeur",
	"Agadir", "Essaouira", "Fès", "Meknès", "Chefchaouen", "Oujda", "Tétouan", "Tlemcen", "Oran",
	"Constantine", "Béjaïa", "Tripoli", "Saïda", "Byblos", "Tyr", "Zahlé", "Irbid", "Madaba", "Hébron",
	"Naplouse", "Bethléem", "Jéricho", "Alexandrie", "Assouan", "Louxor", "Ismaïlia", "Hué", "Da Nang",
	"Cần Thơ", "Luang Prabang", "Siem Reap", "Battambang", "Chiang Mai", "Ahmedabad", "Jaipur", "Kochi",
	"Pondichéry", "Mysore", "Nagpur", "Curitiba", "Recife", "Salvador", "Fortaleza", "Porto Alegre",
	"Córdoba", "Mendoza", "Salta", "Valparaíso", "Cusco", "Arequipa", "Cuenca", "Quetzaltenango",
	"Jacmel", "Cap-Haïtien", "Jérémie", "Les Cayes", "Gonaïves", "Québec", "Trois-Rivières", "Sherbrooke",
	"Erevan", "Gyumri", "Tbilissi", "Koutaïssi", "Chișinău", "Bălți", "Cluj-Napoca", "Iași", "Timișoara",
}

var placeOnsets = []string{"Ba", "Be", "Bo", "Da", "Di", "Ga", "Go", "Ka", "Ki", "Ko", "La", "Li", "Ma", "Mi",
	"Mo", "Na", "Ni", "Ou", "Sa", "Se", "Si", "Ta", "Te", "To", "Za", "Zi", "Ya", "Ha", "Fa", "Ra", "Ru", "Tsi"}
var placeMiddles = []string{"ban", "dor", "gou", "ka", "lan", "ma", "nda", "ra", "ssa", "to", "ve", "zou", "mbo", "ril", "tel", "ne"}
var placeCodas = []string{"bé", "dji", "gane", "kro", "la", "mé", "nou", "ouane", "ra", "sso", "tenga", "ville", "ye", "zana", "ka", "ti"}

// Call, label and mission words.
var frCallTitles = []string{
	"Appel à projets %[1]s : coopération décentralisée pour %[2]s",
	"Soutien aux partenariats entre collectivités (%[1]s) : %[2]s",
	"Programme %[1]s de coopération territoriale : %[2]s",
}

var frLabelMethods = []string{
	"Missions courtes d'experts, accueil de délégations et stages dans les services.",
	"Diagnostic sur place, compagnonnage entre services et plans d'action co-écrits.",
	"Ateliers de formation de formateurs et suivi à distance des équipes partenaires.",
	"Échanges entre pairs, visites d'étude et appui à la rédaction des documents stratégiques.",
}

var firstNames = []string{"Camille", "Julien", "Sophie", "Karim", "Nadia", "Thomas", "Léa", "Hugo", "Inès", "Paul",
	"Claire", "Mehdi", "Chloé", "Louis", "Sarah", "Antoine", "Emma", "Yanis", "Manon", "Lucas", "Aïcha", "Romain"}
var lastNames = []string{"Martin", "Bernard", "Dubois", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre",
	"Michel", "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Mercier", "Benali", "Haddad", "Nguyen", "Diallo"}
