package schedule_test

import (
	"testing"
	"time"
	_ "time/tzdata" // as the binary does: the tests must not depend on the machine's zoneinfo

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/schedule"
)

func weekdays(start, end string) []schedule.Interval {
	var out []schedule.Interval
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		out = append(out, schedule.Interval{Day: d, Start: start, End: end})
	}
	return out
}

func mustCompile(t *testing.T, zone string, ivs []schedule.Interval, holidays ...string) *schedule.Calendar {
	t.Helper()
	c, err := schedule.Compile(zone, ivs, holidays)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDeadline(t *testing.T) {
	office := weekdays("09:00", "17:00")
	split := []schedule.Interval{
		{Day: "mon", Start: "09:00", End: "12:00"}, {Day: "mon", Start: "13:00", End: "17:00"},
		{Day: "tue", Start: "13:00", End: "17:00"}, {Day: "tue", Start: "09:00", End: "12:00"},
	}
	night := []schedule.Interval{{Day: "mon", Start: "22:00", End: "06:00"}}
	sundayNight := []schedule.Interval{{Day: "sun", Start: "20:00", End: "04:00"}}
	allDay := []schedule.Interval{{Day: "sat", Start: "00:00", End: "24:00"}}
	cases := []struct {
		name     string
		zone     string
		ivs      []schedule.Interval
		holidays []string
		start    string
		minutes  int
		want     string
	}{
		{"inside open time", "UTC", office, nil, "2026-12-07T10:00:00Z", 60, "2026-12-07T11:00:00Z"},
		{"before opening", "UTC", office, nil, "2026-12-07T06:00:00Z", 30, "2026-12-07T09:30:00Z"},
		{"after closing", "UTC", office, nil, "2026-12-07T18:00:00Z", 30, "2026-12-08T09:30:00Z"},
		{"exactly at closing stays", "UTC", office, nil, "2026-12-07T16:00:00Z", 60, "2026-12-07T17:00:00Z"},
		{"zero minutes inside", "UTC", office, nil, "2026-12-07T10:00:00Z", 0, "2026-12-07T10:00:00Z"},
		{"zero minutes outside", "UTC", office, nil, "2026-12-05T10:00:00Z", 0, "2026-12-05T10:00:00Z"},
		// Fri 16:00 + 4 h: 1 h on Friday, 3 h on Monday.
		{"across a weekend", "UTC", office, nil, "2026-12-04T16:00:00Z", 240, "2026-12-07T12:00:00Z"},
		{"weekend start", "UTC", office, nil, "2026-12-05T12:00:00Z", 60, "2026-12-07T10:00:00Z"},
		// Wed Dec 23 16:00 + 4 h: 1 h Wed, Dec 24 and 25 holidays, weekend, Mon 28 3 h.
		{"across holidays and a weekend", "UTC", office, []string{"2026-12-24", "2026-12-25"},
			"2026-12-23T16:00:00Z", 240, "2026-12-28T12:00:00Z"},
		{"start on a holiday", "UTC", office, []string{"2026-12-07"}, "2026-12-07T10:00:00Z", 60, "2026-12-08T10:00:00Z"},
		{"several intervals a day, lunch skipped", "UTC", split, nil, "2026-12-07T11:30:00Z", 60, "2026-12-07T13:30:00Z"},
		{"unsorted intervals", "UTC", split, nil, "2026-12-07T16:30:00Z", 60, "2026-12-08T09:30:00Z"},
		{"start in lunch", "UTC", split, nil, "2026-12-07T12:15:00Z", 15, "2026-12-07T13:15:00Z"},
		{"overnight from its start", "UTC", night, nil, "2026-12-07T21:00:00Z", 180, "2026-12-08T01:00:00Z"},
		{"overnight tail on the next day", "UTC", night, nil, "2026-12-08T05:00:00Z", 120, "2026-12-14T23:00:00Z"},
		{"overnight full shift", "UTC", night, nil, "2026-12-07T22:00:00Z", 480, "2026-12-08T06:00:00Z"},
		// A holiday on Tuesday leaves Monday night's shift open.
		{"overnight tail on a holiday", "UTC", night, []string{"2026-12-08"}, "2026-12-08T01:00:00Z", 60, "2026-12-08T02:00:00Z"},
		{"overnight shift on a holiday", "UTC", night, []string{"2026-12-07"}, "2026-12-07T21:00:00Z", 60, "2026-12-14T23:00:00Z"},
		{"sunday night into monday", "UTC", sundayNight, nil, "2026-12-07T03:00:00Z", 120, "2026-12-13T21:00:00Z"},
		{"whole day to 24:00", "UTC", allDay, nil, "2026-12-05T23:00:00Z", 120, "2026-12-12T01:00:00Z"},
		{"zone offset", "America/New_York", office, nil, "2026-12-07T13:00:00Z", 60, "2026-12-07T15:00:00Z"},
		// London spring forward, Sun 29 Mar 2026 01:00 GMT -> 02:00 BST.
		// The 22:00-06:00 shift of Sat 28 Mar lasts 7 real hours.
		{"London spring forward overnight", "Europe/London",
			[]schedule.Interval{{Day: "sat", Start: "22:00", End: "06:00"}}, nil,
			"2026-03-28T22:00:00Z", 420, "2026-03-29T05:00:00Z"},
		{"London office after spring forward", "Europe/London", office, nil,
			"2026-03-27T16:00:00Z", 120, "2026-03-30T09:00:00Z"},
		// London fall back, Sun 25 Oct 2026 02:00 BST -> 01:00 GMT: the shift
		// lasts 9 real hours.
		{"London fall back overnight", "Europe/London",
			[]schedule.Interval{{Day: "sat", Start: "22:00", End: "06:00"}}, nil,
			"2026-10-24T21:00:00Z", 540, "2026-10-25T06:00:00Z"},
		// New York spring forward, Sun 8 Mar 2026 02:00 EST -> 03:00 EDT.
		{"New York office across spring forward", "America/New_York", office, nil,
			"2026-03-06T22:00:00Z", 60, "2026-03-09T14:00:00Z"},
		{"New York all Sunday on the short day", "America/New_York",
			[]schedule.Interval{{Day: "sun", Start: "00:00", End: "24:00"}}, nil,
			"2026-03-08T05:00:00Z", 23 * 60, "2026-03-09T04:00:00Z"},
		// New York fall back, Sun 1 Nov 2026: a 25-hour Sunday.
		{"New York all Sunday on the long day", "America/New_York",
			[]schedule.Interval{{Day: "sun", Start: "00:00", End: "24:00"}}, nil,
			"2026-11-01T04:00:00Z", 25 * 60, "2026-11-02T05:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := mustCompile(t, c.zone, c.ivs, c.holidays...)
			got, err := cal.Deadline(at(t, c.start), c.minutes)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, c.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Fatalf("Deadline(%s, %d) = %s, want %s", c.start, c.minutes, got.Format(time.RFC3339), c.want)
			}
			// Elapsed is the inverse: the open time from start to the deadline.
			if c.minutes > 0 {
				if e := cal.Elapsed(at(t, c.start), got); e != time.Duration(c.minutes)*time.Minute {
					t.Fatalf("Elapsed to the deadline = %s, want %d min", e, c.minutes)
				}
			}
		})
	}
}

