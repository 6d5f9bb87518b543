package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The evaluation demo: three calls of earlier sessions, closed before the
// demo's day, that show the joint evaluation at three stages.
//
//   - AAP-FR-IN-00, the first Franco-Indian call: five applications from
//     French local authorities with Indian partners, evaluated by two pools
//     (the ministry's and the Indian ministry's). One evaluator once worked
//     for the Ville de Nantes and is kept off its application by the
//     automatic assignment; one application's scores diverge, so a third
//     evaluator is added. Every consensus is recorded and the decision is
//     sent to the parties: the ministry approved it, the Indian co-manager
//     has yet to.
//   - FRCDM-PACA-00, the Mediterranean fund's previous session: two
//     applications, a decision approved by the ministry and the PACA region,
//     hence final, with its grants committed against the envelopes.
//   - PACT2-MISSIONS-00, the previous session of PACT2 missions: one
//     application whose second evaluation is a draft an evaluator finishes
//     in the demo.
//
// Everything goes through the storage methods the pages use, with the
// domain's rules, so the data is what users would have made; the clock only
// places the calls' dates in the past. Assignments are drawn with fixed
// seeds and every text is fixed, so that two loads give the same data.

func init() {
	// Appended rather than listed in demo.go, so that this file holds the
	// whole evaluation demo; Load creates them with the others.
	organisations = append(organisations, evaluationOrganisations...)
	Accounts = append(Accounts, evaluationAccounts...)
}

