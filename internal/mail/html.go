package mail

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// The HTML of a mail is prepared here and sanitised by the ticket core
// (htmlsafe) when it is stored. Both steps below work on the parsed tree
// because the markers they look for (class, id, type) are exactly what the
// sanitiser removes.

// QuoteSummary labels folded history in the view.
const QuoteSummary = "Quoted text"

// foldHTMLQuote wraps the quoted history of an HTML reply in
// <details><summary>Quoted text</summary>…</details>, which the browser
// shows folded. It recognises Gmail (div.gmail_quote), Apple Mail and
// Thunderbird (blockquote type=cite and its attribution), Outlook
// (div#divRplyFwdMsg / #appendonsend and everything after) and Yahoo
// (div.yahoo_quoted). Forwarded messages are content and stay open.
func foldHTMLQuote(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return src
	}
	start := findQuote(doc)
	if start == nil || !textBefore(doc, start) {
		return src
	}
	wrapFrom(start)
	return render(doc, src)
}

// findQuote returns the first node where history starts, or nil.
func findQuote(doc *html.Node) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if isQuoteStart(n) {
			if isForward(n) {
				return false
			}
			found = n
			if prev := attributionBefore(n); prev != nil {
				found = prev
			}
			return false
		}
		return true
	})
	return found
}

func isQuoteStart(n *html.Node) bool {
	class, id := " "+attr(n, "class")+" ", attr(n, "id")
	switch {
	case strings.Contains(class, " gmail_quote ") || strings.Contains(class, " gmail_quote_container "),
		strings.Contains(class, " yahoo_quoted "), strings.Contains(class, " moz-cite-prefix "),
		n.DataAtom == atom.Blockquote && strings.EqualFold(attr(n, "type"), "cite"),
		id == "divRplyFwdMsg", id == "appendonsend", id == "mail-editor-reference-message-container":
		return true
	}
	return false
}

// attributionBefore returns the "On ... wrote:" element just before a
// blockquote (Apple Mail writes it as a sibling div), or nil.
func attributionBefore(n *html.Node) *html.Node {
	if n.DataAtom != atom.Blockquote {
		return nil
	}
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.TextNode && strings.TrimSpace(p.Data) == "" {
			continue
		}
		if p.Type == html.ElementNode && attribution.MatchString(strings.TrimSpace(htmlsafe.Text(renderNode(p)))) {
			return p
		}
		return nil
	}
	return nil
}

// isForward reports whether a quote-looking element holds a forwarded
// message rather than history.
func isForward(n *html.Node) bool {
	text := strings.TrimSpace(htmlsafe.Text(renderNode(n)))
	first, _, _ := strings.Cut(text, "\n")
	return forwarded.MatchString(first) || strings.Contains(strings.ToLower(first), "forwarded message")
}

// textBefore reports whether the reply has text of its own before start,
// so that a mail that is nothing but a quote is not folded away.
func textBefore(doc, start *html.Node) bool {
	has, done := false, false
	walk(doc, func(n *html.Node) bool {
		if n == start {
			done = true
		}
		if done || has {
			return false
		}
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) != "" && !inHead(n) {
			has = true
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			has = true
		}
		return true
	})
	return has
}

func inHead(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.Head, atom.Style, atom.Script, atom.Title:
			return true
		}
	}
	return false
}

// wrapFrom moves start and every sibling after it into a <details>
// element in start's place: history runs to the end of the message.
func wrapFrom(start *html.Node) {
	parent := start.Parent
	details := &html.Node{Type: html.ElementNode, Data: "details", DataAtom: atom.Details}
	summary := &html.Node{Type: html.ElementNode, Data: "summary", DataAtom: atom.Summary}
	summary.AppendChild(&html.Node{Type: html.TextNode, Data: QuoteSummary})
	details.AppendChild(summary)
	parent.InsertBefore(details, start)
	for n := start; n != nil; {
		next := n.NextSibling
		parent.RemoveChild(n)
		details.AppendChild(n)
		n = next
	}
}

// RewriteCIDs points images that reference inline parts (src="cid:...")
// at the attachments those parts were stored as, so they show in place.
// byCID maps a Content-ID to an attachment id.
func RewriteCIDs(src string, byCID map[string]int64) string {
	if len(byCID) == 0 || !strings.Contains(strings.ToLower(src), "cid:") {
		return src
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return src
	}
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.DataAtom != atom.Img {
			return true
		}
		for i, a := range n.Attr {
			if a.Key != "src" || len(a.Val) < 4 || !strings.EqualFold(a.Val[:4], "cid:") {
				continue
			}
			if id, ok := byCID[strings.Trim(strings.TrimSpace(a.Val[4:]), "<>")]; ok {
				n.Attr[i].Val = htmlsafe.AttachmentPath + strconv.FormatInt(id, 10)
			}
		}
		return true
	})
	return render(doc, src)
}

// walk visits n and its descendants in document order; fn returns whether
// to descend into a node's children.
func walk(n *html.Node, fn func(*html.Node) bool) {
	if !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		walk(c, fn)
		c = next
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func render(doc *html.Node, fallback string) string {
	var b strings.Builder
	if err := html.Render(&b, doc); err != nil {
		return fallback
	}
	return b.String()
}

func renderNode(n *html.Node) string {
	var b strings.Builder
	_ = html.Render(&b, n)
	return b.String()
}
