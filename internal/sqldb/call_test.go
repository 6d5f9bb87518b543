package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// callEnv is a database with an officer, programmes and the organisations
// calls refer to.
type callEnv struct {
	db      *DB
	clock   *testClock
	officer *coopdec.User
	actor   coopdec.Actor
	pact2   *coopdec.Programme
	joint   *coopdec.Programme
	med     *coopdec.Programme

	ministry, paca, brazil, morocco *coopdec.Organisation
}

func newCallEnv(t *testing.T) *callEnv {
	t.Helper()
	db, clk := openClockDB(t)
	e := &callEnv{db: db, clock: clk}
	e.officer = mustCreateUser(t, db, "officer@example.org", "Officer", coopdec.RoleOfficer)
	e.actor = coopdec.Actor{UserID: e.officer.ID, IP: "192.0.2.1"}
	e.pact2 = e.mustCreateProgramme(t, "pact2", "Programme d'appui à la coopération thématique")
	e.joint = e.mustCreateProgramme(t, "joint-calls", "Appels conjoints")
	e.med = e.mustCreateProgramme(t, "med-fund", "Fonds Méditerranée")
	e.ministry = mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"}, e.officer.ID)
	e.paca = mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgRegionalCouncil, Name: "Région Sud", Country: "FR"}, e.officer.ID)
	e.brazil = mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Agência Brasileira de Cooperação", Country: "BR"}, e.officer.ID)
	e.morocco = mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministère de l'Intérieur du Maroc", Country: "MA"}, e.officer.ID)
	return e
}

func (e *callEnv) mustCreateProgramme(t *testing.T, code, name string) *coopdec.Programme {
	t.Helper()
	p := &coopdec.Programme{Code: code, Names: map[string]string{"fr": name}}
	if err := e.db.CreateProgramme(t.Context(), p, e.actor); err != nil {
		t.Fatalf("CreateProgramme(%q): got error %v; want nil", code, err)
	}
	return p
}

func (e *callEnv) mustCreateCall(t *testing.T, c *coopdec.Call) *coopdec.Call {
	t.Helper()
	if err := e.db.CreateCall(t.Context(), c, e.actor); err != nil {
		t.Fatalf("CreateCall(%q): got error %v; want nil", c.Reference, err)
	}
	return c
}

func (e *callEnv) mustCall(t *testing.T, id int64) *coopdec.Call {
	t.Helper()
	c, err := e.db.Call(t.Context(), id)
	if err != nil {
		t.Fatalf("Call(%d): got error %v; want nil", id, err)
	}
	return c
}

// fullCall is the Franco-Brazilian call with every field set.
func (e *callEnv) fullCall() *coopdec.Call {
	return &coopdec.Call{
		ProgrammeID: e.joint.ID,
		Reference:   "AAP-FR-BR-2025",
		Texts: map[string]coopdec.CallText{
			"fr": {Title: "Appel franco-brésilien", Summary: "Coopération décentralisée trilatérale", Body: "Développement urbain durable."},
			"pt": {Title: "Chamada franco-brasileira", Summary: "Cooperação descentralizada trilateral", Body: "Desenvolvimento urbano sustentável."},
			"en": {Title: "Franco-Brazilian call", Summary: "Trilateral decentralised cooperation", Body: "Sustainable urban development."},
		},
		CoManagers:   []int64{e.brazil.ID, e.paca.ID},
		DecisionRule: coopdec.DecisionMinistry,
		Funders: []coopdec.Funder{
			{OrganisationID: e.ministry.ID, EnvelopeCents: 30_000_000, ShareBP: 6000},
			{OrganisationID: e.brazil.ID, EnvelopeCents: 20_000_000, ShareBP: 4000},
		},
		Themes: []string{"urban_development", "water_sanitation"},
		Rules: coopdec.EligibilityRules{
			Countries:            []string{"BR", "group:africa"},
			Excluded:             []coopdec.Exclusion{{Country: "MA", RedirectCallID: 0}},
			LeadTypes:            []coopdec.AuthorityType{coopdec.AuthorityRegion, coopdec.AuthorityCommune},
			LeadRegion:           "93",
			PartnerCountries:     []string{"BR"},
			BeneficiaryCountries: []string{"group:africa", "HT"},
			MaxGrantCents:        15_000_000,
			MaxFundersShareBP:    8000,
			MinOwnShareBP:        2000,
			MaxInKindOfOwnBP:     5000,
			MinDurationMonths:    12,
			MaxDurationMonths:    36,
			RequiredDocuments:    []string{"council_deliberation", "budget"},
			NoOverdueReports:     true,
		},
		Status:       coopdec.CallDraft,
		PublishAt:    t0.Add(24 * time.Hour),
		OpensAt:      t0.Add(10 * 24 * time.Hour),
		Deadline:     time.Date(2025, time.June, 30, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600)),
		EvaluationAt: t0.Add(150 * 24 * time.Hour),
		ResultsAt:    t0.Add(180 * 24 * time.Hour),
	}
}

