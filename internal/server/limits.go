package server

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ratelimit"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// limitPublicForms counts the forms anyone may post without signing in
// (the pages' public POST routes, as their route tables declare them: the
// agents' sign-in and its second step, the portal's sign-in link request
// and its confirmation) against the client address's rate limit. The API
// counts its own requests without a token against the same limit.
func limitPublicForms(log *slog.Logger, limit *ratelimit.Policy, routes []kit.Recorded, next http.Handler) http.Handler {
	if limit == nil {
		return next
	}
	forms := publicForms(routes)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if _, pattern := forms.Handler(r); pattern != "" {
				if err := limit.Allow(w, ratelimit.AddressKey(httpx.ClientIP(r))); err != nil {
					httpx.WriteError(w, r, log, err)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// publicForms is a mux that matches exactly the public POST routes among
// routes, so the limit follows the route tables rather than a copy of
// their paths.
func publicForms(routes []kit.Recorded) *http.ServeMux {
	forms := http.NewServeMux()
	for _, rt := range routes {
		if rt.Level == kit.Public && strings.HasPrefix(rt.Pattern, http.MethodPost+" ") {
			forms.Handle(rt.Pattern, http.NotFoundHandler())
		}
	}
	return forms
}
