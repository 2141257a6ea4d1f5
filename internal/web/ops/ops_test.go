package ops_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/ops"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	opspages "github.com/centerdesk/centerdesk/internal/web/ops"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

type bench struct {
	e       *webtest.Env
	stop    chan struct{} // closing it ends the streams, as a shutdown does
	bus     *events.Bus
	tickets *ticket.Service
	teamID  int64
}

// newBench serves the board over a desk with one team and one ticket
// waiting in it, its event bus running.
func newBench(t *testing.T) *bench {
	e := webtest.New(t)
	d, log := e.DB, testutil.Logger(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b := &bench{e: e, stop: make(chan struct{}), bus: events.NewBus(d, log, events.Options{}), tickets: ticket.NewService(d)}
	queue := jobs.New(d, log, jobs.Options{})
	reports := report.NewService(d)
	if err := b.bus.Register(reports.Consumer()); err != nil {
		t.Fatal(err)
	}
	go b.bus.Run(ctx)
	<-b.bus.Ready()
	teams := team.NewService(d)
	admin := testutil.As(testutil.NewUser(t, d, "admin"))
	tm, err := teams.Create(admin, team.NewTeam{Name: "Billing"})
	if err != nil {
		t.Fatal(err)
	}
	b.teamID = tm.ID
	b.newTicket(t, "Charged twice")
	// The roll-up follows the bus: wait until it counted the ticket.
	hour := time.Now().Unix() / 3600
	waitFor(t, "the roll-up to count the ticket", func() bool {
		n, err := reports.CreatedPerHour(context.Background(), "", []int64{hour - 1, hour, hour + 1})
		return err == nil && n[hour-1]+n[hour]+n[hour+1] == 1
	})
	slas, schedules, hub := sla.New(d, queue, sla.Options{}), schedule.NewService(d), presence.NewHub(nil)
	board := ops.New(ops.Deps{DB: d, SLA: slas, Schedules: schedules,
		Teams: teams, Settings: e.Settings, Reports: reports,
		Feedback: feedback.New(d, queue, nil, []byte("0123456789abcdef0123456789abcdef"), log, feedback.Options{})})
	plan := func(ctx context.Context, now time.Time) (staffing.PlanResult, error) {
		src := staffing.Sources{Arrivals: reports, Work: reports, SLA: slas, People: hub, Zone: schedules}
		return staffing.Plan(ctx, src, now, staffing.DefaultForecastHours)
	}
	table, err := opspages.New(e.Kit, opspages.Deps{Ops: board, Bus: b.bus, Presence: hub,
		Cadence: opspages.Cadence{Check: 20 * time.Millisecond}, Stop: b.stop, Staffing: plan})
	if err != nil {
		t.Fatal(err)
	}
	e.Register(table)
	e.CheckRefusals(table)
	return b
}

// waitFor polls cond until it holds, failing after a generous minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b *bench) newTicket(t *testing.T, subject string) {
	t.Helper()
	ctx := testutil.As(testutil.NewUser(t, b.e.DB, "agent"))
	tk, err := b.tickets.Create(ctx, ticket.NewTicket{Subject: subject, Body: "Please help.", Channel: "email",
		Requester: ticket.Requester{Email: "ann@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.tickets.Update(ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&b.teamID)}); err != nil {
		t.Fatal(err)
	}
}

func TestBoardPage(t *testing.T) {
	b := newBench(t)
	lead := b.e.SignIn("lead")
	rec := b.e.Do("GET", "/ops", lead)
	page := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("/ops: %d %s", rec.Code, page)
	}
	key := "team-" + strconv.FormatInt(b.teamID, 10)
	for _, want := range []string{
		`id="ops-desk-title">Whole desk`, `id="ops-` + key + `-title">Billing`,
		`id="ops-` + key + `-unsolved">1<`, `id="ops-` + key + `-unassigned">1<`,
		// No clock is due: grey, and said in words.
		`class="ops-level ops-grey" id="ops-` + key + `-first-reply"`, "Grey: nothing due yet",
		"Charged twice", `class="mainnav"`, `data-events="/ops/events"`,
		// The staffing plan: phone and chat expect nobody (no calls in the
		// last 4 weeks), and the email waiting is weighed.
		`id="ops-staffing-title">Staffing: the next hours`, `id="ops-staffing-phone-title">Phone`,
		`id="ops-staffing-chat-title">Chat`, "Enough people for every hour.", `id="ops-staffing-email-title">Email`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The chart, the table and the CSV carry the same numbers.
	charts := chartsOf(t, page)
	if len(charts) != 2 || len(charts[1].Hours) != 24 {
		t.Fatalf("charts %+v", charts)
	}
	rows := csvRows(t, b.e.Do("GET", "/ops/export", lead))
	var arrived int64
	for i, name := range []string{"Whole desk", "Billing"} {
		for h := range charts[i].Hours {
			row := rows[name+" "+charts[i].Hours[h]]
			if row == nil || row[2] != strconv.FormatInt(charts[i].Arrived[h], 10) ||
				row[3] != strconv.FormatFloat(charts[i].Forecast[h], 'f', -1, 64) {
				t.Errorf("%s %s: CSV %v, chart %d and %v", name, charts[i].Hours[h], row, charts[i].Arrived[h], charts[i].Forecast[h])
			}
			arrived += charts[i].Arrived[h]
		}
	}
	if arrived != 2 { // the ticket, once for the desk and once for Billing
		t.Errorf("arrivals drawn %d, want 2", arrived)
	}
	kiosk := b.e.Do("GET", "/ops?kiosk=1", lead).Body.String()
	if !strings.Contains(kiosk, `class="ops-kiosk"`) || strings.Contains(kiosk, `class="mainnav"`) ||
		!strings.Contains(kiosk, `data-events="/ops/events?kiosk=1"`) || !strings.Contains(kiosk, "Charged twice") {
		t.Errorf("kiosk page:\n%s", kiosk)
	}
}

type chart struct {
	Hours    []string  `json:"hours"`
	Arrived  []int64   `json:"arrived"`
	Forecast []float64 `json:"forecast"`
}

func chartsOf(t *testing.T, page string) []chart {
	t.Helper()
	var out []chart
	const open = `<script type="application/json" class="ops-chart-data">`
	for _, part := range strings.Split(page, open)[1:] {
		body, _, _ := strings.Cut(part, "</script>")
		var c chart
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatalf("chart %q: %v", body, err)
		}
		out = append(out, c)
	}
	return out
}

// csvRows indexes the CSV's rows by "team HH:MM".
func csvRows(t *testing.T, rec *httptest.ResponseRecorder) map[string][]string {
	t.Helper()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", rec.Code, rec.Body)
	}
	all, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, row := range all[1:] {
		out[row[0]+" "+row[1][len(row[1])-5:]] = row
	}
	return out
}

