package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// MaxJSONBody bounds a JSON request body. Attachments travel separately.
const MaxJSONBody = 1 << 20

// DecodeJSON reads one JSON object from the request into dst, refusing
// unknown fields, wrong types, trailing data, oversized bodies, text no
// column can hold (invalid UTF-8, NUL) and null where an object is needed,
// with an error that names the problem and, where it can, the field. Every
// JSON body of the API goes through it.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &apperr.Error{Kind: apperr.KindInvalid, Code: "unsupported_media_type",
				Message: fmt.Sprintf("send JSON with Content-Type: application/json, not %q", ct)}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if err != nil {
		return jsonError(err)
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	if err := checkNulls(body, dst); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return apperr.Invalid("", "the body must hold a single JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		maxBytes  *http.MaxBytesError
		malformed = &apperr.Error{Kind: apperr.KindInvalid, Code: "malformed_json"}
	)
	switch {
	case errors.As(err, &syntax):
		malformed.Message = fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax)
		return malformed
	case errors.Is(err, io.EOF):
		malformed.Message = "the body is empty: send a JSON object"
		return malformed
	case errors.Is(err, io.ErrUnexpectedEOF):
		malformed.Message = "the JSON body ends too early"
		return malformed
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return &apperr.Error{Kind: apperr.KindInvalid, Code: "wrong_type", Field: field,
			Message: fmt.Sprintf("must be %s, not %s", describeType(typeErr.Type.Kind().String()), typeErr.Value)}
	case errors.As(err, &maxBytes):
		return &apperr.Error{Kind: apperr.KindInvalid, Code: "too_large",
			Message: fmt.Sprintf("the body is larger than %d bytes", maxBytes.Limit)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &apperr.Error{Kind: apperr.KindInvalid, Code: "unknown_field", Field: name,
			Message: "is not a field of this request"}
	}
	malformed.Message = "cannot read the JSON body: " + err.Error()
	return malformed
}

func describeType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return kind
}

// PathID reads a positive integer path value, such as {id}.
func PathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "%q is not an id", v)
	}
	return id, nil
}

// QueryLimit reads a list's optional "limit" query parameter: 0 when it is
// absent (the list's default), else a whole number from 1 to max. Anything
// else (negative, zero, huge, not a number) is refused naming the range,
// rather than quietly replaced by the default. Every list reads it here.
func QueryLimit(q url.Values, max int) (int, error) {
	v, ok := q["limit"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v[0]))
	if err != nil || n < 1 || n > max {
		return 0, apperr.Invalid("limit", "must be a whole number from 1 to %d, not %q", max, v[0])
	}
	return n, nil
}