func TestCreateCallRoundTrip(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	c := e.mustCreateCall(t, e.fullCall())

	want := e.fullCall()
	want.ID = c.ID
	want.CreatedAt, want.UpdatedAt = t0, t0
	want.Deadline = time.Date(2025, time.June, 30, 10, 0, 0, 123456000, time.UTC)
	want.PublishAt, want.OpensAt = want.PublishAt.UTC(), want.OpensAt.UTC()
	want.EvaluationAt, want.ResultsAt = want.EvaluationAt.UTC(), want.ResultsAt.UTC()
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("CreateCall left the call as\n%+v\nwant\n%+v", c, want)
	}
	got := e.mustCall(t, c.ID)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Call(%d):\ngot  %+v\nwant %+v", c.ID, got, want)
	}
	byRef, err := e.db.CallByReference(ctx, " AAP-FR-BR-2025 ")
	if err != nil || !reflect.DeepEqual(byRef, want) {
		t.Fatalf("CallByReference: got %+v, %v; want %+v", byRef, err, want)
	}
	wantAudit(t, e.db, coopdec.AuditCallCreate, callSubject(c.ID), e.officer.ID, 1)

	// The rules are stored as canonical JSON: what marshalRules writes.
	var stored string
	if err := e.db.read.QueryRowContext(ctx, `SELECT rules FROM calls WHERE id = $1`, c.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if canonical, _ := marshalRules(want.Rules); stored != canonical {
		t.Fatalf("stored rules %s; want %s", stored, canonical)
	}
	// The search filters see the expanded countries, exclusions removed.
	for _, tc := range []struct {
		country string
		want    int
	}{{"BR", 1}, {"SN", 1}, {"HT", 0}, {"MA", 0}, {"FR", 0}} {
		if n := count(t, e.db, `SELECT count(*) FROM call_countries WHERE call_id = $1 AND country = $2`, c.ID, tc.country); n != tc.want {
			t.Errorf("call_countries %s: got %d rows; want %d", tc.country, n, tc.want)
		}
	}
	if n := count(t, e.db, `SELECT count(*) FROM call_lead_types WHERE call_id = $1`, c.ID); n != 2 {
		t.Errorf("call_lead_types: got %d rows; want 2", n)
	}
}

func TestCreateCallMinimal(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	c := e.mustCreateCall(t, &coopdec.Call{ProgrammeID: e.pact2.ID, Reference: "PACT2-DRAFT",
		Texts: map[string]coopdec.CallText{"fr": {Title: "Brouillon"}}, Rules: coopdec.EligibilityRules{Countries: []string{}}})
	got := e.mustCall(t, c.ID)
	if got.Status != coopdec.CallDraft || got.DecisionRule != coopdec.DecisionAllParties {
		t.Fatalf("got status %q, rule %q; want draft, all_parties", got.Status, got.DecisionRule)
	}
	if !got.Deadline.IsZero() || !got.OpensAt.IsZero() || got.CoManagers != nil || got.Funders != nil || got.Themes != nil {
		t.Fatalf("got %+v; want no dates, co-managers, funders or themes", got)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("Call:\ngot  %+v\nwant %+v", got, c)
	}
	// No countries given: any country but France.
	if n := count(t, e.db, `SELECT count(*) FROM call_countries WHERE call_id = $1`, c.ID); n != len(coopdec.Countries())-1 {
		t.Fatalf("call_countries: got %d rows; want every country but France (%d)", n, len(coopdec.Countries())-1)
	}
	if n := count(t, e.db, `SELECT count(*) FROM call_countries WHERE call_id = $1 AND country = 'FR'`, c.ID); n != 0 {
		t.Fatalf("call_countries: got France; want every country but France")
	}
}

func TestCreateCallReferences(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	e.mustCreateCall(t, e.fullCall())

	tests := []struct {
		name       string
		change     func(c *coopdec.Call)
		code       string
		field, key string
	}{
		{"unknown programme", func(c *coopdec.Call) { c.ProgrammeID = 9999 }, coopdec.EINVALID, "programme_id", "call.programme.unknown"},
		{"unknown co-manager", func(c *coopdec.Call) { c.CoManagers = []int64{e.paca.ID, 9999} }, coopdec.EINVALID, "co_managers", "call.organisation.unknown"},
		{"unknown funder", func(c *coopdec.Call) { c.Funders[1].OrganisationID = 9999 }, coopdec.EINVALID, "funders", "call.organisation.unknown"},
		{"duplicate co-manager", func(c *coopdec.Call) { c.CoManagers = []int64{e.paca.ID, e.paca.ID} }, coopdec.EINVALID, "co_managers", "call.validation.co_managers.duplicate"},
		{"no French title", func(c *coopdec.Call) { delete(c.Texts, "fr") }, coopdec.EINVALID, "texts.fr.title", "call.validation.texts.fr.required"},
		{"unknown country", func(c *coopdec.Call) { c.Rules.Countries = []string{"ZZ"} }, coopdec.EINVALID, "rules.countries", "country.unknown"},
		{"no reference", func(c *coopdec.Call) { c.Reference = " " }, coopdec.EINVALID, "reference", "call.reference.required"},
		{"reference taken", func(c *coopdec.Call) {}, coopdec.EINVALID, "reference", "call.reference.taken"},
		{"unknown redirect", func(c *coopdec.Call) { c.Rules.Excluded[0].RedirectCallID = 9999 }, coopdec.EINVALID, "rules.excluded.0.redirect_call_id", "call.redirect.unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.fullCall()
			tc.change(c)
			err := e.db.CreateCall(ctx, c, e.actor)
			var found bool
			for _, fe := range fieldErrors(err) {
				if fe.Code == tc.code && fe.Field == tc.field && fe.Key == tc.key {
					found = true
				}
			}
			if !found {
				t.Fatalf("got error %v (%+v); want %s on %s", err, fieldErrors(err), tc.key, tc.field)
			}
		})
	}
	if n := count(t, e.db, `SELECT count(*) FROM calls`); n != 1 {
		t.Fatalf("got %d calls; want 1", n)
	}
	if n := count(t, e.db, `SELECT count(*) FROM call_texts`); n != 3 {
		t.Fatalf("got %d call texts; want 3", n)
	}
}

