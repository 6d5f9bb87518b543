package coopdec

import (
	"errors"
	"testing"
	"time"
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fields returns the fields named by a validation error.
func fields(err error) map[string]bool {
	out := map[string]bool{}
	var list Errors
	if errors.As(err, &list) {
		for _, e := range list {
			out[e.Field] = true
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		out[e.Field] = true
	}
	return out
}

func TestOrganisationValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		org  Organisation
		bad  []string // fields in error; none: valid
	}{
		{"french commune", Organisation{Kind: OrgFrenchAuthority, Name: "Lyon", Country: "fr", AuthorityType: AuthorityCommune, SIREN: "216 901 231"}, nil},
		{"bad SIREN", Organisation{Kind: OrgFrenchAuthority, Name: "Lyon", Country: "FR", AuthorityType: AuthorityCommune, SIREN: "216901232"}, []string{"siren"}},
		{"missing SIREN", Organisation{Kind: OrgFrenchAuthority, Name: "Lyon", Country: "FR", AuthorityType: AuthorityCommune}, []string{"siren"}},
		{"french authority abroad", Organisation{Kind: OrgFrenchAuthority, Name: "Lyon", Country: "BE", AuthorityType: AuthorityCommune, SIREN: "216901231"}, []string{"country"}},
		{"no authority type", Organisation{Kind: OrgFrenchAuthority, Name: "Lyon", Country: "FR", SIREN: "216901231"}, []string{"authority_type"}},
		{"foreign authority", Organisation{Kind: OrgForeignAuthority, Name: "Municipalité de Sousse", Country: "TN", LocalID: "TN-SOU"}, nil},
		{"foreign authority in France", Organisation{Kind: OrgForeignAuthority, Name: "X", Country: "FR"}, []string{"country"}},
		{"unknown country", Organisation{Kind: OrgForeignAuthority, Name: "X", Country: "ZZ"}, []string{"country"}},
		{"palestinian territories", Organisation{Kind: OrgForeignAuthority, Name: "Municipalité de Naplouse", Country: "PS"}, nil},
		{"embassy", Organisation{Kind: OrgEmbassy, Name: "Ambassade de France en Tunisie", Country: "TN"}, nil},
		{"unknown kind and no name", Organisation{Kind: "club", Country: "FR"}, []string{"kind", "name"}},
		{"SIREN with non-breaking spaces", Organisation{Kind: OrgFrenchAuthority, Name: "Lyon", Country: "FR", AuthorityType: AuthorityCommune, SIREN: "216\u00a0901\u00a0231"}, nil},
		{"website", Organisation{Kind: OrgAssociation, Name: "Asso", Country: "FR", Website: "https://www.example.org/"}, nil},
		{"bad website", Organisation{Kind: OrgAssociation, Name: "Asso", Country: "FR", Website: "javascript:alert(1)"}, []string{"website"}},
		{"association with bad SIREN", Organisation{Kind: OrgAssociation, Name: "Asso", Country: "FR", SIREN: "123"}, []string{"siren"}},
	} {
		err := tc.org.Validate()
		got := fields(err)
		if len(tc.bad) == 0 && err != nil {
			t.Errorf("%s: got error %v; want valid", tc.name, err)
			continue
		}
		for _, f := range tc.bad {
			if !got[f] {
				t.Errorf("%s: got errors on %v; want one on %q", tc.name, got, f)
			}
		}
	}
}

func TestInvitationValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		inv  Invitation
		bad  string
	}{
		{"into organisation", Invitation{Email: " Ana@Example.org ", OrganisationID: 3}, ""},
		{"local authority", Invitation{Email: "ana@example.org", ForLocalAuthority: true}, ""},
		{"role only", Invitation{Email: "ana@example.org", Roles: []Role{RoleEvaluator}}, ""},
		{"nothing", Invitation{Email: "ana@example.org"}, "organisation_id"},
		{"both", Invitation{Email: "ana@example.org", OrganisationID: 3, ForLocalAuthority: true}, "organisation_id"},
		{"bad email", Invitation{Email: "ana@", OrganisationID: 3}, "email"},
		{"bad role", Invitation{Email: "ana@example.org", Roles: []Role{"king"}}, "roles"},
		{"local authority with roles", Invitation{Email: "ana@example.org", ForLocalAuthority: true, Roles: []Role{RoleOfficer}}, "roles"},
		{"bad member role", Invitation{Email: "ana@example.org", OrganisationID: 3, MemberRole: "owner"}, "member_role"},
	} {
		err := tc.inv.Validate()
		if tc.bad == "" {
			if err != nil {
				t.Errorf("%s: got %v; want valid", tc.name, err)
			}
			continue
		}
		if !fields(err)[tc.bad] {
			t.Errorf("%s: got %v; want an error on %q", tc.name, err, tc.bad)
		}
	}
	inv := Invitation{Email: " Ana@Example.org ", OrganisationID: 3}
	_ = inv.Validate()
	if inv.Email != "ana@example.org" || inv.MemberRole != MemberRoleMember {
		t.Errorf("normalisation: got %q, %q; want ana@example.org, member", inv.Email, inv.MemberRole)
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Ana@Example.ORG", "ana@example.org", true},
		{"  lyon@demo.coopdec.test ", "lyon@demo.coopdec.test", true},
		{"", "", false},
		{"ana", "", false},
		{"ana@localhost", "", false},
		{"Ana <ana@example.org>", "", false},
	} {
		got, err := NormalizeEmail(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
