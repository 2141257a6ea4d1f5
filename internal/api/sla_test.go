package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

func TestSLAPoliciesAndATicketsClocksOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Refund", "body": "Please",
			"requester": {"email": "ada@example.com"}, "priority": "urgent"}`, ""), http.StatusCreated, &tk)
		var p sla.Policy
		c.want(c.do("POST", "/api/v1/sla-policies", `{"name": "Urgent", "position": 1,
			"conditions": [{"field": "priority", "op": "in", "value": ["urgent", "high"]}],
			"targets": [{"metric": "first_reply", "minutes": 60, "business_hours": false},
				{"metric": "resolution", "minutes": 480, "business_hours": true, "pause_statuses": ["pending"]}]}`, ""),
			http.StatusCreated, &p)
		if got := p.Targets[0].PauseStatuses; len(got) != 1 || got[0] != "on_hold" {
			t.Fatalf("default pauses %v", got)
		}
		// The new policy re-targeted the open ticket with its commit.
		var clocks struct{ Items []sla.MetricSLA }
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(tk.ID)+"/sla", "", ""), http.StatusOK, &clocks)
		if len(clocks.Items) != 2 {
			t.Fatalf("clocks %+v", clocks.Items)
		}
		first := clocks.Items[0]
		if first.Metric != "first_reply" || first.State != "active" || first.TargetMinutes != 60 ||
			!first.DueAt.Equal(tk.CreatedAt.Add(time.Hour)) || len(first.Segments) != 1 ||
			!strings.HasPrefix(first.Explanation, "Due ") {
			t.Fatalf("first reply %+v", first)
		}
		path := "/api/v1/sla-policies/" + itoa(p.ID)
		c.want(c.do("PATCH", path, `{"targets": [{"metric": "first_reply", "minutes": 30, "business_hours": false}]}`, ""),
			http.StatusOK, &p)
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(tk.ID)+"/sla", "", ""), http.StatusOK, &clocks)
		if len(clocks.Items) != 1 || clocks.Items[0].TargetMinutes != 30 {
			t.Fatalf("after patch %+v", clocks.Items)
		}
		var list struct{ Items []sla.Policy }
		c.want(c.do("GET", "/api/v1/sla-policies", "", ""), http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Fatalf("policies %+v", list.Items)
		}
		agent := c.as("agent")
		agent.want(agent.do("GET", "/api/v1/tickets/"+itoa(tk.ID)+"/sla", "", ""), http.StatusOK, nil)
		agent.want(agent.do("DELETE", path, "", ""), http.StatusForbidden, nil)
		c.want(c.do("GET", "/api/v1/tickets/999999/sla", "", ""), http.StatusNotFound, nil)

		bad := map[string]struct{ body, field string }{
			"unknown metric":   {`{"name": "B", "targets": [{"metric": "lunch", "minutes": 5}]}`, "targets[0].metric"},
			"no minutes":       {`{"name": "B", "targets": [{"metric": "resolution", "minutes": 0}]}`, "targets[0].minutes"},
			"bad pause status": {`{"name": "B", "targets": [{"metric": "resolution", "minutes": 5, "pause_statuses": ["solved"]}]}`, "targets[0].pause_statuses"},
			"unknown field":    {`{"name": "B", "conditions": [{"field": "mood", "op": "is", "value": "x"}], "targets": [{"metric": "resolution", "minutes": 5}]}`, "conditions[0].field"},
			"bad priority":     {`{"name": "B", "conditions": [{"field": "priority", "op": "is", "value": "huge"}], "targets": [{"metric": "resolution", "minutes": 5}]}`, "conditions[0].value"},
			"no targets":       {`{"name": "B"}`, "targets"},
		}
		for name, tc := range bad {
			rec := c.do("POST", "/api/v1/sla-policies", tc.body, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"`+tc.field+`"`) {
				t.Errorf("%s: %d %s, want 400 naming %s", name, rec.Code, rec.Body, tc.field)
			}
		}
		c.want(c.do("DELETE", path, "", ""), http.StatusNoContent, nil)
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(tk.ID)+"/sla", "", ""), http.StatusOK, &clocks)
		if len(clocks.Items) != 0 {
			t.Fatalf("after delete %+v", clocks.Items)
		}
	})
}
