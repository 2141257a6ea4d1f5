package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// An admin sees every user's API tokens and revokes one; the token stops
// working at once, and agents may not see the page.
func TestAdminRevokesAnAgentsToken(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		agent := h.createUser("agent@example.com", "agent")
		secret := h.token(agent)
		if resp, _ := h.api("GET", "/api/v1/me", secret, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("the new token: %d", resp.StatusCode)
		}

		b := h.browser()
		h.signIn(b, "agent@example.com")
		if resp := h.get(b, "/admin/tokens"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an agent on /admin/tokens: %d, want 403", resp.StatusCode)
		}

		a := h.browser()
		h.signIn(a, "admin@example.com")
		page := body(t, h.get(a, "/admin/tokens"))
		if !strings.Contains(page, "agent@example.com") || !strings.Contains(page, secret[:10]) {
			t.Fatalf("the tokens page does not list the agent's token:\n%s", page)
		}
		if strings.Contains(page, secret) {
			t.Fatal("the tokens page shows a token's whole secret")
		}
		var id int64
		if err := d.Read().QueryRow(`SELECT id FROM api_tokens WHERE user_id = $1`, agent.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		resp := h.postForm(a, fmt.Sprintf("/admin/tokens/%d/revoke", id), url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/me", secret, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d, want 401", resp.StatusCode)
		}
		if page := body(t, h.get(a, "/admin/tokens")); !strings.Contains(page, "revoked") {
			t.Error("the tokens page does not show the token as revoked")
		}
	})
}
