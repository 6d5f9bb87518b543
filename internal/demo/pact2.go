package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The PACT2 demo: the label « expertise internationale », the embassies'
// priorities and the expertise missions.
//
//   - Sixteen French local authorities applied for the label: thirteen hold
//     it (one of them, the Département de la Gironde, granted almost three
//     years ago, expires within 90 days), Montpellier's application waits
//     for review, Toulouse's was sent back for changes, Loire-Atlantique's
//     was refused.
//   - The embassies in India, Brazil, Argentina, Tunisia and Lebanon state
//     their priorities; on each country page one priority is covered by no
//     authority and some authority's work lies outside them.
//   - Mission requests at each stage (open, invited, replied, selected), one
//     made by the embassy in Tunisia for its country, and three proposals on
//     authorities' initiative (pending, accepted, declined).
//
// Everything goes through the storage methods the pages use, as the
// accounts below; the clock only places past grants in the past. Each item
// is found again on a second load (an authority's application, a request
// or proposal by its need, a country's priorities by their version) and
// carried on to its stage, never made twice.

func init() {
	organisations = append(organisations, pact2Organisations...)
	Accounts = append(Accounts, pact2Accounts...)
}

var pact2Organisations = []orgSpec{
	{"bretagne", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Région Bretagne", Country: "FR", AuthorityType: coopdec.AuthorityRegion, SIREN: "233500016", TerritoryCode: "53", RegionCode: "53"}},
	{"occitanie", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Région Occitanie", Country: "FR", AuthorityType: coopdec.AuthorityRegion, SIREN: "200053791", TerritoryCode: "76", RegionCode: "76"}},
	{"nord", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Département du Nord", Country: "FR", AuthorityType: coopdec.AuthorityDepartement, SIREN: "225900018", TerritoryCode: "59", RegionCode: "32"}},
	{"gironde", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Département de la Gironde", Country: "FR", AuthorityType: coopdec.AuthorityDepartement, SIREN: "223300013", TerritoryCode: "33", RegionCode: "75"}},
	{"loire-atlantique", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Département de la Loire-Atlantique", Country: "FR", AuthorityType: coopdec.AuthorityDepartement, SIREN: "224400028", TerritoryCode: "44", RegionCode: "52"}},
	{"rennes-metropole", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Rennes Métropole", Country: "FR", AuthorityType: coopdec.AuthorityEPCI, SIREN: "243500139", TerritoryCode: "243500139", RegionCode: "53"}},
	{"lille-metropole", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Métropole Européenne de Lille", Country: "FR", AuthorityType: coopdec.AuthorityEPCI, SIREN: "200093201", TerritoryCode: "200093201", RegionCode: "32"}},
	{"montpellier-metropole", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Montpellier Méditerranée Métropole", Country: "FR", AuthorityType: coopdec.AuthorityEPCI, SIREN: "243400017", TerritoryCode: "243400017", RegionCode: "76"}},
	{"toulouse-metropole", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Toulouse Métropole", Country: "FR", AuthorityType: coopdec.AuthorityEPCI, SIREN: "243100518", TerritoryCode: "243100518", RegionCode: "76"}},
	{"embassy-lb", coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Liban", Country: "LB"}},
	{"dakar", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Ville de Dakar", Country: "SN"}},
}

// The accounts of the PACT2 demo.
const (
	embassyIndia     = "embassy-india@demo.coopdec.test"
	embassyBrazil    = "embassy-brazil@demo.coopdec.test"
	embassyArgentina = "embassy-argentina@demo.coopdec.test"
	embassyLebanon   = "embassy-lebanon@demo.coopdec.test"
	embassyTunisia   = "embassy-tunisia@demo.coopdec.test"
	officerEmail     = "officer@demo.coopdec.test"
)

var pact2Accounts = []Account{
	{Email: "bretagne@demo.coopdec.test", Name: "Gwenaëlle Le Goff", What: "membre de la Région Bretagne : label accordé, une mission proposée en attente", Org: "bretagne", Admin: true},
	{Email: "occitanie@demo.coopdec.test", Name: "Jordi Vidal", What: "membre de la Région Occitanie : label accordé, réponse à une mission en Argentine", Org: "occitanie", Admin: true},
	{Email: "nord@demo.coopdec.test", Name: "Isabelle Vandamme", What: "membre du Département du Nord : label accordé", Org: "nord", Admin: true},
	{Email: "gironde@demo.coopdec.test", Name: "Pierre Lacoste", What: "membre du Département de la Gironde : label qui expire dans moins de 90 jours", Org: "gironde", Admin: true},
	{Email: "loire-atlantique@demo.coopdec.test", Name: "Morgane Bréhier", What: "membre du Département de la Loire-Atlantique : demande de label refusée", Org: "loire-atlantique", Admin: true},
	{Email: "rennes@demo.coopdec.test", Name: "Yann Le Bihan", What: "membre de Rennes Métropole : label accordé", Org: "rennes-metropole", Admin: true},
	{Email: "lille@demo.coopdec.test", Name: "Sarah Delattre", What: "membre de la Métropole Européenne de Lille : label accordé, mission achevée à Chennai (Inde), rapport déposé et évalué", Org: "lille-metropole", Admin: true},
	{Email: "montpellier@demo.coopdec.test", Name: "Antoine Py", What: "membre de Montpellier Méditerranée Métropole : demande de label en cours d'examen", Org: "montpellier-metropole", Admin: true},
	{Email: "toulouse@demo.coopdec.test", Name: "Céline Garrigues", What: "membre de Toulouse Métropole : demande de label à compléter", Org: "toulouse-metropole", Admin: true},
	{Email: embassyIndia, Name: "Aurélie Chevalier", What: "ambassade de France en Inde : priorités de coopération", Roles: []coopdec.Role{coopdec.RoleEmbassy}, Org: "embassy-in"},
	{Email: embassyBrazil, Name: "Olivier Mercier", What: "ambassade de France au Brésil : priorités de coopération", Roles: []coopdec.Role{coopdec.RoleEmbassy}, Org: "embassy-br"},
	{Email: embassyArgentina, Name: "Valérie Dupuis", What: "ambassade de France en Argentine : priorités de coopération", Roles: []coopdec.Role{coopdec.RoleEmbassy}, Org: "embassy-ar"},
	{Email: embassyLebanon, Name: "Marc Haddad", What: "ambassade de France au Liban : priorités de coopération", Roles: []coopdec.Role{coopdec.RoleEmbassy}, Org: "embassy-lb"},
}

// labelSpec is an authority's label application and where it ends.
type labelSpec struct {
	org, author string // organisation key, account email
	state       coopdec.LabelState
	// reviewDaysAgo is when the officer acted; submitted a fortnight
	// before. expiring places the grant so that the label expires
	// expiringInDays from now.
	reviewDaysAgo  int
	expiringInDays int
	reason         string
	app            coopdec.LabelApplication
}

func ref(kind coopdec.ReferenceKind, country string, from, to int, title, partners, results string, docs ...string) coopdec.LabelReference {
	return coopdec.LabelReference{Title: title, Kind: kind, Country: country, FromYear: from, ToYear: to, Partners: partners, Results: results, Documents: docs}
}

// at names where in its country a reference took place, so that the
// matching's place factor has something to find.
func at(place string, r coopdec.LabelReference) coopdec.LabelReference {
	r.Place = place
	return r
}

const (
	proj = coopdec.ReferenceProject
	miss = coopdec.ReferenceMission
)

// pact2Labels are the applications. The themes and the countries of the
// references are chosen against the embassies' priorities below: see
// pact2Priorities.
var pact2Labels = []labelSpec{
	{org: "lyon", author: "lyon@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 320, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"urban_development", "vocational_training", "water_sanitation"},
			Description: "La Ville de Lyon et ses services d'urbanisme accompagnent des villes partenaires dans la planification urbaine, la formation des agents territoriaux et la gestion de l'eau potable.",
			Methods:     "Missions courtes d'experts municipaux, accueil de délégations et stages dans les services, ateliers de planification conjoints, formation de formateurs."},
		References: []coopdec.LabelReference{
			at("Pune", ref(proj, "IN", 2014, 2019, "Plan de déplacements et formation des urbanistes de Pune", "Pune Municipal Corporation", "Quarante agents formés ; un plan de mobilité adopté par le conseil municipal.", "Convention de coopération Lyon–Pune", "Rapport final")),
			ref(miss, "LB", 2018, 2018, "Diagnostic du réseau d'eau potable de Beyrouth", "Municipalité de Beyrouth, Établissement des eaux de Beyrouth", "Diagnostic remis ; priorités d'investissement chiffrées."),
			ref(proj, "HT", 2011, 2014, "Reconstruction des services techniques de Jacmel après le séisme", "Mairie de Jacmel", "Services techniques réinstallés, vingt agents formés."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Six experts : urbanistes, ingénieurs de l'eau, responsable formation.", Languages: []string{"fr", "en", "es"},
			MinDurationDays: 5, MaxDurationDays: 21, SelfCovered: "Salaires des experts pendant les missions."}}},
	{org: "marseille", author: "marseille@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 290, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"water_sanitation", "sustainable_development", "local_governance"},
			Description: "Marseille partage son expérience de la collecte et du traitement des déchets, de l'assainissement littoral et de la gestion municipale en Méditerranée.",
			Methods:     "Diagnostic sur place, compagnonnage entre services, plans d'action co-écrits avec la ville partenaire, suivi à distance."},
		References: []coopdec.LabelReference{
			at("Sousse", ref(proj, "TN", 2016, 2021, "Collecte sélective et valorisation des déchets à Sousse", "Municipalité de Sousse", "Tri à la source dans trois quartiers ; tonnage enfoui réduit d'un cinquième.", "Rapport d'évaluation")),
			ref(miss, "LB", 2019, 2019, "Assainissement du front de mer de Tripoli", "Municipalité de Tripoli", "Schéma directeur d'assainissement du littoral remis."),
			ref(proj, "MA", 2012, 2015, "Gestion déléguée de l'eau à Marrakech", "Commune de Marrakech", "Cahier des charges de délégation rédigé ensemble."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Cinq ingénieurs et cadres de la direction de la propreté et de l'eau.", Languages: []string{"fr", "ar", "en"},
			MinDurationDays: 3, MaxDurationDays: 15, SelfCovered: "Salaires et préparation des missions."}}},
	{org: "strasbourg", author: "strasbourg@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 250, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"heritage", "urban_development", "local_governance"},
			Description: "Strasbourg, dont la Grande-Île est inscrite au patrimoine mondial, conseille des villes historiques sur la protection et la mise en valeur de leur patrimoine bâti.",
			Methods:     "Inventaires participatifs, règlements de secteur sauvegardé, formation des architectes municipaux."},
		References: []coopdec.LabelReference{
			ref(proj, "IN", 2012, 2018, "Sauvegarde du quartier français de Puducherry", "Puducherry Municipality, INTACH", "Inventaire de 1 200 bâtiments ; règlement patrimonial adopté.", "Inventaire patrimonial"),
			ref(miss, "MA", 2017, 2017, "Plan de sauvegarde de la médina de Fès", "Agence pour la dédensification et la réhabilitation de la médina de Fès", "Recommandations intégrées au plan de sauvegarde."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Architecte du patrimoine, urbaniste, juriste de l'urbanisme.", Languages: []string{"fr", "de", "en"},
			MinDurationDays: 5, MaxDurationDays: 14, SelfCovered: "Salaires des experts et traduction des documents."}}},
	{org: "nantes", author: "nantes@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 210, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"transport", "urban_development"},
			Description: "Nantes, pionnière du tramway moderne, accompagne des villes dans leurs projets de transport collectif en site propre et d'aménagement des espaces publics.",
			Methods:     "Études de faisabilité conjointes, visites techniques du réseau nantais, appui à la maîtrise d'ouvrage."},
		References: []coopdec.LabelReference{
			at("Ahmedabad", ref(proj, "IN", 2015, 2020, "Bus à haut niveau de service d'Ahmedabad", "Ahmedabad Municipal Corporation, CEPT University", "Deux lignes ouvertes ; billettique commune.", "Rapport de mission")),
			ref(miss, "SN", 2019, 2019, "Réorganisation des gares routières de Rufisque", "Ville de Rufisque", "Schéma de circulation remis à la ville."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Ingénieurs des mobilités de Nantes Métropole, urbaniste.", Languages: []string{"fr", "en", "es"},
			MinDurationDays: 5, MaxDurationDays: 20, SelfCovered: "Salaires et assurance des experts."}}},
	{org: "grenoble", author: "grenoble@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 180, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"water_sanitation", "sustainable_development"},
			Description: "Grenoble gère son eau en régie publique et transmet ses méthodes de protection des ressources, de tarification sociale et de transition énergétique.",
			Methods:     "Compagnonnage entre régies, audits de réseaux, formation des agents d'exploitation."},
		References: []coopdec.LabelReference{
			at("Chennai", ref(proj, "IN", 2016, 2022, "Réduction des fuites du réseau d'eau de Chennai", "Greater Chennai Corporation", "Pertes réduites de 12 % sur le secteur pilote.")),
			ref(miss, "MA", 2020, 2020, "Tarification sociale de l'eau à Oujda", "Régie autonome de distribution d'eau d'Oujda", "Grille tarifaire proposée au conseil."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Ingénieurs de la régie des eaux, chargée de mission énergie.", Languages: []string{"fr", "en"},
			MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires des experts."}}},
	{org: "bordeaux", author: "bordeaux@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 150, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"heritage", "tourism_ecotourism", "sustainable_development"},
			Description: "Bordeaux, « port de la Lune » inscrit au patrimoine mondial, conseille des villes portuaires sur la reconversion de leurs quais, le patrimoine et le tourisme durable.",
			Methods:     "Ateliers de projet urbain, échanges entre offices de tourisme, accompagnement de dossiers d'inscription."},
		References: []coopdec.LabelReference{
			ref(proj, "IN", 2009, 2016, "Reconquête du front d'eau historique de Fort Kochi", "Kochi Municipal Corporation", "Promenade patrimoniale ouverte ; plan de gestion touristique."),
			ref(miss, "MA", 2018, 2018, "Valorisation touristique du patrimoine Art déco de Casablanca", "Commune de Casablanca", "Circuit patrimonial et signalétique."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Architecte-urbaniste, chargée du patrimoine mondial, responsable tourisme.", Languages: []string{"fr", "en", "es"},
			MinDurationDays: 4, MaxDurationDays: 14, SelfCovered: "Salaires et frais de préparation."}}},
	{org: "nice", author: "nice@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 120, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"tourism_ecotourism", "economic_development"},
			Description: "Nice met son expérience de destination touristique méditerranéenne au service de villes qui diversifient leur économie locale par le tourisme.",
			Methods:     "Diagnostic de destination, formation des offices de tourisme, appui aux événements et à l'accueil."},
		References: []coopdec.LabelReference{
			at("Sousse", ref(proj, "TN", 2017, 2020, "Stratégie touristique de Sousse hors saison balnéaire", "Municipalité de Sousse, Office national du tourisme tunisien", "Stratégie adoptée ; deux circuits culturels créés.")),
			at("Byblos", ref(miss, "LB", 2019, 2019, "Office de tourisme de Byblos", "Municipalité de Byblos", "Office de tourisme réorganisé, agents formés à l'accueil.")),
		},
		Conditions: coopdec.LabelConditions{Staff: "Direction du tourisme et de l'attractivité, trois experts.", Languages: []string{"fr", "en", "it"},
			MinDurationDays: 3, MaxDurationDays: 10, SelfCovered: "Salaires des experts."}}},
	{org: "bretagne", author: "bretagne@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 95, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"agriculture_food_security", "vocational_training"},
			Description: "La Région Bretagne, première région agroalimentaire française, appuie l'organisation des filières agricoles et la formation professionnelle agricole.",
			Methods:     "Jumelages entre lycées agricoles, appui aux coopératives, formation de formateurs."},
		References: []coopdec.LabelReference{
			at("Podor", ref(proj, "SN", 2013, 2021, "Filières maraîchères de la vallée du fleuve Sénégal", "Conseil départemental de Podor, coopératives de producteurs", "Quatre coopératives structurées ; un centre de formation agricole rénové.")),
			ref(proj, "BR", 2015, 2019, "Lycées agricoles du Paraná et de Bretagne", "Secretaria de Educação do Paraná", "Deux cents élèves et trente enseignants échangés."),
			ref(miss, "MA", 2021, 2021, "Formation des conseillers agricoles du Souss-Massa", "Région Souss-Massa", "Module de formation remis et testé."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Chargés de mission agriculture et formation, enseignants de lycées agricoles.", Languages: []string{"fr", "en", "pt"},
			MinDurationDays: 7, MaxDurationDays: 30, SelfCovered: "Salaires et voyages des enseignants."}}},
	{org: "occitanie", author: "occitanie@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 80, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"vocational_training", "economic_development"},
			Description: "La Région Occitanie accompagne le développement économique local : filières, incubateurs et formation professionnelle des jeunes.",
			Methods:     "Appui aux agences de développement, mise en réseau d'entreprises, formation en alternance."},
		References: []coopdec.LabelReference{
			ref(proj, "AR", 2014, 2020, "Agence de développement économique de Córdoba", "Gobierno de la Provincia de Córdoba", "Agence créée ; cinquante entreprises accompagnées."),
			ref(proj, "BR", 2017, 2022, "Formation en alternance dans l'aéronautique à São José dos Campos", "Prefeitura de São José dos Campos, SENAI", "Cent vingt apprentis formés."),
			ref(miss, "MA", 2019, 2019, "Incubateur de Tanger", "Région Tanger-Tétouan-Al Hoceïma", "Feuille de route de l'incubateur."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Agence régionale de développement économique, service de la formation professionnelle.", Languages: []string{"fr", "es", "en"},
			MinDurationDays: 5, MaxDurationDays: 20, SelfCovered: "Salaires et préparation."}}},
	{org: "nord", author: "nord@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 60, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"local_governance", "education"},
			Description: "Le Département du Nord partage son expérience de l'action sociale, de la gestion des collèges et du dialogue entre collectivités et habitants.",
			Methods:     "Coopérations trilatérales, appui aux services départementaux, formation des élus et des agents."},
		References: []coopdec.LabelReference{
			ref(proj, "HT", 2011, 2017, "Reconstruction des écoles de Grand-Goâve", "Mairie de Grand-Goâve, ministère haïtien de l'Éducation", "Six écoles reconstruites ; comités de gestion formés."),
			ref(proj, "BR", 2013, 2016, "Coopération trilatérale Brésil–Haïti–Nord sur les cantines scolaires", "Agência Brasileira de Cooperação", "Méthode de gestion des cantines transférée."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Cadres de la direction de l'éducation et de l'action sociale.", Languages: []string{"fr", "ht"},
			MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires et assurance."}}},
	{org: "rennes-metropole", author: "rennes@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 40, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"urban_development", "ict_local_resources"},
			Description: "Rennes Métropole partage ses outils de données ouvertes et de gestion numérique du territoire (cadastre, adressage, services en ligne).",
			Methods:     "Ateliers de données, transfert d'outils libres, formation des services informatiques."},
		References: []coopdec.LabelReference{
			at("Sfax", ref(proj, "TN", 2018, 2022, "Adressage et services en ligne de la municipalité de Sfax", "Municipalité de Sfax", "Base adresse publiée ; trois démarches en ligne.")),
			at("Dakar", ref(miss, "SN", 2021, 2021, "Système d'information foncier de Dakar", "Ville de Dakar", "Cahier des charges rédigé.")),
		},
		Conditions: coopdec.LabelConditions{Staff: "Service numérique et systèmes d'information géographique.", Languages: []string{"fr", "en"},
			MinDurationDays: 3, MaxDurationDays: 10, SelfCovered: "Salaires et licences des outils."}}},
	{org: "lille-metropole", author: "lille@demo.coopdec.test", state: coopdec.LabelGranted, reviewDaysAgo: 20, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"sustainable_development", "water_sanitation"},
			Description: "La Métropole Européenne de Lille transmet son savoir-faire en valorisation des déchets (centre de valorisation organique, tri) et en gestion de l'eau.",
			Methods:     "Visites techniques, études de gisement, accompagnement de la maîtrise d'ouvrage."},
		References: []coopdec.LabelReference{
			at("Belo Horizonte", ref(proj, "BR", 2012, 2018, "Recyclage et coopératives de collecteurs de Belo Horizonte", "Prefeitura de Belo Horizonte", "Deux coopératives de collecteurs équipées.")),
			at("Rosario", ref(miss, "AR", 2019, 2019, "Plan de gestion des déchets de Rosario", "Municipalidad de Rosario", "Plan de gestion remis au conseil.")),
		},
		Conditions: coopdec.LabelConditions{Staff: "Ingénieurs de la direction de la valorisation des déchets et de l'eau.", Languages: []string{"fr", "pt", "en"},
			MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires des experts."}}},
	{org: "gironde", author: "gironde@demo.coopdec.test", state: coopdec.LabelGranted, expiringInDays: 60, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"agriculture_food_security", "sustainable_development"},
			Description: "Le Département de la Gironde accompagne l'agriculture familiale, les circuits courts et la gestion des espaces naturels.",
			Methods:     "Appui aux organisations paysannes, formation, échanges d'agriculteurs."},
		References: []coopdec.LabelReference{
			ref(proj, "SN", 2008, 2014, "Circuits courts et marchés paysans de Kaolack", "Conseil départemental de Kaolack", "Trois marchés paysans créés."),
			ref(proj, "MA", 2012, 2016, "Gestion de l'arganeraie du Souss", "Conseil provincial de Taroudant", "Plan de gestion adopté."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Agronomes et techniciens des espaces naturels.", Languages: []string{"fr"},
			MinDurationDays: 7, MaxDurationDays: 21, SelfCovered: "Salaires et voyages."}}},
	{org: "montpellier-metropole", author: "montpellier@demo.coopdec.test", state: coopdec.LabelSubmitted, reviewDaysAgo: 3, app: coopdec.LabelApplication{
		Competencies: coopdec.LabelCompetencies{Themes: []string{"water_sanitation", "university_research"},
			Description: "Montpellier Méditerranée Métropole, avec ses établissements de recherche sur l'eau, accompagne la gestion des ressources en eau en climat méditerranéen.",
			Methods:     "Partenariats entre régies et laboratoires, modélisation des ressources, formation."},
		References: []coopdec.LabelReference{
			ref(proj, "MA", 2016, 2021, "Réutilisation des eaux usées traitées à Fès", "Régie autonome de Fès, Université Sidi Mohamed Ben Abdellah", "Station pilote en service."),
			ref(miss, "TN", 2022, 2022, "Gestion de la nappe de Kairouan", "Municipalité de Kairouan", "Rapport de diagnostic."),
		},
		Conditions: coopdec.LabelConditions{Staff: "Ingénieurs de la régie des eaux, chercheurs associés.", Languages: []string{"fr", "ar", "en"},
			MinDurationDays: 5, MaxDurationDays: 15, SelfCovered: "Salaires des agents de la régie."}}},
	{org: "toulouse-metropole", author: "toulouse@demo.coopdec.test", state: coopdec.LabelChangesRequested, reviewDaysAgo: 10,
		reason: "Merci de préciser les résultats obtenus à Hanoï (indicateurs, documents) et les durées de mission que vous pouvez assurer.",
		app: coopdec.LabelApplication{
			Competencies: coopdec.LabelCompetencies{Themes: []string{"transport", "university_research"},
				Description: "Toulouse Métropole appuie des villes sur le transport urbain par câble et le métro automatique, avec les universités toulousaines.",
				Methods:     "Études conjointes, accueil d'ingénieurs, partenariats universitaires."},
			References: []coopdec.LabelReference{
				ref(proj, "VN", 2014, 2019, "Planification des transports de Hanoï", "Comité populaire de Hanoï", "Étude remise."),
			},
			Conditions: coopdec.LabelConditions{Staff: "Ingénieurs de Tisséo, chercheurs.", Languages: []string{"fr", "en"},
				MinDurationDays: 5, MaxDurationDays: 10, SelfCovered: "Salaires."}}},
	{org: "loire-atlantique", author: "loire-atlantique@demo.coopdec.test", state: coopdec.LabelRefused, reviewDaysAgo: 30,
		reason: "Une seule référence, ancienne et sans résultats vérifiables ; les conditions de mobilisation ne précisent pas les profils. Une nouvelle demande est possible avec des références récentes.",
		app: coopdec.LabelApplication{
			Competencies: coopdec.LabelCompetencies{Themes: []string{"culture"},
				Description: "Le Département de la Loire-Atlantique souhaite partager son expérience des politiques culturelles et de lecture publique.",
				Methods:     "Échanges entre bibliothèques."},
			References: []coopdec.LabelReference{
				ref(proj, "ML", 2004, 2007, "Bibliothèques rurales du cercle de Kayes", "Cercle de Kayes", "Deux bibliothèques ouvertes."),
			},
			Conditions: coopdec.LabelConditions{Staff: "Agents de la bibliothèque départementale.", Languages: []string{"fr"},
				MinDurationDays: 5, MaxDurationDays: 10, SelfCovered: "Salaires."}}},
}

// priorityItem builds a priority from its French and English texts.
func priorityItem(theme, fr, en string) coopdec.CountryPriority {
	return coopdec.CountryPriority{Theme: theme, Texts: map[string]string{"fr": fr, "en": en}}
}

// pact2Priorities are the embassies' priorities. For each country the last
// one is covered by no authority (no label with a reference there, no
// mission, no funded project on its theme) and some labelled authority's
// experience there lies outside them all:
//
//   - IN: Bordeaux (heritage, tourism) outside; digital services uncovered.
//   - BR: the Nord (governance, education) outside; heritage uncovered.
//   - AR: Lille (waste, water) outside; research uncovered.
//   - TN: Nice (tourism) and Rennes (digital) outside; vocational training
//     uncovered.
//   - LB: Nice (tourism) outside; heritage uncovered.
var pact2Priorities = []struct {
	country, embassy string // embassy account
	items            []coopdec.CountryPriority
}{
	{"IN", embassyIndia, []coopdec.CountryPriority{
		priorityItem("urban_development", "Accompagner la Smart Cities Mission : planification urbaine, espaces publics et logement dans les villes moyennes indiennes.",
			"Support the Smart Cities Mission: urban planning, public spaces and housing in India's mid-sized cities."),
		priorityItem("water_sanitation", "Eau potable et assainissement : réduction des pertes, traitement des eaux usées, gestion publique des services.",
			"Drinking water and sanitation: reducing losses, treating wastewater, public management of services."),
		priorityItem("transport", "Mobilité urbaine durable : transports collectifs en site propre, intermodalité.",
			"Sustainable urban mobility: dedicated public transport lanes, intermodality."),
		priorityItem("ict_local_resources", "Services municipaux numériques : adressage, cadastre, données ouvertes des villes.",
			"Digital municipal services: addressing, land registers, cities' open data."),
	}},
	{"BR", embassyBrazil, []coopdec.CountryPriority{
		priorityItem("sustainable_development", "Gestion des déchets solides et inclusion des coopératives de collecteurs, conformément à la politique nationale des résidus solides.",
			"Solid waste management and inclusion of waste pickers' cooperatives, under the national solid waste policy."),
		priorityItem("vocational_training", "Formation professionnelle et apprentissage, en lien avec les entreprises françaises implantées au Brésil.",
			"Vocational training and apprenticeships, with the French companies based in Brazil."),
		priorityItem("heritage", "Patrimoine des villes historiques (Minas Gerais, Salvador de Bahia) : restauration et gestion des centres anciens.",
			"Heritage of historic cities (Minas Gerais, Salvador de Bahia): restoring and managing old town centres."),
	}},
	{"AR", embassyArgentina, []coopdec.CountryPriority{
		priorityItem("economic_development", "Développement économique local : agences de développement, filières et petites entreprises des provinces.",
			"Local economic development: development agencies, value chains and small businesses in the provinces."),
		priorityItem("university_research", "Coopération universitaire et recherche appliquée avec les collectivités (eau, énergie, agronomie).",
			"University cooperation and applied research with local authorities (water, energy, agronomy)."),
	}},
	{"TN", embassyTunisia, []coopdec.CountryPriority{
		priorityItem("local_governance", "Accompagner la décentralisation : finances locales, participation des habitants, services municipaux.",
			"Support decentralisation: local finance, residents' participation, municipal services."),
		priorityItem("sustainable_development", "Gestion et valorisation des déchets ménagers dans les communes.",
			"Managing and recovering household waste in the municipalities."),
		priorityItem("vocational_training", "Formation professionnelle et emploi des jeunes dans les régions de l'intérieur.",
			"Vocational training and youth employment in the inland regions."),
	}},
	{"LB", embassyLebanon, []coopdec.CountryPriority{
		priorityItem("water_sanitation", "Eau et assainissement dans les municipalités, y compris celles qui accueillent des réfugiés.",
			"Water and sanitation in municipalities, including those hosting refugees."),
		priorityItem("local_governance", "Renforcer les municipalités et leurs unions : budget, fiscalité locale, services de base.",
			"Strengthen municipalities and their unions: budget, local taxation, basic services."),
		priorityItem("heritage", "Sauvegarde et mise en valeur du patrimoine (Byblos, Tyr, Tripoli) après les crises récentes.",
			"Safeguarding and showcasing heritage (Byblos, Tyre, Tripoli) after the recent crises."),
	}},
}

// missionSpec is a mission request and how far it goes.
type missionSpec struct {
	by      string // account email: the officer or an embassy's staff
	partner string // organisation key of the local partner, if registered
	terms   coopdec.MissionTerms
	// fromDays and days place the window of dates from now.
	fromDays, windowDays int
	invite               []string // organisation keys
	replies              []replySpec
	selects              string // organisation key of the reply chosen
}

type replySpec struct {
	org, author string
	reply       coopdec.MissionReply
}

var pact2Requests = []missionSpec{
	{by: officerEmail, partner: "belo-horizonte", fromDays: 75, windowDays: 60, terms: coopdec.MissionTerms{
		Country: "BR", Place: "Belo Horizonte", PartnerName: "Prefeitura de Belo Horizonte", Themes: []string{"sustainable_development"},
		Need:         "Belo Horizonte prépare l'extension de la collecte sélective à toute la ville et souhaite l'avis d'une collectivité française sur l'organisation des tournées et l'intégration des coopératives de collecteurs.",
		DurationDays: 10, Languages: []string{"pt", "fr"}, BudgetCents: 18_000_00}},
	{by: embassyTunisia, partner: "sousse", fromDays: 90, windowDays: 45, terms: coopdec.MissionTerms{
		Country: "TN", Place: "Sousse", PartnerName: "Municipalité de Sousse", Themes: []string{"local_governance"},
		Need:         "L'ambassade relaie la demande de la municipalité de Sousse : appui à la préparation de son premier budget participatif, de la concertation des quartiers au vote du conseil municipal.",
		DurationDays: 7, Languages: []string{"fr", "ar"}, BudgetCents: 12_000_00}},
	{by: officerEmail, partner: "pune", fromDays: 60, windowDays: 90, invite: []string{"lyon", "grenoble", "marseille"}, terms: coopdec.MissionTerms{
		Country: "IN", Place: "Pune", PartnerName: "Pune Municipal Corporation", Themes: []string{"water_sanitation"},
		Need:         "Pune veut réduire les pertes de son réseau d'eau potable (plus de 30 %) : diagnostic de la sectorisation, plan de recherche des fuites et formation des équipes d'exploitation.",
		DurationDays: 14, Languages: []string{"en"}, BudgetCents: 25_000_00}},
	{by: officerEmail, partner: "rosario", fromDays: 45, windowDays: 60, invite: []string{"occitanie", "nantes", "lille-metropole"},
		replies: []replySpec{
			{"occitanie", "occitanie@demo.coopdec.test", coopdec.MissionReply{Interested: true,
				Experts: []coopdec.MissionExpert{
					{Name: "Jordi Vidal", Role: "Directeur de l'agence régionale de développement", Languages: []string{"fr", "es"}, Availability: "deux semaines au printemps"},
					{Name: "Nathalie Bru", Role: "Chargée de mission filières agroalimentaires", Languages: []string{"fr", "es", "en"}, Availability: "dix jours"}},
				Comment: "Nous avons créé l'agence de développement de Córdoba avec la province : Rosario pourrait s'appuyer sur la même méthode."}},
			{"lille-metropole", "lille@demo.coopdec.test", coopdec.MissionReply{Interested: false,
				Comment: "Nos experts du développement économique ne sont pas disponibles sur cette période ; nous restons disponibles pour les questions de déchets."}},
		},
		terms: coopdec.MissionTerms{
			Country: "AR", Place: "Rosario", PartnerName: "Municipalidad de Rosario", Themes: []string{"economic_development"},
			Need:         "Rosario crée une agence de développement économique métropolitaine et demande un appui pour en définir les missions, la gouvernance avec les entreprises et le financement.",
			DurationDays: 10, Languages: []string{"es"}, BudgetCents: 20_000_00}},
	{by: officerEmail, fromDays: 30, windowDays: 45, invite: []string{"lyon", "marseille"},
		replies: []replySpec{
			{"lyon", "lyon@demo.coopdec.test", coopdec.MissionReply{Interested: true,
				Experts: []coopdec.MissionExpert{{Name: "Claire Dumas", Role: "Ingénieure réseaux d'eau", Languages: []string{"fr", "en"}, Availability: "une semaine"}},
				Comment: "Nous connaissons le réseau de Beyrouth depuis notre diagnostic de 2018."}},
			{"marseille", "marseille@demo.coopdec.test", coopdec.MissionReply{Interested: true,
				Experts: []coopdec.MissionExpert{
					{Name: "Karim Belkacem", Role: "Ingénieur assainissement", Languages: []string{"fr", "ar"}, Availability: "deux semaines"},
					{Name: "Lucie Ferrand", Role: "Hydrogéologue", Languages: []string{"fr", "en"}, Availability: "dix jours"}},
				Comment: "Notre équipe arabophone a travaillé sur l'assainissement du littoral de Tripoli."}},
		},
		selects: "marseille",
		terms: coopdec.MissionTerms{
			Country: "LB", PartnerName: "Union des municipalités du Metn", Themes: []string{"water_sanitation"},
			Need:         "Les municipalités du Metn, qui accueillent de nombreux réfugiés, demandent un appui pour remettre en état leurs petites stations d'épuration et organiser leur exploitation.",
			DurationDays: 12, Languages: []string{"ar", "fr"}, BudgetCents: 22_000_00}},
}

// proposalSpec is a proposal on an authority's initiative and its review.
type proposalSpec struct {
	org, author string
	partner     string
	fromDays    int
	windowDays  int
	terms       coopdec.MissionTerms
	state       coopdec.ProposalState
	reason      string
}

var pact2Proposals = []proposalSpec{
	{org: "bretagne", author: "bretagne@demo.coopdec.test", partner: "dakar", fromDays: 100, windowDays: 60, state: coopdec.ProposalPending,
		terms: coopdec.MissionTerms{Country: "SN", Place: "Dakar", PartnerName: "Ville de Dakar", Themes: []string{"agriculture_food_security", "vocational_training"},
			Need:         "La Région Bretagne propose une mission auprès de la Ville de Dakar pour structurer la formation des maraîchers de la zone des Niayes et l'approvisionnement des marchés de la ville.",
			DurationDays: 12, Languages: []string{"fr", "wo"}, BudgetCents: 15_000_00}},
	{org: "nantes", author: "nantes@demo.coopdec.test", partner: "ahmedabad", fromDays: 40, windowDays: 30, state: coopdec.ProposalAccepted,
		terms: coopdec.MissionTerms{Country: "IN", Place: "Ahmedabad", PartnerName: "Ahmedabad Municipal Corporation", Themes: []string{"transport", "urban_development"},
			Need:         "Nantes propose de poursuivre sa coopération avec Ahmedabad par une mission sur l'aménagement des abords des stations du bus à haut niveau de service et l'accès piéton.",
			DurationDays: 8, Languages: []string{"en"}, BudgetCents: 14_000_00}},
	{org: "nice", author: "nice@demo.coopdec.test", partner: "sousse", fromDays: 50, windowDays: 40, state: coopdec.ProposalDeclined,
		reason: "La promotion touristique relève du fonds régional pour la Méditerranée plutôt que de PACT2 ; nous vous invitons à y présenter ce projet avec la municipalité de Sousse.",
		terms: coopdec.MissionTerms{Country: "TN", Place: "Sousse", PartnerName: "Municipalité de Sousse", Themes: []string{"tourism_ecotourism"},
			Need:         "Nice propose une mission de promotion de la destination Sousse sur les salons touristiques européens.",
			DurationDays: 5, Languages: []string{"fr"}, BudgetCents: 9_000_00}},
}

// pact2Loader carries what the PACT2 steps share.
type pact2Loader struct {
	db    *sqldb.DB
	ids   map[string]int64
	now   time.Time
	users map[string]*coopdec.User
	// validityYears is how long a granted label is valid.
	validityYears int
}

func (l *pact2Loader) user(ctx context.Context, email string) (*coopdec.User, error) {
	if u := l.users[email]; u != nil {
		return u, nil
	}
	u, err := l.db.UserByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("demo: account %s: %w", email, err)
	}
	l.users[email] = u
	return u, nil
}

func actorOf(u *coopdec.User) coopdec.Actor { return coopdec.Actor{UserID: u.ID} }

// loadPACT2 creates the PACT2 demo, or carries on what a previous load
// left.
func loadPACT2(ctx context.Context, db *sqldb.DB, ids map[string]int64, validityYears int) error {
	l := &pact2Loader{db: db, ids: ids, now: db.Now().UTC(), users: map[string]*coopdec.User{}, validityYears: validityYears}
	for i := range pact2Labels {
		if err := l.label(ctx, &pact2Labels[i]); err != nil {
			return fmt.Errorf("demo: label of %s: %w", pact2Labels[i].org, err)
		}
	}
	for _, p := range pact2Priorities {
		if err := l.priorities(ctx, p.country, p.embassy, p.items); err != nil {
			return fmt.Errorf("demo: priorities of %s: %w", p.country, err)
		}
	}
	for i := range pact2Requests {
		if err := l.mission(ctx, &pact2Requests[i]); err != nil {
			return fmt.Errorf("demo: mission request in %s: %w", pact2Requests[i].terms.Country, err)
		}
	}
	for i := range pact2Proposals {
		if err := l.proposal(ctx, &pact2Proposals[i]); err != nil {
			return fmt.Errorf("demo: proposal of %s: %w", pact2Proposals[i].org, err)
		}
	}
	return l.loadPACT2Completed(ctx)
}

// at returns the storage with its clock at t: past grants keep their true
// dates, numbers and expiries.
func (l *pact2Loader) at(t time.Time) *sqldb.DB {
	shifted := *l.db
	shifted.Now = func() time.Time { return t }
	return &shifted
}

// reviewTime is when spec's officer acted.
func (l *pact2Loader) reviewTime(spec *labelSpec) time.Time {
	if spec.expiringInDays > 0 {
		return l.now.AddDate(-l.validityYears, 0, spec.expiringInDays)
	}
	return l.now.AddDate(0, 0, -spec.reviewDaysAgo)
}

// label brings spec's authority's application to its state.
func (l *pact2Loader) label(ctx context.Context, spec *labelSpec) error {
	author, err := l.user(ctx, spec.author)
	if err != nil {
		return err
	}
	officer, err := l.user(ctx, officerEmail)
	if err != nil {
		return err
	}
	orgID := l.ids[spec.org]
	review := l.reviewTime(spec)
	submit := review.AddDate(0, 0, -14)
	if spec.state == coopdec.LabelSubmitted {
		submit = review
	}
	existing, err := l.db.LabelApplicationsOf(ctx, orgID)
	if err != nil {
		return err
	}
	var cur *coopdec.LabelApplication
	if len(existing) > 0 {
		cur = &existing[0].LabelApplication
	} else {
		a := spec.app
		a.References = append([]coopdec.LabelReference(nil), spec.app.References...)
		a.OrganisationID = orgID
		if err := l.at(submit).CreateLabelApplication(ctx, author, &a, actorOf(author)); err != nil {
			return err
		}
		cur = &a
	}
	if cur.State == coopdec.LabelDraft {
		r, err := l.at(submit).SubmitLabelApplication(ctx, author, cur.ID, actorOf(author))
		if err != nil {
			return err
		}
		cur = &r.LabelApplication
	}
	if cur.State != coopdec.LabelSubmitted || spec.state == coopdec.LabelSubmitted {
		return nil
	}
	action := map[coopdec.LabelState]coopdec.LabelAction{coopdec.LabelGranted: coopdec.LabelActionGrant,
		coopdec.LabelChangesRequested: coopdec.LabelActionRequestChanges, coopdec.LabelRefused: coopdec.LabelActionRefuse}[spec.state]
	_, err = l.at(review).ReviewLabel(ctx, nil, officer, cur.ID, action, spec.reason, l.validityYears, actorOf(officer), nil)
	return err
}

// priorities states a country's priorities once, as its embassy.
func (l *pact2Loader) priorities(ctx context.Context, country, email string, items []coopdec.CountryPriority) error {
	cur, err := l.db.CountryPriorities(ctx, country)
	if err != nil {
		return err
	}
	if cur.Version > 0 {
		return nil
	}
	u, err := l.user(ctx, email)
	if err != nil {
		return err
	}
	cp := &coopdec.CountryPriorities{Country: country}
	for _, it := range items {
		it.Texts = map[string]string{"fr": it.Texts["fr"], "en": it.Texts["en"]}
		cp.Priorities = append(cp.Priorities, it)
	}
	return l.db.SaveCountryPriorities(ctx, cp, 0, actorOf(u))
}

// window fills in terms' dates from now.
func (l *pact2Loader) window(t *coopdec.MissionTerms, fromDays, windowDays int, partner string) {
	day := time.Date(l.now.Year(), l.now.Month(), l.now.Day(), 0, 0, 0, 0, time.UTC)
	t.From, t.To = day.AddDate(0, 0, fromDays), day.AddDate(0, 0, fromDays+windowDays)
	t.Themes = append([]string(nil), t.Themes...)
	t.Languages = append([]string(nil), t.Languages...)
	if partner != "" {
		t.PartnerOrgID = l.ids[partner]
	}
}

// findMission returns the request whose need is need, or nil.
func (l *pact2Loader) findMission(ctx context.Context, need string) (*coopdec.MissionRequest, error) {
	for p := 1; ; p++ {
		list, page, err := l.db.ListMissionRequests(ctx, sqldb.MissionFilter{All: true}, coopdec.NewPage(p, 100))
		if err != nil {
			return nil, err
		}
		for i := range list {
			if list[i].Need == need {
				return &list[i], nil
			}
		}
		if p >= page.Pages() || len(list) == 0 {
			return nil, nil
		}
	}
}

// mission brings spec's request to its stage.
func (l *pact2Loader) mission(ctx context.Context, spec *missionSpec) error {
	by, err := l.user(ctx, spec.by)
	if err != nil {
		return err
	}
	v, err := l.db.MissionViewer(ctx, by)
	if err != nil {
		return err
	}
	m, err := l.findMission(ctx, spec.terms.Need)
	if err != nil {
		return err
	}
	if m == nil {
		m = &coopdec.MissionRequest{MissionTerms: spec.terms}
		l.window(&m.MissionTerms, spec.fromDays, spec.windowDays, spec.partner)
		if err := l.db.CreateMissionRequest(ctx, v, m, actorOf(by)); err != nil {
			return err
		}
	}
	if len(spec.invite) == 0 {
		return nil
	}
	officer, err := l.user(ctx, officerEmail)
	if err != nil {
		return err
	}
	ov, err := l.db.MissionViewer(ctx, officer)
	if err != nil {
		return err
	}
	rec, err := l.db.MissionRequest(ctx, m.ID)
	if err != nil {
		return err
	}
	if rec.Request.State.Closed() {
		return nil
	}
	var missing []int64
	for _, key := range spec.invite {
		id := l.ids[key]
		found := false
		for _, inv := range rec.Invitations {
			found = found || inv.AuthorityID == id
		}
		if !found {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		if _, err := l.db.InviteToMission(ctx, nil, ov, m.ID, missing, actorOf(officer), nil); err != nil {
			return err
		}
	}
	for _, r := range spec.replies {
		if rec.Reply(l.ids[r.org]) != nil {
			continue
		}
		u, err := l.user(ctx, r.author)
		if err != nil {
			return err
		}
		uv, err := l.db.MissionViewer(ctx, u)
		if err != nil {
			return err
		}
		reply := r.reply
		reply.Experts = append([]coopdec.MissionExpert(nil), r.reply.Experts...)
		if err := l.db.ReplyToMission(ctx, nil, uv, m.ID, l.ids[r.org], &reply, actorOf(u), nil); err != nil {
			return err
		}
	}
	if spec.selects == "" {
		return nil
	}
	if rec, err = l.db.MissionRequest(ctx, m.ID); err != nil {
		return err
	}
	chosen := rec.Reply(l.ids[spec.selects])
	if chosen == nil {
		return fmt.Errorf("no reply from %s", spec.selects)
	}
	return l.db.SelectMissionReply(ctx, ov, m.ID, chosen.ID, actorOf(officer))
}

// findProposal returns the proposal whose need is need, or nil.
func (l *pact2Loader) findProposal(ctx context.Context, need string) (*sqldb.ProposalRecord, error) {
	for p := 1; ; p++ {
		list, page, err := l.db.ListMissionProposals(ctx, sqldb.ProposalFilter{All: true}, coopdec.NewPage(p, 100))
		if err != nil {
			return nil, err
		}
		for i := range list {
			if list[i].Need == need {
				return &list[i], nil
			}
		}
		if p >= page.Pages() || len(list) == 0 {
			return nil, nil
		}
	}
}

// proposal brings spec's proposal to its state.
func (l *pact2Loader) proposal(ctx context.Context, spec *proposalSpec) error {
	p, err := l.findProposal(ctx, spec.terms.Need)
	if err != nil {
		return err
	}
	var cur *coopdec.MissionProposal
	if p != nil {
		cur = &p.MissionProposal
	} else {
		u, err := l.user(ctx, spec.author)
		if err != nil {
			return err
		}
		cur = &coopdec.MissionProposal{AuthorityID: l.ids[spec.org], MissionTerms: spec.terms}
		l.window(&cur.MissionTerms, spec.fromDays, spec.windowDays, spec.partner)
		if err := l.db.ProposeMission(ctx, u, cur, actorOf(u)); err != nil {
			return err
		}
	}
	if cur.State != coopdec.ProposalPending || spec.state == coopdec.ProposalPending {
		return nil
	}
	officer, err := l.user(ctx, officerEmail)
	if err != nil {
		return err
	}
	_, err = l.db.ReviewMissionProposal(ctx, officer, cur.ID, spec.state == coopdec.ProposalAccepted, spec.reason, actorOf(officer))
	return err
}
