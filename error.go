package casus

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status in exactly one place.
const (
	ENOTFOUND  = "not_found" // the record does not exist, or the caller may not know it does
	EINVALID   = "invalid"   // the input is malformed or incomplete
	EFORBIDDEN = "forbidden" // the caller is known but may not do this
	ECONFLICT  = "conflict"  // someone else changed the record first, or it already exists
	ETHROTTLED = "throttled" // too many attempts
	EUNAUTH    = "unauthenticated"
	EINTERNAL  = "internal"
)

// Error is the one domain error. Key is an i18n message key and Args its
// template data, so HTML and JSON can both show it in the user's language.
// Field names the form field it concerns, when there is one.
type Error struct {
	Code  string
	Key   string
	Field string
	Args  map[string]any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("casus: %s: %s (%s)", e.Code, e.Key, e.Field)
	}
	return fmt.Sprintf("casus: %s: %s", e.Code, e.Key)
}

// Errorf returns an *Error with the code and message key.
func Errorf(code, key string) *Error { return &Error{Code: code, Key: key} }

// FieldError returns an EINVALID error for one form field.
func FieldError(field, key string, args map[string]any) *Error {
	return &Error{Code: EINVALID, Key: key, Field: field, Args: args}
}

// ErrorCode returns the code of err, EINTERNAL when it is no *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	var v ValidationErrors
	if errors.As(err, &v) {
		return EINVALID
	}
	return EINTERNAL
}

// ErrNotFound is returned for missing records and for records the caller may
// not know exist: the two must be indistinguishable.
var ErrNotFound = Errorf(ENOTFOUND, "error.not_found")

// ValidationErrors collects the field errors of one form, so a user sees every
// problem at once.
type ValidationErrors []*Error

func (v ValidationErrors) Error() string {
	if len(v) == 0 {
		return "casus: no validation errors"
	}
	return fmt.Sprintf("casus: %d invalid fields, first: %s", len(v), v[0].Error())
}

// Err returns v as an error, or nil when it is empty.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// Field returns the error for one field, or nil.
func (v ValidationErrors) Field(name string) *Error {
	for _, e := range v {
		if e.Field == name {
			return e
		}
	}
	return nil
}
