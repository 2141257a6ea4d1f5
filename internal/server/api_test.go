package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestTokenAuthentication(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		agent := h.createUser("agent@example.com", "agent")
		adminToken, agentToken := h.token(admin), h.token(agent)

		resp, out := h.api("GET", "/api/v1/me", "", "")
		if resp.StatusCode != http.StatusUnauthorized || errorOf(t, out)["code"] != "unauthorized" {
			t.Fatalf("no token: %d %v", resp.StatusCode, out)
		}
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
		resp, out = h.api("GET", "/api/v1/me", agentToken, "")
		if resp.StatusCode != http.StatusOK || out["email"] != "agent@example.com" {
			t.Fatalf("agent token: %d %v", resp.StatusCode, out)
		}
		resp, out = h.api("GET", "/api/v1/users", agentToken, "")
		if resp.StatusCode != http.StatusForbidden || errorOf(t, out)["code"] != "forbidden" {
			t.Fatalf("agent on admin route: %d %v", resp.StatusCode, out)
		}
		resp, out = h.api("GET", "/api/v1/users", adminToken, "")
		if items, _ := out["items"].([]any); resp.StatusCode != http.StatusOK || len(items) != 2 {
			t.Fatalf("admin lists users: %d %v", resp.StatusCode, out)
		}

		// A token created through the API works, and stops working once revoked.
		resp, out = h.api("POST", "/api/v1/tokens", agentToken, `{"name": "script", "current_password": "`+testPassword+`"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create token: %d %v", resp.StatusCode, out)
		}
		fresh, id := out["token"].(string), int64(out["id"].(float64))
		if resp, _ := h.api("GET", "/api/v1/me", fresh, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("fresh token: %d", resp.StatusCode)
		}
		if resp, _ := h.api("DELETE", "/api/v1/tokens/"+itoa(id), fresh, ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		resp, out = h.api("GET", "/api/v1/me", fresh, "")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d %v", resp.StatusCode, out)
		}
	})
}

func TestBadInputFollowsTheErrorConvention(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		tok := h.token(admin)
		cases := []struct {
			body, code, field string
			status            int
		}{
			{`{"email": "a@example.com",`, "malformed_json", "", 400},
			{``, "malformed_json", "", 400},
			{`{"email": "a@example.com", "name": "A", "role": "agent", "password": "long enough pw", "age": 3}`, "unknown_field", "age", 400},
			{`{"email": 42}`, "wrong_type", "email", 400},
			{`{"email": "nope", "name": "A", "role": "agent", "password": "long enough pw"}`, "invalid", "email", 400},
			{`{"email": "a@example.com", "name": "` + strings.Repeat("x", 201) + `", "role": "agent", "password": "long enough pw"}`, "invalid", "name", 400},
			{`{"email": "a@example.com", "name": "A", "role": "boss", "password": "long enough pw"}`, "invalid", "role", 400},
			{`{"email": "admin@example.com", "name": "A", "role": "agent", "password": "long enough pw"}`, "conflict", "email", 409},
			{`{"email": "a@example.com"} {"email": "b@example.com"}`, "invalid", "", 400},
		}
		for _, c := range cases {
			resp, out := h.api("POST", "/api/v1/users", tok, c.body)
			if resp.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d (%v)", c.body, resp.StatusCode, c.status, out)
				continue
			}
			e := errorOf(t, out)
			if e["code"] != c.code || (e["field"] != nil && e["field"] != c.field) || (c.field != "" && e["field"] != c.field) {
				t.Errorf("%s: error %v, want code %s field %q", c.body, e, c.code, c.field)
			}
			if msg, _ := e["message"].(string); msg == "" {
				t.Errorf("%s: no message", c.body)
			}
		}
		if n := count(t, d, "users"); n != 1 {
			t.Fatalf("%d users after bad requests, want 1", n)
		}
		resp, out := h.api("GET", "/api/v1/users/999999", tok, "")
		if resp.StatusCode != http.StatusNotFound || errorOf(t, out)["code"] != "not_found" {
			t.Fatalf("unknown id: %d %v", resp.StatusCode, out)
		}
		resp, out = h.api("GET", "/api/v1/nothing-here", tok, "")
		if resp.StatusCode != http.StatusNotFound || errorOf(t, out)["code"] != "no_route" {
			t.Fatalf("unknown route: %d %v", resp.StatusCode, out)
		}
	})
}

func TestAdminChangesAreAudited(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		h.enrol(admin) // require_2fa, turned on below, refuses unenrolled users' tokens
		tok := h.token(admin)
		resp, out := h.api("POST", "/api/v1/users", tok, `{"email": "new@example.com", "name": "New", "role": "agent", "password": "long enough pw"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %v", resp.StatusCode, out)
		}
		id := itoa(int64(out["id"].(float64)))
		if resp, out := h.api("PATCH", "/api/v1/users/"+id, tok, `{"role": "admin"}`); resp.StatusCode != http.StatusOK || out["role"] != "admin" {
			t.Fatalf("promote: %d %v", resp.StatusCode, out)
		}
		if resp, out := h.api("PATCH", "/api/v1/settings", tok, `{"require_2fa": true}`); resp.StatusCode != http.StatusOK || out["require_2fa"] != true {
			t.Fatalf("settings: %d %v", resp.StatusCode, out)
		}
		_, out = h.api("GET", "/api/v1/audit", tok, "")
		var got []string
		for _, it := range out["items"].([]any) {
			e := it.(map[string]any)
			if e["actor"] == "admin@example.com" {
				got = append(got, e["action"].(string))
			}
		}
		want := "settings.updated,user.updated,user.created"
		if strings.Join(got, ",") != want {
			t.Fatalf("audited actions by the admin: %v, want %s", got, want)
		}

		// The filters the audit page has, through the API: person, action, days.
		actions := func(query string) string {
			t.Helper()
			resp, out := h.api("GET", "/api/v1/audit?"+query, tok, "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("audit?%s: %d %v", query, resp.StatusCode, out)
			}
			var got []string
			for _, it := range out["items"].([]any) {
				e := it.(map[string]any)
				if e["sentence"] == "" || e["sentence"] == nil {
					t.Fatalf("audit?%s: an entry without a sentence: %v", query, e)
				}
				got = append(got, e["action"].(string))
			}
			return strings.Join(got, ",")
		}
		adminID := itoa(admin.ID)
		if got := actions("actor_id=" + adminID + "&action=user.updated"); got != "user.updated" {
			t.Fatalf("the admin's user.updated entries: %q", got)
		}
		today := time.Now().UTC().Format("2006-01-02")
		if got := actions("actor_id=" + adminID + "&from=" + today + "&to=" + today); got != want {
			t.Fatalf("the admin's entries today: %q, want %s", got, want)
		}
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
		if got := actions("from=" + tomorrow); got != "" {
			t.Fatalf("entries from tomorrow: %q", got)
		}
		if got := actions("actor_id=" + id); strings.Contains(got, "settings.updated") {
			t.Fatalf("the new user's entries include the admin's: %q", got)
		}
	})
}
