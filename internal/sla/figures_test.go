package sla_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestLevelOfAnAssigneeAndTheNextDeadline: the same formula over the
// clocks of one agent's tickets; the nearest running deadline of a
// channel; the target a typical ticket of a channel gets.
func TestLevelOfAnAssigneeAndTheNextDeadline(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		r.policy(sla.NewPolicy{Name: "Phone", Position: 1,
			Conditions: []sla.Condition{{Field: "channel", Op: "is", Value: []byte(`"phone"`)}},
			Targets:    []sla.Target{calendarTarget(sla.Resolution, 30)}})
		r.policy(sla.NewPolicy{Name: "Everyone", Position: 2, Targets: []sla.Target{calendarTarget(sla.FirstReply, 60)}})
		start := r.now
		agent := testutil.NewUser(t, d, "agent")
		mine, theirs := r.ticket("normal"), r.ticket("normal")
		if _, err := r.tickets.Update(r.ctx, mine.ID, ticket.Patch{AssigneeID: ticket.SetID(&agent)}); err != nil {
			t.Fatal(err)
		}
		r.drain()
		r.reply(mine.ID)
		period := sla.LevelFilter{Metric: sla.FirstReply, From: start.Add(-time.Hour), To: start.Add(24 * time.Hour)}
		all, err := r.sla.ServiceLevel(r.ctx, period)
		if err != nil || all.Met != 1 || all.Pending != 1 {
			t.Fatalf("everyone's %+v, %v", all, err)
		}
		period.AssigneeID = agent
		own, err := r.sla.ServiceLevel(r.ctx, period)
		if err != nil || own.Met != 1 || own.Pending != 0 || own.Due != 1 || *own.Share != 1 {
			t.Fatalf("the agent's %+v, %v", own, err)
		}
		due, err := r.sla.NextDue(r.ctx, "email", []string{sla.FirstReply, sla.Resolution})
		if err != nil || due == nil || due.Sub(start) < 59*time.Minute || due.Sub(start) > 61*time.Minute {
			t.Fatalf("next deadline %v, %v (theirs #%d)", due, err, theirs.ID)
		}
		if due, err := r.sla.NextDue(r.ctx, "chat", []string{sla.FirstReply}); err != nil || due != nil {
			t.Fatalf("chat's next deadline %v, %v", due, err)
		}
		phone, ok, err := r.sla.TypicalTarget(r.ctx, "phone", sla.FirstReply)
		if err != nil || ok {
			t.Fatalf("phone's first reply target %+v %v %v: the phone policy targets only resolution", phone, ok, err)
		}
		email, ok, err := r.sla.TypicalTarget(r.ctx, "email", sla.FirstReply)
		if err != nil || !ok || email.Minutes != 60 {
			t.Fatalf("email's first reply target %+v %v %v", email, ok, err)
		}
	})
}
