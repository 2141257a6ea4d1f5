package kb

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// markdown renders articles: GitHub-flavoured tables, lists and strike-
// through; raw HTML in the Markdown is left out by goldmark, and what it
// produces is sanitised again by the policy customers' mail goes through,
// so no door lets a script into the help center.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// render returns an article body's sanitised HTML and its plain text.
func render(md string) (html, text string, err error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return "", "", fmt.Errorf("kb: render markdown: %w", err)
	}
	html = sanitizeImages(buf.String())
	return html, htmlsafe.Text(html), nil
}
