package kit

import "time"

// RelativeCase is one row of the table that pins Relative's wording; the
// browser test runs static/time.js over the same rows.
type RelativeCase struct {
	Name    string
	At, Now time.Time
	Zone    string
	Want    string
}

// RelativeCases lists the wording of Relative at fixed moments, in zones on
// both sides of the date line and across a change of summer time.
func RelativeCases() []RelativeCase {
	utc := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	now := utc(2026, 12, 7, 16, 31) // a Monday
	return []RelativeCase{
		{"seconds ago", now.Add(-20 * time.Second), now, "UTC", "just now"},
		{"a little ahead (clock skew)", now.Add(30 * time.Second), now, "UTC", "just now"},
		{"one minute", now.Add(-time.Minute), now, "UTC", "1 min ago"},
		{"three minutes", now.Add(-3*time.Minute - 59*time.Second), now, "UTC", "3 min ago"},
		{"59 minutes", now.Add(-59 * time.Minute), now, "UTC", "59 min ago"},
		{"to come within the hour", now.Add(5 * time.Minute), now, "UTC", "in 5 min"},
		{"an hour ago today", now.Add(-time.Hour), now, "UTC", "today 15:31"},
		{"just after midnight", utc(2026, 12, 7, 0, 5), now, "UTC", "today 00:05"},
		{"yesterday", utc(2026, 12, 6, 14, 5), now, "UTC", "yesterday 14:05"},
		{"yesterday 23:59", utc(2026, 12, 6, 23, 59), now, "UTC", "yesterday 23:59"},
		{"tomorrow", utc(2026, 12, 8, 9, 0), now, "UTC", "tomorrow 09:00"},
		{"this week", utc(2026, 12, 1, 9, 12), now, "UTC", "Tue 09:12"},
		{"a week ago", utc(2026, 11, 30, 9, 12), now, "UTC", "30 Nov"},
		{"this year", utc(2026, 3, 12, 10, 0), now, "UTC", "12 Mar"},
		{"last year", utc(2025, 3, 12, 10, 0), now, "UTC", "12 Mar 2025"},
		{"later this month", utc(2026, 12, 20, 10, 0), now, "UTC", "20 Dec"},
		// 16:31 UTC is 05:31 on Tuesday in Auckland: 23:00 UTC on Sunday is
		// its Monday noon, so "yesterday" there, though Sunday in UTC.
		{"Auckland: yesterday by its calendar", utc(2026, 12, 6, 23, 0), now, "Pacific/Auckland", "yesterday 12:00"},
		{"Auckland: today after its midnight", utc(2026, 12, 7, 11, 30), now, "Pacific/Auckland", "today 00:30"},
		{"Los Angeles: today in UTC, yesterday there", utc(2026, 12, 7, 2, 0), now, "America/Los_Angeles", "yesterday 18:00"},
		{"UTC: the same instant", utc(2026, 12, 7, 2, 0), now, "UTC", "today 02:00"},
		{"Los Angeles: across its midnight", utc(2026, 12, 7, 7, 59), now, "America/Los_Angeles", "yesterday 23:59"},
		// Oslo leaves summer time at 03:00 on 25 October 2026: an hour
		// before and after the change read on the wall clock of each.
		{"Oslo: before the change", utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 12, 0), "Europe/Oslo", "today 02:30"},
		{"Oslo: after the change", utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 12, 0), "Europe/Oslo", "today 02:30"},
		{"Oslo: yesterday across the 25-hour day", utc(2026, 10, 24, 21, 30), utc(2026, 10, 25, 22, 30), "Europe/Oslo", "yesterday 23:30"},
		{"New York: the 23-hour day of spring", utc(2026, 3, 8, 4, 30), utc(2026, 3, 9, 3, 30), "America/New_York", "yesterday 23:30"},
	}
}
