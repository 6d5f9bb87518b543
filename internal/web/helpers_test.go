package web

import (
	"testing"

	"github.com/coopdec/coopdec/internal/password"
	"github.com/coopdec/coopdec/internal/sqldb"
)

func sqldbAuditFilter(action string) sqldb.AuditFilter { return sqldb.AuditFilter{Action: action} }

func mustHash(t *testing.T, pw string) string {
	t.Helper()
	h, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
