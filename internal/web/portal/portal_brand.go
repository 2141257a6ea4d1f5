package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/settings"
)

// brandVersion names a brand colour in the style sheet's URL, so browsers
// may cache the sheet for good and still see a new colour at once.
func brandVersion(colour string) string {
	sum := sha256.Sum256([]byte(colour))
	return hex.EncodeToString(sum[:])[:10]
}

// portalBrandCSS serves the brand colour, and the text colour that meets
// WCAG AA on it, as CSS custom properties that static/portal.css uses.
// Generated rather than written into a style attribute, which the CSP
// forbids. The colour was validated as #rrggbb when saved.
func (wb *Pages) portalBrandCSS(w http.ResponseWriter, r *http.Request) error {
	st, err := wb.Settings.Get(r.Context())
	if err != nil {
		return err
	}
	colour, err := settings.NormalizeColour(st.BrandColour)
	if err != nil {
		colour = settings.DefaultBrandColour
	}
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("v") == brandVersion(colour) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	st.BrandColour = colour
	_, err = w.Write([]byte(":root {\n  --brand: " + colour + ";\n  --brand-text: " + st.BrandTextColour() + ";\n}\n"))
	return err
}
