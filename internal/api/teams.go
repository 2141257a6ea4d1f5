package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/team"
)

// teamHandlers serve teams.
type teamHandlers struct {
	teams *team.Service
}

func (h *teamHandlers) listTeams(w http.ResponseWriter, r *http.Request) error {
	teams, err := h.teams.List(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(teams))
	return nil
}

func (h *teamHandlers) createTeam(w http.ResponseWriter, r *http.Request) error {
	var in team.NewTeam
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.teams.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/teams/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (h *teamHandlers) getTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.teams.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (h *teamHandlers) updateTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p team.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	t, err := h.teams.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (h *teamHandlers) deleteTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.teams.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
