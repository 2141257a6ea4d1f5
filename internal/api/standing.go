package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/standing"
)

// standingHandlers serve the leaderboard, agents' pages and the standing settings.
type standingHandlers struct {
	standing *standing.Service
}

// The leaderboard, tiers and agents' pages (package standing).

func (h *standingHandlers) leaderboard(w http.ResponseWriter, r *http.Request) error {
	period, err := queryID(r.URL.Query(), "period_id")
	if err != nil {
		return err
	}
	b, err := h.standing.Leaderboard(r.Context(), me(r), period)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (h *standingHandlers) agentProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.standing.Profile(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *standingHandlers) getStandingSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := h.standing.Config(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *standingHandlers) patchStandingSettings(w http.ResponseWriter, r *http.Request) error {
	var p standing.ConfigPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	c, err := h.standing.UpdateConfig(r.Context(), me(r), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
