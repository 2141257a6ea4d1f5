package account_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/web/account"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

func bench(t *testing.T) *webtest.Env {
	e := webtest.New(t)
	table, err := account.New(e.Kit, account.Deps{Users: e.Users, Settings: e.Settings, Sessions: e.Sessions})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	return e
}

// TestRoutes checks the route table refuses whoever a route's level does
// not admit, and that the account page opens for a signed-in agent.
func TestRoutes(t *testing.T) {
	e := bench(t)
	rec := e.Do(http.MethodGet, "/account", e.SignIn("agent"))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Two-factor") {
		t.Fatalf("GET /account: %d\n%s", rec.Code, rec.Body)
	}
	if rec := e.Do(http.MethodGet, "/signin", nil); rec.Code != http.StatusOK {
		t.Fatalf("GET /signin: %d", rec.Code)
	}
}
