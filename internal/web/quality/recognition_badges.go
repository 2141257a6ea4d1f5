package quality

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

// badgeImage serves GET /badges/{id}.svg: a value's badge. It needs no
// sign-in (a badge shows a value's code and colour, which the team shares
// beyond itself), and is cached for a year when asked for with its
// current version (?v=, see recognition.BadgePath), since a changed badge
// gets a new address.
func (wb *Pages) badgeImage(w http.ResponseWriter, r *http.Request) {
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	b, err := wb.Recognition.ValueBadge(r.Context(), id)
	if apperr.Is(err, apperr.KindNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		httpx.LogError(r, wb.Log, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("X-Content-Type-Options", "nosniff")
	// The picture holds no script; this keeps it that way if opened alone.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	etag := `"` + b.ETag() + `"`
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == b.ETag() {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(b.SVG())
}
