package report_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// slaRig is a desk whose SLA clocks feed the roll-up through the clock
// hook, with the event bus carrying tickets to both: the wiring of the
// server. The clocks' service and the job queue read rig.now.
type slaRig struct {
	t       *testing.T
	d       *db.DB
	ctx     context.Context
	tickets *ticket.Service
	sla     *sla.Service
	rep     *report.Service
	bus     *events.Bus
	queue   *jobs.Queue
	now     time.Time
	teamID  int64
}

func newSLARig(t *testing.T, d *db.DB) *slaRig {
	r := &slaRig{t: t, d: d, ctx: testutil.As(testutil.NewUser(t, d, "admin")), tickets: ticket.NewService(d),
		rep: report.NewService(d), now: db.Now()}
	clock := func() time.Time { return r.now }
	r.queue = jobs.New(d, testutil.Logger(t), jobs.Options{Now: clock})
	r.sla = sla.New(d, r.queue, sla.Options{Now: clock})
	r.sla.OnClockChange(r.rep.ClockChanged)
	r.bus = events.NewBus(d, testutil.Logger(t), events.Options{})
	for _, c := range []events.Consumer{r.sla.Consumer(), r.rep.Consumer()} {
		if err := r.bus.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	r.drain()
	if err := r.rep.Backfill(r.ctx); err != nil {
		t.Fatal(err)
	}
	tm, err := team.NewService(d).Create(r.ctx, team.NewTeam{Name: "Billing"})
	if err != nil {
		t.Fatal(err)
	}
	r.teamID = tm.ID
	return r
}

func (r *slaRig) drain() {
	r.t.Helper()
	if err := r.bus.Drain(r.ctx); err != nil {
		r.t.Fatal(err)
	}
}

func (r *slaRig) ticket(channel string, inTeam bool) int64 {
	r.t.Helper()
	tk, err := r.tickets.Create(r.ctx, ticket.NewTicket{Subject: "Refund", Body: "Please", Channel: channel,
		Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		r.t.Fatal(err)
	}
	if inTeam {
		if _, err := r.tickets.Update(r.ctx, tk.ID, ticket.Patch{TeamID: ticket.SetID(&r.teamID)}); err != nil {
			r.t.Fatal(err)
		}
	}
	r.drain()
	return tk.ID
}

func (r *slaRig) reply(id int64) {
	r.t.Helper()
	if _, err := r.tickets.AddMessage(r.ctx, id, "On it.", ticket.KindReply); err != nil {
		r.t.Fatal(err)
	}
	r.drain()
}

// report runs name over the days around now, as of r.now.
func (r *slaRig) report(name string, q url.Values) report.Result {
	r.t.Helper()
	q.Set("from", r.now.UTC().AddDate(0, 0, -1).Format(time.DateOnly))
	q.Set("to", r.now.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	p, err := report.ParseParams(name, q, time.UTC, r.now)
	if err != nil {
		r.t.Fatal(err)
	}
	res, err := r.rep.Run(r.ctx, p)
	if err != nil {
		r.t.Fatal(err)
	}
	return res
}

// TestReportsServiceLevelEqualsTheSLAServiceLevel: per day and per team or
// channel, the report's met, missed and pending, and its share (made by
// sla.LevelOf), are those sla.ServiceLevel answers for the same period and
// group, at moments before, inside and after the deadlines' hours.
func TestReportsServiceLevelEqualsTheSLAServiceLevel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newSLARig(t, d)
		if _, err := r.sla.CreatePolicy(r.ctx, sla.NewPolicy{Name: "Everyone", Position: 10,
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 60}, {Metric: sla.Resolution, Minutes: 240}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.sla.SetGoal(r.ctx, r.teamID, 90, 80); err != nil {
			t.Fatal(err)
		}
		start := r.now
		met := r.ticket("email", true)
		late := r.ticket("chat", true)
		r.ticket("email", false) // never answered
		r.reply(met)
		r.now = start.Add(2 * time.Hour)
		if _, err := r.queue.RunDue(r.ctx); err != nil { // records the breaches
			t.Fatal(err)
		}
		r.reply(late)
		r.ticket("chat", false) // due in an hour from now
		for _, at := range []time.Duration{30 * time.Minute, 61 * time.Minute, 2 * time.Hour, 3*time.Hour + time.Minute, 5 * time.Hour} {
			r.now = start.Add(at)
			for _, metric := range []string{sla.FirstReply, sla.Resolution} {
				for _, group := range []string{"", "team", "channel"} {
					r.assertSame(metric, group)
				}
			}
		}
		var total sla.Level
		for _, row := range r.report(report.ServiceLevel, url.Values{}).Rows {
			total = total.Add(sla.LevelOf(int(row.Values["met"]), int(row.Values["missed"]), int(row.Values["pending"])))
		}
		if total.Met != 1 || total.Missed != 3 || total.Pending != 0 || *total.Share != 0.25 {
			t.Errorf("first replies at 5 h: %+v", total)
		}
		// The team's rows carry its goal; the whole desk's the default.
		for _, row := range r.report(report.ServiceLevel, url.Values{"group_by": {"team"}}).Rows {
			want := float64(sla.DefaultGoalPercent)
			if row.Group == "Billing" {
				want = 90
			}
			if row.Values["goal"] != want {
				t.Errorf("%s goal %v, want %v", row.Group, row.Values["goal"], want)
			}
		}
		// The chart draws the goal, and the CSV and chart carry the rows.
		res := r.report(report.ServiceLevel, url.Values{"group_by": {"channel"}})
		var buf bytes.Buffer
		if err := res.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		if err := report.SameNumbers(res, buf.Bytes(), res.Chart("/reports/tickets")); err != nil {
			t.Error(err)
		}
		// Missed tickets behind today's point: the late one and the
		// unanswered one.
		dr, err := report.ParseDrill(url.Values{"report": {report.ServiceLevel}, "column": {"missed"},
			"metric": {sla.FirstReply}, "period": {res.Rows[0].Period}}, time.UTC, r.now)
		if err != nil {
			t.Fatal(err)
		}
		if tickets, err := r.rep.Tickets(r.ctx, dr); err != nil || len(tickets) < 2 {
			t.Errorf("missed tickets %v, %v", tickets, err)
		}
		// Kept as the clocks changed, the roll-up equals a rebuild.
		before := r.slaSnapshot()
		if err := r.rep.Rebuild(r.ctx); err != nil {
			t.Fatal(err)
		}
		if after := r.slaSnapshot(); after != before {
			t.Errorf("incremental\n%s\nrebuilt\n%s", before, after)
		}
	})
}

// assertSame compares each period's row with sla.ServiceLevelBy over the
// same day.
func (r *slaRig) assertSame(metric, group string) {
	r.t.Helper()
	res := r.report(report.ServiceLevel, url.Values{"metric": {metric}, "group_by": {group}})
	got := map[string]sla.Level{}
	for _, row := range res.Rows {
		l := sla.LevelOf(int(row.Values["met"]), int(row.Values["missed"]), int(row.Values["pending"]))
		if share, ok := row.Values["service_level"]; ok != (l.Share != nil) || ok && share != float64(int(*l.Share*10000+0.5))/100 {
			r.t.Errorf("%s %s %s: service_level %v for %+v", metric, group, row.Period, share, l)
		}
		got[row.Period+"|"+row.GroupKey] = l
	}
	for _, period := range res.Periods {
		from, _ := time.Parse(time.DateOnly, period)
		f := sla.LevelFilter{Metric: metric, From: from, To: from.AddDate(0, 0, 1)}
		var want []sla.GroupLevel
		if group == "" {
			l, err := r.sla.ServiceLevel(r.ctx, f)
			if err != nil {
				r.t.Fatal(err)
			}
			if l.Due > 0 {
				want = []sla.GroupLevel{{Key: "", Level: l}}
			}
		} else {
			var err error
			if want, err = r.sla.ServiceLevelBy(r.ctx, f, group); err != nil {
				r.t.Fatal(err)
			}
		}
		for _, w := range want {
			g := got[period+"|"+w.Key]
			if g.Met != w.Met || g.Missed != w.Missed || g.Pending != w.Pending || !sameShare(g.Share, w.Share) {
				r.t.Errorf("at %s, %s by %q, %s %q: report %+v, sla %+v", r.now.Format(time.Kitchen), metric, group,
					period, w.Key, g, w.Level)
			}
			delete(got, period+"|"+w.Key)
		}
	}
	for k, l := range got {
		if k[:10] >= res.Periods[0] && l.Due > 0 {
			r.t.Errorf("at %s, %s by %q: report has %s %+v, sla nothing", r.now.Format(time.Kitchen), metric, group, k, l)
		}
	}
}

func sameShare(a, b *float64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func (r *slaRig) slaSnapshot() string {
	r.t.Helper()
	rows, err := r.d.Read().Query(`SELECT metric, dim, hour, dim_key, met, missed, open FROM report_sla_hourly
		WHERE met <> 0 OR missed <> 0 OR open <> 0 ORDER BY metric, dim, hour, dim_key`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	var buf bytes.Buffer
	for rows.Next() {
		var metric, dim, key string
		var hour, met, missed, open int64
		if err := rows.Scan(&metric, &dim, &hour, &key, &met, &missed, &open); err != nil {
			r.t.Fatal(err)
		}
		buf.WriteString(metric + " " + dim + " " + key + " " + time.Unix(hour*3600, 0).UTC().Format(time.RFC3339) + " ")
		buf.WriteString(string(rune('0'+met)) + string(rune('0'+missed)) + string(rune('0'+open)) + "\n")
	}
	return buf.String()
}

// levelsBy sums the report's first reply service level over its periods,
// by group key.
func (r *slaRig) levelsBy(group string) map[string]sla.Level {
	r.t.Helper()
	out := map[string]sla.Level{}
	for _, row := range r.report(report.ServiceLevel, url.Values{"group_by": {group}}).Rows {
		out[row.GroupKey] = out[row.GroupKey].Add(sla.LevelOf(int(row.Values["met"]), int(row.Values["missed"]), int(row.Values["pending"])))
	}
	return out
}

func (r *slaRig) assertLevels(group string, want map[string][3]int) {
	r.t.Helper()
	got := r.levelsBy(group)
	for k, w := range want {
		if g := got[k]; g.Met != w[0] || g.Missed != w[1] || g.Pending != w[2] {
			r.t.Errorf("by %s %q: %+v, want met, missed, pending %v", group, k, g, w)
		}
		delete(got, k)
	}
	for k, g := range got {
		r.t.Errorf("by %s: %q has %+v, want nothing", group, k, g)
	}
}

// Service level is grouped by agent and by tag like the other reports:
// each clock under its ticket's assignee and tags as they are now, moved
// when the ticket is reassigned or retagged, and the same after a rebuild.
func TestServiceLevelByAgentAndTag(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newSLARig(t, d)
		if _, err := r.sla.CreatePolicy(r.ctx, sla.NewPolicy{Name: "Everyone", Position: 10,
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 60}}}); err != nil {
			t.Fatal(err)
		}
		ada, bob := testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent")
		a, b := strconv.FormatInt(ada, 10), strconv.FormatInt(bob, 10)
		owned := func(agent int64, tags ...string) int64 {
			t.Helper()
			id := r.ticket("email", false)
			if _, err := r.tickets.Update(r.ctx, id, ticket.Patch{AssigneeID: ticket.SetID(&agent), Tags: &tags}); err != nil {
				t.Fatal(err)
			}
			r.drain()
			return id
		}
		start := r.now
		x := owned(ada, "vip")
		y := owned(bob, "refund", "vip")
		r.ticket("chat", false) // unassigned, untagged, never answered
		r.reply(x)
		r.now = start.Add(2 * time.Hour)
		if _, err := r.queue.RunDue(r.ctx); err != nil {
			t.Fatal(err)
		}
		r.assertLevels("agent", map[string][3]int{a: {1, 0, 0}, b: {0, 1, 0}, "": {0, 1, 0}})
		r.assertLevels("tag", map[string][3]int{"vip": {1, 1, 0}, "refund": {0, 1, 0}})
		// Reassigned and retagged: the missed clock moves with the ticket.
		if _, err := r.tickets.Update(r.ctx, y, ticket.Patch{AssigneeID: ticket.SetID(&ada), Tags: &[]string{"vip"}}); err != nil {
			t.Fatal(err)
		}
		r.drain()
		r.assertLevels("agent", map[string][3]int{a: {1, 1, 0}, "": {0, 1, 0}})
		r.assertLevels("tag", map[string][3]int{"vip": {1, 1, 0}})
		// One due in the current hour counts as pending before its
		// deadline and missed after, split at the minute.
		z := owned(bob, "refund")
		var due time.Time
		if err := d.Read().QueryRow(`SELECT due_at FROM sla_clocks WHERE ticket_id = $1 AND metric = $2`, z, sla.FirstReply).
			Scan(db.ScanTime(&due)); err != nil {
			t.Fatal(err)
		}
		r.now = due.Add(-time.Minute)
		r.assertLevels("agent", map[string][3]int{a: {1, 1, 0}, b: {0, 0, 1}, "": {0, 1, 0}})
		r.now = due.Add(time.Minute)
		r.assertLevels("tag", map[string][3]int{"vip": {1, 1, 0}, "refund": {0, 1, 0}})
		daily, hours := r.slaDays()
		if daily != hours || daily == "" {
			t.Errorf("report_sla_daily\n%s\nhours by day\n%s", daily, hours)
		}
		before := r.slaSnapshot()
		if err := r.rep.Rebuild(r.ctx); err != nil {
			t.Fatal(err)
		}
		if after := r.slaSnapshot(); after != before {
			t.Errorf("incremental\n%s\nrebuilt\n%s", before, after)
		}
	})
}

// slaDays is report_sla_daily beside report_sla_hourly summed by UTC day.
func (r *slaRig) slaDays() (daily, hours string) {
	r.t.Helper()
	read := func(day, table string) string {
		rows, err := r.d.Read().Query(`SELECT metric, dim, ` + day + `, dim_key, SUM(met), SUM(missed), SUM(open) FROM ` + table + `
			GROUP BY 1, 2, 3, 4 HAVING SUM(met) <> 0 OR SUM(missed) <> 0 OR SUM(open) <> 0 ORDER BY 1, 2, 3, 4`)
		if err != nil {
			r.t.Fatal(err)
		}
		defer rows.Close()
		var buf bytes.Buffer
		for rows.Next() {
			var metric, dim, key string
			var n [4]int64
			if err := rows.Scan(&metric, &dim, &n[0], &key, &n[1], &n[2], &n[3]); err != nil {
				r.t.Fatal(err)
			}
			fmt.Fprintln(&buf, metric, dim, key, n)
		}
		return buf.String()
	}
	return read("day", "report_sla_daily"), read("hour / 24", "report_sla_hourly")
}
