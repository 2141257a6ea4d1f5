// Package schedule is business hours: schedules with a time zone, weekly
// intervals (several a day, overnight ones) and holidays, and the
// arithmetic of open time over them (Calendar). Each team may have its own
// schedule; one schedule is the desk's default for the rest. SLA clocks and
// the deadline check admins use call the same Calendar.Deadline.
package schedule

import (
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Schedule is business hours as stored.
type Schedule struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	TimeZone  string     `json:"time_zone"`
	Intervals []Interval `json:"intervals"`
	Holidays  []string   `json:"holidays"` // YYYY-MM-DD, sorted
	Default   bool       `json:"default"`  // the desk's schedule for teams without their own
	TeamIDs   []int64    `json:"team_ids"` // teams that follow this schedule
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Calendar compiles the schedule; a stored schedule was checked when saved.
func (s *Schedule) Calendar() (*Calendar, error) {
	return Compile(s.TimeZone, s.Intervals, s.Holidays)
}

// NewSchedule is what it takes to create a schedule.
type NewSchedule struct {
	Name      string     `json:"name"`
	TimeZone  string     `json:"time_zone"`
	Intervals []Interval `json:"intervals"`
	Holidays  []string   `json:"holidays"`
	Default   bool       `json:"default"`
	TeamIDs   []int64    `json:"team_ids"`
}

// Patch changes a schedule; nil fields stay as they are. Intervals,
// Holidays and TeamIDs, when set, replace the whole list.
type Patch struct {
	Name      *string     `json:"name"`
	TimeZone  *string     `json:"time_zone"`
	Intervals *[]Interval `json:"intervals"`
	Holidays  *[]string   `json:"holidays"`
	Default   *bool       `json:"default"`
	TeamIDs   *[]int64    `json:"team_ids"`
}

// Limits on what a schedule holds.
const (
	MaxName      = 100
	MaxIntervals = 100
	MaxHolidays  = 1000
)

// check normalises s and refuses what Compile refuses, plus the limits.
func check(s *Schedule) error {
	name, err := apperr.CheckText("name", s.Name, MaxName, true)
	if err != nil {
		return err
	}
	s.Name = name
	if len(s.Intervals) == 0 {
		return apperr.Invalid("intervals", "needs at least one interval of open time")
	}
	if len(s.Intervals) > MaxIntervals {
		return apperr.Invalid("intervals", "has more than %d intervals", MaxIntervals)
	}
	if len(s.Holidays) > MaxHolidays {
		return apperr.Invalid("holidays", "has more than %d days", MaxHolidays)
	}
	if _, err := Compile(s.TimeZone, s.Intervals, s.Holidays); err != nil {
		return err
	}
	s.Intervals = normalIntervals(s.Intervals)
	s.Holidays = normalDays(s.Holidays)
	return nil
}

// normalIntervals stores days lower-case, trimmed, in week order.
func normalIntervals(ivs []Interval) []Interval {
	out := make([]Interval, 0, len(ivs))
	for _, iv := range ivs {
		out = append(out, Interval{Day: normalDay(iv.Day), Start: trim(iv.Start), End: trim(iv.End)})
	}
	slices.SortStableFunc(out, func(a, b Interval) int {
		if d := slices.Index(days, a.Day) - slices.Index(days, b.Day); d != 0 {
			return d
		}
		return compareStrings(a.Start, b.Start)
	})
	return out
}

// normalDays de-duplicates and sorts checked dates.
func normalDays(in []string) []string {
	out := make([]string, 0, len(in))
	for _, d := range in {
		if day, err := ParseDate(d); err == nil {
			out = append(out, day)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func uniqueTeamIDs(ids []int64) ([]int64, error) {
	out := slices.Clone(ids)
	for _, id := range out {
		if id <= 0 {
			return nil, apperr.Invalid("team_ids", "%d is not a team id", id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func trim(s string) string { return strings.TrimSpace(s) }

func normalDay(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func compareStrings(a, b string) int { return strings.Compare(a, b) }
