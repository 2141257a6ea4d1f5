package search

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on what one query may ask of the index; input beyond them is
// ignored rather than refused, so a pasted paragraph still searches.
const (
	maxQueryRunes = 1000
	maxTerms      = 16
	// minPrefix is the shortest prefix that searches as one (bi*): a
	// one-letter prefix would merge the lists of a large part of the
	// vocabulary. A shorter one searches as a whole word.
	minPrefix = 2
)

// term is one thing every hit must contain: a word, a "quoted phrase" or a
// prefix (bill*).
type term struct {
	raw    string   // as typed, without quotes or star
	words  []string // its runs of letters and digits, in order
	phrase bool
	prefix bool // the last word is a prefix
}

// query is a user's search, parsed. Words are AND-ed.
type query struct {
	terms  []term
	number int64 // a ticket number the query names (#1042 or 1042), or 0
}

// parseQuery reads what a person typed: words, "quoted phrases" and
// prefixes (bill*). Operators of either database's query language are not
// operators here: every term is reduced to runs of letters and digits, so
// no input can be a syntax error.
func parseQuery(s string) query {
	s = strings.TrimSpace(strings.Map(noControl, strings.ToValidUTF8(s, " ")))
	if utf8.RuneCountInString(s) > maxQueryRunes {
		s = string([]rune(s)[:maxQueryRunes])
	}
	var q query
	if n, ok := ticketNumber(s); ok {
		q.number = n
	}
	for len(q.terms) < maxTerms {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			break
		}
		var t term
		if rest, ok := strings.CutPrefix(s, `"`); ok {
			end := strings.IndexByte(rest, '"')
			if end < 0 {
				end = len(rest) // an unclosed quote runs to the end
			}
			t = term{raw: rest[:end], phrase: true}
			s = rest[min(end+1, len(rest)):]
			if t.prefix = strings.HasPrefix(s, "*"); t.prefix {
				s = s[1:]
			}
		} else {
			end := strings.IndexFunc(s, unicode.IsSpace)
			if end < 0 {
				end = len(s)
			}
			t = term{raw: s[:end]}
			s = s[end:]
			t.prefix = strings.HasSuffix(t.raw, "*")
		}
		t.raw = strings.TrimRight(t.raw, "*")
		t.words = words(t.raw)
		if len(t.words) == 0 {
			continue // only punctuation or symbols: nothing to find
		}
		if t.prefix && utf8.RuneCountInString(t.words[len(t.words)-1]) < minPrefix {
			t.prefix = false
		}
		q.terms = append(q.terms, t)
	}
	return q
}

// noControl turns control characters (NUL, which PostgreSQL text cannot
// hold, among them) into spaces.
func noControl(r rune) rune {
	if unicode.IsControl(r) {
		return ' '
	}
	return r
}

// ticketNumber recognises a query that is only a ticket number.
func ticketNumber(s string) (int64, bool) {
	s = strings.TrimPrefix(s, "#")
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// words splits s into runs of letters, digits and combining marks: the
// characters both databases' tokenizers keep.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// hasPrefix reports whether a term of q is a prefix.
func (q query) hasPrefix() bool {
	return slices.ContainsFunc(q.terms, func(t term) bool { return t.prefix })
}

// fts5 renders q as an SQLite FTS5 MATCH expression: each term a quoted
// string of its words (a phrase; "" in it cannot occur, as words hold only
// letters and digits), a prefix marked by a star after the quote, terms
// AND-ed by juxtaposition. Quoting makes NEAR, AND, OR, NOT, parentheses and
// column filters plain text.
func (q query) fts5() string {
	var b strings.Builder
	for i, t := range q.terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.Join(t.words, " "))
		b.WriteByte('"')
		if t.prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// tsquery renders q as a PostgreSQL tsquery expression, its values as
// arguments numbered from $first. PostgreSQL's own parser reads words and
// phrases (plainto_tsquery, phraseto_tsquery accept any text); a prefix is
// built from the term's words alone, which hold no tsquery operators.
func (q query) tsquery(first int) (string, []any) {
	parts := make([]string, len(q.terms))
	args := make([]any, len(q.terms))
	for i, t := range q.terms {
		mark := "$" + strconv.Itoa(first+i)
		switch {
		case t.prefix:
			parts[i] = "to_tsquery('english', " + mark + ")"
			args[i] = strings.Join(t.words, " <-> ") + ":*"
		case t.phrase:
			parts[i] = "phraseto_tsquery('english', " + mark + ")"
			args[i] = t.raw
		default:
			parts[i] = "plainto_tsquery('english', " + mark + ")"
			args[i] = t.raw
		}
	}
	return "(" + strings.Join(parts, " && ") + ")", args
}
