package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/admin"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

// TestRoutes checks the route table refuses whoever a route's level does
// not admit, before any handler runs, and that one page opens for whom it
// is meant.
func TestRoutes(t *testing.T) {
	e := webtest.New(t)
	d, log := e.DB, testutil.Logger(t)
	table, err := admin.New(e.Kit, admin.Deps{Log: log, DB: d, Users: e.Users, Settings: e.Settings, Tickets: ticket.NewService(d), Teams: team.NewService(d), Fields: field.NewService(d), Mailboxes: mailbox.NewService(d, e.Box)})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	c := e.SignIn("admin")
	rec := e.Do(http.MethodGet, "/admin/users", c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Agents") {
		t.Fatalf("GET /admin/users: %d\n%s", rec.Code, rec.Body)
	}
}