var evaluationOrganisations = []orgSpec{
	{"bordeaux", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Bordeaux", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "213300635", TerritoryCode: "33063", RegionCode: "75"}},
	{"nantes", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Nantes", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "214401093", TerritoryCode: "44109", RegionCode: "52"}},
	{"strasbourg", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Strasbourg", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "216704825", TerritoryCode: "67482", RegionCode: "44"}},
	{"grenoble", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Grenoble", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "213801855", TerritoryCode: "38185", RegionCode: "84"}},
	{"nice", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Nice", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "210600888", TerritoryCode: "06088", RegionCode: "93"}},
	{"kochi", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Kochi Municipal Corporation", Country: "IN"}},
	{"ahmedabad", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Ahmedabad Municipal Corporation", Country: "IN"}},
	{"puducherry", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Puducherry Municipality", Country: "IN"}},
	{"chennai", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Greater Chennai Corporation", Country: "IN"}},
	{"beirut", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Municipalité de Beyrouth", Country: "LB"}},
	{"niua", coopdec.Organisation{Kind: coopdec.OrgResearchCentre, Name: "National Institute of Urban Affairs (NIUA)", Country: "IN"}},
	{"cept", coopdec.Organisation{Kind: coopdec.OrgUniversity, Name: "CEPT University", Country: "IN"}},
}

// The accounts of the evaluation demo, as Accounts lists them.
const (
	evaluatorMinistry1 = "evaluator-ministry-1@demo.coopdec.test"
	evaluatorMinistry2 = "evaluator-ministry-2@demo.coopdec.test"
	evaluatorIndia1    = "evaluator-india-1@demo.coopdec.test"
	evaluatorIndia2    = "evaluator-india-2@demo.coopdec.test"
	evaluatorPACA      = "evaluator-paca@demo.coopdec.test"
)

var evaluationAccounts = []Account{
	{Email: "bordeaux@demo.coopdec.test", Name: "Vincent Moreau", What: "membre de la Ville de Bordeaux : dossiers évalués (appel franco-indien, missions PACT2), mission achevée à Sfax (Tunisie)", Org: "bordeaux", Admin: true},
	{Email: "nantes@demo.coopdec.test", Name: "Élise Guérin", What: "membre de la Ville de Nantes : dossier retenu, décision en attente de la partie indienne", Org: "nantes", Admin: true},
	{Email: "strasbourg@demo.coopdec.test", Name: "Mathieu Klein", What: "membre de la Ville de Strasbourg : dossier classé premier, mission à Byblos (Liban) approuvée, rapport à déposer", Org: "strasbourg", Admin: true},
	{Email: "grenoble@demo.coopdec.test", Name: "Laure Fontaine", What: "membre de la Ville de Grenoble : dossier en liste complémentaire", Org: "grenoble", Admin: true},
	{Email: "nice@demo.coopdec.test", Name: "Paul Ricci", What: "membre de la Ville de Nice : subvention accordée (fonds méditerranéen)", Org: "nice", Admin: true},
	{Email: evaluatorMinistry1, Name: "Bernard Lemoine", What: "évaluateur du ministère, ancien agent de la Ville de Nantes (jamais affecté à son dossier)", Roles: []coopdec.Role{coopdec.RoleEvaluator}},
	{Email: evaluatorMinistry2, Name: "Camille Roux", What: "évaluatrice du ministère : une évaluation en brouillon à terminer (missions PACT2)", Roles: []coopdec.Role{coopdec.RoleEvaluator}, Org: "association"},
	{Email: evaluatorIndia1, Name: "Meera Iyer", What: "évaluatrice de la partie indienne (NIUA)", Roles: []coopdec.Role{coopdec.RoleEvaluator}, Org: "niua"},
	{Email: evaluatorIndia2, Name: "Rajesh Kulkarni", What: "évaluateur de la partie indienne (CEPT University)", Roles: []coopdec.Role{coopdec.RoleEvaluator}, Org: "cept"},
	{Email: evaluatorPACA, Name: "Anne Giraud", What: "évaluatrice de la Région Provence-Alpes-Côte d'Azur", Roles: []coopdec.Role{coopdec.RoleEvaluator}},
}

// evaluationCalls are the earlier sessions, their dates well in the past so
// that the storage files them as closed.
var evaluationCalls = []callSpec{
	{
		programme:  "joint-calls",
		reference:  "AAP-FR-IN-00",
		status:     coopdec.CallOpen,
		coManagers: []string{"india"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 100_000, 5000}, {"india", 100_000, 5000}},
		themes:     jointThemes,
		rules: coopdec.EligibilityRules{
			Countries:         []string{"IN"},
			PartnerCountries:  []string{"IN"},
			MaxGrantCents:     150_000 * 100,
			MaxFundersShareBP: 5000,
			MinOwnShareBP:     2500,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 12,
			MaxDurationMonths: 36,
			RequiredDocuments: projectDocuments,
			NoOverdueReports:  true,
		},
		days:  timeline{publish: -190, opens: -175, deadline: -75, evaluation: -60, results: 20},
		texts: map[string]coopdec.CallText{"fr": firstSession(indiaFR, " (première session)"), "en": firstSession(indiaEN, " (first session)")},
	},
	{
		programme:  "med-fund",
		reference:  "FRCDM-PACA-00",
		status:     coopdec.CallOpen,
		coManagers: []string{"paca"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 60_000, 5000}, {"paca", 60_000, 5000}},
		themes:     []string{"decentralisation_support", "local_governance"},
		rules: coopdec.EligibilityRules{
			Countries:         []string{"group:mediterranean_fund"},
			PartnerCountries:  []string{"group:mediterranean_fund"},
			LeadTypes:         []coopdec.AuthorityType{coopdec.AuthorityDepartement, coopdec.AuthorityCommune, coopdec.AuthorityEPCI, coopdec.AuthorityGrouping},
			LeadRegion:        "93",
			MaxGrantCents:     80_000 * 100,
			MaxFundersShareBP: 6000,
			MinOwnShareBP:     2000,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 12,
			MaxDurationMonths: 24,
			RequiredDocuments: projectDocuments,
			NoOverdueReports:  true,
		},
		days:  timeline{publish: -260, opens: -250, deadline: -150, evaluation: -140, results: -20},
		texts: map[string]coopdec.CallText{"fr": firstSession(medFR, " (session précédente)"), "en": firstSession(medEN, " (previous session)")},
	},
	{
		// Closed a few days ago: its applications wait for the evaluation
		// to be set up, so that a visitor (and the browser tests) can run
		// it from the start.
		programme:  "joint-calls",
		reference:  "AAP-FR-IN-02",
		status:     coopdec.CallOpen,
		coManagers: []string{"india"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 80_000, 5000}, {"india", 80_000, 5000}},
		themes:     jointThemes,
		rules: coopdec.EligibilityRules{
			Countries:         []string{"IN"},
			PartnerCountries:  []string{"IN"},
			MaxGrantCents:     150_000 * 100,
			MaxFundersShareBP: 5000,
			MinOwnShareBP:     2500,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 12,
			MaxDurationMonths: 36,
			RequiredDocuments: projectDocuments,
			NoOverdueReports:  true,
		},
		days:  timeline{publish: -120, opens: -100, deadline: -3, evaluation: 10, results: 60},
		texts: map[string]coopdec.CallText{"fr": firstSession(indiaFR, " (session complémentaire)"), "en": firstSession(indiaEN, " (additional session)")},
	},
	func() callSpec {
		s := pact2Missions("PACT2-MISSIONS-00", 0, coopdec.CallOpen, timeline{publish: -150, opens: -150, deadline: -35, evaluation: -25, results: 15})
		fr := s.texts["fr"]
		fr.Title = strings.Replace(fr.Title, "(session 0)", "(session pilote)", 1)
		s.texts = map[string]coopdec.CallText{"fr": fr}
		return s
	}(),
}

// firstSession marks an earlier session's title, so that it is told from
// the current call's in lists.
func firstSession(t coopdec.CallText, suffix string) coopdec.CallText {
	t.Title += suffix
	return t
}

// evalScores are the scores an evaluation gives, on the grid's criteria in
// order (relevance, partnership, feasibility, sustainability), in half
// points.
type evalScores [4]coopdec.Score

// evalAppSpec is an application of the evaluation demo and how it fares.
type evalAppSpec struct {
	lead, author, partner string // organisation keys, account email
	representative        string // who confirms for the partner
	grantEuros            int64
	months                int
	themes, places        []string
	country               string
	texts                 map[string]coopdec.ApplicationText
	activities            []coopdec.Activity
	results               []coopdec.Result
	submitDaysEarly       int // days before the deadline
	// byMinistry and byPartner are the scores of the evaluators of the
	// ministry's and of the co-manager's pool; byExtra, when set, those of
	// a third evaluator added after a divergence.
	byMinistry, byPartner, byExtra *evalScores
	consensus                      evalScores
	summary                        string // the consensus's general comment
	// draft leaves the second evaluation as a partial draft.
	draft bool
}

func scores(s ...coopdec.Score) *evalScores {
	var out evalScores
	copy(out[:], s)
	return &out
}

var indiaApplications = []evalAppSpec{
	{
		lead: "strasbourg", author: "strasbourg@demo.coopdec.test", partner: "puducherry",
		representative: "Mme Kavitha Rajan, Commissioner, Puducherry Municipality",
		grantEuros:     90_000, months: 30, country: "IN",
		themes: []string{"heritage", "urban_development"}, places: []string{"Puducherry"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Sauvegarde du patrimoine bâti du quartier français de Pondichéry",
				Summary:        "Strasbourg et Pondichéry dressent l'inventaire des maisons anciennes du quartier français, forment des artisans aux techniques de la chaux et réhabilitent deux bâtiments publics, avec un règlement de protection du quartier.",
				Context:        "Le quartier français de Pondichéry perd chaque année des maisons de l'époque coloniale, faute d'outils de protection et de savoir-faire pour les restaurer. Strasbourg, dont la Grande-Île est inscrite au patrimoine mondial, gère un secteur sauvegardé depuis 1974.",
				Objectives:     "Inventorier 300 bâtiments ; adopter un règlement de protection ; former 40 artisans ; réhabiliter deux bâtiments publics.",
				Sustainability: "Le règlement est adopté par le conseil municipal ; la cellule du patrimoine créée au sein de la municipalité est financée sur son budget."},
			"en": {Title: "Safeguarding the built heritage of Puducherry's French quarter",
				Summary: "Strasbourg and Puducherry survey the French quarter's historic houses, train craftsmen in lime techniques and restore two public buildings, with protection rules for the quarter."},
		},
		activities: []coopdec.Activity{
			{Title: "Inventaire du bâti ancien", Description: "Relevés et fiches de 300 bâtiments, avec l'école d'architecture de Strasbourg.", StartMonth: 1, EndMonth: 9},
			{Title: "Chantiers-écoles", Description: "Formation des artisans à la chaux et au bois sur deux bâtiments publics.", StartMonth: 8, EndMonth: 28},
			{Title: "Règlement de protection", Description: "Rédaction, concertation et adoption.", StartMonth: 6, EndMonth: 30},
		},
		results: []coopdec.Result{
			{Indicator: "Bâtiments inventoriés", Unit: "bâtiments", Baseline: "0", Target: "300"},
			{Indicator: "Artisans formés", Unit: "personnes", Baseline: "0", Target: "40"},
		},
		submitDaysEarly: 9,
		byMinistry:      scores(9, 8, 8, 8), byPartner: scores(9, 9, 8, 7),
		consensus: evalScores{9, 8, 8, 8},
		summary:   "Projet solide et bien préparé, qui répond à une demande ancienne de la municipalité de Pondichéry. Le comité recommande d'associer l'ambassade à la valorisation des chantiers-écoles.",
	},
	{
		lead: "nantes", author: "nantes@demo.coopdec.test", partner: "ahmedabad",
		representative: "Shri Hitesh Patel, Deputy Municipal Commissioner",
		grantEuros:     80_000, months: 24, country: "IN",
		themes: []string{"transport", "urban_development"}, places: []string{"Ahmedabad", "Gujarat"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Mobilité urbaine : intermodalité autour du bus à haut niveau de service d'Ahmedabad",
				Summary:        "Nantes partage avec Ahmedabad son expérience du Busway pour relier le réseau de bus rapides aux piétons, aux vélos et aux rickshaws, et pour mesurer la fréquentation.",
				Context:        "Le réseau Janmarg d'Ahmedabad transporte plus de 150 000 voyageurs par jour, mais ses stations sont mal reliées aux quartiers. Nantes exploite depuis 2006 une ligne de bus à haut niveau de service.",
				Objectives:     "Aménager les abords de cinq stations pilotes ; créer un système de comptage ; former les agents de l'autorité de transport.",
				Sustainability: "Les aménagements sont repris dans le plan de mobilité d'Ahmedabad ; le comptage est exploité par l'autorité de transport."},
			"en": {Title: "Urban mobility: intermodality around Ahmedabad's bus rapid transit",
				Summary: "Nantes shares its Busway experience with Ahmedabad to connect the bus rapid transit to pedestrians, cyclists and rickshaws, and to count ridership."},
		},
		activities: []coopdec.Activity{
			{Title: "Diagnostic des abords de stations", Description: "Enquêtes de terrain et ateliers avec les habitants.", StartMonth: 1, EndMonth: 6},
			{Title: "Aménagements pilotes", Description: "Traversées piétonnes, stationnement des vélos et des rickshaws.", StartMonth: 7, EndMonth: 20},
			{Title: "Comptage et formation", Description: "Capteurs, tableau de bord et formation des agents.", StartMonth: 4, EndMonth: 24},
		},
		results: []coopdec.Result{
			{Indicator: "Stations aménagées", Unit: "stations", Baseline: "0", Target: "5"},
		},
		submitDaysEarly: 6,
		byMinistry:      scores(8, 8, 7, 7), byPartner: scores(8, 7, 7, 8),
		consensus: evalScores{8, 8, 7, 7},
		summary:   "Projet pertinent, porté par une expérience reconnue. Le comité demande de préciser, dans la convention, le partage des données de comptage.",
	},
	{
		lead: "grenoble", author: "grenoble@demo.coopdec.test", partner: "chennai",
		representative: "Dr. S. Ramesh, Chief Engineer (Storm Water Drains)",
		grantEuros:     60_000, months: 24, country: "IN",
		themes: []string{"water_sanitation", "sustainable_development"}, places: []string{"Chennai", "Tamil Nadu"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Eau : gestion des eaux pluviales et prévention des inondations à Chennai",
				Summary:        "Grenoble et Chennai cartographient les zones inondables de deux quartiers, installent un réseau de mesure de la pluie et conçoivent des bassins de rétention paysagers.",
				Context:        "Les inondations de 2015 ont montré la fragilité du réseau pluvial de Chennai. Grenoble, exposée aux crues de l'Isère et du Drac, a développé une gestion intégrée des eaux pluviales.",
				Objectives:     "Cartographier deux bassins versants urbains ; installer dix pluviomètres ; concevoir trois ouvrages de rétention.",
				Sustainability: "Les données alimentent le système d'alerte de la ville ; les ouvrages sont inscrits au programme d'investissement municipal."},
			"en": {Title: "Water: storm water management and flood prevention in Chennai",
				Summary: "Grenoble and Chennai map flood-prone areas in two neighbourhoods, install rain gauges and design landscaped retention basins."},
		},
		activities: []coopdec.Activity{
			{Title: "Cartographie des zones inondables", StartMonth: 1, EndMonth: 8},
			{Title: "Réseau de pluviomètres", StartMonth: 6, EndMonth: 14},
			{Title: "Conception des ouvrages de rétention", StartMonth: 10, EndMonth: 24},
		},
		results: []coopdec.Result{
			{Indicator: "Pluviomètres en service", Unit: "appareils", Baseline: "0", Target: "10"},
		},
		submitDaysEarly: 3,
		byMinistry:      scores(7, 7, 7, 6), byPartner: scores(7, 6, 7, 6),
		consensus: evalScores{7, 7, 7, 6},
		summary:   "Projet utile et réaliste, dont la durabilité dépend de l'inscription des ouvrages au budget municipal. Classé en liste complémentaire faute d'enveloppe suffisante.",
	},
	{
		lead: "bordeaux", author: "bordeaux@demo.coopdec.test", partner: "kochi",
		representative: "Shri Thomas Mathew, Health Officer, Kochi Municipal Corporation",
		grantEuros:     70_000, months: 24, country: "IN",
		themes: []string{"sustainable_development", "urban_development"}, places: []string{"Kochi", "Kerala"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Gestion des déchets : tri à la source et compostage de quartier à Kochi",
				Summary:        "Bordeaux accompagne Kochi dans la collecte séparée des biodéchets de trois quartiers et la création de plateformes de compostage de proximité.",
				Context:        "La décharge de Brahmapuram, saturée, reçoit l'essentiel des déchets de Kochi. Bordeaux Métropole a généralisé la collecte des biodéchets et le compostage partagé.",
				Objectives:     "Organiser le tri à la source dans trois quartiers ; ouvrir six plateformes de compostage ; former les agents de collecte.",
				Sustainability: "Les plateformes sont confiées à des associations de quartier."},
			"en": {Title: "Waste management: source separation and neighbourhood composting in Kochi",
				Summary: "Bordeaux supports Kochi in collecting organic waste separately in three neighbourhoods and setting up local composting sites."},
		},
		activities: []coopdec.Activity{
			{Title: "Campagne de sensibilisation", StartMonth: 1, EndMonth: 6},
			{Title: "Plateformes de compostage", StartMonth: 5, EndMonth: 20},
		},
		results: []coopdec.Result{
			{Indicator: "Biodéchets détournés de la décharge", Unit: "tonnes par an", Baseline: "0", Target: "1200"},
		},
		submitDaysEarly: 1,
		byMinistry:      scores(7, 3, 6, 6), byPartner: scores(6, 3, 6, 5),
		consensus: evalScores{6, 3, 6, 6},
		summary:   "Le sujet est pertinent, mais le partenariat reste à construire : la municipalité de Kochi n'est associée ni au diagnostic ni au pilotage. Le comité encourage une nouvelle candidature après une mission préparatoire.",
	},
	{
		lead: "lyon", author: "lyon@demo.coopdec.test", partner: "pune",
		representative: "Anil Deshpande, Additional Municipal Commissioner",
		grantEuros:     50_000, months: 18, country: "IN",
		themes: []string{"vocational_training", "urban_development"}, places: []string{"Pune", "Maharashtra"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Formation des cadres municipaux de Pune à la planification urbaine",
				Summary:        "Lyon et Pune conçoivent un cycle de formation à la planification urbaine pour soixante cadres de la Pune Municipal Corporation, avec des stages d'observation à Lyon.",
				Context:        "La croissance rapide de Pune dépasse les capacités de ses services d'urbanisme. La Métropole de Lyon coopère avec Pune depuis 2008.",
				Objectives:     "Former soixante cadres en trois promotions ; accueillir douze stagiaires à Lyon ; produire un guide de la planification locale.",
				Sustainability: "Le cycle est repris par l'institut de formation de la Pune Municipal Corporation."},
			"en": {Title: "Training Pune's municipal managers in urban planning",
				Summary: "Lyon and Pune design an urban planning training course for sixty managers of the Pune Municipal Corporation, with study visits to Lyon."},
		},
		activities: []coopdec.Activity{
			{Title: "Conception du cycle de formation", StartMonth: 1, EndMonth: 4},
			{Title: "Trois promotions", StartMonth: 5, EndMonth: 18},
		},
		results: []coopdec.Result{
			{Indicator: "Cadres formés", Unit: "personnes", Baseline: "0", Target: "60"},
		},
		submitDaysEarly: 12,
		// The ministry's evaluator saw a well-tried partnership, the Indian
		// one a course Pune's own institute already gives: a divergence.
		byMinistry: scores(9, 9, 8, 8), byPartner: scores(4, 4, 3, 4), byExtra: scores(7, 6, 6, 6),
		consensus: evalScores{7, 6, 6, 6},
		summary:   "Les évaluations divergeaient sur l'apport du cycle par rapport aux formations existantes ; une troisième évaluation a été demandée. Le comité retient l'intérêt du projet sous réserve d'une articulation avec l'institut de formation de Pune.",
	},
}

var medApplications = []evalAppSpec{
	{
		lead: "marseille", author: "marseille@demo.coopdec.test", partner: "sousse",
		representative: "Mme Leila Ben Salah, présidente de la municipalité",
		grantEuros:     40_000, months: 12, country: "TN",
		themes: []string{"local_governance"}, places: []string{"Sousse"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Diagnostic organisationnel des services techniques de Sousse",
				Summary:        "Marseille et Sousse réalisent le diagnostic des services techniques municipaux et un plan de formation des agents, préalables à la nouvelle organisation issue de la décentralisation.",
				Context:        "La municipalité de Sousse reprend des compétences de l'État sans avoir adapté l'organisation de ses services.",
				Objectives:     "Diagnostiquer quatre services ; élaborer un organigramme cible ; former vingt encadrants.",
				Sustainability: "L'organigramme est adopté par le conseil municipal."},
			"en": {Title: "Organisational review of Sousse's technical services",
				Summary: "Marseille and Sousse review the municipal technical services and draw up a training plan for their staff, ahead of the new organisation decentralisation calls for."},
		},
		activities: []coopdec.Activity{
			{Title: "Diagnostic des services", StartMonth: 1, EndMonth: 5},
			{Title: "Formation des encadrants", StartMonth: 5, EndMonth: 12},
		},
		results: []coopdec.Result{
			{Indicator: "Encadrants formés", Unit: "personnes", Baseline: "0", Target: "20"},
		},
		submitDaysEarly: 5,
		byMinistry:      scores(8, 8, 8, 7), byPartner: scores(8, 9, 7, 7),
		consensus: evalScores{8, 8, 8, 7},
		summary:   "Projet bien ciblé, première étape d'un partenariat durable entre les deux villes.",
	},
	{
		lead: "nice", author: "nice@demo.coopdec.test", partner: "beirut",
		representative: "M. Karim Nasr, directeur général de la municipalité",
		grantEuros:     50_000, months: 18, country: "LB",
		themes: []string{"decentralisation_support", "local_governance"}, places: []string{"Beyrouth"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Appui à la gestion budgétaire et fiscale de la municipalité de Beyrouth",
				Summary:        "Nice accompagne Beyrouth dans la modernisation de sa chaîne budgétaire et du recouvrement des taxes locales.",
				Context:        "Les recettes propres de Beyrouth sont mal recouvrées faute d'un fichier fiable des redevables.",
				Objectives:     "Fiabiliser le fichier des redevables ; former quinze agents ; publier un budget lisible par les habitants.",
				Sustainability: "Le fichier est tenu par le service des finances de la municipalité."},
			"en": {Title: "Supporting Beirut municipality's budget and tax management",
				Summary: "Nice supports Beirut in modernising its budget process and the collection of local taxes."},
		},
		activities: []coopdec.Activity{
			{Title: "Fiabilisation du fichier des redevables", StartMonth: 1, EndMonth: 10},
			{Title: "Budget citoyen", StartMonth: 10, EndMonth: 18},
		},
		results: []coopdec.Result{
			{Indicator: "Agents formés", Unit: "personnes", Baseline: "0", Target: "15"},
		},
		submitDaysEarly: 2,
		byMinistry:      scores(7, 7, 7, 7), byPartner: scores(8, 7, 6, 7),
		consensus: evalScores{7, 7, 7, 7},
		summary:   "Projet pertinent au regard de la réforme des finances locales au Liban ; le comité demande un point d'étape à mi-parcours.",
	},
}

