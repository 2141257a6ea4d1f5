package mail

import (
	"strings"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"golang.org/x/text/encoding/htmlindex"
)

// fallbackCharset is what unlabelled 8-bit text most often is in mail:
// Windows' Western European code page (a superset of ISO-8859-1).
const fallbackCharset = "windows-1252"

// textCharset returns the charset of the mail's first text part (as
// declared, or as the parser detected it), or "" when it has none. Headers
// sent as raw 8-bit bytes, against RFC 5322, are nearly always in it.
func textCharset(env *enmime.Envelope) string {
	if env.Root == nil {
		return ""
	}
	var cs string
	_ = env.Root.DepthMatchFirst(func(p *enmime.Part) bool {
		if strings.HasPrefix(p.ContentType, "text/") && p.Charset != "" {
			cs = p.Charset
			if p.OrigCharset != "" {
				cs = p.OrigCharset
			}
			return true
		}
		return false
	})
	return cs
}

// decode8bit returns s as valid UTF-8: unchanged when it already is, else
// decoded from charset (fallbackCharset when the mail names none), with
// what cannot be decoded as U+FFFD.
func decode8bit(s, charset string) string {
	if utf8.ValidString(s) {
		return s
	}
	if strings.TrimSpace(charset) == "" {
		charset = fallbackCharset
	}
	enc, err := htmlindex.Get(charset)
	if err != nil || isUTF8(charset) {
		// Broken UTF-8 stays what it is, its bad bytes marked.
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	if out, err := enc.NewDecoder().String(s); err == nil {
		return strings.ToValidUTF8(out, "\uFFFD")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func isUTF8(cs string) bool {
	cs = strings.ToLower(strings.TrimSpace(cs))
	return cs == "utf-8" || cs == "utf8"
}
