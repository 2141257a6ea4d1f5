package quality_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/quality"
)

func TestWordDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		before, after string
		want          []quality.DiffPart
	}{
		{"We answer every customer fast.", "We answer every customer kindly and fast.", []quality.DiffPart{
			{Op: quality.DiffEqual, Text: "We answer every customer "}, {Op: quality.DiffInsert, Text: "kindly and "},
			{Op: quality.DiffEqual, Text: "fast."}}},
		{"Be quick and curt.", "Be quick and warm.", []quality.DiffPart{
			{Op: quality.DiffEqual, Text: "Be quick and "}, {Op: quality.DiffDelete, Text: "curt."},
			{Op: quality.DiffInsert, Text: "warm."}}},
		{"one two three four", "one four", []quality.DiffPart{
			{Op: quality.DiffEqual, Text: "one "}, {Op: quality.DiffDelete, Text: "two three "},
			{Op: quality.DiffEqual, Text: "four"}}},
		{"", "New vision.", []quality.DiffPart{{Op: quality.DiffInsert, Text: "New vision."}}},
		{"same", "same", []quality.DiffPart{{Op: quality.DiffEqual, Text: "same"}}},
	} {
		got := quality.WordDiff(tc.before, tc.after)
		if !slices.Equal(got, tc.want) {
			t.Errorf("WordDiff(%q, %q)\n got %+v\nwant %+v", tc.before, tc.after, got, tc.want)
		}
		// Whatever the diff, the kept and deleted parts spell the old
		// text, the kept and inserted ones the new.
		var a, b strings.Builder
		for _, p := range got {
			if p.Op != quality.DiffInsert {
				a.WriteString(p.Text)
			}
			if p.Op != quality.DiffDelete {
				b.WriteString(p.Text)
			}
		}
		if a.String() != tc.before || b.String() != tc.after {
			t.Errorf("parts of %q -> %q rebuild %q -> %q", tc.before, tc.after, a.String(), b.String())
		}
	}
}

func TestTextChangesBetweenVersions(t *testing.T) {
	t.Parallel()
	before := &quality.Philosophy{Vision: "Customers feel heard.", Values: []quality.Value{
		{ID: 1, Code: "E", Name: "Empathetic", Meaning: "We listen."},
		{ID: 2, Code: "N", Name: "Nimble", Meaning: "We move."}}}
	after := &quality.Philosophy{Vision: "Customers feel heard and helped.", Values: []quality.Value{
		{ID: 1, Code: "E", Name: "Empathetic", Meaning: "We listen first."}}}
	got := quality.TextChanges(before, after)
	var labels []string
	for _, f := range got {
		labels = append(labels, f.Label)
	}
	want := []string{"Vision", "E Empathetic: what it means", "N Nimble: name", "N Nimble: what it means"}
	if !slices.Equal(labels, want) {
		t.Fatalf("labels %v, want %v", labels, want)
	}
	if got[3].Parts[0] != (quality.DiffPart{Op: quality.DiffDelete, Text: "We move."}) {
		t.Errorf("a removed value's text: %+v", got[3].Parts)
	}
}
