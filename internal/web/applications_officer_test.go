package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// officerFixture is an open Franco-Argentine call co-managed by Argentina,
// an Indo-French call co-managed by India, and the people around them:
// an officer, each government's co-manager, and members of Lyon and
// Marseille, which apply with the Municipality of Rosario.
type officerFixture struct {
	e                                  *testEnv
	officer, argentinaUser, indiaUser  *coopdec.User
	lyonUser, lyon2User, marseilleUser *coopdec.User
	ministry, argentina, india         *coopdec.Organisation
	lyon, marseille, rosario           *coopdec.Organisation
	programme                          *coopdec.Programme
	call, indiaCall                    *coopdec.Call
}

func newOfficerFixture(t *testing.T) *officerFixture {
	t.Helper()
	e := newTestEnv(t)
	ctx := context.Background()
	f := &officerFixture{e: e}
	f.officer = e.user("officer@example.org", coopdec.RoleOfficer)
	f.argentinaUser = e.user("argentina@example.org", coopdec.RoleCoManager)
	f.indiaUser = e.user("india@example.org", coopdec.RoleCoManager)
	f.lyonUser = e.user("lyon@example.org")
	f.lyon2User = e.user("lyon2@example.org")
	f.marseilleUser = e.user("marseille@example.org")

	f.ministry = e.org(&coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"})
	f.argentina = e.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Cancillería argentina", Country: "AR"})
	f.india = e.org(&coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministry of Housing and Urban Affairs", Country: "IN"})
	f.lyon = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", RegionCode: "84"})
	f.marseille = e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", RegionCode: "93"})
	f.rosario = e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Rosario", Country: "AR"})
	e.member(f.argentinaUser, f.argentina, coopdec.MemberRoleMember)
	e.member(f.indiaUser, f.india, coopdec.MemberRoleMember)
	e.member(f.lyonUser, f.lyon, coopdec.MemberRoleMember)
	e.member(f.lyon2User, f.lyon, coopdec.MemberRoleMember)
	e.member(f.marseilleUser, f.marseille, coopdec.MemberRoleMember)

	f.programme = &coopdec.Programme{Code: "joint-calls", Names: map[string]string{"fr": "Appels conjoints"}}
	if err := e.db.CreateProgramme(ctx, f.programme, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	// Dates to the minute, as the call form writes them back.
	now := e.db.Now().Truncate(time.Minute)
	day := 24 * time.Hour
	f.call = &coopdec.Call{ProgrammeID: f.programme.ID, Reference: "AAP-FR-AR-01", Status: coopdec.CallPublished,
		Texts: map[string]coopdec.CallText{
			"fr": {Title: "Appel franco-argentin", Summary: "Coopération décentralisée franco-argentine."},
			"es": {Title: "Convocatoria franco-argentina", Summary: "Cooperación descentralizada franco-argentina."}},
		CoManagers: []int64{f.argentina.ID},
		Funders: []coopdec.Funder{{OrganisationID: f.ministry.ID, EnvelopeCents: 30_000_000, ShareBP: 6000},
			{OrganisationID: f.argentina.ID, EnvelopeCents: 20_000_000, ShareBP: 4000}},
		Themes: []string{"urban_development", "water_sanitation"},
		Rules: coopdec.EligibilityRules{Countries: []string{"AR"}, PartnerCountries: []string{"AR"},
			LeadTypes: []coopdec.AuthorityType{coopdec.AuthorityCommune}, MaxGrantCents: 15_000_000,
			MaxFundersShareBP: 8000, MinOwnShareBP: 2000, MaxInKindOfOwnBP: 5000, MinDurationMonths: 12, MaxDurationMonths: 36},
		PublishAt: now.Add(-20 * day), OpensAt: now.Add(-10 * day), Deadline: now.Add(40 * day)}
	f.indiaCall = &coopdec.Call{ProgrammeID: f.programme.ID, Reference: "AAP-FR-IN-01", Status: coopdec.CallPublished,
		Texts:      map[string]coopdec.CallText{"fr": {Title: "Appel franco-indien"}},
		CoManagers: []int64{f.india.ID}, Themes: []string{"urban_development"},
		Rules:     coopdec.EligibilityRules{Countries: []string{"IN"}},
		PublishAt: now.Add(-20 * day), OpensAt: now.Add(-10 * day), Deadline: now.Add(40 * day)}
	for _, c := range []*coopdec.Call{f.call, f.indiaCall} {
		if err := e.db.CreateCall(ctx, c, coopdec.Actor{}); err != nil {
			t.Fatalf("create %s: %v", c.Reference, err)
		}
	}
	return f
}

// application is a complete, eligible application to the Argentine call
// by lead, with Rosario as its partner.
func (f *officerFixture) application(lead *coopdec.Organisation, title string) *coopdec.Application {
	return &coopdec.Application{
		CallID: f.call.ID, LeadOrganisationID: lead.ID,
		Texts: map[string]coopdec.ApplicationText{
			"fr": {Title: title, Summary: "Pistes cyclables et formation des agents.", Context: "Une ville en croissance.",
				Objectives: "Réduire la part de la voiture.", Sustainability: "Un service municipal dédié."},
			"es": {Title: "ES " + title, Summary: "Ciclovías y formación de los agentes."},
		},
		Themes: []string{"urban_development"}, Countries: []string{"AR"}, Places: []string{"Rosario"},
		Activities: []coopdec.Activity{
			{Title: "Diagnostic", StartMonth: 1, EndMonth: 6},
			{Title: "Travaux", Description: "12 km de pistes.", StartMonth: 7, EndMonth: 24},
		},
		DurationMonths: 24,
		Results:        []coopdec.Result{{Indicator: "Pistes cyclables ouvertes", Unit: "km", Baseline: "0", Target: "12"}},
		Partners: []coopdec.Partner{
			{OrganisationID: lead.ID, Name: lead.Name, Kind: coopdec.OrgFrenchAuthority, Country: "FR", Role: coopdec.RoleLeadPartner,
				Contribution: "Ingénierie"},
			{OrganisationID: f.rosario.ID, Name: "Municipalidad de Rosario", Kind: coopdec.OrgForeignAuthority, Country: "AR",
				Role: coopdec.RolePartner, Contribution: "Terrains et personnel", ContributionCents: 1_000_000, InKind: true},
		},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Chef de projet", AmountCents: 4_000_000},
				{Category: coopdec.ExpenseTravel, Label: "Missions", AmountCents: 2_000_000},
				{Category: coopdec.ExpenseInKind, Label: "Terrains", AmountCents: 2_000_000},
			},
			Financing: []coopdec.FinancingLine{
				{Source: coopdec.FundingGrant, FunderOrganisationID: f.ministry.ID, Label: "Ministère", AmountCents: 2_400_000},
				{Source: coopdec.FundingGrant, FunderOrganisationID: f.argentina.ID, Label: "Cancillería", AmountCents: 1_600_000},
				{Source: coopdec.FundingOwnCash, Label: "Budget municipal", AmountCents: 2_000_000},
				{Source: coopdec.FundingOwnInKind, Label: "Ingénierie", AmountCents: 1_000_000},
				{Source: coopdec.FundingPartner, PartnerOrganisationID: f.rosario.ID, Label: "Terrains", AmountCents: 1_000_000, InKind: true},
			},
		},
	}
}

// account reloads a user with their memberships, as the server sees them.
func (f *officerFixture) account(u *coopdec.User) *coopdec.User {
	f.e.t.Helper()
	got, err := f.e.db.UserByID(context.Background(), u.ID)
	if err != nil {
		f.e.t.Fatal(err)
	}
	return got
}

// draft stores a as a draft by author.
func (f *officerFixture) draft(a *coopdec.Application, author *coopdec.User) *coopdec.Application {
	f.e.t.Helper()
	if err := f.e.db.CreateApplication(context.Background(), a, coopdec.Actor{UserID: author.ID}); err != nil {
		f.e.t.Fatalf("CreateApplication %q: %v", a.Texts["fr"].Title, err)
	}
	return a
}

// invite invites the partner at index i of a draft in lang and returns the
// link's token.
func (f *officerFixture) invite(a *coopdec.Application, i int, lang string) string {
	f.e.t.Helper()
	ctx := context.Background()
	cur, err := f.e.db.Application(ctx, a.ID)
	if err != nil {
		f.e.t.Fatal(err)
	}
	var token string
	if _, err := f.e.db.InvitePartner(ctx, nil, a.ID, cur.Version, i, "rosario@example.org", lang, coopdec.Actor{UserID: f.lyonUser.ID},
		func(_ *coopdec.PartnerConfirmation, _ *coopdec.Application, tok string) []sqldb.Job {
			token = tok
			return nil
		}); err != nil {
		f.e.t.Fatalf("InvitePartner: %v", err)
	}
	return token
}

// submitted stores, confirms and submits an application by author, and
// returns it as stored with its receipt.
func (f *officerFixture) submitted(a *coopdec.Application, author *coopdec.User) (*coopdec.Application, coopdec.Receipt) {
	f.e.t.Helper()
	ctx := context.Background()
	f.draft(a, author)
	token := f.invite(a, 1, "es")
	if _, err := f.e.db.RespondPartnerConfirmation(ctx, nil, token, coopdec.ConfirmationConfirmed, "María Pérez", "",
		coopdec.Actor{}, nil); err != nil {
		f.e.t.Fatalf("RespondPartnerConfirmation: %v", err)
	}
	sub, err := f.e.db.SubmitApplication(ctx, nil, sqldb.SubmitRequest{ApplicationID: a.ID, User: f.account(author),
		Actor: coopdec.Actor{UserID: author.ID}})
	if err != nil {
		f.e.t.Fatalf("SubmitApplication %q: %v", a.Texts["fr"].Title, err)
	}
	got, err := f.e.db.Application(ctx, a.ID)
	if err != nil {
		f.e.t.Fatal(err)
	}
	return got, sub.Receipt
}

func (f *officerFixture) as(u *coopdec.User) *client { return f.e.client().login(u.Email) }

// page fetches a page and checks its status.
func (f *officerFixture) page(c *client, path string, want int) string {
	f.e.t.Helper()
	res := c.get(path)
	b := body(f.e.t, res)
	if res.StatusCode != want {
		f.e.t.Fatalf("GET %s: got status %d; want %d\n%s", path, res.StatusCode, want, pageExcerpt(b))
	}
	return b
}

// listNumbers lists the receipt numbers a list page shows, in order.
func listNumbers(b string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<th scope="row"><a href="/candidatures/\d+/instruction">([A-Z0-9-]+)</a>`).FindAllStringSubmatch(b, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestOfficerApplicationListAccess(t *testing.T) {
	f := newOfficerFixture(t)
	a, rc := f.submitted(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	list := fmt.Sprintf("/appels/%d/candidatures", f.call.ID)

	res := f.e.client().get(list)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion?next=") {
		t.Fatalf("anonymous: got %d, Location %q; want a redirect to the login page", res.StatusCode, res.Header.Get("Location"))
	}
	for _, u := range []*coopdec.User{f.lyonUser, f.indiaUser} {
		c := f.as(u)
		for _, path := range []string{list, list + ".csv", list + ".xlsx", fmt.Sprintf("/candidatures/%d/instruction", a.ID)} {
			f.page(c, path, http.StatusNotFound)
		}
	}
	// India's co-manager sees India's call, Argentina's its own.
	f.page(f.as(f.indiaUser), fmt.Sprintf("/appels/%d/candidatures", f.indiaCall.ID), http.StatusOK)
	for _, u := range []*coopdec.User{f.officer, f.argentinaUser} {
		b := f.page(f.as(u), list, http.StatusOK)
		if got := listNumbers(b); len(got) != 1 || got[0] != rc.Number {
			t.Errorf("%s: got %q; want the one submitted application %s", u.Email, got, rc.Number)
		}
		f.page(f.as(u), fmt.Sprintf("/candidatures/%d/instruction", a.ID), http.StatusOK)
	}
	// A draft has no review page, even for an officer.
	d := f.draft(f.application(f.marseille, "Brouillon marseillais"), f.marseilleUser)
	f.page(f.as(f.officer), fmt.Sprintf("/candidatures/%d/instruction", d.ID), http.StatusNotFound)
}

func TestOfficerApplicationListFilters(t *testing.T) {
	f := newOfficerFixture(t)
	ctx := context.Background()
	bike, bikeRC := f.submitted(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	water := f.application(f.marseille, "Eau potable à Rosario")
	water.Themes = []string{"water_sanitation"}
	_, waterRC := f.submitted(water, f.marseilleUser)
	f.draft(f.application(f.lyon, "Brouillon en cours"), f.lyonUser)

	// An answer that stretches the project beyond 36 months makes the first
	// application ineligible.
	r := &coopdec.CorrectionRequest{ApplicationID: bike.ID, Reason: "Calendrier irréaliste", Fields: []string{"duration_months"},
		DueAt: f.e.db.Now().Add(48 * time.Hour)}
	if err := f.e.db.RequestCorrection(ctx, nil, f.account(f.officer), r, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	longer := *bike
	longer.DurationMonths = 40
	if _, err := f.e.db.AnswerCorrection(ctx, nil, f.account(f.lyonUser), bike.ID, r.ID, &longer, "Quarante mois", coopdec.Actor{}, nil); err != nil {
		t.Fatalf("AnswerCorrection: %v", err)
	}

	c := f.as(f.officer)
	base := fmt.Sprintf("/appels/%d/candidatures", f.call.ID)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{waterRC.Number, bikeRC.Number}}, // newest first
		{"?theme=water_sanitation", []string{waterRC.Number}},
		{"?country=AR&theme=urban_development", []string{bikeRC.Number}},
		{"?country=BR", nil},
		{"?eligible=yes", []string{waterRC.Number}},
		{"?eligible=no", []string{bikeRC.Number}},
		{"?eligible=unknown", nil},
		{"?status=submitted", []string{waterRC.Number, bikeRC.Number}},
		{"?status=withdrawn", nil},
		{"?q=potable", []string{waterRC.Number}},
		{"?q=" + url.QueryEscape(bikeRC.Number), []string{bikeRC.Number}},
	} {
		b := f.page(c, base+tc.query, http.StatusOK)
		if got := listNumbers(b); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %q; want %q", tc.query, got, tc.want)
		}
		if tc.query != "" && !strings.Contains(b, `href="`+base+`.csv`+strings.ReplaceAll(tc.query, "&", "&amp;")+`"`) {
			t.Errorf("%s: the CSV link does not keep the filters", tc.query)
		}
	}
	b := f.page(c, base, http.StatusOK)
	wantContains(t, "list", b, "Mobilités douces à Rosario", "Lyon", "Argentine", "40\u202f000\u00a0€", "80\u202f000\u00a0€",
		"Non éligible", "1 sur 1", "Déposée le")
	if strings.Contains(b, "Brouillon en cours") {
		t.Error("the list shows a draft")
	}

	res := c.get(base + "?status=draft&eligible=maybe&country=ZZ")
	b = body(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad filters: got %d; want 422", res.StatusCode)
	}
	wantContains(t, "bad filters", b, "Choisissez un statut dans la liste", "Code pays inconnu : ZZ", `href="#eligible"`)
}

func TestOfficerApplicationListPagination(t *testing.T) {
	f := newOfficerFixture(t)
	var numbers []string
	for i := range perPage + 1 {
		_, rc := f.submitted(f.application(f.lyon, fmt.Sprintf("Projet %02d", i)), f.lyonUser)
		numbers = append(numbers, rc.Number)
	}
	c := f.as(f.argentinaUser)
	base := fmt.Sprintf("/appels/%d/candidatures", f.call.ID)
	b := f.page(c, base, http.StatusOK)
	first := listNumbers(b)
	if len(first) != perPage || first[0] != numbers[len(numbers)-1] {
		t.Fatalf("page 1: got %d rows starting %q; want %d starting with the newest %s", len(first), first[0], perPage, numbers[len(numbers)-1])
	}
	wantContains(t, "page 1", b, "21 candidature(s)", `href="`+base+`?page=2" rel="next"`)
	b = f.page(c, base+"?page=2", http.StatusOK)
	if got := listNumbers(b); len(got) != 1 || got[0] != numbers[0] {
		t.Fatalf("page 2: got %q; want the oldest %s", got, numbers[0])
	}
}

func TestOfficerApplicationExports(t *testing.T) {
	f := newOfficerFixture(t)
	bike, bikeRC := f.submitted(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	water := f.application(f.marseille, "=Eau potable; Rosario")
	water.Themes = []string{"water_sanitation"}
	_, waterRC := f.submitted(water, f.marseilleUser)
	c := f.as(f.argentinaUser)
	base := fmt.Sprintf("/appels/%d/candidatures", f.call.ID)

	res := c.get(base + ".csv")
	b := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("CSV: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("CSV Content-Type: got %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename=candidatures-aap-fr-ar-01-\d{4}-\d{2}-\d{2}-\d{4}\.csv$`).MatchString(cd) {
		t.Errorf("CSV Content-Disposition: got %q", cd)
	}
	if !strings.HasPrefix(b, "\ufeff") {
		t.Fatalf("CSV: got %q at the start; want the UTF-8 byte-order mark", b[:min(len(b), 10)])
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(b, "\ufeff"), "\r\n"), "\r\n")
	if len(lines) != 3 {
		t.Fatalf("CSV: got %d lines; want a header and 2 rows:\n%s", len(lines), b)
	}
	wantHeader := "Numéro de récépissé;Déposée le (heure de Paris);Titre;Chef de file;Pays d'intervention;Thématiques;Durée (mois);" +
		"Coût total (€);Subvention demandée (€);Apport du chef de file (€);Partenaires;Partenaires ayant confirmé;Éligibilité;Statut"
	if lines[0] != wantHeader {
		t.Errorf("CSV header:\ngot  %s\nwant %s", lines[0], wantHeader)
	}
	submitted := bike.SubmittedAt.In(Paris).Format("2006-01-02 15:04")
	wantBike := bikeRC.Number + ";" + submitted + ";Mobilités douces à Rosario;Lyon;Argentine;Développement urbain;24;80000,00;40000,00;30000,00;" +
		"Municipalidad de Rosario (Argentine, Partenaire);1;Éligible;Déposée"
	if lines[2] != wantBike {
		t.Errorf("CSV row:\ngot  %s\nwant %s", lines[2], wantBike)
	}
	// A title that a spreadsheet would run is defused, and the ";" is quoted.
	if !strings.HasPrefix(lines[1], waterRC.Number+";") || !strings.Contains(lines[1], `;"'=Eau potable; Rosario";Marseille;`) {
		t.Errorf("CSV row of the water project: got %s", lines[1])
	}

	// The filters apply to the export.
	b = body(t, c.get(base+".csv?theme=water_sanitation"))
	if strings.Contains(b, bikeRC.Number) || !strings.Contains(b, waterRC.Number) {
		t.Errorf("filtered CSV: got\n%s\nwant only %s", b, waterRC.Number)
	}
	if res := c.get(base + ".csv?eligible=maybe"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("CSV with a bad filter: got %d; want 422", res.StatusCode)
	}

	res = c.get(base + ".xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("XLSX: got %d, %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body(t, res))))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("Candidatures")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Numéro de récépissé" || rows[2][0] != bikeRC.Number || rows[2][2] != "Mobilités douces à Rosario" {
		t.Fatalf("XLSX rows: got %q", rows)
	}
	if v, err := x.GetCellValue("Candidatures", "H3", excelize.Options{RawCellValue: true}); err != nil || v != "80000" {
		t.Errorf("XLSX total cost: got %q, %v; want the number 80000", v, err)
	}
}

