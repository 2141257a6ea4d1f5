package quality

import (
	"regexp"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Value is one of the team's values: what it is called, its letter in the
// team's acronym, its colour on badges, and the team's answers to the five
// questions that make a value more than a word.
type Value struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Code        string `json:"code"`
	Colour      string `json:"colour"`
	Description string `json:"description"`
	Position    int    `json:"position"`
	// Meaning: what it means to us.
	Meaning string `json:"meaning"`
	// InAction: what it looks like in action.
	InAction string `json:"in_action"`
	// Misread: how it could be misread.
	Misread string `json:"misread"`
	// JudgedBy: how we judge whether we live it.
	JudgedBy string `json:"judged_by"`
	// Relationships: how it will change our relationships with customers.
	Relationships string    `json:"relationships"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ValueInput is a value as a lead writes it. ID is set only inside a
// PhilosophyInput, to keep an existing value; Position, when nil, puts a new
// value last.
type ValueInput struct {
	ID            int64  `json:"id,omitempty"`
	Name          string `json:"name"`
	Code          string `json:"code"`
	Colour        string `json:"colour"`
	Description   string `json:"description"`
	Position      *int   `json:"position,omitempty"`
	Meaning       string `json:"meaning"`
	InAction      string `json:"in_action"`
	Misread       string `json:"misread"`
	JudgedBy      string `json:"judged_by"`
	Relationships string `json:"relationships"`
}

// ValuePatch changes a value; nil fields stay as they are.
type ValuePatch struct {
	Name          *string `json:"name"`
	Code          *string `json:"code"`
	Colour        *string `json:"colour"`
	Description   *string `json:"description"`
	Position      *int    `json:"position"`
	Meaning       *string `json:"meaning"`
	InAction      *string `json:"in_action"`
	Misread       *string `json:"misread"`
	JudgedBy      *string `json:"judged_by"`
	Relationships *string `json:"relationships"`
}

// Philosophy is the team's vision statement and its values, in order.
// Warning is set when the team has more values than MaxSuggestedValues.
type Philosophy struct {
	Vision    string    `json:"vision"`
	Values    []Value   `json:"values"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy *int64    `json:"updated_by"`
	Warning   string    `json:"warning,omitempty"`
}

// PhilosophyInput replaces the whole philosophy: values with an id are
// kept and changed, values without one are added, and values left out are
// removed. Their order is their position.
type PhilosophyInput struct {
	Vision string       `json:"vision"`
	Values []ValueInput `json:"values"`
}

// ValueResult is a saved value with the philosophy's warning, if any.
type ValueResult struct {
	Value
	Warning string `json:"warning,omitempty"`
}

// Limits on what a philosophy holds.
const (
	// MaxSuggestedValues is how many values a team is advised to keep:
	// more than five cannot be remembered, nor lived, every day.
	MaxSuggestedValues = 5
	MaxValues          = 20 // a hard limit, against mistakes
	MaxVision          = 4000
	MaxValueName       = 100
	MaxValueCode       = 8
	MaxDescription     = 1000
	MaxAnswer          = 4000
)

// tooManyValues explains why five values are suggested.
func tooManyValues(n int) string {
	if n <= MaxSuggestedValues {
		return ""
	}
	return "the team has " + itoa(n) + " values; at most 5 are suggested, because people can remember " +
		"and live by a handful of values every day, and a longer list dilutes each one"
}

var colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// checked returns in as a Value, trimmed and validated.
func (in ValueInput) checked() (Value, error) {
	var v Value
	var err error
	if v.Name, err = apperr.CheckText("name", in.Name, MaxValueName, true); err != nil {
		return v, err
	}
	if v.Code, err = checkCode(in.Code); err != nil {
		return v, err
	}
	if v.Colour, err = checkColour(in.Colour); err != nil {
		return v, err
	}
	if in.Position != nil {
		if *in.Position < 0 {
			return v, apperr.Invalid("position", "must be 0 or more")
		}
		v.Position = *in.Position
	}
	texts := []struct {
		field string
		src   string
		dst   *string
		max   int
	}{
		{"description", in.Description, &v.Description, MaxDescription},
		{"meaning", in.Meaning, &v.Meaning, MaxAnswer},
		{"in_action", in.InAction, &v.InAction, MaxAnswer},
		{"misread", in.Misread, &v.Misread, MaxAnswer},
		{"judged_by", in.JudgedBy, &v.JudgedBy, MaxAnswer},
		{"relationships", in.Relationships, &v.Relationships, MaxAnswer},
	}
	for _, t := range texts {
		if *t.dst, err = apperr.CheckText(t.field, t.src, t.max, false); err != nil {
			return v, err
		}
	}
	return v, nil
}

// input returns v as the input that would write it, for patching.
func (v Value) input() ValueInput {
	pos := v.Position
	return ValueInput{ID: v.ID, Name: v.Name, Code: v.Code, Colour: v.Colour, Description: v.Description,
		Position: &pos, Meaning: v.Meaning, InAction: v.InAction, Misread: v.Misread, JudgedBy: v.JudgedBy,
		Relationships: v.Relationships}
}

// apply returns in changed by p.
func (p ValuePatch) apply(in ValueInput) ValueInput {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Name, p.Name)
	set(&in.Code, p.Code)
	set(&in.Colour, p.Colour)
	set(&in.Description, p.Description)
	set(&in.Meaning, p.Meaning)
	set(&in.InAction, p.InAction)
	set(&in.Misread, p.Misread)
	set(&in.JudgedBy, p.JudgedBy)
	set(&in.Relationships, p.Relationships)
	if p.Position != nil {
		in.Position = p.Position
	}
	return in
}

// checkCode accepts a short code of letters and digits, stored upper-cased
// so that "c" and "C" are the same code.
func checkCode(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", apperr.Invalid("code", "is required (one letter, or a short code)")
	}
	if len(s) > MaxValueCode {
		return "", apperr.Invalid("code", "is longer than %d characters", MaxValueCode)
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", apperr.Invalid("code", "%q: use letters A-Z and digits only", s)
		}
	}
	return s, nil
}

func checkColour(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !colourPattern.MatchString(s) {
		return "", apperr.Invalid("colour", "%q is not a colour like #1a7f37", s)
	}
	return strings.ToLower(s), nil
}
