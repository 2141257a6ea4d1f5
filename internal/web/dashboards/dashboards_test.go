package dashboards_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/dashboard"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/dashboards"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

var now = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

type bench struct {
	*webtest.Env
	svc   *dashboard.Service
	teams *team.Service
}

func newBench(t *testing.T) *bench {
	e := webtest.New(t)
	ctx := testutil.As(testutil.NewUser(t, e.DB, "admin"))
	tickets := ticket.NewService(e.DB)
	for i, ch := range []string{"email", "chat", "email"} {
		tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: ch,
			Requester: ticket.Requester{Email: "ada@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		created := now.Add(-time.Duration(i+1) * 24 * time.Hour)
		if _, err := e.DB.Write().Exec(`UPDATE tickets SET created_at = $1 WHERE id = $2`, db.Time(created), tk.ID); err != nil {
			t.Fatal(err)
		}
	}
	rep := report.NewService(e.DB)
	if err := rep.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	queue := jobs.New(e.DB, testutil.Logger(t), jobs.Options{Now: func() time.Time { return now }})
	// No job runs in these tests: the mail itself is tested in
	// internal/dashboard over SMTP.
	svc := dashboard.New(e.DB, rep, queue, nil, dashboard.Options{Now: func() time.Time { return now }})
	b := &bench{Env: e, svc: svc, teams: team.NewService(e.DB)}
	table, err := dashboards.New(e.Kit, dashboards.Deps{Dashboards: svc, Teams: b.teams})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	return b
}

// post sends a form as the cookie's user.
func (b *bench) post(path string, c *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	rec := httptest.NewRecorder()
	b.Mux.ServeHTTP(rec, r)
	return rec
}

func (b *bench) userOf(c *http.Cookie) *user.User {
	b.T.Helper()
	// The last user made is the one the cookie signs in.
	var id int64
	b.DB.Read().QueryRow(`SELECT MAX(id) FROM users`).Scan(&id)
	u, err := b.Users.Get(context.Background(), id)
	if err != nil {
		b.T.Fatal(err)
	}
	return u
}

var chartData = regexp.MustCompile(`(?s)<script type="application/json" id="widget-(\d+)-data" class="widget-data">(.*?)</script>`)

func TestComposeADashboardWithoutJavaScript(t *testing.T) {
	b := newBench(t)
	lead := b.SignIn("lead")
	leadUser := b.userOf(lead)
	if rec := b.Do("GET", "/dashboards/new", lead); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="report_new"`) {
		t.Fatalf("new: %d", rec.Code)
	}
	// A bad widget: the form again, naming the field.
	rec := b.post("/dashboards", lead, url.Values{"name": {"Ops"}, "shared_with": {"nobody"}, "count": {"0"},
		"report_new": {"volume"}, "range_new": {"last_year"}, "do": {"save"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "widgets[0].range") {
		t.Fatalf("bad range: %d %s", rec.Code, rec.Body)
	}
	rec = b.post("/dashboards", lead, url.Values{"name": {"Ops"}, "shared_with": {"nobody"}, "count": {"0"},
		"report_new": {"volume"}, "group_by_new": {"channel"}, "range_new": {"last_7_days"}, "chart_new": {"bar"},
		"size_new": {"full"}, "do": {"save"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	path := rec.Header().Get("Location")
	var id int64
	fmt.Sscanf(path, "/dashboards/%d", &id)

	// Add a second widget, then move it up: each button saves.
	form := func(do string, widgets ...dashboard.Widget) url.Values {
		f := url.Values{"name": {"Ops"}, "shared_with": {"nobody"}, "count": {fmt.Sprint(len(widgets))}, "do": {do}}
		for i, w := range widgets {
			s := fmt.Sprintf("_%d", i)
			f.Set("report"+s, w.Report)
			f.Set("group_by"+s, w.GroupBy)
			f.Set("range"+s, w.Range)
			f.Set("chart"+s, w.Chart)
			f.Set("size"+s, w.Size)
		}
		return f
	}
	d, _ := b.svc.Get(context.Background(), leadUser, id)
	f := form("add", d.Widgets...)
	f.Set("report_new", "backlog_age")
	if rec := b.post(path+"/edit", lead, f); rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "/edit#widgets") {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	d, _ = b.svc.Get(context.Background(), leadUser, id)
	if rec := b.post(path+"/edit", lead, form("up:1", d.Widgets...)); rec.Code != http.StatusSeeOther {
		t.Fatalf("up: %d", rec.Code)
	}
	d, _ = b.svc.Get(context.Background(), leadUser, id)
	if len(d.Widgets) != 2 || d.Widgets[0].Report != "backlog_age" || d.Widgets[1].Chart != "bar" {
		t.Fatalf("widgets %+v", d.Widgets)
	}
	edit := b.Do("GET", path+"/edit", lead).Body.String()
	if !strings.Contains(edit, `value="down:0"`) || !strings.Contains(edit, `value="remove:1"`) {
		t.Errorf("the edit form lacks its buttons")
	}

	// The page draws each widget from the numbers the API and the CSV give.
	page := b.Do("GET", path, lead)
	if page.Code != http.StatusOK {
		t.Fatalf("page: %d", page.Code)
	}
	charts := chartData.FindAllStringSubmatch(page.Body.String(), -1)
	if len(charts) != 2 {
		t.Fatalf("%d charts", len(charts))
	}
	for i, m := range charts {
		var ch report.Chart
		if err := json.Unmarshal([]byte(m[2]), &ch); err != nil {
			t.Fatal(err)
		}
		_, res, err := b.svc.WidgetResult(context.Background(), leadUser, id, i, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		csv := b.Do("GET", fmt.Sprintf("%s/widgets/%d/csv", path, i), lead)
		if csv.Code != http.StatusOK || !strings.Contains(page.Body.String(), fmt.Sprintf(`href="%s/widgets/%d/csv"`, path, i)) {
			t.Fatalf("CSV %d: %d", i, csv.Code)
		}
		if err := report.SameNumbers(res, csv.Body.Bytes(), ch); err != nil {
			t.Errorf("widget %d: %v", i, err)
		}
		if i == 1 && ch.Kind != "bar" {
			t.Errorf("widget 1 drawn as %s", ch.Kind)
		}
	}

	// Remove one; delete it all.
	if rec := b.post(path+"/edit", lead, form("remove:0", d.Widgets...)); rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", rec.Code)
	}
	if d, _ = b.svc.Get(context.Background(), leadUser, id); len(d.Widgets) != 1 {
		t.Errorf("after removing: %+v", d.Widgets)
	}
	if rec := b.post(path+"/delete", lead, url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", rec.Code)
	}
	if rec := b.Do("GET", path, lead); rec.Code != http.StatusNotFound {
		t.Errorf("deleted, the page: %d", rec.Code)
	}
}

func TestAgentsSeeTheDashboardsSharedWithThemAndSubscribe(t *testing.T) {
	b := newBench(t)
	lead := b.SignIn("lead")
	leadUser := b.userOf(lead)
	agent := b.SignIn("agent")
	agentUser := b.userOf(agent)
	support, err := b.teams.Create(testutil.As(leadUser.ID), team.NewTeam{Name: "Support", MemberIDs: []int64{agentUser.ID}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.svc.Create(context.Background(), leadUser, dashboard.NewDashboard{Name: "Team week",
		Widgets: []dashboard.Widget{{Report: "volume", Range: "this_week"}}})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/dashboards/%d", d.ID)
	if rec := b.Do("GET", path, agent); rec.Code != http.StatusNotFound {
		t.Errorf("not shared, the agent: %d", rec.Code)
	}
	if rec := b.Do("GET", "/dashboards", agent); strings.Contains(rec.Body.String(), "Team week") {
		t.Error("not shared, listed to the agent")
	}
	with := "team"
	if _, err := b.svc.Update(context.Background(), leadUser, d.ID, dashboard.Patch{SharedWith: &with, TeamID: &support.ID}); err != nil {
		t.Fatal(err)
	}
	list := b.Do("GET", "/dashboards", agent).Body.String()
	if !strings.Contains(list, "Team week") || !strings.Contains(list, "Shared with Support") || strings.Contains(list, "/dashboards/new") {
		t.Errorf("the agent's list:\n%s", list)
	}
	page := b.Do("GET", path, agent).Body.String()
	if strings.Contains(page, path+"/edit") || strings.Contains(page, "/reports/tickets") {
		t.Error("the agent is offered what only leads may open")
	}
	if rec := b.post(path+"/edit", agent, url.Values{"name": {"Mine"}, "do": {"save"}}); rec.Code != http.StatusForbidden {
		t.Errorf("the agent saved it: %d", rec.Code)
	}

	rec := b.post(path+"/subscriptions", agent, url.Values{"frequency": {"weekly"}, "weekday": {"mon"}, "hour": {"8"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d %s", rec.Code, rec.Body)
	}
	list = b.Do("GET", "/dashboards", agent).Body.String()
	if !strings.Contains(list, "Every Monday at 08:00") || !strings.Contains(list, "/dashboards/subscriptions/") {
		t.Errorf("the agent's emails:\n%s", list)
	}
	if rec := b.post(path+"/subscriptions", agent, url.Values{"frequency": {"hourly"}, "hour": {"8"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "frequency") {
		t.Errorf("a bad frequency: %d", rec.Code)
	}
	subs, _ := b.svc.Subscriptions(context.Background(), agentUser)
	if rec := b.post(fmt.Sprintf("/dashboards/subscriptions/%d/delete", subs[0].ID), agent, url.Values{"back": {path}}); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != path {
		t.Fatalf("stop: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if subs, _ := b.svc.Subscriptions(context.Background(), agentUser); len(subs) != 0 {
		t.Errorf("still subscribed: %+v", subs)
	}
}

func TestALeadHasOneReportEmailed(t *testing.T) {
	b := newBench(t)
	lead := b.SignIn("lead")
	if rec := b.Do("GET", "/dashboards", lead); !strings.Contains(rec.Body.String(), `action="/dashboards/subscriptions"`) {
		t.Fatal("no report email form for a lead")
	}
	form := url.Values{"report": {"volume"}, "group_by": {"channel"}, "range": {"last_week"}, "frequency": {"daily"}, "hour": {"6"}}
	if rec := b.post("/dashboards/subscriptions", lead, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d %s", rec.Code, rec.Body)
	}
	list := b.Do("GET", "/dashboards", lead).Body.String()
	if !strings.Contains(list, "Every day at 06:00") || !strings.Contains(list, ">Volume</a>") {
		t.Errorf("the lead's emails:\n%s", list)
	}
	form.Set("range", "forever")
	if rec := b.post("/dashboards/subscriptions", lead, form); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "range") {
		t.Errorf("a bad range: %d", rec.Code)
	}
}
