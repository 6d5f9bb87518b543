package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // deadlines are set in Europe/Paris even where the system has no zone files

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The demonstration programmes and calls of the 2011 press release. Their
// timelines are set relative to the day the demo is loaded, so that the
// platform always shows a mix of statuses: a draft, a forecast call, open
// calls and closed ones. Texts carry placeholders ({deadline}, {max_grant}…)
// that are filled from the call's own data, in each language's conventions,
// so that what a call says always matches what it enforces.

// demoProgrammes are the programmes of the 2011 press release.
var demoProgrammes = []coopdec.Programme{
	{Code: "pact2", Names: map[string]string{
		"fr": "PACT2 — Programme d'appui à la coopération thématique des collectivités territoriales (label «\u00a0expertise internationale\u00a0» et missions de coopération thématique)",
		"en": "PACT2 — Programme supporting thematic cooperation by local authorities (\"international expertise\" label and thematic cooperation missions)",
		"es": "PACT2 — Programa de apoyo a la cooperación temática de las colectividades territoriales (sello «experiencia internacional» y misiones de cooperación temática)",
		"pt": "PACT2 — Programa de apoio à cooperação temática das coletividades territoriais (selo \"expertise internacional\" e missões de cooperação temática)",
	}},
	{Code: "joint-calls", Names: map[string]string{
		"fr": "Appels à projets conjoints avec les États partenaires",
		"en": "Joint calls for projects with partner states",
		"es": "Convocatorias conjuntas de proyectos con los Estados socios",
		"pt": "Editais conjuntos com os Estados parceiros",
	}},
	{Code: "med-fund", Names: map[string]string{
		"fr": "Fonds régional pour la coopération décentralisée en Méditerranée (avec la Région Provence-Alpes-Côte d'Azur)",
		"en": "Regional Fund for Decentralised Cooperation in the Mediterranean (with the Provence-Alpes-Côte d'Azur Region)",
		"es": "Fondo Regional para la Cooperación Descentralizada en el Mediterráneo (con la Región Provenza-Alpes-Costa Azul)",
		"pt": "Fundo Regional para a Cooperação Descentralizada no Mediterrâneo (com a Região Provença-Alpes-Costa Azul)",
	}},
	{Code: "isimed", Names: map[string]string{
		"fr": "ISI@MED — Initiative pour la société de l'information en Méditerranée (avec le PNUD)",
		"en": "ISI@MED — Information Society Initiative for the Mediterranean (with UNDP)",
		"es": "ISI@MED — Iniciativa para la Sociedad de la Información en el Mediterráneo (con el PNUD)",
		"pt": "ISI@MED — Iniciativa para a Sociedade da Informação no Mediterrâneo (com o PNUD)",
	}},
}

// callOrganisations are organisations the calls need beyond those of
// demo.go; loadCalls creates them when the caller's map lacks them.
var callOrganisations = []orgSpec{
	{"morocco", coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministère de l'Intérieur du Royaume du Maroc — Direction générale des collectivités territoriales (DGCT)", Country: "MA"}},
}

// jointThemes are the themes of the joint calls with India, Brazil and
// Argentina, in the order of the press release.
var jointThemes = []string{
	"economic_development", "local_governance", "agriculture_food_security", "water_sanitation",
	"education", "vocational_training", "higher_education", "urban_development", "transport",
	"sustainable_development", "tourism_ecotourism", "culture", "heritage", "university_research",
}

// projectDocuments are the documents every project application carries.
var projectDocuments = []string{"council_deliberation", "letters_of_intent", "budget", "partner_agreement"}

type funderSpec struct {
	org           string // key into the organisations
	envelopeEuros int64
	shareBP       int
}

// redirectSpec sends a country's applicants to another demo call.
type redirectSpec struct {
	country   string
	reference string
}

// timeline positions a call's dates, in days from the day of loading.
type timeline struct {
	publish, opens, deadline, evaluation, results int
}

type callSpec struct {
	programme  string // programme code
	reference  string
	status     coopdec.CallStatus
	coManagers []string // organisation keys
	rule       coopdec.DecisionRule
	funders    []funderSpec
	themes     []string
	rules      coopdec.EligibilityRules // Excluded is filled from redirects
	redirects  []redirectSpec
	days       timeline
	texts      map[string]coopdec.CallText // templates, see fill
}

// demoCalls lists the calls in creation order: a call is created before
// any call that redirects to it.
var demoCalls = []callSpec{
	{
		// Announced in 2011 as "being negotiated"; the Mediterranean fund
		// sends projects in Morocco to it, so it is published, not draft.
		programme:  "joint-calls",
		reference:  "AAP-FR-MA-01",
		status:     coopdec.CallPublished,
		coManagers: []string{"morocco"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 400_000, 5000}, {"morocco", 400_000, 5000}},
		themes: []string{"local_governance", "decentralisation_support", "urban_development", "water_sanitation",
			"economic_development", "sustainable_development", "vocational_training", "tourism_ecotourism", "heritage", "culture"},
		rules: coopdec.EligibilityRules{
			Countries:         []string{"MA"},
			PartnerCountries:  []string{"MA"},
			MaxGrantCents:     100_000 * 100,
			MaxFundersShareBP: 5000,
			MinOwnShareBP:     2500,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 12,
			MaxDurationMonths: 36,
			RequiredDocuments: projectDocuments,
			NoOverdueReports:  true,
		},
		days:  timeline{publish: -5, opens: 20, deadline: 110, evaluation: 120, results: 180},
		texts: map[string]coopdec.CallText{"fr": moroccoFR},
	},
	{
		programme:  "joint-calls",
		reference:  "AAP-FR-IN-01",
		status:     coopdec.CallOpen,
		coManagers: []string{"india"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 500_000, 5000}, {"india", 500_000, 5000}},
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
		days:  timeline{publish: -50, opens: -35, deadline: 28, evaluation: 38, results: 110},
		texts: map[string]coopdec.CallText{"fr": indiaFR, "en": indiaEN},
	},
	{
		programme:  "joint-calls",
		reference:  "AAP-FR-BR-01",
		status:     coopdec.CallOpen,
		coManagers: []string{"brazil-abc", "brazil-saf"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 600_000, 5000}, {"brazil-abc", 600_000, 5000}},
		themes:     jointThemes,
		rules: coopdec.EligibilityRules{
			Countries:            []string{"group:africa", "HT"},
			PartnerCountries:     []string{"BR"},
			BeneficiaryCountries: []string{"group:africa", "HT"},
			MaxGrantCents:        200_000 * 100,
			MaxFundersShareBP:    5000,
			MinOwnShareBP:        2000,
			MaxInKindOfOwnBP:     5000,
			MinDurationMonths:    18,
			MaxDurationMonths:    36,
			RequiredDocuments:    projectDocuments,
			NoOverdueReports:     true,
		},
		days:  timeline{publish: -45, opens: -30, deadline: 42, evaluation: 50, results: 120},
		texts: map[string]coopdec.CallText{"fr": brazilFR, "pt": brazilPT},
	},
	{
		programme:  "joint-calls",
		reference:  "AAP-FR-AR-01",
		status:     coopdec.CallClosed,
		coManagers: []string{"argentina"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 300_000, 5000}, {"argentina", 300_000, 5000}},
		themes:     jointThemes,
		rules: coopdec.EligibilityRules{
			Countries:         []string{"AR"},
			PartnerCountries:  []string{"AR"},
			MaxGrantCents:     100_000 * 100,
			MaxFundersShareBP: 5000,
			MinOwnShareBP:     2500,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 12,
			MaxDurationMonths: 24,
			RequiredDocuments: projectDocuments,
			NoOverdueReports:  true,
		},
		days:  timeline{publish: -130, opens: -115, deadline: -12, evaluation: 6, results: 75},
		texts: map[string]coopdec.CallText{"fr": argentinaFR, "es": argentinaES},
	},
	{
		programme:  "med-fund",
		reference:  "FRCDM-PACA-01",
		status:     coopdec.CallOpen,
		coManagers: []string{"paca"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 400_000, 5000}, {"paca", 400_000, 5000}},
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
		redirects: []redirectSpec{{"MA", "AAP-FR-MA-01"}},
		days:      timeline{publish: -40, opens: -30, deadline: 21, evaluation: 30, results: 90},
		texts:     map[string]coopdec.CallText{"fr": medFR, "en": medEN},
	},
	{
		programme:  "isimed",
		reference:  "ISIMED-PNUD-01",
		status:     coopdec.CallClosed,
		coManagers: []string{"undp"},
		rule:       coopdec.DecisionAllParties,
		funders:    []funderSpec{{"ministry", 300_000, 6000}, {"undp", 200_000, 4000}},
		themes:     []string{"ict_local_resources", "ict_local_economic_development", "ict_community_projects"},
		rules: coopdec.EligibilityRules{
			Countries:         isimedCountries,
			PartnerCountries:  isimedCountries,
			MaxGrantCents:     60_000 * 100,
			MaxFundersShareBP: 7000,
			MinOwnShareBP:     1500,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 12,
			MaxDurationMonths: 24,
			RequiredDocuments: projectDocuments,
			NoOverdueReports:  true,
		},
		days:  timeline{publish: -100, opens: -90, deadline: -4, evaluation: 10, results: 70},
		texts: map[string]coopdec.CallText{"fr": isimedFR, "en": isimedEN},
	},
	pact2Missions("PACT2-MISSIONS-01", 1, coopdec.CallOpen, timeline{publish: -60, opens: -60, deadline: 56, evaluation: 63, results: 100}),
	// The next session, being prepared by the ministry's officers.
	pact2Missions("PACT2-MISSIONS-02", 2, coopdec.CallDraft, timeline{publish: 120, opens: 120, deadline: 240, evaluation: 247, results: 290}),
}

