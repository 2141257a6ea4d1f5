package htmlsafe

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Text returns the plain text a reader sees in s: paragraphs and list items
// on lines of their own, whitespace collapsed as a browser would, links
// followed by their address, images by their alt text. It is for search,
// notifications and the text part of outgoing mail, not for display as HTML.
func Text(s string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return ""
	}
	var t textWriter
	for _, n := range nodes {
		t.node(n)
	}
	return strings.TrimSpace(t.b.String())
}

// textWriter builds text, holding back spaces and line breaks until the next
// word so that none pile up at the ends of lines.
type textWriter struct {
	b        strings.Builder
	pre      int  // depth of <pre> elements, where whitespace is kept
	space    bool // a space is due before the next word
	newlines int  // line breaks due before the next word
}

// skipped elements hold nothing a reader sees.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Head: true, atom.Title: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Select: true, atom.Noscript: true,
}

// paragraphs are set apart by a blank line; other blocks by a line break.
var paragraphs = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Ul: true,
	atom.Ol: true, atom.Dl: true, atom.Figure: true, atom.Hr: true,
}

var blocks = map[atom.Atom]bool{
	atom.Div: true, atom.Li: true, atom.Tr: true, atom.Dt: true, atom.Dd: true, atom.Section: true,
	atom.Article: true, atom.Aside: true, atom.Header: true, atom.Footer: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Figcaption: true, atom.Caption: true,
	atom.Center: true, atom.Form: true, atom.Fieldset: true,
}

func (t *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.text(n.Data)
		return
	case html.ElementNode:
	default:
		t.children(n)
		return
	}
	switch a := n.DataAtom; {
	case skipped[a]:
	case a == atom.Br:
		t.lineBreaks(1, true)
	case a == atom.Img:
		t.word("[" + imageLabel(n) + "]")
	case a == atom.A:
		t.link(n)
	case a == atom.Li:
		t.lineBreaks(1, false)
		t.word("-")
		t.space = true
		t.children(n)
		t.lineBreaks(1, false)
	case a == atom.Td || a == atom.Th:
		t.space = true
		t.children(n)
		t.space = true
	case a == atom.Pre:
		t.lineBreaks(2, false)
		t.pre++
		t.children(n)
		t.pre--
		t.lineBreaks(2, false)
	case paragraphs[a]:
		t.lineBreaks(2, false)
		t.children(n)
		t.lineBreaks(2, false)
	case blocks[a]:
		t.lineBreaks(1, false)
		t.children(n)
		t.lineBreaks(1, false)
	default:
		t.children(n)
	}
}

func (t *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.node(c)
	}
}

// link writes a link's text and, when the text does not already say it,
// the address it leads to.
func (t *textWriter) link(n *html.Node) {
	start := t.b.Len()
	t.children(n)
	href := attr(n, "href")
	if href == "" {
		return
	}
	shown := strings.TrimSpace(t.b.String()[start:])
	if shown == href || "mailto:"+shown == href {
		return
	}
	if shown == "" {
		t.word(href)
		return
	}
	t.space = true
	t.word("(" + href + ")")
}

func imageLabel(n *html.Node) string {
	if alt := strings.Join(strings.Fields(attr(n, "alt")), " "); alt != "" {
		return "image: " + alt
	}
	return "image"
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text writes a text node: inside <pre> as it is, elsewhere with runs of
// whitespace collapsed into one space.
func (t *textWriter) text(s string) {
	if t.pre > 0 {
		t.flush()
		t.b.WriteString(s)
		return
	}
	if s == "" {
		return
	}
	if isSpace(s[0]) {
		t.space = true
	}
	for i, w := range strings.Fields(s) {
		if i > 0 {
			t.space = true
		}
		t.word(w)
	}
	if isSpace(s[len(s)-1]) {
		t.space = true
	}
}

// word writes w after whatever breaks or space are due.
func (t *textWriter) word(w string) {
	t.flush()
	t.b.WriteString(w)
}

func (t *textWriter) flush() {
	switch {
	case t.b.Len() == 0:
	case t.newlines > 0:
		// Text from a <pre> may already end in some of the breaks due.
		have := len(t.b.String()) - len(strings.TrimRight(t.b.String(), "\n"))
		t.b.WriteString(strings.Repeat("\n", max(0, t.newlines-have)))
	case t.space:
		t.b.WriteByte(' ')
	}
	t.newlines, t.space = 0, false
}

// lineBreaks asks for n line breaks before the next word. Breaks that blocks
// ask for merge (a paragraph after a paragraph is one blank line); those of
// <br> add up, since each one is a line the author wanted.
func (t *textWriter) lineBreaks(n int, add bool) {
	if add {
		t.newlines += n
	} else {
		t.newlines = max(t.newlines, n)
	}
	t.space = false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
