package reports_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/api/reportapi"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/reports"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

var ticketLink = regexp.MustCompile(`href="/tickets/\d+"`)

var now = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

// desk makes tickets over three days on two channels and rolls them up.
func desk(t *testing.T, d *db.DB) *report.Service {
	ctx := testutil.As(testutil.NewUser(t, d, "admin"))
	tickets := ticket.NewService(d)
	for i, c := range []struct {
		day, channel string
		reply, solve time.Duration
	}{
		{"2026-12-01", "email", time.Hour, 26 * time.Hour},
		{"2026-12-01", "chat", 10 * time.Minute, 40 * time.Minute},
		{"2026-12-02", "email", 5 * time.Hour, 0},
		{"2026-12-03", "chat", 0, 0},
	} {
		tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: c.channel,
			Requester: ticket.Requester{Email: "ada@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		created, _ := time.Parse(time.DateOnly, c.day)
		created = created.Add(time.Duration(9+i) * time.Hour)
		var fr, solved *time.Time
		status := "open"
		if c.reply > 0 {
			x := created.Add(c.reply)
			fr = &x
		}
		if c.solve > 0 {
			x := created.Add(c.solve)
			solved, status = &x, "solved"
		}
		if _, err := d.Write().Exec(`UPDATE tickets SET created_at = $1, first_reply_at = $2, solved_at = $3, status = $4 WHERE id = $5`,
			db.Time(created), db.NullTime(fr), db.NullTime(solved), status, tk.ID); err != nil {
			t.Fatal(err)
		}
	}
	// A first-reply and resolution policy: the open tickets' clocks start
	// at their creation, and have passed their deadlines by now.
	levels := sla.New(d, nil, sla.Options{Now: func() time.Time { return now }})
	if _, err := levels.CreatePolicy(ctx, sla.NewPolicy{Name: "Everyone", Position: 1, Targets: []sla.Target{
		{Metric: sla.FirstReply, Minutes: 60}, {Metric: sla.Resolution, Minutes: 24 * 60}}}); err != nil {
		t.Fatal(err)
	}
	// Survey answers on the solved one, as the survey service stores them
	// (its own tests take the way there).
	for i, a := range []struct{ csat, ces int }{{5, 6}, {2, 3}} {
		if _, err := d.Write().Exec(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
			status, solved_at, sent_at, answered_at, changed_at, csat, ces, created_at, updated_at)
			SELECT id, $1, requester_id, channel, 'answered', solved_at, solved_at, $2, $2, $3, $4, solved_at, solved_at
			FROM tickets WHERE solved_at IS NOT NULL ORDER BY id LIMIT 1`,
			1000+i, db.Time(time.Date(2026, 12, 2+i, 10, 0, 0, 0, time.UTC)), a.csat, a.ces); err != nil {
			t.Fatal(err)
		}
	}
	rep := report.NewService(d)
	if err := rep.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rep
}

func bench(t *testing.T) (*webtest.Env, *report.Service) {
	e := webtest.New(t)
	rep := desk(t, e.DB)
	table, err := reports.New(e.Kit, reports.Deps{Reports: rep, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	return e, rep
}

// chartData is what the page hands ECharts.
func chartData(t *testing.T, page string) report.Chart {
	t.Helper()
	const open = `<script type="application/json" id="report-chart-data">`
	_, rest, ok := strings.Cut(page, open)
	body, _, ok2 := strings.Cut(rest, "</script>")
	if !ok || !ok2 {
		t.Fatalf("no chart data in the page")
	}
	var ch report.Chart
	if err := json.Unmarshal([]byte(body), &ch); err != nil {
		t.Fatalf("chart data %q: %v", body, err)
	}
	return ch
}

// TestChartJSONAndCSVAreTheSameNumbers compares, for every report, what the
// page hands ECharts, what the API answers and the CSV the page offers.
func TestChartJSONAndCSVAreTheSameNumbers(t *testing.T) {
	e, rep := bench(t)
	lead := e.SignIn("lead")
	api := reportapi.Section{Reports: rep, Now: func() time.Time { return now }}.Routes()[0].Handler
	for _, name := range report.Names {
		query := "name=" + name + "&from=2026-12-01&to=2026-12-04&group_by=channel"
		page := e.Do("GET", "/reports?"+query, lead)
		if page.Code != http.StatusOK {
			t.Fatalf("%s page: %d %s", name, page.Code, page.Body)
		}
		chart := chartData(t, page.Body.String())
		csv := e.Do("GET", "/reports/export?"+query, lead)
		if csv.Code != http.StatusOK || !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%s CSV: %d %s", name, csv.Code, csv.Body)
		}
		r := httptest.NewRequest("GET", "/api/v1/reports/"+name+"?"+query, nil)
		r.SetPathValue("name", name)
		r = r.WithContext(user.WithUser(r.Context(), &user.User{ID: 1, Role: user.RoleLead}))
		rec := httptest.NewRecorder()
		if err := api(rec, r); err != nil {
			t.Fatal(err)
		}
		var res report.Result
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		if err := report.SameNumbers(res, csv.Body.Bytes(), chart); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A chart's point opens the tickets counted in it.
func TestAPointOpensItsTickets(t *testing.T) {
	e, _ := bench(t)
	lead := e.SignIn("lead")
	page := e.Do("GET", "/reports?name=volume&from=2026-12-01&to=2026-12-04&group_by=channel", lead)
	chart := chartData(t, page.Body.String())
	var link string
	for _, s := range chart.Series {
		if s.GroupKey == "email" && s.Column == "created" {
			link = s.Links[0] // Dec 1: one email ticket
		}
	}
	list := e.Do("GET", link, lead)
	if list.Code != http.StatusOK || len(ticketLink.FindAllString(list.Body.String(), -1)) != 1 {
		t.Fatalf("%s: %d\n%s", link, list.Code, list.Body)
	}
	if bad := e.Do("GET", "/reports?name=speed", lead); bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), "not a report") {
		t.Errorf("unknown report: %d", bad.Code)
	}
}

// The service level chart carries its goal for the dashed line, its
// missed point opens the tickets behind it, and reply times offer the
// business or calendar toggle.
func TestServiceLevelPageDrawsTheGoal(t *testing.T) {
	e, _ := bench(t)
	lead := e.SignIn("lead")
	page := e.Do("GET", "/reports?name=service_level&metric=resolution&from=2026-12-01&to=2026-12-04", lead)
	if page.Code != http.StatusOK {
		t.Fatalf("service level page: %d %s", page.Code, page.Body)
	}
	chart := chartData(t, page.Body.String())
	if len(chart.Series) != 1 || chart.Series[0].Goal == nil || *chart.Series[0].Goal != sla.DefaultGoalPercent || chart.Unit != "%" {
		t.Fatalf("chart %+v", chart)
	}
	var link string
	for i, v := range chart.Series[0].Data {
		if v != nil {
			link = chart.Series[0].Links[i]
		}
	}
	list := e.Do("GET", link, lead)
	if list.Code != http.StatusOK || len(ticketLink.FindAllString(list.Body.String(), -1)) == 0 {
		t.Fatalf("%s: %d\n%s", link, list.Code, list.Body)
	}
	times := e.Do("GET", "/reports?name=first_reply_time&hours=business", lead).Body.String()
	if !strings.Contains(times, `value="business" checked`) || !strings.Contains(times, "Business hours of each team") {
		t.Errorf("no business hours toggle:\n%s", times)
	}
	for _, group := range []string{"agent", "tag"} {
		if res := e.Do("GET", "/reports?name=service_level&group_by="+group, lead); res.Code != http.StatusOK ||
			!strings.Contains(res.Body.String(), `value="`+group+`" selected`) {
			t.Errorf("service level by %s: %d", group, res.Code)
		}
	}
	if bad := e.Do("GET", "/reports?name=service_level&group_by=priority", lead); bad.Code != http.StatusBadRequest {
		t.Errorf("service level by priority: %d", bad.Code)
	}
}
