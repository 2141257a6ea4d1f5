package report_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// fixture is a desk with tickets whose times the test sets.
type fixture struct {
	t       *testing.T
	d       *db.DB
	tickets *ticket.Service
	rep     *report.Service
	ctx     context.Context
	teamID  int64
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	lead := testutil.NewUser(t, d, "admin")
	f := &fixture{t: t, d: d, tickets: ticket.NewService(d), rep: report.NewService(d), ctx: testutil.As(lead)}
	tm, err := team.NewService(d).Create(f.ctx, team.NewTeam{Name: "Billing"})
	if err != nil {
		t.Fatal(err)
	}
	f.teamID = tm.ID
	return f
}

// ticket makes a ticket created at created, first answered after reply and
// solved after solve (zero: not), on channel with tags, in the team when
// inTeam.
func (f *fixture) ticket(created time.Time, reply, solve time.Duration, channel string, inTeam bool, tags ...string) int64 {
	f.t.Helper()
	tk, err := f.tickets.Create(f.ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: channel, Tags: tags,
		Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		f.t.Fatal(err)
	}
	if inTeam {
		if _, err := f.tickets.Update(f.ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&f.teamID)}); err != nil {
			f.t.Fatal(err)
		}
	}
	// Times are set in the table: the service stamps the clock's now.
	var fr, solved *time.Time
	status := "open"
	if reply > 0 {
		x := created.Add(reply)
		fr = &x
	}
	if solve > 0 {
		x := created.Add(solve)
		solved, status = &x, "solved"
	}
	_, err = f.d.Write().Exec(`UPDATE tickets SET created_at = $1, first_reply_at = $2, solved_at = $3, status = $4 WHERE id = $5`,
		db.Time(created), db.NullTime(fr), db.NullTime(solved), status, tk.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return tk.ID
}

func (f *fixture) run(name string, q url.Values, now time.Time) report.Result {
	f.t.Helper()
	p, err := report.ParseParams(name, q, time.UTC, now)
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := f.rep.Run(f.ctx, p)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func day(s string, h int) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t.Add(time.Duration(h) * time.Hour)
}

func values(res report.Result) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	for _, r := range res.Rows {
		out[r.Period+"|"+r.Group] = r.Values
	}
	return out
}

func TestReportsFromTheRollUp(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		now := day("2026-12-05", 12)
		// Four tickets on Dec 1, one on Dec 2; first replies after 30 min,
		// 2 h, 8 h (and none); resolutions on Dec 3.
		f.ticket(day("2026-12-01", 9), 30*time.Minute, 50*time.Hour, "email", true, "refund")
		f.ticket(day("2026-12-01", 10), 2*time.Hour, 0, "email", true)
		f.ticket(day("2026-12-01", 11), 8*time.Hour, 0, "chat", false, "refund")
		f.ticket(day("2026-12-01", 12), 0, 0, "chat", false)
		f.ticket(day("2026-12-02", 9), 1*time.Minute, 30*time.Hour, "email", false)
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		q := url.Values{"from": {"2026-12-01"}, "to": {"2026-12-04"}}
		vol := values(f.run(report.Volume, q, now))
		if v := vol["2026-12-01|All tickets"]; v["created"] != 4 || v["solved"] != 0 {
			t.Errorf("Dec 1 volume %v", v)
		}
		if v := vol["2026-12-03|All tickets"]; v["created"] != 0 || v["solved"] != 2 {
			t.Errorf("Dec 3 volume %v", v)
		}
		q.Set("group_by", "team")
		byTeam := values(f.run(report.Volume, q, now))
		if byTeam["2026-12-01|Billing"]["created"] != 2 || byTeam["2026-12-01|No team"]["created"] != 2 {
			t.Errorf("by team %v", byTeam)
		}
		q.Set("group_by", "tag")
		if v := values(f.run(report.Volume, q, now))["2026-12-01|refund"]; v["created"] != 2 {
			t.Errorf("by tag %v", v)
		}
		q.Del("group_by")
		fr := values(f.run(report.FirstReplyTime, q, now))
		// Dec 1 replies: 30 min and 2 h (the 8 h one came at 19:00, still Dec 1).
		v := fr["2026-12-01|All tickets"]
		if v["count"] != 3 || v["median_hours"] < 1.6 || v["median_hours"] > 2.4 || v["p90_hours"] < 6 || v["p90_hours"] > 9.6 {
			t.Errorf("Dec 1 first replies %v", v)
		}
		backlog := values(f.run(report.BacklogAge, nil, now))
		// Open: the Dec 1 10:00, 11:00 and 12:00 tickets, 3 to 4 days old.
		if backlog["3-7 days|All tickets"]["open"] != 3 {
			t.Errorf("backlog %v", backlog)
		}
		// The tickets behind points: the tag's, and the backlog's bucket.
		for q, want := range map[string]int{
			"report=volume&column=created&period=2026-12-01&group_by=tag&key=refund": 2,
			"report=volume&column=solved&period=2026-12-03":                          2,
			"report=backlog_age&column=open&period=3-7+days":                         3,
			"report=first_reply_time&column=median_hours&period=2026-12-02":          1,
		} {
			v, _ := url.ParseQuery(q)
			dr, err := report.ParseDrill(v, time.UTC, now)
			if err != nil {
				t.Fatal(err)
			}
			tickets, err := f.rep.Tickets(f.ctx, dr)
			if err != nil || len(tickets) != want {
				t.Errorf("%s: %d tickets (%v), want %d", q, len(tickets), err, want)
			}
		}
		if _, err := report.ParseDrill(url.Values{"report": {"volume"}, "column": {"open"}, "period": {"2026-12-01"}}, time.UTC, now); err == nil {
			t.Error("volume has no open column")
		}
	})
}

