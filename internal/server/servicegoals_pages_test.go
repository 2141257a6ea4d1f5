package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestServiceGoalsAdminPage: admins set the desk's and a team's goal on
// /admin/service-goals, see today's level coloured against it, get errors
// naming the field, and put a team back on the desk's goal; agents are
// refused.
func TestServiceGoalsAdminPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		h.createUser("agent@example.com", "agent")
		tok := h.token(admin)
		resp, out := h.api("POST", "/api/v1/teams", tok, `{"name": "Billing"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("team: %d %v", resp.StatusCode, out)
		}
		teamID := itoa(int64(out["id"].(float64)))
		// One first reply of Billing met today, one missed.
		var tickets []string
		for range 2 {
			resp, out = h.api("POST", "/api/v1/tickets", tok, `{"subject": "Refund", "body": "Please", "requester": {"email": "ada@example.com"}}`)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("ticket: %d %v", resp.StatusCode, out)
			}
			id := itoa(int64(out["id"].(float64)))
			tickets = append(tickets, id)
			if resp, out = h.api("PATCH", "/api/v1/tickets/"+id, tok, `{"team_id": `+teamID+`}`); resp.StatusCode != http.StatusOK {
				t.Fatalf("team the ticket: %d %v", resp.StatusCode, out)
			}
		}
		if resp, out = h.api("POST", "/api/v1/sla-policies", tok, `{"name": "All", "targets": [
			{"metric": "first_reply", "minutes": 240, "business_hours": false}]}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("policy: %d %v", resp.StatusCode, out)
		}
		now := time.Now()
		for i, state := range []string{"fulfilled", "breached"} {
			if _, err := d.Write().Exec(`UPDATE sla_clocks SET state = $1, due_at = $2 WHERE ticket_id = $3`,
				state, db.Time(now), tickets[i]); err != nil {
				t.Fatal(err)
			}
		}

		b := h.browser()
		h.signIn(b, "admin@example.com")
		page := body(t, h.get(b, "/admin/service-goals"))
		if !strings.Contains(page, "Desk default") || !strings.Contains(page, "Billing") ||
			!strings.Contains(page, `data-colour="red">50.0%`) || !strings.Contains(page, "follows the desk") {
			t.Fatalf("page:\n%s", page)
		}
		everyControlLabelled(t, page)

		for _, tc := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"goal_percent": {"ninety"}, "orange_percent": {"80"}}, "goal_percent"},
			{url.Values{"goal_percent": {"90"}, "orange_percent": {"95"}}, "orange_percent"},
			{url.Values{"goal_percent": {"101"}, "orange_percent": {"80"}}, "goal_percent"},
		} {
			resp := h.postForm(b, "/admin/service-goals/teams/"+teamID, tc.form)
			page := body(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, tc.field+": ") ||
				!strings.Contains(page, `value="`+tc.form.Get("goal_percent")+`"`) {
				t.Errorf("%v: %d, want 400 naming %s:\n%s", tc.form, resp.StatusCode, tc.field, page)
			}
		}
		// A goal of 50% turns Billing green; the desk's own goal moves.
		if resp := h.postForm(b, "/admin/service-goals/teams/"+teamID, url.Values{"goal_percent": {"50"}, "orange_percent": {"40"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("team goal: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if resp := h.postForm(b, "/admin/service-goals", url.Values{"goal_percent": {"92.5"}, "orange_percent": {"80"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("desk goal: %d\n%s", resp.StatusCode, body(t, resp))
		}
		page = body(t, h.get(b, "/admin/service-goals"))
		if !strings.Contains(page, `data-colour="green">50.0%`) || !strings.Contains(page, `value="92.5"`) || strings.Contains(page, "follows the desk") {
			t.Fatalf("after saving:\n%s", page)
		}
		svc := sla.New(d, jobs.New(d, testutil.Logger(t), jobs.Options{}), sla.Options{})
		if g, err := svc.DeskGoal(testutil.As(admin.ID)); err != nil || g.GoalPercent != 92.5 || g.OrangePercent != 80 {
			t.Fatalf("desk goal %+v %v", g, err)
		}
		if resp := h.postForm(b, "/admin/service-goals/teams/"+teamID+"/clear", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear: %d", resp.StatusCode)
		}
		if page = body(t, h.get(b, "/admin/service-goals")); !strings.Contains(page, "follows the desk") {
			t.Fatalf("after clearing:\n%s", page)
		}
		if resp := h.postForm(b, "/admin/service-goals/teams/999999", url.Values{"goal_percent": {"50"}, "orange_percent": {"40"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown team: %d", resp.StatusCode)
		}

		// The forms are refused from another site (CSRF).
		if resp := h.postForm(b, "/admin/service-goals", url.Values{"goal_percent": {"10"}, "orange_percent": {"5"}},
			"Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site post: %d", resp.StatusCode)
		}

		agent := h.browser()
		h.signIn(agent, "agent@example.com")
		if resp := h.get(agent, "/admin/service-goals"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent: %d", resp.StatusCode)
		}
		if resp := h.postForm(agent, "/admin/service-goals", url.Values{"goal_percent": {"10"}, "orange_percent": {"5"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent post: %d", resp.StatusCode)
		}
	})
}
