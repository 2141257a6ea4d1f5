package kb

import (
	"regexp"
	"strings"
	"unicode"
)

// SnippetPart is a run of a snippet's text; Mark says it is a word the
// search found, for the page to highlight.
type SnippetPart struct {
	Text string
	Mark bool
}

// Snippet is a few dozen words of an article around the first word found.
type Snippet []SnippetPart

// String is the snippet as plain text.
func (s Snippet) String() string {
	var b strings.Builder
	for _, p := range s {
		b.WriteString(p.Text)
	}
	return b.String()
}

const (
	snippetWords  = 30
	snippetBefore = 8
)

// snippetOf cuts a snippet from text around the first of the words found,
// marking each word of the text that is a form of one of them.
func snippetOf(text string, found []string) Snippet {
	tokens := splitKeep(text)
	bases := make([]string, len(found))
	for i, w := range found {
		bases[i] = base(w)
	}
	first := -1
	for i, t := range tokens {
		if isWord(t) && matchesAny(t, bases) {
			first = i
			break
		}
	}
	start := 0
	if first > 0 {
		start = max(0, first-2*snippetBefore) // tokens alternate with spaces
	}
	end := min(len(tokens), start+2*snippetWords)
	var out Snippet
	if start > 0 {
		out = append(out, SnippetPart{Text: "… "})
	}
	for _, t := range tokens[start:end] {
		mark := isWord(t) && matchesAny(t, bases)
		if n := len(out); n > 0 && !out[n-1].Mark && !mark {
			out[n-1].Text += t
			continue
		}
		out = append(out, SnippetPart{Text: t, Mark: mark})
	}
	if end < len(tokens) {
		out = append(out, SnippetPart{Text: " …"})
	}
	return out
}

// splitKeep splits text into words and the runs between them, each run
// of whitespace made one space.
func splitKeep(text string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	for _, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w != inWord && cur.Len() > 0 {
			out = append(out, spaces.ReplaceAllString(cur.String(), " "))
			cur.Reset()
		}
		inWord = w
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, spaces.ReplaceAllString(cur.String(), " "))
	}
	return out
}

var spaces = regexp.MustCompile(`\s+`)

func isWord(t string) bool {
	for _, r := range t {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return false
}

// base is a word without the common English endings, so "refunds",
// "refunded" and "refunding" all start with the base of "refund".
func base(w string) string {
	w = strings.ToLower(w)
	for _, suffix := range []string{"ing", "ed", "es", "s", "ly", "e", "y"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 3 {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

func matchesAny(token string, bases []string) bool {
	t := strings.ToLower(token)
	for _, b := range bases {
		if strings.HasPrefix(t, b) || strings.HasPrefix(b, base(t)) && len(base(t)) >= 3 {
			return true
		}
	}
	return false
}
