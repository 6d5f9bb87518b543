package demo

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// fixedNow is a Tuesday morning, Paris time.
var fixedNow = time.Date(2026, time.March, 10, 8, 30, 0, 0, time.UTC)

// testNows are days the demo may be loaded on: around the changes of time,
// a year's end, a weekend, late in the evening in Paris.
var testNows = []time.Time{
	fixedNow,
	time.Date(2026, time.March, 29, 0, 30, 0, 0, time.UTC),
	time.Date(2026, time.October, 24, 23, 30, 0, 0, time.UTC),
	time.Date(2026, time.December, 31, 22, 59, 0, 0, time.UTC),
	time.Date(2027, time.February, 13, 11, 0, 0, 0, time.UTC),
}

// partnerLangs are the languages each call must speak besides French.
var partnerLangs = map[string][]string{
	"AAP-FR-MA-01":      nil, // Arabic is not a platform language; Moroccan administrations work in French
	"AAP-FR-IN-01":      {"en"},
	"AAP-FR-BR-01":      {"pt"},
	"AAP-FR-AR-01":      {"es"},
	"FRCDM-PACA-01":     {"en"},
	"ISIMED-PNUD-01":    {"en"},
	"PACT2-MISSIONS-01": nil,
	"PACT2-MISSIONS-02": nil,
}

// buildAll builds every demo call at now with made-up ids, as loadCalls
// would.
func buildAll(t *testing.T, now time.Time) []*coopdec.Call {
	t.Helper()
	orgs := map[string]int64{}
	for i, o := range slices.Concat(organisations, callOrganisations) {
		orgs[o.key] = int64(100 + i)
	}
	programmes := map[string]int64{}
	for i, p := range demoProgrammes {
		programmes[p.Code] = int64(10 + i)
	}
	calls := map[string]int64{}
	var out []*coopdec.Call
	for i, spec := range demoCalls {
		c, err := spec.build(now, orgs, programmes, calls)
		if err != nil {
			t.Fatal(err)
		}
		c.ID = int64(1000 + i)
		calls[c.Reference] = c.ID
		out = append(out, c)
	}
	return out
}

func TestDemoCallsAreValid(t *testing.T) {
	refs := map[string]bool{}
	for _, spec := range demoCalls {
		if refs[spec.reference] {
			t.Errorf("reference %s used twice", spec.reference)
		}
		refs[spec.reference] = true
		if _, ok := partnerLangs[spec.reference]; !ok {
			t.Errorf("%s: no expected languages in the test", spec.reference)
		}
	}
	for _, now := range testNows {
		for _, c := range buildAll(t, now) {
			name := c.Reference + " at " + now.Format(time.RFC3339)
			if err := c.Validate(); err != nil {
				t.Errorf("%s: Validate: %v", name, err)
			}
			checkTexts(t, name, c)
			checkMoney(t, name, c)
			checkTimeline(t, name, c, now)
			checkRules(t, name, c)
		}
	}
}

func checkTexts(t *testing.T, name string, c *coopdec.Call) {
	t.Helper()
	langs := append([]string{"fr"}, partnerLangs[c.Reference]...)
	for _, lang := range langs {
		text, ok := c.Texts[lang]
		if !ok || text.Title == "" || text.Summary == "" || text.Body == "" {
			t.Errorf("%s: text in %q missing or incomplete", name, lang)
		}
	}
	if len(c.Texts) != len(langs) {
		t.Errorf("%s: texts in %d languages, want %v", name, len(c.Texts), langs)
	}
	for lang, text := range c.Texts {
		if !slices.Contains([]string{"fr", "en", "es", "pt"}, lang) {
			t.Errorf("%s: %q is not a platform language", name, lang)
		}
		for _, s := range []string{text.Title, text.Summary, text.Body} {
			if i := strings.IndexAny(s, "{}"); i >= 0 {
				t.Errorf("%s (%s): placeholder left: %q", name, lang, s[max(0, i-20):min(len(s), i+30)])
			}
		}
		// The body says how much, until when and how, in every language.
		if !strings.Contains(text.Body, coopdec.FormatEuroCents(lang, c.Rules.MaxGrantCents)) {
			t.Errorf("%s (%s): body does not state the maximum grant", name, lang)
		}
		if !strings.Contains(text.Body, formatDeadline(c.Deadline, lang)) {
			t.Errorf("%s (%s): body does not state the deadline", name, lang)
		}
		if paragraphs := strings.Count(text.Body, "\n\n") + 1; paragraphs < 10 {
			t.Errorf("%s (%s): body has %d paragraphs", name, lang, paragraphs)
		}
		sentences := strings.Count(text.Summary, ". ") + 1
		if sentences < 2 || sentences > 3 {
			t.Errorf("%s (%s): summary has %d sentences, want 2 or 3", name, lang, sentences)
		}
	}
}

