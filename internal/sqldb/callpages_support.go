package sqldb

import (
	"context"
	"slices"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// CallOrganisations lists the organisations that co-manage or fund a call
// the public sees (neither a draft nor before its publication), by name: the
// choices of the search's co-manager/funder filter.
func (db *DB) CallOrganisations(ctx context.Context) ([]coopdec.Organisation, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	public := draftCondition(nil, db.now(), arg)
	return db.queryOrganisations(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id IN (
		SELECT m.organisation_id FROM call_co_managers m JOIN calls c ON c.id = m.call_id WHERE `+public+`
		UNION SELECT f.organisation_id FROM call_funders f JOIN calls c ON c.id = f.call_id WHERE `+public+`
		) ORDER BY search, id`, args...)
}

// OrganisationsOfKinds lists every organisation of the given kinds, by name:
// the choices of a call's co-managers and funders.
func (db *DB) OrganisationsOfKinds(ctx context.Context, kinds []coopdec.OrgKind) ([]coopdec.Organisation, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := make([]any, len(kinds))
	ps := make([]string, len(kinds))
	for i, k := range kinds {
		args[i], ps[i] = string(k), "$"+itoa(i+1)
	}
	return db.queryOrganisations(ctx, `SELECT `+orgColumns+` FROM organisations WHERE kind IN (`+
		strings.Join(ps, ", ")+`) ORDER BY search, id`, args...)
}

// OrganisationsByID returns the organisations with these ids, by id; ids
// that match nothing are left out.
func (db *DB) OrganisationsByID(ctx context.Context, ids []int64) (map[int64]coopdec.Organisation, error) {
	out := map[int64]coopdec.Organisation{}
	// Each organisation once, in order, zeros (no organisation) left out:
	// pages name the same ones on several lines, and a query of the same
	// length is the same prepared statement.
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id <= 0 })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	ps := make([]string, len(ids))
	for i, id := range ids {
		args[i], ps[i] = id, "$"+itoa(i+1)
	}
	list, err := db.queryOrganisations(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id IN (`+
		strings.Join(ps, ", ")+`)`, args...)
	for _, o := range list {
		out[o.ID] = o
	}
	return out, err
}

func (db *DB) queryOrganisations(ctx context.Context, query string, args ...any) ([]coopdec.Organisation, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Organisation
	for rows.Next() {
		var o coopdec.Organisation
		if err := scanOrg(rows, &o); err != nil {
			return nil, translate(err)
		}
		out = append(out, o)
	}
	return out, translate(rows.Err())
}
