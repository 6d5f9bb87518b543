package sqldb

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// applicationEnv is a call with two French local authorities that may apply
// to it and a registered Brazilian partner.
type applicationEnv struct {
	*callEnv
	call                   *coopdec.Call
	lyon, stEtienne, belo  *coopdec.Organisation
	lyonActor, otherAuthor coopdec.Actor
}

func newApplicationEnv(t *testing.T) *applicationEnv {
	t.Helper()
	e := &applicationEnv{callEnv: newCallEnv(t)}
	e.call = e.mustCreateCall(t, e.fullCall())
	e.lyon = mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"}, e.officer.ID)
	e.stEtienne = mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Saint-Étienne", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "214202186"}, e.officer.ID)
	e.belo = mustCreateOrg(t, e.db, &coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Prefeitura de Belo Horizonte", Country: "BR"}, e.officer.ID)
	e.lyonActor = coopdec.Actor{UserID: mustCreateUser(t, e.db, "lyon@example.org", "Agent de Lyon").ID, IP: "192.0.2.10"}
	e.otherAuthor = coopdec.Actor{UserID: mustCreateUser(t, e.db, "lyon2@example.org", "Autre agent").ID, IP: "192.0.2.11"}
	return e
}

// fullApplication is Lyon's application with every part filled in.
func (e *applicationEnv) fullApplication() *coopdec.Application {
	return &coopdec.Application{
		CallID:             e.call.ID,
		LeadOrganisationID: e.lyon.ID,
		Texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Mobilités douces à Belo Horizonte", Summary: "Pistes cyclables et formation.",
				Context: "Une ville en croissance.", Objectives: "Réduire la part de la voiture.", Sustainability: "Un service municipal dédié."},
			"pt": {Title: "Mobilidade suave em Belo Horizonte", Summary: "Ciclovias e formação."},
		},
		Themes:    []string{"urban_development"},
		Countries: []string{"BR"},
		Places:    []string{"Belo Horizonte", "Minas Gerais"},
		Activities: []coopdec.Activity{
			{Title: "Diagnostic", Description: "Comptages et enquêtes « origine-destination ».", StartMonth: 1, EndMonth: 6},
			{Title: "Travaux", Description: "12 km de pistes.", StartMonth: 7, EndMonth: 24},
		},
		DurationMonths: 24,
		Results: []coopdec.Result{
			{Indicator: "Pistes cyclables ouvertes", Unit: "km", Baseline: "0", Target: "12"},
			{Indicator: "Agents formés", Unit: "people trained", Target: "40.5"},
		},
		Partners: []coopdec.Partner{
			{OrganisationID: e.lyon.ID, Name: "Lyon", Kind: coopdec.OrgFrenchAuthority, Country: "FR", Role: coopdec.RoleLeadPartner,
				Contribution: "Ingénierie", ContributionCents: 2_000_000},
			{OrganisationID: e.belo.ID, Kind: coopdec.OrgForeignAuthority, Country: "BR", Role: coopdec.RolePartner,
				Contribution: "Terrains et personnel", ContributionCents: 1_000_000, InKind: true, Confirmed: true},
			{Name: "Universidade Federal de Minas Gerais", Kind: coopdec.OrgUniversity, Country: "BR", Role: coopdec.RoleAssociated},
		},
		BeneficiaryCountries: []string{"HT"},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Chef de projet", AmountCents: 4_000_000},
				{Category: coopdec.ExpenseTravel, Label: "Missions", AmountCents: 2_000_000},
				{Category: coopdec.ExpenseInKind, Label: "Terrains", AmountCents: 2_000_000},
			},
			Financing: []coopdec.FinancingLine{
				{Source: coopdec.FundingGrant, FunderOrganisationID: e.ministry.ID, Label: "Ministère", AmountCents: 2_400_000},
				{Source: coopdec.FundingGrant, FunderOrganisationID: e.brazil.ID, Label: "ABC", AmountCents: 1_600_000},
				{Source: coopdec.FundingOwnCash, Label: "Budget municipal", AmountCents: 2_000_000},
				{Source: coopdec.FundingOwnInKind, Label: "Ingénierie", AmountCents: 1_000_000},
				{Source: coopdec.FundingPartner, PartnerOrganisationID: e.belo.ID, Label: "Terrains", AmountCents: 1_000_000, InKind: true},
			},
		},
	}
}

func (e *applicationEnv) mustCreateApplication(t *testing.T, a *coopdec.Application) *coopdec.Application {
	t.Helper()
	if err := e.db.CreateApplication(t.Context(), a, e.lyonActor); err != nil {
		t.Fatalf("CreateApplication: got error %v; want nil", err)
	}
	return a
}

