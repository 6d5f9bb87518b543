package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/demo"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// referentielDir is the official territorial referential next to the
// checkout, as the README describes it; "" when it is absent.
func referentielDir() string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "referentiel", "decoupage-administratif-6.0.0"))
	if err != nil {
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, "communes.json")); err != nil {
		return ""
	}
	return dir
}

// cli runs the command line in-process on its own data folder, with the
// environment of the developer's shell kept out of the way.
type cli struct {
	t    *testing.T
	data string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	for _, name := range []string{"COOPDEC_DATABASE_URL", "COOPDEC_DATA", "COOPDEC_REFERENTIEL"} {
		t.Setenv(name, "")
	}
	return &cli{t: t, data: t.TempDir()}
}

// run runs one command with --data added after the subcommand words, and
// returns what it printed.
func (c *cli) run(stdin string, args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	// Flags follow the subcommand words ("user create", "import territoires").
	words := 1
	if len(args) > 1 && (args[0] == "user" || args[0] == "import") {
		words = 2
	}
	full := append(slices.Clone(args[:words]), "--data", c.data)
	full = append(full, args[words:]...)
	err = run(context.Background(), full, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// open opens the data folder's database, for checks; the caller closes it.
func (c *cli) open() *sqldb.DB {
	c.t.Helper()
	db, err := sqldb.Open(context.Background(), "", c.data)
	if err != nil {
		c.t.Fatal(err)
	}
	return db
}

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("version: %v", err)
	}
	if got := out.String(); !strings.HasPrefix(got, "coopdec ") || strings.TrimSpace(got) == "coopdec" {
		t.Errorf("version printed %q; want \"coopdec VERSION\"", got)
	}
}

func TestUnknownCommand(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"user"}, {"user", "frobnicate"}, {"import"}, {"import", "pays"}} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		if !errors.Is(err, errUsage) {
			t.Errorf("run(%q) = %v; want the usage error", args, err)
		}
		if errOut.Len() == 0 {
			t.Errorf("run(%q) printed nothing on stderr; want the usage", args)
		}
	}
	var out, errOut bytes.Buffer
	_ = run(context.Background(), []string{"frobnicate"}, strings.NewReader(""), &out, &errOut)
	if !strings.Contains(errOut.String(), `commande inconnue : "frobnicate"`) {
		t.Errorf("stderr = %q; want it to name the unknown command", errOut.String())
	}
}

