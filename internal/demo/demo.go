// Package demo loads the demonstration data: one account per role, the
// organisations they act for, and the programmes and calls of the 2011
// press release.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/password"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/territoires"
)

// Account is a demonstration account, as listed to the person who starts
// the platform.
type Account struct {
	Email string
	Name  string
	What  string // what the account shows, in French
	Roles []coopdec.Role
	Org   string // key into the organisations below
	Admin bool   // organisation admin
}

// Accounts lists the demo accounts, one per role.
var Accounts = []Account{
	{Email: "officer@demo.coopdec.test", Name: "Claire Martin", What: "agente du ministère (DAECT)", Roles: []coopdec.Role{coopdec.RoleOfficer}, Org: "ministry"},
	{Email: "lyon@demo.coopdec.test", Name: "Julien Bernard", What: "membre de la Ville de Lyon", Org: "lyon", Admin: true},
	{Email: "marseille@demo.coopdec.test", Name: "Sophie Durand", What: "membre de la Ville de Marseille (région PACA)", Org: "marseille", Admin: true},
	{Email: "partner-india@demo.coopdec.test", Name: "Priya Raman", What: "co-gestionnaire, ministère indien du développement urbain", Roles: []coopdec.Role{coopdec.RoleCoManager}, Org: "india"},
	{Email: "partner-brazil@demo.coopdec.test", Name: "Ana Souza", What: "co-gestionnaire, Agence brésilienne de coopération (ABC)", Roles: []coopdec.Role{coopdec.RoleCoManager}, Org: "brazil-abc"},
	{Email: "partner-argentina@demo.coopdec.test", Name: "Martín Fernández", What: "co-gestionnaire, ministère argentin des Affaires étrangères", Roles: []coopdec.Role{coopdec.RoleCoManager}, Org: "argentina"},
	{Email: "paca@demo.coopdec.test", Name: "Lucie Fabre", What: "co-gestionnaire, Région Provence-Alpes-Côte d'Azur", Roles: []coopdec.Role{coopdec.RoleCoManager}, Org: "paca"},
	{Email: "undp@demo.coopdec.test", Name: "Karim Haddad", What: "co-gestionnaire, PNUD (ISI@MED)", Roles: []coopdec.Role{coopdec.RoleCoManager}, Org: "undp"},
	{Email: "evaluator@demo.coopdec.test", Name: "Hélène Petit", What: "évaluatrice", Roles: []coopdec.Role{coopdec.RoleEvaluator}, Org: "university"},
	{Email: "embassy-tunisia@demo.coopdec.test", Name: "Thomas Leroy", What: "ambassade de France en Tunisie : mission à Sfax achevée et évaluée", Roles: []coopdec.Role{coopdec.RoleEmbassy}, Org: "embassy-tn"},
	{Email: "admin@demo.coopdec.test", Name: "Nadia Benali", What: "administratrice de la plateforme", Roles: []coopdec.Role{coopdec.RoleAdmin}},
}

type orgSpec struct {
	key string
	org coopdec.Organisation
}