// A ticket that changes is moved in the roll-up as its events arrive: the
// incremental figures equal a rebuild from scratch.
func TestEventsKeepTheRollUpEqualToARebuild(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if err := f.rep.Backfill(f.ctx); err != nil {
			t.Fatal(err)
		}
		a := f.ticket(day("2026-12-01", 9), time.Hour, 3*time.Hour, "email", false, "refund")
		b := f.ticket(day("2026-12-01", 10), 0, 0, "chat", true)
		f.handle(a, b)
		if _, err := f.tickets.Update(f.ctx, a, ticket.Patch{TeamID: ticket.SetID(&f.teamID), Tags: &[]string{"vip"}}); err != nil {
			t.Fatal(err)
		}
		f.handle(a, a) // handed over twice: no double count
		incremental := f.snapshot()
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt := f.snapshot(); rebuilt != incremental {
			t.Errorf("incremental roll-up\n%s\nrebuilt\n%s", incremental, rebuilt)
		}
	})
}

func (f *fixture) handle(ids ...int64) {
	f.t.Helper()
	var batch []events.Event
	for _, id := range ids {
		batch = append(batch, events.Event{TicketID: id, Type: "ticket.updated"})
	}
	c := f.rep.Consumer()
	if err := f.d.Tx(f.ctx, func(ctx context.Context, tx *sql.Tx) error { return c.Handle(ctx, tx, batch) }); err != nil {
		f.t.Fatal(err)
	}
}

// snapshot is the non-empty roll-up rows, as text.
func (f *fixture) snapshot() string {
	f.t.Helper()
	rows, err := f.d.Read().Query(`SELECT dim, hour, dim_key, created, solved, open_now, fr_n, fr_sum, res_n, res_sum, fr_h08, res_h10
		FROM report_hourly WHERE created <> 0 OR solved <> 0 OR open_now <> 0 OR fr_n <> 0 OR res_n <> 0 ORDER BY dim, hour, dim_key`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var buf bytes.Buffer
	for rows.Next() {
		var dim, key string
		var n [10]int64
		if err := rows.Scan(&dim, &n[0], &key, &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9]); err != nil {
			f.t.Fatal(err)
		}
		buf.WriteString(dim + " " + strconv.Quote(key) + " ")
		for _, x := range n {
			buf.WriteString(strconv.FormatInt(x, 10) + " ")
		}
		buf.WriteString("\n")
	}
	return buf.String()
}

