package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// fieldHandlers serve custom fields and custom statuses.
type fieldHandlers struct {
	fields  *field.Service
	tickets *ticket.Service
}

// listFields lists custom field definitions; ?archived=true or false
// narrows to archived or active ones.
func (h *fieldHandlers) listFields(w http.ResponseWriter, r *http.Request) error {
	var archived *bool
	if v := r.URL.Query().Get("archived"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return apperr.Invalid("archived", "must be true or false, not %q", v)
		}
		archived = &b
	}
	fields, err := h.fields.List(r.Context(), archived)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(fields))
	return nil
}

func (h *fieldHandlers) createField(w http.ResponseWriter, r *http.Request) error {
	var in field.NewField
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.fields.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/custom-fields/"+strconv.FormatInt(f.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, f)
	return nil
}

func (h *fieldHandlers) getField(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := h.fields.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (h *fieldHandlers) updateField(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p field.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	f, err := h.fields.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (h *fieldHandlers) listStatuses(w http.ResponseWriter, r *http.Request) error {
	statuses, err := h.tickets.Statuses(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(statuses))
	return nil
}

func (h *fieldHandlers) createStatus(w http.ResponseWriter, r *http.Request) error {
	var in ticket.NewStatus
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.tickets.CreateStatus(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/custom-statuses/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *fieldHandlers) getStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.tickets.GetStatus(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *fieldHandlers) updateStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p ticket.StatusPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	c, err := h.tickets.UpdateStatus(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