var pact2Applications = []evalAppSpec{
	{
		lead: "bordeaux", author: "bordeaux@demo.coopdec.test", partner: "kochi",
		representative: "Shri Thomas Mathew, Health Officer, Kochi Municipal Corporation",
		grantEuros:     15_000, months: 9, country: "IN",
		themes: []string{"sustainable_development"}, places: []string{"Kochi", "Kerala"},
		texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Mission d'expertise : plan de gestion des déchets du marché d'Ernakulam",
				Summary:        "Deux ingénieurs de Bordeaux Métropole conduisent à Kochi une mission de diagnostic des déchets du marché d'Ernakulam et proposent un plan de tri et de compostage.",
				Context:        "Première étape du partenariat entre Bordeaux et Kochi sur les déchets, la mission prépare un projet plus large.",
				Objectives:     "Diagnostiquer les flux de déchets du marché ; proposer un plan d'action chiffré ; former les agents du marché.",
				Sustainability: "Le plan d'action est présenté au conseil municipal de Kochi."},
		},
		activities: []coopdec.Activity{
			{Title: "Mission de diagnostic à Kochi", StartMonth: 1, EndMonth: 3},
			{Title: "Restitution et plan d'action", StartMonth: 4, EndMonth: 9},
		},
		results: []coopdec.Result{
			{Indicator: "Agents du marché formés", Unit: "personnes", Baseline: "0", Target: "25"},
		},
		submitDaysEarly: 4,
		byMinistry:      scores(8, 7, 8, 7),
		draft:           true,
	},
}

