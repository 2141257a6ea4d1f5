package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/testutil"
	portalpages "github.com/centerdesk/centerdesk/internal/web/portal"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

// TestRoutes checks the route table refuses whoever a route's level does
// not admit, before any handler runs, and that one page opens for whom it
// is meant.
func TestRoutes(t *testing.T) {
	e := webtest.New(t)
	log := testutil.Logger(t)
	table, err := portalpages.New(e.Kit, portalpages.Deps{Log: log, Users: e.Users, Settings: e.Settings, Sessions: e.Sessions})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	var c *http.Cookie // the portal's sign-in form needs no session
	rec := e.Do(http.MethodGet, "/portal", c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Sign in") {
		t.Fatalf("GET /portal: %d\n%s", rec.Code, rec.Body)
	}
}
