// Package slaapi is the JSON API's part for SLA policies and a ticket's
// clocks.
package slaapi

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/sla"
)

// Section serves /api/v1/sla-policies and /api/v1/tickets/{id}/sla.
type Section struct {
	SLA *sla.Service
}

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/sla-policies", Who: apikit.Agent, Handler: s.list,
			Doc: apikit.Op{Summary: "List SLA policies in the order they are tried (first match wins)", Out: apikit.List[sla.Policy]{}}},
		{Pattern: "POST /api/v1/sla-policies", Who: apikit.Lead, Handler: s.create, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create an SLA policy; open tickets are re-targeted at once",
				In: sla.NewPolicy{}, Out: sla.Policy{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/sla-policies/{id}", Who: apikit.Agent, Handler: s.get,
			Doc: apikit.Op{Summary: "Get an SLA policy", Out: sla.Policy{}}},
		{Pattern: "PATCH /api/v1/sla-policies/{id}", Who: apikit.Lead, Handler: s.update,
			Doc: apikit.Op{Summary: "Change an SLA policy; open tickets are re-targeted at once", In: sla.PolicyPatch{}, Out: sla.Policy{}}},
		{Pattern: "DELETE /api/v1/sla-policies/{id}", Who: apikit.Lead, Handler: s.delete,
			Doc: apikit.Op{Summary: "Delete an SLA policy; open tickets move to the next match"}},
		{Pattern: "GET /api/v1/tickets/{id}/sla", Who: apikit.Agent, Handler: s.ticket,
			Doc: apikit.Op{Summary: "A ticket's SLA clocks, per metric, with their segments and an explanation",
				Out: apikit.List[sla.MetricSLA]{}}},
	}
}

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	all, err := s.SLA.Policies(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(all))
	return nil
}

func (s Section) create(w http.ResponseWriter, r *http.Request) error {
	var in sla.NewPolicy
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.SLA.CreatePolicy(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/sla-policies/"+strconv.FormatInt(p.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (s Section) get(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.SLA.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s Section) update(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in sla.PolicyPatch
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.SLA.UpdatePolicy(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s Section) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.SLA.DeletePolicy(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s Section) ticket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	clocks, err := s.SLA.TicketSLA(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(clocks))
	return nil
}