// Seeds of the automatic assignments, fixed so that every load assigns the
// same evaluators.
const (
	assignSeed      = 2011
	extraAssignSeed = 2012
)

// loadEvaluation creates the evaluation demo once: when its first call
// exists, it was loaded before (or by another instance starting at the same
// time) and nothing is done.
func loadEvaluation(ctx context.Context, db *sqldb.DB, blobs blob.Store, ids map[string]int64) error {
	if _, err := db.CallByReference(ctx, evaluationCalls[0].reference); err == nil {
		return nil
	} else if coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return err
	}
	now := db.Now()
	programmes := map[string]int64{}
	for _, code := range []string{"joint-calls", "med-fund", "pact2"} {
		p, err := db.ProgrammeByCode(ctx, code)
		if err != nil {
			return err
		}
		programmes[code] = p.ID
	}
	calls := map[string]*coopdec.Call{}
	for _, spec := range evaluationCalls {
		c, err := spec.build(now, ids, programmes, nil)
		if err != nil {
			return err
		}
		err = db.CreateCall(ctx, c, coopdec.Actor{})
		if key, _ := coopdec.ErrorKey(err); key == "call.reference.taken" {
			return nil // another instance is loading it
		} else if err != nil {
			return fmt.Errorf("demo: call %s: %w", spec.reference, err)
		}
		calls[spec.reference] = c
	}
	e, err := newEvalLoader(ctx, db, blobs, ids)
	if err != nil {
		return err
	}
	if err := e.saveDeclarations(ctx); err != nil {
		return err
	}
	steps := []struct {
		call  string
		apps  []evalAppSpec
		pools map[coopdec.Party][]string
		after func(ctx context.Context, c *coopdec.Call, apps []*coopdec.Application) error
	}{
		{"AAP-FR-IN-00", indiaApplications, map[coopdec.Party][]string{
			coopdec.MinistryParty:       {evaluatorMinistry1, evaluatorMinistry2},
			coopdec.Party(ids["india"]): {evaluatorIndia1, evaluatorIndia2}},
			func(ctx context.Context, c *coopdec.Call, apps []*coopdec.Application) error {
				// The ministry approved; the Indian co-manager has yet to.
				_, err := e.decide(ctx, c, apps, e.officer)
				return err
			}},
		{"FRCDM-PACA-00", medApplications, map[coopdec.Party][]string{
			coopdec.MinistryParty:      {evaluatorMinistry1, evaluatorMinistry2},
			coopdec.Party(ids["paca"]): {evaluatorPACA}},
			func(ctx context.Context, c *coopdec.Call, apps []*coopdec.Application) error {
				paca, err := db.UserByEmail(ctx, "paca@demo.coopdec.test")
				if err != nil {
					return err
				}
				if _, err := e.decide(ctx, c, apps, e.officer, paca); err != nil {
					return err
				}
				return db.SetCallStatus(ctx, c.ID, coopdec.CallEvaluation, coopdec.CallDecided, e.as(e.officer))
			}},
		{"PACT2-MISSIONS-00", pact2Applications, map[coopdec.Party][]string{
			coopdec.MinistryParty: {evaluatorMinistry1, evaluatorMinistry2}}, nil},
	}
	// The additional session only has its applications submitted.
	spring := calls["AAP-FR-IN-02"]
	for i := range indiaApplications[:3] {
		spec := indiaApplications[i]
		spec.submitDaysEarly = 1 + i
		if _, err := e.submit(ctx, spring, &spec); err != nil {
			return fmt.Errorf("demo: application to %s: %w", spring.Reference, err)
		}
	}
	if err := db.SetCallStatus(ctx, spring.ID, coopdec.CallClosed, coopdec.CallEvaluation, e.as(e.officer)); err != nil {
		return err
	}
	for _, step := range steps {
		c := calls[step.call]
		apps, err := e.evaluate(ctx, c, step.apps, step.pools)
		if err != nil {
			return fmt.Errorf("demo: evaluation of %s: %w", step.call, err)
		}
		if step.after != nil {
			if err := step.after(ctx, c, apps); err != nil {
				return fmt.Errorf("demo: decision on %s: %w", step.call, err)
			}
		}
	}
	return nil
}

