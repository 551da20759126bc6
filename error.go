package lontar

import (
	"errors"
	"fmt"
	"maps"
)

// Error codes. They say what went wrong, not which HTTP status it becomes;
// httpapi/errors.go does that mapping in one place.
const (
	EBadRequest      = "bad_request"
	EUnauthenticated = "unauthenticated"
	EForbidden       = "forbidden"
	ENotFound        = "not_found"
	EConflict        = "conflict"
	ETooLarge        = "too_large"
	EInvalid         = "validation_failed"
	ERateLimited     = "rate_limited"
	EUnavailable     = "unavailable" // the store failed; the client should retry
	EInternal        = "internal"
)

// Error is an error that is safe to show a client: a stable code, a message
// in both languages and, for invalid input, a message per field. Any error
// that is not an *Error is internal and its text is never shown.
type Error struct {
	Code    string
	Message Text
	Fields  map[string]Text
	// RetryAfter, in seconds, for rate_limited errors.
	RetryAfter int
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message.EN, e.Fields)
	}
	return e.Code + ": " + e.Message.In(LangEN)
}

// NewError returns an *Error with the Indonesian and English messages.
func NewError(code, id, en string) *Error {
	return &Error{Code: code, Message: Text{ID: id, EN: en}}
}

// WithField returns a copy of e with one more field message.
func (e *Error) WithField(name, id, en string) *Error {
	c := *e
	c.Fields = maps.Clone(e.Fields)
	if c.Fields == nil {
		c.Fields = map[string]Text{}
	}
	c.Fields[name] = Text{ID: id, EN: en}
	return &c
}

// FieldErrors builds a validation_failed error from field messages.
func FieldErrors(fields map[string]Text) *Error {
	return &Error{
		Code:    EInvalid,
		Message: Text{ID: "Data yang dikirim belum benar.", EN: "Some fields are not valid."},
		Fields:  fields,
	}
}

// ErrorCode returns the code of err, or EInternal when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code string) bool { return err != nil && ErrorCode(err) == code }

// Common errors, ready to return.
var (
	ErrUnauthenticated = NewError(EUnauthenticated, "Silakan masuk terlebih dahulu.", "Please log in first.")
	ErrForbidden       = NewError(EForbidden, "Anda tidak berhak melakukan ini.", "You are not allowed to do this.")
)

// Unavailable wraps a store failure the client should retry rather than
// act on (log out, give up): the message is generic, the cause is logged.
func Unavailable(cause error) error {
	return &unavailable{cause: cause}
}

type unavailable struct{ cause error }

func (u *unavailable) Error() string { return "unavailable: " + u.cause.Error() }
func (u *unavailable) Unwrap() error { return u.cause }

// As lets errors.As find the safe *Error of an unavailable error.
func (u *unavailable) As(target any) bool {
	if p, ok := target.(**Error); ok {
		*p = errUnavailable
		return true
	}
	return false
}

var errUnavailable = NewError(EUnavailable, "Server sedang sibuk. Mencoba lagi sebentar lagi.",
	"The server is busy. Trying again shortly.")

// NotFound returns a not_found error naming what is missing.
func NotFound(whatID, whatEN string) *Error {
	return NewError(ENotFound, whatID+" tidak ditemukan.", whatEN+" not found.")
}
