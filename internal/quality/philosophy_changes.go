package quality

import (
	"slices"
	"strings"
)

// Changes says, in a few lines a person reads, how the philosophy after
// differs from before: the vision, values added and removed, and for each
// kept value (matched by id) which of its parts changed. before may be nil
// (the first version).
func Changes(before, after *Philosophy) []string {
	if before == nil {
		before = &Philosophy{}
	}
	var out []string
	if before.Vision != after.Vision {
		out = append(out, "Vision reworded")
	}
	old := map[int64]Value{}
	for _, v := range before.Values {
		old[v.ID] = v
	}
	kept := map[int64]bool{}
	for _, v := range after.Values {
		prev, ok := old[v.ID]
		if !ok {
			out = append(out, "Added "+label(v))
			continue
		}
		kept[v.ID] = true
		if parts := changedParts(prev, v); len(parts) > 0 {
			out = append(out, "Changed "+label(v)+": "+strings.Join(parts, ", "))
		}
	}
	var keptBefore, keptAfter []int64
	for _, v := range before.Values {
		if !kept[v.ID] {
			out = append(out, "Removed "+label(v))
		} else {
			keptBefore = append(keptBefore, v.ID)
		}
	}
	for _, v := range after.Values {
		if kept[v.ID] {
			keptAfter = append(keptAfter, v.ID)
		}
	}
	if !slices.Equal(keptBefore, keptAfter) {
		out = append(out, "Values reordered")
	}
	return out
}

func label(v Value) string { return v.Code + " " + v.Name }

// changedParts names the parts of a value that differ.
func changedParts(a, b Value) []string {
	parts := []struct {
		name   string
		differ bool
	}{
		{"name", a.Name != b.Name},
		{"code", a.Code != b.Code},
		{"colour", a.Colour != b.Colour},
		{"description", a.Description != b.Description},
		{"what it means", a.Meaning != b.Meaning},
		{"in action", a.InAction != b.InAction},
		{"how it could be misread", a.Misread != b.Misread},
		{"how we judge it", a.JudgedBy != b.JudgedBy},
		{"relationships", a.Relationships != b.Relationships},
	}
	var out []string
	for _, p := range parts {
		if p.differ {
			out = append(out, p.name)
		}
	}
	return out
}
