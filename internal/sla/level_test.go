package sla_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// TestServiceLevelCountsMetMissedAndPending follows the documented formula:
// met / (met + missed) over clocks due in the period; breached ones (met
// late or still open) and open ones past their deadline are missed; those
// due later are pending and left out of the share.
func TestServiceLevelCountsMetMissedAndPending(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		r.policy(sla.NewPolicy{Name: "Everyone", Position: 10, Targets: []sla.Target{calendarTarget(sla.FirstReply, 60)}})
		start := db.Now()
		met := r.ticket("normal")
		lateMet := r.ticket("normal")
		r.ticket("normal") // breached and still open
		r.reply(met.ID)
		// The check job records the breaches, then lateMet is answered late.
		r.now = start.Add(2 * time.Hour)
		if _, err := r.queue.RunDue(r.ctx); err != nil {
			t.Fatal(err)
		}
		r.reply(lateMet.ID)
		// overdue's deadline passes with no job run: only the formula sees
		// it; pending has a longer target, still ahead.
		r.ticket("normal")
		pending := r.ticket("normal")
		r.stretch(pending.ID, 180)
		r.now = start.Add(2 * time.Hour)

		period := sla.LevelFilter{Metric: sla.FirstReply, From: start.Add(-time.Hour), To: start.Add(24 * time.Hour)}
		got, err := r.sla.ServiceLevel(r.ctx, period)
		if err != nil {
			t.Fatal(err)
		}
		// 1 met, 3 missed (met late, breached and open, overdue), 1 pending.
		if got.Met != 1 || got.Missed != 3 || got.Pending != 1 || got.Due != 5 || got.Share == nil || *got.Share != 0.25 {
			t.Fatalf("level %+v (share %v)", got, deref(got.Share))
		}
		byChannel, err := r.sla.ServiceLevelBy(r.ctx, period, "channel")
		if err != nil || len(byChannel) != 1 || byChannel[0].Key != "email" || byChannel[0].Met != 1 {
			t.Fatalf("by channel %+v, %v", byChannel, err)
		}
		// Another metric, or a period before anything was due, has no level.
		empty, err := r.sla.ServiceLevel(r.ctx, sla.LevelFilter{Metric: sla.Resolution, From: period.From, To: period.To})
		if err != nil || empty.Share != nil || empty.Due != 0 {
			t.Fatalf("empty level %+v, %v", empty, err)
		}
		for _, bad := range []struct {
			f     sla.LevelFilter
			field string
		}{
			{sla.LevelFilter{Metric: "speed", From: period.From, To: period.To}, "metric"},
			{sla.LevelFilter{Metric: sla.FirstReply, From: period.To, To: period.From}, "to"},
			{sla.LevelFilter{Metric: sla.FirstReply}, "from"},
		} {
			_, err := r.sla.ServiceLevel(r.ctx, bad.f)
			if e, ok := apperr.As(err); !ok || e.Field != bad.field {
				t.Errorf("%+v: %v, want an error naming %s", bad.f, err, bad.field)
			}
		}
		if _, err := r.sla.ServiceLevelBy(r.ctx, period, "planet"); err == nil {
			t.Error("group_by planet was accepted")
		}
	})
}

func TestGoalsColourTheLevel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := newRig(t, d)
		desk, err := r.sla.DeskGoal(r.ctx)
		if err != nil || desk.GoalPercent != 95 || desk.OrangePercent != 85 {
			t.Fatalf("default desk goal %+v, %v", desk, err)
		}
		var teamID int64
		if err := d.Write().QueryRow(`INSERT INTO teams (name, created_at, updated_at) VALUES ('Billing', $1, $1) RETURNING id`,
			db.Time(db.Now())).Scan(&teamID); err != nil {
			t.Fatal(err)
		}
		if _, err := r.sla.SetGoal(r.ctx, 0, 90, 80); err != nil {
			t.Fatal(err)
		}
		inherited, err := r.sla.TeamGoal(r.ctx, teamID)
		if err != nil || !inherited.Inherited || inherited.GoalPercent != 90 {
			t.Fatalf("inherited goal %+v, %v", inherited, err)
		}
		own, err := r.sla.SetGoal(r.ctx, teamID, 98, 90)
		if err != nil || own.Inherited || own.GoalPercent != 98 || own.OrangePercent != 90 {
			t.Fatalf("own goal %+v, %v", own, err)
		}
		again, err := r.sla.SetGoal(r.ctx, teamID, 97, 90)
		if err != nil || again.GoalPercent != 97 {
			t.Fatalf("changed goal %+v, %v", again, err)
		}
		for share, want := range map[float64]string{0.97: sla.Green, 0.99: sla.Green, 0.95: sla.Orange, 0.9: sla.Orange, 0.5: sla.Red} {
			if got := again.Colour(levelWithShare(share)); got != want {
				t.Errorf("share %v: %s, want %s", share, got, want)
			}
		}
		if got := again.Colour(sla.Level{}); got != sla.Grey {
			t.Errorf("no level: %s", got)
		}
		if _, err := r.sla.SetGoal(r.ctx, teamID, 90, 95); err == nil {
			t.Error("an orange threshold above the goal was accepted")
		}
		if _, err := r.sla.SetGoal(r.ctx, teamID, 0, 0); err == nil {
			t.Error("a goal of 0 was accepted")
		}
		if _, err := r.sla.SetGoal(r.ctx, 999999, 90, 80); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("goal for a missing team: %v", err)
		}
		if err := r.sla.ClearGoal(r.ctx, teamID); err != nil {
			t.Fatal(err)
		}
		if back, _ := r.sla.TeamGoal(r.ctx, teamID); !back.Inherited || back.GoalPercent != 90 {
			t.Fatalf("after clearing %+v", back)
		}
	})
}

func levelWithShare(share float64) sla.Level {
	met := int(share * 1000)
	return sla.LevelOf(met, 1000-met, 0)
}

func (r *rig) reply(id int64) {
	r.t.Helper()
	if _, err := r.tickets.AddMessage(r.ctx, id, "On it", ticket.KindReply); err != nil {
		r.t.Fatal(err)
	}
	r.drain()
}

// stretch gives a ticket its own, longer first-reply target through a
// policy on its priority.
func (r *rig) stretch(id int64, minutes int) {
	r.t.Helper()
	r.policy(sla.NewPolicy{Name: "Low", Position: 1,
		Conditions: []sla.Condition{{Field: "priority", Op: "is", Value: []byte(`"low"`)}},
		Targets:    []sla.Target{calendarTarget(sla.FirstReply, minutes)}})
	low := "low"
	if _, err := r.tickets.Update(r.ctx, id, ticket.Patch{Priority: &low}); err != nil {
		r.t.Fatal(err)
	}
	r.drain()
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
