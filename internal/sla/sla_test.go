package sla_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// rig is a desk with SLA clocks whose time the test sets: the clocks'
// service and the job queue read rig.now; tickets change at real time.
type rig struct {
	t       *testing.T
	d       *db.DB
	ctx     context.Context
	tickets *ticket.Service
	sla     *sla.Service
	bus     *events.Bus
	queue   *jobs.Queue
	now     time.Time
}

func newRig(t *testing.T, d *db.DB) *rig {
	r := &rig{t: t, d: d, ctx: testutil.As(testutil.NewUser(t, d, "admin")), tickets: ticket.NewService(d)}
	clock := func() time.Time { return r.now }
	r.now = db.Now()
	r.queue = jobs.New(d, testutil.Logger(t), jobs.Options{Now: clock})
	r.sla = sla.New(d, r.queue, sla.Options{Now: clock})
	r.bus = events.NewBus(d, testutil.Logger(t), events.Options{})
	if err := r.bus.Register(r.sla.Consumer()); err != nil {
		t.Fatal(err)
	}
	r.drain() // registers the consumer: it handles what comes from here on
	return r
}

func (r *rig) drain() {
	r.t.Helper()
	if err := r.bus.Drain(r.ctx); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) policy(n sla.NewPolicy) *sla.Policy {
	r.t.Helper()
	r.now = db.Now()
	p, err := r.sla.CreatePolicy(r.ctx, n)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *rig) ticket(priority string) *ticket.Ticket {
	r.t.Helper()
	tk, err := r.tickets.Create(r.ctx, ticket.NewTicket{Subject: "Refund", Body: "Please",
		Requester: ticket.Requester{Email: "ada@example.com"}, Priority: priority, Channel: "email"})
	if err != nil {
		r.t.Fatal(err)
	}
	r.drain()
	return tk
}

func (r *rig) status(id int64, status string) {
	r.t.Helper()
	if _, err := r.tickets.Update(r.ctx, id, ticket.Patch{Status: &status}); err != nil {
		r.t.Fatal(err)
	}
	r.drain()
}

func (r *rig) clocks(id int64) map[string]sla.MetricSLA {
	r.t.Helper()
	all, err := r.sla.TicketSLA(r.ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]sla.MetricSLA{}
	for _, m := range all {
		out[m.Metric] = m
	}
	return out
}

func (r *rig) countEvents(typ string, ticketID int64) int {
	r.t.Helper()
	var n int
	err := r.d.Read().QueryRow(`SELECT COUNT(*) FROM events WHERE type = $1 AND ticket_id = $2`, typ, ticketID).Scan(&n)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func calendarTarget(metric string, minutes int) sla.Target {
	return sla.Target{Metric: metric, Minutes: minutes}
}

func kinds(segs []sla.Segment) []string {
	var out []string
	for _, s := range segs {
		out = append(out, s.Kind)
	}
	return out
}

func TestClockPausedWhilePending(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		r.policy(sla.NewPolicy{Name: "Everyone", Targets: []sla.Target{
			calendarTarget(sla.FirstReply, 30), calendarTarget(sla.Resolution, 240)}})
		tk := r.ticket("normal")
		got := r.clocks(tk.ID)
		res := got[sla.Resolution]
		if res.State != sla.Active || res.DueAt == nil || !res.DueAt.Equal(tk.CreatedAt.Add(4*time.Hour)) {
			t.Fatalf("resolution %+v, created %s", res, tk.CreatedAt)
		}
		r.status(tk.ID, "pending")
		got = r.clocks(tk.ID)
		res = got[sla.Resolution]
		if res.State != sla.Paused || res.DueAt != nil {
			t.Fatalf("pending: resolution %+v", res)
		}
		// Pending pauses resolution only; first reply keeps running.
		if got[sla.FirstReply].State != sla.Active {
			t.Fatalf("pending: first reply %+v", got[sla.FirstReply])
		}
		r.status(tk.ID, "open")
		res = r.clocks(tk.ID)[sla.Resolution]
		if want := []string{"started", "paused", "resumed"}; !equal(kinds(res.Segments), want) {
			t.Fatalf("segments %v, want %v", kinds(res.Segments), want)
		}
		paused, resumed := res.Segments[1], res.Segments[2]
		if paused.Status != "pending" {
			t.Fatalf("paused by %q", paused.Status)
		}
		// The deadline moves by exactly the time spent pending.
		want := tk.CreatedAt.Add(4 * time.Hour).Add(resumed.At.Sub(paused.At))
		if res.State != sla.Active || !res.DueAt.Equal(want) {
			t.Fatalf("after pending: due %v, want %v", res.DueAt, want)
		}
		// on_hold pauses every metric by default.
		r.status(tk.ID, "on_hold")
		for metric, m := range r.clocks(tk.ID) {
			if m.State != sla.Paused {
				t.Errorf("on hold: %s is %s", metric, m.State)
			}
		}
	})
}