func (e *applicationEnv) mustApplication(t *testing.T, id int64) *coopdec.Application {
	t.Helper()
	a, err := e.db.Application(t.Context(), id)
	if err != nil {
		t.Fatalf("Application(%d): got error %v; want nil", id, err)
	}
	return a
}

// submit marks an application submitted directly: submission itself is
// not this file's subject.
func (e *applicationEnv) submit(t *testing.T, id int64) {
	t.Helper()
	if _, err := e.db.write.ExecContext(t.Context(), `UPDATE applications SET status = $1, submitted_at = $2 WHERE id = $3`,
		string(coopdec.ApplicationSubmitted), e.db.now(), id); err != nil {
		t.Fatal(err)
	}
}

func TestApplicationRoundTrip(t *testing.T) {
	e := newApplicationEnv(t)
	a := e.mustCreateApplication(t, e.fullApplication())
	if a.ID == 0 || a.Version != 1 || a.Status != coopdec.ApplicationDraft {
		t.Fatalf("got ID %d, version %d, status %q; want an ID, version 1, draft", a.ID, a.Version, a.Status)
	}
	if !a.CreatedAt.Equal(t0) || !a.UpdatedAt.Equal(t0) || !a.SubmittedAt.IsZero() {
		t.Errorf("got created %v, updated %v, submitted %v; want %v, %v, zero", a.CreatedAt, a.UpdatedAt, a.SubmittedAt, t0, t0)
	}
	got := e.mustApplication(t, a.ID)
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("round trip:\ngot  %+v\nwant %+v", got, a)
	}
	if len(got.Budget.Financing) != 5 || got.Partners[1].OrganisationID != e.belo.ID || got.Activities[1].EndMonth != 24 {
		t.Fatalf("got %+v; want the full application", got)
	}

	events, _, err := e.db.ListAudit(t.Context(), AuditFilter{Action: "application.create"}, coopdec.NewPage(1, 10))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].ActorID != e.lyonActor.UserID || events[0].Subject != applicationSubject(a.ID) {
		t.Fatalf("got audit %+v; want one application.create by the author on %s", events, applicationSubject(a.ID))
	}
}

func TestCreateApplicationRefusals(t *testing.T) {
	e := newApplicationEnv(t)
	ctx := t.Context()

	a := e.fullApplication()
	a.CallID = 999_999
	if err := e.db.CreateApplication(ctx, a, e.lyonActor); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("unknown call: got %v; want %s", err, coopdec.ENOTFOUND)
	}

	a = e.fullApplication()
	a.Themes = []string{"education"}
	wantError(t, e.db.CreateApplication(ctx, a, e.lyonActor), coopdec.EINVALID, "themes", "application.theme.not_in_call")

	a = e.fullApplication()
	a.LeadOrganisationID = 999_999
	a.Partners = nil
	a.Budget = coopdec.Budget{}
	wantError(t, e.db.CreateApplication(ctx, a, e.lyonActor), coopdec.ENOTFOUND, "", "org.not_found")

	if _, err := e.db.Application(ctx, 999_999); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Errorf("Application(999999): got %v; want %s", err, coopdec.ENOTFOUND)
	}
}

func TestUpdateApplicationDraft(t *testing.T) {
	e := newApplicationEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.fullApplication())

	e.clock.advance(time.Hour)
	edit := e.mustApplication(t, a.ID)
	edit.Places = append(edit.Places, "  Contagem ")
	edit.DurationMonths = 30
	edit.CallID, edit.LeadOrganisationID = 0, e.stEtienne.ID // ignored: not the draft's to change
	if err := e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor); err != nil {
		t.Fatalf("UpdateApplicationDraft: got error %v; want nil", err)
	}
	if edit.Version != 2 || !edit.UpdatedAt.Equal(t0.Add(time.Hour)) || edit.CallID != e.call.ID || edit.LeadOrganisationID != e.lyon.ID {
		t.Fatalf("got version %d, updated %v, call %d, lead %d; want 2, %v, %d, %d",
			edit.Version, edit.UpdatedAt, edit.CallID, edit.LeadOrganisationID, t0.Add(time.Hour), e.call.ID, e.lyon.ID)
	}
	got := e.mustApplication(t, a.ID)
	if !reflect.DeepEqual(got, edit) {
		t.Fatalf("after update:\ngot  %+v\nwant %+v", got, edit)
	}
	if got.Places[2] != "Contagem" || got.DurationMonths != 30 {
		t.Fatalf("got places %q, duration %d; want Contagem added, 30", got.Places, got.DurationMonths)
	}

	// A change made from version 1, after version 2 was saved, is refused.
	stale := e.fullApplication()
	stale.ID, stale.Version = a.ID, 1
	wantError(t, e.db.UpdateApplicationDraft(ctx, stale, e.otherAuthor), coopdec.ECONFLICT, "", "application.changed")

	bad := e.mustApplication(t, a.ID)
	bad.DurationMonths = -1
	wantError(t, e.db.UpdateApplicationDraft(ctx, bad, e.lyonActor), coopdec.EINVALID, "duration_months", "application.duration.range")
	if v := e.mustApplication(t, a.ID).Version; v != 2 {
		t.Fatalf("after refusals: got version %d; want 2", v)
	}

	missing := e.fullApplication()
	missing.ID, missing.Version = 999_999, 1
	if err := e.db.UpdateApplicationDraft(ctx, missing, e.lyonActor); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("unknown application: got %v; want %s", err, coopdec.ENOTFOUND)
	}
}

