package httpx

import (
	"net/url"
	"strings"
)

// LocalPath returns s when it is a path on this site that a browser cannot
// read as another site, and fallback otherwise. Every redirect target a
// request can choose (next, back and the like) goes through it.
//
// Browsers forgive a lot before they parse a Location (the WHATWG URL
// standard): they drop ASCII tab, CR and LF anywhere, trim C0 controls and
// spaces at both ends, and read `\` as `/`. So "/\t/evil.example" is
// "//evil.example" to them, another host. LocalPath first does what a
// browser does, then accepts only what starts with exactly one "/", has no
// `\`, no control or non-ASCII byte, and parses with no scheme and no host.
// It also refuses a path that would start with "//" once percent-decoded or
// once its dot segments are removed, so that nothing which decodes or
// cleans the path later (a proxy, a router, another redirect) can turn it
// into a host.
func LocalPath(s, fallback string) string {
	s = browserTrim(s)
	if !isLocalPath(s) {
		return fallback
	}
	return s
}

// browserTrim removes what a browser removes from a URL before parsing it:
// tab, CR and LF anywhere, and C0 controls and spaces at both ends.
func browserTrim(s string) string {
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

func isLocalPath(s string) bool {
	if len(s) == 0 || s[0] != '/' || (len(s) > 1 && s[1] == '/') {
		return false
	}
	for i := 0; i < len(s); i++ {
		// Controls and spaces left inside, DEL and raw non-ASCII (whose
		// look-alikes of "/" some software folds) have no place in a link
		// we made: ours are percent-encoded.
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return false
	}
	// u.Path is percent-decoded: "/%2F/x" and "/%5Cx" read as "//x" and
	// "/\x" to anything that decodes once more.
	if strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\") || hasControl(u.Path) {
		return false
	}
	// "/.//x" (or "/%2e%2f/x", decoded) is "//x" once its dot segments are
	// removed; "/../%2F" is "//" once they are removed first and the rest
	// decoded after. Both orders must stay on the site.
	decodedFirst := siteRoot.ResolveReference(&url.URL{Path: u.Path})
	removedFirst := siteRoot.ResolveReference(u)
	return !strings.HasPrefix(decodedFirst.Path, "//") && !strings.HasPrefix(removedFirst.Path, "//")
}

// siteRoot stands for this site when LocalPath removes dot segments; any
// host would do.
var siteRoot = &url.URL{Scheme: "https", Host: "desk.invalid", Path: "/"}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}