func TestRepliesMeetFirstAndNextReply(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		r.policy(sla.NewPolicy{Name: "Everyone", Targets: []sla.Target{
			calendarTarget(sla.FirstReply, 30), calendarTarget(sla.NextReply, 60), calendarTarget(sla.PeriodicUpdate, 120)}})
		tk := r.ticket("normal")
		if _, ok := r.clocks(tk.ID)[sla.NextReply]; ok {
			t.Fatal("the first message started a next-reply clock")
		}
		if _, err := r.tickets.AddMessage(r.ctx, tk.ID, "On it", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		r.drain()
		got := r.clocks(tk.ID)
		if got[sla.FirstReply].State != sla.Fulfilled || got[sla.PeriodicUpdate].State != sla.Active {
			t.Fatalf("after the reply: %+v", got)
		}
		if _, err := r.tickets.AppendReceived(r.ctx, tk.ID, ticket.Received{CustomerID: tk.RequesterID, Body: "Thanks, and?"}, true); err != nil {
			t.Fatal(err)
		}
		r.drain()
		next := r.clocks(tk.ID)[sla.NextReply]
		if next.State != sla.Active || next.DueAt == nil || !next.DueAt.Equal(next.StartedAt.Add(time.Hour)) {
			t.Fatalf("next reply %+v", next)
		}
		if _, err := r.tickets.AddMessage(r.ctx, tk.ID, "Done", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		r.drain()
		if got := r.clocks(tk.ID)[sla.NextReply]; got.State != sla.Fulfilled {
			t.Fatalf("next reply after the answer: %+v", got)
		}
		r.status(tk.ID, "solved")
		for metric, m := range r.clocks(tk.ID) {
			if m.State != sla.Fulfilled {
				t.Errorf("solved: %s is %s", metric, m.State)
			}
		}
	})
}

func TestPolicyChangeRetargetsOpenTicketsAtOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		tk := r.ticket("normal")
		if got := r.clocks(tk.ID); len(got) != 0 {
			t.Fatalf("clocks without a policy: %+v", got)
		}
		// A new policy starts the clocks of open tickets with its commit,
		// from the ticket's creation: no drain, no later update needed.
		p := r.policy(sla.NewPolicy{Name: "Everyone", Position: 10, Targets: []sla.Target{calendarTarget(sla.FirstReply, 60)}})
		first := r.clocks(tk.ID)[sla.FirstReply]
		if first.State != sla.Active || !first.DueAt.Equal(tk.CreatedAt.Add(time.Hour)) {
			t.Fatalf("first reply %+v", first)
		}
		targets := []sla.Target{calendarTarget(sla.FirstReply, 15)}
		r.now = db.Now()
		if _, err := r.sla.UpdatePolicy(r.ctx, p.ID, sla.PolicyPatch{Targets: &targets}); err != nil {
			t.Fatal(err)
		}
		first = r.clocks(tk.ID)[sla.FirstReply]
		if first.TargetMinutes != 15 || !first.DueAt.Equal(tk.CreatedAt.Add(15*time.Minute)) ||
			kinds(first.Segments)[len(first.Segments)-1] != "retargeted" {
			t.Fatalf("retargeted %+v", first)
		}
		// An urgent policy before it: a changed priority re-targets.
		r.policy(sla.NewPolicy{Name: "Urgent", Position: 1,
			Conditions: []sla.Condition{{Field: "priority", Op: "is", Value: []byte(`"urgent"`)}},
			Targets:    []sla.Target{calendarTarget(sla.FirstReply, 5)}})
		if got := r.clocks(tk.ID)[sla.FirstReply]; got.TargetMinutes != 15 {
			t.Fatalf("a normal ticket took the urgent policy: %+v", got)
		}
		urgent := "urgent"
		if _, err := r.tickets.Update(r.ctx, tk.ID, ticket.Patch{Priority: &urgent}); err != nil {
			t.Fatal(err)
		}
		r.drain()
		first = r.clocks(tk.ID)[sla.FirstReply]
		if first.TargetMinutes != 5 || first.PolicyName != "Urgent" || !first.DueAt.Equal(tk.CreatedAt.Add(5*time.Minute)) {
			t.Fatalf("after priority change %+v", first)
		}
		// Deleting every policy cancels the clock; the answer leaves it out.
		all, _ := r.sla.Policies(r.ctx)
		for _, p := range all {
			if err := r.sla.DeletePolicy(r.ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got := r.clocks(tk.ID); len(got) != 0 {
			t.Fatalf("clocks after deleting the policies: %+v", got)
		}
	})
}

func TestAtRiskAndBreachedFireOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		r.policy(sla.NewPolicy{Name: "Everyone", Targets: []sla.Target{calendarTarget(sla.FirstReply, 60)}})
		tk := r.ticket("normal")
		run := func(at time.Time) {
			t.Helper()
			r.now = at
			if _, err := r.queue.RunDue(r.ctx); err != nil {
				t.Fatal(err)
			}
		}
		run(tk.CreatedAt.Add(44 * time.Minute))
		if n := r.countEvents(sla.EventAtRisk, tk.ID); n != 0 {
			t.Fatalf("at risk early: %d", n)
		}
		// 75% of 60 minutes, to the minute.
		run(tk.CreatedAt.Add(45 * time.Minute))
		run(tk.CreatedAt.Add(50 * time.Minute))
		if n := r.countEvents(sla.EventAtRisk, tk.ID); n != 1 {
			t.Fatalf("at risk fired %d times", n)
		}
		run(tk.CreatedAt.Add(59 * time.Minute))
		if n := r.countEvents(sla.EventBreached, tk.ID); n != 0 {
			t.Fatalf("breached early: %d", n)
		}
		run(tk.CreatedAt.Add(60 * time.Minute))
		run(tk.CreatedAt.Add(3 * time.Hour))
		if n := r.countEvents(sla.EventBreached, tk.ID); n != 1 {
			t.Fatalf("breached fired %d times", n)
		}
		first := r.clocks(tk.ID)[sla.FirstReply]
		if first.State != sla.Breached || !first.BreachedAt.Equal(tk.CreatedAt.Add(time.Hour)) {
			t.Fatalf("clock %+v", first)
		}

		// A deadline that passed while nothing ran (the server was down)
		// fires both events once, at the first run.
		late := r.ticket("normal")
		run(late.CreatedAt.Add(5 * time.Hour))
		run(late.CreatedAt.Add(6 * time.Hour))
		if a, b := r.countEvents(sla.EventAtRisk, late.ID), r.countEvents(sla.EventBreached, late.ID); a != 1 || b != 1 {
			t.Fatalf("late: at risk %d, breached %d", a, b)
		}
		// Met late, it stays breached, with the time it was met.
		if _, err := r.tickets.AddMessage(r.ctx, late.ID, "Sorry", ticket.KindReply); err != nil {
			t.Fatal(err)
		}
		r.drain()
		got := r.clocks(late.ID)[sla.FirstReply]
		if got.State != sla.Breached || got.FulfilledAt == nil {
			t.Fatalf("met late %+v", got)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestListingsSortAndFilterByNextDeadline: views list tickets by their
// soonest unmet deadline (those without one last), page by page, and keep
// those due within a time.
func TestListingsSortAndFilterByNextDeadline(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		r.policy(sla.NewPolicy{Name: "Urgent", Position: 1,
			Conditions: []sla.Condition{{Field: "priority", Op: "is", Value: []byte(`"urgent"`)}},
			Targets:    []sla.Target{calendarTarget(sla.FirstReply, 10)}})
		r.policy(sla.NewPolicy{Name: "Not low", Position: 2,
			Conditions: []sla.Condition{{Field: "priority", Op: "is_not", Value: []byte(`"low"`)}},
			Targets:    []sla.Target{calendarTarget(sla.FirstReply, 60)}})
		normal, urgent, low := r.ticket("normal"), r.ticket("urgent"), r.ticket("low")
		var got []int64
		cursor := ""
		for range 4 {
			page, err := r.tickets.List(r.ctx, ticket.Filter{Sort: ticket.SortDeadline, Limit: 1, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range page.Tickets {
				got = append(got, tk.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if want := []int64{urgent.ID, normal.ID, low.ID}; !slices.Equal(got, want) {
			t.Fatalf("by deadline %v, want %v", got, want)
		}
		soon, err := r.tickets.List(r.ctx, ticket.Filter{DueBefore: urgent.CreatedAt.Add(30 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if len(soon.Tickets) != 1 || soon.Tickets[0].ID != urgent.ID {
			t.Fatalf("due within 30 min: %+v", soon.Tickets)
		}
	})
}