// evalLoader holds what the evaluation demo's steps share.
type evalLoader struct {
	db      *sqldb.DB
	blobs   blob.Store
	ids     map[string]int64
	officer *coopdec.User
	users   map[string]*coopdec.User // by email
	grid    *coopdec.Grid
}

func newEvalLoader(ctx context.Context, db *sqldb.DB, blobs blob.Store, ids map[string]int64) (*evalLoader, error) {
	e := &evalLoader{db: db, blobs: blobs, ids: ids, users: map[string]*coopdec.User{}}
	for _, a := range Accounts {
		u, err := db.UserByEmail(ctx, a.Email)
		if err != nil {
			return nil, err
		}
		e.users[a.Email] = u
	}
	e.officer = e.users["officer@demo.coopdec.test"]
	return e, nil
}

func (e *evalLoader) as(u *coopdec.User) coopdec.Actor { return coopdec.Actor{UserID: u.ID} }

// evaluationGrid is the grid of the three calls, in French and English.
func evaluationGrid() *coopdec.Grid {
	return &coopdec.Grid{
		Criteria: []coopdec.Criterion{
			{Code: "relevance", Weight: 3, Threshold: 5, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Pertinence", Description: "Le projet répond aux priorités de l'appel et aux besoins exprimés par la collectivité partenaire."},
				"en": {Title: "Relevance", Description: "The project meets the call's priorities and the needs the partner authority expressed."}}},
			{Code: "partnership", Weight: 2, Threshold: 4, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Qualité du partenariat", Description: "Les deux collectivités conçoivent et pilotent ensemble le projet ; chacune y apporte et en retire quelque chose."},
				"en": {Title: "Quality of the partnership", Description: "Both authorities design and steer the project together; each brings something and gains something."}}},
			{Code: "feasibility", Weight: 3, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Faisabilité et budget", Description: "Le calendrier, les moyens et le budget sont réalistes et cohérents avec les activités."},
				"en": {Title: "Feasibility and budget", Description: "The timetable, resources and budget are realistic and consistent with the activities."}}},
			{Code: "sustainability", Weight: 2, Texts: map[string]coopdec.CriterionText{
				"fr": {Title: "Durabilité", Description: "Les résultats perdurent après le projet : reprise par le partenaire, financement, compétences acquises."},
				"en": {Title: "Sustainability", Description: "The results last beyond the project: taken over by the partner, funded, skills acquired."}}},
		},
		Threshold: 6, // 3/5 on average
		TieBreaks: []coopdec.TieBreak{{Kind: coopdec.TieBreakCriterion, Criterion: "relevance"}, {Kind: coopdec.TieBreakSmallerRequest}},
	}
}

