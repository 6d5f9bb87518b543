package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

func TestAuditVerifyCommand(t *testing.T) {
	for _, name := range []string{"COOPDEC_DATABASE_URL", "COOPDEC_DATA"} {
		t.Setenv(name, "")
	}
	ctx := context.Background()
	data := t.TempDir()
	db, err := sqldb.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if err := db.Audit(ctx, coopdec.Actor{IP: "192.0.2.1"}, coopdec.AuditLoginThrottled, s, "failures:10"); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	verify := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"audit", "verify", "--data", data}, args...), strings.NewReader(""), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	out, errOut, err := verify()
	if err != nil {
		t.Fatalf("verify: got error %v (%s); want nil", err, errOut)
	}
	if want := "chaîne intacte : 3 événements vérifiés\n"; out != want {
		t.Fatalf("verify: got %q; want %q", out, want)
	}
	if !strings.Contains(errOut, "Vérification du journal d'audit") {
		t.Errorf("verify: got %q on stderr; want the progress", errOut)
	}
	if _, errOut, _ := verify("--quiet"); errOut != "" {
		t.Errorf("verify --quiet: got %q on stderr; want nothing", errOut)
	}

	// Someone with the file at hand alters the second event.
	raw, err := sql.Open("sqlite", filepath.Join(data, "coopdec.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET details = 'failures:1' WHERE id = 2`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	out, _, err = verify("--quiet")
	if !errors.Is(err, errAuditBroken) {
		t.Fatalf("verify after tampering: got error %v; want %v", err, errAuditBroken)
	}
	if want := "chaîne rompue à l'événement 2 : son empreinte ne correspond plus à son contenu, il a été modifié (1 événement(s) intact(s) avant lui)\n"; out != want {
		t.Fatalf("verify after tampering: got %q; want %q", out, want)
	}

	var errOutBuf bytes.Buffer
	if err := cmdAudit(ctx, []string{"check"}, &bytes.Buffer{}, &errOutBuf); !errors.Is(err, errUsage) || !strings.Contains(errOutBuf.String(), "coopdec audit verify") {
		t.Fatalf("unknown subcommand: got %v, %q; want the usage", err, errOutBuf.String())
	}
}