func checkMoney(t *testing.T, name string, c *coopdec.Call) {
	t.Helper()
	if len(c.Funders) == 0 {
		t.Fatalf("%s: no funder", name)
	}
	var total int64
	share := 0
	for _, f := range c.Funders {
		total += f.EnvelopeCents
		share += f.ShareBP
	}
	if share != 10000 {
		t.Errorf("%s: shares sum to %d, want 10000", name, share)
	}
	for _, f := range c.Funders {
		// Each funder's envelope covers its share of the grants.
		if f.EnvelopeCents*10000 != total*int64(f.ShareBP) {
			t.Errorf("%s: funder %d: envelope %d is not %d bp of %d", name, f.OrganisationID, f.EnvelopeCents, f.ShareBP, total)
		}
	}
	r := c.Rules
	if r.MaxGrantCents <= 0 || r.MaxGrantCents > total/4 {
		t.Errorf("%s: maximum grant %d for a total of %d", name, r.MaxGrantCents, total)
	}
	if r.MinOwnShareBP < 1000 || r.MinOwnShareBP > 3000 {
		t.Errorf("%s: own contribution %d bp, want 10 %%–30 %%", name, r.MinOwnShareBP)
	}
	if r.MaxInKindOfOwnBP <= 0 || r.MaxInKindOfOwnBP > 5000 {
		t.Errorf("%s: in kind %d bp of the own contribution, want at most 50 %%", name, r.MaxInKindOfOwnBP)
	}
	if r.MaxFundersShareBP <= 0 || r.MaxFundersShareBP+r.MinOwnShareBP > 10000 {
		t.Errorf("%s: funders %d bp and own %d bp do not fit in a budget", name, r.MaxFundersShareBP, r.MinOwnShareBP)
	}
	if r.MinDurationMonths <= 0 || r.MinDurationMonths > r.MaxDurationMonths || r.MaxDurationMonths > 36 {
		t.Errorf("%s: duration %d–%d months", name, r.MinDurationMonths, r.MaxDurationMonths)
	}
	for _, doc := range []string{"council_deliberation", "letters_of_intent", "budget"} {
		if !slices.Contains(r.RequiredDocuments, doc) {
			t.Errorf("%s: %s not required", name, doc)
		}
	}
}

func checkTimeline(t *testing.T, name string, c *coopdec.Call, now time.Time) {
	t.Helper()
	dates := []time.Time{c.PublishAt, c.OpensAt, c.Deadline, c.EvaluationAt, c.ResultsAt}
	for i, d := range dates {
		if d.IsZero() || d.Location() != time.UTC {
			t.Errorf("%s: date %d is %v, want a UTC instant", name, i, d)
		}
		if !workingDay(d.In(paris)) {
			t.Errorf("%s: date %d falls on %v, a day off", name, i, d.In(paris).Format("Monday 2 January"))
		}
	}
	if c.OpensAt.Before(c.PublishAt) || !c.Deadline.After(c.OpensAt) || !c.EvaluationAt.After(c.Deadline) || !c.ResultsAt.After(c.EvaluationAt) {
		t.Errorf("%s: dates out of order: %v", name, dates)
	}
	if p := c.Deadline.In(paris); p.Hour() != 12 || p.Minute() != 0 {
		t.Errorf("%s: deadline at %v, want 12:00 Paris time", name, p)
	}
	if got := coopdec.CallStatusAt(c, now); got != c.Status {
		t.Errorf("%s: status %s, but its dates make it %s", name, c.Status, got)
	}
	if c.Status == coopdec.CallClosed && !now.Before(c.EvaluationAt) {
		t.Errorf("%s: closed, but its evaluation should have started", name)
	}
	if c.Status == coopdec.CallDraft && !c.PublishAt.After(now) {
		t.Errorf("%s: a draft due to be published already", name)
	}
}

