// Package opsapi is the live operations board's part of the JSON API: the
// same snapshot the /ops page draws, for leads and admins.
package opsapi

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ops"
)

// Section serves GET /api/v1/ops.
type Section struct {
	Ops *ops.Service
}

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/ops", Who: apikit.Lead, Handler: s.snapshot, Doc: apikit.Op{
			Summary: "The live operations board now: for the desk and for each team (by name), service level today " +
				"(local midnight to midnight in the team's schedule zone, else the desk's) of first_reply and resolution " +
				"with its colour against the team's goal (green at or above goal_percent, orange at or above " +
				"orange_percent, red below, grey with nothing decided; share = met / (met + missed) of clocks due today); " +
				"backlog (unsolved, unassigned, the ticket whose customer has waited on us the longest); breaches now " +
				"(open clocks past their deadline) and clocks due in the next hour; tickets arrived per hour today against " +
				"the forecast (the mean of the same weekday hour over the last 4 weeks); CSAT and CES of surveys sent " +
				"today and over the last 7 days; agents online",
			Out: ops.Snapshot{}}},
	}
}

func (s Section) snapshot(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.Ops.Snapshot(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, snap)
	return nil
}
