// Package hookapi is the webhook subscriptions' part of the JSON API
// (package hooksub does the work): admins subscribe URLs to ticket events,
// read each subscription's delivery log and redeliver from it.
package hookapi

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/hooksub"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves /api/v1/webhooks.
type Section struct {
	Hooks *hooksub.Service
}

const hookDoc = "Each event is posted as JSON (event_id for de-duplication, type, ticket_id, data, ticket) with " +
	"Centerdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\" with the secret>; the secret is shown " +
	"only in the answer that creates it (or rotate_secret). filter: team_ids, channels, tags (each list that is set must " +
	"match; tags: any of them). Failed posts are retried for 24 hours; after pause_after (10) failed attempts in a row " +
	"the webhook is paused and admins are mailed. See docs/webhooks.md."

// eventList names the event types a webhook may subscribe to.
type eventList struct {
	Events []string `json:"events"`
}

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/webhooks", Who: apikit.Admin, Handler: s.list,
			Doc: apikit.Op{Summary: "List webhook subscriptions", Out: apikit.List[hooksub.Subscription]{}}},
		{Pattern: "POST /api/v1/webhooks", Who: apikit.Admin, Handler: s.create, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Subscribe a URL to ticket events. " + hookDoc, In: hooksub.Input{},
				Out: hooksub.Subscription{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/webhooks/events", Who: apikit.Admin, Handler: s.events,
			Doc: apikit.Op{Summary: "The event types a webhook may subscribe to", Out: eventList{}}},
		{Pattern: "GET /api/v1/webhooks/{id}", Who: apikit.Admin, Handler: s.get,
			Doc: apikit.Op{Summary: "Get a webhook subscription (without its secret)", Out: hooksub.Subscription{}}},
		{Pattern: "PATCH /api/v1/webhooks/{id}", Who: apikit.Admin, Handler: s.update,
			Doc: apikit.Op{Summary: "Change a webhook subscription; active true resumes a paused one and clears its failures; " +
				"rotate_secret makes a new secret, shown in the answer", In: hooksub.Patch{}, Out: hooksub.Subscription{}}},
		{Pattern: "DELETE /api/v1/webhooks/{id}", Who: apikit.Admin, Handler: s.delete,
			Doc: apikit.Op{Summary: "Delete a webhook subscription and its delivery log"}},
		{Pattern: "GET /api/v1/webhooks/{id}/deliveries", Who: apikit.Admin, Handler: s.deliveries,
			Doc: apikit.Op{Summary: "A webhook's delivery log, newest first: body posted, state, attempts, last response code and error",
				Query: []string{"limit: deliveries to return, 1-200 (200)", "before: only deliveries with a smaller id (paging)"},
				Out:   apikit.List[hooksub.Delivery]{}}},
		{Pattern: "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", Who: apikit.Admin, Handler: s.redeliver,
			Doc: apikit.Op{Summary: "Post a logged delivery's body again (same event_id), as a new delivery in the log, " +
				"even to a paused webhook", Out: hooksub.Delivery{}, Status: http.StatusAccepted}},
	}
}

func who(r *http.Request) *user.User { return user.FromContext(r.Context()) }

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Hooks.List(r.Context(), who(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(all))
	return nil
}

func (s Section) events(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, eventList{Events: hooksub.Events})
	return nil
}

func (s Section) create(w http.ResponseWriter, r *http.Request) error {
	var in hooksub.Input
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sub, err := s.Hooks.Create(r.Context(), who(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+strconv.FormatInt(sub.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, sub)
	return nil
}

func (s Section) get(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sub, err := s.Hooks.Get(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sub)
	return nil
}

func (s Section) update(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p hooksub.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	sub, err := s.Hooks.Update(r.Context(), who(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sub)
	return nil
}

func (s Section) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Hooks.Delete(r.Context(), who(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s Section) deliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := httpx.QueryLimit(q, hooksub.MaxDeliveries)
	if err != nil {
		return err
	}
	var before int64
	if v := q.Get("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			return apperr.Invalid("before", "must be a delivery id")
		}
	}
	log, err := s.Hooks.Deliveries(r.Context(), who(r), id, before, limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(log))
	return nil
}

func (s Section) redeliver(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	deliveryID, err := httpx.PathID(r, "delivery_id")
	if err != nil {
		return err
	}
	d, err := s.Hooks.Redeliver(r.Context(), who(r), id, deliveryID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, d)
	return nil
}
