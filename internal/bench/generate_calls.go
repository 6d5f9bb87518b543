package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

var callLanguages = []string{"fr", "fr", "en", "es", "pt"}

// calls creates the programme; the calls themselves are created by the
// stages that fill them, at their own dates.
func (g *generator) calls(ctx context.Context) error {
	p := &coopdec.Programme{Code: "bench", Names: map[string]string{
		"fr": "Programme de coopération décentralisée (jeu de mesure)", "en": "Decentralised cooperation programme (benchmark)"}}
	if err := g.db.CreateProgramme(ctx, p, coopdec.Actor{UserID: g.officer.ID}); err != nil {
		return fmt.Errorf("bench: programme: %w", err)
	}
	g.programme = p.ID
	var themes []string
	for _, t := range coopdec.Themes() {
		themes = append(themes, t.Code)
	}
	g.m.Themes = themes
	return g.blobs(ctx)
}

// newCall makes the i-th call, open from opens to deadline, for the
// countries of one language.
func (g *generator) newCall(i int, opens, deadline time.Time) *coopdec.Call {
	lang := callLanguages[i%len(callLanguages)]
	var countries []string
	for _, c := range partnerCountries {
		if c.lang == lang {
			countries = append(countries, c.code)
		}
	}
	themes := slices.Clone(g.m.Themes)
	g.rnd.Shuffle(len(themes), func(a, b int) { themes[a], themes[b] = themes[b], themes[a] })
	themes = themes[:5]
	slices.Sort(themes)
	ref := fmt.Sprintf("BENCH-%02d", i+1)
	place := g.w.place()
	title := fmt.Sprintf(g.w.uniform(frCallTitles), ref, g.w.pick(frThemes, 1.1)+" ("+place+")")
	summary := g.w.frenchParagraph(3)
	body := g.w.frenchParagraph(6) + "\n\n" + g.w.frenchParagraph(5) + "\n\n" + g.w.frenchParagraph(4)
	texts := map[string]coopdec.CallText{"fr": {Title: title, Summary: summary, Body: body}}
	docTexts := []string{title, summary, body}
	if lang != "fr" {
		t := coopdec.CallText{Title: ref + " — " + g.w.uniform(partnerThemes[lang]), Summary: g.w.partnerParagraph(lang, 3),
			Body: g.w.partnerParagraph(lang, 6) + "\n\n" + g.w.partnerParagraph(lang, 5)}
		texts[lang] = t
		docTexts = append(docTexts, t.Title, t.Summary, t.Body)
	}
	g.w.count(docTexts...)
	return &coopdec.Call{
		ProgrammeID: g.programme, Reference: ref, DecisionRule: coopdec.DecisionMinistry,
		Funders: []coopdec.Funder{{OrganisationID: g.ministry, EnvelopeCents: 5_000_000_00, ShareBP: 10000}},
		Themes:  themes, Status: coopdec.CallPublished, Texts: texts,
		Rules: coopdec.EligibilityRules{
			Countries: countries, PartnerCountries: countries,
			MaxGrantCents: 100_000_00, MaxFundersShareBP: 5000, MinOwnShareBP: 2500, MaxInKindOfOwnBP: 5000,
			MinDurationMonths: 12, MaxDurationMonths: 36, RequiredDocuments: projectDocuments, PartnersMustConfirm: true,
		},
		PublishAt: opens.AddDate(0, 0, -10), OpensAt: opens, Deadline: deadline,
		EvaluationAt: deadline.AddDate(0, 0, 7), ResultsAt: deadline.AddDate(0, 0, 60),
	}
}

// createCall stores c at the current clock.
func (g *generator) createCall(ctx context.Context, b *sqldb.DB, c *coopdec.Call) error {
	if err := b.CreateCall(ctx, c, coopdec.Actor{UserID: g.officer.ID}); err != nil {
		return fmt.Errorf("bench: call %s: %w", c.Reference, err)
	}
	g.tick()
	return nil
}