func TestUpdateApplicationDraftConcurrent(t *testing.T) {
	e := newApplicationEnv(t)
	a := e.mustCreateApplication(t, e.fullApplication())

	const writers = 8
	errs := make([]error, writers)
	// Every writer loads version 1 before any of them writes.
	edits := make([]*coopdec.Application, writers)
	for i := range edits {
		edits[i] = e.mustApplication(t, a.ID)
		edits[i].Places = []string{"Lieu " + string(rune('A'+i))}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, edit := range edits {
		wg.Go(func() {
			<-start
			errs[i] = e.db.UpdateApplicationDraft(t.Context(), edit, e.lyonActor)
		})
	}
	close(start)
	wg.Wait()

	won := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if won >= 0 {
				t.Fatalf("writers %d and %d both won; want exactly one", won, i)
			}
			won = i
		case coopdec.ErrorCode(err) != coopdec.ECONFLICT:
			t.Fatalf("writer %d: got %v; want nil or %s", i, err, coopdec.ECONFLICT)
		}
	}
	if won < 0 {
		t.Fatal("no writer won; want exactly one")
	}
	got := e.mustApplication(t, a.ID)
	if want := "Lieu " + string(rune('A'+won)); got.Version != 2 || len(got.Places) != 1 || got.Places[0] != want {
		t.Fatalf("got version %d, places %q; want 2, [%s]", got.Version, got.Places, want)
	}
}

func TestUpdateSubmittedApplicationRefused(t *testing.T) {
	e := newApplicationEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.fullApplication())
	e.submit(t, a.ID)

	edit := e.mustApplication(t, a.ID)
	if edit.Status != coopdec.ApplicationSubmitted || edit.SubmittedAt.IsZero() {
		t.Fatalf("got status %q, submitted at %v; want submitted", edit.Status, edit.SubmittedAt)
	}
	edit.Places = []string{"Ailleurs"}
	wantError(t, e.db.UpdateApplicationDraft(ctx, edit, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
	if got := e.mustApplication(t, a.ID); got.Version != 1 || got.Places[0] != "Belo Horizonte" {
		t.Fatalf("got version %d, places %q; want the submitted content unchanged", got.Version, got.Places)
	}

	att := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "budget.pdf",
		MediaType: "application/pdf", SizeBytes: 1000, SHA256: strings.Repeat("a", 64)}
	wantError(t, e.db.AddAttachment(ctx, att, e.lyonActor), coopdec.ECONFLICT, "", "application.not_draft")
}

