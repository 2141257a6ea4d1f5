package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// storedPolicies reads the policies, in the order they are tried, through
// the API.
func storedPolicies(t *testing.T, h *harness, tok string) []sla.Policy {
	t.Helper()
	req, err := http.NewRequest("GET", h.url+"/api/v1/sla-policies", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Items []sla.Policy }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Items
}

// policyNames lists the stored policies' names in the order they are tried.
func policyNames(t *testing.T, h *harness, tok string) string {
	t.Helper()
	var names []string
	for _, p := range storedPolicies(t, h, tok) {
		names = append(names, p.Name)
	}
	return strings.Join(names, ",")
}

func TestSLAPolicyPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		tok := h.token(h.createUser("lead@example.com", "lead"))
		h.createUser("agent@example.com", "agent")
		b := h.browser()
		h.signIn(b, "lead@example.com")
		page := body(t, h.get(b, "/admin/sla-policies"))
		if !strings.Contains(page, "No SLA policies yet") {
			t.Fatalf("empty page:\n%s", page)
		}
		everyControlLabelled(t, page)

		form := url.Values{"name": {"Urgent email"},
			"cond_field": {"priority", "channel", ""}, "cond_op": {"in", "is", "is"}, "cond_value": {"urgent, high", "email", ""},
			"minutes_first_reply": {"0"}, "business_first_reply": {"on"}, "pause_first_reply": {"on_hold"},
			"minutes_resolution": {"480"}, "pause_resolution": {"pending", "on_hold"}}
		// Bad input names the field, keeps what was typed and saves nothing.
		resp := h.postForm(b, "/admin/sla-policies", form)
		if page = body(t, resp); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "targets[first_reply].minutes") || !strings.Contains(page, "Urgent email") {
			t.Fatalf("bad minutes: %d\n%s", resp.StatusCode, page)
		}
		form.Set("minutes_first_reply", "soon")
		if resp = h.postForm(b, "/admin/sla-policies", form); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("minutes not a number: %d", resp.StatusCode)
		}
		form.Set("minutes_first_reply", "60")
		form["cond_value"] = []string{"urgent, never", "email", ""}
		resp = h.postForm(b, "/admin/sla-policies", form)
		if page = body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "conditions[0].value") {
			t.Fatalf("bad priority: %d\n%s", resp.StatusCode, page)
		}
		if names := policyNames(t, h, tok); names != "" {
			t.Fatalf("saved after bad input: %v", names)
		}

		form["cond_value"] = []string{"urgent, high", "email", ""}
		if resp = h.postForm(b, "/admin/sla-policies", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", resp.StatusCode, body(t, resp))
		}
		all := storedPolicies(t, h, tok)
		if len(all) != 1 || len(all[0].Conditions) != 2 || len(all[0].Targets) != 2 ||
			!all[0].Targets[0].BusinessHours || all[0].Targets[1].BusinessHours ||
			strings.Join(all[0].Targets[1].PauseStatuses, ",") != "on_hold,pending" {
			t.Fatalf("stored %+v", all)
		}
		if string(all[0].Conditions[0].Value) != `["urgent","high"]` {
			t.Fatalf("in value %s", all[0].Conditions[0].Value)
		}
		id := itoa(all[0].ID)
		page = body(t, h.get(b, "/admin/sla-policies/"+id))
		if !strings.Contains(page, `value="urgent, high"`) || !strings.Contains(page, `value="480"`) {
			t.Fatalf("edit page:\n%s", page)
		}
		everyControlLabelled(t, page)
		form.Set("name", "Urgent")
		if resp = h.postForm(b, "/admin/sla-policies/"+id, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", resp.StatusCode, body(t, resp))
		}

		// A second policy goes last; moving it up puts it first.
		second := url.Values{"name": {"Everything"}, "minutes_first_reply": {"240"}}
		if resp = h.postForm(b, "/admin/sla-policies", second); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create second: %d\n%s", resp.StatusCode, body(t, resp))
		}
		if names := policyNames(t, h, tok); names != "Urgent,Everything" {
			t.Fatalf("order %s", names)
		}
		all = storedPolicies(t, h, tok)
		if resp = h.postForm(b, "/admin/sla-policies/"+itoa(all[1].ID)+"/move", url.Values{"direction": {"up"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("move: %d", resp.StatusCode)
		}
		if names := policyNames(t, h, tok); names != "Everything,Urgent" {
			t.Fatalf("order after the move %s", names)
		}

		if resp := h.postForm(b, "/admin/sla-policies", second, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site post: %d", resp.StatusCode)
		}
		agent := h.browser()
		h.signIn(agent, "agent@example.com")
		for _, path := range []string{"/admin/sla-policies", "/admin/schedules"} {
			if resp := h.get(agent, path); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent on %s: %d", path, resp.StatusCode)
			}
		}
		if resp := h.postForm(agent, "/admin/sla-policies/"+id+"/delete", url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent delete: %d", resp.StatusCode)
		}
		if resp := h.postForm(b, "/admin/sla-policies/"+id+"/delete", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if names := policyNames(t, h, tok); names != "Everything" {
			t.Fatalf("after delete %s", names)
		}
	})
}

