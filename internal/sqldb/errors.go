package sqldb

import (
	"errors"
	"fmt"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// translate turns driver errors into the domain's error codes, in this one
// place for both drivers. Domain errors and nil pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *coopdec.Error
	if errors.As(err, &de) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "error.conflict"}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &coopdec.Error{Code: coopdec.EINVALID, Key: "error.reference"}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &coopdec.Error{Code: coopdec.ECONFLICT, Key: "error.conflict"}
		case "23503":
			return &coopdec.Error{Code: coopdec.EINVALID, Key: "error.reference"}
		}
	}
	return fmt.Errorf("sqldb: %w", err)
}

// isConflict reports whether err is a uniqueness violation.
func isConflict(err error) bool { return coopdec.ErrorCode(translate(err)) == coopdec.ECONFLICT }
