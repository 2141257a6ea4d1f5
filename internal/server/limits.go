package server

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ratelimit"
)

// limitPublicForms counts the forms anyone may post without signing in
// (the agents' sign-in and its second step, the portal's sign-in link
// request and its confirmation) against the client address's rate limit.
// The API counts its own requests without a token against the same limit.
func limitPublicForms(log *slog.Logger, limit *ratelimit.Policy, next http.Handler) http.Handler {
	if limit == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publicForm(r) {
			if err := limit.Allow(w, ratelimit.AddressKey(httpx.ClientIP(r))); err != nil {
				httpx.WriteError(w, r, log, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// publicForm reports whether r posts one of the forms that need no
// sign-in (the public routes in internal/web/account/routes.go and
// internal/web/portal/routes.go).
func publicForm(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	switch p := r.URL.Path; p {
	case "/signin", "/signin/two-factor", "/portal/signin":
		return true
	default:
		return strings.HasPrefix(p, "/portal/signin/")
	}
}
