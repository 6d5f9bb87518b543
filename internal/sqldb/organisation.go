package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

var errOrgNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "org.not_found"}

const orgColumns = `id, kind, name, country, authority_type, COALESCE(siren, ''), territory_code, region_code, local_id, website, created_at`

func scanOrg(sc interface{ Scan(...any) error }, o *coopdec.Organisation) error {
	return sc.Scan(&o.ID, &o.Kind, &o.Name, &o.Country, &o.AuthorityType, &o.SIREN, &o.TerritoryCode, &o.RegionCode,
		&o.LocalID, &o.Website, &o.CreatedAt)
}

func orgSearchText(o *coopdec.Organisation) string {
	return coopdec.Fold(o.Name + " " + o.LocalID)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CreateOrganisation validates and stores an organisation.
func (db *DB) CreateOrganisation(ctx context.Context, o *coopdec.Organisation, actor coopdec.Actor) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.createOrganisation(ctx, tx, o, actor) })
}

func (db *DB) createOrganisation(ctx context.Context, tx *sql.Tx, o *coopdec.Organisation, actor coopdec.Actor) error {
	o.CreatedAt = db.now()
	err := tx.QueryRowContext(ctx, `INSERT INTO organisations (kind, name, country, authority_type, siren, territory_code, region_code,
		local_id, website, search, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		string(o.Kind), o.Name, o.Country, string(o.AuthorityType), nullString(o.SIREN), o.TerritoryCode, o.RegionCode,
		o.LocalID, o.Website, orgSearchText(o), o.CreatedAt).Scan(&o.ID)
	if isConflict(err) {
		if o.Kind == coopdec.OrgEmbassy {
			return coopdec.FieldError("country", "org.embassy.exists", o.Country)
		}
		return coopdec.FieldError("siren", "org.siren.taken", o.SIREN)
	}
	if err != nil {
		return err
	}
	return db.audit(ctx, tx, actor, coopdec.AuditOrganisationAdd, "organisation:"+strconv.FormatInt(o.ID, 10), string(o.Kind)+" "+o.Name)
}

// Organisation returns one organisation.
func (db *DB) Organisation(ctx context.Context, id int64) (*coopdec.Organisation, error) {
	o := &coopdec.Organisation{}
	err := scanOrg(db.read.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id), o)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errOrgNotFound
	}
	return o, translate(err)
}

// OrganisationBySIREN returns the organisation registered under a SIREN.
func (db *DB) OrganisationBySIREN(ctx context.Context, siren string) (*coopdec.Organisation, error) {
	o := &coopdec.Organisation{}
	err := scanOrg(db.read.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE siren = $1`, siren), o)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errOrgNotFound
	}
	return o, translate(err)
}