// application makes an application of lead to c with one partner: its
// budget asks the call's funder for half of its cost, the lead paying 40 %
// (a quarter of it in kind) and the partner 10 %.
func (g *generator) application(c *coopdec.Call, lead *coopdec.Organisation) *coopdec.Application {
	country := c.Rules.PartnerCountries[g.rnd.IntN(len(c.Rules.PartnerCountries))]
	partners := g.foreign[country]
	partner := partners[g.rnd.IntN(len(partners))]
	lang := languageOf(country)
	grant := int64(10_000+g.rnd.IntN(90)*1000) * 100
	total := 2 * grant
	pct := func(p int64) int64 { return total * p / 100 }
	place := strings.TrimPrefix(partner.Name, "Municipalité de ")
	fr := coopdec.ApplicationText{
		Title: g.w.frenchTitle(place), Summary: g.w.frenchParagraph(3), Context: g.w.frenchParagraph(5),
		Objectives: g.w.frenchParagraph(4), Sustainability: g.w.frenchParagraph(3),
	}
	texts := map[string]coopdec.ApplicationText{"fr": fr}
	docTexts := []string{fr.Title, fr.Summary, fr.Context, fr.Objectives, fr.Sustainability}
	if lang != "fr" {
		t := coopdec.ApplicationText{Title: upperFirst(g.w.uniform(partnerThemes[lang])) + " — " + partner.Name,
			Summary: g.w.partnerParagraph(lang, 3), Context: g.w.partnerParagraph(lang, 4)}
		texts[lang] = t
		docTexts = append(docTexts, t.Title, t.Summary, t.Context)
	}
	g.w.count(docTexts...)
	months := 12 + g.rnd.IntN(25)
	themes := []string{c.Themes[g.rnd.IntN(len(c.Themes))]}
	return &coopdec.Application{
		CallID: c.ID, LeadOrganisationID: lead.ID, Texts: texts, Themes: themes,
		Countries: []string{country}, Places: []string{place}, DurationMonths: months,
		Activities: []coopdec.Activity{
			{Title: "Diagnostic partagé", Description: g.w.frenchParagraph(2), StartMonth: 1, EndMonth: 3},
			{Title: "Formation et chantiers pilotes", Description: g.w.frenchParagraph(2), StartMonth: 4, EndMonth: months},
		},
		Results: []coopdec.Result{{Indicator: "Agents formés", Unit: "personnes", Baseline: "0", Target: fmt.Sprint(10 + g.rnd.IntN(90))}},
		Partners: []coopdec.Partner{{OrganisationID: partner.ID, Name: partner.Name, Kind: partner.Kind, Country: partner.Country,
			Role: coopdec.RolePartner, Contribution: "Personnel, locaux et suivi sur place", ContributionCents: pct(10)}},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Expertise et coordination", AmountCents: pct(35)},
				{Category: coopdec.ExpenseTravel, Label: "Missions entre les deux villes", AmountCents: pct(15)},
				{Category: coopdec.ExpenseServices, Label: "Prestations, études et équipements", AmountCents: pct(30)},
				{Category: coopdec.ExpenseCommunication, Label: "Restitution et diffusion des résultats", AmountCents: pct(10)},
				{Category: coopdec.ExpenseInKind, Label: "Temps des agents de la collectivité", AmountCents: pct(10)},
			},
			Financing: []coopdec.FinancingLine{
				{Source: coopdec.FundingGrant, FunderOrganisationID: g.ministry, Label: "Subvention demandée", AmountCents: total / 2},
				{Source: coopdec.FundingOwnCash, Label: "Budget de la collectivité", AmountCents: pct(30)},
				{Source: coopdec.FundingOwnInKind, Label: "Temps des agents de la collectivité", AmountCents: pct(10)},
				{Source: coopdec.FundingPartner, PartnerOrganisationID: partner.ID, Label: partner.Name, AmountCents: pct(10)},
			},
		},
	}
}

