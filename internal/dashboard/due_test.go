package dashboard_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/dashboard"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The hour is the recipient's, whatever the offset of the day: clocks that
// change move the instant, never the local hour, and a period is a local
// date.
func TestNextDueIsAnHourOfTheRecipientsZone(t *testing.T) {
	for _, c := range []struct {
		name      string
		freq      string
		weekday   time.Weekday
		hour      int
		zone      string
		after     string
		at, local string
	}{
		{"daily, later today", "daily", 0, 8, "Europe/Berlin", "2026-12-07T06:00:00Z", "2026-12-07T07:00:00Z", "2026-12-07"},
		{"daily, the hour passed", "daily", 0, 8, "Europe/Berlin", "2026-12-07T07:00:00Z", "2026-12-08T07:00:00Z", "2026-12-08"},
		{"daily, already tomorrow there", "daily", 0, 8, "Pacific/Auckland", "2026-12-07T20:00:00Z", "2026-12-08T19:00:00Z", "2026-12-09"},
		{"daily, still yesterday there", "daily", 0, 8, "America/Los_Angeles", "2026-12-07T06:00:00Z", "2026-12-07T16:00:00Z", "2026-12-07"},
		{"weekly on Monday, next week", "weekly", time.Monday, 9, "America/New_York", "2026-12-07T15:00:00Z", "2026-12-14T14:00:00Z", "2026-12-14"},
		{"weekly on Friday", "weekly", time.Friday, 17, "Asia/Kolkata", "2026-12-07T00:00:00Z", "2026-12-11T11:30:00Z", "2026-12-11"},
		// Europe springs forward on 29 March 2026: 08:00 is UTC+2 from then.
		{"daily across spring forward", "daily", 0, 8, "Europe/Berlin", "2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z", "2026-03-29"},
		// 02:30 does not exist that day in Berlin: sent at 03:30 CEST.
		{"an hour the clocks skip", "daily", 0, 2, "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29"},
		// The US falls back on 1 November 2026: 09:00 is UTC-5 from then.
		{"weekly across fall back", "weekly", time.Sunday, 9, "America/Chicago", "2026-10-25T14:00:00Z", "2026-11-01T15:00:00Z", "2026-11-01"},
		// 01:00 happens twice that day in Chicago: the first one.
		{"an hour that happens twice", "daily", 0, 1, "America/Chicago", "2026-10-31T12:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01"},
		// Sydney's clocks go forward on 4 October 2026 (UTC+11 from then).
		{"southern spring", "daily", 0, 7, "Australia/Sydney", "2026-10-03T21:00:00Z", "2026-10-04T20:00:00Z", "2026-10-05"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := dashboard.NextDue(c.freq, c.weekday, c.hour, zone(t, c.zone), utc(c.after))
			if !got.At.Equal(utc(c.at)) || got.Period != c.local {
				t.Errorf("due %s (%s), want %s (%s)", got.At.Format(time.RFC3339), got.Period, c.at, c.local)
			}
		})
	}
}

// Over a year that crosses both changes, a daily send falls on every local
// day once, at the same local hour.
func TestADailySendFallsOnEveryLocalDayOnce(t *testing.T) {
	loc := zone(t, "Europe/London")
	after := utc("2026-01-01T00:00:00Z")
	seen := map[string]bool{}
	for range 365 {
		d := dashboard.NextDue("daily", 0, 7, loc, after)
		if seen[d.Period] || d.At.In(loc).Hour() != 7 {
			t.Fatalf("%s at %s", d.Period, d.At.In(loc))
		}
		seen[d.Period] = true
		after = d.At
	}
	if !seen["2026-03-29"] || !seen["2026-10-25"] || !seen["2026-12-31"] {
		t.Errorf("days missed around the changes")
	}
}
