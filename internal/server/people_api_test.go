package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestPeopleAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		lead, agent, other := h.createUser("lead@example.com", "admin"), h.createUser("agent@example.com", "agent"),
			h.createUser("other@example.com", "agent")
		leadT, agentT, otherT := h.token(lead), h.token(agent), h.token(other)

		resp, s := h.api("POST", "/api/v1/coaching-sessions", leadT,
			fmt.Sprintf(`{"agent_id": %d, "notes": "n", "actions": ["a"], "follow_up_at": "2030-01-01T09:00:00Z"}`, agent.ID))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %v", resp.StatusCode, s)
		}
		path := resp.Header.Get("Location")
		if resp, _ := h.api("GET", path, agentT, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("agent reads: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", path, otherT, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other reads: %d", resp.StatusCode)
		}
		actionID := int64(s["actions"].([]any)[0].(map[string]any)["id"].(float64))
		resp, out := h.api("PATCH", fmt.Sprintf("%s/actions/%d", path, actionID), agentT, `{"done": true}`)
		if resp.StatusCode != http.StatusOK || out["actions"].([]any)[0].(map[string]any)["done"] != true {
			t.Fatalf("tick: %d %v", resp.StatusCode, out)
		}
		if resp, out := h.api("POST", "/api/v1/coaching-sessions", leadT, `{"agent_id": 0}`); resp.StatusCode != http.StatusBadRequest ||
			errorOf(t, out)["field"] != "agent_id" {
			t.Fatalf("bad session: %d %v", resp.StatusCode, out)
		}

		resp, c := h.api("POST", "/api/v1/concerns", agentT, `{"body": "Not how we treat people."}`)
		if resp.StatusCode != http.StatusCreated || c["raised_by"] != nil || c["mine"] != true {
			t.Fatalf("raise: %d %v", resp.StatusCode, c)
		}
		cpath := resp.Header.Get("Location")
		if resp, out := h.api("GET", cpath, leadT, ""); resp.StatusCode != http.StatusOK || out["raised_by"] != float64(agent.ID) {
			t.Fatalf("lead reads: %d %v", resp.StatusCode, out)
		}
		if resp, _ := h.api("GET", cpath, otherT, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other reads the concern: %d", resp.StatusCode)
		}
		if resp, out := h.api("PATCH", cpath, leadT, `{"status": "resolved", "outcome": "Done."}`); resp.StatusCode != http.StatusOK ||
			out["status"] != "resolved" {
			t.Fatalf("resolve: %d %v", resp.StatusCode, out)
		}

		if resp, out := h.api("PATCH", "/api/v1/standing-settings", agentT, `{"green_from": 50}`); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent sets cut-offs: %d %v", resp.StatusCode, out)
		}
		if resp, out := h.api("PATCH", "/api/v1/standing-settings", leadT, `{"green_from": 50, "orange_from": 60}`); resp.StatusCode != http.StatusBadRequest ||
			errorOf(t, out)["field"] != "orange_from" {
			t.Fatalf("orange above green: %d %v", resp.StatusCode, out)
		}
		if resp, out := h.api("GET", "/api/v1/leaderboard", agentT, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("leaderboard with no period: %d %v", resp.StatusCode, out)
		}
		if resp, out := h.api("GET", fmt.Sprintf("/api/v1/agents/%d/profile", agent.ID), agentT, ""); resp.StatusCode != http.StatusOK ||
			out["own"] != true {
			t.Fatalf("own profile: %d %v", resp.StatusCode, out)
		}
		if resp, _ := h.api("GET", fmt.Sprintf("/api/v1/agents/%d/profile", agent.ID), otherT, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other's profile: %d", resp.StatusCode)
		}
	})
}
