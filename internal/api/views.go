package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
)

// viewHandlers serve saved views and their tickets.
type viewHandlers struct {
	views *view.Service
}

// Views are personal: every handler acts as the token's user, who sees the
// ready-made views, their own, and those shared with their teams.

func (h *viewHandlers) listViews(w http.ResponseWriter, r *http.Request) error {
	views, err := h.views.List(r.Context(), user.FromContext(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(views))
	return nil
}

func (h *viewHandlers) createView(w http.ResponseWriter, r *http.Request) error {
	var in view.NewView
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.views.Create(r.Context(), user.FromContext(r.Context()), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/views/"+v.ID)
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (h *viewHandlers) getView(w http.ResponseWriter, r *http.Request) error {
	v, err := h.views.Get(r.Context(), user.FromContext(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *viewHandlers) updateView(w http.ResponseWriter, r *http.Request) error {
	var p view.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	v, err := h.views.Update(r.Context(), user.FromContext(r.Context()), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *viewHandlers) deleteView(w http.ResponseWriter, r *http.Request) error {
	if err := h.views.Delete(r.Context(), user.FromContext(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// viewTickets lists a page of the view's tickets in the view's order.
func (h *viewHandlers) viewTickets(w http.ResponseWriter, r *http.Request) error {
	u := user.FromContext(r.Context())
	v, err := h.views.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := httpx.QueryLimit(q, ticket.MaxLimit)
	if err != nil {
		return err
	}
	page, err := h.views.Tickets(r.Context(), u, v, q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := listOf(page.Tickets)
	out.NextCursor = page.NextCursor
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