func TestProgrammes(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	actor := coopdec.Actor{IP: "192.0.2.1"}

	isimed := &coopdec.Programme{Code: " ISIMED ", Names: map[string]string{"fr": " ISI@MED ", "en": "ISI@MED", "es": " "}}
	if err := db.CreateProgramme(ctx, isimed, actor); err != nil {
		t.Fatalf("CreateProgramme: got error %v; want nil", err)
	}
	pact2 := &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "PACT2"}}
	if err := db.CreateProgramme(ctx, pact2, actor); err != nil {
		t.Fatalf("CreateProgramme: got error %v; want nil", err)
	}
	wantAudit(t, db, coopdec.AuditProgrammeCreate, "programme:"+itoa(int(isimed.ID)), 0, 1)

	wantError(t, db.CreateProgramme(ctx, &coopdec.Programme{Code: "pact2", Names: map[string]string{"fr": "Autre"}}, actor),
		coopdec.EINVALID, "code", "programme.code.taken")
	wantError(t, db.CreateProgramme(ctx, &coopdec.Programme{Code: "isi@med", Names: map[string]string{"fr": "X"}}, actor),
		coopdec.EINVALID, "code", "programme.code.invalid")
	wantError(t, db.CreateProgramme(ctx, &coopdec.Programme{Code: "nofrench", Names: map[string]string{"en": "X"}}, actor),
		coopdec.EINVALID, "names", "programme.name.required")

	got, err := db.Programmes(ctx)
	if err != nil {
		t.Fatalf("Programmes: got error %v; want nil", err)
	}
	want := []coopdec.Programme{
		{ID: isimed.ID, Code: "isimed", Names: map[string]string{"fr": "ISI@MED", "en": "ISI@MED"}},
		{ID: pact2.ID, Code: "pact2", Names: map[string]string{"fr": "PACT2"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Programmes: got %+v; want %+v", got, want)
	}
	p, err := db.ProgrammeByCode(ctx, "ISIMED")
	if err != nil || !reflect.DeepEqual(*p, want[0]) {
		t.Fatalf("ProgrammeByCode: got %+v, %v; want %+v", p, err, want[0])
	}
	_, err = db.ProgrammeByCode(ctx, "nope")
	wantError(t, err, coopdec.ENOTFOUND, "", "programme.not_found")
	_, err = db.Call(ctx, 9999)
	wantError(t, err, coopdec.ENOTFOUND, "", "call.not_found")
}

func TestUpdateCallBeforeOpening(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	c := e.mustCreateCall(t, e.fullCall())
	e.clock.advance(time.Hour)

	c.Texts["es"] = coopdec.CallText{Title: "Convocatoria franco-brasileña"}
	c.Deadline = c.Deadline.Add(24 * time.Hour)
	c.Status = coopdec.CallClosed // ignored: SetCallStatus changes the status
	if err := e.db.UpdateCall(ctx, c, e.actor, ""); err != nil {
		t.Fatalf("UpdateCall on a draft without a reason: got error %v; want nil", err)
	}
	if c.Status != coopdec.CallDraft || !c.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("got status %q, updated %v; want draft, %v", c.Status, c.UpdatedAt, t0.Add(time.Hour))
	}
	got := e.mustCall(t, c.ID)
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("Call after update:\ngot  %+v\nwant %+v", got, c)
	}
	if a, err := e.db.CallAmendments(ctx, c.ID); err != nil || len(a) != 0 {
		t.Fatalf("CallAmendments: got %+v, %v; want none", a, err)
	}
	wantAudit(t, e.db, coopdec.AuditCallUpdate, callSubject(c.ID), e.officer.ID, 1)

	// The search follows the texts.
	found, _, err := e.db.SearchCalls(ctx, CallFilter{Query: "brasilena", IncludeDraftsFor: &DraftAccess{All: true}}, coopdec.NewPage(1, 10))
	if err != nil || len(found) != 1 || found[0].ID != c.ID {
		t.Fatalf("SearchCalls after update: got %d calls, %v; want the call", len(found), err)
	}
}

