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
	a.handle(mux, "POST /api/v1/tickets/bulk", anyUser, once(a.bulkTickets))
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

	a.handle(mux, "GET /api/v1/views", anyUser, a.listViews)
	a.handle(mux, "POST /api/v1/views", anyUser, once(a.createView))
	a.handle(mux, "GET /api/v1/views/{id}", anyUser, a.getView)
	a.handle(mux, "PATCH /api/v1/views/{id}", anyUser, a.updateView)
	a.handle(mux, "DELETE /api/v1/views/{id}", anyUser, a.deleteView)
	a.handle(mux, "GET /api/v1/views/{id}/tickets", anyUser, a.viewTickets)

	a.handle(mux, "GET /api/v1/customers", anyUser, a.listCustomers)
	a.handle(mux, "POST /api/v1/customers", anyUser, once(a.createCustomer))
	a.handle(mux, "GET /api/v1/customers/{id}", anyUser, a.getCustomer)
	a.handle(mux, "PATCH /api/v1/customers/{id}", anyUser, a.updateCustomer)
	a.handle(mux, "POST /api/v1/customers/{id}/identities", anyUser, once(a.addIdentity))
	a.handle(mux, "DELETE /api/v1/customers/{id}/identities/{identity_id}", anyUser, a.removeIdentity)
	a.handle(mux, "POST /api/v1/customers/{id}/merge", anyUser, once(a.mergeCustomer))
	// Erasing is idempotent by nature (a second erasure finds nothing left),
	// and runs in its own transaction so that files go once it commits.
	a.handle(mux, "POST /api/v1/customers/{id}/erase", adminOnly, a.eraseCustomer)

	a.handle(mux, "GET /api/v1/organizations", anyUser, a.listOrganizations)
	a.handle(mux, "POST /api/v1/organizations", adminOnly, once(a.createOrganization))
	a.handle(mux, "GET /api/v1/organizations/{id}", anyUser, a.getOrganization)
	a.handle(mux, "PATCH /api/v1/organizations/{id}", adminOnly, a.updateOrganization)
	a.handle(mux, "GET /api/v1/organizations/{id}/customers", anyUser, a.listOrganizationCustomers)

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

	// Macros: shared ones are admins' to change, personal ones their owner's.
	a.handle(mux, "GET /api/v1/macros", anyUser, a.listMacros)
	a.handle(mux, "POST /api/v1/macros", anyUser, once(a.createMacro))
	a.handle(mux, "GET /api/v1/macros/{id}", anyUser, a.getMacro)
	a.handle(mux, "PATCH /api/v1/macros/{id}", anyUser, a.updateMacro)
	a.handle(mux, "DELETE /api/v1/macros/{id}", anyUser, a.deleteMacro)
	a.handle(mux, "POST /api/v1/tickets/{id}/macros/{macro_id}/preview", anyUser, a.previewMacro)

	a.handle(mux, "GET /api/v1/tags", anyUser, a.listTags)
	a.handle(mux, "PATCH /api/v1/tags/{name}", adminOnly, a.renameTag)
	a.handle(mux, "DELETE /api/v1/tags/{name}", adminOnly, a.deleteTag)

	// The quality programme (package quality). Every route is open to any
	// user; the domain decides what leads, reviewers and agents may do.
	a.handle(mux, "GET /api/v1/philosophy", anyUser, a.getPhilosophy)
	a.handle(mux, "GET /api/v1/philosophy.md", anyUser, a.getPhilosophyMarkdown)
	a.handle(mux, "PUT /api/v1/philosophy", anyUser, a.putPhilosophy)
	a.handle(mux, "GET /api/v1/philosophy/versions", anyUser, a.listPhilosophyVersions)
	a.handle(mux, "GET /api/v1/philosophy/versions/{id}", anyUser, a.getPhilosophyVersion)
	a.handle(mux, "GET /api/v1/values", anyUser, a.listValues)
	a.handle(mux, "POST /api/v1/values", anyUser, once(a.createValue))
	a.handle(mux, "PATCH /api/v1/values/{id}", anyUser, a.updateValue)
	a.handle(mux, "DELETE /api/v1/values/{id}", anyUser, a.deleteValue)
	a.handle(mux, "GET /api/v1/surveys", anyUser, a.listSurveys)
	a.handle(mux, "POST /api/v1/surveys", anyUser, once(a.createSurvey))
	// Not idempotent by key: see answerSurvey.
	a.handle(mux, "POST /api/v1/surveys/{id}/answers", anyUser, a.answerSurvey)
	a.handle(mux, "GET /api/v1/surveys/{id}/results", anyUser, a.surveyResults)
	a.handle(mux, "GET /api/v1/scorecards", anyUser, a.listScorecards)
	a.handle(mux, "POST /api/v1/scorecards", anyUser, once(a.createScorecard))
	a.handle(mux, "GET /api/v1/scorecards/{id}", anyUser, a.getScorecard)
	a.handle(mux, "GET /api/v1/review-periods", anyUser, a.listPeriods)
	a.handle(mux, "POST /api/v1/review-periods", anyUser, once(a.createPeriod))
	a.handle(mux, "GET /api/v1/review-periods/{id}", anyUser, a.getPeriod)
	a.handle(mux, "POST /api/v1/review-periods/{id}/draw", anyUser, once(a.drawPeriod))
	a.handle(mux, "GET /api/v1/review-periods/{id}/queue", anyUser, a.periodQueue)
	a.handle(mux, "GET /api/v1/review-periods/{id}/scores", anyUser, a.periodScores)
	a.handle(mux, "GET /api/v1/review-queue", anyUser, a.myReviewQueue)
	a.handle(mux, "GET /api/v1/reviews", anyUser, a.listReviews)
	a.handle(mux, "POST /api/v1/reviews", anyUser, once(a.createReview))
	a.handle(mux, "GET /api/v1/reviews/{id}", anyUser, a.getReview)
	a.handle(mux, "PATCH /api/v1/reviews/{id}", anyUser, a.updateReview)
	a.handle(mux, "POST /api/v1/reviews/{id}/submit", anyUser, a.submitReview)
	a.handle(mux, "POST /api/v1/reviews/{id}/acknowledge", anyUser, a.acknowledgeReview)
	a.handle(mux, "POST /api/v1/reviews/{id}/dispute", anyUser, once(a.disputeReview))
	a.handle(mux, "GET /api/v1/disputes", anyUser, a.listDisputes)
	a.handle(mux, "POST /api/v1/disputes/{id}/resolve", anyUser, a.resolveDispute)
	a.handle(mux, "POST /api/v1/calibrations", anyUser, once(a.createCalibration))
	a.handle(mux, "GET /api/v1/calibrations/agreement", anyUser, a.reviewerAgreement)
	a.handle(mux, "GET /api/v1/calibrations/{id}", anyUser, a.getCalibration)
	a.handle(mux, "POST /api/v1/calibrations/{id}/close", anyUser, a.closeCalibration)
	a.registerRecognition(mux, once) // badges, awards, nominations, the feed (recognition.go)
	a.registerPeople(mux, once)      // coaching, concerns, leaderboard, agents' pages (people.go)

	// The document is public: it describes the API, not anyone's data.
	a.routes = append(a.routes, route{"GET /api/v1/openapi.json", anyUser})
	mux.Handle("GET /api/v1/openapi.json", httpx.JSON(a.Log, a.public(a.serveOpenAPI(a.openAPI()))))
	mux.Handle("/api/", httpx.JSON(a.Log, a.public(a.notFound)))
}
