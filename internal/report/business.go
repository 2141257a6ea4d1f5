package report

import (
	"context"
	"database/sql"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/schedule"
)

// Hours say how a report counts reply and resolution times.
const (
	CalendarHours = "calendar" // every hour of the day (the default)
	BusinessHours = "business" // the open time of the ticket's team schedule, else the desk's default
)

// calendars compiles each team's schedule once per batch of facts; the
// key "" is tickets of no team (the desk default).
type calendars map[int64]*schedule.Calendar

// of is the calendar business time is counted in for a ticket of team
// (nil when no schedule applies: every hour is then business time).
func (c calendars) of(ctx context.Context, q db.Queryer, team sql.NullInt64) (*schedule.Calendar, error) {
	key := int64(0)
	var teamID *int64
	if team.Valid {
		key, teamID = team.Int64, &team.Int64
	}
	if cal, ok := c[key]; ok {
		return cal, nil
	}
	sc, err := schedule.ForTeam(ctx, q, teamID)
	if err != nil {
		return nil, err
	}
	var cal *schedule.Calendar
	if sc != nil {
		if cal, err = sc.Calendar(); err != nil {
			return nil, err
		}
	}
	c[key] = cal
	return cal, nil
}

// businessSeconds is the open time between from and to; with no calendar
// it is the calendar seconds already counted.
func businessSeconds(cal *schedule.Calendar, from, to time.Time, calendarSeconds int64) int64 {
	if cal == nil {
		return calendarSeconds
	}
	return int64(cal.Elapsed(from, to) / time.Second)
}