func TestUpdateCallAmendment(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	c := e.mustCreateCall(t, e.fullCall())
	for _, step := range [][2]coopdec.CallStatus{{coopdec.CallDraft, coopdec.CallPublished}, {coopdec.CallPublished, coopdec.CallOpen}} {
		if err := e.db.SetCallStatus(ctx, c.ID, step[0], step[1], e.actor); err != nil {
			t.Fatalf("SetCallStatus %s → %s: got error %v; want nil", step[0], step[1], err)
		}
	}
	before := e.mustCall(t, c.ID)
	c = e.mustCall(t, c.ID)
	e.clock.advance(11 * 24 * time.Hour) // past the opening
	at := e.clock.now

	// Nothing changed: no reason needed, nothing recorded.
	if err := e.db.UpdateCall(ctx, c, e.actor, ""); err != nil {
		t.Fatalf("UpdateCall without change: got error %v; want nil", err)
	}

	c.Deadline = time.Date(2025, time.July, 15, 10, 0, 0, 0, time.UTC)
	c.Funders[0].EnvelopeCents = 35_000_000
	c.Rules.MaxGrantCents = 20_000_000
	c.Rules.LeadTypes = append(c.Rules.LeadTypes, coopdec.AuthorityEPCI)
	c.Texts["fr"] = coopdec.CallText{Title: "Appel franco-brésilien 2025", Summary: c.Texts["fr"].Summary, Body: c.Texts["fr"].Body}
	wantError(t, e.db.UpdateCall(ctx, c, e.actor, "  "), coopdec.EINVALID, "reason", "call.amendment.reason_required")
	if got := e.mustCall(t, c.ID); !reflect.DeepEqual(got, before) {
		t.Fatalf("a refused amendment changed the call:\ngot  %+v\nwant %+v", got, before)
	}

	if err := e.db.UpdateCall(ctx, c, e.actor, "Deadline extended at the partners' request"); err != nil {
		t.Fatalf("UpdateCall with a reason: got error %v; want nil", err)
	}
	got := e.mustCall(t, c.ID)
	if !reflect.DeepEqual(got, c) || got.Status != coopdec.CallOpen {
		t.Fatalf("Call after amendment:\ngot  %+v\nwant %+v", got, c)
	}
	amendments, err := e.db.CallAmendments(ctx, c.ID)
	if err != nil || len(amendments) != 1 {
		t.Fatalf("CallAmendments: got %+v, %v; want one", amendments, err)
	}
	a := amendments[0]
	if a.CallID != c.ID || a.AuthorID != e.officer.ID || !a.At.Equal(at) || a.Reason != "Deadline extended at the partners' request" {
		t.Fatalf("got amendment %+v; want by %d at %v with the reason", a, e.officer.ID, at)
	}
	ministry := itoa(int(e.ministry.ID))
	want := []coopdec.CallChange{
		{Field: "deadline", Kind: coopdec.ChangeDate, Old: before.Deadline.Format(time.RFC3339Nano), New: "2025-07-15T10:00:00Z"},
		{Field: "text.fr.title", Kind: coopdec.ChangeText, Old: "Appel franco-brésilien", New: "Appel franco-brésilien 2025"},
		{Field: "funder." + ministry + ".envelope", Kind: coopdec.ChangeMoney, Old: "30000000", New: "35000000"},
		{Field: "rules.lead_types", Kind: coopdec.ChangeList, Old: "region,commune", New: "region,commune,epci"},
		{Field: "rules.max_grant", Kind: coopdec.ChangeMoney, Old: "15000000", New: "20000000"},
	}
	if !reflect.DeepEqual(a.Changes, want) {
		t.Errorf("amendment changes:\ngot  %+v\nwant %+v", a.Changes, want)
	}
	// The lead-type filter follows the rules.
	if n := count(t, e.db, `SELECT count(*) FROM call_lead_types WHERE call_id = $1`, c.ID); n != 3 {
		t.Errorf("call_lead_types: got %d rows; want 3", n)
	}

	// A stale copy is refused rather than overwriting the amendment.
	before.Themes = []string{"culture"}
	wantError(t, e.db.UpdateCall(ctx, before, e.actor, "Other change"), coopdec.ECONFLICT, "", "call.changed")

	// Extending the deadline of a closed call reopens it.
	e.clock.now = c.Deadline
	if err := e.db.SetCallStatus(ctx, c.ID, coopdec.CallOpen, coopdec.CallClosed, coopdec.Actor{}); err != nil {
		t.Fatalf("SetCallStatus open → closed: got error %v; want nil", err)
	}
	c = e.mustCall(t, c.ID)
	c.Deadline = c.Deadline.Add(7 * 24 * time.Hour)
	if err := e.db.UpdateCall(ctx, c, e.actor, "A week more"); err != nil {
		t.Fatalf("UpdateCall of a closed call: got error %v; want nil", err)
	}
	if got := e.mustCall(t, c.ID); got.Status != coopdec.CallOpen || c.Status != coopdec.CallOpen {
		t.Fatalf("got status %q (caller's copy %q) after extending the deadline; want open", got.Status, c.Status)
	}
	amendments, err = e.db.CallAmendments(ctx, c.ID)
	want = []coopdec.CallChange{
		{Field: "deadline", Kind: coopdec.ChangeDate, Old: "2025-07-15T10:00:00Z", New: "2025-07-22T10:00:00Z"},
		{Field: "status", Kind: coopdec.ChangePlain, Old: "closed", New: "open"},
	}
	if err != nil || len(amendments) != 2 || !reflect.DeepEqual(amendments[1].Changes, want) {
		t.Fatalf("CallAmendments: got %+v, %v; want a second one with the deadline and the status", amendments, err)
	}

	// A row written before changes were stored as JSON reads as changes without a field.
	if _, err := e.db.write.ExecContext(ctx, `INSERT INTO call_amendments (call_id, at, author_id, reason, changes)
		VALUES ($1, $2, NULL, 'old', $3)`, c.ID, e.clock.now, "deadline: a → b\nthemes: c → d"); err != nil {
		t.Fatal(err)
	}
	amendments, err = e.db.CallAmendments(ctx, c.ID)
	want = []coopdec.CallChange{{Kind: coopdec.ChangePlain, New: "deadline: a → b"}, {Kind: coopdec.ChangePlain, New: "themes: c → d"}}
	if err != nil || len(amendments) != 3 || !reflect.DeepEqual(amendments[2].Changes, want) {
		t.Fatalf("CallAmendments with a plain-text row: got %+v, %v; want its lines", amendments, err)
	}

	if a, err := e.db.CallAmendments(ctx, 9999); err != nil || len(a) != 0 {
		t.Fatalf("CallAmendments of an unknown call: got %+v, %v; want none", a, err)
	}
	wantError(t, e.db.UpdateCall(ctx, &coopdec.Call{ID: 9999, ProgrammeID: e.pact2.ID, Reference: "X"}, e.actor, "r"),
		coopdec.ENOTFOUND, "", "call.not_found")
}