// draft creates a's draft as u with its documents (all of them when
// complete, else the first) and, when complete, its partner's
// confirmation.
func (g *generator) draft(ctx context.Context, b *sqldb.DB, a *coopdec.Application, u *coopdec.User, complete bool) error {
	actor := coopdec.Actor{UserID: u.ID}
	if err := b.CreateApplication(ctx, a, actor); err != nil {
		return fmt.Errorf("bench: application to call %d: %w", a.CallID, err)
	}
	g.tick()
	docs := projectDocuments
	if !complete {
		docs = docs[:1]
	}
	for _, code := range docs {
		d := g.docs[code]
		att := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: code, Name: code + ".pdf",
			MediaType: coopdec.AttachmentPDF.MediaType(), SizeBytes: d.size, SHA256: d.sha}
		if err := b.AddAttachment(ctx, att, actor); err != nil {
			return fmt.Errorf("bench: attachment of application %d: %w", a.ID, err)
		}
		g.m.Counts["attachments"]++
		g.tick()
	}
	if !complete {
		return nil
	}
	p := a.Partners[0]
	var token string
	keep := func(_ *coopdec.PartnerConfirmation, _ *coopdec.Application, t string) []sqldb.Job {
		token = t
		return nil
	}
	email := fmt.Sprintf("partenaire-%d@bench.coopdec.test", a.ID)
	if _, err := b.InvitePartner(ctx, nil, a.ID, 0, 0, email, languageOf(p.Country), actor, keep); err != nil {
		return fmt.Errorf("bench: invitation of application %d's partner: %w", a.ID, err)
	}
	g.tick()
	if _, err := b.RespondPartnerConfirmation(ctx, nil, token, coopdec.ConfirmationConfirmed,
		firstNames[int(a.ID)%len(firstNames)]+" "+lastNames[int(a.ID)%len(lastNames)], "", coopdec.Actor{}, nil); err != nil {
		return fmt.Errorf("bench: confirmation of application %d's partner: %w", a.ID, err)
	}
	for i := range a.Partners {
		a.Partners[i].Confirmed = true
	}
	g.tick()
	return nil
}

// closedCount is the number of calls closed before today.
func (g *generator) closedCount() int {
	return g.sc.Calls - g.sc.SurgeCalls - g.sc.OpenCalls - 1 // one call is announced, not open yet
}

// submitted creates the closed calls, each in its time, with their
// applications submitted before the deadline.
func (g *generator) submitted(ctx context.Context) error {
	n := g.closedCount()
	perCall := spread(g.sc.Submitted(), n)
	p := g.progress("submitted applications", g.sc.Submitted())
	err := g.bulk(ctx, func(b *sqldb.DB) error {
		for i := range n {
			opens := g.today.AddDate(0, 0, -390+3*i).Add(8 * time.Hour)
			deadline := opens.AddDate(0, 0, 90).Add(4 * time.Hour)
			g.now = opens.Add(time.Hour)
			c := g.newCall(len(g.closed), opens, deadline)
			if err := g.createCall(ctx, b, c); err != nil {
				return err
			}
			cc := &closedCall{call: c}
			step := deadline.Sub(g.now) / time.Duration(perCall[i]+1)
			start := g.now
			for j := range perCall[i] {
				g.now = start.Add(time.Duration(j) * step)
				lead := g.french[g.rnd.IntN(len(g.french))]
				u := g.admins[lead.ID]
				a := g.application(c, lead)
				if err := g.draft(ctx, b, a, u, true); err != nil {
					return err
				}
				sub, err := b.SubmitApplication(ctx, nil, sqldb.SubmitRequest{ApplicationID: a.ID, At: g.now, User: u,
					Actor: coopdec.Actor{UserID: u.ID}})
				if err != nil {
					return fmt.Errorf("bench: submission of application %d: %w", a.ID, err)
				}
				a.Status, a.ReceiptNumber, a.SubmittedAt = coopdec.ApplicationSubmitted, sub.Receipt.Number, g.now
				cc.apps = append(cc.apps, a)
				p.add(1)
			}
			g.closed = append(g.closed, cc)
		}
		return nil
	})
	p.done()
	g.m.Counts["submitted"] = g.sc.Submitted()
	return err
}

