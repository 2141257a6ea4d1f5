package quality

import (
	"regexp"
	"strings"
)

// DiffOp is what a piece of a word diff is.
type DiffOp string

// The pieces of a diff: kept, inserted (in the new text only) and deleted
// (in the old text only).
const (
	DiffEqual  DiffOp = "equal"
	DiffInsert DiffOp = "ins"
	DiffDelete DiffOp = "del"
)

// DiffPart is a run of text a diff keeps, inserts or deletes.
type DiffPart struct {
	Op   DiffOp `json:"op"`
	Text string `json:"text"`
}

// FieldDiff is how one text of the philosophy changed between versions.
type FieldDiff struct {
	Label string     `json:"label"` // "Vision", "E Empathetic: what it means"
	Parts []DiffPart `json:"parts"`
}

// maxDiffCells bounds the work of one diff (words before times words
// after, once the common start and end are set aside): past it the text is
// shown as replaced whole, which is still true, rather than spend seconds.
const maxDiffCells = 4_000_000

var tokenRE = regexp.MustCompile(`\s+|[^\s]+`)

// WordDiff compares two texts word by word (spaces and line breaks kept as
// they are) by their longest common subsequence, and returns the runs of
// kept, deleted and inserted text in reading order.
func WordDiff(before, after string) []DiffPart {
	a, b := tokenRE.FindAllString(before, -1), tokenRE.FindAllString(after, -1)
	start := 0
	for start < len(a) && start < len(b) && a[start] == b[start] {
		start++
	}
	endA, endB := len(a), len(b)
	for endA > start && endB > start && a[endA-1] == b[endB-1] {
		endA, endB = endA-1, endB-1
	}
	var parts []DiffPart
	parts = appendRun(parts, DiffEqual, a[:start])
	parts = append(parts, lcsDiff(a[start:endA], b[start:endB])...)
	return mergeRuns(appendRun(parts, DiffEqual, a[endA:]))
}

// lcsDiff is the diff of two token lists by dynamic programming over their
// longest common subsequence.
func lcsDiff(a, b []string) []DiffPart {
	if len(a)*len(b) > maxDiffCells || len(a) == 0 || len(b) == 0 {
		return appendRun(appendRun(nil, DiffDelete, a), DiffInsert, b)
	}
	// l[i][j] is the LCS length of a[i:] and b[j:].
	l := make([][]int32, len(a)+1)
	for i := range l {
		l[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var parts []DiffPart
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			parts = append(parts, DiffPart{DiffEqual, a[i]})
			i, j = i+1, j+1
		case l[i+1][j] >= l[i][j+1]:
			parts = append(parts, DiffPart{DiffDelete, a[i]})
			i++
		default:
			parts = append(parts, DiffPart{DiffInsert, b[j]})
			j++
		}
	}
	return appendRun(appendRun(parts, DiffDelete, a[i:]), DiffInsert, b[j:])
}

func appendRun(parts []DiffPart, op DiffOp, tokens []string) []DiffPart {
	if len(tokens) == 0 {
		return parts
	}
	return append(parts, DiffPart{op, strings.Join(tokens, "")})
}

// mergeRuns joins neighbouring parts of the same kind, and lets the space
// between two changed words join the change, so "<del>a</del> <del>b</del>"
// reads as one change "<del>a b</del>".
func mergeRuns(parts []DiffPart) []DiffPart {
	var out []DiffPart
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if p.Op == DiffEqual && strings.TrimSpace(p.Text) == "" && i > 0 && i+1 < len(parts) &&
			parts[i-1].Op != DiffEqual && parts[i+1].Op == parts[i-1].Op && len(out) > 0 {
			out[len(out)-1].Text += p.Text
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == p.Op {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}

// TextChanges is the word diff of every text that differs between two
// versions: the vision, and each part of each value (a value added or
// removed shows as wholly inserted or deleted). before may be nil.
func TextChanges(before, after *Philosophy) []FieldDiff {
	if before == nil {
		before = &Philosophy{}
	}
	var out []FieldDiff
	add := func(label, a, b string) {
		if a != b {
			out = append(out, FieldDiff{Label: label, Parts: WordDiff(a, b)})
		}
	}
	add("Vision", before.Vision, after.Vision)
	old := map[int64]Value{}
	for _, v := range before.Values {
		old[v.ID] = v
	}
	seen := map[int64]bool{}
	for _, v := range after.Values {
		seen[v.ID] = true
		for _, f := range valueTexts(old[v.ID], v) {
			add(label(v)+": "+f.name, f.a, f.b)
		}
	}
	for _, v := range before.Values {
		if !seen[v.ID] {
			for _, f := range valueTexts(v, Value{}) {
				add(label(v)+": "+f.name, f.a, f.b)
			}
		}
	}
	return out
}

type textPair struct{ name, a, b string }

// valueTexts pairs the texts of a value as it was and as it is.
func valueTexts(a, b Value) []textPair {
	return []textPair{
		{"name", a.Name, b.Name},
		{"description", a.Description, b.Description},
		{"what it means", a.Meaning, b.Meaning},
		{"in action", a.InAction, b.InAction},
		{"how it could be misread", a.Misread, b.Misread},
		{"how we judge it", a.JudgedBy, b.JudgedBy},
		{"relationships", a.Relationships, b.Relationships},
	}
}
