package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
)

// Register lists every API route: the one place to see the API's surface.
func (a *API) Register(mux *http.ServeMux) {
	a.handle(mux, "GET /api/v1/me", anyUser, a.me)

	a.handle(mux, "GET /api/v1/users", adminOnly, a.listUsers)
	a.handle(mux, "POST /api/v1/users", adminOnly, a.createUser)
	a.handle(mux, "GET /api/v1/users/{id}", adminOnly, a.getUser)
	a.handle(mux, "PATCH /api/v1/users/{id}", adminOnly, a.updateUser)
	a.handle(mux, "DELETE /api/v1/users/{id}/two-factor", adminOnly, a.resetTwoFactor)

	a.handle(mux, "GET /api/v1/tokens", anyUser, a.listTokens)
	a.handle(mux, "POST /api/v1/tokens", anyUser, a.createToken)
	a.handle(mux, "DELETE /api/v1/tokens/{id}", anyUser, a.revokeToken)

	a.handle(mux, "GET /api/v1/audit", adminOnly, a.listAudit)
	a.handle(mux, "GET /api/v1/settings", adminOnly, a.getSettings)
	a.handle(mux, "PATCH /api/v1/settings", adminOnly, a.updateSettings)

	mux.Handle("/api/", httpx.JSON(a.Log, a.notFound))
}