func TestListApplicationsByOrganisation(t *testing.T) {
	e := newApplicationEnv(t)
	ctx := t.Context()
	var lyonIDs []int64
	for range 3 {
		e.clock.advance(time.Minute)
		lyonIDs = append(lyonIDs, e.mustCreateApplication(t, e.fullApplication()).ID)
	}
	other := e.fullApplication()
	other.LeadOrganisationID = e.stEtienne.ID
	other.Partners = other.Partners[1:]
	other = e.mustCreateApplication(t, other)

	ids := func(list []coopdec.Application) []int64 {
		var out []int64
		for _, a := range list {
			out = append(out, a.ID)
		}
		return out
	}
	list, page, err := e.db.ListApplicationsByOrganisation(ctx, e.lyon.ID, coopdec.NewPage(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{lyonIDs[2], lyonIDs[1]}; !reflect.DeepEqual(ids(list), want) || page.Total != 3 {
		t.Fatalf("Lyon, page 1: got %v of %d; want %v of 3", ids(list), page.Total, want)
	}
	if list[0].Budget.Financing[4].PartnerOrganisationID != e.belo.ID {
		t.Fatalf("got %+v; want the content loaded", list[0])
	}
	list, _, err = e.db.ListApplicationsByOrganisation(ctx, e.lyon.ID, coopdec.NewPage(2, 2))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{lyonIDs[0]}; !reflect.DeepEqual(ids(list), want) {
		t.Fatalf("Lyon, page 2: got %v; want %v", ids(list), want)
	}
	list, page, err = e.db.ListApplicationsByOrganisation(ctx, e.stEtienne.ID, coopdec.NewPage(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{other.ID}; !reflect.DeepEqual(ids(list), want) || page.Total != 1 {
		t.Fatalf("Saint-Étienne: got %v of %d; want %v of 1", ids(list), page.Total, want)
	}
	list, page, err = e.db.ListApplicationsByOrganisation(ctx, e.belo.ID, coopdec.NewPage(1, 20))
	if err != nil || len(list) != 0 || page.Total != 0 {
		t.Fatalf("partner: got %v of %d, %v; want none: a partner does not lead", ids(list), page.Total, err)
	}
}

func TestApplicationAttachments(t *testing.T) {
	e := newApplicationEnv(t)
	ctx := t.Context()
	a := e.mustCreateApplication(t, e.fullApplication())
	b := e.mustCreateApplication(t, e.fullApplication())

	first := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: " Council_Deliberation ", Name: `C:\docs\Délibération "n°12".pdf`,
		MediaType: "application/pdf", SizeBytes: 120_000, SHA256: strings.Repeat("AB", 32)}
	if err := e.db.AddAttachment(ctx, first, e.lyonActor); err != nil {
		t.Fatalf("AddAttachment: got error %v; want nil", err)
	}
	second := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "budget.ods",
		MediaType: "application/vnd.oasis.opendocument.spreadsheet", SizeBytes: 8_000, SHA256: strings.Repeat("0", 64)}
	if err := e.db.AddAttachment(ctx, second, e.lyonActor); err != nil {
		t.Fatalf("AddAttachment: got error %v; want nil", err)
	}
	want := []coopdec.Attachment{
		{ID: first.ID, ApplicationID: a.ID, DocumentCode: "council_deliberation", Name: "Délibération n°12.pdf",
			MediaType: "application/pdf", SizeBytes: 120_000, SHA256: strings.Repeat("ab", 32), UploadedBy: e.lyonActor.UserID, CreatedAt: t0},
		{ID: second.ID, ApplicationID: a.ID, DocumentCode: "budget", Name: "budget.ods",
			MediaType: "application/vnd.oasis.opendocument.spreadsheet", SizeBytes: 8_000, SHA256: strings.Repeat("0", 64), UploadedBy: e.lyonActor.UserID, CreatedAt: t0},
	}
	got, err := e.db.ListAttachments(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListAttachments:\ngot  %+v\nwant %+v", got, want)
	}
	if got, err := e.db.ListAttachments(ctx, b.ID); err != nil || len(got) != 0 {
		t.Fatalf("other application: got %+v, %v; want none", got, err)
	}

	for _, tt := range []struct {
		name             string
		att              coopdec.Attachment
		code, field, key string
	}{
		{"bad code", coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "pièce 1", Name: "a.pdf", MediaType: "application/pdf", SizeBytes: 1, SHA256: strings.Repeat("1", 64)},
			coopdec.EINVALID, "document_code", "attachment.document_code.invalid"},
		{"bad media type", coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "a.pdf", MediaType: "pdf", SizeBytes: 1, SHA256: strings.Repeat("1", 64)},
			coopdec.EINVALID, "media_type", "attachment.media_type.invalid"},
		{"bad hash", coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "a.pdf", MediaType: "application/pdf", SizeBytes: 1, SHA256: "abc"},
			coopdec.EINVALID, "sha256", "attachment.sha256.invalid"},
		{"empty", coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "a.pdf", MediaType: "application/pdf", SHA256: strings.Repeat("1", 64)},
			coopdec.EINVALID, "attachments.2", "attachment.empty"},
		{"too large", coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "a.pdf", MediaType: "application/pdf", SizeBytes: coopdec.MaxAttachmentBytes + 1, SHA256: strings.Repeat("1", 64)},
			coopdec.EINVALID, "attachments.2", "attachment.too_large"},
		{"unknown application", coopdec.Attachment{ApplicationID: 999_999, DocumentCode: "budget", Name: "a.pdf", MediaType: "application/pdf", SizeBytes: 1, SHA256: strings.Repeat("1", 64)},
			coopdec.ENOTFOUND, "", "application.not_found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.db.AddAttachment(ctx, &tt.att, e.lyonActor), tt.code, tt.field, tt.key)
		})
	}
	if got, _ := e.db.ListAttachments(ctx, a.ID); len(got) != 2 {
		t.Fatalf("after refusals: got %d attachments; want 2", len(got))
	}
}