// SearchOrganisations lists organisations matching f, by name.
func (db *DB) SearchOrganisations(ctx context.Context, f coopdec.OrgFilter, page coopdec.Page) ([]coopdec.Organisation, coopdec.Page, error) {
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	conds = orgQueryConds(f.Query, arg)
	if f.Kind != "" {
		conds = append(conds, "kind = "+arg(string(f.Kind)))
	}
	if f.Country != "" {
		conds = append(conds, "country = "+arg(strings.ToUpper(f.Country)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM organisations"+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	lim, off := arg(page.PerPage), arg(page.Offset())
	rows, err := db.read.QueryContext(ctx, "SELECT "+orgColumns+" FROM organisations"+where+
		" ORDER BY search, id LIMIT "+lim+" OFFSET "+off, args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []coopdec.Organisation
	for rows.Next() {
		var o coopdec.Organisation
		if err := scanOrg(rows, &o); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, o)
	}
	return out, page, translate(rows.Err())
}

// orgQueryConds returns the conditions an organisation's name matches a
// query by: a SIREN's first digits, or every word the start of a word of
// its name.
func orgQueryConds(query string, arg func(any) string) []string {
	q := coopdec.Fold(query)
	if q == "" {
		return nil
	}
	if digits := strings.ReplaceAll(query, " ", ""); isDigits(digits) {
		return []string{"siren LIKE " + arg(likeEscape(digits)+"%") + ` ESCAPE '\'`}
	}
	var conds []string
	for _, w := range strings.Fields(q) {
		p := arg(likeEscape(w) + "%")
		conds = append(conds, "(search LIKE "+p+` ESCAPE '\' OR search LIKE '% ' || `+p+` ESCAPE '\')`)
	}
	return conds
}

// OrganisationChoices returns, by name, at most limit organisations of
// these kinds whose name matches query as SearchOrganisations reads it
// (an empty query matches all), and whether more match: what a form
// offers stays bounded however many organisations are registered, and a
// search narrows it. Only the organisations' ID, kind, name and country
// are read: a form's list shows no more, and the application form asks
// for it on every view.
//
// The lists without a query are the same for every form until an
// organisation changes: they are kept by the public version (see
// PublicState), which every change to the organisations raises. The
// caller owns the slice returned.
func (db *DB) OrganisationChoices(ctx context.Context, kinds []coopdec.OrgKind, query string, limit int) ([]coopdec.Organisation, bool, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, false, nil
	}
	if strings.TrimSpace(query) != "" {
		return db.organisationChoices(ctx, kinds, query, limit)
	}
	version, err := db.publicVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	key := fmt.Sprint(kinds, limit)
	if l, ok := db.orgChoices.get(version, key); ok {
		return slices.Clone(l.orgs), l.more, nil
	}
	list, more, err := db.organisationChoices(ctx, kinds, query, limit)
	if err == nil {
		db.orgChoices.put(version, key, orgChoiceList{slices.Clone(list), more})
	}
	return list, more, err
}

type orgChoiceList struct {
	orgs []coopdec.Organisation
	more bool
}

func (db *DB) organisationChoices(ctx context.Context, kinds []coopdec.OrgKind, query string, limit int) ([]coopdec.Organisation, bool, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	ps := make([]string, len(kinds))
	for i, k := range kinds {
		ps[i] = arg(string(k))
	}
	// kind || '' keeps the planner off the kind index: these kinds are most
	// organisations, and walking the name index stops at the first limit.
	conds := append([]string{"kind || '' IN (" + strings.Join(ps, ", ") + ")"}, orgQueryConds(query, arg)...)
	rows, err := db.read.QueryContext(ctx, "SELECT id, kind, name, country FROM organisations WHERE "+strings.Join(conds, " AND ")+
		" ORDER BY search, id LIMIT "+arg(limit+1), args...)
	if err != nil {
		return nil, false, translate(err)
	}
	defer rows.Close()
	list := make([]coopdec.Organisation, 0, min(limit+1, 100))
	for rows.Next() {
		var o coopdec.Organisation
		if err := rows.Scan(&o.ID, &o.Kind, &o.Name, &o.Country); err != nil {
			return nil, false, translate(err)
		}
		list = append(list, o)
	}
	if err := rows.Err(); err != nil {
		return nil, false, translate(err)
	}
	if len(list) > limit {
		return list[:limit], true, nil
	}
	return list, false, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// OrganisationMembers lists the users of an organisation.
func (db *DB) OrganisationMembers(ctx context.Context, orgID int64) ([]coopdec.OrgMember, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.name, u.email, m.role FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 ORDER BY lower(u.name), u.id`, orgID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []coopdec.OrgMember
	for rows.Next() {
		var m coopdec.OrgMember
		if err := rows.Scan(&m.UserID, &m.Name, &m.Email, &m.Role); err != nil {
			return nil, translate(err)
		}
		out = append(out, m)
	}
	return out, translate(rows.Err())
}

// AuthorityFromTerritory returns the organisation of a French local
// authority picked in the referential, registering it on first use.
func (db *DB) AuthorityFromTerritory(ctx context.Context, t coopdec.Territory, actor coopdec.Actor) (*coopdec.Organisation, bool, error) {
	var o *coopdec.Organisation
	var created bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		o, created, err = db.authorityFromTerritory(ctx, tx, t, actor)
		return err
	})
	return o, created, err
}

func (db *DB) authorityFromTerritory(ctx context.Context, tx *sql.Tx, t coopdec.Territory, actor coopdec.Actor) (*coopdec.Organisation, bool, error) {
	// Read the referential's row rather than trusting the caller's copy.
	var siren sql.NullString
	var name, region string
	q := `SELECT name, siren, region_code FROM territories WHERE kind = $1 AND code = $2`
	if db.Dialect == Postgres {
		// Queue concurrent first members of one authority, as SQLite's single
		// writer does, so that the second finds the organisation the first
		// registered instead of failing on its SIREN.
		q += ` FOR UPDATE`
	}
	err := tx.QueryRowContext(ctx, q, string(t.Kind), t.Code).Scan(&name, &siren, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, coopdec.FieldError("territory", "territory.not_found")
	}
	if err != nil {
		return nil, false, err
	}
	if !siren.Valid || siren.String == "" {
		return nil, false, coopdec.FieldError("territory", "territory.no_siren")
	}
	o := &coopdec.Organisation{}
	err = scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE siren = $1`, siren.String), o)
	if err == nil {
		return o, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	if t.Kind == coopdec.TerritoryRegion {
		region = t.Code
	}
	o = &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: name, Country: "FR", AuthorityType: t.Kind.AuthorityType(),
		SIREN: siren.String, TerritoryCode: t.Code, RegionCode: region}
	if err := o.Validate(); err != nil {
		return nil, false, err
	}
	if err := db.createOrganisation(ctx, tx, o, actor); err != nil {
		return nil, false, err
	}
	return o, true, nil
}
