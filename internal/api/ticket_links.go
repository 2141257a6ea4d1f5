package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
)

// mergeTicket merges the ticket in the path into {"into": id} and answers
// with both tickets.
func (h *ticketHandlers) mergeTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Into int64 `json:"into"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.tickets.Merge(r.Context(), id, in.Into)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

// splitTicket moves one message into a new ticket and answers with it.
func (h *ticketHandlers) splitTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ticket.Split
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.tickets.Split(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (h *ticketHandlers) listLinks(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	links, err := h.links.List(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(links))
	return nil
}

func (h *ticketHandlers) addLink(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ticketlink.NewLink
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.links.Add(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, l)
	return nil
}

func (h *ticketHandlers) removeLink(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	linkID, err := httpx.PathID(r, "link_id")
	if err != nil {
		return err
	}
	if err := h.links.Remove(r.Context(), id, linkID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
