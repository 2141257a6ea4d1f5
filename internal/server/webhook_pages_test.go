package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestWebhooksAdminPage: an admin adds a webhook on /admin/webhooks and
// sees its secret once, a mistake names its field, the webhook's page
// shows its log and pauses it; agents are refused.
func TestWebhooksAdminPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		h.createUser("agent@example.com", "agent")
		b := h.browser()
		h.signIn(b, "admin@example.com")
		if resp := h.get(b, "/admin/webhooks"); resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		form := url.Values{"url": {"https://93.184.215.14/hook"}, "events": {"ticket.created", "ticket.exploded"}}
		resp := h.postForm(b, "/admin/webhooks", form)
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "ticket.exploded") {
			t.Fatalf("bad event: %d %s", resp.StatusCode, page)
		}
		form["events"] = []string{"ticket.created"}
		resp = h.postForm(b, "/admin/webhooks", form)
		page := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "whsec_") || !strings.Contains(page, `href="/admin/webhooks/1"`) {
			t.Fatalf("create: %d %s", resp.StatusCode, page)
		}
		if page := body(t, h.get(b, "/admin/webhooks")); strings.Contains(page, "whsec_") {
			t.Fatal("the secret is shown again")
		}
		if page := body(t, h.get(b, "/admin/webhooks/1")); !strings.Contains(page, "Nothing delivered yet") {
			t.Fatalf("webhook page %s", page)
		}
		if resp := h.postForm(b, "/admin/webhooks/1/active", url.Values{"active": {"false"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("pause: %d", resp.StatusCode)
		}
		if page := body(t, h.get(b, "/admin/webhooks/1")); !strings.Contains(page, "Resume") {
			t.Fatal("the paused webhook offers no resume")
		}
		agent := h.browser()
		h.signIn(agent, "agent@example.com")
		if resp := h.get(agent, "/admin/webhooks"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent opened the page: %d", resp.StatusCode)
		}
	})
}
