package coopdec

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/i18n"
)

// The people around validApplication (lead 11, call 7) and brazilCall
// (co-managed by organisation 30 in these tests).
var (
	ruleLead          = &User{ID: 1, Memberships: []Membership{{OrganisationID: 11, OrganisationKind: OrgFrenchAuthority}}}
	ruleOtherLead     = &User{ID: 2, Memberships: []Membership{{OrganisationID: 12, OrganisationKind: OrgFrenchAuthority}}}
	ruleOfficer       = &User{ID: 3, Roles: []Role{RoleOfficer}}
	ruleAdmin         = &User{ID: 4, Roles: []Role{RoleAdmin}}
	ruleCoManager     = &User{ID: 5, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 30}}}
	ruleOtherCoMgr    = &User{ID: 6, Roles: []Role{RoleCoManager}, Memberships: []Membership{{OrganisationID: 40}}}
	ruleMemberNoRole  = &User{ID: 7, Memberships: []Membership{{OrganisationID: 30}}}
	ruleEvaluator     = &User{ID: 8, Roles: []Role{RoleEvaluator}}
	ruleSubmittedAt   = time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	ruleCallOpensAt   = time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)
	ruleCallDeadline  = time.Date(2026, time.April, 1, 12, 0, 0, 0, time.UTC)
	ruleBeforeOpening = ruleCallOpensAt.Add(-time.Hour)
	ruleWhileOpen     = time.Date(2026, time.March, 15, 9, 0, 0, 0, time.UTC)
)

// openBrazilCall is brazilCall published, open from February to April 2026.
func openBrazilCall() *Call {
	c := brazilCall()
	c.Status = CallPublished
	c.PublishAt, c.OpensAt, c.Deadline = ruleCallOpensAt.Add(-24*time.Hour), ruleCallOpensAt, ruleCallDeadline
	c.CoManagers = []int64{30}
	return c
}

func withStatus(a *Application, s ApplicationStatus) *Application {
	a.Status = s
	if s != ApplicationDraft {
		a.SubmittedAt = ruleSubmittedAt
	}
	return a
}

// wantErr checks err's code, key and field; an empty want code means nil.
func wantErr(t *testing.T, err error, code, key, field string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("got %v; want nil", err)
		}
		return
	}
	list := errorList(err)
	if len(list) == 0 {
		t.Fatalf("got %v; want %s %s", err, code, key)
	}
	for _, e := range list {
		if e.Code == code && e.Key == key && e.Field == field {
			return
		}
	}
	t.Errorf("got %v; want %s %s on %q", list, code, key, field)
}

