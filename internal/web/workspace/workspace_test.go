package workspace_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
	"github.com/centerdesk/centerdesk/internal/web/workspace"
)

// TestRoutes checks the route table refuses whoever a route's level does
// not admit, before any handler runs, and that one page opens for whom it
// is meant.
func TestRoutes(t *testing.T) {
	e := webtest.New(t)
	d := e.DB
	tk := ticket.NewService(d)
	table, err := workspace.New(e.Kit, workspace.Deps{Users: e.Users, Tickets: tk, Customers: customer.NewService(d), Teams: team.NewService(d), Fields: field.NewService(d), Notify: notify.NewService(d), Views: view.NewService(d, tk),
		Quality: quality.NewService(d), Mailboxes: mailbox.NewService(d, e.Box)})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	c := e.SignIn("agent")
	rec := e.Do(http.MethodGet, "/inbox", c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Inbox") {
		t.Fatalf("GET /inbox: %d\n%s", rec.Code, rec.Body)
	}
}
