package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// listFields lists custom field definitions; ?archived=true or false
// narrows to archived or active ones.
func (a *API) listFields(w http.ResponseWriter, r *http.Request) error {
	var archived *bool
	if v := r.URL.Query().Get("archived"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return apperr.Invalid("archived", "must be true or false, not %q", v)
		}
		archived = &b
	}
	fields, err := a.Fields.List(r.Context(), archived)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(fields))
	return nil
}

func (a *API) createField(w http.ResponseWriter, r *http.Request) error {
	var in field.NewField
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := a.Fields.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/custom-fields/"+strconv.FormatInt(f.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, f)
	return nil
}

func (a *API) getField(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.Fields.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) updateField(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p field.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	f, err := a.Fields.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) listStatuses(w http.ResponseWriter, r *http.Request) error {
	statuses, err := a.Tickets.Statuses(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(statuses))
	return nil
}

func (a *API) createStatus(w http.ResponseWriter, r *http.Request) error {
	var in ticket.NewStatus
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.Tickets.CreateStatus(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/custom-statuses/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) getStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Tickets.GetStatus(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) updateStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p ticket.StatusPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	c, err := a.Tickets.UpdateStatus(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
