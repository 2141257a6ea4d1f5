package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/slaapi"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestServiceLevelAndGoalsOverHTTP: the level of a period by team and by
// channel with goals and colours, goals set and cleared by admins and
// read by leads, and 400s naming the parameter.
func TestServiceLevelAndGoalsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var billing team.Team
		c.want(c.do("POST", "/api/v1/teams", `{"name": "Billing"}`, ""), http.StatusCreated, &billing)
		// Billing: one met, one missed (open past its deadline); no team:
		// one pending.
		var ids []int64
		for i, channel := range []string{"email", "email", "phone"} {
			var tk ticket.Ticket
			c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Help", "body": "Please", "requester": {"email": "ada@example.com"}, "channel": "`+channel+`"}`, ""),
				http.StatusCreated, &tk)
			ids = append(ids, tk.ID)
			if i < 2 {
				c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(tk.ID), `{"team_id": `+itoa(billing.ID)+`}`, ""), http.StatusOK, nil)
			}
		}
		// The policy targets the open tickets as they are, at once.
		c.want(c.do("POST", "/api/v1/sla-policies", `{"name": "All", "position": 1,
			"targets": [{"metric": "first_reply", "minutes": 60, "business_hours": false}]}`, ""), http.StatusCreated, nil)
		now := time.Now().UTC()
		seed := func(id int64, state string, due time.Time) {
			if _, err := d.Write().Exec(`UPDATE sla_clocks SET state = $1, due_at = $2 WHERE ticket_id = $3`,
				state, db.Time(due), id); err != nil {
				t.Fatal(err)
			}
		}
		seed(ids[0], "fulfilled", now.Add(-30*time.Minute))
		seed(ids[1], "active", now.Add(-10*time.Minute))
		seed(ids[2], "active", now.Add(30*time.Minute))
		span := url.Values{"from": {now.Add(-time.Hour).Format(time.RFC3339)}, "to": {now.Add(time.Hour).Format(time.RFC3339)}}

		lead := c.as("lead")
		var whole slaapi.LevelAnswer
		lead.want(lead.do("GET", "/api/v1/service-level?"+span.Encode(), "", ""), http.StatusOK, &whole)
		if l := whole.Level; l == nil || l.Met != 1 || l.Missed != 1 || l.Pending != 1 || l.Due != 3 || *l.Share != 0.5 ||
			l.Colour != sla.Red || l.Goal.GoalPercent != 95 || whole.Metric != "first_reply" || whole.Formula == "" {
			t.Fatalf("whole %+v", whole)
		}
		var byTeam slaapi.LevelAnswer
		q := span.Encode() + "&group_by=team"
		lead.want(lead.do("GET", "/api/v1/service-level?"+q, "", ""), http.StatusOK, &byTeam)
		if len(byTeam.Groups) != 2 || byTeam.Groups[0].Name != "Billing" || *byTeam.Groups[0].Share != 0.5 ||
			byTeam.Groups[0].Colour != sla.Red || byTeam.Groups[1].Key != "" || byTeam.Groups[1].Colour != sla.Grey {
			t.Fatalf("by team %+v", byTeam.Groups)
		}
		// A goal of 50% turns Billing green; the desk stays at 95.
		var g sla.Goal
		c.want(c.do("PUT", "/api/v1/teams/"+itoa(billing.ID)+"/sla-goal", `{"goal_percent": 50, "orange_percent": 40}`, ""), http.StatusOK, &g)
		if g.GoalPercent != 50 || g.Inherited {
			t.Fatalf("team goal %+v", g)
		}
		lead.want(lead.do("GET", "/api/v1/service-level?"+q+"&team_id="+itoa(billing.ID), "", ""), http.StatusOK, &byTeam)
		if len(byTeam.Groups) != 1 || byTeam.Groups[0].Colour != sla.Green || byTeam.Groups[0].Goal.GoalPercent != 50 {
			t.Fatalf("billing %+v", byTeam.Groups)
		}
		var byChannel slaapi.LevelAnswer
		lead.want(lead.do("GET", "/api/v1/service-level?"+span.Encode()+"&group_by=channel&channel=phone", "", ""), http.StatusOK, &byChannel)
		if len(byChannel.Groups) != 1 || byChannel.Groups[0].Key != "phone" || byChannel.Groups[0].Pending != 1 || byChannel.Groups[0].Colour != "" {
			t.Fatalf("by channel %+v", byChannel.Groups)
		}
		c.want(c.do("PUT", "/api/v1/sla-goals/desk", `{"goal_percent": 90, "orange_percent": 80}`, ""), http.StatusOK, &g)
		var goals slaapi.GoalsAnswer
		lead.want(lead.do("GET", "/api/v1/sla-goals", "", ""), http.StatusOK, &goals)
		if goals.Desk.GoalPercent != 90 || len(goals.Teams) != 1 || goals.Teams[0].TeamName != "Billing" || goals.Teams[0].Inherited {
			t.Fatalf("goals %+v", goals)
		}
		c.want(c.do("DELETE", "/api/v1/teams/"+itoa(billing.ID)+"/sla-goal", "", ""), http.StatusNoContent, nil)
		lead.want(lead.do("GET", "/api/v1/sla-goals", "", ""), http.StatusOK, &goals)
		if !goals.Teams[0].Inherited || goals.Teams[0].GoalPercent != 90 || goals.Teams[0].OrangePercent != 80 {
			t.Fatalf("cleared %+v", goals.Teams[0])
		}

		// Leads read, admins change; agents do neither.
		lead.want(lead.do("PUT", "/api/v1/sla-goals/desk", `{"goal_percent": 90, "orange_percent": 80}`, ""), http.StatusForbidden, nil)
		lead.want(lead.do("DELETE", "/api/v1/teams/"+itoa(billing.ID)+"/sla-goal", "", ""), http.StatusForbidden, nil)
		agent := c.as("agent")
		agent.want(agent.do("GET", "/api/v1/service-level", "", ""), http.StatusForbidden, nil)
		agent.want(agent.do("GET", "/api/v1/sla-goals", "", ""), http.StatusForbidden, nil)
		c.want(c.do("PUT", "/api/v1/teams/999999/sla-goal", `{"goal_percent": 90, "orange_percent": 80}`, ""), http.StatusNotFound, nil)

		for query, field := range map[string]string{
			"metric=speed":                  "metric",
			"group_by=planet":               "group_by",
			"channel=fax":                   "channel",
			"team_id=abc":                   "team_id",
			"team_id=999999":                "team_id",
			"from=yesterday":                "from",
			"to=2020-01-01":                 "to",
			"from=2026-12-02&to=2026-12-01": "to",
		} {
			rec := lead.do("GET", "/api/v1/service-level?"+query, "", "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s, want 400 naming %s", query, rec.Code, rec.Body, field)
			}
		}
		for body, field := range map[string]string{
			`{"goal_percent": 120, "orange_percent": 80}`: "goal_percent",
			`{"goal_percent": 90, "orange_percent": 95}`:  "orange_percent",
			`{"goal_percent": 90}`:                        "orange_percent",
		} {
			rec := c.do("PUT", "/api/v1/sla-goals/desk", body, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s, want 400 naming %s", body, rec.Code, rec.Body, field)
			}
		}
	})
}
