package report_test

import (
	"bytes"
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/outbound"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// sentMail keeps the survey mail instead of sending it: the transport is
// outside this test, the surveys' own path is not.
type sentMail struct {
	mu  sync.Mutex
	all []outbound.Notice
}

func (m *sentMail) SendNotice(_ context.Context, n outbound.Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all = append(m.all, n)
	return nil
}

// TestSurveyAnswersReachTheReportsAsTheyArrive: answers given through the
// survey service are rolled up by the hour answered, under the team and
// channel of the solve, as their events are handed over: CSAT is the share
// satisfied, CES the mean effort; the CSV and the chart carry the rows.
func TestSurveyAnswersReachTheReportsAsTheyArrive(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		log := testutil.Logger(t)
		queue := jobs.New(d, log, jobs.Options{})
		surveys := feedback.New(d, queue, &sentMail{}, []byte("0123456789abcdef0123456789abcdef"), log, feedback.Options{})
		bus := events.NewBus(d, log, events.Options{})
		for _, c := range []events.Consumer{surveys.Consumer(), f.rep.Consumer()} {
			if err := bus.Register(c); err != nil {
				t.Fatal(err)
			}
		}
		settle := func() {
			t.Helper()
			if err := bus.Drain(f.ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := queue.RunDue(f.ctx); err != nil {
				t.Fatal(err)
			}
			if err := bus.Drain(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
		settle()
		if err := f.rep.Backfill(f.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := surveys.UpdateSettings(f.ctx, feedback.SettingsPatch{DelayMinutes: ptr(0)}); err != nil {
			t.Fatal(err)
		}
		answer := func(channel string, inTeam bool, csat, ces int) {
			t.Helper()
			tk, err := f.tickets.Create(f.ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: channel,
				Requester: ticket.Requester{Email: channel + "@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.tickets.AddMessage(f.ctx, tk.ID, "Done.", ticket.KindReply); err != nil {
				t.Fatal(err)
			}
			if inTeam {
				if _, err := f.tickets.Update(f.ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&f.teamID)}); err != nil {
					t.Fatal(err)
				}
			}
			solved := "solved"
			if _, err := f.tickets.Update(f.ctx, tk.ID, ticket.Patch{Status: &solved}); err != nil {
				t.Fatal(err)
			}
			settle()
			form, err := surveys.FormForCustomer(f.ctx, tk.ID, tk.RequesterID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := surveys.Answer(f.ctx, form.Token, feedback.Input{CSAT: &csat, CES: &ces}); err != nil {
				t.Fatal(err)
			}
			settle()
		}
		answer("email", true, 5, 2)
		answer("chat", false, 2, 6)
		answer("email", true, 4, 1)
		now := time.Now()
		csat := f.run(report.CSAT, url.Values{"group_by": {"team"}, "time_zone": {"UTC"}}, now)
		byTeam := map[string]map[string]float64{}
		for _, r := range csat.Rows {
			byTeam[r.Group] = r.Values
		}
		if v := byTeam["Billing"]; v["answers"] != 2 || v["satisfied_percent"] != 100 {
			t.Errorf("Billing CSAT %v", v)
		}
		if v := byTeam["No team"]; v["answers"] != 1 || v["satisfied_percent"] != 0 {
			t.Errorf("no team CSAT %v", v)
		}
		ces := f.run(report.CES, url.Values{"time_zone": {"UTC"}, "interval": {"week"}}, now)
		if len(ces.Rows) != 1 || ces.Rows[0].Values["average"] != 3 || ces.Rows[0].Values["answers"] != 3 {
			t.Errorf("CES by week %+v", ces.Rows)
		}
		for _, res := range []report.Result{csat, ces} {
			var buf bytes.Buffer
			if err := res.WriteCSV(&buf); err != nil {
				t.Fatal(err)
			}
			if err := report.SameNumbers(res, buf.Bytes(), res.Chart("/reports/tickets")); err != nil {
				t.Errorf("%s: %v", res.Name, err)
			}
		}
		dr, err := report.ParseDrill(url.Values{"report": {report.CSAT}, "column": {"satisfied_percent"},
			"period": {csat.Rows[0].Period}, "group_by": {"team"}, "key": {csat.Rows[0].GroupKey}, "time_zone": {"UTC"}}, time.UTC, now)
		if err != nil {
			t.Fatal(err)
		}
		if tickets, err := f.rep.Tickets(f.ctx, dr); err != nil || len(tickets) != int(csat.Rows[0].Values["answers"]) {
			t.Errorf("tickets behind %+v: %v, %v", csat.Rows[0], tickets, err)
		}
		incremental := f.surveySnapshot()
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt := f.surveySnapshot(); rebuilt != incremental {
			t.Errorf("incremental\n%s\nrebuilt\n%s", incremental, rebuilt)
		}
	})
}

func ptr(n int) *int { return &n }

func (f *fixture) surveySnapshot() string {
	f.t.Helper()
	rows, err := f.d.Read().Query(`SELECT dim, hour, dim_key, csat_n, csat_sat, ces_n, ces_sum FROM report_hourly
		WHERE csat_n <> 0 OR ces_n <> 0 ORDER BY dim, hour, dim_key`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var buf bytes.Buffer
	for rows.Next() {
		var dim, key string
		var hour, a, b, c, e int64
		if err := rows.Scan(&dim, &hour, &key, &a, &b, &c, &e); err != nil {
			f.t.Fatal(err)
		}
		buf.WriteString(dim + "|" + key + "|" + time.Unix(hour*3600, 0).UTC().Format(time.RFC3339) + "|")
		buf.WriteString(string(rune('0'+a)) + string(rune('0'+b)) + string(rune('0'+c)) + "|" + string(rune('0'+e)) + "\n")
	}
	return buf.String()
}

// TestBusinessHoursCountTheSchedulesOpenTime: a ticket in on Friday at
// 16:00 and answered on Monday at 10:00 waited 66 calendar hours and 2
// business hours of a Monday-to-Friday 9-to-5 desk; both are kept.
func TestBusinessHoursCountTheSchedulesOpenTime(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var week []schedule.Interval
		for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
			week = append(week, schedule.Interval{Day: day, Start: "09:00", End: "17:00"})
		}
		if _, err := schedule.NewService(d).Create(f.ctx, schedule.NewSchedule{Name: "Office", TimeZone: "UTC",
			Intervals: week, Default: true}); err != nil {
			t.Fatal(err)
		}
		// 2026-12-04 is a Friday.
		f.ticket(day("2026-12-04", 16), 66*time.Hour, 90*time.Hour, "email", true)
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		q := url.Values{"from": {"2026-12-01"}, "to": {"2026-12-09"}}
		now := day("2026-12-10", 0)
		for hours, want := range map[string][2]float64{"calendar": {66, 90}, "business": {2, 10}} {
			q.Set("hours", hours)
			fr := f.run(report.FirstReplyTime, q, now)
			res := f.run(report.ResolutionTime, q, now)
			if len(fr.Rows) != 1 || fr.Rows[0].Values["median_hours"] != want[0] || fr.Hours != hours {
				t.Errorf("%s first reply %+v", hours, fr.Rows)
			}
			if len(res.Rows) != 1 || res.Rows[0].Values["median_hours"] != want[1] {
				t.Errorf("%s resolution %+v", hours, res.Rows)
			}
		}
		q.Set("hours", "office")
		if _, err := report.ParseParams(report.FirstReplyTime, q, time.UTC, now); err == nil {
			t.Error("hours=office was accepted")
		}
	})
}
