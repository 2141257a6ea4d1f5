package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestErrorPagesKeepTheNavigation: a 404 or a 403 leaves its reader where
// they can go on: an agent keeps the workspace's navigation, a customer the
// portal's header, somebody signed out a way to sign in.
func TestErrorPagesKeepTheNavigation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		p.createUser("agent@example.com", "agent")
		agent := p.browser()
		p.signIn(agent, "agent@example.com")
		customer := p.signInCustomer("ann@example.com")

		workspaceNav := []string{`href="/inbox"`, `href="/recognition"`, `action="/signout"`, `action="/search"`}
		portalHeader := []string{`class="portal"`, `href="/portal/tickets/new"`, `action="/portal/signout"`}
		for _, c := range []struct {
			name       string
			client     *http.Client
			path       string
			status     int
			want, lack []string
		}{
			{"agent, unknown page", agent, "/no/such/page", http.StatusNotFound, append(workspaceNav, "Not found"), nil},
			{"agent, admin page", agent, "/admin/settings", http.StatusForbidden, append(workspaceNav, "Not allowed"), nil},
			{"agent, no such ticket", agent, "/tickets/999999", http.StatusNotFound, workspaceNav, nil},
			{"signed out, unknown page", p.browser(), "/no/such/page", http.StatusNotFound,
				[]string{`href="/signin"`, "Not found"}, []string{`href="/inbox"`}},
			{"customer, someone else's ticket", customer, "/portal/tickets/999999", http.StatusNotFound,
				append(portalHeader, "Not found"), []string{`href="/inbox"`}},
			{"customer, unknown portal page", customer, "/portal/no/such/page", http.StatusNotFound,
				append(portalHeader, "Not found"), []string{`href="/inbox"`}},
			{"signed out, unknown portal page", p.browser(), "/portal/nothing", http.StatusNotFound,
				[]string{`class="portal"`, `href="/portal"`}, []string{`href="/inbox"`, `action="/portal/signout"`}},
		} {
			resp := p.get(c.client, c.path)
			page := body(t, resp)
			if resp.StatusCode != c.status {
				t.Errorf("%s: %s answered %d, want %d", c.name, c.path, resp.StatusCode, c.status)
			}
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: %s lacks %s:\n%s", c.name, c.path, w, page)
				}
			}
			for _, l := range c.lack {
				if strings.Contains(page, l) {
					t.Errorf("%s: %s has %s", c.name, c.path, l)
				}
			}
		}
		if page := body(t, p.get(p.browser(), "/signin")); strings.Contains(page, `<nav aria-label="Main" class="mainnav"><a href="/signin">`) {
			t.Error("the sign-in page links to itself")
		}
	})
}
