package coopdec

import (
	"errors"
	"testing"
	"time"
)

// followupCast: an officer (who made request ministry), another officer, the
// embassy in Senegal (made request embassy), Lyon (the selected
// authority), Nantes.
type followupCast struct {
	officer, officer2, embassy, lyon, nantes MissionViewer
	ministry, byEmbassy                      *MissionRequest
}

func newFollowupCast() followupCast {
	sn := Organisation{ID: 10, Kind: OrgEmbassy, Country: "SN"}
	c := followupCast{
		officer:  MissionViewer{User: &User{ID: 1, Roles: []Role{RoleOfficer}}},
		officer2: MissionViewer{User: &User{ID: 2, Roles: []Role{RoleOfficer}}},
		embassy: MissionViewer{User: &User{ID: 3, Roles: []Role{RoleEmbassy},
			Memberships: []Membership{{OrganisationID: 10, OrganisationKind: OrgEmbassy}}}, Embassies: []Organisation{sn}},
		lyon:   MissionViewer{User: &User{ID: 4, Memberships: []Membership{{OrganisationID: 20, OrganisationKind: OrgFrenchAuthority}}}},
		nantes: MissionViewer{User: &User{ID: 5, Memberships: []Membership{{OrganisationID: 21, OrganisationKind: OrgFrenchAuthority}}}},
	}
	terms := MissionTerms{Country: "SN", BudgetCents: 1_000_000}
	c.ministry = &MissionRequest{ID: 1, MissionTerms: terms, State: MissionSelected, CreatedBy: 1, AuthorityID: 20, SelectedReplyID: 7}
	c.byEmbassy = &MissionRequest{ID: 2, MissionTerms: terms, State: MissionSelected, CreatedBy: 3, EmbassyID: 10, AuthorityID: 20, SelectedReplyID: 8}
	return c
}

func TestMissionFollowupPermissions(t *testing.T) {
	c := newFollowupCast()
	approved := &MissionOrder{State: OrderApproved}
	reply := &MissionReply{ID: 7, Experts: []MissionExpert{{Name: "Anne Urbaniste"}}}
	rates := []AllowanceRate{{Country: "SN", DailyCents: 10_000, ValidFrom: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}
	order := func() *MissionOrder {
		return &MissionOrder{Start: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 4, 5, 0, 0, 0, 0, time.UTC),
			Experts: []OrderExpert{{Name: "Anne Urbaniste", Days: 5}}, TravelCents: 100_000}
	}
	report := func() *MissionReport {
		return &MissionReport{Findings: "Constats.", Recommendations: "Recommandations."}
	}
	eval := func() *MissionEvaluation { return &MissionEvaluation{Rating: 4} }
	names := []string{"officer", "officer2", "embassy", "lyon", "nantes"}
	viewers := []MissionViewer{c.officer, c.officer2, c.embassy, c.lyon, c.nantes}
	tests := []struct {
		name  string
		allow []bool // officer, officer2, embassy, lyon, nantes
		check func(v MissionViewer) bool
	}{
		{"keep rates", []bool{true, true, false, false, false}, func(v MissionViewer) bool { return CanKeepAllowanceRates(v.User) }},
		{"see rates", []bool{true, true, true, false, false}, func(v MissionViewer) bool { return CanSeeAllowanceRates(v.User) }},
		{"search reports", []bool{true, true, true, false, false}, func(v MissionViewer) bool { return CanSearchMissionReports(v.User, nil) }},
		// Lyon (20) holds a valid label, Nantes (21) does not.
		{"search reports, Lyon labelled", []bool{true, true, true, true, false}, func(v MissionViewer) bool {
			return CanSearchMissionReports(v.User, []int64{20})
		}},
		// A label held by an authority one does not belong to gives nothing.
		{"search reports, Nantes's label only", []bool{true, true, true, false, true}, func(v MissionViewer) bool {
			return CanSearchMissionReports(v.User, []int64{21, 10})
		}},
		{"set envelope", []bool{true, true, false, false, false}, func(v MissionViewer) bool { return CanSetProgrammeEnvelope(v.User) }},
		{"see order", []bool{true, true, true, true, false}, func(v MissionViewer) bool { return CanSeeMissionOrder(v, c.ministry) }},
		{"draw up order", []bool{true, true, false, false, false}, func(v MissionViewer) bool {
			return CheckMissionOrder(v, c.ministry, reply, nil, order(), rates) == nil
		}},
		{"approve order", []bool{true, true, false, false, false}, func(v MissionViewer) bool {
			return CheckOrderApproval(v.User, &MissionOrder{State: OrderDraft, TotalCents: 100}, ProgrammeBalance{AmountCents: 1000}) == nil
		}},
		{"file report", []bool{false, false, false, true, false}, func(v MissionViewer) bool {
			return CheckMissionReport(v, c.ministry, approved, false, report()) == nil
		}},
		{"evaluate ministry's request", []bool{true, false, false, false, false}, func(v MissionViewer) bool {
			return CheckMissionEvaluation(v, c.ministry, true, false, eval()) == nil
		}},
		{"evaluate embassy's request", []bool{false, false, true, false, false}, func(v MissionViewer) bool {
			return CheckMissionEvaluation(v, c.byEmbassy, true, false, eval()) == nil
		}},
	}
	for _, tt := range tests {
		for i, v := range viewers {
			if got := tt.check(v); got != tt.allow[i] {
				t.Errorf("%s by %s: got %v; want %v", tt.name, names[i], got, tt.allow[i])
			}
		}
	}
}

