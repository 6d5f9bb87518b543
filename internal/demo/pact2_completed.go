package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// Missions past their selection: the allowance rate table and the PACT2
// envelope that pay them, two missions carried out, reported on and
// evaluated (in India for the ministry, in Tunisia for the embassy), and
// one in Lebanon whose order is approved and whose report is awaited.
//
// Each step goes through the storage methods the pages use, with the
// clock set back to when it happened; on a second load each mission is
// found again by its need and carried on from where it stands.

// pact2EnvelopeCents is the PACT2 envelope for mission orders, set once.
const pact2EnvelopeCents = 1_500_000_00

// pact2Rates are the daily allowances in force for the demo's countries.
var pact2Rates = []coopdec.AllowanceRate{
	{Country: "IN", DailyCents: 180_00, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "TN", DailyCents: 160_00, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "LB", DailyCents: 210_00, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "BR", DailyCents: 190_00, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Country: "AR", DailyCents: 170_00, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
}

// completedSpec is a mission carried past its selection: ordered
// daysAgo days ago, then reported on and evaluated when those are set.
type completedSpec struct {
	missionSpec
	daysAgo        int // when the request was made; the rest follows
	orderDays      int // the experts' days, in the order of the selected reply's experts
	travel, other  int64
	report         *coopdec.MissionReport
	reporter       string // account email of the authority's member who files it
	rating         int    // 0: not evaluated
	evaluationText string
}

var pact2Completed = []completedSpec{
	{daysAgo: 200, orderDays: 8, travel: 2_400_00, other: 600_00, reporter: "lille@demo.coopdec.test", rating: 5,
		evaluationText: "Mission très bien préparée ; la Corporation a adopté le plan de tri à la source dans trois zones pilotes.",
		report: &coopdec.MissionReport{
			Findings: "Chennai collecte près de 5 000 tonnes de déchets par jour ; moins de 20 % sont triés. Les équipes de quartier " +
				"connaissent bien leurs tournées, mais les points de regroupement sont saturés et les collecteurs informels ne sont pas associés.",
			Recommendations: "Commencer le tri à la source par trois zones pilotes avec des bacs de deux couleurs ; contractualiser avec " +
				"les coopératives de collecteurs ; créer une plate-forme de compostage des déchets verts des marchés.",
			FollowUp: "Deux ingénieurs de Chennai seront accueillis à Lille en octobre ; un point à distance chaque trimestre.",
		},
		missionSpec: missionSpec{by: officerEmail, invite: []string{"lille-metropole", "rennes-metropole"},
			replies: []replySpec{
				{"lille-metropole", "lille@demo.coopdec.test", coopdec.MissionReply{Interested: true,
					Experts: []coopdec.MissionExpert{
						{Name: "Sarah Delattre", Role: "Cheffe du service collecte et tri", Languages: []string{"fr", "en"}, Availability: "deux semaines"},
						{Name: "Hugo Lefebvre", Role: "Ingénieur valorisation des déchets", Languages: []string{"fr", "en"}, Availability: "dix jours"}},
					Comment: "Notre centre de valorisation organique accueille régulièrement des délégations étrangères."}},
			},
			selects: "lille-metropole",
			terms: coopdec.MissionTerms{
				Country: "IN", Place: "Chennai", PartnerName: "Greater Chennai Corporation", Themes: []string{"sustainable_development"},
				Need: "Chennai veut organiser le tri à la source de ses déchets ménagers et associer les collecteurs informels : " +
					"diagnostic des tournées, plan de tri par quartiers et valorisation des déchets organiques.",
				DurationDays: 8, Languages: []string{"en"}, BudgetCents: 15_000_00}}},
	{daysAgo: 160, orderDays: 6, travel: 900_00, other: 300_00, reporter: "bordeaux@demo.coopdec.test", rating: 4,
		evaluationText: "Apport utile à la municipalité ; le calendrier des travaux reste à confirmer avec le ministère tunisien de l'équipement.",
		report: &coopdec.MissionReport{
			Findings: "La médina de Sfax garde un bâti ancien dense dont un tiers est vacant ; les réseaux d'eau usée y sont anciens " +
				"et les commerces de la rue principale ne sont plus accessibles aux livraisons.",
			Recommendations: "Établir un inventaire parcelle par parcelle ; réserver un guichet unique de la réhabilitation au sein " +
				"de la municipalité ; traiter d'abord l'assainissement des ruelles avant les façades.",
			FollowUp: "Bordeaux transmet sa méthode d'inventaire du secteur sauvegardé ; une visite de la municipalité est envisagée.",
		},
		missionSpec: missionSpec{by: embassyTunisia, invite: []string{"bordeaux", "nice"},
			replies: []replySpec{
				{"bordeaux", "bordeaux@demo.coopdec.test", coopdec.MissionReply{Interested: true,
					Experts: []coopdec.MissionExpert{
						{Name: "Vincent Moreau", Role: "Architecte du patrimoine", Languages: []string{"fr", "ar"}, Availability: "une semaine"}},
					Comment: "Le secteur sauvegardé de Bordeaux a connu les mêmes difficultés."}},
				{"nice", "nice@demo.coopdec.test", coopdec.MissionReply{Interested: false,
					Comment: "Nos équipes sont mobilisées sur d'autres chantiers cette année."}},
			},
			selects: "bordeaux",
			terms: coopdec.MissionTerms{
				Country: "TN", Place: "Sfax", PartnerName: "Municipalité de Sfax", Themes: []string{"heritage", "urban_development"},
				Need: "L'ambassade relaie la demande de la municipalité de Sfax : méthode de réhabilitation de la médina, " +
					"de l'inventaire du bâti à l'organisation d'un guichet pour les propriétaires.",
				DurationDays: 6, Languages: []string{"fr", "ar"}, BudgetCents: 8_000_00}}},
	{daysAgo: 60, orderDays: 7, travel: 1_100_00, other: 400_00,
		missionSpec: missionSpec{by: officerEmail, invite: []string{"strasbourg", "lyon"},
			replies: []replySpec{
				{"strasbourg", "strasbourg@demo.coopdec.test", coopdec.MissionReply{Interested: true,
					Experts: []coopdec.MissionExpert{
						{Name: "Mathieu Klein", Role: "Directeur de l'attractivité", Languages: []string{"fr", "en"}, Availability: "une semaine"},
						{Name: "Rania Saad", Role: "Médiatrice culturelle", Languages: []string{"fr", "ar"}, Availability: "une semaine"}},
					Comment: "Strasbourg coordonne chaque hiver l'accueil de deux millions de visiteurs : nous partageons volontiers notre organisation."}},
			},
			selects: "strasbourg",
			terms: coopdec.MissionTerms{
				Country: "LB", Place: "Byblos", PartnerName: "Municipalité de Jbeil-Byblos", Themes: []string{"local_governance", "culture"},
				Need: "Byblos veut mieux organiser l'accueil de ses visiteurs et sa saison culturelle : coordination des services " +
					"municipaux, billetterie commune et programmation avec les associations de la ville.",
				DurationDays: 7, Languages: []string{"fr", "ar"}, BudgetCents: 10_000_00}}},
}

// loadPACT2Completed sets the rate table and the envelope, then carries
// each mission of pact2Completed to its stage.
func (l *pact2Loader) loadPACT2Completed(ctx context.Context) error {
	officer, err := l.user(ctx, officerEmail)
	if err != nil {
		return err
	}
	if err := l.rates(ctx, officer); err != nil {
		return fmt.Errorf("demo: allowance rates: %w", err)
	}
	p, err := l.db.ProgrammeByCode(ctx, "pact2")
	if err != nil {
		return fmt.Errorf("demo: programme pact2: %w", err)
	}
	if _, err := l.db.ProgrammeBalance(ctx, p.ID); coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		if err := l.at(l.now.AddDate(0, 0, -365)).ChangeProgrammeEnvelope(ctx, officer, p.ID, pact2EnvelopeCents,
			"Enveloppe de l'année pour les missions d'expertise PACT2.", actorOf(officer)); err != nil {
			return fmt.Errorf("demo: PACT2 envelope: %w", err)
		}
	} else if err != nil {
		return err
	}
	for i := range pact2Completed {
		if err := l.completed(ctx, &pact2Completed[i], officer, p.ID); err != nil {
			return fmt.Errorf("demo: mission in %s: %w", pact2Completed[i].terms.Country, err)
		}
	}
	return nil
}

