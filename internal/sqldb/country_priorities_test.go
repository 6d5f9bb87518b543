package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestCountryPrioritiesVersions(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	u := mustCreateUser(t, db, "embassy.ar@example.org", "Ambassade", coopdec.RoleEmbassy)
	actor := act(u)

	cp, err := db.CountryPriorities(t.Context(), "AR")
	if err != nil || cp.Version != 0 || len(cp.Priorities) != 0 {
		t.Fatalf("before any save: got %+v, %v; want version 0, no priorities", cp, err)
	}
	first := &coopdec.CountryPriorities{Country: "ar", Priorities: []coopdec.CountryPriority{
		{Theme: "water_sanitation", Texts: map[string]string{"fr": "Eau potable", "es": "Agua potable"}},
		{Theme: "education", Texts: map[string]string{"fr": "Écoles"}}}}
	if err := db.SaveCountryPriorities(t.Context(), first, 0, actor); err != nil {
		t.Fatalf("SaveCountryPriorities: got error %v; want nil", err)
	}
	second := &coopdec.CountryPriorities{Country: "AR", Priorities: []coopdec.CountryPriority{
		{Theme: "culture", Texts: map[string]string{"fr": "Patrimoine", "pt": "Patrimônio"}}}}
	if err := db.SaveCountryPriorities(t.Context(), second, 1, actor); err != nil {
		t.Fatalf("SaveCountryPriorities (version 2): got error %v; want nil", err)
	}
	// Made from version 1 while 2 stands: refused, nothing lost.
	stale := &coopdec.CountryPriorities{Country: "AR", Priorities: []coopdec.CountryPriority{
		{Theme: "transport", Texts: map[string]string{"fr": "Tramways"}}}}
	wantError(t, db.SaveCountryPriorities(t.Context(), stale, 1, actor), coopdec.ECONFLICT, "", "country_priorities.stale")
	wantError(t, db.SaveCountryPriorities(t.Context(), &coopdec.CountryPriorities{Country: "AR",
		Priorities: []coopdec.CountryPriority{{Theme: "culture"}}}, 2, actor), coopdec.EINVALID, "priorities.1.fr", "country_priorities.text.fr_required")

	got, err := db.CountryPriorities(t.Context(), "ar")
	if err != nil || got.Version != 2 || len(got.Priorities) != 1 || got.Priorities[0].Theme != "culture" ||
		got.Priorities[0].Texts["pt"] != "Patrimônio" || got.UpdatedBy != u.ID {
		t.Fatalf("latest: got %+v, %v; want version 2 with culture", got, err)
	}
	hist, err := db.CountryPriorityHistory(t.Context(), "AR")
	if err != nil || len(hist) != 2 || hist[1].Version != 1 || len(hist[1].Priorities) != 2 ||
		hist[1].Priorities[0].Texts["es"] != "Agua potable" || hist[1].Priorities[1].Rank != 2 {
		t.Fatalf("history: got %+v, %v; want versions 2 and 1, the first kept whole", hist, err)
	}
	counts, err := db.PriorityCounts(t.Context())
	if err != nil || len(counts) != 1 || counts["AR"] != 1 {
		t.Fatalf("PriorityCounts: got %v, %v; want AR: 1", counts, err)
	}
	wantAudit(t, db, coopdec.AuditCountryPriorities, countrySubject("AR"), u.ID, 2)
}

func TestFundedProjects(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	d := e.decision(t, 10_000_000)
	if list, err := e.db.FundedProjects(t.Context(), "BR"); err != nil || len(list) != 0 {
		t.Fatalf("before the decision is final: got %d projects, %v; want none", len(list), err)
	}
	e.approve(t, e.officer, d, coopdec.MinistryParty, coopdec.DecisionPending)
	e.approve(t, e.pacaManager, d, coopdec.Party(e.paca.ID), coopdec.DecisionPending)
	e.approve(t, e.brazilManager, d, coopdec.Party(e.brazil.ID), coopdec.DecisionFinal)

	list, err := e.db.FundedProjects(t.Context(), "br")
	if err != nil || len(list) != 1 {
		t.Fatalf("FundedProjects(BR): got %d, %v; want 1", len(list), err)
	}
	p := list[0]
	title, _ := p.Title("pt")
	if p.ApplicationID != d.Entries[0].ApplicationID || p.GrantedCents != 10_000_000 || title != "Mobilidade suave em Belo Horizonte" ||
		p.LeadName == "" || p.CallReference == "" || len(p.Themes) != 1 || p.Themes[0] != "urban_development" || p.PublishedAt.IsZero() {
		t.Fatalf("got %+v; want the granted project with its title, lead, call, themes", p)
	}
	if list, _ := e.db.FundedProjects(t.Context(), "AR"); len(list) != 0 {
		t.Fatalf("FundedProjects(AR): got %d; want none", len(list))
	}
	if counts, err := e.db.FundedCounts(t.Context()); err != nil || counts["BR"] != 1 || len(counts) != 1 {
		t.Fatalf("FundedCounts: got %v, %v; want BR: 1", counts, err)
	}
}
