package sqldb

import (
	"slices"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestCreateOrganisationValidation(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	actor := coopdec.Actor{UserID: 0, IP: "192.0.2.1"}

	tests := []struct {
		name       string
		org        coopdec.Organisation
		field, key string
	}{
		{"bad SIREN checksum", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
			AuthorityType: coopdec.AuthorityCommune, SIREN: "216901232"}, "siren", "org.siren.checksum"},
		{"SIREN too short", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
			AuthorityType: coopdec.AuthorityCommune, SIREN: "21690123"}, "siren", "org.siren.format"},
		{"French authority without SIREN", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
			AuthorityType: coopdec.AuthorityCommune}, "siren", "org.siren.format"},
		{"French authority outside France", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "DE",
			AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"}, "country", "org.french_authority.country"},
		{"French authority without type", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
			SIREN: "216901231"}, "authority_type", "org.authority_type.invalid"},
		{"foreign authority in France", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Dakar", Country: "fr"},
			"country", "org.foreign_authority.country"},
		{"unknown country", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Atlantis", Country: "ZZ"},
			"country", "org.country.invalid"},
		{"no country", coopdec.Organisation{Kind: coopdec.OrgUniversity, Name: "Université"}, "country", "org.country.invalid"},
		{"unknown kind", coopdec.Organisation{Kind: "club", Name: "Club", Country: "FR"}, "kind", "org.kind.invalid"},
		{"no name", coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "  ", Country: "FR"}, "name", "org.name.required"},
		{"bad optional SIREN", coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "Asso", Country: "FR", SIREN: "123456789"},
			"siren", "org.siren.checksum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.org
			err := db.CreateOrganisation(ctx, &o, actor)
			var found bool
			for _, e := range fieldErrors(err) {
				if e.Code == coopdec.EINVALID && e.Field == tc.field && e.Key == tc.key {
					found = true
				}
			}
			if !found {
				t.Fatalf("got error %v (%+v); want %s on %s", err, fieldErrors(err), tc.key, tc.field)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM organisations`); n != 0 {
		t.Fatalf("got %d organisations; want 0", n)
	}
	if n := len(auditEvents(t, db, AuditFilter{Action: coopdec.AuditOrganisationAdd})); n != 0 {
		t.Fatalf("got %d audit events; want 0", n)
	}
}

func TestCreateOrganisation(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	officer := mustCreateUser(t, db, "officer@example.org", "Officer", coopdec.RoleOfficer)
	actor := coopdec.Actor{UserID: officer.ID, IP: "192.0.2.1"}

	o := &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: " Lyon ", Country: "fr", AuthorityType: coopdec.AuthorityCommune,
		SIREN: "216 901 231", TerritoryCode: "69123", RegionCode: "84", Website: "https://www.lyon.fr"}
	if err := db.CreateOrganisation(ctx, o, actor); err != nil {
		t.Fatalf("CreateOrganisation: got error %v; want nil", err)
	}
	got, err := db.Organisation(ctx, o.ID)
	if err != nil {
		t.Fatalf("Organisation: got error %v; want nil", err)
	}
	want := coopdec.Organisation{ID: o.ID, Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR", AuthorityType: coopdec.AuthorityCommune,
		SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84", Website: "https://www.lyon.fr", CreatedAt: got.CreatedAt}
	if *got != want || !got.CreatedAt.Equal(clk.now) {
		t.Fatalf("got %+v; want %+v created at %v", *got, want, clk.now)
	}
	if evs := wantAudit(t, db, coopdec.AuditOrganisationAdd, "organisation:"+itoa(int(o.ID)), officer.ID, 1); evs[0].Details != "french_authority Lyon" {
		t.Fatalf("got details %q; want %q", evs[0].Details, "french_authority Lyon")
	}
	if bySIREN, err := db.OrganisationBySIREN(ctx, "216901231"); err != nil || bySIREN.ID != o.ID {
		t.Fatalf("OrganisationBySIREN: got %v, %v; want %d", bySIREN, err, o.ID)
	}
	_, err = db.Organisation(ctx, o.ID+1000)
	wantError(t, err, coopdec.ENOTFOUND, "", "org.not_found")
	_, err = db.OrganisationBySIREN(ctx, "200046977")
	wantError(t, err, coopdec.ENOTFOUND, "", "org.not_found")

	// Organisations without SIREN never collide on it (NULL, not '').
	for _, name := range []string{"Association A", "Association B"} {
		mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: name, Country: "FR"}, officer.ID)
	}
	for _, name := range []string{"Dakar", "Thiès"} {
		mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: name, Country: "SN"}, officer.ID)
	}

	conflicts := []struct {
		name       string
		org        coopdec.Organisation
		field, key string
	}{
		{"same SIREN", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Ville de Lyon", Country: "FR",
			AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"}, "siren", "org.siren.taken"},
		{"same SIREN, other kind", coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "Lyon asso", Country: "FR",
			SIREN: "216901231"}, "siren", "org.siren.taken"},
	}
	for _, tc := range conflicts {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.org
			err := db.CreateOrganisation(ctx, &o, actor)
			wantError(t, err, coopdec.EINVALID, tc.field, tc.key)
		})
	}

	// One embassy per country.
	mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Sénégal", Country: "SN"}, officer.ID)
	mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Maroc", Country: "MA"}, officer.ID)
	err = db.CreateOrganisation(ctx, &coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Autre ambassade", Country: "sn"}, actor)
	wantError(t, err, coopdec.EINVALID, "country", "org.embassy.exists")

	if n := count(t, db, `SELECT count(*) FROM organisations`); n != 7 {
		t.Fatalf("got %d organisations; want 7", n)
	}
	if n := len(auditEvents(t, db, AuditFilter{Action: coopdec.AuditOrganisationAdd})); n != 7 {
		t.Fatalf("got %d audit events; want 7", n)
	}
}

func TestSearchOrganisations(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	orgs := []coopdec.Organisation{
		{Kind: coopdec.OrgFrenchAuthority, Name: "Saint-Étienne", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "214202186"},
		{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"},
		{Kind: coopdec.OrgFrenchAuthority, Name: "Métropole de Lyon", Country: "FR", AuthorityType: coopdec.AuthorityEPCI, SIREN: "200046977"},
		{Kind: coopdec.OrgUniversity, Name: "Université de Lyon", Country: "FR"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Ville de Dakar", Country: "SN", LocalID: "DK-01"},
		{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Sénégal", Country: "SN"},
		{Kind: coopdec.OrgAssociation, Name: "Cœur d'Afrique", Country: "FR"},
	}
	for i := range orgs {
		mustCreateOrg(t, db, &orgs[i], 0)
	}

	tests := []struct {
		name      string
		filter    coopdec.OrgFilter
		page      coopdec.Page
		want      []string // names, in any order
		wantTotal int
	}{
		{"everything", coopdec.OrgFilter{}, coopdec.NewPage(1, 20), []string{"Saint-Étienne", "Lyon", "Métropole de Lyon",
			"Université de Lyon", "Ville de Dakar", "Ambassade de France au Sénégal", "Cœur d'Afrique"}, 7},
		{"accent-insensitive word", coopdec.OrgFilter{Query: "etienne"}, coopdec.NewPage(1, 20), []string{"Saint-Étienne"}, 1},
		{"hyphen as space", coopdec.OrgFilter{Query: "saint etienne"}, coopdec.NewPage(1, 20), []string{"Saint-Étienne"}, 1},
		{"accents and capitals", coopdec.OrgFilter{Query: "SAINT-ÉTIENNE"}, coopdec.NewPage(1, 20), []string{"Saint-Étienne"}, 1},
		{"word prefix", coopdec.OrgFilter{Query: "metro"}, coopdec.NewPage(1, 20), []string{"Métropole de Lyon"}, 1},
		{"not inside a word", coopdec.OrgFilter{Query: "tienne"}, coopdec.NewPage(1, 20), nil, 0},
		{"ligature", coopdec.OrgFilter{Query: "coeur"}, coopdec.NewPage(1, 20), []string{"Cœur d'Afrique"}, 1},
		{"several words, any order", coopdec.OrgFilter{Query: "lyon univ"}, coopdec.NewPage(1, 20), []string{"Université de Lyon"}, 1},
		{"shared word", coopdec.OrgFilter{Query: "Lyon"}, coopdec.NewPage(1, 20), []string{"Lyon", "Métropole de Lyon", "Université de Lyon"}, 3},
		{"local id", coopdec.OrgFilter{Query: "dk"}, coopdec.NewPage(1, 20), []string{"Ville de Dakar"}, 1},
		{"SIREN prefix", coopdec.OrgFilter{Query: "2169"}, coopdec.NewPage(1, 20), []string{"Lyon"}, 1},
		{"SIREN with spaces", coopdec.OrgFilter{Query: "216 901"}, coopdec.NewPage(1, 20), []string{"Lyon"}, 1},
		{"SIREN shared prefix", coopdec.OrgFilter{Query: "21"}, coopdec.NewPage(1, 20), []string{"Saint-Étienne", "Lyon"}, 2},
		{"full SIREN", coopdec.OrgFilter{Query: "200046977"}, coopdec.NewPage(1, 20), []string{"Métropole de Lyon"}, 1},
		{"SIREN not inside", coopdec.OrgFilter{Query: "901231"}, coopdec.NewPage(1, 20), nil, 0},
		{"wildcards are not", coopdec.OrgFilter{Query: "%"}, coopdec.NewPage(1, 20), []string{"Saint-Étienne", "Lyon", "Métropole de Lyon",
			"Université de Lyon", "Ville de Dakar", "Ambassade de France au Sénégal", "Cœur d'Afrique"}, 7},
		{"underscore is not a wildcard", coopdec.OrgFilter{Query: "ly_n"}, coopdec.NewPage(1, 20), nil, 0},
		{"kind", coopdec.OrgFilter{Kind: coopdec.OrgFrenchAuthority}, coopdec.NewPage(1, 20), []string{"Saint-Étienne", "Lyon", "Métropole de Lyon"}, 3},
		{"country, any case", coopdec.OrgFilter{Country: "sn"}, coopdec.NewPage(1, 20), []string{"Ville de Dakar", "Ambassade de France au Sénégal"}, 2},
		{"kind and country", coopdec.OrgFilter{Kind: coopdec.OrgEmbassy, Country: "SN"}, coopdec.NewPage(1, 20), []string{"Ambassade de France au Sénégal"}, 1},
		{"kind and country, none", coopdec.OrgFilter{Kind: coopdec.OrgEmbassy, Country: "FR"}, coopdec.NewPage(1, 20), nil, 0},
		{"query and kind", coopdec.OrgFilter{Query: "lyon", Kind: coopdec.OrgFrenchAuthority}, coopdec.NewPage(1, 20), []string{"Lyon", "Métropole de Lyon"}, 2},
		{"SIREN and country", coopdec.OrgFilter{Query: "21", Country: "SN"}, coopdec.NewPage(1, 20), nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, page, err := db.SearchOrganisations(ctx, tc.filter, tc.page)
			if err != nil {
				t.Fatalf("got error %v; want nil", err)
			}
			var names []string
			for _, o := range got {
				names = append(names, o.Name)
			}
			slices.Sort(names)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(names, want) {
				t.Fatalf("got %q; want %q", names, want)
			}
			if page.Total != tc.wantTotal {
				t.Fatalf("got total %d; want %d", page.Total, tc.wantTotal)
			}
		})
	}

	// Paging walks the whole result once, in a stable order.
	var seen []string
	for p := 1; p <= 3; p++ {
		got, page, err := db.SearchOrganisations(ctx, coopdec.OrgFilter{Query: "lyon"}, coopdec.NewPage(p, 2))
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 3 || page.Pages() != 2 {
			t.Fatalf("page %d: got total %d, %d pages; want 3 and 2", p, page.Total, page.Pages())
		}
		if wantLen := []int{2, 1, 0}[p-1]; len(got) != wantLen {
			t.Fatalf("page %d: got %d results; want %d", p, len(got), wantLen)
		}
		for _, o := range got {
			seen = append(seen, o.Name)
		}
	}
	// Sorted by folded name.
	if want := []string{"Lyon", "Métropole de Lyon", "Université de Lyon"}; !slices.Equal(seen, want) {
		t.Fatalf("got %q across pages; want %q", seen, want)
	}
}

func TestMemberships(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	org := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "Cités Unies France", Country: "FR"}, admin.ID)
	other := mustCreateOrg(t, db, &coopdec.Organisation{Kind: coopdec.OrgUniversity, Name: "Université de Lyon", Country: "FR"}, admin.ID)
	zoe := mustCreateUser(t, db, "zoe@example.org", "zoé Bernard")
	ali := mustCreateUser(t, db, "ali@example.org", "Ali Benali")
	bea := mustCreateUser(t, db, "bea@example.org", "Béa Colin")
	actor := coopdec.Actor{UserID: admin.ID, IP: "192.0.2.1"}

	for _, m := range []struct {
		user int64
		role coopdec.MemberRole
	}{{zoe.ID, coopdec.MemberRoleAdmin}, {ali.ID, coopdec.MemberRoleMember}, {bea.ID, coopdec.MemberRoleMember}} {
		if err := db.AddMembership(ctx, m.user, org.ID, m.role, actor); err != nil {
			t.Fatalf("AddMembership: got error %v; want nil", err)
		}
	}
	if err := db.AddMembership(ctx, ali.ID, other.ID, coopdec.MemberRoleMember, actor); err != nil {
		t.Fatal(err)
	}
	err := db.AddMembership(ctx, ali.ID, org.ID, "owner", actor)
	wantError(t, err, coopdec.EINVALID, "member_role", "invitation.member_role.invalid")
	if err := db.AddMembership(ctx, ali.ID, org.ID+1000, coopdec.MemberRoleMember, actor); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("membership of a missing organisation: got %v; want an %s error", err, coopdec.EINVALID)
	}

	// Adding again changes the role.
	if err := db.AddMembership(ctx, bea.ID, org.ID, coopdec.MemberRoleAdmin, actor); err != nil {
		t.Fatalf("AddMembership again: got error %v; want nil", err)
	}
	members, err := db.OrganisationMembers(ctx, org.ID)
	if err != nil {
		t.Fatalf("OrganisationMembers: got error %v; want nil", err)
	}
	want := []coopdec.OrgMember{
		{UserID: ali.ID, Name: "Ali Benali", Email: "ali@example.org", Role: coopdec.MemberRoleMember},
		{UserID: bea.ID, Name: "Béa Colin", Email: "bea@example.org", Role: coopdec.MemberRoleAdmin},
		{UserID: zoe.ID, Name: "zoé Bernard", Email: "zoe@example.org", Role: coopdec.MemberRoleAdmin},
	}
	if !slices.Equal(members, want) {
		t.Fatalf("got %+v; want %+v", members, want)
	}
	u, err := db.UserByID(ctx, ali.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantMemberships := []coopdec.Membership{
		{OrganisationID: org.ID, OrganisationName: org.Name, OrganisationKind: coopdec.OrgAssociation, Role: coopdec.MemberRoleMember},
		{OrganisationID: other.ID, OrganisationName: other.Name, OrganisationKind: coopdec.OrgUniversity, Role: coopdec.MemberRoleMember},
	}
	if !slices.Equal(u.Memberships, wantMemberships) {
		t.Fatalf("got memberships %+v; want %+v", u.Memberships, wantMemberships)
	}
	wantAudit(t, db, coopdec.AuditMembershipAdd, userSubject(bea.ID), admin.ID, 2)

	if err := db.RemoveMembership(ctx, ali.ID, org.ID, actor); err != nil {
		t.Fatalf("RemoveMembership: got error %v; want nil", err)
	}
	err = db.RemoveMembership(ctx, ali.ID, org.ID, actor)
	wantError(t, err, coopdec.ENOTFOUND, "", "membership.not_found")
	if evs := wantAudit(t, db, coopdec.AuditMembershipRemove, userSubject(ali.ID), admin.ID, 1); evs[0].Details != "organisation:"+itoa(int(org.ID)) {
		t.Fatalf("got details %q; want organisation:%d", evs[0].Details, org.ID)
	}
	members, err = db.OrganisationMembers(ctx, org.ID)
	if err != nil || len(members) != 2 {
		t.Fatalf("got %+v, %v; want 2 members", members, err)
	}
	if members, err := db.OrganisationMembers(ctx, other.ID); err != nil || len(members) != 1 || members[0].UserID != ali.ID {
		t.Fatalf("got %+v, %v; want ali in the other organisation", members, err)
	}
}
