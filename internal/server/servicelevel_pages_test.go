package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestScheduleAdminPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		h.createUser("agent@example.com", "agent")
		b := h.browser()
		h.signIn(b, "admin@example.com")
		page := body(t, h.get(b, "/admin/schedules"))
		if !strings.Contains(page, "No schedules yet") {
			t.Fatalf("empty page:\n%s", page)
		}
		everyControlLabelled(t, page)

		form := url.Values{"name": {"London office"}, "time_zone": {"Europe/London"},
			"intervals": {"mon 09:00-17:00\ntue 9:00-17:00"}, "holidays": {"2026-12-24"}, "default": {"on"}}
		resp := h.postForm(b, "/admin/schedules", form)
		if page = body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "intervals[1].start") ||
			!strings.Contains(page, "London office") {
			t.Fatalf("bad start: %d\n%s", resp.StatusCode, page)
		}
		form.Set("intervals", "mon 09:00-17:00\nmon 22:00-06:00")
		if resp = h.postForm(b, "/admin/schedules", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", resp.StatusCode, body(t, resp))
		}
		all, err := schedule.NewService(d).List(testutil.As(0))
		if err != nil || len(all) != 1 || !all[0].Default || len(all[0].Intervals) != 2 {
			t.Fatalf("stored %+v %v", all, err)
		}
		page = body(t, h.get(b, "/admin/schedules/"+itoa(all[0].ID)))
		if !strings.Contains(page, "mon 22:00-06:00") || !strings.Contains(page, "2026-12-24") {
			t.Fatalf("edit page:\n%s", page)
		}
		everyControlLabelled(t, page)

		agent := h.browser()
		h.signIn(agent, "agent@example.com")
		if resp := h.get(agent, "/admin/schedules"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent: %d", resp.StatusCode)
		}
		if resp := h.postForm(b, "/admin/schedules/"+itoa(all[0].ID)+"/delete", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
	})
}

func TestTicketPageShowsTheSLAPanel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		tok := h.token(admin)
		resp, out := h.api("POST", "/api/v1/tickets", tok, `{"subject": "Refund", "body": "Please",
			"requester": {"email": "ada@example.com"}}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("ticket: %d %v", resp.StatusCode, out)
		}
		id := itoa(int64(out["id"].(float64)))
		b := h.browser()
		h.signIn(b, "admin@example.com")
		if page := body(t, h.get(b, "/tickets/"+id+"/sla")); !strings.Contains(page, "No SLA policy applies") {
			t.Fatalf("panel without a policy:\n%s", page)
		}
		if page := body(t, h.get(b, "/tickets/"+id)); !strings.Contains(page, `hx-get="/tickets/`+id+`/sla"`) {
			t.Fatalf("ticket page lacks the panel:\n%s", page)
		}
		resp, out = h.api("POST", "/api/v1/sla-policies", tok, `{"name": "All", "targets": [
			{"metric": "first_reply", "minutes": 240, "business_hours": false}]}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("policy: %d %v", resp.StatusCode, out)
		}
		page := body(t, h.get(b, "/tickets/"+id+"/sla"))
		if !strings.Contains(page, "First reply") || !strings.Contains(page, "4 hours from") || !strings.Contains(page, "<time") {
			t.Fatalf("panel:\n%s", page)
		}
	})
}