func checkRules(t *testing.T, name string, c *coopdec.Call) {
	t.Helper()
	if len(c.Themes) == 0 {
		t.Errorf("%s: no theme", name)
	}
	for _, code := range c.Themes {
		if _, ok := coopdec.ThemeByCode(code); !ok {
			t.Errorf("%s: unknown theme %q", name, code)
		}
	}
	r := c.Rules
	for _, list := range [][]string{r.Countries, r.PartnerCountries, r.BeneficiaryCountries} {
		for _, code := range list {
			if _, err := coopdec.ExpandCountries([]string{code}); err != nil {
				t.Errorf("%s: country %q: %v", name, code, err)
			}
		}
	}
	if len(c.CoManagers) > 0 && c.DecisionRule != coopdec.DecisionAllParties {
		t.Errorf("%s: co-managed, decided by %s", name, c.DecisionRule)
	}
	if len(c.CoManagers) == 0 && c.DecisionRule != coopdec.DecisionMinistry {
		t.Errorf("%s: ministry call, decided by %s", name, c.DecisionRule)
	}
}

// TestDemoCallsFollowTheCommunique checks the facts of the 2011 press
// release that the calls carry.
func TestDemoCallsFollowTheCommunique(t *testing.T) {
	calls := map[string]*coopdec.Call{}
	for _, c := range buildAll(t, fixedNow) {
		calls[c.Reference] = c
	}
	orgs := map[string]int64{}
	for i, o := range slices.Concat(organisations, callOrganisations) {
		orgs[o.key] = int64(100 + i)
	}
	coManaged := map[string][]string{
		"AAP-FR-MA-01":   {"morocco"},
		"AAP-FR-IN-01":   {"india"},
		"AAP-FR-BR-01":   {"brazil-abc", "brazil-saf"},
		"AAP-FR-AR-01":   {"argentina"},
		"FRCDM-PACA-01":  {"paca"},
		"ISIMED-PNUD-01": {"undp"},
	}
	for ref, keys := range coManaged {
		c := calls[ref]
		var want []int64
		for _, k := range keys {
			want = append(want, orgs[k])
		}
		if !slices.Equal(c.CoManagers, want) {
			t.Errorf("%s: co-managers %v, want %v", ref, c.CoManagers, want)
		}
		if c.Funders[0].OrganisationID != orgs["ministry"] {
			t.Errorf("%s: the ministry is not the first funder", ref)
		}
	}
	for _, ref := range []string{"AAP-FR-IN-01", "AAP-FR-BR-01", "AAP-FR-AR-01"} {
		if !slices.Equal(calls[ref].Themes, jointThemes) {
			t.Errorf("%s: themes %v, want the press release's", ref, calls[ref].Themes)
		}
	}
	if got := len(jointThemes); got != 14 {
		t.Errorf("%d joint themes, want the press release's 14", got)
	}

	br := calls["AAP-FR-BR-01"].Rules
	if !slices.Equal(br.PartnerCountries, []string{"BR"}) || !slices.Equal(br.BeneficiaryCountries, []string{"group:africa", "HT"}) {
		t.Errorf("Franco-Brazilian call: partners %v, beneficiaries %v", br.PartnerCountries, br.BeneficiaryCountries)
	}

	med := calls["FRCDM-PACA-01"]
	if med.Rules.LeadRegion != "93" {
		t.Errorf("Mediterranean fund: lead région %q, want 93 (PACA)", med.Rules.LeadRegion)
	}
	eight, err := coopdec.ExpandCountries(med.Rules.Countries)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"DZ", "EG", "JO", "LB", "PS", "SY", "TN", "TR"}; !slices.Equal(eight, want) {
		t.Errorf("Mediterranean fund: countries %v, want %v", eight, want)
	}
	if want := []coopdec.Exclusion{{Country: "MA", RedirectCallID: calls["AAP-FR-MA-01"].ID}}; !slices.Equal(med.Rules.Excluded, want) {
		t.Errorf("Mediterranean fund: exclusions %v, want %v", med.Rules.Excluded, want)
	}
	if !slices.Contains(med.Themes, "decentralisation_support") {
		t.Errorf("Mediterranean fund: themes %v", med.Themes)
	}

	isimed := calls["ISIMED-PNUD-01"]
	if want := []string{"ict_local_resources", "ict_local_economic_development", "ict_community_projects"}; !slices.Equal(isimed.Themes, want) {
		t.Errorf("ISI@MED: themes %v, want the three priority domains", isimed.Themes)
	}
	for lang, word := range map[string]string{"fr": "accompagnement méthodologique", "en": "methodological support"} {
		if !strings.Contains(isimed.Texts[lang].Summary, word) || !strings.Contains(isimed.Texts[lang].Body, word) {
			t.Errorf("ISI@MED (%s): the methodological accompaniment is not mentioned", lang)
		}
	}

	for _, ref := range []string{"PACT2-MISSIONS-01", "PACT2-MISSIONS-02"} {
		c := calls[ref]
		if len(c.CoManagers) != 0 || len(c.Funders) != 1 || c.Funders[0].OrganisationID != orgs["ministry"] {
			t.Errorf("%s: not a ministry call", ref)
		}
		if !strings.Contains(c.Texts["fr"].Body, "label «\u00a0expertise internationale\u00a0»") {
			t.Errorf("%s: the label is not described", ref)
		}
	}
}