// isimedCountries are the southern and eastern shores of the Mediterranean
// where UNDP runs ISI@MED; Morocco is eligible here.
var isimedCountries = []string{"DZ", "EG", "JO", "LB", "LY", "MA", "PS", "SY", "TN"}

func pact2Missions(ref string, session int, status coopdec.CallStatus, days timeline) callSpec {
	n := strconv.Itoa(session)
	fr := pact2FR
	fr.Title = strings.ReplaceAll(fr.Title, "{session}", n)
	return callSpec{
		programme: "pact2",
		reference: ref,
		status:    status,
		rule:      coopdec.DecisionMinistry,
		funders:   []funderSpec{{"ministry", 400_000, 10000}},
		themes:    jointThemes,
		rules: coopdec.EligibilityRules{
			MaxGrantCents:     40_000 * 100,
			MaxFundersShareBP: 5000,
			MinOwnShareBP:     3000,
			MaxInKindOfOwnBP:  5000,
			MinDurationMonths: 6,
			MaxDurationMonths: 12,
			RequiredDocuments: []string{"council_deliberation", "letters_of_intent", "budget"},
			NoOverdueReports:  true,
		},
		days:  days,
		texts: map[string]coopdec.CallText{"fr": fr},
	}
}

// loadCalls creates the demonstration programmes and calls, with timelines
// relative to now, which should be the database's clock (db.Now()): the
// storage files a published call as published, open or closed as its dates
// make it at that clock. It is idempotent: a programme whose code or a call
// whose reference exists is kept as it is. orgIDs maps the keys of the demo
// organisations to their ids; organisations only the calls need are created
// when absent.
func loadCalls(ctx context.Context, db *sqldb.DB, orgIDs map[string]int64, now time.Time) error {
	system := coopdec.Actor{}
	ids := make(map[string]int64, len(orgIDs)+len(callOrganisations))
	for k, v := range orgIDs {
		ids[k] = v
	}
	if err := ensureOrganisations(ctx, db, callOrganisations, ids); err != nil {
		return err
	}

	programmes := map[string]int64{}
	for _, p := range demoProgrammes {
		existing, err := db.ProgrammeByCode(ctx, p.Code)
		switch coopdec.ErrorCode(err) {
		case "":
			programmes[p.Code] = existing.ID
			continue
		case coopdec.ENOTFOUND:
		default:
			return err
		}
		p.Names = cloneMap(p.Names)
		err = db.CreateProgramme(ctx, &p, system)
		if key, _ := coopdec.ErrorKey(err); key == "programme.code.taken" {
			// Another instance, starting at the same time, was faster.
			existing, err = db.ProgrammeByCode(ctx, p.Code)
			if err != nil {
				return err
			}
			p.ID = existing.ID
		} else if err != nil {
			return fmt.Errorf("demo: programme %s: %w", p.Code, err)
		}
		programmes[p.Code] = p.ID
	}

	calls := map[string]int64{}
	for _, spec := range demoCalls {
		existing, err := db.CallByReference(ctx, spec.reference)
		switch coopdec.ErrorCode(err) {
		case "":
			calls[spec.reference] = existing.ID
			continue
		case coopdec.ENOTFOUND:
		default:
			return err
		}
		c, err := spec.build(now, ids, programmes, calls)
		if err != nil {
			return err
		}
		err = db.CreateCall(ctx, c, system) // validates the call
		if key, _ := coopdec.ErrorKey(err); key == "call.reference.taken" {
			// Another instance, starting at the same time, was faster.
			if existing, err = db.CallByReference(ctx, spec.reference); err != nil {
				return err
			}
			c.ID = existing.ID
		} else if err != nil {
			return fmt.Errorf("demo: call %s: %w", spec.reference, err)
		}
		calls[spec.reference] = c.ID
	}
	return nil
}

// build makes the call, resolving organisation, programme and call keys to
// ids and placing its dates relative to now.
func (s callSpec) build(now time.Time, orgs, programmes, calls map[string]int64) (*coopdec.Call, error) {
	org := func(key string) (int64, error) {
		id := orgs[key]
		if id == 0 {
			return 0, fmt.Errorf("demo: call %s: no organisation %q", s.reference, key)
		}
		return id, nil
	}
	c := &coopdec.Call{
		Reference:    s.reference,
		DecisionRule: s.rule,
		Themes:       append([]string(nil), s.themes...),
		Rules:        s.rules,
		Status:       s.status,
		PublishAt:    parisDay(now, s.days.publish, 9),
		OpensAt:      parisDay(now, s.days.opens, 9),
		Deadline:     parisDay(now, s.days.deadline, 12),
		EvaluationAt: parisDay(now, s.days.evaluation, 9),
		ResultsAt:    parisDay(now, s.days.results, 9),
	}
	var ok bool
	if c.ProgrammeID, ok = programmes[s.programme]; !ok || c.ProgrammeID == 0 {
		return nil, fmt.Errorf("demo: call %s: no programme %q", s.reference, s.programme)
	}
	for _, key := range s.coManagers {
		id, err := org(key)
		if err != nil {
			return nil, err
		}
		c.CoManagers = append(c.CoManagers, id)
	}
	for _, f := range s.funders {
		id, err := org(f.org)
		if err != nil {
			return nil, err
		}
		c.Funders = append(c.Funders, coopdec.Funder{OrganisationID: id, EnvelopeCents: f.envelopeEuros * 100, ShareBP: f.shareBP})
	}
	r := &c.Rules
	r.Countries = append([]string(nil), r.Countries...)
	r.LeadTypes = append([]coopdec.AuthorityType(nil), r.LeadTypes...)
	r.PartnerCountries = append([]string(nil), r.PartnerCountries...)
	r.BeneficiaryCountries = append([]string(nil), r.BeneficiaryCountries...)
	r.RequiredDocuments = append([]string(nil), r.RequiredDocuments...)
	r.Excluded = nil
	for _, x := range s.redirects {
		id := calls[x.reference]
		if id == 0 {
			return nil, fmt.Errorf("demo: call %s: redirect to %s, not created yet", s.reference, x.reference)
		}
		r.Excluded = append(r.Excluded, coopdec.Exclusion{Country: x.country, RedirectCallID: id})
	}
	c.Texts = make(map[string]coopdec.CallText, len(s.texts))
	for lang, t := range s.texts {
		c.Texts[lang] = fill(t, lang, c)
	}
	return c, nil
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is embedded above
	}
	return loc
}()

// parisDay returns hour o'clock, Paris time, days after now's day in
// Paris, moved to the next working day when it falls on a weekend or a
// fixed-date public holiday; in UTC.
func parisDay(now time.Time, days, hour int) time.Time {
	y, m, d := now.In(paris).Date()
	t := time.Date(y, m, d+days, hour, 0, 0, 0, paris)
	for !workingDay(t) {
		d++
		t = time.Date(y, m, d+days, hour, 0, 0, 0, paris)
	}
	return t.UTC()
}