func TestMigrateTwice(t *testing.T) {
	c := newCLI(t)
	var versions []string
	for i := range 2 {
		out, errOut, err := c.run("", "migrate")
		if err != nil {
			t.Fatalf("migrate #%d: %v\n%s", i+1, err, errOut)
		}
		m := regexp.MustCompile(`Base sqlite à jour \(version (\d+)\)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("migrate #%d printed %q; want \"Base sqlite à jour (version N)\"", i+1, out)
		}
		versions = append(versions, m[1])
	}
	if versions[0] != versions[1] || versions[0] == "0" {
		t.Errorf("versions after two migrations: %v; want the same non-zero version twice", versions)
	}
	if _, err := os.Stat(filepath.Join(c.data, "coopdec.db")); err != nil {
		t.Errorf("no database file in the data folder: %v", err)
	}
}

func TestUserCreateAndGrant(t *testing.T) {
	c := newCLI(t)
	const email = "Camille.Roux@Exemple.test"
	out, errOut, err := c.run("une phrase de passe assez longue\n",
		"user", "create", "--email", email, "--name", "Camille Roux", "--language", "es")
	if err != nil {
		t.Fatalf("user create: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Compte camille.roux@exemple.test créé") {
		t.Errorf("user create printed %q; want the normalized address and \"créé\"", out)
	}

	refused := []struct{ name, stdin string }{
		{"demo password", coopdec.DemoPassword + "\n"},
		{"short password", "court\n"},
		{"common password", "motdepasse123\n"},
		{"no password", ""},
	}
	for i, tc := range refused {
		other := "autre" + strconv.Itoa(i) + "@exemple.test"
		if _, _, err := c.run(tc.stdin, "user", "create", "--email", other, "--name", "Autre Personne"); err == nil {
			t.Errorf("user create with the %s: no error; want a refusal", tc.name)
		}
	}
	if _, _, err := c.run("une autre phrase de passe\n", "user", "create", "--email", email, "--name", "Camille Roux"); err == nil ||
		!strings.Contains(err.Error(), "existe déjà") {
		t.Errorf("second user create for the same address: %v; want \"un compte existe déjà\"", err)
	}
	if _, _, err := c.run("une phrase de passe assez longue\n", "user", "create", "--email", "pas-une-adresse", "--name", "X Y"); err == nil {
		t.Error("user create with an invalid address: no error")
	}
	if _, _, err := c.run("une phrase de passe assez longue\n", "user", "create", "--email", "x@exemple.test", "--name", "X Y", "--role", "emperor"); err == nil {
		t.Error("user create with an unknown role: no error")
	}

	out, errOut, err = c.run("", "user", "grant", "--email", email, "--role", "admin", "--role", "evaluator")
	if err != nil {
		t.Fatalf("user grant: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "mis à jour") {
		t.Errorf("user grant printed %q", out)
	}
	if _, _, err := c.run("", "user", "grant", "--email", "personne@exemple.test", "--role", "admin"); err == nil {
		t.Error("user grant for an unknown address: no error")
	}
	if _, _, err := c.run("", "user", "grant", "--email", email); err == nil {
		t.Error("user grant without --role: no error")
	}
	if _, _, err := c.run("", "user", "revoke", "--email", email, "--role", "evaluator"); err != nil {
		t.Errorf("user revoke: %v", err)
	}

	// Only the accounts of the refused attempts are missing.
	db := c.open()
	defer db.Close()
	u, err := db.UserByEmail(context.Background(), "camille.roux@exemple.test")
	if err != nil {
		t.Fatalf("the created account: %v", err)
	}
	if u.Name != "Camille Roux" || u.Language != "es" {
		t.Errorf("account = %q, language %q; want \"Camille Roux\", \"es\"", u.Name, u.Language)
	}
	if !slices.Equal(u.Roles, []coopdec.Role{coopdec.RoleAdmin}) {
		t.Errorf("roles = %v; want [admin]", u.Roles)
	}
	for i := range refused {
		if _, err := db.UserByEmail(context.Background(), "autre"+strconv.Itoa(i)+"@exemple.test"); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
			t.Errorf("refused account %s: lookup = %v; want not found", refused[i].name, err)
		}
	}
}

func TestImportTerritoires(t *testing.T) {
	if testing.Short() {
		t.Skip("importing the whole referential is slow; skipped with -short")
	}
	dir := referentielDir()
	if dir == "" {
		t.Skip("the territorial referential is absent (../shared/referentiel/decoupage-administratif-6.0.0)")
	}
	c := newCLI(t)
	re := regexp.MustCompile(`(\d+) régions, (\d+) départements, (\d+) EPCI, (\d+) communes ; (\d+) ajoutés, (\d+) modifiés, (\d+) inchangés`)
	counts := func(out string) []int {
		t.Helper()
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("import printed %q; want the counts", out)
		}
		var n []int
		for _, s := range m[1:] {
			v, _ := strconv.Atoi(s)
			n = append(n, v)
		}
		return n
	}
	out, errOut, err := c.run("", "import", "territoires", "--quiet", dir)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	first := counts(out)
	regions, departements, epci, communes, added := first[0], first[1], first[2], first[3], first[4]
	if regions != 18 || departements != 101 || epci < 1000 || communes < 30000 {
		t.Errorf("imported %d regions, %d départements, %d EPCI, %d communes; want 18, 101, over 1000, over 30000",
			regions, departements, epci, communes)
	}
	if added < regions+departements+epci+communes {
		t.Errorf("first import added %d; want at least every territory (%d)", added, regions+departements+epci+communes)
	}

	// A second import of the same referential changes nothing.
	out, errOut, err = c.run("", "import", "territoires", "--quiet", dir)
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, errOut)
	}
	second := counts(out)
	if second[4] != 0 || second[5] != 0 || second[6] != added {
		t.Errorf("second import: %d added, %d changed, %d unchanged; want 0, 0, %d", second[4], second[5], second[6], added)
	}

	if _, _, err := c.run("", "import", "territoires", "--quiet", filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Error("import of a missing folder: no error")
	}
}

func TestDemoTwice(t *testing.T) {
	c := newCLI(t)
	type snapshot struct{ users, orgs int }
	take := func() snapshot {
		t.Helper()
		db := c.open()
		defer db.Close()
		ctx := context.Background()
		_, up, err := db.ListUsers(ctx, sqldb.UserFilter{}, coopdec.NewPage(1, 100))
		if err != nil {
			t.Fatal(err)
		}
		_, op, err := db.SearchOrganisations(ctx, coopdec.OrgFilter{}, coopdec.NewPage(1, 100))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range demo.Accounts {
			if _, err := db.UserByEmail(ctx, a.Email); err != nil {
				t.Errorf("demo account %s: %v", a.Email, err)
			}
		}
		return snapshot{up.Total, op.Total}
	}
	var snaps []snapshot
	for i := range 2 {
		// No referential: the territories are TestImportTerritoires' business.
		out, errOut, err := c.run("", "demo", "--referentiel", "")
		if err != nil {
			t.Fatalf("demo #%d: %v\n%s", i+1, err, errOut)
		}
		if !strings.Contains(out, "Données de démonstration chargées.") || !strings.Contains(out, "lyon@demo.coopdec.test") {
			t.Errorf("demo #%d printed %q; want the confirmation and the accounts", i+1, out)
		}
		snaps = append(snaps, take())
	}
	if snaps[0] != snaps[1] {
		t.Errorf("after the first and second demo load: %+v, %+v; want the same", snaps[0], snaps[1])
	}
	if snaps[0].users != len(demo.Accounts) {
		t.Errorf("%d accounts; want %d", snaps[0].users, len(demo.Accounts))
	}
}
