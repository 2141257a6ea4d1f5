package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/user"
)

// macroHandlers serve macros and their previews.
type macroHandlers struct {
	macros *macro.Service
}

// viewer is the caller as the macro service checks it.
func viewer(r *http.Request) macro.Viewer { return macro.ViewerOf(user.FromContext(r.Context())) }

func (h *macroHandlers) listMacros(w http.ResponseWriter, r *http.Request) error {
	ms, err := h.macros.List(r.Context(), viewer(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ms))
	return nil
}

func (h *macroHandlers) createMacro(w http.ResponseWriter, r *http.Request) error {
	var in macro.NewMacro
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.macros.Create(r.Context(), viewer(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/macros/"+strconv.FormatInt(m.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (h *macroHandlers) getMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.macros.Get(r.Context(), viewer(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (h *macroHandlers) updateMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p macro.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	m, err := h.macros.Update(r.Context(), viewer(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (h *macroHandlers) deleteMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.macros.Delete(r.Context(), viewer(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// previewMacro renders a macro for a ticket without changing anything: the
// actions are applied when a reply made with it is sent.
func (h *macroHandlers) previewMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	macroID, err := httpx.PathID(r, "macro_id")
	if err != nil {
		return err
	}
	p, err := h.macros.Preview(r.Context(), user.FromContext(r.Context()), id, macroID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}