// workingDay reports whether t is neither a weekend day nor one of the
// French public holidays that fall on a fixed date.
func workingDay(t time.Time) bool {
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	switch [2]int{int(t.Month()), t.Day()} {
	case [2]int{1, 1}, [2]int{5, 1}, [2]int{5, 8}, [2]int{7, 14}, [2]int{8, 15}, [2]int{11, 1}, [2]int{11, 11}, [2]int{12, 25}:
		return false
	}
	return true
}

// fill replaces the placeholders of a text template with the call's data,
// written in lang's conventions.
func fill(t coopdec.CallText, lang string, c *coopdec.Call) coopdec.CallText {
	var total int64
	pairs := []string{}
	for i, f := range c.Funders {
		total += f.EnvelopeCents
		pairs = append(pairs, "{env"+strconv.Itoa(i)+"}", coopdec.FormatEuroCents(lang, f.EnvelopeCents))
	}
	pairs = append(pairs,
		"{total}", coopdec.FormatEuroCents(lang, total),
		"{max_grant}", coopdec.FormatEuroCents(lang, c.Rules.MaxGrantCents),
		"{max_funders}", coopdec.FormatBasisPoints(lang, c.Rules.MaxFundersShareBP),
		"{min_own}", coopdec.FormatBasisPoints(lang, c.Rules.MinOwnShareBP),
		"{in_kind}", coopdec.FormatBasisPoints(lang, c.Rules.MaxInKindOfOwnBP),
		"{min_months}", strconv.Itoa(c.Rules.MinDurationMonths),
		"{max_months}", strconv.Itoa(c.Rules.MaxDurationMonths),
		"{publish}", formatDate(c.PublishAt, lang),
		"{opens}", formatDate(c.OpensAt, lang),
		"{deadline}", formatDeadline(c.Deadline, lang),
		"{evaluation}", formatDate(c.EvaluationAt, lang),
		"{results}", formatDate(c.ResultsAt, lang),
	)
	r := strings.NewReplacer(pairs...)
	out := coopdec.CallText{Title: r.Replace(t.Title), Summary: r.Replace(t.Summary), Body: r.Replace(t.Body)}
	if lang == "fr" {
		out.Title, out.Summary, out.Body = frenchSpacing(out.Title), frenchSpacing(out.Summary), frenchSpacing(out.Body)
	}
	return out
}

// frenchSpacing puts the no-break space French typography wants before
// high punctuation, so that a colon never starts a line.
var frenchSpacing = strings.NewReplacer(" :", "\u00a0:", " ;", "\u00a0;", " ?", "\u00a0?", " !", "\u00a0!", "« ", "«\u00a0", " »", "\u00a0»").Replace

var monthNames = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"pt": {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
}

// formatDate writes t's day in Paris: "1er avril 2026", "1 April 2026",
// "1 de abril de 2026", "1º de abril de 2026".
func formatDate(t time.Time, lang string) string {
	t = t.In(paris)
	month := monthNames[lang][t.Month()-1]
	day := strconv.Itoa(t.Day())
	year := strconv.Itoa(t.Year())
	switch lang {
	case "fr":
		if t.Day() == 1 {
			day = "1er"
		}
		return day + " " + month + " " + year
	case "es":
		return day + " de " + month + " de " + year
	case "pt":
		if t.Day() == 1 {
			day = "1º"
		}
		return day + " de " + month + " de " + year
	default:
		return day + " " + month + " " + year
	}
}

// formatDeadline writes the date and time of a deadline in Paris, with the
// UTC time for partners abroad.
func formatDeadline(t time.Time, lang string) string {
	p, u := t.In(paris), t.UTC()
	date := formatDate(t, lang)
	switch lang {
	case "fr":
		return fmt.Sprintf("%s à %s, heure de Paris (%s UTC)", date, frenchHour(p), frenchHour(u))
	case "es":
		return fmt.Sprintf("%s a las %s, hora de París (%s UTC)", date, p.Format("15:04"), u.Format("15:04"))
	case "pt":
		return fmt.Sprintf("%s, às %s, horário de Paris (%s UTC)", date, portugueseHour(p), portugueseHour(u))
	default:
		return fmt.Sprintf("%s at %s Paris time (%s UTC)", date, p.Format("15:04"), u.Format("15:04"))
	}
}

