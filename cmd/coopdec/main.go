// Command coopdec runs the platform for French decentralized cooperation:
// the web server and its administration commands, in one binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	_ "time/tzdata" // dates are shown in Europe/Paris even where the system has no zone files
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// the module's build information is used.
var version = ""

func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

const usage = `coopdec — plateforme de la coopération décentralisée

Utilisation :
  coopdec serve [--demo] [--addr 127.0.0.1:8080] [--data ./data] [--database-url postgres://…]
  coopdec migrate                         applique les migrations de la base
  coopdec demo                            charge les données de démonstration
  coopdec user create --email E --name N [--role R]… [--org ID] [--org-admin]
  coopdec user grant --email E --role R   donne un rôle (officer, co_manager, evaluator, embassy, admin)
  coopdec user revoke --email E --role R  retire un rôle
  coopdec import territoires DOSSIER      importe le référentiel territorial officiel
  coopdec audit verify                    vérifie la chaîne du journal d'audit
  coopdec bench [--scale small|medium|large] [--json FICHIER]
                                          mesure la plateforme sous charge (jeu de données synthétique)
  coopdec version

Chaque commande accepte --database-url (COOPDEC_DATABASE_URL) et --data (COOPDEC_DATA).
"coopdec COMMANDE -h" détaille les options d'une commande.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "coopdec:", err)
		}
		os.Exit(2)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "user":
		return cmdUser(ctx, args[1:], stdin, stdout, stderr)
	case "import":
		return cmdImport(ctx, args[1:], stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "coopdec", appVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "commande inconnue : %q\n\n%s", args[0], usage)
		return errUsage
	}
}
