// Package joiningapi is the JSON API's part of keeping one issue in one
// ticket across channels: a customer's unsolved tickets (what a client
// about to open a ticket for them should offer to add to instead), the
// tickets suggested as possibly the same issue, and the one-call join.
package joiningapi

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Section serves the routes.
type Section struct {
	Joining *joining.Service
}

// SameIssue is a ticket suggested as possibly the same issue as another.
type SameIssue struct {
	Ticket joining.Candidate `json:"ticket"`
	// Newer says the ticket asked about is the newer one: a join merges it
	// into this one; otherwise this one is merged into it.
	Newer bool `json:"newer"`
}

// JoinRequest names the suggested ticket to join with.
type JoinRequest struct {
	OtherID int64 `json:"other_id"`
}

// Routes lists the section's routes with their documents.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/customers/{id}/unsolved-tickets", Who: apikit.Agent, Handler: s.unsolved,
			Doc: apikit.Op{Summary: "The customer's unsolved tickets, most recently updated first (at most 20): " +
				"before opening a ticket for them, offer to add to one of these instead",
				Out: apikit.List[joining.Candidate]{}}},
		{Pattern: "GET /api/v1/tickets/{id}/same-issue", Who: apikit.Agent, Handler: s.sameIssue,
			Doc: apikit.Op{Summary: "Tickets suggested as possibly the same issue as this one, while both are unsolved",
				Out: apikit.List[SameIssue]{}}},
		{Pattern: "POST /api/v1/tickets/{id}/join", Who: apikit.Agent, Handler: s.join, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Join a ticket suggested as possibly the same issue: the newer ticket is merged " +
				"into the older one, which records the join (a channel switch when the channels differ)",
				In: JoinRequest{}, Out: ticket.Merged{}}},
	}
}

func (s Section) unsolved(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	cands, err := s.Joining.UnsolvedOfCustomer(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(cands))
	return nil
}

func (s Section) sameIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sugg, err := s.Joining.SuggestionsOfTicket(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]SameIssue, len(sugg))
	for i, g := range sugg {
		out[i] = SameIssue{Ticket: g.Other, Newer: g.Newer}
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(out))
	return nil
}

func (s Section) join(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in JoinRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.OtherID <= 0 {
		return apperr.Invalid("other_id", "is required: the id of a ticket suggested as the same issue")
	}
	m, err := s.Joining.JoinSuggested(r.Context(), id, in.OtherID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}
