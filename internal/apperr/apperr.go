// Package apperr is the shared vocabulary of failures that domain packages
// return and that the HTTP layers turn into responses. Domains say what went
// wrong (not found, invalid, conflict...) without knowing about HTTP.
package apperr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind classifies an error for whoever has to answer the client.
type Kind int

// The kinds of failure a domain can report.
const (
	KindInternal      Kind = iota // a fault of ours; details stay in the log
	KindInvalid                   // the input is wrong (400/422)
	KindNotFound                  // no such record, or not visible to the caller
	KindConflict                  // the request clashes with the current state
	KindUnauthorized              // who is asking is unknown
	KindForbidden                 // who is asking may not do this
	KindTooMany                   // slow down: throttled or locked out
	KindUnprocessable             // well-formed but semantically impossible
)

// Error is a failure a client may be told about.
type Error struct {
	Kind    Kind
	Code    string // stable, machine-readable code such as "not_found"
	Message string // a sentence for a person
	Field   string // the input field at fault, when there is one
	Err     error  // the underlying cause, for the log only
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf reports the kind of err; anything unclassified is internal.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return KindInternal
}

// Is reports whether err is an *Error of kind k.
func Is(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// Invalid reports bad input in a named field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: "invalid", Field: field, Message: fmt.Sprintf(format, args...)}
}

// Unprocessable reports input that is well-formed but cannot be acted upon.
func Unprocessable(field, format string, args ...any) *Error {
	return &Error{Kind: KindUnprocessable, Code: "unprocessable", Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a record that does not exist or that the caller may not see.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + " not found"}
}

// Conflict reports a clash with the current state, such as a duplicate.
func Conflict(field, format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: "conflict", Field: field, Message: fmt.Sprintf(format, args...)}
}

// Unauthorized reports that the caller is not signed in or not known.
func Unauthorized(format string, args ...any) *Error {
	return &Error{Kind: KindUnauthorized, Code: "unauthorized", Message: fmt.Sprintf(format, args...)}
}

// Forbidden reports that the caller may not do this.
func Forbidden(format string, args ...any) *Error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: fmt.Sprintf(format, args...)}
}

// TooMany reports throttling.
func TooMany(format string, args ...any) *Error {
	return &Error{Kind: KindTooMany, Code: "too_many_requests", Message: fmt.Sprintf(format, args...)}
}

// CheckText trims s and checks its length in characters: an Invalid error
// naming field when it is longer than max, or empty and required.
func CheckText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "", Invalid(field, "is required")
	case utf8.RuneCountInString(s) > max:
		return "", Invalid(field, "is longer than %d characters", max)
	}
	return s, nil
}

// CheckBody checks a required body of text: not blank, at most max bytes,
// valid UTF-8; an Invalid error naming field if not.
func CheckBody(field, s string, max int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return Invalid(field, "is required")
	case len(s) > max:
		return Invalid(field, "is larger than %d bytes", max)
	case !utf8.ValidString(s):
		return Invalid(field, "is not valid UTF-8")
	}
	return nil
}
