package dashboardapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// client calls the API as one user, through the whole server.
type client struct {
	t     *testing.T
	srv   *server.Server
	token string
	id    int64
}

func (c client) do(method, path, body string) *httptest.ResponseRecorder {
	c.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.srv.Handler().ServeHTTP(rec, r)
	return rec
}

func clients(t *testing.T, d *db.DB, roles ...string) []client {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
	if err != nil {
		t.Fatal(err)
	}
	var out []client
	for _, role := range roles {
		id := testutil.NewUser(t, d, role)
		_, token, err := user.NewService(d, box, params).CreateToken(context.Background(), id, "tests")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, client{t: t, srv: srv, token: token, id: id})
	}
	return out
}

func field(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Error struct{ Field string } `json:"error"`
	}
	json.Unmarshal(rec.Body.Bytes(), &body)
	return body.Error.Field
}

func TestDashboardsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		cs := clients(t, d, "lead", "agent", "agent")
		lead, member, outsider := cs[0], cs[1], cs[2]
		ctx := testutil.As(lead.id)
		support, err := team.NewService(d).Create(ctx, team.NewTeam{Name: "Support", MemberIDs: []int64{lead.id, member.id}})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := ticket.NewService(d).Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: "chat",
				Requester: ticket.Requester{Email: "ada@example.com"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := report.NewService(d).Backfill(context.Background()); err != nil {
			t.Fatal(err)
		}

		for want, body := range map[string]string{
			"widgets[1].report": `{"name": "Ops", "widgets": [{"report": "volume"}, {"report": "speed"}]}`,
			"widgets[0].range":  `{"name": "Ops", "widgets": [{"report": "volume", "range": "last_year"}]}`,
			"team_id":           `{"name": "Ops", "shared_with": "team"}`,
			"name":              `{"widgets": []}`,
		} {
			if rec := lead.do("POST", "/api/v1/dashboards", body); rec.Code != http.StatusBadRequest || field(t, rec) != want {
				t.Errorf("%s: %d %s", want, rec.Code, rec.Body)
			}
		}
		if rec := member.do("POST", "/api/v1/dashboards", `{"name": "Mine"}`); rec.Code != http.StatusForbidden {
			t.Errorf("an agent created a dashboard: %d", rec.Code)
		}
		rec := lead.do("POST", "/api/v1/dashboards", `{"name": "Ops", "widgets": [{"report": "volume", "group_by": "channel", "range": "last_7_days", "chart": "bar"}]}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		var dash dashboard.Dashboard
		json.Unmarshal(rec.Body.Bytes(), &dash)
		path := fmt.Sprintf("/api/v1/dashboards/%d", dash.ID)

		if rec := member.do("GET", path, ""); rec.Code != http.StatusNotFound {
			t.Errorf("not shared, an agent opens it: %d", rec.Code)
		}
		if rec := lead.do("PATCH", path, fmt.Sprintf(`{"shared_with": "team", "team_id": %d}`, support.ID)); rec.Code != http.StatusOK {
			t.Fatalf("share: %d %s", rec.Code, rec.Body)
		}
		if rec := member.do("GET", path, ""); rec.Code != http.StatusOK {
			t.Errorf("shared with their team, the agent: %d", rec.Code)
		}
		if rec := outsider.do("GET", "/api/v1/dashboards", ""); !strings.Contains(rec.Body.String(), `"items":[]`) {
			t.Errorf("an agent outside the team lists %s", rec.Body)
		}
		if rec := member.do("PATCH", path, `{"name": "Mine now"}`); rec.Code != http.StatusForbidden {
			t.Errorf("an agent changed it: %d", rec.Code)
		}

		// The widget's numbers, as JSON and as CSV: the same.
		js, csv := member.do("GET", path+"/widgets/0", ""), member.do("GET", path+"/widgets/0?format=csv", "")
		var res report.Result
		if err := json.Unmarshal(js.Body.Bytes(), &res); err != nil || js.Code != http.StatusOK || len(res.Rows) == 0 {
			t.Fatalf("widget: %d %s", js.Code, js.Body)
		}
		if err := report.SameNumbers(res, csv.Body.Bytes(), res.Chart("")); err != nil {
			t.Error(err)
		}
		if rec := outsider.do("GET", path+"/widgets/0", ""); rec.Code != http.StatusNotFound {
			t.Errorf("an outsider read a widget: %d", rec.Code)
		}

		rec = member.do("POST", "/api/v1/report-subscriptions", fmt.Sprintf(`{"dashboard_id": %d, "frequency": "weekly", "weekday": "fri", "hour": 7}`, dash.ID))
		if rec.Code != http.StatusCreated {
			t.Fatalf("subscribe: %d %s", rec.Code, rec.Body)
		}
		var sub dashboard.Subscription
		json.Unmarshal(rec.Body.Bytes(), &sub)
		if rec := member.do("POST", "/api/v1/report-subscriptions", `{"report": "volume", "frequency": "daily", "hour": 7}`); rec.Code != http.StatusForbidden {
			t.Errorf("an agent subscribed to a report: %d", rec.Code)
		}
		if rec := lead.do("POST", "/api/v1/report-subscriptions", `{"report": "volume", "frequency": "daily", "hour": 25}`); field(t, rec) != "hour" {
			t.Errorf("hour 25: %d %s", rec.Code, rec.Body)
		}
		if rec := member.do("GET", "/api/v1/report-subscriptions", ""); !strings.Contains(rec.Body.String(), `"weekday":"fri"`) {
			t.Errorf("listed %s", rec.Body)
		}
		sp := fmt.Sprintf("/api/v1/report-subscriptions/%d", sub.ID)
		if rec := outsider.do("DELETE", sp, ""); rec.Code != http.StatusNotFound {
			t.Errorf("another agent stopped it: %d", rec.Code)
		}
		if rec := member.do("DELETE", sp, ""); rec.Code != http.StatusNoContent {
			t.Errorf("stop: %d", rec.Code)
		}
		if rec := lead.do("DELETE", path, ""); rec.Code != http.StatusNoContent {
			t.Errorf("delete: %d", rec.Code)
		}
	})
}
