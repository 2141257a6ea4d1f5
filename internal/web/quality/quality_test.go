package quality_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	qualitypages "github.com/centerdesk/centerdesk/internal/web/quality"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

// TestRoutes checks the route table refuses whoever a route's level does
// not admit, before any handler runs, and that one page opens for whom it
// is meant.
func TestRoutes(t *testing.T) {
	e := webtest.New(t)
	d, log := e.DB, testutil.Logger(t)
	table, err := qualitypages.New(e.Kit, qualitypages.Deps{Log: log, Users: e.Users, Tickets: ticket.NewService(d), Quality: quality.NewService(d)})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	c := e.SignIn("agent")
	// The philosophy's editor says why it refuses an agent, as it did when
	// its handlers checked the role themselves.
	if rec := e.Do(http.MethodGet, "/philosophy/edit", c); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "only leads and admins may change the philosophy") {
		t.Fatalf("GET /philosophy/edit as an agent: %d\n%s", rec.Code, rec.Body)
	}
	rec := e.Do(http.MethodGet, "/surveys", c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Survey") {
		t.Fatalf("GET /surveys: %d\n%s", rec.Code, rec.Body)
	}
}
