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
