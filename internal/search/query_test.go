package search

import (
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in, fts5 string
		number   int64
	}{
		{`refund`, `"refund"`, 0},
		{`  Refund   ORDER `, `"Refund" "ORDER"`, 0},
		{`"billing address" late`, `"billing address" "late"`, 0},
		{`bill*`, `"bill"*`, 0},
		{`"credit card"*`, `"credit card"*`, 0},
		{`b*`, `"b"`, 0}, // too short to search as a prefix
		{`e-mail user@example.com`, `"e mail" "user example com"`, 0},
		{`NEAR(a b) OR c NOT d`, `"NEAR a" "b" "OR" "c" "NOT" "d"`, 0},
		{`subject:refund -spam +x ^y`, `"subject refund" "spam" "x" "y"`, 0},
		{`"unclosed phrase`, `"unclosed phrase"`, 0},
		{`"" () * - "*" 🙂`, ``, 0},
		{`#1042`, `"1042"`, 1042},
		{`1042`, `"1042"`, 1042},
		{`#0`, `"0"`, 0},
		{`#99999999999999999999`, `"99999999999999999999"`, 0},
		{`# 1042`, `"1042"`, 0},
		{`Crème brûlée`, `"Crème" "brûlée"`, 0},
		{`日本語 テスト`, `"日本語" "テスト"`, 0},
	}
	for _, tt := range tests {
		q := parseQuery(tt.in)
		if got := q.fts5(); got != tt.fts5 {
			t.Errorf("parseQuery(%q).fts5() = %s, want %s", tt.in, got, tt.fts5)
		}
		if q.number != tt.number {
			t.Errorf("parseQuery(%q).number = %d, want %d", tt.in, q.number, tt.number)
		}
	}
}

func TestParseQueryBounds(t *testing.T) {
	q := parseQuery(strings.Repeat("word ", 5000))
	if len(q.terms) != maxTerms {
		t.Fatalf("%d terms, want %d", len(q.terms), maxTerms)
	}
	q = parseQuery(`"` + strings.Repeat("x", 10000) + `"`)
	if len(q.terms) != 1 || len([]rune(q.terms[0].raw)) != maxQueryRunes-1 {
		t.Fatalf("long phrase kept as %d terms", len(q.terms))
	}
}

func TestTsquery(t *testing.T) {
	q := parseQuery(`refund "credit card" bill* "e-mai"*`)
	expr, args := q.tsquery(3)
	want := `(plainto_tsquery('english', $3) && phraseto_tsquery('english', $4) && ` +
		`to_tsquery('english', $5) && to_tsquery('english', $6))`
	if expr != want {
		t.Fatalf("expr %s, want %s", expr, want)
	}
	wantArgs := []any{"refund", "credit card", "bill:*", "e <-> mai:*"}
	for i := range wantArgs {
		if args[i] != wantArgs[i] {
			t.Fatalf("args %q, want %q", args, wantArgs)
		}
	}
}

func TestMarkedHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a \x02refund\x03 <b>&", "a <mark>refund</mark> &lt;b&gt;&amp;"},
		{"\x02<script>\x03", "<mark>&lt;script&gt;</mark>"},
		{"stray \x03 close, \x02open", "stray  close, <mark>open</mark>"},
		{"\x02a\x02b\x03\x03", "<mark>ab</mark>"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := markedHTML(tt.in); got != tt.want {
			t.Errorf("markedHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
