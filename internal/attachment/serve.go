package attachment

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Serve writes a file so that no browser runs it: its type is the one
// decided from its content on upload, with nosniff; anything but a safe
// raster image is a download (Content-Disposition: attachment); and a
// sandboxing CSP covers a file opened directly all the same. The API and
// the pages serve attachments through it alike.
func Serve(w http.ResponseWriter, r *http.Request, a *Attachment, f io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	h.Set("Content-Disposition", disposition(a))
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+a.SHA256+`"`) // the content never changes under an id
	http.ServeContent(w, r, "", a.CreatedAt, f)
}

// disposition says how a browser handles the file, with its name in both
// forms of RFC 6266: an ASCII fallback and the UTF-8 original.
func disposition(a *Attachment) string {
	kind := "attachment"
	if Inline(a.ContentType) {
		kind = "inline"
	}
	return kind + `; filename="` + asciiFilename(a.Filename) + `"; filename*=UTF-8''` + encodeRFC5987(a.Filename)
}

// asciiFilename replaces what cannot stand in a quoted header value.
func asciiFilename(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

// encodeRFC5987 percent-encodes every byte but RFC 5987's attr-char.
func encodeRFC5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
