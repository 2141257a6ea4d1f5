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

	// POSTs that create something honour Idempotency-Key, so clients can retry.
	once := a.Idempotency.Wrap
	a.handle(mux, "GET /api/v1/tickets", anyUser, a.listTickets)
	a.handle(mux, "POST /api/v1/tickets", anyUser, once(a.createTicket))
	a.handle(mux, "GET /api/v1/tickets/{id}", anyUser, a.getTicket)
	a.handle(mux, "PATCH /api/v1/tickets/{id}", anyUser, a.updateTicket)
	a.handle(mux, "GET /api/v1/tickets/{id}/messages", anyUser, a.listMessages)
	a.handle(mux, "POST /api/v1/tickets/{id}/messages", anyUser, once(a.addMessage))
	a.handle(mux, "GET /api/v1/tickets/{id}/events", anyUser, a.listEvents)

	a.handle(mux, "GET /api/v1/customers", anyUser, a.listCustomers)
	a.handle(mux, "POST /api/v1/customers", anyUser, once(a.createCustomer))
	a.handle(mux, "GET /api/v1/customers/{id}", anyUser, a.getCustomer)

	a.handle(mux, "GET /api/v1/teams", anyUser, a.listTeams)
	a.handle(mux, "POST /api/v1/teams", adminOnly, once(a.createTeam))
	a.handle(mux, "GET /api/v1/teams/{id}", anyUser, a.getTeam)
	a.handle(mux, "PATCH /api/v1/teams/{id}", adminOnly, a.updateTeam)
	a.handle(mux, "DELETE /api/v1/teams/{id}", adminOnly, a.deleteTeam)

	a.handle(mux, "GET /api/v1/tags", anyUser, a.listTags)
	a.handle(mux, "PATCH /api/v1/tags/{name}", adminOnly, a.renameTag)
	a.handle(mux, "DELETE /api/v1/tags/{name}", adminOnly, a.deleteTag)

	// The document is public: it describes the API, not anyone's data.
	a.routes = append(a.routes, route{"GET /api/v1/openapi.json", anyUser})
	mux.Handle("GET /api/v1/openapi.json", httpx.JSON(a.Log, a.serveOpenAPI(a.openAPI())))
	mux.Handle("/api/", httpx.JSON(a.Log, a.notFound))
}