// spread shares total among n as evenly as possible.
func spread(total, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = total / n
		if i < total%n {
			out[i]++
		}
	}
	return out
}

// openDrafts creates the open calls (the surge ones closing together) and
// the forecast one, the drafts on them, and fills the manifest's public
// calls.
func (g *generator) openDrafts(ctx context.Context) error {
	total := g.sc.SurgeDrafts + g.sc.Drafts
	p := g.progress("drafts on open calls", total)
	err := g.bulk(ctx, func(b *sqldb.DB) error {
		g.now = g.today.AddDate(0, 0, -20)
		opens := g.today.AddDate(0, 0, -25).Add(8 * time.Hour)
		surgeDeadline := g.today.AddDate(0, 0, 14).Add(10 * time.Hour)
		next := len(g.closed)
		for range g.sc.SurgeCalls {
			c := g.newCall(next, opens, surgeDeadline)
			next++
			if err := g.createCall(ctx, b, c); err != nil {
				return err
			}
			g.surgeCalls = append(g.surgeCalls, c)
		}
		for i := range g.sc.OpenCalls {
			c := g.newCall(next, opens, g.today.AddDate(0, 0, 30+5*i).Add(10*time.Hour))
			next++
			if err := g.createCall(ctx, b, c); err != nil {
				return err
			}
			g.openCalls = append(g.openCalls, c)
		}
		forecast := g.newCall(next, g.today.AddDate(0, 0, 20).Add(8*time.Hour), g.today.AddDate(0, 0, 80).Add(10*time.Hour))
		forecast.PublishAt = g.today.AddDate(0, 0, -5)
		g.now = g.today.AddDate(0, 0, -6)
		if err := g.createCall(ctx, b, forecast); err != nil {
			return err
		}

		// Surge drafts: each by its own applicant, a new member of the lead.
		g.now = g.today.AddDate(0, 0, -4)
		for i := range g.sc.SurgeDrafts {
			c := g.surgeCalls[i%len(g.surgeCalls)]
			lead := g.french[g.rnd.IntN(len(g.french))]
			u, err := g.user(ctx, b, "", lead, "")
			if err != nil {
				return err
			}
			a := g.application(c, lead)
			if err := g.draft(ctx, b, a, u, true); err != nil {
				return err
			}
			g.m.Surge = append(g.m.Surge, OwnedApplication{ApplicationID: a.ID, CallID: c.ID, Owner: g.credential(u)})
			p.add(1)
		}
		// Other drafts, started, by the leads' first members.
		for i := range g.sc.Drafts {
			c := g.openCalls[i%len(g.openCalls)]
			lead := g.french[g.rnd.IntN(len(g.french))]
			u := g.admins[lead.ID]
			a := g.application(c, lead)
			if err := g.draft(ctx, b, a, u, false); err != nil {
				return err
			}
			g.m.Drafts = append(g.m.Drafts, OwnedApplication{ApplicationID: a.ID, CallID: c.ID, Owner: g.credential(u)})
			p.add(1)
		}
		for _, cc := range g.closed {
			g.m.CallIDs = append(g.m.CallIDs, cc.call.ID)
		}
		for _, c := range append(append(slices.Clone(g.surgeCalls), g.openCalls...), forecast) {
			g.m.CallIDs = append(g.m.CallIDs, c.ID)
		}
		return nil
	})
	p.done()
	for _, c := range g.surgeCalls {
		g.m.SurgeCallIDs = append(g.m.SurgeCallIDs, c.ID)
	}
	g.m.Officer = g.credential(g.officer)
	g.m.Counts["calls"] = len(g.m.CallIDs)
	g.m.Counts["surge_drafts"] = len(g.m.Surge)
	g.m.Counts["drafts"] = len(g.m.Drafts)
	g.m.Counts["applications"] = g.m.Counts["submitted"] + len(g.m.Surge) + len(g.m.Drafts)
	g.m.Counts["users"] = g.users
	return err
}