// declarations are the evaluators' declarations of interests; the
// organisation keys are resolved when saved.
var declarations = map[string][]struct {
	org, name, role string
	current         bool
}{
	evaluatorMinistry1: {
		{"", "Cabinet Lemoine Conseil", "Consultant en gestion des services urbains", true},
		{"nantes", "Ville de Nantes", "Directeur du cycle de l'eau (2004–2012)", false},
	},
	evaluatorMinistry2: {
		{"association", "Cités Unies France", "Chargée de mission Asie", true},
	},
	evaluatorIndia1: {
		{"niua", "National Institute of Urban Affairs (NIUA)", "Senior Urban Specialist", true},
		{"", "Asian Development Bank", "Consultant in urban water supply (2014–2017)", false},
	},
	evaluatorIndia2: {
		{"cept", "CEPT University", "Professor of Urban Planning", true},
	},
	evaluatorPACA: {
		{"", "Agence d'urbanisme de l'agglomération marseillaise (AGAM)", "Chargée d'études coopération méditerranéenne", true},
	},
}

func (e *evalLoader) saveDeclarations(ctx context.Context) error {
	for _, email := range []string{evaluatorMinistry1, evaluatorMinistry2, evaluatorIndia1, evaluatorIndia2, evaluatorPACA} {
		d := &coopdec.Declaration{}
		for _, o := range declarations[email] {
			d.Organisations = append(d.Organisations, coopdec.DeclaredOrganisation{OrganisationID: e.ids[o.org],
				Name: o.name, Role: o.role, Current: o.current})
		}
		if err := e.db.SaveDeclaration(ctx, e.users[email], d, e.as(e.users[email])); err != nil {
			return fmt.Errorf("demo: declaration of %s: %w", email, err)
		}
	}
	return nil
}