func TestExportFileName(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		{"AAP-FR-IN-01", "candidatures-aap-fr-in-01-2026-01-02-1504.csv"},
		{`Appel "été" / 2026`, "candidatures-appel-t-2026-2026-01-02-1504.csv"},
		{"", "candidatures-appel-2026-01-02-1504.csv"},
	} {
		if got := exportFileName(tc.ref, "2026-01-02-1504", "csv"); got != tc.want {
			t.Errorf("exportFileName(%q): got %q; want %q", tc.ref, got, tc.want)
		}
	}
}

func TestOfficerCorrectionRequest(t *testing.T) {
	f := newOfficerFixture(t)
	a, rc := f.submitted(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	c := f.as(f.argentinaUser)
	review := fmt.Sprintf("/candidatures/%d/instruction", a.ID)
	post := review + "/corrections"

	b := f.page(c, review, http.StatusOK)
	wantContains(t, "review", b, "Mobilités douces à Rosario", rc.Number, rc.ContentSHA256, "Municipalidad de Rosario",
		"Participation confirmée", "Éligible", `href="/candidatures/`+strconv.FormatInt(a.ID, 10)+`"`,
		"Envoyer une demande de correction", `name="fields" value="budget"`)

	res := c.post(post, url.Values{"due_time": {"23:59"}})
	b = body(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty request: got %d; want 422\n%s", res.StatusCode, pageExcerpt(b))
	}
	wantContains(t, "empty request", b, "Indiquez le motif.", "Indiquez au moins une rubrique ou une pièce à corriger.",
		"Indiquez la date limite de la correction.", `href="#reason"`, `href="#fields"`, `href="#due_at"`)

	yesterday := f.e.db.Now().In(Paris).AddDate(0, 0, -1).Format("2006-01-02")
	res = c.post(post, url.Values{"reason": {"Budget à revoir"}, "fields": {"budget"}, "due_date": {yesterday}, "due_time": {"12:00"}})
	b = body(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Cette date limite est déjà passée") {
		t.Fatalf("past due date: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	if !strings.Contains(b, `value="budget" checked`) || !strings.Contains(b, "Budget à revoir</textarea>") {
		t.Error("a refused request does not keep what was typed")
	}
	res = c.post(post, url.Values{"reason": {"x"}, "fields": {"budget"}, "due_date": {"2026-13-45"}})
	if b = body(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Date ou heure illisible") {
		t.Fatalf("unreadable due date: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}

	due := f.e.db.Now().In(Paris).AddDate(0, 0, 10).Format("2006-01-02")
	res = c.post(post, url.Values{"reason": {"Le plan de financement doit détailler l'apport argentin."},
		"fields": {"budget", "partners"}, "documents": {"budget"}, "other_documents": {"lettre_intention"},
		"due_date": {due}, "due_time": {"18:00"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "?ok=correction#corrections") {
		t.Fatalf("valid request: got %d, Location %q\n%s", res.StatusCode, res.Header.Get("Location"), pageExcerpt(body(t, res)))
	}
	list, err := f.e.db.ListCorrections(context.Background(), a.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListCorrections: got %+v, %v; want one", list, err)
	}
	if got := list[0].DueAt.In(Paris); got.Format("2006-01-02 15:04") != due+" 18:00" {
		t.Errorf("due date: got %v; want %s 18:00 in Paris", got, due)
	}
	if fmt.Sprint(list[0].Documents) != "[budget lettre_intention]" {
		t.Errorf("documents: got %q; want budget and lettre_intention", list[0].Documents)
	}
	f.e.startJobs()
	for _, u := range []*coopdec.User{f.lyonUser, f.lyon2User} {
		m := f.e.waitMail(u.Email, "Le plan de financement doit détailler l'apport argentin.")
		wantContains(t, "correction email", m.Subject+"\n"+m.Text, rc.Number, "Budget (dépenses et plan de financement)",
			"Consortium (partenaires et contributions)", "lettre_intention", due[8:10]+"/"+due[5:7]+"/"+due[:4]+" 18:00",
			f.e.ts.URL+fmt.Sprintf("/candidatures/%d", a.ID))
	}

	b = f.page(c, review+"?ok=correction", http.StatusOK)
	wantContains(t, "after the request", b, "La demande de correction a été envoyée", "en cours", "Annuler cette demande")
	if strings.Contains(b, "Envoyer la demande au porteur") {
		t.Error("the form to send another request is shown while one is open")
	}
	res = c.post(post, url.Values{"reason": {"Autre chose"}, "fields": {"texts"}, "due_date": {due}})
	if b = body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "Une demande de correction est déjà en cours") {
		t.Fatalf("second request: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	// Another call's co-manager and the applicant cannot send one.
	for _, u := range []*coopdec.User{f.indiaUser, f.lyonUser} {
		if res := f.as(u).post(post, url.Values{"reason": {"x"}, "fields": {"texts"}, "due_date": {due}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s sending a request: got %d; want 404", u.Email, res.StatusCode)
		}
	}

	cancel := fmt.Sprintf("%s/corrections/%d/annulation", review, list[0].ID)
	if res := f.as(f.indiaUser).post(cancel, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another co-manager cancelling: got %d; want 404", res.StatusCode)
	}
	if res := c.post(cancel, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: got %d; want 303", res.StatusCode)
	}
	b = f.page(c, review, http.StatusOK)
	wantContains(t, "after cancelling", b, "annulée", "Envoyer la demande au porteur")
	for _, u := range []*coopdec.User{f.lyonUser, f.lyon2User} {
		m := f.e.waitMail(u.Email, "Demande de correction annulée")
		wantContains(t, "cancellation email", m.Text, rc.Number, "Le plan de financement doit détailler l'apport argentin.",
			f.e.ts.URL+fmt.Sprintf("/candidatures/%d", a.ID))
	}
	if res := c.post(cancel, nil); res.StatusCode != http.StatusConflict {
		t.Errorf("cancelling twice: got %d; want 409", res.StatusCode)
	}
}

func TestApplicationVersionsComparison(t *testing.T) {
	f := newOfficerFixture(t)
	ctx := context.Background()
	a, _ := f.submitted(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	r := &coopdec.CorrectionRequest{ApplicationID: a.ID, Reason: "Détaillez le budget", Fields: []string{"budget", "texts"},
		DueAt: f.e.db.Now().Add(72 * time.Hour)}
	if err := f.e.db.RequestCorrection(ctx, nil, f.account(f.officer), r, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	next := *a
	next.Texts = map[string]coopdec.ApplicationText{"fr": a.Texts["fr"], "es": a.Texts["es"]}
	fr := next.Texts["fr"]
	fr.Summary = "Pistes cyclables, formation et entretien."
	next.Texts["fr"] = fr
	next.Budget.Expenses = append([]coopdec.ExpenseLine(nil), a.Budget.Expenses...)
	next.Budget.Financing = append([]coopdec.FinancingLine(nil), a.Budget.Financing...)
	next.Budget.Expenses[0].AmountCents = 4_500_000
	next.Budget.Financing[2].AmountCents = 2_500_000
	if _, err := f.e.db.AnswerCorrection(ctx, nil, f.account(f.lyonUser), a.ID, r.ID, &next, "Budget détaillé", coopdec.Actor{UserID: f.lyonUser.ID}, nil); err != nil {
		t.Fatalf("AnswerCorrection: %v", err)
	}

	versions := fmt.Sprintf("/candidatures/%d/versions", a.ID)
	compare := versions + "/comparer?de=1&a=2"
	for _, u := range []*coopdec.User{f.officer, f.argentinaUser, f.lyonUser} {
		c := f.as(u)
		b := f.page(c, versions, http.StatusOK)
		wantContains(t, "versions", b, "Dépôt du dossier", "Détaillez le budget", "Budget détaillé", "lyon", `<option value="1" selected>`)
		b = f.page(c, compare, http.StatusOK)
		wantContains(t, "comparison", b, "Résumé (français)", "Pistes cyclables et formation des agents.", "Pistes cyclables, formation et entretien.",
			"Dépense 1 : montant", "40\u202f000\u00a0€", "45\u202f000\u00a0€", "Financement 3 : montant", "20\u202f000\u00a0€", "25\u202f000\u00a0€")
		if strings.Contains(b, "budget.expenses.0") {
			t.Error("the comparison shows a field's code instead of its label")
		}
	}
	// The review page links the answer to its comparison.
	b := f.page(f.as(f.officer), fmt.Sprintf("/candidatures/%d/instruction", a.ID), http.StatusOK)
	wantContains(t, "review", b, "répondue", "Budget détaillé", `comparer?de=1&amp;a=2`)

	f.page(f.as(f.officer), versions+"/comparer?de=1&a=9", http.StatusNotFound)
	for _, u := range []*coopdec.User{f.indiaUser, f.marseilleUser} {
		f.page(f.as(u), versions, http.StatusNotFound)
		f.page(f.as(u), compare, http.StatusNotFound)
	}
	res := f.e.client().get(compare)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous comparison: got %d; want a redirect to the login page", res.StatusCode)
	}
}

func TestCompareLineLabels(t *testing.T) {
	e := newTestEnv(t)
	orgs := map[int64]coopdec.Organisation{7: {ID: 7, Name: "Municipalidad de Rosario"}}
	for _, tc := range []struct {
		change            coopdec.FieldChange
		label, oldV, newV string
	}{
		{coopdec.FieldChange{Field: "texts.es.title", Old: "A", New: "B"}, "Titre (espagnol)", "A", "B"},
		{coopdec.FieldChange{Field: "themes", Old: "urban_development", New: "urban_development, water_sanitation"},
			"Thématiques", "Développement urbain", "Développement urbain, Assainissement et ressources en eau"},
		{coopdec.FieldChange{Field: "countries", Old: "AR", New: "AR, UY"}, "Pays d'intervention", "Argentine", "Argentine, Uruguay"},
		{coopdec.FieldChange{Field: "duration_months", Old: "24", New: "30"}, "Durée", "24 mois", "30 mois"},
		{coopdec.FieldChange{Field: "activities.1.end", Old: "24", New: "30"}, "Activité 2 : fin", "mois 24", "mois 30"},
		{coopdec.FieldChange{Field: "partners.1.organisation_id", Old: "", New: "7"}, "Membre 2 du consortium : organisation inscrite", "—", "Municipalidad de Rosario"},
		{coopdec.FieldChange{Field: "partners.1.role", Old: "partner", New: "associated"}, "Membre 2 du consortium : rôle", "Partenaire", "Associé"},
		{coopdec.FieldChange{Field: "partners.1.in_kind", Old: "false", New: "true"}, "Membre 2 du consortium : contribution en nature", "non", "oui"},
		{coopdec.FieldChange{Field: "budget.expenses.0.category", Old: "staff", New: "travel"}, "Dépense 1 : catégorie", "Personnel", "Déplacements et missions"},
		{coopdec.FieldChange{Field: "budget.financing.4.source", Old: "", New: "own_cash"}, "Financement 5 : source", "—", "Apport en numéraire du chef de file"},
		{coopdec.FieldChange{Field: "budget.financing.0.funder_organisation_id", Old: "7", New: "99"}, "Financement 1 : financeur", "Municipalidad de Rosario", "#99"},
		{coopdec.FieldChange{Field: "mystery", Old: "a", New: "b"}, "mystery", "a", "b"},
	} {
		got := e.srv.compareLine("fr", tc.change, orgs)
		if got.Label != tc.label || got.Old != tc.oldV || got.New != tc.newV {
			t.Errorf("%s: got %q: %q → %q; want %q: %q → %q", tc.change.Field, got.Label, got.Old, got.New, tc.label, tc.oldV, tc.newV)
		}
	}
}

func TestAmendmentNotifiesDraftHolders(t *testing.T) {
	f := newOfficerFixture(t)
	ctx := context.Background()
	if err := f.e.db.SetLanguage(ctx, f.lyon2User.ID, "es", coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	d := f.draft(f.application(f.lyon, "Brouillon lyonnais"), f.lyonUser)
	f.submitted(f.application(f.marseille, "Dossier marseillais"), f.marseilleUser)

	c, err := f.e.db.Call(ctx, f.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := callFormValues(c)
	newDeadline := c.Deadline.Add(7 * 24 * time.Hour)
	form.Set("deadline", formatParisInput(newDeadline))
	form.Set("reason", "Report de la date limite à la demande de la partie argentine")
	res := f.as(f.officer).post(fmt.Sprintf("/appels/%d", c.ID), form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "?ok=amended") {
		t.Fatalf("amendment: got %d, %q\n%s", res.StatusCode, res.Header.Get("Location"), pageExcerpt(body(t, res)))
	}
	f.e.startJobs()
	m := f.e.waitMail(f.lyonUser.Email, "Report de la date limite à la demande de la partie argentine")
	wantContains(t, "French notice", m.Subject+"\n"+m.Text, "L'appel à projets AAP-FR-AR-01 a été modifié", "Appel franco-argentin",
		"Date limite de dépôt", newDeadline.In(Paris).Format("02/01/2006 15:04"), f.e.ts.URL+fmt.Sprintf("/candidatures/%d", d.ID))
	m = f.e.waitMail(f.lyon2User.Email, "Report de la date limite")
	wantContains(t, "Spanish notice", m.Subject+"\n"+m.Text, "La convocatoria AAP-FR-AR-01 ha sido modificada", "Convocatoria franco-argentina")
	for _, msg := range f.e.mail.Messages() {
		if msg.To == f.marseilleUser.Email {
			t.Errorf("Marseille, which has no draft, was told: %q", msg.Subject)
		}
	}
	if n := len(f.e.mail.Messages()); n != 2 {
		t.Errorf("got %d emails; want one per member of Lyon", n)
	}

	// An amendment through the API is told alike.
	if c, err = f.e.db.Call(ctx, f.call.ID); err != nil {
		t.Fatal(err)
	}
	doc := apiCallRequestOf(c)
	doc["themes"] = []string{"urban_development", "water_sanitation", "education"}
	doc["reason"] = "Ajout de l'éducation aux thématiques"
	res = f.e.api("PUT", fmt.Sprintf("/api/v1/calls/%d", c.ID), f.e.token(f.officer), doc)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("amendment through the API: got %d\n%s", res.StatusCode, body(t, res))
	}
	m = f.e.waitMail(f.lyonUser.Email, "Ajout de l'éducation aux thématiques")
	wantContains(t, "notice of the API amendment", m.Text, "Thématiques", "Éducation")
}