// rates adds each line of pact2Rates the table lacks.
func (l *pact2Loader) rates(ctx context.Context, officer *coopdec.User) error {
	for _, r := range pact2Rates {
		have, err := l.db.AllowanceRates(ctx, r.Country)
		if err != nil {
			return err
		}
		found := false
		for _, h := range have {
			found = found || h.ValidFrom.Equal(r.ValidFrom)
		}
		if found {
			continue
		}
		line := r
		if err := l.db.AddAllowanceRate(ctx, officer, &line, actorOf(officer)); err != nil {
			return err
		}
	}
	return nil
}

// completed brings spec's mission through its selection, order, approval,
// report and evaluation, each at its own day in the past.
func (l *pact2Loader) completed(ctx context.Context, spec *completedSpec, officer *coopdec.User, programmeID int64) error {
	requested := l.now.AddDate(0, 0, -spec.daysAgo)
	ordered, approved := requested.AddDate(0, 0, 20), requested.AddDate(0, 0, 23)
	start := time.Date(requested.Year(), requested.Month(), requested.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 35)
	// The request's window opens with the mission and leaves room around it.
	spec.fromDays, spec.windowDays = 35-spec.daysAgo, 30
	back := *l
	back.db, back.now = l.at(requested), requested
	if err := back.mission(ctx, &spec.missionSpec); err != nil {
		return err
	}
	m, err := l.findMission(ctx, spec.terms.Need)
	if err != nil {
		return err
	}
	if m == nil || m.State != coopdec.MissionSelected {
		return fmt.Errorf("the request was not selected")
	}
	rec, err := l.db.MissionRequest(ctx, m.ID)
	if err != nil {
		return err
	}
	ov, err := l.db.MissionViewer(ctx, officer)
	if err != nil {
		return err
	}
	o, err := l.db.MissionOrder(ctx, m.ID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		o = &coopdec.MissionOrder{Start: start, End: start.AddDate(0, 0, spec.orderDays-1), TravelCents: spec.travel, OtherCents: spec.other}
		for _, r := range rec.Replies {
			if r.ID == m.SelectedReplyID {
				for _, x := range r.Experts {
					o.Experts = append(o.Experts, coopdec.OrderExpert{Name: x.Name, Days: spec.orderDays})
				}
			}
		}
		if err := l.at(ordered).SaveMissionOrder(ctx, ov, m.ID, o, actorOf(officer)); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if o.State != coopdec.OrderApproved {
		if o, err = l.at(approved).ApproveMissionOrder(ctx, officer, m.ID, programmeID, actorOf(officer)); err != nil {
			return err
		}
	}
	if spec.report == nil {
		return nil
	}
	end := o.End
	if _, err := l.db.MissionReport(ctx, m.ID); coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		u, err := l.user(ctx, spec.reporter)
		if err != nil {
			return err
		}
		uv, err := l.db.MissionViewer(ctx, u)
		if err != nil {
			return err
		}
		r := *spec.report
		if err := l.at(end.AddDate(0, 0, 12)).FileMissionReport(ctx, uv, m.ID, &r, actorOf(u)); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if spec.rating == 0 {
		return nil
	}
	if _, err := l.db.MissionEvaluation(ctx, m.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		return err
	}
	by, err := l.user(ctx, spec.by)
	if err != nil {
		return err
	}
	v, err := l.db.MissionViewer(ctx, by)
	if err != nil {
		return err
	}
	e := &coopdec.MissionEvaluation{Rating: spec.rating, Comment: spec.evaluationText}
	return l.at(end.AddDate(0, 0, 20)).EvaluateMission(ctx, v, m.ID, e, actorOf(by))
}
