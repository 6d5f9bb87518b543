package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// grid is the evaluation grid of every generated call.
func grid() *coopdec.Grid {
	crit := func(code, title, desc string, weight int) coopdec.Criterion {
		return coopdec.Criterion{Code: code, Weight: weight, Texts: map[string]coopdec.CriterionText{"fr": {Title: title, Description: desc}}}
	}
	return &coopdec.Grid{
		Criteria: []coopdec.Criterion{
			crit("relevance", "Pertinence", "Le projet répond aux priorités de l'appel et aux besoins du partenaire.", 3),
			crit("partnership", "Qualité du partenariat", "Les deux collectivités conçoivent et pilotent ensemble le projet.", 2),
			crit("feasibility", "Faisabilité et budget", "Le calendrier, les moyens et le budget sont réalistes.", 3),
			crit("sustainability", "Durabilité", "Les résultats perdurent après le projet.", 2),
		},
		TieBreaks: []coopdec.TieBreak{{Kind: coopdec.TieBreakCriterion, Criterion: "relevance"}, {Kind: coopdec.TieBreakSmallerRequest}},
	}
}

// evaluations takes each closed call through its evaluation: admissibility,
// setup, assignments accepted; then, but for the last EvaluationCalls,
// evaluations submitted, consensus and a final decision funding the best.
func (g *generator) evaluations(ctx context.Context) error {
	total := 0
	for i, cc := range g.closed {
		if i < len(g.closed)-g.sc.EvaluationCalls {
			total += len(cc.apps) * g.sc.EvaluatorsPerApp
		}
	}
	p := g.progress("evaluations", total)
	officer := coopdec.Actor{UserID: g.officer.ID}
	for i, cc := range g.closed {
		c := cc.call
		scoring := i < len(g.closed)-g.sc.EvaluationCalls
		g.now = c.Deadline.Add(time.Hour)
		// The call's evaluators: a share of all, in turn.
		per := max(g.sc.EvaluatorsPerApp+2, len(g.evaluators)*2/len(g.closed))
		pool := coopdec.Pool{Party: coopdec.MinistryParty}
		for k := range min(per, len(g.evaluators)) {
			pool.EvaluatorIDs = append(pool.EvaluatorIDs, g.evaluators[(i*per+k)%len(g.evaluators)].ID)
		}
		setup := &coopdec.EvaluationSetup{PerApplication: g.sc.EvaluatorsPerApp, Pools: []coopdec.Pool{pool}}
		err := g.bulk(ctx, func(b *sqldb.DB) error {
			if err := b.SetCallStatus(ctx, c.ID, c.Status, coopdec.CallClosed, officer); err != nil {
				return fmt.Errorf("bench: closing call %s: %w", c.Reference, err)
			}
			g.tick()
			if err := b.SetCallStatus(ctx, c.ID, coopdec.CallClosed, coopdec.CallEvaluation, officer); err != nil {
				return fmt.Errorf("bench: evaluation of call %s: %w", c.Reference, err)
			}
			g.tick()
			for _, a := range cc.apps {
				ad := &coopdec.Admissibility{ApplicationID: a.ID, Admissible: true, Reason: "Dossier complet ; critères d'éligibilité vérifiés."}
				if err := b.RecordAdmissibility(ctx, g.officer, ad, officer); err != nil {
					return fmt.Errorf("bench: admissibility of application %d: %w", a.ID, err)
				}
				g.tick()
			}
			if err := b.SetEvaluationSetup(ctx, g.officer, c.ID, grid(), setup, officer); err != nil {
				return fmt.Errorf("bench: evaluation setup of call %s: %w", c.Reference, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		c.Status = coopdec.CallEvaluation
		gr, setup, err := g.db.EvaluationSetup(ctx, c.ID)
		if err != nil {
			return err
		}
		req := coopdec.AssignmentRequest{Setup: setup, Seed: uint64(g.opt.Seed) + uint64(i)}
		leads := map[int64]*coopdec.Organisation{}
		for _, o := range g.french {
			leads[o.ID] = o
		}
		for _, a := range cc.apps {
			req.Candidates = append(req.Candidates, coopdec.AssignmentCandidate{Application: a, Lead: leads[a.LeadOrganisationID]})
		}
		for _, id := range pool.EvaluatorIDs {
			req.Declarations = append(req.Declarations, g.decls[id])
		}
		plan, err := coopdec.Assign(req)
		if err != nil {
			return fmt.Errorf("bench: assignment on call %s: %w", c.Reference, err)
		}
		if err := g.db.CreateAssignments(ctx, g.officer, c.ID, plan, "", officer); err != nil {
			return fmt.Errorf("bench: assignments on call %s: %w", c.Reference, err)
		}
		list, err := g.db.ListAssignments(ctx, sqldb.AssignmentFilter{CallID: c.ID})
		if err != nil {
			return err
		}
		evaluators := map[int64]*coopdec.User{}
		for _, u := range g.evaluators {
			evaluators[u.ID] = u
		}
		var criteria []string
		for _, cr := range gr.Criteria {
			criteria = append(criteria, cr.Code)
		}
		consensus := map[int64][]coopdec.CriterionScore{}
		err = g.bulk(ctx, func(b *sqldb.DB) error {
			for _, as := range list {
				u := evaluators[as.EvaluatorID]
				g.now = c.EvaluationAt.Add(time.Duration(as.ID%1000) * time.Minute)
				if err := b.ConfirmNoConflict(ctx, u, as.ID, coopdec.Actor{UserID: u.ID}); err != nil {
					return fmt.Errorf("bench: no conflict on assignment %d: %w", as.ID, err)
				}
				g.m.Counts["assignments"]++
				if !scoring {
					g.m.Assignments = append(g.m.Assignments, EvaluatorAssignment{AssignmentID: as.ID, ApplicationID: as.ApplicationID,
						Evaluator: g.credential(u), Criteria: criteria})
					continue
				}
				g.now = g.now.Add(24 * time.Hour)
				ev := &coopdec.Evaluation{ApplicationID: as.ApplicationID, Scores: g.scores(gr), Comment: g.w.frenchParagraph(2)}
				if err := b.SubmitEvaluation(ctx, u, ev, coopdec.Actor{UserID: u.ID}); err != nil {
					return fmt.Errorf("bench: evaluation of application %d: %w", as.ApplicationID, err)
				}
				g.m.Counts["evaluations"]++
				if consensus[as.ApplicationID] == nil {
					consensus[as.ApplicationID] = ev.Scores
				}
				p.add(1)
			}
			if !scoring {
				return nil
			}
			g.now = c.EvaluationAt.AddDate(0, 0, 30)
			for _, a := range cc.apps {
				cs := &coopdec.Consensus{ApplicationID: a.ID, Scores: consensus[a.ID], Comment: "Synthèse des évaluations.", Language: "fr"}
				if err := b.RecordConsensus(ctx, g.officer, cs, officer); err != nil {
					return fmt.Errorf("bench: consensus on application %d: %w", a.ID, err)
				}
				g.tick()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if scoring {
			if err := g.decide(ctx, cc, gr, consensus); err != nil {
				return err
			}
		}
	}
	p.done()
	return nil
}

// scores draws a score per criterion, most of them fair to good.
func (g *generator) scores(gr *coopdec.Grid) []coopdec.CriterionScore {
	out := make([]coopdec.CriterionScore, len(gr.Criteria))
	for i, cr := range gr.Criteria {
		out[i] = coopdec.CriterionScore{Criterion: cr.Code, Score: coopdec.Score(3 + g.rnd.IntN(8)),
			Comment: upperFirst(g.w.pick(frThemes, 1.1)) + " : " + g.w.uniform(frOutcomes) + "."}
	}
	return out
}

// decide draws the funding line of a call from the consensus, and the
// officer approves it: the decision is final and its projects funded.
func (g *generator) decide(ctx context.Context, cc *closedCall, gr *coopdec.Grid, consensus map[int64][]coopdec.CriterionScore) error {
	c := cc.call
	var cands []coopdec.Candidate
	for _, a := range cc.apps {
		cands = append(cands, coopdec.Candidate{ApplicationID: a.ID, Reference: a.ReceiptNumber, SubmittedAt: a.SubmittedAt,
			Admissible: true, Consensus: consensus[a.ID], RequestedCents: a.Budget.Totals().GrantCents})
	}
	line, err := coopdec.DrawFundingLine(gr, c.Funders, cands, coopdec.FundingOptions{})
	if err != nil {
		return fmt.Errorf("bench: funding line of call %s: %w", c.Reference, err)
	}
	officer := coopdec.Actor{UserID: g.officer.ID}
	g.now = c.ResultsAt.Add(-48 * time.Hour)
	d := &coopdec.Decision{CallID: c.ID, Entries: line.DecisionEntries()}
	if err := g.db.CreateDecision(ctx, d, officer); err != nil {
		return fmt.Errorf("bench: decision on call %s: %w", c.Reference, err)
	}
	g.now = c.ResultsAt
	status, err := g.db.RecordApproval(ctx, g.officer, d.ID, &coopdec.Approval{Party: coopdec.MinistryParty, Approved: true,
		Comment: "Liste conforme aux délibérations du comité."}, officer)
	if err != nil {
		return fmt.Errorf("bench: approval of the decision on call %s: %w", c.Reference, err)
	}
	if status != coopdec.DecisionFinal {
		return fmt.Errorf("bench: the decision on call %s is %s after the ministry's approval; want final", c.Reference, status)
	}
	if err := g.db.SetCallStatus(ctx, c.ID, coopdec.CallEvaluation, coopdec.CallDecided, officer); err != nil {
		return fmt.Errorf("bench: call %s decided: %w", c.Reference, err)
	}
	g.m.Counts["decisions"]++
	for _, e := range d.Entries {
		if e.GrantedCents > 0 {
			g.m.Counts["funded"]++
		}
	}
	return nil
}

// labels grants the label of expertise to the first authorities, each
// applying and the officer reviewing within the year.
func (g *generator) labels(ctx context.Context) error {
	n := min(g.sc.Labels, len(g.french))
	p := g.progress("labels", n)
	regions := map[string]bool{}
	err := g.bulk(ctx, func(b *sqldb.DB) error {
		for i := range n {
			o := g.french[i]
			u := g.admins[o.ID]
			g.now = g.today.AddDate(0, 0, -200+150*i/n)
			themes := []string{g.m.Themes[g.rnd.IntN(len(g.m.Themes))]}
			if t := g.m.Themes[g.rnd.IntN(len(g.m.Themes))]; t != themes[0] {
				themes = append(themes, t)
			}
			ref := func() coopdec.LabelReference {
				country := g.countries[g.rnd.IntN(len(g.countries))]
				from := 2010 + g.rnd.IntN(12)
				return coopdec.LabelReference{Title: g.w.frenchTitle(g.w.place()), Kind: coopdec.ReferenceProject, Country: country,
					FromYear: from, ToYear: from + 1 + g.rnd.IntN(4), Partners: g.w.place(), Results: g.w.frenchParagraph(2)}
			}
			la := &coopdec.LabelApplication{OrganisationID: o.ID,
				Competencies: coopdec.LabelCompetencies{Themes: themes, Description: g.w.frenchParagraph(4), Methods: g.w.uniform(frLabelMethods)},
				References:   []coopdec.LabelReference{ref(), ref()},
				Conditions: coopdec.LabelConditions{Staff: "Quatre experts des services techniques.", Languages: []string{"fr", "en"},
					MinDurationDays: 3, MaxDurationDays: 15, SelfCovered: "Salaires des experts pendant les missions."}}
			docs := []string{la.Competencies.Description, la.Competencies.Methods}
			for _, r := range la.References {
				docs = append(docs, r.Title, r.Results)
			}
			g.w.count(docs...)
			actor := coopdec.Actor{UserID: u.ID}
			if err := b.CreateLabelApplication(ctx, u, la, actor); err != nil {
				return fmt.Errorf("bench: label application of %s: %w", o.Name, err)
			}
			g.tick()
			if _, err := b.SubmitLabelApplication(ctx, u, la.ID, actor); err != nil {
				return fmt.Errorf("bench: label application of %s submitted: %w", o.Name, err)
			}
			g.now = g.now.AddDate(0, 0, 14)
			if _, err := b.ReviewLabel(ctx, nil, g.officer, la.ID, coopdec.LabelActionGrant, "", coopdec.LabelValidityYears,
				coopdec.Actor{UserID: g.officer.ID}, nil); err != nil {
				return fmt.Errorf("bench: label of %s granted: %w", o.Name, err)
			}
			g.m.LabelOrgIDs = append(g.m.LabelOrgIDs, o.ID)
			if o.RegionCode != "" {
				regions[o.RegionCode] = true
			}
			p.add(1)
		}
		return nil
	})
	p.done()
	for r := range regions {
		g.m.Regions = append(g.m.Regions, r)
	}
	sortStrings(g.m.Regions)
	g.m.Counts["labels"] = len(g.m.LabelOrgIDs)
	return err
}

// missions creates the open mission requests, by the officer, in the last
// month.
func (g *generator) missions(ctx context.Context) error {
	v, err := g.db.MissionViewer(ctx, g.officer)
	if err != nil {
		return err
	}
	p := g.progress("mission requests", g.sc.Missions)
	err = g.bulk(ctx, func(b *sqldb.DB) error {
		for i := range g.sc.Missions {
			g.now = g.today.AddDate(0, 0, -30).Add(time.Duration(i) * time.Minute)
			country := g.countries[i%len(g.countries)]
			partners := g.foreign[country]
			partner := partners[g.rnd.IntN(len(partners))]
			from := g.today.AddDate(0, 0, 30+g.rnd.IntN(60))
			need := g.w.frenchParagraph(3)
			g.w.count(need)
			m := &coopdec.MissionRequest{MissionTerms: coopdec.MissionTerms{Country: country, PartnerName: partner.Name,
				PartnerOrgID: partner.ID, Themes: []string{g.m.Themes[g.rnd.IntN(len(g.m.Themes))]}, Need: need,
				From: from, To: from.AddDate(0, 0, 30+g.rnd.IntN(60)), DurationDays: 5 + g.rnd.IntN(10),
				Languages: []string{"fr", languageOf(country)}, BudgetCents: int64(8+g.rnd.IntN(20)) * 1000_00}}
			if m.Languages[1] == "fr" {
				m.Languages = m.Languages[:1]
			}
			if err := b.CreateMissionRequest(ctx, v, m, coopdec.Actor{UserID: g.officer.ID}); err != nil {
				return fmt.Errorf("bench: mission request %d: %w", i, err)
			}
			g.m.MissionIDs = append(g.m.MissionIDs, m.ID)
			p.add(1)
		}
		return nil
	})
	p.done()
	g.m.Counts["missions"] = len(g.m.MissionIDs)
	return err
}
