package htmlsafe_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// allowedElements are all the elements the policy lets through.
var allowedElements = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`p br div span hr wbr h1 h2 h3 h4 h5 h6 b i u s strike em strong small
		big sub sup code pre tt kbd samp var abbr cite dfn mark q blockquote del ins figure figcaption section
		article aside hgroup summary center address caption details ul ol li dl dt dd table thead tbody tfoot
		tr td th col colgroup a img`) {
		allowedElements[e] = true
	}
}

var (
	safeHref = regexp.MustCompile(`(?i)^(https?://|mailto:)`)
	safeSrc  = regexp.MustCompile(`^(cid:|data:image/(png|jpeg|gif|webp);base64,|/api/v1/attachments/[0-9]+$)`)
)

// FuzzSanitize checks the sanitiser's promises on any input: what comes out
// holds no script, no element outside the policy, no event handler, no
// link or image to a script or an unexpected place, no style that loads
// anything; sanitising it again changes nothing that matters.
func FuzzSanitize(f *testing.F) {
	for _, tc := range hostile {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := htmlsafe.Sanitize(in)
		checkSafe(t, in, out)
		again := htmlsafe.Sanitize(out)
		checkSafe(t, out, again)
		if again != htmlsafe.Sanitize(again) {
			t.Errorf("sanitising does not settle:\n%q\n%q\n%q", out, again, htmlsafe.Sanitize(again))
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Errorf("valid UTF-8 in, invalid out: %q", out)
		}
	})
}

func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("<script in the output of %q:\n%q", in, out)
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		t.Fatalf("the output of %q does not parse: %v", in, err)
	}
	var check func(n *html.Node)
	check = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !allowedElements[n.Data] || n.Namespace != "" {
				t.Fatalf("element <%s> (namespace %q) in the output of %q:\n%q", n.Data, n.Namespace, in, out)
			}
			for _, a := range n.Attr {
				key, val := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(key, "on"):
					t.Fatalf("event handler %s in the output of %q:\n%q", a.Key, in, out)
				case strings.Contains(val, "javascript:") || strings.Contains(val, "vbscript:"):
					t.Fatalf("script URL in %s of the output of %q:\n%q", a.Key, in, out)
				case key == "href" && !safeHref.MatchString(a.Val):
					t.Fatalf("href %q in the output of %q", a.Val, in)
				case key == "src" && !safeSrc.MatchString(a.Val):
					t.Fatalf("src %q in the output of %q", a.Val, in)
				case key == "style" && (strings.Contains(val, "url(") || strings.Contains(val, "expression")):
					t.Fatalf("style %q in the output of %q", a.Val, in)
				case key == "id" || key == "class" || key == "name" || key == "srcset" || key == "formaction":
					t.Fatalf("attribute %s in the output of %q", a.Key, in)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			check(c)
		}
	}
	for _, n := range nodes {
		check(n)
	}
}