// evaluate submits specs to c, moves c to evaluation, confirms their
// admissibility, sets the evaluation up with pools, assigns, scores, adds
// an evaluator where the scores diverge, and records the consensus of every
// application whose evaluations are all submitted.
func (e *evalLoader) evaluate(ctx context.Context, c *coopdec.Call, specs []evalAppSpec, pools map[coopdec.Party][]string) ([]*coopdec.Application, error) {
	db, officer := e.db, e.officer
	apps := make([]*coopdec.Application, len(specs))
	for i := range specs {
		a, err := e.submit(ctx, c, &specs[i])
		if err != nil {
			return nil, err
		}
		apps[i] = a
	}
	if err := db.SetCallStatus(ctx, c.ID, coopdec.CallClosed, coopdec.CallEvaluation, e.as(officer)); err != nil {
		return nil, err
	}
	c.Status = coopdec.CallEvaluation
	for _, a := range apps {
		ad := &coopdec.Admissibility{ApplicationID: a.ID, Admissible: true, Reason: "Dossier complet ; critères d'éligibilité vérifiés."}
		if err := db.RecordAdmissibility(ctx, officer, ad, e.as(officer)); err != nil {
			return nil, err
		}
	}
	setup := &coopdec.EvaluationSetup{PerApplication: 2}
	for _, p := range coopdec.CallParties(c) {
		pool := coopdec.Pool{Party: p}
		for _, email := range pools[p] {
			pool.EvaluatorIDs = append(pool.EvaluatorIDs, e.users[email].ID)
		}
		setup.Pools = append(setup.Pools, pool)
	}
	e.grid = evaluationGrid()
	if err := db.SetEvaluationSetup(ctx, officer, c.ID, e.grid, setup, e.as(officer)); err != nil {
		return nil, err
	}
	grid, setup, err := db.EvaluationSetup(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	e.grid = grid

	if err := e.assign(ctx, c, setup, apps, nil, assignSeed, ""); err != nil {
		return nil, err
	}
	extras := map[int64]int{}
	for i, a := range apps {
		if err := e.score(ctx, c, setup, a, &specs[i], false); err != nil {
			return nil, err
		}
		if specs[i].byExtra == nil {
			continue
		}
		evals, err := db.ListEvaluations(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if !coopdec.Divergent(grid, evals, setup.DivergenceBP).Divergent {
			return nil, fmt.Errorf("application %s: scores meant to diverge do not", a.ReceiptNumber)
		}
		extras[a.ID] = 1
	}
	if len(extras) > 0 {
		if err := e.assign(ctx, c, setup, apps, extras, extraAssignSeed,
			"Écart de notation supérieur au seuil de l'appel : une troisième évaluation est demandée."); err != nil {
			return nil, err
		}
		for i, a := range apps {
			if extras[a.ID] > 0 {
				if err := e.score(ctx, c, setup, a, &specs[i], true); err != nil {
					return nil, err
				}
			}
		}
	}
	for i, a := range apps {
		if specs[i].draft {
			continue
		}
		cs := &coopdec.Consensus{ApplicationID: a.ID, Scores: e.criterionScores(specs[i].consensus, "fr"),
			Comment: specs[i].summary, Language: "fr"}
		if err := db.RecordConsensus(ctx, officer, cs, e.as(officer)); err != nil {
			return nil, err
		}
	}
	return apps, nil
}

// submit creates spec's application with its documents and its partner's
// confirmation, and submits it some days before c's deadline.
func (e *evalLoader) submit(ctx context.Context, c *coopdec.Call, spec *evalAppSpec) (*coopdec.Application, error) {
	db := e.db
	u := e.users[spec.author]
	actor := e.as(u)
	a := spec.application(c, e.ids)
	if err := db.CreateApplication(ctx, a, actor); err != nil {
		return nil, err
	}
	for _, code := range c.Rules.RequiredDocuments {
		body := PDF(documentTitles[code], asciiTitle(a.Texts["fr"].Title))
		info, err := e.blobs.Put(ctx, bytes.NewReader(body), coopdec.MaxAttachmentBytes)
		if err != nil {
			return nil, err
		}
		att := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: code, Name: code + ".pdf",
			MediaType: coopdec.AttachmentPDF.MediaType(), SizeBytes: info.Size, SHA256: info.SHA256}
		if err := db.AddAttachment(ctx, att, actor); err != nil {
			return nil, err
		}
	}
	var token string
	keep := func(_ *coopdec.PartnerConfirmation, _ *coopdec.Application, t string) []sqldb.Job {
		token = t
		return nil
	}
	email := fmt.Sprintf("partenaire-%d-0@demo.coopdec.test", a.ID)
	if _, err := db.InvitePartner(ctx, nil, a.ID, 0, 0, email, partnerLanguage(spec.country), actor, keep); err != nil {
		return nil, err
	}
	if _, err := db.RespondPartnerConfirmation(ctx, nil, token, coopdec.ConfirmationConfirmed, spec.representative, "",
		coopdec.Actor{}, nil); err != nil {
		return nil, err
	}
	at := c.Deadline.AddDate(0, 0, -spec.submitDaysEarly).Add(-3 * time.Hour)
	sub, err := db.SubmitApplication(ctx, nil, sqldb.SubmitRequest{ApplicationID: a.ID, At: at, User: u, Actor: actor})
	if err != nil {
		return nil, err
	}
	a.ReceiptNumber, a.SubmittedAt = sub.Receipt.Number, at
	return a, nil
}

// application builds spec's application to c: its budget asks the call's
// funders for half of its cost, the lead paying 40 % (a quarter of it in
// kind) and the partner 10 %.
func (spec *evalAppSpec) application(c *coopdec.Call, ids map[string]int64) *coopdec.Application {
	const euro = 100
	total := 2 * spec.grantEuros * euro
	pct := func(p int64) int64 { return total * p / 100 }
	partner := orgByKey(spec.partner)
	texts := make(map[string]coopdec.ApplicationText, len(spec.texts))
	for l, t := range spec.texts {
		texts[l] = t
	}
	return &coopdec.Application{
		CallID: c.ID, LeadOrganisationID: ids[spec.lead],
		Texts:          texts,
		Themes:         append([]string(nil), spec.themes...),
		Countries:      []string{spec.country},
		Places:         append([]string(nil), spec.places...),
		DurationMonths: spec.months,
		Activities:     append([]coopdec.Activity(nil), spec.activities...),
		Results:        append([]coopdec.Result(nil), spec.results...),
		Partners: []coopdec.Partner{{OrganisationID: ids[spec.partner], Name: partner.Name, Kind: partner.Kind,
			Country: partner.Country, Role: coopdec.RolePartner, Contribution: "Personnel, locaux et suivi sur place", ContributionCents: pct(10)}},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Expertise et coordination", AmountCents: pct(35)},
				{Category: coopdec.ExpenseTravel, Label: "Missions entre les deux villes", AmountCents: pct(15)},
				{Category: coopdec.ExpenseServices, Label: "Prestations, études et équipements", AmountCents: pct(30)},
				{Category: coopdec.ExpenseCommunication, Label: "Restitution et diffusion des résultats", AmountCents: pct(10)},
				{Category: coopdec.ExpenseInKind, Label: "Temps des agents de la collectivité", AmountCents: pct(10)},
			},
			Financing: append(grantLines(c, total/2),
				coopdec.FinancingLine{Source: coopdec.FundingOwnCash, Label: "Budget de la collectivité", AmountCents: pct(30)},
				coopdec.FinancingLine{Source: coopdec.FundingOwnInKind, Label: "Temps des agents de la collectivité", AmountCents: pct(10)},
				coopdec.FinancingLine{Source: coopdec.FundingPartner, PartnerOrganisationID: ids[spec.partner], Label: partner.Name, AmountCents: pct(10)},
			),
		},
	}
}

// orgByKey returns the demo organisation of key.
func orgByKey(key string) coopdec.Organisation {
	for _, s := range organisations {
		if s.key == key {
			return s.org
		}
	}
	return coopdec.Organisation{}
}

// assign runs the automatic assignment on c's applications (with extras,
// application ID → evaluators to add) and stores its plan.
func (e *evalLoader) assign(ctx context.Context, c *coopdec.Call, setup *coopdec.EvaluationSetup, apps []*coopdec.Application,
	extras map[int64]int, seed uint64, reason string) error {
	req := coopdec.AssignmentRequest{Setup: setup, Seed: seed}
	for _, a := range apps {
		if extras != nil && extras[a.ID] == 0 {
			continue
		}
		lead, err := e.db.Organisation(ctx, a.LeadOrganisationID)
		if err != nil {
			return err
		}
		req.Candidates = append(req.Candidates, coopdec.AssignmentCandidate{Application: a, Lead: lead, Extra: extras[a.ID]})
	}
	for _, pl := range setup.Pools {
		for _, id := range pl.EvaluatorIDs {
			u, d, err := e.evaluator(ctx, id)
			if err != nil {
				return err
			}
			req.Declarations = append(req.Declarations, d.WithMemberships(u))
		}
	}
	existing, err := e.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: c.ID})
	if err != nil {
		return err
	}
	req.Existing = existing
	plan, err := coopdec.Assign(req)
	if err != nil {
		return err
	}
	return e.db.CreateAssignments(ctx, e.officer, c.ID, plan, reason, e.as(e.officer))
}

