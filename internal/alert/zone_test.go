package alert_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/alert"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestServiceLevelRuleReadsTheTeamsDay: a team's service level "today" is
// the day of the team's schedule, as the live board reads it, not the
// desk's time zone setting. The team's zone is one where the clock falls
// due in the hour before midnight; an hour later it is the team's new day,
// with nothing decided, though the desk's setting (a zone where it is
// morning) still holds the missed clock in its today.
func TestServiceLevelRuleReadsTheTeamsDay(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		due := e.clock.Now().Add(time.Hour)
		deskZone, teamZone := zoneAt(due, 6), zoneAt(due, 23)
		if _, err := settings.NewStore(d).Update(context.Background(), settings.Patch{TimeZone: &deskZone}); err != nil {
			t.Fatal(err)
		}
		lead := e.user("lead")
		night := e.team("Night", lead)
		if _, err := schedule.NewService(d).Create(e.ctx(e.admin), schedule.NewSchedule{Name: "Night shift",
			TimeZone: teamZone, Intervals: []schedule.Interval{{Day: "mon", Start: "09:00", End: "17:00"}},
			TeamIDs: []int64{night.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sla.CreatePolicy(e.ctx(e.admin), sla.NewPolicy{Name: "Everyone",
			Targets: []sla.Target{{Metric: sla.FirstReply, Minutes: 60}}}); err != nil {
			t.Fatal(err)
		}
		r, err := e.alerts.Create(e.ctx(lead), lead, alert.Input{Metric: "service_level", Op: "<", Threshold: ptr(90.0),
			TeamID: &night.ID, UserIDs: []int64{lead.ID}})
		if err != nil {
			t.Fatal(err)
		}
		e.ticketIn(night.ID)
		// Missed a minute after its deadline: 0%, in both days.
		e.clock.Add(61 * time.Minute)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.rule(r.ID); got.LastValue == nil || *got.LastValue != 0 {
			t.Fatalf("a missed clock: %s, value %v", got.State, got.LastValue)
		}
		// An hour on, the team's day is a new one with nothing decided.
		e.clock.Add(time.Hour)
		if err := e.alerts.Evaluate(context.Background()); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation(teamZone)
		if e.clock.Now().In(loc).Day() == due.In(loc).Day() {
			t.Fatalf("the test's clock is still on the team's day of the deadline")
		}
		if got := e.rule(r.ID); got.LastValue != nil {
			t.Errorf("in the team's new day the rule read %v%%; the board has nothing decided", *got.LastValue)
		}
	})
}

// zoneAt is an Etc zone (whole hours, no daylight saving) where at is
// between hour:00 and hour:59.
func zoneAt(at time.Time, hour int) string {
	east := (hour - at.UTC().Hour() + 24) % 24
	if east > 12 {
		east -= 24
	}
	switch {
	case east == 0:
		return "Etc/UTC"
	case east > 0:
		return fmt.Sprintf("Etc/GMT-%d", east)
	}
	return fmt.Sprintf("Etc/GMT+%d", -east)
}
