package api

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/standing"
)

// The leaderboard, tiers and agents' pages (package standing).

func (a *API) leaderboard(w http.ResponseWriter, r *http.Request) error {
	period, err := queryID(r.URL.Query(), "period_id")
	if err != nil {
		return err
	}
	b, err := a.Standing.Leaderboard(r.Context(), me(r), period)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (a *API) agentProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.Standing.Profile(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) getStandingSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Standing.Config(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) patchStandingSettings(w http.ResponseWriter, r *http.Request) error {
	var p standing.ConfigPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	c, err := a.Standing.UpdateConfig(r.Context(), me(r), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