func TestCheckMissionOrder(t *testing.T) {
	c := newFollowupCast()
	reply := &MissionReply{ID: 7, Experts: []MissionExpert{{Name: "Anne Urbaniste"}, {Name: "Paul Ingénieur"}}}
	rates := []AllowanceRate{{Country: "SN", DailyCents: 10_000, ValidFrom: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}
	base := func() *MissionOrder {
		return &MissionOrder{Start: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 4, 5, 0, 0, 0, 0, time.UTC),
			Experts: []OrderExpert{{Name: " anne urbaniste ", Days: 5}, {Name: "Paul Ingenieur", Days: 3}}, TravelCents: 100_000, OtherCents: 20_000}
	}
	o := base()
	if err := CheckMissionOrder(c.officer, c.ministry, reply, nil, o, rates); err != nil {
		t.Fatalf("valid order: got %v", err)
	}
	if o.AllowanceCents != 80_000 || o.TotalCents != 200_000 || o.DailyCents != 10_000 || o.State != OrderDraft || o.Experts[0].Name != "anne urbaniste" {
		t.Fatalf("order: got %+v", o)
	}
	tests := []struct {
		name, code, field, key string
		edit                   func(m *MissionRequest, o *MissionOrder) *MissionOrder
	}{
		{"not selected", ECONFLICT, "", "mission_followup.order.not_selected", func(m *MissionRequest, o *MissionOrder) *MissionOrder { m.State = MissionReplied; return nil }},
		{"approved", ECONFLICT, "", "mission_followup.order.approved", func(m *MissionRequest, o *MissionOrder) *MissionOrder { return &MissionOrder{State: OrderApproved} }},
		{"end before start", EINVALID, "end", "mission_followup.order.end_before_start", func(m *MissionRequest, o *MissionOrder) *MissionOrder {
			o.End = o.Start.AddDate(0, 0, -1)
			return nil
		}},
		{"days over span", EINVALID, "experts.0.days", "mission_followup.order.days_over_span", func(m *MissionRequest, o *MissionOrder) *MissionOrder {
			o.Experts[0].Days = 6
			return nil
		}},
		{"not proposed", EINVALID, "experts.1.name", "mission_followup.order.expert_not_proposed", func(m *MissionRequest, o *MissionOrder) *MissionOrder {
			o.Experts[1].Name = "Jean Dupont"
			return nil
		}},
		{"twice", EINVALID, "experts.1.name", "mission_followup.order.expert_twice", func(m *MissionRequest, o *MissionOrder) *MissionOrder {
			o.Experts[1].Name = "Anne Urbaniste"
			return nil
		}},
		{"over ceiling", EINVALID, "total_cents", "mission_order.ceiling.exceeded", func(m *MissionRequest, o *MissionOrder) *MissionOrder {
			m.BudgetCents = 150_000
			return nil
		}},
		{"no rate", EINVALID, "country", "mission_order.rate.missing", func(m *MissionRequest, o *MissionOrder) *MissionOrder {
			o.Start, o.End = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC)
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := *c.ministry
			o := base()
			existing := tt.edit(&m, o)
			err := CheckMissionOrder(c.officer, &m, reply, existing, o, rates)
			e, ok := err.(*Error)
			if !ok {
				if es, isList := err.(Errors); isList && len(es) > 0 {
					e, ok = es[0], true
				}
			}
			if !ok || e.Code != tt.code || e.Field != tt.field || e.Key != tt.key {
				t.Fatalf("got %v (%+v); want %s %s %s", err, e, tt.code, tt.field, tt.key)
			}
		})
	}
}

