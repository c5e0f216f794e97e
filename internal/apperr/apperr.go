// Package apperr is the one error type: a code of the API contract
// (docs/design.md §2) and a message in the user's language, returned by
// storage and domain code and mapped to HTTP statuses in one table.
package apperr

import (
	"errors"
	"time"

	"ballot/internal/i18n"
)

// Code is an error code of the API contract.
type Code string

// The codes of the API contract, plus Internal for everything unexpected.
const (
	Invalid Code = "invalid"
	// A participant's access code (mã phiếu) fails its check digit, is
	// unknown or revoked, or was used by another submission.
	AccessCodeMistyped Code = "code_mistyped"
	AccessCodeUnknown  Code = "code_unknown"
	AccessCodeUsed     Code = "code_used"

	RoundNotOpen Code = "round_not_open"
	RoundClosed  Code = "round_closed"
	Conflict     Code = "conflict"
	Sealed       Code = "sealed"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	TooMany      Code = "too_many"
	Busy         Code = "busy"
	Internal     Code = "internal"
)

// Error is a failure the user can be told about.
type Error struct {
	Code Code
	Msg  i18n.Msg
	// Field names the offending input field, when there is one.
	Field string
	// RetryAfter is sent as Retry-After with TooMany and Busy.
	RetryAfter time.Duration
	// Extra fields sent in the error body (e.g. opens_at).
	Extra map[string]any
	// Rows lists the errors of an import, row by row.
	Rows []RowError
	// Err is an underlying cause, for operators' logs only.
	Err error
}

// Error renders the message in English, for logs.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Msg.In(i18n.EN)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a catalog message.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: i18n.M(key, args...)}
}

// Field makes an Invalid error about one field.
func Field(field, key string, args ...any) *Error {
	e := New(Invalid, "invalid.field", field, i18n.M(key, args...))
	e.Field = field
	return e
}

// Wrap makes an Internal error around err, unless err already is an *Error.
func Wrap(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Msg: i18n.M("internal"), Err: err}
}

// CodeOf returns the code of err (Internal for foreign errors, "" for nil).
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	return Wrap(err).Code
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// RowError is what is wrong with one row of an import.
type RowError struct {
	Row   int
	Field string
	Msg   i18n.Msg
}

// MaxRowErrors bounds the row errors one answer lists.
const MaxRowErrors = 100
