package web

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/user"
)

type notificationsPage struct {
	Page
	Notifications []*notify.Notification
}

// notifications serves GET /notifications: the agent's newest
// notifications, unread first in bold, each linking to its ticket.
func (wb *Web) notifications(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	list, err := wb.Notify.List(r.Context(), u.ID, notify.MaxList)
	if err != nil {
		return err
	}
	wb.render(w, r, http.StatusOK, "notifications", &notificationsPage{Page: wb.basePage(r, "Notifications"), Notifications: list})
	return nil
}

// readNotification serves POST /notifications/{id}/read; with open=1 it
// goes on to the ticket (or a reminder's page), else back to the list.
func (wb *Web) readNotification(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := wb.Notify.Get(r.Context(), u.ID, id)
	if err != nil {
		return err
	}
	if err := wb.Notify.MarkRead(r.Context(), u.ID, id); err != nil {
		return err
	}
	to := "/notifications"
	if r.PostFormValue("open") == "1" {
		// A notification's link is ours, but a redirect goes nowhere else.
		to = httpx.LocalPath(n.Href(), "/notifications")
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// readAllNotifications serves POST /notifications/read.
func (wb *Web) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	if err := wb.Notify.MarkAllRead(r.Context(), u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}

// unreadNotifications is the count the header's bell shows; 0 when signed
// out (or when a failure is better ignored than failing the page).
func (wb *Web) unreadNotifications(r *http.Request) int {
	u := user.FromContext(r.Context())
	if u == nil || wb.Notify == nil {
		return 0
	}
	n, err := wb.Notify.Unread(r.Context(), u.ID)
	if err != nil {
		wb.Log.Warn("count unread notifications", "err", err)
		return 0
	}
	return n
}
