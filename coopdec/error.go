package coopdec

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses by the web layer.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
)

// Error is an error a user may see. Key names a message in the catalogues and
// Args fills it; Field names the form field at fault, when there is one.
type Error struct {
	Code  string
	Key   string
	Args  []any
	Field string
}

func (e *Error) Error() string {
	if len(e.Args) == 0 {
		return fmt.Sprintf("coopdec: %s: %s", e.Code, e.Key)
	}
	return fmt.Sprintf("coopdec: %s: %s %v", e.Code, e.Key, e.Args)
}

// Errorf returns an *Error with the given code, message key and arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError returns an EINVALID error attached to a form field.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Field: field}
}

// ErrorCode returns the code of err, or EINTERNAL when it carries none.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorKey returns the catalogue key and arguments of err. Errors that carry
// none get the generic internal message, so no detail ever leaks.
func ErrorKey(err error) (string, []any) {
	var e *Error
	if errors.As(err, &e) {
		return e.Key, e.Args
	}
	return "error.internal", nil
}

// Errors gathers several field errors so a form can show them all at once.
type Errors []*Error

func (es Errors) Error() string {
	if len(es) == 0 {
		return "coopdec: no error"
	}
	return es[0].Error()
}

// Err returns es as an error, or nil when empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// As lets errors.As find the first *Error in the list.
func (es Errors) As(target any) bool {
	if t, ok := target.(**Error); ok && len(es) > 0 {
		*t = es[0]
		return true
	}
	return false
}
