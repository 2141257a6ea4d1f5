// Package apperr is the shared vocabulary of failures that domain packages
// return and that the HTTP layers turn into responses. Domains say what went
// wrong (not found, invalid, conflict...) without knowing about HTTP.
package apperr

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
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
// naming field when it is longer than max, or blank (see Blank) and
// required, or not storable (see CheckStorable). A blank optional text
// becomes "".
func CheckText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if Blank(s) {
		s = ""
	}
	switch {
	case required && s == "":
		return "", Invalid(field, "is required")
	case utf8.RuneCountInString(s) > max:
		return "", Invalid(field, "is longer than %d characters", max)
	}
	return s, CheckStorable(field, s)
}

// CheckBody checks a required body of text: not blank, at most max bytes,
// valid UTF-8 without NUL; an Invalid error naming field if not.
func CheckBody(field, s string, max int) error {
	switch {
	case Blank(s):
		return Invalid(field, "is required")
	case len(s) > max:
		return Invalid(field, "is larger than %d bytes", max)
	}
	return CheckStorable(field, s)
}

// CheckStorable refuses text no database column should hold: invalid UTF-8
// (PostgreSQL refuses it, SQLite keeps it and breaks every reader later)
// and NUL characters (PostgreSQL refuses them in text; C strings cut at
// them).
func CheckStorable(field, s string) error {
	switch {
	case !utf8.ValidString(s):
		return Invalid(field, "is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return Invalid(field, "contains a NUL character (U+0000)")
	}
	return nil
}

// Blank reports whether s shows nothing: it is empty or made only of white
// space and invisible characters (zero-width spaces and joiners, word
// joiners, byte-order marks, bidirectional marks, soft hyphens...), so a
// name of U+200B alone is as missing as an empty one.
func Blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !Invisible(r) {
			return false
		}
	}
	return true
}

// Invisible reports whether r is a format or control character that draws
// nothing on its own.
func Invisible(r rune) bool {
	switch r {
	case '\u00AD', // soft hyphen
		'\u034F',                               // combining grapheme joiner
		'\u115F', '\u1160', '\u3164', '\uFFA0', // Hangul fillers
		'\u2800': // braille blank
		return true
	}
	// Cf holds U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+2066-U+2069,
	// U+FEFF and the other format characters; Cc the C0 and C1 controls.
	return unicode.In(r, unicode.Cf, unicode.Cc)
}
