package httpx

import (
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// CheckValues refuses query or form values no text column can hold: a NUL
// character or invalid UTF-8 in a name or a value. Without it, PostgreSQL
// answers 500 and SQLite stores the bytes verbatim.
func CheckValues(vals url.Values) error {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same request names the same field every time
	for _, k := range keys {
		if err := apperr.CheckStorable(k, k); err != nil {
			return apperr.Invalid("", "a field name %s", err.(*apperr.Error).Message)
		}
		for _, v := range vals[k] {
			if err := CheckValue(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckValue is CheckValues for one named value, such as a text part of a
// multipart form; the message names the field, for pages that show only
// the message.
func CheckValue(field, v string) error {
	if err := apperr.CheckStorable(field, v); err != nil {
		e := err.(*apperr.Error)
		e.Message = field + " " + e.Message
		return e
	}
	return nil
}

// CheckRequestText checks the path, the query parameters and, for a urlencoded form,
// the form fields of r with CheckValues, once for every handler behind it.
// A multipart form is left to the handler that reads it (it sets the size
// limit), which checks its text parts with CheckValue; files are not text.
func CheckRequestText(r *http.Request) error {
	// Path values ({name}, {token}...) are read from the decoded path.
	if err := apperr.CheckStorable("path", r.URL.Path); err != nil {
		return err
	}
	// A malformed query keeps the pairs that parse, as r.URL.Query does.
	q, _ := url.ParseQuery(r.URL.RawQuery)
	if err := CheckValues(q); err != nil {
		return err
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form cannot be read: %v", err)
	}
	return CheckValues(r.PostForm)
}