// A lead keeps business hours and SLA policies, in pages and the API, and
// each change is audited as an admin's was.
func TestLeadsKeepBusinessHoursAndPolicies(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		// The new schedule's zone is the desk's (the lead has none of their own).
		zone := "Europe/Paris"
		if _, err := settings.NewStore(d).Update(testutil.As(0), settings.Patch{TimeZone: &zone}); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, d)
		lead := h.createUser("lead@example.com", "lead")
		agent := h.createUser("agent@example.com", "agent")
		b := h.browser()
		h.signIn(b, "lead@example.com")
		page := body(t, h.get(b, "/admin/schedules"))
		if !strings.Contains(page, `href="/admin/sla-policies"`) || !strings.Contains(page, `href="/admin/schedules"`) {
			t.Fatalf("a lead's nav lacks the links:\n%s", page)
		}
		if !strings.Contains(page, `<option value="Europe/Paris" selected>`) {
			t.Fatalf("the new schedule's zone is not the desk's:\n%s", page)
		}
		form := url.Values{"name": {"Office"}, "time_zone": {"Europe/Paris"}, "intervals": {"mon 09:00-17:00"}}
		if resp := h.postForm(b, "/admin/schedules", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("lead creates a schedule: %d\n%s", resp.StatusCode, body(t, resp))
		}

		leadTok, agentTok := h.token(lead), h.token(agent)
		sched := `{"name": "Night", "time_zone": "UTC", "intervals": [{"day": "mon", "start": "22:00", "end": "06:00"}]}`
		pol := `{"name": "All", "targets": [{"metric": "first_reply", "minutes": 60, "business_hours": false}]}`
		for _, c := range []struct{ path, body string }{{"/api/v1/schedules", sched}, {"/api/v1/sla-policies", pol}} {
			if resp, _ := h.api("POST", c.path, agentTok, c.body); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent POST %s: %d", c.path, resp.StatusCode)
			}
			resp, out := h.api("POST", c.path, leadTok, c.body)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("lead POST %s: %d %v", c.path, resp.StatusCode, out)
			}
			one := c.path + "/" + itoa(int64(out["id"].(float64)))
			if resp, _ := h.api("PATCH", one, agentTok, `{"name": "X"}`); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent PATCH %s: %d", one, resp.StatusCode)
			}
			if resp, out := h.api("PATCH", one, leadTok, `{"name": "Renamed"}`); resp.StatusCode != http.StatusOK {
				t.Fatalf("lead PATCH %s: %d %v", one, resp.StatusCode, out)
			}
			if resp, _ := h.api("DELETE", one, agentTok, ""); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent DELETE %s: %d", one, resp.StatusCode)
			}
			if resp, _ := h.api("DELETE", one, leadTok, ""); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("lead DELETE %s: %d", one, resp.StatusCode)
			}
		}
		entries, err := audit.List(testutil.As(0), d.Reader(testutil.As(0)), audit.Filter{ActorID: lead.ID, Limit: 50})
		var actions []string
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "schedule.") || strings.HasPrefix(e.Action, "sla_policy.") {
				actions = append(actions, e.Action)
			}
		}
		if err != nil || len(actions) != 7 {
			t.Fatalf("lead's audit entries: %v %v", actions, err)
		}
	})
}