func TestSetCallStatus(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	c := e.mustCreateCall(t, e.fullCall())
	e.clock.advance(time.Minute)

	if err := e.db.SetCallStatus(ctx, c.ID, coopdec.CallDraft, coopdec.CallPublished, e.actor); err != nil {
		t.Fatalf("SetCallStatus: got error %v; want nil", err)
	}
	got := e.mustCall(t, c.ID)
	if got.Status != coopdec.CallPublished || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("got status %q updated %v; want published at %v", got.Status, got.UpdatedAt, t0.Add(time.Minute))
	}
	wantAudit(t, e.db, coopdec.AuditCallStatus, callSubject(c.ID), e.officer.ID, 1)

	// The clock's change leaves the editors' stamp: a form drawn before it
	// saves, as it would have a moment earlier.
	form := e.mustCall(t, c.ID)
	e.clock.advance(time.Minute)
	if err := e.db.AdvanceCallStatus(ctx, c.ID, coopdec.CallPublished, coopdec.CallOpen, e.actor); err != nil {
		t.Fatalf("AdvanceCallStatus: got error %v; want nil", err)
	}
	if got := e.mustCall(t, c.ID); got.Status != coopdec.CallOpen || !got.UpdatedAt.Equal(form.UpdatedAt) {
		t.Fatalf("after the clock: got status %q updated %v; want open, still updated %v", got.Status, got.UpdatedAt, form.UpdatedAt)
	}
	form.Texts["fr"] = coopdec.CallText{Title: form.Texts["fr"].Title, Summary: "Résumé revu après l'ouverture.", Body: form.Texts["fr"].Body}
	stamp := form.UpdatedAt
	if err := e.db.UpdateCall(ctx, form, e.actor, "Précision du résumé."); err != nil {
		t.Fatalf("UpdateCall with the stamp from before the clock's change: got %v; want nil", err)
	}
	// A person's change does outdate it.
	form.UpdatedAt = stamp
	wantError(t, e.db.UpdateCall(ctx, form, e.actor, "Trop tard."), coopdec.ECONFLICT, "", "call.changed")
	exec(t, e.db, `UPDATE calls SET status = 'published' WHERE id = $1`, c.ID)

	wantError(t, e.db.SetCallStatus(ctx, c.ID, coopdec.CallDraft, coopdec.CallPublished, e.actor),
		coopdec.ECONFLICT, "", "call.status.changed")
	wantError(t, e.db.SetCallStatus(ctx, 9999, coopdec.CallDraft, coopdec.CallPublished, e.actor),
		coopdec.ENOTFOUND, "", "call.not_found")
	wantError(t, e.db.SetCallStatus(ctx, c.ID, coopdec.CallPublished, "archived", e.actor),
		coopdec.EINVALID, "status", "call.validation.status.invalid")

	// Of concurrent transitions from the same status, exactly one wins.
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			to := coopdec.CallOpen
			if i%2 == 1 {
				to = coopdec.CallDraft
			}
			errs[i] = e.db.SetCallStatus(ctx, c.ID, coopdec.CallPublished, to, e.actor)
		})
	}
	wg.Wait()
	var won int
	for _, err := range errs {
		switch coopdec.ErrorCode(err) {
		case "":
			won++
		case coopdec.ECONFLICT:
		default:
			t.Fatalf("concurrent SetCallStatus: got error %v; want nil or a conflict", err)
		}
	}
	if won != 1 {
		t.Fatalf("concurrent SetCallStatus: %d won; want 1", won)
	}
	// The publication, the opening (by the clock's method) and the winner.
	wantAudit(t, e.db, coopdec.AuditCallStatus, callSubject(c.ID), e.officer.ID, 3)
}

// TestSetCallStatusValidatesStoredCall: the handler checks the call it
// loaded, which may have lost its deadline since; the stored one decides.
func TestSetCallStatusValidatesStoredCall(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	c := e.mustCreateCall(t, e.fullCall())
	loaded := e.mustCall(t, c.ID)
	loaded.Status = coopdec.CallPublished
	if err := loaded.Validate(); err != nil {
		t.Fatalf("the call as loaded: got error %v; want it valid when published", err)
	}

	edited := e.mustCall(t, c.ID)
	edited.Deadline, edited.EvaluationAt, edited.ResultsAt = time.Time{}, time.Time{}, time.Time{}
	if err := e.db.UpdateCall(ctx, edited, e.actor, ""); err != nil {
		t.Fatalf("UpdateCall: got error %v; want nil", err)
	}
	err := e.db.SetCallStatus(ctx, c.ID, coopdec.CallDraft, coopdec.CallPublished, e.actor)
	if fes := fieldErrors(err); len(fes) != 1 || fes[0].Code != coopdec.EINVALID || fes[0].Field != "deadline" ||
		fes[0].Key != "call.validation.deadline.required" {
		t.Fatalf("SetCallStatus(published) without a deadline: got error %v (%+v); want deadline required", err, fes)
	}
	got := e.mustCall(t, c.ID)
	if got.Status != coopdec.CallDraft || !reflect.DeepEqual(got, edited) {
		t.Fatalf("after the refusal: got %+v; want the draft unchanged %+v", got, edited)
	}
	if n := count(t, e.db, `SELECT count(*) FROM calls WHERE public_at IS NOT NULL`); n != 0 {
		t.Fatalf("got %d calls with public_at; want none", n)
	}
	wantAudit(t, e.db, coopdec.AuditCallStatus, callSubject(c.ID), e.officer.ID, 0)

	// Back to draft needs no dates.
	if err := e.db.SetCallStatus(ctx, c.ID, coopdec.CallDraft, coopdec.CallDraft, e.actor); err != nil {
		t.Fatalf("SetCallStatus(draft): got error %v; want nil", err)
	}
}

