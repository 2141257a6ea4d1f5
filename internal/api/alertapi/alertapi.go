// Package alertapi is the alert rules' part of the JSON API (package alert
// does the work): leads and admins create, read, change and delete rules,
// acknowledge and silence them, and read their history.
package alertapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Section serves /api/v1/alert-rules.
type Section struct {
	Alerts *alert.Service
}

const ruleDoc = "Rules are \"<metric> <op> <threshold> for <duration_minutes>\" on a team (team_id) or the desk " +
	"(team_id null); metric is service_level (today's first-reply level, %), backlog (unsolved tickets), " +
	"at_risk and breached (SLA clocks), or csat_7d (% satisfied, 7 days); op is <, <=, > or >=. " +
	"Webhook posts carry Centerdesk-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\" with webhook_secret>"

// Routes lists the section's routes.
func (s Section) Routes() []apikit.Route {
	return []apikit.Route{
		{Pattern: "GET /api/v1/alert-rules", Who: apikit.Lead, Handler: s.list,
			Doc: apikit.Op{Summary: "List alert rules with their state (ok, pending, firing, resolved)", Out: apikit.List[alert.Rule]{}}},
		{Pattern: "POST /api/v1/alert-rules", Who: apikit.Lead, Handler: s.create, Key: apikit.Once,
			Doc: apikit.Op{Summary: "Create an alert rule. " + ruleDoc, In: alert.Input{}, Out: alert.Rule{}, Status: http.StatusCreated}},
		{Pattern: "GET /api/v1/alert-rules/{id}", Who: apikit.Lead, Handler: s.get,
			Doc: apikit.Op{Summary: "Get an alert rule with its state", Out: alert.Rule{}}},
		{Pattern: "PATCH /api/v1/alert-rules/{id}", Who: apikit.Lead, Handler: s.update,
			Doc: apikit.Op{Summary: "Change an alert rule; its state is kept and judged by the new condition at the next evaluation",
				In: alert.Patch{}, Out: alert.Rule{}}},
		{Pattern: "DELETE /api/v1/alert-rules/{id}", Who: apikit.Lead, Handler: s.delete,
			Doc: apikit.Op{Summary: "Delete an alert rule and its history"}},
		{Pattern: "POST /api/v1/alert-rules/{id}/ack", Who: apikit.Lead, Handler: s.ack,
			Doc: apikit.Op{Summary: "Acknowledge a pending or firing alert (who and when are recorded; cleared when it resolves)",
				Out: alert.Rule{}}},
		{Pattern: "POST /api/v1/alert-rules/{id}/silence", Who: apikit.Lead, Handler: s.silence,
			Doc: apikit.Op{Summary: "Silence a rule until a time (RFC 3339, within a year): nobody is told while its state is still kept; " +
				"until null lifts the silence", In: silenceBody{}, Out: alert.Rule{}}},
		{Pattern: "GET /api/v1/alert-rules/{id}/history", Who: apikit.Lead, Handler: s.history,
			Doc: apikit.Op{Summary: "A rule's changes of state, newest first, with the value seen",
				Query: []string{"limit: changes to return, 1-200 (200)"}, Out: apikit.List[alert.History]{}}},
	}
}

func (s Section) list(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Alerts.Rules(r.Context(), user.FromContext(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(all))
	return nil
}

func (s Section) create(w http.ResponseWriter, r *http.Request) error {
	var in alert.Input
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rule, err := s.Alerts.Create(r.Context(), user.FromContext(r.Context()), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/alert-rules/"+strconv.FormatInt(rule.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, rule)
	return nil
}

func (s Section) get(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rule, err := s.Alerts.Rule(r.Context(), user.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (s Section) update(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p alert.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	rule, err := s.Alerts.Update(r.Context(), user.FromContext(r.Context()), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (s Section) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Alerts.Delete(r.Context(), user.FromContext(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s Section) ack(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rule, err := s.Alerts.Acknowledge(r.Context(), user.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

// silenceBody is the silence request: until is read here, so a time
// that does not parse is refused naming the field.
type silenceBody struct {
	Until *string `json:"until"` // RFC 3339; null lifts the silence
}

func (s Section) silence(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var body silenceBody
	if err := httpx.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	var in alert.SilenceInput
	if body.Until != nil {
		until, err := time.Parse(time.RFC3339, *body.Until)
		if err != nil {
			return apperr.Invalid("until", "must be an RFC 3339 time, such as 2026-12-08T09:00:00Z")
		}
		in.Until = &until
	}
	rule, err := s.Alerts.Silence(r.Context(), user.FromContext(r.Context()), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (s Section) history(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := httpx.QueryLimit(r.URL.Query(), alert.MaxHistory)
	if err != nil {
		return err
	}
	h, err := s.Alerts.History(r.Context(), user.FromContext(r.Context()), id, limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(h))
	return nil
}
