package workspace

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
func (wb *Pages) notifications(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	list, err := wb.Notify.List(r.Context(), u.ID, notify.MaxList)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "notifications", &notificationsPage{Page: wb.BasePage(r, "Notifications"), Notifications: list})
	return nil
}

// readNotification serves POST /notifications/{id}/read; with open=1 it
// goes on to the ticket (or a reminder's page), else back to the list.
func (wb *Pages) readNotification(w http.ResponseWriter, r *http.Request) error {
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
func (wb *Pages) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	if err := wb.Notify.MarkAllRead(r.Context(), u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}