// TestCallRedirects: an exclusion redirects to another call that exists.
func TestCallRedirects(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	target := e.mustCreateCall(t, e.fullCall())
	c := e.fullCall()
	c.Reference = "AAP-FR-MA-2025"
	c.Rules.Excluded = []coopdec.Exclusion{{Country: "MA", RedirectCallID: target.ID}}
	e.mustCreateCall(t, c)

	for _, tc := range []struct {
		name     string
		redirect int64
		key      string
	}{
		{"unknown call", 9999, "call.redirect.unknown"},
		{"the call itself", c.ID, "call.validation.excluded.redirect.self"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := e.mustCall(t, c.ID)
			u.Rules.Excluded[0].RedirectCallID = tc.redirect
			err := e.db.UpdateCall(ctx, u, e.actor, "")
			if fes := fieldErrors(err); len(fes) != 1 || fes[0].Field != "rules.excluded.0.redirect_call_id" || fes[0].Key != tc.key {
				t.Fatalf("UpdateCall: got error %v (%+v); want %s on rules.excluded.0.redirect_call_id", err, fes, tc.key)
			}
		})
	}
	// The storage's own check, for a caller that skipped Validate's.
	if err := checkCallReferencesTx(t, e, c); err != nil {
		t.Fatalf("checkCallReferences(valid redirect): got error %v; want nil", err)
	}
	self := *c
	self.Rules.Excluded = []coopdec.Exclusion{{Country: "MA", RedirectCallID: c.ID}}
	err := checkCallReferencesTx(t, e, &self)
	if fes := fieldErrors(err); len(fes) != 1 || fes[0].Field != "rules.excluded.0.redirect_call_id" || fes[0].Key != "call.redirect.unknown" {
		t.Fatalf("checkCallReferences(self): got error %v; want call.redirect.unknown", err)
	}
	if got := e.mustCall(t, c.ID).Rules.Excluded[0].RedirectCallID; got != target.ID {
		t.Fatalf("stored redirect: got %d; want %d", got, target.ID)
	}
}

func checkCallReferencesTx(t *testing.T, e *callEnv, c *coopdec.Call) error {
	t.Helper()
	tx, err := e.db.write.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	return checkCallReferences(t.Context(), tx, c)
}

func TestCallsDueForTransition(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	day := 24 * time.Hour
	now := t0.Add(10 * day)
	// Created at t0, with the status the dates give then.
	mk := func(ref string, status coopdec.CallStatus, opens, deadline time.Time) int64 {
		c := e.mustCreateCall(t, &coopdec.Call{ProgrammeID: e.pact2.ID, Reference: ref, Status: status,
			Texts: map[string]coopdec.CallText{"fr": {Title: ref}}, PublishAt: t0.Add(-30 * day), OpensAt: opens, Deadline: deadline})
		if c.Status != status {
			t.Fatalf("CreateCall(%s): got status %s; want %s", ref, c.Status, status)
		}
		return c.ID
	}
	opening := mk("opening", coopdec.CallPublished, now.Add(-time.Second), now.Add(30*day))
	openingNow := mk("opening-now", coopdec.CallPublished, now, now.Add(30*day))
	mk("announced", coopdec.CallPublished, now.Add(time.Second), now.Add(30*day))
	skipping := mk("opened-and-closed", coopdec.CallPublished, t0.Add(day), t0.Add(5*day))
	closing := mk("closing", coopdec.CallOpen, t0.Add(-10*day), now.Add(-time.Microsecond))
	mk("still-open", coopdec.CallOpen, t0.Add(-10*day), now.Add(time.Microsecond))
	mk("draft-past", coopdec.CallDraft, t0.Add(-10*day), t0.Add(-day))
	mk("closed", coopdec.CallClosed, t0.Add(-20*day), t0.Add(-day))
	mk("evaluation", coopdec.CallEvaluation, t0.Add(-20*day), now.Add(day))
	// A stored status is a cache: one that lags behind its dates is due too.
	stale := mk("stale", coopdec.CallOpen, t0.Add(-10*day), now.Add(30*day))
	exec(t, e.db, `UPDATE calls SET status = 'closed' WHERE id = $1`, stale)
	// Dates given in another zone compare as instants.
	paris := time.FixedZone("CET", 3600)
	closingParis := mk("closing-paris", coopdec.CallOpen, t0.Add(-10*day), now.Add(-time.Minute).In(paris))

	got, err := e.db.CallsDueForTransition(ctx, now.In(paris))
	if err != nil {
		t.Fatalf("CallsDueForTransition: got error %v; want nil", err)
	}
	want := []CallTransition{
		{opening, coopdec.CallPublished, coopdec.CallOpen},
		{openingNow, coopdec.CallPublished, coopdec.CallOpen},
		{skipping, coopdec.CallPublished, coopdec.CallClosed},
		{closing, coopdec.CallOpen, coopdec.CallClosed},
		{stale, coopdec.CallClosed, coopdec.CallOpen},
		{closingParis, coopdec.CallOpen, coopdec.CallClosed},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CallsDueForTransition:\ngot  %+v\nwant %+v", got, want)
	}
	for _, tr := range got {
		if err := e.db.SetCallStatus(ctx, tr.CallID, tr.From, tr.To, coopdec.Actor{}); err != nil {
			t.Fatalf("SetCallStatus(%+v): got error %v; want nil", tr, err)
		}
	}
	if got, err := e.db.CallsDueForTransition(ctx, now); err != nil || len(got) != 0 {
		t.Fatalf("CallsDueForTransition after applying: got %+v, %v; want none", got, err)
	}
}

func TestRuleName(t *testing.T) {
	for field, want := range map[string]string{
		"MaxGrantCents":        "max_grant",
		"MaxFundersShareBP":    "max_funders_share",
		"MaxInKindOfOwnBP":     "max_in_kind_of_own",
		"BeneficiaryCountries": "beneficiary_countries",
		"NoOverdueReports":     "no_overdue_reports",
		"LeadRegion":           "lead_region",
	} {
		if got := ruleName(field); got != want {
			t.Errorf("ruleName(%q) = %q; want %q", field, got, want)
		}
	}
}

