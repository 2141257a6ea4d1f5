package quality

import (
	"slices"
	"testing"
)

func TestChangesSaysWhatChanged(t *testing.T) {
	c := Value{ID: 1, Code: "C", Name: "Creative", Colour: "#111111"}
	e := Value{ID: 2, Code: "E", Name: "Empowering", Meaning: "a"}
	n := Value{ID: 3, Code: "N", Name: "Nimble"}
	before := &Philosophy{Vision: "old", Values: []Value{c, e, n}}
	e2 := e
	e2.Meaning, e2.Colour = "b", "#222222"
	r := Value{ID: 4, Code: "R", Name: "Responsive"}
	after := &Philosophy{Vision: "new", Values: []Value{e2, c, r}}
	got := Changes(before, after)
	want := []string{"Vision reworded", "Changed E Empowering: colour, what it means", "Added R Responsive",
		"Removed N Nimble", "Values reordered"}
	if !slices.Equal(got, want) {
		t.Fatalf("Changes = %q\nwant %q", got, want)
	}
	if got := Changes(nil, &Philosophy{Values: []Value{c}}); !slices.Equal(got, []string{"Added C Creative"}) {
		t.Fatalf("first version: %q", got)
	}
	if got := Changes(before, before); len(got) != 0 {
		t.Fatalf("no change: %q", got)
	}
}
