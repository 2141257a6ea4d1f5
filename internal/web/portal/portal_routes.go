package portal

import "net/http"

// portalBrandCSSHandler serves the portal's colour sheet outside the page
// adapter: it needs no session.
func (wb *Pages) portalBrandCSSHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := wb.portalBrandCSS(w, r); err != nil {
			wb.Log.Error("portal: brand style sheet", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	})
}