// TestCallChanges: machine values for every kind, funders and texts added
// and removed, rules at their zero.
func TestCallChanges(t *testing.T) {
	old := &coopdec.Call{
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Appel"}, "es": {Title: "Convocatoria"}},
		CoManagers: []int64{4, 5},
		Funders:    []coopdec.Funder{{OrganisationID: 1, EnvelopeCents: 100, ShareBP: 5000}, {OrganisationID: 2, ShareBP: 5000}},
		Themes:     []string{"culture"},
		Rules:      coopdec.EligibilityRules{MaxGrantCents: 500, Excluded: []coopdec.Exclusion{{Country: "MA", RedirectCallID: 12}}},
		PublishAt:  time.Date(2027, time.January, 24, 19, 46, 0, 0, time.UTC),
	}
	c := &coopdec.Call{
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Appel", Body: "Nouveau"}, "en": {Title: "Call"}},
		CoManagers: []int64{5},
		Funders:    []coopdec.Funder{{OrganisationID: 1, EnvelopeCents: 100, ShareBP: 4000}, {OrganisationID: 3, EnvelopeCents: 250, ShareBP: 6000}},
		Themes:     []string{"culture", "water_sanitation"},
		Rules:      coopdec.EligibilityRules{NoOverdueReports: true, MinDurationMonths: 12},
	}
	want := []coopdec.CallChange{
		{Field: "publish_at", Kind: coopdec.ChangeDate, Old: "2027-01-24T19:46:00Z", New: ""},
		{Field: "text.en", Kind: coopdec.ChangeText, Old: "", New: "Call"},
		{Field: "text.fr.body", Kind: coopdec.ChangeText, Old: "", New: "Nouveau"},
		{Field: "text.es", Kind: coopdec.ChangeText, Old: "Convocatoria", New: ""},
		{Field: "co_managers", Kind: coopdec.ChangeList, Old: "4,5", New: "5"},
		{Field: "funder.1.share", Kind: coopdec.ChangePercent, Old: "5000", New: "4000"},
		{Field: "funder.3", Kind: coopdec.ChangePlain, Old: "", New: "3"},
		{Field: "funder.3.envelope", Kind: coopdec.ChangeMoney, Old: "", New: "250"},
		{Field: "funder.3.share", Kind: coopdec.ChangePercent, Old: "", New: "6000"},
		{Field: "funder.2", Kind: coopdec.ChangePlain, Old: "2", New: ""},
		{Field: "themes", Kind: coopdec.ChangeList, Old: "culture", New: "culture,water_sanitation"},
		{Field: "rules.excluded", Kind: coopdec.ChangeList, Old: "MA:12", New: ""},
		{Field: "rules.max_grant", Kind: coopdec.ChangeMoney, Old: "500", New: ""},
		{Field: "rules.min_duration_months", Kind: coopdec.ChangePlain, Old: "", New: "12"},
		{Field: "rules.no_overdue_reports", Kind: coopdec.ChangePlain, Old: "false", New: "true"},
	}
	if got := callChanges(old, c); !reflect.DeepEqual(got, want) {
		t.Errorf("callChanges:\ngot  %+v\nwant %+v", got, want)
	}
	if got := callChanges(c, c); len(got) != 0 {
		t.Errorf("callChanges of a call with itself: got %+v; want none", got)
	}
	c2 := *c
	c2.Funders = []coopdec.Funder{c.Funders[1], c.Funders[0]}
	want = []coopdec.CallChange{{Field: "funders", Kind: coopdec.ChangeList, Old: "1,3", New: "3,1"}}
	if got := callChanges(c, &c2); !reflect.DeepEqual(got, want) {
		t.Errorf("callChanges of reordered funders: got %+v; want %+v", got, want)
	}
}

