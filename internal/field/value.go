package field

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Value is one checked value of a field, in the Go type of the column that
// stores it: exactly one member is set, the one the field's type uses.
type Value struct {
	Text   *string  // text and dropdown
	Number *float64 // number
	Date   *string  // date, as DateLayout
	Bool   *bool    // checkbox
}

// ErrorField names a field's value in errors, as the API's JSON spells it.
func (f *Field) ErrorField() string { return "custom_fields." + f.Key }

// Parse checks v against f and returns it as a Value. v is what a JSON
// decoder gives (string, float64, json.Number, bool), or a Go int; nil means
// "no value" and returns nil.
func (f *Field) Parse(v any) (*Value, error) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case TypeText:
		return f.parseText(v)
	case TypeNumber:
		return f.parseNumber(v)
	case TypeDate:
		return f.parseDate(v)
	case TypeDropdown:
		return f.parseDropdown(v)
	case TypeCheckbox:
		b, ok := v.(bool)
		if !ok {
			return nil, f.wrongType("true or false", v)
		}
		return &Value{Bool: &b}, nil
	}
	return nil, apperr.Unprocessable(f.ErrorField(), "has an unknown type %q", f.Type)
}

func (f *Field) parseText(v any) (*Value, error) {
	s, ok := v.(string)
	if !ok {
		return nil, f.wrongType("a string", v)
	}
	switch {
	case !utf8.ValidString(s):
		return nil, apperr.Invalid(f.ErrorField(), "is not valid UTF-8")
	case utf8.RuneCountInString(s) > MaxText:
		return nil, apperr.Invalid(f.ErrorField(), "is longer than %d characters", MaxText)
	case strings.TrimSpace(s) == "":
		// An empty text is no value; the caller clears the field with null.
		return nil, apperr.Invalid(f.ErrorField(), "cannot be empty: send null to clear it")
	}
	return &Value{Text: &s}, nil
}

func (f *Field) parseNumber(v any) (*Value, error) {
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case float32:
		n = float64(x)
	case int:
		n = float64(x)
	case int64:
		n = float64(x)
	case json.Number:
		var err error
		if n, err = x.Float64(); err != nil {
			return nil, apperr.Invalid(f.ErrorField(), "is not a number this desk can store: %s", x)
		}
	default:
		return nil, f.wrongType("a number", v)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, apperr.Invalid(f.ErrorField(), "must be a finite number")
	}
	return &Value{Number: &n}, nil
}

func (f *Field) parseDate(v any) (*Value, error) {
	s, ok := v.(string)
	if !ok {
		return nil, f.wrongType("a date string (YYYY-MM-DD)", v)
	}
	// time.Parse accepts the layout exactly: no time, no zone, a real day.
	if _, err := time.Parse(DateLayout, s); err != nil || len(s) != len(DateLayout) {
		return nil, apperr.Invalid(f.ErrorField(), "must be a date as YYYY-MM-DD, not %q", s)
	}
	return &Value{Date: &s}, nil
}

func (f *Field) parseDropdown(v any) (*Value, error) {
	s, ok := v.(string)
	if !ok {
		return nil, f.wrongType("one of the options, as a string", v)
	}
	if !slices.Contains(f.Options, s) {
		return nil, apperr.Invalid(f.ErrorField(), "must be one of %s, not %q", strings.Join(f.Options, ", "), s)
	}
	return &Value{Text: &s}, nil
}

func (f *Field) wrongType(want string, got any) error {
	return &apperr.Error{Kind: apperr.KindInvalid, Code: "wrong_type", Field: f.ErrorField(),
		Message: "must be " + want + ", not " + jsonKind(got)}
}

// jsonKind names the JSON type of a decoded value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "true or false"
	case float64, float32, int, int64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "a value of another type"
}

// Any returns the value as JSON shows it; nil for no value.
func (v *Value) Any() any {
	switch {
	case v == nil:
		return nil
	case v.Text != nil:
		return *v.Text
	case v.Number != nil:
		return *v.Number
	case v.Date != nil:
		return *v.Date
	case v.Bool != nil:
		return *v.Bool
	}
	return nil
}
