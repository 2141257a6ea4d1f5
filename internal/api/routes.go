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
	// More specific than tickets/{id}, so the mux routes export here.
	a.handle(mux, "GET /api/v1/tickets/export", anyUser, a.exportTickets)
	a.handle(mux, "GET /api/v1/search", anyUser, a.searchTickets)
	a.handle(mux, "POST /api/v1/tickets", anyUser, once(a.createTicket))
	a.handle(mux, "GET /api/v1/tickets/{id}", anyUser, a.getTicket)
	a.handle(mux, "PATCH /api/v1/tickets/{id}", anyUser, a.updateTicket)
	a.handle(mux, "GET /api/v1/tickets/{id}/messages", anyUser, a.listMessages)
	a.handle(mux, "POST /api/v1/tickets/{id}/messages", anyUser, once(a.addMessage))
	a.handle(mux, "GET /api/v1/tickets/{id}/events", anyUser, a.listEvents)
	a.handle(mux, "POST /api/v1/tickets/{id}/merge", anyUser, once(a.mergeTicket))
	a.handle(mux, "POST /api/v1/tickets/{id}/split", anyUser, once(a.splitTicket))
	a.handle(mux, "GET /api/v1/tickets/{id}/links", anyUser, a.listLinks)
	a.handle(mux, "POST /api/v1/tickets/{id}/links", anyUser, once(a.addLink))
	a.handle(mux, "DELETE /api/v1/tickets/{id}/links/{link_id}", anyUser, a.removeLink)

	// Uploads are not idempotent: a retry stores one more unattached
	// upload, which the collector removes, and no second copy of the file.
	a.handle(mux, "POST /api/v1/attachments", anyUser, a.uploadAttachment)
	a.handle(mux, "GET /api/v1/attachments/{id}", anyUser, a.getAttachment)

	a.handle(mux, "GET /api/v1/custom-fields", anyUser, a.listFields)
	a.handle(mux, "POST /api/v1/custom-fields", adminOnly, once(a.createField))
	a.handle(mux, "GET /api/v1/custom-fields/{id}", anyUser, a.getField)
	a.handle(mux, "PATCH /api/v1/custom-fields/{id}", adminOnly, a.updateField)
	a.handle(mux, "GET /api/v1/custom-statuses", anyUser, a.listStatuses)
	a.handle(mux, "POST /api/v1/custom-statuses", adminOnly, once(a.createStatus))
	a.handle(mux, "GET /api/v1/custom-statuses/{id}", anyUser, a.getStatus)
	a.handle(mux, "PATCH /api/v1/custom-statuses/{id}", adminOnly, a.updateStatus)

	a.handle(mux, "GET /api/v1/customers", anyUser, a.listCustomers)
	a.handle(mux, "POST /api/v1/customers", anyUser, once(a.createCustomer))
	a.handle(mux, "GET /api/v1/customers/{id}", anyUser, a.getCustomer)

	a.handle(mux, "GET /api/v1/teams", anyUser, a.listTeams)
	a.handle(mux, "POST /api/v1/teams", adminOnly, once(a.createTeam))
	a.handle(mux, "GET /api/v1/teams/{id}", anyUser, a.getTeam)
	a.handle(mux, "PATCH /api/v1/teams/{id}", adminOnly, a.updateTeam)
	a.handle(mux, "DELETE /api/v1/teams/{id}", adminOnly, a.deleteTeam)

	a.handle(mux, "GET /api/v1/mailboxes", adminOnly, a.listMailboxes)
	a.handle(mux, "POST /api/v1/mailboxes", adminOnly, once(a.createMailbox))
	a.handle(mux, "GET /api/v1/mailboxes/{id}", adminOnly, a.getMailbox)
	a.handle(mux, "PATCH /api/v1/mailboxes/{id}", adminOnly, a.updateMailbox)
	a.handle(mux, "DELETE /api/v1/mailboxes/{id}", adminOnly, a.deleteMailbox)

	a.handle(mux, "GET /api/v1/tags", anyUser, a.listTags)
	a.handle(mux, "PATCH /api/v1/tags/{name}", adminOnly, a.renameTag)
	a.handle(mux, "DELETE /api/v1/tags/{name}", adminOnly, a.deleteTag)

	// The document is public: it describes the API, not anyone's data.
	a.routes = append(a.routes, route{"GET /api/v1/openapi.json", anyUser})
	mux.Handle("GET /api/v1/openapi.json", httpx.JSON(a.Log, a.serveOpenAPI(a.openAPI())))
	mux.Handle("/api/", httpx.JSON(a.Log, a.notFound))
}