func TestCheckOrderApprovalEnvelope(t *testing.T) {
	u := &User{Roles: []Role{RoleOfficer}}
	o := &MissionOrder{State: OrderDraft, TotalCents: 500}
	if err := CheckOrderApproval(u, o, ProgrammeBalance{AmountCents: 1000, CommittedCents: 500}); err != nil {
		t.Fatalf("exactly enough: got %v", err)
	}
	if err := CheckOrderApproval(u, o, ProgrammeBalance{AmountCents: 1000, CommittedCents: 501}); ErrorCode(err) != ECONFLICT {
		t.Fatalf("one cent short: got %v; want conflict", err)
	}
	if err := CheckEnvelopeAmount(u, 400, 500); ErrorCode(err) != EINVALID {
		t.Fatalf("below committed: got %v; want invalid", err)
	}
	if err := CheckEnvelopeAmount(u, 500, 500); err != nil {
		t.Fatalf("equal to committed: got %v", err)
	}
}

func TestCheckEnvelopeChange(t *testing.T) {
	c := newFollowupCast()
	tests := []struct {
		name              string
		u                 *User
		amount, committed int64
		reason            string
		code, field, key  string
	}{
		{"raise", c.officer.User, 2_000_000, 500_000, "Dotation 2027", "", "", ""},
		{"down to what is committed", c.officer.User, 500_000, 500_000, "Fin d'exercice", "", "", ""},
		{"embassy", c.embassy.User, 2_000_000, 0, "x", EFORBIDDEN, "", "error.forbidden"},
		{"authority", c.lyon.User, 2_000_000, 0, "x", EFORBIDDEN, "", "error.forbidden"},
		{"below committed", c.officer.User, 400_000, 500_000, "Réduction", EINVALID, "amount_cents", "mission_followup.envelope.below_committed"},
		{"negative", c.officer.User, -1, 0, "x", EINVALID, "amount_cents", "mission_followup.envelope.amount_invalid"},
		{"no reason", c.officer.User, 2_000_000, 0, "  ", EINVALID, "reason", "mission_followup.envelope.reason_required"},
		{"reason too long", c.officer.User, 2_000_000, 0, string(make([]rune, 1001)), EINVALID, "reason", "mission_followup.envelope.reason_too_long"},
	}
	for _, tt := range tests {
		err := CheckEnvelopeChange(tt.u, tt.amount, tt.committed, tt.reason)
		if tt.code == "" {
			if err != nil {
				t.Errorf("%s: got %v; want nil", tt.name, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != tt.code || e.Field != tt.field || e.Key != tt.key {
			t.Errorf("%s: got %v; want %s %s %s", tt.name, err, tt.code, tt.field, tt.key)
		}
	}
}
