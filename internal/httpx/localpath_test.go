package httpx_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/httpx"
)

// localPathCases are redirect targets and what LocalPath makes of them
// ("" means refused: the fallback).
var localPathCases = []struct{ in, want string }{
	// Paths of our own.
	{"/", "/"},
	{"/ok", "/ok"},
	{"/ok?x=1#f", "/ok?x=1#f"},
	{"/tickets/4", "/tickets/4"},
	{"/inbox?view=mine&cursor=abc", "/inbox?view=mine&cursor=abc"},
	{"/reviews/3#review-badges", "/reviews/3#review-badges"},
	{"/search?q=a%2Fb", "/search?q=a%2Fb"},         // an encoded slash in the query is data
	{"/search?q=caf%C3%A9", "/search?q=caf%C3%A9"}, // percent-encoded UTF-8
	{"/?next=//evil.example", "/?next=//evil.example"},
	{"/http://evil.example", "/http://evil.example"}, // a path segment, not a URL
	{"/@evil.example", "/@evil.example"},
	{"/a/b/../c", "/a/b/../c"},
	// What a browser drops is dropped first.
	{" /ok", "/ok"},
	{"/ok ", "/ok"},
	{"\x00/ok\x1f", "/ok"},
	{"/o\tk", "/ok"},
	{"\n/ok\r", "/ok"},
	// Another host, however it is written.
	{"", ""},
	{"//evil", ""},
	{"///evil", ""},
	{" //evil", ""},
	{"\x00//evil", ""},
	{"\t//evil", ""},
	{"/\t/evil", ""},
	{"/\t/evil.example", ""},
	{"/\r\n/evil", ""},
	{"/\\evil", ""},
	{"\\\\evil", ""},
	{"\\/evil", ""},
	{"/\\/evil", ""},
	{"/ok?x=\\", ""},
	{"/%2F/evil", ""},
	{"/%2f/evil", ""},
	{"/%5Cevil", ""},
	{"/%5c/evil", ""},
	{"/%09/evil", ""},
	{"/%0D%0A/evil", ""},
	{"/%00/evil", ""},
	{"/.//evil", ""},
	{"/%2e%2f/evil", ""},
	{"/./%2Fevil", ""},
	{"/../%2F", ""}, // "//" once dot segments go before decoding
	{"/../%2Fevil", ""},
	{"/a/../%2f/evil", ""},
	{"%2F%2Fevil", ""},
	{"http://evil", ""},
	{"https://evil.example/", ""},
	{"https:evil", ""},
	{"http:/evil", ""},
	{"HTTPS://evil", ""},
	{"javascript:alert(1)", ""},
	{"JaVaScRiPt:alert(1)", ""},
	{" javascript:alert(1)", ""},
	{"java\tscript:alert(1)", ""},
	{"data:text/html,<script>alert(1)</script>", ""},
	{"evil.example", ""},
	{"ok", ""},
	{"./ok", ""},
	{"../evil", ""},
	{"?next=x", ""},
	{"#f", ""},
	{"/%", ""},
	{"/ /evil", ""},
	{"/\x00/evil", ""},
	{"/\x7f/evil", ""},
	// Unicode look-alikes of "/" and "\", and other non-ASCII.
	{"/\uff0f/evil", ""}, // fullwidth solidus
	{"\uff0f\uff0fevil", ""},
	{"/\u2215evil", ""},    // division slash
	{"/\u2044evil", ""},    // fraction slash
	{"/\uff3cevil", ""},    // fullwidth reverse solidus
	{"/\u3000/evil", ""},   // ideographic space
	{"/\u202e/evil", ""},   // right-to-left override
	{"/caf\u00e9", ""},     // raw, not percent-encoded
	{"/\xc0\xaf/evil", ""}, // overlong "/" in UTF-8
}

func TestLocalPath(t *testing.T) {
	const fallback = "/fallback"
	for _, c := range localPathCases {
		want := c.want
		if want == "" {
			want = fallback
		}
		if got := httpx.LocalPath(c.in, fallback); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", c.in, got, want)
		}
	}
}

// browserView is what a browser makes of a Location, written apart from
// LocalPath on purpose (WHATWG URL: trim C0 controls and spaces, drop tab
// and newlines, read `\` as `/`).
func browserView(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	s = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
	return strings.ReplaceAll(s, `\`, "/")
}

// FuzzLocalPath checks that whatever LocalPath accepts stays on this site:
// resolved by net/url against https://desk.example/ its host is
// desk.example, it holds no `\`, a browser reads it as it is, and LocalPath
// accepts it again unchanged.
func FuzzLocalPath(f *testing.F) {
	for _, c := range localPathCases {
		f.Add(c.in)
	}
	base, _ := url.Parse("https://desk.example/")
	const fallback = "\x00refused"
	f.Fuzz(func(t *testing.T, in string) {
		out := httpx.LocalPath(in, fallback)
		if out == fallback {
			return
		}
		if strings.Contains(out, `\`) {
			t.Fatalf("LocalPath(%q) = %q holds a backslash", in, out)
		}
		if browserView(out) != out {
			t.Fatalf("LocalPath(%q) = %q, which a browser reads as %q", in, out, browserView(out))
		}
		ref, err := url.Parse(out)
		if err != nil {
			t.Fatalf("LocalPath(%q) = %q does not parse: %v", in, out, err)
		}
		got := base.ResolveReference(ref)
		if got.Scheme != "https" || got.Host != "desk.example" || got.User != nil {
			t.Fatalf("LocalPath(%q) = %q leaves the site: %s", in, out, got)
		}
		if again, err := url.Parse(got.String()); err != nil || again.Host != "desk.example" {
			t.Fatalf("LocalPath(%q) = %q resolves to %q, read back as host %v (%v)", in, out, got, again, err)
		}
		if strings.Contains(got.String(), `\`) {
			t.Fatalf("LocalPath(%q) = %q resolves to %q, with a backslash", in, out, got)
		}
		if strings.HasPrefix(got.Path, "//") {
			t.Fatalf("LocalPath(%q) = %q resolves to the path %q", in, out, got.Path)
		}
		if again := httpx.LocalPath(out, fallback); again != out {
			t.Fatalf("LocalPath is not stable: %q, then %q", out, again)
		}
	})
}