func (e *evalLoader) evaluator(ctx context.Context, id int64) (*coopdec.User, *coopdec.Declaration, error) {
	for _, u := range e.users {
		if u.ID == id {
			d, err := e.db.Declaration(ctx, id)
			return u, d, err
		}
	}
	return nil, nil, fmt.Errorf("evaluator %d is no demo account", id)
}

// score has the evaluators of a's active assignments (the extra ones when
// extra) confirm they have no conflict and submit their scores; with
// spec.draft, the second evaluator only saves a partial draft.
func (e *evalLoader) score(ctx context.Context, c *coopdec.Call, setup *coopdec.EvaluationSetup, a *coopdec.Application,
	spec *evalAppSpec, extra bool) error {
	list, err := e.db.ListAssignments(ctx, sqldb.AssignmentFilter{ApplicationID: a.ID})
	if err != nil {
		return err
	}
	n := 0
	for _, as := range list {
		if !as.Active() || as.Extra != extra {
			continue
		}
		n++
		u, _, err := e.evaluator(ctx, as.EvaluatorID)
		if err != nil {
			return err
		}
		if err := e.db.ConfirmNoConflict(ctx, u, as.ID, e.as(u)); err != nil {
			return err
		}
		s, lang := spec.byMinistry, "fr"
		switch {
		case extra:
			s = spec.byExtra
		case as.Party != coopdec.MinistryParty:
			s = spec.byPartner
			if as.Party == coopdec.Party(e.ids["india"]) {
				lang = "en" // the Indian pool writes in English
			}
		case spec.draft && n > 1:
			// Two ministry evaluators: the second has started.
			ev := &coopdec.Evaluation{ApplicationID: a.ID, Scores: e.criterionScores(*spec.byMinistry, "fr")[:2]}
			if err := e.db.SaveEvaluation(ctx, u, ev); err != nil {
				return err
			}
			continue
		}
		ev := &coopdec.Evaluation{ApplicationID: a.ID, Scores: e.criterionScores(*s, lang), Comment: overall[lang]}
		if err := e.db.SubmitEvaluation(ctx, u, ev, e.as(u)); err != nil {
			return err
		}
	}
	return nil
}

var overall = map[string]string{
	"fr": "Évaluation établie sur le dossier déposé et ses pièces jointes.",
	"en": "Assessment based on the application as submitted and its attachments.",
}

// criterionScores turns s into scores with comments in lang, each comment
// chosen by the score's band.
func (e *evalLoader) criterionScores(s evalScores, lang string) []coopdec.CriterionScore {
	out := make([]coopdec.CriterionScore, len(e.grid.Criteria))
	for i, cr := range e.grid.Criteria {
		band := 0
		switch {
		case s[i] >= 8:
			band = 2
		case s[i] >= 5:
			band = 1
		}
		out[i] = coopdec.CriterionScore{Criterion: cr.Code, Score: s[i], Comment: bandComments[lang][cr.Code][band]}
	}
	return out
}

// bandComments are the comments on a criterion by score band (low,
// middle, high), in French and English.
var bandComments = map[string]map[string][3]string{
	"fr": {
		"relevance": {"Le lien avec les priorités de l'appel et les besoins du partenaire reste à démontrer.",
			"Le projet répond à un besoin réel, mais ses objectifs gagneraient à être resserrés.",
			"Le projet répond directement aux priorités de l'appel et à une demande exprimée par le partenaire."},
		"partnership": {"Le partenaire est peu associé à la conception et au pilotage du projet.",
			"Le partenariat est établi ; la répartition des rôles mérite d'être précisée.",
			"Partenariat ancien et équilibré, avec un pilotage conjoint clairement décrit."},
		"feasibility": {"Le calendrier et le budget paraissent irréalistes au regard des activités.",
			"Calendrier et budget plausibles ; quelques postes sont à justifier.",
			"Calendrier réaliste, budget détaillé et cohérent avec les activités."},
		"sustainability": {"Rien ne garantit la poursuite des actions après le projet.",
			"La reprise par le partenaire est prévue, sans financement encore identifié.",
			"La reprise des résultats par le partenaire est prévue et financée."},
	},
	"en": {
		"relevance": {"The link with the call's priorities and the partner's needs is not demonstrated.",
			"The project meets a real need, but its objectives could be narrower.",
			"The project directly meets the call's priorities and a need the partner expressed."},
		"partnership": {"The partner takes little part in designing and steering the project.",
			"The partnership is established; the sharing of roles should be clarified.",
			"A long-standing, balanced partnership with clearly described joint steering."},
		"feasibility": {"The timetable and budget look unrealistic for the activities planned.",
			"Plausible timetable and budget; a few items need justification.",
			"Realistic timetable; a detailed budget consistent with the activities."},
		"sustainability": {"Nothing ensures the activities continue after the project.",
			"The partner plans to take over, without identified funding yet.",
			"The partner's takeover of the results is planned and funded."},
	},
}

// decide draws c's funding line from the consensus and the funders'
// remaining envelopes, sends it to the parties as the decision, and
// records the approvals of approvers (each for the parties they act for).
func (e *evalLoader) decide(ctx context.Context, c *coopdec.Call, apps []*coopdec.Application, approvers ...*coopdec.User) (*coopdec.Decision, error) {
	db := e.db
	var cands []coopdec.Candidate
	for _, a := range apps {
		ad, err := db.Admissibility(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		cs, err := db.Consensus(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		cands = append(cands, coopdec.Candidate{ApplicationID: a.ID, Reference: a.ReceiptNumber, SubmittedAt: a.SubmittedAt,
			Admissible: ad.Admissible, Consensus: cs.Scores, RequestedCents: a.Budget.Totals().GrantCents})
	}
	entries, err := db.LedgerEntries(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	line, err := coopdec.DrawFundingLine(e.grid, c.Funders, cands, coopdec.FundingOptions{Remaining: coopdec.RemainingByFunder(c, entries)})
	if err != nil {
		return nil, err
	}
	if !coopdec.CanRunCommittee(e.officer, c) {
		return nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	d := &coopdec.Decision{CallID: c.ID, Entries: line.DecisionEntries()}
	if err := db.CreateDecision(ctx, d, e.as(e.officer)); err != nil {
		return nil, err
	}
	for _, u := range approvers {
		for _, p := range coopdec.PartiesOf(u, c) {
			ap := &coopdec.Approval{Party: p, Approved: true, Comment: "Liste conforme aux délibérations du comité."}
			if _, err := db.RecordApproval(ctx, u, d.ID, ap, e.as(u)); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}