// TestDemoCallTimelinesEveryDay loads the demo, in thought, on every day of
// two years, morning and night: the dates stay in order, on working days,
// agree with the statuses, and the statuses stay mixed.
func TestDemoCallTimelinesEveryDay(t *testing.T) {
	start := time.Date(2026, time.January, 1, 6, 0, 0, 0, time.UTC)
	for day := range 731 {
		for _, hour := range []time.Duration{0, 17 * time.Hour} {
			now := start.AddDate(0, 0, day).Add(hour)
			statuses := map[coopdec.CallStatus]bool{}
			for _, c := range buildAll(t, now) {
				checkTimeline(t, c.Reference+" at "+now.Format(time.RFC3339), c, now)
				statuses[c.Status] = true
			}
			if len(statuses) != 4 {
				t.Fatalf("at %v: statuses %v", now, statuses)
			}
		}
	}
}

func TestDemoCallStatusesAreMixed(t *testing.T) {
	for _, now := range testNows {
		got := map[coopdec.CallStatus][]string{}
		for _, c := range buildAll(t, now) {
			got[c.Status] = append(got[c.Status], c.Reference)
		}
		for _, s := range []coopdec.CallStatus{coopdec.CallDraft, coopdec.CallPublished, coopdec.CallOpen, coopdec.CallClosed} {
			if len(got[s]) == 0 {
				t.Errorf("at %v: no %s call: %v", now, s, got)
			}
		}
	}
	// The redirect target is public: applicants sent to it can read it.
	for _, c := range buildAll(t, fixedNow) {
		if c.Reference == "AAP-FR-MA-01" && c.Status == coopdec.CallDraft {
			t.Error("the Franco-Moroccan call is a draft")
		}
	}
}

