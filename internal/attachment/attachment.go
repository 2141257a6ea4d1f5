// Package attachment stores the files that come with messages. The bytes
// live on disk under the data directory, addressed by their SHA-256
// (attachments/ab/cd/<sha256>), so the same content is stored once however
// often it is sent; the database holds one row per attachment (its name,
// type, size and message) and one per stored file (blobs), so the collector
// knows when a file is no longer used.
//
// A file is uploaded first, unattached, and becomes attached to a message in
// the transaction that stores the message (Attach). Uploads never attached
// are collected after OrphanAge (CollectOrphans).
package attachment

import (
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Attachment is one file that came with a message, or waits to.
type Attachment struct {
	ID        int64  `json:"id"`
	MessageID *int64 `json:"message_id"` // nil until attached
	Filename  string `json:"filename"`
	Size      int64  `json:"size"`
	// ContentType is the type the file is served with: decided on upload
	// from its first bytes, never simply the type the client declared.
	ContentType string    `json:"content_type"`
	SHA256      string    `json:"sha256"`
	UploadedBy  *int64    `json:"-"` // nil when the system stored it
	CreatedAt   time.Time `json:"created_at"`
}

// Limits on attachments. The size limit of one file is a setting
// (settings.AttachmentMaxBytes).
const (
	MaxFilename   = 255 // bytes
	MaxPerMessage = 100
	// OrphanAge is how long an upload may wait to be attached before the
	// collector removes it.
	OrphanAge = 24 * time.Hour
)

// Inline reports whether a file of this content type may be shown in the
// browser rather than downloaded: only raster images that browsers decode
// without running anything. Never SVG, which is a document that runs
// script.
func Inline(contentType string) bool {
	switch essence(contentType) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// servedType decides the type a file is served with, from its first bytes
// (head) and the type its uploader declared. Sniffing wins for safe images;
// anything that a browser could run as a document (HTML, XML, SVG, script)
// by content or by declaration is served as opaque bytes. Otherwise the
// declared type is kept where sniffing cannot tell (office documents, CSV),
// since it is what lets the reader's computer open the file.
func servedType(declared string, head []byte) string {
	sniffed := http.DetectContentType(head)
	if Inline(sniffed) {
		return essence(sniffed)
	}
	dt, params, err := mime.ParseMediaType(declared)
	if err != nil {
		dt = ""
	}
	if risky(essence(sniffed)) || risky(dt) {
		return "application/octet-stream"
	}
	// Sniffing cannot tell these apart from their specific kinds (CSV is
	// text, an office document is a zip).
	generic := essence(sniffed) == "application/octet-stream" || essence(sniffed) == "text/plain" ||
		essence(sniffed) == "application/zip"
	if generic && dt != "" && dt != "application/octet-stream" && !strings.HasPrefix(dt, "image/") {
		keep := map[string]string{}
		if cs, ok := params["charset"]; ok && strings.HasPrefix(dt, "text/") {
			keep["charset"] = cs
		}
		if t := mime.FormatMediaType(dt, keep); t != "" {
			return t
		}
	}
	return sniffed
}

// risky reports whether a browser could treat a type as an active
// document or script.
func risky(t string) bool {
	for _, s := range []string{"html", "svg", "script", "css"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return strings.HasSuffix(t, "/xml") || strings.HasSuffix(t, "+xml") || strings.HasPrefix(t, "multipart/") ||
		t == "application/x-shockwave-flash"
}

func essence(contentType string) string {
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// cleanFilename keeps the last element of a name (browsers and mail clients
// send whole paths), without control or bidirectional-override characters
// (which disguise "txt.exe" as "exe.txt"), at most MaxFilename bytes.
func cleanFilename(name string) (string, error) {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return "", apperr.Invalid("filename", "is required")
	}
	if len(name) > MaxFilename {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = truncate(strings.TrimSuffix(name, ext), MaxFilename-len(ext)) + ext
	}
	return name, nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// tooLarge is the answer to a file over the limit.
func tooLarge(limit int64) error {
	return &apperr.Error{Kind: apperr.KindUnprocessable, Code: "too_large", Field: "file",
		Message: fmt.Sprintf("is larger than the limit of %d bytes (an admin sets attachment_max_bytes)", limit)}
}