var organisations = []orgSpec{
	{"ministry", coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère de l'Europe et des Affaires étrangères — Délégation pour l'action extérieure des collectivités territoriales (DAECT)", Country: "FR"}},
	{"lyon", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Lyon", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "216901231", TerritoryCode: "69123", RegionCode: "84"}},
	{"marseille", coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Marseille", Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: "211300553", TerritoryCode: "13055", RegionCode: "93"}},
	{"paca", coopdec.Organisation{Kind: coopdec.OrgRegionalCouncil, Name: "Région Provence-Alpes-Côte d'Azur", Country: "FR", SIREN: "231300021", RegionCode: "93"}},
	{"india", coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministry of Housing and Urban Affairs", Country: "IN"}},
	{"brazil-abc", coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Agência Brasileira de Cooperação (ABC)", Country: "BR"}},
	{"brazil-saf", coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Subchefia de Assuntos Federativos (SAF) da Presidência da República", Country: "BR"}},
	{"argentina", coopdec.Organisation{Kind: coopdec.OrgPartnerGovernment, Name: "Ministerio de Relaciones Exteriores, Comercio Internacional y Culto", Country: "AR"}},
	{"undp", coopdec.Organisation{Kind: coopdec.OrgInternational, Name: "Programme des Nations unies pour le développement (PNUD) — ISI@MED", Country: "US"}},
	{"embassy-tn", coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Tunisie", Country: "TN"}},
	{"embassy-in", coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Inde", Country: "IN"}},
	{"embassy-br", coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Brésil", Country: "BR"}},
	{"embassy-ar", coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France en Argentine", Country: "AR"}},
	{"university", coopdec.Organisation{Kind: coopdec.OrgUniversity, Name: "Université Lumière Lyon 2", Country: "FR"}},
	{"sousse", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Municipalité de Sousse", Country: "TN"}},
	{"pune", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Pune Municipal Corporation", Country: "IN"}},
	{"belo-horizonte", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Prefeitura de Belo Horizonte", Country: "BR", LocalID: "3106200"}},
	{"rosario", coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Rosario", Country: "AR"}},
	{"cluster", coopdec.Organisation{Kind: coopdec.OrgCluster, Name: "Pôle de compétitivité Eau (Aqua-Valley)", Country: "FR"}},
	{"association", coopdec.Organisation{Kind: coopdec.OrgAssociation, Name: "Cités Unies France", Country: "FR"}},
}

// DefaultReferentiel is where the official referential sits next to a
// checkout of the project.
const DefaultReferentiel = "../shared/referentiel/decoupage-administratif-6.0.0"

// Options tune Load.
type Options struct {
	// Referentiel is the folder of the territorial referential to import
	// when the database has no territory yet; empty or absent: skipped.
	Referentiel string
	// Progress receives progress bars and notes; nil for silence.
	Progress io.Writer
	// Blobs keeps the demo applications' attachments; without it the
	// demo has no applications.
	Blobs blob.Store
	// LabelValidityYears is how long the labels the demo grants are
	// valid, as the server is configured; 0: coopdec.LabelValidityYears.
	LabelValidityYears int
}

// Load creates the demonstration data. It is idempotent: what exists is
// kept as it is.
func Load(ctx context.Context, db *sqldb.DB, opt Options) error {
	out := opt.Progress
	if out == nil {
		out = io.Discard
	}
	if err := loadReferentiel(ctx, db, opt.Referentiel, out); err != nil {
		return err
	}
	ids := map[string]int64{}
	if err := ensureOrganisations(ctx, db, organisations, ids); err != nil {
		return err
	}
	system := coopdec.Actor{}
	if err := loadCalls(ctx, db, ids, db.Now()); err != nil {
		return err
	}
	hash, err := password.Hash(coopdec.DemoPassword)
	if err != nil {
		return err
	}
	for _, a := range Accounts {
		u, err := db.UserByEmail(ctx, a.Email)
		if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
			u = &coopdec.User{Email: a.Email, Name: a.Name, Language: "", PasswordHash: hash, Roles: a.Roles}
			if err := db.CreateUser(ctx, u, system); err != nil {
				return fmt.Errorf("demo: account %s: %w", a.Email, err)
			}
		} else if err != nil {
			return err
		}
		if a.Org != "" {
			if _, ok := u.Membership(ids[a.Org]); !ok {
				role := coopdec.MemberRoleMember
				if a.Admin {
					role = coopdec.MemberRoleAdmin
				}
				if err := db.AddMembership(ctx, u.ID, ids[a.Org], role, system); err != nil {
					return err
				}
			}
		}
	}
	if opt.Blobs != nil {
		if err := loadApplications(ctx, db, opt.Blobs, ids); err != nil {
			return err
		}
		if err := loadEvaluation(ctx, db, opt.Blobs, ids); err != nil {
			return err
		}
	}
	return loadPACT2(ctx, db, ids, cmp.Or(opt.LabelValidityYears, coopdec.LabelValidityYears))
}

// ensureOrganisations finds each organisation of specs (by SIREN, else by
// name) or creates it, and records its id under its key; keys already in ids
// are left alone.
func ensureOrganisations(ctx context.Context, db *sqldb.DB, specs []orgSpec, ids map[string]int64) error {
	for _, spec := range specs {
		if ids[spec.key] != 0 {
			continue
		}
		o := spec.org
		var existing *coopdec.Organisation
		var err error
		if o.SIREN != "" {
			existing, err = db.OrganisationBySIREN(ctx, o.SIREN)
		} else {
			existing, err = findByName(ctx, db, o)
		}
		switch coopdec.ErrorCode(err) {
		case "":
			ids[spec.key] = existing.ID
			continue
		case coopdec.ENOTFOUND:
		default:
			return err
		}
		if err := db.CreateOrganisation(ctx, &o, coopdec.Actor{}); err != nil {
			return fmt.Errorf("demo: organisation %s: %w", spec.key, err)
		}
		ids[spec.key] = o.ID
	}
	return nil
}

func findByName(ctx context.Context, db *sqldb.DB, o coopdec.Organisation) (*coopdec.Organisation, error) {
	found, _, err := db.SearchOrganisations(ctx, coopdec.OrgFilter{Query: o.Name, Kind: o.Kind, Country: o.Country}, coopdec.NewPage(1, 100))
	if err != nil {
		return nil, err
	}
	for i := range found {
		if found[i].Name == o.Name {
			return &found[i], nil
		}
	}
	return nil, coopdec.Errorf(coopdec.ENOTFOUND, "org.not_found")
}

func loadReferentiel(ctx context.Context, db *sqldb.DB, dir string, out io.Writer) error {
	if dir == "" {
		return nil
	}
	if _, err := os.Stat(dir); err != nil {
		fmt.Fprintf(out, "Référentiel territorial absent (%s) : import ignoré. Lancez « coopdec import territoires DOSSIER » pour l'ajouter.\n", dir)
		return nil
	}
	counts, err := db.TerritoryCounts(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total > 0 {
		return nil
	}
	_, err = territoires.Import(ctx, db, dir, out)
	return err
}
