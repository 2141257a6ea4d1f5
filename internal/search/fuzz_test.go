package search

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tsqueryShape is the only SQL tsquery may build: fixed function calls on
// numbered parameters, AND-ed. Nothing typed reaches the SQL text.
var tsqueryShape = regexp.MustCompile(`^\(((to_tsquery|phraseto_tsquery|plainto_tsquery)\('english', \$[0-9]+\)( && (to_tsquery|phraseto_tsquery|plainto_tsquery)\('english', \$[0-9]+\))*)?\)$`)

// FuzzParseQuery checks the query parser on any input: it never panics,
// keeps within its bounds, yields terms of valid UTF-8 without NUL or other
// control characters, and renders them so that the SQL stays parameterised
// (PostgreSQL) and the FTS5 expression stays a list of quoted phrases of
// letters and digits (SQLite).
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`refund`, `"billing address" late`, `bill*`, `"credit card"*`, `NEAR(a b) OR c NOT d`,
		`subject:refund -spam +x ^y`, `"unclosed phrase`, `#1042`, "a\x00b", "caf\xe9", `'); DROP TABLE tickets; --`,
		`a:* & !b | c <-> d`, "\u200b\u0301\u0300", `日本語 テスト`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := parseQuery(s)
		if len(q.terms) > maxTerms {
			t.Fatalf("%q: %d terms", s, len(q.terms))
		}
		for _, tm := range q.terms {
			if !clean(tm.raw) {
				t.Fatalf("%q: term %q holds a control character or invalid UTF-8", s, tm.raw)
			}
			if len(tm.words) == 0 {
				t.Fatalf("%q: term %q has no words", s, tm.raw)
			}
			for _, w := range tm.words {
				if w == "" || strings.ContainsFunc(w, func(r rune) bool {
					return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
				}) || !utf8.ValidString(w) {
					t.Fatalf("%q: word %q is not only letters and digits", s, w)
				}
			}
		}
		sql, args := q.tsquery(3)
		if !tsqueryShape.MatchString(sql) || len(args) != len(q.terms) {
			t.Fatalf("%q: tsquery %s with %d args for %d terms", s, sql, len(args), len(q.terms))
		}
		for _, a := range args {
			if v, ok := a.(string); !ok || !clean(v) {
				t.Fatalf("%q: argument %q", s, a)
			}
		}
		expr := q.fts5()
		if !clean(expr) || strings.Count(expr, `"`) != 2*len(q.terms) {
			t.Fatalf("%q: fts5 %q", s, expr)
		}
	})
}

// clean reports whether s is valid UTF-8 without control characters.
func clean(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}