func frenchHour(t time.Time) string {
	if t.Minute() == 0 {
		return strconv.Itoa(t.Hour()) + "\u00a0h"
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", t.Hour(), t.Minute())
}

func portugueseHour(t time.Time) string {
	return fmt.Sprintf("%dh%02d", t.Hour(), t.Minute())
}

// The texts. Placeholders: {total}, {env0}, {env1} (the funders' envelopes in
// order), {max_grant}, {max_funders}, {min_own}, {in_kind}, {min_months},
// {max_months}, {publish}, {opens}, {deadline}, {evaluation}, {results}.

var moroccoFR = coopdec.CallText{
	Title: "Appel à projets franco-marocain pour la coopération décentralisée",
	Summary: "Le ministère de l'Europe et des Affaires étrangères et le ministère de l'Intérieur du Royaume du Maroc (Direction générale des collectivités territoriales) lancent un appel à projets conjoint pour soutenir les partenariats entre collectivités territoriales françaises et marocaines. " +
		"Les projets accompagnent la régionalisation avancée et le renforcement des capacités de gestion des collectivités marocaines. " +
		"Cet appel accueille les projets concernant le Maroc, qui ne relèvent pas du Fonds régional pour la coopération décentralisée en Méditerranée.",
	Body: `Contexte

La coopération décentralisée franco-marocaine est l'une des plus anciennes et des plus denses : régions, départements, communes et groupements français entretiennent des partenariats durables avec les régions, provinces, préfectures et communes du Royaume. La réforme de la régionalisation avancée a confié aux collectivités marocaines des compétences élargies et appelle un renforcement de leurs capacités de gestion. Le présent appel à projets, négocié et géré conjointement par le ministère de l'Europe et des Affaires étrangères (Délégation pour l'action extérieure des collectivités territoriales, DAECT) et le ministère de l'Intérieur du Royaume du Maroc (Direction générale des collectivités territoriales, DGCT), soutient ces partenariats.

Il accueille en particulier les projets de gouvernance locale et d'appui à la décentralisation au Maroc : le Fonds régional pour la coopération décentralisée en Méditerranée, cogéré avec la Région Provence-Alpes-Côte d'Azur, ne couvre pas le Maroc et oriente ces projets vers le présent appel.

Objectifs

– accompagner les collectivités marocaines dans l'exercice de leurs nouvelles compétences ;
– améliorer la qualité et l'accès des services publics locaux ;
– favoriser les échanges d'expérience entre élus et cadres territoriaux des deux pays ;
– inscrire les partenariats dans la durée, avec des résultats mesurables.

Qui peut déposer un projet ?

Le projet est porté par une collectivité territoriale française ou un groupement de collectivités, en partenariat avec au moins une collectivité territoriale marocaine (région, préfecture, province ou commune). Les établissements publics, universités et associations peuvent être associés en qualité de partenaires.

Thématiques et actions éligibles

Gouvernance locale et appui institutionnel à la décentralisation et à la déconcentration, développement urbain, eau et assainissement, développement économique, développement durable, formation professionnelle, tourisme et écotourisme, patrimoine et culture. Sont éligibles les missions d'expertise, la formation des élus et des agents, l'appui à l'organisation des services, les études, les projets pilotes et la capitalisation des résultats. Les investissements lourds et les frais de fonctionnement courant ne sont pas éligibles.

Financement

L'enveloppe totale s'élève à {total} : {env0} apportés par le ministère de l'Europe et des Affaires étrangères et {env1} par le ministère de l'Intérieur du Royaume du Maroc. Chaque subvention est financée à parts égales par les deux parties. Elle ne peut dépasser {max_grant} par projet, ni {max_funders} du coût total. La collectivité française porteuse apporte au moins {min_own} du coût total, dont au plus {in_kind} en nature (mise à disposition de personnel, de locaux ou de matériel). Les projets durent de {min_months} à {max_months} mois.

Comment déposer un projet ?

Le dossier est déposé sur la plateforme, en français, par la collectivité française porteuse ; le partenaire marocain confirme sa participation sur la plateforme. Le dossier comprend la délibération de l'organe délibérant de la collectivité porteuse, les lettres d'intention des partenaires, le budget prévisionnel équilibré et la convention de partenariat signée ou son projet. Les dossiers sont évalués conjointement par les deux parties, après avis de l'ambassade de France au Maroc ; les décisions sont cosignées par les deux parties.

Calendrier

– publication de l'appel : {publish} ;
– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ; aucun dossier n'est accepté après cette échéance ;
– évaluation conjointe à partir du {evaluation} ;
– publication des résultats prévue le {results}.`,
}

var indiaFR = coopdec.CallText{
	Title: "Appel à projets franco-indien pour la coopération décentralisée",
	Summary: "Le ministère de l'Europe et des Affaires étrangères et le ministère indien du Logement et des Affaires urbaines lancent conjointement un appel à projets pour soutenir les partenariats entre collectivités territoriales françaises et collectivités locales indiennes. " +
		"Les projets, conçus dans une perspective gagnant-gagnant, portent sur les thématiques du développement local : développement urbain, eau et assainissement, transports, développement économique, patrimoine et culture, notamment. " +
		"Chaque projet retenu peut recevoir jusqu'à {max_grant}, financés à parts égales par les deux gouvernements.",
	Body: `Contexte

La France et l'Inde sont liées par un partenariat stratégique dans lequel les collectivités territoriales jouent un rôle croissant. Dans un pays émergent comme l'Inde, le renforcement de nos positions passe largement par celui des acteurs des territoires : collectivités, universités, centres de recherche et pôles de compétitivité. Villes, départements et régions de France partagent avec les municipalités indiennes des enjeux communs : urbanisation rapide, accès aux services essentiels, mobilité, préservation du patrimoine, attractivité économique. Le présent appel à projets, négocié et géré conjointement par le ministère de l'Europe et des Affaires étrangères (Délégation pour l'action extérieure des collectivités territoriales, DAECT) et le ministère indien du Logement et des Affaires urbaines, vise à soutenir et à développer la coopération décentralisée franco-indienne dans une perspective gagnant-gagnant.

Objectifs

– renforcer les capacités de gestion des collectivités partenaires, en France comme en Inde ;
– favoriser l'échange d'expertise et de savoir-faire entre élus, techniciens et acteurs des territoires ;
– associer aux partenariats les universités, centres de recherche, pôles de compétitivité et entreprises des deux pays ;
– obtenir des résultats concrets, mesurables et durables pour les habitants.

Qui peut déposer un projet ?

Le projet est porté par une collectivité territoriale française (région, département, commune) ou un groupement de collectivités (EPCI, syndicat mixte), en partenariat avec au moins une collectivité locale indienne (municipal corporation, municipalité ou institution du panchayati raj). Les gouvernements des États indiens, les universités, les centres de recherche, les pôles de compétitivité et les associations peuvent être associés au projet en qualité de partenaires, sans pouvoir le porter.

Thématiques et actions éligibles

Les projets relèvent d'une ou de plusieurs des thématiques suivantes : développement économique, gouvernance locale, agriculture et sécurité alimentaire, assainissement et ressources en eau, éducation, formation professionnelle, enseignement supérieur, développement urbain, transports, développement durable, tourisme et écotourisme, culture, patrimoine, coopération universitaire et recherche. Sont éligibles notamment les missions d'expertise et d'échange, la formation des agents, les études de faisabilité, les projets pilotes et les actions de démonstration, ainsi que la capitalisation et la diffusion des résultats. Les investissements lourds et les frais de fonctionnement courant des collectivités ne sont pas éligibles.

Financement

L'enveloppe totale de l'appel s'élève à {total} : {env0} apportés par le ministère de l'Europe et des Affaires étrangères et {env1} par le ministère indien du Logement et des Affaires urbaines. Chaque subvention est financée à parts égales par les deux ministères. Elle ne peut dépasser {max_grant} par projet, ni {max_funders} du coût total du projet. La collectivité française porteuse apporte au moins {min_own} du coût total ; les contributions en nature (mise à disposition de personnel, de locaux ou de matériel) sont admises dans la limite de {in_kind} de cet apport. La durée des projets est comprise entre {min_months} et {max_months} mois.

Comment déposer un projet ?

Les dossiers sont déposés exclusivement sur la plateforme, en français ou en anglais, par la collectivité française porteuse. Le partenaire indien confirme sa participation sur la plateforme, dans la langue de son choix. Le dossier comprend la délibération de l'organe délibérant de la collectivité porteuse autorisant le projet, les lettres d'intention des partenaires, le budget prévisionnel équilibré et l'accord de partenariat signé ou son projet. Les dossiers sont évalués conjointement par les deux ministères, après avis de l'ambassade de France en Inde ; les décisions sont cosignées par les deux parties.

Calendrier

– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ; aucun dossier n'est accepté après cette échéance ;
– évaluation conjointe à partir du {evaluation} ;
– publication des résultats prévue le {results}.`,
}

var indiaEN = coopdec.CallText{
	Title: "Indo-French joint call for projects in decentralised cooperation",
	Summary: "The French Ministry for Europe and Foreign Affairs and India's Ministry of Housing and Urban Affairs jointly launch a call for projects to support partnerships between French and Indian local authorities. " +
		"Projects, designed for mutual benefit, address local development themes such as urban development, water and sanitation, transport, economic development, heritage and culture. " +
		"Each selected project may receive up to {max_grant}, funded in equal shares by the two governments.",
	Body: `Background

France and India share a strategic partnership in which local authorities play a growing role. French cities, departments and regions face many of the same challenges as Indian municipalities: rapid urbanisation, access to basic services, mobility, heritage conservation and economic attractiveness. Universities, research centres and innovation clusters in both countries are key actors of these local partnerships. This call for projects, negotiated and managed jointly by the French Ministry for Europe and Foreign Affairs (Delegation for the External Action of Local Authorities, DAECT) and India's Ministry of Housing and Urban Affairs, aims to support and expand Indo-French decentralised cooperation on a mutually beneficial basis.

Objectives

– strengthen the management capacities of the partner authorities, in France and in India;
– foster the exchange of expertise and know-how between elected representatives, technical staff and local stakeholders;
– involve universities, research centres, innovation clusters and businesses of both countries in the partnerships;
– deliver concrete, measurable and lasting results for residents.

Who may apply

Projects are led by a French local authority (region, department or municipality) or a grouping of local authorities, in partnership with at least one Indian urban or rural local body (municipal corporation, municipality or panchayati raj institution). Indian State governments, universities, research centres, clusters and associations may take part as partners but may not lead a project.

Eligible themes and activities

Projects address one or more of the following themes: economic development, local governance, agriculture and food security, sanitation and water resources, education, vocational training, higher education, urban development, transport, sustainable development, tourism and ecotourism, culture, heritage, and university cooperation and research. Eligible activities include expert and exchange missions, staff training, feasibility studies, pilot and demonstration projects, and the documentation and dissemination of results. Major capital expenditure and the authorities' routine operating costs are not eligible.

Funding

The call has a total budget of {total}: {env0} from the French Ministry for Europe and Foreign Affairs and {env1} from India's Ministry of Housing and Urban Affairs. Each grant is funded in equal shares by the two ministries. A grant may not exceed {max_grant} per project, nor {max_funders} of the project's total cost. The French lead authority contributes at least {min_own} of the total cost; in-kind contributions (staff, premises or equipment) are accepted up to {in_kind} of that contribution. Projects last between {min_months} and {max_months} months.

How to apply

Applications are submitted on this platform only, in French or in English, by the French lead authority. The Indian partner confirms its participation on the platform, in the language of its choice. An application includes the resolution of the lead authority's council approving the project, letters of intent from the partners, a balanced provisional budget, and the signed partnership agreement or a draft of it. Applications are assessed jointly by the two ministries, after consultation of the Embassy of France in India; decisions are co-signed by both parties.

Timetable

– applications open: {opens};
– deadline: {deadline}; no application is accepted after this time;
– joint assessment from {evaluation};
– results expected on {results}.`,
}

var brazilFR = coopdec.CallText{
	Title: "Appel à projets franco-brésilien pour la coopération décentralisée trilatérale en Afrique et en Haïti",
	Summary: "Le ministère de l'Europe et des Affaires étrangères et le gouvernement brésilien, représenté par l'Agence brésilienne de coopération (ABC) et la Subchefia de Assuntos Federativos (SAF) de la présidence de la République, soutiennent des projets trilatéraux associant une collectivité territoriale française, une collectivité locale brésilienne et une collectivité d'un pays d'Afrique ou d'Haïti. " +
		"Les projets mobilisent l'expertise complémentaire des partenaires français et brésiliens au service du développement local du pays bénéficiaire. " +
		"Chaque projet retenu peut recevoir jusqu'à {max_grant}.",
	Body: `Contexte

La France et le Brésil entretiennent une coopération décentralisée dense, portée par de nombreux partenariats entre collectivités. Les deux pays partagent aussi un engagement ancien en faveur du développement de l'Afrique et d'Haïti, où leurs collectivités disposent de savoir-faire complémentaires, notamment dans les pays francophones et lusophones. Le présent appel à projets, négocié et géré conjointement par le ministère de l'Europe et des Affaires étrangères (Délégation pour l'action extérieure des collectivités territoriales, DAECT), l'Agence brésilienne de coopération (ABC) et la Subchefia de Assuntos Federativos (SAF) de la présidence de la République fédérative du Brésil, soutient spécifiquement des projets de coopération décentralisée trilatérale en Afrique et en Haïti.

Objectifs

– renforcer les capacités des collectivités locales africaines et haïtiennes dans la conduite des politiques publiques locales ;
– valoriser l'expertise croisée des collectivités françaises et brésiliennes ;
– consolider les partenariats franco-brésiliens existants en les ouvrant à un troisième partenaire ;
– obtenir des résultats durables, appropriés par les collectivités bénéficiaires.

Qui peut déposer un projet ?

Le projet est porté par une collectivité territoriale française ou un groupement de collectivités. Il associe obligatoirement au moins une collectivité locale brésilienne (município ou État fédéré) et au moins une collectivité locale d'un pays africain ou d'Haïti, bénéficiaire du projet. Les universités, centres de recherche et associations peuvent être associés en qualité de partenaires.

Thématiques et actions éligibles

Les projets relèvent des thématiques des appels conjoints : développement économique, gouvernance locale, agriculture et sécurité alimentaire, assainissement et ressources en eau, éducation, formation professionnelle, enseignement supérieur, développement urbain, transports, développement durable, tourisme et écotourisme, culture, patrimoine, coopération universitaire et recherche. Les actions se déroulent principalement dans le pays bénéficiaire : missions d'expertise conjointes franco-brésiliennes, formation des élus et des agents, appui à la maîtrise d'ouvrage locale, projets pilotes, échanges entre les trois partenaires.

Financement

L'enveloppe totale s'élève à {total} : {env0} apportés par le ministère de l'Europe et des Affaires étrangères et {env1} par l'Agence brésilienne de coopération. Chaque subvention est financée à parts égales par les deux gouvernements. Elle ne peut dépasser {max_grant} par projet, ni {max_funders} du coût total. La collectivité française porteuse apporte au moins {min_own} du coût total, dont au plus {in_kind} en nature ; les apports des partenaires brésiliens et bénéficiaires sont valorisés dans le budget. Les projets durent de {min_months} à {max_months} mois.

Comment déposer un projet ?

Le dossier est déposé sur la plateforme, en français ou en portugais, par la collectivité française porteuse ; les partenaires brésilien et bénéficiaire confirment leur participation sur la plateforme. Il comprend la délibération de la collectivité porteuse, les lettres d'intention des partenaires, le budget prévisionnel et l'accord de partenariat trilatéral signé ou son projet. Les dossiers sont évalués conjointement par les parties française et brésilienne, après avis des ambassades de France concernées ; les décisions sont cosignées par le ministère, l'ABC et la SAF.

Calendrier

– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ; aucun dossier n'est accepté après cette échéance ;
– évaluation conjointe à partir du {evaluation} ;
– publication des résultats prévue le {results}.`,
}

var brazilPT = coopdec.CallText{
	Title: "Edital franco-brasileiro de cooperação descentralizada trilateral na África e no Haiti",
	Summary: "O Ministério da Europa e das Relações Exteriores da França e o Governo brasileiro, por meio da Agência Brasileira de Cooperação (ABC) e da Subchefia de Assuntos Federativos (SAF) da Presidência da República, apoiam projetos trilaterais que reúnem uma coletividade territorial francesa, um governo local brasileiro e um governo local de um país africano ou do Haiti. " +
		"Os projetos mobilizam a experiência complementar dos parceiros franceses e brasileiros em benefício do desenvolvimento local do país beneficiário. " +
		"Cada projeto selecionado pode receber até {max_grant}.",
	Body: `Contexto

A França e o Brasil mantêm uma cooperação descentralizada intensa, sustentada por inúmeras parcerias entre governos locais. Os dois países compartilham também um compromisso antigo com o desenvolvimento da África e do Haiti, onde seus governos locais possuem conhecimentos complementares, especialmente nos países francófonos e lusófonos. Este edital, negociado e gerido conjuntamente pelo Ministério da Europa e das Relações Exteriores da França (Delegação para a Ação Externa das Coletividades Territoriais, DAECT), pela Agência Brasileira de Cooperação (ABC) e pela Subchefia de Assuntos Federativos (SAF) da Presidência da República, apoia especificamente projetos de cooperação descentralizada trilateral na África e no Haiti.

Objetivos

– fortalecer as capacidades dos governos locais africanos e haitianos na condução das políticas públicas locais;
– valorizar a experiência conjunta das coletividades francesas e dos governos locais brasileiros;
– consolidar as parcerias franco-brasileiras existentes, abrindo-as a um terceiro parceiro;
– gerar resultados duradouros, apropriados pelos governos locais beneficiários.

Quem pode apresentar propostas

A proposta é apresentada por uma coletividade territorial francesa ou por um agrupamento de coletividades. Deve incluir obrigatoriamente pelo menos um governo local brasileiro (município ou estado) e pelo menos um governo local de um país africano ou do Haiti, beneficiário do projeto. Universidades, centros de pesquisa e associações podem participar como parceiros.

Temas e ações elegíveis

Os projetos enquadram-se nos temas dos editais conjuntos: desenvolvimento econômico, governança local, agricultura e segurança alimentar, saneamento e recursos hídricos, educação, formação profissional, ensino superior, desenvolvimento urbano, transportes, desenvolvimento sustentável, turismo e ecoturismo, cultura, patrimônio, cooperação universitária e pesquisa. As ações são realizadas principalmente no país beneficiário: missões conjuntas de especialistas franceses e brasileiros, capacitação de autoridades eleitas e servidores, apoio à gestão local de projetos, projetos-piloto e intercâmbios entre os três parceiros.

Financiamento

O valor total do edital é de {total}: {env0} do Ministério da Europa e das Relações Exteriores da França e {env1} da Agência Brasileira de Cooperação. Cada apoio é financiado em partes iguais pelos dois governos e não pode ultrapassar {max_grant} por projeto nem {max_funders} do custo total. A coletividade francesa proponente contribui com no mínimo {min_own} do custo total, dos quais no máximo {in_kind} sob a forma de bens e serviços (contrapartida não financeira); as contrapartidas dos parceiros brasileiros e beneficiários são valorizadas no orçamento. Os projetos têm duração de {min_months} a {max_months} meses.

Como apresentar a proposta

A proposta é apresentada na plataforma, em francês ou em português, pela coletividade francesa proponente; os parceiros brasileiro e beneficiário confirmam sua participação na plataforma. A proposta inclui a deliberação do órgão deliberativo da coletividade proponente, as cartas de intenção dos parceiros, o orçamento previsto e o acordo de parceria trilateral assinado ou sua minuta. As propostas são avaliadas conjuntamente pelas partes francesa e brasileira, após parecer das embaixadas da França envolvidas; as decisões são assinadas conjuntamente pelo Ministério, pela ABC e pela SAF.

Calendário

– abertura das inscrições: {opens};
– prazo final para apresentação de propostas: {deadline}; nenhuma proposta será aceita após esse prazo;
– avaliação conjunta a partir de {evaluation};
– divulgação dos resultados prevista para {results}.`,
}

var argentinaFR = coopdec.CallText{
	Title: "Appel à projets franco-argentin pour la coopération décentralisée",
	Summary: "Le ministère de l'Europe et des Affaires étrangères et le ministère argentin des Relations extérieures, du Commerce international et du Culte lancent conjointement un appel à projets pour soutenir les partenariats entre collectivités territoriales françaises et collectivités locales argentines. " +
		"Les projets, conçus dans une perspective gagnant-gagnant, portent sur les thématiques du développement local. " +
		"Chaque projet retenu peut recevoir jusqu'à {max_grant}, financés à parts égales par les deux gouvernements.",
	Body: `Contexte

La France et l'Argentine entretiennent des liens humains, culturels et universitaires étroits, que prolongent de nombreux partenariats entre collectivités. Dans un pays émergent comme l'Argentine, les provinces et les municipios exercent des compétences étendues, en matière de développement économique, d'environnement ou de services urbains notamment. Le présent appel à projets, négocié et géré conjointement par le ministère de l'Europe et des Affaires étrangères (Délégation pour l'action extérieure des collectivités territoriales, DAECT) et le ministère argentin des Relations extérieures, du Commerce international et du Culte, vise à soutenir et à développer la coopération décentralisée franco-argentine dans une perspective gagnant-gagnant.

Objectifs

– renforcer les capacités de gestion des collectivités partenaires des deux pays ;
– favoriser l'échange d'expertise entre élus, techniciens et acteurs des territoires ;
– associer aux partenariats les universités, centres de recherche et pôles de compétitivité ;
– obtenir des résultats concrets et durables pour les habitants.

Qui peut déposer un projet ?

Le projet est porté par une collectivité territoriale française ou un groupement de collectivités, en partenariat avec au moins une collectivité locale argentine (municipio ou province). Les universités, centres de recherche, pôles de compétitivité et associations peuvent être associés en qualité de partenaires.

Thématiques et actions éligibles

Développement économique, gouvernance locale, agriculture et sécurité alimentaire, assainissement et ressources en eau, éducation, formation professionnelle, enseignement supérieur, développement urbain, transports, développement durable, tourisme et écotourisme, culture, patrimoine, coopération universitaire et recherche. Sont éligibles les missions d'expertise et d'échange, la formation, les études, les projets pilotes et la diffusion des résultats. Les investissements lourds et les frais de fonctionnement courant ne sont pas éligibles.

Financement

L'enveloppe totale s'élève à {total} : {env0} apportés par le ministère de l'Europe et des Affaires étrangères et {env1} par le ministère argentin des Relations extérieures, du Commerce international et du Culte. Chaque subvention est financée à parts égales par les deux ministères. Elle ne peut dépasser {max_grant} par projet, ni {max_funders} du coût total. La collectivité française porteuse apporte au moins {min_own} du coût total, dont au plus {in_kind} en nature. Les projets durent de {min_months} à {max_months} mois.

Comment déposer un projet ?

Le dossier est déposé sur la plateforme, en français ou en espagnol, par la collectivité française porteuse ; le partenaire argentin confirme sa participation sur la plateforme. Il comprend la délibération de la collectivité porteuse, les lettres d'intention des partenaires, le budget prévisionnel et l'accord de partenariat signé ou son projet. Les dossiers sont évalués conjointement par les deux ministères, après avis de l'ambassade de France en Argentine ; les décisions sont cosignées par les deux parties.

Calendrier

– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ; aucun dossier n'est accepté après cette échéance ;
– évaluation conjointe à partir du {evaluation} ;
– publication des résultats prévue le {results}.`,
}

var argentinaES = coopdec.CallText{
	Title: "Convocatoria franco-argentina de proyectos de cooperación descentralizada",
	Summary: "El Ministerio de Europa y de Asuntos Exteriores de Francia y el Ministerio de Relaciones Exteriores, Comercio Internacional y Culto de la República Argentina lanzan conjuntamente una convocatoria para apoyar las asociaciones entre colectividades territoriales francesas y gobiernos locales argentinos. " +
		"Los proyectos, concebidos en beneficio mutuo, abordan temáticas de desarrollo local. " +
		"Cada proyecto seleccionado puede recibir hasta {max_grant}, financiados en partes iguales por ambos gobiernos.",
	Body: `Contexto

Francia y Argentina mantienen estrechos vínculos humanos, culturales y universitarios, que se prolongan en numerosas asociaciones entre gobiernos locales. En Argentina, las provincias y los municipios ejercen amplias competencias, en particular en materia de desarrollo económico, ambiente y servicios urbanos. Esta convocatoria, negociada y gestionada conjuntamente por el Ministerio de Europa y de Asuntos Exteriores de Francia (Delegación para la Acción Exterior de las Colectividades Territoriales, DAECT) y el Ministerio de Relaciones Exteriores, Comercio Internacional y Culto de la República Argentina, tiene por objeto apoyar y desarrollar la cooperación descentralizada franco-argentina en beneficio mutuo.

Objetivos

– fortalecer las capacidades de gestión de los gobiernos locales de ambos países;
– fomentar el intercambio de experiencias entre autoridades electas, técnicos y actores de los territorios;
– asociar a las universidades, los centros de investigación y los polos de competitividad;
– obtener resultados concretos y duraderos para los habitantes.

Quiénes pueden presentar proyectos

El proyecto es presentado por una colectividad territorial francesa o una agrupación de colectividades, en asociación con al menos un gobierno local argentino (municipio o provincia). Las universidades, los centros de investigación, los polos de competitividad y las asociaciones pueden participar como socios.

Temáticas y acciones elegibles

Desarrollo económico, gobernanza local, agricultura y seguridad alimentaria, saneamiento y recursos hídricos, educación, formación profesional, educación superior, desarrollo urbano, transporte, desarrollo sostenible, turismo y ecoturismo, cultura, patrimonio, cooperación universitaria e investigación. Son elegibles las misiones de asistencia técnica e intercambio, la capacitación, los estudios, los proyectos piloto y la difusión de resultados. No son elegibles las grandes inversiones ni los gastos corrientes de funcionamiento.

Financiamiento

El monto total de la convocatoria asciende a {total}: {env0} aportados por el Ministerio de Europa y de Asuntos Exteriores de Francia y {env1} por el Ministerio de Relaciones Exteriores, Comercio Internacional y Culto. Cada subvención es financiada en partes iguales por ambos ministerios y no puede superar {max_grant} por proyecto ni el {max_funders} del costo total. La colectividad francesa que presenta el proyecto aporta al menos el {min_own} del costo total, del cual como máximo el {in_kind} en especie (personal, locales o equipamiento). Los proyectos tienen una duración de {min_months} a {max_months} meses.

Cómo presentar un proyecto

La colectividad francesa que lidera el proyecto lo presenta en la plataforma, en francés o en español; el socio argentino confirma su participación en la plataforma. La solicitud incluye la deliberación del órgano deliberativo de la colectividad francesa, las cartas de intención de los socios, el presupuesto estimado y el acuerdo de asociación firmado o su borrador. Los proyectos son evaluados conjuntamente por ambos ministerios, previa opinión de la Embajada de Francia en Argentina; las decisiones son firmadas por ambas partes.

Calendario

– apertura de la convocatoria: {opens};
– fecha límite: {deadline}; no se aceptará ninguna solicitud después de ese plazo;
– evaluación conjunta a partir del {evaluation};
– publicación de los resultados prevista para el {results}.`,
}

var medFR = coopdec.CallText{
	Title: "Fonds régional pour la coopération décentralisée en Méditerranée : appel à projets",
	Summary: "La Délégation pour l'action extérieure des collectivités territoriales et la Région Provence-Alpes-Côte d'Azur, en concertation avec les collectivités territoriales de la région, soutiennent les projets de coopération décentralisée en Méditerranée dans le domaine de la gouvernance locale et de l'appui institutionnel à la décentralisation et à la déconcentration. " +
		"Huit pays sont éligibles : l'Algérie, l'Égypte, la Jordanie, le Liban, la Syrie, les Territoires palestiniens, la Tunisie et la Turquie. " +
		"Les projets sont portés par des collectivités de la région Provence-Alpes-Côte d'Azur ; ceux qui concernent le Maroc relèvent de l'appel à projets franco-marocain.",
	Body: `Contexte

Les pays du pourtour méditerranéen conduisent, à des rythmes divers, des réformes de décentralisation et de déconcentration qui confient de nouvelles compétences aux collectivités locales et aux services de l'État sur le territoire. Les collectivités de Provence-Alpes-Côte d'Azur entretiennent avec leurs homologues des rives sud et est de la Méditerranée des liens anciens. Pour les renforcer, la Délégation pour l'action extérieure des collectivités territoriales (DAECT) du ministère de l'Europe et des Affaires étrangères et le conseil régional de Provence-Alpes-Côte d'Azur, en concertation avec toutes les collectivités territoriales de la région, ont créé le Fonds régional pour la coopération décentralisée en Méditerranée.

Objectifs

– accompagner les collectivités partenaires dans l'exercice de leurs compétences et l'amélioration des services rendus aux habitants ;
– appuyer la mise en œuvre des réformes de décentralisation et de déconcentration : organisation des services, gestion des ressources humaines et financières, fiscalité locale, planification, participation des citoyens ;
– favoriser la mise en réseau des collectivités des deux rives et la mutualisation de leurs actions.

Qui peut déposer un projet ?

Le projet est porté par un département, une commune ou un groupement de collectivités de la région Provence-Alpes-Côte d'Azur ; la Région, qui cogère le fonds, n'en porte pas elle-même. Il associe au moins une collectivité locale de l'un des huit pays éligibles : l'Algérie, l'Égypte, la Jordanie, le Liban, la Syrie, les Territoires palestiniens, la Tunisie et la Turquie. Les projets concernant le Maroc ne relèvent pas de ce fonds : ils sont présentés dans le cadre de l'appel à projets franco-marocain (référence AAP-FR-MA-01).

Actions éligibles

Sont éligibles les actions de gouvernance locale et d'appui institutionnel : diagnostics organisationnels, formation des élus et des agents territoriaux, accompagnement de la création ou de la réorganisation de services locaux, appui à la gestion budgétaire et fiscale, outils de planification et de concertation, échanges entre services homologues. Les actions ponctuelles sans suite, les dépenses d'équipement sans lien avec l'appui institutionnel et les frais de fonctionnement courant ne sont pas éligibles.

Financement

Le fonds est doté pour cet appel de {total} : {env0} apportés par le ministère de l'Europe et des Affaires étrangères et {env1} par la Région Provence-Alpes-Côte d'Azur, qui financent chaque subvention à parts égales. La subvention ne peut dépasser {max_grant} par projet, ni {max_funders} du coût total. La collectivité porteuse apporte au moins {min_own} du coût total, dont au plus {in_kind} en nature. Les projets durent de {min_months} à {max_months} mois.

Comment déposer un projet ?

Le dossier est déposé sur la plateforme, en français, par la collectivité porteuse ; le partenaire méditerranéen confirme sa participation sur la plateforme, en français ou en anglais. Le dossier comprend la délibération de la collectivité porteuse, les lettres d'intention des partenaires, le budget prévisionnel et la convention de partenariat signée ou son projet. Les dossiers sont instruits conjointement par la DAECT et la Région, après avis des ambassades de France concernées ; les décisions sont cosignées par les deux parties.

Calendrier

– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ; aucun dossier n'est accepté après cette échéance ;
– instruction conjointe à partir du {evaluation} ;
– publication des résultats prévue le {results}.`,
}

var medEN = coopdec.CallText{
	Title: "Regional Fund for Decentralised Cooperation in the Mediterranean: call for projects",
	Summary: "The Delegation for the External Action of Local Authorities and the Provence-Alpes-Côte d'Azur Region, in consultation with the local authorities of the region, support decentralised cooperation projects in the Mediterranean on local governance and institutional support for decentralisation and deconcentration. " +
		"Eight countries are eligible: Algeria, Egypt, Jordan, Lebanon, Syria, the Palestinian Territories, Tunisia and Türkiye. " +
		"Projects are led by local authorities of the Provence-Alpes-Côte d'Azur region; projects in Morocco fall under the Franco-Moroccan call for projects.",
	Body: `Background

Countries around the Mediterranean are carrying out, at different paces, decentralisation and deconcentration reforms that entrust new responsibilities to local authorities and to the State's local services. Local authorities of Provence-Alpes-Côte d'Azur have long-standing ties with their counterparts on the southern and eastern shores of the Mediterranean. To strengthen them, the Delegation for the External Action of Local Authorities (DAECT) of the French Ministry for Europe and Foreign Affairs and the Provence-Alpes-Côte d'Azur Regional Council, in consultation with all the local authorities of the region, have set up the Regional Fund for Decentralised Cooperation in the Mediterranean.

Objectives

– support partner authorities in exercising their responsibilities and improving the services they provide to residents;
– support the implementation of decentralisation and deconcentration reforms: organisation of services, human and financial resource management, local taxation, planning, citizen participation;
– foster networking between local authorities of both shores and the pooling of their activities.

Who may apply

Projects are led by a department, a municipality or a grouping of local authorities of the Provence-Alpes-Côte d'Azur region; the Region, which co-manages the fund, does not lead projects itself. They involve at least one local authority of one of the eight eligible countries: Algeria, Egypt, Jordan, Lebanon, Syria, the Palestinian Territories, Tunisia and Türkiye. Projects in Morocco are not eligible for this fund: they are submitted under the Franco-Moroccan call for projects (reference AAP-FR-MA-01).

Eligible activities

Eligible activities cover local governance and institutional support: organisational assessments, training of elected representatives and local government staff, support for setting up or reorganising local services, support for budget and tax management, planning and consultation tools, and exchanges between peer departments. One-off activities without follow-up, equipment unrelated to institutional support and routine operating costs are not eligible.

Funding

The fund allocates {total} to this call: {env0} from the French Ministry for Europe and Foreign Affairs and {env1} from the Provence-Alpes-Côte d'Azur Region, which fund each grant in equal shares. A grant may not exceed {max_grant} per project, nor {max_funders} of the total cost. The lead authority contributes at least {min_own} of the total cost, of which at most {in_kind} in kind. Projects last between {min_months} and {max_months} months.

How to apply

Applications are submitted on the platform, in French, by the lead authority; the Mediterranean partner confirms its participation on the platform, in French or in English. An application includes the resolution of the lead authority's council, letters of intent from the partners, the provisional budget and the signed partnership agreement or a draft of it. Applications are reviewed jointly by the DAECT and the Region, after consultation of the French embassies concerned; decisions are co-signed by both parties.

Timetable

– applications open: {opens};
– deadline: {deadline}; no application is accepted after this time;
– joint review from {evaluation};
– results expected on {results}.`,
}

var isimedFR = coopdec.CallText{
	Title: "ISI@MED : réduire la fracture numérique dans les pays de la rive sud de la Méditerranée",
	Summary: "La Délégation pour l'action extérieure des collectivités territoriales et le Programme des Nations unies pour le développement (PNUD) lancent un appel à projets conjoint dans le cadre du programme ISI@MED (Initiative pour la société de l'information en Méditerranée). " +
		"Il soutient des projets innovants de coopération décentralisée en matière de société de l'information dans les pays du sud de la Méditerranée, dans trois domaines prioritaires : la gestion des ressources locales et territoriales, le développement économique local et le développement de projets communautaires. " +
		"Les projets retenus bénéficient d'un accompagnement méthodologique pour renforcer les capacités des partenaires méditerranéens en matière de TIC.",
	Body: `Contexte

Lancé en 2009 par les Nations unies, le programme ISI@MED (Initiative pour la société de l'information en Méditerranée) entend réduire la pauvreté en comblant la fracture numérique. L'accès aux technologies de l'information et de la communication (TIC) et leur maîtrise par les institutions locales conditionnent de plus en plus la qualité des services publics, le dynamisme économique des territoires et la participation des habitants. Les collectivités territoriales françaises, qui ont acquis une expérience reconnue de l'administration numérique et de l'aménagement numérique du territoire, peuvent la partager avec leurs partenaires méditerranéens. La Délégation pour l'action extérieure des collectivités territoriales (DAECT) et le PNUD lancent à cette fin un appel à projets conjoint.

Domaines prioritaires

– la gestion des ressources locales et territoriales : systèmes d'information géographique, état civil et cadastre numériques, gestion des réseaux d'eau, des déchets et de l'éclairage public, outils de gestion budgétaire ;
– le développement économique local : services numériques aux entreprises, guichets uniques en ligne, promotion touristique, espaces numériques pour les jeunes entrepreneurs ;
– le développement de projets communautaires : espaces publics numériques, inclusion numérique des femmes et des jeunes, outils de participation citoyenne, services de proximité en ligne.

Qui peut déposer un projet ?

Le projet est porté par une collectivité territoriale française ou un groupement de collectivités, en partenariat avec au moins une collectivité locale de l'un des pays suivants : Algérie, Égypte, Jordanie, Liban, Libye, Maroc, Syrie, Territoires palestiniens, Tunisie. Les universités, associations et opérateurs publics du numérique peuvent être associés en qualité de partenaires.

Accompagnement méthodologique

Les projets retenus bénéficient d'un accompagnement méthodologique assuré par le PNUD et les partenaires du programme ISI@MED : appui à la définition des besoins et au choix des solutions, formation des équipes locales, suivi des résultats et échanges d'expérience entre projets. Cet accompagnement, qui n'est pas imputé sur la subvention, vise à renforcer durablement les capacités des partenaires méditerranéens en matière de TIC.

Financement

L'enveloppe totale s'élève à {total} : {env0} apportés par le ministère de l'Europe et des Affaires étrangères et {env1} par le PNUD. La subvention ne peut dépasser {max_grant} par projet, ni {max_funders} du coût total. La collectivité porteuse apporte au moins {min_own} du coût total, dont au plus {in_kind} en nature. Les logiciels libres et les solutions dont le partenaire pourra assurer seul la maintenance sont privilégiés. Les projets durent de {min_months} à {max_months} mois.

Comment déposer un projet ?

Le dossier est déposé sur la plateforme, en français ou en anglais, par la collectivité porteuse ; le partenaire méditerranéen confirme sa participation sur la plateforme. Il comprend la délibération de la collectivité porteuse, les lettres d'intention des partenaires, le budget prévisionnel et l'accord de partenariat signé ou son projet. Les dossiers sont évalués conjointement par la DAECT et le PNUD, après avis des ambassades de France concernées ; les décisions sont cosignées par les deux parties.

Calendrier

– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ; aucun dossier n'est accepté après cette échéance ;
– évaluation conjointe à partir du {evaluation} ;
– publication des résultats prévue le {results}.`,
}

var isimedEN = coopdec.CallText{
	Title: "ISI@MED: bridging the digital divide on the southern shore of the Mediterranean",
	Summary: "The Delegation for the External Action of Local Authorities and the United Nations Development Programme (UNDP) launch a joint call for projects within the ISI@MED programme (Information Society Initiative for the Mediterranean). " +
		"It supports innovative decentralised cooperation projects for the information society in the countries of the southern Mediterranean, in three priority areas: management of local and territorial resources, local economic development, and community project development. " +
		"Selected projects receive methodological support to strengthen the ICT capacities of the Mediterranean partners.",
	Body: `Background

Launched by the United Nations in 2009, the ISI@MED programme (Information Society Initiative for the Mediterranean) aims to reduce poverty by bridging the digital divide. Access to information and communication technologies (ICT), and the ability of local institutions to use them, increasingly shape the quality of public services, the economic vitality of territories and the participation of residents. French local authorities have built recognised experience in e-government and digital infrastructure planning, which they can share with their Mediterranean partners. To this end, the Delegation for the External Action of Local Authorities (DAECT) and UNDP are launching a joint call for projects.

Priority areas

– management of local and territorial resources: geographic information systems, digital civil registers and land records, management of water, waste and street-lighting networks, budget management tools;
– local economic development: digital services for businesses, online one-stop shops, tourism promotion, digital spaces for young entrepreneurs;
– community project development: public digital spaces, digital inclusion of women and young people, citizen participation tools, local online services.

Who may apply

Projects are led by a French local authority or a grouping of local authorities, in partnership with at least one local authority of one of the following countries: Algeria, Egypt, Jordan, Lebanon, Libya, Morocco, Syria, the Palestinian Territories, Tunisia. Universities, associations and public digital agencies may take part as partners.

Methodological support

Selected projects receive methodological support from UNDP and the partners of the ISI@MED programme: help in defining needs and choosing solutions, training of local teams, monitoring of results and exchanges of experience between projects. This support, which is not charged to the grant, aims at strengthening the ICT capacities of the Mediterranean partners in a lasting way.

Funding

The call has a total budget of {total}: {env0} from the French Ministry for Europe and Foreign Affairs and {env1} from UNDP. A grant may not exceed {max_grant} per project, nor {max_funders} of the total cost. The lead authority contributes at least {min_own} of the total cost, of which at most {in_kind} in kind. Open-source software and solutions the partner can maintain on its own are preferred. Projects last between {min_months} and {max_months} months.

How to apply

Applications are submitted on the platform, in French or in English, by the lead authority; the Mediterranean partner confirms its participation on the platform. An application includes the resolution of the lead authority's council, letters of intent from the partners, the provisional budget and the signed partnership agreement or a draft of it. Applications are assessed jointly by the DAECT and UNDP, after consultation of the French embassies concerned; decisions are co-signed by both parties.

Timetable

– applications open: {opens};
– deadline: {deadline}; no application is accepted after this time;
– joint assessment from {evaluation};
– results expected on {results}.`,
}

// pact2FR is the text of a session of PACT2 mission financing; {session} is
// its number.
var pact2FR = coopdec.CallText{
	Title: "PACT2 : financement des missions de coopération thématique (session {session})",
	Summary: "Le programme d'appui à la coopération thématique des collectivités territoriales (PACT2) finance des missions d'expertise menées par des collectivités territoriales françaises auprès de partenaires étrangers, à leur initiative ou à la demande du ministère. " +
		"Les collectivités titulaires du label « expertise internationale » sont prioritaires. " +
		"Chaque mission peut recevoir jusqu'à {max_grant}.",
	Body: `Contexte

L'action internationale des collectivités territoriales s'appuie de plus en plus sur leurs compétences et leurs savoir-faire, dans des domaines au cœur des grands défis mondiaux : changement climatique, cohésion sociale, développement économique, diversité culturelle. Élaboré en concertation avec les ambassades de France et les associations nationales d'élus, le programme PACT2 mobilise cette expertise au service de l'influence de la France. Il comprend trois volets : le label « expertise internationale », qui identifie les compétences et les savoir-faire des collectivités qui le souhaitent ; le financement de missions de coopération thématique, objet du présent appel ; la recherche de synergies entre la coopération décentralisée et l'action bilatérale de la France.

Objectifs

– répondre aux besoins d'expertise exprimés par les collectivités partenaires et par les ambassades de France ;
– valoriser les savoir-faire des collectivités françaises, de leurs agents et de leurs élus ;
– articuler les missions avec les priorités de l'action bilatérale de la France dans le pays concerné.

Deux voies d'accès

Une mission peut être proposée par la collectivité elle-même, avec son partenaire étranger. Elle peut aussi répondre à une demande du ministère, souvent relayée par une ambassade : la demande est publiée sur la plateforme et proposée aux collectivités labellisées dont l'expertise correspond ; la collectivité intéressée y répond en déposant un dossier au titre du présent appel.

Qui peut déposer un dossier ?

Toute collectivité territoriale française ou tout groupement de collectivités. Les collectivités titulaires du label « expertise internationale » sont prioritaires. Le label se demande à tout moment sur la plateforme : la collectivité décrit ses compétences, les éléments qui les attestent et les conditions dans lesquelles son expertise peut être mobilisée ; le ministère l'accorde pour trois ans et le publie dans l'annuaire de l'expertise labellisée.

Missions éligibles

Missions d'expertise, de diagnostic, de conseil et de formation conduites par des agents ou des élus de la collectivité, dans tout pays étranger, sur les thématiques du développement local : développement économique, gouvernance locale, agriculture et sécurité alimentaire, eau et assainissement, éducation et formation, développement urbain, transports, développement durable, tourisme, culture et patrimoine, coopération universitaire et recherche. Sont éligibles les frais de voyage et de séjour, l'interprétation et la traduction, l'organisation d'ateliers, la production de supports et la diffusion des résultats. La rémunération des agents de la collectivité n'est prise en compte qu'au titre de son apport en nature.

Financement

L'enveloppe de la session s'élève à {total}, apportés par le ministère de l'Europe et des Affaires étrangères. La subvention ne peut dépasser {max_grant} par mission, ni {max_funders} du coût total. La collectivité apporte au moins {min_own} du coût total, dont au plus {in_kind} en nature (temps de travail des agents, notamment). La mission, préparation et restitution comprises, se déroule sur {min_months} à {max_months} mois.

Comment déposer un dossier ?

Le dossier est déposé sur la plateforme, en français. Il comprend la délibération de l'organe délibérant ou la décision de l'exécutif prise par délégation, la lettre d'intention ou de demande du partenaire étranger et le budget prévisionnel. L'ambassade de France dans le pays concerné donne son avis sur chaque dossier. Le ministère décide et notifie sa décision sur la plateforme.

Calendrier

– ouverture des dépôts : {opens} ;
– date limite de dépôt : {deadline} ;
– examen des dossiers à partir du {evaluation} ;
– notification des décisions prévue le {results}.`,
}