func TestFormatDates(t *testing.T) {
	deadline := time.Date(2026, time.April, 1, 10, 0, 0, 0, time.UTC) // 12:00 in Paris, summer time
	for lang, want := range map[string]string{
		"fr": "1er avril 2026 à 12\u00a0h, heure de Paris (10\u00a0h UTC)",
		"en": "1 April 2026 at 12:00 Paris time (10:00 UTC)",
		"es": "1 de abril de 2026 a las 12:00, hora de París (10:00 UTC)",
		"pt": "1º de abril de 2026, às 12h00, horário de Paris (10h00 UTC)",
	} {
		if got := formatDeadline(deadline, lang); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := formatDate(time.Date(2026, time.December, 14, 23, 30, 0, 0, time.UTC), "fr"); got != "15 décembre 2026" {
		t.Errorf("a date is not the Paris day: %q", got)
	}
	// A Saturday moves to the Monday, Christmas on a Friday too.
	sat := time.Date(2026, time.March, 14, 10, 0, 0, 0, time.UTC)
	if got := parisDay(sat, 0, 12); !got.Equal(time.Date(2026, time.March, 16, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("parisDay on a Saturday: %v", got)
	}
	christmas := time.Date(2026, time.December, 20, 10, 0, 0, 0, time.UTC)
	if got := parisDay(christmas, 5, 9); !got.Equal(time.Date(2026, time.December, 28, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("parisDay on Christmas: %v", got)
	}
}

// createOrganisations stores the demo organisations in a fresh database,
// as Load does, and returns their ids by key.
func createOrganisations(t *testing.T, db *sqldb.DB) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, spec := range organisations {
		o := spec.org
		if err := db.CreateOrganisation(context.Background(), &o, coopdec.Actor{}); err != nil {
			t.Fatalf("organisation %s: %v", spec.key, err)
		}
		ids[spec.key] = o.ID
	}
	return ids
}

// callIDs maps the reference of every demo call to its stored id.
func callIDs(t *testing.T, db *sqldb.DB) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, spec := range demoCalls {
		c, err := db.CallByReference(context.Background(), spec.reference)
		if err != nil {
			t.Fatalf("%s: %v", spec.reference, err)
		}
		ids[c.Reference] = c.ID
	}
	return ids
}

// countCalls counts the stored calls, drafts included, as an officer's
// search finds them.
func countCalls(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	filter := sqldb.CallFilter{IncludeDraftsFor: &sqldb.DraftAccess{All: true}}
	_, page, err := db.SearchCalls(context.Background(), filter, coopdec.NewPage(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

func TestLoadCallsTwice(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ids := createOrganisations(t, db)
	db.Now = func() time.Time { return fixedNow }
	if err := loadCalls(ctx, db, ids, fixedNow); err != nil {
		t.Fatal(err)
	}
	first := callIDs(t, db)
	// A second run, weeks later, creates nothing and changes nothing.
	if err := loadCalls(ctx, db, ids, fixedNow.AddDate(0, 0, 40)); err != nil {
		t.Fatal(err)
	}
	if again := callIDs(t, db); !maps.Equal(again, first) {
		t.Fatalf("calls %v, then %v", first, again)
	}
	if n := countCalls(t, db); n != len(demoCalls) {
		t.Errorf("%d calls stored, want %d", n, len(demoCalls))
	}
	programmes, err := db.Programmes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(programmes) != len(demoProgrammes) {
		t.Errorf("%d programmes, want %d", len(programmes), len(demoProgrammes))
	}
	morocco, _, err := db.SearchOrganisations(ctx, coopdec.OrgFilter{Kind: coopdec.OrgPartnerGovernment, Country: "MA"}, coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	if len(morocco) != 1 {
		t.Errorf("%d Moroccan co-managers, want 1", len(morocco))
	}

	// What is stored is what was built, statuses included.
	built := map[string]*coopdec.Call{}
	for _, c := range buildAll(t, fixedNow) {
		built[c.Reference] = c
	}
	byStatus := map[coopdec.CallStatus]int{}
	for ref, id := range first {
		c, err := db.Call(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := built[ref]
		if c.Status != want.Status || !c.Deadline.Equal(want.Deadline) || !c.OpensAt.Equal(want.OpensAt) {
			t.Errorf("%s: stored %s, deadline %v; want %s, %v", ref, c.Status, c.Deadline, want.Status, want.Deadline)
		}
		for lang, text := range want.Texts {
			if c.Texts[lang] != text {
				t.Errorf("%s: stored text in %s differs", ref, lang)
			}
		}
		if len(c.Funders) != len(want.Funders) || len(c.CoManagers) != len(want.CoManagers) {
			t.Errorf("%s: stored %d funders and %d co-managers", ref, len(c.Funders), len(c.CoManagers))
		}
		byStatus[c.Status]++
	}
	if byStatus[coopdec.CallDraft] == 0 || byStatus[coopdec.CallPublished] == 0 || byStatus[coopdec.CallOpen] == 0 || byStatus[coopdec.CallClosed] == 0 {
		t.Errorf("statuses not mixed: %v", byStatus)
	}
	med, err := db.Call(ctx, first["FRCDM-PACA-01"])
	if err != nil {
		t.Fatal(err)
	}
	if len(med.Rules.Excluded) != 1 || med.Rules.Excluded[0].RedirectCallID != first["AAP-FR-MA-01"] {
		t.Errorf("Mediterranean fund: exclusions %v, want Morocco → call %d", med.Rules.Excluded, first["AAP-FR-MA-01"])
	}
	// The statuses agree with the platform's clock: nothing is due.
	due, err := db.CallsDueForTransition(ctx, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 0 {
		t.Errorf("transitions due right after loading: %v", due)
	}
}
