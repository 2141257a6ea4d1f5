package apperr_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

func TestCheckText(t *testing.T) {
	if got, err := apperr.CheckText("name", "  Ana  ", 10, true); err != nil || got != "Ana" {
		t.Errorf("CheckText trims: %q, %v", got, err)
	}
	if got, err := apperr.CheckText("note", " ", 10, false); err != nil || got != "" {
		t.Errorf("an optional empty text: %q, %v", got, err)
	}
	for _, c := range []struct {
		s        string
		required bool
	}{{"", true}, {strings.Repeat("é", 11), false}} {
		_, err := apperr.CheckText("name", c.s, 10, c.required)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Field != "name" {
			t.Errorf("CheckText(%q, required %v) = %v, want an error naming name", c.s, c.required, err)
		}
	}
}

// TestInvisibleOnlyTextIsBlank: a name that shows nothing is as missing as
// an empty one, for every domain that uses CheckText or CheckBody.
func TestInvisibleOnlyTextIsBlank(t *testing.T) {
	for _, s := range []string{"\u200b", " \u200c\u200d ", "\u2060", "\ufeff", "\u200e\u200f",
		"\u202a\u202b\u202c\u202d\u202e", "\u2066\u2067\u2068\u2069", "\u00ad", "\u3164", "\t\u00a0\u3000"} {
		if !apperr.Blank(s) {
			t.Errorf("Blank(%q) = false", s)
		}
		if _, err := apperr.CheckText("name", s, 100, true); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("CheckText(%q, required) = %v, want invalid", s, err)
		}
		if got, err := apperr.CheckText("note", s, 100, false); err != nil || got != "" {
			t.Errorf("CheckText(%q, optional) = %q, %v, want \"\"", s, got, err)
		}
		if err := apperr.CheckBody("body", s, 100); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("CheckBody(%q) = %v, want invalid", s, err)
		}
	}
	for _, s := range []string{"Ana", "\u200bAna", "👩\u200d💻", "é", "-"} {
		if apperr.Blank(s) {
			t.Errorf("Blank(%q) = true", s)
		}
	}
}

func TestCheckTextRefusesNULAndInvalidUTF8(t *testing.T) {
	for _, s := range []string{"a\x00b", "caf\xe9", "\xff"} {
		if _, err := apperr.CheckText("name", s, 100, false); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("CheckText(%q) = %v, want invalid", s, err)
		}
		if err := apperr.CheckBody("body", s, 100); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("CheckBody(%q) = %v, want invalid", s, err)
		}
	}
}
