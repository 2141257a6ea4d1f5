package people_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/web/people"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

// TestRoutes checks the route table refuses whoever a route's level does
// not admit, before any handler runs, and that one page opens for whom it
// is meant.
func TestRoutes(t *testing.T) {
	e := webtest.New(t)
	d := e.DB
	table, err := people.New(e.Kit, people.Deps{Users: e.Users, Quality: quality.NewService(d), Coaching: coaching.NewService(d), Standing: standing.NewService(d)})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	c := e.SignIn("agent")
	rec := e.Do(http.MethodGet, "/leaderboard", c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Leaderboard") {
		t.Fatalf("GET /leaderboard: %d\n%s", rec.Code, rec.Body)
	}
}
