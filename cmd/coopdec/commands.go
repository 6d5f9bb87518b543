package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/demo"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/password"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/territoires"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	var dbf dbFlags
	dbf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := dbf.open(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	runner, err := jobs.New(ctx, db, slog.New(slog.NewTextHandler(stderr, nil)), jobs.Options{})
	if err != nil {
		return err
	}
	defer runner.Stop(context.Background())
	if err := runner.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Base %s à jour (version %d).\n", db.Dialect, v)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var dbf dbFlags
	dbf.register(fs)
	referentiel := fs.String("referentiel", env("COOPDEC_REFERENTIEL", demo.DefaultReferentiel), "territorial referential to import when none is loaded (env COOPDEC_REFERENTIEL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := dbf.open(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	blobs, err := dbf.blobStore(ctx)
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, db, demo.Options{Referentiel: *referentiel, Progress: stdout, Blobs: blobs}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Données de démonstration chargées.")
	printDemoAccounts(stdout)
	return nil
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "territoires" {
		fmt.Fprintln(stderr, "Utilisation : coopdec import territoires DOSSIER\n  DOSSIER : le référentiel officiel, par exemple ../shared/referentiel/decoupage-administratif-6.0.0")
		return errUsage
	}
	fs := newFlagSet("import territoires", stderr)
	var dbf dbFlags
	dbf.register(fs)
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "Indiquez le dossier du référentiel : coopdec import territoires DOSSIER")
		return errUsage
	}
	db, err := dbf.open(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	var progress io.Writer = stderr
	if *quiet {
		progress = nil
	}
	rep, err := territoires.Import(ctx, db, fs.Arg(0), progress)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Référentiel importé en %s : %d régions, %d départements, %d EPCI, %d communes ; %d ajoutés, %d modifiés, %d inchangés.\n",
		rep.Elapsed.Round(1e6), rep.Regions, rep.Departements, rep.EPCI, rep.Communes, rep.Inserted, rep.Updated, rep.Unchanged)
	return nil
}

type roleList []coopdec.Role

func (r *roleList) String() string { return fmt.Sprint(*r) }
func (r *roleList) Set(s string) error {
	role := coopdec.Role(s)
	if !role.Valid() {
		return fmt.Errorf("rôle inconnu %q : choisissez parmi %v", s, coopdec.Roles)
	}
	*r = append(*r, role)
	return nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	sub := args[0]
	fs := newFlagSet("user "+sub, stderr)
	var dbf dbFlags
	dbf.register(fs)
	email := fs.String("email", "", "account address")
	var roles roleList
	switch sub {
	case "create":
		name := fs.String("name", "", "full name")
		lang := fs.String("language", "", "interface language: fr, en, es or pt (empty: the browser's)")
		org := fs.Int64("org", 0, "organisation id to join")
		orgAdmin := fs.Bool("org-admin", false, "make the user an admin of --org")
		fs.Var(&roles, "role", "platform role, repeatable: officer, co_manager, evaluator, embassy, admin")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		return userCreate(ctx, dbf, stdin, stdout, stderr, *email, *name, *lang, roles, *org, *orgAdmin)
	case "grant", "revoke":
		fs.Var(&roles, "role", "platform role, repeatable")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *email == "" || len(roles) == 0 {
			return errors.New("indiquez --email et au moins un --role")
		}
		db, err := dbf.open(ctx, true)
		if err != nil {
			return err
		}
		defer db.Close()
		u, err := db.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("aucun compte pour %s", *email)
		}
		for _, r := range roles {
			if sub == "grant" {
				err = db.GrantRole(ctx, u.ID, r, coopdec.Actor{IP: "cli"})
			} else {
				err = db.RevokeRole(ctx, u.ID, r, coopdec.Actor{IP: "cli"})
			}
			if err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "Rôles de %s mis à jour.\n", u.Email)
		return nil
	default:
		fmt.Fprintf(stderr, "sous-commande inconnue %q\n\n%s", sub, usage)
		return errUsage
	}
}

