package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/search"
)

// searchHandlers serve full-text search over tickets.
type searchHandlers struct {
	search *search.Service
}

// searchTickets answers GET /api/v1/search: q, the listing's filters, and
// cursor and limit for its own pages.
func (h *searchHandlers) searchTickets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := ticketFilter(q, search.MaxLimit)
	if err != nil {
		return err
	}
	res, err := h.search.Search(r.Context(), search.Query{Q: q.Get("q"), Filter: f, Cursor: f.Cursor, Limit: f.Limit})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}