func TestSamePartnerEntry(t *testing.T) {
	base := Partner{OrganisationID: 201, Name: "Prefeitura do Recife", Kind: OrgForeignAuthority, Country: "BR",
		Role: RolePartner, Contribution: "Agents", ContributionCents: 1_000_000}
	for _, tc := range []struct {
		name string
		edit func(*Partner)
		want bool
	}{
		{"identical", func(*Partner) {}, true},
		{"confirmation ignored", func(p *Partner) { p.Confirmed = true }, true},
		{"name in other case and spacing", func(p *Partner) { p.Name = "  prefeitura   DO recife " }, true},
		{"country in lower case", func(p *Partner) { p.Country = "br" }, true},
		{"contribution text trimmed", func(p *Partner) { p.Contribution = " Agents\n" }, true},
		{"another organisation", func(p *Partner) { p.OrganisationID = 202 }, false},
		{"another name", func(p *Partner) { p.Name = "Prefeitura de Olinda" }, false},
		{"another kind", func(p *Partner) { p.Kind = OrgAssociation }, false},
		{"another country", func(p *Partner) { p.Country = "PT" }, false},
		{"another role", func(p *Partner) { p.Role = RoleBeneficiary }, false},
		{"another contribution text", func(p *Partner) { p.Contribution = "Agents et locaux" }, false},
		{"another amount", func(p *Partner) { p.ContributionCents++ }, false},
		{"now in kind", func(p *Partner) { p.InKind = true }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other := base
			tc.edit(&other)
			if got := SamePartnerEntry(base, other); got != tc.want {
				t.Errorf("SamePartnerEntry: got %v; want %v", got, tc.want)
			}
			if got := SamePartnerEntry(other, base); got != tc.want {
				t.Errorf("SamePartnerEntry reversed: got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestConfirmations(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, time.March, d, 9, 0, 0, 0, time.UTC) }
	recife := Partner{OrganisationID: 201, Kind: OrgForeignAuthority, Country: "BR", Role: RolePartner, ContributionCents: 1_000_000}
	recifeMore := recife
	recifeMore.ContributionCents = 2_000_000
	univ := Partner{Name: "Université fédérale du Pernambouc", Kind: OrgUniversity, Country: "BR", Role: RoleAssociated}
	univRenamed := univ
	univRenamed.Name = "UFPE"
	inv := func(id int64, p Partner, s ConfirmationStatus, at time.Time) PartnerConfirmation {
		return PartnerConfirmation{ID: id, ApplicationID: 1, PartnerEntry: p, Status: s, CreatedAt: at}
	}

	for _, tc := range []struct {
		name      string
		partner   Partner
		list      []PartnerConfirmation
		state     ConfirmationStatus
		invite    int64 // the invitation returned, 0 for none
		confirmed bool
	}{
		{"never invited", recife, nil, "", 0, false},
		{"invitation pending", recife, []PartnerConfirmation{inv(1, recife, ConfirmationPending, day(1))}, ConfirmationPending, 1, false},
		{"confirmed", recife, []PartnerConfirmation{inv(1, recife, ConfirmationConfirmed, day(1))}, ConfirmationConfirmed, 1, true},
		{"declined", recife, []PartnerConfirmation{inv(1, recife, ConfirmationDeclined, day(1))}, ConfirmationDeclined, 1, false},
		{"confirmed, then the amount changed", recifeMore, []PartnerConfirmation{inv(1, recife, ConfirmationConfirmed, day(1))},
			ConfirmationLapsed, 1, false},
		{"confirmed, changed, invited again", recifeMore, []PartnerConfirmation{
			inv(1, recife, ConfirmationConfirmed, day(1)), inv(2, recifeMore, ConfirmationPending, day(2))},
			ConfirmationPending, 2, false},
		{"changed back to what was confirmed", recife, []PartnerConfirmation{
			inv(1, recife, ConfirmationConfirmed, day(1)), inv(2, recifeMore, ConfirmationPending, day(2))},
			ConfirmationConfirmed, 1, true},
		{"declined, then confirmed a new invitation", recife, []PartnerConfirmation{
			inv(2, recife, ConfirmationConfirmed, day(2)), inv(1, recife, ConfirmationDeclined, day(1))},
			ConfirmationConfirmed, 2, true},
		{"confirmed, then declined a new invitation", recife, []PartnerConfirmation{
			inv(1, recife, ConfirmationConfirmed, day(1)), inv(2, recife, ConfirmationDeclined, day(2))},
			ConfirmationDeclined, 2, false},
		{"same instant: the higher ID wins", recife, []PartnerConfirmation{
			inv(3, recife, ConfirmationConfirmed, day(1)), inv(2, recife, ConfirmationDeclined, day(1))},
			ConfirmationConfirmed, 3, true},
		{"another partner's confirmation", recife, []PartnerConfirmation{
			inv(1, Partner{OrganisationID: 202, Kind: OrgForeignAuthority, Country: "SN", Role: RoleBeneficiary}, ConfirmationConfirmed, day(1))},
			"", 0, false},
		{"unregistered partner confirmed", univ, []PartnerConfirmation{inv(1, univ, ConfirmationConfirmed, day(1))}, ConfirmationConfirmed, 1, true},
		{"unregistered partner renamed: another partner", univRenamed, []PartnerConfirmation{inv(1, univ, ConfirmationConfirmed, day(1))},
			"", 0, false},
		{"unregistered partner since registered", Partner{OrganisationID: 250, Name: univ.Name, Kind: OrgUniversity, Country: "BR", Role: RoleAssociated},
			[]PartnerConfirmation{inv(1, univ, ConfirmationConfirmed, day(1))}, ConfirmationLapsed, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state, c := ConfirmationState(tc.partner, tc.list)
			var id int64
			if c != nil {
				id = c.ID
			}
			if state != tc.state || id != tc.invite {
				t.Errorf("ConfirmationState: got %q, invitation %d; want %q, %d", state, id, tc.state, tc.invite)
			}
			p := tc.partner
			p.Confirmed = !tc.confirmed // ApplyConfirmations must overwrite it
			a := &Application{ID: 1, Partners: []Partner{p}}
			ApplyConfirmations(a, tc.list)
			if got := a.Partners[0].Confirmed; got != tc.confirmed {
				t.Errorf("ApplyConfirmations: got Confirmed %v; want %v", got, tc.confirmed)
			}
		})
	}

	// A confirmation of another application confirms nothing here.
	a := &Application{ID: 1, Partners: []Partner{recife}}
	ApplyConfirmations(a, []PartnerConfirmation{{ID: 1, ApplicationID: 2, PartnerEntry: recife, Status: ConfirmationConfirmed}})
	if a.Partners[0].Confirmed {
		t.Error("ApplyConfirmations: another application's confirmation counted")
	}
}

func TestCheckSubmission(t *testing.T) {
	passed := Eligibility{Results: []RuleResult{{Rule: "countries", Status: RulePassed, Key: "eligibility.countries.ok", Field: "countries"}}}
	pending := Eligibility{Results: []RuleResult{
		{Rule: "countries", Status: RulePassed, Key: "eligibility.countries.ok", Field: "countries"},
		{Rule: "partner", Status: RuleUnknown, Key: "eligibility.partner.unconfirmed", Args: []any{"BR"}, Field: "partners"},
		{Rule: "documents", Status: RuleFailed, Key: "eligibility.documents", Args: []any{[]string{"council_deliberation"}}, Field: "documents"},
	}}
	draftCall := openBrazilCall()
	draftCall.Status = CallDraft

	for _, tc := range []struct {
		name  string
		u     *User
		a     *Application
		c     *Call
		now   time.Time
		elig  Eligibility
		code  string
		key   string
		field string
	}{
		{"lead member submits", ruleLead, validApplication(), openBrazilCall(), ruleWhileOpen, passed, "", "", ""},
		{"another authority", ruleOtherLead, validApplication(), openBrazilCall(), ruleWhileOpen, passed, EFORBIDDEN, "error.forbidden", ""},
		{"officer", ruleOfficer, validApplication(), openBrazilCall(), ruleWhileOpen, passed, EFORBIDDEN, "error.forbidden", ""},
		{"visitor", nil, validApplication(), openBrazilCall(), ruleWhileOpen, passed, EFORBIDDEN, "error.forbidden", ""},
		{"no application", ruleLead, nil, openBrazilCall(), ruleWhileOpen, passed, EFORBIDDEN, "error.forbidden", ""},
		{"another authority, submitted: no hint", ruleOtherLead, withStatus(validApplication(), ApplicationSubmitted), openBrazilCall(), ruleWhileOpen, passed,
			EFORBIDDEN, "error.forbidden", ""},
		{"already submitted", ruleLead, withStatus(validApplication(), ApplicationSubmitted), openBrazilCall(), ruleWhileOpen, passed,
			ECONFLICT, "application.already_submitted", ""},
		{"withdrawn", ruleLead, withStatus(validApplication(), ApplicationWithdrawn), openBrazilCall(), ruleWhileOpen, passed,
			ECONFLICT, "application.withdrawn", ""},
		{"unknown status", ruleLead, withStatus(validApplication(), "accepted"), openBrazilCall(), ruleWhileOpen, passed,
			ECONFLICT, "application.not_draft", ""},
		{"before opening", ruleLead, validApplication(), openBrazilCall(), ruleBeforeOpening, passed, ECONFLICT, "application.submit.not_open", ""},
		{"call still a draft", ruleLead, validApplication(), draftCall, ruleWhileOpen, passed, ECONFLICT, "application.submit.not_open", ""},
		{"no call", ruleLead, validApplication(), nil, ruleWhileOpen, passed, ECONFLICT, "application.submit.not_open", ""},
		{"at the deadline", ruleLead, validApplication(), openBrazilCall(), ruleCallDeadline, passed, ECONFLICT, "application.submit.closed", ""},
		{"after the deadline", ruleLead, validApplication(), openBrazilCall(), ruleCallDeadline.Add(time.Second), passed,
			ECONFLICT, "application.submit.closed", ""},
		{"one second before the deadline", ruleLead, validApplication(), openBrazilCall(), ruleCallDeadline.Add(-time.Second), passed, "", "", ""},
		{"incomplete", ruleLead, func() *Application { a := validApplication(); a.Results = nil; return a }(), openBrazilCall(), ruleWhileOpen, passed,
			EINVALID, "application.field.required", "results"},
		{"not eligible yet", ruleLead, validApplication(), openBrazilCall(), ruleWhileOpen, pending,
			EINVALID, "eligibility.documents", "documents"},
		{"partner not confirmed yet", ruleLead, validApplication(), openBrazilCall(), ruleWhileOpen, pending,
			EINVALID, "eligibility.partner.unconfirmed", "partners"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, CheckSubmission(tc.u, tc.a, tc.c, tc.now, tc.elig), tc.code, tc.key, tc.field)
		})
	}

	// Every rule not passed is reported, with its args, in order.
	list := errorList(CheckSubmission(ruleLead, validApplication(), openBrazilCall(), ruleWhileOpen, pending))
	if len(list) != 2 || list[0].Key != "eligibility.partner.unconfirmed" || list[0].Args[0] != "BR" || list[1].Key != "eligibility.documents" {
		t.Errorf("got %v; want the partner, then the documents", list)
	}
	// The deadline is the closed message's arg.
	e := errorList(CheckSubmission(ruleLead, validApplication(), openBrazilCall(), ruleCallDeadline.Add(time.Hour), passed))
	if len(e) != 1 || len(e[0].Args) != 1 || e[0].Args[0] != ruleCallDeadline {
		t.Errorf("got %v; want the deadline as arg", e)
	}
}

func TestCanWithdrawApplication(t *testing.T) {
	for _, tc := range []struct {
		name string
		u    *User
		a    *Application
		want bool
	}{
		{"lead member withdraws a draft", ruleLead, validApplication(), true},
		{"lead member withdraws it submitted", ruleLead, withStatus(validApplication(), ApplicationSubmitted), true},
		{"not twice", ruleLead, withStatus(validApplication(), ApplicationWithdrawn), false},
		{"another authority", ruleOtherLead, withStatus(validApplication(), ApplicationSubmitted), false},
		{"officer", ruleOfficer, withStatus(validApplication(), ApplicationSubmitted), false},
		{"admin", ruleAdmin, withStatus(validApplication(), ApplicationSubmitted), false},
		{"visitor", nil, validApplication(), false},
		{"no application", ruleLead, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanWithdrawApplication(tc.u, tc.a); got != tc.want {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestCheckWithdrawal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reason string
		key    string
	}{
		{"a reason", "Le conseil municipal a renoncé au projet.", ""},
		{"the longest reason", strings.Repeat("é", 2000), ""},
		{"spaces around the longest", " " + strings.Repeat("é", 2000) + "\n", ""},
		{"no reason", "", "application.reason.required"},
		{"blank reason", " \n\t", "application.reason.required"},
		{"too long", strings.Repeat("é", 2001), "application.reason.too_long"},
		{"unreadable", "motif \xff", "application.field.invalid_text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckWithdrawal(tc.reason)
			if tc.key == "" {
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				return
			}
			wantErr(t, err, EINVALID, tc.key, "reason")
		})
	}
}

func TestCanListCallApplications(t *testing.T) {
	call := openBrazilCall()
	for _, tc := range []struct {
		name string
		u    *User
		c    *Call
		want bool
	}{
		{"officer", ruleOfficer, call, true},
		{"officer, all calls", ruleOfficer, nil, true},
		{"admin", ruleAdmin, call, true},
		{"co-manager of the call", ruleCoManager, call, true},
		{"co-manager, all calls", ruleCoManager, nil, false},
		{"co-manager of another call", ruleOtherCoMgr, call, false},
		{"member of the co-manager without the role", ruleMemberNoRole, call, false},
		{"evaluator", ruleEvaluator, call, false},
		{"applicant", ruleLead, call, false},
		{"visitor", nil, call, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanListCallApplications(tc.u, tc.c); got != tc.want {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestCanRequestCorrection(t *testing.T) {
	call := openBrazilCall()
	other := &Call{ID: 8, CoManagers: []int64{40}}
	submitted := withStatus(validApplication(), ApplicationSubmitted)
	for _, tc := range []struct {
		name string
		u    *User
		a    *Application
		c    *Call
		want bool
	}{
		{"officer", ruleOfficer, submitted, call, true},
		{"officer without the call", ruleOfficer, submitted, nil, true},
		{"admin", ruleAdmin, submitted, call, true},
		{"co-manager of the call", ruleCoManager, submitted, call, true},
		{"co-manager without the call", ruleCoManager, submitted, nil, false},
		{"co-manager of another call", ruleOtherCoMgr, submitted, call, false},
		{"another call passed does not help", ruleOtherCoMgr, submitted, other, false},
		{"member of the co-manager without the role", ruleMemberNoRole, submitted, call, false},
		{"applicant", ruleLead, submitted, call, false},
		{"evaluator", ruleEvaluator, submitted, call, false},
		{"a draft", ruleOfficer, validApplication(), call, false},
		{"withdrawn", ruleOfficer, withStatus(validApplication(), ApplicationWithdrawn), call, false},
		{"visitor", nil, submitted, call, false},
		{"no application", ruleOfficer, nil, call, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanRequestCorrection(tc.u, tc.a, tc.c); got != tc.want {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestCorrectionRequestValidate(t *testing.T) {
	now := ruleWhileOpen
	valid := func() *CorrectionRequest {
		return &CorrectionRequest{ApplicationID: 1, Reason: "Le budget ne détaille pas les missions.",
			Fields: []string{"budget"}, DueAt: now.Add(14 * 24 * time.Hour)}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*CorrectionRequest)
		key   string
		field string
	}{
		{"valid", func(*CorrectionRequest) {}, "", ""},
		{"a document only", func(r *CorrectionRequest) { r.Fields, r.Documents = nil, []string{"council_deliberation"} }, "", ""},
		{"due in exactly 90 days", func(r *CorrectionRequest) { r.DueAt = now.Add(90 * 24 * time.Hour) }, "", ""},
		{"no reason", func(r *CorrectionRequest) { r.Reason = "  " }, "application.reason.required", "reason"},
		{"reason too long", func(r *CorrectionRequest) { r.Reason = strings.Repeat("x", 4001) }, "application.reason.too_long", "reason"},
		{"nothing to correct", func(r *CorrectionRequest) { r.Fields = []string{" "} }, "application.correction.empty", "fields"},
		{"a field by its form name", func(r *CorrectionRequest) { r.Fields = []string{"texts.fr.summary"} }, "application.correction.field.unknown", "fields"},
		{"an unknown field", func(r *CorrectionRequest) { r.Fields = []string{"status"} }, "application.correction.field.unknown", "fields"},
		{"a document code with a space", func(r *CorrectionRequest) { r.Documents = []string{"council deliberation"} },
			"application.correction.document.invalid", "documents"},
		{"a document code starting with a digit", func(r *CorrectionRequest) { r.Documents = []string{"1budget"} },
			"application.correction.document.invalid", "documents"},
		{"a document code too long", func(r *CorrectionRequest) { r.Documents = []string{strings.Repeat("a", 65)} },
			"application.correction.document.invalid", "documents"},
		{"no due date", func(r *CorrectionRequest) { r.DueAt = time.Time{} }, "application.correction.due.required", "due_at"},
		{"due now", func(r *CorrectionRequest) { r.DueAt = now }, "application.correction.due.past", "due_at"},
		{"due yesterday", func(r *CorrectionRequest) { r.DueAt = now.Add(-24 * time.Hour) }, "application.correction.due.past", "due_at"},
		{"due in 91 days", func(r *CorrectionRequest) { r.DueAt = now.Add(91 * 24 * time.Hour) }, "application.correction.due.too_far", "due_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.edit(r)
			err := r.Validate(now)
			if tc.key == "" {
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				return
			}
			wantErr(t, err, EINVALID, tc.key, tc.field)
		})
	}

	r := &CorrectionRequest{Reason: "  Préciser  ", Fields: []string{" Budget", "budget", "", "PARTNERS"},
		Documents: []string{"Council_Deliberation "}, DueAt: now.Add(time.Hour)}
	if err := r.Validate(now); err != nil {
		t.Fatalf("got %v; want nil", err)
	}
	if r.Reason != "Préciser" || !slices.Equal(r.Fields, []string{"budget", "partners"}) ||
		!slices.Equal(r.Documents, []string{"council_deliberation"}) || r.Status != CorrectionOpen {
		t.Errorf("got %+v; want it normalised and open", r)
	}
	if n := len(errorList((&CorrectionRequest{Fields: []string{"x"}, Documents: []string{"A B"}}).Validate(now))); n != 4 {
		t.Errorf("got %d errors; want all 4 at once (reason, field, document, due date)", n)
	}
}

func TestCanAnswerCorrection(t *testing.T) {
	due := ruleWhileOpen.Add(7 * 24 * time.Hour)
	open := func() *CorrectionRequest {
		return &CorrectionRequest{ID: 5, ApplicationID: 1, Fields: []string{"budget"}, DueAt: due, Status: CorrectionOpen}
	}
	submitted := withStatus(validApplication(), ApplicationSubmitted)
	for _, tc := range []struct {
		name string
		u    *User
		a    *Application
		r    *CorrectionRequest
		now  time.Time
		code string
		key  string
	}{
		{"lead member answers", ruleLead, submitted, open(), ruleWhileOpen, "", ""},
		{"on the due date itself", ruleLead, submitted, open(), due, "", ""},
		{"one second late", ruleLead, submitted, open(), due.Add(time.Second), ECONFLICT, "application.correction.overdue"},
		{"already answered", ruleLead, submitted, func() *CorrectionRequest { r := open(); r.Status = CorrectionAnswered; return r }(),
			ruleWhileOpen, ECONFLICT, "application.correction.closed"},
		{"cancelled", ruleLead, submitted, func() *CorrectionRequest { r := open(); r.Status = CorrectionCancelled; return r }(),
			ruleWhileOpen, ECONFLICT, "application.correction.closed"},
		{"application withdrawn", ruleLead, withStatus(validApplication(), ApplicationWithdrawn), open(), ruleWhileOpen,
			ECONFLICT, "application.withdrawn"},
		{"another application's request", ruleLead, submitted, func() *CorrectionRequest { r := open(); r.ApplicationID = 2; return r }(),
			ruleWhileOpen, EFORBIDDEN, "error.forbidden"},
		{"officer", ruleOfficer, submitted, open(), ruleWhileOpen, EFORBIDDEN, "error.forbidden"},
		{"co-manager", ruleCoManager, submitted, open(), ruleWhileOpen, EFORBIDDEN, "error.forbidden"},
		{"another authority", ruleOtherLead, submitted, open(), ruleWhileOpen, EFORBIDDEN, "error.forbidden"},
		{"visitor", nil, submitted, open(), ruleWhileOpen, EFORBIDDEN, "error.forbidden"},
		{"no request", ruleLead, submitted, nil, ruleWhileOpen, EFORBIDDEN, "error.forbidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, CanAnswerCorrection(tc.u, tc.a, tc.r, tc.now), tc.code, tc.key, "")
		})
	}
}

func TestApplyCorrection(t *testing.T) {
	budgetOnly := &CorrectionRequest{Fields: []string{"budget"}}
	for _, tc := range []struct {
		name  string
		r     *CorrectionRequest
		edit  func(*Application)
		bad   []string // fields refused; none: accepted
		check func(*Application) bool
	}{
		{"the requested budget changes", budgetOnly, func(a *Application) { a.Budget.Expenses[0].Label = "Cheffe de projet" }, nil,
			func(a *Application) bool { return a.Budget.Expenses[0].Label == "Cheffe de projet" }},
		{"nothing changes", budgetOnly, func(*Application) {}, nil,
			func(a *Application) bool { return a.Budget.Expenses[0].Label == "Chef de projet" }},
		{"a budget line added", budgetOnly, func(a *Application) {
			a.Budget.Expenses = append(a.Budget.Expenses, ExpenseLine{Category: ExpenseServices, Label: "Étude", AmountCents: 1})
		}, nil, func(a *Application) bool { return len(a.Budget.Expenses) == 4 }},
		{"texts too", budgetOnly, func(a *Application) {
			t := a.Texts["fr"]
			t.Title = "Autre titre"
			a.Texts["fr"] = t
		}, []string{"texts"}, nil},
		{"places and a partner too", budgetOnly, func(a *Application) {
			a.Places = nil
			a.Partners[2].Role = RoleAssociated
		}, []string{"places", "partners"}, nil},
		{"a partner's confirmation is not content", budgetOnly, func(a *Application) { a.Partners[2].Confirmed = true }, nil,
			func(a *Application) bool { return !a.Partners[2].Confirmed }},
		{"countries reordered are the same countries", budgetOnly,
			func(a *Application) { a.Countries = []string{"SN", "BR"} }, nil,
			func(a *Application) bool { return slices.Equal(a.Countries, []string{"BR", "SN"}) }},
		{"countries reordered, as requested", &CorrectionRequest{Fields: []string{"countries"}},
			func(a *Application) { a.Countries = []string{"SN", "BR"} }, nil,
			func(a *Application) bool { return slices.Equal(a.Countries, []string{"SN", "BR"}) }},
		{"status and identity come from the stored version", &CorrectionRequest{Fields: CorrectableFields}, func(a *Application) {
			a.ID, a.CallID, a.LeadOrganisationID, a.Status, a.Version = 99, 99, 99, ApplicationDraft, 99
			a.DurationMonths = 30
		}, nil, func(a *Application) bool {
			return a.ID == 1 && a.CallID == 7 && a.LeadOrganisationID == 11 && a.Status == ApplicationSubmitted && a.DurationMonths == 30
		}},
		{"no request", nil, func(a *Application) { a.DurationMonths = 30 }, []string{"duration_months"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := withStatus(validApplication(), ApplicationSubmitted)
			proposed := validApplication()
			tc.edit(proposed)
			got, err := ApplyCorrection(old, proposed, tc.r)
			if len(tc.bad) > 0 {
				if got != nil {
					t.Errorf("got an application with the error")
				}
				list := errorList(err)
				var fields []string
				for _, e := range list {
					if e.Code != EINVALID || e.Key != "application.correction.field.not_requested" {
						t.Errorf("got %v; want EINVALID application.correction.field.not_requested", e)
					}
					fields = append(fields, e.Field)
				}
				if !slices.Equal(fields, tc.bad) {
					t.Errorf("got errors on %v; want %v", fields, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v; want nil", err)
			}
			if !tc.check(got) {
				t.Errorf("got %+v", got)
			}
			// The fields not requested are the stored ones, and nothing is shared.
			if tc.r != nil && !slices.Contains(tc.r.Fields, "texts") {
				if d := CompareApplications(old, got); slices.Contains(ChangedTopFields(d), "texts") {
					t.Errorf("texts changed: %v", d)
				}
			}
			got.Budget.Expenses[0].Label = "changed"
			got.Texts["fr"] = ApplicationText{}
			if old.Budget.Expenses[0].Label == "changed" || proposed.Budget.Expenses[0].Label == "changed" || old.Texts["fr"].Title == "" {
				t.Error("the result shares its lists or maps")
			}
		})
	}
}

func TestCanMessage(t *testing.T) {
	call := openBrazilCall()
	draft := validApplication()
	submitted := withStatus(validApplication(), ApplicationSubmitted)
	withdrawn := withStatus(validApplication(), ApplicationWithdrawn)
	withdrawnDraft := validApplication()
	withdrawnDraft.Status = ApplicationWithdrawn
	for _, tc := range []struct {
		name string
		u    *User
		a    *Application
		c    *Call
		want bool
	}{
		{"lead member on a draft", ruleLead, draft, call, true},
		{"lead member once submitted", ruleLead, submitted, call, true},
		{"lead member once withdrawn", ruleLead, withdrawn, call, true},
		{"officer on a draft", ruleOfficer, draft, call, false},
		{"admin on a draft", ruleAdmin, draft, call, false},
		{"officer once submitted", ruleOfficer, submitted, call, true},
		{"admin once submitted", ruleAdmin, submitted, call, true},
		{"officer once withdrawn after submission", ruleOfficer, withdrawn, call, true},
		{"officer on one withdrawn before submission", ruleOfficer, withdrawnDraft, call, false},
		{"co-manager once submitted", ruleCoManager, submitted, call, true},
		{"co-manager on a draft", ruleCoManager, draft, call, false},
		{"co-manager without the call", ruleCoManager, submitted, nil, false},
		{"co-manager of another call", ruleOtherCoMgr, submitted, call, false},
		{"another call passed does not help", ruleOtherCoMgr, submitted, &Call{ID: 8, CoManagers: []int64{40}}, false},
		{"member of the co-manager without the role", ruleMemberNoRole, submitted, call, false},
		{"evaluator", ruleEvaluator, submitted, call, false},
		{"another authority", ruleOtherLead, submitted, call, false},
		{"visitor", nil, submitted, call, false},
		{"no application", ruleLead, nil, call, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanMessage(tc.u, tc.a, tc.c); got != tc.want {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestMessageValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     Message
		key   string
		field string
	}{
		{"a message", Message{Body: "Pouvez-vous préciser le calendrier ?"}, "", ""},
		{"the longest message with 10 files", Message{Body: strings.Repeat("é", 10_000), Attachments: make([]Attachment, 10)}, "", ""},
		{"empty", Message{Body: " \n "}, "application.message.body.required", "body"},
		{"too long", Message{Body: strings.Repeat("é", 10_001)}, "application.message.body.too_long", "body"},
		{"unreadable", Message{Body: "bonjour \xc3"}, "application.field.invalid_text", "body"},
		{"11 files", Message{Body: "Voici les pièces.", Attachments: make([]Attachment, 11)}, "application.message.attachments.too_many", "attachments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.m.Validate()
			if tc.key == "" {
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				return
			}
			wantErr(t, err, EINVALID, tc.key, tc.field)
		})
	}
	m := Message{Body: "\n  Bonjour  \n"}
	if err := m.Validate(); err != nil || m.Body != "Bonjour" {
		t.Errorf("got %q, %v; want the body trimmed", m.Body, err)
	}
}

// TestApplicationRulesMessages checks that every key application_rules.go
// returns is in every catalogue and renders with the args it gets.
func TestApplicationRulesMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "application_rules.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && (catalogueKey.MatchString(s) || s == "error.forbidden") {
				keys[s] = true
			}
		}
		return true
	})
	if len(keys) < 15 {
		t.Fatalf("found %d keys; the scan is broken", len(keys))
	}
	for key := range keys {
		for _, lang := range i18n.Supported {
			if _, ok := cat[lang][key]; !ok {
				t.Errorf("%s: key %s missing", lang, key)
			}
		}
	}

	now := ruleWhileOpen
	var errs Errors
	collect := func(err error) { errs = append(errs, errorList(err)...) }
	collect(CheckSubmission(ruleLead, validApplication(), openBrazilCall(), ruleCallDeadline, Eligibility{}))
	collect(CheckWithdrawal(strings.Repeat("x", 2001)))
	collect((&CorrectionRequest{Fields: []string{"status"}, Documents: []string{"A B"}, DueAt: now.Add(100 * 24 * time.Hour)}).Validate(now))
	collect(CanAnswerCorrection(ruleLead, withStatus(validApplication(), ApplicationSubmitted),
		&CorrectionRequest{ApplicationID: 1, Status: CorrectionOpen, DueAt: now}, now.Add(time.Hour)))
	collect((&Message{Body: strings.Repeat("x", 10_001), Attachments: make([]Attachment, 11)}).Validate())
	seen := map[string]bool{}
	for _, e := range errs {
		seen[e.Key] = true
		if !keys[e.Key] {
			t.Errorf("%s returned but not found by the scan", e.Key)
		}
		for _, lang := range i18n.Supported {
			if msg := cat.T(lang, e.Key, e.Args...); strings.Contains(msg, "%!") || msg == e.Key {
				t.Errorf("%s: %s renders badly: %q", lang, e.Key, msg)
			}
		}
	}
	for _, key := range []string{"application.submit.closed", "application.reason.too_long", "application.correction.field.unknown",
		"application.correction.document.invalid", "application.correction.due.too_far", "application.correction.overdue",
		"application.message.body.too_long", "application.message.attachments.too_many"} {
		if !seen[key] {
			t.Errorf("no case renders %s", key)
		}
	}
}
