// Package field holds the custom fields that admins define for tickets
// (text, number, date, dropdown, checkbox) and the rules their values obey.
// The values themselves belong to tickets and are stored by the ticket
// package; this package says what a valid value is.
package field

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// The types a field can have.
const (
	TypeText     = "text"
	TypeNumber   = "number"
	TypeDate     = "date"
	TypeDropdown = "dropdown"
	TypeCheckbox = "checkbox"
)

// Types lists every field type, as the schema's CHECK does.
var Types = []string{TypeText, TypeNumber, TypeDate, TypeDropdown, TypeCheckbox}

// Limits on definitions and values.
const (
	MaxKey     = 64   // characters
	MaxLabel   = 200  // characters
	MaxOptions = 200  // choices of a dropdown
	MaxOption  = 200  // characters of one choice
	MaxText    = 4000 // characters of a text value
)

// DateLayout is how a date value is written: a calendar day, no time zone.
const DateLayout = "2006-01-02"

// Field is one custom field definition.
type Field struct {
	ID              int64      `json:"id"`
	Key             string     `json:"key"`
	Label           string     `json:"label"`
	Type            string     `json:"type"`
	Options         []string   `json:"options"`
	RequiredOnSolve bool       `json:"required_on_solve"`
	Archived        bool       `json:"archived"`
	ArchivedAt      *time.Time `json:"archived_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// keyPattern is what a key looks like: it is used in URLs (field.<key>=) and
// JSON objects, so it is kept to a plain slug.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CheckKey checks a slug used as a key, naming field when it is wrong.
// Custom statuses use the same rule.
func CheckKey(name, key string) error {
	switch {
	case key == "":
		return apperr.Invalid(name, "is required")
	case len(key) > MaxKey:
		return apperr.Invalid(name, "is longer than %d characters", MaxKey)
	case !keyPattern.MatchString(key):
		return apperr.Invalid(name, "must be lower-case letters, digits and _, starting with a letter, not %q", key)
	}
	return nil
}

// CheckLabel trims and checks a display label.
func CheckLabel(label string) (string, error) {
	return apperr.CheckText("label", label, MaxLabel, true)
}

// checkOptions trims a dropdown's choices and refuses empty, duplicate or
// over-long ones. Only a dropdown has choices.
func checkOptions(typ string, in []string) ([]string, error) {
	if typ != TypeDropdown {
		if len(in) > 0 {
			return nil, apperr.Invalid("options", "only a dropdown has options")
		}
		return []string{}, nil
	}
	if len(in) == 0 {
		return nil, apperr.Invalid("options", "a dropdown needs at least one option")
	}
	if len(in) > MaxOptions {
		return nil, apperr.Invalid("options", "a dropdown has at most %d options", MaxOptions)
	}
	out := make([]string, 0, len(in))
	for _, o := range in {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			return nil, apperr.Invalid("options", "an option cannot be empty")
		case utf8.RuneCountInString(o) > MaxOption:
			return nil, apperr.Invalid("options", "option %q is longer than %d characters", o, MaxOption)
		case slices.Contains(out, o):
			return nil, apperr.Invalid("options", "option %q is listed twice", o)
		}
		out = append(out, o)
	}
	return out, nil
}
