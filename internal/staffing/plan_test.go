package staffing_test

import (
	"context"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// planDesk is a desk with real tickets, policies, a schedule and agents at
// work, wired into a plan as the server wires it.
type planDesk struct {
	t       *testing.T
	d       *db.DB
	ctx     context.Context
	tickets *ticket.Service
	sla     *sla.Service
	bus     *events.Bus
	src     staffing.Sources
	hub     *presence.Hub
}

func newPlanDesk(t *testing.T, d *db.DB, now time.Time) *planDesk {
	p := &planDesk{t: t, d: d, ctx: testutil.As(testutil.NewUser(t, d, "admin")), tickets: ticket.NewService(d)}
	clock := func() time.Time { return now }
	p.sla = sla.New(d, jobs.New(d, testutil.Logger(t), jobs.Options{Now: clock}), sla.Options{Now: clock})
	p.bus = events.NewBus(d, testutil.Logger(t), events.Options{})
	if err := p.bus.Register(p.sla.Consumer()); err != nil {
		t.Fatal(err)
	}
	p.drain()
	reports, schedules := report.NewService(d), schedule.NewService(d)
	p.hub = presence.NewHub(nil)
	p.src = staffing.Sources{Arrivals: reports, Work: reports, SLA: p.sla, People: p.hub, Zone: schedules}
	return p
}

func (p *planDesk) drain() {
	p.t.Helper()
	if err := p.bus.Drain(p.ctx); err != nil {
		p.t.Fatal(err)
	}
}

// ticket makes a ticket of channel created at created and, when solve is
// above zero, solved that long after; the times are set in the table, as
// the service stamps its own clock.
func (p *planDesk) ticket(channel string, created time.Time, solve time.Duration) int64 {
	p.t.Helper()
	tk, err := p.tickets.Create(p.ctx, ticket.NewTicket{Subject: "Help", Body: "Please", Channel: channel,
		Requester: ticket.Requester{Email: "ada@example.com"}})
	if err != nil {
		p.t.Fatal(err)
	}
	var solved *time.Time
	status := "open"
	if solve > 0 {
		x := created.Add(solve)
		solved, status = &x, "solved"
	}
	_, err = p.d.Write().Exec(`UPDATE tickets SET created_at = $1, solved_at = $2, status = $3 WHERE id = $4`,
		db.Time(created), db.NullTime(solved), status, tk.ID)
	if err != nil {
		p.t.Fatal(err)
	}
	return tk.ID
}

// TestPlanAsksForPeopleInRanges seeds four weeks of phone and chat
// tickets at the same weekday hours as now, and checks the plan's
// forecast, handle time, target, need and the merged ranges in the desk's
// zone, and the email backlog against its nearest deadline.
func TestPlanAsksForPeopleInRanges(t *testing.T) {
	now := time.Date(2026, 11, 30, 14, 20, 0, 0, time.UTC) // a Monday; 15:20 in Berlin
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlanDesk(t, d, now)
		ctx := p.ctx
		if _, err := schedule.NewService(d).Create(ctx, schedule.NewSchedule{Name: "Berlin", TimeZone: "Europe/Berlin",
			Default: true, Intervals: []schedule.Interval{{Day: "mon", Start: "08:00", End: "18:00"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.sla.SetGoal(ctx, 0, 80, 70); err != nil {
			t.Fatal(err)
		}
		// Phone is answered within a minute; email's first reply within 2 h.
		for _, n := range []sla.NewPolicy{
			{Name: "Phone", Position: 1, Conditions: []sla.Condition{{Field: "channel", Op: "is", Value: []byte(`"phone"`)}},
				Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 1}}},
			{Name: "Everyone", Position: 2, Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 120}}},
		} {
			if _, err := p.sla.CreatePolicy(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		hour := now.Truncate(time.Hour)
		for w := 1; w <= 4; w++ {
			past := hour.Add(-time.Duration(w) * 7 * 24 * time.Hour)
			// Phone: 12 calls at 14:00 and 15:00 UTC, 10 minutes each; one
			// at 17:00. Chat: 2 at 14:00, not solved.
			for h := range 2 {
				for i := range 12 {
					p.ticket("phone", past.Add(time.Duration(h)*time.Hour+time.Duration(i*4)*time.Minute), 10*time.Minute)
				}
			}
			p.ticket("phone", past.Add(3*time.Hour), 10*time.Minute)
			p.ticket("chat", past.Add(5*time.Minute), 0)
			p.ticket("chat", past.Add(35*time.Minute), 0)
		}
		// Three email tickets wait; the nearest deadline is in 90 minutes.
		var emails []int64
		for range 3 {
			emails = append(emails, p.ticket("email", now.Add(-time.Hour), 0))
		}
		p.drain()
		due := now.Add(90 * time.Minute)
		for i, id := range emails {
			at := now.Add(3 * time.Hour)
			if i == 1 {
				at = due
			}
			if _, err := d.Write().Exec(`UPDATE sla_clocks SET due_at = $1 WHERE ticket_id = $2`, db.Time(at), id); err != nil {
				t.Fatal(err)
			}
		}
		if err := report.NewService(d).Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		// Two agents at work.
		for _, id := range []int64{testutil.NewUser(t, d, "agent"), testutil.NewUser(t, d, "agent")} {
			if _, err := p.hub.Set(ctx, emails[0], id, "Agent", presence.Viewing); err != nil {
				t.Fatal(err)
			}
		}

		plan, err := staffing.Plan(ctx, p.src, now, 8)
		if err != nil {
			t.Fatal(err)
		}
		if plan.TimeZone != "Europe/Berlin" || plan.Goal != 0.8 || plan.AgentsOnline != 2 || len(plan.Channels) != 2 {
			t.Fatalf("plan %+v", plan)
		}
		phone, chat := plan.Channels[0], plan.Channels[1]
		if phone.Channel != "phone" || phone.HandleSeconds != 600 || phone.HandleSource != "measured" || phone.HandleContacts != 100 ||
			phone.TargetSeconds != 60 || phone.TargetSource != "policy" || len(phone.Hours) != 8 {
			t.Fatalf("phone %+v", phone)
		}
		// 12 calls an hour of 10 minutes are 2 Erlangs: 80% within a minute
		// needs 4 agents (3 answer 59.8%); 1 call an hour needs 1.
		want := []struct {
			arrivals float64
			needed   int
		}{{12, 4}, {12, 4}, {0, 0}, {1, 1}}
		for i, w := range want {
			h := phone.Hours[i]
			if h.ArrivalsPerHour != w.arrivals || h.AgentsNeeded != w.needed || h.AgentsOnline != 2 || h.AgentsAvailable != 2 {
				t.Errorf("phone hour %d: %+v, want %+v", i, h, w)
			}
		}
		if got := phone.Hours[0].Start.Format("15:04 MST"); got != "15:00 CET" {
			t.Errorf("first hour starts %s, want 15:00 CET", got)
		}
		if len(phone.Recommendations) != 1 {
			t.Fatalf("phone recommendations %+v", phone.Recommendations)
		}
		r := phone.Recommendations[0]
		if r.Add != 2 || r.Text != "add 2 people 15:00-17:00" || !r.From.Equal(hour) || !r.To.Equal(hour.Add(2*time.Hour)) {
			t.Errorf("phone recommendation %+v", r)
		}
		// Chat: 2 an hour at 14:00 UTC with the default 300 s and 60 s; the
		// phone took both agents, so chat asks for its own.
		if chat.HandleSource != "default" || chat.HandleSeconds != 300 || chat.TargetSource != "policy" || chat.TargetSeconds != 7200 {
			t.Errorf("chat %+v", chat)
		}
		if h := chat.Hours[0]; h.ArrivalsPerHour != 2 || h.AgentsNeeded != 1 || h.AgentsAvailable != 0 || h.Add != 1 {
			t.Errorf("chat hour 0 %+v", h)
		}
		if len(chat.Recommendations) != 1 || chat.Recommendations[0].Text != "add 1 person 15:00-16:00" {
			t.Errorf("chat recommendations %+v", chat.Recommendations)
		}
		// Email: 3 × 10 minutes of work, nobody free this hour.
		e := plan.Email
		if e.OpenTickets != 3 || e.WorkHours != 0.5 || e.NextDeadline == nil || !e.NextDeadline.Equal(due) ||
			e.WindowHours != 1.5 || e.Agents != 0 || e.PeopleHours != 0 || e.ShortHours != 0.5 {
			t.Errorf("email %+v", e)
		}
		if e.Text != "0.5 hours of email work waiting (3 tickets), 0 hours of people free before the next deadline at 16:50: short by 0.5 hours" {
			t.Errorf("email text %q", e.Text)
		}
		if _, err := staffing.Plan(ctx, p.src, now, 49); err == nil {
			t.Error("49 hours were planned")
		}
	})
}
