package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// mergeTicket merges the ticket in the path into {"into": id} and answers
// with both tickets.
func (a *API) mergeTicket(w http.ResponseWriter, r *http.Request) error {
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
	m, err := a.Tickets.Merge(r.Context(), id, in.Into)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

// splitTicket moves one message into a new ticket and answers with it.
func (a *API) splitTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ticket.Split
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := a.Tickets.Split(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (a *API) listLinks(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	links, err := a.Tickets.Links(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(links))
	return nil
}

func (a *API) addLink(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ticket.NewLink
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := a.Tickets.AddLink(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, l)
	return nil
}

func (a *API) removeLink(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	linkID, err := httpx.PathID(r, "link_id")
	if err != nil {
		return err
	}
	if err := a.Tickets.RemoveLink(r.Context(), id, linkID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
