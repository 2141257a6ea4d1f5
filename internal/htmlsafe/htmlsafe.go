// Package htmlsafe makes HTML that comes from outside (customers' mail, API
// clients) safe to store and to show to agents, and derives plain text from
// it for search and notifications. The mail channel and the API share it, so
// one policy decides what survives whichever door HTML came in by.
//
// The policy is modelled on bluemonday's user-generated-content policy,
// narrowed:
//   - no script, style sheets, forms, frames, embedded objects, SVG or MathML;
//     their text content is dropped where it is not meant to be read;
//   - no event handlers, no id or class (a message must not clobber or style
//     the page it is shown in), and only a handful of inline style properties
//     whose values are checked (colour, weight, alignment...);
//   - links only to http, https and mailto, with rel="nofollow noreferrer
//     noopener" and target="_blank" on links to other sites;
//   - images only from cid: (inline parts of a mail), data: URIs of raster
//     images (png, jpeg, gif, webp; never SVG) and our own attachment URLs
//     (/api/v1/attachments/{id}).
//
// Remote images are not loaded without the agent's consent, since loading
// them tells the sender that, when and where the message was read. Their
// address is kept rather than dropped: an <img src="https://..."> is stored
// as <img data-remote-src="https://...">, which no browser fetches, so the
// page can offer "show remote images" and copy the attribute back into src
// when asked. Any other image source is removed.
package htmlsafe

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// RemoteSrcAttr holds the address of a remote image that is not loaded
// until someone consents.
const RemoteSrcAttr = "data-remote-src"

// AttachmentPath is the prefix of our own attachment URLs, which images may
// load from.
const AttachmentPath = "/api/v1/attachments/"

var (
	// imageSrc is every src an image may keep (after the rewrite of remote
	// images). data: URIs are checked again by dataImage.
	imageSrc = regexp.MustCompile(`^(cid:[^\s"'<>]+|data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+|` +
		regexp.QuoteMeta(AttachmentPath) + `[0-9]+)$`)
	dataImagePrefix = regexp.MustCompile(`^image/(png|jpeg|gif|webp);base64,`)
	remoteSrc       = regexp.MustCompile(`^https?://[^\s"'<>]+$`)
	linkHref        = regexp.MustCompile(`(?i)^(https?://|mailto:)[^\s"'<>]+$`)
)

// policy is built once; a bluemonday policy is safe for concurrent use
// once built.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	// Relative URLs pass the URL check only so that our own attachment URLs
	// can; every URL attribute below also has a pattern that decides.
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	p.AllowURLSchemeWithCustomPolicy("data", dataImage)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)).Globally()
	// Each property's value is checked by bluemonday's handler for it, which
	// refuses url(), expression() and the like.
	p.AllowStyles("color", "background-color", "font-weight", "font-style", "text-decoration",
		"text-align").Globally()

	p.AllowElements("p", "br", "div", "span", "hr", "wbr", "h1", "h2", "h3", "h4", "h5", "h6",
		"b", "i", "u", "s", "strike", "em", "strong", "small", "big", "sub", "sup", "code", "pre", "tt",
		"kbd", "samp", "var", "abbr", "cite", "dfn", "mark", "q", "blockquote", "del", "ins",
		"figure", "figcaption", "section", "article", "aside", "hgroup", "summary", "center",
		"address", "caption", "details")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`(?i)^(|open)$`)).OnElements("details")
	p.AllowLists()
	p.AllowTables()

	p.AllowAttrs("href").Matching(linkHref).OnElements("a")
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs(RemoteSrcAttr).Matching(remoteSrc).OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")

	// What these hold is not meant to be read as text.
	p.SkipElementsContent("head", "template", "svg", "math", "select", "datalist")
	return p
}

// dataImage accepts data: URIs of raster images whose payload is valid
// base64, and nothing else (no SVG, no HTML).
func dataImage(u *url.URL) bool {
	if !dataImagePrefix.MatchString(u.Opaque) {
		return false
	}
	payload := dataImagePrefix.ReplaceAllString(u.Opaque, "")
	_, err := base64.StdEncoding.DecodeString(payload)
	return err == nil
}

// Sanitize returns s with everything the policy does not allow removed, and
// remote image sources moved to data-remote-src.
func Sanitize(s string) string {
	return strings.TrimSpace(policy.Sanitize(holdRemoteImages(s)))
}

// holdRemoteImages parses s as the browser would (a fragment of a body) and
// moves each remote image's address from src to data-remote-src. The
// sanitiser runs after it and has the last word on everything.
func holdRemoteImages(s string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return s // the sanitiser still removes any remote image source
	}
	var b strings.Builder
	for _, n := range nodes {
		walk(n, rewriteImage)
		walk(n, dropHostlessLink)
		if err := html.Render(&b, n); err != nil {
			return s
		}
	}
	return b.String()
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func rewriteImage(n *html.Node) {
	if n.Type != html.ElementNode || n.DataAtom != atom.Img || n.Namespace != "" {
		return
	}
	attrs := n.Attr[:0]
	for _, a := range n.Attr {
		switch {
		case a.Namespace != "":
			continue
		case a.Key == "src":
			if remote, ok := remoteAddress(a.Val); ok {
				a = html.Attribute{Key: RemoteSrcAttr, Val: remote}
			}
		}
		attrs = append(attrs, a)
	}
	n.Attr = attrs
}

// dropHostlessLink removes the href of a link to http or https without a
// host ("https://#", "https://@", "http:///evil.example"). The policy's
// pattern lets such an address through, the sanitiser then writes it as a
// relative one ("https:") and, seeing no host, does not mark it as leaving
// the site; yet a browser resolves it against the page, or, with the extra
// slash, to another site after all.
func dropHostlessLink(n *html.Node) {
	if n.Type != html.ElementNode || n.DataAtom != atom.A || n.Namespace != "" {
		return
	}
	n.Attr = slices.DeleteFunc(n.Attr, func(a html.Attribute) bool {
		if a.Namespace != "" || a.Key != "href" {
			return false
		}
		u, err := url.Parse(strings.TrimSpace(a.Val))
		if err != nil {
			return true
		}
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
			return u.Hostname() == ""
		}
		return false // the policy judges every other address
	})
}

// remoteAddress reports whether src loads from another site, and its
// absolute address (a protocol-relative //host/x becomes https://host/x).
func remoteAddress(src string) (string, bool) {
	src = strings.TrimSpace(src)
	if strings.HasPrefix(src, "//") {
		src = "https:" + src
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.String(), true
	}
	return "", false
}