// The CSV and the chart carry the very numbers of the JSON rows.
func TestCSVAndChartCarryTheSameNumbers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.ticket(day("2026-12-01", 9), 30*time.Minute, 50*time.Hour, "email", true)
		f.ticket(day("2026-12-02", 9), 3*time.Hour, 5*time.Hour, "chat", false)
		f.ticket(day("2026-12-03", 9), 3*time.Hour, 0, "chat", false)
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		// Service level, CSAT and CES have their own tests, with clocks and
		// surveys.
		for _, name := range []string{report.Volume, report.FirstReplyTime, report.ResolutionTime, report.BacklogAge} {
			res := f.run(name, url.Values{"from": {"2026-12-01"}, "to": {"2026-12-04"}, "group_by": {"channel"}}, day("2026-12-05", 0))
			if len(res.Rows) == 0 {
				t.Fatalf("%s: no rows", name)
			}
			var buf bytes.Buffer
			if err := res.WriteCSV(&buf); err != nil {
				t.Fatal(err)
			}
			if err := report.SameNumbers(res, buf.Bytes(), res.Chart("/reports/tickets")); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestBadReportQueriesNameTheField(t *testing.T) {
	now := day("2026-12-05", 0)
	cases := []struct {
		name  string
		q     url.Values
		field string
	}{
		{"speed", nil, "name"},
		{report.Volume, url.Values{"group_by": {"priority"}}, "group_by"},
		{report.Volume, url.Values{"from": {"2026-13-01"}}, "from"},
		{report.Volume, url.Values{"to": {"yesterday"}}, "to"},
		{report.Volume, url.Values{"from": {"2026-12-05"}, "to": {"2026-12-01"}}, "from"},
		{report.Volume, url.Values{"from": {"2020-01-01"}, "to": {"2026-12-01"}}, "to"},
		{report.Volume, url.Values{"time_zone": {"Mars/Olympus"}}, "time_zone"},
		{report.Volume, url.Values{"interval": {"month"}}, "interval"},
		{report.FirstReplyTime, url.Values{"hours": {"office"}}, "hours"},
		{report.ServiceLevel, url.Values{"metric": {"speed"}}, "metric"},
		{report.ServiceLevel, url.Values{"group_by": {"priority"}}, "group_by"},
	}
	for _, c := range cases {
		_, err := report.ParseParams(c.name, c.q, time.UTC, now)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid || e.Field != c.field {
			t.Errorf("%s %v: %v, want invalid %s", c.name, c.q, err, c.field)
		}
	}
}

// Through the event bus: a new ticket and its solving reach the roll-up
// as their events are handed over, without a rebuild.
func TestTheBusKeepsTheRollUp(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bus := events.NewBus(d, testutil.Logger(t), events.Options{})
		if err := bus.Register(f.rep.Consumer()); err != nil {
			t.Fatal(err)
		}
		// Registered first (as the server's bus does before the backfill).
		if err := bus.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.rep.Backfill(f.ctx); err != nil {
			t.Fatal(err)
		}
		tk, err := f.tickets.Create(f.ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: "chat",
			Requester: ticket.Requester{Email: "ada@example.com"}, Tags: []string{"vip"}})
		if err != nil {
			t.Fatal(err)
		}
		solved := "solved"
		if _, err := f.tickets.Update(f.ctx, tk.ID, ticket.Patch{Status: &solved, TeamID: ticket.SetID(&f.teamID)}); err != nil {
			t.Fatal(err)
		}
		if err := bus.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		res := f.run(report.Volume, url.Values{"group_by": {"team"}, "time_zone": {"UTC"}}, now)
		if len(res.Rows) != 1 || res.Rows[0].Group != "Billing" || res.Rows[0].Values["created"] != 1 || res.Rows[0].Values["solved"] != 1 {
			t.Errorf("after the events: %+v", res.Rows)
		}
		incremental := f.snapshot()
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt := f.snapshot(); rebuilt != incremental {
			t.Errorf("incremental roll-up\n%s\nrebuilt\n%s", incremental, rebuilt)
		}
	})
}

// Days are the reader's, also across a change of the clocks: Oslo leaves
// summer time on 25 October 2026 at 01:00 UTC.
func TestDaysFollowTheReadersZoneAcrossAClockChange(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		at := func(s string) time.Time {
			x, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		f.ticket(at("2026-10-24T21:30:00Z"), 0, 0, "email", false) // 23:30 CEST, Oct 24
		f.ticket(at("2026-10-24T22:30:00Z"), 0, 0, "email", false) // 00:30 CEST, Oct 25
		f.ticket(at("2026-10-25T22:30:00Z"), 0, 0, "email", false) // 23:30 CET, Oct 25
		f.ticket(at("2026-10-25T23:30:00Z"), 0, 0, "email", false) // 00:30 CET, Oct 26
		if err := f.rep.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		res := f.run(report.Volume, url.Values{"from": {"2026-10-24"}, "to": {"2026-10-26"}, "time_zone": {"Europe/Oslo"}}, at("2026-11-01T00:00:00Z"))
		got := map[string]float64{}
		for _, r := range res.Rows {
			got[r.Period] = r.Values["created"]
		}
		if got["2026-10-24"] != 1 || got["2026-10-25"] != 2 || got["2026-10-26"] != 1 {
			t.Errorf("created per Oslo day %v", got)
		}
	})
}