func userCreate(ctx context.Context, dbf dbFlags, stdin io.Reader, stdout, stderr io.Writer,
	email, name, lang string, roles []coopdec.Role, org int64, orgAdmin bool) error {
	email, err := coopdec.NormalizeEmail(email)
	if err != nil {
		return errors.New("indiquez une adresse valide avec --email")
	}
	if name, err = coopdec.ValidateName(name); err != nil {
		return errors.New("indiquez le nom complet avec --name")
	}
	if lang != "" && !coopdec.ValidLanguage(lang) {
		return errors.New("--language : fr, en, es ou pt")
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := coopdec.CheckPassword(pw, email, name); err != nil || coopdec.IsDemoPassword(pw) {
		return errors.New("mot de passe refusé : au moins 12 caractères, ni courant, ni tiré de votre nom ou de votre adresse, ni celui de la démonstration")
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	db, err := dbf.open(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &coopdec.User{Email: email, Name: name, Language: lang, PasswordHash: hash, Roles: roles}
	if err := db.CreateUser(ctx, u, coopdec.Actor{IP: "cli"}); err != nil {
		if coopdec.ErrorCode(err) == coopdec.EINVALID {
			return fmt.Errorf("un compte existe déjà pour %s", email)
		}
		return err
	}
	if org != 0 {
		role := coopdec.MemberRoleMember
		if orgAdmin {
			role = coopdec.MemberRoleAdmin
		}
		if err := db.AddMembership(ctx, u.ID, org, role, coopdec.Actor{IP: "cli"}); err != nil {
			return fmt.Errorf("compte créé, mais l'ajout à l'organisation %d a échoué : %w", org, err)
		}
	}
	fmt.Fprintf(stdout, "Compte %s créé (id %d).\n", u.Email, u.ID)
	return nil
}

// readPassword reads the password from the terminal without echo, asked
// twice, or the first line of standard input when it is not a terminal.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Mot de passe : ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Confirmez : ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("les deux mots de passe diffèrent")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("mot de passe attendu sur l'entrée standard")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// errAuditBroken makes "coopdec audit verify" exit with a failure status.
var errAuditBroken = errors.New("la chaîne du journal d'audit est rompue")

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "Utilisation : coopdec audit verify [--quiet]\n  vérifie que le journal d'audit n'a été ni modifié, ni amputé, ni complété hors de la chaîne")
		return errUsage
	}
	fs := newFlagSet("audit verify", stderr)
	var dbf dbFlags
	dbf.register(fs)
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := dbf.open(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	var bar *progressbar.ProgressBar
	progress := func(checked, total int64) {
		if *quiet {
			return
		}
		if bar == nil {
			bar = auditBar(stderr, total)
		}
		_ = bar.Set64(checked)
	}
	v, err := db.VerifyAudit(ctx, progress)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	if v.Intact {
		fmt.Fprintf(stdout, "chaîne intacte : %d événements vérifiés\n", v.Checked)
		return nil
	}
	fmt.Fprintf(stdout, "chaîne rompue à l'événement %d : %s (%d événement(s) intact(s) avant lui)\n", v.BrokenAt, auditProblemText(v.Problem), v.Checked)
	return errAuditBroken
}

func auditProblemText(p sqldb.AuditProblem) string {
	switch p {
	case sqldb.AuditAltered:
		return "son empreinte ne correspond plus à son contenu, il a été modifié"
	case sqldb.AuditUnlinked:
		return "il ne suit pas l'événement qui le précède, un événement a été supprimé avant lui ou il a été inséré hors de la chaîne"
	case sqldb.AuditUnchained:
		return "il n'a pas d'empreinte, il a été ajouté hors de la chaîne"
	}
	return string(p)
}

// auditBar draws the verification's progress on w: redrawn ten times a
// second on a terminal, rarely elsewhere so that a log is not flooded.
func auditBar(w io.Writer, total int64) *progressbar.ProgressBar {
	tty := false
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	throttle := 10 * time.Second
	if tty {
		throttle = 100 * time.Millisecond
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("Vérification du journal d'audit"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionSetRenderBlankState(tty),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionSetItsString("événements"),
		progressbar.OptionOnCompletion(func() { _, _ = fmt.Fprintln(w) }),
	)
}
