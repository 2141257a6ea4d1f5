package api

import (
	"maps"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// access, keyed and op are apikit's, so core routes and sections' routes
// are one kind of row.
type (
	access = apikit.Access
	keyed  = apikit.Keyed
	op     = apikit.Op
)

const (
	public = apikit.Public
	agent  = apikit.Agent
	lead   = apikit.Lead
	admin  = apikit.Admin
	noKey  = apikit.NoKey
	once   = apikit.Once
)

// route is one row of the route table.
type route struct {
	pattern string            // the ServeMux pattern, "METHOD /path"
	who     access            // who may call it
	handler httpx.HandlerFunc // thin: decode, call a domain service, encode
	key     keyed             // whether it honours Idempotency-Key
}

// Register serves every route of the table on mux, behind its access
// level, and answers any other /api/ path with the error convention.
func (a *API) Register(mux *http.ServeMux) {
	a.routes, a.docs = a.table(), maps.Clone(docs)
	for _, sec := range a.Sections {
		for _, rt := range sec.Routes() {
			a.routes = append(a.routes, route{rt.Pattern, rt.Who, rt.Handler, rt.Key})
			a.docs[rt.Pattern] = rt.Doc
		}
	}
	a.doc = a.openAPI()
	for _, rt := range a.routes {
		mux.Handle(rt.pattern, a.serve(rt))
	}
	mux.Handle("/api/", httpx.JSON(a.Log, a.limitPublic(a.notFound)))
}

// serve wraps a route's handler in what its row asks for.
func (a *API) serve(rt route) http.Handler {
	h := rt.handler
	if rt.key == once {
		h = a.Idempotency.Wrap(h)
	}
	if rt.who == public {
		return httpx.JSON(a.Log, a.limitPublic(h))
	}
	return httpx.JSON(a.Log, a.authenticate(rt.who, checkQuery(h)))
}

// table lists every API route: the one place to see the API's surface,
// who may call each route, and which honour Idempotency-Key. Each domain's
// handlers hold only the services they call.
func (a *API) table() []route {
	acct := &accountHandlers{users: a.Users, settings: a.Settings, db: a.DB}
	tix := &ticketHandlers{tickets: a.Tickets, links: ticketlink.New(a.DB, a.Tickets), exports: a.Exports, replies: a.Replies, log: a.Log}
	srch := &searchHandlers{search: a.Search}
	files := &attachmentHandlers{attachments: a.Attachments}
	flds := &fieldHandlers{fields: a.Fields, tickets: a.Tickets}
	views := &viewHandlers{views: a.Views}
	custs := &customerHandlers{customers: a.Customers, privacy: a.Privacy, db: a.DB}
	teams := &teamHandlers{teams: a.Teams}
	boxes := &mailboxHandlers{mailboxes: a.Mailboxes}
	macros := &macroHandlers{macros: a.Macros}
	qual := &qualityHandlers{quality: a.Quality}
	recog := &recognitionHandlers{recognition: a.Recognition}
	coach := &coachingHandlers{coaching: a.Coaching}
	stand := &standingHandlers{standing: a.Standing}
	return []route{
		// The signed-in user, users, tokens, the audit log, settings (users.go).
		{"GET /api/v1/me", agent, acct.me, noKey},
		{"PATCH /api/v1/me", agent, acct.updateMe, noKey},
		{"GET /api/v1/users", admin, acct.listUsers, noKey},
		{"POST /api/v1/users", admin, acct.createUser, noKey},
		{"GET /api/v1/users/{id}", admin, acct.getUser, noKey},
		{"PATCH /api/v1/users/{id}", admin, acct.updateUser, noKey},
		{"DELETE /api/v1/users/{id}/two-factor", admin, acct.resetTwoFactor, noKey},
		{"GET /api/v1/tokens", agent, acct.listTokens, noKey},
		{"POST /api/v1/tokens", agent, acct.createToken, noKey},
		{"DELETE /api/v1/tokens/{id}", agent, acct.revokeToken, noKey},
		{"GET /api/v1/audit", admin, acct.listAudit, noKey},
		{"GET /api/v1/settings", admin, acct.getSettings, noKey},
		{"PATCH /api/v1/settings", admin, acct.updateSettings, noKey},

		// Tickets (tickets.go, ticket_links.go, export.go, search.go). Writes to
		// one ticket honour If-Match (ticket_versions.go; docs' IfMatch).
		{"GET /api/v1/tickets", agent, tix.listTickets, noKey},
		// More specific than tickets/{id}, so the mux routes export there.
		{"GET /api/v1/tickets/export", agent, tix.exportTickets, noKey},
		{"GET /api/v1/search", agent, srch.searchTickets, noKey},
		{"POST /api/v1/tickets", agent, tix.createTicket, once},
		{"POST /api/v1/tickets/bulk", agent, noIfMatch(tix.bulkTickets), once},
		{"GET /api/v1/tickets/{id}", agent, tix.getTicket, noKey},
		{"PATCH /api/v1/tickets/{id}", agent, tix.ifMatch(tix.updateTicket), noKey},
		{"GET /api/v1/tickets/{id}/messages", agent, tix.listMessages, noKey},
		{"POST /api/v1/tickets/{id}/messages", agent, tix.ifMatch(tix.addMessage), once},
		{"GET /api/v1/tickets/{id}/events", agent, tix.listEvents, noKey},
		{"POST /api/v1/tickets/{id}/merge", agent, tix.ifMatch(tix.mergeTicket), once},
		{"POST /api/v1/tickets/{id}/split", agent, tix.ifMatch(tix.splitTicket), once},
		{"GET /api/v1/tickets/{id}/links", agent, tix.listLinks, noKey},
		{"POST /api/v1/tickets/{id}/links", agent, tix.ifMatch(tix.addLink), once},
		{"DELETE /api/v1/tickets/{id}/links/{link_id}", agent, tix.ifMatch(tix.removeLink), noKey},

		// Uploads are not idempotent: a retry stores one more unattached
		// upload, which the collector removes, and no second copy of the file.
		{"POST /api/v1/attachments", agent, files.uploadAttachment, noKey},
		{"GET /api/v1/attachments/{id}", agent, files.getAttachment, noKey},

		// Custom fields and statuses (fields.go).
		{"GET /api/v1/custom-fields", agent, flds.listFields, noKey},
		{"POST /api/v1/custom-fields", admin, flds.createField, once},
		{"GET /api/v1/custom-fields/{id}", agent, flds.getField, noKey},
		{"PATCH /api/v1/custom-fields/{id}", admin, flds.updateField, noKey},
		{"GET /api/v1/custom-statuses", agent, flds.listStatuses, noKey},
		{"POST /api/v1/custom-statuses", admin, flds.createStatus, once},
		{"GET /api/v1/custom-statuses/{id}", agent, flds.getStatus, noKey},
		{"PATCH /api/v1/custom-statuses/{id}", admin, flds.updateStatus, noKey},

		// Saved views (views.go).
		{"GET /api/v1/views", agent, views.listViews, noKey},
		{"POST /api/v1/views", agent, views.createView, once},
		{"GET /api/v1/views/{id}", agent, views.getView, noKey},
		{"PATCH /api/v1/views/{id}", agent, views.updateView, noKey},
		{"DELETE /api/v1/views/{id}", agent, views.deleteView, noKey},
		{"GET /api/v1/views/{id}/tickets", agent, views.viewTickets, noKey},

		// Customers and organizations (customers.go, organizations.go).
		{"GET /api/v1/customers", agent, custs.listCustomers, noKey},
		{"POST /api/v1/customers", agent, custs.createCustomer, once},
		{"GET /api/v1/customers/{id}", agent, custs.getCustomer, noKey},
		{"PATCH /api/v1/customers/{id}", agent, custs.updateCustomer, noKey},
		{"POST /api/v1/customers/{id}/identities", agent, custs.addIdentity, once},
		{"DELETE /api/v1/customers/{id}/identities/{identity_id}", agent, custs.removeIdentity, noKey},
		{"POST /api/v1/customers/{id}/merge", agent, custs.mergeCustomer, once},

		// Erasing is idempotent by nature (a second erasure finds nothing left),
		// and runs in its own transaction so that files go once it commits.
		{"POST /api/v1/customers/{id}/erase", admin, custs.eraseCustomer, noKey},

		{"GET /api/v1/organizations", agent, custs.listOrganizations, noKey},
		{"POST /api/v1/organizations", admin, custs.createOrganization, once},
		{"GET /api/v1/organizations/{id}", agent, custs.getOrganization, noKey},
		{"PATCH /api/v1/organizations/{id}", admin, custs.updateOrganization, noKey},
		{"GET /api/v1/organizations/{id}/customers", agent, custs.listOrganizationCustomers, noKey},

		// Teams and mailboxes (teams.go, mailboxes.go).
		{"GET /api/v1/teams", agent, teams.listTeams, noKey},
		{"POST /api/v1/teams", admin, teams.createTeam, once},
		{"GET /api/v1/teams/{id}", agent, teams.getTeam, noKey},
		{"PATCH /api/v1/teams/{id}", admin, teams.updateTeam, noKey},
		{"DELETE /api/v1/teams/{id}", admin, teams.deleteTeam, noKey},

		{"GET /api/v1/mailboxes", admin, boxes.listMailboxes, noKey},
		{"POST /api/v1/mailboxes", admin, boxes.createMailbox, once},
		{"GET /api/v1/mailboxes/{id}", admin, boxes.getMailbox, noKey},
		{"PATCH /api/v1/mailboxes/{id}", admin, boxes.updateMailbox, noKey},
		{"DELETE /api/v1/mailboxes/{id}", admin, boxes.deleteMailbox, noKey},

		// Macros (macros.go): shared ones are admins' to change, personal ones
		// their owner's, which the domain decides.
		{"GET /api/v1/macros", agent, macros.listMacros, noKey},
		{"POST /api/v1/macros", agent, macros.createMacro, once},
		{"GET /api/v1/macros/{id}", agent, macros.getMacro, noKey},
		{"PATCH /api/v1/macros/{id}", agent, macros.updateMacro, noKey},
		{"DELETE /api/v1/macros/{id}", agent, macros.deleteMacro, noKey},
		{"POST /api/v1/tickets/{id}/macros/{macro_id}/preview", agent, macros.previewMacro, noKey},

		// Tags (tags.go).
		{"GET /api/v1/tags", agent, tix.listTags, noKey},
		{"PATCH /api/v1/tags/{name}", admin, tix.renameTag, noKey},
		{"DELETE /api/v1/tags/{name}", admin, tix.deleteTag, noKey},

		// The quality programme (quality.go, quality_reviews.go). Who may read
		// which review, score or dispute is the domain's rule.
		{"GET /api/v1/philosophy", agent, qual.getPhilosophy, noKey},
		{"GET /api/v1/philosophy.md", agent, qual.getPhilosophyMarkdown, noKey},
		{"PUT /api/v1/philosophy", lead, qual.putPhilosophy, noKey},
		{"GET /api/v1/philosophy/versions", agent, qual.listPhilosophyVersions, noKey},
		{"GET /api/v1/philosophy/versions/{id}", agent, qual.getPhilosophyVersion, noKey},
		{"GET /api/v1/values", agent, qual.listValues, noKey},
		{"POST /api/v1/values", lead, qual.createValue, once},
		{"PATCH /api/v1/values/{id}", lead, qual.updateValue, noKey},
		{"DELETE /api/v1/values/{id}", lead, qual.deleteValue, noKey},
		{"GET /api/v1/surveys", agent, qual.listSurveys, noKey},
		{"POST /api/v1/surveys", lead, qual.createSurvey, once},

		// Not keyed: a survey is answered once by rule (see answerSurvey).
		{"POST /api/v1/surveys/{id}/answers", agent, qual.answerSurvey, noKey},
		{"GET /api/v1/surveys/{id}/results", agent, qual.surveyResults, noKey},
		{"GET /api/v1/scorecards", agent, qual.listScorecards, noKey},
		{"POST /api/v1/scorecards", lead, qual.createScorecard, once},
		{"GET /api/v1/scorecards/{id}", agent, qual.getScorecard, noKey},
		{"GET /api/v1/review-periods", agent, qual.listPeriods, noKey},
		{"POST /api/v1/review-periods", lead, qual.createPeriod, once},
		{"GET /api/v1/review-periods/{id}", agent, qual.getPeriod, noKey},
		{"POST /api/v1/review-periods/{id}/draw", lead, qual.drawPeriod, once},
		{"GET /api/v1/review-periods/{id}/queue", lead, qual.periodQueue, noKey},
		{"GET /api/v1/review-periods/{id}/scores", agent, qual.periodScores, noKey},
		{"GET /api/v1/review-queue", agent, qual.myReviewQueue, noKey},
		{"GET /api/v1/reviews", agent, qual.listReviews, noKey},
		{"POST /api/v1/reviews", agent, qual.createReview, once},
		{"GET /api/v1/reviews/{id}", agent, qual.getReview, noKey},
		{"PATCH /api/v1/reviews/{id}", agent, qual.updateReview, noKey},
		{"POST /api/v1/reviews/{id}/submit", agent, qual.submitReview, noKey},
		{"POST /api/v1/reviews/{id}/acknowledge", agent, qual.acknowledgeReview, noKey},
		{"POST /api/v1/reviews/{id}/dispute", agent, qual.disputeReview, once},
		{"GET /api/v1/disputes", agent, qual.listDisputes, noKey},
		{"POST /api/v1/disputes/{id}/resolve", lead, qual.resolveDispute, noKey},
		{"POST /api/v1/calibrations", lead, qual.createCalibration, once},
		{"GET /api/v1/calibrations/agreement", lead, qual.reviewerAgreement, noKey},
		{"GET /api/v1/calibrations/{id}", agent, qual.getCalibration, noKey},
		{"POST /api/v1/calibrations/{id}/close", lead, qual.closeCalibration, noKey},

		// Recognition (recognition.go): any user awards a badge for a ticket they
		// reviewed, the domain decides.
		{"GET /api/v1/awards", agent, recog.listAwards, noKey},
		{"POST /api/v1/awards", agent, recog.createAward, once},
		{"GET /api/v1/awards/{id}", agent, recog.getAward, noKey},
		{"PUT /api/v1/awards/{id}/reactions/{reaction}", agent, recog.setReaction(true), noKey},
		{"DELETE /api/v1/awards/{id}/reactions/{reaction}", agent, recog.setReaction(false), noKey},
		{"GET /api/v1/awards/{id}/comments", agent, recog.listAwardComments, noKey},
		{"POST /api/v1/awards/{id}/comments", agent, recog.addAwardComment, once},
		{"POST /api/v1/awards/{id}/withdraw", lead, recog.withdrawAward, noKey},
		{"GET /api/v1/badge-proposals", agent, recog.listProposals, noKey},
		{"POST /api/v1/badge-proposals/{id}/confirm", agent, recog.confirmProposal, once},
		{"POST /api/v1/badge-proposals/{id}/dismiss", agent, recog.dismissProposal, noKey},
		{"GET /api/v1/nominations", agent, recog.listNominations, noKey},
		{"POST /api/v1/nominations", agent, recog.createNomination, once},
		{"POST /api/v1/nominations/{id}/approve", lead, recog.approveNomination, once},
		{"POST /api/v1/nominations/{id}/decline", lead, recog.declineNomination, noKey},
		{"GET /api/v1/values/{id}/examples", agent, recog.valueExamples, noKey},
		{"GET /api/v1/recognition/webhook", admin, recog.getWebhook, noKey},
		{"PUT /api/v1/recognition/webhook", admin, recog.putWebhook, noKey},

		// People (coaching.go, standing.go): who reads which session, concern or
		// standing is the domain's rule.
		{"GET /api/v1/coaching-sessions", agent, coach.listCoachingSessions, noKey},
		{"POST /api/v1/coaching-sessions", lead, coach.createCoachingSession, once},
		{"GET /api/v1/coaching-sessions/{id}", agent, coach.getCoachingSession, noKey},
		{"PATCH /api/v1/coaching-sessions/{id}", lead, coach.updateCoachingSession, noKey},
		{"PATCH /api/v1/coaching-sessions/{id}/actions/{action_id}", agent, coach.tickCoachingAction, noKey},
		{"GET /api/v1/coaching-settings", agent, coach.getCoachingSettings, noKey},
		{"PUT /api/v1/coaching-settings", lead, coach.putCoachingSettings, noKey},
		{"GET /api/v1/concerns", agent, coach.listConcerns, noKey},
		{"POST /api/v1/concerns", agent, coach.raiseConcern, once},
		{"GET /api/v1/concerns/{id}", agent, coach.getConcern, noKey},
		{"PATCH /api/v1/concerns/{id}", lead, coach.updateConcern, noKey},
		{"GET /api/v1/leaderboard", agent, stand.leaderboard, noKey},
		{"GET /api/v1/agents/{id}/profile", agent, stand.agentProfile, noKey},
		{"GET /api/v1/standing-settings", agent, stand.getStandingSettings, noKey},
		{"PATCH /api/v1/standing-settings", lead, stand.patchStandingSettings, noKey},

		// The document is public: it describes the API, not anyone's data.
		{"GET /api/v1/openapi.json", public, a.serveOpenAPI, noKey},
	}
}
