package workspace

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/joining"
)

// sameIssueOf returns the tickets the ticket page offers to join as
// possibly the same issue (package joining).
func (wb *Pages) sameIssueOf(r *http.Request, id int64) ([]joining.Suggestion, error) {
	if wb.Joining == nil {
		return nil, nil
	}
	return wb.Joining.Suggestions(r.Context(), id)
}

// joinTicket answers POST /tickets/{id}/join (other_id): the one-click
// join of a ticket suggested as possibly the same issue, a merge of the
// newer ticket into the older one.
func (wb *Pages) joinTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil || wb.Joining == nil {
		return apperr.NotFound("ticket")
	}
	other, err := strconv.ParseInt(r.PostFormValue("other_id"), 10, 64)
	if err != nil || other <= 0 {
		return apperr.Invalid("other_id", "is not a ticket id")
	}
	m, err := wb.Joining.JoinSuggested(r.Context(), id, other)
	if err != nil {
		return err
	}
	wb.Flash(r, "Joined: ticket #"+idText(m.Source.Number)+" is now part of #"+idText(m.Target.Number)+".")
	http.Redirect(w, r, ticketURL(m.Target.ID), http.StatusSeeOther)
	return nil
}
