package sqldb

import (
	"slices"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestSelectedProjects(t *testing.T) {
	t.Parallel()
	e := newDecisionEnv(t)
	ctx := t.Context()
	d, ids := e.projectDecision(t, 1, "Mobilités douces à Belo Horizonte", "Gestion de l'eau à Recife", "Œuvres d'art publiques")
	if got, err := e.db.SelectedProjects(ctx, e.call.ID, d.ID); err != nil || len(got) != 0 {
		t.Fatalf("before the decision is final: got %v, %v; want none", got, err)
	}
	e.finalise(t, d)
	got, err := e.db.SelectedProjects(ctx, e.call.ID, d.ID)
	if err != nil || len(got) != 2 {
		t.Fatalf("SelectedProjects: got %d projects, %v; want the 2 of the main list", len(got), err)
	}
	if _, ok := got[ids[2]]; ok {
		t.Errorf("SelectedProjects lists %d, on the reserve", ids[2])
	}
	a, err := e.db.Application(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	p := got[ids[0]]
	if p.Texts["fr"].Title != "Mobilités douces à Belo Horizonte" || p.Reference != a.ReceiptNumber ||
		p.LeadID != e.lyon.ID || p.LeadName != e.lyon.Name || p.GrantedCents != 1_000_000 {
		t.Errorf("project %d: got %+v (reference %q, lead %q); want its title, receipt %q and lead %q", ids[0], p.PublicProject,
			p.Reference, p.LeadName, a.ReceiptNumber, e.lyon.Name)
	}

	// The records are kept; the lead is named as it is called now.
	if _, err := e.db.write.ExecContext(ctx, `UPDATE organisations SET name = 'Métropole de Lyon' WHERE id = $1`, e.lyon.ID); err != nil {
		t.Fatal(err)
	}
	got, err = e.db.SelectedProjects(ctx, e.call.ID, d.ID)
	if err != nil || got[ids[0]].LeadName != "Métropole de Lyon" || got[ids[1]].LeadName != "Métropole de Lyon" {
		t.Errorf("after the lead's renaming: got %+v, %v; want it named Métropole de Lyon", got, err)
	}
	if got, err := e.db.SelectedProjects(ctx, e.call.ID, d.ID+1000); err != nil || len(got) != 0 {
		t.Errorf("another decision: got %v, %v; want none", got, err)
	}
}

func TestOrganisationChoices(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	actor := coopdec.Actor{}
	for _, o := range []coopdec.Organisation{
		{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Rosario", Country: "AR"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Prefeitura de Recife", Country: "BR"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Córdoba", Country: "AR"},
		{Kind: coopdec.OrgUniversity, Name: "Universidad Nacional de Rosario", Country: "AR"},
		{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Argentine", Country: "AR"},
	} {
		if err := db.CreateOrganisation(ctx, &o, actor); err != nil {
			t.Fatalf("CreateOrganisation(%s): %v", o.Name, err)
		}
	}
	names := func(list []coopdec.Organisation) []string {
		var out []string
		for _, o := range list {
			out = append(out, o.Name)
		}
		return out
	}
	kinds := []coopdec.OrgKind{coopdec.OrgForeignAuthority, coopdec.OrgUniversity}
	for _, tc := range []struct {
		query string
		limit int
		want  []string
		more  bool
	}{
		{"", 10, []string{"Municipalidad de Córdoba", "Municipalidad de Rosario", "Prefeitura de Recife", "Universidad Nacional de Rosario"}, false},
		{"", 2, []string{"Municipalidad de Córdoba", "Municipalidad de Rosario"}, true},
		{"rosario", 10, []string{"Municipalidad de Rosario", "Universidad Nacional de Rosario"}, false},
		{"cordoba muni", 10, []string{"Municipalidad de Córdoba"}, false},
		{"argentine", 10, nil, false},
	} {
		got, more, err := db.OrganisationChoices(ctx, kinds, tc.query, tc.limit)
		if err != nil || !slices.Equal(names(got), tc.want) || more != tc.more {
			t.Errorf("OrganisationChoices(%q, %d): got %v, %v, %v; want %v, %v", tc.query, tc.limit, names(got), more, err, tc.want, tc.more)
		}
	}

	// The list without a query is kept; the caller's changes do not reach
	// it, a new organisation does at once.
	got, _, _ := db.OrganisationChoices(ctx, kinds, "", 2)
	got[0].Name = "changed by the caller"
	_ = append(got[:1], coopdec.Organisation{Name: "appended by the caller"})
	if err := db.CreateOrganisation(ctx, &coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Alcaldía de Bogotá", Country: "CO"}, actor); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, more, err := db.OrganisationChoices(ctx, kinds, "", 2)
		if want := []string{"Alcaldía de Bogotá", "Municipalidad de Córdoba"}; err != nil || !slices.Equal(names(got), want) || !more {
			t.Errorf("after a new organisation: got %v, %v, %v; want %v, true", names(got), more, err, want)
		}
	}
}