// TestCallPublicAt: public_at is max(publish_at, the moment the call left
// draft), and PublicAfter/PublicUntil select on it.
func TestCallPublicAt(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	ctx := t.Context()
	late := e.fullCall() // a draft dated yesterday, published today
	late.PublishAt, late.OpensAt = t0.Add(-day), t0.Add(day)
	e.mustCreateCall(t, late)
	soon := e.fullCall() // published now, public tomorrow
	soon.Reference, soon.Status = "AAP-SOON", coopdec.CallPublished
	e.mustCreateCall(t, soon)
	e.clock.advance(time.Hour)
	if err := e.db.SetCallStatus(ctx, late.ID, coopdec.CallDraft, coopdec.CallPublished, e.actor); err != nil {
		t.Fatal(err)
	}
	refs := func(after, until time.Time) []string {
		t.Helper()
		calls, _, err := e.db.SearchCalls(ctx, CallFilter{PublicAfter: after, PublicUntil: until, IncludeDraftsFor: &DraftAccess{All: true}},
			coopdec.NewPage(1, 10))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range calls {
			out = append(out, c.Reference)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		after, until time.Time
		want         []string
	}{
		{t0.Add(-2 * day), t0, nil},
		{t0, t0.Add(time.Hour), []string{late.Reference}},
		{t0.Add(time.Hour), t0.Add(2 * day), []string{soon.Reference}},
		{t0.Add(-2 * day), t0.Add(2 * day), []string{late.Reference, soon.Reference}},
	} {
		if got := refs(tc.after, tc.until); !slices.Equal(got, tc.want) {
			t.Errorf("public after %v until %v: got %q; want %q", tc.after, tc.until, got, tc.want)
		}
	}
}

// amendmentQueue is an Enqueuer that records the jobs it is given, or
// refuses them with fail.
type amendmentQueue struct {
	jobs []Job
	fail error
}

func (q *amendmentQueue) EnqueueTx(_ context.Context, _ *sql.Tx, jobs ...Job) error {
	if q.fail != nil {
		return q.fail
	}
	q.jobs = append(q.jobs, jobs...)
	return nil
}

// amendmentNoticeArgs is a test job: one notice to one draft holder.
type amendmentNoticeArgs struct {
	To     string
	Reason string
}

func (amendmentNoticeArgs) Kind() string { return "test_amendment_notice" }

func TestUpdateCallNotifiesDraftHolders(t *testing.T) {
	t.Parallel()
	e := newApplicationEnv(t)
	ctx := t.Context()
	lyon2 := mustCreateUser(t, e.db, "lyon3@example.org", "Troisième agent")
	stEtienne := mustCreateUser(t, e.db, "st-etienne@example.org", "Agent de Saint-Étienne")
	for _, m := range []struct {
		user int64
		org  *coopdec.Organisation
	}{{e.lyonActor.UserID, e.lyon}, {lyon2.ID, e.lyon}, {stEtienne.ID, e.stEtienne}} {
		if err := e.db.AddMembership(ctx, m.user, m.org.ID, coopdec.MemberRoleMember, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	draft := e.mustCreateApplication(t, e.fullApplication())
	other := e.fullApplication()
	other.LeadOrganisationID, other.Partners = e.stEtienne.ID, nil
	other.Budget = coopdec.Budget{}
	e.mustCreateApplication(t, other)
	e.submit(t, other.ID) // submitted: no longer a draft to adapt

	var calls [][]DraftHolder
	var amendments []*coopdec.Amendment
	notify := func(am *coopdec.Amendment, c *coopdec.Call, holders []DraftHolder) []Job {
		calls, amendments = append(calls, holders), append(amendments, am)
		out := make([]Job, len(holders))
		for i, h := range holders {
			out[i] = Job{Args: amendmentNoticeArgs{To: h.Email, Reason: am.Reason}}
		}
		return out
	}

	// Before it opens, a change is no amendment: nobody is told.
	q := &amendmentQueue{}
	c := e.mustCall(t, e.call.ID)
	c.Rules.MaxGrantCents = 14_000_000
	if err := e.db.UpdateCallNotify(ctx, q, c, e.actor, "", notify); err != nil {
		t.Fatalf("UpdateCallNotify before opening: got error %v; want nil", err)
	}
	if len(calls) != 0 || len(q.jobs) != 0 {
		t.Fatalf("before opening: got notices %+v, jobs %+v; want none", calls, q.jobs)
	}

	for _, step := range [][2]coopdec.CallStatus{{coopdec.CallDraft, coopdec.CallPublished}, {coopdec.CallPublished, coopdec.CallOpen}} {
		if err := e.db.SetCallStatus(ctx, e.call.ID, step[0], step[1], e.actor); err != nil {
			t.Fatalf("SetCallStatus %s → %s: got error %v; want nil", step[0], step[1], err)
		}
	}
	e.clock.advance(11 * 24 * time.Hour)

	// A queue that fails takes the amendment down with it.
	before := e.mustCall(t, e.call.ID)
	c = e.mustCall(t, e.call.ID)
	c.Rules.MaxDurationMonths = 30
	broken := errors.New("queue unavailable")
	if err := e.db.UpdateCallNotify(ctx, &amendmentQueue{fail: broken}, c, e.actor, "Durée ramenée à 30 mois", notify); !errors.Is(err, broken) {
		t.Fatalf("UpdateCallNotify with a failing queue: got %v; want %v", err, broken)
	}
	if got := e.mustCall(t, e.call.ID); !reflect.DeepEqual(got, before) {
		t.Fatalf("an amendment whose notice failed changed the call:\ngot  %+v\nwant %+v", got, before)
	}
	if list, err := e.db.CallAmendments(ctx, e.call.ID); err != nil || len(list) != 0 {
		t.Fatalf("CallAmendments after a failed notice: got %+v, %v; want none", list, err)
	}

	calls, amendments = nil, nil
	c = e.mustCall(t, e.call.ID)
	c.Rules.MaxDurationMonths = 30
	if err := e.db.UpdateCallNotify(ctx, q, c, e.actor, "Durée ramenée à 30 mois", notify); err != nil {
		t.Fatalf("UpdateCallNotify: got error %v; want nil", err)
	}
	if len(calls) != 1 {
		t.Fatalf("notify called %d times; want once", len(calls))
	}
	var to []string
	for _, h := range calls[0] {
		if h.ApplicationID != draft.ID {
			t.Errorf("holder %+v: got application %d; want the draft %d", h, h.ApplicationID, draft.ID)
		}
		to = append(to, h.Email)
	}
	if want := []string{"lyon@example.org", "lyon3@example.org"}; !slices.Equal(to, want) {
		t.Errorf("holders: got %q; want %q (the draft's authors, not the submitted application's)", to, want)
	}
	stored, err := e.db.CallAmendments(ctx, e.call.ID)
	if err != nil || len(stored) != 1 {
		t.Fatalf("CallAmendments: got %+v, %v; want one", stored, err)
	}
	am := amendments[0]
	if am.ID != stored[0].ID || am.Reason != "Durée ramenée à 30 mois" || !reflect.DeepEqual(am.Changes, stored[0].Changes) {
		t.Errorf("notice of %+v; want the stored amendment %+v", am, stored[0])
	}
	if len(q.jobs) != 2 || q.jobs[0].Args.(amendmentNoticeArgs).To != "lyon@example.org" {
		t.Errorf("enqueued %+v; want a notice to each of Lyon's two members", q.jobs)
	}

	// A refused amendment (no reason) tells nobody.
	q.jobs, calls = nil, nil
	c = e.mustCall(t, e.call.ID)
	c.Rules.MaxDurationMonths = 24
	wantError(t, e.db.UpdateCallNotify(ctx, q, c, e.actor, " ", notify), coopdec.EINVALID, "reason", "call.amendment.reason_required")
	if len(calls) != 0 || len(q.jobs) != 0 {
		t.Errorf("refused amendment: got notices %+v, jobs %+v; want none", calls, q.jobs)
	}
}
