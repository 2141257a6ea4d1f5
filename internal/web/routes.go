package web

import "net/http"

// Register lists every page route: the one place to see the pages.
func (wb *Web) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", wb.static)

	mux.Handle("GET /signin", wb.page(wb.signInForm))
	mux.Handle("POST /signin", wb.page(wb.signIn))
	mux.Handle("GET /signin/two-factor", wb.page(wb.twoFactorForm))
	mux.Handle("POST /signin/two-factor", wb.page(wb.twoFactor))
	mux.Handle("POST /signout", wb.page(wb.signOut))

	mux.Handle("GET /{$}", wb.page(wb.signedIn(enrolledOnly, wb.homeRedirect)))
	mux.Handle("GET /account", wb.page(wb.signedIn(enrolledOnly, wb.account)))
	mux.Handle("POST /account/password", wb.page(wb.signedIn(enrolledOnly, wb.changePassword)))
	mux.Handle("POST /account/email", wb.page(wb.signedIn(enrolledOnly, wb.changeEmail)))
	mux.Handle("POST /account/tokens", wb.page(wb.signedIn(enrolledOnly, wb.createToken)))
	mux.Handle("POST /account/tokens/{id}/revoke", wb.page(wb.signedIn(enrolledOnly, wb.revokeToken)))
	mux.Handle("GET /account/two-factor", wb.page(wb.signedIn(evenUnenrolled, wb.twoFactorSetup)))
	mux.Handle("POST /account/two-factor/confirm", wb.page(wb.signedIn(evenUnenrolled, wb.twoFactorConfirm)))
	mux.Handle("POST /account/two-factor/cancel", wb.page(wb.signedIn(evenUnenrolled, wb.twoFactorCancel)))
	mux.Handle("POST /account/two-factor/disable", wb.page(wb.signedIn(enrolledOnly, wb.twoFactorDisable)))

	mux.Handle("GET /admin/users", wb.page(wb.adminOnly(wb.users)))
	mux.Handle("POST /admin/users", wb.page(wb.adminOnly(wb.createUser)))
	mux.Handle("POST /admin/users/{id}", wb.page(wb.adminOnly(wb.updateUser)))
	mux.Handle("POST /admin/users/{id}/reset-two-factor", wb.page(wb.adminOnly(wb.resetUserTwoFactor)))
	mux.Handle("GET /admin/audit", wb.page(wb.adminOnly(wb.auditLog)))
	mux.Handle("GET /admin/mailboxes", wb.page(wb.adminOnly(wb.mailboxes)))
	mux.Handle("POST /admin/mailboxes", wb.page(wb.adminOnly(wb.createMailbox)))
	mux.Handle("GET /admin/mailboxes/{id}", wb.page(wb.adminOnly(wb.editMailbox)))
	mux.Handle("POST /admin/mailboxes/{id}", wb.page(wb.adminOnly(wb.updateMailbox)))
	mux.Handle("POST /admin/mailboxes/{id}/delete", wb.page(wb.adminOnly(wb.deleteMailbox)))
	mux.Handle("GET /admin/settings", wb.page(wb.adminOnly(wb.settingsForm)))
	mux.Handle("POST /admin/settings", wb.page(wb.adminOnly(wb.saveSettings)))

	// Live updates, presence and notifications (helper "live").
	mux.Handle("GET /live", wb.page(wb.signedIn(enrolledOnly, wb.liveStream)))
	mux.Handle("POST /tickets/{id}/presence", wb.page(wb.signedIn(enrolledOnly, wb.setPresence)))
	mux.Handle("GET /notifications", wb.page(wb.signedIn(enrolledOnly, wb.notifications)))
	mux.Handle("POST /notifications/read", wb.page(wb.signedIn(enrolledOnly, wb.readAllNotifications)))
	mux.Handle("POST /notifications/{id}/read", wb.page(wb.signedIn(enrolledOnly, wb.readNotification)))

	wb.registerInbox(mux) // inbox, views, search, admin teams/tags/fields (inbox.go)
	wb.registerPortal(mux)
	wb.registerTicketPages(mux) // ticket page, composer, customers, macros (ticket_routes.go)
	wb.registerReviews(mux)     // review queue, scoring, disputes, periods, calibration (reviews.go)
	wb.registerRecognition(mux) // badges, the recognition feed, nominations (recognition.go)
	wb.registerPhilosophy(mux)  // philosophy, its editor and versions, team survey (philosophy.go)
	wb.registerPeople(mux)      // agents' pages, leaderboard, coaching, concerns (people.go)

	mux.Handle("/", wb.page(wb.notFound))
}

func (wb *Web) notFound(w http.ResponseWriter, r *http.Request) error {
	wb.render(w, r, http.StatusNotFound, "error", &errorPage{Page: wb.basePage(r, "Not found"), Status: http.StatusNotFound})
	return nil
}
