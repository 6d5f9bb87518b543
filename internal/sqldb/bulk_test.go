package sqldb

import (
	"errors"
	"fmt"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func bulkOrg(i int) *coopdec.Organisation {
	return &coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: fmt.Sprintf("Municipalité %d", i), Country: "TN"}
}

func countOrgs(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.read.QueryRowContext(t.Context(), `SELECT count(*) FROM organisations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBulkCommitsEveryN(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	before := countOrgs(t, db)
	var seen []int
	err := db.Bulk(ctx, 3, func(b *DB) error {
		for i := range 7 {
			if err := b.CreateOrganisation(ctx, bulkOrg(i), coopdec.Actor{}); err != nil {
				return err
			}
			seen = append(seen, countOrgs(t, db)-before) // what other readers see
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 0, 3, 3, 3, 6, 6}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("committed while writing: got %v; want %v", seen, want)
	}
	if got := countOrgs(t, db) - before; got != 7 {
		t.Errorf("after Bulk: got %d organisations; want 7", got)
	}
	v, err := db.VerifyAudit(ctx, nil)
	if err != nil || !v.Intact {
		t.Errorf("audit trail after Bulk: %+v, %v; want intact", v, err)
	}
}

func TestBulkReadsItsOwnWrites(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	err := db.Bulk(ctx, 100, func(b *DB) error {
		o := &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR",
			AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231"}
		if err := b.CreateOrganisation(ctx, o, coopdec.Actor{}); err != nil {
			return err
		}
		// The second is refused by the unique SIREN, seen inside the
		// uncommitted batch; the batch goes on after it.
		dup := *o
		dup.ID = 0
		err := b.CreateOrganisation(ctx, &dup, coopdec.Actor{})
		if key, _ := coopdec.ErrorKey(err); key != "org.siren.taken" {
			return fmt.Errorf("duplicate in the batch: got %v; want org.siren.taken", err)
		}
		return b.CreateOrganisation(ctx, bulkOrg(1), coopdec.Actor{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.OrganisationBySIREN(ctx, "216901231"); err != nil {
		t.Errorf("the first organisation after Bulk: %v", err)
	}
	found, _, err := db.SearchOrganisations(ctx, coopdec.OrgFilter{Query: "Municipalité 1"}, coopdec.NewPage(1, 10))
	if err != nil || len(found) != 1 {
		t.Errorf("the object written after a refused one: got %d, %v; want 1", len(found), err)
	}
	v, err := db.VerifyAudit(ctx, nil)
	if err != nil || !v.Intact {
		t.Errorf("audit trail after a refusal in Bulk: %+v, %v; want intact", v, err)
	}
}

func TestBulkRollsBackOnError(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	before := countOrgs(t, db)
	stop := errors.New("stop")
	err := db.Bulk(ctx, 2, func(b *DB) error {
		for i := range 3 {
			if err := b.CreateOrganisation(ctx, bulkOrg(i), coopdec.Actor{}); err != nil {
				return err
			}
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Bulk: got %v; want fn's error", err)
	}
	if got := countOrgs(t, db) - before; got != 2 {
		t.Errorf("after a failed Bulk: got %d organisations; want the 2 committed", got)
	}
	// The database is usable again outside the batch.
	if err := db.CreateOrganisation(ctx, bulkOrg(9), coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
}