func TestNoOpenTime(t *testing.T) {
	cal := mustCompile(t, "UTC", nil)
	if _, err := cal.Deadline(at(t, "2026-12-07T10:00:00Z"), 1); err != schedule.ErrNoOpenTime {
		t.Fatalf("err = %v", err)
	}
}

func TestElapsedAndOpen(t *testing.T) {
	cal := mustCompile(t, "UTC", weekdays("09:00", "17:00"), "2026-12-08")
	from, to := at(t, "2026-12-07T16:00:00Z"), at(t, "2026-12-09T10:00:00Z")
	if e := cal.Elapsed(from, to); e != 2*time.Hour {
		t.Fatalf("Elapsed = %s", e)
	}
	if cal.Elapsed(to, from) != 0 {
		t.Fatal("backwards elapsed time")
	}
	if !cal.IsOpen(at(t, "2026-12-07T09:00:00Z")) || cal.IsOpen(at(t, "2026-12-07T17:00:00Z")) ||
		cal.IsOpen(at(t, "2026-12-08T10:00:00Z")) {
		t.Fatal("IsOpen wrong")
	}
	if h := cal.HolidaysBetween(from, to); len(h) != 1 || h[0] != "2026-12-08" {
		t.Fatalf("holidays %v", h)
	}
	all := schedule.AllHours()
	if e := all.Elapsed(from, to); e != to.Sub(from) {
		t.Fatalf("all hours elapsed %s", e)
	}
}

func TestCompileRefusesBadSchedules(t *testing.T) {
	cases := []struct {
		name     string
		zone     string
		ivs      []schedule.Interval
		holidays []string
		field    string
	}{
		{"unknown zone", "Mars/Olympus", nil, nil, "time_zone"},
		{"no zone", "", nil, nil, "time_zone"},
		{"local zone", "Local", nil, nil, "time_zone"},
		{"unknown day", "UTC", []schedule.Interval{{Day: "funday", Start: "09:00", End: "17:00"}}, nil, "intervals[0].day"},
		{"start equals end", "UTC", []schedule.Interval{{Day: "mon", Start: "09:00", End: "09:00"}}, nil, "intervals[0].end"},
		{"malformed start", "UTC", []schedule.Interval{{Day: "mon", Start: "9am", End: "17:00"}}, nil, "intervals[0].start"},
		{"hour 25", "UTC", []schedule.Interval{{Day: "mon", Start: "09:00", End: "25:00"}}, nil, "intervals[0].end"},
		{"minute 60", "UTC", []schedule.Interval{{Day: "mon", Start: "09:60", End: "17:00"}}, nil, "intervals[0].start"},
		{"24:00 start", "UTC", []schedule.Interval{{Day: "mon", Start: "24:00", End: "17:00"}}, nil, "intervals[0].start"},
		{"overlap", "UTC", []schedule.Interval{{Day: "mon", Start: "09:00", End: "12:00"},
			{Day: "mon", Start: "11:00", End: "13:00"}}, nil, "intervals[1]"},
		{"overnight overlap", "UTC", []schedule.Interval{{Day: "mon", Start: "22:00", End: "06:00"},
			{Day: "tue", Start: "05:00", End: "09:00"}}, nil, "intervals[1]"},
		{"sunday night overlaps monday", "UTC", []schedule.Interval{{Day: "mon", Start: "00:00", End: "08:00"},
			{Day: "sun", Start: "22:00", End: "02:00"}}, nil, "intervals[1]"},
		{"bad holiday", "UTC", nil, []string{"2026-02-30"}, "holidays[0]"},
	}
	for _, c := range cases {
		_, err := schedule.Compile(c.zone, c.ivs, c.holidays)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid || e.Field != c.field {
			t.Errorf("%s: got %v, want invalid %s", c.name, err, c.field)
		}
	}
	// Touching intervals are fine: one ends as the next begins.
	if _, err := schedule.Compile("UTC", []schedule.Interval{{Day: "mon", Start: "22:00", End: "06:00"},
		{Day: "tue", Start: "06:00", End: "09:00"}}, nil); err != nil {
		t.Fatal(err)
	}
}
