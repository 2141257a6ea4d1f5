package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// tagChange answers a rename or deletion with how many tickets it changed.
type tagChange struct {
	Name    string `json:"name,omitempty"`
	Tickets int    `json:"tickets"`
}

func (h *ticketHandlers) listTags(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := httpx.QueryLimit(q, ticket.MaxTagLimit)
	if err != nil {
		return err
	}
	tags, err := h.tickets.Tags(r.Context(), q.Get("prefix"), limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(tags))
	return nil
}

func (h *ticketHandlers) renameTag(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.tickets.RenameTag(r.Context(), r.PathValue("name"), in.Name)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tagChange{Name: in.Name, Tickets: n})
	return nil
}

func (h *ticketHandlers) deleteTag(w http.ResponseWriter, r *http.Request) error {
	n, err := h.tickets.DeleteTag(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tagChange{Tickets: n})
	return nil
}