// TestEventsStreamTheBoardAndItsChanges reads /ops/events over HTTP: the
// board at once, then again once a new ticket is committed.
func TestEventsStreamTheBoardAndItsChanges(t *testing.T) {
	b := newBench(t)
	lead := b.e.SignIn("lead")
	srv := httptest.NewServer(b.e.Mux)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/ops/events", nil)
	req.AddCookie(lead)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	unsolved := `id="ops-team-` + strconv.FormatInt(b.teamID, 10) + `-unsolved">`
	if got := nextBoard(t, lines); !strings.Contains(got, unsolved+"1<") {
		t.Fatalf("first board:\n%s", got)
	}
	b.newTicket(t, "Lost password")
	for {
		got := nextBoard(t, lines)
		if strings.Contains(got, unsolved+"2<") && !strings.Contains(got, "Lost password") {
			break // the new ticket counted; the longest wait is still the first
		}
	}
	// A shutdown ends the stream.
	close(b.stop)
	for lines.Scan() {
	}
	if err := lines.Err(); err != nil {
		t.Fatalf("the stream did not end cleanly: %v", err)
	}
}

// nextBoard reads up to the next "board" event and returns its data.
func nextBoard(t *testing.T, lines *bufio.Scanner) string {
	t.Helper()
	var data []string
	inBoard := false
	for lines.Scan() {
		line := lines.Text()
		switch {
		case line == "event: board":
			inBoard, data = true, nil
		case strings.HasPrefix(line, "data: ") && inBoard:
			data = append(data, strings.TrimPrefix(line, "data: "))
		case line == "" && inBoard:
			return strings.Join(data, "\n")
		}
	}
	t.Fatalf("the stream ended: %v", lines.Err())
	return ""
}
