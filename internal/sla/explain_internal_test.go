package sla

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/centerdesk/centerdesk/internal/schedule"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestExplanationReadsAsASentence follows a resolution clock on London
// business hours: started Wed Dec 23 15:00, pending 2 h on Monday 28th,
// with Dec 24 and 25 as holidays.
func TestExplanationReadsAsASentence(t *testing.T) {
	var office []schedule.Interval
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		office = append(office, schedule.Interval{Day: d, Start: "09:00", End: "17:00"})
	}
	cal, err := schedule.Compile("Europe/London", office, []string{"2026-12-24", "2026-12-25"})
	if err != nil {
		t.Fatal(err)
	}
	id := int64(1)
	start := mustTime(t, "2026-12-23T15:00:00Z")
	c := &Clock{Metric: Resolution, State: Active, TargetMinutes: 240, BusinessHours: true, StartedAt: start,
		RunningSince: &start, PauseStatuses: defaultPauses(Resolution), calendar: cal, ScheduleID: &id,
		ScheduleName: "London office", AtRiskShare: DefaultAtRiskShare}
	c.plan()
	c.append(SegStarted, start, "open")
	c.follow("pending", mustTime(t, "2026-12-28T09:30:00Z"))
	c.follow("open", mustTime(t, "2026-12-28T11:30:00Z"))
	// 2 h used on Wed 23rd, 30 min on Monday before the pause, 1 h 30 min
	// left from 11:30: due 13:00.
	if want := mustTime(t, "2026-12-28T13:00:00Z"); !c.DueAt.Equal(want) {
		t.Fatalf("due %s, want %s", c.DueAt, want)
	}
	got := explain(c, c.State, c.log, mustTime(t, "2026-12-28T12:00:00Z"))
	want := "Due Mon 13:00: 4 business hours from Wed 15:00; paused 2 hours while pending; " +
		"Dec 24 is a holiday; Dec 25 is a holiday; times in Europe/London"
	if got != want {
		t.Fatalf("explanation\n got: %s\nwant: %s", got, want)
	}
	c.fulfil(mustTime(t, "2026-12-28T14:00:00Z"))
	got = explain(c, c.State, c.log, mustTime(t, "2026-12-28T15:00:00Z"))
	if want := "Breached Mon 13:00: 4 business hours from Wed 15:00 ran out; met late Mon 14:00; paused 2 hours while pending; " +
		"Dec 24 is a holiday; Dec 25 is a holiday; times in Europe/London"; got != want {
		t.Fatalf("explanation\n got: %s\nwant: %s", got, want)
	}
}
