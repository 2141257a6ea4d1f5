package feedbackpages

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

type recoveryPage struct {
	kit.Page
	Items []*feedback.RecoveryItem
}

// recoveryList shows the low scores waiting for someone to follow up.
func (p *Pages) recoveryList(w http.ResponseWriter, r *http.Request) error {
	items, err := p.Feedback.NeedsRecovery(r.Context())
	if err != nil {
		return err
	}
	p.Render(w, r, http.StatusOK, "feedback_recovery", &recoveryPage{Page: p.BasePage(r, "Needs recovery"), Items: items})
	return nil
}

// followedUp marks a ticket's low score followed up; it leaves the list.
func (p *Pages) followedUp(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "ticket")
	if err != nil {
		return err
	}
	if _, err := p.Feedback.MarkFollowedUp(r.Context(), id, user.FromContext(r.Context()).ID); err != nil {
		return err
	}
	p.Flash(r, "Marked followed up.")
	http.Redirect(w, r, feedback.RecoveryPath, http.StatusSeeOther)
	return nil
}
